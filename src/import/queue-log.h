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
 *   - agent state, while following (track_agents): CONNECT → on_call,
 *     the ends of a call → available (paused when a pause is open), logins
 *     → available, logoffs → logged_out once the operator's last channel
 *     left, PAUSE(ALL) → paused with its reason (after the call in
 *     progress, if any), UNPAUSE(ALL) → available (on_call while a call is
 *     open) → AgentStateChange, for the follower to take.
 * Other events (RINGNOANSWER, vendor OUT* events, …) are counted and
 * ignored. A channel is an operator by the agents mapping of the source
 * (exact name or fnmatch(3) pattern); an unmapped channel is the operator
 * named by its number: "Agent/1127", "Local/1127@callback-agent" and
 * "SIP/1127-0001" are all "1127". */

#include <sys/types.h>

#include "core/agent-state.h"
#include "core/calls.h"
#include "import/source.h"

typedef struct QueueLogSpan {
        char *operator;
        usec_t start, end;      /* UTC; end = USEC_INFINITY while open */
        char *reason;           /* pauses: the reason given, or NULL */
} QueueLogSpan;

/* A call waiting in the queue, from ENTERQUEUE to its end. */
typedef struct QueueLogPending {
        char *uniqueid;
        char *caller;           /* NULL when unknown */
} QueueLogPending;

/* A call in progress, from CONNECT to its end (kept with track_agents). */
typedef struct QueueLogTalk {
        char *uniqueid;
        char *operator;
        char *agent;            /* the channel that answered */
        usec_t start;           /* UTC: the CONNECT */
} QueueLogTalk;

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
        QueueLogTalk *talking;          /* calls in progress (track_agents only) */
        size_t n_talking;

        /* Agent state: set track_agents to have the changes kept (a
         * follower); a whole file read offline keeps none. */
        bool track_agents;
        AgentStateChange *changes;      /* in the order of the lines */
        size_t n_changes;
} QueueLog;

int queue_log_new(QueueLog **ret);
QueueLog *queue_log_free(QueueLog *q);
DEFINE_TRIVIAL_CLEANUP_FUNC(QueueLog *, queue_log_free);

/* Hand the agent state changes kept since the last call over to the
 * caller (*ret, malloc'ed, each to be freed with agent_state_change_done(),
 * NULL when none) and forget them. Returns how many. */
size_t queue_log_take_changes(QueueLog *q, AgentStateChange **ret);

/* Keep a change for every operator with something open in q (a session, a
 * pause, a call in progress), as the state that gives since it began (a
 * pause asked for during a call still waits for its end): for a follower
 * that resumes from a stored position and open state. Returns 0 or
 * -ENOMEM. */
int queue_log_restate(QueueLog *q);

void queue_log_pending_done(QueueLogPending *p);
void queue_log_open_done(QueueLogOpen *o);
void queue_log_talk_done(QueueLogTalk *t);

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
 * or a negative errno (-EISDIR for a directory, -EBADFD for a FIFO, a device
 * or a socket: opened without blocking, never read), not logged. */
int queue_log_tail_new(const char *path, dev_t dev, ino_t ino, uint64_t offset, QueueLogTail **ret);
/* The same, resuming at line line (offset bytes) of (dev, ino) when the
 * file at path is that file and not shorter; when path names another file
 * now but rotated (path ".1", as logrotate(8) names it) is (dev, ino) and
 * not shorter, that one is read on to its end first, then path from its
 * start; else path from its start. */
int queue_log_tail_resume(const char *path, const char *rotated, dev_t dev, ino_t ino, uint64_t offset,
                          unsigned line, QueueLogTail **ret);
QueueLogTail *queue_log_tail_free(QueueLogTail *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(QueueLogTail *, queue_log_tail_free);

/* Feed q the complete lines appended since the last call. When the path
 * now names another file (rotated), the old one is read to its end first,
 * then the new one from its start; a file that shrank is read again from
 * its start (truncated). Returns the number of lines taken, or a negative
 * errno, not logged (the follower logs it). */
int queue_log_tail_read(QueueLogTail *t, QueueLog *q, const SourceOptions *o);
