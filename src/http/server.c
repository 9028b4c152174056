/*
 * server.c — the HTTP server: libmicrohttpd with a pool of worker threads
 * (epoll), the listening address, timeouts and limits, request body
 * accumulation under the 1 MiB cap, one database connection per worker
 * thread (opened lazily, closed when the thread ends), the response headers
 * every reply carries, per-request logging, the warming of the member
 * totals at start, and a clean shutdown on SIGINT or SIGTERM.  Routing and
 * checks belong to route.c, files to assets.c; this file never looks inside
 * a request's meaning and never exits.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "db/migrate.h"
#include "domain/member_stats.h"
#include "http/assets.h"
#include "http/route.h"

#define SRV_CONN_TIMEOUT_S 30	   /* idle connection */
#define SRV_REQUEST_TIMEOUT_US (60LL * 1000000) /* one whole upload */
#define SRV_CONN_LIMIT 1024
/* Request line + headers per connection.  MHD clears this pool between
 * requests, so it is kept at MHD's default rather than larger. */
#define SRV_CONN_MEMORY (32 * 1024)
#define SRV_CSP "default-src 'self'; script-src 'self'; style-src 'self'; " \
		"img-src 'self'; connect-src 'self'; font-src 'self'; " \
		"object-src 'none'; base-uri 'self'; form-action 'self'; " \
		"frame-ancestors 'none'"

struct server {
	const struct http_config *cfg;
	struct assets *assets;
	pthread_key_t db_key; /* destructor closes the thread's connection */
};

/* Per-request state, from the first call of the access handler to the
 * completion notification. */
struct srv_req {
	int64_t t0_us;
	int api;
	int done;      /* a response is queued */
	int too_large; /* the body crossed limit */
	size_t limit;  /* the route's body limit (route_body_max) */
	size_t discarded;
	const struct route *rt;
	struct buf body;
};

static _Thread_local struct db *srv_thread_db;

static int64_t srv_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void srv_db_destroy(void *p)
{
	db_close(p);
}

/* The calling worker's connection, opened on first use; NULL (logged) when
 * the database cannot be opened — the next request tries again. */
static struct db *srv_db(struct server *s)
{
	struct err e = ERR_INIT;
	if (srv_thread_db) {
		return srv_thread_db;
	}
	if (db_open(s->cfg->db_url, &srv_thread_db, &e)) {
		log_msg(LOG_WARN, "worker cannot open the database: %s", e.msg);
		srv_thread_db = NULL;
		return NULL;
	}
	pthread_setspecific(s->db_key, srv_thread_db);
	return srv_thread_db;
}

static void srv_security_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Content-Security-Policy", SRV_CSP);
}

/* Copy s for a log line: printable ASCII kept, everything else escaped. */
static void srv_log_text(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x7f) {
			out[n++] = (char)c;
		} else {
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", c);
		}
	}
	out[n] = 0;
}

static void srv_log_request(const struct srv_req *q, const char *method,
			    const char *url, unsigned status)
{
	enum log_level lvl = status >= 500 ? LOG_WARN : LOG_DEBUG;
	char u[256];
	if (lvl < log_min_level) {
		return;
	}
	srv_log_text(url, u, sizeof u);
	log_msg(lvl, "%.10s %s %u %lldus", method, u, status,
		(long long)(srv_now_us() - q->t0_us));
}

static enum MHD_Result srv_queue(struct MHD_Connection *conn,
				 struct srv_req *q, const char *method,
				 const char *url, unsigned status,
				 struct MHD_Response *r)
{
	enum MHD_Result ret;
	srv_security_headers(r);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	if (ret == MHD_YES) {
		q->done = 1;
		srv_log_request(q, method, url, status);
	}
	return ret;
}

/* Queue a JSON reply (or a file reply: out->type); takes out->body. */
static enum MHD_Result srv_send_json(struct MHD_Connection *conn,
				     struct srv_req *q, const char *method,
				     const char *url, struct http_out *out)
{
	struct MHD_Response *r;
	r = MHD_create_response_from_buffer(out->len, out->body,
					    MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(out->body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				out->type ? out->type
					  : "application/json; charset=utf-8");
	if (out->disposition[0]) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
					out->disposition);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (out->cookie[0]) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, out->cookie);
	}
	if (out->allow[0]) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, out->allow);
	}
	return srv_queue(conn, q, method, url, (unsigned)out->status, r);
}

static enum MHD_Result srv_send_text(struct MHD_Connection *conn,
				     struct srv_req *q, const char *method,
				     const char *url, unsigned status,
				     const char *text, const char *allow)
{
	struct MHD_Response *r;
	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_PERSISTENT);
	if (!r) {
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (allow) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	}
	return srv_queue(conn, q, method, url, status, r);
}

