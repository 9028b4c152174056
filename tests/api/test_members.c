/*
 * test_members.c — API tests of the members module (docs/api.md
 * "Members"): people and memberships with their events and the totals
 * before and after (admit, transfer, leave), stale revisions (409), a bad
 * citizen ID (422 naming the field), the import of a small CSV (all or
 * nothing, skip_invalid, dry run, re-import, preview, progress ticket),
 * the exports (formula injection neutralized, XLSX), the data-quality
 * figures before and after fixing a record, the member list as of a date
 * (unit and status of that day, unit names) and a person's own quality
 * verdict, the progress of refused and dry-run imports, scope (403
 * outside the caller's subtree) and the scope of people without any
 * membership (the unit holding their record).  Works on the demo dataset: where it needs exact
 * numbers it creates its own people under VN-01 and compares differences,
 * so the demo members and earlier runs against the same server do not
 * matter.  Citizen IDs are unique per run (serials ≥ 500000, which the
 * demo never uses).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "api.h"

#define DEMO_PASSWORD "demo-password-123"

/* A citizen ID valid for the rules: Hà Nội (001), the century/gender digit,
 * the year of birth, then a serial unique to this run and k. */
static void cid(char out[13], int female, int year, int k)
{
	static unsigned base;
	char tmp[48];
	if (!base) {
		base = 500000u + ((unsigned)time(NULL) * 31u + (unsigned)getpid()) % 300000u;
	}
	snprintf(tmp, sizeof tmp, "001%u%02u%06u", (year >= 2000 ? 2u : 0u) + (female ? 1u : 0u),
		 (unsigned)year % 100u, (base + (unsigned)k * 977u) % 1000000u);
	memcpy(out, tmp, 12);
	out[12] = '\0';
}

static int serial_k = 1;

/* POST /people as c; the new id or -1. */
static long long person_new(struct client *c, const char *name, int female,
			    const char *birth, const char *citizen_id)
{
	struct resp r = api_post(c, "/people",
				 json_pack("{ss ss ss ss}", "full_name", name, "gender",
					   female ? "F" : "M", "birth_date", birth,
					   "citizen_id", citizen_id));
	long long id = -1;
	CHECK_STATUS(r, 201);
	if (r.status == 201) {
		id = jpi(r.json, "id");
		CHECK_STR(jps(r.json, "citizen_id"), citizen_id);
		CHECK(jpi(r.json, "rev") == 1);
	}
	resp_release(&r);
	return id;
}

/* A person of this run born in 1990 with a valid ID; -1 on failure. */
static long long person_fresh(const char *name, char citizen_id[13])
{
	cid(citizen_id, 0, 1990, serial_k++);
	return person_new(&api.admin, name, 0, "1990-05-17", citizen_id);
}

static long long admit(long long person, const char *org, long long unit,
		       const char *date, long long *rev)
{
	struct resp r = api_post(&api.admin, "/memberships",
				 json_pack("{sI ss sI ss ss}", "person_id",
					   (json_int_t)person, "org", org, "unit_id",
					   (json_int_t)unit, "date", date, "decision",
					   "QĐ kết nạp API-test"));
	long long id = -1;
	CHECK_STATUS(r, 201);
	if (r.status == 201) {
		id = jpi(r.json, "id");
		if (rev) {
			*rev = jpi(r.json, "rev");
		}
		CHECK_STR(jps(r.json, "status"), "active");
		CHECK(jpi(r.json, "unit.id") == unit);
		CHECK(jpn(r.json, "stints") == 1);
		CHECK_STR(jps(r.json, "events.0.kind"), "admit");
	}
	resp_release(&r);
	return id;
}

/* Memberships of org (NULL = all) in the subtree of unit on a date. */
static long long members_on(long long unit, const char *as_of, const char *org)
{
	struct resp r = api_get(&api.admin, "/units/%lld/stats?as_of=%s%s%s", unit,
				as_of, org ? "&breakdowns=0&children=0&org=" : "",
				org ? org : "");
	long long n = jpi(r.json, "members");
	CHECK_STATUS(r, 200);
	resp_release(&r);
	return n;
}

