/*
 * test_member_stats_past.c — totals grouped by a structure older than the
 * units the members are recorded in, on both drivers: a unit created after
 * the structure date counts toward its lineage (successors first, then
 * predecessors; smallest depth, then largest share, then the order of
 * (event date, code)), else toward where its parents went (latest version
 * first, at most RESOLVE_DEPTH levels up).  The representative map is
 * checked unit by unit against a frozen copy of the first implementation
 * (one org_unit_lineage and org_unit_get per unit, below), for several
 * structure dates, so that the in-memory resolution is the same function.
 */
#include <string.h>

#include "base/date.h"
#include "domain/member.h"
#include "domain/member_index.h"
#include "domain/member_stats.h"
#include "domain/org.h"
#include "test.h"
#include "test_member.h"

/* ---- the reference: resolve() as it was, through the JSON read models ---- */

#define REF_RESOLVE_DEPTH 8

static int ref_first_in_tree(const struct org_tree *t, json_t *links)
{
	int best = -1, best_depth = 1 << 30;
	double best_share = -1;
	json_t *l;
	size_t i;
	json_array_foreach(links, i, l) {
		int64_t id = json_integer_value(json_object_get(json_object_get(l, "unit"), "id"));
		int depth = (int)json_integer_value(json_object_get(l, "depth"));
		json_t *sh = json_object_get(l, "share");
		double share = json_is_number(sh) ? json_number_value(sh) : 0;
		int n = org_tree_find(t, id);
		if (n < 0) {
			continue;
		}
		if (depth < best_depth || (depth == best_depth && share > best_share)) {
			best = n;
			best_depth = depth;
			best_share = share;
		}
	}
	return best;
}

static int ref_resolve(struct cx *sys, const struct org_tree *t, int64_t u, int depth)
{
	struct err e = ERR_INIT;
	json_t *j = NULL, *v;
	int n = org_tree_find(t, u);
	size_t i;
	if (n >= 0 || depth > REF_RESOLVE_DEPTH) {
		return n;
	}
	if (org_unit_lineage(sys, u, &j, &e) == 0) {
		n = ref_first_in_tree(t, json_object_get(j, "successors"));
		if (n < 0) {
			n = ref_first_in_tree(t, json_object_get(j, "predecessors"));
		}
		json_decref(j);
		j = NULL;
	}
	if (n >= 0 || org_unit_get(sys, u, NULL, &j, &e)) {
		return n;
	}
	for (i = json_array_size(json_object_get(j, "versions")); n < 0 && i-- > 0;) {
		v = json_array_get(json_object_get(j, "versions"), i);
		if (json_is_integer(json_object_get(v, "parent_id"))) {
			n = ref_resolve(sys, t, json_integer_value(json_object_get(v, "parent_id")),
					depth + 1);
		}
	}
	json_decref(j);
	return n;
}

/* Every unit with members: the map's node equals the reference's.  The
 * number of units compared. */
static int map_matches_reference(struct cx *cx, const char *structure)
{
	struct err e = ERR_INIT;
	struct org_tree *t = NULL;
	struct midx *x = NULL;
	struct midx_map *m = NULL;
	int compared = 0;
	CHECK(org_tree_get(cx, structure, &t, &e) == 0);
	CHECK(t && midx_get(cx, 0, &x, &e) == 0);
	CHECK(x && midx_map_get(cx, x, t, &m, &e) == 0);
	for (uint32_t k = 0; m && k < x->n_units; k++) {
		uint32_t u = x->units[k];
		int want = ref_resolve(cx, t, u, 0);
		if (midx_node(m, u) != want) {
			fprintf(stderr, "  structure %s, unit %u: map %d, reference %d\n", structure,
				u, (int)midx_node(m, u), want);
		}
		CHECK(midx_node(m, u) == want);
		compared++;
	}
	midx_map_release(m);
	if (x) {
		midx_release(x);
	}
	org_tree_release(t);
	return compared;
}

/* ---- the history ---- */

static void reorg(struct cx *cx, struct reorg_req *r)
{
	struct err e = ERR_INIT;
	r->decision = "test";
	CHECK(org_reorg(cx, r, 0, NULL, NULL, &e) == 0);
}

