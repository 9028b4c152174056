/*
 * doc.c — the document register: creating outgoing drafts and registering
 * incoming documents (their symbol checked against their type and issuer by
 * docnum.c, an incoming-register number taken), editing drafts, numbers
 * allocated outside the workflow (doc_number), reading a document with its
 * route, recipients, links, files, tasks and history, and the shared row,
 * permission and history helpers of doc_internal.h.  Owns the rows of doc,
 * doc_signer, doc_recipient, doc_link and doc_event.  Must never format or
 * parse a symbol itself and never decide a workflow step (doc_flow.c).
 */
#include "domain/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "domain/doc_internal.h"
#include "domain/doc_search.h"
#include "domain/org.h"

static const char *const secrecy_marks[] = {"", "mat", "toi_mat", "tuyet_mat", NULL};
static const char *const urgency_marks[] = {"", "khan", "thuong_khan", "hoa_toc", NULL};
static const char *const link_kinds[] = {"implements", "replaces", "answers", NULL};

static int in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++) {
		if (strcmp(s, *list) == 0) {
			return 1;
		}
	}
	return 0;
}

int doc_secrecy_valid(const char *s)
{
	return in_list(s, secrecy_marks);
}

int doc_urgency_valid(const char *s)
{
	return in_list(s, urgency_marks);
}

/* --- validation of a new document or an edit --- */

static int check_marks(const char *secrecy, const char *urgency,
		       const char *reply_due, struct err *e)
{
	if (secrecy && !doc_secrecy_valid(secrecy)) {
		return err_set(e, ERR_INVALID, "secrecy",
			       "secrecy is \"\", mat, toi_mat or tuyet_mat");
	}
	if (urgency && !doc_urgency_valid(urgency)) {
		return err_set(e, ERR_INVALID, "urgency",
			       "urgency is \"\", khan, thuong_khan or hoa_toc");
	}
	if (reply_due && *reply_due) {
		return date_check(reply_due, "reply_due", e);
	}
	return 0;
}

static int check_recipients(struct cx *cx, int n, const int64_t *ids,
			    struct err *e)
{
	char code[ORG_CODE_MAX + 1], name[ORG_NAME_MAX * 4 + 1];
	if (n < 0 || n > DOC_MAX_RECIPIENTS) {
		return err_set(e, ERR_INVALID, "recipients",
			       "at most %d recipient units", DOC_MAX_RECIPIENTS);
	}
	for (int i = 0; i < n; i++) {
		if (ids[i] <= 0 || org_unit_label(cx, ids[i], code, name, e)) {
			return err_set(e, ERR_INVALID, "recipients",
				       "no unit with id %lld", (long long)ids[i]);
		}
		for (int k = 0; k < i; k++) {
			if (ids[k] == ids[i]) {
				return err_set(e, ERR_INVALID, "recipients",
					       "the unit %s is listed twice", code);
			}
		}
	}
	return 0;
}

static int check_links(struct cx *cx, int64_t self, int n,
		       const struct doc_link_in *l, struct err *e)
{
	struct doc_row d;
	if (n < 0 || n > DOC_MAX_LINKS) {
		return err_set(e, ERR_INVALID, "links", "at most %d links", DOC_MAX_LINKS);
	}
	for (int i = 0; i < n; i++) {
		if (!in_list(l[i].kind, link_kinds)) {
			return err_set(e, ERR_INVALID, "links",
				       "a link is implements, replaces or answers");
		}
		if (l[i].to == self) {
			return err_set(e, ERR_INVALID, "links",
				       "a document cannot link to itself");
		}
		if (doc_row_load(cx, l[i].to, 0, &d, e)) {
			return err_set(e, ERR_INVALID, "links", "no document %lld",
				       (long long)l[i].to);
		}
		if (doc_may_read(cx, &d, e)) {
			return -(int)e->code;
		}
	}
	return 0;
}

