/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The planner: recovery breaks (immediate, accumulated, prolonged calls),
 * merging into planned and statutory breaks, and coverage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/metrics.h"
#include "core/planner.h"
#include "planner-helpers.h"

static void test_immediate_recovery(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = { incident_of("inc1", "op1", "threat", ATS(0, 10, 42, 30), 0) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run(&roster, &policy, items, 1, NULL, 0);
        const Break *b;

        assert_plan_sane(plan);
        assert_int_equal(plan->shifts[0].n_breaks, 1);
        b = &plan->shifts[0].breaks[0];
        assert_int_equal(b->kind, BREAK_RECOVERY);
        assert_int_equal(b->start, AT(0, 10, 43));
        assert_int_equal(b->end, AT(0, 11, 3));
        assert_int_equal(b->trigger, ATS(0, 10, 42, 30));
        assert_string_equal(b->uid, "op1-recovery-inc1");
        assert_string_equal(b->reason, "after a threatening call (threat)");
}

static void test_off_shift(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = {
                incident_of("early", "op1", "threat", AT(0, 8, 50), 0),
                incident_of("other-op", "op2", "threat", AT(0, 10, 0), 0),
                incident_of("last", "op1", "threat", ATS(0, 14, 59, 30), 0),
                incident_of("late", "op1", "threat", AT(0, 15, 0), 0),
        };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run(&roster, &policy, items, ELEMENTSOF(items), NULL, 0);

        assert_plan_sane(plan);
        assert_int_equal(plan->shifts[0].n_breaks, 0);
}

static void test_recovery_clipped(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = { incident_of("i", "op1", "threat", AT(0, 14, 50), 0) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run(&roster, &policy, items, 1, NULL, 0);

        assert_int_equal(plan->shifts[0].n_breaks, 1);
        assert_int_equal(plan->shifts[0].breaks[0].start, AT(0, 14, 50));
        assert_int_equal(plan->shifts[0].breaks[0].end, AT(0, 15, 0));
}

static void test_accumulated(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = {
                incident_of("a", "op1", "other", AT(0, 9, 10), 0),
                incident_of("b", "op1", "unreasonable_demand", AT(0, 10, 11), 0),  /* a is out of the window */
                incident_of("c", "op1", "unreasonable_demand", AT(0, 10, 31), 0),  /* 8 points */
                incident_of("d", "op1", "other", AT(0, 11, 0), 0),
                incident_of("e", "op1", "other", AT(0, 11, 20), 0),
                incident_of("f", "op1", "other", AT(0, 11, 20), 0),                /* 6 points at once */
        };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run(&roster, &policy, items, ELEMENTSOF(items), NULL, 0);
        const Break *b;

        assert_plan_sane(plan);
        assert_int_equal(kind_count(&plan->shifts[0], BREAK_RECOVERY), 2);

        b = kind_nth(&plan->shifts[0], BREAK_RECOVERY, 0);
        assert_int_equal(b->start, AT(0, 10, 31));
        assert_int_equal(b->end, AT(0, 10, 41));
        assert_string_equal(b->uid, "op1-recovery-c");
        assert_string_equal(b->reason, "after 2 unreasonable_demand incidents in 20 min (8 points)");

        /* The points of b and c were cleared: d alone does not reach 6. */
        b = kind_nth(&plan->shifts[0], BREAK_RECOVERY, 1);
        assert_int_equal(b->start, AT(0, 11, 20));
        assert_string_equal(b->uid, "op1-recovery-f");
        assert_string_equal(b->reason, "after 3 other incidents in 20 min (6 points)");
}

static void test_accumulated_mixed(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = {
                incident_of("a", "op1", "other", AT(0, 9, 20), 0),
                incident_of("b", "op1", "other", AT(0, 9, 21), 0),
                incident_of("c", "op1", "threat", AT(0, 9, 30), 0),         /* clears a and b */
                incident_of("d", "op1", "unreasonable_demand", AT(0, 10, 0), 0),
                incident_of("e", "op1", "other", AT(0, 10, 40), 0),         /* 6 points */
                incident_of("g", "op1", "other", AT(0, 13, 0), 0),
                incident_of("h", "op1", "other", AT(0, 13, 0), 0),
                incident_of("i", "op1", "other", AT(0, 13, 0), 0),
        };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        policy.statutory.n_tiers = 0;
        plan = run(&roster, &policy, items, ELEMENTSOF(items), NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(kind_count(&plan->shifts[0], BREAK_RECOVERY), 3);
        b = kind_nth(&plan->shifts[0], BREAK_RECOVERY, 1);
        assert_int_equal(b->start, AT(0, 10, 40));
        assert_string_equal(b->reason, "after 1 unreasonable_demand, 1 other incidents in 40 min (6 points)");
        b = kind_nth(&plan->shifts[0], BREAK_RECOVERY, 2);
        assert_string_equal(b->reason, "after 3 other incidents at once (6 points)");
}

static void test_accumulated_merges_planned(void **state) {
        /* 6 points at 10:50; lunch at 11:05 begins within merge_margin of
         * the recovery's end (11:00): the recovery merges into it, lunch
         * starts now and keeps its 30 minutes. */
        PlannedBreak lunch = { AT(0, 11, 5), AT(0, 11, 35) };
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = {
                incident_of("a", "op1", "unreasonable_demand", AT(0, 10, 30), 0),
                incident_of("b", "op1", "other", AT(0, 10, 50), 0),
        };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        shifts[0].planned = &lunch;
        shifts[0].n_planned = 1;
        plan = run(&roster, &policy, items, ELEMENTSOF(items), NULL, 0);
        assert_plan_sane(plan);
        assert_null(kind_nth(&plan->shifts[0], BREAK_RECOVERY, 0));
        assert_int_equal(plan->recoveries, 1);
        b = kind_nth(&plan->shifts[0], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 10, 50));
        assert_int_equal(b->end, AT(0, 11, 20));
        assert_int_equal(b->trigger, AT(0, 10, 50));
        assert_string_equal(b->recovery_uid, "op1-recovery-b");
        assert_string_equal(b->reason, "planned in the roster; also recovery after 1 unreasonable_demand, "
                            "1 other incidents in 20 min (6 points)");
}

static void test_prolonged(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = {
                incident_of("call-1-prolonged", "op1", "prolonged_call", AT(0, 10, 0), 0),
                incident_of("call-2-prolonged", "op1", "prolonged_call", AT(0, 12, 0), 0),
                incident_of("x", "op1", "unreasonable_demand", AT(0, 12, 10), 0),
        };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        items[0].duration = 60 * MIN_;
        items[1].duration = 45 * MIN_;
        plan = run(&roster, &policy, items, ELEMENTSOF(items), NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(kind_count(&plan->shifts[0], BREAK_RECOVERY), 2);
        b = kind_nth(&plan->shifts[0], BREAK_RECOVERY, 0);
        assert_int_equal(b->start, AT(0, 10, 0));
        assert_int_equal(b->end, AT(0, 10, 10));
        assert_string_equal(b->uid, "op1-recovery-call-1-prolonged");
        assert_string_equal(b->reason, "after a call of 60 min (prolonged_call)");
        /* 45 min: 2 points only, which with 4 more reach 6. */
        b = kind_nth(&plan->shifts[0], BREAK_RECOVERY, 1);
        assert_int_equal(b->start, AT(0, 12, 10));
        assert_string_equal(b->reason, "after 1 prolonged_call, 1 unreasonable_demand incidents in 10 min (6 points)");
}

static void test_recovery_moves_planned(void **state) {
        PlannedBreak lunch[] = { { AT(0, 12, 0), AT(0, 12, 30) } };
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 15, 0)),
                shift_of(1, AT(0, 9, 0), AT(0, 15, 0)),
                shift_of(2, AT(0, 9, 0), AT(0, 15, 0)),
        };
        Incident items[] = {
                incident_of("i1", "op1", "threat", AT(0, 11, 0), 0),        /* ends 11:20: lunch stays */
                incident_of("i2", "op2", "threat", AT(0, 11, 30), 0),       /* ends 11:50: within margin, merges */
                incident_of("i3", "op3", "threat", AT(0, 11, 50), 0),       /* overlaps lunch, merges */
        };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        for (size_t i = 0; i < ELEMENTSOF(shifts); i++) {
                shifts[i].planned = lunch;
                shifts[i].n_planned = 1;
        }
        policy.statutory.n_tiers = 0;
        plan = run(&roster, &policy, items, ELEMENTSOF(items), NULL, 0);
        assert_plan_sane(plan);

        b = kind_nth(&plan->shifts[0], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 12, 0));
        assert_int_equal(b->end, AT(0, 12, 30));

        assert_non_null(kind_nth(&plan->shifts[0], BREAK_RECOVERY, 0));

        /* Lunch starts with the recovery and keeps its 30 minutes. */
        assert_int_equal(plan->shifts[1].n_breaks, 1);
        b = kind_nth(&plan->shifts[1], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 11, 30));
        assert_int_equal(b->end, AT(0, 12, 0));
        assert_string_equal(b->uid, "op2-20240401T0900Z-planned-1");
        assert_string_equal(b->recovery_uid, "op2-recovery-i2");

        assert_int_equal(plan->shifts[2].n_breaks, 1);
        b = kind_nth(&plan->shifts[2], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 11, 50));
        assert_int_equal(b->end, AT(0, 12, 20));
        assert_int_equal(plan->recoveries, 3);
}

