/*
 * test_org.c — unit tests of the org module, auth, users and the audit
 * chain on both drivers: every reorganization kind, the refusals, history
 * as of a date, lineage, scope through history, revisions, dry runs.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/user.h"
#include "test.h"

/* A small tree: VN ⊃ P1, P2; P1 ⊃ C1, C2; P2 ⊃ C3 — all from 2000-01-01. */
struct fixture {
	struct cx cx;
	int64_t vn, p1, p2, c1, c2, c3;
};

static int64_t mk(struct cx *cx, const char *code, const char *name,
		  const char *kind, int64_t parent, const char *date)
{
	struct reorg_req r;
	struct err e = ERR_INIT;
	int64_t id = 0;
	memset(&r, 0, sizeof r);
	r.kind = REORG_CREATE;
	r.date = date;
	r.decision = "test";
	r.created.code = code;
	r.created.name = name;
	r.created.kind = kind;
	r.created.parent = parent;
	r.created.share = -1;
	CHECK(org_reorg(cx, &r, 0, NULL, NULL, &e) == 0);
	CHECK(org_unit_id_by_code(cx, code, &id, &e) == 0);
	return id;
}

static void setup(struct db *db, struct fixture *f)
{
	struct err e = ERR_INIT;
	cx_init_system(&f->cx, db);
	CHECK(org_bootstrap(&f->cx, "VN", "Việt Nam", "1945-09-02", &f->vn, &e) == 0);
	f->p1 = mk(&f->cx, "P1", "Tỉnh Quảng Trị", "province", f->vn, "2000-01-01");
	f->p2 = mk(&f->cx, "P2", "Tỉnh Đắk Lắk", "province", f->vn, "2000-01-01");
	f->c1 = mk(&f->cx, "C1", "Xã Một", "commune", f->p1, "2000-01-01");
	f->c2 = mk(&f->cx, "C2", "Xã Hai", "commune", f->p1, "2000-01-01");
	f->c3 = mk(&f->cx, "C3", "Xã Ba", "commune", f->p2, "2000-01-01");
}

static int children_count(struct cx *cx, int64_t id, const char *as_of)
{
	struct org_tree *t;
	struct err e = ERR_INIT;
	int i, n = -1;
	if (org_tree_get(cx, as_of, &t, &e)) {
		return -1;
	}
	i = org_tree_find(t, id);
	if (i >= 0) {
		n = t->nodes[i].n_children;
	}
	org_tree_release(t);
	return n;
}

DB_TEST(org_tree_preorder_and_subtree_ranges)
{
	struct fixture f;
	struct org_tree *t;
	struct err e = ERR_INIT;
	int i;
	setup(db, &f);
	CHECK(org_tree_get(&f.cx, "2001-01-01", &t, &e) == 0);
	CHECK(t->n == 6);
	CHECK(t->nodes[0].id == f.vn && t->nodes[0].end == 6);
	i = org_tree_find(t, f.p1);
	CHECK(i == 1 && t->nodes[i].end == 4 && t->nodes[i].n_children == 2);
	CHECK(t->nodes[org_tree_find(t, f.c3)].parent == org_tree_find(t, f.p2));
	CHECK(t->nodes[org_tree_find(t, f.c1)].depth == 2);
	org_tree_release(t);
	CHECK(org_tree_get(&f.cx, "1999-12-31", &t, &e) == 0);
	CHECK(t->n == 1);
	org_tree_release(t);
}

DB_TEST(org_merge_moves_children_and_links_lineage)
{
	struct fixture f;
	struct reorg_req r;
	struct err e = ERR_INIT;
	int64_t src[2], merged = 0, ev = 0;
	json_t *out = NULL, *lin = NULL;
	setup(db, &f);
	src[0] = f.p1;
	src[1] = f.p2;
	memset(&r, 0, sizeof r);
	r.kind = REORG_MERGE;
	r.date = "2025-07-01";
	r.decision = "202/2025/QH15";
	r.sources = src;
	r.n_sources = 2;
	r.created = (struct reorg_new_unit){"PN", "Tỉnh Mới", "province", 0, -1};
	CHECK(org_reorg(&f.cx, &r, 0, &out, &ev, &e) == 0);
	CHECK(ev > 0);
	CHECK(out && json_is_object(json_object_get(out, "preview")));
	json_decref(out);
	CHECK(org_unit_id_by_code(&f.cx, "PN", &merged, &e) == 0);
	CHECK(children_count(&f.cx, f.vn, "2025-06-30") == 2);
	CHECK(children_count(&f.cx, f.vn, "2025-07-01") == 1);
	CHECK(children_count(&f.cx, merged, "2025-07-01") == 3);
	CHECK(children_count(&f.cx, f.p1, "2025-06-30") == 2);
	CHECK(children_count(&f.cx, f.p1, "2025-07-01") == -1);
	CHECK(org_unit_lineage(&f.cx, merged, &lin, &e) == 0);
	CHECK(json_array_size(json_object_get(lin, "predecessors")) == 2);
	json_decref(lin);
	CHECK(org_unit_lineage(&f.cx, f.p1, &lin, &e) == 0);
	CHECK(json_array_size(json_object_get(lin, "successors")) == 1);
	json_decref(lin);
	/* A merge into a merged-away (dissolved) unit is refused. */
	memset(&r, 0, sizeof r);
	r.kind = REORG_MERGE;
	r.date = "2025-08-01";
	r.decision = "x";
	src[0] = f.c1;
	r.sources = src;
	r.n_sources = 1;
	r.into = f.p2;
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "into") == 0);
	/* Merging a unit into itself is refused. */
	r.into = f.c1;
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "into") == 0);
}

