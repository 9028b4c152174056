/*
 * test_reorg.c — API tests of POST /reorg: create, rename, move, the rules
 * (no cycles, no events on dissolved units, real dates, no merge into
 * itself), dry runs that change nothing, and optimistic concurrency: two
 * renames with the same rev give exactly one 201 and one 409, whether sent
 * one after the other or at once from two threads.  Every unit it makes
 * lives under Hà Nội (VN-01) from 2030 on, so the demo's 2025 structure
 * that other tests count is never touched.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "api.h"

/* Create a unit under parent on a fresh date; returns its id or -1. */
static long long make_unit(const char *suffix, const char *name,
			   long long parent)
{
	char code[64], date[11];
	struct resp r;
	long long id;
	snprintf(code, sizeof code, "%s-%s", api.tag, suffix);
	r = reorg_create(&api.admin, code, name, parent, api_next_date(date));
	CHECK_STATUS(r, 201);
	id = reorg_created_id(&r, code);
	CHECK(id > 0);
	resp_release(&r);
	return id;
}

static long long hanoi(void)
{
	static long long id;
	if (id <= 0) {
		id = api_unit_id(&api.admin, "VN-01", "2025-07-01");
	}
	return id;
}

TEST(reorg_create_rename_move)
{
	long long a, b;
	char date[11], code[64];
	struct resp r;

	CHECK(hanoi() > 0);
	a = make_unit("A", "Xã Thử Nghiệm A", hanoi());
	b = make_unit("B", "Xã Thử Nghiệm B", hanoi());
	CHECK(a > 0 && b > 0);

	/* The created unit is there as of a later date. */
	r = api_get(&api.admin, "/units/%lld?as_of=2031-01-01", a);
	CHECK_STATUS(r, 200);
	snprintf(code, sizeof code, "%s-A", api.tag);
	CHECK_STR(jps(r.json, "code"), code);
	CHECK_STR(jps(r.json, "name"), "Xã Thử Nghiệm A");
	CHECK_STR(jps(r.json, "parent_code"), "VN-01");
	CHECK_STR(jps(r.json, "path.0.code"), "VN");
	resp_release(&r);
	/* …and not before it was created. */
	r = api_get(&api.admin, "/units/%lld?as_of=2029-12-31", a);
	CHECK_STATUS(r, 200);
	CHECK(json_is_false(jp(r.json, "active")));
	resp_release(&r);

	/* Rename: the response carries the event; versions split. */
	api_next_date(date);
	r = reorg_rename(&api.admin, a, "Phường Thử Nghiệm A",
			 api_unit_rev(&api.admin, a, "2031-01-01"), date);
	CHECK_STATUS(r, 201);
	CHECK_STR(jps(r.json, "event.kind"), "rename");
	CHECK_STR(jps(r.json, "event.date"), date);
	CHECK(jpi(r.json, "event.id") > 0);
	CHECK(json_is_false(jp(r.json, "dry_run")));
	CHECK_STR(jps(r.json, "event.decision"), "02/2030/QĐ-TEST");
	CHECK(json_is_string(jp(r.json, "event.note")));
	CHECK(jpi(r.json, "event.units.0.id") == a);
	CHECK_STR(jps(r.json, "event.units.0.role"), "subject");
	/* The preview is the tree of the nearest common parent (Hà Nội). */
	CHECK(jpi(r.json, "preview.root.id") == hanoi());
	CHECK(jfind(r.json, "preview.root.children_list", "name",
		    "Phường Thử Nghiệm A") != NULL);
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld?as_of=2031-01-01", a);
	CHECK_STR(jps(r.json, "name"), "Phường Thử Nghiệm A");
	CHECK(jpn(r.json, "versions") == 2);
	CHECK_STR(jps(r.json, "versions.0.name"), "Xã Thử Nghiệm A");
	CHECK_STR(jps(r.json, "versions.0.valid_to"), date);
	CHECK_STR(jps(r.json, "versions.1.valid_from"), date);
	CHECK(jpn(r.json, "events") == 2);
	resp_release(&r);

	/* Move B under A. */
	api_next_date(date);
	r = reorg_move(&api.admin, b, a, 0, date);
	CHECK_STATUS(r, 201);
	CHECK_STR(jps(r.json, "event.kind"), "move");
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld?as_of=2031-01-01", b);
	CHECK(jpi(r.json, "parent_id") == a);
	CHECK(jpn(r.json, "path") == 3);
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld/tree?as_of=2031-01-01", a);
	CHECK(jpi(r.json, "root.children") == 1);
	CHECK(jpi(r.json, "count") == 2);
	resp_release(&r);
	r = api_get(&api.admin, "/units?as_of=2031-01-01&parent=%lld", a);
	CHECK(jpi(r.json, "total") == 1);
	CHECK(jpi(r.json, "items.0.id") == b);
	resp_release(&r);

	/* A cycle: A under its own child B. */
	r = reorg_move(&api.admin, a, b, 0, api_next_date(date));
	CHECK_ERROR(r, 422, "invalid", "parent");
	resp_release(&r);
	/* …or under itself. */
	r = reorg_move(&api.admin, a, a, 0, api_next_date(date));
	CHECK_ERROR(r, 422, "invalid", "parent");
	resp_release(&r);
	/* Nothing changed. */
	r = api_get(&api.admin, "/units/%lld?as_of=2031-01-01", a);
	CHECK(jpi(r.json, "parent_id") == hanoi());
	resp_release(&r);

	/* Duplicate code → 409. */
	snprintf(code, sizeof code, "%s-A", api.tag);
	r = reorg_create(&api.admin, code, "Trùng mã", hanoi(), api_next_date(date));
	CHECK_ERROR(r, 409, "conflict", NULL);
	resp_release(&r);
	/* Bad code characters → 422 code. */
	r = reorg_create(&api.admin, "bad code/ä", "Mã sai", hanoi(),
			 api_next_date(date));
	CHECK_ERROR(r, 422, "invalid", "code");
	resp_release(&r);
	/* Unknown unit → 404. */
	r = reorg_rename(&api.admin, 999999999, "Không có", 0, api_next_date(date));
	CHECK_ERROR(r, 404, "not_found", NULL);
	resp_release(&r);
}

