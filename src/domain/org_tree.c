/*
 * org_tree.c — in-memory views of the organization: the snapshot of the
 * tree as of a date (pre-order array with subtree ends) and the history
 * graph behind scope checks (every parent a unit ever had, every successor).
 * Both are built from the org tables with one scan and cached per
 * (database, org_gen), shared between threads by reference counts.  The
 * caches are the module's only mutable process state; they never hold data
 * that the database does not.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "domain/auth.h"
#include "domain/org_internal.h"

int org_gen_get(struct db *db, int64_t *gen, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT value FROM meta WHERE key = 'org_gen'", &st, e);
	if (rc) {
		return rc;
	}
	rc = db_step(st, e);
	*gen = rc == DB_ROW ? strtoll(db_col_text(st, 0), NULL, 10) : 0;
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int org_gen_bump(struct db *db, struct err *e)
{
	struct db_stmt *st;
	int64_t gen;
	char v[24];
	int rc = org_gen_get(db, &gen, e);
	if (rc) {
		return rc;
	}
	snprintf(v, sizeof v, "%lld", (long long)gen + 1);
	if ((rc = db_prepare(db, "UPDATE meta SET value = ? WHERE key = 'org_gen'", &st, e))) {
		return rc;
	}
	db_bind_text(st, 1, v);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ---- the history ---- */

struct hist_version {
	int64_t unit_id, parent_id;
	int32_t from_day, to_day; /* days since 1970-01-01 */
	int level;
	uint32_t name, fold, from, to; /* offsets into strings */
};

struct org_history {
	char url[512];
	int64_t gen;
	int refs;
	int64_t max_id;
	uint32_t *code, *kind; /* per unit id: offsets (0 = no such unit) */
	int64_t *rev;
	int64_t *by_code; /* unit ids sorted by code */
	int n_units;
	struct hist_version *v;
	int nv;
	int *gstart;	/* graph: for id, up[gstart[id] .. gstart[id+1]) */
	int64_t *gup;	/* every parent it ever had, every successor */
	char *strings;
};

/* Days of a canonical date; the text is trusted (written by this module). */
static int32_t day_of(const char *s)
{
	struct date d;
	if (strlen(s) != 10) {
		return INT32_MAX;
	}
	d.y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	d.m = (s[5] - '0') * 10 + (s[6] - '0');
	d.d = (s[8] - '0') * 10 + (s[9] - '0');
	return (int32_t)date_to_days(d);
}

void org_history_release(struct org_history *h)
{
	if (!h || __atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) > 0) {
		return;
	}
	free(h->code);
	free(h->kind);
	free(h->rev);
	free(h->by_code);
	free(h->v);
	free(h->gstart);
	free(h->gup);
	free(h->strings);
	free(h);
}

/* Sort key: the first 8 bytes of the code, big-endian, then the rest. */
struct code_key {
	uint64_t prefix;
	const char *code;
	int64_t id;
};

static int cmp_code_key(const void *a, const void *b)
{
	const struct code_key *x = a, *y = b;
	if (x->prefix != y->prefix) {
		return x->prefix < y->prefix ? -1 : 1;
	}
	return strcmp(x->code, y->code);
}

static uint64_t prefix8(const char *s)
{
	uint64_t p = 0;
	int i = 0;
	for (; i < 8 && s[i]; i++) {
		p = (p << 8) | (unsigned char)s[i];
	}
	return i ? p << (8 * (8 - i)) : 0;
}

#define KEEP(off, st, col)                                                     \
	do {                                                                   \
		const char *s_ = db_col_text(st, col);                         \
		(off) = (uint32_t)arena.n;                                     \
		buf_append(&arena, s_, strlen(s_) + 1);                        \
	} while (0)

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap) {
		return 0;
	}
	{
		size_t ncap = *cap ? *cap * 2 : 4096;
		void *np = realloc(*p, ncap * size);
		if (!np) {
			return -1;
		}
		*p = np;
		*cap = ncap;
	}
	return 0;
}

struct edge {
	int64_t from, to;
};

