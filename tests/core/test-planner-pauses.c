/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The planner with the pauses the operators took on their own
 * (statutory.pauses_count): a pause covering the total leaves nothing to
 * add, a shorter one leaves the rest (a block at least min_block long), a
 * pause outside the rule's window or over a break of respite's does not
 * count, a revision drops a block a pause now covers, and without
 * pauses_count (or without pauses) the plan is the plan of before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/calls.h"
#include "core/planner.h"
#include "planner-helpers.h"

/* A log of pauses (and no calls) and its index. */
typedef struct Pauses {
        CallLog *log;
        CallIndex *index;
} Pauses;

static void pauses_done(Pauses *p) {
        call_index_free(p->index);
        call_log_free(p->log);
}

typedef struct PauseRow {
        const char *operator;
        usec_t start, end;
} PauseRow;

static Pauses pauses_of(const PauseRow *rows, size_t n) {
        Pauses p = { .log = call_log_new() };

        assert_non_null(p.log);
        for (size_t i = 0; i < n; i++)
                assert_int_equal(call_log_add_pause(p.log, rows[i].operator, rows[i].start, rows[i].end), 0);
        assert_int_equal(call_log_finish(p.log), 0);
        assert_int_equal(call_index_new(p.log, &p.index), 0);
        return p;
}

static Plan *run_pauses(const Roster *roster, const Policy *policy, const CallIndex *index, const Plan *previous,
                        usec_t now) {
        IncidentList none = {};
        Plan *plan = NULL;

        assert_int_equal(planner_run(roster, policy, NULL, &none, index, previous, now, &plan), 0);
        assert_non_null(plan);
        return plan;
}

/* Statutory time of sp. */
static usec_t statutory_time(const ShiftPlan *sp) {
        usec_t t = 0;

        for (size_t i = 0; i < sp->n_breaks; i++)
                if (sp->breaks[i].kind == BREAK_STATUTORY)
                        t += sp->breaks[i].end - sp->breaks[i].start;
        return t;
}

/* No break of sp overlaps a pause of index. */
static void assert_no_break_over_pauses(const ShiftPlan *sp, const CallIndex *index) {
        const PauseSpan *mine;
        size_t n = call_index_pauses(index, sp->operator, &mine);

        for (size_t i = 0; i < sp->n_breaks; i++)
                for (size_t k = 0; k < n; k++)
                        if (sp->breaks[i].start < mine[k].end && mine[k].start < sp->breaks[i].end)
                                fail_msg("%s lies over a pause", sp->breaks[i].uid);
}

/* The shipped presets: jp and jp-vdt let a pause count (art. 34: time off
 * work, splittable, free), the others do not. */
static void test_presets(void **state) {
        static const struct {
                const char *name;
                bool counts;
        } presets[] = {
                { "jp", true }, { "jp-vdt", true }, { "de", false }, { "uk", false },
                { "uk-callcentre", false }, { "eu", false }, { "us-ca", false }, { "au-clerks", false },
                { "kr", false },
        };

        for (size_t i = 0; i < ELEMENTSOF(presets); i++) {
                _cleanup_(policy_freep) Policy *p = load_preset(presets[i].name);

                assert_int_equal(p->statutory.pauses_count, presets[i].counts);
        }
}

/* jp, 7 h: more than 6 h of work needs 45 min (art. 34(1)). A pause of
 * 50 min at 12:00 covers it: no statutory break is added. Without the
 * pause, or without pauses_count, the break is there. */
static void test_jp_pause_covers(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("jp");
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 16, 0)) };
        PauseRow rows[] = { { "op1", AT(0, 12, 0), AT(0, 12, 50) } };
        _cleanup_(pauses_done) Pauses p = pauses_of(rows, ELEMENTSOF(rows));
        Roster roster = roster_of(shifts, 1);
        _cleanup_(plan_freep) Plan *plan = NULL, *blind = NULL, *off = NULL;

        assert_true(policy->statutory.pauses_count);
        plan = run_pauses(&roster, policy, p.index, NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(kind_count(&plan->shifts[0], BREAK_STATUTORY), 0);
        assert_int_equal(plan->statutory_violations, 0);

        /* Without the pause, the 45 min are there. */
        blind = run_pauses(&roster, policy, NULL, NULL, 0);
        assert_int_equal(statutory_time(&blind->shifts[0]), 45 * MIN_);

        policy->statutory.pauses_count = false;
        off = run_pauses(&roster, policy, p.index, NULL, 0);
        assert_int_equal(statutory_time(&off->shifts[0]), 45 * MIN_);
}

