/*
 * test_sign_stamp.c — the verification stamp (report/pdf_stamp.c draws,
 * sign/stamp.c applies): on PDFs from cairo (xref table), qpdf (xref
 * stream) and a rotated page, the original bytes are kept, the update's
 * cross-reference is of the original's kind, poppler reads the link back
 * from page 1 and the mark says which link the file carries; a rendered
 * template with its QR code carries the mark already; bad and encrypted
 * files are refused with the signing module's words; a stamped file is
 * signed and verifies.  The QR code is decoded with zbarimg in
 * tests/sign.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/doc_file.h"
#include "report/pdf_doc.h"
#include "report/pdf_stamp.h"
#include "sign/sign.h"
#include "test.h"
#include "test_sign.h"

#define LINK "https://cadre.example.vn/verify/123456789012345"

/* The kind of the last cross-reference section: 1 stream, 0 table. */
static int xref_is_stream(const unsigned char *p, size_t n)
{
	const char *sx = memmem(p + n - 40, 40, "startxref", 9);
	size_t off = sx ? strtoul(sx + 9, NULL, 10) : 0;
	if (!off || off + 200 > n) {
		return -1;
	}
	return memcmp(p + off, "xref", 4) != 0 && memmem(p + off, 200, "/XRef", 5) != NULL;
}

/* Stamp `in` with LINK; CHECKs what every stamped file must satisfy. */
static struct tbuf stamp(const struct tbuf *in)
{
	struct err e = ERR_INIT;
	struct sign_stamp st = {0};
	struct doc_pdf_info info = {0};
	struct tbuf look = {NULL, 0}, out = {NULL, 0};
	char mark[256];
	CHECK(pdf_stamp_render(LINK, &look.p, &look.n, &st.w, &st.h, &e) == 0);
	st.look_pdf = look.p;
	st.look_n = look.n;
	st.mark = LINK;
	CHECK(sign_stamp_mark(in->p, in->n, mark, sizeof mark, &e) == 0 && mark[0] == 0);
	if (sign_stamp_pdf(in->p, in->n, &st, &out.p, &out.n, &e)) {
		printf("    sign_stamp_pdf: %s\n", e.msg);
		CHECK(0);
		tbuf_free(&look);
		return out;
	}
	/* An incremental update: the original bytes first, the same kind of
	 * cross-reference section last. */
	CHECK(out.n > in->n && memcmp(out.p, in->p, in->n) == 0);
	CHECK(xref_is_stream(out.p, out.n) == xref_is_stream(in->p, in->n));
	CHECK(sign_stamp_mark(out.p, out.n, mark, sizeof mark, &e) == 1);
	CHECK_STR(mark, LINK);
	/* poppler reads the link on the page (folded: lower case). */
	CHECK(doc_pdf_check(out.p, out.n, 1, &info, &e) == 0);
	CHECK(info.text && strstr(info.text, "verify/123456789012345") != NULL);
	CHECK(info.text && strstr(info.text, "xac minh van ban") != NULL);
	free(info.text);
	tbuf_free(&look);
	return out;
}

TEST(sign_stamp_draw_and_apply)
{
	struct tbuf base = tpdf_cairo(2), xs = tpdf_xref_stream(&base),
		    rot = tpdf_rotated(&base), a, b, c, look = {NULL, 0};
	struct err e = ERR_INIT;
	double w = 0, h = 0;
	/* A small box: the QR code and one line of the link beside it. */
	CHECK(pdf_stamp_render(LINK, &look.p, &look.n, &w, &h, &e) == 0);
	CHECK(w > PDF_STAMP_QR + 100 && w < PDF_STAMP_QR + PDF_STAMP_TEXT_MAX + 20);
	CHECK(h >= PDF_STAMP_QR && h < PDF_STAMP_QR + 10);
	tbuf_free(&look);
	CHECK(pdf_stamp_render("", &look.p, &look.n, &w, &h, &e) < 0 &&
	      e.code == ERR_INVALID && look.p == NULL);
	a = stamp(&base);
	b = stamp(&xs);
	c = stamp(&rot);
	/* The rotated page: the form is turned with the page, and placed by a
	 * translation only along the page's user-space axes. */
	CHECK(c.p && memmem(c.p + rot.n, c.n - rot.n, "/Matrix [0 1 -1 0 0 0]", 22) != NULL);
	/* Only page 1 is touched: its page object is the one rewritten, with
	 * the original content streams wrapped in q … Q. */
	CHECK(a.p && memmem(a.p + base.n, a.n - base.n, "/CadreStamp1 Do Q", 17) != NULL);
	tbuf_free(&a);
	tbuf_free(&b);
	tbuf_free(&c);
	tbuf_free(&base);
	tbuf_free(&xs);
	tbuf_free(&rot);
}

