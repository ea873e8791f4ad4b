/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Coverage: how many operators each team needs on the phones (in shift, not
 * on a break), per interval. The requirement is worked out here, outside
 * the planner, and handed to it (planner_run()). */

#include "core/calls.h"
#include "core/policy.h"
#include "core/roster.h"
#include "shared/util.h"

typedef struct TeamCoverage {
        char *team;
        usec_t start;           /* UTC start of interval 0 */
        usec_t interval;        /* interval length (policy coverage.interval) */
        unsigned *required;     /* operators needed on the phones in each interval */
        size_t n;
} TeamCoverage;

typedef struct Coverage {
        TeamCoverage *teams;    /* sorted by team name, one per roster team */
        size_t n_teams;
} Coverage;

Coverage *coverage_free(Coverage *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Coverage *, coverage_free);

/* The team's entry, or NULL. */
const TeamCoverage *coverage_find_team(const Coverage *c, const char *team);

/* Operators team t needs on the phones at instant at; 0 outside its span. */
unsigned team_coverage_required(const TeamCoverage *t, usec_t at) _pure_;

/* The requirement of roster (finished by roster_finish(), which lists its
 * teams) over its span (from the first interval boundary,
 * a multiple of coverage.interval since the epoch, at or before the first
 * shift start, to the last shift end), per roster team, the larger of:
 * - every coverage.bands entry naming the team or "*" whose local time band
 *   (policy timezone) holds the interval's start;
 * - when coverage.from_calls and calls is given, Erlang C on the calls the
 *   team's operators took starting in the interval (traffic = their handle
 *   time / interval, AHT = mean handle time): the fewest operators reaching
 *   coverage.service_level percent within coverage.answer_within, divided by
 *   (1 − coverage.shrinkage percent), rounded up. Calls of operators not in
 *   the roster are not counted.
 * Returns 0 and the coverage in *ret (no teams for an empty roster), or
 * -ENOMEM, or the error of the time-zone conversion. */
int coverage_build(const Policy *policy, const Roster *roster, const CallLog *calls, Coverage **ret);
