/*
 * member.c — people: creating, correcting and reading a person's record,
 * and what the member module's files share (member_internal.h): the write
 * permission, unit facts, the data generation, the quality refresh.  Owns
 * the table person and the meta key member_gen (membership tables:
 * member_event.c; lists: member_read.c; text rules: member_text.c; totals:
 * member_stats.c, member_index.c; demo data: member_demo.c).
 *
 * Never stores a field that was not cleaned (NFC, trimmed, single-spaced,
 * valid UTF-8), never changes a record without its audit entry in the same
 * transaction, and never reads another module's tables: units and kinds
 * come through org.h.
 */
#include "domain/member.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/member_internal.h"
#include "domain/member_log.h"

#define PERSON_COLS                                                            \
	"id, citizen_id, full_name, gender, birth_date, ethnicity, religion,"  \
	" hometown, hometown_new, residence, phone, email, rev, created_ms,"   \
	" updated_ms, holder_unit_id"

/* ---- small shared helpers ---- */

int32_t member_day(const char *s)
{
	int y, m, d, era;
	unsigned yoe, doy, doe;
	if (!s || strlen(s) < 10) {
		return INT32_MIN;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void member_today(const struct cx *cx, char out[11])
{
	int64_t ms = cx->now_ms ? cx->now_ms : time_now_ms();
	date_format(date_from_days(ms / 86400000), out);
}

void member_system_cx(const struct cx *cx, struct cx *sys)
{
	*sys = *cx;
	memset(&sys->actor, 0, sizeof sys->actor);
	sys->actor.system = 1;
	strcpy(sys->actor.login, "system");
	strcpy(sys->actor.role, "admin");
}

int member_may_write(struct cx *cx, int64_t unit_id, struct err *e)
{
	return auth_may(cx, ACT_MEMBER_WRITE, unit_id, e);
}

int member_gen_get(struct db *db, int64_t *gen, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT value FROM meta WHERE key = 'member_gen'", &st, e);
	if (rc) {
		return rc;
	}
	rc = db_step(st, e);
	*gen = rc == DB_ROW ? strtoll(db_col_text(st, 0), NULL, 10) : 0;
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int member_gen_bump(struct db *db, struct err *e)
{
	return member_log_seal(db, e); /* with the change log, member_log.h */
}

int member_kind_org(struct cx *cx, const char *kind, char org[MEMBER_ORG_MAX],
		    struct err *e)
{
	json_t *kinds = NULL, *k;
	size_t i;
	int rc = org_kinds(cx, &kinds, e);
	org[0] = '\0';
	if (rc) {
		return rc;
	}
	json_array_foreach(kinds, i, k) {
		const char *code = json_string_value(json_object_get(k, "code"));
		if (code && strcmp(code, kind) == 0) {
			const char *o = json_string_value(json_object_get(k, "org"));
			snprintf(org, MEMBER_ORG_MAX, "%s", o ? o : "");
			break;
		}
	}
	json_decref(kinds);
	return 0;
}

int member_org_valid(struct cx *cx, const char *org)
{
	static const char *const known[] = {"party",    "youth",    "women",
					    "farmers", "veterans", "labour"};
	static const char *const never[] = {"state", "front", "other"};
	json_t *kinds = NULL, *k;
	size_t i;
	int found = 0;
	struct err e = ERR_INIT;
	if (!org || !org[0]) {
		return 0;
	}
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strcmp(org, known[i]) == 0) {
			return 1;
		}
	}
	for (i = 0; i < sizeof never / sizeof never[0]; i++) {
		if (strcmp(org, never[i]) == 0) {
			return 0;
		}
	}
	if (org_kinds(cx, &kinds, &e)) {
		return 0;
	}
	json_array_foreach(kinds, i, k) {
		const char *o = json_string_value(json_object_get(k, "org"));
		found |= o && strcmp(o, org) == 0;
	}
	json_decref(kinds);
	return found;
}

int member_unit_load(struct cx *cx, int64_t id, const char *field,
		     struct member_unit *u, struct err *e)
{
	struct cx sys;
	json_t *j = NULL, *v;
	size_t i;
	int rc;
	memset(u, 0, sizeof *u);
	if (id <= 0) {
		return err_set(e, ERR_INVALID, field, "%s is required", field);
	}
	member_system_cx(cx, &sys);
	if ((rc = org_unit_get(&sys, id, NULL, &j, e))) {
		if (e && e->code == ERR_NOT_FOUND) {
			return err_set(e, ERR_NOT_FOUND, field, "no unit with id %lld",
				       (long long)id);
		}
		return rc;
	}
	u->id = id;
	snprintf(u->code, sizeof u->code, "%s", json_string_value(json_object_get(j, "code")));
	snprintf(u->kind, sizeof u->kind, "%s", json_string_value(json_object_get(j, "kind")));
	json_array_foreach(json_object_get(j, "versions"), i, v) {
		const char *from = json_string_value(json_object_get(v, "valid_from"));
		const char *to = json_string_value(json_object_get(v, "valid_to"));
		if (!from) {
			continue;
		}
		if (!to) {
			to = DATE_OPEN;
		}
		if (u->n > 0 && strcmp(u->to[u->n - 1], from) == 0) {
			snprintf(u->to[u->n - 1], 11, "%s", to); /* adjacent */
		} else if (u->n < MEMBER_UNIT_VERSIONS) {
			snprintf(u->from[u->n], 11, "%s", from);
			snprintf(u->to[u->n], 11, "%s", to);
			u->n++;
		}
	}
	json_decref(j);
	return member_kind_org(&sys, u->kind, u->org, e);
}

int member_unit_exists_on(const struct member_unit *u, const char *date)
{
	for (int i = 0; i < u->n; i++) {
		if (strcmp(u->from[i], date) <= 0 && strcmp(date, u->to[i]) < 0) {
			return 1;
		}
	}
	return 0;
}

json_t *member_unit_ref(struct cx *cx, int64_t id)
{
	char code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1] = "";
	struct err ignored = ERR_INIT;
	if (id <= 0) {
		return json_null();
	}
	org_unit_label(cx, id, code, name, &ignored);
	return json_pack("{sI ss ss}", "id", (json_int_t)id, "code", code, "name", name);
}

