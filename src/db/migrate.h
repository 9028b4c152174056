/*
 * migrate.h — numbered schema migrations (src/db/migrations/NNN_name.sql,
 * embedded in the binary), each applied once, in order, in its own
 * transaction, and recorded in schema_migrations.
 */
#ifndef CADRE_MIGRATE_H
#define CADRE_MIGRATE_H

#include "db/db.h"

/* Apply every migration not yet recorded.  Sets *applied (may be NULL) to
 * how many ran.  Safe to call on every start. */
int db_migrate(struct db *db, int *applied, struct err *e);

#endif
