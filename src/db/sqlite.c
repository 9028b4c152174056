/*
 * sqlite.c — the SQLite driver: WAL journal, foreign keys on, a busy timeout,
 * one connection per thread (the caller's rule; see db.h).  Maps SQLite
 * result codes to struct err; holds no domain SQL.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"

struct sq_db {
	struct db base;
	sqlite3 *h;
};

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *h;
};

static sqlite3 *handle(struct db *db)
{
	return ((struct sq_db *)db)->h;
}

static int sq_error(sqlite3 *h, int rc, const char *what, struct err *e)
{
	int prim = rc & 0xFF;
	if (prim == SQLITE_CONSTRAINT) {
		return err_set(e, ERR_CONFLICT, "", "%s", sqlite3_errmsg(h));
	}
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
		return err_set(e, ERR_CONFLICT, "", "database is busy, try again");
	}
	return err_set(e, ERR_INTERNAL, "", "sqlite: %s: %s", what,
		       sqlite3_errmsg(h));
}

/* Waiting for the write lock: SQLite's built-in busy timeout sleeps in
 * steps of up to 100 ms, so under many short writers (number allocation)
 * most of the time went to sleeping after the lock was already free.  Poll
 * every 200 µs instead, for at most SQ_BUSY_MS. */
#define SQ_BUSY_MS 10000
static int sq_busy(void *arg, int count)
{
	struct timespec ts = {0, 200000};
	(void)arg;
	if ((long)count * 200 / 1000 >= SQ_BUSY_MS) {
		return 0;
	}
	nanosleep(&ts, NULL);
	return 1;
}

/* Before the first connection: no memory statistics (they take a global
 * mutex on every allocation; cadre never reads them). */
static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(const char *url, struct db **out, struct err *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct sq_db *d = calloc(1, sizeof *d);
	int rc;
	char *msg = NULL;
	if (!d) {
		return err_set(e, ERR_INTERNAL, "db", "out of memory");
	}
	pthread_once(&once, sq_configure);
	rc = sqlite3_open_v2(url, &d->h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "db", "cannot open %s: %s", url,
			d->h ? sqlite3_errmsg(d->h) : "out of memory");
		sqlite3_close(d->h);
		free(d);
		return -ERR_INTERNAL;
	}
	sqlite3_busy_handler(d->h, sq_busy, NULL);
	rc = sqlite3_exec(d->h,
			  "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
			  /* Checkpoint every 10,000 pages instead of 1,000: many
			   * small write transactions (number allocation) spent
			   * more time in checkpoints than in their work. */
			  "PRAGMA wal_autocheckpoint=10000;"
			  "PRAGMA synchronous=NORMAL;",
			  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "db", "cannot set up %s: %s", url,
			msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(d->h);
		free(d);
		return -ERR_INTERNAL;
	}
	*out = &d->base;
	return 0;
}

static void sq_close(struct db *db)
{
	sqlite3_close(handle(db));
	free(db);
}

static int sq_exec(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(handle(db), sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int r = sq_error(handle(db), rc, "exec", e);
		sqlite3_free(msg);
		return r;
	}
	return 0;
}

static int sq_prepare(struct db *db, const char *sql, struct db_stmt **out,
		      struct err *e)
{
	struct sq_stmt *st = calloc(1, sizeof *st);
	int rc;
	if (!st) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	rc = sqlite3_prepare_v3(handle(db), sql, -1, SQLITE_PREPARE_PERSISTENT,
				&st->h, NULL);
	if (rc != SQLITE_OK) {
		free(st);
		return err_set(e, ERR_INTERNAL, "", "sqlite: prepare: %s (in: %.200s)",
			       sqlite3_errmsg(handle(db)), sql);
	}
	*out = &st->base;
	return 0;
}

#define SQ(st) (((struct sq_stmt *)(st))->h)

static int sq_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	return sqlite3_bind_int64(SQ(st), idx, v) == SQLITE_OK ? 0 : -1;
}

static int sq_bind_double(struct db_stmt *st, int idx, double v)
{
	return sqlite3_bind_double(SQ(st), idx, v) == SQLITE_OK ? 0 : -1;
}

static int sq_bind_text(struct db_stmt *st, int idx, const char *s)
{
	return sqlite3_bind_text(SQ(st), idx, s, -1, SQLITE_TRANSIENT) == SQLITE_OK
		       ? 0
		       : -1;
}

static int sq_bind_text_ref(struct db_stmt *st, int idx, const char *s, size_t n)
{
	return sqlite3_bind_text64(SQ(st), idx, s, n, SQLITE_STATIC, SQLITE_UTF8) == SQLITE_OK
		       ? 0
		       : -1;
}

/* db_bulk: leave WAL for the rollback journal only when this connection
 * is alone — every connection to a WAL database holds a shared lock on
 * the file, so the switch fails at once (the busy handler is off for the
 * attempt) while the server or another process has it open. */
static int sq_bulk(struct db *db, int on)
{
	sqlite3 *h = handle(db);
	sqlite3_stmt *st;
	const char *want = on ? "delete" : "wal";
	int ok = 0;
	if (on) {
		sqlite3_busy_handler(h, NULL, NULL);
	}
	if (sqlite3_prepare_v2(h, on ? "PRAGMA journal_mode=DELETE" : "PRAGMA journal_mode=WAL",
			       -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *m = (const char *)sqlite3_column_text(st, 0);
			ok = m && strcmp(m, want) == 0;
		}
		sqlite3_finalize(st);
	}
	sqlite3_busy_handler(h, sq_busy, NULL);
	return on ? ok : 0;
}

static int sq_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	return sqlite3_bind_blob64(SQ(st), idx, p, n, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

static const void *sq_col_blob(struct db_stmt *st, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(SQ(st), col);
	*n = (size_t)sqlite3_column_bytes(SQ(st), col);
	return p;
}

static int sq_bind_null(struct db_stmt *st, int idx)
{
	return sqlite3_bind_null(SQ(st), idx) == SQLITE_OK ? 0 : -1;
}

static int sq_step(struct db_stmt *st, struct err *e)
{
	int rc = sqlite3_step(SQ(st));
	if (rc == SQLITE_ROW) {
		return DB_ROW;
	}
	if (rc == SQLITE_DONE) {
		return DB_DONE;
	}
	return sq_error(sqlite3_db_handle(SQ(st)), rc, "step", e);
}

static int sq_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(SQ(st));
}

static int sq_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(SQ(st), col) == SQLITE_NULL;
}

static int64_t sq_col_int64(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(SQ(st), col);
}

static double sq_col_double(struct db_stmt *st, int col)
{
	return sqlite3_column_double(SQ(st), col);
}

static const char *sq_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(SQ(st), col);
}

static void sq_reset(struct db_stmt *st)
{
	sqlite3_reset(SQ(st));
	sqlite3_clear_bindings(SQ(st));
}

static void sq_finalize(struct db_stmt *st)
{
	sqlite3_finalize(SQ(st));
	free(st);
}

const struct db_driver db_sqlite_driver = {
	.kind = DB_SQLITE,
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_int64 = sq_bind_int64,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_text_ref = sq_bind_text_ref,
	.bulk = sq_bulk,
	.bind_null = sq_bind_null,
	.bind_blob = sq_bind_blob,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_is_null = sq_col_is_null,
	.col_int64 = sq_col_int64,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.reset = sq_reset,
	.finalize = sq_finalize,
	.begin_sql = "BEGIN IMMEDIATE",
};
