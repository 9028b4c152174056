/*
 * pdf.c — the minimal PDF machinery signatures need: opening a file with
 * the qpdf C API (header, last startxref and the kind of xref it points
 * at, trailer, catalog, pages, encryption and broken structure refused),
 * writing PDF syntax (names, text strings, objects copied from qpdf
 * handles), an incremental update (new and replaced objects, then an xref
 * table or stream matching the original's kind and a trailer chaining to
 * the previous one), and importing a one-page PDF as a Form XObject.
 * Must never modify or reorder the original bytes: an update only appends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sign/sign_internal.h"

#define MAX_DEPTH 64

static int is_ws(int c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' ||
	       c == 0;
}

static int bad(struct err *e, const char *msg)
{
	return err_set(e, ERR_INVALID, "file", "%s", msg);
}

static int broken(struct err *e, const char *detail)
{
	return err_set(e, ERR_INVALID, "file", "the PDF is broken: %s",
		       detail && *detail ? detail : "unknown error");
}

int pdf_check(struct pdf *p, struct err *e)
{
	qpdf_error qe;
	const char *d;
	if (!p->q || !qpdf_has_error(p->q)) {
		return 0;
	}
	qe = qpdf_get_error(p->q);
	d = qe ? qpdf_get_error_message_detail(p->q, qe) : "unknown error";
	return broken(e, d);
}

/* Offset named by the last "startxref" in the file's tail, or -1. */
static long long find_startxref(const unsigned char *b, size_t n)
{
	size_t lo = n > 4096 ? n - 4096 : 0, i;
	long long off = 0;
	for (i = n >= 9 ? n - 9 : 0;; i--) {
		if (memcmp(b + i, "startxref", 9) == 0) {
			break;
		}
		if (i == lo) {
			return -1;
		}
	}
	i += 9;
	while (i < n && is_ws(b[i])) {
		i++;
	}
	if (i >= n || b[i] < '0' || b[i] > '9') {
		return -1;
	}
	while (i < n && b[i] >= '0' && b[i] <= '9' && off < (1LL << 50)) {
		off = off * 10 + (b[i++] - '0');
	}
	return off;
}

/* 1 when b+off starts "N G obj" (an xref stream), 0 for "xref", -1 else. */
static int xref_kind(const unsigned char *b, size_t n, long long off)
{
	size_t i = (size_t)off;
	int fields = 0;
	while (i < n && is_ws(b[i])) {
		i++;
	}
	if (n - i >= 4 && memcmp(b + i, "xref", 4) == 0) {
		return 0;
	}
	for (fields = 0; fields < 2; fields++) {
		size_t s = i;
		while (i < n && b[i] >= '0' && b[i] <= '9') {
			i++;
		}
		if (i == s || i >= n || !is_ws(b[i])) {
			return -1;
		}
		while (i < n && is_ws(b[i])) {
			i++;
		}
	}
	return n - i >= 3 && memcmp(b + i, "obj", 3) == 0 ? 1 : -1;
}

