/*
 * member_index.c — the in-memory index of member stints (member_index.h):
 * built by scanning membership and membership_stint in keyset pages (so the
 * PostgreSQL driver never holds a whole table), one counting sort into
 * per-(organization, unit) segments, cached per (database, member_gen),
 * and the representative maps from unit ids to the nodes of a snapshot.
 * Reads the member tables only (through SQL owned by this module); never
 * writes.  The cache is the module's only mutable process state.
 */
#include "domain/member_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"

#define PAGE 100000
#define CACHE 4

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct midx *cache[CACHE];

/* ---- small helpers ---- */

int midx_org(const struct midx *x, const char *org)
{
	for (int o = 0; org && o < x->n_orgs; o++) {
		if (strcmp(x->org[o], org) == 0) {
			return o;
		}
	}
	return -1;
}

/* Index of org, adding it when new; -1 when too many. */
static int org_slot(struct midx *x, const char *org)
{
	int o = midx_org(x, org);
	if (o >= 0 || x->n_orgs == MIDX_MAX_ORGS) {
		return o;
	}
	snprintf(x->org[x->n_orgs], MEMBER_ORG_MAX, "%s", org);
	return x->n_orgs++;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return x < y ? -1 : x > y;
}

static void sort_i32(int32_t *a, uint32_t n)
{
	if (n < 16) {
		for (uint32_t i = 1; i < n; i++) {
			int32_t v = a[i];
			uint32_t j = i;
			for (; j > 0 && a[j - 1] > v; j--) {
				a[j] = a[j - 1];
			}
			a[j] = v;
		}
	} else {
		qsort(a, n, sizeof *a, cmp_i32);
	}
}

/* Rows gathered by a scan before the counting sort. */
struct rows {
	uint32_t *key;
	int32_t *a, *b;
	uint32_t *c;
	size_t n, cap;
	int with_c;
};

static int rows_push(struct rows *r, uint32_t key, int32_t a, int32_t b, uint32_t c)
{
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 65536;
		uint32_t *k = realloc(r->key, ncap * sizeof *k);
		int32_t *na, *nb;
		uint32_t *nc = NULL;
		if (k) {
			r->key = k;
		}
		na = k ? realloc(r->a, ncap * sizeof *na) : NULL;
		if (na) {
			r->a = na;
		}
		nb = na ? realloc(r->b, ncap * sizeof *nb) : NULL;
		if (nb) {
			r->b = nb;
		}
		if (nb && r->with_c) {
			nc = realloc(r->c, ncap * sizeof *nc);
			if (nc) {
				r->c = nc;
			}
		}
		if (!nb || (r->with_c && !nc)) {
			return -1;
		}
		r->cap = ncap;
	}
	r->key[r->n] = key;
	r->a[r->n] = a;
	r->b[r->n] = b;
	if (r->with_c) {
		r->c[r->n] = c;
	}
	r->n++;
	return 0;
}

static void rows_free(struct rows *r)
{
	free(r->key);
	free(r->a);
	free(r->b);
	free(r->c);
	memset(r, 0, sizeof *r);
}

/* Run a keyset-paged scan: sql selects (id, …) WHERE id > ? ORDER BY id
 * LIMIT ?; fn is called per row. */
typedef int (*row_fn)(struct midx *x, struct db_stmt *st, void *arg);

static int scan(struct db *db, const char *sql, struct midx *x, row_fn fn,
		void *arg, struct err *e)
{
	int64_t last = 0;
	for (;;) {
		struct db_stmt *st;
		long n = 0;
		int rc = db_prepare(db, sql, &st, e);
		if (rc) {
			return rc;
		}
		db_bind_int64(st, 1, last);
		db_bind_int64(st, 2, PAGE);
		while ((rc = db_step(st, e)) == DB_ROW) {
			last = db_col_int64(st, 0);
			n++;
			if (fn(x, st, arg)) {
				db_finalize(st);
				return err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
			}
		}
		db_finalize(st);
		if (rc < 0) {
			return rc;
		}
		if (n < PAGE) {
			return 0;
		}
	}
}

