/*
 * member_index_internal.h — what the files of the member index share and
 * nobody else uses: member_index.c (life cycle, cache, bringing an index
 * up to date), member_index_build.c (the parts built from the tables),
 * member_index_catchup.c (the catch-up from the change log) and
 * member_index_common.c (organization slots, the unit set, overlays,
 * person attributes).  Every function here works on an index the caller
 * holds the write lock of (or owns alone).
 */
#ifndef CADRE_MEMBER_INDEX_INTERNAL_H
#define CADRE_MEMBER_INDEX_INTERNAL_H

#include <stdint.h>

#include "db/db.h"
#include "domain/member_index.h"

#define MIDX_OOM(e) err_set(e, ERR_INTERNAL, "", "out of memory (member index)")

/* ---- member_index_common.c ---- */

/* Index of org in x->org, adding it when new; -1 when there are already
 * MIDX_MAX_ORGS. */
int midx_org_slot(struct midx *x, const char *org);
/* Mark unit u as having entries (x->umark grows as needed; units_dirty
 * set when new).  -1 when out of memory. */
int midx_unit_mark(struct midx *x, uint32_t u);
/* After units changed: x->units the ascending list again, the cached
 * representative maps released.  -1 when out of memory. */
int midx_units_commit(struct midx *x);
/* Append the change (org, unit, a, b, attr, w) to o, unsorted, and mark
 * the unit.  -1 when out of memory. */
int midx_ovl_push(struct midx *x, struct midx_ovl *o, uint32_t org, uint32_t unit,
		  int32_t a, int32_t b, uint32_t attr, int32_t w);
/* Free o's entries; o is empty after. */
void midx_ovl_free(struct midx_ovl *o);
/* Add the changes in `add` (consumed: left empty) to dst, equal entries
 * summed and zeros dropped, dst staying sorted.  -1 when out of memory. */
int midx_ovl_merge(struct midx_ovl *dst, struct midx_ovl *add);
/* The packed attributes (member_index.h MIDX_BIRTH/GENDER/ETH) of a person
 * of gender g, birth date and ethnicity eth; a new ethnicity is added to
 * x->eth (which must be allocated). */
uint32_t midx_attr_of(struct midx *x, const char *g, const char *birth, const char *eth);
/* qsort order of struct midx_person_stint: by person. */
int midx_cmp_person(const void *a, const void *b);

/* ---- member_index_build.c: parts from the tables, in the caller's
 * snapshot; on error the index is left for the caller to clear. ---- */

/* The counts part (and the organizations, the stride, the units). */
int midx_build_counts(struct db *db, struct midx *x, struct err *e);
/* The period, detail and people parts: after the counts. */
int midx_build_period(struct db *db, struct midx *x, struct err *e);
int midx_build_detail(struct db *db, struct midx *x, struct err *e);
int midx_build_people(struct db *db, struct midx *x, struct err *e);

/* ---- member_index_catchup.c ---- */

/* Apply the changes logged in generations (g0, g1] to the parts x has
 * built, as overlays (and the people part's stints of the people touched). */
int midx_catch_up(struct db *db, struct midx *x, int64_t g0, int64_t g1, struct err *e);

#endif