int pdf_open(struct pdf *p, const unsigned char *b, size_t n, struct err *e)
{
	long long off;
	int kind;
	memset(p, 0, sizeof *p);
	p->b = b;
	p->n = n;
	if (n < 16 || memcmp(b, "%PDF-", 5) != 0) {
		return bad(e, "not a PDF file (it does not start with %PDF-)");
	}
	off = find_startxref(b, n);
	if (off < 0) {
		return bad(e, "no startxref at the end of the file: it is "
			      "truncated or its cross-reference table is broken");
	}
	if (off < 8 || (size_t)off >= n || (kind = xref_kind(b, n, off)) < 0) {
		return bad(e, "the startxref offset does not point at a "
			      "cross-reference section: the file is broken");
	}
	p->startxref = off;
	p->xref_stream = kind;
	p->q = qpdf_init();
	qpdf_silence_errors(p->q);
	qpdf_set_suppress_warnings(p->q, QPDF_TRUE);
	qpdf_set_attempt_recovery(p->q, QPDF_FALSE);
	if (qpdf_read_memory(p->q, "pdf", (const char *)b, n, "") & QPDF_ERRORS) {
		qpdf_error qe = qpdf_get_error(p->q);
		const char *d = qe ? qpdf_get_error_message_detail(p->q, qe) : "";
		if (d && strstr(d, "password")) {
			return bad(e, "the PDF is encrypted: remove the password "
				      "protection before signing");
		}
		return broken(e, d);
	}
	if (qpdf_is_encrypted(p->q)) {
		return bad(e, "the PDF is encrypted: remove the password "
			      "protection before signing");
	}
	p->trailer = qpdf_get_trailer(p->q);
	p->root = qpdf_get_root(p->q);
	if (pdf_check(p, e)) {
		return -ERR_INVALID;
	}
	if (!qpdf_oh_is_dictionary(p->q, p->root) ||
	    !qpdf_oh_is_indirect(p->q, p->root)) {
		return bad(e, "the PDF has no document catalog");
	}
	p->root_id = qpdf_oh_get_object_id(p->q, p->root);
	p->root_gen = qpdf_oh_get_generation(p->q, p->root);
	p->size = qpdf_oh_get_int_value(
		p->q, qpdf_oh_get_key(p->q, p->trailer, "/Size"));
	if (p->size < 1 || p->size > 8388607) {
		return bad(e, "the trailer has no valid /Size");
	}
	if (qpdf_get_num_pages(p->q) < 1 || pdf_check(p, e)) {
		return bad(e, "the PDF has no readable page");
	}
	return 0;
}

void pdf_close(struct pdf *p)
{
	if (p->q) {
		qpdf_cleanup(&p->q);
	}
	memset(p, 0, sizeof *p);
}

qpdf_oh pdf_inherited(qpdf_data q, qpdf_oh page, const char *key)
{
	qpdf_oh cur = page;
	for (int d = 0; d < MAX_DEPTH; d++) {
		qpdf_oh v = qpdf_oh_get_key(q, cur, key);
		if (!qpdf_oh_is_null(q, v)) {
			return v;
		}
		cur = qpdf_oh_get_key(q, cur, "/Parent");
		if (!qpdf_oh_is_dictionary(q, cur)) {
			break;
		}
	}
	return qpdf_oh_new_null(q);
}

static int read_box(qpdf_data q, qpdf_oh a, double box[4])
{
	if (!qpdf_oh_is_array(q, a) || qpdf_oh_get_array_n_items(q, a) != 4) {
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		qpdf_oh v = qpdf_oh_get_array_item(q, a, i);
		if (!qpdf_oh_is_number(q, v)) {
			return -1;
		}
		box[i] = qpdf_oh_get_numeric_value(q, v);
	}
	if (box[0] > box[2]) {
		double t = box[0];
		box[0] = box[2];
		box[2] = t;
	}
	if (box[1] > box[3]) {
		double t = box[1];
		box[1] = box[3];
		box[3] = t;
	}
	return box[2] - box[0] >= 1 && box[3] - box[1] >= 1 ? 0 : -1;
}

int pdf_page_get(struct pdf *p, int page, struct pdf_page *pg, struct err *e)
{
	int n = qpdf_get_num_pages(p->q);
	qpdf_oh r;
	memset(pg, 0, sizeof *pg);
	if (page < 0 || page > n) {
		return err_set(e, ERR_INVALID, "page",
			       "page %d does not exist: the document has %d", page, n);
	}
	pg->index = page ? page : n;
	pg->oh = qpdf_get_page_n(p->q, (size_t)(pg->index - 1));
	if (pdf_check(p, e) || !qpdf_oh_is_indirect(p->q, pg->oh)) {
		return bad(e, "the page cannot be read");
	}
	pg->id = qpdf_oh_get_object_id(p->q, pg->oh);
	pg->gen = qpdf_oh_get_generation(p->q, pg->oh);
	if (read_box(p->q, pdf_inherited(p->q, pg->oh, "/CropBox"), pg->box) &&
	    read_box(p->q, pdf_inherited(p->q, pg->oh, "/MediaBox"), pg->box)) {
		pg->box[0] = pg->box[1] = 0;
		pg->box[2] = 595.276; /* A4 */
		pg->box[3] = 841.89;
	}
	r = pdf_inherited(p->q, pg->oh, "/Rotate");
	pg->rotate = qpdf_oh_is_integer(p->q, r)
			     ? (int)(((qpdf_oh_get_int_value(p->q, r) % 360) + 360) % 360)
			     : 0;
	if (pg->rotate % 90) {
		pg->rotate = 0;
	}
	return pdf_check(p, e);
}

