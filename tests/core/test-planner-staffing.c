/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The planner's count of operators on the phones (planner-staffing.c):
 * what planner_coverage_cost() counts inside and outside a team's own span,
 * a requirement above 16 bits, and a team of more shifts than 16-bit counts
 * hold. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/planner-internal.h"
#include "planner-helpers.h"

/* The cost of [start, end) for the shift of team in s. */
static usec_t cost_of(Staffing *s, const char *team, usec_t start, usec_t end) {
        PlannerRun in = { .staffing = s };
        Planning p = { .in = &in, .team = planner_staffing_team(s, team) };

        assert_true(p.team >= 0);
        return planner_coverage_cost(&p, start, end);
}

static Staffing *staffing_of(const Roster *roster, const char *team, usec_t from, size_t n, unsigned required) {
        _cleanup_(coverage_freep) Coverage *c = coverage_flat(team, from, n, required);
        Staffing *s = NULL;

        assert_int_equal(planner_staffing_new(roster, c, &s), 0);
        assert_non_null(s);
        return s;
}

static void test_team_span(void **state) {
        /* team-a works 09:00-17:00 (two operators), team-b 13:00-20:00: the
         * roster spans 09:00-20:00. */
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 17, 0)),
                shift_of(1, AT(0, 9, 0), AT(0, 17, 0)),
                shift_of(2, AT(0, 13, 0), AT(0, 20, 0)),
        };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Break b = { .kind = BREAK_STATUTORY, .start = AT(0, 10, 0), .end = AT(0, 10, 15) };
        ShiftPlan sp = { .team = (char *) "team-a", .breaks = &b, .n_breaks = 1 };
        Staffing *s = staffing_of(&roster, "team-a", AT(0, 8, 0), 30, 2);

        /* Both on the phones, 2 needed: one leaving falls short everywhere. */
        assert_int_equal(cost_of(s, "team-a", AT(0, 10, 0), AT(0, 10, 30)), 30);
        planner_staffing_free(s);

        s = staffing_of(&roster, "team-a", AT(0, 8, 0), 30, 1);
        assert_int_equal(cost_of(s, "team-a", AT(0, 10, 0), AT(0, 10, 30)), 0);
        /* A break of one leaves one: the other may not go then. */
        planner_staffing_add_breaks(s, &sp, -1);
        assert_int_equal(cost_of(s, "team-a", AT(0, 10, 0), AT(0, 10, 30)), 15);
        assert_int_equal(cost_of(s, "team-a", ATS(0, 10, 14, 30), AT(0, 10, 16)), 1);
        planner_staffing_add_breaks(s, &sp, +1);
        assert_int_equal(cost_of(s, "team-a", AT(0, 10, 0), AT(0, 10, 30)), 0);

        /* After team-a's shifts, inside the roster: nobody of the team is on
         * the phones, every minute counts; outside the roster none does. */
        assert_int_equal(cost_of(s, "team-a", AT(0, 16, 30), AT(0, 18, 0)), 60);
        assert_int_equal(cost_of(s, "team-a", AT(0, 19, 0), AT(0, 21, 0)), 60);
        assert_int_equal(cost_of(s, "team-a", AT(0, 7, 0), AT(0, 9, 0)), 0);
        /* team-b has no requirement: only its minutes before 13:00, with
         * nobody of it there, count (on - 1 < 0). */
        assert_int_equal(cost_of(s, "team-b", AT(0, 12, 0), AT(0, 14, 0)), 60);
        assert_int_equal(cost_of(s, "team-a", AT(0, 10, 30), AT(0, 10, 0)), 0);
        planner_staffing_free(s);
}

static void test_need_above_16_bits(void **state) {
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 17, 0)),
                shift_of(1, AT(0, 9, 0), AT(0, 17, 0)),
        };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        static const unsigned needs[] = { 65535, 65536, 70000, UINT_MAX };

        for (size_t i = 0; i < ELEMENTSOF(needs); i++) {
                Staffing *s = staffing_of(&roster, "team-a", AT(0, 8, 0), 30, needs[i]);

                assert_int_equal(cost_of(s, "team-a", AT(0, 10, 0), AT(0, 11, 0)), 60);
                planner_staffing_free(s);
        }
}

/* One team of n operators, all 09:00-17:00. */
static Roster *big_team(size_t n) {
        _cleanup_(roster_freep) Roster *r = roster_new();

        assert_non_null(r);
        r->operators = calloc(n, sizeof(Operator));
        r->shifts = calloc(n, sizeof(Shift));
        assert_non_null(r->operators);
        assert_non_null(r->shifts);
        for (size_t i = 0; i < n; i++) {
                assert_true(asprintf(&r->operators[i].id, "op%06zu", i) > 0);
                r->operators[i].name = strdup(r->operators[i].id);
                r->operators[i].team = strdup("big");
                assert_non_null(r->operators[i].name);
                assert_non_null(r->operators[i].team);
                r->shifts[i] = (Shift) { .operator = i, .start = AT(0, 9, 0), .end = AT(0, 17, 0) };
                r->n_operators++;
                r->n_shifts++;
        }
        assert_int_equal(roster_finish(r, 0), 0);
        return TAKE_PTR(r);
}

static void test_team_above_16_bits(void **state) {
        /* 40,000 on the phones do not fit a 16-bit count: the counts are
         * kept wide, and the cost is what it is for a small team. */
        _cleanup_(roster_freep) Roster *roster = big_team(40000);
        Break b = { .kind = BREAK_STATUTORY, .start = AT(0, 10, 0), .end = AT(0, 10, 30) };
        ShiftPlan sp = { .team = (char *) "big", .breaks = &b, .n_breaks = 1 };
        Staffing *s;

        s = staffing_of(roster, "big", AT(0, 8, 0), 30, 39999);
        assert_int_equal(cost_of(s, "big", AT(0, 10, 0), AT(0, 11, 0)), 0);
        planner_staffing_add_breaks(s, &sp, -1);
        assert_int_equal(cost_of(s, "big", AT(0, 10, 0), AT(0, 11, 0)), 30);
        planner_staffing_add_breaks(s, &sp, +1);
        assert_int_equal(cost_of(s, "big", AT(0, 10, 0), AT(0, 11, 0)), 0);
        planner_staffing_free(s);

        s = staffing_of(roster, "big", AT(0, 8, 0), 30, 40000);
        assert_int_equal(cost_of(s, "big", AT(0, 10, 0), AT(0, 11, 0)), 60);
        planner_staffing_free(s);

        /* 32,767 shifts still fit 16 bits, at the edge. */
        roster_free(TAKE_PTR(roster));
        roster = big_team(INT16_MAX);
        s = staffing_of(roster, "big", AT(0, 8, 0), 30, INT16_MAX - 1);
        assert_int_equal(cost_of(s, "big", AT(0, 10, 0), AT(0, 11, 0)), 0);
        planner_staffing_free(s);
        s = staffing_of(roster, "big", AT(0, 8, 0), 30, INT16_MAX);
        assert_int_equal(cost_of(s, "big", AT(0, 10, 0), AT(0, 11, 0)), 60);
        planner_staffing_free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_team_span),
                cmocka_unit_test(test_need_above_16_bits),
                cmocka_unit_test(test_team_above_16_bits),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
