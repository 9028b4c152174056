/*
 * cli_doc.c — `cadre doc …`: the document register from a terminal.
 * number (allocate and print the next symbol), issuer / term / types
 * (numbering configuration), add (an outgoing draft or an incoming
 * document), attach (a file version), show, list, search, submit, review,
 * issue, register (export the outgoing or incoming register as CSV/XLSX),
 * and sign (src/sign's `doc sign`, listed here).  Parses, calls one domain
 * function, prints; never runs SQL and never decides a rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/doc.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "domain/doc_search.h"
#include "domain/user.h"
#include "sign/sign_cli.h"

int cmd_doc(int argc, char **argv);

static const char *const doc_fields[] = {
	"issuer_id", "--issuer",
	"issuer", "--issuer",
	"unit_id", "--unit",
	"owner_id", "--unit",
	"start", "--start",
	"id", NULL,
	NULL,
};

/* Open the database and resolve a unit code (NULL stays 0). */
static int open_unit(struct cli_ctx *c, const char *url, const char *as,
		     const char *code, const char *flag, int64_t *id)
{
	int rc = cli_open(c, url, as, 0);
	*id = 0;
	if (rc == CLI_OK && code && (rc = cli_unit_id(c, code, flag, id)) != CLI_OK) {
		cli_close(c);
	}
	return rc;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v <= 0) {
		return cli_errorf(CLI_USAGE, "'%s' is not a document id", s);
	}
	*id = v;
	return CLI_OK;
}

/* --- doc number --- */

static int doc_number_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *issuer = NULL, *type = NULL,
		   *date = NULL, *subject = NULL;
	int secret = 0, json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"issuer", CLI_STR, &issuer, "CODE", "code of the issuing unit", 1},
		{"type", CLI_STR, &type, "TYPE", "document type code: NQ, QĐ, CV…", 1},
		{"date", CLI_STR, &date, "DATE", "the document's date (default today)", 0},
		{"confidential", CLI_BOOL, &secret, NULL,
		 "a confidential document (its own series where the policy says so)", 0},
		{"subject", CLI_STR, &subject, "TEXT", "the subject, for the register", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc number",
		"cadre doc number --db PATH --issuer CODE --type TYPE [--date DATE] "
		"[--confidential] [--subject TEXT] [--json] [--as LOGIN]",
		"Allocate the next number of the issuer's series for that type and "
		"print the symbol\n(05/QĐ-UBND, 04-NQ/TU).  The number is recorded "
		"in the outgoing register at once:\nconcurrent callers never get the "
		"same number and leave no gap.",
		opts, 0, 0, doc_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	struct doc_number_req r;
	json_t *out = NULL;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_check_date(date, "date")) != CLI_OK ||
	    (rc = open_unit(&c, url, as, issuer, "issuer", &r.issuer_id)) != CLI_OK) {
		return rc;
	}
	r.type = type;
	r.date = date;
	r.confidential = secret;
	r.subject = subject;
	if (doc_number(&c.cx, &r, &out, &e) < 0) {
		rc = cli_fail(&spec, &e);
	} else if (json) {
		cli_json_print(out);
	} else {
		printf("%s\n", cli_jstr(out, "symbol"));
	}
	json_decref(out);
	cli_close(&c);
	return rc;
}

/* --- configuration --- */

