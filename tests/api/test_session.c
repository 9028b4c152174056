/*
 * test_session.c — API tests of authentication: /health without auth,
 * 401 "unauthenticated" on every other endpoint without credentials, login
 * and logout, the session cookie's attributes, wrong passwords, login
 * throttling (5 failures → 429, per login), and Bearer API tokens (which
 * need no CSRF token).
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "api.h"

TEST(health_without_auth)
{
	struct resp r = api_get(NULL, "/health");
	const char *db = jps(r.json, "db");
	const char *want = getenv("CADRE_EXPECT_DB");
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "status"), "ok");
	CHECK(db && (strcmp(db, "sqlite") == 0 || strcmp(db, "postgresql") == 0));
	CHECK(jps(r.json, "version") != NULL);
	if (want && *want) {
		CHECK_STR(db, want);
	}
	resp_release(&r);
}

TEST(every_endpoint_needs_auth)
{
	static const struct {
		const char *method, *path, *body;
	} eps[] = {
		{"GET", "/session", NULL},
		{"DELETE", "/session", NULL},
		{"POST", "/session/password",
		 "{\"old_password\":\"x\",\"new_password\":\"yyyyyyyyyyyy\"}"},
		{"GET", "/units", NULL},
		{"GET", "/units?as_of=2025-07-01&q=ha", NULL},
		{"GET", "/units/1", NULL},
		{"GET", "/units/1/tree", NULL},
		{"GET", "/units/1/lineage", NULL},
		{"GET", "/kinds", NULL},
		{"POST", "/reorg",
		 "{\"kind\":\"rename\",\"date\":\"2030-01-01\",\"decision\":\"x\","
		 "\"unit\":1,\"name\":\"x\"}"},
		{"GET", "/users", NULL},
		{"POST", "/users",
		 "{\"login\":\"nobody1\",\"password\":\"0123456789ab\","
		 "\"role\":\"viewer\",\"unit_id\":1}"},
		{"GET", "/audit", NULL},
	};
	for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++) {
		struct resp r;
		api_request(NULL, eps[i].method, eps[i].path, eps[i].body,
			    eps[i].body ? strlen(eps[i].body) : 0, 0, &r);
		if (CHECK_ERROR(r, 401, "unauthenticated", NULL)) {
			api_test_note("%s %s", eps[i].method, eps[i].path);
		}
		resp_release(&r);
	}
	/* A made-up cookie and a made-up bearer token are no better. */
	{
		struct client fake = {0};
		struct resp r;
		snprintf(fake.cookie, sizeof fake.cookie,
			 "cadre_session=%064d", 7);
		r = api_get(&fake, "/units");
		CHECK_ERROR(r, 401, "unauthenticated", NULL);
		resp_release(&r);
		fake.cookie[0] = '\0';
		snprintf(fake.bearer, sizeof fake.bearer, "%064d", 9);
		r = api_get(&fake, "/units");
		CHECK_ERROR(r, 401, "unauthenticated", NULL);
		resp_release(&r);
	}
}

TEST(login_logout)
{
	struct client c = {0};
	struct resp r;
	const char *csrf;

	r = api_post(&c, "/session",
		     json_pack("{s:s,s:s}", "login", "admin", "password",
			       api.admin_password));
	CHECK_STATUS(r, 200);
	csrf = jps(r.json, "csrf_token");
	CHECK(csrf && strlen(csrf) >= 32);
	CHECK_STR(jps(r.json, "user.login"), "admin");
	CHECK_STR(jps(r.json, "user.role"), "admin");
	CHECK(jp(r.json, "user.password") == NULL);
	CHECK(jp(r.json, "user.password_hash") == NULL);
	CHECK(c.cookie[0] != '\0');
	/* Cookie attributes: HttpOnly; SameSite=Strict; Path=/ */
	{
		const char *h = strcasestr(r.headers, "set-cookie: cadre_session=");
		char line[512] = "";
		if (h) {
			snprintf(line, sizeof line, "%.*s",
				 (int)strcspn(h, "\r\n"), h);
		}
		CHECK(h != NULL);
		CHECK(strcasestr(line, "HttpOnly") != NULL);
		CHECK(strcasestr(line, "SameSite=Strict") != NULL);
		CHECK(strstr(line, "Path=/") != NULL);
	}
	snprintf(c.csrf, sizeof c.csrf, "%s", csrf ? csrf : "");
	resp_release(&r);

	r = api_get(&c, "/session");
	CHECK_STATUS(r, 200);
	CHECK_STR(jps(r.json, "user.login"), "admin");
	CHECK_STR(jps(r.json, "csrf_token"), c.csrf);
	resp_release(&r);

	/* Logout needs CSRF. */
	r = api_send(&c, "DELETE", "/session", NULL, REQ_NO_CSRF);
	CHECK_ERROR(r, 403, "csrf", NULL);
	resp_release(&r);
	r = api_send(&c, "DELETE", "/session", NULL, 0);
	CHECK_STATUS(r, 200);
	CHECK(json_is_true(jp(r.json, "ok")));
	resp_release(&r);
	r = api_get(&c, "/session");
	CHECK_ERROR(r, 401, "unauthenticated", NULL);
	resp_release(&r);
	r = api_get(&c, "/units?limit=1");
	CHECK_ERROR(r, 401, "unauthenticated", NULL);
	resp_release(&r);
	client_release(&c);
}

