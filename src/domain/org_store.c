/*
 * org_store.c — the write primitives of the org tables (see org_store.h):
 * each touches one row or one unit's children, inside the caller's
 * transaction.  Never decides whether an event is allowed; org_reorg.c does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/auth.h"
#include "domain/org_store.h"

int org_kind_level(struct db *db, const char *kind, int *level, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, "SELECT level FROM unit_kind WHERE code = ?", &st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, kind);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*level = (int)db_col_int64(st, 0);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_INVALID, "kind", "unknown kind of unit: %.60s", kind);
	}
	db_finalize(st);
	return rc;
}

int org_store_load_cur(struct cx *cx, int64_t unit_id, const char *field,
		    struct cur *c, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT v.id, v.parent_id, v.level, v.name, v.valid_from,"
			    " v.valid_to, u.code, u.kind, u.rev FROM unit u"
			    " JOIN unit_version v ON v.unit_id = u.id WHERE u.id = ?"
			    " ORDER BY v.valid_from DESC LIMIT 1",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, unit_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		c->unit_id = unit_id;
		c->version_id = db_col_int64(st, 0);
		c->parent_id = db_col_is_null(st, 1) ? 0 : db_col_int64(st, 1);
		c->level = (int)db_col_int64(st, 2);
		snprintf(c->name, sizeof c->name, "%s", db_col_text(st, 3));
		snprintf(c->valid_from, sizeof c->valid_from, "%s", db_col_text(st, 4));
		snprintf(c->valid_to, sizeof c->valid_to, "%s", db_col_text(st, 5));
		snprintf(c->code, sizeof c->code, "%s", db_col_text(st, 6));
		snprintf(c->kind, sizeof c->kind, "%s", db_col_text(st, 7));
		c->rev = db_col_int64(st, 8);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, field, "no unit with id %lld", (long long)unit_id);
	}
	db_finalize(st);
	return rc;
}

/* The unit must be alive and its last change strictly before `date`. */
int org_store_check_alive_after(const struct cur *c, const char *date,
			     const char *field, struct err *e)
{
	if (strcmp(c->valid_to, DATE_OPEN) != 0) {
		return err_set(e, ERR_INVALID, field,
			       "%s (%s) was dissolved or merged away on %s",
			       c->code, c->name, c->valid_to);
	}
	if (strcmp(date, c->valid_from) <= 0) {
		return err_set(e, ERR_INVALID, "date",
			       "%s must be after the last change of %s on %s",
			       date, c->code, c->valid_from);
	}
	return 0;
}

/* Lock the unit row and bump its revision; ERR_CONFLICT when expected_rev
 * (0 = any) is not current. */
int org_store_bump_rev(struct cx *cx, int64_t unit_id, int64_t expected_rev,
		    const char *field, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "UPDATE unit SET rev = rev + 1 WHERE id = ?"
			    " AND (CAST(? AS BIGINT) = 0 OR rev = ?) RETURNING rev",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, unit_id);
	db_bind_int64(st, 2, expected_rev);
	db_bind_int64(st, 3, expected_rev);
	rc = db_step(st, e);
	db_finalize(st);
	if (rc == DB_DONE) {
		return err_set(e, ERR_CONFLICT, field,
			       "unit %lld was changed by someone else (expected revision %lld); reload and try again",
			       (long long)unit_id, (long long)expected_rev);
	}
	return rc < 0 ? rc : 0;
}

int org_store_close_version(struct cx *cx, int64_t version_id, const char *date,
			 struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db, "UPDATE unit_version SET valid_to = ? WHERE id = ?", &st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, date);
	db_bind_int64(st, 2, version_id);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int org_store_open_version(struct cx *cx, int64_t unit_id, int64_t parent_id,
			const char *name, int level, const char *date,
			int64_t event_id, struct err *e)
{
	struct db_stmt *st;
	char *fold = utf8_fold(name);
	int rc;
	if (!fold) {
		return err_set(e, ERR_BAD_REQUEST, "name", "name is not valid UTF-8");
	}
	rc = db_prepare(cx->db,
			"INSERT INTO unit_version(unit_id, parent_id, name, name_fold,"
			" level, valid_from, event_id) VALUES (?,?,?,?,?,?,?)",
			&st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, unit_id);
		if (parent_id) {
			db_bind_int64(st, 2, parent_id);
		} else {
			db_bind_null(st, 2);
		}
		db_bind_text(st, 3, name);
		db_bind_text(st, 4, fold);
		db_bind_int64(st, 5, level);
		db_bind_text(st, 6, date);
		if (event_id) {
			db_bind_int64(st, 7, event_id);
		} else {
			db_bind_null(st, 7);
		}
		rc = db_step(st, e);
		rc = rc < 0 ? rc : 0;
		db_finalize(st);
	}
	free(fold);
	return rc;
}

