/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The plan as an HTML page: the document, its sections (a local day of a
 * team) and their Gantts. The coverage chart is plan-html-coverage.c's. */
#include <inttypes.h>

#include "publish/plan-html-internal.h"
#include "shared/i18n.h"
#include "shared/reason-words.h"

/* A Gantt's hour labels above its first row. */
#define PLAN_HTML_GANTT_TOP     22
/* A bar in its row, and the narrowest bar drawn (hundredths of a pixel):
 * a break of seconds stays visible. */
#define PLAN_HTML_BAR_Y         2
#define PLAN_HTML_BAR_HEIGHT    11
#define PLAN_HTML_BAR_MIN       150
/* Row labels longer than this many code points are cut, with an ellipsis. */
#define PLAN_HTML_LABEL_CHARS   11

/* Okabe and Ito's palette, safe for colour-blind readers: statutory blue,
 * recovery vermillion, planned bluish green; on the phones blue, on shift
 * sky blue, the shortfall orange, the requirement black. */
static const char plan_html_style[] =
        "@page { size: A4 landscape; margin: 10mm; }\n"
        "body { font: 13px/1.4 \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif; color: #111;"
        " background: #fff; margin: 16px; }\n"
        "h1 { font-size: 20px; margin: 0 0 4px; }\n"
        "h2 { font-size: 16px; margin: 0 0 2px; }\n"
        "h3 { font-size: 13px; font-weight: normal; margin: 8px 0 2px; }\n"
        "p { margin: 2px 0; }\n"
        ".view { border-left: 4px solid #D55E00; padding-left: 8px; margin: 8px 0; max-width: 1000px; }\n"
        "section.day { margin: 28px 0 36px; }\n"
        "svg { display: block; max-width: 100%; height: auto; }\n"
        "svg text { font-size: 11px; fill: #222; }\n"
        ".legend { list-style: none; padding: 0; margin: 6px 0 8px; display: flex; flex-wrap: wrap; gap: 4px 18px; }\n"
        ".legend li { display: flex; align-items: center; gap: 6px; }\n"
        ".legend svg { display: inline-block; }\n"
        "text.label { text-anchor: end; }\n"
        "text.violation { fill: #D55E00; font-weight: bold; }\n"
        ".hours line { stroke: #d4d4d4; stroke-width: 1; }\n"
        ".hours text { text-anchor: middle; fill: #555; }\n"
        ".levels line { stroke: #e2e2e2; stroke-width: 1; }\n"
        ".levels text { text-anchor: end; fill: #555; }\n"
        "rect.stripe { fill: #f4f4f4; }\n"
        "rect.shift { fill: #e2e2e2; stroke: #8a8a8a; stroke-width: 0.6; }\n"
        "rect.statutory { fill: #0072B2; }\n"
        "rect.recovery { fill: #D55E00; }\n"
        "rect.planned { fill: #009E73; }\n"
        ".required { fill: none; stroke: #000; stroke-width: 1.5; stroke-dasharray: 5 3; }\n"
        ".on-shift { fill: none; stroke: #56B4E9; stroke-width: 2; }\n"
        ".on-phones { fill: none; stroke: #0072B2; stroke-width: 2; }\n"
        ".shortfall { fill: #E69F00; fill-opacity: 0.6; stroke: none; }\n"
        "rect.hover { fill: #000; fill-opacity: 0; }\n"
        "table.breaks { border-collapse: collapse; margin: 10px 0; }\n"
        "table.breaks th, table.breaks td { text-align: left; padding: 2px 14px 2px 0; vertical-align: top; }\n"
        "table.breaks th { border-bottom: 1px solid #888; }\n"
        "td.statutory { color: #0072B2; } td.recovery { color: #D55E00; } td.planned { color: #009E73; }\n"
        "rect.hover:hover { fill-opacity: 0.06; }\n"
        "@media print {\n"
        "  body { margin: 0; }\n"
        "  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }\n"
        "  section.day { break-before: page; margin: 0; }\n"
        "  section.day:first-of-type { break-before: auto; }\n"
        "  .head { break-inside: avoid; break-after: avoid; }\n"
        "  .part, .coverage { break-inside: avoid; }\n"
        "}\n";

