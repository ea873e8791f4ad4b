/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/metrics.h"
#include "core/planner.h"


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
        { .more_than = 6 * HOUR, .total = 45 * MIN_ },
        { .more_than = 8 * HOUR, .total = 60 * MIN_ },
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

static char *teams[] = { (char *) "team-a", (char *) "team-b", NULL };

static Roster roster_of(Shift *shifts, size_t n) {
        return (Roster) { operators, ELEMENTSOF(operators), shifts, n, teams, ELEMENTSOF(teams) - 1 };
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

        assert_int_equal(planner_run(roster, policy, NULL, &l, previous, now, &plan), 0);
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

        /* The lunch began at 12:00: not cut, the recovery follows it, and
         * merges into the statutory break right after lunch, which keeps
         * its 45 minutes on top of the recovery's 20. */
        second = run(&roster, &policy, items, 1, first, AT(0, 12, 40));
        assert_plan_sane(second);
        assert_break_equal(kind_nth(&first->shifts[0], BREAK_PLANNED, 0),
                           kind_nth(&second->shifts[0], BREAK_PLANNED, 0));
        b = kind_nth(&second->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 12, 45));
        assert_int_equal(b->end, AT(0, 13, 50));
        assert_string_equal(b->recovery_uid, "op1-recovery-i");
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
        /* Merged: lunch began with the recovery at 11:50. */
        assert_int_equal(kind_nth(&third->shifts[0], BREAK_PLANNED, 0)->start, AT(0, 11, 50));
        assert_int_equal(kind_nth(&third->shifts[0], BREAK_PLANNED, 0)->end, AT(0, 12, 20));
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


/* ---- presets: the shipped files, worked examples checked by hand ---- */

static Policy *load_preset(const char *name) {
        _cleanup_free_ char *text = NULL, *error = NULL;
        Policy *policy = NULL;

        assert_true(asprintf(&text, "@include \"presets/%s.conf\"\n", name) > 0);
        if (policy_load_string(text, "conf", &policy, &error) < 0)
                fail_msg("%s: %s", name, error);
        return policy;
}

/* Work in [from, to) of sp, its breaks excluded. */
static usec_t work_between(const ShiftPlan *sp, usec_t from, usec_t to) {
        usec_t off = 0;

        for (size_t i = 0; i < sp->n_breaks; i++) {
                usec_t a = MAX(sp->breaks[i].start, from), b = MIN(sp->breaks[i].end, to);
                off += b > a ? b - a : 0;
        }
        return to - from - off;
}

static bool rule_block(const ShiftPlan *sp, const StatutoryTier *t, const Break *b) {
        size_t n = strlen(sp->uid);
        const char *prefix = t->name ?: "statutory";

        return b->kind == BREAK_STATUTORY && strncmp(b->uid, sp->uid, n) == 0 && b->uid[n] == '-' &&
                strncmp(b->uid + n + 1, prefix, strlen(prefix)) == 0 && b->uid[n + 1 + strlen(prefix)] == '-';
}

/* Independent check of every statutory rule of policy on one planned
 * shift: totals, blocks, latest start, longest stretch. */
