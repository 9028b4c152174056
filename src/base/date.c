/*
 * date.c — civil date parsing, validation and arithmetic (days from civil,
 * Howard Hinnant's algorithm), plus the wall clock.  No time zones: civil
 * dates are zone-free and instants are UTC.
 */
#include "base/date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12) {
		return 0;
	}
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int date_parse(const char *s, struct date *out, const char *field,
	       struct err *e)
{
	int i;
	struct date d;
	if (!s) {
		return err_set(e, ERR_INVALID, field, "a date is required (YYYY-MM-DD)");
	}
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
		return err_set(e, ERR_INVALID, field,
			       "not a date in the form YYYY-MM-DD: \"%.40s\"", s);
	}
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) {
			return err_set(e, ERR_INVALID, field,
				       "not a date in the form YYYY-MM-DD: \"%.40s\"", s);
		}
	}
	d.y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	d.m = (s[5] - '0') * 10 + (s[6] - '0');
	d.d = (s[8] - '0') * 10 + (s[9] - '0');
	if (d.y < 1000) {
		return err_set(e, ERR_INVALID, field, "year out of range: %s", s);
	}
	if (d.m < 1 || d.m > 12) {
		return err_set(e, ERR_INVALID, field, "no month %d in %s", d.m, s);
	}
	if (d.d < 1 || d.d > date_days_in_month(d.y, d.m)) {
		return err_set(e, ERR_INVALID, field, "no such day: %s", s);
	}
	if (out) {
		*out = d;
	}
	return 0;
}

int date_iso(const char *s, size_t n, struct date *out)
{
	struct date d;
	if (n != 10 || s[4] != '-' || s[7] != '-') {
		return 0;
	}
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (unsigned)(s[i] - '0') > 9) {
			return 0;
		}
	}
	d.y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	d.m = (s[5] - '0') * 10 + (s[6] - '0');
	d.d = (s[8] - '0') * 10 + (s[9] - '0');
	if (d.y < 1000 || d.m < 1 || d.m > 12 || d.d < 1 || d.d > date_days_in_month(d.y, d.m)) {
		return 0;
	}
	if (out) {
		*out = d;
	}
	return 1;
}

int date_check(const char *s, const char *field, struct err *e)
{
	return date_parse(s, NULL, field, e);
}

void date_format(struct date d, char out[11])
{
	unsigned y = (unsigned)d.y % 10000u, m = (unsigned)d.m % 100u,
		 dd = (unsigned)d.d % 100u;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + dd / 10);
	out[9] = (char)('0' + dd % 10);
	out[10] = 0;
}

int64_t date_to_days(struct date dt)
{
	int64_t y = dt.y - (dt.m <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (dt.m + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + dt.d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct date date_from_days(int64_t z)
{
	struct date r;
	int64_t era, doe, yoe, y, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(y + (r.m <= 2));
	return r;
}

int64_t time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void date_today(char out[11])
{
	date_format(date_from_days(time_now_ms() / 86400000), out);
}

void time_format_ms(int64_t ms, char out[25])
{
	int64_t days = ms / 86400000, rem = ms % 86400000;
	struct date d;
	if (rem < 0) {
		rem += 86400000;
		days--;
	}
	d = date_from_days(days);
	snprintf(out, 25, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.y, d.m, d.d,
		 (int)(rem / 3600000), (int)(rem / 60000 % 60),
		 (int)(rem / 1000 % 60), (int)(rem % 1000));
}
