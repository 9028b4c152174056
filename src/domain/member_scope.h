/*
 * member_scope.h — the set of units a member list restricted to a subtree
 * may show (internal to the member module, member_scope.c): every unit id
 * checked once with the scope rule of the list (org_in_scope: in the
 * subtree at any date, or merged into a unit that is), so the list's SQL
 * can ask for those units only (m.unit_id IN (…)) instead of filtering
 * every membership of the country in C.
 */
#ifndef CADRE_MEMBER_SCOPE_H
#define CADRE_MEMBER_SCOPE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/cx.h"

struct member_scope {
	int64_t *ids;	 /* the visible unit ids, ascending */
	size_t n;
	signed char *in; /* [0..max]: 1 visible, 0 not, -1 not a unit */
	int64_t max;
};

/* Fill s for a list under root (0 = any) as the actor of cx sees it: a
 * unit is in when it is in root's subtree (if root) and in the actor's
 * (unless the actor sees everything).  Release with member_scope_free()
 * (also after an error). */
int member_scope_load(struct cx *cx, int64_t root, struct member_scope *s,
		      struct err *e);
/* 1 visible, 0 not, -1 not known to the set (not a unit when loaded). */
int member_scope_has(const struct member_scope *s, int64_t unit);
void member_scope_free(struct member_scope *s);

#endif
