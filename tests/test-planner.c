/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "planner.h"


/* Inputs are built by hand: the planner is tested alone, not the loaders. */

#define MIN_ ((usec_t) USEC_PER_MINUTE)
#define HOUR ((usec_t) USEC_PER_HOUR)

/* 2024-04-01T00:00:00Z, a Monday. */
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)
/* Instant at day d, hh:mm:ss UTC. */
#define AT(d, h, m) (DAY0 + (usec_t) (d) * USEC_PER_DAY + (usec_t) (h) * HOUR + (usec_t) (m) * MIN_)
#define ATS(d, h, m, s) (AT(d, h, m) + (usec_t) (s) * USEC_PER_SEC)

static Category categories[] = {
        { (char *) "verbal_abuse", (char *) "verbal abuse", 0, 10 * MIN_, false },
        { (char *) "threat", (char *) "a threatening call", 0, 20 * MIN_, true },
        { (char *) "unreasonable_demand", (char *) "an unreasonable demand", 4, 0, false },
        { (char *) "prolonged_call", (char *) "a very long call", 2, 0, false },
        { (char *) "other", (char *) "another incident", 2, 0, false },
        { (char *) "critical", (char *) "a critical incident", 0, 150 * MIN_, true },
};

static StatutoryTier jp_tiers[] = {
        { 6 * HOUR, 45 * MIN_ },
        { 8 * HOUR, 60 * MIN_ },
};

static Policy test_policy(void) {
        return (Policy) {
                .timezone = (char *) "Asia/Tokyo",
                .statutory = {
                        .name = (char *) "jp",
                        .source = (char *) "Labour Standards Act art. 34(1)",
                        .tiers = jp_tiers,
                        .n_tiers = ELEMENTSOF(jp_tiers),
                        .edge_margin = HOUR,
                },
                .categories = categories,
                .n_categories = ELEMENTSOF(categories),
                .accumulation = { .window = 60 * MIN_, .threshold = 6, .length = 10 * MIN_, .max_delay = 15 * MIN_ },
                .prolonged = { .points_after = 30 * MIN_, .break_after = 60 * MIN_, .length = 10 * MIN_ },
                .repeat_caller = { .calls = 3 },
                .merge_margin = 15 * MIN_,
                .step = 5 * MIN_,
        };
}

static Operator operators[] = {
        { (char *) "op1", (char *) "Operator 1", (char *) "team-a" },
        { (char *) "op2", (char *) "Operator 2", (char *) "team-a" },
        { (char *) "op3", (char *) "Operator 3", (char *) "team-b" },
};

static Roster roster_of(Shift *shifts, size_t n) {
        return (Roster) { operators, ELEMENTSOF(operators), shifts, n };
}

static Shift shift_of(size_t op, usec_t start, usec_t end) {
        return (Shift) { .operator = op, .start = start, .end = end, .source = (char *) "test" };
}

static Incident incident_of(const char *id, const char *op, const char *category, usec_t when, usec_t received) {
        return (Incident) {
                .id = (char *) id,
                .operator = (char *) op,
                .category = (char *) category,
                .when = when,
                .received = received ?: when,
        };
}

static Plan *run(const Roster *roster, const Policy *policy, Incident *items, size_t n,
                 const Plan *previous, usec_t now) {
        IncidentList l = { items, n };
        Plan *plan = NULL;

        assert_int_equal(planner_run(roster, policy, &l, previous, now, &plan), 0);
        assert_non_null(plan);
        return plan;
}

/* The nth (from 0) break of kind in sp, or NULL. */
static const Break *kind_nth(const ShiftPlan *sp, BreakKind kind, size_t nth) {
        for (size_t i = 0; i < sp->n_breaks; i++)
                if (sp->breaks[i].kind == kind && nth-- == 0)
                        return &sp->breaks[i];
        return NULL;
}

static size_t kind_count(const ShiftPlan *sp, BreakKind kind) {
        size_t n = 0;

        for (size_t i = 0; i < sp->n_breaks; i++)
                n += sp->breaks[i].kind == kind;
        return n;
}

