/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Call records: one row per served call, as an ACD or PBX reports it. */

#include "shared/util.h"

typedef struct CallRecord {
        char *call_id;          /* may be NULL */
        char *operator;         /* operator id, never NULL */
        char *caller;           /* pseudonym or number; NULL when unknown */
        char *queue;            /* may be NULL */
        usec_t start, end;      /* UTC, start <= end */
        unsigned wait_seconds;  /* time in queue before answer, seconds */
        char *source;           /* "calls.csv:12" */
} CallRecord;

typedef struct CallLog {
        CallRecord *calls;      /* sorted by end, then start, then call_id */
        size_t n_calls;
} CallLog;

/* An empty call log. Returns NULL on OOM. */
CallLog *call_log_new(void);
CallLog *call_log_free(CallLog *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(CallLog *, call_log_free);

/* Append a copy of c (strings duplicated; NULL ones stay NULL) to l.
 * Call call_log_finish() after the last. Returns 0 or -ENOMEM. */
int call_log_add(CallLog *l, const CallRecord *c);

/* Append copies of the records of from to l. Returns 0 or -ENOMEM. */
int call_log_append(CallLog *l, const CallLog *from);

/* Sort the records by end instant. Returns 0. */
int call_log_finish(CallLog *l);