static bool statutory_holds(const Policy *policy, const Shift *shift, const ShiftPlan *sp) {
        const Statutory *st = &policy->statutory;
        usec_t work = shift->end - shift->start;

        for (size_t i = 0; i < shift->n_planned; i++)
                work -= shift->planned[i].end - shift->planned[i].start;
        for (size_t i = 0; i < st->n_tiers; i++) {
                const StatutoryTier *t = NULL;
                usec_t total = 0, min_block, t0 = sp->start;
                unsigned blocks = 0;

                /* The highest applying tier of the rule of tier i, once per rule. */
                bool first = true;
                for (size_t k = 0; k < i; k++)
                        first = first && !streq_ptr(st->tiers[k].name, st->tiers[i].name);
                if (!first)
                        continue;
                for (size_t k = i; k < st->n_tiers; k++)
                        if (streq_ptr(st->tiers[k].name, st->tiers[i].name) && work > st->tiers[k].more_than)
                                t = &st->tiers[k];
                if (!t)
                        continue;
                min_block = t->min_block ?: st->min_block;

                for (size_t j = 0; j < sp->n_breaks; j++) {
                        const Break *b = &sp->breaks[j];

                        if (!rule_block(sp, t, b))
                                continue;
                        total += b->end - b->start;
                        blocks++;
                        if (b->end - b->start < min_block && b->end != sp->end)
                                return false;
                        if (t->latest > 0 && work_between(sp, sp->start, b->start) > t->latest)
                                return false;
                }
                if (total < t->total || blocks < t->blocks)
                        return false;
                if (t->max_stretch == 0)
                        continue;
                for (size_t j = 0; j <= sp->n_breaks; j++) {
                        const Break *b = j < sp->n_breaks ? &sp->breaks[j] : NULL;

                        if (b && (b->end - b->start < MAX(min_block, MIN_) ||
                                  (b->kind == BREAK_RECOVERY && !st->recovery_counts)))
                                continue;
                        if (work_between(sp, t0, b ? b->start : sp->end) > t->max_stretch)
                                return false;
                        if (b)
                                t0 = b->end;
                }
        }
        return true;
}

static Plan *plan_one(const Policy *policy, Shift *shift) {
        Roster roster = roster_of(shift, 1);
        Plan *plan = run(&roster, policy, NULL, 0, NULL, 0);

        assert_plan_sane(plan);
        assert_true(statutory_holds(policy, shift, &plan->shifts[0]));
        return plan;
}

static void test_preset_jp(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("jp");
        Shift six = shift_of(0, AT(0, 9, 0), AT(0, 15, 0)), more = shift_of(0, AT(0, 9, 0), AT(0, 15, 1));
        Shift eight = shift_of(0, AT(0, 8, 0), AT(0, 16, 1));
        _cleanup_(plan_freep) Plan *a = plan_one(policy, &six), *b = plan_one(policy, &more), *c = plan_one(policy, &eight);

        assert_int_equal(a->shifts[0].n_breaks, 0);
        assert_int_equal(b->shifts[0].n_breaks, 1);
        assert_int_equal(b->shifts[0].breaks[0].end - b->shifts[0].breaks[0].start, 45 * MIN_);
        assert_int_equal(c->shifts[0].breaks[0].end - c->shifts[0].breaks[0].start, 60 * MIN_);
}

static void test_preset_us_ca(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("us-ca");
        Shift eight = shift_of(0, AT(0, 9, 0), AT(0, 17, 0));
        Shift long_day = shift_of(0, AT(0, 7, 0), AT(0, 17, 30));
        Shift five = shift_of(0, AT(0, 9, 0), AT(0, 14, 0)), three = shift_of(0, AT(0, 9, 0), AT(0, 12, 0));
        _cleanup_(plan_freep) Plan *a = plan_one(policy, &eight), *b = plan_one(policy, &long_day);
        _cleanup_(plan_freep) Plan *c = plan_one(policy, &five), *d = plan_one(policy, &three);
        const ShiftPlan *sp = &a->shifts[0];

        /* 8 h: one 30-min meal starting by the end of the 5th hour worked
         * (14:00), in the middle: 12:45; two 10-min rests, each in the
         * middle of its 4-hour period (11:00, 15:00). */
        assert_int_equal(sp->n_breaks, 3);
        assert_string_equal(sp->breaks[0].uid, "op1-20240401T0900Z-rest-1");
        assert_int_equal(sp->breaks[0].start, AT(0, 10, 55));
        assert_int_equal(sp->breaks[0].end, AT(0, 11, 5));
        assert_string_equal(sp->breaks[1].uid, "op1-20240401T0900Z-meal-1");
        assert_int_equal(sp->breaks[1].start, AT(0, 12, 45));
        assert_int_equal(sp->breaks[1].end, AT(0, 13, 15));
        assert_string_equal(sp->breaks[1].reason, "statutory meal: 30min for more than 5h of work "
                            "(California Labor Code §512; IWC wage orders §12)");
        assert_string_equal(sp->breaks[2].uid, "op1-20240401T0900Z-rest-2");
        assert_int_equal(sp->breaks[2].start, AT(0, 14, 55));

        /* 10 h 30 min: two meals (the second by the 10th hour) and three rests. */
        assert_int_equal(kind_count(&b->shifts[0], BREAK_STATUTORY), 5);
        assert_int_equal(b->statutory_violations, 0);

        /* Exactly 5 h: no meal, one rest; 3 h: nothing. */
        assert_int_equal(c->shifts[0].n_breaks, 1);
        assert_int_equal(c->shifts[0].breaks[0].end - c->shifts[0].breaks[0].start, 10 * MIN_);
        assert_int_equal(d->shifts[0].n_breaks, 0);
}

