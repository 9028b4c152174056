/*
 * doc_public.c — the public verification of issued documents (see
 * doc_public.h): codes (reserved, published), the public view of a
 * document by its code, and the check of a dropped file.
 *
 * Owns the table doc_public and only reads the register.  What leaves this
 * file for an anonymous reader is built in ONE place, pub_view(): adding a
 * field there is a decision about what the public may see — never the
 * content or, for a document with a secrecy mark, the subject.
 */
#include "domain/doc_public.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/sha256.h"
#include "sign/sign.h"

/* Attempts at drawing a code that is not taken (a second one is already
 * a one-in-10^14 event). */
#define PUB_CODE_TRIES 8

/* --- codes --- */

/* A fresh random code: DOC_PUBLIC_CODE_LEN digits, the first 1–9. */
static void pub_code_new(char out[DOC_PUBLIC_CODE_SIZE])
{
	if (sodium_init() < 0) {
		/* Not reached in practice: without a CSPRNG randombytes_*
		 * abort rather than return weak bytes. */
	}
	out[0] = (char)('1' + randombytes_uniform(9));
	for (int i = 1; i < DOC_PUBLIC_CODE_LEN; i++) {
		out[i] = (char)('0' + randombytes_uniform(10));
	}
	out[DOC_PUBLIC_CODE_LEN] = 0;
}

/* 1 when s is a well-formed code. */
static int pub_code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n != DOC_PUBLIC_CODE_LEN || s[0] == '0') {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

/* The row of doc_id: 1 found (code, sha copied), 0 none, <0 error. */
static int pub_row(struct cx *cx, int64_t doc_id, char code[DOC_PUBLIC_CODE_SIZE],
		   char sha[65], struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT code, sha256 FROM doc_public WHERE doc_id = ?", &st,
			    e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, doc_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(code, DOC_PUBLIC_CODE_SIZE, "%s", db_col_text(st, 0));
		if (sha) {
			snprintf(sha, 65, "%s", db_col_text(st, 1));
		}
	}
	db_finalize(st);
	return rc;
}

/* 1 when the code is taken, 0 when free, <0 error. */
static int pub_code_taken(struct cx *cx, const char *code, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db, "SELECT 1 FROM doc_public WHERE code = ?", &st,
			    e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, code);
	rc = db_step(st, e);
	db_finalize(st);
	return rc;
}

/* Insert the row of doc_id with a new code and sha ("" = reserved). */
static int pub_insert(struct cx *cx, int64_t doc_id, const char *sha,
		      char code[DOC_PUBLIC_CODE_SIZE], struct err *e)
{
	struct db_stmt *st;
	int rc = 1;
	for (int i = 0; i < PUB_CODE_TRIES && rc == 1; i++) {
		pub_code_new(code);
		rc = pub_code_taken(cx, code, e);
	}
	if (rc < 0) {
		return rc;
	}
	if (rc == 1) {
		return err_set(e, ERR_INTERNAL, "", "no free public code found");
	}
	rc = db_prepare(cx->db,
			"INSERT INTO doc_public (doc_id, code, sha256, created_ms)"
			" VALUES (?, ?, ?, ?)",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, doc_id);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, sha);
	db_bind_int64(st, 4, cx->now_ms);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* 0 when document doc_id exists, ERR_NOT_FOUND "id" otherwise. */
static int pub_doc_exists(struct cx *cx, int64_t doc_id, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db, "SELECT 1 FROM doc WHERE id = ?", &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, doc_id);
	rc = db_step(st, e);
	db_finalize(st);
	if (rc < 0) {
		return rc;
	}
	return rc == DB_ROW ? 0
			    : err_set(e, ERR_NOT_FOUND, "id",
				      "no document with id %lld", (long long)doc_id);
}

