/*
 * xlsx_parts.c — the parts of an .xlsx around the sheet: the package and
 * workbook relationships (which part is the first sheet), the workbook
 * (sheet name, 1904 date system), the styles (which cell formats show
 * dates) and the shared strings, plus the helpers xlsx_read.c shares.
 * Owns no state beyond the reader's; must never inflate a part past its
 * cap, accept a DOCTYPE or write anything.
 */
#include "base/xlsx_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int xlsx_fail(struct xlsx_reader *r, struct err *e, enum err_code code, long row,
	      const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	if (!r->failed) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		if (row > 0) {
			err_set(&r->failure, code, "file", "%s:%ld: %s", r->name, row, msg);
		} else {
			err_set(&r->failure, code, "file", "%s: %s", r->name, msg);
		}
		r->failed = 1;
	}
	if (e) {
		*e = r->failure;
	}
	return -(int)r->failure.code;
}

/* Repeat the sticky failure into e. */
int xlsx_again(struct xlsx_reader *r, struct err *e)
{
	if (e) {
		*e = r->failure;
	}
	return -(int)r->failure.code;
}

const char *xlsx_local_name(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

/* The value of the attribute whose local name is `want`, or NULL. */
const char *xlsx_attr(const XML_Char **a, const char *want)
{
	for (int i = 0; a[i]; i += 2) {
		if (strcmp(xlsx_local_name(a[i]), want) == 0) {
			return a[i + 1];
		}
	}
	return NULL;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	struct xlsx_pctx *c = ud;
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	xlsx_fail(c->r, NULL, ERR_BAD_REQUEST, 0, "XML with a DOCTYPE is refused");
	XML_StopParser(c->xp, XML_FALSE);
}

XML_Parser xlsx_new_parser(struct xlsx_pctx *c, XML_StartElementHandler start,
			   XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
	XML_Parser xp = XML_ParserCreate("UTF-8");
	if (!xp) {
		return NULL;
	}
	c->xp = xp;
	XML_SetUserData(xp, c);
	XML_SetElementHandler(xp, start, end);
	if (chars) {
		XML_SetCharacterDataHandler(xp, chars);
	}
	XML_SetStartDoctypeDeclHandler(xp, on_doctype);
	return xp;
}

/* Size of a part when known, 0 otherwise; -1 when it does not exist. */
zip_int64_t xlsx_part_size(struct xlsx_reader *r, const char *path)
{
	zip_stat_t sb;
	zip_stat_init(&sb);
	if (zip_stat(r->zip, path, ZIP_FL_NOCASE, &sb) != 0) {
		return -1;
	}
	return (sb.valid & ZIP_STAT_SIZE) ? (zip_int64_t)sb.size : 0;
}

int xlsx_zip_fail(struct xlsx_reader *r, struct err *e, zip_file_t *zf)
{
	return xlsx_fail(r, e, ERR_BAD_REQUEST, 0,
		    "the file is damaged (zip: %s); save it again as .xlsx",
		    zip_error_strerror(zip_file_get_error(zf)));
}

/* Parse a whole part with the given handlers.  0 when done, 1 when the
 * part does not exist and is optional, <0 on error. */
static int parse_part(struct xlsx_reader *r, const char *path, size_t cap,
		      int required, struct xlsx_pctx *c, XML_StartElementHandler start,
		      XML_EndElementHandler end, XML_CharacterDataHandler chars,
		      struct err *e)
{
	zip_int64_t size = xlsx_part_size(r, path), n;
	zip_file_t *zf;
	size_t total = 0;
	int rc = 0;
	if (size < 0) {
		return required ? xlsx_fail(r, e, ERR_BAD_REQUEST, 0,
				       "not a spreadsheet: %s is missing", path)
				: 1;
	}
	if ((size_t)size > cap) {
		return xlsx_fail(r, e, ERR_TOO_LARGE, 0,
			    "%s is %lld bytes uncompressed, over the limit of %zu",
			    path, (long long)size, cap);
	}
	zf = zip_fopen(r->zip, path, ZIP_FL_NOCASE);
	if (!zf) {
		return xlsx_fail(r, e, ERR_BAD_REQUEST, 0, "cannot read %s: %s", path,
			    zip_strerror(r->zip));
	}
	c->r = r;
	if (!xlsx_new_parser(c, start, end, chars)) {
		zip_fclose(zf);
		return xlsx_fail(r, e, ERR_INTERNAL, 0, "out of memory");
	}
	for (;;) {
		n = zip_fread(zf, r->chunk, sizeof r->chunk);
		if (n < 0) {
			rc = xlsx_zip_fail(r, e, zf);
			break;
		}
		total += (size_t)n;
		if (total > cap) {
			rc = xlsx_fail(r, e, ERR_TOO_LARGE, 0,
				  "%s inflates past the limit of %zu bytes", path, cap);
			break;
		}
		if (XML_Parse(c->xp, r->chunk, (int)n, n == 0) != XML_STATUS_OK) {
			rc = r->failed ? xlsx_again(r, e)
				       : xlsx_fail(r, e, ERR_BAD_REQUEST, 0,
					      "%s: malformed XML at line %lu: %s", path,
					      (unsigned long)XML_GetCurrentLineNumber(c->xp),
					      XML_ErrorString(XML_GetErrorCode(c->xp)));
			break;
		}
		if (r->failed) {
			rc = xlsx_again(r, e);
			break;
		}
		if (n == 0) {
			break;
		}
	}
	XML_ParserFree(c->xp);
	zip_fclose(zf);
	return rc;
}

/* ---- package and workbook relationships ---- */

struct rels_ctx {
	struct xlsx_pctx c;
	const char *want_id; /* the sheet's relationship id, or NULL */
	char office[XLSX_PATH_MAX], sheet[XLSX_PATH_MAX];
	char strings[XLSX_PATH_MAX], styles[XLSX_PATH_MAX];
};

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

void xlsx_copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void XMLCALL rels_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct rels_ctx *c = ud;
	const char *id, *type, *target;
	if (strcmp(xlsx_local_name(el), "Relationship") != 0) {
		return;
	}
	id = xlsx_attr(a, "Id");
	type = xlsx_attr(a, "Type");
	target = xlsx_attr(a, "Target");
	if (!type || !target) {
		return;
	}
	if (ends_with(type, "/officeDocument") && !c->office[0]) {
		xlsx_copy_str(c->office, sizeof c->office, target);
	} else if (ends_with(type, "/sharedStrings")) {
		xlsx_copy_str(c->strings, sizeof c->strings, target);
	} else if (ends_with(type, "/styles")) {
		xlsx_copy_str(c->styles, sizeof c->styles, target);
	}
	if (c->want_id && id && strcmp(id, c->want_id) == 0) {
		xlsx_copy_str(c->sheet, sizeof c->sheet, target);
	}
}

