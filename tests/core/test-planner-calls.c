/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The planner with the operators' calls: no break starts inside a call, a
 * recovery after a call starts at its end, a statutory block late because
 * of a call is an overrun (not a violation), a call interrupts a recovery
 * and its rest follows, due breaks of a revision are placed again, and no
 * calls give the plans of before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/calls.h"
#include "core/metrics.h"
#include "core/planner.h"
#include "planner-helpers.h"

/* A call log and its index, built from (operator, start, end) rows. */
typedef struct Calls {
        CallLog *log;
        CallIndex *index;
} Calls;

static void calls_done(Calls *c) {
        call_index_free(c->index);
        call_log_free(c->log);
}

typedef struct CallRow {
        const char *operator;
        usec_t start, end;
} CallRow;

static Calls calls_of(const CallRow *rows, size_t n) {
        Calls c = { .log = call_log_new() };

        assert_non_null(c.log);
        for (size_t i = 0; i < n; i++) {
                CallRecord r = { .operator = (char *) rows[i].operator, .start = rows[i].start, .end = rows[i].end };
                assert_int_equal(call_log_add(c.log, &r), 0);
        }
        assert_int_equal(call_log_finish(c.log), 0);
        assert_int_equal(call_index_new(c.log, &c.index), 0);
        return c;
}

static Plan *run_calls(const Roster *roster, const Policy *policy, Incident *items, size_t n, const CallIndex *calls,
                       const Plan *previous, usec_t now) {
        IncidentList l = { items, n };
        Plan *plan = NULL;

        assert_int_equal(planner_run(roster, policy, NULL, &l, calls, previous, now, &plan), 0);
        assert_non_null(plan);
        return plan;
}

/* a and b hold the same shifts and breaks (their now may differ). */
static void assert_plan_equal_but_now(const Plan *a, const Plan *b) {
        assert_int_equal(a->n_shifts, b->n_shifts);
        for (size_t i = 0; i < a->n_shifts; i++) {
                assert_int_equal(a->shifts[i].n_breaks, b->shifts[i].n_breaks);
                for (size_t j = 0; j < a->shifts[i].n_breaks; j++)
                        assert_break_equal(&a->shifts[i].breaks[j], &b->shifts[i].breaks[j]);
        }
}

/* No break of plan starts strictly inside a call of its operator. */
static void assert_no_break_in_calls(const Plan *plan, const CallIndex *calls) {
        for (size_t i = 0; i < plan->n_shifts; i++) {
                const CallRecord * const *mine;
                size_t n = call_index_operator(calls, plan->shifts[i].operator, &mine);

                for (size_t j = 0; j < plan->shifts[i].n_breaks; j++)
                        if (calls_containing(mine, n, plan->shifts[i].breaks[j].start))
                                fail_msg("%s starts inside a call", plan->shifts[i].breaks[j].uid);
        }
}

/* The statutory break of a shift is due during a long call: it goes before
 * or after the call, never inside; nearest its target (the middle), so
 * after it here. */
static void test_statutory_around_call(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 0)) };
        CallRow rows[] = {
                { "op1", ATS(0, 11, 50, 10), ATS(0, 13, 42, 30) },
                { "op2", AT(0, 8, 0), AT(0, 18, 0) },   /* another operator's: no matter */
        };
        _cleanup_(calls_done) Calls c = calls_of(rows, ELEMENTSOF(rows));
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *blind = run_calls(&roster, &policy, NULL, 0, NULL, NULL, 0);
        _cleanup_(plan_freep) Plan *plan = run_calls(&roster, &policy, NULL, 0, c.index, NULL, 0);
        const Break *b;

        /* Blind, it lies in the middle of the shift, inside the call. */
        b = kind_nth(&blind->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 12, 35));

        assert_plan_sane(plan);
        assert_no_break_in_calls(plan, c.index);
        assert_int_equal(plan->statutory_violations, 0);
        assert_int_equal(plan->statutory_overruns, 0);
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_non_null(b);
        assert_int_equal(b->end - b->start, 45 * MIN_);
        assert_int_equal(b->start, AT(0, 11, 50));     /* the grid place out of the call nearest the middle */
        assert_string_equal(b->uid, "op1-20240401T0900Z-statutory-1");
}

/* A 70-minute call earns a recovery at its end (the first whole minute);
 * blind, the statutory break inside the call held it back. The statutory
 * break may start when the call starts (not inside it). */
