/*
 * test_documents.c — API tests of /api/v1/documents against the real
 * server (docs/api.md "Documents"): numbering configuration and
 * allocation, a draft with its PDF uploaded as raw bytes, bad uploads (a
 * non-PDF → 422, a body over the limit → 413), review, the sign step
 * refused to a clerk, a paper route issued once (409 the second time),
 * distribution, receipt by the recipient unit into its incoming register,
 * an incoming symbol with a wrong type code → 422, search ignoring
 * diacritics, the register as CSV, tasks and the inbox; downloads of
 * files and registers as the bytes themselves (type, name, rights), the
 * list of who may sign for a clerk, an issuer posted back as listed, and a
 * task's required due date.  Units and users are the suite's own (tagged),
 * created through the API.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"

#define PW "documents-pw-1"
#define PW2 "documents-pw-2"

struct dfx {
	long long unit, other; /* the issuer and a recipient unit */
	char code[64], other_code[64];
	struct client clerk, manager, signer, other_clerk;
	long long signer_id;
};

/* Log a new user in and replace the one-time password. */
static int login_new(struct client *c, const char *login)
{
	struct resp r;
	if (api_login(c, login, PW) != 200) {
		return 0;
	}
	r = api_post(c, "/session/password",
		     json_pack("{s:s,s:s}", "old_password", PW, "new_password", PW2));
	resp_release(&r);
	return api_login(c, login, PW2) == 200;
}

static long long mkunit(const char *code, const char *name)
{
	char date[11];
	struct resp r = reorg_create(&api.admin, code, name, api.root_id,
				     api_next_date(date));
	long long id = reorg_created_id(&r, code);
	if (id < 0) {
		api_test_note("create %s: %ld %.200s", code, r.status, r.body);
	}
	resp_release(&r);
	return id;
}

static int setup(struct dfx *f, const char *suffix)
{
	char login[64];
	struct resp r;
	memset(f, 0, sizeof *f);
	snprintf(f->code, sizeof f->code, "DOC-%s-%s", api.tag, suffix);
	snprintf(f->other_code, sizeof f->other_code, "DOCR-%s-%s", api.tag, suffix);
	f->unit = mkunit(f->code, "Ủy ban nhân dân thử nghiệm");
	f->other = mkunit(f->other_code, "Xã nhận văn bản");
	if (f->unit < 0 || f->other < 0) {
		return 0;
	}
	r = api_post(&api.admin, "/documents/issuers",
		     json_pack("{s:I,s:s,s:s}", "unit_id", (json_int_t)f->unit, "org",
			       "state", "symbol", "UBND"));
	CHECK_STATUS(r, 200);
	resp_release(&r);
	snprintf(login, sizeof login, "dc.%s.%s", api.tag, suffix);
	api_user_create(login, "clerk", f->unit, PW);
	CHECK(login_new(&f->clerk, login));
	snprintf(login, sizeof login, "dm.%s.%s", api.tag, suffix);
	api_user_create(login, "manager", f->unit, PW);
	CHECK(login_new(&f->manager, login));
	snprintf(login, sizeof login, "ds.%s.%s", api.tag, suffix);
	f->signer_id = api_user_create(login, "signer", f->unit, PW);
	CHECK(login_new(&f->signer, login));
	snprintf(login, sizeof login, "do.%s.%s", api.tag, suffix);
	api_user_create(login, "clerk", f->other, PW);
	CHECK(login_new(&f->other_clerk, login));
	return 1;
}

static void teardown(struct dfx *f)
{
	client_release(&f->clerk);
	client_release(&f->manager);
	client_release(&f->signer);
	client_release(&f->other_clerk);
}

struct mem {
	char *p;
	size_t n;
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data,
				unsigned int len)
{
	struct mem *m = closure;
	char *nb = realloc(m->p, m->n + len);
	if (!nb) {
		return CAIRO_STATUS_NO_MEMORY;
	}
	memcpy(nb + m->n, data, len);
	m->p = nb;
	m->n += len;
	return CAIRO_STATUS_SUCCESS;
}

