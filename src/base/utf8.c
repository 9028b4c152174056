/*
 * utf8.c — UTF-8 checks and transformations on utf8proc.  Owns no state.
 * Vietnamese specifics live here and only here: đ/Đ (U+0111/U+0110) have no
 * decomposition, so the fold maps them to d by hand.
 */
#include "base/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		size_t len;
		uint32_t cp;
		if (c < 0x80) {
			/* ASCII runs, eight bytes at a time */
			p++;
			while (end - p >= 8) {
				uint64_t w;
				memcpy(&w, p, 8);
				if (w & 0x8080808080808080ull) {
					break;
				}
				p += 8;
			}
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if ((size_t)(end - p) < len) {
			return 0;
		}
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80) {
				return 0;
			}
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF)) {
			return 0;
		}
		p += len;
	}
	return 1;
}

int utf8_nfc_quick(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		if (c < 0x80) {
			p++;
		} else if (c >= 0xC2 && c <= 0xCB) { /* U+0080..U+02FF */
			if (end - p < 2 || (p[1] & 0xC0) != 0x80) {
				return 0;
			}
			p += 2;
		} else if (c == 0xE1) { /* U+1E00..U+1EFF: E1 B8..BB xx */
			if (end - p < 3 || p[1] < 0xB8 || p[1] > 0xBB || (p[2] & 0xC0) != 0x80) {
				return 0;
			}
			p += 3;
		} else {
			return 0;
		}
	}
	return 1;
}

size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80) {
			n++;
		}
	}
	return n;
}

char *utf8_nfc(const char *s)
{
	if (!utf8_valid(s, strlen(s))) {
		return NULL;
	}
	return (char *)utf8proc_NFC((const utf8proc_uint8_t *)s);
}

/* Collapse whitespace runs to one space and trim, in place. */
static void squeeze_spaces(char *s)
{
	char *w = s;
	int space = 1;
	for (char *r = s; *r; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
			if (!space) {
				*w++ = ' ';
			}
			space = 1;
		} else {
			*w++ = *r;
			space = 0;
		}
	}
	if (w > s && w[-1] == ' ') {
		w--;
	}
	*w = 0;
}

char *utf8_clean_name(const char *s, size_t max_chars, const char *field,
		      struct err *e)
{
	char *z;
	size_t n;
	if (!s) {
		err_set(e, ERR_INVALID, field, "%s is required", field);
		return NULL;
	}
	if (!utf8_valid(s, strlen(s))) {
		err_set(e, ERR_BAD_REQUEST, field, "%s is not valid UTF-8", field);
		return NULL;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != ' ' && *p != '\t') || *p == 0x7F) {
			err_set(e, ERR_INVALID, field,
				"%s contains a control character", field);
			return NULL;
		}
	}
	z = utf8_nfc(s);
	if (!z) {
		err_set(e, ERR_INTERNAL, field, "out of memory");
		return NULL;
	}
	squeeze_spaces(z);
	n = utf8_len(z);
	if (n == 0) {
		free(z);
		err_set(e, ERR_INVALID, field, "%s must not be empty", field);
		return NULL;
	}
	if (n > max_chars) {
		free(z);
		err_set(e, ERR_INVALID, field,
			"%s is too long: %zu characters, at most %zu", field, n,
			max_chars);
		return NULL;
	}
	return z;
}

char *utf8_fold(const char *s)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t n;
	char *w, *r;
	if (!utf8_valid(s, strlen(s))) {
		return NULL;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
				 UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD |
				 UTF8PROC_COMPAT);
	if (n < 0) {
		return NULL;
	}
	/* đ (C4 91) and Đ (C4 90, casefolded already) become d. */
	for (r = w = (char *)m; *r; r++) {
		if ((unsigned char)r[0] == 0xC4 &&
		    ((unsigned char)r[1] == 0x91 || (unsigned char)r[1] == 0x90)) {
			*w++ = 'd';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	squeeze_spaces((char *)m);
	return (char *)m;
}
