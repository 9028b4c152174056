/*
 * test_doc_file.c — files of documents on both drivers: contents stored
 * once by SHA-256, every version kept and read back intact, a non-PDF
 * uploaded as the main PDF refused, an encrypted PDF refused (with a user
 * password at upload; owner-only encryption at signing), a file over the
 * limit refused, text extracted from the PDF for search, attachments of any
 * kind, permissions (a viewer cannot upload; another unit cannot read).
 */
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "domain/doc.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "test.h"
#include "test_doc_fixture.h"

/* The PDF re-written with AES-256 encryption: a user password or (user
 * "" ) an owner password only.  malloc'd. */
static unsigned char *encrypt_pdf(const unsigned char *pdf, size_t n,
				  const char *user, size_t *out_n)
{
	qpdf_data q = qpdf_init();
	unsigned char *out = NULL;
	qpdf_silence_errors(q);
	if (!(qpdf_read_memory(q, "t", (const char *)pdf, n, NULL) & QPDF_ERRORS) &&
	    !(qpdf_init_write_memory(q) & QPDF_ERRORS)) {
		qpdf_set_r6_encryption_parameters2(q, user, "owner-secret", 1, 1, 1, 1,
						   1, 1, qpdf_r3p_full, 1);
		if (!(qpdf_write(q) & QPDF_ERRORS)) {
			*out_n = qpdf_get_buffer_length(q);
			out = malloc(*out_n);
			memcpy(out, qpdf_get_buffer(q), *out_n);
		}
	}
	qpdf_cleanup(&q);
	return out;
}

DB_TEST(doc_file_versions_and_dedup)
{
	struct docfx f;
	struct cx clerk, viewer, c1clerk;
	struct err e = ERR_INIT;
	unsigned char *a, *b, *got = NULL;
	size_t na, nb, ng;
	int64_t d1, d2;
	json_t *v = NULL, *meta = NULL;
	char sha[65];
	docfx_setup(db, &f, 1);
	clerk = docfx_as(db, "p1.clerk");
	viewer = docfx_as(db, "p1.viewer");
	c1clerk = docfx_as(db, "c1.clerk");
	a = docfx_pdf("Phiên bản một", &na);
	b = docfx_pdf("Phiên bản hai", &nb);
	d1 = docfx_draft(&f, &clerk, "Hai phiên bản", 0, NULL, 0, NULL, NULL);
	d2 = docfx_draft(&f, &clerk, "Cùng tệp", 0, NULL, 0, NULL, NULL);
	CHECK(doc_file_add(&clerk, d1, "main", "v1.pdf", NULL, a, na, &v, &e) == 0);
	CHECK(json_integer_value(json_object_get(v, "version")) == 1);
	CHECK(json_integer_value(json_object_get(v, "pages")) == 1);
	CHECK_STR(json_string_value(json_object_get(v, "mime")), "application/pdf");
	sha256_hex2(a, na, NULL, 0, sha);
	CHECK_STR(json_string_value(json_object_get(v, "sha256")), sha);
	json_decref(v);
	CHECK(doc_file_add(&clerk, d1, "main", "v2.pdf", NULL, b, nb, &v, &e) == 0);
	CHECK(json_integer_value(json_object_get(v, "version")) == 2);
	json_decref(v);
	/* The same bytes in another document: stored once. */
	CHECK(doc_file_add(&clerk, d2, "main", "same.pdf", NULL, a, na, NULL, &e) == 0);
	{
		struct db_stmt *st;
		CHECK(db_prepare(db, "SELECT COUNT(*) FROM doc_blob", &st, &e) == 0);
		CHECK(db_step(st, &e) == DB_ROW && db_col_int64(st, 0) == 2);
		db_finalize(st);
	}
	/* Every version kept and read back byte for byte. */
	CHECK(doc_file_get(&clerk, d1, "main", 1, &got, &ng, &meta, &e) == 0);
	CHECK(ng == na && memcmp(got, a, na) == 0);
	CHECK_STR(json_string_value(json_object_get(meta, "name")), "v1.pdf");
	free(got);
	json_decref(meta);
	CHECK(doc_file_get(&clerk, d1, "main", 0, &got, &ng, NULL, &e) == 0);
	CHECK(ng == nb && memcmp(got, b, nb) == 0);
	free(got);
	CHECK(doc_file_versions(&clerk, d1, &v, &e) == 0);
	CHECK(json_array_size(v) == 2);
	json_decref(v);
	CHECK(doc_file_get(&clerk, d1, "main", 7, &got, &ng, NULL, &e) < 0);
	CHECK(e.code == ERR_NOT_FOUND);
	/* Attachments: any file, versions per name. */
	CHECK(doc_file_add(&clerk, d1, "Phụ lục 1", "phu-luc.csv", "text/csv",
			   (const unsigned char *)"a,b\n1,2\n", 8, &v, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(v, "mime")), "text/csv");
	json_decref(v);
	CHECK(doc_file_versions(&clerk, d1, &v, &e) == 0);
	CHECK(json_array_size(v) == 3);
	json_decref(v);
	/* Permissions. */
	CHECK(doc_file_add(&viewer, d1, "main", "x.pdf", NULL, a, na, NULL, &e) < 0);
	CHECK(e.code == ERR_FORBIDDEN);
	CHECK(doc_file_get(&c1clerk, d1, "main", 0, &got, &ng, NULL, &e) < 0);
	CHECK(e.code == ERR_FORBIDDEN);
	free(a);
	free(b);
}