/* Counting sort of rows into off[nkeys + 1] and the arrays. */
static int distribute(struct rows *r, size_t nkeys, uint32_t **off, int32_t **a,
		      int32_t **b, uint32_t **c)
{
	uint32_t *o = calloc(nkeys + 1, sizeof *o), *fill;
	size_t n = r->n ? r->n : 1;
	*off = o;
	*a = malloc(n * sizeof **a);
	if (b) {
		*b = malloc(n * sizeof **b);
	}
	if (c) {
		*c = malloc(n * sizeof **c);
	}
	if (!o || !*a || (b && !*b) || (c && !*c)) {
		return -1;
	}
	for (size_t i = 0; i < r->n; i++) {
		o[r->key[i] + 1]++;
	}
	for (size_t k = 0; k < nkeys; k++) {
		o[k + 1] += o[k];
	}
	fill = malloc((nkeys + 1) * sizeof *fill);
	if (!fill) {
		return -1;
	}
	memcpy(fill, o, (nkeys + 1) * sizeof *fill);
	for (size_t i = 0; i < r->n; i++) {
		uint32_t at = fill[r->key[i]]++;
		(*a)[at] = r->a[i];
		if (b) {
			(*b)[at] = r->b[i];
		}
		if (c) {
			(*c)[at] = r->c[i];
		}
	}
	free(fill);
	return 0;
}

/* ---- the counts part ---- */

struct build {
	struct rows r;
	uint32_t max_id;
};

static int count_row(struct midx *x, struct db_stmt *st, void *arg)
{
	struct build *b = arg;
	int o = org_slot(x, db_col_text(st, 1));
	int64_t unit = db_col_int64(st, 2);
	int32_t from = member_day(db_col_text(st, 3)), to = member_day(db_col_text(st, 4));
	if (o < 0 || unit <= 0 || unit > UINT32_MAX / 2 || from >= to) {
		return 0; /* empty stint or too many organizations */
	}
	if ((uint32_t)unit > b->max_id) {
		b->max_id = (uint32_t)unit;
	}
	/* The key waits for the stride: keep (org, unit) in key/c. */
	return rows_push(&b->r, (uint32_t)o, from, to, (uint32_t)unit);
}

static const char *const count_sql[2] = {
	"SELECT id, org, unit_id, unit_from, ended FROM membership"
	" WHERE id > ? ORDER BY id LIMIT ?",
	"SELECT s.id, m.org, s.unit_id, s.valid_from, s.valid_to FROM membership_stint s"
	" JOIN membership m ON m.id = s.membership_id WHERE s.id > ? ORDER BY s.id LIMIT ?",
};

static int build_counts(struct db *db, struct midx *x, struct err *e)
{
	struct build b;
	size_t nkeys;
	int32_t *ends_tmp = NULL;
	uint32_t *mark;
	int rc = 0;
	memset(&b, 0, sizeof b);
	b.r.with_c = 1;
	for (int q = 0; q < 2 && rc == 0; q++) {
		rc = scan(db, count_sql[q], x, count_row, &b, e);
	}
	if (rc) {
		rows_free(&b.r);
		return rc;
	}
	x->stride = b.max_id + 1;
	nkeys = (size_t)(x->n_orgs ? x->n_orgs : 1) * x->stride;
	for (size_t i = 0; i < b.r.n; i++) {
		b.r.key[i] = b.r.key[i] * x->stride + b.r.c[i];
	}
	free(b.r.c);
	b.r.c = NULL;
	b.r.with_c = 0;
	if (distribute(&b.r, nkeys, &x->s_off, &x->starts, &ends_tmp, NULL)) {
		rows_free(&b.r);
		free(ends_tmp);
		return err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
	}
	x->ends = ends_tmp;
	rows_free(&b.r);
	mark = calloc(x->stride, sizeof *mark);
	if (!mark) {
		return err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
	}
	for (size_t k = 0; k < nkeys; k++) {
		uint32_t lo = x->s_off[k], n = x->s_off[k + 1] - lo;
		if (n) {
			sort_i32(x->starts + lo, n);
			sort_i32(x->ends + lo, n);
			mark[k % x->stride] = 1;
		}
	}
	for (uint32_t u = 0; u < x->stride; u++) {
		x->n_units += mark[u];
	}
	x->units = malloc((x->n_units ? x->n_units : 1) * sizeof *x->units);
	if (x->units) {
		uint32_t k = 0;
		for (uint32_t u = 0; u < x->stride; u++) {
			if (mark[u]) {
				x->units[k++] = u;
			}
		}
	}
	free(mark);
	return x->units ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
}

/* ---- the period part ---- */

