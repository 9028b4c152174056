/*
 * member_log.h — the change log of the member tables (table member_change,
 * migration 008), which lets the in-memory index of member totals
 * (member_index.c) follow writes instead of rebuilding after each one.
 * Internal to the member module.
 *
 * How a member write uses it, inside its transaction:
 *  - before changing an existing membership (an event, a number, a
 *    deletion): member_log_membership(); before changing a person's gender,
 *    birth date or ethnicity: member_log_person();
 *  - after inserting a membership: member_log_new();
 *  - last: member_gen_bump() (member.c), which calls member_log_seal().
 * A write that bumps the generation without logging anything is treated as
 * unknown: every index rebuilds from the tables (so a writer that knows
 * nothing of the log stays correct, only slower).
 *
 * The rows logged are what the membership contributed to the index until
 * now (or "nothing": a new one); the index takes them away and adds what
 * the tables hold after the write.  Only the first logging of a membership
 * in a transaction counts.  On PostgreSQL logging locks the rows it reads
 * (the membership, or every membership of the person), so two writes of
 * the same membership log in the order of their generations.
 */
#ifndef CADRE_MEMBER_LOG_H
#define CADRE_MEMBER_LOG_H

#include <stdint.h>

#include "db/db.h"

/* Generations whose rows are kept (older ones are pruned and an index that
 * old rebuilds), and the most rows one transaction logs before the seal
 * drops them and lets indexes rebuild instead. */
#define MEMBER_LOG_KEEP 4096
#define MEMBER_LOG_MAX_ROWS 100000

/* The columns the index reads for a membership, its current stint first,
 * then its closed stints: membership id, person id, org, unit, from, to,
 * joined, is_first, is_cur, gender, birth date, ethnicity.  Each macro is a
 * SELECT ending in WHERE; the caller appends the condition on m. */
#define MEMBER_LOG_CUR                                                         \
	"SELECT m.id AS mid, m.person_id AS pid, m.org AS org, m.unit_id AS unit," \
	" m.unit_from AS vf, m.ended AS vt, m.joined AS joined,"                  \
	" CASE WHEN EXISTS (SELECT 1 FROM membership_stint f"                     \
	" WHERE f.membership_id = m.id) THEN 0 ELSE 1 END AS is_first,"           \
	" 1 AS is_cur, p.gender AS gender, p.birth_date AS birth,"                \
	" p.ethnicity AS eth FROM membership m JOIN person p ON p.id = m.person_id" \
	" WHERE "
#define MEMBER_LOG_OLD                                                         \
	"SELECT m.id, m.person_id, m.org, s.unit_id, s.valid_from, s.valid_to,"   \
	" m.joined, CASE WHEN s.id = (SELECT f.id FROM membership_stint f"        \
	" WHERE f.membership_id = m.id ORDER BY f.valid_from, f.id LIMIT 1)"      \
	" THEN 1 ELSE 0 END, 0, p.gender, p.birth_date, p.ethnicity"              \
	" FROM membership_stint s JOIN membership m ON m.id = s.membership_id"    \
	" JOIN person p ON p.id = m.person_id WHERE "

/* Log what membership id contributes now (before changing it). */
int member_log_membership(struct db *db, int64_t id, struct err *e);
/* Log every membership of person id (before changing the person's
 * gender, birth date or ethnicity). */
int member_log_person(struct db *db, int64_t person_id, struct err *e);
/* Log that membership id did not exist before this transaction (after
 * inserting it). */
int member_log_new(struct db *db, int64_t id, struct err *e);
/* Bump meta member_gen and stamp this transaction's rows with it; without
 * rows (or with too many), move meta member_base so that indexes rebuild.
 * Prunes old generations now and then. */
int member_log_seal(struct db *db, struct err *e);

#endif
