/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What a file handed over without a policy that lists it holds: a roster,
 * call records or an Asterisk queue_log, told from its name and its first
 * line (respitectl import-check). */

#include "shared/util.h"

typedef enum SourceKind {
        SOURCE_KIND_ROSTER,             /* roster CSV or iCalendar */
        SOURCE_KIND_CALLS,              /* call-record CSV */
        SOURCE_KIND_QUEUE_LOG,          /* Asterisk queue_log */
        _SOURCE_KIND_MAX,
        _SOURCE_KIND_INVALID = -EINVAL,
} SourceKind;

/* Guess the kind of path: "*.ics" or a first line "BEGIN:VCALENDAR" is an
 * iCalendar roster; "*queue_log*" or a first line
 * "EPOCH|CALLID|QUEUE|AGENT|EVENT…" a queue_log; otherwise a CSV whose
 * header names operator,start,end and a call-record column (call_id,
 * caller, queue, wait_seconds) holds call records, and one naming
 * operator,start,end and perhaps name,team a roster (a header with neither
 * extra column is taken for a roster). *ret_why (may be NULL) says why, as
 * "its header has call_id, caller, queue, wait_seconds", in the reader's
 * language (gettext), as are the messages logged.
 *
 * Returns 0, or a negative errno after logging why, once: a file that cannot
 * be read ("FILE: cannot open: …"; an empty one, "FILE: the file is empty,
 * …", -ENODATA), or -EBADMSG for a first line that fits none of them
 * ("FILE:1: expected … got …"). */
int source_kind_guess(const char *path, SourceKind *ret, char **ret_why);

/* "a roster", "a call-record file", "an Asterisk queue_log" (English,
 * marked N_() for po/: a reader's text says _() of it). */
const char *source_kind_to_string(SourceKind k) _pure_;
