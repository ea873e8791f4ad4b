/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>

#include "core/coverage.h"
#include "core/erlang.h"
#include "shared/time-util.h"

Coverage *coverage_free(Coverage *c) {
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_teams; i++) {
                free(c->teams[i].team);
                free(c->teams[i].required);
        }
        free(c->teams);
        return mfree(c);
}

static int coverage_team_cmp(const void *a, const void *b) {
        return strcmp(((const TeamCoverage *) a)->team, ((const TeamCoverage *) b)->team);
}

const TeamCoverage *coverage_find_team(const Coverage *c, const char *team) {
        TeamCoverage key = { .team = (char *) team };

        if (!c || c->n_teams == 0)
                return NULL;
        return bsearch(&key, c->teams, c->n_teams, sizeof(TeamCoverage), coverage_team_cmp);
}

unsigned team_coverage_required(const TeamCoverage *t, usec_t at) {
        size_t i;

        if (!t || at < t->start || t->interval == 0)
                return 0;
        i = (at - t->start) / t->interval;
        return i < t->n ? t->required[i] : 0;
}

/* One entry per team of the roster (roster->teams, sorted), each with n
 * intervals. */
static int coverage_new(const Roster *roster, usec_t start, usec_t interval, size_t n, Coverage **ret) {
        _cleanup_(coverage_freep) Coverage *c = calloc(1, sizeof(Coverage));

        if (!c)
                return -ENOMEM;
        c->teams = calloc(MAX(roster->n_teams, (size_t) 1), sizeof(TeamCoverage));
        if (!c->teams)
                return -ENOMEM;
        for (size_t i = 0; i < roster->n_teams; i++) {
                TeamCoverage *t = &c->teams[c->n_teams++];

                *t = (TeamCoverage) { .team = strdup(roster->teams[i]), .start = start, .interval = interval, .n = n };
                t->required = calloc(MAX(n, (size_t) 1), sizeof(unsigned));
                if (!t->team || !t->required)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

static bool coverage_band_holds(const CoverageBand *b, unsigned minute) {
        if (b->from < b->to)
                return minute >= b->from && minute < b->to;
        return minute >= b->from || minute < b->to;     /* crosses midnight (or all day) */
}

static int coverage_apply_bands(Coverage *c, const Policy *policy) {
        size_t n = c->n_teams > 0 ? c->teams[0].n : 0;

        if (policy->coverage.n_bands == 0)
                return 0;
        for (size_t i = 0; i < n; i++) {
                usec_t t = c->teams[0].start + i * c->teams[0].interval;
                CivilTime ct;
                int r;

                r = utc_to_civil(t, policy->timezone, &ct);
                if (r < 0)
                        return r;
                for (size_t k = 0; k < policy->coverage.n_bands; k++) {
                        const CoverageBand *b = &policy->coverage.bands[k];

                        if (!coverage_band_holds(b, (unsigned) (ct.hour * 60 + ct.minute)))
                                continue;
                        for (size_t j = 0; j < c->n_teams; j++)
                                if (streq(b->team, "*") || streq(b->team, c->teams[j].team))
                                        c->teams[j].required[i] = MAX(c->teams[j].required[i], b->minimum);
                }
        }
        return 0;
}

static int coverage_apply_calls(Coverage *c, const Policy *policy, const Roster *roster, const CallLog *calls) {
        size_t n = c->teams[0].n;
        usec_t start = c->teams[0].start, interval = c->teams[0].interval;
        _cleanup_free_ unsigned *count = calloc(c->n_teams * n, sizeof(unsigned));
        _cleanup_free_ usec_t *handle = calloc(c->n_teams * n, sizeof(usec_t));
        double target = policy->coverage.service_level / 100.0;
        double keep = 1 - policy->coverage.shrinkage / 100.0;

        if (!count || !handle)
                return -ENOMEM;
        for (size_t i = 0; i < calls->n_calls; i++) {
                const CallRecord *call = &calls->calls[i];
                ssize_t op = roster_find_operator(roster, call->operator);
                const TeamCoverage *t;
                size_t k;

                if (op < 0 || call->start < start || (call->start - start) / interval >= n)
                        continue;
                t = coverage_find_team(c, roster->operators[op].team);
                k = (size_t) (t - c->teams) * n + (call->start - start) / interval;
                count[k]++;
                handle[k] += call->end - call->start;
        }
        for (size_t k = 0; k < c->n_teams * n; k++) {
                usec_t aht;
                unsigned agents;

                if (count[k] == 0 || handle[k] == 0)
                        continue;
                aht = handle[k] / count[k];
                agents = erlang_agents(erlang_traffic(count[k], aht, interval), aht,
                                       policy->coverage.answer_within, target);
                agents = (unsigned) ceil(agents / keep - 1e-9);
                c->teams[k / n].required[k % n] = MAX(c->teams[k / n].required[k % n], agents);
        }
        return 0;
}

int coverage_build(const Policy *policy, const Roster *roster, const CallLog *calls, Coverage **ret) {
        _cleanup_(coverage_freep) Coverage *c = NULL;
        usec_t interval = policy->coverage.interval ?: 30 * USEC_PER_MINUTE;
        usec_t first = USEC_INFINITY, last = 0;
        size_t n;
        int r;

        for (size_t i = 0; i < roster->n_shifts; i++) {
                first = MIN(first, roster->shifts[i].start);
                last = MAX(last, roster->shifts[i].end);
        }
        if (roster->n_shifts == 0)
                first = last = 0;
        first = first / interval * interval;
        n = (size_t) ((last - first + interval - 1) / interval);

        r = coverage_new(roster, first, interval, n, &c);
        if (r < 0)
                return r;
        if (c->n_teams > 0 && n > 0) {
                r = coverage_apply_bands(c, policy);
                if (r < 0)
                        return r;
                if (policy->coverage.from_calls && calls) {
                        r = coverage_apply_calls(c, policy, roster, calls);
                        if (r < 0)
                                return r;
                }
        }
        *ret = TAKE_PTR(c);
        return 0;
}
