/*
 * pdf_doc.c — renders a document from the party or the state template as
 * an A4 PDF with cairo and pango (the layout is described in pdf_doc.h),
 * and reads the template's fields from JSON.  Draws only: it never reads
 * the database and never decides a number, a date or a signer.
 */
#include "report/pdf_doc.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/utf8.h"
#include "report/qr.h"

/* A4 in points, and the margins of Decree 30 (mm → pt). */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MM (72.0 / 25.4)
#define M_TOP (20 * MM)
#define M_BOTTOM (20 * MM)
#define M_LEFT (30 * MM)
#define M_RIGHT (15 * MM)
#define TEXT_W (PAGE_W - M_LEFT - M_RIGHT)
#define LEFT_W 190.0		 /* the left column of the header */
#define RIGHT_W (TEXT_W - LEFT_W) /* the right column */
#define BOTTOM (PAGE_H - M_BOTTOM)
#define QR_SIZE 48.0
#define SIGN_ROOM 80.0 /* points between the title and the name */

#define SERIF "Noto Serif"
#define SANS "Noto Sans"

/* Text styles. */
enum {
	T_BOLD = 1,
	T_ITALIC = 2,
	T_JUSTIFY = 4,
	T_INDENT = 8,	/* first line of each paragraph indented 1 cm */
	T_SPACED = 16,	/* body line spacing */
	T_LEFT = 32,	/* aligned left (default: centred) */
	T_SANS = 64,
	T_HANG = 128,	/* lines after the first of a paragraph indented */
};

struct pd {
	const struct pdf_doc *d;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *ctx;
	double y; /* the top of the free space on the current page */
	int page;
	struct pdf_doc_place sign_at;
};

/* One font map per thread (pango font maps are not thread-safe), kept for
 * the thread's life so fonts are looked up once. */
static _Thread_local PangoFontMap *pd_font_map;

/* --- text --- */

/* A layout of text (NFC-normalized) in a style, wrapped at width points. */
static PangoLayout *pd_layout(struct pd *p, const char *text, double size,
			      unsigned style, double width)
{
	PangoLayout *l = pango_layout_new(p->ctx);
	PangoFontDescription *fd = pango_font_description_new();
	char *nfc = utf8_nfc(text ? text : "");
	pango_font_description_set_family(fd, style & T_SANS ? SANS : SERIF);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, style & T_BOLD ? PANGO_WEIGHT_BOLD
							     : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(fd, style & T_ITALIC ? PANGO_STYLE_ITALIC
							      : PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, style & (T_LEFT | T_JUSTIFY) ? PANGO_ALIGN_LEFT
								    : PANGO_ALIGN_CENTER);
	pango_layout_set_justify(l, (style & T_JUSTIFY) != 0);
	if (style & T_INDENT) {
		pango_layout_set_indent(l, (int)(10 * MM * PANGO_SCALE));
	} else if (style & T_HANG) {
		pango_layout_set_indent(l, -7 * PANGO_SCALE);
	}
	if (style & T_SPACED) {
		pango_layout_set_line_spacing(l, 1.2f);
	}
	pango_layout_set_text(l, nfc ? nfc : "", -1);
	free(nfc);
	return l;
}

static double pd_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* The width of the widest line's ink, in points. */
static double pd_text_width(PangoLayout *l)
{
	PangoRectangle ink;
	pango_layout_get_extents(l, &ink, NULL);
	return (double)ink.width / PANGO_SCALE;
}

/* Show text at (x, y) and return the height it took. */
static double pd_text(struct pd *p, const char *text, double size, unsigned style,
		      double x, double y, double width)
{
	PangoLayout *l = pd_layout(p, text, size, style, width);
	double h = pd_height(l);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	return h;
}

/* A horizontal rule of width w centred on cx at y. */
static void pd_rule(struct pd *p, double cx, double y, double w)
{
	cairo_save(p->cr);
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, cx - w / 2, y);
	cairo_line_to(p->cr, cx + w / 2, y);
	cairo_stroke(p->cr);
	cairo_restore(p->cr);
}

