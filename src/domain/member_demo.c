/*
 * member_demo.c — generated members for the demo datasets: a few thousand
 * through the member module's own calls (member_person_create,
 * member_admit, member_event), so records, history, audit entries and
 * quality findings are what real use produces; and millions for the
 * national benchmark through one bulk transaction.  Deterministic (a fixed
 * seed).  The names, ethnicities and places are made up from common
 * Vietnamese ones; the decisions are marked "(minh họa)", illustrative.
 * It never touches the org tables: units come from snapshots and lineage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/audit.h"
#include "domain/import_internal.h"
#include "domain/member_internal.h"

#define D_STRUCT_OLD "2025-06-30" /* the last day of the 63 provinces */
#define D_NEW "2025-07-01"
#define D_FIRST "2008-08-01"	  /* the demo units exist from then */
#define DEC_ADMIT "Quyết định kết nạp (minh họa)"
#define DEC_OFFICIAL "Nghị quyết công nhận chính thức (minh họa)"
#define DEC_TRANSFER "Giấy giới thiệu chuyển sinh hoạt (minh họa)"
#define DEC_REORG "Chuyển sinh hoạt theo sắp xếp tổ chức 2025 (minh họa)"
#define DEC_LEAVE "Quyết định (minh họa)"
#define MAX_UNITS 4096

/* ---- names and facts ---- */

static const char *const family[] = {
	"Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm",
	"Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
	"Dương", "Lý", "Đinh", "Lương", "Ma", "Triệu", "Nông", "Hà",
};
static const char *const middle_m[] = {"Văn", "Văn", "Văn", "Hữu", "Đức", "Minh",
				       "Quốc", "Công", "Xuân", "Đình", "Thanh"};
static const char *const middle_f[] = {"Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh",
				       "Minh", "Hồng", "Kim", "Phương"};
static const char *const given_m[] = {
	"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Huy", "Khánh", "Long", "Mạnh",
	"Nam", "Nghĩa", "Phong", "Quang", "Sơn", "Thắng", "Thành", "Toàn", "Trung",
	"Tuấn", "Việt", "Vinh", "Đạt", "Hiếu", "Lâm", "Tâm", "Tiến", "Khoa", "Đông",
};
static const char *const given_f[] = {
	"Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan",
	"Liên", "Linh", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên",
	"Thảo", "Trang", "Tuyết", "Vân", "Yến", "Hiền", "Huyền", "Loan",
};
static const char *const eth_north[] = {"Kinh", "Kinh", "Kinh", "Kinh", "Tày", "Tày",
					"Tày", "Dao", "Mông", "Nùng", "Sán Chay"};
static const char *const eth_central[] = {"Kinh", "Kinh", "Kinh", "Kinh", "Kinh",
					  "Kinh", "Kinh", "Kinh", "Bru-Vân Kiều", "Tà Ôi"};
static const char *const eth_highland[] = {"Kinh", "Kinh", "Kinh", "Kinh", "Kinh",
					   "Ê Đê", "Ê Đê", "M'Nông", "Nùng", "Tày", "Gia Rai"};
static const char *const eth_delta[] = {"Kinh", "Kinh", "Kinh", "Kinh", "Kinh", "Kinh",
					"Kinh", "Kinh", "Kinh", "Mường", "Hoa"};
static const char *const religions[] = {"Không", "Không", "Không", "Không", "Không",
					"Không", "Không", "Phật giáo", "Công giáo", "Tin Lành"};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* xorshift64*: deterministic demo randomness. */
static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return n ? (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 33) % n : 0;
}

static const char *pick(const char *const *a, int n)
{
	return a[rnd((uint32_t)n)];
}

static void day_text(int32_t day, char out[11])
{
	date_format(date_from_days(day), out);
}

/* A random day in [from, to] (day numbers). */
static int32_t day_between(int32_t from, int32_t to)
{
	return to <= from ? from : from + (int32_t)rnd((uint32_t)(to - from + 1));
}

/* The citizen ID of a person: province of birth registration (0 + GSO
 * code), gender and century, year, then a serial. */
