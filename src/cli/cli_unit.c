/*
 * cli_unit.c — `cadre unit tree|show|search`: the organization as of a date,
 * one unit's path, versions, events and lineage, and the diacritic-blind
 * search.  Read-only; every read goes through the domain's read models
 * (org_unit_tree, org_unit_list, org_unit_get, org_unit_lineage), which
 * check the actor's scope.  Also the tree printer reused by `cadre reorg`.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "cli/cli.h"
#include "domain/org.h"

static const char *const unit_fields[] = {
	"as_of", "--as-of",
	"depth", "--depth",
	"id", NULL,
	NULL,
};

void cli_tree_print(json_t *node, int depth)
{
	json_t *kids = json_object_get(node, "children_list"), *k;
	int64_t n = cli_jint(node, "children");
	size_t i;
	printf("%*s%s  %s  [%s]", depth * 2, "", cli_jstr(node, "code"),
	       cli_jstr(node, "name"), cli_jstr(node, "kind"));
	if (!kids && n > 0) {
		printf("  (+%lld)", (long long)n);
	}
	putchar('\n');
	json_array_foreach(kids, i, k) {
		cli_tree_print(k, depth + 1);
	}
}

/* A list of units as a table: code, name, kind, parent, since. */
static void units_table(json_t *items)
{
	static const char *const head[] = {"CODE", "NAME", "KIND", "PARENT",
					   "SINCE"};
	struct cli_table t;
	json_t *u;
	size_t i;
	cli_table_init(&t, 5, head);
	json_array_foreach(items, i, u) {
		const char *row[5];
		row[0] = cli_jstr(u, "code");
		row[1] = cli_jstr(u, "name");
		row[2] = cli_jstr(u, "kind");
		row[3] = cli_jstr(u, "parent_code");
		row[4] = cli_jstr(u, "valid_from");
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
}

static int list_page(struct cli_ctx *c, void *arg, int limit, int offset,
		     json_t **out, struct err *e)
{
	struct org_list_query q = *(const struct org_list_query *)arg;
	q.limit = limit;
	q.offset = offset;
	return org_unit_list(&c->cx, &q, out, e);
}

/* Keep only the items inside the subtree of `root` as of the date. */
static int keep_subtree(struct cli_ctx *c, const char *as_of, int64_t root,
			const char *root_code, json_t *items)
{
	struct org_tree *t = NULL;
	struct err e = ERR_INIT;
	size_t i = 0;
	int r;
	if (org_tree_get(&c->cx, as_of, &t, &e) < 0) {
		return cli_fail(NULL, &e);
	}
	r = org_tree_find(t, root);
	if (r < 0) {
		org_tree_release(t);
		return cli_errorf(CLI_FAIL, "--root: unit %s does not exist "
					    "as of %s", root_code, as_of);
	}
	while (i < json_array_size(items)) {
		int k = org_tree_find(t, cli_jint(json_array_get(items, i), "id"));
		if (k >= r && k < t->nodes[r].end) {
			i++;
		} else {
			json_array_remove(items, i);
		}
	}
	org_tree_release(t);
	return CLI_OK;
}

static int list_kind(struct cli_ctx *c, const struct cli_spec *spec,
		     const char *as_of, const char *kind, const char *root_code,
		     int json)
{
	struct org_list_query q;
	struct err e = ERR_INIT;
	json_t *items = NULL;
	int64_t total, root = 0;
	int rc = CLI_OK;
	memset(&q, 0, sizeof q);
	q.as_of = as_of;
	q.kind = kind;
	if (root_code && (rc = cli_unit_id(c, root_code, "root", &root))) {
		return rc;
	}
	if (cli_collect(c, list_page, &q, 0, &items, &total, &e) < 0) {
		return cli_fail(spec, &e);
	}
	if (root) {
		rc = keep_subtree(c, as_of, root, root_code, items);
	}
	if (rc == CLI_OK && json) {
		json_t *o = json_pack("{s:s,s:s,s:O,s:I}", "as_of", as_of,
				      "kind", kind, "items", items, "total",
				      (json_int_t)json_array_size(items));
		cli_json_print(o);
		json_decref(o);
	} else if (rc == CLI_OK) {
		units_table(items);
		printf("%zu unit%s of kind %s%s%s as of %s\n",
		       json_array_size(items),
		       json_array_size(items) == 1 ? "" : "s", kind,
		       root_code ? " under " : "", root_code ? root_code : "",
		       as_of);
	}
	json_decref(items);
	return rc;
}

/* The ids to draw when no --root is given: the actor's own unit, or every
 * root of the tree as of the date.  Returns how many (≤ max) or -1. */
static int default_roots(struct cli_ctx *c, const char *as_of, int64_t *ids,
			 int max)
{
	struct org_tree *t = NULL;
	struct err e = ERR_INIT;
	int i, n = 0;
	if (c->cx.actor.unit_id) {
		ids[0] = c->cx.actor.unit_id;
		return 1;
	}
	if (org_tree_get(&c->cx, as_of, &t, &e) < 0) {
		cli_fail(NULL, &e);
		return -1;
	}
	for (i = 0; i < t->n && n < max; i = t->nodes[i].end) {
		ids[n++] = t->nodes[i].id;
	}
	org_tree_release(t);
	return n;
}

static int unit_tree_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *as_of = NULL, *root = NULL,
		   *kind = NULL;
	int depth = 1, json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"as-of", CLI_STR, &as_of, "YYYY-MM-DD",
		 "the structure in force on this date (default: today)", 0},
		{"root", CLI_STR, &root, "CODE",
		 "draw the subtree of this unit (default: the whole tree, or "
		 "the scope of --as)", 0},
		{"depth", CLI_INT, &depth, "N",
		 "levels shown below the root, 0..64 (default 1); (+N) counts "
		 "the hidden children", 0},
		{"kind", CLI_STR, &kind, "KIND",
		 "instead of a tree, list the units of this kind under the root",
		 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"unit tree",
		"cadre unit tree --db PATH [--as-of YYYY-MM-DD] [--root CODE] "
		"[--depth N] [--kind KIND] [--json] [--as LOGIN]",
		"Draw the organization as it stood on a date: one line per unit "
		"(code, name,\n[kind]), indented by level.",
		opts, 0, 0, unit_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	char today[11];
	int64_t ids[16];
	int i, n, rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_check_date(as_of, "as-of")) != CLI_OK) {
		return rc;
	}
	if (!as_of) {
		date_today(today);
		as_of = today;
	}
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	if (kind) {
		rc = list_kind(&c, &spec, as_of, kind, root, json);
		cli_close(&c);
		return rc;
	}
	if (root) {
		n = cli_unit_id(&c, root, "root", &ids[0]) == CLI_OK ? 1 : -1;
	} else {
		n = default_roots(&c, as_of, ids, 16);
	}
	if (n == 0) {
		printf("no units as of %s\n", as_of);
	}
	for (i = 0; i < n; i++) {
		json_t *out = NULL;
		if (org_unit_tree(&c.cx, ids[i], as_of, depth, &out, &e) < 0) {
			rc = cli_fail(&spec, &e);
			break;
		}
		if (json) {
			cli_json_print(out);
		} else {
			cli_tree_print(json_object_get(out, "root"), 0);
			printf("%lld unit%s in this tree as of %s\n",
			       (long long)cli_jint(out, "count"),
			       cli_jint(out, "count") == 1 ? "" : "s",
			       cli_jstr(out, "as_of"));
		}
		json_decref(out);
	}
	cli_close(&c);
	return n < 0 ? CLI_FAIL : rc;
}

