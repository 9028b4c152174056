/*
 * member_text.c — the text rules of member records: cleaning a person's
 * fields as stored (valid UTF-8, NFC, trimmed, single-spaced, bounded),
 * gender spellings, the citizen-ID shape, decisions and notes, the fast
 * search key used by imports, and the JSON bodies of the API (person
 * fields, an admission, an event).  Pure functions: no database, no
 * allocation beyond the returned strings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/member_internal.h"

/* ---- cleaning ---- */

const char *member_gender_norm(const char *s)
{
	static const struct {
		const char *in, *out;
	} map[] = {
		{"", ""},	 {"M", "M"},	  {"F", "F"},	    {"m", "M"},
		{"f", "F"},	 {"Nam", "M"},	  {"nam", "M"},	    {"NAM", "M"},
		{"Nữ", "F"},	 {"nữ", "F"},	  {"NỮ", "F"},	    {"Nu", "F"},
		{"nu", "F"},	 {"male", "M"},	  {"Male", "M"},    {"MALE", "M"},
		{"female", "F"}, {"Female", "F"}, {"FEMALE", "F"},
	};
	char buf[32];
	size_t n;
	char *nfc;
	if (!s || !s[0]) {
		return "";
	}
	if ((s[0] == 'M' || s[0] == 'F') && !s[1]) { /* already normalized */
		return s[0] == 'M' ? "M" : "F";
	}
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
		n--;
	}
	if (n >= sizeof buf) {
		return NULL;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	nfc = utf8_nfc(buf); /* "Nữ" typed decomposed */
	if (nfc) {
		snprintf(buf, sizeof buf, "%s", nfc);
		free(nfc);
	}
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strcmp(buf, map[i].in) == 0) {
			return map[i].out;
		}
	}
	return NULL;
}

int member_citizen_id_check(const char *s, const char *field, struct err *e)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return err_set(e, ERR_INVALID, field,
				       "a citizen ID has only digits: \"%.40s\"", s);
		}
	}
	if (n != MEMBER_CITIZEN_ID_LEN) {
		return err_set(e, ERR_INVALID, field,
			       "a citizen ID has 12 digits, \"%.40s\" has %zu", s, n);
	}
	return 0;
}

int member_text_check(const char *s, size_t max, int required,
		      const char *field, struct err *e)
{
	if (!s || !s[0]) {
		return required ? err_set(e, ERR_INVALID, field, "%s is required", field) : 0;
	}
	if (!utf8_valid(s, strlen(s))) {
		return err_set(e, ERR_BAD_REQUEST, field, "%s is not valid UTF-8", field);
	}
	if (utf8_len(s) > max) {
		return err_set(e, ERR_INVALID, field, "%s is too long: at most %zu characters",
			       field, max);
	}
	return 0;
}

static int blank(const char *s)
{
	for (; *s; s++) {
		if (*s != ' ' && *s != '\t') {
			return 0;
		}
	}
	return 1;
}

void member_person_clean_free(struct member_person_clean *c)
{
	for (int f = 0; f <= MF_PERSON_LAST; f++) {
		free(c->f[f]);
		c->f[f] = NULL;
	}
	free(c->fold);
	c->fold = NULL;
}

