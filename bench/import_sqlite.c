/*
 * import_sqlite.c — bench_import_sqlite: what SQLite alone needs to store
 * the rows of an import in cadre's tables, the way cadre's writer stores
 * them but with none of cadre's work: the rows are read beforehand (not
 * timed) from the bare table that `sqlite3 .import --csv` made of the same
 * file, already split into fields; no parsing, no checks, no
 * normalization.  Timed, on one connection as cadre does it: the two
 * membership indexes dropped, people and memberships inserted 64 rows to
 * a statement with ids named and strings bound without copies, the
 * citizen-ID register emptied and written again in key order (stored and
 * new keys, sorted beforehand), the two indexes rebuilt, the commit.  Same
 * settings as the import (rollback journal, 512 MB cache, foreign keys
 * off).  This is the lower bound of cadre's writer thread for the file;
 * if it alone exceeds the time of `.import --csv`, no reader, however
 * fast, brings cadre under it on this schema.
 *
 *   bench_import_sqlite BARE.db TARGET.db
 *
 * BARE.db holds table t as `.import --csv` made it from a file of
 * bench_gen_members (column order of bench/gen_members.c); TARGET.db is a
 * cadre database (a copy of the demo's: it is written to).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROWS_PER_STMT 64

enum { C_NAME = 1, C_GENDER, C_BIRTH, C_CID, C_ETHNIC, C_RELIGION, C_HOME, C_PHONE, C_UNIT,
       C_NUMBER, C_JOINED, C_OFFICIAL, N_COLS };

struct row {
	char *f[N_COLS];
	int64_t unit;
};

struct key {
	char cid[13];
	int64_t person;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_import_sqlite: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		die(db, sql);
	}
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		die(db, sql);
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return v;
}

/* dd/mm/yyyy → yyyy-mm-dd in place (the file's dates, as cadre stores them). */
static void iso(char *d)
{
	char t[11];
	if (strlen(d) != 10 || d[2] != '/') {
		return;
	}
	memcpy(t, d + 6, 4);
	t[4] = '-';
	memcpy(t + 5, d + 3, 2);
	t[7] = '-';
	memcpy(t + 8, d, 2);
	memcpy(d, t, 10);
}

static size_t load_rows(const char *bare, sqlite3 *target, struct row **out)
{
	sqlite3 *b;
	sqlite3_stmt *st, *unit;
	size_t n = 0, cap = 1 << 16;
	struct row *v = malloc(cap * sizeof *v);
	if (!v || sqlite3_open_v2(bare, &b, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		die(NULL, "open the bare database");
	}
	if (sqlite3_prepare_v2(b, "SELECT * FROM t", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_column_count(st) < N_COLS) {
		die(b, "table t with the generator's columns");
	}
	if (sqlite3_prepare_v2(target, "SELECT id FROM unit WHERE code = ?", -1, &unit, NULL) !=
	    SQLITE_OK) {
		die(target, "unit lookup");
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap && !(v = realloc(v, (cap *= 2) * sizeof *v))) {
			die(NULL, "out of memory");
		}
		for (int c = 0; c < N_COLS; c++) {
			const char *s = (const char *)sqlite3_column_text(st, c);
			v[n].f[c] = strdup(s ? s : "");
		}
		iso(v[n].f[C_BIRTH]);
		iso(v[n].f[C_JOINED]);
		iso(v[n].f[C_OFFICIAL]);
		strcpy(v[n].f[C_GENDER], strcmp(v[n].f[C_GENDER], "Nam") == 0 ? "M" : "F");
		sqlite3_bind_text(unit, 1, v[n].f[C_UNIT], -1, SQLITE_STATIC);
		v[n].unit = sqlite3_step(unit) == SQLITE_ROW ? sqlite3_column_int64(unit, 0) : 0;
		sqlite3_reset(unit);
		n++;
	}
	sqlite3_finalize(unit);
	sqlite3_finalize(st);
	sqlite3_close(b);
	*out = v;
	return n;
}

/* "INSERT … VALUES (row),(row),…" with n copies of row. */
static sqlite3_stmt *prepare_n(sqlite3 *db, const char *head, const char *row, int n)
{
	size_t len = strlen(head) + (size_t)n * (strlen(row) + 1) + 1;
	char *sql = malloc(len);
	sqlite3_stmt *st;
	strcpy(sql, head);
	for (int i = 0; i < n; i++) {
		strcat(sql, i ? "," : " ");
		strcat(sql, row);
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		die(db, "prepare");
	}
	free(sql);
	return st;
}

static void text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, (int)strlen(s), SQLITE_STATIC);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->cid, ((const struct key *)b)->cid);
}

