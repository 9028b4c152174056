/*
 * member_event.c — memberships and their history: admission, the events
 * (official, transfer, suspend, reinstate, leave, expel, death), the card
 * number, the deletion of a record entered by mistake, and the Membership
 * JSON.  Owns the tables membership, membership_stint and membership_event.
 *
 * History is never overwritten: an event only appends (an event row, a
 * closed stint) and moves the membership's current state forward; each
 * write is one transaction with its audit entry, the bump of member_gen
 * and the refresh of the membership's quality findings.  Checks run
 * before the transaction (they read the structure through org's cached
 * views); the write itself is guarded by the membership's revision.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/member_internal.h"
#include "domain/member_log.h"

/* What each event does: its name, the statuses it applies to, the status
 * after it, whether it ends the membership. */
static const struct {
	const char *name;
	const char *from; /* statuses allowed before, space-separated */
	const char *after;/* NULL = unchanged */
	int ends;
} kinds[MEV__COUNT] = {
	[MEV_ADMIT] = {"admit", "", "active", 0},
	[MEV_OFFICIAL] = {"official", "active", NULL, 0},
	[MEV_TRANSFER] = {"transfer", "active suspended", NULL, 0},
	[MEV_SUSPEND] = {"suspend", "active", "suspended", 0},
	[MEV_REINSTATE] = {"reinstate", "suspended", "active", 0},
	[MEV_LEAVE] = {"leave", "active suspended", "left", 1},
	[MEV_EXPEL] = {"expel", "active suspended", "expelled", 1},
	[MEV_DEATH] = {"death", "active suspended", "dead", 1},
};

const char *member_event_name(enum member_event_kind k)
{
	return (int)k >= 0 && k < MEV__COUNT ? kinds[k].name : NULL;
}

int member_event_parse(const char *s, enum member_event_kind *out,
		       struct err *e)
{
	for (int k = 0; s && k < MEV__COUNT; k++) {
		if (strcmp(s, kinds[k].name) == 0) {
			*out = (enum member_event_kind)k;
			return 0;
		}
	}
	return err_set(e, ERR_INVALID, "kind",
		       "unknown event \"%.40s\" (admit, official, transfer, suspend, "
		       "reinstate, leave, expel, death)",
		       s ? s : "");
}

/* The current state of a membership, as the checks need it. */
struct mstate {
	int64_t id, person_id, unit_id, rev;
	char org[MEMBER_ORG_MAX], number[MEMBER_TEXT_MAX * 4 + 1];
	char joined[11], official[11], status[16], unit_from[11], ended[11];
	char last[11]; /* date of the last event ("" = none) */
};

static int mstate_load(struct cx *cx, int64_t id, struct mstate *m, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT m.person_id, m.org, m.number, m.joined, m.official,"
			    " m.status, m.unit_id, m.unit_from, m.ended, m.rev,"
			    " (SELECT MAX(date) FROM membership_event v WHERE v.membership_id = m.id)"
			    " FROM membership m WHERE m.id = ?",
			    &st, e);
	memset(m, 0, sizeof *m);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		m->id = id;
		m->person_id = db_col_int64(st, 0);
		snprintf(m->org, sizeof m->org, "%s", db_col_text(st, 1));
		snprintf(m->number, sizeof m->number, "%s", db_col_text(st, 2));
		snprintf(m->joined, sizeof m->joined, "%s", db_col_text(st, 3));
		snprintf(m->official, sizeof m->official, "%s", db_col_text(st, 4));
		snprintf(m->status, sizeof m->status, "%s", db_col_text(st, 5));
		m->unit_id = db_col_int64(st, 6);
		snprintf(m->unit_from, sizeof m->unit_from, "%s", db_col_text(st, 7));
		snprintf(m->ended, sizeof m->ended, "%s", db_col_text(st, 8));
		m->rev = db_col_int64(st, 9);
		snprintf(m->last, sizeof m->last, "%s", db_col_text(st, 10));
	}
	db_finalize(st);
	if (rc == DB_DONE) {
		return err_set(e, ERR_NOT_FOUND, "membership_id", "no membership with id %lld",
			       (long long)id);
	}
	return rc < 0 ? rc : 0;
}

int member_membership_unit(struct cx *cx, int64_t id, int64_t *unit_id,
			   int64_t *person_id, struct err *e)
{
	struct mstate m;
	int rc = mstate_load(cx, id, &m, e);
	if (rc == 0) {
		*unit_id = m.unit_id;
		if (person_id) {
			*person_id = m.person_id;
		}
	}
	return rc;
}