static const Break *find_uid(const Plan *plan, const char *uid) {
        for (size_t i = 0; i < plan->n_shifts; i++)
                for (size_t j = 0; j < plan->shifts[i].n_breaks; j++)
                        if (streq(plan->shifts[i].breaks[j].uid, uid))
                                return &plan->shifts[i].breaks[j];
        fail_msg("no break %s", uid);
        return NULL;
}

static void assert_break_equal(const Break *a, const Break *b) {
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->start, b->start);
        assert_int_equal(a->end, b->end);
        assert_int_equal(a->trigger, b->trigger);
        assert_string_equal(a->uid, b->uid);
        assert_string_equal(a->reason, b->reason);
}

static void assert_plan_equal(const Plan *a, const Plan *b) {
        assert_int_equal(a->now, b->now);
        assert_int_equal(a->n_shifts, b->n_shifts);
        assert_int_equal(a->statutory_violations, b->statutory_violations);
        for (size_t i = 0; i < a->n_shifts; i++) {
                const ShiftPlan *x = &a->shifts[i], *y = &b->shifts[i];

                assert_string_equal(x->operator, y->operator);
                assert_string_equal(x->team, y->team);
                assert_string_equal(x->uid, y->uid);
                assert_int_equal(x->start, y->start);
                assert_int_equal(x->end, y->end);
                assert_int_equal(x->n_breaks, y->n_breaks);
                for (size_t j = 0; j < x->n_breaks; j++)
                        assert_break_equal(&x->breaks[j], &y->breaks[j]);
        }
}

/* Shifts sorted by (operator, start); breaks sorted, inside their shift,
 * never overlapping. */
static void assert_plan_sane(const Plan *plan) {
        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *sp = &plan->shifts[i];

                if (i > 0) {
                        int c = strcmp(plan->shifts[i - 1].operator, sp->operator);
                        assert_true(c < 0 || (c == 0 && plan->shifts[i - 1].start < sp->start));
                }
                for (size_t j = 0; j < sp->n_breaks; j++) {
                        const Break *b = &sp->breaks[j];

                        assert_true(b->start < b->end);
                        assert_true(b->start >= sp->start);
                        assert_true(b->end <= sp->end);
                        assert_non_null(b->uid);
                        assert_non_null(b->reason);
                        if (j > 0)
                                assert_true(sp->breaks[j - 1].end <= b->start);
                }
        }
}

static void test_kind_strings(void **state) {
        assert_string_equal(break_kind_to_string(BREAK_PLANNED), "planned");
        assert_string_equal(break_kind_to_string(BREAK_STATUTORY), "statutory");
        assert_string_equal(break_kind_to_string(BREAK_RECOVERY), "recovery");
        assert_null(break_kind_to_string(_BREAK_KIND_MAX));
        assert_string_equal(break_kind_public_reason(BREAK_PLANNED), "Break");
        assert_string_equal(break_kind_public_reason(BREAK_STATUTORY), "Statutory break");
        assert_string_equal(break_kind_public_reason(BREAK_RECOVERY), "Recovery break");
}

static void test_statutory_thresholds(void **state) {
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 15, 0)),         /* exactly 6 h: none */
                shift_of(0, AT(1, 9, 0), AT(1, 15, 1)),         /* 6 h 01 min: 45 min */
                shift_of(0, AT(2, 8, 0), AT(2, 16, 0)),         /* exactly 8 h: 45 min */
                shift_of(0, AT(3, 8, 0), AT(3, 16, 1)),         /* 8 h 01 min: 60 min */
        };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run(&roster, &policy, NULL, 0, NULL, 0);
        const Break *b;

        assert_plan_sane(plan);
        assert_int_equal(plan->n_shifts, 4);
        assert_int_equal(plan->statutory_violations, 0);
        assert_int_equal(plan->shifts[0].n_breaks, 0);

        b = kind_nth(&plan->shifts[1], BREAK_STATUTORY, 0);
        assert_non_null(b);
        assert_int_equal(plan->shifts[1].n_breaks, 1);
        assert_int_equal(b->end - b->start, 45 * MIN_);
        assert_int_equal(b->trigger, 0);
        assert_string_equal(b->uid, "op1-20240402T0900Z-statutory-1");
        assert_string_equal(b->reason,
                            "statutory break: 45min for more than 6h of work (Labour Standards Act art. 34(1))");
        /* Nearest the middle (12:00:30) on the 5-min grid: 11:40–12:25. */
        assert_int_equal(b->start, AT(1, 11, 40));

        b = kind_nth(&plan->shifts[2], BREAK_STATUTORY, 0);
        assert_int_equal(b->end - b->start, 45 * MIN_);

        b = kind_nth(&plan->shifts[3], BREAK_STATUTORY, 0);
        assert_int_equal(plan->shifts[3].n_breaks, 1);
        assert_int_equal(b->end - b->start, 60 * MIN_);
        assert_string_equal(b->reason,
                            "statutory break: 1h for more than 8h of work (Labour Standards Act art. 34(1))");
}