static void XMLCALL no_end(void *ud, const XML_Char *el)
{
	(void)ud;
	(void)el;
}

/* Resolve a relationship target against the directory `dir` (with its
 * trailing slash) into out; absolute targets start at the package root. */
static void resolve(char out[XLSX_PATH_MAX], const char *dir, const char *target)
{
	if (target[0] == '/') {
		xlsx_copy_str(out, XLSX_PATH_MAX, target + 1);
	} else {
		while (strncmp(target, "./", 2) == 0) {
			target += 2;
		}
		snprintf(out, XLSX_PATH_MAX, "%s%s", dir, target);
	}
}

/* ---- workbook ---- */

struct book_ctx {
	struct xlsx_pctx c;
	int have_sheet;
	char rid[128];
};

static void XMLCALL book_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct book_ctx *c = ud;
	const char *ln = xlsx_local_name(el), *v;
	if (strcmp(ln, "workbookPr") == 0) {
		v = xlsx_attr(a, "date1904");
		c->c.r->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(ln, "sheet") == 0 && !c->have_sheet) {
		c->have_sheet = 1;
		xlsx_copy_str(c->c.r->sheet_name, sizeof c->c.r->sheet_name, xlsx_attr(a, "name"));
		xlsx_copy_str(c->rid, sizeof c->rid, xlsx_attr(a, "id"));
	}
}

/* ---- styles: which cell formats show dates ---- */

struct style_ctx {
	struct xlsx_pctx c;
	int in_xfs;
	int *fmt_ids; /* custom date formats */
	size_t n_fmt, cap_fmt;
	int *xf;      /* numFmtId of each cellXfs entry */
	size_t n_xf, cap_xf;
};

/* Does a number format code show a date?  Quoted text, escapes, [..]
 * sections are skipped; only the first section counts.  y or d → date; m
 * without h or s (months, not minutes) → date. */