static int write_lists(struct cx *cx, int64_t id, int set_r, int n_r,
		       const int64_t *r, int set_l, int n_l,
		       const struct doc_link_in *l, struct err *e)
{
	struct db_stmt *st;
	int rc = 0;
	if (set_r) {
		if ((rc = db_prepare(cx->db, "DELETE FROM doc_recipient WHERE doc_id = ?",
				     &st, e))) {
			return rc;
		}
		db_bind_int64(st, 1, id);
		rc = db_step(st, e) < 0 ? -1 : 0;
		db_finalize(st);
		for (int i = 0; rc == 0 && i < n_r; i++) {
			if ((rc = db_prepare(cx->db,
					     "INSERT INTO doc_recipient(doc_id, unit_id)"
					     " VALUES (?,?)",
					     &st, e))) {
				return rc;
			}
			db_bind_int64(st, 1, id);
			db_bind_int64(st, 2, r[i]);
			rc = db_step(st, e) < 0 ? -1 : 0;
			db_finalize(st);
		}
	}
	if (rc == 0 && set_l) {
		if ((rc = db_prepare(cx->db, "DELETE FROM doc_link WHERE from_id = ?",
				     &st, e))) {
			return rc;
		}
		db_bind_int64(st, 1, id);
		rc = db_step(st, e) < 0 ? -1 : 0;
		db_finalize(st);
		for (int i = 0; rc == 0 && i < n_l; i++) {
			if ((rc = db_prepare(cx->db,
					     "INSERT INTO doc_link(from_id, to_id, kind)"
					     " VALUES (?,?,?) ON CONFLICT DO NOTHING",
					     &st, e))) {
				return rc;
			}
			db_bind_int64(st, 1, id);
			db_bind_int64(st, 2, l[i].to);
			db_bind_text(st, 3, l[i].kind);
			rc = db_step(st, e) < 0 ? -1 : 0;
			db_finalize(st);
		}
	}
	return rc;
}

/* --- creating --- */

/* The columns every insert fills; NULL text binds NULL, 0 ids bind NULL. */
struct doc_ins {
	const char *direction, *status, *issuer_name, *symbol, *doc_date;
	const char *subject, *secrecy, *urgency, *route_mode, *reply_due;
	const char *received;
	int64_t owner_id, issuer_id, type_id, series_id, number, reviewer_id;
	int64_t source_id, in_series_id, in_number;
};

static void bind_id(struct db_stmt *st, int i, int64_t v)
{
	if (v > 0) {
		db_bind_int64(st, i, v);
	} else {
		db_bind_null(st, i);
	}
}

static int doc_insert(struct cx *cx, const struct doc_ins *r, int64_t *id,
		      struct err *e)
{
	struct db_stmt *st;
	int rc;
	rc = db_prepare(cx->db,
			"INSERT INTO doc(direction, status, owner_id, issuer_id,"
			" issuer_name, type_id, series_id, number, symbol,"
			" doc_date, subject, secrecy, urgency, route_mode, reviewer_id,"
			" reply_due, source_id, received_date, in_series_id, in_number,"
			" created_by, created_ms, updated_ms) VALUES"
			" (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
			&st, e);
	if (rc == 0) {
		db_bind_text(st, 1, r->direction);
		db_bind_text(st, 2, r->status);
		db_bind_int64(st, 3, r->owner_id);
		bind_id(st, 4, r->issuer_id);
		db_bind_text(st, 5, r->issuer_name ? r->issuer_name : "");
		db_bind_int64(st, 6, r->type_id);
		bind_id(st, 7, r->series_id);
		bind_id(st, 8, r->number);
		db_bind_text(st, 9, r->symbol ? r->symbol : "");
		db_bind_text(st, 10, r->doc_date ? r->doc_date : "");
		db_bind_text(st, 11, r->subject);
		db_bind_text(st, 12, r->secrecy ? r->secrecy : "");
		db_bind_text(st, 13, r->urgency ? r->urgency : "");
		db_bind_text(st, 14, r->route_mode ? r->route_mode : "sequential");
		bind_id(st, 15, r->reviewer_id);
		db_bind_text(st, 16, r->reply_due ? r->reply_due : "");
		bind_id(st, 17, r->source_id);
		db_bind_text(st, 18, r->received ? r->received : "");
		bind_id(st, 19, r->in_series_id);
		bind_id(st, 20, r->in_number);
		bind_id(st, 21, cx->actor.user_id);
		db_bind_int64(st, 22, cx->now_ms);
		db_bind_int64(st, 23, cx->now_ms);
		rc = db_step(st, e);
		if (rc == DB_ROW) {
			*id = db_col_int64(st, 0);
			rc = 0;
		} else if (rc == DB_DONE) {
			rc = err_set(e, ERR_INTERNAL, "", "insert returned no id");
		}
		db_finalize(st);
	}
	return rc;
}