/* Reserve or publish (sha NULL = reserve) inside a transaction. */
static int pub_set(struct cx *cx, int64_t doc_id, const char *sha,
		   char code_out[DOC_PUBLIC_CODE_SIZE], struct err *e)
{
	struct db_stmt *st;
	char code[DOC_PUBLIC_CODE_SIZE] = "";
	int rc;
	if ((rc = pub_doc_exists(cx, doc_id, e)) < 0 ||
	    (rc = pub_row(cx, doc_id, code, NULL, e)) < 0) {
		return rc;
	}
	if (rc == DB_DONE) {
		rc = pub_insert(cx, doc_id, sha ? sha : "", code, e);
	} else if (sha) {
		rc = db_prepare(cx->db,
				"UPDATE doc_public SET sha256 = ? WHERE doc_id = ?", &st, e);
		if (rc == 0) {
			db_bind_text(st, 1, sha);
			db_bind_int64(st, 2, doc_id);
			rc = db_step(st, e);
			db_finalize(st);
			rc = rc < 0 ? rc : 0;
		}
	} else {
		rc = 0;
	}
	if (rc == 0) {
		snprintf(code_out, DOC_PUBLIC_CODE_SIZE, "%s", code);
	}
	return rc;
}

static int pub_in_tx(struct cx *cx, int64_t doc_id, const char *sha,
		     char code_out[DOC_PUBLIC_CODE_SIZE], struct err *e)
{
	int rc;
	code_out[0] = 0;
	if ((rc = db_begin(cx->db, e))) {
		return rc;
	}
	rc = pub_set(cx, doc_id, sha, code_out, e);
	if (rc == 0) {
		return db_commit(cx->db, e);
	}
	db_rollback(cx->db);
	code_out[0] = 0;
	return rc;
}

int doc_public_publish(struct cx *cx, int64_t doc_id, const unsigned char *pdf,
		       size_t n, char code_out[DOC_PUBLIC_CODE_SIZE],
		       struct err *e)
{
	char sha[65];
	code_out[0] = 0;
	if (!pdf || n == 0) {
		return err_set(e, ERR_INVALID, "file",
			       "an issued document needs its PDF to be published");
	}
	sha256_hex2(pdf, n, NULL, 0, sha);
	return pub_in_tx(cx, doc_id, sha, code_out, e);
}

int doc_public_reserve(struct cx *cx, int64_t doc_id,
		       char code_out[DOC_PUBLIC_CODE_SIZE], struct err *e)
{
	return pub_in_tx(cx, doc_id, NULL, code_out, e);
}

int doc_public_code(struct cx *cx, int64_t doc_id,
		    char code_out[DOC_PUBLIC_CODE_SIZE], int *published,
		    struct err *e)
{
	char sha[65] = "";
	int rc;
	code_out[0] = 0;
	if (published) {
		*published = 0;
	}
	rc = pub_row(cx, doc_id, code_out, sha, e);
	if (rc < 0) {
		return rc;
	}
	if (rc == DB_DONE) {
		return err_set(e, ERR_NOT_FOUND, "id",
			       "document %lld has no public code", (long long)doc_id);
	}
	if (published) {
		*published = sha[0] != 0;
	}
	return 0;
}

int doc_public_link(const char *base, const char *code, char *out, size_t cap)
{
	size_t bn;
	int n;
	if (!base) {
		base = getenv("CADRE_PUBLIC_URL");
	}
	if (!base) {
		base = "";
	}
	bn = strlen(base);
	while (bn > 0 && base[bn - 1] == '/') {
		bn--;
	}
	n = snprintf(out, cap, "%.*s/verify/%s", (int)bn, base, code);
	if (n < 0 || (size_t)n >= cap) {
		if (cap) {
			out[0] = 0;
		}
		return -1;
	}
	return 0;
}

/* --- the public view --- */

/* The name of a unit as of a date (its latest name when it had none
 * then) into out. */
static int pub_unit_name(struct cx *cx, int64_t unit_id, const char *date,
			 char *out, size_t cap, struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT name FROM unit_version WHERE unit_id = ? ORDER BY"
			    " CASE WHEN valid_from <= ? AND valid_to > ? THEN 0 ELSE 1"
			    " END, valid_from DESC LIMIT 1",
			    &st, e);
	out[0] = 0;
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, unit_id);
	db_bind_text(st, 2, date);
	db_bind_text(st, 3, date);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		snprintf(out, cap, "%s", db_col_text(st, 0));
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* [{"name","signed_at"}] of the signatures made in cadre, in the order
 * they were made. */
