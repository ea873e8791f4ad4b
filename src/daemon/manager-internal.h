/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the manager's files (manager.c, manager-sources.c,
 * manager-publish.c, manager-incidents.c) share and nobody else calls. Each
 * function logs its own errors unless it says otherwise. */

#include "daemon/manager.h"
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
/* Serve the feeds over HTTP on the socket systemd passed or on
 * feeds.listen (read once: a reload does not move it). Tokens live in the
 * store: without one, no HTTP. A failure is logged and respited goes on
 * without HTTP. */
void manager_start_http(Manager *m);

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
