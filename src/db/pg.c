/*
 * pg.c — the PostgreSQL driver (libpq): one connection per struct db, used
 * by one thread at a time (the caller's rule; see db.h).  Owns the rewriting
 * of `?` placeholders to $n, text-format parameters and results, and the
 * mapping of SQLSTATEs to struct err.  Holds no domain SQL and no global
 * mutable state.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "db/db.h"

/* PostgreSQL accepts at most this many parameters in one statement. */
#define PG_MAX_PARAMS 65535

struct pg_db {
	struct db base;
	PGconn *c;
	unsigned long long seq; /* for unique prepared-statement names */
};

struct pg_stmt {
	struct db_stmt base;
	PGconn *c;
	char name[32];
	int nparams;
	char **vals;	/* nparams bound values (text), NULL = SQL NULL */
	PGresult *res;	/* the current result, NULL before the run or after it */
	int executed;	/* run since the last bind/reset */
	int row;	/* index of the current row in res */
	int nrows;
	unsigned char *blob; /* the last col_blob's decoded bytes */
};

static PGconn *conn(struct db *db)
{
	return ((struct pg_db *)db)->c;
}

static struct pg_stmt *PS(struct db_stmt *st)
{
	return (struct pg_stmt *)st;
}

/* The message of a failed result (or of the connection) on one line: libpq
 * ends messages with a newline and splits some over several. */
static void pg_msg(const PGresult *r, PGconn *c, char *out, size_t n)
{
	const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	size_t j = 0;
	if (!m || !*m) {
		m = c ? PQerrorMessage(c) : "";
	}
	if (!m || !*m) {
		m = "unknown error";
	}
	for (; *m && j + 1 < n; m++) {
		int space = *m == '\n' || *m == '\r' || *m == '\t' || *m == ' ';
		if (!space) {
			out[j++] = *m;
		} else if (j > 0 && out[j - 1] != ' ') {
			out[j++] = ' ';
		}
	}
	while (j > 0 && out[j - 1] == ' ') {
		j--;
	}
	out[j] = '\0';
}

/* Serialization failure, deadlock, lock timeout: worth retrying. */
static int is_busy(const char *state)
{
	return state && (strcmp(state, "40001") == 0 ||
			 strcmp(state, "40P01") == 0 ||
			 strcmp(state, "55P03") == 0);
}

/* Fill e from a failed result r (which may be NULL: out of memory or a lost
 * connection) and return the negative code. */
static int pg_error(const PGresult *r, PGconn *c, const char *what,
		    struct err *e)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char msg[400];
	pg_msg(r, c, msg, sizeof msg);
	if (state && strncmp(state, "23", 2) == 0) {
		return err_set(e, ERR_CONFLICT, "", "%s", msg);
	}
	if (is_busy(state)) {
		return err_set(e, ERR_CONFLICT, "", "database is busy, try again");
	}
	return err_set(e, ERR_INTERNAL, "", "pg: %s: %s", what, msg);
}

static int result_ok(const PGresult *r)
{
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ||
	       s == PGRES_EMPTY_QUERY;
}

/* Server notices (warnings and above, see client_min_messages) go to the
 * log instead of libpq's default of raw stderr. */
static void pg_notice(void *arg, const char *message)
{
	size_t n = strlen(message);
	(void)arg;
	while (n > 0 && message[n - 1] == '\n') {
		n--;
	}
	log_msg(LOG_WARN, "pg: %.*s", (int)n, message);
}