static int pub_signers(struct cx *cx, int64_t doc_id, json_t **out,
		       struct err *e)
{
	struct db_stmt *st;
	json_t *a = json_array();
	char at[25];
	int rc = db_prepare(cx->db,
			    "SELECT u.display_name, s.signed_ms FROM doc_signer s JOIN"
			    " app_user u ON u.id = s.user_id WHERE s.doc_id = ? AND"
			    " s.signed_ms IS NOT NULL ORDER BY s.signed_ms, s.seq",
			    &st, e);
	*out = NULL;
	if (rc) {
		json_decref(a);
		return rc;
	}
	db_bind_int64(st, 1, doc_id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		time_format_ms(db_col_int64(st, 1), at);
		json_array_append_new(a, json_pack("{ss ss}", "name",
						   db_col_text(st, 0), "signed_at", at));
	}
	db_finalize(st);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* "replaced" when an issued document replaces this one, else "issued". */
static int pub_status(struct cx *cx, int64_t doc_id, const char **status,
		      struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(cx->db,
			    "SELECT 1 FROM doc_link l JOIN doc r ON r.id = l.from_id"
			    " WHERE l.to_id = ? AND l.kind = 'replaces' AND"
			    " r.status = 'issued' LIMIT 1",
			    &st, e);
	*status = "issued";
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, doc_id);
	rc = db_step(st, e);
	db_finalize(st);
	if (rc == DB_ROW) {
		*status = "replaced";
	}
	return rc < 0 ? rc : 0;
}

/* THE public view (doc_public.h) of a published, issued document, found
 * by its code (when code is not NULL) or its id.  ERR_NOT_FOUND "code"
 * when there is none such.  Every field an anonymous reader sees is set
 * here and nowhere else. */
