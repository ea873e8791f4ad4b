/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The break search (src/core/planner-search.c): statutory blocks placed one
 * shift at a time move where the team's coverage is best; a revision moves
 * an announced block only for a real gain, and never one about to begin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/metrics.h"
#include "core/planner.h"
#include "planner-helpers.h"

/* Two operators of team-a who may both be off only in two hours of the
 * day: 10:30–11:30, which op2 (06:30–12:45, a block by 11:45) can reach,
 * and 13:30–14:30, which only op1 (08:00–16:00) can. Planned first, op1
 * takes the earlier hour, nearer the middle of its shift, and leaves op2
 * nowhere to go without a shortfall. */
static Shift crowded_shifts[] = {
        { .operator = 0, .start = AT(0, 8, 0), .end = AT(0, 16, 0), .source = (char *) "test" },
        { .operator = 1, .start = AT(0, 6, 30), .end = AT(0, 12, 45), .source = (char *) "test" },
};

/* Operators needed per half hour from 06:30: everyone on shift but in the
 * two hours above, where one may be off. */
static Coverage *crowded_coverage(void) {
        static const unsigned need[] = {
                1, 1, 1,                /* 06:30–08:00: op2 alone */
                2, 2, 2, 2, 2,          /* 08:00–10:30 */
                1, 1,                   /* 10:30–11:30: one may be off */
                2, 2,                   /* 11:30–12:30 */
                1, 1,                   /* 12:30–13:30: op2 leaves at 12:45 */
                0, 0,                   /* 13:30–14:30: op1 may be off */
                1, 1, 1,                /* 14:30–16:00 */
        };
        Coverage *c = coverage_flat("team-a", AT(0, 6, 30), ELEMENTSOF(need), 0);

        memcpy(c->teams[0].required, need, sizeof(need));
        return c;
}

static uint64_t shortfall(const Plan *plan, const Coverage *c) {
        _cleanup_(metrics_freep) Metrics *m = NULL;

        assert_int_equal(metrics_compute(plan, c, NULL, &m), 0);
        return m->shortfall_minutes;
}

/* The shift's statutory block lies within [from, to): where the team may
 * spare an operator (the search may take any start there: all are as
 * good). */
static void assert_block_within(const ShiftPlan *sp, usec_t from, usec_t to) {
        const Break *b = kind_nth(sp, BREAK_STATUTORY, 0);

        assert_non_null(b);
        assert_in_range(b->start, from, to);
        assert_in_range(b->end, from, to);
}

static void test_search_frees_the_slot(void **state) {
        Roster roster = roster_of(crowded_shifts, ELEMENTSOF(crowded_shifts));
        Policy policy = test_policy();
        _cleanup_(coverage_freep) Coverage *c = crowded_coverage();
        _cleanup_(plan_freep) Plan *greedy = NULL, *searched = NULL, *again = NULL;

        /* Without the search: op1 at 10:45, op2 short by half an hour. */
        assert_int_equal(planner_run(&roster, &policy, c, NULL, NULL, NULL, 0, &greedy), 0);
        assert_int_equal(kind_nth(&greedy->shifts[0], BREAK_STATUTORY, 0)->start, AT(0, 10, 45));
        assert_int_equal(shortfall(greedy, c), 30);

        /* With it: op1 moves to the later hour, op2 takes the earlier. */
        policy.search_steps = 500;
        assert_int_equal(planner_run(&roster, &policy, c, NULL, NULL, NULL, 0, &searched), 0);
        assert_int_equal(searched->statutory_violations, 0);
        assert_block_within(&searched->shifts[0], AT(0, 13, 30), AT(0, 14, 30));
        assert_block_within(&searched->shifts[1], AT(0, 10, 30), AT(0, 11, 30));
        assert_int_equal(shortfall(searched, c), 0);
        assert_int_equal(searched->breaks_moved, 0);
        assert_plan_sane(searched);

        /* The same inputs, the same plan. */
        assert_int_equal(planner_run(&roster, &policy, c, NULL, NULL, NULL, 0, &again), 0);
        assert_plan_equal(searched, again);
}

/* A revision weighs what the operators were told: op1's block announced at
 * 10:45 moves for the 30 operator-minutes it saves, but not once it is
 * about to begin. */