static void test_preset_de(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("de");
        Shift long_day = shift_of(0, AT(0, 9, 0), AT(0, 18, 30)), six = shift_of(0, AT(0, 9, 0), AT(0, 15, 0));
        Shift seven = shift_of(0, AT(0, 9, 0), AT(0, 16, 0));
        _cleanup_(plan_freep) Plan *a = plan_one(policy, &long_day), *b = plan_one(policy, &six);
        _cleanup_(plan_freep) Plan *c = plan_one(policy, &seven), *late = NULL;
        Roster roster = roster_of(&long_day, 1);

        /* 9 h 30 min: 45 min (blocks of at least 15), in one block in the
         * middle: 4 h 20 min of work before it, 4 h 25 min after, both
         * under 6 h. */
        assert_int_equal(a->shifts[0].n_breaks, 1);
        assert_int_equal(a->shifts[0].breaks[0].start, AT(0, 13, 20));
        assert_int_equal(a->shifts[0].breaks[0].end, AT(0, 14, 5));
        assert_int_equal(b->shifts[0].n_breaks, 0);
        assert_int_equal(c->shifts[0].breaks[0].end - c->shifts[0].breaks[0].start, 30 * MIN_);

        /* Planned first at 15:10, after 6 h 10 min of work: no break can
         * be placed in time any more, a violation is reported. */
        late = run(&roster, policy, NULL, 0, NULL, AT(0, 15, 10));
        assert_int_equal(late->statutory_violations, 1);
        assert_true(late->shifts[0].statutory_violation);
}

static void test_preset_uk(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("uk");
        Shift six = shift_of(0, AT(0, 9, 0), AT(0, 15, 0)), more = shift_of(0, AT(0, 9, 0), AT(0, 15, 1));
        _cleanup_(plan_freep) Plan *a = plan_one(policy, &six), *b = plan_one(policy, &more);

        /* More than 6 h: 20 min uninterrupted. */
        assert_int_equal(a->shifts[0].n_breaks, 0);
        assert_int_equal(b->shifts[0].n_breaks, 1);
        assert_int_equal(b->shifts[0].breaks[0].end - b->shifts[0].breaks[0].start, 20 * MIN_);
}

static void test_preset_eu(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("eu");
        Shift more = shift_of(0, AT(0, 9, 0), AT(0, 15, 1));
        _cleanup_(plan_freep) Plan *a = plan_one(policy, &more);

        assert_int_equal(a->shifts[0].n_breaks, 1);
        assert_int_equal(a->shifts[0].breaks[0].end - a->shifts[0].breaks[0].start, 15 * MIN_);
}

static void test_preset_au_clerks(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("au-clerks");
        Shift nine = shift_of(0, AT(0, 8, 0), AT(0, 17, 0)), four = shift_of(0, AT(0, 9, 0), AT(0, 13, 0));
        Shift eleven = shift_of(0, AT(0, 7, 0), AT(0, 18, 0));
        _cleanup_(plan_freep) Plan *a = plan_one(policy, &nine), *b = plan_one(policy, &four);
        _cleanup_(plan_freep) Plan *c = plan_one(policy, &eleven);

        /* 9 h: two 10-min rests and a 30-min meal, no 5 h without a meal. */
        assert_int_equal(a->shifts[0].n_breaks, 3);
        assert_int_equal(b->shifts[0].n_breaks, 1);     /* > 3 h: one rest */
        /* 11 h: a second meal keeps every stretch under 5 h. */
        assert_int_equal(c->statutory_violations, 0);
}

