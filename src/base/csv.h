/*
 * csv.h — a streaming RFC 4180 reader for imports: UTF-8 with or without a
 * BOM, comma or semicolon (detected from the first line), quoted fields with
 * doubled quotes and embedded newlines, CRLF or LF.  Refuses, with the line
 * number, what it cannot read faithfully: UTF-16/32 (BOM or NUL bytes),
 * invalid UTF-8 (e.g. Windows-1258 or TCVN3 files: the message says to save
 * as UTF-8), a line longer than the limit (no unbounded allocation: a 2 GB
 * line is an error after CSV_MAX_LINE bytes), an unterminated quote.
 * Memory is bounded by the longest accepted line.
 */
#ifndef CADRE_CSV_H
#define CADRE_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

#define CSV_MAX_LINE (1 << 20) /* bytes in one record */
#define CSV_MAX_FIELDS 256

struct csv_reader;

struct csv_row {
	int n;			     /* fields in this record */
	const char *f[CSV_MAX_FIELDS]; /* NUL-terminated, valid until the next call */
	long line;		     /* physical line where the record starts (1-based) */
};

/* Open a file (path "-" = stdin).  name is used in messages ("FILE:LINE"). */
int csv_open(const char *path, struct csv_reader **out, struct err *e);
/* Read from memory (copied); name is used in messages. */
int csv_open_mem(const char *name, const void *data, size_t n,
		 struct csv_reader **out, struct err *e);
/* 1 with a record, 0 at the end, <0 with e filled as "NAME:LINE: reason"
 * (field "file"). */
int csv_next(struct csv_reader *r, struct csv_row *row, struct err *e);
/* After csv_next returned a record: lens[i] = strlen(row->f[i]) for each
 * of its row->n fields, without scanning them.  The fields lie one after
 * the other in memory, each followed by its NUL. */
void csv_lengths(const struct csv_reader *r, size_t *lens);
char csv_delimiter(const struct csv_reader *r);
void csv_close(struct csv_reader *r);

#endif