/* ---- quality ---- */

int member_quality_refresh(struct cx *cx, int64_t membership_id,
			   const struct quality_rules *q, struct err *e)
{
	static const char *const sql =
		"SELECT p.citizen_id, p.full_name, p.gender, p.birth_date, p.ethnicity,"
		" p.religion, p.hometown, p.hometown_new, p.residence, p.phone, p.email,"
		" m.org, m.unit_id, m.number, m.joined, m.official"
		" FROM membership m JOIN person p ON p.id = m.person_id WHERE m.id = ?";
	struct quality_rules *own = NULL;
	struct quality_problem probs[32];
	struct member_record rec;
	char *vals[MF__COUNT];
	char code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1], today[11];
	struct db_stmt *st;
	int64_t unit = 0;
	int rc, n;
	memset(vals, 0, sizeof vals);
	if ((rc = db_prepare(cx->db, sql, &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, membership_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		for (int f = 0; f < MF__COUNT; f++) {
			if (f != MF_UNIT_CODE) {
				vals[f] = strdup(db_col_text(st, f));
			}
		}
		unit = db_col_int64(st, MF_UNIT_CODE);
	}
	db_finalize(st);
	if (rc != DB_ROW) {
		return rc < 0 ? rc : err_set(e, ERR_NOT_FOUND, "id", "no membership %lld",
					     (long long)membership_id);
	}
	org_unit_label(cx, unit, code, name, e);
	err_clear(e);
	rc = 0;
	for (int f = 0; f < MF__COUNT; f++) {
		rec.f[f] = f == MF_UNIT_CODE ? code : vals[f];
	}
	if (!q && (rc = quality_rules_load(cx->db, &own, e)) == 0) {
		q = own;
	}
	if (rc == 0) {
		member_today(cx, today);
		n = quality_check_record(q, &rec, today, probs, 32, NULL);
		rc = quality_store(cx, membership_id, probs, n < 32 ? n : 32, e);
	}
	quality_rules_free(own);
	for (int f = 0; f < MF__COUNT; f++) {
		free(vals[f]);
	}
	return rc;
}

/* ---- people ---- */

int member_person_find(struct cx *cx, const char *citizen_id, int64_t *id,
		       struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db, "SELECT person_id FROM person_key WHERE citizen_id = ?", &st,
			    e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, citizen_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
	}
	db_finalize(st);
	if (rc == DB_DONE) {
		return err_set(e, ERR_NOT_FOUND, "citizen_id", "no person with citizen ID %.20s",
			       citizen_id);
	}
	return rc < 0 ? rc : 0;
}

