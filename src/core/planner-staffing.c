/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/planner-internal.h"

/* Operators on the phones per team and whole minute, and what coverage
 * needs there; kept in the plan so that a revision of one operator updates
 * it in place.
 *
 * Each team counts only the minutes its own shifts span: a team's breaks
 * lie inside its shifts, so no count changes outside them, and a team of
 * early shifts holds no minutes of the late ones. The counts are 16 bits
 * wide: at any minute the count of a team lies between minus and plus the
 * number of its shifts (each shift is on the phones or not, its breaks never
 * overlap), so STAFFING_NARROW_MAX shifts per team fit. A roster with a
 * bigger team keeps every count in 32 bits, as before. */
#define STAFFING_NARROW_MAX INT16_MAX

typedef struct StaffingTeam {
        size_t first;                   /* the team's minute 0, in minutes from Staffing.origin */
        size_t n_minutes;               /* the span of the team's shifts */
        size_t offset;                  /* of minute 0 in the arrays */
} StaffingTeam;

struct Staffing {
        usec_t origin;                  /* minute 0 of the roster, UTC, a whole minute */
        size_t n_minutes;               /* the roster's span */
        char **teams;                   /* sorted */
        size_t n_teams;
        StaffingTeam *spans;            /* per team */
        bool wide;                      /* a team has more than STAFFING_NARROW_MAX shifts */
        union {
                int16_t *on16;          /* [span offset + minute] */
                int32_t *on32;
                void *on;
        };
        union {
                uint16_t *need16;       /* same shape; clamped at UINT16_MAX (see planner_coverage_cost()) */
                uint32_t *need32;
                void *need;
        };
};

Staffing *planner_staffing_free(Staffing *s) {
        if (!s)
                return NULL;
        strv_free(s->teams);
        free(s->spans);
        free(s->on);
        free(s->need);
        return mfree(s);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Staffing *, planner_staffing_free);

ssize_t planner_staffing_team(const Staffing *s, const char *team) {
        char **found = s && s->n_teams > 0 ?
                bsearch(&team, s->teams, s->n_teams, sizeof(char *), strptr_compare) : NULL;

        return found ? found - s->teams : -1;
}

