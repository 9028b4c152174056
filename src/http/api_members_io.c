/*
 * api_members_io.c — files in and out of the members API (docs/api.md
 * "Members"): POST /imports (the request body is the CSV or XLSX file,
 * spooled to a temporary file for import_members), POST /imports/preview
 * (the header's column mapping and the first rows, before a run),
 * GET /imports/progress?ticket= (rows read by a running import), the jobs,
 * and the exports of member lists and of the data-quality worklist as CSV
 * or XLSX, sent as file replies (route.h: r->file).  No SQL and no rule
 * here: the domain checks rights, validates and maps; this file moves bytes.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/date.h"
#include "base/utf8.h"
#include "base/xlsx_read.h"
#include "domain/import.h"
#include "domain/member.h"
#include "domain/member_columns.h"
#include "domain/quality.h"
#include "http/route.h"
#include "report/table_write.h"

#define IMPORT_REJECTS_MAX 1000 /* rejected rows listed in a result */
#define PROBLEMS_PAGE 100000	/* quality_problems' largest page */
#define TICKETS 32		/* imports followed at once */
#define TICKET_MIN 8
#define TICKET_MAX 64

static const char *const mime_csv = "text/csv; charset=utf-8";
static const char *const mime_xlsx =
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/* ---- progress tickets ---- */

/* The browser cannot learn the job id of an import before its POST
 * returns (the job row is inside the import's transaction), so it names
 * the run with a random ticket of its own; the ticket is bound to the
 * user and maps to the job id once import_members reports it. */
static pthread_mutex_t tk_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ticket {
	unsigned gen; /* 0 = free */
	int64_t user;
	char id[TICKET_MAX + 1];
	int64_t job;
	int finished, failed;
	long rows;
	char err_code[24], err_field[64], err_message[512]; /* failed */
} tickets[TICKETS];
static unsigned tk_gen;
static int tk_next;

struct ticket_ref {
	int slot;
	unsigned gen;
};

static int ticket_valid(const char *t, struct err *e)
{
	size_t n = strlen(t);
	if (n < TICKET_MIN || n > TICKET_MAX ||
	    strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_-") != n) {
		return err_set(e, ERR_INVALID, "ticket",
			       "ticket must be %d to %d letters, digits, _ or -",
			       TICKET_MIN, TICKET_MAX);
	}
	return 0;
}

static struct ticket_ref ticket_open(int64_t user, const char *id)
{
	struct ticket_ref ref;
	pthread_mutex_lock(&tk_lock);
	ref.slot = tk_next;
	tk_next = (tk_next + 1) % TICKETS;
	ref.gen = ++tk_gen ? tk_gen : ++tk_gen;
	memset(&tickets[ref.slot], 0, sizeof tickets[ref.slot]);
	tickets[ref.slot].gen = ref.gen;
	tickets[ref.slot].user = user;
	snprintf(tickets[ref.slot].id, sizeof tickets[ref.slot].id, "%s", id);
	pthread_mutex_unlock(&tk_lock);
	return ref;
}

static void ticket_set(const struct ticket_ref *ref, int64_t job, int finished,
		       long rows)
{
	pthread_mutex_lock(&tk_lock);
	if (ref->slot >= 0 && tickets[ref->slot].gen == ref->gen) {
		if (job) {
			tickets[ref->slot].job = job;
		}
		tickets[ref->slot].finished = finished;
		tickets[ref->slot].rows = rows;
	}
	pthread_mutex_unlock(&tk_lock);
}

/* The outcome of a finished import on its ticket (e when rc < 0). */
static void ticket_end(const struct ticket_ref *ref, long rows, int rc,
		       const struct err *e)
{
	pthread_mutex_lock(&tk_lock);
	if (ref->slot >= 0 && tickets[ref->slot].gen == ref->gen) {
		struct ticket *t = &tickets[ref->slot];
		t->finished = 1;
		t->rows = rows;
		t->failed = rc < 0;
		if (rc < 0) {
			snprintf(t->err_code, sizeof t->err_code, "%s", err_code_name(e->code));
			snprintf(t->err_field, sizeof t->err_field, "%s", e->field);
			snprintf(t->err_message, sizeof t->err_message, "%s", e->msg);
		}
	}
	pthread_mutex_unlock(&tk_lock);
}

static void on_import_start(void *arg, int64_t job_id)
{
	ticket_set(arg, job_id, 0, 0);
}

