/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of the HTML page share: plan-html.c (the page, its
 * sections and Gantts) and plan-html-coverage.c (the coverage chart). */

#include "core/intraday.h"
#include "publish/plan-html.h"
#include "shared/time-util.h"

/* A chart's width: the labels, the axis, a margin for the last hour's label. */
#define PLAN_HTML_WIDTH (PLAN_HTML_AXIS_X + PLAN_HTML_AXIS_WIDTH + 24)

/* The time axis of a section. */
typedef struct PlanHtmlAxis {
        usec_t start, end;      /* UTC, whole local hours, start < end */
        int day;                /* the section's local day, yyyymmdd */
        const char *zone;
} PlanHtmlAxis;

/* Where instant t lies on axis a, in hundredths of a pixel from the
 * chart's left edge; t is clamped to the axis. */
int64_t plan_html_x(const PlanHtmlAxis *a, usec_t t) _pure_;

/* Print v hundredths as a decimal number ("12.5", "-3", "0.07"), whatever
 * the locale. */
void plan_html_number(FILE *f, int64_t v);

/* Print s on f escaped for HTML and XML text and attribute values: & < > "
 * ' as references, control characters (but tab and newline) and the bytes
 * of a string that is not UTF-8 as U+FFFD. NULL prints nothing. */
void plan_html_escape(FILE *f, const char *s);

/* Instant t as the charts say it: "10:42", "10:42:07" when it has seconds,
 * with its date ("1999-01-05 00:30") when it is not on the axis's day.
 * Returns buf, "?" in it when t does not format in the zone. */
const char *plan_html_time(const PlanHtmlAxis *a, usec_t t, char buf[static ISO8601_MAX]);

/* The vertical line of every hour of a on a chart from y top to y bottom,
 * and the hour's local time ("07:00") at baseline y label, for as many
 * hours as there is room for. */
void plan_html_hours(FILE *f, const PlanHtmlAxis *a, int top, int bottom, int label);

/* The opening <svg> tag of a chart of class class, height high, with the
 * axis's data attributes (plan-html.h) and aria-label label (escaped).
 * Returns 0 or the zone's error. */
int plan_html_svg_open(FILE *f, const char *class, int height, const PlanHtmlAxis *a, const char *label);

/* The coverage chart of d over axis a: the requirement, the operators on
 * shift and on the phones per minute, the shortfall shaded, and a hover
 * title per quarter hour. Returns 0, -ENOMEM or the zone's error. */
int plan_html_coverage_chart(FILE *f, const Intraday *d, const PlanHtmlAxis *a);
