/*
 * pdf_stamp.h — the verification stamp of a document, drawn: a small
 * white box with a thin grey frame holding the QR code of the document's
 * short link (qr.h) and, beside it, the caption "Xác minh văn bản /
 * Verify:" over the link itself (Noto Sans 7 pt, embedded by cairo as a
 * subset, so pdftotext reads the link back).  The result is a one-page PDF
 * whose page is the box: sign/stamp.c places it on the document.  Draws
 * only: knows nothing of documents, databases or where the box goes.
 */
#ifndef CADRE_PDF_STAMP_H
#define CADRE_PDF_STAMP_H

#include <stddef.h>

#include "base/err.h"

/* The QR code's side, quiet zone included, in points (about 18 mm: a
 * phone reads it from print, pdftoppm at 150 dpi gives 3 pixels a module
 * for a 60-character link). */
#define PDF_STAMP_QR 52.0
/* The widest caption line, in points; longer lines wrap. */
#define PDF_STAMP_TEXT_MAX 300.0

/* Draw the stamp of link (UTF-8, 1..QR_TEXT_MAX bytes): *pdf (malloc'd,
 * caller frees) is a one-page PDF of *w × *h points, just wide enough for
 * the caption.  ERR_INVALID "link" for an empty or too long link;
 * ERR_INTERNAL when cairo fails. */
int pdf_stamp_render(const char *link, unsigned char **pdf, size_t *n,
		     double *w, double *h, struct err *e);

#endif