/* A 20-min pause under a rule of 45 min in blocks of at least 15 min: only
 * the rest, 25 min, is placed, not over the pause. Under de (30 min, parts
 * of at least 15 min: §4), the 10 min left are still a block of 15. */
static void test_pause_partial(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 16, 0)) };
        PauseRow rows[] = { { "op1", AT(0, 12, 20), AT(0, 12, 40) } };
        _cleanup_(pauses_done) Pauses p = pauses_of(rows, ELEMENTSOF(rows));
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(policy_freep) Policy *de = load_preset("de");
        _cleanup_(plan_freep) Plan *plan = NULL, *plan_de = NULL;
        const Break *b;

        policy.statutory.min_block = 15 * MIN_;
        policy.statutory.pauses_count = true;
        plan = run_pauses(&roster, &policy, p.index, NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(kind_count(&plan->shifts[0], BREAK_STATUTORY), 1);
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->end - b->start, 25 * MIN_);
        assert_no_break_over_pauses(&plan->shifts[0], p.index);
        assert_int_equal(plan->statutory_violations, 0);

        de->statutory.pauses_count = true;
        plan_de = run_pauses(&roster, de, p.index, NULL, 0);
        assert_plan_sane(plan_de);
        assert_int_equal(statutory_time(&plan_de->shifts[0]), 15 * MIN_);
        assert_no_break_over_pauses(&plan_de->shifts[0], p.index);
        assert_int_equal(plan_de->statutory_violations, 0);
}

/* What does not count: a pause shorter than min_block, one in the first
 * hour (outside edge_margin), one of another operator, one across the
 * shift end; and, under jp (one block: min_block 0), one shorter than the
 * whole 45 min. */
static void test_pause_not_counted(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 16, 0)) };
        PauseRow rows[] = {
                { "op1", AT(0, 9, 10), AT(0, 9, 50) },         /* inside the first hour */
                { "op1", AT(0, 11, 0), AT(0, 11, 10) },        /* shorter than 15 min */
                { "op1", AT(0, 15, 30), AT(0, 16, 30) },       /* across the end */
                { "op2", AT(0, 12, 0), AT(0, 13, 0) },         /* someone else's */
        };
        PauseRow short_rows[] = { { "op1", AT(0, 11, 0), AT(0, 11, 40) } };
        _cleanup_(pauses_done) Pauses p = pauses_of(rows, ELEMENTSOF(rows)), q = pauses_of(short_rows, 1);
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(policy_freep) Policy *jp = load_preset("jp");
        _cleanup_(plan_freep) Plan *plan = NULL, *plan_jp = NULL;

        policy.statutory.min_block = 15 * MIN_;
        policy.statutory.pauses_count = true;
        plan = run_pauses(&roster, &policy, p.index, NULL, 0);
        assert_int_equal(statutory_time(&plan->shifts[0]), 45 * MIN_);
        assert_no_break_over_pauses(&plan->shifts[0], p.index);

        plan_jp = run_pauses(&roster, jp, q.index, NULL, 0);
        assert_int_equal(statutory_time(&plan_jp->shifts[0]), 45 * MIN_);
        assert_no_break_over_pauses(&plan_jp->shifts[0], q.index);
}

/* Without pauses_count, or without pauses, the plan is the plan of before,
 * break for break, also in a revision. */
