/*
 * quality.c — data standardization of member records (quality.h).  Owns the
 * tables quality_rule, quality_issue and quality_history, the evaluator of
 * each rule kind and the table of valid province codes.  Rules are data:
 * what a rule checks is decided by its code (citizen_id.province) or by the
 * generic kind after its dot applied to its field (joined.order); severity,
 * messages and parameters come from the table.  quality_check_record() must
 * never allocate, touch the database or use regular expressions: it runs
 * on every row of a million-row import.  Cross-record rules are the
 * callers'; this file only knows their messages.  The stored findings and
 * the figures are quality_stats.c's.
 */
#include "domain/quality.h"
#include "domain/quality_internal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/member_columns.h"

/* Old (pre-2025) province codes, provinces-2025.csv: a citizen ID starts
 * with 0 followed by one of them (001 Hà Nội … 096 Cà Mau). */
static const unsigned char province_codes[] = {
	1,  2,	4,  6,	8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25,
	26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48,
	49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75,
	77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
};

enum ev {
	EV_NONE, /* cross-record or unknown: messages only */
	EV_REQUIRED,
	EV_DATE,
	EV_FUTURE,
	EV_ORDER,
	EV_MIN_AGE,
	EV_TOO_OLD,
	EV_SPACES,
	EV_NFC,
	EV_TWO_WORDS,
	EV_NAME_CHARS,
	EV_CID_FORMAT,
	EV_CID_PROVINCE,
	EV_CID_GENDER,
	EV_CID_YEAR,
	EV_GENDER,
	EV_PHONE,
	EV_EMAIL,
};

static const struct {
	const char *code;
	enum ev ev;
} by_code[] = {
	{"citizen_id.format", EV_CID_FORMAT},
	{"citizen_id.province", EV_CID_PROVINCE},
	{"citizen_id.gender_century", EV_CID_GENDER},
	{"citizen_id.birth_year", EV_CID_YEAR},
	{"gender.value", EV_GENDER},
	{"phone.format", EV_PHONE},
	{"email.format", EV_EMAIL},
}, by_kind[] = {
	{"required", EV_REQUIRED}, {"date", EV_DATE},
	{"future", EV_FUTURE},	   {"order", EV_ORDER},
	{"min_age", EV_MIN_AGE},   {"too_old", EV_TOO_OLD},
	{"spaces", EV_SPACES},	   {"nfc", EV_NFC},
	{"two_words", EV_TWO_WORDS}, {"chars", EV_NAME_CHARS},
};

#define MAX_ORGS 8

struct rule {
	char *code, *field_name, *msg_vi, *msg_en;
	int field; /* enum member_field, or -1 */
	int is_error, enabled;
	enum ev ev;
	int n_orgs; /* required: only in these organizations (0 = all) */
	char orgs[MAX_ORGS][16];
	int n_ages; /* min_age: per organization */
	struct {
		char org[16];
		int age;
	} ages[MAX_ORGS];
	int other, strict; /* order: the earlier field; strictly before */
	int max_age;	   /* too_old */
};

struct quality_rules {
	int n;
	struct rule *r;
	unsigned char province[1000]; /* 1 for a valid 3-digit prefix */
};

/* ---- loading ---- */

static int field_index(const char *name)
{
	for (int f = 0; f < MF__COUNT; f++) {
		if (strcmp(member_field_names[f], name) == 0) {
			return f;
		}
	}
	return -1;
}

static enum ev ev_of(const char *code)
{
	const char *dot = strrchr(code, '.');
	for (size_t i = 0; i < sizeof by_code / sizeof by_code[0]; i++) {
		if (strcmp(by_code[i].code, code) == 0) {
			return by_code[i].ev;
		}
	}
	for (size_t i = 0; dot && i < sizeof by_kind / sizeof by_kind[0]; i++) {
		if (strcmp(by_kind[i].code, dot + 1) == 0) {
			return by_kind[i].ev;
		}
	}
	return EV_NONE;
}

