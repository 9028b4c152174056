/*
 * doc_task.c — what happens after a document is sent (doc_flow.h): receipts
 * by each recipient unit (received = registered in its incoming register
 * with a new incoming number and a copy of the files; acknowledged), the
 * tasks assigned from a document and their completion, and the inbox of
 * what waits for the actor.  Owns doc_task; writes doc_recipient receipts.
 * Must never change an issued document's number, symbol or files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/auth.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "domain/doc_internal.h"
#include "domain/doc_search.h"
#include "domain/org.h"

#define INBOX_SCAN 2000 /* candidate rows looked at per inbox section */

static json_t *time_or_null(struct db_stmt *st, int col)
{
	char t[25];
	if (db_col_is_null(st, col)) {
		return json_null();
	}
	time_format_ms(db_col_int64(st, col), t);
	return json_string(t);
}

/* --- receipts --- */

struct receipt_args {
	int64_t unit_id;
	int ack;
	int64_t in_id;
};

/* Copy an issued document into the recipient's incoming register. */
static int receive_copy(struct cx *cx, const struct doc_row *d, int64_t unit,
			int64_t *in_id, struct err *e)
{
	struct db_stmt *st;
	struct doc_new n;
	char *subject = NULL;
	int rc;
	if ((rc = db_prepare(cx->db, "SELECT subject FROM doc WHERE id = ?", &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, d->id);
	if ((rc = db_step(st, e)) == DB_ROW) {
		subject = strdup(db_col_text(st, 0));
	}
	db_finalize(st);
	if (rc < 0 || !subject) {
		return rc < 0 ? rc : err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	memset(&n, 0, sizeof n);
	n.direction = "in";
	n.owner_id = unit;
	n.issuer_id = d->issuer_id;
	n.date = d->doc_date;
	n.secrecy = d->secrecy;
	n.urgency = d->urgency;
	n.reply_due = d->reply_due;
	rc = doc_register_incoming(cx, &n, subject, d->type_id, d->number, d->symbol,
				   d->id, in_id, e);
	free(subject);
	return rc ? rc : doc_file_copy(cx, d->id, *in_id, e);
}

static int receipt_step(struct cx *cx, struct doc_row *d, void *arg,
			struct err *e)
{
	struct receipt_args *a = arg;
	struct db_stmt *st;
	int64_t in_id = 0;
	int rc, received, acked;
	if ((rc = db_prepare(cx->db,
			     "SELECT sent_ms, received_ms, ack_ms, in_doc_id FROM"
			     " doc_recipient WHERE doc_id = ? AND unit_id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, d->id);
	db_bind_int64(st, 2, a->unit_id);
	rc = db_step(st, e);
	if (rc == DB_DONE) {
		db_finalize(st);
		return err_set(e, ERR_NOT_FOUND, "unit_id",
			       "that unit is not a recipient of this document");
	}
	if (rc < 0) {
		db_finalize(st);
		return rc;
	}
	if (db_col_is_null(st, 0)) {
		db_finalize(st);
		return err_set(e, ERR_CONFLICT, "status",
			       "the document has not been sent to that unit yet");
	}
	received = !db_col_is_null(st, 1);
	acked = !db_col_is_null(st, 2);
	in_id = db_col_int64(st, 3);
	db_finalize(st);
	if (!received && (rc = receive_copy(cx, d, a->unit_id, &in_id, e))) {
		return rc;
	}
	if (received && (!a->ack || acked)) {
		a->in_id = in_id;
		return 0; /* idempotent */
	}
	if ((rc = db_prepare(cx->db,
			     "UPDATE doc_recipient SET"
			     " received_ms = COALESCE(received_ms, ?),"
			     " received_by = COALESCE(received_by, ?),"
			     " in_doc_id = COALESCE(in_doc_id, ?),"
			     " ack_ms = CASE WHEN ? = 1 THEN COALESCE(ack_ms, ?) ELSE ack_ms END,"
			     " ack_by = CASE WHEN ? = 1 THEN COALESCE(ack_by, ?) ELSE ack_by END"
			     " WHERE doc_id = ? AND unit_id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, cx->now_ms);
	db_bind_int64(st, 2, cx->actor.user_id);
	db_bind_int64(st, 3, in_id);
	db_bind_int64(st, 4, a->ack);
	db_bind_int64(st, 5, cx->now_ms);
	db_bind_int64(st, 6, a->ack);
	db_bind_int64(st, 7, cx->actor.user_id);
	db_bind_int64(st, 8, d->id);
	db_bind_int64(st, 9, a->unit_id);
	rc = db_step(st, e);
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	a->in_id = in_id;
	return doc_log(cx, d, a->ack ? "acknowledge" : "receive", NULL,
		       json_pack("{sI sI}", "unit_id", (json_int_t)a->unit_id,
				 "incoming_id", (json_int_t)in_id),
		       e);
}

int doc_receipt(struct cx *cx, int64_t id, int64_t unit_id,
		const char *action, int64_t *in_id, struct err *e)
{
	struct receipt_args a = {unit_id, 0, 0};
	struct doc_row d;
	int rc;
	if (in_id) {
		*in_id = 0;
	}
	if (!action || (strcmp(action, "received") && strcmp(action, "acknowledged"))) {
		return err_set(e, ERR_INVALID, "action", "action is received or acknowledged");
	}
	a.ack = strcmp(action, "acknowledged") == 0;
	if (unit_id <= 0) {
		return err_set(e, ERR_INVALID, "unit_id", "the recipient unit is required");
	}
	if ((rc = doc_row_load(cx, id, 0, &d, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, unit_id, e))) {
		return rc;
	}
	if ((rc = doc_tx_begin(cx, e))) {
		return rc;
	}
	rc = doc_row_load(cx, id, 1, &d, e);
	if (rc == 0) {
		rc = receipt_step(cx, &d, &a, e);
	}
	rc = doc_tx_end(cx, rc, e);
	if (rc == 0 && in_id) {
		*in_id = a.in_id;
	}
	return rc;
}

int doc_receipts(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	struct doc_row d;
	struct db_stmt *st;
	int rc;
	*out = NULL;
	if ((rc = doc_row_load(cx, id, 0, &d, e)) || (rc = doc_may_read(cx, &d, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT r.unit_id, r.sent_ms, r.received_ms, r.ack_ms,"
			     " r.in_doc_id, i.in_number, CASE WHEN EXISTS (SELECT 1 FROM"
			     " doc_link l JOIN doc a ON a.id = l.from_id WHERE"
			     " l.kind = 'answers' AND a.status = 'issued' AND"
			     " a.owner_id = r.unit_id AND (l.to_id = r.doc_id OR"
			     " l.to_id = r.in_doc_id)) THEN 1 ELSE 0 END"
			     " FROM doc_recipient r LEFT JOIN doc i"
			     " ON i.id = r.in_doc_id WHERE r.doc_id = ? ORDER BY r.unit_id",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	*out = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_array_append_new(
			*out,
			json_pack("{so so so so so so sb}", "unit",
				  doc_unit_json(cx, db_col_int64(st, 0)), "sent_at",
				  time_or_null(st, 1), "received_at", time_or_null(st, 2),
				  "acknowledged_at", time_or_null(st, 3), "incoming_id",
				  db_col_is_null(st, 4) ? json_null()
							: json_integer(db_col_int64(st, 4)),
				  "incoming_number",
				  db_col_is_null(st, 5) ? json_null()
							: json_integer(db_col_int64(st, 5)),
				  "answered", (int)db_col_int64(st, 6)));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/* --- tasks --- */

#define TASK_COLS                                                              \
	"k.id, k.doc_id, k.unit_id, k.assignee_id, k.what, k.due, k.status,"   \
	" k.done_ms, k.done_note, k.created_ms"

static json_t *task_json(struct cx *cx, struct db_stmt *st, const char *today)
{
	json_t *who = json_null();
	int64_t a = db_col_int64(st, 3);
	int open = strcmp(db_col_text(st, 6), "open") == 0;
	if (a > 0) {
		struct doc_user u;
		struct err ig = ERR_INIT;
		doc_user_get(cx, a, &u, &ig);
		json_decref(who);
		who = json_pack("{sI ss ss}", "user_id", (json_int_t)a, "login", u.login,
				"name", u.name);
	}
	return json_pack("{sI sI so so ss ss ss so ss so sb}", "id",
			 (json_int_t)db_col_int64(st, 0), "doc_id",
			 (json_int_t)db_col_int64(st, 1), "unit",
			 doc_unit_json(cx, db_col_int64(st, 2)), "assignee", who,
			 "what", db_col_text(st, 4), "due", db_col_text(st, 5),
			 "status", db_col_text(st, 6), "done_at", time_or_null(st, 7),
			 "done_note", db_col_text(st, 8), "created_at",
			 time_or_null(st, 9), "overdue",
			 open && strcmp(db_col_text(st, 5), today) < 0);
}

json_t *doc_tasks_json(struct cx *cx, int64_t doc_id)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	json_t *a = json_array();
	char today[11];
	doc_today(cx, today);
	if (db_prepare(cx->db,
		       "SELECT " TASK_COLS " FROM doc_task k WHERE k.doc_id = ?"
		       " ORDER BY k.due, k.id",
		       &st, &e)) {
		return a;
	}
	db_bind_int64(st, 1, doc_id);
	while (db_step(st, &e) == DB_ROW) {
		json_array_append_new(a, task_json(cx, st, today));
	}
	db_finalize(st);
	return a;
}

int doc_task_add(struct cx *cx, const struct doc_task_new *t, int64_t *id,
		 struct err *e)
{
	struct doc_row d;
	struct doc_user u;
	struct db_stmt *st;
	char code[ORG_CODE_MAX + 1], name[ORG_NAME_MAX * 4 + 1], *what;
	int rc;
	*id = 0;
	if ((rc = doc_row_load(cx, t->doc_id, 0, &d, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, d.owner_id, e))) {
		return rc;
	}
	if (t->unit_id <= 0 || org_unit_label(cx, t->unit_id, code, name, e)) {
		return err_set(e, ERR_INVALID, "unit_id", "the responsible unit is required");
	}
	if (t->assignee_id > 0 &&
	    (doc_user_get(cx, t->assignee_id, &u, e) || strcmp(u.role, "disabled") == 0)) {
		return err_set(e, ERR_INVALID, "assignee_id", "no active user with id %lld",
			       (long long)t->assignee_id);
	}
	if ((rc = date_check(t->due ? t->due : "", "due", e))) {
		return rc;
	}
	if (!(what = utf8_clean_name(t->what ? t->what : "", DOC_NOTE_MAX, "what", e))) {
		return -(int)e->code;
	}
	if ((rc = doc_tx_begin(cx, e)) == 0) {
		rc = doc_row_load(cx, t->doc_id, 1, &d, e);
		if (rc == 0 &&
		    (rc = db_prepare(cx->db,
				     "INSERT INTO doc_task(doc_id, unit_id, assignee_id, what,"
				     " due, created_by, created_ms) VALUES (?,?,?,?,?,?,?)"
				     " RETURNING id",
				     &st, e)) == 0) {
			db_bind_int64(st, 1, t->doc_id);
			db_bind_int64(st, 2, t->unit_id);
			if (t->assignee_id > 0) {
				db_bind_int64(st, 3, t->assignee_id);
			} else {
				db_bind_null(st, 3);
			}
			db_bind_text(st, 4, what);
			db_bind_text(st, 5, t->due);
			if (cx->actor.user_id) {
				db_bind_int64(st, 6, cx->actor.user_id);
			} else {
				db_bind_null(st, 6);
			}
			db_bind_int64(st, 7, cx->now_ms);
			rc = db_step(st, e);
			if (rc == DB_ROW) {
				*id = db_col_int64(st, 0);
				rc = 0;
			}
			db_finalize(st);
		}
		if (rc == 0) {
			rc = doc_log(cx, &d, "task_add", what,
				     json_pack("{sI sI sI ss}", "task_id", (json_int_t)*id,
					       "unit_id", (json_int_t)t->unit_id,
					       "assignee_id", (json_int_t)t->assignee_id,
					       "due", t->due),
				     e);
		}
		rc = doc_tx_end(cx, rc, e);
	}
	free(what);
	return rc;
}

int doc_task_done(struct cx *cx, int64_t task_id, const char *note,
		  struct err *e)
{
	struct db_stmt *st;
	struct doc_row d;
	int64_t doc_id = 0, unit = 0, assignee = 0;
	char *n = NULL;
	int rc;
	if ((rc = db_prepare(cx->db,
			     "SELECT doc_id, unit_id, assignee_id FROM doc_task WHERE id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, task_id);
	if ((rc = db_step(st, e)) == DB_ROW) {
		doc_id = db_col_int64(st, 0);
		unit = db_col_int64(st, 1);
		assignee = db_col_int64(st, 2);
	}
	db_finalize(st);
	if (rc == DB_DONE) {
		return err_set(e, ERR_NOT_FOUND, "id", "no task %lld", (long long)task_id);
	}
	if (rc < 0) {
		return rc;
	}
	if (!(assignee > 0 && assignee == cx->actor.user_id) &&
	    (rc = doc_may(cx, DOC_WRITE, unit, e))) {
		return rc;
	}
	if (note && *note && !(n = utf8_clean_name(note, DOC_NOTE_MAX, "note", e))) {
		return -(int)e->code;
	}
	if ((rc = doc_tx_begin(cx, e)) == 0) {
		rc = doc_row_load(cx, doc_id, 1, &d, e);
		if (rc == 0 &&
		    (rc = db_prepare(cx->db,
				     "UPDATE doc_task SET status = 'done', done_ms = ?,"
				     " done_by = ?, done_note = ? WHERE id = ? AND"
				     " status = 'open' RETURNING id",
				     &st, e)) == 0) {
			db_bind_int64(st, 1, cx->now_ms);
			if (cx->actor.user_id) {
				db_bind_int64(st, 2, cx->actor.user_id);
			} else {
				db_bind_null(st, 2);
			}
			db_bind_text(st, 3, n ? n : "");
			db_bind_int64(st, 4, task_id);
			rc = db_step(st, e);
			rc = rc == DB_ROW ? 0
			     : rc < 0	  ? rc
					  : err_set(e, ERR_CONFLICT, "status",
						    "the task is done already");
			db_finalize(st);
		}
		if (rc == 0) {
			rc = doc_log(cx, &d, "task_done", n,
				     json_pack("{sI}", "task_id", (json_int_t)task_id), e);
		}
		rc = doc_tx_end(cx, rc, e);
	}
	free(n);
	return rc;
}

/* Open tasks (or all) visible to the actor: assigned to them, or of a
 * unit in their scope. */
static int tasks_visible(struct cx *cx, int only_open, int mine_only,
			 json_t *items, struct err *e)
{
	struct db_stmt *st;
	char today[11];
	int rc, n = 0;
	doc_today(cx, today);
	if ((rc = db_prepare(cx->db,
			     only_open ? "SELECT " TASK_COLS " FROM doc_task k WHERE"
					 " k.status = 'open' ORDER BY k.due, k.id"
				       : "SELECT " TASK_COLS " FROM doc_task k"
					 " ORDER BY k.status DESC, k.due, k.id",
			     &st, e))) {
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW && n < INBOX_SCAN) {
		struct err ig = ERR_INIT;
		int64_t a = db_col_int64(st, 3);
		int ok = a > 0 && a == cx->actor.user_id;
		if (!ok && !(mine_only && a > 0)) {
			ok = mine_only ? doc_may(cx, DOC_WRITE, db_col_int64(st, 2), &ig) == 0
				       : auth_may(cx, ACT_READ, db_col_int64(st, 2), &ig) == 0;
		}
		if (ok) {
			json_array_append_new(items, task_json(cx, st, today));
			n++;
		}
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int doc_task_list(struct cx *cx, int only_open, json_t **out, struct err *e)
{
	json_t *items = json_array();
	int rc;
	*out = NULL;
	if ((rc = auth_may(cx, ACT_READ, 0, e)) ||
	    (rc = tasks_visible(cx, only_open, 0, items, e))) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{so sI}", "items", items, "total",
			 (json_int_t)json_array_size(items));
	return 0;
}

/* --- inbox --- */

static int inbox_docs(struct cx *cx, const char *sql, int need_config,
		      json_t *items, struct err *e)
{
	struct db_stmt *st;
	int rc, n = 0;
	if ((rc = db_prepare(cx->db, sql, &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, cx->actor.user_id);
	while ((rc = db_step(st, e)) == DB_ROW && n < INBOX_SCAN) {
		struct err ig = ERR_INIT;
		int64_t owner = db_col_int64(st, 3);
		if (need_config && db_col_int64(st, 17) != cx->actor.user_id &&
		    doc_may(cx, DOC_CONFIG, owner, &ig)) {
			continue;
		}
		json_array_append_new(items, doc_summary_json(cx, st));
		n++;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int inbox_receive(struct cx *cx, json_t *items, struct err *e)
{
	struct db_stmt *st;
	int rc, n = 0;
	if ((rc = db_prepare(cx->db,
			     "SELECT " DOC_SUMMARY_COLS ", r.unit_id, r.received_ms FROM"
			     " doc_recipient r JOIN doc d ON d.id = r.doc_id JOIN doc_type t"
			     " ON t.id = d.type_id WHERE r.sent_ms IS NOT NULL AND"
			     " r.ack_ms IS NULL ORDER BY r.sent_ms DESC",
			     &st, e))) {
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW && n < INBOX_SCAN) {
		struct err ig = ERR_INIT;
		int64_t unit = db_col_int64(st, 17);
		if (doc_may(cx, DOC_WRITE, unit, &ig)) {
			continue;
		}
		json_array_append_new(items,
				      json_pack("{so so sb}", "doc", doc_summary_json(cx, st),
						"unit", doc_unit_json(cx, unit), "received",
						!db_col_is_null(st, 18)));
		n++;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int doc_inbox(struct cx *cx, json_t **out, struct err *e)
{
	struct doc_query q;
	json_t *review = json_array(), *sign = json_array(), *recv = json_array();
	json_t *tasks = json_array(), *overdue = NULL;
	int rc;
	*out = NULL;
	rc = auth_may(cx, ACT_READ, 0, e);
	if (rc == 0) {
		rc = inbox_docs(cx,
				"SELECT " DOC_SUMMARY_COLS ", COALESCE(d.reviewer_id, 0)"
				" FROM doc d JOIN doc_type t ON t.id = d.type_id WHERE"
				" d.status = 'review' AND (d.reviewer_id = ? OR"
				" d.reviewer_id IS NULL) ORDER BY d.id",
				1, review, e);
	}
	if (rc == 0) {
		rc = inbox_docs(cx,
				"SELECT " DOC_SUMMARY_COLS " FROM doc d JOIN doc_type t ON"
				" t.id = d.type_id JOIN doc_signer s ON s.doc_id = d.id"
				" WHERE s.user_id = ? AND s.signed_ms IS NULL AND"
				" d.status IN ('approved', 'signing') AND"
				" (d.route_mode = 'parallel' OR NOT EXISTS (SELECT 1 FROM"
				" doc_signer p WHERE p.doc_id = d.id AND p.seq < s.seq AND"
				" p.signed_ms IS NULL)) ORDER BY d.id",
				0, sign, e);
	}
	if (rc == 0) {
		rc = inbox_receive(cx, recv, e);
	}
	if (rc == 0) {
		rc = tasks_visible(cx, 1, 1, tasks, e);
	}
	if (rc == 0) {
		memset(&q, 0, sizeof q);
		q.overdue = 1;
		q.limit = 100;
		rc = doc_search(cx, &q, &overdue, e);
	}
	if (rc) {
		json_decref(review);
		json_decref(sign);
		json_decref(recv);
		json_decref(tasks);
		return rc;
	}
	*out = json_pack("{so so so so sO}", "review", review, "sign", sign,
			 "receive", recv, "tasks", tasks, "overdue",
			 json_object_get(overdue, "items"));
	json_decref(overdue);
	return 0;
}
