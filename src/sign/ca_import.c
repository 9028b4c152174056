/*
 * ca_import.c — importing a signer's certificate and private key from a
 * PKCS#12 file issued by an external CA (e.g. a national or commercial CA):
 * the CA certificates that come with it become trusted (sign_ca kind
 * 'external'), the key is sealed like our own.  Must never keep the PKCS#12
 * password or the clear key beyond the call, and never trust a bundle whose
 * signer certificate does not chain to a CA in it.
 */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "sign/sign.h"
#include "sign/sign_internal.h"

#define P12_MAX (1024 * 1024)

/* One attempt in the current default library context: 0, 1 for a wrong
 * password (or a MAC the context cannot compute), -1 for anything else. */
static int parse_once(const unsigned char *der, size_t n, const char *pw,
		      EVP_PKEY **key, X509 **cert, STACK_OF(X509) **cas)
{
	const unsigned char *p = der;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)n);
	int rc;
	if (!p12) {
		return -1;
	}
	if (PKCS12_mac_present(p12) && !PKCS12_verify_mac(p12, pw, -1)) {
		rc = 1;
	} else {
		rc = PKCS12_parse(p12, pw, key, cert, cas) ? 0 : -1;
	}
	PKCS12_free(p12);
	return rc;
}

/* Objects made in another library context, re-read in the default one. */
static int to_default_ctx(EVP_PKEY **key, X509 **cert, STACK_OF(X509) **cas)
{
	unsigned char *d = NULL;
	const unsigned char *p;
	int len, ok = 1;
	EVP_PKEY *k2 = NULL;
	X509 *c2 = NULL;
	STACK_OF(X509) *s2 = sk_X509_new_null();
	if (*key && (len = i2d_PrivateKey(*key, &d)) > 0) {
		p = d;
		k2 = d2i_AutoPrivateKey_ex(NULL, &p, len, NULL, NULL);
		OPENSSL_clear_free(d, (size_t)len);
		d = NULL;
	}
	if (*cert && (len = i2d_X509(*cert, &d)) > 0) {
		p = d;
		c2 = d2i_X509(NULL, &p, len);
		OPENSSL_free(d);
		d = NULL;
	}
	for (int i = 0; s2 && *cas && i < sk_X509_num(*cas); i++) {
		X509 *c = NULL;
		if ((len = i2d_X509(sk_X509_value(*cas, i), &d)) > 0) {
			p = d;
			c = d2i_X509(NULL, &p, len);
			OPENSSL_free(d);
			d = NULL;
		}
		ok &= c && sk_X509_push(s2, c);
	}
	ok &= s2 && (!*key || k2) && (!*cert || c2);
	EVP_PKEY_free(*key);
	X509_free(*cert);
	sk_X509_pop_free(*cas, X509_free);
	*key = k2;
	*cert = c2;
	*cas = s2;
	return ok ? 0 : -1;
}

/* Parse, in the default library context, or else — for files from older
 * tools (RC2/3DES, SHA-1 MACs) — in a private context with OpenSSL 3's
 * legacy provider, made for this call and freed after it; the objects are
 * then re-read in the default context.  Nothing global is changed for
 * longer than the call. */
static int parse_p12(const unsigned char *der, size_t n, const char *pw,
		     EVP_PKEY **key, X509 **cert, STACK_OF(X509) **cas,
		     struct err *e)
{
	OSSL_LIB_CTX *lctx, *prev;
	OSSL_PROVIDER *dflt = NULL, *legacy = NULL;
	int rc = parse_once(der, n, pw, key, cert, cas);
	if (rc == 0) {
		return 0;
	}
	ERR_clear_error();
	lctx = OSSL_LIB_CTX_new();
	if (lctx && (dflt = OSSL_PROVIDER_load(lctx, "default")) &&
	    (legacy = OSSL_PROVIDER_load(lctx, "legacy"))) {
		prev = OSSL_LIB_CTX_set0_default(lctx);
		rc = parse_once(der, n, pw, key, cert, cas);
		OSSL_LIB_CTX_set0_default(prev);
		if (rc == 0 && to_default_ctx(key, cert, cas)) {
			rc = -1;
		}
	}
	ERR_clear_error();
	OSSL_PROVIDER_unload(legacy);
	OSSL_PROVIDER_unload(dflt);
	OSSL_LIB_CTX_free(lctx);
	if (rc == 1) {
		return err_set(e, ERR_INVALID, "password", "wrong PKCS#12 password");
	}
	if (rc) {
		return err_set(e, ERR_INVALID, "p12", "cannot read the PKCS#12 file");
	}
	return 0;
}

