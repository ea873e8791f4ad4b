/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/calls.h"

static void call_log_record_done(CallRecord *c) {
        free(c->call_id);
        free(c->operator);
        free(c->caller);
        free(c->queue);
        free(c->source);
}

CallLog *call_log_new(void) {
        return calloc(1, sizeof(CallLog));
}

CallLog *call_log_free(CallLog *l) {
        if (!l)
                return NULL;
        free_array(l->calls, l->n_calls, call_log_record_done);
        for (size_t i = 0; i < l->n_pauses; i++)
                free(l->pauses[i].operator);
        free(l->pauses);
        return mfree(l);
}

int call_log_add(CallLog *l, const CallRecord *c) {
        CallRecord copy = { .start = c->start, .end = c->end, .wait_seconds = c->wait_seconds };
        int r;

        r = array_grow((void **) &l->calls, l->n_calls, sizeof(CallRecord));
        if (r < 0)
                return r;
        if (strdup_to(&copy.call_id, c->call_id) < 0 || strdup_to(&copy.operator, c->operator) < 0 ||
            strdup_to(&copy.caller, c->caller) < 0 || strdup_to(&copy.queue, c->queue) < 0 ||
            strdup_to(&copy.source, c->source) < 0) {
                call_log_record_done(&copy);
                return -ENOMEM;
        }
        l->calls[l->n_calls++] = copy;
        return 0;
}

int call_log_add_pause(CallLog *l, const char *operator, usec_t start, usec_t end) {
        char *copy;
        int r;

        if (end <= start || end == USEC_INFINITY)
                return 0;
        r = array_grow((void **) &l->pauses, l->n_pauses, sizeof(PauseSpan));
        if (r < 0)
                return r;
        copy = strdup(operator);
        if (!copy)
                return -ENOMEM;
        l->pauses[l->n_pauses++] = (PauseSpan) { .operator = copy, .start = start, .end = end };
        return 0;
}

int call_log_append(CallLog *l, const CallLog *from) {
        for (size_t i = 0; i < from->n_calls; i++) {
                int r = call_log_add(l, &from->calls[i]);

                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < from->n_pauses; i++) {
                const PauseSpan *s = &from->pauses[i];
                int r = call_log_add_pause(l, s->operator, s->start, s->end);

                if (r < 0)
                        return r;
        }
        return 0;
}

static int call_log_compare(const void *a, const void *b) {
        const CallRecord *x = a, *y = b;

        return CMP(x->end, y->end) ?: CMP(x->start, y->start) ?: strcmp(x->call_id ?: "", y->call_id ?: "");
}

static int call_log_pause_compare(const void *a, const void *b) {
        const PauseSpan *x = a, *y = b;

        return strcmp(x->operator, y->operator) ?: CMP(x->start, y->start) ?: CMP(x->end, y->end);
}

int call_log_finish(CallLog *l) {
        if (l->n_calls > 0)
                qsort(l->calls, l->n_calls, sizeof(CallRecord), call_log_compare);
        if (l->n_pauses > 0)
                qsort(l->pauses, l->n_pauses, sizeof(PauseSpan), call_log_pause_compare);
        return 0;
}

CallIndex *call_index_free(CallIndex *i) {
        if (!i)
                return NULL;
        free(i->calls);
        return mfree(i);
}

static int call_index_compare(const void *a, const void *b) {
        const CallRecord *x = *(const CallRecord * const *) a, *y = *(const CallRecord * const *) b;

        return strcmp(x->operator, y->operator) ?: CMP(x->start, y->start) ?: CMP(x->end, y->end) ?:
                strcmp(x->call_id ?: "", y->call_id ?: "");
}

int call_index_new(const CallLog *l, CallIndex **ret) {
        _cleanup_(call_index_freep) CallIndex *i = calloc(1, sizeof(CallIndex));

        if (!i)
                return -ENOMEM;
        if (l && l->n_calls > 0) {
                i->calls = malloc(l->n_calls * sizeof(CallRecord *));
                if (!i->calls)
                        return -ENOMEM;
                for (size_t k = 0; k < l->n_calls; k++)
                        i->calls[k] = &l->calls[k];
                i->n_calls = l->n_calls;
                qsort(i->calls, i->n_calls, sizeof(CallRecord *), call_index_compare);
        }
        if (l && l->n_pauses > 0) {
                i->pauses = l->pauses;
                i->n_pauses = l->n_pauses;
        }
        *ret = TAKE_PTR(i);
        return 0;
}

/* The first index of i whose operator compares at or above operator
 * (strcmp() >= 0; above: > 0). */
static size_t call_index_bound(const CallIndex *i, const char *operator, bool above) {
        size_t lo = 0, hi = i ? i->n_calls : 0;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(i->calls[mid]->operator, operator);

                if (c < 0 || (above && c == 0))
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

size_t call_index_operator(const CallIndex *i, const char *operator, const CallRecord * const **ret) {
        size_t lo = call_index_bound(i, operator, false), end = call_index_bound(i, operator, true);

        *ret = end > lo ? (const CallRecord * const *) i->calls + lo : NULL;
        return end - lo;
}

/* The first pause of i whose operator compares at or above operator
 * (above: > 0). */
static size_t call_index_pause_bound(const CallIndex *i, const char *operator, bool above) {
        size_t lo = 0, hi = i ? i->n_pauses : 0;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(i->pauses[mid].operator, operator);

                if (c < 0 || (above && c == 0))
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

size_t call_index_pauses(const CallIndex *i, const char *operator, const PauseSpan **ret) {
        size_t lo = call_index_pause_bound(i, operator, false), end = call_index_pause_bound(i, operator, true);

        *ret = end > lo ? i->pauses + lo : NULL;
        return end - lo;
}

size_t calls_first_starting(const CallRecord * const *calls, size_t n, usec_t t) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (calls[mid]->start < t)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

const CallRecord *calls_containing(const CallRecord * const *calls, size_t n, usec_t t) {
        const CallRecord *found = NULL;

        for (size_t k = calls_first_starting(calls, n, t); k > 0; k--) {
                const CallRecord *c = calls[k - 1];

                if (c->start + CALL_LONGEST <= t)
                        break;
                if (c->end > t && (!found || c->end > found->end))
                        found = c;
        }
        return found;
}
