/*
 * doc_flow.h — the workflow of a document: draft → submitted for review →
 * returned with comments / approved → signed by each signer of its route
 * (in order or in parallel) → numbered and issued (once) → distributed to
 * the recipient units → received (registered in their incoming register)
 * and acknowledged by each; reply deadlines and the overdue list; tasks
 * assigned from a document and tracked to completion; the inbox of what
 * waits for the actor.  Every step is one transaction with its audit entry.
 */
#ifndef CADRE_DOC_FLOW_H
#define CADRE_DOC_FLOW_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"
#include "domain/doc.h"

/* Replace the route of a draft or returned document: mode "sequential"
 * or "parallel" (NULL = keep), the signers in order (each must hold the
 * signer role and have the document's unit in scope), the reviewer (0 =
 * keep, -1 = none).  rev as in doc_update. */
int doc_route_set(struct cx *cx, int64_t id, int64_t rev, const char *mode,
		  int n_signers, const struct doc_signer_in *signers,
		  int64_t reviewer_id, struct err *e);
/* {"mode","reviewer","signers":[{"user_id","login","name","title","seq",
 * "signed_at","waiting"}]} */
int doc_route_get(struct cx *cx, int64_t id, json_t **out, struct err *e);

/* draft/returned → review.  Needs a main PDF. */
int doc_submit(struct cx *cx, int64_t id, const char *note, struct err *e);
/* review → approved (approve) or returned (with a comment, required).
 * By the reviewer, or when none is named a manager or admin in scope.
 * Approving stamps the main PDF with the QR code of its public page
 * (doc_stamp.h: DOC_STAMP_TRY): ERR_INVALID "file" when it carries
 * another document's QR code. */
int doc_review(struct cx *cx, int64_t id, int approve, const char *comment,
	       struct err *e);

/* What a signer adds to the visible signature (all optional). */
struct doc_sign_opts {
	const char *reason, *location;
	int page;	     /* 1-based; 0 = last */
	double x, y, w, h;   /* points; all 0 = the signing module's default */
	const unsigned char *signature_png, *seal_png;
	size_t signature_png_len, seal_png_len;
};
/* The actor signs the current main PDF (approved or signing; their turn in
 * a sequential route): sign_pdf() makes the signed file, stored as a new
 * version; when every signer has signed the document is "signed".  The
 * first signature stamps the PDF first if the approval did not
 * (DOC_STAMP_MUST).
 * Refused: not a signer of this route (403), not the signer role (403),
 * already signed (409), not their turn (409), encrypted PDF (422). */
int doc_sign(struct cx *cx, int64_t id, const struct doc_sign_opts *o,
	     struct err *e);

/* Number and issue a signed document (or an approved one whose route has
 * no signers: signed on paper) dated `date` (NULL = today).  The number is
 * taken from the series in the same transaction; issuing twice is refused
 * (409) and a document is numbered only once.  An approved document is
 * stamped first if the approval did not (DOC_STAMP_TRY); the final main
 * PDF is published (doc_public_publish) under the code reserved then.  With distribute, the
 * recipients are sent the document at once. */
int doc_issue(struct cx *cx, int64_t id, const char *date, int distribute,
	      struct err *e);
/* Send an issued document to its recipients (those not yet sent). */
int doc_distribute(struct cx *cx, int64_t id, struct err *e);

/* A recipient unit receives (registers it in its incoming register, with
 * a new incoming number; idempotent) or acknowledges (implies received) a
 * sent document.  Needs write access to that unit.  action: "received" or
 * "acknowledged".  *in_id (may be NULL): the incoming register entry. */
int doc_receipt(struct cx *cx, int64_t id, int64_t unit_id,
		const char *action, int64_t *in_id, struct err *e);
/* [{"unit","sent_at","received_at","acknowledged_at","incoming_id",
 * "incoming_number","answered"}] */
int doc_receipts(struct cx *cx, int64_t id, json_t **out, struct err *e);

/* Tasks assigned from a document. */
struct doc_task_new {
	int64_t doc_id;
	int64_t unit_id;     /* the unit responsible (required) */
	int64_t assignee_id; /* optionally one user of it (0 = the unit) */
	const char *what;    /* ≤ DOC_NOTE_MAX */
	const char *due;     /* YYYY-MM-DD */
};
int doc_task_add(struct cx *cx, const struct doc_task_new *t, int64_t *id,
		 struct err *e);
/* Mark done (by the assignee, or a writer of the task's unit). */
int doc_task_done(struct cx *cx, int64_t task_id, const char *note,
		  struct err *e);
/* The tasks of a document (no permission check: for doc_get). */
json_t *doc_tasks_json(struct cx *cx, int64_t doc_id);
/* Tasks of the actor's scope: open ones (overdue first) or all;
 * {"items":[{…,"doc":{…},"overdue"}],"total"}. */
int doc_task_list(struct cx *cx, int only_open, json_t **out, struct err *e);

/* What waits for the actor: {"review":[Doc…],"sign":[Doc…],"receive":
 * [{"doc","unit"}…],"tasks":[Task…],"overdue":[Doc…]} — documents to
 * review, to sign (their turn), sent to units in their scope and not yet
 * acknowledged, open tasks assigned to them or their units, and replies
 * overdue in their scope. */
int doc_inbox(struct cx *cx, json_t **out, struct err *e);

#endif
