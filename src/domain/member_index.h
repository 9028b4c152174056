/*
 * member_index.h — the in-memory index behind member_stats (internal to the
 * member module).  One per database, shared between threads, kept current
 * by the change log (member_log.h): a question after a write applies the
 * changes since the index's generation instead of rebuilding.
 *
 * Keys of the base arrays are (organization, unit id): key = org * stride
 * + unit, for the b_orgs organizations and units below stride known when
 * the counts were built.  Parts, each a base built from the tables (in one
 * read snapshot, at a known generation) plus an overlay of signed changes
 * since:
 *  - counts (always): per key, the stint starts and the stint ends, each
 *    sorted, as day numbers (days since 1970-01-01) — 8 bytes a stint;
 *  - period (on demand): per key, sorted admission days (in the unit of
 *    the first stint) and leaving days (in the unit of the last one);
 *  - detail (on demand): per key, stints sorted by start with their end
 *    and the person's packed attributes (birth day, gender, ethnicity);
 *  - people (on demand): the stints of people with two or more
 *    memberships, grouped by person, to count distinct people; its overlay
 *    replaces the stints of the people touched since.
 * Overlays are sorted arrays of struct midx_delta (weight w: copies added,
 * or taken away when negative); a reader adds them to what the base says.
 * When they grow large the index rebuilds.
 *
 * Representative maps (unit id → node of a snapshot, through lineage) are
 * cached per (structure date, org generation) and dropped when the set of
 * units with entries changes.
 *
 * Locking: midx_get returns the index held for reading (a read lock on
 * rw); catching up and building take the write lock, so a reader never
 * sees arrays change under it.  lock guards the map cache only.
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

/* A signed change to a part: w copies of a stint [a, b) with attributes
 * attr (counts, detail), or of a day a (period), in org/unit. */
struct midx_delta {
	uint32_t org, unit;
	int32_t a, b;
	uint32_t attr;
	int32_t w;
};

struct midx_ovl {
	struct midx_delta *v; /* sorted by (org, unit, a, b, attr), w ≠ 0 */
	size_t n, cap;
};

struct midx_map {
	char as_of[11];
	int64_t org_gen;
	int refs;
	uint32_t n;    /* ids below n are mapped */
	int32_t *node; /* [n]: unit id → node index, -1 = unplaced */
};

struct midx {
	char url[512];
	int64_t gen;	       /* the data generation every built part shows */
	int refs;
	int built;	       /* counts built (the index exists) */
	int have;	       /* MIDX_* parts built */
	pthread_rwlock_t rw;
	pthread_mutex_t lock;  /* the map cache */
	int n_orgs, b_orgs;    /* organizations known; those in the base keys */
	char org[MIDX_MAX_ORGS][MEMBER_ORG_MAX];
	uint32_t stride;       /* max unit id in the base counts + 1 */
	uint32_t *units;       /* unit ids with entries in any part, ascending */
	uint32_t n_units;
	uint8_t *umark;	       /* [ucap]: 1 for the ids in units */
	uint32_t ucap, map_n;  /* map_n: max id in units + 1 */
	int units_dirty;       /* umark changed: units and maps to redo */
	/* counts */
	uint32_t *s_off;       /* [b_orgs * stride + 1] */
	int32_t *starts, *ends;
	struct midx_ovl oc;
	/* period */
	uint32_t *j_off, *l_off;
	int32_t *joins, *leaves;
	struct midx_ovl oj, ol;
	/* detail */
	uint32_t *d_off;
	int32_t *d_start, *d_end;
	uint32_t *d_attr;
	struct midx_ovl od;
	int n_eth;
	char (*eth)[64];
	/* people */
	struct midx_person_stint *ps; /* base, by person */
	size_t n_ps;
	uint32_t *pt;		      /* people touched since, ascending: their
					 base entries no longer count */
	size_t n_pt;
	struct midx_person_stint *po; /* their stints now, by person */
	size_t n_po;
	struct midx_map *maps[MIDX_MAPS];
	int next_map;
};

/* The index of cx's database with `parts` (MIDX_* flags) built, at the
 * database's current generation (inside a transaction: a private one that
 * sees its uncommitted rows).  Held for reading: release with
 * midx_release, and take no other index meanwhile. */
int midx_get(struct cx *cx, int parts, struct midx **out, struct err *e);
void midx_release(struct midx *x);
void midx_flush(void);
/* The representative map for snapshot t (held: release with
 * midx_map_release). */
int midx_map_get(struct cx *cx, struct midx *x, const struct org_tree *t,
		 struct midx_map **out, struct err *e);
void midx_map_release(struct midx_map *m);
/* How often a shared index was built from the tables and caught up from
 * the change log, since the process started (tests, benchmarks). */
void midx_counters(long *builds, long *catch_ups);
/* Index of an organization, or -1. */
int midx_org(const struct midx *x, const char *org);
/* 1 when person p is in the sorted a[0..n). */
int midx_has_person(const uint32_t *a, size_t n, uint32_t p);

static inline int32_t midx_node(const struct midx_map *m, uint32_t unit)
{
	return unit < m->n ? m->node[unit] : -1;
}

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
