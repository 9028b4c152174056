/*
 * fuzz_docnum.c — libFuzzer target for document symbols (docnum.h): any
 * bytes as a symbol through docnum_parse in both styles, against a type
 * and issuer taken from the input too, and every symbol that parses
 * formatted again (docnum_format) and parsed back to the same parts.
 * Must never crash, leak, read out of bounds or disagree with itself.
 * Input: [style byte][type\0][issuer\0]symbol.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/docnum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next NUL-terminated field of the input (or the rest), copied. */
static char *field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *z = memchr(*p, 0, (size_t)(end - *p));
	size_t n = z ? (size_t)(z - *p) : (size_t)(end - *p);
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, *p, n);
		s[n] = 0;
	}
	*p = z ? z + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	enum docnum_style style;
	char *type, *issuer, *symbol;
	if (size < 1) {
		return 0;
	}
	style = (p[0] & 1) ? DOCNUM_PARTY : DOCNUM_STATE;
	p++;
	type = field(&p, end);
	issuer = field(&p, end);
	symbol = field(&p, end);
	if (type && issuer && symbol) {
		struct docnum_parts a, b;
		struct err e = ERR_INIT;
		/* Against the given type and issuer, and against none. */
		docnum_parse(symbol, style, type, issuer, "symbol", &a, &e);
		docnum_parse(symbol, style, type, NULL, "symbol", NULL, &e);
		docnum_check_type(symbol, 1, "type", &e);
		docnum_check_issuer(symbol, "issuer", &e);
		if (docnum_parse(symbol, style, type, NULL, "symbol", &a, &e) == 0 &&
		    a.year == 0 && (a.type[0] || style == DOCNUM_STATE)) {
			char out[DOCNUM_MAX];
			/* What parsed formats again (when its parts are valid)
			 * and parses back to the same parts. */
			if (docnum_check_issuer(a.issuer, "issuer", &e) == 0 &&
			    docnum_check_type(a.type, 1, "type", &e) == 0 &&
			    docnum_format(style, 1, a.number, a.type, a.issuer, out, &e) == 0) {
				if (docnum_parse(out, style, a.type, a.issuer, "symbol", &b, &e) != 0 ||
				    b.number != a.number || strcmp(b.type, a.type) != 0 ||
				    strcmp(b.issuer, a.issuer) != 0) {
					abort();
				}
			}
		}
	}
	free(type);
	free(issuer);
	free(symbol);
	return 0;
}
