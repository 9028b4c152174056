/*
 * test_demo.c — unit tests of the demo dataset (demo_load) and of bulk
 * creation (org_bulk_create) on both drivers: 63 provinces before
 * 2025-07-01 and 34 from then on, lineage of a merged province, the rename
 * of Huế, idempotence, the districts gone, bulk rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/demo.h"
#include "domain/org.h"
#include "domain/org_bulk.h"
#include "test.h"

static int64_t id_of(struct cx *cx, const char *code)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	CHECK(org_unit_id_by_code(cx, code, &id, &e) == 0);
	return id;
}

/* Children of `code` as of a date; -1 when it is not in the tree then.
 * With kind != NULL only children of that kind are counted. */
static int children_of(struct cx *cx, const char *code, const char *as_of,
		       const char *kind)
{
	struct org_tree *t;
	struct err e = ERR_INIT;
	int64_t id = 0;
	int i, n = -1;
	if (org_unit_id_by_code(cx, code, &id, &e) || org_tree_get(cx, as_of, &t, &e)) {
		return -1;
	}
	if ((i = org_tree_find(t, id)) >= 0) {
		n = 0;
		for (int c = i + 1; c < t->nodes[i].end; c = t->nodes[c].end) {
			n += !kind || strcmp(t->nodes[c].kind, kind) == 0;
		}
	}
	org_tree_release(t);
	return n;
}

static const char *name_as_of(struct cx *cx, const char *code, const char *as_of,
			      char *out, size_t cap)
{
	struct org_tree *t;
	struct err e = ERR_INIT;
	int i;
	out[0] = 0;
	if (org_tree_get(cx, as_of, &t, &e)) {
		return out;
	}
	if ((i = org_tree_find(t, id_of(cx, code))) >= 0) {
		snprintf(out, cap, "%s", t->nodes[i].name);
	}
	org_tree_release(t);
	return out;
}

static int64_t count_rows(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	int64_t n = -1;
	if (db_prepare(db, sql, &st, &e) == 0) {
		if (db_step(st, &e) == DB_ROW) {
			n = db_col_int64(st, 0);
		}
		db_finalize(st);
	}
	return n;
}

static void load(struct db *db, struct cx *cx)
{
	struct err e = ERR_INIT;
	int64_t root = 0;
	cx_init_system(cx, db);
	CHECK(org_bootstrap(cx, "VN", "Việt Nam", "1945-09-02", &root, &e) == 0);
	CHECK(demo_load(cx, &e) == 0);
	if (e.msg[0]) {
		printf("    demo_load: %s (%s)\n", e.msg, e.field);
	}
}

DB_TEST(demo_provinces_63_then_34)
{
	struct cx cx;
	load(db, &cx);
	CHECK(children_of(&cx, "VN", "2008-07-31", NULL) == 0);
	CHECK(children_of(&cx, "VN", "2008-08-01", NULL) == 63);
	CHECK(children_of(&cx, "VN", "2025-06-30", NULL) == 63);
	CHECK(children_of(&cx, "VN", "2025-07-01", NULL) == 34);
	/* Six cities, but Huế (renamed) keeps its unit and so its kind. */
	CHECK(children_of(&cx, "VN", "2025-07-01", "city") == 5);
	CHECK(children_of(&cx, "VN-02", "2025-07-01", NULL) == -1);
	CHECK(children_of(&cx, "VN-N08", "2025-06-30", NULL) == -1);
	/* Hà Nội keeps its unit; its districts are gone, its communes under it. */
	CHECK(children_of(&cx, "VN-01", "2025-06-30", "district") == 4);
	CHECK(children_of(&cx, "VN-01", "2025-07-01", "district") == 0);
	CHECK(children_of(&cx, "VN-01", "2025-07-01", "ward") > 0);
	CHECK(children_of(&cx, "VN-01", "2025-07-01", "party_committee") == 1);
	/* Organizations of merged provinces: merged (Tuyên Quang) or moved
	 * as they are (Đắk Lắk). */
	CHECK(children_of(&cx, "VN-N08", "2025-07-01", "party_committee") == 1);
	CHECK(children_of(&cx, "VN-N08-TU", "2025-07-01", NULL) == 0);
	CHECK(children_of(&cx, "VN-N66", "2025-07-01", "youth_union") == 1);
	CHECK(children_of(&cx, "VN-66-DTN", "2025-07-01", NULL) == 0);
	CHECK(children_of(&cx, "VN-N08", "2025-07-01", "district") == 0);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM unit") > 300);
}

