/*
 * bench/tree.c — how fast cadre answers structural questions on a
 * national-size tree (~100,000 units), against the same questions asked of
 * SQLite with recursive CTEs through the sqlite3 shell.
 *
 *   bench_tree DB [--date YYYY-MM-DD] [--runs N] [--sqlite3 PATH]
 *
 * Questions: (1) the whole tree as of a date (org_tree_build: one scan,
 * pre-order array with subtree ends; CTE: a recursive walk ordered into
 * pre-order); (2) how many units are under each of the provinces as of the
 * date (org_tree_get from the cache, then nodes[i].end - i; CTE: a
 * recursive walk from the province, counted).  Prints best and median of
 * the runs, the floors (tree < 50 ms, subtree count < 5 ms) and the
 * ratios.  The tree build is also timed in thread CPU time, which the
 * machine's other load inflates less than wall time.  The CTE times are
 * the larger of the shell's wall time (whole ms) and user+sys (µs).  Exit
 * status 1 when a floor (on the wall-time median) is missed.  Reads only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "db/db.h"
#include "domain/cx.h"
#include "domain/org.h"

#define FLOOR_TREE_MS 50.0
#define FLOOR_COUNT_MS 5.0
#define MAX_PROVINCES 128

static double clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* CPU time of this thread: what the machine's other load cannot inflate
 * (much). */
