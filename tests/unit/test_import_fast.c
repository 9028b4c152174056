/*
 * test_import_fast.c — the import reader's fast paths agree byte for byte
 * with the code they replaced (kept as the reference in tests/unit/ref,
 * utf8proc-based, see ref/ref_old.h): UTF-8 validation, the NFC quick
 * check (against utf8proc for every code point it accepts and every pair
 * of them), value normalization of every field, the name's search key,
 * the 27 quality rules, and the whole reader thread on messy CSV files
 * (the batches it hands the writer: values, keys, problems, reasons).
 * Inputs are generated (fixed seeds) from adversarial pieces: decomposed
 * Vietnamese, combining marks, blanks of every kind, controls, invalid
 * bytes, odd dates, genders, IDs and phones.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/member_internal.h"
#include "import_drive.h"
#include "ref/ref_old.h"
#include "test.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

/* ---- generated text ---- */

static const char *const pieces[] = {
	"a", "B", "z", "Q", "Nguyễn", "Trần", "Thị", "Văn", "Đ", "đ", "ư", "ơ", "ắ", "ệ",
	"ữ", "Ỹ", "ỹ", "Ư", "é", "Ã", "ß", "ǅ", "ʼ", "˜", "\xCB\xBF", "\xC2\xBD", "\xC2\xAD",
	" ", " ", " ", "  ", "\t", "\n", "\r", "\v", "\f", "\xC2\xA0", "\xE2\x80\x8B",
	"\xEF\xBB\xBF", "\xE2\x80\x83", "\xE3\x80\x80",
	/* decomposed: a + acute, e + circumflex + acute, u + horn + tilde,
	 * N u + horn + tilde ("Nữ"), bare marks, o + horn, dot below */
	"a\xCC\x81", "e\xCC\x82\xCC\x81", "u\xCC\x9B\xCC\x83", "Nu\xCC\x9B\xCC\x83",
	"\xCC\x80", "\xCC\xA3", "o\xCC\x9B", "A\xCC\x8A", "\xCD\x85", "\xCC\x81\xCC\xA3",
	"0", "1", "7", "9", "-", "/", ".", "'", "+", "(", ")", "@", "_", "!", ",", ";",
	"\"", ":", "T", "Ω", "Ж", "中", "한", "\xE1\x84\x80", "\xE1\x85\xA1", "😀",
	"\xEF\xAC\x81", "\xE1\xBA\x9E", "\xE1\xBA\x9B", "\xE1\xBB\xBF", "\xE1\xB8\x80",
	"\xE2\x84\xAA", "\xCD\xB4", "\x01", "\x1F", "\x7F", "\x1B",
	/* invalid UTF-8 */
	"\x80", "\xC0\xAF", "\xC1\x81", "\xE0\x80\x80", "\xED\xA0\x80", "\xF5\x80\x80\x80",
	"\xFF", "\xC3", "\xE1\xBB", "\xF0\x9F\x98", "\xF4\x90\x80\x80", "\xE1\xB8",
};

/* Pieces that are valid UTF-8. */
static int piece_valid(const char *p)
{
	return utf8_valid(p, strlen(p));
}

static size_t put_cp(uint32_t cp, char *o)
{
	utf8proc_uint8_t t[4];
	utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, t);
	memcpy(o, t, (size_t)n);
	return (size_t)n;
}

/* A random code point, weighted to the interesting ranges. */
static uint32_t rnd_cp(void)
{
	static const uint32_t r[][2] = {
		{0x20, 0x7E},	  {0x80, 0x2FF},   {0x300, 0x36F},   {0x1E00, 0x1EFF},
		{0x370, 0x10FF},  {0x1100, 0x11FF}, {0xAC00, 0xD7A3}, {0xFB00, 0xFB4F},
		{0x2000, 0x206F}, {0xE000, 0xFFFD}, {0x10000, 0x10FFFF},
	};
	uint32_t k = rnd(sizeof r / sizeof r[0]), cp;
	do {
		cp = r[k][0] + rnd(r[k][1] - r[k][0] + 1);
	} while (cp >= 0xD800 && cp <= 0xDFFF);
	return cp;
}

/* Text of up to max pieces into out[size]; valid only when `valid`. */
static void gen_text(char *out, size_t size, int max, int valid)
{
	size_t w = 0;
	int n = (int)rnd((uint32_t)max + 1);
	for (int i = 0; i < n; i++) {
		char tmp[8];
		const char *p;
		size_t k;
		if (rnd(4) == 0) {
			k = put_cp(rnd_cp(), tmp);
			tmp[k] = 0;
			p = tmp;
		} else {
			p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
			if (valid && !piece_valid(p)) {
				continue;
			}
		}
		k = strlen(p);
		if (w + k + 1 > size) {
			break;
		}
		memcpy(out + w, p, k);
		w += k;
	}
	out[w] = 0;
}

/* Quick text: ASCII, Latin below U+0300, Latin Extended Additional, blanks
 * (what a clean file mostly holds). */
