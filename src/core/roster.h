/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The roster: operators and their shifts, imported from files. */

#include "shared/util.h"

typedef struct Operator {
        char *id;       /* "op17": what incidents and feeds are keyed by */
        char *name;     /* display name, "Operator 17"; never NULL (defaults to id) */
        char *team;     /* coverage is counted per team; never NULL (default "default") */
} Operator;

/* A break that came with the roster (kind "planned"), e.g. the gap of a
 * split shift. */
typedef struct PlannedBreak {
        usec_t start, end;      /* UTC, start < end, inside the shift */
} PlannedBreak;

typedef struct Shift {
        size_t operator;        /* index into Roster.operators */
        usec_t start, end;      /* UTC, start < end */
        PlannedBreak *planned;  /* sorted by start, not overlapping */
        size_t n_planned;
        char *source;           /* "roster.csv:12", where the shift came from */
} Shift;

typedef struct Roster {
        Operator *operators;    /* sorted by id, unique */
        size_t n_operators;
        Shift *shifts;          /* sorted by (operator id, start) */
        size_t n_shifts;
        char **teams;           /* the operators' distinct teams, sorted (roster_finish()); never NULL */
        size_t n_teams;
} Roster;

/* An empty roster. Returns NULL on OOM. */
Roster *roster_new(void);
Roster *roster_free(Roster *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(Roster *, roster_free);

/* Whether name can be an operator id (is_team false) or a team name: it
 * names a feed file (<dir>/<id>.ics, <dir>/team-<team>.ics) and travels on
 * D-Bus, so: 1 to 128 bytes of valid UTF-8, no control characters, no '/',
 * not starting with '.', and an operator id does not start with "team-"
 * (a team feed's name). Spaces, Japanese and emoji are fine. */
bool roster_name_is_valid(const char *name, bool is_team) _pure_;

/* Index of operator id in r->operators, or -ENOENT. */
ssize_t roster_find_operator(const Roster *r, const char *id);

/* Whether team is one of r->teams. */
bool roster_has_team(const Roster *r, const char *team) _pure_;

/* Load a roster CSV (UTF-8, optional BOM, RFC 4180 quoting, header row
 * naming "operator,start,end" and optionally "name,team" in any order) and
 * add its rows to r. Instants are ISO 8601 with
 * an offset, or civil time in zone (the site's IANA zone). A bad row (missing
 * field, unparsable instant, end not after start, unknown zone, an operator
 * id or team name that roster_name_is_valid() refuses) is skipped
 * and logged as "FILE:LINE: what, skipping row"; the rest loads.
 * ret_skipped (may be NULL) receives the number of skipped rows.
 * Returns 0, or a negative errno when the file cannot be read or has no
 * usable header (then logs nothing; the caller reports). */
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
 * bad row, with the reason. Returns as roster_load_csv(), or -EINVAL (logged)
 * for a date_format that cannot be used. */
int roster_load_csv_format(Roster *r, const char *path, const RosterCsvFormat *f, size_t *ret_skipped);

/* Parse a civil time written as format says: d, m, H, M, S are a day,
 * month, hour, minute, second of one or two digits, dd, mm, HH, MM, SS of
 * exactly two, yy a year 2000-2069 or 1970-1999, yyyy a year; a space stands
 * for one or more spaces; every other character stands for itself. Seconds
 * and minutes left out are 0. The time is civil time in zone
 * (civil_to_utc()). Returns 0, -EINVAL when s does not fit, -ENOENT for an
 * unknown zone. */
int roster_parse_date(const char *s, const char *format, const char *zone, usec_t *ret);

/* Add a shift of operator id (added with name and team when new; NULL name:
 * the id, NULL team: "default"); source ("FILE:LINE") is copied. Returns 0,
 * -EINVAL for an id or team roster_name_is_valid() refuses, or -ENOMEM. */
int roster_add_shift(Roster *r, const char *id, const char *name, const char *team, usec_t start, usec_t end,
                     const char *source);

/* Add copies of the shifts (and operators) of from, a roster not yet
 * finished, to r, as roster_add_shift() does. Returns 0 or a negative
 * errno. */
int roster_append(Roster *r, const Roster *from);

/* After loading every file: sort, and join consecutive shifts of one
 * operator whose gap is at most split_gap (microseconds; 0 = never) into one
 * shift with the gap as a planned break (a split shift). Overlapping shifts of
 * one operator are merged, with a warning naming both rows. Then list the
 * distinct teams in r->teams. Returns 0 or -ENOMEM. */
int roster_finish(Roster *r, usec_t split_gap);