/* {"ticket","job_id","state","rows","rows_estimate","done"} and, once
 * done, "result" (the final counts) and "error" (null unless failed). */
int api_imports_progress(struct http_req *r, struct err *e)
{
	const char *id = req_q_str(r, "ticket");
	struct ticket t = {0};
	struct import_progress p;
	json_t *result = NULL, *error = NULL;
	const char *state;
	if (!id) {
		return err_set(e, ERR_BAD_REQUEST, "ticket", "ticket is required");
	}
	if (ticket_valid(id, e)) {
		return -1;
	}
	pthread_mutex_lock(&tk_lock);
	for (int i = 0; i < TICKETS; i++) {
		if (tickets[i].gen && tickets[i].user == r->cx.actor.user_id &&
		    strcmp(tickets[i].id, id) == 0) {
			t = tickets[i];
		}
	}
	pthread_mutex_unlock(&tk_lock);
	if (!t.gen) {
		return err_set(e, ERR_NOT_FOUND, "ticket", "no import with this ticket");
	}
	memset(&p, 0, sizeof p);
	if (!t.job || import_progress(t.job, &p) != 0) {
		memset(&p, 0, sizeof p);
	}
	if (t.finished && !p.done) {
		/* ended before its job started (a refused request): the
		 * ticket knows the outcome */
		p.done = 1;
		p.rows = t.rows;
		p.state = t.failed ? "failed" : "done";
		snprintf(p.err_code, sizeof p.err_code, "%s", t.err_code);
		snprintf(p.err_field, sizeof p.err_field, "%s", t.err_field);
		snprintf(p.err_message, sizeof p.err_message, "%s", t.err_message);
	}
	state = p.done ? (p.state ? p.state : "done") : t.job ? "running" : "starting";
	if (p.done) {
		result = json_pack("{sI sI sI sI sI sI sb}", "rows", (json_int_t)p.rows, "valid",
				   (json_int_t)p.valid, "rejected", (json_int_t)p.rejected,
				   "inserted", (json_int_t)p.inserted, "updated",
				   (json_int_t)p.updated, "unchanged", (json_int_t)p.unchanged,
				   "committed", p.committed);
	}
	if (p.done && strcmp(state, "failed") == 0) {
		error = json_pack("{ss ss ss}", "code", p.err_code[0] ? p.err_code : "internal",
				  "field", p.err_field, "message", p.err_message);
	}
	r->out = json_pack("{ss sI ss sI sI sb so* so*}", "ticket", t.id, "job_id",
			   (json_int_t)t.job, "state", state, "rows", (json_int_t)p.rows,
			   "rows_estimate", (json_int_t)p.rows_estimate, "done", p.done,
			   "result", result ? result : json_null(), "error",
			   error ? error : json_null());
	return r->out ? 0 : err_set(e, ERR_INTERNAL, "", "out of memory");
}

/* ---- imports ---- */

/* Write the request body to a new temporary file; path receives its name. */
static int spool(const struct http_req *r, char path[PATH_MAX], struct err *e)
{
	const char *dir = getenv("TMPDIR");
	const unsigned char *p = r->raw;
	size_t left = r->raw_len;
	int fd;
	snprintf(path, PATH_MAX, "%s/cadre-import-XXXXXX",
		 dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		return err_set(e, ERR_INTERNAL, "", "cannot create a temporary file");
	}
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w <= 0) {
			close(fd);
			unlink(path);
			return err_set(e, ERR_INTERNAL, "", "cannot write a temporary file");
		}
		p += w;
		left -= (size_t)w;
	}
	if (close(fd) != 0) {
		unlink(path);
		return err_set(e, ERR_INTERNAL, "", "cannot write a temporary file");
	}
	return 0;
}

/* e as the API's error object; a message cut inside a character loses it. */
static json_t *error_json(const struct err *e)
{
	char msg[sizeof e->msg];
	size_t n;
	snprintf(msg, sizeof msg, "%s", e->msg);
	n = strlen(msg);
	while (n > 0 && !utf8_valid(msg, n)) {
		msg[--n] = 0;
	}
	return json_pack("{ss ss ss}", "code", err_code_name(e->code), "field",
			 utf8_valid(e->field, strlen(e->field)) ? e->field : "",
			 "message", msg);
}