static void citizen_id(const char *gso, int female, int year, long serial, char out[16])
{
	int gc = (year >= 2000 ? 2 : 0) + female;
	snprintf(out, 16, "0%.2s%d%02d%06ld", gso, gc, year % 100, serial % 1000000);
}

/* ---- the provinces demo ---- */

/* A unit with members to be: id, code, organization, province. */
struct dunit {
	int64_t id;
	char code[ORG_CODE_MAX + 1];
	char org[MEMBER_ORG_MAX];
	char gso[3];		/* the province's GSO code ("08") */
	char place[128];	/* the commune (or province) it is in */
	char province[128];
	int32_t from, to;	/* exists [from, to) */
	int succ;		/* merged away on D_NEW: its successor's index */
};

struct demo {
	struct cx *cx;
	struct dunit *u;
	int n;
	long serial;
	int32_t today;
	int made, problems;
	/* party members, for people who belong to two organizations */
	struct pooled {
		int64_t pid;
		int32_t birth;
		int female;
		char gso[3];
	} *pool;
	int n_pool;
};

static const char *const *ethnicities(const char *gso, int *n)
{
	if (!strcmp(gso, "02") || !strcmp(gso, "08")) {
		*n = N(eth_north);
		return eth_north;
	}
	if (!strcmp(gso, "66")) {
		*n = N(eth_highland);
		return eth_highland;
	}
	if (!strcmp(gso, "44") || !strcmp(gso, "45") || !strcmp(gso, "46")) {
		*n = N(eth_central);
		return eth_central;
	}
	*n = N(eth_delta);
	return eth_delta;
}

/* Kinds whose units hold members, and their organization. */
static const char *kind_org(const char *kind)
{
	static const char *const map[][2] = {
		{"party_cell", "party"},	    {"party_committee", "party"},
		{"youth_union", "youth"},	    {"womens_union", "women"},
		{"farmers_association", "farmers"}, {"veterans_association", "veterans"},
		{"labour_federation", "labour"},    {"trade_union", "labour"},
	};
	for (int i = 0; i < N(map); i++) {
		if (strcmp(kind, map[i][0]) == 0) {
			return map[i][1];
		}
	}
	return NULL;
}

/* Units of the demo provinces as of the day before the reorganization
 * (and those created by it), with the place names they belong to. */
static int collect_units(struct demo *d, const char *as_of, struct err *e)
{
	struct org_tree *t;
	int rc = org_tree_get(d->cx, as_of, &t, e);
	if (rc) {
		return rc;
	}
	for (int i = 0; i < t->n && d->n < MAX_UNITS; i++) {
		const struct org_node *nd = &t->nodes[i];
		const char *org = kind_org(nd->kind);
		struct dunit *u = &d->u[d->n];
		int p = i, dup = 0;
		if (!org || strncmp(nd->code, "VN-", 3) != 0) {
			continue;
		}
		for (int k = 0; k < d->n && !dup; k++) {
			dup = d->u[k].id == nd->id;
		}
		if (dup) {
			continue;
		}
		memset(u, 0, sizeof *u);
		u->id = nd->id;
		snprintf(u->code, sizeof u->code, "%s", nd->code);
		snprintf(u->org, sizeof u->org, "%s", org);
		/* VN-08-…, VN-N08-… → "08" */
		snprintf(u->gso, sizeof u->gso, "%.2s", nd->code + (nd->code[3] == 'N' ? 4 : 3));
		u->from = member_day(nd->valid_from);
		u->to = member_day(nd->valid_to);
		while (p >= 0 && t->nodes[p].depth > 1) {
			if (!u->place[0] && (strcmp(t->nodes[p].kind, "commune") == 0 ||
					     strcmp(t->nodes[p].kind, "ward") == 0)) {
				snprintf(u->place, sizeof u->place, "%s", t->nodes[p].name);
			}
			p = t->nodes[p].parent;
		}
		if (p >= 0) {
			snprintf(u->province, sizeof u->province, "%s", t->nodes[p].name);
		}
		if (!u->place[0]) {
			snprintf(u->place, sizeof u->place, "%s", u->province);
		}
		d->n++;
	}
	org_tree_release(t);
	return 0;
}