/* Insert a CA certificate as an external trust anchor unless present;
 * *id = its row. */
static int trust_ca(struct cx *cx, X509 *c, int64_t *id, struct err *e)
{
	char sha[65], name[256];
	char *pem = sign_cert_pem(c), *subject = sign_name_text(X509_get_subject_name(c));
	struct db_stmt *st;
	int rc;
	*id = 0;
	sign_cert_sha256(c, sha);
	sign_name_attr(X509_get_subject_name(c), NID_commonName, name, sizeof name);
	rc = pem ? db_prepare(cx->db, "SELECT id, active FROM sign_ca"
				      " WHERE cert_sha256 = ?", &st, e)
		 : err_set(e, ERR_INTERNAL, "", "out of memory");
	if (rc == 0) {
		db_bind_text(st, 1, sha);
		if ((rc = db_step(st, e)) == DB_ROW) {
			*id = db_col_int64(st, 0);
		}
		rc = rc < 0 ? rc : 0;
		db_finalize(st);
	}
	if (rc == 0 && !*id &&
	    (rc = db_prepare(cx->db, "INSERT INTO sign_ca(kind, name, subject,"
				     " cert_pem, cert_sha256, created_ms)"
				     " VALUES ('external', ?, ?, ?, ?, ?) RETURNING id",
			     &st, e)) == 0) {
		db_bind_text(st, 1, name[0] ? name : subject);
		db_bind_text(st, 2, subject);
		db_bind_text(st, 3, pem);
		db_bind_text(st, 4, sha);
		db_bind_int64(st, 5, cx->now_ms);
		rc = db_step(st, e);
		*id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
		rc = rc == DB_ROW ? 0 : rc < 0 ? rc : -ERR_INTERNAL;
		db_finalize(st);
		if (rc == 0) {
			char oid[24];
			json_t *change = json_pack("{ss ss}", "subject", subject,
						   "sha256", sha);
			snprintf(oid, sizeof oid, "%lld", (long long)*id);
			rc = audit_append(cx, "sign.ca_trust", "sign_ca", oid, 0,
					  change, e);
			json_decref(change);
		}
	}
	free(pem);
	free(subject);
	return rc;
}

/* Does cert chain to one of cas (as trust anchors) now, with a usage
 * allowing signatures?  0 or ERR_INVALID with the reason. */
