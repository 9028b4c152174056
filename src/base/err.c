/*
 * err.c — filling struct err, and the single table that maps error codes to
 * HTTP statuses and stable JSON names.  Never exits, never logs.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	int status;
	const char *name;
} err_table[ERR__COUNT] = {
	[ERR_OK] = {200, "ok"},
	[ERR_BAD_REQUEST] = {400, "bad_request"},
	[ERR_UNAUTHENTICATED] = {401, "unauthenticated"},
	[ERR_FORBIDDEN] = {403, "forbidden"},
	[ERR_CSRF] = {403, "csrf"},
	[ERR_NOT_FOUND] = {404, "not_found"},
	[ERR_METHOD] = {405, "method_not_allowed"},
	[ERR_CONFLICT] = {409, "conflict"},
	[ERR_TOO_LARGE] = {413, "too_large"},
	[ERR_INVALID] = {422, "invalid"},
	[ERR_THROTTLED] = {429, "too_many_attempts"},
	[ERR_INTERNAL] = {500, "internal"},
};

int err_set(struct err *e, enum err_code code, const char *field,
	    const char *fmt, ...)
{
	if (e) {
		va_list ap;
		e->code = code;
		snprintf(e->field, sizeof e->field, "%s", field ? field : "");
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	return -(int)code;
}

void err_clear(struct err *e)
{
	if (e) {
		e->code = ERR_OK;
		e->field[0] = 0;
		e->msg[0] = 0;
	}
}

int err_http_status(enum err_code code)
{
	if ((int)code < 0 || code >= ERR__COUNT) {
		return 500;
	}
	return err_table[code].status;
}

const char *err_code_name(enum err_code code)
{
	if ((int)code < 0 || code >= ERR__COUNT) {
		return "internal";
	}
	return err_table[code].name;
}
