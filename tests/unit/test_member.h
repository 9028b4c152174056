/*
 * test_member.h — the fixture the member tests share (test_member_fixture.c):
 * a small tree with party units in two provinces and a youth union, and
 * helpers to make people and memberships.
 *
 *   VN ⊃ P1 ⊃ T1 (party committee) ⊃ C1, C2 (party cells); P1 ⊃ Y1 (youth)
 *      ⊃ P2 ⊃ T2 ⊃ C3
 * All from 2000-01-01.
 */
#ifndef CADRE_TEST_MEMBER_H
#define CADRE_TEST_MEMBER_H

#include <stdint.h>

#include "domain/cx.h"
#include "domain/member.h"

struct mfix {
	struct cx cx;
	int64_t vn, p1, p2, t1, t2, c1, c2, c3, y1;
};

void mfix_setup(struct db *db, struct mfix *f);
/* The first column of the first row of sql (-1 when none), e.g. a count;
 * arg, when not NULL, is bound to its one parameter. */
int64_t mfix_scalar(struct db *db, const char *sql, const char *arg);
/* Create a unit (create event on date) and return its id. */
int64_t mfix_unit(struct cx *cx, const char *code, const char *name,
		  const char *kind, int64_t parent, const char *date);
/* Merge sources into a new unit `code` of `kind` under parent on date. */
int64_t mfix_merge(struct cx *cx, const int64_t *sources, int n,
		   const char *code, const char *kind, int64_t parent,
		   const char *date);
/* A person (cid may be NULL); returns the id, 0 on failure. */
int64_t mfix_person(struct cx *cx, const char *name, const char *cid,
		    const char *gender, const char *birth);
/* Admit; returns the membership id, 0 on failure (e filled). */
int64_t mfix_admit(struct cx *cx, int64_t person, const char *org,
		   int64_t unit, const char *date, struct err *e);
/* One event; returns the domain's code. */
int mfix_event(struct cx *cx, int64_t mid, enum member_event_kind k,
	       const char *date, int64_t to, struct err *e);
/* A user with role at unit, and a cx acting as them. */
void mfix_user(struct mfix *f, const char *login, const char *role,
	       int64_t unit, struct cx *out);

#endif