/* A shift of the page, and the local day of the section it goes in. */
typedef struct PlanHtmlRow {
        int day;                /* yyyymmdd */
        const ShiftPlan *shift;
} PlanHtmlRow;

int64_t plan_html_x(const PlanHtmlAxis *a, usec_t t) {
        unsigned __int128 num;

        t = MIN(MAX(t, a->start), a->end);
        num = (unsigned __int128) (t - a->start) * (PLAN_HTML_AXIS_WIDTH * 100);
        return PLAN_HTML_AXIS_X * 100 + (int64_t) ((num + (a->end - a->start) / 2) / (a->end - a->start));
}

void plan_html_number(FILE *f, int64_t v) {
        int frac;

        if (v < 0) {
                fputc('-', f);
                v = -v;
        }
        frac = (int) (v % 100);
        fprintf(f, "%" PRId64, v / 100);
        if (frac % 10 != 0)
                fprintf(f, ".%02d", frac);
        else if (frac != 0)
                fprintf(f, ".%d", frac / 10);
}

void plan_html_escape(FILE *f, const char *s) {
        bool utf8 = s && utf8_is_valid(s);

        for (; s && *s; s++) {
                unsigned char c = (unsigned char) *s;

                switch (c) {
                case '&':  fputs("&amp;", f); break;
                case '<':  fputs("&lt;", f); break;
                case '>':  fputs("&gt;", f); break;
                case '"':  fputs("&quot;", f); break;
                case '\'': fputs("&#39;", f); break;
                case '\t':
                case '\n': fputc(c, f); break;
                default:
                        if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8))
                                fputs("\xef\xbf\xbd", f);
                        else
                                fputc(c, f);
                }
        }
}

/* s escaped as plan_html_escape() writes it, malloc'ed; NULL on OOM. */
static char *plan_html_escaped(const char *s) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        plan_html_escape(f, s);
        if (fclose(f) != 0)
                return mfree(buf);
        return buf;
}

const char *plan_html_time(const PlanHtmlAxis *a, usec_t t, char buf[static ISO8601_MAX]) {
        CivilTime c;
        int n = 0;

        if (utc_to_civil(t, a->zone, &c) < 0) {
                strcpy(buf, "?");
                return buf;
        }
        if (c.year * 10000 + c.month * 100 + c.day != a->day)
                n = snprintf(buf, ISO8601_MAX, "%04d-%02d-%02d ", c.year, c.month, c.day);
        if (c.second != 0)
                snprintf(buf + n, ISO8601_MAX - n, "%02d:%02d:%02d", c.hour, c.minute, c.second);
        else
                snprintf(buf + n, ISO8601_MAX - n, "%02d:%02d", c.hour, c.minute);
        return buf;
}

void plan_html_hours(FILE *f, const PlanHtmlAxis *a, int top, int bottom, int label) {
        uint64_t span = a->end - a->start;
        int every = 1;

        /* A label at least every 36 px: one every hour, or every 2, 3, … */
        while ((uint64_t) PLAN_HTML_AXIS_WIDTH * USEC_PER_HOUR * every < 36 * span && every < 24)
                every++;
        fputs("<g class=\"hours\">", f);
        for (usec_t t = a->start; t <= a->end; t += USEC_PER_HOUR) {
                int64_t x = plan_html_x(a, t);
                CivilTime c;

                fputs("<line x1=\"", f);
                plan_html_number(f, x);
                fprintf(f, "\" y1=\"%d\" x2=\"", top);
                plan_html_number(f, x);
                fprintf(f, "\" y2=\"%d\"/>", bottom);
                if (utc_to_civil(t, a->zone, &c) < 0 || c.hour % every != 0)
                        continue;
                fputs("<text x=\"", f);
                plan_html_number(f, x);
                fprintf(f, "\" y=\"%d\">%02d:%02d</text>", label, c.hour, c.minute);
        }
        fputs("</g>\n", f);
}

