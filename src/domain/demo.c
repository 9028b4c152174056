/*
 * demo.c — the demo datasets (demo.h), built only through the domain's own
 * calls (org_reorg, org_bulk_create, user_add) so that history, lineage and
 * the audit chain are exactly what real use would produce.  Owns no table
 * and runs no SQL; the data comes from demo_data.c.
 *
 * The story told by demo_load():
 *   2008-08-01 (decision 15/2008/QH12, the date Hà Tây joined Hà Nội; any
 *   fixed date after 1991 would do): the 63 provinces under VN, and under
 *   seven of them (demo_details) their party committee, Front committee and
 *   mass organizations, a few districts with their communes and wards, and
 *   two grassroots units in each commune.
 *   2025-07-01: the provinces merge 63 → 34 (202/2025/QH15); the communes of
 *   the detailed provinces move directly under the (new) province, some
 *   merging three into one; the districts are dissolved (72/2025/QH15, the
 *   end of the district level); the mass organizations of two provinces
 *   merged together merge too.  Decisions below the province level are
 *   marked "(minh họa)": illustrative, not real references.
 * Since org_reorg changes a unit at most once per date, the three mergers
 * whose members have districts (VN-N08, VN-N45, VN-N66) create the new
 * province first and merge the old ones into it last (demo_group_needs_prep);
 * the other twenty merge into a new unit in one event.
 *
 * Demo users (password "demo-password-123"): hanoi.viewer (viewer at VN-01)
 * and tuyenquang.manager (manager at VN-N08).
 */
#include "domain/demo.h"
#include "domain/member.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/demo_data.h"
#include "domain/org.h"
#include "domain/org_bulk.h"
#include "domain/user.h"

#define ROOT_CODE "VN"
#define ROOT_NAME "Việt Nam"
#define ROOT_FROM "1945-09-02"

#define D_OLD "2008-08-01"
#define DEC_OLD "15/2008/QH12"
#define D_NEW "2025-07-01"
#define DEC_PROVINCE "202/2025/QH15"
#define DEC_DISTRICT "72/2025/QH15"
#define DEC_COMMUNE "Nghị quyết sắp xếp đơn vị hành chính cấp xã 2025 (minh họa)"
#define DEC_ORG "Quyết định hợp nhất tổ chức cấp tỉnh 2025 (minh họa)"
#define DEC_NATIONAL "Dữ liệu quy mô quốc gia cho đo hiệu năng (minh họa)"

#define DEMO_PASSWORD "demo-password-123"
#define CELLS_PER_COMMUNE 2
#define MAX_CELLS 99	     /* -C<nn>: two digits per province */
#define NATIONAL_COMMUNES 3321 /* 2,621 communes + 687 wards + 13 zones */
#define NATIONAL_PER_COMMUNE 30
#define NATIONAL_FIRST_X 201 /* demo_load uses X001.., X101.. */

#define NAME_BUF DEMO_NAME_BUF
#define CODE_BUF DEMO_CODE_BUF

/* ---- small helpers ---- */

static int id_of(struct cx *cx, const char *code, int64_t *id, struct err *e)
{
	return org_unit_id_by_code(cx, code, id, e);
}

/* Run one event; the JSON answer (and its preview) is not needed. */
static int reorg(struct cx *cx, const struct reorg_req *r, struct err *e)
{
	return org_reorg(cx, r, 0, NULL, NULL, e);
}

static int create(struct cx *cx, const char *date, const char *decision,
		  const char *code, const char *name, const char *kind,
		  int64_t parent, int64_t *id, struct err *e)
{
	struct reorg_req r;
	int rc;
	memset(&r, 0, sizeof r);
	r.kind = REORG_CREATE;
	r.date = date;
	r.decision = decision;
	r.created.code = code;
	r.created.name = name;
	r.created.kind = kind;
	r.created.parent = parent;
	r.created.share = -1;
	if ((rc = reorg(cx, &r, e))) {
		return rc;
	}
	return id ? id_of(cx, code, id, e) : 0;
}

