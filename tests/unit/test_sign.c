/*
 * test_sign.c — unit tests of the certificate authority and key storage
 * (src/sign/ca*.c, keystore.c) on both drivers: CA creation and its
 * refusals, issuing by the nearest CA, roles, revocation and the signed
 * CRL, PKCS#12 import from an external CA, the master key (environment,
 * key file created 0600, wrong key refused), the audit chain.  Also the
 * fixture and PDF generators shared with test_sign_pdf.c.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/user.h"
#include "sign/sign.h"
#include "sign/sign_internal.h"
#include "test.h"
#include "test_sign.h"

#define MASTER "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

/* ---- fixture ---- */

static int64_t mk_unit(struct cx *cx, const char *code, const char *name,
		       const char *kind, int64_t parent)
{
	struct reorg_req r;
	struct err e = ERR_INIT;
	int64_t id = 0;
	memset(&r, 0, sizeof r);
	r.kind = REORG_CREATE;
	r.date = "2000-01-01";
	r.decision = "test";
	r.created.code = code;
	r.created.name = name;
	r.created.kind = kind;
	r.created.parent = parent;
	r.created.share = -1;
	CHECK(org_reorg(cx, &r, 0, NULL, NULL, &e) == 0);
	CHECK(org_unit_id_by_code(cx, code, &id, &e) == 0);
	return id;
}

