/*
 * test_docnum.c — unit tests of docnum.c: formatting and parsing every
 * symbol form of the issue (party 04-NQ/TU, 07-DA/TU, 174-KL/TW,
 * 8011-CV/BTCTW; state 123/QĐ-UBND, 05/QĐ-UBND; mass organizations
 * 367-QĐ/TWĐTN-VP, 1018/CV-MTTW-BTT), zero padding, NFC, and the refusal
 * of a symbol whose type code or issuer is not the one expected.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/docnum.h"
#include "test.h"

static const char *fmt(enum docnum_style s, int pad, long long n,
		       const char *type, const char *issuer)
{
	static char out[DOCNUM_MAX];
	static struct err e;
	err_clear(&e);
	if (docnum_format(s, pad, n, type, issuer, out, &e)) {
		return e.msg;
	}
	return out;
}

TEST(docnum_format_examples)
{
	CHECK_STR(fmt(DOCNUM_PARTY, 2, 4, "NQ", "TU"), "04-NQ/TU");
	CHECK_STR(fmt(DOCNUM_PARTY, 2, 7, "DA", "TU"), "07-DA/TU");
	CHECK_STR(fmt(DOCNUM_PARTY, 2, 174, "KL", "TW"), "174-KL/TW");
	CHECK_STR(fmt(DOCNUM_PARTY, 2, 8011, "CV", "BTCTW"), "8011-CV/BTCTW");
	CHECK_STR(fmt(DOCNUM_STATE, 2, 123, "QĐ", "UBND"), "123/QĐ-UBND");
	CHECK_STR(fmt(DOCNUM_STATE, 2, 5, "QĐ", "UBND"), "05/QĐ-UBND");
	CHECK_STR(fmt(DOCNUM_STATE, 2, 10, "QĐ", "UBND"), "10/QĐ-UBND");
	CHECK_STR(fmt(DOCNUM_PARTY, 2, 367, "QĐ", "TWĐTN-VP"), "367-QĐ/TWĐTN-VP");
	CHECK_STR(fmt(DOCNUM_STATE, 2, 1018, "CV", "MTTW-BTT"), "1018/CV-MTTW-BTT");
	CHECK_STR(fmt(DOCNUM_STATE, 2, 9, "", "UBND-VP"), "09/UBND-VP");
	CHECK_STR(fmt(DOCNUM_STATE, 1, 9, "QĐ", "UBND"), "9/QĐ-UBND");
	CHECK_STR(fmt(DOCNUM_STATE, 3, 9, "QyĐ", "UBND"), "009/QyĐ-UBND");
	CHECK_STR(fmt(DOCNUM_PARTY, 2, 1, "QĐi", "TW"), "01-QĐi/TW");
}

TEST(docnum_format_refusals)
{
	char out[DOCNUM_MAX];
	struct err e = ERR_INIT;
	CHECK(docnum_format(DOCNUM_STATE, 2, 0, "QĐ", "UBND", out, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK(docnum_format(DOCNUM_STATE, 2, -3, "QĐ", "UBND", out, &e) < 0);
	CHECK(docnum_format(DOCNUM_PARTY, 2, 1, "", "TU", out, &e) < 0);
	CHECK(docnum_format(DOCNUM_PARTY, 2, 1, "N/Q", "TU", out, &e) < 0);
	CHECK(docnum_format(DOCNUM_PARTY, 2, 1, "NQ", "T U", out, &e) < 0);
	CHECK(docnum_format(DOCNUM_PARTY, 2, 1, "NQ", "TU-", out, &e) < 0);
	CHECK(docnum_format(DOCNUM_PARTY, 2, 1, "NQ", "", out, &e) < 0);
	CHECK(docnum_format(DOCNUM_PARTY, 9, 1, "NQ", "TU", out, &e) < 0);
	CHECK(out[0] == 0);
}

/* Parse with expectations; returns the number or -1 (message in *msg). */
static long long parse(const char *sym, enum docnum_style s, const char *type,
		       const char *issuer, char *msg)
{
	struct docnum_parts p;
	struct err e = ERR_INIT;
	if (docnum_parse(sym, s, type, issuer, "symbol", &p, &e)) {
		if (msg) {
			strcpy(msg, e.msg);
		}
		CHECK(e.code == ERR_INVALID);
		CHECK_STR(e.field, "symbol");
		return -1;
	}
	return p.number;
}

TEST(docnum_parse_examples)
{
	struct docnum_parts p;
	struct err e = ERR_INIT;
	CHECK(parse("04-NQ/TU", DOCNUM_PARTY, "NQ", "TU", NULL) == 4);
	CHECK(parse("07-DA/TU", DOCNUM_PARTY, "DA", "TU", NULL) == 7);
	CHECK(parse("174-KL/TW", DOCNUM_PARTY, "KL", "TW", NULL) == 174);
	CHECK(parse("8011-CV/BTCTW", DOCNUM_PARTY, "CV", "BTCTW", NULL) == 8011);
	CHECK(parse("123/QĐ-UBND", DOCNUM_STATE, "QĐ", "UBND", NULL) == 123);
	CHECK(parse("05/QĐ-UBND", DOCNUM_STATE, "QĐ", "UBND", NULL) == 5);
	CHECK(parse("5/QĐ-UBND", DOCNUM_STATE, "QĐ", "UBND", NULL) == 5);
	CHECK(parse("367-QĐ/TWĐTN-VP", DOCNUM_PARTY, "QĐ", "TWĐTN-VP", NULL) == 367);
	CHECK(parse("1018/CV-MTTW-BTT", DOCNUM_STATE, "CV", "MTTW-BTT", NULL) == 1018);
	CHECK(parse("  35-CT/TW \n", DOCNUM_PARTY, "CT", "TW", NULL) == 35);
	CHECK(parse("12/UBND-VP", DOCNUM_STATE, "", "UBND-VP", NULL) == 12);
	/* Any issuer when none is expected. */
	CHECK(parse("18-NQ/TW", DOCNUM_PARTY, "NQ", NULL, NULL) == 18);
	/* The normative form number/year/TYPE-ISSUER. */
	CHECK(docnum_parse("98/2023/NĐ-CP", DOCNUM_STATE, "NĐ", "CP", "symbol", &p, &e) == 0);
	CHECK(p.number == 98 && p.year == 2023);
	CHECK_STR(p.type, "NĐ");
	CHECK_STR(p.issuer, "CP");
	/* Parts of a youth-union symbol. */
	CHECK(docnum_parse("367-QĐ/TWĐTN-VP", DOCNUM_PARTY, "QĐ", NULL, "symbol", &p, &e) == 0);
	CHECK_STR(p.type, "QĐ");
	CHECK_STR(p.issuer, "TWĐTN-VP");
	CHECK_STR(p.symbol, "367-QĐ/TWĐTN-VP");
}