/* The minutes [*a, *b) of the roster's span that [start, end) touches. */
static void planner_staffing_range(const Staffing *s, usec_t start, usec_t end, size_t *a, size_t *b) {
        usec_t lo = start > s->origin ? (start - s->origin) / USEC_PER_MINUTE : 0;
        usec_t hi = end > s->origin ? (end - s->origin + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE : 0;

        *a = MIN(lo, (usec_t) s->n_minutes);
        *b = MIN(hi, (usec_t) s->n_minutes);
}

/* [*a, *b), minutes of the roster's span, narrowed to team t's span and
 * made indices into its arrays. */
static void planner_staffing_team_range(const Staffing *s, size_t t, size_t *a, size_t *b) {
        const StaffingTeam *st = &s->spans[t];
        size_t end = st->first + st->n_minutes;

        *a = MIN(MAX(*a, st->first), end) - st->first + st->offset;
        *b = MIN(MAX(*b, st->first), end) - st->first + st->offset;
}

static void planner_staffing_add(Staffing *s, ssize_t team, usec_t start, usec_t end, int32_t delta) {
        size_t a, b;

        if (!s || team < 0)
                return;
        planner_staffing_range(s, start, end, &a, &b);
        planner_staffing_team_range(s, (size_t) team, &a, &b);
        if (s->wide)
                for (; a < b; a++)
                        s->on32[a] += delta;
        else
                for (; a < b; a++)
                        s->on16[a] = (int16_t) (s->on16[a] + delta);
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

/* A minute counts when on - 1 < need. Outside the team's span no shift of
 * the team is on the phones (on = 0), so every minute there counts. A
 * narrow count is at most STAFFING_NARROW_MAX, so a need clamped at
 * UINT16_MAX counts exactly as the need itself. */
usec_t planner_coverage_cost(const Planning *p, usec_t start, usec_t end) {
        const Staffing *s = p->in->staffing;
        size_t a, b, ta, tb;
        usec_t cost;

        if (!s || p->team < 0)
                return 0;
        planner_staffing_range(s, start, end, &a, &b);
        if (a >= b)
                return 0;
        ta = a, tb = b;
        planner_staffing_team_range(s, (size_t) p->team, &ta, &tb);
        cost = (b - a) - (tb - ta);
        if (s->wide)
                for (; ta < tb; ta++)
                        cost += s->on32[ta] - 1 < (int64_t) s->need32[ta];
        else
                for (; ta < tb; ta++)
                        cost += s->on16[ta] - 1 < (int32_t) s->need16[ta];
        return cost;
}

void planner_staffing_add_span(const Planning *p, usec_t start, usec_t end, int32_t delta) {
        planner_staffing_add(p->in->staffing, p->team, start, end, delta);
}

void planner_staffing_slack(const Planning *p, usec_t start, usec_t end, int32_t *ret) {
        const Staffing *s = p->in->staffing;
        size_t a, b, ta, tb, k = 0;

        planner_staffing_range(s, start, end, &a, &b);
        ta = a, tb = b;
        planner_staffing_team_range(s, (size_t) p->team, &ta, &tb);
        /* Before the team's span: nobody on, nobody needed. */
        for (size_t m = a; m < b && m < s->spans[p->team].first; m++)
                ret[k++] = 0;
        for (; ta < tb; ta++)
                ret[k++] = s->wide ? s->on32[ta] - (int32_t) s->need32[ta] : s->on16[ta] - (int32_t) s->need16[ta];
        while (k < b - a)
                ret[k++] = 0;
}

uint64_t planner_staffing_shortfall(const Staffing *s, ssize_t team) {
        const StaffingTeam *st;
        uint64_t sum = 0;

        if (!s || team < 0)
                return 0;
        st = &s->spans[team];
        for (size_t m = st->offset; m < st->offset + st->n_minutes; m++) {
                int64_t d = s->wide ? (int64_t) s->need32[m] - s->on32[m] : (int64_t) s->need16[m] - s->on16[m];

                sum += d > 0 ? (uint64_t) d : 0;
        }
        return sum;
}

/* Whole minutes from the roster's origin to t, rounded down or up. */
static size_t planner_staffing_minute(const Staffing *s, usec_t t, bool up) {
        return (size_t) ((t - s->origin + (up ? USEC_PER_MINUTE - 1 : 0)) / USEC_PER_MINUTE);
}

/* Each team's span: the minutes from its first shift start to its last
 * shift end; and whether a team has too many shifts for narrow counts. */
static int planner_staffing_spans(Staffing *s, const Roster *roster, size_t *ret_total) {
        _cleanup_free_ size_t *last = NULL, *n_shifts = NULL;
        size_t total = 0;

        s->spans = calloc(MAX(s->n_teams, (size_t) 1), sizeof(StaffingTeam));
        last = calloc(MAX(s->n_teams, (size_t) 1), sizeof(size_t));
        n_shifts = calloc(MAX(s->n_teams, (size_t) 1), sizeof(size_t));
        if (!s->spans || !last || !n_shifts)
                return -ENOMEM;
        for (size_t t = 0; t < s->n_teams; t++)
                s->spans[t].first = SIZE_MAX;
        for (size_t i = 0; i < roster->n_shifts; i++) {
                const Shift *shift = &roster->shifts[i];
                ssize_t t = planner_staffing_team(s, roster->operators[shift->operator].team);

                if (t < 0)
                        continue;
                s->spans[t].first = MIN(s->spans[t].first, planner_staffing_minute(s, shift->start, false));
                last[t] = MAX(last[t], planner_staffing_minute(s, shift->end, true));
                n_shifts[t]++;
        }
        for (size_t t = 0; t < s->n_teams; t++) {
                StaffingTeam *st = &s->spans[t];

                if (n_shifts[t] == 0)
                        st->first = 0;
                else
                        st->n_minutes = last[t] - st->first;
                st->offset = total;
                total += st->n_minutes;
                s->wide = s->wide || n_shifts[t] > STAFFING_NARROW_MAX;
        }
        *ret_total = total;
        return 0;
}

int planner_staffing_new(const Roster *roster, const Coverage *coverage, Staffing **ret) {
        _cleanup_(planner_staffing_freep) Staffing *s = NULL;
        usec_t first = USEC_INFINITY, last = 0;
        size_t total, width;
        int r;

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
                s->n_minutes = planner_staffing_minute(s, last, true);
        }
        r = planner_staffing_spans(s, roster, &total);
        if (r < 0)
                return r;
        width = s->wide ? sizeof(int32_t) : sizeof(int16_t);
        s->on = calloc(MAX(total, (size_t) 1), width);
        s->need = calloc(MAX(total, (size_t) 1), width);
        if (!s->on || !s->need)
                return -ENOMEM;

        for (size_t t = 0; t < s->n_teams; t++) {
                const TeamCoverage *tc = coverage_find_team(coverage, s->teams[t]);
                const StaffingTeam *st = &s->spans[t];

                for (size_t m = 0; tc && m < st->n_minutes; m++) {
                        unsigned need = team_coverage_required(tc, s->origin + (st->first + m) * USEC_PER_MINUTE);

                        if (s->wide)
                                s->need32[st->offset + m] = need;
                        else
                                s->need16[st->offset + m] = (uint16_t) MIN(need, (unsigned) UINT16_MAX);
                }
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