TEST(members_admit_transfer_leave_totals)
{
	long long hn = api_unit_id(&api.admin, "VN-01", NULL);
	long long c1 = api_unit_id(&api.admin, "VN-01-C01", NULL);
	long long c3 = api_unit_id(&api.admin, "VN-01-C03", NULL);
	long long p, m, rev = 0;
	long long hn0, c1_0, c3_0, c1_old0, adm0, hn_ppl0, c3_nov0;
	char id[13];
	struct resp r;

	CHECK(hn > 0 && c1 > 0 && c3 > 0);
	hn0 = members_on(hn, "2026-01-01", "party");
	c1_0 = members_on(c1, "2026-01-01", "party");
	c3_0 = members_on(c3, "2026-01-01", "party");
	c1_old0 = members_on(c1, "2021-03-01", "party");
	c3_nov0 = members_on(c3, "2025-11-30", "party");
	r = api_get(&api.admin, "/units/%lld/stats?as_of=2021-03-01&from=2021-03-01&to=2021-03-01&org=party",
		    hn);
	CHECK_STATUS(r, 200);
	adm0 = jpi(r.json, "admitted");
	hn_ppl0 = jpi(r.json, "people");
	CHECK(jpn(r.json, "by_unit") > 0); /* children by default */
	resp_release(&r);

	p = person_fresh("Trần Thị Kiểm Thử", id);
	CHECK(p > 0);
	m = admit(p, "party", c1, "2021-03-01", &rev);
	CHECK(m > 0);
	CHECK(members_on(c1, "2021-03-01", "party") == c1_old0 + 1);
	CHECK(members_on(c1, "2026-01-01", "party") == c1_0 + 1);
	CHECK(members_on(hn, "2026-01-01", "party") == hn0 + 1);
	r = api_get(&api.admin, "/units/%lld/stats?as_of=2021-03-01&from=2021-03-01&to=2021-03-01&org=party",
		    hn);
	CHECK(jpi(r.json, "admitted") == adm0 + 1);
	CHECK(jpi(r.json, "people") == hn_ppl0 + 1);
	CHECK(jp(r.json, "orgs.0.by_gender") != NULL); /* breakdowns by default */
	CHECK(jpi(r.json, "orgs.0.by_gender.M") >= 1);
	resp_release(&r);

	/* Transfer to another cell of Hà Nội on 2025-08-01. */
	r = api_post(&api.admin, "/memberships/0/events",
		     json_pack("{ss ss ss sI}", "kind", "transfer", "date", "2025-08-01",
			       "decision", "QĐ chuyển", "to_unit", (json_int_t)c3));
	CHECK_ERROR(r, 400, "bad_request", "id");
	resp_release(&r);
	{
		char path[64];
		snprintf(path, sizeof path, "/memberships/%lld/events", m);
		r = api_post(&api.admin, path,
			     json_pack("{ss ss ss sI sI}", "kind", "transfer", "date",
				       "2025-08-01", "decision", "QĐ chuyển sinh hoạt",
				       "to_unit", (json_int_t)c3, "rev", (json_int_t)rev));
		CHECK_STATUS(r, 200);
		CHECK(jpi(r.json, "unit.id") == c3);
		CHECK(jpn(r.json, "stints") == 2);
		CHECK_STR(jps(r.json, "stints.0.to"), "2025-08-01");
		CHECK(json_is_null(jp(r.json, "stints.1.to")));
		CHECK_STR(jps(r.json, "events.1.kind"), "transfer");
		rev = jpi(r.json, "rev");
		resp_release(&r);
		CHECK(members_on(c1, "2026-01-01", "party") == c1_0);
		CHECK(members_on(c3, "2026-01-01", "party") == c3_0 + 1);
		CHECK(members_on(c1, "2025-07-31", "party") >= 1);
		CHECK(members_on(hn, "2026-01-01", "party") == hn0 + 1);

		/* Leave on 2025-12-01: not counted afterwards. */
		r = api_post(&api.admin, path,
			     json_pack("{ss ss ss sI}", "kind", "leave", "date", "2025-12-01",
				       "decision", "QĐ ra khỏi Đảng", "rev", (json_int_t)rev));
		CHECK_STATUS(r, 200);
		CHECK_STR(jps(r.json, "status"), "left");
		CHECK_STR(jps(r.json, "ended"), "2025-12-01");
		resp_release(&r);
		CHECK(members_on(c3, "2026-01-01", "party") == c3_0);
		CHECK(members_on(hn, "2026-01-01", "party") == hn0);
		CHECK(members_on(c3, "2025-11-30", "party") == c3_nov0 + 1);

		/* An ended membership takes no further event. */
		r = api_post(&api.admin, path,
			     json_pack("{ss ss ss}", "kind", "suspend", "date", "2026-01-02",
				       "decision", "QĐ"));
		CHECK_ERROR(r, 422, "invalid", NULL);
		resp_release(&r);
	}

	/* The person shows the whole history. */
	r = api_get(&api.admin, "/people/%lld", p);
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "citizen_id"), id);
	CHECK(jpn(r.json, "memberships") == 1);
	CHECK(jpn(r.json, "memberships.0.events") == 3);
	CHECK(jpn(r.json, "memberships.0.stints") == 2);
	resp_release(&r);

	/* Search: diacritic-insensitive name, and the citizen ID. */
	r = api_get(&api.admin, "/people?q=tran%%20thi%%20kiem%%20thu&org=party");
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") >= 1);
	resp_release(&r);
	r = api_get(&api.admin, "/people?q=%s", id);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") == 1);
	CHECK(jpi(r.json, "items.0.person_id") == p);
	CHECK_STR(jps(r.json, "items.0.status"), "left");
	resp_release(&r);
	r = api_get(&api.admin, "/people?q=%s&status=active", id);
	CHECK(jpi(r.json, "total") == 0);
	resp_release(&r);
	r = api_get(&api.admin, "/people?limit=501");
	CHECK_ERROR(r, 422, "invalid", "limit");
	resp_release(&r);
}

