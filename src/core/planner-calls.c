/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The calls of the operator of the shift being planned: a break never
 * starts strictly inside one of them (planner.h). And the pauses they took
 * on their own, which count toward the statutory total when the preset
 * says so (statutory.pauses_count, planner-statutory.c). */
#include "core/planner-internal.h"

void planner_calls_init(Planning *p, const CallIndex *calls) {
        const CallRecord * const *mine;
        size_t n = call_index_operator(calls, p->op->id, &mine), lo, hi;
        usec_t from = p->shift->start > CALL_LONGEST ? p->shift->start - CALL_LONGEST : 0;

        lo = calls_first_starting(mine, n, from);
        hi = calls_first_starting(mine, n, p->shift->end);
        p->calls = hi > lo ? mine + lo : NULL;
        p->n_calls = hi - lo;
}

const CallRecord *planner_call_containing(const Planning *p, usec_t t) {
        if (p->n_calls == 0)
                return NULL;
        return calls_containing(p->calls, p->n_calls, t);
}

usec_t planner_call_free(const Planning *p, usec_t t) {
        const CallRecord *c;

        while ((c = planner_call_containing(p, t)))
                t = usec_ceil(c->end, USEC_PER_MINUTE);
        return t;
}

bool planner_was_due(const Planning *p, const char *uid) {
        const Break *old = p->prev ? shift_plan_find_break(p->prev, uid) : NULL;

        return old && old->start < p->in->now && planner_call_containing(p, old->start);
}

usec_t planner_due_start(const Planning *p) {
        usec_t now = p->in->now;

        if (!planner_call_containing(p, now))
                return now;
        return planner_call_free(p, usec_ceil(now, USEC_PER_MINUTE));
}

const CallRecord *planner_call_starting_in(const Planning *p, usec_t start, usec_t end) {
        for (size_t k = calls_first_starting(p->calls, p->n_calls, start + 1);
             k < p->n_calls && p->calls[k]->start < end; k++)
                if (p->calls[k]->start > start)
                        return p->calls[k];
        return NULL;
}

const CallRecord *planner_call_starting_at(const Planning *p, usec_t t) {
        size_t k = calls_first_starting(p->calls, p->n_calls, t);

        return k < p->n_calls && p->calls[k]->start == t ? p->calls[k] : NULL;
}

void planner_pauses_init(Planning *p, const CallIndex *calls) {
        const PauseSpan *mine;
        size_t n, lo = 0, hi;

        p->pauses = NULL;
        p->n_pauses = 0;
        if (!p->in->policy->statutory.pauses_count)
                return;
        /* Sorted by start: those beginning inside the shift. */
        n = call_index_pauses(calls, p->op->id, &mine);
        while (lo < n && mine[lo].start < p->shift->start)
                lo++;
        for (hi = lo; hi < n && mine[hi].start < p->shift->end; hi++)
                ;
        p->pauses = hi > lo ? mine + lo : NULL;
        p->n_pauses = hi - lo;
}

const PauseSpan *planner_pause_overlapping(const Planning *p, usec_t start, usec_t end) {
        for (size_t k = 0; k < p->n_pauses && p->pauses[k].start < end; k++)
                if (start < p->pauses[k].end)
                        return &p->pauses[k];
        return NULL;
}
