/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the planner tests (include after <cmocka.h>): a policy, a
 * roster and incidents built by hand (the planner is tested alone, not the
 * loaders), running the planner, finding breaks, checking a plan's shape,
 * a flat coverage requirement, the shipped presets, and an independent check
 * of the statutory rules. */

#include "core/coverage.h"
#include "core/planner.h"
#include "core/policy.h"
#include "shared/reason.h"

#define MIN_ ((usec_t) USEC_PER_MINUTE)
#define HOUR ((usec_t) USEC_PER_HOUR)

/* 2024-04-01T00:00:00Z, a Monday. */
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)
/* Instant at day d, hh:mm:ss UTC. */
#define AT(d, h, m) (DAY0 + (usec_t) (d) * USEC_PER_DAY + (usec_t) (h) * HOUR + (usec_t) (m) * MIN_)
#define ATS(d, h, m, s) (AT(d, h, m) + (usec_t) (s) * USEC_PER_SEC)

static Category categories[] = {
        { (char *) "verbal_abuse", (char *) "verbal abuse", 0, 10 * MIN_, false, 0, 0, {} },
        { (char *) "threat", (char *) "a threatening call", 0, 20 * MIN_, true, 1, 0, {} },
        { (char *) "unreasonable_demand", (char *) "an unreasonable demand", 4, 0, false, 0, 0, {} },
        { (char *) "prolonged_call", (char *) "a very long call", 2, 0, false, 0, 0, {} },
        { (char *) "other", (char *) "another incident", 2, 0, false, 0, 0, {} },
        { (char *) "critical", (char *) "a critical incident", 0, 150 * MIN_, true, 1, 0, {} },
};

static StatutoryTier jp_tiers[] = {
        { .more_than = 6 * HOUR, .total = 45 * MIN_ },
        { .more_than = 8 * HOUR, .total = 60 * MIN_ },
};

static inline Policy test_policy(void) {
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
        { (char *) "op1", (char *) "Operator 1", (char *) "team-a", NULL, NULL },
        { (char *) "op2", (char *) "Operator 2", (char *) "team-a", NULL, NULL },
        { (char *) "op3", (char *) "Operator 3", (char *) "team-b", NULL, NULL },
};

static char *teams[] = { (char *) "team-a", (char *) "team-b", NULL };
static size_t by_team[] = { 0, 1, 2 };

static inline Roster roster_of(Shift *shifts, size_t n) {
        return (Roster) { operators, ELEMENTSOF(operators), shifts, n, teams, ELEMENTSOF(teams) - 1, by_team, NULL };
}

static inline Shift shift_of(size_t op, usec_t start, usec_t end) {
        return (Shift) { .operator = op, .start = start, .end = end, .source = (char *) "test" };
}

static inline Incident incident_of(const char *id, const char *op, const char *category, usec_t when, usec_t received) {
        return (Incident) {
                .id = (char *) id,
                .operator = (char *) op,
                .category = (char *) category,
                .when = when,
                .received = received ?: when,
        };
}

static inline Plan *run(const Roster *roster, const Policy *policy, Incident *items, size_t n,
                        const Plan *previous, usec_t now) {
        IncidentList l = { items, n };
        Plan *plan = NULL;

        assert_int_equal(planner_run(roster, policy, NULL, &l, NULL, previous, now, &plan), 0);
        assert_non_null(plan);
        return plan;
}

/* The nth (from 0) break of kind in sp, or NULL. */
static inline const Break *kind_nth(const ShiftPlan *sp, BreakKind kind, size_t nth) {
        for (size_t i = 0; i < sp->n_breaks; i++)
                if (sp->breaks[i].kind == kind && nth-- == 0)
                        return &sp->breaks[i];
        return NULL;
}

static inline size_t kind_count(const ShiftPlan *sp, BreakKind kind) {
        size_t n = 0;

        for (size_t i = 0; i < sp->n_breaks; i++)
                n += sp->breaks[i].kind == kind;
        return n;
}

