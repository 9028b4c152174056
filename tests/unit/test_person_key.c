/*
 * test_person_key.c — the citizen-ID register (person_key, migration 009)
 * on both drivers: it follows a person's citizen ID through creation,
 * change and removal, keeps IDs unique, and is filled in key order by an
 * import whose file lists IDs out of order around IDs already stored; and
 * the SQLite bulk journal (db_bulk), which is taken only when no other
 * connection has the database open and always given back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/import.h"
#include "test.h"
#include "test_member.h"


static int64_t find(struct cx *cx, const char *cid)
{
	struct err e = ERR_INIT;
	int64_t id = 0;
	return member_person_find(cx, cid, &id, &e) == 0 ? id : e.code == ERR_NOT_FOUND ? 0 : -1;
}

/* person_key holds exactly the citizen IDs stored on person. */
static int register_matches(struct db *db)
{
	return mfix_scalar(db, "SELECT COUNT(*) FROM person_key", NULL) ==
		       mfix_scalar(db, "SELECT COUNT(*) FROM person WHERE citizen_id IS NOT NULL"
				   " AND citizen_id <> ''", NULL) &&
	       mfix_scalar(db, "SELECT COUNT(*) FROM person_key k JOIN person p ON p.id = k.person_id"
			   " WHERE p.citizen_id = k.citizen_id", NULL) ==
		       mfix_scalar(db, "SELECT COUNT(*) FROM person_key", NULL);
}

DB_TEST(person_key_follows_the_citizen_id)
{
	struct mfix f;
	struct member_record r;
	struct err e = ERR_INIT;
	int64_t a = 0, b = 0;
	mfix_setup(db, &f);
	a = mfix_person(&f.cx, "Nguyễn Văn An", "001080000101", "M", "1980-01-02");
	CHECK(a > 0);
	CHECK(find(&f.cx, "001080000101") == a);
	CHECK(register_matches(db));
	/* A change of citizen ID moves the key. */
	memset(&r, 0, sizeof r);
	r.f[MF_CITIZEN_ID] = "001080000102";
	CHECK(member_person_update(&f.cx, a, 0, &r, NULL, &e) == 0);
	CHECK(find(&f.cx, "001080000101") == 0);
	CHECK(find(&f.cx, "001080000102") == a);
	CHECK(register_matches(db));
	/* The old ID is free again; the new one is taken. */
	b = mfix_person(&f.cx, "Trần Thị Bình", "001080000101", "F", "1980-03-04");
	CHECK(b > 0 && b != a);
	CHECK(find(&f.cx, "001080000101") == b);
	memset(&r, 0, sizeof r);
	r.f[MF_FULL_NAME] = "Lê Văn Cường";
	r.f[MF_CITIZEN_ID] = "001080000102";
	r.f[MF_GENDER] = "M";
	CHECK(member_person_create(&f.cx, &r, 0, NULL, NULL, &e) < 0);
	CHECK(e.code == ERR_CONFLICT && strcmp(e.field, "citizen_id") == 0);
	memset(&r, 0, sizeof r);
	r.f[MF_CITIZEN_ID] = "001080000101"; /* b's */
	CHECK(member_person_update(&f.cx, a, 0, &r, NULL, &e) < 0);
	CHECK(e.code == ERR_CONFLICT && strcmp(e.field, "citizen_id") == 0);
	CHECK(find(&f.cx, "001080000102") == a); /* the refusal changed nothing */
	/* An update that leaves the ID alone keeps the key. */
	memset(&r, 0, sizeof r);
	r.f[MF_FULL_NAME] = "Nguyễn Văn Ân";
	CHECK(member_person_update(&f.cx, a, 0, &r, NULL, &e) == 0);
	CHECK(find(&f.cx, "001080000102") == a);
	CHECK(register_matches(db));
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person_key", NULL) == 2);
}