/* Centred text with a rule under its whole width (the state motto, the
 * party's name). */
static double pd_text_ruled(struct pd *p, const char *text, double size,
			    double x, double y, double width)
{
	PangoLayout *l = pd_layout(p, text, size, T_BOLD, width);
	double h = pd_height(l), w = pd_text_width(l);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	pd_rule(p, x + width / 2, y + h + 1, w);
	return h + 2;
}

static int pd_set(const char *s)
{
	return s && *s;
}

/* --- pages --- */

static void pd_page_number(struct pd *p)
{
	char n[16];
	snprintf(n, sizeof n, "%d", p->page);
	pd_text(p, n, 13, 0, M_LEFT, M_TOP / 2 - 8, TEXT_W);
}

static void pd_new_page(struct pd *p)
{
	cairo_show_page(p->cr);
	p->page++;
	p->y = M_TOP;
	pd_page_number(p);
}

/* Flow a layout from p->y at x, line by line, onto as many pages as it
 * needs; p->y ends below it. */
static void pd_flow(struct pd *p, PangoLayout *l, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double base = p->y; /* page y of the layout's y = 0 */
	do {
		PangoRectangle r;
		double top, h, baseline;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		top = (double)r.y / PANGO_SCALE;
		h = (double)r.height / PANGO_SCALE;
		baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		if (base + top + h > BOTTOM && base + top > M_TOP + 0.5) {
			pd_new_page(p);
			base = M_TOP - top;
		}
		cairo_move_to(p->cr, x + (double)r.x / PANGO_SCALE, base + baseline);
		pango_cairo_show_layout_line(p->cr,
					     pango_layout_iter_get_line_readonly(it));
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	p->y = base + pd_height(l);
}

/* --- the parts of a document --- */

/* "ngày 05 tháng 01 năm 2026": days below 10 and the months 1 and 2 with a
 * leading zero (Decree 30); no date = blanks for a handwritten one. */
static void pd_date_line(const struct pdf_doc *d, char *out, size_t cap)
{
	struct date t;
	struct err e = ERR_INIT;
	if (pd_set(d->date) && date_parse(d->date, &t, "date", &e) == 0) {
		snprintf(out, cap, "%s, ngày %02d tháng %s%d năm %d", d->place,
			 t.d, t.m <= 2 ? "0" : "", t.m, t.y);
	} else {
		snprintf(out, cap, "%s, ngày      tháng      năm        ", d->place);
	}
}

static const char *pd_mark(const char *s)
{
	static const struct {
		const char *code, *words;
	} marks[] = {
		{"mat", "MẬT"},		 {"toi_mat", "TỐI MẬT"}, {"tuyet_mat", "TUYỆT MẬT"},
		{"khan", "KHẨN"},	 {"thuong_khan", "THƯỢNG KHẨN"},
		{"hoa_toc", "HỎA TỐC"},
	};
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		if (strcmp(s, marks[i].code) == 0) {
			return marks[i].words;
		}
	}
	return s;
}

