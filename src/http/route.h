/*
 * route.h — the inside of the HTTP face: the route table's types, the
 * request a handler sees, the dispatcher that runs the common checks once
 * (match, authentication, CSRF, JSON body, typed parameters), and the small
 * helpers thin handlers use to read body fields.  Nothing here knows SQL or
 * business rules: handlers call one domain function each.
 */
#ifndef CADRE_HTTP_ROUTE_H
#define CADRE_HTTP_ROUTE_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/auth.h"
#include "domain/cx.h"

#define HTTP_BODY_MAX (1024 * 1024) /* request bodies, bytes */
#define HTTP_FIELD_MAX 256	    /* login, password, role in bodies, bytes */
#define ROUTE_MAX_PARAMS 8

#include "base/version.h"

/* Route flags. */
enum {
	RF_AUTH = 1, /* needs a session cookie or a Bearer token */
	RF_BODY = 2, /* needs a JSON object body */
	RF_RAW = 4,  /* the body is bytes (a file upload), at most
		      * HTTP_UPLOAD_MAX, handed over as r->raw / r->raw_len */
};

#define HTTP_UPLOAD_MAX (50 * 1024 * 1024) /* RF_RAW bodies, bytes */

/* Types of query parameters; the dispatcher validates them all before the
 * handler runs, so a handler only reads parsed values. */
enum param_type {
	P_INT,	     /* integer in [min, max]; absent = dflt */
	P_ID,	     /* positive int64; absent = 0 */
	P_DATE,	     /* YYYY-MM-DD that exists; absent = NULL */
	P_STR,	     /* valid UTF-8, at most max code points; absent = NULL */
	P_WHEN_FROM, /* date or ISO instant → first UTC ms it covers */
	P_WHEN_TO,   /* date (inclusive) or instant → exclusive end UTC ms */
};

struct route_param {
	const char *name;
	enum param_type type;
	int64_t min, max, dflt;
};

enum http_auth { HTTP_AUTH_NONE, HTTP_AUTH_COOKIE, HTTP_AUTH_BEARER };

struct http_req;
/* A handler: reads r (parsed input), calls one domain function, and on
 * success sets r->out (owned by r, may stay NULL for {"ok":true}) and
 * optionally r->status / r->cookie; returns 0.  On failure returns <0 with
 * e filled; the dispatcher renders it. */
typedef int (*route_fn)(struct http_req *r, struct err *e);

/* Common query parameters for route tables. */
#define Q_LIMIT {"limit", P_INT, 0, 500, 50}
#define Q_OFFSET {"offset", P_INT, 0, 1000000000, 0}
#define Q_AS_OF {"as_of", P_DATE, 0, 0, 0}

/* A module's route table is `const struct route routes_<module>[]` with
 * `const size_t routes_<module>_n`, defined next to its handlers; route.c
 * lists the tables (weakly: a module not linked in has no routes). */
struct route {
	const char *method;
	const char *path; /* under /api/v1, "{id}" for the one path parameter */
	route_fn fn;
	unsigned flags;
	struct route_param params[ROUTE_MAX_PARAMS]; /* ends at name == NULL */
};

struct http_qval {
	int set;       /* given in the query string */
	const char *s; /* P_STR, P_DATE: the decoded text (owned by MHD) */
	int64_t i;     /* P_INT, P_ID, P_WHEN_*: the value or the default */
};

struct http_req {
	struct MHD_Connection *conn;
	const struct route *route;
	const char *method;
	struct cx cx;
	enum http_auth auth;
	char session[AUTH_TOKEN_HEX]; /* the cookie's token (for logout) */
	char csrf[AUTH_TOKEN_HEX];    /* the session's CSRF token, or "" */
	int64_t id;		      /* the {id} path parameter, 0 if none */
	json_t *body;		      /* the JSON object, when RF_BODY */
	const unsigned char *raw;     /* the body's bytes, when RF_RAW */
	size_t raw_len;
	struct http_qval q[ROUTE_MAX_PARAMS]; /* parallel to route->params */
	/* output */
	int status;	  /* 200 unless the handler says otherwise */
	json_t *out;	  /* the reply, owned; NULL = {"ok":true} */
	char cookie[192]; /* a Set-Cookie value, or "" */
	/* A file reply instead of JSON (an export): when file is set, its
	 * file_len bytes (malloc'd, taken by the dispatcher) are sent with
	 * Content-Type file_type (a static string) and, when file_name is not
	 * "", Content-Disposition: attachment (file_name: [A-Za-z0-9._-]). */
	char *file;
	size_t file_len;
	const char *file_type;
	char file_name[128];
};

