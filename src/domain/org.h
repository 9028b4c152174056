/*
 * org.h — the organization apparatus: units with full history.
 *
 * A unit has a stable identity (id, code, kind) and versions (parent, name,
 * level, [valid_from, valid_to)) that never overlap.  Reorganization events
 * (create, rename, move, merge N→1, split 1→N, dissolve) close versions and
 * open new ones on their effective date, and record lineage links
 * predecessor → successor.  Owns the tables unit_kind, unit, unit_version,
 * reorg_event, reorg_event_unit, reorg_link and the meta key org_gen.
 *
 * Reads go through an in-memory snapshot of the tree as of a date: an array
 * in pre-order where each node knows the end of its subtree, so a subtree
 * is an index range and a count is a subtraction.  Snapshots are cached per
 * (date, org_gen) and shared between threads (reference counted).
 */
#ifndef CADRE_ORG_H
#define CADRE_ORG_H

#include <jansson.h>
#include <stdint.h>

#include "domain/cx.h"

#define ORG_NAME_MAX 200
#define ORG_CODE_MAX 40
#define ORG_DECISION_MAX 500

struct org_node {
	int64_t id;
	int64_t parent_id; /* 0 for a root */
	int parent;	   /* index of the parent in nodes[], -1 for a root */
	int end;	   /* one past the last descendant: subtree = [i, end) */
	int depth;	   /* 0 for a root */
	int n_children;
	int level;
	int64_t rev;
	const char *code, *kind, *name, *name_fold, *valid_from, *valid_to;
};

struct org_history;

struct org_tree {
	char as_of[11];
	int n;
	struct org_node *nodes; /* pre-order; siblings sorted by code */
	/* private: */
	int64_t gen;
	int refs;
	int64_t max_id;
	int *index_of_id; /* [0..max_id] → node index or -1 */
	struct org_history *hist; /* owns the strings the nodes point to */
};

/* The snapshot as of a date ("YYYY-MM-DD"; NULL = today), from the cache
 * when current.  Release with org_tree_release(). */
int org_tree_get(struct cx *cx, const char *as_of, struct org_tree **out,
		 struct err *e);
void org_tree_release(struct org_tree *t);
/* Build a snapshot from the database without any cache: loads the history
 * then derives the date's tree (what a transaction's preview uses). */
int org_tree_build(struct db *db, const char *as_of, struct org_tree **out,
		   struct err *e);

/* The whole unit history in memory (every unit, every version, every
 * lineage link), loaded with one scan per table and cached per (database,
 * org_gen).  A snapshot for any date is derived from it in memory, without
 * SQL and without sorting (siblings follow a code rank computed at load). */
int org_history_load(struct db *db, struct org_history **out, struct err *e);
void org_history_release(struct org_history *h);
int org_tree_from_history(struct org_history *h, const char *as_of,
			  struct org_tree **out, struct err *e);
/* Node index of a unit id, or -1 when it is not in the tree at that date. */
int org_tree_find(const struct org_tree *t, int64_t id);

/* Is `unit_id` inside the scope rooted at `scope_id`: a descendant (or
 * itself) at any date, or a unit whose lineage (successors, transitively)
 * leads into such a unit?  1 yes, 0 no, <0 error. */
int org_in_scope(struct cx *cx, int64_t scope_id, int64_t unit_id,
		 struct err *e);

/* Lookup by code → id (ERR_NOT_FOUND, field "code"). */
int org_unit_id_by_code(struct cx *cx, const char *code, int64_t *id,
			struct err *e);

/* Code and latest name of a unit (for labels in other modules' JSON).
 * code must hold ORG_CODE_MAX+1 bytes, name ORG_NAME_MAX*4+1. */
int org_unit_label(struct cx *cx, int64_t id, char *code, char *name,
		   struct err *e);

/* --- Read models (JSON shapes in docs/api.md).  All check ACT_READ. --- */

struct org_list_query {
	const char *as_of; /* NULL = today */
	const char *kind;  /* NULL = any */
	const char *q;	   /* NULL = any; folded match on name or code */
	int64_t parent;	   /* 0 = any */
	int limit, offset;
};
int org_unit_list(struct cx *cx, const struct org_list_query *q, json_t **out,
		  struct err *e);
/* Unit + path + versions + events + active. */
int org_unit_get(struct cx *cx, int64_t id, const char *as_of, json_t **out,
		 struct err *e);