static int64_t mk_user(struct cx *cx, const char *login, const char *name,
		       const char *role, int64_t unit)
{
	struct user_new u = {login, name, "test-password-123", role, unit, 0};
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int64_t id;
	CHECK(user_add(cx, &u, &out, &e) == 0);
	id = (int64_t)json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

void sign_fx_setup(struct db *db, struct sign_fx *f)
{
	struct err e = ERR_INIT;
	setenv("CADRE_MASTER_KEY", MASTER, 1);
	memset(f, 0, sizeof *f);
	snprintf(f->pw, sizeof f->pw, "test-password-123");
	cx_init_system(&f->cx, db);
	CHECK(org_bootstrap(&f->cx, "VN", "Việt Nam", "1945-09-02", &f->vn, &e) == 0);
	f->p1 = mk_unit(&f->cx, "P1", "Tỉnh ủy Đắk Lắk", "province", f->vn);
	f->c1 = mk_unit(&f->cx, "C1", "Đảng ủy xã Ea Kao", "commune", f->p1);
	f->signer = mk_user(&f->cx, "an.signer", "Nguyễn Văn An", "signer", f->c1);
	f->viewer = mk_user(&f->cx, "binh.viewer", "Trần Bình", "viewer", f->c1);
	f->signer2 = mk_user(&f->cx, "chi.signer", "Lê Thị Chi", "signer", f->p1);
	f->admin = mk_user(&f->cx, "dung.admin", "Phạm Dũng", "admin", f->vn);
	CHECK(sign_ca_init(&f->cx, f->p1, "CA Tỉnh ủy Đắk Lắk", NULL, 0, NULL, &e) == 0);
	CHECK(sign_ca_issue(&f->cx, f->signer, NULL, 0, NULL, &e) == 0);
}

void sign_fx_as(struct sign_fx *f, const char *login, struct cx *out)
{
	struct err e = ERR_INIT;
	cx_init_system(out, f->cx.db);
	CHECK(auth_actor_by_login(f->cx.db, login, &out->actor, &e) == 0);
}

/* ---- PDFs and images ---- */

static cairo_status_t to_buf(void *closure, const unsigned char *d, unsigned int n)
{
	buf_append(closure, d, n);
	return CAIRO_STATUS_SUCCESS;
}

static struct tbuf detach(struct buf *b)
{
	struct tbuf t;
	t.p = (unsigned char *)buf_detach(b, &t.n);
	return t;
}

struct tbuf tpdf_cairo(int pages)
{
	struct buf b = BUF_INIT;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, &b, 595.276, 841.89);
	cairo_t *cr = cairo_create(s);
	for (int p = 0; p < pages; p++) {
		cairo_select_font_face(cr, "Noto Sans", CAIRO_FONT_SLANT_NORMAL,
				       CAIRO_FONT_WEIGHT_NORMAL);
		cairo_set_font_size(cr, 14);
		cairo_move_to(cr, 72, 100);
		cairo_show_text(cr, "QUYẾT ĐỊNH về việc thử nghiệm chữ ký số");
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	return detach(&b);
}

/* Read pdf with qpdf, let `edit` change it, write it with options. */
static struct tbuf qpdf_rewrite(const struct tbuf *pdf, int objstreams,
				int encrypt_user, int rotate)
{
	qpdf_data q = qpdf_init();
	struct tbuf out = {NULL, 0};
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	CHECK(!(qpdf_read_memory(q, "t", (const char *)pdf->p, pdf->n, "") & QPDF_ERRORS));
	if (rotate) {
		qpdf_oh page = qpdf_get_page_n(q, 0);
		qpdf_oh_replace_key(q, page, "/Rotate", qpdf_oh_new_integer(q, rotate));
	}
	CHECK(!(qpdf_init_write_memory(q) & QPDF_ERRORS));
	if (objstreams) {
		qpdf_set_object_stream_mode(q, qpdf_o_generate);
	}
	if (encrypt_user >= 0) {
		qpdf_set_r6_encryption_parameters2(q, encrypt_user ? "u" : "", "o", 1, 1, 1,
						   1, 1, 1, qpdf_r3p_full, 1);
	}
	CHECK(!(qpdf_write(q) & QPDF_ERRORS));
	out.n = qpdf_get_buffer_length(q);
	out.p = malloc(out.n);
	memcpy(out.p, qpdf_get_buffer(q), out.n);
	qpdf_cleanup(&q);
	return out;
}

struct tbuf tpdf_xref_stream(const struct tbuf *pdf)
{
	return qpdf_rewrite(pdf, 1, -1, 0);
}

struct tbuf tpdf_encrypted(const struct tbuf *pdf, int user_pw)
{
	return qpdf_rewrite(pdf, 0, user_pw, 0);
}

struct tbuf tpdf_rotated(const struct tbuf *pdf)
{
	return qpdf_rewrite(pdf, 0, -1, 90);
}

struct tbuf tpng(int w, int h, double r, double g, double b)
{
	struct buf out = BUF_INIT;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgba(cr, r, g, b, 0.9);
	cairo_arc(cr, w / 2.0, h / 2.0, (w < h ? w : h) / 2.5, 0, 6.2832);
	cairo_fill(cr);
	cairo_destroy(cr);
	CHECK(cairo_surface_write_to_png_stream(s, to_buf, &out) == CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	return detach(&out);
}

void tbuf_free(struct tbuf *t)
{
	free(t->p);
	t->p = NULL;
	t->n = 0;
}

/* ---- the CA ---- */

DB_TEST(sign_ca_init_issue_and_rules)
{
	struct sign_fx f;
	struct err e = ERR_INIT;
	struct cx as;
	json_t *out = NULL, *list = NULL;
	int64_t rows = 0, bad = 0;
	sign_fx_setup(db, &f);
	/* One active CA per unit. */
	CHECK(sign_ca_init(&f.cx, f.p1, "again", NULL, 0, NULL, &e) == -ERR_CONFLICT);
	CHECK(sign_ca_init(&f.cx, f.vn, "", NULL, 0, NULL, &e) == -ERR_INVALID);
	CHECK(sign_ca_init(&f.cx, f.vn, "x", "dsa-1024", 0, NULL, &e) == -ERR_INVALID);
	/* A viewer gets no certificate; a signer of P1 gets one from P1's CA. */
	CHECK(sign_ca_issue(&f.cx, f.viewer, NULL, 0, NULL, &e) == -ERR_FORBIDDEN);
	CHECK(sign_ca_issue(&f.cx, f.signer2, NULL, 30, &out, &e) == 0);
	CHECK(strstr(json_string_value(json_object_get(out, "subject")), "CN=Lê Thị Chi") != NULL);
	CHECK(strstr(json_string_value(json_object_get(out, "issuer")), "CA Tỉnh ủy Đắk Lắk") != NULL);
	json_decref(out);
	/* The admin of VN has no CA above VN. */
	CHECK(sign_ca_issue(&f.cx, f.admin, NULL, 0, NULL, &e) == -ERR_NOT_FOUND);
	/* A nearer CA wins: C1's own CA issues to C1's signer. */
	CHECK(sign_ca_init(&f.cx, f.c1, "CA xã Ea Kao", "rsa-3072", 0, NULL, &e) == 0);
	CHECK(sign_ca_issue(&f.cx, f.signer, NULL, 0, &out, &e) == 0);
	CHECK(strstr(json_string_value(json_object_get(out, "issuer")), "CA xã Ea Kao") != NULL);
	json_decref(out);
	/* A signer may not issue; only user admins. */
	sign_fx_as(&f, "chi.signer", &as);
	CHECK(sign_ca_issue(&as, f.signer2, NULL, 0, NULL, &e) == -ERR_FORBIDDEN);
	CHECK(sign_ca_init(&as, f.vn, "mine", NULL, 0, NULL, &e) == -ERR_FORBIDDEN);
	/* Listing: the holder sees their own; everything for the admin. */
	CHECK(sign_list(&as, f.signer2, &list, &e) == 0);
	CHECK(json_array_size(json_object_get(list, "certificates")) == 1);
	CHECK(json_array_size(json_object_get(list, "cas")) == 2);
	json_decref(list);
	CHECK(sign_list(&as, f.signer, &list, &e) == -ERR_FORBIDDEN);
	CHECK(sign_list(&f.cx, 0, &list, &e) == 0);
	CHECK(json_array_size(json_object_get(list, "certificates")) == 3);
	json_decref(list);
	CHECK(audit_verify(db, &rows, &bad, &e) == 0);
	CHECK(rows > 0);
}

DB_TEST(sign_certificate_profile)
{
	struct sign_fx f;
	struct err e = ERR_INIT;
	struct db_stmt *st;
	X509 *c = NULL, *ca = NULL;
	char *pem = NULL;
	sign_fx_setup(db, &f);
	CHECK(db_prepare(db, "SELECT cert_pem FROM sign_cert WHERE user_id = ?", &st, &e) == 0);
	db_bind_int64(st, 1, f.signer);
	CHECK(db_step(st, &e) == DB_ROW);
	c = sign_cert_from_pem(db_col_text(st, 0));
	db_finalize(st);
	CHECK(sign_ca_export(db, f.p1, &pem, &e) == 0);
	ca = sign_cert_from_pem(pem);
	CHECK(c && ca);
	if (c && ca) {
		uint32_t ku = X509_get_key_usage(c);
		char cn[128], o[128];
		CHECK(X509_check_issued(ca, c) == X509_V_OK);
		CHECK(X509_check_ca(ca) >= 1 && X509_check_ca(c) == 0);
		CHECK(ku & X509v3_KU_DIGITAL_SIGNATURE);
		CHECK(ku & X509v3_KU_NON_REPUDIATION);
		CHECK(!(ku & X509v3_KU_KEY_CERT_SIGN));
		CHECK(X509_get_extended_key_usage(c) & XKU_SMIME);
		CHECK(X509_check_purpose(c, X509_PURPOSE_SMIME_SIGN, 0) == 1);
		sign_name_attr(X509_get_subject_name(c), NID_commonName, cn, sizeof cn);
		sign_name_attr(X509_get_subject_name(c), NID_organizationName, o, sizeof o);
		CHECK_STR(cn, "Nguyễn Văn An");
		CHECK_STR(o, "Đảng ủy xã Ea Kao");
		CHECK(EVP_PKEY_get_base_id(X509_get0_pubkey(c)) == EVP_PKEY_EC);
		/* The stored key is sealed, never PEM. */
		CHECK(db_prepare(db, "SELECT key_enc FROM sign_cert", &st, &e) == 0);
		while (db_step(st, &e) == DB_ROW) {
			size_t n;
			const char *k = db_col_blob(st, 0, &n);
			CHECK(n > 19 && memcmp(k, "CK1", 3) == 0);
			CHECK(memmem(k, n, "PRIVATE KEY", 11) == NULL);
		}
		db_finalize(st);
	}
	X509_free(c);
	X509_free(ca);
	free(pem);
}

DB_TEST(sign_revoke_and_crl)
{
	struct sign_fx f;
	struct err e = ERR_INIT;
	struct cx as;
	json_t *out = NULL;
	unsigned char *der = NULL, *pem = NULL;
	char *ca_pem = NULL, serial[64];
	size_t n = 0, pn = 0;
	const unsigned char *p;
	X509_CRL *crl;
	X509 *ca;
	sign_fx_setup(db, &f);
	/* An empty CRL first. */
	CHECK(sign_ca_crl(db, f.p1, 1, 0, &der, &n, &e) == 0);
	p = der;
	crl = d2i_X509_CRL(NULL, &p, (long)n);
	CHECK(crl && sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) <= 0);
	X509_CRL_free(crl);
	free(der);
	/* A viewer may not revoke someone else's certificate. */
	sign_fx_as(&f, "binh.viewer", &as);
	CHECK(sign_ca_revoke(&as, f.signer, NULL, NULL, NULL, &e) == -ERR_FORBIDDEN);
	CHECK(sign_ca_revoke(&f.cx, f.signer, NULL, "bogus", NULL, &e) == -ERR_INVALID);
	CHECK(sign_ca_revoke(&f.cx, f.signer, NULL, "keyCompromise", &out, &e) == 0);
	CHECK(json_array_size(json_object_get(out, "revoked")) == 1);
	snprintf(serial, sizeof serial, "%s",
		 json_string_value(json_object_get(json_array_get(json_object_get(out, "revoked"), 0),
						   "serial")));
	json_decref(out);
	CHECK(sign_ca_revoke(&f.cx, f.signer, NULL, NULL, NULL, &e) == -ERR_NOT_FOUND);
	/* The CRL names it and is signed by the CA. */
	CHECK(sign_ca_crl(db, 0, 1, 0, &der, &n, &e) == 0);
	CHECK(sign_ca_crl(db, f.p1, 0, 0, &pem, &pn, &e) == 0);
	CHECK(pn > 20 && memcmp(pem, "-----BEGIN X509 CRL-----", 24) == 0);
	CHECK(sign_ca_export(db, f.p1, &ca_pem, &e) == 0);
	ca = sign_cert_from_pem(ca_pem);
	p = der;
	crl = d2i_X509_CRL(NULL, &p, (long)n);
	CHECK(crl && ca);
	if (crl && ca) {
		X509_REVOKED *r;
		BIGNUM *bn = ASN1_INTEGER_to_BN(
			X509_REVOKED_get0_serialNumber(
				sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), 0)), NULL);
		char *hex = BN_bn2hex(bn);
		CHECK(X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1);
		CHECK(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) == 1);
		CHECK(X509_CRL_get0_by_serial(crl, &r, X509_REVOKED_get0_serialNumber(
				sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), 0))) == 1);
		CHECK_STR(hex + (hex[0] == '0' && hex[1]), serial);
		OPENSSL_free(hex);
		BN_free(bn);
	}
	X509_CRL_free(crl);
	X509_free(ca);
	free(der);
	free(pem);
	free(ca_pem);
	/* A fresh certificate can be issued again, then revoked by serial by
	 * its holder?  No: by serial needs an admin. */
	CHECK(sign_ca_issue(&f.cx, f.signer, NULL, 0, &out, &e) == 0);
	snprintf(serial, sizeof serial, "%s", json_string_value(json_object_get(out, "serial")));
	json_decref(out);
	sign_fx_as(&f, "an.signer", &as);
	CHECK(sign_ca_revoke(&as, 0, serial, NULL, NULL, &e) == -ERR_FORBIDDEN);
	CHECK(sign_ca_revoke(&as, f.signer, NULL, "keyCompromise", NULL, &e) == 0);
}

