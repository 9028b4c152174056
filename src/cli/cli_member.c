/*
 * cli_member.c — `cadre member …`: people and their memberships from the
 * terminal (add, update, show, search, admit, the events, number, delete,
 * stats).  People are named by id or by their 12-digit citizen ID, units
 * by code; everything else — validation, history rules, permissions,
 * audit — is the domain's (member.h, member_stats.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "cli/cli.h"
#include "domain/member.h"
#include "domain/member_stats.h"
#include "domain/org.h"

int cmd_member(int argc, char **argv);

static const char *const member_fields[] = {
	"full_name", "--name",
	"birth_date", "--birth",
	"to_unit", "--to",
	"unit_id", "--unit",
	"person_id", NULL,
	"membership_id", NULL,
	"id", NULL,
	"kind", NULL,
	"structure_as_of", "--structure-as-of",
	"as_of", "--as-of",
	NULL,
};

/* Every value a member subcommand can take. */
struct margs {
	const char *url, *as;
	int json, rev, limit;
	const char *f[MF__COUNT];
	const char *org, *unit, *date, *decision, *number, *official, *note, *to;
	const char *status, *as_of, *structure, *from, *until;
	int breakdowns, children;
	struct cli_list pos;
};

#define PERSON_OPTS(a)                                                         \
	{"name", CLI_STR, &(a)->f[MF_FULL_NAME], "TEXT", "full name", 0},      \
	{"citizen-id", CLI_STR, &(a)->f[MF_CITIZEN_ID], "DIGITS",              \
	 "citizen ID (CCCD), 12 digits", 0},                                   \
	{"gender", CLI_STR, &(a)->f[MF_GENDER], "M|F", "gender (Nam/Nữ too)", 0}, \
	{"birth", CLI_STR, &(a)->f[MF_BIRTH_DATE], "YYYY-MM-DD", "date of birth", 0}, \
	{"ethnicity", CLI_STR, &(a)->f[MF_ETHNICITY], "TEXT", "ethnicity", 0}, \
	{"religion", CLI_STR, &(a)->f[MF_RELIGION], "TEXT", "religion", 0},    \
	{"hometown", CLI_STR, &(a)->f[MF_HOMETOWN], "TEXT", "hometown (old name)", 0}, \
	{"hometown-new", CLI_STR, &(a)->f[MF_HOMETOWN_NEW], "TEXT",            \
	 "hometown (name since 2025)", 0},                                     \
	{"residence", CLI_STR, &(a)->f[MF_RESIDENCE], "TEXT", "residence", 0}, \
	{"phone", CLI_STR, &(a)->f[MF_PHONE], "TEXT", "phone", 0},             \
	{"email", CLI_STR, &(a)->f[MF_EMAIL], "TEXT", "email", 0}

/* A person argument: an id, or 12 digits = a citizen ID. */
static int person_arg(struct cli_ctx *c, const char *s, int64_t *id)
{
	struct err e = ERR_INIT;
	char *end;
	size_t n = strlen(s);
	if (n == 12 && strspn(s, "0123456789") == 12) {
		if (member_person_find(&c->cx, s, id, &e) < 0) {
			return cli_errorf(CLI_FAIL, "%s", e.msg);
		}
		return CLI_OK;
	}
	*id = strtoll(s, &end, 10);
	if (!n || *end || *id <= 0) {
		return cli_errorf(CLI_USAGE, "\"%s\" is neither a person id nor a citizen ID", s);
	}
	return CLI_OK;
}

static int id_arg(const char *s, const char *what, int64_t *id)
{
	char *end;
	*id = strtoll(s, &end, 10);
	if (!*s || *end || *id <= 0) {
		return cli_errorf(CLI_USAGE, "\"%s\" is not a %s id", s, what);
	}
	return CLI_OK;
}

