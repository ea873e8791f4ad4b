/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The intraday view (src/core/intraday.c): per minute and per bucket, the
 * requirement, the operators on shift and on the phones, and a shortfall
 * that adds up to the metrics'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/intraday.h"
#include "core/metrics.h"

#define MIN_ USEC_PER_MINUTE
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)
#define AT(h, m) (DAY0 + (usec_t) (h) * USEC_PER_HOUR + (usec_t) (m) * MIN_)

/* op1 09:00–13:00 with a block 10:00–10:45 and a recovery 11:01–11:21; op2
 * 09:00–13:00 with a planned break 10:30–11:00; op3 of another team; one
 * operator needed from 09:00, two from 10:30 to 11:30. */
static Break a[] = {
        { .kind = BREAK_STATUTORY, .start = AT(10, 0), .end = AT(10, 45) },
        { .kind = BREAK_RECOVERY, .start = AT(11, 1), .end = AT(11, 21), .trigger = AT(11, 0) },
};
static Break b[] = {
        { .kind = BREAK_PLANNED, .start = AT(10, 30), .end = AT(11, 0) },
};
static ShiftPlan shifts[] = {
        { .operator = (char *) "op1", .team = (char *) "t", .start = AT(9, 0), .end = AT(13, 0),
          .breaks = a, .n_breaks = 2 },
        { .operator = (char *) "op2", .team = (char *) "t", .start = AT(9, 0), .end = AT(13, 0),
          .breaks = b, .n_breaks = 1 },
        { .operator = (char *) "op3", .team = (char *) "u", .start = AT(8, 0), .end = AT(17, 0) },
};
static unsigned required[8] = { 1, 1, 1, 2, 2, 1, 1, 1 };
static TeamCoverage team = { .team = (char *) "t", .start = AT(9, 0), .interval = 30 * MIN_,
                             .required = required, .n = 8 };

static void test_minutes(void **state) {
        Plan plan = { .shifts = shifts, .n_shifts = ELEMENTSOF(shifts) };
        Coverage coverage = { &team, 1 };
        _cleanup_(intraday_freep) Intraday *d = NULL;

        assert_int_equal(intraday_compute(&plan, &coverage, "t", AT(8, 30), AT(13, 30), &d), 0);
        assert_int_equal(d->n_minutes, 300);
        /* 08:30: nobody yet; 09:00: both on the phones. */
        assert_int_equal(d->on_shift[0], 0);
        assert_int_equal(d->on_shift[30], 2);
        assert_int_equal(d->on_phones[30], 2);
        assert_int_equal(d->required[30], 1);
        /* 10:40: op1 on its block, op2 on its planned break. */
        assert_int_equal(d->on_shift[130], 2);
        assert_int_equal(d->on_phones[130], 0);
        assert_int_equal(d->required[130], 2);
        /* 11:01 touches the recovery, 13:00 is after both shifts. */
        assert_int_equal(d->on_phones[151], 1);
        assert_int_equal(d->on_shift[270], 0);
        assert_int_equal(d->required[270], 0);

        /* Another team, none of theirs; no coverage, nothing required. */
        d = intraday_free(d);
        assert_int_equal(intraday_compute(&plan, NULL, "u", AT(7, 0), AT(18, 0), &d), 0);
        assert_int_equal(d->on_shift[60], 1);
        assert_int_equal(d->required[60], 0);
        assert_int_equal(intraday_compute(&plan, NULL, "u", AT(7, 0), AT(7, 0), &d), -EINVAL);
}

static void test_buckets(void **state) {
        Plan plan = { .shifts = shifts, .n_shifts = ELEMENTSOF(shifts) };
        Coverage coverage = { &team, 1 };
        _cleanup_(intraday_freep) Intraday *d = NULL;
        _cleanup_(metrics_freep) Metrics *m = NULL;
        _cleanup_free_ IntradayBucket *q = NULL, *h = NULL;
        ssize_t n;
        uint64_t sum = 0;

        /* From 09:05:30 (rounded down to 09:05) to 12:52 (rounded up). */
        assert_int_equal(intraday_compute(&plan, &coverage, "t", AT(9, 5) + 30 * USEC_PER_SEC, AT(12, 52), &d), 0);
        n = intraday_buckets(d, 30 * MIN_, &h);
        assert_int_equal(n, 8);
        assert_int_equal(h[0].start, AT(9, 5));
        assert_int_equal(h[7].start, AT(12, 35));
        assert_int_equal(h[7].end, AT(12, 52));
        /* 10:05–10:35: op1 on its block from 10:00, op2 off from 10:30. */
        assert_int_equal(h[2].required, 2);
        assert_int_equal(h[2].on_shift, 2);
        assert_int_equal(h[2].on_phones, 0);

        /* 227 minutes: 15 of 15 and one of 2. */
        n = intraday_buckets(d, 15 * MIN_, &q);
        assert_int_equal(n, 16);
        assert_int_equal(q[15].start, AT(12, 50));
        assert_int_equal(q[15].end, AT(12, 52));

        /* Over the whole coverage span, the buckets add up to the metrics. */
        d = intraday_free(d);
        h = mfree(h);
        assert_int_equal(intraday_compute(&plan, &coverage, "t", AT(9, 0), AT(13, 0), &d), 0);
        n = intraday_buckets(d, 30 * MIN_, &h);
        assert_int_equal(n, 8);
        for (ssize_t k = 0; k < n; k++)
                sum += h[k].shortfall;
        assert_int_equal(metrics_compute(&plan, &coverage, NULL, &m), 0);
        assert_int_equal(sum, m->teams[0].shortfall_minutes);
        assert_true(sum > 0);

        assert_int_equal(intraday_buckets(d, 90 * USEC_PER_SEC, &q), -EINVAL);
        assert_int_equal(intraday_buckets(d, 0, &q), -EINVAL);
}

static void test_span(void **state) {
        Plan plan = { .shifts = shifts, .n_shifts = ELEMENTSOF(shifts) };
        usec_t start, end;

        assert_true(intraday_team_span(&plan, "t", AT(0, 0), AT(24, 0), &start, &end));
        assert_int_equal(start, AT(9, 0));
        assert_int_equal(end, AT(13, 0));
        assert_true(intraday_team_span(&plan, "t", AT(10, 0), AT(11, 0), &start, &end));
        assert_int_equal(start, AT(10, 0));
        assert_int_equal(end, AT(11, 0));
        assert_false(intraday_team_span(&plan, "t", AT(13, 0), AT(14, 0), &start, &end));
        assert_false(intraday_team_span(&plan, "nobody", AT(0, 0), AT(24, 0), &start, &end));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_minutes),
                cmocka_unit_test(test_buckets),
                cmocka_unit_test(test_span),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
