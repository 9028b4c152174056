/*
 * member.h — people and their memberships: a person (one row per human,
 * keyed by the 12-digit citizen ID when known) holds at most one membership
 * per organization (party, youth, women, farmers, veterans, labour), each
 * in a unit of that organization, with its stints (where the member was,
 * [from, to)) and its events (admit, official, transfer, suspend,
 * reinstate, leave, expel, death), each dated and with the reference of
 * the decision.  History is never overwritten: a transfer closes the
 * current stint into membership_stint and opens the next one.
 *
 * Owns the tables person, membership, membership_stint, membership_event
 * and the meta key member_gen (bumped by every write, so that in-memory
 * indexes such as member_stats' are rebuilt when stale).
 *
 * Every write: checks the actor with member_may_write() (role clerk,
 * manager or admin, unit in scope), validates (a refusal names the field),
 * runs in one transaction with its audit entry, and recomputes the quality
 * findings of the memberships it touched (quality_check_record +
 * quality_store).  Reading a person's record is logged in the audit chain
 * too ("person.view"): member records are confidential.
 *
 * JSON shapes (what the API returns):
 *   Person     {"id","citizen_id","full_name","gender","birth_date",
 *               "ethnicity","religion","hometown","hometown_new",
 *               "residence","phone","email","rev","created_at",
 *               "updated_at","memberships":[Membership]}
 *   Membership {"id","person_id","org","number","joined","official",
 *               "status","unit":Unit,"unit_from","ended","rev",
 *               "stints":[{"unit":Unit,"from","to"}],   oldest first, the
 *                                                        current one last
 *               "events":[{"id","kind","date","decision","from_unit",
 *                          "to_unit","note","actor_id","created_at"}]}
 *   Unit       {"id","code","name"}
 * Empty dates are "" ; an open end ("ended", a stint's "to") is null.
 */
#ifndef CADRE_MEMBER_H
#define CADRE_MEMBER_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"
#include "domain/member_record.h"

#define MEMBER_TEXT_MAX 200	/* characters in a name, place, phone… */
#define MEMBER_DECISION_MAX 500 /* characters in a decision reference */
#define MEMBER_NOTE_MAX 1000
#define MEMBER_CITIZEN_ID_LEN 12

enum member_event_kind {
	MEV_ADMIT,     /* creates the membership and its first stint */
	MEV_OFFICIAL,  /* probation ended: sets `official` */
	MEV_TRANSFER,  /* closes the stint, opens one in to_unit on the date */
	MEV_SUSPEND,   /* status suspended (still counted) */
	MEV_REINSTATE, /* back to active after a suspension */
	MEV_LEAVE,     /* status left, ended = date */
	MEV_EXPEL,     /* status expelled, ended = date */
	MEV_DEATH,     /* status dead, ended = date */
	MEV__COUNT
};

/* "admit", "official", … ; NULL for an out-of-range kind. */
const char *member_event_name(enum member_event_kind k);
/* Parse an event name → 0, or -ERR_INVALID (field "kind"). */
int member_event_parse(const char *s, enum member_event_kind *out,
		       struct err *e);

/* Is `org` an organization with individual members (party, youth, women,
 * farmers, veterans, labour, or another organization of the unit-kind
 * catalogue except state, front and other)?  1 / 0. */
int member_org_valid(struct cx *cx, const char *org);

/* ---- people ---- */

/* Create a person from the person fields of r (MF_CITIZEN_ID … MF_EMAIL;
 * the others are ignored).  full_name is required; names and texts are
 * cleaned (valid UTF-8, NFC, trimmed, single-spaced, ≤ MEMBER_TEXT_MAX);
 * citizen_id, when given, is 12 digits and not taken (ERR_CONFLICT);
 * gender is M, F or "" (Nam/Nữ/male/female accepted); birth_date is a real
 * date not after today.  Needs a writer's role.  holder_unit is the unit
 * that holds the record while the person has no membership (who may see
 * and correct it then): 0 for the actor's own unit; another must exist
 * today inside the actor's write scope.  *id and *out (each may be NULL)
 * receive the new person. */
int member_person_create(struct cx *cx, const struct member_record *r, int64_t holder_unit,
			 int64_t *id, json_t **out, struct err *e);
/* Update the person fields of r that are not NULL ("" clears one; the
 * name cannot be cleared).  rev is the expected revision (0 = any; stale →
 * ERR_CONFLICT "rev").  Needs write access to one of the person's units.
 * Recomputes the quality findings of every membership of the person. */