TEST(reorg_refusals)
{
	long long a, c, d;
	char date[11];
	struct resp r;
	json_t *b;

	CHECK(hanoi() > 0);
	a = make_unit("R1", "Đơn vị R1", hanoi());
	c = make_unit("R2", "Đơn vị R2", hanoi());
	d = make_unit("R3", "Đơn vị R3", hanoi());
	CHECK(a > 0 && c > 0 && d > 0);

	/* No such day. */
	r = reorg_rename(&api.admin, a, "Đổi tên", 0, "2025-02-30");
	CHECK_ERROR(r, 422, "invalid", "date");
	resp_release(&r);
	r = reorg_rename(&api.admin, a, "Đổi tên", 0, "2031-13-01");
	CHECK_ERROR(r, 422, "invalid", "date");
	resp_release(&r);
	/* Before the unit existed. */
	r = reorg_rename(&api.admin, a, "Đổi tên", 0, "2020-01-01");
	CHECK_ERROR(r, 422, "invalid", "date");
	resp_release(&r);

	/* Merge a unit into itself. */
	api_next_date(date);
	b = json_pack("{s:s,s:s,s:s,s:[I],s:I}", "kind", "merge", "date", date,
		      "decision", "04/2030/QĐ-TEST", "sources", (json_int_t)a,
		      "into", (json_int_t)a);
	r = api_post(&api.admin, "/reorg", b);
	CHECK_ERROR(r, 422, "invalid", NULL);
	resp_release(&r);

	/* Dissolve C, then merge D into the dissolved C. */
	api_next_date(date);
	r = api_post(&api.admin, "/reorg",
		     json_pack("{s:s,s:s,s:s,s:I}", "kind", "dissolve", "date",
			       date, "decision", "05/2030/QĐ-TEST", "unit",
			       (json_int_t)c));
	CHECK_STATUS(r, 201);
	resp_release(&r);
	api_next_date(date);
	r = api_post(&api.admin, "/reorg",
		     json_pack("{s:s,s:s,s:s,s:[I],s:I}", "kind", "merge",
			       "date", date, "decision", "06/2030/QĐ-TEST",
			       "sources", (json_int_t)d, "into", (json_int_t)c));
	CHECK_ERROR(r, 422, "invalid", NULL);
	resp_release(&r);
	/* A rename of the dissolved unit → 422 unit. */
	r = reorg_rename(&api.admin, c, "Đã giải thể", 0, api_next_date(date));
	CHECK_ERROR(r, 422, "invalid", "unit");
	resp_release(&r);
	/* D is untouched. */
	r = api_get(&api.admin, "/units/%lld?as_of=2032-01-01", d);
	CHECK(!json_is_false(jp(r.json, "active")));
	CHECK(jpn(r.json, "events") == 1);
	resp_release(&r);

	/* Dissolving a unit that has children is refused. */
	{
		long long p = make_unit("R4", "Đơn vị R4", hanoi());
		long long k = make_unit("R5", "Đơn vị R5", p);
		CHECK(p > 0 && k > 0);
		r = api_post(&api.admin, "/reorg",
			     json_pack("{s:s,s:s,s:s,s:I}", "kind", "dissolve",
				       "date", api_next_date(date), "decision",
				       "07/2030/QĐ-TEST", "unit", (json_int_t)p));
		CHECK_ERROR(r, 422, "invalid", NULL);
		resp_release(&r);
	}
	/* A merge into a new unit works and moves lineage. */
	{
		long long s1 = make_unit("M1", "Xã M1", hanoi());
		long long s2 = make_unit("M2", "Xã M2", hanoi());
		char code[64];
		long long m;
		snprintf(code, sizeof code, "%s-M", api.tag);
		api_next_date(date);
		r = api_post(&api.admin, "/reorg",
			     json_pack("{s:s,s:s,s:s,s:[I,I],s:{s:s,s:s,s:s,s:I}}",
				       "kind", "merge", "date", date,
				       "decision", "08/2030/QĐ-TEST", "sources",
				       (json_int_t)s1, (json_int_t)s2, "into",
				       "code", code, "name", "Xã M", "kind",
				       api_kind, "parent", (json_int_t)hanoi()));
		CHECK_STATUS(r, 201);
		m = reorg_created_id(&r, code);
		CHECK(m > 0);
		resp_release(&r);
		r = api_get(&api.admin, "/units/%lld/lineage", m);
		CHECK(jpn(r.json, "predecessors") == 2);
		resp_release(&r);
		r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", s1);
		CHECK(json_is_false(jp(r.json, "active")));
		resp_release(&r);
	}
}

