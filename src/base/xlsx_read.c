/*
 * xlsx_read.c — reads the first worksheet of an .xlsx (libzip + expat) as
 * rows of text: opening, the sheet stream and its cells.  The sheet XML is
 * streamed with the parser suspended after each row, so memory never
 * depends on the sheet's length; the parts around it are xlsx_parts.c's.
 * It must never inflate the sheet past its cap (a zip bomb), evaluate a
 * formula or write anything.
 */
#include "base/xlsx_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"

/* ---- the sheet ---- */

/* "AB12" → 27; -1 without letters, -2 when beyond column XFD. */
static int cell_col(const char *ref)
{
	int col = 0, k = 0;
	for (; *ref >= 'A' && *ref <= 'Z'; ref++, k++) {
		if (k == 3) {
			return -2;
		}
		col = col * 26 + (*ref - 'A' + 1);
	}
	if (k == 0) {
		return -1;
	}
	return col > 16384 ? -2 : col - 1;
}

static void col_letters(int col, char out[4])
{
	char tmp[4];
	int k = 0;
	for (col++; col > 0 && k < 3; col = (col - 1) / 26) {
		tmp[k++] = (char)('A' + (col - 1) % 26);
	}
	for (int i = 0; i < k; i++) {
		out[i] = tmp[k - 1 - i];
	}
	out[k] = 0;
}

/* Serial number → YYYY-MM-DD; 0 when it is no date Excel can show. */
static int serial_date(double v, int d1904, char out[11])
{
	int64_t day, days;
	if (!(v >= 0 && v < 2958466)) {
		return 0;
	}
	day = (int64_t)floor(v);
	if (d1904) {
		days = date_to_days((struct date){1904, 1, 1}) + day;
	} else if (day < 1 || day == 60) {
		return 0; /* 1900-01-00 and Excel's phantom 1900-02-29 */
	} else {
		days = date_to_days((struct date){1899, 12, day < 60 ? 31 : 30}) + day;
	}
	date_format(date_from_days(days), out);
	return 1;
}

/* Text of a numeric cell into out[32]; 0 when v is not a number. */
static int number_text(struct xlsx_reader *r, const char *s, int is_date,
		       char out[32])
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v)) {
		return 0;
	}
	if (is_date && serial_date(v, r->date1904, out)) {
		return 1;
	}
	if (v == 0) {
		strcpy(out, "0");
	} else if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(out, 32, "%.0f", v);
	} else {
		snprintf(out, 32, "%.15g", v);
	}
	return 1;
}

static void sheet_fail(struct xlsx_reader *r, enum err_code code, const char *msg)
{
	xlsx_fail(r, NULL, code, r->row_num, "%s", msg);
	XML_StopParser(r->xp, XML_FALSE);
}

/* Put the text of the finished cell into the row. */
static void finish_cell(struct xlsx_reader *r)
{
	char num[32], letters[4];
	const char *text = r->val.z;
	size_t len = r->val.n;
	if (!r->has_v || len == 0) {
		return;
	}
	if (r->col >= CSV_MAX_FIELDS) {
		char msg[120];
		col_letters(r->col, letters);
		snprintf(msg, sizeof msg, "a value in column %s: at most %d columns are read",
			 letters, CSV_MAX_FIELDS);
		sheet_fail(r, ERR_BAD_REQUEST, msg);
		return;
	}
	switch (r->ctype) {
	case 's': {
		char *end;
		unsigned long idx = strtoul(text, &end, 10);
		if (end == text || *end || idx >= r->ss_count) {
			sheet_fail(r, ERR_BAD_REQUEST, "a shared string index out of range");
			return;
		}
		text = r->ss.z + r->ss_off[idx];
		if (!*text) {
			return;
		}
		r->kind[r->col] = CELL_PTR;
		r->ptr[r->col] = text;
		if (r->col >= r->ncols) {
			r->ncols = r->col + 1;
		}
		return;
	}
	case 'i':
		len = xlsx_decode_escapes(r->val.z, len);
		break;
	case 'b':
		text = strcmp(text, "0") == 0 ? "FALSE" : "TRUE";
		len = strlen(text);
		break;
	case 'd':
		if (len >= 10 && text[4] == '-' && text[7] == '-') {
			len = 10;
		}
		break;
	case 'n': {
		int is_date = r->style >= 0 && (size_t)r->style < r->n_xf &&
			      r->xf_date[r->style];
		if (number_text(r, text, is_date, num)) {
			text = num;
			len = strlen(num);
		}
		break;
	}
	default: /* str, e: the text as cached */
		break;
	}
	if (len == 0) {
		return;
	}
	r->kind[r->col] = CELL_OFF;
	r->off[r->col] = r->rowbuf.n;
	buf_append(&r->rowbuf, text, len);
	buf_putc(&r->rowbuf, 0);
	if (r->rowbuf.err) {
		sheet_fail(r, ERR_TOO_LARGE, "a row with more cell text than the limit");
		return;
	}
	if (r->col >= r->ncols) {
		r->ncols = r->col + 1;
	}
}

