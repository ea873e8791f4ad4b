/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fnmatch.h>

#include "core/policy.h"
#include "import/calls-csv.h"
#include "import/queue-log.h"
#include "import/roster-csv.h"
#include "import/roster-ics.h"
#include "import/source.h"
#include "shared/log.h"

SourceFormat source_format(const Policy *p, const char *path) {
        const SourceOptions *o = policy_find_source(p, path);
        const char *base = basename(path);

        if (o && o->format != SOURCE_FORMAT_AUTO)
                return o->format;
        if (fnmatch("*.[iI][cC][sS]", base, 0) == 0)
                return SOURCE_FORMAT_ICS;
        if (fnmatch("*queue_log*", base, 0) == 0)
                return SOURCE_FORMAT_QUEUE_LOG;
        return SOURCE_FORMAT_CSV;
}

static int source_load_roster_format(Roster *r, const Policy *p, const char *path, usec_t from, usec_t to,
                                     size_t *ret_skipped) {
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
                return log_error_errno(EPROTOTYPE, "%s: an Asterisk queue_log holds no roster", path);
        }
}

int source_load_roster(Roster *r, const Policy *p, const char *path, usec_t from, usec_t to, size_t *ret_skipped) {
        int k = source_load_roster_format(r, p, path, from, to, ret_skipped);

        /* The daemon keeps each file's roster as long as the file stands. */
        roster_trim(r);
        return k;
}

int source_load_calls(CallLog *l, const Policy *p, const char *path, size_t *ret_skipped) {
        const SourceOptions *o = policy_find_source(p, path);
        _cleanup_(queue_log_freep) QueueLog *q = NULL;
        int r;

        switch (source_format(p, path)) {
        case SOURCE_FORMAT_QUEUE_LOG:
                r = queue_log_new(&q);
                if (r < 0)
                        return log_error_errno(r, "%s: out of memory", path);
                r = queue_log_load(q, path, o, ret_skipped);
                if (r < 0)
                        return r;
                r = call_log_append(l, q->calls);
                /* The pauses taken: those closed by the end of the file. */
                for (size_t i = 0; r >= 0 && i < q->n_pauses; i++)
                        r = call_log_add_pause(l, q->pauses[i].operator, q->pauses[i].start, q->pauses[i].end);
                if (r < 0)
                        return log_error_errno(r, "%s: out of memory", path);
                return 0;
        case SOURCE_FORMAT_CSV:
                return call_log_load_csv(l, path, o && o->timezone ? o->timezone : p->timezone, ret_skipped);
        default:
                return log_error_errno(EPROTOTYPE, "%s: an iCalendar file holds no call records", path);
        }
}