DB_TEST(doc_file_bad_input)
{
	struct docfx f;
	struct cx clerk;
	struct err e = ERR_INIT;
	unsigned char *pdf, *enc;
	size_t n, ne;
	int64_t d;
	static const char html[] = "<html><body>not a pdf</body></html>";
	static const char fake[] = "%PDF-1.7\nthis is not really a PDF at all\n%%EOF\n";
	docfx_setup(db, &f, 1);
	clerk = docfx_as(db, "p1.clerk");
	d = docfx_draft(&f, &clerk, "Tệp hỏng", 0, NULL, 0, NULL, NULL);
	/* A non-PDF uploaded as the document's PDF. */
	CHECK(doc_file_add(&clerk, d, "main", "a.pdf", "application/pdf",
			   (const unsigned char *)html, sizeof html - 1, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK_STR(e.field, "file");
	/* The magic alone is not enough. */
	CHECK(doc_file_add(&clerk, d, "main", "b.pdf", NULL, (const unsigned char *)fake,
			   sizeof fake - 1, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	/* A PDF whose body was cut in half. */
	pdf = docfx_pdf("Bị cắt", &n);
	CHECK(doc_file_add(&clerk, d, "main", "c.pdf", NULL, pdf, n / 3, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	/* A PDF protected by a password. */
	enc = encrypt_pdf(pdf, n, "user-secret", &ne);
	CHECK(enc != NULL);
	CHECK(doc_file_add(&clerk, d, "main", "d.pdf", NULL, enc, ne, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK(strstr(e.msg, "password") != NULL);
	free(enc);
	/* Encrypted with an owner password only: readable, flagged. */
	enc = encrypt_pdf(pdf, n, "", &ne);
	{
		struct doc_pdf_info info;
		CHECK(doc_pdf_check(enc, ne, 0, &info, &e) == 0);
		CHECK(info.encrypted == 1);
		CHECK(doc_pdf_check(pdf, n, 0, &info, &e) == 0);
		CHECK(info.encrypted == 0);
	}
	free(enc);
	/* Empty, and over the limit (checked before anything is read). */
	CHECK(doc_file_add(&clerk, d, "main", "e.pdf", NULL, pdf, 0, NULL, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK(doc_file_add(&clerk, d, "main", "f.pdf", NULL, pdf, DOC_FILE_MAX + 1, NULL,
			   &e) < 0);
	CHECK(e.code == ERR_TOO_LARGE);
	/* Nothing was stored. */
	{
		json_t *v = NULL;
		CHECK(doc_file_versions(&clerk, d, &v, &e) == 0);
		CHECK(json_array_size(v) == 0);
		json_decref(v);
	}
	free(pdf);
}

TEST(doc_file_text_extracted)
{
	struct doc_pdf_info info;
	struct err e = ERR_INIT;
	unsigned char *pdf;
	size_t n;
	pdf = docfx_pdf("Nghị quyết về Chuyển đổi số ĐỒNG BỘ", &n);
	CHECK(doc_pdf_check(pdf, n, 1, &info, &e) == 0);
	CHECK(info.pages == 1);
	CHECK(info.text && strstr(info.text, "nghi quyet ve chuyen doi so dong bo"));
	free(info.text);
	free(pdf);
}
