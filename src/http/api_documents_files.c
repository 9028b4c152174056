/*
 * api_documents_files.c — files in and out of the documents API
 * (docs/api.md "Documents"): the register export (as JSON with the file in
 * base64, or as the file itself for a download link) and the stored file
 * versions of a document (list, upload, base64, download, signature
 * check).  Handlers of routes_documents (api_documents.c), as thin as
 * theirs: one domain function of doc*.h / sign.h each, which checks every
 * right; this file only moves bytes and names the files it serves.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/doc.h"
#include "domain/doc_file.h"
#include "domain/doc_search.h"
#include "http/route.h"
#include "sign/sign.h"

/* Base64 (standard alphabet) of bytes into a new JSON string. */
static json_t *base64_json(const unsigned char *p, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(len);
	json_t *j;
	if (!s) {
		return NULL;
	}
	sodium_bin2base64(s, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	j = json_string(s);
	free(s);
	return j;
}

/* Serve data (handed over: the dispatcher frees it) as a file reply
 * (route.h): Content-Type type, a static string; Content-Disposition
 * attachment with the file name name, already made of [A-Za-z0-9._-]. */
static void reply_file(struct http_req *r, char *data, size_t n, const char *type,
		       const char *name)
{
	r->file = data;
	r->file_len = n;
	r->file_type = type;
	snprintf(r->file_name, sizeof r->file_name, "%s", name);
}

/* ---- the register as a file ---- */

static const char mime_csv[] = "text/csv; charset=utf-8";
static const char mime_xlsx[] =
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/* The year of the request's register: ?year=, else the current one. */
static int q_year(struct http_req *r)
{
	int64_t year = req_q_int(r, "year");
	char today[11];
	if (year == 0) {
		date_today(today);
		year = strtol(today, NULL, 10);
	}
	return (int)year;
}

/* The register export of the request (unit, kind, year, format csv|xlsx)
 * into *buf and *len, with its file name and media type. */
static int register_file(struct http_req *r, const char *fmt, char **buf,
			 size_t *len, char name[96], const char **mime,
			 struct err *e)
{
	const char *kind = req_q_str(r, "kind");
	int64_t unit = req_q_int(r, "unit");
	int year = q_year(r);
	FILE *fp;
	int rc, xlsx = fmt && (strcmp(fmt, "xlsx") == 0 || strcmp(fmt, "XLSX") == 0);
	*buf = NULL;
	*len = 0;
	if (!(fp = open_memstream(buf, len))) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	rc = doc_register_export(&r->cx, unit, kind ? kind : "out", year,
				 fmt ? fmt : "csv", fp, e);
	if (fclose(fp) != 0 && rc == 0) {
		rc = err_set(e, ERR_INTERNAL, "", "cannot write the export");
	}
	if (rc) {
		free(*buf);
		*buf = NULL;
		return rc;
	}
	snprintf(name, 96, "so-van-ban-%s-%lld.%s",
		 kind && strcmp(kind, "in") == 0 ? "den" : "di", (long long)year,
		 xlsx ? "xlsx" : "csv");
	*mime = xlsx ? mime_xlsx : mime_csv;
	return 0;
}

int api_documents_register(struct http_req *r, struct err *e)
{
	const char *fmt = req_q_str(r, "format"), *kind = req_q_str(r, "kind"), *mime;
	char *buf = NULL, name[96];
	size_t len = 0;
	int rc;
	if (!fmt || strcmp(fmt, "json") == 0) {
		return doc_register(&r->cx, req_q_int(r, "unit"), kind ? kind : "out", q_year(r),
				    &r->out, e);
	}
	rc = register_file(r, fmt, &buf, &len, name, &mime, e);
	if (rc == 0) {
		r->out = json_pack("{ss ss sI so}", "name", name, "mime", mime, "size",
				   (json_int_t)len, "content_base64",
				   base64_json((const unsigned char *)buf, len));
	}
	free(buf);
	return rc;
}

/* The register as the file itself (CSV or XLSX), for a download link. */
int api_documents_register_download(struct http_req *r, struct err *e)
{
	const char *fmt = req_q_str(r, "format"), *mime;
	char *buf = NULL, name[96];
	size_t len = 0;
	int rc;
	if (fmt && strcmp(fmt, "json") == 0) {
		return err_set(e, ERR_INVALID, "format", "format is csv or xlsx");
	}
	if ((rc = register_file(r, fmt, &buf, &len, name, &mime, e)) == 0) {
		reply_file(r, buf, len, mime, name);
	}
	return rc;
}

/* ---- the stored files of a document ---- */

int api_documents_versions(struct http_req *r, struct err *e)
{
	return doc_file_versions(&r->cx, r->id, &r->out, e);
}

int api_documents_upload(struct http_req *r, struct err *e)
{
	const char *mime = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONTENT_TYPE);
	int rc = doc_file_add(&r->cx, r->id, req_q_str(r, "slot"), req_q_str(r, "name"),
			      mime, r->raw, r->raw_len, &r->out, e);
	if (rc == 0) {
		r->status = 201;
	}
	return rc;
}

