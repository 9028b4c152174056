/*
 * member_columns.c — column headers → member fields, and the canonical
 * form of each cell (member_columns.h).  Owns the header alias table and
 * the definition of member_field_names.  It must never allocate per value
 * (it runs on every cell of a million-row import), never decide whether a
 * value is acceptable (that is quality.c's job: a value it cannot
 * normalize is passed through, trimmed) and never touch the database.
 */
#include "domain/member_columns.h"

#include <string.h>
#include <utf8proc.h>

#include "base/date.h"
#include "base/utf8.h"

const char *const member_field_names[MF__COUNT] = {
	[MF_CITIZEN_ID] = "citizen_id",
	[MF_FULL_NAME] = "full_name",
	[MF_GENDER] = "gender",
	[MF_BIRTH_DATE] = "birth_date",
	[MF_ETHNICITY] = "ethnicity",
	[MF_RELIGION] = "religion",
	[MF_HOMETOWN] = "hometown",
	[MF_HOMETOWN_NEW] = "hometown_new",
	[MF_RESIDENCE] = "residence",
	[MF_PHONE] = "phone",
	[MF_EMAIL] = "email",
	[MF_ORG] = "org",
	[MF_UNIT_CODE] = "unit_code",
	[MF_NUMBER] = "number",
	[MF_JOINED] = "joined",
	[MF_OFFICIAL] = "official",
};

/* Header aliases, folded (lower case, no diacritics, đ→d, punctuation →
 * one space).  prio: 3 the field name, 2 a specific name, 1 a loose one. */
