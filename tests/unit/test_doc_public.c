/*
 * test_doc_public.c — the public verification (domain/doc_public.h) on
 * both drivers, through the real workflow (fixture of test_doc_fixture.h,
 * real signatures from src/sign): a code is made or kept on publication;
 * the public view of an issued document holds only the public fields; a
 * document with a secrecy mark never shows its subject; unknown,
 * malformed and not-yet-issued codes are all "not found"; a dropped file
 * is known only when byte-identical to an issued PDF (also when it was
 * issued before publication was wired in), with its signature report; a
 * replaced document says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "domain/doc.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "domain/doc_public.h"
#include "sign/sign.h"
#include "test.h"
#include "test_doc_fixture.h"

/* Approve a submitted draft: the clerk submits, the manager approves. */
static void pub_approve(struct db *db, int64_t id)
{
	struct cx clerk = docfx_as(db, "p1.clerk"), manager = docfx_as(db, "p1.office");
	struct err e = ERR_INIT;
	CHECK(doc_submit(&clerk, id, NULL, &e) == 0);
	CHECK(doc_review(&manager, id, 1, NULL, &e) == 0);
}

/* A document of P1-UB with that subject and secrecy, its PDF showing
 * `text`, signed on paper (no signer in cadre), approved and issued on
 * `date`; links (may be 0) to `replaces`. */
static int64_t pub_issued(struct db *db, struct docfx *f, const char *subject,
			  const char *secrecy, const char *text, const char *date,
			  int64_t replaces)
{
	struct cx clerk = docfx_as(db, "p1.clerk");
	struct doc_link_in link = {"replaces", replaces};
	struct doc_new d;
	struct err e = ERR_INIT;
	unsigned char *pdf;
	size_t n;
	int64_t id = 0;
	(void)f;
	memset(&d, 0, sizeof d);
	d.issuer_id = f->ub;
	d.type = "QĐ";
	d.subject = subject;
	d.secrecy = secrecy;
	d.n_links = replaces ? 1 : 0;
	d.links = &link;
	CHECK(doc_create(&clerk, &d, &id, &e) == 0);
	pdf = docfx_pdf(text, &n);
	CHECK(doc_file_add(&clerk, id, "main", "qd.pdf", NULL, pdf, n, NULL, &e) == 0);
	free(pdf);
	pub_approve(db, id);
	CHECK(doc_issue(&clerk, id, date, 0, &e) == 0);
	if (e.code) {
		printf("    issue: %s\n", e.msg);
	}
	return id;
}

/* The latest main PDF of a document (malloc'd). */
static unsigned char *pub_pdf(struct db *db, int64_t id, size_t *n)
{
	struct cx clerk = docfx_as(db, "p1.clerk");
	struct err e = ERR_INIT;
	unsigned char *pdf = NULL;
	*n = 0;
	CHECK(doc_file_get(&clerk, id, "main", 0, &pdf, n, NULL, &e) == 0);
	return pdf;
}

/* Every key of the public view is one of the allowed ones. */
static int pub_only_public_keys(json_t *v)
{
	static const char *const allowed[] = {
		"code", "link", "number", "symbol", "type", "issuer", "date",
		"subject", "withheld", "signers", "sha256", "status",
	};
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x) {
		size_t i;
		for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
			if (strcmp(k, allowed[i]) == 0) {
				break;
			}
		}
		if (i == sizeof allowed / sizeof allowed[0]) {
			printf("    unexpected key in the public view: %s\n", k);
			return 0;
		}
	}
	return 1;
}