/* ---- JSON ---- */

static json_t *date_or_null(const char *d)
{
	return !d[0] || strcmp(d, DATE_OPEN) == 0 ? json_null() : json_string(d);
}

static int stints_json(struct cx *cx, const struct mstate *m, json_t **out,
		       struct err *e)
{
	struct db_stmt *st;
	json_t *a = json_array();
	int rc = db_prepare(cx->db,
			    "SELECT unit_id, valid_from, valid_to FROM membership_stint"
			    " WHERE membership_id = ? ORDER BY valid_from, id",
			    &st, e);
	if (rc) {
		json_decref(a);
		return rc;
	}
	db_bind_int64(st, 1, m->id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_array_append_new(a, json_pack("{so ss ss}", "unit",
						   member_unit_ref(cx, db_col_int64(st, 0)),
						   "from", db_col_text(st, 1), "to",
						   db_col_text(st, 2)));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	json_array_append_new(a, json_pack("{so ss so}", "unit", member_unit_ref(cx, m->unit_id),
					   "from", m->unit_from, "to", date_or_null(m->ended)));
	*out = a;
	return 0;
}

static int events_json(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *a = json_array();
	int rc = db_prepare(cx->db,
			    "SELECT id, kind, date, decision, from_unit, to_unit, note,"
			    " actor_id, created_ms FROM membership_event"
			    " WHERE membership_id = ? ORDER BY date, id",
			    &st, e);
	if (rc) {
		json_decref(a);
		return rc;
	}
	db_bind_int64(st, 1, id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		char created[25];
		time_format_ms(db_col_int64(st, 8), created);
		json_array_append_new(
			a, json_pack("{sI ss ss ss so so ss so ss}", "id",
				     (json_int_t)db_col_int64(st, 0), "kind", db_col_text(st, 1),
				     "date", db_col_text(st, 2), "decision", db_col_text(st, 3),
				     "from_unit",
				     db_col_is_null(st, 4) ? json_null()
							   : member_unit_ref(cx, db_col_int64(st, 4)),
				     "to_unit",
				     db_col_is_null(st, 5) ? json_null()
							   : member_unit_ref(cx, db_col_int64(st, 5)),
				     "note", db_col_text(st, 6), "actor_id",
				     db_col_is_null(st, 7) ? json_null()
							   : json_integer(db_col_int64(st, 7)),
				     "created_at", created));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int member_membership_json(struct cx *cx, int64_t id, json_t **out,
			   struct err *e)
{
	struct mstate m;
	json_t *stints = NULL, *events = NULL;
	int rc;
	*out = NULL;
	if ((rc = mstate_load(cx, id, &m, e)) || (rc = stints_json(cx, &m, &stints, e)) ||
	    (rc = events_json(cx, id, &events, e))) {
		json_decref(stints);
		return rc;
	}
	*out = json_pack("{sI sI ss ss ss ss ss so ss so sI so so}", "id", (json_int_t)id,
			 "person_id", (json_int_t)m.person_id, "org", m.org, "number",
			 m.number, "joined", m.joined, "official", m.official, "status",
			 m.status, "unit", member_unit_ref(cx, m.unit_id), "unit_from",
			 m.unit_from, "ended", date_or_null(m.ended), "rev", (json_int_t)m.rev,
			 "stints", stints, "events", events);
	return *out ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
}

int member_membership_get(struct cx *cx, int64_t id, json_t **out,
			  struct err *e)
{
	int64_t unit;
	int rc;
	*out = NULL;
	if ((rc = member_membership_unit(cx, id, &unit, NULL, e)) ||
	    (rc = auth_may(cx, ACT_READ, unit, e))) {
		return rc;
	}
	return member_membership_json(cx, id, out, e);
}

/* ---- writes ---- */

static int insert_event(struct cx *cx, int64_t mid, const char *kind,
			const char *date, const char *decision, int64_t from,
			int64_t to, const char *note, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "INSERT INTO membership_event(membership_id, kind, date, decision,"
			    " from_unit, to_unit, note, actor_id, created_ms)"
			    " VALUES (?,?,?,?,?,?,?,?,?)",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, mid);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, date);
	db_bind_text(st, 4, decision ? decision : "");
	if (from) {
		db_bind_int64(st, 5, from);
	} else {
		db_bind_null(st, 5);
	}
	if (to) {
		db_bind_int64(st, 6, to);
	} else {
		db_bind_null(st, 6);
	}
	db_bind_text(st, 7, note ? note : "");
	if (cx->actor.user_id) {
		db_bind_int64(st, 8, cx->actor.user_id);
	} else {
		db_bind_null(st, 8);
	}
	db_bind_int64(st, 9, cx->now_ms);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Audit, generation, quality, then commit — or roll back on any failure. */
static int finish(struct cx *cx, int rc, const char *action, int64_t mid,
		  int64_t unit, json_t *change, struct err *e)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)mid);
	if (rc == 0) {
		rc = audit_append(cx, action, "membership", oid, unit, change, e);
	}
	if (rc == 0) {
		rc = member_gen_bump(cx->db, e);
	}
	if (rc == 0) {
		rc = member_quality_refresh(cx, mid, NULL, e);
	}
	json_decref(change);
	if (rc == 0) {
		return db_commit(cx->db, e);
	}
	db_rollback(cx->db);
	return rc;
}

