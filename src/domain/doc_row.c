/*
 * doc_row.c — the shared helpers of the documents module (doc_internal.h):
 * loading (and locking) a document's row, deciding whether the actor may
 * read a document, and recording a step in the document's history and in
 * the audit chain.  Must never change a document's fields.
 */
#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/doc_internal.h"
#include "domain/org.h"

#define ROW_COLS                                                               \
	"d.id, d.owner_id, d.issuer_id, d.type_id, d.series_id, d.number,"     \
	" d.reviewer_id, d.source_id, d.in_number, d.rev, d.direction,"        \
	" d.status, d.route_mode, d.secrecy, d.urgency, d.symbol, d.doc_date,"   \
	" d.reply_due, d.received_date, t.code, t.org"

int doc_row_load(struct cx *cx, int64_t id, int lock, struct doc_row *d,
		 struct err *e)
{
	struct db_stmt *st;
	int rc;
	memset(d, 0, sizeof *d);
	if (lock) {
		if ((rc = db_prepare(cx->db, "UPDATE doc SET rev = rev + 1 WHERE id = ?",
				     &st, e))) {
			return rc;
		}
		db_bind_int64(st, 1, id);
		rc = db_step(st, e);
		db_finalize(st);
		if (rc < 0) {
			return rc;
		}
	}
	if ((rc = db_prepare(cx->db,
			     "SELECT " ROW_COLS " FROM doc d JOIN doc_type t"
			     " ON t.id = d.type_id WHERE d.id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		int64_t *ints[] = {&d->id, &d->owner_id, &d->issuer_id, &d->type_id,
				   &d->series_id, &d->number, &d->reviewer_id,
				   &d->source_id, &d->in_number, &d->rev};
		for (int i = 0; i < 10; i++) {
			*ints[i] = db_col_int64(st, i);
		}
		snprintf(d->direction, sizeof d->direction, "%s", db_col_text(st, 10));
		snprintf(d->status, sizeof d->status, "%s", db_col_text(st, 11));
		snprintf(d->route_mode, sizeof d->route_mode, "%s", db_col_text(st, 12));
		snprintf(d->secrecy, sizeof d->secrecy, "%s", db_col_text(st, 13));
		snprintf(d->urgency, sizeof d->urgency, "%s", db_col_text(st, 14));
		snprintf(d->symbol, sizeof d->symbol, "%s", db_col_text(st, 15));
		snprintf(d->doc_date, sizeof d->doc_date, "%s", db_col_text(st, 16));
		snprintf(d->reply_due, sizeof d->reply_due, "%s", db_col_text(st, 17));
		snprintf(d->received_date, sizeof d->received_date, "%s",
			 db_col_text(st, 18));
		snprintf(d->type_code, sizeof d->type_code, "%s", db_col_text(st, 19));
		snprintf(d->type_org, sizeof d->type_org, "%s", db_col_text(st, 20));
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "id", "no document %lld", (long long)id);
	}
	db_finalize(st);
	return rc;
}

/* 1 when the statement (one int64 parameter bound by the caller) returns
 * a row, 0 when not, <0 on error. */
static int exists(struct db_stmt *st, struct err *e)
{
	int rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

int doc_may_read(struct cx *cx, const struct doc_row *d, struct err *e)
{
	struct db_stmt *st;
	struct err first = ERR_INIT;
	int rc;
	if (auth_may(cx, ACT_READ, d->owner_id, &first) == 0) {
		return 0;
	}
	if (first.code != ERR_FORBIDDEN || !cx->actor.user_id ||
	    strcmp(first.field, "password") == 0) {
		*e = first;
		return -(int)first.code;
	}
	if (d->reviewer_id == cx->actor.user_id) {
		return 0;
	}
	if ((rc = db_prepare(cx->db,
			     "SELECT 1 FROM doc_signer WHERE doc_id = ? AND user_id = ?"
			     " UNION ALL SELECT 1 FROM doc_task WHERE doc_id = ? AND"
			     " assignee_id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, d->id);
	db_bind_int64(st, 2, cx->actor.user_id);
	db_bind_int64(st, 3, d->id);
	db_bind_int64(st, 4, cx->actor.user_id);
	if ((rc = exists(st, e)) != 0) {
		return rc < 0 ? rc : 0;
	}
	if ((rc = db_prepare(cx->db,
			     "SELECT unit_id FROM doc_recipient WHERE doc_id = ? AND"
			     " sent_ms IS NOT NULL UNION SELECT unit_id FROM doc_task"
			     " WHERE doc_id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, d->id);
	db_bind_int64(st, 2, d->id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (org_in_scope(cx, cx->actor.unit_id, db_col_int64(st, 0), e) == 1) {
			db_finalize(st);
			return 0;
		}
	}
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	*e = first;
	return -(int)first.code;
}

int doc_event_add(struct cx *cx, int64_t doc_id, const char *action,
		  const char *note, struct err *e)
{
	struct db_stmt *st;
	int rc;
	if ((rc = db_prepare(cx->db,
			     "INSERT INTO doc_event(doc_id, ts_ms, actor_id, actor, action,"
			     " note) VALUES (?,?,?,?,?,?)",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, doc_id);
	db_bind_int64(st, 2, cx->now_ms);
	if (cx->actor.user_id) {
		db_bind_int64(st, 3, cx->actor.user_id);
	} else {
		db_bind_null(st, 3);
	}
	db_bind_text(st, 4, cx->actor.login);
	db_bind_text(st, 5, action);
	db_bind_text(st, 6, note ? note : "");
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int doc_audit(struct cx *cx, const struct doc_row *d, const char *action,
	      json_t *change, struct err *e)
{
	char act[64], oid[24];
	int rc;
	snprintf(act, sizeof act, "doc.%s", action);
	snprintf(oid, sizeof oid, "%lld", (long long)d->id);
	rc = audit_append(cx, act, "doc", oid, d->owner_id, change, e);
	json_decref(change);
	return rc;
}

int doc_log(struct cx *cx, const struct doc_row *d, const char *action,
	    const char *note, json_t *change, struct err *e)
{
	int rc;
	if (!change) {
		change = json_object();
	}
	if (note && *note) {
		json_object_set_new(change, "note", json_string(note));
	}
	if ((rc = doc_event_add(cx, d->id, action, note, e))) {
		json_decref(change);
		return rc;
	}
	return doc_audit(cx, d, action, change, e);
}