static enum MHD_Result srv_too_large(struct MHD_Connection *conn,
				     struct srv_req *q, const char *method,
				     const char *url)
{
	struct http_out out = {0};
	struct err e = ERR_INIT;
	if (!q->api) {
		return srv_send_text(conn, q, method, url, 413,
				     "request body too large\n", NULL);
	}
	err_set(&e, ERR_TOO_LARGE, "", "request body larger than %zu bytes",
		q->limit);
	route_error(&e, &out);
	return srv_send_json(conn, q, method, url, &out);
}

/* First call for a request: headers are in, the body (if any) is not. */
static enum MHD_Result srv_begin(struct MHD_Connection *conn,
				 struct srv_req *q, const char *method,
				 const char *url)
{
	struct http_out out = {0};
	const char *cl;
	if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0) {
		q->api = 1;
		if (route_find(method, url, &q->rt, &out)) {
			return srv_send_json(conn, q, method, url, &out);
		}
		/* File uploads (RF_RAW) may be larger than JSON bodies. */
		q->limit = route_body_max(q->rt);
		q->body.max = q->limit;
	} else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		return srv_send_text(conn, q, method, url, 405,
				     "method not allowed\n", "GET, HEAD");
	}
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > q->limit) {
		q->too_large = 1;
		return srv_too_large(conn, q, method, url);
	}
	return MHD_YES;
}

/* A piece of the body. */
static enum MHD_Result srv_upload(struct MHD_Connection *conn,
				  struct srv_req *q, const char *method,
				  const char *url, const char *data, size_t *n)
{
	if (srv_now_us() - q->t0_us > SRV_REQUEST_TIMEOUT_US) {
		log_msg(LOG_WARN, "request body upload timed out; closing");
		return MHD_NO;
	}
	if (q->done || q->too_large) {
		q->discarded += *n;
		*n = 0;
		return q->discarded > 4 * q->limit ? MHD_NO : MHD_YES;
	}
	if (q->body.n + *n > q->limit) {
		q->too_large = 1;
		q->discarded = *n;
		*n = 0;
		buf_free(&q->body);
		/* Answer now if MHD allows it mid-upload, else at the end. */
		srv_too_large(conn, q, method, url);
		return MHD_YES;
	}
	buf_append(&q->body, data, *n);
	*n = 0;
	if (q->body.err) {
		log_msg(LOG_WARN, "out of memory reading a request body");
		return MHD_NO;
	}
	return MHD_YES;
}

static enum MHD_Result srv_access(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct srv_req *q = *con_cls;
	struct http_out out = {0};
	struct MHD_Response *r;
	unsigned status = 0;
	(void)version;
	if (!q) {
		q = calloc(1, sizeof *q);
		if (!q) {
			return MHD_NO;
		}
		q->t0_us = srv_now_us();
		q->limit = HTTP_BODY_MAX;
		buf_init(&q->body, HTTP_BODY_MAX);
		*con_cls = q;
		return srv_begin(conn, q, method, url);
	}
	if (*upload_size) {
		return srv_upload(conn, q, method, url, upload, upload_size);
	}
	if (q->done) {
		return MHD_YES;
	}
	if (q->too_large) {
		return srv_too_large(conn, q, method, url);
	}
	if (q->api) {
		route_run(q->rt, conn, srv_db(s), method, url, q->body.z, q->body.n,
			  &out);
		return srv_send_json(conn, q, method, url, &out);
	}
	r = assets_respond(s->assets, conn, url, &status);
	return r ? srv_queue(conn, q, method, url, status, r) : MHD_NO;
}

static void srv_completed(void *cls, struct MHD_Connection *conn,
			  void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct srv_req *q = *con_cls;
	(void)cls;
	(void)conn;
	(void)toe;
	if (q) {
		buf_free(&q->body);
		free(q);
		*con_cls = NULL;
	}
}

/* Percent-decoding of the path and the query values (MHD turns '+' into a
 * space in query values first).  %00 is left encoded so that no decoded
 * string can hide a NUL; the dispatcher and assets.c then refuse it. */
static size_t srv_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *w = s;
	const char *p = s;
	(void)cls;
	(void)conn;
	while (*p) {
		if (p[0] == '%' && isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2]) && !(p[1] == '0' && p[2] == '0')) {
			char hex[3] = {p[1], p[2], 0};
			*w++ = (char)strtol(hex, NULL, 16);
			p += 3;
		} else {
			*w++ = *p++;
		}
	}
	*w = 0;
	return (size_t)(w - s);
}

__attribute__((format(printf, 2, 0))) static void
srv_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;
	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n') {
		line[--n] = 0;
	}
	log_msg(LOG_WARN, "microhttpd: %s", line);
}