/* An external CA and a PKCS#12 for a signer, made with OpenSSL. */
static void make_p12(struct tbuf *p12, char **ca_pem, int with_ca)
{
	EVP_PKEY *cak = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	X509 *ca = X509_new(), *c = X509_new();
	X509_NAME *can = X509_NAME_new(), *cn = X509_NAME_new();
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509V3_CTX ctx;
	X509_EXTENSION *ex;
	PKCS12 *p;
	unsigned char *der = NULL;
	int len;
	X509_NAME_add_entry_by_txt(can, "CN", MBSTRING_UTF8, (const unsigned char *)"External CA", -1, -1, 0);
	X509_NAME_add_entry_by_txt(cn, "CN", MBSTRING_UTF8, (const unsigned char *)"Lê Thị Chi", -1, -1, 0);
	X509_set_version(ca, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(ca), 7);
	X509_set_subject_name(ca, can);
	X509_set_issuer_name(ca, can);
	X509_gmtime_adj(X509_getm_notBefore(ca), -3600);
	X509_gmtime_adj(X509_getm_notAfter(ca), 86400 * 30);
	X509_set_pubkey(ca, cak);
	X509V3_set_ctx(&ctx, ca, ca, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
	X509_add_ext(ca, ex, -1);
	X509_EXTENSION_free(ex);
	X509_sign(ca, cak, EVP_sha256());
	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), 8);
	X509_set_subject_name(c, cn);
	X509_set_issuer_name(c, can);
	X509_gmtime_adj(X509_getm_notBefore(c), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c), 86400 * 20);
	X509_set_pubkey(c, k);
	X509V3_set_ctx(&ctx, ca, c, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage, "critical,digitalSignature");
	X509_add_ext(c, ex, -1);
	X509_EXTENSION_free(ex);
	X509_sign(c, cak, EVP_sha256());
	if (with_ca) {
		sk_X509_push(chain, ca);
	}
	p = PKCS12_create("p12-secret", "Chi", k, c, chain, 0, 0, 0, 0, 0);
	CHECK(p != NULL);
	len = i2d_PKCS12(p, &der);
	p12->p = malloc((size_t)len);
	memcpy(p12->p, der, (size_t)len);
	p12->n = (size_t)len;
	OPENSSL_free(der);
	*ca_pem = sign_cert_pem(ca);
	PKCS12_free(p);
	sk_X509_free(chain);
	X509_NAME_free(can);
	X509_NAME_free(cn);
	X509_free(ca);
	X509_free(c);
	EVP_PKEY_free(cak);
	EVP_PKEY_free(k);
}