static const struct alias {
	const char *key;
	enum member_field f;
	int prio;
} aliases[] = {
	{"so cccd", MF_CITIZEN_ID, 2},
	{"cccd", MF_CITIZEN_ID, 2},
	{"so can cuoc cong dan", MF_CITIZEN_ID, 2},
	{"can cuoc cong dan", MF_CITIZEN_ID, 2},
	{"so can cuoc", MF_CITIZEN_ID, 2},
	{"can cuoc", MF_CITIZEN_ID, 2},
	{"so dinh danh", MF_CITIZEN_ID, 2},
	{"so dinh danh ca nhan", MF_CITIZEN_ID, 2},
	{"ma dinh danh", MF_CITIZEN_ID, 2},
	{"so cmnd cccd", MF_CITIZEN_ID, 2},
	{"cmnd cccd", MF_CITIZEN_ID, 2},
	{"so cccd cmnd", MF_CITIZEN_ID, 2},
	{"cccd cmnd", MF_CITIZEN_ID, 2},
	{"so cmnd", MF_CITIZEN_ID, 1},
	{"cmnd", MF_CITIZEN_ID, 1},
	{"citizen id", MF_CITIZEN_ID, 2},
	{"citizen id number", MF_CITIZEN_ID, 2},
	{"national id", MF_CITIZEN_ID, 2},
	{"id number", MF_CITIZEN_ID, 1},
	{"ho va ten", MF_FULL_NAME, 2},
	{"ho ten", MF_FULL_NAME, 2},
	{"ho va ten dang vien", MF_FULL_NAME, 2},
	{"ho va ten doan vien", MF_FULL_NAME, 2},
	{"ho va ten hoi vien", MF_FULL_NAME, 2},
	{"ten day du", MF_FULL_NAME, 2},
	{"ho va ten khai sinh", MF_FULL_NAME, 2},
	{"full name", MF_FULL_NAME, 2},
	{"fullname", MF_FULL_NAME, 2},
	{"name", MF_FULL_NAME, 1},
	{"gioi tinh", MF_GENDER, 2},
	{"phai", MF_GENDER, 1},
	{"gender", MF_GENDER, 2},
	{"sex", MF_GENDER, 2},
	{"ngay sinh", MF_BIRTH_DATE, 2},
	{"ngay thang nam sinh", MF_BIRTH_DATE, 2},
	{"sinh ngay", MF_BIRTH_DATE, 2},
	{"date of birth", MF_BIRTH_DATE, 2},
	{"birth date", MF_BIRTH_DATE, 2},
	{"birthdate", MF_BIRTH_DATE, 2},
	{"dob", MF_BIRTH_DATE, 2},
	{"birthday", MF_BIRTH_DATE, 1},
	{"dan toc", MF_ETHNICITY, 2},
	{"ethnicity", MF_ETHNICITY, 2},
	{"ethnic group", MF_ETHNICITY, 2},
	{"ton giao", MF_RELIGION, 2},
	{"religion", MF_RELIGION, 2},
	{"que quan", MF_HOMETOWN, 2},
	{"nguyen quan", MF_HOMETOWN, 1},
	{"que quan cu", MF_HOMETOWN, 2},
	{"hometown", MF_HOMETOWN, 2},
	{"home town", MF_HOMETOWN, 2},
	{"place of origin", MF_HOMETOWN, 2},
	{"que quan moi", MF_HOMETOWN_NEW, 2},
	{"que quan sau sap xep", MF_HOMETOWN_NEW, 2},
	{"hometown new", MF_HOMETOWN_NEW, 2},
	{"new hometown", MF_HOMETOWN_NEW, 2},
	{"noi o hien nay", MF_RESIDENCE, 2},
	{"noi o", MF_RESIDENCE, 2},
	{"cho o hien nay", MF_RESIDENCE, 2},
	{"noi cu tru", MF_RESIDENCE, 2},
	{"noi thuong tru", MF_RESIDENCE, 1},
	{"dia chi", MF_RESIDENCE, 1},
	{"residence", MF_RESIDENCE, 2},
	{"address", MF_RESIDENCE, 1},
	{"current address", MF_RESIDENCE, 2},
	{"so dien thoai", MF_PHONE, 2},
	{"dien thoai", MF_PHONE, 2},
	{"sdt", MF_PHONE, 2},
	{"so dt", MF_PHONE, 2},
	{"dt", MF_PHONE, 1},
	{"phone", MF_PHONE, 2},
	{"phone number", MF_PHONE, 2},
	{"mobile", MF_PHONE, 1},
	{"telephone", MF_PHONE, 2},
	{"email", MF_EMAIL, 2},
	{"e mail", MF_EMAIL, 2},
	{"thu dien tu", MF_EMAIL, 2},
	{"dia chi email", MF_EMAIL, 2},
	{"to chuc", MF_ORG, 2},
	{"doan the", MF_ORG, 1},
	{"organization", MF_ORG, 2},
	{"organisation", MF_ORG, 2},
	{"ma don vi", MF_UNIT_CODE, 2},
	{"ma chi bo", MF_UNIT_CODE, 2},
	{"ma to chuc co so", MF_UNIT_CODE, 2},
	{"don vi", MF_UNIT_CODE, 1},
	{"chi bo", MF_UNIT_CODE, 1},
	{"unit code", MF_UNIT_CODE, 2},
	{"unit", MF_UNIT_CODE, 1},
	{"so the dang vien", MF_NUMBER, 2},
	{"so the dang", MF_NUMBER, 2},
	{"so the doan vien", MF_NUMBER, 2},
	{"so the hoi vien", MF_NUMBER, 2},
	{"ma dang vien", MF_NUMBER, 2},
	{"so the", MF_NUMBER, 1},
	{"membership number", MF_NUMBER, 2},
	{"member number", MF_NUMBER, 2},
	{"card number", MF_NUMBER, 2},
	{"party card number", MF_NUMBER, 2},
	{"ngay vao dang", MF_JOINED, 2},
	{"ngay ket nap", MF_JOINED, 2},
	{"ngay ket nap dang", MF_JOINED, 2},
	{"ngay vao doan", MF_JOINED, 2},
	{"ngay vao hoi", MF_JOINED, 2},
	{"ngay gia nhap", MF_JOINED, 2},
	{"ngay vao", MF_JOINED, 1},
	{"date joined", MF_JOINED, 2},
	{"join date", MF_JOINED, 2},
	{"joined on", MF_JOINED, 2},
	{"admission date", MF_JOINED, 2},
	{"date admitted", MF_JOINED, 2},
	{"ngay chinh thuc", MF_OFFICIAL, 2},
	{"ngay vao dang chinh thuc", MF_OFFICIAL, 2},
	{"ngay cong nhan chinh thuc", MF_OFFICIAL, 2},
	{"ngay duoc cong nhan chinh thuc", MF_OFFICIAL, 2},
	{"date made official", MF_OFFICIAL, 2},
	{"official date", MF_OFFICIAL, 2},
	{"date official", MF_OFFICIAL, 2},
};

