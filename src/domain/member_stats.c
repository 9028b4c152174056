/*
 * member_stats.c — member totals through history (member_stats.h): the
 * representative map from unit ids to the nodes of the structure used for
 * grouping (lineage first, so merged units roll up into their successor),
 * then sums over the in-memory index (member_index.c) per node and prefix
 * sums over the snapshot's pre-order, so a subtree is a subtraction.
 * Units not in the snapshot are resolved in memory from the lineage graph
 * and the versions' parents (org_links_load, cached per structure
 * generation), each (unit, depth) once.  Reads only; runs no SQL of its
 * own (the index and org_links_load do).
 */
#include "domain/member_stats.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/auth.h"
#include "domain/member_index.h"
#include "domain/org.h"

#define RESOLVE_DEPTH 8
#define TOP_DEFAULT 5
#define N_BANDS 5

/* ---- representative maps ---- */

/* The lineage graph and the versions' parents (org_links_load), cached for
 * the current structure generation of one database: built once, read by
 * any number of map builds. */
struct links_ref {
	char url[512];
	int refs;
	struct org_links *l;
};

static pthread_mutex_t links_lock = PTHREAD_MUTEX_INITIALIZER;
static struct links_ref *links_cache;

static void links_release(struct links_ref *r)
{
	if (r && __atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		org_links_free(r->l);
		free(r);
	}
}

/* The links for snapshot t: from the cache when of t's generation, else
 * loaded (and cached, unless t is a private snapshot: gen < 0). */
static int links_get(struct cx *cx, const struct org_tree *t, struct links_ref **out,
		     struct err *e)
{
	struct links_ref *r;
	int rc;
	*out = NULL;
	pthread_mutex_lock(&links_lock);
	r = links_cache;
	if (t->gen >= 0 && r && r->l->gen == t->gen && strcmp(r->url, cx->db->url) == 0) {
		__atomic_add_fetch(&r->refs, 1, __ATOMIC_ACQ_REL);
		pthread_mutex_unlock(&links_lock);
		*out = r;
		return 0;
	}
	pthread_mutex_unlock(&links_lock);
	if (!(r = calloc(1, sizeof *r))) {
		return err_set(e, ERR_INTERNAL, "", "out of memory (member stats)");
	}
	if ((rc = org_links_load(cx->db, &r->l, e))) {
		free(r);
		return rc;
	}
	snprintf(r->url, sizeof r->url, "%s", cx->db->url);
	r->refs = 1;
	if (t->gen >= 0 && r->l->gen == t->gen) {
		r->refs++; /* the cache's */
		pthread_mutex_lock(&links_lock);
		links_release(links_cache);
		links_cache = r;
		pthread_mutex_unlock(&links_lock);
	}
	*out = r;
	return 0;
}

#define LINEAGE_QUEUE 512 /* as org_unit_lineage's walk */
#define MEMO_UNSET (-2)

/* One map build's working state: the links, and per unit id the node it
 * resolves to when reached at each depth (memo[depth], filled on use; the
 * answer depends on the depth because the walk up is bounded), and the
 * lineage walk's marks. */
struct resolver {
	struct cx *cx;
	const struct org_tree *t;
	struct links_ref *ref;
	int32_t *memo[RESOLVE_DEPTH + 1];
	uint32_t *seen, stamp;
	struct err *e;
	int rc; /* the first failure: nothing more is resolved */
};

/* Walk the lineage of u in one direction (successors, or predecessors) as
 * org_unit_lineage does — breadth first from u, each unit's links in the
 * order (event date, code), a unit queued once, at most LINEAGE_QUEUE —
 * and pick the link whose unit is in the tree with the smallest depth,
 * then the largest share, the first in that order on a tie.  The node, or
 * -1.  Stops once the links left are deeper than the best found. */
