/*
 * table_write.c — tabular exports in CSV or XLSX (table_write.h).  Owns the
 * output file (or a temporary XLSX copied to the caller's FILE*) and one
 * row of formatting; it reads no database and decides nothing about what
 * is exported.  It must never let a cell become a formula: CSV cells that
 * a spreadsheet would evaluate get a leading apostrophe, XLSX cells are
 * only ever strings, numbers or dates.
 */
#include "report/table_write.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/utf8.h"

struct table_writer {
	enum table_format fmt;
	char *path;	   /* the file we create (removed on failure), or NULL */
	FILE *fp;	   /* CSV output */
	int own_fp;
	FILE *out;	   /* XLSX to a FILE*: the destination */
	char tmp[512];	   /* XLSX to a FILE*: the temporary workbook */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *date_fmt, *bold;
	long rows;
	int n_types;
	enum table_col *types;
	struct buf line;   /* CSV: the row being formatted */
	int failed;
	struct err failure;
};

int table_format_parse(const char *s, enum table_format *out,
		       const char *field, struct err *e)
{
	if (s && strcasecmp(s, "csv") == 0) {
		*out = TABLE_CSV;
		return 0;
	}
	if (s && strcasecmp(s, "xlsx") == 0) {
		*out = TABLE_XLSX;
		return 0;
	}
	return err_set(e, ERR_INVALID, field, "%s must be csv or xlsx", field);
}

__attribute__((format(printf, 4, 5))) static int
wfail(struct table_writer *w, struct err *e, enum err_code code,
      const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	if (!w->failed) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		err_set(&w->failure, code, "file", "%s", msg);
		w->failed = 1;
	}
	if (e) {
		*e = w->failure;
	}
	return -(int)w->failure.code;
}

/* A sheet name Excel accepts: no []:*?/\, at most 31 characters. */
static void sheet_name(const char *in, char out[160])
{
	size_t w = 0, chars = 0;
	if (!in || !*in || !utf8_valid(in, strlen(in))) {
		in = "Sheet1";
	}
	for (const char *p = in; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c & 0xC0) != 0x80 && ++chars > 31) {
			break;
		}
		out[w++] = strchr("[]:*?/\\", c) || c < 0x20 ? '_' : (char)c;
	}
	out[w] = 0;
}

static int open_xlsx(struct table_writer *w, const char *file,
		     const char *sheet, struct err *e)
{
	lxw_workbook_options opts = {LXW_TRUE, NULL, LXW_FALSE};
	char name[160];
	w->wb = workbook_new_opt(file, &opts);
	if (!w->wb) {
		return wfail(w, e, ERR_INTERNAL, "cannot create %s", file);
	}
	sheet_name(sheet, name);
	w->ws = workbook_add_worksheet(w->wb, name);
	w->date_fmt = workbook_add_format(w->wb);
	w->bold = workbook_add_format(w->wb);
	if (!w->ws || !w->date_fmt || !w->bold) {
		return wfail(w, e, ERR_INTERNAL, "cannot start the XLSX workbook");
	}
	format_set_num_format(w->date_fmt, "dd/mm/yyyy");
	format_set_bold(w->bold);
	return 0;
}