/* {"id","code","name"} of a unit (name of today). */
static json_t *unit_ref(struct cx *cx, int64_t id)
{
	char code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1] = "";
	struct err ignored = ERR_INIT;
	org_unit_label(cx, id, code, name, &ignored);
	return json_pack("{sI ss ss}", "id", (json_int_t)id, "code", code, "name", name);
}

/* The person row into JSON (without memberships); ERR_NOT_FOUND "id". */
static int person_row(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	char created[25], updated[25];
	int64_t holder;
	int rc = db_prepare(cx->db, "SELECT " PERSON_COLS " FROM person WHERE id = ?", &st, e);
	*out = NULL;
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		json_t *p = json_object();
		json_object_set_new(p, "id", json_integer(db_col_int64(st, 0)));
		for (int f = 0; f <= MF_PERSON_LAST; f++) {
			json_object_set_new(p, member_field_names[f],
					    json_string(db_col_text(st, 1 + f)));
		}
		json_object_set_new(p, "rev", json_integer(db_col_int64(st, 12)));
		time_format_ms(db_col_int64(st, 13), created);
		time_format_ms(db_col_int64(st, 14), updated);
		json_object_set_new(p, "created_at", json_string(created));
		json_object_set_new(p, "updated_at", json_string(updated));
		holder = db_col_is_null(st, 15) ? 0 : db_col_int64(st, 15);
		json_object_set_new(p, "holder_unit_id", holder ? json_integer(holder) : json_null());
		json_object_set_new(p, "holder_unit", holder ? unit_ref(cx, holder) : json_null());
		*out = p;
	}
	db_finalize(st);
	if (rc == DB_DONE) {
		return err_set(e, ERR_NOT_FOUND, "id", "no person with id %lld", (long long)id);
	}
	return rc < 0 ? rc : 0;
}

/* Ids and units of a person's memberships (at most max). */
static int person_memberships(struct cx *cx, int64_t person, int64_t *ids,
			      int64_t *units, int max, int *n, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT id, unit_id FROM membership WHERE person_id = ?"
			    " ORDER BY joined, id",
			    &st, e);
	*n = 0;
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, person);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n < max) {
			ids[*n] = db_col_int64(st, 0);
			units[*n] = db_col_int64(st, 1);
			(*n)++;
		}
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int member_holder_may(struct cx *cx, int64_t holder, int write, struct err *e)
{
	if (holder) {
		return write ? member_may_write(cx, holder, e) : auth_may(cx, ACT_READ, holder, e);
	}
	if (cx->actor.system || cx->actor.unit_id == 0) {
		return 0;
	}
	return err_set(e, ERR_FORBIDDEN, "id", "this person is outside your unit's scope");
}

int member_person_may(struct cx *cx, const int64_t *units, int n, int64_t holder, int write,
		      struct err *e)
{
	int rc = 0;
	if (n == 0) {
		return member_holder_may(cx, holder, write, e);
	}
	for (int i = 0; i < n; i++) {
		err_clear(e);
		rc = write ? member_may_write(cx, units[i], e)
			   : auth_may(cx, ACT_READ, units[i], e);
		if (rc == 0) {
			return 0;
		}
	}
	return rc;
}

/* member_person_may for a person row (person_row's JSON: its holder). */
static int person_may(struct cx *cx, const json_t *person, const int64_t *units, int n,
		      int write, struct err *e)
{
	return member_person_may(cx, units, n,
				 json_integer_value(json_object_get(person, "holder_unit_id")),
				 write, e);
}

#define PERSON_MAX_MEMBERSHIPS 32

int member_person_admissible(struct cx *cx, int64_t id, const char *citizen_id,
			     struct err *e)
{
	int64_t ids[PERSON_MAX_MEMBERSHIPS], units[PERSON_MAX_MEMBERSHIPS];
	json_t *p = NULL;
	const char *stored;
	int n, rc;
	if ((rc = person_row(cx, id, &p, e)) ||
	    (rc = person_memberships(cx, id, ids, units, PERSON_MAX_MEMBERSHIPS, &n, e))) {
		if (e->code == ERR_NOT_FOUND) {
			snprintf(e->field, sizeof e->field, "person_id");
		}
		json_decref(p);
		return rc;
	}
	if (person_may(cx, p, units, n, 0, e) == 0) {
		json_decref(p);
		return 0;
	}
	stored = json_string_value(json_object_get(p, "citizen_id"));
	if (!citizen_id || !citizen_id[0]) {
		rc = err_set(e, ERR_FORBIDDEN, "person_id",
			     "this person is outside your unit's scope: give their citizen_id "
			     "to admit them");
	} else if (!stored || strcmp(stored, citizen_id) != 0) {
		rc = err_set(e, ERR_INVALID, "citizen_id",
			     "citizen_id is not that of person #%lld", (long long)id);
	} else {
		err_clear(e);
		rc = 0;
	}
	json_decref(p);
	return rc;
}

