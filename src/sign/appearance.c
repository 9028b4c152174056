/*
 * appearance.c — draws the visible part of a signature (Decree 30,
 * Appendix I) as a one-page PDF with cairo and pango: the handwritten
 * signature image and the seal image (PNG, transparency kept) on top, the
 * seal overlapping about a third of the signature on its left, and below
 * them the signer's name (bold), title, organization and the signing time
 * in Vietnam time, in Noto Sans (embedded by cairo as a subset, so every
 * Vietnamese letter shows).  pdf.c turns that page into the widget's Form
 * XObject.  Must never read files or the database: it gets bytes, returns
 * bytes.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "sign/sign_internal.h"

#define PNG_MAX_BYTES (8 * 1024 * 1024)
#define PNG_MAX_SIDE 4096
#define PAD 3.0
#define FONT "Noto Sans"

struct reader {
	const unsigned char *p;
	size_t n, off;
};

static cairo_status_t png_read(void *closure, unsigned char *data,
			       unsigned int len)
{
	struct reader *r = closure;
	if (r->n - r->off < len) {
		return CAIRO_STATUS_READ_ERROR;
	}
	memcpy(data, r->p + r->off, len);
	r->off += len;
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t buf_write(void *closure, const unsigned char *data,
				unsigned int len)
{
	struct buf *b = closure;
	buf_append(b, data, len);
	return b->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decode a PNG after checking its signature, size and dimensions (no
 * decompression bombs).  *out NULL when p is NULL. */
static int load_png(const unsigned char *p, size_t n, const char *field,
		    cairo_surface_t **out, struct err *e)
{
	struct reader r = {p, n, 0};
	*out = NULL;
	if (!p || n == 0) {
		return 0;
	}
	if (n > PNG_MAX_BYTES) {
		return err_set(e, ERR_TOO_LARGE, field, "the image is over 8 MB");
	}
	if (n < 33 || memcmp(p, "\x89PNG\r\n\x1a\n", 8) != 0 ||
	    memcmp(p + 12, "IHDR", 4) != 0) {
		return err_set(e, ERR_INVALID, field, "the image is not a PNG file");
	}
	if (be32(p + 16) == 0 || be32(p + 20) == 0 || be32(p + 16) > PNG_MAX_SIDE ||
	    be32(p + 20) > PNG_MAX_SIDE) {
		return err_set(e, ERR_INVALID, field,
			       "the image must be 1..%d pixels on each side",
			       PNG_MAX_SIDE);
	}
	*out = cairo_image_surface_create_from_png_stream(png_read, &r);
	if (cairo_surface_status(*out) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(*out);
		*out = NULL;
		return err_set(e, ERR_INVALID, field, "the PNG image cannot be decoded");
	}
	return 0;
}

static double aspect(cairo_surface_t *s)
{
	return (double)cairo_image_surface_get_width(s) /
	       (double)cairo_image_surface_get_height(s);
}

static void draw_image(cairo_t *cr, cairo_surface_t *s, double x, double y,
		       double w, double h)
{
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, w / cairo_image_surface_get_width(s),
		    h / cairo_image_surface_get_height(s));
	cairo_set_source_surface(cr, s, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
	cairo_paint(cr);
	cairo_restore(cr);
}

/* The images in the box (x, y, w, h): the signature, and the seal whose
 * right edge is one third into the signature, both as tall as the box
 * allows, the pair centred and scaled down to fit the width. */
static void draw_images(cairo_t *cr, cairo_surface_t *sig, cairo_surface_t *seal,
			double x, double y, double w, double h)
{
	double sig_h = h * 0.85, seal_h = h;
	double sig_w = sig ? sig_h * aspect(sig) : 0;
	double seal_w = seal ? seal_h * aspect(seal) : 0;
	double total, scale, left, sig_x;
	if (sig && seal) {
		total = seal_w + sig_w * 2.0 / 3.0;
	} else {
		total = sig ? sig_w : seal_w;
	}
	scale = total > w ? w / total : 1.0;
	sig_w *= scale;
	sig_h *= scale;
	seal_w *= scale;
	seal_h *= scale;
	total *= scale;
	left = x + (w - total) / 2;
	if (sig && seal) {
		sig_x = left + seal_w - sig_w / 3.0;
		draw_image(cr, sig, sig_x, y + (h - sig_h) / 2, sig_w, sig_h);
		draw_image(cr, seal, left, y + (h - seal_h) / 2, seal_w, seal_h);
	} else if (sig) {
		draw_image(cr, sig, left, y + (h - sig_h) / 2, sig_w, sig_h);
	} else if (seal) {
		draw_image(cr, seal, left, y + (h - seal_h) / 2, seal_w, seal_h);
	}
}

