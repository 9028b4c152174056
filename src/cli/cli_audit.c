/*
 * cli_audit.c — `cadre audit verify|list`: recompute the tamper-evident
 * chain (exit 0 when intact, 1 naming the first bad row otherwise) and read
 * the log newest first.  The chain's rules live in domain/audit.c; this
 * file only asks and prints.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "cli/cli.h"
#include "domain/audit.h"
#include "domain/auth.h"

static const char *const audit_fields[] = {
	"from_ms", "--from",
	"to_ms", "--to",
	"unit_id", "--unit",
	NULL,
};

static int audit_verify_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"audit verify", "cadre audit verify --db PATH [--as LOGIN]",
		"Recompute every hash of the audit chain.  Exit status 0 when "
		"it is intact;\n1 when a row was altered, removed or inserted "
		"(the first bad row is named).",
		opts, 0, 0, audit_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int64_t rows = 0, bad = 0;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	/* audit_verify takes the db, not a cx: ask the one permission check
	 * first so that --as means the same here as everywhere. */
	if (as && auth_may(&c.cx, ACT_AUDIT_READ, 0, &e) < 0) {
		rc = cli_fail(&spec, &e);
	} else if (audit_verify(c.db, &rows, &bad, &e) == 0) {
		printf("audit chain intact: %lld entr%s\n", (long long)rows,
		       rows == 1 ? "y" : "ies");
	} else if (bad > 0) {
		rc = cli_errorf(CLI_FAIL, "audit chain broken at row %lld: %s",
				(long long)bad, e.msg);
	} else {
		rc = cli_fail(&spec, &e);
	}
	cli_close(&c);
	return rc;
}

static int list_page(struct cli_ctx *c, void *arg, int limit, int offset,
		     json_t **out, struct err *e)
{
	struct audit_filter f = *(const struct audit_filter *)arg;
	f.limit = limit;
	f.offset = offset;
	return audit_list(&c->cx, &f, out, e);
}

/* Midnight UTC at the start of `date` (+1 day when `next`), in ms. */
static int64_t date_ms(const char *date, int next)
{
	struct date d;
	if (date_parse(date, &d, "", NULL) < 0) {
		return 0;
	}
	return (date_to_days(d) + (next ? 1 : 0)) * 86400000;
}

static void print_entries(json_t *items)
{
	static const char *const head[] = {"ID", "TIME", "ACTOR", "ACTION",
					   "OBJECT", "UNIT"};
	struct cli_table t;
	json_t *a, *ts;
	size_t i;
	cli_table_init(&t, 6, head);
	json_array_foreach(items, i, a) {
		char id[24], when[32], obj[160], unit[24] = "";
		const char *row[6];
		snprintf(id, sizeof id, "%lld", (long long)cli_jint(a, "id"));
		ts = json_object_get(a, "ts");
		if (json_is_integer(ts)) {
			time_format_ms((int64_t)json_integer_value(ts), when);
		} else {
			snprintf(when, sizeof when, "%s", cli_jstr(a, "ts"));
		}
		snprintf(obj, sizeof obj, "%s %s", cli_jstr(a, "object_type"),
			 cli_jstr(a, "object_id"));
		if (cli_jint(a, "unit_id")) {
			snprintf(unit, sizeof unit, "%lld",
				 (long long)cli_jint(a, "unit_id"));
		}
		row[0] = id;
		row[1] = when;
		row[2] = cli_jstr(a, "actor");
		row[3] = cli_jstr(a, "action");
		row[4] = obj;
		row[5] = unit;
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
}

static int audit_list_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *actor = NULL, *action = NULL,
		   *unit = NULL, *from = NULL, *to = NULL;
	int limit = 50, json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"actor", CLI_STR, &actor, "LOGIN", "only entries by this login",
		 0},
		{"action", CLI_STR, &action, "ACTION",
		 "only this action, e.g. reorg.merge", 0},
		{"unit", CLI_STR, &unit, "CODE", "only entries tied to this unit",
		 0},
		{"from", CLI_STR, &from, "YYYY-MM-DD", "from this day (UTC)", 0},
		{"to", CLI_STR, &to, "YYYY-MM-DD",
		 "up to and including this day (UTC)", 0},
		{"limit", CLI_INT, &limit, "N",
		 "at most N entries, newest first (default 50; 0 = all)", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"audit list",
		"cadre audit list --db PATH [--actor L] [--action A] [--unit "
		"CODE] [--from DATE] [--to DATE] [--limit N] [--json] "
		"[--as LOGIN]",
		"Read the audit log, newest first.  --json includes each "
		"change and its hashes.",
		opts, 0, 0, audit_fields,
	};
	struct audit_filter f;
	struct cli_ctx c;
	struct err e = ERR_INIT;
	json_t *items = NULL;
	int64_t total;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if (limit < 0) {
		return cli_errorf(CLI_USAGE, "--limit: must be 0 or more");
	}
	if ((rc = cli_check_date(from, "from")) != CLI_OK ||
	    (rc = cli_check_date(to, "to")) != CLI_OK) {
		return rc;
	}
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	memset(&f, 0, sizeof f);
	f.actor = actor;
	f.action = action;
	f.from_ms = from ? date_ms(from, 0) : 0;
	f.to_ms = to ? date_ms(to, 1) : 0;
	if (unit) {
		rc = cli_unit_id(&c, unit, "unit", &f.unit_id);
	}
	if (rc == CLI_OK &&
	    cli_collect(&c, list_page, &f, limit, &items, &total, &e) < 0) {
		rc = cli_fail(&spec, &e);
	}
	if (rc == CLI_OK && json) {
		json_t *o = json_pack("{s:O,s:I}", "items", items, "total",
				      (json_int_t)total);
		cli_json_print(o);
		json_decref(o);
	} else if (rc == CLI_OK) {
		print_entries(items);
		printf("%zu of %lld entr%s\n", json_array_size(items),
		       (long long)total, total == 1 ? "y" : "ies");
	}
	json_decref(items);
	cli_close(&c);
	return rc;
}

static const struct cli_cmd audit_cmds[] = {
	{"verify", audit_verify_cmd, "recompute the hash chain"},
	{"list", audit_list_cmd, "read the log, newest first"},
	{NULL, NULL, NULL},
};

int cmd_audit(int argc, char **argv)
{
	return cli_group("audit", audit_cmds, argc, argv);
}