static void test_statutory_inside(void **state) {
        PlannedBreak lunch = { AT(0, 12, 0), AT(0, 13, 0) };
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 17, 1)),
                shift_of(1, AT(0, 9, 0), AT(0, 16, 30)),        /* 7 h 30 min less lunch: 45 min */
        };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        shifts[1].planned = &lunch;
        shifts[1].n_planned = 1;
        plan = run(&roster, &policy, NULL, 0, NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(plan->statutory_violations, 0);

        /* 8 h 01 min: 60 min inside [10:00, 16:01], centred on 13:00:30. */
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 12, 30));
        assert_int_equal(b->end, AT(0, 13, 30));

        /* The lunch stays; the statutory break takes the free place nearest
         * the middle (12:45): right after lunch. */
        b = kind_nth(&plan->shifts[1], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 12, 0));
        assert_int_equal(b->end, AT(0, 13, 0));
        assert_string_equal(b->uid, "op2-20240401T0900Z-planned-1");
        assert_string_equal(b->reason, "planned in the roster");
        b = kind_nth(&plan->shifts[1], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 13, 0));
        assert_int_equal(b->end, AT(0, 13, 45));
}

static void test_statutory_short_margin(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 50)) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        /* 6 h 50 min cannot keep 4 h from both edges: half the free span
         * (3 h on the grid) is used instead. */
        policy.statutory.edge_margin = 4 * HOUR;
        plan = run(&roster, &policy, NULL, 0, NULL, 0);
        assert_int_equal(plan->statutory_violations, 0);
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 12, 0));
        assert_int_equal(b->end, AT(0, 12, 45));
}

static void test_midnight(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 22, 0), AT(1, 7, 0)) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run(&roster, &policy, NULL, 0, NULL, 0);
        const Break *b;

        assert_plan_sane(plan);
        assert_string_equal(plan->shifts[0].uid, "op1-20240401T2200Z");
        assert_string_equal(plan->shifts[0].team, "team-a");
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_string_equal(b->uid, "op1-20240401T2200Z-statutory-1");
        /* 9 h: 60 min centred on 02:30. */
        assert_int_equal(b->start, AT(1, 2, 0));
        assert_int_equal(b->end, AT(1, 3, 0));
}

static void test_dst_day(void **state) {
        /* Europe/Berlin, 2021-03-28 00:00+01:00 to 08:00+02:00: eight civil
         * hours, seven real ones (23:00Z to 06:00Z), so 45 min, not 60. */
        const usec_t start = 1616886000ULL * USEC_PER_SEC, end = start + 7 * HOUR;
        Shift shifts[] = { shift_of(0, start, end) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        policy.timezone = (char *) "Europe/Berlin";
        plan = run(&roster, &policy, NULL, 0, NULL, 0);
        assert_plan_sane(plan);
        assert_string_equal(plan->shifts[0].uid, "op1-20210327T2300Z");
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->end - b->start, 45 * MIN_);
        assert_int_equal(kind_count(&plan->shifts[0], BREAK_STATUTORY), 1);
}

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

