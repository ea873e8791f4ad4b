/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/coverage.h"

#define MIN_ USEC_PER_MINUTE
/* 2024-04-01T00:00:00Z. */
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)
#define AT(h, m) (DAY0 + (usec_t) (h) * USEC_PER_HOUR + (usec_t) (m) * MIN_)

static Operator operators[] = {
        { (char *) "op1", (char *) "Operator 1", (char *) "retail", NULL, NULL },
        { (char *) "op2", (char *) "Operator 2", (char *) "shares", NULL, NULL },
};

static char *teams[] = { (char *) "retail", (char *) "shares", NULL };

static Shift shifts[] = {
        { .operator = 0, .start = AT(8, 0), .end = AT(12, 0) },
        { .operator = 1, .start = AT(9, 0), .end = AT(11, 0) },
};

static Policy *policy_of(const char *text) {
        _cleanup_free_ char *error = NULL;
        Policy *p = NULL;

        if (policy_load_string(text, NULL, &p, &error) < 0)
                fail_msg("%s", error);
        return p;
}

static void test_bands(void **state) {
        _cleanup_(policy_freep) Policy *p = policy_of(
                "site = { timezone = \"Asia/Tokyo\"; };\n"
                "coverage = { bands = ( { team = \"retail\"; from = \"18:00\"; to = \"19:30\"; minimum = 3; },\n"
                "                       { team = \"*\"; from = \"19:00\"; to = \"20:00\"; minimum = 1; } ); };\n");
        Roster roster = { operators, 2, shifts, 2, teams, 2, NULL, NULL };
        _cleanup_(coverage_freep) Coverage *c = NULL;
        const TeamCoverage *retail, *shares;

        /* 08:00Z is 17:00 in Tokyo: intervals of 30 min from 08:00Z to 12:00Z. */
        assert_int_equal(coverage_build(p, &roster, NULL, &c), 0);
        assert_int_equal(c->n_teams, 2);
        retail = coverage_find_team(c, "retail");
        shares = coverage_find_team(c, "shares");
        assert_non_null(retail);
        assert_int_equal(retail->start, AT(8, 0));
        assert_int_equal(retail->n, 8);
        assert_int_equal(team_coverage_required(retail, AT(8, 59)), 0);         /* 17:59 */
        assert_int_equal(team_coverage_required(retail, AT(9, 0)), 3);          /* 18:00 */
        assert_int_equal(team_coverage_required(retail, AT(10, 0)), 3);         /* 19:00: max(3, 1) */
        assert_int_equal(team_coverage_required(retail, AT(10, 30)), 1);        /* 19:30 */
        assert_int_equal(team_coverage_required(shares, AT(10, 0)), 1);
        assert_int_equal(team_coverage_required(shares, AT(9, 0)), 0);
        assert_int_equal(team_coverage_required(retail, AT(12, 0)), 0);         /* past the span */
        assert_null(coverage_find_team(c, "nobody"));
}

static void test_from_calls(void **state) {
        _cleanup_(policy_freep) Policy *p = policy_of(
                "coverage = { from_calls = true; service_level = 80; answer_within = \"20s\"; };\n");
        _cleanup_(policy_freep) Policy *shrunk = policy_of(
                "coverage = { from_calls = true; shrinkage = 30; };\n");
        Roster roster = { operators, 2, shifts, 2, teams, 2, NULL, NULL };
        _cleanup_(coverage_freep) Coverage *c = NULL, *d = NULL;
        _cleanup_free_ CallRecord *calls = calloc(101, sizeof(CallRecord));
        CallLog log = { .calls = calls, .n_calls = 101 };

        /* Erlang C: 100 calls of 180 s in 30 min need 14 operators; with
         * 30 % shrinkage, 14 / 0.7 = 20. One call of op2's team needs 1. */
        for (size_t i = 0; i < 100; i++)
                calls[i] = (CallRecord) { .operator = (char *) "op1", .start = AT(9, 0) + i * 18 * USEC_PER_SEC };
        for (size_t i = 0; i < 100; i++)
                calls[i].end = calls[i].start + 180 * USEC_PER_SEC;
        calls[100] = (CallRecord) { .operator = (char *) "op2", .start = AT(9, 40), .end = AT(9, 45) };

        assert_int_equal(coverage_build(p, &roster, &log, &c), 0);
        assert_int_equal(team_coverage_required(coverage_find_team(c, "retail"), AT(9, 10)), 14);
        assert_int_equal(team_coverage_required(coverage_find_team(c, "retail"), AT(9, 30)), 0);
        assert_int_equal(team_coverage_required(coverage_find_team(c, "shares"), AT(9, 30)), 1);
        assert_int_equal(coverage_build(shrunk, &roster, &log, &d), 0);
        assert_int_equal(team_coverage_required(coverage_find_team(d, "retail"), AT(9, 0)), 20);
}

static void test_bad_settings(void **state) {
        const char *bad[] = {
                "coverage = { service_level = 100; };\n",
                "coverage = { bands = ( { team = \"a\"; from = \"25:00\"; to = \"26:00\"; minimum = 1; } ); };\n",
                "coverage = { bands = ( { team = \"a\"; from = \"09:00\"; minimum = 1; } ); };\n",
                "coverage = { interval = \"10s\"; };\n",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                _cleanup_free_ char *error = NULL;
                Policy *p = NULL;

                assert_int_equal(policy_load_string(bad[i], NULL, &p, &error), -EINVAL);
                assert_non_null(error);
                assert_null(p);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bands),
                cmocka_unit_test(test_from_calls),
                cmocka_unit_test(test_bad_settings),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
