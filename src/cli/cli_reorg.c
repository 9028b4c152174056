/*
 * cli_reorg.c — `cadre reorg create|rename|move|merge|split|dissolve`: one
 * reorganization event from the command line.  Units are named by code and
 * resolved to ids here; everything else (dates after the last change, no
 * cycles, revisions, permissions) is org_reorg's job, all or nothing.
 * --dry-run asks the domain to roll the event back and prints its preview.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/org.h"

/* Every value any reorg subcommand can take. */
struct reorg_args {
	const char *url, *as, *on, *decision, *note;
	int dry_run, json, rev;
	const char *code, *name, *kind, *parent, *into, *into_new;
	struct cli_list pos, parts, assign;
};

/* Arrays built for the request; freed by reorg_run. */
struct reorg_mem {
	int64_t *ids;
	struct reorg_new_unit *parts;
	char **part_text;
	int64_t *assign_child;
	int *assign_part;
	char kind[64]; /* split: the subject's kind, for parts without one */
};

#define REORG_COMMON(a)                                                        \
	CLI_OPT_DB(&(a)->url),                                                 \
	{"on", CLI_STR, &(a)->on, "YYYY-MM-DD",                                \
	 "the date the change takes effect", 1},                               \
	{"decision", CLI_STR, &(a)->decision, "TEXT",                          \
	 "the decision that orders it, e.g. 202/2025/QH15", 1},                \
	{"note", CLI_STR, &(a)->note, "TEXT", "a free note on the event", 0},  \
	{"dry-run", CLI_BOOL, &(a)->dry_run, NULL,                             \
	 "check and preview the event, then roll it back", 0},                 \
	CLI_OPT_JSON(&(a)->json), CLI_OPT_AS(&(a)->as)
#define REORG_REV(a)                                                           \
	{"rev", CLI_INT, &(a)->rev, "N",                                       \
	 "refuse unless the unit is still at this revision (0 = any)", 0}

static const char *const reorg_fields[] = {
	"date", "--on",
	"unit", NULL,
	"sources", NULL,
	"parts", "--part",
	"into.code", "--into-new",
	"into.name", "--name",
	"into.kind", "--kind",
	"into.parent", "--parent",
	"unit_kind", "--kind",
	NULL,
};

typedef int (*reorg_build_fn)(struct cli_ctx *c, struct reorg_args *a,
			      struct reorg_req *r, struct reorg_mem *m);

static void print_event(json_t *ev, int dry_run)
{
	json_t *u;
	size_t i;
	if (dry_run) {
		printf("dry run, nothing was changed: ");
	} else {
		printf("event #%lld: ", (long long)cli_jint(ev, "id"));
	}
	printf("%s on %s, decision %s\n", cli_jstr(ev, "kind"),
	       cli_jstr(ev, "date"), cli_jstr(ev, "decision"));
	json_array_foreach(json_object_get(ev, "units"), i, u) {
		const char *name = cli_jstr(u, "name");
		printf("  %-10s %s%s%s\n", cli_jstr(u, "role"),
		       cli_jstr(u, "code"), name[0] ? "  " : "", name);
	}
}

static int reorg_run(const struct cli_spec *spec, reorg_build_fn build,
		     struct reorg_args *a, int argc, char **argv)
{
	struct reorg_mem m;
	struct reorg_req r;
	struct cli_ctx c;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int64_t event_id = 0;
	int rc, i;
	memset(&m, 0, sizeof m);
	rc = cli_parse(spec, argc, argv, &a->pos);
	if (rc == CLI_OK && (rc = cli_check_date(a->on, "on")) == CLI_OK &&
	    (rc = cli_open(&c, a->url, a->as, 0)) == CLI_OK) {
		memset(&r, 0, sizeof r);
		r.date = a->on;
		r.decision = a->decision;
		r.note = a->note;
		r.rev = a->rev;
		r.created.share = -1;
		rc = build(&c, a, &r, &m);
		if (rc == CLI_OK &&
		    org_reorg(&c.cx, &r, a->dry_run, &out, &event_id, &e) < 0) {
			rc = cli_fail(spec, &e);
		} else if (rc == CLI_OK && a->json) {
			cli_json_print(out);
		} else if (rc == CLI_OK) {
			json_t *pv = json_object_get(out, "preview");
			print_event(json_object_get(out, "event"), a->dry_run);
			if (a->dry_run && json_object_get(pv, "root")) {
				printf("preview as of %s:\n",
				       cli_jstr(pv, "as_of"));
				cli_tree_print(json_object_get(pv, "root"), 1);
			}
		}
		json_decref(out);
		cli_close(&c);
	}
	if (m.part_text) {
		for (i = 0; i < a->parts.n; i++) {
			free(m.part_text[i]);
		}
	}
	free(m.ids);
	free(m.parts);
	free(m.part_text);
	free(m.assign_child);
	free(m.assign_part);
	cli_list_free(&a->pos);
	cli_list_free(&a->parts);
	cli_list_free(&a->assign);
	return rc < 0 ? CLI_OK : rc;
}

