/*
 * member_index_common.c — the pieces of the member index (member_index.h)
 * that its build (member_index_build.c) and its catch-up from the change
 * log (member_index_catchup.c) both use: organization slots, the set of
 * units with entries, overlays of signed changes (struct midx_ovl) and
 * the packed attributes of a person.  Pure memory work: no SQL, no lock
 * (the caller holds the index's write lock or owns the index).
 */
#include "domain/member_index_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- organizations and people ---- */

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
int midx_org_slot(struct midx *x, const char *org)
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

int midx_cmp_person(const void *a, const void *b)
{
	const struct midx_person_stint *x = a, *y = b;
	return x->person < y->person ? -1 : x->person > y->person;
}

/* ---- units ---- */

int midx_unit_mark(struct midx *x, uint32_t u)
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
int midx_units_commit(struct midx *x)
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

int midx_ovl_push(struct midx *x, struct midx_ovl *o, uint32_t org, uint32_t unit,
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
	return midx_unit_mark(x, unit);
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

void midx_ovl_free(struct midx_ovl *o)
{
	free(o->v);
	memset(o, 0, sizeof *o);
}

/* Add the changes in `add` (consumed) to dst, equal entries summed and
 * zeros dropped, dst staying sorted. */
int midx_ovl_merge(struct midx_ovl *dst, struct midx_ovl *add)
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

/* ---- person attributes ---- */

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
uint32_t midx_attr_of(struct midx *x, const char *g, const char *birth, const char *eth)
{
	int64_t bd = 0;
	if (strlen(birth) >= 10) {
		bd = member_day(birth) - DAY0;
		bd = bd < 1 ? 1 : bd > 0xFFFF ? 0xFFFF : bd;
	}
	return (uint32_t)bd | (uint32_t)(g[0] == 'M' ? 1 : g[0] == 'F' ? 2 : 0) << 16 |
	       eth_index(x, eth) << 18;
}