static inline const Break *find_uid(const Plan *plan, const char *uid) {
        for (size_t i = 0; i < plan->n_shifts; i++)
                for (size_t j = 0; j < plan->shifts[i].n_breaks; j++)
                        if (streq(plan->shifts[i].breaks[j].uid, uid))
                                return &plan->shifts[i].breaks[j];
        fail_msg("no break %s", uid);
        return NULL;
}

static inline void assert_break_equal(const Break *a, const Break *b) {
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->start, b->start);
        assert_int_equal(a->end, b->end);
        assert_int_equal(a->trigger, b->trigger);
        assert_string_equal(a->uid, b->uid);
        assert_string_equal(a->reason, b->reason);
}

static inline void assert_plan_equal(const Plan *a, const Plan *b) {
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
/* Whether b's reason has a shape the readers know (reason_parse()), of its
 * kind: a recovery's own for a recovery, a statutory or planned one (a
 * recovery merged into it or not) for the others. */
static inline bool plan_reason_fits(const Break *b) {
        _cleanup_(reason_parsed_done) ReasonParsed p = {};

        if (reason_parse(b->reason, &p) < 0)
                return false;
        if (b->kind == BREAK_RECOVERY)
                return reason_shape_is_recovery(p.shape);
        if (p.shape == REASON_ALSO_RECOVERY)
                return b->recovery_uid != NULL;
        return !reason_shape_is_recovery(p.shape) &&
               (b->kind == BREAK_PLANNED) == (p.shape == REASON_PLANNED);
}

static inline void assert_plan_sane(const Plan *plan) {
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
                        /* Every reason has a shape of reason.c, the one its kind writes: the
                         * readers (reason_translate()) say each in their language. */
                        assert_true(plan_reason_fits(b));
                        if (j > 0)
                                assert_true(sp->breaks[j - 1].end <= b->start);
                }
        }
}

static inline Coverage *coverage_flat(const char *team, usec_t start, size_t n, unsigned required) {
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

static inline Policy *load_preset(const char *name) {
        _cleanup_free_ char *text = NULL, *error = NULL;
        Policy *policy = NULL;

        assert_true(asprintf(&text, "@include \"presets/%s.conf\"\n", name) > 0);
        if (policy_load_string(text, "conf", &policy, &error) < 0)
                fail_msg("%s: %s", name, error);
        return policy;
}

/* Work in [from, to) of sp, its breaks excluded. */
static inline usec_t work_between(const ShiftPlan *sp, usec_t from, usec_t to) {
        usec_t off = 0;

        for (size_t i = 0; i < sp->n_breaks; i++) {
                usec_t a = MAX(sp->breaks[i].start, from), b = MIN(sp->breaks[i].end, to);
                off += b > a ? b - a : 0;
        }
        return to - from - off;
}

static inline bool rule_block(const ShiftPlan *sp, const StatutoryTier *t, const Break *b) {
        size_t n = strlen(sp->uid);
        const char *prefix = t->name ?: "statutory";

        return b->kind == BREAK_STATUTORY && strncmp(b->uid, sp->uid, n) == 0 && b->uid[n] == '-' &&
                strncmp(b->uid + n + 1, prefix, strlen(prefix)) == 0 && b->uid[n + 1 + strlen(prefix)] == '-';
}

/* Independent check of every statutory rule of policy on one planned
 * shift: totals, blocks, latest start, longest stretch. */
static inline bool statutory_holds(const Policy *policy, const Shift *shift, const ShiftPlan *sp) {
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

/* The recovery uid of sp, or the break it merged into (fails without one). */
static inline const Break *find_recovery_break(const ShiftPlan *sp, const char *uid) {
        for (size_t i = 0; i < sp->n_breaks; i++)
                if (streq(sp->breaks[i].uid, uid) || streq_ptr(sp->breaks[i].recovery_uid, uid))
                        return &sp->breaks[i];
        fail_msg("no recovery %s", uid);
        return NULL;
}