static int format_is_date(const char *f)
{
	int y = 0, d = 0, m = 0, hs = 0;
	for (; *f && *f != ';'; f++) {
		char ch = (char)tolower((unsigned char)*f);
		if (*f == '"') {
			while (f[1] && f[1] != '"') {
				f++;
			}
			if (f[1]) {
				f++;
			}
		} else if ((*f == '\\' || *f == '_' || *f == '*') && f[1]) {
			f++;
		} else if (*f == '[') {
			if (f[1] && strchr("hHmMsS", f[1])) {
				hs = 1; /* [h]:mm elapsed time */
			}
			while (f[1] && f[1] != ']') {
				f++;
			}
		} else if (ch == 'y') {
			y = 1;
		} else if (ch == 'd') {
			d = 1;
		} else if (ch == 'm') {
			m = 1;
		} else if (ch == 'h' || ch == 's') {
			hs = 1;
		}
	}
	return y || d || (m && !hs);
}

static int builtin_is_date(int id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

static int push_int(int **arr, size_t *n, size_t *cap, int v)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		int *z;
		if (nc > XLSX_MAX_XF) {
			return -1;
		}
		z = realloc(*arr, nc * sizeof *z);
		if (!z) {
			return -1;
		}
		*arr = z;
		*cap = nc;
	}
	(*arr)[(*n)++] = v;
	return 0;
}

static void XMLCALL style_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct style_ctx *c = ud;
	const char *ln = xlsx_local_name(el), *id, *code;
	int rc = 0;
	if (strcmp(ln, "cellXfs") == 0) {
		c->in_xfs = 1;
	} else if (strcmp(ln, "numFmt") == 0) {
		id = xlsx_attr(a, "numFmtId");
		code = xlsx_attr(a, "formatCode");
		if (id && code && format_is_date(code)) {
			rc = push_int(&c->fmt_ids, &c->n_fmt, &c->cap_fmt, atoi(id));
		}
	} else if (strcmp(ln, "xf") == 0 && c->in_xfs) {
		id = xlsx_attr(a, "numFmtId");
		rc = push_int(&c->xf, &c->n_xf, &c->cap_xf, id ? atoi(id) : 0);
	}
	if (rc) {
		xlsx_fail(c->c.r, NULL, ERR_TOO_LARGE, 0, "too many cell formats in styles.xml");
		XML_StopParser(c->c.xp, XML_FALSE);
	}
}

static void XMLCALL style_end(void *ud, const XML_Char *el)
{
	struct style_ctx *c = ud;
	if (strcmp(xlsx_local_name(el), "cellXfs") == 0) {
		c->in_xfs = 0;
	}
}

static int load_styles(struct xlsx_reader *r, const char *path, struct err *e)
{
	struct style_ctx c;
	int rc;
	memset(&c, 0, sizeof c);
	rc = parse_part(r, path, XLSX_MAX_PART, 0, &c.c, style_start, style_end,
			NULL, e);
	if (rc == 0 && c.n_xf) {
		r->xf_date = calloc(c.n_xf, 1);
		if (!r->xf_date) {
			rc = xlsx_fail(r, e, ERR_INTERNAL, 0, "out of memory");
		} else {
			r->n_xf = c.n_xf;
			for (size_t i = 0; i < c.n_xf; i++) {
				int date = builtin_is_date(c.xf[i]);
				for (size_t k = 0; !date && k < c.n_fmt; k++) {
					date = c.fmt_ids[k] == c.xf[i];
				}
				r->xf_date[i] = (unsigned char)date;
			}
		}
	}
	free(c.fmt_ids);
	free(c.xf);
	return rc < 0 ? rc : 0;
}

