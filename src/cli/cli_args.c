/*
 * cli_args.c — the command line itself: the flag parser driven by a
 * struct cli_spec, the generated --help, and subcommand groups.  Knows
 * nothing about the database or the domain; never exits the process.
 */
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void cli_list_free(struct cli_list *l)
{
	if (l) {
		free(l->v);
		l->v = NULL;
		l->n = 0;
	}
}

/* Append to a list that can never hold more than argc values. */
static int list_push(struct cli_list *l, const char *v, int argc)
{
	if (!l->v) {
		l->v = calloc((size_t)argc + 1, sizeof *l->v);
		if (!l->v) {
			return cli_errorf(CLI_FAIL, "out of memory");
		}
		l->n = 0;
	}
	l->v[l->n++] = v;
	return CLI_OK;
}

static const struct cli_opt *opt_find(const struct cli_spec *s,
				      const char *name, size_t len)
{
	const struct cli_opt *o;
	for (o = s->opts; o && o->name; o++) {
		if (strlen(o->name) == len && memcmp(o->name, name, len) == 0) {
			return o;
		}
	}
	return NULL;
}

static int usage_error(const struct cli_spec *s, const char *what,
		       const char *detail)
{
	fprintf(stderr, "cadre: %s %s%s\n", s->name, what, detail);
	fprintf(stderr, "usage: %s\n", s->usage);
	fprintf(stderr, "see 'cadre %s --help'\n", s->name);
	return CLI_USAGE;
}

static int set_value(const struct cli_spec *s, const struct cli_opt *o,
		     const char *v, int argc)
{
	char *end;
	long n;
	switch (o->type) {
	case CLI_STR:
		*(const char **)o->dst = v;
		return CLI_OK;
	case CLI_LIST:
		return list_push(o->dst, v, argc);
	case CLI_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < INT_MIN || n > INT_MAX) {
			fprintf(stderr, "cadre: --%s: not an integer: \"%s\"\n",
				o->name, v);
			fprintf(stderr, "see 'cadre %s --help'\n", s->name);
			return CLI_USAGE;
		}
		*(int *)o->dst = (int)n;
		return CLI_OK;
	case CLI_BOOL:
		*(int *)o->dst = 1;
		return CLI_OK;
	}
	return CLI_USAGE;
}

/* Has a required flag been given?  Strings and lists say so by themselves;
 * required booleans and integers do not exist. */
static int opt_given(const struct cli_opt *o)
{
	if (o->type == CLI_STR) {
		return *(const char **)o->dst != NULL;
	}
	if (o->type == CLI_LIST) {
		return ((struct cli_list *)o->dst)->n > 0;
	}
	return 1;
}

int cli_parse(const struct cli_spec *s, int argc, char **argv,
	      struct cli_list *pos)
{
	const struct cli_opt *o;
	int i, rc, flags_done = 0, npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *val;
		size_t len;
		if (flags_done || a[0] != '-' || a[1] == 0) {
			if (pos && (rc = list_push(pos, a, argc)) != CLI_OK) {
				return rc;
			}
			npos++;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			flags_done = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cli_help(s, stdout);
			return -1;
		}
		if (a[1] != '-') {
			return usage_error(s, "takes no short flag ", a);
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = opt_find(s, a, len);
		if (!o) {
			return usage_error(s, "has no flag ", argv[i]);
		}
		if (o->type == CLI_BOOL) {
			if (eq) {
				return usage_error(s, "takes no value for ",
						   argv[i]);
			}
			val = "1";
		} else if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			return usage_error(s, "needs a value after ", argv[i]);
		}
		if ((rc = set_value(s, o, val, argc)) != CLI_OK) {
			return rc;
		}
	}
	for (o = s->opts; o && o->name; o++) {
		if (o->required && !opt_given(o)) {
			char flag[80];
			snprintf(flag, sizeof flag, "--%s %s", o->name,
				 o->arg ? o->arg : "");
			return usage_error(s, "needs ", flag);
		}
	}
	if (npos < s->min_pos) {
		return usage_error(s, "needs more arguments", "");
	}
	if (s->max_pos >= 0 && npos > s->max_pos) {
		return usage_error(s, s->max_pos ? "takes fewer arguments"
						 : "takes no arguments",
				   "");
	}
	return CLI_OK;
}

/* The flag's left column in help: "--name ARG" (" …" when repeatable). */
static void opt_left(const struct cli_opt *o, char *buf, size_t size)
{
	snprintf(buf, size, "--%s%s%s%s", o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "", o->type == CLI_LIST ? " …" : "");
}

void cli_help(const struct cli_spec *s, FILE *f)
{
	enum { MAXW = 24 };
	const struct cli_opt *o;
	char left[96];
	int w = 6; /* "--help" */
	for (o = s->opts; o && o->name; o++) {
		int n;
		opt_left(o, left, sizeof left);
		n = (int)strlen(left);
		if (n > w && n <= MAXW) {
			w = n;
		}
	}
	fprintf(f, "usage: %s\n\n", s->usage);
	if (s->about) {
		fprintf(f, "%s\n\n", s->about);
	}
	fprintf(f, "flags:\n");
	for (o = s->opts; o && o->name; o++) {
		opt_left(o, left, sizeof left);
		if ((int)strlen(left) > w) {
			fprintf(f, "  %s\n  %-*s", left, w, "");
		} else {
			fprintf(f, "  %-*s", w, left);
		}
		fprintf(f, "  %s%s\n", o->help, o->required ? " (required)" : "");
	}
	fprintf(f, "  %-*s  %s\n", w, "--help", "show this help");
}

void cli_print_cmds(const struct cli_cmd *cmds, FILE *f)
{
	const struct cli_cmd *c;
	for (c = cmds; c->name; c++) {
		fprintf(f, "  %-10s %s\n", c->name, c->help);
	}
}

int cli_group(const char *group, const struct cli_cmd *subs, int argc,
	      char **argv)
{
	const struct cli_cmd *c;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		FILE *f = argc < 2 ? stderr : stdout;
		fprintf(f, "usage: cadre %s <command> [flags]\n\ncommands:\n",
			group);
		cli_print_cmds(subs, f);
		fprintf(f, "\n'cadre %s <command> --help' explains each one.\n",
			group);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	for (c = subs; c->name; c++) {
		if (strcmp(c->name, argv[1]) == 0) {
			return c->fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "cadre: '%s %s' is not a command; see 'cadre %s --help'\n",
		group, argv[1], group);
	return CLI_USAGE;
}
