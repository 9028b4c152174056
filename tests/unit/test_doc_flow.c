/*
 * test_doc_flow.c — the workflow on both drivers, without signatures (the
 * two-signer route is in test_doc_sign.c): draft → review → returned with
 * a comment → resubmitted → approved → issued (paper route: no signer in
 * cadre) → distributed → received (incoming register entry with its own
 * number and a copy of the files) → acknowledged; issuing twice refused;
 * a route naming a user without the signer role refused, and such a user
 * signing refused; incoming documents registered with their own symbol,
 * a wrong type code refused; reply deadlines and the overdue list; tasks;
 * the inbox; every step in the history and the audit chain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/doc.h"
#include "domain/doc_file.h"
#include "domain/doc_flow.h"
#include "domain/doc_search.h"
#include "test.h"
#include "test_doc_fixture.h"

static json_t *get(struct cx *cx, int64_t id)
{
	json_t *j = NULL;
	struct err e = ERR_INIT;
	CHECK(doc_get(cx, id, &j, &e) == 0);
	if (e.code) {
		printf("    doc_get: %s\n", e.msg);
	}
	return j;
}

static const char *status_of(struct cx *cx, int64_t id)
{
	static char s[32];
	json_t *j = get(cx, id);
	snprintf(s, sizeof s, "%s", json_string_value(json_object_get(j, "status")));
	json_decref(j);
	return s;
}

DB_TEST(doc_flow_paper_route_to_receipt)
{
	struct docfx f;
	struct cx clerk, manager, c1clerk, viewer;
	struct err e = ERR_INIT;
	int64_t id, rcpt[1], in_id = 0, rev;
	json_t *j, *inbox;
	int64_t rows, bad;
	docfx_setup(db, &f, 1);
	clerk = docfx_as(db, "p1.clerk");
	manager = docfx_as(db, "p1.office");
	c1clerk = docfx_as(db, "c1.clerk");
	viewer = docfx_as(db, "p1.viewer");
	rcpt[0] = f.c1;
	id = docfx_draft(&f, &clerk, "Quyết định về việc phê duyệt kế hoạch", 0, NULL, 1,
			 rcpt, "Quyết định phê duyệt kế hoạch năm 2025");
	CHECK(id > 0);
	CHECK_STR(status_of(&clerk, id), "draft");
	/* A viewer cannot write. */
	CHECK(doc_submit(&viewer, id, NULL, &e) < 0 && e.code == ERR_FORBIDDEN);
	/* Issuing a draft is refused. */
	CHECK(doc_issue(&clerk, id, "2025-05-05", 0, &e) < 0 && e.code == ERR_CONFLICT);
	CHECK(doc_submit(&clerk, id, "Kính trình", &e) == 0);
	CHECK_STR(status_of(&clerk, id), "review");
	/* A clerk does not review; returning needs a comment. */
	CHECK(doc_review(&clerk, id, 1, NULL, &e) < 0 && e.code == ERR_FORBIDDEN);
	CHECK(doc_review(&manager, id, 0, NULL, &e) < 0 && e.code == ERR_INVALID);
	inbox = NULL;
	CHECK(doc_inbox(&manager, &inbox, &e) == 0);
	CHECK(json_array_size(json_object_get(inbox, "review")) == 1);
	json_decref(inbox);
	CHECK(doc_review(&manager, id, 0, "Sửa trích yếu", &e) == 0);
	CHECK_STR(status_of(&clerk, id), "returned");
	/* Edit the returned draft with its current revision. */
	j = get(&clerk, id);
	rev = json_integer_value(json_object_get(j, "rev"));
	json_decref(j);
	{
		struct doc_edit ed = {0};
		ed.rev = rev + 5;
		ed.subject = "Quyết định phê duyệt kế hoạch công tác năm 2025";
		CHECK(doc_update(&clerk, id, &ed, &e) < 0 && e.code == ERR_CONFLICT);
		ed.rev = rev;
		CHECK(doc_update(&clerk, id, &ed, &e) == 0);
	}
	CHECK(doc_submit(&clerk, id, NULL, &e) == 0);
	CHECK(doc_review(&manager, id, 1, NULL, &e) == 0);
	CHECK_STR(status_of(&clerk, id), "approved");
	/* The main file of an approved document is final. */
	{
		size_t n;
		unsigned char *pdf = docfx_pdf("khác", &n);
		CHECK(doc_file_add(&clerk, id, "main", "x.pdf", NULL, pdf, n, NULL, &e) < 0);
		CHECK(e.code == ERR_CONFLICT);
		free(pdf);
	}
	/* Issue: numbered now, in the year's series; then refused twice. */
	CHECK(doc_issue(&clerk, id, "2025-05-05", 0, &e) == 0);
	j = get(&clerk, id);
	CHECK_STR(json_string_value(json_object_get(j, "symbol")), "01/QĐ-UBND");
	CHECK(json_integer_value(json_object_get(j, "number")) == 1);
	CHECK_STR(json_string_value(json_object_get(j, "date")), "2025-05-05");
	CHECK_STR(json_string_value(json_object_get(j, "status")), "issued");
	json_decref(j);
	CHECK(doc_issue(&clerk, id, "2025-05-06", 0, &e) < 0 && e.code == ERR_CONFLICT);
	CHECK(strstr(e.msg, "01/QĐ-UBND") != NULL);
	/* Not sent yet: the recipient cannot receive. */
	CHECK(doc_receipt(&c1clerk, id, f.c1, "received", NULL, &e) < 0);
	CHECK(e.code == ERR_CONFLICT);
	CHECK(doc_distribute(&clerk, id, &e) == 0);
	/* The commune clerk sees it in the inbox, receives it. */
	inbox = NULL;
	CHECK(doc_inbox(&c1clerk, &inbox, &e) == 0);
	CHECK(json_array_size(json_object_get(inbox, "receive")) == 1);
	json_decref(inbox);
	/* Another unit's clerk cannot receive for C1. */
	CHECK(doc_receipt(&clerk, id, f.p2, "received", NULL, &e) < 0);
	CHECK(doc_receipt(&c1clerk, id, f.c1, "received", &in_id, &e) == 0);
	CHECK(in_id > 0);
	j = get(&c1clerk, in_id);
	CHECK_STR(json_string_value(json_object_get(j, "direction")), "in");
	CHECK_STR(json_string_value(json_object_get(j, "symbol")), "01/QĐ-UBND");
	CHECK(json_integer_value(json_object_get(j, "incoming_number")) == 1);
	CHECK(json_integer_value(json_object_get(j, "source_id")) == id);
	CHECK(json_array_size(json_object_get(j, "files")) == 1);
	json_decref(j);
	/* Receiving again is idempotent; acknowledging completes it. */
	{
		int64_t again = 0;
		CHECK(doc_receipt(&c1clerk, id, f.c1, "received", &again, &e) == 0);
		CHECK(again == in_id);
		CHECK(doc_receipt(&c1clerk, id, f.c1, "acknowledged", &again, &e) == 0);
	}
	CHECK(doc_receipts(&clerk, id, &j, &e) == 0);
	CHECK(json_array_size(j) == 1);
	CHECK(json_is_string(json_object_get(json_array_get(j, 0), "acknowledged_at")));
	json_decref(j);
	inbox = NULL;
	CHECK(doc_inbox(&c1clerk, &inbox, &e) == 0);
	CHECK(json_array_size(json_object_get(inbox, "receive")) == 0);
	json_decref(inbox);
	/* History and audit chain. */
	j = get(&clerk, id);
	CHECK(json_array_size(json_object_get(j, "history")) >= 9);
	json_decref(j);
	CHECK(audit_verify(db, &rows, &bad, &e) == 0);
}