/* A one-page PDF showing text; malloc'd. */
static char *make_pdf(const char *text, size_t *n)
{
	struct mem out = {NULL, 0};
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pdf_write, &out, 595, 842);
	cairo_t *c = cairo_create(s);
	cairo_select_font_face(c, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c, 14);
	cairo_move_to(c, 60, 100);
	cairo_show_text(c, text);
	cairo_show_page(c);
	cairo_destroy(c);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	*n = out.n;
	return out.p;
}

/* A valid PDF of about 2.3 MiB: one page showing an image of random
 * pixels, which no compression shrinks. */
static char *make_big_pdf(size_t *n)
{
	struct mem out = {NULL, 0};
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 900, 900);
	cairo_surface_t *s;
	cairo_t *c;
	unsigned char *px;
	int stride = cairo_image_surface_get_stride(img);
	cairo_surface_flush(img);
	px = cairo_image_surface_get_data(img);
	randombytes_buf(px, (size_t)stride * 900);
	cairo_surface_mark_dirty(img);
	s = cairo_pdf_surface_create_for_stream(pdf_write, &out, 595, 842);
	c = cairo_create(s);
	cairo_set_source_surface(c, img, 0, 0);
	cairo_paint(c);
	cairo_show_page(c);
	cairo_destroy(c);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	cairo_surface_destroy(img);
	*n = out.n;
	return out.p;
}

static struct resp upload(struct client *c, long long id, const char *slot,
			  const char *body, size_t len)
{
	char path[160];
	struct resp r;
	snprintf(path, sizeof path, "/documents/%lld/versions?slot=%s&name=tep.pdf", id, slot);
	api_request(c, "POST", path, body, len, 0, &r);
	return r;
}

static long long create_draft(struct dfx *f, const char *subject, json_t *signers,
			      const char *text)
{
	struct resp r;
	long long id;
	r = api_post(&f->clerk, "/documents",
		     json_pack("{s:I,s:s,s:s,s:o,s:[I]}", "issuer_id", (json_int_t)f->unit,
			       "type", "QĐ", "subject", subject, "signers",
			       signers ? signers : json_array(), "recipients",
			       (json_int_t)f->other));
	CHECK_STATUS(r, 201);
	id = jpi(r.json, "id");
	CHECK_STR(jps(r.json, "status"), "draft");
	resp_release(&r);
	if (text && id > 0) {
		size_t n;
		char *pdf = make_pdf(text, &n);
		r = upload(&f->clerk, id, "main", pdf, n);
		CHECK_STATUS(r, 201);
		CHECK(jpi(r.json, "version") == 1);
		resp_release(&r);
		free(pdf);
	}
	return id;
}

