/*
 * cli_common.c — the plumbing every command shares once its flags are
 * parsed: opening the database as the system actor or as --as LOGIN,
 * printing errors ("cadre: --flag: message"), resolving unit codes, reading
 * a password from stdin, checking date flags, JSON access and text tables.
 * Never runs SQL and never decides what is allowed: it only asks the domain.
 */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/date.h"
#include "domain/auth.h"
#include "domain/org.h"

int cli_errorf(int code, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout); /* keep the order of the lines when both are piped */
	fputs("cadre: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* How to name a domain field in a message: the label from spec->fields
 * ("--on", "the password on stdin"; NULL there = no label), else "--flag"
 * when the field is a flag's name ('_' read as '-'), else NULL. */
static const char *field_label(const struct cli_spec *s, const char *field,
			       char *buf, size_t size)
{
	const char *const *p;
	const struct cli_opt *o;
	char name[sizeof ((struct err *)0)->field];
	size_t i;
	if (!s || !field || !field[0]) {
		return NULL;
	}
	for (p = s->fields; p && p[0]; p += 2) {
		if (strcmp(p[0], field) == 0) {
			return p[1];
		}
	}
	for (i = 0; field[i] && i + 1 < sizeof name; i++) {
		name[i] = field[i] == '_' ? '-' : field[i];
	}
	name[i] = 0;
	for (o = s->opts; o && o->name; o++) {
		if (strcmp(o->name, name) == 0) {
			snprintf(buf, size, "--%s", o->name);
			return buf;
		}
	}
	return NULL;
}

int cli_fail(const struct cli_spec *s, const struct err *e)
{
	char buf[80];
	const char *label = field_label(s, e->field, buf, sizeof buf);
	const char *msg = e->msg[0] ? e->msg : err_code_name(e->code);
	if (label) {
		return cli_errorf(CLI_FAIL, "%s: %s", label, msg);
	}
	return cli_errorf(CLI_FAIL, "%s", msg);
}

static int is_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 ||
	       strncmp(url, "postgres://", 11) == 0 ||
	       strncmp(url, "file:", 5) == 0 || strcmp(url, ":memory:") == 0;
}

int cli_need_db(const char *url)
{
	if (!is_url(url) && access(url, F_OK) != 0) {
		return cli_errorf(CLI_FAIL,
				  "%s: no such database (create one with "
				  "'cadre init --db %s')",
				  url, url);
	}
	return CLI_OK;
}

int cli_open(struct cli_ctx *c, const char *url, const char *as_login,
	     int flags)
{
	struct err e = ERR_INIT;
	memset(c, 0, sizeof *c);
	if (!(flags & CLI_OPEN_CREATE) && cli_need_db(url) != CLI_OK) {
		return CLI_FAIL;
	}
	if (db_open(url, &c->db, &e) < 0) {
		c->db = NULL;
		return cli_errorf(CLI_FAIL, "%s: %s", url, e.msg);
	}
	cx_init_system(&c->cx, c->db);
	if (as_login &&
	    auth_actor_by_login(c->db, as_login, &c->cx.actor, &e) < 0) {
		cli_errorf(CLI_FAIL, "--as: %s", e.msg);
		cli_close(c);
		return CLI_FAIL;
	}
	return CLI_OK;
}

void cli_close(struct cli_ctx *c)
{
	if (c->db) {
		db_close(c->db);
		c->db = NULL;
	}
}

int cli_unit_id(struct cli_ctx *c, const char *code, const char *flag,
		int64_t *id)
{
	struct err e = ERR_INIT;
	if (org_unit_id_by_code(&c->cx, code, id, &e) < 0) {
		if (flag) {
			return cli_errorf(CLI_FAIL, "--%s: %s", flag, e.msg);
		}
		return cli_errorf(CLI_FAIL, "%s", e.msg);
	}
	return CLI_OK;
}