static void test_recovery_extends_merged(void **state) {
        /* A recovery longer than the break it merges into extends it. */
        PlannedBreak lunch = { AT(0, 12, 0), AT(0, 12, 10) };
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = { incident_of("i", "op1", "threat", AT(0, 11, 55), 0) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        shifts[0].planned = &lunch;
        shifts[0].n_planned = 1;
        policy.statutory.n_tiers = 0;
        plan = run(&roster, &policy, items, 1, NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(plan->shifts[0].n_breaks, 1);
        b = kind_nth(&plan->shifts[0], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 11, 55));
        assert_int_equal(b->end, AT(0, 12, 15));
}

static void test_recovery_inside_planned(void **state) {
        PlannedBreak lunch = { AT(0, 12, 0), AT(0, 12, 30) };
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = { incident_of("i", "op1", "verbal_abuse", AT(0, 12, 5), 0) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        shifts[0].planned = &lunch;
        shifts[0].n_planned = 1;
        policy.statutory.n_tiers = 0;
        plan = run(&roster, &policy, items, 1, NULL, 0);
        assert_plan_sane(plan);
        b = kind_nth(&plan->shifts[0], BREAK_RECOVERY, 0);
        assert_int_equal(b->start, AT(0, 12, 30));
        assert_int_equal(b->end, AT(0, 12, 40));
}

static void test_recovery_merges_statutory(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 1)) };
        Incident items[] = { incident_of("i1", "op1", "threat", AT(0, 12, 20), 0) };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        plan = run(&roster, &policy, items, ELEMENTSOF(items), NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(plan->statutory_violations, 0);

        /* Statutory 12:30–13:30 begins within the margin of the recovery
         * 12:20–12:40: it starts with it, at 12:20, and since recovery does
         * not count toward it, it keeps its hour of rest on top of the
         * recovery's 20 minutes. */
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 12, 20));
        assert_int_equal(b->end, AT(0, 13, 40));
        assert_string_equal(b->uid, "op1-20240401T0900Z-statutory-1");
        assert_string_equal(b->recovery_uid, "op1-recovery-i1");
        assert_null(kind_nth(&plan->shifts[0], BREAK_RECOVERY, 0));
}

