/*
 * verify.c — sign_verify_pdf(): finds every signature dictionary in the
 * bytes of a PDF (every revision, even when the structure is damaged),
 * checks each /ByteRange (starts at 0, its gap is exactly the /Contents
 * hex string, ends at the end of a revision, the last one at the end of
 * the file), verifies each CMS over its byte ranges (digest, signature
 * value, ESS signing-certificate, chain to a trusted CA at the signing
 * time, key usage) and reports revocations from the database.  Trusts
 * only the CA certificates of the database and those passed in, never a
 * certificate because the file carries it.  Must never write anything.
 */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "sign/sign.h"
#include "sign/sign_internal.h"

#define SCAN_BACK 65536

struct found {
	long long br[4];
	size_t at; /* offset of "/ByteRange" */
	const char *problem;
};

static int is_ws(int c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

static int is_delim(int c)
{
	return is_ws(c) || strchr("()<>[]{}/%", c) != NULL;
}

static int hexv(int c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "/ByteRange [a b c d]" at b+at → br; 0 or -1. */
static int parse_br(const unsigned char *b, size_t n, size_t at, long long br[4])
{
	size_t i = at + 10;
	while (i < n && is_ws(b[i])) {
		i++;
	}
	if (i >= n || b[i++] != '[') {
		return -1;
	}
	for (int k = 0; k < 4; k++) {
		long long v = 0;
		size_t s;
		while (i < n && is_ws(b[i])) {
			i++;
		}
		s = i;
		while (i < n && b[i] >= '0' && b[i] <= '9' && v < (1LL << 50)) {
			v = v * 10 + (b[i++] - '0');
		}
		if (i == s) {
			return -1;
		}
		br[k] = v;
	}
	while (i < n && is_ws(b[i])) {
		i++;
	}
	return i < n && b[i] == ']' ? 0 : -1;
}

static const unsigned char *find(const unsigned char *h, size_t hn,
				 const char *needle)
{
	return memmem(h, hn, needle, strlen(needle));
}

/* Check the byte range's shape against the file; NULL when fine. */
static const char *check_range(const unsigned char *b, size_t n, struct found *f)
{
	long long a = f->br[0], len1 = f->br[1], c = f->br[2], d = f->br[3];
	long long i, lo, hi;
	if (a != 0 || len1 < 2 || c <= len1 + 1 || d < 0) {
		return "the /ByteRange is malformed (it must start at 0 and leave "
		       "one gap)";
	}
	if (c + d > (long long)n) {
		return "the /ByteRange reaches past the end of the file";
	}
	if (b[len1] != '<' || b[c - 1] != '>' || (c - len1 - 2) % 2) {
		return "the gap in /ByteRange is not exactly the /Contents string";
	}
	for (i = len1 + 1; i < c - 1; i++) {
		if (hexv(b[i]) < 0) {
			return "the gap in /ByteRange is not exactly the /Contents string";
		}
	}
	for (i = len1 - 1; i > 0 && is_ws(b[i]); i--) {
		/* back over whitespace to the key */
	}
	if (i < 8 || memcmp(b + i - 8, "/Contents", 9) != 0) {
		return "the gap in /ByteRange is not the value of /Contents";
	}
	/* /ByteRange and /Contents belong to the same object. */
	lo = (long long)f->at < len1 ? (long long)f->at : c;
	hi = (long long)f->at < len1 ? len1 : (long long)f->at;
	if (find(b + lo, (size_t)(hi - lo), "endobj")) {
		return "/ByteRange and /Contents are in different objects";
	}
	return NULL;
}

/* Does the signed range end a revision: "%%EOF" then an optional EOL? */
static int ends_revision(const unsigned char *b, const long long br[4])
{
	long long i, c = br[2];
	for (i = c + br[3]; i > c && (b[i - 1] == '\n' || b[i - 1] == '\r'); i--) {
	}
	return i - c >= 5 && memcmp(b + i - 5, "%%EOF", 5) == 0;
}

/* ---- strings of the signature dictionary ---- */

static void utf8_put(struct buf *o, unsigned cp)
{
	if (cp < 0x80) {
		buf_putc(o, (char)cp);
	} else if (cp < 0x800) {
		buf_putc(o, (char)(0xC0 | cp >> 6));
		buf_putc(o, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_putc(o, (char)(0xE0 | cp >> 12));
		buf_putc(o, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(o, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_putc(o, (char)(0xF0 | cp >> 18));
		buf_putc(o, (char)(0x80 | ((cp >> 12) & 0x3F)));
		buf_putc(o, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_putc(o, (char)(0x80 | (cp & 0x3F)));
	}
}

/* Raw string bytes → UTF-8 text (UTF-16BE with BOM, else Latin-1). */
static char *text_of(const struct buf *raw)
{
	struct buf o = BUF_INIT;
	const unsigned char *s = (const unsigned char *)raw->z;
	if (raw->n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
		for (size_t i = 2; i + 1 < raw->n; i += 2) {
			unsigned cp = (unsigned)s[i] << 8 | s[i + 1];
			if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < raw->n) {
				unsigned lo = (unsigned)s[i + 2] << 8 | s[i + 3];
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
			utf8_put(&o, cp);
		}
	} else {
		for (size_t i = 0; i < raw->n; i++) {
			utf8_put(&o, s[i] >= 0x20 ? s[i] : ' ');
		}
	}
	return buf_detach(&o, NULL);
}

/* The string value of /key in b[lo, hi): literal or hex; NULL if none. */
static char *dict_string(const unsigned char *b, size_t lo, size_t hi,
			 const char *key)
{
	size_t kl = strlen(key), i = lo;
	struct buf raw = BUF_INIT;
	char *out;
	while (i < hi) {
		const unsigned char *p = find(b + i, hi - i, key);
		size_t j;
		if (!p) {
			return NULL;
		}
		j = (size_t)(p - b) + kl;
		i = j;
		if (j >= hi || !is_delim(b[j])) {
			continue;
		}
		while (j < hi && is_ws(b[j])) {
			j++;
		}
		if (j < hi && b[j] == '(') {
			int depth = 1;
			for (j++; j < hi && depth; j++) {
				if (b[j] == '\\' && j + 1 < hi) {
					int c = b[++j];
					if (c >= '0' && c <= '7') {
						int v = 0, k;
						for (k = 0; k < 3 && j < hi && b[j] >= '0' && b[j] <= '7'; k++) {
							v = v * 8 + (b[j++] - '0');
						}
						j--;
						buf_putc(&raw, (char)v);
					} else if (c != '\n' && c != '\r') {
						buf_putc(&raw, c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t'
								 : c == 'b' ? '\b' : c == 'f' ? '\f' : (char)c);
					}
					continue;
				}
				depth += b[j] == '(' ? 1 : b[j] == ')' ? -1 : 0;
				if (depth) {
					buf_putc(&raw, (char)b[j]);
				}
			}
		} else if (j < hi && b[j] == '<' && (j + 1 >= hi || b[j + 1] != '<')) {
			int hv = -1;
			for (j++; j < hi && b[j] != '>'; j++) {
				int v = hexv(b[j]);
				if (v < 0) {
					continue;
				}
				if (hv < 0) {
					hv = v;
				} else {
					buf_putc(&raw, (char)(hv * 16 + v));
					hv = -1;
				}
			}
			if (hv >= 0) {
				buf_putc(&raw, (char)(hv * 16));
			}
		} else {
			continue; /* a name or a dictionary: not this key */
		}
		out = raw.err ? NULL : text_of(&raw);
		buf_free(&raw);
		return out;
	}
	return NULL;
}

static char *dict_name(const unsigned char *b, size_t lo, size_t hi, const char *key)
{
	const unsigned char *p = hi > lo ? find(b + lo, hi - lo, key) : NULL;
	size_t j, s;
	if (!p) {
		return NULL;
	}
	j = (size_t)(p - b) + strlen(key);
	while (j < hi && is_ws(b[j])) {
		j++;
	}
	if (j >= hi || b[j] != '/') {
		return NULL;
	}
	for (s = ++j; j < hi && !is_delim(b[j]); j++) {
	}
	return strndup((const char *)b + s, j - s);
}

/* ---- the CMS ---- */

struct vctx {
	struct db *db;
	X509_STORE *store;
	int n_trusted;
	const unsigned char *b;
	size_t n;
};

/* A PDF date "D:YYYYMMDDHHmmSS+HH'mm'" (fields after the year optional,
 * Z or no zone = UTC) → ms since the epoch; 0 when unreadable. */
static int64_t pdf_date_ms(const char *s)
{
	int f[6] = {0, 1, 1, 0, 0, 0}, w[6] = {4, 2, 2, 2, 2, 2}, sign = 0, zh = 0, zm = 0;
	struct tm tm;
	size_t i = 0;
	if (!s) {
		return 0;
	}
	if (s[0] == 'D' && s[1] == ':') {
		i = 2;
	}
	for (int k = 0; k < 6; k++) {
		int v = 0, d;
		for (d = 0; d < w[k] && s[i] >= '0' && s[i] <= '9'; d++) {
			v = v * 10 + (s[i++] - '0');
		}
		if (d == 0 && k > 0) {
			break;
		}
		if (d != w[k]) {
			return 0;
		}
		f[k] = v;
	}
	if (s[i] == '+' || s[i] == '-') {
		sign = s[i++] == '+' ? 1 : -1;
		if (sscanf(s + i, "%2d'%2d", &zh, &zm) < 1) {
			return 0;
		}
	}
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 ||
	    f[5] > 60) {
		return 0;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	return ((int64_t)timegm(&tm) - sign * (zh * 3600 + zm * 60)) * 1000;
}

static int64_t signing_time(CMS_SignerInfo *si)
{
	const ASN1_OBJECT *o = OBJ_nid2obj(NID_pkcs9_signingTime);
	ASN1_TIME *t = CMS_signed_get0_data_by_OBJ(si, o, -3, V_ASN1_UTCTIME);
	if (!t) {
		t = CMS_signed_get0_data_by_OBJ(si, o, -3, V_ASN1_GENERALIZEDTIME);
	}
	return t ? sign_asn1_ms(t) : 0;
}

static int digest_ok(CMS_SignerInfo *si, const unsigned char *b, const long long br[4])
{
	X509_ALGOR *dig = NULL;
	const ASN1_OBJECT *obj = NULL;
	const EVP_MD *md;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	ASN1_OCTET_STRING *want = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
	int ok;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	md = EVP_get_digestbyobj(obj);
	ok = ctx && md && want && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	     EVP_DigestUpdate(ctx, b, (size_t)br[1]) == 1 &&
	     EVP_DigestUpdate(ctx, b + br[2], (size_t)br[3]) == 1 &&
	     EVP_DigestFinal_ex(ctx, out, &len) == 1 &&
	     (int)len == ASN1_STRING_length(want) &&
	     memcmp(out, ASN1_STRING_get0_data(want), len) == 0;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* ESS signing-certificate(-v2): 1 matches, 0 absent, -1 wrong. */
static int ess_check(CMS_SignerInfo *si, X509 *signer)
{
	ASN1_STRING *v2 = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE);
	ASN1_STRING *v1 = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), -3, V_ASN1_SEQUENCE);
	ESS_SIGNING_CERT_V2 *s2 = NULL;
	ESS_SIGNING_CERT *s1 = NULL;
	STACK_OF(X509) *chain = sk_X509_new_null();
	const unsigned char *p;
	int rc;
	if (!v1 && !v2) {
		sk_X509_free(chain);
		return 0;
	}
	if (v2) {
		p = ASN1_STRING_get0_data(v2);
		s2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(v2));
	}
	if (v1) {
		p = ASN1_STRING_get0_data(v1);
		s1 = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(v1));
	}
	rc = chain && sk_X509_push(chain, signer) && (s1 || s2) &&
			     OSSL_ESS_check_signing_certs(s1, s2, chain, 1) > 0
		     ? 1
		     : -1;
	ESS_SIGNING_CERT_V2_free(s2);
	ESS_SIGNING_CERT_free(s1);
	sk_X509_free(chain);
	return rc;
}

static void revoked_check(struct vctx *v, X509 *signer, json_t *sig)
{
	struct db_stmt *st;
	struct err e = ERR_INIT;
	char sha[65], when[26];
	if (!v->db) {
		return;
	}
	sign_cert_sha256(signer, sha);
	if (db_prepare(v->db, "SELECT r.revoked_ms, r.reason FROM sign_cert c"
			      " JOIN sign_revocation r ON r.cert_id = c.id"
			      " WHERE c.cert_sha256 = ?", &st, &e)) {
		return;
	}
	db_bind_text(st, 1, sha);
	if (db_step(st, &e) == DB_ROW) {
		sign_time_vn(db_col_int64(st, 0), when);
		json_object_set_new(sig, "revoked", json_true());
		json_object_set_new(sig, "revoked_at", json_string(when));
		json_object_set_new(sig, "revocation_reason", json_string(db_col_text(st, 1)));
	}
	db_finalize(st);
}

/* Verify the CMS of one signature; sets "problem" (first failure) and
 * the signer's fields on sig.  Returns 1 when valid. */
static int check_cms(struct vctx *v, const long long br[4], const char *sub,
		     json_t *sig)
{
	struct buf der = BUF_INIT;
	const unsigned char *p;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *certs = NULL;
	X509 *signer = NULL;
	X509_STORE_CTX *ctx = NULL;
	CMS_SignerInfo *si;
	const char *problem = NULL;
	char buf[512], when[26];
	int64_t t = 0;
	uint32_t ku;
	int ess;
	for (long long i = br[1] + 1; i + 1 < br[2] - 1; i += 2) {
		buf_putc(&der, (char)(hexv(v->b[i]) * 16 + hexv(v->b[i + 1])));
	}
	p = (const unsigned char *)der.z;
	cms = der.err ? NULL : d2i_CMS_ContentInfo(NULL, &p, (long)der.n);
	if (!cms) {
		problem = "/Contents does not hold a CMS signature";
		goto done;
	}
	for (size_t k = (size_t)(p - (const unsigned char *)der.z); k < der.n; k++) {
		if (der.z[k]) {
			problem = "/Contents holds data after the CMS signature";
			goto done;
		}
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    (CMS_get0_content(cms) && *CMS_get0_content(cms))) {
		problem = "the CMS is not a detached SignedData";
		goto done;
	}
	if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1) {
		problem = "the CMS must have exactly one signer";
		goto done;
	}
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	certs = CMS_get1_certs(cms);
	for (int i = 0; certs && i < sk_X509_num(certs) && !signer; i++) {
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0) {
			signer = sk_X509_value(certs, i);
		}
	}
	if (!signer) {
		problem = "the signer's certificate is not in the signature";
		goto done;
	}
	CMS_SignerInfo_set1_signer_cert(si, signer);
	sign_name_attr(X509_get_subject_name(signer), NID_commonName, buf, sizeof buf);
	json_object_set_new(sig, "signer", json_string(buf));
	sign_name_attr(X509_get_subject_name(signer), NID_organizationName, buf, sizeof buf);
	json_object_set_new(sig, "organization", json_string(buf));
	json_object_set_new(sig, "certificate", sign_cert_json(signer));
	/* The time claimed: a CMS signing-time (other signers), else /M. */
	if ((t = signing_time(si)) == 0) {
		t = pdf_date_ms(json_string_value(json_object_get(sig, "pdf_time")));
	}
	if (t != 0) {
		sign_time_vn(t, when);
		json_object_set_new(sig, "signed_at", json_string(when));
	}
	revoked_check(v, signer, sig);
	if (CMS_signed_get_attr_count(si) <= 0) {
		problem = "the signature has no signed attributes (not supported)";
	} else if (!digest_ok(si, v->b, br)) {
		problem = "the document was changed after this signature (the "
			  "digest of the signed bytes does not match)";
	} else if (CMS_SignerInfo_verify(si) != 1) {
		problem = "the signature value does not verify with the signer's key";
	} else if ((ess = ess_check(si, signer)) < 0) {
		problem = "the signing-certificate attribute names another certificate";
	} else if (ess == 0 && sub && strcmp(sub, "ETSI.CAdES.detached") == 0) {
		problem = "the signing-certificate attribute required by PAdES is missing";
	} else if ((ku = X509_get_key_usage(signer)) != UINT32_MAX &&
		   !(ku & (X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_NON_REPUDIATION))) {
		problem = "the certificate's key usage does not allow signatures";
	} else if (!v->n_trusted) {
		problem = "no trusted CA to check the certificate against (give "
			  "--db or --ca)";
	} else if (!(ctx = X509_STORE_CTX_new()) ||
		   X509_STORE_CTX_init(ctx, v->store, signer, certs) != 1) {
		problem = "the certificate chain cannot be checked";
	} else {
		if (t) {
			X509_STORE_CTX_set_time(ctx, 0, (time_t)(t / 1000));
		}
		if (X509_verify_cert(ctx) != 1) {
			snprintf(buf, sizeof buf, "the certificate is not trusted: %s",
				 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
			json_object_set_new(sig, "problem", json_string(buf));
		} else if (json_is_true(json_object_get(sig, "revoked"))) {
			snprintf(buf, sizeof buf, "the certificate was revoked on %s",
				 json_string_value(json_object_get(sig, "revoked_at")));
			json_object_set_new(sig, "problem", json_string(buf));
		}
	}
done:
	ERR_clear_error();
	if (problem) {
		json_object_set_new(sig, "problem", json_string(problem));
	}
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	buf_free(&der);
	return !json_is_string(json_object_get(sig, "problem"));
}

/* ---- the file ---- */

static int load_trust(struct vctx *v, const char *ca_pem, struct err *e)
{
	struct db_stmt *st;
	int rc;
	if (!(v->store = X509_STORE_new())) {
		return err_set(e, ERR_INTERNAL, "", "out of memory");
	}
	if (ca_pem && *ca_pem) {
		STACK_OF(X509) *sk = sign_certs_from_pem(ca_pem);
		for (int i = 0; sk && i < sk_X509_num(sk); i++) {
			v->n_trusted += X509_STORE_add_cert(v->store, sk_X509_value(sk, i)) == 1;
		}
		sk_X509_pop_free(sk, X509_free);
		if (!v->n_trusted) {
			return err_set(e, ERR_INVALID, "ca", "no certificate in the CA file");
		}
	}
	if (v->db) {
		if ((rc = db_prepare(v->db, "SELECT cert_pem FROM sign_ca WHERE active = 1",
				     &st, e))) {
			return rc;
		}
		while ((rc = db_step(st, e)) == DB_ROW) {
			X509 *c = sign_cert_from_pem(db_col_text(st, 0));
			v->n_trusted += c && X509_STORE_add_cert(v->store, c) == 1;
			X509_free(c);
		}
		db_finalize(st);
		if (rc < 0) {
			return rc;
		}
	}
	ERR_clear_error(); /* a CA given twice is "already in the store" */
	return 0;
}

static int by_end(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	long long ex = x->br[2] + x->br[3], ey = y->br[2] + y->br[3];
	return (ex > ey) - (ex < ey);
}

int sign_verify_pdf(struct db *db, const char *ca_pem,
		    const unsigned char *pdf, size_t n, json_t **report,
		    struct err *e)
{
	struct vctx v = {db, NULL, 0, pdf, n};
	struct found *f = NULL;
	json_t *sigs, *last = NULL;
	char sha[65];
	int nf = 0, cap = 0, rc, all = 1;
	size_t i = 0;
	*report = NULL;
	if (n > SIGN_PDF_MAX) {
		return err_set(e, ERR_TOO_LARGE, "file", "the PDF is over %zu MB",
			       SIGN_PDF_MAX >> 20);
	}
	if (n < 16 || memcmp(pdf, "%PDF-", 5) != 0) {
		return err_set(e, ERR_INVALID, "file",
			       "not a PDF file (it does not start with %%PDF-)");
	}
	if ((rc = load_trust(&v, ca_pem, e))) {
		X509_STORE_free(v.store);
		return rc;
	}
	for (const unsigned char *p; i < n && (p = find(pdf + i, n - i, "/ByteRange"));) {
		struct found x = {{0, 0, 0, 0}, (size_t)(p - pdf), NULL};
		int dup = 0;
		i = x.at + 10;
		if (parse_br(pdf, n, x.at, x.br)) {
			x.problem = "the /ByteRange is malformed";
		} else {
			x.problem = check_range(pdf, n, &x);
		}
		for (int k = 0; k < nf; k++) {
			dup |= memcmp(f[k].br, x.br, sizeof x.br) == 0 && !x.problem;
		}
		if (dup) {
			continue;
		}
		if (nf == cap) {
			struct found *g = realloc(f, (size_t)(cap = cap ? 2 * cap : 8) * sizeof *f);
			if (!g) {
				free(f);
				X509_STORE_free(v.store);
				return err_set(e, ERR_INTERNAL, "", "out of memory");
			}
			f = g;
		}
		f[nf++] = x;
	}
	if (nf > 1) {
		qsort(f, (size_t)nf, sizeof *f, by_end);
	}
	sigs = json_array();
	for (int k = 0; k < nf; k++) {
		size_t gap = f[k].problem ? f[k].at : (size_t)f[k].br[1];
		size_t base = gap < f[k].at ? gap : f[k].at;
		size_t lo = base > SCAN_BACK ? base - SCAN_BACK : 0;
		const unsigned char *o = pdf + lo, *q;
		size_t hi, end = f[k].problem ? f[k].at + 10 : (size_t)f[k].br[2];
		char *sub, *s;
		json_t *sig = json_pack("{si s[IIII] sb sb sn}", "index", k + 1, "byte_range",
					(json_int_t)f[k].br[0], (json_int_t)f[k].br[1],
					(json_int_t)f[k].br[2], (json_int_t)f[k].br[3],
					"covers_whole_file", f[k].br[2] + f[k].br[3] == (long long)n,
					"revoked", 0, "problem");
		/* The dictionary's region: from its "obj" to its "endobj". */
		while ((q = find(o, (size_t)((pdf + base) - o), " obj")) != NULL) {
			lo = (size_t)(q - pdf);
			o = q + 4;
		}
		q = find(pdf + end, n - end, "endobj");
		hi = q ? (size_t)(q - pdf) : n;
		sub = dict_name(pdf, lo, gap, "/SubFilter");
		if (!sub) {
			sub = dict_name(pdf, end, hi, "/SubFilter");
		}
		json_object_set_new(sig, "sub_filter", sub ? json_string(sub) : json_null());
		for (int m = 0; m < 3; m++) {
			static const char *const keys[] = {"/Reason", "/Location", "/M"};
			static const char *const names[] = {"reason", "location", "pdf_time"};
			s = dict_string(pdf, lo, gap, keys[m]);
			if (!s) {
				s = dict_string(pdf, end, hi, keys[m]);
			}
			if (s) {
				json_object_set_new(sig, names[m], json_string(s));
				free(s);
			}
		}
		if (f[k].problem) {
			json_object_set_new(sig, "problem", json_string(f[k].problem));
		} else if (sub && strcmp(sub, "ETSI.CAdES.detached") != 0 &&
			   strcmp(sub, "adbe.pkcs7.detached") != 0) {
			json_object_set_new(sig, "problem",
					    json_string("unsupported /SubFilter (only "
							"ETSI.CAdES.detached and "
							"adbe.pkcs7.detached)"));
		} else if (check_cms(&v, f[k].br, sub, sig) && !ends_revision(pdf, f[k].br)) {
			json_object_set_new(sig, "problem",
					    json_string("the signed range does not end at "
							"the end of a revision"));
		}
		json_object_set_new(sig, "valid",
				    json_boolean(json_is_null(json_object_get(sig, "problem"))));
		all &= json_is_null(json_object_get(sig, "problem"));
		free(sub);
		json_array_append_new(sigs, sig);
		last = sig;
	}
	free(f);
	X509_STORE_free(v.store);
	sign_sha256_hex(pdf, n, sha);
	*report = json_pack("{sb so ss sI}", "valid",
			    nf > 0 && all && json_is_true(json_object_get(last, "covers_whole_file")),
			    "signatures", sigs, "sha256", sha, "size", (json_int_t)n);
	if (nf == 0) {
		json_object_set_new(*report, "problem", json_string("the file has no signature"));
	} else if (!json_is_true(json_object_get(last, "covers_whole_file"))) {
		json_object_set_new(*report, "problem",
				    json_string("the file was changed after the last "
						"signature (bytes were added after it)"));
	} else if (!all) {
		json_object_set_new(*report, "problem",
				    json_string("a signature is not valid"));
	}
	return 0;
}
