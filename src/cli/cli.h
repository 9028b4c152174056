/*
 * cli.h — what every command of the terminal face shares: a small table
 * driven flag parser (`--name value`, `--name=value`, boolean flags,
 * repeatable flags, positional arguments, generated --help), subcommand
 * groups, opening the database and building the struct cx (system actor or
 * --as LOGIN), printing errors the one way, reading a password from stdin,
 * and plain-text tables.
 *
 * The CLI only parses, calls the domain and prints.  It never runs SQL,
 * never decides a business rule and never checks a permission itself.
 *
 * Exit codes: 0 success, 1 the operation failed (the domain said no, the
 * database is unreachable…), 2 the command line is wrong.
 */
#ifndef CADRE_CLI_H
#define CADRE_CLI_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "domain/cx.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* A command or subcommand: argv[0] is its own name (git's convention). */
struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help; /* one line for the listing */
};

/* Values of a repeatable flag or of the positional arguments.  The strings
 * point into argv; `v` is owned (cli_list_free). */
struct cli_list {
	const char **v;
	int n;
};
void cli_list_free(struct cli_list *l);

enum cli_type {
	CLI_STR,  /* const char **: the value */
	CLI_BOOL, /* int *: set to 1 when present; takes no value */
	CLI_INT,  /* int *: a decimal integer */
	CLI_LIST  /* struct cli_list *: repeatable, every value kept */
};

struct cli_opt {
	const char *name; /* without the leading "--" */
	enum cli_type type;
	void *dst;
	const char *arg;  /* the value's name in help ("PATH"); NULL for bool */
	const char *help;
	int required;
};

/* The flags most commands take, with their help text. */
#define CLI_OPT_DB(dst)                                                        \
	{"db", CLI_STR, (dst), "PATH",                                         \
	 "the database: an SQLite file or a postgresql:// URL", 1}
#define CLI_OPT_AS(dst)                                                        \
	{"as", CLI_STR, (dst), "LOGIN",                                        \
	 "act as this user (their role and scope apply); default: the "       \
	 "system administrator",                                               \
	 0}
#define CLI_OPT_JSON(dst)                                                      \
	{"json", CLI_BOOL, (dst), NULL, "print JSON instead of text", 0}
#define CLI_OPT_END {NULL, CLI_STR, NULL, NULL, NULL, 0}

/* Everything about one command line: its name for messages ("user add"),
 * the synopsis and description for --help, its flags, how many positional
 * arguments it takes (max -1 = any), and how to name domain fields in error
 * messages: pairs {"date", "--on", "unit", NULL, …, NULL} (NULL = no
 * label).  A field equal to a flag's name ('_' read as '-') needs no pair. */
struct cli_spec {
	const char *name;
	const char *usage;
	const char *about;
	const struct cli_opt *opts;
	int min_pos, max_pos;
	const char *const *fields;
};

/* Parse argv[1..argc) (argv[0] is the command's name) into the spec's
 * destinations and `pos` (may be NULL when the command takes none).
 * Returns CLI_OK to go on; CLI_USAGE after printing a usage error; -1 after
 * printing --help (the caller exits 0).  Use CLI_PARSE. */
int cli_parse(const struct cli_spec *s, int argc, char **argv,
	      struct cli_list *pos);
#define CLI_PARSE(spec, argc, argv, pos)                                       \
	do {                                                                   \
		int cli_rc_ = cli_parse((spec), (argc), (argv), (pos));        \
		if (cli_rc_ != CLI_OK) {                                       \
			return cli_rc_ < 0 ? CLI_OK : cli_rc_;                 \
		}                                                              \
	} while (0)
void cli_help(const struct cli_spec *s, FILE *f);

/* Run the subcommand argv[1] of a group ("user add") from its table.  No
 * subcommand or --help lists them; an unknown one is a usage error. */
int cli_group(const char *group, const struct cli_cmd *subs, int argc,
	      char **argv);
/* Print a command table as "  name   help" lines. */
void cli_print_cmds(const struct cli_cmd *cmds, FILE *f);