static int lineage_best(struct resolver *r, int64_t u, const uint32_t *at,
			const int64_t *ids, const double *shares)
{
	const struct org_links *l = r->ref->l;
	int64_t queue[LINEAGE_QUEUE];
	int depth_of[LINEAGE_QUEUE];
	int head = 0, tail = 0, best = -1, best_depth = 1 << 30;
	double best_share = -1;
	if (++r->stamp == 0) { /* wrapped: clear the marks */
		memset(r->seen, 0, ((size_t)l->max_id + 1) * sizeof *r->seen);
		r->stamp = 1;
	}
	r->seen[u] = r->stamp;
	queue[tail] = u;
	depth_of[tail++] = 0;
	while (head < tail && depth_of[head] + 1 <= best_depth) {
		int64_t cur = queue[head];
		int depth = depth_of[head++] + 1;
		for (uint32_t k = at[cur]; k < at[cur + 1]; k++) {
			int64_t other = ids[k];
			int n = org_tree_find(r->t, other);
			if (n >= 0 && (depth < best_depth ||
				       (depth == best_depth && shares[k] > best_share))) {
				best = n;
				best_depth = depth;
				best_share = shares[k];
			}
			if (other > 0 && other <= l->max_id && r->seen[other] != r->stamp &&
			    tail < LINEAGE_QUEUE) {
				r->seen[other] = r->stamp;
				queue[tail] = other;
				depth_of[tail++] = depth;
			}
		}
	}
	return best;
}

/* The node of t that unit u counts toward, reached at `depth`; -1 when
 * none.  Its lineage first (successors, then predecessors), else where
 * its parents went, latest version first, at most RESOLVE_DEPTH levels
 * up. */
static int resolve(struct resolver *r, int64_t u, int depth)
{
	const struct org_links *l = r->ref->l;
	int n = org_tree_find(r->t, u);
	int32_t *memo;
	if (n >= 0 || depth > RESOLVE_DEPTH || u <= 0 || u > l->max_id) {
		return n;
	}
	if (!r->memo[depth]) {
		r->memo[depth] = malloc(((size_t)l->max_id + 1) * sizeof *r->memo[depth]);
		if (!r->memo[depth]) {
			r->rc = err_set(r->e, ERR_INTERNAL, "", "out of memory (member stats)");
			return -1;
		}
		for (int64_t i = 0; i <= l->max_id; i++) {
			r->memo[depth][i] = MEMO_UNSET;
		}
	}
	memo = r->memo[depth];
	if (memo[u] != MEMO_UNSET) {
		return memo[u];
	}
	n = lineage_best(r, u, l->succ_at, l->succ, l->succ_share);
	if (n < 0) {
		n = lineage_best(r, u, l->pred_at, l->pred, l->pred_share);
	}
	for (uint32_t k = l->par_at[u + 1]; n < 0 && k-- > l->par_at[u];) {
		n = resolve(r, l->par[k], depth + 1);
	}
	memo[u] = n;
	return n;
}

static void resolver_done(struct resolver *r)
{
	for (int d = 0; d <= RESOLVE_DEPTH; d++) {
		free(r->memo[d]);
	}
	free(r->seen);
	links_release(r->ref);
}

/* The node of unit u (not in r->t): loads the links on first use. */
static int resolve_unit(struct resolver *r, int64_t u)
{
	if (!r->ref && !r->rc && !(r->rc = links_get(r->cx, r->t, &r->ref, r->e)) &&
	    !(r->seen = calloc((size_t)r->ref->l->max_id + 1, sizeof *r->seen))) {
		r->rc = err_set(r->e, ERR_INTERNAL, "", "out of memory (member stats)");
	}
	return r->rc ? -1 : resolve(r, u, 0);
}

