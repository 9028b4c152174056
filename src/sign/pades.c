/*
 * pades.c — sign_pdf(): a PAdES signature (ETSI.CAdES.detached: CMS
 * SignedData, detached, SHA-256, ESS signing-certificate-v2, the chain
 * embedded) in an incremental update of the user's PDF, with a signature
 * field whose widget shows the Decree 30 appearance.  Decides who may sign
 * (the holder, with role signer or admin, with a valid unrevoked
 * certificate) and where the widget goes.  Must never change a byte of the
 * original file, sign with anyone's key but the signer's own, or write
 * anything when any step fails.
 */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "sign/sign.h"
#include "sign/sign_internal.h"

#define MARGIN 36.0
#define GAP 8.0
#define BR_SLOT 10 /* digits per /ByteRange number */

struct signer {
	int64_t cert_id;
	X509 *cert;
	STACK_OF(X509) *chain;
	EVP_PKEY *key;
	char serial[128];
};

static void signer_free(struct signer *s)
{
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	EVP_PKEY_free(s->key);
	memset(s, 0, sizeof *s);
}

/* The user's newest certificate valid now and not revoked, with its key. */
static int signer_load(struct cx *cx, int64_t user_id, struct signer *s,
		       struct err *e)
{
	struct db_stmt *st;
	int rc;
	memset(s, 0, sizeof *s);
	rc = db_prepare(cx->db,
			"SELECT c.id, c.cert_pem, c.chain_pem, c.cert_sha256,"
			" c.key_enc FROM sign_cert c"
			" LEFT JOIN sign_revocation r ON r.cert_id = c.id"
			" WHERE c.user_id = ? AND r.id IS NULL"
			" AND c.not_before_ms <= ? AND c.not_after_ms > ?"
			" ORDER BY c.id DESC LIMIT 1",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, user_id);
	db_bind_int64(st, 2, cx->now_ms);
	db_bind_int64(st, 3, cx->now_ms);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		size_t kn;
		const void *k = db_col_blob(st, 4, &kn);
		s->cert_id = db_col_int64(st, 0);
		s->cert = sign_cert_from_pem(db_col_text(st, 1));
		s->chain = sign_certs_from_pem(db_col_text(st, 2));
		rc = s->cert && s->chain ? sign_key_open(cx->db, k, kn, db_col_text(st, 3),
							 &s->key, e)
					 : err_set(e, ERR_INTERNAL, "", "unreadable stored certificate");
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_FORBIDDEN, "login",
			     "no valid signer certificate (issue one with "
			     "'cadre ca issue' or import one with 'cadre ca import')");
	}
	db_finalize(st);
	if (rc == 0) {
		sign_cert_serial(s->cert, s->serial, sizeof s->serial);
	} else {
		signer_free(s);
	}
	return rc;
}

/* Is annotation/field a a signature field (itself or through /Parent)? */
static int is_sig_field(qpdf_data q, qpdf_oh a)
{
	for (int d = 0; d < 8 && qpdf_oh_is_dictionary(q, a); d++) {
		if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, a, "/FT"), "/Sig")) {
			return 1;
		}
		a = qpdf_oh_get_key(q, a, "/Parent");
	}
	return 0;
}

/* Where the widget goes: the caller's rectangle, or the next free slot
 * from the bottom right (right to left, then upwards) after the signatures
 * already on the page — in display coordinates, then mapped through the
 * page's /Rotate into user space.  rect = llx lly urx ury. */
