/*
 * log.h — one-line diagnostics to stderr with a UTC timestamp and level.
 * Quiet by default for DEBUG; `log_level` is set once at start-up.
 */
#ifndef CADRE_LOG_H
#define CADRE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
extern enum log_level log_min_level;
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
