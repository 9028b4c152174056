/*
 * test_member_stats.c — totals through history on both drivers: as of
 * dates around a transfer, across a merger (a member of a unit merged away
 * counts toward its successor), memberships versus people, admitted and
 * left in a period, breakdowns, the index rebuilt after a write.
 */
#include <string.h>

#include "domain/member.h"
#include "domain/member_stats.h"
#include "test.h"
#include "test_member.h"

static int64_t total(struct cx *cx, int64_t unit, const char *as_of,
		     const char *structure, const char *org)
{
	int64_t m = -2;
	struct err e = ERR_INIT;
	CHECK(member_stats_totals(cx, as_of, structure, org, 1, &unit, &m, NULL, &e) == 0);
	return m;
}

static json_t *stats(struct cx *cx, int64_t unit, const char *as_of, const char *from,
		     const char *to)
{
	struct member_stats_query q;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	memset(&q, 0, sizeof q);
	q.unit_id = unit;
	q.as_of = as_of;
	q.from = from;
	q.to = to;
	q.breakdowns = 1;
	q.children = 1;
	CHECK(member_stats(cx, &q, &out, &e) == 0);
	return out;
}

static json_t *org_of(json_t *s, const char *org)
{
	json_t *o;
	size_t i;
	json_array_foreach(json_object_get(s, "orgs"), i, o) {
		if (strcmp(json_string_value(json_object_get(o, "org")), org) == 0) {
			return o;
		}
	}
	return NULL;
}

static int64_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

DB_TEST(member_stats_follow_a_transfer)
{
	struct mfix f;
	struct err e = ERR_INIT;
	int64_t a, ma;
	mfix_setup(db, &f);
	a = mfix_person(&f.cx, "Trần Văn An", "001080000101", "M", "1980-01-01");
	ma = mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e);
	CHECK(total(&f.cx, f.p1, "2009-12-31", NULL, NULL) == 0);
	CHECK(total(&f.cx, f.p1, "2010-01-01", NULL, NULL) == 1);
	CHECK(mfix_event(&f.cx, ma, MEV_TRANSFER, "2015-01-01", f.c3, &e) == 0);
	/* The index is rebuilt after the write. */
	CHECK(total(&f.cx, f.p1, "2014-12-31", NULL, NULL) == 1);
	CHECK(total(&f.cx, f.p2, "2014-12-31", NULL, NULL) == 0);
	CHECK(total(&f.cx, f.p1, "2015-01-01", NULL, NULL) == 0);
	CHECK(total(&f.cx, f.p2, "2015-01-01", NULL, NULL) == 1);
	CHECK(total(&f.cx, f.vn, "2015-01-01", NULL, NULL) == 1);
	CHECK(total(&f.cx, f.vn, "2015-01-01", NULL, "party") == 1);
	CHECK(total(&f.cx, f.vn, "2015-01-01", NULL, "youth") == 0);
	CHECK(mfix_event(&f.cx, ma, MEV_DEATH, "2020-01-01", 0, &e) == 0);
	CHECK(total(&f.cx, f.p2, "2019-12-31", NULL, NULL) == 1);
	CHECK(total(&f.cx, f.p2, "2020-01-01", NULL, NULL) == 0);
}

