-- 006_doc_public: the public verification of issued documents.  Owned by
-- domain/doc_public.c.  One row per outgoing document that has (or will
-- have) a public short link: code is the random, unguessable token of the
-- link /verify/<code> (printed as a QR code on the document); sha256 is the
-- SHA-256 (hex) of the issued PDF, '' while the code is only reserved (a
-- code can be reserved before signing, so that the QR code is part of the
-- signed bytes, and is published when the document is issued).
CREATE TABLE doc_public (
	doc_id BIGINT PRIMARY KEY REFERENCES doc(id),
	code TEXT NOT NULL UNIQUE,
	sha256 TEXT NOT NULL DEFAULT '',
	created_ms BIGINT NOT NULL
);
CREATE INDEX doc_public_sha ON doc_public(sha256);