static void XMLCALL sheet_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct xlsx_reader *r = ((struct xlsx_pctx *)ud)->r;
	const char *ln = xlsx_local_name(el), *v;
	if (strcmp(ln, "sheetData") == 0) {
		r->in_data = 1;
	} else if (strcmp(ln, "row") == 0 && r->in_data) {
		long num = (v = xlsx_attr(a, "r")) ? atol(v) : 0;
		r->row_num = num > 0 ? num : r->row_num + 1;
		r->in_row = 1;
		r->next_col = 0;
		memset(r->kind, 0, (size_t)r->ncols);
		r->ncols = 0;
		buf_reset(&r->rowbuf);
	} else if (strcmp(ln, "c") == 0 && r->in_row) {
		const char *t = xlsx_attr(a, "t"), *s = xlsx_attr(a, "s");
		v = xlsx_attr(a, "r");
		r->col = v ? cell_col(v) : r->next_col;
		if (r->col == -1) {
			r->col = r->next_col;
		} else if (r->col < 0) {
			sheet_fail(r, ERR_BAD_REQUEST, "a cell reference beyond column XFD");
			return;
		}
		r->ctype = !t || strcmp(t, "n") == 0 ? 'n'
			   : strcmp(t, "s") == 0     ? 's'
			   : strcmp(t, "inlineStr") == 0 ? 'i'
			   : strcmp(t, "str") == 0   ? 'S'
			   : strcmp(t, "b") == 0     ? 'b'
			   : strcmp(t, "d") == 0     ? 'd'
						     : 'e';
		r->style = s ? atoi(s) : 0;
		r->in_cell = 1;
		r->has_v = 0;
		buf_reset(&r->val);
	} else if (r->in_cell) {
		if (strcmp(ln, "v") == 0 && r->ctype != 'i') {
			r->collect = 1;
		} else if (strcmp(ln, "is") == 0) {
			r->in_is = 1;
		} else if (strcmp(ln, "rPh") == 0) {
			r->in_rph = 1;
		} else if (strcmp(ln, "t") == 0 && r->in_is && !r->in_rph) {
			r->collect = 1;
		}
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *el)
{
	struct xlsx_reader *r = ((struct xlsx_pctx *)ud)->r;
	const char *ln = xlsx_local_name(el);
	if (r->collect && (strcmp(ln, "v") == 0 || strcmp(ln, "t") == 0)) {
		r->collect = 0;
		r->has_v = 1;
	} else if (strcmp(ln, "rPh") == 0) {
		r->in_rph = 0;
	} else if (strcmp(ln, "is") == 0) {
		r->in_is = 0;
	} else if (strcmp(ln, "c") == 0 && r->in_cell) {
		r->in_cell = 0;
		finish_cell(r);
		r->next_col = r->col + 1;
	} else if (strcmp(ln, "row") == 0 && r->in_row) {
		r->in_row = 0;
		if (r->ncols > 0 && !r->failed) {
			XML_StopParser(r->xp, XML_TRUE);
		}
	} else if (strcmp(ln, "sheetData") == 0) {
		r->in_data = 0;
	}
}

static void XMLCALL sheet_chars(void *ud, const XML_Char *s, int len)
{
	struct xlsx_reader *r = ((struct xlsx_pctx *)ud)->r;
	if (r->collect) {
		buf_append(&r->val, s, (size_t)len);
		if (r->val.err) {
			r->collect = 0;
			sheet_fail(r, ERR_TOO_LARGE, "a cell with more text than the limit");
		}
	}
}