int org_store_event_unit(struct cx *cx, int64_t event_id, int64_t unit_id,
		      const char *role, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "INSERT INTO reorg_event_unit(event_id, unit_id, role) VALUES (?,?,?)",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, event_id);
	db_bind_int64(st, 2, unit_id);
	db_bind_text(st, 3, role);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int org_store_link_units(struct cx *cx, int64_t event_id, int64_t from, int64_t to,
		      double share, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "INSERT INTO reorg_link(event_id, from_unit, to_unit, share) VALUES (?,?,?,?)",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, event_id);
	db_bind_int64(st, 2, from);
	db_bind_int64(st, 3, to);
	if (share >= 0) {
		db_bind_double(st, 4, share);
	} else {
		db_bind_null(st, 4);
	}
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Parent of a unit as of date (0 for a root); ERR_NOT_FOUND when the unit
 * does not exist on that date. */
int org_store_parent_as_of(struct cx *cx, int64_t unit_id, const char *date,
			int64_t *parent, int *level, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT parent_id, level FROM unit_version WHERE unit_id = ?"
			    " AND valid_from <= ? AND valid_to > ?",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, unit_id);
	db_bind_text(st, 2, date);
	db_bind_text(st, 3, date);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*parent = db_col_is_null(st, 0) ? 0 : db_col_int64(st, 0);
		if (level) {
			*level = (int)db_col_int64(st, 1);
		}
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = -ERR_NOT_FOUND;
	}
	db_finalize(st);
	return rc;
}

/* A parent must exist on the date; fills its level. */
int org_store_check_parent(struct cx *cx, int64_t parent, const char *date,
			const char *field, int *level, struct err *e)
{
	int64_t grand;
	int rc;
	if (parent <= 0) {
		return err_set(e, ERR_INVALID, field, "a parent unit is required");
	}
	rc = org_store_parent_as_of(cx, parent, date, &grand, level, e);
	if (rc == -ERR_NOT_FOUND) {
		return err_set(e, ERR_INVALID, field,
			       "the parent unit %lld does not exist on %s",
			       (long long)parent, date);
	}
	return rc;
}

/* Is `anc` the unit itself or one of the ancestors of `unit` on date? */
int org_store_is_ancestor_or_self(struct cx *cx, int64_t anc, int64_t unit,
			       const char *date, struct err *e)
{
	for (int guard = 0; unit && guard < 1000; guard++) {
		int64_t p;
		int rc;
		if (unit == anc) {
			return 1;
		}
		rc = org_store_parent_as_of(cx, unit, date, &p, NULL, e);
		if (rc == -ERR_NOT_FOUND) {
			return 0;
		}
		if (rc) {
			return rc;
		}
		unit = p;
	}
	return 0;
}

/* The children of a unit on date, as a malloc'ed array (caller frees). */
int org_store_children_on(struct cx *cx, int64_t unit_id, const char *date,
		       int64_t **out, int *n, struct err *e)
{
	struct db_stmt *st;
	int cap = 0, rc;
	*out = NULL;
	*n = 0;
	rc = db_prepare(cx->db,
			"SELECT unit_id FROM unit_version WHERE parent_id = ?"
			" AND valid_from <= ? AND valid_to > ? ORDER BY unit_id",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, unit_id);
	db_bind_text(st, 2, date);
	db_bind_text(st, 3, date);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == cap) {
			int64_t *nn;
			cap = cap ? cap * 2 : 16;
			nn = realloc(*out, (size_t)cap * sizeof *nn);
			if (!nn) {
				rc = err_set(e, ERR_INTERNAL, "", "out of memory");
				break;
			}
			*out = nn;
		}
		(*out)[(*n)++] = db_col_int64(st, 0);
	}
	db_finalize(st);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return rc;
	}
	return 0;
}