TEST(login_wrong_password)
{
	char login[64];
	struct client c = {0};
	struct resp r1, r2;
	snprintf(login, sizeof login, "wrong.%s", api.tag);
	CHECK(api_user_create(login, "viewer", api.root_id, "right-password-1") > 0);
	r1 = api_post(&c, "/session",
		      json_pack("{s:s,s:s}", "login", login, "password",
				"wrong-password-1"));
	CHECK_ERROR(r1, 401, "unauthenticated", NULL);
	CHECK(c.cookie[0] == '\0');
	/* An unknown login gets the same answer (no user enumeration). */
	r2 = api_post(&c, "/session",
		      json_pack("{s:s,s:s}", "login", "no.such.user", "password",
				"wrong-password-1"));
	CHECK_ERROR(r2, 401, "unauthenticated", NULL);
	CHECK_STR(jps(r1.json, "error.message"), jps(r2.json, "error.message"));
	resp_release(&r1);
	resp_release(&r2);
	CHECK(api_login(&c, login, "right-password-1") == 200);
	CHECK_STR(jps(c.user, "login"), login);
	client_release(&c);
}

/* A password set by an admin is one-time: the user changes it with
 * POST /session/password (old password checked, CSRF needed). */
TEST(login_must_change_password)
{
	char login[64];
	struct client c = {0};
	struct resp r;
	snprintf(login, sizeof login, "onetime.%s", api.tag);
	CHECK(api_user_create(login, "viewer", api.root_id, "first-password-1") > 0);
	CHECK(api_login(&c, login, "first-password-1") == 200);
	CHECK(json_is_true(jp(c.user, "must_change_password")));
	r = api_post(&c, "/session/password",
		     json_pack("{s:s,s:s}", "old_password", "not-the-password",
			       "new_password", "second-password-2"));
	CHECK(r.status == 401 || r.status == 403 || r.status == 422);
	resp_release(&r);
	r = api_post(&c, "/session/password",
		     json_pack("{s:s,s:s}", "old_password", "first-password-1",
			       "new_password", "2short"));
	CHECK_ERROR(r, 422, "invalid", NULL);
	resp_release(&r);
	r = api_post(&c, "/session/password",
		     json_pack("{s:s,s:s}", "old_password", "first-password-1",
			       "new_password", "second-password-2"));
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(&c, "/session");
	CHECK_STATUS(r, 200);
	CHECK(json_is_false(jp(r.json, "user.must_change_password")));
	resp_release(&r);
	CHECK(api_login(&c, login, "second-password-2") == 200);
	CHECK(json_is_false(jp(c.user, "must_change_password")));
	CHECK(api_login(&c, login, "first-password-1") == 401);
	client_release(&c);
}

TEST(login_throttled_after_five_failures)
{
	char login[64];
	struct client c = {0};
	struct resp r;
	snprintf(login, sizeof login, "throttle.%s", api.tag);
	CHECK(api_user_create(login, "viewer", api.root_id, "right-password-2") > 0);
	for (int i = 0; i < 5; i++) {
		r = api_post(&c, "/session",
			     json_pack("{s:s,s:s}", "login", login, "password",
				       "wrong-password-2"));
		CHECK_ERROR(r, 401, "unauthenticated", NULL);
		resp_release(&r);
	}
	r = api_post(&c, "/session",
		     json_pack("{s:s,s:s}", "login", login, "password",
			       "right-password-2"));
	CHECK_ERROR(r, 429, "too_many_attempts", NULL);
	CHECK(c.cookie[0] == '\0');
	resp_release(&r);
	/* The lock is per login: admin still gets in. */
	CHECK(api_login(&c, "admin", api.admin_password) == 200);
	client_release(&c);
}

TEST(bearer_token)
{
	const char *tok = getenv("CADRE_API_TOKEN");
	struct client b = {0};
	struct resp r;
	char code[64], date[11];
	long long id;
	CHECK(tok && *tok);
	if (!tok || !*tok) {
		api_test_note("CADRE_API_TOKEN is not set (cadre user token)");
		return;
	}
	snprintf(b.bearer, sizeof b.bearer, "%s", tok);
	r = api_get(&b, "/units?limit=1");
	CHECK_STATUS(r, 200);
	resp_release(&r);
	/* A mutation without any CSRF token. */
	snprintf(code, sizeof code, "%s-BEARER", api.tag);
	r = reorg_create(&b, code, "Bearer unit", api.root_id,
			 api_next_date(date));
	CHECK_STATUS(r, 201);
	id = reorg_created_id(&r, code);
	CHECK(id > 0);
	resp_release(&r);
	/* A Bearer request never sets a session. */
	CHECK(b.cookie[0] == '\0');
	/* A wrong token is refused, even on reads. */
	b.bearer[0] = b.bearer[0] == 'a' ? 'b' : 'a';
	r = api_get(&b, "/units?limit=1");
	CHECK_ERROR(r, 401, "unauthenticated", NULL);
	resp_release(&r);
}

TEST(unknown_path_and_method)
{
	struct resp r = api_get(&api.admin, "/no-such-endpoint");
	CHECK_ERROR(r, 404, "not_found", NULL);
	resp_release(&r);
	r = api_send(&api.admin, "DELETE", "/units", NULL, 0);
	CHECK_ERROR(r, 405, "method_not_allowed", NULL);
	resp_release(&r);
	r = api_send(&api.admin, "PUT", "/health", NULL, 0);
	CHECK(r.status == 405);
	resp_release(&r);
	r = api_get(&api.admin, "/units/999999999");
	CHECK_ERROR(r, 404, "not_found", NULL);
	resp_release(&r);
	r = api_get(&api.admin, "/units/abc");
	CHECK_STATUS2(r, 400, 404);
	resp_release(&r);
}
