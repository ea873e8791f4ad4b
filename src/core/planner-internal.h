/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of the planner share (nothing outside them includes it):
 *   plan.c               the plan model (plan.h)
 *   planner.c            planner_run(), planner_revise_operator(), one shift:
 *                        frozen and planned breaks, the order of the steps
 *   planner-staffing.c   operators on the phones per team and minute
 *   planner-statutory.c  statutory breaks
 *   planner-recovery.c   incidents to triggers, recovery breaks
 *   planner-calls.c      the operator's calls: where a break may not start;
 *                        the operator's own pauses (statutory.pauses_count) */

#include <sys/types.h>

#include "core/calls.h"
#include "core/coverage.h"
#include "core/incident.h"
#include "core/plan.h"
#include "core/policy.h"
#include "core/roster.h"
#include "shared/util.h"

/* Operators on the phones per team and whole minute, and what coverage needs
 * there (planner-staffing.c). */
typedef struct Staffing Staffing;

/* What every shift of one run shares. */
typedef struct PlannerRun {
        const Roster *roster;
        const Policy *policy;
        const IncidentList *incidents;
        usec_t now;
        Staffing *staffing;             /* NULL without coverage */
        const Incident **index;         /* incidents by operator, or NULL: scan by time */
        const CallIndex *calls;         /* the operators' calls, or NULL: none */
} PlannerRun;

/* One statutory rule (the tiers of one name) for the shift being planned. */
typedef struct Rule {
        const char *name;               /* NULL: the unnamed rule */
        const char *prefix;             /* in uids: the name, or "statutory" */
        const StatutoryTier *tier;      /* the tier that applies, or NULL */
        usec_t min_block, earliest, latest, max_stretch;
        usec_t pending;                 /* time still to place */
        unsigned pending_blocks;        /* blocks still to place (blocks rules), else 0 */
        bool failed;                    /* could not be held */
} Rule;

/* One shift being planned. */
typedef struct Planning {
        const PlannerRun *in;
        const Shift *shift;
        const Operator *op;
        const ShiftPlan *prev;          /* the same shift in the previous plan, or NULL */
        ShiftPlan *sp;                  /* the output; breaks kept sorted by start */
        Rule *rules;                    /* the statutory rules, in file order of first tier */
        size_t n_rules;
        ssize_t team;                   /* index into the staffing's teams, or -1 */
        usec_t slot_lo, slot_hi;        /* statutory blocks are started in here */
        const CallRecord * const *calls;        /* the operator's calls begun in
                                                 * [shift start - CALL_LONGEST, shift end), by start */
        size_t n_calls;
        const PauseSpan *pauses;        /* with pauses_count: the operator's pauses begun
                                         * inside the shift, by start; else NULL */
        size_t n_pauses;
} Planning;

/* A recovery break earned by an incident, before it is placed. */
typedef struct Trigger {
        const Incident *incident;
        usec_t earliest;                /* first whole minute it may begin */
        usec_t length;
        bool accumulated;               /* may wait accumulation.max_delay to join a break */
        char *reason;
} Trigger;

typedef struct TriggerList {
        Trigger *items;                 /* sorted by earliest, then incident order */
        size_t n;
} TriggerList;

/* ---- plan.c ---- */

/* Free the strings of b; the struct itself stays. */
void break_done(Break *b);

/* ---- planner.c: the breaks of the shift being planned ---- */

/* Append printf-style text to *s (NULL starts a new string). Returns 0,
 * -EINVAL or -ENOMEM. */
int planner_strextendf(char **s, const char *format, ...) _printf_(2, 3);

/* The recovery break of uid, or the break it merged into, or NULL. */
const Break *planner_find_recovery(const ShiftPlan *sp, const char *uid);
/* The first break of the shift overlapping [start, end), or NULL. */
const Break *planner_break_overlapping(const Planning *p, usec_t start, usec_t end);
/* Insert *b at its place by start (before breaks beginning at the same
 * instant), taking its strings; its index in *ret_index (may be NULL).
 * Returns 0 or -ENOMEM. */
int planner_add_break(Planning *p, Break *b, size_t *ret_index);
/* Remove (and free) break i of the shift. */
void planner_remove_break(Planning *p, size_t i);

/* ---- planner-calls.c: the operator's calls ---- */

/* The calls of the shift's operator that may touch the shift, into p. */
void planner_calls_init(Planning *p, const CallIndex *calls);
/* A call of the operator with start < t < end, or NULL. */
const CallRecord *planner_call_containing(const Planning *p, usec_t t);
/* t when no call of the operator holds it strictly inside, else the first
 * whole minute at or after the end of the call (of the calls, one after
 * another) holding it. */