int org_history_load(struct db *db, struct org_history **out, struct err *e)
{
	struct db_stmt *st;
	struct org_history *h = calloc(1, sizeof *h);
	struct buf arena = BUF_INIT;
	struct edge *links = NULL;
	size_t cap_v = 0, n_links = 0, cap_links = 0, n_edges;
	struct code_key *keys = NULL;
	int rc;
	*out = NULL;
	if (!h) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	buf_putc(&arena, 0); /* offset 0 is "" */
	/* Units: the largest id sizes the per-id arrays. */
	if ((rc = db_prepare(db, "SELECT MAX(id) FROM unit", &st, e))) {
		goto fail;
	}
	rc = db_step(st, e);
	h->max_id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_finalize(st);
	if (rc < 0) {
		goto fail;
	}
	h->code = calloc((size_t)h->max_id + 1, sizeof *h->code);
	h->kind = calloc((size_t)h->max_id + 1, sizeof *h->kind);
	h->rev = calloc((size_t)h->max_id + 1, sizeof *h->rev);
	keys = malloc(((size_t)h->max_id + 1) * sizeof *keys);
	if (!h->code || !h->kind || !h->rev || !keys) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		goto fail;
	}
	if ((rc = db_prepare(db, "SELECT id, code, kind, rev FROM unit", &st, e))) {
		goto fail;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		if (id <= 0 || id > h->max_id) {
			continue;
		}
		KEEP(h->code[id], st, 1);
		KEEP(h->kind[id], st, 2);
		h->rev[id] = db_col_int64(st, 3);
		keys[h->n_units].id = id;
		h->n_units++;
	}
	db_finalize(st);
	if (rc < 0) {
		goto fail;
	}
	if ((rc = db_prepare(db,
			     "SELECT unit_id, parent_id, name, name_fold, level, valid_from,"
			     " valid_to FROM unit_version",
			     &st, e))) {
		goto fail;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct hist_version *v;
		if (grow((void **)&h->v, &cap_v, (size_t)h->nv, sizeof *h->v)) {
			rc = err_set(e, ERR_INTERNAL, "", "out of memory");
			break;
		}
		v = &h->v[h->nv++];
		v->unit_id = db_col_int64(st, 0);
		v->parent_id = db_col_is_null(st, 1) ? 0 : db_col_int64(st, 1);
		KEEP(v->name, st, 2);
		KEEP(v->fold, st, 3);
		v->level = (int)db_col_int64(st, 4);
		KEEP(v->from, st, 5);
		KEEP(v->to, st, 6);
		v->from_day = day_of(db_col_text(st, 5));
		v->to_day = day_of(db_col_text(st, 6));
	}
	db_finalize(st);
	if (rc < 0) {
		goto fail;
	}
	if ((rc = db_prepare(db, "SELECT from_unit, to_unit FROM reorg_link", &st, e))) {
		goto fail;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (grow((void **)&links, &cap_links, n_links, sizeof *links)) {
			rc = err_set(e, ERR_INTERNAL, "", "out of memory");
			break;
		}
		links[n_links].from = db_col_int64(st, 0);
		links[n_links++].to = db_col_int64(st, 1);
	}
	db_finalize(st);
	if (rc < 0) {
		goto fail;
	}
	if (arena.err) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		goto fail;
	}
	h->strings = buf_detach(&arena, NULL);
	/* The code rank: sort once per generation, not per snapshot. */
	for (int i = 0; i < h->n_units; i++) {
		keys[i].code = h->strings + h->code[keys[i].id];
		keys[i].prefix = prefix8(keys[i].code);
	}
	qsort(keys, (size_t)h->n_units, sizeof *keys, cmp_code_key);
	h->by_code = malloc(((size_t)h->n_units + 1) * sizeof *h->by_code);
	/* The history graph: parents from versions, successors from links. */
	n_edges = (size_t)h->nv + n_links;
	h->gstart = calloc((size_t)h->max_id + 2, sizeof *h->gstart);
	h->gup = malloc((n_edges + 1) * sizeof *h->gup);
	if (!h->by_code || !h->gstart || !h->gup) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		goto fail;
	}
	for (int i = 0; i < h->n_units; i++) {
		h->by_code[i] = keys[i].id;
	}
	for (int i = 0; i < h->nv; i++) {
		if (h->v[i].parent_id && h->v[i].unit_id <= h->max_id) {
			h->gstart[h->v[i].unit_id + 1]++;
		}
	}
	for (size_t i = 0; i < n_links; i++) {
		if (links[i].from <= h->max_id) {
			h->gstart[links[i].from + 1]++;
		}
	}
	for (int64_t i = 0; i <= h->max_id; i++) {
		h->gstart[i + 1] += h->gstart[i];
	}
	{
		int *fill = calloc((size_t)h->max_id + 1, sizeof *fill);
		if (!fill) {
			rc = err_set(e, ERR_INTERNAL, "", "out of memory");
			goto fail;
		}
		for (int i = 0; i < h->nv; i++) {
			int64_t u = h->v[i].unit_id;
			if (h->v[i].parent_id && u <= h->max_id) {
				h->gup[h->gstart[u] + fill[u]++] = h->v[i].parent_id;
			}
		}
		for (size_t i = 0; i < n_links; i++) {
			int64_t u = links[i].from;
			if (u <= h->max_id) {
				h->gup[h->gstart[u] + fill[u]++] = links[i].to;
			}
		}
		free(fill);
	}
	free(keys);
	free(links);
	h->refs = 1;
	*out = h;
	return 0;
