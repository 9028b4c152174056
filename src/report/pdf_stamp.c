/*
 * pdf_stamp.c — draws the verification stamp (pdf_stamp.h) with cairo and
 * pango: the QR code on the left, the caption and the link on the right,
 * in a white box framed in grey.  The box is measured first (the caption's
 * width) and then drawn on a PDF page of exactly its size.
 */
#include "report/pdf_stamp.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "report/qr.h"

#define PAD 3.0	     /* inside the frame */
#define GAP 4.0	     /* between the QR code and the caption */
#define FONT_SIZE 7.0
#define CAPTION "Xác minh văn bản / Verify:"

/* One font map per thread (pango font maps are not thread-safe), kept for
 * the thread's life. */
static _Thread_local PangoFontMap *ps_font_map;

static cairo_status_t ps_write(void *closure, const unsigned char *data,
			       unsigned int len)
{
	struct buf *b = closure;
	buf_append(b, data, len);
	return b->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* The caption's layout (two lines: the words, the link), in the context of
 * cr; each line wraps at PDF_STAMP_TEXT_MAX. */
static PangoLayout *ps_layout(cairo_t *cr, PangoContext **ctx, const char *link)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	PangoFontDescription *fd = pango_font_description_new();
	PangoLayout *l;
	struct buf t = BUF_INIT;
	if (!ps_font_map) {
		ps_font_map = pango_cairo_font_map_new();
	}
	/* Unhinted metrics: the same layout whatever the device. */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	*ctx = pango_font_map_create_context(ps_font_map);
	pango_cairo_update_context(cr, *ctx);
	pango_cairo_context_set_font_options(*ctx, fo);
	cairo_font_options_destroy(fo);
	l = pango_layout_new(*ctx);
	pango_font_description_set_family(fd, "Noto Sans");
	pango_font_description_set_absolute_size(fd, FONT_SIZE * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(PDF_STAMP_TEXT_MAX * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_CHAR);
	buf_printf(&t, "%s\n%s", CAPTION, link);
	pango_layout_set_text(l, t.err ? "" : t.z, -1);
	buf_free(&t);
	return l;
}

int pdf_stamp_render(const char *link, unsigned char **pdf, size_t *n,
		     double *w, double *h, struct err *e)
{
	cairo_surface_t *s;
	cairo_t *cr;
	PangoContext *ctx;
	PangoLayout *l;
	PangoRectangle logical;
	struct qr q;
	struct buf out = BUF_INIT;
	double tw, th;
	int rc;
	*pdf = NULL;
	*n = 0;
	*w = *h = 0;
	if ((rc = qr_encode(link, &q, e))) {
		qr_free(&q);
		snprintf(e->field, sizeof e->field, "link");
		return rc;
	}
	/* Measure on a scratch surface, then draw on a page of that size. */
	s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	cr = cairo_create(s);
	l = ps_layout(cr, &ctx, link);
	pango_layout_get_extents(l, NULL, &logical);
	tw = (double)logical.width / PANGO_SCALE;
	th = (double)logical.height / PANGO_SCALE;
	g_object_unref(l);
	g_object_unref(ctx);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	*w = PAD + PDF_STAMP_QR + GAP + tw + PAD + 1;
	*h = 2 * PAD + (PDF_STAMP_QR > th ? PDF_STAMP_QR : th);
	s = cairo_pdf_surface_create_for_stream(ps_write, &out, *w, *h);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "cadre");
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(cr, 0.5);
	cairo_rectangle(cr, 0.25, 0.25, *w - 0.5, *h - 0.5);
	cairo_stroke(cr);
	qr_draw(cr, &q, 2, PAD, (*h - PDF_STAMP_QR) / 2, PDF_STAMP_QR);
	l = ps_layout(cr, &ctx, link);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_move_to(cr, PAD + PDF_STAMP_QR + GAP, (*h - th) / 2);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	g_object_unref(ctx);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	rc = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || out.err;
	cairo_surface_destroy(s);
	qr_free(&q);
	if (rc) {
		buf_free(&out);
		*w = *h = 0;
		return err_set(e, ERR_INTERNAL, "", "the verification stamp could not be drawn");
	}
	*pdf = (unsigned char *)buf_detach(&out, n);
	return 0;
}