DB_TEST(demo_lineage_and_rename)
{
	struct cx cx;
	struct err e = ERR_INIT;
	json_t *lin = NULL, *preds;
	char name[256];
	int has02 = 0, has08 = 0;
	size_t i;
	load(db, &cx);
	CHECK(org_unit_lineage(&cx, id_of(&cx, "VN-N08"), &lin, &e) == 0);
	preds = json_object_get(lin, "predecessors");
	CHECK(json_is_array(preds));
	for (i = 0; i < json_array_size(preds); i++) {
		json_t *u = json_object_get(json_array_get(preds, i), "unit");
		const char *c = json_string_value(json_object_get(u, "code"));
		has02 |= c && strcmp(c, "VN-02") == 0;
		has08 |= c && strcmp(c, "VN-08") == 0;
	}
	CHECK(has02 && has08);
	json_decref(lin);
	CHECK_STR(name_as_of(&cx, "VN-46", "2025-07-01", name, sizeof name), "Thành phố Huế");
	CHECK_STR(name_as_of(&cx, "VN-46", "2025-06-30", name, sizeof name), "Tỉnh Thừa Thiên Huế");
	CHECK_STR(name_as_of(&cx, "VN-N08", "2025-07-01", name, sizeof name), "Tỉnh Tuyên Quang");
	CHECK_STR(name_as_of(&cx, "VN-N48", "2025-07-01", name, sizeof name), "Thành phố Đà Nẵng");
	CHECK_STR(name_as_of(&cx, "VN-N79", "2025-07-01", name, sizeof name), "Thành phố Hồ Chí Minh");
}

DB_TEST(demo_load_is_idempotent)
{
	struct cx cx;
	struct err e = ERR_INIT;
	int64_t units, events, audits, verified = 0, bad = 0;
	load(db, &cx);
	units = count_rows(db, "SELECT COUNT(*) FROM unit");
	events = count_rows(db, "SELECT COUNT(*) FROM reorg_event");
	audits = count_rows(db, "SELECT COUNT(*) FROM audit");
	CHECK(demo_load(&cx, &e) == 0);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM unit") == units);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM reorg_event") == events);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM audit") == audits);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM app_user WHERE login IN"
			     " ('hanoi.viewer', 'tuyenquang.manager')") == 2);
	CHECK(audit_verify(db, &verified, &bad, &e) == 0);
	CHECK(verified == audits);
}

DB_TEST(demo_load_bootstraps_an_empty_database)
{
	struct cx cx;
	struct err e = ERR_INIT;
	cx_init_system(&cx, db);
	CHECK(demo_load(&cx, &e) == 0);
	CHECK(children_of(&cx, "VN", "2025-07-01", NULL) == 34);
}

