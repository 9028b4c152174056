/*
 * runner.c — main() of the unit-test binary: runs every registered test
 * (DB tests on SQLite and, when CADRE_TEST_PG_URL is set, on PostgreSQL in a
 * fresh database each), prints "ok"/"FAIL" lines and "N passed, N failed".
 * Usage: unit_tests [SUBSTRING]  — run only tests whose name contains it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/migrate.h"
#include "test.h"

#define MAX_TESTS 1024

static struct {
	const char *name;
	test_fn fn;
	db_test_fn dbfn;
} tests[MAX_TESTS];
static int n_tests, cur_failed;
static char cur_url[512];
static const char *cur_driver;
static int db_seq;

void test_register(const char *name, test_fn fn, db_test_fn dbfn)
{
	if (n_tests < MAX_TESTS) {
		tests[n_tests].name = name;
		tests[n_tests].fn = fn;
		tests[n_tests].dbfn = dbfn;
		n_tests++;
	}
}

void test_fail(const char *file, int line, const char *expr)
{
	cur_failed++;
	printf("    %s:%d: CHECK failed: %s\n", file, line, expr);
	fflush(stdout);
}

const char *test_db_url(void)
{
	return cur_url;
}

/* Make a fresh empty database for the driver; fills cur_url. */
static int fresh_db(const char *driver)
{
	struct err e = ERR_INIT;
	db_seq++;
	if (strcmp(driver, "sqlite") == 0) {
		const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(cur_url, sizeof cur_url, "%s/cadre-unit-%d-%d.db", tmp,
			 (int)getpid(), db_seq);
		unlink(cur_url);
		return 0;
	} else {
		const char *base = getenv("CADRE_TEST_PG_URL");
		struct db *admin;
		char sql[128], name[64];
		const char *q;
		if (db_open(base, &admin, &e)) {
			printf("    cannot reach PostgreSQL at %s: %s\n", base, e.msg);
			return -1;
		}
		snprintf(name, sizeof name, "cadre_unit_%d_%d", (int)getpid(), db_seq);
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
		db_exec(admin, sql, &e);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
		if (db_exec(admin, sql, &e)) {
			printf("    %s\n", e.msg);
			db_close(admin);
			return -1;
		}
		db_close(admin);
		/* Replace the database name in the URL (the path after host). */
		q = strchr(base + strlen("postgresql://"), '/');
		if (!q) {
			snprintf(cur_url, sizeof cur_url, "%s/%s", base, name);
		} else {
			const char *rest = strchr(q, '?');
			snprintf(cur_url, sizeof cur_url, "%.*s/%s%s",
				 (int)(q - base), base, name, rest ? rest : "");
		}
		return 0;
	}
}

static void drop_db(const char *driver)
{
	if (strcmp(driver, "sqlite") == 0) {
		char p[600];
		unlink(cur_url);
		snprintf(p, sizeof p, "%s-wal", cur_url);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", cur_url);
		unlink(p);
	}
}

static void run_db_test(int i, const char *driver, int *passed, int *failed)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;
	cur_failed = 0;
	cur_driver = driver;
	if (fresh_db(driver) || db_open(cur_url, &db, &e) ||
	    db_migrate(db, NULL, &e)) {
		printf("    setup: %s\n", e.msg);
		cur_failed++;
	} else {
		tests[i].dbfn(db);
	}
	if (db) {
		db_close(db);
	}
	drop_db(driver);
	printf("%s %s [%s]\n", cur_failed ? "FAIL" : "ok", tests[i].name, driver);
	fflush(stdout);
	*(cur_failed ? failed : passed) += 1;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *only = argc > 1 ? argv[1] : NULL;
	const char *pg = getenv("CADRE_TEST_PG_URL");
	for (int i = 0; i < n_tests; i++) {
		if (only && !strstr(tests[i].name, only)) {
			continue;
		}
		if (tests[i].fn) {
			cur_failed = 0;
			tests[i].fn();
			printf("%s %s\n", cur_failed ? "FAIL" : "ok", tests[i].name);
			fflush(stdout);
			*(cur_failed ? &failed : &passed) += 1;
			continue;
		}
		run_db_test(i, "sqlite", &passed, &failed);
		if (pg && *pg) {
			run_db_test(i, "pg", &passed, &failed);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