int doc_check_signers(struct cx *cx, int64_t unit_id, int n,
		      const struct doc_signer_in *s, struct err *e)
{
	struct doc_user u;
	if (n < 0 || n > DOC_MAX_SIGNERS) {
		return err_set(e, ERR_INVALID, "signers", "at most %d signers",
			       DOC_MAX_SIGNERS);
	}
	for (int i = 0; i < n; i++) {
		if (s[i].user_id <= 0 || doc_user_get(cx, s[i].user_id, &u, e)) {
			return err_set(e, ERR_INVALID, "signers", "no user with id %lld",
				       (long long)s[i].user_id);
		}
		if (!auth_role_may(u.role, ACT_SIGN)) {
			return err_set(e, ERR_INVALID, "signers",
				       "%s has the role %s: only a user with the signer "
				       "role signs documents", u.login, u.role);
		}
		if (u.unit_id != unit_id && org_in_scope(cx, u.unit_id, unit_id, e) != 1) {
			return err_set(e, ERR_INVALID, "signers",
				       "%s cannot sign for a unit outside their scope",
				       u.login);
		}
		if (s[i].title && strlen(s[i].title) > DOC_NAME_MAX) {
			return err_set(e, ERR_INVALID, "signers", "a title is too long");
		}
		for (int k = 0; k < i; k++) {
			if (s[k].user_id == s[i].user_id) {
				return err_set(e, ERR_INVALID, "signers",
					       "%s is listed twice", u.login);
			}
		}
	}
	return 0;
}

