/*
 * doc_search.c — finding documents (doc_search.h): the folded search text
 * of each document (doc_text) kept in step with its full-text index — an
 * external-content FTS5 table on SQLite, a GIN index over
 * to_tsvector('simple', …) on PostgreSQL (both made by migration 007) —
 * and the filtered, scoped list of the register.  Owns doc_text.  Must never show a
 * document outside the actor's scope, and never change a document.
 */
#include "domain/doc_search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "domain/auth.h"
#include "domain/doc_internal.h"
#include "domain/org.h"

/* The indexed form of text: folded (no case, no diacritics, đ→d), then
 * every ASCII character that is not a letter or digit made a space, so
 * "04-NQ/TU" is indexed and searched as the words 04 nq tu on both
 * engines.  New string, or NULL. */
static char *index_text(const char *s)
{
	char *f = utf8_fold(s ? s : "");
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	if (!f) {
		return NULL;
	}
	for (char *p = f; *p; p += k) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80) {
			k = 1;
			if (!isalnum(c)) {
				*p = ' ';
			}
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &cp);
		if (k <= 0) {
			k = 1;
			*p = ' ';
			continue;
		}
		/* Punctuation and symbols (– “ ” …) separate words too. */
		switch (utf8proc_category(cp)) {
		case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
		case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
		case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
		case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
			break;
		default:
			memset(p, ' ', (size_t)k);
		}
	}
	return f;
}