int member_person_update(struct cx *cx, int64_t id, int64_t rev,
			 const struct member_record *r, json_t **out,
			 struct err *e);
/* The Person JSON with every membership, stint and event (ACT_READ on one
 * of its units; for a person without memberships, on the unit that holds
 * the record: holder_unit_id).  Logs "person.view" in the audit chain. */
int member_person_get(struct cx *cx, int64_t id, json_t **out, struct err *e);
/* May the actor admit person id (see member_admit): 0, ERR_NOT_FOUND
 * "person_id", ERR_FORBIDDEN "person_id" or ERR_INVALID "citizen_id". */
int member_person_admissible(struct cx *cx, int64_t id, const char *citizen_id,
			     struct err *e);
/* Person id by citizen ID (ERR_NOT_FOUND "citizen_id"); no scope check:
 * callers that show anything go through member_person_get. */
int member_person_find(struct cx *cx, const char *citizen_id, int64_t *id,
		       struct err *e);

/* ---- search and lists ---- */

struct member_query {
	const char *q;	    /* NULL/"" = any; digits: citizen ID prefix or
			       card number; text: name, diacritic-blind */
	const char *org;    /* NULL = any */
	int64_t unit_id;    /* 0 = any; else the unit's subtree through
			       history (units merged into it included) */
	const char *status; /* NULL = any; active, suspended, left, …
			       (as of a date: the status that day) */
	const char *as_of;  /* NULL/"" = today's records; else YYYY-MM-DD:
			       the memberships counting that day, each in
			       the unit of its stint that day (ERR_INVALID
			       "as_of" for a date that does not exist) */
	int limit, offset;  /* limit 1..500 (0 = 50) */
};

/* Memberships (and people without one, when neither a filter nor as_of
 * is given) inside the actor's scope, ordered by name:
 * {"items":[{"person_id","full_name","citizen_id","gender","birth_date",
 *            "membership_id","org","number","status","unit":Unit,
 *            "joined","official","ended"}],"total","limit","offset"
 *  [,"as_of"]}.  Unit names are those of the list's date.  As of a date
 * an item shows the state of that day: status active or suspended (from
 * the suspend/reinstate events up to that day), official only when it
 * was by then, ended null. */
int member_search(struct cx *cx, const struct member_query *q, json_t **out,
		  struct err *e);

/* ---- memberships and events ---- */

struct member_admit {
	int64_t person_id;
	const char *citizen_id; /* optional: the person's, when outside the actor's scope */
	const char *org;      /* must match the unit's kind */
	int64_t unit_id;      /* must exist on `date` */
	const char *date;     /* the admission date = joined */
	const char *decision; /* required, ≤ MEMBER_DECISION_MAX */
	const char *number;   /* card number, optional */
	const char *official; /* optional: already official on this date */
	const char *note;     /* optional */
};

/* Admit a person: creates the membership (status active, ended open) and
 * its first stint in unit_id from date, and the event "admit" (and
 * "official" when given).  Refusals: unknown person/unit (ERR_NOT_FOUND),
 * a second membership in the same organization (ERR_CONFLICT "org"), a
 * unit of another organization or not existing on the date ("unit_id"),
 * official before the date ("official").  A person the actor cannot read
 * (memberships, or the unit holding the record, all outside the actor's
 * scope) is admitted only with their citizen_id (ERR_FORBIDDEN
 * "person_id" otherwise, ERR_INVALID "citizen_id" when it is not theirs):
 * an office admits someone whose papers it has, not an id it guessed.
 * *membership_id and *out (the Membership JSON) may be NULL. */
int member_admit(struct cx *cx, const struct member_admit *a,
		 int64_t *membership_id, json_t **out, struct err *e);

struct member_event_req {
	enum member_event_kind kind; /* not MEV_ADMIT */
	int64_t membership_id;
	int64_t rev;	      /* expected revision; 0 = any */
	const char *date;
	const char *decision; /* required */
	int64_t to_unit;      /* transfer only */
	const char *note;     /* optional */
};

/* One event on a membership, in one transaction.  Refusals (ERR_INVALID
 * unless said): the membership has ended ("membership"); the date is not
 * real, or before the last event or the current stint ("date"); official
 * when already official or not active; suspend when not active; reinstate
 * when not suspended; transfer to the same unit, to a unit of another
 * organization or not existing on the date ("to_unit"), or on the day the
 * current stint began; a stale rev (ERR_CONFLICT "rev").  *out (may be
 * NULL) receives the Membership JSON after the event. */