int plan_html_svg_open(FILE *f, const char *class, int height, const PlanHtmlAxis *a, const char *label) {
        char start[ISO8601_MAX], end[ISO8601_MAX];
        int r;

        r = time_format_iso8601(a->start, a->zone, start);
        if (r >= 0)
                r = time_format_iso8601(a->end, a->zone, end);
        if (r < 0)
                return r;
        fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" width=\"%d\" height=\"%d\" "
                "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", class, PLAN_HTML_WIDTH, height,
                PLAN_HTML_WIDTH, height);
        plan_html_escape(f, label);
        fprintf(f, "\" data-start=\"%s\" data-end=\"%s\" data-x=\"%d\" data-width=\"%d\">\n", start, end,
                PLAN_HTML_AXIS_X, PLAN_HTML_AXIS_WIDTH);
        return 0;
}

/* A rect of class class from instant start to end on a's axis, in the row
 * whose top is y, with the title what, a line break and detail (may be
 * NULL). */
static void plan_html_bar(FILE *f, const PlanHtmlAxis *a, const char *class, usec_t start, usec_t end, int y,
                          const char *what, const char *detail) {
        int64_t x = plan_html_x(a, start), w = MAX(plan_html_x(a, end) - x, (int64_t) PLAN_HTML_BAR_MIN);

        fprintf(f, "<rect class=\"%s\" x=\"", class);
        plan_html_number(f, x);
        fprintf(f, "\" y=\"%d\" width=\"", y + PLAN_HTML_BAR_Y);
        plan_html_number(f, w);
        fprintf(f, "\" height=\"%d\"><title>", PLAN_HTML_BAR_HEIGHT);
        plan_html_escape(f, what);
        if (!isempty(detail)) {
                fputc('\n', f);
                plan_html_escape(f, detail);
        }
        fputs("</title></rect>", f);
}

/* The byte length of the first n code points of UTF-8 s, or of all of it. */
static size_t plan_html_prefix(const char *s, size_t n) {
        size_t i = 0;

        for (; s[i]; i++)
                if (((unsigned char) s[i] & 0xc0) != 0x80 && n-- == 0)
                        break;
        return i;
}

/* Row label: the operator id, cut with an ellipsis when long (the shift's
 * title says it in full); a shift whose statutory rule could not be held
 * in vermillion, bold. */
static void plan_html_label(FILE *f, const ShiftPlan *s, int y) {
        size_t cut = plan_html_prefix(s->operator, PLAN_HTML_LABEL_CHARS);
        _cleanup_free_ char *text = NULL;

        if (s->operator[cut] != '\0') {
                cut = plan_html_prefix(s->operator, PLAN_HTML_LABEL_CHARS - 1);
                if (asprintf(&text, "%.*s\xe2\x80\xa6", (int) cut, s->operator) < 0)
                        text = NULL;
        }
        fprintf(f, "<text class=\"label%s\" x=\"%d\" y=\"%d\">", s->statutory_violation ? " violation" : "",
                PLAN_HTML_AXIS_X - 6, y + PLAN_HTML_BAR_Y + PLAN_HTML_BAR_HEIGHT - 2);
        plan_html_escape(f, text ?: s->operator);
        fputs("</text>", f);
}

/* The row of shift s, whose top is y: label, shift bar and a bar per break
 * on the axis, each with its title. Returns 0 or -ENOMEM. */
static int plan_html_shift_row(FILE *f, const PlanHtmlAxis *a, const ShiftPlan *s, int y) {
        char from[ISO8601_MAX], to[ISO8601_MAX], length[DURATION_MAX];
        _cleanup_free_ char *what = NULL;

        fputs("<g class=\"shift\" data-operator=\"", f);
        plan_html_escape(f, s->operator);
        fputs("\">", f);
        plan_html_label(f, s, y);
        /* TRANSLATORS: a shift's title on the page's Gantt: operator, start, end, length
         * ("op1: shift 09:00–17:00 (8h)"); the second when a statutory rule could not be held in it. */
        if (asprintf(&what, s->statutory_violation ? _("%s: shift %s–%s (%s); a statutory rule could not be held") :
                     _("%s: shift %s–%s (%s)"), s->operator, plan_html_time(a, s->start, from),
                     plan_html_time(a, s->end, to), duration_format_words(s->end - s->start, length)) < 0)
                return -ENOMEM;
        plan_html_bar(f, a, "shift", s->start, s->end, y, what, NULL);
        for (size_t i = 0; i < s->n_breaks; i++) {
                const Break *b = &s->breaks[i];
                _cleanup_free_ char *reason = NULL;
                char class[32];

                if (b->end <= a->start || b->start >= a->end)
                        continue;
                what = mfree(what);
                /* TRANSLATORS: a break's title on the page's Gantt: operator, the break's kind as
                 * "%s break" ("statutory", "recovery", "planned"), start, end, length. */
                if (asprintf(&what, _("%s: %s break %s–%s (%s)"), s->operator,
                             reason_kind_words(break_kind_to_string(b->kind)), plan_html_time(a, b->start, from),
                             plan_html_time(a, b->end, to), duration_format_words(b->end - b->start, length)) < 0)
                        return -ENOMEM;
                reason = b->reason ? reason_translate(b->reason) : NULL;
                snprintf(class, sizeof class, "break %s", break_kind_to_string(b->kind));
                plan_html_bar(f, a, class, b->start, b->end, y, what, reason ?: b->reason);
        }
        fputs("</g>\n", f);
        return 0;
}

