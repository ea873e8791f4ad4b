/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Asterisk queue_log files: "epoch|uniqueid|queue|agent|EVENT|params…", one
 * event a line. What respite takes from them:
 *   - calls: ENTERQUEUE gives the caller, COMPLETEAGENT/COMPLETECALLER and
 *     the transfers give the hold and talk time (the call ends at the
 *     event, began talk time before) → CallRecord, for prolonged_call and
 *     repeat_caller;
 *   - sessions: AGENTLOGIN/AGENTCALLBACKLOGIN/ADDMEMBER to AGENTLOGOFF/
 *     AGENTCALLBACKLOGOFF/REMOVEMEMBER of the same channel;
 *   - pauses: PAUSE(ALL) to UNPAUSE(ALL): breaks actually taken.
 * Other events (RINGNOANSWER, vendor OUT* events, …) are counted and
 * ignored. A channel is an operator by the agents mapping of the source
 * (exact name or fnmatch(3) pattern); an unmapped channel is the operator
 * named by its number: "Agent/1127", "Local/1127@callback-agent" and
 * "SIP/1127-0001" are all "1127". */

#include <sys/types.h>

#include "core/calls.h"
#include "import/source.h"

typedef struct QueueLogSpan {
        char *operator;
        usec_t start, end;      /* UTC; end = USEC_INFINITY while open */
        char *reason;           /* pauses: the reason given, or NULL */
} QueueLogSpan;

typedef struct QueueLogPending QueueLogPending;

/* A channel logged in (session), or an operator paused, since start. */
typedef struct QueueLogOpen {
        bool pause;
        char *key;              /* the channel; the operator for a pause */
        char *operator;
        usec_t start;
        char *reason;
} QueueLogOpen;

typedef struct QueueLog {
        CallLog *calls;                 /* answered calls (call_log_finish() before use) */
        QueueLogSpan *sessions;         /* per operator, by start; overlapping channels merged */
        size_t n_sessions;
        QueueLogSpan *pauses;
        size_t n_pauses;
        size_t n_lines, n_ignored, n_skipped;

        /* Events still waiting for their end, kept to follow a file. */
        QueueLogPending *pending;       /* ENTERQUEUE callers by uniqueid */
        size_t n_pending;
        QueueLogOpen *open;             /* logged-in channels and paused operators */
        size_t n_open;
} QueueLog;

int queue_log_new(QueueLog **ret);
QueueLog *queue_log_free(QueueLog *q);
DEFINE_TRIVIAL_CLEANUP_FUNC(QueueLog *, queue_log_free);

/* Take one line (without its line end) of file path at line. A malformed
 * line is logged "FILE:LINE: why, skipping line" and counted; returns 0, or
 * -ENOMEM. */
int queue_log_feed(QueueLog *q, const SourceOptions *o, const char *path, unsigned line, const char *text);

/* Read a whole queue_log file into q. o may be NULL
 * (no agents mapping). ret_skipped gets the malformed lines. Returns 0, or
 * a negative errno after logging why the file cannot be read, once:
 * "FILE: cannot open: …", "FILE: cannot read: …" or "FILE: out of memory";
 * the caller does not log the error again. */
int queue_log_load(QueueLog *q, const char *path, const SourceOptions *o, size_t *ret_skipped);

/* Following a queue_log that grows and is rotated. */
typedef struct QueueLogTail {
        char *path;
        int fd;
        dev_t dev;
        ino_t ino;
        uint64_t offset;                /* bytes of complete lines taken */
        unsigned line;                  /* lines taken */
        char *partial;                  /* a last line without its "\n" yet */
} QueueLogTail;

/* Start following path at offset when the file there is still (dev, ino),
 * else from its start (a rotated or new file). A missing file is no error:
 * it is picked up when it appears (t->fd is negative until then). Returns 0
 * or a negative errno (-EISDIR for a directory), not logged. */
int queue_log_tail_new(const char *path, dev_t dev, ino_t ino, uint64_t offset, QueueLogTail **ret);
QueueLogTail *queue_log_tail_free(QueueLogTail *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(QueueLogTail *, queue_log_tail_free);

/* Feed q the complete lines appended since the last call. When the path
 * now names another file (rotated), the old one is read to its end first,
 * then the new one from its start; a file that shrank is read again from
 * its start (truncated). Returns the number of lines taken, or a negative
 * errno, not logged (the follower logs it). */
int queue_log_tail_read(QueueLogTail *t, QueueLog *q, const SourceOptions *o);