static void test_accumulated_joins_planned(void **state) {
        /* 6 points at 10:50; lunch at 11:05, within max_delay: the
         * recovery ends where lunch begins, lunch does not move. */
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
        b = kind_nth(&plan->shifts[0], BREAK_RECOVERY, 0);
        assert_int_equal(b->start, AT(0, 10, 55));
        assert_int_equal(b->end, AT(0, 11, 5));
        b = kind_nth(&plan->shifts[0], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 11, 5));
        assert_int_equal(b->end, AT(0, 11, 35));
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
                incident_of("i2", "op2", "threat", AT(0, 11, 30), 0),       /* ends 11:50: within margin */
                incident_of("i3", "op3", "threat", AT(0, 11, 50), 0),       /* overlaps lunch */
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

        b = kind_nth(&plan->shifts[1], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 11, 50));
        assert_int_equal(b->end, AT(0, 12, 20));
        assert_string_equal(b->uid, "op2-20240401T0900Z-planned-1");

        b = kind_nth(&plan->shifts[2], BREAK_RECOVERY, 0);
        assert_int_equal(b->start, AT(0, 11, 50));
        assert_int_equal(b->end, AT(0, 12, 10));
        b = kind_nth(&plan->shifts[2], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 12, 10));
        assert_int_equal(b->end, AT(0, 12, 40));
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

static void test_recovery_pushes_statutory(void **state) {
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 17, 1)),
                shift_of(1, AT(0, 9, 0), AT(0, 15, 1)),
        };
        Incident items[] = {
                incident_of("i1", "op1", "threat", AT(0, 12, 20), 0),
                incident_of("i2", "op2", "critical", AT(0, 11, 30), 0),
        };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run(&roster, &policy, items, ELEMENTSOF(items), NULL, 0);
        const Break *b;

        assert_plan_sane(plan);
        assert_int_equal(plan->statutory_violations, 0);

        /* Statutory 12:30–13:30 follows the recovery 12:20–12:40 directly. */
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 12, 40));
        assert_int_equal(b->end, AT(0, 13, 40));
        assert_string_equal(b->uid, "op1-20240401T0900Z-statutory-1");

        /* 11:30–14:00 pushes it out of [10:00, 14:01]: searched again, it
         * lands before the recovery. */
        b = kind_nth(&plan->shifts[1], BREAK_RECOVERY, 0);
        assert_int_equal(b->start, AT(0, 11, 30));
        assert_int_equal(b->end, AT(0, 14, 0));
        b = kind_nth(&plan->shifts[1], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 10, 45));
        assert_int_equal(b->end, AT(0, 11, 30));
        assert_string_equal(b->uid, "op2-20240401T0900Z-statutory-1");
}

static void test_statutory_violation(void **state) {
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 15, 1)),
                shift_of(1, AT(0, 9, 0), AT(0, 15, 1)),
        };
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        /* First planned at 14:10: past the window [10:00, 14:01], the break
         * goes where it still fits in the shift; at 14:30 it fits nowhere. */
        plan = run(&roster, &policy, NULL, 0, NULL, AT(0, 14, 10));
        assert_int_equal(plan->statutory_violations, 0);
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 14, 10));
        assert_int_equal(b->end, AT(0, 14, 55));
        plan_free(plan);

        plan = run(&roster, &policy, NULL, 0, NULL, AT(0, 14, 30));
        assert_plan_sane(plan);
        assert_int_equal(kind_count(&plan->shifts[0], BREAK_STATUTORY), 0);
        assert_int_equal(plan->statutory_violations, 2);
}

static void test_statutory_split(void **state) {
        /* 9 h less 2 h 05 min of planned breaks: 45 min, inside [11:00, 14:00]
         * where only 20, 30 and 25 minutes are free. */
        PlannedBreak planned[] = {
                { AT(0, 11, 20), AT(0, 12, 0) },
                { AT(0, 12, 30), AT(0, 13, 10) },
                { AT(0, 13, 35), AT(0, 14, 20) },
        };
        Shift shifts[] = { shift_of(0, AT(0, 8, 0), AT(0, 17, 0)) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        shifts[0].planned = planned;
        shifts[0].n_planned = ELEMENTSOF(planned);
        policy.statutory.edge_margin = 3 * HOUR;

        /* One block only: it goes outside the margins, nearest the middle. */
        plan = run(&roster, &policy, NULL, 0, NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(plan->statutory_violations, 0);
        assert_int_equal(kind_count(&plan->shifts[0], BREAK_STATUTORY), 1);
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 10, 35));
        assert_int_equal(b->end, AT(0, 11, 20));
        plan_free(TAKE_PTR(plan));

        /* Blocks of at least 15 min: 30 + 15 inside the margins. */
        policy.statutory.min_block = 15 * MIN_;
        plan = run(&roster, &policy, NULL, 0, NULL, 0);
        assert_plan_sane(plan);
        assert_int_equal(plan->statutory_violations, 0);
        assert_int_equal(kind_count(&plan->shifts[0], BREAK_STATUTORY), 2);
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 12, 0));
        assert_int_equal(b->end, AT(0, 12, 30));
        assert_string_equal(b->uid, "op1-20240401T0800Z-statutory-1");
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 1);
        assert_int_equal(b->start, AT(0, 13, 10));
        assert_int_equal(b->end, AT(0, 13, 25));
        assert_string_equal(b->uid, "op1-20240401T0800Z-statutory-2");
}