TEST(sign_stamp_marks_and_refusals)
{
	struct tbuf base = tpdf_cairo(1), enc = tpdf_encrypted(&base, 0), out = {NULL, 0};
	struct err e = ERR_INIT;
	struct sign_stamp st = {0};
	struct pdf_doc d = {0};
	unsigned char *pdf = NULL;
	size_t n = 0;
	char mark[256];
	/* A template rendered with its QR code carries the mark. */
	d.tpl = PDF_DOC_STATE;
	d.issuer = "ỦY BAN NHÂN DÂN TỈNH";
	d.place = "Hà Nội";
	d.qr = LINK;
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) == 0);
	CHECK(pdf && sign_stamp_mark(pdf, n, mark, sizeof mark, &e) == 1);
	CHECK_STR(mark, LINK);
	free(pdf);
	/* Without a QR code, none. */
	d.qr = NULL;
	CHECK(pdf_doc_render(&d, &pdf, &n, NULL, &e) == 0);
	CHECK(pdf && sign_stamp_mark(pdf, n, mark, sizeof mark, &e) == 0);
	free(pdf);
	/* What cannot be signed cannot be stamped, with the same words. */
	st.look_pdf = base.p; /* any one-page PDF will do as a drawing */
	st.look_n = base.n;
	st.w = 200;
	st.h = 50;
	st.mark = LINK;
	CHECK(sign_stamp_pdf((const unsigned char *)"GIF89a, not a PDF at all", 24, &st,
			     &out.p, &out.n, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "file") == 0 && out.p == NULL);
	CHECK(sign_stamp_pdf(enc.p, enc.n, &st, &out.p, &out.n, &e) < 0);
	CHECK(e.code == ERR_INVALID && strstr(e.msg, "encrypted") != NULL);
	CHECK(sign_stamp_mark(enc.p, enc.n, mark, sizeof mark, &e) < 0 && e.code == ERR_INVALID);
	CHECK(sign_stamp_mark(base.p, base.n / 2, mark, sizeof mark, &e) < 0);
	/* A page far too small for the stamp. */
	st.w = 5000;
	CHECK(sign_stamp_pdf(base.p, base.n, &st, &out.p, &out.n, &e) < 0);
	CHECK(e.code == ERR_INVALID && strstr(e.msg, "too small") != NULL);
	tbuf_free(&base);
	tbuf_free(&enc);
}

DB_TEST(sign_stamp_then_two_signatures)
{
	struct sign_fx f;
	struct tbuf base = tpdf_cairo(2), st, s1 = {NULL, 0}, s2 = {NULL, 0};
	struct err e = ERR_INIT;
	struct cx as;
	json_t *r = NULL;
	char mark[256];
	sign_fx_setup(db, &f);
	sign_fx_as(&f, "an.signer", &as);
	st = stamp(&base);
	CHECK(sign_pdf(&as, f.signer, st.p, st.n, NULL, &s1.p, &s1.n, &e) == 0);
	CHECK(sign_pdf(&as, f.signer, s1.p, s1.n, NULL, &s2.p, &s2.n, &e) == 0);
	CHECK(s2.p && sign_verify_pdf(db, NULL, s2.p, s2.n, &r, &e) == 0);
	CHECK(json_is_true(json_object_get(r, "valid")));
	CHECK(json_array_size(json_object_get(r, "signatures")) == 2);
	json_decref(r);
	/* The mark survives the signatures' updates. */
	CHECK(s2.p && sign_stamp_mark(s2.p, s2.n, mark, sizeof mark, &e) == 1);
	CHECK_STR(mark, LINK);
	tbuf_free(&base);
	tbuf_free(&st);
	tbuf_free(&s1);
	tbuf_free(&s2);
}
