/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-optimum: small single-team days for an exact reference of the
 * planner's coverage; bench/optimum.py solves each as a MILP.
 *
 *   bench-optimum [FILE]
 *
 * Writes one JSON object per line (to FILE, or stdout) per instance: the
 * minute horizon (the team's coverage span), the requirement per minute,
 * each operator's shift, fixed breaks (the immediate recoveries of their
 * incidents, planned breaks) and statutory block (its length, its allowed
 * starts), and the planner's results with policy->search_steps = 0
 * ("before") and with the policy's own ("after"): the team's shortfall in
 * operator-minutes (metrics_compute()), statutory violations, the median
 * planning time in milliseconds and the breaks. Times are minutes from the
 * start of the span ("start", UTC). The generator is a fixed LCG: the same instances on
 * any machine. Not a test: nothing is asserted. See bench/README.md. */
#include <time.h>

#include "core/coverage.h"
#include "core/incident.h"
#include "core/metrics.h"
#include "core/planner.h"
#include "core/policy.h"
#include "core/roster.h"
#include "shared/log.h"
#include "bench-util.h"

#define RUNS 5
#define SEEDS 2

static const unsigned optimum_sizes[] = { 6, 8, 10, 12, 15, 18, 21, 25, 30 };

/* 2024-04-01T00:00:00Z. */
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)

/* ---- the instances ---- */

/* A team of n operators, one shift each, starting early (06:00–08:00), in
 * the day (08:30–10:30) or late (12:00–15:00) on quarter hours, in
 * proportions drawn per instance (1 to 4 parts each), 7 to 10 h long in
 * quarter hours. Returns 0 or a negative errno. */
static int optimum_roster(unsigned n, uint32_t seed, const Policy *p, Roster **ret) {
        static const struct { unsigned first, quarters; } mixes[] = {
                { 6 * 60, 9 }, { 8 * 60 + 30, 9 }, { 12 * 60, 13 },
        };
        _cleanup_(roster_freep) Roster *r = roster_new();
        unsigned weight[ELEMENTSOF(mixes)], total = 0;
        int k;

        if (!r)
                return -ENOMEM;
        for (size_t m = 0; m < ELEMENTSOF(mixes); m++)
                total += weight[m] = 1 + bench_lcg(&seed) % 4;
        for (unsigned i = 0; i < n; i++) {
                unsigned pick = bench_lcg(&seed) % total, m = 0, minutes;
                usec_t start;
                char id[16];

                while (pick >= weight[m])
                        pick -= weight[m++];
                start = DAY0 + (usec_t) (mixes[m].first + 15 * (bench_lcg(&seed) % mixes[m].quarters)) *
                        USEC_PER_MINUTE;
                minutes = 7 * 60 + 15 * (bench_lcg(&seed) % 13);
                snprintf(id, sizeof id, "op%02u", i);
                k = roster_add_shift(r, id, NULL, "team", start, start + (usec_t) minutes * USEC_PER_MINUTE,
                                     "bench-optimum");
                if (k < 0)
                        return k;
        }
        k = roster_finish(r, p->split_shift_gap);
        if (k < 0)
                return k;
        *ret = TAKE_PTR(r);
        return 0;
}

/* The requirement per interval: the operators whose shift covers the whole
 * interval, less slack (1: "tight", 2: "loose"), at least 0. Built as
 * bench-planner's synthetic_coverage(): coverage_build(), then the
 * required counts filled in. Returns 0 or a negative errno. */
