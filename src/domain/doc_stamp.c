/*
 * doc_stamp.c — stamps an outgoing document's main PDF with the QR code
 * and short link of its public page (doc_stamp.h): reserves the code,
 * reads the file's mark, has report/pdf_stamp.c draw and sign/stamp.c
 * apply the stamp, stores the new version.  The workflow (doc_flow.c)
 * decides when; this file never signs, numbers or publishes anything.
 */
#include "domain/doc_stamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "domain/doc_file.h"
#include "domain/doc_public.h"
#include "report/pdf_stamp.h"
#include "sign/sign.h"

#define LINK_MAX 512

/* The code a mark (a link ".../verify/<code>") names, or "" . */
static const char *mark_code(const char *mark)
{
	const char *at = NULL, *p = mark;
	while ((p = strstr(p, "/verify/")) != NULL) {
		at = p + 8;
		p = at;
	}
	return at ? at : "";
}

/* 1 when the PDF cannot be stamped for what it is (the sign step refuses
 * it with the same words), not for a failure of cadre. */
static int unstampable(const struct err *e)
{
	return e->code == ERR_INVALID && strcmp(e->field, "file") == 0;
}

int doc_stamp_main(struct cx *cx, struct doc_row *d, enum doc_stamp_mode mode,
		   int *stamped, struct err *e)
{
	char code[DOC_PUBLIC_CODE_SIZE], link[LINK_MAX], mark[LINK_MAX], sha[65];
	unsigned char *pdf = NULL, *look = NULL, *out = NULL;
	size_t n = 0, look_n = 0, out_n = 0;
	struct sign_stamp st;
	json_t *meta = NULL;
	int64_t vid = 0;
	int rc, marked;
	if (stamped) {
		*stamped = 0;
	}
	rc = doc_file_load(cx, d->id, DOC_SLOT_MAIN, 0, &pdf, &n, &meta, e);
	if (rc == -ERR_NOT_FOUND || (rc == 0 && n == 0)) {
		err_clear(e);
		rc = 0;
		goto done;
	}
	if (rc || (rc = doc_public_reserve(cx, d->id, code, e))) {
		goto done;
	}
	if (doc_public_link(NULL, code, link, sizeof link)) {
		rc = err_set(e, ERR_INTERNAL, "", "CADRE_PUBLIC_URL is too long for a link");
		goto done;
	}
	marked = sign_stamp_mark(pdf, n, mark, sizeof mark, e);
	if (marked == 1 && strcmp(mark_code(mark), code) == 0) {
		goto done; /* rendered with its QR code, or stamped already */
	}
	if (marked == 1) {
		rc = err_set(e, ERR_INVALID, "file",
			     "the PDF carries the verification QR code of another "
			     "document (%s): return the document and upload its own "
			     "file, without that code",
			     mark);
		goto done;
	}
	if (marked < 0) {
		rc = marked;
		if (mode == DOC_STAMP_TRY && unstampable(e)) {
			err_clear(e);
			rc = 0;
		}
		goto done;
	}
	memset(&st, 0, sizeof st);
	if ((rc = pdf_stamp_render(link, &look, &look_n, &st.w, &st.h, e))) {
		goto done;
	}
	st.look_pdf = look;
	st.look_n = look_n;
	st.mark = link;
	if ((rc = sign_stamp_pdf(pdf, n, &st, &out, &out_n, e))) {
		if (mode == DOC_STAMP_TRY && unstampable(e)) {
			err_clear(e);
			rc = 0;
		}
		goto done;
	}
	if ((rc = doc_file_store(
		     cx, d->id, DOC_SLOT_MAIN,
		     json_string_value(json_object_get(meta, "name")), "application/pdf",
		     "stamped", out, out_n,
		     (int)json_integer_value(json_object_get(meta, "pages")), NULL, &vid,
		     e))) {
		goto done;
	}
	sha256_hex2(out, out_n, NULL, 0, sha);
	rc = doc_log(cx, d, "stamp", NULL,
		     json_pack("{ss ss sI ss}", "code", code, "link", link, "version_id",
			       (json_int_t)vid, "sha256", sha),
		     e);
	if (rc == 0 && stamped) {
		*stamped = 1;
	}
done:
	free(pdf);
	free(look);
	free(out);
	json_decref(meta);
	return rc;
}