fail:
	free(keys);
	free(links);
	buf_free(&arena);
	h->refs = 1;
	org_history_release(h);
	return rc < 0 ? rc : -ERR_INTERNAL;
}

/* ---- snapshots ---- */

void org_tree_release(struct org_tree *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0) {
		return;
	}
	org_history_release(t->hist);
	free(t->nodes);
	free(t->index_of_id);
	free(t);
}

int org_tree_find(const struct org_tree *t, int64_t id)
{
	if (id <= 0 || id > t->max_id) {
		return -1;
	}
	return t->index_of_id[id];
}

int org_tree_from_history(struct org_history *h, const char *as_of,
			  struct org_tree **out, struct err *e)
{
	struct org_tree *t = calloc(1, sizeof *t);
	int *cur = NULL, *first = NULL, *fill = NULL, *kids = NULL, *stack = NULL;
	int64_t max_id = h->max_id;
	int32_t day;
	int n = 0, rc = 0, top = 0, out_i = 0;
	*out = NULL;
	if (!t || (rc = date_check(as_of, "as_of", e))) {
		free(t);
		return rc ? rc : err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	day = day_of(as_of);
	/* cur[id] = the version valid on the day; first[] counts children. */
	cur = malloc(((size_t)max_id + 1) * sizeof *cur);
	first = calloc((size_t)max_id + 3, sizeof *first);
	fill = calloc((size_t)max_id + 2, sizeof *fill);
	t->index_of_id = malloc(((size_t)max_id + 1) * sizeof *t->index_of_id);
	if (!cur || !first || !fill || !t->index_of_id) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		goto done;
	}
	for (int64_t i = 0; i <= max_id; i++) {
		cur[i] = -1;
		t->index_of_id[i] = -1;
	}
	for (int i = 0; i < h->nv; i++) {
		const struct hist_version *v = &h->v[i];
		if (v->from_day <= day && day < v->to_day && v->unit_id <= max_id) {
			cur[v->unit_id] = i;
			n++;
		}
	}
	/* Bucket children by parent (slot 0 = roots), in code order because
	 * units are visited in code order: no sort per snapshot. */
#define SLOT(id)                                                               \
	(h->v[cur[id]].parent_id > 0 && h->v[cur[id]].parent_id <= max_id &&   \
			 cur[h->v[cur[id]].parent_id] >= 0                    \
		 ? h->v[cur[id]].parent_id                                     \
		 : 0)
	for (int k = 0; k < h->n_units; k++) {
		int64_t id = h->by_code[k];
		if (cur[id] >= 0) {
			first[SLOT(id) + 1]++;
		}
	}
	for (int64_t i = 0; i <= max_id; i++) {
		first[i + 1] += first[i];
	}
	kids = malloc(((size_t)n + 1) * sizeof *kids);
	stack = malloc(((size_t)n + 1) * sizeof *stack);
	t->nodes = calloc((size_t)n + 1, sizeof *t->nodes);
	if (!kids || !stack || !t->nodes) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		goto done;
	}
	for (int k = 0; k < h->n_units; k++) {
		int64_t id = h->by_code[k];
		if (cur[id] >= 0) {
			int64_t s = SLOT(id);
			kids[first[s] + fill[s]++] = (int)id;
		}
	}