static void test_recovery_pushes_statutory(void **state) {
        /* Merging would take the statutory break out of its window
         * [10:00, 14:01] (12:50–14:50 ends too late): the recovery goes
         * first and the statutory break, pushed out too, is placed again
         * before it. */
        Shift shifts[] = { shift_of(1, AT(0, 9, 0), AT(0, 15, 1)) };
        Incident items[] = { incident_of("i2", "op2", "critical", AT(0, 11, 35), 0) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        plan = run(&roster, &policy, items, 1, NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(plan->statutory_violations, 0);
        b = kind_nth(&plan->shifts[0], BREAK_RECOVERY, 0);
        assert_int_equal(b->start, AT(0, 11, 35));
        assert_int_equal(b->end, AT(0, 14, 5));
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 10, 50));
        assert_int_equal(b->end, AT(0, 11, 35));
}

static void test_recovery_before_statutory(void **state) {
        /* Known in advance (an offline plan), a threat at 12:40 falls where
         * the statutory hour would go (12:30–13:30, the middle of the
         * shift). The hour is placed so that it does not hold 12:40: the
         * recovery begins then, not when the hour is over. */
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 1)) };
        Incident items[] = { incident_of("i1", "op1", "threat", AT(0, 12, 40), 0) };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        plan = run(&roster, &policy, items, ELEMENTSOF(items), NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(plan->statutory_violations, 0);
        assert_int_equal(plan->recoveries_late, 0);
        b = find_recovery_break(&plan->shifts[0], "op1-recovery-i1");
        assert_non_null(b);
        assert_int_equal(b->start, AT(0, 12, 40));
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_false(b->start < AT(0, 12, 40) && b->end > AT(0, 12, 40));
}

/* ---- coverage ---- */

