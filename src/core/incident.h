/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Incidents: difficult calls or events that may earn an operator a recovery
 * break. They are reported (D-Bus, respitectl, a CSV for offline planning) or
 * detected in call records (prolonged calls, repeat callers). */

#include "core/calls.h"
#include "core/policy.h"
#include "core/roster.h"
#include "shared/util.h"

/* An incident reported from outside may lie this far after the clock (its
 * reporter's clock runs ahead) ... */
#define INCIDENT_FUTURE_SLACK USEC_PER_MINUTE
/* ... and this far before it: older news earns no break worth planning,
 * and the feeds show no more of the past either. */
#define INCIDENT_PAST_LIMIT (7 * USEC_PER_DAY)
/* A note is a few sentences for the team lead, not a transcript. */
#define INCIDENT_NOTE_MAX 4096

typedef struct Incident {
        char *id;               /* unique: "call-33118-prolonged", a UUID for reports */
        char *operator;         /* operator id */
        char *category;         /* a category name of the policy */
        usec_t when;            /* UTC instant it happened (for a call: its end) */
        usec_t received;        /* UTC instant respite learned of it; >= when.
                                 * A recovery break never starts before it. */
        char *note;             /* free text, sensitive; may be NULL */
        char *caller;           /* may be NULL */
        char *source;           /* where respite learned of it: "bus", "spool:FILE", "calls:FILE:LINE";
                                 * may be NULL (an incidents CSV of respitectl plan) */
        usec_t duration;        /* detected prolonged_call: the call's length; else 0 */
} Incident;

typedef struct IncidentList {
        Incident *items;        /* sorted by (when, id) */
        size_t n;
} IncidentList;

void incident_done(Incident *i);
/* An empty list. Returns NULL on OOM. */
IncidentList *incident_list_new(void);
IncidentList *incident_list_free(IncidentList *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(IncidentList *, incident_list_free);

/* Whether respite accepts incident i reported from outside (D-Bus, a spool
 * file) at now (UTC usec), whoever reported it: its operator is in roster,
 * its category in policy, it happened at most INCIDENT_FUTURE_SLACK after now
 * and at most INCIDENT_PAST_LIMIT before it, and its note (may be NULL) has
 * at most INCIDENT_NOTE_MAX bytes. The checks run in that order. Returns 0,
 * -ENXIO for an unknown operator, -ENOKEY for an unknown category, -EDOM for
 * a time in the future, -ESTALE for one more than INCIDENT_PAST_LIMIT ago,
 * -E2BIG for a note too long. */
int incident_check(const Incident *i, const Roster *roster, const Policy *policy, usec_t now);

/* Append a copy of *i (strings duplicated) and keep the list sorted.
 * Returns 0 or -ENOMEM. */
int incident_list_add(IncidentList *l, const Incident *i);
/* Remove the incident of l with the when and id of i. Returns 0 or
 * -ENOENT. */
int incident_list_remove(IncidentList *l, const Incident *i);
/* Whether l holds an incident with the when and id of i: a binary search. */
bool incident_list_contains(const IncidentList *l, const Incident *i) _pure_;

/* The index of the first incident of l at or after t (UTC usec), l->n when
 * none: a binary search, l being sorted by time. */
size_t incident_list_first_at(const IncidentList *l, usec_t t) _pure_;

/* Whether incident i, of category c, calls the leads of its operator's
 * team (respited(8) LEAD ALERTS): it is the c->notify_lead_after-th or a
 * later incident of category c within c->notify_lead_within up to i->when,
 * counted in l, the operator's incidents, sorted, i among them. Always
 * false when the category never alerts (notify_lead_after = 0). The rule's
 * source: Japan's 2026 customer-harassment duty (report to a supervisor at
 * once), South Korea's OSH Act art. 41. */
bool incident_calls_lead(const Incident *i, const IncidentList *l, const Category *c) _pure_;

/* Append a copy of *i without keeping the list sorted, for adding many:
 * call incident_list_sort() after the last. Returns 0 or -ENOMEM. */
int incident_list_append(IncidentList *l, const Incident *i);
void incident_list_sort(IncidentList *l);

/* Detect incidents in call records by the policy's detectors:
 * - prolonged_call: a call lasting policy->prolonged.points_after or more
 *   gives one incident of category "prolonged_call" at the call's end; its
 *   id is "call-<call_id>-prolonged" (or "call-<file name>:<line>-prolonged").
 *   Whether it earns points or a break is decided by the planner from its
 *   length, see planner.h.
 * - repeat_caller: the policy->repeat_caller.calls-th call of one caller to
 *   one operator within one local day (site zone) gives one incident
 *   "repeat_caller" at that call's end; further calls that day give none.
 * received = when for detected incidents. Appends to l. Returns 0 or a
 * negative errno. */
int incidents_detect(IncidentList *l, const CallLog *calls, const Policy *policy);