#undef SLOT
	/* Iterative pre-order: +id entering, -(node+1) leaving. */
	for (int k = first[1] - 1; k >= first[0]; k--) {
		stack[top++] = kids[k];
	}
	while (top > 0) {
		int x = stack[--top];
		if (x < 0) {
			t->nodes[-x - 1].end = out_i;
			continue;
		}
		{
			const struct hist_version *v = &h->v[cur[x]];
			struct org_node *nd = &t->nodes[out_i];
			int ni = out_i++;
			nd->id = x;
			nd->parent_id = v->parent_id;
			nd->level = v->level;
			nd->rev = h->rev[x];
			nd->n_children = first[x + 1] - first[x];
			nd->code = h->strings + h->code[x];
			nd->kind = h->strings + h->kind[x];
			nd->name = h->strings + v->name;
			nd->name_fold = h->strings + v->fold;
			nd->valid_from = h->strings + v->from;
			nd->valid_to = h->strings + v->to;
			nd->parent = v->parent_id > 0 && v->parent_id <= max_id
					     ? t->index_of_id[v->parent_id]
					     : -1;
			nd->depth = nd->parent >= 0 ? t->nodes[nd->parent].depth + 1 : 0;
			t->index_of_id[x] = ni;
			stack[top++] = -(ni + 1);
			for (int k = first[x + 1] - 1; k >= first[x]; k--) {
				stack[top++] = kids[k];
			}
		}
	}
	t->n = out_i;
	t->max_id = max_id;
	snprintf(t->as_of, sizeof t->as_of, "%s", as_of);
	t->refs = 1;
	t->hist = h;
	__atomic_add_fetch(&h->refs, 1, __ATOMIC_ACQ_REL);
done:
	free(cur);
	free(first);
	free(fill);
	free(kids);
	free(stack);
	if (rc) {
		free(t->nodes);
		free(t->index_of_id);
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int org_tree_build(struct db *db, const char *as_of, struct org_tree **out,
		   struct err *e)
{
	struct org_history *h;
	char today[11];
	int rc;
	if (!as_of) {
		date_today(today);
		as_of = today;
	}
	if ((rc = date_check(as_of, "as_of", e)) || (rc = org_history_load(db, &h, e))) {
		return rc;
	}
	rc = org_tree_from_history(h, as_of, out, e);
	org_history_release(h);
	return rc;
}

/* ---- caches ---- */

#define TREE_CACHE 8

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct org_history *history_cache;
static struct {
	char url[512];
	struct org_tree *tree;
	uint64_t used;
} tree_cache[TREE_CACHE];
static uint64_t cache_clock;

/* The history for cx: pinned by the caller, cached, or (inside a
 * transaction, where structure may be uncommitted) loaded privately. */
static int history_get(struct cx *cx, int64_t gen, struct org_history **out,
		       struct err *e)
{
	struct org_history *h;
	int rc;
	if (cx->org_pin) {
		h = cx->org_pin;
		__atomic_add_fetch(&h->refs, 1, __ATOMIC_ACQ_REL);
		*out = h;
		return 0;
	}
	if (cx->db->tx_depth > 0) {
		return org_history_load(cx->db, out, e);
	}
	pthread_mutex_lock(&cache_lock);
	h = history_cache;
	if (h && h->gen == gen && strcmp(h->url, cx->db->url) == 0) {
		__atomic_add_fetch(&h->refs, 1, __ATOMIC_ACQ_REL);
		pthread_mutex_unlock(&cache_lock);
		*out = h;
		return 0;
	}
	pthread_mutex_unlock(&cache_lock);
	if ((rc = org_history_load(cx->db, &h, e))) {
		return rc;
	}
	h->gen = gen;
	snprintf(h->url, sizeof h->url, "%s", cx->db->url);
	h->refs = 2; /* the caller's and the cache's */
	pthread_mutex_lock(&cache_lock);
	org_history_release(history_cache);
	history_cache = h;
	pthread_mutex_unlock(&cache_lock);
	*out = h;
	return 0;
}

int org_history_pin(struct cx *cx, struct err *e)
{
	int64_t gen;
	int rc;
	if (cx->org_pin) {
		return 0;
	}
	if ((rc = org_gen_get(cx->db, &gen, e))) {
		return rc;
	}
	return history_get(cx, gen, (struct org_history **)&cx->org_pin, e);
}

void org_history_unpin(struct cx *cx)
{
	org_history_release(cx->org_pin);
	cx->org_pin = NULL;
}

int org_tree_get(struct cx *cx, const char *as_of, struct org_tree **out,
		 struct err *e)
{
	struct org_history *h;
	struct org_tree *t;
	int64_t gen;
	char today[11];
	int rc, victim = 0, cacheable;
	*out = NULL;
	if (!as_of) {
		date_today(today);
		as_of = today;
	}
	if ((rc = date_check(as_of, "as_of", e)) || (rc = org_gen_get(cx->db, &gen, e))) {
		return rc;
	}
	/* Inside a transaction the caller may see uncommitted structure:
	 * never share such a snapshot. */
	cacheable = cx->db->tx_depth == 0 && !cx->org_pin;
	if (cacheable) {
		pthread_mutex_lock(&cache_lock);
		for (int i = 0; i < TREE_CACHE; i++) {
			t = tree_cache[i].tree;
			if (t && t->gen == gen && strcmp(t->as_of, as_of) == 0 &&
			    strcmp(tree_cache[i].url, cx->db->url) == 0) {
				__atomic_add_fetch(&t->refs, 1, __ATOMIC_ACQ_REL);
				tree_cache[i].used = ++cache_clock;
				pthread_mutex_unlock(&cache_lock);
				*out = t;
				return 0;
			}
		}
		pthread_mutex_unlock(&cache_lock);
	}
	if ((rc = history_get(cx, gen, &h, e))) {
		return rc;
	}
	rc = org_tree_from_history(h, as_of, &t, e);
	org_history_release(h);
	if (rc) {
		return rc;
	}
	if (!cacheable) {
		t->gen = -1;
		*out = t;
		return 0;
	}
	t->gen = gen;
	t->refs = 2; /* the caller's and the cache's */
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < TREE_CACHE; i++) {
		if (!tree_cache[i].tree) {
			victim = i;
			break;
		}
		if (tree_cache[i].used < tree_cache[victim].used) {
			victim = i;
		}
	}
	org_tree_release(tree_cache[victim].tree);
	tree_cache[victim].tree = t;
	tree_cache[victim].used = ++cache_clock;
	snprintf(tree_cache[victim].url, sizeof tree_cache[victim].url, "%s", cx->db->url);
	pthread_mutex_unlock(&cache_lock);
	*out = t;
	return 0;
}