static void test_preset_jp_vdt(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("jp-vdt");
        Shift eight = shift_of(0, AT(0, 9, 0), AT(0, 17, 0));
        _cleanup_(plan_freep) Plan *a = plan_one(policy, &eight);
        const ShiftPlan *sp = &a->shifts[0];

        /* 45 min under art. 34 and a 10-min pause at most every hour of
         * work: the first at 10:00. */
        assert_int_equal(a->statutory_violations, 0);
        assert_string_equal(sp->breaks[0].uid, "op1-20240401T0900Z-pause-1");
        assert_int_equal(sp->breaks[0].start, AT(0, 10, 0));
        assert_int_equal(sp->breaks[0].end, AT(0, 10, 10));
        assert_string_equal(sp->breaks[0].reason, "statutory pause: a break after 1h of work (Labour Standards "
                            "Act art. 34(1); MHLW information-device work guideline (2019, rev. 2021))");
        assert_int_equal(kind_count(sp, BREAK_STATUTORY), 7);
}

static void test_preset_uk_callcentre(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("uk-callcentre");
        Shift eight = shift_of(0, AT(0, 9, 0), AT(0, 17, 0));
        _cleanup_(plan_freep) Plan *a = plan_one(policy, &eight);

        /* 20 min under reg 12 and 5 min at least every hour. */
        assert_int_equal(a->statutory_violations, 0);
        assert_int_equal(a->shifts[0].breaks[0].start, AT(0, 10, 0));
        assert_int_equal(a->shifts[0].breaks[0].end, AT(0, 10, 5));
}

/* ---- coverage ---- */

static Coverage *coverage_flat(const char *team, usec_t start, size_t n, unsigned required) {
        Coverage *c = calloc(1, sizeof(Coverage));

        assert_non_null(c);
        c->teams = calloc(1, sizeof(TeamCoverage));
        assert_non_null(c->teams);
        c->n_teams = 1;
        c->teams[0] = (TeamCoverage) { .team = strdup(team), .start = start, .interval = 30 * MIN_, .n = n };
        c->teams[0].required = calloc(n, sizeof(unsigned));
        for (size_t i = 0; i < n; i++)
                c->teams[0].required[i] = required;
        return c;
}

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
        assert_int_equal(planner_run(&roster, &policy, one, NULL, NULL, 0, &a), 0);
        x = kind_nth(&a->shifts[0], BREAK_STATUTORY, 0);
        y = kind_nth(&a->shifts[1], BREAK_STATUTORY, 0);
        assert_int_equal(x->start, AT(0, 12, 10));
        assert_int_equal(y->start, AT(0, 11, 25));
        assert_int_equal(y->end, AT(0, 12, 10));
        assert_int_equal(metrics_compute(a, one, &ma), 0);
        assert_int_equal(ma->shortfall_minutes, 0);

        /* Both must stay: nothing keeps it, the law wins; both in the
         * middle, 90 operator-minutes short. */
        assert_int_equal(planner_run(&roster, &policy, two, NULL, NULL, 0, &b), 0);
        assert_int_equal(b->statutory_violations, 0);
        assert_int_equal(kind_nth(&b->shifts[1], BREAK_STATUTORY, 0)->start, AT(0, 12, 10));
        assert_int_equal(metrics_compute(b, two, &mb), 0);
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
        assert_int_equal(planner_run(&roster, &policy, one, &lp, NULL, 0, &a), 0);
        x = kind_nth(&a->shifts[0], BREAK_RECOVERY, 0);
        assert_int_equal(x->start, AT(0, 10, 20));
        assert_int_equal(a->recoveries_short, 0);
        assert_int_equal(a->recoveries_late, 0);

        /* Allowed 10 minutes only: at once, the shortfall reported. */
        policy.accumulation.max_delay = 10 * MIN_;
        assert_int_equal(planner_run(&roster, &policy, one, &lp, NULL, 0, &b), 0);
        assert_int_equal(kind_nth(&b->shifts[0], BREAK_RECOVERY, 0)->start, AT(0, 10, 5));
        assert_int_equal(b->recoveries_short, 1);

        /* A threat: at once, whatever the coverage. */
        assert_int_equal(planner_run(&roster, &policy, one, &lt, NULL, 0, &c), 0);
        assert_int_equal(kind_nth(&c->shifts[0], BREAK_RECOVERY, 0)->start, AT(0, 10, 5));
}

