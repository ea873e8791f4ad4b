/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Incidents: difficult calls or events that may earn an operator a recovery
 * break. They are reported (D-Bus, respitectl, a CSV for offline planning) or
 * detected in call records (prolonged calls, repeat callers). */

#include "core/calls.h"
#include "core/policy.h"
#include "shared/util.h"

typedef struct Incident {
        char *id;               /* unique: "call-33118-prolonged", a UUID for reports */
        char *operator;         /* operator id */
        char *category;         /* a category name of the policy */
        usec_t when;            /* UTC instant it happened (for a call: its end) */
        usec_t received;        /* UTC instant respite learned of it; >= when.
                                 * A recovery break never starts before it. */
        char *note;             /* free text, sensitive; may be NULL */
        char *caller;           /* may be NULL */
        usec_t duration;        /* detected prolonged_call: the call's length; else 0 */
} Incident;

typedef struct IncidentList {
        Incident *items;        /* sorted by (when, id) */
        size_t n;
} IncidentList;

void incident_done(Incident *i);
IncidentList *incident_list_free(IncidentList *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(IncidentList *, incident_list_free);

/* Append a copy of *i (strings duplicated) and keep the list sorted.
 * Returns 0 or -ENOMEM. */
int incident_list_add(IncidentList *l, const Incident *i);

/* Detect incidents in call records by the policy's detectors:
 * - prolonged_call: a call lasting policy->prolonged.points_after or more
 *   gives one incident of category "prolonged_call" at the call's end; its
 *   id is "call-<call_id>-prolonged" (or "call-<file name>:<line>-prolonged").
 *   Whether it earns points or a break is decided by the planner from its
 *   length, see planner.h.
 * - repeat_caller: the policy->repeat_caller.calls-th call of one caller to
 *   one operator within one local day (site zone) gives one incident
 *   "repeat_caller" at that call's end; further calls that day give none.
 * received = when for detected incidents. Appends to *l (allocated when
 * NULL). Returns 0 or a negative errno. */
int incidents_detect(IncidentList **l, const CallLog *calls, const Policy *policy);

/* Load incidents from a CSV for offline planning: header naming at least
 * "time,operator,category", optional "note,id". time is ISO 8601 (site
 * zone when it has no offset). Unknown categories and bad rows are skipped
 * and logged with file and line. Returns 0 or a negative errno. */
int incidents_load_csv(IncidentList **l, const char *path, const Policy *policy, size_t *ret_skipped);