TEST(members_stale_rev_conflict)
{
	char id[13], path[64];
	long long p = person_fresh("Lê Văn Phiên Bản", id), m, rev = 0;
	struct resp r;

	CHECK(p > 0);
	snprintf(path, sizeof path, "/people/%lld", p);
	r = api_send(&api.admin, "PATCH", path,
		     json_pack("{sI ss}", "rev", (json_int_t)1, "phone", "0912 345 678"), 0);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "rev") == 2);
	resp_release(&r);
	r = api_send(&api.admin, "PATCH", path,
		     json_pack("{sI ss}", "rev", (json_int_t)1, "phone", "0987654321"), 0);
	CHECK_ERROR(r, 409, "conflict", "rev");
	resp_release(&r);
	r = api_get(&api.admin, "/people/%lld", p);
	CHECK(jpi(r.json, "rev") == 2);
	resp_release(&r);
	r = api_send(&api.admin, "PATCH", path,
		     json_pack("{sI ss}", "rev", (json_int_t)2, "nickname", "x"), 0);
	CHECK_ERROR(r, 400, "bad_request", "nickname");
	resp_release(&r);

	m = admit(p, "youth", api_unit_id(&api.admin, "VN-01-DTN", NULL), "2012-04-01", &rev);
	CHECK(m > 0);
	snprintf(path, sizeof path, "/memberships/%lld", m);
	r = api_send(&api.admin, "PATCH", path,
		     json_pack("{ss sI}", "number", "DV-API-1", "rev", (json_int_t)rev), 0);
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "number"), "DV-API-1");
	resp_release(&r);
	r = api_send(&api.admin, "PATCH", path,
		     json_pack("{ss sI}", "number", "DV-API-2", "rev", (json_int_t)rev), 0);
	CHECK_ERROR(r, 409, "conflict", "rev");
	resp_release(&r);
	snprintf(path, sizeof path, "/memberships/%lld/events", m);
	r = api_post(&api.admin, path,
		     json_pack("{ss ss ss sI}", "kind", "suspend", "date", "2020-01-01",
			       "decision", "QĐ", "rev", (json_int_t)rev));
	CHECK_ERROR(r, 409, "conflict", "rev");
	resp_release(&r);
	/* A second membership of the same organization. */
	r = api_post(&api.admin, "/memberships",
		     json_pack("{sI ss sI ss ss}", "person_id", (json_int_t)p, "org", "youth",
			       "unit_id", (json_int_t)api_unit_id(&api.admin, "VN-01-DTN", NULL),
			       "date", "2013-01-01", "decision", "QĐ"));
	CHECK_ERROR(r, 409, "conflict", "org");
	resp_release(&r);
	/* A membership entered by mistake is deleted with its revision. */
	snprintf(path, sizeof path, "/memberships/%lld?rev=1", m);
	r = api_send(&api.admin, "DELETE", path, NULL, 0);
	CHECK_ERROR(r, 409, "conflict", "rev");
	resp_release(&r);
	snprintf(path, sizeof path, "/memberships/%lld?rev=%lld", m, rev + 1);
	r = api_send(&api.admin, "DELETE", path, NULL, 0);
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(&api.admin, "/memberships/%lld", m);
	CHECK_ERROR(r, 404, "not_found", NULL);
	resp_release(&r);
}

TEST(members_bad_citizen_id)
{
	char id[13], path[64];
	long long p;
	struct resp r;

	r = api_post(&api.admin, "/people",
		     json_pack("{ss ss}", "full_name", "Sai Số Căn Cước", "citizen_id", "12345"));
	CHECK_ERROR(r, 422, "invalid", "citizen_id");
	resp_release(&r);
	r = api_post(&api.admin, "/people",
		     json_pack("{ss ss}", "full_name", "Sai Số Căn Cước", "citizen_id",
			       "00109012345a"));
	CHECK_ERROR(r, 422, "invalid", "citizen_id");
	resp_release(&r);
	r = api_post(&api.admin, "/people",
		     json_pack("{ss ss}", "full_name", "Sai Ngày", "birth_date", "1990-02-30"));
	CHECK_ERROR(r, 422, "invalid", "birth_date");
	resp_release(&r);
	r = api_post(&api.admin, "/people", json_pack("{ss}", "gender", "M"));
	CHECK_STATUS2(r, 400, 422);
	CHECK_STR(jps(r.json, "error.field"), "full_name");
	resp_release(&r);
	r = api_post(&api.admin, "/people", json_pack("{ss si}", "full_name", "X", "phone", 5));
	CHECK_ERROR(r, 400, "bad_request", "phone");
	resp_release(&r);

	p = person_fresh("Nguyễn Văn Trùng", id);
	r = api_post(&api.admin, "/people",
		     json_pack("{ss ss}", "full_name", "Người Khác", "citizen_id", id));
	CHECK_ERROR(r, 409, "conflict", "citizen_id");
	resp_release(&r);
	snprintf(path, sizeof path, "/people/%lld", p);
	r = api_send(&api.admin, "PATCH", path, json_pack("{ss}", "citizen_id", "0010"), 0);
	CHECK_ERROR(r, 422, "invalid", "citizen_id");
	resp_release(&r);
}

/* POST a file to path (raw body). */
static struct resp post_raw(struct client *c, const char *path, const char *data)
{
	struct resp r;
	api_request(c, "POST", path, data, strlen(data), 0, &r);
	return r;
}

