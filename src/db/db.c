/*
 * db.c — the driver-independent half of the storage layer: choosing a driver
 * from the URL, the per-connection statement cache, and nested transactions.
 * Holds no SQL of any domain.
 */
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

static int is_pg_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 ||
	       strncmp(url, "postgres://", 11) == 0;
}

int db_open(const char *url, struct db **out, struct err *e)
{
	const struct db_driver *drv;
	int rc;
	*out = NULL;
	if (!url || !*url) {
		return err_set(e, ERR_INVALID, "db", "no database given (--db PATH)");
	}
	drv = is_pg_url(url) ? &db_pg_driver : &db_sqlite_driver;
	rc = drv->open(url, out, e);
	if (rc == 0) {
		(*out)->drv = drv;
		snprintf((*out)->url, sizeof (*out)->url, "%s", url);
		(*out)->tx_depth = 0;
		(*out)->tx_failed = 0;
		(*out)->n_cache = 0;
	}
	return rc;
}

void db_close(struct db *db)
{
	if (!db) {
		return;
	}
	for (int i = 0; i < db->n_cache; i++) {
		struct db_stmt *st = db->cache[i];
		free(st->sql);
		db->drv->finalize(st);
	}
	db->n_cache = 0;
	db->drv->close(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->drv->kind;
}

int db_exec(struct db *db, const char *sql, struct err *e)
{
	return db->drv->exec(db, sql, e);
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
	       struct err *e)
{
	struct db_stmt *st;
	int rc;
	for (int i = 0; i < db->n_cache; i++) {
		st = db->cache[i];
		if (!st->in_use && strcmp(st->sql, sql) == 0) {
			st->in_use = 1;
			*out = st;
			return 0;
		}
	}
	rc = db->drv->prepare(db, sql, &st, e);
	if (rc) {
		*out = NULL;
		return rc;
	}
	st->db = db;
	st->in_use = 1;
	st->sql = strdup(sql);
	st->cached = 0;
	if (st->sql && db->n_cache < DB_STMT_CACHE) {
		st->cached = 1;
		db->cache[db->n_cache++] = st;
	}
	*out = st;
	return 0;
}

int db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	return st->db->drv->bind_int64(st, idx, v);
}

int db_bind_double(struct db_stmt *st, int idx, double v)
{
	return st->db->drv->bind_double(st, idx, v);
}

int db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (!s) {
		return st->db->drv->bind_null(st, idx);
	}
	return st->db->drv->bind_text(st, idx, s);
}

int db_bind_text_ref(struct db_stmt *st, int idx, const char *s, size_t n)
{
	if (!s) {
		return st->db->drv->bind_null(st, idx);
	}
	if (st->db->drv->bind_text_ref) {
		return st->db->drv->bind_text_ref(st, idx, s, n);
	}
	return st->db->drv->bind_text(st, idx, s);
}

int db_bulk(struct db *db, int on)
{
	return db->drv->bulk && db->tx_depth == 0 ? db->drv->bulk(db, on) : 0;
}

int db_bind_null(struct db_stmt *st, int idx)
{
	return st->db->drv->bind_null(st, idx);
}

int db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	return st->db->drv->bind_blob(st, idx, p ? p : "", p ? n : 0);
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *n)
{
	const void *p = st->db->drv->col_blob(st, col, n);
	if (!p) {
		*n = 0;
		return "";
	}
	return p;
}

int db_step(struct db_stmt *st, struct err *e)
{
	return st->db->drv->step(st, e);
}

int db_col_is_null(struct db_stmt *st, int col)
{
	return st->db->drv->col_is_null(st, col);
}

int64_t db_col_int64(struct db_stmt *st, int col)
{
	return st->db->drv->col_int64(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
	return st->db->drv->col_double(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	const char *s = st->db->drv->col_text(st, col);
	return s ? s : "";
}

void db_reset(struct db_stmt *st)
{
	st->db->drv->reset(st);
}

void db_finalize(struct db_stmt *st)
{
	if (!st) {
		return;
	}
	st->db->drv->reset(st);
	if (st->cached) {
		st->in_use = 0;
		return;
	}
	free(st->sql);
	st->db->drv->finalize(st);
}

int db_begin(struct db *db, struct err *e)
{
	char sql[48];
	int rc;
	if (db->tx_depth == 0) {
		rc = db->drv->exec(db, db->drv->begin_sql, e);
		if (rc == 0) {
			db->tx_failed = 0;
		}
	} else {
		snprintf(sql, sizeof sql, "SAVEPOINT sp%d", db->tx_depth);
		rc = db->drv->exec(db, sql, e);
	}
	if (rc == 0) {
		db->tx_depth++;
	}
	return rc;
}

int db_commit(struct db *db, struct err *e)
{
	char sql[48];
	int rc;
	if (db->tx_depth <= 0) {
		return err_set(e, ERR_INTERNAL, "", "commit without a transaction");
	}
	if (db->tx_depth > 1) {
		snprintf(sql, sizeof sql, "RELEASE SAVEPOINT sp%d", db->tx_depth - 1);
		rc = db->drv->exec(db, sql, e);
		db->tx_depth--;
		return rc;
	}
	rc = db->drv->exec(db, "COMMIT", e);
	if (rc) {
		struct err ignored = ERR_INIT;
		db->drv->exec(db, "ROLLBACK", &ignored);
	}
	db->tx_depth = 0;
	return rc;
}

void db_rollback(struct db *db)
{
	struct err ignored = ERR_INIT;
	char sql[64];
	if (db->tx_depth <= 0) {
		return;
	}
	if (db->tx_depth > 1) {
		snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT sp%d",
			 db->tx_depth - 1);
		db->drv->exec(db, sql, &ignored);
		snprintf(sql, sizeof sql, "RELEASE SAVEPOINT sp%d", db->tx_depth - 1);
		db->drv->exec(db, sql, &ignored);
		db->tx_depth--;
		return;
	}
	db->drv->exec(db, "ROLLBACK", &ignored);
	db->tx_depth = 0;
}