/* Print "cadre: <message>" to stderr and return `code`. */
int cli_errorf(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print a domain error: "cadre: --flag: message" when e->field names one of
 * the spec's flags (directly or through spec->fields), else "cadre:
 * message".  Returns CLI_FAIL.  `s` may be NULL. */
int cli_fail(const struct cli_spec *s, const struct err *e);

/* An open database and the context of the acting user. */
struct cli_ctx {
	struct db *db;
	struct cx cx;
};

#define CLI_OPEN_CREATE 1 /* a missing SQLite file may be created (init) */

/* Open `url` and fill c->cx: the system actor, or the user `as_login` when
 * not NULL.  Without CLI_OPEN_CREATE a missing SQLite file is an error
 * rather than a new empty database.  Returns CLI_OK or CLI_FAIL (printed);
 * on failure nothing stays open. */
int cli_open(struct cli_ctx *c, const char *url, const char *as_login,
	     int flags);
void cli_close(struct cli_ctx *c);
/* CLI_OK when `url` is a URL or an existing SQLite file; otherwise prints
 * "no such database (create one with 'cadre init …')" and returns CLI_FAIL. */
int cli_need_db(const char *url);

/* Resolve a unit code to its id; on failure prints and returns CLI_FAIL.
 * `flag` names the flag the code came from ("parent"), or NULL for a
 * positional argument. */
int cli_unit_id(struct cli_ctx *c, const char *code, const char *flag,
		int64_t *id);

/* Read a password: the first line of stdin, newline stripped.  Prompts on
 * stderr when stdin is a terminal.  Refuses an empty one.  *out is new;
 * free it with cli_password_free (which wipes it).  CLI_OK or CLI_FAIL. */
int cli_read_password(char **out);
void cli_password_free(char *pw);

/* A date flag: NULL stays NULL (the caller decides the default); anything
 * else must be a real civil date.  CLI_OK or CLI_FAIL ("cadre: --flag: …"). */
int cli_check_date(const char *value, const char *flag);

/* JSON access that never fails: "" / 0 for missing or null members. */
const char *cli_jstr(json_t *o, const char *key);
int64_t cli_jint(json_t *o, const char *key);
/* Print j indented to stdout, newline-terminated. */
void cli_json_print(json_t *j);

/* Fetch a paginated list ({"items","total",…}) page after page: fn is
 * called with limit/offset until `max` items (0 = all) or the end.  *items
 * is a new array (json_decref), *total the total the domain reported. */
typedef int (*cli_page_fn)(struct cli_ctx *c, void *arg, int limit,
			   int offset, json_t **out, struct err *e);
int cli_collect(struct cli_ctx *c, cli_page_fn fn, void *arg, int max,
		json_t **items, int64_t *total, struct err *e);

/* A text table: columns padded to their widest cell (in code points). */
struct cli_table {
	int ncol, nrow, cap;
	char **cells; /* nrow * ncol copies; row 0 is the header */
};
void cli_table_init(struct cli_table *t, int ncol, const char *const *head);
/* Add a row of ncol strings (NULL prints as ""). */
void cli_table_add(struct cli_table *t, const char *const *row);
void cli_table_print(const struct cli_table *t, FILE *f);
void cli_table_free(struct cli_table *t);

/* Print a tree node of the /units/{id}/tree shape and its children_list,
 * indented two spaces per level from `depth` (cli_unit.c). */
void cli_tree_print(json_t *node, int depth);

/* Shared by init and demo (cli_init.c): apply migrations, bootstrap the
 * root unit and create the admin user when missing.  Prints the database
 * and migration lines; *pw receives the one-time password (or "" when the
 * admin already existed).  CLI_OK or CLI_FAIL (printed). */
int cli_bootstrap(struct cli_ctx *c, const char *url, char pw[17]);
/* The closing lines of init: the admin login and its one-time password, or
 * (pw "") how to reset the password of the existing admin. */
void cli_print_admin(const char *url, const char *pw);

/* The commands (one file each). */
int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_unit(int argc, char **argv);
int cmd_reorg(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_member(int argc, char **argv);	/* cli_member.c */
int cmd_import(int argc, char **argv);	/* cli_import.c */
int cmd_export(int argc, char **argv);	/* cli_member.c or cli_import.c */
int cmd_doc(int argc, char **argv);	/* cli_doc.c */
int cmd_render(int argc, char **argv);	/* cli_render.c */

#endif