static int pub_view(struct cx *cx, const char *code, int64_t doc_id,
		    json_t **out, struct err *e)
{
	static const char cols[] =
		"SELECT d.id, d.issuer_id, d.number, d.symbol, d.doc_date,"
		" d.subject, d.secrecy, t.code, t.name_vi, t.name_en, p.code,"
		" p.sha256 FROM doc_public p JOIN doc d ON d.id = p.doc_id JOIN"
		" doc_type t ON t.id = d.type_id WHERE p.sha256 <> '' AND"
		" d.direction = 'out' AND d.status = 'issued' AND ";
	char sql[sizeof cols + 32], issuer[1024], link[256];
	struct db_stmt *st;
	json_t *v = NULL, *signers = NULL;
	const char *status = "issued";
	int64_t id, issuer_id;
	int rc, secret;
	*out = NULL;
	snprintf(sql, sizeof sql, "%s%s", cols, code ? "p.code = ?" : "p.doc_id = ?");
	if ((rc = db_prepare(cx->db, sql, &st, e))) {
		return rc;
	}
	if (code) {
		db_bind_text(st, 1, code);
	} else {
		db_bind_int64(st, 1, doc_id);
	}
	rc = db_step(st, e);
	if (rc != DB_ROW) {
		db_finalize(st);
		return rc < 0 ? rc
			      : err_set(e, ERR_NOT_FOUND, "code",
					"no issued document has this code");
	}
	id = db_col_int64(st, 0);
	issuer_id = db_col_int64(st, 1);
	secret = db_col_text(st, 6)[0] != 0;
	doc_public_link(NULL, db_col_text(st, 10), link, sizeof link);
	v = json_pack("{ss ss sI ss s{ss ss ss} ss so sb ss}", "code",
		      db_col_text(st, 10), "link", link, "number",
		      (json_int_t)db_col_int64(st, 2), "symbol", db_col_text(st, 3),
		      "type", "code", db_col_text(st, 7), "name_vi",
		      db_col_text(st, 8), "name_en", db_col_text(st, 9), "date",
		      db_col_text(st, 4), "subject",
		      secret ? json_null() : json_string(db_col_text(st, 5)),
		      "withheld", secret, "sha256", db_col_text(st, 11));
	if (v) {
		char date[11];
		snprintf(date, sizeof date, "%s", db_col_text(st, 4));
		db_finalize(st);
		rc = pub_unit_name(cx, issuer_id, date, issuer, sizeof issuer, e);
	} else {
		db_finalize(st);
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (rc == 0 && (rc = pub_signers(cx, id, &signers, e)) == 0 &&
	    (rc = pub_status(cx, id, &status, e)) == 0) {
		json_object_set_new(v, "issuer", json_string(issuer));
		json_object_set_new(v, "signers", signers);
		json_object_set_new(v, "status", json_string(status));
		*out = v;
		return 0;
	}
	json_decref(v);
	return rc;
}

int doc_public_get(struct cx *cx, const char *code, json_t **out,
		   struct err *e)
{
	*out = NULL;
	if (!pub_code_ok(code)) {
		return err_set(e, ERR_NOT_FOUND, "code",
			       "no issued document has this code");
	}
	return pub_view(cx, code, 0, out, e);
}

/* --- a dropped file --- */

/* The issued document whose published PDF, or else whose final main PDF,
 * has this hash: *doc_id (0 = none).  A match of the second kind is
 * published now (in its own transaction), so later look-ups are direct. */
static int pub_find_sha(struct cx *cx, const char *sha, int64_t *doc_id,
			struct err *e)
{
	struct db_stmt *st;
	char code[DOC_PUBLIC_CODE_SIZE], have[65] = "";
	int rc = db_prepare(cx->db,
			    "SELECT p.doc_id FROM doc_public p JOIN doc d ON d.id ="
			    " p.doc_id WHERE p.sha256 = ? AND d.direction = 'out' AND"
			    " d.status = 'issued' ORDER BY p.doc_id LIMIT 1",
			    &st, e);
	*doc_id = 0;
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, sha);
	if ((rc = db_step(st, e)) == DB_ROW) {
		*doc_id = db_col_int64(st, 0);
	}
	db_finalize(st);
	if (rc != DB_DONE) {
		return rc < 0 ? rc : 0;
	}
	/* Issued before publication was wired in: the latest main version of
	 * an issued outgoing document (final once issued). */
	rc = db_prepare(cx->db,
			"SELECT v.doc_id FROM doc_version v JOIN doc d ON d.id ="
			" v.doc_id WHERE v.sha256 = ? AND v.slot = 'main' AND"
			" d.direction = 'out' AND d.status = 'issued' AND v.version ="
			" (SELECT MAX(w.version) FROM doc_version w WHERE w.doc_id ="
			" v.doc_id AND w.slot = 'main') ORDER BY v.doc_id LIMIT 1",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, sha);
	if ((rc = db_step(st, e)) == DB_ROW) {
		*doc_id = db_col_int64(st, 0);
	}
	db_finalize(st);
	if (rc < 0 || *doc_id == 0) {
		return rc < 0 ? rc : 0;
	}
	/* Published already with another file: the published one is the
	 * issued document, this one is not. */
	if ((rc = pub_row(cx, *doc_id, code, have, e)) < 0) {
		return rc;
	}
	if (rc == DB_ROW && have[0] && strcmp(have, sha) != 0) {
		*doc_id = 0;
		return 0;
	}
	if (pub_in_tx(cx, *doc_id, sha, code, e) < 0 && e->code != ERR_CONFLICT) {
		return -(int)e->code; /* a concurrent publication is fine */
	}
	err_clear(e);
	return 0;
}

int doc_public_verify(struct cx *cx, const unsigned char *pdf, size_t n,
		      json_t **out, struct err *e)
{
	json_t *report = NULL, *view = NULL;
	char sha[65];
	int64_t doc_id = 0;
	int rc;
	*out = NULL;
	if (!pdf || n == 0) {
		return err_set(e, ERR_BAD_REQUEST, "file",
			       "send the PDF file's bytes as the request body");
	}
	sha256_hex2(pdf, n, NULL, 0, sha);
	if ((rc = sign_verify_pdf(cx->db, NULL, pdf, n, &report, e)) < 0) {
		if (e->code != ERR_INTERNAL && e->code != ERR_TOO_LARGE) {
			e->code = ERR_INVALID;
			snprintf(e->field, sizeof e->field, "file");
		}
		return -(int)e->code;
	}
	if ((rc = pub_find_sha(cx, sha, &doc_id, e)) == 0 && doc_id) {
		rc = pub_view(cx, NULL, doc_id, &view, e);
		if (rc < 0 && e->code == ERR_NOT_FOUND) {
			err_clear(e);
			rc = 0;
		}
	}
	if (rc < 0) {
		json_decref(report);
		return rc;
	}
	*out = json_pack("{ss sb so so}", "sha256", sha, "known", view != NULL,
			 "document", view ? view : json_null(), "signatures",
			 report ? report : json_null());
	return *out ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
}
