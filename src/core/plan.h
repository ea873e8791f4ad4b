/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The plan: every shift of the roster with its breaks, as planner_run()
 * makes it and the daemon stores, publishes and compares it. */

#include <sys/types.h>

#include "shared/string-table.h"
#include "shared/util.h"

typedef enum BreakKind {
        BREAK_PLANNED,          /* came with the roster */
        BREAK_STATUTORY,        /* required by the preset's rule of law */
        BREAK_RECOVERY,         /* granted after incidents */
        _BREAK_KIND_MAX,
        _BREAK_KIND_INVALID = -EINVAL,
} BreakKind;

typedef struct Break {
        BreakKind kind;
        usec_t start, end;      /* UTC, start < end, inside the shift */
        usec_t trigger;         /* recovery: the incident instant that earned it (the rest of one
                                 * a call interrupted: that call's end); else 0 */
        char *uid;              /* stable identity: "<shift uid>-statutory-1", "<shift uid>-planned-1"
                                 * (n-th planned break of the roster shift), "<op>-recovery-<incident id>",
                                 * its rest after a call "<recovery uid>-rest", "…-rest-2", … */
        char *reason;           /* private wording, says why: "after a threatening call (threat)" */
        char *recovery_uid;     /* a planned or statutory break that a recovery merged into: the
                                 * recovery's uid (trigger is then its incident's instant); else NULL */
} Break;

typedef struct ShiftPlan {
        char *operator;         /* operator id */
        char *team;
        usec_t start, end;      /* the shift, UTC */
        char *uid;              /* "<op>-<yyyymmddThhmmZ>": the shift's identity */
        Break *breaks;          /* sorted by start, never overlapping */
        size_t n_breaks;
        bool statutory_violation;       /* a statutory rule could not be held */
        unsigned recoveries;            /* recovery breaks granted, merged ones included */
        unsigned recoveries_late;       /* started after their delay while the operator was on the phones */
        unsigned recoveries_unserved;   /* earned less than a minute before the shift end */
        unsigned recoveries_short;      /* deferrable ones begun below coverage: none kept it in their delay */
        unsigned breaks_moved;          /* breaks of the previous revision, not begun, moved or dropped */
        unsigned statutory_overruns;    /* statutory breaks begun past their latest start because the
                                         * operator was on a call then (not violations) */
        unsigned recoveries_interrupted;        /* recovery breaks cut by a call, their rest granted after it */
} ShiftPlan;

typedef struct Plan {
        usec_t now;             /* the revision instant: nothing before it was changed */
        ShiftPlan *shifts;      /* sorted by shift_plan_compare(): operator, then start */
        size_t n_shifts;
        unsigned breaks;                /* breaks of all shifts */
        unsigned statutory_violations;  /* shifts whose statutory breaks could not be placed */
        unsigned recoveries, recoveries_late, recoveries_unserved, recoveries_short;
        unsigned statutory_overruns, recoveries_interrupted;
                                        /* sums of the shifts' counts */
        unsigned breaks_moved;          /* moved by this revision and every revision before it */
        struct Staffing *staffing;      /* operators on the phones per team and minute (the planner's) */
} Plan;

Plan *plan_free(Plan *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Plan *, plan_free);

/* Free the strings and breaks of sp; the struct itself stays. */
void shift_plan_done(ShiftPlan *sp);
/* A deep copy of src into *ret. Returns 0 or -ENOMEM (*ret then holds
 * nothing to free). */
int shift_plan_copy(const ShiftPlan *src, ShiftPlan *ret);

/* "planned", "statutory", "recovery", both ways. */
DECLARE_STRING_TABLE_LOOKUP(break_kind, BreakKind);
/* The public wording of a kind, safe for signals and team feeds:
 * "Break", "Statutory break", "Recovery break". */
const char *break_kind_public_reason(BreakKind k) _pure_;

/* The order of the shifts of a plan: by operator id (strcmp()), then by
 * start. Returns < 0, 0 or > 0 as strcmp() does. */
int shift_plan_compare(const ShiftPlan *a, const ShiftPlan *b) _pure_;

/* The break of sp whose uid is uid, or NULL (also for sp NULL). Linear in
 * the shift's breaks. */
const Break *shift_plan_find_break(const ShiftPlan *sp, const char *uid) _pure_;

/* The shifts of operator in plan p (NULL: none), which plan order keeps
 * together: the index of the first in *ret_first, and how many there are.
 * A binary search: O(log n_shifts). */
size_t plan_operator_shifts(const Plan *p, const char *operator, size_t *ret_first);

/* The break uid of operator in plan p, or NULL (also for p NULL): the first
 * found in the operator's shifts in plan order (plan_operator_shifts()), so
 * it costs O(log n_shifts) plus that operator's breaks. */
const Break *plan_find_operator_break(const Plan *p, const char *operator, const char *uid) _pure_;

/* Breaks of one operator overlapping [from, to): fills *ret with pointers
 * into plan (valid while the plan lives), ordered by start, then uid; free
 * the array with free() (NULL when none). Returns the number found or
 * -ENOMEM. */
ssize_t plan_operator_breaks(const Plan *plan, const char *operator, usec_t from, usec_t to,
                             const Break ***ret);