int midx_map_get(struct cx *cx, struct midx *x, const struct org_tree *t,
		 struct midx_map **out, struct err *e)
{
	struct midx_map *m;
	struct resolver r;
	int cacheable = t->gen >= 0 && x->gen >= 0;
	*out = NULL;
	pthread_mutex_lock(&x->lock);
	for (int i = 0; cacheable && i < MIDX_MAPS; i++) {
		m = x->maps[i];
		if (m && m->org_gen == t->gen && strcmp(m->as_of, t->as_of) == 0) {
			__atomic_add_fetch(&m->refs, 1, __ATOMIC_ACQ_REL);
			pthread_mutex_unlock(&x->lock);
			*out = m;
			return 0;
		}
	}
	pthread_mutex_unlock(&x->lock);
	m = calloc(1, sizeof *m);
	if (m) {
		m->node = malloc(((size_t)x->map_n + 1) * sizeof *m->node);
	}
	if (!m || !m->node) {
		free(m);
		return err_set(e, ERR_INTERNAL, "", "out of memory (member stats)");
	}
	snprintf(m->as_of, sizeof m->as_of, "%s", t->as_of);
	m->org_gen = t->gen;
	m->refs = 1;
	m->n = x->map_n;
	memset(&r, 0, sizeof r);
	r.cx = cx;
	r.t = t;
	r.e = e;
	for (uint32_t u = 0; u < m->n; u++) {
		m->node[u] = -1;
	}
	for (uint32_t k = 0; k < x->n_units && !r.rc; k++) {
		uint32_t u = x->units[k];
		int n = org_tree_find(t, u);
		m->node[u] = n >= 0 ? n : resolve_unit(&r, u);
	}
	resolver_done(&r);
	if (r.rc) {
		midx_map_release(m);
		return r.rc;
	}
	if (cacheable) {
		pthread_mutex_lock(&x->lock);
		m->refs++;
		midx_map_release(x->maps[x->next_map]);
		x->maps[x->next_map] = m;
		x->next_map = (x->next_map + 1) % MIDX_MAPS;
		pthread_mutex_unlock(&x->lock);
	}
	*out = m;
	return 0;
}

/* ---- sums ---- */

/* A query's working state: the index, the snapshot and its map. */
struct sq {
	struct midx *x;
	struct org_tree *t;
	struct midx_map *m;
	int32_t day;
};

static void sq_release(struct sq *s)
{
	midx_map_release(s->m);
	org_tree_release(s->t);
	midx_release(s->x);
	memset(s, 0, sizeof *s);
}

static int sq_open(struct cx *cx, const char *as_of, const char *structure,
		   int parts, struct sq *s, struct err *e)
{
	char today[11];
	int rc;
	memset(s, 0, sizeof *s);
	if (!as_of) {
		member_today(cx, today);
		as_of = today;
	}
	if ((rc = date_check(as_of, "as_of", e)) ||
	    (structure && (rc = date_check(structure, "structure_as_of", e)))) {
		return rc;
	}
	s->day = member_day(as_of);
	if ((rc = midx_get(cx, parts, &s->x, e)) ||
	    (rc = org_tree_get(cx, structure ? structure : as_of, &s->t, e)) ||
	    (rc = midx_map_get(cx, s->x, s->t, &s->m, e))) {
		sq_release(s);
	}
	return rc;
}

/* Memberships on the day per node, for organization o (-1 = all), into
 * pre[0..n] as prefix sums over the pre-order: the base arrays, then the
 * changes since they were built. */
static void member_prefix(const struct sq *s, int o, int64_t *pre)
{
	const struct midx *x = s->x;
	int n = s->t->n;
	memset(pre, 0, (size_t)(n + 1) * sizeof *pre);
	for (int org = o < 0 ? 0 : o; org < (o < 0 ? x->b_orgs : o + 1) && org < x->b_orgs;
	     org++) {
		const uint32_t *off = x->s_off + (size_t)org * x->stride;
		for (uint32_t k = 0; k < x->n_units && x->units[k] < x->stride; k++) {
			uint32_t u = x->units[k], lo = off[u], cnt = off[u + 1] - lo;
			int32_t nd = s->m->node[u];
			if (cnt == 0 || nd < 0) {
				continue;
			}
			pre[nd + 1] += (int64_t)midx_upper(x->starts + lo, cnt, s->day) -
				       (int64_t)midx_upper(x->ends + lo, cnt, s->day);
		}
	}
	for (size_t k = 0; k < x->oc.n; k++) {
		const struct midx_delta *d = &x->oc.v[k];
		int32_t nd = midx_node(s->m, d->unit);
		if ((o < 0 || d->org == (uint32_t)o) && nd >= 0 && d->a <= s->day && s->day < d->b) {
			pre[nd + 1] += d->w;
		}
	}
	for (int i = 0; i < n; i++) {
		pre[i + 1] += pre[i];
	}
}