int doc_write_signers(struct cx *cx, int64_t id, int n,
		      const struct doc_signer_in *s, struct err *e)
{
	struct db_stmt *st;
	int rc;
	if ((rc = db_prepare(cx->db, "DELETE FROM doc_signer WHERE doc_id = ?", &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e) < 0 ? -1 : 0;
	db_finalize(st);
	for (int i = 0; rc == 0 && i < n; i++) {
		if ((rc = db_prepare(cx->db,
				     "INSERT INTO doc_signer(doc_id, user_id, seq, title)"
				     " VALUES (?,?,?,?)",
				     &st, e))) {
			return rc;
		}
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, s[i].user_id);
		db_bind_int64(st, 3, i + 1);
		db_bind_text(st, 4, s[i].title ? s[i].title : "");
		rc = db_step(st, e) < 0 ? -1 : 0;
		db_finalize(st);
	}
	return rc;
}

int doc_check_reviewer(struct cx *cx, int64_t reviewer, struct err *e)
{
	struct doc_user u;
	if (reviewer <= 0) {
		return 0;
	}
	if (doc_user_get(cx, reviewer, &u, e)) {
		return err_set(e, ERR_INVALID, "reviewer_id", "no user with id %lld",
			       (long long)reviewer);
	}
	if (!auth_role_may(u.role, ACT_DOC_WRITE)) {
		return err_set(e, ERR_INVALID, "reviewer_id",
			       "%s (%s) cannot review documents", u.login, u.role);
	}
	return 0;
}

static int create_out(struct cx *cx, const struct doc_new *d, const char *subject,
		      int64_t *id, struct err *e)
{
	struct doc_issuer_row is;
	struct doc_type_row t;
	struct doc_ins r;
	const char *mode = d->route_mode ? d->route_mode : "sequential";
	int rc;
	if (d->issuer_id <= 0) {
		return err_set(e, ERR_INVALID, "issuer_id", "the issuing unit is required");
	}
	if ((rc = doc_issuer_load(cx, d->issuer_id, "issuer_id", &is, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, d->issuer_id, e)) ||
	    (rc = doc_type_find(cx, is.org, d->type, &t, e))) {
		return rc;
	}
	if (d->symbol || d->owner_id || d->issuer_name) {
		return err_set(e, ERR_INVALID, d->symbol ? "symbol" : d->owner_id ? "owner_id" : "issuer_name",
			       "an outgoing document gets its number and symbol when issued");
	}
	if (strcmp(mode, "sequential") && strcmp(mode, "parallel")) {
		return err_set(e, ERR_INVALID, "route_mode", "route_mode is sequential or parallel");
	}
	if ((rc = doc_check_signers(cx, d->issuer_id, d->n_signers, d->signers, e)) ||
	    (rc = doc_check_reviewer(cx, d->reviewer_id, e)) ||
	    (rc = check_recipients(cx, d->n_recipients, d->recipients, e)) ||
	    (rc = check_links(cx, 0, d->n_links, d->links, e))) {
		return rc;
	}
	memset(&r, 0, sizeof r);
	r.direction = "out";
	r.status = DOC_ST_DRAFT;
	r.owner_id = r.issuer_id = d->issuer_id;
	r.type_id = t.id;
	r.subject = subject;
	r.secrecy = d->secrecy;
	r.urgency = d->urgency;
	r.route_mode = mode;
	r.reviewer_id = d->reviewer_id;
	r.reply_due = d->reply_due;
	if ((rc = doc_tx_begin(cx, e))) {
		return rc;
	}
	rc = doc_insert(cx, &r, id, e);
	if (rc == 0) {
		rc = doc_write_signers(cx, *id, d->n_signers, d->signers, e);
	}
	if (rc == 0) {
		rc = write_lists(cx, *id, 1, d->n_recipients, d->recipients, 1,
				 d->n_links, d->links, e);
	}
	if (rc == 0) {
		rc = doc_text_refresh(cx, *id, "", e);
	}
	if (rc == 0) {
		struct doc_row row;
		rc = doc_row_load(cx, *id, 0, &row, e);
		if (rc == 0) {
			rc = doc_log(cx, &row, "create", NULL,
				     json_pack("{ss ss ss}", "direction", "out", "type",
					       t.code, "subject", subject),
				     e);
		}
	}
	return doc_tx_end(cx, rc, e);
}

int doc_register_incoming(struct cx *cx, const struct doc_new *d,
			  const char *subject, int64_t type_id, int64_t number,
			  const char *symbol, int64_t source_id, int64_t *id,
			  struct err *e)
{
	struct doc_ins r;
	struct doc_row row;
	char today[11];
	int secret = d->secrecy && *d->secrecy, rc;
	memset(&r, 0, sizeof r);
	doc_today(cx, today);
	r.direction = "in";
	r.status = DOC_ST_RECEIVED;
	r.owner_id = d->owner_id;
	r.issuer_id = d->issuer_id;
	r.issuer_name = d->issuer_name;
	r.type_id = type_id;
	r.number = number;
	r.symbol = symbol;
	r.doc_date = d->date;
	r.subject = subject;
	r.secrecy = d->secrecy;
	r.urgency = d->urgency;
	r.reply_due = d->reply_due;
	r.received = d->received && *d->received ? d->received : today;
	r.source_id = source_id;
	if ((rc = doc_in_number_take(cx, d->owner_id, r.received, secret,
				     &r.in_series_id, &r.in_number, e)) ||
	    (rc = doc_insert(cx, &r, id, e)) ||
	    (rc = write_lists(cx, *id, 0, 0, NULL, 1, d->n_links, d->links, e)) ||
	    (rc = doc_text_refresh(cx, *id, source_id ? NULL : "", e)) ||
	    (rc = doc_row_load(cx, *id, 0, &row, e))) {
		return rc;
	}
	return doc_log(cx, &row, "register", NULL,
		       json_pack("{ss ss sI ss}", "direction", "in", "symbol", symbol,
				 "incoming_number", (json_int_t)r.in_number,
				 "received", r.received),
		       e);
}

static int create_in(struct cx *cx, const struct doc_new *d, const char *subject,
		     int64_t *id, struct err *e)
{
	struct doc_issuer_row is;
	struct doc_type_row t;
	struct docnum_parts p;
	struct doc_new dd = *d;
	char *iname = NULL;
	int rc;
	if (d->owner_id <= 0) {
		return err_set(e, ERR_INVALID, "owner_id", "the receiving unit is required");
	}
	if ((rc = doc_may(cx, DOC_WRITE, d->owner_id, e))) {
		return rc;
	}
	if (d->issuer_id > 0) {
		rc = doc_issuer_load(cx, d->issuer_id, "issuer_id", &is, e);
	} else if (!d->issuer_name || !*d->issuer_name) {
		rc = err_set(e, ERR_INVALID, "issuer_name",
			     "an incoming document names its issuer: issuer_id (a unit) "
			     "or issuer_name and issuer_org");
	} else {
		rc = doc_policy_load(cx, d->issuer_org, "issuer_org", &is, e);
		if (rc == 0 && !(iname = utf8_clean_name(d->issuer_name, DOC_NAME_MAX,
							 "issuer_name", e))) {
			rc = -(int)e->code;
		}
	}
	if (rc == 0) {
		rc = doc_type_find(cx, is.org, d->type, &t, e);
	}
	if (rc == 0) {
		rc = docnum_parse(d->symbol, is.style, t.symbol_code,
				  d->issuer_id > 0 ? is.symbol : NULL, "symbol", &p, e);
	}
	if (rc == 0 && (!d->date || date_check(d->date, "date", e))) {
		rc = err_set(e, ERR_INVALID, "date", "the document's date is required "
			     "(YYYY-MM-DD, a real day)");
	}
	if (rc == 0 && d->received && *d->received) {
		rc = date_check(d->received, "received", e);
	}
	if (rc == 0 && (d->n_signers || d->n_recipients || d->reviewer_id)) {
		rc = err_set(e, ERR_INVALID, "signers",
			     "an incoming document has no route or recipients here");
	}
	if (rc == 0) {
		rc = check_links(cx, 0, d->n_links, d->links, e);
	}
	if (rc == 0 && (rc = doc_tx_begin(cx, e)) == 0) {
		dd.issuer_name = iname;
		rc = doc_register_incoming(cx, &dd, subject, t.id, p.number, p.symbol, 0,
					   id, e);
		rc = doc_tx_end(cx, rc, e);
	}
	free(iname);
	return rc;
}

int doc_create(struct cx *cx, const struct doc_new *d, int64_t *id,
	       struct err *e)
{
	char *subject;
	int rc;
	*id = 0;
	if ((rc = check_marks(d->secrecy, d->urgency, d->reply_due, e))) {
		return rc;
	}
	if (!(subject = utf8_clean_name(d->subject ? d->subject : "", DOC_SUBJECT_MAX,
					"subject", e))) {
		return -(int)e->code;
	}
	if (!d->direction || strcmp(d->direction, "out") == 0) {
		rc = create_out(cx, d, subject, id, e);
	} else if (strcmp(d->direction, "in") == 0) {
		rc = create_in(cx, d, subject, id, e);
	} else {
		rc = err_set(e, ERR_INVALID, "direction", "direction is out or in");
	}
	free(subject);
	return rc;
}

/* --- editing --- */

int doc_update(struct cx *cx, int64_t id, const struct doc_edit *ed,
	       struct err *e)
{
	struct doc_row d;
	struct db_stmt *st;
	char *subject = NULL;
	int rc;
	if ((rc = doc_row_load(cx, id, 0, &d, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, d.owner_id, e)) ||
	    (rc = check_marks(ed->secrecy, ed->urgency, ed->reply_due, e)) ||
	    (ed->set_recipients &&
	     (rc = check_recipients(cx, ed->n_recipients, ed->recipients, e))) ||
	    (ed->set_links && (rc = check_links(cx, id, ed->n_links, ed->links, e)))) {
		return rc;
	}
	if (ed->subject && !(subject = utf8_clean_name(ed->subject, DOC_SUBJECT_MAX,
						       "subject", e))) {
		return -(int)e->code;
	}
	if ((rc = doc_tx_begin(cx, e))) {
		free(subject);
		return rc;
	}
	rc = db_prepare(cx->db,
			"UPDATE doc SET rev = rev + 1, updated_ms = ?,"
			" subject = COALESCE(CAST(? AS TEXT), subject),"
			" secrecy = COALESCE(CAST(? AS TEXT), secrecy),"
			" urgency = COALESCE(CAST(? AS TEXT), urgency),"
			" reply_due = COALESCE(CAST(? AS TEXT), reply_due)"
			" WHERE id = ? AND rev = ? RETURNING status, direction",
			&st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, cx->now_ms);
		db_bind_text(st, 2, subject);
		db_bind_text(st, 3, ed->secrecy);
		db_bind_text(st, 4, ed->urgency);
		db_bind_text(st, 5, ed->reply_due);
		db_bind_int64(st, 6, id);
		db_bind_int64(st, 7, ed->rev);
		rc = db_step(st, e);
		if (rc == DB_DONE) {
			rc = err_set(e, ERR_CONFLICT, "rev",
				     "the document was changed meanwhile (reload it)");
		} else if (rc == DB_ROW) {
			int out = strcmp(db_col_text(st, 1), "out") == 0;
			const char *s = db_col_text(st, 0);
			rc = 0;
			if (out && strcmp(s, DOC_ST_DRAFT) && strcmp(s, DOC_ST_RETURNED)) {
				rc = err_set(e, ERR_CONFLICT, "status",
					     "a document that is %s cannot be edited", s);
			} else if (!out && (ed->set_recipients || ed->subject)) {
				rc = err_set(e, ERR_INVALID, "subject",
					     "a registered incoming document keeps its "
					     "subject and has no recipients");
			}
		}
		db_finalize(st);
	}
	if (rc == 0) {
		rc = write_lists(cx, id, ed->set_recipients, ed->n_recipients,
				 ed->recipients, ed->set_links, ed->n_links, ed->links, e);
	}
	if (rc == 0 && subject) {
		rc = doc_text_refresh(cx, id, NULL, e);
	}
	if (rc == 0) {
		json_t *c = json_object();
		if (subject) {
			json_object_set_new(c, "subject", json_string(subject));
		}
		if (ed->secrecy) {
			json_object_set_new(c, "secrecy", json_string(ed->secrecy));
		}
		if (ed->urgency) {
			json_object_set_new(c, "urgency", json_string(ed->urgency));
		}
		if (ed->reply_due) {
			json_object_set_new(c, "reply_due", json_string(ed->reply_due));
		}
		rc = doc_log(cx, &d, "update", NULL, c, e);
	}
	free(subject);
	return doc_tx_end(cx, rc, e);
}

