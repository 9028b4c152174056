/*
 * test_quality.c — unit tests of data standardization: each rule of
 * migration 003 with a passing and a failing record, citizen-ID
 * consistency, messages in both languages, rules as data (disable, add),
 * the column mapping and value normalization of member_columns.c, and the
 * stored figures (quality_store/unit/problems/history) on a tiny dataset on
 * both drivers.
 */
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "domain/member_columns.h"
#include "domain/org.h"
#include "domain/quality.h"
#include "test.h"

#define TODAY "2025-06-01"

static struct member_record base(void)
{
	struct member_record r;
	memset(&r, 0, sizeof r);
	r.f[MF_FULL_NAME] = "Nguyễn Văn An";
	r.f[MF_GENDER] = "M";
	r.f[MF_BIRTH_DATE] = "1985-03-15";
	r.f[MF_CITIZEN_ID] = "001085012345";
	r.f[MF_ORG] = "party";
	r.f[MF_JOINED] = "2010-05-19";
	r.f[MF_OFFICIAL] = "2011-05-19";
	r.f[MF_PHONE] = "0912345678";
	r.f[MF_EMAIL] = "an@example.vn";
	return r;
}

/* Is rule `code` among the record's findings? */
static int has(const struct quality_rules *q, const struct member_record *r,
	       const char *code)
{
	struct quality_problem p[32];
	int n = quality_check_record(q, r, TODAY, p, 32, NULL);
	for (int i = 0; i < n && i < 32; i++) {
		if (strcmp(p[i].rule, code) == 0) {
			return 1;
		}
	}
	return 0;
}

