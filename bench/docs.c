/*
 * bench/docs.c — how fast the document register numbers and finds.
 *
 *   bench_docs DB [--docs 100000] [--numbers 10000] [--clients 8] [--runs 20]
 *
 * DB is an SQLite path or a postgresql:// URL; it is migrated and, when it
 * holds fewer than --docs documents, filled through the domain (doc_number:
 * each entry its own transaction with its audit entry and search text) with
 * documents of 60 issuers under the root, subjects drawn from an
 * administrative Vietnamese vocabulary.
 *
 * (1) Numbering: --clients threads, each with its own connection, allocate
 *     --numbers numbers at once from one fresh series (a new issuer per
 *     run); the numbers taken must be exactly 1..N.  Floor on SQLite: 10,000
 *     numbers from 8 clients in < 2 s.
 * (2) Search over the whole register with doc_search (the API's and CLI's
 *     call: full text over folded text, filters, the actor's scope, the
 *     total count and a page of 50): a rare word, a common word, two words,
 *     a symbol, words with a type and period filter, the same as a user
 *     scoped to one issuer, and a filter without words.  Floor: < 50 ms
 *     (median) for each.
 * Prints best and median; exit 1 when a floor is missed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/date.h"
#include "db/db.h"
#include "db/migrate.h"
#include "domain/cx.h"
#include "domain/doc.h"
#include "domain/doc_search.h"
#include "domain/org.h"

#define FLOOR_NUMBERS_MS 2000.0
#define FLOOR_SEARCH_MS 50.0
#define ISSUERS 60
#define MAX_CLIENTS 64

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* User + system CPU time of the whole process (every client thread). */
static double cpu_ms(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
	       (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static const char *const words[] = {
	"quyết định", "phê duyệt", "kế hoạch", "triển khai", "thực hiện", "nghị quyết",
	"chuyển đổi số", "cải cách hành chính", "phòng, chống", "thiên tai", "tham nhũng",
	"lãng phí", "công tác cán bộ", "bổ nhiệm", "điều động", "luân chuyển", "khen thưởng",
	"thi đua", "xây dựng Đảng", "chỉnh đốn", "đảng viên", "kết nạp", "tổng kết",
	"sơ kết", "năm 2025", "giai đoạn 2021–2025", "nhiệm kỳ 2025–2030", "đại hội",
	"chi bộ", "đảng bộ", "mặt trận", "đoàn thanh niên", "hội phụ nữ", "nông dân",
	"cựu chiến binh", "công đoàn", "an sinh xã hội", "giảm nghèo", "nông thôn mới",
	"đô thị văn minh", "giáo dục", "y tế", "bảo hiểm", "đất đai", "tài nguyên",
	"môi trường", "quốc phòng", "an ninh", "trật tự", "giao thông", "đầu tư công",
	"ngân sách", "dự toán", "quyết toán", "kiểm tra", "giám sát", "thanh tra",
	"tiếp công dân", "khiếu nại", "tố cáo", "sắp xếp", "đơn vị hành chính", "sáp nhập",
	"hợp nhất", "tinh gọn", "bộ máy", "biên chế", "vị trí việc làm", "số hóa",
	"hồ sơ", "dịch vụ công", "trực tuyến", "hạ tầng", "viễn thông", "du lịch",
	"văn hóa", "thể thao", "di tích", "lễ hội", "bão số 3", "Yagi", "cứu trợ",
	"tái thiết", "nhà ở", "học sinh", "sinh viên", "việc làm", "doanh nghiệp",
	"hợp tác xã", "xuất khẩu", "nông sản", "thủy sản", "lâm nghiệp", "khoáng sản"};
#define N_WORDS (sizeof words / sizeof words[0])

static const char *const types[] = {"QĐ", "CV", "KH", "BC", "TB", "NQ", "HD", "TTr"};

static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

static int64_t count_docs(struct db *db)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	int64_t n = 0;
	/* Reading the count directly: this program is a measurement tool. */
	if (db_prepare(db, "SELECT COUNT(*) FROM doc", &st, &e) == 0) {
		if (db_step(st, &e) == DB_ROW) {
			n = db_col_int64(st, 0);
		}
		db_finalize(st);
	}
	return n;
}

static int64_t make_unit(struct cx *cx, const char *code, const char *name,
			 int64_t parent)
{
	struct reorg_req r;
	struct err e = ERR_INIT;
	int64_t id = 0;
	if (org_unit_id_by_code(cx, code, &id, &e) == 0) {
		return id;
	}
	memset(&r, 0, sizeof r);
	r.kind = REORG_CREATE;
	r.date = "2000-01-01";
	r.decision = "bench";
	r.created.code = code;
	r.created.name = name;
	r.created.kind = "organization";
	r.created.parent = parent;
	r.created.share = -1;
	if (org_reorg(cx, &r, 0, NULL, NULL, &e) || org_unit_id_by_code(cx, code, &id, &e)) {
		fprintf(stderr, "bench_docs: unit %s: %s\n", code, e.msg);
		return -1;
	}
	return id;
}

static int64_t make_issuer(struct cx *cx, int64_t root, const char *code)
{
	struct doc_issuer_set s;
	struct err e = ERR_INIT;
	int64_t id = make_unit(cx, code, "Ủy ban nhân dân", root);
	s = (struct doc_issuer_set){id, "state", "UBND", 0};
	if (id < 0 || doc_issuer_set(cx, &s, &e)) {
		fprintf(stderr, "bench_docs: issuer %s: %s\n", code, e.msg);
		return -1;
	}
	return id;
}

static int fill(struct db *db, int64_t want)
{
	struct cx cx;
	struct err e = ERR_INIT;
	int64_t root = 0, issuers[ISSUERS], have = count_docs(db);
	double t0 = now_ms();
	char code[32];
	cx_init_system(&cx, db);
	if (org_bootstrap(&cx, "VN", "Việt Nam", "1945-09-02", &root, &e)) {
		fprintf(stderr, "bench_docs: bootstrap: %s\n", e.msg);
		return -1;
	}
	for (int i = 0; i < ISSUERS; i++) {
		snprintf(code, sizeof code, "BD-%02d", i);
		if ((issuers[i] = make_issuer(&cx, root, code)) < 0) {
			return -1;
		}
	}
	if (have >= want) {
		return 0;
	}
	printf("filling: %lld documents to add\n", (long long)(want - have));
	for (int64_t k = have; k < want; k++) {
		char subject[600] = "", date[11];
		struct doc_number_req r;
		int nw = 6 + (int)(rnd() % 10);
		for (int w = 0; w < nw; w++) {
			/* A skewed choice: low-index words are common. */
			unsigned a = rnd() % N_WORDS, b = rnd() % N_WORDS;
			snprintf(subject + strlen(subject), sizeof subject - strlen(subject),
				 "%s%s", w ? " " : "", words[a < b ? a : b]);
		}
		date_format(date_from_days(date_to_days((struct date){2021, 1, 1}) +
					   (int64_t)(rnd() % 1825)),
			    date);
		r.issuer_id = issuers[rnd() % ISSUERS];
		r.type = types[rnd() % (sizeof types / sizeof types[0])];
		r.date = date;
		r.confidential = rnd() % 50 == 0;
		r.subject = subject;
		cx.now_ms = time_now_ms();
		if (doc_number(&cx, &r, NULL, &e)) {
			fprintf(stderr, "bench_docs: doc_number: %s\n", e.msg);
			return -1;
		}
		if ((k + 1) % 10000 == 0) {
			printf("  %lld documents, %.1f s\n", (long long)k + 1,
			       (now_ms() - t0) / 1e3);
			fflush(stdout);
		}
	}
	printf("filled in %.1f s\n\n", (now_ms() - t0) / 1e3);
	return 0;
}

/* --- numbering --- */

struct client {
	const char *url;
	int64_t issuer;
	int count, ok;
	char msg[600];
};

static void *client_run(void *arg)
{
	struct client *c = arg;
	struct db *db;
	struct cx cx;
	struct err e = ERR_INIT;
	if (db_open(c->url, &db, &e)) {
		snprintf(c->msg, sizeof c->msg, "%s", e.msg);
		return NULL;
	}
	cx_init_system(&cx, db);
	for (int i = 0; i < c->count; i++) {
		struct doc_number_req r = {c->issuer, "QĐ", "2026-03-01", 0, "Số đo hiệu năng"};
		cx.now_ms = time_now_ms();
		if (doc_number(&cx, &r, NULL, &e)) {
			snprintf(c->msg, sizeof c->msg, "%s", e.msg);
		} else {
			c->ok++;
		}
	}
	db_close(db);
	return NULL;
}

static int bench_numbers(struct db *db, const char *url, int n, int clients)
{
	struct client c[MAX_CLIENTS];
	pthread_t t[MAX_CLIENTS];
	struct cx cx;
	struct err e = ERR_INIT;
	json_t *reg = NULL, *row;
	char code[32], *seen;
	int64_t root = 0, issuer;
	double t0, ms, c0, cpu;
	int ok = 0, good = 1;
	size_t i;
	cx_init_system(&cx, db);
	org_unit_id_by_code(&cx, "VN", &root, &e);
	snprintf(code, sizeof code, "BN-%lld", (long long)time_now_ms());
	if ((issuer = make_issuer(&cx, root, code)) < 0) {
		return 1;
	}
	memset(c, 0, sizeof c);
	c0 = cpu_ms();
	t0 = now_ms();
	for (int k = 0; k < clients; k++) {
		c[k].url = url;
		c[k].issuer = issuer;
		c[k].count = n / clients + (k < n % clients);
		pthread_create(&t[k], NULL, client_run, &c[k]);
	}
	for (int k = 0; k < clients; k++) {
		pthread_join(t[k], NULL);
		ok += c[k].ok;
		if (c[k].ok != c[k].count) {
			printf("  client %d: %d of %d, %s\n", k, c[k].ok, c[k].count, c[k].msg);
		}
	}
	ms = now_ms() - t0;
	cpu = cpu_ms() - c0;
	/* Exactly 1..N in the register. */
	seen = calloc((size_t)n + 1, 1);
	if (doc_register(&cx, issuer, "out", 2026, &reg, &e)) {
		printf("  register: %s\n", e.msg);
		good = 0;
	}
	json_array_foreach(json_object_get(reg, "items"), i, row) {
		long v = strtol(json_string_value(json_object_get(row, "number")), NULL, 10);
		if (v < 1 || v > n || seen[v]) {
			good = 0;
		} else {
			seen[v] = 1;
		}
	}
	good = good && ok == n && json_array_size(json_object_get(reg, "items")) == (size_t)n;
	free(seen);
	json_decref(reg);
	printf("numbering: %d numbers from %d clients in %.0f ms (%.0f numbers/s; "
	       "CPU %.0f ms); numbers are exactly 1..%d: %s\n",
	       ok, clients, ms, ok / (ms / 1e3), cpu, n, good ? "yes" : "NO");
	if (db_kind(db) == DB_SQLITE) {
		printf("  floor (SQLite, 10,000 from 8 clients) < %.0f ms: %s\n",
		       FLOOR_NUMBERS_MS, ms < FLOOR_NUMBERS_MS ? "ok" : "MISSED");
		return !good || ms >= FLOOR_NUMBERS_MS;
	}
	return !good;
}

/* --- search --- */

static int bench_query(struct cx *cx, const char *label, const struct doc_query *q,
		       int runs)
{
	double v[256];
	struct err e = ERR_INIT;
	int64_t total = 0;
	runs = runs > 256 ? 256 : runs;
	for (int k = 0; k < runs; k++) {
		json_t *out = NULL;
		double t0 = now_ms();
		if (doc_search(cx, q, &out, &e)) {
			printf("  %s: %s\n", label, e.msg);
			return 1;
		}
		v[k] = now_ms() - t0;
		total = json_integer_value(json_object_get(out, "total"));
		json_decref(out);
	}
	qsort(v, (size_t)runs, sizeof v[0], cmp_double);
	printf("  %-46s %7lld found  best %7.2f ms  median %7.2f ms  %s\n", label,
	       (long long)total, v[0], v[runs / 2],
	       v[runs / 2] < FLOOR_SEARCH_MS ? "ok" : "MISSED");
	return v[runs / 2] >= FLOOR_SEARCH_MS;
}

static int bench_search(struct db *db, int runs)
{
	struct cx sys, user;
	struct err e = ERR_INIT;
	struct doc_query q;
	int64_t unit = 0;
	int bad = 0;
	cx_init_system(&sys, db);
	printf("search over %lld documents (page of 50 and the total):\n",
	       (long long)count_docs(db));
	memset(&q, 0, sizeof q);
	q.limit = 50;
	q.q = "khoáng sản";
	bad |= bench_query(&sys, "rare words \"khoang san\"", &q, runs);
	q.q = "quyet dinh";
	bad |= bench_query(&sys, "common words \"quyet dinh\"", &q, runs);
	q.q = "chuyen doi so nong thon moi";
	bad |= bench_query(&sys, "five words, two phrases", &q, runs);
	q.q = "12/QĐ-UBND";
	bad |= bench_query(&sys, "a symbol \"12/QĐ-UBND\"", &q, runs);
	q.q = "ke hoach";
	q.type = "KH";
	q.from = "2024-01-01";
	q.to = "2024-12-31";
	bad |= bench_query(&sys, "words + type + period", &q, runs);
	memset(&q, 0, sizeof q);
	q.limit = 50;
	q.type = "TB";
	q.status = "issued";
	bad |= bench_query(&sys, "no words: type + status", &q, runs);
	/* A user scoped to one issuer: the scope is checked per unit. */
	cx_init_system(&user, db);
	user.actor.system = 0;
	snprintf(user.actor.login, sizeof user.actor.login, "bench");
	snprintf(user.actor.role, sizeof user.actor.role, "clerk");
	user.actor.user_id = 0;
	if (org_unit_id_by_code(&sys, "BD-07", &unit, &e) == 0) {
		user.actor.unit_id = unit;
		memset(&q, 0, sizeof q);
		q.limit = 50;
		q.q = "quyet dinh";
		bad |= bench_query(&user, "common words, as a clerk of one issuer", &q, runs);
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *url = NULL;
	int64_t docs = 100000;
	int numbers = 10000, clients = 8, runs = 20, status = 0;
	struct db *db = NULL;
	struct err e = ERR_INIT;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--docs") == 0 && i + 1 < argc) {
			docs = strtoll(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--numbers") == 0 && i + 1 < argc) {
			numbers = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc) {
			clients = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
			runs = atoi(argv[++i]);
		} else if (!url && argv[i][0] != '-') {
			url = argv[i];
		} else {
			url = NULL;
			break;
		}
	}
	if (!url || clients < 1 || clients > MAX_CLIENTS || numbers < 1 || runs < 1) {
		fprintf(stderr, "usage: bench_docs DB [--docs N] [--numbers N] "
				"[--clients N] [--runs N]\n");
		return 2;
	}
	setenv("CADRE_LOG", "warn", 0);
	if (db_open(url, &db, &e) || db_migrate(db, NULL, &e)) {
		fprintf(stderr, "bench_docs: %s\n", e.msg);
		return 1;
	}
	if (fill(db, docs)) {
		db_close(db);
		return 1;
	}
	status |= bench_search(db, runs);
	printf("\n");
	status |= bench_numbers(db, url, numbers, clients);
	db_close(db);
	return status;
}