/* What a missing required column could have been called. */
static const char *const examples[MF__COUNT] = {
	[MF_FULL_NAME] = "\"Họ và tên\" or \"Full name\"",
	[MF_GENDER] = "\"Giới tính\" or \"Gender\"",
	[MF_BIRTH_DATE] = "\"Ngày sinh\" or \"Date of birth\"",
	[MF_JOINED] = "\"Ngày vào Đảng\", \"Ngày kết nạp\" or \"Date joined\"",
};

int member_column_required(enum member_field f)
{
	return f == MF_FULL_NAME || f == MF_GENDER || f == MF_BIRTH_DATE ||
	       f == MF_JOINED;
}

static void put_utf8(char *out, size_t size, size_t *w, int32_t cp)
{
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);
	if (*w + (size_t)n < size) {
		memcpy(out + *w, tmp, (size_t)n);
		*w += (size_t)n;
	}
}

/* The matching key of s into out[size]: lower case, marks stripped, đ→d,
 * every run of non-alphanumerics one space, trimmed.  With no_parens,
 * text in parentheses is skipped.  No allocation. */
static void fold_key(const char *s, char *out, size_t size, int no_parens)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t w = 0;
	int space = 1, depth = 0;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	while (*p && (n = utf8proc_iterate(p, -1, &cp)) > 0) {
		utf8proc_int32_t dec[8];
		utf8proc_ssize_t k;
		int last = 0;
		p += n;
		if (no_parens && cp == '(') {
			depth++;
		}
		if (depth > 0) {
			if (cp == ')') {
				depth--;
			}
			continue;
		}
		if (cp == 0x0110 || cp == 0x0111) {
			dec[0] = 'd';
			k = 1;
		} else {
			k = utf8proc_decompose_char(cp, dec, 8,
						    UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
							    UTF8PROC_CASEFOLD | UTF8PROC_COMPAT,
						    &last);
			if (k < 0 || k > 8) {
				continue;
			}
		}
		for (utf8proc_ssize_t i = 0; i < k; i++) {
			int32_t c = dec[i];
			int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				    (c >= 'A' && c <= 'Z') ||
				    (c >= 0x80 && utf8proc_category(c) <= UTF8PROC_CATEGORY_LO);
			if (!alnum) {
				space = 1;
				continue;
			}
			if (space && w > 0 && w + 1 < size) {
				out[w++] = ' ';
			}
			space = 0;
			if (c < 0x80) {
				if (w + 1 < size) {
					out[w++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
				}
			} else {
				put_utf8(out, size, &w, c);
			}
		}
	}
	out[w] = 0;
}

/* The field a folded header names: 1 with *f and *prio, else 0. */
static int find_alias(const char *key, enum member_field *f, int *prio)
{
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		if (strcmp(aliases[i].key, key) == 0) {
			*f = aliases[i].f;
			*prio = aliases[i].prio;
			return 1;
		}
	}
	for (int k = 0; k < MF__COUNT; k++) {
		char name[32];
		fold_key(member_field_names[k], name, sizeof name, 0); /* citizen id */
		if (strcmp(name, key) == 0) {
			*f = (enum member_field)k;
			*prio = 3;
			return 1;
		}
	}
	return 0;
}