/* One Gantt of the n rows from rows, the first of them the section's
 * first-th (for the stripes). Returns 0, -ENOMEM or the zone's error. */
static int plan_html_gantt(FILE *f, const PlanHtmlAxis *a, const PlanHtmlRow *rows, size_t n, size_t first) {
        int height = PLAN_HTML_GANTT_TOP + (int) n * PLAN_HTML_ROW_HEIGHT + 2;
        _cleanup_free_ char *label = NULL;
        int r;

        /* TRANSLATORS: a Gantt's label for screen readers: the team, its first and last row. */
        if (asprintf(&label, _("Shifts and breaks of team %1$s, rows %2$zu to %3$zu"), rows[0].shift->team, first + 1,
                     first + n) < 0)
                return -ENOMEM;
        fputs("<div class=\"part\">\n", f);
        r = plan_html_svg_open(f, "gantt", height, a, label);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if ((first + i) % 2 == 1)
                        fprintf(f, "<rect class=\"stripe\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
                                PLAN_HTML_GANTT_TOP + (int) i * PLAN_HTML_ROW_HEIGHT, PLAN_HTML_WIDTH,
                                PLAN_HTML_ROW_HEIGHT);
        plan_html_hours(f, a, PLAN_HTML_GANTT_TOP - 4, height, PLAN_HTML_GANTT_TOP - 8);
        for (size_t i = 0; i < n; i++) {
                r = plan_html_shift_row(f, a, rows[i].shift, PLAN_HTML_GANTT_TOP + (int) i * PLAN_HTML_ROW_HEIGHT);
                if (r < 0)
                        return r;
        }
        fputs("</svg>\n</div>\n", f);
        return 0;
}

/* An operator's own day: their breaks on the axis in a table, with why
 * each was given, for paper, where no title shows. */
static void plan_html_break_table(FILE *f, const PlanHtmlAxis *a, const PlanHtmlRow *rows, size_t n) {
        bool any = false;

        for (size_t i = 0; i < n; i++) {
                const ShiftPlan *s = rows[i].shift;

                for (size_t j = 0; j < s->n_breaks; j++) {
                        const Break *b = &s->breaks[j];
                        char from[ISO8601_MAX], to[ISO8601_MAX], length[DURATION_MAX];
                        _cleanup_free_ char *reason = NULL;

                        if (b->end <= a->start || b->start >= a->end)
                                continue;
                        if (!any) {
                                /* TRANSLATORS: the headers of the table of an operator's breaks on
                                 * their own day's page: start, end, length, kind of break, and why it
                                 * was given. */
                                const char *headers[] = { _("Start"), _("End"), _("Length"), _("Break"), _("Why") };

                                fputs("<table class=\"breaks\">\n<thead><tr>", f);
                                for (size_t h = 0; h < ELEMENTSOF(headers); h++) {
                                        fputs("<th>", f);
                                        plan_html_escape(f, headers[h]);
                                        fputs("</th>", f);
                                }
                                fputs("</tr></thead>\n<tbody>\n", f);
                        }
                        any = true;
                        fprintf(f, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"%s\">",
                                plan_html_time(a, b->start, from), plan_html_time(a, b->end, to),
                                duration_format_words(b->end - b->start, length), break_kind_to_string(b->kind));
                        plan_html_escape(f, reason_kind_words(break_kind_to_string(b->kind)));
                        fputs("</td><td>", f);
                        reason = b->reason ? reason_translate(b->reason) : NULL;
                        plan_html_escape(f, reason ?: b->reason);
                        fputs("</td></tr>\n", f);
                }
        }
        if (any)
                fputs("</tbody>\n</table>\n", f);
}