TEST(docnum_parse_nfc)
{
	/* "QĐ-ỦY" written decomposed: U+0055 U+0309 instead of U+1EE6. */
	const char *decomposed = "12/QĐ-U\xcc\x89Y";
	const char *composed = "12/QĐ-Ủ" "Y";
	struct docnum_parts p;
	struct err e = ERR_INIT;
	CHECK(docnum_parse(decomposed, DOCNUM_STATE, "QĐ", "ỦY", "symbol", &p, &e) == 0);
	CHECK_STR(p.symbol, composed);
	CHECK_STR(p.issuer, "ỦY");
	/* Invalid UTF-8 is refused. */
	CHECK(docnum_parse("12/Q\xff-UBND", DOCNUM_STATE, "Q", "UBND", "symbol", &p, &e) < 0);
}

TEST(docnum_parse_wrong_type_code)
{
	char msg[600];
	/* A decision symbol where a resolution was expected. */
	CHECK(parse("12-QĐ/TU", DOCNUM_PARTY, "NQ", "TU", msg) == -1);
	CHECK(strstr(msg, "type code is QĐ") != NULL);
	CHECK(strstr(msg, "type is NQ") != NULL);
	CHECK(parse("123/CV-UBND", DOCNUM_STATE, "QĐ", "UBND", msg) == -1);
	CHECK(strstr(msg, "type code is CV") != NULL);
	/* ĐA and DA are different codes. */
	CHECK(parse("07-DA/TU", DOCNUM_PARTY, "ĐA", "TU", msg) == -1);
	/* A state official letter has no type code. */
	CHECK(parse("12/QĐ-UBND", DOCNUM_STATE, "", "UBND", msg) == -1);
	CHECK(parse("12/UBND", DOCNUM_STATE, "QĐ", "UBND", msg) == -1);
	/* Wrong issuer. */
	CHECK(parse("04-NQ/HU", DOCNUM_PARTY, "NQ", "TU", msg) == -1);
	CHECK(strstr(msg, "issuer is HU") != NULL);
}

TEST(docnum_parse_bad_shapes)
{
	CHECK(parse("", DOCNUM_PARTY, "NQ", NULL, NULL) == -1);
	CHECK(parse("NQ/TU", DOCNUM_PARTY, "NQ", NULL, NULL) == -1);
	CHECK(parse("04/NQ-TU", DOCNUM_PARTY, "NQ", NULL, NULL) == -1); /* state form */
	CHECK(parse("04-NQ/TU", DOCNUM_STATE, "NQ", NULL, NULL) == -1);	/* party form */
	CHECK(parse("0-NQ/TU", DOCNUM_PARTY, "NQ", NULL, NULL) == -1);
	CHECK(parse("04-NQ/", DOCNUM_PARTY, "NQ", NULL, NULL) == -1);
	CHECK(parse("04-/TU", DOCNUM_PARTY, "NQ", NULL, NULL) == -1);
	CHECK(parse("04-NQ/TU/X", DOCNUM_PARTY, "NQ", NULL, NULL) == -1);
	CHECK(parse("1234567890123-NQ/TU", DOCNUM_PARTY, "NQ", NULL, NULL) == -1);
	CHECK(parse("12/QĐ-", DOCNUM_STATE, "QĐ", NULL, NULL) == -1);
	CHECK(parse("12/QĐ-UBND--X", DOCNUM_STATE, "QĐ", NULL, NULL) == -1);
	CHECK(parse("12 /QĐ-UBND", DOCNUM_STATE, "QĐ", NULL, NULL) == -1);
}

TEST(docnum_round_trip)
{
	static const struct {
		enum docnum_style s;
		const char *type, *issuer;
	} cases[] = {
		{DOCNUM_PARTY, "NQ", "TU"},	  {DOCNUM_PARTY, "QĐ", "TWĐTN-VP"},
		{DOCNUM_STATE, "QĐ", "UBND"},	  {DOCNUM_STATE, "CV", "MTTW-BTT"},
		{DOCNUM_STATE, "", "UBND-VP"},	  {DOCNUM_PARTY, "CTr", "ĐU"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (long long n = 1; n < 100000; n = n * 3 + 1) {
			char out[DOCNUM_MAX];
			struct docnum_parts p;
			struct err e = ERR_INIT;
			CHECK(docnum_format(cases[i].s, 2, n, cases[i].type, cases[i].issuer,
					    out, &e) == 0);
			CHECK(docnum_parse(out, cases[i].s, cases[i].type, cases[i].issuer,
					   "symbol", &p, &e) == 0);
			CHECK(p.number == n);
		}
	}
}
