/*
 * org_bulk.c — many units in one `create` event (org_bulk.h).  Part of the
 * org module: it writes unit, unit_version, reorg_event, reorg_event_unit
 * and meta org_gen exactly as org_reorg() writes a create, with prepared
 * statements reused across the batch and one audit entry for all of it.
 * It never changes existing units.
 */
#include "domain/org_bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org_internal.h"

#define KIND_CACHE 64
#define MAX_DEPTH 64

struct kind_level {
	const char *kind; /* borrowed from the units */
	int level;
};

/* One distinct parent of the batch. */
struct parent {
	int64_t id, grand; /* grand: the parent's parent as of the date */
	int level;
};

struct bulk {
	struct cx *cx;
	const char *date;
	int n;
	const struct reorg_new_unit *units;
	char **names, **folds; /* cleaned names and search keys, owned */
	int *levels;	       /* the kind's level, -1 = the parent's */
	struct parent *parents;
	int n_parents;
	struct kind_level kinds[KIND_CACHE];
	int n_kinds;
};

static int code_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > ORG_CODE_MAX) {
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
			return 0;
		}
	}
	return 1;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = ((const struct parent *)a)->id, y = ((const struct parent *)b)->id;
	return x < y ? -1 : x > y;
}

static struct parent *parent_find(struct bulk *b, int64_t id)
{
	struct parent key = {id, 0, 0};
	return bsearch(&key, b->parents, (size_t)b->n_parents, sizeof key, cmp_id);
}

/* The catalogue level of units[i].kind into b->levels[i] (-1 = inherit
 * the parent's), from a small cache of the kinds seen in the batch. */
static int kind_level(struct bulk *b, int i, struct err *e)
{
	const char *kind = b->units[i].kind;
	char field[64];
	int rc;
	snprintf(field, sizeof field, "units[%d].kind", i);
	if (!kind) {
		return err_set(e, ERR_INVALID, field, "a kind is required");
	}
	for (int k = 0; k < b->n_kinds; k++) {
		if (strcmp(b->kinds[k].kind, kind) == 0) {
			b->levels[i] = b->kinds[k].level;
			return 0;
		}
	}
	if ((rc = org_kind_level(b->cx->db, kind, &b->levels[i], e))) {
		snprintf(e->field, sizeof e->field, "%s", field);
		return rc;
	}
	if (b->n_kinds < KIND_CACHE) {
		b->kinds[b->n_kinds].kind = kind;
		b->kinds[b->n_kinds++].level = b->levels[i];
	}
	return 0;
}

/* Everything that needs no transaction: arguments, codes, names, kinds,
 * the distinct parents and the actor's right on each. */
static int check_units(struct bulk *b, const char *decision, struct err *e)
{
	char field[64];
	int rc;
	if ((rc = date_check(b->date, "date", e))) {
		return rc;
	}
	if (!decision || !decision[0]) {
		return err_set(e, ERR_INVALID, "decision", "a decision reference is required");
	}
	if (!utf8_valid(decision, strlen(decision))) {
		return err_set(e, ERR_BAD_REQUEST, "decision", "text is not valid UTF-8");
	}
	if (utf8_len(decision) > ORG_DECISION_MAX) {
		return err_set(e, ERR_INVALID, "decision",
			       "decision is too long: at most %d characters", ORG_DECISION_MAX);
	}
	if (b->n < 1) {
		return err_set(e, ERR_INVALID, "units", "nothing to create");
	}
	b->names = calloc((size_t)b->n, sizeof *b->names);
	b->folds = calloc((size_t)b->n, sizeof *b->folds);
	b->levels = calloc((size_t)b->n, sizeof *b->levels);
	b->parents = calloc((size_t)b->n, sizeof *b->parents);
	if (!b->names || !b->folds || !b->levels || !b->parents) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	for (int i = 0; i < b->n; i++) {
		const struct reorg_new_unit *u = &b->units[i];
		if (!code_valid(u->code)) {
			snprintf(field, sizeof field, "units[%d].code", i);
			return err_set(e, ERR_INVALID, field,
				       "a code is 1 to %d characters of A-Z a-z 0-9 . _ -",
				       ORG_CODE_MAX);
		}
		snprintf(field, sizeof field, "units[%d].name", i);
		if (!(b->names[i] = utf8_clean_name(u->name ? u->name : "", ORG_NAME_MAX, field, e))) {
			return -(int)e->code;
		}
		if (!(b->folds[i] = utf8_fold(b->names[i]))) {
			return err_set(e, ERR_INTERNAL, "", "out of memory");
		}
		if ((rc = kind_level(b, i, e))) {
			return rc;
		}
		if (u->parent <= 0) {
			snprintf(field, sizeof field, "units[%d].parent", i);
			return err_set(e, ERR_INVALID, field, "a parent is required");
		}
		b->parents[i].id = u->parent;
	}
	qsort(b->parents, (size_t)b->n, sizeof *b->parents, cmp_id);
	for (int i = 0; i < b->n; i++) {
		if (i == 0 || b->parents[i].id != b->parents[b->n_parents - 1].id) {
			b->parents[b->n_parents++] = b->parents[i];
		}
	}
	for (int k = 0; k < b->n_parents; k++) {
		if ((rc = auth_may(b->cx, ACT_REORG, b->parents[k].id, e))) {
			return rc;
		}
	}
	return 0;
}

