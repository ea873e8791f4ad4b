/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A table of typed cells that prints itself as aligned text, as CSV or as
 * JSON, so that a command fills one table and the output format decides
 * only how it prints. Each column has a text header and a JSON key, either
 * of which may be NULL: a column only JSON shows (an id), or only the text
 * (a span of two times that JSON gives as two). Rows are filled left to
 * right, one cell per column in column order; the text may show its
 * columns in another order. */

#include <json-c/json.h>
#include <stdbool.h>

#include "shared/time-util.h"

#define ANSI_BOLD   "\033[1m"
#define ANSI_YELLOW "\033[1;33m"
#define ANSI_BLUE   "\033[34m"
#define ANSI_RESET  "\033[0m"

typedef enum TableDataType {
        TABLE_STRING,           /* text: as is, "" for NULL; JSON: a string, or null for NULL */
        TABLE_BREAK_KIND,       /* a TABLE_STRING shown in colour: recovery yellow, statutory blue */
        TABLE_AGENT_STATE,      /* a TABLE_STRING, an operator's agent state ("on_call"): the text says it
                                 * in the reader's language ("通話中"); CSV and JSON as given */
        TABLE_REASON,           /* a TABLE_STRING, a planner's reason: the text says it in the reader's
                                 * language where it can (reason_translate()); CSV and JSON as given */
        /* Instants in a zone: text "-" for 0 (none); JSON as ctl_json_add_time(). */
        TABLE_TIMESTAMP,        /* "1999-01-04T10:42:00+02:00" (table_print() fails if it does not format) */
        TABLE_TIMESTAMP_MINUTE, /* "1999-01-04 10:42" ("?" if it does not format) */
        TABLE_CLOCK,            /* "10:42" ("?" if it does not format) */
        TABLE_DURATION,         /* text "1h 30min" in the reader's language (duration_format_words()),
                                 * CSV as duration_format() writes it, its records and JSON whole minutes */
        _TABLE_DATA_TYPE_MAX,
} TableDataType;

typedef struct TableColumn {
        const char *header;     /* the text's header, N_("…"): translated where the text prints
                                 * it, as it is in CSV; or NULL: not in the text */
        const char *json;       /* the JSON key and CSV header, or NULL: not in JSON */
} TableColumn;

typedef struct Table Table;

/* How table_print_csv() prints a table. */
typedef enum TableCsvStyle {
        TABLE_CSV_TEXT,         /* the text's columns as the text shows them (the default) */
        TABLE_CSV_RECORD,       /* every JSON column, in column order, as a record to keep: each
                                 * instant in ISO 8601 with its offset ("1999-01-04T10:42:00+02:00")
                                 * whatever the text shows, none (0) and NULL an empty field,
                                 * durations in whole minutes (as JSON has them) */
} TableCsvStyle;

/* A table of the n_columns columns given (not copied: static strings).
 * The text shows the columns with a header, in column order, until
 * table_set_display() says otherwise. Returns NULL on OOM. */
Table *table_new(const TableColumn *columns, size_t n_columns);
Table *table_free(Table *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(Table *, table_free);

/* The text shows columns[display[0]], columns[display[1]], … (n of them,
 * each with a header). Returns 0 or -ENOMEM. */
int table_set_display(Table *t, const size_t *display, size_t n);

/* Choose how table_print_csv() prints t (TABLE_CSV_TEXT until set). */
void table_set_csv_style(Table *t, TableCsvStyle style);

/* Add the next cell of the current row. Strings and zones are copied.
 * Return 0 or -ENOMEM. */
int table_add_string(Table *t, const char *s);
int table_add_break_kind(Table *t, const char *kind);
int table_add_agent_state(Table *t, const char *state);
int table_add_reason(Table *t, const char *reason);
int table_add_time(Table *t, TableDataType type, usec_t when, const char *zone);
int table_add_duration(Table *t, usec_t d);

/* The number of whole rows, the header not counted. */
size_t table_get_rows(const Table *t);

/* Print the text on stdout: the header, then each row, columns two
 * spaces apart and aligned on the width of their widest cell (in code
 * points), the last not padded; with color the header bold and
 * TABLE_BREAK_KIND cells in their colour. Returns 0, -ENOMEM, or -EINVAL
 * when a TABLE_TIMESTAMP does not format in its zone. */
int table_print(const Table *t, bool color);

/* Print t as CSV (RFC 4180) on stdout, in its CSV style: the header (each
 * column's JSON key, or its text header when it has none), then each row,
 * fields quoted only where they must be. Returns as table_print() (in
 * TABLE_CSV_RECORD, -EINVAL when any instant does not format). */
int table_print_csv(const Table *t);

/* Row row (0 the first after the header) as an object of the JSON columns,
 * in column order. Returns 0 or -ENOMEM. */
int table_row_to_json(const Table *t, size_t row, json_object **ret);

/* Every row as table_row_to_json() gives it, in an array. Returns 0 or
 * -ENOMEM. */
int table_to_json(const Table *t, json_object **ret);

/* Print table_to_json() as ctl_json_print() does. Returns 0 or -ENOMEM. */
int table_print_json(const Table *t);

/* Instant when in zone as type (a time type of TABLE_TIMESTAMP…TABLE_CLOCK)
 * shows it, "?" if it does not format; 0 is not special. Returns buf, or
 * NULL when a TABLE_TIMESTAMP does not format. */
const char *table_format_time(TableDataType type, usec_t when, const char *zone, char buf[static ISO8601_MAX]);

