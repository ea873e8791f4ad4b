/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Metrics of a plan: what a team lead watches. Computed from the plan, the
 * coverage requirement and the operators' calls. */

#include <stdio.h>

#include "core/calls.h"
#include "core/coverage.h"
#include "core/plan.h"

typedef struct TeamMetrics {
        char *team;
        uint64_t required_minutes;      /* operator-minutes the requirement asks for */
        uint64_t shortfall_minutes;     /* operator-minutes below it */
        uint64_t recovery_minutes;      /* of those, minutes operators were on a recovery */
        uint64_t forced_minutes;        /* of those, operator-minutes below it with no break at all:
                                         * the shifts alone (the roster forces them) */
} TeamMetrics;

typedef struct Metrics {
        size_t shifts;
        unsigned statutory_violations;  /* shifts that could not hold a statutory rule */
        unsigned recoveries;            /* recovery breaks, merged ones included */
        unsigned recoveries_late;       /* begun after their delay (see ShiftPlan) */
        unsigned recoveries_unserved;   /* earned too near the shift end */
        unsigned recoveries_short;      /* deferrable ones begun below coverage */
        usec_t delay_median, delay_max; /* recovery: from incident to break start */
        unsigned breaks_moved;          /* by revisions, see Plan */
        unsigned statutory_overruns;    /* statutory breaks begun late because of a call, see Plan */
        unsigned recoveries_interrupted;        /* recovery breaks cut by a call, see Plan */
        bool calls_known;               /* the calls were given: the four below are counted */
        unsigned break_starts_in_call;  /* breaks starting strictly inside a call of their operator */
        unsigned long_call_recoveries;  /* recoveries (merged ones too) whose trigger is the end of a
                                         * call of METRICS_LONG_CALL or more of their operator */
        unsigned long_call_recoveries_prompt;   /* of those, begun within METRICS_PROMPT of it */
        usec_t long_call_wait_max;      /* of those, the longest from the call's end to the start */
        usec_t shift_time;              /* all shifts */
        usec_t break_time[_BREAK_KIND_MAX];     /* per kind; merged breaks count as their kind */
        uint64_t shortfall_minutes;     /* all teams */
        uint64_t recovery_shortfall_minutes;
        uint64_t forced_shortfall_minutes;
        TeamMetrics *teams;             /* sorted by team, those of the coverage */
        size_t n_teams;
} Metrics;

/* A long call: its recovery should begin within METRICS_PROMPT of its end. */
#define METRICS_LONG_CALL (60 * USEC_PER_MINUTE)
#define METRICS_PROMPT (2 * USEC_PER_MINUTE)

Metrics *metrics_free(Metrics *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Metrics *, metrics_free);

/* Compute the metrics of plan against coverage (may be NULL: no shortfall)
 * and calls (the operators' calls the plan was made with, call_index_new();
 * NULL: the counts of calls are skipped, calls_known false). Operators on
 * the phones are counted per whole minute (a shift or break touching a
 * minute counts for all of it), over each team's coverage span; the
 * shortfall the roster forces counts the shifts alone, the same way, so it
 * is at most the shortfall (equal: no break costs coverage). A break
 * starts inside a call when call.start < break.start < call.end. Costs
 * O(breaks log calls) for the calls. Returns 0 or -ENOMEM. */
int metrics_compute(const Plan *plan, const Coverage *coverage, const CallIndex *calls, Metrics **ret);

/* Print m as "name: value" lines for people ("statutory violations: 0"),
 * in the reader's language (i18n.h; respited does not translate).
 * Returns 0 or -EIO. */
int metrics_print(const Metrics *m, FILE *f);
