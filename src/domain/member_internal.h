/*
 * member_internal.h — what the files of the member module (member.c,
 * member_event.c, member_read.c, member_demo.c, member_stats.c, import.c)
 * share and nobody else uses: unit facts seen from the member side, the
 * cleaning of person fields, the data generation, quality refresh and the
 * membership JSON.
 */
#ifndef CADRE_MEMBER_INTERNAL_H
#define CADRE_MEMBER_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "domain/member.h"
#include "domain/org.h"
#include "domain/quality.h"

#define MEMBER_ORG_MAX 24
#define MEMBER_UNIT_VERSIONS 16

/* Person fields are the first ones of enum member_field. */
#define MF_PERSON_LAST MF_EMAIL

/* A unit as the member rules need it: identity, kind and organization,
 * and the intervals it existed (its versions, merged when adjacent). */
struct member_unit {
	int64_t id;
	char code[ORG_CODE_MAX + 1];
	char kind[64];
	char org[MEMBER_ORG_MAX];
	int n;				    /* intervals */
	char from[MEMBER_UNIT_VERSIONS][11]; /* [from, to) */
	char to[MEMBER_UNIT_VERSIONS][11];
};

/* Load a unit (any scope: callers check permissions themselves).
 * ERR_NOT_FOUND naming `field` when there is no such unit.  Call outside
 * write transactions: it reads the structure through org's cached views. */
int member_unit_load(struct cx *cx, int64_t id, const char *field,
		     struct member_unit *u, struct err *e);
/* 1 when the unit existed on date (YYYY-MM-DD). */
int member_unit_exists_on(const struct member_unit *u, const char *date);
/* The organization of a unit kind, from the kind catalogue. */
int member_kind_org(struct cx *cx, const char *kind, char org[MEMBER_ORG_MAX],
		    struct err *e);

/* Today's civil date from cx->now_ms. */
void member_today(const struct cx *cx, char out[11]);
/* A system actor with the same connection and clock (for structural
 * look-ups whose result is then filtered by the caller's scope). */
void member_system_cx(const struct cx *cx, struct cx *sys);

/* Bump meta member_gen inside the caller's transaction. */
int member_gen_bump(struct db *db, struct err *e);

/* Cleaned person fields: every person field as stored (owned strings,
 * "" when absent; NULL when `partial` and the input was NULL) and the
 * search key of the name. */
struct member_person_clean {
	char *f[MF_PERSON_LAST + 1];
	char *fold;
};
/* Validate and clean the person fields of r (see member_person_create).
 * partial: NULL inputs stay NULL (updates); otherwise the name is
 * required.  today bounds the birth date. */
int member_person_clean(const struct member_record *r, int partial,
			const char *today, struct member_person_clean *out,
			struct err *e);
void member_person_clean_free(struct member_person_clean *c);
/* The search key of s (what utf8_fold returns) written to out[cap],
 * quickly for text made of code points below U+2000 (Vietnamese is);
 * returns its length, or 0 when the caller must use utf8_fold instead
 * (other code points, invalid UTF-8, an empty key, no room).  No
 * allocation after the first call. */
size_t member_fold_buf(const char *s, char *out, size_t cap);
/* "M", "F" or "" for M/F/Nam/Nữ/male/female/nam/nữ/""; NULL otherwise. */
const char *member_gender_norm(const char *s);
/* The citizen-ID register (person_key, migration 009) follows a person's
 * citizen ID from old to cid (NULL or "" = none): the old key removed,
 * the new one added (ERR_CONFLICT when another person holds it).  Inside
 * the caller's transaction. */
int member_key_move(struct cx *cx, int64_t person, const char *old, const char *cid,
		    struct err *e);
/* The unit holding the record of a person without memberships (person.
 * holder_unit_id, migration 010), inside the caller's transaction:
 * member_holder_clear when the person gains a membership;
 * member_holder_keep after one is deleted: unit holds the record when
 * none is left. */
int member_holder_clear(struct db *db, int64_t person, struct err *e);
int member_holder_keep(struct db *db, int64_t person, int64_t unit, struct err *e);
/* 0 when s is exactly 12 ASCII digits; else ERR_INVALID naming field. */
int member_citizen_id_check(const char *s, const char *field, struct err *e);
/* Text of at most max characters, valid UTF-8 (ERR_BAD_REQUEST) — for
 * decisions and notes; NULL is fine when !required. */
int member_text_check(const char *s, size_t max, int required,
		      const char *field, struct err *e);

/* Recompute and store the quality findings of one membership from its
 * stored record (person + membership + unit code).  q may be NULL (the
 * rules are loaded for this call).  Inside the caller's transaction. */
int member_quality_refresh(struct cx *cx, int64_t membership_id,
			   const struct quality_rules *q, struct err *e);

/* {"id","code","name"} of a unit (labels looked up; unknown ids give
 * empty strings). */
json_t *member_unit_ref(struct cx *cx, int64_t id);
/* The Membership JSON of membership id (stints and events included);
 * ERR_NOT_FOUND "id".  No permission check. */
int member_membership_json(struct cx *cx, int64_t id, json_t **out,
			   struct err *e);
/* Unit of a membership and its person (for permission checks). */
int member_membership_unit(struct cx *cx, int64_t id, int64_t *unit_id,
			   int64_t *person_id, struct err *e);

/* Fast date → days since 1970-01-01 for canonical YYYY-MM-DD text that is
 * known valid (stored data); "" → INT32_MIN. */
int32_t member_day(const char *s);

#endif