/* "host:port", "[v6]:port" or ":port" (all IPv4 interfaces). */
static int srv_address(const char *listen, struct sockaddr_storage *ss,
		       int *v6, struct err *e)
{
	char host[256];
	const char *colon = listen ? strrchr(listen, ':') : NULL;
	struct addrinfo hints, *res = NULL;
	size_t hl;
	int rc;
	if (!colon || !colon[1]) {
		return err_set(e, ERR_INVALID, "listen",
			       "listen address must be HOST:PORT, not \"%s\"",
			       listen ? listen : "");
	}
	hl = (size_t)(colon - listen);
	if (hl >= sizeof host) {
		return err_set(e, ERR_INVALID, "listen", "host name too long");
	}
	memcpy(host, listen, hl);
	host[hl] = 0;
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = 0;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host[0] ? host : "0.0.0.0", colon + 1, &hints, &res);
	if (rc != 0 || !res) {
		return err_set(e, ERR_INVALID, "listen", "cannot use %s: %s", listen,
			       gai_strerror(rc));
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

/* The port of the bound address (MHD reports it in its messages). */
static uint16_t srv_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6) {
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	}
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* Warming, on a thread of its own from the start: the member totals index
 * and today's structure are built by asking what the statistics page
 * asks first (the whole tree today, breakdowns and the children), so that
 * the first user does not wait for them (seconds on national data).  The
 * server answers meanwhile; a question that needs the index while it is
 * being built waits for the same build.  Shutdown waits for the warming. */
static void *srv_warm(void *arg)
{
	const struct server *s = arg;
	struct member_stats_query q = {.breakdowns = 1, .children = 1};
	struct err e = ERR_INIT;
	struct db *db;
	struct cx cx;
	json_t *out = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (db_open(s->cfg->db_url, &db, &e)) {
		log_msg(LOG_WARN, "warming the member totals: %s", e.msg);
		return NULL;
	}
	cx_init_system(&cx, db);
	if (member_stats(&cx, &q, &out, &e) < 0) {
		log_msg(LOG_WARN, "warming the member totals: %s", e.msg);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_msg(LOG_INFO, "member totals ready: %lld members (%.2f s)",
			(long long)json_integer_value(json_object_get(out, "members")),
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	json_decref(out);
	db_close(db);
	return NULL;
}

static int srv_migrate(const char *url, struct err *e)
{
	struct db *db;
	int applied = 0, rc;
	if (db_open(url, &db, e)) {
		return -1;
	}
	rc = db_migrate(db, &applied, e);
	db_close(db);
	if (rc == 0 && applied) {
		log_msg(LOG_INFO, "applied %d migration(s)", applied);
	}
	return rc;
}

int http_serve(const struct http_config *cfg, struct err *e)
{
	struct server s = {.cfg = cfg};
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	struct MHD_OptionItem pool[2];
	sigset_t block, wait_set, old;
	pthread_t warm;
	unsigned threads;
	int v6 = 0, sig = 0, warming;
	long ncpu;
	if (srv_address(cfg->listen, &ss, &v6, e) || srv_migrate(cfg->db_url, e) ||
	    assets_open(cfg->web_dir, &s.assets, e)) {
		return -1;
	}
	if (pthread_key_create(&s.db_key, srv_db_destroy) != 0) {
		assets_close(s.assets);
		return err_set(e, ERR_INTERNAL, "", "cannot create a thread key");
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	threads = cfg->threads > 0 ? (unsigned)cfg->threads
				   : (unsigned)(ncpu > 0 ? ncpu : 2);
	/* MHD wants no pool option at all for a single thread. */
	pool[0] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
					  (intptr_t)threads, NULL};
	pool[threads > 1 ? 1 : 0] =
		(struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	sigemptyset(&wait_set);
	sigaddset(&wait_set, SIGINT);
	sigaddset(&wait_set, SIGTERM);
	block = wait_set;
	sigaddset(&block, SIGPIPE);
	/* Workers inherit the mask, so only sigwait() below sees the signals. */
	pthread_sigmask(SIG_BLOCK, &block, &old);
	errno = 0;
	d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
			MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0),
		srv_port(&ss), NULL, NULL, srv_access, &s,
		MHD_OPTION_EXTERNAL_LOGGER, srv_mhd_log, (void *)NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_ARRAY, pool,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SRV_CONN_TIMEOUT_S,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)SRV_CONN_LIMIT,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_CONN_MEMORY,
		MHD_OPTION_NOTIFY_COMPLETED, srv_completed, (void *)&s,
		MHD_OPTION_UNESCAPE_CALLBACK, srv_unescape, (void *)NULL,
		MHD_OPTION_END);
	if (!d) {
		int err = errno;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		pthread_key_delete(s.db_key);
		assets_close(s.assets);
		return err_set(e, ERR_INTERNAL, "listen", "cannot listen on %s%s%s",
			       cfg->listen, err ? ": " : "", err ? strerror(err) : "");
	}
	log_msg(LOG_INFO, "listening on http://%s (%u threads)", cfg->listen,
		threads);
	warming = !cfg->no_warm && pthread_create(&warm, NULL, srv_warm, &s) == 0;
	while (sigwait(&wait_set, &sig) != 0) {
	}
	log_msg(LOG_INFO, "signal %d: shutting down", sig);
	MHD_stop_daemon(d); /* closes every connection, joins the workers */
	if (warming) {
		pthread_join(warm, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_key_delete(s.db_key);
	assets_close(s.assets);
	log_msg(LOG_INFO, "stopped");
	return 0;
}