int table_writer_open(const char *path, FILE *fp, enum table_format fmt,
		      const char *sheet, struct table_writer **out,
		      struct err *e)
{
	struct table_writer *w;
	int rc = 0;
	*out = NULL;
	if ((path == NULL) == (fp == NULL)) {
		return err_set(e, ERR_INTERNAL, "", "table_writer_open: give a path or a FILE*");
	}
	w = calloc(1, sizeof *w);
	if (!w) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	w->fmt = fmt;
	buf_init(&w->line, 0);
	if (path && !(w->path = strdup(path))) {
		free(w);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (fmt == TABLE_CSV) {
		if (path) {
			w->fp = fopen(path, "wb");
			w->own_fp = 1;
			if (!w->fp) {
				rc = wfail(w, e, ERR_INTERNAL, "cannot create %s: %s", path,
					   strerror(errno));
				free(w->path);
				w->path = NULL; /* not ours to remove */
			}
		} else {
			w->fp = fp;
		}
		if (rc == 0 && fwrite("\xEF\xBB\xBF", 1, 3, w->fp) != 3) {
			rc = wfail(w, e, ERR_INTERNAL, "write error: %s", strerror(errno));
		}
	} else if (path) {
		rc = open_xlsx(w, path, sheet, e);
	} else {
		const char *dir = getenv("TMPDIR");
		int fd;
		snprintf(w->tmp, sizeof w->tmp, "%s/cadre-export-XXXXXX.xlsx",
			 dir && *dir ? dir : "/tmp");
		fd = mkstemps(w->tmp, 5);
		if (fd < 0) {
			w->tmp[0] = 0;
			rc = wfail(w, e, ERR_INTERNAL, "cannot create a temporary file: %s",
				   strerror(errno));
		} else {
			close(fd);
			w->out = fp;
			rc = open_xlsx(w, w->tmp, sheet, e);
		}
	}
	if (rc) {
		table_writer_abort(w);
		return rc;
	}
	*out = w;
	return 0;
}

int table_writer_columns(struct table_writer *w, int n,
			 const enum table_col *types, struct err *e)
{
	if (w->rows > 0 || n < 0 || n > TABLE_MAX_COLS) {
		return err_set(e, ERR_INTERNAL, "", "table_writer_columns: before any row, 0..%d",
			       TABLE_MAX_COLS);
	}
	free(w->types);
	w->types = NULL;
	w->n_types = 0;
	if (n > 0) {
		w->types = malloc((size_t)n * sizeof *types);
		if (!w->types) {
			return err_set(e, ERR_INTERNAL, "", "out of memory");
		}
		memcpy(w->types, types, (size_t)n * sizeof *types);
		w->n_types = n;
	}
	return 0;
}

/* Would a spreadsheet evaluate this text as a formula? */
static int formula_like(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	       s[0] == '\t' || s[0] == '\r';
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)? with at most 15 digits: exact as a double. */
static int plain_number(const char *s)
{
	int digits = 0;
	if (*s == '-') {
		s++;
	}
	if (*s == '0' && s[1] >= '0' && s[1] <= '9') {
		return 0;
	}
	if (!(*s >= '0' && *s <= '9')) {
		return 0;
	}
	for (; *s >= '0' && *s <= '9'; s++) {
		digits++;
	}
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9')) {
			return 0;
		}
		for (; *s >= '0' && *s <= '9'; s++) {
			digits++;
		}
	}
	return *s == 0 && digits <= 15;
}

static enum table_col col_type(const struct table_writer *w, int i, int header)
{
	return header || i >= w->n_types ? TABLE_TEXT : w->types[i];
}

static void csv_cell(struct buf *b, const char *s, enum table_col type)
{
	int quote = strpbrk(s, ",;\"\r\n") != NULL;
	int neutral = formula_like(s) && !(type == TABLE_NUMBER && plain_number(s));
	if (quote) {
		buf_putc(b, '"');
	}
	if (neutral) {
		buf_putc(b, '\'');
	}
	for (const char *p = s; *p; p++) {
		if (*p == '"') {
			buf_putc(b, '"');
		}
		buf_putc(b, *p);
	}
	if (quote) {
		buf_putc(b, '"');
	}
}

static int xlsx_cell(struct table_writer *w, int col, const char *s,
		     enum table_col type, int header, struct err *e)
{
	lxw_row_t row = (lxw_row_t)w->rows;
	lxw_col_t c = (lxw_col_t)col;
	lxw_error rc;
	struct date d;
	if (!*s) {
		return 0;
	}
	if (type == TABLE_NUMBER && plain_number(s)) {
		rc = worksheet_write_number(w->ws, row, c, strtod(s, NULL), NULL);
	} else if (type == TABLE_DATE && strlen(s) == 10 && date_parse(s, &d, "", NULL) == 0) {
		lxw_datetime dt = {d.y, d.m, d.d, 0, 0, 0};
		rc = worksheet_write_datetime(w->ws, row, c, &dt, w->date_fmt);
	} else {
		rc = worksheet_write_string(w->ws, row, c, s, header ? w->bold : NULL);
	}
	if (rc == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
		return wfail(w, e, ERR_INVALID,
			     "row %ld, column %d: more than 32767 characters, too long for"
			     " XLSX (export as CSV)", w->rows + 1, col + 1);
	}
	if (rc != LXW_NO_ERROR) {
		return wfail(w, e, ERR_INTERNAL, "row %ld, column %d: %s", w->rows + 1,
			     col + 1, lxw_strerror(rc));
	}
	return 0;
}