static void test_no_pauses_same_plan(void **state) {
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 16, 0)),
                shift_of(1, AT(0, 8, 0), AT(0, 17, 30)),
        };
        PauseRow rows[] = {
                { "op1", AT(0, 12, 0), AT(0, 12, 50) },
                { "op2", AT(0, 11, 0), AT(0, 11, 30) },
        };
        _cleanup_(pauses_done) Pauses p = pauses_of(rows, ELEMENTSOF(rows)), empty = pauses_of(NULL, 0);
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy(), counting = test_policy();
        _cleanup_(plan_freep) Plan *a = NULL, *b = NULL, *c = NULL, *ra = NULL, *rb = NULL;

        counting.statutory.pauses_count = true;
        a = run_pauses(&roster, &policy, NULL, NULL, 0);
        b = run_pauses(&roster, &policy, p.index, NULL, 0);
        c = run_pauses(&roster, &counting, empty.index, NULL, 0);
        assert_plan_equal(a, b);
        assert_plan_equal(a, c);
        ra = run_pauses(&roster, &policy, NULL, a, AT(0, 13, 0));
        rb = run_pauses(&roster, &policy, p.index, b, AT(0, 13, 0));
        assert_plan_equal(ra, rb);
}

static const CallIndex *test_calls_of(const char *operator, void *userdata) {
        return userdata;
}

static const IncidentList *test_incidents_of(const char *operator, void *userdata) {
        static IncidentList none = {};
        return &none;
}

/* A revision at the end of a pause that covers a statutory block not begun
 * yet: the block is dropped (breaks_moved), and planner_revise_team() with
 * the pauses through calls_of does what planner_run() does. A pause over a
 * break respite gave (the break_start action paused the operator) is that
 * break, not a second one. */
static void test_revision_drops_block(void **state) {
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 16, 0)),
                shift_of(1, AT(0, 9, 0), AT(0, 16, 0)),
        };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *prev = NULL, *inc = NULL, *full = NULL, *later = NULL;
        const Break *old;
        const size_t *revised;

        policy.statutory.pauses_count = true;
        prev = run_pauses(&roster, &policy, NULL, NULL, AT(0, 9, 0));
        old = kind_nth(&prev->shifts[0], BREAK_STATUTORY, 0);
        assert_non_null(old);
        assert_true(old->start >= AT(0, 11, 30));

        {
                /* op1 paused on their own 10:30-11:20, before the block. */
                PauseRow rows[] = { { "op1", AT(0, 10, 30), AT(0, 11, 20) } };
                _cleanup_(pauses_done) Pauses p = pauses_of(rows, ELEMENTSOF(rows));
                IncidentList none = {};

                assert_int_equal(planner_run(&roster, &policy, NULL, &none, NULL, NULL, AT(0, 9, 0), &inc), 0);
                assert_int_equal(planner_revise_team(inc, &roster, &policy, NULL, test_incidents_of, test_calls_of,
                                                     p.index, AT(0, 11, 20), "op1", &revised), 1);
                full = run_pauses(&roster, &policy, p.index, prev, AT(0, 11, 20));
                assert_plan_equal(inc, full);
                assert_int_equal(kind_count(&full->shifts[0], BREAK_STATUTORY), 0);
                assert_int_equal(full->shifts[0].breaks_moved, 1);
                assert_int_equal(full->statutory_violations, 0);
                /* op2's block stays. */
                assert_break_equal(kind_nth(&full->shifts[1], BREAK_STATUTORY, 0),
                                   kind_nth(&prev->shifts[1], BREAK_STATUTORY, 0));
        }
        {
                /* The ACD showed op1 paused during respite's own block: after
                 * it, still that one block, nothing added. */
                PauseRow rows[] = { { "op1", old->start, old->end } };
                _cleanup_(pauses_done) Pauses p = pauses_of(rows, ELEMENTSOF(rows));

                later = run_pauses(&roster, &policy, p.index, prev, old->end + 5 * MIN_);
                assert_int_equal(kind_count(&later->shifts[0], BREAK_STATUTORY), 1);
                assert_break_equal(kind_nth(&later->shifts[0], BREAK_STATUTORY, 0), old);
                assert_int_equal(later->statutory_violations, 0);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_presets),
                cmocka_unit_test(test_jp_pause_covers),
                cmocka_unit_test(test_pause_partial),
                cmocka_unit_test(test_pause_not_counted),
                cmocka_unit_test(test_no_pauses_same_plan),
                cmocka_unit_test(test_revision_drops_block),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