static void pd_header(struct pd *p)
{
	const struct pdf_doc *d = p->d;
	int party = d->tpl == PDF_DOC_PARTY;
	double lx = M_LEFT, rx = M_LEFT + LEFT_W, ly = M_TOP, ry = M_TOP, sy;
	char line[512];
	/* Left: the issuing body. */
	if (pd_set(d->superior)) {
		ly += pd_text(p, d->superior, 13, 0, lx, ly, LEFT_W);
	}
	ly += pd_text(p, d->issuer, 13, T_BOLD, lx, ly, LEFT_W);
	if (party) {
		ly += pd_text(p, "*", 13, 0, lx, ly, LEFT_W);
	} else {
		pd_rule(p, lx + LEFT_W / 2, ly + 2, 60);
		ly += 8;
	}
	/* Right: the party's name, or the state's name and motto. */
	if (party) {
		ry += pd_text_ruled(p, "ĐẢNG CỘNG SẢN VIỆT NAM", 14, rx, ry, RIGHT_W);
	} else {
		ry += pd_text(p, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, T_BOLD, rx,
			      ry, RIGHT_W);
		ry += pd_text_ruled(p, "Độc lập - Tự do - Hạnh phúc", 13, rx, ry,
				    RIGHT_W);
	}
	/* The number line and the date line side by side. */
	sy = ly > ry + 6 ? ly : ry + 6;
	snprintf(line, sizeof line, "%s %s", party ? "Số" : "Số:",
		 pd_set(d->symbol) ? d->symbol : "     ");
	ly = sy + pd_text(p, line, 13, 0, lx, sy, LEFT_W);
	pd_date_line(d, line, sizeof line);
	ry = sy + pd_text(p, line, 13, T_ITALIC, rx, sy, RIGHT_W);
	if (!pd_set(d->type) && pd_set(d->subject)) {
		snprintf(line, sizeof line, "V/v %.480s", d->subject);
		ly += pd_text(p, line, 12, 0, lx, ly, LEFT_W);
	}
	if (pd_set(d->secrecy)) {
		ly += 4 + pd_text(p, pd_mark(d->secrecy), 13, T_BOLD, lx, ly + 4, LEFT_W);
	}
	if (pd_set(d->urgency)) {
		ly += 4 + pd_text(p, pd_mark(d->urgency), 13, T_BOLD, lx, ly + 4, LEFT_W);
	}
	p->y = (ly > ry ? ly : ry) + 22;
}

static void pd_title(struct pd *p)
{
	const struct pdf_doc *d = p->d;
	PangoLayout *l;
	if (!pd_set(d->type)) {
		p->y += 4;
		return;
	}
	l = pd_layout(p, d->type, 15, T_BOLD, TEXT_W);
	pd_flow(p, l, M_LEFT);
	g_object_unref(l);
	if (pd_set(d->subject)) {
		l = pd_layout(p, d->subject, 14, T_BOLD, TEXT_W - 60);
		pd_flow(p, l, M_LEFT + 30);
		g_object_unref(l);
	}
	pd_rule(p, M_LEFT + TEXT_W / 2, p->y + 6, 70);
	p->y += 20;
}

static void pd_body(struct pd *p)
{
	for (int i = 0; i < p->d->n_body; i++) {
		PangoLayout *l = pd_layout(p, p->d->body[i], 14,
					   T_JUSTIFY | T_INDENT | T_SPACED, TEXT_W);
		pd_flow(p, l, M_LEFT);
		g_object_unref(l);
		p->y += 6;
	}
}

/* The signature block (right) beside the recipients (left), kept together
 * on one page when they fit on one; a recipient list longer than a page
 * flows on after it. */
