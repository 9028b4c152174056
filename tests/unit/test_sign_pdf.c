/*
 * test_sign_pdf.c — unit tests of PAdES signing and verification
 * (src/sign/pades.c, pdf.c, appearance.c, verify.c) on both drivers: PDFs
 * from cairo (xref table) and qpdf (xref stream), two signatures in a row,
 * a byte changed anywhere, a revoked certificate, images, a rotated page,
 * the bad inputs (not a PDF, truncated, broken startxref, encrypted) and
 * who may sign.  The same checks with pdfsig and `openssl cms -verify`
 * run in tests/sign.sh.
 */
#include <openssl/cms.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "sign/sign.h"
#include "sign/sign_internal.h"
#include "test.h"
#include "test_sign.h"

static json_t *verify(struct db *db, const char *ca, const struct tbuf *pdf)
{
	struct err e = ERR_INIT;
	json_t *r = NULL;
	CHECK(sign_verify_pdf(db, ca, pdf->p, pdf->n, &r, &e) == 0);
	return r;
}

static json_t *sig_n(json_t *r, size_t i)
{
	return json_array_get(json_object_get(r, "signatures"), i);
}

static int is_true(json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

/* Sign `in` as the fixture's signer; CHECKs success. */
static struct tbuf sign_as(struct sign_fx *f, const struct tbuf *in,
			   const struct sign_appearance *ap)
{
	struct err e = ERR_INIT;
	struct cx as;
	struct tbuf out = {NULL, 0};
	sign_fx_as(f, "an.signer", &as);
	CHECK(sign_pdf(&as, f->signer, in->p, in->n, ap, &out.p, &out.n, &e) == 0);
	if (!out.p) {
		printf("    sign_pdf: %s\n", e.msg);
	}
	return out;
}

/* The kind of the last cross-reference section: 1 stream, 0 table. */
static int last_xref_is_stream(const struct tbuf *t)
{
	const char *tail = (const char *)t->p + t->n - 40;
	const char *sx = memmem(tail, 40, "startxref", 9);
	size_t off = sx ? strtoul(sx + 9, NULL, 10) : 0;
	if (!off || off + 200 > t->n) {
		return 0;
	}
	return memcmp(t->p + off, "xref", 4) != 0 && memmem(t->p + off, 200, "/XRef", 5) != NULL;
}

DB_TEST(sign_pdf_and_verify)
{
	struct sign_fx f;
	struct tbuf pdf = tpdf_cairo(2), s1;
	json_t *r, *s;
	char *ca = NULL;
	struct err e = ERR_INIT;
	int64_t rows = 0, bad = 0;
	sign_fx_setup(db, &f);
	s1 = sign_as(&f, &pdf, NULL);
	CHECK(s1.n > pdf.n && memcmp(s1.p, pdf.p, pdf.n) == 0); /* original kept */
	CHECK(!last_xref_is_stream(&s1));
	r = verify(db, NULL, &s1);
	CHECK(is_true(r, "valid"));
	s = sig_n(r, 0);
	CHECK(json_array_size(json_object_get(r, "signatures")) == 1);
	CHECK(is_true(s, "valid") && is_true(s, "covers_whole_file") && !is_true(s, "revoked"));
	CHECK_STR(json_string_value(json_object_get(s, "signer")), "Nguyễn Văn An");
	CHECK_STR(json_string_value(json_object_get(s, "organization")), "Đảng ủy xã Ea Kao");
	CHECK_STR(json_string_value(json_object_get(s, "sub_filter")), "ETSI.CAdES.detached");
	CHECK(strstr(json_string_value(json_object_get(s, "signed_at")), "+07:00") != NULL);
	json_decref(r);
	/* Without a database: trusted only with the CA given. */
	r = verify(NULL, NULL, &s1);
	CHECK(!is_true(r, "valid"));
	json_decref(r);
	CHECK(sign_ca_export(db, 0, &ca, &e) == 0);
	r = verify(NULL, ca, &s1);
	CHECK(is_true(r, "valid"));
	json_decref(r);
	/* An unsigned PDF reads but is not valid; a non-PDF does not read. */
	r = verify(db, NULL, &pdf);
	CHECK(!is_true(r, "valid") && json_array_size(json_object_get(r, "signatures")) == 0);
	json_decref(r);
	CHECK(sign_verify_pdf(db, NULL, (const unsigned char *)"hello world, no pdf", 19, &r,
			      &e) == -ERR_INVALID);
	CHECK(audit_verify(db, &rows, &bad, &e) == 0);
	free(ca);
	tbuf_free(&pdf);
	tbuf_free(&s1);
}

DB_TEST(sign_pdf_two_signatures_xref_stream)
{
	struct sign_fx f;
	struct err e = ERR_INIT;
	struct cx as;
	struct tbuf base = tpdf_cairo(1), pdf = tpdf_xref_stream(&base), s1, s2 = {NULL, 0};
	json_t *r;
	sign_fx_setup(db, &f);
	CHECK(sign_ca_issue(&f.cx, f.signer2, NULL, 0, NULL, &e) == 0);
	CHECK(last_xref_is_stream(&pdf));
	s1 = sign_as(&f, &pdf, NULL);
	CHECK(last_xref_is_stream(&s1));
	sign_fx_as(&f, "chi.signer", &as);
	CHECK(sign_pdf(&as, f.signer2, s1.p, s1.n, NULL, &s2.p, &s2.n, &e) == 0);
	CHECK(last_xref_is_stream(&s2));
	r = verify(db, NULL, &s2);
	CHECK(is_true(r, "valid"));
	CHECK(json_array_size(json_object_get(r, "signatures")) == 2);
	CHECK(is_true(sig_n(r, 0), "valid") && !is_true(sig_n(r, 0), "covers_whole_file"));
	CHECK(is_true(sig_n(r, 1), "valid") && is_true(sig_n(r, 1), "covers_whole_file"));
	CHECK_STR(json_string_value(json_object_get(sig_n(r, 1), "signer")), "Lê Thị Chi");
	json_decref(r);
	/* Bytes appended after the last signature: not valid any more. */
	{
		struct tbuf more = {malloc(s2.n + 40), s2.n + 40};
		memcpy(more.p, s2.p, s2.n);
		memcpy(more.p + s2.n, "1 0 obj\n<< >>\nendobj\n%%EOF\n              ", 40);
		r = verify(db, NULL, &more);
		CHECK(!is_true(r, "valid") && is_true(sig_n(r, 1), "valid"));
		json_decref(r);
		tbuf_free(&more);
	}
	tbuf_free(&base);
	tbuf_free(&pdf);
	tbuf_free(&s1);
	tbuf_free(&s2);
}

DB_TEST(sign_pdf_tamper_detected)
{
	struct sign_fx f;
	struct tbuf pdf = tpdf_cairo(1), s1;
	json_t *r;
	size_t at[6];
	sign_fx_setup(db, &f);
	s1 = sign_as(&f, &pdf, NULL);
	at[0] = 9;			/* the header */
	at[1] = pdf.n / 2;		/* the original content */
	at[2] = pdf.n + 40;		/* the update, before /Contents */
	at[3] = s1.n - 30;		/* the trailer */
	at[4] = s1.n - 2;		/* %%EOF */
	at[5] = (size_t)((const unsigned char *)memmem(s1.p, s1.n, "/Contents <", 11) - s1.p) + 11 + 4000;
	for (int i = 0; i < 6; i++) {
		struct tbuf t = {malloc(s1.n), s1.n};
		memcpy(t.p, s1.p, s1.n);
		t.p[at[i]] = t.p[at[i]] == '1' ? '2' : '1';
		r = verify(db, NULL, &t);
		CHECK(!is_true(r, "valid"));
		CHECK(json_is_string(json_object_get(sig_n(r, 0), "problem")));
		json_decref(r);
		tbuf_free(&t);
	}
	tbuf_free(&pdf);
	tbuf_free(&s1);
}

DB_TEST(sign_pdf_revoked_reported)
{
	struct sign_fx f;
	struct err e = ERR_INIT;
	struct cx as;
	struct tbuf pdf = tpdf_cairo(1), s1, s2 = {NULL, 0};
	json_t *r;
	sign_fx_setup(db, &f);
	s1 = sign_as(&f, &pdf, NULL);
	CHECK(sign_ca_revoke(&f.cx, f.signer, NULL, "affiliationChanged", NULL, &e) == 0);
	r = verify(db, NULL, &s1);
	CHECK(!is_true(r, "valid"));
	CHECK(is_true(sig_n(r, 0), "revoked"));
	CHECK(strstr(json_string_value(json_object_get(sig_n(r, 0), "problem")), "revoked") != NULL);
	json_decref(r);
	/* No valid certificate left: signing is refused. */
	sign_fx_as(&f, "an.signer", &as);
	CHECK(sign_pdf(&as, f.signer, pdf.p, pdf.n, NULL, &s2.p, &s2.n, &e) == -ERR_FORBIDDEN);
	CHECK(s2.p == NULL);
	tbuf_free(&pdf);
	tbuf_free(&s1);
}

DB_TEST(sign_pdf_bad_input)
{
	struct sign_fx f;
	struct err e = ERR_INIT;
	struct cx as;
	struct tbuf pdf = tpdf_cairo(1), enc = tpdf_encrypted(&pdf, 1),
		    enc0 = tpdf_encrypted(&pdf, 0), t;
	unsigned char *out = NULL;
	size_t n = 0;
	const char *sx;
	sign_fx_setup(db, &f);
	sign_fx_as(&f, "an.signer", &as);
	CHECK(sign_pdf(&as, f.signer, (const unsigned char *)"GIF89a not a pdf at all", 23, NULL,
		       &out, &n, &e) == -ERR_INVALID);
	CHECK(out == NULL && strcmp(e.field, "file") == 0);
	CHECK(sign_pdf(&as, f.signer, enc.p, enc.n, NULL, &out, &n, &e) == -ERR_INVALID);
	CHECK(strstr(e.msg, "encrypted") != NULL && out == NULL);
	CHECK(sign_pdf(&as, f.signer, enc0.p, enc0.n, NULL, &out, &n, &e) == -ERR_INVALID);
	CHECK(strstr(e.msg, "encrypted") != NULL && out == NULL);
	/* Truncated: no startxref. */
	CHECK(sign_pdf(&as, f.signer, pdf.p, pdf.n / 2, NULL, &out, &n, &e) == -ERR_INVALID);
	CHECK(out == NULL);
	/* startxref pointing elsewhere. */
	t.p = malloc(pdf.n);
	t.n = pdf.n;
	memcpy(t.p, pdf.p, pdf.n);
	sx = memmem(t.p + t.n - 64, 64, "startxref", 9);
	CHECK(sx != NULL);
	if (sx) {
		((char *)sx)[11] = sx[11] == '1' ? '2' : '1';
		CHECK(sign_pdf(&as, f.signer, t.p, t.n, NULL, &out, &n, &e) == -ERR_INVALID);
		CHECK(out == NULL);
	}
	/* A page that does not exist; a box too small. */
	{
		struct sign_appearance ap = {0};
		ap.page = 7;
		CHECK(sign_pdf(&as, f.signer, pdf.p, pdf.n, &ap, &out, &n, &e) == -ERR_INVALID);
		ap.page = 1;
		ap.w = 5;
		ap.h = 5;
		CHECK(sign_pdf(&as, f.signer, pdf.p, pdf.n, &ap, &out, &n, &e) == -ERR_INVALID);
		ap.w = 200;
		ap.h = 80;
		ap.signature_png = (const unsigned char *)"\x89PNG\r\n\x1a\nnot really";
		ap.signature_png_len = 18;
		CHECK(sign_pdf(&as, f.signer, pdf.p, pdf.n, &ap, &out, &n, &e) == -ERR_INVALID);
		CHECK_STR(e.field, "signature_png");
	}
	tbuf_free(&t);
	tbuf_free(&pdf);
	tbuf_free(&enc);
	tbuf_free(&enc0);
}

DB_TEST(sign_pdf_who_may_sign)
{
	struct sign_fx f;
	struct err e = ERR_INIT;
	struct cx as;
	struct tbuf pdf = tpdf_cairo(1);
	unsigned char *out = NULL;
	size_t n = 0;
	sign_fx_setup(db, &f);
	/* A viewer: forbidden. */
	sign_fx_as(&f, "binh.viewer", &as);
	CHECK(sign_pdf(&as, f.viewer, pdf.p, pdf.n, NULL, &out, &n, &e) == -ERR_FORBIDDEN);
	/* Someone else's certificate: forbidden, even for an admin. */
	sign_fx_as(&f, "dung.admin", &as);
	CHECK(sign_pdf(&as, f.signer, pdf.p, pdf.n, NULL, &out, &n, &e) == -ERR_FORBIDDEN);
	/* A signer without a certificate: forbidden, with the way out. */
	sign_fx_as(&f, "chi.signer", &as);
	CHECK(sign_pdf(&as, f.signer2, pdf.p, pdf.n, NULL, &out, &n, &e) == -ERR_FORBIDDEN);
	CHECK(strstr(e.msg, "ca issue") != NULL);
	CHECK(out == NULL);
	tbuf_free(&pdf);
}

DB_TEST(sign_pdf_appearance_images_rotation)
{
	struct sign_fx f;
	struct tbuf base = tpdf_cairo(2), rot = tpdf_rotated(&base), s1, s2;
	struct tbuf sig = tpng(400, 150, 0.1, 0.2, 0.8), seal = tpng(300, 300, 0.85, 0.05, 0.05);
	struct sign_appearance ap = {0};
	json_t *r;
	sign_fx_setup(db, &f);
	ap.title = "Bí thư";
	ap.reason = "Phê duyệt (bản chính)";
	ap.location = "Buôn Ma Thuột";
	ap.signature_png = sig.p;
	ap.signature_png_len = sig.n;
	ap.seal_png = seal.p;
	ap.seal_png_len = seal.n;
	ap.page = 1;
	s1 = sign_as(&f, &rot, &ap);
	CHECK(memmem(s1.p, s1.n, "/Matrix [0 1 -1 0 0 0]", 22) != NULL);
	CHECK(memmem(s1.p, s1.n, "/SMask", 6) != NULL);	     /* transparent images */
	CHECK(memmem(s1.p, s1.n, "/FontFile", 9) != NULL);   /* an embedded font */
	ap.x = 50;
	ap.y = 50;
	ap.w = 180;
	ap.h = 90;
	ap.page = 2;
	s2 = sign_as(&f, &s1, &ap);
	CHECK(memmem(s2.p + s1.n, s2.n - s1.n, "/Rect [50.000 50.000 230.000 140.000]", 37) != NULL);
	r = verify(db, NULL, &s2);
	CHECK(is_true(r, "valid"));
	CHECK_STR(json_string_value(json_object_get(sig_n(r, 1), "reason")), "Phê duyệt (bản chính)");
	CHECK_STR(json_string_value(json_object_get(sig_n(r, 1), "location")), "Buôn Ma Thuột");
	json_decref(r);
	tbuf_free(&base);
	tbuf_free(&rot);
	tbuf_free(&s1);
	tbuf_free(&s2);
	tbuf_free(&sig);
	tbuf_free(&seal);
}

TEST(sign_pdf_text_strings)
{
	struct buf b = BUF_INIT;
	pdf_put_text(&b, "a(b)\\c");
	CHECK_STR(b.z, "(a\\(b\\)\\\\c)");
	buf_reset(&b);
	pdf_put_text(&b, "Đ😀");
	CHECK_STR(b.z, "<FEFF0110D83DDE00>");
	buf_reset(&b);
	pdf_put_name(&b, "A B#/");
	CHECK_STR(b.z, "/A#20B#23#2F");
	buf_free(&b);
}
