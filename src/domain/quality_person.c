/*
 * quality_person.c — the data-quality verdict of one person's record
 * (quality.h quality_person): the stored findings of each of their
 * memberships, counted exactly as the unit figures count them
 * (quality_stats.c: only rules enabled now, with the severity they have
 * now; a membership counts while it has not ended; it is clean when it has
 * no finding of severity error).  Reads person, membership, quality_issue
 * and quality_rule; never writes and never evaluates rules (quality.c does,
 * whenever a record changes).
 */
#include <string.h>

#include "base/date.h"
#include "domain/member.h"
#include "domain/org.h"
#include "domain/quality.h"

#define PERSON_MEMBERSHIPS_MAX 32

struct pm {
	int64_t id, unit;
	char org[32];
	int counted, errors;
};

/* Where a clerk corrects a field: the person's details, the card number,
 * a transfer (the unit), or the membership's history (dates, org). */
static const char *fix_of(const char *field)
{
	static const char *const person_fields[] = {
		"citizen_id", "full_name", "gender", "birth_date", "ethnicity", "religion",
		"hometown", "hometown_new", "residence", "phone", "email", NULL};
	for (int i = 0; person_fields[i]; i++) {
		if (strcmp(field, person_fields[i]) == 0) {
			return "person";
		}
	}
	if (strcmp(field, "number") == 0) {
		return "number";
	}
	if (strcmp(field, "unit_code") == 0) {
		return "transfer";
	}
	return "history";
}

/* The person's memberships and the unit holding the record while there
 * are none (ERR_NOT_FOUND "id" when there is no person). */
static int load_memberships(struct cx *cx, int64_t person, struct pm *m, int *n,
			    int64_t *holder, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT p.id, m.id, m.unit_id, m.org, m.ended, p.holder_unit_id"
			    " FROM person p"
			    " LEFT JOIN membership m ON m.person_id = p.id WHERE p.id = ?"
			    " ORDER BY m.joined, m.id",
			    &st, e), found = 0;
	*n = 0;
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, person);
	*holder = 0;
	while ((rc = db_step(st, e)) == DB_ROW) {
		found = 1;
		*holder = db_col_is_null(st, 5) ? 0 : db_col_int64(st, 5);
		if (db_col_is_null(st, 1) || *n >= PERSON_MEMBERSHIPS_MAX) {
			continue;
		}
		m[*n].id = db_col_int64(st, 1);
		m[*n].unit = db_col_int64(st, 2);
		snprintf(m[*n].org, sizeof m[*n].org, "%s", db_col_text(st, 3));
		m[*n].counted = strcmp(db_col_text(st, 4), DATE_OPEN) == 0;
		m[*n].errors = 0;
		(*n)++;
	}
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "id", "no person %lld", (long long)person);
}

/* The same rule as member_person_get (member_person_may). */
static int may_read(struct cx *cx, const struct pm *m, int n, int64_t holder, struct err *e)
{
	int64_t units[PERSON_MEMBERSHIPS_MAX];
	for (int i = 0; i < n; i++) {
		units[i] = m[i].unit;
	}
	return member_person_may(cx, units, n, holder, 0, e);
}

static struct pm *find_pm(struct pm *m, int n, int64_t id)
{
	for (int i = 0; i < n; i++) {
		if (m[i].id == id) {
			return &m[i];
		}
	}
	return NULL;
}

int quality_person(struct cx *cx, int64_t person_id, json_t **out, struct err *e)
{
	struct pm m[PERSON_MEMBERSHIPS_MAX];
	struct db_stmt *st;
	json_t *problems, *ms;
	int n, rc, records = 0, clean = 0;
	int64_t errors = 0, warnings = 0, holder;
	*out = NULL;
	if ((rc = load_memberships(cx, person_id, m, &n, &holder, e)) ||
	    (rc = may_read(cx, m, n, holder, e))) {
		return rc;
	}
	rc = db_prepare(cx->db,
			"SELECT q.membership_id, q.rule_code, r.field, r.severity, r.message_vi,"
			" r.message_en, q.detail FROM quality_issue q JOIN quality_rule r ON"
			" r.code = q.rule_code AND r.enabled <> 0 JOIN membership m ON"
			" m.id = q.membership_id WHERE m.person_id = ? ORDER BY m.joined,"
			" q.membership_id, CASE WHEN r.severity = 'error' THEN 0 ELSE 1 END,"
			" q.rule_code",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, person_id);
	problems = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct pm *p = find_pm(m, n, db_col_int64(st, 0));
		const char *sev = db_col_text(st, 3);
		int is_error = strcmp(sev, "error") == 0;
		const char *vi = db_col_text(st, 4), *en = db_col_text(st, 5);
		if (!p) {
			continue;
		}
		p->errors += is_error;
		if (p->counted) {
			errors += is_error;
			warnings += !is_error;
		}
		json_array_append_new(
			problems,
			json_pack("{sI ss ss ss ss ss ss ss ss ss sb}", "membership_id",
				  (json_int_t)p->id, "org", p->org, "rule", db_col_text(st, 1),
				  "field", db_col_text(st, 2), "severity", sev, "message",
				  cx->lang && strcmp(cx->lang, "vi") == 0 ? vi : en, "message_vi",
				  vi, "message_en", en, "detail", db_col_text(st, 6), "fix",
				  fix_of(db_col_text(st, 2)), "counted", p->counted));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(problems);
		return rc;
	}
	ms = json_array();
	for (int i = 0; i < n; i++) {
		char code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1] = "";
		org_unit_label(cx, m[i].unit, code, name, e);
		err_clear(e);
		records += m[i].counted;
		clean += m[i].counted && m[i].errors == 0;
		json_array_append_new(
			ms, json_pack("{sI ss s{sI ss ss} sb sb}", "membership_id", (json_int_t)m[i].id,
				      "org", m[i].org, "unit", "id", (json_int_t)m[i].unit, "code",
				      code, "name", name, "counted", m[i].counted, "ok",
				      m[i].errors == 0));
	}
	*out = json_pack("{sI sb si si sI sI so so}", "person_id", (json_int_t)person_id, "ok",
			 clean == records, "records", records, "clean", clean, "errors",
			 (json_int_t)errors, "warnings", (json_int_t)warnings, "memberships", ms,
			 "problems", problems);
	return *out ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
}
