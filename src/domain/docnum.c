/*
 * docnum.c — formats and parses document symbols (docnum.h): the party
 * style <n>-<TYPE>/<ISSUER> and the state style <n>/<TYPE>-<ISSUER>, zero
 * padding, NFC, and the checks of a symbol against the type and issuer a
 * document is expected to have.  Owns no table and no state; must never
 * infer a document's type from a symbol's text.
 */
#include "domain/docnum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/utf8.h"

#define TYPE_MAX_CHARS 12
#define ISSUER_MAX_BYTES 60

int docnum_style_parse(const char *s, enum docnum_style *out,
		       const char *field, struct err *e)
{
	if (s && strcmp(s, "party") == 0) {
		*out = DOCNUM_PARTY;
		return 0;
	}
	if (s && strcmp(s, "state") == 0) {
		*out = DOCNUM_STATE;
		return 0;
	}
	return err_set(e, ERR_INVALID, field,
		       "the symbol style must be party (04-NQ/TU) or state "
		       "(123/QĐ-UBND)");
}

const char *docnum_style_name(enum docnum_style s)
{
	return s == DOCNUM_PARTY ? "party" : "state";
}

/* Decode one code point of valid UTF-8 at s; returns its length (0 at the
 * end or on invalid input). */
static size_t next_cp(const char *s, utf8proc_int32_t *cp)
{
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, cp);
	return n > 0 ? (size_t)n : 0;
}

static int is_alnum_cp(utf8proc_int32_t cp)
{
	utf8proc_category_t c;
	if (cp < 0x80) {
		return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= '0' && cp <= '9');
	}
	c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL ||
	       c == UTF8PROC_CATEGORY_LT || c == UTF8PROC_CATEGORY_LO ||
	       c == UTF8PROC_CATEGORY_MN; /* a combining mark left by NFC */
}

/* 1 when s is valid UTF-8 in NFC (the form symbols are compared in). */
static int is_nfc(const char *s)
{
	char *n;
	int same;
	if (!utf8_valid(s, strlen(s))) {
		return 0;
	}
	n = utf8_nfc(s);
	same = n && strcmp(n, s) == 0;
	free(n);
	return same;
}

int docnum_check_type(const char *code, int allow_empty, const char *field,
		      struct err *e)
{
	utf8proc_int32_t cp;
	size_t k, chars = 0;
	if (!code || !*code) {
		if (allow_empty && code) {
			return 0;
		}
		return err_set(e, ERR_INVALID, field, "a type code is required");
	}
	if (strlen(code) >= DOCNUM_CODE_MAX || !is_nfc(code)) {
		return err_set(e, ERR_INVALID, field,
			       "a type code must be short valid UTF-8 in NFC");
	}
	for (const char *p = code; *p; p += k) {
		k = next_cp(p, &cp);
		if (!k || !is_alnum_cp(cp)) {
			return err_set(e, ERR_INVALID, field,
				       "a type code has letters and digits only "
				       "(NQ, QĐ, QĐi), not \"%s\"", code);
		}
		chars++;
	}
	if (chars > TYPE_MAX_CHARS) {
		return err_set(e, ERR_INVALID, field,
			       "a type code has at most %d characters", TYPE_MAX_CHARS);
	}
	return 0;
}

int docnum_check_issuer(const char *issuer, const char *field,
			struct err *e)
{
	utf8proc_int32_t cp;
	size_t k;
	int group = 0;
	if (!issuer || !*issuer) {
		return err_set(e, ERR_INVALID, field, "an issuer abbreviation is required");
	}
	if (strlen(issuer) > ISSUER_MAX_BYTES || !is_nfc(issuer)) {
		return err_set(e, ERR_INVALID, field,
			       "an issuer abbreviation must be valid UTF-8 in NFC, "
			       "at most %d bytes", ISSUER_MAX_BYTES);
	}
	for (const char *p = issuer; *p; p += k) {
		k = next_cp(p, &cp);
		if (k && cp == '-' && group > 0) {
			group = 0;
			continue;
		}
		if (!k || !is_alnum_cp(cp)) {
			return err_set(e, ERR_INVALID, field,
				       "an issuer abbreviation is letters and digits in "
				       "groups joined by '-' (TU, UBND, TWĐTN-VP), not \"%s\"",
				       issuer);
		}
		group++;
	}
	if (group == 0) {
		return err_set(e, ERR_INVALID, field,
			       "an issuer abbreviation cannot end with '-'");
	}
	return 0;
}

