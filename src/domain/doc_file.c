/*
 * doc_file.c — the files of documents (doc_file.h): contents stored once
 * by SHA-256 in doc_blob, every version in doc_version, the checks of an
 * uploaded PDF (magic, poppler can open it, no password, encryption seen
 * by qpdf) and the extraction of its text for search (poppler-glib, folded
 * by utf8_fold).  Owns doc_blob and doc_version.  Must never alter the
 * bytes of a file: a signed PDF is stored exactly as sign_pdf returned it.
 */
#include "domain/doc_file.h"

#include <poppler.h>
#include <pthread.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "domain/doc_internal.h"
#include "domain/doc_search.h"

#define SLOT_MAX 100 /* code points of an attachment slot name */

static int has_pdf_magic(const unsigned char *d, size_t n)
{
	size_t lim = n < 1024 ? n : 1024;
	for (size_t i = 0; i + 5 <= lim; i++) {
		if (memcmp(d + i, "%PDF-", 5) == 0) {
			return 1;
		}
	}
	return 0;
}

/* Any encryption dictionary, even one readable without a password: a
 * signature over such a file could not be verified by everyone. */
static int pdf_encrypted(const unsigned char *d, size_t n)
{
	qpdf_data q = qpdf_init();
	int enc = 0;
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (!(qpdf_read_memory(q, "upload", (const char *)d, n, NULL) & QPDF_ERRORS)) {
		enc = qpdf_is_encrypted(q) ? 1 : 0;
	}
	qpdf_cleanup(&q);
	return enc;
}

/* The folded text of every page, capped at DOC_TEXT_MAX bytes. */
static char *pdf_text(PopplerDocument *doc)
{
	struct buf b;
	char *folded;
	int pages = poppler_document_get_n_pages(doc);
	buf_init(&b, DOC_TEXT_MAX * 2);
	for (int i = 0; i < pages && b.n < DOC_TEXT_MAX && !b.err; i++) {
		PopplerPage *p = poppler_document_get_page(doc, i);
		char *t = p ? poppler_page_get_text(p) : NULL;
		if (t) {
			size_t room = DOC_TEXT_MAX - b.n;
			size_t len = strlen(t);
			if (len > room) {
				len = room;
				while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80) {
					len--;
				}
			}
			buf_append(&b, t, len);
			buf_putc(&b, ' ');
			g_free(t);
		}
		if (p) {
			g_object_unref(p);
		}
	}
	folded = b.err ? NULL : utf8_fold(b.z);
	buf_free(&b);
	if (folded && strlen(folded) > DOC_TEXT_MAX) {
		size_t len = DOC_TEXT_MAX;
		while (len > 0 && ((unsigned char)folded[len] & 0xC0) == 0x80) {
			len--;
		}
		folded[len] = 0;
	}
	return folded;
}

/* poppler sets up its global state on first use; make that first use
 * happen once, before threads can race on it. */
static pthread_once_t poppler_once = PTHREAD_ONCE_INIT;
static void poppler_start(void)
{
	static const char tiny[] =
		"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
		"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
		"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
		"0000000052 00000 n \n0000000101 00000 n \n"
		"trailer<</Size 4/Root 1 0 R>>\nstartxref\n162\n%%EOF\n";
	GBytes *b = g_bytes_new_static(tiny, sizeof tiny - 1);
	PopplerDocument *d = poppler_document_new_from_bytes(b, NULL, NULL);
	if (d) {
		g_object_unref(d);
	}
	g_bytes_unref(b);
}

int doc_pdf_check(const unsigned char *data, size_t n, int want_text,
		  struct doc_pdf_info *info, struct err *e)
{
	GBytes *bytes;
	GError *gerr = NULL;
	PopplerDocument *doc;
	memset(info, 0, sizeof *info);
	if (n > DOC_FILE_MAX) {
		return err_set(e, ERR_TOO_LARGE, "file", "a file is at most %zu MiB",
			       DOC_FILE_MAX >> 20);
	}
	if (n < 8 || !has_pdf_magic(data, n)) {
		return err_set(e, ERR_INVALID, "file",
			       "the file is not a PDF (no %%PDF- header)");
	}
	pthread_once(&poppler_once, poppler_start);
	bytes = g_bytes_new_static(data, n);
	doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	if (!doc) {
		int enc = gerr && gerr->domain == POPPLER_ERROR &&
			  gerr->code == POPPLER_ERROR_ENCRYPTED;
		err_set(e, ERR_INVALID, "file",
			enc ? "the PDF is protected by a password: upload it "
			      "without protection"
			    : "the PDF cannot be read (%.200s)",
			gerr ? gerr->message : "damaged file");
		if (gerr) {
			g_error_free(gerr);
		}
		g_bytes_unref(bytes);
		return -(int)e->code;
	}
	info->pages = poppler_document_get_n_pages(doc);
	if (info->pages <= 0) {
		g_object_unref(doc);
		g_bytes_unref(bytes);
		return err_set(e, ERR_INVALID, "file", "the PDF has no pages");
	}
	if (want_text) {
		info->text = pdf_text(doc);
	}
	g_object_unref(doc);
	g_bytes_unref(bytes);
	info->encrypted = pdf_encrypted(data, n);
	return 0;
}

