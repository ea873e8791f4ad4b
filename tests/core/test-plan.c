/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The plan model: kind names, and finding breaks in a plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/plan.h"
#include "core/planner.h"
#include "planner-helpers.h"

static void test_kind_strings(void **state) {
        assert_string_equal(break_kind_to_string(BREAK_PLANNED), "planned");
        assert_string_equal(break_kind_to_string(BREAK_STATUTORY), "statutory");
        assert_string_equal(break_kind_to_string(BREAK_RECOVERY), "recovery");
        assert_null(break_kind_to_string(_BREAK_KIND_MAX));
        assert_string_equal(break_kind_public_reason(BREAK_PLANNED), "Break");
        assert_string_equal(break_kind_public_reason(BREAK_STATUTORY), "Statutory break");
        assert_string_equal(break_kind_public_reason(BREAK_RECOVERY), "Recovery break");
}

static void test_operator_breaks(void **state) {
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 15, 1)),
                shift_of(0, AT(1, 9, 0), AT(1, 15, 1)),
                shift_of(1, AT(0, 9, 0), AT(0, 15, 1)),
        };
        Incident items[] = { incident_of("i", "op1", "threat", AT(1, 10, 0), 0) };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run(&roster, &policy, items, 1, NULL, 0);
        _cleanup_(freep) const Break **l = NULL;
        ssize_t n;

        n = plan_operator_breaks(plan, "op1", AT(0, 0, 0), AT(2, 0, 0), &l);
        assert_int_equal(n, 3);
        assert_int_equal(l[0]->kind, BREAK_STATUTORY);
        assert_int_equal(l[1]->kind, BREAK_RECOVERY);
        assert_int_equal(l[2]->kind, BREAK_STATUTORY);
        assert_true(l[0]->start < l[1]->start && l[1]->start < l[2]->start);
        free(TAKE_PTR(l));

        /* [from, to) overlaps only the recovery 10:00–10:20. */
        n = plan_operator_breaks(plan, "op1", AT(1, 10, 19), AT(1, 10, 20), &l);
        assert_int_equal(n, 1);
        assert_int_equal(l[0]->kind, BREAK_RECOVERY);
        free(TAKE_PTR(l));

        n = plan_operator_breaks(plan, "nobody", 0, USEC_INFINITY, &l);
        assert_int_equal(n, 0);
}

static void test_shift_plan_compare(void **state) {
        ShiftPlan a = { .operator = (char *) "op1", .start = AT(0, 9, 0), .end = AT(0, 17, 0) };
        ShiftPlan b = { .operator = (char *) "op1", .start = AT(1, 9, 0), .end = AT(1, 12, 0) };
        ShiftPlan c = { .operator = (char *) "op2", .start = AT(0, 6, 0), .end = AT(0, 8, 0) };
        ShiftPlan a2 = { .operator = (char *) "op1", .start = AT(0, 9, 0), .end = AT(0, 10, 0) };

        /* By operator, then start; the end does not count. */
        assert_int_equal(shift_plan_compare(&a, &a), 0);
        assert_int_equal(shift_plan_compare(&a, &a2), 0);
        assert_true(shift_plan_compare(&a, &b) < 0);
        assert_true(shift_plan_compare(&b, &a) > 0);
        assert_true(shift_plan_compare(&b, &c) < 0);
        assert_true(shift_plan_compare(&c, &a) > 0);
}

static void test_find_break(void **state) {
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 15, 1)),
                shift_of(0, AT(1, 9, 0), AT(1, 15, 1)),
                shift_of(1, AT(0, 9, 0), AT(0, 15, 1)),
                shift_of(2, AT(0, 9, 0), AT(0, 15, 1)),
        };
        Incident items[] = { incident_of("i", "op1", "threat", AT(1, 10, 0), 0) };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run(&roster, &policy, items, 1, NULL, 0);
        const ShiftPlan *sp = &plan->shifts[1];
        const Break *b;

        assert_int_equal(plan->n_shifts, 4);
        assert_string_equal(sp->uid, "op1-20240402T0900Z");
        assert_int_equal(sp->n_breaks, 2);

        /* Within one shift. */
        assert_ptr_equal(shift_plan_find_break(sp, "op1-recovery-i"), kind_nth(sp, BREAK_RECOVERY, 0));
        assert_ptr_equal(shift_plan_find_break(sp, "op1-20240402T0900Z-statutory-1"),
                         kind_nth(sp, BREAK_STATUTORY, 0));
        assert_null(shift_plan_find_break(sp, "op1-20240401T0900Z-statutory-1"));
        assert_null(shift_plan_find_break(NULL, "op1-recovery-i"));

        /* Within the plan: in any shift of the operator, not another's. */
        b = plan_find_operator_break(plan, "op1", "op1-recovery-i");
        assert_non_null(b);
        assert_int_equal(b->kind, BREAK_RECOVERY);
        assert_ptr_equal(b, shift_plan_find_break(sp, "op1-recovery-i"));
        assert_ptr_equal(plan_find_operator_break(plan, "op1", "op1-20240401T0900Z-statutory-1"),
                         kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0));
        assert_null(plan_find_operator_break(plan, "op2", "op1-recovery-i"));
        assert_null(plan_find_operator_break(plan, "op0", "op1-recovery-i"));
        assert_null(plan_find_operator_break(plan, "op9", "op1-recovery-i"));
        assert_null(plan_find_operator_break(plan, "op1", "op1-recovery-nothing"));
        assert_null(plan_find_operator_break(NULL, "op1", "op1-recovery-i"));

        /* Every break of the plan is found where it is. */
        for (size_t i = 0; i < plan->n_shifts; i++)
                for (size_t j = 0; j < plan->shifts[i].n_breaks; j++) {
                        const Break *x = &plan->shifts[i].breaks[j];

                        assert_ptr_equal(plan_find_operator_break(plan, plan->shifts[i].operator, x->uid), x);
                        assert_ptr_equal(shift_plan_find_break(&plan->shifts[i], x->uid), x);
                }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kind_strings),
                cmocka_unit_test(test_operator_breaks),
                cmocka_unit_test(test_shift_plan_compare),
                cmocka_unit_test(test_find_break),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
