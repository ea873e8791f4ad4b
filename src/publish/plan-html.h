/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A plan as one self-contained HTML page for people to read and print
 * (respitectl plan --format html): per local day and team, a Gantt of the
 * shifts with their breaks and, under it on the same time axis, the
 * operators on the phones and on shift against the requirement, the
 * shortfall shaded. Inline SVG and CSS, no script, nothing fetched; the
 * markup is well-formed XML (XHTML-compatible), every text escaped. */

#include <stdio.h>

#include "core/coverage.h"
#include "core/plan.h"

/* What the page shows. */
typedef struct PlanHtmlOptions {
        const char *team;       /* only this team's shifts; NULL: every team */
        const char *operator;   /* only this operator's shifts: their own day, with their own reasons,
                                 * and no team figures or coverage curve (they would tell colleagues'
                                 * breaks); NULL: a team lead's view, every reason in full (those of
                                 * recovery breaks name incident categories) */
        usec_t from, to;        /* UTC: the shifts meeting [from, to); 0 and USEC_INFINITY: all */
        const char *zone;       /* the site's IANA zone: the days, the hours and every time shown */
        usec_t generated;       /* UTC: the instant of the "Generated" line; 0: no such line */
} PlanHtmlOptions;

/* The geometry of the charts, in CSS pixels (SVG user units): the time
 * axis starts PLAN_HTML_AXIS_X from a chart's left edge and is
 * PLAN_HTML_AXIS_WIDTH wide; a Gantt row is PLAN_HTML_ROW_HEIGHT high and
 * a Gantt holds at most PLAN_HTML_ROWS_PER_PART rows (more go on into
 * another, so that each fits a printed page). */
#define PLAN_HTML_AXIS_X        72
#define PLAN_HTML_AXIS_WIDTH    936
#define PLAN_HTML_ROW_HEIGHT    15
#define PLAN_HTML_ROWS_PER_PART 30

/* Print the page of plan's shifts that o selects on f: a section per local
 * day (of the shift's start, or of o->from for a shift begun before it) and
 * team, the shifts in rows by start, then operator id, labelled with the
 * operator id; coverage (may be NULL: nothing required) gives each team's
 * requirement, counted per minute as metrics_compute() counts
 * (intraday_compute()). The time axis of a section runs over whole local
 * hours from its first shift's start to its last shift's end, clipped to
 * [o->from, o->to).
 *
 * Every word a person reads is in the reader's language (i18n.h: the
 * catalogue gettext picks), which <html lang="…"> names ("en" when none
 * was found); days as that language writes them ("Monday 1999-01-04",
 * "1999-01-04（月）"), the kinds and the common reasons of breaks as
 * reason-words.h says them. What follows stays as it is in every language.
 *
 * For programs reading the page: each section is a <section class="day"
 * data-team="TEAM" data-day="YYYY-MM-DD">, in a lead's view also with
 * data-shortfall="N", the operator-minutes short of the requirement over
 * its axis. Each Gantt and coverage chart is an <svg class="gantt"> or
 * <svg class="coverage"> with data-start and data-end (its axis, ISO 8601
 * in o->zone), data-x and data-width (PLAN_HTML_AXIS_X and
 * PLAN_HTML_AXIS_WIDTH); each shift is a <g class="shift"
 * data-operator="ID"> holding a <rect class="shift"> and one
 * <rect class="break KIND"> (KIND as break_kind_to_string()) per break on
 * the axis, at x = data-x + (start - data-start) * data-width / (data-end -
 * data-start), clipped to the axis and at least 1.5 px wide, each with a
 * <title> (operator, kind, local times, length; then the reason). An
 * operator's own day has a <table class="breaks"> of them too.
 *
 * Returns 0, -ENOMEM, -EIO when writing to f failed, or the zone's error
 * (-ENOENT: no such zone). */
int plan_html_print(FILE *f, const Plan *plan, const Coverage *coverage, const PlanHtmlOptions *o);
