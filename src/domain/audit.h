/*
 * audit.h — the tamper-evident audit chain.  Every mutation in the domain
 * calls audit_append() inside its own transaction; each row stores the
 * canonical JSON of the change, the previous row's hash and
 * hash = hex(sha256(prev_hash || canonical_row)), where canonical_row is the
 * compact, key-sorted JSON of {id, ts, actor, actor_id, action, object_type,
 * object_id, unit_id, change}.  The first row's prev_hash is 64 zeros.
 */
#ifndef CADRE_AUDIT_H
#define CADRE_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"

/* Append one entry.  Must be called inside a transaction (db_begin) so the
 * entry commits or rolls back with the change; serializes appenders.
 * `change` is borrowed (may be NULL → {}); unit_id 0 = not tied to a unit. */
int audit_append(struct cx *cx, const char *action, const char *object_type,
		 const char *object_id, int64_t unit_id, json_t *change,
		 struct err *e);

struct audit_filter {
	int64_t unit_id;    /* 0 = any (still limited to the actor's scope) */
	const char *actor;  /* login, NULL = any */
	const char *action; /* NULL = any */
	int64_t from_ms;    /* 0 = no bound */
	int64_t to_ms;	    /* 0 = no bound; exclusive */
	int limit, offset;
};

/* Entries newest first, as the list object {"items","total","limit","offset"}
 * (items shaped as in docs/api.md).  Needs ACT_AUDIT_READ; entries tied to
 * units outside the actor's scope are left out.  *out is new (json_decref). */
int audit_list(struct cx *cx, const struct audit_filter *f, json_t **out,
	       struct err *e);

/* Recompute the chain.  Returns 0 when intact (*rows = count).  Otherwise
 * returns -ERR_INVALID with *bad_id = the first bad row's id and e->msg
 * saying what is wrong (hash mismatch, broken link, gap in ids). */
int audit_verify(struct db *db, int64_t *rows, int64_t *bad_id, struct err *e);

#endif
