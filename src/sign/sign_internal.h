/*
 * sign_internal.h — what the files of src/sign share and nobody else may
 * use: the key store (keystore.c), certificate helpers (certs.c), the PDF
 * reader and incremental-update writer (pdf.c), the appearance renderer
 * (appearance.c); stamp.c uses the same writer.  Everything here is an implementation detail of sign.h.
 */
#ifndef CADRE_SIGN_INTERNAL_H
#define CADRE_SIGN_INTERNAL_H

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <qpdf/qpdf-c.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "domain/cx.h"

/* ---- keystore.c: the master key and sealed private keys ---- */

#define SIGN_MASTER_KEY_LEN 32

/* The 32-byte master key: CADRE_MASTER_KEY (64 hex digits), else the file
 * CADRE_MASTER_KEY_FILE, else "<sqlite path>.key".  With `create` a missing
 * key file is made (32 random bytes as hex, mode 0600, O_EXCL); a key file
 * readable by group or others is refused.  path (may be NULL, 512 bytes)
 * receives where the key came from, for messages. */
int sign_master_key(struct db *db, int create,
		    unsigned char key[SIGN_MASTER_KEY_LEN], char *path,
		    struct err *e);

/* Encrypt pkey (as PKCS#8 DER) with AES-256-GCM under the master key
 * (created if missing), bound to `aad` (the certificate's SHA-256 hex).
 * *blob (malloc'd, caller frees) = "CK1" | nonce(12) | ciphertext | tag(16). */
int sign_key_seal(struct db *db, EVP_PKEY *pkey, const char *aad,
		  unsigned char **blob, size_t *n, struct err *e);
/* The reverse; ERR_INTERNAL naming the master key when the tag fails. */
int sign_key_open(struct db *db, const void *blob, size_t n, const char *aad,
		  EVP_PKEY **pkey, struct err *e);

/* ---- certs.c: X.509 helpers ---- */

/* Fill e with `what` and the first OpenSSL error (the queue is cleared). */
int sign_ossl_err(struct err *e, enum err_code code, const char *field,
		  const char *what);
/* A new key pair: "ecdsa-p256" (NULL) or "rsa-3072". */
int sign_keygen(const char *algorithm, EVP_PKEY **out, struct err *e);
/* PEM text ↔ X509.  sign_cert_pem returns malloc'd text (NULL on OOM). */
X509 *sign_cert_from_pem(const char *pem);
char *sign_cert_pem(X509 *c);
/* Every certificate in PEM text, in order (a new stack; NULL on error). */
STACK_OF(X509) *sign_certs_from_pem(const char *pem);
/* Lower-case hex SHA-256 of the DER certificate. */
void sign_cert_sha256(X509 *c, char hex[65]);
/* Serial as upper-case hex without leading zeros ("0" for zero). */
void sign_cert_serial(X509 *c, char *out, size_t size);
/* One attribute of a name (NID_commonName…) as UTF-8, "" when absent. */
void sign_name_attr(const X509_NAME *name, int nid, char *out, size_t size);
/* RFC 2253 form of a name, UTF-8.  Returns malloc'd text. */
char *sign_name_text(const X509_NAME *name);
/* Milliseconds since the epoch of an ASN1_TIME (0 when unparseable). */
int64_t sign_asn1_ms(const ASN1_TIME *t);
/* ISO 8601 in Vietnam time: "2025-07-01T10:15:30+07:00" (out[26]). */
void sign_time_vn(int64_t ms, char out[26]);
/* {"subject","issuer","serial","not_before","not_after","sha256"}. */
json_t *sign_cert_json(X509 *c);
/* Lower-case hex of n bytes into out[2n+1]. */
void sign_hex(const unsigned char *p, size_t n, char *out);
/* Lower-case hex SHA-256 of p[0..n) (OpenSSL, hardware-accelerated). */
void sign_sha256_hex(const void *p, size_t n, char hex[65]);

/* ---- ca.c: what the CA and the PKCS#12 import share ---- */

/* A user as the signature code needs it (names are UTF-8). */
struct sign_user {
	int64_t id, unit_id;
	int disabled;
	char login[64], role[16];
	char name[801], unit_name[801];
};

/* Load user_id through user_get (ACT_READ on the user's unit). */
int sign_user_load(struct cx *cx, int64_t user_id, struct sign_user *u,
		   struct err *e);
/* Store a signer certificate with its key sealed, inside the caller's
 * transaction, and append the audit entry `action` (sign.issue,
 * sign.import).  *out (may be NULL) = the certificate JSON. */
int sign_cert_store(struct cx *cx, const struct sign_user *u, int64_t ca_id,
		    const char *source, X509 *cert, const char *chain_pem,
		    EVP_PKEY *key, const char *action, json_t **out,
		    struct err *e);
/* The certificate JSON of a sign_cert row read with SIGN_CERT_COLS
 * (st, first column col). */
#define SIGN_CERT_COLS                                                         \
	"c.id, c.user_id, u.login, c.source, c.serial, c.subject, c.issuer, "  \
	"c.not_before_ms, c.not_after_ms, c.cert_sha256, r.revoked_ms, "       \
	"r.reason"
#define SIGN_CERT_FROM                                                         \
	" FROM sign_cert c JOIN app_user u ON u.id = c.user_id"                \
	" LEFT JOIN sign_revocation r ON r.cert_id = c.id"
