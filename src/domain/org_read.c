/*
 * org_read.c — the read models of the org module: unit lists, a unit with
 * its path, versions and events, subtrees, lineage, the kind catalogue.
 * Lists and trees come from the cached snapshot (org_tree.c); history comes
 * from the tables.  Every function checks ACT_READ through auth_may, but
 * org_links_load (an internal read for member_stats.c: the lineage graph
 * and every version's parent, in arrays).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/auth.h"
#include "domain/org_internal.h"

json_t *org_node_json(const struct org_tree *t, int i)
{
	const struct org_node *n = &t->nodes[i];
	const char *pcode = n->parent >= 0 ? t->nodes[n->parent].code : NULL;
	return json_pack("{sI ss ss ss si so so ss so sI si si}", "id",
			 (json_int_t)n->id, "code", n->code, "kind", n->kind,
			 "name", n->name, "level", n->level, "parent_id",
			 n->parent_id ? json_integer(n->parent_id) : json_null(),
			 "parent_code", pcode ? json_string(pcode) : json_null(),
			 "valid_from", n->valid_from, "valid_to",
			 strcmp(n->valid_to, DATE_OPEN) ? json_string(n->valid_to)
							: json_null(),
			 "rev", (json_int_t)n->rev, "children", n->n_children,
			 "descendants", n->end - i - 1);
}

int org_unit_id_by_code(struct cx *cx, const char *code, int64_t *id,
			struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db, "SELECT id FROM unit WHERE code = ?", &st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, code);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "code", "no unit with code %.60s", code);
	}
	db_finalize(st);
	return rc;
}

int org_unit_label(struct cx *cx, int64_t id, char *code, char *name,
		   struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT u.code, v.name FROM unit u JOIN unit_version v"
			    " ON v.unit_id = u.id WHERE u.id = ?"
			    " ORDER BY v.valid_from DESC LIMIT 1",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(code, ORG_CODE_MAX + 1, "%s", db_col_text(st, 0));
		snprintf(name, ORG_NAME_MAX * 4 + 1, "%s", db_col_text(st, 1));
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "unit_id", "no unit with id %lld", (long long)id);
	}
	db_finalize(st);
	return rc;
}

/* Is node i visible to the actor: inside the actor's subtree in this
 * snapshot, or (history) linked into the scope. */
static int node_visible(struct cx *cx, const struct org_tree *t, int scope_idx,
			int i, struct err *e)
{
	if (cx->actor.system || cx->actor.unit_id == 0) {
		return 1;
	}
	if (scope_idx >= 0 && i >= scope_idx && i < t->nodes[scope_idx].end) {
		return 1;
	}
	return org_in_scope(cx, cx->actor.unit_id, t->nodes[i].id, e);
}

static int code_matches(const char *code, const char *q)
{
	return strcasestr(code, q) != NULL;
}

int org_unit_list(struct cx *cx, const struct org_list_query *q, json_t **out,
		  struct err *e)
{
	struct org_tree *t;
	char *fold = NULL;
	json_t *items;
	int rc, limit = q->limit > 0 ? q->limit : 50, lo = 0, hi, scope_idx;
	int64_t total = 0;
	*out = NULL;
	if (limit > 500) {
		return err_set(e, ERR_INVALID, "limit", "limit must be at most 500");
	}
	if (q->offset < 0) {
		return err_set(e, ERR_INVALID, "offset", "offset must not be negative");
	}
	if ((rc = auth_may(cx, ACT_READ, 0, e))) {
		return rc;
	}
	if (q->q) {
		if (strlen(q->q) > 200) {
			return err_set(e, ERR_INVALID, "q", "the search text is too long");
		}
		fold = utf8_fold(q->q);
		if (!fold) {
			return err_set(e, ERR_BAD_REQUEST, "q", "the search text is not valid UTF-8");
		}
	}
	if ((rc = org_tree_get(cx, q->as_of, &t, e))) {
		free(fold);
		return rc;
	}
	hi = t->n;
	if (q->parent) {
		int p = org_tree_find(t, q->parent);
		if (p < 0) {
			lo = hi = 0;
		} else {
			lo = p + 1;
			hi = t->nodes[p].end;
		}
	}
	scope_idx = cx->actor.unit_id ? org_tree_find(t, cx->actor.unit_id) : -1;
	items = json_array();
	for (int i = lo; i < hi; i++) {
		const struct org_node *n = &t->nodes[i];
		int vis;
		if (q->parent && n->parent_id != q->parent) {
			continue;
		}
		if (q->kind && strcmp(n->kind, q->kind) != 0) {
			continue;
		}
		if (fold && !strstr(n->name_fold, fold) && !code_matches(n->code, q->q)) {
			continue;
		}
		vis = node_visible(cx, t, scope_idx, i, e);
		if (vis < 0) {
			rc = vis;
			break;
		}
		if (!vis) {
			continue;
		}
		if (total >= q->offset && (int)json_array_size(items) < limit) {
			json_t *u = org_node_json(t, i);
			/* Searches show where the unit sits. */
			if (fold && n->parent >= 0) {
				json_object_set_new(u, "parent_name",
						    json_string(t->nodes[n->parent].name));
			}
			json_array_append_new(items, u);
		}
		total++;
	}
	org_tree_release(t);
	free(fold);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{so sI si si}", "items", items, "total", (json_int_t)total,
			 "limit", limit, "offset", q->offset);
	return 0;
}

