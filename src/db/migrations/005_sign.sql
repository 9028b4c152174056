-- 005_sign: digital signatures — the certificate authorities cadre trusts
-- (its own, one per unit, and external ones imported with a PKCS#12), the
-- signer certificates of users with their private keys, and revocations.
-- Owned by src/sign/ (ca.c, ca_import.c, keystore.c, verify.c).  Private
-- keys are stored only encrypted (AES-256-GCM under the master key, see
-- keystore.c); certificates and CRLs are public data.

-- A CA.  kind 'own': created by `cadre ca init` for unit_id, with its key;
-- kind 'external': a CA certificate that came with an imported PKCS#12
-- (no key, unit_id NULL).  Every active row is a trust anchor for
-- verification.  The CRL is kept signed and ready to serve (crl_der), with
-- its number and when it must be renewed.
CREATE TABLE sign_ca (
	id {{ID}},
	kind TEXT NOT NULL,
	unit_id BIGINT REFERENCES unit(id),
	name TEXT NOT NULL,
	subject TEXT NOT NULL,
	cert_pem TEXT NOT NULL,
	cert_sha256 TEXT NOT NULL UNIQUE,
	key_enc {{BLOB}},
	crl_number BIGINT NOT NULL DEFAULT 0,
	crl_der {{BLOB}},
	crl_next_ms BIGINT NOT NULL DEFAULT 0,
	active BIGINT NOT NULL DEFAULT 1,
	created_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX sign_ca_own_unit ON sign_ca(unit_id)
	WHERE kind = 'own' AND active = 1;

-- A signer certificate of a user, issued by our CA (source 'issued') or
-- imported (source 'imported'); chain_pem holds the CA certificates to
-- embed in signatures.  The newest valid, unrevoked one is used to sign.
CREATE TABLE sign_cert (
	id {{ID}},
	user_id BIGINT NOT NULL REFERENCES app_user(id),
	ca_id BIGINT REFERENCES sign_ca(id),
	source TEXT NOT NULL,
	serial TEXT NOT NULL,
	subject TEXT NOT NULL,
	issuer TEXT NOT NULL,
	not_before_ms BIGINT NOT NULL,
	not_after_ms BIGINT NOT NULL,
	cert_pem TEXT NOT NULL,
	chain_pem TEXT NOT NULL DEFAULT '',
	cert_sha256 TEXT NOT NULL UNIQUE,
	key_enc {{BLOB}} NOT NULL,
	created_ms BIGINT NOT NULL
);
CREATE INDEX sign_cert_user ON sign_cert(user_id, id);
CREATE INDEX sign_cert_serial ON sign_cert(serial);

-- A revocation: the certificate, when, why (RFC 5280 reason code and
-- text), by whom.  One per certificate.
CREATE TABLE sign_revocation (
	id {{ID}},
	cert_id BIGINT NOT NULL UNIQUE REFERENCES sign_cert(id),
	revoked_ms BIGINT NOT NULL,
	reason_code BIGINT NOT NULL DEFAULT 0,
	reason TEXT NOT NULL DEFAULT '',
	actor_id BIGINT
);