int api_imports_post(struct http_req *r, struct err *e)
{
	const char *ticket = req_q_str(r, "ticket");
	struct ticket_ref ref = {-1, 0};
	struct import_opts o;
	struct import_result res;
	char path[PATH_MAX];
	json_t *out = NULL, *ej;
	int rc;
	if (r->raw_len == 0) {
		return err_set(e, ERR_BAD_REQUEST, "",
			       "the request body must be the file (CSV or XLSX)");
	}
	if (ticket && ticket_valid(ticket, e)) {
		return -1;
	}
	memset(&o, 0, sizeof o);
	o.name = req_q_str(r, "file_name") ? req_q_str(r, "file_name") : "upload";
	o.org = req_q_str(r, "org");
	o.unit_id = req_q_int(r, "unit");
	o.dry_run = (int)req_q_int(r, "dry_run");
	o.skip_invalid = (int)req_q_int(r, "skip_invalid");
	o.max_messages = IMPORT_REJECTS_MAX;
	if (spool(r, path, e)) {
		return -1;
	}
	o.path = path;
	if (ticket) {
		ref = ticket_open(r->cx.actor.user_id, ticket);
		o.on_start = on_import_start;
		o.arg = &ref;
	}
	rc = import_members(&r->cx, &o, &res, &out, e);
	unlink(path);
	ticket_end(&ref, res.rows, rc, e);
	if (rc == 0) {
		r->out = out;
		r->status = o.dry_run ? 200 : 201;
		return 0;
	}
	/* All or nothing and rows were refused: the error, plus the counts
	 * and the refused rows the clerk needs to fix the file. */
	if (out && rc == -ERR_INVALID && res.rejected > 0 &&
	    (ej = error_json(e)) != NULL) {
		json_object_set_new(out, "error", ej);
		r->out = out;
		r->status = err_http_status(ERR_INVALID);
		return 0;
	}
	json_decref(out);
	return rc;
}

int api_imports_list(struct http_req *r, struct err *e)
{
	return import_job_list(&r->cx, (int)req_q_int(r, "limit"),
			       (int)req_q_int(r, "offset"), &r->out, e);
}

int api_imports_get(struct http_req *r, struct err *e)
{
	return import_job_get(&r->cx, r->id, &r->out, e);
}

/* ---- import preview ---- */

/* One reader over CSV or XLSX bytes (a zip archive is XLSX, as for
 * import_members). */
struct sheet {
	struct csv_reader *csv;
	struct xlsx_reader *xlsx;
};

static int sheet_next(struct sheet *s, struct csv_row *row, struct err *e)
{
	return s->xlsx ? xlsx_next(s->xlsx, row, e) : csv_next(s->csv, row, e);
}

static json_t *cells_json(const struct csv_row *row)
{
	json_t *a = json_array();
	for (int i = 0; i < row->n; i++) {
		json_array_append_new(a, json_string(row->f[i]));
	}
	return a;
}

/* The mapped, normalized values of a data row: {"field": value}. */
static json_t *values_json(const struct csv_row *row, const int map[MF__COUNT])
{
	char buf[MEMBER_VALUE_MAX];
	json_t *o = json_object();
	for (int f = 0; f < MF__COUNT; f++) {
		const char *in;
		if (map[f] < 0) {
			continue;
		}
		in = map[f] < row->n ? row->f[map[f]] : "";
		json_object_set_new(o, member_field_names[f],
				    json_string(member_value_normalize(f, in, buf,
								       sizeof buf)));
	}
	return o;
}

/* The header row and the first data rows, with the mapping import_members
 * would use: {"format","delimiter","header":[…],"columns":[{"index",
 * "header","field"}],"missing":[field…],"problem":null|Error,
 * "rows":[{"line","cells":[…],"values":{field:normalized}}]}.
 * A sample cut in the middle (the browser may send the first bytes of a
 * large CSV) ends the rows without an error. */
