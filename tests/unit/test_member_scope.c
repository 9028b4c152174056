/*
 * test_member_scope.c — the member list restricted to a subtree (the
 * actor's scope or ?unit=) on both drivers returns exactly what the
 * unrestricted list says once filtered by the scope rule (a unit is in
 * when it is in the subtree at any date or merged into a unit that is;
 * people without memberships in unfiltered lists, by the same rule
 * applied to the unit holding their record): same items, same order, same total,
 * for plain, name and digit searches, org and status filters, as of a
 * date, and pages.  The oracle is the system actor's unrestricted list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/auth.h"
#include "domain/org.h"
#include "test.h"
#include "test_member.h"

struct scope_case {
	const char *q, *org, *status, *as_of;
	int64_t unit;
};

static json_t *list(struct cx *cx, const struct scope_case *c, int limit, int offset)
{
	struct member_query mq;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	memset(&mq, 0, sizeof mq);
	mq.q = c->q;
	mq.org = c->org;
	mq.status = c->status;
	mq.as_of = c->as_of;
	mq.unit_id = c->unit;
	mq.limit = limit;
	mq.offset = offset;
	CHECK(member_search(cx, &mq, &out, &e) == 0);
	if (!out) {
		fprintf(stderr, "member_search: %s\n", e.msg);
	}
	return out;
}

/* The rule of the restricted list, applied to the system's full list. */
static json_t *expected(struct cx *sys, struct cx *who, const struct scope_case *c)
{
	struct scope_case all = *c;
	json_t *full, *keep = json_array(), *it;
	size_t i;
	int filtered = (c->org && c->org[0]) || c->unit || (c->status && c->status[0]);
	struct err e = ERR_INIT;
	all.unit = 0;
	full = list(sys, &all, 500, 0);
	CHECK(json_integer_value(json_object_get(full, "total")) <
	      500); /* the fixture fits one page */
	json_array_foreach(json_object_get(full, "items"), i, it)
	{
		json_t *unit = json_object_get(it, "unit");
		int in;
		if (json_is_null(json_object_get(it, "membership_id"))) {
			char pid[24];
			int64_t holder;
			snprintf(pid, sizeof pid, "%lld",
				 (long long)json_integer_value(json_object_get(it, "person_id")));
			holder = mfix_scalar(sys->db,
					     "SELECT holder_unit_id FROM person WHERE id = CAST(? AS BIGINT)",
					     pid);
			CHECK(holder > 0);
			in = !filtered;
			if (in && !who->actor.system && who->actor.unit_id) {
				in = org_in_scope(sys, who->actor.unit_id, holder, &e) == 1;
			}
		} else {
			int64_t u = json_integer_value(json_object_get(unit, "id"));
			in = 1;
			if (c->unit) {
				in = org_in_scope(sys, c->unit, u, &e) == 1;
			}
			if (in && !who->actor.system && who->actor.unit_id) {
				in = org_in_scope(sys, who->actor.unit_id, u, &e) == 1;
			}
		}
		if (in) {
			json_array_append(keep, it);
		}
	}
	json_decref(full);
	return keep;
}

/* Every page of size `limit` equals the slice of the expected list. */
static int same_as_rule(struct cx *sys, struct cx *who, const struct scope_case *c,
			int limit)
{
	json_t *want = expected(sys, who, c);
	size_t n = json_array_size(want);
	int ok = 1;
	for (size_t off = 0; off <= n + 1 && ok; off += (size_t)limit) {
		json_t *got = list(who, c, limit, (int)off);
		json_t *items = json_object_get(got, "items");
		size_t want_n = off < n ? (n - off < (size_t)limit ? n - off : (size_t)limit) : 0;
		if (!got || json_integer_value(json_object_get(got, "total")) != (json_int_t)n ||
		    json_array_size(items) != want_n) {
			ok = 0;
		}
		for (size_t k = 0; ok && k < want_n; k++) {
			ok = json_equal(json_array_get(items, k), json_array_get(want, off + k));
		}
		if (!ok) {
			char *s = json_dumps(got, JSON_COMPACT);
			fprintf(stderr, "q=%s org=%s status=%s as_of=%s unit=%lld off=%zu want %zu: %s\n",
				c->q ? c->q : "", c->org ? c->org : "", c->status ? c->status : "",
				c->as_of ? c->as_of : "", (long long)c->unit, off, n, s ? s : "null");
			free(s);
		}
		json_decref(got);
	}
	json_decref(want);
	return ok;
}

