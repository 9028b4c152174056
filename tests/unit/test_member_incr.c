/*
 * test_member_incr.c — the member index follows writes (member_log.h,
 * member_index.c) on both drivers.  A random sequence of member writes —
 * admissions, events (official, transfer, suspend, reinstate, leave,
 * expel, death), card numbers, person corrections, deletions, imports
 * through a second connection — and after each one the totals, people,
 * admitted/left, breakdowns and children from the shared index (caught up
 * from the change log, not rebuilt) are compared with those of an index
 * built from the tables, for several dates, subtrees and organizations.
 * Also: a write that keeps no log makes the index rebuild, a refused write
 * leaves no log rows behind, and threads asking while another writes see
 * the totals only grow (never a half-applied change), with one build.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "domain/import.h"
#include "domain/member.h"
#include "domain/member_index.h"
#include "domain/member_stats.h"
#include "test.h"
#include "test_member.h"

#define STEPS 80
#define MAX_M 256
#define MAX_P 128
#define REBUILD_AT 40

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

struct world {
	struct mfix f;
	struct cx cx2; /* a second connection: "another process" */
	int64_t c12, cells[4];
	const char *codes[4];
	int64_t ask[10];
	int n_ask;
	/* reloaded from the tables after each step */
	int64_t mid[MAX_M], mperson[MAX_M];
	char last[MAX_M][11], morg[MAX_M][8];
	int open[MAX_M], n_m;
	int64_t pid[MAX_P];
	char cid[MAX_P][13], gender[MAX_P][2], birth[MAX_P][11];
	int n_p;
	int next_cid;
	long imported; /* memberships inserted or updated by imports */
};


static void reload(struct world *w)
{
	struct db *db = w->f.cx.db;
	struct db_stmt *st;
	struct err e = ERR_INIT;
	w->n_m = w->n_p = 0;
	CHECK(db_prepare(db,
			 "SELECT m.id, COALESCE((SELECT MAX(v.date) FROM membership_event v"
			 " WHERE v.membership_id = m.id), m.joined), m.person_id, m.org, m.ended"
			 " FROM membership m ORDER BY m.id",
			 &st, &e) == 0);
	while (db_step(st, &e) == DB_ROW && w->n_m < MAX_M) {
		w->mid[w->n_m] = db_col_int64(st, 0);
		w->mperson[w->n_m] = db_col_int64(st, 2);
		snprintf(w->morg[w->n_m], 8, "%s", db_col_text(st, 3));
		w->open[w->n_m] = strcmp(db_col_text(st, 4), "9999-12-31") == 0;
		snprintf(w->last[w->n_m++], 11, "%s", db_col_text(st, 1));
	}
	db_finalize(st);
	CHECK(db_prepare(db, "SELECT id, citizen_id, gender, birth_date FROM person ORDER BY id", &st,
			 &e) == 0);
	while (db_step(st, &e) == DB_ROW && w->n_p < MAX_P) {
		w->pid[w->n_p] = db_col_int64(st, 0);
		snprintf(w->cid[w->n_p], 13, "%s", db_col_text(st, 1));
		snprintf(w->gender[w->n_p], 2, "%s", db_col_text(st, 2));
		snprintf(w->birth[w->n_p++], 11, "%s", db_col_text(st, 3));
	}
	db_finalize(st);
}

/* A day from..from+span days, never after 2025-06-01. */
static void some_day(const char *from, int span, char out[11])
{
	struct date d;
	int64_t n, cap;
	CHECK(date_parse(from, &d, "d", NULL) == 0);
	n = date_to_days(d) + rnd((uint32_t)span);
	CHECK(date_parse("2025-06-01", &d, "d", NULL) == 0);
	cap = date_to_days(d);
	date_format(date_from_days(n < cap ? n : cap), out);
}

static const char *const eths[] = {"Kinh", "Tày", "Thái", "Mường", "Khmer", ""};