int member_person_get(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	int64_t ids[PERSON_MAX_MEMBERSHIPS], units[PERSON_MAX_MEMBERSHIPS];
	json_t *p = NULL, *ms;
	char oid[24];
	int n, rc;
	*out = NULL;
	if ((rc = person_row(cx, id, &p, e)) ||
	    (rc = person_memberships(cx, id, ids, units, PERSON_MAX_MEMBERSHIPS, &n, e)) ||
	    (rc = person_may(cx, p, units, n, 0, e))) {
		json_decref(p);
		return rc;
	}
	ms = json_array();
	for (int i = 0; i < n && rc == 0; i++) {
		json_t *m = NULL;
		if ((rc = member_membership_json(cx, ids[i], &m, e)) == 0) {
			json_array_append_new(ms, m);
		}
	}
	json_object_set_new(p, "memberships", ms);
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	if (rc == 0 && (rc = db_begin(cx->db, e)) == 0) {
		rc = audit_append(cx, "person.view", "person", oid, n ? units[0] : 0, NULL, e);
		rc = rc ? (db_rollback(cx->db), rc) : db_commit(cx->db, e);
	}
	if (rc) {
		json_decref(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Bind the person fields 1..11 of c, then name_fold at 12. */
static void bind_person(struct db_stmt *st, const struct member_person_clean *c)
{
	for (int f = 0; f <= MF_PERSON_LAST; f++) {
		const char *v = c->f[f];
		db_bind_text(st, 1 + f, f == MF_CITIZEN_ID && !v[0] ? NULL : v);
	}
	db_bind_text(st, MF_PERSON_LAST + 2, c->fold);
}

static json_t *person_change(const struct member_person_clean *c)
{
	json_t *j = json_object();
	for (int f = 0; f <= MF_PERSON_LAST; f++) {
		if (c->f[f]) {
			json_object_set_new(j, member_field_names[f], json_string(c->f[f]));
		}
	}
	return j;
}

int member_key_move(struct cx *cx, int64_t person, const char *old, const char *cid,
		    struct err *e)
{
	struct db_stmt *st;
	int rc = 0, had = old && old[0], has = cid && cid[0];
	if (had && has && strcmp(old, cid) == 0) {
		return 0;
	}
	if (had && (rc = db_prepare(cx->db, "DELETE FROM person_key WHERE citizen_id = ?", &st,
				     e)) == 0) {
		db_bind_text(st, 1, old);
		rc = db_step(st, e);
		db_finalize(st);
	}
	if (rc >= 0 && has &&
	    (rc = db_prepare(cx->db, "INSERT INTO person_key(citizen_id, person_id) VALUES (?, ?)",
			     &st, e)) == 0) {
		db_bind_text(st, 1, cid);
		db_bind_int64(st, 2, person);
		rc = db_step(st, e);
		db_finalize(st);
	}
	return rc < 0 ? rc : 0;
}

int member_holder_clear(struct db *db, int64_t person, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
			    "UPDATE person SET holder_unit_id = NULL"
			    " WHERE id = ? AND holder_unit_id IS NOT NULL",
			    &st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, person);
		rc = db_step(st, e);
		db_finalize(st);
	}
	return rc < 0 ? rc : 0;
}

int member_holder_keep(struct db *db, int64_t person, int64_t unit, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db,
			    "UPDATE person SET holder_unit_id = ? WHERE id = ? AND NOT EXISTS"
			    " (SELECT 1 FROM membership m WHERE m.person_id = ?)",
			    &st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, unit);
		db_bind_int64(st, 2, person);
		db_bind_int64(st, 3, person);
		rc = db_step(st, e);
		db_finalize(st);
	}
	return rc < 0 ? rc : 0;
}

