/*
 * test_db.c — unit tests of the storage layer on both drivers: migrations,
 * binding, nested transactions, constraint errors, and the driver edge
 * cases: `?` inside literals, int64 extremes, NULLs, large and Vietnamese
 * text, RETURNING, interleaved statements, busy mapping.
 */
#include <stdint.h>
#include <stdlib.h>

#include "db/migrate.h"
#include "test.h"

DB_TEST(db_migrate_is_idempotent)
{
	struct err e = ERR_INIT;
	int applied = -1;
	CHECK(db_migrate(db, &applied, &e) == 0);
	CHECK(applied == 0);
}

DB_TEST(db_bind_and_read_back)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	CHECK(db_exec(db, "CREATE TABLE t (id BIGINT, s TEXT, d DOUBLE PRECISION)", &e) == 0);
	CHECK(db_prepare(db, "INSERT INTO t VALUES (?, ?, ?)", &st, &e) == 0);
	db_bind_int64(st, 1, 5000000000LL);
	db_bind_text(st, 2, "Robert'); DROP TABLE t;--");
	db_bind_double(st, 3, 0.25);
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
	CHECK(db_prepare(db, "SELECT id, s, d FROM t WHERE s = ?", &st, &e) == 0);
	db_bind_text(st, 1, "Robert'); DROP TABLE t;--");
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK(db_col_int64(st, 0) == 5000000000LL);
	CHECK_STR(db_col_text(st, 1), "Robert'); DROP TABLE t;--");
	CHECK(db_col_double(st, 2) == 0.25);
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
}

DB_TEST(db_nested_rollback_keeps_outer_work)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	CHECK(db_exec(db, "CREATE TABLE t (v BIGINT)", &e) == 0);
	CHECK(db_begin(db, &e) == 0);
	CHECK(db_exec(db, "INSERT INTO t VALUES (1)", &e) == 0);
	CHECK(db_begin(db, &e) == 0);
	CHECK(db_exec(db, "INSERT INTO t VALUES (2)", &e) == 0);
	db_rollback(db);
	CHECK(db_commit(db, &e) == 0);
	CHECK(db_prepare(db, "SELECT COUNT(*), MAX(v) FROM t", &st, &e) == 0);
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK(db_col_int64(st, 0) == 1);
	CHECK(db_col_int64(st, 1) == 1);
	db_finalize(st);
}

DB_TEST(db_unique_violation_is_conflict)
{
	struct err e = ERR_INIT;
	CHECK(db_exec(db, "CREATE TABLE t (v BIGINT PRIMARY KEY)", &e) == 0);
	CHECK(db_exec(db, "INSERT INTO t VALUES (1)", &e) == 0);
	CHECK(db_exec(db, "INSERT INTO t VALUES (1)", &e) < 0);
	CHECK(e.code == ERR_CONFLICT);
}

/* ---- driver edge cases (pg.c rewrites `?`, binds and reads text) -------- */

DB_TEST(db_placeholders_skip_literals_identifiers_and_comments)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	CHECK(db_exec(db, "CREATE TABLE t (\"q?\" TEXT, b TEXT, c TEXT)", &e) == 0);
	CHECK(db_prepare(db,
			 "INSERT INTO t VALUES ('what? it''s ?', ?, ?) -- ? here\n",
			 &st, &e) == 0);
	CHECK(db_bind_text(st, 1, "one") == 0);
	CHECK(db_bind_text(st, 2, "two?") == 0);
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
	CHECK(db_prepare(db,
			 "SELECT \"q?\", b, c /* a ? here */ FROM t"
			 " WHERE b = ? AND c = ?",
			 &st, &e) == 0);
	if (!st) {
		return;
	}
	db_bind_text(st, 1, "one");
	db_bind_text(st, 2, "two?");
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK_STR(db_col_text(st, 0), "what? it's ?");
	CHECK_STR(db_col_text(st, 1), "one");
	CHECK_STR(db_col_text(st, 2), "two?");
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
	/* SQLite's numbered form works on both. */
	CHECK(db_prepare(db, "SELECT CAST(?2 AS TEXT), CAST(?1 AS TEXT)", &st, &e) == 0);
	db_bind_text(st, 1, "a");
	db_bind_text(st, 2, "b");
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK_STR(db_col_text(st, 0), "b");
	CHECK_STR(db_col_text(st, 1), "a");
	db_finalize(st);
}

