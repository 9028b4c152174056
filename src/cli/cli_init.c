/*
 * cli_init.c — `cadre init` and `cadre migrate`: bring a database to the
 * current schema, bootstrap the root unit and the first administrator, and
 * say so plainly.  Also cli_bootstrap(), which `cadre demo` shares.  The
 * domain creates everything; this file only sequences the calls and prints.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "db/migrate.h"
#include "domain/auth.h"
#include "domain/demo.h"
#include "domain/org.h"
#include "domain/user.h"

#define ROOT_CODE "VN"
#define ROOT_NAME "Việt Nam"
#define ROOT_FROM "1945-09-02"
#define ADMIN_LOGIN "admin"

static const char *kind_name(struct db *db)
{
	return db_kind(db) == DB_PG ? "PostgreSQL" : "SQLite";
}

static int migrate(struct cli_ctx *c, const char *url)
{
	struct err e = ERR_INIT;
	int applied = 0;
	if (db_migrate(c->db, &applied, &e) < 0) {
		return cli_errorf(CLI_FAIL, "%s: migration failed: %s", url,
				  e.msg);
	}
	printf("database:  %s (%s)\n", url, kind_name(c->db));
	if (applied) {
		printf("schema:    %d migration%s applied\n", applied,
		       applied == 1 ? "" : "s");
	} else {
		printf("schema:    up to date\n");
	}
	return CLI_OK;
}

int cli_bootstrap(struct cli_ctx *c, const char *url, char pw[17])
{
	struct err e = ERR_INIT;
	struct user_new u;
	char hex[AUTH_TOKEN_HEX];
	int64_t root = 0;
	json_t *j = NULL;
	int rc;
	pw[0] = 0;
	if ((rc = migrate(c, url)) != CLI_OK) {
		return rc;
	}
	if (org_bootstrap(&c->cx, ROOT_CODE, ROOT_NAME, ROOT_FROM, &root,
			  &e) < 0) {
		return cli_errorf(CLI_FAIL, "bootstrap of the root unit: %s",
				  e.msg);
	}
	printf("root unit: %s %s (id %lld)\n", ROOT_CODE, ROOT_NAME,
	       (long long)root);
	if (user_get_by_login(&c->cx, ADMIN_LOGIN, &j, &e) == 0) {
		json_decref(j);
		return CLI_OK;
	}
	if (e.code != ERR_NOT_FOUND) {
		return cli_errorf(CLI_FAIL, "looking up the admin user: %s",
				  e.msg);
	}
	err_clear(&e);
	auth_random_hex(hex);
	memcpy(pw, hex, 16);
	pw[16] = 0;
	memset(&u, 0, sizeof u);
	u.login = ADMIN_LOGIN;
	u.display_name = "Administrator";
	u.password = pw;
	u.role = "admin";
	u.unit_id = root;
	u.must_change = 1;
	if (user_add(&c->cx, &u, NULL, &e) < 0) {
		pw[0] = 0;
		return cli_errorf(CLI_FAIL, "creating the admin user: %s",
				  e.msg);
	}
	return CLI_OK;
}

void cli_print_admin(const char *url, const char *pw)
{
	if (pw[0]) {
		printf("\nadmin login:        %s\n", ADMIN_LOGIN);
		printf("one-time password:  %s\n", pw);
		printf("(shown once; a new password is required at the first "
		       "login)\n");
	} else {
		printf("admin:     the user '%s' already exists; to reset its "
		       "password:\n"
		       "           echo NEW-PASSWORD | cadre user passwd --db '%s' "
		       "--login %s --one-time\n",
		       ADMIN_LOGIN, url, ADMIN_LOGIN);
	}
}

int cmd_init(int argc, char **argv)
{
	const char *url = NULL;
	int demo = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"demo", CLI_BOOL, &demo, NULL,
		 "also load the demo dataset (63 provinces → 34 on 2025-07-01)",
		 0},
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"init", "cadre init --db PATH [--demo]",
		"Create the database (or bring an existing one up to date), the "
		"root unit VN\n(Việt Nam, from 1945-09-02) and the user 'admin' "
		"with a random one-time\npassword, printed once.  Running it "
		"again is safe: new migrations are\napplied and an existing "
		"admin is left alone.",
		opts, 0, 0, NULL,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	char pw[17];
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, NULL, CLI_OPEN_CREATE)) != CLI_OK) {
		return rc;
	}
	rc = cli_bootstrap(&c, url, pw);
	if (rc == CLI_OK && demo) {
		if (demo_load(&c.cx, &e) < 0) {
			rc = cli_errorf(CLI_FAIL, "demo: %s", e.msg);
		} else {
			printf("demo:      loaded (provinces before and after "
			       "2025-07-01)\n");
		}
	}
	/* Even when the demo failed, an admin created now must be shown. */
	if (rc == CLI_OK || pw[0]) {
		cli_print_admin(url, pw);
	}
	cli_close(&c);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	const char *url = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"migrate", "cadre migrate --db PATH",
		"Apply the schema migrations the database has not seen yet, and "
		"nothing else.",
		opts, 0, 0, NULL,
	};
	struct cli_ctx c;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, NULL, 0)) != CLI_OK) {
		return rc;
	}
	rc = migrate(&c, url);
	cli_close(&c);
	return rc;
}
