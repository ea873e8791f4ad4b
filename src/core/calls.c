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

int call_log_append(CallLog *l, const CallLog *from) {
        for (size_t i = 0; i < from->n_calls; i++) {
                int r = call_log_add(l, &from->calls[i]);

                if (r < 0)
                        return r;
        }
        return 0;
}

static int call_log_compare(const void *a, const void *b) {
        const CallRecord *x = a, *y = b;

        return CMP(x->end, y->end) ?: CMP(x->start, y->start) ?: strcmp(x->call_id ?: "", y->call_id ?: "");
}

int call_log_finish(CallLog *l) {
        if (l->n_calls > 0)
                qsort(l->calls, l->n_calls, sizeof(CallRecord), call_log_compare);
        return 0;
}
