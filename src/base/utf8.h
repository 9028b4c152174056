/*
 * utf8.h — UTF-8 validation, NFC normalization, cleaning of names and the
 * search fold (case and Vietnamese diacritics removed, đ→d), on utf8proc.
 *
 * Functions returning char * allocate; the caller frees with free().
 */
#ifndef CADRE_UTF8_H
#define CADRE_UTF8_H

#include <stddef.h>

#include "base/err.h"

/* 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates), else 0. */
int utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 s. */
size_t utf8_len(const char *s);
/* NFC of s, or NULL on invalid input / no memory. */
char *utf8_nfc(const char *s);
/* A display name as stored: valid UTF-8, NFC, no control characters,
 * trimmed, inner whitespace runs collapsed to one space, 1..max_chars
 * code points.  Returns a new string or NULL with e filled (ERR_BAD_REQUEST
 * for invalid UTF-8, ERR_INVALID otherwise, naming `field`). */
char *utf8_clean_name(const char *s, size_t max_chars, const char *field,
		      struct err *e);
/* The search key: lower case, no diacritics, đ→d, whitespace collapsed.
 * "Đắk Lắk" → "dak lak".  NULL on invalid input. */
char *utf8_fold(const char *s);

#endif
