/*
 * test_member.c — unit tests of people, memberships and their events on
 * both drivers: validation of person fields, every event kind, every
 * refusal (field named), history kept through transfers, revisions,
 * permissions, search and export, the audit chain afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/member.h"
#include "domain/member_internal.h"
#include "domain/quality.h"
#include "test.h"
#include "test_member.h"

static int field_is(const struct err *e, enum err_code code, const char *field)
{
	return e->code == code && strcmp(e->field, field) == 0;
}

DB_TEST(member_person_fields_are_cleaned_and_checked)
{
	struct mfix f;
	struct member_record r;
	struct err e = ERR_INIT;
	json_t *p = NULL;
	int64_t id = 0;
	mfix_setup(db, &f);
	memset(&r, 0, sizeof r);
	/* "Nguyễn" written decomposed, with extra spaces: stored NFC, single-spaced. */
	r.f[MF_FULL_NAME] = "  Nguye\xcc\x82\xcc\x83n   Va\xcc\x86n  An ";
	r.f[MF_CITIZEN_ID] = "001080123456";
	r.f[MF_GENDER] = "Nam";
	r.f[MF_BIRTH_DATE] = "1980-05-17";
	CHECK(member_person_create(&f.cx, &r, 0, &id, &p, &e) == 0);
	CHECK(id > 0);
	CHECK_STR(json_string_value(json_object_get(p, "full_name")), "Nguyễn Văn An");
	CHECK_STR(json_string_value(json_object_get(p, "gender")), "M");
	json_decref(p);
	/* Refusals name the field. */
	r.f[MF_CITIZEN_ID] = "001080123457";
	r.f[MF_FULL_NAME] = "   ";
	CHECK(member_person_create(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "full_name"));
	r.f[MF_FULL_NAME] = "Trần Thị Bình";
	r.f[MF_CITIZEN_ID] = "00108012345";
	CHECK(member_person_create(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "citizen_id"));
	r.f[MF_CITIZEN_ID] = "00108012345X";
	CHECK(member_person_create(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "citizen_id"));
	r.f[MF_CITIZEN_ID] = "001080123456"; /* taken */
	CHECK(member_person_create(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_CONFLICT, "citizen_id"));
	r.f[MF_CITIZEN_ID] = "";
	r.f[MF_BIRTH_DATE] = "1985-02-30";
	CHECK(member_person_create(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "birth_date"));
	r.f[MF_BIRTH_DATE] = "2999-01-01";
	CHECK(member_person_create(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "birth_date"));
	r.f[MF_BIRTH_DATE] = "1985-02-28";
	r.f[MF_GENDER] = "X";
	CHECK(member_person_create(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "gender"));
	r.f[MF_GENDER] = "Nữ";
	r.f[MF_PHONE] = "0912\x01";
	CHECK(member_person_create(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "phone"));
	r.f[MF_PHONE] = "0912 345 678";
	CHECK(member_person_create(&f.cx, &r, 0, &id, NULL, &e) == 0); /* no citizen ID: fine */
	/* Update: only the given fields, with the revision. */
	memset(&r, 0, sizeof r);
	r.f[MF_RESIDENCE] = "Thôn Đông,  xã Một";
	CHECK(member_person_update(&f.cx, id, 1, &r, &p, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(p, "residence")), "Thôn Đông, xã Một");
	CHECK_STR(json_string_value(json_object_get(p, "full_name")), "Trần Thị Bình");
	CHECK(json_integer_value(json_object_get(p, "rev")) == 2);
	json_decref(p);
	CHECK(member_person_update(&f.cx, id, 1, &r, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_CONFLICT, "rev"));
	r.f[MF_CITIZEN_ID] = "001080123456"; /* someone else's */
	CHECK(member_person_update(&f.cx, id, 0, &r, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_CONFLICT, "citizen_id"));
}

