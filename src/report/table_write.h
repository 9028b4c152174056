/*
 * table_write.h — one writer for tabular exports (member lists, the data-
 * quality worklist, reject files) in CSV or XLSX, row by row.
 *
 * CSV: UTF-8 with a BOM (so Excel shows Vietnamese correctly), comma,
 * CRLF, RFC 4180 quoting (a cell with , ; " CR or LF is quoted, quotes
 * doubled).  XLSX: libxlsxwriter in constant-memory mode (rows streamed to
 * a temporary file, inline strings), one sheet.
 *
 * Formula injection is neutralized: a text cell starting with = + - @ tab
 * or CR is written in CSV with a leading apostrophe ('=cmd|…), and in XLSX
 * every text cell is a string cell (never a formula, whatever it starts
 * with).  Cells are text unless table_writer_columns() says otherwise.
 * Cell text must be valid UTF-8 (ERR_INVALID otherwise); NULL is "".
 */
#ifndef CADRE_TABLE_WRITE_H
#define CADRE_TABLE_WRITE_H

#include <stdio.h>

#include "base/err.h"

enum table_format { TABLE_CSV, TABLE_XLSX };

enum table_col {
	TABLE_TEXT,   /* default: always a string */
	TABLE_NUMBER, /* a plain number (-?digits[.digits], no leading 0) is
		       * a numeric cell in XLSX and not neutralized in CSV;
		       * anything else is text */
	TABLE_DATE    /* a real YYYY-MM-DD is a date cell (dd/mm/yyyy) in
		       * XLSX; anything else is text.  CSV: as given */
};

#define TABLE_MAX_COLS 16384
#define TABLE_XLSX_MAX_ROWS 1048576

struct table_writer;

/* "csv" or "xlsx" (any case) → 0; else ERR_INVALID naming `field`. */
int table_format_parse(const char *s, enum table_format *out,
		       const char *field, struct err *e);

/* Open a writer on a new file at `path`, or (path NULL) on `fp`, which
 * stays open and owned by the caller (XLSX goes through a temporary file
 * copied to fp by table_writer_close).  sheet: the XLSX sheet name (NULL =
 * "Sheet1"; ignored for CSV).  Free with table_writer_close() or
 * table_writer_abort(). */
int table_writer_open(const char *path, FILE *fp, enum table_format fmt,
		      const char *sheet, struct table_writer **out,
		      struct err *e);
/* Declare the type of the first n columns (the rest are text).  Call
 * before the first row; types is copied. */
int table_writer_columns(struct table_writer *w, int n,
			 const enum table_col *types, struct err *e);
/* A header row: like a row, in bold with the pane frozen below it in XLSX. */
int table_writer_header(struct table_writer *w, int n,
			const char *const *cells, struct err *e);
/* One row of n cells (1..TABLE_MAX_COLS).  XLSX holds at most
 * TABLE_XLSX_MAX_ROWS rows (ERR_TOO_LARGE past that: export as CSV). */
int table_writer_row(struct table_writer *w, int n, const char *const *cells,
		     struct err *e);
/* Finish the file (flush; for XLSX write the archive and copy it to fp)
 * and free the writer.  0, or <0 with e filled after an earlier or final
 * write error (a partial file at path is then removed). */
int table_writer_close(struct table_writer *w, struct err *e);
/* Free the writer without finishing; a file created at path is removed. */
void table_writer_abort(struct table_writer *w);

#endif
