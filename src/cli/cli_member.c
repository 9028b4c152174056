/*
 * cli_member.c — `cadre member …`: people and their memberships from the
 * terminal (add, update, show, search, admit, the events, number, delete,
 * stats).  People are named by id or by their 12-digit citizen ID, units
 * by code; everything else — validation, history rules, permissions,
 * audit — is the domain's (member.h, member_stats.h).
 */
#include <stddef.h>
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

/* The string o[key], or "-" when absent or empty. */
static const char *or_dash(json_t *o, const char *key)
{
	const char *v = cli_jstr(o, key);
	return v[0] ? v : "-";
}

static void print_person(json_t *p)
{
	json_t *m;
	size_t i;
	printf("person #%lld  %s  citizen ID %s  %s  born %s  rev %lld\n",
	       (long long)cli_jint(p, "id"), cli_jstr(p, "full_name"), or_dash(p, "citizen_id"),
	       or_dash(p, "gender"), or_dash(p, "birth_date"), (long long)cli_jint(p, "rev"));
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

/* What a subcommand does once the database is open: fill *out with the
 * record to print (or print itself and leave *out NULL); CLI_OK, a CLI_
 * code, or < 0 with e filled. */
typedef int (*member_fn)(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e);

/* A flag of a member subcommand: its value goes to the field at `off` in
 * struct margs. */
struct mflag {
	const char *name;
	enum cli_type type;
	size_t off;
	const char *arg, *help;
	int required;
};
#define MFLAG(name, type, field, arg, help, req)                               \
	{name, type, offsetof(struct margs, field), arg, help, req}
#define MFLAG_MAX 16

/* A member subcommand: its --help text, how many positional arguments it
 * takes, its flags (between --db and --json/--as), what it runs and how
 * its answer is printed without --json (NULL: fn prints). */
struct mcmd {
	const char *name, *usage, *about;
	int min_pos, max_pos;
	int no_json; /* no --json flag (the command prints no record) */
	member_fn fn;
	void (*printer)(json_t *);
	struct mflag flags[MFLAG_MAX]; /* ends at the first without a name */
};

/* Flags several subcommands take. */
#define FLAG_REV(what)                                                         \
	MFLAG("rev", CLI_INT, rev, "N", "refuse unless the " what " is at this revision", 0)
#define FLAG_NOTE MFLAG("note", CLI_STR, note, "TEXT", "a note", 0)

/* The person fields, as flags. */
#define PERSON_FLAGS                                                           \
	MFLAG("name", CLI_STR, f[MF_FULL_NAME], "TEXT", "full name", 0),       \
	MFLAG("citizen-id", CLI_STR, f[MF_CITIZEN_ID], "DIGITS",               \
	      "citizen ID (CCCD), 12 digits", 0),                              \
	MFLAG("gender", CLI_STR, f[MF_GENDER], "M|F", "gender (Nam/Nữ too)", 0), \
	MFLAG("birth", CLI_STR, f[MF_BIRTH_DATE], "YYYY-MM-DD", "date of birth", 0), \
	MFLAG("ethnicity", CLI_STR, f[MF_ETHNICITY], "TEXT", "ethnicity", 0), \
	MFLAG("religion", CLI_STR, f[MF_RELIGION], "TEXT", "religion", 0),     \
	MFLAG("hometown", CLI_STR, f[MF_HOMETOWN], "TEXT", "hometown (old name)", 0), \
	MFLAG("hometown-new", CLI_STR, f[MF_HOMETOWN_NEW], "TEXT",             \
	      "hometown (name since 2025)", 0),                                \
	MFLAG("residence", CLI_STR, f[MF_RESIDENCE], "TEXT", "residence", 0),  \
	MFLAG("phone", CLI_STR, f[MF_PHONE], "TEXT", "phone", 0),              \
	MFLAG("email", CLI_STR, f[MF_EMAIL], "TEXT", "email", 0)

/* Parse argv by m (argv[0] is the command's name), then open the
 * database, run m->fn, print its JSON (or with m->printer), close. */
static int member_run(const struct mcmd *m, int argc, char **argv)
{
	struct margs a;
	struct cli_opt opts[MFLAG_MAX + 4];
	struct cli_spec spec = {m->name, m->usage, m->about, opts,
				m->min_pos, m->max_pos, member_fields};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int n = 0, rc;
	memset(&a, 0, sizeof a);
	opts[n++] = (struct cli_opt)CLI_OPT_DB(&a.url);
	for (const struct mflag *f = m->flags; f < m->flags + MFLAG_MAX && f->name; f++) {
		opts[n++] = (struct cli_opt){f->name, f->type, (char *)&a + f->off, f->arg,
					     f->help, f->required};
	}
	if (!m->no_json) {
		opts[n++] = (struct cli_opt)CLI_OPT_JSON(&a.json);
	}
	opts[n++] = (struct cli_opt)CLI_OPT_AS(&a.as);
	opts[n] = (struct cli_opt)CLI_OPT_END;
	rc = cli_parse(&spec, argc, argv, &a.pos);
	if (rc != CLI_OK) {
		cli_list_free(&a.pos);
		return rc < 0 ? CLI_OK : rc;
	}
	if ((rc = cli_check_date(a.date, "date")) == CLI_OK &&
	    (rc = cli_check_date(a.as_of, "as-of")) == CLI_OK &&
	    (rc = cli_open(&c, a.url, a.as, 0)) == CLI_OK) {
		rc = m->fn(&c, &a, &out, &e);
		if (rc < 0) {
			rc = cli_fail(&spec, &e);
		} else if (rc == CLI_OK && out) {
			if (a.json) {
				cli_json_print(out);
			} else {
				m->printer(out);
			}
		}
		json_decref(out);
		cli_close(&c);
	}
	cli_list_free(&a.pos);
	return rc;
}

/* ---- people ---- */

static int do_add(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	struct member_record r;
	int64_t holder = 0;
	int rc;
	if (a->unit && (rc = cli_unit_id(c, a->unit, "unit", &holder)) != CLI_OK) {
		return rc;
	}
	memcpy(r.f, a->f, sizeof r.f);
	return member_person_create(&c->cx, &r, holder, NULL, out, e);
}

static const struct mcmd cmd_add = {
	"member add",
	"cadre member add --db PATH --name TEXT [--citizen-id DIGITS] [--gender M|F] "
	"[--birth DATE] [other fields] [--unit CODE] [--json] [--as LOGIN]",
	"Register a person.  Names are cleaned (NFC, single spaces); a citizen ID\n"
	"has 12 digits and belongs to one person only.  Admit them to an\n"
	"organization next with 'cadre member admit'.  Until then the record is\n"
	"held by --unit (default: your own unit) and seen only inside its scope.",
	0, 0, 0, do_add, print_person,
	{PERSON_FLAGS,
	 MFLAG("unit", CLI_STR, unit, "CODE", "the unit holding the record until admission", 0)},
};

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

static const struct mcmd cmd_update = {
	"member update", "cadre member update PERSON --db PATH [fields…] [--rev N]",
	"Correct a person's record: only the fields given change (\"\" clears one).\n"
	"PERSON is an id or a citizen ID.",
	1, 1, 0, do_update, print_person,
	{PERSON_FLAGS,
	 FLAG_REV("record")},
};

static int do_show(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	int64_t id;
	int rc = person_arg(c, a->pos.v[0], &id);
	return rc != CLI_OK ? rc : member_person_get(&c->cx, id, out, e);
}

static const struct mcmd cmd_show = {
	"member show", "cadre member show PERSON --db PATH [--json] [--as LOGIN]",
	"A person with every membership, stint and event.  PERSON is an id or a\n"
	"citizen ID.  Member records are confidential: the access is logged.",
	1, 1, 0, do_show, print_person, {{NULL}},
};

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

static const struct mcmd cmd_search = {
	"member search", "cadre member search [TEXT…] --db PATH [--org KIND] "
	"[--unit CODE] [--status S] [--limit N] [--json]",
	"Find members by name (ignoring case and diacritics: \"nguyen van an\"\n"
	"finds \"Nguyễn Văn An\"), by the start of a citizen ID or by card number,\n"
	"within your scope.",
	0, -1, 0, do_search, print_list,
	{MFLAG("org", CLI_STR, org, "KIND", "only this organization", 0),
	 MFLAG("unit", CLI_STR, unit, "CODE", "only this unit's subtree (through history)", 0),
	 MFLAG("status", CLI_STR, status, "S", "only this status (active, left, …)", 0),
	 MFLAG("limit", CLI_INT, limit, "N", "at most N rows (default 50, max 500)", 0)},
};

/* ---- memberships ---- */

static int do_admit(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	struct member_admit ad;
	int rc;
	memset(&ad, 0, sizeof ad);
	if ((rc = person_arg(c, a->pos.v[0], &ad.person_id)) != CLI_OK ||
	    (rc = cli_unit_id(c, a->unit, "unit", &ad.unit_id)) != CLI_OK) {
		return rc;
	}
	if (strlen(a->pos.v[0]) == 12 && strspn(a->pos.v[0], "0123456789") == 12) {
		ad.citizen_id = a->pos.v[0]; /* named by citizen ID: admissible from anywhere */
	}
	ad.org = a->org;
	ad.date = a->date;
	ad.decision = a->decision;
	ad.number = a->number;
	ad.official = a->official;
	ad.note = a->note;
	return member_admit(&c->cx, &ad, NULL, out, e);
}

static const struct mcmd cmd_admit = {
	"member admit", "cadre member admit PERSON --db PATH --org KIND --unit CODE "
	"--date DATE --decision TEXT [--number N] [--official DATE]",
	"Admit a person to an organization: a membership with its first stint in\n"
	"the unit from the date.  One membership per person and organization.\n"
	"A person outside your scope is named by citizen ID, not by id.",
	1, 1, 0, do_admit, print_membership,
	{MFLAG("org", CLI_STR, org, "KIND", "party, youth, women, farmers, veterans, labour", 1),
	 MFLAG("unit", CLI_STR, unit, "CODE", "the unit (of that organization)", 1),
	 MFLAG("date", CLI_STR, date, "YYYY-MM-DD", "the admission date", 1),
	 MFLAG("decision", CLI_STR, decision, "TEXT", "the admission decision", 1),
	 MFLAG("number", CLI_STR, number, "TEXT", "card number", 0),
	 MFLAG("official", CLI_STR, official, "YYYY-MM-DD", "already official since this date", 0),
	 FLAG_NOTE},
};

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

static const struct mcmd cmd_event = {
	NULL, NULL, /* per event, in member_event_cmd */
	"Record an event on a membership.  Events are kept in date order; a\n"
	"transfer closes the current stint and opens one in the --to unit; leave,\n"
	"expel and death end the membership.",
	2, 2, 0, do_event, print_membership,
	{MFLAG("date", CLI_STR, date, "YYYY-MM-DD", "the date of the event", 1),
	 MFLAG("decision", CLI_STR, decision, "TEXT", "the decision it records", 1),
	 MFLAG("to", CLI_STR, to, "CODE", "transfer: the unit the member moves to", 0),
	 FLAG_NOTE,
	 FLAG_REV("membership")},
};

/* `member transfer 12 --to …`: argv[0] is the event's name. */
static int member_event_cmd(int argc, char **argv)
{
	struct mcmd m = cmd_event;
	char usage[200], name[40];
	char **args = malloc(((size_t)argc + 1) * sizeof *args);
	int rc;
	if (!args) {
		return CLI_FAIL;
	}
	snprintf(name, sizeof name, "member %s", argv[0]);
	snprintf(usage, sizeof usage, "cadre member %s MEMBERSHIP --db PATH --date DATE "
		 "--decision TEXT%s [--note TEXT] [--rev N] [--json]", argv[0],
		 strcmp(argv[0], "transfer") == 0 ? " --to CODE" : "");
	m.name = name;
	m.usage = usage;
	/* The event's name becomes the first positional argument. */
	args[0] = argv[0];
	args[1] = argv[0];
	for (int i = 1; i < argc; i++) {
		args[i + 1] = argv[i];
	}
	rc = member_run(&m, argc + 1, args);
	free(args);
	return rc;
}

static int do_number(struct cli_ctx *c, struct margs *a, json_t **out, struct err *e)
{
	int64_t id;
	int rc = id_arg(a->pos.v[0], "membership", &id);
	return rc != CLI_OK ? rc : member_membership_update(&c->cx, id, a->rev, a->pos.v[1], out, e);
}

static const struct mcmd cmd_number = {
	"member number", "cadre member number MEMBERSHIP NUMBER --db PATH [--rev N]",
	"Correct the card number of a membership.",
	2, 2, 0, do_number, print_membership,
	{FLAG_REV("membership")},
};

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

static const struct mcmd cmd_delete = {
	"member delete", "cadre member delete MEMBERSHIP --db PATH [--rev N]",
	"Delete a membership entered by mistake (only while its history is its\n"
	"admission alone; otherwise record a leave).  The audit keeps the record.",
	1, 1, 1, do_delete, NULL,
	{FLAG_REV("membership")},
};

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

static const struct mcmd cmd_stats = {
	"member stats", "cadre member stats --db PATH [--unit CODE] [--as-of DATE] "
	"[--structure-as-of DATE] [--from DATE --to DATE] [--org KIND] [--breakdowns] "
	"[--children] [--json]",
	"Members and people as of a date, by organization.  Figures of units merged\n"
	"away count toward their successor in the structure used for grouping.",
	0, 0, 0, do_stats, print_stats,
	{MFLAG("unit", CLI_STR, unit, "CODE", "the subtree (default: your unit)", 0),
	 MFLAG("as-of", CLI_STR, as_of, "YYYY-MM-DD", "the date counted (default today)", 0),
	 MFLAG("structure-as-of", CLI_STR, structure, "YYYY-MM-DD",
	       "group by the structure of this date (default: --as-of)", 0),
	 MFLAG("from", CLI_STR, from, "YYYY-MM-DD", "admitted / left from this date", 0),
	 MFLAG("to", CLI_STR, until, "YYYY-MM-DD", "… to this date (inclusive)", 0),
	 MFLAG("org", CLI_STR, org, "KIND", "one organization only", 0),
	 MFLAG("breakdowns", CLI_BOOL, breakdowns, NULL, "by gender, age band, ethnicity", 0),
	 MFLAG("children", CLI_BOOL, children, NULL, "figures of each child unit", 0)},
};

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

static const struct mcmd *const member_table[] = {
	&cmd_add, &cmd_update, &cmd_show, &cmd_search, &cmd_admit, &cmd_number, &cmd_delete,
	&cmd_stats,
};

/* `member add …` and the other commands of member_table: argv[0] (from
 * cli_group) names the command. */
static int member_table_cmd(int argc, char **argv)
{
	char name[40];
	snprintf(name, sizeof name, "member %s", argv[0]);
	for (size_t i = 0; i < sizeof member_table / sizeof member_table[0]; i++) {
		if (strcmp(member_table[i]->name, name) == 0) {
			return member_run(member_table[i], argc, argv);
		}
	}
	return cli_errorf(CLI_USAGE, "no command %s", name); /* not in member_table */
}

static const struct cli_cmd member_cmds[] = {
	{"add", member_table_cmd, "register a person"},
	{"update", member_table_cmd, "correct a person's record"},
	{"show", member_table_cmd, "a person with memberships, stints and events"},
	{"search", member_table_cmd, "find members by name, citizen ID or card number"},
	{"admit", member_table_cmd, "admit a person to an organization"},
	{"official", member_event_cmd, "record that a member became official"},
	{"transfer", member_event_cmd, "transfer a member to another unit"},
	{"suspend", member_event_cmd, "suspend a membership"},
	{"reinstate", member_event_cmd, "lift a suspension"},
	{"leave", member_event_cmd, "record that a member left"},
	{"expel", member_event_cmd, "record an expulsion"},
	{"death", member_event_cmd, "record a member's death"},
	{"number", member_table_cmd, "correct a card number"},
	{"delete", member_table_cmd, "delete a membership entered by mistake"},
	{"stats", member_table_cmd, "totals as of a date, by organization"},
	{"demo", member_demo_cmd, "generate demo members (provinces or national size)"},
	{NULL, NULL, NULL},
};

int cmd_member(int argc, char **argv)
{
	return cli_group("member", member_cmds, argc, argv);
}