static int write_row(struct table_writer *w, int n, const char *const *cells,
		     int header, struct err *e)
{
	if (w->failed) {
		return wfail(w, e, w->failure.code, "%s", w->failure.msg);
	}
	if (n < 1 || n > TABLE_MAX_COLS) {
		return err_set(e, ERR_INTERNAL, "", "a row has 1..%d cells", TABLE_MAX_COLS);
	}
	for (int i = 0; i < n; i++) {
		const char *s = cells[i] ? cells[i] : "";
		if (!utf8_valid(s, strlen(s))) {
			return wfail(w, e, ERR_INVALID, "row %ld, column %d: not valid UTF-8",
				     w->rows + 1, i + 1);
		}
	}
	if (w->fmt == TABLE_CSV) {
		buf_reset(&w->line);
		for (int i = 0; i < n; i++) {
			if (i > 0) {
				buf_putc(&w->line, ',');
			}
			csv_cell(&w->line, cells[i] ? cells[i] : "", col_type(w, i, header));
		}
		buf_append(&w->line, "\r\n", 2);
		if (w->line.err) {
			return wfail(w, e, ERR_INTERNAL, "out of memory");
		}
		if (fwrite(w->line.z, 1, w->line.n, w->fp) != w->line.n) {
			return wfail(w, e, ERR_INTERNAL, "write error: %s", strerror(errno));
		}
	} else {
		if (w->rows >= TABLE_XLSX_MAX_ROWS) {
			return wfail(w, e, ERR_TOO_LARGE,
				     "more than %d rows do not fit in XLSX: export as CSV",
				     TABLE_XLSX_MAX_ROWS);
		}
		for (int i = 0; i < n; i++) {
			if (xlsx_cell(w, i, cells[i] ? cells[i] : "", col_type(w, i, header),
				      header, e)) {
				return -(int)w->failure.code;
			}
		}
		if (header) {
			worksheet_freeze_panes(w->ws, (lxw_row_t)(w->rows + 1), 0);
			worksheet_set_column(w->ws, 0, (lxw_col_t)(n - 1), 20, NULL);
		}
	}
	w->rows++;
	return 0;
}

int table_writer_header(struct table_writer *w, int n,
			const char *const *cells, struct err *e)
{
	return write_row(w, n, cells, 1, e);
}

int table_writer_row(struct table_writer *w, int n, const char *const *cells,
		     struct err *e)
{
	return write_row(w, n, cells, 0, e);
}

/* Copy the finished temporary workbook to the caller's FILE*. */
static int copy_out(struct table_writer *w, struct err *e)
{
	char chunk[65536];
	size_t n;
	FILE *in = fopen(w->tmp, "rb");
	if (!in) {
		return wfail(w, e, ERR_INTERNAL, "cannot reopen %s: %s", w->tmp,
			     strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
		if (fwrite(chunk, 1, n, w->out) != n) {
			fclose(in);
			return wfail(w, e, ERR_INTERNAL, "write error: %s", strerror(errno));
		}
	}
	if (ferror(in)) {
		fclose(in);
		return wfail(w, e, ERR_INTERNAL, "read error on %s", w->tmp);
	}
	fclose(in);
	if (fflush(w->out) != 0) {
		return wfail(w, e, ERR_INTERNAL, "write error: %s", strerror(errno));
	}
	return 0;
}

static void release(struct table_writer *w, int remove_path)
{
	if (w->own_fp && w->fp) {
		fclose(w->fp);
	}
	if (w->wb) {
		workbook_close(w->wb);
	}
	if (w->tmp[0]) {
		unlink(w->tmp);
	}
	if (remove_path && w->path) {
		unlink(w->path);
	}
	free(w->path);
	free(w->types);
	buf_free(&w->line);
	free(w);
}

int table_writer_close(struct table_writer *w, struct err *e)
{
	int rc = 0;
	if (!w) {
		return 0;
	}
	if (w->failed) {
		rc = wfail(w, e, w->failure.code, "%s", w->failure.msg);
	} else if (w->fmt == TABLE_CSV) {
		if (fflush(w->fp) != 0 || ferror(w->fp)) {
			rc = wfail(w, e, ERR_INTERNAL, "write error: %s", strerror(errno));
		}
		if (w->own_fp) {
			if (fclose(w->fp) != 0 && rc == 0) {
				rc = wfail(w, e, ERR_INTERNAL, "write error: %s", strerror(errno));
			}
			w->fp = NULL;
		}
	} else {
		lxw_error x = workbook_close(w->wb);
		w->wb = NULL;
		if (x != LXW_NO_ERROR) {
			rc = wfail(w, e, ERR_INTERNAL, "cannot write the XLSX file: %s",
				   lxw_strerror(x));
		} else if (w->out) {
			rc = copy_out(w, e);
		}
	}
	release(w, rc != 0);
	return rc;
}

void table_writer_abort(struct table_writer *w)
{
	if (w) {
		release(w, 1);
	}
}
