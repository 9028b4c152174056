/*
 * test_doc_number.c — numbering on both drivers: the state policy (per
 * calendar year, a separate confidential series, leading zero, official
 * letters without a type code), the party policy (per committee term, no
 * restart on 1 January, confidential sharing the sequence, a series group
 * shared by two types), refusals (unknown type, no term, unconfigured
 * issuer), and atomic allocation under concurrency: many threads, each
 * with its own connection, and many processes (fork) allocate at once and
 * the numbers taken are exactly 1..N.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/date.h"
#include "domain/doc.h"
#include "domain/doc_search.h"
#include "test.h"
#include "test_doc_fixture.h"

/* Allocate one number; returns the symbol (static) or the error. */
static const char *number(struct cx *cx, int64_t issuer, const char *type,
			  const char *date, int secret)
{
	static char out[700];
	struct doc_number_req r = {issuer, type, date, secret, NULL};
	struct err e = ERR_INIT;
	json_t *j = NULL;
	if (doc_number(cx, &r, &j, &e)) {
		snprintf(out, sizeof out, "error %s: %s", e.field, e.msg);
		return out;
	}
	snprintf(out, sizeof out, "%s", json_string_value(json_object_get(j, "symbol")));
	json_decref(j);
	return out;
}

DB_TEST(doc_number_state_per_year_and_confidential)
{
	struct docfx f;
	docfx_setup(db, &f, 0);
	CHECK_STR(number(&f.cx, f.ub, "QĐ", "2025-03-01", 0), "01/QĐ-UBND");
	CHECK_STR(number(&f.cx, f.ub, "QĐ", "2025-03-02", 0), "02/QĐ-UBND");
	/* The confidential series of the state is its own. */
	CHECK_STR(number(&f.cx, f.ub, "QĐ", "2025-03-02", 1), "01/QĐ-UBND");
	CHECK_STR(number(&f.cx, f.ub, "QĐ", "2025-12-31", 0), "03/QĐ-UBND");
	/* Each type its own series; official letters carry no type code. */
	CHECK_STR(number(&f.cx, f.ub, "CV", "2025-04-01", 0), "01/UBND");
	CHECK_STR(number(&f.cx, f.ub, "QyĐ", "2025-04-01", 0), "01/QyĐ-UBND");
	/* 1 January restarts every series of the state. */
	CHECK_STR(number(&f.cx, f.ub, "QĐ", "2026-01-01", 0), "01/QĐ-UBND");
	CHECK_STR(number(&f.cx, f.ub, "QĐ", "2026-01-01", 1), "01/QĐ-UBND");
	/* A back-dated document takes the next number of its own year. */
	CHECK_STR(number(&f.cx, f.ub, "QĐ", "2025-12-31", 0), "04/QĐ-UBND");
	/* Another issuer has its own series. */
	CHECK_STR(number(&f.cx, f.c1, "QĐ", "2025-03-01", 0), "01/QĐ-UBND");
	/* Ten and more take no padding. */
	for (int i = 5; i <= 9; i++) {
		number(&f.cx, f.ub, "QĐ", "2025-12-31", 0);
	}
	CHECK_STR(number(&f.cx, f.ub, "QĐ", "2025-12-31", 0), "10/QĐ-UBND");
}

