/*
 * keystore.c — the master key and the sealing of private keys.  Owns where
 * the master key comes from (CADRE_MASTER_KEY, CADRE_MASTER_KEY_FILE, or
 * "<sqlite database>.key", created on first use with mode 0600) and the
 * blob format of encrypted keys: "CK1" | 12-byte nonce | AES-256-GCM
 * ciphertext of the PKCS#8 DER key | 16-byte tag, with the certificate's
 * SHA-256 as additional data so a blob cannot be moved to another
 * certificate.  Must never write a private key or the master key anywhere
 * else, log them, or keep them in memory longer than one call.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sign/sign_internal.h"

#define MAGIC "CK1"
#define MAGIC_LEN 3
#define NONCE_LEN 12
#define TAG_LEN 16

static int hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* 64 hex digits (surrounding whitespace allowed) → key; 0 or -1. */
static int parse_hex_key(const char *s, unsigned char key[SIGN_MASTER_KEY_LEN])
{
	size_t i = 0, k = 0;
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++;
	}
	for (k = 0; k < SIGN_MASTER_KEY_LEN; k++) {
		int hi = hexval((unsigned char)s[i]);
		int lo = hi < 0 ? -1 : hexval((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0) {
			return -1;
		}
		key[k] = (unsigned char)(hi * 16 + lo);
		i += 2;
	}
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++;
	}
	return s[i] ? -1 : 0;
}

static int key_path(struct db *db, char *path, size_t size, struct err *e)
{
	const char *f = getenv("CADRE_MASTER_KEY_FILE");
	const char *url = db->url;
	if (f && *f) {
		snprintf(path, size, "%s", f);
		return 0;
	}
	if (db_kind(db) != DB_SQLITE || strncmp(url, "file:", 5) == 0 ||
	    strcmp(url, ":memory:") == 0 || !*url) {
		return err_set(e, ERR_INTERNAL, "master_key",
			       "no master key for the private keys: set "
			       "CADRE_MASTER_KEY (64 hex digits) or "
			       "CADRE_MASTER_KEY_FILE");
	}
	if ((size_t)snprintf(path, size, "%s.key", url) >= size) {
		return err_set(e, ERR_INTERNAL, "master_key",
			       "the database path is too long");
	}
	return 0;
}