DB_TEST(member_every_event_keeps_history)
{
	struct mfix f;
	struct err e = ERR_INIT;
	json_t *p = NULL, *m, *stints, *events;
	int64_t pid, mid, rows = 0, bad = 0;
	mfix_setup(db, &f);
	pid = mfix_person(&f.cx, "Lê Văn Cường", "001080000001", "M", "1980-01-01");
	mid = mfix_admit(&f.cx, pid, "party", f.c1, "2010-03-01", &e);
	CHECK(mid > 0);
	CHECK(mfix_event(&f.cx, mid, MEV_OFFICIAL, "2011-03-01", 0, &e) == 0);
	CHECK(mfix_event(&f.cx, mid, MEV_TRANSFER, "2015-06-01", f.c3, &e) == 0);
	CHECK(mfix_event(&f.cx, mid, MEV_SUSPEND, "2016-01-01", 0, &e) == 0);
	CHECK(mfix_event(&f.cx, mid, MEV_REINSTATE, "2016-06-01", 0, &e) == 0);
	CHECK(mfix_event(&f.cx, mid, MEV_TRANSFER, "2018-01-01", f.c2, &e) == 0);
	CHECK(mfix_event(&f.cx, mid, MEV_LEAVE, "2020-01-01", 0, &e) == 0);
	CHECK(member_person_get(&f.cx, pid, &p, &e) == 0);
	m = json_array_get(json_object_get(p, "memberships"), 0);
	CHECK_STR(json_string_value(json_object_get(m, "status")), "left");
	CHECK_STR(json_string_value(json_object_get(m, "ended")), "2020-01-01");
	CHECK_STR(json_string_value(json_object_get(m, "official")), "2011-03-01");
	stints = json_object_get(m, "stints");
	CHECK(json_array_size(stints) == 3);
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(stints, 0), "unit"), "code")), "C1");
	CHECK_STR(json_string_value(json_object_get(json_array_get(stints, 0), "to")), "2015-06-01");
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(stints, 1), "unit"), "code")), "C3");
	CHECK_STR(json_string_value(json_object_get(json_array_get(stints, 2), "from")), "2018-01-01");
	CHECK_STR(json_string_value(json_object_get(json_array_get(stints, 2), "to")), "2020-01-01");
	events = json_object_get(m, "events");
	CHECK(json_array_size(events) == 7);
	CHECK_STR(json_string_value(json_object_get(json_array_get(events, 2), "kind")), "transfer");
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(events, 2), "to_unit"), "code")), "C3");
	json_decref(p);
	/* An ended membership takes no more events. */
	CHECK(mfix_event(&f.cx, mid, MEV_TRANSFER, "2021-01-01", f.c1, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "membership_id"));
	/* Expel and death end a membership with their status. */
	pid = mfix_person(&f.cx, "Phạm Thị Dung", "001185000002", "F", "1985-01-01");
	mid = mfix_admit(&f.cx, pid, "party", f.c1, "2010-03-01", &e);
	CHECK(mfix_event(&f.cx, mid, MEV_EXPEL, "2012-01-01", 0, &e) == 0);
	CHECK(member_membership_get(&f.cx, mid, &m, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(m, "status")), "expelled");
	json_decref(m);
	pid = mfix_person(&f.cx, "Hoàng Văn Em", "001050000003", "M", "1950-01-01");
	mid = mfix_admit(&f.cx, pid, "party", f.c3, "2005-03-01", &e);
	CHECK(mfix_event(&f.cx, mid, MEV_DEATH, "2019-09-09", 0, &e) == 0);
	CHECK(member_membership_get(&f.cx, mid, &m, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(m, "status")), "dead");
	CHECK_STR(json_string_value(json_object_get(m, "ended")), "2019-09-09");
	json_decref(m);
	CHECK(audit_verify(db, &rows, &bad, &e) == 0);
	CHECK(rows > 10);
}