TEST(reorg_split_and_merge_revs)
{
	long long p = make_unit("SP", "Xã Tách", hanoi());
	long long k1 = make_unit("SPK1", "Thôn Một", p);
	long long k2 = make_unit("SPK2", "Thôn Hai", p);
	char date[11], c1[64], c2[64], key[32];
	struct resp r;
	json_t *b, *assign;
	long long part1 = -1, part2 = -1;

	CHECK(p > 0 && k1 > 0 && k2 > 0);
	snprintf(c1, sizeof c1, "%s-SPA", api.tag);
	snprintf(c2, sizeof c2, "%s-SPB", api.tag);
	assign = json_object();
	snprintf(key, sizeof key, "%lld", k2);
	json_object_set_new(assign, key, json_integer(1));
	api_next_date(date);
	b = json_pack("{s:s,s:s,s:s,s:I,s:[{s:s,s:s,s:s,s:f},{s:s,s:s,s:s,s:f}],s:o}",
		      "kind", "split", "date", date, "decision", "11/2030/QĐ-TEST",
		      "unit", (json_int_t)p, "parts", "code", c1, "name", "Xã Tách A",
		      "kind", api_kind, "share", 0.6, "code", c2, "name",
		      "Xã Tách B", "kind", api_kind, "share", 0.4, "assign", assign);
	r = api_post(&api.admin, "/reorg", b);
	CHECK_STATUS(r, 201);
	CHECK_STR(jps(r.json, "event.kind"), "split");
	part1 = reorg_created_id(&r, c1);
	part2 = reorg_created_id(&r, c2);
	CHECK(part1 > 0 && part2 > 0);
	resp_release(&r);
	/* Children: k1 (unassigned) under part 0, k2 under part 1. */
	r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", k1);
	CHECK(jpi(r.json, "parent_id") == part1);
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", k2);
	CHECK(jpi(r.json, "parent_id") == part2);
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", p);
	CHECK(json_is_false(jp(r.json, "active")));
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld/lineage", p);
	CHECK_STATUS(r, 200);
	CHECK(jpn(r.json, "successors") == 2);
	CHECK(json_is_real(jp(r.json, "successors.0.share")) ||
	      json_is_integer(jp(r.json, "successors.0.share")));
	CHECK(jpi(r.json, "successors.0.depth") == 1);
	resp_release(&r);
	/* Shares over 1 are refused. */
	{
		long long q = make_unit("SQ", "Xã Tách Hai", hanoi());
		char c3[64], c4[64];
		snprintf(c3, sizeof c3, "%s-SQA", api.tag);
		snprintf(c4, sizeof c4, "%s-SQB", api.tag);
		b = json_pack("{s:s,s:s,s:s,s:I,s:[{s:s,s:s,s:s,s:f},{s:s,s:s,s:s,s:f}]}",
			      "kind", "split", "date", api_next_date(date),
			      "decision", "12/2030/QĐ-TEST", "unit", (json_int_t)q,
			      "parts", "code", c3, "name", "A", "kind", api_kind,
			      "share", 0.7, "code", c4, "name", "B", "kind",
			      api_kind, "share", 0.7);
		r = api_post(&api.admin, "/reorg", b);
		CHECK_ERROR(r, 422, "invalid", NULL);
		resp_release(&r);
	}
	/* A merge with a stale rev in "revs" → 409 "rev"... or "revs". */
	{
		long long s1 = make_unit("MR1", "Xã MR1", hanoi());
		long long s2 = make_unit("MR2", "Xã MR2", hanoi());
		long long rev1 = api_unit_rev(&api.admin, s1, "2035-01-01");
		r = reorg_rename(&api.admin, s1, "Xã MR1 mới", 0, api_next_date(date));
		CHECK_STATUS(r, 201);
		resp_release(&r);
		b = json_pack("{s:s,s:s,s:s,s:[I],s:[I],s:I}", "kind", "merge",
			      "date", api_next_date(date), "decision",
			      "13/2030/QĐ-TEST", "sources", (json_int_t)s1,
			      "revs", (json_int_t)rev1, "into", (json_int_t)s2);
		r = api_post(&api.admin, "/reorg", b);
		CHECK_ERROR(r, 409, "conflict", NULL);
		resp_release(&r);
		r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", s1);
		CHECK(!json_is_false(jp(r.json, "active")));
		resp_release(&r);
	}
}

