/*
 * member_index.h — the in-memory index behind member_stats (internal to the
 * member module).  Built from the member tables once per (database,
 * member_gen), shared between threads by reference count.
 *
 * Keys are (organization, unit id): key = org * stride + unit.  Parts:
 *  - counts (always): per key, the stint starts and the stint ends, each
 *    sorted, as day numbers (days since 1970-01-01) — 8 bytes a stint;
 *  - period (on demand): per key, sorted admission days (in the unit of
 *    the first stint) and leaving days (in the unit of the last one);
 *  - detail (on demand): per key, stints sorted by start with their end
 *    and the person's packed attributes (birth day, gender, ethnicity);
 *  - people (on demand): the stints of people with two or more
 *    memberships, grouped by person, to count distinct people.
 * Representative maps (unit id → node of a snapshot, through lineage) are
 * cached per (structure date, org generation).
 */
#ifndef CADRE_MEMBER_INDEX_H
#define CADRE_MEMBER_INDEX_H

#include <pthread.h>
#include <stdint.h>

#include "domain/member_internal.h"

#define MIDX_MAX_ORGS 16
#define MIDX_ETH_MAX 254 /* distinct ethnicities kept; more are "other" */
#define MIDX_MAPS 8

enum { MIDX_PERIOD = 1, MIDX_DETAIL = 2, MIDX_PEOPLE = 4 };

/* attr: bits 0-15 birth day since 1899-12-31 (0 = unknown), 16-17 gender
 * (0 unknown, 1 M, 2 F), 18-25 ethnicity (0 "", 1..254, 255 other). */
#define MIDX_BIRTH(a) ((a)&0xFFFFu)
#define MIDX_GENDER(a) (((a) >> 16) & 3u)
#define MIDX_ETH(a) (((a) >> 18) & 0xFFu)

struct midx_person_stint {
	uint32_t person, unit;
	int32_t start, end;
};

struct midx_map {
	char as_of[11];
	int64_t org_gen;
	int refs;
	int32_t *node; /* [stride]: unit id → node index, -1 = unplaced */
};

struct midx {
	char url[512];
	int64_t gen;
	int refs;
	pthread_mutex_t lock; /* the parts built on demand and the maps */
	int n_orgs;
	char org[MIDX_MAX_ORGS][MEMBER_ORG_MAX];
	uint32_t stride;      /* max unit id + 1 */
	uint32_t *units;      /* unit ids with any stint, ascending */
	uint32_t n_units;
	uint32_t *s_off;      /* [n_orgs * stride + 1] */
	int32_t *starts, *ends;
	int have;	      /* MIDX_* parts built */
	uint32_t *j_off, *l_off;
	int32_t *joins, *leaves;
	uint32_t *d_off;
	int32_t *d_start, *d_end;
	uint32_t *d_attr;
	int n_eth;
	char (*eth)[64];
	struct midx_person_stint *ps;
	size_t n_ps;
	struct midx_map *maps[MIDX_MAPS];
	int next_map;
};

/* The current index of cx's database (built or rebuilt when member_gen
 * moved; inside a transaction a private one).  Release with midx_release. */
int midx_get(struct cx *cx, struct midx **out, struct err *e);
void midx_release(struct midx *x);
void midx_flush(void);
/* Build the parts not built yet among `parts` (MIDX_* flags). */
int midx_need(struct cx *cx, struct midx *x, int parts, struct err *e);
/* The representative map for snapshot t (held: release with
 * midx_map_release). */
int midx_map_get(struct cx *cx, struct midx *x, const struct org_tree *t,
		 struct midx_map **out, struct err *e);
void midx_map_release(struct midx_map *m);
/* Index of an organization, or -1. */
int midx_org(const struct midx *x, const char *org);

/* Number of elements ≤ v in the sorted a[0..n). */
static inline uint32_t midx_upper(const int32_t *a, uint32_t n, int32_t v)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) >> 1;
		if (a[mid] <= v) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

#endif
