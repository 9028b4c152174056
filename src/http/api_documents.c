/*
 * api_documents.c — the documents API (docs/api.md "Documents"): the route
 * table routes_documents and its thin handlers.  Each handler reads its
 * parsed input (typed query parameters, JSON body fields, or the raw bytes
 * of an upload), calls one domain function of doc*.h and returns its JSON.
 * Files in and out (the register export, a document's stored file versions,
 * downloads, the signature check) are in api_documents_files.c.  No SQL, no
 * business rule, no permission decision here: the domain checks every right.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "domain/doc.h"
#include "domain/doc_flow.h"
#include "domain/doc_search.h"
#include "domain/doc_signers.h"
#include "http/route.h"

/* api_documents_files.c */
int api_documents_register(struct http_req *r, struct err *e);
int api_documents_register_download(struct http_req *r, struct err *e);
int api_documents_versions(struct http_req *r, struct err *e);
int api_documents_upload(struct http_req *r, struct err *e);
int api_documents_file(struct http_req *r, struct err *e);
int api_documents_download(struct http_req *r, struct err *e);
int api_documents_verify(struct http_req *r, struct err *e);

/* --- body helpers --- */

static int body_int(struct http_req *r, const char *key, int64_t *out,
		    struct err *e)
{
	json_t *v = json_object_get(r->body, key);
	if (!v || json_is_null(v)) {
		return 0;
	}
	if (!json_is_integer(v)) {
		return err_set(e, ERR_BAD_REQUEST, key, "%s must be an integer", key);
	}
	*out = json_integer_value(v);
	return 0;
}

static int body_bool(struct http_req *r, const char *key, int *out,
		     struct err *e)
{
	json_t *v = json_object_get(r->body, key);
	if (!v || json_is_null(v)) {
		return 0;
	}
	if (!json_is_boolean(v)) {
		return err_set(e, ERR_BAD_REQUEST, key, "%s must be true or false", key);
	}
	*out = json_is_true(v);
	return 0;
}

static int body_num(struct http_req *r, const char *key, double *out,
		    struct err *e)
{
	json_t *v = json_object_get(r->body, key);
	if (!v || json_is_null(v)) {
		return 0;
	}
	if (!json_is_number(v)) {
		return err_set(e, ERR_BAD_REQUEST, key, "%s must be a number", key);
	}
	*out = json_number_value(v);
	return 0;
}

/* An array of positive ids → *ids (malloc'd, caller frees); *set = 1 when
 * the key is present. */
static int body_ids(struct http_req *r, const char *key, int max, int64_t **ids,
		    int *n, int *set, struct err *e)
{
	json_t *a = json_object_get(r->body, key), *v;
	size_t i;
	*ids = NULL;
	*n = 0;
	if (set) {
		*set = a != NULL;
	}
	if (!a || json_is_null(a)) {
		return 0;
	}
	if (!json_is_array(a)) {
		return err_set(e, ERR_BAD_REQUEST, key, "%s must be an array of ids", key);
	}
	if (json_array_size(a) > (size_t)max) {
		return err_set(e, ERR_INVALID, key, "%s has at most %d entries", key, max);
	}
	*ids = calloc(json_array_size(a) + 1, sizeof **ids);
	if (!*ids) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			free(*ids);
			*ids = NULL;
			return err_set(e, ERR_BAD_REQUEST, key,
				       "%s must be an array of positive ids", key);
		}
		(*ids)[(*n)++] = json_integer_value(v);
	}
	return 0;
}

/* "signers": [{"user_id", "title"} or a bare id…]. */
static int body_signers(struct http_req *r, struct doc_signer_in **out, int *n,
			int *set, struct err *e)
{
	json_t *a = json_object_get(r->body, "signers"), *v;
	size_t i;
	*out = NULL;
	*n = 0;
	*set = a != NULL;
	if (!a || json_is_null(a)) {
		return 0;
	}
	if (!json_is_array(a) || json_array_size(a) > DOC_MAX_SIGNERS) {
		return err_set(e, ERR_BAD_REQUEST, "signers",
			       "signers must be an array of at most %d signers",
			       DOC_MAX_SIGNERS);
	}
	*out = calloc(json_array_size(a) + 1, sizeof **out);
	if (!*out) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	json_array_foreach(a, i, v) {
		json_t *uid = json_is_object(v) ? json_object_get(v, "user_id") : v;
		json_t *title = json_is_object(v) ? json_object_get(v, "title") : NULL;
		if (!json_is_integer(uid) || (title && !json_is_string(title) &&
					      !json_is_null(title))) {
			free(*out);
			*out = NULL;
			return err_set(e, ERR_BAD_REQUEST, "signers",
				       "a signer is a user id or {\"user_id\", \"title\"}");
		}
		(*out)[i].user_id = json_integer_value(uid);
		(*out)[i].title = json_string_value(title);
		(*n)++;
	}
	return 0;
}