static void place(struct pdf *p, const struct pdf_page *pg,
		  const struct sign_appearance *ap, double w, double h,
		  double rect[4])
{
	double bw = pg->box[2] - pg->box[0], bh = pg->box[3] - pg->box[1];
	int swap = pg->rotate == 90 || pg->rotate == 270;
	double dw = swap ? bh : bw, dh = swap ? bw : bh, xd, yd;
	if (ap && (ap->w > 0 && ap->h > 0)) {
		xd = ap->x;
		yd = ap->y;
	} else {
		qpdf_oh annots = qpdf_oh_get_key(p->q, pg->oh, "/Annots");
		int n = qpdf_oh_is_array(p->q, annots)
				? qpdf_oh_get_array_n_items(p->q, annots) : 0;
		int k = 0, cols, rows;
		for (int i = 0; i < n; i++) {
			k += is_sig_field(p->q, qpdf_oh_get_array_item(p->q, annots, i));
		}
		cols = (int)((dw - 2 * MARGIN + GAP) / (w + GAP));
		cols = cols < 1 ? 1 : cols;
		rows = (int)((dh - 2 * MARGIN + GAP) / (h + GAP));
		rows = rows < 1 ? 1 : rows;
		xd = dw - MARGIN - w - (k % cols) * (w + GAP);
		yd = MARGIN + ((k / cols) % rows) * (h + GAP);
		xd = xd < 0 ? 0 : xd;
	}
	pdf_page_rect(pg, xd, yd, w, h, rect);
}

/* "SignatureN" not yet used by a top-level field. */
static void field_name(struct pdf *p, char out[32])
{
	qpdf_oh fields = qpdf_oh_get_key(
		p->q, qpdf_oh_get_key(p->q, p->root, "/AcroForm"), "/Fields");
	int n = qpdf_oh_is_array(p->q, fields) ? qpdf_oh_get_array_n_items(p->q, fields) : 0;
	for (int k = 1;; k++) {
		int used = 0;
		snprintf(out, 32, "Signature%d", k);
		for (int i = 0; i < n && !used; i++) {
			qpdf_oh t = qpdf_oh_get_key(p->q, qpdf_oh_get_array_item(p->q, fields, i),
						    "/T");
			used = qpdf_oh_is_string(p->q, t) &&
			       strcmp(qpdf_oh_get_utf8_value(p->q, t), out) == 0;
		}
		if (!used) {
			return;
		}
	}
}

/* Array `arr` (may be null) plus "id 0 R", as direct PDF syntax. */
static int put_array_plus(struct buf *b, qpdf_data q, qpdf_oh arr, int id)
{
	int n = qpdf_oh_is_array(q, arr) ? qpdf_oh_get_array_n_items(q, arr) : 0;
	buf_putc(b, '[');
	for (int i = 0; i < n; i++) {
		if (pdf_put_value(b, q, qpdf_oh_get_array_item(q, arr, i), 1)) {
			return -1;
		}
		buf_putc(b, ' ');
	}
	buf_printf(b, "%d 0 R]", id);
	return 0;
}

/* The page gets the widget in /Annots (the array object when indirect). */
static int add_to_page(struct pdf_update *u, struct pdf *p,
		       const struct pdf_page *pg, int widget)
{
	static const char *const skip[] = {"/Annots", NULL};
	qpdf_oh annots = qpdf_oh_get_key(p->q, pg->oh, "/Annots");
	if (qpdf_oh_is_array(p->q, annots) && qpdf_oh_is_indirect(p->q, annots)) {
		pdf_obj_begin(u, qpdf_oh_get_object_id(p->q, annots),
			      qpdf_oh_get_generation(p->q, annots));
		if (put_array_plus(&u->out, p->q, annots, widget)) {
			return -1;
		}
	} else {
		pdf_obj_begin(u, pg->id, pg->gen);
		if (pdf_put_dict_open(&u->out, p->q, pg->oh, skip)) {
			return -1;
		}
		buf_puts(&u->out, " /Annots ");
		if (put_array_plus(&u->out, p->q, annots, widget)) {
			return -1;
		}
		buf_puts(&u->out, " >>");
	}
	pdf_obj_end(u);
	return 0;
}

/* The AcroForm gets the field and /SigFlags 3 (appearances kept as they
 * are: /NeedAppearances dropped).  An AcroForm that is missing or direct
 * in the catalog becomes a new object and the catalog is rewritten. */
