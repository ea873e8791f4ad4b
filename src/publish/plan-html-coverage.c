/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The coverage chart of a section of the HTML page: per minute, the
 * requirement, the operators on shift and on the phones as
 * intraday_compute() counts them, the shortfall shaded. */
#include <inttypes.h>

#include "publish/plan-html-internal.h"
#include "shared/i18n.h"

/* The plot: its top, its height, and room for the hour labels under it. */
#define PLAN_HTML_COVERAGE_TOP          10
#define PLAN_HTML_COVERAGE_PLOT         150
#define PLAN_HTML_COVERAGE_HEIGHT       (PLAN_HTML_COVERAGE_TOP + PLAN_HTML_COVERAGE_PLOT + 22)
/* Hover titles per bucket of this width. */
#define PLAN_HTML_COVERAGE_BUCKET       (15 * USEC_PER_MINUTE)

/* The y of v operators when top operators reach the top of the plot, in
 * hundredths of a pixel. */
static int64_t plan_html_coverage_y(unsigned v, unsigned top) {
        return (int64_t) (PLAN_HTML_COVERAGE_TOP + PLAN_HTML_COVERAGE_PLOT) * 100 -
                (int64_t) v * PLAN_HTML_COVERAGE_PLOT * 100 / top;
}

/* The x of the start of minute m of d. */
static int64_t plan_html_coverage_x(const Intraday *d, const PlanHtmlAxis *a, size_t m) {
        return plan_html_x(a, d->start + m * USEC_PER_MINUTE);
}

/* The scale: a step of 1, 2 or 5 times a power of ten with at most 5 steps
 * to the top, and the top, a whole number of steps at or over the most
 * that d required or had on shift (at least 1). */
static unsigned plan_html_coverage_scale(const Intraday *d, unsigned *ret_step) {
        unsigned most = 1, step = 1;

        for (size_t m = 0; m < d->n_minutes; m++)
                most = MAX(most, MAX(d->required[m], d->on_shift[m]));
        for (unsigned p = 1;; p *= 10) {
                if (most <= 5 * p) {
                        step = p;
                        break;
                }
                if (most <= 10 * p) {
                        step = 2 * p;
                        break;
                }
                if (most <= 25 * p) {
                        step = 5 * p;
                        break;
                }
        }
        *ret_step = step;
        return (most + step - 1) / step * step;
}

/* The horizontal lines of the scale, each labelled with its operators. */
static void plan_html_coverage_levels(FILE *f, unsigned top, unsigned step) {
        fputs("<g class=\"levels\">", f);
        for (unsigned v = 0; v <= top; v += step) {
                int64_t y = plan_html_coverage_y(v, top);

                fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"", PLAN_HTML_AXIS_X, PLAN_HTML_AXIS_X + PLAN_HTML_AXIS_WIDTH);
                plan_html_number(f, y);
                fputs("\" y2=\"", f);
                plan_html_number(f, y);
                fprintf(f, "\"/><text x=\"%d\" y=\"", PLAN_HTML_AXIS_X - 6);
                plan_html_number(f, y + 400);
                fprintf(f, "\">%u</text>", v);
        }
        fputs("</g>\n", f);
}

/* v per minute of d as a step line of class class. */
static void plan_html_coverage_step(FILE *f, const char *class, const Intraday *d, const PlanHtmlAxis *a,
                                    const unsigned *v, unsigned top) {
        fprintf(f, "<path class=\"%s\" d=\"M", class);
        plan_html_number(f, plan_html_coverage_x(d, a, 0));
        fputc(' ', f);
        plan_html_number(f, plan_html_coverage_y(v[0], top));
        for (size_t m = 1; m < d->n_minutes; m++) {
                if (v[m] == v[m - 1])
                        continue;
                fputs(" H", f);
                plan_html_number(f, plan_html_coverage_x(d, a, m));
                fputs(" V", f);
                plan_html_number(f, plan_html_coverage_y(v[m], top));
        }
        fputs(" H", f);
        plan_html_number(f, plan_html_coverage_x(d, a, d->n_minutes));
        fputs("\"/>\n", f);
}

/* The area between the operators on the phones and the requirement where
 * they are fewer: one rectangle per run of minutes alike. */
