/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The daemon's state and its two paths for a change: an event of one
 * operator (an incident, a call record the clock reaches, a call beginning
 * during their break or ending while a break waits for it) revises that
 * operator's team (manager_revise()); a change of the inputs (a reload, a
 * source file) re-plans the site (manager_replan()). Both then publish only
 * what changed, in this order: feeds, signals (BreakScheduled,
 * ScheduleChanged, then the break edges due, with their actions), the
 * store. */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "core/adherence.h"
#include "core/alert.h"
#include "core/agent-state.h"
#include "core/incident.h"
#include "core/planner.h"
#include "core/policy.h"
#include "core/roster.h"
#include "daemon/actions.h"
#include "daemon/store.h"
#include "publish/feed.h"
#include "publish/http.h"
#include "shared/clock.h"

typedef struct Manager {
        sd_event *event;
        sd_bus *bus;
        bool user_bus;                  /* --user: the session bus */

        char *config_path;
        char **roster_override;         /* --roster: replaces sources.rosters */
        char **calls_override;          /* --calls: replaces sources.calls */
        char *feed_dir_override;        /* --feed-dir */
        char *replay_from;              /* --clock: ISO 8601, site zone when without offset */
        unsigned replay_speed;          /* --speed */
        bool replay_purge;              /* --purge: retention under --clock too */

        Policy *policy;
        Roster *roster;
        Coverage *coverage;             /* operators needed on the phones (coverage_build()) */
        IncidentList *detected;         /* from call records; count once the clock passes them */
        IncidentList *reported;         /* from ReportIncident */
        IncidentList *incidents;        /* both, what the planner sees */
        void *incidents_by_operator;    /* tsearch(3): each operator's copy of theirs (manager-incidents.c) */

        Plan *plan;                     /* the current revision; NULL before the first */
        Sequences *sequences;           /* SEQUENCE per feed UID */
        uint8_t feed_uid_key[FEED_UID_KEY_SIZE];        /* team feeds' break UIDs (feed_team_uid()):
                                                         * from the store, else random for this run */
        Clock clock;
        sd_event_source *timer;         /* the next break edge, call record or midnight (manager-edges.c) */
        struct ManagerEdge *edges;      /* heap of break edges to come, by instant */
        size_t n_edges;
        usec_t *edges_done;             /* per shift of plan: edges up to here were announced */
        size_t next_detected;           /* the first of detected the clock has not reached */
        usec_t window_day, window_day_end;      /* the local day the feeds' window is anchored at */
        void *feeds;                    /* tsearch(3) of feeds by name: token, bytes written (manager-publish.c) */
        bool feeds_stale;               /* the roster or policy changed: publish every feed */

        char *state_dir;                /* where the store lives (respited(8) STATE) */
        Store *store;
        bool plan_stored;               /* the store holds m->plan */
        char *spool_dir;                /* the spool watched, or NULL */
        sd_event_source *spool;         /* inotify on spool_dir */
        sd_event_source *purge_timer;   /* retention, daily */
        /* Feeds over HTTP (manager-http.c): the server (NULL without a
         * store), the address listened on or tried (feeds.listen), 0 while
         * it listens or the last try's negative errno (-ENOENT: off), and
         * while it fails the timer of the next try (CLOCK_MONOTONIC), its
         * instant and the wait after it. */
        HttpServer *http;
        char *http_listen;
        int http_error;
        bool http_logged;               /* the state was logged once */
        sd_event_source *http_retry;
        usec_t http_next_try;
        usec_t http_backoff;

        /* Sources: inotify on their directories; a change re-reads them all
         * soon after (source_timer); queue_logs are followed line by line. */
        sd_event_source **source_watches;
        size_t n_source_watches;
        sd_event_source *source_timer;
        struct ManagerTail *tails;      /* manager-sources.c */
        size_t n_tails;
        struct ManagerSource *last_good;        /* per source file, its last version that could be read */
        size_t n_last_good;

        /* Agent state (manager-agents.c): per operator, in a tsearch(3)
         * tree; how many operators are in each state; the call-record
         * CSVs' calls under a replay clock, by end, with cursors over
         * them by start and by end. */
        void *agents;
        unsigned agent_counts[_AGENT_STATE_MAX];
        struct ManagerReplayCall *replay_calls;
        size_t *replay_by_start;        /* indexes into replay_calls, by start */
        size_t n_replay_calls;
        size_t next_call_start, next_call_end;  /* the first the clock has not reached */

        /* Breaks that really happen (manager-breaks.c): per operator the
         * breaks due (their start came during a call) and, while a break
         * runs, what the ACD said; the verdicts on the breaks of the
         * feeds' window that are over, by uid, and their counts. */
        Actions *actions;               /* commands at break edges (respite.conf(5), ACTIONS) */
        struct ManagerCalls *calls_of;  /* manager_calls_of()'s view, reused */
        void *breaks_by_operator;
        void *adherence;
        AdherenceCounts adherence_counts;

        /* Lead alerts (manager-alerts.c): every one kept, by raised time,
         * and by id and by incident in tsearch(3) trees; the first that may
         * still escalate. The clients subscribed to signals (Subscribe()). */
        Alert **alerts;
        size_t n_alerts;
        void *alerts_by_id, *alerts_by_incident;
        size_t next_escalation;
        size_t alerts_unanswered;
        struct Subscribers *subscribers;
} Manager;

/* A new manager with its event loop (SIGTERM/SIGINT stop it, SIGHUP reloads,
 * the watchdog is pinged when $WATCHDOG_USEC asks). Returns 0 or a negative
 * errno. */
