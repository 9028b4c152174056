/*
 * route.c — THE route table of the JSON API and its dispatcher.  Every API
 * request passes the same checks here, once, in this order: path and method
 * (404/405), authentication (session cookie or Bearer token, 401), CSRF for
 * mutating requests authenticated by cookie (403 csrf), the JSON body
 * (400), the {id} path parameter and the typed query parameters (400/422),
 * then the route's handler.  Errors become {"error":{code,field,message}}.
 * Must never contain SQL, business rules or permission logic: permissions
 * are checked inside the domain functions the handlers call.
 */
#include "http/route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/date.h"
#include "base/log.h"
#include "base/utf8.h"
#include "domain/org.h"
#include "http/json_out.h"

#define API_PREFIX "/api/v1"

/* The foundation's routes; each later module (members, documents…) keeps
 * its own table next to its handlers and is listed in route_tables. */
static const struct route routes_core[] = {
	{.method = "GET", .path = "/health", .fn = api_health},
	{.method = "POST", .path = "/session", .fn = api_session_login,
	 .flags = RF_BODY},
	{.method = "GET", .path = "/session", .fn = api_session_get,
	 .flags = RF_AUTH},
	{.method = "DELETE", .path = "/session", .fn = api_session_logout,
	 .flags = RF_AUTH},
	{.method = "POST", .path = "/session/password",
	 .fn = api_session_password, .flags = RF_AUTH | RF_BODY},
	{.method = "GET", .path = "/units", .fn = api_units_list,
	 .flags = RF_AUTH,
	 .params = {Q_AS_OF, {"kind", P_STR, 0, ORG_CODE_MAX, 0},
		    {"q", P_STR, 0, ORG_NAME_MAX, 0}, {"parent", P_ID, 0, 0, 0},
		    Q_LIMIT, Q_OFFSET}},
	{.method = "GET", .path = "/units/{id}", .fn = api_units_get,
	 .flags = RF_AUTH, .params = {Q_AS_OF}},
	{.method = "GET", .path = "/units/{id}/tree", .fn = api_units_tree,
	 .flags = RF_AUTH,
	 .params = {Q_AS_OF, {"depth", P_INT, 0, 64, 1}}},
	{.method = "GET", .path = "/units/{id}/lineage", .fn = api_units_lineage,
	 .flags = RF_AUTH},
	{.method = "GET", .path = "/kinds", .fn = api_units_kinds,
	 .flags = RF_AUTH},
	{.method = "POST", .path = "/reorg", .fn = api_reorg_post,
	 .flags = RF_AUTH | RF_BODY},
	{.method = "GET", .path = "/users", .fn = api_users_list,
	 .flags = RF_AUTH,
	 .params = {{"unit", P_ID, 0, 0, 0}, Q_LIMIT, Q_OFFSET}},
	{.method = "POST", .path = "/users", .fn = api_users_add,
	 .flags = RF_AUTH | RF_BODY},
	{.method = "GET", .path = "/audit", .fn = api_audit_list,
	 .flags = RF_AUTH,
	 .params = {{"unit", P_ID, 0, 0, 0}, {"actor", P_STR, 0, 64, 0},
		    {"from", P_WHEN_FROM, 0, 0, 0}, {"to", P_WHEN_TO, 0, 0, 0},
		    {"action", P_STR, 0, 64, 0}, Q_LIMIT, Q_OFFSET}},
};

/* Module tables are weak: a module that is not linked in has no routes.
 * A weak reference alone never pulls a member out of libcadre.a, so a
 * module whose table exists is referenced strongly (members, documents). */
extern const struct route routes_members[];
extern const size_t routes_members_n;
extern const struct route routes_documents[];
extern const size_t routes_documents_n;
extern const struct route routes_public[];
extern const size_t routes_public_n;

struct route_table {
	const struct route *routes;
	const size_t *n;
};

static const size_t routes_core_n = sizeof routes_core / sizeof routes_core[0];

static const struct route_table route_tables[] = {
	{routes_core, &routes_core_n},
	{routes_members, &routes_members_n},
	{routes_documents, &routes_documents_n},
	{routes_public, &routes_public_n},
};

/* Match a path against a pattern segment by segment; "{id}" matches any
 * non-empty segment, returned in *id / *id_len. */
static int route_path_match(const char *pat, const char *p, const char **id,
			    size_t *id_len)
{
	while (*pat && *p) {
		const char *pe, *se;
		if (*pat != '/' || *p != '/') {
			return 0;
		}
		pat++;
		p++;
		pe = strchrnul(pat, '/');
		se = strchrnul(p, '/');
		if (pe - pat == 4 && memcmp(pat, "{id}", 4) == 0) {
			if (se == p) {
				return 0;
			}
			*id = p;
			*id_len = (size_t)(se - p);
		} else if (pe - pat != se - p ||
			   memcmp(pat, p, (size_t)(pe - pat)) != 0) {
			return 0;
		}
		pat = pe;
		p = se;
	}
	return *pat == 0 && *p == 0;
}

static int route_method_is(const struct route *rt, const char *method)
{
	return strcmp(rt->method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0);
}