static int64_t range_sum(const struct sq *s, const int64_t *pre, int i)
{
	return pre[s->t->nodes[i].end] - pre[i];
}

/* Over the stints of ps[0..n) grouped by person (skipping the people in
 * skip[0..n_skip)): how many memberships on the day in nodes [lo, hi) are
 * second ones. */
static int64_t overlap_in(const struct sq *s, const struct midx_person_stint *ps, size_t n,
			  const uint32_t *skip, size_t n_skip, int lo, int hi)
{
	int64_t extra = 0;
	for (size_t a = 0; a < n;) {
		size_t b = a;
		int k = 0;
		if (n_skip && midx_has_person(skip, n_skip, ps[a].person)) {
			for (; b < n && ps[b].person == ps[a].person; b++) {
			}
			a = b;
			continue;
		}
		for (; b < n && ps[b].person == ps[a].person; b++) {
			const struct midx_person_stint *p = &ps[b];
			int32_t nd = midx_node(s->m, p->unit);
			k += p->start <= s->day && s->day < p->end && nd >= lo && nd < hi;
		}
		extra += k > 1 ? k - 1 : 0;
		a = b;
	}
	return extra;
}

/* People with two or more memberships counted once: how many memberships
 * on the day in the subtree of node i are second ones (the base, less
 * the people changed since, then those people as they are now). */
static int64_t overlap(const struct sq *s, int i)
{
	const struct midx *x = s->x;
	int hi = s->t->nodes[i].end;
	return overlap_in(s, x->ps, x->n_ps, x->pt, x->n_pt, i, hi) +
	       overlap_in(s, x->po, x->n_po, NULL, 0, i, hi);
}

/* Admissions (joins) or departures in [from, to] in the subtree of i. */
static int64_t period_count(const struct sq *s, int o, int i, int leaves,
			    int32_t from, int32_t to)
{
	const struct midx *x = s->x;
	const struct midx_ovl *ov = leaves ? &x->ol : &x->oj;
	const int32_t *days = leaves ? x->leaves : x->joins;
	int lo = i, hi = s->t->nodes[i].end;
	int64_t n = 0;
	for (uint32_t k = 0; o < x->b_orgs && k < x->n_units && x->units[k] < x->stride; k++) {
		const uint32_t *off = (leaves ? x->l_off : x->j_off) + (size_t)o * x->stride;
		uint32_t u = x->units[k], a = off[u], cnt = off[u + 1] - a;
		int32_t nd = s->m->node[u];
		if (cnt && nd >= lo && nd < hi) {
			n += (int64_t)midx_upper(days + a, cnt, to) -
			     (int64_t)midx_upper(days + a, cnt, from - 1);
		}
	}
	for (size_t k = 0; k < ov->n; k++) {
		const struct midx_delta *d = &ov->v[k];
		int32_t nd = midx_node(s->m, d->unit);
		if (d->org == (uint32_t)o && nd >= lo && nd < hi && d->a >= from && d->a <= to) {
			n += d->w;
		}
	}
	return n;
}

