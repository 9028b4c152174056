/*
 * embed.h — files compiled into the binary by tools/embed.c: the SQL
 * migrations (embed_migrations, sorted by name) and the web UI (embed_web).
 */
#ifndef CADRE_EMBED_H
#define CADRE_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *path;
	const unsigned char *data;
	size_t len;
};

extern const struct embed_file embed_migrations[];
extern const size_t embed_migrations_count;
extern const struct embed_file embed_web[];
extern const size_t embed_web_count;

#endif
