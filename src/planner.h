/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The planner: a pure function from (roster, policy, incidents, previous
 * plan, now) to a plan. No I/O, no clock, no randomness: the same inputs give
 * the same plan, byte for byte. */

#include "incident.h"
#include "policy.h"
#include "roster.h"
#include "util.h"

typedef enum BreakKind {
        BREAK_PLANNED,          /* came with the roster */
        BREAK_STATUTORY,        /* required by the preset's rule of law */
        BREAK_RECOVERY,         /* granted after incidents */
        _BREAK_KIND_MAX,
} BreakKind;

typedef struct Break {
        BreakKind kind;
        usec_t start, end;      /* UTC, start < end, inside the shift */
        usec_t trigger;         /* recovery: the incident instant that earned it; else 0 */
        char *uid;              /* stable identity: "<shift uid>-statutory-1", "<shift uid>-planned-1"
                                 * (n-th planned break of the roster shift), "<op>-recovery-<incident id>" */
        char *reason;           /* private wording, says why: "after a threatening call (threat)" */
} Break;

typedef struct ShiftPlan {
        char *operator;         /* operator id */
        char *team;
        usec_t start, end;      /* the shift, UTC */
        char *uid;              /* "<op>-<yyyymmddThhmmZ>": the shift's identity */
        Break *breaks;          /* sorted by start, never overlapping */
        size_t n_breaks;
} ShiftPlan;

typedef struct Plan {
        usec_t now;             /* the revision instant: nothing before it was changed */
        ShiftPlan *shifts;      /* sorted by (operator, start) */
        size_t n_shifts;
        unsigned statutory_violations;  /* shifts whose statutory breaks could not be placed */
} Plan;

Plan *plan_free(Plan *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Plan *, plan_free);

/* "planned", "statutory", "recovery". */
const char *break_kind_to_string(BreakKind k) _pure_;
/* The public wording of a kind, safe for signals and team feeds:
 * "Break", "Statutory break", "Recovery break". */
const char *break_kind_public_reason(BreakKind k) _pure_;

/* Make the plan at instant now (UTC usec; 0 plans the whole roster as if
 * every incident were known when it happened).
 *
 * incidents: all incidents known (may be NULL); those with received > now,
 * of an unknown category, or outside every shift of their operator
 * (start <= when < end) are ignored.
 * previous: the plan of the last revision, or NULL. Its breaks that started
 * before now are kept exactly (frozen; a break in progress is never cut);
 * its later statutory and planned breaks stay where they were when still
 * valid.
 *
 * Rules:
 * - Recovery: a category with recovery > 0 earns a break of that length,
 *   starting at the first whole minute at or after max(when, received, now)
 *   and after any break in progress; a detected prolonged call of
 *   policy->prolonged.break_after or more earns prolonged.length. Points
 *   accumulate per operator in a sliding accumulation.window; reaching
 *   threshold earns a break of accumulation.length starting within
 *   accumulation.max_delay, and clears the points counted. A recovery also
 *   clears earlier points. The accumulated break starts at once, or, when a
 *   planned or statutory break begins within max_delay of the trigger with
 *   room before it, ends right where that break begins. A break longer than
 *   what is left of the shift is cut at its end; less than a minute left:
 *   none. A recovery already in the frozen part is not granted again.
 * - A recovery never overlaps another break: overlapping or beginning within
 *   merge_margin of a not-yet-started statutory or planned break, that break
 *   moves to begin right after the recovery (one continuous time off).
 *   "Within merge_margin": at most merge_margin after the recovery's end;
 *   breaks further on move only when they would overlap. A recovery whose
 *   start falls in a break begun by then waits for its end. Breaks pushed
 *   past the shift end are cut there.
 * - Statutory: working time is the shift's length less its planned breaks;
 *   the highest tier whose more_than it strictly exceeds sets the total
 *   (jp: > 6 h → 45 min, > 8 h → 60 min; Labour Standards Act art. 34(1)).
 *   The missing total is placed as one block (or blocks of at least
 *   min_block) on the step grid inside [start + edge_margin, end -
 *   edge_margin], as near the middle of the shift as other breaks allow
 *   (ties: the earlier; a shift too short for the margins uses half its free
 *   span). The grid is anchored at the shift start; nothing is placed before
 *   now. A block pushed by a recovery follows it when it stays inside the
 *   margins, else it is placed again. When no place fits, the block goes
 *   anywhere in the shift (minute grid) that overlaps nothing; when even
 *   that fails, the shift counts in statutory_violations.
 * - Reasons (private): "after a threatening call (threat)", "after a call of
 *   65 min (prolonged_call)", "after 1 unreasonable_demand, 1 other incidents
 *   in 40 min (6 points)", "statutory break: 45min for more than 6h of work
 *   (<source>)", "planned in the roster".
 *
 * Returns 0 and the plan in *ret, or -ENOMEM. */
int planner_run(const Roster *roster, const Policy *policy, const IncidentList *incidents,
                const Plan *previous, usec_t now, Plan **ret);

/* Breaks of one operator overlapping [from, to): fills *ret with pointers
 * into plan (valid while the plan lives), ordered by start; free the array
 * with free() (NULL when none). Returns the number found or -ENOMEM. */
ssize_t plan_operator_breaks(const Plan *plan, const char *operator, usec_t from, usec_t to,
                             const Break ***ret);