static int build_create(struct cli_ctx *c, struct reorg_args *a,
			struct reorg_req *r, struct reorg_mem *m)
{
	(void)m;
	r->kind = REORG_CREATE;
	r->created.code = a->code;
	r->created.name = a->name;
	r->created.kind = a->kind;
	return cli_unit_id(c, a->parent, "parent", &r->created.parent);
}

static int build_rename(struct cli_ctx *c, struct reorg_args *a,
			struct reorg_req *r, struct reorg_mem *m)
{
	(void)m;
	r->kind = REORG_RENAME;
	r->name = a->name;
	return cli_unit_id(c, a->pos.v[0], NULL, &r->unit);
}

static int build_move(struct cli_ctx *c, struct reorg_args *a,
		      struct reorg_req *r, struct reorg_mem *m)
{
	int rc;
	(void)m;
	r->kind = REORG_MOVE;
	if ((rc = cli_unit_id(c, a->pos.v[0], NULL, &r->unit)) != CLI_OK) {
		return rc;
	}
	return cli_unit_id(c, a->parent, "parent", &r->parent);
}

static int build_dissolve(struct cli_ctx *c, struct reorg_args *a,
			  struct reorg_req *r, struct reorg_mem *m)
{
	(void)m;
	r->kind = REORG_DISSOLVE;
	return cli_unit_id(c, a->pos.v[0], NULL, &r->unit);
}

static int build_merge(struct cli_ctx *c, struct reorg_args *a,
		       struct reorg_req *r, struct reorg_mem *m)
{
	int i, rc;
	r->kind = REORG_MERGE;
	if (!a->into == !a->into_new) {
		return cli_errorf(CLI_USAGE, "reorg merge: give either --into "
					     "CODE or --into-new CODE");
	}
	if (a->into && (a->name || a->kind || a->parent)) {
		return cli_errorf(CLI_USAGE, "reorg merge: --name, --kind and "
					     "--parent go with --into-new");
	}
	if (a->into_new && (!a->name || !a->kind)) {
		return cli_errorf(CLI_USAGE, "reorg merge: --into-new needs "
					     "--name and --kind");
	}
	m->ids = calloc((size_t)a->pos.n, sizeof *m->ids);
	if (!m->ids) {
		return cli_errorf(CLI_FAIL, "out of memory");
	}
	for (i = 0; i < a->pos.n; i++) {
		if ((rc = cli_unit_id(c, a->pos.v[i], NULL, &m->ids[i]))) {
			return rc;
		}
	}
	r->n_sources = a->pos.n;
	r->sources = m->ids;
	if (a->into) {
		return cli_unit_id(c, a->into, "into", &r->into);
	}
	r->created.code = a->into_new;
	r->created.name = a->name;
	r->created.kind = a->kind;
	if (a->parent) {
		return cli_unit_id(c, a->parent, "parent", &r->created.parent);
	}
	return CLI_OK;
}

/* "CODE:NAME[:KIND[:SHARE]]" into p; the strings live in `text`. */
static int parse_part(char *text, struct reorg_new_unit *p)
{
	char *f[4] = {NULL, NULL, NULL, NULL}, *s = text, *end;
	int n = 0;
	while (n < 4) {
		f[n++] = s;
		s = strchr(s, ':');
		if (!s) {
			break;
		}
		*s++ = 0;
	}
	if (s || n < 2 || !f[0][0] || !f[1][0]) {
		return -1;
	}
	p->code = f[0];
	p->name = f[1];
	p->kind = f[2] && f[2][0] ? f[2] : NULL;
	p->share = -1;
	if (f[3] && f[3][0]) {
		errno = 0;
		p->share = strtod(f[3], &end);
		if (errno || *end || p->share < 0) {
			return -1;
		}
	}
	return 0;
}

