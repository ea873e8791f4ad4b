/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "import/calls-csv.h"
#include "shared/csv-reader.h"
#include "shared/i18n.h"

/* The columns of a call-record CSV, by index into calls_csv_columns. */
enum {
        CALLS_CSV_CALL_ID,
        CALLS_CSV_OPERATOR,
        CALLS_CSV_CALLER,
        CALLS_CSV_QUEUE,
        CALLS_CSV_START,
        CALLS_CSV_END,
        CALLS_CSV_WAIT,
        _CALLS_CSV_MAX,
};

static const CsvColumn calls_csv_columns[_CALLS_CSV_MAX] = {
        [CALLS_CSV_CALL_ID]  = { .name = "call_id" },
        [CALLS_CSV_OPERATOR] = { .name = "operator", .required = true },
        [CALLS_CSV_CALLER]   = { .name = "caller" },
        [CALLS_CSV_QUEUE]    = { .name = "queue" },
        [CALLS_CSV_START]    = { .name = "start", .required = true },
        [CALLS_CSV_END]      = { .name = "end", .required = true },
        [CALLS_CSV_WAIT]     = { .name = "wait_seconds" },
};

typedef struct CallsCsvLoader {
        CallLog *log;
        const char *zone;
} CallsCsvLoader;

/* Check a row and fill in its numbers: 0, or what csv_row_skip() returned. */
static int calls_csv_check_row(const CallsCsvLoader *l, CsvRow *row, CallRecord *c) {
        const char *operator;
        int r;

        r = csv_row_string(row, CALLS_CSV_OPERATOR, &operator);
        if (r < 0)
                return r;
        r = csv_row_instant(row, CALLS_CSV_START, l->zone, &c->start);
        if (r < 0)
                return r;
        r = csv_row_instant(row, CALLS_CSV_END, l->zone, &c->end);
        if (r < 0)
                return r;
        if (c->end < c->start)
                return csv_row_skip(row, _("end %s is before start %s"), csv_row_field(row, CALLS_CSV_END),
                                    csv_row_field(row, CALLS_CSV_START));
        return csv_row_seconds(row, CALLS_CSV_WAIT, &c->wait_seconds);
}

static int calls_csv_row(CsvRow *row, void *userdata) {
        CallsCsvLoader *l = userdata;
        _cleanup_free_ char *source = NULL;
        CallRecord c = {
                .call_id = (char *) csv_row_optional(row, CALLS_CSV_CALL_ID),
                .operator = (char *) csv_row_field(row, CALLS_CSV_OPERATOR),
                .caller = (char *) csv_row_optional(row, CALLS_CSV_CALLER),
                .queue = (char *) csv_row_optional(row, CALLS_CSV_QUEUE),
        };
        int r;

        r = calls_csv_check_row(l, row, &c);
        if (r < 0)
                return r;
        if (asprintf(&source, "%s:%u", row->path, row->line) < 0)
                return -ENOMEM;
        c.source = source;
        return call_log_add(l->log, &c);
}

int call_log_load_csv(CallLog *l, const char *path, const char *zone, size_t *ret_skipped) {
        static const CsvTable table = {
                .columns = calls_csv_columns,
                .n_columns = ELEMENTSOF(calls_csv_columns),
                .row = calls_csv_row,
        };

        return csv_table_read(path, &table, &(CallsCsvLoader) { .log = l, .zone = zone }, ret_skipped);
}