static void gen_quick(char *out, size_t size, int max)
{
	static const char *const q[] = {
		"a", "Z", "Nguyễn", "Thị", "Đặng", "ư", "ờ", "ỹ", "Ỷ", " ", " ", "  ", "\t",
		"\xC2\xA0", "-", "'", ".", "0", "é", "ß", "ǅ", "\xC2\xBD", "\xC2\xAD", "ʼ",
		"\xE1\xBA\x9E", "\xE1\xBA\x9B", "\n", "\x01", "\x7F", "\xCB\xBF", "Q",
	};
	size_t w = 0;
	int n = (int)rnd((uint32_t)max + 1);
	for (int i = 0; i < n; i++) {
		const char *p = q[rnd(sizeof q / sizeof q[0])];
		size_t k = strlen(p);
		if (w + k + 1 > size) {
			break;
		}
		memcpy(out + w, p, k);
		w += k;
	}
	out[w] = 0;
}

static const char *blank_piece(void)
{
	static const char *const b[] = {"", "", " ", "  ", "\t", "\xC2\xA0", "\xEF\xBB\xBF",
					"\xE2\x80\x8B", "\r\n", " \xC2\xA0 "};
	return b[rnd(sizeof b / sizeof b[0])];
}

static int valid_only; /* gen_value makes valid UTF-8 only */

/* A value for field f, as a clerk's file could hold it. */
static void gen_value(enum member_field f, char *out, size_t size)
{
	char core[160];
	int k = (int)rnd(10);
	static const char *const genders[] = {
		"Nam", "Nữ", "nam", "nữ", "NAM", "NỮ", "Nu\xCC\x9B\xCC\x83", "M", "F", "m", "f",
		"Male", "female", "FEMALE", "man", "woman", "nam giới", "Nữ  giới", "nữ-giới",
		"x", "", "Nam.", "N", "Khác", "N\xC6\xB0\xCC\x83", "Nu", "NU GIOI",
	};
	static const char *const orgs[] = {
		"Đảng", "đảng", "party", "Đoàn", "Đoàn TNCS Hồ Chí Minh", "Hội phụ nữ",
		"women's union", "Nông dân", "Cựu chiến binh", "Công đoàn", "labor", "x", "",
	};
	core[0] = 0;
	if (k < 3) {
		gen_text(core, sizeof core, 8, valid_only || rnd(4) != 0);
	} else if (f == MF_BIRTH_DATE || f == MF_JOINED || f == MF_OFFICIAL) {
		int d = (int)rnd(33), m = (int)rnd(14), y = (int)rnd(4) ? 1900 + (int)rnd(130)
								       : (int)rnd(12000);
		if (rnd(3) == 0) {
			snprintf(core, sizeof core, rnd(2) ? "%04d-%02d-%02d" : "%d/%d/%d", y, m, d);
		} else {
			switch (rnd(5)) {
			case 0:
				snprintf(core, sizeof core, "%02d/%02d/%04d", d, m, y);
				break;
			case 1:
				snprintf(core, sizeof core, "%d/%d/%d", d, m, y);
				break;
			case 2:
				snprintf(core, sizeof core, "%d-%d-%d", d, m, y);
				break;
			case 3:
				snprintf(core, sizeof core, "%02d.%02d.%04d", d, m, y);
				break;
			default:
				snprintf(core, sizeof core, "%d/%d-%d", d, m, y);
			}
		}
		if (rnd(5) == 0) {
			static const char *const t[] = {" 00:00:00", "T12:30", " 0:00", " ", "T",
							" 1.5", " x"};
			strcat(core, t[rnd(7)]);
		}
	} else if (f == MF_GENDER) {
		snprintf(core, sizeof core, "%s", genders[rnd(sizeof genders / sizeof genders[0])]);
	} else if (f == MF_ORG) {
		snprintf(core, sizeof core, "%s", orgs[rnd(sizeof orgs / sizeof orgs[0])]);
	} else if (f == MF_CITIZEN_ID || f == MF_PHONE || f == MF_NUMBER) {
		static const char *const sep[] = {"", "", "", " ", ".", "-", "(", ")", "x"};
		size_t w = 0;
		int n = 8 + (int)rnd(7);
		if (rnd(4) == 0) {
			core[w++] = rnd(2) ? '\'' : '+';
		}
		if (rnd(4) == 0) {
			core[w++] = '8';
			core[w++] = '4';
		}
		for (int i = 0; i < n && w + 3 < sizeof core; i++) {
			core[w++] = (char)('0' + rnd(10));
			if (rnd(6) == 0) {
				const char *s = sep[rnd(sizeof sep / sizeof sep[0])];
				size_t l = strlen(s);
				memcpy(core + w, s, l);
				w += l;
			}
		}
		core[w] = 0;
	} else if (f == MF_EMAIL) {
		snprintf(core, sizeof core, "%s%s@%s", rnd(2) ? "a.b" : "x y", rnd(3) ? "" : "@",
			 rnd(2) ? "ví-dụ.vn" : "ex..com");
	} else {
		gen_quick(core, sizeof core, 8);
	}
	snprintf(out, size, "%s%s%s", blank_piece(), core, blank_piece());
}

