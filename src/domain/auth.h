/*
 * auth.h — authentication and authorization: Argon2id passwords, sessions
 * with CSRF tokens, API tokens, login throttling, and the one permission
 * check used by every face: auth_may().
 *
 * Secrets (session tokens, CSRF tokens, API tokens) are 32 random bytes
 * from libsodium's CSPRNG, hex-encoded (64 chars); only SHA-256 hashes of
 * session and API tokens are stored.
 */
#ifndef CADRE_AUTH_H
#define CADRE_AUTH_H

#include <stdint.h>

#include "domain/cx.h"

enum action {
	ACT_READ,	 /* see units, users' names, structure */
	ACT_REORG,	 /* reorganization events */
	ACT_USER_ADMIN,	 /* create users, reset passwords */
	ACT_AUDIT_READ,	 /* read the audit log */
	ACT_MEMBER_WRITE, /* member records, admissions, transfers, imports */
	ACT_DOC_WRITE,	 /* draft, register and route documents */
	ACT_SIGN,	 /* sign documents (and hold a signer certificate) */
	ACT__COUNT
};

#define AUTH_TOKEN_HEX 65 /* 64 hex chars + NUL */
#define AUTH_MAX_FAILURES 5
#define AUTH_LOCK_MS (15 * 60 * 1000)
#define AUTH_SESSION_MS (12 * 3600 * 1000)

/* 1 if role is one of viewer, clerk, manager, signer, admin. */
int auth_role_valid(const char *role);
/* 1 if the role table lets `role` do `act` (for a user who is not the
 * actor, e.g. the holder of a certificate being issued), else 0. */
int auth_role_may(const char *role, enum action act);

/* May the actor do `act` on unit_id?  0 or -ERR_FORBIDDEN with a message.
 * The role must allow the action and the unit must lie in the actor's
 * scope: the subtree of actor.unit_id including the history of units merged
 * into it (see org_in_scope).  unit_id 0 means "not tied to a unit": only
 * the role is checked.  The system actor may do everything. */
int auth_may(struct cx *cx, enum action act, int64_t unit_id, struct err *e);

/* Argon2id (libsodium crypto_pwhash_str, interactive limits). out must hold
 * 128 bytes.  Passwords are 10..256 bytes of valid UTF-8. */
int auth_password_hash(const char *password, char out[128], struct err *e);
/* 0 when password matches the stored Argon2id hash, else -1. */
int auth_password_verify(const char *hash, const char *password);
int auth_password_check_rules(const char *password, const char *field,
			      struct err *e);

/* Log in: checks throttling (ERR_THROTTLED after AUTH_MAX_FAILURES failures
 * within AUTH_LOCK_MS), the password (ERR_UNAUTHENTICATED, same message for
 * an unknown login and a wrong password), creates a session.  Fills the
 * session token (for the cookie), the CSRF token and cx->actor.  Writes the
 * audit entry "session.login". */
int auth_login(struct cx *cx, const char *login, const char *password,
	       char token[AUTH_TOKEN_HEX], char csrf[AUTH_TOKEN_HEX],
	       struct err *e);

/* The password of a login checked as auth_login checks it (throttling,
 * ERR_UNAUTHENTICATED with the same message for an unknown login and a
 * wrong password, a failure counted towards throttling) but without a
 * session and without an audit entry: for a command that acts once as that
 * user (`cadre doc sign`), whose own action is audited.  Sets cx->actor. */
int auth_check_password(struct cx *cx, const char *login, const char *password,
			struct err *e);

/* Resolve a session token to its actor and CSRF token; ERR_UNAUTHENTICATED
 * when unknown, expired, or the user is disabled. */
int auth_session_get(struct db *db, const char *token, struct actor *out,
		     char csrf[AUTH_TOKEN_HEX], struct err *e);
int auth_logout(struct cx *cx, const char *token, struct err *e);
/* Constant-time comparison of the presented CSRF token with the session's;
 * 0 or -ERR_CSRF. */
int auth_csrf_check(const char *expected, const char *presented,
		    struct err *e);

/* API tokens for scripts (Authorization: Bearer).  auth_token_create makes
 * one for `login` (needs ACT_USER_ADMIN on that user's unit) and returns the
 * secret once. */
int auth_token_create(struct cx *cx, const char *login, const char *name,
		      char token[AUTH_TOKEN_HEX], struct err *e);
int auth_token_get(struct db *db, const char *token, struct actor *out,
		   struct err *e);

/* Fill `out` with the actor for an existing login (CLI --as LOGIN). */
int auth_actor_by_login(struct db *db, const char *login, struct actor *out,
			struct err *e);

/* Hex-encoded random secret (CSPRNG). */
void auth_random_hex(char out[AUTH_TOKEN_HEX]);

#endif