/* Make up a person for unit u of organization org; *pid the new id. */
static int make_person(struct demo *d, const struct dunit *u, const char *org,
		       int32_t max_birth, int32_t *birth_day, int *underage, int *is_female,
		       int64_t *pid, struct err *e)
{
	struct member_record r;
	char name[200], cid[16], birth[11], phone[16], residence[200];
	int female, year, n_eth, flaw = rnd(1000) < 15 ? (int)rnd(7) + 1 : 0;
	const char *const *eth = ethnicities(u->gso, &n_eth);
	int min_age = !strcmp(org, "youth") ? 16 : 18, max_age = !strcmp(org, "youth") ? 30 : 70;
	female = !strcmp(org, "women")	      ? 1
		 : !strcmp(org, "veterans") ? rnd(10) == 0
					    : rnd(100) < 45;
	if (!strcmp(org, "veterans")) {
		min_age = 45;
		max_age = 80;
	}
	/* Born so that the admission (after D_FIRST) fits the age range. */
	*birth_day = day_between(d->today - 365 * max_age, d->today - 365 * (min_age + 2));
	if (*birth_day > max_birth) {
		*birth_day = max_birth - (int32_t)rnd(3650);
	}
	year = date_from_days(*birth_day).y;
	snprintf(name, sizeof name, "%s %s %s", pick(family, N(family)),
		 female ? pick(middle_f, N(middle_f)) : pick(middle_m, N(middle_m)),
		 female ? pick(given_f, N(given_f)) : pick(given_m, N(given_m)));
	citizen_id(u->gso, female, year, ++d->serial, cid);
	day_text(*birth_day, birth);
	snprintf(phone, sizeof phone, "09%08u", rnd(100000000));
	snprintf(residence, sizeof residence, "Thôn %u, %s", rnd(12) + 1, u->place);
	switch (flaw) { /* ~1.5 % of records, for the data-quality page */
	case 1: cid[3] = (char)('0' + ((cid[3] - '0') ^ 1)); break;	    /* gender digit */
	case 2: cid[5] = (char)('0' + (cid[5] - '0' + 3) % 10); break;   /* birth year */
	case 3: cid[1] = '9'; cid[2] = '9'; break;			    /* province 099 */
	case 4: birth[0] = '\0'; break;					    /* no birth date */
	case 5: snprintf(phone, sizeof phone, "12345"); break;		    /* phone */
	case 6: *birth_day = max_birth + 365; day_text(*birth_day, birth); break;
	default: break;
	}
	d->problems += flaw != 0;
	*underage = flaw == 6 && strcmp(org, "party") == 0;
	*is_female = female;
	memset(&r, 0, sizeof r);
	r.f[MF_CITIZEN_ID] = cid;
	r.f[MF_FULL_NAME] = name;
	r.f[MF_GENDER] = female ? "F" : "M";
	r.f[MF_BIRTH_DATE] = birth;
	r.f[MF_ETHNICITY] = pick(eth, n_eth);
	r.f[MF_RELIGION] = pick(religions, N(religions));
	r.f[MF_HOMETOWN] = u->place;
	r.f[MF_HOMETOWN_NEW] = u->province;
	r.f[MF_RESIDENCE] = residence;
	r.f[MF_PHONE] = phone;
	r.f[MF_EMAIL] = flaw == 7 ? "khong-co-email" : "";
	return member_person_create(d->cx, &r, 0, pid, NULL, e);
}

static int event(struct demo *d, int64_t mid, enum member_event_kind k, int32_t day,
		 const char *decision, int64_t to, struct err *e)
{
	struct member_event_req r;
	char date[11];
	day_text(day, date);
	memset(&r, 0, sizeof r);
	r.kind = k;
	r.membership_id = mid;
	r.date = date;
	r.decision = decision;
	r.to_unit = to;
	return member_event(d->cx, &r, NULL, e);
}

/* Another unit of the same organization in the same province, existing on
 * day, or any province when far; -1 when none. */