/* Re-parent one child on date (a new version, same name and level). */
int org_store_reparent(struct cx *cx, int64_t child, int64_t new_parent,
		    const char *date, int64_t event_id, struct err *e)
{
	struct cur c;
	int rc;
	if ((rc = org_store_load_cur(cx, child, "unit", &c, e))) {
		return rc;
	}
	if (strcmp(date, c.valid_from) <= 0) {
		return err_set(e, ERR_INVALID, "date",
			       "%s has a change on or after %s (%s); record events in date order",
			       c.code, date, c.valid_from);
	}
	if ((rc = org_store_bump_rev(cx, child, 0, "unit", e)) || (rc = org_store_close_version(cx, c.version_id, date, e)) ||
	    (rc = org_store_open_version(cx, child, new_parent, c.name, c.level, date, event_id, e)) ||
	    (rc = org_store_event_unit(cx, event_id, child, "moved", e))) {
		return rc;
	}
	return 0;
}

int org_store_move_children(struct cx *cx, int64_t from, int64_t to,
			 const char *date, int64_t event_id, struct err *e)
{
	int64_t *kids;
	int n, rc = org_store_children_on(cx, from, date, &kids, &n, e);
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = org_store_reparent(cx, kids[i], to, date, event_id, e);
	}
	free(kids);
	return rc;
}

int org_store_code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 1 || n > ORG_CODE_MAX) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)code[i];
		if (!(isalnum(c) || c == '.' || c == '_' || c == '-')) {
			return 0;
		}
	}
	return 1;
}

/* Create a unit with its first version; *id receives it. */
int org_store_create_unit(struct cx *cx, const struct reorg_new_unit *nu,
		       int64_t parent, const char *date, int64_t event_id,
		       const char *field, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	char *name;
	int level, parent_level = 0, rc;
	char f[64];
	snprintf(f, sizeof f, "%s%scode", field, *field ? "." : "");
	if (!org_store_code_valid(nu->code)) {
		return err_set(e, ERR_INVALID, f,
			       "code must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_' or '-'",
			       ORG_CODE_MAX);
	}
	snprintf(f, sizeof f, "%s%skind", field, *field ? "." : "");
	if (!nu->kind) {
		return err_set(e, ERR_INVALID, f, "kind is required");
	}
	if ((rc = org_kind_level(cx->db, nu->kind, &level, e))) {
		snprintf(e->field, sizeof e->field, "%s", f);
		return rc;
	}
	if (parent) {
		snprintf(f, sizeof f, "%s%sparent", field, *field ? "." : "");
		if ((rc = org_store_check_parent(cx, parent, date, f, &parent_level, e))) {
			return rc;
		}
		if ((rc = auth_may(cx, ACT_REORG, parent, e))) {
			return rc;
		}
	}
	if (level < 0) {
		level = parent_level;
	}
	snprintf(f, sizeof f, "%s%sname", field, *field ? "." : "");
	name = utf8_clean_name(nu->name, ORG_NAME_MAX, f, e);
	if (!name) {
		return -(int)e->code;
	}
	rc = db_prepare(cx->db,
			"INSERT INTO unit(code, kind, rev, created_ms) VALUES (?,?,1,?) RETURNING id",
			&st, e);
	if (rc == 0) {
		db_bind_text(st, 1, nu->code);
		db_bind_text(st, 2, nu->kind);
		db_bind_int64(st, 3, cx->now_ms);
		rc = db_step(st, e);
		if (rc == DB_ROW) {
			*id = db_col_int64(st, 0);
			rc = 0;
		} else if (rc < 0 && e->code == ERR_CONFLICT) {
			snprintf(f, sizeof f, "%s%scode", field, *field ? "." : "");
			rc = err_set(e, ERR_CONFLICT, f, "the code %s is taken", nu->code);
		} else if (rc >= 0) {
			rc = err_set(e, ERR_INTERNAL, "", "insert returned no id");
		}
		db_finalize(st);
	}
	if (rc == 0) {
		rc = org_store_open_version(cx, *id, parent, name, level, date, event_id, e);
	}
	if (rc == 0) {
		rc = org_store_event_unit(cx, event_id, *id, "created", e);
	}
	free(name);
	return rc;
}

