/*
 * test_import_rows.c — the import's write path on both drivers: rows that
 * go several to an INSERT statement (SQLite) land with every field in its
 * column, whole statements and the rest of a batch alike; warnings are
 * stored for the right membership; a second, larger file that repeats some
 * stored people leaves them unchanged, adds the others, and leaves the
 * citizen-ID register (rewritten in key order on a bulk load) matching the
 * people exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/import.h"
#include "test.h"
#include "test_member.h"

static const char *const family[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"};
static const char *const given[] = {"An", "Bình", "Cường", "Dũng", "Hà", "Lan", "Minh"};

/* Row i of the generated file (i < 100,000): a name, an ID consistent with a
 * man born in 1990, unit C1 or C2, every tenth phone malformed. */
static void row(int i, char *out, size_t cap)
{
	snprintf(out, cap, "%s %s %s,0010900%05d,Nam,%02d/03/1990,%s,%s,0%09d,01/02/2015\n",
		 family[i % 6], given[(i / 6) % 7], given[(i / 42) % 7], i, 1 + i % 28,
		 i % 2 ? "C2" : "C1", i % 10 == 3 ? "12" : "", 912000000 + i);
}

/* A file of rows [from, to). */
static void write_file(const char *path, int from, int to)
{
	FILE *fp = fopen(path, "wb");
	char line[256];
	CHECK(fp != NULL);
	if (!fp) {
		return;
	}
	fputs("Họ và tên,Số CCCD,Giới tính,Ngày sinh,Mã đơn vị,Số điện thoại,Số thẻ đảng viên,"
	      "Ngày vào Đảng\n", fp);
	for (int i = from; i < to; i++) {
		row(i, line, sizeof line);
		fputs(line, fp);
	}
	fclose(fp);
}

/* Row i stored as written: the person's fields, the membership's. */
static int stored_as_written(struct db *db, int i)
{
	char cid[24], birth[24], name[128], line[256];
	struct db_stmt *st;
	struct err e = ERR_INIT;
	int ok = 0;
	row(i, line, sizeof line);
	snprintf(name, sizeof name, "%.*s", (int)(strchr(line, ',') - line), line);
	snprintf(cid, sizeof cid, "0010900%05d", i);
	snprintf(birth, sizeof birth, "1990-03-%02d", 1 + i % 28);
	CHECK(db_prepare(db, "SELECT p.full_name, p.gender, p.birth_date, p.phone, m.number,"
			 " m.joined, m.unit_from, u.code, m.org, m.status FROM person_key k"
			 " JOIN person p ON p.id = k.person_id"
			 " JOIN membership m ON m.person_id = p.id JOIN unit u ON u.id = m.unit_id"
			 " WHERE k.citizen_id = ? AND p.citizen_id = k.citizen_id", &st, &e) == 0);
	db_bind_text(st, 1, cid);
	if (db_step(st, &e) == DB_ROW) {
		char number[24], phone[16];
		snprintf(number, sizeof number, "0%09d", 912000000 + i);
		snprintf(phone, sizeof phone, "%s", i % 10 == 3 ? "12" : "");
		ok = strcmp(db_col_text(st, 0), name) == 0 && strcmp(db_col_text(st, 1), "M") == 0 &&
		     strcmp(db_col_text(st, 2), birth) == 0 && strcmp(db_col_text(st, 3), phone) == 0 &&
		     strcmp(db_col_text(st, 4), number) == 0 &&
		     strcmp(db_col_text(st, 5), "2015-02-01") == 0 &&
		     strcmp(db_col_text(st, 6), "2015-02-01") == 0 &&
		     strcmp(db_col_text(st, 7), i % 2 ? "C2" : "C1") == 0 &&
		     strcmp(db_col_text(st, 8), "party") == 0 &&
		     strcmp(db_col_text(st, 9), "active") == 0 && db_step(st, &e) == DB_DONE;
	}
	db_finalize(st);
	return ok;
}

DB_TEST(import_rows_land_in_their_columns_and_register)
{
	struct mfix f;
	struct import_opts o;
	struct import_result res;
	struct err e = ERR_INIT;
	char path[600];
	int bad = 0;
	mfix_setup(db, &f);
	snprintf(path, sizeof path, "%s/cadre-rows-%d.csv", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (int)getpid());
	/* 150 rows: two whole statements of 64 and 22 rows one by one */
	write_file(path, 0, 150);
	memset(&o, 0, sizeof o);
	o.path = path;
	o.name = "rows.csv";
	o.org = "party";
	CHECK(import_members(&f.cx, &o, &res, NULL, &e) == 0);
	CHECK(res.rows == 150 && res.inserted == 150 && res.rejected == 0);
	for (int i = 0; i < 150; i++) {
		bad += !stored_as_written(db, i);
	}
	CHECK(bad == 0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person_key", NULL) == 150);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM membership", NULL) == 150);
	/* the 15 malformed phones: one warning each, on the right membership */
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM quality_issue q JOIN membership m"
		    " ON m.id = q.membership_id JOIN person p ON p.id = m.person_id"
		    " WHERE q.rule_code = 'phone.format' AND p.phone = '12'", NULL) == 15);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM quality_issue", NULL) == 15);
	/* 1,200 rows, 100 of them stored (unchanged) and 1,100 new, across a
	 * batch boundary: on SQLite a bulk load (more rows than stored) that
	 * knows the register and rewrites it, stored and new keys merged */
	write_file(path, 50, 1250);
	CHECK(import_members(&f.cx, &o, &res, NULL, &e) == 0);
	CHECK(res.rows == 1200 && res.unchanged == 100 && res.inserted == 1100);
	bad = 0;
	for (int i = 0; i < 1250; i++) {
		bad += !stored_as_written(db, i);
	}
	CHECK(bad == 0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person_key", NULL) == 1250);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person", NULL) == 1250);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person_key k JOIN person p ON p.id = k.person_id"
		    " AND p.citizen_id = k.citizen_id", NULL) == 1250);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM quality_issue", NULL) == 125);
	CHECK(mfix_scalar(db, "SELECT COUNT(DISTINCT id) FROM membership", NULL) == 1250);
	unlink(path);
}
