/*
 * bench/members.c — member totals on a national-size database: how many
 * memberships each of the 34 provinces has as of a date (member_stats:
 * in-memory index of stint starts and ends per unit, prefix sums over the
 * snapshot), against the same question asked of SQLite with a recursive
 * CTE through the sqlite3 shell.  Also the memory the index costs.
 *
 *   bench_members DB [--date YYYY-MM-DD] [--runs N] [--members N]
 *                    [--sqlite3 PATH] [--cte-runs N] [--write-runs N]
 *
 * Loads what is missing first: the national tree (demo_national) and N
 * party members (member_demo_national, default 5,600,000), timing the
 * load.  Then: the cold question (index built from the tables), the warm
 * one (best and median of the runs, each asking for all the provinces at
 * once), the same with distinct people, the process's RSS (now and peak,
 * from /proc/self/status), and the CTE (members_ref.h: best and median),
 * checking that both count the same in every province (each one that
 * differs is printed).  Floors: warm median < 20 ms and RSS < 200 MB;
 * exit status 1 when one is missed or the counts differ.
 *
 * Then a question after a write, as a clerk admits someone and opens the
 * statistics page: one admission (member_admit, timed apart), then the 34
 * provinces again — the index catches up from the change log (best and
 * median of the runs; each run checks that the total grew by one).  And the
 * same with the index dropped after the admission (--before-runs N, default
 * 3; 0 to skip), which is what every write cost before the change log: a
 * rebuild from the tables.  The admissions stay in the database.
 *
 * Then the first question for another date (--other-date, default the day
 * before --date) with the index warm: what a new snapshot and its
 * representative map cost alone (units not in that day's tree resolved
 * through their lineage and parents).
 *
 * --cte-runs N (default min(runs, 5); 0 skips the CTE) and --write-runs N
 * (default runs; 0 skips the question after a write, so the database is
 * left as it was) shorten a run that only wants the cold and warm figures,
 * e.g. the first question for a date before most of the units existed
 * (every unit outside that day's tree resolved through lineage/parents).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "db/db.h"
#include "db/migrate.h"
#include "domain/cx.h"
#include "domain/demo.h"
#include "domain/member.h"
#include "domain/member_stats.h"
#include "domain/org.h"
#include "members_ref.h"

#define FLOOR_MS 20.0
#define FLOOR_RSS_MB 200.0
#define MAX_PROVINCES 128

struct write_bench {
	int64_t unit, *people;
	int runs, before_runs;
	double *admit_ms, *after_ms, *rebuilt_ms;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n, double *best)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	*best = v[0];
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* VmRSS and VmHWM in MB. */
static void rss(double *now, double *peak)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	*now = *peak = -1;
	while (f && fgets(line, sizeof line, f)) {
		long kb;
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) {
			*now = (double)kb / 1024;
		} else if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) {
			*peak = (double)kb / 1024;
		}
	}
	if (f) {
		fclose(f);
	}
}

static int64_t scalar(struct db *db, const char *sql)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	int64_t v = -1;
	if (db_prepare(db, sql, &st, &e) == 0) {
		if (db_step(st, &e) == DB_ROW) {
			v = db_col_int64(st, 0);
		}
		db_finalize(st);
	}
	return v;
}

static int provinces(struct cx *cx, const char *date, int64_t *ids, int *n, struct err *e)
{
	struct org_tree *t;
	*n = 0;
	if (org_tree_get(cx, date, &t, e)) {
		return -1;
	}
	for (int i = 1; t->n > 0 && i < t->nodes[0].end && *n < MAX_PROVINCES; i = t->nodes[i].end) {
		ids[(*n)++] = t->nodes[i].id;
	}
	org_tree_release(t);
	return 0;
}

/* Load what is missing; *loaded = 1 when anything was. */
static int load(struct cx *cx, long members, int *loaded, struct err *e)
{
	int64_t have = scalar(cx->db, "SELECT COUNT(*) FROM membership");
	double t0;
	*loaded = 0;
	if (scalar(cx->db, "SELECT COUNT(*) FROM unit") < 50000) {
		printf("loading the national tree (demo_national)…\n");
		fflush(stdout);
		t0 = now_ms();
		if (demo_national(cx, e)) {
			return -1;
		}
		*loaded = 1;
		printf("  %.1f s\n", (now_ms() - t0) / 1e3);
	}
	if (have < members / 2) {
		printf("loading %ld party members (member_demo_national)…\n", members);
		fflush(stdout);
		t0 = now_ms();
		if (member_demo_national(cx, members, e)) {
			return -1;
		}
		*loaded = 1;
		printf("  %.1f s (%.0f rows/s)\n", (now_ms() - t0) / 1e3,
		       (double)members / ((now_ms() - t0) / 1e3));
	}
	return 0;
}

