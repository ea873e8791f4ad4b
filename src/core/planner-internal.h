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
 *                        the operator's own pauses (statutory.pauses_count)
 *   planner-search.c     the team's statutory blocks moved where coverage
 *                        is best, once its shifts are planned */

#include <sys/types.h>

#include "core/calls.h"
#include "core/coverage.h"
#include "core/incident.h"
#include "core/plan.h"
#include "core/policy.h"
#include "core/roster.h"
#include "shared/reason.h"
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
        const usec_t *recovery_at;      /* the earliest starts of the recoveries still to grant
                                         * (none frozen), or NULL */
        size_t n_recovery_at;
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
/* Move break i of the shift to begin at start, keeping its length, and
 * keep the breaks sorted (before those beginning at the same instant).
 * Returns its new index. */
size_t planner_move_break(Planning *p, size_t i, usec_t start);

/* ---- planner.c: one shift ---- */

/* p for planning shift (or searching its breaks) into sp, against prev
 * (the same shift in the previous revision, or NULL); calls: as
 * PlannerRun.calls, holding at least the operator's; rules has room for
 * every tier of the policy. Sets its team, calls, pauses and rules. */
void planner_planning_init(Planning *p, const PlannerRun *in, const CallIndex *calls, const Shift *shift,
                           const ShiftPlan *prev, Rule *rules, ShiftPlan *sp);

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
/* Add delta to the count of the shift's team over the minutes [start, end)
 * touches (nothing without coverage). */
void planner_staffing_add_span(const Planning *p, usec_t start, usec_t end, int32_t delta);
/* The team's slack, operators on the phones less those needed, per whole
 * minute [start, end) touches, into ret (room for that many); 0 outside the
 * team's span. The shift's team must be in the staffing. */
void planner_staffing_slack(const Planning *p, usec_t start, usec_t end, int32_t *ret);
/* The team's shortfall: operator-minutes below its requirement over its
 * span, as metrics_compute() counts them; 0 for s NULL or team < 0. */
uint64_t planner_staffing_shortfall(const Staffing *s, ssize_t team);

/* ---- planner-statutory.c ---- */

/* Whether [start, end) holds, strictly inside, the earliest start of a
 * recovery still to grant (p->recovery_at): a statutory block there would
 * make that recovery wait for its end. */
bool planner_statutory_holds_trigger(const Planning *p, usec_t start, usec_t end);

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

/* Whether the shift holds its rules as its breaks lie now, the time of
 * each aside: every block of a rule with latest begun by it, no work
 * stretch longer than a rule's max_stretch without a break that ends it. */
bool planner_statutory_lawful(const Planning *p);
/* The starts a block of rule r of length len may take on the step grid
 * inside its window, not before now: the first and the last, every step
 * between them. Returns false when there is none. */
bool planner_statutory_starts(const Planning *p, const Rule *r, usec_t len, usec_t *ret_first, usec_t *ret_last);

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
/* The earliest starts of the recoveries of triggers not frozen in the
 * shift, into p->recovery_at (an array at *ret for the caller to free).
 * Returns 0 or -ENOMEM. */
int planner_recoveries_waiting(Planning *p, const TriggerList *triggers, usec_t **ret);
/* Count the recoveries of triggers that began late. */
void planner_count_late(Planning *p, const TriggerList *triggers);

/* ---- planner-search.c ---- */

/* The break search over the shifts of one team. */
typedef struct PlannerSearch PlannerSearch;

/* A search for at most n_shifts shifts of one team, planned by in (which
 * must outlive it). Returns 0 or -ENOMEM. */
int planner_search_new(const PlannerRun *in, size_t n_shifts, PlannerSearch **ret);
PlannerSearch *planner_search_free(PlannerSearch *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(PlannerSearch *, planner_search_free);
/* Add the planned shift sp (of roster shift shift; prev: the same shift in
 * the previous revision, or NULL); calls holds at least its operator's and
 * is read only now. Nothing is added without coverage, with search_steps
 * 0, or for a shift over (or ending within the notice) at now. Shifts are
 * added in team order. Returns 0 or -ENOMEM. */
int planner_search_add(PlannerSearch *s, const Shift *shift, const ShiftPlan *prev, ShiftPlan *sp,
                       const CallIndex *calls);
/* Move the blocks of the shifts added (planner-search.c says how), keeping
 * the team's count of operators on the phones and each shift's
 * breaks_moved. Returns how much the shifts' breaks_moved changed in all
 * (may be negative: a revision can bring a block back where it was). */
int planner_search_run(PlannerSearch *s);