/* ---- incremental revision ---- */

static void test_revise_operator(void **state) {
        _cleanup_(freep) RandomInputs *r = calloc(1, sizeof(RandomInputs));
        Policy policy = test_policy();
        _cleanup_(coverage_freep) Coverage *cov = coverage_flat("team-a", AT(0, 0, 0), 6 * 48, 1);
        Roster roster;

        assert_non_null(r);
        random_inputs(r, 7);
        roster = roster_of(r->shifts, ELEMENTSOF(r->shifts));
        for (size_t i = 0; i < N_RANDOM; i++) {
                IncidentList l = { r->items, N_RANDOM };
                _cleanup_(plan_freep) Plan *inc = NULL, *full = NULL;
                usec_t now = r->items[i].received;

                if (i % 20 != 0)
                        continue;
                /* Revising the operator of incident i at its receipt, from a
                 * plan that did not know it, gives that operator's full
                 * revision. */
                assert_int_equal(planner_run(&roster, &policy, cov, &l, NULL, now - 1, &inc), 0);
                assert_int_equal(planner_run(&roster, &policy, cov, &l, inc, now, &full), 0);
                assert_int_equal(planner_revise_operator(inc, &roster, &policy, cov, &l, now,
                                                         r->items[i].operator), 0);
                assert_plan_sane(inc);
                for (size_t k = 0; k < inc->n_shifts; k++)
                        if (streq(inc->shifts[k].operator, r->items[i].operator)) {
                                assert_int_equal(inc->shifts[k].n_breaks, full->shifts[k].n_breaks);
                                for (size_t j = 0; j < inc->shifts[k].n_breaks; j++)
                                        assert_break_equal(&inc->shifts[k].breaks[j], &full->shifts[k].breaks[j]);
                        }
        }
        assert_int_equal(planner_revise_operator(NULL ?: &(Plan) {}, &roster, &policy, NULL, NULL, 0, "nobody"), -ENXIO);
}

/* ---- properties over random rosters, presets and incidents ---- */

static const char * const preset_names[] = {
        "jp", "jp-vdt", "de", "uk", "eu", "us-ca", "au-clerks", "uk-callcentre",
};

typedef struct Case {
        Shift shifts[4];
        PlannedBreak planned[4];
        Incident items[12];
        char ids[12][24];
        size_t n_items;
} Case;

/* Two operators of one team, two shifts each (2 h to 13 h, some with a
 * planned break), a dozen incidents. */
static void random_case(Case *c, uint32_t *seed) {
        static const char * const names[] = { "verbal_abuse", "threat", "unreasonable_demand",
                                              "prolonged_call", "other" };

        for (size_t i = 0; i < 4; i++) {
                usec_t start = AT(i % 2, 6, 0) + (usec_t) (lcg(seed) % 48) * 5 * MIN_;
                usec_t len = 2 * HOUR + (usec_t) (lcg(seed) % (11 * 60)) * MIN_;

                c->shifts[i] = shift_of(i / 2, start, start + len);
                c->planned[i] = (PlannedBreak) { start + len / 3, start + len / 3 + (usec_t) (lcg(seed) % 45 + 5) * MIN_ };
                c->shifts[i].planned = &c->planned[i];
                c->shifts[i].n_planned = lcg(seed) % 3 == 0;
        }
        c->n_items = lcg(seed) % 12;
        for (size_t i = 0; i < c->n_items; i++) {
                usec_t when = AT(0, 6, 0) + (usec_t) (lcg(seed) % (2 * 24 * 60)) * MIN_ + (lcg(seed) % 60) * USEC_PER_SEC;

                snprintf(c->ids[i], sizeof(c->ids[i]), "i%zu", i);
                c->items[i] = incident_of(c->ids[i], operators[lcg(seed) % 2].id, names[lcg(seed) % ELEMENTSOF(names)],
                                          when, when + (lcg(seed) % 4 == 0 ? (usec_t) (lcg(seed) % 30) * MIN_ : 0));
                c->items[i].duration = (usec_t) (lcg(seed) % 90) * MIN_;
        }
        for (size_t i = 0; i < c->n_items; i++)
                for (size_t j = i + 1; j < c->n_items; j++)
                        if (c->items[j].when < c->items[i].when ||
                            (c->items[j].when == c->items[i].when && strcmp(c->items[j].id, c->items[i].id) < 0)) {
                                Incident t = c->items[i];
                                c->items[i] = c->items[j];
                                c->items[j] = t;
                        }
}

