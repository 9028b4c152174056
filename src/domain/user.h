/*
 * user.h — user accounts: a login bound to one unit with one role.  Owns the
 * app_user table.  Every function checks permissions with auth_may() and
 * writes the audit chain.
 */
#ifndef CADRE_USER_H
#define CADRE_USER_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"

struct user_new {
	const char *login;	  /* 3..40 of [a-z0-9._-] */
	const char *display_name; /* defaults to login */
	const char *password;	  /* ≥ 10 characters */
	const char *role;
	int64_t unit_id;
	int must_change;	  /* one-time password */
};

/* Create a user (ACT_USER_ADMIN on the unit).  ERR_CONFLICT "login" when the
 * login exists.  *out (may be NULL) receives the new user's JSON. */
int user_add(struct cx *cx, const struct user_new *u, json_t **out,
	     struct err *e);
/* List users whose unit is in the actor's scope (ACT_USER_ADMIN), optionally
 * only under unit_id (0 = all), as {"items","total","limit","offset"}. */
int user_list(struct cx *cx, int64_t unit_id, int limit, int offset,
	      json_t **out, struct err *e);
/* One user's JSON by id / by login (ACT_READ on the user's unit). */
int user_get(struct cx *cx, int64_t id, json_t **out, struct err *e);
int user_get_by_login(struct cx *cx, const char *login, json_t **out,
		      struct err *e);
/* Set a new password.  By an admin (ACT_USER_ADMIN): any user in scope, and
 * `must_change` marks it one-time.  A user changing their own password
 * passes old_password (checked); NULL otherwise. */
int user_set_password(struct cx *cx, const char *login,
		      const char *old_password, const char *new_password,
		      int must_change, struct err *e);

#endif
