/*
 * doc_config.c — the configuration of document numbering: organization
 * policies (doc_org), type catalogues (doc_type), issuers (doc_issuer),
 * committee terms (doc_term); and the shared helpers of doc_internal.h
 * (permissions, write transactions, user and unit labels, dates).  Must
 * never format or split a symbol itself (docnum.c does) and never touch
 * another module's tables.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/doc_internal.h"
#include "domain/org.h"
#include "domain/user.h"

/* Vietnam is UTC+7 all year: a document dated "today" at 06:00 in Hà Nội
 * carries Hà Nội's date, not London's. */
#define VN_OFFSET_MS (7LL * 3600 * 1000)

void doc_today(const struct cx *cx, char out[11])
{
	int64_t ms = (cx->now_ms ? cx->now_ms : time_now_ms()) + VN_OFFSET_MS;
	int64_t days = ms / 86400000LL;
	date_format(date_from_days(days), out);
}

static pthread_mutex_t sqlite_writers = PTHREAD_MUTEX_INITIALIZER;

int doc_tx_begin(struct cx *cx, struct err *e)
{
	int lock = db_kind(cx->db) == DB_SQLITE && cx->db->tx_depth == 0;
	int rc;
	if (lock) {
		pthread_mutex_lock(&sqlite_writers);
	}
	rc = db_begin(cx->db, e);
	if (rc && lock) {
		pthread_mutex_unlock(&sqlite_writers);
	}
	return rc;
}

int doc_tx_end(struct cx *cx, int rc, struct err *e)
{
	int unlock = db_kind(cx->db) == DB_SQLITE && cx->db->tx_depth == 1;
	if (rc == 0) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
	}
	if (unlock) {
		pthread_mutex_unlock(&sqlite_writers);
	}
	return rc;
}

int doc_may(struct cx *cx, enum doc_right r, int64_t unit_id, struct err *e)
{
	int rc;
	switch (r) {
	case DOC_READ:
		return auth_may(cx, ACT_READ, unit_id, e);
	case DOC_WRITE:
		return auth_may(cx, ACT_DOC_WRITE, unit_id, e);
	case DOC_SIGN:
		return auth_may(cx, ACT_SIGN, unit_id, e);
	case DOC_CONFIG:
		/* Numbering configuration: managers and administrators (auth.h
		 * has no action of its own for it). */
		if ((rc = auth_may(cx, ACT_DOC_WRITE, unit_id, e)) || cx->actor.system) {
			return rc;
		}
		if (strcmp(cx->actor.role, "manager") != 0 &&
		    strcmp(cx->actor.role, "admin") != 0) {
			return err_set(e, ERR_FORBIDDEN, "",
				       "the role %s may not configure document numbering",
				       cx->actor.role);
		}
		return 0;
	}
	return err_set(e, ERR_INTERNAL, "", "unknown document right");
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int doc_user_get(struct cx *cx, int64_t user_id, struct doc_user *u,
		 struct err *e)
{
	struct cx sys = *cx;
	json_t *j = NULL;
	int rc;
	memset(u, 0, sizeof *u);
	sys.actor.system = 1;
	sys.actor.must_change = 0;
	if ((rc = user_get(&sys, user_id, &j, e))) {
		return rc;
	}
	u->id = user_id;
	u->unit_id = json_integer_value(json_object_get(j, "unit_id"));
	snprintf(u->login, sizeof u->login, "%s", jstr(j, "login"));
	snprintf(u->name, sizeof u->name, "%s", jstr(j, "display_name"));
	snprintf(u->role, sizeof u->role, "%s", jstr(j, "role"));
	if (json_is_true(json_object_get(j, "disabled"))) {
		snprintf(u->role, sizeof u->role, "disabled");
	}
	json_decref(j);
	return 0;
}

json_t *doc_unit_json(struct cx *cx, int64_t unit_id)
{
	char code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1] = "";
	struct err ignored = ERR_INIT;
	if (unit_id <= 0) {
		return json_null();
	}
	org_unit_label(cx, unit_id, code, name, &ignored);
	return json_pack("{sI ss ss}", "id", (json_int_t)unit_id, "code", code,
			 "name", name);
}

