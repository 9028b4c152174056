/*
 * test_member_ref.c — the reference query of bench_members
 * (bench/members_ref.h: memberships per province on a date, by plain SQL)
 * against member_stats_totals on both drivers, through mergers whose
 * members were not transferred: they stay recorded in a unit merged away
 * (as one in three of the demo's members of the old provinces' committees
 * after 2025-07-01) and count toward its successor, also across
 * provinces, through two mergers in a row, and through a closed stint.
 * The bench printed "COUNTS DIFFER" because its query dropped them.
 */
#include <stdio.h>
#include <string.h>

#include "../../bench/members_ref.h"
#include "domain/member_stats.h"
#include "test.h"
#include "test_member.h"

/* The reference query's counts for provinces p[0..n) on date (0 for a
 * province without a row). */
static void reference(struct db *db, const char *date, int n, const int64_t *p, int64_t *out)
{
	struct db_stmt *st = NULL;
	struct err e = ERR_INIT;
	int rc;
	for (int k = 0; k < n; k++) {
		out[k] = 0;
	}
	CHECK(db_prepare(db, MEMBERS_REF_SQL("CAST(? AS TEXT)"), &st, &e) == 0);
	if (!st) {
		return;
	}
	for (int i = 1; i <= MEMBERS_REF_DATES; i++) {
		db_bind_text(st, i, date);
	}
	while ((rc = db_step(st, &e)) == DB_ROW) {
		int found = 0;
		for (int k = 0; k < n; k++) {
			if (db_col_int64(st, 0) == p[k]) {
				out[k] = db_col_int64(st, 1);
				found = 1;
			}
		}
		CHECK(found); /* every row is a province */
	}
	CHECK(rc == DB_DONE);
	db_finalize(st);
}

/* P1 and P2 on date: the reference and cadre both give p1, p2. */
static void expect(struct mfix *f, struct db *db, const char *date, int64_t p1, int64_t p2)
{
	int64_t p[2] = {f->p1, f->p2}, ref[2] = {-1, -1}, cad[2] = {-1, -1};
	struct err e = ERR_INIT;
	reference(db, date, 2, p, ref);
	CHECK(member_stats_totals(&f->cx, date, NULL, NULL, 2, p, cad, NULL, &e) == 0);
	if (ref[0] != p1 || ref[1] != p2 || cad[0] != p1 || cad[1] != p2) {
		fprintf(stderr, "  %s: expected P1 %lld, P2 %lld; reference %lld, %lld; cadre %lld, %lld\n",
			date, (long long)p1, (long long)p2, (long long)ref[0], (long long)ref[1],
			(long long)cad[0], (long long)cad[1]);
	}
	CHECK(ref[0] == p1 && ref[1] == p2);
	CHECK(cad[0] == p1 && cad[1] == p2);
}

DB_TEST(member_ref_query_rolls_merged_units_up_like_the_index)
{
	struct mfix f;
	struct err e = ERR_INIT;
	int64_t a, b, c, d, g, h, src[2], c12, c13, mb, mc, md, mh;
	mfix_setup(db, &f);
	a = mfix_person(&f.cx, "Nguyễn Văn An", "001080000201", "M", "1980-01-01");
	b = mfix_person(&f.cx, "Trần Thị Bích", "001182000202", "F", "1982-01-01");
	c = mfix_person(&f.cx, "Lê Văn Cường", "001075000203", "M", "1975-01-01");
	d = mfix_person(&f.cx, "Phạm Thị Dung", "001185000204", "F", "1985-01-01");
	g = mfix_person(&f.cx, "Hoàng Văn Giang", "001090000205", "M", "1990-01-01");
	h = mfix_person(&f.cx, "Vũ Thị Hà", "001192000206", "F", "1992-01-01");
	CHECK(mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e) > 0); /* stays in C1 */
	CHECK((mb = mfix_admit(&f.cx, b, "party", f.c3, "2011-01-01", &e)) > 0);
	CHECK((mc = mfix_admit(&f.cx, c, "party", f.c2, "2012-01-01", &e)) > 0);
	CHECK((md = mfix_admit(&f.cx, d, "party", f.c1, "2013-01-01", &e)) > 0);
	CHECK(mfix_admit(&f.cx, h, "youth", f.y1, "2016-01-01", &e) > 0);
	CHECK(mfix_admit(&f.cx, g, "party", f.c3, "2019-01-01", &e) > 0); /* stays in C3 */
	CHECK((mh = mfix_admit(&f.cx, h, "party", f.c2, "2017-01-01", &e)) > 0);
	CHECK(mfix_event(&f.cx, mb, MEV_TRANSFER, "2015-01-01", f.c2, &e) == 0); /* P2 → P1 */
	CHECK(mfix_event(&f.cx, mc, MEV_LEAVE, "2018-01-01", 0, &e) == 0);
	/* C1 and C2 merged into C12 on 2020-01-01: d is transferred onto it,
	 * a, b and h are not (they stay recorded in C1 and C2). */
	src[0] = f.c1;
	src[1] = f.c2;
	c12 = mfix_merge(&f.cx, src, 2, "C12", "party_cell", f.t1, "2020-01-01");
	CHECK(mfix_event(&f.cx, md, MEV_TRANSFER, "2020-01-01", c12, &e) == 0);
	/* h leaves the merged-away C2 for C3 (P2) in 2021: a closed stint in
	 * a unit that no longer exists. */
	CHECK(mfix_event(&f.cx, mh, MEV_TRANSFER, "2021-06-01", f.c3, &e) == 0);
	/* C3 (P2) merged into C13 of P1 in 2022; C12 and C13 into C99 in 2024. */
	src[0] = f.c3;
	c13 = mfix_merge(&f.cx, src, 1, "C13", "party_cell", f.t1, "2022-01-01");
	src[0] = c12;
	src[1] = c13;
	CHECK(mfix_merge(&f.cx, src, 2, "C99", "party_cell", f.t1, "2024-01-01") > 0);

	expect(&f, db, "2014-06-01", 3, 1);	/* a, c, d; b in C3 */
	expect(&f, db, "2016-06-01", 5, 0);	/* + b (transferred), h in the youth union */
	expect(&f, db, "2019-06-01", 5, 1);	/* c left, h joined; g in C3 */
	expect(&f, db, "2021-01-01", 5, 1);	/* a, b, h in C1/C2 → C12 */
	expect(&f, db, "2021-07-01", 4, 2);	/* h in C3 */
	expect(&f, db, "2023-01-01", 6, 0);	/* g, h in C3 → C13 (P1) */
	expect(&f, db, "2025-01-01", 6, 0);	/* two mergers: → C99 */
}