int docnum_format(enum docnum_style style, int pad, int64_t number,
		  const char *type, const char *issuer, char out[DOCNUM_MAX],
		  struct err *e)
{
	int n, rc;
	out[0] = 0;
	if (number < 1 || number > DOCNUM_NUMBER_MAX) {
		return err_set(e, ERR_INVALID, "number",
			       "a document number is between 1 and %lld",
			       DOCNUM_NUMBER_MAX);
	}
	if (pad < 1 || pad > 6) {
		return err_set(e, ERR_INVALID, "pad", "padding is 1 to 6 digits");
	}
	if ((rc = docnum_check_type(type, style == DOCNUM_STATE, "type", e)) ||
	    (rc = docnum_check_issuer(issuer, "issuer", e))) {
		return rc;
	}
	if (style == DOCNUM_PARTY) {
		n = snprintf(out, DOCNUM_MAX, "%0*lld-%s/%s", pad, (long long)number,
			     type, issuer);
	} else if (*type) {
		n = snprintf(out, DOCNUM_MAX, "%0*lld/%s-%s", pad, (long long)number,
			     type, issuer);
	} else {
		n = snprintf(out, DOCNUM_MAX, "%0*lld/%s", pad, (long long)number,
			     issuer);
	}
	if (n < 0 || n >= DOCNUM_MAX) {
		out[0] = 0;
		return err_set(e, ERR_INVALID, "issuer", "the symbol is too long");
	}
	return 0;
}

/* Leading digits of s as a number ≥ 1 (leading zeros allowed): the count
 * of digits, or 0 when there are none, too many, or the value is 0. */
static size_t parse_digits(const char *s, int64_t *v)
{
	size_t k = 0;
	*v = 0;
	while (s[k] >= '0' && s[k] <= '9') {
		if (k >= 12) {
			return 0;
		}
		*v = *v * 10 + (s[k] - '0');
		k++;
	}
	return *v >= 1 && *v <= DOCNUM_NUMBER_MAX ? k : 0;
}

/* Copy [a, b) into out[cap]; 0, or -1 when it does not fit. */
static int copy_part(const char *a, const char *b, char *out, size_t cap)
{
	size_t n = (size_t)(b - a);
	if (n >= cap) {
		return -1;
	}
	memcpy(out, a, n);
	out[n] = 0;
	return 0;
}

/* Trim ASCII blanks and normalize to NFC into out; -1 on invalid UTF-8
 * or a symbol too long. */
static int clean_symbol(const char *in, char out[DOCNUM_MAX])
{
	const char *a = in, *b;
	char tmp[DOCNUM_MAX], *n;
	while (*a == ' ' || *a == '\t') {
		a++;
	}
	b = a + strlen(a);
	while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n' ||
			 b[-1] == '\r')) {
		b--;
	}
	if (copy_part(a, b, tmp, sizeof tmp) || !utf8_valid(tmp, strlen(tmp))) {
		return -1;
	}
	n = utf8_nfc(tmp);
	if (!n || strlen(n) >= DOCNUM_MAX) {
		free(n);
		return -1;
	}
	memcpy(out, n, strlen(n) + 1);
	free(n);
	return 0;
}

