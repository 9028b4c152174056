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
#include "domain/org_store.h"

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
	if ((rc = org_store_load_cur(cx, unit, field, c, e)) || (rc = auth_may(cx, ACT_REORG, unit, e))) {
		return rc;
	}
	/* A stale revision is a conflict whatever else is wrong with it. */
	if (rev && rev != c->rev) {
		return err_set(e, ERR_CONFLICT, "rev",
			       "%s was changed by someone else (revision %lld, you have %lld); reload and try again",
			       c->code, (long long)c->rev, (long long)rev);
	}
	if ((rc = org_store_check_alive_after(c, date, field, e)) ||
	    (rc = org_store_bump_rev(cx, unit, rev, rev ? "rev" : field, e))) {
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
	return org_store_create_unit(cx, &r->created, r->created.parent ? r->created.parent : r->parent,
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
	rc = org_store_close_version(cx, c.version_id, r->date, e);
	if (rc == 0) {
		rc = org_store_open_version(cx, c.unit_id, c.parent_id, name, c.level, r->date, ev, e);
	}
	if (rc == 0) {
		rc = org_store_event_unit(cx, ev, c.unit_id, "subject", e);
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
	if ((rc = org_store_check_parent(cx, r->parent, r->date, "parent", &level, e)) ||
	    (rc = auth_may(cx, ACT_REORG, r->parent, e))) {
		return rc;
	}
	if (r->parent == c.parent_id) {
		return err_set(e, ERR_INVALID, "parent", "the unit is already under this parent");
	}
	cyc = org_store_is_ancestor_or_self(cx, c.unit_id, r->parent, r->date, e);
	if (cyc < 0) {
		return cyc;
	}
	if (cyc) {
		return err_set(e, ERR_INVALID, "parent",
			       "cannot move %s under itself or one of its own descendants",
			       c.code);
	}
	if ((rc = org_store_close_version(cx, c.version_id, r->date, e)) ||
	    (rc = org_store_open_version(cx, c.unit_id, r->parent, c.name, c.level, r->date, ev, e)) ||
	    (rc = org_store_event_unit(cx, ev, c.unit_id, "subject", e))) {
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
		if ((rc = org_store_load_cur(cx, into, "into", &t, e)) || (rc = auth_may(cx, ACT_REORG, into, e))) {
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
			int in = org_store_is_ancestor_or_self(cx, r->sources[i], into, r->date, e);
			if (in < 0) {
				return in;
			}
			if (in) {
				return err_set(e, ERR_INVALID, "into",
					       "the receiving unit lies inside a unit being merged");
			}
		}
		if ((rc = org_store_bump_rev(cx, into, 0, "into", e)) || (rc = org_store_event_unit(cx, ev, into, "target", e))) {
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
		if ((rc = org_store_create_unit(cx, &r->created, r->created.parent ? r->created.parent : parent,
				      r->date, ev, "into", &into, e)) ||
		    (rc = org_store_event_unit(cx, ev, into, "target", e))) {
			return rc;
		}
	}
	for (int i = 0; i < r->n_sources; i++) {
		if ((rc = org_store_load_cur(cx, r->sources[i], "sources", &c, e)) ||
		    (rc = org_store_move_children(cx, c.unit_id, into, r->date, ev, e)) ||
		    (rc = org_store_close_version(cx, c.version_id, r->date, e)) ||
		    (rc = org_store_link_units(cx, ev, c.unit_id, into, -1, e)) ||
		    (rc = org_store_event_unit(cx, ev, c.unit_id, "source", e))) {
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
	if ((rc = org_store_children_on(cx, c.unit_id, r->date, &kids, &n_kids, e))) {
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
		rc = org_store_create_unit(cx, &part, r->parts[i].parent ? r->parts[i].parent : c.parent_id,
				 r->date, ev, field, &parts[i], e);
		if (rc == 0) {
			rc = org_store_link_units(cx, ev, c.unit_id, parts[i], r->parts[i].share, e);
		}
		if (rc == 0) {
			rc = org_store_event_unit(cx, ev, parts[i], "target", e);
		}
	}
	for (int k = 0; rc == 0 && k < n_kids; k++) {
		int part = 0;
		for (int a = 0; a < r->n_assign; a++) {
			if (r->assign_child[a] == kids[k]) {
				part = r->assign_part[a];
			}
		}
		rc = org_store_reparent(cx, kids[k], parts[part], r->date, ev, e);
	}
	if (rc == 0) {
		rc = org_store_close_version(cx, c.version_id, r->date, e);
	}
	if (rc == 0) {
		rc = org_store_event_unit(cx, ev, c.unit_id, "source", e);
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
	if ((rc = org_store_children_on(cx, c.unit_id, r->date, &kids, &n, e))) {
		return rc;
	}
	free(kids);
	if (n > 0) {
		return err_set(e, ERR_INVALID, "unit",
			       "%s still has %d units under it on %s; move or merge them first",
			       c.code, n, r->date);
	}
	if ((rc = org_store_close_version(cx, c.version_id, r->date, e)) ||
	    (rc = org_store_event_unit(cx, ev, c.unit_id, "dissolved", e))) {
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
	    (rc = org_store_create_unit(cx, &r->created, 0, r->date, *event_id, "", unit_id, e))) {
		return rc;
	}
	snprintf(ev_s, sizeof ev_s, "%lld", (long long)*event_id);
	change = json_pack("{ss ss ss ss}", "kind", "create", "code", r->created.code,
			   "name", r->created.name, "date", r->date);
	rc = audit_append(cx, "reorg.apply", "reorg_event", ev_s, *unit_id, change, e);
	json_decref(change);
	return rc;
}
