/*
 * utf8.c — UTF-8 checks and transformations on utf8proc.  Owns no state.
 * Vietnamese specifics live here and only here: đ/Đ (U+0111/U+0110) have no
 * decomposition, so the fold maps them to d by hand.
 */
#include "base/utf8.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int valid_scalar(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		unsigned c = *p;
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
		} else if (c < 0xC2) { /* a continuation, or an overlong lead */
			return 0;
		} else if (c < 0xE0) {
			if (end - p < 2 || (p[1] & 0xC0) != 0x80) {
				return 0;
			}
			p += 2;
		} else if (c < 0xF0) {
			/* E0 A0..BF: no overlongs; ED 80..9F: no surrogates */
			unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
			if (end - p < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80) {
				return 0;
			}
			p += 3;
		} else if (c < 0xF5) {
			/* F0 90..BF: no overlongs; F4 80..8F: at most U+10FFFF */
			unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
			if (end - p < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 ||
			    (p[3] & 0xC0) != 0x80) {
				return 0;
			}
			p += 4;
		} else {
			return 0;
		}
	}
	return 1;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* The "lookup" validator of Keiser and Lemire ("Validating UTF-8 in less
 * than one instruction per byte", 2021), 16 bytes at a time with SSSE3:
 * each byte pair (previous, current) is classified by three table
 * look-ups whose AND is non-zero exactly for the invalid pairs, and the
 * 3rd/4th bytes of long sequences are checked against the lead two and
 * three bytes back.  The tail is padded with zeros (ASCII: a sequence cut
 * short there is an error, as it must be). */
enum {
	TOO_SHORT = 1 << 0,
	TOO_LONG = 1 << 1,
	OVERLONG_3 = 1 << 2,
	TOO_LARGE = 1 << 3,
	SURROGATE = 1 << 4,
	OVERLONG_2 = 1 << 5,
	TOO_LARGE_1000 = 1 << 6,
	OVERLONG_4 = 1 << 6,
	TWO_CONTS = 1 << 7,
	CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

__attribute__((target("ssse3"))) static __m128i
block_errors(__m128i in, __m128i prev)
{
	const __m128i lo4 = _mm_set1_epi8(0x0F);
	const __m128i t1 = _mm_setr_epi8(
		TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
		TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS, TOO_SHORT | OVERLONG_2, TOO_SHORT,
		TOO_SHORT | OVERLONG_3 | SURROGATE,
		TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4);
	const __m128i t2 = _mm_setr_epi8(
		CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2, CARRY, CARRY,
		CARRY | TOO_LARGE, CARRY | TOO_LARGE | TOO_LARGE_1000,
		CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
		CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
		CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
		CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
		CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000);
	const __m128i t3 = _mm_setr_epi8(
		TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
		TOO_SHORT,
		(char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4),
		(char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE),
		(char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE),
		(char)(TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE), TOO_SHORT,
		TOO_SHORT, TOO_SHORT, TOO_SHORT);
	__m128i prev1 = _mm_alignr_epi8(in, prev, 15);
	__m128i prev2 = _mm_alignr_epi8(in, prev, 14);
	__m128i prev3 = _mm_alignr_epi8(in, prev, 13);
	__m128i b1h = _mm_shuffle_epi8(t1, _mm_and_si128(_mm_srli_epi16(prev1, 4), lo4));
	__m128i b1l = _mm_shuffle_epi8(t2, _mm_and_si128(prev1, lo4));
	__m128i b2h = _mm_shuffle_epi8(t3, _mm_and_si128(_mm_srli_epi16(in, 4), lo4));
	__m128i sc = _mm_and_si128(_mm_and_si128(b1h, b1l), b2h);
	/* a 3rd byte (lead two back >= E0) or a 4th (lead three back >= F0)
	 * must be a continuation: those are the cases TWO_CONTS allows */
	__m128i third = _mm_subs_epu8(prev2, _mm_set1_epi8((char)(0xE0 - 0x80)));
	__m128i fourth = _mm_subs_epu8(prev3, _mm_set1_epi8((char)(0xF0 - 0x80)));
	__m128i must23 = _mm_and_si128(_mm_or_si128(third, fourth), _mm_set1_epi8((char)0x80));
	return _mm_xor_si128(must23, sc);
}

__attribute__((target("ssse3"))) static int valid_ssse3(const unsigned char *p, size_t n)
{
	__m128i prev = _mm_setzero_si128(), err = _mm_setzero_si128();
	/* bytes that leave a sequence unfinished at the end of a block */
	const __m128i max_end = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
					      (char)(0xF0 - 1), (char)(0xE0 - 1), (char)(0xC0 - 1));
	__m128i incomplete = _mm_setzero_si128();
	size_t i = 0;
	for (;; i += 16) {
		__m128i in;
		if (i + 16 <= n) {
			in = _mm_loadu_si128((const __m128i *)(p + i));
		} else {
			unsigned char tail[16] = {0};
			if (i < n) {
				memcpy(tail, p + i, n - i);
			}
			in = _mm_loadu_si128((const __m128i *)tail);
		}
		if (_mm_movemask_epi8(in) == 0) {
			/* ASCII: only a sequence left open by the last block */
			err = _mm_or_si128(err, incomplete);
		} else {
			err = _mm_or_si128(err, block_errors(in, prev));
		}
		incomplete = _mm_subs_epu8(in, max_end);
		prev = in;
		if (i + 16 >= n) {
			break;
		}
	}
	if (n % 16 == 0) {
		err = _mm_or_si128(err, incomplete);
	}
	return _mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) == 0xFFFF;
}