void pdf_page_rect(const struct pdf_page *pg, double xd, double yd, double w,
		   double h, double rect[4])
{
	double bw = pg->box[2] - pg->box[0], bh = pg->box[3] - pg->box[1];
	double xs[2], ys[2];
	/* Display (xd, yd) → user space, for the two opposite corners. */
	for (int c = 0; c < 2; c++) {
		double x = xd + c * w, y = yd + c * h, ux, uy;
		switch (pg->rotate) {
		case 90:
			ux = bw - y;
			uy = x;
			break;
		case 180:
			ux = bw - x;
			uy = bh - y;
			break;
		case 270:
			ux = y;
			uy = bh - x;
			break;
		default:
			ux = x;
			uy = y;
		}
		xs[c] = pg->box[0] + ux;
		ys[c] = pg->box[1] + uy;
	}
	rect[0] = xs[0] < xs[1] ? xs[0] : xs[1];
	rect[2] = xs[0] < xs[1] ? xs[1] : xs[0];
	rect[1] = ys[0] < ys[1] ? ys[0] : ys[1];
	rect[3] = ys[0] < ys[1] ? ys[1] : ys[0];
}

int pdf_docmdp_locked(struct pdf *p)
{
	qpdf_oh sig = qpdf_oh_get_key(p->q, qpdf_oh_get_key(p->q, p->root, "/Perms"),
				      "/DocMDP");
	qpdf_oh refs = qpdf_oh_get_key(p->q, sig, "/Reference");
	int n = qpdf_oh_is_array(p->q, refs) ? qpdf_oh_get_array_n_items(p->q, refs) : 0;
	for (int i = 0; i < n; i++) {
		qpdf_oh params = qpdf_oh_get_key(
			p->q, qpdf_oh_get_array_item(p->q, refs, i), "/TransformParams");
		qpdf_oh pv = qpdf_oh_get_key(p->q, params, "/P");
		if (qpdf_oh_is_integer(p->q, pv) && qpdf_oh_get_int_value(p->q, pv) == 1) {
			return 1;
		}
	}
	return 0;
}

/* ---- syntax ---- */

void pdf_put_name(struct buf *b, const char *name)
{
	buf_putc(b, '/');
	for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
		if (*s < 0x21 || *s > 0x7e || strchr("()<>[]{}/%#", *s)) {
			buf_printf(b, "#%02X", *s);
		} else {
			buf_putc(b, (char)*s);
		}
	}
}

static void put_hex_string(struct buf *b, const unsigned char *s, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	buf_putc(b, '<');
	for (size_t i = 0; i < n; i++) {
		buf_putc(b, digits[s[i] >> 4]);
		buf_putc(b, digits[s[i] & 15]);
	}
	buf_putc(b, '>');
}

/* Next code point of UTF-8 s (advancing *i); U+FFFD for bad bytes. */
static unsigned utf8_next(const unsigned char *s, size_t *i)
{
	unsigned c = s[*i], cp;
	int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	if (!len) {
		(*i)++;
		return 0xFFFD;
	}
	cp = len == 1 ? c : c & (0x7F >> len);
	for (int k = 1; k < len; k++) {
		if ((s[*i + (size_t)k] & 0xC0) != 0x80) {
			(*i)++;
			return 0xFFFD;
		}
		cp = (cp << 6) | (s[*i + (size_t)k] & 0x3F);
	}
	*i += (size_t)len;
	return cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp;
}