static int other_unit(const struct demo *d, int self, int far, int32_t day)
{
	for (int tries = 0; tries < 64; tries++) {
		int k = (int)rnd((uint32_t)d->n);
		const struct dunit *a = &d->u[self], *b = &d->u[k];
		if (k != self && !strcmp(a->org, b->org) && b->from <= day && day < b->to &&
		    (far ? strcmp(a->gso, b->gso) != 0 : strcmp(a->gso, b->gso) == 0) &&
		    strncmp(b->code + 3, "N", 1) != 0) {
			return k;
		}
	}
	return -1;
}

/* Admit person pid to unit k after day `after`, then the events of a
 * life in order: official, maybe a transfer, the move onto the successor
 * of a unit merged away on D_NEW (two times in three), maybe a
 * suspension or the end. */
static int membership_story(struct demo *d, int k, int64_t pid, int32_t birth,
			    int underage, struct err *e)
{
	const struct dunit *u = &d->u[k];
	struct member_admit a;
	char date[11], official[11], number[24];
	int64_t mid;
	int32_t start = birth + 365 * (strcmp(u->org, "youth") ? 18 : 16) + 30, joined, t;
	int32_t reorg = member_day(D_NEW), last;
	int rc, party = !strcmp(u->org, "party"), far;
	if (start < u->from) {
		start = u->from;
	}
	last = u->to < d->today - 60 ? u->to - 30 : d->today - 60;
	joined = underage ? birth + 365 * 17 + 5 + (int32_t)rnd(30) : day_between(start, last);
	if (joined < u->from || joined > last) {
		return 0; /* no life fits in this unit's time */
	}
	day_text(joined, date);
	day_text(joined + 365 + (int32_t)rnd(60), official);
	snprintf(number, sizeof number, "%s%06ld", party ? "DV" : "HV", d->serial);
	memset(&a, 0, sizeof a);
	a.person_id = pid;
	a.org = u->org;
	a.unit_id = u->id;
	a.date = date;
	a.decision = DEC_ADMIT;
	a.number = number;
	a.official = party && member_day(official) < d->today && rnd(10) ? official : NULL;
	if ((rc = member_admit(d->cx, &a, &mid, NULL, e))) {
		return rc;
	}
	d->made++;
	t = a.official ? member_day(official) : joined;
	far = rnd(100) < 12;
	if (rnd(100) < 10 || far) { /* transfers, a few to another province */
		int to = other_unit(d, k, far && rnd(4) == 0, t + 200);
		int32_t when = day_between(t + 30, reorg - 30);
		if (to >= 0 && when > t && d->u[to].from <= when && when < d->u[to].to &&
		    when < u->to) {
			if ((rc = event(d, mid, MEV_TRANSFER, when, DEC_TRANSFER, d->u[to].id, e))) {
				return rc;
			}
			t = when;
			k = to;
		}
	}
	if (d->u[k].succ >= 0 && t < reorg && rnd(3)) {
		if ((rc = event(d, mid, MEV_TRANSFER, reorg, DEC_REORG, d->u[d->u[k].succ].id, e))) {
			return rc;
		}
		t = reorg;
	}
	if (t >= d->today - 40) {
		return 0;
	}
	if (rnd(100) < 2) {
		int32_t when = day_between(t + 10, d->today - 20);
		if ((rc = event(d, mid, MEV_SUSPEND, when, DEC_LEAVE, 0, e)) == 0 && rnd(2)) {
			rc = event(d, mid, MEV_REINSTATE, day_between(when + 5, d->today), DEC_LEAVE, 0, e);
		}
	} else if (rnd(100) < 5) {
		int old = d->today - birth > 365 * 65;
		rc = event(d, mid, old ? MEV_DEATH : rnd(5) ? MEV_LEAVE : MEV_EXPEL,
			   day_between(t + 10, d->today - 10), DEC_LEAVE, 0, e);
	}
	return rc;
}