static int doc_issuer_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *unit = NULL, *org = NULL,
		   *symbol = NULL, *term = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"unit", CLI_STR, &unit, "CODE", "the unit that issues documents", 1},
		{"org", CLI_STR, &org, "ORG",
		 "its organization: party, state, front, youth, women…", 1},
		{"symbol", CLI_STR, &symbol, "ABBR",
		 "the issuer part of its symbols: TU, UBND, TWĐTN-VP", 1},
		{"term-unit", CLI_STR, &term, "CODE",
		 "the committee whose terms restart its series (default: itself)", 0},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc issuer",
		"cadre doc issuer --db PATH --unit CODE --org ORG --symbol ABBR "
		"[--term-unit CODE] [--as LOGIN]",
		"Make a unit an issuer of documents (or change its setting).",
		opts, 0, 0, doc_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	struct doc_issuer_set s = {0, NULL, NULL, 0};
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	s.org = org;
	s.symbol = symbol;
	if ((rc = open_unit(&c, url, as, unit, "unit", &s.unit_id)) != CLI_OK) {
		return rc;
	}
	if ((!term || (rc = cli_unit_id(&c, term, "term-unit", &s.term_unit_id)) == CLI_OK)) {
		if (doc_issuer_set(&c.cx, &s, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else {
			printf("%s issues %s documents as …/%s\n", unit, org, symbol);
		}
	}
	cli_close(&c);
	return rc;
}

static int doc_term_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *unit = NULL, *start = NULL,
		   *name = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"unit", CLI_STR, &unit, "CODE", "the committee", 1},
		{"start", CLI_STR, &start, "DATE", "the first day of the term", 1},
		{"name", CLI_STR, &name, "TEXT", "its name (Nhiệm kỳ 2025–2030)", 0},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc term",
		"cadre doc term --db PATH --unit CODE --start DATE [--name TEXT] "
		"[--as LOGIN]",
		"Add a committee term: the party's number series restart on its "
		"first day.",
		opts, 0, 0, doc_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int64_t unit_id, id;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_check_date(start, "start")) != CLI_OK ||
	    (rc = open_unit(&c, url, as, unit, "unit", &unit_id)) != CLI_OK) {
		return rc;
	}
	if (doc_term_add(&c.cx, unit_id, name, start, &id, &e) < 0) {
		rc = cli_fail(&spec, &e);
	} else {
		printf("term %lld of %s starts on %s\n", (long long)id, unit, start);
	}
	cli_close(&c);
	return rc;
}

static int doc_types_cmd(int argc, char **argv)
{
	const char *url = NULL, *org = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"org", CLI_STR, &org, "ORG", "only this organization's catalogue", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc types", "cadre doc types --db PATH [--org ORG] [--json]",
		"The catalogues of document types.", opts, 0, 0, doc_fields,
	};
	static const char *const head[] = {"ORG", "CODE", "IN SYMBOL", "NAME",
					   "SERIES"};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	json_t *out = NULL, *t;
	size_t i;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = cli_open(&c, url, NULL, 0)) != CLI_OK) {
		return rc;
	}
	if (doc_types(&c.cx, org, &out, &e) < 0) {
		rc = cli_fail(&spec, &e);
	} else if (json) {
		cli_json_print(out);
	} else {
		struct cli_table tb;
		cli_table_init(&tb, 5, head);
		json_array_foreach(out, i, t) {
			const char *row[5] = {cli_jstr(t, "org"), cli_jstr(t, "code"),
					      cli_jstr(t, "symbol_code"), cli_jstr(t, "name_vi"),
					      cli_jstr(t, "series_group")};
			cli_table_add(&tb, row);
		}
		cli_table_print(&tb, stdout);
		cli_table_free(&tb);
	}
	json_decref(out);
	cli_close(&c);
	return rc;
}

/* --- add, attach, show --- */

static int attach_file(struct cli_ctx *c, int64_t id, const char *slot,
		       const char *path)
{
	unsigned char *data = NULL;
	struct err e = ERR_INIT;
	const char *base = strrchr(path, '/');
	json_t *v = NULL;
	size_t n = 0;
	int rc = sign_cli_read_file(path, DOC_FILE_MAX, &data, &n);
	if (rc != CLI_OK) {
		return rc;
	}
	if (doc_file_add(&c->cx, id, slot, base ? base + 1 : path, NULL, data, n, &v, &e) < 0) {
		rc = cli_fail(NULL, &e);
	} else {
		printf("document %lld: %s version %lld, %lld bytes, sha256 %s\n",
		       (long long)id, cli_jstr(v, "slot"), (long long)cli_jint(v, "version"),
		       (long long)cli_jint(v, "size"), cli_jstr(v, "sha256"));
	}
	json_decref(v);
	free(data);
	return rc;
}

/* Resolve --signer LOGIN… and --recipient CODE… into arrays. */
static int resolve_lists(struct cli_ctx *c, const struct cli_list *signers,
			 const struct cli_list *recipients,
			 struct doc_signer_in *s, int64_t *r)
{
	struct err e = ERR_INIT;
	for (int i = 0; i < signers->n; i++) {
		json_t *u = NULL;
		if (user_get_by_login(&c->cx, signers->v[i], &u, &e) < 0) {
			return cli_errorf(CLI_FAIL, "--signer %s: %s", signers->v[i], e.msg);
		}
		s[i].user_id = cli_jint(u, "id");
		s[i].title = NULL;
		json_decref(u);
	}
	for (int i = 0; i < recipients->n; i++) {
		int rc = cli_unit_id(c, recipients->v[i], "recipient", &r[i]);
		if (rc != CLI_OK) {
			return rc;
		}
	}
	return CLI_OK;
}

