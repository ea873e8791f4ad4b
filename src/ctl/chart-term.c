/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The coverage chart in a terminal (chart-term.h): the layout of a row,
 * its bar in block characters, the header, the axis and the legend. */
#include <limits.h>

#include "core/intraday.h"
#include "ctl/chart-term.h"
#include "ctl/term.h"
#include "shared/i18n.h"
#include "shared/time-util.h"

#define CHART_RESET     "\033[0m"
#define CHART_BOLD      "\033[1m"
#define CHART_GREEN     "\033[32m"
#define CHART_RED       "\033[31m"
#define CHART_RED_BG    "\033[41m"
#define CHART_DIM       "\033[2m"
#define CHART_BOLD_RED  "\033[1;31m"

#define CHART_FULL      "█"
#define CHART_BREAK     "░"
#define CHART_MARKER    "│"
#define CHART_SHORT     "▲"
#define CHART_LABEL     6U              /* "09:00 " */
#define CHART_BAR_MIN   10U             /* bar cells below which the numbers give way */

/* Blocks of 1 to 7 eighths of a cell. */
static const char * const chart_eighths[] = { "▏", "▎", "▍", "▌", "▋", "▊", "▉" };

/* The number columns, right of the bar, headed in the reader's language. */
enum { CHART_PHONES, CHART_SHIFT, CHART_NEED, CHART_SHORTFALL, _CHART_COLUMN_MAX };
static const char * const chart_headers[_CHART_COLUMN_MAX] = {
        /* TRANSLATORS: the coverage chart's column headers: operators on the phones, on shift, needed,
         * and the operator-minutes short. Short: the numbers under them are 1 to 4 digits. */
        N_("phones"), N_("shift"), N_("need"), N_("short"),
};

/* How one chart (a team's day) is drawn. */
typedef struct ChartLayout {
        unsigned width;                 /* at most this many columns a line */
        unsigned cells;                 /* the bar's cells; one more holds a marker at full length */
        unsigned max;                   /* operators at the bar's full length, ≥ 1 */
        bool numbers;                   /* the number columns shown, else only the shortfall's flag */
        unsigned columns[_CHART_COLUMN_MAX];    /* their widths */
} ChartLayout;

/* Writes f in colours when color, changing the escape only where the
 * colour changes. */
typedef struct ChartPen {
        FILE *f;
        bool color;
        const char *ink;                /* the colour in force, "" none */
} ChartPen;

static void chart_ink(ChartPen *p, const char *ink) {
        if (!p->color || streq(ink, p->ink))
                return;
        if (*p->ink)
                fputs(CHART_RESET, p->f);
        fputs(ink, p->f);
        p->ink = ink;
}

static void chart_put(ChartPen *p, const char *ink, const char *text) {
        chart_ink(p, ink);
        fputs(text, p->f);
}

static void chart_end_line(ChartPen *p) {
        chart_ink(p, "");
        fputc('\n', p->f);
}

/* text cut to width columns, as one line in ink. Returns 0 or -ENOMEM. */
static int chart_line(ChartPen *p, unsigned width, const char *ink, const char *text) {
        _cleanup_free_ char *cut = NULL;

        if (term_truncate(text, width, &cut) < 0)
                return -ENOMEM;
        chart_put(p, ink, cut);
        chart_end_line(p);
        return 0;
}

static unsigned chart_digits(uint64_t v) {
        unsigned n = 1;

        for (; v >= 10; v /= 10)
                n++;
        return n;
}

/* The eighths of a cell value v takes of the bar (rounded; at least one
 * for v > 0). */
static uint64_t chart_eighths_of(const ChartLayout *l, unsigned v) {
        uint64_t e = ((uint64_t) v * l->cells * 8 + l->max / 2) / l->max;

        return v > 0 ? MAX(e, (uint64_t) 1) : 0;
}

/* The cell where value v begins: the requirement's marker, an axis label. */
static unsigned chart_cell_of(const ChartLayout *l, unsigned v) {
        return (unsigned) (((uint64_t) v * l->cells + l->max / 2) / l->max);
}

/* The layout of the rows b[0..n) at width: the number columns as wide as
 * their header or their widest number, the bar the rest. */