/* A citizen ID consistent with gender and birth year (1950-1999). */
static void new_cid(struct world *w, const char *gender, int year, char out[13])
{
	snprintf(out, 13, "001%c%02u%06u", gender[0] == 'F' ? '1' : '0', (unsigned)year % 100u,
		 (unsigned)(++w->next_cid % 1000000));
}

/* ---- the answers, in a canonical form ---- */

struct lines {
	char **v;
	size_t n, cap;
};

static void line_add(struct lines *l, const char *path, long long v)
{
	char s[600];
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
	}
	snprintf(s, sizeof s, "%s=%lld", path, v);
	l->v[l->n++] = strdup(s);
}

/* Every non-zero integer of j by its path; array elements named by org,
 * ethnicity or id (so that orgs appear in any order and an organization
 * with nothing left may be listed or not). */
static void canon(json_t *j, const char *path, struct lines *l)
{
	char p[512];
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v) {
			snprintf(p, sizeof p, "%s.%s", path, k);
			canon(v, p, l);
		}
	} else if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) {
			json_t *key = json_object_get(v, "org");
			key = key ? key : json_object_get(v, "ethnicity");
			if (json_is_string(key)) {
				snprintf(p, sizeof p, "%s[%s]", path, json_string_value(key));
			} else if (json_is_integer(json_object_get(v, "id"))) {
				snprintf(p, sizeof p, "%s[#%lld]", path,
					 (long long)json_integer_value(json_object_get(v, "id")));
			} else {
				snprintf(p, sizeof p, "%s[%zu]", path, i);
			}
			canon(v, p, l);
		}
	} else if (json_is_integer(j) && json_integer_value(j) != 0) {
		line_add(l, path, (long long)json_integer_value(j));
	}
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *const dates[] = {"1999-12-31", "2003-03-03", "2010-06-30", "2016-01-01",
				    "2019-01-01", "2022-08-15", "2025-06-30"};

/* All the questions, their answers as sorted "path=value" lines in out.
 * level: 0 counts only, 1 with people, 2 with periods and breakdowns. */
static void answers(struct world *w, int level, struct buf *out)
{
	struct lines l = {0};
	struct err e = ERR_INIT;
	char p[160];
	int64_t m[10], ppl[10];
	for (size_t d = 0; d < sizeof dates / sizeof *dates; d++) {
		static const char *const orgs[] = {NULL, "party", "youth"};
		for (int o = 0; o < 3; o++) {
			int rc = member_stats_totals(&w->f.cx, dates[d], NULL, orgs[o], w->n_ask,
						     w->ask, m, level >= 1 && !orgs[o] ? ppl : NULL,
						     &e);
			CHECK(rc == 0);
			for (int k = 0; rc == 0 && k < w->n_ask; k++) {
				snprintf(p, sizeof p, "%s/%s/%lld/m", dates[d], orgs[o] ? orgs[o] : "*",
					 (long long)w->ask[k]);
				line_add(&l, p, (long long)m[k]);
				if (level >= 1 && !orgs[o]) {
					p[strlen(p) - 1] = 'p';
					line_add(&l, p, (long long)ppl[k]);
				}
			}
		}
		/* The 2019 data by the structure of 2025 (C1, C2 merged away). */
		CHECK(member_stats_totals(&w->f.cx, dates[d], "2025-06-30", NULL, w->n_ask, w->ask,
					  m, NULL, &e) == 0);
		for (int k = 0; k < w->n_ask; k++) {
			snprintf(p, sizeof p, "%s/s2025/%lld", dates[d], (long long)w->ask[k]);
			line_add(&l, p, (long long)m[k]);
		}
		if (level >= 2) {
			struct member_stats_query q;
			json_t *s = NULL;
			memset(&q, 0, sizeof q);
			q.unit_id = d % 2 ? w->f.vn : w->f.p1;
			q.as_of = dates[d];
			q.structure_as_of = d == 0 ? "2005-01-01" : NULL; /* P1 is from 2000 */
			q.from = dates[d > 0 ? d - 1 : 0];
			q.to = dates[d];
			q.org = d % 3 == 2 ? "party" : NULL;
			q.top = 50;
			q.breakdowns = 1;
			q.children = 1;
			if (member_stats(&w->f.cx, &q, &s, &e)) {
				printf("    stats as of %s: %s\n", dates[d], e.msg);
				CHECK(0);
			}
			snprintf(p, sizeof p, "%s/stats", dates[d]);
			canon(s, p, &l);
			json_decref(s);
		}
	}
	qsort(l.v, l.n, sizeof *l.v, cmp_line);
	for (size_t i = 0; i < l.n; i++) {
		buf_printf(out, "%s\n", l.v[i]);
		free(l.v[i]);
	}
	free(l.v);
}

