/*
 * test_public.c — API tests of the public verification (docs/api.md
 * "Public verification") against the real server, with NO authentication:
 * a document issued through the API (by the admin, on paper) is found by
 * dropping its PDF on POST /public/verify, which gives its code; GET
 * /public/documents/{code} answers only the public fields; a modified
 * file, a non-PDF and an empty body are told apart; an unknown code is
 * 404; a classified document's subject appears in no answer; a logged-in
 * browser may post without a CSRF token (nothing is done in its name);
 * and the routes are rate-limited per address (429), each on its own.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

struct pmem {
	char *p;
	size_t n;
};

static cairo_status_t pub_write(void *closure, const unsigned char *data,
				unsigned int len)
{
	struct pmem *m = closure;
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
static char *pub_pdf(const char *text, size_t *n)
{
	struct pmem out = {NULL, 0};
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pub_write, &out, 595, 842);
	cairo_t *c = cairo_create(s);
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

/* The issuing unit of this file's documents, made once. */
static long long pub_unit(void)
{
	static long long unit = -1;
	char code[64], date[11];
	struct resp r;
	if (unit > 0) {
		return unit;
	}
	snprintf(code, sizeof code, "PUB-%s", api.tag);
	r = reorg_create(&api.admin, code, "Văn phòng công khai thử nghiệm", api.root_id,
			 api_next_date(date));
	unit = reorg_created_id(&r, code);
	resp_release(&r);
	r = api_post(&api.admin, "/documents/issuers",
		     json_pack("{s:I,s:s,s:s}", "unit_id", (json_int_t)unit, "org", "state",
			       "symbol", "VPCK"));
	CHECK_STATUS(r, 200);
	resp_release(&r);
	return unit;
}

/* The latest main file of document id as the admin (malloc'd), or NULL. */
static char *pub_file(long long id, size_t *n)
{
	struct resp r = api_get(&api.admin, "/documents/%lld/file?slot=main", id);
	const char *b64 = jps(r.json, "content_base64");
	size_t len = b64 ? strlen(b64) : 0;
	char *out = len ? malloc(len) : NULL;
	*n = 0;
	CHECK_STATUS(r, 200);
	if (out && sodium_base642bin((unsigned char *)out, len, b64, len, NULL, n, NULL,
				     sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(out);
		out = NULL;
		*n = 0;
	}
	CHECK(out != NULL);
	resp_release(&r);
	return out;
}

/* Issue a document on paper as the admin (draft, its PDF, submit,
 * approve — which stamps the PDF with its QR code —, issue); *pdf
 * (malloc'd) receives the issued file, *symbol its symbol.  Returns the
 * document id or -1. */
static long long pub_issue(const char *subject, const char *secrecy, char **pdf,
			   size_t *n, char symbol[64])
{
	char path[160];
	struct resp r;
	long long id;
	*pdf = NULL;
	symbol[0] = 0;
	r = api_post(&api.admin, "/documents",
		     json_pack("{s:I,s:s,s:s,s:s}", "issuer_id", (json_int_t)pub_unit(),
			       "type", "QĐ", "subject", subject, "secrecy", secrecy));
	CHECK_STATUS(r, 201);
	id = jpi(r.json, "id");
	resp_release(&r);
	if (id <= 0) {
		return -1;
	}
	*pdf = pub_pdf(subject, n);
	snprintf(path, sizeof path, "/documents/%lld/versions?slot=main&name=qd.pdf", id);
	api_request(&api.admin, "POST", path, *pdf, *n, 0, &r);
	CHECK_STATUS(r, 201);
	resp_release(&r);
	snprintf(path, sizeof path, "/documents/%lld/submit", id);
	r = api_post(&api.admin, path, json_object());
	CHECK_STATUS(r, 200);
	resp_release(&r);
	snprintf(path, sizeof path, "/documents/%lld/review", id);
	r = api_post(&api.admin, path, json_pack("{s:s}", "decision", "approve"));
	CHECK_STATUS(r, 200);
	resp_release(&r);
	snprintf(path, sizeof path, "/documents/%lld/issue", id);
	r = api_post(&api.admin, path, json_object());
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "status"), "issued");
	snprintf(symbol, 64, "%s", jps(r.json, "symbol") ? jps(r.json, "symbol") : "");
	resp_release(&r);
	/* The issued file is the stamped one, no longer the upload. */
	free(*pdf);
	*pdf = pub_file(id, n);
	return id;
}