struct period {
	struct rows j, l;
};

static uint32_t key_of(const struct midx *x, const char *org, int64_t unit)
{
	int o = midx_org(x, org);
	if (o < 0 || unit <= 0 || unit >= x->stride) {
		return UINT32_MAX;
	}
	return (uint32_t)o * x->stride + (uint32_t)unit;
}

static int period_row(struct midx *x, struct db_stmt *st, void *arg)
{
	struct period *p = arg;
	uint32_t kj = key_of(x, db_col_text(st, 1), db_col_int64(st, 2));
	uint32_t kl = key_of(x, db_col_text(st, 1), db_col_int64(st, 3));
	const char *ended = db_col_text(st, 5);
	if (kj != UINT32_MAX && rows_push(&p->j, kj, member_day(db_col_text(st, 4)), 0, 0)) {
		return -1;
	}
	if (kl != UINT32_MAX && strcmp(ended, DATE_OPEN) != 0 &&
	    rows_push(&p->l, kl, member_day(ended), 0, 0)) {
		return -1;
	}
	return 0;
}

static int build_period(struct db *db, struct midx *x, struct err *e)
{
	/* The admission's unit: the first stint's (the current one when the
	 * member never moved). */
	static const char *const sql =
		"SELECT m.id, m.org, COALESCE((SELECT s.unit_id FROM membership_stint s"
		" WHERE s.membership_id = m.id ORDER BY s.valid_from, s.id LIMIT 1), m.unit_id),"
		" m.unit_id, m.joined, m.ended FROM membership m WHERE m.id > ? ORDER BY m.id LIMIT ?";
	struct period p;
	size_t nkeys = (size_t)x->n_orgs * x->stride;
	int rc;
	memset(&p, 0, sizeof p);
	rc = scan(db, sql, x, period_row, &p, e);
	if (rc == 0 && (distribute(&p.j, nkeys, &x->j_off, &x->joins, NULL, NULL) ||
			distribute(&p.l, nkeys, &x->l_off, &x->leaves, NULL, NULL))) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
	}
	rows_free(&p.j);
	rows_free(&p.l);
	for (size_t k = 0; rc == 0 && k < nkeys; k++) {
		sort_i32(x->joins + x->j_off[k], x->j_off[k + 1] - x->j_off[k]);
		sort_i32(x->leaves + x->l_off[k], x->l_off[k + 1] - x->l_off[k]);
	}
	return rc;
}

/* ---- the detail part ---- */

static uint32_t eth_index(struct midx *x, const char *s)
{
	if (!s[0]) {
		return 0;
	}
	for (int i = 0; i < x->n_eth; i++) {
		if (strcmp(x->eth[i], s) == 0) {
			return (uint32_t)i + 1;
		}
	}
	if (x->n_eth == MIDX_ETH_MAX) {
		return 255;
	}
	snprintf(x->eth[x->n_eth], 64, "%s", s);
	return (uint32_t)++x->n_eth;
}

static int detail_row(struct midx *x, struct db_stmt *st, void *arg)
{
	static int32_t day0;
	uint32_t key = key_of(x, db_col_text(st, 1), db_col_int64(st, 2)), attr;
	int32_t from = member_day(db_col_text(st, 3)), to = member_day(db_col_text(st, 4));
	const char *g = db_col_text(st, 5), *birth = db_col_text(st, 6);
	int64_t bd = 0;
	if (!day0) {
		day0 = member_day("1899-12-31");
	}
	if (key == UINT32_MAX || from >= to) {
		return 0;
	}
	if (strlen(birth) >= 10) {
		bd = member_day(birth) - day0;
		bd = bd < 1 ? 1 : bd > 0xFFFF ? 0xFFFF : bd;
	}
	attr = (uint32_t)bd | (uint32_t)(g[0] == 'M' ? 1 : g[0] == 'F' ? 2 : 0) << 16 |
	       eth_index(x, db_col_text(st, 7)) << 18;
	return rows_push(arg, key, from, to, attr);
}

static const char *const detail_sql[2] = {
	"SELECT m.id, m.org, m.unit_id, m.unit_from, m.ended, p.gender, p.birth_date,"
	" p.ethnicity FROM membership m JOIN person p ON p.id = m.person_id"
	" WHERE m.id > ? ORDER BY m.id LIMIT ?",
	"SELECT s.id, m.org, s.unit_id, s.valid_from, s.valid_to, p.gender, p.birth_date,"
	" p.ethnicity FROM membership_stint s JOIN membership m ON m.id = s.membership_id"
	" JOIN person p ON p.id = m.person_id WHERE s.id > ? ORDER BY s.id LIMIT ?",
};

