/*
 * org_internal.h — what the files of the org module (org_tree.c,
 * org_read.c, org_reorg.c, org_bulk.c) share and nobody else uses.
 */
#ifndef CADRE_ORG_INTERNAL_H
#define CADRE_ORG_INTERNAL_H

#include "domain/org.h"

/* The structure generation: bumped by every change to the org tables, so
 * caches keyed by (database, generation) are never stale. */
int org_gen_get(struct db *db, int64_t *gen, struct err *e);
int org_gen_bump(struct db *db, struct err *e);

/* Default level of a kind (-1 = inherit the parent's); ERR_INVALID "kind"
 * when the kind is not in the catalogue. */
int org_kind_level(struct db *db, const char *kind, int *level,
		   struct err *e);

/* Create the root unit (no parent) as a create event, inside the caller's
 * transaction.  Only org_bootstrap uses it. */
int org_reorg_root(struct cx *cx, const struct reorg_req *r, int64_t *event_id,
		   int64_t *unit_id, struct err *e);

/* A unit object for JSON from a snapshot node; with children_list down to
 * depth levels (the /units/{id}/tree shape). */
json_t *org_node_json(const struct org_tree *t, int i);
json_t *org_subtree_json(const struct org_tree *t, int i, int depth);

#endif
