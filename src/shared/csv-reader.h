/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Reading CSV files record by record with libcsv (RFC 4180 quoting, fields
 * with embedded newlines, CRLF/LF/CR line ends), with the line number each
 * record starts on so importers can report "FILE:LINE: …". A UTF-8 BOM at the
 * start of the file is skipped. Blank lines yield no record. */

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
 * the file cannot be opened or read (-EISDIR for a directory), -EBADMSG for a
 * quote left open at the end of the file (the records before it were
 * delivered; logged as "FILE:LINE: …"), -ENODATA for a file without any
 * record (logged), or what fn returned. */
int csv_read_file(const char *path, csv_record_fn fn, void *userdata);

/* The same with fields separated by delimiter (',' ';' '\t' '|' …) instead
 * of a comma. */
int csv_read_file_delim(const char *path, char delimiter, csv_record_fn fn, void *userdata);

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
