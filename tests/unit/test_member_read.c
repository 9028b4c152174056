/*
 * test_member_read.c — unit tests of the read side of the member module
 * on both drivers: the member list as of a date (the unit of that day's
 * stint, the status of that day, units merged away under their successor,
 * the actor's scope, a bad date), unit names in the list, the per-person
 * quality verdict (the same counting as the unit figures), and the counts
 * and progress of an import that is refused or only checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/import.h"
#include "domain/quality.h"
#include "test.h"
#include "test_member.h"

static json_t *search(struct cx *cx, const char *q, int64_t unit, const char *status,
		      const char *as_of)
{
	struct member_query mq;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	memset(&mq, 0, sizeof mq);
	mq.q = q;
	mq.unit_id = unit;
	mq.status = status;
	mq.as_of = as_of;
	CHECK(member_search(cx, &mq, &out, &e) == 0);
	return out;
}

static int64_t total_of(json_t *o)
{
	int64_t n = o ? json_integer_value(json_object_get(o, "total")) : -1;
	json_decref(o);
	return n;
}

static json_t *item0(json_t *o)
{
	return json_array_get(json_object_get(o, "items"), 0);
}

static const char *str_at(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_object_get(o, k1);
	if (k2) {
		v = json_object_get(v, k2);
	}
	return json_string_value(v) ? json_string_value(v) : "";
}

DB_TEST(member_list_as_of_a_date)
{
	struct mfix f;
	struct cx viewer2;
	struct member_query mq;
	struct err e = ERR_INIT;
	json_t *o = NULL;
	int64_t a, ma, b, mb, c12, src[2];
	mfix_setup(db, &f);
	mfix_user(&f, "p2.viewer", "viewer", f.p2, &viewer2);
	a = mfix_person(&f.cx, "Hoàng Văn Lịch", "001080000401", "M", "1980-01-01");
	ma = mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e);
	CHECK(ma > 0);
	CHECK(mfix_event(&f.cx, ma, MEV_TRANSFER, "2015-01-01", f.c3, &e) == 0);
	CHECK(mfix_event(&f.cx, ma, MEV_SUSPEND, "2016-01-01", 0, &e) == 0);
	CHECK(mfix_event(&f.cx, ma, MEV_REINSTATE, "2017-01-01", 0, &e) == 0);
	CHECK(mfix_event(&f.cx, ma, MEV_LEAVE, "2018-01-01", 0, &e) == 0);

	/* Before the admission: nobody; in C1 until the transfer. */
	CHECK(total_of(search(&f.cx, "hoang van lich", 0, NULL, "2009-12-31")) == 0);
	o = search(&f.cx, "hoang van lich", 0, NULL, "2012-06-01");
	CHECK(json_integer_value(json_object_get(o, "total")) == 1);
	CHECK(json_integer_value(json_object_get(json_object_get(item0(o), "unit"), "id")) == f.c1);
	CHECK_STR(str_at(item0(o), "unit", "code"), "C1");
	CHECK(str_at(item0(o), "unit", "name")[0] != '\0');
	CHECK_STR(str_at(item0(o), "status", NULL), "active");
	CHECK(json_is_null(json_object_get(item0(o), "ended")));
	CHECK_STR(str_at(o, "as_of", NULL), "2012-06-01");
	json_decref(o);
	CHECK(total_of(search(&f.cx, NULL, f.p1, NULL, "2012-06-01")) == 1);
	CHECK(total_of(search(&f.cx, NULL, f.p2, NULL, "2012-06-01")) == 0);
	/* Suspended in C3 (P2) on 2016-06-01, active again in 2017. */
	o = search(&f.cx, "hoang van lich", 0, NULL, "2016-06-01");
	CHECK(json_integer_value(json_object_get(json_object_get(item0(o), "unit"), "id")) == f.c3);
	CHECK_STR(str_at(item0(o), "status", NULL), "suspended");
	json_decref(o);
	CHECK(total_of(search(&f.cx, NULL, f.p2, "suspended", "2016-06-01")) == 1);
	CHECK(total_of(search(&f.cx, NULL, f.p2, "active", "2016-06-01")) == 0);
	CHECK(total_of(search(&f.cx, NULL, f.p2, "active", "2017-06-01")) == 1);
	CHECK(total_of(search(&f.cx, NULL, f.p2, "left", "2017-06-01")) == 0);
	/* Gone from the day of leaving; today's list shows the leaver. */
	CHECK(total_of(search(&f.cx, NULL, 0, NULL, "2018-01-01")) == 0);
	o = search(&f.cx, "hoang van lich", 0, NULL, NULL);
	CHECK_STR(str_at(item0(o), "status", NULL), "left");
	CHECK_STR(str_at(item0(o), "ended", NULL), "2018-01-01");
	CHECK(str_at(item0(o), "unit", "name")[0] != '\0');
	CHECK(json_object_get(o, "as_of") == NULL);
	json_decref(o);

	/* The viewer of P2 sees the member only while in P2. */
	CHECK(total_of(search(&viewer2, NULL, 0, NULL, "2012-06-01")) == 0);
	CHECK(total_of(search(&viewer2, NULL, 0, NULL, "2016-06-01")) == 1);

	/* Units merged away count under their successor. */
	b = mfix_person(&f.cx, "Đặng Thị Hợp", "001185000402", "F", "1985-01-01");
	mb = mfix_admit(&f.cx, b, "party", f.c2, "2011-01-01", &e);
	CHECK(mb > 0);
	src[0] = f.c1;
	src[1] = f.c2;
	c12 = mfix_merge(&f.cx, src, 2, "C12", "party_cell", f.t1, "2020-01-01");
	CHECK(c12 > 0);
	o = search(&f.cx, NULL, c12, NULL, "2019-06-01");
	CHECK(json_integer_value(json_object_get(o, "total")) == 1);
	CHECK_STR(str_at(item0(o), "full_name", NULL), "Đặng Thị Hợp");
	CHECK_STR(str_at(item0(o), "unit", "code"), "C2"); /* the unit of that day */
	json_decref(o);
	CHECK(total_of(search(&f.cx, NULL, c12, NULL, "2021-06-01")) == 1);

	/* A date that does not exist. */
	memset(&mq, 0, sizeof mq);
	mq.as_of = "2021-02-30";
	o = NULL;
	CHECK(member_search(&f.cx, &mq, &o, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "as_of") == 0);
	CHECK(o == NULL);
}