int api_imports_preview(struct http_req *r, struct err *e)
{
	const char *name = req_q_str(r, "file_name") ? req_q_str(r, "file_name")
						     : "upload";
	int max_rows = (int)req_q_int(r, "rows"), map[MF__COUNT], rc, mapped;
	struct sheet s = {NULL, NULL};
	struct csv_row row;
	struct err me = ERR_INIT;
	json_t *o, *cols, *missing, *rows, *header;
	if (r->raw_len == 0) {
		return err_set(e, ERR_BAD_REQUEST, "",
			       "the request body must be the file (CSV or XLSX)");
	}
	if (r->raw_len >= 4 && memcmp(r->raw, "PK\003\004", 4) == 0) {
		rc = xlsx_open_mem(name, r->raw, r->raw_len, &s.xlsx, e);
	} else {
		rc = csv_open_mem(name, r->raw, r->raw_len, &s.csv, e);
	}
	if (rc) {
		return rc;
	}
	rc = sheet_next(&s, &row, e);
	if (rc <= 0) {
		if (rc == 0) {
			rc = err_set(e, ERR_INVALID, "file", "%s: the file is empty", name);
		}
		goto out;
	}
	for (int f = 0; f < MF__COUNT; f++) {
		map[f] = -1;
	}
	mapped = member_columns_map(&row, map, &me) == 0;
	header = cells_json(&row);
	cols = json_array();
	for (int i = 0; i < row.n; i++) {
		const char *field = NULL;
		for (int f = 0; f < MF__COUNT; f++) {
			if (map[f] == i) {
				field = member_field_names[f];
			}
		}
		json_array_append_new(cols, json_pack("{si ss ss?}", "index", i, "header",
						      row.f[i], "field", field));
	}
	missing = json_array();
	for (int f = 0; f < MF__COUNT; f++) {
		if (map[f] < 0 && member_column_required(f)) {
			json_array_append_new(missing, json_string(member_field_names[f]));
		}
	}
	o = json_pack("{ss ss so so so so}", "format", s.xlsx ? "xlsx" : "csv",
		      "delimiter", s.csv && csv_delimiter(s.csv) == ';' ? ";" : ",",
		      "header", header, "columns", cols, "missing", missing, "problem",
		      mapped ? json_null() : error_json(&me));
	rows = json_array();
	while (o && (int)json_array_size(rows) < max_rows) {
		struct err re = ERR_INIT;
		int k = sheet_next(&s, &row, &re);
		if (k <= 0) {
			break; /* the end, or a sample cut short */
		}
		json_array_append_new(rows, json_pack("{sI so so}", "line",
						      (json_int_t)row.line, "cells",
						      cells_json(&row), "values",
						      values_json(&row, map)));
	}
	if (o) {
		json_object_set_new(o, "rows", rows);
		r->out = o;
		rc = 0;
	} else {
		json_decref(rows);
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
	}
out:
	if (s.xlsx) {
		xlsx_close(s.xlsx);
	}
	if (s.csv) {
		csv_close(s.csv);
	}
	return rc;
}

/* ---- exports (file replies) ---- */

/* A table written into memory. */
struct mem_table {
	FILE *fp;
	char *buf;
	size_t len;
	enum table_format fmt;
	struct table_writer *w;
};

static int mem_open(struct mem_table *m, const char *format, const char *sheet,
		    struct err *e)
{
	memset(m, 0, sizeof *m);
	if (table_format_parse(format ? format : "csv", &m->fmt, "format", e)) {
		return -1;
	}
	m->fp = open_memstream(&m->buf, &m->len);
	if (!m->fp) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (table_writer_open(NULL, m->fp, m->fmt, sheet, &m->w, e)) {
		fclose(m->fp);
		free(m->buf);
		m->w = NULL;
		return -1;
	}
	return 0;
}

/* Finish the table and hand it to r as the reply "<base>-<date>.<ext>";
 * on rc < 0 (or a writer error) drop it. */
static int mem_finish(struct mem_table *m, int rc, struct http_req *r,
		      const char *base, struct err *e)
{
	char day[11], name[100];
	size_t k = 0;
	if (rc == 0) {
		rc = table_writer_close(m->w, e);
	} else {
		table_writer_abort(m->w);
	}
	if (fclose(m->fp) != 0 && rc == 0) {
		rc = err_set(e, ERR_INTERNAL, "", "cannot write the export");
	}
	if (rc) {
		free(m->buf);
		return rc;
	}
	/* the file name: the base with only [A-Za-z0-9_-] kept */
	for (const char *p = base; *p && k < 60; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_') {
			name[k++] = *p;
		}
	}
	name[k] = 0;
	date_format(date_from_days(r->cx.now_ms / 86400000), day);
	snprintf(r->file_name, sizeof r->file_name, "%s-%s.%s", name, day,
		 m->fmt == TABLE_XLSX ? "xlsx" : "csv");
	r->file = m->buf;
	r->file_len = m->len;
	r->file_type = m->fmt == TABLE_XLSX ? mime_xlsx : mime_csv;
	return 0;
}

