/*
 * test_db.c — unit tests of the storage layer on both drivers: migrations,
 * binding, nested transactions, constraint errors.
 */
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