static int export_row(void *arg, const char *const *cells, struct err *e)
{
	char *buf = arg;
	(void)e;
	for (int c = 0; c < MEMBER_EXPORT_NCOL; c++) {
		strncat(buf, cells[c], 2000 - strlen(buf) - 2);
		strncat(buf, c + 1 < MEMBER_EXPORT_NCOL ? "," : "\n", 2000 - strlen(buf) - 1);
	}
	return 0;
}

DB_TEST(member_export_as_of_has_that_days_status)
{
	struct mfix f;
	struct member_export_query q;
	struct err e = ERR_INIT;
	char buf[2048] = "";
	int64_t a, ma;
	mfix_setup(db, &f);
	a = mfix_person(&f.cx, "Lâm Văn Treo", "001080000411", "M", "1980-01-01");
	ma = mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e);
	CHECK(mfix_event(&f.cx, ma, MEV_SUSPEND, "2012-01-01", 0, &e) == 0);
	CHECK(mfix_event(&f.cx, ma, MEV_LEAVE, "2014-01-01", 0, &e) == 0);
	memset(&q, 0, sizeof q);
	q.org = "party";
	q.as_of = "2013-01-01";
	CHECK(member_export(&f.cx, &q, export_row, buf, NULL, &e) == 0);
	CHECK(strstr(buf, ",suspended,\n") != NULL); /* ended empty that day */
	buf[0] = '\0';
	q.status = "active";
	CHECK(member_export(&f.cx, &q, export_row, buf, NULL, &e) == 0);
	CHECK(buf[0] == '\0');
	q.status = NULL;
	q.as_of = NULL;
	CHECK(member_export(&f.cx, &q, export_row, buf, NULL, &e) == 0);
	CHECK(strstr(buf, ",left,2014-01-01\n") != NULL);
}