/* "links": [{"kind", "to"}…]. */
static int body_links(struct http_req *r, struct doc_link_in **out, int *n,
		      int *set, struct err *e)
{
	json_t *a = json_object_get(r->body, "links"), *v;
	size_t i;
	*out = NULL;
	*n = 0;
	*set = a != NULL;
	if (!a || json_is_null(a)) {
		return 0;
	}
	if (!json_is_array(a) || json_array_size(a) > DOC_MAX_LINKS) {
		return err_set(e, ERR_BAD_REQUEST, "links",
			       "links must be an array of at most %d links", DOC_MAX_LINKS);
	}
	*out = calloc(json_array_size(a) + 1, sizeof **out);
	if (!*out) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	json_array_foreach(a, i, v) {
		json_t *k = json_object_get(v, "kind"), *to = json_object_get(v, "to");
		if (!json_is_string(k) || !json_is_integer(to)) {
			free(*out);
			*out = NULL;
			return err_set(e, ERR_BAD_REQUEST, "links",
				       "a link is {\"kind\": \"implements|replaces|answers\", "
				       "\"to\": document id}");
		}
		(*out)[i].kind = json_string_value(k);
		(*out)[i].to = json_integer_value(to);
		(*n)++;
	}
	return 0;
}

/* A base64 body field decoded (malloc'd) or NULL when absent. */
static int body_base64(struct http_req *r, const char *key, unsigned char **out,
		       size_t *n, struct err *e)
{
	const char *s;
	size_t cap;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = req_body_str(r, key, 0, HTTP_BODY_MAX, &s, e)) || !s) {
		return rc;
	}
	cap = strlen(s) / 4 * 3 + 3;
	if (!(*out = malloc(cap))) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (sodium_base642bin(*out, cap, s, strlen(s), "\n\r ", n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(*out);
		*out = NULL;
		return err_set(e, ERR_BAD_REQUEST, key, "%s is not valid base64", key);
	}
	return 0;
}

/* Reply with the whole document (after a step). */
static int reply_doc(struct http_req *r, int64_t id, int status, struct err *e)
{
	int rc = doc_get(&r->cx, id, &r->out, e);
	if (rc == 0) {
		r->status = status;
	}
	return rc;
}

/* --- configuration --- */

static int h_types(struct http_req *r, struct err *e)
{
	return doc_types(&r->cx, req_q_str(r, "org"), &r->out, e);
}

static int h_type_add(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"org", "code", "symbol_code", "name_vi",
					   "name_en", "series_group", NULL};
	struct doc_type_new t;
	int rc;
	memset(&t, 0, sizeof t);
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_str(r, "org", 1, 16, &t.org, e)) ||
	    (rc = req_body_str(r, "code", 1, 48, &t.code, e)) ||
	    (rc = req_body_str(r, "symbol_code", 0, 48, &t.symbol_code, e)) ||
	    (rc = req_body_str(r, "name_vi", 1, 800, &t.name_vi, e)) ||
	    (rc = req_body_str(r, "name_en", 0, 800, &t.name_en, e)) ||
	    (rc = req_body_str(r, "series_group", 0, 48, &t.series_group, e)) ||
	    (rc = doc_type_add(&r->cx, &t, e))) {
		return rc;
	}
	r->status = 201;
	return doc_types(&r->cx, t.org, &r->out, e);
}

static int h_issuers(struct http_req *r, struct err *e)
{
	return doc_issuers(&r->cx, &r->out, e);
}

