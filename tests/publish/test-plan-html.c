/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The plan as an HTML page (src/publish/plan-html.c): escaping, numbers,
 * the bars where their instants are, local hours across a DST change, a
 * lead's view and an operator's own day, the filters, the shortfall as the
 * metrics count it, errors.
 * tests/plan-html.sh checks the page with xmllint, Python and Chromium. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "test-helpers.h"

#include "core/metrics.h"
#include "publish/plan-html-internal.h"

#define MIN_ USEC_PER_MINUTE
/* 2024-04-01 00:00 UTC. */
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)
#define AT(h, m) (DAY0 + (usec_t) (h) * USEC_PER_HOUR + (usec_t) (m) * MIN_)

#define HOSTILE "o<p>&\"'2"
#define HOSTILE_ESCAPED "o&lt;p&gt;&amp;&quot;&#39;2"

/* op1 09:00–13:00 with a statutory block 10:00–10:45 and a recovery
 * 11:01–11:21 whose reason needs escaping; HOSTILE 09:00–13:00 with a
 * planned break 10:30–11:00; op3 of team u 08:00–17:00, no break. Team t
 * needs one operator from 09:00, two from 10:30 to 11:30. */
static Break a[] = {
        { .kind = BREAK_STATUTORY, .start = AT(10, 0), .end = AT(10, 45),
          .reason = (char *) "statutory break: 45min for more than 6h of work" },
        { .kind = BREAK_RECOVERY, .start = AT(11, 1), .end = AT(11, 21), .trigger = AT(11, 0),
          .reason = (char *) "after a \"threatening\" call <threat> & 'more' (threat)" },
};
static Break b[] = {
        { .kind = BREAK_PLANNED, .start = AT(10, 30), .end = AT(11, 0), .reason = (char *) "lunch" },
};
static ShiftPlan shifts[] = {
        { .operator = (char *) HOSTILE, .team = (char *) "t", .start = AT(9, 0), .end = AT(13, 0),
          .breaks = b, .n_breaks = 1 },
        { .operator = (char *) "op1", .team = (char *) "t", .start = AT(9, 0), .end = AT(13, 0),
          .breaks = a, .n_breaks = 2 },
        { .operator = (char *) "op3", .team = (char *) "u", .start = AT(8, 0), .end = AT(17, 0) },
};
static unsigned required[8] = { 1, 1, 1, 2, 2, 1, 1, 1 };
static TeamCoverage team = { .team = (char *) "t", .start = AT(9, 0), .interval = 30 * MIN_,
                             .required = required, .n = 8 };

/* The page of plan with o, or NULL when plan_html_print() fails (its
 * return value in *ret). */
static char *render(const Plan *plan, const Coverage *coverage, const PlanHtmlOptions *o, int *ret) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        assert_non_null(f);
        *ret = plan_html_print(f, plan, coverage, o);
        assert_int_equal(fclose(f), 0);
        if (*ret < 0)
                text = mfree(text);
        return text;
}

static size_t count(const char *haystack, const char *needle) {
        size_t n = 0;

        for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
                n++;
        return n;
}

static char *escaped(const char *s) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        assert_non_null(f);
        plan_html_escape(f, s);
        assert_int_equal(fclose(f), 0);
        return text;
}

static char *number(int64_t v) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        assert_non_null(f);
        plan_html_number(f, v);
        assert_int_equal(fclose(f), 0);
        return text;
}