/* One field into out->f[f] (owned). */
static int clean_field(const char *in, int f, const char *today,
		       struct member_person_clean *out, struct err *e)
{
	const char *name = member_field_names[f];
	const char *g;
	if (blank(in)) {
		if (f == MF_FULL_NAME) {
			return err_set(e, ERR_INVALID, name, "%s is required", name);
		}
		out->f[f] = strdup("");
		return out->f[f] ? 0 : err_set(e, ERR_INTERNAL, name, "out of memory");
	}
	switch (f) {
	case MF_CITIZEN_ID:
		while (*in == ' ') {
			in++;
		}
		out->f[f] = strdup(in);
		if (out->f[f]) {
			for (size_t n = strlen(out->f[f]); n > 0 && out->f[f][n - 1] == ' '; n--) {
				out->f[f][n - 1] = '\0';
			}
			return member_citizen_id_check(out->f[f], name, e);
		}
		break;
	case MF_GENDER:
		if (!(g = member_gender_norm(in))) {
			return err_set(e, ERR_INVALID, name,
				       "gender is M or F (Nam / Nữ), not \"%.40s\"", in);
		}
		out->f[f] = strdup(g);
		break;
	case MF_BIRTH_DATE:
		if (date_check(in, name, e)) {
			return -ERR_INVALID;
		}
		if (strcmp(in, today) > 0) {
			return err_set(e, ERR_INVALID, name, "birth_date %s is in the future", in);
		}
		out->f[f] = strdup(in);
		break;
	default:
		out->f[f] = utf8_clean_name(in, MEMBER_TEXT_MAX, name, e);
		return out->f[f] ? 0 : -(int)(e ? e->code : ERR_INVALID);
	}
	return out->f[f] ? 0 : err_set(e, ERR_INTERNAL, name, "out of memory");
}

int member_person_clean(const struct member_record *r, int partial,
			const char *today, struct member_person_clean *out,
			struct err *e)
{
	memset(out, 0, sizeof *out);
	for (int f = 0; f <= MF_PERSON_LAST; f++) {
		const char *in = r->f[f];
		if (!in && partial) {
			continue;
		}
		if (clean_field(in ? in : "", f, today, out, e)) {
			member_person_clean_free(out);
			return -(int)(e && e->code ? e->code : ERR_INVALID);
		}
	}
	if (out->f[MF_FULL_NAME]) {
		out->fold = utf8_fold(out->f[MF_FULL_NAME]);
		if (!out->fold) {
			member_person_clean_free(out);
			return err_set(e, ERR_INTERNAL, "full_name", "out of memory");
		}
	}
	return 0;
}

/* ---- the search key, fast ---- */

size_t member_fold_buf(const char *s, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, w = 0;
	int space = 1;
	const struct utf8_fold_table *t = utf8_fold_table();
	while (*p) {
		unsigned cp;
		if (p[0] < 0x80) {
			cp = *p++;
		} else if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
			cp = (unsigned)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
			p += 2;
		} else if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
			cp = (unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
			p += 3;
		} else {
			return 0;
		}
		if (cp >= UTF8_FOLD_CPS || t->len[cp] == UTF8_FOLD_NONE ||
		    n + UTF8_FOLD_CP_MAX + 1 > cap) {
			return 0;
		}
		memcpy(out + n, t->tab[cp], t->len[cp]);
		n += t->len[cp];
	}
	/* Whitespace runs → one space, trimmed (as utf8_fold does). */
	for (size_t r = 0; r < n; r++) {
		char c = out[r];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (!space) {
				out[w++] = ' ';
			}
			space = 1;
		} else {
			out[w++] = c;
			space = 0;
		}
	}
	if (w > 0 && out[w - 1] == ' ') {
		w--;
	}
	out[w] = '\0';
	return w;
}

int member_record_from_json(json_t *body, struct member_record *r,
			    struct err *e)
{
	const char *key;
	json_t *v;
	memset(r, 0, sizeof *r);
	if (!json_is_object(body)) {
		return err_set(e, ERR_BAD_REQUEST, "", "expected a JSON object");
	}
	json_object_foreach(body, key, v) {
		int f = -1;
		for (int k = 0; k <= MF_PERSON_LAST; k++) {
			if (strcmp(key, member_field_names[k]) == 0) {
				f = k;
			}
		}
		if (strcmp(key, "rev") == 0 || strcmp(key, "id") == 0 ||
		    strcmp(key, "unit_id") == 0) {
			continue; /* read by the caller */
		}
		if (f < 0) {
			return err_set(e, ERR_BAD_REQUEST, key, "unknown field %.60s", key);
		}
		if (json_is_null(v)) {
			r->f[f] = "";
		} else if (json_is_string(v)) {
			r->f[f] = json_string_value(v);
		} else {
			return err_set(e, ERR_BAD_REQUEST, key, "%s must be a string", key);
		}
	}
	return 0;
}