struct by_start {
	int32_t start, end;
	uint32_t attr;
};

static int cmp_start(const void *a, const void *b)
{
	const struct by_start *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int build_detail(struct db *db, struct midx *x, struct err *e)
{
	struct rows r;
	size_t nkeys = (size_t)x->n_orgs * x->stride;
	struct by_start *tmp = NULL;
	size_t tmp_cap = 0;
	int rc = 0;
	memset(&r, 0, sizeof r);
	r.with_c = 1;
	x->eth = calloc(MIDX_ETH_MAX, sizeof *x->eth);
	if (!x->eth) {
		return err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
	}
	for (int q = 0; q < 2 && rc == 0; q++) {
		rc = scan(db, detail_sql[q], x, detail_row, &r, e);
	}
	if (rc == 0 && distribute(&r, nkeys, &x->d_off, &x->d_start, &x->d_end, &x->d_attr)) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
	}
	rows_free(&r);
	for (size_t k = 0; rc == 0 && k < nkeys; k++) {
		uint32_t lo = x->d_off[k], n = x->d_off[k + 1] - lo;
		if (n < 2) {
			continue;
		}
		if (n > tmp_cap) {
			struct by_start *nt = realloc(tmp, n * sizeof *nt);
			if (!nt) {
				rc = err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
				break;
			}
			tmp = nt;
			tmp_cap = n;
		}
		for (uint32_t i = 0; i < n; i++) {
			tmp[i].start = x->d_start[lo + i];
			tmp[i].end = x->d_end[lo + i];
			tmp[i].attr = x->d_attr[lo + i];
		}
		qsort(tmp, n, sizeof *tmp, cmp_start);
		for (uint32_t i = 0; i < n; i++) {
			x->d_start[lo + i] = tmp[i].start;
			x->d_end[lo + i] = tmp[i].end;
			x->d_attr[lo + i] = tmp[i].attr;
		}
	}
	free(tmp);
	return rc;
}

/* ---- the people part ---- */

static int people_row(struct midx *x, struct db_stmt *st, void *arg)
{
	struct rows *r = arg;
	int64_t unit = db_col_int64(st, 2);
	int32_t from = member_day(db_col_text(st, 3)), to = member_day(db_col_text(st, 4));
	if (unit <= 0 || unit >= x->stride || from >= to) {
		return 0;
	}
	return rows_push(r, (uint32_t)db_col_int64(st, 5), from, to, (uint32_t)unit);
}

static const char *const people_sql[2] = {
	"SELECT m.id, m.org, m.unit_id, m.unit_from, m.ended, m.person_id FROM membership m"
	" WHERE m.id > ? AND m.person_id IN (SELECT person_id FROM membership"
	" GROUP BY person_id HAVING COUNT(*) > 1) ORDER BY m.id LIMIT ?",
	"SELECT s.id, m.org, s.unit_id, s.valid_from, s.valid_to, m.person_id"
	" FROM membership_stint s JOIN membership m ON m.id = s.membership_id"
	" WHERE s.id > ? AND m.person_id IN (SELECT person_id FROM membership"
	" GROUP BY person_id HAVING COUNT(*) > 1) ORDER BY s.id LIMIT ?",
};

static int cmp_person(const void *a, const void *b)
{
	const struct midx_person_stint *x = a, *y = b;
	return x->person < y->person ? -1 : x->person > y->person;
}

static int build_people(struct db *db, struct midx *x, struct err *e)
{
	struct rows r;
	int rc = 0;
	memset(&r, 0, sizeof r);
	r.with_c = 1;
	for (int q = 0; q < 2 && rc == 0; q++) {
		rc = scan(db, people_sql[q], x, people_row, &r, e);
	}
	if (rc == 0) {
		x->ps = malloc((r.n ? r.n : 1) * sizeof *x->ps);
		if (!x->ps) {
			rc = err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
		}
	}
	for (size_t i = 0; rc == 0 && i < r.n; i++) {
		x->ps[i].person = r.key[i];
		x->ps[i].unit = r.c[i];
		x->ps[i].start = r.a[i];
		x->ps[i].end = r.b[i];
	}
	if (rc == 0) {
		x->n_ps = r.n;
		qsort(x->ps, x->n_ps, sizeof *x->ps, cmp_person);
	}
	rows_free(&r);
	return rc;
}

