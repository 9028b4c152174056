/*
 * api_audit.c — the handler of GET /audit (admin, manager): the audit log,
 * newest first.  `from`/`to` arrive from the dispatcher as UTC ms bounds
 * (a date `to` already covers its whole day); audit_list checks
 * ACT_AUDIT_READ and the scope.
 */
#include "domain/audit.h"
#include "http/route.h"

int api_audit_list(struct http_req *r, struct err *e)
{
	struct audit_filter f = {
		.unit_id = req_q_int(r, "unit"),
		.actor = req_q_str(r, "actor"),
		.action = req_q_str(r, "action"),
		.from_ms = req_q_int(r, "from"),
		.to_ms = req_q_int(r, "to"),
		.limit = (int)req_q_int(r, "limit"),
		.offset = (int)req_q_int(r, "offset"),
	};
	return audit_list(&r->cx, &f, &r->out, e);
}
