/*
 * log.c — stderr logging.  The only global is the minimum level, set once at
 * start-up before threads exist.
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/date.h"

enum log_level log_min_level = LOG_INFO;

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	char ts[25], line[1024];
	va_list ap;
	if (lvl < log_min_level) {
		return;
	}
	time_format_ms(time_now_ms(), ts);
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s %s %s\n", ts, names[lvl], line);
}
