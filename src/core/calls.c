/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>

#include "core/calls.h"
#include "shared/csv-reader.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* Make room for one more element in an array of n elements whose capacity
 * is the next power of two above n (at least 8). */
static void call_record_done(CallRecord *c) {
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
        for (size_t i = 0; i < l->n_calls; i++)
                call_record_done(&l->calls[i]);
        free(l->calls);
        free(l);
        return NULL;
}

typedef struct CallLoader {
        CallLog *log;
        const char *path;
        const char *zone;
        bool have_header;
        ssize_t col_call_id, col_operator, col_caller, col_queue, col_start, col_end, col_wait;
        size_t n_skipped;
} CallLoader;

static int loader_header(CallLoader *l, const CsvRecord *rec) {
        int r;

        l->col_call_id = csv_column(rec, "call_id");
        l->col_operator = csv_column(rec, "operator");
        l->col_caller = csv_column(rec, "caller");
        l->col_queue = csv_column(rec, "queue");
        l->col_start = csv_column(rec, "start");
        l->col_end = csv_column(rec, "end");
        l->col_wait = csv_column(rec, "wait_seconds");
        r = csv_require_columns(l->path, rec, (const char * const[]) { "operator", "start", "end", NULL });
        if (r < 0)
                return r;
        l->have_header = true;
        return 0;
}

static int loader_parse_instant(CallLoader *l, const CsvRecord *rec, const char *column, ssize_t col, usec_t *ret) {
        const char *s = csv_field(rec, col);
        int r;

        if (isempty(s))
                return log_warning_errno(EINVAL, "%s:%u: missing field '%s', skipping row", l->path, rec->line, column);

        r = time_parse_iso8601(s, l->zone, ret);
        if (r == -ENOENT)
                log_warning("%s:%u: unknown time zone '%s' for '%s', skipping row", l->path, rec->line, l->zone, s);
        else if (r == -ERANGE)
                log_warning("%s:%u: instant '%s' in column '%s' is before 1970, skipping row", l->path, rec->line, s, column);
        else if (r < 0)
                log_warning("%s:%u: expected an ISO 8601 instant in column '%s', got '%s', skipping row",
                            l->path, rec->line, column, s);
        return r;
}

static int parse_seconds(const char *s, unsigned *ret) {
        unsigned long v;
        char *end;

        if (isempty(s)) {
                *ret = 0;
                return 0;
        }
        if (s[0] < '0' || s[0] > '9')
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (*end != '\0')
                return -EINVAL;
        if (errno == ERANGE || v > UINT_MAX)
                return -ERANGE;
        *ret = (unsigned) v;
        return 0;
}

/* Check a row and fill in its numbers: 0, or -EINVAL after logging why it is
 * skipped. */
static int loader_check_row(CallLoader *l, const CsvRecord *rec, CallRecord *c) {
        const char *wait = csv_field(rec, l->col_wait);

        if (isempty(csv_field(rec, l->col_operator)))
                return log_warning_errno(EINVAL, "%s:%u: missing field 'operator', skipping row", l->path, rec->line);
        if (loader_parse_instant(l, rec, "start", l->col_start, &c->start) < 0 ||
            loader_parse_instant(l, rec, "end", l->col_end, &c->end) < 0)
                return -EINVAL;
        if (c->end < c->start)
                return log_warning_errno(EINVAL, "%s:%u: end %s is before start %s, skipping row",
                                         l->path, rec->line, csv_field(rec, l->col_end),
                                         csv_field(rec, l->col_start));
        if (parse_seconds(wait, &c->wait_seconds) < 0)
                return log_warning_errno(EINVAL, "%s:%u: expected a number of seconds in column 'wait_seconds', got '%s', skipping row",
                                         l->path, rec->line, wait);
        return 0;
}

/* A copy of s, or NULL when s is empty. */
static int strdup_nonempty(const char *s, char **ret) {
        return strdup_to(ret, isempty(s) ? NULL : s);
}

static int loader_row(CallLoader *l, const CsvRecord *rec) {
        CallRecord c = {};
        int r;

        if (loader_check_row(l, rec, &c) < 0) {
                l->n_skipped++;
                return 0;
        }

        if (strdup_nonempty(csv_field(rec, l->col_call_id), &c.call_id) < 0 ||
            strdup_nonempty(csv_field(rec, l->col_operator), &c.operator) < 0 ||
            strdup_nonempty(csv_field(rec, l->col_caller), &c.caller) < 0 ||
            strdup_nonempty(csv_field(rec, l->col_queue), &c.queue) < 0 ||
            asprintf(&c.source, "%s:%u", l->path, rec->line) < 0) {
                c.source = NULL;
                call_record_done(&c);
                return -ENOMEM;
        }

        r = array_grow((void **) &l->log->calls, l->log->n_calls, sizeof(CallRecord));
        if (r < 0) {
                call_record_done(&c);
                return r;
        }
        l->log->calls[l->log->n_calls++] = c;
        return 0;
}

static int loader_on_record(const CsvRecord *rec, void *userdata) {
        CallLoader *l = userdata;

        if (rec->not_utf8) {     /* logged by the reader */
                l->n_skipped++;
                return 0;
        }
        if (!l->have_header)
                return loader_header(l, rec);
        return loader_row(l, rec);
}

int call_log_load_csv(CallLog *l, const char *path, const char *zone, size_t *ret_skipped) {
        CallLoader loader = {
                .log = l,
                .path = path,
                .zone = zone,
        };
        int r;

        r = csv_read_file(path, loader_on_record, &loader);
        if (r < 0)
                return r;
        if (ret_skipped)
                *ret_skipped = loader.n_skipped;
        return 0;
}

int call_log_append(CallLog *l, const CallLog *from) {
        for (size_t i = 0; i < from->n_calls; i++) {
                const CallRecord *c = &from->calls[i];
                CallRecord copy = { .start = c->start, .end = c->end, .wait_seconds = c->wait_seconds };
                int r;

                r = array_grow((void **) &l->calls, l->n_calls, sizeof(CallRecord));
                if (r < 0)
                        return r;
                if (strdup_to(&copy.call_id, c->call_id) < 0 || strdup_to(&copy.operator, c->operator) < 0 ||
                    strdup_to(&copy.caller, c->caller) < 0 || strdup_to(&copy.queue, c->queue) < 0 ||
                    strdup_to(&copy.source, c->source) < 0) {
                        call_record_done(&copy);
                        return -ENOMEM;
                }
                l->calls[l->n_calls++] = copy;
        }
        return 0;
}

static int call_compare(const void *a, const void *b) {
        const CallRecord *x = a, *y = b;

        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return strcmp(x->call_id ?: "", y->call_id ?: "");
}

int call_log_finish(CallLog *l) {
        if (l->n_calls > 0)
                qsort(l->calls, l->n_calls, sizeof(CallRecord), call_compare);
        return 0;
}