static void print_membership(json_t *m)
{
	json_t *x;
	size_t i;
	printf("  membership #%lld  %s  %s%s%s  status %s  joined %s%s%s  rev %lld\n",
	       (long long)cli_jint(m, "id"), cli_jstr(m, "org"),
	       cli_jstr(json_object_get(m, "unit"), "code"), cli_jstr(m, "number")[0] ? "  card " : "",
	       cli_jstr(m, "number"), cli_jstr(m, "status"), cli_jstr(m, "joined"),
	       cli_jstr(m, "official")[0] ? "  official " : "", cli_jstr(m, "official"),
	       (long long)cli_jint(m, "rev"));
	json_array_foreach(json_object_get(m, "stints"), i, x) {
		const char *to = cli_jstr(x, "to");
		printf("    stint %s … %s  %s %s\n", cli_jstr(x, "from"), to[0] ? to : "now",
		       cli_jstr(json_object_get(x, "unit"), "code"),
		       cli_jstr(json_object_get(x, "unit"), "name"));
	}
	json_array_foreach(json_object_get(m, "events"), i, x) {
		json_t *to = json_object_get(x, "to_unit");
		printf("    %s %-9s decision %s%s%s\n", cli_jstr(x, "date"), cli_jstr(x, "kind"),
		       cli_jstr(x, "decision"), to && !json_is_null(to) ? " → " : "",
		       to && !json_is_null(to) ? cli_jstr(to, "code") : "");
	}
}

static void print_person(json_t *p)
{
	json_t *m;
	size_t i;
	printf("person #%lld  %s  citizen ID %s  %s  born %s  rev %lld\n",
	       (long long)cli_jint(p, "id"), cli_jstr(p, "full_name"),
	       cli_jstr(p, "citizen_id")[0] ? cli_jstr(p, "citizen_id") : "-",
	       cli_jstr(p, "gender")[0] ? cli_jstr(p, "gender") : "-",
	       cli_jstr(p, "birth_date")[0] ? cli_jstr(p, "birth_date") : "-",
	       (long long)cli_jint(p, "rev"));
	for (int f = MF_ETHNICITY; f <= MF_EMAIL; f++) {
		const char *v = cli_jstr(p, member_field_names[f]);
		if (v[0]) {
			printf("  %-13s %s\n", member_field_names[f], v);
		}
	}
	json_array_foreach(json_object_get(p, "memberships"), i, m) {
		print_membership(m);
	}
}

/* Open, run fn, print its JSON (or with printer), close. */
typedef int (*member_fn)(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e);

static int member_run(const struct cli_spec *spec, struct margs *a, int argc, char **argv,
		      member_fn fn, void (*printer)(json_t *))
{
	struct cli_ctx c;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int rc = cli_parse(spec, argc, argv, &a->pos);
	if (rc != CLI_OK) {
		cli_list_free(&a->pos);
		return rc < 0 ? CLI_OK : rc;
	}
	if ((rc = cli_check_date(a->date, "date")) == CLI_OK &&
	    (rc = cli_check_date(a->as_of, "as-of")) == CLI_OK &&
	    (rc = cli_open(&c, a->url, a->as, 0)) == CLI_OK) {
		rc = fn(&c, a, &out, &e);
		if (rc < 0) {
			rc = cli_fail(spec, &e);
		} else if (rc == CLI_OK && out) {
			if (a->json) {
				cli_json_print(out);
			} else {
				printer(out);
			}
		}
		json_decref(out);
		cli_close(&c);
	}
	cli_list_free(&a->pos);
	return rc;
}

/* ---- people ---- */

static int do_add(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	struct member_record r;
	memcpy(r.f, a->f, sizeof r.f);
	return member_person_create(&c->cx, &r, NULL, out, e);
}