DB_TEST(quality_person_counts_like_the_unit_figures)
{
	struct mfix f;
	struct cx viewer2;
	struct member_record rec;
	struct err e = ERR_INIT;
	json_t *o = NULL, *u = NULL, *pr;
	int64_t a, ma, b;
	mfix_setup(db, &f);
	mfix_user(&f, "p2.viewer", "viewer", f.p2, &viewer2);
	/* Province code 099 does not exist: stored, flagged as an error. */
	a = mfix_person(&f.cx, "Bùi Văn Cờ", "099080000421", "M", "1980-01-01");
	ma = mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e);
	CHECK(ma > 0);
	CHECK(quality_person(&f.cx, a, &o, &e) == 0);
	CHECK(json_is_false(json_object_get(o, "ok")));
	CHECK(json_integer_value(json_object_get(o, "records")) == 1);
	CHECK(json_integer_value(json_object_get(o, "clean")) == 0);
	CHECK(json_integer_value(json_object_get(o, "errors")) >= 1);
	pr = NULL;
	for (size_t i = 0; i < json_array_size(json_object_get(o, "problems")); i++) {
		json_t *it = json_array_get(json_object_get(o, "problems"), i);
		if (strcmp(str_at(it, "rule", NULL), "citizen_id.province") == 0) {
			pr = it;
		}
	}
	CHECK(pr != NULL);
	CHECK_STR(str_at(pr, "field", NULL), "citizen_id");
	CHECK_STR(str_at(pr, "severity", NULL), "error");
	CHECK_STR(str_at(pr, "fix", NULL), "person");
	CHECK(str_at(pr, "message_vi", NULL)[0] && str_at(pr, "message_en", NULL)[0]);
	CHECK(json_integer_value(json_object_get(pr, "membership_id")) == ma);
	CHECK_STR(str_at(json_array_get(json_object_get(o, "memberships"), 0), "unit", "code"),
		  "C1");
	json_decref(o);
	/* The unit figure agrees: C1 has one record and no clean one. */
	CHECK(quality_unit(&f.cx, f.c1, &u, &e) == 0);
	CHECK(json_integer_value(json_object_get(u, "records")) == 1);
	CHECK(json_integer_value(json_object_get(u, "clean")) == 0);
	json_decref(u);
	/* Outside the viewer's scope; no such person. */
	CHECK(quality_person(&viewer2, a, &o, &e) < 0 && e.code == ERR_FORBIDDEN);
	CHECK(quality_person(&f.cx, 999999, &o, &e) < 0 && e.code == ERR_NOT_FOUND);
	CHECK(strcmp(e.field, "id") == 0);
	/* Fixing the record: ok at once. */
	memset(&rec, 0, sizeof rec);
	rec.f[MF_CITIZEN_ID] = "001080000421";
	CHECK(member_person_update(&f.cx, a, 0, &rec, NULL, &e) == 0);
	CHECK(quality_person(&f.cx, a, &o, &e) == 0);
	CHECK(json_is_true(json_object_get(o, "ok")));
	CHECK(json_integer_value(json_object_get(o, "errors")) == 0);
	CHECK(json_integer_value(json_object_get(o, "clean")) == 1);
	json_decref(o);
	/* A person without memberships: nothing counted, ok. */
	b = mfix_person(&f.cx, "Không Đảng Viên", "001080000422", "M", "1980-01-01");
	CHECK(quality_person(&f.cx, b, &o, &e) == 0);
	CHECK(json_integer_value(json_object_get(o, "records")) == 0);
	CHECK(json_array_size(json_object_get(o, "problems")) == 0);
	json_decref(o);
}

/* ---- import counts and progress ---- */

