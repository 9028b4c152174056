/*
 * db.h — the storage driver interface: one connection, prepared statements
 * with bound parameters, nested transactions.  Two drivers implement it:
 * SQLite (sqlite.c; a file path) and PostgreSQL (pg.c; a postgresql:// URL).
 *
 * SQL text uses `?` placeholders (numbered from 1 in bind calls); the pg
 * driver rewrites them to $n.  Write SQL both engines accept: TEXT, BIGINT,
 * DOUBLE PRECISION, RETURNING id, no engine-specific functions outside the
 * driver.  In migrations {{ID}} is the identity primary key, {{BLOB}}
 * the binary type and {{WITHOUT_ROWID}} ends a CREATE TABLE whose rows are
 * its primary key's index (SQLite).  Values only through bind calls, never pasted into SQL.
 *
 * A connection is used by one thread at a time.  Statements are cached per
 * connection by SQL text: db_prepare() returns a cached statement when one
 * is free, db_finalize() resets it and gives it back to the cache.
 *
 * Errors: every call that can fail fills struct err.  A unique-constraint
 * violation is ERR_CONFLICT; a busy/locked database after the timeout is
 * ERR_CONFLICT ("database is busy"); anything else ERR_INTERNAL.
 */
#ifndef CADRE_DB_H
#define CADRE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum db_kind { DB_SQLITE = 1, DB_PG = 2 };
enum { DB_DONE = 0, DB_ROW = 1 };

struct db;
struct db_stmt;

/* What a driver provides.  Drivers embed struct db / struct db_stmt as the
 * first member of their own structs. */
struct db_driver {
	enum db_kind kind;
	const char *name;
	int (*open)(const char *url, struct db **out, struct err *e);
	void (*close)(struct db *db);
	/* Run one or more statements without parameters or results. */
	int (*exec)(struct db *db, const char *sql, struct err *e);
	int (*prepare)(struct db *db, const char *sql, struct db_stmt **out,
		       struct err *e);
	int (*bind_int64)(struct db_stmt *st, int idx, int64_t v);
	int (*bind_double)(struct db_stmt *st, int idx, double v);
	int (*bind_text)(struct db_stmt *st, int idx, const char *s);
	int (*bind_null)(struct db_stmt *st, int idx);
	int (*bind_blob)(struct db_stmt *st, int idx, const void *p, size_t n);
	/* DB_ROW, DB_DONE, or <0 with e filled. */
	int (*step)(struct db_stmt *st, struct err *e);
	int (*col_count)(struct db_stmt *st);
	int (*col_is_null)(struct db_stmt *st, int col);
	int64_t (*col_int64)(struct db_stmt *st, int col);
	double (*col_double)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	/* Bytes of a BLOB/BYTEA column; valid until the next step/reset. */
	const void *(*col_blob)(struct db_stmt *st, int col, size_t *n);
	/* Forget results and bindings; the statement can be run again. */
	void (*reset)(struct db_stmt *st);
	void (*finalize)(struct db_stmt *st);
	/* Optional (NULL: db_bind_text_ref copies; db_bulk is a no-op). */
	int (*bind_text_ref)(struct db_stmt *st, int idx, const char *s, size_t n);
	int (*bulk)(struct db *db, int on);
	const char *begin_sql; /* "BEGIN IMMEDIATE" / "BEGIN" */
};

#define DB_STMT_CACHE 128

struct db_stmt {
	struct db *db;
	char *sql;	 /* owned copy, key of the cache */
	int in_use;	 /* handed out by db_prepare, not yet finalized */
	int cached;	 /* lives in db->cache */
};

struct db {
	const struct db_driver *drv;
	char url[512]; /* as opened: identifies the database in caches */
	int tx_depth;
	int tx_failed; /* an inner rollback happened; the outer commit fails */
	int n_cache;
	struct db_stmt *cache[DB_STMT_CACHE];
};

/* Open by URL: "postgresql://…" or "postgres://…" selects pg, anything else
 * is an SQLite file path.  Applies no migrations (see migrate.h). */
int db_open(const char *url, struct db **out, struct err *e);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);

int db_exec(struct db *db, const char *sql, struct err *e);
int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
	       struct err *e);
/* Bind helpers: idx counts from 1.  Text may be NULL (binds NULL). */
int db_bind_int64(struct db_stmt *st, int idx, int64_t v);
int db_bind_double(struct db_stmt *st, int idx, double v);
int db_bind_text(struct db_stmt *st, int idx, const char *s);
int db_bind_null(struct db_stmt *st, int idx);
/* Text s[0..n) (NUL-terminated at n) that stays valid and unchanged until
 * the statement is stepped and reset: bound without a copy where the
 * driver can (for writers of many rows from their own buffers). */
int db_bind_text_ref(struct db_stmt *st, int idx, const char *s, size_t n);
/* Binary data ({{BLOB}} columns: BLOB on SQLite, BYTEA on PostgreSQL). */
int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);
int db_step(struct db_stmt *st, struct err *e);
int db_col_is_null(struct db_stmt *st, int col);
int64_t db_col_int64(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
/* Never NULL: "" for SQL NULL.  Valid until the next step/reset/finalize. */
const char *db_col_text(struct db_stmt *st, int col);
/* Never NULL (an empty buffer for NULL); *n receives the length. */
const void *db_col_blob(struct db_stmt *st, int col, size_t *n);
void db_reset(struct db_stmt *st);
/* Give the statement back (NULL is fine). */
void db_finalize(struct db_stmt *st);

/* Nested transactions: the outermost is BEGIN (IMMEDIATE on SQLite, so
 * writers serialize instead of deadlocking), inner ones are SAVEPOINTs. */
int db_begin(struct db *db, struct err *e);

/* Bulk mode for one very large write transaction, outside any transaction.
 * SQLite: when no other connection has the database open, the journal
 * becomes a rollback journal for the run, so pages new to the file are
 * written to it once (a WAL writes every page twice: to the log, then to
 * the file at the checkpoint) and a crash still rolls the whole
 * transaction back; with another connection open it stays WAL (the
 * attempt does not wait).  Returns 1 when bulk mode is on, 0 when not
 * available (always on PostgreSQL).  db_bulk(db, 0) restores WAL. */
int db_bulk(struct db *db, int on);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);

#endif