static bool off_phone(const ShiftPlan *sp, usec_t t) {
        for (size_t j = 0; j < sp->n_breaks; j++)
                if (sp->breaks[j].start <= t && t < sp->breaks[j].end)
                        return true;
        return false;
}

/* Every immediate recovery known at now begins at once or as soon as the
 * breaks under way let it, or its shift ended first. */
static void assert_recoveries(const Policy *policy, const Roster *roster, const Plan *plan, const Incident *items,
                              size_t n, usec_t now) {
        for (size_t i = 0; i < n; i++) {
                const Category *cat = policy_find_category(policy, items[i].category);
                _cleanup_free_ char *uid = NULL;

                if (cat->recovery == 0 || (now > 0 && items[i].received > now))
                        continue;
                assert_true(asprintf(&uid, "%s-recovery-%s", items[i].operator, items[i].id) > 0);
                for (size_t k = 0; k < plan->n_shifts; k++) {
                        const ShiftPlan *sp = &plan->shifts[k];
                        usec_t earliest = usec_ceil(MAX(MAX(items[i].when, items[i].received), now), MIN_);
                        const Break *b = NULL;

                        if (!streq(sp->operator, items[i].operator) || items[i].when < sp->start || items[i].when >= sp->end)
                                continue;
                        for (size_t j = 0; j < sp->n_breaks; j++)
                                if (streq(sp->breaks[j].uid, uid) || streq_ptr(sp->breaks[j].recovery_uid, uid))
                                        b = &sp->breaks[j];
                        /* Off the phones from earliest until it begins; none only
                         * when the shift ended (less than a minute left) first. */
                        for (usec_t t = earliest; t < (b ? b->start : sp->end - MIN_ + 1); t += MIN_)
                                assert_true(off_phone(sp, t) || (b && b->start < now));
                }
        }
        (void) roster;
}