/* Check that setting field f to v triggers rule code (and base does not). */
#define FAILS(fld, v, code)                                                      \
	do {                                                                   \
		struct member_record r_ = base();                              \
		r_.f[fld] = (v);                                               \
		CHECK(!has(q, &base_rec, code));                               \
		if (!has(q, &r_, code)) {                                      \
			printf("    expected %s for %s\n", code, #v);          \
		}                                                              \
		CHECK(has(q, &r_, code));                                      \
	} while (0)

#define PASSES(fld, v, code)                                                     \
	do {                                                                   \
		struct member_record r_ = base();                              \
		r_.f[fld] = (v);                                               \
		if (has(q, &r_, code)) {                                       \
			printf("    unexpected %s for %s\n", code, #v);        \
		}                                                              \
		CHECK(!has(q, &r_, code));                                     \
	} while (0)

DB_TEST(quality_each_rule_passes_and_fails)
{
	struct quality_rules *q;
	struct quality_problem p[32];
	struct member_record base_rec = base(), r;
	struct err e = ERR_INIT;
	int errors = -1, n;
	CHECK(quality_rules_load(db, &q, &e) == 0);
	if (!q) {
		return;
	}
	n = quality_check_record(q, &base_rec, TODAY, p, 32, &errors);
	CHECK(n == 0 && errors == 0);
	for (int i = 0; i < n; i++) {
		printf("    base: %s %s\n", p[i].rule, p[i].detail);
	}
	FAILS(MF_FULL_NAME, NULL, "full_name.required");
	FAILS(MF_FULL_NAME, "   ", "full_name.required");
	FAILS(MF_GENDER, NULL, "gender.required");
	FAILS(MF_BIRTH_DATE, "", "birth_date.required");
	FAILS(MF_JOINED, NULL, "joined.required");
	FAILS(MF_CITIZEN_ID, NULL, "citizen_id.required");
	r = base();
	r.f[MF_ORG] = "youth";
	r.f[MF_CITIZEN_ID] = NULL;
	CHECK(!has(q, &r, "citizen_id.required")); /* only for the party */
	FAILS(MF_CITIZEN_ID, "00108501234", "citizen_id.format");
	FAILS(MF_CITIZEN_ID, "00108501234x", "citizen_id.format");
	FAILS(MF_CITIZEN_ID, "0010850123456", "citizen_id.format");
	FAILS(MF_CITIZEN_ID, "003085012345", "citizen_id.province");
	FAILS(MF_CITIZEN_ID, "101085012345", "citizen_id.province");
	PASSES(MF_CITIZEN_ID, "079085012345", "citizen_id.province");
	PASSES(MF_CITIZEN_ID, "096085012345", "citizen_id.province");
	FAILS(MF_CITIZEN_ID, "001185012345", "citizen_id.gender_century");
	FAILS(MF_CITIZEN_ID, "001285012345", "citizen_id.gender_century");
	FAILS(MF_CITIZEN_ID, "001086012345", "citizen_id.birth_year");
	FAILS(MF_GENDER, "X", "gender.value");
	FAILS(MF_GENDER, "Nam", "gender.value");
	PASSES(MF_GENDER, "M", "gender.value");
	FAILS(MF_BIRTH_DATE, "1985-02-30", "birth_date.date");
	FAILS(MF_BIRTH_DATE, "15/03/1985", "birth_date.date");
	FAILS(MF_JOINED, "2010-13-01", "joined.date");
	FAILS(MF_OFFICIAL, "2011-5-19", "official.date");
	PASSES(MF_OFFICIAL, "", "official.date");
	FAILS(MF_BIRTH_DATE, "2030-01-01", "birth_date.future");
	FAILS(MF_JOINED, "2025-06-02", "joined.future");
	PASSES(MF_JOINED, TODAY, "joined.future");
	FAILS(MF_OFFICIAL, "2026-01-01", "official.future");
	FAILS(MF_BIRTH_DATE, "1890-01-01", "birth_date.too_old");
	FAILS(MF_JOINED, "1984-01-01", "joined.order");
	FAILS(MF_JOINED, "1985-03-15", "joined.order"); /* born < joined, strictly */
	FAILS(MF_OFFICIAL, "2010-05-18", "official.order");
	PASSES(MF_OFFICIAL, "2010-05-19", "official.order"); /* joined ≤ official */
	FAILS(MF_JOINED, "2003-03-14", "joined.min_age"); /* party: 17 */
	PASSES(MF_JOINED, "2003-03-15", "joined.min_age"); /* 18 that day */
	r = base();
	r.f[MF_ORG] = "youth";
	r.f[MF_JOINED] = "2001-03-14";
	CHECK(has(q, &r, "joined.min_age")); /* youth: 15 < 16 */
	r.f[MF_JOINED] = "2001-03-15";
	CHECK(!has(q, &r, "joined.min_age"));
	r.f[MF_ORG] = "farmers";
	r.f[MF_JOINED] = "1995-01-01";
	CHECK(!has(q, &r, "joined.min_age")); /* no minimum configured */
	FAILS(MF_FULL_NAME, " Nguyễn Văn An", "full_name.spaces");
	FAILS(MF_FULL_NAME, "Nguyễn  Văn An", "full_name.spaces");
	FAILS(MF_FULL_NAME, "Nguyễn\tVăn An", "full_name.spaces");
	FAILS(MF_FULL_NAME, "Nguyễn Văn\xC2\xA0" "An", "full_name.spaces");
	FAILS(MF_FULL_NAME, "Nguye\xCC\x82\xCC\x83n Văn An", "full_name.nfc");
	PASSES(MF_FULL_NAME, "Ngô Thị Thuỳ Dương", "full_name.nfc");
	FAILS(MF_FULL_NAME, "An", "full_name.two_words");
	FAILS(MF_FULL_NAME, "Nguyễn Văn 2", "full_name.chars");
	FAILS(MF_FULL_NAME, "Nguyễn Văn An@", "full_name.chars");
	PASSES(MF_FULL_NAME, "H'Hen Niê", "full_name.chars");
	PASSES(MF_FULL_NAME, "Y-Moan Ênuôl", "full_name.chars");
	FAILS(MF_PHONE, "912345678", "phone.format");
	FAILS(MF_PHONE, "0912 345 678", "phone.format");
	FAILS(MF_PHONE, "+840912345678", "phone.format");
	PASSES(MF_PHONE, "+84912345678", "phone.format");
	PASSES(MF_PHONE, "02438123456", "phone.format");
	PASSES(MF_PHONE, NULL, "phone.format");
	FAILS(MF_EMAIL, "a@b", "email.format");
	FAILS(MF_EMAIL, "a b@c.vn", "email.format");
	FAILS(MF_EMAIL, "a@@c.vn", "email.format");
	PASSES(MF_EMAIL, "nguyen.van.an+dang@hanoi.gov.vn", "email.format");
	quality_rules_free(q);
}

DB_TEST(quality_citizen_id_consistency_examples)
{
	struct quality_rules *q;
	struct err e = ERR_INIT;
	struct member_record r;
	static const struct {
		const char *id, *gender, *birth;
		int ok;
	} cases[] = {
		{"001085012345", "M", "1985-03-15", 1}, /* Hà Nội, male, 1900s */
		{"079190000001", "F", "1990-12-31", 1}, /* HCMC, female, 1900s */
		{"036303000123", "F", "2003-01-01", 1}, /* female born 2003: 3 */
		{"048201000123", "M", "2001-07-07", 1}, /* male born 2001: 2 */
		{"048001000123", "M", "2001-07-07", 0}, /* 0 is for the 1900s */
		{"079290000001", "F", "1990-12-31", 0}, /* 2 is male, 2000s */
		{"079191000001", "F", "1990-12-31", 0}, /* year digits 91 */
		{"001485012345", "M", "1985-03-15", 0},
	};
	CHECK(quality_rules_load(db, &q, &e) == 0);
	if (!q) {
		return;
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct quality_problem p[16];
		int errors, bad;
		r = base();
		r.f[MF_CITIZEN_ID] = cases[i].id;
		r.f[MF_GENDER] = cases[i].gender;
		r.f[MF_BIRTH_DATE] = cases[i].birth;
		r.f[MF_JOINED] = "2024-01-01";
		r.f[MF_OFFICIAL] = NULL;
		quality_check_record(q, &r, TODAY, p, 16, &errors);
		bad = has(q, &r, "citizen_id.gender_century") ||
		      has(q, &r, "citizen_id.birth_year") || has(q, &r, "citizen_id.province");
		if (bad == cases[i].ok) {
			printf("    case %zu (%s) wrong\n", i, cases[i].id);
		}
		CHECK(bad != cases[i].ok);
	}
	/* only what is known is checked: unknown gender → century only */
	r = base();
	r.f[MF_GENDER] = NULL;
	r.f[MF_CITIZEN_ID] = "001185012345";
	CHECK(!has(q, &r, "citizen_id.gender_century"));
	r.f[MF_CITIZEN_ID] = "001285012345";
	CHECK(has(q, &r, "citizen_id.gender_century"));
	r = base();
	r.f[MF_BIRTH_DATE] = NULL;
	r.f[MF_CITIZEN_ID] = "001185012345";
	CHECK(has(q, &r, "citizen_id.gender_century")); /* odd = female */
	CHECK(!has(q, &r, "citizen_id.birth_year"));
	quality_rules_free(q);
}

DB_TEST(quality_messages_severity_and_rules_as_data)
{
	struct quality_rules *q;
	struct quality_problem p[4];
	struct member_record r = base();
	struct db_stmt *st;
	struct err e = ERR_INIT;
	int errors = 0, n;
	CHECK(quality_rules_load(db, &q, &e) == 0);
	if (!q) {
		return;
	}
	CHECK(strstr(quality_message(q, "citizen_id.province", "vi"), "mã tỉnh") != NULL);
	CHECK(strstr(quality_message(q, "citizen_id.province", "en"), "province code") != NULL);
	CHECK(strstr(quality_message(q, QR_DUPLICATE_CITIZEN_ID, "en"), "same") != NULL);
	CHECK(strstr(quality_message(q, QR_TWO_UNITS, "vi"), "hai đơn vị") != NULL);
	CHECK_STR(quality_message(q, "no.such_rule", "en"), "no.such_rule");
	/* warnings are reported but are not errors */
	r.f[MF_FULL_NAME] = "Nguyễn  Văn An";
	r.f[MF_PHONE] = "123";
	n = quality_check_record(q, &r, TODAY, p, 4, &errors);
	CHECK(n == 2 && errors == 0);
	CHECK(n >= 1 && p[0].is_error == 0);
	CHECK(n >= 1 && strstr(p[0].detail, "Nguyễn  Văn An") != NULL);
	/* more findings than room: counted, not written past max */
	r = base();
	r.f[MF_FULL_NAME] = " A";
	r.f[MF_GENDER] = "X";
	r.f[MF_BIRTH_DATE] = "bad";
	n = quality_check_record(q, &r, TODAY, p, 1, &errors);
	CHECK(n >= 4 && errors >= 3);
	quality_rules_free(q);
	/* disable a rule, add one: no code change */
	CHECK(db_exec(db, "UPDATE quality_rule SET enabled = 0 WHERE code = 'phone.format'", &e) == 0);
	CHECK(db_prepare(db, "INSERT INTO quality_rule(code, field, severity, message_vi,"
			     " message_en) VALUES (?, ?, ?, ?, ?)", &st, &e) == 0);
	db_bind_text(st, 1, "residence.required");
	db_bind_text(st, 2, "residence");
	db_bind_text(st, 3, "warning");
	db_bind_text(st, 4, "Thiếu nơi ở hiện nay");
	db_bind_text(st, 5, "The residence is missing");
	CHECK(db_step(st, &e) == DB_DONE);
	db_finalize(st);
	CHECK(quality_rules_load(db, &q, &e) == 0);
	r = base();
	r.f[MF_PHONE] = "123";
	CHECK(!has(q, &r, "phone.format"));
	CHECK(has(q, &r, "residence.required"));
	r.f[MF_RESIDENCE] = "Hà Nội";
	CHECK(!has(q, &r, "residence.required"));
	quality_rules_free(q);
}

TEST(member_columns_vietnamese_and_english_headers)
{
	static const char *const vi[] = {
		"STT", "Họ và tên", "Số CCCD/CMND", "GIỚI TÍNH", "Ngay sinh (dd/mm/yyyy)",
		"Ngày vào Đảng", "Ngày chính thức", "Số thẻ đảng viên", "Đơn vị",
		"Mã đơn vị", "Quê quán (mới)", "Quê quán", "Nơi ở hiện nay",
		"Số điện thoại", "Dân tộc", "Tôn giáo", "E-mail", "Ghi chú"};
	static const char *const en[] = {"Full name", "citizen_id", "Gender",
					 "Date of birth", "Date joined", "Date made official"};
	struct csv_row h;
	int map[MF__COUNT];
	struct err e = ERR_INIT;
	memset(&h, 0, sizeof h);
	h.n = (int)(sizeof vi / sizeof vi[0]);
	for (int i = 0; i < h.n; i++) {
		h.f[i] = vi[i];
	}
	CHECK(member_columns_map(&h, map, &e) == 0);
	CHECK(map[MF_FULL_NAME] == 1 && map[MF_CITIZEN_ID] == 2 && map[MF_GENDER] == 3);
	CHECK(map[MF_BIRTH_DATE] == 4 && map[MF_JOINED] == 5 && map[MF_OFFICIAL] == 6);
	CHECK(map[MF_NUMBER] == 7 && map[MF_UNIT_CODE] == 9); /* Mã đơn vị wins */
	CHECK(map[MF_HOMETOWN_NEW] == 10 && map[MF_HOMETOWN] == 11);
	CHECK(map[MF_RESIDENCE] == 12 && map[MF_PHONE] == 13 && map[MF_ETHNICITY] == 14);
	CHECK(map[MF_RELIGION] == 15 && map[MF_EMAIL] == 16 && map[MF_ORG] == -1);
	h.n = (int)(sizeof en / sizeof en[0]);
	for (int i = 0; i < h.n; i++) {
		h.f[i] = en[i];
	}
	CHECK(member_columns_map(&h, map, &e) == 0);
	CHECK(map[MF_FULL_NAME] == 0 && map[MF_CITIZEN_ID] == 1 && map[MF_GENDER] == 2);
	CHECK(map[MF_BIRTH_DATE] == 3 && map[MF_JOINED] == 4 && map[MF_OFFICIAL] == 5);
	h.n = 3; /* no joined column */
	h.f[0] = "Họ tên";
	h.f[1] = "Giới tính";
	h.f[2] = "Ngày sinh";
	CHECK(member_columns_map(&h, map, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK_STR(e.field, "joined");
	h.n = 5;
	h.f[3] = "Ngày kết nạp";
	h.f[4] = "HỌ VÀ TÊN";
	CHECK(member_columns_map(&h, map, &e) < 0);
	CHECK_STR(e.field, "full_name");
}

TEST(member_columns_normalize_values)
{
	char b[MEMBER_VALUE_MAX];
	CHECK_STR(member_value_normalize(MF_GENDER, "Nữ", b, sizeof b), "F");
	CHECK_STR(member_value_normalize(MF_GENDER, " nam ", b, sizeof b), "M");
	CHECK_STR(member_value_normalize(MF_GENDER, "FEMALE", b, sizeof b), "F");
	CHECK_STR(member_value_normalize(MF_GENDER, "m", b, sizeof b), "M");
	CHECK_STR(member_value_normalize(MF_GENDER, "khác", b, sizeof b), "khác");
	CHECK_STR(member_value_normalize(MF_BIRTH_DATE, "5/3/1990", b, sizeof b), "1990-03-05");
	CHECK_STR(member_value_normalize(MF_BIRTH_DATE, "05-03-1990", b, sizeof b), "1990-03-05");
	CHECK_STR(member_value_normalize(MF_JOINED, "1990/3/5", b, sizeof b), "1990-03-05");
	CHECK_STR(member_value_normalize(MF_JOINED, "1990-03-05 00:00:00", b, sizeof b), "1990-03-05");
	CHECK_STR(member_value_normalize(MF_JOINED, " 29/02/2024 ", b, sizeof b), "2024-02-29");
	CHECK_STR(member_value_normalize(MF_OFFICIAL, "31/02/1990", b, sizeof b), "31/02/1990");
	CHECK_STR(member_value_normalize(MF_OFFICIAL, "1990", b, sizeof b), "1990");
	CHECK_STR(member_value_normalize(MF_CITIZEN_ID, "1085012345", b, sizeof b), "1085012345");
	CHECK_STR(member_value_normalize(MF_CITIZEN_ID, "01085012345", b, sizeof b), "001085012345");
	CHECK_STR(member_value_normalize(MF_CITIZEN_ID, "001 085 012 345", b, sizeof b), "001085012345");
	CHECK_STR(member_value_normalize(MF_CITIZEN_ID, "'001085012345", b, sizeof b), "001085012345");
	CHECK_STR(member_value_normalize(MF_CITIZEN_ID, "CCCD 001", b, sizeof b), "CCCD 001");
	CHECK_STR(member_value_normalize(MF_PHONE, "912345678", b, sizeof b), "0912345678");
	CHECK_STR(member_value_normalize(MF_PHONE, "0912.345.678", b, sizeof b), "0912345678");
	CHECK_STR(member_value_normalize(MF_PHONE, "84912345678", b, sizeof b), "+84912345678");
	CHECK_STR(member_value_normalize(MF_PHONE, "+84 912 345 678", b, sizeof b), "+84912345678");
	CHECK_STR(member_value_normalize(MF_PHONE, "(024) 3812 3456", b, sizeof b), "02438123456");
	CHECK_STR(member_value_normalize(MF_FULL_NAME, "  Nguyễn   Văn\xC2\xA0" "An\t", b, sizeof b),
		  "Nguyễn Văn An");
	CHECK_STR(member_value_normalize(MF_FULL_NAME, "Nguye\xCC\x82\xCC\x83n Văn", b, sizeof b),
		  "Nguyễn Văn");
	CHECK_STR(member_value_normalize(MF_ORG, "Đảng", b, sizeof b), "party");
	CHECK_STR(member_value_normalize(MF_ORG, "Đoàn TNCS Hồ Chí Minh", b, sizeof b), "youth");
	CHECK_STR(member_value_normalize(MF_ORG, "Hội Cựu chiến binh", b, sizeof b), "veterans");
	CHECK_STR(member_value_normalize(MF_NUMBER, " '0123 ", b, sizeof b), "0123");
	CHECK_STR(member_value_normalize(MF_EMAIL, NULL, b, sizeof b), "");
	{
		char small[4];
		CHECK_STR(member_value_normalize(MF_GENDER, "Nữ giới", small, sizeof small),
			  "Nữ giới"); /* does not fit: passed through */
	}
}

TEST(member_record_from_a_ragged_row)
{
	struct csv_row h, row;
	int map[MF__COUNT];
	struct member_record rec;
	struct member_norm *scratch = malloc(sizeof *scratch);
	struct err e = ERR_INIT;
	memset(&h, 0, sizeof h);
	memset(&row, 0, sizeof row);
	h.n = 6;
	h.f[0] = "Họ và tên";
	h.f[1] = "Giới tính";
	h.f[2] = "Ngày sinh";
	h.f[3] = "Ngày vào Đảng";
	h.f[4] = "Số CCCD";
	h.f[5] = "Số điện thoại";
	CHECK(member_columns_map(&h, map, &e) == 0);
	row.n = 5; /* the phone column is missing from this row */
	row.f[0] = " Trần  Thị B ";
	row.f[1] = "Nữ";
	row.f[2] = "01/02/1990";
	row.f[3] = "";
	row.f[4] = "01190012345";
	member_record_from_row(&row, map, &rec, scratch);
	CHECK_STR(rec.f[MF_FULL_NAME], " Trần  Thị B "); /* raw, for the rules */
	CHECK_STR(rec.f[MF_GENDER], "F");
	CHECK_STR(rec.f[MF_BIRTH_DATE], "1990-02-01");
	CHECK_STR(rec.f[MF_JOINED], "");
	CHECK_STR(rec.f[MF_CITIZEN_ID], "001190012345");
	CHECK(rec.f[MF_PHONE] == NULL && rec.f[MF_ORG] == NULL);
	free(scratch);
}

/* ---- stored figures ---- */

static int64_t mk_unit(struct cx *cx, const char *code, int64_t parent)
{
	struct reorg_req r;
	struct err e = ERR_INIT;
	int64_t id = 0;
	memset(&r, 0, sizeof r);
	r.kind = REORG_CREATE;
	r.date = "2000-01-01";
	r.decision = "test";
	r.created.code = code;
	r.created.name = code;
	r.created.kind = parent ? "commune" : "province";
	r.created.parent = parent;
	r.created.share = -1;
	CHECK(org_reorg(cx, &r, 0, NULL, NULL, &e) == 0);
	CHECK(org_unit_id_by_code(cx, code, &id, &e) == 0);
	return id;
}

static int64_t mk_member(struct db *db, const char *name, int64_t unit, const char *ended)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	int64_t person = 0, m = 0;
	CHECK(db_prepare(db, "INSERT INTO person(full_name, name_fold, created_ms,"
			     " updated_ms) VALUES (?, ?, ?, ?) RETURNING id", &st, &e) == 0);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, name);
	db_bind_int64(st, 3, 1);
	db_bind_int64(st, 4, 1);
	if (db_step(st, &e) == DB_ROW) {
		person = db_col_int64(st, 0);
	}
	db_finalize(st);
	CHECK(db_prepare(db, "INSERT INTO membership(person_id, org, joined, unit_id,"
			     " unit_from, ended) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			 &st, &e) == 0);
	db_bind_int64(st, 1, person);
	db_bind_text(st, 2, "party");
	db_bind_text(st, 3, "2010-01-01");
	db_bind_int64(st, 4, unit);
	db_bind_text(st, 5, "2010-01-01");
	db_bind_text(st, 6, ended);
	if (db_step(st, &e) == DB_ROW) {
		m = db_col_int64(st, 0);
	}
	db_finalize(st);
	CHECK(m > 0);
	return m;
}

static void store(struct cx *cx, int64_t m, const char *rule, int is_error,
		  const char *rule2)
{
	struct quality_problem p[2];
	struct err e = ERR_INIT;
	int n = 0;
	memset(p, 0, sizeof p);
	if (rule) {
		p[n].rule = rule;
		p[n].is_error = is_error;
		strcpy(p[n++].detail, "détail");
	}
	if (rule2) {
		p[n].rule = rule2;
		p[n++].is_error = 0;
	}
	CHECK(quality_store(cx, m, p, n, &e) == 0);
}

static double pct_of(json_t *o)
{
	return json_number_value(json_object_get(o, "quality_pct"));
}

DB_TEST(quality_figures_of_a_subtree)
{
	struct cx cx;
	struct err e = ERR_INIT;
	int64_t vn, p1, p2, c1, c2, m1, m2, m3, m4, m5, m6;
	json_t *o = NULL, *a;
	cx_init_system(&cx, db);
	cx.lang = "en";
	CHECK(org_bootstrap(&cx, "VN", "Việt Nam", "1945-09-02", &vn, &e) == 0);
	p1 = mk_unit(&cx, "P1", vn);
	p2 = mk_unit(&cx, "P2", vn);
	c1 = mk_unit(&cx, "C1", p1);
	c2 = mk_unit(&cx, "C2", p1);
	m1 = mk_member(db, "Một", c1, DATE_OPEN);
	m2 = mk_member(db, "Hai", c1, DATE_OPEN);
	m3 = mk_member(db, "Ba", c1, DATE_OPEN);
	m4 = mk_member(db, "Bốn", c2, DATE_OPEN);
	m5 = mk_member(db, "Năm", c2, "2020-01-01"); /* no longer counted */
	m6 = mk_member(db, "Sáu", p2, DATE_OPEN);
	(void)m1;
	(void)m6;
	store(&cx, m2, "citizen_id.format", 1, NULL);
	store(&cx, m3, "full_name.spaces", 0, NULL);
	store(&cx, m4, "citizen_id.format", 1, "phone.format");
	store(&cx, m5, "joined.date", 1, NULL);
	store(&cx, m4, "citizen_id.format", 1, "phone.format"); /* replaced, not added */

	CHECK(quality_unit(&cx, vn, &o, &e) == 0);
	if (getenv("CADRE_TEST_DUMP")) {
		char *d = json_dumps(o, JSON_INDENT(1));
		printf("%s\n%s\n", e.msg, d);
		free(d);
	}
	CHECK(json_integer_value(json_object_get(o, "records")) == 5);
	CHECK(json_integer_value(json_object_get(o, "clean")) == 3);
	CHECK(pct_of(o) == 60.0);
	a = json_object_get(o, "by_rule");
	CHECK(json_array_size(a) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 0), "rule")),
		  "citizen_id.format");
	CHECK(json_integer_value(json_object_get(json_array_get(a, 0), "count")) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 0), "severity")), "error");
	CHECK(strstr(json_string_value(json_object_get(json_array_get(a, 0), "message")),
		     "12 digits") != NULL);
	a = json_object_get(o, "by_unit");
	CHECK(json_array_size(a) == 5); /* VN, P1, C1, C2, P2 */
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 2), "code")), "C1");
	CHECK(pct_of(json_array_get(a, 2)) == 66.67);
	CHECK(pct_of(json_array_get(a, 3)) == 0.0);
	json_decref(o);

	CHECK(quality_unit(&cx, p1, &o, &e) == 0);
	CHECK(json_integer_value(json_object_get(o, "records")) == 4);
	CHECK(pct_of(o) == 50.0);
	json_decref(o);

	/* fixing a record updates the figures at once */
	store(&cx, m2, NULL, 0, NULL);
	CHECK(quality_unit(&cx, p1, &o, &e) == 0);
	CHECK(pct_of(o) == 75.0);
	json_decref(o);

	CHECK(quality_problems(&cx, p1, 2, 1, &o, &e) == 0);
	CHECK(json_integer_value(json_object_get(o, "total")) == 3);
	a = json_object_get(o, "items");
	CHECK(json_array_size(a) == 2);
	CHECK(json_integer_value(json_object_get(json_array_get(a, 0), "membership_id")) == m4);
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 0), "unit_code")), "C2");
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 0), "field")), "citizen_id");
	CHECK_STR(json_string_value(json_object_get(json_array_get(a, 0), "full_name")), "Bốn");
	json_decref(o);

	CHECK(quality_history(&cx, p1, &o, &e) == 0);
	json_decref(o);
	CHECK(quality_history(&cx, p1, &o, &e) == 0);
	CHECK(json_array_size(o) == 1);
	CHECK(json_integer_value(json_object_get(json_array_get(o, 0), "records")) == 4);
	CHECK(json_integer_value(json_object_get(json_array_get(o, 0), "clean")) == 3);
	json_decref(o);

	/* a rule switched off stops counting at once; its findings stay */
	CHECK(db_exec(db, "UPDATE quality_rule SET enabled = 0 WHERE code = 'citizen_id.format'",
		      &e) == 0);
	CHECK(quality_unit(&cx, p1, &o, &e) == 0);
	CHECK(pct_of(o) == 100.0);
	json_decref(o);
	CHECK(db_exec(db, "UPDATE quality_rule SET enabled = 1 WHERE code = 'citizen_id.format'",
		      &e) == 0);
	/* an unknown rule code is refused and leaves the findings as they were */
	{
		struct quality_problem bad;
		memset(&bad, 0, sizeof bad);
		bad.rule = "no.such_rule";
		CHECK(quality_store(&cx, m4, &bad, 1, &e) < 0);
		CHECK(quality_problems(&cx, c2, 0, 0, &o, &e) == 0);
		CHECK(json_integer_value(json_object_get(o, "total")) == 2);
		json_decref(o);
	}

	/* scope: a viewer of P2 may not read P1 */
	cx.actor.system = 0;
	strcpy(cx.actor.role, "viewer");
	cx.actor.unit_id = p2;
	CHECK(quality_unit(&cx, p1, &o, &e) < 0);
	CHECK(e.code == ERR_FORBIDDEN);
	CHECK(quality_unit(&cx, p2, &o, &e) == 0);
	CHECK(pct_of(o) == 100.0);
	json_decref(o);
	cx.actor.system = 1;
	CHECK(quality_unit(&cx, 999999, &o, &e) < 0);
	CHECK(e.code == ERR_NOT_FOUND);
}