DB_TEST(member_refusals_name_the_field)
{
	struct mfix f;
	struct err e = ERR_INIT;
	struct member_event_req r;
	int64_t pid, mid, c12, src[2];
	mfix_setup(db, &f);
	pid = mfix_person(&f.cx, "Đỗ Văn Giang", "001090000004", "M", "1990-01-01");
	/* A unit that does not exist yet on the date. */
	CHECK(mfix_admit(&f.cx, pid, "party", f.c1, "1999-12-31", &e) == 0);
	CHECK(field_is(&e, ERR_INVALID, "unit_id"));
	/* A unit of another organization. */
	CHECK(mfix_admit(&f.cx, pid, "youth", f.c1, "2010-01-01", &e) == 0);
	CHECK(field_is(&e, ERR_INVALID, "unit_id"));
	CHECK(mfix_admit(&f.cx, pid, "nobody", f.c1, "2010-01-01", &e) == 0);
	CHECK(field_is(&e, ERR_INVALID, "org"));
	CHECK(mfix_admit(&f.cx, pid, "party", f.c1, "2010-02-30", &e) == 0);
	CHECK(field_is(&e, ERR_INVALID, "date"));
	CHECK(mfix_admit(&f.cx, 999999, "party", f.c1, "2010-01-01", &e) == 0);
	CHECK(field_is(&e, ERR_NOT_FOUND, "person_id"));
	mid = mfix_admit(&f.cx, pid, "party", f.c1, "2010-01-01", &e);
	CHECK(mid > 0);
	/* A second membership in the same organization. */
	CHECK(mfix_admit(&f.cx, pid, "party", f.c2, "2011-01-01", &e) == 0);
	CHECK(field_is(&e, ERR_CONFLICT, "org"));
	/* But another organization is fine. */
	CHECK(mfix_admit(&f.cx, pid, "youth", f.y1, "2010-05-01", &e) > 0);
	/* Transfer to the same unit; before the last event; to a unit of
	 * another organization. */
	CHECK(mfix_event(&f.cx, mid, MEV_TRANSFER, "2012-01-01", f.c1, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "to_unit"));
	CHECK(mfix_event(&f.cx, mid, MEV_TRANSFER, "2012-01-01", f.y1, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "to_unit"));
	CHECK(mfix_event(&f.cx, mid, MEV_OFFICIAL, "2011-01-01", 0, &e) == 0);
	CHECK(mfix_event(&f.cx, mid, MEV_SUSPEND, "2010-06-01", 0, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "date"));
	CHECK(mfix_event(&f.cx, mid, MEV_OFFICIAL, "2012-01-01", 0, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "kind"));
	CHECK(mfix_event(&f.cx, mid, MEV_REINSTATE, "2012-01-01", 0, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "kind"));
	CHECK(mfix_event(&f.cx, mid, MEV_ADMIT, "2012-01-01", 0, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "kind"));
	CHECK(mfix_event(&f.cx, mid, MEV_LEAVE, "2999-01-01", 0, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "date"));
	memset(&r, 0, sizeof r);
	r.kind = MEV_SUSPEND;
	r.membership_id = mid;
	r.date = "2012-01-01";
	CHECK(member_event(&f.cx, &r, NULL, &e) < 0); /* no decision */
	CHECK(field_is(&e, ERR_INVALID, "decision"));
	r.decision = "x";
	r.rev = 1; /* stale: admit and official moved it on */
	CHECK(member_event(&f.cx, &r, NULL, &e) < 0);
	CHECK(field_is(&e, ERR_CONFLICT, "rev"));
	/* A unit merged away does not exist after the merger. */
	src[0] = f.c2;
	src[1] = f.c3;
	c12 = mfix_merge(&f.cx, src, 2, "C23", "party_cell", f.t1, "2020-01-01");
	CHECK(mfix_event(&f.cx, mid, MEV_TRANSFER, "2021-01-01", f.c2, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "to_unit"));
	CHECK(mfix_event(&f.cx, mid, MEV_TRANSFER, "2021-01-01", c12, &e) == 0);
	CHECK(mfix_event(&f.cx, 424242, MEV_LEAVE, "2021-01-01", 0, &e) < 0);
	CHECK(field_is(&e, ERR_NOT_FOUND, "membership_id"));
}

