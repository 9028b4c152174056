/*
 * qr.h — QR codes (libqrencode) for the short links of issued documents:
 * the module matrix, and three renderings of it — an SVG string (for web
 * pages), PNG bytes (for images), and drawing on any cairo context (a PDF
 * page).  Error correction level M (15 %), 8-bit mode, the smallest
 * version that fits, a quiet zone of `border` modules (4 is the
 * standard's).  Knows nothing of documents or URLs.
 */
#ifndef CADRE_QR_H
#define CADRE_QR_H

#include <cairo.h>
#include <stddef.h>

#include "base/err.h"

#define QR_TEXT_MAX 1024 /* bytes encoded, at most */

/* The modules: width × width, row by row, 1 = dark.  Owned by the qr. */
struct qr {
	int width;
	unsigned char *dark;
};

/* Encode text (UTF-8, 1..QR_TEXT_MAX bytes).  ERR_INVALID "text" when
 * empty or too long; ERR_INTERNAL when libqrencode fails.  Free with
 * qr_free (also after a failure). */
int qr_encode(const char *text, struct qr *q, struct err *e);
void qr_free(struct qr *q);
/* 1 when the module at (x, y) is dark; 0 outside the matrix. */
int qr_at(const struct qr *q, int x, int y);

/* An SVG document (malloc'd, NUL-terminated, caller frees; NULL when out
 * of memory): a viewBox of width + 2 × border units, a white background
 * and one path of the dark modules, crisp at any size. */
char *qr_svg(const struct qr *q, int border);

/* PNG bytes (*out malloc'd, caller frees): scale pixels per module
 * (1..64), black on white (RGB). */
int qr_png(const struct qr *q, int scale, int border, unsigned char **out,
	   size_t *n, struct err *e);

/* Draw the code with its quiet zone into the square (x, y, size) of cr
 * (user units: PDF points on a PDF surface), white background included;
 * the state of cr is restored. */
void qr_draw(cairo_t *cr, const struct qr *q, int border, double x, double y,
	     double size);

#endif