int member_columns_map(const struct csv_row *header, int map[MF__COUNT],
		       struct err *e)
{
	int prio[MF__COUNT];
	for (int f = 0; f < MF__COUNT; f++) {
		map[f] = -1;
		prio[f] = 0;
	}
	for (int i = 0; i < header->n; i++) {
		char key[256];
		enum member_field f;
		int p;
		const char *h = header->f[i] ? header->f[i] : "";
		fold_key(h, key, sizeof key, 0);
		if (!find_alias(key, &f, &p)) {
			fold_key(h, key, sizeof key, 1);
			if (!find_alias(key, &f, &p)) {
				continue;
			}
		}
		if (p < prio[f]) {
			continue;
		}
		if (p == prio[f]) {
			return err_set(e, ERR_INVALID, member_field_names[f],
				       "columns %d and %d both give %s: keep one",
				       map[f] + 1, i + 1, member_field_names[f]);
		}
		map[f] = i;
		prio[f] = p;
	}
	for (int f = 0; f < MF__COUNT; f++) {
		if (member_column_required((enum member_field)f) && map[f] < 0) {
			return err_set(e, ERR_INVALID, member_field_names[f],
				       "the file has no column for %s (a header such as %s)",
				       member_field_names[f], examples[f]);
		}
	}
	return 0;
}

/* ---- values ---- */

/* Bytes of the blank (ASCII white space, U+00A0, U+200B, U+FEFF) starting
 * at p, 0 if none. */
static inline size_t blank_at(const unsigned char *p, size_t n)
{
	unsigned c;
	if (n == 0) {
		return 0;
	}
	c = p[0];
	if (c == ' ' || (c >= '\t' && c <= '\r')) {
		return 1;
	}
	if (c < 0xC2) {
		return 0;
	}
	if (n >= 2 && c == 0xC2 && p[1] == 0xA0) {
		return 2;
	}
	if (n >= 3 && ((c == 0xE2 && p[1] == 0x80 && p[2] == 0x8B) ||
		       (c == 0xEF && p[1] == 0xBB && p[2] == 0xBF))) {
		return 3;
	}
	return 0;
}

/* Bytes of the blank ending at p + n, 0 if none. */
static inline size_t blank_before(const unsigned char *p, size_t n)
{
	unsigned c;
	if (n == 0) {
		return 0;
	}
	c = p[n - 1];
	if (c == ' ' || (c >= '\t' && c <= '\r')) {
		return 1;
	}
	if (c < 0x80) {
		return 0;
	}
	if (n >= 2 && blank_at(p + n - 2, 2) == 2) {
		return 2;
	}
	if (n >= 3 && blank_at(p + n - 3, 3) == 3) {
		return 3;
	}
	return 0;
}

static const char *trim(const char *s, size_t n, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;
	while ((k = blank_at(p, n)) > 0) {
		p += k;
		n -= k;
	}
	while ((k = blank_before(p, n)) > 0) {
		n -= k;
	}
	*len = n;
	return (const char *)p;
}

static const char *copy_out(const char *s, size_t n, char *buf)
{
	memcpy(buf, s, n);
	buf[n] = 0;
	return buf;
}

