/*
 * sign.h — digital signatures of cadre: the organization's certificate
 * authority (or signer certificates imported as PKCS#12 from an external
 * CA), PAdES signing of PDFs in an incremental update with a visible
 * appearance, and verification that trusts nothing in cadre but the CA
 * certificates.  Owns the tables of migration 005_sign.sql (sign_ca,
 * sign_cert, sign_revocation).  Private keys are stored encrypted.
 *
 * The document workflow (domain/doc.c) calls sign_pdf() for its "sign"
 * step and sign_verify_pdf() for /documents/{id}/verify and the public
 * verification page; the CLI calls them for `cadre doc sign` / `cadre verify`.
 */
#ifndef CADRE_SIGN_H
#define CADRE_SIGN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/cx.h"

/* What the visible signature shows (Decree 30, Appendix I): the signer's
 * name, title and organization, the signing time (ISO 8601, Vietnam time),
 * optionally the handwritten-signature image (blue) and the seal (red) as
 * PNG bytes, the seal overlapping about a third of the signature on its
 * left.  page is 1-based (0 = last page); the rectangle is in PDF points
 * from the bottom-left corner (all 0 = a default place at the bottom
 * right of the page). */
struct sign_appearance {
	const char *name, *title, *organization, *reason, *location;
	const unsigned char *signature_png;
	size_t signature_png_len;
	const unsigned char *seal_png;
	size_t seal_png_len;
	int page;
	double x, y, w, h;
};

/* Sign pdf[0..n) as the user `user_id` with that user's current, valid,
 * unrevoked signer certificate (ERR_FORBIDDEN when the user has no signer
 * role or no certificate; ERR_INVALID "file" for a non-PDF, a broken
 * xref, an encrypted PDF).  *out (malloc'd, caller frees) is the whole
 * signed file: the original bytes unchanged, then an incremental update
 * with a PAdES signature (CMS detached, SHA-256, signing-certificate-v2
 * attribute, the certificate chain) and its widget.  Writes the audit
 * entry "sign.pdf" (hash before and after) in its own or the caller's
 * transaction.  Previously applied signatures stay valid. */
int sign_pdf(struct cx *cx, int64_t user_id, const unsigned char *pdf,
	     size_t n, const struct sign_appearance *ap, unsigned char **out,
	     size_t *out_n, struct err *e);

/* Verify every signature in pdf[0..n).  db may be NULL: then only the CA
 * certificates in ca_pem (may be NULL) are trusted.  *report (new JSON):
 * {"valid": bool (every signature valid, each byte range well-formed and
 * the last one covering the whole file), "signatures": [{"signer",
 * "organization", "signed_at", "valid", "covers_whole_file", "revoked",
 * "certificate": {"subject","issuer","serial","not_before","not_after"},
 * "problem"}], "sha256"}.  Returns 0 when it could read the file (valid or
 * not), <0 for a file that is not a PDF. */
int sign_verify_pdf(struct db *db, const char *ca_pem,
		    const unsigned char *pdf, size_t n, json_t **report,
		    struct err *e);

#endif
