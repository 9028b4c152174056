/*
 * api.h — the API test suite's runner and HTTP client.  The suite drives a
 * real, running cadre server over loopback with libcurl and checks it
 * against docs/api.md.  It reads CADRE_URL (base URL, e.g.
 * http://127.0.0.1:8123), CADRE_ADMIN_PASSWORD (the admin's one-time
 * password printed by `cadre init`), and optionally CADRE_API_TOKEN (an API
 * token of admin from `cadre user token`) and CADRE_EXPECT_DB ("sqlite" or
 * "postgresql", checked against GET /health).
 *
 * TEST(name) defines a test; CHECK(cond) records a failure and goes on.  The
 * runner prints "ok NAME" / "FAIL NAME" with "    file:line: CHECK failed:"
 * lines, and ends with "N passed, N failed" (exit 1 on any failure), like
 * tests/unit/runner.c.  This file never talks to the database: only HTTP.
 */
#ifndef CADRE_API_TEST_H
#define CADRE_API_TEST_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

/* ---- runner ---- */

typedef void (*api_test_fn)(void);

void api_test_register(const char *name, api_test_fn fn);
void api_test_fail(const char *file, int line, const char *expr);
/* An indented detail line under the last failure (thread-safe). */
void api_test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TEST(name)                                                             \
	static void name(void);                                                \
	__attribute__((constructor)) static void reg_##name(void)              \
	{                                                                      \
		api_test_register(#name, name);                                \
	}                                                                      \
	static void name(void)

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			api_test_fail(__FILE__, __LINE__, #c);                 \
		}                                                              \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                       \
			api_test_fail(__FILE__, __LINE__, #a " == " #b);       \
			api_test_note("got \"%s\", want \"%s\"",               \
				      a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
		}                                                              \
	} while (0)

/* The response r (a struct resp) has HTTP status st; on failure the body is
 * shown. */
#define CHECK_STATUS(r, st) resp_check(&(r), (st), NULL, NULL, __FILE__, __LINE__)
/* The response is an error {"error":{code,field,message}} with that status,
 * code and (unless field is NULL) field. */
#define CHECK_ERROR(r, st, code, field)                                        \
	resp_check(&(r), (st), (code), (field), __FILE__, __LINE__)

/* ---- HTTP client ---- */

/* One logged-in (or anonymous) user agent.  cookie is "cadre_session=…" or
 * empty; csrf the token from POST /session; bearer an API token or empty;
 * user the User object of the session (owned, may be NULL). */
struct client {
	char cookie[256];
	char csrf[160];
	char bearer[160];
	json_t *user;
};

struct resp {
	long status;	  /* 0 when no HTTP response came back */
	int curl_rc;	  /* CURLcode */
	char *body;	  /* NUL-terminated, never NULL after a request */
	size_t len;
	char *headers;	  /* raw response headers, NUL-terminated */
	json_t *json;	  /* parsed body or NULL */
};

enum {
	REQ_RAW_PATH = 1,  /* path is not under /api/v1, sent as is */
	REQ_NO_CSRF = 2,   /* do not send X-CSRF-Token */
	REQ_BAD_CSRF = 4,  /* send a wrong X-CSRF-Token */
	REQ_EXPECT = 8,	   /* let curl send "Expect: 100-continue" */
	REQ_NO_AUTH = 16,  /* send neither cookie nor bearer */
	REQ_NO_JAR = 32	   /* do not take Set-Cookie into the client */
};

/* Send one request; path is appended to CADRE_URL + "/api/v1" (or to
 * CADRE_URL with REQ_RAW_PATH).  body may be NULL.  Cookie, CSRF token
 * (for POST/PUT/PATCH/DELETE) and bearer come from c (NULL = anonymous);
 * a Set-Cookie cadre_session in the answer updates c.  r is filled in all
 * cases: release with resp_release().  Returns r->status. */
long api_request(struct client *c, const char *method, const char *path,
		 const char *body, size_t len, int flags, struct resp *r);
void resp_release(struct resp *r);

/* GET with a printf-formatted path. */
struct resp api_get(struct client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Send a JSON body (stolen: decref'd here; NULL = no body). */
struct resp api_send(struct client *c, const char *method, const char *path,
		     json_t *body, int flags);
#define api_post(c, path, body) api_send((c), "POST", (path), (body), 0)

int resp_check(struct resp *r, long status, const char *code,
	       const char *field, const char *file, int line);
/* The status is one of a, b (for what docs/api.md leaves open). */
#define CHECK_STATUS2(r, a, b) resp_check_any(&(r), (a), (b), __FILE__, __LINE__)
int resp_check_any(struct resp *r, long a, long b, const char *file, int line);

/* Log in with POST /session: on 200 fills c (cookie, csrf, user) and
 * returns 200; otherwise the status.  c is reset first. */
long api_login(struct client *c, const char *login, const char *password);
void client_release(struct client *c);

/* ---- JSON paths: "error.code", "items.0.id" ---- */
json_t *jp(json_t *root, const char *path);
const char *jps(json_t *root, const char *path);     /* NULL unless string */
long long jpi(json_t *root, const char *path);	     /* LLONG_MIN unless int */
size_t jpn(json_t *root, const char *path);	     /* array size or 0 */
/* First element of the array at path whose string member key equals val. */
json_t *jfind(json_t *root, const char *path, const char *key,
	      const char *val);

/* ---- the shared fixture (filled by the runner's setup) ---- */
struct api_env {
	char url[256];		   /* CADRE_URL without trailing slash */
	char admin_password[160];  /* current admin password */
	char tag[32];		   /* unique per run: codes, logins */
	struct client admin;	   /* logged-in admin */
	long long root_id;	   /* admin's unit (the root "VN") */
	int next_day;		   /* for api_next_date() */
};
extern struct api_env api;

/* The id of the unit with this code as of the date (NULL = today) as seen
 * by c, or -1. */
long long api_unit_id(struct client *c, const char *code, const char *as_of);
/* The next of a strictly increasing series of dates from 2030-01-02 on:
 * every reorganization event in the suite takes one, so it always comes
 * after the unit's last change.  Fills out (11 bytes), returns it. */
const char *api_next_date(char out[11]);
/* Days since 1970-01-01 → "YYYY-MM-DD". */
void api_date_from_days(long days, char out[11]);
/* Create a user as admin; returns the id or -1. */
long long api_user_create(const char *login, const char *role,
			  long long unit_id, const char *password);

/* POST /reorg bodies (docs/api.md); the response is returned as is. */
struct resp reorg_create(struct client *c, const char *code,
			 const char *name, long long parent, const char *date);
struct resp reorg_rename(struct client *c, long long unit, const char *name,
			 long long rev, const char *date);
struct resp reorg_move(struct client *c, long long unit, long long parent,
		       long long rev, const char *date);
/* The id of the unit created by a 201 response of reorg_create, or -1. */
long long reorg_created_id(struct resp *r, const char *code);
/* The current rev of a unit as of date, or -1. */
long long api_unit_rev(struct client *c, long long id, const char *as_of);
/* The unit kind used for units the suite creates. */
extern char api_kind[64];

#endif
