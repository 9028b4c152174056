/*
 * err.h — the one error type of cadre.
 *
 * Every fallible function takes a `struct err *` last and returns 0 on
 * success or a negative value on failure, after filling the err with a
 * stable code, the name of the offending field (or "") and a message that
 * the faces (HTTP, CLI) show as-is.  One table maps each code to its HTTP
 * status and its stable JSON name; nothing else decides statuses.
 */
#ifndef CADRE_ERR_H
#define CADRE_ERR_H

#include <stddef.h>

enum err_code {
	ERR_OK = 0,
	ERR_BAD_REQUEST,     /* 400: malformed input (JSON, UTF-8, unknown field) */
	ERR_UNAUTHENTICATED, /* 401: no or bad credentials */
	ERR_FORBIDDEN,       /* 403: authenticated but not allowed */
	ERR_CSRF,            /* 403: missing or wrong CSRF token */
	ERR_NOT_FOUND,       /* 404 */
	ERR_METHOD,          /* 405 */
	ERR_CONFLICT,        /* 409: stale revision, duplicate, busy */
	ERR_TOO_LARGE,       /* 413: body over the limit */
	ERR_INVALID,         /* 422: well-formed but breaks a rule */
	ERR_THROTTLED,       /* 429: too many failed attempts */
	ERR_INTERNAL,        /* 500: a bug or an I/O failure */
	ERR__COUNT
};

struct err {
	enum err_code code;
	char field[64];
	char msg[512];
};

#define ERR_INIT {ERR_OK, "", ""}

/* Fill e (which may be NULL) and return -(int)code, so callers can write
 * `return err_set(e, ERR_INVALID, "date", "no such day: %s", s);` */
int err_set(struct err *e, enum err_code code, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void err_clear(struct err *e);
int err_http_status(enum err_code code);
const char *err_code_name(enum err_code code);

#endif