TEST(documents_numbering)
{
	struct dfx f;
	struct resp r;
	char path[128];
	if (!setup(&f, "n")) {
		CHECK(0);
		return;
	}
	r = api_get(&f.clerk, "/documents/types?org=state");
	CHECK_STATUS(r, 200);
	CHECK(jfind(r.json, "", "code", "QĐ") != NULL);
	resp_release(&r);
	r = api_post(&f.clerk, "/documents/number",
		     json_pack("{s:I,s:s,s:s}", "issuer_id", (json_int_t)f.unit, "type", "QĐ",
			       "date", "2025-02-03"));
	CHECK_STATUS(r, 201);
	CHECK_STR(jps(r.json, "symbol"), "01/QĐ-UBND");
	resp_release(&r);
	r = api_post(&f.clerk, "/documents/number",
		     json_pack("{s:I,s:s,s:s}", "issuer_id", (json_int_t)f.unit, "type", "QĐ",
			       "date", "2025-02-04"));
	CHECK_STR(jps(r.json, "symbol"), "02/QĐ-UBND");
	resp_release(&r);
	r = api_post(&f.clerk, "/documents/number",
		     json_pack("{s:I,s:s,s:s,s:b}", "issuer_id", (json_int_t)f.unit, "type",
			       "QĐ", "date", "2025-02-04", "confidential", 1));
	CHECK_STR(jps(r.json, "symbol"), "01/QĐ-UBND");
	resp_release(&r);
	/* A type the catalogue lacks; a unit that is not an issuer. */
	r = api_post(&f.clerk, "/documents/number",
		     json_pack("{s:I,s:s}", "issuer_id", (json_int_t)f.unit, "type", "XYZ"));
	CHECK_ERROR(r, 422, "invalid", "type");
	resp_release(&r);
	r = api_post(&f.other_clerk, "/documents/number",
		     json_pack("{s:I,s:s}", "issuer_id", (json_int_t)f.other, "type", "QĐ"));
	CHECK_ERROR(r, 422, "invalid", "issuer");
	resp_release(&r);
	/* Another unit's clerk may not number for this issuer. */
	r = api_post(&f.other_clerk, "/documents/number",
		     json_pack("{s:I,s:s}", "issuer_id", (json_int_t)f.unit, "type", "QĐ"));
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	/* The register of 2025 as CSV. */
	snprintf(path, sizeof path, "/documents/register?unit=%lld&year=2025&format=csv",
		 f.unit);
	r = api_get(&f.clerk, "%s", path);
	CHECK_STATUS(r, 200);
	{
		const char *b64 = jps(r.json, "content_base64");
		unsigned char buf[4096];
		size_t n = 0;
		CHECK(b64 && sodium_base642bin(buf, sizeof buf - 1, b64, strlen(b64), NULL, &n,
					       NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
		buf[n] = 0;
		CHECK(n > 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0);
		CHECK(strstr((char *)buf, "02/QĐ-UBND") != NULL);
	}
	resp_release(&r);
	teardown(&f);
}

TEST(documents_workflow_paper_route)
{
	struct dfx f;
	struct resp r;
	char path[128];
	long long id, in_id;
	if (!setup(&f, "w")) {
		CHECK(0);
		return;
	}
	id = create_draft(&f, "Quyết định về Chuyển đổi số", NULL,
			  "Quyết định triển khai hạ tầng số đồng bộ");
	/* Issuing a draft is refused. */
	snprintf(path, sizeof path, "/documents/%lld/issue", id);
	r = api_post(&f.clerk, path, json_object());
	CHECK_ERROR(r, 409, "conflict", "status");
	resp_release(&r);
	snprintf(path, sizeof path, "/documents/%lld/submit", id);
	r = api_post(&f.clerk, path, json_pack("{s:s}", "note", "Kính trình"));
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "status"), "review");
	resp_release(&r);
	snprintf(path, sizeof path, "/documents/%lld/review", id);
	r = api_post(&f.clerk, path, json_pack("{s:s}", "decision", "approve"));
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_post(&f.manager, path, json_pack("{s:s}", "decision", "return"));
	CHECK_ERROR(r, 422, "invalid", "comment");
	resp_release(&r);
	r = api_post(&f.manager, path, json_pack("{s:s}", "decision", "approve"));
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "status"), "approved");
	resp_release(&r);
	/* Issue once, with distribution. */
	snprintf(path, sizeof path, "/documents/%lld/issue", id);
	r = api_post(&f.clerk, path,
		     json_pack("{s:s,s:b}", "date", "2025-06-02", "distribute", 1));
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "symbol"), "01/QĐ-UBND");
	CHECK_STR(jps(r.json, "status"), "issued");
	CHECK(jpi(r.json, "number") == 1);
	resp_release(&r);
	r = api_post(&f.clerk, path, json_object());
	CHECK_ERROR(r, 409, "conflict", "status");
	resp_release(&r);
	/* The recipient's inbox, receipt, incoming register. */
	r = api_get(&f.other_clerk, "/inbox");
	CHECK_STATUS(r, 200);
	CHECK(jpn(r.json, "receive") == 1);
	resp_release(&r);
	snprintf(path, sizeof path, "/documents/%lld/receipts", id);
	r = api_post(&f.other_clerk, path,
		     json_pack("{s:I,s:s}", "unit_id", (json_int_t)f.other, "action",
			       "acknowledged"));
	CHECK_STATUS(r, 200);
	in_id = jpi(r.json, "incoming_id");
	CHECK(in_id > 0);
	CHECK(jpi(r.json, "receipts.0.incoming_number") == 1);
	resp_release(&r);
	r = api_get(&f.other_clerk, "/documents/%lld", in_id);
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "direction"), "in");
	CHECK_STR(jps(r.json, "symbol"), "01/QĐ-UBND");
	CHECK(jpn(r.json, "files") == 1);
	resp_release(&r);
	/* Search ignoring case and diacritics, in the subject and the PDF. */
	r = api_get(&f.clerk, "/documents?q=chuyen%%20doi%%20so");
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") == 1);
	resp_release(&r);
	r = api_get(&f.clerk, "/documents?q=HA%%20TANG%%20DONG%%20BO&unit=%lld", f.unit);
	CHECK(jpi(r.json, "total") == 1);
	resp_release(&r);
	r = api_get(&f.other_clerk, "/documents?q=chuyen%%20doi%%20so");
	CHECK(jpi(r.json, "total") == 1); /* its own incoming copy */
	CHECK_STR(jps(r.json, "items.0.direction"), "in");
	resp_release(&r);
	/* Versions (the upload, stamped at approval with the QR code of its
	 * public page) and verification of an unsigned PDF. */
	r = api_get(&f.clerk, "/documents/%lld/versions", id);
	CHECK_STATUS(r, 200);
	CHECK(jpn(r.json, "") == 2);
	CHECK_STR(jps(r.json, "1.origin"), "stamped");
	resp_release(&r);
	r = api_get(&f.clerk, "/documents/%lld/verify", id);
	CHECK_STATUS(r, 200);
	CHECK(jpn(r.json, "signatures") == 0);
	resp_release(&r);
	/* A task from the document. */
	snprintf(path, sizeof path, "/documents/%lld/tasks", in_id);
	r = api_post(&f.other_clerk, path,
		     json_pack("{s:I,s:s,s:s}", "unit_id", (json_int_t)f.other, "what",
			       "Báo cáo kết quả", "due", "2025-07-01"));
	CHECK_STATUS(r, 201);
	{
		long long tid = jpi(r.json, "id");
		resp_release(&r);
		r = api_get(&f.other_clerk, "/tasks");
		CHECK(jpi(r.json, "total") == 1);
		CHECK(json_is_true(jp(r.json, "items.0.overdue")));
		resp_release(&r);
		snprintf(path, sizeof path, "/tasks/%lld/done", tid);
		r = api_post(&f.other_clerk, path, json_pack("{s:s}", "note", "Xong"));
		CHECK_STATUS(r, 200);
		resp_release(&r);
		r = api_post(&f.other_clerk, path, json_object());
		CHECK_ERROR(r, 409, "conflict", "status");
	}
	resp_release(&r);
	teardown(&f);
}

