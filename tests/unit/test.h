/*
 * test.h — the tiny unit-test runner.  TEST(name) defines a test that runs
 * once; DB_TEST(name) defines a test that takes a `struct db *` and runs once
 * per driver: SQLite always, PostgreSQL when CADRE_TEST_PG_URL names a
 * running server (tests/run.sh starts a throwaway cluster and sets it).
 * Each DB_TEST gets a fresh, migrated database.  CHECK(cond) records a
 * failure and goes on; the runner prints one line per test and ends with
 * "N passed, N failed".
 */
#ifndef CADRE_TEST_H
#define CADRE_TEST_H

#include <string.h>

#include "db/db.h"

typedef void (*test_fn)(void);
typedef void (*db_test_fn)(struct db *db);

void test_register(const char *name, test_fn fn, db_test_fn dbfn);
void test_fail(const char *file, int line, const char *expr);
/* A fresh migrated database of the current test's driver (DB_TEST does
 * this for you; use it for a second connection to the same database). */
const char *test_db_url(void);

#define TEST(name)                                                             \
	static void name(void);                                                \
	__attribute__((constructor)) static void reg_##name(void)              \
	{                                                                      \
		test_register(#name, name, NULL);                              \
	}                                                                      \
	static void name(void)

#define DB_TEST(name)                                                          \
	static void name(struct db *db);                                       \
	__attribute__((constructor)) static void reg_##name(void)              \
	{                                                                      \
		test_register(#name, NULL, name);                              \
	}                                                                      \
	static void name(struct db *db)

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			test_fail(__FILE__, __LINE__, #c);                     \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                       \
			test_fail(__FILE__, __LINE__, #a " == " #b);           \
		}                                                              \
	} while (0)

#endif