static int check_chain(X509 *cert, STACK_OF(X509) *cas, int64_t now_ms,
		       struct err *e)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	uint32_t ku = X509_get_key_usage(cert);
	int rc = 0;
	if (!store || !ctx) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		goto done;
	}
	for (int i = 0; i < sk_X509_num(cas); i++) {
		X509_STORE_add_cert(store, sk_X509_value(cas, i));
	}
	if (X509_STORE_CTX_init(ctx, store, cert, cas) != 1) {
		rc = sign_ossl_err(e, ERR_INTERNAL, "", "cannot check the chain");
		goto done;
	}
	X509_STORE_CTX_set_time(ctx, 0, (time_t)(now_ms / 1000));
	if (X509_verify_cert(ctx) != 1) {
		rc = err_set(e, ERR_INVALID, "p12",
			     "the certificate does not chain to a CA in the "
			     "bundle (or in --ca): %s",
			     X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	} else if (ku != UINT32_MAX &&
		   !(ku & (X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_NON_REPUDIATION))) {
		rc = err_set(e, ERR_INVALID, "p12",
			     "the certificate's key usage does not allow "
			     "signatures");
	}
	ERR_clear_error();
done:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

int sign_import_p12(struct cx *cx, int64_t user_id, const unsigned char *p12,
		    size_t n, const char *password, const char *extra_ca_pem,
		    json_t **out, struct err *e)
{
	struct sign_user u;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *cas = NULL, *extra = NULL;
	struct buf chain = BUF_INIT;
	int64_t issuer_ca = 0, ca_id;
	int rc;
	if (out) {
		*out = NULL;
	}
	if ((rc = sign_user_load(cx, user_id, &u, e)) ||
	    (rc = auth_may(cx, ACT_USER_ADMIN, u.unit_id, e))) {
		return rc;
	}
	if (u.disabled || !sign_role_may_sign(u.role)) {
		return err_set(e, ERR_FORBIDDEN, "login",
			       "%s has the role %s: only signers and admins "
			       "hold signer certificates",
			       u.login, u.disabled ? "(disabled)" : u.role);
	}
	if (n == 0 || n > P12_MAX) {
		return err_set(e, n ? ERR_TOO_LARGE : ERR_INVALID, "p12",
			       "a PKCS#12 file is 1 byte to 1 MB");
	}
	if ((rc = parse_p12(p12, n, password ? password : "", &key, &cert, &cas, e))) {
		goto done;
	}
	if (!key || !cert || X509_check_private_key(cert, key) != 1) {
		rc = err_set(e, ERR_INVALID, "p12", "the PKCS#12 file needs one "
			     "certificate with its private key");
		goto done;
	}
	if (!cas && !(cas = sk_X509_new_null())) {
		rc = err_set(e, ERR_INTERNAL, "", "out of memory");
		goto done;
	}
	if (extra_ca_pem && *extra_ca_pem) {
		extra = sign_certs_from_pem(extra_ca_pem);
		if (!extra || sk_X509_num(extra) == 0) {
			rc = err_set(e, ERR_INVALID, "ca", "no certificate in the CA file");
			goto done;
		}
		while (sk_X509_num(extra) > 0) {
			sk_X509_push(cas, sk_X509_shift(extra));
		}
	}
	/* Keep only CA certificates. */
	for (int i = sk_X509_num(cas) - 1; i >= 0; i--) {
		X509 *c = sk_X509_value(cas, i);
		if (!X509_check_ca(c)) {
			X509_free(sk_X509_delete(cas, i));
		}
	}
	if (sk_X509_num(cas) == 0) {
		rc = err_set(e, ERR_INVALID, "p12", "the PKCS#12 file holds no CA "
			     "certificate: give the CA's certificate with --ca");
		goto done;
	}
	if ((rc = check_chain(cert, cas, cx->now_ms, e))) {
		goto done;
	}
	if ((rc = db_begin(cx->db, e))) {
		goto done;
	}
	for (int i = 0; rc == 0 && i < sk_X509_num(cas); i++) {
		X509 *c = sk_X509_value(cas, i);
		char *pem;
		if ((rc = trust_ca(cx, c, &ca_id, e)) == 0 &&
		    X509_check_issued(c, cert) == X509_V_OK) {
			issuer_ca = ca_id;
		}
		if (rc == 0 && (pem = sign_cert_pem(c)) != NULL) {
			buf_puts(&chain, pem);
			free(pem);
		}
	}
	if (rc == 0) {
		rc = sign_cert_store(cx, &u, issuer_ca, "imported", cert, chain.z, key,
				     "sign.import", out, e);
	}
	if (rc == 0) {
		rc = db_commit(cx->db, e);
	} else {
		db_rollback(cx->db);
		if (out && *out) {
			json_decref(*out);
			*out = NULL;
		}
	}
done:
	buf_free(&chain);
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(cas, X509_free);
	sk_X509_pop_free(extra, X509_free);
	return rc;
}