json_t *org_subtree_json(const struct org_tree *t, int i, int depth)
{
	json_t *u = org_node_json(t, i);
	if (depth > 0) {
		json_t *kids = json_array();
		for (int c = i + 1; c < t->nodes[i].end; c = t->nodes[c].end) {
			json_array_append_new(kids, org_subtree_json(t, c, depth - 1));
		}
		json_object_set_new(u, "children_list", kids);
	}
	return u;
}

int org_unit_tree(struct cx *cx, int64_t id, const char *as_of, int depth,
		  json_t **out, struct err *e)
{
	struct org_tree *t;
	int rc, i;
	*out = NULL;
	if (depth < 0 || depth > 64) {
		return err_set(e, ERR_INVALID, "depth", "depth must be between 0 and 64");
	}
	if ((rc = auth_may(cx, ACT_READ, id, e))) {
		return rc;
	}
	if ((rc = org_tree_get(cx, as_of, &t, e))) {
		return rc;
	}
	i = org_tree_find(t, id);
	if (i < 0) {
		rc = err_set(e, ERR_NOT_FOUND, "id", "unit %lld did not exist on %s",
			     (long long)id, t->as_of);
	} else {
		*out = json_pack("{ss so si}", "as_of", t->as_of, "root",
				 org_subtree_json(t, i, depth), "count", t->nodes[i].end - i);
	}
	org_tree_release(t);
	return rc;
}

/* Events that touched a unit, oldest first, each with its units. */
static int unit_events(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	struct db_stmt *st, *su;
	json_t *events = json_array();
	int rc = db_prepare(cx->db,
			    "SELECT DISTINCT e.id, e.kind, e.date, e.decision, e.note"
			    " FROM reorg_event e JOIN reorg_event_unit eu"
			    " ON eu.event_id = e.id WHERE eu.unit_id = ?"
			    " ORDER BY e.date, e.id",
			    &st, e);
	if (rc) {
		json_decref(events);
		return rc;
	}
	db_bind_int64(st, 1, id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *units = json_array();
		int64_t eid = db_col_int64(st, 0);
		const char *date = db_col_text(st, 2);
		rc = db_prepare(cx->db,
				"SELECT eu.unit_id, u.code, eu.role,"
				" (SELECT v.name FROM unit_version v WHERE v.unit_id = eu.unit_id"
				"  ORDER BY (CASE WHEN v.valid_from <= ? THEN 0 ELSE 1 END),"
				"  (CASE WHEN v.valid_from <= ? THEN v.valid_from END) DESC,"
				"  v.valid_from LIMIT 1)"
				" FROM reorg_event_unit eu JOIN unit u ON u.id = eu.unit_id"
				" WHERE eu.event_id = ? ORDER BY eu.role, u.code",
				&su, e);
		if (rc) {
			json_decref(units);
			break;
		}
		db_bind_text(su, 1, date);
		db_bind_text(su, 2, date);
		db_bind_int64(su, 3, eid);
		while ((rc = db_step(su, e)) == DB_ROW) {
			json_array_append_new(
				units, json_pack("{sI ss ss ss}", "id",
						 (json_int_t)db_col_int64(su, 0), "code",
						 db_col_text(su, 1), "role", db_col_text(su, 2),
						 "name", db_col_text(su, 3)));
		}
		db_finalize(su);
		if (rc < 0) {
			json_decref(units);
			break;
		}
		json_array_append_new(
			events, json_pack("{sI ss ss ss ss so}", "id", (json_int_t)eid,
					  "kind", db_col_text(st, 1), "date", date,
					  "decision", db_col_text(st, 3), "note",
					  db_col_text(st, 4), "units", units));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(events);
		return rc;
	}
	*out = events;
	return 0;
}