TEST(members_import_csv)
{
	char a[13], b[13], bad[13], csv[2048], q[160];
	long long c1 = api_unit_id(&api.admin, "VN-01-C01", NULL);
	struct resp r;

	cid(a, 0, 1985, serial_k++);
	cid(b, 1, 1992, serial_k++);
	cid(bad, 0, 1980, serial_k++);
	bad[5] = '\0'; /* 5 digits: refused */
	snprintf(csv, sizeof csv,
		 "\xEF\xBB\xBFHọ và tên;Giới tính;Ngày sinh;Số CCCD;Ngày vào Đảng;Mã đơn vị\r\n"
		 "Phạm Văn Nhập;Nam;12/03/1985;%s;15/06/2010;VN-01-C01\r\n"
		 "\"Đỗ Thị Khẩu\";Nữ;01/02/1992;%s;20/10/2016;\r\n"
		 "Vũ Văn Lỗi;Nam;01/02/1980;%s;20/10/2015;VN-01-C01\r\n",
		 a, b, bad);

	/* The preview maps the Vietnamese headers. */
	r = post_raw(&api.admin, "/imports/preview?file_name=members.csv", csv);
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "format"), "csv");
	CHECK_STR(jps(r.json, "delimiter"), ";");
	CHECK_STR(jps(r.json, "columns.0.field"), "full_name");
	CHECK_STR(jps(r.json, "columns.3.field"), "citizen_id");
	CHECK_STR(jps(r.json, "columns.4.field"), "joined");
	CHECK(jpn(r.json, "missing") == 0);
	CHECK(json_is_null(jp(r.json, "problem")));
	CHECK(jpn(r.json, "rows") == 3);
	CHECK(jpi(r.json, "rows.0.line") == 2);
	CHECK_STR(jps(r.json, "rows.0.values.gender"), "M");
	CHECK_STR(jps(r.json, "rows.0.values.birth_date"), "1985-03-12");
	resp_release(&r);
	r = post_raw(&api.admin, "/imports/preview", "Tên,Ngày sinh\r\nA,1/1/1990\r\n");
	CHECK_STATUS(r, 200);
	CHECK(jpn(r.json, "missing") > 0);
	CHECK_STR(jps(r.json, "problem.code"), "invalid");
	resp_release(&r);

	/* All or nothing: one bad row, nothing imported; the counts and the
	 * refused row come with the error, and the progress ends as failed. */
	snprintf(q, sizeof q, "/imports?org=party&unit=%lld&file_name=members.csv&ticket=fail-%s",
		 c1, api.tag);
	r = post_raw(&api.admin, q, csv);
	CHECK_ERROR(r, 422, "invalid", "file");
	CHECK(jpi(r.json, "rows") == 3);
	CHECK(jpi(r.json, "valid") == 2);
	CHECK(jpi(r.json, "rejected") == 1);
	CHECK(jpi(r.json, "inserted") == 0); /* the clean rows were rolled back */
	CHECK(jpi(r.json, "errors_more") == 0);
	CHECK(json_is_false(jp(r.json, "committed")));
	CHECK(jpn(r.json, "errors") == 1);
	CHECK(jpi(r.json, "errors.0.line") == 4);
	CHECK(strstr(jps(r.json, "errors.0.message") ? jps(r.json, "errors.0.message") : "",
		     "citizen_id") != NULL);
	resp_release(&r);
	r = api_get(&api.admin, "/imports/progress?ticket=fail-%s", api.tag);
	CHECK_STATUS(r, 200);
	CHECK(json_is_true(jp(r.json, "done")));
	CHECK_STR(jps(r.json, "state"), "failed");
	CHECK(jpi(r.json, "rows") == 3);
	CHECK(jpi(r.json, "result.rejected") == 1);
	CHECK(jpi(r.json, "result.inserted") == 0);
	CHECK_STR(jps(r.json, "error.field"), "file");
	resp_release(&r);
	r = api_get(&api.admin, "/people?q=%s", a);
	CHECK(jpi(r.json, "total") == 0);
	resp_release(&r);

	/* A dry run with skip_invalid writes nothing either; its progress
	 * ends as a dry run. */
	snprintf(q, sizeof q, "/imports?org=party&unit=%lld&skip_invalid=1&dry_run=1&ticket=dry-%s",
		 c1, api.tag);
	r = post_raw(&api.admin, q, csv);
	CHECK_STATUS(r, 200);
	CHECK(json_is_true(jp(r.json, "dry_run")));
	CHECK(jpi(r.json, "inserted") == 2);
	resp_release(&r);
	r = api_get(&api.admin, "/imports/progress?ticket=dry-%s", api.tag);
	CHECK_STATUS(r, 200);
	CHECK(json_is_true(jp(r.json, "done")));
	CHECK_STR(jps(r.json, "state"), "dry_run");
	CHECK(jpi(r.json, "result.inserted") == 2);
	CHECK(json_is_null(jp(r.json, "error")));
	resp_release(&r);
	r = api_get(&api.admin, "/people?q=%s", b);
	CHECK(jpi(r.json, "total") == 0);
	resp_release(&r);

	/* skip_invalid: the two clean rows are loaded; progress by ticket. */
	snprintf(q, sizeof q,
		 "/imports?org=party&unit=%lld&skip_invalid=1&file_name=members.csv&ticket=api-%s",
		 c1, api.tag);
	r = post_raw(&api.admin, q, csv);
	CHECK_STATUS(r, 201);
	CHECK(jpi(r.json, "rows") == 3);
	CHECK(jpi(r.json, "inserted") == 2);
	CHECK(jpi(r.json, "rejected") == 1);
	CHECK(json_is_true(jp(r.json, "committed")));
	CHECK(jpi(r.json, "job_id") > 0);
	{
		long long job = jpi(r.json, "job_id");
		struct resp g;
		resp_release(&r);
		g = api_get(&api.admin, "/imports/progress?ticket=api-%s", api.tag);
		CHECK_STATUS(g, 200);
		CHECK(json_is_true(jp(g.json, "done")));
		CHECK(jpi(g.json, "job_id") == job);
		CHECK(jpi(g.json, "rows") == 3);
		resp_release(&g);
		g = api_get(&api.admin, "/imports/%lld", job);
		CHECK_STATUS(g, 200);
		CHECK_STR(jps(g.json, "status"), "done");
		CHECK(jpi(g.json, "inserted") == 2);
		resp_release(&g);
		g = api_get(&api.admin, "/imports?limit=5");
		CHECK_STATUS(g, 200);
		CHECK(jpi(g.json, "items.0.id") >= job);
		resp_release(&g);
	}
	r = api_get(&api.admin, "/people?q=%s", b);
	CHECK(jpi(r.json, "total") == 1);
	CHECK(jpi(r.json, "items.0.unit.id") == c1); /* the default unit */
	resp_release(&r);
	r = api_get(&api.admin, "/imports/progress?ticket=nobody-knows-it");
	CHECK_ERROR(r, 404, "not_found", "ticket");
	resp_release(&r);
	r = api_get(&api.admin, "/imports/progress?ticket=bad");
	CHECK_ERROR(r, 422, "invalid", "ticket");
	resp_release(&r);

	/* Re-importing the same file changes nothing. */
	r = post_raw(&api.admin, q, csv);
	CHECK_STATUS(r, 201);
	CHECK(jpi(r.json, "inserted") == 0);
	CHECK(jpi(r.json, "unchanged") == 2);
	resp_release(&r);

	/* Refusals. */
	r = post_raw(&api.admin, "/imports?org=nobody", csv);
	CHECK_ERROR(r, 422, "invalid", "org");
	resp_release(&r);
	api_request(&api.admin, "POST", "/imports?org=party", "", 0, 0, &r);
	CHECK_ERROR(r, 400, "bad_request", NULL);
	resp_release(&r);
	{
		static const char utf16[] = "\xFF\xFEH\0o\0";
		api_request(&api.admin, "POST", "/imports?org=party", utf16, sizeof utf16 - 1, 0,
			    &r);
		CHECK(r.status == 400 || r.status == 422);
		CHECK_STR(jps(r.json, "error.field"), "file");
		resp_release(&r);
	}
}