int cli_read_password(char **out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	*out = NULL;
	if (isatty(STDIN_FILENO)) {
		fputs("password: ", stderr);
		fflush(stderr);
	}
	n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return cli_errorf(CLI_FAIL, "no password on standard input "
					    "(its first line is the password)");
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
		line[--n] = 0;
	}
	if (n == 0) {
		cli_password_free(line);
		return cli_errorf(CLI_FAIL, "the password on standard input "
					    "is empty");
	}
	*out = line;
	return CLI_OK;
}

void cli_password_free(char *pw)
{
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
}

int cli_check_date(const char *value, const char *flag)
{
	struct err e = ERR_INIT;
	if (value && date_check(value, flag, &e) < 0) {
		return cli_errorf(CLI_FAIL, "--%s: %s", flag, e.msg);
	}
	return CLI_OK;
}

const char *cli_jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int64_t cli_jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_integer(v)) {
		return (int64_t)json_integer_value(v);
	}
	if (json_is_real(v)) {
		return (int64_t)json_real_value(v);
	}
	return 0;
}

void cli_json_print(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
}

int cli_collect(struct cli_ctx *c, cli_page_fn fn, void *arg, int max,
		json_t **items, int64_t *total, struct err *e)
{
	enum { PAGE = 500 }; /* the API's largest page */
	int offset = 0;
	*items = json_array();
	*total = 0;
	for (;;) {
		json_t *page = NULL, *got;
		int limit = PAGE;
		size_t n;
		if (max > 0 && max - offset < limit) {
			limit = max - offset;
		}
		if (fn(c, arg, limit, offset, &page, e) < 0) {
			json_decref(*items);
			*items = NULL;
			return -1;
		}
		got = json_object_get(page, "items");
		n = json_array_size(got);
		json_array_extend(*items, got);
		*total = cli_jint(page, "total");
		json_decref(page);
		offset += (int)n;
		if (n == 0 || offset >= *total || (max > 0 && offset >= max)) {
			return 0;
		}
	}
}

/* Display width: code points (cadre stores NFC, so Vietnamese letters are
 * one code point each). */
static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80) {
			w++;
		}
	}
	return w;
}

void cli_table_init(struct cli_table *t, int ncol, const char *const *head)
{
	memset(t, 0, sizeof *t);
	t->ncol = ncol;
	cli_table_add(t, head);
}

void cli_table_add(struct cli_table *t, const char *const *row)
{
	int i;
	if (t->nrow == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		char **cells = realloc(t->cells,
				       (size_t)cap * (size_t)t->ncol * sizeof *cells);
		if (!cells) {
			return;
		}
		t->cells = cells;
		t->cap = cap;
	}
	for (i = 0; i < t->ncol; i++) {
		t->cells[t->nrow * t->ncol + i] = strdup(row[i] ? row[i] : "");
	}
	t->nrow++;
}

void cli_table_print(const struct cli_table *t, FILE *f)
{
	size_t width[16] = {0};
	int r, c;
	for (r = 0; r < t->nrow; r++) {
		for (c = 0; c < t->ncol && c < 16; c++) {
			const char *s = t->cells[r * t->ncol + c];
			size_t w = s ? text_width(s) : 0;
			if (w > width[c]) {
				width[c] = w;
			}
		}
	}
	for (r = 0; r < t->nrow; r++) {
		for (c = 0; c < t->ncol; c++) {
			const char *s = t->cells[r * t->ncol + c];
			s = s ? s : "";
			fputs(s, f);
			if (c + 1 < t->ncol) {
				size_t w = text_width(s);
				size_t pad = (c < 16 ? width[c] : w) - w + 2;
				while (pad--) {
					fputc(' ', f);
				}
			}
		}
		fputc('\n', f);
	}
}

void cli_table_free(struct cli_table *t)
{
	int i;
	for (i = 0; i < t->nrow * t->ncol; i++) {
		free(t->cells[i]);
	}
	free(t->cells);
	memset(t, 0, sizeof *t);
}
