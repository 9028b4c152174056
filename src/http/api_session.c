/*
 * api_session.c — handlers of GET /health and the /session endpoints: log
 * in (sets the cadre_session cookie), who am I, log out (clears it), change
 * one's own password.  Thin: each calls the auth/user domain and shapes the
 * reply; never checks passwords or permissions itself.
 */
#include <stdio.h>

#include "domain/auth.h"
#include "domain/user.h"
#include "http/route.h"

#define COOKIE_ATTRS "; HttpOnly; SameSite=Strict; Path=/"

int api_health(struct http_req *r, struct err *e)
{
	const char *kind = db_kind(r->cx.db) == DB_PG ? "postgresql" : "sqlite";
	r->out = json_pack("{s:s,s:s,s:s}", "status", "ok", "db", kind,
			   "version", CADRE_VERSION);
	return r->out ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
}

/* {"user":User,"csrf_token":csrf} for the actor of r->cx; csrf may be NULL
 * (Bearer requests have no CSRF token) and becomes null. */
static int session_reply(struct http_req *r, const char *csrf, struct err *e)
{
	json_t *user = NULL;
	if (user_get(&r->cx, r->cx.actor.user_id, &user, e)) {
		return -1;
	}
	r->out = json_pack("{s:o,s:s?}", "user", user, "csrf_token", csrf);
	return r->out ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
}

int api_session_login(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"login", "password", NULL};
	const char *login, *password;
	char token[AUTH_TOKEN_HEX], csrf[AUTH_TOKEN_HEX];
	if (req_body_keys(r, keys, e) ||
	    req_body_str(r, "login", 1, HTTP_FIELD_MAX, &login, e) ||
	    req_body_str(r, "password", 1, HTTP_FIELD_MAX, &password, e)) {
		return -1;
	}
	if (auth_login(&r->cx, login, password, token, csrf, e)) {
		return -1;
	}
	if (session_reply(r, csrf, e)) {
		return -1;
	}
	snprintf(r->cookie, sizeof r->cookie, "cadre_session=%s" COOKIE_ATTRS,
		 token);
	return 0;
}

int api_session_get(struct http_req *r, struct err *e)
{
	return session_reply(r, r->auth == HTTP_AUTH_COOKIE ? r->csrf : NULL, e);
}

int api_session_logout(struct http_req *r, struct err *e)
{
	if (r->auth == HTTP_AUTH_COOKIE && auth_logout(&r->cx, r->session, e)) {
		return -1;
	}
	snprintf(r->cookie, sizeof r->cookie, "cadre_session=" COOKIE_ATTRS
		 "; Max-Age=0");
	return 0;
}

int api_session_password(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"old_password", "new_password", NULL};
	const char *old_pw, *new_pw;
	if (req_body_keys(r, keys, e) ||
	    req_body_str(r, "old_password", 1, HTTP_FIELD_MAX, &old_pw, e) ||
	    req_body_str(r, "new_password", 1, HTTP_FIELD_MAX, &new_pw, e)) {
		return -1;
	}
	return user_set_password(&r->cx, r->cx.actor.login, old_pw, new_pw, 0, e);
}
