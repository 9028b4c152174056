/*
 * doc_json.c — the JSON shapes of documents (docs/api.md "Documents"): the
 * whole document for its page (doc_get) and the summary used in lists.
 * Reads only; the permission to read is checked once per document here.
 * Must never change a row.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "domain/doc.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "domain/doc_internal.h"
#include "domain/doc_public.h"

static json_t *time_or_null(struct db_stmt *st, int col)
{
	char t[25];
	if (db_col_is_null(st, col)) {
		return json_null();
	}
	time_format_ms(db_col_int64(st, col), t);
	return json_string(t);
}

static json_t *id_or_null(int64_t v)
{
	return v > 0 ? json_integer(v) : json_null();
}

json_t *doc_summary_json(struct cx *cx, struct db_stmt *st)
{
	char created[25];
	json_t *o;
	time_format_ms(db_col_int64(st, 16), created);
	o = json_pack("{sI ss ss so so ss ss so ss ss ss ss ss ss so ss ss}",
		      "id", (json_int_t)db_col_int64(st, 0),
		      "direction", db_col_text(st, 1),
		      "status", db_col_text(st, 2),
		      "unit", doc_unit_json(cx, db_col_int64(st, 3)),
		      "issuer", doc_unit_json(cx, db_col_int64(st, 4)),
		      "issuer_name", db_col_text(st, 5),
		      "type", db_col_text(st, 6),
		      "number", id_or_null(db_col_int64(st, 7)),
		      "symbol", db_col_text(st, 8),
		      "date", db_col_text(st, 9),
		      "subject", db_col_text(st, 10),
		      "secrecy", db_col_text(st, 11),
		      "urgency", db_col_text(st, 12),
		      "reply_due", db_col_text(st, 13),
		      "incoming_number", id_or_null(db_col_int64(st, 14)),
		      "received_date", db_col_text(st, 15),
		      "created_at", created);
	return o;
}

/* The signers of the route, in order. */
static json_t *signers_json(struct cx *cx, int64_t id, const char *mode)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	json_t *a = json_array();
	int waiting_seq = 0;
	if (db_prepare(cx->db,
		       "SELECT user_id, seq, title, signed_ms FROM doc_signer"
		       " WHERE doc_id = ? ORDER BY seq",
		       &st, &e)) {
		return a;
	}
	db_bind_int64(st, 1, id);
	while (db_step(st, &e) == DB_ROW) {
		struct doc_user u;
		struct err ignored = ERR_INIT;
		int64_t uid = db_col_int64(st, 0);
		int signed_ = !db_col_is_null(st, 3);
		int waiting = 0;
		doc_user_get(cx, uid, &u, &ignored);
		if (!signed_) {
			if (strcmp(mode, "parallel") == 0) {
				waiting = 1;
			} else if (!waiting_seq) {
				waiting = 1;
				waiting_seq = 1;
			}
		}
		json_array_append_new(
			a, json_pack("{sI ss ss ss sI so sb}", "user_id", (json_int_t)uid,
				     "login", u.login, "name", u.name, "title",
				     db_col_text(st, 2), "seq",
				     (json_int_t)db_col_int64(st, 1), "signed_at",
				     time_or_null(st, 3), "waiting", waiting));
	}
	db_finalize(st);
	return a;
}

json_t *doc_route_json(struct cx *cx, const struct doc_row *d)
{
	json_t *rev = json_null();
	if (d->reviewer_id > 0) {
		struct doc_user u;
		struct err ignored = ERR_INIT;
		doc_user_get(cx, d->reviewer_id, &u, &ignored);
		json_decref(rev);
		rev = json_pack("{sI ss ss}", "user_id", (json_int_t)d->reviewer_id,
				"login", u.login, "name", u.name);
	}
	return json_pack("{ss so so}", "mode", d->route_mode, "reviewer", rev,
			 "signers", signers_json(cx, d->id, d->route_mode));
}

static json_t *recipients_json(struct cx *cx, int64_t id)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	json_t *a = json_array();
	if (db_prepare(cx->db,
		       "SELECT r.unit_id, r.sent_ms, r.received_ms, r.ack_ms,"
		       " r.in_doc_id, i.in_number FROM doc_recipient r LEFT JOIN doc i"
		       " ON i.id = r.in_doc_id WHERE r.doc_id = ? ORDER BY r.unit_id",
		       &st, &e)) {
		return a;
	}
	db_bind_int64(st, 1, id);
	while (db_step(st, &e) == DB_ROW) {
		json_array_append_new(
			a, json_pack("{so so so so so so}", "unit",
				     doc_unit_json(cx, db_col_int64(st, 0)), "sent_at",
				     time_or_null(st, 1), "received_at",
				     time_or_null(st, 2), "acknowledged_at",
				     time_or_null(st, 3), "incoming_id",
				     id_or_null(db_col_int64(st, 4)), "incoming_number",
				     id_or_null(db_col_int64(st, 5))));
	}
	db_finalize(st);
	return a;
}

