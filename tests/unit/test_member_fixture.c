/*
 * test_member_fixture.c — the fixture of the member tests (test_member.h).
 */
#include <string.h>

#include "domain/auth.h"
#include "domain/org.h"
#include "domain/user.h"
#include "test.h"
#include "test_member.h"

int64_t mfix_unit(struct cx *cx, const char *code, const char *name,
		  const char *kind, int64_t parent, const char *date)
{
	struct reorg_req r;
	struct err e = ERR_INIT;
	int64_t id = 0;
	memset(&r, 0, sizeof r);
	r.kind = REORG_CREATE;
	r.date = date;
	r.decision = "test";
	r.created.code = code;
	r.created.name = name;
	r.created.kind = kind;
	r.created.parent = parent;
	r.created.share = -1;
	CHECK(org_reorg(cx, &r, 0, NULL, NULL, &e) == 0);
	CHECK(org_unit_id_by_code(cx, code, &id, &e) == 0);
	return id;
}

int64_t mfix_merge(struct cx *cx, const int64_t *sources, int n,
		   const char *code, const char *kind, int64_t parent,
		   const char *date)
{
	struct reorg_req r;
	struct err e = ERR_INIT;
	int64_t id = 0;
	memset(&r, 0, sizeof r);
	r.kind = REORG_MERGE;
	r.date = date;
	r.decision = "merge";
	r.sources = sources;
	r.n_sources = n;
	r.created.code = code;
	r.created.name = "Chi bộ hợp nhất";
	r.created.kind = kind;
	r.created.parent = parent;
	r.created.share = -1;
	CHECK(org_reorg(cx, &r, 0, NULL, NULL, &e) == 0);
	CHECK(org_unit_id_by_code(cx, code, &id, &e) == 0);
	return id;
}

void mfix_setup(struct db *db, struct mfix *f)
{
	struct err e = ERR_INIT;
	const char *d = "2000-01-01";
	memset(f, 0, sizeof *f);
	cx_init_system(&f->cx, db);
	CHECK(org_bootstrap(&f->cx, "VN", "Việt Nam", "1945-09-02", &f->vn, &e) == 0);
	f->p1 = mfix_unit(&f->cx, "P1", "Tỉnh Một", "province", f->vn, d);
	f->p2 = mfix_unit(&f->cx, "P2", "Tỉnh Hai", "province", f->vn, d);
	f->t1 = mfix_unit(&f->cx, "P1-TU", "Tỉnh ủy Một", "party_committee", f->p1, d);
	f->t2 = mfix_unit(&f->cx, "P2-TU", "Tỉnh ủy Hai", "party_committee", f->p2, d);
	f->c1 = mfix_unit(&f->cx, "C1", "Chi bộ Một", "party_cell", f->t1, d);
	f->c2 = mfix_unit(&f->cx, "C2", "Chi bộ Hai", "party_cell", f->t1, d);
	f->c3 = mfix_unit(&f->cx, "C3", "Chi bộ Ba", "party_cell", f->t2, d);
	f->y1 = mfix_unit(&f->cx, "P1-DTN", "Tỉnh đoàn Một", "youth_union", f->p1, d);
}

int64_t mfix_person(struct cx *cx, const char *name, const char *cid,
		    const char *gender, const char *birth)
{
	struct member_record r;
	struct err e = ERR_INIT;
	int64_t id = 0;
	memset(&r, 0, sizeof r);
	r.f[MF_FULL_NAME] = name;
	r.f[MF_CITIZEN_ID] = cid;
	r.f[MF_GENDER] = gender;
	r.f[MF_BIRTH_DATE] = birth;
	r.f[MF_ETHNICITY] = "Kinh";
	CHECK(member_person_create(cx, &r, 0, &id, NULL, &e) == 0);
	return id;
}

int64_t mfix_admit(struct cx *cx, int64_t person, const char *org,
		   int64_t unit, const char *date, struct err *e)
{
	struct member_admit a;
	int64_t id = 0;
	memset(&a, 0, sizeof a);
	a.person_id = person;
	a.org = org;
	a.unit_id = unit;
	a.date = date;
	a.decision = "01-QĐ/ĐU";
	if (member_admit(cx, &a, &id, NULL, e) < 0) {
		return 0;
	}
	return id;
}

int mfix_event(struct cx *cx, int64_t mid, enum member_event_kind k,
	       const char *date, int64_t to, struct err *e)
{
	struct member_event_req r;
	memset(&r, 0, sizeof r);
	r.kind = k;
	r.membership_id = mid;
	r.date = date;
	r.decision = "02-QĐ/ĐU";
	r.to_unit = to;
	return member_event(cx, &r, NULL, e);
}

void mfix_user(struct mfix *f, const char *login, const char *role,
	       int64_t unit, struct cx *out)
{
	struct user_new u;
	struct err e = ERR_INIT;
	memset(&u, 0, sizeof u);
	u.login = login;
	u.password = "member-test-password";
	u.role = role;
	u.unit_id = unit;
	CHECK(user_add(&f->cx, &u, NULL, &e) == 0);
	*out = f->cx;
	CHECK(auth_actor_by_login(f->cx.db, login, &out->actor, &e) == 0);
}

int64_t mfix_scalar(struct db *db, const char *sql, const char *arg)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	int64_t n = -1;
	CHECK(db_prepare(db, sql, &st, &e) == 0);
	if (arg) {
		db_bind_text(st, 1, arg);
	}
	if (db_step(st, &e) == DB_ROW) {
		n = db_col_int64(st, 0);
	}
	db_finalize(st);
	return n;
}