static void step(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		die(db, "insert");
	}
	sqlite3_reset(st);
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	struct row *rows;
	struct key *keys;
	sqlite3_stmt *ins_p, *ins_m, *ins_p1, *ins_m1, *ins_k, *sel;
	size_t n, n_keys = 0, stored;
	int64_t pid0, mid0;
	double t0, t_rows, t_keys, t_index, t_commit;
	if (argc < 3) {
		fprintf(stderr, "usage: bench_import_sqlite BARE.db TARGET.db\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		die(db, "open the target");
	}
	n = load_rows(argv[1], db, &rows);
	exec(db, "PRAGMA journal_mode = DELETE");
	exec(db, "PRAGMA cache_size = -524288");
	exec(db, "PRAGMA threads = 2");
	exec(db, "PRAGMA foreign_keys = OFF");
	stored = (size_t)scalar(db, "SELECT COUNT(*) FROM person_key");
	keys = malloc((n + stored) * sizeof *keys);
	if (sqlite3_prepare_v2(db, "SELECT citizen_id, person_id FROM person_key", -1, &sel, NULL) !=
	    SQLITE_OK) {
		die(db, "person_key");
	}
	while (sqlite3_step(sel) == SQLITE_ROW) {
		snprintf(keys[n_keys].cid, sizeof keys[0].cid, "%s", sqlite3_column_text(sel, 0));
		keys[n_keys++].person = sqlite3_column_int64(sel, 1);
	}
	sqlite3_finalize(sel);
	/* ids and the register's new content beforehand (cadre's radix sort
	 * of 1 M keys takes 0.03 s; a strcmp sort is not what is measured) */
	pid0 = scalar(db, "SELECT COALESCE(MAX(id), 0) FROM person");
	mid0 = scalar(db, "SELECT COALESCE(MAX(id), 0) FROM membership");
	for (size_t i = 0; i < n; i++) {
		snprintf(keys[n_keys].cid, sizeof keys[0].cid, "%s", rows[i].f[C_CID]);
		keys[n_keys++].person = pid0 + 1 + (int64_t)i;
	}
	qsort(keys, n_keys, sizeof *keys, key_cmp);

	t0 = now();
	exec(db, "BEGIN IMMEDIATE");
	exec(db, "DROP INDEX membership_unit");
	exec(db, "DROP INDEX membership_number");
	static const char p_head[] =
		"INSERT INTO person(id, citizen_id, full_name, gender, birth_date, ethnicity, religion,"
		" hometown, hometown_new, residence, phone, email, name_fold, created_ms, updated_ms)"
		" VALUES";
	static const char p_row[] = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	static const char m_head[] = "INSERT INTO membership(id, person_id, org, number, joined,"
				     " official, status, unit_id, unit_from) VALUES";
	static const char m_row[] = "(?,?,?,?,?,?,'active',?,?)";
	ins_p = prepare_n(db, p_head, p_row, ROWS_PER_STMT);
	ins_m = prepare_n(db, m_head, m_row, ROWS_PER_STMT);
	ins_p1 = prepare_n(db, p_head, p_row, 1);
	ins_m1 = prepare_n(db, m_head, m_row, 1);
	for (size_t i = 0; i < n;) {
		int k = n - i >= ROWS_PER_STMT ? ROWS_PER_STMT : 1;
		sqlite3_stmt *p = k > 1 ? ins_p : ins_p1, *m = k > 1 ? ins_m : ins_m1;
		for (int j = 0; j < k; j++, i++) {
			struct row *r = &rows[i];
			int a = j * 15, b = j * 8;
			sqlite3_bind_int64(p, a + 1, pid0 + 1 + (int64_t)i);
			text(p, a + 2, r->f[C_CID]);
			text(p, a + 3, r->f[C_NAME]);
			text(p, a + 4, r->f[C_GENDER]);
			text(p, a + 5, r->f[C_BIRTH]);
			text(p, a + 6, r->f[C_ETHNIC]);
			text(p, a + 7, r->f[C_RELIGION]);
			text(p, a + 8, r->f[C_HOME]);
			text(p, a + 9, "");
			text(p, a + 10, "");
			text(p, a + 11, r->f[C_PHONE]);
			text(p, a + 12, "");
			text(p, a + 13, r->f[C_NAME]); /* stands for the fold: same length */
			sqlite3_bind_int64(p, a + 14, 1763856000000);
			sqlite3_bind_int64(p, a + 15, 1763856000000);
			sqlite3_bind_int64(m, b + 1, mid0 + 1 + (int64_t)i);
			sqlite3_bind_int64(m, b + 2, pid0 + 1 + (int64_t)i);
			text(m, b + 3, "party");
			text(m, b + 4, r->f[C_NUMBER]);
			text(m, b + 5, r->f[C_JOINED]);
			text(m, b + 6, r->f[C_OFFICIAL]);
			sqlite3_bind_int64(m, b + 7, r->unit);
			text(m, b + 8, r->f[C_JOINED]);
		}
		step(db, p);
		step(db, m);
	}
	t_rows = now();
	exec(db, "DELETE FROM person_key");
	ins_k = prepare_n(db, "INSERT OR IGNORE INTO person_key(citizen_id, person_id) VALUES", "(?,?)",
			  ROWS_PER_STMT);
	sel = prepare_n(db, "INSERT OR IGNORE INTO person_key(citizen_id, person_id) VALUES", "(?,?)",
			1);
	for (size_t i = 0; i < n_keys;) {
		int k = n_keys - i >= ROWS_PER_STMT ? ROWS_PER_STMT : 1;
		sqlite3_stmt *s = k > 1 ? ins_k : sel;
		for (int j = 0; j < k; j++, i++) {
			sqlite3_bind_text(s, 2 * j + 1, keys[i].cid, 12, SQLITE_STATIC);
			sqlite3_bind_int64(s, 2 * j + 2, keys[i].person);
		}
		step(db, s);
	}
	t_keys = now();
	exec(db, "CREATE INDEX membership_unit ON membership(unit_id)");
	exec(db, "CREATE INDEX membership_number ON membership(number)");
	t_index = now();
	sqlite3_finalize(ins_p);
	sqlite3_finalize(ins_m);
	sqlite3_finalize(ins_p1);
	sqlite3_finalize(ins_m1);
	sqlite3_finalize(ins_k);
	sqlite3_finalize(sel);
	exec(db, "COMMIT");
	t_commit = now();
	sqlite3_close(db);
	printf("SQLite alone, %zu rows into cadre's tables: %.2f s (rows %.2f, register %.2f,"
	       " indexes %.2f, commit %.2f)\n",
	       n, t_commit - t0, t_rows - t0, t_keys - t_rows, t_index - t_keys, t_commit - t_index);
	return 0;
}