/* POST /public/verify with bytes, anonymous (c NULL) or as c. */
static struct resp pub_verify(struct client *c, const char *body, size_t n, int flags)
{
	struct resp r;
	api_request(c, "POST", "/public/verify", body, n, flags | (c ? 0 : REQ_NO_AUTH), &r);
	return r;
}

/* Every key of a public view is an allowed one. */
static int pub_keys_ok(json_t *v)
{
	static const char *const allowed[] = {"code", "link", "number", "symbol", "type",
					      "issuer", "date", "subject", "withheld",
					      "signers", "sha256", "status"};
	const char *k;
	json_t *x;
	if (!json_is_object(v)) {
		return 0;
	}
	json_object_foreach(v, k, x) {
		size_t i;
		for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
			if (strcmp(k, allowed[i]) == 0) {
				break;
			}
		}
		if (i == sizeof allowed / sizeof allowed[0]) {
			api_test_note("unexpected key %s", k);
			return 0;
		}
	}
	return 1;
}

TEST(public_view_and_verify)
{
	char *pdf = NULL, *other, symbol[64], code[32], path[96];
	size_t n = 0;
	struct resp r;
	long long id = pub_issue("Quyết định công khai kiểm thử API", "", &pdf, &n, symbol);
	CHECK(id > 0 && pdf && symbol[0]);
	if (!pdf) {
		return;
	}
	/* The issued file, anonymously: known, with its document and code. */
	r = pub_verify(NULL, pdf, n, 0);
	CHECK_STATUS(r, 200);
	CHECK(json_is_true(jp(r.json, "known")));
	CHECK_STR(jps(r.json, "document.symbol"), symbol);
	CHECK(jps(r.json, "sha256") && strlen(jps(r.json, "sha256")) == 64);
	CHECK(json_is_object(jp(r.json, "signatures")));
	CHECK(pub_keys_ok(jp(r.json, "document")));
	snprintf(code, sizeof code, "%s", jps(r.json, "document.code") ? jps(r.json, "document.code") : "");
	CHECK(strlen(code) == 15);
	resp_release(&r);
	/* The public view by code. */
	r = api_get(NULL, "/public/documents/%s", code);
	CHECK_STATUS(r, 200);
	CHECK(pub_keys_ok(r.json));
	CHECK_STR(jps(r.json, "code"), code);
	CHECK_STR(jps(r.json, "symbol"), symbol);
	CHECK_STR(jps(r.json, "subject"), "Quyết định công khai kiểm thử API");
	CHECK_STR(jps(r.json, "issuer"), "Văn phòng công khai thử nghiệm");
	CHECK_STR(jps(r.json, "status"), "issued");
	CHECK_STR(jps(r.json, "type.code"), "QĐ");
	CHECK(json_is_false(jp(r.json, "withheld")));
	CHECK(jpn(r.json, "signers") == 0);
	CHECK(strstr(jps(r.json, "link") ? jps(r.json, "link") : "", code) != NULL);
	resp_release(&r);
	/* The issued file carries that link (stamped at approval), and the
	 * document's page shows the same public block. */
	snprintf(path, sizeof path, "/verify/%s", code);
	CHECK(memmem(pdf, n, "/CadreVerify", 12) != NULL && memmem(pdf, n, path, strlen(path)) != NULL);
	r = api_get(&api.admin, "/documents/%lld", id);
	CHECK_STR(jps(r.json, "public.code"), code);
	CHECK(json_is_true(jp(r.json, "public.published")));
	resp_release(&r);
	/* One more byte: not the issued document. */
	other = malloc(n + 2);
	memcpy(other, pdf, n);
	memcpy(other + n, "%\n", 2);
	r = pub_verify(NULL, other, n + 2, 0);
	CHECK_STATUS(r, 200);
	CHECK(json_is_false(jp(r.json, "known")));
	CHECK(json_is_null(jp(r.json, "document")));
	resp_release(&r);
	free(other);
	/* Not a PDF; no body. */
	r = pub_verify(NULL, "hello, world", 12, 0);
	CHECK_ERROR(r, 422, "invalid", "file");
	resp_release(&r);
	r = pub_verify(NULL, "", 0, 0);
	CHECK_ERROR(r, 400, "bad_request", "file");
	resp_release(&r);
	/* Unknown and malformed codes; other methods. */
	r = api_get(NULL, "/public/documents/100000000000000");
	CHECK_ERROR(r, 404, "not_found", "code");
	resp_release(&r);
	r = api_get(NULL, "/public/documents/12");
	CHECK_ERROR(r, 404, "not_found", NULL);
	resp_release(&r);
	r = api_get(NULL, "/public/documents/abc");
	CHECK_STATUS(r, 400);
	resp_release(&r);
	r = api_get(NULL, "/public/verify");
	CHECK_STATUS(r, 405);
	resp_release(&r);
	snprintf(path, sizeof path, "/public/documents/%s", code);
	api_request(NULL, "DELETE", path, NULL, 0, REQ_NO_AUTH, &r);
	CHECK_STATUS(r, 405);
	resp_release(&r);
	/* A logged-in browser posts without a CSRF token: nothing is done in
	 * its name, so none is needed. */
	r = pub_verify(&api.admin, pdf, n, REQ_NO_CSRF);
	CHECK_STATUS(r, 200);
	CHECK(json_is_true(jp(r.json, "known")));
	resp_release(&r);
	free(pdf);
	/* The verification page is served without login. */
	snprintf(path, sizeof path, "/verify/%s", code);
	api_request(NULL, "GET", path, NULL, 0, REQ_RAW_PATH | REQ_NO_AUTH, &r);
	CHECK_STATUS(r, 200);
	CHECK(r.body && strstr(r.body, "/js/verify.js") != NULL);
	resp_release(&r);
	api_request(NULL, "GET", "/verify", NULL, 0, REQ_RAW_PATH | REQ_NO_AUTH, &r);
	CHECK_STATUS(r, 200);
	CHECK(r.body && strstr(r.body, "/js/verify.js") != NULL);
	resp_release(&r);
}