static void chart_layout(const IntradayBucket *b, size_t n, unsigned width, ChartLayout *ret) {
        ChartLayout l = { .width = width, .max = 1, .numbers = true };
        unsigned numbers = 2;           /* two spaces after the bar */

        for (size_t k = 0; k < n; k++) {
                l.max = MAX(l.max, MAX(b[k].on_shift, b[k].required));
                l.columns[CHART_PHONES] = MAX(l.columns[CHART_PHONES], chart_digits(b[k].on_phones));
                l.columns[CHART_SHIFT] = MAX(l.columns[CHART_SHIFT], chart_digits(b[k].on_shift));
                l.columns[CHART_NEED] = MAX(l.columns[CHART_NEED], chart_digits(b[k].required));
                l.columns[CHART_SHORTFALL] = MAX(l.columns[CHART_SHORTFALL], 1 + chart_digits(b[k].shortfall));
        }
        for (unsigned c = 0; c < _CHART_COLUMN_MAX; c++) {
                l.columns[c] = MAX(l.columns[c], (unsigned) term_text_width(_(chart_headers[c])));
                numbers += l.columns[c] + (c > 0);
        }
        if (width >= CHART_LABEL + 1 + numbers + CHART_BAR_MIN)
                l.cells = width - CHART_LABEL - 1 - numbers;
        else {
                /* Too narrow for the numbers: " ▲" flags a short row. */
                l.numbers = false;
                l.cells = width - CHART_LABEL - 1 - 2;
        }
        *ret = l;
}

/* The bar of bucket b: cells + 1 characters, or (trim) up to its last
 * one that is not blank. */
static void chart_bar(ChartPen *p, const ChartLayout *l, const IntradayBucket *b, bool trim) {
        uint64_t phones = chart_eighths_of(l, b->on_phones), shift = chart_eighths_of(l, b->on_shift);
        unsigned marker = b->required > 0 ? chart_cell_of(l, b->required) : UINT_MAX, last = l->cells;
        bool short_ = b->shortfall > 0;

        if (trim) {
                uint64_t used = MAX(phones, shift);

                /* Cells 0 … last hold the bar, its partial cell and the marker. */
                last = (unsigned) MIN((used + 7) / 8, (uint64_t) l->cells + 1);
                last = marker != UINT_MAX ? MAX(last, marker + 1) : last;
                if (last == 0)
                        return;
                last--;
        }
        for (unsigned c = 0; c <= last; c++) {
                uint64_t lo = (uint64_t) c * 8;
                bool below = c < marker && marker != UINT_MAX;        /* under the requirement */

                if (c == marker)
                        chart_put(p, short_ ? CHART_BOLD_RED : CHART_BOLD, CHART_MARKER);
                else if (phones >= lo + 8)
                        chart_put(p, CHART_GREEN, CHART_FULL);
                else if (phones > lo)
                        chart_put(p, CHART_GREEN, chart_eighths[phones - lo - 1]);
                else if (shift > lo)
                        chart_put(p, below ? CHART_RED : CHART_DIM, CHART_BREAK);
                else
                        chart_put(p, below ? CHART_RED_BG : "", " ");
        }
}

/* One row: its local time, the bar, the numbers and the shortfall. */
static void chart_row(ChartPen *p, const ChartLayout *l, const IntradayBucket *b, const char *zone) {
        char clock[ISO8601_MAX], flag[32];
        bool short_ = b->shortfall > 0;

        chart_put(p, "", time_format_clock(b->start, zone, false, clock));
        chart_put(p, "", " ");
        /* No trailing blanks: without the numbers, only a short row's flag
         * follows the whole bar. */
        chart_bar(p, l, b, !l->numbers && !short_);
        if (!l->numbers) {
                if (short_) {
                        chart_put(p, "", " ");
                        chart_put(p, CHART_BOLD_RED, CHART_SHORT);
                }
                chart_end_line(p);
                return;
        }
        chart_ink(p, "");
        fprintf(p->f, "  %*u %*u %*u", (int) l->columns[CHART_PHONES], b->on_phones,
                (int) l->columns[CHART_SHIFT], b->on_shift, (int) l->columns[CHART_NEED], b->required);
        if (short_) {
                /* "▲" is three bytes and one column. */
                snprintf(flag, sizeof flag, CHART_SHORT "%" PRIu64, b->shortfall);
                fprintf(p->f, " %*s", (int) (l->columns[CHART_SHORTFALL] - term_text_width(flag)), "");
                chart_put(p, CHART_BOLD_RED, flag);
        }
        chart_end_line(p);
}

/* The step of the axis's labels: 1, 2, 5, 10, 20, 50, … operators, the
 * first whose labels (the widest number and two spaces) fit. */
static unsigned chart_axis_step(const ChartLayout *l) {
        static const unsigned steps[] = { 1, 2, 5 };
        unsigned room = chart_digits(l->max) + 2;

        for (unsigned scale = 1;; scale *= 10)
                for (size_t i = 0; i < ELEMENTSOF(steps); i++) {
                        unsigned step = steps[i] * scale;

                        if ((uint64_t) step * l->cells >= (uint64_t) room * l->max || step >= l->max)
                                return step;
                }
}