/* --- storage --- */

static json_t *version_json(struct db_stmt *st, int c)
{
	char t[25];
	time_format_ms(db_col_int64(st, c + 9), t);
	return json_pack("{sI ss sI ss ss sI ss sI ss ss}", "id",
			 (json_int_t)db_col_int64(st, c + 0), "slot",
			 db_col_text(st, c + 1), "version",
			 (json_int_t)db_col_int64(st, c + 2), "name",
			 db_col_text(st, c + 3), "mime", db_col_text(st, c + 4),
			 "size", (json_int_t)db_col_int64(st, c + 5), "sha256",
			 db_col_text(st, c + 6), "pages",
			 (json_int_t)db_col_int64(st, c + 7), "origin",
			 db_col_text(st, c + 8), "created_at", t);
}

#define VERSION_COLS                                                           \
	"v.id, v.slot, v.version, v.name, v.mime, v.size, v.sha256, v.pages,"  \
	" v.origin, v.created_ms"

static int blob_put(struct cx *cx, const char *sha, const unsigned char *data,
		    size_t n, struct err *e)
{
	struct db_stmt *st;
	int rc;
	if ((rc = db_prepare(cx->db, "SELECT 1 FROM doc_blob WHERE sha256 = ?", &st, e))) {
		return rc;
	}
	db_bind_text(st, 1, sha);
	rc = db_step(st, e);
	db_finalize(st);
	if (rc != DB_DONE) {
		return rc < 0 ? rc : 0; /* stored already: once is enough */
	}
	if ((rc = db_prepare(cx->db,
			     "INSERT INTO doc_blob(sha256, size, data, created_ms)"
			     " VALUES (?,?,?,?) ON CONFLICT (sha256) DO NOTHING",
			     &st, e))) {
		return rc;
	}
	db_bind_text(st, 1, sha);
	db_bind_int64(st, 2, (int64_t)n);
	db_bind_blob(st, 3, data, n);
	db_bind_int64(st, 4, cx->now_ms);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int doc_file_store(struct cx *cx, int64_t doc_id, const char *slot,
		   const char *name, const char *mime, const char *origin,
		   const unsigned char *data, size_t n, int pages,
		   const char *text, int64_t *version_id, struct err *e)
{
	struct db_stmt *st;
	char sha[65];
	int64_t version = 1;
	int rc;
	sha256_hex2(data, n, NULL, 0, sha);
	if ((rc = blob_put(cx, sha, data, n, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT COALESCE(MAX(version), 0) + 1 FROM doc_version"
			     " WHERE doc_id = ? AND slot = ?",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, doc_id);
	db_bind_text(st, 2, slot);
	if ((rc = db_step(st, e)) == DB_ROW) {
		version = db_col_int64(st, 0);
	}
	db_finalize(st);
	if (rc < 0 ||
	    (rc = db_prepare(cx->db,
			     "INSERT INTO doc_version(doc_id, slot, version, name, mime,"
			     " sha256, size, pages, origin, actor_id, created_ms)"
			     " VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
			     &st, e))) {
		return rc < 0 ? rc : -ERR_INTERNAL;
	}
	db_bind_int64(st, 1, doc_id);
	db_bind_text(st, 2, slot);
	db_bind_int64(st, 3, version);
	db_bind_text(st, 4, name);
	db_bind_text(st, 5, mime);
	db_bind_text(st, 6, sha);
	db_bind_int64(st, 7, (int64_t)n);
	db_bind_int64(st, 8, pages);
	db_bind_text(st, 9, origin);
	if (cx->actor.user_id) {
		db_bind_int64(st, 10, cx->actor.user_id);
	} else {
		db_bind_null(st, 10);
	}
	db_bind_int64(st, 11, cx->now_ms);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		if (version_id) {
			*version_id = db_col_int64(st, 0);
		}
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_INTERNAL, "", "insert returned no id");
	}
	db_finalize(st);
	if (rc == 0 && strcmp(slot, DOC_SLOT_MAIN) == 0 && text) {
		rc = doc_text_refresh(cx, doc_id, text, e);
	}
	return rc;
}

/* An attachment slot or "main"; a clean copy into out[SLOT_MAX*4+1]. */
static int slot_clean(const char *slot, char *out, struct err *e)
{
	char *c;
	if (!slot || !*slot || strcmp(slot, DOC_SLOT_MAIN) == 0) {
		snprintf(out, SLOT_MAX * 4 + 1, "%s", DOC_SLOT_MAIN);
		return 0;
	}
	if (!(c = utf8_clean_name(slot, SLOT_MAX, "slot", e))) {
		return -(int)e->code;
	}
	snprintf(out, SLOT_MAX * 4 + 1, "%s", c);
	free(c);
	return 0;
}

/* May a file of slot be added to a document in its current state? */
static int slot_open(const struct doc_row *d, int main_slot, struct err *e)
{
	if (strcmp(d->direction, "in") == 0) {
		return 0;
	}
	if (main_slot && strcmp(d->status, DOC_ST_DRAFT) != 0 &&
	    strcmp(d->status, DOC_ST_RETURNED) != 0) {
		return err_set(e, ERR_CONFLICT, "status",
			       "the main file of a document that is %s is final "
			       "(only drafts and returned documents take new versions)",
			       d->status);
	}
	if (strcmp(d->status, DOC_ST_ISSUED) == 0) {
		return err_set(e, ERR_CONFLICT, "status",
			       "an issued document takes no new attachments");
	}
	return 0;
}

int doc_file_add(struct cx *cx, int64_t doc_id, const char *slot,
		 const char *name, const char *mime, const unsigned char *data,
		 size_t n, json_t **out, struct err *e)
{
	struct doc_row d;
	struct doc_pdf_info info;
	struct db_stmt *st;
	char sl[SLOT_MAX * 4 + 1], *nm = NULL;
	const char *mt;
	int main_slot, is_pdf, rc;
	int64_t vid = 0;
	if (out) {
		*out = NULL;
	}
	memset(&info, 0, sizeof info);
	if (n > DOC_FILE_MAX) {
		return err_set(e, ERR_TOO_LARGE, "file", "a file is at most %zu MiB",
			       DOC_FILE_MAX >> 20);
	}
	if (n == 0) {
		return err_set(e, ERR_INVALID, "file", "the file is empty");
	}
	if ((rc = slot_clean(slot, sl, e)) || (rc = doc_row_load(cx, doc_id, 0, &d, e)) ||
	    (rc = doc_may(cx, DOC_WRITE, d.owner_id, e))) {
		return rc;
	}
	main_slot = strcmp(sl, DOC_SLOT_MAIN) == 0;
	if ((rc = slot_open(&d, main_slot, e))) {
		return rc;
	}
	if (!(nm = utf8_clean_name(name && *name ? name : main_slot ? "document.pdf" : sl,
				   DOC_NAME_MAX, "name", e))) {
		return -(int)e->code;
	}
	is_pdf = main_slot || (mime && strcmp(mime, "application/pdf") == 0) ||
		 has_pdf_magic(data, n < 8 ? n : 8);
	if (is_pdf && (rc = doc_pdf_check(data, n, main_slot, &info, e))) {
		free(nm);
		return rc;
	}
	mt = is_pdf ? "application/pdf" : mime && *mime ? mime : "application/octet-stream";
	if (strlen(mt) > 100) {
		free(nm);
		free(info.text);
		return err_set(e, ERR_INVALID, "mime", "the media type is too long");
	}
	if ((rc = doc_tx_begin(cx, e)) == 0) {
		rc = doc_row_load(cx, doc_id, 1, &d, e);
		if (rc == 0) {
			rc = slot_open(&d, main_slot, e);
		}
		if (rc == 0) {
			rc = doc_file_store(cx, doc_id, sl, nm, mt, "upload", data, n,
					    info.pages, main_slot ? (info.text ? info.text : "") : NULL,
					    &vid, e);
		}
		if (rc == 0) {
			char sha[65];
			sha256_hex2(data, n, NULL, 0, sha);
			rc = doc_log(cx, &d, "file", nm,
				     json_pack("{ss ss sI ss sb}", "slot", sl, "name", nm,
					       "size", (json_int_t)n, "sha256", sha,
					       "encrypted", info.encrypted),
				     e);
		}
		rc = doc_tx_end(cx, rc, e);
	}
	free(nm);
	free(info.text);
	if (rc == 0 && out &&
	    db_prepare(cx->db, "SELECT " VERSION_COLS " FROM doc_version v WHERE v.id = ?",
		       &st, e) == 0) {
		db_bind_int64(st, 1, vid);
		if (db_step(st, e) == DB_ROW) {
			*out = version_json(st, 0);
		}
		db_finalize(st);
	}
	return rc;
}

int doc_file_get(struct cx *cx, int64_t doc_id, const char *slot,
		 int64_t version, unsigned char **data, size_t *n,
		 json_t **meta, struct err *e)
{
	struct doc_row d;
	int rc;
	*data = NULL;
	*n = 0;
	if (meta) {
		*meta = NULL;
	}
	if ((rc = doc_row_load(cx, doc_id, 0, &d, e)) || (rc = doc_may_read(cx, &d, e))) {
		return rc;
	}
	return doc_file_load(cx, doc_id, slot, version, data, n, meta, e);
}

int doc_file_load(struct cx *cx, int64_t doc_id, const char *slot,
		  int64_t version, unsigned char **data, size_t *n,
		  json_t **meta, struct err *e)
{
	struct db_stmt *st;
	char sl[SLOT_MAX * 4 + 1], sha[65];
	int rc;
	*data = NULL;
	*n = 0;
	if (meta) {
		*meta = NULL;
	}
	if ((rc = slot_clean(slot, sl, e)) ||
	    (rc = db_prepare(cx->db,
			     "SELECT " VERSION_COLS ", b.data FROM doc_version v JOIN"
			     " doc_blob b ON b.sha256 = v.sha256 WHERE v.doc_id = ? AND"
			     " v.slot = ? AND (v.version = ? OR ? = 0)"
			     " ORDER BY v.version DESC LIMIT 1",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, doc_id);
	db_bind_text(st, 2, sl);
	db_bind_int64(st, 3, version);
	db_bind_int64(st, 4, version);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		size_t len;
		const void *p = db_col_blob(st, 10, &len);
		sha256_hex2(p, len, NULL, 0, sha);
		if (strcmp(sha, db_col_text(st, 6)) != 0) {
			rc = err_set(e, ERR_INTERNAL, "file",
				     "stored file of document %lld is damaged (hash mismatch)",
				     (long long)doc_id);
		} else if (!(*data = malloc(len ? len : 1))) {
			rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		} else {
			memcpy(*data, p, len);
			*n = len;
			if (meta) {
				*meta = version_json(st, 0);
			}
			rc = 0;
		}
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "slot", "document %lld has no %s file%s",
			     (long long)doc_id, sl, version ? " of that version" : "");
	}
	db_finalize(st);
	return rc;
}

static json_t *versions_query(struct cx *cx, int64_t doc_id, int latest)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	json_t *a = json_array();
	if (db_prepare(cx->db,
		       latest ? "SELECT " VERSION_COLS " FROM doc_version v WHERE"
				" v.doc_id = ? AND v.version = (SELECT MAX(w.version) FROM"
				" doc_version w WHERE w.doc_id = v.doc_id AND"
				" w.slot = v.slot) ORDER BY v.slot <> 'main', v.slot"
			      : "SELECT " VERSION_COLS " FROM doc_version v WHERE"
				" v.doc_id = ? ORDER BY v.slot <> 'main', v.slot, v.version",
		       &st, &e)) {
		return a;
	}
	db_bind_int64(st, 1, doc_id);
	while (db_step(st, &e) == DB_ROW) {
		json_array_append_new(a, version_json(st, 0));
	}
	db_finalize(st);
	return a;
}