static int pg_open(const char *url, struct db **out, struct err *e)
{
	struct pg_db *d = calloc(1, sizeof *d);
	PGresult *r;
	char msg[400];
	if (!d) {
		return err_set(e, ERR_INTERNAL, "db", "out of memory");
	}
	d->c = PQconnectdb(url);
	if (!d->c || PQstatus(d->c) != CONNECTION_OK) {
		/* The message never contains the password: libpq does not echo
		 * the URL back. */
		pg_msg(NULL, d->c, msg, sizeof msg);
		err_set(e, ERR_INTERNAL, "db", "cannot connect to PostgreSQL: %s",
			d->c ? msg : "out of memory");
		PQfinish(d->c);
		free(d);
		return -ERR_INTERNAL;
	}
	PQsetNoticeProcessor(d->c, pg_notice, NULL);
	if (PQsetClientEncoding(d->c, "UTF8") != 0) {
		pg_msg(NULL, d->c, msg, sizeof msg);
		err_set(e, ERR_INTERNAL, "db", "cannot set UTF8 encoding: %s", msg);
		PQfinish(d->c);
		free(d);
		return -ERR_INTERNAL;
	}
	/* lock_timeout mirrors the SQLite busy timeout: a writer waiting on a
	 * lock gives up with 55P03 ("database is busy") instead of hanging. */
	r = PQexec(d->c, "SET client_min_messages = warning;"
			 "SET standard_conforming_strings = on;"
			 "SET TIME ZONE 'UTC';"
			 "SET lock_timeout = '10s'");
	if (!result_ok(r)) {
		pg_error(r, d->c, "set up the session", e);
		PQclear(r);
		PQfinish(d->c);
		free(d);
		return -ERR_INTERNAL;
	}
	PQclear(r);
	*out = &d->base;
	return 0;
}

static void pg_close(struct db *db)
{
	PQfinish(conn(db));
	free(db);
}

static int pg_exec(struct db *db, const char *sql, struct err *e)
{
	PGresult *r = PQexec(conn(db), sql);
	int rc = 0;
	if (!result_ok(r)) {
		rc = pg_error(r, conn(db), "exec", e);
	}
	PQclear(r);
	return rc;
}

/* ---- placeholder rewriting ---------------------------------------------- */

static int is_ident(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '$' ||
	       (unsigned char)ch >= 0x80;
}

/* Length of a dollar-quote tag ($$ or $name$) starting at p, or 0. */
static size_t dollar_tag(const char *p)
{
	size_t n = 1;
	if (p[1] >= '0' && p[1] <= '9') {
		return 0; /* $1 is a parameter, not a quote */
	}
	while (p[n] && p[n] != '$') {
		if (!is_ident(p[n])) {
			return 0;
		}
		n++;
	}
	return p[n] == '$' ? n + 1 : 0;
}

/* Copy sql, turning each `?` (or SQLite's `?NNN`) outside string literals,
 * quoted identifiers, dollar quotes and comments into $n.  A plain `?` takes
 * one more than the highest number so far, as in SQLite.  Sets *nparams to
 * the highest number.  Unterminated constructs are copied as they are (the
 * server reports them).  Returns a malloc'd string or NULL. */