/* The version of `id` as of the date: its parent and level.  ERR_INVALID
 * "parent" when it does not exist then, or, for a parent (level != NULL),
 * when it ends later: a new unit would outlive it. */
static int unit_as_of(struct bulk *b, int64_t id, int64_t *grand, int *level,
		      struct err *e)
{
	struct db_stmt *st;
	int rc;
	rc = db_prepare(b->cx->db,
			"SELECT v.parent_id, v.level,"
			" (SELECT MAX(w.valid_to) FROM unit_version w WHERE w.unit_id = v.unit_id)"
			" FROM unit_version v"
			" WHERE v.unit_id = ? AND v.valid_from <= ? AND v.valid_to > ?",
			&st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, b->date);
	db_bind_text(st, 3, b->date);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		int open = !level || strcmp(db_col_text(st, 2), DATE_OPEN) == 0;
		*grand = db_col_is_null(st, 0) ? 0 : db_col_int64(st, 0);
		if (level) {
			*level = (int)db_col_int64(st, 1);
		}
		rc = open ? 0
			  : err_set(e, ERR_INVALID, "parent",
				    "parent unit %lld ends after %s: a unit cannot be created under it",
				    (long long)id, b->date);
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_INVALID, "parent",
			     "parent unit %lld does not exist on %s", (long long)id, b->date);
	}
	db_finalize(st);
	return rc;
}

/* Check every parent as of the date and find their nearest common
 * ancestor (0 when they share none). */
static int check_parents(struct bulk *b, int64_t *common, struct err *e)
{
	int64_t chain[MAX_DEPTH];
	int n_chain = 0, rc;
	for (int k = 0; k < b->n_parents; k++) {
		struct parent *p = &b->parents[k];
		int64_t u, up;
		int pos = -1;
		if ((rc = unit_as_of(b, p->id, &p->grand, &p->level, e))) {
			for (int i = 0; i < b->n; i++) {
				if (b->units[i].parent == p->id) {
					snprintf(e->field, sizeof e->field, "units[%d].parent", i);
					break;
				}
			}
			return rc;
		}
		if (k == 0) {
			/* The chain from the first parent up to its root. */
			chain[n_chain++] = p->id;
			for (u = p->grand; u && n_chain < MAX_DEPTH; u = up) {
				chain[n_chain++] = u;
				if ((rc = unit_as_of(b, u, &up, NULL, e))) {
					return rc;
				}
			}
			continue;
		}
		for (u = p->id; u && pos < 0;) {
			for (int c = 0; c < n_chain; c++) {
				if (chain[c] == u) {
					pos = c;
					break;
				}
			}
			if (pos >= 0) {
				break;
			}
			if (u == p->id) {
				u = p->grand;
			} else if ((rc = unit_as_of(b, u, &up, NULL, e))) {
				return rc;
			} else {
				u = up;
			}
		}
		if (pos < 0) {
			n_chain = 0;
		} else if (pos > 0) {
			memmove(chain, chain + pos, (size_t)(n_chain - pos) * sizeof *chain);
			n_chain -= pos;
		}
	}
	*common = n_chain > 0 ? chain[0] : 0;
	return 0;
}

static int insert_event(struct bulk *b, const char *decision, int64_t *event_id,
			struct err *e)
{
	struct db_stmt *st;
	int rc = db_prepare(b->cx->db,
			    "INSERT INTO reorg_event(kind, date, decision, note, actor_id, created_ms)"
			    " VALUES ('create', ?, ?, '', ?, ?) RETURNING id",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_text(st, 1, b->date);
	db_bind_text(st, 2, decision);
	if (b->cx->actor.user_id) {
		db_bind_int64(st, 3, b->cx->actor.user_id);
	} else {
		db_bind_null(st, 3);
	}
	db_bind_int64(st, 4, b->cx->now_ms);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*event_id = db_col_int64(st, 0);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_INTERNAL, "", "no id for the new event");
	}
	db_finalize(st);
	return rc;
}