#define SCOPE_MAX_VISIT 4096

/* Walk up from unit_id through every parent it ever had and every
 * successor; found when the walk reaches scope_id. */
int org_in_scope(struct cx *cx, int64_t scope_id, int64_t unit_id,
		 struct err *e)
{
	struct org_history *h;
	int64_t gen, seen_small[64], stack_small[64];
	int64_t *seen = seen_small, *stack_ids = stack_small;
	size_t n_seen = 0, seen_cap = 64, top = 0, stack_cap = 64;
	int rc, found = 0;
	if (scope_id == unit_id) {
		return 1;
	}
	if (!cx->org_pin && (rc = org_gen_get(cx->db, &gen, e))) {
		return rc;
	}
	if ((rc = history_get(cx, cx->org_pin ? 0 : gen, &h, e))) {
		return rc;
	}
	stack_ids[top++] = unit_id;
	while (top > 0 && !found) {
		int64_t u = stack_ids[--top];
		int dup = 0;
		for (size_t i = 0; i < n_seen && !dup; i++) {
			dup = seen[i] == u;
		}
		if (dup || u <= 0 || u > h->max_id) {
			continue;
		}
		if (n_seen == SCOPE_MAX_VISIT) {
			break;
		}
		if (n_seen == seen_cap) {
			int64_t *ns = malloc(seen_cap * 2 * sizeof *ns);
			if (!ns) {
				break;
			}
			memcpy(ns, seen, n_seen * sizeof *ns);
			if (seen != seen_small) {
				free(seen);
			}
			seen = ns;
			seen_cap *= 2;
		}
		seen[n_seen++] = u;
		for (int k = h->gstart[u]; k < h->gstart[u + 1] && !found; k++) {
			int64_t v = h->gup[k];
			if (v == scope_id) {
				found = 1;
				break;
			}
			if (top == stack_cap) {
				int64_t *ns = malloc(stack_cap * 2 * sizeof *ns);
				if (!ns) {
					break;
				}
				memcpy(ns, stack_ids, top * sizeof *ns);
				if (stack_ids != stack_small) {
					free(stack_ids);
				}
				stack_ids = ns;
				stack_cap *= 2;
			}
			stack_ids[top++] = v;
		}
	}
	if (seen != seen_small) {
		free(seen);
	}
	if (stack_ids != stack_small) {
		free(stack_ids);
	}
	org_history_release(h);
	return found;
}
