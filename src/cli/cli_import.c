/*
 * cli_import.c — `cadre import members FILE …` and `cadre export members
 * …`: bulk member records in and out.  Parses the command line, resolves
 * unit codes, calls import_members / member_export and prints; the checks,
 * the transaction and the audit entry are the domain's.  The export writes
 * through the report writer, which neutralizes formula injection.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/import.h"
#include "domain/member.h"
#include "domain/org.h"
#include "report/table_write.h"

int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);

static const char *const import_fields[] = {
	"file", NULL,
	"unit_id", "--unit",
	"as_of", "--as-of",
	NULL,
};

static void on_message(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "cadre: %s\n", msg);
}

static void on_progress(void *arg, long rows)
{
	(void)arg;
	fprintf(stderr, "\r%ld rows…", rows);
	fflush(stderr);
}

static void print_result(const struct import_result *r, const char *file,
			 const struct import_opts *o, int rc)
{
	if (isatty(2) && r->rows >= 8192) {
		fputc('\n', stderr);
	}
	printf("%s%s: %ld rows, %ld valid, %ld rejected (quality %.2f %%)\n",
	       o->dry_run ? "dry run, nothing was written: " : "", file, r->rows, r->valid,
	       r->rejected, r->quality_pct);
	if (rc == 0) {
		printf("%ld inserted, %ld updated, %ld unchanged", r->inserted, r->updated,
		       r->unchanged);
		if (r->job_id) {
			printf("; import job #%lld", (long long)r->job_id);
		}
		printf("\nsha256 %s\n", r->sha256);
	}
	if (o->reject_path) {
		printf("rejected rows: %s\n", o->reject_path);
	}
}

static int import_members_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *org = NULL, *unit = NULL, *rejects = NULL;
	int dry_run = 0, skip = 0, json = 0, max = 20;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"org", CLI_STR, &org, "KIND",
		 "the organization: party, youth, women, farmers, veterans, labour", 1},
		{"unit", CLI_STR, &unit, "CODE", "the unit of rows that name none", 0},
		{"dry-run", CLI_BOOL, &dry_run, NULL,
		 "check everything and count, then write nothing", 0},
		{"skip-invalid", CLI_BOOL, &skip, NULL,
		 "load the valid rows and reject the others (default: all or nothing)", 0},
		{"reject-file", CLI_STR, &rejects, "PATH",
		 "write the rejected rows, with line numbers and reasons, to this CSV", 0},
		{"max-errors", CLI_INT, &max, "N", "print at most N problems (default 20)", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"import members",
		"cadre import members FILE --db PATH --org KIND [--unit CODE] [--dry-run] "
		"[--skip-invalid] [--reject-file PATH] [--json] [--as LOGIN]",
		"Import member records from a CSV (UTF-8, comma or semicolon) or XLSX file,\n"
		"with column headers in Vietnamese or English.  Rows are matched by citizen\n"
		"ID, so importing a file again changes nothing.  The file is one transaction:\n"
		"by default any row with an error means nothing is imported (the first\n"
		"problems are printed as FILE:LINE: field: message [rule]); --skip-invalid\n"
		"loads the valid rows and writes the others to --reject-file.\n"
		"With --json the last thing printed is one JSON object with rows, valid,\n"
		"rejected, quality_pct, inserted, updated and unchanged.",
		opts, 1, 1, import_fields,
	};
	struct cli_list pos = {NULL, 0};
	struct import_opts o;
	struct import_result r;
	struct cli_ctx c;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, &pos);
	memset(&o, 0, sizeof o);
	o.path = pos.v[0];
	o.org = org;
	o.dry_run = dry_run;
	o.skip_invalid = skip;
	o.reject_path = rejects;
	o.max_messages = max > 0 ? max : 20;
	o.on_message = on_message;
	o.on_progress = isatty(2) ? on_progress : NULL;
	if ((rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		cli_list_free(&pos);
		return rc;
	}
	if (!unit || (rc = cli_unit_id(&c, unit, "unit", &o.unit_id)) == CLI_OK) {
		int r2 = import_members(&c.cx, &o, &r, &out, &e);
		if (json) {
			if (r2 < 0) {
				cli_fail(&spec, &e);
			}
			cli_json_print(out);
		} else {
			print_result(&r, o.path, &o, r2);
			if (r2 < 0) {
				cli_fail(&spec, &e);
			}
		}
		rc = r2 < 0 ? CLI_FAIL : CLI_OK;
	}
	json_decref(out);
	cli_close(&c);
	cli_list_free(&pos);
	return rc;
}

static const struct cli_cmd import_cmds[] = {
	{"members", import_members_cmd, "member records from a CSV or XLSX file"},
	{NULL, NULL, NULL},
};

int cmd_import(int argc, char **argv)
{
	return cli_group("import", import_cmds, argc, argv);
}

/* ---- export ---- */

