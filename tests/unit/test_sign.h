/*
 * test_sign.h — what the signature tests share (defined in test_sign.c):
 * a fixture with a unit tree, a CA and users, and PDFs made in-process
 * with cairo (classic xref) and rewritten with qpdf (xref stream,
 * encryption, a rotated page).
 */
#ifndef CADRE_TEST_SIGN_H
#define CADRE_TEST_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "domain/cx.h"

/* VN ⊃ P1 ⊃ C1; the CA of P1; users: signer "an.signer" (C1, with a
 * certificate), viewer "binh.viewer" (C1), signer "chi.signer" (P1, no
 * certificate yet), admin "dung.admin" (VN). */
struct sign_fx {
	struct cx cx;
	int64_t vn, p1, c1;
	int64_t signer, viewer, signer2, admin;
	char pw[32];
};

/* Builds the fixture on db (CHECKs inside); sets CADRE_MASTER_KEY. */
void sign_fx_setup(struct db *db, struct sign_fx *f);
/* The fixture's cx acting as `login` (role and unit from the database). */
void sign_fx_as(struct sign_fx *f, const char *login, struct cx *out);

struct tbuf {
	unsigned char *p;
	size_t n;
};

/* A text PDF of `pages` pages with Vietnamese text (cairo: xref table). */
struct tbuf tpdf_cairo(int pages);
/* pdf rewritten by qpdf: object streams and an xref stream. */
struct tbuf tpdf_xref_stream(const struct tbuf *pdf);
/* pdf rewritten by qpdf with AES-256 encryption (user password "u"
 * when user_pw, else empty). */
struct tbuf tpdf_encrypted(const struct tbuf *pdf, int user_pw);
/* pdf rewritten by qpdf with /Rotate 90 on page 1. */
struct tbuf tpdf_rotated(const struct tbuf *pdf);
/* A transparent PNG w × h in one colour (cairo). */
struct tbuf tpng(int w, int h, double r, double g, double b);
void tbuf_free(struct tbuf *t);

#endif