/* Successors of the units merged away on D_NEW, among the demo units. */
static int find_successors(struct demo *d, struct err *e)
{
	struct org_tree *t;
	struct cx sys;
	int rc = org_tree_get(d->cx, D_NEW, &t, e);
	if (rc) {
		return rc;
	}
	member_system_cx(d->cx, &sys);
	for (int i = 0; i < d->n; i++) {
		json_t *lin = NULL, *l;
		size_t k;
		d->u[i].succ = -1;
		if (org_tree_find(t, d->u[i].id) >= 0 || org_unit_lineage(&sys, d->u[i].id, &lin, e)) {
			err_clear(e);
			continue;
		}
		json_array_foreach(json_object_get(lin, "successors"), k, l) {
			int64_t id = json_integer_value(json_object_get(json_object_get(l, "unit"), "id"));
			for (int j = 0; j < d->n && d->u[i].succ < 0; j++) {
				if (d->u[j].id == id && !strcmp(d->u[j].org, d->u[i].org)) {
					d->u[i].succ = j;
				}
			}
		}
		json_decref(lin);
	}
	org_tree_release(t);
	return 0;
}

static int members_for(const struct dunit *u)
{
	static const struct {
		const char *code_part;
		int n;
	} sizes[] = {{"-TU", 25}, {"-DTN", 45}, {"-HPN", 40}, {"-HND", 30}, {"-HCCB", 25},
		     {"-LDLD", 30}};
	for (int i = 0; i < N(sizes); i++) {
		const char *p = strstr(u->code, sizes[i].code_part);
		if (p && p[strlen(sizes[i].code_part)] == '\0') {
			return sizes[i].n;
		}
	}
	return 12 + (int)rnd(8); /* a party cell */
}

/* The latest birth day that still lets a person join unit u in time. */
static int32_t latest_birth(const struct demo *d, const struct dunit *u)
{
	int32_t last = u->to < d->today - 60 ? u->to - 30 : d->today - 60;
	return last - 365 * (strcmp(u->org, "youth") ? 18 : 16) - 40;
}

static int pool_add(struct demo *d, int64_t pid, int32_t birth, int female, const char *gso)
{
	if (d->n_pool % 256 == 0) {
		struct pooled *np = realloc(d->pool, (size_t)(d->n_pool + 256) * sizeof *np);
		if (!np) {
			return -1;
		}
		d->pool = np;
	}
	d->pool[d->n_pool].pid = pid;
	d->pool[d->n_pool].birth = birth;
	d->pool[d->n_pool].female = female;
	snprintf(d->pool[d->n_pool].gso, 3, "%s", gso);
	d->n_pool++;
	return 0;
}

/* A party member of the same province who may also join org (women:
 * female; veterans: male, 45 or older); -1 when none found. */
static int pool_pick(struct demo *d, const char *gso, const char *org)
{
	for (int tries = 0; d->n_pool && tries < 40; tries++) {
		struct pooled *p = &d->pool[rnd((uint32_t)d->n_pool)];
		int fits = !strcmp(org, "women") ? p->female
			   : !strcmp(org, "veterans") ? !p->female && d->today - p->birth > 365 * 45
						      : 0;
		if (fits && !strcmp(p->gso, gso) && p->pid > 0) {
			int i = (int)(p - d->pool);
			p->pid = -p->pid; /* used: once per person */
			return i;
		}
	}
	return -1;
}

static int demo_all(struct demo *d, struct err *e)
{
	int rc;
	/* Party units first, so the pool exists for the others. */
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < d->n; k++) {
			const struct dunit *u = &d->u[k];
			int n, party = !strcmp(u->org, "party");
			if (party != (pass == 0)) {
				continue;
			}
			n = members_for(u);
			for (int i = 0; i < n; i++) {
				int64_t pid;
				int32_t birth;
				int under = 0, p = -1, female = 0;
				if (!strcmp(u->org, "women") || !strcmp(u->org, "veterans")) {
					p = rnd(100) < 30 ? pool_pick(d, u->gso, u->org) : -1;
				}
				if (p >= 0) {
					pid = -d->pool[p].pid;
					birth = d->pool[p].birth;
				} else if ((rc = make_person(d, u, u->org, latest_birth(d, u), &birth,
							     &under, &female, &pid, e))) {
					return rc;
				}
				if ((rc = membership_story(d, k, pid, birth, under, e))) {
					return rc;
				}
				if (party && pool_add(d, pid, birth, female, u->gso)) {
					return err_set(e, ERR_INTERNAL, "", "out of memory");
				}
			}
		}
	}
	return 0;
}