static int shape_error(const char *sym, enum docnum_style style,
		       const char *field, struct err *e)
{
	return err_set(e, ERR_INVALID, field,
		       "\"%s\" is not a document symbol of the form %s", sym,
		       style == DOCNUM_PARTY ? "<number>-<TYPE>/<ISSUER> (04-NQ/TU)"
					     : "<number>/<TYPE>-<ISSUER> (123/QĐ-UBND)");
}

/* Split a state-style remainder "TYPE-ISSUER" (or "ISSUER" when the
 * expected type is written as "") after the number and the optional year. */
static int split_state(const char *rest, const char *type,
		       struct docnum_parts *p)
{
	const char *dash;
	if (type && !*type) {
		p->type[0] = 0;
		return copy_part(rest, rest + strlen(rest), p->issuer,
				 sizeof p->issuer);
	}
	dash = strchr(rest, '-');
	if (!dash || dash == rest || !dash[1]) {
		return -1;
	}
	if (copy_part(rest, dash, p->type, sizeof p->type)) {
		return -1;
	}
	return copy_part(dash + 1, dash + 1 + strlen(dash + 1), p->issuer,
			 sizeof p->issuer);
}

int docnum_parse(const char *symbol, enum docnum_style style,
		 const char *type, const char *issuer, const char *field,
		 struct docnum_parts *out, struct err *e)
{
	struct docnum_parts p;
	const char *s, *rest;
	size_t k;
	int64_t v;
	memset(&p, 0, sizeof p);
	if (!symbol || clean_symbol(symbol, p.symbol) || !p.symbol[0]) {
		return err_set(e, ERR_INVALID, field,
			       "a document symbol (such as 04-NQ/TU or 123/QĐ-UBND) "
			       "is required, in valid UTF-8");
	}
	s = p.symbol;
	k = parse_digits(s, &p.number);
	if (!k) {
		return shape_error(s, style, field, e);
	}
	rest = s + k;
	if (style == DOCNUM_PARTY) {
		const char *slash;
		if (*rest != '-') {
			return shape_error(s, style, field, e);
		}
		rest++;
		slash = strchr(rest, '/');
		if (!slash || slash == rest || !slash[1] ||
		    copy_part(rest, slash, p.type, sizeof p.type) ||
		    copy_part(slash + 1, slash + 1 + strlen(slash + 1), p.issuer,
			      sizeof p.issuer)) {
			return shape_error(s, style, field, e);
		}
	} else {
		if (*rest != '/') {
			return shape_error(s, style, field, e);
		}
		rest++;
		/* 98/2023/NĐ-CP: a four-digit year between number and type. */
		if (strlen(rest) > 5 && rest[4] == '/' &&
		    parse_digits(rest, &v) == 4 && v >= 1000) {
			p.year = (int)v;
			rest += 5;
		}
		if (split_state(rest, type, &p)) {
			return shape_error(s, style, field, e);
		}
	}
	if (strchr(p.type, '/') || strchr(p.issuer, '/') ||
	    docnum_check_type(p.type, style == DOCNUM_STATE, field, e) ||
	    docnum_check_issuer(p.issuer, field, e)) {
		return shape_error(s, style, field, e);
	}
	if (type && strcmp(p.type, type) != 0) {
		if (!*type) {
			return err_set(e, ERR_INVALID, field,
				       "%s: this type is written without a type code "
				       "(<number>/<ISSUER>)", s);
		}
		if (!p.type[0]) {
			return err_set(e, ERR_INVALID, field,
				       "%s: the symbol has no type code but the "
				       "document's type is %s", s, type);
		}
		return err_set(e, ERR_INVALID, field,
			       "%s: the type code is %s but the document's type is %s",
			       s, p.type, type);
	}
	if (issuer && strcmp(p.issuer, issuer) != 0) {
		return err_set(e, ERR_INVALID, field,
			       "%s: the issuer is %s but the document's issuer "
			       "writes %s", s, p.issuer, issuer);
	}
	if (out) {
		*out = p;
	}
	return 0;
}
