/*
 * test_base.c — unit tests of base/: dates, UTF-8 and the search fold, buf.
 */
#include <stdlib.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/utf8.h"
#include "test.h"

TEST(date_parse_refuses_impossible_days)
{
	struct err e = ERR_INIT;
	struct date d;
	CHECK(date_parse("2025-02-30", &d, "date", &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK_STR(e.field, "date");
	CHECK(date_parse("2024-02-29", &d, "date", &e) == 0 && d.d == 29);
	CHECK(date_parse("2025-02-29", &d, "date", &e) < 0);
	CHECK(date_parse("2025-13-01", &d, "date", &e) < 0);
	CHECK(date_parse("2025-7-1", &d, "date", &e) < 0);
	CHECK(date_parse("2025-07-01x", &d, "date", &e) < 0);
	CHECK(date_parse(NULL, &d, "date", &e) < 0);
}

TEST(date_days_round_trip)
{
	struct date d = {2025, 7, 1}, r;
	char out[11];
	CHECK(date_to_days((struct date){1970, 1, 1}) == 0);
	r = date_from_days(date_to_days(d));
	date_format(r, out);
	CHECK_STR(out, "2025-07-01");
	r = date_from_days(date_to_days(d) - 1);
	date_format(r, out);
	CHECK_STR(out, "2025-06-30");
}

TEST(utf8_fold_ignores_case_and_vietnamese_diacritics)
{
	char *a = utf8_fold("Quảng Trị"), *b = utf8_fold("Đắk Lắk"),
	     *c = utf8_fold("  THÀNH   phố  Hồ Chí Minh ");
	CHECK_STR(a, "quang tri");
	CHECK_STR(b, "dak lak");
	CHECK_STR(c, "thanh pho ho chi minh");
	free(a);
	free(b);
	free(c);
}

TEST(utf8_validation_refuses_bad_sequences)
{
	CHECK(utf8_valid("Hà Nội", 8));
	CHECK(!utf8_valid("\xC3\x28", 2));
	CHECK(!utf8_valid("\xC0\xAF", 2));	   /* overlong */
	CHECK(!utf8_valid("\xED\xA0\x80", 3)); /* surrogate */
	CHECK(!utf8_valid("\xE1\xBA", 2));	   /* truncated */
}

TEST(utf8_clean_name_normalizes_and_limits)
{
	struct err e = ERR_INIT;
	/* "Hòa" written with a combining grave accent becomes NFC. */
	char *n = utf8_clean_name("  Ho\xCC\x80" "a   Bi\xCC\x80nh ", 200, "name", &e);
	CHECK_STR(n, "H\xC3\xB2" "a B\xC3\xACnh");
	free(n);
	CHECK(utf8_clean_name("abcdef", 5, "name", &e) == NULL);
	CHECK(e.code == ERR_INVALID);
	CHECK(utf8_clean_name("\xff", 5, "name", &e) == NULL);
	CHECK(e.code == ERR_BAD_REQUEST);
	CHECK(utf8_clean_name("   ", 5, "name", &e) == NULL);
	CHECK(utf8_clean_name("a\x01" "b", 5, "name", &e) == NULL);
}

TEST(buf_caps_and_escapes)
{
	struct buf b;
	buf_init(&b, 8);
	buf_puts(&b, "12345");
	CHECK(!b.err);
	buf_puts(&b, "6789");
	CHECK(b.err);
	buf_free(&b);
	buf_init(&b, 0);
	buf_json_str(&b, "a\"b\\\n\x01");
	CHECK_STR(b.z, "\"a\\\"b\\\\\\n\\u0001\"");
	buf_reset(&b);
	buf_html(&b, "<a href='x'>&</a>");
	CHECK_STR(b.z, "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
	buf_free(&b);
}