DB_TEST(db_int64_extremes_and_doubles_round_trip)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	const int64_t ints[] = {INT64_MAX, INT64_MIN, 0, -1, 9007199254740993LL};
	const double dbls[] = {0.1, -1e300, 5e-324, 1.0 / 3.0, 123456789.125};
	CHECK(db_exec(db, "CREATE TABLE t (k BIGINT, i BIGINT, d DOUBLE PRECISION)", &e) == 0);
	for (int k = 0; k < 5; k++) {
		CHECK(db_prepare(db, "INSERT INTO t (k, i, d) VALUES (?, ?, ?)", &st, &e) == 0);
		db_bind_int64(st, 1, k);
		db_bind_int64(st, 2, ints[k]);
		db_bind_double(st, 3, dbls[k]);
		CHECK(db_step(st, &e) == DB_DONE);
		db_finalize(st);
	}
	CHECK(db_prepare(db, "SELECT i, d, i FROM t WHERE i = ? AND k = ?", &st, &e) == 0);
	for (int k = 0; k < 5; k++) {
		db_reset(st);
		db_bind_int64(st, 1, ints[k]);
		db_bind_int64(st, 2, k);
		CHECK(db_step(st, &e) == DB_ROW);
		CHECK(db_col_int64(st, 0) == ints[k]);
		CHECK(db_col_double(st, 1) == dbls[k]);
		CHECK(db_step(st, &e) == DB_DONE);
	}
	db_reset(st);
	db_bind_int64(st, 1, INT64_MIN);
	db_bind_int64(st, 2, 1);
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK_STR(db_col_text(st, 2), "-9223372036854775808");
	db_finalize(st);
}

DB_TEST(db_null_round_trip)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	CHECK(db_exec(db, "CREATE TABLE t (k BIGINT, i BIGINT, s TEXT, d DOUBLE PRECISION)", &e) == 0);
	CHECK(db_prepare(db, "INSERT INTO t VALUES (?, ?, ?, ?)", &st, &e) == 0);
	db_bind_int64(st, 1, 1);
	db_bind_null(st, 2);
	db_bind_text(st, 3, NULL);
	/* 4 left unbound: NULL too. */
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
	CHECK(db_prepare(db, "SELECT i, s, d, k FROM t WHERE i IS NULL AND s IS NULL",
			 &st, &e) == 0);
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK(db_col_is_null(st, 0));
	CHECK(db_col_is_null(st, 1));
	CHECK(db_col_is_null(st, 2));
	CHECK(!db_col_is_null(st, 3));
	CHECK(db_col_int64(st, 0) == 0);
	CHECK_STR(db_col_text(st, 1), "");
	CHECK(db_col_double(st, 2) == 0.0);
	CHECK(db_col_int64(st, 3) == 1);
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
}

DB_TEST(db_vietnamese_and_large_text_round_trip)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	const char *vi = "Phường Bến Nghé, Quận 1 — Thành phố Hồ Chí Minh; Đắk Lắk ơ ư ỹ";
	const char *piece = "Ủy ban nhân dân xã Tân Phước; ";
	size_t plen = strlen(piece), big_len = 0;
	char *big = malloc(100 * 1024 + 64);
	CHECK(big != NULL);
	if (!big) {
		return;
	}
	while (big_len + plen < 100 * 1024) {
		memcpy(big + big_len, piece, plen);
		big_len += plen;
	}
	while (big_len < 100 * 1024) {
		big[big_len++] = 'x';
	}
	big[big_len] = '\0';
	CHECK(db_exec(db, "CREATE TABLE t (k BIGINT, s TEXT)", &e) == 0);
	CHECK(db_prepare(db, "INSERT INTO t VALUES (?, ?)", &st, &e) == 0);
	db_bind_int64(st, 1, 1);
	db_bind_text(st, 2, vi);
	CHECK(db_step(st, &e) == DB_DONE);
	db_reset(st);
	db_bind_int64(st, 1, 2);
	db_bind_text(st, 2, big);
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
	CHECK(db_prepare(db, "SELECT k, s FROM t WHERE s = ?", &st, &e) == 0);
	db_bind_text(st, 1, vi);
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK(db_col_int64(st, 0) == 1);
	CHECK_STR(db_col_text(st, 1), vi);
	CHECK(db_step(st, &e) == DB_DONE);
	db_reset(st);
	db_bind_text(st, 1, big);
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK(db_col_int64(st, 0) == 2);
	CHECK(strlen(db_col_text(st, 1)) == 100 * 1024);
	CHECK_STR(db_col_text(st, 1), big);
	db_finalize(st);
	free(big);
}

