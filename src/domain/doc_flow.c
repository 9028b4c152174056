/*
 * doc_flow.c — the steps of an outgoing document (doc_flow.h): its route
 * (reviewer, signers, order), submission, review, signing through
 * sign_pdf() on the current main PDF (stamped first with the QR code of
 * its public page: doc_stamp.h), numbering and issuing (once), and
 * distribution.  Each step locks the document row, checks the state it
 * starts from, and records history and audit in the same transaction.
 * Must never produce or alter a signature itself (src/sign does) and never
 * take a number outside doc_number_take().
 */
#include "domain/doc_flow.h"
#include "domain/doc_public.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "domain/doc_file.h"
#include "domain/doc_internal.h"
#include "domain/doc_search.h"
#include "domain/doc_stamp.h"
#include "domain/org.h"
#include "sign/sign.h"

/* Run fn inside a transaction on the locked row of document id: begin,
 * lock, fn, commit (or roll back on any failure). */
typedef int (*step_fn)(struct cx *cx, struct doc_row *d, void *arg,
		       struct err *e);

static int in_tx(struct cx *cx, int64_t id, step_fn fn, void *arg,
		 struct err *e)
{
	struct doc_row d;
	int rc;
	if ((rc = doc_tx_begin(cx, e))) {
		return rc;
	}
	rc = doc_row_load(cx, id, 1, &d, e);
	if (rc == 0) {
		rc = fn(cx, &d, arg, e);
	}
	return doc_tx_end(cx, rc, e);
}

static int want_status(const struct doc_row *d, const char *a, const char *b,
		       const char *doing, struct err *e)
{
	if (strcmp(d->direction, "out") != 0) {
		return err_set(e, ERR_INVALID, "id",
			       "an incoming document has no workflow: it is registered");
	}
	if (strcmp(d->status, a) == 0 || (b && strcmp(d->status, b) == 0)) {
		return 0;
	}
	return err_set(e, ERR_CONFLICT, "status", "a document that is %s cannot be %s",
		       d->status, doing);
}

static int set_status(struct cx *cx, int64_t id, const char *status,
		      struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "UPDATE doc SET status = ?, updated_ms = ? WHERE id = ?",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, status);
	db_bind_int64(st, 2, cx->now_ms);
	db_bind_int64(st, 3, id);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* A note or comment: NULL stays NULL, else cleaned (≤ DOC_NOTE_MAX). */
static int clean_note(const char *s, const char *field, char **out,
		      struct err *e)
{
	*out = NULL;
	if (!s || !*s) {
		return 0;
	}
	if (!(*out = utf8_clean_name(s, DOC_NOTE_MAX, field, e))) {
		return -(int)e->code;
	}
	return 0;
}

/* --- route --- */

struct route_args {
	int64_t rev;
	const char *mode;
	int n;
	const struct doc_signer_in *s;
	int64_t reviewer;
};

