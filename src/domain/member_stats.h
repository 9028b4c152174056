/*
 * member_stats.h — member totals through history: memberships and distinct
 * people as of any date, for any subtree, by organization; admitted and
 * left in a period; breakdowns by gender, age band and ethnicity.
 *
 * Two dates matter: the date of the data (as_of: which stints cover it)
 * and the date of the structure used to group it (structure_as_of, default
 * as_of).  A stint in a unit that is not in that day's tree counts toward
 * the unit it became: its lineage successors (first by depth, then the
 * largest share), else its predecessors, else its parent's representative
 * — so figures of units merged away roll up into their successor.
 *
 * Answers come from an in-memory index per database (member_index.h): per
 * (organization, unit) two sorted arrays of day numbers, stint starts and
 * stint ends, so the memberships of a unit on day D are
 * upper_bound(starts, D) − upper_bound(ends, D) and a subtree total is a
 * subtraction of prefix sums over the snapshot's pre-order.  Period and
 * breakdown arrays are built the first time they are asked for.  A member
 * write bumps member_gen and logs what it changed (member_log.h); the next
 * question applies those changes to the index instead of rebuilding it
 * (milliseconds), whichever process wrote.
 */
#ifndef CADRE_MEMBER_STATS_H
#define CADRE_MEMBER_STATS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"

struct member_stats_query {
	int64_t unit_id;	     /* subtree root; 0 = the actor's unit (the
					whole tree for an unrestricted actor) */
	const char *as_of;	     /* NULL = today */
	const char *structure_as_of; /* NULL = as_of */
	const char *from, *to;	     /* period, inclusive; both or neither */
	const char *org;	     /* NULL = every organization */
	int top;		     /* ethnicities listed before "other"
					(0 = 5) */
	int breakdowns;		     /* include by_gender/by_age/by_ethnicity */
	int children;		     /* include by_unit: the root's children */
};

/* Figures for one subtree (ACT_READ on the unit):
 * {"unit":{"id","code","name"},"as_of","structure_as_of","from","to",
 *  "members","people","admitted","left",            (admitted/left: null
 *                                                     without a period)
 *  "orgs":[{"org","members","people","admitted","left",
 *           "by_gender":{"M","F","unknown"},
 *           "by_age":{"<30","30-45","46-60",">60","unknown"},
 *           "by_ethnicity":[{"ethnicity","count"}…,{"ethnicity":"other",…}]}],
 *  "by_unit":[{"id","code","name","members","people",
 *              "orgs":{"party":N,…}}]}
 * Age bands are ages on as_of.  A unit not in the structure of
 * structure_as_of → ERR_INVALID "structure_as_of". */
int member_stats(struct cx *cx, const struct member_stats_query *q,
		 json_t **out, struct err *e);

/* The fast path: memberships (and, when people is not NULL, distinct
 * people) on as_of in each subtree rooted at units[0..n) of the structure
 * as of structure_as_of (NULL = as_of), for one organization (NULL = all).
 * ACT_READ on each unit; a unit not in that tree gives -1. */
int member_stats_totals(struct cx *cx, const char *as_of,
			const char *structure_as_of, const char *org, int n,
			const int64_t *units, int64_t *members, int64_t *people,
			struct err *e);

/* Drop the cached index (tests, benchmarks measuring a cold start). */
void member_stats_flush(void);

#endif