/* One admission of people[k] into w->unit on date; then the provinces
 * again (with the index dropped first when drop): *admit and *ask in ms.
 * 0, or -1 when the total did not grow by exactly one. */
static int admit_then_ask(struct cx *cx, struct write_bench *w, int k, const char *date,
			  int n, const int64_t *ids, int64_t before, int drop, double *admit,
			  double *ask, struct err *e)
{
	struct member_admit a;
	int64_t m[MAX_PROVINCES], total = 0;
	double t0;
	memset(&a, 0, sizeof a);
	a.person_id = w->people[k];
	a.org = "party";
	a.unit_id = w->unit;
	a.date = date;
	a.decision = "bench";
	t0 = now_ms();
	if (member_admit(cx, &a, NULL, NULL, e)) {
		return -1;
	}
	*admit = now_ms() - t0;
	if (drop) {
		member_stats_flush();
	}
	t0 = now_ms();
	if (member_stats_totals(cx, date, NULL, NULL, n, ids, m, NULL, e)) {
		return -1;
	}
	*ask = now_ms() - t0;
	for (int i = 0; i < n; i++) {
		total += m[i];
	}
	if (total != before + 1) {
		err_set(e, ERR_INTERNAL, "", "after an admission: %lld memberships, expected %lld",
			(long long)total, (long long)before + 1);
		return -1;
	}
	return 0;
}

/* The write benchmark (see the header): people made first, then the runs.
 * total: memberships in the provinces before. */
static int write_bench(struct cx *cx, struct write_bench *w, const char *date, int n,
		       const int64_t *ids, int64_t total, struct err *e)
{
	int all = w->runs + w->before_runs;
	double best, med, abest, amed;
	w->unit = scalar(cx->db, "SELECT unit_id FROM membership WHERE ended = '9999-12-31'"
				 " ORDER BY id LIMIT 1");
	w->people = calloc((size_t)all, sizeof *w->people);
	w->admit_ms = calloc((size_t)all, sizeof *w->admit_ms);
	w->after_ms = calloc((size_t)all, sizeof *w->after_ms);
	if (w->unit <= 0 || !w->people || !w->admit_ms || !w->after_ms) {
		return err_set(e, ERR_INTERNAL, "", "no unit with members, or out of memory");
	}
	w->rebuilt_ms = w->after_ms + w->runs;
	for (int k = 0; k < all; k++) {
		struct member_record r;
		char name[64];
		memset(&r, 0, sizeof r);
		snprintf(name, sizeof name, "Người Đo Thử %d", k);
		r.f[MF_FULL_NAME] = name;
		r.f[MF_GENDER] = k % 2 ? "F" : "M";
		r.f[MF_BIRTH_DATE] = "1990-05-01";
		if (member_person_create(cx, &r, 0, &w->people[k], NULL, e)) {
			return -1;
		}
	}
	for (int k = 0; k < all; k++) {
		if (admit_then_ask(cx, w, k, date, n, ids, total + k, k >= w->runs, &w->admit_ms[k],
				   &w->after_ms[k], e)) {
			return -1;
		}
	}
	amed = median(w->admit_ms, all, &abest);
	med = median(w->after_ms, w->runs, &best);
	printf("after a write (member_admit %.1f ms median, then the %d provinces):\n", amed, n);
	printf("  index caught up from the change log: best %6.2f ms, median %6.2f ms (%d runs)\n",
	       best, med, w->runs);
	if (w->before_runs > 0) {
		med = median(w->rebuilt_ms, w->before_runs, &best);
		printf("  index rebuilt (every write, before): best %6.0f ms, median %6.0f ms (%d runs)\n",
		       best, med, w->before_runs);
	}
	return 0;
}

/* The CTE: members of each province's subtree on :d, one statement, units
 * merged away rolled up into their successors (members_ref.h). */
static const char cte[] = MEMBERS_REF_SQL(":d") ";";

/* Run the CTE `runs` times through the shell: times[] in ms (the larger
 * of wall and user+sys), and the last run's counts by province id. */