TEST(reorg_dry_run_changes_nothing)
{
	long long a = make_unit("DRY", "Xã Chạy Thử", hanoi());
	long long rev = api_unit_rev(&api.admin, a, "2035-01-01");
	char date[11];
	struct resp r;
	json_t *b;

	api_next_date(date);
	b = json_pack("{s:s,s:s,s:s,s:I,s:s,s:b}", "kind", "rename", "date", date,
		      "decision", "09/2030/QĐ-TEST", "unit", (json_int_t)a,
		      "name", "Tên Chạy Thử", "dry_run", 1);
	r = api_post(&api.admin, "/reorg", b);
	CHECK_STATUS(r, 200);
	CHECK(json_is_true(jp(r.json, "dry_run")));
	CHECK_STR(jps(r.json, "event.kind"), "rename");
	CHECK(json_is_object(jp(r.json, "preview.root")));
	/* The preview shows the renamed unit somewhere in the tree. */
	CHECK(strstr(r.body, "Tên Chạy Thử") != NULL);
	resp_release(&r);

	r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", a);
	CHECK_STR(jps(r.json, "name"), "Xã Chạy Thử");
	CHECK(jpn(r.json, "versions") == 1);
	CHECK(jpn(r.json, "events") == 1);
	CHECK(jpi(r.json, "rev") == rev);
	resp_release(&r);

	/* A dry-run create leaves no unit behind. */
	{
		char code[64];
		snprintf(code, sizeof code, "%s-DRYNEW", api.tag);
		b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b}", "kind",
			      "create", "date", api_next_date(date), "decision",
			      "10/2030/QĐ-TEST", "code", code, "name",
			      "Xã Không Có", "unit_kind", api_kind, "parent",
			      (json_int_t)hanoi(), "dry_run", 1);
		r = api_post(&api.admin, "/reorg", b);
		CHECK_STATUS(r, 200);
		resp_release(&r);
		CHECK(api_unit_id(&api.admin, code, "2035-01-01") == -1);
	}
	/* The same event for real works afterwards (rev unchanged). */
	r = reorg_rename(&api.admin, a, "Tên Chạy Thật", rev, api_next_date(date));
	CHECK_STATUS(r, 201);
	resp_release(&r);
}