DB_TEST(person_key_import_writes_keys_in_order_among_stored_ones)
{
	static const char csv[] =
		"Họ và tên,Số CCCD,Giới tính,Ngày sinh,Mã đơn vị,Ngày vào Đảng\n"
		"Người Chín,001090000909,Nam,01/01/1990,C1,01/02/2015\n"
		"Người Một,001090000101,Nam,01/01/1990,C1,01/02/2015\n"
		"Người Năm,001090000505,Nam,01/01/1990,C2,01/02/2015\n"
		"Người Bảy,001090000707,Nam,01/01/1990,C2,01/02/2015\n"
		"Người Ba,001090000303,Nam,01/01/1990,C1,01/02/2015\n";
	struct mfix f;
	struct import_opts o;
	struct import_result res;
	struct err e = ERR_INIT;
	char path[600];
	FILE *fp;
	int64_t stored4, stored6;
	mfix_setup(db, &f);
	/* Keys already stored between the file's. */
	stored4 = mfix_person(&f.cx, "Người Bốn", "001090000404", "M", "1990-01-01");
	stored6 = mfix_person(&f.cx, "Người Sáu", "001090000606", "M", "1990-01-01");
	CHECK(stored4 > 0 && stored6 > 0);
	snprintf(path, sizeof path, "%s/cadre-pkey-%d.csv",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp) {
		return;
	}
	fwrite(csv, 1, sizeof csv - 1, fp);
	fclose(fp);
	memset(&o, 0, sizeof o);
	o.path = path;
	o.name = "keys.csv";
	o.org = "party";
	CHECK(import_members(&f.cx, &o, &res, NULL, &e) == 0);
	CHECK(res.inserted == 5 && res.rejected == 0);
	CHECK(find(&f.cx, "001090000404") == stored4);
	CHECK(find(&f.cx, "001090000606") == stored6);
	CHECK(find(&f.cx, "001090000101") > 0);
	CHECK(find(&f.cx, "001090000303") > 0);
	CHECK(find(&f.cx, "001090000505") > 0);
	CHECK(find(&f.cx, "001090000707") > 0);
	CHECK(find(&f.cx, "001090000909") > 0);
	CHECK(find(&f.cx, "001090000808") == 0);
	CHECK(register_matches(db));
	/* Again: every row found through the register, nothing written. */
	CHECK(import_members(&f.cx, &o, &res, NULL, &e) == 0);
	CHECK(res.unchanged == 5 && res.inserted == 0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person_key", NULL) == 7);
	/* A dry run writes no key. */
	fp = fopen(path, "ab");
	CHECK(fp != NULL);
	if (fp) {
		fputs("Người Tám,001090000808,Nam,01/01/1990,C1,01/02/2015\n", fp);
		fclose(fp);
	}
	o.dry_run = 1;
	CHECK(import_members(&f.cx, &o, &res, NULL, &e) == 0);
	CHECK(res.rows == 6 && !res.committed);
	CHECK(find(&f.cx, "001090000808") == 0);
	CHECK(mfix_scalar(db, "SELECT COUNT(*) FROM person_key", NULL) == 7);
	unlink(path);
}

static const char *journal_mode(struct db *db)
{
	static char mode[16];
	struct db_stmt *st;
	struct err e = ERR_INIT;
	mode[0] = '\0';
	if (db_prepare(db, "PRAGMA journal_mode", &st, &e) == 0) {
		if (db_step(st, &e) == DB_ROW) {
			snprintf(mode, sizeof mode, "%s", db_col_text(st, 0));
		}
		db_finalize(st);
	}
	return mode;
}

DB_TEST(db_bulk_only_when_alone_and_given_back)
{
	struct db *other = NULL;
	struct err e = ERR_INIT;
	if (db_kind(db) != DB_SQLITE) {
		CHECK(db_bulk(db, 1) == 0); /* PostgreSQL: nothing to switch */
		return;
	}
	CHECK(db_exec(db, "CREATE TABLE t (v BIGINT)", &e) == 0);
	CHECK(strcmp(journal_mode(db), "wal") == 0);
	/* Another connection open: the attempt fails at once, WAL stays. */
	CHECK(db_open(test_db_url(), &other, &e) == 0);
	CHECK(db_bulk(db, 1) == 0);
	CHECK(strcmp(journal_mode(db), "wal") == 0);
	db_close(other);
	/* Alone: the rollback journal for the run, WAL again afterwards. */
	CHECK(db_bulk(db, 1) == 1);
	CHECK(strcmp(journal_mode(db), "delete") == 0);
	CHECK(db_begin(db, &e) == 0);
	CHECK(db_bulk(db, 0) == 0); /* inside a transaction: refused, no change */
	CHECK(db_exec(db, "INSERT INTO t VALUES (1)", &e) == 0);
	CHECK(db_commit(db, &e) == 0);
	CHECK(strcmp(journal_mode(db), "delete") == 0);
	db_bulk(db, 0);
	CHECK(strcmp(journal_mode(db), "wal") == 0);
	CHECK(db_open(test_db_url(), &other, &e) == 0);
	CHECK(mfix_scalar(other, "SELECT COUNT(*) FROM t", NULL) == 1);
	db_close(other);
}