int member_stats_totals(struct cx *cx, const char *as_of,
			const char *structure_as_of, const char *org, int n,
			const int64_t *units, int64_t *members, int64_t *people,
			struct err *e)
{
	struct sq s;
	int64_t *pre;
	int rc, o = -1;
	for (int k = 0; k < n; k++) {
		if ((rc = auth_may(cx, ACT_READ, units[k], e))) {
			return rc;
		}
	}
	if ((rc = sq_open(cx, as_of, structure_as_of, people && !org ? MIDX_PEOPLE : 0, &s,
			  e))) {
		return rc;
	}
	if (org && (o = midx_org(s.x, org)) < 0) {
		for (int k = 0; k < n; k++) {
			members[k] = org_tree_find(s.t, units[k]) < 0 ? -1 : 0;
			if (people) {
				people[k] = members[k];
			}
		}
		sq_release(&s);
		return 0;
	}
	pre = malloc((size_t)(s.t->n + 1) * sizeof *pre);
	if (!pre) {
		sq_release(&s);
		return err_set(e, ERR_INTERNAL, "", "out of memory (member stats)");
	}
	member_prefix(&s, o, pre);
	for (int k = 0; k < n; k++) {
		int i = org_tree_find(s.t, units[k]);
		members[k] = i < 0 ? -1 : range_sum(&s, pre, i);
		if (people) {
			people[k] = i < 0 ? -1 : members[k] - (o < 0 ? overlap(&s, i) : 0);
		}
	}
	free(pre);
	sq_release(&s);
	return 0;
}

void member_stats_flush(void)
{
	midx_flush();
	pthread_mutex_lock(&links_lock);
	links_release(links_cache);
	links_cache = NULL;
	pthread_mutex_unlock(&links_lock);
}

/* ---- the JSON answer ---- */

struct breakdown {
	int64_t gender[3], band[N_BANDS];
	int64_t *eth; /* [256] */
};

/* Day number of `day` minus `years` years (29 Feb → 28 Feb). */
static int32_t years_before(int32_t day, int years)
{
	struct date d = date_from_days(day);
	d.y -= years;
	if (d.m == 2 && d.d == 29 && date_days_in_month(d.y, 2) == 28) {
		d.d = 28;
	}
	return (int32_t)date_to_days(d);
}

/* Count one person w times into b (age bands by the t* limits). */
static void breakdown_add(struct breakdown *b, uint32_t attr, int64_t w, int32_t t30,
			  int32_t t46, int32_t t61)
{
	int32_t birth = (int32_t)MIDX_BIRTH(attr);
	b->gender[MIDX_GENDER(attr) % 3] += w;
	b->band[!birth ? 4 : birth > t30 ? 0 : birth > t46 ? 1 : birth > t61 ? 2 : 3] += w;
	b->eth[MIDX_ETH(attr)] += w;
}

static void breakdown_of(const struct sq *s, int o, int i, struct breakdown *b)
{
	const struct midx *x = s->x;
	int32_t day0 = member_day("1899-12-31");
	int32_t t30 = years_before(s->day, 30) - day0, t46 = years_before(s->day, 46) - day0;
	int32_t t61 = years_before(s->day, 61) - day0;
	int lo = i, hi = s->t->nodes[i].end;
	for (size_t k = 0; k < x->od.n; k++) {
		const struct midx_delta *d = &x->od.v[k];
		int32_t nd = midx_node(s->m, d->unit);
		if (d->org == (uint32_t)o && nd >= lo && nd < hi && d->a <= s->day &&
		    s->day < d->b) {
			breakdown_add(b, d->attr, d->w, t30, t46, t61);
		}
	}
	for (uint32_t k = 0; o < x->b_orgs && k < x->n_units && x->units[k] < x->stride; k++) {
		const uint32_t *off = x->d_off + (size_t)o * x->stride;
		uint32_t u = x->units[k], a = off[u], cnt = off[u + 1] - a, last;
		int32_t nd = s->m->node[u];
		if (!cnt || nd < lo || nd >= hi) {
			continue;
		}
		last = midx_upper(x->d_start + a, cnt, s->day);
		for (uint32_t j = a; j < a + last; j++) {
			if (x->d_end[j] > s->day) {
				breakdown_add(b, x->d_attr[j], 1, t30, t46, t61);
			}
		}
	}
}

