/*
 * buf.h — a growable byte buffer that cannot be misused.
 *
 * Invariants: `z` is never NULL and always NUL-terminated; `err` is sticky
 * (an allocation failure or crossing `max` sets it and every later append is
 * a no-op), so a chain of appends is checked once at the end.  `max` (0 = no
 * limit beyond SIZE_MAX/2) is a hard cap on n.  Escaping is chosen by the
 * caller's context: buf_json_str() for JSON strings, buf_html() for HTML
 * text and attributes.  The owner frees with buf_free().
 */
#ifndef CADRE_BUF_H
#define CADRE_BUF_H

#include <stddef.h>

struct buf {
	char *z;
	size_t n, cap, max;
	int err;
};

#define BUF_INIT {buf_empty, 0, 0, 0, 0}
extern char buf_empty[1];

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal, quotes included. */
void buf_json_str(struct buf *b, const char *s);
/* Append s escaped for HTML text or a quoted attribute. */
void buf_html(struct buf *b, const char *s);
/* Take ownership of the bytes (caller frees with free()); b is reset. */
char *buf_detach(struct buf *b, size_t *n);

#endif
