/*
 * member_index.c — the in-memory index of member stints (member_index.h):
 * built by scanning membership and membership_stint in keyset pages (so the
 * PostgreSQL driver never holds a whole table), one counting sort into
 * per-(organization, unit) segments, all inside one read snapshot together
 * with the generation it shows; then kept current from the change log
 * (member_log.h) as signed overlays.  One index per database, cached.
 * Reads the member tables only (through SQL owned by this module and
 * member_log.h); never writes.  The cache is the module's only mutable
 * process state.
 */
#include "domain/member_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/member_log.h"

#define PAGE 100000
#define CACHE 4
/* Overlay entries (or logged rows to apply) beyond which a rebuild from
 * the tables is cheaper for the questions than carrying them. */
#define OVL_MAX 200000

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct midx *cache[CACHE];
static int cache_next;
static long n_builds, n_catch_ups;

#define OOM(e) err_set(e, ERR_INTERNAL, "", "out of memory (member index)")

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

int midx_has_person(const uint32_t *a, size_t n, uint32_t p)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a[mid] < p) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < n && a[lo] == p;
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

/* ---- units ---- */

static int unit_mark(struct midx *x, uint32_t u)
{
	if (u >= x->ucap) {
		uint32_t ncap = x->ucap ? x->ucap : 1024;
		uint8_t *m;
		while (ncap <= u) {
			ncap *= 2;
		}
		if (!(m = realloc(x->umark, ncap))) {
			return -1;
		}
		memset(m + x->ucap, 0, ncap - x->ucap);
		x->umark = m;
		x->ucap = ncap;
	}
	if (!x->umark[u]) {
		x->umark[u] = 1;
		x->units_dirty = 1;
	}
	return 0;
}

/* After units changed: the ascending list again, the cached maps gone. */
static int units_commit(struct midx *x)
{
	uint32_t n = 0, k = 0, *nu;
	if (!x->units_dirty) {
		return 0;
	}
	for (uint32_t u = 0; u < x->ucap; u++) {
		n += x->umark[u];
	}
	if (!(nu = malloc((n ? n : 1) * sizeof *nu))) {
		return -1;
	}
	x->map_n = 0;
	for (uint32_t u = 0; u < x->ucap; u++) {
		if (x->umark[u]) {
			nu[k++] = u;
			x->map_n = u + 1;
		}
	}
	free(x->units);
	x->units = nu;
	x->n_units = n;
	for (int i = 0; i < MIDX_MAPS; i++) {
		midx_map_release(x->maps[i]);
		x->maps[i] = NULL;
	}
	x->units_dirty = 0;
	return 0;
}

/* ---- overlays ---- */

static int ovl_push(struct midx *x, struct midx_ovl *o, uint32_t org, uint32_t unit,
		    int32_t a, int32_t b, uint32_t attr, int32_t w)
{
	if (o->n == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 256;
		struct midx_delta *v = realloc(o->v, ncap * sizeof *v);
		if (!v) {
			return -1;
		}
		o->v = v;
		o->cap = ncap;
	}
	o->v[o->n++] = (struct midx_delta){org, unit, a, b, attr, w};
	return unit_mark(x, unit);
}

static int cmp_delta(const struct midx_delta *x, const struct midx_delta *y)
{
	if (x->org != y->org) {
		return x->org < y->org ? -1 : 1;
	}
	if (x->unit != y->unit) {
		return x->unit < y->unit ? -1 : 1;
	}
	if (x->a != y->a) {
		return x->a < y->a ? -1 : 1;
	}
	if (x->b != y->b) {
		return x->b < y->b ? -1 : 1;
	}
	return x->attr < y->attr ? -1 : x->attr > y->attr;
}

static int cmp_delta_q(const void *a, const void *b)
{
	return cmp_delta(a, b);
}

static void ovl_free(struct midx_ovl *o)
{
	free(o->v);
	memset(o, 0, sizeof *o);
}

/* Add the changes in `add` (consumed) to dst, equal entries summed and
 * zeros dropped, dst staying sorted. */