static json_t *breakdown_json(const struct midx *x, const struct breakdown *b, int top)
{
	static const char *const bands[N_BANDS] = {"<30", "30-45", "46-60", ">60", "unknown"};
	json_t *age = json_object(), *eth = json_array();
	int64_t other = b->eth[255];
	int order[256], n = 0;
	for (int k = 0; k < N_BANDS; k++) {
		json_object_set_new(age, bands[k], json_integer(b->band[k]));
	}
	for (int k = 0; k <= x->n_eth; k++) {
		if (b->eth[k]) {
			order[n++] = k;
		}
	}
	for (int a = 1; a < n; a++) { /* by count, descending */
		int v = order[a], j = a;
		for (; j > 0 && b->eth[order[j - 1]] < b->eth[v]; j--) {
			order[j] = order[j - 1];
		}
		order[j] = v;
	}
	for (int k = 0; k < n; k++) {
		if (k < top) {
			json_array_append_new(
				eth, json_pack("{ss sI}", "ethnicity",
					       order[k] ? x->eth[order[k] - 1] : "",
					       "count", (json_int_t)b->eth[order[k]]));
		} else {
			other += b->eth[order[k]];
		}
	}
	if (other) {
		json_array_append_new(eth, json_pack("{ss sI}", "ethnicity", "other", "count",
						     (json_int_t)other));
	}
	return json_pack("{s{sI sI sI} so so}", "by_gender", "M", (json_int_t)b->gender[1],
			 "F", (json_int_t)b->gender[2], "unknown", (json_int_t)b->gender[0],
			 "by_age", age, "by_ethnicity", eth);
}

/* The root node for the query: the unit asked, or the actor's unit. */
static int stats_root(struct cx *cx, const struct member_stats_query *q,
		      const struct sq *s, int *root, struct err *e)
{
	int64_t unit = q->unit_id ? q->unit_id : cx->actor.system ? 0 : cx->actor.unit_id;
	int rc;
	*root = -1;
	if ((rc = auth_may(cx, ACT_READ, unit, e))) {
		return rc;
	}
	if (unit == 0) {
		if (s->t->n == 0 || s->t->nodes[0].end != s->t->n) {
			return err_set(e, ERR_INVALID, "unit_id", "the tree has %s roots: name a unit",
				       s->t->n ? "several" : "no");
		}
		*root = 0;
		return 0;
	}
	*root = org_tree_find(s->t, unit);
	if (*root < 0) {
		return err_set(e, ERR_INVALID, "structure_as_of",
			       "unit %lld is not in the structure as of %s: ask with a date it "
			       "existed",
			       (long long)unit, s->t->as_of);
	}
	return 0;
}

static json_t *node_ref(const struct org_tree *t, int i)
{
	return json_pack("{sI ss ss}", "id", (json_int_t)t->nodes[i].id, "code",
			 t->nodes[i].code, "name", t->nodes[i].name);
}