/* A legend entry: a swatch of 22 × 12 px drawing shape, and its words. */
static void plan_html_legend_item(FILE *f, const char *shape, const char *words) {
        fprintf(f, "<li><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"22\" height=\"12\" viewBox=\"0 0 22 12\" "
                "aria-hidden=\"true\">%s</svg>", shape);
        plan_html_escape(f, words);
        fputs("</li>\n", f);
}

static void plan_html_legend(FILE *f, bool coverage) {
        fputs("<ul class=\"legend\">\n", f);
        plan_html_legend_item(f, "<rect class=\"shift\" x=\"0.5\" y=\"0.5\" width=\"21\" height=\"11\"/>", _("shift"));
        /* TRANSLATORS: the page's legend, after each swatch: the breaks' kinds. */
        plan_html_legend_item(f, "<rect class=\"statutory\" width=\"22\" height=\"12\"/>", _("statutory break"));
        plan_html_legend_item(f, "<rect class=\"recovery\" width=\"22\" height=\"12\"/>", _("recovery break"));
        plan_html_legend_item(f, "<rect class=\"planned\" width=\"22\" height=\"12\"/>", _("planned break"));
        if (coverage) {
                /* TRANSLATORS: the page's legend, after each line of the coverage chart: the operators
                 * required on the phones (the requirement), on the phones, on shift, and the shortfall. */
                plan_html_legend_item(f, "<path class=\"required\" d=\"M0 6 H22\"/>", _("required on the phones"));
                plan_html_legend_item(f, "<path class=\"on-phones\" d=\"M0 6 H22\"/>", _("on the phones"));
                plan_html_legend_item(f, "<path class=\"on-shift\" d=\"M0 6 H22\"/>", _("on shift"));
                plan_html_legend_item(f, "<rect class=\"shortfall\" width=\"22\" height=\"12\"/>", _("shortfall"));
        }
        fputs("</ul>\n", f);
}

/* The start of the local hour in zone that holds t, into *ret. */
static int plan_html_hour_floor(usec_t t, const char *zone, usec_t *ret) {
        CivilTime c;
        int r;

        r = utc_to_civil(t, zone, &c);
        if (r < 0)
                return r;
        c.minute = c.second = 0;
        return civil_to_utc(&c, zone, ret);
}

/* The whole local hours around [start, end) in zone, into a. */
static int plan_html_axis(PlanHtmlAxis *a, usec_t start, usec_t end) {
        usec_t t;
        int r;

        r = plan_html_hour_floor(start, a->zone, &t);
        if (r < 0)
                return r;
        a->start = t <= start ? t : start - start % USEC_PER_HOUR;

        r = plan_html_hour_floor(end, a->zone, &t);
        if (r < 0)
                return r;
        a->end = t >= end ? t : t + USEC_PER_HOUR;
        if (a->end <= a->start)
                a->end = a->start + USEC_PER_HOUR;
        return 0;
}

/* A yyyymmdd day in the reader's words: "Monday 1999-01-04",
 * "1999-01-04（月）". */
static void plan_html_print_day(FILE *f, int day) {
        CivilTime c = { .year = day / 10000, .month = day / 100 % 100, .day = day % 100 };
        char buf[CIVIL_DAY_MAX];

        fputs(civil_time_format_day(&c, buf), f);
}

/* The operator-minutes d is short of its requirement, and those it
 * requires in *ret_required: per minute, as metrics_compute() counts. */
static uint64_t plan_html_shortfall(const Intraday *d, uint64_t *ret_required) {
        uint64_t required = 0, short_by = 0;

        for (size_t m = 0; m < d->n_minutes; m++) {
                required += d->required[m];
                if (d->required[m] > d->on_phones[m])
                        short_by += d->required[m] - d->on_phones[m];
        }
        *ret_required = required;
        return short_by;
}