DB_TEST(member_permissions_follow_role_and_scope)
{
	struct mfix f;
	struct cx viewer, clerk2, clerk1;
	struct err e = ERR_INIT;
	json_t *p = NULL;
	int64_t pid, mid;
	mfix_setup(db, &f);
	mfix_user(&f, "p1.viewer", "viewer", f.p1, &viewer);
	mfix_user(&f, "p2.clerk", "clerk", f.p2, &clerk2);
	mfix_user(&f, "p1.clerk", "clerk", f.p1, &clerk1);
	/* registered by the P1 office: its record is P1's until admitted */
	pid = mfix_person(&clerk1, "Bùi Văn Hải", "001080000005", "M", "1980-01-01");
	CHECK(mfix_admit(&viewer, pid, "party", f.c1, "2010-01-01", &e) == 0);
	CHECK(e.code == ERR_FORBIDDEN);
	CHECK(mfix_admit(&clerk2, pid, "party", f.c1, "2010-01-01", &e) == 0);
	CHECK(e.code == ERR_FORBIDDEN);
	mid = mfix_admit(&clerk1, pid, "party", f.c1, "2010-01-01", &e);
	CHECK(mid > 0);
	/* The viewer of P1 reads it; the clerk of P2 does not. */
	CHECK(member_person_get(&viewer, pid, &p, &e) == 0);
	json_decref(p);
	CHECK(member_person_get(&clerk2, pid, &p, &e) < 0 && e.code == ERR_FORBIDDEN);
	/* A transfer into P2 is the sending unit's decision; then P2 owns it. */
	CHECK(mfix_event(&clerk2, mid, MEV_TRANSFER, "2012-01-01", f.c3, &e) < 0);
	CHECK(mfix_event(&clerk1, mid, MEV_TRANSFER, "2012-01-01", f.c3, &e) == 0);
	CHECK(mfix_event(&clerk1, mid, MEV_LEAVE, "2013-01-01", 0, &e) < 0);
	CHECK(e.code == ERR_FORBIDDEN);
	CHECK(mfix_event(&clerk2, mid, MEV_LEAVE, "2013-01-01", 0, &e) == 0);
	/* A person registered elsewhere (here: nationally) is admitted by the
	 * P1 office only with their citizen ID. */
	{
		struct member_admit a;
		int64_t other = mfix_person(&f.cx, "Đào Văn Khác", "001080000015", "M", "1980-01-01");
		memset(&a, 0, sizeof a);
		a.person_id = other;
		a.org = "party";
		a.unit_id = f.c1;
		a.date = "2010-01-01";
		a.decision = "QĐ 1";
		err_clear(&e);
		CHECK(member_admit(&clerk1, &a, NULL, NULL, &e) < 0 && e.code == ERR_FORBIDDEN);
		CHECK_STR(e.field, "person_id");
		a.citizen_id = "001080000016";
		err_clear(&e);
		CHECK(member_admit(&clerk1, &a, NULL, NULL, &e) < 0 && e.code == ERR_INVALID);
		CHECK_STR(e.field, "citizen_id");
		a.citizen_id = "001080000015";
		err_clear(&e);
		CHECK(member_admit(&clerk1, &a, NULL, NULL, &e) == 0);
		CHECK(member_person_get(&clerk1, other, &p, &e) == 0);
		json_decref(p);
	}
}