static int doc_add_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *issuer = NULL, *unit = NULL,
		   *type = NULL, *subject = NULL, *pdf = NULL, *symbol = NULL,
		   *date = NULL, *from_name = NULL, *from_org = NULL, *due = NULL,
		   *secrecy = NULL, *urgency = NULL, *mode = NULL, *received = NULL;
	struct cli_list signers = {NULL, 0}, recipients = {NULL, 0};
	int incoming = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"type", CLI_STR, &type, "TYPE", "document type code", 1},
		{"subject", CLI_STR, &subject, "TEXT", "the subject (trích yếu)", 1},
		{"issuer", CLI_STR, &issuer, "CODE",
		 "the issuing unit (outgoing; incoming: when it is in the tree)", 0},
		{"in", CLI_BOOL, &incoming, NULL, "register an incoming document", 0},
		{"unit", CLI_STR, &unit, "CODE", "incoming: the receiving unit", 0},
		{"symbol", CLI_STR, &symbol, "SYMBOL", "incoming: its number and symbol", 0},
		{"date", CLI_STR, &date, "DATE", "incoming: its date", 0},
		{"received", CLI_STR, &received, "DATE", "incoming: received on (default today)", 0},
		{"from-name", CLI_STR, &from_name, "TEXT",
		 "incoming: the issuer's name when outside the tree", 0},
		{"from-org", CLI_STR, &from_org, "ORG",
		 "incoming: that issuer's organization (its symbol style)", 0},
		{"signer", CLI_LIST, &signers, "LOGIN", "a signer, in order (repeat)", 0},
		{"route", CLI_STR, &mode, "MODE", "sequential (default) or parallel", 0},
		{"recipient", CLI_LIST, &recipients, "CODE", "a recipient unit (repeat)", 0},
		{"reply-due", CLI_STR, &due, "DATE", "replies are due by this date", 0},
		{"secrecy", CLI_STR, &secrecy, "MARK", "mat, toi_mat or tuyet_mat", 0},
		{"urgency", CLI_STR, &urgency, "MARK", "khan, thuong_khan or hoa_toc", 0},
		{"pdf", CLI_STR, &pdf, "FILE", "the document's PDF", 0},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc add",
		"cadre doc add --db PATH --type TYPE --subject TEXT (--issuer CODE | "
		"--in --unit CODE --symbol SYMBOL --date DATE (--issuer CODE | "
		"--from-name TEXT --from-org ORG)) [--signer LOGIN…] [--recipient "
		"CODE…] [--pdf FILE] [--as LOGIN]",
		"Create an outgoing draft (numbered later, when issued) or register "
		"an incoming\ndocument with its own symbol and a new incoming number.",
		opts, 0, 0, doc_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	struct doc_new d;
	struct doc_signer_in *s = NULL;
	int64_t *r = NULL, id = 0;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	memset(&d, 0, sizeof d);
	if ((rc = cli_check_date(date, "date")) != CLI_OK ||
	    (rc = cli_check_date(due, "reply-due")) != CLI_OK ||
	    (rc = open_unit(&c, url, as, issuer, "issuer", &d.issuer_id)) != CLI_OK) {
		goto out;
	}
	s = calloc((size_t)signers.n + 1, sizeof *s);
	r = calloc((size_t)recipients.n + 1, sizeof *r);
	if (!s || !r) {
		rc = cli_errorf(CLI_FAIL, "out of memory");
	} else if ((rc = resolve_lists(&c, &signers, &recipients, s, r)) == CLI_OK &&
		   (!unit || (rc = cli_unit_id(&c, unit, "unit", &d.owner_id)) == CLI_OK)) {
		d.direction = incoming ? "in" : "out";
		d.type = type;
		d.subject = subject;
		d.symbol = symbol;
		d.date = date;
		d.received = received;
		d.issuer_name = from_name;
		d.issuer_org = from_org;
		d.reply_due = due;
		d.secrecy = secrecy;
		d.urgency = urgency;
		d.route_mode = mode;
		d.n_signers = signers.n;
		d.signers = s;
		d.n_recipients = recipients.n;
		d.recipients = r;
		if (doc_create(&c.cx, &d, &id, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else {
			printf("document %lld created\n", (long long)id);
			if (pdf) {
				rc = attach_file(&c, id, "main", pdf);
			}
		}
	}
	cli_close(&c);
out:
	free(s);
	free(r);
	cli_list_free(&signers);
	cli_list_free(&recipients);
	return rc;
}

static int doc_attach_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *slot = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"slot", CLI_STR, &slot, "NAME",
		 "main (the document's PDF, default) or an attachment's name", 0},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc attach", "cadre doc attach --db PATH ID FILE [--slot NAME] [--as LOGIN]",
		"Add a new version of a document's PDF or of an attachment.",
		opts, 2, 2, doc_fields,
	};
	struct cli_list pos = {NULL, 0};
	struct cli_ctx c;
	int64_t id = 0;
	int rc;
	CLI_PARSE(&spec, argc, argv, &pos);
	if ((rc = parse_id(pos.v[0], &id)) == CLI_OK &&
	    (rc = cli_open(&c, url, as, 0)) == CLI_OK) {
		rc = attach_file(&c, id, slot, pos.v[1]);
		cli_close(&c);
	}
	cli_list_free(&pos);
	return rc;
}