static const char *write_csv(const char *name, const char *text)
{
	static char path[4][600];
	static int k;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *p = path[k++ % 4];
	FILE *fp;
	snprintf(p, 600, "%s/cadre-mread-%d-%s", tmp, (int)getpid(), name);
	fp = fopen(p, "wb");
	CHECK(fp != NULL);
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	return p;
}

static void got_job(void *arg, int64_t job)
{
	*(int64_t *)arg = job;
}

static int import_file(struct mfix *f, const char *path, int dry, struct import_result *r,
		       int64_t *job, json_t **out, struct err *e)
{
	struct import_opts o;
	memset(&o, 0, sizeof o);
	o.path = path;
	o.name = "m.csv";
	o.org = "party";
	o.dry_run = dry;
	o.max_messages = 2;
	o.on_start = got_job;
	o.arg = job;
	*job = 0;
	return import_members(&f->cx, &o, r, out, e);
}

#define HEAD "Họ và tên,Số CCCD,Giới tính,Ngày sinh,Mã đơn vị,Ngày vào Đảng\n"

DB_TEST(import_refused_counts_every_row_and_ends_its_progress)
{
	struct mfix f;
	struct import_result r;
	struct import_progress p;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int64_t job = 0, n;
	const char *path;
	mfix_setup(db, &f);
	path = write_csv("base.csv", HEAD "Một Người,001080000431,Nam,1980-01-01,C1,2010-01-01\n"
					  "Hai Người,001080000432,Nam,1980-01-01,C1,2010-01-01\n");
	CHECK(import_file(&f, path, 0, &r, &job, NULL, &e) == 0 && r.inserted == 2);
	CHECK(import_progress(job, &p) == 0 && p.done && strcmp(p.state, "done") == 0);
	CHECK(p.inserted == 2 && p.committed);
	/* Refused rows found by the database (another unit) and by the
	 * reader (a bad ID), before and after new rows: every one counted. */
	path = write_csv("bad.csv",
			 HEAD "Ba Người,001080000433,Nam,1980-01-01,C1,2010-01-01\n"
			      "Một Người,001080000431,Nam,1980-01-01,C2,2010-01-01\n"
			      "Bốn Người,001080000434,Nam,1980-01-01,C1,2010-01-01\n"
			      "Hai Người,001080000432,Nam,1980-01-01,C3,2010-01-01\n"
			      "Sai Số,12345,Nam,1980-01-01,C1,2010-01-01\n"
			      "Năm Người,001080000435,Nam,1980-01-01,C1,2010-01-01\n");
	CHECK(import_file(&f, path, 0, &r, &job, &out, &e) < 0);
	CHECK(e.code == ERR_INVALID && strcmp(e.field, "file") == 0);
	CHECK(r.rows == 6 && r.rejected == 3 && r.valid == 3);
	CHECK(r.inserted == 0 && r.updated == 0 && r.unchanged == 0 && !r.committed);
	CHECK(json_integer_value(json_object_get(out, "rejected")) == 3);
	CHECK(json_integer_value(json_object_get(out, "inserted")) == 0);
	CHECK(json_array_size(json_object_get(out, "errors")) == 2); /* max_messages */
	CHECK(json_integer_value(json_object_get(out, "errors_more")) == 1);
	json_decref(out);
	n = 0;
	{
		struct db_stmt *st;
		CHECK(db_prepare(db, "SELECT COUNT(*) FROM person", &st, &e) == 0);
		if (db_step(st, &e) == DB_ROW) {
			n = db_col_int64(st, 0);
		}
		db_finalize(st);
	}
	CHECK(n == 2);
	CHECK(job > 0);
	CHECK(import_progress(job, &p) == 0);
	CHECK(p.done && strcmp(p.state, "failed") == 0);
	CHECK(p.rows == 6 && p.rejected == 3 && p.inserted == 0);
	CHECK(strcmp(p.err_field, "file") == 0 && strstr(p.err_message, "3 of 6") != NULL);
	/* A dry run ends its progress too, as a dry run. */
	path = write_csv("dry.csv", HEAD "Sáu Người,001080000436,Nam,1980-01-01,C1,2010-01-01\n");
	CHECK(import_file(&f, path, 1, &r, &job, NULL, &e) == 0);
	CHECK(r.inserted == 1 && !r.committed && r.job_id == 0);
	CHECK(job > 0);
	CHECK(import_progress(job, &p) == 0 && p.done && strcmp(p.state, "dry_run") == 0);
	CHECK(p.rows == 1 && p.inserted == 1);
}