static void show_text(json_t *u, json_t *lin, const char *as_of);

static int unit_show_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *as_of = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"as-of", CLI_STR, &as_of, "YYYY-MM-DD",
		 "the date for the path and the active flag (default: today)", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"unit show",
		"cadre unit show CODE --db PATH [--as-of DATE] [--json] "
		"[--as LOGIN]",
		"Show one unit: its path from the root, every version (name, "
		"parent, dates),\nthe events that touched it, and its "
		"predecessors and successors.",
		opts, 1, 1, unit_fields,
	};
	struct cli_list pos = {NULL, 0};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	json_t *u = NULL, *lin = NULL;
	char today[11];
	int64_t id;
	int rc;
	CLI_PARSE(&spec, argc, argv, &pos);
	if ((rc = cli_check_date(as_of, "as-of")) != CLI_OK) {
		cli_list_free(&pos);
		return rc;
	}
	if (!as_of) {
		date_today(today);
		as_of = today;
	}
	if ((rc = cli_open(&c, url, as, 0)) == CLI_OK &&
	    (rc = cli_unit_id(&c, pos.v[0], NULL, &id)) == CLI_OK) {
		if (org_unit_get(&c.cx, id, as_of, &u, &e) < 0 ||
		    org_unit_lineage(&c.cx, id, &lin, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else if (json) {
			json_object_set(u, "predecessors",
					json_object_get(lin, "predecessors"));
			json_object_set(u, "successors",
					json_object_get(lin, "successors"));
			cli_json_print(u);
		} else {
			show_text(u, lin, as_of);
		}
	}
	json_decref(u);
	json_decref(lin);
	cli_close(&c);
	cli_list_free(&pos);
	return rc;
}

static void show_links(const char *title, json_t *links)
{
	static const char *const head[] = {"  CODE", "NAME", "KIND", "EVENT",
					   "SHARE", "DEPTH"};
	struct cli_table t;
	json_t *l;
	size_t i;
	printf("%s:%s\n", title, json_array_size(links) ? "" : " none");
	if (!json_array_size(links)) {
		return;
	}
	cli_table_init(&t, 6, head);
	json_array_foreach(links, i, l) {
		json_t *un = json_object_get(l, "unit"), *sh;
		char code[64], ev[80], share[32] = "", dep[16];
		const char *row[6];
		snprintf(code, sizeof code, "  %s", cli_jstr(un, "code"));
		snprintf(ev, sizeof ev, "%s %s (#%lld)", cli_jstr(l, "kind"),
			 cli_jstr(l, "date"), (long long)cli_jint(l, "event_id"));
		sh = json_object_get(l, "share");
		if (json_is_number(sh)) {
			snprintf(share, sizeof share, "%.0f%%",
				 json_number_value(sh) * 100);
		}
		snprintf(dep, sizeof dep, "%lld", (long long)cli_jint(l, "depth"));
		row[0] = code;
		row[1] = cli_jstr(un, "name");
		row[2] = cli_jstr(un, "kind");
		row[3] = ev;
		row[4] = share;
		row[5] = dep;
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
}

static void show_text(json_t *u, json_t *lin, const char *as_of)
{
	static const char *const vhead[] = {"  FROM", "TO", "NAME", "PARENT",
					    "EVENT"};
	json_t *p, *v, *ev, *x;
	struct cli_table t;
	size_t i, k;
	printf("%s  %s  [%s]\n", cli_jstr(u, "code"), cli_jstr(u, "name"),
	       cli_jstr(u, "kind"));
	printf("id %lld, revision %lld, %s as of %s\n",
	       (long long)cli_jint(u, "id"), (long long)cli_jint(u, "rev"),
	       json_is_false(json_object_get(u, "active")) ? "NOT active"
							    : "active",
	       as_of);
	printf("path:");
	json_array_foreach(json_object_get(u, "path"), i, p) {
		printf(" %s %s ›", cli_jstr(p, "code"), cli_jstr(p, "name"));
	}
	printf(" %s", cli_jstr(u, "code"));
	printf("\nversions:\n");
	cli_table_init(&t, 5, vhead);
	json_array_foreach(json_object_get(u, "versions"), i, v) {
		char from[16], parent[300], evid[24] = "";
		const char *row[5];
		snprintf(from, sizeof from, "  %s", cli_jstr(v, "valid_from"));
		snprintf(parent, sizeof parent, "%s %s",
			 cli_jstr(v, "parent_code"), cli_jstr(v, "parent_name"));
		if (cli_jint(v, "event_id")) {
			snprintf(evid, sizeof evid, "#%lld",
				 (long long)cli_jint(v, "event_id"));
		}
		row[0] = from;
		row[1] = json_is_string(json_object_get(v, "valid_to"))
				 ? cli_jstr(v, "valid_to")
				 : "(open)";
		row[2] = cli_jstr(v, "name");
		row[3] = parent;
		row[4] = evid;
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
	printf("events:%s\n",
	       json_array_size(json_object_get(lin, "events")) ? "" : " none");
	json_array_foreach(json_object_get(lin, "events"), i, ev) {
		printf("  #%lld %s %s, decision %s%s%s\n",
		       (long long)cli_jint(ev, "id"), cli_jstr(ev, "date"),
		       cli_jstr(ev, "kind"), cli_jstr(ev, "decision"),
		       cli_jstr(ev, "note")[0] ? " — " : "",
		       cli_jstr(ev, "note"));
		json_array_foreach(json_object_get(ev, "units"), k, x) {
			printf("      %-10s %s %s\n", cli_jstr(x, "role"),
			       cli_jstr(x, "code"), cli_jstr(x, "name"));
		}
	}
	show_links("predecessors", json_object_get(lin, "predecessors"));
	show_links("successors", json_object_get(lin, "successors"));
}

static int unit_search_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *as_of = NULL, *kind = NULL;
	int json = 0, limit = 50;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"as-of", CLI_STR, &as_of, "YYYY-MM-DD",
		 "search the units that exist on this date (default: today)", 0},
		{"kind", CLI_STR, &kind, "KIND", "only units of this kind", 0},
		{"limit", CLI_INT, &limit, "N",
		 "show at most N matches (default 50; 0 = all)", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"unit search",
		"cadre unit search TEXT… --db PATH [--as-of DATE] [--kind KIND] "
		"[--limit N] [--json] [--as LOGIN]",
		"Find units by name or code, ignoring case and Vietnamese "
		"diacritics\n(\"dak lak\" finds \"Đắk Lắk\").  Several words are "
		"searched as one phrase.",
		opts, 1, -1, unit_fields,
	};
	struct cli_list pos = {NULL, 0};
	struct org_list_query q;
	struct cli_ctx c;
	struct err e = ERR_INIT;
	char today[11], text[1024] = "";
	json_t *items = NULL;
	int64_t total;
	int i, rc;
	CLI_PARSE(&spec, argc, argv, &pos);
	for (i = 0; i < pos.n; i++) {
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, "%s%s", i ? " " : "",
			 pos.v[i]);
	}
	cli_list_free(&pos);
	if (limit < 0) {
		return cli_errorf(CLI_USAGE, "--limit: must be 0 or more");
	}
	if ((rc = cli_check_date(as_of, "as-of")) != CLI_OK) {
		return rc;
	}
	if (!as_of) {
		date_today(today);
		as_of = today;
	}
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	memset(&q, 0, sizeof q);
	q.as_of = as_of;
	q.kind = kind;
	q.q = text;
	if (cli_collect(&c, list_page, &q, limit, &items, &total, &e) < 0) {
		rc = cli_fail(&spec, &e);
	} else if (json) {
		json_t *o = json_pack("{s:s,s:s,s:O,s:I}", "as_of", as_of, "q",
				      text, "items", items, "total",
				      (json_int_t)total);
		cli_json_print(o);
		json_decref(o);
	} else {
		units_table(items);
		printf("%zu of %lld match%s for \"%s\" as of %s\n",
		       json_array_size(items), (long long)total,
		       total == 1 ? "" : "es", text, as_of);
	}
	json_decref(items);
	cli_close(&c);
	return rc;
}

static const struct cli_cmd unit_cmds[] = {
	{"tree", unit_tree_cmd, "the tree as of a date, or units of one kind"},
	{"show", unit_show_cmd, "one unit: path, versions, events, lineage"},
	{"search", unit_search_cmd, "find units by name or code"},
	{NULL, NULL, NULL},
};

int cmd_unit(int argc, char **argv)
{
	return cli_group("unit", unit_cmds, argc, argv);
}