/* Precompute a rule's parameters from its JSON. */
static int rule_params(struct rule *r, const char *params, struct err *e)
{
	json_error_t je;
	json_t *p = json_loads(params && *params ? params : "{}", 0, &je), *v;
	const char *key;
	size_t i;
	if (!json_is_object(p)) {
		json_decref(p);
		return err_set(e, ERR_INTERNAL, "params", "rule %s: params is not a JSON object",
			       r->code);
	}
	json_array_foreach(json_object_get(p, "orgs"), i, v) {
		if (json_is_string(v) && r->n_orgs < MAX_ORGS) {
			snprintf(r->orgs[r->n_orgs++], 16, "%s", json_string_value(v));
		}
	}
	if (r->ev == EV_MIN_AGE) {
		json_object_foreach(p, key, v) {
			if (json_is_integer(v) && r->n_ages < MAX_ORGS) {
				snprintf(r->ages[r->n_ages].org, 16, "%s", key);
				r->ages[r->n_ages++].age = (int)json_integer_value(v);
			}
		}
	}
	if (r->ev == EV_ORDER) {
		v = json_object_get(p, "after");
		r->other = json_is_string(v) ? field_index(json_string_value(v)) : -1;
		r->strict = json_is_true(json_object_get(p, "strict"));
		if (r->other < 0) {
			json_decref(p);
			return err_set(e, ERR_INTERNAL, "params",
				       "rule %s: params.after must name a field", r->code);
		}
	}
	v = json_object_get(p, "max_age");
	r->max_age = json_is_integer(v) ? (int)json_integer_value(v) : 120;
	json_decref(p);
	return 0;
}

void quality_rules_free(struct quality_rules *q)
{
	if (!q) {
		return;
	}
	for (int i = 0; i < q->n; i++) {
		free(q->r[i].code);
		free(q->r[i].field_name);
		free(q->r[i].msg_vi);
		free(q->r[i].msg_en);
	}
	free(q->r);
	free(q);
}

int quality_rules_load(struct db *db, struct quality_rules **out, struct err *e)
{
	struct quality_rules *q = calloc(1, sizeof *q);
	struct db_stmt *st;
	int rc, cap = 0;
	*out = NULL;
	if (!q) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	for (size_t i = 0; i < sizeof province_codes; i++) {
		q->province[province_codes[i]] = 1;
	}
	rc = db_prepare(db,
			"SELECT code, field, severity, message_vi, message_en, params,"
			" enabled FROM quality_rule ORDER BY code",
			&st, e);
	while (rc == 0 && (rc = db_step(st, e)) == DB_ROW) {
		struct rule *r;
		rc = 0;
		if (q->n == cap) {
			int nc = cap ? cap * 2 : 32;
			struct rule *z = realloc(q->r, (size_t)nc * sizeof *z);
			if (!z) {
				rc = err_set(e, ERR_INTERNAL, "", "out of memory");
				break;
			}
			q->r = z;
			cap = nc;
		}
		r = &q->r[q->n++];
		memset(r, 0, sizeof *r);
		r->code = strdup(db_col_text(st, 0));
		r->field_name = strdup(db_col_text(st, 1));
		r->msg_vi = strdup(db_col_text(st, 3));
		r->msg_en = strdup(db_col_text(st, 4));
		if (!r->code || !r->field_name || !r->msg_vi || !r->msg_en) {
			rc = err_set(e, ERR_INTERNAL, "", "out of memory");
			break;
		}
		r->is_error = strcmp(db_col_text(st, 2), "error") == 0;
		r->enabled = db_col_int64(st, 6) != 0;
		r->field = field_index(r->field_name);
		r->ev = r->field < 0 ? EV_NONE : ev_of(r->code);
		rc = rule_params(r, db_col_text(st, 5), e);
	}
	db_finalize(st);
	if (rc < 0) {
		quality_rules_free(q);
		return rc;
	}
	*out = q;
	return 0;
}

const char *quality_message(const struct quality_rules *q, const char *rule,
			    const char *lang)
{
	for (int i = 0; q && rule && i < q->n; i++) {
		if (strcmp(q->r[i].code, rule) == 0) {
			return lang && strcmp(lang, "en") == 0 ? q->r[i].msg_en : q->r[i].msg_vi;
		}
	}
	return rule ? rule : "";
}

static const struct rule *rule_find(const struct quality_rules *q, const char *code)
{
	for (int i = 0; i < q->n; i++) {
		if (strcmp(q->r[i].code, code) == 0) {
			return &q->r[i];
		}
	}
	return NULL;
}

const char *quality_rule_info(const struct quality_rules *q, const char *code,
			      const char **field, int *is_error)
{
	const struct rule *r = code ? rule_find(q, code) : NULL;
	if (!r) {
		return NULL;
	}
	if (field) {
		*field = r->field_name;
	}
	if (is_error) {
		*is_error = r->is_error;
	}
	return r->code;
}

int quality_rule_count(const struct quality_rules *q)
{
	return q->n;
}

/* ---- checking one record ---- */