/* Each thread keeps one font map (pango font maps are not thread-safe),
 * alive as long as the thread: the fonts found and loaded once are reused
 * by every signature drawn there (the first costs ~10 ms, the next well
 * under 1 ms).  Held in a thread-local variable so that leak checkers see
 * the font caches as in use. */
static _Thread_local PangoFontMap *thread_font_map;

static PangoFontMap *font_map(void)
{
	if (!thread_font_map) {
		thread_font_map = pango_cairo_font_map_new();
	}
	return thread_font_map;
}

/* The text block, shrunk from 9 pt until it fits (x, y, w, h). */
static void draw_text(cairo_t *cr, const struct sign_look *look, double x,
		      double y, double w, double h)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	PangoContext *ctx;
	PangoLayout *l;
	PangoFontDescription *fd = pango_font_description_new();
	PangoAttrList *attrs = pango_attr_list_new();
	PangoAttribute *bold = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
	PangoRectangle ink, logical;
	struct buf t = BUF_INIT;
	double size;
	/* Unhinted metrics: the glyphs are placed as the PDF will scale them. */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	ctx = pango_font_map_create_context(font_map());
	pango_cairo_update_context(cr, ctx);
	pango_cairo_context_set_font_options(ctx, fo);
	l = pango_layout_new(ctx);
	buf_puts(&t, look->name && *look->name ? look->name : "?");
	bold->start_index = 0;
	bold->end_index = (guint)t.n;
	pango_attr_list_insert(attrs, bold);
	if (look->title && *look->title) {
		buf_printf(&t, "\n%s", look->title);
	}
	if (look->organization && *look->organization) {
		buf_printf(&t, "\n%s", look->organization);
	}
	buf_printf(&t, "\nThời gian ký: %s", look->time_text ? look->time_text : "");
	pango_font_description_set_family(fd, FONT);
	pango_layout_set_text(l, t.z, (int)t.n);
	pango_layout_set_attributes(l, attrs);
	pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
	for (size = 9.0; size >= 3.0; size -= 0.5) {
		pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
		pango_layout_set_font_description(l, fd);
		pango_layout_get_pixel_extents(l, &ink, &logical);
		if (logical.width <= w && logical.height <= h) {
			break;
		}
	}
	cairo_set_source_rgb(cr, 0.08, 0.08, 0.25);
	cairo_move_to(cr, x, y + (h - logical.height) / 2.0 > y ? y + (h - logical.height) / 2.0 : y);
	pango_cairo_show_layout(cr, l);
	buf_free(&t);
	cairo_font_options_destroy(fo);
	pango_attr_list_unref(attrs);
	pango_font_description_free(fd);
	g_object_unref(l);
	g_object_unref(ctx);
}

/* For AddressSanitizer builds: fontconfig (called by pango and cairo)
 * keeps patterns that its own caches no longer reference when a font is
 * first matched (fontconfig 2.14, cairo 1.16, pango 1.50; bounded: once per
 * font and thread).  LeakSanitizer asks the program for this list; other
 * builds never call it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

int sign_look_render(const struct sign_look *look, double w, double h,
		     unsigned char **pdf, size_t *n, struct err *e)
{
	cairo_surface_t *sig = NULL, *seal = NULL, *s;
	cairo_t *cr;
	struct buf out = BUF_INIT;
	int rc;
	*pdf = NULL;
	*n = 0;
	if ((rc = load_png(look->signature_png, look->signature_png_len,
			   "signature_png", &sig, e)) ||
	    (rc = load_png(look->seal_png, look->seal_png_len, "seal_png", &seal, e))) {
		cairo_surface_destroy(sig);
		return rc;
	}
	s = cairo_pdf_surface_create_for_stream(buf_write, &out, w, h);
	cr = cairo_create(s);
	if (sig || seal) {
		double img_h = (h - 2 * PAD) * 0.52;
		draw_images(cr, sig, seal, PAD, PAD, w - 2 * PAD, img_h);
		draw_text(cr, look, PAD, PAD + img_h, w - 2 * PAD, h - 2 * PAD - img_h);
	} else {
		cairo_set_source_rgb(cr, 0.15, 0.25, 0.55);
		cairo_set_line_width(cr, 0.6);
		cairo_rectangle(cr, 0.5, 0.5, w - 1, h - 1);
		cairo_stroke(cr);
		draw_text(cr, look, PAD + 2, PAD, w - 2 * PAD - 4, h - 2 * PAD);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	rc = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || out.err;
	cairo_surface_destroy(s);
	cairo_surface_destroy(sig);
	cairo_surface_destroy(seal);
	if (rc) {
		buf_free(&out);
		return err_set(e, ERR_INTERNAL, "appearance",
			       "the signature appearance could not be drawn");
	}
	*pdf = (unsigned char *)buf_detach(&out, n);
	return 0;
}