usec_t planner_call_free(const Planning *p, usec_t t);
/* Whether the break uid of the previous revision was due: it "began"
 * before now inside a call of the operator, so it never began. */
bool planner_was_due(const Planning *p, const char *uid);
/* Where a break held as due begins: now, the call being over and no break
 * begun running (a daemon revises at the call's end); else the first whole
 * minute from now out of calls. */
usec_t planner_due_start(const Planning *p);
/* The first call of the operator starting strictly inside (start, end), or
 * NULL. */
const CallRecord *planner_call_starting_in(const Planning *p, usec_t start, usec_t end);
/* A call of the operator starting at t, or NULL. */
const CallRecord *planner_call_starting_at(const Planning *p, usec_t t);
/* With statutory.pauses_count, the operator's own pauses begun inside the
 * shift, into p (else none). */
void planner_pauses_init(Planning *p, const CallIndex *calls);
/* The first pause of the operator overlapping [start, end), or NULL. */
const PauseSpan *planner_pause_overlapping(const Planning *p, usec_t start, usec_t end);

/* ---- planner-staffing.c ---- */

/* The count for roster and coverage: every shift on the phones but for the
 * roster's planned breaks. Returns 0 or -ENOMEM. */
int planner_staffing_new(const Roster *roster, const Coverage *coverage, Staffing **ret);
Staffing *planner_staffing_free(Staffing *s);
/* The index of team in s (may be NULL), or -1. */
ssize_t planner_staffing_team(const Staffing *s, const char *team);
/* Add delta to the count of sp's team (nothing for s NULL or a team not
 * in s) over the minutes each break of sp touches. */
void planner_staffing_add_breaks(Staffing *s, const ShiftPlan *sp, int32_t delta);
/* Give back (+1) or take (-1) the roster's planned breaks of shift. */
void planner_staffing_add_planned(Staffing *s, const Roster *roster, const Shift *shift, int32_t delta);
/* Minutes of [start, end) at which the team falls below its requirement if
 * the operator of the shift being planned leaves the phones. */
usec_t planner_coverage_cost(const Planning *p, usec_t start, usec_t end);

/* ---- planner-statutory.c ---- */

/* The rules of the policy and the tier of each that applies to the shift. */
void planner_rules_init(Planning *p);
/* Each rule's time still to place, from the breaks so far and triggers.
 * Returns 0 or -ENOMEM. */
int planner_statutory_init(Planning *p, const TriggerList *triggers);
/* Place what each rule still misses, then the max_stretch pauses. Returns 0
 * or -ENOMEM. */
int planner_statutory_place(Planning *p);
/* Whether the shift holds every rule now (a block begun past latest
 * because of a call, planner_statutory_overrun(), does not break it). */
bool planner_statutory_held(const Planning *p);
/* The statutory blocks begun past their rule's latest start because the
 * operator was on a call when it came: the call (or calls, one after
 * another) holding that instant ended, and the block starts at the first
 * whole minute after. */
unsigned planner_statutory_overruns(const Planning *p);
/* The rule a statutory break belongs to, or NULL. */
Rule *planner_break_rule(const Planning *p, const Break *b);
/* Whether a block of rule r of length len may start at start: not before
 * now, inside its window (earliest after the shift start, edge_margin before
 * its end; relaxed: anywhere in the shift), and by latest of work. */
bool planner_statutory_fits(const Planning *p, const Rule *r, usec_t start, usec_t len, bool relaxed);

/* ---- planner-recovery.c ---- */

void planner_trigger_list_done(TriggerList *l);
/* The incidents of the list sorted by operator, so that each shift finds its
 * own without reading everyone's; NULL for no incidents. Returns 0 or
 * -ENOMEM. */
int planner_incident_index(const IncidentList *l, const Incident ***ret);
/* The recovery breaks the shift's incidents earn, into ret. Returns 0 or
 * -ENOMEM. */
int planner_collect_triggers(const Planning *p, TriggerList *ret);
/* "<operator>-recovery-<incident id>". Returns 0 or -ENOMEM. */
int planner_recovery_uid(const Planning *p, const Incident *i, char **ret);
/* A recovery of trigger t would last this long, or 0 when it cannot be granted. */
usec_t planner_trigger_length(const Planning *p, const Trigger *t);
/* Grant the recovery of t: merged into a break, or added, pushing the
 * breaks it meets. Returns 0 or -ENOMEM. */
int planner_place_recovery(Planning *p, Trigger *t);
/* Count the recoveries of triggers that began late. */
void planner_count_late(Planning *p, const TriggerList *triggers);
