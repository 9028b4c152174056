/*
 * test_doc_sign.c — the route with real signatures on both drivers (the
 * organization's CA from src/sign, nothing mocked): two signers in order
 * (the second may not sign first; nobody signs twice), each signature a
 * new version of the main PDF (stamped with its QR code at approval)
 * that keeps the earlier bytes (incremental update), both signatures valid in sign_verify_pdf, then numbered and
 * issued once; a parallel route signed in any order; a user without the
 * signer role refused; an encrypted PDF refused for signing.
 */
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/doc.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "sign/sign.h"
#include "test.h"
#include "test_doc_fixture.h"

/* A fixed test master key, so no key file is left next to test databases
 * and PostgreSQL runs have one. */
static void master_key(void)
{
	setenv("CADRE_MASTER_KEY",
	       "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 0);
}

static void ca_for_signers(struct docfx *f)
{
	struct err e = ERR_INIT;
	master_key();
	if (sign_ca_init(&f->cx, f->vn, "CA thử nghiệm", NULL, 0, NULL, &e) ||
	    sign_ca_issue(&f->cx, f->signer1, NULL, 0, NULL, &e) ||
	    sign_ca_issue(&f->cx, f->signer2, NULL, 0, NULL, &e)) {
		test_fail(__FILE__, __LINE__, "the CA and the signer certificates");
		printf("    ca: %s\n", e.msg);
	}
}

static void approve(struct db *db, int64_t id)
{
	struct cx clerk = docfx_as(db, "p1.clerk"), manager = docfx_as(db, "p1.office");
	struct err e = ERR_INIT;
	CHECK(doc_submit(&clerk, id, NULL, &e) == 0);
	CHECK(doc_review(&manager, id, 1, NULL, &e) == 0);
}

static const char *status_of(struct cx *cx, int64_t id)
{
	static char s[32];
	json_t *j = NULL;
	struct err e = ERR_INIT;
	CHECK(doc_get(cx, id, &j, &e) == 0);
	snprintf(s, sizeof s, "%s", json_string_value(json_object_get(j, "status")));
	json_decref(j);
	return s;
}

DB_TEST(doc_sign_two_signers_in_order)
{
	struct docfx f;
	struct cx clerk, s1, s2;
	struct err e = ERR_INIT;
	int64_t signers[2], id;
	unsigned char *v1 = NULL, *v2 = NULL, *v3 = NULL;
	size_t n1, n2, n3;
	json_t *report = NULL, *versions = NULL, *j = NULL;
	docfx_setup(db, &f, 1);
	ca_for_signers(&f);
	clerk = docfx_as(db, "p1.clerk");
	s1 = docfx_as(db, "p1.chair");
	s2 = docfx_as(db, "p1.vice");
	signers[0] = f.signer1;
	signers[1] = f.signer2;
	id = docfx_draft(&f, &clerk, "Quyết định có hai chữ ký", 2, signers, 0, NULL,
			 "Quyết định thành lập Ban chỉ đạo");
	/* Not approved yet: nobody signs. */
	CHECK(doc_sign(&s1, id, NULL, &e) < 0 && e.code == ERR_CONFLICT);
	approve(db, id);
	/* The second signer may not sign first. */
	CHECK(doc_sign(&s2, id, NULL, &e) < 0);
	CHECK(e.code == ERR_CONFLICT);
	CHECK(strstr(e.msg, "not your turn") != NULL);
	/* The clerk is no signer. */
	CHECK(doc_sign(&clerk, id, NULL, &e) < 0 && e.code == ERR_FORBIDDEN);
	if (doc_sign(&s1, id, NULL, &e)) {
		test_fail(__FILE__, __LINE__, "first signature");
		printf("    sign 1: %s\n", e.msg);
	}
	CHECK_STR(status_of(&clerk, id), "signing");
	CHECK(doc_sign(&s1, id, NULL, &e) < 0 && e.code == ERR_CONFLICT);
	/* Not every signer has signed: no number yet. */
	CHECK(doc_issue(&clerk, id, "2025-07-01", 0, &e) < 0 && e.code == ERR_CONFLICT);
	if (doc_sign(&s2, id, NULL, &e)) {
		test_fail(__FILE__, __LINE__, "second signature");
		printf("    sign 2: %s\n", e.msg);
	}
	CHECK_STR(status_of(&clerk, id), "signed");
	/* Four versions: the upload, stamped at approval with the QR code of
	 * its public page, then one per signature; each keeps the earlier
	 * bytes (incremental updates). */
	CHECK(doc_file_versions(&clerk, id, &versions, &e) == 0);
	CHECK(json_array_size(versions) == 4);
	CHECK_STR(json_string_value(json_object_get(json_array_get(versions, 1), "origin")),
		  "stamped");
	CHECK_STR(json_string_value(json_object_get(json_array_get(versions, 3), "origin")),
		  "signed");
	json_decref(versions);
	CHECK(doc_file_get(&clerk, id, "main", 1, &v1, &n1, NULL, &e) == 0);
	CHECK(doc_file_get(&clerk, id, "main", 3, &v2, &n2, NULL, &e) == 0);
	CHECK(doc_file_get(&clerk, id, "main", 4, &v3, &n3, NULL, &e) == 0);
	CHECK(v1 && v2 && v3 && n1 < n2 && n2 < n3);
	CHECK(v1 && v2 && memcmp(v1, v2, n1) == 0);
	CHECK(v2 && v3 && memcmp(v2, v3, n2) == 0);
	/* Both signatures verify and the last covers the whole file. */
	CHECK(v3 && sign_verify_pdf(db, NULL, v3, n3, &report, &e) == 0);
	CHECK(json_is_true(json_object_get(report, "valid")));
	CHECK(json_array_size(json_object_get(report, "signatures")) == 2);
	json_decref(report);
	/* A byte changed after signing is detected. */
	if (v3) {
		v3[n1 / 2] ^= 0x01;
		report = NULL;
		CHECK(sign_verify_pdf(db, NULL, v3, n3, &report, &e) == 0);
		CHECK(!json_is_true(json_object_get(report, "valid")));
		json_decref(report);
	}
	/* Numbered once, after signing. */
	CHECK(doc_issue(&clerk, id, "2025-07-01", 0, &e) == 0);
	CHECK(doc_get(&clerk, id, &j, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(j, "symbol")), "01/QĐ-UBND");
	json_decref(j);
	CHECK(doc_issue(&clerk, id, "2025-07-02", 0, &e) < 0 && e.code == ERR_CONFLICT);
	CHECK(doc_sign(&s2, id, NULL, &e) < 0);
	free(v1);
	free(v2);
	free(v3);
}

DB_TEST(doc_sign_parallel_any_order)
{
	struct docfx f;
	struct cx clerk, s1, s2;
	struct err e = ERR_INIT;
	int64_t signers[2], id;
	json_t *j = NULL;
	docfx_setup(db, &f, 1);
	ca_for_signers(&f);
	clerk = docfx_as(db, "p1.clerk");
	s1 = docfx_as(db, "p1.chair");
	s2 = docfx_as(db, "p1.vice");
	signers[0] = f.signer1;
	signers[1] = f.signer2;
	id = docfx_draft(&f, &clerk, "Quyết định liên tịch", 2, signers, 0, NULL,
			 "Ký song song");
	CHECK(doc_get(&clerk, id, &j, &e) == 0);
	CHECK(doc_route_set(&clerk, id, json_integer_value(json_object_get(j, "rev")),
			    "parallel", 0, NULL, 0, &e) == 0);
	json_decref(j);
	/* The route was replaced by none: set the two signers again. */
	{
		struct doc_signer_in s[2] = {{f.signer1, "Chủ tịch"}, {f.signer2, "Phó"}};
		CHECK(doc_route_set(&clerk, id, 0, NULL, 2, s, 0, &e) == 0);
	}
	approve(db, id);
	{
		json_t *inbox = NULL;
		CHECK(doc_inbox(&s2, &inbox, &e) == 0);
		CHECK(json_array_size(json_object_get(inbox, "sign")) == 1);
		json_decref(inbox);
	}
	CHECK(doc_sign(&s2, id, NULL, &e) == 0);
	CHECK(doc_sign(&s1, id, NULL, &e) == 0);
	CHECK_STR(status_of(&clerk, id), "signed");
}

DB_TEST(doc_sign_encrypted_pdf_refused)
{
	struct docfx f;
	struct cx clerk, s1;
	struct err e = ERR_INIT;
	int64_t id;
	unsigned char *pdf, *enc = NULL;
	size_t n, ne = 0;
	qpdf_data q;
	docfx_setup(db, &f, 1);
	ca_for_signers(&f);
	clerk = docfx_as(db, "p1.clerk");
	s1 = docfx_as(db, "p1.chair");
	id = docfx_draft(&f, &clerk, "Tệp mã hóa", 1, &f.signer1, 0, NULL, NULL);
	pdf = docfx_pdf("Mã hóa", &n);
	q = qpdf_init();
	qpdf_silence_errors(q);
	if (!(qpdf_read_memory(q, "t", (const char *)pdf, n, NULL) & QPDF_ERRORS) &&
	    !(qpdf_init_write_memory(q) & QPDF_ERRORS)) {
		qpdf_set_r6_encryption_parameters2(q, "", "owner", 1, 1, 1, 1, 1, 1,
						   qpdf_r3p_full, 1);
		if (!(qpdf_write(q) & QPDF_ERRORS)) {
			ne = qpdf_get_buffer_length(q);
			enc = malloc(ne);
			memcpy(enc, qpdf_get_buffer(q), ne);
		}
	}
	qpdf_cleanup(&q);
	CHECK(enc != NULL);
	CHECK(doc_file_add(&clerk, id, "main", "enc.pdf", NULL, enc, ne, NULL, &e) == 0);
	approve(db, id);
	/* Approved all the same, unstamped: the sign step says why. */
	{
		json_t *v = NULL;
		CHECK(doc_file_versions(&clerk, id, &v, &e) == 0 && json_array_size(v) == 1);
		json_decref(v);
	}
	CHECK(doc_sign(&s1, id, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK(strstr(e.msg, "encrypted") != NULL);
	CHECK_STR(status_of(&clerk, id), "approved");
	free(pdf);
	free(enc);
}
