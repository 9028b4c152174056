/*
 * doc_internal.h — what the doc*.c files share and nobody else may use:
 * the permission helper, the loaded document row, the history/audit
 * helper, issuer and type lookups, and the number series.  The tables are
 * those of migration 004 (doc.h).
 */
#ifndef CADRE_DOC_INTERNAL_H
#define CADRE_DOC_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"
#include "domain/doc.h"
#include "domain/docnum.h"

/* What a document operation needs, through auth_may: DOC_READ ACT_READ,
 * DOC_WRITE ACT_DOC_WRITE (clerk, manager, signer, admin), DOC_SIGN
 * ACT_SIGN (signer, admin), DOC_CONFIG ACT_DOC_WRITE and the role manager
 * or admin; all inside the actor's scope. */
enum doc_right { DOC_READ, DOC_WRITE, DOC_SIGN, DOC_CONFIG };
int doc_may(struct cx *cx, enum doc_right r, int64_t unit_id, struct err *e);

#define DOC_ST_DRAFT "draft"
#define DOC_ST_REVIEW "review"
#define DOC_ST_RETURNED "returned"
#define DOC_ST_APPROVED "approved"
#define DOC_ST_SIGNING "signing"
#define DOC_ST_SIGNED "signed"
#define DOC_ST_ISSUED "issued"
#define DOC_ST_RECEIVED "received"

/* The series name of the incoming register (cannot be a type code). */
#define DOC_SERIES_IN "#in"

struct doc_row {
	int64_t id, owner_id, issuer_id, type_id, series_id, number;
	int64_t reviewer_id, source_id, in_number, rev;
	char direction[4], status[12], route_mode[12];
	char secrecy[12], urgency[12];
	char symbol[DOCNUM_MAX];
	char doc_date[11], reply_due[11], received_date[11];
	char type_code[DOCNUM_CODE_MAX], type_org[16];
};

/* Load a document's row.  With `lock` (inside a transaction) the row is
 * locked first (its rev is bumped), so that concurrent changes of one
 * document serialize on both engines.  ERR_NOT_FOUND "id". */
int doc_row_load(struct cx *cx, int64_t id, int lock, struct doc_row *d,
		 struct err *e);
/* May the actor read this document: its unit in scope, or a recipient
 * unit in scope once sent, or the actor is on its route (reviewer, signer)
 * or assigned one of its tasks.  0 or -ERR_FORBIDDEN. */
int doc_may_read(struct cx *cx, const struct doc_row *d, struct err *e);

/* Record a step: a doc_event row (the document's history) and the audit
 * entry "doc.<action>" on the document's unit with `change` (stolen, may
 * be NULL).  Call last in the transaction (the audit append serializes). */
int doc_log(struct cx *cx, const struct doc_row *d, const char *action,
	    const char *note, json_t *change, struct err *e);
/* Only the audit entry (change stolen). */
int doc_audit(struct cx *cx, const struct doc_row *d, const char *action,
	      json_t *change, struct err *e);
/* Only the history row (when several audit entries would be redundant). */
int doc_event_add(struct cx *cx, int64_t doc_id, const char *action,
		  const char *note, struct err *e);

/* Issuers and types. */
struct doc_issuer_row {
	int64_t unit_id, term_unit_id;
	char org[16];
	char symbol[64];
	enum docnum_style style;
	int pad;
	char reset[8];
	int secret_series;
};
/* ERR_INVALID naming `field` when the unit is not configured as issuer. */
int doc_issuer_load(struct cx *cx, int64_t unit_id, const char *field,
		    struct doc_issuer_row *out, struct err *e);
/* The numbering policy of an organization into the style fields of out
 * (unit_id 0): for issuers outside the tree. */
int doc_policy_load(struct cx *cx, const char *org, const char *field,
		    struct doc_issuer_row *out, struct err *e);

struct doc_type_row {
	int64_t id;
	char org[16];
	char code[DOCNUM_CODE_MAX];
	char symbol_code[DOCNUM_CODE_MAX];
	char series_group[DOCNUM_CODE_MAX];
	char name_vi[256], name_en[256];
};
/* The type `code` (any normalization; compared in NFC) of an organization's
 * catalogue: ERR_INVALID "type" when it has none such. */