DB_TEST(sign_import_pkcs12)
{
	struct sign_fx f;
	struct err e = ERR_INIT;
	struct tbuf p12 = {NULL, 0}, bare = {NULL, 0};
	char *ca_pem = NULL, *bare_ca = NULL, *all = NULL;
	json_t *out = NULL;
	sign_fx_setup(db, &f);
	make_p12(&p12, &ca_pem, 1);
	make_p12(&bare, &bare_ca, 0);
	CHECK(sign_import_p12(&f.cx, f.signer2, p12.p, p12.n, "wrong", NULL, NULL, &e) == -ERR_INVALID);
	CHECK_STR(e.field, "password");
	CHECK(sign_import_p12(&f.cx, f.viewer, p12.p, p12.n, "p12-secret", NULL, NULL, &e) ==
	      -ERR_FORBIDDEN);
	CHECK(sign_import_p12(&f.cx, f.signer2, (const unsigned char *)"junk", 4, "", NULL,
			      NULL, &e) == -ERR_INVALID);
	/* Without its CA the bundle is refused; with --ca it is taken. */
	CHECK(sign_import_p12(&f.cx, f.signer2, bare.p, bare.n, "p12-secret", NULL, NULL, &e) ==
	      -ERR_INVALID);
	CHECK(sign_import_p12(&f.cx, f.signer2, bare.p, bare.n, "p12-secret", ca_pem, NULL, &e) ==
	      -ERR_INVALID); /* a different CA: does not chain */
	CHECK(sign_import_p12(&f.cx, f.signer2, bare.p, bare.n, "p12-secret", bare_ca, &out,
			      &e) == 0);
	json_decref(out);
	CHECK(sign_import_p12(&f.cx, f.signer2, p12.p, p12.n, "p12-secret", NULL, &out, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(out, "source")), "imported");
	CHECK(strstr(json_string_value(json_object_get(out, "issuer")), "External CA") != NULL);
	json_decref(out);
	/* Both external CAs are now trusted next to our own. */
	CHECK(sign_ca_export(db, 0, &all, &e) == 0);
	CHECK(all && strstr(all, ca_pem) && strstr(all, bare_ca));
	/* The same bundle twice is a conflict. */
	CHECK(sign_import_p12(&f.cx, f.signer2, p12.p, p12.n, "p12-secret", NULL, NULL, &e) ==
	      -ERR_CONFLICT);
	free(all);
	free(ca_pem);
	free(bare_ca);
	tbuf_free(&p12);
	tbuf_free(&bare);
}