int route_find(const char *method, const char *url, const struct route **rt,
	       struct http_out *out)
{
	const char *id;
	size_t id_len, plen = strlen(API_PREFIX);
	int path_seen = 0;
	struct err e = ERR_INIT;
	*rt = NULL;
	out->allow[0] = 0;
	if (strncmp(url, API_PREFIX, plen) == 0 && url[plen] == '/') {
		for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0]; t++) {
			const struct route *routes = route_tables[t].routes;
			size_t n = route_tables[t].n ? *route_tables[t].n : 0;
			for (size_t i = 0; routes && i < n; i++) {
				if (!route_path_match(routes[i].path, url + plen, &id,
						      &id_len)) {
					continue;
				}
				if (route_method_is(&routes[i], method)) {
					*rt = &routes[i];
					return 0;
				}
				if (path_seen++) {
					strncat(out->allow, ", ",
						sizeof out->allow - strlen(out->allow) - 1);
				}
				strncat(out->allow, routes[i].method,
					sizeof out->allow - strlen(out->allow) - 1);
			}
		}
	}
	if (path_seen) {
		err_set(&e, ERR_METHOD, "", "method %.16s not allowed here (allowed: %s)",
			method, out->allow);
	} else {
		err_set(&e, ERR_NOT_FOUND, "", "no such API endpoint");
	}
	route_error(&e, out);
	return -1;
}

/* Make msg safe to put in JSON: a message cut by snprintf may end inside a
 * multi-byte character, and a domain message may quote invalid input. */
static void route_clean_text(char *s)
{
	size_t n = strlen(s);
	for (int k = 0; k < 3 && n > 0 && !utf8_valid(s, n); k++) {
		s[--n] = 0;
	}
	if (!utf8_valid(s, n)) {
		for (char *p = s; *p; p++) {
			if ((unsigned char)*p >= 0x80) {
				*p = '?';
			}
		}
	}
}

size_t route_body_max(const struct route *rt)
{
	return rt && (rt->flags & RF_RAW) ? (size_t)HTTP_UPLOAD_MAX
					  : (size_t)HTTP_BODY_MAX;
}

void route_error(const struct err *e, struct http_out *out)
{
	struct err c = *e;
	json_t *j;
	if (c.code == ERR_OK || (int)c.code < 0 || c.code >= ERR__COUNT) {
		c.code = ERR_INTERNAL;
	}
	c.field[sizeof c.field - 1] = 0;
	c.msg[sizeof c.msg - 1] = 0;
	if (c.code == ERR_INTERNAL) {
		log_msg(LOG_WARN, "internal error: %s%s%s", c.msg,
			c.field[0] ? " field " : "", c.field);
		snprintf(c.msg, sizeof c.msg, "internal error");
	}
	route_clean_text(c.field);
	route_clean_text(c.msg);
	out->status = err_http_status(c.code);
	j = json_pack("{s:{s:s,s:s,s:s}}", "error", "code",
		      err_code_name(c.code), "field", c.field, "message", c.msg);
	out->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!out->body) {
		out->body = strdup("{\"error\":{\"code\":\"internal\",\"field\":\"\","
				   "\"message\":\"internal error\"}}");
		out->status = 500;
	}
	out->len = out->body ? strlen(out->body) : 0;
}

/* --- authentication and CSRF --- */

static int route_authenticate(struct http_req *r, struct err *e)
{
	const char *h, *c;
	h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_AUTHORIZATION);
	if (h) {
		if (strncasecmp(h, "Bearer ", 7) != 0) {
			return err_set(e, ERR_UNAUTHENTICATED, "",
				       "unsupported authorization scheme (use Bearer)");
		}
		h += 7;
		while (*h == ' ') {
			h++;
		}
		if (!*h || strlen(h) >= AUTH_TOKEN_HEX) {
			return err_set(e, ERR_UNAUTHENTICATED, "", "invalid API token");
		}
		if (auth_token_get(r->cx.db, h, &r->cx.actor, e)) {
			return -1;
		}
		r->auth = HTTP_AUTH_BEARER;
		return 0;
	}
	c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "cadre_session");
	if (!c || !*c) {
		return err_set(e, ERR_UNAUTHENTICATED, "", "not logged in");
	}
	if (strlen(c) >= AUTH_TOKEN_HEX) {
		return err_set(e, ERR_UNAUTHENTICATED, "",
			       "session unknown or expired");
	}
	if (auth_session_get(r->cx.db, c, &r->cx.actor, r->csrf, e)) {
		return -1;
	}
	snprintf(r->session, sizeof r->session, "%s", c);
	r->auth = HTTP_AUTH_COOKIE;
	return 0;
}

static int route_mutates(const char *method)
{
	return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	       strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0;
}

static int route_csrf(struct http_req *r, struct err *e)
{
	const char *t;
	if (r->auth != HTTP_AUTH_COOKIE || !route_mutates(r->method)) {
		return 0;
	}
	t = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	if (!t || !*t) {
		return err_set(e, ERR_CSRF, "", "missing X-CSRF-Token header");
	}
	return auth_csrf_check(r->csrf, t, e);
}