size_t member_nfc(const char *s, size_t n, char *out, size_t size)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cps[MEMBER_VALUE_MAX], cp;
	utf8proc_ssize_t k, i = 0, step;
	size_t w = 0;
	int fast = 1;
	/* Latin, Latin-1, Latin Extended A/B and Latin Extended Additional (all
	 * precomposed Vietnamese letters) are NFC and combine with nothing
	 * before them: the common case needs no work (utf8_nfc_quick decides
	 * it on the bytes; the loop below is the same test on code points). */
	if (utf8_nfc_quick(s, n)) {
		i = (utf8proc_ssize_t)n;
	}
	while (i < (utf8proc_ssize_t)n) {
		step = utf8proc_iterate(p + i, (utf8proc_ssize_t)n - i, &cp);
		if (step <= 0) {
			return (size_t)-1;
		}
		if (cp >= 0x300 && !(cp >= 0x1E00 && cp <= 0x1EFF)) {
			fast = 0;
			break;
		}
		i += step;
	}
	if (fast) {
		if (n >= size) {
			return (size_t)-1;
		}
		copy_out(s, n, out);
		return n;
	}
	k = utf8proc_decompose(p, (utf8proc_ssize_t)n, cps, MEMBER_VALUE_MAX,
			       UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (k < 0 || k > MEMBER_VALUE_MAX) {
		return (size_t)-1;
	}
	k = utf8proc_normalize_utf32(cps, k, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (k < 0) {
		return (size_t)-1;
	}
	for (i = 0; i < k; i++) {
		utf8proc_uint8_t tmp[4];
		utf8proc_ssize_t m = utf8proc_encode_char(cps[i], tmp);
		if (w + (size_t)m >= size) {
			return (size_t)-1;
		}
		memcpy(out + w, tmp, (size_t)m);
		w += (size_t)m;
	}
	out[w] = 0;
	return w;
}

/* Free text: blank runs → one space, then NFC.  s[0..n) is trimmed and
 * n + 2 <= size.  The common case (text utf8_nfc_quick accepts, blanks
 * other than U+200B/U+FEFF) is done in one pass straight into buf; the
 * rest takes the general path. */
static const char *norm_text(const char *in, size_t in_len, const char *s, size_t n,
			     char *buf, size_t size, size_t *len)
{
	char tmp[MEMBER_VALUE_MAX];
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, i = 0, k;
	if (n >= sizeof tmp) {
		*len = in_len;
		return in;
	}
	while (i < n) { /* the fast pass */
		unsigned c = p[i];
		if (c >= 0x21 && c < 0x7F) {
			buf[w++] = (char)c;
			i++;
		} else if (c == ' ' || (c >= '\t' && c <= '\r')) {
			if (w > 0 && buf[w - 1] != ' ') {
				buf[w++] = ' ';
			}
			i++;
		} else if (c < 0x80) { /* other controls, DEL */
			buf[w++] = (char)c;
			i++;
		} else if (c >= 0xC2 && c <= 0xCB && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
			if (c == 0xC2 && p[i + 1] == 0xA0) {
				if (w > 0 && buf[w - 1] != ' ') {
					buf[w++] = ' ';
				}
			} else {
				buf[w++] = (char)c;
				buf[w++] = (char)p[i + 1];
			}
			i += 2;
		} else if (c == 0xE1 && i + 2 < n && p[i + 1] >= 0xB8 && p[i + 1] <= 0xBB &&
			   (p[i + 2] & 0xC0) == 0x80) {
			buf[w++] = (char)c;
			buf[w++] = (char)p[i + 1];
			buf[w++] = (char)p[i + 2];
			i += 3;
		} else {
			break;
		}
	}
	if (i == n) {
		buf[w] = 0;
		*len = w;
		return buf;
	}
	w = 0;
	i = 0;
	while (i < n) {
		if ((k = blank_at(p + i, n - i)) > 0) {
			if (w > 0 && tmp[w - 1] != ' ') {
				tmp[w++] = ' ';
			}
			i += k;
		} else {
			tmp[w++] = s[i++];
		}
	}
	if ((w = member_nfc(tmp, w, buf, size)) == (size_t)-1) {
		*len = in_len;
		return in;
	}
	*len = w;
	return buf;
}

static inline int is_digit(char c)
{
	return (unsigned)(c - '0') <= 9;
}

static inline int is_date_sep(char c)
{
	return c == '-' || c == '/' || c == '.';
}

/* Parse 1..max digits at s[*i]; 1 with *v. */
static int digits_at(const char *s, size_t n, size_t *i, int min, int max, int *v)
{
	int k = 0;
	*v = 0;
	while (*i < n && k < max && is_digit(s[*i])) {
		*v = *v * 10 + (s[(*i)++] - '0');
		k++;
	}
	return k >= min && !(*i < n && is_digit(s[*i]));
}

static int parse_dmy(const char *s, size_t n, int *y, int *m, int *d)
{
	size_t i = 0;
	int a, b, c;
	char sep;
	if (n == 10 && is_digit(s[0]) && is_digit(s[1]) && is_date_sep(s[2]) &&
	    is_digit(s[3]) && is_digit(s[4]) && s[5] == s[2] && is_digit(s[6]) &&
	    is_digit(s[7]) && is_digit(s[8]) && is_digit(s[9])) { /* dd/mm/yyyy */
		*d = (s[0] - '0') * 10 + (s[1] - '0');
		*m = (s[3] - '0') * 10 + (s[4] - '0');
		*y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
		return 1;
	}
	if (digits_at(s, n, &i, 4, 4, &a) && i < n && is_date_sep(s[i])) {
		sep = s[i++];
		if (digits_at(s, n, &i, 1, 2, &b) && i < n && s[i++] == sep &&
		    digits_at(s, n, &i, 1, 2, &c) && i == n) {
			*y = a, *m = b, *d = c;
			return 1;
		}
		return 0;
	}
	i = 0;
	if (digits_at(s, n, &i, 1, 2, &a) && i < n && is_date_sep(s[i])) {
		sep = s[i++];
		if (digits_at(s, n, &i, 1, 2, &b) && i < n && s[i++] == sep &&
		    digits_at(s, n, &i, 4, 4, &c) && i == n) {
			*y = c, *m = b, *d = a;
			return 1;
		}
	}
	return 0;
}

static const char *norm_date(const char *s, size_t n, char *buf, size_t size, size_t *len)
{
	size_t end = n;
	int y, m, d;
	if (n == 10 && size >= 11 && is_digit(s[0]) && is_digit(s[1]) && is_date_sep(s[2]) &&
	    is_digit(s[3]) && is_digit(s[4]) && s[5] == s[2] && is_digit(s[6]) &&
	    is_digit(s[7]) && is_digit(s[8]) && is_digit(s[9])) {
		/* dd/mm/yyyy, the usual: the digits move, no arithmetic */
		d = (s[0] - '0') * 10 + (s[1] - '0');
		m = (s[3] - '0') * 10 + (s[4] - '0');
		y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
		if (y >= 1000 && m >= 1 && m <= 12 && d >= 1 &&
		    (d <= 28 || d <= date_days_in_month(y, m))) {
			memcpy(buf, s + 6, 4);
			buf[4] = '-';
			buf[5] = s[3];
			buf[6] = s[4];
			buf[7] = '-';
			buf[8] = s[0];
			buf[9] = s[1];
			buf[10] = 0;
			*len = 10;
			return buf;
		}
	}
	/* "1990-05-01 00:00:00", "01/05/1990 0:00": drop a time of day */
	for (size_t k = 8; k < n; k++) {
		if (s[k] == ' ' || s[k] == 'T') {
			size_t j = k + 1;
			while (j < n && (is_digit(s[j]) || s[j] == ':' || s[j] == '.')) {
				j++;
			}
			if (j == n && j > k + 1) {
				end = k;
			}
			break;
		}
	}
	if (size >= 11 && parse_dmy(s, end, &y, &m, &d) && y >= 1000 && m >= 1 &&
	    m <= 12 && d >= 1 && d <= date_days_in_month(y, m)) {
		date_format((struct date){y, m, d}, buf);
		*len = 10;
		return buf;
	}
	*len = n;
	return copy_out(s, n, buf);
}

static const char *norm_gender(const char *s, size_t n, char *buf, size_t *len)
{
	static const char *const male[] = {"m", "nam", "male", "man", "nam gioi"};
	static const char *const female[] = {"f", "nu", "female", "woman", "nu gioi"};
	/* The usual spellings, whose fold is one of the above (the unit test
	 * checks each against the general path). */
	static const struct {
		const char *in;
		char out;
	} usual[] = {
		{"Nam", 'M'}, {"Nữ", 'F'}, {"M", 'M'}, {"F", 'F'}, {"nam", 'M'},
		{"nữ", 'F'}, {"NAM", 'M'}, {"NỮ", 'F'}, {"Male", 'M'}, {"Female", 'F'},
		{"male", 'M'}, {"female", 'F'},
	};
	char key[32], tmp[32];
	for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++) {
		if (strlen(usual[i].in) == n && memcmp(usual[i].in, s, n) == 0) {
			buf[0] = usual[i].out;
			buf[1] = 0;
			*len = 1;
			return buf;
		}
	}
	if (n < sizeof tmp) {
		copy_out(s, n, tmp);
		fold_key(tmp, key, sizeof key, 0);
		for (size_t i = 0; i < sizeof male / sizeof male[0]; i++) {
			if (strcmp(key, male[i]) == 0) {
				*len = 1;
				return strcpy(buf, "M");
			}
			if (strcmp(key, female[i]) == 0) {
				*len = 1;
				return strcpy(buf, "F");
			}
		}
	}
	*len = n;
	return copy_out(s, n, buf);
}

