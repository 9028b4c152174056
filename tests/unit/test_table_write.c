/*
 * test_table_write.c — unit tests of the export writer (report/
 * table_write.c): CSV with BOM and RFC 4180 quoting, XLSX through a path
 * and through a FILE*, and formula injection neutralized in both formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "base/csv.h"
#include "base/xlsx_read.h"
#include "report/table_write.h"
#include "test.h"

static const char evil[] = "=cmd|' /C calc'!A0";

static void tmp_path(char *out, size_t n, const char *ext)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	static int seq;
	snprintf(out, n, "%s/cadre-tw-%d-%d.%s", tmp, (int)getpid(), ++seq, ext);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *z;
	long len;
	if (!fp) {
		return NULL;
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	z = malloc((size_t)len + 1);
	*n = fread(z, 1, (size_t)len, fp);
	z[*n] = 0;
	fclose(fp);
	return z;
}

/* Write the sample table; returns 0 on success. */
static int write_sample(struct table_writer *w)
{
	static const char *const head[] = {"Họ và tên", "Số", "Ngày", "Ghi chú"};
	static const enum table_col types[] = {TABLE_TEXT, TABLE_NUMBER, TABLE_DATE};
	const char *r1[] = {"Nguyễn Thị Hoà", "-5", "2024-02-29", evil};
	const char *r2[] = {"+84 912", "0123", "31/02/2024", "a,b \"q\"\nnext"};
	const char *r3[] = {"@SUM(A1)", NULL, "", "\tx"};
	struct err e = ERR_INIT;
	int rc = table_writer_columns(w, 3, types, &e);
	rc = rc ? rc : table_writer_header(w, 4, head, &e);
	rc = rc ? rc : table_writer_row(w, 4, r1, &e);
	rc = rc ? rc : table_writer_row(w, 4, r2, &e);
	rc = rc ? rc : table_writer_row(w, 4, r3, &e);
	return rc ? rc : table_writer_close(w, &e);
}

TEST(table_write_csv_bom_quoting_and_neutralized_formulas)
{
	char path[256], *z;
	size_t n;
	struct table_writer *w;
	struct csv_reader *r;
	struct csv_row row;
	struct err e = ERR_INIT;
	tmp_path(path, sizeof path, "csv");
	CHECK(table_writer_open(path, NULL, TABLE_CSV, NULL, &w, &e) == 0);
	CHECK(write_sample(w) == 0);
	z = slurp(path, &n);
	CHECK(z && n > 3 && memcmp(z, "\xEF\xBB\xBF", 3) == 0);
	CHECK(z && strstr(z, "\r\n") != NULL);
	CHECK(z && strstr(z, "'=cmd|' /C calc'!A0\r\n") != NULL);
	CHECK(z && strstr(z, ",-5,") != NULL); /* a number, not neutralized */
	CHECK(z && strstr(z, "\"a,b \"\"q\"\"\nnext\"") != NULL);
	free(z);
	CHECK(csv_open(path, &r, &e) == 0);
	CHECK(csv_next(r, &row, &e) == 1 && row.n == 4);
	CHECK_STR(row.f[0], "Họ và tên");
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK_STR(row.f[0], "Nguyễn Thị Hoà");
	CHECK_STR(row.f[1], "-5");
	CHECK_STR(row.f[2], "2024-02-29");
	CHECK_STR(row.f[3], "'=cmd|' /C calc'!A0");
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK_STR(row.f[0], "'+84 912");
	CHECK_STR(row.f[3], "a,b \"q\"\nnext");
	CHECK(csv_next(r, &row, &e) == 1);
	CHECK_STR(row.f[0], "'@SUM(A1)");
	CHECK_STR(row.f[1], "");
	CHECK_STR(row.f[3], "'\tx");
	CHECK(csv_next(r, &row, &e) == 0);
	csv_close(r);
	unlink(path);
}