static int add_to_form(struct pdf_update *u, struct pdf *p, int field)
{
	static const char *const skip[] = {"/Fields", "/SigFlags", "/NeedAppearances", NULL};
	static const char *const skip_root[] = {"/AcroForm", NULL};
	qpdf_oh af = qpdf_oh_get_key(p->q, p->root, "/AcroForm");
	int dict = qpdf_oh_is_dictionary(p->q, af);
	int id = dict && qpdf_oh_is_indirect(p->q, af) ? qpdf_oh_get_object_id(p->q, af) : 0;
	int gen = id ? qpdf_oh_get_generation(p->q, af) : 0;
	if (!id) {
		id = pdf_update_new_id(u);
		pdf_obj_begin(u, p->root_id, p->root_gen);
		if (pdf_put_dict_open(&u->out, p->q, p->root, skip_root)) {
			return -1;
		}
		buf_printf(&u->out, " /AcroForm %d 0 R >>", id);
		pdf_obj_end(u);
	}
	pdf_obj_begin(u, id, gen);
	if (dict) {
		if (pdf_put_dict_open(&u->out, p->q, af, skip)) {
			return -1;
		}
	} else {
		buf_puts(&u->out, "<<");
	}
	buf_puts(&u->out, " /Fields ");
	if (put_array_plus(&u->out, p->q, qpdf_oh_get_key(p->q, af, "/Fields"), field)) {
		return -1;
	}
	buf_puts(&u->out, " /SigFlags 3 >>");
	pdf_obj_end(u);
	return 0;
}

/* DER order of a SET OF: bytewise, a shorter encoding as if padded with
 * zero bytes (X.690 11.6). */
struct enc {
	unsigned char *p;
	int n;
};

static int enc_cmp(const void *a, const void *b)
{
	const struct enc *x = a, *y = b;
	int m = x->n < y->n ? x->n : y->n, c = memcmp(x->p, y->p, (size_t)m);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Sign the signed attributes ourselves, as their DER SET OF: OpenSSL's
 * CMS_SignerInfo_sign() would add a signing-time attribute, which PAdES
 * baseline signatures must not carry (ETSI EN 319 142-1, 5.2.3: the time
 * claimed is the signature dictionary's /M). */
static int sign_attrs(CMS_SignerInfo *si, EVP_PKEY *key)
{
	int n = CMS_signed_get_attr_count(si), total = 0, ok = 0, hl;
	struct enc *a = n > 0 && n < 32 ? calloc((size_t)n, sizeof *a) : NULL;
	unsigned char *set = NULL, *sig = NULL;
	size_t sig_n = 0;
	EVP_MD_CTX *c = NULL;
	for (int i = 0; a && i < n; i++) {
		if ((a[i].n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &a[i].p)) <= 0) {
			goto done;
		}
		total += a[i].n;
	}
	if (!a || total > 0xFFFF) {
		goto done;
	}
	qsort(a, (size_t)n, sizeof *a, enc_cmp);
	set = malloc((size_t)total + 4);
	if (!set) {
		goto done;
	}
	set[0] = 0x31; /* SET, as the signature covers it (RFC 5652, 5.4) */
	if (total < 0x80) {
		set[1] = (unsigned char)total;
		hl = 2;
	} else if (total < 0x100) {
		set[1] = 0x81;
		set[2] = (unsigned char)total;
		hl = 3;
	} else {
		set[1] = 0x82;
		set[2] = (unsigned char)(total >> 8);
		set[3] = (unsigned char)total;
		hl = 4;
	}
	for (int i = 0, off = hl; i < n; off += a[i].n, i++) {
		memcpy(set + off, a[i].p, (size_t)a[i].n);
	}
	c = EVP_MD_CTX_new();
	ok = c && EVP_DigestSignInit_ex(c, NULL, "SHA256", NULL, NULL, key, NULL) == 1 &&
	     EVP_DigestSign(c, NULL, &sig_n, set, (size_t)(hl + total)) == 1 &&
	     (sig = OPENSSL_malloc(sig_n)) != NULL &&
	     EVP_DigestSign(c, sig, &sig_n, set, (size_t)(hl + total)) == 1 &&
	     ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)sig_n) == 1;
done:
	for (int i = 0; a && i < n; i++) {
		OPENSSL_free(a[i].p);
	}
	free(a);
	free(set);
	OPENSSL_free(sig);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