static void print_doc(json_t *d)
{
	json_t *a, *x;
	size_t i;
	printf("%s  %s  [%s, %s]\n", *cli_jstr(d, "symbol") ? cli_jstr(d, "symbol") : "(chưa số)",
	       cli_jstr(d, "subject"), cli_jstr(d, "direction"), cli_jstr(d, "status"));
	printf("  unit %s, type %s, date %s\n",
	       cli_jstr(json_object_get(d, "unit"), "code"),
	       cli_jstr(json_object_get(d, "type"), "code"), cli_jstr(d, "date"));
	a = json_object_get(json_object_get(d, "route"), "signers");
	json_array_foreach(a, i, x) {
		printf("  signer %lld: %s %s%s\n", (long long)cli_jint(x, "seq"),
		       cli_jstr(x, "login"), cli_jstr(x, "title"),
		       json_is_string(json_object_get(x, "signed_at")) ? " (signed)" : "");
	}
	json_array_foreach(json_object_get(d, "files"), i, x) {
		printf("  file %s v%lld %s %s\n", cli_jstr(x, "slot"),
		       (long long)cli_jint(x, "version"), cli_jstr(x, "name"),
		       cli_jstr(x, "sha256"));
	}
	json_array_foreach(json_object_get(d, "history"), i, x) {
		printf("  %s %s %s %s\n", cli_jstr(x, "at"), cli_jstr(x, "actor"),
		       cli_jstr(x, "action"), cli_jstr(x, "note"));
	}
}