/* ---- an exported list, leavers included, imports back ---- */

static int csv_row(void *arg, const char *const *cells, struct err *e)
{
	char *buf = arg;
	(void)e;
	for (int c = 0; c < MEMBER_EXPORT_NCOL; c++) {
		strncat(buf, cells[c], 4000 - strlen(buf) - 2);
		strncat(buf, c + 1 < MEMBER_EXPORT_NCOL ? "," : "\n", 4000 - strlen(buf) - 1);
	}
	return 0;
}

DB_TEST(import_takes_back_an_export_with_leavers)
{
	struct mfix f;
	struct member_export_query q;
	struct import_result r;
	struct err e = ERR_INIT;
	char buf[4096] = "";
	json_t *out = NULL;
	int64_t a, ma, b, job;
	const char *path;
	mfix_setup(db, &f);
	/* A fresh database: a leaver row is refused with its reason (an
	 * import never writes a former member as a current one). */
	path = write_csv("leaver-new.csv", "Họ và tên,Số CCCD,Giới tính,Ngày sinh,Mã đơn vị,Ngày vào Đảng,status,ended\n"
				"Cũ Văn Rời,001080000441,Nam,1980-01-01,C1,2010-01-01,left,2015-01-01\n"
				"Mới Văn Ở,001080000442,Nam,1980-01-01,C1,2010-01-01,active,\n");
	CHECK(import_file(&f, path, 0, &r, &job, &out, &e) < 0);
	CHECK(r.rows == 2 && r.rejected == 1);
	CHECK(strstr(json_string_value(json_object_get(json_array_get(json_object_get(out, "errors"), 0),
						       "message")) ? json_string_value(json_object_get(json_array_get(json_object_get(out, "errors"), 0), "message")) : "", "import.leaver") != NULL);
	json_decref(out);
	out = NULL;
	/* Stored members, one of whom left: the export imports back unchanged. */
	a = mfix_person(&f.cx, "Rời Văn Đi", "001080000443", "M", "1980-01-01");
	ma = mfix_admit(&f.cx, a, "party", f.c1, "2010-01-01", &e);
	CHECK(mfix_event(&f.cx, ma, MEV_LEAVE, "2016-01-01", 0, &e) == 0);
	b = mfix_person(&f.cx, "Ở Văn Lại", "001080000444", "M", "1980-01-01");
	CHECK(mfix_admit(&f.cx, b, "party", f.c1, "2010-01-01", &e) > 0);
	memset(&q, 0, sizeof q);
	q.org = "party";
	strcat(buf, "citizen_id,full_name,gender,birth_date,ethnicity,religion,hometown,"
		    "hometown_new,residence,phone,email,org,unit_code,number,joined,official,"
		    "status,ended\n");
	CHECK(member_export(&f.cx, &q, csv_row, buf, NULL, &e) == 0);
	CHECK(strstr(buf, ",left,2016-01-01\n") != NULL);
	path = write_csv("roundtrip.csv", buf);
	CHECK(import_file(&f, path, 0, &r, &job, NULL, &e) == 0);
	CHECK(r.rows == 2 && r.rejected == 0 && r.unchanged == 2 && r.inserted == 0);
	/* A leaver row whose end differs from the record is refused. */
	path = write_csv("leaver-other.csv", "Họ và tên,Số CCCD,Giới tính,Ngày sinh,Mã đơn vị,Ngày vào Đảng,status,ended\n"
				"Rời Văn Đi,001080000443,Nam,1980-01-01,C1,2010-01-01,expelled,2017-01-01\n");
	CHECK(import_file(&f, path, 0, &r, &job, NULL, &e) < 0);
	CHECK(r.rejected == 1 && r.unchanged == 0);
}