struct export_sink {
	struct table_writer *w;
};

static int export_row(void *arg, const char *const *cells, struct err *e)
{
	struct export_sink *s = arg;
	return table_writer_row(s->w, MEMBER_EXPORT_NCOL, cells, e);
}

static int export_members_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *org = NULL, *unit = NULL, *status = NULL;
	const char *as_of = NULL, *format = NULL, *path = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"org", CLI_STR, &org, "KIND", "the organization (party, youth, …)", 1},
		{"unit", CLI_STR, &unit, "CODE",
		 "only this unit's subtree, through history (default: your whole scope)", 0},
		{"status", CLI_STR, &status, "S",
		 "only memberships with this status (active, suspended, left, expelled, dead)",
		 0},
		{"as-of", CLI_STR, &as_of, "YYYY-MM-DD",
		 "the members counted on this date, in their unit of that day", 0},
		{"format", CLI_STR, &format, "csv|xlsx", "the file format", 1},
		{"out", CLI_STR, &path, "FILE", "the file to write", 1},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"export members",
		"cadre export members --db PATH --org KIND [--unit CODE] [--status S] "
		"[--as-of DATE] --format csv|xlsx --out FILE [--as LOGIN]",
		"Export a member list as CSV (UTF-8 with BOM) or XLSX.  Cells that a\n"
		"spreadsheet would run as formulas (=, +, -, @) are neutralized.",
		opts, 0, 0, import_fields,
	};
	struct member_export_query q;
	struct export_sink sink = {NULL};
	enum table_format fmt;
	struct cli_ctx c;
	struct err e = ERR_INIT;
	long rows = 0;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if (table_format_parse(format, &fmt, "format", &e) < 0) {
		return cli_errorf(CLI_USAGE, "--format: %s", e.msg);
	}
	if ((rc = cli_check_date(as_of, "as-of")) != CLI_OK ||
	    (rc = cli_open(&c, url, as, 0)) != CLI_OK) {
		return rc;
	}
	memset(&q, 0, sizeof q);
	q.org = org;
	q.status = status;
	q.as_of = as_of;
	if (unit && (rc = cli_unit_id(&c, unit, "unit", &q.unit_id)) != CLI_OK) {
		cli_close(&c);
		return rc;
	}
	if (table_writer_open(path, NULL, fmt, "members", &sink.w, &e) < 0 ||
	    table_writer_header(sink.w, MEMBER_EXPORT_NCOL, member_export_header, &e) < 0) {
		if (sink.w) {
			table_writer_abort(sink.w);
		}
		cli_close(&c);
		return cli_errorf(CLI_FAIL, "--out: %s", e.msg);
	}
	if (member_export(&c.cx, &q, export_row, &sink, &rows, &e) < 0) {
		table_writer_abort(sink.w);
		rc = cli_fail(&spec, &e);
	} else if (table_writer_close(sink.w, &e) < 0) {
		rc = cli_errorf(CLI_FAIL, "--out: %s", e.msg);
	} else {
		printf("%ld member%s of %s written to %s\n", rows, rows == 1 ? "" : "s", org, path);
	}
	cli_close(&c);
	return rc;
}

static const struct cli_cmd export_cmds[] = {
	{"members", export_members_cmd, "a member list as CSV or XLSX"},
	{NULL, NULL, NULL},
};

int cmd_export(int argc, char **argv)
{
	return cli_group("export", export_cmds, argc, argv);
}
