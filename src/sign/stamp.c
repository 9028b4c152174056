/*
 * stamp.c — the verification stamp (sign.h): a drawing (the QR code and
 * short link of the document's public page, made by report/pdf_stamp.c)
 * placed on page 1 of a PDF in an incremental update, before anyone signs
 * it, and the mark /CadreVerify in the document information dictionary
 * that says the file carries it.  Uses the reader and the update writer
 * of pdf.c, as the signatures do.  Must never change a byte of the
 * original file, and never stamp anything but page 1.
 */
#include <stdio.h>
#include <string.h>

#include "sign/sign.h"
#include "sign/sign_internal.h"

#define EDGE 10.0  /* points from the left and bottom edges as displayed */
#define MIN_SCALE 0.25
#define QR_MARK_MAX 2048 /* bytes of a mark read */

/* A name for the stamp's XObject that the page's resources do not use. */
static void xobject_name(qpdf_data q, qpdf_oh xobjects, char name[32])
{
	for (int k = 1;; k++) {
		char key[40];
		snprintf(name, 32, "CadreStamp%d", k);
		snprintf(key, sizeof key, "/%s", name);
		if (!qpdf_oh_is_dictionary(q, xobjects) || !qpdf_oh_has_key(q, xobjects, key)) {
			return;
		}
	}
}

/* A content stream object holding `text`. */
static void put_stream(struct pdf_update *u, int id, const char *text)
{
	pdf_obj_begin(u, id, 0);
	buf_printf(&u->out, "<< /Length %zu >>\nstream\n%s\nendstream", strlen(text),
		   text);
	pdf_obj_end(u);
}

/* Page 1 rewritten: its content streams wrapped between `pre` (q) and
 * `post` (Q, then the stamp), its resources (its own or inherited) copied
 * with the stamp's XObject added. */
static int rewrite_page(struct pdf_update *u, struct pdf *p,
			const struct pdf_page *pg, int pre, int post,
			const char *name, int form_id)
{
	static const char *const skip_page[] = {"/Contents", "/Resources", NULL};
	static const char *const skip_res[] = {"/XObject", NULL};
	qpdf_oh contents = qpdf_oh_get_key(p->q, pg->oh, "/Contents");
	qpdf_oh res = pdf_inherited(p->q, pg->oh, "/Resources");
	qpdf_oh xo = qpdf_oh_get_key(p->q, res, "/XObject");
	struct buf *b = &u->out;
	pdf_obj_begin(u, pg->id, pg->gen);
	if (pdf_put_dict_open(b, p->q, pg->oh, skip_page)) {
		return -1;
	}
	buf_printf(b, " /Contents [%d 0 R", pre);
	if (qpdf_oh_is_array(p->q, contents)) {
		int n = qpdf_oh_get_array_n_items(p->q, contents);
		for (int i = 0; i < n; i++) {
			buf_putc(b, ' ');
			if (pdf_put_value(b, p->q, qpdf_oh_get_array_item(p->q, contents, i), 1)) {
				return -1;
			}
		}
	} else if (qpdf_oh_is_stream(p->q, contents)) {
		buf_putc(b, ' ');
		if (pdf_put_value(b, p->q, contents, 1)) {
			return -1; /* a direct stream: not a valid page */
		}
	}
	buf_printf(b, " %d 0 R] /Resources ", post);
	if (qpdf_oh_is_dictionary(p->q, res)) {
		if (pdf_put_dict_open(b, p->q, res, skip_res)) {
			return -1;
		}
	} else {
		buf_puts(b, "<<");
	}
	buf_puts(b, " /XObject ");
	if (qpdf_oh_is_dictionary(p->q, xo)) {
		if (pdf_put_dict_open(b, p->q, xo, NULL)) {
			return -1;
		}
	} else {
		buf_puts(b, "<<");
	}
	buf_putc(b, ' ');
	pdf_put_name(b, name);
	buf_printf(b, " %d 0 R >> >> >>", form_id);
	pdf_obj_end(u);
	return 0;
}

/* The information dictionary with the mark: the same object when it is
 * one, else a new object the trailer will name. */
static int put_info(struct pdf_update *u, struct pdf *p, const char *mark)
{
	static const char *const skip[] = {"/" SIGN_STAMP_KEY, NULL};
	qpdf_oh info = qpdf_oh_get_key(p->q, p->trailer, "/Info");
	int dict = qpdf_oh_is_dictionary(p->q, info);
	if (dict && qpdf_oh_is_indirect(p->q, info)) {
		pdf_obj_begin(u, qpdf_oh_get_object_id(p->q, info),
			      qpdf_oh_get_generation(p->q, info));
	} else {
		u->info_id = pdf_update_new_id(u);
		pdf_obj_begin(u, u->info_id, 0);
	}
	if (dict) {
		if (pdf_put_dict_open(&u->out, p->q, info, skip)) {
			return -1;
		}
	} else {
		buf_puts(&u->out, "<<");
	}
	buf_puts(&u->out, " /" SIGN_STAMP_KEY " ");
	pdf_put_text(&u->out, mark);
	buf_puts(&u->out, " >>");
	pdf_obj_end(u);
	return 0;
}