static int export_row(void *arg, const char *const *cells, struct err *e)
{
	return table_writer_row(arg, MEMBER_EXPORT_NCOL, cells, e);
}

/* GET /members/export: the rows of member_export, the header its stable
 * field names (so that the file imports back as it is). */
int api_members_export(struct http_req *r, struct err *e)
{
	struct member_export_query q = {
		.org = req_q_str(r, "org"),
		.unit_id = req_q_int(r, "unit"),
		.status = req_q_str(r, "status"),
		.as_of = req_q_str(r, "as_of"),
	};
	enum table_col types[MEMBER_EXPORT_NCOL] = {TABLE_TEXT};
	struct mem_table m;
	char base[64];
	int rc;
	if (!q.org) {
		return err_set(e, ERR_INVALID, "org", "org is required");
	}
	types[MF_BIRTH_DATE] = types[MF_JOINED] = types[MF_OFFICIAL] = TABLE_DATE;
	types[MEMBER_EXPORT_NCOL - 1] = TABLE_DATE;
	if (mem_open(&m, req_q_str(r, "format"), "members", e)) {
		return -1;
	}
	rc = table_writer_columns(m.w, MEMBER_EXPORT_NCOL, types, e);
	if (rc == 0) {
		rc = table_writer_header(m.w, MEMBER_EXPORT_NCOL, member_export_header, e);
	}
	if (rc == 0) {
		rc = member_export(&r->cx, &q, export_row, m.w, NULL, e);
	}
	snprintf(base, sizeof base, "members-%s", q.org);
	return mem_finish(&m, rc, r, base, e);
}

/* The worklist's columns: keys of quality_problems items, and headers. */
#define PROBLEM_NCOL 11
static const char *const problem_keys[PROBLEM_NCOL] = {
	"unit_code", "unit_name", "full_name", "citizen_id", "org", "number",
	"rule", "field", "severity", "message", "detail",
};
static const char *const problem_head_vi[PROBLEM_NCOL] = {
	"Mã đơn vị", "Đơn vị", "Họ và tên", "Số CCCD", "Tổ chức", "Số thẻ",
	"Quy tắc", "Trường", "Mức độ", "Vấn đề", "Chi tiết",
};
static const char *const problem_head_en[PROBLEM_NCOL] = {
	"Unit code", "Unit", "Full name", "Citizen ID", "Organization",
	"Card number", "Rule", "Field", "Severity", "Problem", "Detail",
};

/* GET /quality/problems?format=csv|xlsx: every problem of the subtree
 * (quality_problems page by page), headers in the caller's language. */
int api_quality_problems_file(struct http_req *r, int64_t unit, struct err *e)
{
	struct mem_table m;
	json_t *page = NULL;
	int64_t total = 1;
	int rc, offset = 0;
	int vi = r->cx.lang && strcmp(r->cx.lang, "vi") == 0;
	char base[48];
	if (mem_open(&m, req_q_str(r, "format"), vi ? "Vấn đề dữ liệu" : "Problems",
		     e)) {
		return -1;
	}
	rc = table_writer_header(m.w, PROBLEM_NCOL,
				 vi ? problem_head_vi : problem_head_en, e);
	while (rc == 0 && offset < total) {
		size_t i;
		json_t *it;
		rc = quality_problems(&r->cx, unit, PROBLEMS_PAGE, offset, &page, e);
		if (rc) {
			break;
		}
		total = json_integer_value(json_object_get(page, "total"));
		json_array_foreach(json_object_get(page, "items"), i, it) {
			const char *cells[PROBLEM_NCOL];
			for (int c = 0; c < PROBLEM_NCOL; c++) {
				cells[c] = json_string_value(json_object_get(it, problem_keys[c]));
			}
			if ((rc = table_writer_row(m.w, PROBLEM_NCOL, cells, e))) {
				break;
			}
		}
		offset += PROBLEMS_PAGE;
		if (json_array_size(json_object_get(page, "items")) == 0) {
			total = 0;
		}
		json_decref(page);
		page = NULL;
	}
	snprintf(base, sizeof base, "quality-%lld", (long long)unit);
	return mem_finish(&m, rc, r, base, e);
}