int member_stats(struct cx *cx, const struct member_stats_query *q,
		 json_t **out, struct err *e)
{
	struct sq s;
	int64_t *pre = NULL, all_members = 0, all_admitted = 0, all_left = 0;
	int32_t from = 0, to = 0;
	int period = q->from || q->to, root, rc, parts = MIDX_PEOPLE, ok = 1;
	json_t *orgs, *res, *by_unit = NULL;
	struct breakdown b;
	*out = NULL;
	memset(&b, 0, sizeof b);
	if (period) {
		if (!q->from || !q->to) {
			return err_set(e, ERR_INVALID, q->from ? "to" : "from",
				       "a period needs both from and to");
		}
		if ((rc = date_check(q->from, "from", e)) || (rc = date_check(q->to, "to", e))) {
			return rc;
		}
		if (strcmp(q->from, q->to) > 0) {
			return err_set(e, ERR_INVALID, "to", "to %s is before from %s", q->to, q->from);
		}
		from = member_day(q->from);
		to = member_day(q->to);
		parts |= MIDX_PERIOD;
	}
	parts |= q->breakdowns ? MIDX_DETAIL : 0;
	if ((rc = sq_open(cx, q->as_of, q->structure_as_of, parts, &s, e)) ||
	    (rc = stats_root(cx, q, &s, &root, e))) {
		sq_release(&s);
		return rc;
	}
	pre = malloc((size_t)(s.x->n_orgs + 1) * (size_t)(s.t->n + 1) * sizeof *pre);
	b.eth = calloc(256, sizeof *b.eth);
	if (!pre || !b.eth) {
		free(pre);
		free(b.eth);
		sq_release(&s);
		return err_set(e, ERR_INTERNAL, "", "out of memory (member stats)");
	}
	orgs = json_array();
	for (int o = 0; o < s.x->n_orgs; o++) {
		int64_t *p = pre + (size_t)(o + 1) * (size_t)(s.t->n + 1), m;
		json_t *jo;
		member_prefix(&s, o, p);
		if (q->org && strcmp(q->org, s.x->org[o]) != 0) {
			continue;
		}
		m = range_sum(&s, p, root);
		all_members += m;
		jo = json_pack("{ss sI sI so so}", "org", s.x->org[o], "members", (json_int_t)m,
			       "people", (json_int_t)m, "admitted", json_null(), "left",
			       json_null());
		if (period) {
			int64_t ad = period_count(&s, o, root, 0, from, to);
			int64_t lf = period_count(&s, o, root, 1, from, to);
			all_admitted += ad;
			all_left += lf;
			json_object_set_new(jo, "admitted", json_integer(ad));
			json_object_set_new(jo, "left", json_integer(lf));
		}
		if (q->breakdowns) {
			json_t *bj;
			memset(b.gender, 0, sizeof b.gender);
			memset(b.band, 0, sizeof b.band);
			memset(b.eth, 0, 256 * sizeof *b.eth);
			breakdown_of(&s, o, root, &b);
			bj = breakdown_json(s.x, &b, q->top > 0 ? q->top : TOP_DEFAULT);
			json_object_update(jo, bj);
			json_decref(bj);
		}
		json_array_append_new(orgs, jo);
	}
	if (q->org && midx_org(s.x, q->org) < 0 && !member_org_valid(cx, q->org)) {
		ok = 0;
	}
	res = json_pack("{so ss ss so so sI sI so so so}", "unit", node_ref(s.t, root), "as_of",
			q->as_of ? q->as_of : "", "structure_as_of", s.t->as_of, "from",
			q->from ? json_string(q->from) : json_null(), "to",
			q->to ? json_string(q->to) : json_null(), "members", (json_int_t)all_members,
			"people",
			(json_int_t)(all_members - (q->org ? 0 : overlap(&s, root))), "admitted",
			period ? json_integer(all_admitted) : json_null(), "left",
			period ? json_integer(all_left) : json_null(), "orgs", orgs);
	if (!q->as_of) {
		char today[11];
		member_today(cx, today);
		json_object_set_new(res, "as_of", json_string(today));
	}
	if (q->children) {
		by_unit = json_array();
		for (int c = root + 1; c < s.t->nodes[root].end; c = s.t->nodes[c].end) {
			json_t *per = json_object();
			int64_t tot = 0;
			for (int o = 0; o < s.x->n_orgs; o++) {
				int64_t *p = pre + (size_t)(o + 1) * (size_t)(s.t->n + 1);
				int64_t v = range_sum(&s, p, c);
				if (q->org && strcmp(q->org, s.x->org[o]) != 0) {
					continue;
				}
				tot += v;
				if (v) {
					json_object_set_new(per, s.x->org[o], json_integer(v));
				}
			}
			json_array_append_new(
				by_unit, json_pack("{sI ss ss sI sI so}", "id",
						   (json_int_t)s.t->nodes[c].id, "code",
						   s.t->nodes[c].code, "name", s.t->nodes[c].name,
						   "members", (json_int_t)tot, "people",
						   (json_int_t)(tot - (q->org ? 0 : overlap(&s, c))),
						   "orgs", per));
		}
		json_object_set_new(res, "by_unit", by_unit);
	}
	free(pre);
	free(b.eth);
	sq_release(&s);
	if (!ok) {
		json_decref(res);
		return err_set(e, ERR_INVALID, "org", "\"%.40s\" is not an organization with "
			       "members", q->org);
	}
	*out = res;
	return 0;
}