/* ---- UTF-8 ---- */

TEST(fast_utf8_valid_agrees_with_the_reference)
{
	unsigned char b[8];
	int bad = 0;
	/* every sequence of one to three bytes */
	for (unsigned x = 0; x < 0x1000000; x++) {
		b[0] = (unsigned char)(x >> 16);
		b[1] = (unsigned char)(x >> 8);
		b[2] = (unsigned char)x;
		for (size_t n = 1; n <= 3; n++) {
			if (n < 3 && (x & ((1u << (8 * (3 - n))) - 1))) {
				continue; /* shorter ones once */
			}
			bad += utf8_valid((const char *)b, n) != ref_utf8_valid((const char *)b, n);
		}
	}
	CHECK(bad == 0);
	/* sequences of up to four bytes across the 16-byte blocks of the
	 * vectorized check, cut short at the end of the text or not */
	{
		static const unsigned char tails[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
						      0xA0, 0xBF, 0xC0, 0xE1, 0xF4};
		static const int offs[] = {0, 13, 14, 15, 16, 29, 30, 31};
		char t[48];
		for (unsigned x = 0; x < 0x10000; x++) {
			for (size_t j = 0; j < sizeof tails; j++) {
				for (size_t o = 0; o < sizeof offs / sizeof offs[0]; o++) {
					int k = offs[o];
					memset(t, (x + j) & 1 ? 'a' : 0, sizeof t);
					if ((x + j) % 3 == 0) {
						memcpy(t, "ắắắắắắắắắắắắ", 36);
					}
					t[k] = (char)(x >> 8);
					t[k + 1] = (char)x;
					t[k + 2] = (char)tails[j];
					t[k + 3] = (char)tails[(j + x) % sizeof tails];
					for (size_t n = (size_t)k + 1; n <= (size_t)k + 5; n++) {
						if (t[0] == 0) {
							memset(t, 'b', (size_t)k);
						}
						bad += utf8_valid(t, n) != ref_utf8_valid(t, n);
					}
					bad += utf8_valid(t, 32) != ref_utf8_valid(t, 32);
				}
			}
		}
	}
	CHECK(bad == 0);
	for (int i = 0; i < 200000; i++) {
		char s[64], l[300];
		gen_text(l, sizeof l, 60, rnd(2));
		bad += utf8_valid(l, strlen(l)) != ref_utf8_valid(l, strlen(l));
		size_t n = rnd(sizeof s);
		for (size_t k = 0; k < n; k++) {
			s[k] = (char)(rnd(3) ? rnd(256) : 0x80 | rnd(64));
		}
		bad += utf8_valid(s, n) != ref_utf8_valid(s, n);
		gen_text(s, sizeof s, 10, 0);
		bad += utf8_valid(s, strlen(s)) != ref_utf8_valid(s, strlen(s));
	}
	CHECK(bad == 0);
}