/* What every rule needs, parsed once per record.  The dates of the
 * fields are parsed when a rule first asks (fdate), not once per rule. */
struct facts {
	const struct member_record *rec;
	struct date birth, joined, today;
	int has_birth, has_joined, has_today;
	char gender; /* 'M', 'F' or 0 */
	const char *org;
	signed char dstate[MF__COUNT]; /* 0 not parsed yet, 1 a date, -1 not */
	struct date dv[MF__COUNT];
	signed char cid12; /* the citizen ID is 12 digits: 0 not known, 1, -1 */
};

/* Exactly YYYY-MM-DD and a day that exists; no allocation. */
static int date10(const char *s, struct date *d)
{
	static const char shape[] = "dddd-dd-dd";
	if (!s) {
		return 0;
	}
	for (int i = 0; i < 10; i++) {
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != '-') {
			return 0;
		}
	}
	if (s[10]) {
		return 0;
	}
	d->y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	d->m = (s[5] - '0') * 10 + (s[6] - '0');
	d->d = (s[8] - '0') * 10 + (s[9] - '0');
	return d->y >= 1000 && d->m >= 1 && d->m <= 12 && d->d >= 1 &&
	       d->d <= date_days_in_month(d->y, d->m);
}

/* date10 of field f of the record, remembered for the next rule. */
static int fdate(struct facts *fx, int f, struct date *d)
{
	if (!fx->dstate[f]) {
		fx->dstate[f] = date10(fx->rec->f[f], &fx->dv[f]) ? 1 : -1;
	}
	if (fx->dstate[f] < 0) {
		return 0;
	}
	*d = fx->dv[f];
	return 1;
}

/* "M" or "F". */
static int is_mf(const char *s)
{
	return (s[0] == 'M' || s[0] == 'F') && !s[1];
}

/* a later than b (both real dates: the same as comparing their days, or
 * their YYYY-MM-DD texts). */
static int date_after(struct date a, struct date b)
{
	return a.y != b.y ? a.y > b.y : a.m != b.m ? a.m > b.m : a.d > b.d;
}

static int age_at(struct date b, struct date at)
{
	int a = at.y - b.y;
	if (at.m < b.m || (at.m == b.m && at.d < b.d)) {
		a--;
	}
	return a;
}

static int is_blank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Non-NULL and not only ASCII blanks. */
static int present(const char *s)
{
	if (!s) {
		return 0;
	}
	for (; *s; s++) {
		if (!is_blank((unsigned char)*s)) {
			return 1;
		}
	}
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!(s[i] >= '0' && s[i] <= '9')) {
			return 0;
		}
	}
	return s[n] == 0;
}

/* Leading, trailing or repeated blanks, or a blank other than ' '
 * (tab, newline, no-break space). */
static int bad_spacing(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;
	if (!p[0]) {
		return 0;
	}
	if (is_blank(p[0])) {
		return 1;
	}
	for (i = 0; p[i]; i++) {
		unsigned c = p[i];
		if (c != ' ' && c != 0xC2 && !is_blank(c)) { /* the usual byte */
			continue;
		}
		if ((c == 0xC2 && p[i + 1] == 0xA0) || (is_blank(c) && c != ' ') ||
		    (c == ' ' && p[i + 1] == ' ')) {
			return 1;
		}
	}
	return is_blank(p[i - 1]); /* the last byte */
}

/* The number of words, counted up to 2 (all the rule asks). */
static int words(const char *s)
{
	int n = 0, in = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n < 2; p++) {
		unsigned c = *p;
		int blank = (c <= ' ' || c == 0xC2 || c == 0xA0) &&
			    (is_blank(c) || (c == 0xC2 && p[1] == 0xA0) ||
			     (c == 0xA0 && p > (const unsigned char *)s && p[-1] == 0xC2));
		if (!blank && !in) {
			n++;
		}
		in = !blank;
	}
	return n;
}

/* 1 for the bytes a name cannot have: digits, controls but tab, DEL and
 * ASCII punctuation other than ' - . and space. */
static int name_char_bad(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c < 0x20 && c != '\t') || c == 0x7F ||
	       (c < 0x80 && c && strchr("!\"#$%&()*+,/:;<=>?@[\\]^_`{|}~", c));
}

static unsigned char name_bad[256];
static pthread_once_t name_bad_once = PTHREAD_ONCE_INIT;

static void name_bad_init(void)
{
	for (int c = 1; c < 256; c++) {
		name_bad[c] = (unsigned char)name_char_bad((unsigned char)c);
	}
}