static int h_issuer_set(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"unit_id", "org", "symbol", "term_unit_id",
					   NULL};
	struct doc_issuer_set s;
	int rc;
	memset(&s, 0, sizeof s);
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_id(r, "unit_id", 1, &s.unit_id, e)) ||
	    (rc = req_body_str(r, "org", 1, 16, &s.org, e)) ||
	    (rc = req_body_str(r, "symbol", 1, 60, &s.symbol, e)) ||
	    (rc = body_int(r, "term_unit_id", &s.term_unit_id, e)) ||
	    (rc = doc_issuer_set(&r->cx, &s, e))) {
		return rc;
	}
	return doc_issuers(&r->cx, &r->out, e);
}

static int h_terms(struct http_req *r, struct err *e)
{
	int64_t unit = req_q_int(r, "unit");
	if (unit <= 0) {
		return err_set(e, ERR_BAD_REQUEST, "unit", "unit is required");
	}
	return doc_terms(&r->cx, unit, &r->out, e);
}

static int h_term_add(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"unit_id", "name", "start_date", NULL};
	const char *name, *start;
	int64_t unit, id;
	int rc;
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_id(r, "unit_id", 1, &unit, e)) ||
	    (rc = req_body_str(r, "name", 0, 800, &name, e)) ||
	    (rc = req_body_str(r, "start_date", 1, 10, &start, e)) ||
	    (rc = doc_term_add(&r->cx, unit, name, start, &id, e))) {
		return rc;
	}
	r->status = 201;
	return doc_terms(&r->cx, unit, &r->out, e);
}

static int h_policies(struct http_req *r, struct err *e)
{
	return doc_orgs(&r->cx, &r->out, e);
}

static int h_policy_set(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"org", "style", "pad", "reset",
					   "secret_series", NULL};
	struct doc_org_policy p;
	int64_t pad = 2;
	int rc;
	memset(&p, 0, sizeof p);
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_str(r, "org", 1, 16, &p.org, e)) ||
	    (rc = req_body_str(r, "style", 1, 8, &p.style, e)) ||
	    (rc = body_int(r, "pad", &pad, e)) ||
	    (rc = req_body_str(r, "reset", 1, 8, &p.reset, e)) ||
	    (rc = body_bool(r, "secret_series", &p.secret_series, e))) {
		return rc;
	}
	p.pad = pad > 0 && pad < 100 ? (int)pad : 0;
	if ((rc = doc_org_set(&r->cx, &p, e))) {
		return rc;
	}
	return doc_orgs(&r->cx, &r->out, e);
}

static int h_number(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"issuer_id", "type", "date", "confidential",
					   "subject", NULL};
	struct doc_number_req q;
	int rc;
	memset(&q, 0, sizeof q);
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_id(r, "issuer_id", 1, &q.issuer_id, e)) ||
	    (rc = req_body_str(r, "type", 1, 48, &q.type, e)) ||
	    (rc = req_body_str(r, "date", 0, 10, &q.date, e)) ||
	    (rc = body_bool(r, "confidential", &q.confidential, e)) ||
	    (rc = req_body_str(r, "subject", 0, 4000, &q.subject, e)) ||
	    (rc = doc_number(&r->cx, &q, &r->out, e))) {
		return rc;
	}
	r->status = 201;
	return 0;
}

/* --- who may sign --- */

static int h_signers(struct http_req *r, struct err *e)
{
	return doc_signers(&r->cx, req_q_int(r, "unit"), req_q_str(r, "q"),
			   (int)req_q_int(r, "limit"), &r->out, e);
}

/* --- the register --- */

static int h_list(struct http_req *r, struct err *e)
{
	struct doc_query q;
	memset(&q, 0, sizeof q);
	q.q = req_q_str(r, "q");
	q.unit = req_q_int(r, "unit");
	q.type = req_q_str(r, "type");
	q.from = req_q_str(r, "from");
	q.to = req_q_str(r, "to");
	q.status = req_q_str(r, "status");
	q.limit = (int)req_q_int(r, "limit");
	q.offset = (int)req_q_int(r, "offset");
	return doc_search(&r->cx, &q, &r->out, e);
}

