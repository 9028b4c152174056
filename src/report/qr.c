/*
 * qr.c — QR codes: libqrencode's matrix copied into struct qr, and its SVG,
 * PNG and cairo renderings (qr.h).  Never decides what is encoded.
 */
#include "report/qr.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

int qr_encode(const char *text, struct qr *q, struct err *e)
{
	QRcode *c;
	size_t n = text ? strlen(text) : 0;
	q->width = 0;
	q->dark = NULL;
	if (n == 0 || n > QR_TEXT_MAX) {
		return err_set(e, ERR_INVALID, "text",
			       "a QR code holds 1 to %d bytes of text", QR_TEXT_MAX);
	}
	c = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!c) {
		return err_set(e, ERR_INTERNAL, "", "cannot encode the QR code");
	}
	q->dark = malloc((size_t)c->width * (size_t)c->width);
	if (!q->dark) {
		QRcode_free(c);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	for (int i = 0; i < c->width * c->width; i++) {
		q->dark[i] = c->data[i] & 1;
	}
	q->width = c->width;
	QRcode_free(c);
	return 0;
}

void qr_free(struct qr *q)
{
	free(q->dark);
	q->dark = NULL;
	q->width = 0;
}

int qr_at(const struct qr *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width) {
		return 0;
	}
	return q->dark[(size_t)y * (size_t)q->width + (size_t)x];
}

char *qr_svg(const struct qr *q, int border)
{
	struct buf b;
	int full;
	if (border < 0) {
		border = 0;
	}
	full = q->width + 2 * border;
	buf_init(&b, 0);
	buf_printf(&b,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
		   " shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\""
		   " fill=\"#fff\"/><path fill=\"#000\" d=\"",
		   full, full, full, full);
	/* One horizontal run of dark modules per subpath. */
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			int run = 0;
			while (x + run < q->width && qr_at(q, x + run, y)) {
				run++;
			}
			if (run) {
				buf_printf(&b, "M%d %dh%dv1h-%dz", x + border, y + border,
					   run, run);
				x += run;
			} else {
				x++;
			}
		}
	}
	buf_puts(&b, "\"/></svg>\n");
	if (b.err) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

void qr_draw(cairo_t *cr, const struct qr *q, int border, double x, double y,
	     double size)
{
	double m;
	if (border < 0) {
		border = 0;
	}
	m = size / (q->width + 2 * border);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int j = 0; j < q->width; j++) {
		for (int i = 0; i < q->width;) {
			int run = 0;
			while (i + run < q->width && qr_at(q, i + run, j)) {
				run++;
			}
			if (run) {
				cairo_rectangle(cr, x + (i + border) * m, y + (j + border) * m,
						run * m, m);
				i += run;
			} else {
				i++;
			}
		}
	}
	/* One fill for every run: no hairline seams between modules. */
	cairo_fill(cr);
	cairo_restore(cr);
}

static cairo_status_t qr_png_write(void *closure, const unsigned char *data,
				   unsigned int len)
{
	struct buf *b = closure;
	buf_append(b, data, len);
	return b->err ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int qr_png(const struct qr *q, int scale, int border, unsigned char **out,
	   size_t *n, struct err *e)
{
	cairo_surface_t *s;
	cairo_t *cr;
	struct buf b;
	int px;
	cairo_status_t st;
	*out = NULL;
	*n = 0;
	if (scale < 1 || scale > 64 || border < 0 || border > 16 || q->width <= 0) {
		return err_set(e, ERR_INVALID, "scale",
			       "a QR image takes 1 to 64 pixels per module");
	}
	px = (q->width + 2 * border) * scale;
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, px, px);
	cr = cairo_create(s);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	qr_draw(cr, q, border, 0, 0, px);
	cairo_destroy(cr);
	buf_init(&b, 0);
	st = cairo_surface_write_to_png_stream(s, qr_png_write, &b);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS || b.err) {
		buf_free(&b);
		return err_set(e, ERR_INTERNAL, "", "cannot write the QR image: %s",
			       cairo_status_to_string(st));
	}
	*out = (unsigned char *)buf_detach(&b, n);
	return 0;
}
