/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Text from outside (bus arguments, spool file names and contents, HTTP
 * requests, the ACD's fields) made safe for one log line, as systemd's
 * cescape() does it: nothing in it can end the line, forge a "<N>" priority
 * prefix of journald's stream protocol (sd-daemon(3)) at the start of a
 * line, move a terminal's cursor, or fill the log. */

#include "shared/util.h"

/* The room cescape_log() writes into, NUL included: escaped text, then
 * "…" when it was cut. */
#define CESCAPE_LOG_MAX 208

/* s for a log line: backslash and both quotes, the C0 controls, DEL, the
 * C1 controls (U+0080–U+009F), U+2028, U+2029, the bidirectional overrides
 * and isolates (U+202A–U+202E, U+2066–U+2069; CVE-2021-42574) and every
 * byte not part of well-formed UTF-8 (RFC 3629) become C escapes (\n, \t,
 * \\, \', \", \xNN, byte by byte); the rest of the UTF-8 text is kept. At
 * most CESCAPE_LOG_MAX - 4 bytes of it go into buf, and "…" ends it when
 * it was cut (never inside an escape or a character). NULL gives "(null)".
 * Returns buf. */
const char *cescape_log(const char *s, char buf[static CESCAPE_LOG_MAX]);
/* The same of the first n bytes at s (a NUL among them is escaped too). */
const char *cescape_log_n(const char *s, size_t n, char buf[static CESCAPE_LOG_MAX]);

/* cescape_log() into a buffer that lives until the end of the enclosing
 * block: log_notice("Denied '%s'.", ESCAPED(operator)). */
#define ESCAPED(s) cescape_log((s), (char[CESCAPE_LOG_MAX]) {})

/* Escape the control characters (C0 but tab, DEL) of the n bytes at s, as
 * cescape_log() does, into out of size bytes (≥ 4), ending with "…" when
 * they do not all fit or when cut says s was cut already. For whole log
 * lines (log_internal()), whose quoting the call sites did. Returns the
 * length written, NUL not counted. */
size_t cescape_controls(const char *s, size_t n, bool cut, char *out, size_t size);