static void test_recovery_at_call_end(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 0)) };
        CallRow rows[] = { { "op1", ATS(0, 12, 0, 0), ATS(0, 13, 10, 20) } };
        Incident items[] = { incident_of("call-1-prolonged", "op1", "prolonged_call", ATS(0, 13, 10, 20), 0) };
        _cleanup_(calls_done) Calls c = calls_of(rows, ELEMENTSOF(rows));
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *blind = NULL, *plan = NULL;
        const Break *b;

        items[0].duration = 70 * MIN_ + 20 * USEC_PER_SEC;
        /* Blind to the calls, the statutory break no longer lies over the
         * instant that earned the recovery (12:35–13:20 would hold it back
         * to 13:20): the recovery begins at the first whole minute after. */
        blind = run_calls(&roster, &policy, items, 1, NULL, NULL, 0);
        b = find_recovery_break(&blind->shifts[0], "op1-recovery-call-1-prolonged");
        assert_int_equal(b->start, AT(0, 13, 11));
        assert_int_equal(blind->recoveries_late, 0);

        plan = run_calls(&roster, &policy, items, 1, c.index, NULL, 0);
        assert_plan_sane(plan);
        assert_no_break_in_calls(plan, c.index);
        b = find_recovery_break(&plan->shifts[0], "op1-recovery-call-1-prolonged");
        assert_int_equal(b->kind, BREAK_RECOVERY);
        assert_int_equal(b->start, AT(0, 13, 11));
        assert_int_equal(b->end, AT(0, 13, 21));
        assert_int_equal(b->trigger, ATS(0, 13, 10, 20));
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 12, 0));
        assert_int_equal(plan->statutory_violations, 0);
}

/* The next call begins 4 s after the long call, before the first whole
 * minute: the recovery starts when the long call ends (not after the next
 * calls), and the next call interrupts it; its rest follows. */
static void test_recovery_before_next_call(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 0)) };
        CallRow rows[] = {
                { "op1", ATS(0, 14, 32, 57), ATS(0, 15, 42, 28) },
                { "op1", ATS(0, 15, 42, 32), ATS(0, 15, 43, 32) },
                { "op1", ATS(0, 15, 43, 37), ATS(0, 15, 45, 31) },
        };
        Incident items[] = { incident_of("p", "op1", "prolonged_call", ATS(0, 15, 42, 28), 0) };
        _cleanup_(calls_done) Calls c = calls_of(rows, ELEMENTSOF(rows));
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_(metrics_freep) Metrics *m = NULL;
        const Break *b;

        items[0].duration = 69 * MIN_ + 31 * USEC_PER_SEC;
        plan = run_calls(&roster, &policy, items, 1, c.index, NULL, 0);
        assert_plan_sane(plan);
        assert_no_break_in_calls(plan, c.index);
        b = find_uid(plan, "op1-recovery-p");
        assert_int_equal(b->start, ATS(0, 15, 42, 28));
        assert_int_equal(b->end, ATS(0, 15, 42, 32));
        b = find_uid(plan, "op1-recovery-p-rest");
        assert_int_equal(b->start, AT(0, 15, 46));
        assert_int_equal(b->end, AT(0, 15, 56));
        assert_int_equal(plan->recoveries_interrupted, 1);
        assert_int_equal(plan->recoveries_late, 0);

        assert_int_equal(metrics_compute(plan, NULL, c.index, &m), 0);
        assert_int_equal(m->long_call_recoveries, 1);
        assert_int_equal(m->long_call_recoveries_prompt, 1);
        assert_int_equal(m->long_call_wait_max, 0);
}

/* An immediate recovery whose earliest start lies inside a call waits for
 * the call's end; a planned break that would start inside a call starts
 * after it, keeping its length. */
