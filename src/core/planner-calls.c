/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The calls of the operator of the shift being planned: a break never
 * starts strictly inside one of them (planner.h). */
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
