/*
 * test_doc_fixture.h — the shared fixture of the document tests: a small
 * tree (VN ⊃ P1 ⊃ P1-TU, P1-UB, C1; VN ⊃ P2), P1-UB issuing state
 * documents as UBND, P1-TU party documents as TU with a term from
 * 2020-10-15, C1 state documents as UBND; users of P1 (clerk, two signers,
 * a manager, a viewer) and a clerk of C1 when asked for; real PDFs drawn
 * with cairo (no mock: poppler reads them back).
 */
#ifndef CADRE_TEST_DOC_FIXTURE_H
#define CADRE_TEST_DOC_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/cx.h"
#include "domain/doc.h"

struct docfx {
	struct cx cx; /* the system actor */
	int64_t vn, p1, tu, ub, c1, p2;
	int64_t clerk, signer1, signer2, manager, viewer, c1clerk;
};

/* Build the fixture on db; with_users creates the users (slow: Argon2). */
void docfx_setup(struct db *db, struct docfx *f, int with_users);
/* The context of a user of the fixture acting on db. */
struct cx docfx_as(struct db *db, const char *login);
/* A one-page PDF showing `text` (UTF-8); malloc'd, *n its size. */
unsigned char *docfx_pdf(const char *text, size_t *n);
/* A draft of P1-UB of type QĐ with that subject, signers (may be 0),
 * recipients (may be 0), and a main PDF showing `text` (NULL = none). */
int64_t docfx_draft(struct docfx *f, struct cx *as, const char *subject,
		    int n_signers, const int64_t *signers, int n_recipients,
		    const int64_t *recipients, const char *text);

#endif