DB_TEST(member_search_ignores_diacritics_and_scope)
{
	struct mfix f;
	struct member_query q;
	struct cx viewer2;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int64_t a, b;
	mfix_setup(db, &f);
	mfix_user(&f, "p2.viewer", "viewer", f.p2, &viewer2);
	a = mfix_person(&f.cx, "Nguyễn Văn Đức", "001080000006", "M", "1980-01-01");
	b = mfix_person(&f.cx, "Nguyễn Thị Đào", "008185000007", "F", "1985-01-01");
	CHECK(mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, b, "party", f.c3, "2010-01-01", &e) > 0);
	memset(&q, 0, sizeof q);
	q.q = "nguyen van duc";
	CHECK(member_search(&f.cx, &q, &out, &e) == 0);
	CHECK(json_integer_value(json_object_get(out, "total")) == 1);
	json_decref(out);
	q.q = "NGUYỄN";
	CHECK(member_search(&f.cx, &q, &out, &e) == 0);
	CHECK(json_integer_value(json_object_get(out, "total")) == 2);
	json_decref(out);
	q.q = "0081"; /* citizen ID prefix */
	CHECK(member_search(&f.cx, &q, &out, &e) == 0);
	CHECK(json_integer_value(json_object_get(out, "total")) == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(out, "items"), 0), "full_name")), "Nguyễn Thị Đào");
	json_decref(out);
	q.q = NULL;
	q.unit_id = f.p1;
	CHECK(member_search(&f.cx, &q, &out, &e) == 0);
	CHECK(json_integer_value(json_object_get(out, "total")) == 1);
	json_decref(out);
	q.unit_id = 0;
	CHECK(member_search(&viewer2, &q, &out, &e) == 0); /* P2's scope only */
	CHECK(json_integer_value(json_object_get(out, "total")) == 1);
	json_decref(out);
}

static int count_row(void *arg, const char *const *cells, struct err *e)
{
	(void)e;
	(void)cells;
	(*(int *)arg)++;
	return 0;
}

DB_TEST(member_export_as_of_uses_the_unit_of_that_day)
{
	struct mfix f;
	struct member_export_query q;
	struct err e = ERR_INIT;
	int64_t a, ma;
	int n = 0;
	mfix_setup(db, &f);
	a = mfix_person(&f.cx, "Vũ Văn Khoa", "001080000008", "M", "1980-01-01");
	ma = mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e);
	CHECK(mfix_event(&f.cx, ma, MEV_TRANSFER, "2015-01-01", f.c3, &e) == 0);
	memset(&q, 0, sizeof q);
	q.org = "party";
	q.unit_id = f.p1;
	q.as_of = "2012-01-01";
	CHECK(member_export(&f.cx, &q, count_row, &n, NULL, &e) == 0);
	CHECK(n == 1);
	n = 0;
	q.as_of = "2016-01-01";
	CHECK(member_export(&f.cx, &q, count_row, &n, NULL, &e) == 0);
	CHECK(n == 0);
	q.unit_id = f.p2;
	CHECK(member_export(&f.cx, &q, count_row, &n, NULL, &e) == 0);
	CHECK(n == 1);
	n = 0;
	q.as_of = NULL;
	q.status = "left";
	CHECK(member_export(&f.cx, &q, count_row, &n, NULL, &e) == 0);
	CHECK(n == 0);
}

DB_TEST(member_delete_only_without_history)
{
	struct mfix f;
	struct err e = ERR_INIT;
	int64_t a, ma, b, mb;
	json_t *m = NULL;
	mfix_setup(db, &f);
	a = mfix_person(&f.cx, "Ngô Thị Lan", "001185000009", "F", "1985-01-01");
	ma = mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e);
	CHECK(member_membership_update(&f.cx, ma, 0, "DV-123", &m, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(m, "number")), "DV-123");
	json_decref(m);
	CHECK(member_membership_delete(&f.cx, ma, 0, &e) == 0);
	CHECK(member_membership_get(&f.cx, ma, &m, &e) < 0 && e.code == ERR_NOT_FOUND);
	b = mfix_person(&f.cx, "Dương Văn Minh", "001080000010", "M", "1980-01-01");
	mb = mfix_admit(&f.cx, b, "party", f.c1, "2010-01-01", &e);
	CHECK(mfix_event(&f.cx, mb, MEV_TRANSFER, "2011-01-01", f.c2, &e) == 0);
	CHECK(member_membership_delete(&f.cx, mb, 0, &e) < 0);
	CHECK(field_is(&e, ERR_INVALID, "id"));
}