/* Create the key file with O_EXCL; 0, or 1 when it appeared meanwhile. */
static int key_create(const char *path, struct err *e)
{
	unsigned char k[SIGN_MASTER_KEY_LEN];
	char hex[2 * SIGN_MASTER_KEY_LEN + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ssize_t w;
	if (fd < 0) {
		if (errno == EEXIST) {
			return 1;
		}
		return err_set(e, ERR_INTERNAL, "master_key",
			       "cannot create the master key file %s: %s", path,
			       strerror(errno));
	}
	if (RAND_priv_bytes(k, sizeof k) != 1) {
		close(fd);
		unlink(path);
		return err_set(e, ERR_INTERNAL, "master_key",
			       "no randomness for the master key");
	}
	sign_hex(k, sizeof k, hex);
	OPENSSL_cleanse(k, sizeof k);
	hex[2 * SIGN_MASTER_KEY_LEN] = '\n';
	hex[2 * SIGN_MASTER_KEY_LEN + 1] = 0;
	w = write(fd, hex, 2 * SIGN_MASTER_KEY_LEN + 1);
	OPENSSL_cleanse(hex, sizeof hex);
	if (w != 2 * SIGN_MASTER_KEY_LEN + 1 || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return err_set(e, ERR_INTERNAL, "master_key",
			       "cannot write the master key file %s", path);
	}
	close(fd);
	return 0;
}

static int key_read(const char *path, unsigned char key[SIGN_MASTER_KEY_LEN],
		    struct err *e)
{
	char text[200];
	struct stat st;
	ssize_t r;
	int rc = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return err_set(e, ERR_INTERNAL, "master_key",
			       "cannot read the master key file %s: %s", path,
			       strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = err_set(e, ERR_INTERNAL, "master_key",
			     "%s is not a regular file", path);
	} else if (st.st_mode & 077) {
		rc = err_set(e, ERR_INTERNAL, "master_key",
			     "the master key file %s is readable by others "
			     "(mode %03o): chmod 600 it",
			     path, (unsigned)(st.st_mode & 0777));
	} else {
		r = read(fd, text, sizeof text - 1);
		text[r > 0 ? r : 0] = 0;
		if (r <= 0 || parse_hex_key(text, key) != 0) {
			rc = err_set(e, ERR_INTERNAL, "master_key",
				     "the master key file %s does not hold 64 "
				     "hex digits",
				     path);
		}
		OPENSSL_cleanse(text, sizeof text);
	}
	close(fd);
	return rc;
}

int sign_master_key(struct db *db, int create,
		    unsigned char key[SIGN_MASTER_KEY_LEN], char *path,
		    struct err *e)
{
	const char *env = getenv("CADRE_MASTER_KEY");
	char p[512];
	int rc;
	if (env && *env) {
		if (path) {
			snprintf(path, 512, "CADRE_MASTER_KEY");
		}
		if (parse_hex_key(env, key) != 0) {
			return err_set(e, ERR_INTERNAL, "master_key",
				       "CADRE_MASTER_KEY must be 64 hex digits");
		}
		return 0;
	}
	if ((rc = key_path(db, p, sizeof p, e))) {
		return rc;
	}
	if (path) {
		snprintf(path, 512, "%s", p);
	}
	if (create && access(p, F_OK) != 0) {
		if ((rc = key_create(p, e)) < 0) {
			return rc;
		}
	}
	return key_read(p, key, e);
}

int sign_key_seal(struct db *db, EVP_PKEY *pkey, const char *aad,
		  unsigned char **blob, size_t *n, struct err *e)
{
	unsigned char key[SIGN_MASTER_KEY_LEN], *der = NULL, *out = NULL;
	EVP_CIPHER_CTX *c = NULL;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	int der_len = 0, len = 0, rc;
	*blob = NULL;
	*n = 0;
	if ((rc = sign_master_key(db, 1, key, NULL, e))) {
		return rc;
	}
	rc = -ERR_INTERNAL;
	p8 = EVP_PKEY2PKCS8(pkey);
	if (!p8 || (der_len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der)) <= 0) {
		sign_ossl_err(e, ERR_INTERNAL, "key", "cannot encode the key");
		goto done;
	}
	out = malloc(MAGIC_LEN + NONCE_LEN + (size_t)der_len + TAG_LEN);
	c = EVP_CIPHER_CTX_new();
	if (!out || !c) {
		err_set(e, ERR_INTERNAL, "key", "out of memory");
		goto done;
	}
	memcpy(out, MAGIC, MAGIC_LEN);
	if (RAND_bytes(out + MAGIC_LEN, NONCE_LEN) != 1 ||
	    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key,
			       out + MAGIC_LEN) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &len, (const unsigned char *)aad,
			      (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(c, out + MAGIC_LEN + NONCE_LEN, &len, der,
			      der_len) != 1 ||
	    len != der_len ||
	    EVP_EncryptFinal_ex(c, out + MAGIC_LEN + NONCE_LEN + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
				out + MAGIC_LEN + NONCE_LEN + der_len) != 1) {
		sign_ossl_err(e, ERR_INTERNAL, "key", "cannot encrypt the key");
		goto done;
	}
	*blob = out;
	*n = MAGIC_LEN + NONCE_LEN + (size_t)der_len + TAG_LEN;
	out = NULL;
	rc = 0;
done:
	OPENSSL_cleanse(key, sizeof key);
	if (der) {
		OPENSSL_clear_free(der, (size_t)der_len);
	}
	free(out);
	PKCS8_PRIV_KEY_INFO_free(p8);
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int sign_key_open(struct db *db, const void *blob, size_t n, const char *aad,
		  EVP_PKEY **pkey, struct err *e)
{
	const unsigned char *b = blob, *p;
	unsigned char key[SIGN_MASTER_KEY_LEN], *der = NULL;
	char where[512];
	EVP_CIPHER_CTX *c = NULL;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	size_t clen;
	int len = 0, rc;
	*pkey = NULL;
	if (n < MAGIC_LEN + NONCE_LEN + TAG_LEN + 1 ||
	    memcmp(b, MAGIC, MAGIC_LEN) != 0) {
		return err_set(e, ERR_INTERNAL, "key",
			       "the stored private key is not in a known format");
	}
	if ((rc = sign_master_key(db, 0, key, where, e))) {
		return rc;
	}
	rc = -ERR_INTERNAL;
	clen = n - MAGIC_LEN - NONCE_LEN - TAG_LEN;
	der = malloc(clen);
	c = EVP_CIPHER_CTX_new();
	if (!der || !c) {
		err_set(e, ERR_INTERNAL, "key", "out of memory");
		goto done;
	}
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key,
			       b + MAGIC_LEN) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &len, (const unsigned char *)aad,
			      (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(c, der, &len, b + MAGIC_LEN + NONCE_LEN,
			      (int)clen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
				(void *)(b + n - TAG_LEN)) != 1 ||
	    EVP_DecryptFinal_ex(c, der + len, &len) != 1) {
		err_set(e, ERR_INTERNAL, "master_key",
			"the private key cannot be decrypted with the master "
			"key from %s (a different key than the one it was "
			"stored with?)",
			where);
		goto done;
	}
	p = der;
	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)clen);
	if (!p8 || !(*pkey = EVP_PKCS82PKEY(p8))) {
		sign_ossl_err(e, ERR_INTERNAL, "key",
			      "the decrypted private key is unreadable");
		goto done;
	}
	rc = 0;
done:
	OPENSSL_cleanse(key, sizeof key);
	if (der) {
		OPENSSL_cleanse(der, clen);
		free(der);
	}
	PKCS8_PRIV_KEY_INFO_free(p8);
	EVP_CIPHER_CTX_free(c);
	return rc;
}