int manager_new(Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Load the policy, rosters and call records and open the store in
 * m->state_dir (purging what retention drops). Nothing is published yet.
 * Problems in rows are logged and skipped; returns a negative errno (after
 * logging) only when the policy or a source cannot be read at all, or the
 * store cannot be opened. */
int manager_load(Manager *m);

/* Once the bus is connected and nobody else owns the bus name (so a second
 * daemon never overwrites the running one's feeds): make the first plan
 * (the stored plan revised at now, or without one a fresh plan), publish its
 * feeds and store it, watch the spool directory and arm the retention
 * timer. The caller then requests the bus name and notifies READY=1.
 * Returns 0 or a negative errno (logged). */
int manager_start(Manager *m);

/* Re-read everything; on any error keep the running policy and inputs
 * (logged). Notifies RELOADING=1 and READY=1 around it. Returns 0 or a
 * negative errno; then, when ret_reason is given, *ret_reason is why the
 * new policy was refused, in one line ("FILE:LINE: what", as the log says
 * it), for Reload()'s error and so for respitectl reload. */
int manager_reload(Manager *m, char **ret_reason);

/* Accept an incident reported now (D-Bus): validates the operator and the
 * category, stamps received = now, revises the operator's team and
 * publishes what it earns (feeds, then signals: they leave before the
 * commit's fsync), then commits it to the store before returning. A commit
 * that fails takes the incident back, and the break with it (revised and
 * published again), and returns the store's error (logged). when = 0 means
 * now. Returns 0 and the new incident's id in *ret_id (malloc'ed),
 * incident_check()'s error (-ENXIO, -ENOKEY, -EDOM, -ESTALE, -E2BIG),
 * -ENOMEM, or the store's error. An incident outside every shift of the
 * operator is kept but earns no break. */
int manager_report_incident(Manager *m, const char *operator, const char *category, usec_t when,
                            const char *note, char **ret_id);

/* The longest idempotency key ReportIncidentWithId() takes, in bytes. */
#define MANAGER_INCIDENT_KEY_MAX 128

/* Whether key is an idempotency key: 1 to MANAGER_INCIDENT_KEY_MAX bytes
 * of printable ASCII without space (0x21–0x7e): a UUID, an ACD's call id. */
bool manager_incident_key_is_valid(const char *key) _pure_;

/* manager_report_incident() with Unix user uid's idempotency key (valid):
 * the first time, the incident and the key are committed together; when
 * uid gave key before (and its incident is still kept), nothing is stored
 * and *ret_id is that incident's id (the retry is logged). -EEXIST: uid's key
 * names an incident of another operator or category (*ret_id is its id);
 * -EOPNOTSUPP: no store (keys could not outlive respited). */
int manager_report_incident_keyed(Manager *m, uid_t uid, const char *key, const char *operator,
                                  const char *category, usec_t when, const char *note, char **ret_id);

/* The URLs of the feed of operator who (FEED_OPERATOR) or team who
 * (FEED_TEAM), the caller having checked that it exists: the http(s):// URL
 * (feeds.base_url, else the address listened on) in *ret_url and its
 * webcal:// form in *ret_webcal. With rotate, the feed first gets a new
 * token (kept in the store) and its old URL answers 404 at once. Returns 0,
 * -EOPNOTSUPP when respited serves no HTTP (off, or not listening yet and
 * no feeds.base_url), -ENOENT when the feed has no
 * token, -ENOMEM, or the store's error (logged). Tokens are never logged. */
int manager_feed_urls(Manager *m, FeedAudience audience, const char *who, bool rotate, char **ret_url,
                      char **ret_webcal);

/* SetAgentState(): operator's state (one of agent_state_to_string()'s)
 * since since (UTC usec, 0 = now) with the ACD's reason (may be NULL or
 * empty; kept for paused and on_break), through manager_agent_changed().
 * Returns 1 when the state changed, 0 when it was so already, -EINVAL (no
 * such state), -ENXIO (not in the roster), -EDOM (since more than a minute
 * ahead), -ESTALE (since before the operator's current state began),
 * -E2BIG (reason over MANAGER_AGENT_REASON_MAX bytes) or -ENOMEM. */
#define MANAGER_AGENT_REASON_MAX 4096
int manager_set_agent_state(Manager *m, const char *operator, const char *state, usec_t since, const char *reason);

/* The lead alert with id, or the one incident_id raised; NULL when none. */
const Alert *manager_find_alert(const Manager *m, const char *id);
const Alert *manager_alert_of_incident(const Manager *m, const char *incident_id);

/* AcknowledgeAlert(): alert id answered now by the user by (a name), with
 * note (may be NULL or empty), committed to the store, then
 * AlertAcknowledged to those who were told. The caller checked that the
 * sender may. Returns 0, -ENOENT (no such alert), -EALREADY (answered
 * already), -E2BIG (note over INCIDENT_NOTE_MAX bytes), -ENOMEM or the
 * store's error (logged). */
int manager_acknowledge_alert(Manager *m, const char *id, const char *by, const char *note);

/* Re-plan the site at the clock's now (planner_run() from the current
 * revision) and publish what changed. For changes of the inputs; costs the
 * site. Returns 0 or a negative errno (logged). */
int manager_replan(Manager *m);

/* Revise the team of operator (planner_revise_team()) at the clock's now
 * after an event of theirs, and publish what changed: the feeds of the
 * operators whose day changed and of their team, BreakScheduled and
 * ScheduleChanged, their break edges, their shifts in the store. Costs the team,
 * not the site. Falls back to manager_replan() when the plan does not match
 * the roster. Returns 0 or a negative errno (logged). */
int manager_revise(Manager *m, const char *operator);

/* Run the event loop until stopped. Returns the loop's exit code. */
int manager_run(Manager *m);