DB_TEST(db_returning_id_and_interleaved_statements)
{
	struct err e = ERR_INIT;
	struct db_stmt *ins, *outer, *inner;
	int64_t first = 0;
	int rows = 0;
	for (int i = 0; i < 3; i++) {
		CHECK(db_prepare(db,
				 "INSERT INTO reorg_event(kind, date, decision, created_ms)"
				 " VALUES (?, ?, ?, ?) RETURNING id",
				 &ins, &e) == 0);
		db_bind_text(ins, 1, "rename");
		db_bind_text(ins, 2, "2025-07-01");
		db_bind_text(ins, 3, "QĐ 1/2025");
		db_bind_int64(ins, 4, 1000 + i);
		CHECK(db_step(ins, &e) == DB_ROW);
		if (i == 0) {
			first = db_col_int64(ins, 0);
			CHECK(first > 0);
		} else {
			CHECK(db_col_int64(ins, 0) == first + i);
		}
		CHECK(db_step(ins, &e) == DB_DONE);
		db_finalize(ins);
	}
	/* Two live statements on one connection, the second run per row. */
	CHECK(db_prepare(db, "SELECT id FROM reorg_event ORDER BY id", &outer, &e) == 0);
	CHECK(db_prepare(db, "SELECT created_ms FROM reorg_event WHERE id = ?", &inner,
			 &e) == 0);
	while (db_step(outer, &e) == DB_ROW) {
		int64_t id = db_col_int64(outer, 0);
		db_reset(inner);
		db_bind_int64(inner, 1, id);
		CHECK(db_step(inner, &e) == DB_ROW);
		CHECK(db_col_int64(inner, 0) == 1000 + (id - first));
		rows++;
	}
	CHECK(rows == 3);
	db_finalize(inner);
	db_finalize(outer);
}

DB_TEST(db_failed_inner_write_rolls_back_to_savepoint)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	CHECK(db_exec(db, "CREATE TABLE t (v BIGINT PRIMARY KEY)", &e) == 0);
	CHECK(db_begin(db, &e) == 0);
	CHECK(db_exec(db, "INSERT INTO t VALUES (1)", &e) == 0);
	CHECK(db_begin(db, &e) == 0);
	CHECK(db_prepare(db, "INSERT INTO t VALUES (?)", &st, &e) == 0);
	db_bind_int64(st, 1, 1);
	CHECK(db_step(st, &e) < 0);
	CHECK(e.code == ERR_CONFLICT);
	db_finalize(st);
	db_rollback(db);
	/* The outer transaction is still usable (PostgreSQL: back at the
	 * savepoint, not aborted). */
	CHECK(db_exec(db, "INSERT INTO t VALUES (2)", &e) == 0);
	CHECK(db_commit(db, &e) == 0);
	CHECK(db_prepare(db, "SELECT COUNT(*), SUM(v) FROM t", &st, &e) == 0);
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK(db_col_int64(st, 0) == 2);
	CHECK(db_col_int64(st, 1) == 3);
	db_finalize(st);
}