static void test_frozen_past(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 1)) };
        Incident items[] = {
                incident_of("i1", "op1", "threat", AT(0, 10, 0), 0),
                incident_of("late", "op1", "verbal_abuse", AT(0, 10, 10), AT(0, 11, 0)),
        };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *first = NULL, *second = NULL;
        const ShiftPlan *sp;
        const Break *b;

        first = run(&roster, &policy, items, ELEMENTSOF(items), NULL, AT(0, 10, 0));
        assert_plan_sane(first);
        assert_int_equal(first->now, AT(0, 10, 0));
        /* The late report is not known yet. */
        assert_int_equal(kind_count(&first->shifts[0], BREAK_RECOVERY), 1);

        /* The policy changes: what began before now stays as it was. */
        policy.categories = (Category[]) {
                { (char *) "threat", (char *) "a threat", 0, 30 * MIN_, true },
                { (char *) "verbal_abuse", (char *) "verbal abuse", 0, 10 * MIN_, false },
        };
        policy.n_categories = 2;
        second = run(&roster, &policy, items, ELEMENTSOF(items), first, AT(0, 11, 0));
        assert_plan_sane(second);
        sp = &second->shifts[0];
        for (size_t i = 0; i < first->shifts[0].n_breaks; i++) {
                const Break *old = &first->shifts[0].breaks[i];
                if (old->start < AT(0, 11, 0))
                        assert_break_equal(old, kind_nth(sp, old->kind, 0));
        }
        b = kind_nth(sp, BREAK_RECOVERY, 0);
        assert_int_equal(b->end, AT(0, 10, 20));
        assert_string_equal(b->reason, "after a threatening call (threat)");

        /* Reported at 11:00 for 10:10: starts at now. */
        b = kind_nth(sp, BREAK_RECOVERY, 1);
        assert_string_equal(b->uid, "op1-recovery-late");
        assert_int_equal(b->start, AT(0, 11, 0));
        assert_int_equal(b->end, AT(0, 11, 10));
        assert_int_equal(b->trigger, AT(0, 10, 10));

        /* The statutory break, not begun, stays where it was. */
        assert_break_equal(kind_nth(&first->shifts[0], BREAK_STATUTORY, 0), kind_nth(sp, BREAK_STATUTORY, 0));
}

static void test_in_progress(void **state) {
        PlannedBreak lunch = { AT(0, 12, 0), AT(0, 12, 45) };
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 1)) };
        Incident items[] = { incident_of("i", "op1", "threat", AT(0, 12, 35), 0) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *first = NULL, *second = NULL;
        const Break *b;

        shifts[0].planned = &lunch;
        shifts[0].n_planned = 1;
        first = run(&roster, &policy, items, 1, NULL, AT(0, 11, 0));
        assert_plan_sane(first);
        assert_int_equal(kind_count(&first->shifts[0], BREAK_RECOVERY), 0);

        /* The lunch began at 12:00: not cut, the recovery follows it. */
        second = run(&roster, &policy, items, 1, first, AT(0, 12, 40));
        assert_plan_sane(second);
        assert_break_equal(kind_nth(&first->shifts[0], BREAK_PLANNED, 0),
                           kind_nth(&second->shifts[0], BREAK_PLANNED, 0));
        b = kind_nth(&second->shifts[0], BREAK_RECOVERY, 0);
        assert_int_equal(b->start, AT(0, 12, 45));
        assert_int_equal(b->end, AT(0, 13, 5));
}

