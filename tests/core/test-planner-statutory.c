/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The planner: statutory breaks, on hand-made policies and the shipped
 * presets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/planner.h"
#include "planner-helpers.h"
#include "shared/i18n.h"
#include "shared/reason-words.h"
#include "test-helpers.h"

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

/* ---- presets: the shipped files, worked examples checked by hand ---- */

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

        /* 20 min under reg 12 and 5 min at least every hour, after the DSE
         * Regulations reg 4 and HSE's guidance; not LAC 94/1 (replaced,
         * then withdrawn). */
        assert_int_equal(a->statutory_violations, 0);
        assert_int_equal(a->shifts[0].breaks[0].start, AT(0, 10, 0));
        assert_int_equal(a->shifts[0].breaks[0].end, AT(0, 10, 5));
        assert_string_equal(a->shifts[0].breaks[0].reason, "statutory pause: a break after 1h of work (Working "
                            "Time Regulations 1998 reg 12; DSE Regulations 1992 reg 4 with HSE guidance L26)");
        assert_null(strstr(policy->statutory.source, "LAC"));
}

static void test_preset_kr(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("kr");
        Shift under = shift_of(0, AT(0, 9, 0), AT(0, 12, 59)), four = shift_of(0, AT(0, 9, 0), AT(0, 13, 0));
        Shift almost = shift_of(0, AT(0, 9, 0), AT(0, 16, 59)), eight = shift_of(0, AT(0, 9, 0), AT(0, 17, 0));
        Shift twelve = shift_of(0, AT(0, 8, 0), AT(0, 20, 0));
        _cleanup_(plan_freep) Plan *a = plan_one(policy, &under), *b = plan_one(policy, &four);
        _cleanup_(plan_freep) Plan *c = plan_one(policy, &almost), *d = plan_one(policy, &eight);
        _cleanup_(plan_freep) Plan *e = plan_one(policy, &twelve);
        const Break *k;

        /* Art. 54(1): 4 h of work or more (not "more than"): 30 min, in
         * one block in the middle; 3 h 59 min: none. */
        assert_int_equal(a->shifts[0].n_breaks, 0);
        assert_int_equal(b->shifts[0].n_breaks, 1);
        k = &b->shifts[0].breaks[0];
        assert_int_equal(k->start, AT(0, 10, 45));
        assert_int_equal(k->end, AT(0, 11, 15));
        assert_string_equal(k->reason, "statutory break: 30min for more than 3h 59min of work "
                            "(Korean Labour Standards Act art. 54(1))");
        /* 7 h 59 min: 30 min; 8 h: 1 h. */
        assert_int_equal(c->shifts[0].n_breaks, 1);
        assert_int_equal(c->shifts[0].breaks[0].end - c->shifts[0].breaks[0].start, 30 * MIN_);
        assert_int_equal(d->shifts[0].n_breaks, 1);
        assert_int_equal(d->shifts[0].breaks[0].end - d->shifts[0].breaks[0].start, HOUR);
        /* 12 h (overtime, as the Ministry reads art. 54): 1 h 30 min. */
        assert_int_equal(kind_count(&e->shifts[0], BREAK_STATUTORY), 1);
        assert_int_equal(e->shifts[0].breaks[0].end - e->shifts[0].breaks[0].start, 90 * MIN_);
        assert_int_equal(e->statutory_violations, 0);

        /* Art. 54(2), 50(3): neither a recovery break nor a pause taken on
         * one's own counts. */
        assert_false(policy->statutory.recovery_counts);
        assert_false(policy->statutory.pauses_count);
}

/* A recovery that pushes a max_stretch pause off the shift leaves nothing
 * to place: the pause was no part of a total, and the stretch it would have
 * ended is shorter than max_stretch once the recovery is in it. */