TEST(members_export_neutralized)
{
	static const char evil[] = "=cmd|' /C calc'!A0";
	char id[13], path[64];
	long long c1 = api_unit_id(&api.admin, "VN-01-C01", NULL), p;
	struct resp r;
	const char *line;

	p = person_fresh("Hoàng Văn Xuất", id);
	snprintf(path, sizeof path, "/people/%lld", p);
	r = api_send(&api.admin, "PATCH", path,
		     json_pack("{ss ss}", "residence", evil, "hometown", "+SUM(1,2)"), 0);
	CHECK_STATUS(r, 200);
	resp_release(&r);
	CHECK(admit(p, "party", c1, "2019-09-02", NULL) > 0);

	r = api_get(&api.admin, "/members/export?format=csv&org=party&unit=%lld", c1);
	CHECK_STATUS(r, 200);
	CHECK(strstr(r.headers, "text/csv") != NULL);
	CHECK(strstr(r.headers, "attachment; filename=\"members-party-") != NULL);
	CHECK(strncmp(r.body, "\xEF\xBB\xBF" "citizen_id,full_name", 23) == 0);
	line = strstr(r.body, id);
	CHECK(line != NULL);
	CHECK(strstr(r.body, "cmd|") != NULL);
	/* No cell starts with = or +: each is preceded by an apostrophe. */
	CHECK(strstr(r.body, ",=cmd") == NULL && strstr(r.body, "\"=cmd") == NULL &&
	      strstr(r.body, "\n=cmd") == NULL);
	CHECK(strstr(r.body, ",'=cmd|") != NULL || strstr(r.body, "\"'=cmd|") != NULL);
	CHECK(strstr(r.body, ",+SUM") == NULL && strstr(r.body, "\"+SUM") == NULL);
	resp_release(&r);

	r = api_get(&api.admin, "/members/export?format=xlsx&org=party&unit=%lld", c1);
	CHECK_STATUS(r, 200);
	CHECK(strstr(r.headers, "spreadsheetml") != NULL);
	CHECK(r.len > 100 && memcmp(r.body, "PK\003\004", 4) == 0);
	resp_release(&r);

	r = api_get(&api.admin, "/members/export?format=pdf&org=party");
	CHECK_ERROR(r, 422, "invalid", "format");
	resp_release(&r);
	r = api_get(&api.admin, "/members/export?format=csv");
	CHECK_ERROR(r, 422, "invalid", "org");
	resp_release(&r);
	r = api_get(&api.admin, "/members/export?format=csv&org=party&as_of=2025-02-30");
	CHECK_STATUS2(r, 400, 422);
	CHECK_STR(jps(r.json, "error.field"), "as_of");
	resp_release(&r);
}

TEST(members_quality_fix_record)
{
	long long hn = api_unit_id(&api.admin, "VN-01", NULL);
	long long c1 = api_unit_id(&api.admin, "VN-01-C01", NULL);
	long long p, rec0, clean0;
	char id[13], good[13], path[64];
	struct resp r;

	r = api_get(&api.admin, "/quality?unit=%lld", hn);
	CHECK_STATUS(r, 200);
	rec0 = jpi(r.json, "records");
	clean0 = jpi(r.json, "clean");
	CHECK(rec0 >= clean0 && clean0 >= 0);
	CHECK(json_is_number(jp(r.json, "quality_pct")) || rec0 == 0);
	CHECK(json_is_array(jp(r.json, "by_rule")));
	CHECK(json_is_array(jp(r.json, "by_unit")));
	resp_release(&r);

	/* A 12-digit ID whose province code (099) does not exist: stored, but
	 * flagged. */
	cid(good, 0, 1990, serial_k++);
	snprintf(id, sizeof id, "099%s", good + 3);
	p = person_new(&api.admin, "Bùi Văn Gắn Cờ", 0, "1990-05-17", id);
	CHECK(p > 0);
	CHECK(admit(p, "party", c1, "2018-05-19", NULL) > 0);
	r = api_get(&api.admin, "/quality?unit=%lld", hn);
	CHECK(jpi(r.json, "records") == rec0 + 1);
	CHECK(jpi(r.json, "clean") == clean0);
	CHECK(jfind(r.json, "by_rule", "rule", "citizen_id.province") != NULL);
	resp_release(&r);
	r = api_get(&api.admin, "/quality/problems?unit=%lld&limit=500", c1);
	CHECK_STATUS(r, 200);
	CHECK(jfind(r.json, "items", "citizen_id", id) != NULL);
	CHECK_STR(jps(jfind(r.json, "items", "citizen_id", id), "rule"), "citizen_id.province");
	CHECK(jpi(jfind(r.json, "items", "citizen_id", id), "person_id") == p);
	resp_release(&r);
	r = api_get(&api.admin, "/quality/problems?unit=%lld&format=csv", c1);
	CHECK_STATUS(r, 200);
	CHECK(strstr(r.headers, "attachment; filename=\"quality-") != NULL);
	CHECK(strstr(r.body, id) != NULL);
	resp_release(&r);

	/* Fixing the record updates the figures at once. */
	snprintf(path, sizeof path, "/people/%lld", p);
	r = api_send(&api.admin, "PATCH", path, json_pack("{ss sI}", "citizen_id", good, "rev",
							  (json_int_t)1), 0);
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(&api.admin, "/quality?unit=%lld", hn);
	CHECK(jpi(r.json, "records") == rec0 + 1);
	CHECK(jpi(r.json, "clean") == clean0 + 1);
	resp_release(&r);
	r = api_get(&api.admin, "/quality/problems?unit=%lld&limit=500", c1);
	CHECK(jfind(r.json, "items", "citizen_id", id) == NULL);
	resp_release(&r);

	r = api_get(&api.admin, "/quality/history?unit=%lld", hn);
	CHECK_STATUS(r, 200);
	CHECK(jpn(r.json, "items") >= 1);
	CHECK(jp(r.json, "items.0.day") != NULL);
	resp_release(&r);
	r = api_get(&api.admin, "/quality/problems?unit=%lld&format=doc", hn);
	CHECK_ERROR(r, 422, "invalid", "format");
	resp_release(&r);
}

