/*
 * member_log.c — the writing side of the member change log (member_log.h):
 * what a membership contributed to the index before a write, the marker of
 * a new membership, and the seal that numbers a transaction's rows with the
 * generation it commits.  Owns the table member_change (rows) and the meta
 * keys member_gen (with member.c, which reads it) and member_base.
 */
#include "domain/member_log.h"

#include <stdio.h>
#include <stdlib.h>

#define PRUNE_EVERY 64

#define LOG_INSERT                                                             \
	"INSERT INTO member_change(gen, kind, membership_id, person_id, org,"  \
	" unit_id, valid_from, valid_to, joined, is_first, is_cur, gender,"    \
	" birth_date, ethnicity) SELECT 0, 's', q.mid, q.pid, q.org, q.unit,"  \
	" q.vf, q.vt, q.joined, q.is_first, q.is_cur, q.gender, q.birth, q.eth" \
	" FROM ("

#define LOG_NOT_YET                                                            \
	") q WHERE NOT EXISTS (SELECT 1 FROM member_change c WHERE c.gen = 0"  \
	" AND c.membership_id = q.mid)"

/* Run sql binding v to every parameter (n of them). */
static int exec_id(struct db *db, const char *sql, int n, int64_t v, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc) {
		return rc;
	}
	for (int i = 1; i <= n; i++) {
		db_bind_int64(st, i, v);
	}
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int member_log_membership(struct db *db, int64_t id, struct err *e)
{
	int rc = 0;
	if (db_kind(db) == DB_PG) { /* SQLite: the writer holds the database */
		rc = exec_id(db, "UPDATE membership SET rev = rev WHERE id = ?", 1, id, e);
	}
	return rc ? rc
		  : exec_id(db,
			    LOG_INSERT MEMBER_LOG_CUR "m.id = ? UNION ALL " MEMBER_LOG_OLD
						      "m.id = ?" LOG_NOT_YET,
			    2, id, e);
}

int member_log_person(struct db *db, int64_t person_id, struct err *e)
{
	int rc = 0;
	if (db_kind(db) == DB_PG) {
		rc = exec_id(db, "UPDATE membership SET rev = rev WHERE person_id = ?", 1,
			     person_id, e);
	}
	rc = rc ? rc
		: exec_id(db,
			  LOG_INSERT MEMBER_LOG_CUR "m.person_id = ? UNION ALL " MEMBER_LOG_OLD
						    "m.person_id = ?" LOG_NOT_YET,
			  2, person_id, e);
	/* And the person (kind 'p', no membership): the write is logged even
	 * when the person has no membership to log. */
	return rc ? rc
		  : exec_id(db,
			    "INSERT INTO member_change(gen, kind, membership_id, person_id)"
			    " SELECT 0, 'p', 0, id FROM person WHERE id = ?",
			    1, person_id, e);
}

int member_log_new(struct db *db, int64_t id, struct err *e)
{
	return exec_id(db,
		       "INSERT INTO member_change(gen, kind, membership_id, person_id)"
		       " SELECT 0, 'n', m.id, m.person_id FROM membership m WHERE m.id = ?"
		       " AND NOT EXISTS (SELECT 1 FROM member_change c WHERE c.gen = 0"
		       " AND c.membership_id = m.id)",
		       1, id, e);
}

static int64_t scalar(struct db *db, const char *sql, struct err *e, int *rc)
{
	struct db_stmt *st;
	int64_t v = 0;
	if ((*rc = db_prepare(db, sql, &st, e))) {
		return 0;
	}
	*rc = db_step(st, e);
	if (*rc == DB_ROW) {
		v = strtoll(db_col_text(st, 0), NULL, 10);
	}
	db_finalize(st);
	*rc = *rc < 0 ? *rc : 0;
	return v;
}

/* meta member_base = g, or only raised to g when `raise`. */
static int set_base(struct db *db, int64_t g, int raise, struct err *e)
{
	struct db_stmt *st;
	char v[24];
	int rc = db_prepare(db,
			    raise ? "UPDATE meta SET value = ? WHERE key = 'member_base'"
				    " AND CAST(value AS BIGINT) < ?"
				  : "UPDATE meta SET value = ? WHERE key = 'member_base'",
			    &st, e);
	if (rc) {
		return rc;
	}
	snprintf(v, sizeof v, "%lld", (long long)g);
	db_bind_text(st, 1, v);
	if (raise) {
		db_bind_int64(st, 2, g);
	}
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int member_log_seal(struct db *db, struct err *e)
{
	int64_t g, pending;
	int rc;
	/* One statement: on PostgreSQL the row lock orders the writers, so
	 * generations are handed out in commit order. */
	g = scalar(db,
		   "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT)"
		   " WHERE key = 'member_gen' RETURNING value",
		   e, &rc);
	if (rc) {
		return rc;
	}
	pending = scalar(db, "SELECT CAST(COUNT(*) AS TEXT) FROM member_change WHERE gen = 0", e,
			 &rc);
	if (rc) {
		return rc;
	}
	if (pending > 0 && pending <= MEMBER_LOG_MAX_ROWS) {
		rc = exec_id(db, "UPDATE member_change SET gen = ? WHERE gen = 0", 1, g, e);
	} else {
		if (pending > 0) {
			rc = exec_id(db, "DELETE FROM member_change WHERE gen = ?", 1, 0, e);
		}
		rc = rc ? rc : set_base(db, g, 0, e);
	}
	if (rc == 0 && g % PRUNE_EVERY == 0 && g > MEMBER_LOG_KEEP) {
		rc = exec_id(db, "DELETE FROM member_change WHERE gen > 0 AND gen <= ?", 1,
			     g - MEMBER_LOG_KEEP, e);
		rc = rc ? rc : set_base(db, g - MEMBER_LOG_KEEP, 1, e);
	}
	return rc;
}