/* The first character a name cannot have, or 0. */
static char bad_name_char(const char *s)
{
	pthread_once(&name_bad_once, name_bad_init);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (name_bad[*p]) {
			return *p >= 0x20 && *p != 0x7F ? (char)*p : '?';
		}
	}
	return 0;
}

static int phone_ok(const char *s)
{
	size_t n = strlen(s);
	if (s[0] == '+') {
		return s[1] == '8' && s[2] == '4' && (n == 12 || n == 13) && s[3] != '0' &&
		       all_digits(s + 1, n - 1);
	}
	return all_digits(s, n) && s[0] == '0' &&
	       (n == 10 || (n == 11 && s[1] == '2'));
}

static int email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *p;
	int dot = 0;
	if (!at || at == s || strchr(at + 1, '@') || strlen(s) > 254 || !at[1]) {
		return 0;
	}
	for (p = s; p < at; p++) {
		if ((unsigned char)*p <= ' ' || strchr("(),:;<>[\\]\"", *p)) {
			return 0;
		}
	}
	for (p = at + 1; *p; p++) {
		int alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80;
		if (*p == '.') {
			if (p == at + 1 || p[-1] == '.' || !p[1]) {
				return 0;
			}
			dot = 1;
		} else if (!alnum && *p != '-') {
			return 0;
		}
	}
	return dot;
}

/* Write the detail of a finding: printf-like, cut at a character boundary. */
__attribute__((format(printf, 2, 3))) static void detail(char *d, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	if (!d) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(d, sizeof ((struct quality_problem *)0)->detail, fmt, ap);
	va_end(ap);
	n = strlen(d);
	if (n == sizeof ((struct quality_problem *)0)->detail - 1) {
		while (n > 0 && ((unsigned char)d[n] & 0xC0) == 0x80) {
			n--;
		}
		d[n] = 0;
	}
}

/* Does the organization of the record appear in the list? */
static int org_in(const struct facts *fx, const char (*orgs)[16], int n)
{
	for (int i = 0; fx->org && i < n; i++) {
		if (strcmp(orgs[i], fx->org) == 0) {
			return 1;
		}
	}
	return 0;
}

/* Field f is exactly 12 digits (remembered for the citizen ID). */
static int cid12(struct facts *fx, int f)
{
	const char *s = fx->rec->f[f];
	if (f != MF_CITIZEN_ID) {
		return s && all_digits(s, 12);
	}
	if (!fx->cid12) {
		fx->cid12 = s && all_digits(s, 12) ? 1 : -1;
	}
	return fx->cid12 > 0;
}

