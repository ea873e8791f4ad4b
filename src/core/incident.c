/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <search.h>

#include "core/incident.h"
#include "shared/csv-reader.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* Make room for one more element in an array of n elements whose capacity
 * is the next power of two above n (at least 8). */
void incident_done(Incident *i) {
        if (!i)
                return;
        free(i->id);
        free(i->operator);
        free(i->category);
        free(i->note);
        free(i->caller);
        *i = (Incident) {};
}

IncidentList *incident_list_new(void) {
        return calloc(1, sizeof(IncidentList));
}

IncidentList *incident_list_free(IncidentList *l) {
        if (!l)
                return NULL;
        for (size_t i = 0; i < l->n; i++)
                incident_done(&l->items[i]);
        free(l->items);
        free(l);
        return NULL;
}

static int incident_compare(const Incident *a, const Incident *b) {
        if (a->when != b->when)
                return a->when < b->when ? -1 : 1;
        return strcmp(a->id, b->id);
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
            strdup_to(&c.caller, i->caller) < 0) {
                incident_done(&c);
                return -ENOMEM;
        }
        *ret = c;
        return 0;
}

/* Append a copy of *i without sorting (callers that add many sort once). */
static int incident_list_append(IncidentList *l, const Incident *i) {
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

static void incident_list_sort(IncidentList *l) {
        if (l->n > 0)
                qsort(l->items, l->n, sizeof(Incident), incident_compare_qsort);
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

/* "call-33118-<kind>", or "call-<file name>:<line>-<kind>" for a record
 * without id (no directory: ids end up in feed UIDs). */
static int call_incident_id(const CallRecord *c, const char *kind, char **ret) {
        const char *id = c->call_id ?: (strrchr(c->source, '/') ? strrchr(c->source, '/') + 1 : c->source);

        return asprintf(ret, "call-%s-%s", id, kind) < 0 ? -ENOMEM : 0;
}

static int add_call_incident(IncidentList *l, const CallRecord *c, const char *category, const char *kind, usec_t duration) {
        _cleanup_(freep) char *id = NULL;
        int r;

        r = call_incident_id(c, kind, &id);
        if (r < 0)
                return r;
        return incident_list_append(l, &(Incident) {
                .id = id,
                .operator = c->operator,
                .category = (char *) category,
                .when = c->end,
                .received = c->end,
                .caller = c->caller,
                .duration = duration,
        });
}

static int detect_prolonged(IncidentList *l, const CallLog *calls, usec_t points_after) {
        int r;

        if (points_after == 0)
                return 0;
        for (size_t i = 0; i < calls->n_calls; i++) {
                const CallRecord *c = &calls->calls[i];

                if (c->end - c->start < points_after)
                        continue;
                r = add_call_incident(l, c, "prolonged_call", "prolonged", c->end - c->start);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A call with a known caller and the local day it began on. */
typedef struct DayCall {
        const CallRecord *call;
        int day;
} DayCall;

static int day_call_compare(const void *a, const void *b) {
        const DayCall *x = a, *y = b;
        int c;

        c = strcmp(x->call->caller, y->call->caller);
        if (c != 0)
                return c;
        c = strcmp(x->call->operator, y->call->operator);
        if (c != 0)
                return c;
        if (x->day != y->day)
                return x->day < y->day ? -1 : 1;
        /* Calls are ordered by end, then start: keep that order in a group. */
        return x->call < y->call ? -1 : x->call > y->call;
}

static bool day_call_same_group(const DayCall *a, const DayCall *b) {
        return a->day == b->day && streq(a->call->caller, b->call->caller) &&
               streq(a->call->operator, b->call->operator);
}

static int detect_repeat_callers(IncidentList *l, const CallLog *calls, unsigned threshold, const char *zone) {
        _cleanup_(freep) DayCall *v = NULL;
        size_t n = 0, run = 0;
        int r;

        if (threshold == 0 || calls->n_calls == 0)
                return 0;

        v = calloc(calls->n_calls, sizeof(DayCall));
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
        qsort(v, n, sizeof(DayCall), day_call_compare);

        for (size_t i = 0; i < n; i++) {
                run = i > 0 && day_call_same_group(&v[i - 1], &v[i]) ? run + 1 : 1;
                if (run != threshold)
                        continue;
                r = add_call_incident(l, v[i].call, "repeat_caller", "repeat", 0);
                if (r < 0)
                        return r;
        }
        return 0;
}

int incidents_detect(IncidentList *l, const CallLog *calls, const Policy *policy) {
        int r;

        r = detect_prolonged(l, calls, policy->prolonged.points_after);
        if (r >= 0)
                r = detect_repeat_callers(l, calls, policy->repeat_caller.calls, policy->timezone);
        /* Keep the list sorted even after a partial failure. */
        incident_list_sort(l);
        return r;
}

typedef struct IncidentLoader {
        IncidentList *list;
        const char *path;
        const Policy *policy;
        bool have_header;
        ssize_t col_time, col_operator, col_category, col_note, col_id;
        size_t n_skipped;
        void *ids;              /* tsearch(3) tree of the ids taken, strdup'ed */
} IncidentLoader;

static int id_cmp(const void *a, const void *b) {
        return strcmp(a, b);
}

static int loader_header(IncidentLoader *l, const CsvRecord *rec) {
        int r;

        l->col_time = csv_column(rec, "time");
        l->col_operator = csv_column(rec, "operator");
        l->col_category = csv_column(rec, "category");
        l->col_note = csv_column(rec, "note");
        l->col_id = csv_column(rec, "id");
        r = csv_require_columns(l->path, rec, (const char * const[]) { "time", "operator", "category", NULL });
        if (r < 0)
                return r;
        l->have_header = true;
        return 0;
}

/* "verbal_abuse, threat, …": the policy's categories, for messages. */
static char *known_categories(const Policy *p) {
        char *s = NULL;
        size_t size = 0;
        FILE *f;

        f = open_memstream(&s, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; i < p->n_categories; i++)
                fprintf(f, "%s%s", i > 0 ? ", " : "", p->categories[i].name);
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}

/* Check a row: 0, or -EINVAL after logging why it is skipped. */
static int loader_check_row(IncidentLoader *l, const CsvRecord *rec, usec_t *ret_when) {
        const char *time = csv_field(rec, l->col_time), *category = csv_field(rec, l->col_category);
        int r;

        if (isempty(csv_field(rec, l->col_operator)))
                return log_warning_errno(EINVAL, "%s:%u: missing field 'operator', skipping row", l->path, rec->line);
        if (isempty(time))
                return log_warning_errno(EINVAL, "%s:%u: missing field 'time', skipping row", l->path, rec->line);
        if (isempty(category))
                return log_warning_errno(EINVAL, "%s:%u: missing field 'category', skipping row", l->path, rec->line);

        if (!policy_find_category(l->policy, category)) {
                _cleanup_(freep) char *known = known_categories(l->policy);

                return log_warning_errno(EINVAL, "%s:%u: unknown category '%s' (known: %s), skipping row",
                                         l->path, rec->line, category, known ?: "");
        }

        r = time_parse_iso8601(time, l->policy->timezone, ret_when);
        if (r == -ENOENT)
                return log_warning_errno(EINVAL, "%s:%u: unknown time zone '%s' for '%s', skipping row",
                                         l->path, rec->line, l->policy->timezone, time);
        if (r < 0)
                return log_warning_errno(EINVAL, "%s:%u: expected an ISO 8601 instant in column 'time', got '%s', skipping row",
                                         l->path, rec->line, time);
        return 0;
}

static int loader_row(IncidentLoader *l, const CsvRecord *rec) {
        _cleanup_(freep) char *default_id = NULL;
        const char *id = csv_field(rec, l->col_id), *note = csv_field(rec, l->col_note);
        usec_t when;

        if (loader_check_row(l, rec, &when) < 0) {
                l->n_skipped++;
                return 0;
        }

        if (isempty(id)) {
                const char *base = strrchr(l->path, '/');

                if (asprintf(&default_id, "csv-%s-%u", base ? base + 1 : l->path, rec->line) < 0)
                        return -ENOMEM;
                id = default_id;
        }

        /* Two rows of one id would be one incident to the planner and the store. */
        if (tfind(id, &l->ids, id_cmp)) {
                l->n_skipped++;
                log_warning("%s:%u: incident id '%s' is taken by an earlier row, skipping row", l->path, rec->line, id);
                return 0;
        }
        _cleanup_free_ char *copy = strdup(id);
        if (!copy || !tsearch(copy, &l->ids, id_cmp))
                return -ENOMEM;
        TAKE_PTR(copy);

        return incident_list_append(l->list, &(Incident) {
                .id = (char *) id,
                .operator = (char *) csv_field(rec, l->col_operator),
                .category = (char *) csv_field(rec, l->col_category),
                .when = when,
                .received = when,
                .note = isempty(note) ? NULL : (char *) note,
        });
}

static int loader_on_record(const CsvRecord *rec, void *userdata) {
        IncidentLoader *l = userdata;

        if (rec->not_utf8) {     /* logged by the reader */
                l->n_skipped++;
                return 0;
        }
        if (!l->have_header)
                return loader_header(l, rec);
        return loader_row(l, rec);
}

int incidents_load_csv(IncidentList *l, const char *path, const Policy *policy, size_t *ret_skipped) {
        IncidentLoader loader = {
                .list = l,
                .path = path,
                .policy = policy,
        };
        int r;

        r = csv_read_file(path, loader_on_record, &loader);
        tdestroy(loader.ids, free);
        incident_list_sort(l);
        if (r < 0)
                return r;
        if (ret_skipped)
                *ret_skipped = loader.n_skipped;
        return 0;
}