static int is_quick_cp(uint32_t cp)
{
	return cp < 0x300 || (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* NFC of cps[0..n) by utf8proc equals them. */
static int nfc_stable(const utf8proc_int32_t *cps, int n)
{
	utf8proc_int32_t buf[16];
	utf8proc_uint8_t s[16];
	utf8proc_ssize_t w = 0, k;
	for (int i = 0; i < n; i++) {
		w += utf8proc_encode_char(cps[i], s + w);
	}
	k = utf8proc_decompose(s, w, buf, 16, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (k < 0 || k > 16) {
		return 0;
	}
	k = utf8proc_normalize_utf32(buf, k, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (k != n) {
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (buf[i] != cps[i]) {
			return 0;
		}
	}
	return 1;
}

TEST(fast_nfc_quick_check_holds_for_every_code_point_it_accepts)
{
	static utf8proc_int32_t acc[0x400];
	int n = 0, wrong = 0, unstable = 0;
	for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
		char s[4];
		size_t k;
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			continue;
		}
		k = put_cp(cp, s);
		wrong += utf8_nfc_quick(s, k) != is_quick_cp(cp);
		if (is_quick_cp(cp)) {
			acc[n++] = (utf8proc_int32_t)cp;
		}
	}
	CHECK(wrong == 0);
	CHECK(n == 0x2FF + 0x100);
	/* each alone and every pair: NFC leaves them as they are, so no
	 * accepted code point decomposes or combines with what precedes it */
	for (int i = 0; i < n; i++) {
		unstable += !nfc_stable(&acc[i], 1);
		for (int j = 0; j < n; j++) {
			utf8proc_int32_t two[2] = {acc[i], acc[j]};
			unstable += !nfc_stable(two, 2);
		}
	}
	CHECK(unstable == 0);
	/* invalid bytes are never quick */
	CHECK(!utf8_nfc_quick("\xC0\xAF", 2) && !utf8_nfc_quick("\xC3", 1) &&
	      !utf8_nfc_quick("\xE1\xBB", 2) && !utf8_nfc_quick("\x80", 1) &&
	      !utf8_nfc_quick("\xE1\xBC\x80", 3));
}

TEST(fast_member_nfc_agrees_with_the_reference)
{
	int bad = 0;
	for (int i = 0; i < 100000; i++) {
		char s[200], a[256], b[256];
		size_t size = rnd(4) ? sizeof a : 1 + rnd(40), na, nb;
		gen_text(s, sizeof s, 12, rnd(8) != 0);
		memset(a, 'x', sizeof a);
		memset(b, 'x', sizeof b);
		na = member_nfc(s, strlen(s), a, size);
		nb = ref_member_nfc(s, strlen(s), b, size);
		bad += na != nb || (na != (size_t)-1 && memcmp(a, b, na + 1) != 0);
		if (utf8_nfc_quick(s, strlen(s)) && strlen(s) < sizeof a) {
			bad += ref_member_nfc(s, strlen(s), b, sizeof b) != strlen(s) ||
			       strcmp(b, s) != 0;
		}
	}
	CHECK(bad == 0);
}

/* ---- normalization ---- */

/* The same answer: both `in` itself, both "", or equal text in buf. */
static int same_result(const char *in, const char *a, const char *b, const char *abuf,
		       const char *bbuf)
{
	if ((a == in) != (b == in) || (a == abuf) != (b == bbuf)) {
		return 0;
	}
	return strcmp(a, b) == 0;
}

TEST(fast_value_normalize_agrees_with_the_reference_for_every_field)
{
	static const size_t sizes[] = {MEMBER_VALUE_MAX, MEMBER_VALUE_MAX, 64, 16, 12, 11, 4, 3,
				       2, 1};
	int bad = 0, fast = 0;
	char *in = malloc(2048), *a = malloc(MEMBER_VALUE_MAX), *b = malloc(MEMBER_VALUE_MAX);
	for (int i = 0; i < 60000; i++) {
		for (int f = 0; f < MF__COUNT; f++) {
			size_t size = sizes[rnd(sizeof sizes / sizeof sizes[0])], len;
			const char *ra, *rb;
			if (rnd(200) == 0) { /* long: near and past the buffer */
				size_t n = 1000 + rnd(40), w = 0;
				while (w < n) {
					in[w++] = (char)('a' + rnd(3));
					if (rnd(5) == 0) {
						in[w++] = ' ';
					}
				}
				in[w] = 0;
			} else {
				gen_value((enum member_field)f, in, 2048);
			}
			ra = member_value_normalize((enum member_field)f, in, a, size);
			rb = ref_member_value_normalize((enum member_field)f, in, b, size);
			if (!same_result(in, ra, rb, a, b)) {
				bad++;
				if (bad < 5) {
					printf("    field %d size %zu: \"%s\" → \"%s\", reference \"%s\"\n",
					       f, size, in, ra, rb);
				}
			}
			ra = member_value_normalize_n((enum member_field)f, in, strlen(in), a, size,
						      &len);
			bad += !same_result(in, ra, rb, a, b) || len != strlen(ra);
			fast += ra == a;
		}
	}
	CHECK(bad == 0);
	CHECK(fast > 100000); /* most values were normalized, not passed through */
	CHECK_STR(member_value_normalize(MF_GENDER, NULL, a, 32), "");
	free(in);
	free(a);
	free(b);
}

TEST(fast_usual_gender_spellings_fold_as_the_general_path_says)
{
	static const char *const usual[] = {"Nam", "Nữ",   "M",	 "F",	   "nam",    "nữ",
					    "NAM", "NỮ",   "Male", "Female", "male", "female"};
	char a[32], b[32];
	for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++) {
		CHECK_STR(member_value_normalize(MF_GENDER, usual[i], a, sizeof a),
			  ref_member_value_normalize(MF_GENDER, usual[i], b, sizeof b));
		CHECK(strlen(a) == 1);
	}
}

TEST(fast_record_from_row_agrees_with_the_reference)
{
	struct csv_row h, row;
	int map[MF__COUNT], bad = 0;
	struct member_norm *sa = malloc(sizeof *sa), *sb = malloc(sizeof *sb);
	struct err e = ERR_INIT;
	static char cells[MF__COUNT + 1][400];
	size_t lens[MF__COUNT + 1];
	memset(&h, 0, sizeof h);
	h.n = MF__COUNT + 1;
	for (int f = 0; f < MF__COUNT; f++) {
		h.f[f] = member_field_names[f];
	}
	h.f[MF__COUNT] = "STT";
	CHECK(member_columns_map(&h, map, &e) == 0);
	for (int i = 0; i < 20000; i++) {
		struct member_record ra, rb;
		memset(&row, 0, sizeof row);
		row.n = rnd(10) ? MF__COUNT + 1 : (int)rnd(MF__COUNT + 1);
		for (int c = 0; c < row.n; c++) {
			gen_value(c < MF__COUNT ? (enum member_field)c : MF_NUMBER, cells[c],
				  sizeof cells[c]);
			row.f[c] = cells[c];
			lens[c] = strlen(cells[c]);
		}
		member_record_from_row_n(&row, rnd(2) ? lens : NULL, map, &ra, sa);
		ref_member_record_from_row(&row, map, &rb, sb);
		for (int f = 0; f < MF__COUNT; f++) {
			if (!ra.f[f] || !rb.f[f]) {
				bad += ra.f[f] != rb.f[f] || sa->len[f] != 0;
			} else {
				bad += strcmp(ra.f[f], rb.f[f]) != 0 || sa->len[f] != strlen(ra.f[f]);
			}
		}
	}
	CHECK(bad == 0);
	free(sa);
	free(sb);
}

/* ---- the search key ---- */

TEST(fast_fold_agrees_with_member_fold_buf_and_utf8_fold)
{
	int bad = 0, quick = 0;
	for (int i = 0; i < 200000; i++) {
		char s[300], a[2048], b[2048];
		size_t na, nb;
		if (rnd(3)) {
			gen_quick(s, sizeof s, rnd(20) ? 10 : 120);
		} else {
			gen_text(s, sizeof s, 10, 1);
		}
		na = utf8_fold_quick(s, strlen(s), a, sizeof a);
		if (na == (size_t)-1) {
			continue;
		}
		quick++;
		nb = member_fold_buf(s, b, sizeof b);
		if (nb) {
			bad += na != nb || strcmp(a, b) != 0;
		} else {
			char *r = ref_utf8_fold(s);
			bad += !r || strcmp(a, r) != 0;
			free(r);
		}
		/* and against utf8proc's fold itself */
		{
			char *r = ref_utf8_fold(s);
			bad += !r || strcmp(a, r) != 0;
			free(r);
		}
	}
	CHECK(bad == 0);
	CHECK(quick > 60000);
	{
		char k[256];
		CHECK(utf8_fold_quick("Đặng  Thị\tÁnh", strlen("Đặng  Thị\tÁnh"), k, sizeof k) ==
		      strlen("dang thi anh"));
		CHECK_STR(k, "dang thi anh");
		CHECK(utf8_fold_quick("   ", 3, k, sizeof k) == (size_t)-1);
		CHECK(utf8_fold_quick("a\xCC\x81", 3, k, sizeof k) == (size_t)-1);
	}
}

/* ---- the quality rules ---- */

static int same_problems(const struct quality_problem *a, int na, int ea,
			 const struct quality_problem *b, int nb, int eb, int max)
{
	if (na != nb || ea != eb) {
		return 0;
	}
	for (int i = 0; i < na && i < max; i++) {
		if (strcmp(a[i].rule, b[i].rule) != 0 || a[i].field != b[i].field ||
		    a[i].is_error != b[i].is_error || strcmp(a[i].detail, b[i].detail) != 0) {
			return 0;
		}
	}
	return 1;
}

DB_TEST(fast_quality_rules_agree_with_the_reference)
{
	static const char *const todays[] = {"2026-11-23", "2026-11-23", "2000-02-29",
					     "1999-12-31", "", "2026-13-01"};
	static const char *const orgs[] = {"party", "party", "youth", "women", "", NULL};
	struct quality_rules *q;
	struct err e = ERR_INIT;
	struct member_norm *scratch = malloc(sizeof *scratch);
	static char raw[MF__COUNT][400];
	int bad = 0, found = 0;
	CHECK(quality_rules_load(db, &q, &e) == 0);
	for (int i = 0; i < 40000; i++) {
		struct member_record rec;
		struct quality_problem pa[24], pb[24];
		int ea = -1, eb = -2, na, nb, max = rnd(8) ? 24 : (int)rnd(4);
		const char *today = todays[rnd(sizeof todays / sizeof todays[0])];
		for (int f = 0; f < MF__COUNT; f++) {
			gen_value((enum member_field)f, raw[f], sizeof raw[f]);
			rec.f[f] = rnd(12) ? raw[f] : NULL;
		}
		if (rnd(3)) { /* as the import gives them: normalized */
			struct csv_row row;
			int map[MF__COUNT];
			row.n = MF__COUNT;
			for (int f = 0; f < MF__COUNT; f++) {
				row.f[f] = raw[f];
				map[f] = rnd(12) ? f : -1;
			}
			member_record_from_row(&row, map, &rec, scratch);
		}
		if (rnd(4) == 0) { /* a consistent citizen ID, dates in order */
			static char cid[16], birth[11], joined[11];
			int y = 1950 + (int)rnd(70);
			snprintf(birth, sizeof birth, "%04d-%02d-%02d", y, 1 + rnd(12), 1 + rnd(28));
			snprintf(joined, sizeof joined, "%04d-%02d-%02d", y + 15 + (int)rnd(10),
				 1 + rnd(12), 1 + rnd(28));
			snprintf(cid, sizeof cid, "0%02u%u%02d%06u", rnd(100), rnd(4), y % 100,
				 rnd(1000000));
			rec.f[MF_BIRTH_DATE] = birth;
			rec.f[MF_JOINED] = joined;
			rec.f[MF_CITIZEN_ID] = cid;
			rec.f[MF_GENDER] = rnd(2) ? "M" : "F";
		}
		rec.f[MF_ORG] = orgs[rnd(sizeof orgs / sizeof orgs[0])];
		if (rnd(8) == 0) { /* on the day itself */
			static const int dates[] = {MF_BIRTH_DATE, MF_JOINED, MF_OFFICIAL};
			rec.f[dates[rnd(3)]] = today;
		}
		memset(pa, 0x5A, sizeof pa);
		memset(pb, 0x5A, sizeof pb);
		na = quality_check_record(q, &rec, today, pa, max, rnd(5) ? &ea : NULL);
		nb = ref_quality_check_record(q, &rec, today, pb, max, &eb);
		if (ea == -1) {
			ea = eb;
		}
		if (!same_problems(pa, na, ea, pb, nb, eb, max)) {
			bad++;
		}
		found += na;
	}
	CHECK(bad == 0);
	CHECK(found > 40000); /* the records broke rules, often */
	quality_rules_free(q);
	free(scratch);
}

/* ---- the whole reader ---- */

struct reader_fns {
	void *(*run)(void *);
	struct imp_drive_queue queue;
	int (*init)(struct imp_reader *);
	void (*release)(struct imp_reader *);
};

/* What the files exercised, over every run of today's reader. */
static long n_error_rows, n_warnings, n_duplicates;

/* Run one reader over path; the digest of its batches, rows and the
 * error it stopped on. */
static uint64_t read_all(const struct reader_fns *fn, struct imp_reader *proto, const char *path,
			 long *rows, char *failure, size_t fsize)
{
	struct imp_reader rd = *proto;
	struct imp_drive d;
	uint64_t h;
	rd.path = path;
	rd.name = "members.csv";
	*rows = 0;
	failure[0] = 0;
	if (fn->init(&rd) || imp_drive(&rd, &fn->queue, fn->run, &rd, &d)) {
		return 0;
	}
	*rows = d.rows;
	snprintf(failure, fsize, "%s", d.failure);
	if (fn->run == imp_reader_run) {
		n_error_rows += d.error_rows;
		n_warnings += d.warnings;
		n_duplicates += d.duplicates;
	}
	fn->release(&rd);
	h = imp_mix(d.digest, rd.map, sizeof rd.map);
	h = imp_mix(h, &rd.n_header, sizeof rd.n_header);
	for (int i = 0; i < rd.n_header; i++) {
		h = imp_mix_str(h, rd.header[i]);
		free(rd.header[i]);
	}
	free(rd.header);
	return h;
}

/* A cell for a messy file: a value, sometimes quoted (with the quotes
 * doubled and a line break inside), sometimes a CSV-special one. */
static void put_cell(FILE *f, enum member_field fld, char delim)
{
	char v[400];
	int quote;
	gen_value(fld, v, sizeof v);
	for (char *p = v; *p; p++) {
		if (*p == '\0' || ((*p == '\r' || *p == '\n') && rnd(2))) {
			*p = ' ';
		}
	}
	quote = strchr(v, delim) || strchr(v, '"') || strchr(v, '\n') || strchr(v, '\r') ||
		rnd(8) == 0;
	if (!quote) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (const char *p = v; *p; p++) {
		if (*p == '"') {
			fputc('"', f);
		}
		fputc(*p, f);
	}
	fputc('"', f);
}

static void write_messy(const char *path, int rows, char delim, int bom, int invalid)
{
	static const enum member_field cols[] = {
		MF_FULL_NAME, MF_GENDER, MF_BIRTH_DATE, MF_CITIZEN_ID, MF_ETHNICITY, MF_RELIGION,
		MF_HOMETOWN,  MF_PHONE,	 MF_UNIT_CODE,	MF_NUMBER,     MF_JOINED,    MF_OFFICIAL,
		MF_EMAIL,     MF_ORG,	 MF_RESIDENCE,
	};
	static const char *const heads[] = {
		"Họ và tên", "Giới tính", "Ngày sinh (dd/mm/yyyy)", "Số CCCD", "Dân tộc", "Tôn giáo",
		"Quê quán", "Số điện thoại", "Mã đơn vị", "Số thẻ đảng viên", "Ngày vào Đảng",
		"Ngày chính thức", "Email", "Tổ chức", "Nơi ở hiện nay",
	};
	static const char *const units[] = {"U1", "U2", "Y1", "RO", "", " U1 ", "NOPE"};
	static char seen_cid[64][16];
	int n_cols = 13 + (int)rnd(3);
	FILE *f = fopen(path, "wb");
	if (!f) {
		return;
	}
	if (bom) {
		fputs("\xEF\xBB\xBF", f);
	}
	fputs("STT", f);
	for (int c = 0; c < n_cols; c++) {
		fprintf(f, "%c%s", delim, heads[c]);
	}
	fputs(rnd(2) ? "\r\n" : "\n", f);
	for (int i = 0; i < rows; i++) {
		int n = rnd(40) ? n_cols : (int)rnd((uint32_t)n_cols + 3);
		if (rnd(2) && !(invalid && i == rows / 2)) { /* a good row, the odd warning */
			static const char *const names[] = {
				"Nguyễn Văn An", "Trần  Thị Bình", " Lê Hữu Đạt ",
				"Phạm Thi\xCC\xA3 Hà", "Đặng\xC2\xA0Thu Hương", "Võ Thị Ánh",
				"Nguye\xCC\x82\xCC\x83n Văn Nam", "Hồ Ngọc Yến",
			};
			static const char *const phones[] = {"0912345678", "912345678", "84912345678",
							     "091 234 5678", "12345", ""};
			static const char *const mails[] = {"", "", "a@b.vn", "x@y", "bad"};
			int y = 1950 + (int)rnd(55), female = (int)rnd(2), m = 1 + (int)rnd(12);
			int d = 1 + (int)rnd(28), jy = y + 18 + (int)rnd(10);
			char cid[40];
			snprintf(cid, sizeof cid, "0%02d%d%02d%06d", rnd(2) ? 1 : 22,
				 (y >= 2000 ? 2 : 0) + female, y % 100, i);
			if (rnd(20) == 0) {
				snprintf(cid, sizeof cid, "%s", seen_cid[rnd(64)]);
			}
			fprintf(f, "%d", i + 1);
			for (int c = 0; c < n_cols; c++) {
				fputc(delim, f);
				switch (cols[c]) {
				case MF_FULL_NAME:
					fputs(names[rnd(sizeof names / sizeof names[0])], f);
					break;
				case MF_GENDER:
					fputs(female ? (rnd(2) ? "Nữ" : "F") : (rnd(2) ? "Nam" : "nam"), f);
					break;
				case MF_BIRTH_DATE:
					if (rnd(4)) {
						fprintf(f, "%02d/%02d/%d", d, m, y);
					} else {
						fprintf(f, "%d-%02d-%02d", y, m, d);
					}
					break;
				case MF_CITIZEN_ID:
					fputs(cid, f);
					break;
				case MF_PHONE:
					fputs(phones[rnd(sizeof phones / sizeof phones[0])], f);
					break;
				case MF_UNIT_CODE:
					fputs(rnd(10) ? "U1" : "U2", f);
					break;
				case MF_JOINED:
					fprintf(f, "%02d/%02d/%d", d, m, jy);
					break;
				case MF_OFFICIAL:
					if (rnd(3)) {
						fprintf(f, "%02d/%02d/%d", d, m, jy + 1);
					}
					break;
				case MF_EMAIL:
					fputs(mails[rnd(sizeof mails / sizeof mails[0])], f);
					break;
				case MF_ORG:
					fputs(rnd(2) ? "Đảng" : "", f);
					break;
				default:
					fputs(rnd(2) ? "Kinh" : "\"Xã Long, Tỉnh Phan\"", f);
				}
			}
			fputs("\n", f);
			continue;
		}
		if (rnd(50) == 0) {
			fputs("\n", f); /* a blank line */
		}
		fprintf(f, "%d", i + 1);
		for (int c = 0; c < n; c++) {
			enum member_field fld = c < n_cols ? cols[c] : MF_NUMBER;
			fputc(delim, f);
			if (invalid && i == rows / 2 && c == 4) {
				fputs("Tr\xE1\xBB", f); /* cut in the middle of ầ */
			} else if (fld == MF_UNIT_CODE) {
				fputs(units[rnd(sizeof units / sizeof units[0])], f);
			} else if (fld == MF_CITIZEN_ID && rnd(3)) {
				/* valid-looking IDs, some seen before */
				char *cid = seen_cid[rnd(64)];
				if (!cid[0] || rnd(4) == 0) {
					snprintf(cid, 16, "0%02u%u%02u%06u", rnd(100), rnd(4), rnd(100),
						 rnd(1000000));
				}
				fputs(rnd(4) ? cid : "", f);
			} else {
				put_cell(f, fld, delim);
			}
		}
		fputs(rnd(3) ? "\n" : "\r\n", f);
	}
	fclose(f);
}

DB_TEST(fast_reader_hands_the_writer_what_the_reference_reader_did)
{
	static const struct reader_fns now = {imp_reader_run, {imp_take, imp_give_back},
					      imp_queue_init, imp_queue_release};
	static const struct reader_fns ref = {ref_imp_reader_run,
					      {ref_imp_take, ref_imp_give_back},
					      ref_imp_queue_init, ref_imp_queue_release};
	static const struct {
		const char *code, *org;
		int64_t id;
		int writable;
	} us[] = {{"U1", "party", 11, 1}, {"U2", "party", 12, 1}, {"Y1", "youth", 13, 1},
		  {"RO", "party", 14, 0}};
	struct imp_unit units[16];
	struct quality_rules *q;
	struct err e = ERR_INIT;
	struct imp_reader proto;
	char path[] = "/tmp/cadre-test-import-fast-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	CHECK(quality_rules_load(db, &q, &e) == 0);
	valid_only = 1;
	memset(units, 0, sizeof units);
	for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
		size_t h = imp_unit_hash(us[i].code) & 15;
		while (units[h].code) {
			h = (h + 1) & 15;
		}
		units[h].code = us[i].code;
		units[h].id = us[i].id;
		units[h].writable = us[i].writable;
		snprintf(units[h].org, sizeof units[h].org, "%s", us[i].org);
	}
	for (int k = 0; k < 12; k++) {
		uint64_t a, b;
		long ra, rb;
		char fa[512], fb[512];
		int rows = k < 2 ? 3000 : 150 + (int)rnd(700);
		memset(&proto, 0, sizeof proto);
		proto.org = "party";
		proto.today = k % 3 ? "2026-11-23" : "2001-03-01";
		proto.lang = k % 2 ? "vi" : "en";
		proto.default_unit = k % 4 == 0 ? 11 : 0;
		proto.rules = q;
		proto.units = units;
		proto.n_slots = 16;
		write_messy(path, rows, k % 5 == 4 ? ';' : ',', k % 3 == 1, k == 7);
		a = read_all(&now, &proto, path, &ra, fa, sizeof fa);
		b = read_all(&ref, &proto, path, &rb, fb, sizeof fb);
		CHECK(a == b);
		CHECK(ra == rb && ra > 0);
		CHECK_STR(fa, fb);
		if (k == 7) {
			CHECK(strstr(fa, "not valid UTF-8") != NULL);
		}
	}
	/* the files had rows of every kind */
	CHECK(n_error_rows > 1000 && n_warnings > 1000 && n_duplicates > 100);
	valid_only = 0;
	unlink(path);
	quality_rules_free(q);
}