DB_TEST(member_writes_store_quality_findings)
{
	struct mfix f;
	struct err e = ERR_INIT;
	struct member_record r;
	json_t *q = NULL;
	int64_t a, ma;
	mfix_setup(db, &f);
	/* 4th digit says female born in the 1900s; the person is male. */
	a = mfix_person(&f.cx, "Lý Văn Nam", "001180000011", "M", "1980-01-01");
	ma = mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e);
	CHECK(ma > 0);
	CHECK(quality_unit(&f.cx, f.p1, &q, &e) == 0);
	CHECK(json_integer_value(json_object_get(q, "records")) == 1);
	CHECK(json_integer_value(json_object_get(q, "clean")) == 0);
	json_decref(q);
	/* Fixing the record updates the figure at once. */
	memset(&r, 0, sizeof r);
	r.f[MF_CITIZEN_ID] = "001080000011";
	CHECK(member_person_update(&f.cx, a, 0, &r, NULL, &e) == 0);
	CHECK(quality_unit(&f.cx, f.p1, &q, &e) == 0);
	CHECK(json_integer_value(json_object_get(q, "clean")) == 1);
	json_decref(q);
}

DB_TEST(member_json_bodies_refuse_unknown_fields)
{
	struct member_record r;
	struct member_admit a;
	struct member_event_req ev;
	struct err e = ERR_INIT;
	json_t *j = json_pack("{ss ss}", "full_name", "A B", "shoe_size", "42");
	(void)db;
	CHECK(member_record_from_json(j, &r, &e) < 0 && field_is(&e, ERR_BAD_REQUEST, "shoe_size"));
	json_decref(j);
	j = json_pack("{sI ss sI ss ss}", "person_id", (json_int_t)3, "org", "party", "unit_id",
		      (json_int_t)4, "date", "2020-01-01", "decision", "x");
	CHECK(member_admit_from_json(j, &a, &e) == 0 && a.person_id == 3 && a.unit_id == 4);
	json_decref(j);
	j = json_pack("{ss ss ss si}", "kind", "transfer", "date", "2020-01-01", "decision", "x",
		      "to_unit", 7);
	CHECK(member_event_from_json(j, &ev, &e) == 0 && ev.kind == MEV_TRANSFER && ev.to_unit == 7);
	json_decref(j);
	j = json_pack("{ss}", "kind", "promote");
	CHECK(member_event_from_json(j, &ev, &e) < 0 && field_is(&e, ERR_INVALID, "kind"));
	json_decref(j);
}

TEST(member_fast_fold_agrees_with_utf8_fold)
{
	static const char *const names[] = {
		"Nguyễn Văn An", "  ĐẶNG  Thị   Hồng  ", "Nguye\xcc\x82\xcc\x83n", "Bru-Vân Kiều",
		"M'Nông", "Ê Đê", "A\xc2\xa0" "B", "Σοφία", "Ærø ß", "tab\there", "",
	};
	char buf[256], in[16];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *ref = utf8_fold(names[i]);
		size_t n = member_fold_buf(names[i], buf, sizeof buf);
		CHECK(ref != NULL);
		if (ref && n) {
			CHECK_STR(buf, ref);
		}
		CHECK(n > 0 || !ref || !ref[0]);
		free(ref);
	}
	/* Every code point the table holds, between two letters. */
	for (unsigned cp = 0x20; cp < 0x2000; cp++) {
		char *ref;
		size_t n = 0;
		in[n++] = 'x';
		if (cp < 0x80) {
			in[n++] = (char)cp;
		} else if (cp < 0x800) {
			in[n++] = (char)(0xC0 | cp >> 6);
			in[n++] = (char)(0x80 | (cp & 0x3F));
		} else {
			in[n++] = (char)(0xE0 | cp >> 12);
			in[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			in[n++] = (char)(0x80 | (cp & 0x3F));
		}
		in[n++] = 'y';
		in[n] = '\0';
		if (cp >= 0xD800 || cp == 0x7F) {
			continue;
		}
		ref = utf8_fold(in);
		if (ref && member_fold_buf(in, buf, sizeof buf)) {
			if (strcmp(buf, ref) != 0) {
				printf("    U+%04X: %s vs %s\n", cp, buf, ref);
			}
			CHECK(strcmp(buf, ref) == 0);
		}
		free(ref);
	}
}