static int unit_versions(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *versions = json_array();
	int rc = db_prepare(
		cx->db,
		"SELECT v.name, v.parent_id, p.code,"
		" (SELECT pv.name FROM unit_version pv WHERE pv.unit_id = v.parent_id"
		"  AND pv.valid_from <= v.valid_from AND pv.valid_to > v.valid_from),"
		" v.level, v.valid_from, v.valid_to, v.event_id"
		" FROM unit_version v LEFT JOIN unit p ON p.id = v.parent_id"
		" WHERE v.unit_id = ? ORDER BY v.valid_from",
		&st, e);
	if (rc) {
		json_decref(versions);
		return rc;
	}
	db_bind_int64(st, 1, id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		int has_parent = !db_col_is_null(st, 1);
		json_array_append_new(
			versions,
			json_pack("{ss so so so sI ss so so}", "name", db_col_text(st, 0),
				  "parent_id", has_parent ? json_integer(db_col_int64(st, 1)) : json_null(),
				  "parent_code", has_parent ? json_string(db_col_text(st, 2)) : json_null(),
				  "parent_name", has_parent ? json_string(db_col_text(st, 3)) : json_null(),
				  "level", (json_int_t)db_col_int64(st, 4), "valid_from",
				  db_col_text(st, 5), "valid_to",
				  strcmp(db_col_text(st, 6), DATE_OPEN)
					  ? json_string(db_col_text(st, 6))
					  : json_null(),
				  "event_id",
				  db_col_is_null(st, 7) ? json_null()
							: json_integer(db_col_int64(st, 7))));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(versions);
		return rc;
	}
	*out = versions;
	return 0;
}

/* The unit as it was on as_of, from its versions, for a unit that is not in
 * that day's tree (not yet created, or dissolved). */
static json_t *inactive_unit_json(struct cx *cx, int64_t id, const char *code,
				  const char *kind, int64_t rev, json_t *versions)
{
	json_t *v = NULL, *u;
	size_t n = json_array_size(versions);
	(void)cx;
	if (n > 0) {
		v = json_array_get(versions, n - 1);
	}
	u = json_pack("{sI ss ss sO sO sO sO sO sO sI si si}", "id", (json_int_t)id,
		      "code", code, "kind", kind, "name",
		      v ? json_object_get(v, "name") : json_string(""), "level",
		      v ? json_object_get(v, "level") : json_integer(0), "parent_id",
		      v ? json_object_get(v, "parent_id") : json_null(), "parent_code",
		      v ? json_object_get(v, "parent_code") : json_null(), "valid_from",
		      v ? json_object_get(v, "valid_from") : json_null(), "valid_to",
		      v ? json_object_get(v, "valid_to") : json_null(), "rev",
		      (json_int_t)rev, "children", 0, "descendants", 0);
	return u;
}