TEST(members_list_as_of_and_person_quality)
{
	long long hn = api_unit_id(&api.admin, "VN-01", NULL);
	long long c1 = api_unit_id(&api.admin, "VN-01-C01", NULL);
	long long c3 = api_unit_id(&api.admin, "VN-01-C03", NULL);
	long long p, m, bad, rev = 0;
	char id[13], bad_id[13], path[64];
	struct client tq = {0};
	struct resp r;

	p = person_fresh("Tạ Văn Ngày Cũ", id);
	m = admit(p, "party", c1, "2021-03-01", &rev);
	CHECK(m > 0);
	snprintf(path, sizeof path, "/memberships/%lld/events", m);
	r = api_post(&api.admin, path,
		     json_pack("{ss ss ss sI}", "kind", "transfer", "date", "2025-08-01", "decision",
			       "QĐ chuyển", "to_unit", (json_int_t)c3));
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_post(&api.admin, path,
		     json_pack("{ss ss ss}", "kind", "suspend", "date", "2025-09-01", "decision",
			       "QĐ đình chỉ"));
	CHECK_STATUS(r, 200);
	resp_release(&r);

	/* As of 2024-01-01: in VN-01-C01, active, with the unit's name. */
	r = api_get(&api.admin, "/people?q=%s&as_of=2024-01-01", id);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") == 1);
	CHECK(jpi(r.json, "items.0.unit.id") == c1);
	CHECK_STR(jps(r.json, "items.0.unit.code"), "VN-01-C01");
	CHECK(jps(r.json, "items.0.unit.name") && jps(r.json, "items.0.unit.name")[0]);
	CHECK_STR(jps(r.json, "items.0.status"), "active");
	CHECK_STR(jps(r.json, "as_of"), "2024-01-01");
	resp_release(&r);
	/* As of 2025-09-15: in VN-01-C03, suspended; the unit filter follows. */
	r = api_get(&api.admin, "/people?q=%s&as_of=2025-09-15", id);
	CHECK(jpi(r.json, "items.0.unit.id") == c3);
	CHECK_STR(jps(r.json, "items.0.status"), "suspended");
	resp_release(&r);
	r = api_get(&api.admin, "/people?q=%s&as_of=2024-01-01&unit=%lld", id, c3);
	CHECK(jpi(r.json, "total") == 0);
	resp_release(&r);
	r = api_get(&api.admin, "/people?q=%s&as_of=2025-09-15&status=active", id);
	CHECK(jpi(r.json, "total") == 0);
	resp_release(&r);
	r = api_get(&api.admin, "/people?q=%s&as_of=2021-02-28", id);
	CHECK(jpi(r.json, "total") == 0);
	resp_release(&r);
	/* Today's list: the unit's name too. */
	r = api_get(&api.admin, "/people?q=%s", id);
	CHECK(jpi(r.json, "items.0.unit.id") == c3);
	CHECK(jps(r.json, "items.0.unit.name") && jps(r.json, "items.0.unit.name")[0]);
	CHECK(jp(r.json, "as_of") == NULL);
	resp_release(&r);
	/* Dates that do not exist. */
	r = api_get(&api.admin, "/people?as_of=2025-02-30");
	CHECK_STATUS2(r, 400, 422);
	CHECK_STR(jps(r.json, "error.field"), "as_of");
	resp_release(&r);
	r = api_get(&api.admin, "/people?as_of=yesterday");
	CHECK_STATUS2(r, 400, 422);
	CHECK_STR(jps(r.json, "error.field"), "as_of");
	resp_release(&r);
	/* The export as of the same day: that day's status. */
	r = api_get(&api.admin, "/members/export?org=party&unit=%lld&as_of=2025-09-15&format=csv", hn);
	CHECK_STATUS(r, 200);
	{
		const char *line = r.body ? strstr(r.body, id) : NULL;
		const char *eol = line ? strchr(line, '\n') : NULL;
		CHECK(line != NULL);
		if (line && eol) {
			char row[1024];
			snprintf(row, sizeof row, "%.*s", (int)(eol - line), line);
			CHECK(strstr(row, "VN-01-C03") != NULL && strstr(row, "suspended") != NULL);
		}
	}
	resp_release(&r);

	/* A person's quality verdict: clean, then one flagged. */
	r = api_get(&api.admin, "/people/%lld/quality", p);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "person_id") == p);
	CHECK(jpi(r.json, "records") == 1);
	CHECK(jpi(r.json, "errors") == 0);
	CHECK(json_is_true(jp(r.json, "ok")));
	resp_release(&r);
	cid(bad_id, 0, 1990, serial_k++);
	memcpy(bad_id, "099", 3); /* no such province */
	bad = person_new(&api.admin, "Lỗi Văn Tỉnh", 0, "1990-05-17", bad_id);
	CHECK(admit(bad, "party", c1, "2018-05-19", NULL) > 0);
	r = api_get(&api.admin, "/people/%lld/quality", bad);
	CHECK_STATUS(r, 200);
	CHECK(json_is_false(jp(r.json, "ok")));
	CHECK(jpi(r.json, "errors") >= 1);
	CHECK(jfind(r.json, "problems", "rule", "citizen_id.province") != NULL);
	CHECK_STR(jps(jfind(r.json, "problems", "rule", "citizen_id.province"), "fix"), "person");
	CHECK_STR(jps(jfind(r.json, "problems", "rule", "citizen_id.province"), "severity"), "error");
	CHECK(jps(jfind(r.json, "problems", "rule", "citizen_id.province"), "message_vi") != NULL);
	resp_release(&r);
	r = api_get(&api.admin, "/people/999999999/quality");
	CHECK_ERROR(r, 404, "not_found", "id");
	resp_release(&r);
	CHECK(api_login(&tq, "tuyenquang.manager", DEMO_PASSWORD) == 200);
	r = api_get(&tq, "/people/%lld/quality", bad);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_get(&tq, "/people?q=%s&as_of=2024-01-01", id);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") == 0);
	resp_release(&r);
	client_release(&tq);
}