static char *rewrite(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	/* Worst case: every byte a `?` becoming "$65535". */
	char *out = malloc(len * 6 + 1), *o = out;
	const char *p = sql;
	int max = 0;
	if (!out) {
		return NULL;
	}
	while (*p) {
		char ch = *p;
		if (ch == '\'') {
			/* E'…' strings take backslash escapes; plain ones
			 * (standard_conforming_strings) only ''. */
			int esc = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				  (p - 1 == sql || !is_ident(p[-2]));
			*o++ = *p++;
			while (*p && *p != '\'') {
				if (esc && *p == '\\' && p[1]) {
					*o++ = *p++;
				}
				*o++ = *p++;
			}
			if (*p) {
				*o++ = *p++;
			}
		} else if (ch == '"') {
			*o++ = *p++;
			while (*p && *p != '"') {
				*o++ = *p++;
			}
			if (*p) {
				*o++ = *p++;
			}
		} else if (ch == '-' && p[1] == '-') {
			while (*p && *p != '\n') {
				*o++ = *p++;
			}
		} else if (ch == '/' && p[1] == '*') {
			int depth = 0;
			do {
				if (p[0] == '/' && p[1] == '*') {
					depth++;
					*o++ = *p++;
				} else if (p[0] == '*' && p[1] == '/') {
					depth--;
					*o++ = *p++;
				}
				*o++ = *p++;
			} while (*p && depth > 0);
		} else if (ch == '$' && (p == sql || !is_ident(p[-1])) &&
			   dollar_tag(p) > 0) {
			size_t tn = dollar_tag(p);
			const char *end = NULL;
			const char *q = p + tn;
			while ((q = strchr(q, '$')) != NULL) {
				if (strncmp(q, p, tn) == 0) {
					end = q + tn;
					break;
				}
				q++;
			}
			if (!end) {
				end = p + strlen(p);
			}
			memcpy(o, p, (size_t)(end - p));
			o += end - p;
			p = end;
		} else if (ch == '?') {
			long n;
			p++;
			if (*p >= '0' && *p <= '9') {
				char *endp;
				n = strtol(p, &endp, 10);
				p = endp;
			} else {
				n = max + 1;
			}
			if (n < 1 || n > PG_MAX_PARAMS) {
				free(out);
				return NULL;
			}
			if (n > max) {
				max = (int)n;
			}
			o += sprintf(o, "$%ld", n);
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	*nparams = max;
	return out;
}

/* ---- statements ---------------------------------------------------------- */

static int pg_prepare(struct db *db, const char *sql, struct db_stmt **out,
		      struct err *e)
{
	struct pg_db *d = (struct pg_db *)db;
	struct pg_stmt *st;
	PGresult *r;
	char *q;
	int n = 0;
	q = rewrite(sql, &n);
	if (!q) {
		return err_set(e, ERR_INTERNAL, "",
			       "pg: prepare: out of memory or bad placeholder"
			       " (in: %.200s)",
			       sql);
	}
	st = calloc(1, sizeof *st);
	if (!st || (n > 0 && !(st->vals = calloc((size_t)n, sizeof *st->vals)))) {
		free(st);
		free(q);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	st->c = d->c;
	st->nparams = n;
	snprintf(st->name, sizeof st->name, "cadre_%llu", ++d->seq);
	/* Parameter types are left to the server to infer from context. */
	r = PQprepare(d->c, st->name, q, n, NULL);
	free(q);
	if (!result_ok(r)) {
		char msg[400];
		int rc;
		if (is_busy(r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL)) {
			rc = pg_error(r, d->c, "prepare", e);
		} else {
			pg_msg(r, d->c, msg, sizeof msg);
			rc = err_set(e, ERR_INTERNAL, "",
				     "pg: prepare: %s (in: %.200s)", msg, sql);
		}
		PQclear(r);
		free(st->vals);
		free(st);
		return rc;
	}
	PQclear(r);
	st->row = -1;
	*out = &st->base;
	return 0;
}

/* Drop the current result; the next step runs the statement again. */
static void clear_result(struct pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	s->executed = 0;
	s->row = -1;
	s->nrows = 0;
}

static int bind_str(struct db_stmt *st, int idx, const char *v)
{
	struct pg_stmt *s = PS(st);
	char *copy = NULL;
	if (idx < 1 || idx > s->nparams) {
		return -1;
	}
	if (v && !(copy = strdup(v))) {
		return -1;
	}
	clear_result(s);
	free(s->vals[idx - 1]);
	s->vals[idx - 1] = copy;
	return 0;
}

static int pg_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", (long long)v);
	return bind_str(st, idx, b);
}

static int pg_bind_double(struct db_stmt *st, int idx, double v)
{
	char b[40];
	snprintf(b, sizeof b, "%.17g", v);
	return bind_str(st, idx, b);
}

static int pg_bind_text(struct db_stmt *st, int idx, const char *s)
{
	return bind_str(st, idx, s);
}

static const char *pg_col_text(struct db_stmt *st, int col);

/* bytea in text format: "\\x" and two hex digits a byte. */
static int pg_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = p;
	char *v;
	int rc;
	if (n > ((size_t)1 << 30)) {
		return -1;
	}
	v = malloc(2 * n + 3);
	if (!v) {
		return -1;
	}
	v[0] = '\\';
	v[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		v[2 + 2 * i] = hex[b[i] >> 4];
		v[3 + 2 * i] = hex[b[i] & 15];
	}
	v[2 + 2 * n] = 0;
	rc = bind_str(st, idx, v);
	free(v);
	return rc;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
				    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static const void *pg_col_blob(struct db_stmt *st, int col, size_t *n)
{
	struct pg_stmt *s = PS(st);
	const char *v = pg_col_text(st, col);
	size_t len;
	*n = 0;
	free(s->blob);
	s->blob = NULL;
	if (!v || v[0] != '\\' || v[1] != 'x') {
		return NULL;
	}
	len = strlen(v + 2) / 2;
	s->blob = malloc(len + 1);
	if (!s->blob) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(v[2 + 2 * i]), lo = hexval(v[3 + 2 * i]);
		if (hi < 0 || lo < 0) {
			return NULL;
		}
		s->blob[i] = (unsigned char)(hi << 4 | lo);
	}
	*n = len;
	return s->blob;
}

static int pg_bind_null(struct db_stmt *st, int idx)
{
	return bind_str(st, idx, NULL);
}

static int pg_step(struct db_stmt *st, struct err *e)
{
	struct pg_stmt *s = PS(st);
	if (!s->executed) {
		PGresult *r;
		s->executed = 1;
		r = PQexecPrepared(s->c, s->name, s->nparams,
				   (const char *const *)s->vals, NULL, NULL, 0);
		if (!result_ok(r)) {
			int rc = pg_error(r, s->c, "step", e);
			PQclear(r);
			return rc;
		}
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
			s->res = r;
			s->nrows = PQntuples(r);
		} else {
			PQclear(r);
		}
		s->row = -1;
	}
	if (s->res && s->row + 1 < s->nrows) {
		s->row++;
		return DB_ROW;
	}
	/* Done: free the rows now rather than at reset. */
	PQclear(s->res);
	s->res = NULL;
	s->nrows = 0;
	s->row = -1;
	return DB_DONE;
}