DB_TEST(org_move_refuses_cycles_and_bad_dates)
{
	struct fixture f;
	struct reorg_req r;
	struct err e = ERR_INIT;
	setup(db, &f);
	memset(&r, 0, sizeof r);
	r.kind = REORG_MOVE;
	r.date = "2010-01-01";
	r.decision = "x";
	r.unit = f.p1;
	r.parent = f.c1; /* its own child */
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "parent") == 0);
	r.parent = f.p1; /* itself */
	r.unit = f.p1;
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	r.unit = f.c1;
	r.parent = f.p2;
	r.date = "2025-02-30";
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "date") == 0);
	r.date = "1999-01-01"; /* before the unit existed */
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "date") == 0);
	r.date = "2010-01-01";
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) == 0);
	CHECK(children_count(&f.cx, f.p2, "2010-01-01") == 2);
	CHECK(children_count(&f.cx, f.p2, "2009-12-31") == 1);
	/* An event on or before the unit's last change is refused. */
	r.parent = f.p1;
	r.date = "2010-01-01";
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID);
}

DB_TEST(org_rename_with_stale_revision_conflicts)
{
	struct fixture f;
	struct reorg_req r;
	struct err e = ERR_INIT;
	json_t *u = NULL;
	int64_t rev;
	setup(db, &f);
	CHECK(org_unit_get(&f.cx, f.c1, NULL, &u, &e) == 0);
	rev = json_integer_value(json_object_get(u, "rev"));
	json_decref(u);
	memset(&r, 0, sizeof r);
	r.kind = REORG_RENAME;
	r.date = "2011-01-01";
	r.decision = "x";
	r.unit = f.c1;
	r.rev = rev;
	r.name = "Xã Một Mới";
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) == 0);
	r.name = "Xã Khác";
	r.date = "2012-01-01";
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_CONFLICT && strcmp(e.field, "rev") == 0);
	CHECK(org_unit_get(&f.cx, f.c1, "2011-06-01", &u, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(u, "name")), "Xã Một Mới");
	CHECK(json_array_size(json_object_get(u, "versions")) == 2);
	json_decref(u);
	CHECK(org_unit_get(&f.cx, f.c1, "2010-06-01", &u, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(u, "name")), "Xã Một");
	json_decref(u);
}

DB_TEST(org_split_and_dissolve)
{
	struct fixture f;
	struct reorg_req r;
	struct reorg_new_unit parts[2] = {{"P1A", "Phần A", "province", 0, 0.6},
					  {"P1B", "Phần B", "province", 0, 0.4}};
	int64_t child[1], a = 0, b = 0;
	int part[1] = {1};
	struct err e = ERR_INIT;
	setup(db, &f);
	child[0] = f.c2;
	memset(&r, 0, sizeof r);
	r.kind = REORG_SPLIT;
	r.date = "2020-01-01";
	r.decision = "x";
	r.unit = f.p1;
	r.parts = parts;
	r.n_parts = 2;
	r.assign_child = child;
	r.assign_part = part;
	r.n_assign = 1;
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) == 0);
	CHECK(org_unit_id_by_code(&f.cx, "P1A", &a, &e) == 0);
	CHECK(org_unit_id_by_code(&f.cx, "P1B", &b, &e) == 0);
	CHECK(children_count(&f.cx, a, "2020-01-01") == 1);
	CHECK(children_count(&f.cx, b, "2020-01-01") == 1);
	CHECK(children_count(&f.cx, f.vn, "2020-01-01") == 3);
	/* Dissolving a unit with children is refused; an empty one works. */
	memset(&r, 0, sizeof r);
	r.kind = REORG_DISSOLVE;
	r.date = "2021-01-01";
	r.decision = "x";
	r.unit = a;
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	r.unit = f.c1;
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) == 0);
	CHECK(children_count(&f.cx, a, "2021-01-01") == 0);
	/* An event on a dissolved unit is refused. */
	r.kind = REORG_RENAME;
	r.name = "Lại";
	r.date = "2022-01-01";
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "unit") == 0);
}

