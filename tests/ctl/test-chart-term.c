/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The coverage chart (src/ctl/chart-term.c) on a small plan: every line
 * within the width, ANSI escapes only with colour, the same text either
 * way, and each row intraday_buckets()'s numbers with the shortfall
 * flagged exactly where there is one; in Japanese, every line within the
 * width by the columns a terminal shows and the headers over their numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "test-helpers.h"

#include "core/intraday.h"
#include "ctl/chart-term.h"
#include "ctl/term.h"
#include "shared/i18n.h"

#define MIN_ USEC_PER_MINUTE
/* 2024-04-01 00:00 UTC: 09:00 in Tokyo, the site's zone here. */
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)
#define AT(h, m) (DAY0 + (usec_t) (h) * USEC_PER_HOUR + (usec_t) (m) * MIN_)
#define ZONE "Asia/Tokyo"

/* Team t: op1 and op2 09:00–13:00 Tokyo; op1 on a block 10:00–10:45 and a
 * recovery 11:01–11:21, op2 on a planned break 10:30–11:00; one operator
 * needed from 09:00, two from 10:30 to 11:30. Team u: op3 08:00–17:00 with
 * nothing required. */
static Break a[] = {
        { .kind = BREAK_STATUTORY, .start = AT(1, 0), .end = AT(1, 45) },
        { .kind = BREAK_RECOVERY, .start = AT(2, 1), .end = AT(2, 21), .trigger = AT(2, 0) },
};
static Break b[] = {
        { .kind = BREAK_PLANNED, .start = AT(1, 30), .end = AT(2, 0) },
};
static ShiftPlan shifts[] = {
        { .operator = (char *) "op1", .team = (char *) "t", .start = AT(0, 0), .end = AT(4, 0),
          .breaks = a, .n_breaks = 2 },
        { .operator = (char *) "op2", .team = (char *) "t", .start = AT(0, 0), .end = AT(4, 0),
          .breaks = b, .n_breaks = 1 },
        { .operator = (char *) "op3", .team = (char *) "u", .start = AT(-1, 0), .end = AT(8, 0) },
};
static unsigned required[8] = { 1, 1, 1, 2, 2, 1, 1, 1 };
static TeamCoverage team = { .team = (char *) "t", .start = AT(0, 0), .interval = 30 * MIN_,
                             .required = required, .n = 8 };
static const Plan plan = { .shifts = shifts, .n_shifts = ELEMENTSOF(shifts) };
static const Coverage coverage = { &team, 1 };

/* What chart_print() writes, and its return value in *ret. */
static char *chart_captured(const char *which, usec_t from, usec_t to, unsigned width, bool color, int *ret) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        assert_non_null(f);
        *ret = chart_print(f, &plan, &coverage, which, from, to, ZONE, width, color);
        assert_int_equal(fclose(f), 0);
        return text;
}

/* s without its ANSI escapes (ESC [ … m). */
static char *strip_ansi(const char *s) {
        char *out = malloc(strlen(s) + 1), *o = out;

        assert_non_null(out);
        while (*s)
                if (*s == '\033') {
                        assert_int_equal(s[1], '[');
                        s = strchr(s, 'm');
                        assert_non_null(s);
                        s++;
                } else
                        *o++ = *s++;
        *o = 0;
        return out;
}

/* Every line of text takes at most width columns and ends in no blank. */
static void assert_fits(const char *text, unsigned width) {
        _cleanup_free_ char *copy = strdup(text);
        char *save = NULL;

        assert_non_null(copy);
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (term_text_width(line) > width)
                        fail_msg("wider than %u: '%s'", width, line);
                assert_true(line[strlen(line) - 1] != ' ');
        }
}

/* The numbers of a row: "09:00 ███│  2  2  1" or with "▲15" after them. */
typedef struct Row {
        char clock[6];
        unsigned phones, shift, need;
        long shortfall;         /* -1: not flagged */
} Row;