/* The shared index's answers against a private one built from the tables
 * (inside a transaction, midx_get builds afresh and shares nothing). */
static int same_as_rebuilt(struct world *w, int level, int step)
{
	struct buf inc = BUF_INIT, fresh = BUF_INIT;
	struct err e = ERR_INIT;
	int same;
	answers(w, level, &inc);
	CHECK(db_begin(w->f.cx.db, &e) == 0);
	answers(w, level, &fresh);
	db_rollback(w->f.cx.db);
	same = inc.n == fresh.n && memcmp(inc.z, fresh.z, inc.n) == 0;
	if (!same) {
		const char *a = inc.z, *b = fresh.z;
		while (*a && *a == *b) {
			a++;
			b++;
		}
		while (a > inc.z && a[-1] != '\n') {
			a--;
			b--;
		}
		printf("    step %d: index %.*s; rebuilt %.*s\n", step, (int)strcspn(a, "\n"), a,
		       (int)strcspn(b, "\n"), b);
	}
	CHECK(same);
	buf_free(&inc);
	buf_free(&fresh);
	return same;
}

/* ---- the writes ---- */

/* A party cell that exists on date (mostly). */
static int64_t some_cell(struct world *w, const char *date)
{
	if (rnd(10) == 0) {
		return w->cells[rnd(4)];
	}
	return strcmp(date, "2019-01-01") < 0 ? w->cells[rnd(3)] : w->cells[2 + rnd(2)];
}

/* A membership, open ones mostly; -1 when none. */
static int some_membership(struct world *w)
{
	int k = -1;
	for (int tries = 0; w->n_m && tries < 20; tries++) {
		k = (int)rnd((uint32_t)w->n_m);
		if (w->open[k] || rnd(10) == 0) {
			break;
		}
	}
	return k;
}

static void do_admit(struct world *w)
{
	struct member_admit a;
	struct err e = ERR_INIT;
	char date[11];
	int youth = rnd(5) == 0;
	memset(&a, 0, sizeof a);
	a.org = youth ? "youth" : "party";
	for (int tries = 0; tries < 20; tries++) { /* someone without one, mostly */
		int free = 1;
		a.person_id = w->pid[rnd((uint32_t)w->n_p)];
		for (int k = 0; k < w->n_m; k++) {
			free &= w->mperson[k] != a.person_id || strcmp(w->morg[k], a.org) != 0;
		}
		if (free) {
			break;
		}
	}
	some_day("2000-01-01", 9000, date);
	a.unit_id = youth ? w->f.y1 : some_cell(w, date);
	a.date = date;
	a.decision = "QĐ-1";
	member_admit(&w->f.cx, &a, NULL, NULL, &e); /* refusals are fine */
}