static double cpu_ms(void)
{
	return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorts v in place; returns the median, *best the smallest. */
static double stats(double *v, int n, double *best)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	*best = v[0];
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* "12.3 ms" or "4.5 µs", whichever reads better. */
static const char *fmt_ms(double ms, char *out, size_t cap)
{
	if (ms >= 1.0) {
		snprintf(out, cap, "%.2f ms", ms);
	} else {
		snprintf(out, cap, "%.2f µs", ms * 1e3);
	}
	return out;
}

struct sample {
	double best, median;
	double cpu_best, cpu_median; /* thread CPU time, where measured */
};

/* ---- cadre: the snapshot ---- */

static int bench_build(struct db *db, const char *date, int runs,
		       struct sample *s, int *n_units, struct err *e)
{
	double *t = calloc((size_t)runs * 2, sizeof *t), *c = t + runs;
	if (!t) {
		return -1;
	}
	for (int r = 0; r < runs; r++) {
		struct org_tree *tree;
		double t0 = now_ms(), c0 = cpu_ms();
		if (org_tree_build(db, date, &tree, e)) {
			free(t);
			return -1;
		}
		t[r] = now_ms() - t0;
		c[r] = cpu_ms() - c0;
		*n_units = tree->n;
		org_tree_release(tree);
	}
	s->median = stats(t, runs, &s->best);
	s->cpu_median = stats(c, runs, &s->cpu_best);
	free(t);
	return 0;
}

/* The tree as of a date from the in-memory history (what a request for a
 * date not yet cached costs once the history is loaded: no SQL). */
static int bench_derive(struct db *db, const char *date, int runs,
			struct sample *s, struct err *e)
{
	struct org_history *h;
	double *t = calloc((size_t)runs * 2, sizeof *t), *c = t + runs;
	if (!t || org_history_load(db, &h, e)) {
		free(t);
		return -1;
	}
	for (int r = 0; r < runs; r++) {
		struct org_tree *tree;
		double t0 = now_ms(), c0 = cpu_ms();
		if (org_tree_from_history(h, date, &tree, e)) {
			org_history_release(h);
			free(t);
			return -1;
		}
		t[r] = now_ms() - t0;
		c[r] = cpu_ms() - c0;
		org_tree_release(tree);
	}
	org_history_release(h);
	s->median = stats(t, runs, &s->best);
	s->cpu_median = stats(c, runs, &s->cpu_best);
	free(t);
	return 0;
}

/* Ids and codes of the root's children (the provinces) as of date. */
static int provinces(struct cx *cx, const char *date, int64_t *ids,
		     char codes[][ORG_CODE_MAX + 1], int *n, struct err *e)
{
	struct org_tree *t;
	*n = 0;
	if (org_tree_get(cx, date, &t, e)) {
		return -1;
	}
	for (int i = 1; t->n > 0 && i < t->nodes[0].end && *n < MAX_PROVINCES;
	     i = t->nodes[i].end) {
		ids[*n] = t->nodes[i].id;
		snprintf(codes[*n], ORG_CODE_MAX + 1, "%s", t->nodes[i].code);
		(*n)++;
	}
	org_tree_release(t);
	return 0;
}

/* One question: the size of a province's subtree, from the cached
 * snapshot.  Returns the count (units under it, itself excluded). */
static int subtree_count(struct cx *cx, const char *date, int64_t id,
			 struct err *e)
{
	struct org_tree *t;
	int i, n = -1;
	if (org_tree_get(cx, date, &t, e)) {
		return -1;
	}
	if ((i = org_tree_find(t, id)) >= 0) {
		n = t->nodes[i].end - i - 1;
	}
	org_tree_release(t);
	return n;
}

static int bench_counts(struct cx *cx, const char *date, int runs,
			const int64_t *ids, int n, int *counts,
			struct sample *s, struct err *e)
{
	int total = runs * n;
	double *t = calloc((size_t)total, sizeof *t);
	if (!t || subtree_count(cx, date, ids[0], e) < 0) { /* warm the cache */
		free(t);
		return -1;
	}
	for (int r = 0; r < runs; r++) {
		for (int k = 0; k < n; k++) {
			double t0 = now_ms();
			counts[k] = subtree_count(cx, date, ids[k], e);
			t[r * n + k] = now_ms() - t0;
			if (counts[k] < 0) {
				free(t);
				return -1;
			}
		}
	}
	s->median = stats(t, total, &s->best);
	free(t);
	return 0;
}

/* ---- SQLite: recursive CTEs through the shell ---- */

static const char cte_tree[] =
	"WITH RECURSIVE t(id, parent_id, depth, path, code, kind, name, fold,"
	" level, rev, valid_from, valid_to) AS ("
	" SELECT v.unit_id, v.parent_id, 0, u.code, u.code, u.kind, v.name,"
	" v.name_fold, v.level, u.rev, v.valid_from, v.valid_to"
	" FROM unit_version v JOIN unit u ON u.id = v.unit_id"
	" WHERE v.parent_id IS NULL AND v.valid_from <= :d AND v.valid_to > :d"
	" UNION ALL"
	" SELECT v.unit_id, v.parent_id, t.depth + 1, t.path || char(1) || u.code,"
	" u.code, u.kind, v.name, v.name_fold, v.level, u.rev, v.valid_from,"
	" v.valid_to FROM t JOIN unit_version v ON v.parent_id = t.id"
	" JOIN unit u ON u.id = v.unit_id"
	" WHERE v.valid_from <= :d AND v.valid_to > :d)"
	" SELECT id, parent_id, depth, code, kind, name, fold, level, rev,"
	" valid_from, valid_to FROM t ORDER BY path;";

static const char cte_count[] =
	"WITH RECURSIVE s(id) AS (SELECT :id UNION ALL"
	" SELECT v.unit_id FROM s JOIN unit_version v ON v.parent_id = s.id"
	" WHERE v.valid_from <= :d AND v.valid_to > :d)"
	" SELECT COUNT(*) - 1 FROM s;";

/* Run the script through `sqlite3 -batch db` and collect the "Run Time"
 * of every statement in order: the larger of the wall time (printed in
 * whole ms) and user+sys (printed in µs), in ms.  Lines that are a number
 * go to values[0..*n_values).  Returns how many times. */
static int run_shell(const char *sqlite3, const char *db, const char *script,
		     double *times, int max, long *values, int *n_values,
		     int max_values)
{
	char path[] = "/tmp/bench_tree_XXXXXX", cmd[1024], line[512];
	int fd = mkstemp(path), n = 0;
	*n_values = 0;
	FILE *f;
	if (fd < 0) {
		return -1;
	}
	if (write(fd, script, strlen(script)) != (ssize_t)strlen(script)) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	snprintf(cmd, sizeof cmd, "'%s' -batch '%s' < '%s'", sqlite3, db, path);
	if (!(f = popen(cmd, "r"))) {
		unlink(path);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		double real, user, sys;
		char *end;
		long v = strtol(line, &end, 10);
		if (sscanf(line, "Run Time: real %lf user %lf sys %lf", &real, &user, &sys) == 3) {
			double cpu = (user + sys) * 1e3;
			if (n < max) {
				times[n++] = real * 1e3 > cpu ? real * 1e3 : cpu;
			}
		} else if (end != line && *end == '\n' && *n_values < max_values) {
			values[(*n_values)++] = v;
		} else {
			fprintf(stderr, "sqlite3: %s", line);
		}
	}
	pclose(f);
	unlink(path);
	return n;
}

static int bench_cte(const char *sqlite3, const char *db, const char *date,
		     int runs, const int64_t *ids, int n, const int *counts,
		     struct sample *tree, struct sample *count)
{
	struct buf script = BUF_INIT;
	int want = (runs + 1) + runs * n, got, rc = -1, n_values = 0;
	long values[MAX_PROVINCES];
	double *t = calloc((size_t)want + 1, sizeof *t);
	if (!t) {
		return -1;
	}
	buf_printf(&script, ".timer on\n.parameter set :d \"'%s'\"\n.output /dev/null\n", date);
	for (int r = 0; r <= runs; r++) { /* the first run warms the cache */
		buf_printf(&script, "%s\n", cte_tree);
	}
	for (int r = 0; r < runs; r++) {
		for (int k = 0; k < n; k++) {
			buf_printf(&script, ".parameter set :id %lld\n%s\n", (long long)ids[k], cte_count);
		}
	}
	/* Check that the CTE counts what the snapshot counts. */
	buf_printf(&script, ".timer off\n.output stdout\n");
	for (int k = 0; k < n; k++) {
		buf_printf(&script, ".parameter set :id %lld\n%s\n", (long long)ids[k], cte_count);
	}
	if (script.err) {
		goto done;
	}
	got = run_shell(sqlite3, db, script.z, t, want, values, &n_values, MAX_PROVINCES);
	if (got != want) {
		fprintf(stderr, "bench_tree: expected %d timings from %s, got %d\n", want, sqlite3, got);
		goto done;
	}
	for (int k = 0; k < n; k++) {
		if (n_values != n || values[k] != counts[k]) {
			fprintf(stderr, "bench_tree: the CTE and the snapshot disagree on province %d\n", k);
			goto done;
		}
	}
	tree->median = stats(t + 1, runs, &tree->best);
	count->median = stats(t + 1 + runs, runs * n, &count->best);
	rc = 0;
done:
	buf_free(&script);
	free(t);
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_tree DB [--date YYYY-MM-DD] [--runs N] [--sqlite3 PATH]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *date = "2025-07-01", *sqlite3 = "sqlite3";
	int runs = 20, n_prov = 0, n_units = 0, fail = 0;
	static int64_t ids[MAX_PROVINCES];
	static char codes[MAX_PROVINCES][ORG_CODE_MAX + 1];
	static int counts[MAX_PROVINCES];
	struct sample build, derive, count, cte_t, cte_c;
	struct err e = ERR_INIT;
	struct db *db;
	struct cx cx;
	char a[32], b[32];
	long total = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--date") == 0 && i + 1 < argc) {
			date = argv[++i];
		} else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--sqlite3") == 0 && i + 1 < argc) {
			sqlite3 = argv[++i];
		} else if (argv[i][0] == '-' || path) {
			usage();
		} else {
			path = argv[i];
		}
	}
	if (!path || runs < 1 || date_check(date, "date", &e)) {
		usage();
	}
	if (access(path, R_OK) != 0 || db_open(path, &db, &e)) {
		fprintf(stderr, "bench_tree: cannot open %s: %s\n", path, e.msg[0] ? e.msg : "no such file");
		return 1;
	}
	cx_init_system(&cx, db);
	if (bench_build(db, date, runs, &build, &n_units, &e) ||
	    bench_derive(db, date, runs, &derive, &e) ||
	    provinces(&cx, date, ids, codes, &n_prov, &e) || n_prov == 0 ||
	    bench_counts(&cx, date, runs, ids, n_prov, counts, &count, &e)) {
		fprintf(stderr, "bench_tree: %s\n", e.msg[0] ? e.msg : "no provinces in the tree");
		db_close(db);
		return 1;
	}
	for (int k = 0; k < n_prov; k++) {
		total += counts[k];
	}
	printf("bench_tree: %s as of %s: %d units in the tree, %d provinces "
	       "(%ld units under them), %d runs\n\n", path, date, n_units, n_prov, total, runs);
	printf("%-44s %12s %12s %10s\n", "question", "best", "median", "floor");
	printf("%-44s %12s %12s %10s %s\n", "cadre: tree as of the date (from history)",
	       fmt_ms(derive.best, a, sizeof a), fmt_ms(derive.median, b, sizeof b), "< 50 ms",
	       derive.median < FLOOR_TREE_MS ? "ok" : "MISSED");
	printf("%-44s %12s %12s\n", "  the same, thread CPU time",
	       fmt_ms(derive.cpu_best, a, sizeof a), fmt_ms(derive.cpu_median, b, sizeof b));
	printf("%-44s %12s %12s\n", "cadre: history load + tree (org_tree_build)",
	       fmt_ms(build.best, a, sizeof a), fmt_ms(build.median, b, sizeof b));
	printf("%-44s %12s %12s %10s %s\n", "cadre: subtree count (cached snapshot)",
	       fmt_ms(count.best, a, sizeof a), fmt_ms(count.median, b, sizeof b), "< 5 ms",
	       count.median < FLOOR_COUNT_MS ? "ok" : "MISSED");
	fail = derive.median >= FLOOR_TREE_MS || count.median >= FLOOR_COUNT_MS;
	if (bench_cte(sqlite3, path, date, runs, ids, n_prov, counts, &cte_t, &cte_c) == 0) {
		printf("%-44s %12s %12s\n", "sqlite3 CTE: tree in pre-order",
		       fmt_ms(cte_t.best, a, sizeof a), fmt_ms(cte_t.median, b, sizeof b));
		printf("%-44s %12s %12s\n", "sqlite3 CTE: subtree count",
		       fmt_ms(cte_c.best, a, sizeof a), fmt_ms(cte_c.median, b, sizeof b));
		printf("\nratio (CTE median / cadre median): tree %.1fx (history load included: %.1fx),"
		       " subtree count %.0fx\n",
		       cte_t.median / derive.median, cte_t.median / build.median,
		       cte_c.median / count.median);
	} else {
		printf("sqlite3 CTE: not measured (is %s installed?)\n", sqlite3);
	}
	db_close(db);
	return fail;
}