/* --- body and parameters --- */

static int route_body(struct http_req *r, const char *body, size_t len,
		      struct err *e)
{
	json_error_t je;
	if (len == 0) {
		return err_set(e, ERR_BAD_REQUEST, "",
			       "a JSON object is required as the request body");
	}
	r->body = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!r->body) {
		if (json_error_code(&je) == json_error_invalid_utf8 ||
		    !utf8_valid(body, len)) {
			return err_set(e, ERR_BAD_REQUEST, "",
				       "request body is not valid UTF-8");
		}
		return err_set(e, ERR_BAD_REQUEST, "",
			       "malformed JSON at line %d column %d: %s",
			       je.line, je.column, je.text);
	}
	if (!json_is_object(r->body)) {
		return err_set(e, ERR_BAD_REQUEST, "",
			       "the request body must be a JSON object");
	}
	return 0;
}

/* Query parameters: every key must be declared by the route. */
struct route_qctx {
	struct http_req *r;
	struct err *e;
	int rc;
};

static enum MHD_Result route_query_one(void *cls, enum MHD_ValueKind kind,
				       const char *key, const char *value)
{
	struct route_qctx *c = cls;
	const struct route_param *ps = c->r->route->params;
	(void)kind;
	for (int i = 0; i < ROUTE_MAX_PARAMS && ps[i].name; i++) {
		if (strcmp(ps[i].name, key) != 0) {
			continue;
		}
		if (!value || !*value) {
			return MHD_YES; /* "?as_of=" is the same as no as_of */
		}
		c->rc = input_param(&ps[i], &c->r->q[i], value, c->e);
		return c->rc ? MHD_NO : MHD_YES;
	}
	c->rc = err_set(c->e, ERR_BAD_REQUEST, key, "unknown query parameter");
	return MHD_NO;
}

static int route_query(struct http_req *r, struct err *e)
{
	struct route_qctx c = {r, e, 0};
	const struct route_param *ps = r->route->params;
	for (int i = 0; i < ROUTE_MAX_PARAMS && ps[i].name; i++) {
		r->q[i].i = ps[i].dflt;
	}
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND,
				  route_query_one, &c);
	return c.rc;
}

static int route_path_id(struct http_req *r, const char *url, struct err *e)
{
	const char *id = NULL;
	size_t n = 0;
	if (!strstr(r->route->path, "{id}")) {
		return 0;
	}
	route_path_match(r->route->path, url + strlen(API_PREFIX), &id, &n);
	return input_id(id, n, "id", &r->id, e);
}

static void route_lang(struct http_req *r)
{
	const char *al = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	r->cx.lang = al && strncasecmp(al, "vi", 2) == 0 ? "vi" : "en";
}

void route_run(const struct route *rt, struct MHD_Connection *conn,
	       struct db *db, const char *method, const char *url,
	       const char *body, size_t body_len, struct http_out *out)
{
	struct http_req r;
	struct err e = ERR_INIT;
	int rc;
	memset(&r, 0, sizeof r);
	r.conn = conn;
	r.route = rt;
	r.method = method;
	r.cx.db = db;
	r.cx.now_ms = time_now_ms();
	r.status = 200;
	route_lang(&r);
	if (!db) {
		rc = err_set(&e, ERR_INTERNAL, "", "database unavailable");
	} else if ((rt->flags & RF_AUTH) && route_authenticate(&r, &e)) {
		rc = -1;
	} else if (route_csrf(&r, &e)) {
		rc = -1;
	} else if ((rt->flags & RF_BODY) && route_body(&r, body, body_len, &e)) {
		rc = -1;
	} else if ((rt->flags & RF_RAW) && body_len > HTTP_UPLOAD_MAX) {
		rc = err_set(&e, ERR_TOO_LARGE, "", "request body larger than %d bytes",
			     HTTP_UPLOAD_MAX);
	} else if (route_path_id(&r, url, &e) || route_query(&r, &e)) {
		rc = -1;
	} else {
		if (rt->flags & RF_RAW) {
			r.raw = (const unsigned char *)body;
			r.raw_len = body_len;
		}
		rc = rt->fn(&r, &e);
	}
	if (rc < 0) {
		route_error(&e, out);
	} else {
		out->status = r.status;
		if (r.file) { /* a file reply (an export) */
			out->body = r.file;
			out->len = r.file_len;
			r.file = NULL;
			out->type = r.file_type ? r.file_type : "application/octet-stream";
			if (r.file_name[0]) {
				snprintf(out->disposition, sizeof out->disposition,
					 "attachment; filename=\"%s\"", r.file_name);
			}
		} else if (r.out) {
			out->body = json_out_dump(r.out, &out->len);
		} else {
			out->body = strdup("{\"ok\":true}");
			out->len = out->body ? strlen(out->body) : 0;
		}
		if (!out->body) {
			err_set(&e, ERR_INTERNAL, "", "cannot serialize the reply");
			route_error(&e, out);
		} else {
			snprintf(out->cookie, sizeof out->cookie, "%s", r.cookie);
		}
	}
	free(r.file);
	json_decref(r.body);
	json_decref(r.out);
}
