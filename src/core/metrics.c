/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/metrics.h"
#include "shared/i18n.h"
#include "shared/reason-words.h"
#include "shared/time-util.h"

Metrics *metrics_free(Metrics *m) {
        if (!m)
                return NULL;
        for (size_t i = 0; i < m->n_teams; i++)
                free(m->teams[i].team);
        free(m->teams);
        return mfree(m);
}

static int metrics_usec_cmp(const void *a, const void *b) {
        usec_t x = *(const usec_t *) a, y = *(const usec_t *) b;

        return CMP(x, y);
}

static int metrics_delays(const Plan *plan, Metrics *m) {
        _cleanup_free_ usec_t *d = NULL;
        size_t n = 0;

        for (size_t i = 0; i < plan->n_shifts; i++)
                for (size_t j = 0; j < plan->shifts[i].n_breaks; j++) {
                        const Break *b = &plan->shifts[i].breaks[j];

                        if (b->trigger == 0)
                                continue;
                        if (array_grow((void **) &d, n, sizeof(usec_t)) < 0)
                                return -ENOMEM;
                        d[n++] = b->start > b->trigger ? b->start - b->trigger : 0;
                }
        if (n == 0)
                return 0;
        qsort(d, n, sizeof(usec_t), metrics_usec_cmp);
        m->delay_median = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
        m->delay_max = d[n - 1];
        return 0;
}

/* The call of calls (one operator's, by start) that ends at t and lasted
 * METRICS_LONG_CALL or more, or NULL. */
static const CallRecord *metrics_long_call_ending(const CallRecord * const *calls, size_t n, usec_t t) {
        usec_t from = t > CALL_LONGEST ? t - CALL_LONGEST : 0;

        for (size_t k = calls_first_starting(calls, n, from); k < n && calls[k]->start < t; k++)
                if (calls[k]->end == t && t - calls[k]->start >= METRICS_LONG_CALL)
                        return calls[k];
        return NULL;
}

/* Breaks starting inside a call of their operator, and how soon the
 * recoveries after long calls began. */
static void metrics_calls(const Plan *plan, const CallIndex *calls, Metrics *m) {
        const CallRecord * const *mine = NULL;
        size_t n = 0;

        m->calls_known = true;
        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *sp = &plan->shifts[i];

                if (i == 0 || !streq(sp->operator, plan->shifts[i - 1].operator))
                        n = call_index_operator(calls, sp->operator, &mine);
                for (size_t j = 0; n > 0 && j < sp->n_breaks; j++) {
                        const Break *b = &sp->breaks[j];
                        usec_t wait;

                        m->break_starts_in_call += !!calls_containing(mine, n, b->start);
                        if (b->trigger == 0 || !metrics_long_call_ending(mine, n, b->trigger))
                                continue;
                        wait = b->start > b->trigger ? b->start - b->trigger : 0;
                        m->long_call_recoveries++;
                        m->long_call_recoveries_prompt += wait <= METRICS_PROMPT;
                        m->long_call_wait_max = MAX(m->long_call_wait_max, wait);
                }
        }
}

/* Minutes [*a, *b) of t's span that [start, end) touches. */
static void metrics_span(const TeamCoverage *t, usec_t start, usec_t end, size_t *a, size_t *b) {
        usec_t n = t->n * (t->interval / USEC_PER_MINUTE);
        usec_t lo = start > t->start ? (start - t->start) / USEC_PER_MINUTE : 0;
        usec_t hi = end > t->start ? (end - t->start + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE : 0;

        *a = MIN(lo, n);
        *b = MIN(hi, n);
}

static void metrics_add(int32_t *diff, const TeamCoverage *t, usec_t start, usec_t end, int32_t delta) {
        size_t a, b;

        metrics_span(t, start, end, &a, &b);
        if (a < b) {
                diff[a] += delta;
                diff[b] -= delta;
        }
}

/* The shortfall of t per whole minute of its span: with the plan's breaks,
 * the part while operators were on recovery, and with the shifts alone. */
static int metrics_team_shortfall(const Plan *plan, const TeamCoverage *t, TeamMetrics *tm) {
        size_t n = t->n * (t->interval / USEC_PER_MINUTE);
        _cleanup_free_ int32_t *shifts = calloc(n + 1, sizeof(int32_t));
        _cleanup_free_ int32_t *off = calloc(n + 1, sizeof(int32_t));
        _cleanup_free_ int32_t *rec = calloc(n + 1, sizeof(int32_t));
        int32_t s = 0, o = 0, r = 0;

        if (!shifts || !off || !rec)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *sp = &plan->shifts[i];

                if (!streq(sp->team, t->team))
                        continue;
                metrics_add(shifts, t, sp->start, sp->end, 1);
                for (size_t j = 0; j < sp->n_breaks; j++) {
                        metrics_add(off, t, sp->breaks[j].start, sp->breaks[j].end, 1);
                        if (sp->breaks[j].trigger != 0)
                                metrics_add(rec, t, sp->breaks[j].start, sp->breaks[j].end, 1);
                }
        }
        for (size_t k = 0; k < n; k++) {
                int64_t need = team_coverage_required(t, t->start + k * USEC_PER_MINUTE), deficit;

                s += shifts[k];
                o += off[k];
                r += rec[k];
                tm->required_minutes += need;
                if (need > s)
                        tm->forced_minutes += need - s;
                deficit = need - (s - o);
                if (deficit > 0) {
                        tm->shortfall_minutes += deficit;
                        tm->recovery_minutes += MIN(deficit, (int64_t) r);
                }
        }
        return 0;
}