/* Run one prepared write with a trailing audit entry, in a transaction.
 * bind fills the statement; the audit entry is (action, object id, unit). */
static int config_write(struct cx *cx, const char *sql,
			void (*bind)(struct db_stmt *, const void *),
			const void *arg, const char *action, const char *object,
			int64_t unit_id, json_t *change, struct err *e)
{
	struct db_stmt *st;
	int rc;
	if ((rc = doc_tx_begin(cx, e))) {
		json_decref(change);
		return rc;
	}
	rc = db_prepare(cx->db, sql, &st, e);
	if (rc == 0) {
		bind(st, arg);
		rc = db_step(st, e);
		rc = rc < 0 ? rc : 0;
		db_finalize(st);
	}
	if (rc == 0) {
		rc = audit_append(cx, action, "doc_config", object, unit_id, change, e);
	}
	json_decref(change);
	return doc_tx_end(cx, rc, e);
}

/* --- organization policies --- */

static void bind_org(struct db_stmt *st, const void *arg)
{
	const struct doc_org_policy *p = arg;
	db_bind_text(st, 1, p->org);
	db_bind_text(st, 2, p->style);
	db_bind_int64(st, 3, p->pad);
	db_bind_text(st, 4, p->reset);
	db_bind_int64(st, 5, p->secret_series ? 1 : 0);
}

static int org_name_valid(const char *org)
{
	size_t n = org ? strlen(org) : 0;
	if (n < 2 || n > 15) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(org[i] >= 'a' && org[i] <= 'z') && org[i] != '_') {
			return 0;
		}
	}
	return 1;
}

int doc_org_set(struct cx *cx, const struct doc_org_policy *p, struct err *e)
{
	enum docnum_style style;
	int rc;
	if (!cx->actor.system && strcmp(cx->actor.role, "admin") != 0) {
		return err_set(e, ERR_FORBIDDEN, "",
			       "only an administrator sets numbering policies");
	}
	if ((rc = auth_may(cx, ACT_READ, 0, e))) {
		return rc;
	}
	if (!org_name_valid(p->org)) {
		return err_set(e, ERR_INVALID, "org",
			       "an organization is 2..15 of a-z and _ (party, state…)");
	}
	if ((rc = docnum_style_parse(p->style, &style, "style", e))) {
		return rc;
	}
	if (p->pad < 1 || p->pad > 6) {
		return err_set(e, ERR_INVALID, "pad", "padding is 1 to 6 digits");
	}
	if (!p->reset || (strcmp(p->reset, "term") && strcmp(p->reset, "year") &&
			  strcmp(p->reset, "never"))) {
		return err_set(e, ERR_INVALID, "reset", "reset is term, year or never");
	}
	return config_write(
		cx,
		"INSERT INTO doc_org(org, style, pad, reset, secret_series)"
		" VALUES (?,?,?,?,?) ON CONFLICT (org) DO UPDATE SET"
		" style = excluded.style, pad = excluded.pad,"
		" reset = excluded.reset, secret_series = excluded.secret_series",
		bind_org, p, "doc.org_policy", p->org, 0,
		json_pack("{ss ss si ss sb}", "org", p->org, "style", p->style, "pad",
			  p->pad, "reset", p->reset, "secret_series", p->secret_series),
		e);
}