static void pd_closing(struct pd *p)
{
	const struct pdf_doc *d = p->d;
	PangoLayout *auth = NULL, *title = NULL, *name = NULL, *head = NULL,
		    *list = NULL;
	struct buf b;
	double rh = 0, lh = 0, need, top, y, rx = M_LEFT + LEFT_W;
	int page;
	buf_init(&b, 0);
	if (pd_set(d->authority)) {
		auth = pd_layout(p, d->authority, 13, T_BOLD, RIGHT_W);
		rh += pd_height(auth);
	}
	if (pd_set(d->title)) {
		title = pd_layout(p, d->title, 13, T_BOLD, RIGHT_W);
		rh += pd_height(title);
	}
	rh += SIGN_ROOM; /* the signature and the seal */
	if (pd_set(d->signer)) {
		name = pd_layout(p, d->signer, 14, T_BOLD, RIGHT_W);
		rh += pd_height(name);
	}
	if (d->n_recipients > 0) {
		head = pd_layout(p, "Nơi nhận:", 12, T_BOLD | T_ITALIC | T_LEFT, LEFT_W);
		for (int i = 0; i < d->n_recipients; i++) {
			const char *r = d->recipients[i];
			buf_printf(&b, "%s%s%s", i ? "\n" : "",
				   r[0] == '-' ? "" : "- ", r);
		}
		list = pd_layout(p, b.z, 11, T_LEFT | T_HANG, LEFT_W);
		lh = pd_height(head) + pd_height(list);
	}
	p->y += 10;
	need = rh > lh ? rh : lh;
	if (need > BOTTOM - M_TOP) {
		need = rh;
	}
	if (p->y + need > BOTTOM) {
		pd_new_page(p);
	}
	top = y = p->y;
	page = p->page;
	if (auth) {
		cairo_move_to(p->cr, rx, y);
		pango_cairo_show_layout(p->cr, auth);
		y += pd_height(auth);
	}
	if (title) {
		cairo_move_to(p->cr, rx, y);
		pango_cairo_show_layout(p->cr, title);
		y += pd_height(title);
	}
	p->sign_at.page = p->page;
	p->sign_at.x = rx + 20;
	p->sign_at.w = RIGHT_W - 40;
	p->sign_at.h = SIGN_ROOM;
	p->sign_at.y = PAGE_H - y - SIGN_ROOM;
	y += SIGN_ROOM;
	if (name) {
		cairo_move_to(p->cr, rx, y);
		pango_cairo_show_layout(p->cr, name);
	}
	if (head) {
		cairo_move_to(p->cr, M_LEFT, top);
		pango_cairo_show_layout(p->cr, head);
		p->y = top + pd_height(head);
		pd_flow(p, list, M_LEFT);
	}
	if (p->page == page && p->y < top + rh) {
		p->y = top + rh;
	}
	buf_free(&b);
	if (auth) {
		g_object_unref(auth);
	}
	if (title) {
		g_object_unref(title);
	}
	if (name) {
		g_object_unref(name);
	}
	if (head) {
		g_object_unref(head);
		g_object_unref(list);
	}
}

/* The QR code of the short link in the bottom-left corner of the first
 * page, inside the margin, the link printed beside it. */
static int pd_qr(struct pd *p, struct err *e)
{
	struct qr q;
	double x = M_LEFT, y = PAGE_H - 8 - QR_SIZE;
	char caption[QR_TEXT_MAX + 64];
	if (qr_encode(p->d->qr, &q, e)) {
		qr_free(&q);
		snprintf(e->field, sizeof e->field, "qr");
		return -(int)e->code;
	}
	qr_draw(p->cr, &q, 2, x, y, QR_SIZE);
	qr_free(&q);
	snprintf(caption, sizeof caption, "Xác minh văn bản / Verify:\n%s", p->d->qr);
	pd_text(p, caption, 7, T_SANS | T_LEFT, x + QR_SIZE + 4, y + 12,
		TEXT_W - QR_SIZE - 4);
	return 0;
}

/* --- checks and the whole --- */

/* Add the bytes of s to *total; ERR_INVALID naming field when s is not
 * UTF-8 or the total passes the limit. */
static int pd_check_text(const char *s, const char *field, size_t *total,
			 struct err *e)
{
	size_t n = s ? strlen(s) : 0;
	if (!utf8_valid(s ? s : "", n)) {
		return err_set(e, ERR_INVALID, field, "%s is not valid UTF-8", field);
	}
	*total += n;
	if (*total > PDF_DOC_TEXT_MAX) {
		return err_set(e, ERR_INVALID, field,
			       "the document's text is longer than %d bytes",
			       PDF_DOC_TEXT_MAX);
	}
	return 0;
}