static void test_revision_stable(void **state) {
        /* A recovery that moved the lunch is frozen; re-planning after it
         * keeps the lunch right after it, not at its roster place. */
        PlannedBreak lunch = { AT(0, 12, 0), AT(0, 12, 30) };
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 15, 0)) };
        Incident items[] = { incident_of("i", "op1", "threat", AT(0, 11, 50), 0) };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *first = NULL, *second = NULL, *third = NULL;

        shifts[0].planned = &lunch;
        shifts[0].n_planned = 1;
        first = run(&roster, &policy, items, 1, NULL, AT(0, 11, 50));
        second = run(&roster, &policy, items, 1, first, AT(0, 12, 5));
        third = run(&roster, &policy, items, 1, second, AT(0, 12, 15));
        assert_plan_sane(second);
        assert_plan_sane(third);
        for (size_t i = 0; i < first->shifts[0].n_breaks; i++) {
                assert_break_equal(&first->shifts[0].breaks[i], &second->shifts[0].breaks[i]);
                assert_break_equal(&first->shifts[0].breaks[i], &third->shifts[0].breaks[i]);
        }
        assert_int_equal(kind_nth(&third->shifts[0], BREAK_PLANNED, 0)->start, AT(0, 12, 10));
}

/* A seeded generator: the same numbers on every machine. */
static uint32_t lcg(uint32_t *s) {
        *s = *s * 1664525u + 1013904223u;
        return *s >> 8;
}

#define N_RANDOM 240

typedef struct RandomInputs {
        Shift shifts[9];
        PlannedBreak planned[9];
        Incident items[N_RANDOM];
        char ids[N_RANDOM][16];
} RandomInputs;

static void random_inputs(RandomInputs *r, uint32_t seed) {
        static const char * const names[] = { "verbal_abuse", "threat", "unreasonable_demand",
                                              "prolonged_call", "other", "critical" };

        /* Three operators, three days each, some crossing midnight. */
        for (size_t i = 0; i < 9; i++) {
                usec_t start = AT(i % 3, 7 + (i / 3) * 5, 0);

                r->shifts[i] = shift_of(i / 3, start, start + 6 * HOUR + (i % 4) * HOUR + MIN_);
                r->planned[i] = (PlannedBreak) { start + 3 * HOUR, start + 3 * HOUR + 30 * MIN_ };
                r->shifts[i].planned = &r->planned[i];
                r->shifts[i].n_planned = i % 2;
        }
        /* Roster order: by operator, then start. */
        for (size_t i = 0; i < 9; i++)
                for (size_t j = i + 1; j < 9; j++)
                        if (r->shifts[j].operator < r->shifts[i].operator ||
                            (r->shifts[j].operator == r->shifts[i].operator && r->shifts[j].start < r->shifts[i].start)) {
                                Shift t = r->shifts[i];
                                r->shifts[i] = r->shifts[j];
                                r->shifts[j] = t;
                        }

        for (size_t i = 0; i < N_RANDOM; i++) {
                usec_t when = AT(0, 6, 0) + (usec_t) (lcg(&seed) % (3 * 24 * 60)) * MIN_ +
                        (usec_t) (lcg(&seed) % 60) * USEC_PER_SEC;

                snprintf(r->ids[i], sizeof(r->ids[i]), "r%03zu", i);
                r->items[i] = incident_of(r->ids[i], operators[lcg(&seed) % 3].id,
                                          names[lcg(&seed) % ELEMENTSOF(names)], when,
                                          when + (usec_t) (lcg(&seed) % 4 == 0 ? lcg(&seed) % 90 : 0) * MIN_);
                r->items[i].duration = (usec_t) (lcg(&seed) % 90) * MIN_;
        }
        /* IncidentList order: by (when, id). */
        for (size_t i = 0; i < N_RANDOM; i++)
                for (size_t j = i + 1; j < N_RANDOM; j++)
                        if (r->items[j].when < r->items[i].when ||
                            (r->items[j].when == r->items[i].when && strcmp(r->items[j].id, r->items[i].id) < 0)) {
                                Incident t = r->items[i];
                                r->items[i] = r->items[j];
                                r->items[j] = t;
                        }
}