DB_TEST(demo_org_bulk_create_units)
{
	struct cx cx;
	struct err e = ERR_INIT;
	struct reorg_new_unit u[3];
	int64_t root = 0, p1, events;
	cx_init_system(&cx, db);
	CHECK(org_bootstrap(&cx, "VN", "Việt Nam", "1945-09-02", &root, &e) == 0);
	memset(u, 0, sizeof u);
	u[0] = (struct reorg_new_unit){"B1", "Tỉnh  Một ", "province", root, -1};
	u[1] = (struct reorg_new_unit){"B2", "Tỉnh Hai", "province", root, -1};
	CHECK(org_bulk_create(&cx, "2020-01-01", "bulk test", 2, u, &e) == 0);
	CHECK(children_of(&cx, "VN", "2020-01-01", NULL) == 2);
	CHECK(children_of(&cx, "VN", "2019-12-31", NULL) == 0);
	p1 = id_of(&cx, "B1");
	CHECK(count_rows(db, "SELECT COUNT(*) FROM reorg_event WHERE decision = 'bulk test'") == 1);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM reorg_event_unit WHERE role = 'created'"
			     " AND event_id = (SELECT MAX(id) FROM reorg_event)") == 2);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM unit_version WHERE name = 'Tỉnh Một'"
			     " AND name_fold = 'tinh mot' AND level = 1") == 1);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM audit WHERE action = 'reorg.create'") == 1);
	/* Children under a unit of the same date, level from the catalogue or
	 * inherited (party_committee: the parent's). */
	u[0] = (struct reorg_new_unit){"B1-X1", "Xã Một", "commune", p1, -1};
	u[1] = (struct reorg_new_unit){"B1-TU", "Tỉnh ủy Một", "party_committee", p1, -1};
	CHECK(org_bulk_create(&cx, "2020-01-01", "bulk test 2", 2, u, &e) == 0);
	CHECK(count_rows(db, "SELECT level FROM unit_version v JOIN unit u ON u.id = v.unit_id"
			     " WHERE u.code = 'B1-X1'") == 3);
	CHECK(count_rows(db, "SELECT level FROM unit_version v JOIN unit u ON u.id = v.unit_id"
			     " WHERE u.code = 'B1-TU'") == 1);
	events = count_rows(db, "SELECT COUNT(*) FROM reorg_event");
	/* Refusals, all or nothing: a taken code, a parent not yet alive, an
	 * unknown kind, a bad code. */
	u[0] = (struct reorg_new_unit){"B3", "Tỉnh Ba", "province", root, -1};
	u[1] = (struct reorg_new_unit){"B2", "Tỉnh Hai lại", "province", root, -1};
	CHECK(org_bulk_create(&cx, "2021-01-01", "x", 2, u, &e) == -ERR_CONFLICT);
	CHECK_STR(e.field, "units[1].code");
	u[1] = (struct reorg_new_unit){"B1-X2", "Xã Hai", "commune", p1, -1};
	CHECK(org_bulk_create(&cx, "2019-01-01", "x", 2, u, &e) == -ERR_INVALID);
	CHECK_STR(e.field, "units[1].parent");
	u[1] = (struct reorg_new_unit){"B1-X2", "Xã Hai", "nope", p1, -1};
	CHECK(org_bulk_create(&cx, "2021-01-01", "x", 2, u, &e) == -ERR_INVALID);
	CHECK_STR(e.field, "units[1].kind");
	u[1] = (struct reorg_new_unit){"B1 X2", "Xã Hai", "commune", p1, -1};
	CHECK(org_bulk_create(&cx, "2021-01-01", "x", 2, u, &e) == -ERR_INVALID);
	CHECK(org_bulk_create(&cx, "2021-02-30", "x", 1, u, &e) == -ERR_INVALID);
	CHECK(org_bulk_create(&cx, "2021-01-01", "", 1, u, &e) == -ERR_INVALID);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM reorg_event") == events);
	CHECK(count_rows(db, "SELECT COUNT(*) FROM unit WHERE code = 'B3'") == 0);
}

DB_TEST(demo_org_bulk_create_checks_the_actor)
{
	struct cx cx;
	struct err e = ERR_INIT;
	struct reorg_new_unit u[1];
	load(db, &cx);
	CHECK(auth_actor_by_login(db, "hanoi.viewer", &cx.actor, &e) == 0);
	u[0] = (struct reorg_new_unit){"VN-01-Z1", "Xã Thử", "commune", id_of(&cx, "VN-01"), -1};
	CHECK(org_bulk_create(&cx, "2025-08-01", "x", 1, u, &e) == -ERR_FORBIDDEN);
	CHECK(auth_actor_by_login(db, "tuyenquang.manager", &cx.actor, &e) == 0);
	CHECK(org_bulk_create(&cx, "2025-08-01", "x", 1, u, &e) == -ERR_FORBIDDEN);
	u[0].code = "VN-N08-Z1";
	u[0].parent = id_of(&cx, "VN-N08");
	CHECK(org_bulk_create(&cx, "2025-08-01", "x", 1, u, &e) == 0);
	/* A parent merged away before the date. */
	u[0].code = "VN-08-Z1";
	u[0].parent = id_of(&cx, "VN-08");
	CHECK(org_bulk_create(&cx, "2025-08-01", "x", 1, u, &e) == -ERR_INVALID);
	CHECK_STR(e.field, "units[0].parent");
	/* Under it before the merger: it would outlive its parent. */
	CHECK(org_bulk_create(&cx, "2020-01-01", "x", 1, u, &e) == -ERR_INVALID);
	CHECK_STR(e.field, "units[0].parent");
}