DB_TEST(doc_public_publish_and_view)
{
	struct docfx f;
	struct err e = ERR_INIT;
	char code[DOC_PUBLIC_CODE_SIZE], again[DOC_PUBLIC_CODE_SIZE],
		reserved[DOC_PUBLIC_CODE_SIZE], sha[65], link[128];
	unsigned char *pdf;
	size_t n;
	json_t *v = NULL;
	int64_t id, draft;
	int published = -1;
	docfx_setup(db, &f, 1);
	id = pub_issued(db, &f, "Quyết định thành lập Tổ công tác chuyển đổi số", "",
			"Quyết định công khai", "2026-03-05", 0);
	pdf = pub_pdf(db, id, &n);
	CHECK(doc_public_publish(&f.cx, id, pdf, n, code, &e) == 0);
	CHECK(strlen(code) == DOC_PUBLIC_CODE_LEN && code[0] != '0');
	CHECK(strspn(code, "0123456789") == DOC_PUBLIC_CODE_LEN);
	/* Publishing again keeps the code. */
	CHECK(doc_public_publish(&f.cx, id, pdf, n, again, &e) == 0);
	CHECK_STR(again, code);
	CHECK(doc_public_code(&f.cx, id, again, &published, &e) == 0);
	CHECK_STR(again, code);
	CHECK(published == 1);
	CHECK(doc_public_publish(&f.cx, id, pdf, 0, again, &e) < 0 &&
	      e.code == ERR_INVALID);
	CHECK(doc_public_publish(&f.cx, 999999, pdf, n, again, &e) < 0 &&
	      e.code == ERR_NOT_FOUND);

	CHECK(doc_public_get(&f.cx, code, &v, &e) == 0);
	CHECK(v && pub_only_public_keys(v));
	CHECK_STR(json_string_value(json_object_get(v, "code")), code);
	CHECK_STR(json_string_value(json_object_get(v, "symbol")), "01/QĐ-UBND");
	CHECK(json_integer_value(json_object_get(v, "number")) == 1);
	CHECK_STR(json_string_value(json_object_get(v, "issuer")),
		  "Ủy ban nhân dân tỉnh Quảng Trị");
	CHECK_STR(json_string_value(json_object_get(v, "date")), "2026-03-05");
	CHECK_STR(json_string_value(json_object_get(v, "subject")),
		  "Quyết định thành lập Tổ công tác chuyển đổi số");
	CHECK(json_is_false(json_object_get(v, "withheld")));
	CHECK_STR(json_string_value(json_object_get(v, "status")), "issued");
	CHECK_STR(json_string_value(json_object_get(json_object_get(v, "type"), "code")),
		  "QĐ");
	CHECK(json_array_size(json_object_get(v, "signers")) == 0);
	sha256_hex2(pdf, n, NULL, 0, sha);
	CHECK_STR(json_string_value(json_object_get(v, "sha256")), sha);
	CHECK(doc_public_link("https://cadre.example.vn/", code, link, sizeof link) == 0);
	CHECK(strncmp(link, "https://cadre.example.vn/verify/", 32) == 0);
	CHECK(strcmp(link + 32, code) == 0);
	CHECK(doc_public_link("https://x", code, link, 10) < 0 && link[0] == 0);
	json_decref(v);
	v = NULL;

	/* Unknown, malformed and unpublished codes: the same 404. */
	CHECK(doc_public_get(&f.cx, "100000000000000", &v, &e) < 0 &&
	      e.code == ERR_NOT_FOUND && v == NULL);
	CHECK(doc_public_get(&f.cx, "abc", &v, &e) < 0 && e.code == ERR_NOT_FOUND);
	CHECK(doc_public_get(&f.cx, "", &v, &e) < 0 && e.code == ERR_NOT_FOUND);
	CHECK(doc_public_get(&f.cx, "0' OR '1'='1", &v, &e) < 0 &&
	      e.code == ERR_NOT_FOUND);
	{
		struct cx clerk = docfx_as(db, "p1.clerk");
		draft = docfx_draft(&f, &clerk, "Bản nháp", 0, NULL, 0, NULL, "Nháp");
	}
	CHECK(doc_public_code(&f.cx, draft, reserved, NULL, &e) < 0 &&
	      e.code == ERR_NOT_FOUND);
	CHECK(doc_public_reserve(&f.cx, draft, reserved, &e) == 0);
	CHECK(strlen(reserved) == DOC_PUBLIC_CODE_LEN && strcmp(reserved, code) != 0);
	CHECK(doc_public_reserve(&f.cx, draft, again, &e) == 0);
	CHECK_STR(again, reserved);
	CHECK(doc_public_code(&f.cx, draft, again, &published, &e) == 0 && published == 0);
	CHECK(doc_public_get(&f.cx, reserved, &v, &e) < 0 && e.code == ERR_NOT_FOUND);
	/* Published but not issued (a draft): still not public. */
	CHECK(doc_public_publish(&f.cx, draft, pdf, n, again, &e) == 0);
	CHECK_STR(again, reserved);
	CHECK(doc_public_get(&f.cx, reserved, &v, &e) < 0 && e.code == ERR_NOT_FOUND);
	free(pdf);
}

