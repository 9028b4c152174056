/*
 * doc.h — the document register: configuration of numbering (per
 * organization policies, type catalogues, issuers, committee terms), atomic
 * allocation of numbers, documents (outgoing and incoming) with their
 * issuer, type, number, symbol, date, subject, secrecy and urgency marks,
 * signers, recipients and links, and their JSON.  The workflow is in
 * doc_flow.h, files in doc_file.h, search and registers in doc_search.h.
 *
 * Owns the tables of migration 004 (doc_org, doc_type, doc_issuer,
 * doc_term, doc_series, doc, doc_signer, doc_recipient, doc_link,
 * doc_blob, doc_version, doc_text, doc_event, doc_task), shared by the
 * doc*.c files and touched by no other module.
 *
 * Permissions (doc_may): reading needs ACT_READ on the document's unit;
 * writing needs the role clerk, manager, signer or admin inside the scope;
 * signing the role signer; configuration manager or admin.  Every mutation
 * appends to the audit chain in its own transaction.
 */
#ifndef CADRE_DOC_H
#define CADRE_DOC_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"
#include "domain/docnum.h"

#define DOC_SUBJECT_MAX 1000 /* code points */
#define DOC_NOTE_MAX 2000
#define DOC_NAME_MAX 200
#define DOC_MAX_SIGNERS 16
#define DOC_MAX_RECIPIENTS 500
#define DOC_MAX_LINKS 50

/* --- configuration --- */

/* The numbering policy of an organization (doc_org): style, padding, reset
 * ("term", "year", "never"), confidential series apart.  Admin only. */
struct doc_org_policy {
	const char *org;
	const char *style;
	int pad;
	const char *reset;
	int secret_series;
};
int doc_org_set(struct cx *cx, const struct doc_org_policy *p, struct err *e);
/* [{"org","style","pad","reset","secret_series"}] */
int doc_orgs(struct cx *cx, json_t **out, struct err *e);

/* Add a type to an organization's catalogue (manager or admin).
 * symbol_code NULL = code; series_group NULL = "". */
struct doc_type_new {
	const char *org, *code, *symbol_code, *name_vi, *name_en, *series_group;
};
int doc_type_add(struct cx *cx, const struct doc_type_new *t, struct err *e);
/* [{"org","code","symbol_code","name_vi","name_en","series_group"}] of one
 * organization (NULL = all). */
int doc_types(struct cx *cx, const char *org, json_t **out, struct err *e);

/* Make a unit an issuer: its organization (policy and catalogue), the
 * abbreviation written in its symbols, and optionally the committee whose
 * terms reset its series (0 = the unit itself).  Manager or admin on the
 * unit.  Replaces an earlier setting. */
struct doc_issuer_set {
	int64_t unit_id;
	const char *org;
	const char *symbol;
	int64_t term_unit_id;
};
int doc_issuer_set(struct cx *cx, const struct doc_issuer_set *s,
		   struct err *e);
/* [{"unit_id","unit","org","symbol","term_unit_id"}] inside the actor's
 * scope; term_unit_id is null when the unit's own terms count. */
int doc_issuers(struct cx *cx, json_t **out, struct err *e);

/* A committee term of unit_id starting on `start` (YYYY-MM-DD): party
 * series restart on it.  Manager or admin on the unit. */
int doc_term_add(struct cx *cx, int64_t unit_id, const char *name,
		 const char *start, int64_t *id, struct err *e);
/* [{"id","unit_id","name","start_date","end_date"}] (end_date null for
 * the current term). */
int doc_terms(struct cx *cx, int64_t unit_id, json_t **out, struct err *e);

/* --- numbering --- */

/* Allocate the next number of a series now and record it in the outgoing
 * register as an issued entry (for documents numbered outside the
 * workflow, e.g. on paper): issuer unit, type code (of the issuer's
 * organization), date (NULL = today: chooses the year or term),
 * confidential (its own series where the policy says so), subject
 * (NULL = "").  Atomic: concurrent callers on any number of connections or
 * processes get distinct numbers with no gap.  *out (may be NULL) is
 * {"id","number","symbol","date","series"}. */
struct doc_number_req {
	int64_t issuer_id;
	const char *type;
	const char *date;
	int confidential;
	const char *subject;
};
int doc_number(struct cx *cx, const struct doc_number_req *r, json_t **out,
	       struct err *e);

/* --- the register --- */

enum doc_link_kind { DOC_LINK_IMPLEMENTS, DOC_LINK_REPLACES, DOC_LINK_ANSWERS };

struct doc_link_in {
	const char *kind; /* implements, replaces, answers */
	int64_t to;	  /* the document this one implements/replaces/answers */
};

struct doc_signer_in {
	int64_t user_id;
	const char *title; /* shown in the signature: "Bí thư", "K/T Chủ tịch" */
};

/* A new document.  Outgoing (direction "out" or NULL): issuer_id is the
 * unit that issues it (configured with doc_issuer_set), it starts as a
 * draft and gets its number when issued.  Incoming ("in"): owner_id is
 * the receiving unit, the issuer is issuer_id (a unit of the tree) or
 * issuer_name (outside it; then issuer_org names the organization whose
 * symbol style and catalogue apply), symbol and date are the document's
 * own, and registration allocates the incoming-register number. */
struct doc_new {
	const char *direction;
	int64_t issuer_id;
	int64_t owner_id;	  /* incoming only */
	const char *issuer_name;  /* incoming from outside the tree */
	const char *issuer_org;	  /* incoming from outside the tree */
	const char *type;	  /* type code, required */
	const char *subject;	  /* required, ≤ DOC_SUBJECT_MAX */
	const char *secrecy;	  /* "", mat, toi_mat, tuyet_mat */
	const char *urgency;	  /* "", khan, thuong_khan, hoa_toc */
	const char *symbol;	  /* incoming only */
	const char *date;	  /* incoming only: the document's date */
	const char *received;	  /* incoming only: default today */
	const char *reply_due;	  /* optional YYYY-MM-DD */
	const char *route_mode;	  /* sequential (default) or parallel */
	int64_t reviewer_id;	  /* optional */
	int n_signers;
	const struct doc_signer_in *signers;
	int n_recipients;
	const int64_t *recipients;
	int n_links;
	const struct doc_link_in *links;
};
int doc_create(struct cx *cx, const struct doc_new *d, int64_t *id,
	       struct err *e);

/* Change a draft (or a returned document): NULL fields stay; rev must be
 * the current revision (409 otherwise).  set_* replace whole lists. */
struct doc_edit {
	int64_t rev;
	const char *subject, *secrecy, *urgency, *reply_due;
	int set_recipients;
	int n_recipients;
	const int64_t *recipients;
	int set_links;
	int n_links;
	const struct doc_link_in *links;
};
int doc_update(struct cx *cx, int64_t id, const struct doc_edit *ed,
	       struct err *e);

/* The document as JSON (docs/api.md "Documents"): fields, type, issuer,
 * route with signers, recipients with receipts, links both ways, the
 * latest version of each file, tasks and history.  Needs read access. */
int doc_get(struct cx *cx, int64_t id, json_t **out, struct err *e);

/* Names of the marks (for validation and exports). */
int doc_secrecy_valid(const char *s);
int doc_urgency_valid(const char *s);

#endif
