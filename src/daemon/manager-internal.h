/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the manager's files (manager.c, manager-sources.c,
 * manager-publish.c, manager-incidents.c) share and nobody else calls. Each
 * function logs its own errors unless it says otherwise. */

#include "daemon/manager.h"
#include "daemon/subscribers.h"
#include "import/inputs.h"

typedef struct ManagerTail ManagerTail;
typedef struct ManagerSource ManagerSource;

/* manager.c */

/* Put what in gives (and *policy, unless NULL) in force, taking both over:
 * the roster, the coverage and the incidents found in the call records,
 * merged again with the reported ones; new operators and teams get their
 * feed tokens. On failure nothing changes and nothing is taken. Returns 0
 * or -ENOMEM. */
int manager_swap_inputs(Manager *m, Policy **policy, Inputs *in);

/* manager-sources.c */

/* Read every roster and call-record file of policy p (or the command-line
 * overrides) through the last good versions and the queue_log tails.
 * Returns 0 and the inputs in *ret, or a negative errno when a file could
 * be read neither now nor before (each said why). */
int manager_load_sources(Manager *m, const Policy *p, Inputs *ret);
/* Read the sources again after a change and re-plan. When one cannot be
 * read at all, the last good roster and call records stay in force, and the
 * log says so. */
int manager_reload_sources(Manager *m);
/* Watch the directories of the sources (inotify), replacing older watches,
 * and read them again daily. Returns 0 or -ENOMEM. */
int manager_watch_sources(Manager *m);
/* manager_agent_replay_reset() with calls, leaving the followed
 * queue_logs' calls to their lines. Returns 0 or -ENOMEM (logged). */
int manager_replay_agent_calls(Manager *m, const CallLog *calls);
/* Free the watches, the tails and the last good versions. */
void manager_sources_done(Manager *m);

/* manager-publish.c */

/* A break to announce (BreakScheduled): pointers into the current plan. */
typedef struct ManagerAnnouncement {
        const char *operator;
        const Break *brk;
} ManagerAnnouncement;

/* What one revision changed; the strings and breaks point into the plans
 * compared, which outlive it. */
typedef struct ManagerChanges {
        const char **operators;         /* whose day changed, in plan order, each once */
        size_t n_operators;
        ManagerAnnouncement *scheduled; /* new and moved breaks */
        size_t n_scheduled;
} ManagerChanges;

void manager_changes_done(ManagerChanges *c);
/* Compare one operator's shifts before (old, may be empty) and after (new,
 * may be empty), both in plan order: log the new, moved and removed breaks,
 * add the new and moved ones to c->scheduled and the operator to
 * c->operators when their day changed. Costs their breaks. Returns 0 or
 * -ENOMEM (not logged). */
int manager_diff_operator(Manager *m, const ShiftPlan *old, size_t n_old, const ShiftPlan *new, size_t n_new,
                          ManagerChanges *c);
/* The same for two whole revisions (old may be NULL), walking both in plan
 * order: linear in the site. */
int manager_diff_plans(Manager *m, const Plan *old, const Plan *new, ManagerChanges *c);
/* The feeds of the operators in c and of their teams: rendered, written as
 * files (<dir>/<operator>.ics, <dir>/team-<team>.ics) when their bytes
 * changed, and served over HTTP. */
int manager_publish_changes(Manager *m, const ManagerChanges *c);
/* The feed of operator alone (what only it says changed: whether a break
 * was taken). */
int manager_publish_operator(Manager *m, const char *operator);
/* Every feed of the roster, and feeds gone from it no longer served. */
int manager_publish_all(Manager *m);
/* BreakScheduled for each break of c, then ScheduleChanged per operator. */
void manager_announce(Manager *m, const ManagerChanges *c);
/* Every feed of the roster ("OPERATOR", "team-TEAM") gets its secret
 * token: read from the store the first time, created there for new feeds,
 * kept in memory. */