int member_event(struct cx *cx, const struct member_event_req *r,
		 json_t **out, struct err *e);

/* The Membership JSON (ACT_READ on its unit). */
int member_membership_get(struct cx *cx, int64_t id, json_t **out,
			  struct err *e);
/* Correct the card number (the only field not governed by events). */
int member_membership_update(struct cx *cx, int64_t id, int64_t rev,
			     const char *number, json_t **out, struct err *e);
/* Delete a membership entered by mistake: only while its history is its
 * admission alone (no other event, no closed stint); otherwise record a
 * leave.  The audit entry keeps the whole record. */
int member_membership_delete(struct cx *cx, int64_t id, int64_t rev,
			     struct err *e);

/* ---- JSON bodies (for the API) ---- */

/* Person fields of a JSON object into r (strings borrowed from body);
 * unknown fields or wrong types → ERR_BAD_REQUEST naming the field. */
int member_record_from_json(json_t *body, struct member_record *r,
			    struct err *e);
/* {"person_id","org","unit_id","date","decision","number","official",
 *  "note"} */
int member_admit_from_json(json_t *body, struct member_admit *a,
			   struct err *e);
/* {"kind","date","decision","to_unit","note","rev"}; membership_id is set
 * by the caller (from the URL). */
int member_event_from_json(json_t *body, struct member_event_req *r,
			   struct err *e);

/* ---- permission, generation ---- */

/* May the actor change member records in unit_id?  auth_may with
 * ACT_MEMBER_WRITE (clerk, manager, admin) and the unit in the actor's
 * scope; unit_id 0 = only the role.  0 or -ERR_FORBIDDEN.  The one check
 * every member write and the import go through. */
int member_may_write(struct cx *cx, int64_t unit_id, struct err *e);
/* May the actor read (write) a person without memberships whose record
 * holder_unit_id holds (0, none: only an actor whose scope is everything). */
int member_holder_may(struct cx *cx, int64_t holder, int write, struct err *e);
/* May the actor read (write) a person whose memberships are in units[0..n)
 * — one of them in scope is enough — or, with none, whose record holder
 * holds.  The one rule of every read of a person (record, quality). */
int member_person_may(struct cx *cx, const int64_t *units, int n, int64_t holder, int write,
		      struct err *e);

/* The member data generation (meta member_gen). */
int member_gen_get(struct db *db, int64_t *gen, struct err *e);

/* ---- export ---- */

struct member_export_query {
	const char *org;    /* required */
	int64_t unit_id;    /* 0 = the actor's whole scope */
	const char *status; /* NULL = any (as of a date: that day's status) */
	const char *as_of;  /* NULL = current records; else the memberships
			       counting on that date, in their unit of that
			       day, with that day's status, official only
			       when it was by then and ended empty */
};

/* The columns of an export: member_field_names order, then status and
 * ended. */
#define MEMBER_EXPORT_NCOL (MF__COUNT + 2)
extern const char *const member_export_header[MEMBER_EXPORT_NCOL];

/* Call fn once per membership matching q (ACT_READ on the unit; rows
 * outside the actor's scope are left out), ordered by unit code then
 * name, with MEMBER_EXPORT_NCOL cells.  fn returning <0 stops the export
 * with that code.  *rows (may be NULL) receives the count. */
typedef int (*member_row_fn)(void *arg, const char *const *cells,
			     struct err *e);
int member_export(struct cx *cx, const struct member_export_query *q,
		  member_row_fn fn, void *arg, long *rows, struct err *e);

/* ---- demo data ---- */

/* A few thousand generated members across the organizations of the demo
 * provinces' units (demo_load must have run): realistic names, citizen IDs
 * matching gender and birth year, admissions since 2008, transfers
 * (including onto the successors of units merged on 2025-07-01), leavers,
 * people in two organizations, and ~1.5 % records with deliberate quality
 * problems.  Idempotent: does nothing when members exist. */
int member_demo_load(struct cx *cx, struct err *e);
/* n party members (5,600,000 for the benchmark) over the party cells of
 * the national-size tree (demo_national must have run), by the bulk path:
 * one transaction, prepared statements, one audit entry. */
int member_demo_national(struct cx *cx, long n, struct err *e);

#endif