/* ---- CSV ---- */

/* Random CSV-ish bytes: delimiters, quotes (doubled, unbalanced), CR, LF,
 * blank lines, NULs now and then, invalid UTF-8, long fields. */
static size_t gen_csv(char *out, size_t size, int nul, int invalid)
{
	static const char *const bits[] = {
		",", ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", " ", "\t", "abc", "Nguyễn",
		"Đặng Thị", "0123456789", "ắ", "\"x,y\"", "\"a\nb\"", "\xC2\xA0", "😀",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ǅ", "e\xCC\x81", "'", "\x7F",
	};
	size_t w = 0;
	while (w + 64 < size) {
		const char *b = bits[rnd(sizeof bits / sizeof bits[0])];
		size_t k = strlen(b);
		if (nul && rnd(5000) == 0) {
			out[w++] = 0;
			continue;
		}
		if (invalid && rnd(3000) == 0) {
			out[w++] = (char)(0x80 | rnd(0x80));
			continue;
		}
		memcpy(out + w, b, k);
		w += k;
		if (rnd(400) == 0) {
			break;
		}
	}
	return w;
}

/* Every record (fields, lines) and the final error of both readers. */
static int csv_same(const char *data, size_t n, const char *path)
{
	struct csv_reader *a;
	struct ref_csv_reader *b;
	struct err ea = ERR_INIT, eb = ERR_INIT;
	int ra = path ? csv_open(path, &a, &ea) : csv_open_mem("f.csv", data, n, &a, &ea);
	int rb = path ? ref_csv_open(path, &b, &eb)
		      : ref_csv_open_mem("f.csv", data, n, &b, &eb);
	int same = ra == rb && strcmp(ea.msg, eb.msg) == 0;
	while (same && ra == 0) {
		struct csv_row x, y;
		size_t lens[CSV_MAX_FIELDS];
		ra = csv_next(a, &x, &ea);
		rb = ref_csv_next(b, &y, &eb);
		if (ra != rb || (ra < 0 && strcmp(ea.msg, eb.msg) != 0)) {
			same = 0;
			break;
		}
		if (ra <= 0) {
			break;
		}
		same = x.n == y.n && x.line == y.line;
		csv_lengths(a, lens);
		for (int i = 0; same && i < x.n; i++) {
			same = strcmp(x.f[i], y.f[i]) == 0 && lens[i] == strlen(x.f[i]) &&
			       (i == 0 || x.f[i] == x.f[i - 1] + lens[i - 1] + 1);
		}
		ra = 0;
	}
	csv_close(a);
	ref_csv_close(b);
	return same;
}

TEST(fast_csv_agrees_with_the_reference)
{
	static char data[1 << 16];
	int bad = 0;
	char path[] = "/tmp/cadre-test-csv-fast-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	for (int i = 0; i < 20000; i++) {
		size_t n = gen_csv(data, sizeof data, i % 3 == 0, i % 4 == 0);
		bad += !csv_same(data, n, NULL);
	}
	/* from a file, across the reader's 64 KB reads */
	for (int i = 0; i < 40; i++) {
		FILE *f = fopen(path, "wb");
		for (int k = 0; f && k < 40; k++) {
			size_t n = gen_csv(data, sizeof data, i == 3, i == 5);
			fwrite(data, 1, n, f);
		}
		if (f) {
			fclose(f);
		}
		bad += !csv_same(NULL, 0, path);
	}
	unlink(path);
	CHECK(bad == 0);
}