DB_TEST(member_stats_roll_merged_units_into_their_successor)
{
	struct mfix f;
	struct err e = ERR_INIT;
	int64_t a, b, src[2], c12, units[3], m[3];
	json_t *s;
	mfix_setup(db, &f);
	a = mfix_person(&f.cx, "Lê Thị Bình", "001185000102", "F", "1985-01-01");
	b = mfix_person(&f.cx, "Phạm Văn Chung", "001070000103", "M", "1970-01-01");
	CHECK(mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, b, "party", f.c2, "2011-01-01", &e) > 0);
	src[0] = f.c1;
	src[1] = f.c2;
	c12 = mfix_merge(&f.cx, src, 2, "C12", "party_cell", f.t1, "2020-01-01");
	/* Nobody was transferred: the members are still recorded in C1 and
	 * C2, which no longer exist; they count toward C12. */
	CHECK(total(&f.cx, c12, "2021-01-01", NULL, NULL) == 2);
	CHECK(total(&f.cx, f.p1, "2021-01-01", NULL, NULL) == 2);
	/* Before the merger, grouped by that day's structure: C1 and C2. */
	CHECK(total(&f.cx, f.c1, "2019-01-01", NULL, NULL) == 1);
	CHECK(total(&f.cx, f.c2, "2019-01-01", NULL, NULL) == 1);
	CHECK(total(&f.cx, c12, "2019-01-01", NULL, NULL) == -1); /* not in that tree */
	/* The 2019 data grouped by the 2021 structure. */
	CHECK(total(&f.cx, c12, "2019-01-01", "2021-01-01", NULL) == 2);
	CHECK(total(&f.cx, c12, "2010-06-01", "2021-01-01", NULL) == 1);
	units[0] = f.p1;
	units[1] = f.p2;
	units[2] = c12;
	CHECK(member_stats_totals(&f.cx, "2021-01-01", NULL, NULL, 3, units, m, NULL, &e) == 0);
	CHECK(m[0] == 2 && m[1] == 0 && m[2] == 2);
	s = stats(&f.cx, f.t1, "2021-01-01", NULL, NULL);
	CHECK(jint(s, "members") == 2);
	CHECK(json_array_size(json_object_get(s, "by_unit")) == 1); /* C12 only */
	CHECK(jint(json_array_get(json_object_get(s, "by_unit"), 0), "members") == 2);
	json_decref(s);
}

DB_TEST(member_stats_count_people_and_memberships_apart)
{
	struct mfix f;
	struct err e = ERR_INIT;
	int64_t a, b, mb, unit, m = 0, p = 0;
	json_t *s;
	mfix_setup(db, &f);
	a = mfix_person(&f.cx, "Hoàng Thị Cúc", "001195000104", "F", "1995-03-01");
	b = mfix_person(&f.cx, "Võ Văn Dũng", "001060000105", "M", "1960-07-01");
	CHECK(mfix_admit(&f.cx, a, "party", f.c1, "2015-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, a, "youth", f.y1, "2012-01-01", &e) > 0);
	mb = mfix_admit(&f.cx, b, "party", f.c2, "2016-06-01", &e);
	CHECK(mb > 0);
	unit = f.p1;
	CHECK(member_stats_totals(&f.cx, "2020-01-01", NULL, NULL, 1, &unit, &m, &p, &e) == 0);
	CHECK(m == 3 && p == 2);
	s = stats(&f.cx, f.p1, "2020-01-01", "2015-01-01", "2015-12-31");
	CHECK(jint(s, "members") == 3);
	CHECK(jint(s, "people") == 2);
	CHECK(jint(s, "admitted") == 1);
	CHECK(jint(org_of(s, "party"), "members") == 2);
	CHECK(jint(org_of(s, "party"), "admitted") == 1);
	CHECK(jint(org_of(s, "youth"), "members") == 1);
	CHECK(jint(json_object_get(org_of(s, "party"), "by_gender"), "F") == 1);
	CHECK(jint(json_object_get(org_of(s, "party"), "by_gender"), "M") == 1);
	/* Ages on 2020-01-01: 24 and 59. */
	CHECK(jint(json_object_get(org_of(s, "party"), "by_age"), "<30") == 1);
	CHECK(jint(json_object_get(org_of(s, "party"), "by_age"), "46-60") == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(org_of(s, "party"), "by_ethnicity"), 0), "ethnicity")), "Kinh");
	json_decref(s);
	CHECK(mfix_event(&f.cx, mb, MEV_LEAVE, "2018-03-01", 0, &e) == 0);
	s = stats(&f.cx, f.p1, "2020-01-01", "2018-01-01", "2018-12-31");
	CHECK(jint(s, "left") == 1);
	json_decref(s);
}
