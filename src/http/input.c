/*
 * input.c — typed input for the dispatcher and the handlers: strict
 * integers, positive ids, dates and ISO instants of query parameters, and
 * the reading of JSON body fields (unknown keys, types, lengths).  Every
 * refusal names its field: ERR_BAD_REQUEST for malformed input or a wrong
 * type, ERR_INVALID for a well-formed value that breaks a limit.  Knows no
 * route and no domain rule.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/log.h"
#include "base/utf8.h"
#include "http/route.h"

/* Strict decimal: optional '-', 1..18 digits, nothing else. */
static int input_int(const char *s, int64_t *out)
{
	const char *p = s;
	int64_t v = 0;
	int neg = 0, n = 0;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p; p++, n++) {
		if (*p < '0' || *p > '9' || n >= 18) {
			return -1;
		}
		v = v * 10 + (*p - '0');
	}
	if (n == 0) {
		return -1;
	}
	*out = neg ? -v : v;
	return 0;
}

int input_id(const char *s, size_t n, const char *field, int64_t *out,
	     struct err *e)
{
	char tmp[24];
	if (n == 0 || n >= sizeof tmp) {
		return err_set(e, ERR_BAD_REQUEST, field,
			       "%s must be a positive integer", field);
	}
	memcpy(tmp, s, n);
	tmp[n] = 0;
	if (tmp[0] == '-' || input_int(tmp, out) || *out <= 0) {
		return err_set(e, ERR_BAD_REQUEST, field,
			       "%s must be a positive integer", field);
	}
	return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.fff…]Z" → UTC ms.  A date gives its
 * first ms, or with `end` the first ms of the next day; an instant gives
 * itself, or with `end` the next ms (so the bound is inclusive). */
static int input_when(const char *s, int end, const char *field,
		      int64_t *out, struct err *e)
{
	struct date d;
	char day[11];
	int hh, mm, ss, ms = 0, k;
	const char *p;
	if (strlen(s) < 10) {
		return err_set(e, ERR_INVALID, field,
			       "%s must be a date or an ISO instant", field);
	}
	memcpy(day, s, 10);
	day[10] = 0;
	if (date_parse(day, &d, field, e)) {
		return -1;
	}
	*out = date_to_days(d) * 86400000LL;
	if (s[10] == 0) {
		*out += end ? 86400000LL : 0;
		return 0;
	}
	p = s + 10;
	if ((*p != 'T' && *p != 't') || strlen(p) < 10 || p[3] != ':' ||
	    p[6] != ':' || sscanf(p + 1, "%2d:%2d:%2d", &hh, &mm, &ss) != 3 ||
	    hh > 23 || mm > 59 || ss > 59) {
		return err_set(e, ERR_INVALID, field,
			       "%s must be a date or an ISO instant (UTC, ending in Z)",
			       field);
	}
	for (k = 1; k <= 8; k++) {
		if (k % 3 != 0 && (p[k] < '0' || p[k] > '9')) {
			return err_set(e, ERR_INVALID, field, "bad time in %s", field);
		}
	}
	p += 9;
	if (*p == '.') {
		for (k = 0, p++; *p >= '0' && *p <= '9'; p++, k++) {
			if (k < 3) {
				ms = ms * 10 + (*p - '0');
			}
		}
		for (; k < 3 && k > 0; k++) {
			ms *= 10;
		}
		if (k == 0) {
			return err_set(e, ERR_INVALID, field, "bad fraction in %s", field);
		}
	}
	if ((*p != 'Z' && *p != 'z') || p[1] != 0) {
		return err_set(e, ERR_INVALID, field,
			       "%s must be UTC (ending in Z)", field);
	}
	*out += hh * 3600000LL + mm * 60000LL + ss * 1000LL + ms + (end ? 1 : 0);
	return 0;
}

