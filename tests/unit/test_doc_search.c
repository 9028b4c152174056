/*
 * test_doc_search.c — finding documents on both drivers: words of the
 * subject and of the PDF's text found ignoring case and Vietnamese
 * diacritics ("chuyen doi so" finds "Chuyển đổi số", "DONG BO" finds
 * "đồng bộ"), all words required, a symbol found as typed, filters (unit
 * subtree, type, period, status, direction), paging, the actor's scope,
 * and the outgoing and incoming registers as JSON, CSV and XLSX.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/doc.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "domain/doc_search.h"
#include "test.h"
#include "test_doc_fixture.h"

static long long found(struct cx *cx, const char *q, int64_t unit,
		       const char *type, const char *status)
{
	struct doc_query dq = {0};
	struct err e = ERR_INIT;
	json_t *out = NULL;
	long long n;
	dq.q = q;
	dq.unit = unit;
	dq.type = type;
	dq.status = status;
	dq.limit = 50;
	if (doc_search(cx, &dq, &out, &e)) {
		if (e.code != ERR_FORBIDDEN) {
			printf("    search %s: %s\n", q ? q : "", e.msg);
		}
		return -1;
	}
	n = json_integer_value(json_object_get(out, "total"));
	json_decref(out);
	return n;
}

DB_TEST(doc_search_diacritics_subject_and_pdf)
{
	struct docfx f;
	struct cx clerk, c1clerk;
	struct err e = ERR_INIT;
	int64_t a, b, c;
	docfx_setup(db, &f, 1);
	clerk = docfx_as(db, "p1.clerk");
	c1clerk = docfx_as(db, "c1.clerk");
	a = docfx_draft(&f, &clerk, "Quyết định về Chuyển đổi số tỉnh Quảng Trị", 0, NULL,
			0, NULL, "Triển khai hạ tầng số đồng bộ toàn tỉnh");
	b = docfx_draft(&f, &clerk, "Kế hoạch phòng, chống thiên tai", 0, NULL, 0, NULL,
			"Ứng phó bão số 3 (Yagi) và mưa lũ");
	c = docfx_draft(&f, &clerk, "Công văn về đường dây nóng", 0, NULL, 0, NULL, NULL);
	CHECK(a > 0 && b > 0 && c > 0);
	/* Subject words, any case, without diacritics. */
	CHECK(found(&clerk, "chuyen doi so", 0, NULL, NULL) == 1);
	CHECK(found(&clerk, "CHUYỂN ĐỔI SỐ", 0, NULL, NULL) == 1);
	CHECK(found(&clerk, "Chuyen Doi", 0, NULL, NULL) == 1);
	/* Words of the PDF's text. */
	CHECK(found(&clerk, "DONG BO", 0, NULL, NULL) == 1);
	CHECK(found(&clerk, "bao yagi", 0, NULL, NULL) == 1);
	CHECK(found(&clerk, "mua lu", 0, NULL, NULL) == 1);
	/* đ → d. */
	CHECK(found(&clerk, "duong day nong", 0, NULL, NULL) == 1);
	/* All words are required; a word nowhere finds nothing. */
	CHECK(found(&clerk, "chuyen doi thien tai", 0, NULL, NULL) == 0);
	CHECK(found(&clerk, "khongcodau", 0, NULL, NULL) == 0);
	/* Empty query: everything in scope. */
	CHECK(found(&clerk, NULL, 0, NULL, NULL) == 3);
	CHECK(found(&clerk, "  ", 0, NULL, NULL) == 3);
	/* A new version of the PDF replaces the indexed text. */
	{
		size_t n;
		unsigned char *pdf = docfx_pdf("Văn bản mới hoàn toàn", &n);
		CHECK(doc_file_add(&clerk, a, "main", "v2.pdf", NULL, pdf, n, NULL, &e) == 0);
		free(pdf);
	}
	CHECK(found(&clerk, "dong bo", 0, NULL, NULL) == 0);
	CHECK(found(&clerk, "hoan toan", 0, NULL, NULL) == 1);
	CHECK(found(&clerk, "chuyen doi so", 0, NULL, NULL) == 1); /* subject stays */
	/* Scope: the commune clerk sees none of the province's documents. */
	CHECK(found(&c1clerk, "chuyen doi so", 0, NULL, NULL) == 0);
	CHECK(found(&c1clerk, NULL, 0, NULL, NULL) == 0);
	/* Nor may it ask for the province's subtree. */
	CHECK(found(&c1clerk, NULL, f.p1, NULL, NULL) == -1);
}