/* --- numbers outside the workflow --- */

int doc_number(struct cx *cx, const struct doc_number_req *q, json_t **out,
	       struct err *e)
{
	struct doc_issuer_row is;
	struct doc_type_row t;
	struct doc_ins r;
	struct doc_row row;
	char today[11], symbol[DOCNUM_MAX], label[64], *subject;
	const char *date = q->date;
	int64_t id = 0;
	int rc;
	if (out) {
		*out = NULL;
	}
	if (q->issuer_id <= 0) {
		return err_set(e, ERR_INVALID, "issuer", "the issuing unit is required");
	}
	if ((rc = doc_issuer_load(cx, q->issuer_id, "issuer", &is, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, q->issuer_id, e)) ||
	    (rc = doc_type_find(cx, is.org, q->type, &t, e))) {
		return rc;
	}
	if (!date) {
		doc_today(cx, today);
		date = today;
	}
	if ((rc = date_check(date, "date", e))) {
		return rc;
	}
	if (!(subject = utf8_clean_name(q->subject && *q->subject ? q->subject
								   : "(số cấp ngoài quy trình)",
					DOC_SUBJECT_MAX, "subject", e))) {
		return -(int)e->code;
	}
	memset(&r, 0, sizeof r);
	r.direction = "out";
	r.status = DOC_ST_ISSUED;
	r.owner_id = r.issuer_id = q->issuer_id;
	r.type_id = t.id;
	r.doc_date = date;
	r.subject = subject;
	r.secrecy = q->confidential ? "mat" : "";
	r.symbol = symbol;
	if ((rc = doc_tx_begin(cx, e)) == 0) {
		rc = doc_number_take(cx, &is, &t, date, q->confidential, &r.series_id,
				     &r.number, symbol, label, e);
		if (rc == 0) {
			rc = doc_insert(cx, &r, &id, e);
		}
		if (rc == 0) {
			rc = doc_text_refresh(cx, id, "", e);
		}
		if (rc == 0) {
			memset(&row, 0, sizeof row);
			row.id = id;
			row.owner_id = q->issuer_id;
			/* The audit entry only: the entry's row says all a history
			 * line would, and every page written counts here. */
			rc = doc_audit(cx, &row, "number",
				     json_pack("{sI ss ss ss}", "number",
					       (json_int_t)r.number, "symbol", symbol,
					       "date", date, "series", label),
				     e);
		}
		rc = doc_tx_end(cx, rc, e);
	}
	free(subject);
	if (rc == 0 && out) {
		*out = json_pack("{sI sI ss ss ss}", "id", (json_int_t)id, "number",
				 (json_int_t)r.number, "symbol", symbol, "date", date,
				 "series", label);
	}
	return rc;
}