/* A part given without KIND takes the kind of the unit being split. */
static int subject_kind(struct cli_ctx *c, const struct reorg_req *r,
			struct reorg_mem *m)
{
	struct err e = ERR_INIT;
	json_t *u = NULL;
	if (m->kind[0]) {
		return CLI_OK;
	}
	if (org_unit_get(&c->cx, r->unit, r->date, &u, &e) < 0) {
		return cli_fail(NULL, &e);
	}
	snprintf(m->kind, sizeof m->kind, "%s", cli_jstr(u, "kind"));
	json_decref(u);
	return CLI_OK;
}

static int build_split(struct cli_ctx *c, struct reorg_args *a,
		       struct reorg_req *r, struct reorg_mem *m)
{
	int i, rc;
	r->kind = REORG_SPLIT;
	if ((rc = cli_unit_id(c, a->pos.v[0], NULL, &r->unit)) != CLI_OK) {
		return rc;
	}
	m->parts = calloc((size_t)a->parts.n, sizeof *m->parts);
	m->part_text = calloc((size_t)a->parts.n, sizeof *m->part_text);
	m->assign_child = calloc((size_t)a->assign.n + 1, sizeof *m->assign_child);
	m->assign_part = calloc((size_t)a->assign.n + 1, sizeof *m->assign_part);
	if (!m->parts || !m->part_text || !m->assign_child || !m->assign_part) {
		return cli_errorf(CLI_FAIL, "out of memory");
	}
	for (i = 0; i < a->parts.n; i++) {
		m->part_text[i] = strdup(a->parts.v[i]);
		if (!m->part_text[i] || parse_part(m->part_text[i], &m->parts[i])) {
			return cli_errorf(CLI_USAGE, "--part: expected "
				"CODE:NAME[:KIND[:SHARE]], got \"%s\"",
				a->parts.v[i]);
		}
	}
	for (i = 0; i < a->parts.n; i++) {
		if (!m->parts[i].kind) {
			if ((rc = subject_kind(c, r, m)) != CLI_OK) {
				return rc;
			}
			m->parts[i].kind = m->kind;
		}
	}
	r->n_parts = a->parts.n;
	r->parts = m->parts;
	for (i = 0; i < a->assign.n; i++) {
		const char *eq = strrchr(a->assign.v[i], '=');
		char child[ORG_CODE_MAX + 8], *end;
		long k;
		if (!eq || eq == a->assign.v[i] ||
		    (size_t)(eq - a->assign.v[i]) >= sizeof child) {
			return cli_errorf(CLI_USAGE, "--assign: expected "
				"CHILD=PARTINDEX, got \"%s\"", a->assign.v[i]);
		}
		memcpy(child, a->assign.v[i], (size_t)(eq - a->assign.v[i]));
		child[eq - a->assign.v[i]] = 0;
		errno = 0;
		k = strtol(eq + 1, &end, 10);
		if (errno || end == eq + 1 || *end || k < 0 || k >= a->parts.n) {
			return cli_errorf(CLI_USAGE, "--assign: part index must "
				"be 0..%d, got \"%s\"", a->parts.n - 1, eq + 1);
		}
		if ((rc = cli_unit_id(c, child, "assign", &m->assign_child[i]))) {
			return rc;
		}
		m->assign_part[i] = (int)k;
	}
	r->n_assign = a->assign.n;
	r->assign_child = m->assign_child;
	r->assign_part = m->assign_part;
	return CLI_OK;
}

static int reorg_create(int argc, char **argv)
{
	struct reorg_args a = {0};
	const struct cli_opt opts[] = {
		{"code", CLI_STR, &a.code, "CODE", "the new unit's code", 1},
		{"name", CLI_STR, &a.name, "NAME", "its name", 1},
		{"kind", CLI_STR, &a.kind, "KIND", "its kind (see the kind "
		 "catalogue: province, commune, …)", 1},
		{"parent", CLI_STR, &a.parent, "CODE", "the unit it belongs "
		 "under", 1},
		REORG_COMMON(&a), CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"reorg create", "cadre reorg create --code C --name N --kind K "
		"--parent CODE --on DATE --decision TEXT [--note TEXT] "
		"[--dry-run] [--json] [--as LOGIN]",
		"Create a unit, from the given date on.", opts, 0, 0,
		reorg_fields,
	};
	return reorg_run(&spec, build_create, &a, argc, argv);
}

