/*
 * runner.c — main() of the API test binary: checks the environment, runs
 * the setup (admin login and the one-time password change, reported as the
 * test "session_one_time_password"), then every registered TEST in link
 * order, printing "ok NAME" / "FAIL NAME" and a final "N passed, N failed".
 * Usage: api_tests [SUBSTRING]  — run only tests whose name contains it
 * (the setup always runs).  Never skips silently: a missing variable is a
 * failure.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "api.h"

#define MAX_TESTS 256

static struct {
	const char *name;
	api_test_fn fn;
} tests[MAX_TESTS];
static int n_tests, cur_failed;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

struct api_env api;

void api_test_register(const char *name, api_test_fn fn)
{
	if (n_tests < MAX_TESTS) {
		tests[n_tests].name = name;
		tests[n_tests].fn = fn;
		n_tests++;
	}
}

void api_test_fail(const char *file, int line, const char *expr)
{
	pthread_mutex_lock(&out_lock);
	cur_failed++;
	printf("    %s:%d: CHECK failed: %s\n", file, line, expr);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

void api_test_note(const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&out_lock);
	printf("      ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void report(const char *name, int *passed, int *failed)
{
	printf("%s %s\n", cur_failed ? "FAIL" : "ok", name);
	fflush(stdout);
	*(cur_failed ? failed : passed) += 1;
}

/* Log the admin in.  With the one-time password, check the
 * must_change_password flow: the flag is set, a too-short new password is
 * refused, POST /session/password with the old one succeeds, the flag is
 * cleared, the new password logs in and the old one no longer does.  On a
 * second run against the same server the changed password (derived from
 * the original one) is used. */
static void setup_admin(void)
{
	const char *pw = getenv("CADRE_ADMIN_PASSWORD");
	char changed[160];
	struct client *a = &api.admin;
	struct resp r;
	long st;

	snprintf(changed, sizeof changed, "api-%s-changed", pw);
	st = api_login(a, "admin", pw);
	if (st != 200) {
		st = api_login(a, "admin", changed);
		CHECK(st == 200);
		if (st != 200) {
			api_test_note("admin cannot log in with CADRE_ADMIN_PASSWORD");
			return;
		}
		snprintf(api.admin_password, sizeof api.admin_password, "%s",
			 changed);
		CHECK(json_is_false(jp(a->user, "must_change_password")));
		return;
	}
	snprintf(api.admin_password, sizeof api.admin_password, "%s", pw);
	CHECK(json_is_true(jp(a->user, "must_change_password")));
	if (!json_is_true(jp(a->user, "must_change_password"))) {
		return;
	}
	/* Too short. */
	r = api_post(a, "/session/password",
		     json_pack("{s:s,s:s}", "old_password", pw,
			       "new_password", "short"));
	CHECK_ERROR(r, 422, "invalid", NULL);
	resp_release(&r);
	/* Without CSRF. */
	r = api_send(a, "POST", "/session/password",
		     json_pack("{s:s,s:s}", "old_password", pw,
			       "new_password", changed),
		     REQ_NO_CSRF);
	CHECK_ERROR(r, 403, "csrf", NULL);
	resp_release(&r);
	r = api_post(a, "/session/password",
		     json_pack("{s:s,s:s}", "old_password", pw,
			       "new_password", changed));
	CHECK_STATUS(r, 200);
	resp_release(&r);
	r = api_get(a, "/session");
	CHECK_STATUS(r, 200);
	CHECK(json_is_false(jp(r.json, "user.must_change_password")));
	resp_release(&r);
	snprintf(api.admin_password, sizeof api.admin_password, "%s", changed);
	{
		struct client old = {0};
		CHECK(api_login(&old, "admin", pw) == 401);
		client_release(&old);
	}
	CHECK(api_login(a, "admin", changed) == 200);
	CHECK(json_is_false(jp(a->user, "must_change_password")));
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *only = argc > 1 ? argv[1] : NULL;
	const char *url = getenv("CADRE_URL");
	const char *pw = getenv("CADRE_ADMIN_PASSWORD");
	size_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!url || !*url || !pw || !*pw) {
		printf("    CADRE_URL and CADRE_ADMIN_PASSWORD must be set\n");
		printf("FAIL setup\n0 passed, 1 failed\n");
		return 1;
	}
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
		printf("FAIL setup\n0 passed, 1 failed\n");
		return 1;
	}
	snprintf(api.url, sizeof api.url, "%s", url);
	n = strlen(api.url);
	while (n > 0 && api.url[n - 1] == '/') {
		api.url[--n] = '\0';
	}
	snprintf(api.tag, sizeof api.tag, "t%ld%d",
		 (long)(time(NULL) % 100000), (int)(getpid() % 1000));

	cur_failed = 0;
	setup_admin();
	api.root_id = jpi(api.admin.user, "unit_id");
	CHECK(api.root_id > 0);
	report("session_one_time_password", &passed, &failed);

	for (int i = 0; i < n_tests; i++) {
		if (only && !strstr(tests[i].name, only)) {
			continue;
		}
		cur_failed = 0;
		tests[i].fn();
		report(tests[i].name, &passed, &failed);
	}
	client_release(&api.admin);
	curl_global_cleanup();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