static int member_add_cmd(int argc, char **argv)
{
	struct margs a;
	memset(&a, 0, sizeof a);
	{
		const struct cli_opt opts[] = {CLI_OPT_DB(&a.url), PERSON_OPTS(&a), CLI_OPT_JSON(&a.json),
					       CLI_OPT_AS(&a.as), CLI_OPT_END};
		const struct cli_spec spec = {
			"member add",
			"cadre member add --db PATH --name TEXT [--citizen-id DIGITS] [--gender M|F] "
			"[--birth DATE] [other fields] [--json] [--as LOGIN]",
			"Register a person.  Names are cleaned (NFC, single spaces); a citizen ID\n"
			"has 12 digits and belongs to one person only.  Admit them to an\n"
			"organization next with 'cadre member admit'.",
			opts, 0, 0, member_fields,
		};
		return member_run(&spec, &a, argc, argv, do_add, print_person);
	}
}

static int do_update(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	struct member_record r;
	int64_t id;
	int rc = person_arg(c, a->pos.v[0], &id);
	if (rc != CLI_OK) {
		return rc;
	}
	memcpy(r.f, a->f, sizeof r.f);
	return member_person_update(&c->cx, id, a->rev, &r, out, e);
}

static int member_update_cmd(int argc, char **argv)
{
	struct margs a;
	memset(&a, 0, sizeof a);
	{
		const struct cli_opt opts[] = {
			CLI_OPT_DB(&a.url), PERSON_OPTS(&a),
			{"rev", CLI_INT, &a.rev, "N", "refuse unless the record is at this revision", 0},
			CLI_OPT_JSON(&a.json), CLI_OPT_AS(&a.as), CLI_OPT_END};
		const struct cli_spec spec = {
			"member update", "cadre member update PERSON --db PATH [fields…] [--rev N]",
			"Correct a person's record: only the fields given change (\"\" clears one).\n"
			"PERSON is an id or a citizen ID.",
			opts, 1, 1, member_fields,
		};
		return member_run(&spec, &a, argc, argv, do_update, print_person);
	}
}

static int do_show(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	int64_t id;
	int rc = person_arg(c, a->pos.v[0], &id);
	return rc != CLI_OK ? rc : member_person_get(&c->cx, id, out, e);
}

static int member_show_cmd(int argc, char **argv)
{
	struct margs a;
	memset(&a, 0, sizeof a);
	{
		const struct cli_opt opts[] = {CLI_OPT_DB(&a.url), CLI_OPT_JSON(&a.json),
					       CLI_OPT_AS(&a.as), CLI_OPT_END};
		const struct cli_spec spec = {
			"member show", "cadre member show PERSON --db PATH [--json] [--as LOGIN]",
			"A person with every membership, stint and event.  PERSON is an id or a\n"
			"citizen ID.  Member records are confidential: the access is logged.",
			opts, 1, 1, member_fields,
		};
		return member_run(&spec, &a, argc, argv, do_show, print_person);
	}
}

