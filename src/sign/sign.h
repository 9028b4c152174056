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
 * from the bottom-left corner of the page as displayed (its /Rotate
 * applied; all 0 = a default place at the bottom right of the page, left
 * of and then above the signatures already there).  NULL strings take the
 * defaults: name = the user's display name, organization = the user's
 * unit; ap itself may be NULL. */
struct sign_appearance {
	const char *name, *title, *organization, *reason, *location;
	const unsigned char *signature_png;
	size_t signature_png_len;
	const unsigned char *seal_png;
	size_t seal_png_len;
	int page;
	double x, y, w, h;
};

/* The largest PDF signed or verified (the whole file is held in memory,
 * twice while signing). */
#define SIGN_PDF_MAX ((size_t)512 * 1024 * 1024)

/* Sign pdf[0..n) as the user `user_id` with that user's current, valid,
 * unrevoked signer certificate (ERR_FORBIDDEN when the user has no signer
 * role or no certificate, or when the actor is neither that user nor the
 * system; ERR_INVALID "file" for a non-PDF, a broken xref, an encrypted
 * PDF, a document certified with no changes allowed; ERR_TOO_LARGE over
 * SIGN_PDF_MAX).  *out (malloc'd, caller frees) is the whole signed file:
 * the original bytes unchanged, then an incremental update (its
 * cross-reference a table or a stream, as the original's last one) with a
 * PAdES baseline signature (SubFilter ETSI.CAdES.detached: CMS detached,
 * SHA-256, signing-certificate-v2 attribute, the certificate chain, no
 * signing-time attribute: the time claimed is /M, in Vietnam time) and its
 * field and widget.  Writes the audit entry "sign.pdf" (hash before and
 * after) in its own or the caller's transaction.  Previously applied
 * signatures stay valid. */
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
 * not), <0 for a file that is not a PDF.
 * Details: signatures are found in the bytes (every revision, even in a
 * damaged file) and listed in file order; signed_at is the time claimed
 * (the CMS signing-time, else /M) in Vietnam time, and the chain is
 * checked as of that time; "problem" is the first failure in words (null
 * when valid); also "index", "byte_range", "sub_filter", "reason",
 * "location", "revoked_at", "revocation_reason"; the report has "size"
 * and, when not valid, "problem". */
int sign_verify_pdf(struct db *db, const char *ca_pem,
		    const unsigned char *pdf, size_t n, json_t **report,
		    struct err *e);

/* --- The verification stamp (stamp.c) ---
 *
 * Before the first signature, the document workflow stamps the main PDF
 * with the QR code and short link of its public verification page, so
 * that every signature covers the stamp.  The drawing is made by the
 * caller (report/pdf_stamp.h); this module places it and marks the file.
 * The mark is the entry /CadreVerify (the link, a text string) of the
 * document information dictionary, or the word "CadreVerify=<link>" in
 * its /Keywords, which the template renderer (report/pdf_doc.c) writes
 * with its own QR code: a file that carries either is not stamped again. */

#define SIGN_STAMP_KEY "CadreVerify"

struct sign_stamp {
	const unsigned char *look_pdf; /* a one-page PDF of w × h points */
	size_t look_n;
	double w, h;
	const char *mark; /* the link, recorded as /CadreVerify (UTF-8) */
};

/* Stamp pdf[0..n): *out (malloc'd, caller frees) is the original bytes
 * unchanged, then an incremental update (its xref of the original's kind)
 * in which page 1 draws the stamp as a Form XObject in the bottom-left
 * corner of the page as displayed (10 pt from the left and the bottom
 * edges; scaled down on a page too narrow for it), its content streams
 * wrapped in q … Q so that the original's graphics state cannot move it,
 * and the information dictionary carries the mark.  ERR_INVALID "file"
 * as sign_pdf for a file that cannot be signed (not a PDF, broken,
 * encrypted, certified with no changes allowed); ERR_TOO_LARGE over
 * SIGN_PDF_MAX.  Writes no audit entry: the caller records the new
 * version. */
int sign_stamp_pdf(const unsigned char *pdf, size_t n,
		   const struct sign_stamp *st, unsigned char **out,
		   size_t *out_n, struct err *e);

/* The mark of pdf[0..n) (the link) into out[cap] (truncated to fit; ""
 * when none):
 * 1 when the file has one, 0 when not, <0 (ERR_INVALID "file" as
 * sign_stamp_pdf) when the file cannot be read. */
int sign_stamp_mark(const unsigned char *pdf, size_t n, char *out,
		    size_t cap, struct err *e);

