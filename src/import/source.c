/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fnmatch.h>

#include "import/queue-log.h"
#include "import/roster-ics.h"
#include "import/source.h"

SourceFormat source_format(const Policy *p, const char *path) {
        const SourceOptions *o = policy_find_source(p, path);
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

        if (o && o->format != SOURCE_FORMAT_AUTO)
                return o->format;
        if (fnmatch("*.[iI][cC][sS]", base, 0) == 0)
                return SOURCE_FORMAT_ICS;
        if (fnmatch("*queue_log*", base, 0) == 0)
                return SOURCE_FORMAT_QUEUE_LOG;
        return SOURCE_FORMAT_CSV;
}

int source_load_roster(Roster **r, const Policy *p, const char *path, usec_t from, usec_t to, size_t *ret_skipped) {
        const SourceOptions *o = policy_find_source(p, path);
        const char *zone = o && o->timezone ? o->timezone : p->timezone;

        switch (source_format(p, path)) {
        case SOURCE_FORMAT_ICS: {
                RosterIcsOptions ics = {
                        .operator_from = o ? o->operator_from : ICS_OPERATOR_FILE_NAME,
                        .operator = o ? o->operator : NULL,
                        .operator_property = o ? o->operator_property : NULL,
                        .operator_pattern = o ? o->operator_pattern : NULL,
                        .team = o ? o->team : NULL,
                        .zone = zone,
                        .from = from,
                        .to = to,
                };

                return roster_load_ics(r, path, &ics, ret_skipped);
        }
        case SOURCE_FORMAT_CSV: {
                RosterCsvFormat csv = { .zone = zone };

                if (o)
                        csv = (RosterCsvFormat) {
                                .col_operator = o->columns.operator,
                                .col_name = o->columns.name,
                                .col_team = o->columns.team,
                                .col_start = o->columns.start,
                                .col_end = o->columns.end,
                                .operator = o->operator,
                                .team = o->team,
                                .date_format = o->date_format,
                                .zone = zone,
                                .delimiter = o->delimiter,
                                .skip_column = o->skip_column,
                                .skip_match = o->skip_match,
                        };
                return roster_load_csv_format(r, path, &csv, ret_skipped);
        }
        default:
                return -EPROTOTYPE;     /* a queue_log is no roster */
        }
}

int source_load_calls(CallLog **l, const Policy *p, const char *path, size_t *ret_skipped) {
        const SourceOptions *o = policy_find_source(p, path);
        _cleanup_(queue_log_freep) QueueLog *q = NULL;
        int r;

        switch (source_format(p, path)) {
        case SOURCE_FORMAT_QUEUE_LOG:
                r = queue_log_load(&q, path, o, ret_skipped);
                if (r < 0)
                        return r;
                return source_append_calls(l, q->calls);
        case SOURCE_FORMAT_CSV:
                return call_log_load_csv(l, path, o && o->timezone ? o->timezone : p->timezone, ret_skipped);
        default:
                return -EPROTOTYPE;     /* an iCalendar file holds no calls */
        }
}

int source_append_calls(CallLog **l, const CallLog *from) {
        _cleanup_(call_log_freep) CallLog *new_log = NULL;
        CallLog *log;
        int r;

        if (!*l) {
                new_log = calloc(1, sizeof(CallLog));
                if (!new_log)
                        return -ENOMEM;
        }
        log = *l ?: new_log;
        for (size_t i = 0; i < from->n_calls; i++) {
                const CallRecord *c = &from->calls[i];
                CallRecord copy = { .start = c->start, .end = c->end, .wait_seconds = c->wait_seconds };

                r = array_grow((void **) &log->calls, log->n_calls, sizeof(CallRecord));
                if (r < 0)
                        return r;
                if (strdup_to(&copy.call_id, c->call_id) < 0 || strdup_to(&copy.operator, c->operator) < 0 ||
                    strdup_to(&copy.caller, c->caller) < 0 || strdup_to(&copy.queue, c->queue) < 0 ||
                    strdup_to(&copy.source, c->source) < 0) {
                        free(copy.call_id);
                        free(copy.operator);
                        free(copy.caller);
                        free(copy.queue);
                        return -ENOMEM;
                }
                log->calls[log->n_calls++] = copy;
        }
        if (new_log)
                *l = TAKE_PTR(new_log);
        return 0;
}

int source_append_roster(Roster **r, const Roster *from) {
        _cleanup_(roster_freep) Roster *new_roster = NULL;
        int k;

        if (!*r) {
                new_roster = calloc(1, sizeof(Roster));
                if (!new_roster)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < from->n_shifts; i++) {
                const Shift *s = &from->shifts[i];
                const Operator *o = &from->operators[s->operator];

                k = roster_add_shift(*r ?: new_roster, o->id, o->name, o->team, s->start, s->end, s->source);
                if (k < 0)
                        return k;
        }
        if (new_roster)
                *r = TAKE_PTR(new_roster);
        return 0;
}