static void test_wait_for_call(void **state) {
        PlannedBreak planned[] = { { .start = AT(0, 15, 0), .end = AT(0, 15, 30) } };
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 0)) };
        CallRow rows[] = {
                { "op1", AT(0, 10, 0), ATS(0, 10, 32, 5) },
                { "op1", AT(0, 14, 50), ATS(0, 15, 4, 1) },
        };
        Incident items[] = { incident_of("t", "op1", "threat", AT(0, 10, 15), 0) };
        _cleanup_(calls_done) Calls c = calls_of(rows, ELEMENTSOF(rows));
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Break *b;

        shifts[0].planned = planned;
        shifts[0].n_planned = 1;
        plan = run_calls(&roster, &policy, items, 1, c.index, NULL, 0);
        assert_plan_sane(plan);
        assert_no_break_in_calls(plan, c.index);
        b = find_recovery_break(&plan->shifts[0], "op1-recovery-t");
        assert_int_equal(b->start, AT(0, 10, 33));
        assert_int_equal(b->end, AT(0, 10, 53));
        assert_int_equal(plan->recoveries_late, 0);
        b = kind_nth(&plan->shifts[0], BREAK_PLANNED, 0);
        assert_int_equal(b->start, AT(0, 15, 5));
        assert_int_equal(b->end, AT(0, 15, 35));
}

/* A preset whose meal must start by 5 h of work: when the operator is on a
 * call at every place before that, the meal starts after the call: an
 * overrun, not a violation. */
static void test_latest_overrun(void **state) {
        StatutoryTier tiers[] = { { .more_than = 5 * HOUR, .total = 30 * MIN_, .name = (char *) "meal",
                                    .latest = 5 * HOUR } };
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 0)) };
        CallRow rows[] = {
                { "op1", AT(0, 9, 50), ATS(0, 11, 30, 10) },
                { "op1", ATS(0, 11, 30, 40), ATS(0, 14, 20, 30) },      /* the next, 30 s later */
        };
        _cleanup_(calls_done) Calls c = calls_of(rows, ELEMENTSOF(rows));
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_(metrics_freep) Metrics *m = NULL;
        const Break *b;

        policy.statutory.tiers = tiers;
        policy.statutory.n_tiers = ELEMENTSOF(tiers);
        plan = run_calls(&roster, &policy, NULL, 0, c.index, NULL, 0);
        assert_plan_sane(plan);
        assert_no_break_in_calls(plan, c.index);
        b = kind_nth(&plan->shifts[0], BREAK_STATUTORY, 0);
        assert_int_equal(b->start, AT(0, 14, 21));
        assert_int_equal(b->end, AT(0, 14, 51));
        assert_false(plan->shifts[0].statutory_violation);
        assert_int_equal(plan->statutory_violations, 0);
        assert_int_equal(plan->shifts[0].statutory_overruns, 1);
        assert_int_equal(plan->statutory_overruns, 1);

        assert_int_equal(metrics_compute(plan, NULL, c.index, &m), 0);
        assert_int_equal(m->statutory_overruns, 1);
        assert_int_equal(m->break_starts_in_call, 0);

        /* Blind, the meal sits inside the call, by its latest start. */
        plan = plan_free(plan);
        plan = run_calls(&roster, &policy, NULL, 0, NULL, NULL, 0);
        assert_int_equal(plan->statutory_overruns, 0);
        assert_int_equal(plan->statutory_violations, 0);
        m = metrics_free(m);
        assert_int_equal(metrics_compute(plan, NULL, c.index, &m), 0);
        assert_int_equal(m->break_starts_in_call, 1);
}

/* A call starting inside a recovery cuts it; the rest follows the call,
 * and again when another call cuts the rest. */
