/*
 * xlsx_internal.h — shared by xlsx_read.c (the sheet stream, the public
 * API) and xlsx_parts.c (relationships, workbook, styles, shared strings):
 * the reader's state and the helpers both use.  Not for other modules.
 */
#ifndef CADRE_XLSX_INTERNAL_H
#define CADRE_XLSX_INTERNAL_H

#include <expat.h>
#include <stdint.h>
#include <zip.h>

#include "base/buf.h"
#include "base/xlsx_read.h"

#define XLSX_CHUNK 65536
#define XLSX_MAX_XF 65536
#define XLSX_PATH_MAX 256

enum cell_kind { CELL_NONE, CELL_PTR, CELL_OFF };

struct xlsx_reader {
	char name[256];
	char sheet_name[128];
	zip_t *zip;
	int date1904;
	/* shared strings: a pool of NUL-terminated strings and their offsets */
	struct buf ss;
	uint32_t *ss_off; /* the pool is below 4 GiB (XLSX_MAX_STRINGS) */
	size_t ss_count, ss_cap;
	/* styles: 1 when cellXfs[i] has a date number format */
	unsigned char *xf_date;
	size_t n_xf;
	/* the sheet stream */
	zip_file_t *zf;
	XML_Parser xp;
	char chunk[XLSX_CHUNK];
	size_t sheet_bytes;
	int suspended, final_fed, done;
	/* sheet parse state */
	int in_data, in_row, in_cell, in_is, in_rph, collect, has_v;
	long row_num;
	int col, next_col, style;
	char ctype; /* n number, s shared, i inline, S str, b bool, e error, d date */
	struct buf val;	   /* the current cell's text */
	struct buf rowbuf; /* text of the current row's cells */
	int ncols;
	unsigned char kind[CSV_MAX_FIELDS];
	size_t off[CSV_MAX_FIELDS];
	const char *ptr[CSV_MAX_FIELDS];
	int failed;
	struct err failure;
};

/* Every part's parser context starts with this. */
struct xlsx_pctx {
	struct xlsx_reader *r;
	XML_Parser xp;
};

/* Fill the sticky failure (and e, which may be NULL) with "NAME: msg" or
 * "NAME:ROW: msg" (row > 0); returns its negative code.  A second failure
 * keeps the first. */
int xlsx_fail(struct xlsx_reader *r, struct err *e, enum err_code code,
	      long row, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Repeat the sticky failure into e. */
int xlsx_again(struct xlsx_reader *r, struct err *e);
int xlsx_zip_fail(struct xlsx_reader *r, struct err *e, zip_file_t *zf);
/* Element and attribute names without their namespace prefix. */
const char *xlsx_local_name(const char *n);
const char *xlsx_attr(const XML_Char **a, const char *want);
/* A parser with the handlers, c as user data, DOCTYPEs refused. */
XML_Parser xlsx_new_parser(struct xlsx_pctx *c, XML_StartElementHandler start,
			   XML_EndElementHandler end, XML_CharacterDataHandler chars);
/* Uncompressed size of a part (0 when unknown), -1 when it is missing. */
zip_int64_t xlsx_part_size(struct xlsx_reader *r, const char *path);
void xlsx_copy_str(char *dst, size_t n, const char *src);
/* Decode OOXML _xHHHH_ escapes in s[0..n) in place; the new length. */
size_t xlsx_decode_escapes(char *s, size_t n);
/* Load styles and shared strings, put the first sheet's part in path. */
int xlsx_find_sheet(struct xlsx_reader *r, char path[XLSX_PATH_MAX], struct err *e);

#endif