static bool parse_row(const char *line, Row *ret) {
        _cleanup_free_ char *copy = NULL;
        char *tokens[64], *save = NULL;
        size_t n = 0;

        if (strlen(line) < 6 || line[2] != ':' || line[5] != ' ')
                return false;
        copy = strdup(line);
        assert_non_null(copy);
        for (char *t = strtok_r(copy, " ", &save); t && n < ELEMENTSOF(tokens); t = strtok_r(NULL, " ", &save))
                tokens[n++] = t;
        *ret = (Row) { .shortfall = -1 };
        memcpy(ret->clock, line, 5);
        if (n > 0 && strncmp(tokens[n - 1], "▲", strlen("▲")) == 0)
                ret->shortfall = strtol(tokens[--n] + strlen("▲"), NULL, 10);
        assert_true(n >= 4);
        ret->phones = (unsigned) strtoul(tokens[n - 3], NULL, 10);
        ret->shift = (unsigned) strtoul(tokens[n - 2], NULL, 10);
        ret->need = (unsigned) strtoul(tokens[n - 1], NULL, 10);
        return true;
}

/* The rows of team t in text match intraday_buckets() of width step over
 * 09:00–13:00, and the flags exactly the buckets with a shortfall. */
static void assert_rows(const char *text, usec_t step) {
        _cleanup_(intraday_freep) Intraday *d = NULL;
        _cleanup_free_ IntradayBucket *q = NULL;
        _cleanup_free_ char *copy = strdup(text);
        char *save = NULL;
        size_t k = 0, flagged = 0;
        uint64_t sum = 0;
        char summary[128];
        ssize_t n;
        bool in_t = false;

        assert_int_equal(intraday_compute(&plan, &coverage, "t", AT(0, 0), AT(4, 0), &d), 0);
        n = intraday_buckets(d, step, &q);
        assert_true(n > 0);
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char clock[ISO8601_MAX];
                Row row;

                if (strncmp(line, "t · ", strlen("t · ")) == 0 || strncmp(line, "u · ", strlen("u · ")) == 0)
                        in_t = line[0] == 't';
                if (!in_t || !parse_row(line, &row))
                        continue;
                assert_true(k < (size_t) n);
                assert_string_equal(row.clock, time_format_clock(q[k].start, ZONE, false, clock));
                assert_int_equal(row.phones, q[k].on_phones);
                assert_int_equal(row.shift, q[k].on_shift);
                assert_int_equal(row.need, q[k].required);
                if (q[k].shortfall > 0) {
                        assert_int_equal(row.shortfall, (long) q[k].shortfall);
                        flagged++;
                } else
                        assert_int_equal(row.shortfall, -1);
                k++;
        }
        assert_int_equal(k, (size_t) n);
        assert_true(flagged > 0);

        /* The header's sum: 65 operator-minutes (10:30–11:30). */
        for (ssize_t j = 0; j < n; j++)
                sum += q[j].shortfall;
        assert_int_equal(sum, 65);
        snprintf(summary, sizeof summary,
                 "\n09:00–13:00 · %u-min rows · %" PRIu64 " operator-minutes short in %zu rows\n",
                 (unsigned) (step / MIN_), sum, flagged);
        assert_non_null(strstr(text, summary));
}

static void test_widths_and_colour(void **state) {
        static const unsigned widths[] = { 80, 120 };

        for (size_t i = 0; i < ELEMENTSOF(widths); i++) {
                _cleanup_free_ char *plain = NULL, *color = NULL, *stripped = NULL;
                unsigned step = widths[i] >= 100 ? 15 : 30;
                char summary[128];
                int r;

                plain = chart_captured(NULL, AT(-9, 0), AT(15, 0), widths[i], false, &r);
                assert_int_equal(r, 0);
                color = chart_captured(NULL, AT(-9, 0), AT(15, 0), widths[i], true, &r);
                assert_int_equal(r, 0);

                assert_null(strchr(plain, '\033'));
                assert_non_null(strstr(color, "\033["));
                stripped = strip_ansi(color);
                assert_string_equal(stripped, plain);
                assert_fits(plain, widths[i]);

                /* Both teams, t's 09:00–13:00 in Tokyo: 30-minute rows at
                 * 80 columns, 15 at 120; u with nothing required. */
                assert_non_null(strstr(plain, "t · Monday 2024-04-01 · Asia/Tokyo (UTC+09:00)\n"));
                assert_non_null(strstr(plain, "u · Monday 2024-04-01 · Asia/Tokyo (UTC+09:00)\n"));
                snprintf(summary, sizeof summary, "\n08:00–17:00 · %u-min rows · nobody required\n", step);
                assert_non_null(strstr(plain, summary));
                assert_rows(plain, step * MIN_);
        }
}