static int64_t id_of(struct cx *cx, const char *code)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	CHECK(org_unit_id_by_code(cx, code, &id, &e) == 0);
	return id;
}

/* Split unit on date into parts with codes a and b (shares sa, sb; <0 =
 * none). */
static void split(struct cx *cx, int64_t unit, const char *date, const char *a, double sa,
		  const char *b, double sb)
{
	struct reorg_req r;
	struct reorg_new_unit parts[2];
	memset(&r, 0, sizeof r);
	memset(parts, 0, sizeof parts);
	parts[0].code = a;
	parts[0].name = a;
	parts[0].share = sa;
	parts[1].code = b;
	parts[1].name = b;
	parts[1].share = sb;
	r.kind = REORG_SPLIT;
	r.date = date;
	r.unit = unit;
	r.n_parts = 2;
	r.parts = parts;
	reorg(cx, &r);
}

static void admit(struct cx *cx, int64_t unit, const char *date, int n)
{
	static int serial;
	struct err e = ERR_INIT;
	for (int k = 0; k < n; k++) {
		char name[64];
		int64_t p;
		snprintf(name, sizeof name, "Người Thứ %d", ++serial);
		p = mfix_person(cx, name, NULL, serial % 2 ? "M" : "F", "1980-01-01");
		CHECK(p > 0 && mfix_admit(cx, p, "party", unit, date, &e) > 0);
	}
}

struct past {
	struct mfix f;
	int64_t t3, c5, c6, x, z, c1a, c1b, za, zb, chain[11];
};

/* The fixture (VN ⊃ P1 ⊃ T1 ⊃ C1, C2; P2 ⊃ T2 ⊃ C3; from 2000), then:
 *   2010-01-01 T3 created under P2, C5 under T3, C6 under T1, X under T2,
 *              a chain K1 ⊃ K2 ⊃ … ⊃ K11 under T2
 *   2010-06-01 Z created under T2
 *   2011-01-01 C1 split into C1A (share 0.3) and C1B (0.7)
 *   2011-06-01 X merged into C3 (an existing unit)
 *   2012-01-01 C6 moved to T2
 *   2012-06-01 Z split into ZB and ZA, no shares (ZB created first)
 *   2013-06-01 C5 dissolved
 * with members in C1 (1, 2005), C3 (1, 2005), C1A (1), C1B (2), X, C5,
 * C6, Z (1 each, 2010-2011), K10 and K9 (1 each, 2010). */
static void past_setup(struct db *db, struct past *p)
{
	struct cx *cx = &p->f.cx;
	struct reorg_req r;
	char code[16];
	mfix_setup(db, &p->f);
	p->t3 = mfix_unit(cx, "P2-TU3", "Đảng ủy Ba", "party_committee", p->f.p2, "2010-01-01");
	p->c5 = mfix_unit(cx, "C5", "Chi bộ Năm", "party_cell", p->t3, "2010-01-01");
	p->c6 = mfix_unit(cx, "C6", "Chi bộ Sáu", "party_cell", p->f.t1, "2010-01-01");
	p->x = mfix_unit(cx, "X", "Chi bộ X", "party_cell", p->f.t2, "2010-01-01");
	for (int k = 0; k < 11; k++) {
		snprintf(code, sizeof code, "K%d", k + 1);
		p->chain[k] = mfix_unit(cx, code, code, "party_committee",
					k ? p->chain[k - 1] : p->f.t2, "2010-01-01");
	}
	p->z = mfix_unit(cx, "Z", "Chi bộ Z", "party_cell", p->f.t2, "2010-06-01");
	admit(cx, p->f.c1, "2005-01-01", 1);
	admit(cx, p->f.c3, "2005-01-01", 1);
	admit(cx, p->x, "2010-06-01", 1);
	admit(cx, p->c5, "2010-06-01", 1);
	admit(cx, p->c6, "2010-06-01", 1);
	admit(cx, p->z, "2010-07-01", 1);
	admit(cx, p->chain[9], "2010-06-01", 1);
	admit(cx, p->chain[8], "2010-06-01", 1);
	split(cx, p->f.c1, "2011-01-01", "C1A", 0.3, "C1B", 0.7);
	p->c1a = id_of(cx, "C1A");
	p->c1b = id_of(cx, "C1B");
	admit(cx, p->c1a, "2011-02-01", 1);
	admit(cx, p->c1b, "2011-02-01", 2);
	memset(&r, 0, sizeof r);
	r.kind = REORG_MERGE;
	r.date = "2011-06-01";
	r.sources = &p->x;
	r.n_sources = 1;
	r.into = p->f.c3;
	reorg(cx, &r);
	memset(&r, 0, sizeof r);
	r.kind = REORG_MOVE;
	r.date = "2012-01-01";
	r.unit = p->c6;
	r.parent = p->f.t2;
	reorg(cx, &r);
	split(cx, p->z, "2012-06-01", "ZB", -1, "ZA", -1);
	p->za = id_of(cx, "ZA");
	p->zb = id_of(cx, "ZB");
	memset(&r, 0, sizeof r);
	r.kind = REORG_DISSOLVE;
	r.date = "2013-06-01";
	r.unit = p->c5;
	reorg(cx, &r);
}

