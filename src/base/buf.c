/*
 * buf.c — growable buffers (see buf.h for the invariants).  Owns nothing but
 * its own memory; never aborts on allocation failure, it sets b->err.
 */
#include "base/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->z = buf_empty;
	b->n = b->cap = 0;
	b->max = max;
	b->err = 0;
}

void buf_free(struct buf *b)
{
	if (b->cap) {
		free(b->z);
	}
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->n = 0;
	b->err = 0;
	if (b->cap) {
		b->z[0] = 0;
	}
}

static int buf_grow(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *z;
	if (b->err) {
		return -1;
	}
	if (extra > SIZE_MAX / 4 - b->n) {
		b->err = 1;
		return -1;
	}
	need = b->n + extra + 1;
	if (b->max && need - 1 > b->max) {
		b->err = 1;
		return -1;
	}
	if (need <= b->cap) {
		return 0;
	}
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		cap *= 2;
	}
	z = b->cap ? realloc(b->z, cap) : malloc(cap);
	if (!z) {
		b->err = 1;
		return -1;
	}
	b->z = z;
	b->cap = cap;
	return 0;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0 || buf_grow(b, n)) {
		return;
	}
	memcpy(b->z + b->n, p, n);
	b->n += n;
	b->z[b->n] = 0;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char small[256];
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = 1;
		return;
	}
	if ((size_t)n < sizeof small) {
		buf_append(b, small, (size_t)n);
		return;
	}
	if (buf_grow(b, (size_t)n)) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->z + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

void buf_json_str(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_putc(b, '"');
	for (; *p; p++) {
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			if (*p < 0x20) {
				buf_printf(b, "\\u%04x", *p);
			} else {
				buf_putc(b, (char)*p);
			}
		}
	}
	buf_putc(b, '"');
}

void buf_html(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *s);
		}
	}
}

char *buf_detach(struct buf *b, size_t *n)
{
	char *z;
	if (n) {
		*n = b->n;
	}
	if (!b->cap) {
		z = calloc(1, 1);
	} else {
		z = b->z;
	}
	buf_init(b, b->max);
	return z;
}