static void test_narrow(void **state) {
        _cleanup_free_ char *text = NULL;
        _cleanup_(intraday_freep) Intraday *d = NULL;
        _cleanup_free_ IntradayBucket *q = NULL;
        size_t flags = 0, short_ = 0;
        ssize_t n;
        int r;

        /* Too narrow for the numbers: a short row ends in its flag. */
        text = chart_captured("t", AT(0, 0), AT(4, 0), CHART_WIDTH_MIN, false, &r);
        assert_int_equal(r, 0);
        assert_fits(text, CHART_WIDTH_MIN);
        for (const char *s = text; (s = strstr(s, "▲\n")); s++)
                flags++;
        assert_int_equal(intraday_compute(&plan, &coverage, "t", AT(0, 0), AT(4, 0), &d), 0);
        n = intraday_buckets(d, 30 * MIN_, &q);
        for (ssize_t k = 0; k < n; k++)
                short_ += q[k].shortfall > 0;
        assert_int_equal(flags, short_);
}

static void test_no_shifts(void **state) {
        _cleanup_free_ char *text = NULL;
        int r;

        /* The next day in Tokyo: nobody on shift, nothing required. */
        text = chart_captured("t", AT(15, 0), AT(39, 0), 80, false, &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(text, "\nt: no shifts on Tuesday 2024-04-02 (Asia/Tokyo).\n"));

        /* Errors. */
        free(text);
        text = chart_captured("nobody", AT(0, 0), AT(4, 0), 80, false, &r);
        assert_int_equal(r, -ENXIO);
        free(text);
        text = chart_captured("t", AT(0, 0), AT(4, 0), CHART_WIDTH_MIN - 1, false, &r);
        assert_int_equal(r, -EINVAL);
        free(text);
        text = chart_captured("t", AT(4, 0), AT(4, 0), 80, false, &r);
        assert_int_equal(r, -EINVAL);
}

/* The line of text that starts with prefix (NULL if none), in a copy. */
static char *line_starting(const char *text, const char *prefix) {
        for (const char *s = text; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
                if (strncmp(s, prefix, strlen(prefix)) == 0)
                        return strndup(s, strcspn(s, "\n"));
        return NULL;
}

static void test_japanese(void **state) {
        static const unsigned widths[] = { CHART_WIDTH_MIN, 40, 80, 120 };
        char *saved = NULL;

        assert_int_equal(use_build_catalogues(state), 0);
        assert_int_equal(i18n_language_push("ja", &saved), 0);
        for (size_t i = 0; i < ELEMENTSOF(widths); i++) {
                _cleanup_free_ char *text = NULL, *axis = NULL, *flagged = NULL;
                int r;

                text = chart_captured(NULL, AT(-9, 0), AT(15, 0), widths[i], false, &r);
                assert_int_equal(r, 0);
                assert_fits(text, widths[i]);
                if (widths[i] < 80)
                        continue;
                assert_non_null(strstr(text, "█ 電話対応中  ░ 休憩中  │ 必要人数  ▲ 不足（延べ分）\n"));
                assert_non_null(strstr(text, "t · 2024-04-01（月） · Asia/Tokyo（UTC+09:00）\n"));
                assert_non_null(strstr(text, " · 必要人数の設定なし\n"));
                /* The headers end where the numbers under them end: the
                 * shortfall's over a flagged row's "▲N" (not the legend's). */
                axis = line_starting(text, "      0 ");
                assert_non_null(axis);
                assert_non_null(strstr(axis, " 電話 シフト 必要 不足"));
                for (const char *s = text; s && !flagged; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
                        size_t n = strcspn(s, "\n");

                        if (n > 5 && s[2] == ':' && memmem(s, n, "▲", strlen("▲")))
                                flagged = strndup(s, n);
                }
                assert_non_null(flagged);
                assert_int_equal(term_text_width(axis), term_text_width(flagged));
        }
        i18n_language_pop(saved);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_widths_and_colour),
                cmocka_unit_test(test_narrow),
                cmocka_unit_test(test_no_shifts),
                cmocka_unit_test(test_japanese),
        };

        return run_tests_in_zone(tests, "America/Sao_Paulo");
}