int member_demo_load(struct cx *cx, struct err *e)
{
	struct demo d;
	struct member_query q;
	json_t *any = NULL;
	char today[11];
	int rc;
	memset(&q, 0, sizeof q);
	q.limit = 1;
	q.org = "party";
	if ((rc = member_search(cx, &q, &any, e))) {
		return rc;
	}
	rc = json_integer_value(json_object_get(any, "total")) > 0;
	json_decref(any);
	if (rc) {
		return 0; /* already loaded */
	}
	memset(&d, 0, sizeof d);
	d.cx = cx;
	member_today(cx, today);
	d.today = member_day(today);
	rng_state = 0x2545F4914F6CDD1Dull;
	d.u = calloc(MAX_UNITS, sizeof *d.u);
	if (!d.u) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if ((rc = collect_units(&d, D_STRUCT_OLD, e)) == 0 && (rc = collect_units(&d, today, e)) == 0 &&
	    (rc = find_successors(&d, e)) == 0 && (rc = db_begin(cx->db, e)) == 0) {
		rc = demo_all(&d, e);
		if (rc == 0) {
			rc = db_commit(cx->db, e);
		} else {
			db_rollback(cx->db);
		}
	}
	free(d.pool);
	free(d.u);
	return rc;
}

/* ---- the national benchmark: the bulk path ---- */

struct bulk {
	struct cx *cx;
	struct db_stmt *person, *member, *stint;
	int32_t today;
	char *folds[5][64]; /* search keys of the name parts, by table */
	int *serial;	    /* per citizen-ID prefix (province, gender, year) */
	long members, moved, ended;
	int own_ids;	    /* SQLite: ids numbered here (see import.c) */
	int64_t next_person, next_member;
	struct imp_keys keys; /* citizen IDs, written sorted at the end */
};

static const char *fold_of(struct bulk *b, int table, int i, const char *s)
{
	if (!b->folds[table][i]) {
		b->folds[table][i] = utf8_fold(s);
	}
	return b->folds[table][i] ? b->folds[table][i] : "";
}

static int bind_step(struct db_stmt *st, int64_t *id, struct err *e)
{
	int rc = db_step(st, e);
	if (rc == DB_ROW && id) {
		*id = db_col_int64(st, 0);
	}
	db_reset(st);
	return rc < 0 ? rc : 0;
}

/* One party member in cell u (a node of the tree); with prev, first in
 * that cell until a transfer (a closed stint). */