int input_param(const struct route_param *p, struct http_qval *v,
		const char *s, struct err *e)
{
	size_t n = strlen(s);
	v->set = 1;
	v->s = s;
	switch (p->type) {
	case P_INT:
		if (input_int(s, &v->i)) {
			return err_set(e, ERR_BAD_REQUEST, p->name,
				       "%s must be an integer", p->name);
		}
		if (v->i < p->min || v->i > p->max) {
			return err_set(e, ERR_INVALID, p->name,
				       "%s must be between %lld and %lld", p->name,
				       (long long)p->min, (long long)p->max);
		}
		return 0;
	case P_ID:
		return input_id(s, n, p->name, &v->i, e);
	case P_DATE:
		return date_check(s, p->name, e);
	case P_STR:
		if (!utf8_valid(s, n)) {
			return err_set(e, ERR_BAD_REQUEST, p->name,
				       "%s is not valid UTF-8", p->name);
		}
		if (utf8_len(s) > (size_t)p->max) {
			return err_set(e, ERR_INVALID, p->name,
				       "%s is longer than %lld characters", p->name,
				       (long long)p->max);
		}
		return 0;
	case P_WHEN_FROM:
	case P_WHEN_TO:
		return input_when(s, p->type == P_WHEN_TO, p->name, &v->i, e);
	}
	return err_set(e, ERR_INTERNAL, p->name, "unknown parameter type");
}

/* --- helpers for handlers --- */

static const struct http_qval *input_q(const struct http_req *r,
				       const char *name)
{
	const struct route_param *ps = r->route->params;
	for (int i = 0; i < ROUTE_MAX_PARAMS && ps[i].name; i++) {
		if (strcmp(ps[i].name, name) == 0) {
			return &r->q[i];
		}
	}
	log_msg(LOG_ERROR, "route %s %s reads undeclared parameter %s",
		r->route->method, r->route->path, name);
	return NULL;
}

const char *req_q_str(const struct http_req *r, const char *name)
{
	const struct http_qval *v = input_q(r, name);
	return v && v->set ? v->s : NULL;
}

int64_t req_q_int(const struct http_req *r, const char *name)
{
	const struct http_qval *v = input_q(r, name);
	return v ? v->i : 0;
}

int req_body_keys(const struct http_req *r, const char *const *allowed,
		  struct err *e)
{
	const char *key;
	json_t *val;
	json_object_foreach(r->body, key, val) {
		int ok = 0;
		(void)val;
		for (int i = 0; allowed[i] && !ok; i++) {
			ok = strcmp(allowed[i], key) == 0;
		}
		if (!ok) {
			return err_set(e, ERR_BAD_REQUEST, key, "unknown field");
		}
	}
	return 0;
}

int req_body_str(const struct http_req *r, const char *key, int required,
		 size_t max, const char **out, struct err *e)
{
	json_t *v = json_object_get(r->body, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		return required ? err_set(e, ERR_BAD_REQUEST, key, "%s is required", key)
				: 0;
	}
	if (!json_is_string(v)) {
		return err_set(e, ERR_BAD_REQUEST, key, "%s must be a string", key);
	}
	if (json_string_length(v) > max) {
		return err_set(e, ERR_INVALID, key, "%s is too long (at most %zu bytes)",
			       key, max);
	}
	*out = json_string_value(v);
	return 0;
}

int req_body_id(const struct http_req *r, const char *key, int required,
		int64_t *out, struct err *e)
{
	json_t *v = json_object_get(r->body, key);
	*out = 0;
	if (!v || json_is_null(v)) {
		return required ? err_set(e, ERR_BAD_REQUEST, key, "%s is required", key)
				: 0;
	}
	if (!json_is_integer(v)) {
		return err_set(e, ERR_BAD_REQUEST, key, "%s must be an integer", key);
	}
	if (json_integer_value(v) <= 0) {
		return err_set(e, ERR_INVALID, key, "%s must be positive", key);
	}
	*out = json_integer_value(v);
	return 0;
}