static void test_search_revision(void **state) {
        Roster roster = roster_of(crowded_shifts, ELEMENTSOF(crowded_shifts));
        Policy policy = test_policy();
        _cleanup_(coverage_freep) Coverage *c = crowded_coverage();
        _cleanup_(plan_freep) Plan *told = NULL, *early = NULL, *late = NULL;

        assert_int_equal(planner_run(&roster, &policy, c, NULL, NULL, NULL, 0, &told), 0);
        policy.search_steps = 500;

        assert_int_equal(planner_run(&roster, &policy, c, NULL, NULL, told, AT(0, 9, 0), &early), 0);
        assert_block_within(&early->shifts[0], AT(0, 13, 30), AT(0, 14, 30));
        assert_int_equal(shortfall(early, c), 0);
        assert_int_equal(early->breaks_moved, 2);

        /* At 10:35 op1's block begins within 15 minutes: it stays. */
        assert_int_equal(planner_run(&roster, &policy, c, NULL, NULL, told, AT(0, 10, 35), &late), 0);
        assert_int_equal(kind_nth(&late->shifts[0], BREAK_STATUTORY, 0)->start, AT(0, 10, 45));
        assert_int_equal(shortfall(late, c), 30);
        assert_int_equal(late->breaks_moved, 0);
}

/* A tight day for a team of TIGHT_N: shifts of 8 or 9 hours starting
 * between 06:00 and 12:00 on the quarter hour (drawn by a fixed LCG), and
 * everyone on shift needed but one in every half hour. Planned one shift at
 * a time, late shifts' blocks crowd the middle of the day; the search (one
 * block, chains, ruin and recreate) must at least halve the shortfall,
 * lawfully, and give the same plan twice. */
#define TIGHT_N 18

static void test_search_tight_team(void **state) {
        static char ids[TIGHT_N][8];
        Operator ops[TIGHT_N];
        Shift shifts[TIGHT_N];
        size_t by[TIGHT_N];
        char *team[] = { (char *) "team-a" };
        Roster roster = { ops, TIGHT_N, shifts, TIGHT_N, team, 1, by, NULL };
        Policy policy = test_policy();
        _cleanup_(coverage_freep) Coverage *c = coverage_flat("team-a", AT(0, 6, 0), 2 * 16, 0);
        _cleanup_(plan_freep) Plan *greedy = NULL, *searched = NULL, *again = NULL;
        uint64_t x = 42;

        for (size_t i = 0; i < TIGHT_N; i++) {
                usec_t start;

                x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
                start = AT(0, 6, 0) + (usec_t) ((x >> 33) % 25) * 15 * MIN_;
                snprintf(ids[i], sizeof(ids[i]), "op%02zu", i);
                ops[i] = (Operator) { ids[i], ids[i], (char *) "team-a", NULL, NULL };
                shifts[i] = shift_of(i, start, start + ((x >> 40) % 2 ? 9 : 8) * HOUR);
                by[i] = i;
        }
        for (size_t k = 0; k < c->teams[0].n; k++) {
                usec_t from = AT(0, 6, 0) + k * 30 * MIN_;
                unsigned on = 0;

                for (size_t i = 0; i < TIGHT_N; i++)
                        on += shifts[i].start <= from && from + 30 * MIN_ <= shifts[i].end;
                c->teams[0].required[k] = on > 0 ? on - 1 : 0;
        }

        assert_int_equal(planner_run(&roster, &policy, c, NULL, NULL, NULL, 0, &greedy), 0);
        policy.search_steps = 50000;
        assert_int_equal(planner_run(&roster, &policy, c, NULL, NULL, NULL, 0, &searched), 0);
        assert_int_equal(searched->statutory_violations, 0);
        assert_plan_sane(searched);
        /* 185 and 45 operator-minutes when this was written. */
        assert_true(2 * shortfall(searched, c) < shortfall(greedy, c));

        assert_int_equal(planner_run(&roster, &policy, c, NULL, NULL, NULL, 0, &again), 0);
        assert_plan_equal(searched, again);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_search_frees_the_slot),
                cmocka_unit_test(test_search_revision),
                cmocka_unit_test(test_search_tight_team),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
