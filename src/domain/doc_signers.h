/*
 * doc_signers.h — who may sign: the users a clerk can put on a document's
 * route (GET /documents/signers), without the admin-only user list.
 */
#ifndef CADRE_DOC_SIGNERS_H
#define CADRE_DOC_SIGNERS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"

#define DOC_SIGNERS_MAX 500 /* rows of one answer */

/* {"items":[{"id","login","display_name","role","unit_id","unit_code",
 * "unit_name","certificate"}…],"total","limit"}: the enabled users whose
 * role may sign (ACT_SIGN) and whose unit is in the actor's scope, and in
 * the subtree of `unit` when unit > 0; q (optional) matches the login or
 * the name, ignoring case and diacritics.  certificate: the user holds a
 * valid, unrevoked signer certificate now.  Sorted by name.  Needs read
 * access (ACT_READ) to `unit` (or, for 0, any role that reads). */
int doc_signers(struct cx *cx, int64_t unit, const char *q, int limit,
		json_t **out, struct err *e);

#endif