static int ovl_merge(struct midx_ovl *dst, struct midx_ovl *add)
{
	struct midx_delta *v;
	size_t i = 0, j = 0, k = 0;
	if (!add->n) {
		return 0;
	}
	qsort(add->v, add->n, sizeof *add->v, cmp_delta_q);
	if (!(v = malloc((dst->n + add->n) * sizeof *v))) {
		return -1;
	}
	while (i < dst->n || j < add->n) {
		struct midx_delta d;
		int c = i == dst->n ? 1 : j == add->n ? -1 : cmp_delta(&dst->v[i], &add->v[j]);
		d = c <= 0 ? dst->v[i++] : add->v[j++];
		if (c == 0) {
			d.w += add->v[j++].w;
		}
		if (k > 0 && cmp_delta(&v[k - 1], &d) == 0) {
			v[k - 1].w += d.w;
			k -= v[k - 1].w == 0;
		} else if (d.w != 0) {
			v[k++] = d;
		}
	}
	free(dst->v);
	dst->v = v;
	dst->n = k;
	dst->cap = k > 0 ? k : 0;
	if (!k) {
		free(v);
		dst->v = NULL;
	}
	add->n = 0;
	return 0;
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
				return OOM(e);
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
		return OOM(e);
	}
	rows_free(&b.r);
	for (size_t k = 0; k < nkeys; k++) {
		uint32_t lo = x->s_off[k], n = x->s_off[k + 1] - lo;
		if (n) {
			sort_i32(x->starts + lo, n);
			sort_i32(x->ends + lo, n);
			if (unit_mark(x, (uint32_t)(k % x->stride))) {
				return OOM(e);
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
		return rows_push(r, k, day, 0, 0) || unit_mark(x, (uint32_t)unit);
	}
	if (org < 0 || unit <= 0 || unit > UINT32_MAX / 2) {
		return 0;
	}
	return ovl_push(x, o, (uint32_t)org, (uint32_t)unit, day, 0, 0, 1);
}

static int period_row(struct midx *x, struct db_stmt *st, void *arg)
{
	struct period *p = arg;
	int o = org_slot(x, db_col_text(st, 1));
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

static int build_period(struct db *db, struct midx *x, struct err *e)
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
			ovl_merge(&x->oj, &p.oj) || ovl_merge(&x->ol, &p.ol))) {
		rc = OOM(e);
	}
	rows_free(&p.j);
	rows_free(&p.l);
	ovl_free(&p.oj);
	ovl_free(&p.ol);
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

/* 1899-12-31 as a day number (70 years and 17 leap days before 1970). */
#define DAY0 (-25568)

/* The packed attributes of a person (member_index.h). */
static uint32_t attr_of(struct midx *x, const char *g, const char *birth, const char *eth)
{
	int64_t bd = 0;
	if (strlen(birth) >= 10) {
		bd = member_day(birth) - DAY0;
		bd = bd < 1 ? 1 : bd > 0xFFFF ? 0xFFFF : bd;
	}
	return (uint32_t)bd | (uint32_t)(g[0] == 'M' ? 1 : g[0] == 'F' ? 2 : 0) << 16 |
	       eth_index(x, eth) << 18;
}

struct detail {
	struct rows r;
	struct midx_ovl o;
};

