/*
 * cx.h — the context every domain call takes first: the database connection,
 * the acting user, the clock and the language.  Faces (http/, cli/) fill it;
 * the domain never reads globals instead.
 */
#ifndef CADRE_CX_H
#define CADRE_CX_H

#include <stdint.h>

#include "db/db.h"

/* Who acts.  A system actor (CLI run by the server's administrator without
 * --as, demo loading, migrations) has admin rights over the whole tree. */
struct actor {
	int64_t user_id;   /* 0 for the system actor */
	char login[64];	   /* "system" for the system actor */
	char role[16];	   /* viewer, clerk, manager, signer, admin */
	int64_t unit_id;   /* root of the actor's scope; 0 = everything */
	int system;
	int must_change;   /* holds a one-time password: may only change it */
};

struct cx {
	struct db *db;
	struct actor actor;
	int64_t now_ms;	  /* time of the request, UTC ms */
	const char *lang; /* "vi" or "en" */
	void *org_pin;	  /* org history pinned for a transaction (org.c) */
};

/* Fill cx for the system actor on db, at the current time. */
void cx_init_system(struct cx *cx, struct db *db);

#endif