DB_TEST(db_foreign_key_violation_is_conflict_and_bad_sql_internal)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	CHECK(db_prepare(db,
			 "INSERT INTO unit(code, kind, created_ms) VALUES (?, ?, ?)",
			 &st, &e) == 0);
	db_bind_text(st, 1, "u1");
	db_bind_text(st, 2, "no-such-kind");
	db_bind_int64(st, 3, 1);
	CHECK(db_step(st, &e) < 0);
	CHECK(e.code == ERR_CONFLICT);
	db_finalize(st);
	st = NULL;
	CHECK(db_prepare(db, "SELEC 1", &st, &e) < 0);
	CHECK(e.code == ERR_INTERNAL);
	CHECK(st == NULL);
	CHECK(db_exec(db, "SELECT * FROM no_such_table", &e) < 0);
	CHECK(e.code == ERR_INTERNAL);
}

DB_TEST(db_pg_lock_timeout_is_busy_conflict)
{
	struct err e = ERR_INIT;
	struct db *other = NULL;
	if (db_kind(db) != DB_PG) {
		return; /* SQLite waits out its busy timeout (10 s) instead */
	}
	CHECK(db_exec(db, "CREATE TABLE t (v BIGINT PRIMARY KEY)", &e) == 0);
	CHECK(db_exec(db, "INSERT INTO t VALUES (1)", &e) == 0);
	CHECK(db_open(test_db_url(), &other, &e) == 0);
	if (!other) {
		return;
	}
	CHECK(db_exec(other, "SET lock_timeout = '50ms'", &e) == 0);
	CHECK(db_begin(db, &e) == 0);
	CHECK(db_exec(db, "UPDATE t SET v = 2 WHERE v = 1", &e) == 0);
	CHECK(db_begin(other, &e) == 0);
	CHECK(db_exec(other, "UPDATE t SET v = 3 WHERE v = 1", &e) < 0);
	CHECK(e.code == ERR_CONFLICT);
	CHECK_STR(e.msg, "database is busy, try again");
	db_rollback(other);
	db_rollback(db);
	db_close(other);
}

DB_TEST(db_pg_placeholders_skip_escape_and_dollar_quotes)
{
	struct err e = ERR_INIT;
	struct db_stmt *st = NULL;
	if (db_kind(db) != DB_PG) {
		return; /* PostgreSQL-only syntax */
	}
	CHECK(db_prepare(db,
			 "SELECT E'it\\'s ?', $$a ? b$$, $q$ ?'? $q$, CAST(? AS TEXT)",
			 &st, &e) == 0);
	if (!st) {
		return;
	}
	db_bind_text(st, 1, "x");
	CHECK(db_step(st, &e) == DB_ROW);
	CHECK_STR(db_col_text(st, 0), "it's ?");
	CHECK_STR(db_col_text(st, 1), "a ? b");
	CHECK_STR(db_col_text(st, 2), " ?'? ");
	CHECK_STR(db_col_text(st, 3), "x");
	db_finalize(st);
}

DB_TEST(db_blob_round_trip_all_bytes)
{
	struct err e = ERR_INIT;
	struct db_stmt *st;
	unsigned char data[600];
	const unsigned char *back;
	size_t n = 0;
	for (size_t i = 0; i < sizeof data; i++) {
		data[i] = (unsigned char)(i * 7);
	}
	data[3] = 0;
	CHECK(db_exec(db, db_kind(db) == DB_PG ? "CREATE TABLE b (v BYTEA)" : "CREATE TABLE b (v BLOB)", &e) == 0);
	CHECK(db_prepare(db, "INSERT INTO b VALUES (?)", &st, &e) == 0);
	db_bind_blob(st, 1, data, sizeof data);
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
	CHECK(db_prepare(db, "INSERT INTO b VALUES (?)", &st, &e) == 0);
	db_bind_blob(st, 1, NULL, 0);
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
	CHECK(db_prepare(db, "SELECT v FROM b", &st, &e) == 0);
	CHECK(db_step(st, &e) == DB_ROW);
	back = db_col_blob(st, 0, &n);
	CHECK(n == sizeof data && memcmp(back, data, n) == 0);
	CHECK(db_step(st, &e) == DB_ROW);
	back = db_col_blob(st, 0, &n);
	CHECK(n == 0 && back != NULL);
	db_finalize(st);
}
