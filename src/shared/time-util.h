/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Civil time and the tz database. Every instant respite keeps is a usec_t in
 * UTC; civil (wall-clock) times exist only at the edges: parsing input and
 * formatting output. Zones are IANA names ("Asia/Jerusalem") read from the tz
 * database under $TZDIR (default /usr/share/zoneinfo). */

#include <stdbool.h>

#include "shared/util.h"

/* "1999-04-02T02:30:00+03:00" and a NUL: room to spare. */
#define ISO8601_MAX 40

/* Check that zone names a zone of the tz database: a relative path without
 * "..", naming a TZif file. "UTC" is always valid.
 * Returns 0, -EINVAL for a malformed name, -ENOENT for an unknown zone. */
int tz_validate(const char *zone);

/* Offset of zone from UTC at instant t, in seconds east of Greenwich
 * (Asia/Jerusalem in winter: 7200). Returns 0 or -ENOENT/-EINVAL as
 * tz_validate(). */
int tz_utc_offset(const char *zone, usec_t t, int *ret_seconds);

/* A civil time: year (e.g. 1999), month 1-12, day 1-31, hour 0-23,
 * minute 0-59, second 0-60, no zone. */
typedef struct CivilTime {
        int year, month, day, hour, minute, second;
} CivilTime;

/* Whether c exists on the proleptic Gregorian calendar: year 1-9999, month
 * 1-12, a day of that month, hour 0-23, minute 0-59, second 0-60. */
bool civil_time_is_valid(const CivilTime *c) _pure_;

/* c as seconds of a clock without zone since 1970-01-01 00:00:00, for
 * arithmetic on civil times (a night shift's civil length); and back. c must
 * be valid (civil_time_is_valid()). */
int64_t civil_time_to_seconds(const CivilTime *c) _pure_;
/* The day of c in the reader's language (po/): its weekday and date,
 * "Monday 1999-01-04", "1999-01-04（月）"; into buf, which it returns. */
#define CIVIL_DAY_MAX 64
const char *civil_time_format_day(const CivilTime *c, char buf[static CIVIL_DAY_MAX]);
CivilTime civil_time_from_seconds(int64_t s);

/* Convert a civil time in zone to UTC. A time that falls in a DST gap is
 * taken with the offset in force before the gap, and an ambiguous time (DST
 * fold) means its first occurrence, as RFC 5545 §3.3.5 prescribes
 * (Europe/Berlin 2021-03-28 02:30 → 01:30Z; 2021-10-31 02:30 → 00:30Z).
 * Returns 0, -EINVAL for an impossible date, -ENOENT for an unknown zone. */
int civil_to_utc(const CivilTime *c, const char *zone, usec_t *ret);

/* Civil time of instant t in zone. Returns 0 or a negative errno. */
int utc_to_civil(usec_t t, const char *zone, CivilTime *ret);

/* Parse an ISO 8601 instant: "YYYY-MM-DD[T ]HH:MM[:SS[.frac]]" followed by
 * "Z", "±HH:MM", "±HHMM", "±HH" or nothing. Without an offset the time is civil time
 * in zone (converted by civil_to_utc()); zone may be NULL only when an offset
 * is required. Returns 0, -EINVAL for malformed text or a date that does not
 * exist, -ENOENT for an unknown zone, -ERANGE before 1970. */
int time_parse_iso8601(const char *s, const char *zone, usec_t *ret);

/* Format t as "YYYY-MM-DDTHH:MM:SS±HH:MM" in zone ("Z" suffix for UTC).
 * Returns 0 or a negative errno. */
int time_format_iso8601(usec_t t, const char *zone, char buf[static ISO8601_MAX]);

/* t in zone as people read it in a table or a notification: "10:42", or
 * with_date "1999-01-04 10:42"; "?" when it cannot be formatted. Returns
 * buf. */
const char *time_format_clock(usec_t t, const char *zone, bool with_date, char buf[static ISO8601_MAX]);

/* Parse a duration with units, as respite.conf(5) documents: "45min",
 * "1h 30min", "20 s", "2h", "90s", "1d". Units: us, ms, s/sec, min/m, h/hour,
 * d/day (plurals allowed). A bare number is rejected: durations carry units.
 * Returns 0 or -EINVAL, -ERANGE on overflow. */
int duration_parse(const char *s, usec_t *ret);

/* Format a duration for people: "45min", "1h", "1h 30min", "20s".
 * Returns buf. */
char *duration_format(usec_t d, char *buf, size_t size);
#define DURATION_MAX 32
/* Length d as a person reads it, in the reader's language (po/): under a
 * day, rounded to the nearest second, "1h 2min 3s", "6min 13s", "1h",
 * "20min", "4s", "0s" (as duration_format() writes them), "1時間2分3秒",
 * "6分13秒", "4秒". A day or more (or what rounds to it) keeps
 * duration_format()'s units ("1d", "1d 2h"), which no language
 * translates. respitectl's tables, notifications, the HTML page and the
 * reasons say lengths with it. Returns buf. */
const char *duration_format_words(usec_t d, char buf[static DURATION_MAX]);

/* [start, end) of the local calendar day of zone that holds t, UTC usec:
 * 23, 24 or 25 hours. Returns 0 or a negative errno. */
int time_local_day_bounds(usec_t t, const char *zone, usec_t *ret_start, usec_t *ret_end);

/* [start, end) of the local day s names ("1999-01-04") in zone, UTC usec.
 * Returns 0, -EINVAL when s is no date of that form or no such day, or
 * the zone's error. */
int time_parse_day(const char *s, const char *zone, usec_t *ret_start, usec_t *ret_end);

/* The local calendar day of t in zone as yyyymmdd (19990101), for grouping
 * by day. Returns 0 or a negative errno. */
int time_local_day(usec_t t, const char *zone, int *ret_yyyymmdd);