static int reorg_rename(int argc, char **argv)
{
	struct reorg_args a = {0};
	const struct cli_opt opts[] = {
		{"name", CLI_STR, &a.name, "NAME", "the new name", 1},
		REORG_REV(&a), REORG_COMMON(&a), CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"reorg rename", "cadre reorg rename CODE --name N --on DATE "
		"--decision TEXT [--note TEXT] [--rev N] [--dry-run] [--json] "
		"[--as LOGIN]",
		"Rename a unit from the given date on; it keeps its code and "
		"its history.", opts, 1, 1, reorg_fields,
	};
	return reorg_run(&spec, build_rename, &a, argc, argv);
}

static int reorg_move(int argc, char **argv)
{
	struct reorg_args a = {0};
	const struct cli_opt opts[] = {
		{"parent", CLI_STR, &a.parent, "CODE", "the new parent (not "
		 "the unit itself nor one below it)", 1},
		REORG_REV(&a), REORG_COMMON(&a), CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"reorg move", "cadre reorg move CODE --parent CODE --on DATE "
		"--decision TEXT [--note TEXT] [--rev N] [--dry-run] [--json] "
		"[--as LOGIN]",
		"Move a unit, with everything below it, under another parent.",
		opts, 1, 1, reorg_fields,
	};
	return reorg_run(&spec, build_move, &a, argc, argv);
}

static int reorg_merge(int argc, char **argv)
{
	struct reorg_args a = {0};
	const struct cli_opt opts[] = {
		{"into", CLI_STR, &a.into, "CODE", "an existing unit that "
		 "absorbs the sources", 0},
		{"into-new", CLI_STR, &a.into_new, "CODE", "or the code of a "
		 "new unit formed by the merger", 0},
		{"name", CLI_STR, &a.name, "NAME", "with --into-new: its name",
		 0},
		{"kind", CLI_STR, &a.kind, "KIND", "with --into-new: its kind",
		 0},
		{"parent", CLI_STR, &a.parent, "CODE", "with --into-new: its "
		 "parent (default: the sources' parent)", 0},
		REORG_COMMON(&a), CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"reorg merge", "cadre reorg merge CODE… (--into CODE | "
		"--into-new CODE --name N --kind K [--parent CODE]) --on DATE "
		"--decision TEXT [--note TEXT] [--dry-run] [--json] [--as LOGIN]",
		"Merge units into one.  From --on the sources no longer exist; "
		"their children\nmove under the successor, and lineage links "
		"record where they went.", opts, 1, -1, reorg_fields,
	};
	return reorg_run(&spec, build_merge, &a, argc, argv);
}

static int reorg_split(int argc, char **argv)
{
	struct reorg_args a = {0};
	const struct cli_opt opts[] = {
		{"part", CLI_LIST, &a.parts, "CODE:NAME[:KIND[:SHARE]]",
		 "a new unit (at least two; KIND defaults to the unit's, SHARE "
		 "0..1)", 1},
		{"assign", CLI_LIST, &a.assign, "CHILD=PARTINDEX",
		 "put this child under part PARTINDEX (0-based; default 0)", 0},
		REORG_REV(&a), REORG_COMMON(&a), CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"reorg split", "cadre reorg split CODE --part CODE:NAME[:KIND"
		"[:SHARE]] --part … [--assign CHILD=PARTINDEX …] --on DATE "
		"--decision TEXT [--note TEXT] [--rev N] [--dry-run] [--json] "
		"[--as LOGIN]",
		"Split a unit into new ones; from --on it no longer exists.",
		opts, 1, 1, reorg_fields,
	};
	return reorg_run(&spec, build_split, &a, argc, argv);
}

static int reorg_dissolve(int argc, char **argv)
{
	struct reorg_args a = {0};
	const struct cli_opt opts[] = {
		REORG_REV(&a), REORG_COMMON(&a), CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"reorg dissolve", "cadre reorg dissolve CODE --on DATE "
		"--decision TEXT [--note TEXT] [--rev N] [--dry-run] [--json] "
		"[--as LOGIN]",
		"Dissolve a unit (refused while units remain under it).",
		opts, 1, 1, reorg_fields,
	};
	return reorg_run(&spec, build_dissolve, &a, argc, argv);
}

static const struct cli_cmd reorg_cmds[] = {
	{"create", reorg_create, "create a unit"},
	{"rename", reorg_rename, "rename a unit"},
	{"move", reorg_move, "move a unit under another parent"},
	{"merge", reorg_merge, "merge units into an existing or a new one"},
	{"split", reorg_split, "split a unit into new ones"},
	{"dissolve", reorg_dissolve, "dissolve a unit"},
	{NULL, NULL, NULL},
};

int cmd_reorg(int argc, char **argv)
{
	return cli_group("reorg", reorg_cmds, argc, argv);
}