static void test_properties(void **state) {
        Policy *presets[ELEMENTSOF(preset_names)];
        unsigned cases = 0, violations = 0;
        uint32_t seed = 20240401;

        for (size_t i = 0; i < ELEMENTSOF(preset_names); i++)
                presets[i] = load_preset(preset_names[i]);

        for (unsigned n = 0; n < 2000; n++) {
                _cleanup_free_ Case *c = calloc(1, sizeof(Case));
                const Policy *policy = presets[n % ELEMENTSOF(presets)];
                _cleanup_(coverage_freep) Coverage *cov = coverage_flat("team-a", AT(0, 0, 0), 6 * 48, n % 3);
                _cleanup_(plan_freep) Plan *previous = NULL, *again = NULL;
                IncidentList l;
                Roster roster;
                usec_t now;

                random_case(c, &seed);
                l = (IncidentList) { c->items, c->n_items };
                roster = roster_of(c->shifts, 4);

                /* Revisions every 40 to 160 minutes over the two days. */
                for (now = AT(0, 5, 0); now < AT(2, 8, 0); now += (usec_t) (40 + lcg(&seed) % 120) * MIN_) {
                        Plan *plan = NULL;

                        assert_int_equal(planner_run(&roster, policy, cov, &l, previous, now, &plan), 0);
                        assert_plan_sane(plan);
                        for (size_t i = 0; i < plan->n_shifts; i++) {
                                const ShiftPlan *sp = &plan->shifts[i];

                                /* Rules can fail only when a revision comes too late for them. */
                                if (!sp->statutory_violation && !statutory_holds(policy, &c->shifts[i], sp)) {
                                        print_message("case %u preset %s now %llu shift %zu %llu-%llu planned %zu\n", n, policy->statutory.name,
                                                      (unsigned long long) (now - DAY0) / MIN_, i, (unsigned long long) (sp->start - DAY0) / MIN_,
                                                      (unsigned long long) (sp->end - DAY0) / MIN_, c->shifts[i].n_planned);
                                        for (size_t j = 0; j < sp->n_breaks; j++)
                                                print_message("  %s %llu-%llu %s\n", sp->breaks[j].uid, (unsigned long long) (sp->breaks[j].start - DAY0) / MIN_,
                                                              (unsigned long long) (sp->breaks[j].end - DAY0) / MIN_, sp->breaks[j].reason);
                                        fail();
                                }
                                violations += sp->statutory_violation;
                                assert_int_equal(sp->recoveries_late, 0);
                        }
                        assert_recoveries(policy, &roster, plan, c->items, c->n_items, now);
                        /* Nothing before now changed. */
                        for (size_t i = 0; previous && i < plan->n_shifts; i++)
                                for (size_t j = 0; j < plan->shifts[i].n_breaks; j++) {
                                        const Break *b = &plan->shifts[i].breaks[j];
                                        if (b->start < now)
                                                assert_break_equal(b, find_uid(previous, b->uid));
                                }
                        for (size_t i = 0; previous && i < previous->n_shifts; i++)
                                for (size_t j = 0; j < previous->shifts[i].n_breaks; j++) {
                                        const Break *b = &previous->shifts[i].breaks[j];
                                        if (b->start < now)
                                                assert_break_equal(b, find_uid(plan, b->uid));
                                }
                        plan_free(previous);
                        previous = plan;
                        cases++;
                }
                /* Determinism: the last revision again, from the same inputs. */
                assert_int_equal(planner_run(&roster, policy, cov, &l, NULL, 0, &again), 0);
                {
                        _cleanup_(plan_freep) Plan *twice = NULL;
                        assert_int_equal(planner_run(&roster, policy, cov, &l, NULL, 0, &twice), 0);
                        assert_plan_equal(again, twice);
                }
                for (size_t i = 0; i < again->n_shifts; i++) {
                        assert_false(again->shifts[i].statutory_violation);
                        assert_true(statutory_holds(policy, &c->shifts[i], &again->shifts[i]));
                }
        }
        for (size_t i = 0; i < ELEMENTSOF(presets); i++)
                policy_free(presets[i]);
        print_message("%u revisions; %u shift revisions could not hold a rule (reported)\n", cases, violations);
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
                cmocka_unit_test(test_accumulated_merges_planned),
                cmocka_unit_test(test_prolonged),
                cmocka_unit_test(test_recovery_moves_planned),
                cmocka_unit_test(test_recovery_inside_planned),
                cmocka_unit_test(test_recovery_merges_statutory),
                cmocka_unit_test(test_recovery_pushes_statutory),
                cmocka_unit_test(test_recovery_extends_merged),
                cmocka_unit_test(test_statutory_violation),
                cmocka_unit_test(test_statutory_split),
                cmocka_unit_test(test_frozen_past),
                cmocka_unit_test(test_in_progress),
                cmocka_unit_test(test_revision_stable),
                cmocka_unit_test(test_determinism),
                cmocka_unit_test(test_no_overlaps_random),
                cmocka_unit_test(test_operator_breaks),
                cmocka_unit_test(test_preset_jp),
                cmocka_unit_test(test_preset_us_ca),
                cmocka_unit_test(test_preset_de),
                cmocka_unit_test(test_preset_uk),
                cmocka_unit_test(test_preset_eu),
                cmocka_unit_test(test_preset_au_clerks),
                cmocka_unit_test(test_preset_jp_vdt),
                cmocka_unit_test(test_preset_uk_callcentre),
                cmocka_unit_test(test_coverage_staggers),
                cmocka_unit_test(test_coverage_deferred),
                cmocka_unit_test(test_revise_operator),
                cmocka_unit_test(test_properties),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
