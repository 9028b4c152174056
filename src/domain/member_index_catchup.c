/*
 * member_index_catchup.c — bringing a built member index (member_index.h)
 * forward from the change log (member_log.h): what the memberships logged
 * in a range of generations contributed before is taken away, what they
 * contribute now is added, both as signed overlays; the people part reads
 * the stints of the people touched again.  The caller (member_index.c)
 * runs it inside one read snapshot with the write lock held.  Reads the
 * member tables and member_change only; never writes.
 */
#include "domain/member_index_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/member_log.h"

/* ---- catching up from the change log ---- */

/* The changes gathered for each part, then merged into the overlays. */
struct changes {
	struct midx_ovl c, d, j, l;
	uint32_t *people; /* persons touched */
	size_t n_people, cap_people;
};

static void changes_free(struct changes *ch)
{
	midx_ovl_free(&ch->c);
	midx_ovl_free(&ch->d);
	midx_ovl_free(&ch->j);
	midx_ovl_free(&ch->l);
	free(ch->people);
}

static int touch_person(struct changes *ch, int64_t p)
{
	if (p <= 0 || p > UINT32_MAX) {
		return 0;
	}
	if (ch->n_people == ch->cap_people) {
		size_t ncap = ch->cap_people ? ch->cap_people * 2 : 64;
		uint32_t *v = realloc(ch->people, ncap * sizeof *v);
		if (!v) {
			return -1;
		}
		ch->people = v;
		ch->cap_people = ncap;
	}
	ch->people[ch->n_people++] = (uint32_t)p;
	return 0;
}

/* One stint row of the member_log.h shape, columns from col: org, unit,
 * from, to, joined, is_first, is_cur, gender, birth date, ethnicity; what
 * it contributes to each built part, w times — the same rules as the base
 * scans of member_index_build.c. */
static int stint_changes(struct midx *x, struct db_stmt *st, int col, int w,
			 struct changes *ch)
{
	int o = midx_org_slot(x, db_col_text(st, col));
	int64_t unit = db_col_int64(st, col + 1);
	const char *vt = db_col_text(st, col + 3);
	int32_t from = member_day(db_col_text(st, col + 2)), to = member_day(vt);
	uint32_t u = (uint32_t)unit, org = (uint32_t)o;
	if (o < 0 || unit <= 0 || unit > UINT32_MAX / 2) {
		return 0;
	}
	if (from < to) {
		if (midx_ovl_push(x, &ch->c, org, u, from, to, 0, w)) {
			return -1;
		}
		if ((x->have & MIDX_DETAIL) &&
		    midx_ovl_push(x, &ch->d, org, u, from, to,
				  midx_attr_of(x, db_col_text(st, col + 7),
					       db_col_text(st, col + 8),
					       db_col_text(st, col + 9)),
				  w)) {
			return -1;
		}
	}
	if (x->have & MIDX_PERIOD) {
		if (db_col_int64(st, col + 5) &&
		    midx_ovl_push(x, &ch->j, org, u, member_day(db_col_text(st, col + 4)), 0, 0,
				  w)) {
			return -1;
		}
		if (db_col_int64(st, col + 6) && strcmp(vt, DATE_OPEN) != 0 &&
		    midx_ovl_push(x, &ch->l, org, u, to, 0, 0, w)) {
			return -1;
		}
	}
	return 0;
}

/* What the memberships logged in (g0, g1] contributed before: per
 * membership, the rows of its first generation in the range. */