static void test_interrupted_recovery(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 0)) };
        CallRow rows[] = {
                { "op1", ATS(0, 10, 5, 30), ATS(0, 10, 12, 10) },
                { "op1", AT(0, 10, 20), AT(0, 10, 21) },
        };
        Incident items[] = { incident_of("t", "op1", "threat", AT(0, 10, 0), 0) };
        _cleanup_(calls_done) Calls c = calls_of(rows, ELEMENTSOF(rows));
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *plan = run_calls(&roster, &policy, items, 1, c.index, NULL, 0);
        _cleanup_(metrics_freep) Metrics *m = NULL;
        const Break *b;

        assert_plan_sane(plan);
        assert_no_break_in_calls(plan, c.index);
        b = find_uid(plan, "op1-recovery-t");
        assert_int_equal(b->start, AT(0, 10, 0));
        assert_int_equal(b->end, ATS(0, 10, 5, 30));
        assert_int_equal(b->trigger, AT(0, 10, 0));

        /* 14 min 30 s were left: 15 minutes after the call. */
        b = find_uid(plan, "op1-recovery-t-rest");
        assert_int_equal(b->kind, BREAK_RECOVERY);
        assert_int_equal(b->start, AT(0, 10, 13));
        assert_int_equal(b->end, AT(0, 10, 20));
        assert_int_equal(b->trigger, ATS(0, 10, 12, 10));
        assert_string_equal(b->reason,
                            "rest of the recovery interrupted by a call (after a threatening call (threat))");

        /* Cut again at 10:20 with 8 min left. */
        b = find_uid(plan, "op1-recovery-t-rest-2");
        assert_int_equal(b->start, AT(0, 10, 21));
        assert_int_equal(b->end, AT(0, 10, 29));
        assert_int_equal(b->trigger, AT(0, 10, 21));

        assert_int_equal(plan->shifts[0].recoveries, 1);
        assert_int_equal(plan->recoveries_interrupted, 2);
        assert_int_equal(metrics_compute(plan, NULL, c.index, &m), 0);
        assert_int_equal(m->recoveries_interrupted, 2);

        /* A revision later reads the parts taken back: the same plan. */
        {
                _cleanup_(plan_freep) Plan *again = run_calls(&roster, &policy, items, 1, c.index, plan, AT(0, 10, 25));

                assert_plan_equal_but_now(again, plan);
                assert_int_equal(again->recoveries_interrupted, 2);
                assert_int_equal(again->breaks_moved, 0);
        }
}

/* A revision at now: a break of the previous plan that started before now
 * inside a call [start, now) never began: it is placed again at now (the
 * call is over) with its uid and length; a recovery in progress that a call started inside is
 * cut there and its rest follows. */
static void test_due_breaks(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 0)) };
        Incident items[] = {
                incident_of("t", "op1", "threat", AT(0, 10, 0), 0),
                incident_of("v", "op1", "verbal_abuse", AT(0, 15, 30), 0),
        };
        Roster roster = roster_of(shifts, 1);
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *prev = run_calls(&roster, &policy, items, 2, NULL, NULL, 0), *plan = NULL;
        const Break *st = kind_nth(&prev->shifts[0], BREAK_STATUTORY, 0);
        usec_t s = st->start, len = st->end - st->start;
        CallRow rows[] = {
                { "op1", s - 5 * MIN_, s + 10 * MIN_ + 20 * USEC_PER_SEC },     /* in progress at now */
        };
        _cleanup_(calls_done) Calls c = calls_of(rows, ELEMENTSOF(rows));
        usec_t now = rows[0].end;
        const Break *b;

        assert_int_equal(s, AT(0, 12, 35));
        plan = run_calls(&roster, &policy, items, 2, c.index, prev, now);
        assert_plan_sane(plan);
        assert_no_break_in_calls(plan, c.index);
        b = find_uid(plan, st->uid);
        assert_int_equal(b->start, now);       /* at once: the call is over, as the ACD's next status */
        assert_int_equal(b->end - b->start, len);
        assert_int_equal(find_uid(plan, "op1-recovery-t")->start, AT(0, 10, 0));       /* frozen */
        assert_int_equal(plan->statutory_violations, 0);

        /* A recovery begun (10:00-10:20) and a call from 10:05 still on at
         * 10:08: the part taken stays, the rest (15 min) from now. */
        {
                CallRow on[] = { { "op1", AT(0, 10, 5), AT(0, 10, 8) } };
                _cleanup_(calls_done) Calls c2 = calls_of(on, 1);
                _cleanup_(plan_freep) Plan *p2 = run_calls(&roster, &policy, items, 2, c2.index, prev, AT(0, 10, 8));

                assert_plan_sane(p2);
                b = find_uid(p2, "op1-recovery-t");
                assert_int_equal(b->start, AT(0, 10, 0));
                assert_int_equal(b->end, AT(0, 10, 5));
                b = find_uid(p2, "op1-recovery-t-rest");
                assert_int_equal(b->start, AT(0, 10, 8));
                assert_int_equal(b->end, AT(0, 10, 23));
                assert_int_equal(p2->recoveries_interrupted, 1);
        }

        /* A recovery due while the operator was on a call starts at the
         * call's end, not a whole minute: 15:30 in the previous plan, the
         * call 15:29-15:36:30. */
        {
                CallRow on[] = { { "op1", AT(0, 15, 29), ATS(0, 15, 36, 30) } };
                _cleanup_(calls_done) Calls c3 = calls_of(on, 1);
                _cleanup_(plan_freep) Plan *p3 = NULL;

                assert_int_equal(find_uid(prev, "op1-recovery-v")->start, AT(0, 15, 30));
                p3 = run_calls(&roster, &policy, items, 2, c3.index, prev, ATS(0, 15, 36, 30));
                b = find_uid(p3, "op1-recovery-v");
                assert_int_equal(b->start, ATS(0, 15, 36, 30));
                assert_int_equal(b->end, ATS(0, 15, 46, 30));
        }
}