/* {"as_of","root","count"}; depth 0..64 levels of children_list. */
int org_unit_tree(struct cx *cx, int64_t id, const char *as_of, int depth,
		  json_t **out, struct err *e);
/* {"unit","events","predecessors","successors"}. */
int org_unit_lineage(struct cx *cx, int64_t id, json_t **out, struct err *e);
/* The kind catalogue: [{"code","org","level","name_vi","name_en"}]. */
int org_kinds(struct cx *cx, json_t **out, struct err *e);

/* What resolving a unit that is not in a snapshot needs (member_stats.c),
 * for every unit at once, loaded with three scans instead of a query per
 * unit: per unit id u in 1..max_id, its direct lineage links and its
 * versions' parents.  Links u → succ[succ_at[u] .. succ_at[u+1]) and
 * pred[pred_at[u] .. pred_at[u+1]) → u, each list in the order
 * org_unit_lineage gives (event date, then the other unit's code, by the
 * database's collation), with their shares (0 when none); par[par_at[u] ..
 * par_at[u+1]) the parent of each version that has one, oldest first.
 * gen: the structure generation read before loading.  No permission check
 * (internal read).  Free with org_links_free. */
struct org_links {
	int64_t gen, max_id;
	uint32_t *succ_at, *pred_at, *par_at; /* [max_id + 2] */
	int64_t *succ, *pred, *par;
	double *succ_share, *pred_share;
};
int org_links_load(struct db *db, struct org_links **out, struct err *e);
void org_links_free(struct org_links *l);

/* --- Reorganization --- */

enum reorg_kind {
	REORG_CREATE,
	REORG_RENAME,
	REORG_MOVE,
	REORG_MERGE,
	REORG_SPLIT,
	REORG_DISSOLVE
};

struct reorg_new_unit {
	const char *code, *name, *kind;
	int64_t parent; /* 0 = default (see each kind) */
	double share;	/* split only; <0 = not given */
};

struct reorg_req {
	enum reorg_kind kind;
	const char *date;     /* effective date, YYYY-MM-DD */
	const char *decision; /* decision reference, required, ≤ 500 chars */
	const char *note;     /* optional */
	int64_t unit;	      /* rename, move, split, dissolve: the subject */
	int64_t rev;	      /* expected revision of the subject; 0 = any */
	const char *name;     /* rename */
	int64_t parent;	      /* move: the new parent */
	struct reorg_new_unit created; /* create; merge into a new unit */
	int n_sources;	      /* merge */
	const int64_t *sources;
	const int64_t *source_revs; /* NULL or parallel to sources; 0 = any */
	int64_t into;	      /* merge into an existing unit; 0 = created */
	int n_parts;	      /* split */
	const struct reorg_new_unit *parts;
	int n_assign;	      /* split: children → part index */
	const int64_t *assign_child;
	const int *assign_part;
};

/* Parse the JSON body of POST /reorg (docs/api.md) into r.  Strings point
 * into `body` and arrays are allocated: free with reorg_req_release().
 * Unknown fields, wrong types → ERR_BAD_REQUEST naming the field. */
int reorg_req_from_json(json_t *body, struct reorg_req *r, int *dry_run,
			struct err *e);
void reorg_req_release(struct reorg_req *r);
/* Parse a kind name ("merge") → 0, or -ERR_INVALID. */
int reorg_kind_parse(const char *s, enum reorg_kind *out, struct err *e);

/* Apply one event, all or nothing, after checking ACT_REORG on every unit
 * involved and every rule (dates real, after the unit's last change, no
 * cycle, not on a dissolved unit, not merged into itself, revisions
 * current).  With dry_run the transaction is rolled back.  *out receives
 * {"event","dry_run","preview"}; *event_id (may be NULL) the new event id
 * (0 for a dry run). */
int org_reorg(struct cx *cx, const struct reorg_req *r, int dry_run,
	      json_t **out, int64_t *event_id, struct err *e);

/* Insert the default kind catalogue (idempotent) and the root unit when the
 * database has none: code, name, valid_from.  Used by init and the demo. */
int org_bootstrap(struct cx *cx, const char *root_code, const char *root_name,
		  const char *valid_from, int64_t *root_id, struct err *e);

/* Pin the current org history in cx so that many scope checks in a row
 * (inside a transaction, or a pass over every unit) use it instead of
 * looking the structure generation up per check; unpin after. */
int org_history_pin(struct cx *cx, struct err *e);
void org_history_unpin(struct cx *cx);

#endif