static int64_t total(struct cx *cx, const char *q, int64_t unit, const char *as_of)
{
	struct scope_case c = {q, NULL, NULL, as_of, unit};
	json_t *o = list(cx, &c, 50, 0);
	int64_t n = o ? json_integer_value(json_object_get(o, "total")) : -1;
	json_decref(o);
	return n;
}

DB_TEST(member_list_in_a_subtree_is_the_rule_applied_to_the_whole_list)
{
	struct mfix f;
	struct cx who[6];
	struct err e = ERR_INIT;
	int64_t c4, c5, c12, src[2], m;
	int64_t p[14];
	static const char *const names[14] = {
		"Nguyễn Văn An",  "Nguyễn Văn An",   "Trần Thị Bình", "Lê Văn Cường",
		"Phạm Thị Dung",  "Hoàng Văn Em",    "Vũ Thị Giang",  "Đỗ Văn Hải",
		"Bùi Thị Hoa",	  "Nguyễn Văn Khoa", "Ngô Thị Lan",   "Dương Văn Minh",
		"Nguyễn Thị Nga", "Lý Văn Oanh",
	};
	char cid[24];
	mfix_setup(db, &f);
	c4 = mfix_unit(&f.cx, "C4", "Chi bộ Bốn", "party_cell", f.t2, "2000-01-01");
	CHECK(c4 > 0);
	for (int i = 0; i < 12; i++) {
		snprintf(cid, sizeof cid, "00108%07d", 500 + i);
		p[i] = mfix_person(&f.cx, names[i], cid, i % 2 ? "F" : "M", "1980-01-01");
		CHECK(p[i] > 0);
	}
	/* p[12] and p[13] without memberships: records held by C3 (under P2)
	 * and T1 (under P1). */
	for (int i = 12; i < 14; i++) {
		struct member_record r;
		memset(&r, 0, sizeof r);
		snprintf(cid, sizeof cid, "00108%07d", 500 + i);
		r.f[MF_FULL_NAME] = names[i];
		r.f[MF_CITIZEN_ID] = i == 13 ? NULL : cid;
		r.f[MF_GENDER] = i % 2 ? "F" : "M";
		r.f[MF_BIRTH_DATE] = "1980-01-01";
		CHECK(member_person_create(&f.cx, &r, i == 12 ? f.c3 : f.t1, &p[i], NULL, &e) == 0);
	}
	/* P1: C1, C2 (merged into C12 later), youth Y1; P2: C3, C4 (merged
	 * into C5 under P1 later). */
	CHECK(mfix_admit(&f.cx, p[0], "party", f.c1, "2010-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, p[1], "party", f.c3, "2010-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, p[2], "party", f.c2, "2011-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, p[2], "youth", f.y1, "2005-01-01", &e) > 0);
	CHECK((m = mfix_admit(&f.cx, p[3], "party", f.c3, "2010-01-01", &e)) > 0);
	CHECK(mfix_event(&f.cx, m, MEV_TRANSFER, "2015-01-01", f.c1, &e) == 0);
	CHECK((m = mfix_admit(&f.cx, p[4], "party", f.c1, "2010-01-01", &e)) > 0);
	CHECK(mfix_event(&f.cx, m, MEV_TRANSFER, "2015-01-01", f.c3, &e) == 0);
	CHECK((m = mfix_admit(&f.cx, p[5], "party", f.c2, "2010-01-01", &e)) > 0);
	CHECK(mfix_event(&f.cx, m, MEV_SUSPEND, "2016-01-01", 0, &e) == 0);
	CHECK((m = mfix_admit(&f.cx, p[6], "party", c4, "2010-01-01", &e)) > 0);
	CHECK(mfix_event(&f.cx, m, MEV_LEAVE, "2018-01-01", 0, &e) == 0);
	CHECK(mfix_admit(&f.cx, p[7], "party", c4, "2012-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, p[8], "youth", f.y1, "2012-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, p[9], "party", f.c3, "2012-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, p[10], "party", f.c2, "2013-01-01", &e) > 0);
	CHECK((m = mfix_admit(&f.cx, p[11], "party", f.c1, "2013-01-01", &e)) > 0);
	CHECK(mfix_event(&f.cx, m, MEV_SUSPEND, "2019-01-01", 0, &e) == 0);
	src[0] = f.c1;
	src[1] = f.c2;
	c12 = mfix_merge(&f.cx, src, 2, "C12", "party_cell", f.t1, "2020-01-01");
	src[0] = c4;
	c5 = mfix_merge(&f.cx, src, 1, "C5", "party_cell", f.t1, "2020-01-01");
	CHECK(c12 > 0 && c5 > 0);
	CHECK(mfix_admit(&f.cx, p[10], "youth", f.y1, "2021-01-01", &e) > 0);

	who[0] = f.cx;
	mfix_user(&f, "p1.manager", "manager", f.p1, &who[1]);
	mfix_user(&f, "p1.viewer", "viewer", f.p1, &who[2]);
	mfix_user(&f, "p2.manager", "manager", f.p2, &who[3]);
	mfix_user(&f, "t1.clerk", "clerk", f.t1, &who[4]);
	mfix_user(&f, "c12.viewer", "viewer", c12, &who[5]);

	/* A few totals by hand (today): P1 has p0, p2 ×2, p3, p5, p6/p7
	 * (C4 → C5), p8, p10 ×2, p11 and p13 (held by T1), for its manager
	 * and its viewer alike. */
	CHECK(total(&who[1], NULL, 0, NULL) == 12);
	CHECK(total(&who[2], NULL, 0, NULL) == 12);
	CHECK(total(&who[4], "ly van oanh", 0, NULL) == 1);
	/* P2: p1, p4, p9 in C3 today, C4's p6, p7 (merged away into P1 but
	 * once under P2) and p12 (held by C3); not p3 (moved). */
	CHECK(total(&who[3], NULL, 0, NULL) == 6);
	CHECK(total(&who[3], "ly van oanh", 0, NULL) == 0);
	CHECK(total(&who[5], "nguyen", 0, NULL) == 1);
	CHECK(total(&f.cx, NULL, c5, "2012-06-01") == 2);
	CHECK(total(&who[3], NULL, 0, "2016-06-01") == 5);

	{
		const char *qs[] = {NULL, "nguyen van", "00108", "0010800005", "Lê"};
		const char *orgs[] = {NULL, "party", "youth"};
		const char *statuses[] = {NULL, "active", "suspended", "left"};
		const char *dates[] = {NULL, "2012-06-01", "2016-06-01", "2021-06-01"};
		int64_t units[] = {0, f.p1, f.t1, c12, f.c1, c5, f.p2};
		int bad = 0, runs = 0;
		for (int w = 0; w < 6; w++) {
			for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
				struct err ae = ERR_INIT;
				if (units[u] && auth_may(&who[w], ACT_READ, units[u], &ae)) {
					continue; /* refused: outside the actor's scope */
				}
				for (size_t d = 0; d < sizeof dates / sizeof dates[0]; d++) {
					for (size_t qi = 0; qi < sizeof qs / sizeof qs[0]; qi++) {
						struct scope_case c = {qs[qi], NULL, NULL, dates[d],
								       units[u]};
						runs++;
						bad += !same_as_rule(&f.cx, &who[w], &c, qi ? 50 : 3);
					}
					for (size_t o = 1; o < sizeof orgs / sizeof orgs[0]; o++) {
						for (size_t s = 0; s < sizeof statuses / sizeof statuses[0];
						     s++) {
							struct scope_case c = {NULL, orgs[o], statuses[s],
									       dates[d], units[u]};
							runs++;
							bad += !same_as_rule(&f.cx, &who[w], &c, 2);
						}
					}
					for (size_t s = 1; s < sizeof statuses / sizeof statuses[0]; s++) {
						struct scope_case c = {"nguyen", NULL, statuses[s], dates[d],
								       units[u]};
						runs++;
						bad += !same_as_rule(&f.cx, &who[w], &c, 50);
					}
				}
			}
		}
		CHECK(runs > 500);
		CHECK(bad == 0);
	}
}
