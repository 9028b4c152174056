/*
 * assets.c — serves the web UI's static files: from embed_web[] (compiled
 * in) or, with --web DIR, from disk.  Owns path safety: a request path is
 * refused (404) when it has a ".." or any dot-segment, a backslash, a
 * leftover '%' (double encoding, %00), control bytes or invalid UTF-8, and
 * on disk the resolved realpath must lie under the web directory.  Unknown
 * extension-less paths get index.html (the UI routes on the client).
 * Never serves anything under /api/ (the dispatcher owns that).
 */
#include "http/assets.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/utf8.h"

#define ASSET_PATH_MAX 1024

struct assets {
	char *dir;	    /* realpath of the web directory; NULL = embedded */
	size_t dir_len;
	char (*etags)[24]; /* one per embed_web[] file */
};

static const struct {
	const char *ext, *type;
} asset_types[] = {
	{"html", "text/html; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"json", "application/json; charset=utf-8"},
	{"map", "application/json; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"ico", "image/x-icon"},
	{"woff2", "font/woff2"},
	{"txt", "text/plain; charset=utf-8"},
	{"webmanifest", "application/manifest+json"},
};

static const char *assets_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/')) {
		for (size_t i = 0; i < sizeof asset_types / sizeof asset_types[0];
		     i++) {
			if (strcmp(dot + 1, asset_types[i].ext) == 0) {
				return asset_types[i].type;
			}
		}
	}
	return "application/octet-stream";
}

/* FNV-1a 64: a content fingerprint for ETags (not a security hash). */
static uint64_t assets_fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ p[i]) * 1099511628211ULL;
	}
	return h;
}

int assets_open(const char *web_dir, struct assets **out, struct err *e)
{
	struct assets *a = calloc(1, sizeof *a);
	*out = NULL;
	if (!a) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (web_dir) {
		a->dir = realpath(web_dir, NULL);
		if (!a->dir) {
			free(a);
			return err_set(e, ERR_INVALID, "web", "no web directory %s",
				       web_dir);
		}
		a->dir_len = strlen(a->dir);
	} else {
		a->etags = calloc(embed_web_count + 1, sizeof *a->etags);
		if (!a->etags) {
			free(a);
			return err_set(e, ERR_INTERNAL, "", "out of memory");
		}
		for (size_t i = 0; i < embed_web_count; i++) {
			snprintf(a->etags[i], sizeof a->etags[i], "\"%016llx\"",
				 (unsigned long long)assets_fnv(embed_web[i].data,
								embed_web[i].len));
		}
	}
	*out = a;
	return 0;
}

void assets_close(struct assets *a)
{
	if (a) {
		free(a->dir);
		free(a->etags);
		free(a);
	}
}

/* 1 if url ("/…", decoded) is a safe relative file path below the root. */
static int assets_path_ok(const char *url)
{
	size_t n = strlen(url);
	const char *seg;
	if (url[0] != '/' || n > ASSET_PATH_MAX || !utf8_valid(url, n)) {
		return 0;
	}
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\' || *p == '%') {
			return 0;
		}
	}
	for (seg = url + 1;;) {
		const char *end = strchrnul(seg, '/');
		if (end == seg && *end) {
			return 0; /* "//" */
		}
		if (end > seg && seg[0] == '.') {
			return 0; /* ".", "..", hidden files */
		}
		if (!*end) {
			return 1;
		}
		seg = end + 1;
	}
}

static void assets_common(struct MHD_Response *r, const char *etag)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
}

static int assets_etag_match(struct MHD_Connection *conn, const char *etag)
{
	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_IF_NONE_MATCH);
	return inm && (strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL);
}

static struct MHD_Response *assets_not_modified(const char *etag,
						unsigned *status)
{
	struct MHD_Response *r;
	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r) {
		assets_common(r, etag);
	}
	*status = MHD_HTTP_NOT_MODIFIED;
	return r;
}

