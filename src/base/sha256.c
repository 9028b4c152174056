/*
 * sha256.c — SHA-256 hex digests on libsodium's crypto_hash_sha256.
 */
#include "base/sha256.h"

#include <sodium.h>
#include <string.h>

void sha256_hex2(const void *a, size_t na, const void *b, size_t nb,
		 char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char md[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, a, na);
	if (b) {
		crypto_hash_sha256_update(&st, b, nb);
	}
	crypto_hash_sha256_final(&st, md);
	sodium_bin2hex(out, 65, md, sizeof md);
}

void sha256_hex(const char *s, char out[65])
{
	sha256_hex2(s, strlen(s), NULL, 0, out);
}