static int run_cte(const char *sqlite3, const char *db, const char *date, int runs,
		   double *times, int64_t *ids, int64_t *counts, int *n_counts)
{
	char path[] = "/tmp/bench_members_XXXXXX", cmd[1200], line[512];
	struct buf s = BUF_INIT;
	int fd = mkstemp(path), n = 0, fresh = 0;
	FILE *f;
	*n_counts = 0;
	if (fd < 0) {
		return -1;
	}
	buf_printf(&s, ".timer on\n.parameter set :d \"'%s'\"\n", date);
	for (int r = 0; r < runs; r++) {
		buf_printf(&s, "%s\n", cte);
	}
	if (s.err || write(fd, s.z, s.n) != (ssize_t)s.n) {
		close(fd);
		unlink(path);
		buf_free(&s);
		return -1;
	}
	close(fd);
	buf_free(&s);
	snprintf(cmd, sizeof cmd, "'%s' -batch -separator ' ' '%s' < '%s'", sqlite3, db, path);
	if (!(f = popen(cmd, "r"))) {
		unlink(path);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		double real, user, sys;
		long long id, c;
		if (sscanf(line, "Run Time: real %lf user %lf sys %lf", &real, &user, &sys) == 3) {
			double cpu = (user + sys) * 1e3;
			if (n < runs) {
				times[n++] = real * 1e3 > cpu ? real * 1e3 : cpu;
			}
			fresh = 1; /* the rows come before their timing: keep the last run's */
		} else if (sscanf(line, "%lld %lld", &id, &c) == 2 && *n_counts < MAX_PROVINCES) {
			if (fresh) {
				*n_counts = 0;
				fresh = 0;
			}
			ids[*n_counts] = id;
			counts[(*n_counts)++] = c;
		}
	}
	pclose(f);
	unlink(path);
	return n;
}

