/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Call records: one row per served call, as an ACD or PBX reports it; and
 * the pauses the operators took in the ACD on their own. */

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

/* A pause an operator took in the ACD on their own, closed: [start, end)
 * (an Asterisk queue_log's PAUSE to UNPAUSE, SetAgentState() "paused" to
 * the next state). The ACD's reason does not matter to the planner: the
 * operator was off the phones (planner.h, statutory.pauses_count). */
typedef struct PauseSpan {
        char *operator;         /* operator id, never NULL */
        usec_t start, end;      /* UTC, start < end */
} PauseSpan;

typedef struct CallLog {
        CallRecord *calls;      /* sorted by end, then start, then call_id */
        size_t n_calls;
        PauseSpan *pauses;      /* sorted by operator (strcmp()), then start, then end */
        size_t n_pauses;
} CallLog;

/* An empty call log. Returns NULL on OOM. */
CallLog *call_log_new(void);
CallLog *call_log_free(CallLog *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(CallLog *, call_log_free);

/* Append a copy of c (strings duplicated; NULL ones stay NULL) to l.
 * Call call_log_finish() after the last. Returns 0 or -ENOMEM. */
int call_log_add(CallLog *l, const CallRecord *c);

/* Append the closed pause [start, end) of operator to l (copied); a span
 * with end <= start, or not closed (end USEC_INFINITY), is not kept.
 * Call call_log_finish() after the last. Returns 0 or -ENOMEM. */
int call_log_add_pause(CallLog *l, const char *operator, usec_t start, usec_t end);

/* Append copies of the records and pauses of from to l. Returns 0 or
 * -ENOMEM. */
int call_log_append(CallLog *l, const CallLog *from);

/* Sort the records by end instant, the pauses by operator and start.
 * Returns 0. */
int call_log_finish(CallLog *l);

/* The calls of a log by operator, then start, and the operators' pauses:
 * what the ACD says the operators did, as the planner and the metrics read
 * it, so that one operator's calls and pauses cost that operator's alone.
 * The daemon may also make one of a single operator's calls and pauses
 * (sorted by start) without a CallLog. No pauses (NULL, 0): the planner
 * plans as it did before it knew pauses. */
typedef struct CallIndex {
        const CallRecord **calls;       /* by operator (strcmp()), then start, end, call_id; point
                                         * into the log, valid while it lives unchanged */
        size_t n_calls;
        const PauseSpan *pauses;        /* by operator (strcmp()), then start, end: closed; not
                                         * owned (the log's, finished), or NULL */
        size_t n_pauses;
} CallIndex;

/* Calls longer than this are not looked for before an instant: a call
 * begun more than a day before t is taken to be over at t
 * (calls_containing()). */
#define CALL_LONGEST USEC_PER_DAY

/* An index of the calls of l (finished or not; NULL or empty: an empty
 * index), and of its pauses (which only call_log_finish() sorts: finish a
 * log with pauses first). Costs O(n log n). Returns 0 or -ENOMEM. */
int call_index_new(const CallLog *l, CallIndex **ret);
CallIndex *call_index_free(CallIndex *i);
DEFINE_TRIVIAL_CLEANUP_FUNC(CallIndex *, call_index_free);

/* The calls of operator in i (NULL: none), sorted by start: a pointer to
 * the first in *ret (into i; NULL when none), and how many. A binary
 * search: O(log n). */
size_t call_index_operator(const CallIndex *i, const char *operator, const CallRecord * const **ret);

/* The pauses of operator in i (NULL: none), sorted by start: a pointer to
 * the first in *ret (into i; NULL when none), and how many. O(log n). */
size_t call_index_pauses(const CallIndex *i, const char *operator, const PauseSpan **ret);

/* Of calls (n, sorted by start, as call_index_operator() gives them), the
 * index of the first that starts at or after t (n when none). O(log n). */
size_t calls_first_starting(const CallRecord * const *calls, size_t n, usec_t t);

/* A call of calls (sorted by start) with start < t < end: t lies strictly
 * inside it (an instant a call starts or ends at is not inside it), or
 * NULL. Of several, the one ending last. Looks at the calls begun in
 * (t - CALL_LONGEST, t). */
const CallRecord *calls_containing(const CallRecord * const *calls, size_t n, usec_t t);