/* rel: "index.html", "js/app.js".  NULL and *status 404 when absent. */
static struct MHD_Response *assets_embedded(const struct assets *a,
					    struct MHD_Connection *conn,
					    const char *rel, unsigned *status)
{
	struct MHD_Response *r;
	for (size_t i = 0; i < embed_web_count; i++) {
		const struct embed_file *f = &embed_web[i];
		if (strcmp(f->path, rel) != 0) {
			continue;
		}
		if (assets_etag_match(conn, a->etags[i])) {
			return assets_not_modified(a->etags[i], status);
		}
		r = MHD_create_response_from_buffer(f->len, (void *)f->data,
						    MHD_RESPMEM_PERSISTENT);
		if (r) {
			assets_common(r, a->etags[i]);
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
						assets_type(rel));
		}
		*status = MHD_HTTP_OK;
		return r;
	}
	*status = MHD_HTTP_NOT_FOUND;
	return NULL;
}

static struct MHD_Response *assets_disk(const struct assets *a,
					struct MHD_Connection *conn,
					const char *rel, unsigned *status)
{
	char path[PATH_MAX], etag[48], *real;
	struct MHD_Response *r;
	struct stat st;
	int fd;
	*status = MHD_HTTP_NOT_FOUND;
	if (snprintf(path, sizeof path, "%s/%s", a->dir, rel) >= (int)sizeof path) {
		return NULL;
	}
	real = realpath(path, NULL);
	if (!real) {
		return NULL;
	}
	if (strncmp(real, a->dir, a->dir_len) != 0 || real[a->dir_len] != '/') {
		free(real);
		return NULL;
	}
	fd = open(real, O_RDONLY | O_CLOEXEC);
	free(real);
	if (fd < 0) {
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
			 (unsigned long long)st.st_mtim.tv_nsec);
	if (assets_etag_match(conn, etag)) {
		close(fd);
		return assets_not_modified(etag, status);
	}
	r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		return NULL;
	}
	assets_common(r, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, assets_type(rel));
	*status = MHD_HTTP_OK;
	return r;
}

static struct MHD_Response *assets_find(const struct assets *a,
					struct MHD_Connection *conn,
					const char *rel, unsigned *status)
{
	return a->dir ? assets_disk(a, conn, rel, status)
		      : assets_embedded(a, conn, rel, status);
}

static struct MHD_Response *assets_404(unsigned *status)
{
	static const char msg[] = "not found\n";
	struct MHD_Response *r;
	r = MHD_create_response_from_buffer(sizeof msg - 1, (void *)msg,
					    MHD_RESPMEM_PERSISTENT);
	if (r) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					"text/plain; charset=utf-8");
	}
	*status = MHD_HTTP_NOT_FOUND;
	return r;
}

struct MHD_Response *assets_respond(const struct assets *a,
				    struct MHD_Connection *conn,
				    const char *url, unsigned *status)
{
	struct MHD_Response *r;
	const char *rel, *last;
	if (!assets_path_ok(url)) {
		return assets_404(status);
	}
	/* The public verification page, served without login: /verify and
	 * /verify/<code> get verify.html (its own page), not index.html. */
	if (strcmp(url, "/verify") == 0 ||
	    (strncmp(url, "/verify/", 8) == 0 && !strchr(url + 8, '/'))) {
		r = assets_find(a, conn, "verify.html", status);
		return r || *status != MHD_HTTP_NOT_FOUND ? r : assets_404(status);
	}
	rel = url + 1;
	if (*rel && rel[strlen(rel) - 1] != '/') {
		r = assets_find(a, conn, rel, status);
		if (r || *status != MHD_HTTP_NOT_FOUND) {
			return r;
		}
		last = strrchr(url, '/') + 1;
		if (strchr(last, '.')) {
			return assets_404(status); /* a missing file, not a route */
		}
	}
	r = assets_find(a, conn, "index.html", status);
	return r || *status != MHD_HTTP_NOT_FOUND ? r : assets_404(status);
}