static void test_coverage_staggers(void **state) {
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 16, 1)),
                shift_of(1, AT(0, 9, 0), AT(0, 16, 1)),
        };
        Roster roster = roster_of(shifts, 2);
        Policy policy = test_policy();
        _cleanup_(coverage_freep) Coverage *one = coverage_flat("team-a", AT(0, 9, 0), 14, 1);
        _cleanup_(coverage_freep) Coverage *two = coverage_flat("team-a", AT(0, 9, 0), 14, 2);
        _cleanup_(plan_freep) Plan *a = NULL, *b = NULL;
        _cleanup_(metrics_freep) Metrics *ma = NULL, *mb = NULL;
        const Break *x, *y;

        /* One of two must stay on the phones: op1 takes the middle
         * (12:10–12:55), op2 the nearest place that does not overlap. */
        assert_int_equal(planner_run(&roster, &policy, one, NULL, NULL, NULL, 0, &a), 0);
        x = kind_nth(&a->shifts[0], BREAK_STATUTORY, 0);
        y = kind_nth(&a->shifts[1], BREAK_STATUTORY, 0);
        assert_int_equal(x->start, AT(0, 12, 10));
        assert_int_equal(y->start, AT(0, 11, 25));
        assert_int_equal(y->end, AT(0, 12, 10));
        assert_int_equal(metrics_compute(a, one, NULL, &ma), 0);
        assert_int_equal(ma->shortfall_minutes, 0);

        /* Both must stay: nothing keeps it, the law wins; both in the
         * middle, 90 operator-minutes short. */
        assert_int_equal(planner_run(&roster, &policy, two, NULL, NULL, NULL, 0, &b), 0);
        assert_int_equal(b->statutory_violations, 0);
        assert_int_equal(kind_nth(&b->shifts[1], BREAK_STATUTORY, 0)->start, AT(0, 12, 10));
        assert_int_equal(metrics_compute(b, two, NULL, &mb), 0);
        assert_int_equal(mb->shortfall_minutes, 90);
        assert_int_equal(mb->teams[0].required_minutes, 2 * 7 * 60);
}

static void test_coverage_deferred(void **state) {
        PlannedBreak away = { AT(0, 10, 0), AT(0, 10, 20) };
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 13, 0)),
                shift_of(1, AT(0, 9, 0), AT(0, 13, 0)),
        };
        Incident points[] = {
                incident_of("a", "op1", "unreasonable_demand", AT(0, 10, 0), 0),
                incident_of("b", "op1", "other", AT(0, 10, 5), 0),
        };
        Incident threat[] = { incident_of("t", "op1", "threat", AT(0, 10, 5), 0) };
        Roster roster = roster_of(shifts, 2);
        Policy policy = test_policy();
        _cleanup_(coverage_freep) Coverage *one = coverage_flat("team-a", AT(0, 0, 0), 48, 1);
        IncidentList lp = { points, 2 }, lt = { threat, 1 };
        _cleanup_(plan_freep) Plan *a = NULL, *b = NULL, *c = NULL;
        const Break *x;

        shifts[1].planned = &away;
        shifts[1].n_planned = 1;

        /* 6 points at 10:05 while op2 is away until 10:20: the deferrable
         * break waits until 10:20, within its 15 minutes. */
        assert_int_equal(planner_run(&roster, &policy, one, &lp, NULL, NULL, 0, &a), 0);
        x = kind_nth(&a->shifts[0], BREAK_RECOVERY, 0);
        assert_int_equal(x->start, AT(0, 10, 20));
        assert_int_equal(a->recoveries_short, 0);
        assert_int_equal(a->recoveries_late, 0);

        /* Allowed 10 minutes only: at once, the shortfall reported. */
        policy.accumulation.max_delay = 10 * MIN_;
        assert_int_equal(planner_run(&roster, &policy, one, &lp, NULL, NULL, 0, &b), 0);
        assert_int_equal(kind_nth(&b->shifts[0], BREAK_RECOVERY, 0)->start, AT(0, 10, 5));
        assert_int_equal(b->recoveries_short, 1);

        /* A threat: at once, whatever the coverage. */
        assert_int_equal(planner_run(&roster, &policy, one, &lt, NULL, NULL, 0, &c), 0);
        assert_int_equal(kind_nth(&c->shifts[0], BREAK_RECOVERY, 0)->start, AT(0, 10, 5));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_immediate_recovery),
                cmocka_unit_test(test_off_shift),
                cmocka_unit_test(test_recovery_clipped),
                cmocka_unit_test(test_accumulated),
                cmocka_unit_test(test_accumulated_mixed),
                cmocka_unit_test(test_accumulated_merges_planned),
                cmocka_unit_test(test_prolonged),
                cmocka_unit_test(test_recovery_moves_planned),
                cmocka_unit_test(test_recovery_inside_planned),
                cmocka_unit_test(test_recovery_merges_statutory),
                cmocka_unit_test(test_recovery_pushes_statutory),
                cmocka_unit_test(test_recovery_extends_merged),
                cmocka_unit_test(test_recovery_before_statutory),
                cmocka_unit_test(test_coverage_staggers),
                cmocka_unit_test(test_coverage_deferred),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