static int route_step(struct cx *cx, struct doc_row *d, void *arg,
		      struct err *e)
{
	struct route_args *a = arg;
	struct db_stmt *st;
	int rc;
	if (a->rev && d->rev - 1 != a->rev) {
		return err_set(e, ERR_CONFLICT, "rev",
			       "the document was changed meanwhile (reload it)");
	}
	if ((rc = want_status(d, DOC_ST_DRAFT, DOC_ST_RETURNED, "re-routed", e)) ||
	    (rc = db_prepare(cx->db,
			     "UPDATE doc SET route_mode = COALESCE(CAST(? AS TEXT),"
			     " route_mode), reviewer_id = CASE WHEN ? = 0 THEN"
			     " reviewer_id WHEN ? < 0 THEN NULL ELSE ? END,"
			     " updated_ms = ? WHERE id = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_text(st, 1, a->mode);
	db_bind_int64(st, 2, a->reviewer);
	db_bind_int64(st, 3, a->reviewer);
	db_bind_int64(st, 4, a->reviewer);
	db_bind_int64(st, 5, cx->now_ms);
	db_bind_int64(st, 6, d->id);
	rc = db_step(st, e);
	db_finalize(st);
	if (rc < 0 || (rc = doc_write_signers(cx, d->id, a->n, a->s, e))) {
		return rc;
	}
	return doc_log(cx, d, "route", NULL,
		       json_pack("{ss si sI}", "mode", a->mode ? a->mode : d->route_mode,
				 "signers", a->n, "reviewer_id", (json_int_t)a->reviewer),
		       e);
}

int doc_route_set(struct cx *cx, int64_t id, int64_t rev, const char *mode,
		  int n_signers, const struct doc_signer_in *signers,
		  int64_t reviewer_id, struct err *e)
{
	struct route_args a = {rev, mode, n_signers, signers, reviewer_id};
	struct doc_row d;
	int rc;
	if (mode && strcmp(mode, "sequential") && strcmp(mode, "parallel")) {
		return err_set(e, ERR_INVALID, "mode", "mode is sequential or parallel");
	}
	if ((rc = doc_row_load(cx, id, 0, &d, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, d.owner_id, e)) ||
	    (rc = doc_check_signers(cx, d.owner_id, n_signers, signers, e)) ||
	    (rc = doc_check_reviewer(cx, reviewer_id, e))) {
		return rc;
	}
	return in_tx(cx, id, route_step, &a, e);
}

int doc_route_get(struct cx *cx, int64_t id, json_t **out, struct err *e)
{
	struct doc_row d;
	int rc;
	*out = NULL;
	if ((rc = doc_row_load(cx, id, 0, &d, e)) || (rc = doc_may_read(cx, &d, e))) {
		return rc;
	}
	*out = doc_route_json(cx, &d);
	json_object_set_new(*out, "status", json_string(d.status));
	return 0;
}

/* --- submit and review --- */

static int has_main(struct cx *cx, int64_t id, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT 1 FROM doc_version WHERE doc_id = ? AND slot = 'main'"
			    " LIMIT 1",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : rc == DB_ROW;
}

static int submit_step(struct cx *cx, struct doc_row *d, void *arg,
		       struct err *e)
{
	const char *note = arg;
	int rc = want_status(d, DOC_ST_DRAFT, DOC_ST_RETURNED, "submitted", e);
	if (rc == 0 && (rc = has_main(cx, d->id, e)) == 0) {
		rc = err_set(e, ERR_INVALID, "file",
			     "upload the document's PDF before submitting it");
	}
	if (rc < 0 || (rc = set_status(cx, d->id, DOC_ST_REVIEW, e))) {
		return rc;
	}
	return doc_log(cx, d, "submit", note, NULL, e);
}

int doc_submit(struct cx *cx, int64_t id, const char *note, struct err *e)
{
	struct doc_row d;
	char *n = NULL;
	int rc;
	if ((rc = doc_row_load(cx, id, 0, &d, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, d.owner_id, e)) ||
	    (rc = clean_note(note, "note", &n, e))) {
		return rc;
	}
	rc = in_tx(cx, id, submit_step, n, e);
	free(n);
	return rc;
}

struct review_args {
	int approve;
	const char *comment;
};

static int review_step(struct cx *cx, struct doc_row *d, void *arg,
		       struct err *e)
{
	struct review_args *a = arg;
	int rc = want_status(d, DOC_ST_REVIEW, NULL, "reviewed", e);
	if (rc == 0 && d->reviewer_id > 0 && d->reviewer_id != cx->actor.user_id &&
	    !cx->actor.system) {
		rc = err_set(e, ERR_FORBIDDEN, "", "another user reviews this document");
	}
	/* Approved: the main PDF is final; it gets its verification stamp
	 * now, so that every signer signs the stamped file. */
	if (rc == 0 && a->approve) {
		rc = doc_stamp_main(cx, d, DOC_STAMP_TRY, NULL, e);
	}
	if (rc || (rc = set_status(cx, d->id, a->approve ? DOC_ST_APPROVED
							   : DOC_ST_RETURNED, e))) {
		return rc;
	}
	return doc_log(cx, d, a->approve ? "approve" : "return", a->comment, NULL, e);
}

int doc_review(struct cx *cx, int64_t id, int approve, const char *comment,
	       struct err *e)
{
	struct review_args a = {approve, NULL};
	struct doc_row d;
	char *c = NULL;
	int rc;
	if ((rc = doc_row_load(cx, id, 0, &d, e)) ||
	    (rc = clean_note(comment, "comment", &c, e))) {
		return rc;
	}
	if (!approve && !c) {
		return err_set(e, ERR_INVALID, "comment",
			       "a returned document needs a comment saying what to fix");
	}
	/* Without a named reviewer, a manager or admin of the unit reviews. */
	rc = d.reviewer_id > 0 && d.reviewer_id == cx->actor.user_id
		     ? doc_may(cx, DOC_READ, 0, e)
		     : doc_may(cx, DOC_CONFIG, d.owner_id, e);
	if (rc == 0) {
		a.comment = c;
		rc = in_tx(cx, id, review_step, &a, e);
	}
	free(c);
	return rc;
}

/* --- sign --- */

struct sign_args {
	const struct doc_sign_opts *o;
	const struct doc_user *me;
};

/* The actor's place in the route: 0 when they may sign now. */
static int sign_turn(struct cx *cx, const struct doc_row *d, char *title,
		     struct err *e)
{
	struct db_stmt *st;
	int rc, found = 0, earlier = 0;
	int64_t my_seq = 0;
	char who[64] = "";
	if ((rc = db_prepare(cx->db,
			     "SELECT user_id, seq, signed_ms, title FROM doc_signer"
			     " WHERE doc_id = ? ORDER BY seq",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, d->id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (db_col_int64(st, 0) == cx->actor.user_id) {
			found = 1;
			my_seq = db_col_int64(st, 1);
			snprintf(title, DOC_NAME_MAX * 4 + 1, "%s", db_col_text(st, 3));
			if (!db_col_is_null(st, 2)) {
				db_finalize(st);
				return err_set(e, ERR_CONFLICT, "",
					       "you have signed this document already");
			}
		} else if (!found && db_col_is_null(st, 2) && !earlier) {
			struct doc_user u;
			struct err ig = ERR_INIT;
			earlier = 1;
			doc_user_get(cx, db_col_int64(st, 0), &u, &ig);
			snprintf(who, sizeof who, "%s", u.login);
		}
	}
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	if (!found) {
		return err_set(e, ERR_FORBIDDEN, "",
			       "you are not a signer of this document's route");
	}
	if (earlier && strcmp(d->route_mode, "sequential") == 0) {
		return err_set(e, ERR_CONFLICT, "",
			       "not your turn: %s signs before you (signer %lld of the "
			       "route)", who, (long long)my_seq);
	}
	return 0;
}

static int count_unsigned(struct cx *cx, int64_t id, int64_t *n, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT COUNT(*) FROM doc_signer WHERE doc_id = ? AND"
			    " signed_ms IS NULL",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	rc = db_step(st, e);
	*n = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int sign_step(struct cx *cx, struct doc_row *d, void *arg,
		     struct err *e)
{
	struct sign_args *a = arg;
	const struct doc_sign_opts *o = a->o;
	struct sign_appearance ap;
	struct doc_pdf_info info;
	struct db_stmt *st;
	char title[DOC_NAME_MAX * 4 + 1] = "", code[ORG_CODE_MAX + 1];
	char org[ORG_NAME_MAX * 4 + 1] = "", sha[65];
	unsigned char *pdf = NULL, *out = NULL;
	size_t n = 0, out_n = 0;
	json_t *meta = NULL;
	int64_t vid = 0, left = 0;
	int rc, stamped = 0;
	if ((rc = want_status(d, DOC_ST_APPROVED, DOC_ST_SIGNING, "signed", e)) ||
	    (rc = sign_turn(cx, d, title, e)) ||
	    (rc = doc_file_load(cx, d->id, DOC_SLOT_MAIN, 0, &pdf, &n, &meta, e))) {
		return rc;
	}
	rc = doc_pdf_check(pdf, n, 0, &info, e);
	if (rc == 0 && info.encrypted) {
		rc = err_set(e, ERR_INVALID, "file",
			     "the PDF is encrypted: a signature on it could not be "
			     "verified by every reader; upload it unencrypted");
	}
	/* The first signature: the stamp must be there (a document approved
	 * before stamping existed, or one the approval could not stamp). */
	if (rc == 0 && strcmp(d->status, DOC_ST_APPROVED) == 0 &&
	    (rc = doc_stamp_main(cx, d, DOC_STAMP_MUST, &stamped, e)) == 0 && stamped) {
		free(pdf);
		json_decref(meta);
		pdf = NULL;
		meta = NULL;
		rc = doc_file_load(cx, d->id, DOC_SLOT_MAIN, 0, &pdf, &n, &meta, e);
	}
	if (rc == 0) {
		struct err ig = ERR_INIT;
		org_unit_label(cx, d->owner_id, code, org, &ig);
		memset(&ap, 0, sizeof ap);
		ap.name = a->me->name;
		ap.title = title;
		ap.organization = org;
		ap.reason = o && o->reason ? o->reason : "Ký ban hành văn bản";
		ap.location = o ? o->location : NULL;
		if (o) {
			ap.page = o->page;
			ap.x = o->x;
			ap.y = o->y;
			ap.w = o->w;
			ap.h = o->h;
			ap.signature_png = o->signature_png;
			ap.signature_png_len = o->signature_png_len;
			ap.seal_png = o->seal_png;
			ap.seal_png_len = o->seal_png_len;
		}
		rc = sign_pdf(cx, cx->actor.user_id, pdf, n, &ap, &out, &out_n, e);
	}
	if (rc == 0) {
		rc = doc_file_store(cx, d->id, DOC_SLOT_MAIN,
				    json_string_value(json_object_get(meta, "name")),
				    "application/pdf", "signed", out, out_n, info.pages,
				    NULL, &vid, e);
	}
	if (rc == 0 &&
	    (rc = db_prepare(cx->db,
			     "UPDATE doc_signer SET signed_ms = ?, version_id = ?"
			     " WHERE doc_id = ? AND user_id = ? AND signed_ms IS NULL",
			     &st, e)) == 0) {
		db_bind_int64(st, 1, cx->now_ms);
		db_bind_int64(st, 2, vid);
		db_bind_int64(st, 3, d->id);
		db_bind_int64(st, 4, cx->actor.user_id);
		rc = db_step(st, e) < 0 ? -(int)e->code : 0;
		db_finalize(st);
	}
	if (rc == 0 && (rc = count_unsigned(cx, d->id, &left, e)) == 0) {
		rc = set_status(cx, d->id, left ? DOC_ST_SIGNING : DOC_ST_SIGNED, e);
	}
	if (rc == 0) {
		sha256_hex2(out, out_n, NULL, 0, sha);
		rc = doc_log(cx, d, "sign", NULL,
			     json_pack("{ss sI ss si}", "signer", cx->actor.login,
				       "version_id", (json_int_t)vid, "sha256", sha,
				       "signers_left", (int)left),
			     e);
	}
	free(pdf);
	free(out);
	json_decref(meta);
	return rc;
}

int doc_sign(struct cx *cx, int64_t id, const struct doc_sign_opts *o,
	     struct err *e)
{
	struct sign_args a = {o, NULL};
	struct doc_user me;
	struct doc_row d;
	int rc;
	if (!cx->actor.user_id) {
		return err_set(e, ERR_FORBIDDEN, "",
			       "a document is signed by a user (--as LOGIN), not by "
			       "the system");
	}
	if ((rc = doc_row_load(cx, id, 0, &d, e)) ||
	    (rc = doc_may(cx, DOC_SIGN, d.owner_id, e)) ||
	    (rc = doc_user_get(cx, cx->actor.user_id, &me, e))) {
		return rc;
	}
	a.me = &me;
	return in_tx(cx, id, sign_step, &a, e);
}

/* --- issue and distribute --- */

static int send_all(struct cx *cx, int64_t id, int *count, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "UPDATE doc_recipient SET sent_ms = ? WHERE doc_id = ? AND"
			    " sent_ms IS NULL RETURNING unit_id",
			    &st, e);
	*count = 0;
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, cx->now_ms);
	db_bind_int64(st, 2, id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		(*count)++;
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

struct issue_args {
	const char *date;
	int distribute;
};

/* Publish the issued main PDF for public verification (its hash and a
 * short code).  A document numbered without a PDF (signed on paper, or a
 * register-only entry) has nothing to publish. */
static int publish_issued(struct cx *cx, int64_t doc_id, struct err *e)
{
	unsigned char *pdf = NULL;
	char code[DOC_PUBLIC_CODE_SIZE];
	size_t n = 0;
	int rc = doc_file_load(cx, doc_id, "main", 0, &pdf, &n, NULL, e);
	if (rc == -ERR_NOT_FOUND || (rc == 0 && n == 0)) {
		free(pdf);
		err_clear(e);
		return 0;
	}
	if (rc == 0) {
		rc = doc_public_publish(cx, doc_id, pdf, n, code, e);
	}
	free(pdf);
	return rc;
}

static int issue_step(struct cx *cx, struct doc_row *d, void *arg,
		      struct err *e)
{
	struct issue_args *a = arg;
	struct doc_issuer_row is;
	struct doc_type_row t;
	struct db_stmt *st;
	char symbol[DOCNUM_MAX], label[64];
	int64_t series = 0, number = 0, left = 0;
	int rc, sent = 0;
	if (d->number > 0 || strcmp(d->status, DOC_ST_ISSUED) == 0) {
		return err_set(e, ERR_CONFLICT, "status",
			       "the document is issued already as %s: a document is "
			       "numbered only once", d->symbol);
	}
	if ((rc = count_unsigned(cx, d->id, &left, e))) {
		return rc;
	}
	/* Signed by its route, or approved with no signer in cadre (signed
	 * on paper). */
	if (strcmp(d->status, DOC_ST_SIGNED) != 0 &&
	    !(strcmp(d->status, DOC_ST_APPROVED) == 0 && left == 0)) {
		return err_set(e, ERR_CONFLICT, "status",
			       "a document that is %s cannot be issued: it is numbered "
			       "and issued after every signer of its route has signed",
			       d->status);
	}
	/* Signed on paper: stamped now if the approval could not. */
	if (strcmp(d->status, DOC_ST_APPROVED) == 0 &&
	    (rc = doc_stamp_main(cx, d, DOC_STAMP_TRY, NULL, e))) {
		return rc;
	}
	if ((rc = doc_issuer_load(cx, d->issuer_id, "issuer_id", &is, e)) ||
	    (rc = doc_type_load(cx, d->type_id, &t, e)) ||
	    (rc = doc_number_take(cx, &is, &t, a->date, d->secrecy[0] != 0, &series,
				  &number, symbol, label, e))) {
		return rc;
	}
	rc = db_prepare(cx->db,
			"UPDATE doc SET status = ?, series_id = ?, number = ?, symbol = ?,"
			" doc_date = ?, updated_ms = ? WHERE id = ? AND number IS NULL",
			&st, e);
	if (rc == 0) {
		db_bind_text(st, 1, DOC_ST_ISSUED);
		db_bind_int64(st, 2, series);
		db_bind_int64(st, 3, number);
		db_bind_text(st, 4, symbol);
		db_bind_text(st, 5, a->date);
		db_bind_int64(st, 6, cx->now_ms);
		db_bind_int64(st, 7, d->id);
		rc = db_step(st, e);
		db_finalize(st);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0) {
		rc = doc_text_refresh(cx, d->id, NULL, e);
	}
	if (rc == 0) {
		rc = publish_issued(cx, d->id, e);
	}
	if (rc == 0 && a->distribute) {
		rc = send_all(cx, d->id, &sent, e);
	}
	if (rc == 0) {
		snprintf(d->symbol, sizeof d->symbol, "%s", symbol);
		rc = doc_log(cx, d, "issue", NULL,
			     json_pack("{sI ss ss ss si}", "number", (json_int_t)number,
				       "symbol", symbol, "date", a->date, "series",
				       label, "sent", sent),
			     e);
	}
	return rc;
}

int doc_issue(struct cx *cx, int64_t id, const char *date, int distribute,
	      struct err *e)
{
	struct issue_args a = {date, distribute};
	struct doc_row d;
	char today[11];
	int rc;
	if (!date) {
		doc_today(cx, today);
		a.date = today;
	}
	if ((rc = date_check(a.date, "date", e)) ||
	    (rc = doc_row_load(cx, id, 0, &d, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, d.owner_id, e))) {
		return rc;
	}
	if (strcmp(d.direction, "out") != 0) {
		return err_set(e, ERR_INVALID, "id",
			       "an incoming document is registered, not issued");
	}
	return in_tx(cx, id, issue_step, &a, e);
}

static int distribute_step(struct cx *cx, struct doc_row *d, void *arg,
			   struct err *e)
{
	int rc, sent = 0;
	(void)arg;
	if ((rc = want_status(d, DOC_ST_ISSUED, NULL, "distributed before it is issued", e)) ||
	    (rc = send_all(cx, d->id, &sent, e))) {
		return rc;
	}
	return doc_log(cx, d, "distribute", NULL, json_pack("{si}", "sent", sent), e);
}

int doc_distribute(struct cx *cx, int64_t id, struct err *e)
{
	struct doc_row d;
	int rc;
	if ((rc = doc_row_load(cx, id, 0, &d, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, d.owner_id, e))) {
		return rc;
	}
	return in_tx(cx, id, distribute_step, NULL, e);
}