static int date_rules(const char *date, const char *field, const char *today,
		      struct err *e)
{
	if (!date || !date[0]) {
		return err_set(e, ERR_INVALID, field, "%s is required", field);
	}
	if (date_check(date, field, e)) {
		return -ERR_INVALID;
	}
	if (strcmp(date, today) > 0) {
		return err_set(e, ERR_INVALID, field, "%s %s is in the future", field, date);
	}
	return 0;
}

static int existing_membership(struct cx *cx, int64_t person, const char *org,
			       struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT id, status FROM membership WHERE person_id = ? AND org = ?",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, person);
	db_bind_text(st, 2, org);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		rc = err_set(e, ERR_CONFLICT, "org",
			     "this person already has a %s membership (#%lld, %s)", org,
			     (long long)db_col_int64(st, 0), db_col_text(st, 1));
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int admit_checks(struct cx *cx, const struct member_admit *a,
			struct member_unit *u, struct err *e)
{
	char today[11];
	int rc;
	member_today(cx, today);
	if (a->person_id <= 0) {
		return err_set(e, ERR_INVALID, "person_id", "person_id is required");
	}
	if (!member_org_valid(cx, a->org)) {
		return err_set(e, ERR_INVALID, "org", "\"%.40s\" is not an organization with "
			       "members (party, youth, women, farmers, veterans, labour)",
			       a->org ? a->org : "");
	}
	if ((rc = date_rules(a->date, "date", today, e)) ||
	    (rc = member_text_check(a->decision, MEMBER_DECISION_MAX, 1, "decision", e)) ||
	    (rc = member_text_check(a->number, MEMBER_TEXT_MAX, 0, "number", e)) ||
	    (rc = member_text_check(a->note, MEMBER_NOTE_MAX, 0, "note", e))) {
		return rc;
	}
	if (a->official && a->official[0]) {
		if ((rc = date_rules(a->official, "official", today, e))) {
			return rc;
		}
		if (strcmp(a->official, a->date) < 0) {
			return err_set(e, ERR_INVALID, "official",
				       "official %s is before the admission %s", a->official,
				       a->date);
		}
	}
	if ((rc = member_unit_load(cx, a->unit_id, "unit_id", u, e)) ||
	    (rc = member_may_write(cx, a->unit_id, e)) ||
	    (rc = member_person_admissible(cx, a->person_id, a->citizen_id, e))) {
		return rc;
	}
	if (strcmp(u->org, a->org) != 0) {
		return err_set(e, ERR_INVALID, "unit_id", "unit %s (%s) belongs to the %s "
			       "organization, not %s", u->code, u->kind, u->org, a->org);
	}
	if (!member_unit_exists_on(u, a->date)) {
		return err_set(e, ERR_INVALID, "unit_id", "unit %s does not exist on %s",
			       u->code, a->date);
	}
	return existing_membership(cx, a->person_id, a->org, e);
}

int member_admit(struct cx *cx, const struct member_admit *a,
		 int64_t *membership_id, json_t **out, struct err *e)
{
	struct member_unit u;
	struct db_stmt *st;
	int64_t mid = 0;
	int official = a->official && a->official[0];
	int rc;
	if (out) {
		*out = NULL;
	}
	if ((rc = admit_checks(cx, a, &u, e)) || (rc = db_begin(cx->db, e))) {
		return rc;
	}
	rc = db_prepare(cx->db,
			"INSERT INTO membership(person_id, org, number, joined, official,"
			" status, unit_id, unit_from) VALUES (?,?,?,?,?,'active',?,?) RETURNING id",
			&st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, a->person_id);
		db_bind_text(st, 2, a->org);
		db_bind_text(st, 3, a->number ? a->number : "");
		db_bind_text(st, 4, a->date);
		db_bind_text(st, 5, official ? a->official : "");
		db_bind_int64(st, 6, a->unit_id);
		db_bind_text(st, 7, a->date);
		rc = db_step(st, e);
		mid = rc == DB_ROW ? db_col_int64(st, 0) : 0;
		rc = rc == DB_ROW ? 0 : rc < 0 ? rc : err_set(e, ERR_INTERNAL, "", "no id");
		db_finalize(st);
		rc = rc ? rc : member_log_new(cx->db, mid, e);
	}
	if (rc == 0) {
		rc = member_holder_clear(cx->db, a->person_id, e);
	}
	if (rc == 0) {
		rc = insert_event(cx, mid, "admit", a->date, a->decision, 0, a->unit_id,
				  a->note, e);
	}
	if (rc == 0 && official) {
		rc = insert_event(cx, mid, "official", a->official, a->decision, a->unit_id, 0,
				  NULL, e);
	}
	if (rc && e->code == ERR_CONFLICT) {
		snprintf(e->field, sizeof e->field, "org");
	}
	rc = finish(cx, rc, "membership.admit", mid, a->unit_id,
		    json_pack("{sI ss ss ss ss ss sI}", "person_id", (json_int_t)a->person_id,
			      "org", a->org, "unit", u.code, "date", a->date, "decision",
			      a->decision, "official", official ? a->official : "", "membership",
			      (json_int_t)mid),
		    e);
	if (rc) {
		return rc;
	}
	if (membership_id) {
		*membership_id = mid;
	}
	return out ? member_membership_json(cx, mid, out, e) : 0;
}