/* The team's figures over the axis: shifts, breaks, violations and the
 * shortfall (d NULL: an operator's own day, no team figures). Returns 0 or
 * -ENOMEM. */
static int plan_html_figures(FILE *f, const PlanHtmlRow *rows, size_t n, const PlanHtmlAxis *a, const Intraday *d) {
        _cleanup_free_ char *shifts = NULL, *breaks = NULL, *held = NULL;
        unsigned counts[_BREAK_KIND_MAX] = {}, violations = 0;
        uint64_t required = 0, short_by = 0;

        for (size_t i = 0; i < n; i++) {
                const ShiftPlan *s = rows[i].shift;

                violations += s->statutory_violation;
                for (size_t j = 0; j < s->n_breaks; j++)
                        if (s->breaks[j].end > a->start && s->breaks[j].start < a->end)
                                counts[s->breaks[j].kind]++;
        }
        /* TRANSLATORS: the shifts, the breaks by kind and the shifts whose statutory rule could not
         * be held, of a section's figures ("%1$s; %2$s; %3$s."). */
        if (asprintf(&shifts, P_("%zu shift", "%zu shifts", n), n) < 0 ||
            asprintf(&breaks, _("%u statutory, %u recovery and %u planned breaks"), counts[BREAK_STATUTORY],
                     counts[BREAK_RECOVERY], counts[BREAK_PLANNED]) < 0 ||
            asprintf(&held, P_("%u statutory violation", "%u statutory violations", violations), violations) < 0)
                return -ENOMEM;
        if (d)
                short_by = plan_html_shortfall(d, &required);

        fputs("<p class=\"figures\">", f);
        if (!d)
                /* TRANSLATORS: the figures of an operator's own day: shifts; breaks; violations. */
                fprintf(f, _("%1$s; %2$s; %3$s."), shifts, breaks, held);
        else if (required == 0)
                /* TRANSLATORS: the figures of a team's day when nobody is required on the phones. */
                fprintf(f, _("%1$s; %2$s; %3$s. No coverage requirement."), shifts, breaks, held);
        else {
                uint64_t permille = (short_by * 1000 + required / 2) / required;

                /* TRANSLATORS: the figures of a team's day: shifts; breaks; violations; then the
                 * operator-minutes short, of those required on the phones, and that as a percentage
                 * (one decimal). HTML: keep <strong>…</strong> around the minutes short, and &#160; (a
                 * space that does not break) before the percent sign. */
                fprintf(f, _("%1$s; %2$s; %3$s. Coverage shortfall: <strong>%4$" PRIu64 "</strong> of %5$" PRIu64
                             " operator-minutes required on the phones (%6$" PRIu64 ".%7$" PRIu64 "&#160;%%)."),
                        shifts, breaks, held, short_by, required, permille / 10, permille % 10);
        }
        fputs("</p>\n", f);
        return 0;
}

