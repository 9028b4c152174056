/*
 * xlsx_read.h — a streaming reader of the first worksheet of an .xlsx file
 * (libzip + expat), row by row, into the same `struct csv_row` the CSV
 * reader fills, so an import reads either format with one loop.
 *
 * Cells become text: shared and inline strings as written (rich-text runs
 * joined, phonetic runs dropped, _xHHHH_ escapes decoded); numbers in plain
 * notation (integers below 1e15 without a decimal point or exponent, others
 * with up to 15 significant digits); numbers whose cell style is a date
 * format become YYYY-MM-DD (1900 and 1904 date systems; a time of day is
 * dropped); booleans TRUE/FALSE; formulas give their cached value, never
 * the formula.  Missing cells inside a row are "" (row->n = one past the
 * last column with a value); rows without any value are skipped; row->line
 * is the sheet's row number (1-based) for messages.
 *
 * Limits (a zip bomb is refused, never inflated): the sheet XML at most
 * XLSX_MAX_SHEET bytes uncompressed (streamed: memory stays one row),
 * sharedStrings.xml at most XLSX_MAX_STRINGS (held in memory), the other
 * parts XLSX_MAX_PART; a row at most CSV_MAX_LINE bytes of cell text and
 * CSV_MAX_FIELDS columns (a value further right is an error).  XML with a
 * DOCTYPE is refused.  Errors are "NAME: reason" or "NAME:ROW: reason"
 * with field "file": ERR_BAD_REQUEST for a damaged or foreign file,
 * ERR_TOO_LARGE for a limit, ERR_NOT_FOUND for a missing path.
 */
#ifndef CADRE_XLSX_READ_H
#define CADRE_XLSX_READ_H

#include <stddef.h>

#include "base/csv.h"
#include "base/err.h"

#define XLSX_MAX_SHEET ((size_t)512 << 20)
#define XLSX_MAX_STRINGS ((size_t)256 << 20)
#define XLSX_MAX_PART ((size_t)64 << 20)

struct xlsx_reader;

/* Open an .xlsx file and prepare its first worksheet (workbook order).
 * Reads the shared strings and styles up front.  Close with xlsx_close(). */
int xlsx_open(const char *path, struct xlsx_reader **out, struct err *e);
/* The same from memory (copied); name is used in messages. */
int xlsx_open_mem(const char *name, const void *data, size_t n,
		  struct xlsx_reader **out, struct err *e);
/* 1 with a row (strings valid until the next call), 0 at the end of the
 * sheet, <0 with e filled.  After an error every call repeats it. */
int xlsx_next(struct xlsx_reader *r, struct csv_row *row, struct err *e);
/* The name of the sheet being read (never NULL). */
const char *xlsx_sheet_name(const struct xlsx_reader *r);
void xlsx_close(struct xlsx_reader *r);

#endif
