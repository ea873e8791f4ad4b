/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/metrics.h"

#define MIN_ USEC_PER_MINUTE
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)
#define AT(h, m) (DAY0 + (usec_t) (h) * USEC_PER_HOUR + (usec_t) (m) * MIN_)

static void test_metrics(void **state) {
        Break a[] = {
                { .kind = BREAK_STATUTORY, .start = AT(10, 0), .end = AT(10, 45) },
                { .kind = BREAK_RECOVERY, .start = AT(11, 1), .end = AT(11, 21), .trigger = AT(11, 0) },
        };
        Break b[] = {
                { .kind = BREAK_PLANNED, .start = AT(10, 30), .end = AT(11, 0) },
                { .kind = BREAK_PLANNED, .start = AT(11, 10), .end = AT(11, 20), .trigger = AT(11, 5),
                  .recovery_uid = (char *) "op2-recovery-x" },
        };
        ShiftPlan shifts[] = {
                { .operator = (char *) "op1", .team = (char *) "t", .start = AT(9, 0), .end = AT(13, 0),
                  .breaks = a, .n_breaks = 2 },
                { .operator = (char *) "op2", .team = (char *) "t", .start = AT(9, 0), .end = AT(13, 0),
                  .breaks = b, .n_breaks = 2 },
        };
        Plan plan = { .shifts = shifts, .n_shifts = 2, .recoveries = 2, .breaks_moved = 3 };
        unsigned required[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
        TeamCoverage team = { .team = (char *) "t", .start = AT(9, 0), .interval = 30 * MIN_,
                              .required = required, .n = 8 };
        Coverage coverage = { &team, 1 };
        _cleanup_(metrics_freep) Metrics *m = NULL;

        assert_int_equal(metrics_compute(&plan, &coverage, NULL, &m), 0);
        assert_int_equal(m->shifts, 2);
        assert_int_equal(m->recoveries, 2);
        assert_int_equal(m->breaks_moved, 3);
        /* Delays 1 and 5 min: median 3, max 5. */
        assert_int_equal(m->delay_median, 3 * MIN_);
        assert_int_equal(m->delay_max, 5 * MIN_);
        assert_int_equal(m->shift_time, 8 * USEC_PER_HOUR);
        assert_int_equal(m->break_time[BREAK_STATUTORY], 45 * MIN_);
        assert_int_equal(m->break_time[BREAK_PLANNED], 40 * MIN_);
        assert_int_equal(m->break_time[BREAK_RECOVERY], 20 * MIN_);
        /* Both off 10:30–10:45 and 11:10–11:20: 25 operator-minutes short,
         * the last 10 of them while both were on recovery. */
        assert_int_equal(m->n_teams, 1);
        assert_int_equal(m->teams[0].required_minutes, 240);
        assert_int_equal(m->shortfall_minutes, 25);
        assert_int_equal(m->recovery_shortfall_minutes, 10);
        /* Both on shift all along: the roster forces none of it. */
        assert_int_equal(m->teams[0].forced_minutes, 0);
        assert_int_equal(m->forced_shortfall_minutes, 0);
}

/* The shortfall the roster forces: the shifts alone against the
 * requirement, per whole minute, beside the shortfall with the breaks. */
static void test_forced(void **state) {
        Break a[] = {
                { .kind = BREAK_STATUTORY, .start = AT(9, 40), .end = AT(9, 50) },
        };
        Break b[] = {
                { .kind = BREAK_RECOVERY, .start = AT(10, 0), .end = AT(10, 10), .trigger = AT(10, 0) },
        };
        ShiftPlan shifts[] = {
                { .operator = (char *) "op1", .team = (char *) "t", .start = AT(9, 0), .end = AT(11, 0),
                  .breaks = a, .n_breaks = 1 },
                /* Half a minute into 9:30: that minute counts whole. */
                { .operator = (char *) "op2", .team = (char *) "t", .start = AT(9, 30) + 30 * USEC_PER_SEC,
                  .end = AT(10, 45), .breaks = b, .n_breaks = 1 },
        };
        Plan plan = { .shifts = shifts, .n_shifts = 2 };
        unsigned required_t[] = { 2, 2, 3, 1 }, required_u[] = { 1, 1 };
        TeamCoverage teams[] = {
                { .team = (char *) "t", .start = AT(9, 0), .interval = 30 * MIN_, .required = required_t, .n = 4 },
                /* Nobody on shift: all of it forced. */
                { .team = (char *) "u", .start = AT(9, 0), .interval = 30 * MIN_, .required = required_u, .n = 2 },
        };
        Coverage coverage = { teams, 2 };
        _cleanup_(metrics_freep) Metrics *m = NULL;
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f;

        assert_int_equal(metrics_compute(&plan, &coverage, NULL, &m), 0);
        assert_int_equal(m->n_teams, 2);
        /* t needs 2, 2, 3, 1 per half hour from 9:00: 240 operator-minutes.
         * On shift: 1 until 9:30, 2 from 9:30 to 10:45, then 1. Forced:
         * 1 short 9:00-9:30 and 1 short 10:00-10:30, 60. With the breaks:
         * those 30 at 9:00, 10 at 9:40-9:50 (op1 off), 2 x 10 at
         * 10:00-10:10 (op2 off: 10 of them on recovery), 20 at 10:10-10:30;
         * 80. */
        assert_int_equal(m->teams[0].required_minutes, 240);
        assert_int_equal(m->teams[0].shortfall_minutes, 80);
        assert_int_equal(m->teams[0].recovery_minutes, 10);
        assert_int_equal(m->teams[0].forced_minutes, 60);
        /* u: a staffing problem, the shortfall all forced. */
        assert_int_equal(m->teams[1].required_minutes, 60);
        assert_int_equal(m->teams[1].shortfall_minutes, 60);
        assert_int_equal(m->teams[1].forced_minutes, 60);
        assert_int_equal(m->shortfall_minutes, 140);
        assert_int_equal(m->recovery_shortfall_minutes, 10);
        assert_int_equal(m->forced_shortfall_minutes, 120);

        f = open_memstream(&text, &size);
        assert_non_null(f);
        assert_int_equal(metrics_print(m, f), 0);
        fclose(f);
        assert_non_null(strstr(text, "\ncoverage shortfall: 140 operator-minutes "
                                     "(10 while operators were on recovery)\n"));
        assert_non_null(strstr(text, "\ncoverage shortfall forced by the roster: 120 operator-minutes\n"));
        assert_non_null(strstr(text, "\ncoverage shortfall t: 80 of 240 operator-minutes (60 forced by the roster)\n"));
        assert_non_null(strstr(text, "\ncoverage shortfall u: 60 of 60 operator-minutes (60 forced by the roster)\n"));
}

static void test_print(void **state) {
        Plan plan = { .statutory_violations = 0 };
        _cleanup_(metrics_freep) Metrics *m = NULL;
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f;

        assert_int_equal(metrics_compute(&plan, NULL, NULL, &m), 0);
        f = open_memstream(&text, &size);
        assert_non_null(f);
        assert_int_equal(metrics_print(m, f), 0);
        fclose(f);
        assert_non_null(strstr(text, "statutory violations: 0\n"));
        assert_non_null(strstr(text, "recovery delay max: 0.0 min\n"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_metrics),
                cmocka_unit_test(test_forced),
                cmocka_unit_test(test_print),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
