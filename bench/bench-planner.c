/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-planner: time the planner on a synthetic site or a real month.
 *
 *   bench-planner OPERATORS          a synthetic day of OPERATORS operators
 *   bench-planner --bank DIR MONTH   the Anonymous Bank month (roster and calls)
 *
 * Prints one Markdown table row: operators, shifts, incidents, full-day plan,
 * a full revision after one incident (the reference), the incremental
 * revision of that operator alone, their ratio, the revision of their team
 * with the break search (what respited does on an incident, each member's
 * incidents apart), and the peak memory. Times
 * are medians of several runs, in milliseconds. Not a test: nothing is
 * asserted. See bench/README.md. */
#include <sys/resource.h>
#include <time.h>

#include "core/calls.h"
#include "core/coverage.h"
#include "core/incident.h"
#include "core/planner.h"
#include "core/policy.h"
#include "core/roster.h"
#include "import/inputs.h"
#include "shared/log.h"
#include "bench-util.h"

#define RUNS 7

/* Incidents per operator-hour in the Anonymous Bank, January–April 1999
 * (705 incidents the call-record detectors find in 10,369 rostered hours). */
static const double bank_rate = 0.068;

/* 2024-04-01T00:00:00Z. */
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)

/* A day of n operators in teams of 15: a shift mix of early, day, late,
 * long and part-time shifts, starts jittered by quarter hours. */
static int synthetic_roster(size_t n, Roster **ret) {
        static const struct { unsigned start, minutes; } mix[] = {
                { 6 * 60, 510 }, { 9 * 60, 510 }, { 9 * 60, 510 }, { 14 * 60, 510 },
                { 8 * 60, 600 }, { 10 * 60, 240 }, { 17 * 60, 300 },
        };
        _cleanup_(roster_freep) Roster *r = roster_new();
        uint32_t seed = 1;

        if (!r)
                return -ENOMEM;
        r->operators = calloc(n, sizeof(Operator));
        r->shifts = calloc(n, sizeof(Shift));
        if (!r->operators || !r->shifts)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                unsigned k = bench_lcg(&seed) % ELEMENTSOF(mix), jitter = (bench_lcg(&seed) % 5) * 15;
                usec_t start = DAY0 + (usec_t) (mix[k].start + jitter) * USEC_PER_MINUTE;

                if (asprintf(&r->operators[i].id, "op%06zu", i) < 0 ||
                    asprintf(&r->operators[i].name, "Operator %zu", i) < 0 ||
                    asprintf(&r->operators[i].team, "team%04zu", i / 15) < 0)
                        return -ENOMEM;
                r->shifts[i] = (Shift) { .operator = i, .start = start,
                                         .end = start + (usec_t) mix[k].minutes * USEC_PER_MINUTE };
                r->n_operators++;
                r->n_shifts++;
        }
        if (roster_finish(r, 0) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(r);
        return 0;
}

/* 70 % of each team's rostered operators, per half hour. */
static int synthetic_coverage(const Roster *r, const Policy *p, Coverage **ret) {
        Coverage *c;
        int k;

        k = coverage_build(p, r, NULL, &c);
        if (k < 0)
                return k;
        for (size_t i = 0; i < r->n_shifts; i++) {
                TeamCoverage *t = (TeamCoverage *) coverage_find_team(c, r->operators[r->shifts[i].operator].team);

                for (usec_t at = r->shifts[i].start; at < r->shifts[i].end; at += t->interval)
                        t->required[(at - t->start) / t->interval]++;
        }
        for (size_t i = 0; i < c->n_teams; i++)
                for (size_t j = 0; j < c->teams[i].n; j++)
                        c->teams[i].required[j] = c->teams[i].required[j] * 7 / 10;
        *ret = c;
        return 0;
}