/* What the dispatcher hands back to the server: a complete JSON reply. */
struct http_out {
	int status;
	char *body; /* malloc'd; the server passes it to MHD with MUST_FREE */
	size_t len;
	char cookie[192]; /* Set-Cookie value or "" */
	char allow[48];	  /* Allow header for 405, or "" */
	const char *type; /* Content-Type of a file reply; NULL = JSON */
	char disposition[192]; /* Content-Disposition, or "" */
};

/* Find the route of an /api/ URL.  0 and *rt set; otherwise out is filled
 * with the 404 (unknown path) or 405 (known path, other method, with the
 * Allow header) reply and <0 is returned. */
int route_find(const char *method, const char *url, const struct route **rt,
	       struct http_out *out);

/* Run the checks and the handler of rt on a complete request and fill out.
 * db is the calling thread's connection (NULL when it could not be opened:
 * then a 500 is rendered).  Never fails: every outcome is a reply. */
void route_run(const struct route *rt, struct MHD_Connection *conn,
	       struct db *db, const char *method, const char *url,
	       const char *body, size_t body_len, struct http_out *out);

/* The largest request body rt accepts: HTTP_UPLOAD_MAX for RF_RAW routes,
 * HTTP_BODY_MAX otherwise (rt may be NULL). */
size_t route_body_max(const struct route *rt);

/* Render e as {"error":{"code","field","message"}} with its status into out.
 * ERR_INTERNAL is logged with its detail and shown as a generic message. */
void route_error(const struct err *e, struct http_out *out);

/* --- typed input (input.c) --- */

/* s[0..n) as a positive int64 → *out, else ERR_BAD_REQUEST naming field. */
int input_id(const char *s, size_t n, const char *field, int64_t *out,
	     struct err *e);
/* Validate and convert one query value s for parameter p into v. */
int input_param(const struct route_param *p, struct http_qval *v,
		const char *s, struct err *e);

/* --- helpers for handlers (input.c) --- */

/* Query parameter values (see enum param_type); name must be declared in
 * the route's params. */
const char *req_q_str(const struct http_req *r, const char *name);
int64_t req_q_int(const struct http_req *r, const char *name);

/* Refuse any key of the body not in `allowed` (NULL-terminated):
 * ERR_BAD_REQUEST naming the key. */
int req_body_keys(const struct http_req *r, const char *const *allowed,
		  struct err *e);
/* A string field of the body: missing (or null) → *out = NULL, or
 * ERR_BAD_REQUEST when required; not a string → ERR_BAD_REQUEST; longer
 * than max bytes → ERR_INVALID.  *out points into the body. */
int req_body_str(const struct http_req *r, const char *key, int required,
		 size_t max, const char **out, struct err *e);
/* A positive integer id field of the body (same rules; ≤ 0 → ERR_INVALID). */
int req_body_id(const struct http_req *r, const char *key, int required,
		int64_t *out, struct err *e);

/* Handlers (api_*.c). */
int api_health(struct http_req *r, struct err *e);
int api_session_login(struct http_req *r, struct err *e);
int api_session_get(struct http_req *r, struct err *e);
int api_session_logout(struct http_req *r, struct err *e);
int api_session_password(struct http_req *r, struct err *e);
int api_units_list(struct http_req *r, struct err *e);
int api_units_get(struct http_req *r, struct err *e);
int api_units_tree(struct http_req *r, struct err *e);
int api_units_lineage(struct http_req *r, struct err *e);
int api_units_kinds(struct http_req *r, struct err *e);
int api_reorg_post(struct http_req *r, struct err *e);
int api_users_list(struct http_req *r, struct err *e);
int api_users_add(struct http_req *r, struct err *e);
int api_audit_list(struct http_req *r, struct err *e);

#endif