TEST(documents_bad_input)
{
	struct dfx f;
	struct resp r;
	char path[128], *big;
	long long id;
	size_t n;
	char *pdf;
	if (!setup(&f, "b")) {
		CHECK(0);
		return;
	}
	id = create_draft(&f, "Tệp sai", json_pack("[I]", (json_int_t)f.signer_id), NULL);
	/* A non-PDF uploaded as the document's PDF. */
	r = upload(&f.clerk, id, "main", "<html>not a pdf</html>", 22);
	CHECK_ERROR(r, 422, "invalid", "file");
	resp_release(&r);
	r = upload(&f.clerk, id, "main", "%PDF-1.7\ngarbage\n", 17);
	CHECK_ERROR(r, 422, "invalid", "file");
	resp_release(&r);
	/* A PDF over the 1 MiB of JSON bodies but under the upload limit. */
	pdf = make_big_pdf(&n);
	CHECK(n > 2 * 1024 * 1024);
	r = upload(&f.clerk, id, "main", pdf, n);
	CHECK_STATUS(r, 201);
	CHECK(jpi(r.json, "size") == (long long)n);
	resp_release(&r);
	free(pdf);
	/* A body over the upload limit (50 MiB): refused from its
	 * Content-Length, before the body is sent. */
	n = (size_t)51 * 1024 * 1024;
	big = malloc(n);
	memset(big, 'x', n);
	memcpy(big, "%PDF-1.7\n", 9);
	snprintf(path, sizeof path, "/documents/%lld/versions?slot=main", id);
	api_request(&f.clerk, "POST", path, big, n, REQ_EXPECT, &r);
	CHECK_ERROR(r, 413, "too_large", NULL);
	resp_release(&r);
	free(big);
	/* A viewer-less check: an upload without CSRF by cookie is refused. */
	snprintf(path, sizeof path, "/documents/%lld/versions?slot=main", id);
	pdf = make_pdf("CSRF", &n);
	api_request(&f.clerk, "POST", path, pdf, n, REQ_NO_CSRF, &r);
	CHECK_ERROR(r, 403, "csrf", NULL);
	resp_release(&r);
	r = upload(&f.clerk, id, "main", pdf, n);
	CHECK_STATUS(r, 201);
	resp_release(&r);
	free(pdf);
	/* A route naming a clerk as signer. */
	r = api_post(&f.clerk, "/documents",
		     json_pack("{s:I,s:s,s:s,s:[I]}", "issuer_id", (json_int_t)f.unit,
			       "type", "QĐ", "subject", "Sai người ký", "signers",
			       (json_int_t)jpi(f.clerk.user, "id")));
	CHECK_ERROR(r, 422, "invalid", "signers");
	resp_release(&r);
	/* Unknown field; wrong types. */
	r = api_post(&f.clerk, "/documents",
		     json_pack("{s:I,s:s,s:s,s:s}", "issuer_id", (json_int_t)f.unit, "type",
			       "QĐ", "subject", "x", "colour", "red"));
	CHECK_ERROR(r, 400, "bad_request", "colour");
	resp_release(&r);
	/* The sign step: a clerk is refused; signing before approval too. */
	snprintf(path, sizeof path, "/documents/%lld/sign", id);
	r = api_post(&f.clerk, path, json_object());
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_post(&f.signer, path, json_object());
	CHECK_ERROR(r, 409, "conflict", "status");
	resp_release(&r);
	/* An incoming document whose symbol has the wrong type code. */
	r = api_post(&f.other_clerk, "/documents",
		     json_pack("{s:s,s:I,s:I,s:s,s:s,s:s,s:s}", "direction", "in", "owner_id",
			       (json_int_t)f.other, "issuer_id", (json_int_t)f.unit, "type",
			       "NQ", "symbol", "12/QĐ-UBND", "date", "2025-03-01", "subject",
			       "Nghị quyết"));
	CHECK_ERROR(r, 422, "invalid", "symbol");
	CHECK(r.body && strstr(r.body, "type code is QĐ") != NULL);
	resp_release(&r);
	r = api_post(&f.other_clerk, "/documents",
		     json_pack("{s:s,s:I,s:I,s:s,s:s,s:s,s:s}", "direction", "in", "owner_id",
			       (json_int_t)f.other, "issuer_id", (json_int_t)f.unit, "type",
			       "NQ", "symbol", "12/NQ-UBND", "date", "2025-03-01", "subject",
			       "Nghị quyết"));
	CHECK_STATUS(r, 201);
	CHECK(jpi(r.json, "incoming_number") >= 1);
	resp_release(&r);
	/* Someone else's document. */
	r = api_get(&f.other_clerk, "/documents/%lld", id);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_get(&f.clerk, "/documents/999999999");
	CHECK_ERROR(r, 404, "not_found", NULL);
	resp_release(&r);
	teardown(&f);
}