/* --- Certificate authority and signer certificates (ca.c, ca_import.c) ---
 *
 * Keys: ECDSA P-256 by default ("ecdsa-p256"; "rsa-3072" on request): the
 * same 128-bit security as RSA-3072 with ~50x faster key generation and
 * signing and 64-byte signatures, verified by OpenSSL, NSS (pdfsig,
 * Firefox, Thunderbird), Adobe Acrobat/Reader and the EU DSS validator.
 * Private keys are stored only as AES-256-GCM ciphertext under the master
 * key (see keystore.c): CADRE_MASTER_KEY (64 hex digits) or the file named
 * by CADRE_MASTER_KEY_FILE, else `<database>.key` next to an SQLite
 * database (mode 0600, created on first use).  A PostgreSQL database needs
 * one of the two variables.
 *
 * Every function below writes its audit entry (sign.ca_init, sign.issue,
 * sign.revoke, sign.import) in its own or the caller's transaction, and
 * checks ACT_USER_ADMIN on the unit concerned unless said otherwise.
 * JSON shapes: a CA {"id","kind","unit_id","name","subject","sha256",
 * "not_before","not_after","active"}; a certificate {"id","user_id",
 * "login","source","serial","subject","issuer","not_before","not_after",
 * "sha256","revoked","revoked_at","reason"}. */

#define SIGN_ALG_DEFAULT "ecdsa-p256"

/* Create the own CA of unit_id: a self-signed certificate CN=name,
 * O=<unit name>, C=VN, CA:TRUE pathlen 0, keyCertSign+cRLSign, valid
 * `days` (0 = 3650).  algorithm NULL = SIGN_ALG_DEFAULT.  ERR_CONFLICT when
 * the unit already has an active CA.  *out (may be NULL) = the CA JSON. */
int sign_ca_init(struct cx *cx, int64_t unit_id, const char *name,
		 const char *algorithm, int days, json_t **out, struct err *e);

/* Issue a signer certificate for user_id (role signer or admin, else
 * ERR_FORBIDDEN) by the CA of the user's unit or of its nearest ancestor
 * (ERR_NOT_FOUND when none): CN=<display name>, O=<unit name>, C=VN,
 * keyUsage digitalSignature+nonRepudiation, extendedKeyUsage
 * emailProtection + documentSigning (RFC 9336), valid `days` (0 = 730,
 * never past the CA).  The key pair is made here and its private half
 * stored encrypted.  *out (may be NULL) = the certificate JSON. */
int sign_ca_issue(struct cx *cx, int64_t user_id, const char *algorithm,
		  int days, json_t **out, struct err *e);

/* Revoke one certificate by serial (hex, any case) or, when serial is
 * NULL, every unrevoked certificate of user_id; refreshes the CRL of each
 * own CA concerned.  reason: an RFC 5280 name ("keyCompromise",
 * "affiliationChanged", "superseded", "cessationOfOperation", …) or NULL
 * ("unspecified").  *out (may be NULL) = {"revoked": [certificate…]}.
 * ERR_NOT_FOUND when nothing was left to revoke. */
int sign_ca_revoke(struct cx *cx, int64_t user_id, const char *serial,
		   const char *reason, json_t **out, struct err *e);

/* The trusted CA certificates as PEM: the own CA of unit_id, or every
 * active CA when unit_id is 0.  Public data: no permission needed.
 * *pem is malloc'd (caller frees).  ERR_NOT_FOUND when there is none. */
int sign_ca_export(struct db *db, int64_t unit_id, char **pem,
		   struct err *e);

/* The current CRL of the own CA of unit_id (0 = the only own CA), DER or
 * PEM.  Public: no permission needed.  The stored CRL is served as is
 * while it has more than a day to live; otherwise (and when `fresh`) a new
 * one (next CRL number, valid 7 days) is signed and stored first.
 * *out is malloc'd (caller frees). */
int sign_ca_crl(struct db *db, int64_t unit_id, int der, int fresh,
		unsigned char **out, size_t *n, struct err *e);

/* Import a signer certificate and its key for user_id from PKCS#12 bytes
 * (password may be ""), as issued by an external CA.  The CA certificates
 * in the bundle, plus those in extra_ca_pem (may be NULL), become trusted
 * (sign_ca kind 'external'); the signer certificate must chain to one of
 * them, be valid now and allow digital signatures.  The user must have
 * role signer or admin.  *out (may be NULL) = the certificate JSON. */
int sign_import_p12(struct cx *cx, int64_t user_id, const unsigned char *p12,
		    size_t n, const char *password, const char *extra_ca_pem,
		    json_t **out, struct err *e);

/* The CAs and the certificates (of user_id, or of every user in the
 * actor's scope when 0): {"cas": [CA…], "certificates": [certificate…]}.
 * Needs ACT_USER_ADMIN (or ACT_READ for one's own certificates). */
int sign_list(struct cx *cx, int64_t user_id, json_t **out, struct err *e);

/* May this role sign documents?  1 for signer and admin.  (The rule of
 * sign_pdf and sign_ca_issue; to become an auth_may() action.) */
int sign_role_may_sign(const char *role);

#endif
