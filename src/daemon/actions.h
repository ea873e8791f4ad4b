/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Actions: commands respited runs when an operator's break starts or ends
 * (or comes due during a call), so that the ACD's queue pauses and unpauses
 * the operator. The site writes them in the actions group of respite.conf(5)
 * as an argv (no shell); conf/actions/ holds examples for Asterisk,
 * FreeSWITCH, Kazoo and Amazon Connect.
 *
 * The runner never blocks the event loop: each run is a child process in its
 * own session (so a timeout kills everything it started), watched with
 * sd_event_add_child(); its stdout and stderr are read on the loop and
 * logged line by line; a run that fails (exit status not 0, a signal, the
 * timeout) is tried again retries times, retry_delay apart. Runs of one
 * operator happen one after the other in the order they were asked for, so
 * that an unpause never overtakes its pause; runs of different operators run
 * side by side.
 *
 * The child's environment is this and nothing else (respite.conf(5),
 * ACTIONS):
 *   PATH                         ACTIONS_PATH below
 *   RESPITE_EVENT                break_start, break_end or break_due
 *   RESPITE_OPERATOR             the operator id of the roster
 *   RESPITE_AGENT                the ACD's channel for the operator ("Agent/1127"), empty when unknown
 *   RESPITE_TEAM                 the operator's team, empty when none
 *   RESPITE_BREAK_KIND           planned, statutory or recovery
 *   RESPITE_BREAK_UID            the break's UID, as in the feeds and signals
 *   RESPITE_BREAK_START          ISO 8601 UTC, "2026-12-02T10:20:00Z"
 *   RESPITE_BREAK_END            likewise
 *   RESPITE_BREAK_START_USEC     microseconds since the Unix epoch
 *   RESPITE_BREAK_END_USEC       likewise
 *   RESPITE_REASON               what the queue may show anyone ("Break", as a team
 *                                feed): never the kind, an incident's category or note
 * stdin is /dev/null and the working directory is /. */

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "shared/clock.h"
#include "shared/string-table.h"
#include "shared/util.h"

/* The fixed PATH of every action. */
#define ACTIONS_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* After SIGTERM at the timeout, a run's process group gets SIGKILL this much later. */
#define ACTIONS_KILL_DELAY (5 * USEC_PER_SEC)

typedef enum ActionEvent {
        ACTION_BREAK_START,     /* the break begins: pause the operator in the queue */
        ACTION_BREAK_END,       /* the break ends: unpause */
        ACTION_BREAK_DUE,       /* the break's time came while the operator is on a call */
        _ACTION_EVENT_MAX,
        _ACTION_EVENT_INVALID = -EINVAL,
} ActionEvent;

/* "break_start", "break_end", "break_due": the names of the configuration
 * keys, of $RESPITE_EVENT and of the log. */
DECLARE_STRING_TABLE_LOOKUP(action_event, ActionEvent);

/* The actions group of respite.conf(5), parsed and freed with the Policy
 * (core/policy-actions.c). */
typedef struct ActionSettings {
        char **argv[_ACTION_EVENT_MAX]; /* per event, NULL-terminated, argv[0] an absolute path; NULL = none */
        usec_t timeout;                 /* a run longer than this is killed; > 0, default 10s */
        unsigned retries;               /* a failed run is tried again this many times; default 2 */
        usec_t retry_delay;             /* between a failure and the next try; default 5s */
} ActionSettings;

#define ACTIONS_DEFAULT_TIMEOUT     (10 * USEC_PER_SEC)
#define ACTIONS_DEFAULT_RETRIES     2U
#define ACTIONS_DEFAULT_RETRY_DELAY (5 * USEC_PER_SEC)

/* Free what s holds and set it to the defaults above. Inline, so that both
 * the policy (core) and the runner (daemon) use it. */
static inline void action_settings_done(ActionSettings *s) {
        for (size_t i = 0; i < _ACTION_EVENT_MAX; i++)
                strv_free(s->argv[i]);
        *s = (ActionSettings) {
                .timeout = ACTIONS_DEFAULT_TIMEOUT,
                .retries = ACTIONS_DEFAULT_RETRIES,
                .retry_delay = ACTIONS_DEFAULT_RETRY_DELAY,
        };
}

/* What a run is about; it becomes the child's environment (see above).
 * NULL strings, and start or end 0, become empty variables; the runner
 * copies what it needs, so the caller's strings need not outlive
 * actions_run(). */
typedef struct ActionContext {
        const char *operator;   /* required */
        const char *agent;      /* the ACD's channel, or NULL when unknown */
        const char *team;
        const char *break_kind; /* "planned", "statutory", "recovery" (break_kind_to_string()) */
        const char *break_uid;
        const char *reason;     /* a public reason only: what a team feed may show */
        usec_t start, end;      /* the break, µs since the epoch (UTC) */
} ActionContext;

/* What the runner did since actions_new(), for GetStatus. The strings are
 * the runner's: valid until the next call into it or the next iteration of
 * the event loop. */
typedef struct ActionStatus {
        uint64_t started;       /* runs begun (one per actions_run() that had a command), retries not counted */
        uint64_t attempts;      /* processes started or tried, retries included */
        uint64_t succeeded;     /* runs that ended with exit status 0 */
        uint64_t failed;        /* runs given up after their last retry */
        uint64_t timed_out;     /* attempts killed at the timeout */
        unsigned running;       /* runs not finished: running, waiting for a retry, or queued behind the same operator's */
        struct {
                ActionEvent event;      /* _ACTION_EVENT_INVALID when no run failed yet */
                const char *operator;
                usec_t when;            /* the give-up on the runner's clock, UTC µs */
                const char *why;        /* the last attempt's end: "exit status 3", "timed out after 10s", … */
        } last_failure;
} ActionStatus;

typedef struct Actions Actions;

/* A runner on event loop e, with no action configured (every actions_run()
 * then does nothing until actions_set_settings()). clock (may be NULL: the
 * real one) dates the failures it reports: respited's, which a replay
 * (--clock) sets; timeouts and retries run on real time whatever it says.
 * Blocks SIGCHLD in the calling thread, as sd_event_add_child(3) requires
 * (respited is single threaded). Returns 0 or a negative errno. */
int actions_new(sd_event *e, const Clock *clock, Actions **ret);

/* Kill every running action's process group (SIGKILL), reap it, and free
 * everything; pending retries and queued runs are dropped. Accepts NULL;
 * returns NULL. */
Actions *actions_free(Actions *a);
DEFINE_TRIVIAL_CLEANUP_FUNC(Actions *, actions_free);

/* Take a copy of s (on start and on every reload). Runs in flight keep the
 * command, timeout and retries they started with; runs asked for afterwards
 * use the new ones. Returns 0 or -ENOMEM (a keeps its old settings). */
int actions_set_settings(Actions *a, const ActionSettings *s);

/* Run the command configured for event with ctx's environment, without
 * blocking: the process is started now, or when the runs of the same
 * operator asked for earlier have finished. Failures of the command are
 * handled (logged, retried, counted) by the runner, never returned.
 * Returns 1 when a run was begun or queued, 0 when no command is configured
 * for event, -EINVAL for an invalid event or a context without an operator,
 * -ENOMEM. */
int actions_run(Actions *a, ActionEvent event, const ActionContext *ctx);

/* A snapshot of the counters and the last failure into *ret. */
void actions_get_status(const Actions *a, ActionStatus *ret);