int metrics_compute(const Plan *plan, const Coverage *coverage, const CallIndex *calls, Metrics **ret) {
        _cleanup_(metrics_freep) Metrics *m = calloc(1, sizeof(Metrics));
        int r;

        if (!m)
                return -ENOMEM;
        m->shifts = plan->n_shifts;
        m->statutory_violations = plan->statutory_violations;
        m->recoveries = plan->recoveries;
        m->recoveries_late = plan->recoveries_late;
        m->recoveries_unserved = plan->recoveries_unserved;
        m->recoveries_short = plan->recoveries_short;
        m->breaks_moved = plan->breaks_moved;
        m->statutory_overruns = plan->statutory_overruns;
        m->recoveries_interrupted = plan->recoveries_interrupted;
        if (calls)
                metrics_calls(plan, calls, m);
        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *sp = &plan->shifts[i];

                m->shift_time += sp->end - sp->start;
                for (size_t j = 0; j < sp->n_breaks; j++)
                        m->break_time[sp->breaks[j].kind] += sp->breaks[j].end - sp->breaks[j].start;
        }
        r = metrics_delays(plan, m);
        if (r < 0)
                return r;

        if (coverage && coverage->n_teams > 0) {
                m->teams = calloc(coverage->n_teams, sizeof(TeamMetrics));
                if (!m->teams)
                        return -ENOMEM;
                for (size_t i = 0; i < coverage->n_teams; i++) {
                        TeamMetrics *tm = &m->teams[m->n_teams++];

                        tm->team = strdup(coverage->teams[i].team);
                        if (!tm->team)
                                return -ENOMEM;
                        r = metrics_team_shortfall(plan, &coverage->teams[i], tm);
                        if (r < 0)
                                return r;
                        m->shortfall_minutes += tm->shortfall_minutes;
                        m->recovery_shortfall_minutes += tm->recovery_minutes;
                        m->forced_shortfall_minutes += tm->forced_minutes;
                }
        }
        *ret = TAKE_PTR(m);
        return 0;
}

static double metrics_minutes(usec_t t) {
        return (double) t / USEC_PER_MINUTE;
}

int metrics_print(const Metrics *m, FILE *f) {
        fprintf(f, _("shifts: %zu\n"), m->shifts);
        fprintf(f, _("statutory violations: %u\n"), m->statutory_violations);
        fprintf(f, _("recovery breaks: %u\n"), m->recoveries);
        fprintf(f, _("recovery breaks late: %u\n"), m->recoveries_late);
        fprintf(f, _("recoveries earned at a shift's very end: %u\n"), m->recoveries_unserved);
        fprintf(f, _("deferrable recoveries begun below coverage: %u\n"), m->recoveries_short);
        fprintf(f, _("recovery delay median: %.1f min\n"), metrics_minutes(m->delay_median));
        fprintf(f, _("recovery delay max: %.1f min\n"), metrics_minutes(m->delay_max));
        fprintf(f, _("breaks moved by revisions: %u\n"), m->breaks_moved);
        if (m->calls_known) {
                fprintf(f, _("break starts inside a call: %u\n"), m->break_starts_in_call);
                fprintf(f, _("recoveries after a call of %u min or more: %u, "
                             "started within %u min of the call's end: %u, longest wait: %.1f min\n"),
                        (unsigned) (METRICS_LONG_CALL / USEC_PER_MINUTE), m->long_call_recoveries,
                        (unsigned) (METRICS_PROMPT / USEC_PER_MINUTE), m->long_call_recoveries_prompt,
                        metrics_minutes(m->long_call_wait_max));
        }
        fprintf(f, _("statutory breaks started late because of a call: %u\n"), m->statutory_overruns);
        fprintf(f, _("recoveries interrupted by a call: %u\n"), m->recoveries_interrupted);
        for (BreakKind k = 0; k < _BREAK_KIND_MAX; k++)
                /* TRANSLATORS: %s is a break's kind as respitectl's tables show it ("statutory"). */
                fprintf(f, _("share of shift time on %s breaks: %.2f %%\n"),
                        reason_kind_words(break_kind_to_string(k)),
                        m->shift_time > 0 ? 100.0 * m->break_time[k] / m->shift_time : 0.0);
        fprintf(f, _("coverage shortfall: %" PRIu64 " operator-minutes (%" PRIu64
                     " while operators were on recovery)\n"),
                m->shortfall_minutes, m->recovery_shortfall_minutes);
        fprintf(f, _("coverage shortfall forced by the roster: %" PRIu64 " operator-minutes\n"),
                m->forced_shortfall_minutes);
        for (size_t i = 0; i < m->n_teams; i++)
                fprintf(f, _("coverage shortfall %s: %" PRIu64 " of %" PRIu64 " operator-minutes (%" PRIu64
                             " forced by the roster)\n"), m->teams[i].team, m->teams[i].shortfall_minutes,
                        m->teams[i].required_minutes, m->teams[i].forced_minutes);
        return ferror(f) ? -EIO : 0;
}
