/*
 * doc_file.h — the files of documents: contents stored once by SHA-256
 * (doc_blob), every version of every file kept (doc_version), PDF checks
 * (magic, parsed by poppler, encryption) and the text extracted from PDFs
 * for search.  The main file of a document (slot "main") must be a PDF;
 * attachments (any other slot name) may be any file.
 */
#ifndef CADRE_DOC_FILE_H
#define CADRE_DOC_FILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/cx.h"

#define DOC_FILE_MAX ((size_t)50 << 20) /* bytes per file */
#define DOC_SLOT_MAIN "main"
/* Bytes of extracted text kept for search (about 300 pages): with the head
 * it stays under PostgreSQL's 1 MiB limit of one tsvector. */
#define DOC_TEXT_MAX ((size_t)1000000)

/* What a PDF check found. */
struct doc_pdf_info {
	int pages;
	int encrypted; /* any encryption (even without a user password) */
	char *text;    /* folded text of every page (malloc'd; NULL unless
			* asked for), at most DOC_TEXT_MAX bytes */
};

/* Check that data[0..n) is a PDF poppler can open: the %PDF- magic in the
 * first 1024 bytes, a readable structure (a broken xref that cannot be
 * reconstructed fails), no user password.  With want_text, extract the
 * text of every page folded for search (utf8_fold) into info->text (the
 * caller frees).  ERR_INVALID "file" with the reason otherwise. */
int doc_pdf_check(const unsigned char *data, size_t n, int want_text,
		  struct doc_pdf_info *info, struct err *e);

/* Add a version of a file of a document: slot "main" (must be a PDF) or
 * an attachment name; name is the file name shown (≤ 200 chars); mime
 * NULL = guessed ("application/pdf" for PDFs).  Needs write access to the
 * document, which must not be issued yet for the main file (signed and
 * issued versions are final).  Over DOC_FILE_MAX → ERR_TOO_LARGE.
 * *out (may be NULL): the version JSON {"slot","version","name","mime",
 * "size","sha256","pages","origin","created_at"}. */
int doc_file_add(struct cx *cx, int64_t doc_id, const char *slot,
		 const char *name, const char *mime, const unsigned char *data,
		 size_t n, json_t **out, struct err *e);

/* Inside the caller's transaction, with permissions already checked:
 * store bytes as the next version of slot with `origin` ("upload",
 * "signed", "received").  text (may be NULL) is the folded text for the
 * search index of a main file.  *version_id receives the row id. */
int doc_file_store(struct cx *cx, int64_t doc_id, const char *slot,
		   const char *name, const char *mime, const char *origin,
		   const unsigned char *data, size_t n, int pages,
		   const char *text, int64_t *version_id, struct err *e);

/* The bytes of a version (0 = the latest) of a slot: *data is malloc'd
 * (caller frees).  meta (may be NULL) receives the version JSON.  Needs
 * read access to the document. */
int doc_file_get(struct cx *cx, int64_t doc_id, const char *slot,
		 int64_t version, unsigned char **data, size_t *n,
		 json_t **meta, struct err *e);

/* The same without the permission check, for steps that checked it
 * before their transaction (a scope check inside one would load the unit
 * history privately). */
int doc_file_load(struct cx *cx, int64_t doc_id, const char *slot,
		  int64_t version, unsigned char **data, size_t *n,
		  json_t **meta, struct err *e);

/* Every version of every file, oldest first per slot: [{…version…}]. */
int doc_file_versions(struct cx *cx, int64_t doc_id, json_t **out,
		      struct err *e);
/* The latest version of each slot (no permission check: for doc_get). */
json_t *doc_file_latest_json(struct cx *cx, int64_t doc_id);

/* Copy the latest version of every slot of src to dst (origin
 * "received"), sharing the stored contents; inside a transaction. */
int doc_file_copy(struct cx *cx, int64_t src, int64_t dst, struct err *e);

#endif