static int doc_show_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL;
	int json = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url), CLI_OPT_JSON(&json), CLI_OPT_AS(&as), CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc show", "cadre doc show --db PATH ID [--json] [--as LOGIN]",
		"One document: fields, route, files, history.", opts, 1, 1, doc_fields,
	};
	struct cli_list pos = {NULL, 0};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	json_t *d = NULL;
	int64_t id = 0;
	int rc;
	CLI_PARSE(&spec, argc, argv, &pos);
	if ((rc = parse_id(pos.v[0], &id)) == CLI_OK &&
	    (rc = cli_open(&c, url, as, 0)) == CLI_OK) {
		if (doc_get(&c.cx, id, &d, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else if (json) {
			cli_json_print(d);
		} else {
			print_doc(d);
		}
		json_decref(d);
		cli_close(&c);
	}
	cli_list_free(&pos);
	return rc;
}

/* --- list and search --- */

static int list_or_search(int argc, char **argv, int search)
{
	const char *url = NULL, *as = NULL, *unit = NULL, *type = NULL,
		   *from = NULL, *to = NULL, *status = NULL;
	int json = 0, limit = 50, overdue = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"unit", CLI_STR, &unit, "CODE", "only this unit's subtree", 0},
		{"type", CLI_STR, &type, "TYPE", "only this type", 0},
		{"from", CLI_STR, &from, "DATE", "dated on or after", 0},
		{"to", CLI_STR, &to, "DATE", "dated on or before", 0},
		{"status", CLI_STR, &status, "STATUS", "draft, review, …, issued, received", 0},
		{"overdue", CLI_BOOL, &overdue, NULL, "only replies overdue", 0},
		{"limit", CLI_INT, &limit, "N", "at most N (default 50, max 500)", 0},
		CLI_OPT_JSON(&json),
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		search ? "doc search" : "doc list",
		search ? "cadre doc search --db PATH WORDS… [filters] [--json]"
		       : "cadre doc list --db PATH [--unit CODE] [--type TYPE] [--from DATE] "
			 "[--to DATE] [--status S] [--overdue] [--json]",
		search ? "Find documents by the words of their subject, symbol and "
			 "PDF text, ignoring\ncase and Vietnamese diacritics."
		       : "The documents in scope, newest first.",
		opts, search ? 1 : 0, search ? -1 : 0, doc_fields,
	};
	static const char *const head[] = {"ID", "SYMBOL", "DATE", "TYPE", "STATUS",
					   "UNIT", "SUBJECT"};
	struct cli_list pos = {NULL, 0};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	struct doc_query q;
	char words[1024] = "";
	json_t *out = NULL, *d;
	size_t i;
	int rc;
	CLI_PARSE(&spec, argc, argv, &pos);
	memset(&q, 0, sizeof q);
	for (int k = 0; k < pos.n; k++) {
		snprintf(words + strlen(words), sizeof words - strlen(words), "%s%s",
			 k ? " " : "", pos.v[k]);
	}
	if ((rc = cli_check_date(from, "from")) != CLI_OK ||
	    (rc = cli_check_date(to, "to")) != CLI_OK ||
	    (rc = open_unit(&c, url, as, unit, "unit", &q.unit)) != CLI_OK) {
		cli_list_free(&pos);
		return rc;
	}
	q.q = search ? words : NULL;
	q.type = type;
	q.from = from;
	q.to = to;
	q.status = status;
	q.overdue = overdue;
	q.limit = limit;
	if (doc_search(&c.cx, &q, &out, &e) < 0) {
		rc = cli_fail(&spec, &e);
	} else if (json) {
		cli_json_print(out);
	} else {
		struct cli_table t;
		char idb[24];
		cli_table_init(&t, 7, head);
		json_array_foreach(json_object_get(out, "items"), i, d) {
			const char *row[7];
			snprintf(idb, sizeof idb, "%lld", (long long)cli_jint(d, "id"));
			row[0] = idb;
			row[1] = cli_jstr(d, "symbol");
			row[2] = cli_jstr(d, "date");
			row[3] = cli_jstr(d, "type");
			row[4] = cli_jstr(d, "status");
			row[5] = cli_jstr(json_object_get(d, "unit"), "code");
			row[6] = cli_jstr(d, "subject");
			cli_table_add(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_free(&t);
		printf("%lld document(s)\n", (long long)cli_jint(out, "total"));
	}
	json_decref(out);
	cli_close(&c);
	cli_list_free(&pos);
	return rc;
}

static int doc_list_cmd(int argc, char **argv)
{
	return list_or_search(argc, argv, 0);
}

static int doc_search_cmd(int argc, char **argv)
{
	return list_or_search(argc, argv, 1);
}

/* --- workflow steps --- */

static int doc_step_cmd(int argc, char **argv, int which)
{
	static const char *const names[] = {"doc submit", "doc review", "doc issue"};
	static const char *const usages[] = {
		"cadre doc submit --db PATH ID [--note TEXT] [--as LOGIN]",
		"cadre doc review --db PATH ID (--approve | --return --note TEXT) [--as LOGIN]",
		"cadre doc issue --db PATH ID [--date DATE] [--distribute] [--as LOGIN]"};
	static const char *const abouts[] = {
		"Submit a draft for review.",
		"Approve a submitted document, or return it with a comment.",
		"Number and issue a signed document (once), optionally sending it to "
		"its recipients."};
	const char *url = NULL, *as = NULL, *note = NULL, *date = NULL;
	int approve = 0, ret = 0, distribute = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"note", CLI_STR, &note, "TEXT", "a note or the review comment", 0},
		{"approve", CLI_BOOL, &approve, NULL, "review: approve", 0},
		{"return", CLI_BOOL, &ret, NULL, "review: return with --note", 0},
		{"date", CLI_STR, &date, "DATE", "issue: the document's date (default today)", 0},
		{"distribute", CLI_BOOL, &distribute, NULL, "issue: send it at once", 0},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {names[which], usages[which], abouts[which], opts,
				      1, 1, doc_fields};
	struct cli_list pos = {NULL, 0};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	json_t *d = NULL;
	int64_t id = 0;
	int rc, r = 0;
	CLI_PARSE(&spec, argc, argv, &pos);
	if (which == 1 && approve == ret) {
		cli_list_free(&pos);
		return cli_errorf(CLI_USAGE, "doc review: give --approve or --return");
	}
	if ((rc = parse_id(pos.v[0], &id)) == CLI_OK &&
	    (rc = cli_check_date(date, "date")) == CLI_OK &&
	    (rc = cli_open(&c, url, as, 0)) == CLI_OK) {
		r = which == 0 ? doc_submit(&c.cx, id, note, &e)
		    : which == 1 ? doc_review(&c.cx, id, approve, note, &e)
				 : doc_issue(&c.cx, id, date, distribute, &e);
		if (r < 0 || doc_get(&c.cx, id, &d, &e) < 0) {
			rc = cli_fail(&spec, &e);
		} else {
			printf("document %lld: %s%s%s\n", (long long)id, cli_jstr(d, "status"),
			       *cli_jstr(d, "symbol") ? " " : "", cli_jstr(d, "symbol"));
		}
		json_decref(d);
		cli_close(&c);
	}
	cli_list_free(&pos);
	return rc;
}

