/*
 * test_doc_stamp.c — the verification stamp in the workflow (doc_stamp.h)
 * on both drivers: an uploaded PDF is stamped once, at approval, with the
 * link of the code reserved then, and that code and the stamped file are
 * what issuing publishes; a PDF rendered from a template with this
 * document's QR code is left as it is; one carrying another document's QR
 * code is refused at approval (the document stays in review, can be
 * returned and fixed); an encrypted PDF is approved unstamped and the sign
 * step refuses it as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "domain/doc.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "domain/doc_public.h"
#include "report/pdf_doc.h"
#include "sign/sign.h"
#include "test.h"
#include "test_doc_fixture.h"

static int submit_approve(struct db *db, int64_t id, struct err *e)
{
	struct cx clerk = docfx_as(db, "p1.clerk"), manager = docfx_as(db, "p1.office");
	CHECK(doc_submit(&clerk, id, NULL, e) == 0);
	return doc_review(&manager, id, 1, NULL, e);
}

/* The origins of the main file's versions, joined by spaces. */
static const char *origins(struct db *db, int64_t id)
{
	static char s[256];
	struct cx clerk = docfx_as(db, "p1.clerk");
	struct err e = ERR_INIT;
	json_t *v = NULL, *x;
	size_t i;
	s[0] = 0;
	CHECK(doc_file_versions(&clerk, id, &v, &e) == 0);
	json_array_foreach(v, i, x) {
		snprintf(s + strlen(s), sizeof s - strlen(s), "%s%s", i ? " " : "",
			 json_string_value(json_object_get(x, "origin")));
	}
	json_decref(v);
	return s;
}

/* The mark of the latest main PDF ("" when none). */
static const char *latest_mark(struct db *db, int64_t id)
{
	static char mark[256];
	struct cx clerk = docfx_as(db, "p1.clerk");
	struct err e = ERR_INIT;
	unsigned char *pdf = NULL;
	size_t n = 0;
	mark[0] = 0;
	CHECK(doc_file_get(&clerk, id, "main", 0, &pdf, &n, NULL, &e) == 0);
	CHECK(pdf && sign_stamp_mark(pdf, n, mark, sizeof mark, &e) >= 0);
	free(pdf);
	return mark;
}

/* A state document rendered with `qr` as its QR code (malloc'd). */
static unsigned char *rendered(const char *qr, size_t *n)
{
	struct pdf_doc d = {0};
	struct err e = ERR_INIT;
	unsigned char *pdf = NULL;
	d.tpl = PDF_DOC_STATE;
	d.issuer = "ỦY BAN NHÂN DÂN TỈNH";
	d.place = "Đông Hà";
	d.type = "QUYẾT ĐỊNH";
	d.subject = "về việc thử nghiệm";
	d.qr = qr;
	CHECK(pdf_doc_render(&d, &pdf, n, NULL, &e) == 0);
	return pdf;
}