/* Incidents at the bank's rate: long calls, repeat callers, abuse, threats. */
static int synthetic_incidents(const Roster *r, IncidentList **ret) {
        static const char * const categories[] = {
                "prolonged_call", "prolonged_call", "prolonged_call", "prolonged_call", "prolonged_call",
                "repeat_caller", "repeat_caller", "repeat_caller", "verbal_abuse", "threat",
        };
        IncidentList *l = incident_list_new();
        uint32_t seed = 2;
        double hours = 0;
        size_t n;

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_shifts; i++)
                hours += (double) (r->shifts[i].end - r->shifts[i].start) / USEC_PER_HOUR;
        n = (size_t) (hours * bank_rate + 0.5);
        for (size_t i = 0; i < n; i++) {
                const Shift *s = &r->shifts[bench_lcg(&seed) % r->n_shifts];
                char id[32];
                Incident inc = {
                        .id = id,
                        .operator = r->operators[s->operator].id,
                        .category = (char *) categories[bench_lcg(&seed) % ELEMENTSOF(categories)],
                        .when = s->start + (usec_t) (bench_lcg(&seed) % ((s->end - s->start) / USEC_PER_MINUTE)) * USEC_PER_MINUTE,
                        .duration = (usec_t) (30 + bench_lcg(&seed) % 45) * USEC_PER_MINUTE,
                };

                inc.received = inc.when;
                snprintf(id, sizeof id, "syn-%zu", i);
                if (incident_list_add(l, &inc) < 0)
                        return -ENOMEM;
        }
        *ret = l;
        return 0;
}

/* A bank month as respited reads it: roster, calls, the incidents found in
 * them, coverage by Erlang C. */
static int bank_month(const char *dir, const char *month, const Policy *p, Inputs *ret) {
        _cleanup_free_ char *roster_path = NULL, *calls_path = NULL;
        int r;

        if (asprintf(&roster_path, "%s/roster-1999-%s.csv", dir, month) < 0 ||
            asprintf(&calls_path, "%s/calls-1999-%s.csv", dir, month) < 0)
                return -ENOMEM;
        r = inputs_load(p, &(const InputFiles) { .rosters = (char *[]) { roster_path, NULL },
                                                 .calls = (char *[]) { calls_path, NULL } }, NULL, ret);
        if (r < 0)
                return r;
        return ret->n_failed > 0 ? -EIO : 0;
}

/* Each operator's incidents, as respited keeps them for
 * planner_revise_team(): shallow copies (the strings stay the site list's). */
typedef struct BenchIncidents {
        const Roster *roster;
        IncidentList *of;               /* per operator of the roster */
} BenchIncidents;

static void bench_incidents_done(BenchIncidents *b) {
        for (size_t i = 0; b->of && i < b->roster->n_operators; i++)
                free(b->of[i].items);
        free(b->of);
}

static int bench_incidents_split(const Roster *roster, const IncidentList *all, BenchIncidents *ret) {
        *ret = (BenchIncidents) { .roster = roster, .of = calloc(MAX(roster->n_operators, (size_t) 1), sizeof(IncidentList)) };
        if (!ret->of)
                return -ENOMEM;
        for (size_t i = 0; i < all->n; i++) {
                ssize_t o = roster_find_operator(roster, all->items[i].operator);
                IncidentList *l;

                if (o < 0)
                        continue;
                l = &ret->of[o];
                if (array_grow((void **) &l->items, l->n + 1, sizeof(Incident)) < 0)
                        return -ENOMEM;
                l->items[l->n++] = all->items[i];
        }
        return 0;
}

/* planner_incidents_fn: the operator's own. */
static const IncidentList *bench_incidents_of(const char *operator, void *userdata) {
        const BenchIncidents *b = userdata;

        return &b->of[roster_find_operator(b->roster, operator)];
}