static int doc_submit_cmd(int argc, char **argv)
{
	return doc_step_cmd(argc, argv, 0);
}

static int doc_review_cmd(int argc, char **argv)
{
	return doc_step_cmd(argc, argv, 1);
}

static int doc_issue_cmd(int argc, char **argv)
{
	return doc_step_cmd(argc, argv, 2);
}

/* --- registers --- */

static int doc_register_cmd(int argc, char **argv)
{
	const char *url = NULL, *as = NULL, *unit = NULL, *kind = "out",
		   *format = "xlsx", *outp = NULL;
	int year = 0;
	const struct cli_opt opts[] = {
		CLI_OPT_DB(&url),
		{"unit", CLI_STR, &unit, "CODE", "whose register", 1},
		{"kind", CLI_STR, &kind, "KIND", "out (default) or in", 0},
		{"year", CLI_INT, &year, "YEAR", "the year", 1},
		{"format", CLI_STR, &format, "FMT", "xlsx (default) or csv", 0},
		{"out", CLI_STR, &outp, "FILE", "the file to write (- = stdout)", 1},
		CLI_OPT_AS(&as),
		CLI_OPT_END,
	};
	const struct cli_spec spec = {
		"doc register",
		"cadre doc register --db PATH --unit CODE --year YEAR [--kind out|in] "
		"[--format xlsx|csv] --out FILE [--as LOGIN]",
		"Export the outgoing or incoming register of a unit for a year.",
		opts, 0, 0, doc_fields,
	};
	struct cli_ctx c;
	struct err e = ERR_INIT;
	int64_t unit_id;
	FILE *fp;
	int rc;
	CLI_PARSE(&spec, argc, argv, NULL);
	if ((rc = open_unit(&c, url, as, unit, "unit", &unit_id)) != CLI_OK) {
		return rc;
	}
	fp = strcmp(outp, "-") == 0 ? stdout : fopen(outp, "wb");
	if (!fp) {
		rc = cli_errorf(CLI_FAIL, "%s: cannot write", outp);
	} else {
		if (doc_register_export(&c.cx, unit_id, kind, year, format, fp, &e) < 0) {
			rc = cli_fail(&spec, &e);
		}
		if (fp != stdout && fclose(fp) != 0 && rc == CLI_OK) {
			rc = cli_errorf(CLI_FAIL, "%s: write error", outp);
		}
		if (rc != CLI_OK && fp != stdout) {
			remove(outp);
		}
	}
	cli_close(&c);
	return rc;
}

static const struct cli_cmd doc_cmds[] = {
	{"number", doc_number_cmd, "allocate the next number and print the symbol"},
	{"add", doc_add_cmd, "create a draft, or register an incoming document"},
	{"attach", doc_attach_cmd, "add a version of a document's PDF or attachment"},
	{"show", doc_show_cmd, "one document with its route, files and history"},
	{"list", doc_list_cmd, "documents in scope, with filters"},
	{"search", doc_search_cmd, "find documents by words, without diacritics"},
	{"submit", doc_submit_cmd, "submit a draft for review"},
	{"review", doc_review_cmd, "approve or return a submitted document"},
	{"issue", doc_issue_cmd, "number and issue a signed document"},
	{"sign", cli_doc_sign, "sign a PDF with your certificate (password on stdin)"},
	{"register", doc_register_cmd, "export the outgoing or incoming register"},
	{"issuer", doc_issuer_cmd, "make a unit an issuer of documents"},
	{"term", doc_term_cmd, "add a committee term (party series restart)"},
	{"types", doc_types_cmd, "the catalogues of document types"},
	{NULL, NULL, NULL},
};

int cmd_doc(int argc, char **argv)
{
	return cli_group("doc", doc_cmds, argc, argv);
}
