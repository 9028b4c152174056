/*
 * bench/import_read.c — the import's reader thread alone (import_read.c:
 * CSV/XLSX parsing, header mapping, value normalization, the search key,
 * the quality rules, unit look-ups, in-file duplicates), without the
 * writer: the batches are taken and given straight back (imp_drive,
 * tests/unit/import_drive.h, as the unit tests do).  Prints the
 * reader thread's CPU seconds, rows/s of that CPU time, and a digest of
 * everything the reader hands the writer (values, search keys, problems,
 * reasons, units), so that two builds can be shown to produce the same
 * output byte for byte.
 *
 *   bench_import_read FILE [--db DB] [--org ORG] [--today YYYY-MM-DD]
 *                     [--lang vi|en] [--runs N]
 *
 * DB (default build/bench/import/base.db, made by bench/import.sh) gives
 * the unit catalogue and the quality rules; it is only read.  The best of
 * N runs (default 3) is reported.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/date.h"
#include "db/db.h"
#include "domain/cx.h"
#include "domain/import_internal.h"
#include "domain/org.h"
#include "domain/quality.h"
#include "../tests/unit/import_drive.h"

struct run {
	struct imp_reader *rd;
	double cpu; /* reader thread CPU seconds */
};

static double clock_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *reader(void *arg)
{
	struct run *r = arg;
	double t0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	imp_reader_run(r->rd);
	r->cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - t0;
	return NULL;
}

int main(int argc, char **argv)
{
	const char *file = NULL, *dbpath = "build/bench/import/base.db", *org = "party";
	const char *lang = "vi";
	char today[11];
	int runs = 3;
	struct err e = ERR_INIT;
	struct db *db;
	struct cx cx;
	struct org_tree *tree = NULL;
	struct imp_unit *units = NULL;
	struct quality_rules *rules;
	size_t n_slots = 0;
	double best_cpu = 1e30, best_wall = 1e30;
	long rows = 0, errors = 0, warnings = 0;
	uint64_t digest = 0;
	date_today(today);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			dbpath = argv[++i];
		} else if (strcmp(argv[i], "--org") == 0 && i + 1 < argc) {
			org = argv[++i];
		} else if (strcmp(argv[i], "--today") == 0 && i + 1 < argc) {
			snprintf(today, sizeof today, "%s", argv[++i]);
		} else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
			lang = argv[++i];
		} else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (!file && argv[i][0] != '-') {
			file = argv[i];
		} else {
			file = NULL;
			break;
		}
	}
	if (!file || runs < 1) {
		fprintf(stderr, "usage: bench_import_read FILE [--db DB] [--org ORG] "
				"[--today YYYY-MM-DD] [--lang vi|en] [--runs N]\n");
		return 2;
	}
	if (db_open(dbpath, &db, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	cx_init_system(&cx, db);
	cx.lang = lang;
	if (imp_unit_table(&cx, today, &tree, &units, &n_slots, &e) ||
	    quality_rules_load(db, &rules, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	for (int k = 0; k < runs; k++) {
		static const struct imp_drive_queue queue = {imp_take, imp_give_back};
		struct imp_reader rd;
		struct run run = {&rd, 0};
		struct imp_drive d;
		double w0 = clock_s(CLOCK_MONOTONIC), wall;
		memset(&rd, 0, sizeof rd);
		rd.path = file;
		rd.name = file;
		rd.org = org;
		rd.today = today;
		rd.lang = lang;
		rd.rules = rules;
		rd.units = units;
		rd.n_slots = n_slots;
		if (imp_queue_init(&rd) || imp_drive(&rd, &queue, reader, &run, &d)) {
			fprintf(stderr, "cannot start the reader\n");
			return 1;
		}
		wall = clock_s(CLOCK_MONOTONIC) - w0;
		imp_queue_release(&rd);
		for (int i = 0; i < rd.n_header; i++) {
			free(rd.header[i]);
		}
		free(rd.header);
		if (d.failed) {
			fprintf(stderr, "%s\n", d.failure);
			return 1;
		}
		rows = d.rows;
		errors = d.error_rows;
		warnings = d.warnings;
		digest = d.digest;
		if (run.cpu < best_cpu) {
			best_cpu = run.cpu;
		}
		if (wall < best_wall) {
			best_wall = wall;
		}
		fprintf(stderr, "run %d: reader CPU %.3f s, wall %.3f s\n", k + 1, run.cpu, wall);
	}
	printf("rows %ld (with errors %ld, warnings %ld), today %s\n", rows, errors, warnings,
	       today);
	printf("reader CPU %.3f s, wall %.3f s (best of %d): %.0f rows/s of reader CPU\n",
	       best_cpu, best_wall, runs, (double)rows / best_cpu);
	printf("digest %016llx\n", (unsigned long long)digest);
	free(units);
	org_tree_release(tree);
	quality_rules_free(rules);
	db_close(db);
	return 0;
}