TEST(members_scope_forbidden)
{
	struct client v = {0}, m = {0};
	long long tq_tu = api_unit_id(&api.admin, "VN-N08-TU", NULL);
	long long hn = api_unit_id(&api.admin, "VN-01", NULL);
	long long tq = api_unit_id(&api.admin, "VN-N08", NULL);
	long long c1 = api_unit_id(&api.admin, "VN-01-C01", NULL);
	long long p_tq, p_hn, m_tq;
	char id[13], id2[13], path[64];
	struct resp r;

	CHECK(tq_tu > 0 && hn > 0 && tq > 0);
	p_tq = person_fresh("Ngô Văn Ngoài Phạm Vi", id);
	m_tq = admit(p_tq, "party", tq_tu, "2025-07-15", NULL);
	p_hn = person_fresh("Đinh Văn Trong Phạm Vi", id2);
	CHECK(admit(p_hn, "party", c1, "2015-07-15", NULL) > 0);

	CHECK(api_login(&v, "hanoi.viewer", DEMO_PASSWORD) == 200);
	r = api_get(&v, "/people/%lld", p_tq);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_get(&v, "/memberships/%lld", m_tq);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_get(&v, "/people/%lld", p_hn);
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(&v, "/people?q=%s", id);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") == 0);
	resp_release(&r);
	r = api_get(&v, "/units/%lld/stats", tq);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_get(&v, "/quality?unit=%lld", tq);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_get(&v, "/quality");
	CHECK_STATUS(r, 200); /* the viewer's own unit */
	CHECK(jpi(r.json, "unit_id") == hn);
	resp_release(&r);
	/* A viewer reads but does not write. */
	snprintf(path, sizeof path, "/people/%lld", p_hn);
	r = api_send(&v, "PATCH", path, json_pack("{ss}", "phone", "0900000000"), 0);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_post(&v, "/memberships",
		     json_pack("{sI ss sI ss ss}", "person_id", (json_int_t)p_hn, "org", "youth",
			       "unit_id", (json_int_t)api_unit_id(&api.admin, "VN-01-DTN", NULL),
			       "date", "2016-01-01", "decision", "QĐ"));
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	api_request(&v, "POST", "/imports?org=party", "Họ và tên\nA\n",
		    strlen("Họ và tên\nA\n"), 0, &r);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	client_release(&v);

	/* The Tuyên Quang manager may not transfer a Hà Nội member. */
	CHECK(api_login(&m, "tuyenquang.manager", DEMO_PASSWORD) == 200);
	r = api_get(&m, "/people/%lld", p_hn);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_get(&m, "/people/%lld", p_tq);
	CHECK_STATUS(r, 200);
	resp_release(&r);
	client_release(&m);

	/* Without a session: 401; a cookie request without CSRF: 403. */
	r = api_get(NULL, "/people");
	CHECK_ERROR(r, 401, "unauthenticated", NULL);
	resp_release(&r);
	r = api_send(&api.admin, "POST", "/people", json_pack("{ss}", "full_name", "X"),
		     REQ_NO_CSRF);
	CHECK_ERROR(r, 403, "csrf", NULL);
	resp_release(&r);
}

/* GET /people?q=citizen_id as c: the total. */
static long long listed(struct client *c, const char *citizen_id)
{
	struct resp r = api_get(c, "/people?q=%s", citizen_id);
	long long n = jpi(r.json, "total");
	CHECK_STATUS(r, 200);
	resp_release(&r);
	return n;
}

/* People who hold no membership are seen inside the scope of the unit that
 * holds their record (the registering office's own unit, or the unit
 * given), not by every registrar of the country; admission clears the
 * holder, deleting the only membership hands the record to its unit. */
