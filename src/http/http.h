/*
 * http.h — the HTTP face: the JSON API (/api/v1, docs/api.md) and the web UI
 * on libmicrohttpd.  The only entry point other faces need.
 */
#ifndef CADRE_HTTP_H
#define CADRE_HTTP_H

#include "base/err.h"

struct http_config {
	const char *db_url;  /* SQLite path or postgresql:// URL */
	const char *listen;  /* "127.0.0.1:8080" */
	const char *web_dir; /* serve web/ from disk; NULL = embedded copy */
	int threads;	     /* worker threads; 0 = number of CPUs */
	int no_warm;	     /* 1: do not build the member totals at start */
};

/* Serve until SIGINT or SIGTERM; returns 0 after a clean shutdown, or <0
 * with e filled when it cannot start (port busy, database unreachable). */
int http_serve(const struct http_config *cfg, struct err *e);

#endif