json_t *sign_cert_row_json(struct db_stmt *st, int col);

/* ---- pdf.c: reading a PDF with qpdf, writing an incremental update ---- */

struct pdf {
	const unsigned char *b; /* the file, borrowed */
	size_t n;
	qpdf_data q;
	int xref_stream;	/* 1: the last xref is a stream; 0: a table */
	long long startxref;	/* offset of the last xref section */
	long long size;		/* trailer /Size */
	qpdf_oh trailer, root;
	int root_id, root_gen;
};

struct pdf_page {
	qpdf_oh oh;
	int id, gen;
	int index;	 /* 1-based */
	double box[4];	 /* CropBox (else MediaBox): llx lly urx ury */
	int rotate;	 /* 0, 90, 180, 270 */
};

/* Open pdf[0..n): "%PDF-" at byte 0, a startxref at the end pointing at an
 * xref table or stream, qpdf reads it without recovery, not encrypted, a
 * catalog with pages.  ERR_INVALID "file" with a clear message otherwise.
 * The bytes must outlive the struct.  Close with pdf_close (also after a
 * failed open). */
int pdf_open(struct pdf *p, const unsigned char *b, size_t n, struct err *e);
void pdf_close(struct pdf *p);
/* Page `page` (1-based; 0 = last). */
int pdf_page_get(struct pdf *p, int page, struct pdf_page *pg, struct err *e);
/* A page attribute (/Resources, /MediaBox…), inherited through /Parent
 * when the page has none (a null handle when no ancestor has it). */
qpdf_oh pdf_inherited(qpdf_data q, qpdf_oh page, const char *key);
/* The box of w × h points at (xd, yd) from the bottom-left corner of the
 * page as displayed (its /Rotate applied), in the page's user space:
 * rect = llx lly urx ury. */
void pdf_page_rect(const struct pdf_page *pg, double xd, double yd, double w,
		   double h, double rect[4]);
/* 1 when the document is certified with "no changes allowed" (DocMDP
 * P=1): nothing may be added to it. */
int pdf_docmdp_locked(struct pdf *p);
/* A qpdf error pending on p?  Fills e (ERR_INVALID "file") and returns <0. */
int pdf_check(struct pdf *p, struct err *e);

/* One object of an incremental update. */
struct pdf_xent {
	int id, gen;
	size_t off;
};

/* An incremental update under construction: out holds the original bytes
 * then the new objects.  next_id is the next object number to try: new
 * numbers start at the trailer's /Size and skip any number the original
 * uses all the same (a /Size that lies). */
struct pdf_update {
	struct buf out;
	int next_id;
	struct pdf_xent *x;
	int nx, capx;
	int failed;
	qpdf_data orig; /* the original, to never reuse one of its numbers */
	int info_id;	/* > 0: the trailer's /Info is this new object */
};

/* Start: copy the original and an end-of-line if it lacks one. */
int pdf_update_begin(struct pdf_update *u, const struct pdf *p,
		     struct err *e);
void pdf_update_free(struct pdf_update *u);
int pdf_update_new_id(struct pdf_update *u);
/* "id gen obj\n" (recording the offset) … "\nendobj\n". */
void pdf_obj_begin(struct pdf_update *u, int id, int gen);
void pdf_obj_end(struct pdf_update *u);
/* The cross-reference section of the kind the original's last one was,
 * the trailer (/Size /Root /Info /ID /Prev), startxref and %%EOF. */
int pdf_update_finish(struct pdf_update *u, struct pdf *p, struct err *e);

/* PDF syntax writers. */
void pdf_put_name(struct buf *b, const char *name); /* without the "/" */
/* A text string: literal (escaped) when printable ASCII, else UTF-16BE
 * hex with a BOM.  s is UTF-8. */
void pdf_put_text(struct buf *b, const char *s);
/* Object `oh` of q as PDF syntax; indirect references written as is. */
int pdf_put_value(struct buf *b, qpdf_data q, qpdf_oh oh, int depth);
/* "<<" and every key of dictionary oh except those in skip (names with
 * "/", NULL-terminated), each value as pdf_put_value; no closing ">>". */
int pdf_put_dict_open(struct buf *b, qpdf_data q, qpdf_oh oh,
		      const char *const *skip);

/* Copy page 1 of the one-page PDF src[0..n) into u as a Form XObject with
 * /BBox [0 0 w h] (its content stream and everything its resources
 * reference, renumbered); *form_id = the new object's number.  rotate
 * (0/90/180/270, the page's /Rotate) adds the /Matrix that keeps the
 * drawing upright on a rotated page. */
int pdf_import_form(struct pdf_update *u, const unsigned char *src, size_t n,
		    double w, double h, int rotate, int *form_id,
		    struct err *e);

/* ---- appearance.c: the visible signature, drawn with cairo and pango ---- */

struct sign_look {
	const char *name, *title, *organization, *time_text;
	const unsigned char *signature_png, *seal_png;
	size_t signature_png_len, seal_png_len;
};

/* Draw the appearance into a one-page PDF of w × h points (in memory;
 * *pdf malloc'd, caller frees): the images on top (the seal overlapping a
 * third of the signature on its left), the text below, Noto Sans embedded
 * as a subset.  ERR_INVALID "signature_png"/"seal_png" for bad images. */
int sign_look_render(const struct sign_look *look, double w, double h,
		     unsigned char **pdf, size_t *n, struct err *e);

#endif