static int jfield(json_t *v, const char *key, int is_int, const char **s,
		  int64_t *i, struct err *e)
{
	if (json_is_null(v)) {
		return 0;
	}
	if (is_int) {
		if (!json_is_integer(v)) {
			return err_set(e, ERR_BAD_REQUEST, key, "%s must be an integer", key);
		}
		*i = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v)) {
		return err_set(e, ERR_BAD_REQUEST, key, "%s must be a string", key);
	}
	*s = json_string_value(v);
	return 0;
}

int member_admit_from_json(json_t *body, struct member_admit *a,
			   struct err *e)
{
	const char *key;
	json_t *v;
	memset(a, 0, sizeof *a);
	if (!json_is_object(body)) {
		return err_set(e, ERR_BAD_REQUEST, "", "expected a JSON object");
	}
	json_object_foreach(body, key, v) {
		int rc;
		if (strcmp(key, "person_id") == 0) {
			rc = jfield(v, key, 1, NULL, &a->person_id, e);
		} else if (strcmp(key, "unit_id") == 0) {
			rc = jfield(v, key, 1, NULL, &a->unit_id, e);
		} else if (strcmp(key, "citizen_id") == 0) {
			rc = jfield(v, key, 0, &a->citizen_id, NULL, e);
		} else if (strcmp(key, "org") == 0) {
			rc = jfield(v, key, 0, &a->org, NULL, e);
		} else if (strcmp(key, "date") == 0) {
			rc = jfield(v, key, 0, &a->date, NULL, e);
		} else if (strcmp(key, "decision") == 0) {
			rc = jfield(v, key, 0, &a->decision, NULL, e);
		} else if (strcmp(key, "number") == 0) {
			rc = jfield(v, key, 0, &a->number, NULL, e);
		} else if (strcmp(key, "official") == 0) {
			rc = jfield(v, key, 0, &a->official, NULL, e);
		} else if (strcmp(key, "note") == 0) {
			rc = jfield(v, key, 0, &a->note, NULL, e);
		} else {
			rc = err_set(e, ERR_BAD_REQUEST, key, "unknown field %.60s", key);
		}
		if (rc) {
			return rc;
		}
	}
	return 0;
}

int member_event_from_json(json_t *body, struct member_event_req *r,
			   struct err *e)
{
	const char *key, *kind = NULL;
	json_t *v;
	memset(r, 0, sizeof *r);
	if (!json_is_object(body)) {
		return err_set(e, ERR_BAD_REQUEST, "", "expected a JSON object");
	}
	json_object_foreach(body, key, v) {
		int rc;
		if (strcmp(key, "kind") == 0) {
			rc = jfield(v, key, 0, &kind, NULL, e);
		} else if (strcmp(key, "date") == 0) {
			rc = jfield(v, key, 0, &r->date, NULL, e);
		} else if (strcmp(key, "decision") == 0) {
			rc = jfield(v, key, 0, &r->decision, NULL, e);
		} else if (strcmp(key, "note") == 0) {
			rc = jfield(v, key, 0, &r->note, NULL, e);
		} else if (strcmp(key, "to_unit") == 0) {
			rc = jfield(v, key, 1, NULL, &r->to_unit, e);
		} else if (strcmp(key, "rev") == 0) {
			rc = jfield(v, key, 1, NULL, &r->rev, e);
		} else {
			rc = err_set(e, ERR_BAD_REQUEST, key, "unknown field %.60s", key);
		}
		if (rc) {
			return rc;
		}
	}
	return member_event_parse(kind, &r->kind, e);
}
