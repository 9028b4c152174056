/*
 * json_out.c — writes jansson values as compact JSON into a struct buf.
 * Replaces json_dumps() on the reply path: jansson's dumper decodes every
 * string one code point at a time, which cost more than the rest of the
 * HTTP layer together; here plain runs of a string are copied at once.
 * Strings held by jansson are valid UTF-8 already, so bytes >= 0x80 are
 * copied as they are.  Owns no state.
 */
#include "http/json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

/* 1 for bytes that need an escape inside a JSON string. */
static int json_out_special(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

static void json_out_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];
		if (!json_out_special(c)) {
			continue;
		}
		buf_append(b, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			buf_append(b, esc, 6);
			continue;
		}
		buf_append(b, esc, 2);
	}
	buf_append(b, s + run, n - run);
	buf_putc(b, '"');
}

static void json_out_real(struct buf *b, double v)
{
	char tmp[40];
	int n;
	if (v != v || v - v != 0) {
		buf_puts(b, "null"); /* NaN and infinities have no JSON form */
		return;
	}
	n = snprintf(tmp, sizeof tmp, "%.15g", v);
	if (strtod(tmp, NULL) != v) {
		n = snprintf(tmp, sizeof tmp, "%.17g", v);
	}
	buf_append(b, tmp, (size_t)n);
	if (!strpbrk(tmp, ".eEn")) {
		buf_puts(b, ".0");
	}
}

static void json_out_int(struct buf *b, json_int_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
				     : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0) {
		*--p = '-';
	}
	buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

static int json_out_value(struct buf *b, const json_t *j, int depth)
{
	if (depth > JSON_OUT_DEPTH) {
		return -1;
	}
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		int first = 1;
		buf_putc(b, '{');
		json_object_foreach((json_t *)j, key, v) {
			if (!first) {
				buf_putc(b, ',');
			}
			first = 0;
			json_out_str(b, key, strlen(key));
			buf_putc(b, ':');
			if (json_out_value(b, v, depth + 1)) {
				return -1;
			}
		}
		buf_putc(b, '}');
		return 0;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		buf_putc(b, '[');
		json_array_foreach(j, i, v) {
			if (i) {
				buf_putc(b, ',');
			}
			if (json_out_value(b, v, depth + 1)) {
				return -1;
			}
		}
		buf_putc(b, ']');
		return 0;
	}
	case JSON_STRING:
		json_out_str(b, json_string_value(j), json_string_length(j));
		return 0;
	case JSON_INTEGER:
		json_out_int(b, json_integer_value(j));
		return 0;
	case JSON_REAL:
		json_out_real(b, json_real_value(j));
		return 0;
	case JSON_TRUE:
		buf_puts(b, "true");
		return 0;
	case JSON_FALSE:
		buf_puts(b, "false");
		return 0;
	case JSON_NULL:
		buf_puts(b, "null");
		return 0;
	}
	return -1;
}

char *json_out_dump(const json_t *j, size_t *len)
{
	struct buf b;
	buf_init(&b, JSON_OUT_MAX);
	if (!j || json_out_value(&b, j, 0) || b.err) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}