static int have_cell(struct pg_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 &&
	       col < PQnfields(s->res);
}

static int pg_col_count(struct db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	return s->res ? PQnfields(s->res) : 0;
}

static int pg_col_is_null(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	return !have_cell(s, col) || PQgetisnull(s->res, s->row, col);
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = PS(st);
	if (!have_cell(s, col) || PQgetisnull(s->res, s->row, col)) {
		return NULL;
	}
	return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_col_int64(struct db_stmt *st, int col)
{
	const char *v = pg_col_text(st, col);
	if (!v) {
		return 0;
	}
	/* Booleans come back as t/f; read them as SQLite would, 1/0. */
	if (v[0] == 't' && v[1] == '\0') {
		return 1;
	}
	return (int64_t)strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int col)
{
	const char *v = pg_col_text(st, col);
	if (!v) {
		return 0.0;
	}
	if (v[0] == 't' && v[1] == '\0') {
		return 1.0;
	}
	return strtod(v, NULL);
}

static void pg_reset(struct db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	clear_result(s);
	free(s->blob);
	s->blob = NULL;
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
	}
}

static void pg_finalize(struct db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	char sql[64];
	pg_reset(st);
	/* Free the server side too, unless the session cannot run commands
	 * (then it goes away with the connection). */
	if (PQstatus(s->c) == CONNECTION_OK &&
	    PQtransactionStatus(s->c) != PQTRANS_INERROR) {
		snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
		PQclear(PQexec(s->c, sql));
	}
	free(s->vals);
	free(s);
}

const struct db_driver db_pg_driver = {
	.kind = DB_PG,
	.name = "pg",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_int64 = pg_bind_int64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_is_null = pg_col_is_null,
	.col_int64 = pg_col_int64,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.begin_sql = "BEGIN",
};
