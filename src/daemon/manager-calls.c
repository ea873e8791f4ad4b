/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The calls respited knows (manager-agents.c: closed ones and a call in
 * progress), as the planner takes them: a break never starts inside one,
 * a break due during one is placed again at its end, a call during a
 * recovery cuts it (planner.h). With them the pauses the operators took on
 * their own that are over, which count toward the statutory total when the
 * preset says so (statutory.pauses_count). One operator's for a revision,
 * every operator's for a re-plan of the site. */
#include "daemon/manager-internal.h"
#include "shared/log.h"

void manager_calls_done(ManagerCalls *c) {
        c->records = mfree(c->records);
        c->pauses = mfree(c->pauses);
        c->index_calls = mfree(c->index_calls);
        c->n_records = c->n_pauses = 0;
        c->index = (CallIndex) {};
}

/* Append the known calls and pauses of operator (an id of the roster: the
 * records point to it). */
static int manager_calls_add(Manager *m, ManagerCalls *c, const char *operator, usec_t now) {
        _cleanup_free_ ManagerCallSpan *spans = NULL;
        const ManagerCallSpan *pauses;
        ssize_t n = manager_agent_calls(m, operator, now, &spans);
        size_t n_pauses = manager_agent_pauses(m, operator, &pauses);

        if (n < 0)
                return (int) n;
        for (ssize_t i = 0; i < n; i++) {
                if (array_grow((void **) &c->records, c->n_records, sizeof(CallRecord)) < 0)
                        return -ENOMEM;
                c->records[c->n_records++] = (CallRecord) {
                        .operator = (char *) operator,
                        .start = spans[i].start,
                        .end = spans[i].end,
                };
        }
        for (size_t i = 0; i < n_pauses; i++) {
                if (array_grow((void **) &c->pauses, c->n_pauses, sizeof(PauseSpan)) < 0)
                        return -ENOMEM;
                c->pauses[c->n_pauses++] = (PauseSpan) {
                        .operator = (char *) operator,
                        .start = pauses[i].start,
                        .end = pauses[i].end,
                };
        }
        return 0;
}

/* The index over c->records and c->pauses, which are in (operator, start)
 * order. */
static int manager_calls_index(ManagerCalls *c) {
        const CallRecord **v = reallocarray(c->index_calls, MAX(c->n_records, (size_t) 1), sizeof(CallRecord *));

        if (!v)
                return -ENOMEM;
        c->index_calls = v;
        for (size_t i = 0; i < c->n_records; i++)
                v[i] = &c->records[i];
        c->index = (CallIndex) {
                .calls = v, .n_calls = c->n_records,
                .pauses = c->pauses, .n_pauses = c->n_pauses,
        };
        return 0;
}

const CallIndex *manager_calls_of(const char *operator, void *userdata) {
        Manager *m = userdata;
        ssize_t op = roster_find_operator(m->roster, operator);

        if (!m->calls_of && !(m->calls_of = calloc(1, sizeof(ManagerCalls)))) {
                log_oom();
                return NULL;
        }
        m->calls_of->n_records = m->calls_of->n_pauses = 0;
        if (op < 0)
                return NULL;
        if (manager_calls_add(m, m->calls_of, m->roster->operators[op].id, clock_now(&m->clock)) < 0 ||
            manager_calls_index(m->calls_of) < 0) {
                log_oom();
                return NULL;
        }
        return &m->calls_of->index;
}

int manager_calls_known(Manager *m, usec_t now, ManagerCalls *ret) {
        _cleanup_(manager_calls_done) ManagerCalls c = {};
        int r;

        /* The roster's operators are sorted by id, as the index wants them. */
        for (size_t i = 0; i < m->roster->n_operators; i++) {
                r = manager_calls_add(m, &c, m->roster->operators[i].id, now);
                if (r < 0)
                        return r;
        }
        r = manager_calls_index(&c);
        if (r < 0)
                return r;
        *ret = c;
        c = (ManagerCalls) {};
        return 0;
}