static void plan_html_coverage_shortfall(FILE *f, const Intraday *d, const PlanHtmlAxis *a, unsigned top) {
        bool any = false;

        for (size_t m = 0, e; m < d->n_minutes; m = e) {
                for (e = m + 1; e < d->n_minutes && d->required[e] == d->required[m] &&
                     d->on_phones[e] == d->on_phones[m]; e++)
                        ;
                if (d->required[m] <= d->on_phones[m])
                        continue;
                fputs(any ? " M" : "<path class=\"shortfall\" d=\"M", f);
                any = true;
                plan_html_number(f, plan_html_coverage_x(d, a, m));
                fputc(' ', f);
                plan_html_number(f, plan_html_coverage_y(d->required[m], top));
                fputs(" H", f);
                plan_html_number(f, plan_html_coverage_x(d, a, e));
                fputs(" V", f);
                plan_html_number(f, plan_html_coverage_y(d->on_phones[m], top));
                fputs(" H", f);
                plan_html_number(f, plan_html_coverage_x(d, a, m));
                fputs(" Z", f);
        }
        if (any)
                fputs("\"/>\n", f);
}

/* A transparent rectangle per quarter hour whose title gives its numbers. */
static int plan_html_coverage_hover(FILE *f, const Intraday *d, const PlanHtmlAxis *a) {
        _cleanup_free_ IntradayBucket *b = NULL;
        ssize_t n = intraday_buckets(d, PLAN_HTML_COVERAGE_BUCKET, &b);

        if (n < 0)
                return (int) n;
        fputs("<g class=\"buckets\">\n", f);
        for (ssize_t k = 0; k < n; k++) {
                char from[ISO8601_MAX], to[ISO8601_MAX];
                int64_t x = plan_html_x(a, b[k].start);

                fputs("<rect class=\"hover\" x=\"", f);
                plan_html_number(f, x);
                fprintf(f, "\" y=\"%d\" width=\"", PLAN_HTML_COVERAGE_TOP);
                plan_html_number(f, plan_html_x(a, b[k].end) - x);
                fprintf(f, "\" height=\"%d\"><title>", PLAN_HTML_COVERAGE_PLOT);
                /* TRANSLATORS: the coverage chart's title of a quarter hour (start–end): the most operators
                 * required on the phones in it, the fewest on the phones, those on shift, and the
                 * operator-minutes short. */
                fprintf(f, _("%1$s–%2$s: up to %3$u required on the phones; at least %4$u on the phones, %5$u on "
                             "shift; %6$" PRIu64 " operator-minutes short"),
                        plan_html_time(a, b[k].start, from), plan_html_time(a, b[k].end, to), b[k].required,
                        b[k].on_phones, b[k].on_shift, b[k].shortfall);
                fputs("</title></rect>\n", f);
        }
        fputs("</g>\n", f);
        return 0;
}

int plan_html_coverage_chart(FILE *f, const Intraday *d, const PlanHtmlAxis *a) {
        _cleanup_free_ char *label = NULL;
        unsigned step, top = plan_html_coverage_scale(d, &step);
        int r;

        /* TRANSLATORS: the coverage chart's label for screen readers. */
        if (asprintf(&label, _("Coverage of team %s: operators on the phones and on shift against the requirement"),
                     d->team) < 0)
                return -ENOMEM;
        fputs("<div class=\"coverage\">\n<h3>", f);
        /* TRANSLATORS: the heading of a team's coverage chart on the page. */
        plan_html_escape(f, _("Operators on the phones and on shift against the requirement, per minute; the "
                              "shortfall shaded"));
        fputs("</h3>\n", f);
        r = plan_html_svg_open(f, "coverage", PLAN_HTML_COVERAGE_HEIGHT, a, label);
        if (r < 0)
                return r;
        plan_html_coverage_levels(f, top, step);
        plan_html_hours(f, a, PLAN_HTML_COVERAGE_TOP, PLAN_HTML_COVERAGE_TOP + PLAN_HTML_COVERAGE_PLOT,
                        PLAN_HTML_COVERAGE_HEIGHT - 6);
        plan_html_coverage_shortfall(f, d, a, top);
        plan_html_coverage_step(f, "on-shift", d, a, d->on_shift, top);
        plan_html_coverage_step(f, "on-phones", d, a, d->on_phones, top);
        plan_html_coverage_step(f, "required", d, a, d->required, top);
        r = plan_html_coverage_hover(f, d, a);
        if (r < 0)
                return r;
        fputs("</svg>\n</div>\n", f);
        return 0;
}
