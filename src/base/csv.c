/*
 * csv.c — the streaming CSV reader of csv.h.  Owns a fixed read buffer and
 * the bytes of the current record, nothing else.  It must never hold more
 * than one record (at most CSV_MAX_LINE bytes) in memory, never guess an
 * encoding (anything but UTF-8 is refused with a message that says what to
 * do), and never silently repair a malformed record: the caller gets the
 * file name and the physical line.
 */
#include "base/csv.h"

#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

#define CSV_CHUNK 65536

enum state {
	ST_FIELD_START, /* at the start of a field */
	ST_PLAIN,	/* inside an unquoted field */
	ST_QUOTED,	/* inside a quoted field */
	ST_QUOTE,	/* just read a quote inside a quoted field */
	ST_AFTER_QUOTE	/* blanks after the closing quote */
};

struct csv_reader {
	FILE *fp;	     /* NULL when reading from memory */
	int own_fp;
	char name[256];
	unsigned char *in;   /* read buffer, or the copy of the memory input */
	size_t in_pos, in_len;
	int eof;	     /* nothing more to read after in_len */
	char *rec;	     /* the current record: fields, NUL-separated */
	size_t rec_n, rec_cap;
	size_t off[CSV_MAX_FIELDS];
	int nf;		     /* fields of the record last returned */
	long line;	     /* physical line of the next byte, 1-based */
	char delim;
	int failed;	     /* a sticky error: every later call repeats it */
	struct err failure;
};

static const char save_as_utf8[] =
	"save it as UTF-8 (in Excel: Save As > \"CSV UTF-8 (Comma delimited)\")";

/* Fill e (and the reader's sticky copy) with "NAME:LINE: reason". */
__attribute__((format(printf, 5, 6))) static int
fail(struct csv_reader *r, struct err *e, enum err_code code, long line,
     const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_set(&r->failure, code, "file", "%s:%ld: %s", r->name, line, msg);
	r->failed = 1;
	if (e) {
		*e = r->failure;
	}
	return -(int)code;
}

/* Read more input into the buffer; 1 with bytes, 0 at the end, <0 on an
 * I/O error.  Only called when every buffered byte was consumed. */
static int refill(struct csv_reader *r, struct err *e)
{
	size_t n;
	if (r->eof) {
		return 0;
	}
	if (!r->fp) {
		r->eof = 1;
		return 0;
	}
	n = fread(r->in, 1, CSV_CHUNK, r->fp);
	r->in_pos = 0;
	r->in_len = n;
	if (n == 0) {
		r->eof = 1;
		if (ferror(r->fp)) {
			return fail(r, e, ERR_INTERNAL, r->line, "read error: %s",
				    strerror(errno));
		}
		return 0;
	}
	return 1;
}

/* Refuse what is plainly not UTF-8 text, skip a UTF-8 BOM and detect the
 * delimiter from the first line (more semicolons than commas outside
 * quotes: ';', else ',').  Looks only at the first buffer. */
static int sniff(struct csv_reader *r, struct err *e)
{
	const unsigned char *p;
	size_t n, i, commas = 0, semis = 0;
	int quoted = 0;
	if (r->fp && refill(r, e) < 0) {
		return -(int)r->failure.code;
	}
	p = r->in + r->in_pos;
	n = r->in_len - r->in_pos;
	if (n >= 4 && ((p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) ||
		       (p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF))) {
		return fail(r, e, ERR_BAD_REQUEST, 1,
			    "the file is UTF-32, not UTF-8; %s", save_as_utf8);
	}
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
		return fail(r, e, ERR_BAD_REQUEST, 1,
			    "the file is UTF-16 (%s), not UTF-8; %s",
			    p[0] == 0xFF ? "little-endian" : "big-endian", save_as_utf8);
	}
	if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0) {
		return fail(r, e, ERR_BAD_REQUEST, 1,
			    "this is an XLSX (zip) file, not CSV: import it as XLSX");
	}
	if (n >= 4 && memcmp(p, "\xD0\xCF\x11\xE0", 4) == 0) {
		return fail(r, e, ERR_BAD_REQUEST, 1,
			    "this is a legacy Excel (.xls) file, not CSV; %s", save_as_utf8);
	}
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		r->in_pos += 3;
		p += 3;
		n -= 3;
	}
	for (i = 0; i < n; i++) {
		if (p[i] == '"') {
			quoted = !quoted;
		} else if (!quoted && (p[i] == '\n' || p[i] == '\r')) {
			break;
		} else if (!quoted && p[i] == ',') {
			commas++;
		} else if (!quoted && p[i] == ';') {
			semis++;
		}
	}
	r->delim = semis > commas ? ';' : ',';
	return 0;
}