static int h_overdue(struct http_req *r, struct err *e)
{
	struct doc_query q;
	memset(&q, 0, sizeof q);
	q.overdue = 1;
	q.unit = req_q_int(r, "unit");
	q.limit = (int)req_q_int(r, "limit");
	q.offset = (int)req_q_int(r, "offset");
	return doc_search(&r->cx, &q, &r->out, e);
}

static int h_create(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {
		"direction", "issuer_id", "owner_id", "issuer_name", "issuer_org",
		"type", "subject", "secrecy", "urgency", "symbol", "date", "received",
		"reply_due", "route_mode", "reviewer_id", "signers", "recipients",
		"links", NULL};
	struct doc_new d;
	struct doc_signer_in *s = NULL;
	struct doc_link_in *l = NULL;
	int64_t *rc_ids = NULL, id = 0;
	int set, rc;
	memset(&d, 0, sizeof d);
	rc = req_body_keys(r, keys, e);
	if (rc == 0 && ((rc = req_body_str(r, "direction", 0, 3, &d.direction, e)) ||
			(rc = req_body_id(r, "issuer_id", 0, &d.issuer_id, e)) ||
			(rc = req_body_id(r, "owner_id", 0, &d.owner_id, e)) ||
			(rc = req_body_str(r, "issuer_name", 0, 800, &d.issuer_name, e)) ||
			(rc = req_body_str(r, "issuer_org", 0, 16, &d.issuer_org, e)) ||
			(rc = req_body_str(r, "type", 1, 48, &d.type, e)) ||
			(rc = req_body_str(r, "subject", 1, 4000, &d.subject, e)) ||
			(rc = req_body_str(r, "secrecy", 0, 16, &d.secrecy, e)) ||
			(rc = req_body_str(r, "urgency", 0, 16, &d.urgency, e)) ||
			(rc = req_body_str(r, "symbol", 0, DOCNUM_MAX, &d.symbol, e)) ||
			(rc = req_body_str(r, "date", 0, 10, &d.date, e)) ||
			(rc = req_body_str(r, "received", 0, 10, &d.received, e)) ||
			(rc = req_body_str(r, "reply_due", 0, 10, &d.reply_due, e)) ||
			(rc = req_body_str(r, "route_mode", 0, 16, &d.route_mode, e)) ||
			(rc = req_body_id(r, "reviewer_id", 0, &d.reviewer_id, e)))) {
		return rc;
	}
	if (rc == 0) {
		rc = body_signers(r, &s, &d.n_signers, &set, e);
	}
	if (rc == 0) {
		rc = body_ids(r, "recipients", DOC_MAX_RECIPIENTS, &rc_ids,
			      &d.n_recipients, NULL, e);
	}
	if (rc == 0) {
		rc = body_links(r, &l, &d.n_links, &set, e);
	}
	if (rc == 0) {
		d.signers = s;
		d.recipients = rc_ids;
		d.links = l;
		rc = doc_create(&r->cx, &d, &id, e);
	}
	free(s);
	free(rc_ids);
	free(l);
	return rc ? rc : reply_doc(r, id, 201, e);
}

static int h_get(struct http_req *r, struct err *e)
{
	return doc_get(&r->cx, r->id, &r->out, e);
}

static int h_update(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"rev", "subject", "secrecy", "urgency",
					   "reply_due", "recipients", "links", NULL};
	struct doc_edit ed;
	struct doc_link_in *l = NULL;
	int64_t *ids = NULL;
	int rc;
	memset(&ed, 0, sizeof ed);
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_id(r, "rev", 1, &ed.rev, e)) ||
	    (rc = req_body_str(r, "subject", 0, 4000, &ed.subject, e)) ||
	    (rc = req_body_str(r, "secrecy", 0, 16, &ed.secrecy, e)) ||
	    (rc = req_body_str(r, "urgency", 0, 16, &ed.urgency, e)) ||
	    (rc = req_body_str(r, "reply_due", 0, 10, &ed.reply_due, e))) {
		return rc;
	}
	rc = body_ids(r, "recipients", DOC_MAX_RECIPIENTS, &ids, &ed.n_recipients,
		      &ed.set_recipients, e);
	if (rc == 0) {
		rc = body_links(r, &l, &ed.n_links, &ed.set_links, e);
	}
	if (rc == 0) {
		ed.recipients = ids;
		ed.links = l;
		rc = doc_update(&r->cx, r->id, &ed, e);
	}
	free(ids);
	free(l);
	return rc ? rc : reply_doc(r, r->id, 200, e);
}