int doc_file_versions(struct cx *cx, int64_t doc_id, json_t **out,
		      struct err *e)
{
	struct doc_row d;
	int rc;
	*out = NULL;
	if ((rc = doc_row_load(cx, doc_id, 0, &d, e)) || (rc = doc_may_read(cx, &d, e))) {
		return rc;
	}
	*out = versions_query(cx, doc_id, 0);
	return 0;
}

json_t *doc_file_latest_json(struct cx *cx, int64_t doc_id)
{
	return versions_query(cx, doc_id, 1);
}

int doc_file_copy(struct cx *cx, int64_t src, int64_t dst, struct err *e)
{
	struct db_stmt *st;
	int rc;
	if ((rc = db_prepare(cx->db,
			     "INSERT INTO doc_version(doc_id, slot, version, name, mime,"
			     " sha256, size, pages, origin, actor_id, created_ms)"
			     " SELECT ?, v.slot, 1, v.name, v.mime, v.sha256, v.size, v.pages,"
			     " 'received', ?, ? FROM doc_version v WHERE v.doc_id = ? AND"
			     " v.version = (SELECT MAX(w.version) FROM doc_version w"
			     " WHERE w.doc_id = v.doc_id AND w.slot = v.slot)",
			     &st, e))) {
		return rc;
	}
	db_bind_int64(st, 1, dst);
	if (cx->actor.user_id) {
		db_bind_int64(st, 2, cx->actor.user_id);
	} else {
		db_bind_null(st, 2);
	}
	db_bind_int64(st, 3, cx->now_ms);
	db_bind_int64(st, 4, src);
	rc = db_step(st, e);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}
