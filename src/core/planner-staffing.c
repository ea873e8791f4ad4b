/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/planner-internal.h"

/* Operators on the phones per team and whole minute, and what coverage
 * needs there; kept in the plan so that a revision of one operator updates
 * it in place. */
struct Staffing {
        usec_t origin;                  /* minute 0, UTC, a whole minute */
        size_t n_minutes;
        char **teams;                   /* sorted */
        size_t n_teams;
        int32_t *on;                    /* [team * n_minutes + minute] */
        uint32_t *need;                 /* same shape */
};

Staffing *planner_staffing_free(Staffing *s) {
        if (!s)
                return NULL;
        strv_free(s->teams);
        free(s->on);
        free(s->need);
        return mfree(s);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Staffing *, planner_staffing_free);

ssize_t planner_staffing_team(const Staffing *s, const char *team) {
        size_t lo = 0, hi = s ? s->n_teams : 0;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(s->teams[mid], team);

                if (c == 0)
                        return (ssize_t) mid;
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}

/* The minutes [*a, *b) of the staffing arrays that [start, end) touches. */
static void planner_staffing_range(const Staffing *s, usec_t start, usec_t end, size_t *a, size_t *b) {
        usec_t lo = start > s->origin ? (start - s->origin) / USEC_PER_MINUTE : 0;
        usec_t hi = end > s->origin ? (end - s->origin + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE : 0;

        *a = MIN(lo, (usec_t) s->n_minutes);
        *b = MIN(hi, (usec_t) s->n_minutes);
}

static void planner_staffing_add(Staffing *s, ssize_t team, usec_t start, usec_t end, int32_t delta) {
        size_t a, b;

        if (!s || team < 0)
                return;
        planner_staffing_range(s, start, end, &a, &b);
        for (int32_t *on = s->on + (size_t) team * s->n_minutes; a < b; a++)
                on[a] += delta;
}

void planner_staffing_add_breaks(Staffing *s, const ShiftPlan *sp, int32_t delta) {
        ssize_t team = planner_staffing_team(s, sp->team);

        for (size_t i = 0; i < sp->n_breaks; i++)
                planner_staffing_add(s, team, sp->breaks[i].start, sp->breaks[i].end, delta);
}

void planner_staffing_add_planned(Staffing *s, const Roster *roster, const Shift *shift, int32_t delta) {
        ssize_t team = planner_staffing_team(s, roster->operators[shift->operator].team);

        for (size_t k = 0; k < shift->n_planned; k++)
                planner_staffing_add(s, team, shift->planned[k].start, shift->planned[k].end, delta);
}

usec_t planner_coverage_cost(const Planning *p, usec_t start, usec_t end) {
        const Staffing *s = p->in->staffing;
        const int32_t *on;
        const uint32_t *need;
        usec_t cost = 0;
        size_t a, b;

        if (!s || p->team < 0)
                return 0;
        planner_staffing_range(s, start, end, &a, &b);
        on = s->on + (size_t) p->team * s->n_minutes;
        need = s->need + (size_t) p->team * s->n_minutes;
        for (; a < b; a++)
                cost += on[a] - 1 < (int64_t) need[a];
        return cost;
}

int planner_staffing_new(const Roster *roster, const Coverage *coverage, Staffing **ret) {
        _cleanup_(planner_staffing_freep) Staffing *s = NULL;
        usec_t first = USEC_INFINITY, last = 0;

        s = calloc(1, sizeof(Staffing));
        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < roster->n_shifts; i++) {
                first = MIN(first, roster->shifts[i].start);
                last = MAX(last, roster->shifts[i].end);
        }
        /* The roster's teams, sorted. */
        s->teams = calloc(roster->n_teams + 1, sizeof(char *));
        if (!s->teams)
                return -ENOMEM;
        for (size_t i = 0; i < roster->n_teams; i++) {
                s->teams[i] = strdup(roster->teams[i]);
                if (!s->teams[i])
                        return -ENOMEM;
                s->n_teams++;
        }
        if (roster->n_shifts > 0) {
                s->origin = first / USEC_PER_MINUTE * USEC_PER_MINUTE;
                s->n_minutes = (size_t) ((last - s->origin + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE);
        }
        s->on = calloc(MAX(s->n_teams * s->n_minutes, (size_t) 1), sizeof(int32_t));
        s->need = calloc(MAX(s->n_teams * s->n_minutes, (size_t) 1), sizeof(uint32_t));
        if (!s->on || !s->need)
                return -ENOMEM;

        for (size_t t = 0; t < s->n_teams; t++) {
                const TeamCoverage *tc = coverage_find_team(coverage, s->teams[t]);

                for (size_t m = 0; tc && m < s->n_minutes; m++)
                        s->need[t * s->n_minutes + m] =
                                team_coverage_required(tc, s->origin + m * USEC_PER_MINUTE);
        }
        for (size_t i = 0; i < roster->n_shifts; i++) {
                const Shift *shift = &roster->shifts[i];

                /* The roster's planned breaks are known from the start; each
                 * shift gives its own back while it is planned. */
                planner_staffing_add(s, planner_staffing_team(s, roster->operators[shift->operator].team),
                                     shift->start, shift->end, 1);
                planner_staffing_add_planned(s, roster, shift, -1);
        }

        *ret = TAKE_PTR(s);
        return 0;
}