DB_TEST(doc_number_party_per_term)
{
	struct docfx f;
	struct err e = ERR_INIT;
	docfx_setup(db, &f, 0);
	CHECK_STR(number(&f.cx, f.tu, "NQ", "2021-01-05", 0), "01-NQ/TU");
	/* No restart on 1 January within a term (121-KL/TW … 210-KL/TW). */
	CHECK_STR(number(&f.cx, f.tu, "NQ", "2024-01-01", 0), "02-NQ/TU");
	/* Confidential party documents share the sequence of their type. */
	CHECK_STR(number(&f.cx, f.tu, "NQ", "2025-06-01", 1), "03-NQ/TU");
	CHECK_STR(number(&f.cx, f.tu, "KL", "2025-06-01", 0), "01-KL/TU");
	/* ĐA and DA (a project written either way) share one series group. */
	CHECK_STR(number(&f.cx, f.tu, "ĐA", "2025-06-01", 0), "01-ĐA/TU");
	CHECK_STR(number(&f.cx, f.tu, "DA", "2025-06-02", 0), "02-DA/TU");
	/* A new term restarts every type from 01. */
	CHECK(doc_term_add(&f.cx, f.tu, "Nhiệm kỳ 2025–2030", "2025-10-20", NULL, &e) == 0);
	CHECK_STR(number(&f.cx, f.tu, "NQ", "2025-11-01", 0), "01-NQ/TU");
	CHECK_STR(number(&f.cx, f.tu, "KL", "2025-11-01", 0), "01-KL/TU");
	/* A document dated in the old term continues the old series. */
	CHECK_STR(number(&f.cx, f.tu, "NQ", "2025-10-19", 0), "04-NQ/TU");
	/* Before the first term there is no series. */
	CHECK(strncmp(number(&f.cx, f.tu, "NQ", "2019-05-01", 0), "error date", 10) == 0);
	CHECK(doc_term_add(&f.cx, f.tu, "dup", "2025-10-20", NULL, &e) < 0);
	CHECK(e.code == ERR_CONFLICT);
}

DB_TEST(doc_number_refusals)
{
	struct docfx f;
	struct err e = ERR_INIT;
	struct doc_org_policy pol = {"youth", "party", 3, "never", 0};
	struct doc_issuer_set is;
	int64_t dtn;
	docfx_setup(db, &f, 0);
	/* A type the issuer's organization does not have. */
	CHECK(strncmp(number(&f.cx, f.ub, "XX", "2025-01-01", 0), "error type", 10) == 0);
	CHECK(strncmp(number(&f.cx, f.ub, "QĐi", "2025-01-01", 0), "error type", 10) == 0);
	/* A unit that does not issue documents. */
	CHECK(strncmp(number(&f.cx, f.p2, "QĐ", "2025-01-01", 0), "error issuer", 12) == 0);
	CHECK(strncmp(number(&f.cx, f.ub, "QĐ", "2025-02-30", 0), "error date", 10) == 0);
	/* A configured policy: the youth union, 3 digits, never restarting. */
	CHECK(doc_org_set(&f.cx, &pol, &e) == 0);
	dtn = f.p2;
	is = (struct doc_issuer_set){dtn, "youth", "TWĐTN-VP", 0};
	CHECK(doc_issuer_set(&f.cx, &is, &e) == 0);
	CHECK_STR(number(&f.cx, dtn, "QĐ", "2024-05-01", 0), "001-QĐ/TWĐTN-VP");
	CHECK_STR(number(&f.cx, dtn, "QĐ", "2025-05-01", 0), "002-QĐ/TWĐTN-VP");
	is.symbol = "TWĐTN/VP";
	CHECK(doc_issuer_set(&f.cx, &is, &e) < 0 && e.code == ERR_INVALID);
	pol.reset = "monthly";
	CHECK(doc_org_set(&f.cx, &pol, &e) < 0 && e.code == ERR_INVALID);
}

DB_TEST(doc_number_needs_a_writer)
{
	struct docfx f;
	struct cx viewer, c1clerk, clerk;
	docfx_setup(db, &f, 1);
	viewer = docfx_as(db, "p1.viewer");
	c1clerk = docfx_as(db, "c1.clerk");
	clerk = docfx_as(db, "p1.clerk");
	CHECK(strncmp(number(&viewer, f.ub, "QĐ", "2025-01-01", 0), "error", 5) == 0);
	/* A commune clerk cannot number for the province. */
	CHECK(strncmp(number(&c1clerk, f.ub, "QĐ", "2025-01-01", 0), "error", 5) == 0);
	CHECK_STR(number(&c1clerk, f.c1, "QĐ", "2025-01-01", 0), "01/QĐ-UBND");
	CHECK_STR(number(&clerk, f.ub, "QĐ", "2025-01-01", 0), "01/QĐ-UBND");
}