/* The section of the n rows from rows: one local day of one team. */
static int plan_html_section(FILE *f, const Plan *plan, const Coverage *coverage, const PlanHtmlOptions *o,
                             const PlanHtmlRow *rows, size_t n) {
        PlanHtmlAxis a = { .day = rows[0].day, .zone = o->zone };
        _cleanup_(intraday_freep) Intraday *d = NULL;
        _cleanup_free_ char *team_words = NULL;
        const char *team = rows[0].shift->team;
        usec_t start = USEC_INFINITY, end = 0;
        uint64_t short_by = 0, required;
        int r;

        for (size_t i = 0; i < n; i++) {
                start = MIN(start, MAX(rows[i].shift->start, o->from));
                end = MAX(end, MIN(rows[i].shift->end, o->to));
        }
        r = plan_html_axis(&a, start, end);
        if (r < 0)
                return r;
        if (!o->operator) {
                r = intraday_compute(plan, coverage, team, a.start, a.end, &d);
                if (r < 0)
                        return r;
                short_by = plan_html_shortfall(d, &required);
        }

        fputs("<section class=\"day\" data-team=\"", f);
        plan_html_escape(f, team);
        fprintf(f, "\" data-day=\"%04d-%02d-%02d\"", a.day / 10000, a.day / 100 % 100, a.day % 100);
        if (d)
                fprintf(f, " data-shortfall=\"%" PRIu64 "\"", short_by);
        fputs(">\n<div class=\"head\">\n<h2>", f);
        if (o->operator) {
                plan_html_escape(f, o->operator);
                fputs(" \xc2\xb7 ", f);
        }
        /* TRANSLATORS: a section's heading: the team, then the day ("Team north · Monday 2026-04-01"). */
        if (asprintf(&team_words, _("Team %s"), team) < 0)
                return -ENOMEM;
        plan_html_escape(f, team_words);
        fputs(" \xc2\xb7 ", f);
        plan_html_print_day(f, a.day);
        fputs("</h2>\n", f);
        r = plan_html_figures(f, rows, n, &a, d);
        if (r < 0)
                return r;
        plan_html_legend(f, d != NULL);
        fputs("</div>\n", f);
        for (size_t i = 0; i < n; i += PLAN_HTML_ROWS_PER_PART) {
                r = plan_html_gantt(f, &a, rows + i, MIN(n - i, (size_t) PLAN_HTML_ROWS_PER_PART), i);
                if (r < 0)
                        return r;
        }
        if (d) {
                r = plan_html_coverage_chart(f, d, &a);
                if (r < 0)
                        return r;
        } else
                plan_html_break_table(f, &a, rows, n);
        fputs("</section>\n", f);
        return 0;
}

/* The title, also the page's heading: whose plan, which days. Returns
 * a malloc'ed string of HTML (the names escaped), NULL on OOM. */
static char *plan_html_title(const PlanHtmlOptions *o, const PlanHtmlRow *rows, size_t n) {
        _cleanup_free_ char *whose = NULL, *name = NULL;
        char *title = NULL, first[ISO8601_MAX], last[ISO8601_MAX];
        bool one_team = true;
        int r;

        for (size_t i = 1; i < n; i++)
                one_team = one_team && streq(rows[i].shift->team, rows[0].shift->team);
        name = plan_html_escaped(o->operator ?: o->team ?: (n > 0 ? rows[0].shift->team : ""));
        if (!name)
                return NULL;
        /* TRANSLATORS: whose plan the page shows, first in its title: an operator's, a team's, every
         * team's; then ", DAY" or ": no shifts" ("Break plan of team north, 2026-04-01"). */
        if (o->operator)
                r = asprintf(&whose, _("Break plan of %s"), name);
        else if (n == 0 && !o->team)
                r = asprintf(&whose, "%s", _("Break plan"));
        else if (o->team || one_team)
                r = asprintf(&whose, _("Break plan of team %s"), name);
        else
                r = asprintf(&whose, "%s", _("Break plan of every team"));
        if (r < 0)
                return NULL;
        if (n == 0)
                /* TRANSLATORS: the page's title when no shift is shown: whose plan. */
                return asprintf(&title, _("%s: no shifts"), whose) < 0 ? NULL : title;
        snprintf(first, sizeof first, "%04d-%02d-%02d", rows[0].day / 10000, rows[0].day / 100 % 100,
                 rows[0].day % 100);
        snprintf(last, sizeof last, "%04d-%02d-%02d", rows[n - 1].day / 10000, rows[n - 1].day / 100 % 100,
                 rows[n - 1].day % 100);
        if (rows[0].day == rows[n - 1].day)
                /* TRANSLATORS: the page's title: whose plan, and its day. */
                r = asprintf(&title, _("%1$s, %2$s"), whose, first);
        else
                /* TRANSLATORS: the page's title: whose plan, its first day and its last. */
                r = asprintf(&title, _("%1$s, %2$s to %3$s"), whose, first, last);
        return r < 0 ? NULL : title;
}