DB_TEST(doc_search_filters_and_symbols)
{
	struct docfx f;
	struct err e = ERR_INIT;
	struct doc_query q = {0};
	json_t *out = NULL, *items;
	docfx_setup(db, &f, 0);
	for (int i = 0; i < 12; i++) {
		struct doc_number_req r = {i % 3 ? f.ub : f.tu, i % 3 ? "QĐ" : "NQ",
					   i < 6 ? "2025-03-01" : "2025-09-01", 0,
					   i % 2 ? "Quyết định nhân sự" : "Nghị quyết kinh tế"};
		CHECK(doc_number(&f.cx, &r, NULL, &e) == 0);
	}
	{
		struct doc_number_req r = {f.c1, "QĐ", "2025-03-01", 0, "Quyết định của xã"};
		CHECK(doc_number(&f.cx, &r, NULL, &e) == 0);
	}
	CHECK(found(&f.cx, NULL, 0, NULL, NULL) == 13);
	CHECK(found(&f.cx, NULL, f.tu, NULL, NULL) == 4);
	CHECK(found(&f.cx, NULL, f.p1, NULL, NULL) == 13);
	CHECK(found(&f.cx, NULL, f.c1, NULL, NULL) == 1);
	CHECK(found(&f.cx, NULL, f.p2, NULL, NULL) == 0);
	CHECK(found(&f.cx, NULL, 0, "NQ", NULL) == 4);
	CHECK(found(&f.cx, NULL, 0, NULL, "issued") == 13);
	CHECK(found(&f.cx, NULL, 0, NULL, "draft") == 0);
	CHECK(found(&f.cx, "nhan su", 0, "QĐ", NULL) == 4);
	CHECK(found(&f.cx, "nhan su", 0, "NQ", NULL) == 2);
	CHECK(found(&f.cx, NULL, 0, "XYZ", NULL) == 0); /* no such type */
	CHECK(found(&f.cx, "nghi quyet", 0, "XYZ", NULL) == 0);
	CHECK(found(&f.cx, NULL, f.ub, "QĐ", "issued") == 8);
	/* Migration 007 made each engine's search indexes. */
	{
		struct db_stmt *st;
		CHECK(db_prepare(db, db_kind(db) == DB_SQLITE
					     ? "SELECT COUNT(*) FROM sqlite_master WHERE name IN"
					       " ('doc_fts', 'doc_filter_type')"
					     : "SELECT COUNT(*) FROM pg_indexes WHERE schemaname ="
					       " current_schema() AND indexname IN ('doc_text_fts',"
					       " 'doc_filter_type', 'doc_filter_date')",
				 &st, &e) == 0);
		CHECK(db_step(st, &e) == DB_ROW);
		/* SQLite: the FTS5 table and no extra index on doc. */
		CHECK(db_col_int64(st, 0) == (db_kind(db) == DB_SQLITE ? 1 : 3));
		db_finalize(st);
	}
	/* A symbol as typed, with or without diacritics. */
	CHECK(found(&f.cx, "01-NQ/TU", 0, NULL, NULL) == 1);
	CHECK(found(&f.cx, "02/QĐ-UBND", f.ub, NULL, NULL) == 1);
	CHECK(found(&f.cx, "02/qd-ubnd", f.ub, NULL, NULL) == 1);
	/* Period. */
	q.from = "2025-06-01";
	q.to = "2025-12-31";
	q.limit = 50;
	CHECK(doc_search(&f.cx, &q, &out, &e) == 0);
	CHECK(json_integer_value(json_object_get(out, "total")) == 6);
	json_decref(out);
	/* Paging, newest first. */
	memset(&q, 0, sizeof q);
	q.limit = 5;
	q.offset = 10;
	CHECK(doc_search(&f.cx, &q, &out, &e) == 0);
	items = json_object_get(out, "items");
	CHECK(json_array_size(items) == 3);
	CHECK(json_integer_value(json_object_get(out, "total")) == 13);
	CHECK(json_integer_value(json_object_get(json_array_get(items, 0), "id")) >
	      json_integer_value(json_object_get(json_array_get(items, 1), "id")));
	json_decref(out);
}

DB_TEST(doc_search_registers_export)
{
	struct docfx f;
	struct err e = ERR_INIT;
	json_t *reg = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	docfx_setup(db, &f, 0);
	for (int i = 0; i < 3; i++) {
		struct doc_number_req r = {f.ub, "QĐ", "2025-03-01", 0, "=HYPERLINK(\"x\")"};
		CHECK(doc_number(&f.cx, &r, NULL, &e) == 0);
	}
	CHECK(doc_register(&f.cx, f.ub, "out", 2025, &reg, &e) == 0);
	CHECK(json_array_size(json_object_get(reg, "items")) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(reg, "items"), 2),
						    "symbol")),
		  "03/QĐ-UBND");
	json_decref(reg);
	CHECK(doc_register(&f.cx, f.ub, "in", 2025, &reg, &e) == 0);
	CHECK(json_array_size(json_object_get(reg, "items")) == 0);
	json_decref(reg);
	CHECK(doc_register(&f.cx, f.ub, "sideways", 2025, &reg, &e) < 0);
	/* CSV: BOM, header, formula neutralized. */
	fp = open_memstream(&buf, &len);
	CHECK(doc_register_export(&f.cx, f.ub, "out", 2025, "csv", fp, &e) == 0);
	fclose(fp);
	CHECK(len > 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0);
	CHECK(strstr(buf, "Trích yếu") != NULL);
	CHECK(strstr(buf, "01/QĐ-UBND") != NULL);
	CHECK(strstr(buf, ",=HYPERLINK") == NULL);
	free(buf);
	/* XLSX: a zip archive. */
	buf = NULL;
	fp = open_memstream(&buf, &len);
	CHECK(doc_register_export(&f.cx, f.ub, "out", 2025, "xlsx", fp, &e) == 0);
	fclose(fp);
	CHECK(len > 100 && memcmp(buf, "PK", 2) == 0);
	free(buf);
}
