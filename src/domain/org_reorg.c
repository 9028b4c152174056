/*
 * org_reorg.c — reorganization events: create, rename, move, merge, split,
 * dissolve.  Each event is one transaction that checks every rule and
 * permission, closes and opens unit versions on the effective date, records
 * the event, its units and lineage links, bumps org_gen and appends to the
 * audit chain.  A dry run is the same transaction rolled back.
 *
 * Concurrency: the first statement of the transaction bumps org_gen, which
 * serializes reorganizations on PostgreSQL (row lock) as BEGIN IMMEDIATE
 * does on SQLite; subject units are then bumped with
 * `UPDATE … WHERE rev = ?`, so a stale revision is a 409, never a lost edit.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org_internal.h"

/* The latest version of a unit and its identity. */
struct cur {
	int64_t unit_id, version_id, parent_id, rev;
	int level;
	char code[ORG_CODE_MAX + 1];
	char kind[64];
	char name[ORG_NAME_MAX * 4 + 1];
	char valid_from[11], valid_to[11];
};

static const char *const kind_names[] = {
	[REORG_CREATE] = "create", [REORG_RENAME] = "rename",
	[REORG_MOVE] = "move",	   [REORG_MERGE] = "merge",
	[REORG_SPLIT] = "split",   [REORG_DISSOLVE] = "dissolve",
};

int reorg_kind_parse(const char *s, enum reorg_kind *out, struct err *e)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
		if (s && strcmp(s, kind_names[i]) == 0) {
			*out = (enum reorg_kind)i;
			return 0;
		}
	}
	return err_set(e, ERR_INVALID, "kind",
		       "kind must be one of create, rename, move, merge, split, dissolve");
}

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