static void test_escape(void **state) {
        const struct {
                const char *in, *out;
        } cases[] = {
                { "<a href=\"x\">&'", "&lt;a href=&quot;x&quot;&gt;&amp;&#39;" },
                { "tab\tnew\nline", "tab\tnew\nline" },
                /* Control characters are no XML; a string not UTF-8 keeps its ASCII. */
                { "bell\a\r", "bell\xef\xbf\xbd\xef\xbf\xbd" },
                { "caf\xe9 <", "caf\xef\xbf\xbd &lt;" },
                { "田中 😀", "田中 😀" },
                { "", "" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *s = escaped(cases[i].in);

                assert_string_equal(s, cases[i].out);
        }
        _cleanup_free_ char *none = escaped(NULL);
        assert_string_equal(none, "");
}

static void test_number(void **state) {
        const struct {
                int64_t v;
                const char *out;
        } cases[] = {
                { 1234, "12.34" }, { 1250, "12.5" }, { 7, "0.07" }, { 700, "7" }, { 0, "0" }, { -350, "-3.5" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *s = number(cases[i].v);

                assert_string_equal(s, cases[i].out);
        }
}

static void test_axis(void **state) {
        PlanHtmlAxis axis = { .start = AT(9, 0), .end = AT(13, 0), .day = 20240401, .zone = "Asia/Tokyo" };
        char buf[ISO8601_MAX];

        /* 4 h over 936 px: 3.9 px a minute. */
        assert_int_equal(plan_html_x(&axis, AT(9, 0)), PLAN_HTML_AXIS_X * 100);
        assert_int_equal(plan_html_x(&axis, AT(10, 0)), (PLAN_HTML_AXIS_X + 234) * 100);
        assert_int_equal(plan_html_x(&axis, AT(11, 1)), PLAN_HTML_AXIS_X * 100 + 121 * 390);
        assert_int_equal(plan_html_x(&axis, AT(13, 0)), (PLAN_HTML_AXIS_X + PLAN_HTML_AXIS_WIDTH) * 100);
        /* Clamped to the axis. */
        assert_int_equal(plan_html_x(&axis, AT(8, 0)), PLAN_HTML_AXIS_X * 100);
        assert_int_equal(plan_html_x(&axis, AT(14, 0)), (PLAN_HTML_AXIS_X + PLAN_HTML_AXIS_WIDTH) * 100);

        /* Tokyo is 9 h ahead: 10:00Z is 19:00, 15:00Z is the next day. */
        assert_string_equal(plan_html_time(&axis, AT(10, 0), buf), "19:00");
        assert_string_equal(plan_html_time(&axis, AT(10, 0) + 7 * USEC_PER_SEC, buf), "19:00:07");
        assert_string_equal(plan_html_time(&axis, AT(15, 30), buf), "2024-04-02 00:30");
}

/* Berlin springs forward at 02:00 on 2021-03-28: a night shift from 00:30
 * to 06:30 local has an axis of 5 h, from 00:00 to 07:00, labelled in
 * local hours (no 02:00). */
static void test_dst(void **state) {
        ShiftPlan night = { .operator = (char *) "op1", .team = (char *) "t",
                            .start = instant("2021-03-27T23:30:00Z"), .end = instant("2021-03-28T04:30:00Z") };
        Plan plan = { .shifts = &night, .n_shifts = 1 };
        PlanHtmlOptions o = { .to = USEC_INFINITY, .zone = "Europe/Berlin" };
        _cleanup_free_ char *html = NULL;
        int r;

        html = render(&plan, NULL, &o, &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(html, "data-start=\"2021-03-28T00:00:00+01:00\" data-end=\"2021-03-28T07:00:00+02:00\""));
        assert_non_null(strstr(html, "\">01:00</text>"));
        assert_null(strstr(html, "\">02:00</text>"));
        assert_non_null(strstr(html, "\">03:00</text>"));
        assert_non_null(strstr(html, "<title>op1: shift 00:30\xe2\x80\x93" "06:30 (5h)</title>"));
}

static void test_lead_view(void **state) {
        Plan plan = { .shifts = shifts, .n_shifts = ELEMENTSOF(shifts) };
        Coverage coverage = { &team, 1 };
        PlanHtmlOptions o = { .from = 0, .to = USEC_INFINITY, .zone = "UTC", .generated = AT(7, 30) };
        _cleanup_(metrics_freep) Metrics *m = NULL;
        _cleanup_free_ char *html = NULL, *shortfall = NULL;
        int r;

        html = render(&plan, &coverage, &o, &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(html, "<!DOCTYPE html>"));
        assert_non_null(strstr(html, "@page { size: A4 landscape;"));
        assert_non_null(strstr(html, "Break plan of every team, 2024-04-01"));
        assert_non_null(strstr(html, "Generated 2024-04-01 07:30 UTC."));
        assert_non_null(strstr(html, "A team lead's view:"));
        assert_null(strstr(html, "<script"));

        /* A section per team; a row per shift; a bar per break; each SVG closed. */
        assert_int_equal(count(html, "<section class=\"day\""), 2);
        assert_non_null(strstr(html, "<section class=\"day\" data-team=\"t\" data-day=\"2024-04-01\""));
        assert_int_equal(count(html, "<g class=\"shift\""), 3);
        assert_int_equal(count(html, "<rect class=\"break "), 3);
        assert_int_equal(count(html, "<svg "), count(html, "</svg>"));
        assert_int_equal(count(html, "class=\"coverage\" width"), 2);

        /* Team t's axis is 09:00–13:00: the block at 10:00 is 234 px in,
         * the recovery at 11:01 121 minutes of 3.9 px. */
        assert_non_null(strstr(html, "<rect class=\"break statutory\" x=\"306\" y=\"39\" width=\"175.5\" height=\"11\">"));
        assert_non_null(strstr(html, "<rect class=\"break recovery\" x=\"543.9\""));
        assert_non_null(strstr(html, "data-start=\"2024-04-01T09:00:00Z\" data-end=\"2024-04-01T13:00:00Z\" "
                                     "data-x=\"72\" data-width=\"936\""));

        /* Everything escaped; the reason in full, category and all, in the title. */
        assert_null(strstr(html, HOSTILE));
        assert_non_null(strstr(html, "data-operator=\"" HOSTILE_ESCAPED "\""));
        assert_non_null(strstr(html, "<title>op1: recovery break 11:01\xe2\x80\x93" "11:21 (20min)\n"
                                     "after a &quot;threatening&quot; call &lt;threat&gt; &amp; &#39;more&#39; "
                                     "(threat)</title>"));

        /* The shortfall is the metrics': two required 10:30–11:30, nobody on
         * the phones 10:30–10:45, one 10:45–11:00 and 11:01–11:21. */
        assert_int_equal(metrics_compute(&plan, &coverage, NULL, &m), 0);
        assert_int_equal(m->teams[0].shortfall_minutes, 65);
        assert_true(asprintf(&shortfall, "data-shortfall=\"%" PRIu64 "\"", m->teams[0].shortfall_minutes) > 0);
        assert_non_null(strstr(html, shortfall));
        assert_non_null(strstr(html, "Coverage shortfall: <strong>65</strong> of 300 operator-minutes required on the phones (21.7&#160;%)."));
        assert_non_null(strstr(html, "data-team=\"u\" data-day=\"2024-04-01\" data-shortfall=\"0\""));
}

static void test_operator_view(void **state) {
        Plan plan = { .shifts = shifts, .n_shifts = ELEMENTSOF(shifts) };
        Coverage coverage = { &team, 1 };
        PlanHtmlOptions o = { .operator = "op1", .to = USEC_INFINITY, .zone = "Asia/Tokyo" };
        _cleanup_free_ char *html = NULL;
        int r;

        html = render(&plan, &coverage, &o, &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(html, "Break plan of op1, 2024-04-01"));
        assert_non_null(strstr(html, "op1's own day"));
        assert_null(strstr(html, "Generated"));
        /* Their own reasons, in titles and a table; nobody else, no team figures. */
        assert_int_equal(count(html, "<g class=\"shift\""), 1);
        assert_int_equal(count(html, "&lt;threat&gt;"), 2);
        assert_non_null(strstr(html, "<table class=\"breaks\">"));
        assert_null(strstr(html, HOSTILE_ESCAPED));
        assert_null(strstr(html, "lunch"));
        assert_null(strstr(html, "class=\"coverage\""));
        assert_null(strstr(html, "data-shortfall"));
        assert_null(strstr(html, "Coverage shortfall"));
        /* In Tokyo, 18:00 to 22:00. */
        assert_non_null(strstr(html, "data-start=\"2024-04-01T18:00:00+09:00\""));
        assert_non_null(strstr(html, "<td>19:00</td><td>19:45</td><td>45min</td>"));
}

static void test_filters(void **state) {
        Plan plan = { .shifts = shifts, .n_shifts = ELEMENTSOF(shifts) };
        PlanHtmlOptions o = { .team = "t", .to = USEC_INFINITY, .zone = "UTC" };
        _cleanup_free_ char *html = NULL, *later = NULL, *none = NULL;
        int r;

        /* No coverage: nothing required. */
        html = render(&plan, NULL, &o, &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(html, "Break plan of team t, 2024-04-01"));
        assert_int_equal(count(html, "<section "), 1);
        assert_int_equal(count(html, "<g class=\"shift\""), 2);
        assert_non_null(strstr(html, "No coverage requirement."));

        /* From 13:30: op3's shift alone, its axis from 13:00. */
        o = (PlanHtmlOptions) { .from = AT(13, 30), .to = USEC_INFINITY, .zone = "UTC" };
        later = render(&plan, NULL, &o, &r);
        assert_int_equal(r, 0);
        assert_int_equal(count(later, "<g class=\"shift\""), 1);
        assert_non_null(strstr(later, "data-operator=\"op3\""));
        assert_non_null(strstr(later, "data-start=\"2024-04-01T13:00:00Z\" data-end=\"2024-04-01T17:00:00Z\""));

        o = (PlanHtmlOptions) { .team = "nobody", .to = USEC_INFINITY, .zone = "UTC" };
        none = render(&plan, NULL, &o, &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(none, "<title>Break plan of team nobody: no shifts</title>"));
        assert_non_null(strstr(none, "No shifts to show."));
}

/* A team of 40: two Gantts (30 rows, then 10), the stripes going on; a long
 * id cut in its label, whole in its title. */
static void test_parts(void **state) {
        ShiftPlan many[40];
        char ids[40][32];
        Plan plan = { .shifts = many, .n_shifts = ELEMENTSOF(many) };
        PlanHtmlOptions o = { .to = USEC_INFINITY, .zone = "UTC" };
        _cleanup_free_ char *html = NULL;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(many); i++) {
                snprintf(ids[i], sizeof ids[i], i == 0 ? "operator-with-a-long-id" : "op%02zu", i);
                many[i] = (ShiftPlan) { .operator = ids[i], .team = (char *) "t", .start = AT(8, 0) + i * MIN_,
                                        .end = AT(16, 0) };
        }
        html = render(&plan, NULL, &o, &r);
        assert_int_equal(r, 0);
        assert_int_equal(count(html, "<div class=\"part\">"), 2);
        assert_int_equal(count(html, "<g class=\"shift\""), 40);
        assert_int_equal(count(html, "<rect class=\"stripe\""), 20);
        assert_non_null(strstr(html, ">operator-w\xe2\x80\xa6</text>"));
        assert_non_null(strstr(html, "<title>operator-with-a-long-id: shift 08:00\xe2\x80\x93" "16:00 (8h)</title>"));
}

static void test_errors(void **state) {
        Plan plan = { .shifts = shifts, .n_shifts = ELEMENTSOF(shifts) };
        PlanHtmlOptions o = { .to = USEC_INFINITY, .zone = "Nowhere/Atlantis" };
        _cleanup_(fclosep) FILE *full = NULL;
        _cleanup_free_ char *html = NULL;
        int r;

        html = render(&plan, NULL, &o, &r);
        assert_int_equal(r, -ENOENT);
        o.zone = "../etc/passwd";
        html = render(&plan, NULL, &o, &r);
        assert_int_equal(r, -EINVAL);

        /* A full disk. */
        full = fopen("/dev/full", "we");
        assert_non_null(full);
        o.zone = "UTC";
        assert_int_equal(plan_html_print(full, &plan, NULL, &o), -EIO);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_escape),
                cmocka_unit_test(test_number),
                cmocka_unit_test(test_axis),
                cmocka_unit_test(test_dst),
                cmocka_unit_test(test_lead_view),
                cmocka_unit_test(test_operator_view),
                cmocka_unit_test(test_filters),
                cmocka_unit_test(test_parts),
                cmocka_unit_test(test_errors),
        };

        return run_tests_in_zone(tests, "Pacific/Chatham");
}
