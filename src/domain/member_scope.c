/*
 * member_scope.c — the units a member list restricted to a subtree may
 * show (member_scope.h).  Reads the unit table once and asks org_in_scope
 * about each id with the org history pinned for the whole pass (one
 * lookup of the org generation instead of one per unit); the verdict is
 * the list's own rule, so the set is exact, not an approximation.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/member_scope.h"
#include "domain/org.h"

void member_scope_free(struct member_scope *s)
{
	free(s->ids);
	free(s->in);
	memset(s, 0, sizeof *s);
}

int member_scope_has(const struct member_scope *s, int64_t unit)
{
	if (!s->in || unit <= 0 || unit > s->max) {
		return -1;
	}
	return s->in[unit];
}

static int scope_in(struct cx *cx, int64_t root, int64_t unit, struct err *e)
{
	int in = 1;
	if (root) {
		in = org_in_scope(cx, root, unit, e);
	}
	if (in == 1 && !cx->actor.system && cx->actor.unit_id) {
		in = org_in_scope(cx, cx->actor.unit_id, unit, e);
	}
	return in;
}

int member_scope_load(struct cx *cx, int64_t root, struct member_scope *s,
		      struct err *e)
{
	struct db_stmt *st;
	int64_t *all = NULL;
	size_t n = 0, cap = 0;
	int rc, pinned = 0;
	memset(s, 0, sizeof *s);
	if ((rc = db_prepare(cx->db, "SELECT id FROM unit ORDER BY id", &st, e))) {
		return rc;
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			int64_t *na = realloc(all, ncap * sizeof *na);
			if (!na) {
				rc = err_set(e, ERR_INTERNAL, "", "out of memory");
				break;
			}
			all = na;
			cap = ncap;
		}
		all[n++] = db_col_int64(st, 0);
	}
	db_finalize(st);
	if (rc < 0) {
		free(all);
		return rc;
	}
	s->max = n ? all[n - 1] : 0;
	s->in = malloc((size_t)s->max + 1);
	s->ids = malloc((n ? n : 1) * sizeof *s->ids);
	if (!s->in || !s->ids) {
		free(all);
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	memset(s->in, -1, (size_t)s->max + 1);
	if (!cx->org_pin) {
		if ((rc = org_history_pin(cx, e))) {
			free(all);
			return rc;
		}
		pinned = 1;
	}
	for (size_t i = 0; i < n; i++) {
		int in = all[i] > 0 ? scope_in(cx, root, all[i], e) : 0;
		if (in < 0) {
			rc = in;
			break;
		}
		if (all[i] > 0) {
			s->in[all[i]] = (signed char)in;
		}
		if (in) {
			s->ids[s->n++] = all[i];
		}
	}
	if (pinned) {
		org_history_unpin(cx);
	}
	free(all);
	return rc < 0 ? rc : 0;
}