/* Without calls (none given, none of the operators', or an empty index)
 * the plan is the plan of before, break for break. */
static void test_no_calls_same_plan(void **state) {
        PlannedBreak planned[] = { { .start = AT(0, 12, 0), .end = AT(0, 12, 30) } };
        Shift shifts[] = {
                shift_of(0, AT(0, 9, 0), AT(0, 18, 0)),
                shift_of(1, AT(0, 8, 0), AT(0, 15, 0)),
                shift_of(2, AT(0, 13, 0), AT(0, 22, 0)),
        };
        Incident items[] = {
                incident_of("a", "op1", "threat", AT(0, 11, 50), 0),
                incident_of("b", "op2", "other", AT(0, 9, 10), 0),
                incident_of("c", "op2", "unreasonable_demand", AT(0, 9, 40), 0),
                incident_of("d", "op3", "prolonged_call", AT(0, 17, 3), 0),
        };
        CallRow rows[] = { { "op9", AT(0, 8, 0), AT(0, 23, 0) } };
        _cleanup_(calls_done) Calls other = calls_of(rows, 1), empty = calls_of(NULL, 0);
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        _cleanup_(plan_freep) Plan *a = NULL, *b = NULL, *c = NULL, *ra = NULL, *rb = NULL;

        shifts[0].planned = planned;
        shifts[0].n_planned = 1;
        items[3].duration = 75 * MIN_;
        a = run_calls(&roster, &policy, items, ELEMENTSOF(items), NULL, NULL, 0);
        b = run_calls(&roster, &policy, items, ELEMENTSOF(items), other.index, NULL, 0);
        c = run_calls(&roster, &policy, items, ELEMENTSOF(items), empty.index, NULL, 0);
        assert_plan_equal(a, b);
        assert_plan_equal(a, c);
        ra = run_calls(&roster, &policy, items, ELEMENTSOF(items), NULL, a, AT(0, 12, 10));
        rb = run_calls(&roster, &policy, items, ELEMENTSOF(items), other.index, b, AT(0, 12, 10));
        assert_plan_equal(ra, rb);
}

static const CallIndex *test_calls_of(const char *operator, void *userdata) {
        return userdata;
}

static const IncidentList *test_incidents_of(const char *operator, void *userdata) {
        static Incident items[1];
        static IncidentList l = { items, ELEMENTSOF(items) };

        items[0] = incident_of("t", "op1", "threat", AT(0, 13, 10), 0);
        return &l;
}

/* planner_revise_team() with calls_of revises the operator as planner_run()
 * with the same calls and the previous plan at the same now does, and
 * leaves the others (without coverage, op2) as they were. */
static void test_revise_team_calls(void **state) {
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 17, 0)), shift_of(1, AT(0, 9, 0), AT(0, 17, 0)) };
        CallRow rows[] = {
                { "op1", AT(0, 12, 30), ATS(0, 13, 40, 10) },
                { "op2", AT(0, 12, 0), AT(0, 12, 50) },
        };
        _cleanup_(calls_done) Calls c = calls_of(rows, ELEMENTSOF(rows));
        Roster roster = roster_of(shifts, ELEMENTSOF(shifts));
        Policy policy = test_policy();
        const IncidentList *l = test_incidents_of("op1", NULL);
        _cleanup_(plan_freep) Plan *inc = NULL, *full = NULL, *next = NULL;
        const size_t *revised;

        assert_int_equal(planner_run(&roster, &policy, NULL, l, NULL, NULL, AT(0, 9, 0), &inc), 0);
        assert_int_equal(planner_run(&roster, &policy, NULL, l, NULL, NULL, AT(0, 9, 0), &full), 0);
        assert_int_equal(planner_revise_team(inc, &roster, &policy, NULL, test_incidents_of, test_calls_of, c.index,
                                             AT(0, 13, 40), "op1", &revised), 1);
        assert_int_equal(planner_run(&roster, &policy, NULL, l, c.index, full, AT(0, 13, 40), &next), 0);
        assert_int_equal(inc->shifts[0].n_breaks, next->shifts[0].n_breaks);
        for (size_t j = 0; j < inc->shifts[0].n_breaks; j++)
                assert_break_equal(&inc->shifts[0].breaks[j], &next->shifts[0].breaks[j]);
        /* op1's statutory break, due in the call, merged with the recovery after it. */
        assert_int_equal(inc->shifts[0].breaks[0].start, AT(0, 13, 41));
        assert_string_equal(inc->shifts[0].breaks[0].recovery_uid, "op1-recovery-t");
        assert_int_equal(inc->shifts[1].breaks[0].start, full->shifts[1].breaks[0].start);
}