DB_TEST(doc_public_secret_subject_withheld)
{
	struct docfx f;
	struct err e = ERR_INIT;
	char code[DOC_PUBLIC_CODE_SIZE];
	unsigned char *pdf;
	size_t n;
	json_t *v = NULL, *r = NULL;
	char *text;
	int64_t id;
	docfx_setup(db, &f, 1);
	id = pub_issued(db, &f, "Phương án bảo vệ bí mật quốc phòng", "mat",
			"Tài liệu mật", "2026-04-01", 0);
	pdf = pub_pdf(db, id, &n);
	CHECK(doc_public_publish(&f.cx, id, pdf, n, code, &e) == 0);
	CHECK(doc_public_get(&f.cx, code, &v, &e) == 0);
	CHECK(v && json_is_null(json_object_get(v, "subject")));
	CHECK(json_is_true(json_object_get(v, "withheld")));
	text = v ? json_dumps(v, 0) : NULL;
	CHECK(text && !strstr(text, "bí mật quốc phòng") && !strstr(text, "Phương án"));
	free(text);
	/* The confidential series: its own number 01. */
	CHECK_STR(json_string_value(json_object_get(v, "symbol")), "01/QĐ-UBND");
	json_decref(v);
	/* Dropping the file itself: known, still without the subject. */
	CHECK(doc_public_verify(&f.cx, pdf, n, &r, &e) == 0);
	CHECK(json_is_true(json_object_get(r, "known")));
	text = r ? json_dumps(r, 0) : NULL;
	CHECK(text && !strstr(text, "bí mật quốc phòng"));
	free(text);
	json_decref(r);
	free(pdf);
}

DB_TEST(doc_public_verify_dropped_files)
{
	struct docfx f;
	struct err e = ERR_INIT;
	char code[DOC_PUBLIC_CODE_SIZE], later[DOC_PUBLIC_CODE_SIZE];
	unsigned char *pdf, *other;
	size_t n;
	json_t *r = NULL;
	int64_t id, old;
	int published = 0;
	docfx_setup(db, &f, 1);
	id = pub_issued(db, &f, "Thông báo kết luận", "", "Bản phát hành", "2026-05-04", 0);
	pdf = pub_pdf(db, id, &n);
	CHECK(doc_public_publish(&f.cx, id, pdf, n, code, &e) == 0);
	CHECK(doc_public_verify(&f.cx, pdf, n, &r, &e) == 0);
	CHECK(json_is_true(json_object_get(r, "known")));
	CHECK_STR(json_string_value(json_object_get(json_object_get(r, "document"), "code")),
		  code);
	CHECK(json_string_length(json_object_get(r, "sha256")) == 64);
	/* A paper-signed PDF: read, but no valid signature in it. */
	CHECK(json_is_object(json_object_get(r, "signatures")));
	CHECK(json_array_size(json_object_get(json_object_get(r, "signatures"),
					      "signatures")) == 0);
	json_decref(r);
	r = NULL;
	/* The same PDF with one more byte: not the issued document. */
	other = malloc(n + 2);
	memcpy(other, pdf, n);
	memcpy(other + n, "%\n", 2);
	CHECK(doc_public_verify(&f.cx, other, n + 2, &r, &e) == 0);
	CHECK(json_is_false(json_object_get(r, "known")));
	CHECK(json_is_null(json_object_get(r, "document")));
	json_decref(r);
	r = NULL;
	free(other);
	/* Not a PDF; nothing at all. */
	CHECK(doc_public_verify(&f.cx, (const unsigned char *)"hello", 5, &r, &e) < 0 &&
	      e.code == ERR_INVALID && r == NULL);
	CHECK_STR(e.field, "file");
	CHECK(doc_public_verify(&f.cx, pdf, 0, &r, &e) < 0 && e.code == ERR_BAD_REQUEST);
	free(pdf);

	/* Issued before publication was wired in: found by its final main
	 * PDF, and published on the spot. */
	old = pub_issued(db, &f, "Văn bản cũ", "", "Văn bản phát hành trước", "2026-05-05",
			 0);
	/* Issuing publishes; forget it to stand for a document issued
	 * before publication existed. */
	CHECK(doc_public_code(&f.cx, old, later, NULL, &e) == 0);
	{
		struct db_stmt *st;
		CHECK(db_prepare(db, "DELETE FROM doc_public WHERE doc_id = ?", &st, &e) == 0);
		db_bind_int64(st, 1, old);
		CHECK(db_step(st, &e) == DB_DONE);
		db_finalize(st);
	}
	CHECK(doc_public_code(&f.cx, old, later, NULL, &e) < 0);
	pdf = pub_pdf(db, old, &n);
	CHECK(doc_public_verify(&f.cx, pdf, n, &r, &e) == 0);
	CHECK(json_is_true(json_object_get(r, "known")));
	CHECK(doc_public_code(&f.cx, old, later, &published, &e) == 0 && published);
	CHECK_STR(json_string_value(json_object_get(json_object_get(r, "document"), "code")),
		  later);
	json_decref(r);
	free(pdf);
	/* An upload of a draft is nothing cadre issued. */
	{
		struct cx clerk = docfx_as(db, "p1.clerk");
		int64_t d = docfx_draft(&f, &clerk, "Nháp", 0, NULL, 0, NULL, "Chưa ban hành");
		pdf = pub_pdf(db, d, &n);
		r = NULL;
		CHECK(doc_public_verify(&f.cx, pdf, n, &r, &e) == 0);
		CHECK(json_is_false(json_object_get(r, "known")));
		CHECK(doc_public_code(&f.cx, d, later, NULL, &e) < 0);
		json_decref(r);
		free(pdf);
	}
	(void)id;
}