/* Merge sources[0..n) into a new unit under `parent`. */
static int merge_new(struct cx *cx, const char *decision, const int64_t *sources,
		     int n, const char *code, const char *name, const char *kind,
		     int64_t parent, struct err *e)
{
	struct reorg_req r;
	memset(&r, 0, sizeof r);
	r.kind = REORG_MERGE;
	r.date = D_NEW;
	r.decision = decision;
	r.n_sources = n;
	r.sources = sources;
	r.created.code = code;
	r.created.name = name;
	r.created.kind = kind;
	r.created.parent = parent;
	r.created.share = -1;
	return reorg(cx, &r, e);
}

static int one_unit_event(struct cx *cx, enum reorg_kind kind,
			  const char *decision, int64_t unit, int64_t parent,
			  const char *name, struct err *e)
{
	struct reorg_req r;
	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.date = D_NEW;
	r.decision = decision;
	r.unit = unit;
	r.parent = parent;
	r.name = name;
	return reorg(cx, &r, e);
}

/* ---- 2008: the 63 provinces and the detailed ones' insides ---- */

static int provinces_2008(struct cx *cx, int64_t root, int64_t *ids,
			  struct err *e)
{
	char code[CODE_BUF];
	for (int i = 0; i < demo_provinces_n; i++) {
		const struct demo_province *p = &demo_provinces[i];
		int rc;
		demo_codef(code, "VN-%s", p->code);
		rc = create(cx, D_OLD, DEC_OLD, code, p->name, p->kind, root,
			    &ids[i], e);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

static int detail_2008(struct cx *cx, const struct demo_detail *d,
		       int64_t province, struct err *e)
{
	const struct demo_province *p = &demo_provinces[demo_province_index(d->code)];
	int city = strcmp(p->kind, "city") == 0;
	char code[CODE_BUF], name[NAME_BUF];
	int64_t districts[100], commune;
	int n_districts = 0, cells = 0, rc;
	if (d->orgs) {
		for (int k = 0; k < demo_orgs_n; k++) {
			demo_codef(code, "VN-%s-%s", d->code, demo_orgs[k].suffix);
			demo_org_name(&demo_orgs[k], city, p->name, name);
			rc = create(cx, D_OLD, DEC_OLD, code, name,
				    demo_orgs[k].kind, province, NULL, e);
			if (rc) {
				return rc;
			}
		}
	}
	for (; d->districts[n_districts] && n_districts < 99; n_districts++) {
		demo_codef(code, "VN-%s-D%02d", d->code, n_districts + 1);
		rc = create(cx, D_OLD, DEC_OLD, code, d->districts[n_districts],
			    "district", province, &districts[n_districts], e);
		if (rc) {
			return rc;
		}
	}
	for (int x = 0; d->communes[x].district; x++) {
		const struct demo_commune *c = &d->communes[x];
		demo_codef(code, "VN-%s-X%03d", d->code, x + 1);
		rc = create(cx, D_OLD, DEC_OLD, code, c->name, c->kind,
			    districts[c->district - 1], &commune, e);
		/* A village's party cell (the x-th village: grassroots unit
		 * number v + v / 5, see demo_grassroots_name) and the school. */
		for (int j = 0; rc == 0 && j < CELLS_PER_COMMUNE && cells < MAX_CELLS; j++) {
			int v = x % demo_villages_n;
			const char *kind = demo_grassroots_name(
				j ? 5 : v + v / 5, c->name,
				strcmp(c->kind, "ward") == 0, name);
			demo_codef(code, "VN-%s-C%02d", d->code, ++cells);
			rc = create(cx, D_OLD, DEC_OLD, code, name, kind, commune,
				    NULL, e);
		}
		if (rc) {
			return rc;
		}
	}
	return 0;
}

/* ---- 2025-07-01 ---- */

/* Create the new provinces of the groups that need preparing. */
static int prepare_2025(struct cx *cx, int64_t root, struct err *e)
{
	char code[CODE_BUF];
	for (int i = 0; i < demo_provinces_n; i++) {
		const struct demo_province *p = &demo_provinces[i];
		int rc;
		if (!demo_group_first(i) || !demo_group_needs_prep(i)) {
			continue;
		}
		demo_successor_code(i, code);
		rc = create(cx, D_NEW, DEC_PROVINCE, code, p->new_name, p->new_kind,
			    root, NULL, e);
		if (rc) {
			return rc;
		}
	}
	return 0;
}

/* Merge or rename every group of provinces (the new unit of a prepared
 * group exists already and receives the merge). */
static int provinces_2025(struct cx *cx, int64_t root, const int64_t *ids,
			  struct err *e)
{
	char code[CODE_BUF];
	int64_t sources[8];
	for (int i = 0; i < demo_provinces_n; i++) {
		const struct demo_province *p = &demo_provinces[i];
		struct reorg_req r;
		int n = 0, rc = 0;
		if (!demo_group_first(i)) {
			continue;
		}
		for (int k = i; k < demo_provinces_n && n < 8; k++) {
			if (strcmp(demo_provinces[k].new_name, p->new_name) == 0) {
				sources[n++] = ids[k];
			}
		}
		demo_successor_code(i, code);
		if (n == 1 && strcmp(p->name, p->new_name) != 0) {
			rc = one_unit_event(cx, REORG_RENAME, DEC_PROVINCE, ids[i],
					    0, p->new_name, e);
		} else if (n > 1 && !demo_group_needs_prep(i)) {
			rc = merge_new(cx, DEC_PROVINCE, sources, n, code,
				       p->new_name, p->new_kind, root, e);
		} else if (n > 1) {
			memset(&r, 0, sizeof r);
			r.kind = REORG_MERGE;
			r.date = D_NEW;
			r.decision = DEC_PROVINCE;
			r.n_sources = n;
			r.sources = sources;
			if ((rc = id_of(cx, code, &r.into, e)) == 0) {
				rc = reorg(cx, &r, e);
			}
		}
		if (rc) {
			return rc;
		}
	}
	return 0;
}

/* Communes of a detailed province straight under its 2025 province (some
 * merged three into one), then its districts dissolved. */
static int detail_2025(struct cx *cx, int di, struct err *e)
{
	const struct demo_detail *d = &demo_details[di];
	char code[CODE_BUF], succ[CODE_BUF];
	int64_t sources[32], id, province;
	int next = demo_first_new_commune(di), rc;
	demo_successor_code(demo_province_index(d->code), succ);
	if ((rc = id_of(cx, succ, &province, e))) {
		return rc;
	}
	for (int m = 0; d->merged[m].kind; m++) {
		int n = 0;
		for (int x = 0; d->communes[x].district; x++) {
			if (d->communes[x].merge != m + 1 || n == 32) {
				continue;
			}
			demo_codef(code, "VN-%s-X%03d", d->code, x + 1);
			if ((rc = id_of(cx, code, &sources[n++], e))) {
				return rc;
			}
		}
		demo_codef(code, "%s-X%03d", succ, next++);
		rc = merge_new(cx, DEC_COMMUNE, sources, n, code,
			       d->merged[m].name, d->merged[m].kind, province, e);
		if (rc) {
			return rc;
		}
	}
	for (int x = 0; d->communes[x].district; x++) {
		if (d->communes[x].merge) {
			continue;
		}
		demo_codef(code, "VN-%s-X%03d", d->code, x + 1);
		if ((rc = id_of(cx, code, &id, e)) ||
		    (rc = one_unit_event(cx, REORG_MOVE, DEC_DISTRICT, id,
					 province, NULL, e))) {
			return rc;
		}
	}
	for (int k = 0; d->districts[k]; k++) {
		demo_codef(code, "VN-%s-D%02d", d->code, k + 1);
		if ((rc = id_of(cx, code, &id, e)) ||
		    (rc = one_unit_event(cx, REORG_DISSOLVE, DEC_DISTRICT, id, 0,
					 NULL, e))) {
			return rc;
		}
	}
	return 0;
}

/* Where two detailed provinces with organizations merge, their
 * organizations merge too, into <successor>-<suffix>.  Elsewhere the
 * province merger moves them under the new province as they are. */
static int orgs_2025(struct cx *cx, struct err *e)
{
	char code[CODE_BUF], scode[CODE_BUF], other[CODE_BUF], name[NAME_BUF];
	for (int a = 0; a < demo_details_n; a++) {
		int ia = demo_province_index(demo_details[a].code), n = 0, done = 0;
		const struct demo_province *pa = &demo_provinces[ia];
		int members[8];
		int64_t province;
		if (!demo_details[a].orgs) {
			continue;
		}
		demo_successor_code(ia, scode);
		for (int b = 0; b < demo_details_n && !done; b++) {
			if (!demo_details[b].orgs) {
				continue;
			}
			demo_successor_code(demo_province_index(demo_details[b].code), other);
			if (strcmp(other, scode) == 0) {
				done = b < a; /* handled with an earlier member */
				if (n < 8) {
					members[n++] = b;
				}
			}
		}
		if (done || n < 2) {
			continue;
		}
		if (id_of(cx, scode, &province, e)) {
			return -(int)e->code;
		}
		for (int k = 0; k < demo_orgs_n; k++) {
			int64_t sources[8];
			int rc;
			for (int m = 0; m < n; m++) {
				demo_codef(code, "VN-%s-%s", demo_details[members[m]].code,
				      demo_orgs[k].suffix);
				if ((rc = id_of(cx, code, &sources[m], e))) {
					return rc;
				}
			}
			demo_codef(code, "%s-%s", scode, demo_orgs[k].suffix);
			demo_org_name(&demo_orgs[k], strcmp(pa->new_kind, "city") == 0,
				 pa->new_name, name);
			rc = merge_new(cx, DEC_ORG, sources, n, code, name,
				       demo_orgs[k].kind, province, e);
			if (rc) {
				return rc;
			}
		}
	}
	return 0;
}

static int demo_users(struct cx *cx, struct err *e)
{
	static const struct {
		const char *login, *display, *role, *unit;
	} users[] = {
		{"hanoi.viewer", "Người xem Hà Nội", "viewer", "VN-01"},
		{"tuyenquang.manager", "Quản lý Tuyên Quang", "manager", "VN-N08"},
	};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
		struct user_new u;
		int rc;
		memset(&u, 0, sizeof u);
		u.login = users[i].login;
		u.display_name = users[i].display;
		u.password = DEMO_PASSWORD;
		u.role = users[i].role;
		if ((rc = id_of(cx, users[i].unit, &u.unit_id, e)) ||
		    (rc = user_add(cx, &u, NULL, e))) {
			return rc;
		}
	}
	return 0;
}

static int load_all(struct cx *cx, int64_t root, struct err *e)
{
	int64_t ids[64];
	int rc;
	if (demo_provinces_n > 64) {
		return err_set(e, ERR_INTERNAL, "", "demo: too many provinces");
	}
	if ((rc = provinces_2008(cx, root, ids, e))) {
		return rc;
	}
	for (int k = 0; k < demo_details_n; k++) {
		int i = demo_province_index(demo_details[k].code);
		if ((rc = detail_2008(cx, &demo_details[k], ids[i], e))) {
			return rc;
		}
	}
	if ((rc = prepare_2025(cx, root, e))) {
		return rc;
	}
	for (int k = 0; k < demo_details_n; k++) {
		if ((rc = detail_2025(cx, k, e))) {
			return rc;
		}
	}
	if ((rc = orgs_2025(cx, e)) || (rc = provinces_2025(cx, root, ids, e)) ||
	    (rc = demo_users(cx, e))) {
		return rc;
	}
	/* A few thousand members across the organizations, so that the
	 * members pages have something real to show. */
	return member_demo_load(cx, e);
}

int demo_load(struct cx *cx, struct err *e)
{
	int64_t root, id;
	int rc;
	if ((rc = id_of(cx, "VN-01", &id, e)) == 0) {
		return 0; /* already loaded */
	}
	if (e->code != ERR_NOT_FOUND) {
		return rc;
	}
	err_clear(e);
	if ((rc = db_begin(cx->db, e))) {
		return rc;
	}
	rc = id_of(cx, ROOT_CODE, &root, e);
	if (rc && e->code == ERR_NOT_FOUND) {
		err_clear(e);
		rc = org_bootstrap(cx, ROOT_CODE, ROOT_NAME, ROOT_FROM, &root, e);
	}
	if (rc == 0) {
		rc = load_all(cx, root, e);
	}
	if (rc == 0) {
		return db_commit(cx->db, e);
	}
	db_rollback(cx->db);
	return rc;
}

/* ---- the national-size tree ---- */

struct gen_unit {
	char code[CODE_BUF];
	char name[NAME_BUF];
};

/* Batch of units being generated, with the storage of their strings. */
struct batch {
	int n, cap;
	struct gen_unit *s;
	struct reorg_new_unit *u;
};

static int batch_add(struct batch *b, const char *kind, int64_t parent,
		     struct gen_unit **slot)
{
	if (b->n == b->cap) {
		int ncap = b->cap ? b->cap * 2 : 256;
		struct gen_unit *ns = realloc(b->s, (size_t)ncap * sizeof *ns);
		struct reorg_new_unit *nu;
		if (!ns) {
			return -1;
		}
		b->s = ns;
		nu = realloc(b->u, (size_t)ncap * sizeof *nu);
		if (!nu) {
			return -1;
		}
		b->u = nu;
		b->cap = ncap;
	}
	memset(&b->u[b->n], 0, sizeof b->u[b->n]);
	b->u[b->n].kind = kind;
	b->u[b->n].parent = parent;
	b->u[b->n].share = -1;
	*slot = &b->s[b->n++];
	return 0;
}

/* Point the units at their strings (the array may have moved) and create
 * them as one event. */
static int batch_flush(struct cx *cx, struct batch *b, struct err *e)
{
	int rc = 0;
	for (int i = 0; i < b->n; i++) {
		b->u[i].code = b->s[i].code;
		b->u[i].name = b->s[i].name;
	}
	if (b->n > 0) {
		rc = org_bulk_create(cx, D_NEW, DEC_NATIONAL, b->n, b->u, e);
	}
	b->n = 0;
	return rc;
}

/* Commune-level units of province p: target[] by largest remainder of
 * NATIONAL_COMMUNES over the old provinces (each weighs one). */
static void commune_targets(const struct org_tree *t, int root, int *target)
{
	int n = 0, total = 0;
	for (int i = root + 1; i < t->nodes[root].end; i = t->nodes[i].end) {
		int w = 0;
		for (int k = 0; k < demo_provinces_n; k++) {
			char code[CODE_BUF];
			demo_successor_code(k, code);
			w += strcmp(code, t->nodes[i].code) == 0;
		}
		target[n] = NATIONAL_COMMUNES * w / demo_provinces_n;
		total += target[n++];
	}
	for (int k = 0; total < NATIONAL_COMMUNES && n > 0; k = (k + 1) % n) {
		target[k]++;
		total++;
	}
}

static int is_commune(const char *kind)
{
	return strcmp(kind, "commune") == 0 || strcmp(kind, "ward") == 0;
}

/* Communes for province node pi, then grassroots units for every
 * commune-level child (old and new) up to NATIONAL_PER_COMMUNE each. */
static int national_province(struct cx *cx, const struct org_tree *t, int pi,
			     int target, struct batch *b, struct err *e)
{
	const struct org_node *p = &t->nodes[pi];
	struct gen_unit *g;
	int have = 0, rc, made;
	for (int i = pi + 1; i < p->end; i = t->nodes[i].end) {
		have += is_commune(t->nodes[i].kind);
	}
	made = target > have ? target - have : 0;
	for (int k = 0; k < made; k++) {
		int ward = k % 5 == 4;
		if (batch_add(b, ward ? "ward" : "commune", p->id, &g)) {
			return err_set(e, ERR_INTERNAL, "", "out of memory");
		}
		demo_codef(g->code, "%s-X%03d", p->code, NATIONAL_FIRST_X + k);
		demo_commune_name(k, pi * 7, ward, g->name);
	}
	if ((rc = batch_flush(cx, b, e))) {
		return rc;
	}
	for (int i = pi + 1; i < p->end; i = t->nodes[i].end) {
		const struct org_node *c = &t->nodes[i];
		if (!is_commune(c->kind)) {
			continue;
		}
		for (int j = c->n_children; j < NATIONAL_PER_COMMUNE; j++) {
			if (batch_add(b, NULL, c->id, &g)) {
				return err_set(e, ERR_INTERNAL, "", "out of memory");
			}
			b->u[b->n - 1].kind = demo_grassroots_name(
				j, c->name, strcmp(c->kind, "ward") == 0, g->name);
			demo_codef(g->code, "%s-C%02d", c->code, j + 1);
		}
	}
	for (int k = 0; k < made; k++) {
		char code[CODE_BUF], cname[NAME_BUF];
		int64_t cid;
		int ward = k % 5 == 4;
		demo_codef(code, "%s-X%03d", p->code, NATIONAL_FIRST_X + k);
		demo_commune_name(k, pi * 7, ward, cname);
		if ((rc = id_of(cx, code, &cid, e))) {
			return rc;
		}
		for (int j = 0; j < NATIONAL_PER_COMMUNE; j++) {
			if (batch_add(b, NULL, cid, &g)) {
				return err_set(e, ERR_INTERNAL, "", "out of memory");
			}
			b->u[b->n - 1].kind = demo_grassroots_name(j, cname, ward, g->name);
			demo_codef(g->code, "%s-C%02d", code, j + 1);
		}
	}
	return batch_flush(cx, b, e);
}

static int national_all(struct cx *cx, struct err *e)
{
	struct org_tree *t = NULL;
	struct batch b = {0, 0, NULL, NULL};
	int64_t root;
	int target[64], ri, n = 0, rc;
	if ((rc = id_of(cx, ROOT_CODE, &root, e)) ||
	    (rc = org_tree_build(cx->db, D_NEW, &t, e))) {
		return rc;
	}
	ri = org_tree_find(t, root);
	for (int i = ri + 1; ri >= 0 && i < t->nodes[ri].end; i = t->nodes[i].end) {
		n++;
	}
	if (ri < 0 || n > 64) {
		org_tree_release(t);
		return err_set(e, ERR_INTERNAL, "", "demo: unexpected tree as of %s", D_NEW);
	}
	commune_targets(t, ri, target);
	n = 0;
	for (int i = ri + 1; i < t->nodes[ri].end; i = t->nodes[i].end) {
		if ((rc = national_province(cx, t, i, target[n++], &b, e))) {
			break;
		}
	}
	free(b.s);
	free(b.u);
	org_tree_release(t);
	return rc;
}

int demo_national(struct cx *cx, struct err *e)
{
	char marker[CODE_BUF];
	int64_t id;
	int rc;
	if ((rc = demo_load(cx, e))) {
		return rc;
	}
	demo_codef(marker, "VN-01-X%03d", NATIONAL_FIRST_X);
	if ((rc = id_of(cx, marker, &id, e)) == 0) {
		return 0; /* already loaded */
	}
	if (e->code != ERR_NOT_FOUND) {
		return rc;
	}
	err_clear(e);
	if ((rc = db_begin(cx->db, e))) {
		return rc;
	}
	if ((rc = national_all(cx, e))) {
		db_rollback(cx->db);
		return rc;
	}
	return db_commit(cx->db, e);
}
