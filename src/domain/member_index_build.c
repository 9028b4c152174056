/*
 * member_index_build.c — building the parts of the member index
 * (member_index.h) from the tables: counts, period, detail and people,
 * each by scanning membership and membership_stint in keyset pages (so the
 * PostgreSQL driver never holds a whole table) and one counting sort into
 * per-(organization, unit) segments.  The caller (member_index.c) runs it
 * inside one read snapshot with the write lock held.  Reads the member
 * tables only; never writes.
 */
#include "domain/member_index_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/date.h"

#define PAGE 100000

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

/* ---- scans ---- */

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
				return MIDX_OOM(e);
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

/* One of the rows' arrays (src: 32-bit values, signed or not) scattered
 * into its segments (off from the keys); NULL when out of memory. */
static void *scatter(const struct rows *r, const uint32_t *off, size_t nkeys, uint32_t *fill,
		     const void *src)
{
	const uint32_t *in = src;
	uint32_t *to = malloc((r->n ? r->n : 1) * sizeof *to);
	if (!to) {
		return NULL;
	}
	memcpy(fill, off, (nkeys + 1) * sizeof *fill);
	for (size_t i = 0; i < r->n; i++) {
		to[fill[r->key[i]]++] = in[i];
	}
	return to;
}

/* Counting sort of rows into off[nkeys + 1] and the arrays.  One array at
 * a time, each of the rows' freed once copied: the build holds the rows
 * and one sorted array, not the rows and all their sorted copies (5.6 M
 * memberships: the server's high-water mark 236 → 191 MB). */
static int distribute(struct rows *r, size_t nkeys, uint32_t **off, int32_t **a,
		      int32_t **b, uint32_t **c)
{
	uint32_t *o = calloc(nkeys + 1, sizeof *o), *fill;
	int rc = 0;
	*off = o;
	if (!o || !(fill = malloc((nkeys + 1) * sizeof *fill))) {
		return -1;
	}
	for (size_t i = 0; i < r->n; i++) {
		o[r->key[i] + 1]++;
	}
	for (size_t k = 0; k < nkeys; k++) {
		o[k + 1] += o[k];
	}
	if (!(*a = scatter(r, o, nkeys, fill, r->a))) {
		rc = -1;
	}
	free(r->a);
	r->a = NULL;
	if (rc == 0 && b && !(*b = scatter(r, o, nkeys, fill, r->b))) {
		rc = -1;
	}
	free(r->b);
	r->b = NULL;
	if (rc == 0 && c && !(*c = scatter(r, o, nkeys, fill, r->c))) {
		rc = -1;
	}
	free(fill);
	return rc;
}

/* The base key of (org o, unit), or UINT32_MAX when the base arrays have
 * no segment for it (an organization or a unit new since the counts were
 * built: such entries go to the part's overlay). */
static uint32_t base_key(const struct midx *x, int o, int64_t unit)
{
	if (o < 0 || o >= x->b_orgs || unit <= 0 || unit >= x->stride) {
		return UINT32_MAX;
	}
	return (uint32_t)o * x->stride + (uint32_t)unit;
}

/* ---- the counts part ---- */

struct build {
	struct rows r;
	uint32_t max_id;
};