/* --- workflow --- */

static int h_route_get(struct http_req *r, struct err *e)
{
	return doc_route_get(&r->cx, r->id, &r->out, e);
}

static int h_route_set(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"rev", "mode", "signers", "reviewer_id", NULL};
	struct doc_signer_in *s = NULL;
	const char *mode;
	json_t *rv = json_object_get(r->body, "reviewer_id");
	int64_t rev = 0, reviewer = 0;
	int n = 0, set = 0, rc;
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_id(r, "rev", 0, &rev, e)) ||
	    (rc = req_body_str(r, "mode", 0, 16, &mode, e))) {
		return rc;
	}
	if (rv && json_is_null(rv)) {
		reviewer = -1;
	} else if ((rc = req_body_id(r, "reviewer_id", 0, &reviewer, e))) {
		return rc;
	}
	if ((rc = body_signers(r, &s, &n, &set, e))) {
		return rc;
	}
	if (!set) {
		free(s);
		return err_set(e, ERR_BAD_REQUEST, "signers",
			       "signers is required (an empty array for none)");
	}
	rc = doc_route_set(&r->cx, r->id, rev, mode, n, s, reviewer, e);
	free(s);
	return rc ? rc : doc_route_get(&r->cx, r->id, &r->out, e);
}

static int h_submit(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"note", NULL};
	const char *note;
	int rc;
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_str(r, "note", 0, 8000, &note, e)) ||
	    (rc = doc_submit(&r->cx, r->id, note, e))) {
		return rc;
	}
	return reply_doc(r, r->id, 200, e);
}

static int h_review(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"decision", "comment", NULL};
	const char *decision, *comment;
	int rc;
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_str(r, "decision", 1, 16, &decision, e)) ||
	    (rc = req_body_str(r, "comment", 0, 8000, &comment, e))) {
		return rc;
	}
	if (strcmp(decision, "approve") && strcmp(decision, "return")) {
		return err_set(e, ERR_INVALID, "decision", "decision is approve or return");
	}
	if ((rc = doc_review(&r->cx, r->id, strcmp(decision, "approve") == 0, comment, e))) {
		return rc;
	}
	return reply_doc(r, r->id, 200, e);
}

static int h_sign(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"reason", "location", "page", "x", "y", "w",
					   "h", "signature_png_base64",
					   "seal_png_base64", NULL};
	struct doc_sign_opts o;
	unsigned char *sig = NULL, *seal = NULL;
	int64_t page = 0;
	int rc;
	memset(&o, 0, sizeof o);
	rc = req_body_keys(r, keys, e);
	if (rc == 0 && ((rc = req_body_str(r, "reason", 0, 800, &o.reason, e)) ||
			(rc = req_body_str(r, "location", 0, 800, &o.location, e)) ||
			(rc = body_int(r, "page", &page, e)) ||
			(rc = body_num(r, "x", &o.x, e)) || (rc = body_num(r, "y", &o.y, e)) ||
			(rc = body_num(r, "w", &o.w, e)) || (rc = body_num(r, "h", &o.h, e)) ||
			(rc = body_base64(r, "signature_png_base64", &sig,
					  &o.signature_png_len, e)) ||
			(rc = body_base64(r, "seal_png_base64", &seal, &o.seal_png_len,
					  e)))) {
		free(sig);
		return rc;
	}
	if (page < 0 || page > 100000) {
		rc = err_set(e, ERR_INVALID, "page", "page counts from 1 (0 = the last)");
	}
	if (rc == 0) {
		o.page = (int)page;
		o.signature_png = sig;
		o.seal_png = seal;
		rc = doc_sign(&r->cx, r->id, &o, e);
	}
	free(sig);
	free(seal);
	return rc ? rc : reply_doc(r, r->id, 200, e);
}

static int h_issue(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"date", "distribute", NULL};
	const char *date;
	int distribute = 0, rc;
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_str(r, "date", 0, 10, &date, e)) ||
	    (rc = body_bool(r, "distribute", &distribute, e)) ||
	    (rc = doc_issue(&r->cx, r->id, date, distribute, e))) {
		return rc;
	}
	return reply_doc(r, r->id, 200, e);
}