/* The value of a response header (case-insensitive name) into out. */
static const char *header(const struct resp *r, const char *name, char *out, size_t cap)
{
	size_t k = strlen(name);
	out[0] = 0;
	for (const char *p = r->headers; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > k && strncasecmp(p, name, k) == 0 && p[k] == ':') {
			const char *v = p + k + 1;
			while (*v == ' ') {
				v++;
			}
			len -= (size_t)(v - p);
			while (len && (v[len - 1] == '\r' || v[len - 1] == ' ')) {
				len--;
			}
			snprintf(out, cap, "%.*s", (int)len, v);
			break;
		}
		p = eol ? eol + 1 : NULL;
	}
	return out;
}

TEST(documents_downloads)
{
	struct dfx f;
	struct resp r;
	char path[256], h[256];
	size_t n1, n2;
	char *pdf1, *pdf2;
	long long id;
	if (!setup(&f, "dl")) {
		CHECK(0);
		return;
	}
	id = create_draft(&f, "Tải tệp", NULL, NULL);
	pdf1 = make_pdf("phien ban mot", &n1);
	pdf2 = make_pdf("phien ban hai", &n2);
	r = upload(&f.clerk, id, "main", pdf1, n1);
	CHECK_STATUS(r, 201);
	resp_release(&r);
	/* A Vietnamese file name: "Quyết định số 1.pdf". */
	snprintf(path, sizeof path,
		 "/documents/%lld/versions?slot=main&name=Quy%%E1%%BA%%BFt%%20%%C4%%91%%E1"
		 "%%BB%%8Bnh%%20s%%E1%%BB%%91%%201.pdf", id);
	api_request(&f.clerk, "POST", path, pdf2, n2, 0, &r);
	CHECK_STATUS(r, 201);
	resp_release(&r);
	/* The latest version: the bytes themselves, typed and named. */
	snprintf(path, sizeof path, "/documents/%lld/download", id);
	api_request(&f.clerk, "GET", path, NULL, 0, 0, &r);
	CHECK_STATUS(r, 200);
	CHECK_STR(header(&r, "Content-Type", h, sizeof h), "application/pdf");
	CHECK_STR(header(&r, "Content-Disposition", h, sizeof h),
		  "attachment; filename=\"quyet-dinh-so-1.pdf\"");
	CHECK(r.len == n2 && memcmp(r.body, pdf2, n2) == 0);
	resp_release(&r);
	snprintf(path, sizeof path, "/documents/%lld/download?slot=main&version=1", id);
	api_request(&f.clerk, "GET", path, NULL, 0, 0, &r);
	CHECK_STATUS(r, 200);
	CHECK_STR(header(&r, "Content-Disposition", h, sizeof h),
		  "attachment; filename=\"tep.pdf\"");
	CHECK(r.len == n1 && memcmp(r.body, pdf1, n1) == 0);
	resp_release(&r);
	/* The rights of reading the document: another unit's clerk, nobody,
	 * a missing version, a missing document. */
	snprintf(path, sizeof path, "/documents/%lld/download", id);
	api_request(&f.other_clerk, "GET", path, NULL, 0, 0, &r);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	api_request(&f.clerk, "GET", path, NULL, 0, REQ_NO_AUTH, &r);
	CHECK_ERROR(r, 401, "unauthenticated", NULL);
	resp_release(&r);
	snprintf(path, sizeof path, "/documents/%lld/download?version=9", id);
	api_request(&f.clerk, "GET", path, NULL, 0, 0, &r);
	CHECK_ERROR(r, 404, "not_found", NULL);
	resp_release(&r);
	api_request(&f.clerk, "GET", "/documents/999999999/download", NULL, 0, 0, &r);
	CHECK_ERROR(r, 404, "not_found", NULL);
	resp_release(&r);
	free(pdf1);
	free(pdf2);

	/* The register as a file: CSV and XLSX. */
	r = api_post(&f.clerk, "/documents/number",
		     json_pack("{s:I,s:s,s:s}", "issuer_id", (json_int_t)f.unit, "type", "QĐ",
			       "date", "2025-03-04"));
	CHECK_STATUS(r, 201);
	resp_release(&r);
	snprintf(path, sizeof path,
		 "/documents/register/download?unit=%lld&year=2025&format=csv", f.unit);
	api_request(&f.clerk, "GET", path, NULL, 0, 0, &r);
	CHECK_STATUS(r, 200);
	CHECK_STR(header(&r, "Content-Type", h, sizeof h), "text/csv; charset=utf-8");
	CHECK_STR(header(&r, "Content-Disposition", h, sizeof h),
		  "attachment; filename=\"so-van-ban-di-2025.csv\"");
	CHECK(r.len > 3 && memcmp(r.body, "\xEF\xBB\xBF", 3) == 0);
	CHECK(strstr(r.body, "01/QĐ-UBND") != NULL);
	resp_release(&r);
	snprintf(path, sizeof path,
		 "/documents/register/download?unit=%lld&year=2025&format=xlsx&kind=in", f.unit);
	api_request(&f.clerk, "GET", path, NULL, 0, 0, &r);
	CHECK_STATUS(r, 200);
	CHECK_STR(header(&r, "Content-Type", h, sizeof h),
		  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	CHECK_STR(header(&r, "Content-Disposition", h, sizeof h),
		  "attachment; filename=\"so-van-ban-den-2025.xlsx\"");
	CHECK(r.len > 4 && memcmp(r.body, "PK\x03\x04", 4) == 0);
	resp_release(&r);
	snprintf(path, sizeof path,
		 "/documents/register/download?unit=%lld&year=2025&format=json", f.unit);
	api_request(&f.clerk, "GET", path, NULL, 0, 0, &r);
	CHECK_ERROR(r, 422, "invalid", "format");
	resp_release(&r);
	snprintf(path, sizeof path,
		 "/documents/register/download?unit=%lld&year=2025&format=csv", f.unit);
	api_request(&f.other_clerk, "GET", path, NULL, 0, 0, &r);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	teardown(&f);
}

TEST(documents_signers_issuers_tasks)
{
	struct dfx f;
	struct resp r;
	char path[256], signer[64];
	json_t *it;
	long long id;
	if (!setup(&f, "sg")) {
		CHECK(0);
		return;
	}
	snprintf(signer, sizeof signer, "ds.%s.sg", api.tag);
	/* A clerk may not list users, but may list who can sign. */
	r = api_get(&f.clerk, "/users");
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_get(&f.clerk, "/documents/signers?unit=%lld", f.unit);
	CHECK_STATUS(r, 200);
	it = jfind(r.json, "items", "login", signer);
	CHECK(it != NULL);
	CHECK(it && jpi(it, "unit_id") == f.unit);
	CHECK(it && json_is_false(jp(it, "certificate")));
	CHECK(jfind(r.json, "items", "login", jps(f.clerk.user, "login")) == NULL);
	CHECK(jfind(r.json, "items", "login", jps(f.manager.user, "login")) == NULL);
	CHECK(jpi(r.json, "total") == (long long)jpn(r.json, "items"));
	resp_release(&r);
	/* By name or login, without diacritics; another subtree; another
	 * unit's clerk does not see this unit's signer. */
	r = api_get(&f.clerk, "/documents/signers?q=DS.%s.SG", api.tag);
	CHECK(jfind(r.json, "items", "login", signer) != NULL);
	CHECK(jpn(r.json, "items") == 1);
	resp_release(&r);
	r = api_get(&f.clerk, "/documents/signers?q=khong-co-ai-%s", api.tag);
	CHECK_STATUS(r, 200);
	CHECK(jpn(r.json, "items") == 0);
	resp_release(&r);
	r = api_get(&f.other_clerk, "/documents/signers");
	CHECK_STATUS(r, 200);
	CHECK(jfind(r.json, "items", "login", signer) == NULL);
	resp_release(&r);
	r = api_get(&f.other_clerk, "/documents/signers?unit=%lld", f.unit);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);
	r = api_get(&f.clerk, "/documents/signers?unit=%lld", f.other);
	CHECK_ERROR(r, 403, "forbidden", NULL);
	resp_release(&r);

	/* An issuer without a term unit posts back as it was listed. */
	r = api_get(&api.admin, "/documents/issuers");
	CHECK_STATUS(r, 200);
	{
		json_t *is = NULL, *v;
		size_t i;
		json_array_foreach(r.json, i, v) {
			if (jpi(v, "unit_id") == f.unit) {
				is = v;
			}
		}
		CHECK(is != NULL);
		CHECK(is && json_is_null(json_object_get(is, "term_unit_id")));
		if (is) {
			json_t *body = json_deep_copy(is);
			struct resp r2;
			json_object_del(body, "unit");
			r2 = api_post(&api.admin, "/documents/issuers", body);
			CHECK_STATUS(r2, 200);
			resp_release(&r2);
		}
	}
	resp_release(&r);
	r = api_post(&api.admin, "/documents/issuers",
		     json_pack("{s:I,s:s,s:s,s:i}", "unit_id", (json_int_t)f.unit, "org",
			       "state", "symbol", "UBND", "term_unit_id", 0));
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_post(&api.admin, "/documents/issuers",
		     json_pack("{s:I,s:s,s:s,s:i}", "unit_id", (json_int_t)f.unit, "org",
			       "state", "symbol", "UBND", "term_unit_id", -3));
	CHECK_ERROR(r, 422, "invalid", "term_unit_id");
	resp_release(&r);
	r = api_post(&api.admin, "/documents/issuers",
		     json_pack("{s:I,s:s,s:s,s:I}", "unit_id", (json_int_t)f.unit, "org",
			       "state", "symbol", "UBND", "term_unit_id", (json_int_t)f.other));
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(&api.admin, "/documents/issuers");
	{
		json_t *v;
		size_t i;
		long long term = 0;
		json_array_foreach(r.json, i, v) {
			if (jpi(v, "unit_id") == f.unit) {
				term = jpi(v, "term_unit_id");
			}
		}
		CHECK(term == f.other);
	}
	resp_release(&r);

	/* A task says by when: due is required and must be a date. */
	id = create_draft(&f, "Giao việc", NULL, NULL);
	snprintf(path, sizeof path, "/documents/%lld/tasks", id);
	r = api_post(&f.clerk, path,
		     json_pack("{s:I,s:s}", "unit_id", (json_int_t)f.unit, "what", "Báo cáo"));
	CHECK_ERROR(r, 400, "bad_request", "due");
	resp_release(&r);
	r = api_post(&f.clerk, path,
		     json_pack("{s:I,s:s,s:s}", "unit_id", (json_int_t)f.unit, "what",
			       "Báo cáo", "due", "2025-02-30"));
	CHECK_ERROR(r, 422, "invalid", "due");
	resp_release(&r);
	r = api_get(&f.clerk, "/documents/%lld/tasks", id);
	CHECK(jpn(r.json, "") == 0 && jpn(r.json, "items") == 0);
	resp_release(&r);
	teardown(&f);
}