int manager_ensure_feed_tokens(Manager *m);
/* What the feed files hold is not known any more (the feed directory may
 * have changed): the next publishing compares with the files again. */
void manager_feeds_forget_files(Manager *m);
/* Free the feeds kept in memory. */
void manager_feeds_done(Manager *m);
/* HTTP asks for a feed it does not keep (http_render_fn): name is
 * "OPERATOR" or "team-TEAM". Returns 0 or a negative errno. */
int manager_render_for_http(const char *name, char **ret, void *userdata);

/* manager-http.c */

/* Serve the feeds over HTTP on the socket systemd passed or on
 * feeds.listen; at start and on every reload. Tokens live in the store:
 * without one, no HTTP. A failure to listen is logged once per state and
 * tried again on a timer, 1 s doubling to 60 s; a call (a reload) tries at
 * once, and listens on feeds.listen anew when it changed (the passed socket
 * stays). Never fails: without memory, no HTTP (logged). */
void manager_start_http(Manager *m);
void manager_http_done(Manager *m);
/* The feed server's state for GetStatus and STATUS= in *ret (malloc'ed):
 * "listening on 127.0.0.1:8080", "retrying 127.0.0.1:8080: Address already
 * in use" with " (next try in 8 s)" when next_try, or "off". Returns 0 or
 * -ENOMEM. */
int manager_http_state(const Manager *m, bool next_try, char **ret);

/* manager.c */

/* STATUS= for the service manager: the plan's counts and the feed server's
 * state. */
void manager_notify_status(const Manager *m);

/* manager-edges.c */

typedef struct ManagerEdge ManagerEdge;

/* Announce every break edge due by until (BreakStarted, BreakEnded),
 * each costing its shift. */
void manager_edges_run(Manager *m, usec_t until);
/* Shifts [first, first + n) of m->plan were revised at now: announce their
 * edges due by now and queue the rest. */
void manager_edges_revised(Manager *m, size_t first, size_t n, usec_t now);
/* A new plan: every shift's edges up to done count as announced, the rest
 * are queued. Returns 0 or -ENOMEM (logged). */
int manager_edges_reset(Manager *m, usec_t done);
void manager_edges_done(Manager *m);
/* The call records of m->detected up to now count as reached. */
void manager_skip_detected(Manager *m, usec_t now);
/* Arm the timer for the next break edge, call record or local midnight. */
int manager_arm_timer(Manager *m);

/* manager-agents.c */

/* An operator's agent state as respited knows it. */
typedef struct ManagerAgent {
        AgentState state;
        usec_t since;                   /* UTC usec: when the state began */
        const char *reason;             /* paused, on_break: the ACD's reason, or NULL */
        const char *agent;              /* the ACD's channel ("SIP/8007"), or NULL */
        usec_t call_since;              /* on_call: when the call began; else 0 */
} ManagerAgent;

/* A call of an operator: [start, end), UTC usec. */
typedef struct ManagerCallSpan {
        usec_t start, end;
} ManagerCallSpan;

typedef struct ManagerReplayCall ManagerReplayCall;

/* The one place every change of an operator's state passes (from a
 * queue_log, the call records under a replay clock, SetAgentState), after
 * the table holds after: for now it logs "op27: on_call since 10:02
 * (SIP/8007)", at debug level for a call beginning or ending (the bulk),
 * at info level for the rest (logins, logoffs, pauses, breaks). before is what the table held (logged_out, since 0, for an
 * operator not heard of). Both are valid during the call only. */
void manager_agent_changed(Manager *m, const char *operator, const ManagerAgent *before, const ManagerAgent *after);
/* Apply c to its operator (any source; the operator need not be in the
 * roster). A state left on_call closes that call as a span [call_since,
 * c->since). Returns 1 when the state changed (manager_agent_changed() was
 * called), 0 when it was so already, -ESTALE when c->since lies before the
 * current state's since (ignored), -EINVAL for a bad state, -ENOMEM.
 * Costs the operator's calls, not the site. Not logged. */