static const char *norm_org(const char *s, size_t n, char *buf, size_t size, size_t *len)
{
	static const struct {
		const char *key, *org;
	} orgs[] = {
		{"party", "party"}, {"dang", "party"}, {"dang cong san", "party"},
		{"dang cong san viet nam", "party"}, {"dcsvn", "party"},
		{"youth", "youth"}, {"youth union", "youth"}, {"doan", "youth"},
		{"doan thanh nien", "youth"}, {"doan tncs ho chi minh", "youth"},
		{"doan thanh nien cong san ho chi minh", "youth"},
		{"women", "women"}, {"women s union", "women"}, {"phu nu", "women"},
		{"hoi phu nu", "women"}, {"hoi lien hiep phu nu", "women"},
		{"hoi lien hiep phu nu viet nam", "women"},
		{"farmers", "farmers"}, {"farmers union", "farmers"},
		{"nong dan", "farmers"}, {"hoi nong dan", "farmers"},
		{"veterans", "veterans"}, {"veterans association", "veterans"},
		{"cuu chien binh", "veterans"}, {"hoi cuu chien binh", "veterans"},
		{"labour", "labour"}, {"labor", "labour"}, {"trade union", "labour"},
		{"cong doan", "labour"},
	};
	char key[64], tmp[64];
	if (n < sizeof tmp) {
		copy_out(s, n, tmp);
		fold_key(tmp, key, sizeof key, 0);
		for (size_t i = 0; i < sizeof orgs / sizeof orgs[0]; i++) {
			if (strcmp(key, orgs[i].key) == 0 && strlen(orgs[i].org) < size) {
				*len = strlen(orgs[i].org);
				return strcpy(buf, orgs[i].org);
			}
		}
	}
	*len = n;
	return copy_out(s, n, buf);
}