int sign_stamp_pdf(const unsigned char *pdf, size_t n,
		   const struct sign_stamp *st, unsigned char **out,
		   size_t *out_n, struct err *e)
{
	struct pdf p;
	struct pdf_page pg;
	struct pdf_update u;
	char name[32], post_text[256];
	double dw, dh, s = 1.0, rect[4], minx, miny;
	int rc, form_id, pre, post;
	*out = NULL;
	*out_n = 0;
	if (n > SIGN_PDF_MAX) {
		return err_set(e, ERR_TOO_LARGE, "file", "the PDF is over %zu MB",
			       SIGN_PDF_MAX >> 20);
	}
	if (!st || !st->look_pdf || !st->look_n || st->w < 1 || st->h < 1 ||
	    !st->mark || !*st->mark) {
		return err_set(e, ERR_INTERNAL, "stamp", "the stamp has no drawing or mark");
	}
	memset(&u, 0, sizeof u);
	if ((rc = pdf_open(&p, pdf, n, e)) || (rc = pdf_page_get(&p, 1, &pg, e))) {
		goto done;
	}
	if (pdf_docmdp_locked(&p)) {
		rc = err_set(e, ERR_INVALID, "file", "the document is certified "
			     "with no changes allowed: it cannot be signed");
		goto done;
	}
	/* The page as displayed; the stamp scaled down when it is too small. */
	dw = pg.rotate == 90 || pg.rotate == 270 ? pg.box[3] - pg.box[1] : pg.box[2] - pg.box[0];
	dh = pg.rotate == 90 || pg.rotate == 270 ? pg.box[2] - pg.box[0] : pg.box[3] - pg.box[1];
	if (st->w + 2 * EDGE > dw) {
		s = (dw - 2 * EDGE) / st->w;
	}
	if (st->h + 2 * EDGE > dh && (dh - 2 * EDGE) / st->h < s) {
		s = (dh - 2 * EDGE) / st->h;
	}
	if (s < MIN_SCALE) {
		rc = err_set(e, ERR_INVALID, "file", "the first page (%.0f × %.0f points) "
			     "is too small for the verification stamp", dw, dh);
		goto done;
	}
	pdf_page_rect(&pg, EDGE, EDGE, st->w * s, st->h * s, rect);
	/* Where the form's /Matrix (the page's rotation) puts its box. */
	switch (pg.rotate) {
	case 90:
		minx = -st->h * s;
		miny = 0;
		break;
	case 180:
		minx = -st->w * s;
		miny = -st->h * s;
		break;
	case 270:
		minx = 0;
		miny = -st->w * s;
		break;
	default:
		minx = miny = 0;
	}
	xobject_name(p.q, qpdf_oh_get_key(p.q, pdf_inherited(p.q, pg.oh, "/Resources"),
					  "/XObject"),
		     name);
	if ((rc = pdf_check(&p, e)) || (rc = pdf_update_begin(&u, &p, e))) {
		goto done;
	}
	if ((rc = pdf_import_form(&u, st->look_pdf, st->look_n, st->w, st->h, pg.rotate,
				  &form_id, e))) {
		err_set(e, ERR_INTERNAL, "stamp", "the verification stamp could not be "
			"embedded");
		goto done;
	}
	pre = pdf_update_new_id(&u);
	post = pdf_update_new_id(&u);
	put_stream(&u, pre, "q");
	snprintf(post_text, sizeof post_text, "Q q %.5f 0 0 %.5f %.3f %.3f cm /%s Do Q", s,
		 s, rect[0] - minx, rect[1] - miny, name);
	put_stream(&u, post, post_text);
	if (rewrite_page(&u, &p, &pg, pre, post, name, form_id) ||
	    put_info(&u, &p, st->mark) || pdf_check(&p, e)) {
		rc = e->code ? -(int)e->code
			     : err_set(e, ERR_INVALID, "file", "the first page or the "
				       "information dictionary cannot be rewritten");
		goto done;
	}
	if ((rc = pdf_update_finish(&u, &p, e)) == 0) {
		*out = (unsigned char *)buf_detach(&u.out, out_n);
	}
done:
	pdf_update_free(&u);
	pdf_close(&p);
	return rc;
}

/* The mark in the information dictionary: its /CadreVerify, else the
 * word "CadreVerify=<link>" of its /Keywords (the template renderer's).
 * 1 found (copied to out), 0 none. */
static int find_mark(qpdf_data q, qpdf_oh info, char *out, size_t cap)
{
	qpdf_oh v = qpdf_oh_get_key(q, info, "/" SIGN_STAMP_KEY);
	const char *kw;
	size_t len;
	if (qpdf_oh_is_string(q, v)) {
		snprintf(out, cap, "%s", qpdf_oh_get_utf8_value(q, v));
		return 1;
	}
	v = qpdf_oh_get_key(q, info, "/Keywords");
	if (!qpdf_oh_is_string(q, v) ||
	    !(kw = strstr(qpdf_oh_get_utf8_value(q, v), SIGN_STAMP_KEY "="))) {
		return 0;
	}
	kw += strlen(SIGN_STAMP_KEY "=");
	len = strcspn(kw, " \t\r\n,;");
	snprintf(out, cap, "%.*s", (int)len, kw);
	return len > 0;
}

int sign_stamp_mark(const unsigned char *pdf, size_t n, char *out,
		    size_t cap, struct err *e)
{
	char mark[QR_MARK_MAX];
	struct pdf p;
	int rc;
	if (cap) {
		out[0] = 0;
	}
	if (n > SIGN_PDF_MAX) {
		return err_set(e, ERR_TOO_LARGE, "file", "the PDF is over %zu MB",
			       SIGN_PDF_MAX >> 20);
	}
	if ((rc = pdf_open(&p, pdf, n, e)) == 0) {
		rc = find_mark(p.q, qpdf_oh_get_key(p.q, p.trailer, "/Info"), mark,
			       sizeof mark);
		if (pdf_check(&p, e)) {
			rc = -ERR_INVALID;
		} else if (rc == 1 && cap) {
			snprintf(out, cap, "%s", mark);
		}
	}
	pdf_close(&p);
	return rc;
}
