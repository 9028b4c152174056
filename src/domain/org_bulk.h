/*
 * org_bulk.h — creating many units in one reorganization event, for the
 * national-size demo and for imports.  Writes the org tables (unit,
 * unit_version, reorg_event, reorg_event_unit, meta org_gen) exactly as
 * org_reorg() does for a `create`, but with one event, reused prepared
 * statements and one audit entry for the whole batch.
 */
#ifndef CADRE_ORG_BULK_H
#define CADRE_ORG_BULK_H

#include "domain/cx.h"
#include "domain/org.h"

/* Create units[0..n) (code, name, kind, parent; share ignored) as ONE
 * `create` event dated `date` with `decision`, all or nothing, in one
 * transaction (nests inside the caller's).
 *
 * Checks: date is a real date, decision given (≤ ORG_DECISION_MAX), n ≥ 1;
 * each code is 1..ORG_CODE_MAX of [A-Za-z0-9._-] and not taken (ERR_CONFLICT
 * "code"); each name is cleaned (NFC, ≤ ORG_NAME_MAX); each kind is in the
 * catalogue (level from it); each parent (required, ≠ 0) exists as of `date`
 * and is not dissolved later, and the actor has ACT_REORG on it.  Parents
 * must exist before the call: a unit of the batch cannot be another's
 * parent (make two calls).  Errors name the field as "units[i].code" etc.
 *
 * Every unit gets rev 1, one version [date, open) and a reorg_event_unit
 * row with role "created"; org_gen is bumped once; the audit entry
 * "reorg.create" on the event summarizes the batch (count, first and last
 * code, date, decision) and is tied to the nearest common ancestor of the
 * parents.  *event_id of the new event is not returned: look units up by
 * code (org_unit_id_by_code). */
int org_bulk_create(struct cx *cx, const char *date, const char *decision,
		    int n, const struct reorg_new_unit *units, struct err *e);

#endif
