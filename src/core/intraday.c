/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>

#include "core/intraday.h"

Intraday *intraday_free(Intraday *d) {
        if (!d)
                return NULL;
        free(d->team);
        free(d->required);
        free(d->on_shift);
        free(d->on_phones);
        return mfree(d);
}

/* Add delta over the minutes of d's span that [start, end) touches, to the
 * difference array diff (n_minutes + 1). */
static void intraday_add(const Intraday *d, int32_t *diff, usec_t start, usec_t end, int32_t delta) {
        size_t a, b;

        if (end <= d->start || start >= d->end)
                return;
        a = start > d->start ? (size_t) ((start - d->start) / USEC_PER_MINUTE) : 0;
        b = (size_t) ((MIN(end, d->end) - d->start + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE);
        diff[a] += delta;
        diff[b] -= delta;
}

int intraday_compute(const Plan *plan, const Coverage *coverage, const char *team, usec_t start, usec_t end,
                     Intraday **ret) {
        _cleanup_(intraday_freep) Intraday *d = NULL;
        _cleanup_free_ int32_t *shifts = NULL, *off = NULL;
        const TeamCoverage *t = coverage ? coverage_find_team(coverage, team) : NULL;
        int32_t s = 0, o = 0;

        start -= start % USEC_PER_MINUTE;
        end += (USEC_PER_MINUTE - end % USEC_PER_MINUTE) % USEC_PER_MINUTE;
        if (end <= start)
                return -EINVAL;
        d = calloc(1, sizeof(Intraday));
        if (!d)
                return -ENOMEM;
        *d = (Intraday) {
                .team = strdup(team),
                .start = start,
                .end = end,
                .n_minutes = (size_t) ((end - start) / USEC_PER_MINUTE),
        };
        d->required = calloc(d->n_minutes, sizeof(unsigned));
        d->on_shift = calloc(d->n_minutes, sizeof(unsigned));
        d->on_phones = calloc(d->n_minutes, sizeof(unsigned));
        shifts = calloc(d->n_minutes + 1, sizeof(int32_t));
        off = calloc(d->n_minutes + 1, sizeof(int32_t));
        if (!d->team || !d->required || !d->on_shift || !d->on_phones || !shifts || !off)
                return -ENOMEM;

        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *sp = &plan->shifts[i];

                if (!streq(sp->team, team))
                        continue;
                intraday_add(d, shifts, sp->start, sp->end, 1);
                for (size_t j = 0; j < sp->n_breaks; j++)
                        intraday_add(d, off, sp->breaks[j].start, sp->breaks[j].end, 1);
        }
        for (size_t m = 0; m < d->n_minutes; m++) {
                s += shifts[m];
                o += off[m];
                d->on_shift[m] = (unsigned) s;
                d->on_phones[m] = s > o ? (unsigned) (s - o) : 0;
                d->required[m] = t ? team_coverage_required(t, start + m * USEC_PER_MINUTE) : 0;
        }
        *ret = TAKE_PTR(d);
        return 0;
}

bool intraday_team_span(const Plan *plan, const char *team, usec_t from, usec_t to, usec_t *ret_start,
                        usec_t *ret_end) {
        usec_t start = USEC_INFINITY, end = 0;

        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *sp = &plan->shifts[i];

                if (!streq(sp->team, team) || sp->end <= from || sp->start >= to)
                        continue;
                start = MIN(start, MAX(sp->start, from));
                end = MAX(end, MIN(sp->end, to));
        }
        if (start >= end)
                return false;
        *ret_start = start;
        *ret_end = end;
        return true;
}

ssize_t intraday_buckets(const Intraday *d, usec_t width, IntradayBucket **ret) {
        size_t per = (size_t) (width / USEC_PER_MINUTE), n;
        _cleanup_free_ IntradayBucket *b = NULL;

        if (per == 0 || width % USEC_PER_MINUTE != 0)
                return -EINVAL;
        n = (d->n_minutes + per - 1) / per;
        b = calloc(MAX(n, (size_t) 1), sizeof(IntradayBucket));
        if (!b)
                return -ENOMEM;
        for (size_t k = 0; k < n; k++) {
                size_t lo = k * per, hi = MIN(lo + per, d->n_minutes);

                b[k] = (IntradayBucket) {
                        .start = d->start + lo * USEC_PER_MINUTE,
                        .end = d->start + hi * USEC_PER_MINUTE,
                        .on_shift = UINT_MAX,
                        .on_phones = UINT_MAX,
                };
                for (size_t m = lo; m < hi; m++) {
                        b[k].required = MAX(b[k].required, d->required[m]);
                        b[k].on_shift = MIN(b[k].on_shift, d->on_shift[m]);
                        b[k].on_phones = MIN(b[k].on_phones, d->on_phones[m]);
                        if (d->required[m] > d->on_phones[m])
                                b[k].shortfall += d->required[m] - d->on_phones[m];
                }
        }
        *ret = TAKE_PTR(b);
        return (ssize_t) n;
}