static void test_stretch_pause_pushed_off(void **state) {
        _cleanup_(policy_freep) Policy *policy = load_preset("jp-vdt");
        Shift shifts[] = { shift_of(0, AT(0, 9, 0), AT(0, 11, 25)) };
        Roster roster = roster_of(shifts, 1);
        Incident threat = incident_of("i1", "op1", "threat", AT(0, 11, 5), 0);
        _cleanup_(plan_freep) Plan *before = run(&roster, policy, NULL, 0, NULL, 0), *after = NULL;
        const ShiftPlan *sp;

        /* Pauses at 10:00 and 11:10, each after an hour of work. */
        sp = &before->shifts[0];
        assert_int_equal(sp->n_breaks, 2);
        assert_int_equal(sp->breaks[1].start, AT(0, 11, 10));

        /* A threat at 11:05: 20 min of recovery to the shift end, whose
         * pause has no room left and needs none. */
        after = run(&roster, policy, &threat, 1, before, AT(0, 11, 5));
        sp = &after->shifts[0];
        assert_int_equal(sp->n_breaks, 2);
        assert_int_equal(sp->breaks[0].start, AT(0, 10, 0));
        assert_int_equal(sp->breaks[1].kind, BREAK_RECOVERY);
        assert_int_equal(sp->breaks[1].start, AT(0, 11, 5));
        assert_int_equal(sp->breaks[1].end, AT(0, 11, 25));
        assert_false(sp->statutory_violation);
        assert_int_equal(after->statutory_violations, 0);
        assert_true(statutory_holds(policy, &shifts[0], sp));
}

/* Every shipped preset's reasons in Japanese: the rule's name and the
 * lengths in Japanese words, the law as the preset's source_ja names it
 * (every preset has one; reason-words.c's table of the shipped sources and
 * po/ agree with conf/presets), never its English source. */
static void test_presets_in_japanese(void **state) {
        _cleanup_free_ char *names = strdup(POLICY_PRESETS);
        char *saved = NULL;

        assert_non_null(names);
        for (char *name = strtok(names, " "); name; name = strtok(NULL, " ")) {
                _cleanup_(policy_freep) Policy *policy = load_preset(name);
                Shift day = shift_of(0, AT(0, 7, 0), AT(0, 17, 30));
                _cleanup_(plan_freep) Plan *plan = plan_one(policy, &day);
                const char *source_ja = translations_get(&policy->statutory.sources, "ja", NULL);

                print_message("%s: source_ja %s\n", name, source_ja ?: "(none)");
                assert_non_null(source_ja);
                assert_true(plan->shifts[0].n_breaks > 0);
                for (size_t i = 0; i < plan->shifts[0].n_breaks; i++) {
                        const char *reason = plan->shifts[0].breaks[i].reason;
                        _cleanup_free_ char *ja = NULL;

                        assert_int_equal(i18n_language_push("ja", &saved), 0);
                        ja = reason_translate(reason);
                        i18n_language_pop(saved);
                        print_message("%s: %s\n    %s\n", name, reason, ja);
                        assert_non_null(ja);
                        assert_non_null(strstr(ja, "法律で定められた"));
                        assert_null(strstr(ja, "statutory"));
                        assert_null(strstr(ja, "of work"));
                        assert_null(strstr(ja, "min"));
                        assert_non_null(strstr(ja, source_ja));
                        assert_null(strstr(ja, policy->statutory.source));
                }
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_statutory_thresholds),
                cmocka_unit_test(test_statutory_inside),
                cmocka_unit_test(test_statutory_short_margin),
                cmocka_unit_test(test_midnight),
                cmocka_unit_test(test_dst_day),
                cmocka_unit_test(test_statutory_violation),
                cmocka_unit_test(test_statutory_split),
                cmocka_unit_test(test_preset_jp),
                cmocka_unit_test(test_preset_us_ca),
                cmocka_unit_test(test_preset_de),
                cmocka_unit_test(test_preset_uk),
                cmocka_unit_test(test_preset_eu),
                cmocka_unit_test(test_preset_au_clerks),
                cmocka_unit_test(test_preset_jp_vdt),
                cmocka_unit_test(test_preset_uk_callcentre),
                cmocka_unit_test(test_preset_kr),
                cmocka_unit_test(test_stretch_pause_pushed_off),
                cmocka_unit_test(test_presets_in_japanese),
        };

        return cmocka_run_group_tests(tests, use_build_catalogues, NULL);
}