/* The axis over the bar (0 and round steps of operators, as many as fit)
 * and the headers of the number columns. Returns 0 or -ENOMEM. */
static int chart_axis(ChartPen *p, const ChartLayout *l) {
        _cleanup_free_ char *axis = malloc(l->cells + 2);
        unsigned step, next = 0;
        size_t end;

        if (!axis)
                return -ENOMEM;
        memset(axis, ' ', l->cells + 1);
        axis[l->cells + 1] = 0;
        step = chart_axis_step(l);
        for (unsigned v = 0; v <= l->max; v += step) {
                char label[16];
                unsigned at = chart_cell_of(l, v), len = (unsigned) snprintf(label, sizeof label, "%u", v);

                if (at < next || at + len > l->cells + 1)
                        continue;
                memcpy(axis + at, label, len);
                next = at + len + 1;
        }
        fprintf(p->f, "%*s", (int) CHART_LABEL, "");
        if (!l->numbers) {
                /* No trailing blanks. */
                end = strlen(axis);
                while (end > 0 && axis[end - 1] == ' ')
                        end--;
                fprintf(p->f, "%.*s\n", (int) end, axis);
                return 0;
        }
        fputs(axis, p->f);
        fputs(" ", p->f);
        /* Right-aligned by the columns each header takes (a Japanese
         * character two). */
        for (unsigned c = 0; c < _CHART_COLUMN_MAX; c++)
                fprintf(p->f, " %*s%s", (int) (l->columns[c] - term_text_width(_(chart_headers[c]))), "",
                        _(chart_headers[c]));
        fputc('\n', p->f);
        return 0;
}

/* The legend, its items wrapped to the width. Returns 0 or -ENOMEM. */
static int chart_legend(ChartPen *p, unsigned width) {
        static const struct {
                const char *glyph, *ink, *text;
        } items[] = {
                /* TRANSLATORS: the coverage chart's legend, after each glyph. */
                { CHART_FULL,   CHART_GREEN,    N_("on the phones") },
                { CHART_BREAK,  CHART_DIM,      N_("on a break") },
                { CHART_MARKER, CHART_BOLD,     N_("needed") },
                { CHART_SHORT,  CHART_BOLD_RED, N_("operator-minutes short") },
        };
        size_t used = 0;

        for (size_t i = 0; i < ELEMENTSOF(items); i++) {
                _cleanup_free_ char *text = NULL;
                size_t w;

                /* The glyph, a space, the text: cut to the width. */
                if (term_truncate(_(items[i].text), width - 2, &text) < 0)
                        return -ENOMEM;
                w = 2 + term_text_width(text);
                if (used > 0 && used + 2 + w > width) {
                        fputc('\n', p->f);
                        used = 0;
                }
                if (used > 0) {
                        fputs("  ", p->f);
                        used += 2;
                }
                chart_put(p, items[i].ink, items[i].glyph);
                chart_ink(p, "");
                fprintf(p->f, " %s", text);
                used += w;
        }
        chart_end_line(p);
        return 0;
}

