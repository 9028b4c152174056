/*
 * main.c — the entry point of cadre: the table of subcommands (git.c
 * style), --help, --version and dispatch.  Each command lives in src/cli/;
 * nothing here parses flags or touches the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sign/sign_cli.h"

#ifndef CADRE_VERSION
#include "base/log.h"
#include "base/version.h"
#endif

static int cmd_help(int argc, char **argv);
/* Member commands (cli_member.c, cli_import.c); to move to cli/cli.h. */
/* The document commands (cli_doc.c); to move to cli/cli.h. */
static int cmd_version(int argc, char **argv);

static const struct cli_cmd commands[] = {
	{"init", cmd_init, "create or upgrade a database and its admin user"},
	{"serve", cmd_serve, "run the web UI and the JSON API"},
	{"user", cmd_user, "add, list users; set passwords; issue API tokens"},
	{"unit", cmd_unit, "the organization tree as of a date; one unit's history"},
	{"reorg", cmd_reorg, "merge, split, rename, move, create, dissolve units"},
	{"audit", cmd_audit, "verify the tamper-evident audit chain; list entries"},
	{"member", cmd_member, "people and memberships: add, admit, transfer, search, stats"},
	{"import", cmd_import, "import member records from a CSV or XLSX file"},
	{"export", cmd_export, "export a member list as CSV or XLSX"},
	{"demo", cmd_demo, "load a demo dataset (2025 provinces, or national size)"},
	{"ca", cmd_ca, "the certificate authority: init, issue, revoke, export, crl, import"},
	{"doc", cmd_doc, "documents: number, add, list, search, workflow, sign, registers"},
	{"render", cmd_render, "render a document from the party or state template as a PDF"},
	{"verify", cmd_verify, "verify the signatures of a PDF (exit 0 when all are valid)"},
	{"migrate", cmd_migrate, "apply pending schema migrations only"},
	{"help", cmd_help, "explain a command: cadre help COMMAND"},
	{"version", cmd_version, "print the version"},
	{NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: cadre <command> [flags]\n\n"
		   "cadre — operations platform for federated organizations.\n\n"
		   "commands:\n");
	cli_print_cmds(commands, f);
	fprintf(f, "\n'cadre <command> --help' explains a command and every "
		   "flag.\n");
}

static const struct cli_cmd *find(const char *name)
{
	const struct cli_cmd *c;
	for (c = commands; c->name; c++) {
		if (strcmp(c->name, name) == 0) {
			return c;
		}
	}
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct cli_cmd *c;
	char help[] = "--help";
	char *sub[3];
	if (argc < 2) {
		usage(stdout);
		return CLI_OK;
	}
	c = find(argv[1]);
	if (!c || c->fn == cmd_help) {
		return cli_errorf(CLI_USAGE, "'%s' is not a command; see "
					     "'cadre --help'", argv[1]);
	}
	/* "cadre help user add" = "cadre user add --help". */
	sub[0] = argv[1];
	sub[1] = argc > 2 ? argv[2] : help;
	sub[2] = help;
	return c->fn(argc > 2 ? 3 : 2, sub);
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("cadre %s\n", CADRE_VERSION);
	return CLI_OK;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *c;
	const char *log = getenv("CADRE_LOG");
	/* CADRE_LOG=debug|info|warn|error sets the log level (default info). */
	if (log) {
		static const char *const levels[] = {"debug", "info", "warn", "error"};
		for (int i = 0; i < 4; i++) {
			if (strcmp(log, levels[i]) == 0) {
				log_min_level = (enum log_level)i;
			}
		}
	}
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		return cmd_version(0, NULL);
	}
	c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "cadre: '%s' is not a command; see "
				"'cadre --help'\n", argv[1]);
		return CLI_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