/* The sheet XML of an xlsx file, or NULL. */
static char *sheet_xml(const char *path)
{
	int zerr;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
	zip_file_t *f;
	char *buf;
	zip_int64_t n;
	if (!z) {
		return NULL;
	}
	f = zip_fopen(z, "xl/worksheets/sheet1.xml", 0);
	buf = calloc(1, 1 << 20);
	n = f ? zip_fread(f, buf, (1 << 20) - 1) : -1;
	if (f) {
		zip_fclose(f);
	}
	zip_discard(z);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void check_xlsx_sample(const char *path)
{
	struct xlsx_reader *r;
	struct csv_row row;
	struct err e = ERR_INIT;
	char *xml = sheet_xml(path);
	CHECK(xml != NULL);
	CHECK(xml && strstr(xml, "<f>") == NULL && strstr(xml, "<f ") == NULL);
	free(xml);
	CHECK(xlsx_open(path, &r, &e) == 0);
	if (!r) {
		return;
	}
	CHECK_STR(xlsx_sheet_name(r), "Danh sách");
	CHECK(xlsx_next(r, &row, &e) == 1 && row.n == 4 && row.line == 1);
	CHECK_STR(row.f[0], "Họ và tên");
	CHECK(xlsx_next(r, &row, &e) == 1 && row.line == 2);
	CHECK_STR(row.f[0], "Nguyễn Thị Hoà");
	CHECK_STR(row.f[1], "-5");
	CHECK_STR(row.f[2], "2024-02-29"); /* a date cell, read back as a date */
	CHECK_STR(row.f[3], evil);	   /* a string cell, never a formula */
	CHECK(xlsx_next(r, &row, &e) == 1);
	CHECK_STR(row.f[0], "+84 912");
	CHECK_STR(row.f[1], "0123");	   /* leading zero: kept as text */
	CHECK_STR(row.f[2], "31/02/2024"); /* no such day: text */
	CHECK_STR(row.f[3], "a,b \"q\"\nnext");
	CHECK(xlsx_next(r, &row, &e) == 1);
	CHECK_STR(row.f[0], "@SUM(A1)");
	CHECK_STR(row.f[1], "");
	CHECK_STR(row.f[2], "");
	CHECK_STR(row.f[3], "\tx");
	CHECK(xlsx_next(r, &row, &e) == 0);
	xlsx_close(r);
}

TEST(table_write_xlsx_to_path_reads_back_without_formulas)
{
	char path[256];
	struct table_writer *w;
	struct err e = ERR_INIT;
	tmp_path(path, sizeof path, "xlsx");
	CHECK(table_writer_open(path, NULL, TABLE_XLSX, "Danh sách", &w, &e) == 0);
	CHECK(write_sample(w) == 0);
	check_xlsx_sample(path);
	unlink(path);
}

TEST(table_write_xlsx_and_csv_to_a_file_pointer)
{
	char path[256], *z;
	size_t n;
	struct table_writer *w;
	struct err e = ERR_INIT;
	FILE *fp;
	tmp_path(path, sizeof path, "xlsx");
	fp = fopen(path, "wb");
	CHECK(table_writer_open(NULL, fp, TABLE_XLSX, "Danh sách", &w, &e) == 0);
	CHECK(write_sample(w) == 0);
	fclose(fp);
	check_xlsx_sample(path);
	unlink(path);

	tmp_path(path, sizeof path, "csv");
	fp = fopen(path, "wb");
	CHECK(table_writer_open(NULL, fp, TABLE_CSV, NULL, &w, &e) == 0);
	CHECK(write_sample(w) == 0);
	fclose(fp);
	z = slurp(path, &n);
	CHECK(z && memcmp(z, "\xEF\xBB\xBF", 3) == 0 && strstr(z, "'=cmd") != NULL);
	free(z);
	unlink(path);
}

TEST(table_write_refuses_bad_utf8_and_cleans_up)
{
	char path[256];
	struct table_writer *w;
	struct err e = ERR_INIT;
	const char *bad[] = {"ok", "\xD0\xE3"};
	enum table_format f;
	tmp_path(path, sizeof path, "xlsx");
	CHECK(table_writer_open(path, NULL, TABLE_XLSX, NULL, &w, &e) == 0);
	CHECK(table_writer_row(w, 2, bad, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK(table_writer_close(w, &e) < 0);
	CHECK(access(path, F_OK) != 0); /* the partial file is gone */
	tmp_path(path, sizeof path, "csv");
	CHECK(table_writer_open(path, NULL, TABLE_CSV, NULL, &w, &e) == 0);
	table_writer_abort(w);
	CHECK(access(path, F_OK) != 0);
	CHECK(table_format_parse("XLSX", &f, "format", &e) == 0 && f == TABLE_XLSX);
	CHECK(table_format_parse("pdf", &f, "format", &e) < 0);
	CHECK_STR(e.field, "format");
}