int manager_agent_set(Manager *m, const AgentStateChange *c);
/* Apply changes[0..n) in order and free them (and the array): for
 * queue_log_take_changes(). Returns 0 or -ENOMEM (not logged). */
int manager_agent_take_changes(Manager *m, AgentStateChange *changes, size_t n);
/* The state of operator, or NULL when nothing was heard of them (logged
 * out). Valid until the next change. */
const ManagerAgent *manager_agent_get(const Manager *m, const char *operator);
/* Keep the closed call [start, end) of operator (a call record of a
 * queue_log read back from the store); a span with the same start is
 * merged. Returns 0 or -ENOMEM. */
int manager_agent_add_call(Manager *m, const char *operator, usec_t start, usec_t end);
/* The calls of operator known to respited, by start: the closed spans of
 * the last 8 days before their latest, then, while on a call now, the open
 * one as [call_since, now) (at least a microsecond: a call that began at
 * now is one). *ret is malloc'ed (never NULL on success).
 * Returns how many, or -ENOMEM. */
ssize_t manager_agent_calls(const Manager *m, const char *operator, usec_t now, ManagerCallSpan **ret);
/* The pauses operator took on their own that are over (agent state paused,
 * whatever the reason, until the next state; a pause going on now is not
 * one), by start, those of the last 8 days before their latest: at *ret
 * (into the agent table, valid until its next change; NULL when none).
 * Returns how many. */
size_t manager_agent_pauses(const Manager *m, const char *operator, const ManagerCallSpan **ret);
/* The call records of the CSVs (calls; those whose source is
 * "PATH:LINE" for a PATH in skip_prefixes, the followed queue_logs, are
 * left to their lines) drive agent state while a replay clock (--clock)
 * passes their starts and ends. Calls over by now are kept as spans,
 * calls going on make their operator on_call. Without --clock, nothing.
 * Returns 0 or -ENOMEM (logged). */
int manager_agent_replay_reset(Manager *m, const CallLog *calls, char * const *skip_prefixes);
/* Apply the starts and ends of calls up to until, in time order, for at
 * most MANAGER_REPLAY_SLICE (50 ms, CLOCK_MONOTONIC; each may revise a team's plan):
 * true when every edge up to until is applied, false when more wait (the
 * caller lets the event loop serve the bus and the feeds, then goes on). */
bool manager_agent_replay_run(Manager *m, usec_t until);
/* The next start or end of a call to come, or USEC_INFINITY. */
usec_t manager_agent_replay_next(const Manager *m);
void manager_agents_done(Manager *m);

/* manager-alerts.c */

/* Read the stored alerts (on start, after retention). Returns 0 or a
 * negative errno (logged). */
int manager_load_alerts(Manager *m);
/* Incident inc was accepted (reported, or reached by the clock in the call
 * records) and planned for: when it calls its team's leads and has no
 * alert yet, raise one: stored, then LeadAlert to the subscribed leads
 * (logged either way; a warning when no lead listens). */
void manager_alert_incident(Manager *m, const Incident *inc);
/* The break of the current plan that holds the recovery inc earned (its
 * own, or the planned or statutory break it merged into), or NULL (none:
 * points only, outside every shift, or no plan yet). Costs the operator's
 * breaks. */
const Break *manager_incident_recovery(const Manager *m, const Incident *inc);
/* When the next alert escalates, or USEC_INFINITY. */
usec_t manager_alerts_next(const Manager *m) _pure_;
/* Escalate every unanswered alert raised alerts.escalate_after or more
 * before now: stored, LeadAlert to access.escalate_to as well. */
void manager_alerts_escalate(Manager *m, usec_t now);
void manager_alerts_done(Manager *m);

/* manager-calls.c */

