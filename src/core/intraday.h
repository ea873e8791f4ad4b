/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The intraday view of a team, as a team lead reads it: per minute of a
 * span, the operators the requirement asks for, those on shift and those on
 * the phones (on shift and on no break); and per bucket of 15 or 30
 * minutes the same, for a chart. Counted as metrics_compute() counts: a
 * shift or break touching a minute counts for all of it, so the shortfall
 * of the buckets adds up to the team's shortfall in the metrics. */

#include "core/coverage.h"
#include "core/plan.h"

typedef struct Intraday {
        char *team;
        usec_t start, end;              /* UTC, whole minutes: the span */
        size_t n_minutes;
        unsigned *required;             /* per minute: operators needed on the phones */
        unsigned *on_shift;             /* per minute: operators on shift */
        unsigned *on_phones;            /* per minute: on shift and on no break */
} Intraday;

typedef struct IntradayBucket {
        usec_t start, end;              /* UTC */
        unsigned required;              /* the most the requirement asks in any minute of it */
        unsigned on_shift;              /* the fewest on shift in any minute of it */
        unsigned on_phones;             /* the fewest on the phones in any minute of it */
        uint64_t shortfall;             /* operator-minutes below the requirement in it */
} IntradayBucket;

Intraday *intraday_free(Intraday *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(Intraday *, intraday_free);

/* The intraday view of team over [start, end) (UTC; rounded out to whole
 * minutes) from plan's shifts of that team and coverage's requirement for
 * it (coverage or the team's entry may be missing: nothing required).
 * Costs the plan's shifts once and the span's minutes. Returns 0, -EINVAL
 * for end <= start, -ENOMEM. */
int intraday_compute(const Plan *plan, const Coverage *coverage, const char *team, usec_t start, usec_t end,
                     Intraday **ret);

/* The span of team's shifts in plan that meet [from, to): from the first
 * one's start to the last one's end, clipped to [from, to). Returns false
 * when none does. */
bool intraday_team_span(const Plan *plan, const char *team, usec_t from, usec_t to, usec_t *ret_start,
                        usec_t *ret_end);

/* d in buckets of width (a whole number of minutes), the first starting at
 * d->start, the last cut at d->end: into *ret (freed by the caller).
 * Returns how many, or -EINVAL for a width under a minute, -ENOMEM. */
ssize_t intraday_buckets(const Intraday *d, usec_t width, IntradayBucket **ret);
