/*
 * fuzz_reorg_json.c — libFuzzer target for the API's input side of a
 * reorganization: JSON bytes → jansson → reorg_req_from_json, and the text
 * helpers every request goes through (date_check, utf8_clean_name,
 * utf8_fold).  Must never crash, leak or read out of bounds on any input.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "domain/org.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	char *text = malloc(size + 1);
	if (body) {
		struct reorg_req r;
		struct err e = ERR_INIT;
		int dry_run;
		if (reorg_req_from_json(body, &r, &dry_run, &e) == 0) {
			reorg_req_release(&r);
		}
		json_decref(body);
	}
	if (text) {
		struct err e = ERR_INIT;
		char *s;
		memcpy(text, data, size);
		text[size] = 0;
		date_check(text, "date", &e);
		s = utf8_clean_name(text, 200, "name", &e);
		free(s);
		s = utf8_fold(text);
		free(s);
		free(text);
	}
	return 0;
}