static int status_in(const char *status, const char *list)
{
	size_t n = strlen(status);
	for (const char *p = list; (p = strstr(p, status)); p += n) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
			return 1;
		}
	}
	return 0;
}

static int event_checks(struct cx *cx, const struct member_event_req *r,
			const struct mstate *m, struct member_unit *to,
			struct err *e)
{
	const char *name = member_event_name(r->kind);
	char today[11];
	int rc;
	member_today(cx, today);
	if ((rc = member_may_write(cx, m->unit_id, e))) {
		return rc;
	}
	if (strcmp(m->ended, DATE_OPEN) != 0) {
		return err_set(e, ERR_INVALID, "membership_id",
			       "membership #%lld ended on %s (%s): no further events",
			       (long long)m->id, m->ended, m->status);
	}
	if (r->rev && r->rev != m->rev) {
		return err_set(e, ERR_CONFLICT, "rev", "the membership changed since revision "
			       "%lld (now %lld); reload it", (long long)r->rev,
			       (long long)m->rev);
	}
	if ((rc = date_rules(r->date, "date", today, e)) ||
	    (rc = member_text_check(r->decision, MEMBER_DECISION_MAX, 1, "decision", e)) ||
	    (rc = member_text_check(r->note, MEMBER_NOTE_MAX, 0, "note", e))) {
		return rc;
	}
	if (strcmp(r->date, m->last) < 0 || strcmp(r->date, m->unit_from) < 0 ||
	    strcmp(r->date, m->joined) < 0 || strcmp(r->date, m->official) < 0) {
		const char *last = m->last;
		last = strcmp(m->unit_from, last) > 0 ? m->unit_from : last;
		last = strcmp(m->official, last) > 0 ? m->official : last;
		return err_set(e, ERR_INVALID, "date",
			       "%s is before the last event of this membership (%s): events "
			       "are recorded in order",
			       r->date, last);
	}
	if (!status_in(m->status, kinds[r->kind].from)) {
		return err_set(e, ERR_INVALID, "kind", "cannot record \"%s\" on a membership "
			       "that is %s", name, m->status);
	}
	if (r->kind == MEV_OFFICIAL && m->official[0]) {
		return err_set(e, ERR_INVALID, "kind", "already official since %s", m->official);
	}
	if (r->kind != MEV_TRANSFER) {
		return r->to_unit ? err_set(e, ERR_INVALID, "to_unit",
					    "to_unit is only for transfers")
				  : 0;
	}
	if (r->to_unit == m->unit_id) {
		return err_set(e, ERR_INVALID, "to_unit", "the member is already in this unit");
	}
	if ((rc = member_unit_load(cx, r->to_unit, "to_unit", to, e))) {
		return rc;
	}
	if (strcmp(to->org, m->org) != 0) {
		return err_set(e, ERR_INVALID, "to_unit", "unit %s (%s) belongs to the %s "
			       "organization, not %s", to->code, to->kind, to->org, m->org);
	}
	if (!member_unit_exists_on(to, r->date)) {
		return err_set(e, ERR_INVALID, "to_unit", "unit %s does not exist on %s",
			       to->code, r->date);
	}
	if (strcmp(r->date, m->unit_from) <= 0) {
		return err_set(e, ERR_INVALID, "date", "a transfer must come after the current "
			       "stint began (%s)", m->unit_from);
	}
	return 0;
}