/* ---- opening ---- */

/* Find the parts, load strings and styles, start streaming the sheet. */
static int prepare(struct xlsx_reader *r, struct xlsx_pctx *sheet_ctx, struct err *e)
{
	char path[XLSX_PATH_MAX];
	zip_int64_t size;
	int rc;
	if ((rc = xlsx_find_sheet(r, path, e)) < 0) {
		return rc;
	}
	size = xlsx_part_size(r, path);
	if (size < 0) {
		return xlsx_fail(r, e, ERR_BAD_REQUEST, 0, "the workbook has no worksheet");
	}
	if ((size_t)size > XLSX_MAX_SHEET) {
		return xlsx_fail(r, e, ERR_TOO_LARGE, 0,
			    "the sheet is %lld bytes uncompressed, over the limit of %zu",
			    (long long)size, XLSX_MAX_SHEET);
	}
	r->zf = zip_fopen(r->zip, path, ZIP_FL_NOCASE);
	if (!r->zf) {
		return xlsx_fail(r, e, ERR_BAD_REQUEST, 0, "cannot read %s: %s", path,
			    zip_strerror(r->zip));
	}
	sheet_ctx->r = r;
	r->xp = xlsx_new_parser(sheet_ctx, sheet_start, sheet_end, sheet_chars);
	if (!r->xp) {
		return xlsx_fail(r, e, ERR_INTERNAL, 0, "out of memory");
	}
	return 0;
}

/* The reader and its sheet parser context live in one allocation. */
struct reader_box {
	struct xlsx_reader r;
	struct xlsx_pctx sheet;
};

static struct reader_box *box_new(const char *name)
{
	struct reader_box *b = calloc(1, sizeof *b);
	if (!b) {
		return NULL;
	}
	xlsx_copy_str(b->r.name, sizeof b->r.name, name && *name ? name : "input");
	buf_init(&b->r.ss, XLSX_MAX_STRINGS);
	buf_init(&b->r.val, CSV_MAX_LINE);
	buf_init(&b->r.rowbuf, CSV_MAX_LINE);
	return b;
}

static int open_common(struct reader_box *b, zip_t *zip,
		       struct xlsx_reader **out, struct err *e)
{
	b->r.zip = zip;
	if (prepare(&b->r, &b->sheet, e)) {
		int rc = -(int)b->r.failure.code;
		xlsx_close(&b->r);
		return rc;
	}
	*out = &b->r;
	return 0;
}

static int zip_open_fail(struct reader_box *b, zip_error_t *ze, struct err *e)
{
	int code = zip_error_code_zip(ze);
	int rc;
	if (code == ZIP_ER_NOENT) {
		rc = err_set(e, ERR_NOT_FOUND, "file", "%s: no such file", b->r.name);
	} else if (code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS || code == ZIP_ER_EOF) {
		rc = err_set(e, ERR_BAD_REQUEST, "file",
			     "%s: not a readable XLSX file (the zip archive is truncated"
			     " or damaged: %s)", b->r.name, zip_error_strerror(ze));
	} else {
		rc = err_set(e, ERR_BAD_REQUEST, "file", "%s: cannot open as XLSX: %s",
			     b->r.name, zip_error_strerror(ze));
	}
	zip_error_fini(ze);
	xlsx_close(&b->r);
	return rc;
}

static int refuse_ole(struct reader_box *b, const unsigned char *head, size_t n,
		      struct err *e)
{
	if (n >= 4 && memcmp(head, "\xD0\xCF\x11\xE0", 4) == 0) {
		int rc = err_set(e, ERR_BAD_REQUEST, "file",
				 "%s: a legacy .xls or a password-protected workbook;"
				 " save it as .xlsx without a password", b->r.name);
		xlsx_close(&b->r);
		return rc;
	}
	return 0;
}