/* Links both ways: "out" = this document implements/replaces/answers the
 * other, "in" = the other does so to this one.  A linked document the
 * actor may not read shows its id and symbol only. */
static json_t *links_json(struct cx *cx, int64_t id)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	json_t *a = json_array();
	if (db_prepare(cx->db,
		       "SELECT 'out', l.kind, l.to_id FROM doc_link l WHERE l.from_id = ?"
		       " UNION ALL SELECT 'in', l.kind, l.from_id FROM doc_link l"
		       " WHERE l.to_id = ?",
		       &st, &e)) {
		return a;
	}
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, id);
	while (db_step(st, &e) == DB_ROW) {
		struct doc_row o;
		struct err ig = ERR_INIT;
		json_t *other;
		int64_t oid = db_col_int64(st, 2);
		if (doc_row_load(cx, oid, 0, &o, &ig)) {
			continue;
		}
		if (doc_may_read(cx, &o, &ig) == 0) {
			other = json_pack("{sI ss ss ss}", "id", (json_int_t)oid, "symbol",
					  o.symbol, "status", o.status, "date", o.doc_date);
		} else {
			other = json_pack("{sI ss}", "id", (json_int_t)oid, "symbol",
					  o.symbol);
		}
		json_array_append_new(a, json_pack("{ss ss so}", "direction",
						   db_col_text(st, 0), "kind",
						   db_col_text(st, 1), "doc", other));
	}
	db_finalize(st);
	return a;
}

static json_t *history_json(struct cx *cx, int64_t id)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	json_t *a = json_array();
	if (db_prepare(cx->db,
		       "SELECT ts_ms, actor, action, note FROM doc_event WHERE doc_id = ?"
		       " ORDER BY id",
		       &st, &e)) {
		return a;
	}
	db_bind_int64(st, 1, id);
	while (db_step(st, &e) == DB_ROW) {
		json_array_append_new(
			a, json_pack("{so ss ss ss}", "at", time_or_null(st, 0), "actor",
				     db_col_text(st, 1), "action", db_col_text(st, 2),
				     "note", db_col_text(st, 3)));
	}
	db_finalize(st);
	return a;
}

/* The public short link of the document (doc_public.h), or null. */
static json_t *public_json(struct cx *cx, int64_t id)
{
	char code[DOC_PUBLIC_CODE_SIZE], link[512];
	struct err ig = ERR_INIT;
	int published = 0;
	if (doc_public_code(cx, id, code, &published, &ig) ||
	    doc_public_link(NULL, code, link, sizeof link)) {
		return json_null();
	}
	return json_pack("{ss ss sb}", "code", code, "link", link, "published",
			 published);
}

int doc_get(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	struct doc_row d;
	struct doc_type_row t;
	struct db_stmt *st;
	json_t *o = NULL;
	int rc;
	*out = NULL;
	if ((rc = doc_row_load(cx, id, 0, &d, e)) || (rc = doc_may_read(cx, &d, e)) ||
	    (rc = doc_type_load(cx, d.type_id, &t, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT " DOC_SUMMARY_COLS ", d.updated_ms FROM doc d JOIN"
			     " doc_type t ON t.id = d.type_id WHERE d.id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		o = doc_summary_json(cx, st);
		json_object_set_new(o, "updated_at", time_or_null(st, 17));
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "id", "no document %lld", (long long)id);
	}
	db_finalize(st);
	if (rc) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "type", json_pack("{ss ss ss ss ss}", "code", t.code,
						 "symbol_code", t.symbol_code,
						 "org", t.org, "name_vi", t.name_vi,
						 "name_en", t.name_en));
	json_object_set_new(o, "rev", json_integer(d.rev));
	json_object_set_new(o, "source_id", id_or_null(d.source_id));
	json_object_set_new(o, "route", doc_route_json(cx, &d));
	json_object_set_new(o, "recipients", recipients_json(cx, id));
	json_object_set_new(o, "links", links_json(cx, id));
	json_object_set_new(o, "files", doc_file_latest_json(cx, id));
	json_object_set_new(o, "tasks", doc_tasks_json(cx, id));
	json_object_set_new(o, "history", history_json(cx, id));
	{
		/* The short link of an issued document's public page. */
		char code[DOC_PUBLIC_CODE_SIZE], link[512];
		struct err ignored = ERR_INIT;
		int published = 0;
		if (doc_public_code(cx, id, code, &published, &ignored) == 0 &&
		    doc_public_link(NULL, code, link, sizeof link) == 0) {
			json_object_set_new(o, "public",
					    json_pack("{ss ss sb}", "code", code, "link", link,
						      "published", published));
		} else {
			json_object_set_new(o, "public", json_null());
		}
	}
	json_object_set_new(o, "public", public_json(cx, id));
	*out = o;
	return 0;
}
