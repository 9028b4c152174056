/*
 * date.h — civil dates (YYYY-MM-DD, proleptic Gregorian) and UTC instants.
 *
 * A civil date is carried in C as `struct date` or as its canonical 10-byte
 * text; the text sorts like the date, so the database stores text.  "Open"
 * ends of validity intervals are DATE_OPEN ("9999-12-31").  Instants are UTC
 * milliseconds since the epoch (int64_t).
 */
#ifndef CADRE_DATE_H
#define CADRE_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define DATE_OPEN "9999-12-31"

struct date {
	int y, m, d;
};

/* Parse exactly YYYY-MM-DD (years 1000..9999) and check that the day exists
 * (2025-02-30 is refused).  On failure fills e with ERR_INVALID naming
 * `field` and returns <0. */
int date_parse(const char *s, struct date *out, const char *field,
	       struct err *e);
/* Validate text in place: returns 0 if s is a real civil date. */
int date_check(const char *s, const char *field, struct err *e);
/* 1 when s[0..n) is exactly what date_parse accepts (*out filled when
 * not NULL), else 0; no message, no strlen: for loops over many values. */
int date_iso(const char *s, size_t n, struct date *out);
/* Write the canonical form into out[11]. */
void date_format(struct date d, char out[11]);
/* Days since 1970-01-01 and back. */
int64_t date_to_days(struct date d);
struct date date_from_days(int64_t days);
int date_days_in_month(int y, int m);
/* Today's UTC civil date as text into out[11]. */
void date_today(char out[11]);
/* Now, UTC milliseconds. */
int64_t time_now_ms(void);
/* ISO 8601 UTC "YYYY-MM-DDTHH:MM:SS.mmmZ" into out[25]. */
void time_format_ms(int64_t ms, char out[25]);

#endif
