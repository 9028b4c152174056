/*
 * org_store.h — the write primitives of the org tables, shared by the
 * reorganization events (org_reorg.c): read a unit's latest version, lock
 * and bump its revision, close and open versions, record an event's units
 * and lineage links, create a unit.  They run inside the caller's
 * transaction, check only what belongs to one row, and leave the rules of
 * an event to org_reorg.c.  Nobody outside the org module includes this.
 */
#ifndef CADRE_ORG_STORE_H
#define CADRE_ORG_STORE_H

#include "domain/org_internal.h"

/* The latest version of a unit and its identity. */
struct cur {
	int64_t unit_id, version_id, parent_id, rev;
	int level;
	char code[ORG_CODE_MAX + 1];
	char kind[64];
	char name[ORG_NAME_MAX * 4 + 1];
	char valid_from[11], valid_to[11];
};

int org_store_load_cur(struct cx *cx, int64_t unit_id, const char *field,
		    struct cur *c, struct err *e);
int org_store_check_alive_after(const struct cur *c, const char *date,
			     const char *field, struct err *e);
int org_store_bump_rev(struct cx *cx, int64_t unit_id, int64_t expected_rev,
		    const char *field, struct err *e);
int org_store_close_version(struct cx *cx, int64_t version_id, const char *date,
			 struct err *e);
int org_store_open_version(struct cx *cx, int64_t unit_id, int64_t parent_id,
			const char *name, int level, const char *date,
			int64_t event_id, struct err *e);
int org_store_event_unit(struct cx *cx, int64_t event_id, int64_t unit_id,
		      const char *role, struct err *e);
int org_store_link_units(struct cx *cx, int64_t event_id, int64_t from, int64_t to,
		      double share, struct err *e);
int org_store_parent_as_of(struct cx *cx, int64_t unit_id, const char *date,
			int64_t *parent, int *level, struct err *e);
int org_store_check_parent(struct cx *cx, int64_t parent, const char *date,
			const char *field, int *level, struct err *e);
int org_store_is_ancestor_or_self(struct cx *cx, int64_t anc, int64_t unit,
			       const char *date, struct err *e);
int org_store_children_on(struct cx *cx, int64_t unit_id, const char *date,
		       int64_t **out, int *n, struct err *e);
int org_store_reparent(struct cx *cx, int64_t child, int64_t new_parent,
		    const char *date, int64_t event_id, struct err *e);
int org_store_move_children(struct cx *cx, int64_t from, int64_t to,
			 const char *date, int64_t event_id, struct err *e);
int org_store_code_valid(const char *code);
int org_store_create_unit(struct cx *cx, const struct reorg_new_unit *nu,
		       int64_t parent, const char *date, int64_t event_id,
		       const char *field, int64_t *id, struct err *e);

#endif