/* CMS SignedData (detached, CAdES) for the SHA-256 `md` of the signed
 * byte ranges: signed attributes contentType, messageDigest and the ESS
 * signing-certificate-v2 (CMS_CADES); the signer's certificate and the
 * chain included.  The digest is computed by the caller in the same pass
 * as the audit hashes, so the file is read once.  DER into *der
 * (OPENSSL_free). */
static int cms_sign(struct signer *s, const unsigned char md[32],
		    unsigned char **der, int *der_n, struct err *e)
{
	unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_CADES | CMS_PARTIAL |
			     CMS_NOSMIMECAP;
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, s->chain, NULL, flags);
	CMS_SignerInfo *si = cms ? CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(),
						   CMS_BINARY | CMS_CADES | CMS_NOSMIMECAP |
							   CMS_PARTIAL)
				 : NULL;
	int ok = si &&
		 CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					     OBJ_nid2obj(NID_pkcs7_data), -1) == 1 &&
		 CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest,
					     V_ASN1_OCTET_STRING, md, 32) == 1 &&
		 sign_attrs(si, s->key) == 0 &&
		 (*der_n = i2d_CMS_ContentInfo(cms, der)) > 0;
	CMS_ContentInfo_free(cms);
	if (!ok) {
		return sign_ossl_err(e, ERR_INTERNAL, "", "the CMS signature failed");
	}
	return 0;
}

static void md_hex(EVP_MD_CTX *c, char hex[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(c, md, &len) != 1 || len != 32) {
		memset(md, 0, sizeof md);
	}
	sign_hex(md, 32, hex);
}

/* One pass over the file for three SHA-256s: of the original (its first
 * n bytes: the audit's "before"), of the signed ranges (for the CMS), and
 * of the whole signed file (the audit's "after", finished by the caller
 * with the bytes from c_at on once /Contents is filled: *whole). */
static int hash_pass(const unsigned char *b, size_t n, size_t c_at, size_t c_end,
		     size_t total, char before[65], unsigned char md[32],
		     EVP_MD_CTX **whole)
{
	EVP_MD_CTX *w = EVP_MD_CTX_new(), *t = EVP_MD_CTX_new();
	unsigned int len = 0;
	int ok = w && t && EVP_DigestInit_ex(w, EVP_sha256(), NULL) == 1 &&
		 EVP_DigestUpdate(w, b, n) == 1 && EVP_MD_CTX_copy_ex(t, w) == 1;
	if (ok) {
		md_hex(t, before);
		ok = EVP_DigestUpdate(w, b + n, c_at - n) == 1 &&
		     EVP_MD_CTX_copy_ex(t, w) == 1 &&
		     EVP_DigestUpdate(t, b + c_end, total - c_end) == 1 &&
		     EVP_DigestFinal_ex(t, md, &len) == 1 && len == 32;
	}
	EVP_MD_CTX_free(t);
	if (!ok) {
		EVP_MD_CTX_free(w);
		return -1;
	}
	*whole = w;
	return 0;
}

/* Space for the CMS: the certificates, the signature, attributes. */
static size_t contents_reserve(struct signer *s)
{
	size_t n = (size_t)i2d_X509(s->cert, NULL) + (size_t)EVP_PKEY_get_size(s->key) + 2048;
	for (int i = 0; i < sk_X509_num(s->chain); i++) {
		n += (size_t)i2d_X509(sk_X509_value(s->chain, i), NULL);
	}
	return (n + 511) / 512 * 512;
}

static void patch_slot(char *at, long long v)
{
	char num[BR_SLOT + 2];
	int len = snprintf(num, sizeof num, "%lld", v);
	memset(at, ' ', BR_SLOT);
	memcpy(at, num, (size_t)len);
}