static void do_event(struct world *w)
{
	static const enum member_event_kind kinds[] = {
		MEV_OFFICIAL, MEV_TRANSFER, MEV_TRANSFER, MEV_TRANSFER, MEV_TRANSFER,
		MEV_TRANSFER, MEV_TRANSFER, MEV_TRANSFER, MEV_TRANSFER, MEV_SUSPEND,
		MEV_REINSTATE, MEV_LEAVE, MEV_EXPEL, MEV_DEATH};
	struct member_event_req r;
	struct err e = ERR_INIT;
	char date[11];
	int k = some_membership(w);
	if (k < 0) {
		return;
	}
	memset(&r, 0, sizeof r);
	r.kind = kinds[rnd(sizeof kinds / sizeof *kinds)];
	r.membership_id = w->mid[k];
	some_day(w->last[k], 1500, date);
	r.date = date;
	r.decision = "QĐ-2";
	r.to_unit = r.kind == MEV_TRANSFER ? some_cell(w, date) : 0;
	if (r.kind == MEV_TRANSFER && strcmp(w->morg[k], "youth") == 0) {
		r.kind = MEV_OFFICIAL;
		r.to_unit = 0;
	}
	member_event(&w->f.cx, &r, NULL, &e); /* refusals are fine */
}

static void do_person(struct world *w)
{
	struct member_record r;
	struct err e = ERR_INIT;
	char birth[11];
	int k = (int)rnd((uint32_t)w->n_p);
	memset(&r, 0, sizeof r);
	snprintf(birth, sizeof birth, "%.4s-%02d-%02d", w->birth[k], 1 + (int)rnd(12),
		 1 + (int)rnd(28));
	r.f[MF_BIRTH_DATE] = birth;
	r.f[MF_ETHNICITY] = eths[rnd(6)];
	if (rnd(3) == 0) {
		r.f[MF_GENDER] = w->gender[k][0] == 'M' ? "F" : "M";
	}
	member_person_update(&w->f.cx, w->pid[k], 0, &r, NULL, &e);
}


static void do_import(struct world *w, int step)
{
	static const char *const names[] = {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường",
					    "Phạm Thị Dung"};
	struct import_opts o;
	struct import_result res;
	struct err e = ERR_INIT;
	struct buf csv = BUF_INIT;
	char path[600], joined[11], cid[13];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	FILE *f;
	int year = 1950 + (int)rnd(50);
	const char *g = rnd(2) ? "M" : "F";
	buf_puts(&csv, "Họ và tên,Số CCCD,Giới tính,Ngày sinh,Dân tộc,Mã đơn vị,Ngày vào Đảng\n");
	/* Someone new, then two people already known (new data, a new
	 * membership, or a refusal); units that exist today (C3, C12). */
	new_cid(w, g, year, cid);
	some_day(year < 1982 ? "2000-01-01" : "2018-01-01", 2500, joined);
	buf_printf(&csv, "%s,%s,%s,%d-03-04,%s,%s,%s\n", names[step % 4], cid, g, year,
		   eths[rnd(5)], w->codes[2 + rnd(2)], joined);
	for (int i = 0; i < 2 && w->n_p; i++) {
		int k = (int)rnd((uint32_t)w->n_p);
		some_day(atoi(w->birth[k]) < 1982 ? "2000-01-01" : "2018-01-01", 2500, joined);
		buf_printf(&csv, "%s,%s,%s,%.4s-%02d-%02d,%s,%s,%s\n", names[k % 4], w->cid[k],
			   w->gender[k], w->birth[k], 1 + (int)rnd(12), 1 + (int)rnd(28),
			   eths[rnd(5)], w->codes[2 + rnd(2)], joined);
	}
	snprintf(path, sizeof path, "%s/cadre-incr-%d.csv", tmp, (int)getpid());
	f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fwrite(csv.z, 1, csv.n, f);
		fclose(f);
	}
	buf_free(&csv);
	memset(&o, 0, sizeof o);
	o.path = path;
	o.org = "party";
	o.skip_invalid = 1;
	import_members(&w->cx2, &o, &res, NULL, &e);
	w->imported += res.inserted + res.updated;
	unlink(path);
}

