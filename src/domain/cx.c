/*
 * cx.c — building the request context for the system actor.
 */
#include "domain/cx.h"

#include <string.h>

#include "base/date.h"

void cx_init_system(struct cx *cx, struct db *db)
{
	memset(cx, 0, sizeof *cx);
	cx->db = db;
	cx->actor.system = 1;
	strcpy(cx->actor.login, "system");
	strcpy(cx->actor.role, "admin");
	cx->now_ms = time_now_ms();
	cx->lang = "vi";
}