int main(int argc, char **argv)
{
	const char *path = NULL, *date = "2026-06-30", *sqlite3 = "sqlite3", *other = NULL;
	char day_before[11];
	long members = 5600000;
	int runs = 20, n = 0, fail = 0, n_cte = 0, loaded = 0, before_runs = 3;
	int cte_runs = -1, write_runs = -1;
	struct write_bench wb;
	int64_t ids[MAX_PROVINCES], m[MAX_PROVINCES], p[MAX_PROVINCES], total = 0;
	int64_t cte_ids[MAX_PROVINCES], cte_counts[MAX_PROVINCES];
	double *t, best, med, pbest, pmed, cold, rss_now, rss_peak, cbest = 0, cmed = 0, other_ms;
	struct db *db;
	struct cx cx;
	struct err e = ERR_INIT;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--date") && i + 1 < argc) {
			date = argv[++i];
		} else if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--members") && i + 1 < argc) {
			members = atol(argv[++i]);
		} else if (!strcmp(argv[i], "--sqlite3") && i + 1 < argc) {
			sqlite3 = argv[++i];
		} else if (!strcmp(argv[i], "--before-runs") && i + 1 < argc) {
			before_runs = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--other-date") && i + 1 < argc) {
			other = argv[++i];
		} else if (!strcmp(argv[i], "--cte-runs") && i + 1 < argc) {
			cte_runs = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--write-runs") && i + 1 < argc) {
			write_runs = atoi(argv[++i]);
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else {
			fprintf(stderr, "usage: bench_members DB [--date D] [--runs N] [--members N] "
					"[--sqlite3 PATH] [--before-runs N] [--cte-runs N] "
					"[--write-runs N] [--other-date D]\n");
			return 2;
		}
	}
	if (!path || runs < 1 || db_open(path, &db, &e)) {
		fprintf(stderr, "bench_members: %s\n", path ? e.msg : "no database");
		return 2;
	}
	cx_init_system(&cx, db);
	if (db_migrate(db, NULL, &e)) {
		fprintf(stderr, "bench_members: %s\n", e.msg);
		return 1;
	}
	t = calloc((size_t)runs * 2, sizeof *t);
	if (!t || load(&cx, members, &loaded, &e)) {
		fprintf(stderr, "bench_members: %s\n", e.msg);
		return 1;
	}
	if (loaded) { /* measure memory in a process that only asks questions */
		db_close(db);
		fflush(stdout);
		execv("/proc/self/exe", argv);
		perror("bench_members: exec");
		return 1;
	}
	if (provinces(&cx, date, ids, &n, &e)) {
		fprintf(stderr, "bench_members: %s\n", e.msg);
		return 1;
	}
	printf("database: %s — %lld memberships, %lld closed stints, %lld units; %d provinces "
	       "as of %s\n",
	       path, (long long)scalar(db, "SELECT COUNT(*) FROM membership"),
	       (long long)scalar(db, "SELECT COUNT(*) FROM membership_stint"),
	       (long long)scalar(db, "SELECT COUNT(*) FROM unit"), n, date);
	/* Cold: the index and the representative map are built. */
	member_stats_flush();
	cold = now_ms();
	if (member_stats_totals(&cx, date, NULL, NULL, n, ids, m, NULL, &e)) {
		fprintf(stderr, "bench_members: %s\n", e.msg);
		return 1;
	}
	cold = now_ms() - cold;
	for (int r = 0; r < runs; r++) {
		double t0 = now_ms();
		member_stats_totals(&cx, date, NULL, NULL, n, ids, m, NULL, &e);
		t[r] = now_ms() - t0;
	}
	med = median(t, runs, &best);
	for (int r = 0; r < runs; r++) {
		double t0 = now_ms();
		member_stats_totals(&cx, date, NULL, NULL, n, ids, m, p, &e);
		t[runs + r] = now_ms() - t0;
	}
	pmed = median(t + runs, runs, &pbest);
	if (!other) {
		struct date d;
		if (date_parse(date, &d, "date", &e)) {
			fprintf(stderr, "bench_members: %s\n", e.msg);
			return 2;
		}
		date_format(date_from_days(date_to_days(d) - 1), day_before);
		other = day_before;
	}
	{
		int64_t om[MAX_PROVINCES];
		other_ms = now_ms();
		if (member_stats_totals(&cx, other, NULL, NULL, n, ids, om, NULL, &e)) {
			fprintf(stderr, "bench_members: %s\n", e.msg);
			return 1;
		}
		other_ms = now_ms() - other_ms;
	}
	rss(&rss_now, &rss_peak);
	for (int k = 0; k < n; k++) {
		total += m[k];
	}
	printf("cadre (member_stats_totals, %d provinces in one call):\n", n);
	printf("  cold (index built):        %8.1f ms\n", cold);
	printf("  warm memberships:  best %6.2f ms, median %6.2f ms  (floor < %.0f ms)\n", best,
	       med, FLOOR_MS);
	printf("  warm + people:     best %6.2f ms, median %6.2f ms\n", pbest, pmed);
	printf("  first question for %s (snapshot + map built, index warm): %.1f ms\n", other,
	       other_ms);
	printf("  total memberships on %s: %lld\n", date, (long long)total);
	printf("  RSS now %.1f MB, peak %.1f MB  (floor < %.0f MB)\n", rss_now, rss_peak,
	       FLOOR_RSS_MB);
	fail |= med >= FLOOR_MS || rss_peak >= FLOOR_RSS_MB;
	if (cte_runs < 0 || cte_runs > runs) { /* t holds 2 * runs times */
		cte_runs = cte_runs < 0 && runs > 5 ? 5 : runs;
	}
	if (cte_runs == 0) {
		printf("sqlite3 recursive CTE: skipped (--cte-runs 0)\n");
	} else if (run_cte(sqlite3, path, date, cte_runs, t, cte_ids, cte_counts, &n_cte) > 0) {
		int runs_cte = cte_runs, agree = n_cte <= n;
		cmed = median(t, runs_cte, &cbest);
		for (int k = 0; k < n; k++) { /* every province that differs */
			int64_t c = 0; /* no row: none */
			for (int j = 0; j < n_cte; j++) {
				if (cte_ids[j] == ids[k]) {
					c = cte_counts[j];
				}
			}
			if (c != m[k]) {
				agree = 0;
				fprintf(stderr, "province %lld: cadre %lld, CTE %lld\n",
					(long long)ids[k], (long long)m[k], (long long)c);
			}
		}
		printf("sqlite3 recursive CTE (%d runs): best %.1f ms, median %.1f ms — %s\n",
		       runs_cte, cbest, cmed, agree ? "same counts" : "COUNTS DIFFER");
		printf("ratio CTE / cadre (medians): %.0f×\n", cmed / med);
		fail |= !agree;
	} else {
		printf("sqlite3 recursive CTE: could not run %s\n", sqlite3);
	}
	memset(&wb, 0, sizeof wb);
	wb.runs = write_runs < 0 ? runs : write_runs;
	wb.before_runs = before_runs < 0 ? 0 : before_runs;
	if (wb.runs == 0) {
		printf("after a write: skipped (--write-runs 0)\n");
	} else if (write_bench(&cx, &wb, date, n, ids, total, &e)) {
		fprintf(stderr, "bench_members: after a write: %s\n", e.msg);
		fail = 1;
	}
	free(wb.people);
	free(wb.admit_ms);
	free(wb.after_ms);
	printf("%s\n", fail ? "FLOOR MISSED" : "floors met");
	free(t);
	db_close(db);
	return fail;
}