void pdf_put_text(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n = strlen(s);
	int ascii = 1;
	for (i = 0; i < n; i++) {
		ascii &= u[i] >= 0x20 && u[i] < 0x7f;
	}
	if (ascii) {
		buf_putc(b, '(');
		for (i = 0; i < n; i++) {
			if (u[i] == '(' || u[i] == ')' || u[i] == '\\') {
				buf_putc(b, '\\');
			}
			buf_putc(b, (char)u[i]);
		}
		buf_putc(b, ')');
		return;
	}
	buf_puts(b, "<FEFF");
	for (i = 0; i < n;) {
		unsigned cp = utf8_next(u, &i);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			buf_printf(b, "%04X%04X", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
		} else {
			buf_printf(b, "%04X", cp);
		}
	}
	buf_putc(b, '>');
}

/* ---- objects from qpdf handles ---- */

/* When copying between documents, referenced objects get new numbers. */
struct copier {
	struct pdf_update *u;
	struct {
		int src_id, src_gen, new_id;
	} *m;
	int n, cap;
};

static int copier_map(struct copier *c, int id, int gen)
{
	for (int i = 0; i < c->n; i++) {
		if (c->m[i].src_id == id && c->m[i].src_gen == gen) {
			return c->m[i].new_id;
		}
	}
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 32;
		void *m = realloc(c->m, (size_t)cap * sizeof c->m[0]);
		if (!m) {
			return -1;
		}
		c->m = m;
		c->cap = cap;
	}
	c->m[c->n].src_id = id;
	c->m[c->n].src_gen = gen;
	c->m[c->n].new_id = pdf_update_new_id(c->u);
	return c->m[c->n++].new_id;
}

static int put_value(struct buf *b, qpdf_data q, qpdf_oh oh, int depth,
		     struct copier *c);

static int put_dict_keys(struct buf *b, qpdf_data q, qpdf_oh oh,
			 const char *const *skip, int depth, struct copier *c)
{
	char **keys = NULL;
	int nk = 0, cap = 0, rc = 0;
	qpdf_oh_begin_dict_key_iter(q, oh);
	while (qpdf_oh_dict_more_keys(q)) {
		const char *k = qpdf_oh_dict_next_key(q);
		if (nk == cap) {
			int ncap = cap ? cap * 2 : 16;
			char **nkeys = realloc(keys, (size_t)ncap * sizeof *keys);
			if (!nkeys) {
				rc = -1;
				break;
			}
			keys = nkeys;
			cap = ncap;
		}
		if (!(keys[nk] = strdup(k))) {
			rc = -1;
			break;
		}
		nk++;
	}
	for (int i = 0; rc == 0 && i < nk; i++) {
		int skipped = 0;
		qpdf_oh v;
		for (const char *const *s = skip; s && *s; s++) {
			skipped |= strcmp(*s, keys[i]) == 0;
		}
		v = skipped ? 0 : qpdf_oh_get_key(q, oh, keys[i]);
		if (skipped || qpdf_oh_is_null(q, v)) {
			continue;
		}
		buf_putc(b, ' ');
		pdf_put_name(b, keys[i] + 1);
		buf_putc(b, ' ');
		rc = put_value(b, q, v, depth + 1, c);
	}
	for (int i = 0; i < nk; i++) {
		free(keys[i]);
	}
	free(keys);
	return rc;
}

static int put_value(struct buf *b, qpdf_data q, qpdf_oh oh, int depth,
		     struct copier *c)
{
	size_t len;
	const char *s;
	int n;
	if (depth > MAX_DEPTH) {
		return -1;
	}
	if (depth > 0 && qpdf_oh_is_indirect(q, oh)) {
		int id = qpdf_oh_get_object_id(q, oh), gen = qpdf_oh_get_generation(q, oh);
		if (c) {
			if ((id = copier_map(c, id, gen)) < 0) {
				return -1;
			}
			gen = 0;
		}
		buf_printf(b, "%d %d R", id, gen);
		return 0;
	}
	switch (qpdf_oh_get_type_code(q, oh)) {
	case ot_null:
		buf_puts(b, "null");
		return 0;
	case ot_boolean:
		buf_puts(b, qpdf_oh_get_bool_value(q, oh) ? "true" : "false");
		return 0;
	case ot_integer:
		buf_printf(b, "%lld", qpdf_oh_get_int_value(q, oh));
		return 0;
	case ot_real:
		buf_puts(b, qpdf_oh_get_real_value(q, oh));
		return 0;
	case ot_string:
		s = qpdf_oh_get_binary_string_value(q, oh, &len);
		put_hex_string(b, (const unsigned char *)s, len);
		return 0;
	case ot_name:
		s = qpdf_oh_get_name(q, oh);
		pdf_put_name(b, s[0] == '/' ? s + 1 : s);
		return 0;
	case ot_array:
		n = qpdf_oh_get_array_n_items(q, oh);
		buf_putc(b, '[');
		for (int i = 0; i < n; i++) {
			if (i) {
				buf_putc(b, ' ');
			}
			if (put_value(b, q, qpdf_oh_get_array_item(q, oh, i), depth + 1, c)) {
				return -1;
			}
		}
		buf_putc(b, ']');
		return 0;
	case ot_dictionary:
		buf_puts(b, "<<");
		if (put_dict_keys(b, q, oh, NULL, depth, c)) {
			return -1;
		}
		buf_puts(b, " >>");
		return 0;
	default:
		return -1; /* streams are written by their owner; operators never */
	}
}