static int pd_check(const struct pdf_doc *d, struct err *e)
{
	const struct {
		const char *s, *field;
	} f[] = {
		{d->superior, "superior"}, {d->issuer, "issuer"},
		{d->symbol, "symbol"},	   {d->place, "place"},
		{d->date, "date"},	   {d->type, "type"},
		{d->subject, "subject"},   {d->authority, "authority"},
		{d->title, "title"},	   {d->signer, "signer"},
		{d->secrecy, "secrecy"},   {d->urgency, "urgency"},
		{d->qr, "qr"},
	};
	struct date t;
	size_t total = 0;
	int rc;
	if (d->tpl != PDF_DOC_PARTY && d->tpl != PDF_DOC_STATE) {
		return err_set(e, ERR_INVALID, "template",
			       "the template is party or state");
	}
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if ((rc = pd_check_text(f[i].s, f[i].field, &total, e))) {
			return rc;
		}
	}
	if (!pd_set(d->issuer)) {
		return err_set(e, ERR_INVALID, "issuer", "the issuing body is required");
	}
	if (!pd_set(d->place)) {
		return err_set(e, ERR_INVALID, "place",
			       "the place of issue is required (Hà Nội, …)");
	}
	if (pd_set(d->date) && date_parse(d->date, &t, "date", e)) {
		return -(int)e->code;
	}
	if (d->n_body < 0 || d->n_body > PDF_DOC_PARAS_MAX ||
	    (d->n_body > 0 && !d->body)) {
		return err_set(e, ERR_INVALID, "body", "at most %d paragraphs",
			       PDF_DOC_PARAS_MAX);
	}
	if (d->n_recipients < 0 || d->n_recipients > PDF_DOC_RECIPIENTS_MAX ||
	    (d->n_recipients > 0 && !d->recipients)) {
		return err_set(e, ERR_INVALID, "recipients", "at most %d recipients",
			       PDF_DOC_RECIPIENTS_MAX);
	}
	for (int i = 0; i < d->n_body; i++) {
		if ((rc = pd_check_text(d->body[i], "body", &total, e))) {
			return rc;
		}
	}
	for (int i = 0; i < d->n_recipients; i++) {
		if ((rc = pd_check_text(d->recipients[i], "recipients", &total, e))) {
			return rc;
		}
	}
	return 0;
}

static cairo_status_t pd_write(void *closure, const unsigned char *data,
			       unsigned int len)
{
	struct buf *b = closure;
	buf_append(b, data, len);
	return b->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int pdf_doc_render(const struct pdf_doc *d, unsigned char **out, size_t *n,
		   struct pdf_doc_place *sign_at, struct err *e)
{
	cairo_font_options_t *fo;
	cairo_status_t st;
	struct pd p;
	struct buf b;
	char title[512];
	int rc;
	*out = NULL;
	*n = 0;
	if (sign_at) {
		memset(sign_at, 0, sizeof *sign_at);
	}
	if ((rc = pd_check(d, e))) {
		return rc;
	}
	if (!pd_font_map) {
		pd_font_map = pango_cairo_font_map_new();
	}
	memset(&p, 0, sizeof p);
	p.d = d;
	p.page = 1;
	buf_init(&b, 0);
	p.surface = cairo_pdf_surface_create_for_stream(pd_write, &b, PAGE_W, PAGE_H);
	snprintf(title, sizeof title, "%s%s%s", pd_set(d->type) ? d->type : "",
		 pd_set(d->type) && pd_set(d->symbol) ? " " : "",
		 pd_set(d->symbol) ? d->symbol : "");
	if (title[0]) {
		cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE,
					       title);
	}
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_AUTHOR,
				       d->issuer);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR,
				       "cadre");
	if (pd_set(d->qr)) {
		/* The mark sign/stamp.c looks for: this file carries its QR
		 * code.  (cairo 1.16 writes no custom entries: /Keywords.) */
		char kw[QR_TEXT_MAX + 16];
		snprintf(kw, sizeof kw, "CadreVerify=%s", d->qr);
		cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_KEYWORDS, kw);
	}
	p.cr = cairo_create(p.surface);
	p.ctx = pango_font_map_create_context(pd_font_map);
	fo = cairo_font_options_create();
	/* Metrics independent of any device: the same layout everywhere. */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p.ctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_update_context(p.cr, p.ctx);
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	rc = pd_set(d->qr) ? pd_qr(&p, e) : 0;
	if (rc == 0) {
		pd_header(&p);
		pd_title(&p);
		pd_body(&p);
		pd_closing(&p);
		cairo_show_page(p.cr);
	}
	g_object_unref(p.ctx);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surface);
	st = cairo_surface_status(p.surface);
	cairo_surface_destroy(p.surface);
	if (rc == 0 && (st != CAIRO_STATUS_SUCCESS || b.err)) {
		rc = err_set(e, ERR_INTERNAL, "", "cannot write the PDF: %s",
			     cairo_status_to_string(st));
	}
	if (rc) {
		buf_free(&b);
		return rc;
	}
	*out = (unsigned char *)buf_detach(&b, n);
	if (sign_at) {
		*sign_at = p.sign_at;
	}
	return 0;
}