int xlsx_open(const char *path, struct xlsx_reader **out, struct err *e)
{
	struct reader_box *b;
	zip_error_t ze;
	zip_t *zip;
	int zerr = 0;
	unsigned char head[4];
	size_t n = 0;
	FILE *fp;
	*out = NULL;
	if (!(b = box_new(path))) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if ((fp = fopen(path, "rb"))) {
		n = fread(head, 1, sizeof head, fp);
		fclose(fp);
		if (refuse_ole(b, head, n, e)) {
			return -(int)e->code;
		}
	}
	zip = zip_open(path, ZIP_RDONLY, &zerr);
	if (!zip) {
		zip_error_init_with_code(&ze, zerr);
		return zip_open_fail(b, &ze, e);
	}
	return open_common(b, zip, out, e);
}

int xlsx_open_mem(const char *name, const void *data, size_t n,
		  struct xlsx_reader **out, struct err *e)
{
	struct reader_box *b;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *zip;
	void *copy;
	*out = NULL;
	if (!(b = box_new(name))) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (refuse_ole(b, data, n, e)) {
		return -(int)e->code;
	}
	if (n == 0) { /* libzip would not take ownership of an empty buffer */
		int rc = err_set(e, ERR_BAD_REQUEST, "file",
				 "%s: the file is empty, not an XLSX workbook", b->r.name);
		xlsx_close(&b->r);
		return rc;
	}
	copy = malloc(n);
	if (!copy) {
		xlsx_close(&b->r);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	memcpy(copy, data, n);
	zip_error_init(&ze);
	src = zip_source_buffer_create(copy, n, 1, &ze);
	if (!src) {
		free(copy);
		return zip_open_fail(b, &ze, e);
	}
	zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!zip) {
		zip_source_free(src);
		return zip_open_fail(b, &ze, e);
	}
	zip_error_fini(&ze);
	return open_common(b, zip, out, e);
}

int xlsx_next(struct xlsx_reader *r, struct csv_row *row, struct err *e)
{
	enum XML_Status st;
	row->n = 0;
	if (r->failed) {
		return xlsx_again(r, e);
	}
	for (;;) {
		if (r->suspended) {
			r->suspended = 0;
			st = XML_ResumeParser(r->xp);
		} else if (r->final_fed || r->done) {
			r->done = 1;
			return 0;
		} else {
			zip_int64_t n = zip_fread(r->zf, r->chunk, sizeof r->chunk);
			if (n < 0) {
				return xlsx_zip_fail(r, e, r->zf);
			}
			r->sheet_bytes += (size_t)n;
			if (r->sheet_bytes > XLSX_MAX_SHEET) {
				return xlsx_fail(r, e, ERR_TOO_LARGE, 0,
					    "the sheet inflates past the limit of %zu bytes",
					    XLSX_MAX_SHEET);
			}
			r->final_fed = n == 0;
			st = XML_Parse(r->xp, r->chunk, (int)n, n == 0);
		}
		if (r->failed) {
			return xlsx_again(r, e);
		}
		if (st == XML_STATUS_ERROR) {
			return xlsx_fail(r, e, ERR_BAD_REQUEST, r->row_num,
				    "the sheet's XML is malformed (line %lu: %s)",
				    (unsigned long)XML_GetCurrentLineNumber(r->xp),
				    XML_ErrorString(XML_GetErrorCode(r->xp)));
		}
		if (st == XML_STATUS_SUSPENDED) {
			r->suspended = 1;
			break;
		}
	}
	row->n = r->ncols;
	row->line = r->row_num;
	for (int i = 0; i < r->ncols; i++) {
		row->f[i] = r->kind[i] == CELL_PTR   ? r->ptr[i]
			    : r->kind[i] == CELL_OFF ? r->rowbuf.z + r->off[i]
						     : "";
	}
	return 1;
}

const char *xlsx_sheet_name(const struct xlsx_reader *r)
{
	return r->sheet_name;
}

void xlsx_close(struct xlsx_reader *r)
{
	if (!r) {
		return;
	}
	if (r->xp) {
		XML_ParserFree(r->xp);
	}
	if (r->zf) {
		zip_fclose(r->zf);
	}
	if (r->zip) {
		zip_discard(r->zip);
	}
	buf_free(&r->ss);
	buf_free(&r->val);
	buf_free(&r->rowbuf);
	free(r->ss_off);
	free(r->xf_date);
	free((struct reader_box *)r);
}