int midx_need(struct cx *cx, struct midx *x, int parts, struct err *e)
{
	int rc = 0;
	pthread_mutex_lock(&x->lock);
	if ((parts & MIDX_PERIOD) && !(x->have & MIDX_PERIOD) &&
	    (rc = build_period(cx->db, x, e)) == 0) {
		x->have |= MIDX_PERIOD;
	}
	if (rc == 0 && (parts & MIDX_DETAIL) && !(x->have & MIDX_DETAIL) &&
	    (rc = build_detail(cx->db, x, e)) == 0) {
		x->have |= MIDX_DETAIL;
	}
	if (rc == 0 && (parts & MIDX_PEOPLE) && !(x->have & MIDX_PEOPLE) &&
	    (rc = build_people(cx->db, x, e)) == 0) {
		x->have |= MIDX_PEOPLE;
	}
	pthread_mutex_unlock(&x->lock);
	return rc;
}

/* ---- life cycle and cache ---- */

void midx_map_release(struct midx_map *m)
{
	if (m && __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		free(m->node);
		free(m);
	}
}

void midx_release(struct midx *x)
{
	if (!x || __atomic_sub_fetch(&x->refs, 1, __ATOMIC_ACQ_REL) > 0) {
		return;
	}
	free(x->units);
	free(x->s_off);
	free(x->starts);
	free(x->ends);
	free(x->j_off);
	free(x->l_off);
	free(x->joins);
	free(x->leaves);
	free(x->d_off);
	free(x->d_start);
	free(x->d_end);
	free(x->d_attr);
	free(x->eth);
	free(x->ps);
	for (int i = 0; i < MIDX_MAPS; i++) {
		midx_map_release(x->maps[i]);
	}
	pthread_mutex_destroy(&x->lock);
	free(x);
}

static int midx_build(struct db *db, int64_t gen, struct midx **out, struct err *e)
{
	struct midx *x = calloc(1, sizeof *x);
	int rc;
	*out = NULL;
	if (!x) {
		return err_set(e, ERR_INTERNAL, "", "out of memory (member index)");
	}
	pthread_mutex_init(&x->lock, NULL);
	x->refs = 1;
	x->gen = gen;
	snprintf(x->url, sizeof x->url, "%s", db->url);
	if ((rc = build_counts(db, x, e))) {
		midx_release(x);
		return rc;
	}
	*out = x;
	return 0;
}

int midx_get(struct cx *cx, struct midx **out, struct err *e)
{
	struct midx *x;
	int64_t gen;
	int rc, slot = -1;
	*out = NULL;
	if ((rc = member_gen_get(cx->db, &gen, e))) {
		return rc;
	}
	if (cx->db->tx_depth > 0) {
		return midx_build(cx->db, -1, out, e); /* may see uncommitted rows */
	}
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE; i++) {
		x = cache[i];
		if (x && strcmp(x->url, cx->db->url) == 0) {
			if (x->gen == gen) {
				__atomic_add_fetch(&x->refs, 1, __ATOMIC_ACQ_REL);
				pthread_mutex_unlock(&cache_lock);
				*out = x;
				return 0;
			}
			slot = i; /* stale: replaced below */
		}
	}
	pthread_mutex_unlock(&cache_lock);
	if ((rc = midx_build(cx->db, gen, &x, e))) {
		return rc;
	}
	x->refs = 2;
	pthread_mutex_lock(&cache_lock);
	if (slot < 0 || !cache[slot] || strcmp(cache[slot]->url, x->url) != 0) {
		slot = 0;
		for (int i = 0; i < CACHE; i++) {
			if (!cache[i]) {
				slot = i;
				break;
			}
			if (strcmp(cache[i]->url, x->url) == 0) {
				slot = i;
				break;
			}
		}
	}
	midx_release(cache[slot]); /* the oldest when full: slot 0 */
	cache[slot] = x;
	pthread_mutex_unlock(&cache_lock);
	*out = x;
	return 0;
}

void midx_flush(void)
{
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE; i++) {
		midx_release(cache[i]);
		cache[i] = NULL;
	}
	pthread_mutex_unlock(&cache_lock);
}
