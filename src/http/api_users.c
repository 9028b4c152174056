/*
 * api_users.c — handlers of GET /users and POST /users (admin).  Thin: the
 * body's keys and types are checked here, every rule (login syntax,
 * password strength, role, scope, duplicates) in user_add / user_list.
 */
#include "domain/user.h"
#include "http/route.h"

#define DISPLAY_NAME_MAX 1024 /* bytes; the domain enforces 200 characters */

int api_users_list(struct http_req *r, struct err *e)
{
	return user_list(&r->cx, req_q_int(r, "unit"), (int)req_q_int(r, "limit"),
			 (int)req_q_int(r, "offset"), &r->out, e);
}

/* The password an admin sets is one-time: the new user must change it
 * (User.must_change_password) with POST /session/password. */
int api_users_add(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"login", "display_name", "password",
					   "role", "unit_id", NULL};
	struct user_new u = {.must_change = 1};
	if (req_body_keys(r, keys, e) ||
	    req_body_str(r, "login", 1, HTTP_FIELD_MAX, &u.login, e) ||
	    req_body_str(r, "display_name", 0, DISPLAY_NAME_MAX, &u.display_name,
			 e) ||
	    req_body_str(r, "password", 1, HTTP_FIELD_MAX, &u.password, e) ||
	    req_body_str(r, "role", 1, HTTP_FIELD_MAX, &u.role, e) ||
	    req_body_id(r, "unit_id", 1, &u.unit_id, e)) {
		return -1;
	}
	if (user_add(&r->cx, &u, &r->out, e)) {
		return -1;
	}
	r->status = 201;
	return 0;
}