/* Digits with separators dropped (citizen IDs, phones); the trimmed text
 * when anything else is in it. */
static const char *norm_number(enum member_field f, const char *s, size_t n,
			       char *buf, size_t size, size_t *len)
{
	const char *p = s;
	size_t m = n, w = 0;
	int plus = 0;
	*len = n;
	if (m && *p == '\'') {
		p++, m--;
	}
	if (f == MF_PHONE && m && *p == '+') {
		plus = 1;
		buf[w++] = '+';
		p++, m--;
	}
	for (size_t i = 0; i < m; i++) {
		char c = p[i];
		if (is_digit(c)) {
			buf[w++] = c;
		} else if (!(c == ' ' || c == '.' || c == '-' ||
			     (f == MF_PHONE && (c == '(' || c == ')')))) {
			return copy_out(s, n, buf);
		}
	}
	buf[w] = 0;
	if (w == (size_t)plus) {
		return copy_out(s, n, buf);
	}
	*len = w;
	if (f == MF_CITIZEN_ID && w == 11 && w + 2 <= size) {
		memmove(buf + 1, buf, w + 1);
		buf[0] = '0';
		*len = w + 1;
	} else if (f == MF_PHONE && !plus && w == 9 && buf[0] != '0' && w + 2 <= size) {
		memmove(buf + 1, buf, w + 1);
		buf[0] = '0';
		*len = w + 1;
	} else if (f == MF_PHONE && !plus && w == 11 && buf[0] == '8' && buf[1] == '4' &&
		   w + 2 <= size) {
		memmove(buf + 1, buf, w + 1);
		buf[0] = '+';
		*len = w + 1;
	}
	return buf;
}

