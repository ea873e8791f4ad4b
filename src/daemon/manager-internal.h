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

/* Compare two revisions (old may be NULL): announce added or moved breaks
 * (BreakScheduled) and log them, and list the operators whose day changed
 * in *ret_changed. Returns 0 or -ENOMEM (not logged). */
int manager_diff_plans(Manager *m, const Plan *old, const Plan *new, char ***ret_changed);
/* Every operator's and every team's feed of m->plan, as files
 * (<dir>/<operator>.ics, <dir>/team-<team>.ics) and over HTTP. */
int manager_publish_feeds(Manager *m);
/* BreakStarted/BreakEnded for every edge in (m->edges_until, now]. */
void manager_emit_edges(Manager *m, usec_t now);
/* Every feed of the roster ("OPERATOR", "team-TEAM") gets its secret
 * token in the store. */
int manager_ensure_feed_tokens(Manager *m);
/* Serve the feeds over HTTP on the socket systemd passed or on
 * feeds.listen (read once: a reload does not move it). Tokens live in the
 * store: without one, no HTTP. A failure is logged and respited goes on
 * without HTTP. */
void manager_start_http(Manager *m);

/* manager-incidents.c */

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