static int h_distribute(struct http_req *r, struct err *e)
{
	int rc = doc_distribute(&r->cx, r->id, e);
	return rc ? rc : reply_doc(r, r->id, 200, e);
}

static int h_receipts(struct http_req *r, struct err *e)
{
	return doc_receipts(&r->cx, r->id, &r->out, e);
}

static int h_receipt(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"unit_id", "action", NULL};
	const char *action;
	int64_t unit, in_id = 0;
	json_t *list = NULL;
	int rc;
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_id(r, "unit_id", 1, &unit, e)) ||
	    (rc = req_body_str(r, "action", 1, 16, &action, e)) ||
	    (rc = doc_receipt(&r->cx, r->id, unit, action, &in_id, e)) ||
	    (rc = doc_receipts(&r->cx, r->id, &list, e))) {
		return rc;
	}
	r->out = json_pack("{sI so}", "incoming_id", (json_int_t)in_id, "receipts", list);
	return 0;
}

/* --- tasks and inbox --- */

static int h_tasks_of(struct http_req *r, struct err *e)
{
	json_t *d = NULL;
	int rc = doc_get(&r->cx, r->id, &d, e);
	if (rc == 0) {
		r->out = json_incref(json_object_get(d, "tasks"));
	}
	json_decref(d);
	return rc;
}

static int h_task_add(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"unit_id", "assignee_id", "what", "due", NULL};
	struct doc_task_new t;
	int64_t id = 0;
	int rc;
	memset(&t, 0, sizeof t);
	t.doc_id = r->id;
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_id(r, "unit_id", 1, &t.unit_id, e)) ||
	    (rc = req_body_id(r, "assignee_id", 0, &t.assignee_id, e)) ||
	    (rc = req_body_str(r, "what", 1, 8000, &t.what, e)) ||
	    (rc = req_body_str(r, "due", 1, 10, &t.due, e)) ||
	    (rc = doc_task_add(&r->cx, &t, &id, e))) {
		return rc;
	}
	r->status = 201;
	r->out = json_pack("{sI}", "id", (json_int_t)id);
	return 0;
}

static int h_tasks(struct http_req *r, struct err *e)
{
	return doc_task_list(&r->cx, req_q_int(r, "open") != 0, &r->out, e);
}

static int h_task_done(struct http_req *r, struct err *e)
{
	static const char *const keys[] = {"note", NULL};
	const char *note;
	int rc;
	if ((rc = req_body_keys(r, keys, e)) ||
	    (rc = req_body_str(r, "note", 0, 8000, &note, e))) {
		return rc;
	}
	return doc_task_done(&r->cx, r->id, note, e);
}

static int h_inbox(struct http_req *r, struct err *e)
{
	return doc_inbox(&r->cx, &r->out, e);
}

/* The table.  Literal paths under /documents come before /documents/{id}
 * so that they match first. */