static int citizen_id_free(struct cx *cx, const char *cid, int64_t self,
			   struct err *e)
{
	int64_t other = 0;
	int rc;
	if (!cid || !cid[0]) {
		return 0;
	}
	rc = member_person_find(cx, cid, &other, e);
	if (rc == 0 && other != self) {
		return err_set(e, ERR_CONFLICT, "citizen_id",
			       "citizen ID %s belongs to another person (#%lld)", cid,
			       (long long)other);
	}
	if (rc && e->code != ERR_NOT_FOUND) {
		return rc;
	}
	err_clear(e);
	return 0;
}

/* The unit that holds a new person's record: the one asked for (a unit
 * of today, inside the actor's write scope), else the actor's own unit,
 * else (the system) the root of today's structure. */
static int holder_for_new(struct cx *cx, int64_t asked, int64_t *holder, struct err *e)
{
	struct org_tree *t;
	int rc, found;
	*holder = asked ? asked : cx->actor.unit_id;
	if (asked < 0) {
		return err_set(e, ERR_INVALID, "unit_id", "unit_id is a unit's id");
	}
	if (*holder && !asked) {
		return 0;
	}
	if ((rc = org_tree_get(cx, NULL, &t, e))) {
		return rc;
	}
	if (!asked) {
		*holder = t->n > 0 ? t->nodes[0].id : 0;
		org_tree_release(t);
		return 0;
	}
	found = org_tree_find(t, asked) >= 0;
	org_tree_release(t);
	if (!found) {
		return err_set(e, ERR_INVALID, "unit_id", "no unit with id %lld exists today",
			       (long long)asked);
	}
	return member_may_write(cx, asked, e);
}

int member_person_create(struct cx *cx, const struct member_record *r, int64_t holder_unit,
			 int64_t *id, json_t **out, struct err *e)
{
	struct member_person_clean c;
	struct db_stmt *st;
	char today[11], oid[24];
	int64_t new_id = 0, holder = 0;
	int rc;
	if (out) {
		*out = NULL;
	}
	if ((rc = member_may_write(cx, 0, e)) || (rc = holder_for_new(cx, holder_unit, &holder, e))) {
		return rc;
	}
	member_today(cx, today);
	if ((rc = member_person_clean(r, 0, today, &c, e))) {
		return rc;
	}
	if ((rc = citizen_id_free(cx, c.f[MF_CITIZEN_ID], 0, e)) || (rc = db_begin(cx->db, e))) {
		member_person_clean_free(&c);
		return rc;
	}
	rc = db_prepare(cx->db,
			"INSERT INTO person(citizen_id, full_name, gender, birth_date,"
			" ethnicity, religion, hometown, hometown_new, residence, phone,"
			" email, name_fold, created_ms, updated_ms, holder_unit_id)"
			" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
			&st, e);
	if (rc == 0) {
		bind_person(st, &c);
		db_bind_int64(st, 13, cx->now_ms);
		db_bind_int64(st, 14, cx->now_ms);
		if (holder) {
			db_bind_int64(st, 15, holder);
		} else {
			db_bind_null(st, 15);
		}
		if ((rc = db_step(st, e)) == DB_ROW) {
			new_id = db_col_int64(st, 0);
			rc = 0;
		} else if (rc == DB_DONE) {
			rc = err_set(e, ERR_INTERNAL, "", "insert returned no id");
		}
		db_finalize(st);
	}
	if (rc == 0) {
		rc = member_key_move(cx, new_id, NULL, c.f[MF_CITIZEN_ID], e);
	}
	if (rc == 0) {
		json_t *change = person_change(&c);
		snprintf(oid, sizeof oid, "%lld", (long long)new_id);
		rc = audit_append(cx, "person.create", "person", oid, holder, change, e);
		json_decref(change);
	}
	member_person_clean_free(&c);
	if (rc == 0) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
	}
	if (rc) {
		if (e->code == ERR_CONFLICT && !e->field[0]) {
			snprintf(e->field, sizeof e->field, "citizen_id");
		}
		return rc;
	}
	if (id) {
		*id = new_id;
	}
	if (out) {
		rc = person_row(cx, new_id, out, e);
		if (rc == 0) {
			json_object_set_new(*out, "memberships", json_array());
		}
	}
	return rc;
}

