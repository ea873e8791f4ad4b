/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Logging: one line per message on stderr. When stderr is connected to the
 * journal (systemd sets $JOURNAL_STREAM), each line is prefixed with its
 * syslog priority ("<3>") so journald records the level, as sd-daemon(3)
 * describes. Helpers return errors silently; the caller that handles an error
 * logs it once. Every log_* function returns -abs(error) (or 0) so it can be
 * used in "return log_error_errno(r, ...)".
 *
 * Every message is one line: whatever its arguments hold, control
 * characters in it are escaped (cescape_controls()), a "<" that starts it
 * too, and it is cut at LOG_LINE_MAX bytes with "…". Arguments from outside
 * are still quoted where they are logged (ESCAPED(), shared/escape.h), so
 * that each is capped and readable on its own. */

#include <syslog.h>

#include "shared/util.h"

/* The longest line written, priority prefix and newline not counted. */
#define LOG_LINE_MAX 4096

/* Decide the prefixing once, at start-up. */
void log_setup(void);
/* Messages above this priority (LOG_DEBUG > LOG_INFO) are dropped. */
void log_set_max_level(int level);
/* Write to f instead of stderr (tests capture messages); NULL restores stderr. */
void log_set_target(FILE *f);

int log_internal(int level, int error, const char *format, ...) _printf_(3, 4);

#define log_debug(...)   log_internal(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)    log_internal(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...)  log_internal(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...)   log_internal(LOG_ERR, 0, __VA_ARGS__)
#define log_error_errno(e, ...)   log_internal(LOG_ERR, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_internal(LOG_WARNING, (e), __VA_ARGS__)
#define log_debug_errno(e, ...)   log_internal(LOG_DEBUG, (e), __VA_ARGS__)
#define log_oom() log_internal(LOG_ERR, ENOMEM, "Out of memory.")