static void print_list(json_t *o)
{
	static const char *const head[] = {"PERSON", "NAME", "CITIZEN ID", "MEMBERSHIP",
					   "ORG", "UNIT", "STATUS", "JOINED"};
	struct cli_table t;
	json_t *it;
	size_t i;
	cli_table_init(&t, 8, head);
	json_array_foreach(json_object_get(o, "items"), i, it) {
		char pid[24], mid[24];
		const char *row[8];
		snprintf(pid, sizeof pid, "%lld", (long long)cli_jint(it, "person_id"));
		snprintf(mid, sizeof mid, "%lld", (long long)cli_jint(it, "membership_id"));
		row[0] = pid;
		row[1] = cli_jstr(it, "full_name");
		row[2] = cli_jstr(it, "citizen_id");
		row[3] = cli_jint(it, "membership_id") ? mid : "";
		row[4] = cli_jstr(it, "org");
		row[5] = cli_jstr(json_object_get(it, "unit"), "code");
		row[6] = cli_jstr(it, "status");
		row[7] = cli_jstr(it, "joined");
		cli_table_add(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_free(&t);
	printf("%zu of %lld\n", json_array_size(json_object_get(o, "items")),
	       (long long)cli_jint(o, "total"));
}

static int do_search(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	struct member_query q;
	char text[1024] = "";
	int rc;
	for (int i = 0; i < a->pos.n; i++) {
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, "%s%s", i ? " " : "", a->pos.v[i]);
	}
	memset(&q, 0, sizeof q);
	q.q = text;
	q.org = a->org;
	q.status = a->status;
	q.limit = a->limit ? a->limit : 50;
	if (a->unit && (rc = cli_unit_id(c, a->unit, "unit", &q.unit_id)) != CLI_OK) {
		return rc;
	}
	return member_search(&c->cx, &q, out, e);
}

static int member_search_cmd(int argc, char **argv)
{
	struct margs a;
	memset(&a, 0, sizeof a);
	{
		const struct cli_opt opts[] = {
			CLI_OPT_DB(&a.url),
			{"org", CLI_STR, &a.org, "KIND", "only this organization", 0},
			{"unit", CLI_STR, &a.unit, "CODE", "only this unit's subtree (through history)", 0},
			{"status", CLI_STR, &a.status, "S", "only this status (active, left, …)", 0},
			{"limit", CLI_INT, &a.limit, "N", "at most N rows (default 50, max 500)", 0},
			CLI_OPT_JSON(&a.json), CLI_OPT_AS(&a.as), CLI_OPT_END};
		const struct cli_spec spec = {
			"member search", "cadre member search [TEXT…] --db PATH [--org KIND] "
			"[--unit CODE] [--status S] [--limit N] [--json]",
			"Find members by name (ignoring case and diacritics: \"nguyen van an\"\n"
			"finds \"Nguyễn Văn An\"), by the start of a citizen ID or by card number,\n"
			"within your scope.",
			opts, 0, -1, member_fields,
		};
		return member_run(&spec, &a, argc, argv, do_search, print_list);
	}
}

/* ---- memberships ---- */

static void print_membership_top(json_t *m)
{
	print_membership(m);
}

static int do_admit(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	struct member_admit ad;
	int rc;
	memset(&ad, 0, sizeof ad);
	if ((rc = person_arg(c, a->pos.v[0], &ad.person_id)) != CLI_OK ||
	    (rc = cli_unit_id(c, a->unit, "unit", &ad.unit_id)) != CLI_OK) {
		return rc;
	}
	ad.org = a->org;
	ad.date = a->date;
	ad.decision = a->decision;
	ad.number = a->number;
	ad.official = a->official;
	ad.note = a->note;
	return member_admit(&c->cx, &ad, NULL, out, e);
}

static int member_admit_cmd(int argc, char **argv)
{
	struct margs a;
	memset(&a, 0, sizeof a);
	{
		const struct cli_opt opts[] = {
			CLI_OPT_DB(&a.url),
			{"org", CLI_STR, &a.org, "KIND", "party, youth, women, farmers, veterans, labour", 1},
			{"unit", CLI_STR, &a.unit, "CODE", "the unit (of that organization)", 1},
			{"date", CLI_STR, &a.date, "YYYY-MM-DD", "the admission date", 1},
			{"decision", CLI_STR, &a.decision, "TEXT", "the admission decision", 1},
			{"number", CLI_STR, &a.number, "TEXT", "card number", 0},
			{"official", CLI_STR, &a.official, "YYYY-MM-DD",
			 "already official since this date", 0},
			{"note", CLI_STR, &a.note, "TEXT", "a note", 0},
			CLI_OPT_JSON(&a.json), CLI_OPT_AS(&a.as), CLI_OPT_END};
		const struct cli_spec spec = {
			"member admit", "cadre member admit PERSON --db PATH --org KIND --unit CODE "
			"--date DATE --decision TEXT [--number N] [--official DATE]",
			"Admit a person to an organization: a membership with its first stint in\n"
			"the unit from the date.  One membership per person and organization.",
			opts, 1, 1, member_fields,
		};
		return member_run(&spec, &a, argc, argv, do_admit, print_membership_top);
	}
}

static int do_event(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	struct member_event_req r;
	int rc;
	memset(&r, 0, sizeof r);
	if (member_event_parse(a->pos.v[0], &r.kind, e) < 0) {
		return -(int)e->code;
	}
	if ((rc = id_arg(a->pos.v[1], "membership", &r.membership_id)) != CLI_OK) {
		return rc;
	}
	if (a->to && (rc = cli_unit_id(c, a->to, "to", &r.to_unit)) != CLI_OK) {
		return rc;
	}
	r.rev = a->rev;
	r.date = a->date;
	r.decision = a->decision;
	r.note = a->note;
	return member_event(&c->cx, &r, out, e);
}

/* `member transfer 12 --to …`: argv[0] is the event's name. */
static int member_event_cmd(int argc, char **argv)
{
	struct margs a;
	char usage[200], name[40];
	char **args = malloc(((size_t)argc + 1) * sizeof *args);
	int rc;
	if (!args) {
		return CLI_FAIL;
	}
	memset(&a, 0, sizeof a);
	snprintf(name, sizeof name, "member %s", argv[0]);
	snprintf(usage, sizeof usage, "cadre member %s MEMBERSHIP --db PATH --date DATE "
		 "--decision TEXT%s [--note TEXT] [--rev N] [--json]", argv[0],
		 strcmp(argv[0], "transfer") == 0 ? " --to CODE" : "");
	/* The event's name becomes the first positional argument. */
	args[0] = argv[0];
	args[1] = argv[0];
	for (int i = 1; i < argc; i++) {
		args[i + 1] = argv[i];
	}
	{
		const struct cli_opt opts[] = {
			CLI_OPT_DB(&a.url),
			{"date", CLI_STR, &a.date, "YYYY-MM-DD", "the date of the event", 1},
			{"decision", CLI_STR, &a.decision, "TEXT", "the decision it records", 1},
			{"to", CLI_STR, &a.to, "CODE", "transfer: the unit the member moves to", 0},
			{"note", CLI_STR, &a.note, "TEXT", "a note", 0},
			{"rev", CLI_INT, &a.rev, "N", "refuse unless the membership is at this revision",
			 0},
			CLI_OPT_JSON(&a.json), CLI_OPT_AS(&a.as), CLI_OPT_END};
		const struct cli_spec spec = {
			name, usage,
			"Record an event on a membership.  Events are kept in date order; a\n"
			"transfer closes the current stint and opens one in the --to unit; leave,\n"
			"expel and death end the membership.",
			opts, 2, 2, member_fields,
		};
		rc = member_run(&spec, &a, argc + 1, args, do_event, print_membership_top);
	}
	free(args);
	return rc;
}

static int do_number(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	int64_t id;
	int rc = id_arg(a->pos.v[0], "membership", &id);
	return rc != CLI_OK ? rc : member_membership_update(&c->cx, id, a->rev, a->pos.v[1], out, e);
}

static int member_number_cmd(int argc, char **argv)
{
	struct margs a;
	memset(&a, 0, sizeof a);
	{
		const struct cli_opt opts[] = {
			CLI_OPT_DB(&a.url),
			{"rev", CLI_INT, &a.rev, "N", "refuse unless the membership is at this revision", 0},
			CLI_OPT_JSON(&a.json), CLI_OPT_AS(&a.as), CLI_OPT_END};
		const struct cli_spec spec = {
			"member number", "cadre member number MEMBERSHIP NUMBER --db PATH [--rev N]",
			"Correct the card number of a membership.", opts, 2, 2, member_fields,
		};
		return member_run(&spec, &a, argc, argv, do_number, print_membership_top);
	}
}

static int do_delete(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	int64_t id;
	int rc = id_arg(a->pos.v[0], "membership", &id);
	(void)out;
	if (rc != CLI_OK) {
		return rc;
	}
	if (member_membership_delete(&c->cx, id, a->rev, e) < 0) {
		return -(int)e->code;
	}
	printf("membership #%lld deleted\n", (long long)id);
	return CLI_OK;
}

static int member_delete_cmd(int argc, char **argv)
{
	struct margs a;
	memset(&a, 0, sizeof a);
	{
		const struct cli_opt opts[] = {
			CLI_OPT_DB(&a.url),
			{"rev", CLI_INT, &a.rev, "N", "refuse unless the membership is at this revision", 0},
			CLI_OPT_AS(&a.as), CLI_OPT_END};
		const struct cli_spec spec = {
			"member delete", "cadre member delete MEMBERSHIP --db PATH [--rev N]",
			"Delete a membership entered by mistake (only while its history is its\n"
			"admission alone; otherwise record a leave).  The audit keeps the record.",
			opts, 1, 1, member_fields,
		};
		return member_run(&spec, &a, argc, argv, do_delete, NULL);
	}
}

/* ---- stats ---- */

static void print_stats(json_t *s)
{
	json_t *o, *u;
	size_t i;
	printf("%s %s as of %s (structure as of %s): %lld memberships, %lld people",
	       cli_jstr(json_object_get(s, "unit"), "code"),
	       cli_jstr(json_object_get(s, "unit"), "name"), cli_jstr(s, "as_of"),
	       cli_jstr(s, "structure_as_of"), (long long)cli_jint(s, "members"),
	       (long long)cli_jint(s, "people"));
	if (!json_is_null(json_object_get(s, "admitted"))) {
		printf("; %s … %s: %lld admitted, %lld left", cli_jstr(s, "from"), cli_jstr(s, "to"),
		       (long long)cli_jint(s, "admitted"), (long long)cli_jint(s, "left"));
	}
	putchar('\n');
	json_array_foreach(json_object_get(s, "orgs"), i, o) {
		if (!cli_jint(o, "members") && !cli_jint(o, "admitted") && !cli_jint(o, "left")) {
			continue; /* an organization with nobody here */
		}
		printf("  %-9s %8lld", cli_jstr(o, "org"), (long long)cli_jint(o, "members"));
		if (!json_is_null(json_object_get(o, "admitted"))) {
			printf("  +%lld -%lld", (long long)cli_jint(o, "admitted"),
			       (long long)cli_jint(o, "left"));
		}
		if (json_object_get(o, "by_gender")) {
			json_t *g = json_object_get(o, "by_gender"), *ag = json_object_get(o, "by_age");
			printf("  M %lld F %lld  <30 %lld 30-45 %lld 46-60 %lld >60 %lld",
			       (long long)cli_jint(g, "M"), (long long)cli_jint(g, "F"),
			       (long long)cli_jint(ag, "<30"), (long long)cli_jint(ag, "30-45"),
			       (long long)cli_jint(ag, "46-60"), (long long)cli_jint(ag, ">60"));
		}
		putchar('\n');
	}
	json_array_foreach(json_object_get(s, "by_unit"), i, u) {
		printf("    %-16s %8lld  %s\n", cli_jstr(u, "code"), (long long)cli_jint(u, "members"),
		       cli_jstr(u, "name"));
	}
}

static int do_stats(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	struct member_stats_query q;
	int rc;
	memset(&q, 0, sizeof q);
	if (a->unit && (rc = cli_unit_id(c, a->unit, "unit", &q.unit_id)) != CLI_OK) {
		return rc;
	}
	q.as_of = a->as_of;
	q.structure_as_of = a->structure;
	q.from = a->from;
	q.to = a->until;
	q.org = a->org;
	q.breakdowns = a->breakdowns;
	q.children = a->children;
	return member_stats(&c->cx, &q, out, e);
}

static int member_stats_cmd(int argc, char **argv)
{
	struct margs a;
	memset(&a, 0, sizeof a);
	{
		const struct cli_opt opts[] = {
			CLI_OPT_DB(&a.url),
			{"unit", CLI_STR, &a.unit, "CODE", "the subtree (default: your unit)", 0},
			{"as-of", CLI_STR, &a.as_of, "YYYY-MM-DD", "the date counted (default today)", 0},
			{"structure-as-of", CLI_STR, &a.structure, "YYYY-MM-DD",
			 "group by the structure of this date (default: --as-of)", 0},
			{"from", CLI_STR, &a.from, "YYYY-MM-DD", "admitted / left from this date", 0},
			{"to", CLI_STR, &a.until, "YYYY-MM-DD", "… to this date (inclusive)", 0},
			{"org", CLI_STR, &a.org, "KIND", "one organization only", 0},
			{"breakdowns", CLI_BOOL, &a.breakdowns, NULL, "by gender, age band, ethnicity", 0},
			{"children", CLI_BOOL, &a.children, NULL, "figures of each child unit", 0},
			CLI_OPT_JSON(&a.json), CLI_OPT_AS(&a.as), CLI_OPT_END};
		const struct cli_spec spec = {
			"member stats", "cadre member stats --db PATH [--unit CODE] [--as-of DATE] "
			"[--structure-as-of DATE] [--from DATE --to DATE] [--org KIND] [--breakdowns] "
			"[--children] [--json]",
			"Members and people as of a date, by organization.  Figures of units merged\n"
			"away count toward their successor in the structure used for grouping.",
			opts, 0, 0, member_fields,
		};
		return member_run(&spec, &a, argc, argv, do_stats, print_stats);
	}
}

static int member_demo_cmd(int argc, char **argv)
{
	const char *url = NULL;
	int national = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"national", CLI_INT, &national, "N",
		 "instead: N party members over the national-size tree (benchmarks)", 0},
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"member demo", "cadre member demo --db PATH [--national N]",
		"Generate demo members: a few thousand across the organizations of the demo\n"
		"provinces (after 'cadre demo'), or N party members in the cells of the\n"
		"national-size tree (after 'cadre demo --scale national').",
		opts, 0, 0, NULL,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if (national < 0) {
		return cli_errorf(CLI_USAGE, "--national: must be positive");
	}
	if ((rc = cli_open(&c, url, NULL, 0)) != CLI_OK) {
		return rc;
	}
	if ((national ? member_demo_national(&c.cx, national, &e) : member_demo_load(&c.cx, &e)) < 0) {
		rc = cli_errorf(CLI_FAIL, "member demo: %s", e.msg);
	} else {
		printf("demo members loaded\n");
	}
	cli_close(&c);
	return rc;
}

static const struct cli_cmd member_cmds[] = {
	{"add", member_add_cmd, "register a person"},
	{"update", member_update_cmd, "correct a person's record"},
	{"show", member_show_cmd, "a person with memberships, stints and events"},
	{"search", member_search_cmd, "find members by name, citizen ID or card number"},
	{"admit", member_admit_cmd, "admit a person to an organization"},
	{"official", member_event_cmd, "record that a member became official"},
	{"transfer", member_event_cmd, "transfer a member to another unit"},
	{"suspend", member_event_cmd, "suspend a membership"},
	{"reinstate", member_event_cmd, "lift a suspension"},
	{"leave", member_event_cmd, "record that a member left"},
	{"expel", member_event_cmd, "record an expulsion"},
	{"death", member_event_cmd, "record a member's death"},
	{"number", member_number_cmd, "correct a card number"},
	{"delete", member_delete_cmd, "delete a membership entered by mistake"},
	{"stats", member_stats_cmd, "totals as of a date, by organization"},
	{"demo", member_demo_cmd, "generate demo members (provinces or national size)"},
	{NULL, NULL, NULL},
};

int cmd_member(int argc, char **argv)
{
	return cli_group("member", member_cmds, argc, argv);
}
