/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The coverage chart a team lead reads in a terminal: per team and local
 * day, one row per 15 or 30 minutes with a bar of the operators on the
 * phones, those on shift but on a break in a lighter shade, the
 * requirement as a marker, the numbers, and the shortfall flagged. The
 * numbers are intraday_buckets()'s (core/intraday.h): the fewest on shift
 * and on the phones in any minute of the row, the most required, and the
 * operator-minutes short, which add up to the metrics' shortfall. It takes
 * a plan however it was made: respitectl coverage plans offline; the
 * daemon may hand its own. */

#include <stdbool.h>
#include <stdio.h>

#include "core/coverage.h"
#include "core/plan.h"

/* The narrowest chart chart_print() draws, in columns. */
#define CHART_WIDTH_MIN 24U

/* Print on f the chart of team (NULL: every team of plan's shifts, in
 * strcmp() order) for each local day of zone that [from, to) (UTC) meets:
 * first a legend, then per day and team a header (team, weekday and date,
 * zone and UTC offset, the span and row length, the day's shortfall), an
 * axis of operators and the rows. A day's rows run from the start of the
 * row (on the zone's clock: xx:00, xx:15, xx:30 or xx:45) that holds the
 * first instant of the day in [from, to) where one of the team's shifts
 * runs or coverage requires anyone, to the last such instant; rows are 15
 * minutes when width is at least 100 columns and that span at most 12
 * hours, else 30. A team with no shift and no requirement on a day gets
 * one line that says so; a change of UTC offset inside a day (DST) a line
 * where it happens, and the rows keep the local times (23 or 25 hours).
 * Every line takes at most width columns (a block character is one; team
 * names are cut with "…"); with color, ANSI escapes colour it (on the
 * phones green, below the requirement red, the marker bold), and without
 * it there is none: the same text either way. coverage may be NULL
 * (nothing required).
 * Returns 0, -ENXIO when team has no shift in plan and no coverage entry,
 * -EINVAL for width under CHART_WIDTH_MIN or from >= to, -ENOMEM, -EIO when
 * f fails, or the error of zone (-ENOENT, -EINVAL). */
int chart_print(FILE *f, const Plan *plan, const Coverage *coverage, const char *team, usec_t from, usec_t to,
                const char *zone, unsigned width, bool color);