DB_TEST(org_dry_run_changes_nothing)
{
	struct fixture f;
	struct reorg_req r;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int64_t rows = 0, bad = 0, rows_after = 0;
	setup(db, &f);
	CHECK(audit_verify(db, &rows, &bad, &e) == 0);
	memset(&r, 0, sizeof r);
	r.kind = REORG_MOVE;
	r.date = "2010-01-01";
	r.decision = "x";
	r.unit = f.c1;
	r.parent = f.p2;
	CHECK(org_reorg(&f.cx, &r, 1, &out, NULL, &e) == 0);
	CHECK(json_is_true(json_object_get(out, "dry_run")));
	json_decref(out);
	CHECK(children_count(&f.cx, f.p2, "2010-01-01") == 1);
	CHECK(audit_verify(db, &rows_after, &bad, &e) == 0);
	CHECK(rows_after == rows);
}

DB_TEST(org_search_folds_diacritics)
{
	struct fixture f;
	struct org_list_query q;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	setup(db, &f);
	memset(&q, 0, sizeof q);
	q.as_of = "2020-01-01";
	q.q = "dak lak";
	CHECK(org_unit_list(&f.cx, &q, &out, &e) == 0);
	CHECK(json_integer_value(json_object_get(out, "total")) == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(out, "items"), 0), "code")), "P2");
	json_decref(out);
	q.q = "QUANG TRI";
	CHECK(org_unit_list(&f.cx, &q, &out, &e) == 0);
	CHECK(json_integer_value(json_object_get(out, "total")) == 1);
	json_decref(out);
	q.q = NULL;
	q.kind = "commune";
	CHECK(org_unit_list(&f.cx, &q, &out, &e) == 0);
	CHECK(json_integer_value(json_object_get(out, "total")) == 3);
	json_decref(out);
}

DB_TEST(scope_follows_subtree_and_history)
{
	struct fixture f;
	struct reorg_req r;
	struct err e = ERR_INIT;
	struct user_new nu = {"p2.viewer", "Viewer", "long-password-1", "viewer", 0, 0};
	struct cx ucx;
	int64_t src[1];
	setup(db, &f);
	/* P1 merges into P2 in 2025; a P2 user then sees P1 and its old
	 * children (history), but not another province's unit. */
	src[0] = f.p1;
	memset(&r, 0, sizeof r);
	r.kind = REORG_MERGE;
	r.date = "2025-07-01";
	r.decision = "x";
	r.sources = src;
	r.n_sources = 1;
	r.into = f.p2;
	CHECK(org_reorg(&f.cx, &r, 0, NULL, NULL, &e) == 0);
	nu.unit_id = f.p2;
	CHECK(user_add(&f.cx, &nu, NULL, &e) == 0);
	ucx = f.cx;
	ucx.actor.system = 0;
	CHECK(auth_actor_by_login(db, "p2.viewer", &ucx.actor, &e) == 0);
	CHECK(auth_may(&ucx, ACT_READ, f.c3, &e) == 0);
	CHECK(auth_may(&ucx, ACT_READ, f.p1, &e) == 0);
	CHECK(auth_may(&ucx, ACT_READ, f.c1, &e) == 0);
	CHECK(auth_may(&ucx, ACT_READ, f.vn, &e) < 0 && e.code == ERR_FORBIDDEN);
	CHECK(auth_may(&ucx, ACT_REORG, f.c3, &e) < 0 && e.code == ERR_FORBIDDEN);
	r.kind = REORG_RENAME;
	r.unit = f.c3;
	r.name = "Không được";
	r.date = "2026-01-01";
	CHECK(org_reorg(&ucx, &r, 0, NULL, NULL, &e) < 0 && e.code == ERR_FORBIDDEN);
}

