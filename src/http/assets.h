/*
 * assets.h — the web UI's static files, from the copy embedded in the
 * binary (base/embed.h) or from a directory on disk (--web DIR).
 */
#ifndef CADRE_HTTP_ASSETS_H
#define CADRE_HTTP_ASSETS_H

#include <microhttpd.h>

#include "base/err.h"

struct assets;

/* Prepare serving from web_dir (NULL = the embedded copy): resolves the
 * directory and computes the embedded files' ETags.  Free with
 * assets_close(). */
int assets_open(const char *web_dir, struct assets **out, struct err *e);
void assets_close(struct assets *a);

/* The response to GET/HEAD of a non-API URL (already percent-decoded):
 * the file, 304 when If-None-Match matches, index.html for paths that look
 * like UI routes (no extension), 404 otherwise — and always 404 for paths
 * that try to leave the web directory.  Sets *status; NULL when out of
 * memory.  The caller adds the security headers and queues it. */
struct MHD_Response *assets_respond(const struct assets *a,
				    struct MHD_Connection *conn,
				    const char *url, unsigned *status);

#endif
