/*
 * test_input.c — API tests of hostile and broken input: malformed JSON,
 * unknown fields, wrong types, over-long and invalid-UTF-8 strings, bodies
 * over 1 MiB, SQL metacharacters stored verbatim, requests without or with
 * a wrong CSRF token, and path-traversal attempts on the static file
 * server.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"

static long long hanoi_id(void)
{
	return api_unit_id(&api.admin, "VN-01", "2025-07-01");
}

static long long fresh_unit(const char *suffix)
{
	char code[64], date[11];
	struct resp r;
	long long id;
	snprintf(code, sizeof code, "%s-%s", api.tag, suffix);
	r = reorg_create(&api.admin, code, "Xã Đầu Vào", hanoi_id(),
			 api_next_date(date));
	CHECK_STATUS(r, 201);
	id = reorg_created_id(&r, code);
	resp_release(&r);
	return id;
}

static struct resp post_raw(const char *path, const char *body, size_t len,
			    int flags)
{
	struct resp r;
	api_request(&api.admin, "POST", path, body, len, flags, &r);
	return r;
}

TEST(input_malformed_json)
{
	static const char *bad[] = {
		"{\"kind\":",
		"{kind:\"rename\"}",
		"not json",
		"{\"kind\":\"rename\",}",
		"[]",
		"\"rename\"",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct resp r = post_raw("/reorg", bad[i], strlen(bad[i]), 0);
		if (CHECK_ERROR(r, 400, "bad_request", NULL)) {
			api_test_note("body: %s", bad[i]);
		}
		resp_release(&r);
	}
	/* Also on login, before any session exists. */
	{
		struct resp r;
		api_request(NULL, "POST", "/session", "{\"login\":", 9, 0, &r);
		CHECK_ERROR(r, 400, "bad_request", NULL);
		resp_release(&r);
	}
}

TEST(input_unknown_field_and_types)
{
	long long a = fresh_unit("IN1");
	char date[11], body[512];
	struct resp r;
	snprintf(body, sizeof body,
		 "{\"kind\":\"rename\",\"date\":\"%s\",\"decision\":\"x\","
		 "\"unit\":%lld,\"name\":\"Tên\",\"colour\":\"red\"}",
		 api_next_date(date), a);
	r = post_raw("/reorg", body, strlen(body), 0);
	CHECK_ERROR(r, 400, "bad_request", "colour");
	CHECK(strstr(r.body, "colour") != NULL);
	resp_release(&r);
	/* Wrong type. */
	snprintf(body, sizeof body,
		 "{\"kind\":\"rename\",\"date\":\"%s\",\"decision\":\"x\","
		 "\"unit\":\"%lld\",\"name\":\"Tên\"}",
		 api_next_date(date), a);
	r = post_raw("/reorg", body, strlen(body), 0);
	CHECK_ERROR(r, 400, "bad_request", "unit");
	resp_release(&r);
	/* Unknown kind of event. */
	snprintf(body, sizeof body,
		 "{\"kind\":\"explode\",\"date\":\"%s\",\"decision\":\"x\","
		 "\"unit\":%lld}",
		 api_next_date(date), a);
	r = post_raw("/reorg", body, strlen(body), 0);
	CHECK_STATUS2(r, 400, 422);
	CHECK_STR(jps(r.json, "error.field"), "kind");
	resp_release(&r);
	/* Unknown field on POST /users. */
	r = api_post(&api.admin, "/users",
		     json_pack("{s:s,s:s,s:s,s:I,s:b}", "login", "unknown.field",
			       "password", "0123456789ab", "role", "viewer",
			       "unit_id", (json_int_t)api.root_id, "is_root", 1));
	CHECK_ERROR(r, 400, "bad_request", "is_root");
	resp_release(&r);
}