DB_TEST(doc_public_signers_and_replaced)
{
	struct docfx f;
	struct err e = ERR_INIT;
	struct cx clerk, s1, s2;
	char code[DOC_PUBLIC_CODE_SIZE], code2[DOC_PUBLIC_CODE_SIZE];
	unsigned char *pdf;
	size_t n;
	json_t *v = NULL, *r = NULL, *signers;
	int64_t signers_in[2], id, id2;
	docfx_setup(db, &f, 1);
	setenv("CADRE_MASTER_KEY",
	       "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 0);
	CHECK(sign_ca_init(&f.cx, f.vn, "CA thử nghiệm", NULL, 0, NULL, &e) == 0);
	CHECK(sign_ca_issue(&f.cx, f.signer1, NULL, 0, NULL, &e) == 0);
	CHECK(sign_ca_issue(&f.cx, f.signer2, NULL, 0, NULL, &e) == 0);
	clerk = docfx_as(db, "p1.clerk");
	s1 = docfx_as(db, "p1.chair");
	s2 = docfx_as(db, "p1.vice");
	signers_in[0] = f.signer1;
	signers_in[1] = f.signer2;
	id = docfx_draft(&f, &clerk, "Quyết định có hai chữ ký", 2, signers_in, 0, NULL,
			 "Hai người ký");
	pub_approve(db, id);
	CHECK(doc_sign(&s1, id, NULL, &e) == 0);
	CHECK(doc_sign(&s2, id, NULL, &e) == 0);
	CHECK(doc_issue(&clerk, id, "2026-06-01", 0, &e) == 0);
	pdf = pub_pdf(db, id, &n);
	CHECK(doc_public_publish(&f.cx, id, pdf, n, code, &e) == 0);
	CHECK(doc_public_get(&f.cx, code, &v, &e) == 0);
	signers = json_object_get(v, "signers");
	CHECK(json_array_size(signers) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(signers, 0), "name")),
		  "Nguyễn Văn Chủ");
	CHECK_STR(json_string_value(json_object_get(json_array_get(signers, 1), "name")),
		  "Trần Thị Phó");
	CHECK(json_string_length(json_object_get(json_array_get(signers, 0), "signed_at")) ==
	      24);
	CHECK(json_object_size(json_array_get(signers, 0)) == 2);
	json_decref(v);
	/* The file verifies: two valid signatures, known. */
	CHECK(doc_public_verify(&f.cx, pdf, n, &r, &e) == 0);
	CHECK(json_is_true(json_object_get(r, "known")));
	CHECK(json_is_true(json_object_get(json_object_get(r, "signatures"), "valid")));
	CHECK(json_array_size(json_object_get(json_object_get(r, "signatures"),
					      "signatures")) == 2);
	json_decref(r);
	free(pdf);
	/* Replaced by a later issued document. */
	id2 = pub_issued(db, &f, "Quyết định thay thế", "", "Thay thế", "2026-06-02", id);
	pdf = pub_pdf(db, id2, &n);
	CHECK(doc_public_publish(&f.cx, id2, pdf, n, code2, &e) == 0);
	free(pdf);
	CHECK(doc_public_get(&f.cx, code, &v, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(v, "status")), "replaced");
	json_decref(v);
	CHECK(doc_public_get(&f.cx, code2, &v, &e) == 0);
	CHECK_STR(json_string_value(json_object_get(v, "status")), "issued");
	json_decref(v);
}