static struct csv_reader *reader_new(const char *name)
{
	struct csv_reader *r = calloc(1, sizeof *r);
	if (!r) {
		return NULL;
	}
	snprintf(r->name, sizeof r->name, "%s", name && *name ? name : "input");
	r->line = 1;
	r->delim = ',';
	return r;
}

int csv_open(const char *path, struct csv_reader **out, struct err *e)
{
	struct csv_reader *r;
	*out = NULL;
	r = reader_new(strcmp(path, "-") == 0 ? "stdin" : path);
	if (!r) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	r->in = malloc(CSV_CHUNK);
	if (!r->in) {
		free(r);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (strcmp(path, "-") == 0) {
		r->fp = stdin;
	} else {
		r->fp = fopen(path, "rb");
		r->own_fp = 1;
		if (!r->fp) {
			int rc = err_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_INTERNAL,
					 "file", "cannot open %s: %s", path, strerror(errno));
			free(r->in);
			free(r);
			return rc;
		}
	}
	if (sniff(r, e)) {
		int rc = -(int)r->failure.code;
		csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int csv_open_mem(const char *name, const void *data, size_t n,
		 struct csv_reader **out, struct err *e)
{
	struct csv_reader *r;
	*out = NULL;
	r = reader_new(name);
	if (!r) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	r->in = malloc(n ? n : 1);
	if (!r->in) {
		free(r);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (n) {
		memcpy(r->in, data, n);
	}
	r->in_len = n;
	r->eof = 1;
	if (sniff(r, e)) {
		int rc = -(int)r->failure.code;
		csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

void csv_lengths(const struct csv_reader *r, size_t *lens)
{
	for (int i = 0; i < r->nf; i++) {
		size_t end = i + 1 < r->nf ? r->off[i + 1] : r->rec_n;
		lens[i] = end - r->off[i] - 1;
	}
}

char csv_delimiter(const struct csv_reader *r)
{
	return r->delim;
}

void csv_close(struct csv_reader *r)
{
	if (!r) {
		return;
	}
	if (r->own_fp && r->fp) {
		fclose(r->fp);
	}
	free(r->in);
	free(r->rec);
	free(r);
}

/* Make room for `need` more bytes in the record, within the cap. */
static int rec_reserve(struct csv_reader *r, size_t need, long line,
		       struct err *e)
{
	size_t cap;
	char *z;
	if (r->rec_n + need <= r->rec_cap) {
		return 0;
	}
	if (r->rec_n + need > (size_t)CSV_MAX_LINE) {
		return fail(r, e, ERR_TOO_LARGE, line,
			    "a record longer than %d bytes: is this a CSV file?",
			    CSV_MAX_LINE);
	}
	cap = r->rec_cap ? r->rec_cap : 4096;
	while (cap < r->rec_n + need) {
		cap *= 2;
	}
	if (cap > (size_t)CSV_MAX_LINE) {
		cap = CSV_MAX_LINE;
	}
	z = realloc(r->rec, cap);
	if (!z) {
		return fail(r, e, ERR_INTERNAL, line, "out of memory");
	}
	r->rec = z;
	r->rec_cap = cap;
	return 0;
}

/* Close the current field (NUL-terminate it). */
static int end_field(struct csv_reader *r, int *nf, long line, struct err *e)
{
	if (*nf >= CSV_MAX_FIELDS) {
		return fail(r, e, ERR_BAD_REQUEST, line,
			    "more than %d columns in one record", CSV_MAX_FIELDS);
	}
	if (rec_reserve(r, 1, line, e)) {
		return -1;
	}
	r->rec[r->rec_n++] = 0;
	(*nf)++;
	if (*nf < CSV_MAX_FIELDS) {
		r->off[*nf] = r->rec_n;
	}
	return 0;
}

/* Line breaks (LF, CRLF or a lone CR) in rec[0..n). */
static long count_breaks(const char *s, size_t n)
{
	long k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))) {
			k++;
		}
	}
	return k;
}

/* Check the UTF-8 of a finished record, naming the line of a bad field. */
static int check_utf8(struct csv_reader *r, int nf, long start, struct err *e)
{
	for (int i = 0; i < nf; i++) {
		const char *f = r->rec + r->off[i];
		size_t len = strlen(f);
		if (!utf8_valid(f, len)) {
			long line = start + count_breaks(r->rec, r->off[i]);
			return fail(r, e, ERR_BAD_REQUEST, line,
				    "column %d is not valid UTF-8 (a Windows-1258 or"
				    " TCVN3 file?); %s", i + 1, save_as_utf8);
		}
	}
	return 0;
}

/* Next byte, or -1 at the end of input (or -2 on an I/O error). */
static int next_byte(struct csv_reader *r, struct err *e)
{
	if (r->in_pos == r->in_len) {
		int rc = refill(r, e);
		if (rc <= 0) {
			return rc < 0 ? -2 : -1;
		}
	}
	return r->in[r->in_pos++];
}

/* The byte after the current one without consuming it; -1 at the end. */
static int peek_byte(struct csv_reader *r, struct err *e)
{
	if (r->in_pos == r->in_len) {
		int rc = refill(r, e);
		if (rc <= 0) {
			return rc < 0 ? -2 : -1;
		}
	}
	return r->in[r->in_pos];
}

/* Bytes of x equal to the byte in every lane of pat: the high bit of the
 * lowest such lane is exact (higher lanes may be false positives). */
static inline uint64_t lanes_eq(uint64_t x, uint64_t pat)
{
	uint64_t y = x ^ pat;
	return (y - 0x0101010101010101ull) & ~y & 0x8080808080808080ull;
}

/* Consume a run of ordinary bytes of an unquoted (quoted = 0) or quoted
 * field straight into the record; stops before a special byte (the
 * delimiter or the quote, CR, LF, NUL).  Eight bytes at a time. */
static int copy_run(struct csv_reader *r, int quoted, int *hi, long line,
		    struct err *e)
{
	const unsigned char *p = r->in + r->in_pos, *end = r->in + r->in_len;
	const unsigned char *s = p;
	uint64_t acc = 0;
	unsigned char d = quoted ? '"' : (unsigned char)r->delim;
	uint64_t dd = 0x0101010101010101ull * d;
	while (end - p >= 8) {
		uint64_t w, m;
		memcpy(&w, p, 8);
		m = lanes_eq(w, dd) | lanes_eq(w, 0x0A0A0A0A0A0A0A0Aull) |
		    lanes_eq(w, 0x0D0D0D0D0D0D0D0Dull) | lanes_eq(w, 0);
		if (m) {
			int k = __builtin_ctzll(m) >> 3; /* 0..7: the bytes before it */
			acc |= w & ((1ull << (8 * k)) - 1);
			p += k;
			goto found;
		}
		acc |= w;
		p += 8;
	}
	while (p < end && *p != d && *p != '\n' && *p != '\r' && *p) {
		acc |= *p++;
	}
found:
	if (p > s) {
		if (rec_reserve(r, (size_t)(p - s), line, e)) {
			return -1;
		}
		memcpy(r->rec + r->rec_n, s, (size_t)(p - s));
		r->rec_n += (size_t)(p - s);
		r->in_pos += (size_t)(p - s);
		if (acc & 0x8080808080808080ull) {
			*hi = 1;
		}
	}
	return 0;
}

static int put_byte(struct csv_reader *r, int c, long line, struct err *e)
{
	if (rec_reserve(r, 1, line, e)) {
		return -1;
	}
	r->rec[r->rec_n++] = (char)c;
	return 0;
}

/* Finish the record: terminate the last field, check UTF-8, fill row. */
static int emit(struct csv_reader *r, struct csv_row *row, int *nf, int hi,
		long start, struct err *e)
{
	if (end_field(r, nf, r->line, e)) {
		return -(int)r->failure.code;
	}
	/* The fields with their NULs validate as a whole exactly when each
	 * does (NUL is no part of a sequence); the field is looked for only
	 * to name it. */
	if (hi && !utf8_valid(r->rec, r->rec_n) && check_utf8(r, *nf, start, e)) {
		return -(int)r->failure.code;
	}
	row->n = *nf;
	r->nf = *nf;
	row->line = start;
	for (int i = 0; i < *nf; i++) {
		row->f[i] = r->rec + r->off[i];
	}
	return 1;
}

int csv_next(struct csv_reader *r, struct csv_row *row, struct err *e)
{
	enum state st = ST_FIELD_START;
	int nf = 0, hi = 0, any = 0, c;
	long start = r->line, quote_line = 0;
	if (r->failed) {
		if (e) {
			*e = r->failure;
		}
		return -(int)r->failure.code;
	}
	row->n = 0;
	row->line = r->line;
	r->rec_n = 0;
	r->off[0] = 0;
	for (;;) {
		if (st == ST_PLAIN || st == ST_QUOTED) {
			if (copy_run(r, st == ST_QUOTED, &hi, start, e)) {
				return -(int)r->failure.code;
			}
		}
		c = next_byte(r, e);
		if (c == -2) {
			return -(int)r->failure.code;
		}
		if (c == -1) {
			if (st == ST_QUOTED) {
				return fail(r, e, ERR_BAD_REQUEST, quote_line,
					    "a quoted field is never closed (a \" is missing)");
			}
			if (!any) {
				return 0;
			}
			return emit(r, row, &nf, hi, start, e);
		}
		if (c == 0) {
			return fail(r, e, ERR_BAD_REQUEST, r->line,
				    "the file contains NUL bytes: it is not UTF-8 text"
				    " (UTF-16 without a BOM, or a binary file?); %s",
				    save_as_utf8);
		}
		if (c == '\r' || c == '\n') {
			if (c == '\r' && peek_byte(r, e) == '\n') {
				r->in_pos++;
				if (st == ST_QUOTED && put_byte(r, '\r', start, e)) {
					return -(int)r->failure.code;
				}
				c = '\n';
			}
			if (st == ST_QUOTED) {
				if (put_byte(r, c, start, e)) {
					return -(int)r->failure.code;
				}
				r->line++;
				continue;
			}
			r->line++;
			if (!any) {
				start = r->line; /* a blank line: skip it */
				continue;
			}
			return emit(r, row, &nf, hi, start, e);
		}
		any = 1;
		if (c & 0x80) {
			hi = 1;
		}
		switch (st) {
		case ST_FIELD_START:
			if (c == '"') {
				st = ST_QUOTED;
				quote_line = r->line;
				break;
			}
			/* fall through */
		case ST_PLAIN:
			if (c == (unsigned char)r->delim) {
				if (end_field(r, &nf, start, e)) {
					return -(int)r->failure.code;
				}
				st = ST_FIELD_START;
			} else {
				/* a quote inside an unquoted field is literal */
				if (put_byte(r, c, start, e)) {
					return -(int)r->failure.code;
				}
				st = ST_PLAIN;
			}
			break;
		case ST_QUOTED:
			if (c == '"') {
				st = ST_QUOTE;
			} else if (put_byte(r, c, start, e)) {
				return -(int)r->failure.code;
			}
			break;
		case ST_QUOTE:
			if (c == '"') {
				if (put_byte(r, '"', start, e)) {
					return -(int)r->failure.code;
				}
				st = ST_QUOTED;
				break;
			}
			/* fall through */
		case ST_AFTER_QUOTE:
			if (c == (unsigned char)r->delim) {
				if (end_field(r, &nf, start, e)) {
					return -(int)r->failure.code;
				}
				st = ST_FIELD_START;
			} else if (c == ' ' || c == '\t') {
				st = ST_AFTER_QUOTE;
			} else {
				return fail(r, e, ERR_BAD_REQUEST, r->line,
					    "unexpected text after a closing quote"
					    " (a quote inside a quoted field must be doubled: \"\")");
			}
			break;
		}
	}
}