TEST(public_secret_subject_never_shown)
{
	static const char subject[] = "Phương án bảo vệ bí mật kiểm thử API";
	char *pdf = NULL, symbol[64], code[32];
	size_t n = 0;
	struct resp r;
	long long id = pub_issue(subject, "mat", &pdf, &n, symbol);
	CHECK(id > 0 && pdf);
	if (!pdf) {
		return;
	}
	r = pub_verify(NULL, pdf, n, 0);
	CHECK_STATUS(r, 200);
	CHECK(json_is_true(jp(r.json, "known")));
	CHECK(json_is_null(jp(r.json, "document.subject")));
	CHECK(json_is_true(jp(r.json, "document.withheld")));
	CHECK(r.body && !strstr(r.body, subject) && !strstr(r.body, "bí mật kiểm thử"));
	snprintf(code, sizeof code, "%s", jps(r.json, "document.code") ? jps(r.json, "document.code") : "");
	resp_release(&r);
	r = api_get(NULL, "/public/documents/%s", code);
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "symbol"), symbol);
	CHECK(json_is_null(jp(r.json, "subject")));
	CHECK(r.body && !strstr(r.body, subject) && !strstr(r.body, "bí mật kiểm thử"));
	resp_release(&r);
	free(pdf);
}

/* Last of this file: it empties this address's buckets. */
TEST(public_rate_limited)
{
	struct resp r;
	int throttled = 0;
	for (int i = 0; i < 40 && !throttled; i++) {
		r = pub_verify(NULL, "not a pdf", 9, 0);
		if (r.status == 429) {
			throttled = i + 1;
			CHECK_ERROR(r, 429, "too_many_attempts", NULL);
		} else {
			CHECK_STATUS(r, 422);
		}
		resp_release(&r);
	}
	CHECK(throttled > 0 && throttled <= 21);
	/* The look-up by code has its own bucket. */
	r = api_get(NULL, "/public/documents/100000000000000");
	CHECK_STATUS(r, 404);
	resp_release(&r);
}
