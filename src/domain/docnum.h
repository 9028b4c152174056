/*
 * docnum.h — THE module that formats and parses document numbers and
 * symbols ("số, ký hiệu").  Nothing else in cadre builds or splits a symbol.
 *
 * Two styles cover the organizations (which style an organization uses is
 * data: doc_org.style):
 *   party  <n>-<TYPE>/<ISSUER>   04-NQ/TU, 174-KL/TW, 8011-CV/BTCTW,
 *                                367-QĐ/TWĐTN-VP (youth union)
 *   state  <n>/<TYPE>-<ISSUER>   123/QĐ-UBND, 05/QĐ-UBND, 1018/CV-MTTW-BTT
 *                                (Front); a type written as '' gives
 *                                <n>/<ISSUER> (state official letters,
 *                                123/UBND-VP); parsing also accepts the
 *                                normative form <n>/<YYYY>/<TYPE>-<ISSUER>.
 * Numbers are padded with zeros to `pad` digits (2: 05; Decree 30 and
 * Guidance 36 both write numbers below 10 with a leading zero).
 *
 * The document type is a FIELD of every document: a symbol is only ever
 * checked against the type and issuer expected, never used to infer them.
 * Text is compared in NFC, so "QĐ" typed with any normalization matches.
 * Pure functions: no database, no allocation visible to the caller.
 */
#ifndef CADRE_DOCNUM_H
#define CADRE_DOCNUM_H

#include <stdint.h>

#include "base/err.h"

#define DOCNUM_MAX 160	    /* bytes of a symbol, NUL included */
#define DOCNUM_CODE_MAX 48  /* bytes of a type code, NUL included */
#define DOCNUM_NUMBER_MAX 999999999LL

enum docnum_style { DOCNUM_PARTY, DOCNUM_STATE };

/* "party" / "state" → *out; else ERR_INVALID naming field. */
int docnum_style_parse(const char *s, enum docnum_style *out,
		       const char *field, struct err *e);
const char *docnum_style_name(enum docnum_style s);

/* A type code as written in symbols: 1..12 letters or digits (Vietnamese
 * letters such as Đ included, NFC), no separators; "" is accepted when
 * allow_empty.  ERR_INVALID naming field otherwise. */
int docnum_check_type(const char *code, int allow_empty, const char *field,
		      struct err *e);
/* An issuer abbreviation: groups of letters or digits joined by single
 * '-' (TU, UBND, TWĐTN-VP, MTTW-BTT), at most 60 bytes. */
int docnum_check_issuer(const char *issuer, const char *field,
			struct err *e);

/* Format the symbol of `number` (1..DOCNUM_NUMBER_MAX) into out:
 * party "04-NQ/TU", state "05/QĐ-UBND" or, with type "", "05/UBND-VP".
 * pad is the minimum number of digits (1..6).  type and issuer must pass
 * the checks above (a party symbol always needs a type). */
int docnum_format(enum docnum_style style, int pad, int64_t number,
		  const char *type, const char *issuer, char out[DOCNUM_MAX],
		  struct err *e);

struct docnum_parts {
	int64_t number;
	int year;		     /* 2023 in 98/2023/NĐ-CP, else 0 */
	char type[DOCNUM_CODE_MAX];  /* as written; "" when none */
	char issuer[DOCNUM_MAX];
	char symbol[DOCNUM_MAX];     /* the input, trimmed and in NFC */
};

/* Parse `symbol` in `style` and check it: the type code written in it must
 * equal `type` (the symbol code of the document's type; "" = a state
 * symbol without a type code) and, unless `issuer` is NULL, the issuer part
 * must equal `issuer`.  On success fills out (may be NULL).  Refusals are
 * ERR_INVALID naming `field` with a message that says what was expected:
 * "12-QĐ/TU: the type code is QĐ but the document's type is NQ". */
int docnum_parse(const char *symbol, enum docnum_style style,
		 const char *type, const char *issuer, const char *field,
		 struct docnum_parts *out, struct err *e);

#endif