/* member_value_normalize of in[0..in_len), with the result's length. */
static const char *normalize(enum member_field f, const char *in, size_t in_len,
			     char *buf, size_t size, size_t *len)
{
	const char *s;
	size_t n;
	s = trim(in, in_len, &n);
	if (n + 2 > size) {
		*len = in_len;
		return in;
	}
	switch (f) {
	case MF_GENDER:
		return norm_gender(s, n, buf, len);
	case MF_BIRTH_DATE:
	case MF_JOINED:
	case MF_OFFICIAL:
		return norm_date(s, n, buf, size, len);
	case MF_CITIZEN_ID:
	case MF_PHONE:
		return norm_number(f, s, n, buf, size, len);
	case MF_ORG:
		return norm_org(s, n, buf, size, len);
	case MF_FULL_NAME:
	case MF_ETHNICITY:
	case MF_RELIGION:
	case MF_HOMETOWN:
	case MF_HOMETOWN_NEW:
	case MF_RESIDENCE:
		return norm_text(in, in_len, s, n, buf, size, len);
	case MF_NUMBER:
		if (n && *s == '\'') {
			s++, n--;
		}
		*len = n;
		return copy_out(s, n, buf);
	default:
		*len = n;
		return copy_out(s, n, buf);
	}
}

const char *member_value_normalize(enum member_field f, const char *in,
				   char *buf, size_t size)
{
	size_t len;
	if (!in) {
		return "";
	}
	return normalize(f, in, strlen(in), buf, size, &len);
}

const char *member_value_normalize_n(enum member_field f, const char *in, size_t n,
				     char *buf, size_t size, size_t *len)
{
	if (!in) {
		*len = 0;
		return "";
	}
	return normalize(f, in, n, buf, size, len);
}

void member_record_from_row(const struct csv_row *row, const int map[MF__COUNT],
			    struct member_record *rec, struct member_norm *scratch)
{
	member_record_from_row_n(row, NULL, map, rec, scratch);
}

void member_record_from_row_n(const struct csv_row *row, const size_t *lens,
			      const int map[MF__COUNT], struct member_record *rec,
			      struct member_norm *scratch)
{
	for (int f = 0; f < MF__COUNT; f++) {
		int col = map[f];
		const char *in;
		size_t n;
		if (col < 0 || col >= row->n) {
			rec->f[f] = NULL;
			scratch->len[f] = 0;
			continue;
		}
		in = row->f[col];
		n = lens ? lens[col] : strlen(in);
		if (f == MF_FULL_NAME) {
			rec->f[f] = in;
			scratch->len[f] = n;
		} else {
			rec->f[f] = normalize((enum member_field)f, in, n, scratch->v[f],
					      MEMBER_VALUE_MAX, &scratch->len[f]);
		}
	}
}