int member_event(struct cx *cx, const struct member_event_req *r,
		 json_t **out, struct err *e)
{
	struct mstate m;
	struct member_unit to;
	struct db_stmt *st;
	int64_t unit_after;
	int rc;
	if (out) {
		*out = NULL;
	}
	memset(&to, 0, sizeof to);
	if (r->kind == MEV_ADMIT || !member_event_name(r->kind)) {
		return err_set(e, ERR_INVALID, "kind", "an admission creates a membership: "
			       "use admit");
	}
	if ((rc = mstate_load(cx, r->membership_id, &m, e)) ||
	    (rc = event_checks(cx, r, &m, &to, e)) || (rc = db_begin(cx->db, e))) {
		return rc;
	}
	unit_after = r->kind == MEV_TRANSFER ? r->to_unit : m.unit_id;
	rc = member_log_membership(cx->db, m.id, e);
	if (rc == 0 && r->kind == MEV_TRANSFER) {
		rc = db_prepare(cx->db,
				"INSERT INTO membership_stint(membership_id, unit_id, valid_from,"
				" valid_to) VALUES (?,?,?,?)",
				&st, e);
		if (rc == 0) {
			db_bind_int64(st, 1, m.id);
			db_bind_int64(st, 2, m.unit_id);
			db_bind_text(st, 3, m.unit_from);
			db_bind_text(st, 4, r->date);
			rc = db_step(st, e) < 0 ? -(int)e->code : 0;
			db_finalize(st);
		}
	}
	if (rc == 0) {
		rc = db_prepare(cx->db,
				"UPDATE membership SET official = ?, status = ?, unit_id = ?,"
				" unit_from = ?, ended = ?, rev = rev + 1"
				" WHERE id = ? AND rev = ? RETURNING rev",
				&st, e);
	}
	if (rc == 0) {
		db_bind_text(st, 1, r->kind == MEV_OFFICIAL ? r->date : m.official);
		db_bind_text(st, 2, kinds[r->kind].after ? kinds[r->kind].after : m.status);
		db_bind_int64(st, 3, unit_after);
		db_bind_text(st, 4, r->kind == MEV_TRANSFER ? r->date : m.unit_from);
		db_bind_text(st, 5, kinds[r->kind].ends ? r->date : DATE_OPEN);
		db_bind_int64(st, 6, m.id);
		db_bind_int64(st, 7, m.rev);
		rc = db_step(st, e);
		db_finalize(st);
		rc = rc == DB_ROW ? 0
		     : rc < 0	  ? rc
				  : err_set(e, ERR_CONFLICT, "rev",
					    "the membership changed meanwhile; reload it");
	}
	if (rc == 0) {
		rc = insert_event(cx, m.id, kinds[r->kind].name, r->date, r->decision, m.unit_id,
				  r->kind == MEV_TRANSFER ? r->to_unit : 0, r->note, e);
	}
	{
		char action[40];
		snprintf(action, sizeof action, "membership.%s", kinds[r->kind].name);
		rc = finish(cx, rc, action, m.id, m.unit_id,
			    json_pack("{ss ss ss sI ss sI ss}", "kind", kinds[r->kind].name,
				      "date", r->date, "decision", r->decision, "person_id",
				      (json_int_t)m.person_id, "org", m.org, "to_unit",
				      (json_int_t)(r->kind == MEV_TRANSFER ? r->to_unit : 0),
				      "to_code", to.code),
			    e);
	}
	if (rc) {
		return rc;
	}
	return out ? member_membership_json(cx, m.id, out, e) : 0;
}