static void test_determinism(void **state) {
        _cleanup_(freep) RandomInputs *r = calloc(1, sizeof(RandomInputs));
        Policy policy = test_policy();
        Roster roster;

        assert_non_null(r);
        random_inputs(r, 42);
        roster = roster_of(r->shifts, ELEMENTSOF(r->shifts));
        for (usec_t now = 0; now <= AT(1, 12, 0); now = now ? now + 7 * HOUR : AT(0, 11, 7)) {
                _cleanup_(plan_freep) Plan *a = run(&roster, &policy, r->items, N_RANDOM, NULL, now);
                _cleanup_(plan_freep) Plan *b = run(&roster, &policy, r->items, N_RANDOM, NULL, now);
                _cleanup_(plan_freep) Plan *c = run(&roster, &policy, r->items, N_RANDOM, a, now);
                _cleanup_(plan_freep) Plan *d = run(&roster, &policy, r->items, N_RANDOM, a, now);

                assert_plan_equal(a, b);
                assert_plan_equal(c, d);
        }
}

static void check_revisions(uint32_t seed, usec_t min_block) {
        _cleanup_(freep) RandomInputs *r = calloc(1, sizeof(RandomInputs));
        _cleanup_(plan_freep) Plan *previous = NULL;
        Policy policy = test_policy();
        Roster roster;

        assert_non_null(r);
        random_inputs(r, seed);
        roster = roster_of(r->shifts, ELEMENTSOF(r->shifts));
        policy.statutory.min_block = min_block;

        previous = run(&roster, &policy, r->items, N_RANDOM, NULL, 0);
        assert_plan_sane(previous);
        plan_free(TAKE_PTR(previous));

        /* Revise every 17 minutes over three days: frozen breaks never change. */
        for (usec_t now = AT(0, 6, 0); now < AT(3, 6, 0); now += 17 * MIN_) {
                Plan *plan = run(&roster, &policy, r->items, N_RANDOM, previous, now);

                assert_plan_sane(plan);
                for (size_t i = 0; previous && i < previous->n_shifts; i++)
                        for (size_t j = 0; j < previous->shifts[i].n_breaks; j++) {
                                const Break *old = &previous->shifts[i].breaks[j];
                                const Break **l = NULL;
                                ssize_t n;

                                if (old->start >= now)
                                        continue;
                                n = plan_operator_breaks(plan, previous->shifts[i].operator, old->start,
                                                         old->start + 1, &l);
                                assert_int_equal(n, 1);
                                assert_break_equal(old, l[0]);
                                free(l);
                        }
                /* Nothing new was placed before now. */
                for (size_t i = 0; previous && i < plan->n_shifts; i++)
                        for (size_t j = 0; j < plan->shifts[i].n_breaks; j++) {
                                const Break *b = &plan->shifts[i].breaks[j];
                                if (b->start < now)
                                        assert_break_equal(b, find_uid(previous, b->uid));
                        }
                plan_free(previous);
                previous = plan;
        }
}

static void test_no_overlaps_random(void **state) {
        for (uint32_t seed = 1; seed <= 6; seed++)
                check_revisions(seed, seed % 2 ? 0 : 15 * MIN_);
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

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kind_strings),
                cmocka_unit_test(test_statutory_thresholds),
                cmocka_unit_test(test_statutory_inside),
                cmocka_unit_test(test_statutory_short_margin),
                cmocka_unit_test(test_midnight),
                cmocka_unit_test(test_dst_day),
                cmocka_unit_test(test_immediate_recovery),
                cmocka_unit_test(test_off_shift),
                cmocka_unit_test(test_recovery_clipped),
                cmocka_unit_test(test_accumulated),
                cmocka_unit_test(test_accumulated_mixed),
                cmocka_unit_test(test_accumulated_joins_planned),
                cmocka_unit_test(test_prolonged),
                cmocka_unit_test(test_recovery_moves_planned),
                cmocka_unit_test(test_recovery_inside_planned),
                cmocka_unit_test(test_recovery_pushes_statutory),
                cmocka_unit_test(test_statutory_violation),
                cmocka_unit_test(test_statutory_split),
                cmocka_unit_test(test_frozen_past),
                cmocka_unit_test(test_in_progress),
                cmocka_unit_test(test_revision_stable),
                cmocka_unit_test(test_determinism),
                cmocka_unit_test(test_no_overlaps_random),
                cmocka_unit_test(test_operator_breaks),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
