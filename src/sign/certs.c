/*
 * certs.c — small X.509 and time helpers shared by the CA, the signer and
 * the verifier: key generation, PEM in and out, fingerprints, serials,
 * names as UTF-8, ASN.1 times, Vietnam-time formatting, the certificate
 * JSON, OpenSSL errors as struct err.  Must never touch the database or
 * private key storage.
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sign/sign_internal.h"

int sign_ossl_err(struct err *e, enum err_code code, const char *field,
		  const char *what)
{
	char buf[256] = "";
	unsigned long ec = ERR_get_error();
	if (ec) {
		ERR_error_string_n(ec, buf, sizeof buf);
	}
	ERR_clear_error();
	if (buf[0]) {
		return err_set(e, code, field, "%s (%s)", what, buf);
	}
	return err_set(e, code, field, "%s", what);
}

int sign_keygen(const char *algorithm, EVP_PKEY **out, struct err *e)
{
	*out = NULL;
	if (!algorithm || strcmp(algorithm, "ecdsa-p256") == 0) {
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	} else if (strcmp(algorithm, "rsa-3072") == 0) {
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	} else {
		return err_set(e, ERR_INVALID, "algorithm",
			       "unknown key algorithm %s (ecdsa-p256 or "
			       "rsa-3072)",
			       algorithm);
	}
	if (!*out) {
		return sign_ossl_err(e, ERR_INTERNAL, "algorithm",
				     "key generation failed");
	}
	return 0;
}

X509 *sign_cert_from_pem(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *c = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return c;
}

char *sign_cert_pem(X509 *c)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *out = NULL;
	long n;
	if (b && PEM_write_bio_X509(b, c) == 1) {
		n = BIO_get_mem_data(b, &p);
		out = malloc((size_t)n + 1);
		if (out) {
			memcpy(out, p, (size_t)n);
			out[n] = 0;
		}
	}
	BIO_free(b);
	return out;
}

STACK_OF(X509) *sign_certs_from_pem(const char *pem)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *c;
	if (!sk || !b) {
		sk_X509_free(sk);
		BIO_free(b);
		return NULL;
	}
	while ((c = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(sk, c)) {
			X509_free(c);
			break;
		}
	}
	ERR_clear_error(); /* the end of the text reads as an error */
	BIO_free(b);
	return sk;
}

void sign_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

void sign_sha256_hex(const void *p, size_t n, char hex[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32) {
		memset(md, 0, sizeof md);
	}
	sign_hex(md, 32, hex);
}

void sign_cert_sha256(X509 *c, char hex[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	if (X509_digest(c, EVP_sha256(), md, &n) != 1 || n != 32) {
		memset(md, 0, sizeof md);
	}
	sign_hex(md, 32, hex);
}

void sign_cert_serial(X509 *c, char *out, size_t size)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL;
	const char *v = h ? h : "0";
	while (v[0] == '0' && v[1]) { /* BN_bn2hex pads to whole bytes */
		v++;
	}
	snprintf(out, size, "%s", v);
	OPENSSL_free(h);
	BN_free(bn);
}

void sign_name_attr(const X509_NAME *name, int nid, char *out, size_t size)
{
	int i = X509_NAME_get_index_by_NID(name, nid, -1);
	unsigned char *u = NULL;
	int n;
	out[0] = 0;
	if (i < 0) {
		return;
	}
	n = ASN1_STRING_to_UTF8(
		&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n >= 0) {
		snprintf(out, size, "%.*s", n, (const char *)u);
	}
	OPENSSL_free(u);
}

char *sign_name_text(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *out = NULL;
	long n;
	if (b && X509_NAME_print_ex(b, name, 0,
				    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(b, &p);
		out = malloc((size_t)n + 1);
		if (out) {
			memcpy(out, p, (size_t)n);
			out[n] = 0;
		}
	}
	BIO_free(b);
	return out ? out : strdup("");
}

int64_t sign_asn1_ms(const ASN1_TIME *t)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1) {
		return 0;
	}
	return (int64_t)timegm(&tm) * 1000;
}

void sign_time_vn(int64_t ms, char out[26])
{
	time_t s = (time_t)(ms / 1000) + 7 * 3600;
	struct tm tm;
	unsigned y;
	gmtime_r(&s, &tm);
	y = (unsigned)(tm.tm_year + 1900) % 10000u;
	snprintf(out, 26, "%04u-%02u-%02uT%02u:%02u:%02u+07:00", y,
		 (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
		 (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
		 (unsigned)tm.tm_sec % 100u);
}

json_t *sign_cert_json(X509 *c)
{
	char serial[128], sha[65], nb[26], na[26];
	char *subject = sign_name_text(X509_get_subject_name(c));
	char *issuer = sign_name_text(X509_get_issuer_name(c));
	json_t *j;
	sign_cert_serial(c, serial, sizeof serial);
	sign_cert_sha256(c, sha);
	sign_time_vn(sign_asn1_ms(X509_get0_notBefore(c)), nb);
	sign_time_vn(sign_asn1_ms(X509_get0_notAfter(c)), na);
	j = json_pack("{ss ss ss ss ss ss}", "subject", subject, "issuer",
		      issuer, "serial", serial, "not_before", nb, "not_after",
		      na, "sha256", sha);
	free(subject);
	free(issuer);
	return j;
}