TEST(members_unaffiliated_holder)
{
	struct client tq = {0}, v = {0};
	long long hn = api_unit_id(&api.admin, "VN-01", NULL);
	long long tq_unit = api_unit_id(&api.admin, "VN-N08", NULL);
	long long c1 = api_unit_id(&api.admin, "VN-01-C01", NULL);
	long long p_admin, p_tq, p_hn, mid;
	char id_admin[13], id_tq[13], id_hn[13], path[64];
	struct resp r;

	CHECK(hn > 0 && tq_unit > 0 && c1 > 0);
	CHECK(api_login(&tq, "tuyenquang.manager", DEMO_PASSWORD) == 200);
	CHECK(api_login(&v, "hanoi.viewer", DEMO_PASSWORD) == 200);

	/* registered by the national administrator: held by the root */
	p_admin = person_fresh("Lý Văn Chưa Vào", id_admin);
	r = api_get(&api.admin, "/people/%lld", p_admin);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "holder_unit_id") == api.root_id);
	resp_release(&r);
	/* by the Tuyên Quang manager: held by VN-N08 */
	cid(id_tq, 1, 1990, serial_k++);
	p_tq = person_new(&tq, "Hà Thị Mới Đăng Ký", 1, "1990-03-02", id_tq);
	r = api_get(&tq, "/people/%lld", p_tq);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "holder_unit_id") == tq_unit);
	resp_release(&r);
	/* by the administrator for Hà Nội */
	cid(id_hn, 0, 1991, serial_k++);
	r = api_post(&api.admin, "/people",
		     json_pack("{ss ss ss sI}", "full_name", "Tạ Văn Hồ Sơ Hà Nội", "citizen_id",
			       id_hn, "birth_date", "1991-01-01", "unit_id", (json_int_t)hn));
	CHECK_STATUS(r, 201);
	p_hn = jpi(r.json, "id");
	CHECK(jpi(r.json, "holder_unit_id") == hn);
	resp_release(&r);

	/* The manager, a registrar, no longer sees the administrator's person. */
	r = api_get(&tq, "/people/%lld", p_admin);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	CHECK(listed(&tq, id_admin) == 0);
	CHECK(listed(&tq, id_tq) == 1);
	r = api_get(&tq, "/people/%lld/quality", p_admin);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	/* The Hà Nội viewer sees the person held by Hà Nội, not the others. */
	r = api_get(&v, "/people/%lld", p_hn);
	CHECK_STATUS(r, 200);
	resp_release(&r);
	CHECK(listed(&v, id_hn) == 1);
	r = api_get(&v, "/people/%lld/quality", p_hn);
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(&v, "/people/%lld", p_tq);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	CHECK(listed(&v, id_tq) == 0);
	CHECK(listed(&api.admin, id_tq) == 1);
	/* and may not correct it (a viewer) */
	snprintf(path, sizeof path, "/people/%lld", p_hn);
	r = api_send(&v, "PATCH", path, json_pack("{ss}", "phone", "0900000001"), 0);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	/* the manager may not correct a record Hà Nội holds */
	r = api_send(&tq, "PATCH", path, json_pack("{ss}", "phone", "0900000001"), 0);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	/* the holder is chosen at registration, not by a correction */
	r = api_send(&api.admin, "PATCH", path, json_pack("{sI}", "unit_id", (json_int_t)c1), 0);
	CHECK_ERROR(r, 400, "bad_request", "unit_id");
	resp_release(&r);

	/* A unit outside the registrar's scope, or none, is refused. */
	r = api_post(&tq, "/people", json_pack("{ss sI}", "full_name", "Ngoài Phạm Vi", "unit_id",
					       (json_int_t)hn));
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_post(&api.admin, "/people", json_pack("{ss sI}", "full_name", "Không Có Đơn Vị",
						      "unit_id", (json_int_t)987654321));
	CHECK_ERROR(r, 422, "invalid", "unit_id");
	resp_release(&r);
	r = api_post(&api.admin, "/people",
		     json_pack("{ss ss}", "full_name", "Sai Kiểu", "unit_id", "VN-01"));
	CHECK_ERROR(r, 400, "bad_request", "unit_id");
	resp_release(&r);

	/* The manager admits the administrator's person only with the
	 * person's citizen ID (an office admits someone whose papers it has),
	 * and sees them from then on. */
	{
		long long tq_tu = api_unit_id(&api.admin, "VN-N08-TU", NULL);
		char other[13];
		json_t *body = json_pack("{sI ss sI ss ss}", "person_id", (json_int_t)p_admin, "org",
					 "party", "unit_id", (json_int_t)tq_tu, "date", "2025-08-01",
					 "decision", "QĐ kết nạp");
		CHECK(tq_tu > 0);
		r = api_post(&tq, "/memberships", json_deep_copy(body));
		CHECK_ERROR(r, 403, "forbidden", "person_id");
		resp_release(&r);
		cid(other, 0, 1990, serial_k++);
		json_object_set_new(body, "citizen_id", json_string(other));
		r = api_post(&tq, "/memberships", json_deep_copy(body));
		CHECK_ERROR(r, 422, "invalid", "citizen_id");
		resp_release(&r);
		json_object_set_new(body, "citizen_id", json_string(id_admin));
		r = api_post(&tq, "/memberships", body);
		CHECK_STATUS(r, 201);
		resp_release(&r);
		r = api_get(&tq, "/people/%lld", p_admin);
		CHECK_STATUS(r, 200);
		CHECK(json_is_null(jp(r.json, "holder_unit_id")));
		resp_release(&r);
		CHECK(listed(&tq, id_admin) == 1);
	}

	/* Admitted: the membership's unit decides; the holder is gone. */
	mid = admit(p_tq, "party", c1, "2020-02-02", NULL);
	r = api_get(&api.admin, "/people/%lld", p_tq);
	CHECK_STATUS(r, 200);
	CHECK(json_is_null(jp(r.json, "holder_unit_id")));
	resp_release(&r);
	r = api_get(&v, "/people/%lld", p_tq);
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(&tq, "/people/%lld", p_tq);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	/* The admission deleted again: the record stays with its unit. */
	snprintf(path, sizeof path, "/memberships/%lld", mid);
	r = api_send(&api.admin, "DELETE", path, NULL, 0);
	CHECK(r.status == 200 || r.status == 204);
	resp_release(&r);
	r = api_get(&api.admin, "/people/%lld", p_tq);
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "holder_unit_id") == c1);
	CHECK(jpn(r.json, "memberships") == 0);
	resp_release(&r);
	CHECK(listed(&v, id_tq) == 1);
	CHECK(listed(&tq, id_tq) == 0);
	client_release(&tq);
	client_release(&v);
}
