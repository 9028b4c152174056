/*
 * pdf_doc.h — a document rendered from a template as a PDF (cairo +
 * pango): A4, portrait, with the standard header of a party document
 * (Regulation 66-QĐ/TW, Guidance 36-HD/VPTW) or of a state document
 * (Decree 30/2020/NĐ-CP, Appendix I), the type and subject, the body, the
 * signature block with the signer's authority, title and name, the
 * recipients, and optionally a QR code of the document's short link.
 *
 * Layout (margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm):
 *   left column, centred: the superior body (capitals), the issuing body
 *     (bold capitals), "*" (party) or a short rule (state), then
 *     "Số 04-NQ/TU" (party) / "Số: 123/QĐ-UBND" (state), the secrecy and
 *     urgency marks (bold); for a letter without type, "V/v <subject>";
 *   right column, centred: "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, ruled under) or
 *     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" / "Độc lập - Tự do - Hạnh phúc"
 *     (bold, underlined), then the place and date in italics ("Hà Nội,
 *     ngày 05 tháng 01 năm 2026": a day below 10 and the months 1 and 2
 *     take a leading zero);
 *   the type (bold capitals) and the subject (bold), centred, a short rule;
 *   the body: justified paragraphs, first lines indented 1 cm, flowing over
 *     as many pages as needed (page numbers from page 2, top centre);
 *   the signature block on the right (authority, title: bold capitals;
 *     room for the signature and seal; the name in bold) beside the
 *     recipients on the left ("Nơi nhận:" and one "- …" line each);
 *   the QR code (when qr is given) in the bottom-left corner of the first
 *     page, inside the margin, with the link printed beside it; the
 *     information dictionary's /Keywords then hold "CadreVerify=<link>",
 *     the mark that keeps the workflow from stamping the file (sign.h).
 * Fonts: Noto Serif (text), Noto Sans (the QR caption), found through
 * fontconfig and embedded as subsets by cairo, so Vietnamese diacritics
 * render and extract exactly.  Thread-safe (one pango font map per
 * thread).
 */
#ifndef CADRE_PDF_DOC_H
#define CADRE_PDF_DOC_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

enum pdf_doc_template { PDF_DOC_PARTY = 1, PDF_DOC_STATE = 2 };

#define PDF_DOC_PARAS_MAX 2000	       /* paragraphs of the body */
#define PDF_DOC_RECIPIENTS_MAX 200     /* recipient lines */
#define PDF_DOC_TEXT_MAX (1024 * 1024) /* bytes of text in all */

/* What is printed.  Every string is UTF-8; NULL and "" are the same
 * (nothing printed, except where said). */
struct pdf_doc {
	enum pdf_doc_template tpl;
	const char *superior;  /* the body above the issuer: "ĐẢNG BỘ TỈNH …" */
	const char *issuer;    /* the issuing body: "TỈNH ỦY" (required) */
	const char *symbol;    /* "04-NQ/TU"; none = "Số     " left blank */
	const char *place;     /* "Hà Nội" (required) */
	const char *date;      /* YYYY-MM-DD; none = "ngày   tháng   năm" */
	const char *type;      /* "NGHỊ QUYẾT"; none = a letter (V/v subject) */
	const char *subject;   /* "về chuyển đổi số" */
	const char *const *body; /* paragraphs ("\n" inside starts another) */
	int n_body;
	const char *authority; /* "T/M BAN THƯỜNG VỤ", "K/T CHỦ TỊCH" */
	const char *title;     /* "BÍ THƯ", "PHÓ CHỦ TỊCH" */
	const char *signer;    /* the signer's name */
	const char *const *recipients; /* "Ban Bí thư," … */
	int n_recipients;
	const char *secrecy;   /* mat, toi_mat, tuyet_mat or the words */
	const char *urgency;   /* khan, thuong_khan, hoa_toc or the words */
	const char *qr;	       /* the short link encoded; none = no QR */
};

/* Where the signature block leaves room for the signature and the seal
 * (between the title and the name): the 1-based page and the rectangle in
 * PDF points from the bottom-left corner — what struct sign_appearance's
 * page, x, y, w, h take, so that a digital signature lands where the ink
 * one would. */
struct pdf_doc_place {
	int page;
	double x, y, w, h;
};

/* Render d as a PDF: *out (malloc'd, caller frees) and *n; sign_at (may
 * be NULL) receives the room left for the signature.  ERR_INVALID naming
 * the field for a missing issuer or place, an unknown template, a date
 * that does not exist, text that is not UTF-8 or over the limits. */
int pdf_doc_render(const struct pdf_doc *d, unsigned char **out, size_t *n,
		   struct pdf_doc_place *sign_at, struct err *e);

/* Fill d from a JSON object (the body file of `cadre doc render`):
 * {"template":"party"|"state","superior","issuer","symbol","place","date",
 * "type","subject","body":[paragraph…] | "text","authority","title",
 * "signer","recipients":[line…],"secrecy","urgency","qr"} — every member
 * optional except as pdf_doc_render requires; an unknown member or a
 * wrong type is ERR_BAD_REQUEST naming it.  Strings point into j (keep it
 * alive); the arrays are malloc'd: release them with pdf_doc_json_free. */
int pdf_doc_from_json(json_t *j, struct pdf_doc *d, struct err *e);
void pdf_doc_json_free(struct pdf_doc *d);

/* "party" / "state" → the template, 0 for anything else. */
enum pdf_doc_template pdf_doc_template_named(const char *name);

#endif