/* Build the head text of a document: subject, symbol, type, issuer. */
static int head_text(struct cx *cx, int64_t id, char **head, int64_t *source,
		     int64_t *owner, struct err *e)
{
	struct db_stmt *st;
	struct buf b;
	int rc;
	*head = NULL;
	if ((rc = db_prepare(cx->db,
			     "SELECT d.subject, d.symbol, t.code, d.issuer_name,"
			     " d.issuer_id, d.source_id, d.owner_id FROM doc d JOIN"
			     " doc_type t ON t.id = d.type_id WHERE d.id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	buf_init(&b, 0);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		char code[ORG_CODE_MAX + 1] = "", name[ORG_NAME_MAX * 4 + 1] = "";
		struct err ig = ERR_INIT;
		if (db_col_int64(st, 4) > 0) {
			org_unit_label(cx, db_col_int64(st, 4), code, name, &ig);
		}
		buf_printf(&b, "%s %s %s %s %s %s", db_col_text(st, 0),
			   db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
			   code, name);
		*source = db_col_int64(st, 5);
		*owner = db_col_int64(st, 6);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "id", "no document %lld", (long long)id);
	}
	db_finalize(st);
	if (rc == 0 && !(*head = index_text(b.z))) {
		rc = err_set(e, ERR_INTERNAL, "", "cannot fold the subject");
	}
	buf_free(&b);
	return rc;
}

/* The stored (head, body) of a document; found = 0 when there is none. */
static int text_load(struct cx *cx, int64_t id, char **head, char **body,
		     int *found, struct err *e)
{
	struct db_stmt *st;
	int rc;
	*head = *body = NULL;
	*found = 0;
	if ((rc = db_prepare(cx->db, "SELECT head, body FROM doc_text WHERE doc_id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*found = 1;
		*head = strdup(db_col_text(st, 0));
		*body = strdup(db_col_text(st, 1));
		rc = *head && *body ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int fts_row(struct cx *cx, int del, int64_t id, const char *head,
		   const char *body, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    del ? "INSERT INTO doc_fts(doc_fts, rowid, head, body)"
				  " VALUES ('delete', ?, ?, ?)"
				: "INSERT INTO doc_fts(rowid, head, body) VALUES (?, ?, ?)",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, head);
	db_bind_text(st, 3, body);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int doc_text_refresh(struct cx *cx, int64_t doc_id, const char *body,
		     struct err *e)
{
	struct db_stmt *st;
	char *head = NULL, *old_head = NULL, *old_body = NULL, *nb = NULL;
	int64_t source = 0, owner = 0;
	int found = 0, rc;
	const char *b;
	if ((rc = head_text(cx, doc_id, &head, &source, &owner, e)) ||
	    (rc = text_load(cx, doc_id, &old_head, &old_body, &found, e))) {
		goto done;
	}
	if (body) {
		if (!(nb = index_text(body))) {
			rc = err_set(e, ERR_INTERNAL, "", "cannot fold the text");
			goto done;
		}
		b = nb;
	} else if (found) {
		b = old_body;
	} else if (source > 0) {
		char *sh = NULL, *sb = NULL;
		int sf = 0;
		if ((rc = text_load(cx, source, &sh, &sb, &sf, e))) {
			goto done;
		}
		free(sh);
		nb = sb;
		b = nb ? nb : "";
	} else {
		b = "";
	}
	if (found && db_kind(cx->db) == DB_SQLITE &&
	    (rc = fts_row(cx, 1, doc_id, old_head, old_body, e))) {
		goto done;
	}
	if ((rc = db_prepare(cx->db,
			     "INSERT INTO doc_text(doc_id, owner_id, head, body) VALUES"
			     " (?,?,?,?) ON CONFLICT (doc_id) DO UPDATE SET"
			     " head = excluded.head, body = excluded.body",
			     &st, e))) {
		goto done;
	}
	db_bind_int64(st, 1, doc_id);
	db_bind_int64(st, 2, owner);
	db_bind_text(st, 3, head);
	db_bind_text(st, 4, b);
	rc = db_step(st, e);
	db_finalize(st);
	rc = rc < 0 ? rc : 0;
	if (rc == 0 && db_kind(cx->db) == DB_SQLITE) {
		rc = fts_row(cx, 0, doc_id, head, b, e);
	}
done:
	free(head);
	free(old_head);
	free(old_body);
	free(nb);
	return rc;
}

/* --- scope memo: unit id → visible? (0 no, 1 yes), open addressing --- */

struct memo {
	int64_t *key;
	signed char *val;
	size_t cap, n;
};

static void memo_free(struct memo *m)
{
	free(m->key);
	free(m->val);
}

/* -1 unknown, else the value. */
static int memo_get(const struct memo *m, int64_t k)
{
	if (!m->cap) {
		return -1;
	}
	for (size_t i = (size_t)k * 11400714819323198485ull & (m->cap - 1);;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->key[i] == k) {
			return m->val[i];
		}
		if (m->key[i] == 0) {
			return -1;
		}
	}
}

static int memo_put(struct memo *m, int64_t k, int v)
{
	if (2 * (m->n + 1) > m->cap) {
		struct memo g = {0};
		g.cap = m->cap ? m->cap * 2 : 256;
		g.key = calloc(g.cap, sizeof *g.key);
		g.val = calloc(g.cap, sizeof *g.val);
		if (!g.key || !g.val) {
			memo_free(&g);
			return -1;
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (m->key[i]) {
				memo_put(&g, m->key[i], m->val[i]);
			}
		}
		memo_free(m);
		*m = g;
	}
	for (size_t i = (size_t)k * 11400714819323198485ull & (m->cap - 1);;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->key[i] == 0 || m->key[i] == k) {
			m->n += m->key[i] == 0;
			m->key[i] = k;
			m->val[i] = (signed char)v;
			return 0;
		}
	}
}

/* Is the document unit u visible: in the actor's scope and (unit filter)
 * in the subtree of `root`.  Memoized per unit. */
static int visible(struct cx *cx, struct memo *m, int64_t root, int64_t u,
		   struct err *e)
{
	int v = memo_get(m, u), in = 1;
	struct err ig = ERR_INIT;
	if (v >= 0) {
		return v;
	}
	if (!cx->actor.system && cx->actor.unit_id) {
		in = auth_may(cx, ACT_READ, u, &ig) == 0;
	}
	if (in && root > 0) {
		in = org_in_scope(cx, root, u, e);
		if (in < 0) {
			return in;
		}
	}
	memo_put(m, u, in);
	return in;
}

/* The words of a query as an FTS5 expression ("a" "b": all of them) or a
 * plain space-separated list for PostgreSQL's plainto_tsquery.  NULL when
 * the query has no word. */
static char *query_words(const char *q, int fts5)
{
	char *t = index_text(q), *tok, *save = NULL;
	struct buf b;
	if (!t) {
		return NULL;
	}
	buf_init(&b, 0);
	for (tok = strtok_r(t, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		buf_printf(&b, fts5 ? "%s\"%s\"" : "%s%s", b.n ? " " : "", tok);
	}
	free(t);
	if (b.n == 0 || b.err) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* The filters of a search, each one constant SQL with one bound value;
 * only those asked for are put in the statement, so that the engines plan
 * for the filters actually given.  The type (a code, one type per
 * organization's catalogue) is given as the ids of the types of that code
 * (type_filter), so that PostgreSQL can range over its covering index
 * doc_filter_type (migration 007) instead of joining doc_type first. */
static const char *const filter_sql[6] = {
	" AND d.direction = ?",
	NULL, /* the type: " AND d.type_id IN (?, …)" */
	" AND d.status = ?",
	" AND d.doc_date >= ?",
	" AND d.doc_date <> '' AND d.doc_date <= ?",
	" AND d.reply_due <> '' AND d.reply_due < ? AND NOT EXISTS (SELECT 1"
	" FROM doc_link l JOIN doc a ON a.id = l.from_id WHERE l.kind = 'answers'"
	" AND a.status = 'issued' AND (l.to_id = d.id OR l.to_id IN (SELECT c.id"
	" FROM doc c WHERE c.source_id = d.id)))",
};

#define TYPE_IDS_MAX 64

/* The ids of the types whose code is `code` (at most TYPE_IDS_MAX). */
static int type_ids(struct cx *cx, const char *code, int64_t *ids, int *n,
		    struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db, "SELECT id FROM doc_type WHERE code = ? ORDER BY id",
			    &st, e);
	*n = 0;
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, code);
	while ((rc = db_step(st, e)) == DB_ROW && *n < TYPE_IDS_MAX) {
		ids[(*n)++] = db_col_int64(st, 0);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The statement of a search into b: with words and no filter the
 * full-text index drives and the doc table is not read (owner_id is in
 * doc_text); otherwise the doc table (on PostgreSQL through the covering
 * filter indexes), newest first.  ntypes: how many type ids v[1] stands
 * for. */
static void search_sql(struct buf *b, int pg, int words, const char *const *v,
		       int ntypes)
{
	int filters = 0;
	for (int k = 0; k < 6; k++) {
		filters |= v[k] != NULL;
	}
	if (words && !filters) {
		buf_puts(b, pg ? "SELECT x.doc_id, x.owner_id FROM doc_text x WHERE"
				 " to_tsvector('simple', x.head || ' ' || x.body) @@"
				 " plainto_tsquery('simple', ?) ORDER BY x.doc_id DESC"
			       : "SELECT f.rowid, x.owner_id FROM doc_fts f JOIN doc_text x"
				 " ON x.doc_id = f.rowid WHERE doc_fts MATCH ?"
				 " ORDER BY f.rowid DESC");
		return;
	}
	if (!words) {
		buf_puts(b, "SELECT d.id, d.owner_id FROM doc d WHERE 1 = 1");
	} else if (pg) {
		/* The words first, through the GIN index, then joined to the
		 * filtered ids of the doc table (an index-only scan of a
		 * covering index): left to itself the planner may filter the
		 * doc table first and then compute to_tsvector for every row
		 * it kept. */
		buf_puts(b, "WITH m AS MATERIALIZED (SELECT x.doc_id FROM doc_text x"
			    " WHERE to_tsvector('simple', x.head || ' ' || x.body) @@"
			    " plainto_tsquery('simple', ?)) SELECT d.id, d.owner_id FROM m"
			    " JOIN doc d ON d.id = m.doc_id WHERE 1 = 1");
	} else {
		buf_puts(b, "SELECT f.rowid, d.owner_id FROM doc_fts f JOIN doc d ON"
			    " d.id = f.rowid WHERE doc_fts MATCH ?");
	}
	for (int k = 0; k < 6; k++) {
		if (k == 1 && v[k]) {
			buf_puts(b, " AND d.type_id IN (");
			for (int i = 0; i < ntypes; i++) {
				buf_puts(b, i ? ", ?" : "?");
			}
			buf_puts(b, ")");
		} else if (v[k]) {
			buf_puts(b, filter_sql[k]);
		}
	}
	buf_puts(b, words && !pg ? " ORDER BY f.rowid DESC" : " ORDER BY d.id DESC");
}

static int page_json(struct cx *cx, const int64_t *ids, int n, json_t *items,
		     struct err *e)
{
	for (int i = 0; i < n; i++) {
		struct db_stmt *st;
		int rc = db_prepare(cx->db,
				    "SELECT " DOC_SUMMARY_COLS " FROM doc d JOIN doc_type t"
				    " ON t.id = d.type_id WHERE d.id = ?",
				    &st, e);
		if (rc) {
			return rc;
		}
		db_bind_int64(st, 1, ids[i]);
		if ((rc = db_step(st, e)) == DB_ROW) {
			json_array_append_new(items, doc_summary_json(cx, st));
		}
		db_finalize(st);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int doc_search(struct cx *cx, const struct doc_query *q, json_t **out,
	       struct err *e)
{
	struct db_stmt *st = NULL;
	struct memo m = {0};
	char today[11], *words = NULL;
	int64_t ids[500], total = 0, types[TYPE_IDS_MAX];
	int limit = q->limit > 0 && q->limit <= 500 ? q->limit : 50;
	int n = 0, rc, pg = db_kind(cx->db) == DB_PG, k, ntypes = 0;
	const char *v[6];
	struct buf sql;
	*out = NULL;
	if ((rc = auth_may(cx, ACT_READ, q->unit, e))) {
		return rc;
	}
	if (q->type && (rc = type_ids(cx, q->type, types, &ntypes, e))) {
		return rc;
	}
	if (q->type && ntypes == 0) { /* no such type: nothing to find */
		*out = json_pack("{s[] si si si}", "items", "total", 0, "limit", limit,
				 "offset", q->offset);
		return 0;
	}
	if (q->q && *q->q) {
		if (!utf8_valid(q->q, strlen(q->q)) || utf8_len(q->q) > DOC_QUERY_MAX) {
			return err_set(e, ERR_INVALID, "q", "a query is at most %d characters",
				       DOC_QUERY_MAX);
		}
		words = query_words(q->q, !pg);
	}
	doc_today(cx, today);
	v[0] = q->direction;
	v[1] = q->type;
	v[2] = q->status;
	v[3] = q->from;
	v[4] = q->to;
	v[5] = q->overdue ? today : NULL;
	buf_init(&sql, 0);
	search_sql(&sql, pg, words != NULL, v, ntypes);
	rc = sql.err ? err_set(e, ERR_INTERNAL, "", "out of memory")
		     : db_prepare(cx->db, sql.z, &st, e);
	buf_free(&sql);
	if (rc == 0) {
		int i = 1;
		if (words) {
			db_bind_text(st, i++, words);
		}
		for (k = 0; k < 6; k++) {
			if (k == 1 && v[k]) {
				for (int j = 0; j < ntypes; j++) {
					db_bind_int64(st, i++, types[j]);
				}
			} else if (v[k]) {
				db_bind_text(st, i++, v[k]);
			}
		}
		while ((rc = db_step(st, e)) == DB_ROW) {
			int vis = visible(cx, &m, q->unit, db_col_int64(st, 1), e);
			if (vis < 0) {
				rc = vis;
				break;
			}
			if (vis && total++ >= q->offset && n < limit) {
				ids[n++] = db_col_int64(st, 0);
			}
		}
		db_finalize(st);
	}
	free(words);
	memo_free(&m);
	if (rc < 0) {
		return rc;
	}
	*out = json_pack("{s[] sI si si}", "items", "total", (json_int_t)total,
			 "limit", limit, "offset", q->offset);
	if ((rc = page_json(cx, ids, n, json_object_get(*out, "items"), e))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
