/*
 * test_xlsx.c — unit tests of the XLSX reader (base/xlsx_read.c) on
 * workbooks built at test time: one written by table_write (Vietnamese
 * text, numbers, dates), and hand-made ones with libzip exercising shared
 * strings with rich text and phonetic runs, _xHHHH_ escapes, built-in and
 * custom date formats, the 1904 date system, sparse cells and rows,
 * prefixed element names; and the refusals: a truncated zip, a zip bomb
 * (declared sizes over the caps), a DOCTYPE, a value past column 256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "base/xlsx_read.h"
#include "report/table_write.h"
#include "test.h"

struct part {
	const char *name, *xml;
};

/* Build a zip from parts into memory (malloc'd, *n bytes). */
static char *make_zip(const struct part *parts, int n_parts, size_t *n)
{
	char path[256];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	static int seq;
	int zerr;
	zip_t *z;
	FILE *fp;
	char *data = NULL;
	long len;
	snprintf(path, sizeof path, "%s/cadre-xlsx-%d-%d.zip", tmp, (int)getpid(), ++seq);
	z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!z) {
		return NULL;
	}
	for (int i = 0; i < n_parts; i++) {
		zip_source_t *s = zip_source_buffer(z, parts[i].xml, strlen(parts[i].xml), 0);
		zip_file_add(z, parts[i].name, s, ZIP_FL_OVERWRITE);
	}
	if (zip_close(z) != 0) {
		zip_discard(z);
		return NULL;
	}
	fp = fopen(path, "rb");
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc((size_t)len);
	*n = fread(data, 1, (size_t)len, fp);
	fclose(fp);
	unlink(path);
	return data;
}