/* --- JSON --- */

enum pdf_doc_template pdf_doc_template_named(const char *name)
{
	if (name && strcmp(name, "party") == 0) {
		return PDF_DOC_PARTY;
	}
	if (name && strcmp(name, "state") == 0) {
		return PDF_DOC_STATE;
	}
	return 0;
}

/* A member that is a string or an array of strings into a new array. */
static int pd_json_lines(json_t *v, const char *key, const char *const **out,
			 int *n, struct err *e)
{
	const char **a;
	size_t i, len;
	json_t *x;
	if (json_is_string(v)) {
		len = 1;
	} else if (json_is_array(v)) {
		len = json_array_size(v);
	} else {
		return err_set(e, ERR_BAD_REQUEST, key,
			       "%s must be a string or an array of strings", key);
	}
	if (len > PDF_DOC_PARAS_MAX) {
		return err_set(e, ERR_INVALID, key, "%s has more than %d lines", key,
			       PDF_DOC_PARAS_MAX);
	}
	a = calloc(len + 1, sizeof *a);
	if (!a) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (json_is_string(v)) {
		a[0] = json_string_value(v);
	} else {
		json_array_foreach(v, i, x) {
			if (!json_is_string(x)) {
				free(a);
				return err_set(e, ERR_BAD_REQUEST, key,
					       "%s must hold strings only", key);
			}
			a[i] = json_string_value(x);
		}
	}
	*out = a;
	*n = (int)len;
	return 0;
}

int pdf_doc_from_json(json_t *j, struct pdf_doc *d, struct err *e)
{
	static const char *const keys[] = {
		"superior", "issuer", "symbol", "place", "date", "type", "subject",
		"authority", "title", "signer", "secrecy", "urgency", "qr",
	};
	const char **dst[] = {
		&d->superior, &d->issuer, &d->symbol, &d->place, &d->date,
		&d->type, &d->subject, &d->authority, &d->title, &d->signer,
		&d->secrecy, &d->urgency, &d->qr,
	};
	const char *key;
	json_t *v;
	int rc = 0;
	memset(d, 0, sizeof *d);
	if (!json_is_object(j)) {
		return err_set(e, ERR_BAD_REQUEST, "", "the document must be a JSON object");
	}
	json_object_foreach(j, key, v) {
		size_t i;
		if (json_is_null(v)) {
			continue;
		}
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			if (strcmp(key, keys[i]) == 0) {
				break;
			}
		}
		if (i < sizeof keys / sizeof keys[0]) {
			if (!json_is_string(v)) {
				rc = err_set(e, ERR_BAD_REQUEST, key, "%s must be a string", key);
				break;
			}
			*dst[i] = json_string_value(v);
		} else if (strcmp(key, "template") == 0) {
			if (!json_is_string(v) ||
			    !(d->tpl = pdf_doc_template_named(json_string_value(v)))) {
				rc = err_set(e, ERR_INVALID, key, "the template is party or state");
				break;
			}
		} else if (strcmp(key, "body") == 0) {
			if ((rc = pd_json_lines(v, key, &d->body, &d->n_body, e))) {
				break;
			}
		} else if (strcmp(key, "recipients") == 0) {
			if ((rc = pd_json_lines(v, key, &d->recipients, &d->n_recipients, e))) {
				break;
			}
		} else {
			rc = err_set(e, ERR_BAD_REQUEST, key, "unknown field %s", key);
			break;
		}
	}
	if (rc) {
		pdf_doc_json_free(d);
	}
	return rc;
}

void pdf_doc_json_free(struct pdf_doc *d)
{
	free((void *)d->body);
	free((void *)d->recipients);
	d->body = NULL;
	d->recipients = NULL;
	d->n_body = 0;
	d->n_recipients = 0;
}