int member_membership_update(struct cx *cx, int64_t id, int64_t rev,
			     const char *number, json_t **out, struct err *e)
{
	struct mstate m;
	struct db_stmt *st;
	int rc;
	if (out) {
		*out = NULL;
	}
	if ((rc = mstate_load(cx, id, &m, e)) || (rc = member_may_write(cx, m.unit_id, e)) ||
	    (rc = member_text_check(number, MEMBER_TEXT_MAX, 0, "number", e))) {
		return rc;
	}
	if (rev && rev != m.rev) {
		return err_set(e, ERR_CONFLICT, "rev", "the membership changed since revision "
			       "%lld; reload it", (long long)rev);
	}
	if ((rc = db_begin(cx->db, e))) {
		return rc;
	}
	rc = member_log_membership(cx->db, id, e);
	rc = rc ? rc : db_prepare(cx->db,
			"UPDATE membership SET number = ?, rev = rev + 1 WHERE id = ? AND rev = ?"
			" RETURNING rev",
			&st, e);
	if (rc == 0) {
		db_bind_text(st, 1, number ? number : "");
		db_bind_int64(st, 2, id);
		db_bind_int64(st, 3, m.rev);
		rc = db_step(st, e);
		db_finalize(st);
		rc = rc == DB_ROW ? 0
		     : rc < 0	  ? rc
				  : err_set(e, ERR_CONFLICT, "rev", "the membership changed "
					    "meanwhile; reload it");
	}
	rc = finish(cx, rc, "membership.update", id, m.unit_id,
		    json_pack("{s[ss]}", "number", m.number, number ? number : ""), e);
	if (rc) {
		return rc;
	}
	return out ? member_membership_json(cx, id, out, e) : 0;
}

/* Run one statement binding the membership id. */
static int exec_id(struct cx *cx, const char *sql, int64_t id, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db, sql, &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* 1 when the history of membership id has more than its admission. */
static int has_history(struct cx *cx, int64_t id, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT (SELECT COUNT(*) FROM membership_stint WHERE membership_id = ?)"
			    " + (SELECT COUNT(*) FROM membership_event WHERE membership_id = ?"
			    " AND kind NOT IN ('admit', 'official'))",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, id);
	rc = db_step(st, e);
	rc = rc == DB_ROW ? db_col_int64(st, 0) > 0 : rc;
	db_finalize(st);
	return rc;
}

int member_membership_delete(struct cx *cx, int64_t id, int64_t rev,
			     struct err *e)
{
	struct mstate m;
	json_t *record = NULL;
	int rc;
	if ((rc = mstate_load(cx, id, &m, e)) || (rc = member_may_write(cx, m.unit_id, e))) {
		return rc;
	}
	if (rev && rev != m.rev) {
		return err_set(e, ERR_CONFLICT, "rev", "the membership changed since revision "
			       "%lld; reload it", (long long)rev);
	}
	if ((rc = has_history(cx, id, e)) != 0) {
		return rc < 0 ? rc
			      : err_set(e, ERR_INVALID, "id", "membership #%lld has a history "
					"(transfers or other events): record a leave instead",
					(long long)id);
	}
	if ((rc = member_membership_json(cx, id, &record, e)) || (rc = db_begin(cx->db, e))) {
		json_decref(record);
		return rc;
	}
	if ((rc = member_log_membership(cx->db, id, e)) == 0 &&
	    (rc = quality_store(cx, id, NULL, 0, e)) == 0 &&
	    (rc = exec_id(cx, "DELETE FROM membership_event WHERE membership_id = ?", id, e)) == 0 &&
	    (rc = exec_id(cx, "DELETE FROM membership WHERE id = ?", id, e)) == 0 &&
	    (rc = member_holder_keep(cx->db, m.person_id, m.unit_id, e)) == 0) {
		char oid[24];
		snprintf(oid, sizeof oid, "%lld", (long long)id);
		rc = audit_append(cx, "membership.delete", "membership", oid, m.unit_id, record, e);
	}
	json_decref(record);
	if (rc == 0) {
		rc = member_gen_bump(cx->db, e);
	}
	if (rc == 0) {
		return db_commit(cx->db, e);
	}
	db_rollback(cx->db);
	return rc;
}