int doc_orgs(struct cx *cx, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;
	*out = NULL;
	if ((rc = auth_may(cx, ACT_READ, 0, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT org, style, pad, reset, secret_series FROM doc_org"
			     " ORDER BY org",
			     &st, e))) {
		return rc;
	}
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_array_append_new(
			*out, json_pack("{ss ss sI ss sb}", "org", db_col_text(st, 0),
					"style", db_col_text(st, 1), "pad",
					(json_int_t)db_col_int64(st, 2), "reset",
					db_col_text(st, 3), "secret_series",
					(int)db_col_int64(st, 4)));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int doc_policy_load(struct cx *cx, const char *org, const char *field,
		    struct doc_issuer_row *out, struct err *e)
{
	struct db_stmt *st;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = db_prepare(cx->db,
			     "SELECT style, pad, reset, secret_series FROM doc_org"
			     " WHERE org = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_text(st, 1, org ? org : "");
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(out->org, sizeof out->org, "%s", org);
		out->style = strcmp(db_col_text(st, 0), "party") == 0 ? DOCNUM_PARTY
								    : DOCNUM_STATE;
		out->pad = (int)db_col_int64(st, 1);
		snprintf(out->reset, sizeof out->reset, "%s", db_col_text(st, 2));
		out->secret_series = (int)db_col_int64(st, 3);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_INVALID, field, "no numbering policy for the "
			     "organization \"%.20s\"", org ? org : "");
	}
	db_finalize(st);
	return rc;
}

/* --- type catalogue --- */

static void type_from_row(struct db_stmt *st, struct doc_type_row *t)
{
	t->id = db_col_int64(st, 0);
	snprintf(t->org, sizeof t->org, "%s", db_col_text(st, 1));
	snprintf(t->code, sizeof t->code, "%s", db_col_text(st, 2));
	snprintf(t->symbol_code, sizeof t->symbol_code, "%s", db_col_text(st, 3));
	snprintf(t->series_group, sizeof t->series_group, "%s", db_col_text(st, 4));
	snprintf(t->name_vi, sizeof t->name_vi, "%s", db_col_text(st, 5));
	snprintf(t->name_en, sizeof t->name_en, "%s", db_col_text(st, 6));
}

#define TYPE_COLS "id, org, code, symbol_code, series_group, name_vi, name_en"

int doc_type_find(struct cx *cx, const char *org, const char *code,
		  struct doc_type_row *out, struct err *e)
{
	struct db_stmt *st;
	char *nfc;
	int rc;
	memset(out, 0, sizeof *out);
	if (!code || !*code) {
		return err_set(e, ERR_INVALID, "type", "a document type is required");
	}
	if (!(nfc = utf8_nfc(code))) {
		return err_set(e, ERR_BAD_REQUEST, "type", "the type is not valid UTF-8");
	}
	rc = db_prepare(cx->db,
			"SELECT " TYPE_COLS " FROM doc_type WHERE org = ? AND code = ?"
			" AND active = 1",
			&st, e);
	if (rc == 0) {
		db_bind_text(st, 1, org);
		db_bind_text(st, 2, nfc);
		rc = db_step(st, e);
		if (rc == DB_ROW) {
			type_from_row(st, out);
			rc = 0;
		} else if (rc == DB_DONE) {
			rc = err_set(e, ERR_INVALID, "type",
				     "the %s catalogue has no document type %.40s",
				     org, nfc);
		}
		db_finalize(st);
	}
	free(nfc);
	return rc;
}

int doc_type_load(struct cx *cx, int64_t id, struct doc_type_row *out,
		  struct err *e)
{
	struct db_stmt *st;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = db_prepare(cx->db, "SELECT " TYPE_COLS " FROM doc_type WHERE id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		type_from_row(st, out);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "type", "no document type %lld",
			     (long long)id);
	}
	db_finalize(st);
	return rc;
}

static void bind_type(struct db_stmt *st, const void *arg)
{
	const struct doc_type_new *t = arg;
	db_bind_text(st, 1, t->org);
	db_bind_text(st, 2, t->code);
	db_bind_text(st, 3, t->symbol_code);
	db_bind_text(st, 4, t->name_vi);
	db_bind_text(st, 5, t->name_en);
	db_bind_text(st, 6, t->series_group);
}