/* The metrics of calls: breaks starting inside a call, recoveries after a
 * call of 60 min or more and how soon they began. */
static void test_metrics_calls(void **state) {
        Break breaks[] = {
                { .kind = BREAK_RECOVERY, .start = AT(0, 11, 1), .end = AT(0, 11, 11), .trigger = ATS(0, 11, 0, 30),
                  .uid = (char *) "r1", .reason = (char *) "x" },
                { .kind = BREAK_STATUTORY, .start = AT(0, 12, 30), .end = AT(0, 13, 15), .uid = (char *) "s1",
                  .reason = (char *) "x" },
                { .kind = BREAK_RECOVERY, .start = AT(0, 15, 0), .end = AT(0, 15, 10), .trigger = AT(0, 14, 50),
                  .uid = (char *) "r2", .reason = (char *) "x" },
        };
        ShiftPlan sp = { .operator = (char *) "op1", .team = (char *) "team-a", .start = AT(0, 9, 0),
                         .end = AT(0, 17, 0), .uid = (char *) "op1-x", .breaks = breaks, .n_breaks = 3 };
        Plan plan = { .shifts = &sp, .n_shifts = 1, .statutory_overruns = 2, .recoveries_interrupted = 3 };
        CallRow rows[] = {
                { "op1", AT(0, 10, 0), ATS(0, 11, 0, 30) },     /* 60.5 min: r1 within 1 min */
                { "op1", AT(0, 12, 20), AT(0, 12, 40) },        /* s1 starts inside */
                { "op1", AT(0, 13, 45), AT(0, 14, 50) },        /* 65 min: r2 after 10 min */
        };
        _cleanup_(calls_done) Calls c = calls_of(rows, ELEMENTSOF(rows));
        _cleanup_(metrics_freep) Metrics *m = NULL, *blind = NULL;
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f;

        assert_int_equal(metrics_compute(&plan, NULL, c.index, &m), 0);
        assert_true(m->calls_known);
        assert_int_equal(m->break_starts_in_call, 1);
        assert_int_equal(m->long_call_recoveries, 2);
        assert_int_equal(m->long_call_recoveries_prompt, 1);
        assert_int_equal(m->long_call_wait_max, 10 * MIN_);

        f = open_memstream(&text, &size);
        assert_non_null(f);
        assert_int_equal(metrics_print(m, f), 0);
        fclose(f);
        assert_non_null(strstr(text, "break starts inside a call: 1\n"));
        assert_non_null(strstr(text, "recoveries after a call of 60 min or more: 2, started within 2 min of the "
                                     "call's end: 1, longest wait: 10.0 min\n"));
        assert_non_null(strstr(text, "statutory breaks started late because of a call: 2\n"));
        assert_non_null(strstr(text, "recoveries interrupted by a call: 3\n"));

        assert_int_equal(metrics_compute(&plan, NULL, NULL, &blind), 0);
        assert_false(blind->calls_known);
        assert_int_equal(blind->break_starts_in_call, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_statutory_around_call),
                cmocka_unit_test(test_recovery_at_call_end),
                cmocka_unit_test(test_recovery_before_next_call),
                cmocka_unit_test(test_wait_for_call),
                cmocka_unit_test(test_latest_overrun),
                cmocka_unit_test(test_interrupted_recovery),
                cmocka_unit_test(test_due_breaks),
                cmocka_unit_test(test_no_calls_same_plan),
                cmocka_unit_test(test_revise_team_calls),
                cmocka_unit_test(test_metrics_calls),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