static void do_step(struct world *w, int step)
{
	struct err e = ERR_INIT;
	uint32_t op = rnd(100);
	if (op < 25) {
		do_admit(w);
	} else if (op < 70) {
		do_event(w);
	} else if (op < 80) {
		do_person(w);
	} else if (op < 84 && w->n_m) {
		char number[16];
		snprintf(number, sizeof number, "N%d", step);
		member_membership_update(&w->f.cx, w->mid[rnd((uint32_t)w->n_m)], 0, number, NULL,
					 &e);
	} else if (op < 90 && w->n_m) {
		member_membership_delete(&w->f.cx, w->mid[rnd((uint32_t)w->n_m)], 0, &e);
	} else {
		do_import(w, step);
	}
}

DB_TEST(member_index_follows_random_writes)
{
	struct world w;
	struct err e = ERR_INIT;
	struct db *db2 = NULL;
	long builds0, builds, catch_ups0, catch_ups;
	int64_t src[2];
	memset(&w, 0, sizeof w);
	rng = 0x9E3779B97F4A7C15ull; /* the same sequence on each driver */
	member_stats_flush();
	mfix_setup(db, &w.f);
	src[0] = w.f.c1;
	src[1] = w.f.c2;
	w.c12 = mfix_merge(&w.f.cx, src, 2, "C12", "party_cell", w.f.t1, "2019-01-01");
	w.cells[0] = w.f.c1;
	w.cells[1] = w.f.c2;
	w.cells[2] = w.f.c3;
	w.cells[3] = w.c12;
	w.codes[0] = "C1";
	w.codes[1] = "C2";
	w.codes[2] = "C3";
	w.codes[3] = "C12";
	w.ask[w.n_ask++] = w.f.vn;
	w.ask[w.n_ask++] = w.f.p1;
	w.ask[w.n_ask++] = w.f.p2;
	w.ask[w.n_ask++] = w.f.t1;
	w.ask[w.n_ask++] = w.f.t2;
	w.ask[w.n_ask++] = w.f.c3;
	w.ask[w.n_ask++] = w.f.y1;
	w.ask[w.n_ask++] = w.c12;
	CHECK(db_open(test_db_url(), &db2, &e) == 0);
	if (!db2) {
		return;
	}
	cx_init_system(&w.cx2, db2);
	for (int i = 0; i < 30; i++) {
		char name[40], cid[13], birth[11];
		const char *g = i % 3 ? "M" : "F";
		int year = 1950 + (int)rnd(50);
		snprintf(name, sizeof name, "Người Thứ %d", i);
		snprintf(birth, sizeof birth, "%d-%02d-%02d", year, 1 + i % 12, 1 + i);
		new_cid(&w, g, year, cid);
		CHECK(mfix_person(&w.f.cx, name, cid, g, birth) > 0);
	}
	reload(&w);
	/* The index is built once, empty; everything after comes through
	 * the change log (the period and detail parts are built later, on
	 * first use, from tables that moved on since the counts were). */
	same_as_rebuilt(&w, 0, -1);
	midx_counters(&builds0, &catch_ups0);
	for (int step = 0; step < STEPS; step++) {
		if (step == REBUILD_AT) {
			/* A write that keeps no log (as a first bulk load does):
			 * the next question rebuilds, the ones after catch up. */
			CHECK(db_begin(db, &e) == 0);
			CHECK(member_gen_bump(db, &e) == 0);
			CHECK(db_commit(db, &e) == 0);
			CHECK(same_as_rebuilt(&w, 2, step));
			midx_counters(&builds, &catch_ups);
			CHECK(builds == builds0 + 1);
			builds0 = builds;
		}
		do_step(&w, step);
		reload(&w);
		CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM member_change WHERE gen = 0", NULL) == 0);
		if (!same_as_rebuilt(&w, step < 4 ? 0 : step < 8 ? 1 : 2, step)) {
			break;
		}
		midx_counters(&builds, &catch_ups);
		if (builds != builds0) {
			printf("    step %d: the index was rebuilt\n", step);
			CHECK(0);
			builds0 = builds;
		}
	}
	midx_counters(&builds, &catch_ups);
	CHECK(catch_ups > catch_ups0 + STEPS / 2); /* most writes succeeded */
	CHECK(w.n_m > 10);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM membership_stint", NULL) > 3);
	CHECK(w.imported > 0);
	db_close(db2);
	member_stats_flush();
}