DB_TEST(auth_login_throttles_and_sessions_work)
{
	struct fixture f;
	struct err e = ERR_INIT;
	struct user_new nu = {"clerk.one", "Clerk", "correct-horse-1", "clerk", 0, 0};
	char token[AUTH_TOKEN_HEX], csrf[AUTH_TOKEN_HEX], csrf2[AUTH_TOKEN_HEX];
	struct actor a;
	setup(db, &f);
	nu.unit_id = f.p1;
	CHECK(user_add(&f.cx, &nu, NULL, &e) == 0);
	CHECK(user_add(&f.cx, &nu, NULL, &e) < 0 && e.code == ERR_CONFLICT);
	CHECK(auth_login(&f.cx, "clerk.one", "correct-horse-1", token, csrf, &e) == 0);
	CHECK(auth_session_get(db, token, &a, csrf2, &e) == 0);
	CHECK_STR(a.login, "clerk.one");
	CHECK_STR(csrf, csrf2);
	CHECK(auth_csrf_check(csrf, csrf2, &e) == 0);
	CHECK(auth_csrf_check(csrf, "nope", &e) < 0 && e.code == ERR_CSRF);
	CHECK(auth_csrf_check(csrf, NULL, &e) < 0 && e.code == ERR_CSRF);
	for (int i = 0; i < AUTH_MAX_FAILURES; i++) {
		CHECK(auth_login(&f.cx, "clerk.one", "wrong-password", token, csrf, &e) < 0);
		CHECK(e.code == ERR_UNAUTHENTICATED);
	}
	CHECK(auth_login(&f.cx, "clerk.one", "correct-horse-1", token, csrf, &e) < 0);
	CHECK(e.code == ERR_THROTTLED);
	CHECK(auth_session_get(db, "0000", &a, NULL, &e) < 0 && e.code == ERR_UNAUTHENTICATED);
}

/* auth_check_password: the password checked as a login checks it (wrong
 * password, unknown login, throttling), but no session and no audit entry;
 * a success forgets earlier failures. */
DB_TEST(auth_check_password_needs_no_session)
{
	struct fixture f;
	struct err e = ERR_INIT;
	struct user_new nu = {"signer.one", "Signer", "correct-horse-2", "signer", 0, 0};
	struct cx ucx;
	int64_t audits, sessions;
	struct db_stmt *st;
	setup(db, &f);
	nu.unit_id = f.p1;
	CHECK(user_add(&f.cx, &nu, NULL, &e) == 0);
	CHECK(db_prepare(db, "SELECT (SELECT COUNT(*) FROM audit),"
			     " (SELECT COUNT(*) FROM user_session)", &st, &e) == 0);
	CHECK(db_step(st, &e) == DB_ROW);
	audits = db_col_int64(st, 0);
	sessions = db_col_int64(st, 1);
	db_finalize(st);
	ucx = f.cx;
	ucx.actor.system = 0;
	CHECK(auth_check_password(&ucx, "signer.one", "wrong-password", &e) < 0 &&
	      e.code == ERR_UNAUTHENTICATED);
	CHECK(auth_check_password(&ucx, "nobody.here", "correct-horse-2", &e) < 0 &&
	      e.code == ERR_UNAUTHENTICATED);
	CHECK(auth_check_password(&ucx, "signer.one", "correct-horse-2", &e) == 0);
	CHECK_STR(ucx.actor.login, "signer.one");
	CHECK_STR(ucx.actor.role, "signer");
	CHECK(ucx.actor.unit_id == f.p1);
	CHECK(db_prepare(db, "SELECT (SELECT COUNT(*) FROM audit),"
			     " (SELECT COUNT(*) FROM user_session),"
			     " (SELECT COUNT(*) FROM login_attempt WHERE login = 'signer.one')",
			 &st, &e) == 0);
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK(db_col_int64(st, 0) == audits);
	CHECK(db_col_int64(st, 1) == sessions);
	CHECK(db_col_int64(st, 2) == 0); /* the success forgot the failure */
	db_finalize(st);
	for (int i = 0; i < AUTH_MAX_FAILURES; i++) {
		CHECK(auth_check_password(&ucx, "signer.one", "wrong-password", &e) < 0);
	}
	CHECK(auth_check_password(&ucx, "signer.one", "correct-horse-2", &e) < 0 &&
	      e.code == ERR_THROTTLED);
}

DB_TEST(audit_chain_detects_edits_deletes_inserts)
{
	struct fixture f;
	struct err e = ERR_INIT;
	int64_t rows = 0, bad = 0;
	setup(db, &f);
	CHECK(audit_verify(db, &rows, &bad, &e) == 0);
	CHECK(rows == 6);
	CHECK(db_exec(db, "UPDATE audit SET change = '{}' WHERE id = 3", &e) == 0);
	CHECK(audit_verify(db, &rows, &bad, &e) < 0 && bad == 3);
	CHECK(db_exec(db, "DELETE FROM audit WHERE id = 3", &e) == 0);
	CHECK(audit_verify(db, &rows, &bad, &e) < 0 && bad == 4);
	CHECK(db_exec(db, "INSERT INTO audit SELECT 3, ts_ms, actor_id, actor, action,"
			  " object_type, object_id, unit_id, change, prev_hash, hash"
			  " FROM audit WHERE id = 2", &e) == 0);
	CHECK(audit_verify(db, &rows, &bad, &e) < 0 && bad == 3);
}