#define A RF_AUTH
#define AB (RF_AUTH | RF_BODY)
const struct route routes_documents[] = {
	{.method = "GET", .path = "/documents/types", .fn = h_types, .flags = A,
	 .params = {{"org", P_STR, 0, 16, 0}}},
	{.method = "POST", .path = "/documents/types", .fn = h_type_add, .flags = AB},
	{.method = "GET", .path = "/documents/issuers", .fn = h_issuers, .flags = A},
	{.method = "POST", .path = "/documents/issuers", .fn = h_issuer_set, .flags = AB},
	{.method = "GET", .path = "/documents/terms", .fn = h_terms, .flags = A,
	 .params = {{"unit", P_ID, 0, 0, 0}}},
	{.method = "POST", .path = "/documents/terms", .fn = h_term_add, .flags = AB},
	{.method = "GET", .path = "/documents/policies", .fn = h_policies, .flags = A},
	{.method = "POST", .path = "/documents/policies", .fn = h_policy_set, .flags = AB},
	{.method = "POST", .path = "/documents/number", .fn = h_number, .flags = AB},
	{.method = "GET", .path = "/documents/register", .fn = api_documents_register, .flags = A,
	 .params = {{"unit", P_ID, 0, 0, 0}, {"kind", P_STR, 0, 3, 0},
		    {"year", P_INT, 1900, 9999, 0}, {"format", P_STR, 0, 4, 0}}},
	{.method = "GET", .path = "/documents/register/download", .fn = api_documents_register_download,
	 .flags = A,
	 .params = {{"unit", P_ID, 0, 0, 0}, {"kind", P_STR, 0, 3, 0},
		    {"year", P_INT, 1900, 9999, 0}, {"format", P_STR, 0, 4, 0}}},
	{.method = "GET", .path = "/documents/signers", .fn = h_signers, .flags = A,
	 .params = {{"unit", P_ID, 0, 0, 0}, {"q", P_STR, 0, 100, 0}, Q_LIMIT}},
	{.method = "GET", .path = "/documents/overdue", .fn = h_overdue, .flags = A,
	 .params = {{"unit", P_ID, 0, 0, 0}, Q_LIMIT, Q_OFFSET}},
	{.method = "GET", .path = "/documents", .fn = h_list, .flags = A,
	 .params = {{"q", P_STR, 0, DOC_QUERY_MAX, 0}, {"unit", P_ID, 0, 0, 0},
		    {"type", P_STR, 0, 12, 0}, {"from", P_DATE, 0, 0, 0},
		    {"to", P_DATE, 0, 0, 0}, {"status", P_STR, 0, 12, 0}, Q_LIMIT,
		    Q_OFFSET}},
	{.method = "POST", .path = "/documents", .fn = h_create, .flags = AB},
	{.method = "GET", .path = "/documents/{id}", .fn = h_get, .flags = A},
	{.method = "PATCH", .path = "/documents/{id}", .fn = h_update, .flags = AB},
	{.method = "GET", .path = "/documents/{id}/versions", .fn = api_documents_versions, .flags = A},
	{.method = "POST", .path = "/documents/{id}/versions", .fn = api_documents_upload,
	 .flags = RF_AUTH | RF_RAW,
	 .params = {{"slot", P_STR, 0, 100, 0}, {"name", P_STR, 0, 200, 0}}},
	{.method = "GET", .path = "/documents/{id}/file", .fn = api_documents_file, .flags = A,
	 .params = {{"slot", P_STR, 0, 100, 0}, {"version", P_INT, 0, 1000000, 0}}},
	{.method = "GET", .path = "/documents/{id}/download", .fn = api_documents_download, .flags = A,
	 .params = {{"slot", P_STR, 0, 100, 0}, {"version", P_INT, 0, 1000000, 0}}},
	{.method = "GET", .path = "/documents/{id}/route", .fn = h_route_get, .flags = A},
	{.method = "PUT", .path = "/documents/{id}/route", .fn = h_route_set, .flags = AB},
	{.method = "POST", .path = "/documents/{id}/submit", .fn = h_submit, .flags = AB},
	{.method = "POST", .path = "/documents/{id}/review", .fn = h_review, .flags = AB},
	{.method = "POST", .path = "/documents/{id}/sign", .fn = h_sign, .flags = AB},
	{.method = "POST", .path = "/documents/{id}/issue", .fn = h_issue, .flags = AB},
	{.method = "POST", .path = "/documents/{id}/distribute", .fn = h_distribute,
	 .flags = A},
	{.method = "GET", .path = "/documents/{id}/receipts", .fn = h_receipts, .flags = A},
	{.method = "POST", .path = "/documents/{id}/receipts", .fn = h_receipt, .flags = AB},
	{.method = "GET", .path = "/documents/{id}/verify", .fn = api_documents_verify, .flags = A},
	{.method = "GET", .path = "/documents/{id}/tasks", .fn = h_tasks_of, .flags = A},
	{.method = "POST", .path = "/documents/{id}/tasks", .fn = h_task_add, .flags = AB},
	{.method = "GET", .path = "/tasks", .fn = h_tasks, .flags = A,
	 .params = {{"open", P_INT, 0, 1, 1}}},
	{.method = "POST", .path = "/tasks/{id}/done", .fn = h_task_done, .flags = AB},
	{.method = "GET", .path = "/inbox", .fn = h_inbox, .flags = A},
};
const size_t routes_documents_n = sizeof routes_documents / sizeof routes_documents[0];