TEST(input_name_length)
{
	long long a = fresh_unit("IN2");
	char date[11];
	char *name = malloc(4 * 1000 + 1);
	struct resp r;
	memset(name, 'x', 1000);
	name[1000] = '\0';
	r = reorg_rename(&api.admin, a, name, 0, api_next_date(date));
	CHECK_ERROR(r, 422, "invalid", "name");
	resp_release(&r);
	/* 200 characters of 3 bytes each are allowed: limits count
	 * characters, not bytes. */
	name[0] = '\0';
	for (int i = 0; i < 200; i++) {
		strcat(name, "ắ");
	}
	r = reorg_rename(&api.admin, a, name, 0, api_next_date(date));
	CHECK_STATUS(r, 201);
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", a);
	CHECK_STR(jps(r.json, "name"), name);
	resp_release(&r);
	strcat(name, "ắ");
	r = reorg_rename(&api.admin, a, name, 0, api_next_date(date));
	CHECK_ERROR(r, 422, "invalid", "name");
	resp_release(&r);
	/* Empty name. */
	r = reorg_rename(&api.admin, a, "", 0, api_next_date(date));
	CHECK_ERROR(r, 422, "invalid", "name");
	resp_release(&r);
	free(name);
	/* Decision over 500 characters. */
	{
		char *dec = malloc(602);
		memset(dec, 'd', 601);
		dec[601] = '\0';
		r = api_post(&api.admin, "/reorg",
			     json_pack("{s:s,s:s,s:s,s:I,s:s}", "kind", "rename",
				       "date", api_next_date(date), "decision",
				       dec, "unit", (json_int_t)a, "name", "Tên"));
		CHECK_ERROR(r, 422, "invalid", "decision");
		resp_release(&r);
		free(dec);
	}
}

TEST(input_invalid_utf8)
{
	long long a = fresh_unit("IN3");
	char date[11], body[512];
	static const char *bad[] = {"\xff\xfe", "ab\xc3", "\xed\xa0\x80",
				    "\xc0\xaf"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct resp r;
		snprintf(body, sizeof body,
			 "{\"kind\":\"rename\",\"date\":\"%s\",\"decision\":\"x\","
			 "\"unit\":%lld,\"name\":\"%s\"}",
			 api_next_date(date), a, bad[i]);
		r = post_raw("/reorg", body, strlen(body), 0);
		if (CHECK_ERROR(r, 400, "bad_request", NULL)) {
			api_test_note("case %zu", i);
		}
		resp_release(&r);
	}
	/* In a query string. */
	{
		struct resp r = api_get(&api.admin, "/units?q=%%FF%%FE");
		CHECK_STATUS2(r, 400, 422);
		resp_release(&r);
	}
}

TEST(input_body_too_large)
{
	size_t n = 1024 * 1024 + 4096;
	char *body = malloc(n + 1);
	struct resp r;
	const char *head = "{\"kind\":\"rename\",\"note\":\"";
	memset(body, 'a', n);
	memcpy(body, head, strlen(head));
	memcpy(body + n - 2, "\"}", 2);
	body[n] = '\0';
	r = post_raw("/reorg", body, n, REQ_EXPECT);
	CHECK_ERROR(r, 413, "too_large", NULL);
	resp_release(&r);
	r = post_raw("/reorg", body, n, 0);
	CHECK(r.status == 413);
	resp_release(&r);
	/* The server still answers. */
	r = api_get(NULL, "/health");
	CHECK_STATUS(r, 200);
	resp_release(&r);
	free(body);
}

TEST(input_sql_metacharacters_verbatim)
{
	static const char *evil = "x'); DROP TABLE unit;--";
	static const char *evil2 = "\"; DELETE FROM app_user; -- \\ %_ ' OR 1=1";
	long long a = fresh_unit("SQL");
	char date[11];
	struct resp r;
	r = reorg_rename(&api.admin, a, evil, 0, api_next_date(date));
	CHECK_STATUS(r, 201);
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", a);
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "name"), evil);
	resp_release(&r);
	r = reorg_rename(&api.admin, a, evil2, 0, api_next_date(date));
	CHECK_STATUS(r, 201);
	resp_release(&r);
	r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", a);
	CHECK_STR(jps(r.json, "name"), evil2);
	resp_release(&r);
	/* Search with metacharacters and LIKE wildcards. */
	r = api_get(&api.admin, "/units?as_of=2035-01-01&q=x%%27%%29%%3B%%20DROP");
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(&api.admin, "/units?as_of=2025-07-01&q=%%25");
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") == 0);
	resp_release(&r);
	/* The tables still work. */
	r = api_get(&api.admin, "/units?as_of=2025-07-01&parent=%lld", api.root_id);
	CHECK(jpi(r.json, "total") == 34);
	resp_release(&r);
	r = api_get(&api.admin, "/users");
	CHECK_STATUS(r, 200);
	CHECK(jpi(r.json, "total") >= 3);
	resp_release(&r);
	/* A login with metacharacters is refused by the rules, not by SQL. */
	r = api_post(NULL, "/session",
		     json_pack("{s:s,s:s}", "login", "admin' --", "password",
			       "whatever-1234"));
	CHECK_ERROR(r, 401, "unauthenticated", NULL);
	resp_release(&r);
}