static int bulk_one(struct bulk *b, const struct org_node *u, const struct org_node *prev,
		    struct err *e)
{
	char name[200], fold[200], cid[16], birth[11], joined[11], d1[11], d2[11];
	int female = rnd(100) < 38, fi = (int)rnd(N(family)), mi, gi, year, rc, k;
	int32_t bday = day_between(b->today - 365 * 85, b->today - 365 * 19);
	int32_t jday = day_between(bday + 365 * 18 + 30, b->today - 30);
	int32_t first = member_day((prev ? prev : u)->valid_from), start, moved = 0;
	int32_t end = member_day(DATE_OPEN);
	int64_t pid = 0, mid = 0;
	const char *gso = u->code + (u->code[3] == 'N' ? 4 : 3);
	mi = (int)rnd(female ? N(middle_f) : N(middle_m));
	gi = (int)rnd(female ? N(given_f) : N(given_m));
	snprintf(name, sizeof name, "%s %s %s", family[fi], female ? middle_f[mi] : middle_m[mi],
		 female ? given_f[gi] : given_m[gi]);
	snprintf(fold, sizeof fold, "%s %s %s", fold_of(b, 0, fi, family[fi]),
		 fold_of(b, female ? 1 : 2, mi, female ? middle_f[mi] : middle_m[mi]),
		 fold_of(b, female ? 3 : 4, gi, female ? given_f[gi] : given_m[gi]));
	year = date_from_days(bday).y;
	k = ((gso[0] - '0') * 10 + (gso[1] - '0')) * 600 + ((year >= 2000 ? 2 : 0) + female) * 100 +
	    year % 100;
	/* Serials from 500000: clear of the provinces demo's (< 10,000). */
	citizen_id(gso, female, year, 500000 + b->serial[k]++, cid);
	day_text(bday, birth);
	day_text(jday, joined);
	start = jday > first ? jday : first;
	if (prev) {
		int32_t ufrom = member_day(u->valid_from);
		moved = day_between(start + 30, b->today - 20);
		if (moved < ufrom) {
			moved = ufrom;
		}
		if (moved <= start || moved >= b->today) {
			moved = 0;
			start = jday > ufrom ? jday : ufrom;
		}
	}
	if (rnd(100) < 2 && (moved ? moved : start) + 30 < b->today) {
		end = day_between((moved ? moved : start) + 10, b->today - 5);
		b->ended++;
	}
	db_bind_text(b->person, 1, cid);
	db_bind_text(b->person, 2, name);
	db_bind_text(b->person, 3, female ? "F" : "M");
	db_bind_text(b->person, 4, birth);
	db_bind_text(b->person, 5, "Kinh");
	db_bind_text(b->person, 6, fold);
	db_bind_int64(b->person, 7, b->cx->now_ms);
	db_bind_int64(b->person, 8, b->cx->now_ms);
	if (b->own_ids) {
		pid = b->next_person++;
		db_bind_int64(b->person, 9, pid);
	}
	if ((rc = bind_step(b->person, b->own_ids ? NULL : &pid, e)) ||
	    (rc = imp_keys_add(&b->keys, cid, pid, e))) {
		return rc;
	}
	day_text(moved ? moved : start, d1);
	day_text(end, d2);
	db_bind_int64(b->member, 1, pid);
	db_bind_text(b->member, 2, joined);
	db_bind_int64(b->member, 3, u->id);
	db_bind_text(b->member, 4, d1);
	db_bind_text(b->member, 5, d2);
	db_bind_text(b->member, 6, end == member_day(DATE_OPEN) ? "active" : "left");
	if (b->own_ids) {
		mid = b->next_member++;
		db_bind_int64(b->member, 7, mid);
	}
	if ((rc = bind_step(b->member, b->own_ids ? NULL : &mid, e))) {
		return rc;
	}
	if (moved) {
		day_text(start, d1);
		day_text(moved, d2);
		db_bind_int64(b->stint, 1, mid);
		db_bind_int64(b->stint, 2, prev->id);
		db_bind_text(b->stint, 3, d1);
		db_bind_text(b->stint, 4, d2);
		if ((rc = bind_step(b->stint, NULL, e))) {
			return rc;
		}
		b->moved++;
	}
	b->members++;
	return 0;
}

static const char *const bulk_sql_own[2] = {
	"INSERT INTO person(citizen_id, full_name, gender, birth_date, ethnicity, name_fold,"
	" created_ms, updated_ms, id) VALUES (?,?,?,?,?,?,?,?,?)",
	"INSERT INTO membership(person_id, org, joined, unit_id, unit_from, ended, status, id)"
	" VALUES (?, 'party', ?, ?, ?, ?, ?, ?)",
};

static const char *const bulk_sql[3] = {
	"INSERT INTO person(citizen_id, full_name, gender, birth_date, ethnicity, name_fold,"
	" created_ms, updated_ms) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
	"INSERT INTO membership(person_id, org, joined, unit_id, unit_from, ended, status)"
	" VALUES (?, 'party', ?, ?, ?, ?, ?) RETURNING id",
	"INSERT INTO membership_stint(membership_id, unit_id, valid_from, valid_to)"
	" VALUES (?,?,?,?)",
};