static int64_t total(struct cx *cx, int64_t unit, const char *as_of, const char *structure)
{
	int64_t m = -2;
	struct err e = ERR_INIT;
	CHECK(member_stats_totals(cx, as_of, structure, NULL, 1, &unit, &m, NULL, &e) == 0);
	return m;
}

DB_TEST(member_stats_past_structure_counts_new_units)
{
	struct past p;
	struct mfix *f = &p.f;
	past_setup(db, &p);
	/* The 2013 data grouped by the 2005 structure (every unit created since
	 * resolved): C1A and C1B to their predecessor C1; X to its successor
	 * C3; C5 through T3 (not there yet, no lineage) to P2; C6 to T2 (its
	 * latest parent first); Z to T2; K9 (9 levels below T2: T2 reached at
	 * depth 9, looked up but not walked from) to T2; K10 beyond the depth
	 * bound: counted nowhere, not even at VN. */
	CHECK(total(&f->cx, f->c1, "2013-01-01", "2005-01-01") == 4);
	CHECK(total(&f->cx, f->t1, "2013-01-01", "2005-01-01") == 4);
	CHECK(total(&f->cx, f->c2, "2013-01-01", "2005-01-01") == 0);
	CHECK(total(&f->cx, f->c3, "2013-01-01", "2005-01-01") == 2);
	CHECK(total(&f->cx, f->t2, "2013-01-01", "2005-01-01") == 2 + 1 + 1 + 1);
	CHECK(total(&f->cx, f->p2, "2013-01-01", "2005-01-01") == 5 + 1);
	CHECK(total(&f->cx, f->vn, "2013-01-01", "2005-01-01") == 10);
	CHECK(total(&f->cx, p.c5, "2013-01-01", "2005-01-01") == -1);
	/* By the 2013 structure: C1 (split away) to C1B, the larger share; Z
	 * (split, no shares) to ZA, the first by code, not ZB, created first. */
	CHECK(total(&f->cx, p.c1b, "2013-01-01", "2013-01-01") == 3);
	CHECK(total(&f->cx, p.c1a, "2013-01-01", "2013-01-01") == 1);
	CHECK(total(&f->cx, p.za, "2013-01-01", "2013-01-01") == 1);
	CHECK(total(&f->cx, p.zb, "2013-01-01", "2013-01-01") == 0);
	CHECK(total(&f->cx, f->c3, "2013-01-01", "2013-01-01") == 2);
	CHECK(total(&f->cx, p.c5, "2013-01-01", "2013-01-01") == 1);
	/* After C5's dissolution it counts toward its parent T3. */
	CHECK(total(&f->cx, p.t3, "2013-01-01", "2014-01-01") == 1);
	CHECK(total(&f->cx, f->vn, "2013-01-01", "2014-01-01") == 11);
}

DB_TEST(member_stats_past_map_equals_the_reference)
{
	static const char *const dates[] = {"1999-01-01", "2005-01-01", "2010-03-01",
					    "2011-03-01", "2011-07-01", "2012-03-01",
					    "2013-01-01", "2014-01-01", "2030-01-01"};
	struct past p;
	past_setup(db, &p);
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		CHECK(map_matches_reference(&p.f.cx, dates[i]) == 10);
	}
}