TEST(reorg_stale_rev_sequential)
{
	long long a = make_unit("SEQ", "Xã Tuần Tự", hanoi());
	long long rev = api_unit_rev(&api.admin, a, "2035-01-01");
	char d1[11], d2[11];
	struct resp r1, r2;
	CHECK(rev > 0);
	api_next_date(d1);
	api_next_date(d2);
	r1 = reorg_rename(&api.admin, a, "Tên Một", rev, d1);
	r2 = reorg_rename(&api.admin, a, "Tên Hai", rev, d2);
	CHECK_STATUS(r1, 201);
	CHECK_ERROR(r2, 409, "conflict", "rev");
	resp_release(&r1);
	resp_release(&r2);
	r1 = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", a);
	CHECK_STR(jps(r1.json, "name"), "Tên Một");
	CHECK(jpi(r1.json, "rev") != rev);
	resp_release(&r1);

	/* The winner may carry the later date (two clerks, two decisions):
	 * the loser's request is stale all the same, and says so with 409 —
	 * not with a rule error computed from a state it never saw. */
	rev = api_unit_rev(&api.admin, a, "2035-01-01");
	api_next_date(d1);
	api_next_date(d2);
	r1 = reorg_rename(&api.admin, a, "Tên Ba", rev, d2);
	r2 = reorg_rename(&api.admin, a, "Tên Bốn", rev, d1);
	CHECK_STATUS(r1, 201);
	CHECK_ERROR(r2, 409, "conflict", "rev");
	resp_release(&r1);
	resp_release(&r2);
}

struct racer {
	long long unit, rev;
	char name[64];
	char date[11];
	pthread_barrier_t *go;
	long status;
	char body[400];
};

static void *race(void *p)
{
	struct racer *rc = p;
	struct resp r;
	pthread_barrier_wait(rc->go);
	r = reorg_rename(&api.admin, rc->unit, rc->name, rc->rev, rc->date);
	rc->status = r.status;
	snprintf(rc->body, sizeof rc->body, "%s", r.body ? r.body : "");
	resp_release(&r);
	return NULL;
}

TEST(reorg_stale_rev_concurrent)
{
	long long a = make_unit("RACE", "Xã Đua", hanoi());
	pthread_barrier_t go;
	CHECK(a > 0);
	for (int round = 0; round < 5; round++) {
		struct racer rc[2];
		pthread_t th[2];
		long long rev = api_unit_rev(&api.admin, a, "2035-01-01");
		int ok = 0, conflict = 0;
		pthread_barrier_init(&go, NULL, 2);
		for (int i = 0; i < 2; i++) {
			memset(&rc[i], 0, sizeof rc[i]);
			rc[i].unit = a;
			rc[i].rev = rev;
			snprintf(rc[i].name, sizeof rc[i].name, "Tên Luồng %s %d",
				 i ? "Hai" : "Một", round);
			api_next_date(rc[i].date);
			rc[i].go = &go;
		}
		for (int i = 0; i < 2; i++) {
			pthread_create(&th[i], NULL, race, &rc[i]);
		}
		for (int i = 0; i < 2; i++) {
			pthread_join(th[i], NULL);
		}
		pthread_barrier_destroy(&go);
		for (int i = 0; i < 2; i++) {
			ok += rc[i].status == 201;
			conflict += rc[i].status == 409;
		}
		CHECK(ok == 1 && conflict == 1);
		if (ok != 1 || conflict != 1) {
			api_test_note("round %d: %ld %s | %ld %s", round,
				      rc[0].status, rc[0].body, rc[1].status,
				      rc[1].body);
		}
	}
}
