/*
 * sha256.h — SHA-256 as lower-case hex, over one or two byte ranges or a
 * stream (OpenSSL).  Used for the audit chain, token hashes and the
 * digests of stored and imported files.
 */
#ifndef CADRE_SHA256_H
#define CADRE_SHA256_H

#include <stddef.h>

/* hex(sha256(a || b)) into out[65]; b may be NULL. */
void sha256_hex2(const void *a, size_t na, const void *b, size_t nb,
		 char out[65]);
void sha256_hex(const char *s, char out[65]);

/* A digest over pieces: begin (-1: out of memory), add…, end (writes the
 * hex and frees; -1 and "" on failure). */
struct sha256 {
	void *ctx;
};
int sha256_begin(struct sha256 *h);
void sha256_add(struct sha256 *h, const void *p, size_t n);
int sha256_end(struct sha256 *h, char out[65]);

#endif