int utf8_valid(const char *s, size_t n)
{
	static int has_ssse3 = -1;
	const unsigned char *p = (const unsigned char *)s;
	int simd = __atomic_load_n(&has_ssse3, __ATOMIC_RELAXED);
	if (simd < 0) {
		__builtin_cpu_init();
		simd = __builtin_cpu_supports("ssse3") != 0;
		__atomic_store_n(&has_ssse3, simd, __ATOMIC_RELAXED);
	}
	if (n >= 16 && simd) {
		return valid_ssse3(p, n);
	}
	return valid_scalar(p, p + n);
}
#else
int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	return valid_scalar(p, p + n);
}
#endif

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

/* ---- the search key, table-driven ---- */

static struct utf8_fold_table qf;
static pthread_once_t qf_once = PTHREAD_ONCE_INIT;

static size_t put_cp(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | cp >> 12);
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* Each code point's fold, computed by utf8_fold itself between two letters
 * ("a" X "b" → "a" f(X) "b"), so that the table agrees with it exactly;
 * controls other than tab, LF and CR are left to utf8_fold. */
static void qf_init(void)
{
	for (unsigned cp = 0; cp < UTF8_FOLD_CPS; cp++) {
		char in[8] = "a", *r;
		size_t n = 1 + put_cp(cp, in + 1), k;
		qf.len[cp] = UTF8_FOLD_NONE;
		if (cp < 0x20 || cp == 0x7F) {
			if (cp == '\t' || cp == '\n' || cp == '\r') {
				qf.tab[cp][0] = ' ';
				qf.len[cp] = 1;
			}
			continue;
		}
		in[n++] = 'b';
		in[n] = '\0';
		r = utf8_fold(in);
		k = r ? strlen(r) : 0;
		if (r && k >= 2 && k - 2 < UTF8_FOLD_CP_MAX && r[0] == 'a' && r[k - 1] == 'b') {
			memcpy(qf.tab[cp], r + 1, k - 2);
			qf.len[cp] = (unsigned char)(k - 2);
		}
		free(r);
	}
	for (unsigned cp = 0; cp < UTF8_FOLD_CPS; cp++) {
		int blanks = 0;
		for (unsigned k = 0; qf.len[cp] != UTF8_FOLD_NONE && k < qf.len[cp]; k++) {
			char b = qf.tab[cp][k];
			blanks += b == ' ' || b == '\t' || b == '\n' || b == '\r';
		}
		qf.kind[cp] = blanks == 0 ? 0 : blanks == 1 && qf.len[cp] == 1 ? 1 : 2;
	}
}

const struct utf8_fold_table *utf8_fold_table(void)
{
	pthread_once(&qf_once, qf_init);
	return &qf;
}

size_t utf8_fold_quick(const char *s, size_t n, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t w = 0;
	int space = 0;
	if (n > UTF8_FOLD_QUICK_MAX || cap < n * UTF8_FOLD_CP_MAX + 1) {
		return (size_t)-1;
	}
	pthread_once(&qf_once, qf_init);
	while (p < end) {
		unsigned c = *p, i;
		if (c < 0x80) {
			i = c;
			p++;
		} else if (c >= 0xC2 && c <= 0xCB && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
			i = (c & 0x1F) << 6 | (p[1] & 0x3F);
			p += 2;
		} else if (c == 0xE1 && end - p >= 3 && p[1] >= 0xB8 && p[1] <= 0xBB &&
			   (p[2] & 0xC0) == 0x80) {
			i = 0x1E00 | ((p[1] & 0x03) << 6 | (p[2] & 0x3F));
			p += 3;
		} else {
			return (size_t)-1;
		}
		if (qf.len[i] == UTF8_FOLD_NONE) {
			return (size_t)-1;
		}
		if (qf.kind[i] == 0) { /* the usual: a letter, a mark-free fold */
			if (space) {
				out[w++] = ' ';
				space = 0;
			}
			memcpy(out + w, qf.tab[i], UTF8_FOLD_CP_MAX); /* room: cap >= 8 n + 1 */
			w += qf.len[i];
			continue;
		}
		if (qf.kind[i] == 1) {
			space = w > 0;
			continue;
		}
		for (unsigned k = 0; k < qf.len[i]; k++) {
			char b = qf.tab[i][k];
			if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
				space = w > 0;
			} else {
				if (space) {
					out[w++] = ' ';
					space = 0;
				}
				out[w++] = b;
			}
		}
	}
	if (w == 0) {
		return (size_t)-1;
	}
	out[w] = '\0';
	return w;
}
