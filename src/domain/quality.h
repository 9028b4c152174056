/*
 * quality.h — data standardization of member records.  Rules are data (the
 * quality_rule table: code, field, severity, message in Vietnamese and
 * English, JSON params), seeded by a migration; this module evaluates them,
 * stores the findings per membership and computes the quality % per record,
 * unit and subtree (records with no error / all records).  Owns quality_rule,
 * quality_issue and quality_history.
 */
#ifndef CADRE_QUALITY_H
#define CADRE_QUALITY_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"
#include "domain/member_record.h"

/* Rule codes the code refers to by name (all others are looked up by the
 * field they check).  Cross-record rules are evaluated by the caller that
 * has the context (the import within a file, member.c against the
 * database) and reported with these codes. */
#define QR_DUPLICATE_CITIZEN_ID "citizen_id.duplicate"
#define QR_TWO_UNITS "membership.two_units"

struct quality_problem {
	const char *rule;	 /* rule code (static storage of the rules) */
	enum member_field field;
	int is_error;		 /* severity error (1) or warning (0) */
	char detail[200];	 /* the value or context, for the reader */
};

struct quality_rules; /* the enabled rules, loaded once per import/request */

int quality_rules_load(struct db *db, struct quality_rules **out,
		       struct err *e);
void quality_rules_free(struct quality_rules *q);

/* Check one record against every enabled single-record rule.  `today` is
 * YYYY-MM-DD (for ages).  Writes at most max problems; returns how many were
 * found (may exceed max); *errors (may be NULL) = those of severity error.
 * Pure: no database access, thread-safe on a shared rules object. */
int quality_check_record(const struct quality_rules *q,
			 const struct member_record *r, const char *today,
			 struct quality_problem *out, int max, int *errors);

/* The message of a rule in "vi" or "en" (never NULL). */
const char *quality_message(const struct quality_rules *q, const char *rule,
			    const char *lang);

/* Replace the stored findings of a membership (inside the caller's
 * transaction). */
int quality_store(struct cx *cx, int64_t membership_id,
		  const struct quality_problem *p, int n, struct err *e);

/* Figures for a unit's subtree as of today: {"unit_id","records","clean",
 * "quality_pct","by_rule":[{"rule","field","severity","message","count"}],
 * "by_unit":[{"unit_id","code","name","records","clean","quality_pct"}]}
 * (ACT_READ on the unit). */
int quality_unit(struct cx *cx, int64_t unit_id, json_t **out, struct err *e);
/* The problems of a subtree, one object per finding, for the clerk's
 * worklist and its CSV/XLSX export (ACT_READ). */
int quality_problems(struct cx *cx, int64_t unit_id, int limit, int offset,
		     json_t **out, struct err *e);
/* The verdict on one person's record, counted as the unit figures count
 * (stored findings of the rules enabled now; a membership counts while it
 * has not ended and is clean without a finding of severity error):
 * {"person_id","ok","records","clean","errors","warnings",
 *  "memberships":[{"membership_id","org","unit":{"id","code","name"},
 *                  "counted","ok"}],
 *  "problems":[{"membership_id","org","rule","field","severity",
 *               "message" (cx->lang),"message_vi","message_en","detail",
 *               "fix" (person|number|transfer|history: where to correct
 *               it),"counted"}]}  — errors first per membership.
 * "ok" is true when every counted membership is clean; errors/warnings
 * count the findings of counted memberships.  Read right as for the
 * person (member_person_get); ERR_NOT_FOUND "id" for no such person.
 * quality_person.c. */
int quality_person(struct cx *cx, int64_t person_id, json_t **out,
		   struct err *e);
/* Record today's figure of each unit in the subtree (quality_history) and
 * return the series for the chart: [{"day","records","clean","quality_pct"}]. */
int quality_history(struct cx *cx, int64_t unit_id, json_t **out,
		    struct err *e);

#endif