static int bulk_all(struct bulk *b, const struct org_tree *t, long n, struct err *e)
{
	int *cells = malloc((size_t)t->n * sizeof *cells), n_cells = 0, rc = 0;
	if (!cells) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	for (int i = 0; i < t->n; i++) {
		if (strcmp(t->nodes[i].kind, "party_cell") == 0) {
			cells[n_cells++] = i;
		}
	}
	if (n_cells == 0) {
		free(cells);
		return err_set(e, ERR_INVALID, "", "no party cells: load the national demo first");
	}
	for (long k = 0; rc == 0 && k < n; k++) {
		/* Spread unevenly: cell c gets members k with k mod n_cells = c,
		 * a few more in every seventh. */
		int c = (int)(rnd(7) ? k % n_cells : rnd((uint32_t)n_cells));
		const struct org_node *prev = rnd(100) < 3 ? &t->nodes[cells[rnd((uint32_t)n_cells)]] : NULL;
		if (prev == &t->nodes[cells[c]]) {
			prev = NULL;
		}
		rc = bulk_one(b, &t->nodes[cells[c]], prev, e);
	}
	free(cells);
	return rc;
}

int member_demo_national(struct cx *cx, long n, struct err *e)
{
	struct bulk b;
	struct org_tree *t = NULL;
	struct db_stmt **st[3];
	struct imp_bulk *ix = NULL;
	char today[11], detail[160];
	int64_t cache = -2000;
	int rc;
	memset(&b, 0, sizeof b);
	b.cx = cx;
	st[0] = &b.person;
	st[1] = &b.member;
	st[2] = &b.stint;
	member_today(cx, today);
	b.today = member_day(today);
	rng_state = 0x9E3779B97F4A7C15ull;
	b.serial = calloc(100 * 600, sizeof *b.serial);
	if (!b.serial) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if ((rc = member_may_write(cx, 0, e)) || (rc = org_tree_get(cx, today, &t, e))) {
		free(b.serial);
		return rc;
	}
	/* The import's bulk mode: a large cache, and on an empty table the
	 * indexes rebuilt once at the end. */
	imp_sqlite_settings(cx, 1, 1, &cache);
	if ((rc = db_begin(cx->db, e))) {
		imp_sqlite_settings(cx, 0, 1, &cache);
		org_tree_release(t);
		free(b.serial);
		return rc;
	}
	if (db_kind(cx->db) == DB_SQLITE) {
		b.own_ids = 1;
		b.next_person = imp_scalar(cx->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM person", 1, e);
		b.next_member = imp_scalar(cx->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM membership",
					   1, e);
		if (imp_bulk_worth(cx, n, e) == 1) {
			rc = imp_bulk_drop(cx, &ix, e);
		}
	}
	for (int i = 0; i < 3 && rc == 0; i++) {
		rc = db_prepare(cx->db, b.own_ids && i < 2 ? bulk_sql_own[i] : bulk_sql[i], st[i], e);
	}
	if (rc == 0) {
		rc = bulk_all(&b, t, n, e);
	}
	for (int i = 0; i < 3; i++) {
		db_finalize(*st[i]);
	}
	if (rc == 0) {
		rc = imp_keys_write(cx, &b.keys, NULL, e);
	}
	if (rc == 0 && ix) {
		rc = imp_bulk_rebuild(cx, ix, e);
	}
	if (rc == 0) {
		json_t *change = json_pack("{sI sI sI ss}", "members", (json_int_t)b.members,
					   "transferred", (json_int_t)b.moved, "ended",
					   (json_int_t)b.ended, "org", "party");
		snprintf(detail, sizeof detail, "national-%ld", n);
		rc = audit_append(cx, "member.demo", "membership", detail, 0, change, e);
		json_decref(change);
	}
	if (rc == 0) {
		rc = member_gen_bump(cx->db, e);
	}
	if (rc == 0) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
	}
	imp_sqlite_settings(cx, 0, 1, &cache);
	imp_bulk_free(ix);
	imp_keys_free(&b.keys);
	for (int i = 0; i < 5; i++) {
		for (int k = 0; k < 64; k++) {
			free(b.folds[i][k]);
		}
	}
	free(b.serial);
	org_tree_release(t);
	return rc;
}