/* "UTC+02:00", "UTC-03:30", "UTC" for offset 0 (seconds east). */
static void chart_format_offset(int offset, char buf[static 16]) {
        unsigned a = (unsigned) (offset < 0 ? -offset : offset);

        if (offset == 0)
                snprintf(buf, 16, "UTC");
        else
                snprintf(buf, 16, "UTC%c%02u:%02u", offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

/* "Monday 1999-01-04", "1999-01-04（月）": the local day of t in zone, in
 * the reader's language. */
static int chart_format_day(usec_t t, const char *zone, char buf[static CIVIL_DAY_MAX]) {
        CivilTime c;
        int r;

        r = utc_to_civil(t, zone, &c);
        if (r < 0)
                return r;
        civil_time_format_day(&c, buf);
        return 0;
}

/* The span of [lo, hi) in which coverage requires anyone of team, into
 * *ret_start and *ret_end. Returns false when it requires no one. */
static bool chart_required_span(const Coverage *coverage, const char *team, usec_t lo, usec_t hi,
                                usec_t *ret_start, usec_t *ret_end) {
        const TeamCoverage *t = coverage ? coverage_find_team(coverage, team) : NULL;
        usec_t start = USEC_INFINITY, end = 0;

        for (size_t i = 0; t && i < t->n; i++) {
                usec_t a = t->start + i * t->interval, b = a + t->interval;

                if (t->required[i] == 0 || b <= lo || a >= hi)
                        continue;
                start = MIN(start, MAX(a, lo));
                end = MAX(end, MIN(b, hi));
        }
        if (start >= end)
                return false;
        *ret_start = start;
        *ret_end = end;
        return true;
}

/* The start of the row of width step that holds t, on zone's clock. */
static int chart_row_start(usec_t t, usec_t step, const char *zone, usec_t *ret) {
        int64_t local, offset;
        int seconds, r;

        r = tz_utc_offset(zone, t, &seconds);
        if (r < 0)
                return r;
        offset = (int64_t) seconds * (int64_t) USEC_PER_SEC;
        local = (int64_t) t + offset;
        local -= local % (int64_t) step;
        *ret = (usec_t) (local - offset);
        return 0;
}

/* The header of a day's chart: "retail · Monday 1999-01-04 · Asia/Jerusalem
 * (UTC+02:00)", then "07:00–24:00 · 30-min rows · 520 operator-minutes
 * short in 16 rows". Returns 0 or a negative errno. */
static int chart_header(ChartPen *p, unsigned width, const char *team, const IntradayBucket *b, size_t n,
                        usec_t step, bool shifts, const char *zone) {
        _cleanup_free_ char *title = NULL, *summary = NULL;
        _cleanup_free_ char *what = NULL;
        char day[CIVIL_DAY_MAX], first[16], last[16], from[ISO8601_MAX], to[ISO8601_MAX];
        int offset_first, offset_last, r;
        usec_t day_start, day_end;
        uint64_t shortfall = 0;
        size_t rows_short = 0;
        bool required = false;

        r = chart_format_day(b[0].start, zone, day);
        if (r < 0)
                return r;
        r = tz_utc_offset(zone, b[0].start, &offset_first);
        if (r >= 0)
                r = tz_utc_offset(zone, b[n - 1].end - 1, &offset_last);
        if (r < 0)
                return r;
        chart_format_offset(offset_first, first);
        chart_format_offset(offset_last, last);
        /* TRANSLATORS: a chart's title: team · day · time zone (UTC offset), and when the clocks change
         * that day, (UTC+02:00, then UTC+03:00). */
        if (offset_first == offset_last ? asprintf(&title, _("%s · %s · %s (%s)"), team, day, zone, first) < 0 :
            asprintf(&title, _("%s · %s · %s (%s, then %s)"), team, day, zone, first, last) < 0)
                return -ENOMEM;

        for (size_t k = 0; k < n; k++) {
                shortfall += b[k].shortfall;
                rows_short += b[k].shortfall > 0;
                required = required || b[k].required > 0;
        }
        /* A span to the day's end ends at 24:00, not 00:00. */
        r = time_local_day_bounds(b[0].start, zone, &day_start, &day_end);
        if (r < 0)
                return r;
        if (b[n - 1].end == day_end)
                snprintf(to, sizeof to, "24:00");
        else
                time_format_clock(b[n - 1].end, zone, false, to);
        if (!required)
                r = strdup_to(&what, _("nobody required"));
        else if (shortfall == 0)
                r = strdup_to(&what, _("no shortfall"));
        else
                r = asprintf(&what, P_("%" PRIu64 " operator-minutes short in %zu row",
                                       "%" PRIu64 " operator-minutes short in %zu rows", rows_short),
                             shortfall, rows_short) < 0 ? -ENOMEM : 0;
        if (r < 0)
                return -ENOMEM;
        /* TRANSLATORS: a chart's span, its rows' length in minutes and the shortfall:
         * "07:00–24:00 · 30-min rows · 520 operator-minutes short in 16 rows". */
        if (asprintf(&summary, _("%s%s–%s · %u-min rows · %s"), shifts ? "" : _("No shifts · "),
                     time_format_clock(b[0].start, zone, false, from), to, (unsigned) (step / USEC_PER_MINUTE),
                     what) < 0)
                return -ENOMEM;
        if (chart_line(p, width, CHART_BOLD, title) < 0 || chart_line(p, width, "", summary) < 0)
                return -ENOMEM;
        return 0;
}

/* A line where the UTC offset changes between two rows. */
static int chart_offset_change(ChartPen *p, const ChartLayout *l, int before, int after) {
        _cleanup_free_ char *words = NULL, *text = NULL;
        char offset[16];

        chart_format_offset(after, offset);
        if (asprintf(&words, after > before ? _("clocks go forward: %s from here") :
                     _("clocks go back: %s from here"), offset) < 0 ||
            asprintf(&text, "%*s┈┈ %s", (int) CHART_LABEL, "", words) < 0)
                return -ENOMEM;
        return chart_line(p, l->width, CHART_DIM, text);
}

/* The chart of team over [lo, hi), one local day or part of it. */
static int chart_team_day(ChartPen *p, const Plan *plan, const Coverage *coverage, const char *team, usec_t lo,
                          usec_t hi, const char *zone, unsigned width) {
        _cleanup_(intraday_freep) Intraday *d = NULL;
        _cleanup_free_ IntradayBucket *b = NULL;
        usec_t s1 = 0, e1 = 0, s2 = 0, e2 = 0, start, end, step;
        bool shifts, required;
        ChartLayout l;
        ssize_t n;
        int r, offset = 0;

        shifts = intraday_team_span(plan, team, lo, hi, &s1, &e1);
        required = chart_required_span(coverage, team, lo, hi, &s2, &e2);
        if (!shifts && !required) {
                _cleanup_free_ char *text = NULL;
                char day[CIVIL_DAY_MAX];

                r = chart_format_day(lo, zone, day);
                if (r < 0)
                        return r;
                if (asprintf(&text, _("%s: no shifts on %s (%s)."), team, day, zone) < 0)
                        return -ENOMEM;
                return chart_line(p, width, CHART_BOLD, text);
        }
        if (!shifts)
                s1 = s2, e1 = e2;
        if (!required)
                s2 = s1, e2 = e1;
        start = MIN(s1, s2);
        end = MAX(e1, e2);
        step = (width >= 100 && end - start <= 12 * USEC_PER_HOUR ? 15 : 30) * USEC_PER_MINUTE;
        r = chart_row_start(start, step, zone, &start);
        if (r < 0)
                return r;
        end = start + usec_ceil(end - start, step);

        r = intraday_compute(plan, coverage, team, start, end, &d);
        if (r < 0)
                return r;
        n = intraday_buckets(d, step, &b);
        if (n < 0)
                return (int) n;
        chart_layout(b, (size_t) n, width, &l);
        r = chart_header(p, width, team, b, (size_t) n, step, shifts, zone);
        if (r < 0)
                return r;
        r = chart_axis(p, &l);
        if (r < 0)
                return r;
        for (ssize_t k = 0; k < n; k++) {
                int o;

                r = tz_utc_offset(zone, b[k].start, &o);
                if (r < 0)
                        return r;
                if (k > 0 && o != offset) {
                        r = chart_offset_change(p, &l, offset, o);
                        if (r < 0)
                                return r;
                }
                offset = o;
                chart_row(p, &l, &b[k], zone);
        }
        return 0;
}

/* The teams to chart, sorted: team alone, or each of plan's shifts'. */
static int chart_teams(const Plan *plan, const Coverage *coverage, const char *team, const char ***ret,
                       size_t *ret_n) {
        _cleanup_free_ const char **teams = calloc(MAX(plan->n_shifts, (size_t) 1), sizeof(char *));
        size_t n = 0, j = 0;

        if (!teams)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_shifts; i++)
                if (!team || streq(plan->shifts[i].team, team))
                        teams[n++] = plan->shifts[i].team;
        if (team && n == 0 && (!coverage || !coverage_find_team(coverage, team)))
                return -ENXIO;
        if (team && n == 0)
                teams[n++] = team;
        qsort(teams, n, sizeof(char *), strptr_compare);
        for (size_t i = 0; i < n; i++)
                if (j == 0 || !streq(teams[i], teams[j - 1]))
                        teams[j++] = teams[i];
        *ret = TAKE_PTR(teams);
        *ret_n = j;
        return 0;
}

int chart_print(FILE *f, const Plan *plan, const Coverage *coverage, const char *team, usec_t from, usec_t to,
                const char *zone, unsigned width, bool color) {
        _cleanup_free_ const char **teams = NULL;
        ChartPen p = { .f = f, .color = color, .ink = "" };
        size_t n;
        int r;

        if (width < CHART_WIDTH_MIN || from >= to)
                return -EINVAL;
        r = tz_validate(zone);
        if (r < 0)
                return r;
        r = chart_teams(plan, coverage, team, &teams, &n);
        if (r < 0)
                return r;
        r = chart_legend(&p, width);
        if (r < 0)
                return r;
        for (usec_t day = from; day < to;) {
                usec_t day_start, day_end;

                r = time_local_day_bounds(day, zone, &day_start, &day_end);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < n; i++) {
                        fputc('\n', f);
                        r = chart_team_day(&p, plan, coverage, teams[i], MAX(day_start, from), MIN(day_end, to),
                                           zone, width);
                        if (r < 0)
                                return r;
                }
                day = day_end;
        }
        return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