int doc_type_add(struct cx *cx, const struct doc_type_new *in, struct err *e)
{
	struct doc_type_new t = *in;
	struct doc_issuer_row pol;
	char *code = NULL, *sym = NULL, *vi = NULL, *en = NULL, *grp = NULL;
	int rc;
	if ((rc = doc_may(cx, DOC_CONFIG, 0, e)) ||
	    (rc = doc_policy_load(cx, t.org, "org", &pol, e))) {
		return rc;
	}
	code = t.code ? utf8_nfc(t.code) : NULL;
	sym = utf8_nfc(t.symbol_code ? t.symbol_code : t.code ? t.code : "");
	grp = utf8_nfc(t.series_group ? t.series_group : "");
	vi = utf8_clean_name(t.name_vi ? t.name_vi : "", DOC_NAME_MAX, "name_vi", e);
	en = vi ? utf8_clean_name(t.name_en && *t.name_en ? t.name_en : t.name_vi,
				  DOC_NAME_MAX, "name_en", e)
		: NULL;
	if (!vi || !en) {
		rc = -(int)e->code;
	} else if (!code || !sym || !grp) {
		rc = err_set(e, ERR_BAD_REQUEST, "code", "invalid UTF-8");
	} else if ((rc = docnum_check_type(code, 0, "code", e)) == 0 &&
		   (rc = docnum_check_type(sym, pol.style == DOCNUM_STATE,
					   "symbol_code", e)) == 0 &&
		   (!*grp || (rc = docnum_check_type(grp, 0, "series_group", e)) == 0)) {
		t.code = code;
		t.symbol_code = sym;
		t.series_group = grp;
		t.name_vi = vi;
		t.name_en = en;
		rc = config_write(
			cx,
			"INSERT INTO doc_type(org, code, symbol_code, name_vi, name_en,"
			" series_group) VALUES (?,?,?,?,?,?)",
			bind_type, &t, "doc.type_add", code, 0,
			json_pack("{ss ss ss ss ss ss}", "org", t.org, "code", code,
				  "symbol_code", sym, "name_vi", vi, "name_en", en,
				  "series_group", grp),
			e);
		if (rc < 0 && e->code == ERR_CONFLICT) {
			rc = err_set(e, ERR_CONFLICT, "code",
				     "the %s catalogue already has the type %s", t.org, code);
		}
	}
	free(code);
	free(sym);
	free(grp);
	free(vi);
	free(en);
	return rc;
}

