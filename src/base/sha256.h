/*
 * sha256.h — SHA-256 as lower-case hex, over one or two byte ranges
 * (libsodium).  Used for the audit chain and for storing token hashes.
 */
#ifndef CADRE_SHA256_H
#define CADRE_SHA256_H

#include <stddef.h>

/* hex(sha256(a || b)) into out[65]; b may be NULL. */
void sha256_hex2(const void *a, size_t na, const void *b, size_t nb,
		 char out[65]);
void sha256_hex(const char *s, char out[65]);

#endif