int org_unit_get(struct cx *cx, int64_t id, const char *as_of, json_t **out,
		 struct err *e)
{
	struct db_stmt *st;
	struct org_tree *t = NULL;
	json_t *u = NULL, *versions = NULL, *events = NULL, *path;
	char code[ORG_CODE_MAX + 1], kind[64];
	int64_t rev = 0;
	int rc, i;
	*out = NULL;
	if ((rc = db_prepare(cx->db, "SELECT code, kind, rev FROM unit WHERE id = ?", &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(code, sizeof code, "%s", db_col_text(st, 0));
		snprintf(kind, sizeof kind, "%s", db_col_text(st, 1));
		rev = db_col_int64(st, 2);
	}
	db_finalize(st);
	if (rc == DB_DONE) {
		return err_set(e, ERR_NOT_FOUND, "id", "no unit with id %lld", (long long)id);
	}
	if (rc < 0) {
		return rc;
	}
	if ((rc = auth_may(cx, ACT_READ, id, e))) {
		return rc;
	}
	if ((rc = unit_versions(cx, id, &versions, e)) || (rc = unit_events(cx, id, &events, e)) ||
	    (rc = org_tree_get(cx, as_of, &t, e))) {
		json_decref(versions);
		json_decref(events);
		return rc;
	}
	path = json_array();
	i = org_tree_find(t, id);
	if (i >= 0) {
		u = org_node_json(t, i);
		for (int p = t->nodes[i].parent; p >= 0; p = t->nodes[p].parent) {
			json_array_insert_new(path, 0, org_node_json(t, p));
		}
	} else {
		u = inactive_unit_json(cx, id, code, kind, rev, versions);
	}
	json_object_set_new(u, "active", json_boolean(i >= 0));
	json_object_set_new(u, "as_of", json_string(t->as_of));
	json_object_set_new(u, "path", path);
	json_object_set_new(u, "versions", versions);
	json_object_set_new(u, "events", events);
	org_tree_release(t);
	*out = u;
	return 0;
}

/* Walk lineage links transitively in one direction: backwards collects
 * predecessors (links into the unit), forwards successors. */
static int lineage_walk(struct cx *cx, int64_t id, int backwards, json_t **out,
			struct err *e)
{
	static const char *const sql[2] = {
		"SELECT l.to_unit, l.event_id, l.share, e.date, e.kind, u.code, u.kind,"
		" (SELECT v.name FROM unit_version v WHERE v.unit_id = l.to_unit"
		"  ORDER BY v.valid_from LIMIT 1)"
		" FROM reorg_link l JOIN reorg_event e ON e.id = l.event_id"
		" JOIN unit u ON u.id = l.to_unit WHERE l.from_unit = ? ORDER BY e.date, u.code",
		"SELECT l.from_unit, l.event_id, l.share, e.date, e.kind, u.code, u.kind,"
		" (SELECT v.name FROM unit_version v WHERE v.unit_id = l.from_unit"
		"  ORDER BY v.valid_from DESC LIMIT 1)"
		" FROM reorg_link l JOIN reorg_event e ON e.id = l.event_id"
		" JOIN unit u ON u.id = l.from_unit WHERE l.to_unit = ? ORDER BY e.date, u.code",
	};
	int64_t queue[512];
	int depth_of[512];
	int head = 0, tail = 0, rc = 0;
	json_t *links = json_array();
	queue[tail] = id;
	depth_of[tail++] = 0;
	while (head < tail) {
		struct db_stmt *st;
		int64_t cur = queue[head];
		int depth = depth_of[head++];
		if ((rc = db_prepare(cx->db, sql[backwards], &st, e))) {
			break;
		}
		db_bind_int64(st, 1, cur);
		while ((rc = db_step(st, e)) == DB_ROW) {
			int64_t other = db_col_int64(st, 0);
			int seen = 0;
			for (int k = 0; k < tail; k++) {
				if (queue[k] == other) {
					seen = 1;
				}
			}
			json_array_append_new(
				links,
				json_pack("{s{sI ss ss ss} sI ss ss so si}", "unit", "id",
					  (json_int_t)other, "code", db_col_text(st, 5),
					  "name", db_col_text(st, 7), "kind",
					  db_col_text(st, 6), "event_id",
					  (json_int_t)db_col_int64(st, 1), "date",
					  db_col_text(st, 3), "kind", db_col_text(st, 4),
					  "share",
					  db_col_is_null(st, 2) ? json_null()
								: json_real(db_col_double(st, 2)),
					  "depth", depth + 1));
			if (!seen && tail < 512) {
				queue[tail] = other;
				depth_of[tail++] = depth + 1;
			}
		}
		db_finalize(st);
		if (rc < 0) {
			break;
		}
		rc = 0;
	}
	if (rc < 0) {
		json_decref(links);
		return rc;
	}
	*out = links;
	return 0;
}

int org_unit_lineage(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	json_t *unit = NULL, *preds = NULL, *succs = NULL;
	int rc;
	*out = NULL;
	if ((rc = org_unit_get(cx, id, NULL, &unit, e))) {
		return rc;
	}
	if ((rc = lineage_walk(cx, id, 1, &preds, e)) || (rc = lineage_walk(cx, id, 0, &succs, e))) {
		json_decref(unit);
		json_decref(preds);
		return rc;
	}
	*out = json_pack("{sO sO so so}", "unit", unit, "events",
			 json_object_get(unit, "events"), "predecessors", preds,
			 "successors", succs);
	json_object_del(json_object_get(*out, "unit"), "events");
	json_object_del(json_object_get(*out, "unit"), "versions");
	json_decref(unit);
	return 0;
}

/* One list per unit from rows (key, other[, share]) ordered by key: at[]
 * the starts, ids[] the others, shares[] (when not NULL) their shares. */
static int links_scan(struct db *db, const char *sql, int64_t max_id, uint32_t **at,
		      int64_t **ids, double **shares, struct err *e)
{
	struct db_stmt *st;
	size_t n = 0, cap = 0;
	int rc;
	*at = calloc((size_t)max_id + 2, sizeof **at);
	if (!*at) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if ((rc = db_prepare(db, sql, &st, e))) {
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t k = db_col_int64(st, 0);
		if (k <= 0 || k > max_id) {
			continue;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			int64_t *ni = realloc(*ids, ncap * sizeof *ni);
			double *ns = ni && shares ? realloc(*shares, ncap * sizeof *ns) : NULL;
			if (ni) {
				*ids = ni;
			}
			if (ns) {
				*shares = ns;
			}
			if (!ni || (shares && !ns)) {
				rc = err_set(e, ERR_INTERNAL, "", "out of memory");
				break;
			}
			cap = ncap;
		}
		(*at)[k + 1]++;
		(*ids)[n] = db_col_int64(st, 1);
		if (shares) {
			(*shares)[n] = db_col_is_null(st, 2) ? 0 : db_col_double(st, 2);
		}
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	for (int64_t i = 0; i <= max_id; i++) {
		(*at)[i + 1] += (*at)[i];
	}
	return 0;
}

void org_links_free(struct org_links *l)
{
	if (!l) {
		return;
	}
	free(l->succ_at);
	free(l->pred_at);
	free(l->par_at);
	free(l->succ);
	free(l->pred);
	free(l->par);
	free(l->succ_share);
	free(l->pred_share);
	free(l);
}

int org_links_load(struct db *db, struct org_links **out, struct err *e)
{
	/* The orders of lineage_walk's queries, for every unit at once. */
	static const char succ_sql[] =
		"SELECT l.from_unit, l.to_unit, l.share FROM reorg_link l"
		" JOIN reorg_event e ON e.id = l.event_id JOIN unit u ON u.id = l.to_unit"
		" ORDER BY l.from_unit, e.date, u.code";
	static const char pred_sql[] =
		"SELECT l.to_unit, l.from_unit, l.share FROM reorg_link l"
		" JOIN reorg_event e ON e.id = l.event_id JOIN unit u ON u.id = l.from_unit"
		" ORDER BY l.to_unit, e.date, u.code";
	static const char par_sql[] =
		"SELECT unit_id, parent_id FROM unit_version WHERE parent_id IS NOT NULL"
		" ORDER BY unit_id, valid_from";
	struct org_links *l = calloc(1, sizeof *l);
	struct db_stmt *st;
	int rc;
	*out = NULL;
	if (!l) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if ((rc = org_gen_get(db, &l->gen, e)) ||
	    (rc = db_prepare(db, "SELECT MAX(id) FROM unit", &st, e))) {
		org_links_free(l);
		return rc;
	}
	rc = db_step(st, e);
	l->max_id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_finalize(st);
	if (rc < 0 ||
	    (rc = links_scan(db, succ_sql, l->max_id, &l->succ_at, &l->succ, &l->succ_share, e)) ||
	    (rc = links_scan(db, pred_sql, l->max_id, &l->pred_at, &l->pred, &l->pred_share, e)) ||
	    (rc = links_scan(db, par_sql, l->max_id, &l->par_at, &l->par, NULL, e))) {
		org_links_free(l);
		return rc < 0 ? rc : -ERR_INTERNAL;
	}
	*out = l;
	return 0;
}

int org_kinds(struct cx *cx, json_t **out, struct err *e)
{
	struct db_stmt *st;
	json_t *kinds = json_array();
	int rc = db_prepare(cx->db,
			    "SELECT code, org, level, name_vi, name_en FROM unit_kind"
			    " ORDER BY level, code",
			    &st, e);
	*out = NULL;
	if (rc) {
		json_decref(kinds);
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_array_append_new(
			kinds, json_pack("{ss ss sI ss ss}", "code", db_col_text(st, 0),
					 "org", db_col_text(st, 1), "level",
					 (json_int_t)db_col_int64(st, 2), "name_vi",
					 db_col_text(st, 3), "name_en", db_col_text(st, 4)));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(kinds);
		return rc;
	}
	*out = kinds;
	return 0;
}