static int run(int argc, char *argv[]) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(inputs_done) Inputs in = {};
        _cleanup_free_ char *error = NULL;
        double full[RUNS], revision[RUNS], incremental[RUNS], team[RUNS];
        const Incident *last = NULL;
        const size_t *members;
        _cleanup_(bench_incidents_done) BenchIncidents split = {};
        struct rusage ru;
        ssize_t n_revised;
        const char *label;
        usec_t at;
        int r;

        r = policy_load_string("@include \"presets/jp.conf\"\n"
                               "site = { timezone = \"Asia/Jerusalem\"; };\n"
                               "coverage = { from_calls = true; };\n", "conf", &p, &error);
        if (r < 0)
                return log_error_errno(r, "%s", error ?: "Failed to load the policy.");

        if (argc == 4 && streq(argv[1], "--bank")) {
                r = bank_month(argv[2], argv[3], p, &in);
                if (r < 0)
                        return log_error_errno(r, "Failed to load the bank month %s: %m", argv[3]);
                label = argv[3];
        } else if (argc == 2) {
                size_t n = strtoul(argv[1], NULL, 10);

                if (n == 0)
                        return log_error_errno(EINVAL, "Expected a number of operators, got '%s'.", argv[1]);
                if (synthetic_roster(n, &in.roster) < 0 || synthetic_coverage(in.roster, p, &in.coverage) < 0 ||
                    synthetic_incidents(in.roster, &in.incidents) < 0)
                        return log_oom();
                label = argv[1];
        } else
                return log_error_errno(EINVAL, "Usage: bench-planner OPERATORS | --bank DIR MONTH");

        /* The incident revised for: the one in the middle of the list. */
        if (in.incidents->n == 0)
                return log_error_errno(EINVAL, "No incidents to revise for.");
        last = &in.incidents->items[in.incidents->n / 2];
        at = last->received;
        if (bench_incidents_split(in.roster, in.incidents, &split) < 0)
                return log_oom();

        for (int k = 0; k < RUNS; k++) {
                _cleanup_(plan_freep) Plan *plan = NULL, *before = NULL, *after = NULL, *again = NULL;
                double t0, t1;

                t0 = bench_now_ms();
                r = planner_run(in.roster, p, in.coverage, in.incidents, NULL, NULL, 0, &plan);
                full[k] = bench_now_ms() - t0;
                if (r < 0)
                        return log_oom();
                plan = plan_free(plan);

                /* The plan just before the incident was received, then the
                 * revision at its receipt: in full (reference), and for the
                 * operator alone. */
                r = planner_run(in.roster, p, in.coverage, in.incidents, NULL, NULL, at - 1, &before);
                if (r < 0)
                        return log_oom();
                t0 = bench_now_ms();
                r = planner_run(in.roster, p, in.coverage, in.incidents, NULL, before, at, &after);
                t1 = bench_now_ms();
                revision[k] = t1 - t0;
                if (r < 0)
                        return log_oom();
                r = planner_run(in.roster, p, in.coverage, in.incidents, NULL, NULL, at - 1, &again);
                if (r < 0)
                        return log_oom();
                t0 = bench_now_ms();
                r = planner_revise_operator(before, in.roster, p, in.coverage, in.incidents, NULL, at, last->operator);
                incremental[k] = bench_now_ms() - t0;
                if (r < 0)
                        return log_error_errno(r, "Failed to revise: %m");
                t0 = bench_now_ms();
                n_revised = planner_revise_team(again, in.roster, p, in.coverage, bench_incidents_of, NULL, &split, at,
                                        last->operator, &members);
                team[k] = bench_now_ms() - t0;
                if (n_revised < 0)
                        return log_error_errno((int) n_revised, "Failed to revise the team: %m");
        }

        getrusage(RUSAGE_SELF, &ru);
        printf("| %s | %zu | %zu | %.2f | %.2f | %.4f | %.0f× | %.4f | %.1f |\n", label, in.roster->n_shifts, in.incidents->n,
               bench_median(full, RUNS), bench_median(revision, RUNS), bench_median(incremental, RUNS),
               bench_median(revision, RUNS) / MAX(bench_median(incremental, RUNS), 1e-6), bench_median(team, RUNS),
               ru.ru_maxrss / 1024.0);
        return 0;
}

int main(int argc, char *argv[]) {
        log_setup();
        return run(argc, argv) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