static int take_away(struct db *db, struct midx *x, int64_t g0, int64_t g1,
		     struct changes *ch, struct err *e)
{
	struct db_stmt *st;
	int64_t cur = 0, first_gen = 0;
	int rc = db_prepare(db,
			    "SELECT membership_id, gen, kind, person_id, org, unit_id, valid_from,"
			    " valid_to, joined, is_first, is_cur, gender, birth_date, ethnicity"
			    " FROM member_change WHERE gen > ? AND gen <= ?"
			    " ORDER BY membership_id, gen, id",
			    &st, e);
	if (rc) {
		return rc;
	}
	db_bind_int64(st, 1, g0);
	db_bind_int64(st, 2, g1);
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t mid = db_col_int64(st, 0), gen = db_col_int64(st, 1);
		if (mid != cur) {
			cur = mid;
			first_gen = gen;
		}
		if (touch_person(ch, db_col_int64(st, 3))) {
			rc = MIDX_OOM(e);
			break;
		}
		if (gen == first_gen && strcmp(db_col_text(st, 2), "s") == 0 &&
		    stint_changes(x, st, 4, -1, ch)) {
			rc = MIDX_OOM(e);
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* What the memberships logged in (g0, g1] contribute now. */
static int add_now(struct db *db, struct midx *x, int64_t g0, int64_t g1,
		   struct changes *ch, struct err *e)
{
	static const char sql[] = MEMBER_LOG_CUR "m.id IN (SELECT membership_id FROM"
		" member_change WHERE gen > ? AND gen <= ?) UNION ALL " MEMBER_LOG_OLD
		"m.id IN (SELECT membership_id FROM member_change WHERE gen > ? AND gen <= ?)";
	struct db_stmt *st;
	int rc = db_prepare(db, sql, &st, e);
	if (rc) {
		return rc;
	}
	for (int i = 0; i < 2; i++) {
		db_bind_int64(st, 2 * i + 1, g0);
		db_bind_int64(st, 2 * i + 2, g1);
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (stint_changes(x, st, 2, 1, ch)) {
			rc = MIDX_OOM(e);
			break;
		}
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

struct pstint {
	uint32_t person, unit;
	int64_t mid;
	int32_t start, end;
};

static int cmp_pstint(const void *a, const void *b)
{
	const struct pstint *x = a, *y = b;
	if (x->person != y->person) {
		return x->person < y->person ? -1 : 1;
	}
	return x->mid < y->mid ? -1 : x->mid > y->mid;
}

/* The people part: the stints of the people touched, read again. */
static int people_now(struct db *db, struct midx *x, int64_t g0, int64_t g1,
		      struct changes *ch, struct err *e)
{
	static const char sql[] =
		"SELECT m.person_id, m.id, m.unit_id, m.unit_from, m.ended FROM membership m"
		" WHERE m.person_id IN (SELECT person_id FROM member_change WHERE gen > ?"
		" AND gen <= ?) UNION ALL SELECT m.person_id, m.id, s.unit_id, s.valid_from,"
		" s.valid_to FROM membership_stint s JOIN membership m ON m.id = s.membership_id"
		" WHERE m.person_id IN (SELECT person_id FROM member_change WHERE gen > ?"
		" AND gen <= ?)";
	struct db_stmt *st;
	struct pstint *v = NULL;
	struct midx_person_stint *po;
	uint32_t *pt;
	size_t n = 0, cap = 0, np, k, i, j;
	int rc;
	/* The touched people, sorted, without repeats. */
	if (ch->n_people) {
		qsort(ch->people, ch->n_people, sizeof *ch->people, cmp_u32);
	}
	for (i = 0, np = 0; i < ch->n_people; i++) {
		if (np == 0 || ch->people[np - 1] != ch->people[i]) {
			ch->people[np++] = ch->people[i];
		}
	}
	ch->n_people = np;
	if ((rc = db_prepare(db, sql, &st, e))) {
		return rc;
	}
	for (i = 0; i < 2; i++) {
		db_bind_int64(st, (int)(2 * i + 1), g0);
		db_bind_int64(st, (int)(2 * i + 2), g1);
	}
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (n == cap) {
			struct pstint *nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *nv);
			if (!nv) {
				rc = MIDX_OOM(e);
				break;
			}
			v = nv;
		}
		v[n].person = (uint32_t)db_col_int64(st, 0);
		v[n].mid = db_col_int64(st, 1);
		v[n].unit = (uint32_t)db_col_int64(st, 2);
		v[n].start = member_day(db_col_text(st, 3));
		v[n].end = member_day(db_col_text(st, 4));
		n++;
	}
	db_finalize(st);
	if (rc < 0) {
		free(v);
		return rc;
	}
	if (n) {
		qsort(v, n, sizeof *v, cmp_pstint);
	}
	/* po: the entries of people not touched now, then the new ones of
	 * people with two or more memberships (as the base scan keeps). */
	po = malloc((x->n_po + n + 1) * sizeof *po);
	pt = malloc((x->n_pt + np + 1) * sizeof *pt);
	if (!po || !pt) {
		free(v);
		free(po);
		free(pt);
		return MIDX_OOM(e);
	}
	for (i = 0, k = 0; i < x->n_po; i++) {
		if (!midx_has_person(ch->people, np, x->po[i].person)) {
			po[k++] = x->po[i];
		}
	}
	for (i = 0; i < n; i = j) {
		int ms = 0;
		for (j = i; j < n && v[j].person == v[i].person; j++) {
			ms += j == i || v[j].mid != v[j - 1].mid;
		}
		for (size_t a = i; ms > 1 && a < j; a++) {
			if (v[a].unit > 0 && v[a].unit <= UINT32_MAX / 2 && v[a].start < v[a].end) {
				po[k++] = (struct midx_person_stint){v[a].person, v[a].unit,
								     v[a].start, v[a].end};
				if (midx_unit_mark(x, v[a].unit)) {
					rc = MIDX_OOM(e);
				}
			}
		}
	}
	free(v);
	qsort(po, k, sizeof *po, midx_cmp_person);
	free(x->po);
	x->po = po;
	x->n_po = k;
	/* pt ∪ the touched people. */
	for (i = 0, j = 0, k = 0; i < x->n_pt || j < np;) {
		uint32_t a = i < x->n_pt ? x->pt[i] : UINT32_MAX, b = j < np ? ch->people[j] : UINT32_MAX;
		pt[k++] = a < b ? a : b;
		i += a <= b;
		j += b <= a;
	}
	free(x->pt);
	x->pt = pt;
	x->n_pt = k;
	return rc < 0 ? rc : 0;
}

int midx_catch_up(struct db *db, struct midx *x, int64_t g0, int64_t g1, struct err *e)
{
	struct changes ch;
	int rc;
	memset(&ch, 0, sizeof ch);
	if ((rc = take_away(db, x, g0, g1, &ch, e)) == 0 &&
	    (rc = add_now(db, x, g0, g1, &ch, e)) == 0 &&
	    (!(x->have & MIDX_PEOPLE) || (rc = people_now(db, x, g0, g1, &ch, e)) == 0)) {
		if (midx_ovl_merge(&x->oc, &ch.c) || midx_ovl_merge(&x->od, &ch.d) ||
		    midx_ovl_merge(&x->oj, &ch.j) || midx_ovl_merge(&x->ol, &ch.l)) {
			rc = MIDX_OOM(e);
		}
	}
	changes_free(&ch);
	return rc;
}