/* 1 when the record breaks the rule (detail written when d is not NULL). */
static int breaks(const struct quality_rules *q, const struct rule *r,
		  struct facts *fx, char *d)
{
	const char *s = fx->rec->f[r->field];
	struct date a, b;
	switch (r->ev) {
	case EV_REQUIRED:
		if (r->n_orgs && !org_in(fx, r->orgs, r->n_orgs)) {
			return 0;
		}
		return !present(s);
	case EV_DATE:
		if (present(s) && !fdate(fx, r->field, &a)) {
			detail(d, "%s", s);
			return 1;
		}
		return 0;
	case EV_FUTURE:
		if (fx->has_today && fdate(fx, r->field, &a) && date_after(a, fx->today)) {
			detail(d, "%s", s);
			return 1;
		}
		return 0;
	case EV_ORDER: {
		const char *o = fx->rec->f[r->other];
		if (fdate(fx, r->field, &a) && fdate(fx, r->other, &b) &&
		    (r->strict ? !date_after(a, b) : date_after(b, a))) {
			detail(d, "%s %s, %s %s", member_field_names[r->other], o,
			       member_field_names[r->field], s);
			return 1;
		}
		return 0;
	}
	case EV_MIN_AGE:
		if (!fx->has_birth || !fdate(fx, r->field, &a) || !fx->org) {
			return 0;
		}
		for (int i = 0; i < r->n_ages; i++) {
			int age = age_at(fx->birth, a);
			if (strcmp(r->ages[i].org, fx->org) == 0 && age < r->ages[i].age) {
				detail(d, "%s: %d (%s %s), minimum %d", fx->org, age,
				       member_field_names[r->field], s, r->ages[i].age);
				return 1;
			}
		}
		return 0;
	case EV_TOO_OLD:
		if (fx->has_today && fdate(fx, r->field, &a) && age_at(a, fx->today) > r->max_age) {
			detail(d, "%s", s);
			return 1;
		}
		return 0;
	case EV_SPACES:
		if (s && bad_spacing(s)) {
			detail(d, "\"%s\"", s);
			return 1;
		}
		return 0;
	case EV_NFC: {
		char nfc[MEMBER_VALUE_MAX];
		size_t n = s ? strlen(s) : 0;
		/* utf8_nfc_quick text shorter than the buffer is its own NFC */
		if (n && !(n < sizeof nfc && utf8_nfc_quick(s, n)) &&
		    (member_nfc(s, n, nfc, sizeof nfc) != n || memcmp(nfc, s, n) != 0)) {
			detail(d, "%s", s);
			return 1;
		}
		return 0;
	}
	case EV_TWO_WORDS:
		if (present(s) && words(s) < 2) {
			detail(d, "%s", s);
			return 1;
		}
		return 0;
	case EV_NAME_CHARS: {
		char c = s ? bad_name_char(s) : 0;
		if (c) {
			detail(d, "'%c' in %s", c, s);
			return 1;
		}
		return 0;
	}
	case EV_CID_FORMAT:
		if (present(s) && !cid12(fx, r->field)) {
			detail(d, "%s", s);
			return 1;
		}
		return 0;
	case EV_CID_PROVINCE:
		if (cid12(fx, r->field) &&
		    !q->province[(s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0')]) {
			detail(d, "%.3s", s);
			return 1;
		}
		return 0;
	case EV_CID_GENDER: {
		int g, century, want = -1, bad = 0;
		if (!cid12(fx, r->field) || (!fx->has_birth && !fx->gender)) {
			return 0;
		}
		g = s[3] - '0';
		if (fx->has_birth) {
			century = fx->birth.y / 100 - 19; /* 0: 1900–1999 … 4: 2300–2399 */
			if (century < 0 || century > 4) {
				bad = 1;
			} else if (fx->gender) {
				want = century * 2 + (fx->gender == 'F');
				bad = g != want;
			} else {
				bad = g / 2 != century;
			}
		} else {
			bad = g % 2 != (fx->gender == 'F');
		}
		if (bad) {
			detail(d, "%s: digit 4 is %d (gender %c, born %d)", s, g,
			       fx->gender ? fx->gender : '?', fx->has_birth ? fx->birth.y : 0);
		}
		return bad;
	}
	case EV_CID_YEAR:
		if (cid12(fx, r->field) && fx->has_birth &&
		    (s[4] - '0') * 10 + (s[5] - '0') != fx->birth.y % 100) {
			detail(d, "%s: digits 5-6 are %.2s, born %d", s, s + 4, fx->birth.y);
			return 1;
		}
		return 0;
	case EV_GENDER:
		if (present(s) && !is_mf(s)) {
			detail(d, "%s", s);
			return 1;
		}
		return 0;
	case EV_PHONE:
		if (present(s) && !phone_ok(s)) {
			detail(d, "%s", s);
			return 1;
		}
		return 0;
	case EV_EMAIL:
		if (present(s) && !email_ok(s)) {
			detail(d, "%s", s);
			return 1;
		}
		return 0;
	case EV_NONE:
		break;
	}
	return 0;
}

int quality_check_record(const struct quality_rules *q,
			 const struct member_record *r, const char *today,
			 struct quality_problem *out, int max, int *errors)
{
	struct facts fx;
	const char *g = r->f[MF_GENDER];
	int found = 0, nerr = 0;
	fx.rec = r;
	memset(fx.dstate, 0, sizeof fx.dstate);
	fx.cid12 = 0;
	fx.has_birth = fdate(&fx, MF_BIRTH_DATE, &fx.birth);
	fx.has_joined = fdate(&fx, MF_JOINED, &fx.joined);
	fx.has_today = date10(today, &fx.today);
	fx.gender = g && is_mf(g) ? g[0] : 0;
	fx.org = present(r->f[MF_ORG]) ? r->f[MF_ORG] : NULL;
	for (int i = 0; i < q->n; i++) {
		const struct rule *rule = &q->r[i];
		struct quality_problem *p = found < max ? &out[found] : NULL;
		if (!rule->enabled || rule->ev == EV_NONE) {
			continue;
		}
		if (p) {
			p->detail[0] = 0;
		}
		if (breaks(q, rule, &fx, p ? p->detail : NULL)) {
			if (p) {
				p->rule = rule->code;
				p->field = (enum member_field)rule->field;
				p->is_error = rule->is_error;
			}
			found++;
			nerr += rule->is_error;
		}
	}
	if (errors) {
		*errors = nerr;
	}
	return found;
}