/* ---- the master key ---- */

DB_TEST(sign_master_key_mismatch)
{
	struct sign_fx f;
	struct err e = ERR_INIT;
	sign_fx_setup(db, &f);
	setenv("CADRE_MASTER_KEY", "ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
	CHECK(sign_ca_issue(&f.cx, f.signer2, NULL, 0, NULL, &e) == -ERR_INTERNAL);
	CHECK_STR(e.field, "master_key");
	setenv("CADRE_MASTER_KEY", "short", 1);
	CHECK(sign_ca_issue(&f.cx, f.signer2, NULL, 0, NULL, &e) == -ERR_INTERNAL);
	setenv("CADRE_MASTER_KEY", MASTER, 1);
	CHECK(sign_ca_issue(&f.cx, f.signer2, NULL, 0, NULL, &e) == 0);
}

TEST(sign_master_key_file)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[512], keyf[600];
	unsigned char k1[32], k2[32];
	struct db *db = NULL;
	struct err e = ERR_INIT;
	struct stat st;
	snprintf(path, sizeof path, "%s/cadre-sign-key-%d.db", tmp, (int)getpid());
	snprintf(keyf, sizeof keyf, "%s.key", path);
	unlink(keyf);
	unsetenv("CADRE_MASTER_KEY");
	unsetenv("CADRE_MASTER_KEY_FILE");
	CHECK(db_open(path, &db, &e) == 0);
	if (!db) {
		return;
	}
	CHECK(sign_master_key(db, 0, k1, NULL, &e) < 0); /* not created on read */
	CHECK(sign_master_key(db, 1, k1, NULL, &e) == 0);
	CHECK(stat(keyf, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(sign_master_key(db, 1, k2, NULL, &e) == 0 && memcmp(k1, k2, 32) == 0);
	chmod(keyf, 0644);
	CHECK(sign_master_key(db, 0, k2, NULL, &e) < 0);
	CHECK(strstr(e.msg, "chmod 600") != NULL);
	chmod(keyf, 0600);
	setenv("CADRE_MASTER_KEY_FILE", keyf, 1);
	CHECK(sign_master_key(db, 0, k2, NULL, &e) == 0 && memcmp(k1, k2, 32) == 0);
	unsetenv("CADRE_MASTER_KEY_FILE");
	db_close(db);
	unlink(keyf);
	unlink(path);
	setenv("CADRE_MASTER_KEY", MASTER, 1);
}
