/*
 * json_out.h — fast compact serialization of jansson values for replies.
 */
#ifndef CADRE_HTTP_JSON_OUT_H
#define CADRE_HTTP_JSON_OUT_H

#include <jansson.h>
#include <stddef.h>

/* Compact JSON text of j (keys in insertion order, non-ASCII as UTF-8,
 * reals in their shortest round-trip form).  Returns a malloc'd string the
 * caller frees, with its length in *len; NULL when out of memory, past
 * JSON_OUT_MAX, or nested deeper than JSON_OUT_DEPTH. */
#define JSON_OUT_MAX (256u * 1024 * 1024)
#define JSON_OUT_DEPTH 256
char *json_out_dump(const json_t *j, size_t *len);

#endif
