/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Reading CSV files record by record with libcsv (RFC 4180 quoting, fields
 * with embedded newlines, CRLF/LF/CR line ends), with the line number each
 * record starts on so importers can report "FILE:LINE: …". A UTF-8 BOM at the
 * start of the file is skipped. Blank lines yield no record.
 *
 * Two ways in: csv_read_file() hands over every record as it is;
 * csv_table_read() reads a table (a header row naming the columns, then one
 * row a record) for an importer, and hands over each row with typed getters
 * that report a bad field and skip its row. */

#include "shared/util.h"

typedef struct CsvRecord {
        char **fields;          /* NUL-terminated copies; never NULL entries */
        size_t n_fields;
        unsigned line;          /* 1-based line the record starts on */
        bool not_utf8;          /* a field is not valid UTF-8: the reader logged "FILE:LINE: not
                                 * valid UTF-8 …, skipping row"; skip the record and count it */
} CsvRecord;

/* Called for each record, header included. Return 0 to go on, a negative
 * errno to stop reading (csv_read_file() returns it). */
typedef int (*csv_record_fn)(const CsvRecord *rec, void *userdata);

/* Read path and call fn for each record; a record with a field that is not
 * valid UTF-8 comes with not_utf8 set, already logged. Returns 0, or a negative errno when
 * the file cannot be opened or read (-EISDIR for a directory; not logged),
 * -EBADMSG for a quote left open at the end of the file (the records before
 * it were delivered; logged as "FILE:LINE: …"), -ENODATA for a file without
 * any record (logged), or what fn returned (not logged). */
int csv_read_file(const char *path, csv_record_fn fn, void *userdata);

/* As csv_read_file(), from f, already open (path only names it in
 * messages): for a caller that must check what it opened. */
int csv_read_stream(const char *path, FILE *f, csv_record_fn fn, void *userdata);

/* Check that header names every column of required (NULL-terminated).
 * Returns 0, or -EBADMSG after logging "FILE:LINE: expected a header row
 * naming the columns operator,start,end; column 'end' is missing". */
int csv_require_columns(const char *path, const CsvRecord *header, const char * const *required);

/* Index of the column named name in a header record (compared after trimming
 * spaces, ASCII case-insensitively), or -ENOENT. */
ssize_t csv_column(const CsvRecord *header, const char *name);

/* Field col of rec, or "" when col is negative (a missing optional column)
 * or beyond the record's end. */
static inline const char *csv_field(const CsvRecord *rec, ssize_t col) {
        return col >= 0 && (size_t) col < rec->n_fields ? rec->fields[col] : "";
}

/* Write field s to f as RFC 4180 §2 says: as it is, or in double quotes
 * (a quote doubled) when it holds a comma, a quote or a line end. */
void csv_fputs_field(const char *s, FILE *f);

/* A column an importer reads from a table. */
typedef struct CsvColumn {
        const char *name;       /* as the header names it (csv_column()); NULL: no such column here */
        const char *label;      /* what row messages call it ("start" for a header's "Beginn"); NULL: name */
        bool required;          /* the header must name it */
} CsvColumn;

/* A data row of a table, as the row callback gets it. */
typedef struct CsvRow {
        const char *path;       /* the file, for messages and sources ("FILE:LINE") */
        unsigned line;          /* the line the row starts on */
        /* For the getters: */
        const CsvRecord *rec;
        const CsvColumn *columns;
        const ssize_t *index;   /* of each column in rec, -ENOENT when the header lacks it */
        bool skipped;           /* csv_row_skip() was called */
} CsvRow;

/* How an importer reads a table (csv_table_read()). */
typedef struct CsvTable {
        const CsvColumn *columns;       /* the columns the callbacks read, by index into this array */
        size_t n_columns;
        char delimiter;                 /* 0: ',' */
        /* After the header row's columns are found (may be NULL): 0, or a negative errno to stop. */
        int (*header)(const CsvRecord *header, void *userdata);
        /* For each data row: take it, or skip it with csv_row_skip() or a getter that fails.
         * Return 0 to go on (what csv_row_skip() returned may be returned too), or a negative
         * errno to stop. */
        int (*row)(CsvRow *row, void *userdata);
} CsvTable;

/* Read the table at path: the first record that is valid UTF-8 is the
 * header, which must name every required column (the message of
 * csv_require_columns()); then t->row for each data row. Records that are
 * not valid UTF-8 (logged by the reader) and rows skipped (logged by
 * csv_row_skip()) are counted in *ret_skipped (may be NULL). Returns 0, or
 * a negative errno after logging why the file cannot be used, once, as
 * "FILE[:LINE]: what is wrong": "FILE: cannot open: No such file or
 * directory" (-EISDIR for a directory), "FILE: cannot read: …",
 * "FILE: the file is empty, expected a header row" (-ENODATA), the header
 * message or an open quote at the end of the file (-EBADMSG),
 * "FILE: out of memory" (-ENOMEM), or "FILE:LINE: " and the error of a
 * callback that stopped the reading. The callbacks return their errors
 * without logging them. */
int csv_table_read(const char *path, const CsvTable *t, void *userdata, size_t *ret_skipped);

/* Log "FILE:LINE: <format>, skipping row" (in the reader's language:
 * format is a clause of its own, marked _("…"), and the whole line one
 * msgid) and mark the row skipped. Returns -EINVAL, or -ENOMEM (not
 * logged) when the message cannot be formatted. */
int csv_row_skip(CsvRow *row, const char *format, ...) _printf_(2, 3);

/* The field of column col (an index into CsvTable.columns): "" when empty,
 * the header lacks the column, or the row ends before it. */
const char *csv_row_field(const CsvRow *row, size_t col);

/* What row messages call column col. */
const char *csv_row_label(const CsvRow *row, size_t col);

/* A field that must not be empty, in *ret; else skips the row: "missing
 * field 'LABEL'" and -EINVAL. */
int csv_row_string(CsvRow *row, size_t col, const char **ret);

/* The field of column col, or NULL when it is empty. */
const char *csv_row_optional(const CsvRow *row, size_t col);

/* An ISO 8601 instant (time_parse_iso8601(); civil time in zone when it has
 * no offset) in *ret. Skips the row (-EINVAL) when the field is empty
 * ("missing field 'LABEL'") or does not parse (csv_row_skip_instant()). */
int csv_row_instant(CsvRow *row, size_t col, const char *zone, usec_t *ret);

/* Skip the row for value of column col, which the parser of instants
 * refused with error: -ENOENT "unknown time zone 'ZONE' for 'VALUE'",
 * -ERANGE "instant 'VALUE' in column 'LABEL' is before 1970", anything else
 * "expected an ISO 8601 instant in column 'LABEL', got 'VALUE'". Returns as
 * csv_row_skip(). */
int csv_row_skip_instant(CsvRow *row, size_t col, const char *zone, const char *value, int error);

/* A whole number of seconds that fits an unsigned (an empty field is 0) in
 * *ret; else skips the row: "expected a number of seconds in column
 * 'LABEL', got 'VALUE'" and -EINVAL. */
int csv_row_seconds(CsvRow *row, size_t col, unsigned *ret);
