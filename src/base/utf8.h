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
/* 1 when s[0..n) is valid UTF-8 made only of code points below U+0300
 * or in U+1E00..U+1EFF (Latin, Latin-1, Latin Extended A/B, IPA, spacing
 * modifiers and Latin Extended Additional: every precomposed Vietnamese
 * letter).  Such text is in NFC and NFC leaves it byte for byte as it is
 * (none of these code points decomposes or combines with what precedes
 * it; tests/unit/test_import_fast.c checks it against utf8proc for every
 * one of them and every pair).  0 means "ask utf8proc", not "not NFC". */
int utf8_nfc_quick(const char *s, size_t n);
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

/* The fold of each code point below UTF8_FOLD_CPS (U+2000: Latin, Greek,
 * Cyrillic… and every precomposed Vietnamese letter) as utf8_fold computes
 * it between two letters ("a" X "b" → "a" f(X) "b"): tab[cp], len[cp]
 * bytes (not NUL-terminated; the rest of the UTF8_FOLD_CP_MAX bytes are
 * zero), or len[cp] == UTF8_FOLD_NONE where utf8_fold must decide
 * (controls other than tab, LF and CR; folds that do not fit).  kind[cp]:
 * 0 the fold has no blank byte, 1 it is one blank, 2 it mixes.  The one
 * table behind utf8_fold_quick and member_fold_buf. */
#define UTF8_FOLD_CPS 0x2000
#define UTF8_FOLD_CP_MAX 8
#define UTF8_FOLD_NONE 255
struct utf8_fold_table {
	unsigned char len[UTF8_FOLD_CPS];
	unsigned char kind[UTF8_FOLD_CPS];
	char tab[UTF8_FOLD_CPS][UTF8_FOLD_CP_MAX];
};
/* The table, built on the first call (thread-safe), read-only after. */
const struct utf8_fold_table *utf8_fold_table(void);

/* utf8_fold of s[0..n) into out[cap] (NUL-terminated), its length, for
 * text utf8_nfc_quick accepts of at most UTF8_FOLD_QUICK_MAX bytes;
 * (size_t)-1 for anything else (other code points, controls, longer text,
 * cap < 8n + 1, an empty result): then ask utf8_fold.  Driven by
 * utf8_fold_table, one pass, no allocation; the same bytes as
 * member_fold_buf. */
#define UTF8_FOLD_QUICK_MAX 256
size_t utf8_fold_quick(const char *s, size_t n, char *out, size_t cap);

#endif