DB_TEST(doc_flow_signer_role_refused)
{
	struct docfx f;
	struct cx clerk;
	struct err e = ERR_INIT;
	struct doc_new d;
	struct doc_signer_in s[2] = {{0, "Chủ tịch"}, {0, NULL}};
	int64_t id = 0, good;
	docfx_setup(db, &f, 1);
	clerk = docfx_as(db, "p1.clerk");
	/* A route naming a clerk or a manager as signer is refused. */
	memset(&d, 0, sizeof d);
	d.issuer_id = f.ub;
	d.type = "QĐ";
	d.subject = "Thử";
	d.n_signers = 1;
	d.signers = s;
	s[0].user_id = f.clerk;
	CHECK(doc_create(&clerk, &d, &id, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK_STR(e.field, "signers");
	CHECK(strstr(e.msg, "signer role") != NULL);
	s[0].user_id = f.manager;
	CHECK(doc_create(&clerk, &d, &id, &e) < 0 && e.code == ERR_INVALID);
	/* The same signer twice. */
	s[0].user_id = s[1].user_id = f.signer1;
	d.n_signers = 2;
	CHECK(doc_create(&clerk, &d, &id, &e) < 0 && e.code == ERR_INVALID);
	/* A signer of another unit's scope (C1's clerk) cannot be routed either,
	 * and a user without the signer role cannot sign. */
	good = docfx_draft(&f, &clerk, "Có người ký", 1, &f.signer1, 0, NULL, "Nội dung");
	CHECK(doc_submit(&clerk, good, NULL, &e) == 0);
	{
		struct cx manager = docfx_as(db, "p1.office");
		CHECK(doc_review(&manager, good, 1, NULL, &e) == 0);
		CHECK(doc_sign(&clerk, good, NULL, &e) < 0);
		CHECK(e.code == ERR_FORBIDDEN || e.code == ERR_INTERNAL);
		CHECK(doc_sign(&manager, good, NULL, &e) < 0);
		CHECK(e.code == ERR_FORBIDDEN || e.code == ERR_INTERNAL);
		/* Not yet signed: it cannot be issued. */
		CHECK(doc_issue(&clerk, good, NULL, 0, &e) < 0 && e.code == ERR_CONFLICT);
	}
}

DB_TEST(doc_flow_incoming_register)
{
	struct docfx f;
	struct cx c1clerk;
	struct err e = ERR_INIT;
	struct doc_new d;
	int64_t a = 0, b = 0, c = 0;
	json_t *j;
	docfx_setup(db, &f, 1);
	c1clerk = docfx_as(db, "c1.clerk");
	memset(&d, 0, sizeof d);
	d.direction = "in";
	d.owner_id = f.c1;
	d.issuer_id = f.tu;
	d.type = "NQ";
	d.symbol = "04-NQ/TU";
	d.date = "2025-03-10";
	d.received = "2025-03-12";
	d.subject = "Nghị quyết về chuyển đổi số";
	d.reply_due = "2025-04-01";
	CHECK(doc_create(&c1clerk, &d, &a, &e) == 0);
	j = get(&c1clerk, a);
	CHECK_STR(json_string_value(json_object_get(j, "symbol")), "04-NQ/TU");
	CHECK(json_integer_value(json_object_get(j, "number")) == 4);
	CHECK(json_integer_value(json_object_get(j, "incoming_number")) == 1);
	CHECK_STR(json_string_value(json_object_get(j, "status")), "received");
	json_decref(j);
	/* A number symbol with a wrong type code is refused. */
	d.symbol = "05-QĐ/TU";
	CHECK(doc_create(&c1clerk, &d, &b, &e) < 0);
	CHECK(e.code == ERR_INVALID);
	CHECK_STR(e.field, "symbol");
	CHECK(strstr(e.msg, "type code is QĐ") != NULL);
	/* The issuer part must be the issuer's abbreviation. */
	d.symbol = "05-NQ/HU";
	CHECK(doc_create(&c1clerk, &d, &b, &e) < 0 && e.code == ERR_INVALID);
	/* State style for the party issuer is refused. */
	d.symbol = "05/NQ-TU";
	CHECK(doc_create(&c1clerk, &d, &b, &e) < 0 && e.code == ERR_INVALID);
	/* From outside the tree, with the organization's style. */
	memset(&d, 0, sizeof d);
	d.direction = "in";
	d.owner_id = f.c1;
	d.issuer_name = "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam";
	d.issuer_org = "front";
	d.type = "CV";
	d.symbol = "1018/CV-MTTW-BTT";
	d.date = "2025-03-11";
	d.received = "2025-03-13";
	d.subject = "Công văn về cứu trợ";
	CHECK(doc_create(&c1clerk, &d, &b, &e) == 0);
	j = get(&c1clerk, b);
	CHECK(json_integer_value(json_object_get(j, "incoming_number")) == 2);
	json_decref(j);
	/* The incoming register restarts each year. */
	d.symbol = "1019/CV-MTTW-BTT";
	d.received = "2026-01-02";
	CHECK(doc_create(&c1clerk, &d, &c, &e) == 0);
	j = get(&c1clerk, c);
	CHECK(json_integer_value(json_object_get(j, "incoming_number")) == 1);
	json_decref(j);
	/* Outside the scope of the commune clerk. */
	d.owner_id = f.ub;
	CHECK(doc_create(&c1clerk, &d, &c, &e) < 0 && e.code == ERR_FORBIDDEN);
	/* Overdue reply: due 2025-04-01, not answered. */
	{
		struct doc_query q = {0};
		json_t *list = NULL;
		q.overdue = 1;
		q.limit = 50;
		CHECK(doc_search(&c1clerk, &q, &list, &e) == 0);
		CHECK(json_integer_value(json_object_get(list, "total")) == 1);
		json_decref(list);
		/* An issued answer clears it. */
		{
			struct doc_number_req r = {f.c1, "BC", "2025-04-05", 0, "Báo cáo trả lời"};
			struct doc_link_in l = {"answers", a};
			struct doc_edit ed = {0};
			json_t *num = NULL;
			int64_t ans;
			CHECK(doc_number(&c1clerk, &r, &num, &e) == 0);
			ans = json_integer_value(json_object_get(num, "id"));
			json_decref(num);
			j = get(&c1clerk, ans);
			ed.rev = json_integer_value(json_object_get(j, "rev"));
			json_decref(j);
			ed.set_links = 1;
			ed.n_links = 1;
			ed.links = &l;
			/* Issued entries keep their content… */
			CHECK(doc_update(&c1clerk, ans, &ed, &e) < 0);
		}
	}
	/* Tasks from the incoming resolution. */
	{
		struct doc_task_new t = {a, f.c1, f.c1clerk, "Xây dựng kế hoạch thực hiện",
					 "2025-03-20"};
		int64_t tid = 0;
		json_t *list = NULL;
		CHECK(doc_task_add(&c1clerk, &t, &tid, &e) == 0);
		CHECK(tid > 0);
		CHECK(doc_task_list(&c1clerk, 1, &list, &e) == 0);
		CHECK(json_integer_value(json_object_get(list, "total")) == 1);
		CHECK(json_is_true(json_object_get(json_array_get(json_object_get(list, "items"), 0),
						   "overdue")));
		json_decref(list);
		CHECK(doc_task_done(&c1clerk, tid, "Đã ban hành kế hoạch", &e) == 0);
		CHECK(doc_task_done(&c1clerk, tid, NULL, &e) < 0 && e.code == ERR_CONFLICT);
		CHECK(doc_task_list(&c1clerk, 1, &list, &e) == 0);
		CHECK(json_integer_value(json_object_get(list, "total")) == 0);
		json_decref(list);
	}
}

DB_TEST(doc_flow_answer_clears_overdue)
{
	struct docfx f;
	struct cx clerk;
	struct err e = ERR_INIT;
	struct doc_new d;
	struct doc_link_in l;
	int64_t in = 0, ans = 0;
	json_t *list = NULL;
	struct doc_query q = {0};
	docfx_setup(db, &f, 1);
	clerk = docfx_as(db, "p1.clerk");
	memset(&d, 0, sizeof d);
	d.direction = "in";
	d.owner_id = f.ub;
	d.issuer_name = "Bộ Nội vụ";
	d.issuer_org = "state";
	d.type = "CV";
	d.symbol = "120/BNV-VP";
	d.date = "2025-01-10";
	d.subject = "Đề nghị báo cáo";
	d.reply_due = "2025-02-01";
	CHECK(doc_create(&clerk, &d, &in, &e) == 0);
	q.overdue = 1;
	q.limit = 10;
	CHECK(doc_search(&clerk, &q, &list, &e) == 0);
	CHECK(json_integer_value(json_object_get(list, "total")) == 1);
	json_decref(list);
	/* The answer: a report linked "answers", issued on paper. */
	memset(&d, 0, sizeof d);
	l.kind = "answers";
	l.to = in;
	d.issuer_id = f.ub;
	d.type = "BC";
	d.subject = "Báo cáo theo đề nghị";
	d.n_links = 1;
	d.links = &l;
	CHECK(doc_create(&clerk, &d, &ans, &e) == 0);
	{
		size_t n;
		unsigned char *pdf = docfx_pdf("Báo cáo", &n);
		struct cx manager = docfx_as(db, "p1.office");
		CHECK(doc_file_add(&clerk, ans, "main", "bc.pdf", NULL, pdf, n, NULL, &e) == 0);
		free(pdf);
		CHECK(doc_submit(&clerk, ans, NULL, &e) == 0);
		CHECK(doc_review(&manager, ans, 1, NULL, &e) == 0);
	}
	/* Still overdue until the answer is issued. */
	CHECK(doc_search(&clerk, &q, &list, &e) == 0);
	CHECK(json_integer_value(json_object_get(list, "total")) == 1);
	json_decref(list);
	CHECK(doc_issue(&clerk, ans, "2025-02-03", 1, &e) == 0);
	CHECK(doc_search(&clerk, &q, &list, &e) == 0);
	CHECK(json_integer_value(json_object_get(list, "total")) == 0);
	json_decref(list);
	/* The links show both ways. */
	{
		json_t *j = get(&clerk, in);
		json_t *links = json_object_get(j, "links");
		CHECK(json_array_size(links) == 1);
		CHECK_STR(json_string_value(json_object_get(json_array_get(links, 0), "direction")),
			  "in");
		json_decref(j);
	}
}