/* Calls and pauses as the planner takes them (core/calls.h): records and
 * spans owning nothing (operator points into the roster), and the index
 * over them. */
typedef struct ManagerCalls {
        CallRecord *records;
        size_t n_records;
        PauseSpan *pauses;              /* by operator, then start */
        size_t n_pauses;
        const CallRecord **index_calls;
        CallIndex index;
} ManagerCalls;

void manager_calls_done(ManagerCalls *c);
/* The calls respited knows of operator (manager_agent_calls(): a call in
 * progress as [start, now)) and the pauses they took that are over
 * (manager_agent_pauses()), as planner_calls_fn (userdata: the manager):
 * valid until the next call; NULL, logged, on OOM (the planner then goes
 * without). Costs that operator's calls and pauses. */
const CallIndex *manager_calls_of(const char *operator, void *userdata);
/* Every roster operator's known calls and pauses at now into *ret, for a
 * re-plan of the site (planner_run()). Returns 0 or -ENOMEM. */
int manager_calls_known(Manager *m, usec_t now, ManagerCalls *ret);

/* manager-breaks.c */

/* The clock reached the start of break b of shift s: unless the ACD says
 * its operator is on a call, it begins (BreakStarted, the break_start
 * action); else it is due (logged, the break_due action) and begins when
 * the revision at the call's end has placed it there. Returns whether it
 * began. */
bool manager_break_begins(Manager *m, const ShiftPlan *s, const Break *b);
/* The clock reached the end of break b: unless it never began (due), it
 * ends (BreakEnded, the break_end action) and what the ACD said while it
 * ran judges whether it was taken (logged, kept in the store, counted).
 * Returns whether it ended. */
bool manager_break_ends(Manager *m, const ShiftPlan *s, const Break *b);
/* manager_agent_changed() tells: a call answered during a break revises
 * the operator's team (the break ends at the call, its rest follows it); a
 * call's end revises it when a break was due, a pause's end outside a
 * break when statutory.pauses_count lets it count; the change joins the
 * timeline of a break running. */
void manager_breaks_agent_changed(Manager *m, const char *operator, const ManagerAgent *before,
                                  const ManagerAgent *after);
/* The verdict on the break uid (feed_adherence_fn; userdata: the manager),
 * or NULL. */
const AdherenceDetail *manager_adherence_of(const char *uid, void *userdata);
/* The verdicts the store kept for breaks ending at or after the feeds'
 * window, in memory again (at start). Returns 0 or a negative errno
 * (logged). */
int manager_load_adherence(Manager *m);
void manager_breaks_done(Manager *m);

/* manager-incidents.c */

/* m->incidents by operator, built again from it (after it was replaced).
 * Returns 0 or -ENOMEM. */
int manager_index_incidents(Manager *m);
/* Add inc to m->incidents and to its operator's. Returns 0 or -ENOMEM. */
int manager_add_incident(Manager *m, const Incident *inc);
/* Take inc (its when and id) out of both. */
void manager_remove_incident(Manager *m, const Incident *inc);
/* The incidents of operator (planner_incidents_fn; userdata: the
 * manager), so that revising them costs their incidents, not the site's. */
const IncidentList *manager_incidents_of(const char *operator, void *userdata);
void manager_incidents_done(Manager *m);

/* The incidents of a and b (either may be NULL) that respite knew of by
 * until (UTC usec), in one sorted list. Returns 0 or -ENOMEM (not logged). */
int manager_merge_incidents(const IncidentList *a, const IncidentList *b, usec_t until, IncidentList **ret);
/* Retention (incidents.retention_days): purge what happened before then;
 * with reload, the reported incidents in memory follow. */
int manager_purge_incidents(Manager *m, bool reload);
/* Purge daily. */
int manager_arm_purge_timer(Manager *m);
/* Watch incidents.spool, or stop watching when it changed or went. */
int manager_watch_spool(Manager *m);