TEST(input_csrf)
{
	long long a = fresh_unit("CSRF");
	char date[11];
	struct resp r;
	json_t *b;
	b = json_pack("{s:s,s:s,s:s,s:I,s:s}", "kind", "rename", "date",
		      api_next_date(date), "decision", "x", "unit",
		      (json_int_t)a, "name", "Giả mạo");
	r = api_send(&api.admin, "POST", "/reorg", json_incref(b), REQ_NO_CSRF);
	CHECK_ERROR(r, 403, "csrf", NULL);
	resp_release(&r);
	r = api_send(&api.admin, "POST", "/reorg", json_incref(b), REQ_BAD_CSRF);
	CHECK_ERROR(r, 403, "csrf", NULL);
	resp_release(&r);
	r = api_send(&api.admin, "POST", "/users",
		     json_pack("{s:s,s:s,s:s,s:I}", "login", "csrf.victim",
			       "password", "0123456789ab", "role", "admin",
			       "unit_id", (json_int_t)api.root_id),
		     REQ_NO_CSRF);
	CHECK_ERROR(r, 403, "csrf", NULL);
	resp_release(&r);
	/* The CSRF token of another session does not work either. */
	{
		struct client other = {0};
		char saved[sizeof api.admin.csrf];
		CHECK(api_login(&other, "admin", api.admin_password) == 200);
		snprintf(saved, sizeof saved, "%s", api.admin.csrf);
		snprintf(api.admin.csrf, sizeof api.admin.csrf, "%s", other.csrf);
		r = api_send(&api.admin, "POST", "/reorg", json_incref(b), 0);
		CHECK_ERROR(r, 403, "csrf", NULL);
		resp_release(&r);
		snprintf(api.admin.csrf, sizeof api.admin.csrf, "%s", saved);
		client_release(&other);
	}
	/* Nothing was renamed. */
	r = api_get(&api.admin, "/units/%lld?as_of=2035-01-01", a);
	CHECK_STR(jps(r.json, "name"), "Xã Đầu Vào");
	resp_release(&r);
	json_decref(b);
}

TEST(input_path_traversal)
{
	static const char *paths[] = {
		"/../../etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/js/..%2f..%2f..%2fetc/passwd",
		"/js/../../../../etc/passwd",
		"/..%2f..%2f..%2f..%2fetc%2fpasswd",
		"/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/js/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/api/v1/../../../etc/passwd",
		"/..\\..\\..\\etc\\passwd",
		"/js/%252e%252e/%252e%252e/etc/passwd",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct resp r;
		api_request(NULL, "GET", paths[i], NULL, 0, REQ_RAW_PATH, &r);
		CHECK_STATUS2(r, 400, 404);
		CHECK(strstr(r.body, "root:") == NULL);
		if (r.status != 400 && r.status != 404) {
			api_test_note("GET %s → %ld", paths[i], r.status);
		}
		resp_release(&r);
	}
	/* The UI itself is served. */
	{
		struct resp r;
		api_request(NULL, "GET", "/", NULL, 0, REQ_RAW_PATH, &r);
		CHECK_STATUS(r, 200);
		CHECK(strstr(r.body, "<html") != NULL || strstr(r.body, "<!DOCTYPE") != NULL ||
		      strstr(r.body, "<!doctype") != NULL);
		resp_release(&r);
	}
}