DB_TEST(doc_stamp_uploaded_once_published)
{
	struct docfx f;
	struct cx clerk;
	struct err e = ERR_INIT;
	char code[DOC_PUBLIC_CODE_SIZE], link[256], sha[65];
	unsigned char *pdf = NULL;
	size_t n = 0;
	json_t *d = NULL, *v = NULL;
	int64_t id;
	int published = -1, stamps = 0;
	setenv("CADRE_PUBLIC_URL", "https://cadre.example.vn/", 1);
	docfx_setup(db, &f, 1);
	clerk = docfx_as(db, "p1.clerk");
	id = docfx_draft(&f, &clerk, "Quyết định tải lên", 0, NULL, 0, NULL, "Tệp từ máy");
	/* No code before approval. */
	CHECK(doc_public_code(&f.cx, id, code, NULL, &e) < 0 && e.code == ERR_NOT_FOUND);
	CHECK(submit_approve(db, id, &e) == 0);
	CHECK_STR(origins(db, id), "upload stamped");
	CHECK(doc_public_code(&f.cx, id, code, &published, &e) == 0 && published == 0);
	CHECK(doc_public_link(NULL, code, link, sizeof link) == 0);
	CHECK(strncmp(link, "https://cadre.example.vn/verify/", 32) == 0);
	CHECK_STR(latest_mark(db, id), link);
	/* The history says so, once; the document shows its public block. */
	CHECK(doc_get(&clerk, id, &d, &e) == 0);
	{
		json_t *h = json_object_get(d, "history"), *x;
		size_t i;
		json_array_foreach(h, i, x) {
			stamps += strcmp(json_string_value(json_object_get(x, "action")), "stamp") == 0;
		}
	}
	CHECK(stamps == 1);
	CHECK_STR(json_string_value(json_object_get(json_object_get(d, "public"), "code")), code);
	CHECK(json_is_false(json_object_get(json_object_get(d, "public"), "published")));
	json_decref(d);
	/* Issued on paper: no second stamp; the stamped file is published
	 * under the reserved code. */
	CHECK(doc_issue(&clerk, id, "2026-02-02", 0, &e) == 0);
	CHECK_STR(origins(db, id), "upload stamped");
	CHECK(doc_public_code(&f.cx, id, link, &published, &e) == 0 && published == 1);
	CHECK_STR(link, code);
	CHECK(doc_file_get(&clerk, id, "main", 0, &pdf, &n, NULL, &e) == 0);
	sha256_hex2(pdf, n, NULL, 0, sha);
	CHECK(doc_public_get(&f.cx, code, &v, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(v, "sha256")), sha);
	json_decref(v);
	v = NULL;
	CHECK(doc_public_verify(&f.cx, pdf, n, &v, &e) == 0);
	CHECK(json_is_true(json_object_get(v, "known")));
	json_decref(v);
	free(pdf);
	unsetenv("CADRE_PUBLIC_URL");
}

DB_TEST(doc_stamp_rendered_and_foreign)
{
	struct docfx f;
	struct cx clerk, manager;
	struct err e = ERR_INIT;
	char code[DOC_PUBLIC_CODE_SIZE], link[256], again[DOC_PUBLIC_CODE_SIZE];
	unsigned char *pdf;
	size_t n;
	int64_t id, other;
	docfx_setup(db, &f, 1);
	clerk = docfx_as(db, "p1.clerk");
	manager = docfx_as(db, "p1.office");
	/* Rendered from the template with the code reserved for it: left as
	 * it is, and that code is kept. */
	id = docfx_draft(&f, &clerk, "Quyết định theo mẫu", 0, NULL, 0, NULL, NULL);
	CHECK(doc_public_reserve(&f.cx, id, code, &e) == 0);
	CHECK(doc_public_link(NULL, code, link, sizeof link) == 0);
	pdf = rendered(link, &n);
	CHECK(doc_file_add(&clerk, id, "main", "mau.pdf", NULL, pdf, n, NULL, &e) == 0);
	free(pdf);
	CHECK(submit_approve(db, id, &e) == 0);
	CHECK_STR(origins(db, id), "upload");
	CHECK(doc_issue(&clerk, id, "2026-02-03", 0, &e) == 0);
	CHECK(doc_public_code(&f.cx, id, again, NULL, &e) == 0);
	CHECK_STR(again, code);
	/* Another document's QR code: refused at approval, still in review;
	 * returned, a clean file, approved and stamped. */
	other = docfx_draft(&f, &clerk, "Bản sao của văn bản khác", 0, NULL, 0, NULL, NULL);
	pdf = rendered(link, &n);
	CHECK(doc_file_add(&clerk, other, "main", "sao.pdf", NULL, pdf, n, NULL, &e) == 0);
	free(pdf);
	CHECK(submit_approve(db, other, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "file") == 0);
	CHECK(strstr(e.msg, "another document") != NULL && strstr(e.msg, code) != NULL);
	CHECK_STR(origins(db, other), "upload");
	CHECK(doc_review(&manager, other, 0, "Tệp mang mã QR của văn bản khác", &e) == 0);
	pdf = docfx_pdf("Bản đúng", &n);
	CHECK(doc_file_add(&clerk, other, "main", "dung.pdf", NULL, pdf, n, NULL, &e) == 0);
	free(pdf);
	CHECK(submit_approve(db, other, &e) == 0);
	CHECK_STR(origins(db, other), "upload upload stamped");
	CHECK(doc_public_code(&f.cx, other, again, NULL, &e) == 0 && strcmp(again, code) != 0);
}