int pdf_put_value(struct buf *b, qpdf_data q, qpdf_oh oh, int depth)
{
	return put_value(b, q, oh, depth, NULL);
}

int pdf_put_dict_open(struct buf *b, qpdf_data q, qpdf_oh oh,
		      const char *const *skip)
{
	buf_puts(b, "<<");
	return put_dict_keys(b, q, oh, skip, 0, NULL);
}

/* ---- the incremental update ---- */

int pdf_update_begin(struct pdf_update *u, const struct pdf *p, struct err *e)
{
	memset(u, 0, sizeof *u);
	buf_init(&u->out, 0);
	buf_append(&u->out, p->b, p->n);
	if (p->b[p->n - 1] != '\n' && p->b[p->n - 1] != '\r') {
		buf_putc(&u->out, '\n');
	}
	u->next_id = (int)p->size;
	u->orig = p->q;
	if (u->out.err) {
		buf_free(&u->out);
		return err_set(e, ERR_INTERNAL, "", "out of memory for the signed copy");
	}
	return 0;
}

void pdf_update_free(struct pdf_update *u)
{
	buf_free(&u->out);
	free(u->x);
	memset(u, 0, sizeof *u);
}

int pdf_update_new_id(struct pdf_update *u)
{
	for (int tries = 0; u->orig && tries < 100000; tries++) {
		qpdf_oh o = qpdf_get_object_by_id(u->orig, u->next_id, 0);
		int used = !qpdf_oh_is_null(u->orig, o);
		qpdf_oh_release(u->orig, o);
		if (!used) {
			break;
		}
		u->next_id++;
	}
	return u->next_id++;
}

void pdf_obj_begin(struct pdf_update *u, int id, int gen)
{
	if (u->nx == u->capx) {
		int cap = u->capx ? u->capx * 2 : 16;
		struct pdf_xent *x = realloc(u->x, (size_t)cap * sizeof *x);
		if (!x) {
			u->failed = 1;
			return;
		}
		u->x = x;
		u->capx = cap;
	}
	u->x[u->nx].id = id;
	u->x[u->nx].gen = gen;
	u->x[u->nx++].off = u->out.n;
	buf_printf(&u->out, "%d %d obj\n", id, gen);
}

void pdf_obj_end(struct pdf_update *u)
{
	buf_puts(&u->out, "\nendobj\n");
}

