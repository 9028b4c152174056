/*
 * bench/members_ref.h — the reference query bench_members checks cadre's
 * totals against: memberships on a date in each province (each child of
 * the unit coded VN) of that day's structure, by plain SQL, without
 * cadre's index.  Shared with tests/unit/test_member_ref.c, which runs it
 * on both drivers against member_stats_totals, so the reference stays
 * right.
 *
 * MEMBERS_REF_SQL(D) is the statement with D written where the date goes
 * (MEMBERS_REF_DATES times): ":d" for the sqlite3 shell (.parameter set),
 * "CAST(? AS TEXT)" for the drivers (one bound value per occurrence).
 * Rows: province id, memberships.
 *
 * What it counts, as member_stats does: a membership's current stint
 * (membership.unit_id, unit_from <= D < ended) and closed stints
 * (membership_stint, valid_from <= D < valid_to).  A stint recorded in a
 * unit that is not in the tree of D — merged away, e.g. an old province's
 * committee after 2025-07-01, whose members were not transferred — counts
 * toward its successor through reorg_link, transitively: the nearest live
 * successor, then the largest share (cadre: member_stats.h).  cadre's
 * further fallbacks (predecessors, then the parent's unit) are not
 * reproduced: a stint in a unit closed without a successor is not counted
 * here, and the comparison reports the province as different.
 */
#ifndef CADRE_BENCH_MEMBERS_REF_H
#define CADRE_BENCH_MEMBERS_REF_H

#define MEMBERS_REF_DATES 8

#define MEMBERS_REF_SQL(D)                                                              \
	"WITH RECURSIVE s(root, id) AS ("                                               \
	" SELECT v.unit_id, v.unit_id FROM unit_version v JOIN unit u ON u.id = v.parent_id" \
	" WHERE u.code = 'VN' AND v.valid_from <= " D " AND v.valid_to > " D              \
	" UNION ALL SELECT s.root, v.unit_id FROM s JOIN unit_version v ON v.parent_id = s.id" \
	" WHERE v.valid_from <= " D " AND v.valid_to > " D "),"                          \
	" w(orig, cur, hops, share) AS ("                                               \
	" SELECT DISTINCT l.from_unit, l.from_unit, 0, CAST(0 AS DOUBLE PRECISION)"       \
	" FROM reorg_link l WHERE l.from_unit NOT IN (SELECT id FROM s)"                \
	" UNION ALL SELECT w.orig, l.to_unit, w.hops + 1,"                               \
	" CAST(COALESCE(l.share, 0) AS DOUBLE PRECISION)"                                \
	" FROM w JOIN reorg_link l ON l.from_unit = w.cur"                              \
	" WHERE w.hops < 8 AND w.cur NOT IN (SELECT id FROM s)),"                       \
	" r(orig, cur) AS (SELECT orig, cur FROM (SELECT orig, cur, ROW_NUMBER() OVER"    \
	" (PARTITION BY orig ORDER BY hops, share DESC, cur) AS k FROM w"              \
	" WHERE hops > 0 AND cur IN (SELECT id FROM s)) x WHERE k = 1),"                 \
	" t(root, id) AS (SELECT root, id FROM s"                                         \
	" UNION ALL SELECT s.root, r.orig FROM r JOIN s ON s.id = r.cur)"                \
	" SELECT t.root, COUNT(*) FROM t JOIN ("                                        \
	" SELECT unit_id FROM membership WHERE unit_from <= " D " AND ended > " D         \
	" UNION ALL SELECT unit_id FROM membership_stint"                               \
	" WHERE valid_from <= " D " AND valid_to > " D ") m ON m.unit_id = t.id"          \
	" GROUP BY t.root ORDER BY t.root"

#endif
