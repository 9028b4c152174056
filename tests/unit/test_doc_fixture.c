/*
 * test_doc_fixture.c — the fixture of the document tests
 * (test_doc_fixture.h), built only through domain calls.
 */
#include "test_doc_fixture.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/auth.h"
#include "domain/doc_file.h"
#include "domain/org.h"
#include "domain/user.h"
#include "test.h"

static int64_t mk(struct cx *cx, const char *code, const char *name,
		  const char *kind, int64_t parent)
{
	struct reorg_req r;
	struct err e = ERR_INIT;
	int64_t id = 0;
	memset(&r, 0, sizeof r);
	r.kind = REORG_CREATE;
	r.date = "2000-01-01";
	r.decision = "test";
	r.created.code = code;
	r.created.name = name;
	r.created.kind = kind;
	r.created.parent = parent;
	r.created.share = -1;
	CHECK(org_reorg(cx, &r, 0, NULL, NULL, &e) == 0);
	CHECK(org_unit_id_by_code(cx, code, &id, &e) == 0);
	return id;
}

static int64_t mkuser(struct cx *cx, const char *login, const char *name,
		      const char *role, int64_t unit)
{
	struct user_new u = {login, name, "test-password-1", role, unit, 0};
	struct err e = ERR_INIT;
	json_t *j = NULL;
	int64_t id = 0;
	CHECK(user_add(cx, &u, &j, &e) == 0);
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	return id;
}

void docfx_setup(struct db *db, struct docfx *f, int with_users)
{
	struct err e = ERR_INIT;
	struct doc_issuer_set is;
	memset(f, 0, sizeof *f);
	cx_init_system(&f->cx, db);
	CHECK(org_bootstrap(&f->cx, "VN", "Việt Nam", "1945-09-02", &f->vn, &e) == 0);
	f->p1 = mk(&f->cx, "P1", "Tỉnh Quảng Trị", "province", f->vn);
	f->p2 = mk(&f->cx, "P2", "Tỉnh Đắk Lắk", "province", f->vn);
	f->tu = mk(&f->cx, "P1-TU", "Tỉnh ủy Quảng Trị", "party_committee", f->p1);
	f->ub = mk(&f->cx, "P1-UB", "Ủy ban nhân dân tỉnh Quảng Trị", "organization", f->p1);
	f->c1 = mk(&f->cx, "C1", "Xã Một", "commune", f->p1);
	is = (struct doc_issuer_set){f->ub, "state", "UBND", 0};
	CHECK(doc_issuer_set(&f->cx, &is, &e) == 0);
	is = (struct doc_issuer_set){f->tu, "party", "TU", 0};
	CHECK(doc_issuer_set(&f->cx, &is, &e) == 0);
	is = (struct doc_issuer_set){f->c1, "state", "UBND", 0};
	CHECK(doc_issuer_set(&f->cx, &is, &e) == 0);
	CHECK(doc_term_add(&f->cx, f->tu, "Nhiệm kỳ 2020–2025", "2020-10-15", NULL, &e) == 0);
	if (!with_users) {
		return;
	}
	f->clerk = mkuser(&f->cx, "p1.clerk", "Văn thư Quảng Trị", "clerk", f->p1);
	f->signer1 = mkuser(&f->cx, "p1.chair", "Nguyễn Văn Chủ", "signer", f->p1);
	f->signer2 = mkuser(&f->cx, "p1.vice", "Trần Thị Phó", "signer", f->p1);
	f->manager = mkuser(&f->cx, "p1.office", "Lê Chánh Văn", "manager", f->p1);
	f->viewer = mkuser(&f->cx, "p1.viewer", "Người xem", "viewer", f->p1);
	f->c1clerk = mkuser(&f->cx, "c1.clerk", "Văn thư xã Một", "clerk", f->c1);
}

struct cx docfx_as(struct db *db, const char *login)
{
	struct cx cx;
	struct err e = ERR_INIT;
	cx_init_system(&cx, db);
	CHECK(auth_actor_by_login(db, login, &cx.actor, &e) == 0);
	return cx;
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data,
				unsigned int len)
{
	buf_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

unsigned char *docfx_pdf(const char *text, size_t *n)
{
	struct buf b;
	cairo_surface_t *s;
	cairo_t *c;
	buf_init(&b, 0);
	s = cairo_pdf_surface_create_for_stream(pdf_write, &b, 595, 842);
	c = cairo_create(s);
	cairo_select_font_face(c, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(c, 14);
	cairo_move_to(c, 60, 100);
	cairo_show_text(c, text);
	cairo_show_page(c);
	cairo_destroy(c);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	return (unsigned char *)buf_detach(&b, n);
}

int64_t docfx_draft(struct docfx *f, struct cx *as, const char *subject,
		    int n_signers, const int64_t *signers, int n_recipients,
		    const int64_t *recipients, const char *text)
{
	struct doc_signer_in s[8];
	struct doc_new d;
	struct err e = ERR_INIT;
	int64_t id = 0;
	memset(&d, 0, sizeof d);
	for (int i = 0; i < n_signers && i < 8; i++) {
		s[i].user_id = signers[i];
		s[i].title = i == 0 ? "Chủ tịch" : "Phó Chủ tịch";
	}
	d.issuer_id = f->ub;
	d.type = "QĐ";
	d.subject = subject;
	d.n_signers = n_signers;
	d.signers = s;
	d.n_recipients = n_recipients;
	d.recipients = recipients;
	CHECK(doc_create(as, &d, &id, &e) == 0);
	if (e.code) {
		printf("    doc_create: %s (%s)\n", e.msg, e.field);
	}
	if (text && id) {
		size_t len;
		unsigned char *pdf = docfx_pdf(text, &len);
		CHECK(doc_file_add(as, id, "main", "quyet-dinh.pdf", NULL, pdf, len, NULL,
				   &e) == 0);
		if (e.code) {
			printf("    doc_file_add: %s\n", e.msg);
		}
		free(pdf);
	}
	return id;
}