static int detail_row(struct midx *x, struct db_stmt *st, void *arg)
{
	struct detail *d = arg;
	int o = org_slot(x, db_col_text(st, 1));
	int64_t unit = db_col_int64(st, 2);
	uint32_t key = base_key(x, o, unit), attr;
	int32_t from = member_day(db_col_text(st, 3)), to = member_day(db_col_text(st, 4));
	if (o < 0 || unit <= 0 || unit > UINT32_MAX / 2 || from >= to) {
		return 0;
	}
	attr = attr_of(x, db_col_text(st, 5), db_col_text(st, 6), db_col_text(st, 7));
	if (key == UINT32_MAX) {
		return ovl_push(x, &d->o, (uint32_t)o, (uint32_t)unit, from, to, attr, 1);
	}
	return rows_push(&d->r, key, from, to, attr) || unit_mark(x, (uint32_t)unit);
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
	struct detail d;
	size_t nkeys = (size_t)x->b_orgs * x->stride;
	struct by_start *tmp = NULL;
	size_t tmp_cap = 0;
	int rc = 0;
	memset(&d, 0, sizeof d);
	d.r.with_c = 1;
	if (!x->eth && !(x->eth = calloc(MIDX_ETH_MAX, sizeof *x->eth))) {
		return OOM(e);
	}
	for (int q = 0; q < 2 && rc == 0; q++) {
		rc = scan(db, detail_sql[q], x, detail_row, &d, e);
	}
	if (rc == 0 && (distribute(&d.r, nkeys, &x->d_off, &x->d_start, &x->d_end, &x->d_attr) ||
			ovl_merge(&x->od, &d.o))) {
		rc = OOM(e);
	}
	rows_free(&d.r);
	ovl_free(&d.o);
	for (size_t k = 0; rc == 0 && k < nkeys; k++) {
		uint32_t lo = x->d_off[k], n = x->d_off[k + 1] - lo;
		if (n < 2) {
			continue;
		}
		if (n > tmp_cap) {
			struct by_start *nt = realloc(tmp, n * sizeof *nt);
			if (!nt) {
				rc = OOM(e);
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
	       unit_mark(x, (uint32_t)unit);
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
			rc = OOM(e);
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

/* ---- catching up from the change log ---- */

/* The changes gathered for each part, then merged into the overlays. */
struct changes {
	struct midx_ovl c, d, j, l;
	uint32_t *people; /* persons touched */
	size_t n_people, cap_people;
};

static void changes_free(struct changes *ch)
{
	ovl_free(&ch->c);
	ovl_free(&ch->d);
	ovl_free(&ch->j);
	ovl_free(&ch->l);
	free(ch->people);
}

static int touch_person(struct changes *ch, int64_t p)
{
	if (p <= 0 || p > UINT32_MAX) {
		return 0;
	}
	if (ch->n_people == ch->cap_people) {
		size_t ncap = ch->cap_people ? ch->cap_people * 2 : 64;
		uint32_t *v = realloc(ch->people, ncap * sizeof *v);
		if (!v) {
			return -1;
		}
		ch->people = v;
		ch->cap_people = ncap;
	}
	ch->people[ch->n_people++] = (uint32_t)p;
	return 0;
}

/* One stint row of the member_log.h shape, columns from col: org, unit,
 * from, to, joined, is_first, is_cur, gender, birth date, ethnicity; what
 * it contributes to each built part, w times — the same rules as the base
 * scans above. */
static int stint_changes(struct midx *x, struct db_stmt *st, int col, int w,
			 struct changes *ch)
{
	int o = org_slot(x, db_col_text(st, col));
	int64_t unit = db_col_int64(st, col + 1);
	const char *vt = db_col_text(st, col + 3);
	int32_t from = member_day(db_col_text(st, col + 2)), to = member_day(vt);
	uint32_t u = (uint32_t)unit, org = (uint32_t)o;
	if (o < 0 || unit <= 0 || unit > UINT32_MAX / 2) {
		return 0;
	}
	if (from < to) {
		if (ovl_push(x, &ch->c, org, u, from, to, 0, w)) {
			return -1;
		}
		if ((x->have & MIDX_DETAIL) &&
		    ovl_push(x, &ch->d, org, u, from, to,
			     attr_of(x, db_col_text(st, col + 7), db_col_text(st, col + 8),
				     db_col_text(st, col + 9)),
			     w)) {
			return -1;
		}
	}
	if (x->have & MIDX_PERIOD) {
		if (db_col_int64(st, col + 5) &&
		    ovl_push(x, &ch->j, org, u, member_day(db_col_text(st, col + 4)), 0, 0, w)) {
			return -1;
		}
		if (db_col_int64(st, col + 6) && strcmp(vt, DATE_OPEN) != 0 &&
		    ovl_push(x, &ch->l, org, u, to, 0, 0, w)) {
			return -1;
		}
	}
	return 0;
}

/* What the memberships logged in (g0, g1] contributed before: per
 * membership, the rows of its first generation in the range. */
static int take_away(struct db *db, struct midx *x, int64_t g0, int64_t g1,
		     struct changes *ch, struct err *e)
{
	struct db_stmt *st;
	int64_t cur = 0, first_gen = 0;
	int rc = db_prepare(db,
			    "SELECT membership_id, gen, kind, person_id, org, unit_id, valid_from,"
			    " valid_to, joined, is_first, is_cur, gender, birth_date, ethnicity"
			    " FROM member_change WHERE gen > ? AND gen <= ?"
			    " ORDER BY membership_id, gen, id",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, g0);
	db_bind_int64(st, 2, g1);
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t mid = db_col_int64(st, 0), gen = db_col_int64(st, 1);
		if (mid != cur) {
			cur = mid;
			first_gen = gen;
		}
		if (touch_person(ch, db_col_int64(st, 3))) {
			rc = OOM(e);
			break;
		}
		if (gen == first_gen && strcmp(db_col_text(st, 2), "s") == 0 &&
		    stint_changes(x, st, 4, -1, ch)) {
			rc = OOM(e);
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* What the memberships logged in (g0, g1] contribute now. */
static int add_now(struct db *db, struct midx *x, int64_t g0, int64_t g1,
		   struct changes *ch, struct err *e)
{
	static const char sql[] = MEMBER_LOG_CUR "m.id IN (SELECT membership_id FROM"
		" member_change WHERE gen > ? AND gen <= ?) UNION ALL " MEMBER_LOG_OLD
		"m.id IN (SELECT membership_id FROM member_change WHERE gen > ? AND gen <= ?)";
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc) {
		return rc;
	}
	for (int i = 0; i < 2; i++) {
		db_bind_int64(st, 2 * i + 1, g0);
		db_bind_int64(st, 2 * i + 2, g1);
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (stint_changes(x, st, 2, 1, ch)) {
			rc = OOM(e);
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

struct pstint {
	uint32_t person, unit;
	int64_t mid;
	int32_t start, end;
};

static int cmp_pstint(const void *a, const void *b)
{
	const struct pstint *x = a, *y = b;
	if (x->person != y->person) {
		return x->person < y->person ? -1 : 1;
	}
	return x->mid < y->mid ? -1 : x->mid > y->mid;
}

/* The people part: the stints of the people touched, read again. */
static int people_now(struct db *db, struct midx *x, int64_t g0, int64_t g1,
		      struct changes *ch, struct err *e)
{
	static const char sql[] =
		"SELECT m.person_id, m.id, m.unit_id, m.unit_from, m.ended FROM membership m"
		" WHERE m.person_id IN (SELECT person_id FROM member_change WHERE gen > ?"
		" AND gen <= ?) UNION ALL SELECT m.person_id, m.id, s.unit_id, s.valid_from,"
		" s.valid_to FROM membership_stint s JOIN membership m ON m.id = s.membership_id"
		" WHERE m.person_id IN (SELECT person_id FROM member_change WHERE gen > ?"
		" AND gen <= ?)";
	struct db_stmt *st;
	struct pstint *v = NULL;
	struct midx_person_stint *po;
	uint32_t *pt;
	size_t n = 0, cap = 0, np, k, i, j;
	int rc;
	/* The touched people, sorted, without repeats. */
	if (ch->n_people) {
		qsort(ch->people, ch->n_people, sizeof *ch->people, cmp_u32);
	}
	for (i = 0, np = 0; i < ch->n_people; i++) {
		if (np == 0 || ch->people[np - 1] != ch->people[i]) {
			ch->people[np++] = ch->people[i];
		}
	}
	ch->n_people = np;
	if ((rc = db_prepare(db, sql, &st, e))) {
		return rc;
	}
	for (i = 0; i < 2; i++) {
		db_bind_int64(st, (int)(2 * i + 1), g0);
		db_bind_int64(st, (int)(2 * i + 2), g1);
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			struct pstint *nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *nv);
			if (!nv) {
				rc = OOM(e);
				break;
			}
			v = nv;
		}
		v[n].person = (uint32_t)db_col_int64(st, 0);
		v[n].mid = db_col_int64(st, 1);
		v[n].unit = (uint32_t)db_col_int64(st, 2);
		v[n].start = member_day(db_col_text(st, 3));
		v[n].end = member_day(db_col_text(st, 4));
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		free(v);
		return rc;
	}
	if (n) {
		qsort(v, n, sizeof *v, cmp_pstint);
	}
	/* po: the entries of people not touched now, then the new ones of
	 * people with two or more memberships (as the base scan keeps). */
	po = malloc((x->n_po + n + 1) * sizeof *po);
	pt = malloc((x->n_pt + np + 1) * sizeof *pt);
	if (!po || !pt) {
		free(v);
		free(po);
		free(pt);
		return OOM(e);
	}
	for (i = 0, k = 0; i < x->n_po; i++) {
		if (!midx_has_person(ch->people, np, x->po[i].person)) {
			po[k++] = x->po[i];
		}
	}
	for (i = 0; i < n; i = j) {
		int ms = 0;
		for (j = i; j < n && v[j].person == v[i].person; j++) {
			ms += j == i || v[j].mid != v[j - 1].mid;
		}
		for (size_t a = i; ms > 1 && a < j; a++) {
			if (v[a].unit > 0 && v[a].unit <= UINT32_MAX / 2 && v[a].start < v[a].end) {
				po[k++] = (struct midx_person_stint){v[a].person, v[a].unit,
								     v[a].start, v[a].end};
				if (unit_mark(x, v[a].unit)) {
					rc = OOM(e);
				}
			}
		}
	}
	free(v);
	qsort(po, k, sizeof *po, cmp_person);
	free(x->po);
	x->po = po;
	x->n_po = k;
	/* pt ∪ the touched people. */
	for (i = 0, j = 0, k = 0; i < x->n_pt || j < np;) {
		uint32_t a = i < x->n_pt ? x->pt[i] : UINT32_MAX, b = j < np ? ch->people[j] : UINT32_MAX;
		pt[k++] = a < b ? a : b;
		i += a <= b;
		j += b <= a;
	}
	free(x->pt);
	x->pt = pt;
	x->n_pt = k;
	return rc < 0 ? rc : 0;
}

static int catch_up(struct db *db, struct midx *x, int64_t g0, int64_t g1, struct err *e)
{
	struct changes ch;
	int rc;
	memset(&ch, 0, sizeof ch);
	if ((rc = take_away(db, x, g0, g1, &ch, e)) == 0 &&
	    (rc = add_now(db, x, g0, g1, &ch, e)) == 0 &&
	    (!(x->have & MIDX_PEOPLE) || (rc = people_now(db, x, g0, g1, &ch, e)) == 0)) {
		if (ovl_merge(&x->oc, &ch.c) || ovl_merge(&x->od, &ch.d) ||
		    ovl_merge(&x->oj, &ch.j) || ovl_merge(&x->ol, &ch.l)) {
			rc = OOM(e);
		}
	}
	changes_free(&ch);
	return rc;
}

/* ---- life cycle ---- */

void midx_map_release(struct midx_map *m)
{
	if (m && __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		free(m->node);
		free(m);
	}
}

/* Forget every part: the index is empty (built = 0). */
static void midx_clear(struct midx *x)
{
	void *arrays[] = {x->units, x->umark, x->s_off, x->starts, x->ends, x->j_off,
			  x->l_off, x->joins, x->leaves, x->d_off, x->d_start, x->d_end,
			  x->d_attr, x->eth, x->ps, x->pt, x->po};
	for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) {
		free(arrays[i]);
	}
	ovl_free(&x->oc);
	ovl_free(&x->oj);
	ovl_free(&x->ol);
	ovl_free(&x->od);
	for (int i = 0; i < MIDX_MAPS; i++) {
		midx_map_release(x->maps[i]);
	}
	memset(x->org, 0, sizeof x->org);
	x->units = NULL;
	x->umark = NULL;
	x->s_off = x->j_off = x->l_off = x->d_off = x->d_attr = x->pt = NULL;
	x->starts = x->ends = x->joins = x->leaves = x->d_start = x->d_end = NULL;
	x->eth = NULL;
	x->ps = x->po = NULL;
	memset(x->maps, 0, sizeof x->maps);
	x->built = x->have = x->n_orgs = x->b_orgs = x->n_eth = x->next_map = 0;
	x->units_dirty = 0;
	x->stride = x->n_units = x->ucap = x->map_n = 0;
	x->n_ps = x->n_pt = x->n_po = 0;
	x->gen = -1;
}

static struct midx *midx_new(const char *url)
{
	struct midx *x = calloc(1, sizeof *x);
	if (!x) {
		return NULL;
	}
	pthread_mutex_init(&x->lock, NULL);
	pthread_rwlock_init(&x->rw, NULL);
	x->refs = 1;
	x->gen = -1;
	snprintf(x->url, sizeof x->url, "%s", url);
	return x;
}

static void midx_unref(struct midx *x)
{
	if (!x || __atomic_sub_fetch(&x->refs, 1, __ATOMIC_ACQ_REL) > 0) {
		return;
	}
	midx_clear(x);
	pthread_rwlock_destroy(&x->rw);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

void midx_release(struct midx *x)
{
	if (x) {
		pthread_rwlock_unlock(&x->rw);
		midx_unref(x);
	}
}

/* ---- bringing an index up to date ---- */

/* A read snapshot, so that a build sees one generation of the tables (a
 * deferred transaction on SQLite's WAL; REPEATABLE READ on PostgreSQL).
 * Inside the caller's transaction: that one. */
static int snap_begin(struct db *db, struct err *e)
{
	if (db->tx_depth > 0) {
		return 0;
	}
	return db_exec(db,
		       db_kind(db) == DB_PG ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
					    : "BEGIN",
		       e);
}

static void snap_end(struct db *db)
{
	struct err e2 = ERR_INIT;
	if (db->tx_depth == 0) {
		db_exec(db, "ROLLBACK", &e2);
	}
}

static int read_gens(struct db *db, int64_t *gen, int64_t *base, int64_t *logged,
		     int64_t since, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
			    "SELECT key, value FROM meta WHERE key IN ('member_gen', 'member_base')",
			    &st, e);
	*gen = *base = 0;
	*logged = 0;
	if (rc) {
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t v = strtoll(db_col_text(st, 1), NULL, 10);
		*(strcmp(db_col_text(st, 0), "member_gen") == 0 ? gen : base) = v;
	}
	db_finalize(st);
	if (rc < 0 || since < 0 || *gen <= since) {
		return rc < 0 ? rc : 0;
	}
	if ((rc = db_prepare(db, "SELECT COUNT(*) FROM member_change WHERE gen > ? AND gen <= ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, since);
	db_bind_int64(st, 2, *gen);
	if ((rc = db_step(st, e)) == DB_ROW) {
		*logged = db_col_int64(st, 0);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* With the write lock (or a private index): bring x to the database's
 * generation with `parts` built — from the change log when it can, else
 * by building everything again. */
static int midx_sync(struct db *db, struct midx *x, int parts, struct err *e)
{
	int64_t gen, base, logged;
	int rc = snap_begin(db, e), rebuild;
	if (rc) {
		return rc;
	}
	rc = read_gens(db, &gen, &base, &logged, x->built ? x->gen : -1, e);
	rebuild = !x->built || base > x->gen || gen < x->gen ||
		  (size_t)logged + x->oc.n + x->n_po > OVL_MAX;
	if (rc == 0 && !rebuild && gen > x->gen) {
		rc = catch_up(db, x, x->gen, gen, e);
		if (db->tx_depth == 0) {
			__atomic_add_fetch(&n_catch_ups, 1, __ATOMIC_RELAXED);
		}
	}
	if (rc == 0 && rebuild) {
		if (db->tx_depth == 0) {
			__atomic_add_fetch(&n_builds, 1, __ATOMIC_RELAXED);
		}
		parts |= x->have;
		midx_clear(x);
		if ((rc = build_counts(db, x, e)) == 0) {
			x->built = 1;
		}
	}
	if (rc == 0 && (parts & MIDX_PERIOD) && !(x->have & MIDX_PERIOD) &&
	    (rc = build_period(db, x, e)) == 0) {
		x->have |= MIDX_PERIOD;
	}
	if (rc == 0 && (parts & MIDX_DETAIL) && !(x->have & MIDX_DETAIL) &&
	    (rc = build_detail(db, x, e)) == 0) {
		x->have |= MIDX_DETAIL;
	}
	if (rc == 0 && (parts & MIDX_PEOPLE) && !(x->have & MIDX_PEOPLE) &&
	    (rc = build_people(db, x, e)) == 0) {
		x->have |= MIDX_PEOPLE;
	}
	if (rc == 0 && units_commit(x)) {
		rc = OOM(e);
	}
	snap_end(db);
	if (rc) {
		midx_clear(x);
		return rc;
	}
	x->gen = gen;
	return 0;
}

/* The cached index of url (an empty one when new), with a reference. */
static struct midx *cache_take(const char *url)
{
	struct midx *x;
	int slot = -1;
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE; i++) {
		if (cache[i] && strcmp(cache[i]->url, url) == 0) {
			x = cache[i];
			__atomic_add_fetch(&x->refs, 1, __ATOMIC_ACQ_REL);
			pthread_mutex_unlock(&cache_lock);
			return x;
		}
		if (!cache[i] && slot < 0) {
			slot = i;
		}
	}
	if ((x = midx_new(url))) {
		if (slot < 0) { /* full: the oldest entry goes */
			slot = cache_next;
			cache_next = (cache_next + 1) % CACHE;
			midx_unref(cache[slot]);
		}
		x->refs = 2;
		cache[slot] = x;
	}
	pthread_mutex_unlock(&cache_lock);
	return x;
}

int midx_get(struct cx *cx, int parts, struct midx **out, struct err *e)
{
	struct midx *x;
	int64_t gen;
	int rc;
	*out = NULL;
	if (cx->db->tx_depth > 0) { /* may see uncommitted rows: not shared */
		if (!(x = midx_new(cx->db->url))) {
			return OOM(e);
		}
		if ((rc = midx_sync(cx->db, x, parts, e))) {
			midx_unref(x);
			return rc;
		}
		pthread_rwlock_rdlock(&x->rw);
		*out = x;
		return 0;
	}
	if ((rc = member_gen_get(cx->db, &gen, e))) {
		return rc;
	}
	if (!(x = cache_take(cx->db->url))) {
		return OOM(e);
	}
	for (int tries = 0;; tries++) {
		pthread_rwlock_rdlock(&x->rw);
		if (x->built && (x->have & parts) == parts &&
		    (x->gen == gen || (tries > 0 && x->gen > gen))) {
			*out = x;
			return 0;
		}
		pthread_rwlock_unlock(&x->rw);
		pthread_rwlock_wrlock(&x->rw);
		rc = midx_sync(cx->db, x, parts, e);
		gen = x->gen;
		pthread_rwlock_unlock(&x->rw);
		if (rc) {
			midx_unref(x);
			return rc;
		}
	}
}

void midx_counters(long *builds, long *catch_ups)
{
	*builds = __atomic_load_n(&n_builds, __ATOMIC_RELAXED);
	*catch_ups = __atomic_load_n(&n_catch_ups, __ATOMIC_RELAXED);
}

void midx_flush(void)
{
	pthread_mutex_lock(&cache_lock);
	for (int i = 0; i < CACHE; i++) {
		midx_unref(cache[i]);
		cache[i] = NULL;
	}
	pthread_mutex_unlock(&cache_lock);
}