static int count_row(struct midx *x, struct db_stmt *st, void *arg)
{
	struct build *b = arg;
	int o = midx_org_slot(x, db_col_text(st, 1));
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

int midx_build_counts(struct db *db, struct midx *x, struct err *e)
{
	struct build b;
	size_t nkeys;
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
	x->b_orgs = x->n_orgs;
	nkeys = (size_t)(x->b_orgs ? x->b_orgs : 1) * x->stride;
	for (size_t i = 0; i < b.r.n; i++) {
		b.r.key[i] = b.r.key[i] * x->stride + b.r.c[i];
	}
	free(b.r.c);
	b.r.c = NULL;
	b.r.with_c = 0;
	if (distribute(&b.r, nkeys, &x->s_off, &x->starts, &x->ends, NULL)) {
		rows_free(&b.r);
		return MIDX_OOM(e);
	}
	rows_free(&b.r);
	for (size_t k = 0; k < nkeys; k++) {
		uint32_t lo = x->s_off[k], n = x->s_off[k + 1] - lo;
		if (n) {
			sort_i32(x->starts + lo, n);
			sort_i32(x->ends + lo, n);
			if (midx_unit_mark(x, (uint32_t)(k % x->stride))) {
				return MIDX_OOM(e);
			}
		}
	}
	return 0;
}

/* ---- the period part ---- */

struct period {
	struct rows j, l;
	struct midx_ovl oj, ol; /* keys the base has no segment for */
};

static int period_add(struct midx *x, struct rows *r, struct midx_ovl *o, int org,
		      int64_t unit, int32_t day)
{
	uint32_t k = base_key(x, org, unit);
	if (k != UINT32_MAX) {
		return rows_push(r, k, day, 0, 0) || midx_unit_mark(x, (uint32_t)unit);
	}
	if (org < 0 || unit <= 0 || unit > UINT32_MAX / 2) {
		return 0;
	}
	return midx_ovl_push(x, o, (uint32_t)org, (uint32_t)unit, day, 0, 0, 1);
}

static int period_row(struct midx *x, struct db_stmt *st, void *arg)
{
	struct period *p = arg;
	int o = midx_org_slot(x, db_col_text(st, 1));
	const char *ended = db_col_text(st, 5);
	if (period_add(x, &p->j, &p->oj, o, db_col_int64(st, 2), member_day(db_col_text(st, 4)))) {
		return -1;
	}
	if (strcmp(ended, DATE_OPEN) != 0 &&
	    period_add(x, &p->l, &p->ol, o, db_col_int64(st, 3), member_day(ended))) {
		return -1;
	}
	return 0;
}

int midx_build_period(struct db *db, struct midx *x, struct err *e)
{
	/* The admission's unit: the first stint's (the current one when the
	 * member never moved). */
	static const char *const sql =
		"SELECT m.id, m.org, COALESCE((SELECT s.unit_id FROM membership_stint s"
		" WHERE s.membership_id = m.id ORDER BY s.valid_from, s.id LIMIT 1), m.unit_id),"
		" m.unit_id, m.joined, m.ended FROM membership m WHERE m.id > ? ORDER BY m.id LIMIT ?";
	struct period p;
	size_t nkeys = (size_t)x->b_orgs * x->stride;
	int rc;
	memset(&p, 0, sizeof p);
	rc = scan(db, sql, x, period_row, &p, e);
	if (rc == 0 && (distribute(&p.j, nkeys, &x->j_off, &x->joins, NULL, NULL) ||
			distribute(&p.l, nkeys, &x->l_off, &x->leaves, NULL, NULL) ||
			midx_ovl_merge(&x->oj, &p.oj) || midx_ovl_merge(&x->ol, &p.ol))) {
		rc = MIDX_OOM(e);
	}
	rows_free(&p.j);
	rows_free(&p.l);
	midx_ovl_free(&p.oj);
	midx_ovl_free(&p.ol);
	for (size_t k = 0; rc == 0 && k < nkeys; k++) {
		sort_i32(x->joins + x->j_off[k], x->j_off[k + 1] - x->j_off[k]);
		sort_i32(x->leaves + x->l_off[k], x->l_off[k + 1] - x->l_off[k]);
	}
	return rc;
}

/* ---- the detail part ---- */

struct detail {
	struct rows r;
	struct midx_ovl o;
};

static int detail_row(struct midx *x, struct db_stmt *st, void *arg)
{
	struct detail *d = arg;
	int o = midx_org_slot(x, db_col_text(st, 1));
	int64_t unit = db_col_int64(st, 2);
	uint32_t key = base_key(x, o, unit), attr;
	int32_t from = member_day(db_col_text(st, 3)), to = member_day(db_col_text(st, 4));
	if (o < 0 || unit <= 0 || unit > UINT32_MAX / 2 || from >= to) {
		return 0;
	}
	attr = midx_attr_of(x, db_col_text(st, 5), db_col_text(st, 6), db_col_text(st, 7));
	if (key == UINT32_MAX) {
		return midx_ovl_push(x, &d->o, (uint32_t)o, (uint32_t)unit, from, to, attr, 1);
	}
	return rows_push(&d->r, key, from, to, attr) || midx_unit_mark(x, (uint32_t)unit);
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

int midx_build_detail(struct db *db, struct midx *x, struct err *e)
{
	struct detail d;
	size_t nkeys = (size_t)x->b_orgs * x->stride;
	struct by_start *tmp = NULL;
	size_t tmp_cap = 0;
	int rc = 0;
	memset(&d, 0, sizeof d);
	d.r.with_c = 1;
	if (!x->eth && !(x->eth = calloc(MIDX_ETH_MAX, sizeof *x->eth))) {
		return MIDX_OOM(e);
	}
	for (int q = 0; q < 2 && rc == 0; q++) {
		rc = scan(db, detail_sql[q], x, detail_row, &d, e);
	}
	if (rc == 0 && (distribute(&d.r, nkeys, &x->d_off, &x->d_start, &x->d_end, &x->d_attr) ||
			midx_ovl_merge(&x->od, &d.o))) {
		rc = MIDX_OOM(e);
	}
	rows_free(&d.r);
	midx_ovl_free(&d.o);
	for (size_t k = 0; rc == 0 && k < nkeys; k++) {
		uint32_t lo = x->d_off[k], n = x->d_off[k + 1] - lo;
		if (n < 2) {
			continue;
		}
		if (n > tmp_cap) {
			struct by_start *nt = realloc(tmp, n * sizeof *nt);
			if (!nt) {
				rc = MIDX_OOM(e);
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
	if (unit <= 0 || unit > UINT32_MAX / 2 || from >= to) {
		return 0;
	}
	return rows_push(r, (uint32_t)db_col_int64(st, 5), from, to, (uint32_t)unit) ||
	       midx_unit_mark(x, (uint32_t)unit);
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

int midx_build_people(struct db *db, struct midx *x, struct err *e)
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
			rc = MIDX_OOM(e);
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
		qsort(x->ps, x->n_ps, sizeof *x->ps, midx_cmp_person);
	}
	rows_free(&r);
	return rc;
}
