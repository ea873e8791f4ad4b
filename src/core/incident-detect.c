/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/incident.h"
#include "shared/time-util.h"

/* "call-33118-<kind>", or "call-<file name>:<line>-<kind>" for a record
 * without id (no directory: ids end up in feed UIDs). */
static int incident_detect_id(const CallRecord *c, const char *kind, char **ret) {
        const char *id = c->call_id ?: basename(c->source);

        return asprintf(ret, "call-%s-%s", id, kind) < 0 ? -ENOMEM : 0;
}

static int incident_detect_add(IncidentList *l, const CallRecord *c, const char *category, const char *kind,
                               usec_t duration) {
        _cleanup_(freep) char *id = NULL, *source = NULL;
        int r;

        r = incident_detect_id(c, kind, &id);
        if (r < 0)
                return r;
        if (c->source && asprintf(&source, "calls:%s", c->source) < 0)
                return -ENOMEM;
        return incident_list_append(l, &(Incident) {
                .id = id,
                .operator = c->operator,
                .category = (char *) category,
                .when = c->end,
                .received = c->end,
                .caller = c->caller,
                .source = source,
                .duration = duration,
        });
}

static int incident_detect_prolonged(IncidentList *l, const CallLog *calls, usec_t points_after) {
        int r;

        if (points_after == 0)
                return 0;
        for (size_t i = 0; i < calls->n_calls; i++) {
                const CallRecord *c = &calls->calls[i];

                if (c->end - c->start < points_after)
                        continue;
                r = incident_detect_add(l, c, "prolonged_call", "prolonged", c->end - c->start);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A call with a known caller and the local day it began on. */
typedef struct IncidentDayCall {
        const CallRecord *call;
        int day;
} IncidentDayCall;

static int incident_detect_day_call_compare(const void *a, const void *b) {
        const IncidentDayCall *x = a, *y = b;

        /* Calls are ordered by end, then start: keep that order in a group. */
        return strcmp(x->call->caller, y->call->caller) ?: strcmp(x->call->operator, y->call->operator) ?:
               CMP(x->day, y->day) ?: CMP(x->call, y->call);
}

static bool incident_detect_same_group(const IncidentDayCall *a, const IncidentDayCall *b) {
        return a->day == b->day && streq(a->call->caller, b->call->caller) &&
               streq(a->call->operator, b->call->operator);
}

static int incident_detect_repeat_callers(IncidentList *l, const CallLog *calls, unsigned threshold,
                                          const char *zone) {
        _cleanup_(freep) IncidentDayCall *v = NULL;
        size_t n = 0, run = 0;
        int r;

        if (threshold == 0 || calls->n_calls == 0)
                return 0;

        v = calloc(calls->n_calls, sizeof(IncidentDayCall));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < calls->n_calls; i++) {
                const CallRecord *c = &calls->calls[i];

                if (!c->caller)
                        continue;
                r = time_local_day(c->start, zone, &v[n].day);
                if (r < 0)
                        return r;
                v[n++].call = c;
        }
        qsort(v, n, sizeof(IncidentDayCall), incident_detect_day_call_compare);

        for (size_t i = 0; i < n; i++) {
                run = i > 0 && incident_detect_same_group(&v[i - 1], &v[i]) ? run + 1 : 1;
                if (run != threshold)
                        continue;
                r = incident_detect_add(l, v[i].call, "repeat_caller", "repeat", 0);
                if (r < 0)
                        return r;
        }
        return 0;
}

int incidents_detect(IncidentList *l, const CallLog *calls, const Policy *policy) {
        int r;

        r = incident_detect_prolonged(l, calls, policy->prolonged.points_after);
        if (r >= 0)
                r = incident_detect_repeat_callers(l, calls, policy->repeat_caller.calls, policy->timezone);
        /* Keep the list sorted even after a partial failure. */
        incident_list_sort(l);
        return r;
}