/* The page's head and header. Returns 0 or -ENOMEM. */
static int plan_html_head(FILE *f, const PlanHtmlOptions *o, const PlanHtmlRow *rows, size_t n) {
        _cleanup_free_ char *title = NULL, *zone = NULL, *operator = NULL, *times = NULL, *view = NULL;
        char generated[ISO8601_MAX];
        int r;

        title = plan_html_title(o, rows, n);
        zone = plan_html_escaped(o->zone);
        operator = plan_html_escaped(o->operator);
        if (!title || !zone || !operator)
                return -ENOMEM;
        if (o->generated > 0)
                /* TRANSLATORS: under the page's title: the time zone of every time shown, and when the page
                 * was made ("2026-04-01 08:33"), in that zone. */
                r = asprintf(&times, _("Times in %1$s, the site's time zone. Generated %2$s %1$s."), zone,
                             time_format_clock(o->generated, o->zone, true, generated));
        else
                /* TRANSLATORS: under the page's title: the time zone of every time shown. */
                r = asprintf(&times, _("Times in %s, the site's time zone."), zone);
        if (r < 0)
                return -ENOMEM;
        if (o->operator)
                /* TRANSLATORS: whom an operator's own page is for. */
                r = asprintf(&view, _("%s's own day, with why each break was given: for them and their team leads."),
                             operator);
        else
                /* TRANSLATORS: a team lead's page, and why it is not for operators. */
                r = asprintf(&view, "%s", _("A team lead's view: the reason of a recovery break names what happened on "
                                            "the call (the incident's category), which is the operator's own to know. "
                                            "Do not show this page to operators or pin it up; give each operator their "
                                            "own day."));
        if (r < 0)
                return -ENOMEM;

        fputs("<!DOCTYPE html>\n", f);
        /* TRANSLATORS: the language of the page (<html lang="…">): this translation's own tag, as
         * BCP 47 (RFC 5646) writes it ("ja"), for the browser's fonts, line breaking and reading aloud. */
        fprintf(f, "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"%s\">\n", _("en"));
        fputs("<head>\n"
              "<meta charset=\"utf-8\"/>\n"
              "<meta name=\"generator\" content=\"respite\"/>\n"
              "<title>", f);
        fputs(title, f);
        fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", plan_html_style);
        fputs(title, f);
        fputs("</h1>\n<p class=\"meta\">", f);
        fputs(times, f);
        fputs("</p>\n<p class=\"view\">", f);
        fputs(view, f);
        fputs("</p>\n</header>\n", f);
        return 0;
}

static int plan_html_row_compare(const void *a, const void *b) {
        const PlanHtmlRow *x = a, *y = b;

        return CMP(x->day, y->day) ?: strcmp(x->shift->team, y->shift->team) ?:
                CMP(x->shift->start, y->shift->start) ?: strcmp(x->shift->operator, y->shift->operator);
}

int plan_html_print(FILE *f, const Plan *plan, const Coverage *coverage, const PlanHtmlOptions *o) {
        _cleanup_free_ PlanHtmlRow *rows = NULL;
        size_t n = 0;
        int r;

        r = tz_validate(o->zone);
        if (r < 0)
                return r;
        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *s = &plan->shifts[i];
                int day;

                if ((o->team && !streq(s->team, o->team)) || (o->operator && !streq(s->operator, o->operator)) ||
                    s->end <= o->from || s->start >= o->to)
                        continue;
                r = time_local_day(MAX(s->start, o->from), o->zone, &day);
                if (r < 0)
                        return r;
                if (array_grow((void **) &rows, n, sizeof(PlanHtmlRow)) < 0)
                        return -ENOMEM;
                rows[n++] = (PlanHtmlRow) { .day = day, .shift = s };
        }
        if (n > 0)
                qsort(rows, n, sizeof(PlanHtmlRow), plan_html_row_compare);

        r = plan_html_head(f, o, rows, n);
        if (r < 0)
                return r;
        for (size_t i = 0, j; i < n; i = j) {
                for (j = i + 1; j < n && rows[j].day == rows[i].day && streq(rows[j].shift->team, rows[i].shift->team);
                     j++)
                        ;
                r = plan_html_section(f, plan, coverage, o, rows + i, j - i);
                if (r < 0)
                        return r;
        }
        if (n == 0) {
                fputs("<p class=\"none\">", f);
                plan_html_escape(f, _("No shifts to show."));
                fputs("</p>\n", f);
        }
        fputs("</body>\n</html>\n", f);
        return fflush(f) != 0 || ferror(f) ? -EIO : 0;
}