int doc_type_find(struct cx *cx, const char *org, const char *code,
		  struct doc_type_row *out, struct err *e);
int doc_type_load(struct cx *cx, int64_t id, struct doc_type_row *out,
		  struct err *e);

/* Take the next number of the series of (issuer, type, period of `date`,
 * confidential) inside the caller's transaction and format the symbol.
 * The counter row is created on first use and advanced with UPDATE …
 * RETURNING, so the number is held by the transaction: no duplicate, and
 * no gap when the transaction rolls back.  Fills *series_id, *number,
 * symbol and series_label ("QĐ 2025", "NQ term 3"; may be NULL, 64 bytes). */
int doc_number_take(struct cx *cx, const struct doc_issuer_row *is,
		    const struct doc_type_row *t, const char *date, int secret,
		    int64_t *series_id, int64_t *number, char symbol[DOCNUM_MAX],
		    char *series_label, struct err *e);
/* The next incoming-register number of unit_id for the year of `date`. */
int doc_in_number_take(struct cx *cx, int64_t unit_id, const char *date,
		       int secret, int64_t *series_id, int64_t *number,
		       struct err *e);

/* Route checks shared by creation and doc_route_set: signers are users
 * whose role may sign (ACT_SIGN) and whose scope contains unit_id, none
 * twice (422 "signers"); a reviewer is a user whose role may write
 * documents (422 "reviewer_id"). */
int doc_check_signers(struct cx *cx, int64_t unit_id, int n,
		      const struct doc_signer_in *s, struct err *e);
int doc_check_reviewer(struct cx *cx, int64_t reviewer, struct err *e);
/* Replace the signer rows of a document (inside a transaction). */
int doc_write_signers(struct cx *cx, int64_t id, int n,
		      const struct doc_signer_in *s, struct err *e);

/* Register an incoming document in d->owner_id's register inside the
 * caller's transaction: takes the incoming number, inserts the row with
 * the given type, number and symbol (already checked), its links, its
 * search text and the history/audit entry.  source_id: the outgoing
 * document it is a copy of (0 = from outside cadre). */
int doc_register_incoming(struct cx *cx, const struct doc_new *d,
			  const char *subject, int64_t type_id, int64_t number,
			  const char *symbol, int64_t source_id, int64_t *id,
			  struct err *e);

/* The summary of a document in lists (search, inbox, registers), from a
 * row selected with DOC_SUMMARY_COLS FROM doc d JOIN doc_type t. */
#define DOC_SUMMARY_COLS                                                       \
	"d.id, d.direction, d.status, d.owner_id, d.issuer_id, d.issuer_name," \
	" t.code, d.number, d.symbol, d.doc_date, d.subject, d.secrecy,"       \
	" d.urgency, d.reply_due, d.in_number, d.received_date, d.created_ms"
json_t *doc_summary_json(struct cx *cx, struct db_stmt *st);
/* {"mode","reviewer","signers":[…]} of a loaded document (doc_json.c). */
json_t *doc_route_json(struct cx *cx, const struct doc_row *d);

/* Login, display name and role of a user (read as the system: labels for
 * documents the actor may already see).  ERR_NOT_FOUND when none. */
struct doc_user {
	int64_t id, unit_id;
	char login[64];
	char name[DOC_NAME_MAX * 4 + 1];
	char role[16];
};
int doc_user_get(struct cx *cx, int64_t user_id, struct doc_user *u,
		 struct err *e);

/* Begin a write transaction of the documents module.  On SQLite the
 * outermost one first takes a mutex of this process, so that concurrent
 * clerks queue in memory instead of sleeping in SQLite's busy handler
 * (whose back-off of up to 100 ms would cut the throughput of many writers
 * to a fraction); the database lock still serializes other processes.
 * doc_tx_end commits when rc is 0, else rolls back, releases the mutex
 * when it was taken, and returns the outcome. */
int doc_tx_begin(struct cx *cx, struct err *e);
int doc_tx_end(struct cx *cx, int rc, struct err *e);

/* Today's date (cx->now_ms, UTC) into out[11]. */
void doc_today(const struct cx *cx, char out[11]);

/* The unit label {"id","code","name"} of a unit id (null for 0). */
json_t *doc_unit_json(struct cx *cx, int64_t unit_id);

#endif