/* ---- readers and a writer at once ---- */

#define READERS 3
#define WRITES 24

struct reader {
	int64_t unit;
	int stop, asked, bad, failed;
	char msg[200];
};

static void *reader_run(void *arg)
{
	struct reader *r = arg;
	struct db *db = NULL;
	struct cx cx;
	struct err e = ERR_INIT;
	int64_t prev = 0;
	if (db_open(test_db_url(), &db, &e)) {
		r->failed++;
		snprintf(r->msg, sizeof r->msg, "%.190s", e.msg);
		return NULL;
	}
	cx_init_system(&cx, db);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		int64_t m = -2, p = -2;
		if (member_stats_totals(&cx, "2024-01-01", NULL, NULL, 1, &r->unit, &m, &p, &e)) {
			r->failed++;
			snprintf(r->msg, sizeof r->msg, "%.190s", e.msg);
			break;
		}
		/* Admissions only add, transfers stay inside P1. */
		if (m < prev || m > WRITES || p != m) {
			if (!r->bad++) {
				snprintf(r->msg, sizeof r->msg, "%lld then %lld (people %lld)",
					 (long long)prev, (long long)m, (long long)p);
			}
		}
		prev = m;
		r->asked++;
	}
	db_close(db);
	return NULL;
}

DB_TEST(member_index_readers_while_writing)
{
	struct mfix f;
	struct reader r[READERS];
	pthread_t t[READERS];
	struct err e = ERR_INIT;
	int64_t people[WRITES], m = 0;
	long builds0, builds, c0, c;
	int asked = 0;
	member_stats_flush();
	mfix_setup(db, &f);
	for (int k = 0; k < WRITES; k++) {
		char name[40];
		snprintf(name, sizeof name, "Người Đọc %d", k);
		people[k] = mfix_person(&f.cx, name, NULL, k % 2 ? "F" : "M", "1980-01-01");
	}
	midx_counters(&builds0, &c0);
	memset(r, 0, sizeof r);
	for (int i = 0; i < READERS; i++) {
		r[i].unit = f.p1;
		CHECK(pthread_create(&t[i], NULL, reader_run, &r[i]) == 0);
	}
	for (int k = 0; k < WRITES; k++) {
		int64_t mid = mfix_admit(&f.cx, people[k], "party", f.c1, "2010-01-01", &e);
		CHECK(mid > 0);
		if (k % 2) {
			CHECK(mfix_event(&f.cx, mid, MEV_TRANSFER, "2015-01-01", f.c2, &e) == 0);
		}
		usleep(2000);
	}
	usleep(20000);
	for (int i = 0; i < READERS; i++) {
		__atomic_store_n(&r[i].stop, 1, __ATOMIC_RELEASE);
		pthread_join(t[i], NULL);
		if (r[i].failed || r[i].bad) {
			printf("    reader %d: %d failed, %d wrong: %s\n", i, r[i].failed, r[i].bad,
			       r[i].msg);
		}
		CHECK(!r[i].failed && !r[i].bad && r[i].asked > 0);
		asked += r[i].asked;
	}
	CHECK(member_stats_totals(&f.cx, "2024-01-01", NULL, NULL, 1, &f.p1, &m, NULL, &e) == 0);
	CHECK(m == WRITES);
	midx_counters(&builds, &c);
	CHECK(builds == builds0 + 1); /* the first question's; the rest caught up */
	CHECK(c > c0);
	CHECK(asked > READERS);
	member_stats_flush();
}
