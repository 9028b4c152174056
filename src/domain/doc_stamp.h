/*
 * doc_stamp.h — the verification stamp on an outgoing document's main
 * PDF: before the first signature, page 1 gets the QR code and short link
 * of the document's public page (doc_public.h), so that every signature,
 * and the hash published at issuing, cover it.  Uploaded PDFs (a word
 * processor's, a scanner's) get it as much as rendered ones; a file that
 * carries cadre's mark for this document's code (rendered from a template
 * with its QR code, or stamped already) is left alone.
 */
#ifndef CADRE_DOC_STAMP_H
#define CADRE_DOC_STAMP_H

#include "domain/cx.h"
#include "domain/doc_internal.h"

/* How a step treats a main PDF that cannot be stamped (encrypted, or a
 * structure qpdf cannot read): DOC_STAMP_TRY leaves it (the sign step will
 * refuse it with the same words), DOC_STAMP_MUST fails with ERR_INVALID
 * "file". */
enum doc_stamp_mode { DOC_STAMP_TRY, DOC_STAMP_MUST };

/* Inside the caller's transaction, on the locked row d of an outgoing
 * document nobody has signed yet (the caller checks): reserve the public
 * code (doc_public_reserve); unless the latest main PDF carries the mark
 * of that code, draw the stamp (report/pdf_stamp.h), apply it
 * (sign_stamp_pdf) and store the result as the next main version (origin
 * "stamped"), with the history and audit entry "stamp" {"code","link",
 * "version_id","sha256"}.  *stamped (may be NULL) is 1 when a version was
 * added.  No main PDF: nothing done.  A PDF carrying the mark of another
 * code (another document's QR code) → ERR_INVALID "file" in both modes. */
int doc_stamp_main(struct cx *cx, struct doc_row *d, enum doc_stamp_mode mode,
		   int *stamped, struct err *e);

#endif
