/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Roster CSVs: respite's own ("operator,start,end" and optionally
 * "name,team"), and vendors' exports read with a column mapping
 * (respite.conf(5), SOURCES). */

#include "core/roster.h"
#include "shared/util.h"

/* Load a roster CSV (UTF-8, optional BOM, RFC 4180 quoting, header row
 * naming "operator,start,end" and optionally "name,team" in any order) and
 * add its rows to r. Instants are ISO 8601 with an offset, or civil time in
 * zone (the site's IANA zone). A bad row (missing field, unparsable instant,
 * end not after start, unknown zone, an operator id or team name that
 * roster_name_is_valid() refuses) is skipped and logged as "FILE:LINE:
 * what, skipping row"; the rest loads. Unknown columns are warned about
 * once. An operator named or teamed differently from an earlier row keeps
 * the first name and team, warned about once. ret_skipped (may be NULL)
 * receives the number of skipped rows.
 *
 * Returns 0, or a negative errno after logging why the file cannot be used,
 * once, as "FILE[:LINE]: what is wrong" (csv_table_read(): it cannot be
 * opened or read, is empty, lacks a column, ends inside a quote; -ENOMEM).
 * The caller does not log the error again. */
int roster_load_csv(Roster *r, const char *path, const char *zone, size_t *ret_skipped);

/* How a vendor's roster CSV is read (respite.conf(5), SOURCES). Every
 * field may be NULL (or 0) for the default of roster_load_csv(). */
typedef struct RosterCsvFormat {
        const char *col_operator, *col_name, *col_team, *col_start, *col_end;  /* header names */
        const char *operator;   /* a fixed operator id: the file is one person's, no operator column */
        const char *team;       /* a fixed team, unless the row names one */
        const char *date_format;/* "d/m/yy H:MM" (see roster_parse_date()); NULL: ISO 8601 */
        const char *zone;       /* IANA zone of times without an offset */
        char delimiter;         /* 0: ',' */
        const char *skip_column;/* a row whose field skip_column matches the fnmatch(3) */
        const char *skip_match; /* pattern skip_match is no shift ("A/Leave"), reported */
} RosterCsvFormat;

/* roster_load_csv() with the columns, date format, delimiter and fixed
 * operator of f. A row skip_match picks out is skipped and counted like a
 * bad row, with the reason. Returns as roster_load_csv(), also -EINVAL
 * (logged "FILE: date_format … is not usable") for a date_format that cannot
 * be used. */
int roster_load_csv_format(Roster *r, const char *path, const RosterCsvFormat *f, size_t *ret_skipped);

/* Parse a civil time written as format says: d, m, H, M, S are a day,
 * month, hour, minute, second of one or two digits, dd, mm, HH, MM, SS of
 * exactly two, yy a year 2000-2069 or 1970-1999, yyyy a year; a space stands
 * for one or more spaces; every other character stands for itself. Seconds
 * and minutes left out are 0. The time is civil time in zone
 * (civil_to_utc()). Returns 0, -EINVAL when s does not fit, -ENOENT for an
 * unknown zone. */
int roster_parse_date(const char *s, const char *format, const char *zone, usec_t *ret);