int doc_types(struct cx *cx, const char *org, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;
	*out = NULL;
	if ((rc = auth_may(cx, ACT_READ, 0, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT " TYPE_COLS " FROM doc_type WHERE active = 1 AND"
			     " (CAST(? AS TEXT) IS NULL OR org = ?) ORDER BY org, id",
			     &st, e))) {
		return rc;
	}
	db_bind_text(st, 1, org);
	db_bind_text(st, 2, org);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct doc_type_row t;
		type_from_row(st, &t);
		json_array_append_new(
			*out, json_pack("{ss ss ss ss ss ss}", "org", t.org, "code",
					t.code, "symbol_code", t.symbol_code, "name_vi",
					t.name_vi, "name_en", t.name_en, "series_group",
					t.series_group));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* --- issuers --- */

static void bind_issuer(struct db_stmt *st, const void *arg)
{
	const struct doc_issuer_set *s = arg;
	db_bind_int64(st, 1, s->unit_id);
	db_bind_text(st, 2, s->org);
	db_bind_text(st, 3, s->symbol);
	if (s->term_unit_id > 0) {
		db_bind_int64(st, 4, s->term_unit_id);
	} else {
		db_bind_null(st, 4);
	}
}

int doc_issuer_set(struct cx *cx, const struct doc_issuer_set *in,
		   struct err *e)
{
	struct doc_issuer_set s = *in;
	struct doc_issuer_row pol;
	char code[ORG_CODE_MAX + 1], name[ORG_NAME_MAX * 4 + 1], *sym;
	int rc;
	if (s.unit_id <= 0 || org_unit_label(cx, s.unit_id, code, name, e)) {
		return err_set(e, ERR_INVALID, "unit_id", "no such unit");
	}
	if (s.term_unit_id < 0) {
		return err_set(e, ERR_INVALID, "term_unit_id",
			       "term_unit_id is a unit id, or 0 or null for none");
	}
	if (s.term_unit_id > 0 && org_unit_label(cx, s.term_unit_id, code, name, e)) {
		return err_set(e, ERR_INVALID, "term_unit_id", "no such unit");
	}
	if ((rc = doc_may(cx, DOC_CONFIG, s.unit_id, e)) ||
	    (rc = doc_policy_load(cx, s.org, "org", &pol, e))) {
		return rc;
	}
	if (!s.symbol || !(sym = utf8_nfc(s.symbol))) {
		return err_set(e, ERR_INVALID, "symbol", "an issuer abbreviation is required");
	}
	if ((rc = docnum_check_issuer(sym, "symbol", e)) == 0) {
		s.symbol = sym;
		org_unit_label(cx, s.unit_id, code, name, e);
		rc = config_write(
			cx,
			"INSERT INTO doc_issuer(unit_id, org, symbol, term_unit_id)"
			" VALUES (?,?,?,?) ON CONFLICT (unit_id) DO UPDATE SET"
			" org = excluded.org, symbol = excluded.symbol,"
			" term_unit_id = excluded.term_unit_id",
			bind_issuer, &s, "doc.issuer_set", code, s.unit_id,
			json_pack("{ss ss sI}", "org", s.org, "symbol", sym,
				  "term_unit_id", (json_int_t)s.term_unit_id),
			e);
	}
	free(sym);
	return rc;
}

int doc_issuer_load(struct cx *cx, int64_t unit_id, const char *field,
		    struct doc_issuer_row *out, struct err *e)
{
	struct db_stmt *st;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = db_prepare(cx->db,
			     "SELECT i.org, i.symbol, i.term_unit_id, o.style, o.pad,"
			     " o.reset, o.secret_series FROM doc_issuer i JOIN doc_org o"
			     " ON o.org = i.org WHERE i.unit_id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, unit_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		int64_t term_unit = db_col_int64(st, 2);
		snprintf(out->org, sizeof out->org, "%s", db_col_text(st, 0));
		snprintf(out->symbol, sizeof out->symbol, "%s", db_col_text(st, 1));
		out->unit_id = unit_id;
		out->term_unit_id = term_unit > 0 ? term_unit : unit_id;
		out->style = strcmp(db_col_text(st, 3), "party") == 0 ? DOCNUM_PARTY
								    : DOCNUM_STATE;
		out->pad = (int)db_col_int64(st, 4);
		snprintf(out->reset, sizeof out->reset, "%s", db_col_text(st, 5));
		out->secret_series = (int)db_col_int64(st, 6);
		rc = 0;
	} else if (rc == DB_DONE) {
		char code[ORG_CODE_MAX + 1] = "?", name[ORG_NAME_MAX * 4 + 1];
		struct err ignored = ERR_INIT;
		org_unit_label(cx, unit_id, code, name, &ignored);
		rc = err_set(e, ERR_INVALID, field,
			     "the unit %s does not issue documents yet (cadre doc "
			     "issuer --unit %s --org ORG --symbol ABBR)", code, code);
	}
	db_finalize(st);
	return rc;
}

int doc_issuers(struct cx *cx, json_t **out, struct err *e)
{
	struct db_stmt *st;
	int rc;
	*out = NULL;
	if ((rc = auth_may(cx, ACT_READ, 0, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT unit_id, org, symbol, term_unit_id FROM doc_issuer"
			     " ORDER BY unit_id",
			     &st, e))) {
		return rc;
	}
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct err ignored = ERR_INIT;
		int64_t u = db_col_int64(st, 0);
		json_t *o, *label;
		if (auth_may(cx, ACT_READ, u, &ignored)) {
			continue;
		}
		label = doc_unit_json(cx, u);
		/* term_unit_id: null when none (the issuer's own terms); 0
		 * and null are both accepted back by doc_issuer_set. */
		o = json_pack("{sI sO ss ss so}", "unit_id", (json_int_t)u, "unit",
			      label, "org", db_col_text(st, 1), "symbol",
			      db_col_text(st, 2), "term_unit_id",
			      db_col_int64(st, 3) > 0
				      ? json_integer(db_col_int64(st, 3))
				      : json_null());
		json_decref(label);
		json_array_append_new(*out, o);
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* --- committee terms --- */

struct term_args {
	int64_t unit_id;
	const char *name, *start;
};

static void bind_term(struct db_stmt *st, const void *arg)
{
	const struct term_args *t = arg;
	db_bind_int64(st, 1, t->unit_id);
	db_bind_text(st, 2, t->name);
	db_bind_text(st, 3, t->start);
}

int doc_term_add(struct cx *cx, int64_t unit_id, const char *name,
		 const char *start, int64_t *id, struct err *e)
{
	char code[ORG_CODE_MAX + 1], label[ORG_NAME_MAX * 4 + 1], *clean;
	struct term_args t;
	struct db_stmt *st;
	int rc;
	if (id) {
		*id = 0;
	}
	if (unit_id <= 0 || org_unit_label(cx, unit_id, code, label, e)) {
		return err_set(e, ERR_INVALID, "unit_id", "no such unit");
	}
	if ((rc = doc_may(cx, DOC_CONFIG, unit_id, e)) ||
	    (rc = date_check(start ? start : "", "start", e))) {
		return rc;
	}
	if (!(clean = utf8_clean_name(name && *name ? name : start, DOC_NAME_MAX,
				      "name", e))) {
		return -(int)e->code;
	}
	t.unit_id = unit_id;
	t.name = clean;
	t.start = start;
	rc = config_write(cx,
			  "INSERT INTO doc_term(unit_id, name, start_date) VALUES (?,?,?)",
			  bind_term, &t, "doc.term_add", code, unit_id,
			  json_pack("{ss ss}", "name", clean, "start_date", start), e);
	free(clean);
	if (rc < 0 && e->code == ERR_CONFLICT) {
		return err_set(e, ERR_CONFLICT, "start",
			       "%s already has a term starting on %s", code, start);
	}
	if (rc == 0 && id &&
	    db_prepare(cx->db,
		       "SELECT id FROM doc_term WHERE unit_id = ? AND start_date = ?",
		       &st, e) == 0) {
		db_bind_int64(st, 1, unit_id);
		db_bind_text(st, 2, start);
		if (db_step(st, e) == DB_ROW) {
			*id = db_col_int64(st, 0);
		}
		db_finalize(st);
	}
	return rc;
}

int doc_terms(struct cx *cx, int64_t unit_id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *prev = NULL;
	int rc;
	*out = NULL;
	if ((rc = auth_may(cx, ACT_READ, unit_id, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT id, name, start_date FROM doc_term WHERE unit_id = ?"
			     " ORDER BY start_date",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, unit_id);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *t = json_pack("{sI sI ss ss sn}", "id",
				      (json_int_t)db_col_int64(st, 0), "unit_id",
				      (json_int_t)unit_id, "name", db_col_text(st, 1),
				      "start_date", db_col_text(st, 2), "end_date");
		if (prev) {
			json_object_set_new(prev, "end_date",
					    json_string(db_col_text(st, 2)));
		}
		json_array_append_new(*out, t);
		prev = t;
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}