/* ---- text: _xHHHH_ escapes ---- */

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9') {
		return ch - '0';
	}
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Decode OOXML's _xHHHH_ escapes in s[0..n) in place; the new length. */
size_t xlsx_decode_escapes(char *s, size_t n)
{
	size_t i = 0, w = 0;
	while (i < n) {
		unsigned cp = 0;
		int ok = i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
		for (int k = 2; ok && k < 6; k++) {
			int h = hexval((unsigned char)s[i + k]);
			ok = h >= 0;
			cp = cp * 16 + (unsigned)(h < 0 ? 0 : h);
		}
		if (!ok || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
			s[w++] = s[i++];
			continue;
		}
		if (cp < 0x80) {
			s[w++] = (char)cp;
		} else if (cp < 0x800) {
			s[w++] = (char)(0xC0 | (cp >> 6));
			s[w++] = (char)(0x80 | (cp & 0x3F));
		} else {
			s[w++] = (char)(0xE0 | (cp >> 12));
			s[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			s[w++] = (char)(0x80 | (cp & 0x3F));
		}
		i += 7;
	}
	return w;
}

/* ---- shared strings ---- */

struct sst_ctx {
	struct xlsx_pctx c;
	int in_si, in_t, in_rph;
	size_t start;
};

static void XMLCALL sst_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct sst_ctx *c = ud;
	const char *ln = xlsx_local_name(el);
	(void)a;
	if (strcmp(ln, "si") == 0) {
		c->in_si = 1;
		c->start = c->c.r->ss.n;
	} else if (strcmp(ln, "rPh") == 0) {
		c->in_rph = 1;
	} else if (strcmp(ln, "t") == 0 && c->in_si && !c->in_rph) {
		c->in_t = 1;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *el)
{
	struct sst_ctx *c = ud;
	struct xlsx_reader *r = c->c.r;
	const char *ln = xlsx_local_name(el);
	if (strcmp(ln, "t") == 0) {
		c->in_t = 0;
	} else if (strcmp(ln, "rPh") == 0) {
		c->in_rph = 0;
	} else if (strcmp(ln, "si") == 0 && c->in_si) {
		c->in_si = 0;
		r->ss.n = c->start + xlsx_decode_escapes(r->ss.z + c->start, r->ss.n - c->start);
		buf_putc(&r->ss, 0);
		if (r->ss_count == r->ss_cap) {
			size_t nc = r->ss_cap ? r->ss_cap * 2 : 1024;
			uint32_t *z = realloc(r->ss_off, nc * sizeof *z);
			if (!z) {
				r->ss.err = 1;
				return;
			}
			r->ss_off = z;
			r->ss_cap = nc;
		}
		r->ss_off[r->ss_count++] = (uint32_t)c->start;
	}
	if (r->ss.err) {
		xlsx_fail(r, NULL, ERR_TOO_LARGE, 0, "the shared strings are over %zu bytes",
		     XLSX_MAX_STRINGS);
		XML_StopParser(c->c.xp, XML_FALSE);
	}
}

static void XMLCALL sst_chars(void *ud, const XML_Char *s, int len)
{
	struct sst_ctx *c = ud;
	if (c->in_t) {
		buf_append(&c->c.r->ss, s, (size_t)len);
	}
}

/* Find the first sheet's part (workbook order) into path, after loading
 * the styles and the shared strings. */
int xlsx_find_sheet(struct xlsx_reader *r, char path[XLSX_PATH_MAX], struct err *e)
{
	struct rels_ctx rels;
	struct book_ctx book;
	char book_path[XLSX_PATH_MAX], dir[XLSX_PATH_MAX];
	const char *base;
	int rc;
	memset(&rels, 0, sizeof rels);
	rc = parse_part(r, "_rels/.rels", XLSX_MAX_PART, 0, &rels.c, rels_start,
			no_end, NULL, e);
	if (rc < 0) {
		return rc;
	}
	resolve(book_path, "", rels.office[0] ? rels.office : "xl/workbook.xml");
	memset(&book, 0, sizeof book);
	if ((rc = parse_part(r, book_path, XLSX_MAX_PART, 1, &book.c, book_start,
			     no_end, NULL, e)) < 0) {
		return rc;
	}
	base = strrchr(book_path, '/');
	snprintf(dir, sizeof dir, "%.*s", base ? (int)(base - book_path + 1) : 0, book_path);
	memset(&rels, 0, sizeof rels);
	rels.want_id = book.rid[0] ? book.rid : NULL;
	{
		char rels_path[2 * XLSX_PATH_MAX + 16];
		snprintf(rels_path, sizeof rels_path, "%s_rels/%s.rels", dir,
			 base ? base + 1 : book_path);
		if ((rc = parse_part(r, rels_path, XLSX_MAX_PART, 0, &rels.c, rels_start,
				     no_end, NULL, e)) < 0) {
			return rc;
		}
	}
	resolve(path, dir, rels.styles[0] ? rels.styles : "styles.xml");
	if ((rc = load_styles(r, path, e)) < 0) {
		return rc;
	}
	resolve(path, dir, rels.strings[0] ? rels.strings : "sharedStrings.xml");
	{
		struct sst_ctx sst;
		memset(&sst, 0, sizeof sst);
		if ((rc = parse_part(r, path, XLSX_MAX_STRINGS, 0, &sst.c, sst_start,
				     sst_end, sst_chars, e)) < 0) {
			return rc;
		}
	}
	resolve(path, dir, rels.sheet[0] ? rels.sheet : "worksheets/sheet1.xml");
	return 0;
}
