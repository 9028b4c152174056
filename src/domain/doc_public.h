/*
 * doc_public.h — the public face of issued documents: a short, random,
 * unguessable code per issued document (the link /verify/<code>, printed
 * as a QR code), the public view of a document found by that code, and
 * the check of a dropped file (its SHA-256, its signatures, whether it is
 * byte-identical to a document cadre issued).  No login is involved.
 *
 * The public view holds ONLY: the code, number and symbol, the type, the
 * issuer's name, the date, the signers' names and signing times, the
 * SHA-256 of the issued PDF and the status — plus the subject, except for
 * a document with a secrecy mark (then "subject" is null and "withheld"
 * true).  Never the content, the recipients, the route's comments, the
 * users' logins or ids.
 *
 * Owns the table doc_public (migration 006).  Reads the register's tables
 * (doc, doc_type, doc_signer, doc_version, doc_link) and unit_version /
 * app_user for names; writes nothing else.
 */
#ifndef CADRE_DOC_PUBLIC_H
#define CADRE_DOC_PUBLIC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/cx.h"

/* A code is DOC_PUBLIC_CODE_LEN decimal digits, the first one not 0
 * (about 50 bits from the CSPRNG, as many as 10 base32 characters): the
 * API's one path parameter is numeric, and digits are the easiest to type
 * from a printed page.  code buffers are 16 bytes. */
#define DOC_PUBLIC_CODE_LEN 15
#define DOC_PUBLIC_CODE_SIZE 16

/* Publish the issued PDF pdf[0..n) of document doc_id: its SHA-256 is
 * recorded and the document's code (reserved earlier, or made now) is
 * written to code_out.  Call it inside the issuing transaction, after the
 * document is numbered (no permission check: the issue step has made
 * them).  Publishing again replaces the recorded hash.  ERR_INVALID "file"
 * when n is 0; ERR_NOT_FOUND "id" for an unknown document. */
int doc_public_publish(struct cx *cx, int64_t doc_id, const unsigned char *pdf,
		       size_t n, char code_out[DOC_PUBLIC_CODE_SIZE],
		       struct err *e);

/* The code of doc_id, made now when it has none (not public until it is
 * published): lets the renderer print the QR code on the PDF before it is
 * signed.  Inside the caller's transaction or its own; no permission
 * check (the caller has checked write access to the document). */
int doc_public_reserve(struct cx *cx, int64_t doc_id,
		       char code_out[DOC_PUBLIC_CODE_SIZE], struct err *e);

/* The code of doc_id (reserved or published) into code_out, and
 * *published (may be NULL) 1 when its PDF is published.  ERR_NOT_FOUND
 * when it has none.  No permission check (for doc_get of a reader). */
int doc_public_code(struct cx *cx, int64_t doc_id,
		    char code_out[DOC_PUBLIC_CODE_SIZE], int *published,
		    struct err *e);

/* The short link of a code into out[cap]: base + "/verify/" + code, base
 * NULL = the CADRE_PUBLIC_URL environment variable (start-up
 * configuration; e.g. "https://cadre.example.vn"), or "" (a path only)
 * when unset.  Trailing slashes of base are dropped.  0, or -1 when cap is
 * too small (out is then ""). */
int doc_public_link(const char *base, const char *code, char *out,
		    size_t cap);

/* The public view of the issued document with this code: *out (new) is
 * {"code","link","number","symbol","type":{"code","name_vi","name_en"},
 * "issuer","date","subject"|null,"withheld","signers":[{"name",
 * "signed_at"}],"sha256","status":"issued"|"replaced"}.  ERR_NOT_FOUND
 * "code" for a malformed or unknown code, or a code whose document is not
 * issued and published (the same answer for all three).  Public: no
 * actor needed. */
int doc_public_get(struct cx *cx, const char *code, json_t **out,
		   struct err *e);

/* Check a dropped file: *out (new) is {"sha256","known","document":
 * view|null,"signatures": the report of sign_verify_pdf (trusting the CAs
 * of this database)}.  known is true when the bytes are exactly those of a
 * document cadre issued (published, or the final main PDF of an issued
 * document, which is then published on the spot).  ERR_BAD_REQUEST "file"
 * for an empty file, ERR_INVALID "file" for a file that is not a PDF.
 * Public: no actor needed. */
int doc_public_verify(struct cx *cx, const unsigned char *pdf, size_t n,
		      json_t **out, struct err *e);

#endif