static int xent_cmp(const void *a, const void *b)
{
	const struct pdf_xent *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* The trailer keys every update repeats: /Size /Root /Info /ID /Prev. */
static int trailer_keys(struct buf *b, struct pdf_update *u, struct pdf *p)
{
	qpdf_oh info = qpdf_oh_get_key(p->q, p->trailer, "/Info");
	qpdf_oh id = qpdf_oh_get_key(p->q, p->trailer, "/ID");
	buf_printf(b, " /Size %d /Root %d %d R", u->next_id, p->root_id, p->root_gen);
	if (u->info_id > 0) {
		buf_printf(b, " /Info %d 0 R", u->info_id);
	} else if (qpdf_oh_is_indirect(p->q, info)) {
		buf_puts(b, " /Info ");
		pdf_put_value(b, p->q, info, 1);
	}
	if (qpdf_oh_is_array(p->q, id)) {
		buf_puts(b, " /ID ");
		if (pdf_put_value(b, p->q, id, 1)) {
			return -1;
		}
	}
	buf_printf(b, " /Prev %lld", p->startxref);
	return 0;
}

int pdf_update_finish(struct pdf_update *u, struct pdf *p, struct err *e)
{
	struct buf *b = &u->out;
	size_t xref_off;
	int i, j;
	if (u->failed || b->err) {
		return err_set(e, ERR_INTERNAL, "", "out of memory writing the update");
	}
	if (p->xref_stream) {
		int xid = pdf_update_new_id(u);
		pdf_obj_begin(u, xid, 0);
		b->n = u->x[u->nx - 1].off; /* rewritten below with its dict */
		b->z[b->n] = 0;
	}
	qsort(u->x, (size_t)u->nx, sizeof *u->x, xent_cmp);
	xref_off = b->n;
	if (!p->xref_stream) {
		buf_puts(b, "xref\n");
		for (i = 0; i < u->nx; i = j) {
			for (j = i + 1; j < u->nx && u->x[j].id == u->x[j - 1].id + 1; j++) {
			}
			buf_printf(b, "%d %d\n", u->x[i].id, j - i);
			for (int k = i; k < j; k++) {
				buf_printf(b, "%010zu %05d n\r\n", u->x[k].off, u->x[k].gen);
			}
		}
		buf_puts(b, "trailer\n<<");
		if (trailer_keys(b, u, p)) {
			return err_set(e, ERR_INVALID, "file", "the trailer's /ID is unreadable");
		}
		buf_printf(b, " >>\nstartxref\n%zu\n%%%%EOF\n", xref_off);
	} else {
		struct buf data = BUF_INIT, index = BUF_INIT;
		int w = xref_off < 0xFFFFFFFFu ? 4 : 8;
		for (i = 0; i < u->nx; i = j) {
			for (j = i + 1; j < u->nx && u->x[j].id == u->x[j - 1].id + 1; j++) {
			}
			buf_printf(&index, "%s%d %d", i ? " " : "", u->x[i].id, j - i);
		}
		for (i = 0; i < u->nx; i++) {
			size_t off = u->x[i].off; /* the stream's own: xref_off */
			buf_putc(&data, 1);
			for (int k = w - 1; k >= 0; k--) {
				buf_putc(&data, (char)((off >> (8 * k)) & 0xFF));
			}
			buf_putc(&data, (char)((u->x[i].gen >> 8) & 0xFF));
			buf_putc(&data, (char)(u->x[i].gen & 0xFF));
		}
		buf_printf(b, "%d 0 obj\n<< /Type /XRef", u->next_id - 1);
		if (trailer_keys(b, u, p)) {
			buf_free(&data);
			buf_free(&index);
			return err_set(e, ERR_INVALID, "file", "the trailer's /ID is unreadable");
		}
		buf_printf(b, " /Index [%s] /W [1 %d 2] /Length %zu >>\nstream\n",
			   index.z, w, data.n);
		buf_append(b, data.z, data.n);
		buf_printf(b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xref_off);
		buf_free(&data);
		buf_free(&index);
	}
	if (b->err) {
		return err_set(e, ERR_INTERNAL, "", "out of memory writing the update");
	}
	return 0;
}

/* ---- importing a one-page PDF as a Form XObject ---- */

/* Write object `oh` of q (a dictionary, array or stream) as new object id. */
static int copy_object(struct pdf_update *u, qpdf_data q, qpdf_oh oh, int id,
		       struct copier *c)
{
	struct buf tmp = BUF_INIT;
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = 0;
	if (qpdf_oh_is_stream(q, oh)) {
		static const char *const skip[] = {"/Length", NULL};
		if (qpdf_oh_get_stream_data(q, oh, qpdf_dl_none, NULL, &data, &len) &
		    QPDF_ERRORS) {
			return -1;
		}
		buf_puts(&tmp, "<<");
		rc = put_dict_keys(&tmp, q, qpdf_oh_get_dict(q, oh), skip, 0, c);
		buf_printf(&tmp, " /Length %zu >>\nstream\n", len);
		buf_append(&tmp, data, len);
		buf_puts(&tmp, "\nendstream");
		free(data);
	} else {
		rc = put_value(&tmp, q, oh, 0, c);
	}
	if (rc == 0 && !tmp.err) {
		pdf_obj_begin(u, id, 0);
		buf_append(&u->out, tmp.z, tmp.n);
		pdf_obj_end(u);
	}
	rc = rc || tmp.err ? -1 : 0;
	buf_free(&tmp);
	return rc;
}

int pdf_import_form(struct pdf_update *u, const unsigned char *src, size_t n,
		    double w, double h, int rotate, int *form_id,
		    struct err *e)
{
	static const char *const matrix[4] = {
		"", " /Matrix [0 1 -1 0 0 0]", " /Matrix [-1 0 0 -1 0 0]",
		" /Matrix [0 -1 1 0 0 0]",
	};
	struct copier c = {u, NULL, 0, 0};
	struct buf tmp = BUF_INIT;
	qpdf_data q = qpdf_init();
	qpdf_oh page, contents, v;
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = -1;
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	*form_id = pdf_update_new_id(u);
	if (qpdf_read_memory(q, "appearance", (const char *)src, n, "") & QPDF_ERRORS ||
	    qpdf_get_num_pages(q) != 1) {
		goto done;
	}
	page = qpdf_get_page_n(q, 0);
	contents = qpdf_oh_get_key(q, page, "/Contents");
	buf_printf(&tmp, "<< /Type /XObject /Subtype /Form /BBox [0 0 %.3f %.3f]%s"
			 " /Resources ", w, h, matrix[(rotate / 90) & 3]);
	if (put_value(&tmp, q, qpdf_oh_get_key(q, page, "/Resources"), 1, &c)) {
		goto done;
	}
	v = qpdf_oh_get_key(q, page, "/Group");
	if (qpdf_oh_is_dictionary(q, v)) {
		buf_puts(&tmp, " /Group ");
		if (put_value(&tmp, q, v, 1, &c)) {
			goto done;
		}
	}
	if (qpdf_oh_is_stream(q, contents)) {
		/* One content stream: keep it as it is (compressed). */
		static const char *const keep[] = {"/Filter", "/DecodeParms"};
		for (int i = 0; i < 2; i++) {
			v = qpdf_oh_get_key(q, qpdf_oh_get_dict(q, contents), keep[i]);
			if (!qpdf_oh_is_null(q, v)) {
				buf_printf(&tmp, " %s ", keep[i]);
				if (put_value(&tmp, q, v, 1, &c)) {
					goto done;
				}
			}
		}
		if (qpdf_oh_get_stream_data(q, contents, qpdf_dl_none, NULL, &data, &len) &
		    QPDF_ERRORS) {
			goto done;
		}
	} else if (qpdf_oh_get_page_content_data(q, page, &data, &len) & QPDF_ERRORS) {
		goto done;
	}
	buf_printf(&tmp, " /Length %zu >>\nstream\n", len);
	buf_append(&tmp, data, len);
	buf_puts(&tmp, "\nendstream");
	if (tmp.err) {
		goto done;
	}
	pdf_obj_begin(u, *form_id, 0);
	buf_append(&u->out, tmp.z, tmp.n);
	pdf_obj_end(u);
	/* Everything referenced, transitively (the map grows as we go). */
	rc = 0;
	for (int i = 0; rc == 0 && i < c.n; i++) {
		qpdf_oh o = qpdf_get_object_by_id(q, c.m[i].src_id, c.m[i].src_gen);
		rc = copy_object(u, q, o, c.m[i].new_id, &c);
	}
	if (qpdf_has_error(q)) {
		rc = -1;
	}
done:
	if (rc) {
		err_set(e, ERR_INTERNAL, "appearance",
			"the signature appearance could not be embedded");
	}
	free(data);
	free(c.m);
	buf_free(&tmp);
	qpdf_cleanup(&q);
	return rc ? -ERR_INTERNAL : 0;
}