static int load_cur(struct cx *cx, int64_t unit_id, const char *field,
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
static int check_alive_after(const struct cur *c, const char *date,
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
static int bump_rev(struct cx *cx, int64_t unit_id, int64_t expected_rev,
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

static int close_version(struct cx *cx, int64_t version_id, const char *date,
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

static int open_version(struct cx *cx, int64_t unit_id, int64_t parent_id,
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

static int event_unit(struct cx *cx, int64_t event_id, int64_t unit_id,
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

static int link_units(struct cx *cx, int64_t event_id, int64_t from, int64_t to,
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
static int parent_as_of(struct cx *cx, int64_t unit_id, const char *date,
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
static int check_parent(struct cx *cx, int64_t parent, const char *date,
			const char *field, int *level, struct err *e)
{
	int64_t grand;
	int rc;
	if (parent <= 0) {
		return err_set(e, ERR_INVALID, field, "a parent unit is required");
	}
	rc = parent_as_of(cx, parent, date, &grand, level, e);
	if (rc == -ERR_NOT_FOUND) {
		return err_set(e, ERR_INVALID, field,
			       "the parent unit %lld does not exist on %s",
			       (long long)parent, date);
	}
	return rc;
}

/* Is `anc` the unit itself or one of the ancestors of `unit` on date? */
static int is_ancestor_or_self(struct cx *cx, int64_t anc, int64_t unit,
			       const char *date, struct err *e)
{
	for (int guard = 0; unit && guard < 1000; guard++) {
		int64_t p;
		int rc;
		if (unit == anc) {
			return 1;
		}
		rc = parent_as_of(cx, unit, date, &p, NULL, e);
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
static int children_on(struct cx *cx, int64_t unit_id, const char *date,
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
static int reparent(struct cx *cx, int64_t child, int64_t new_parent,
		    const char *date, int64_t event_id, struct err *e)
{
	struct cur c;
	int rc;
	if ((rc = load_cur(cx, child, "unit", &c, e))) {
		return rc;
	}
	if (strcmp(date, c.valid_from) <= 0) {
		return err_set(e, ERR_INVALID, "date",
			       "%s has a change on or after %s (%s); record events in date order",
			       c.code, date, c.valid_from);
	}
	if ((rc = bump_rev(cx, child, 0, "unit", e)) || (rc = close_version(cx, c.version_id, date, e)) ||
	    (rc = open_version(cx, child, new_parent, c.name, c.level, date, event_id, e)) ||
	    (rc = event_unit(cx, event_id, child, "moved", e))) {
		return rc;
	}
	return 0;
}

static int move_children(struct cx *cx, int64_t from, int64_t to,
			 const char *date, int64_t event_id, struct err *e)
{
	int64_t *kids;
	int n, rc = children_on(cx, from, date, &kids, &n, e);
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = reparent(cx, kids[i], to, date, event_id, e);
	}
	free(kids);
	return rc;
}

static int code_valid(const char *code)
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
static int create_unit(struct cx *cx, const struct reorg_new_unit *nu,
		       int64_t parent, const char *date, int64_t event_id,
		       const char *field, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	char *name;
	int level, parent_level = 0, rc;
	char f[64];
	snprintf(f, sizeof f, "%s%scode", field, *field ? "." : "");
	if (!code_valid(nu->code)) {
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
		if ((rc = check_parent(cx, parent, date, f, &parent_level, e))) {
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
		rc = open_version(cx, *id, parent, name, level, date, event_id, e);
	}
	if (rc == 0) {
		rc = event_unit(cx, event_id, *id, "created", e);
	}
	free(name);
	return rc;
}

static int insert_event(struct cx *cx, const struct reorg_req *r, int64_t *id,
			struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "INSERT INTO reorg_event(kind, date, decision, note, actor_id,"
			    " created_ms) VALUES (?,?,?,?,?,?) RETURNING id",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, kind_names[r->kind]);
	db_bind_text(st, 2, r->date);
	db_bind_text(st, 3, r->decision);
	db_bind_text(st, 4, r->note ? r->note : "");
	if (cx->actor.user_id) {
		db_bind_int64(st, 5, cx->actor.user_id);
	} else {
		db_bind_null(st, 5);
	}
	db_bind_int64(st, 6, cx->now_ms);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		rc = 0;
	} else if (rc >= 0) {
		rc = err_set(e, ERR_INTERNAL, "", "insert returned no id");
	}
	db_finalize(st);
	return rc;
}

/* Subject checks shared by rename, move, split, dissolve: permission, alive
 * after the date, revision. */
static int take_subject(struct cx *cx, int64_t unit, int64_t rev,
			const char *field, const char *date, struct cur *c,
			struct err *e)
{
	int rc;
	if (unit <= 0) {
		return err_set(e, ERR_INVALID, field, "%s is required", field);
	}
	if ((rc = load_cur(cx, unit, field, c, e)) || (rc = auth_may(cx, ACT_REORG, unit, e))) {
		return rc;
	}
	/* A stale revision is a conflict whatever else is wrong with it. */
	if (rev && rev != c->rev) {
		return err_set(e, ERR_CONFLICT, "rev",
			       "%s was changed by someone else (revision %lld, you have %lld); reload and try again",
			       c->code, (long long)c->rev, (long long)rev);
	}
	if ((rc = check_alive_after(c, date, field, e)) ||
	    (rc = bump_rev(cx, unit, rev, rev ? "rev" : field, e))) {
		return rc;
	}
	return 0;
}

static int apply_create(struct cx *cx, const struct reorg_req *r, int64_t ev,
			int64_t *focus, struct err *e)
{
	if (!r->created.parent && !r->parent) {
		return err_set(e, ERR_INVALID, "parent", "a parent unit is required");
	}
	return create_unit(cx, &r->created, r->created.parent ? r->created.parent : r->parent,
			   r->date, ev, "", focus, e);
}

static int apply_rename(struct cx *cx, const struct reorg_req *r, int64_t ev,
			int64_t *focus, struct err *e)
{
	struct cur c;
	char *name;
	int rc;
	if ((rc = take_subject(cx, r->unit, r->rev, "unit", r->date, &c, e))) {
		return rc;
	}
	name = utf8_clean_name(r->name, ORG_NAME_MAX, "name", e);
	if (!name) {
		return -(int)e->code;
	}
	if (strcmp(name, c.name) == 0) {
		free(name);
		return err_set(e, ERR_INVALID, "name", "the unit already has this name");
	}
	rc = close_version(cx, c.version_id, r->date, e);
	if (rc == 0) {
		rc = open_version(cx, c.unit_id, c.parent_id, name, c.level, r->date, ev, e);
	}
	if (rc == 0) {
		rc = event_unit(cx, ev, c.unit_id, "subject", e);
	}
	free(name);
	*focus = c.unit_id;
	return rc;
}

static int apply_move(struct cx *cx, const struct reorg_req *r, int64_t ev,
		      int64_t *focus, struct err *e)
{
	struct cur c;
	int rc, level, cyc;
	if ((rc = take_subject(cx, r->unit, r->rev, "unit", r->date, &c, e))) {
		return rc;
	}
	if ((rc = check_parent(cx, r->parent, r->date, "parent", &level, e)) ||
	    (rc = auth_may(cx, ACT_REORG, r->parent, e))) {
		return rc;
	}
	if (r->parent == c.parent_id) {
		return err_set(e, ERR_INVALID, "parent", "the unit is already under this parent");
	}
	cyc = is_ancestor_or_self(cx, c.unit_id, r->parent, r->date, e);
	if (cyc < 0) {
		return cyc;
	}
	if (cyc) {
		return err_set(e, ERR_INVALID, "parent",
			       "cannot move %s under itself or one of its own descendants",
			       c.code);
	}
	if ((rc = close_version(cx, c.version_id, r->date, e)) ||
	    (rc = open_version(cx, c.unit_id, r->parent, c.name, c.level, r->date, ev, e)) ||
	    (rc = event_unit(cx, ev, c.unit_id, "subject", e))) {
		return rc;
	}
	*focus = c.unit_id;
	return 0;
}

static int apply_merge(struct cx *cx, const struct reorg_req *r, int64_t ev,
		       int64_t *focus, struct err *e)
{
	struct cur c;
	int64_t into = r->into, parent = 0;
	int rc;
	if (r->n_sources < 1) {
		return err_set(e, ERR_INVALID, "sources", "a merge needs at least one source unit");
	}
	for (int i = 0; i < r->n_sources; i++) {
		for (int j = 0; j < i; j++) {
			if (r->sources[i] == r->sources[j]) {
				return err_set(e, ERR_INVALID, "sources", "a unit is listed twice");
			}
		}
		if (into && r->sources[i] == into) {
			return err_set(e, ERR_INVALID, "into", "cannot merge a unit into itself");
		}
	}
	if (into) {
		struct cur t;
		if ((rc = load_cur(cx, into, "into", &t, e)) || (rc = auth_may(cx, ACT_REORG, into, e))) {
			return rc;
		}
		if (strcmp(t.valid_to, DATE_OPEN) != 0) {
			return err_set(e, ERR_INVALID, "into",
				       "%s (%s) was dissolved or merged away on %s; it cannot receive a merge",
				       t.code, t.name, t.valid_to);
		}
		if (strcmp(r->date, t.valid_from) < 0) {
			return err_set(e, ERR_INVALID, "date", "%s did not exist yet on %s", t.code, r->date);
		}
		for (int i = 0; i < r->n_sources; i++) {
			int in = is_ancestor_or_self(cx, r->sources[i], into, r->date, e);
			if (in < 0) {
				return in;
			}
			if (in) {
				return err_set(e, ERR_INVALID, "into",
					       "the receiving unit lies inside a unit being merged");
			}
		}
		if ((rc = bump_rev(cx, into, 0, "into", e)) || (rc = event_unit(cx, ev, into, "target", e))) {
			return rc;
		}
	}
	/* Check and lock every source before changing anything. */
	for (int i = 0; i < r->n_sources; i++) {
		int64_t rev = r->source_revs ? r->source_revs[i] : 0;
		if ((rc = take_subject(cx, r->sources[i], rev, "sources", r->date, &c, e))) {
			return rc;
		}
		if (i == 0) {
			parent = c.parent_id;
		}
	}
	if (!into) {
		if ((rc = create_unit(cx, &r->created, r->created.parent ? r->created.parent : parent,
				      r->date, ev, "into", &into, e)) ||
		    (rc = event_unit(cx, ev, into, "target", e))) {
			return rc;
		}
	}
	for (int i = 0; i < r->n_sources; i++) {
		if ((rc = load_cur(cx, r->sources[i], "sources", &c, e)) ||
		    (rc = move_children(cx, c.unit_id, into, r->date, ev, e)) ||
		    (rc = close_version(cx, c.version_id, r->date, e)) ||
		    (rc = link_units(cx, ev, c.unit_id, into, -1, e)) ||
		    (rc = event_unit(cx, ev, c.unit_id, "source", e))) {
			return rc;
		}
	}
	*focus = into;
	return 0;
}

static int apply_split(struct cx *cx, const struct reorg_req *r, int64_t ev,
		       int64_t *focus, struct err *e)
{
	struct cur c;
	int64_t *parts, *kids;
	double sum = 0;
	int n_kids, rc;
	if ((rc = take_subject(cx, r->unit, r->rev, "unit", r->date, &c, e))) {
		return rc;
	}
	if (r->n_parts < 2) {
		return err_set(e, ERR_INVALID, "parts", "a split needs at least two parts");
	}
	for (int i = 0; i < r->n_parts; i++) {
		if (r->parts[i].share >= 0) {
			sum += r->parts[i].share;
		}
	}
	if (sum > 1.0 + 1e-9) {
		return err_set(e, ERR_INVALID, "parts", "the shares add up to %.4g, more than 1", sum);
	}
	if ((rc = children_on(cx, c.unit_id, r->date, &kids, &n_kids, e))) {
		return rc;
	}
	for (int a = 0; a < r->n_assign; a++) {
		int found = 0;
		for (int k = 0; k < n_kids; k++) {
			found |= kids[k] == r->assign_child[a];
		}
		if (!found) {
			free(kids);
			return err_set(e, ERR_INVALID, "assign", "unit %lld is not a child of %s on %s",
				       (long long)r->assign_child[a], c.code, r->date);
		}
		if (r->assign_part[a] < 0 || r->assign_part[a] >= r->n_parts) {
			free(kids);
			return err_set(e, ERR_INVALID, "assign", "part index %d out of range", r->assign_part[a]);
		}
	}
	parts = calloc((size_t)r->n_parts, sizeof *parts);
	if (!parts) {
		free(kids);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	for (int i = 0; rc == 0 && i < r->n_parts; i++) {
		char field[32];
		struct reorg_new_unit part = r->parts[i];
		if (!part.kind) {
			part.kind = c.kind; /* a part is of the split unit's kind by default */
		}
		snprintf(field, sizeof field, "parts[%d]", i);
		rc = create_unit(cx, &part, r->parts[i].parent ? r->parts[i].parent : c.parent_id,
				 r->date, ev, field, &parts[i], e);
		if (rc == 0) {
			rc = link_units(cx, ev, c.unit_id, parts[i], r->parts[i].share, e);
		}
		if (rc == 0) {
			rc = event_unit(cx, ev, parts[i], "target", e);
		}
	}
	for (int k = 0; rc == 0 && k < n_kids; k++) {
		int part = 0;
		for (int a = 0; a < r->n_assign; a++) {
			if (r->assign_child[a] == kids[k]) {
				part = r->assign_part[a];
			}
		}
		rc = reparent(cx, kids[k], parts[part], r->date, ev, e);
	}
	if (rc == 0) {
		rc = close_version(cx, c.version_id, r->date, e);
	}
	if (rc == 0) {
		rc = event_unit(cx, ev, c.unit_id, "source", e);
	}
	*focus = parts[0];
	free(parts);
	free(kids);
	return rc;
}

static int apply_dissolve(struct cx *cx, const struct reorg_req *r, int64_t ev,
			  int64_t *focus, struct err *e)
{
	struct cur c;
	int64_t *kids;
	int n, rc;
	if ((rc = take_subject(cx, r->unit, r->rev, "unit", r->date, &c, e))) {
		return rc;
	}
	if ((rc = children_on(cx, c.unit_id, r->date, &kids, &n, e))) {
		return rc;
	}
	free(kids);
	if (n > 0) {
		return err_set(e, ERR_INVALID, "unit",
			       "%s still has %d units under it on %s; move or merge them first",
			       c.code, n, r->date);
	}
	if ((rc = close_version(cx, c.version_id, r->date, e)) ||
	    (rc = event_unit(cx, ev, c.unit_id, "dissolved", e))) {
		return rc;
	}
	*focus = c.parent_id ? c.parent_id : c.unit_id;
	return 0;
}

typedef int (*apply_fn)(struct cx *, const struct reorg_req *, int64_t, int64_t *, struct err *);
static const apply_fn apply_table[] = {
	[REORG_CREATE] = apply_create, [REORG_RENAME] = apply_rename,
	[REORG_MOVE] = apply_move,     [REORG_MERGE] = apply_merge,
	[REORG_SPLIT] = apply_split,   [REORG_DISSOLVE] = apply_dissolve,
};

/* The event as JSON (for the response and the audit entry). */
static int event_json(struct cx *cx, int64_t ev, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *units = json_array();
	int rc = db_prepare(cx->db,
			    "SELECT eu.unit_id, u.code, eu.role,"
			    " (SELECT v.name FROM unit_version v WHERE v.unit_id = eu.unit_id"
			    "  ORDER BY v.valid_from DESC LIMIT 1)"
			    " FROM reorg_event_unit eu"
			    " JOIN unit u ON u.id = eu.unit_id WHERE eu.event_id = ?"
			    " ORDER BY eu.role, u.code",
			    &st, e);
	if (rc) {
		json_decref(units);
		return rc;
	}
	db_bind_int64(st, 1, ev);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_array_append_new(units, json_pack("{sI ss ss ss}", "id",
						       (json_int_t)db_col_int64(st, 0), "code",
						       db_col_text(st, 1), "role", db_col_text(st, 2),
						       "name", db_col_text(st, 3)));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(units);
		return rc;
	}
	*out = json_pack("{sI so}", "id", (json_int_t)ev, "units", units);
	return 0;
}

/* Preview: the tree (depth 2) around the focus unit after the event, seen
 * on the effective date from inside the transaction. */
static int preview_json(struct cx *cx, const char *date, int64_t focus,
			json_t **out, struct err *e)
{
	struct org_tree *t;
	int rc = org_tree_build(cx->db, date, &t, e), i, root;
	if (rc) {
		return rc;
	}
	i = org_tree_find(t, focus);
	root = i >= 0 && t->nodes[i].parent >= 0 ? t->nodes[i].parent : i;
	if (root >= 0) {
		*out = json_pack("{ss so si}", "as_of", t->as_of, "root",
				 org_subtree_json(t, root, 2), "count",
				 t->nodes[root].end - root);
	} else {
		*out = json_null();
	}
	org_tree_release(t);
	return 0;
}

int org_reorg(struct cx *cx, const struct reorg_req *r, int dry_run,
	      json_t **out, int64_t *event_id, struct err *e)
{
	int64_t ev = 0, focus = 0;
	json_t *event = NULL, *preview = NULL, *change;
	char ev_s[24];
	int rc, pinned = 0;
	if (out) {
		*out = NULL;
	}
	if (event_id) {
		*event_id = 0;
	}
	if ((unsigned)r->kind >= sizeof apply_table / sizeof apply_table[0]) {
		return err_set(e, ERR_INVALID, "kind", "unknown kind of event");
	}
	if ((rc = date_check(r->date, "date", e))) {
		return rc;
	}
	if (!r->decision || !*r->decision) {
		return err_set(e, ERR_INVALID, "decision",
			       "the decision that orders this change is required");
	}
	if (!utf8_valid(r->decision, strlen(r->decision)) ||
	    (r->note && !utf8_valid(r->note, strlen(r->note)))) {
		return err_set(e, ERR_BAD_REQUEST, "decision", "text is not valid UTF-8");
	}
	if (utf8_len(r->decision) > ORG_DECISION_MAX) {
		return err_set(e, ERR_INVALID, "decision", "decision is too long: at most %d characters",
			       ORG_DECISION_MAX);
	}
	if (r->note && utf8_len(r->note) > 2000) {
		return err_set(e, ERR_INVALID, "note", "note is too long: at most 2000 characters");
	}
	if ((rc = auth_may(cx, ACT_REORG, 0, e))) {
		return rc;
	}
	/* Scope checks inside the transaction use the history as it was
	 * committed when the event began, loaded once, not per check. */
	if (!cx->actor.system && cx->db->tx_depth == 0 && !cx->org_pin) {
		if ((rc = org_history_pin(cx, e))) {
			return rc;
		}
		pinned = 1;
	}
	if ((rc = db_begin(cx->db, e))) {
		if (pinned) {
			org_history_unpin(cx);
		}
		return rc;
	}
	/* First write: serializes reorganizations (see the file comment). */
	rc = org_gen_bump(cx->db, e);
	if (rc == 0) {
		rc = insert_event(cx, r, &ev, e);
	}
	if (rc == 0) {
		rc = apply_table[r->kind](cx, r, ev, &focus, e);
	}
	if (rc == 0) {
		rc = event_json(cx, ev, &event, e);
	}
	if (rc == 0) {
		json_object_set_new(event, "kind", json_string(kind_names[r->kind]));
		json_object_set_new(event, "date", json_string(r->date));
		json_object_set_new(event, "decision", json_string(r->decision));
		json_object_set_new(event, "note", json_string(r->note ? r->note : ""));
		snprintf(ev_s, sizeof ev_s, "%lld", (long long)ev);
		change = json_deep_copy(event);
		rc = audit_append(cx, dry_run ? "reorg.preview" : "reorg.apply", "reorg_event",
				  ev_s, focus, change, e);
		json_decref(change);
	}
	if (rc == 0 && out) {
		rc = preview_json(cx, r->date, focus, &preview, e);
	}
	if (rc == 0 && !dry_run) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
	}
	if (pinned) {
		org_history_unpin(cx);
	}
	if (rc) {
		json_decref(event);
		json_decref(preview);
		return rc;
	}
	if (dry_run) {
		json_object_set_new(event, "id", json_null());
	}
	if (out) {
		*out = json_pack("{so sb so}", "event", event, "dry_run", dry_run, "preview",
				 preview ? preview : json_null());
	} else {
		json_decref(event);
	}
	if (event_id) {
		*event_id = dry_run ? 0 : ev;
	}
	return 0;
}

int org_reorg_root(struct cx *cx, const struct reorg_req *r, int64_t *event_id,
		   int64_t *unit_id, struct err *e)
{
	char ev_s[24];
	json_t *change;
	int rc;
	if ((rc = org_gen_bump(cx->db, e)) || (rc = insert_event(cx, r, event_id, e)) ||
	    (rc = create_unit(cx, &r->created, 0, r->date, *event_id, "", unit_id, e))) {
		return rc;
	}
	snprintf(ev_s, sizeof ev_s, "%lld", (long long)*event_id);
	change = json_pack("{ss ss ss ss}", "kind", "create", "code", r->created.code,
			   "name", r->created.name, "date", r->date);
	rc = audit_append(cx, "reorg.apply", "reorg_event", ev_s, *unit_id, change, e);
	json_decref(change);
	return rc;
}