int sign_pdf(struct cx *cx, int64_t user_id, const unsigned char *pdf,
	     size_t n, const struct sign_appearance *ap, unsigned char **out,
	     size_t *out_n, struct err *e)
{
	struct sign_user user;
	struct signer s;
	struct pdf p;
	struct pdf_page pg;
	struct pdf_update u;
	struct sign_look look;
	unsigned char *look_pdf = NULL, *der = NULL;
	size_t look_n = 0, reserve, br_at, c_at, c_end, total;
	char when[26], mdate[32], name[32], before[65], after[65], oid[80];
	unsigned char md[32];
	EVP_MD_CTX *whole = NULL;
	double w, h, rect[4];
	int rc, sig_id, widget_id, form_id, der_n = 0, has_img;
	*out = NULL;
	*out_n = 0;
	if (n > SIGN_PDF_MAX) {
		return err_set(e, ERR_TOO_LARGE, "file", "the PDF is over %zu MB",
			       SIGN_PDF_MAX >> 20);
	}
	if ((rc = sign_user_load(cx, user_id, &user, e))) {
		return rc;
	}
	if (!cx->actor.system && cx->actor.user_id != user_id) {
		return err_set(e, ERR_FORBIDDEN, "login",
			       "only %s may sign with %s's certificate", user.login,
			       user.login);
	}
	if (user.disabled || !sign_role_may_sign(user.role)) {
		return err_set(e, ERR_FORBIDDEN, "login",
			       "%s has the role %s: only signers and admins sign",
			       user.login, user.disabled ? "(disabled)" : user.role);
	}
	if ((rc = signer_load(cx, user_id, &s, e))) {
		return rc;
	}
	memset(&u, 0, sizeof u);
	if ((rc = pdf_open(&p, pdf, n, e)) ||
	    (rc = pdf_page_get(&p, ap ? ap->page : 0, &pg, e))) {
		goto done;
	}
	if (pdf_docmdp_locked(&p)) {
		rc = err_set(e, ERR_INVALID, "file", "the document is certified "
			     "with no changes allowed: it cannot be signed");
		goto done;
	}
	sign_time_vn(cx->now_ms, when);
	snprintf(mdate, sizeof mdate, "D:%.4s%.2s%.2s%.2s%.2s%.2s+07'00'", when,
		 when + 5, when + 8, when + 11, when + 14, when + 17);
	memset(&look, 0, sizeof look);
	look.name = ap && ap->name && *ap->name ? ap->name : user.name;
	look.title = ap ? ap->title : NULL;
	look.organization = ap && ap->organization && *ap->organization
				    ? ap->organization : user.unit_name;
	look.time_text = when;
	if (ap) {
		look.signature_png = ap->signature_png;
		look.signature_png_len = ap->signature_png_len;
		look.seal_png = ap->seal_png;
		look.seal_png_len = ap->seal_png_len;
	}
	has_img = look.signature_png_len || look.seal_png_len;
	w = ap && ap->w > 0 && ap->h > 0 ? ap->w : 210;
	h = ap && ap->w > 0 && ap->h > 0 ? ap->h : has_img ? 105 : 62;
	if (w < 20 || h < 12 || w > 2000 || h > 2000) {
		rc = err_set(e, ERR_INVALID, "rect", "the signature box must be "
			     "20..2000 by 12..2000 points");
		goto done;
	}
	place(&p, &pg, ap, w, h, rect);
	field_name(&p, name);
	if ((rc = pdf_check(&p, e)) ||
	    (rc = sign_look_render(&look, w, h, &look_pdf, &look_n, e)) ||
	    (rc = pdf_update_begin(&u, &p, e))) {
		goto done;
	}
	sig_id = pdf_update_new_id(&u);
	widget_id = pdf_update_new_id(&u);
	if ((rc = pdf_import_form(&u, look_pdf, look_n, w, h, pg.rotate, &form_id, e))) {
		goto done;
	}
	/* The signature dictionary, /ByteRange and /Contents as placeholders. */
	reserve = contents_reserve(&s);
	pdf_obj_begin(&u, sig_id, 0);
	buf_puts(&u.out, "<< /Type /Sig /Filter /Adobe.PPKLite"
			 " /SubFilter /ETSI.CAdES.detached /ByteRange [0 ");
	br_at = u.out.n;
	buf_puts(&u.out, "0000000000 0000000000 0000000000] /Contents ");
	c_at = u.out.n;
	buf_putc(&u.out, '<');
	for (size_t i = 0; i < 2 * reserve; i++) {
		buf_putc(&u.out, '0');
	}
	buf_putc(&u.out, '>');
	c_end = u.out.n;
	buf_printf(&u.out, " /M (%s) /Name ", mdate);
	pdf_put_text(&u.out, look.name);
	if (ap && ap->reason && *ap->reason) {
		buf_puts(&u.out, " /Reason ");
		pdf_put_text(&u.out, ap->reason);
	}
	if (ap && ap->location && *ap->location) {
		buf_puts(&u.out, " /Location ");
		pdf_put_text(&u.out, ap->location);
	}
	buf_puts(&u.out, " /Prop_Build << /App << /Name /cadre >> >> >>");
	pdf_obj_end(&u);
	/* The field and its widget, merged. */
	pdf_obj_begin(&u, widget_id, 0);
	buf_printf(&u.out, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (%s)"
			   " /V %d 0 R /F 132 /P %d %d R"
			   " /Rect [%.3f %.3f %.3f %.3f] /AP << /N %d 0 R >> >>",
		   name, sig_id, pg.id, pg.gen, rect[0], rect[1], rect[2], rect[3],
		   form_id);
	pdf_obj_end(&u);
	if (add_to_page(&u, &p, &pg, widget_id) || add_to_form(&u, &p, widget_id) ||
	    pdf_check(&p, e)) {
		rc = e->code ? -(int)e->code
			     : err_set(e, ERR_INVALID, "file", "the page or the form "
				       "dictionary cannot be rewritten");
		goto done;
	}
	if ((rc = pdf_update_finish(&u, &p, e))) {
		goto done;
	}
	/* Fill /ByteRange, hash and sign around /Contents, fill it. */
	total = u.out.n;
	patch_slot(u.out.z + br_at, (long long)c_at);
	patch_slot(u.out.z + br_at + BR_SLOT + 1, (long long)c_end);
	patch_slot(u.out.z + br_at + 2 * (BR_SLOT + 1), (long long)(total - c_end));
	if (hash_pass((unsigned char *)u.out.z, n, c_at, c_end, total, before, md,
		      &whole)) {
		rc = sign_ossl_err(e, ERR_INTERNAL, "", "hashing failed");
		goto done;
	}
	if ((rc = cms_sign(&s, md, &der, &der_n, e))) {
		goto done;
	}
	if ((size_t)der_n > reserve) {
		rc = err_set(e, ERR_INTERNAL, "", "the signature (%d bytes) is larger "
			     "than the space reserved (%zu)", der_n, reserve);
		goto done;
	}
	{
		/* sign_hex ends with a NUL: keep the byte it lands on. */
		char keep = u.out.z[c_at + 1 + 2 * (size_t)der_n];
		sign_hex(der, (size_t)der_n, u.out.z + c_at + 1);
		u.out.z[c_at + 1 + 2 * (size_t)der_n] = keep;
	}
	/* The audit entry: the file before and after. */
	if (EVP_DigestUpdate(whole, u.out.z + c_at, total - c_at) != 1) {
		rc = sign_ossl_err(e, ERR_INTERNAL, "", "hashing failed");
		goto done;
	}
	md_hex(whole, after);
	if ((rc = db_begin(cx->db, e)) == 0) {
		json_t *change = json_pack("{ss ss ss ss si ss}", "sha256_before",
					   before, "sha256_after", after, "serial",
					   s.serial, "field", name, "page", pg.index,
					   "signed_at", when);
		snprintf(oid, sizeof oid, "%s", after);
		rc = audit_append(cx, "sign.pdf", "pdf", oid, user.unit_id, change, e);
		json_decref(change);
		if (rc == 0) {
			rc = db_commit(cx->db, e);
		} else {
			db_rollback(cx->db);
		}
	}
	if (rc == 0) {
		*out = (unsigned char *)buf_detach(&u.out, out_n);
	}
done:
	EVP_MD_CTX_free(whole);
	OPENSSL_free(der);
	free(look_pdf);
	pdf_update_free(&u);
	pdf_close(&p);
	signer_free(&s);
	return rc;
}
