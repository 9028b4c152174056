/*
 * cli_user.c — `cadre user add|list|passwd|token`: user accounts from the
 * terminal.  Passwords come from the first line of stdin, never from the
 * command line (where `ps` and shell history would keep them).  The domain
 * (user.c, auth.c) checks the rules and the actor's rights.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/user.h"

static const char *const user_fields[] = {
	"display_name", "--name",
	"unit_id", "--unit",
	"password", "the password on stdin",
	"new_password", "the password on stdin",
	NULL,
};

static int user_add_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *login = NULL, *role = NULL,
		   *unit = NULL, *name = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"login", CLI_STR, &login, "NAME",
		 "the login: 3–40 of a-z 0-9 . _ -", 1},
		{"role", CLI_STR, &role, "ROLE",
		 "viewer, clerk, manager, signer or admin", 1},
		{"unit", CLI_STR, &unit, "CODE",
		 "code of the unit the user belongs to (their scope)", 1},
		{"name", CLI_STR, &name, "DISPLAY",
		 "display name (default: the login)", 0},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"user add",
		"cadre user add --db PATH --login NAME --role ROLE --unit CODE "
		"[--name DISPLAY] [--as LOGIN] < password",
		"Create a user.  The password is the first line of standard "
		"input (at least\n10 characters), e.g.  printf '%s\\n' \"$PW\" | "
		"cadre user add …",
		opts, 0, 0, user_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	struct user_new u;
	char *pw = NULL;
	int64_t unit_id;
	json_t *out = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	if ((rc = cli_unit_id(&c, unit, "unit", &unit_id)) == CLI_OK &&
	    (rc = cli_read_password(&pw)) == CLI_OK) {
		memset(&u, 0, sizeof u);
		u.login = login;
		u.display_name = name;
		u.password = pw;
		u.role = role;
		u.unit_id = unit_id;
		if (user_add(&c.cx, &u, &out, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else {
			printf("user %s added: %s, role %s, unit %s\n",
			       cli_jstr(out, "login"),
			       cli_jstr(out, "display_name"),
			       cli_jstr(out, "role"), unit);
		}
	}
	json_decref(out);
	cli_password_free(pw);
	cli_close(&c);
	return rc;
}

static int list_page(struct cli_ctx *c, void *arg, int limit, int offset,
		     json_t **out, struct err *e)
{
	return user_list(&c->cx, *(int64_t *)arg, limit, offset, out, e);
}

static void print_users(json_t *items)
{
	static const char *const head[] = {"LOGIN", "NAME", "ROLE", "UNIT",
					   "UNIT NAME", "STATUS"};
	struct cli_table t;
	json_t *u;
	size_t i;
	cli_table_init(&t, 6, head);
	json_array_foreach(items, i, u) {
		const char *row[6];
		row[0] = cli_jstr(u, "login");
		row[1] = cli_jstr(u, "display_name");
		row[2] = cli_jstr(u, "role");
		row[3] = cli_jstr(u, "unit_code");
		row[4] = cli_jstr(u, "unit_name");
		row[5] = json_is_true(json_object_get(u, "disabled"))
				 ? "disabled"
			 : json_is_true(json_object_get(u, "must_change_password"))
				 ? "one-time password"
				 : "active";
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
}

static int user_list_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *unit = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"unit", CLI_STR, &unit, "CODE",
		 "only users of this unit and the units below it", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"user list",
		"cadre user list --db PATH [--unit CODE] [--json] [--as LOGIN]",
		"List the users in scope: login, name, role, unit code and name.",
		opts, 0, 0, user_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int64_t unit_id = 0, total;
	json_t *items = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	if (unit) {
		rc = cli_unit_id(&c, unit, "unit", &unit_id);
	}
	if (rc == CLI_OK &&
	    cli_collect(&c, list_page, &unit_id, 0, &items, &total, &e) < 0) {
		rc = cli_fail(&spec, &e);
	}
	if (rc == CLI_OK && json) {
		json_t *o = json_pack("{s:O,s:I}", "items", items, "total",
				      (json_int_t)total);
		cli_json_print(o);
		json_decref(o);
	} else if (rc == CLI_OK) {
		print_users(items);
		printf("%lld user%s\n", (long long)total, total == 1 ? "" : "s");
	}
	json_decref(items);
	cli_close(&c);
	return rc;
}

static int user_passwd_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *login = NULL;
	int one_time = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"login", CLI_STR, &login, "NAME", "whose password to set", 1},
		{"one-time", CLI_BOOL, &one_time, NULL,
		 "the user must choose a new password at the next login", 0},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"user passwd",
		"cadre user passwd --db PATH --login NAME [--one-time] "
		"[--as LOGIN] < password",
		"Set a user's password (e.g. to reset a forgotten admin "
		"password).  The new\npassword is the first line of standard "
		"input.",
		opts, 0, 0, user_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	char *pw = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	rc = cli_read_password(&pw);
	if (rc == CLI_OK &&
	    user_set_password(&c.cx, login, NULL, pw, one_time, &e) < 0) {
		rc = cli_fail(&spec, &e);
	} else if (rc == CLI_OK) {
		printf("password of %s set%s\n", login,
		       one_time ? " (one-time: to be changed at the next login)"
				: "");
	}
	cli_password_free(pw);
	cli_close(&c);
	return rc;
}

static int user_token_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *login = NULL, *name = "cli";
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"login", CLI_STR, &login, "NAME", "the user the token acts as",
		 1},
		{"name", CLI_STR, &name, "TEXT",
		 "what the token is for (default \"cli\")", 0},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"user token",
		"cadre user token --db PATH --login NAME [--name TEXT] "
		"[--as LOGIN]",
		"Create an API token for scripts and print it once on standard "
		"output.\nSend it as 'Authorization: Bearer TOKEN'.  Only its "
		"hash is stored.",
		opts, 0, 0, user_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	char token[AUTH_TOKEN_HEX];
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	if (auth_token_create(&c.cx, login, name, token, &e) < 0) {
		rc = cli_fail(&spec, &e);
	} else {
		printf("%s\n", token);
		fprintf(stderr, "API token \"%s\" for %s: shown once, keep it "
				"safe\n", name, login);
		explicit_bzero(token, sizeof token);
	}
	cli_close(&c);
	return rc;
}

static const struct cli_cmd user_cmds[] = {
	{"add", user_add_cmd, "create a user (password on stdin)"},
	{"list", user_list_cmd, "list users in scope"},
	{"passwd", user_passwd_cmd, "set a user's password (on stdin)"},
	{"token", user_token_cmd, "create an API token, printed once"},
	{NULL, NULL, NULL},
};

int cmd_user(int argc, char **argv)
{
	return cli_group("user", user_cmds, argc, argv);
}