/* ---- a random history, checked against the reference ---- */

static uint32_t rnd_state;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

/* A random node of t other than the root (-1 when none); party_only: of a
 * party kind. */
static int pick(const struct org_tree *t, int party_only)
{
	for (int tries = 0; tries < 50 && t->n > 1; tries++) {
		int i = 1 + (int)rnd((uint32_t)t->n - 1);
		if (!party_only || strncmp(t->nodes[i].kind, "party", 5) == 0) {
			return i;
		}
	}
	return -1;
}

/* One random event or admission on day `day`; failures (a rule of
 * org_reorg: a cycle, a unit with children) are simply skipped. */
static void random_step(struct cx *cx, int64_t day, int serial)
{
	struct err e = ERR_INIT;
	struct org_tree *t = NULL;
	struct reorg_req r;
	struct reorg_new_unit parts[3];
	int64_t src[3];
	char date[11], code[3][48];
	int a, b, op = (int)rnd(10);
	date_format(date_from_days(day), date);
	CHECK(org_tree_get(cx, date, &t, &e) == 0);
	if (!t) {
		return;
	}
	memset(&r, 0, sizeof r);
	memset(parts, 0, sizeof parts);
	r.date = date;
	r.decision = "random";
	for (int k = 0; k < 3; k++) {
		/* codes not in creation order, so that ties follow the code */
		snprintf(code[k], sizeof code[k], "R%02u-%d-%d", rnd(100), serial, k);
		parts[k].code = code[k];
		parts[k].name = code[k];
		parts[k].kind = rnd(2) ? "party_cell" : "party_committee";
		parts[k].share = rnd(3) ? -1 : (double)(1 + rnd(4)) / 10.0;
	}
	a = pick(t, 0);
	b = pick(t, 0);
	if (op <= 2 || a < 0) { /* admissions: a third of the steps */
		if ((a = pick(t, 1)) >= 0) {
			admit(cx, t->nodes[a].id, date, 1 + (int)rnd(2));
		}
	} else if (op == 3) {
		r.kind = REORG_CREATE;
		r.created = parts[0];
		r.created.parent = t->nodes[a].id;
	} else if (op == 4 && b >= 0 && a != b) {
		r.kind = REORG_MOVE;
		r.unit = t->nodes[a].id;
		r.parent = t->nodes[b].id;
	} else if (op == 5 || op == 6) {
		int n = 1 + (int)rnd(3);
		r.kind = REORG_MERGE;
		for (int k = 0; k < n; k++) {
			int s = pick(t, 0);
			src[k] = s >= 0 ? t->nodes[s].id : 0;
		}
		r.sources = src;
		r.n_sources = n;
		if (rnd(2) && b >= 0) {
			r.into = t->nodes[b].id;
		} else {
			r.created = parts[0];
		}
	} else if (op == 7 || op == 8) {
		r.kind = REORG_SPLIT;
		r.unit = t->nodes[a].id;
		r.n_parts = 2 + (int)rnd(2);
		r.parts = parts;
	} else {
		r.kind = REORG_DISSOLVE;
		r.unit = t->nodes[a].id;
	}
	if (r.kind || op > 2) {
		err_clear(&e);
		org_reorg(cx, &r, 0, NULL, NULL, &e); /* may be refused */
	}
	org_tree_release(t);
}

DB_TEST(member_stats_past_random_history_equals_the_reference)
{
	struct mfix f;
	int64_t day0 = date_to_days((struct date){2001, 1, 1});
	int compared = 0;
	mfix_setup(db, &f);
	rnd_state = 20261123u;
	for (int s = 0; s < 160; s++) {
		random_step(&f.cx, day0 + s * 23, s);
	}
	/* Before anything, inside the history, after it. */
	for (int64_t d = day0 - 400; d < day0 + 160 * 23 + 400; d += 211) {
		char date[11];
		date_format(date_from_days(d), date);
		compared += map_matches_reference(&f.cx, date);
	}
	CHECK(compared > 200);
}