/* doc_file_get of the version the request names (?slot=, ?version=: 0 or
 * absent = the latest): the bytes and the version JSON, the caller's. */
static int file_of_request(struct http_req *r, unsigned char **data, size_t *n, json_t **meta,
			   struct err *e)
{
	return doc_file_get(&r->cx, r->id, req_q_str(r, "slot"), req_q_int(r, "version"), data, n,
			    meta, e);
}

int api_documents_file(struct http_req *r, struct err *e)
{
	unsigned char *data = NULL;
	size_t n = 0;
	json_t *meta = NULL;
	int rc = file_of_request(r, &data, &n, &meta, e);
	if (rc == 0) {
		r->out = json_pack("{so so}", "version", meta, "content_base64",
				   base64_json(data, n));
	}
	free(data);
	return rc;
}

/* The media types a stored file is served with: a fixed set (the
 * dispatcher wants a static string, and nothing a user uploaded is ever
 * served as HTML or script); anything else is application/octet-stream. */
static const char *const file_types[] = {
	"application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv",
	"application/zip", "application/msword", "application/vnd.ms-excel",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
};

static const char *file_type(const char *mime)
{
	for (size_t i = 0; mime && i < sizeof file_types / sizeof file_types[0]; i++) {
		if (strcmp(mime, file_types[i]) == 0) {
			return file_types[i];
		}
	}
	return "application/octet-stream";
}

/* A file name for Content-Disposition: the stored name without case or
 * diacritics (đ → d), spaces as '-', only [A-Za-z0-9._-] kept; out holds
 * at most 100 characters.  Falls back to van-ban-ID-VERSION. */
static void download_name(const char *stored, int64_t id, json_int_t version,
			  char *out, size_t cap)
{
	char *f = utf8_fold(stored ? stored : "");
	size_t k = 0;
	for (const char *p = f ? f : ""; *p && k + 1 < cap && k < 100; p++) {
		char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
			out[k++] = c;
		} else if ((c == ' ' || c == '\t') && k > 0 && out[k - 1] != '-') {
			out[k++] = '-';
		}
	}
	out[k] = 0;
	free(f);
	if (k == 0 || out[0] == '.') {
		snprintf(out, cap, "van-ban-%lld-%lld", (long long)id, (long long)version);
	}
}

/* A version of a file as the file itself, for a download link. */
int api_documents_download(struct http_req *r, struct err *e)
{
	unsigned char *data = NULL;
	size_t n = 0;
	json_t *meta = NULL;
	int rc = file_of_request(r, &data, &n, &meta, e);
	if (rc == 0) {
		char name[sizeof r->file_name];
		download_name(json_string_value(json_object_get(meta, "name")), r->id,
			      json_integer_value(json_object_get(meta, "version")), name,
			      sizeof name);
		reply_file(r, (char *)data, n,
			   file_type(json_string_value(json_object_get(meta, "mime"))), name);
		data = NULL;
	}
	json_decref(meta);
	free(data);
	return rc;
}

int api_documents_verify(struct http_req *r, struct err *e)
{
	unsigned char *data = NULL;
	size_t n = 0;
	json_t *meta = NULL, *report = NULL;
	int rc = doc_file_get(&r->cx, r->id, DOC_SLOT_MAIN, 0, &data, &n, &meta, e);
	if (rc == 0 && (rc = sign_verify_pdf(r->cx.db, NULL, data, n, &report, e)) == 0) {
		json_object_set_new(report, "version", meta);
		meta = NULL;
		r->out = report;
	}
	json_decref(meta);
	free(data);
	return rc;
}
