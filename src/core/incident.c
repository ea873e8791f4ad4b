/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/incident.h"

void incident_done(Incident *i) {
        if (!i)
                return;
        free(i->id);
        free(i->operator);
        free(i->category);
        free(i->note);
        free(i->caller);
        free(i->source);
        *i = (Incident) {};
}

IncidentList *incident_list_new(void) {
        return calloc(1, sizeof(IncidentList));
}

IncidentList *incident_list_free(IncidentList *l) {
        if (!l)
                return NULL;
        free_array(l->items, l->n, incident_done);
        return mfree(l);
}

static int incident_compare(const Incident *a, const Incident *b) {
        return CMP(a->when, b->when) ?: strcmp(a->id, b->id);
}

static int incident_compare_qsort(const void *a, const void *b) {
        return incident_compare(a, b);
}

static int incident_copy(const Incident *i, Incident *ret) {
        Incident c = {
                .when = i->when,
                .received = i->received,
                .duration = i->duration,
        };

        if (strdup_to(&c.id, i->id) < 0 ||
            strdup_to(&c.operator, i->operator) < 0 ||
            strdup_to(&c.category, i->category) < 0 ||
            strdup_to(&c.note, i->note) < 0 ||
            strdup_to(&c.caller, i->caller) < 0 ||
            strdup_to(&c.source, i->source) < 0) {
                incident_done(&c);
                return -ENOMEM;
        }
        *ret = c;
        return 0;
}

int incident_list_append(IncidentList *l, const Incident *i) {
        int r;

        r = array_grow((void **) &l->items, l->n, sizeof(Incident));
        if (r < 0)
                return r;
        r = incident_copy(i, &l->items[l->n]);
        if (r < 0)
                return r;
        l->n++;
        return 0;
}

void incident_list_sort(IncidentList *l) {
        if (l->n > 0)
                qsort(l->items, l->n, sizeof(Incident), incident_compare_qsort);
}

/* Where the incident with the when and id of i is in l, or -ENOENT. */
static ssize_t incident_list_find(const IncidentList *l, const Incident *i) {
        const Incident *found = l->n > 0 ?
                bsearch(i, l->items, l->n, sizeof(Incident), incident_compare_qsort) : NULL;

        return found ? found - l->items : -ENOENT;
}

bool incident_list_contains(const IncidentList *l, const Incident *i) {
        return incident_list_find(l, i) >= 0;
}

size_t incident_list_first_at(const IncidentList *l, usec_t t) {
        size_t lo = 0, hi = l->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (l->items[mid].when < t)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

bool incident_calls_lead(const Incident *i, const IncidentList *l, const Category *c) {
        usec_t from = i->when > c->notify_lead_within ? i->when - c->notify_lead_within : 0;
        unsigned n = 0;

        if (c->notify_lead_after == 0)
                return false;
        /* The incidents after from, up to i. */
        for (size_t k = incident_list_first_at(l, from + 1); k < l->n && l->items[k].when <= i->when; k++)
                if (streq(l->items[k].category, c->name))
                        n++;
        return n >= c->notify_lead_after;
}

int incident_list_remove(IncidentList *l, const Incident *i) {
        ssize_t k = incident_list_find(l, i);

        if (k < 0)
                return (int) k;
        incident_done(&l->items[k]);
        memmove(l->items + k, l->items + k + 1, (l->n - k - 1) * sizeof(Incident));
        l->n--;
        return 0;
}

int incident_list_add(IncidentList *l, const Incident *i) {
        size_t lo = 0, hi = l->n;
        Incident c;
        int r;

        /* After any equal ones, so equal keys keep their order of arrival. */
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (incident_compare(&l->items[mid], i) <= 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }

        r = array_grow((void **) &l->items, l->n, sizeof(Incident));
        if (r < 0)
                return r;
        r = incident_copy(i, &c);
        if (r < 0)
                return r;
        memmove(l->items + lo + 1, l->items + lo, (l->n - lo) * sizeof(Incident));
        l->items[lo] = c;
        l->n++;
        return 0;
}

int incident_check(const Incident *i, const Roster *roster, const Policy *policy, usec_t now) {
        if (roster_find_operator(roster, i->operator) < 0)
                return -ENXIO;
        if (!policy_find_category(policy, i->category))
                return -ENOKEY;
        if (i->when > now + INCIDENT_FUTURE_SLACK)
                return -EDOM;
        if (i->when + INCIDENT_PAST_LIMIT < now)
                return -ESTALE;
        if (i->note && strlen(i->note) > INCIDENT_NOTE_MAX)
                return -E2BIG;
        return 0;
}