/* The three rows of each unit, with the statements prepared once. */
static int insert_units(struct bulk *b, int64_t event_id, struct err *e)
{
	struct db_stmt *su = NULL, *sv = NULL, *se = NULL;
	int rc;
	if ((rc = db_prepare(b->cx->db,
			     "INSERT INTO unit(code, kind, rev, created_ms)"
			     " VALUES (?, ?, 1, ?) RETURNING id",
			     &su, e)) ||
	    (rc = db_prepare(b->cx->db,
			     "INSERT INTO unit_version(unit_id, parent_id, name, name_fold,"
			     " level, valid_from, valid_to, event_id)"
			     " VALUES (?, ?, ?, ?, ?, ?, '" DATE_OPEN "', ?)",
			     &sv, e)) ||
	    (rc = db_prepare(b->cx->db,
			     "INSERT INTO reorg_event_unit(event_id, unit_id, role)"
			     " VALUES (?, ?, 'created')",
			     &se, e))) {
		goto done;
	}
	for (int i = 0; i < b->n && rc == 0; i++) {
		const struct reorg_new_unit *u = &b->units[i];
		int64_t id = 0;
		int level = b->levels[i];
		if (level < 0) {
			level = parent_find(b, u->parent)->level;
		}
		db_bind_text(su, 1, u->code);
		db_bind_text(su, 2, u->kind);
		db_bind_int64(su, 3, b->cx->now_ms);
		rc = db_step(su, e);
		if (rc == DB_ROW) {
			id = db_col_int64(su, 0);
			rc = 0;
		} else if (rc < 0 && e->code == ERR_CONFLICT) {
			char field[64];
			snprintf(field, sizeof field, "units[%d].code", i);
			rc = err_set(e, ERR_CONFLICT, field, "the code %s is taken", u->code);
		} else if (rc == DB_DONE) {
			rc = err_set(e, ERR_INTERNAL, "", "no id for the new unit");
		}
		db_reset(su);
		if (rc) {
			break;
		}
		db_bind_int64(sv, 1, id);
		db_bind_int64(sv, 2, u->parent);
		db_bind_text(sv, 3, b->names[i]);
		db_bind_text(sv, 4, b->folds[i]);
		db_bind_int64(sv, 5, level);
		db_bind_text(sv, 6, b->date);
		db_bind_int64(sv, 7, event_id);
		rc = db_step(sv, e);
		db_reset(sv);
		if (rc >= 0) {
			db_bind_int64(se, 1, event_id);
			db_bind_int64(se, 2, id);
			rc = db_step(se, e);
			db_reset(se);
		}
		rc = rc < 0 ? rc : 0;
	}
done:
	db_finalize(su);
	db_finalize(sv);
	db_finalize(se);
	return rc;
}

static int write_all(struct bulk *b, const char *decision, struct err *e)
{
	int64_t event_id = 0, common = 0;
	char object_id[24];
	json_t *change;
	int rc;
	if ((rc = check_parents(b, &common, e)) ||
	    (rc = insert_event(b, decision, &event_id, e)) ||
	    (rc = insert_units(b, event_id, e)) ||
	    (rc = org_gen_bump(b->cx->db, e))) {
		return rc;
	}
	snprintf(object_id, sizeof object_id, "%lld", (long long)event_id);
	change = json_pack("{ss ss ss si ss ss}", "kind", "create", "date", b->date,
			   "decision", decision, "count", b->n, "first_code",
			   b->units[0].code, "last_code", b->units[b->n - 1].code);
	if (!change) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	rc = audit_append(b->cx, "reorg.create", "reorg_event", object_id, common,
			  change, e);
	json_decref(change);
	return rc;
}

int org_bulk_create(struct cx *cx, const char *date, const char *decision,
		    int n, const struct reorg_new_unit *units, struct err *e)
{
	struct bulk b;
	int rc;
	memset(&b, 0, sizeof b);
	b.cx = cx;
	b.date = date ? date : "";
	b.n = n;
	b.units = units;
	rc = check_units(&b, decision, e);
	if (rc == 0 && (rc = db_begin(cx->db, e)) == 0) {
		if ((rc = write_all(&b, decision, e)) == 0) {
			rc = db_commit(cx->db, e);
		} else {
			db_rollback(cx->db);
		}
	}
	for (int i = 0; i < n && b.names; i++) {
		free(b.names[i]);
		if (b.folds) {
			free(b.folds[i]);
		}
	}
	free(b.names);
	free(b.folds);
	free(b.levels);
	free(b.parents);
	return rc;
}