/* Copy the stored person fields into c where the update leaves them. */
static int person_merge(json_t *cur, struct member_person_clean *c,
			json_t *change, int *stats_changed, struct err *e)
{
	for (int f = 0; f <= MF_PERSON_LAST; f++) {
		const char *old = json_string_value(json_object_get(cur, member_field_names[f]));
		if (!old) {
			old = "";
		}
		if (!c->f[f]) {
			c->f[f] = strdup(old);
			if (!c->f[f]) {
				return err_set(e, ERR_INTERNAL, "", "out of memory");
			}
		} else if (strcmp(old, c->f[f]) != 0) {
			json_object_set_new(change, member_field_names[f],
					    json_pack("[ss]", old, c->f[f]));
			*stats_changed |= f == MF_GENDER || f == MF_BIRTH_DATE || f == MF_ETHNICITY;
		}
	}
	if (!c->fold) {
		c->fold = utf8_fold(c->f[MF_FULL_NAME]);
	}
	return c->fold ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
}

int member_person_update(struct cx *cx, int64_t id, int64_t rev,
			 const struct member_record *r, json_t **out,
			 struct err *e)
{
	int64_t ids[PERSON_MAX_MEMBERSHIPS], units[PERSON_MAX_MEMBERSHIPS];
	struct member_person_clean c;
	json_t *cur = NULL, *change = NULL;
	struct db_stmt *st;
	char today[11], oid[24];
	int n, rc, stats_changed = 0;
	if (out) {
		*out = NULL;
	}
	if ((rc = person_row(cx, id, &cur, e)) ||
	    (rc = person_memberships(cx, id, ids, units, PERSON_MAX_MEMBERSHIPS, &n, e)) ||
	    (rc = person_may(cx, cur, units, n, 1, e))) {
		json_decref(cur);
		return rc;
	}
	if (rev && rev != json_integer_value(json_object_get(cur, "rev"))) {
		json_decref(cur);
		return err_set(e, ERR_CONFLICT, "rev", "the record changed since revision %lld; "
			       "reload it", (long long)rev);
	}
	member_today(cx, today);
	if ((rc = member_person_clean(r, 1, today, &c, e))) {
		json_decref(cur);
		return rc;
	}
	change = json_object();
	if ((rc = person_merge(cur, &c, change, &stats_changed, e)) ||
	    (rc = citizen_id_free(cx, c.f[MF_CITIZEN_ID], id, e)) || (rc = db_begin(cx->db, e))) {
		goto done;
	}
	rc = stats_changed ? member_log_person(cx->db, id, e) : 0;
	rc = rc ? rc : db_prepare(cx->db,
			"UPDATE person SET citizen_id = ?, full_name = ?, gender = ?,"
			" birth_date = ?, ethnicity = ?, religion = ?, hometown = ?,"
			" hometown_new = ?, residence = ?, phone = ?, email = ?,"
			" name_fold = ?, updated_ms = ?, rev = rev + 1"
			" WHERE id = ? AND rev = ? RETURNING rev",
			&st, e);
	if (rc == 0) {
		bind_person(st, &c);
		db_bind_int64(st, 13, cx->now_ms);
		db_bind_int64(st, 14, id);
		db_bind_int64(st, 15, json_integer_value(json_object_get(cur, "rev")));
		rc = db_step(st, e);
		db_finalize(st);
		rc = rc == DB_ROW ? 0
		     : rc < 0	  ? rc
				  : err_set(e, ERR_CONFLICT, "rev",
					    "the record changed meanwhile; reload it");
	}
	if (rc == 0) {
		rc = member_key_move(cx, id, json_string_value(json_object_get(cur, "citizen_id")),
				     c.f[MF_CITIZEN_ID], e);
	}
	if (rc == 0) {
		snprintf(oid, sizeof oid, "%lld", (long long)id);
		rc = audit_append(cx, "person.update", "person", oid, n ? units[0] : 0, change, e);
	}
	if (rc == 0 && stats_changed) {
		rc = member_gen_bump(cx->db, e);
	}
	for (int i = 0; i < n && rc == 0; i++) {
		rc = member_quality_refresh(cx, ids[i], NULL, e);
	}
	if (rc == 0) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
	}
	if (rc == 0 && out) {
		rc = person_row(cx, id, out, e);
		if (rc == 0) {
			json_t *ms = json_array();
			for (int i = 0; i < n && rc == 0; i++) {
				json_t *m = NULL;
				if ((rc = member_membership_json(cx, ids[i], &m, e)) == 0) {
					json_array_append_new(ms, m);
				}
			}
			json_object_set_new(*out, "memberships", ms);
		}
	}
done:
	if (rc && e->code == ERR_CONFLICT && !e->field[0]) {
		snprintf(e->field, sizeof e->field, "citizen_id");
	}
	member_person_clean_free(&c);
	json_decref(change);
	json_decref(cur);
	return rc;
}