static int optimum_coverage(const Roster *r, const Policy *p, unsigned slack, Coverage **ret) {
        _cleanup_(coverage_freep) Coverage *c = NULL;
        TeamCoverage *t;
        int k;

        k = coverage_build(p, r, NULL, &c);
        if (k < 0)
                return k;
        if (c->n_teams != 1)
                return -EINVAL;
        t = &c->teams[0];
        for (size_t j = 0; j < t->n; j++) {
                usec_t from = t->start + j * t->interval, to = from + t->interval;
                unsigned on = 0;

                for (size_t i = 0; i < r->n_shifts; i++)
                        on += r->shifts[i].start <= from && r->shifts[i].end >= to;
                t->required[j] = on > slack ? on - slack : 0;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

/* 1 + n / 6 incidents of distinct operators, each "threat" or
 * "verbal_abuse", at a time on the step grid from the shift start with its
 * recovery inside the shift (a step at least from either edge); received =
 * when, so the recovery is immediate and its place fixed. Recoveries must
 * be whole steps, so that a statutory block merged into one (planner.h,
 * "Merging") is a block on the grid right after it. Returns 0 or a negative
 * errno. */
static int optimum_incidents(const Roster *r, const Policy *p, uint32_t seed, IncidentList **ret) {
        static const char * const categories[] = { "threat", "verbal_abuse" };
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();
        _cleanup_free_ size_t *order = calloc(r->n_shifts, sizeof(size_t));
        size_t n = MIN(1 + r->n_shifts / 6, r->n_shifts);

        if (!l || !order)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_shifts; i++)
                order[i] = i;
        for (size_t i = r->n_shifts; i > 1; i--) {     /* Fisher–Yates */
                size_t j = bench_lcg(&seed) % i, t = order[i - 1];

                order[i - 1] = order[j];
                order[j] = t;
        }
        for (size_t i = 0; i < n; i++) {
                const Shift *s = &r->shifts[order[i]];
                const Category *c = policy_find_category(p, categories[bench_lcg(&seed) % ELEMENTSOF(categories)]);
                usec_t slots;
                char id[32];
                Incident inc;

                if (!c || c->recovery == 0 || c->recovery % p->step != 0 ||
                    s->end - s->start < c->recovery + 2 * p->step)
                        return -EINVAL;
                slots = (s->end - s->start - c->recovery - 2 * p->step) / p->step + 1;
                snprintf(id, sizeof id, "inc-%zu", i);
                inc = (Incident) {
                        .id = id,
                        .operator = r->operators[s->operator].id,
                        .category = c->name,
                        .when = s->start + p->step * (1 + bench_lcg(&seed) % slots),
                };
                inc.received = inc.when;
                if (incident_list_add(l, &inc) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* The statutory block of shift s as the model holds it, read from the
 * policy as the planner does (planner-statutory.c): its length is the total
 * of the highest tier whose more_than the working time (the shift less its
 * planned breaks) strictly exceeds (0: no break), and its start lies on the
 * step grid from the shift start with [start, start + length) inside
 * [shift start + earliest, shift end - edge_margin] (each margin at most
 * half the free time, for short shifts). Sets the first and last allowed
 * starts. The model knows one rule given in one block, without latest or
 * max_stretch: returns -EOPNOTSUPP for a policy asking more, else 0. */
static int optimum_statutory(const Policy *p, const Shift *s, usec_t *ret_len, usec_t *ret_first,
                             usec_t *ret_last) {
        const Statutory *st = &p->statutory;
        const StatutoryTier *tier = NULL;
        usec_t work = s->end - s->start, len, half, lo, hi;

        for (size_t i = 0; i < s->n_planned; i++)
                work -= MIN(work, s->planned[i].end - s->planned[i].start);
        for (size_t i = 0; i < st->n_tiers; i++) {
                const StatutoryTier *t = &st->tiers[i];

                if (!streq_ptr(t->name, st->tiers[0].name) || t->blocks > 1 || t->latest > 0 ||
                    t->max_stretch > 0 || (t->min_block ?: st->min_block) > 0)
                        return -EOPNOTSUPP;
                if (work > t->more_than)
                        tier = t;       /* sorted by more_than: the highest that applies wins */
        }
        len = tier ? tier->total : 0;
        *ret_len = len;
        if (len == 0 || len > s->end - s->start)
                return len == 0 ? 0 : -EOPNOTSUPP;
        half = (s->end - s->start - len) / 2 / p->step * p->step;
        lo = s->start + MIN(tier->earliest ?: st->edge_margin, half);
        hi = s->end - MIN(st->edge_margin, half);
        *ret_first = s->start + usec_ceil(lo - s->start, p->step);
        *ret_last = s->start + (hi - len - s->start) / p->step * p->step;
        return *ret_first <= *ret_last ? 0 : -EOPNOTSUPP;
}

/* ---- the planner's results ---- */

typedef struct OptimumRun {
        unsigned search_steps;
        uint64_t shortfall;     /* the team's, operator-minutes (metrics_compute()) */
        unsigned violations;    /* shifts breaking a statutory rule */
        double ms;              /* median planning time of RUNS runs */
        Plan *plan;             /* the last run's */
} OptimumRun;

static void optimum_run_done(OptimumRun *run) {
        run->plan = plan_free(run->plan);
}

/* Plan RUNS times with search_steps; keep the last plan and its metrics.
 * Returns 0 or a negative errno. */
static int optimum_plan(const Roster *r, Policy *p, const Coverage *c, const IncidentList *l,
                        unsigned search_steps, OptimumRun *ret) {
        _cleanup_(metrics_freep) Metrics *m = NULL;
        double ms[RUNS];
        int k;

        *ret = (OptimumRun) { .search_steps = search_steps };
        p->search_steps = search_steps;
        for (int i = 0; i < RUNS; i++) {
                double t0 = bench_now_ms();

                ret->plan = plan_free(ret->plan);
                k = planner_run(r, p, c, l, NULL, NULL, 0, &ret->plan);
                ms[i] = bench_now_ms() - t0;
                if (k < 0)
                        return k;
        }
        ret->ms = bench_median(ms, RUNS);
        k = metrics_compute(ret->plan, c, NULL, &m);
        if (k < 0)
                return k;
        ret->shortfall = m->shortfall_minutes;
        ret->violations = m->statutory_violations;
        return 0;
}

/* ---- JSON ---- */

/* An instant as minutes from t0 (whole unless the planner left the
 * minute grid). */
static double optimum_minutes(usec_t t0, usec_t t) {
        return ((double) t - (double) t0) / USEC_PER_MINUTE;
}

static void optimum_write_run(FILE *f, const OptimumRun *run, usec_t t0) {
        const char *sep = "";

        fprintf(f, "{\"search_steps\": %u, \"shortfall\": %" PRIu64 ", \"violations\": %u, \"ms\": %.4f, \"breaks\": [",
                run->search_steps, run->shortfall, run->violations, run->ms);
        for (size_t i = 0; i < run->plan->n_shifts; i++) {
                const ShiftPlan *sp = &run->plan->shifts[i];

                for (size_t j = 0; j < sp->n_breaks; j++, sep = ", ")
                        fprintf(f, "%s[\"%s\", \"%s\", %g, %g]", sep, sp->operator,
                                break_kind_to_string(sp->breaks[j].kind), optimum_minutes(t0, sp->breaks[j].start),
                                optimum_minutes(t0, sp->breaks[j].end));
        }
        fputs("]}", f);
}

/* The fixed breaks of shift s: its planned breaks and the recoveries of its
 * operator's incidents that happened in it, [when, when + recovery) cut at
 * the shift end. */
static void optimum_write_fixed(FILE *f, const Roster *r, const Policy *p, const IncidentList *l, const Shift *s,
                                usec_t t0) {
        const char *sep = "";

        fputc('[', f);
        for (size_t i = 0; i < s->n_planned; i++, sep = ", ")
                fprintf(f, "%s[%g, %g]", sep, optimum_minutes(t0, s->planned[i].start),
                        optimum_minutes(t0, s->planned[i].end));
        for (size_t i = 0; i < l->n; i++) {
                const Incident *inc = &l->items[i];
                const Category *c = policy_find_category(p, inc->category);

                if (!streq(inc->operator, r->operators[s->operator].id) || inc->when < s->start ||
                    inc->when >= s->end || !c || c->recovery == 0)
                        continue;
                fprintf(f, "%s[%g, %g]", sep, optimum_minutes(t0, inc->when),
                        optimum_minutes(t0, MIN(inc->when + c->recovery, s->end)));
                sep = ", ";
        }
        fputc(']', f);
}

static int optimum_write(FILE *f, const char *tightness, unsigned size, uint32_t seed, const Roster *r,
                         const Policy *p, const Coverage *c, const IncidentList *l, const OptimumRun *before,
                         const OptimumRun *after) {
        const TeamCoverage *t = &c->teams[0];
        size_t horizon = t->n * (t->interval / USEC_PER_MINUTE);
        time_t t0 = (time_t) (t->start / USEC_PER_SEC);
        char start[32];
        struct tm tm;

        if (!gmtime_r(&t0, &tm) || strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                return -EINVAL;
        fprintf(f, "{\"id\": \"n%02u-%s-%s-s%u\", \"size\": %u, \"tightness\": \"%s\", \"recoveries\": %s, "
                "\"seed\": %u, \"start\": \"%s\", \"step\": %g, \"horizon\": %zu, \"need\": [",
                size, tightness, l->n > 0 ? "rec" : "norec", seed, size, tightness, l->n > 0 ? "true" : "false",
                seed, start, optimum_minutes(0, p->step), horizon);
        for (size_t k = 0; k < horizon; k++)
                fprintf(f, "%s%u", k > 0 ? ", " : "", team_coverage_required(t, t->start + k * USEC_PER_MINUTE));
        fputs("], \"operators\": [", f);
        for (size_t i = 0; i < r->n_shifts; i++) {
                const Shift *s = &r->shifts[i];
                usec_t len, first = 0, last = 0;
                int k;

                k = optimum_statutory(p, s, &len, &first, &last);
                if (k < 0)
                        return k;
                fprintf(f, "%s{\"id\": \"%s\", \"shift\": [%g, %g], \"fixed\": ", i > 0 ? ", " : "",
                        r->operators[s->operator].id, optimum_minutes(t->start, s->start),
                        optimum_minutes(t->start, s->end));
                optimum_write_fixed(f, r, p, l, s, t->start);
                fprintf(f, ", \"length\": %g, \"starts\": [", optimum_minutes(0, len));
                for (usec_t g = first; len > 0 && g <= last; g += p->step)
                        fprintf(f, "%s%g", g > first ? ", " : "", optimum_minutes(t->start, g));
                fputs("]}", f);
        }
        fputs("], \"respite\": {\"before\": ", f);
        optimum_write_run(f, before, t->start);
        fputs(", \"after\": ", f);
        optimum_write_run(f, after, t->start);
        fputs("}}\n", f);
        return ferror(f) ? -EIO : 0;
}

/* ---- main ---- */

/* One instance: plan it before and after, write it. */
static int optimum_instance(FILE *f, const char *tightness, unsigned size, uint32_t seed, const Roster *r,
                            Policy *p, const Coverage *c, const IncidentList *l, unsigned search_steps) {
        _cleanup_(optimum_run_done) OptimumRun before = {}, after = {};
        int k;

        k = optimum_plan(r, p, c, l, 0, &before);
        if (k >= 0)
                k = optimum_plan(r, p, c, l, search_steps, &after);
        p->search_steps = search_steps;
        if (k < 0)
                return k;
        return optimum_write(f, tightness, size, seed, r, p, c, l, &before, &after);
}

static int run(int argc, char *argv[]) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(fclosep) FILE *out = NULL;
        _cleanup_free_ char *error = NULL;
        unsigned search_steps;
        int r;

        if (argc > 2)
                return log_error_errno(EINVAL, "Usage: bench-optimum [FILE]");
        r = policy_load_string("@include \"presets/jp.conf\"\n"
                               "site = { timezone = \"Asia/Tokyo\"; };\n", "conf", &p, &error);
        if (r < 0)
                return log_error_errno(r, "%s", error ?: "Failed to load the policy.");
        search_steps = p->search_steps;
        if (argc == 2) {
                out = fopen(argv[1], "we");
                if (!out)
                        return log_error_errno(errno, "Failed to open %s: %m", argv[1]);
        }

        for (size_t z = 0; z < ELEMENTSOF(optimum_sizes); z++)
                for (uint32_t seed = 1; seed <= SEEDS; seed++) {
                        _cleanup_(roster_freep) Roster *roster = NULL;
                        _cleanup_(incident_list_freep) IncidentList *none = incident_list_new(), *some = NULL;
                        uint32_t base = optimum_sizes[z] * 1000 + seed;

                        if (!none)
                                return log_oom();
                        r = optimum_roster(optimum_sizes[z], base, p, &roster);
                        if (r >= 0)
                                r = optimum_incidents(roster, p, base + 500, &some);
                        if (r < 0)
                                return log_error_errno(r, "Failed to make instance %u/%u: %m", optimum_sizes[z], seed);
                        for (unsigned slack = 1; slack <= 2; slack++) {
                                _cleanup_(coverage_freep) Coverage *c = NULL;
                                const char *tightness = slack == 1 ? "tight" : "loose";

                                r = optimum_coverage(roster, p, slack, &c);
                                if (r >= 0)
                                        r = optimum_instance(out ?: stdout, tightness, optimum_sizes[z], seed, roster,
                                                             p, c, none, search_steps);
                                if (r >= 0)
                                        r = optimum_instance(out ?: stdout, tightness, optimum_sizes[z], seed, roster,
                                                             p, c, some, search_steps);
                                if (r < 0)
                                        return log_error_errno(r, "Failed on instance %u/%u: %m", optimum_sizes[z], seed);
                        }
                }
        return fflush(out ?: stdout) == 0 ? 0 : log_error_errno(errno, "Failed to write: %m");
}

int main(int argc, char *argv[]) {
        log_setup();
        return run(argc, argv) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