/* --- concurrency --- */

#define THREADS 8
#define PER_THREAD 40
#define PROCS 4
#define PER_PROC 30

struct worker {
	int64_t issuer;
	int ok, failed;
	char msg[600];
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct db *db;
	struct cx cx;
	struct err e = ERR_INIT;
	if (db_open(test_db_url(), &db, &e)) {
		snprintf(w->msg, sizeof w->msg, "open: %s", e.msg);
		w->failed = PER_THREAD;
		return NULL;
	}
	cx_init_system(&cx, db);
	for (int i = 0; i < PER_THREAD; i++) {
		struct doc_number_req r = {w->issuer, "QĐ", "2025-06-01", 0, "song song"};
		cx.now_ms = time_now_ms();
		if (doc_number(&cx, &r, NULL, &e)) {
			w->failed++;
			snprintf(w->msg, sizeof w->msg, "%s", e.msg);
		} else {
			w->ok++;
		}
	}
	db_close(db);
	return NULL;
}

/* The numbers of the 2025 outgoing register of `unit`: exactly 1..n? */
static int exactly_one_to_n(struct cx *cx, int64_t unit, int n)
{
	json_t *reg = NULL, *row;
	struct err e = ERR_INIT;
	char *seen;
	size_t i;
	int good = 1, count = 0;
	if (doc_register(cx, unit, "out", 2025, &reg, &e)) {
		printf("    register: %s\n", e.msg);
		return 0;
	}
	seen = calloc((size_t)n + 1, 1);
	json_array_foreach(json_object_get(reg, "items"), i, row) {
		long k = strtol(json_string_value(json_object_get(row, "number")), NULL, 10);
		if (k < 1 || k > n || seen[k]) {
			printf("    number %ld out of range or taken twice\n", k);
			good = 0;
		} else {
			seen[k] = 1;
		}
		count++;
	}
	if (count != n) {
		printf("    %d numbers registered, %d expected\n", count, n);
		good = 0;
	}
	free(seen);
	json_decref(reg);
	return good;
}

DB_TEST(doc_number_threads_no_gap_no_duplicate)
{
	struct docfx f;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	int ok = 0;
	docfx_setup(db, &f, 0);
	memset(w, 0, sizeof w);
	for (int i = 0; i < THREADS; i++) {
		w[i].issuer = f.ub;
		CHECK(pthread_create(&t[i], NULL, worker_run, &w[i]) == 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ok += w[i].ok;
		if (w[i].failed) {
			printf("    thread %d: %d failed: %s\n", i, w[i].failed, w[i].msg);
		}
	}
	CHECK(ok == THREADS * PER_THREAD);
	CHECK(exactly_one_to_n(&f.cx, f.ub, ok));
}

DB_TEST(doc_number_processes_no_gap_no_duplicate)
{
	struct docfx f;
	pid_t pid[PROCS];
	int failed = 0;
	docfx_setup(db, &f, 0);
	fflush(stdout);
	for (int i = 0; i < PROCS; i++) {
		pid[i] = fork();
		CHECK(pid[i] >= 0);
		if (pid[i] == 0) {
			struct db *cdb;
			struct cx cx;
			struct err e = ERR_INIT;
			int bad = 0;
			if (db_open(test_db_url(), &cdb, &e)) {
				_exit(100);
			}
			cx_init_system(&cx, cdb);
			for (int k = 0; k < PER_PROC; k++) {
				struct doc_number_req r = {f.tu, "NQ", "2025-06-01", 0, NULL};
				cx.now_ms = time_now_ms();
				bad += doc_number(&cx, &r, NULL, &e) != 0;
			}
			db_close(cdb);
			_exit(bad > 99 ? 99 : bad);
		}
	}
	for (int i = 0; i < PROCS; i++) {
		int st = 0;
		waitpid(pid[i], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("    process %d: status %d\n", i, st);
			failed++;
		}
	}
	CHECK(failed == 0);
	CHECK(exactly_one_to_n(&f.cx, f.tu, PROCS * PER_PROC));
}