static const char book[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
	" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"Đảng viên\" sheetId=\"1\" r:id=\"rId7\"/>"
	"<sheet name=\"Other\" sheetId=\"2\" r:id=\"rId8\"/></sheets></workbook>";
static const char book_rels[] =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId8\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/first.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"strings.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
	"</Relationships>";
static const char strings[] =
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"4\">"
	"<si><t>Họ và tên</t></si>"
	"<si><r><rPr><b/></rPr><t>Nguyễn </t></r><r><t xml:space=\"preserve\">Văn An</t></r>"
	"<rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>"
	"<si><t>dòng 1_x000D_&#10;dòng 2 &amp; _x005F_x</t></si>"
	"<si><t></t></si>"
	"</sst>";
static const char styles[] =
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<numFmts count=\"4\"><numFmt numFmtId=\"164\" formatCode=\"[$-42A]dd/mm/yyyy;@\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"#,##0.00&quot;đ&quot;\"/>"
	"<numFmt numFmtId=\"166\" formatCode=\"0.00E+00\"/><numFmt numFmtId=\"167\" formatCode=\"General\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
	"<xf numFmtId=\"165\"/><xf numFmtId=\"20\"/><xf numFmtId=\"166\"/><xf numFmtId=\"167\"/>"
	"</cellXfs></styleSheet>";
static const char sheet[] =
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
	"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"inlineStr\"><is><t>Ngày sinh</t></is></c></row>"
	"<row r=\"2\"><c r=\"A2\" s=\"1\"/><c r=\"B2\" t=\"s\"><v>3</v></c></row>" /* no values */
	"<row r=\"4\"><c r=\"A4\" t=\"s\"><v>1</v></c><c r=\"B4\"><v>12345678901</v></c>"
	"<c r=\"C4\" s=\"1\"><v>32874</v></c><c r=\"D4\" s=\"2\"><v>45351.75</v></c>"
	"<c r=\"E4\" s=\"3\"><v>1.5</v></c><c r=\"F4\" s=\"4\"><v>0.5</v></c>"
	"<c r=\"G4\" t=\"b\"><v>1</v></c><c r=\"H4\" t=\"str\"><f>A1&amp;\"x\"</f><v>Họ và tênx</v></c>"
	"<c r=\"I4\" t=\"e\"><v>#N/A</v></c><c r=\"J4\" t=\"d\"><v>2001-09-02T00:00:00</v></c></row>"
	"<row><c t=\"s\"><v>2</v></c><c><v>-0.25</v></c><c s=\"1\"><v>60</v></c><c s=\"1\"><v>61</v></c>"
	"<c s=\"5\"><v>1234.5</v></c><c s=\"6\"><v>912345678</v></c></row>"
	"</sheetData></worksheet>";

TEST(xlsx_shared_strings_styles_dates_and_sparse_cells)
{
	const struct part parts[] = {
		{"xl/workbook.xml", book},	     {"xl/_rels/workbook.xml.rels", book_rels},
		{"xl/strings.xml", strings},	     {"xl/styles.xml", styles},
		{"xl/worksheets/first.xml", sheet},
		{"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>WRONG</t></is></c></row></sheetData></worksheet>"},
	};
	size_t n;
	char *zip = make_zip(parts, 6, &n);
	struct xlsx_reader *r = NULL;
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(zip != NULL);
	CHECK(xlsx_open_mem("members.xlsx", zip, n, &r, &e) == 0);
	free(zip);
	if (!r) {
		printf("    %s\n", e.msg);
		return;
	}
	CHECK_STR(xlsx_sheet_name(r), "Đảng viên");
	CHECK(xlsx_next(r, &row, &e) == 1);
	CHECK(row.line == 1 && row.n == 3);
	CHECK_STR(row.f[0], "Họ và tên");
	CHECK_STR(row.f[1], "");
	CHECK_STR(row.f[2], "Ngày sinh");
	CHECK(xlsx_next(r, &row, &e) == 1); /* row 2 has no values: skipped */
	CHECK(row.line == 4 && row.n == 10);
	CHECK_STR(row.f[0], "Nguyễn Văn An"); /* runs joined, phonetic dropped */
	CHECK_STR(row.f[1], "12345678901");
	CHECK_STR(row.f[2], "1990-01-01");    /* built-in format 14 */
	CHECK_STR(row.f[3], "2024-02-29");    /* custom dd/mm/yyyy, time dropped */
	CHECK_STR(row.f[4], "1.5");	      /* currency format: a number */
	CHECK_STR(row.f[5], "0.5");	      /* a time format: not a date */
	CHECK_STR(row.f[6], "TRUE");
	CHECK_STR(row.f[7], "Họ và tênx"); /* the cached value, not the formula */
	CHECK_STR(row.f[8], "#N/A");
	CHECK_STR(row.f[9], "2001-09-02");
	CHECK(xlsx_next(r, &row, &e) == 1);
	CHECK(row.line == 5 && row.n == 6);
	CHECK_STR(row.f[0], "dòng 1\r\ndòng 2 & _x");
	CHECK_STR(row.f[1], "-0.25");
	CHECK_STR(row.f[2], "60");	   /* Excel's phantom 1900-02-29 */
	CHECK_STR(row.f[3], "1900-03-01");
	CHECK_STR(row.f[4], "1234.5");	   /* scientific: not a date */
	CHECK_STR(row.f[5], "912345678");   /* General: not a date */
	CHECK(xlsx_next(r, &row, &e) == 0);
	CHECK(xlsx_next(r, &row, &e) == 0);
	xlsx_close(r);
}

TEST(xlsx_default_paths_1904_dates_and_prefixed_names)
{
	const struct part parts[] = {
		{"xl/workbook.xml", "<x:workbook xmlns:x=\"urn:x\"><x:workbookPr date1904=\"1\"/>"
				    "<x:sheets><x:sheet name=\"S\" sheetId=\"1\"/></x:sheets></x:workbook>"},
		{"xl/styles.xml", "<x:styleSheet xmlns:x=\"urn:x\"><x:cellXfs><x:xf numFmtId=\"0\"/>"
				  "<x:xf numFmtId=\"15\"/></x:cellXfs></x:styleSheet>"},
		{"xl/worksheets/sheet1.xml",
		 "<x:worksheet xmlns:x=\"urn:x\"><x:sheetData><x:row r=\"3\">"
		 "<x:c r=\"B3\" s=\"1\"><x:v>0</x:v></x:c><x:c r=\"C3\" t=\"inlineStr\"><x:is>"
		 "<x:t>Lê</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"},
	};
	size_t n;
	char *zip = make_zip(parts, 3, &n);
	struct xlsx_reader *r = NULL;
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(xlsx_open_mem("p.xlsx", zip, n, &r, &e) == 0);
	free(zip);
	if (!r) {
		printf("    %s\n", e.msg);
		return;
	}
	CHECK(xlsx_next(r, &row, &e) == 1);
	CHECK(row.line == 3 && row.n == 3);
	CHECK_STR(row.f[0], "");
	CHECK_STR(row.f[1], "1904-01-01");
	CHECK_STR(row.f[2], "Lê");
	CHECK(xlsx_next(r, &row, &e) == 0);
	xlsx_close(r);
}

/* Write a workbook with table_write; the caller unlinks path. */
static void write_members(const char *path)
{
	static const char *const head[] = {"Họ và tên", "Số CCCD", "Ngày sinh", "Điểm"};
	static const enum table_col types[] = {TABLE_TEXT, TABLE_TEXT, TABLE_DATE,
					       TABLE_NUMBER};
	struct table_writer *w;
	struct err e = ERR_INIT;
	CHECK(table_writer_open(path, NULL, TABLE_XLSX, "Sheet1", &w, &e) == 0);
	CHECK(table_writer_columns(w, 4, types, &e) == 0);
	CHECK(table_writer_header(w, 4, head, &e) == 0);
	for (int i = 0; i < 3000; i++) {
		char id[16], score[16];
		const char *cells[] = {"Trần Thị Ngọc Ánh", id, "1985-12-31", score};
		snprintf(id, sizeof id, "0791%08d", i);
		snprintf(score, sizeof score, "%d.25", i);
		CHECK(table_writer_row(w, 4, cells, &e) == 0);
	}
	CHECK(table_writer_close(w, &e) == 0);
}

TEST(xlsx_reads_back_what_table_write_wrote)
{
	char path[256];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct xlsx_reader *r;
	struct csv_row row;
	struct err e = ERR_INIT;
	int n = 0, ok = 1;
	snprintf(path, sizeof path, "%s/cadre-xlsx-rt-%d.xlsx", tmp, (int)getpid());
	write_members(path);
	CHECK(xlsx_open(path, &r, &e) == 0);
	if (!r) {
		printf("    %s\n", e.msg);
		unlink(path);
		return;
	}
	CHECK(xlsx_next(r, &row, &e) == 1 && row.n == 4);
	CHECK_STR(row.f[1], "Số CCCD");
	while (xlsx_next(r, &row, &e) == 1) {
		char id[16], score[16];
		snprintf(id, sizeof id, "0791%08d", n);
		snprintf(score, sizeof score, "%d.25", n);
		ok = ok && row.n == 4 && row.line == n + 2 &&
		     strcmp(row.f[0], "Trần Thị Ngọc Ánh") == 0 && strcmp(row.f[1], id) == 0 &&
		     strcmp(row.f[2], "1985-12-31") == 0 && strcmp(row.f[3], score) == 0;
		n++;
	}
	CHECK(ok);
	CHECK(n == 3000);
	xlsx_close(r);
	unlink(path);
}

TEST(xlsx_truncated_zip_is_a_clear_error)
{
	char path[256], *data;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct xlsx_reader *r = NULL;
	struct err e = ERR_INIT;
	FILE *fp;
	long len;
	size_t n;
	snprintf(path, sizeof path, "%s/cadre-xlsx-tr-%d.xlsx", tmp, (int)getpid());
	write_members(path);
	fp = fopen(path, "rb");
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc((size_t)len);
	n = fread(data, 1, (size_t)len, fp);
	fclose(fp);
	CHECK(xlsx_open_mem("cut.xlsx", data, n / 2, &r, &e) < 0);
	CHECK(r == NULL);
	CHECK(e.code == ERR_BAD_REQUEST);
	CHECK(strstr(e.msg, "cut.xlsx") != NULL);
	CHECK(strstr(e.msg, "truncated or damaged") != NULL);
	/* the same through a path */
	fp = fopen(path, "wb");
	fwrite(data, 1, n / 2, fp);
	fclose(fp);
	CHECK(xlsx_open(path, &r, &e) < 0);
	CHECK(strstr(e.msg, "truncated or damaged") != NULL);
	unlink(path);
	CHECK(xlsx_open(path, &r, &e) < 0);
	CHECK(e.code == ERR_NOT_FOUND);
	CHECK(xlsx_open_mem("x.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, &r, &e) < 0);
	CHECK(strstr(e.msg, ".xls") != NULL);
	free(data);
}

/* Set the uncompressed size of `name` in the central directory. */
static void patch_size(char *zip, size_t n, const char *name, uint32_t size)
{
	size_t len = strlen(name);
	for (size_t i = 0; i + 46 + len <= n; i++) {
		if (memcmp(zip + i, "PK\x01\x02", 4) == 0 &&
		    (size_t)((unsigned char)zip[i + 28] | (unsigned char)zip[i + 29] << 8) == len &&
		    memcmp(zip + i + 46, name, len) == 0) {
			for (int k = 0; k < 4; k++) {
				zip[i + 24 + k] = (char)((size >> (8 * k)) & 0xFF);
			}
		}
	}
}

TEST(xlsx_zip_bomb_and_doctype_are_refused)
{
	const struct part parts[] = {
		{"xl/workbook.xml", "<workbook><sheets><sheet name=\"S\"/></sheets></workbook>"},
		{"xl/sharedStrings.xml", "<sst><si><t>a</t></si></sst>"},
		{"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>"},
	};
	size_t n;
	char *zip = make_zip(parts, 3, &n);
	struct xlsx_reader *r = NULL;
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(xlsx_open_mem("ok.xlsx", zip, n, &r, &e) == 0);
	CHECK(r && xlsx_next(r, &row, &e) == 1 && row.n == 1);
	xlsx_close(r);
	patch_size(zip, n, "xl/worksheets/sheet1.xml", 600u << 20);
	CHECK(xlsx_open_mem("bomb.xlsx", zip, n, &r, &e) < 0);
	CHECK(e.code == ERR_TOO_LARGE);
	patch_size(zip, n, "xl/worksheets/sheet1.xml", 92);
	patch_size(zip, n, "xl/sharedStrings.xml", 300u << 20);
	CHECK(xlsx_open_mem("bomb.xlsx", zip, n, &r, &e) < 0);
	CHECK(e.code == ERR_TOO_LARGE);
	free(zip);
	{
		const struct part dt[] = {
			{"xl/workbook.xml", "<workbook><sheets><sheet name=\"S\"/></sheets></workbook>"},
			{"xl/worksheets/sheet1.xml",
			 "<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
			 "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c>"
			 "</row></sheetData></worksheet>"},
		};
		zip = make_zip(dt, 2, &n);
		CHECK(xlsx_open_mem("dtd.xlsx", zip, n, &r, &e) == 0);
		CHECK(r && xlsx_next(r, &row, &e) < 0);
		CHECK(strstr(e.msg, "DOCTYPE") != NULL);
		xlsx_close(r);
		free(zip);
	}
}

TEST(xlsx_value_past_column_256_names_row)
{
	const struct part parts[] = {
		{"xl/workbook.xml", "<workbook><sheets><sheet name=\"S\"/></sheets></workbook>"},
		{"xl/worksheets/sheet1.xml",
		 "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"IW1\"/></row>"
		 "<row r=\"7\"><c r=\"A7\"><v>1</v></c><c r=\"IW7\"><v>2</v></c></row>"
		 "</sheetData></worksheet>"},
	};
	size_t n;
	char *zip = make_zip(parts, 2, &n);
	struct xlsx_reader *r = NULL;
	struct csv_row row;
	struct err e = ERR_INIT;
	CHECK(xlsx_open_mem("wide.xlsx", zip, n, &r, &e) == 0);
	free(zip);
	CHECK(r && xlsx_next(r, &row, &e) == 1 && row.n == 1); /* empty IW1 ignored */
	CHECK(r && xlsx_next(r, &row, &e) < 0);
	CHECK(strstr(e.msg, "wide.xlsx:7:") != NULL);
	CHECK(strstr(e.msg, "IW") != NULL);
	CHECK(r && xlsx_next(r, &row, &e) < 0); /* sticky */
	xlsx_close(r);
}
