/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of the iCalendar roster importer share: the loader
 * (roster-ics.c), the text cleaning (ics-clean.c), zones (ics-zone.c) and
 * recurrence (ics-recur.c). Not for other modules. */

#include <libical/ical.h>
#include <regex.h>

#include "import/roster-ics.h"
#include "shared/time-util.h"

/* The line of BEGIN:VEVENT travels with the event in this property. */
#define ICS_LINE_PROPERTY "X-RESPITE-LINE"

typedef struct IcsLoader {
        const char *path;
        const RosterIcsOptions *o;
        Roster *roster;
        char *file_operator;            /* ICS_OPERATOR_FILE_NAME */
        regex_t pattern;
        bool have_pattern;
        usec_t from, to;
        size_t n_skipped;
} IcsLoader;

/* ---- ics-clean.c ---- */

/* The text of the file at path, NUL-terminated, and its size. Returns 0,
 * -ENOMEM (not logged), or another negative errno after logging "FILE:
 * cannot open: …" or "FILE: cannot read: …" (-EISDIR for a directory). */
int ics_read_file(const char *path, char **ret, size_t *ret_size);

/* Unfold, drop blank lines and a BOM, take "\r\n", "\n" or a lone "\r" as a
 * line end, join lines that should have been folded, wrap bare components in
 * a VCALENDAR, and mark each VEVENT with its line (ICS_LINE_PROPERTY).
 * Returns 0, -EBADMSG (logged) for text without any component or cut
 * short, or -ENOMEM. */
int ics_clean(const char *path, const char *text, size_t size, char **ret);

/* ---- ics-zone.c ---- */

/* The zone of a DATE-TIME: an IANA name, or a VTIMEZONE of the file. */
typedef struct IcsZone {
        char *iana;
        icaltimezone *vtz;
} IcsZone;

void ics_zone_done(IcsZone *z);

/* The civil time of t (a DATE: its midnight). */
CivilTime ics_civil_from_ical(struct icaltimetype t);

/* The day of c as yyyymmdd. */
int ics_civil_day(const CivilTime *c) _pure_;

/* The instant of civil time c in zone z; a time in a DST gap or fold as
 * RFC 5545 §3.3.5 says. Returns 0, -EINVAL for an impossible date or time,
 * -ERANGE before 1970, -ENOENT for a zone missing from the tz database. */
int ics_zone_civil_to_utc(const IcsZone *z, const CivilTime *c, usec_t *ret);

/* The TZID parameter of p, or NULL. */
const char *ics_property_tzid(icalproperty *p);

/* A copy of tzid without the quotes some exporters keep, or NULL on OOM. */
char *ics_tzid_unquote(const char *tzid);

/* The zone of DATE-TIME t of property p of event ev: "UTC" for "Z", its
 * TZID (an IANA name, one with a vendor prefix, a Windows name, or a
 * VTIMEZONE of the file), or, without TZID, fallback (may be NULL: the zone
 * of floating times). A TZID mapped to an IANA zone (a Windows name, a vendor
 * prefix) while the file has a VTIMEZONE of that TZID whose offsets differ
 * from the zone's on some day of the year around t takes the VTIMEZONE
 * (RFC 5545 §3.2.19) and returns 1 (callers warn once per event,
 * ics_vtimezone_preferred()). Returns 0, 1, -ENOENT for a TZID nobody
 * knows, -ENOMEM. */
int ics_property_zone(const IcsLoader *l, icalcomponent *ev, icalproperty *p, struct icaltimetype t,
                      const IcsZone *fallback, IcsZone *ret);

/* Log "FILE:LINE: TZID 'NAME' in PROPERTY names ZONE, but the file's
 * VTIMEZONE of that TZID disagrees with it: using the VTIMEZONE". */
void ics_vtimezone_preferred(const IcsLoader *l, unsigned line, icalproperty *p);

/* Log "FILE:LINE: unknown time zone 'TZID' in PROPERTY, ignoring that PROPERTY". */
void ics_unknown_zone_ignored(const IcsLoader *l, unsigned line, icalproperty *p);

/* ---- ics-recur.c ---- */

/* A series is expanded to at most this many instances. */
#define ICS_MAX_INSTANCES 20000

/* One occurrence of an event. */
typedef struct IcsInstance {
        usec_t start, end;
        int day;                        /* local yyyymmdd of the start */
} IcsInstance;

/* How an instance's end follows from its start: the civil part added to the
 * civil start, then the exact part to the instant. */
typedef struct IcsEventTimes {
        CivilTime start;
        IcsZone zone;
        int64_t civil_length, exact_length;     /* seconds */
        unsigned line;          /* of BEGIN:VEVENT; looking it up again would restart a loop over the
                                 * event's properties (libical has one iterator per component) */
} IcsEventTimes;

void ics_event_times_done(IcsEventTimes *t);

/* The lengths a DURATION (RFC 5545 §3.3.6) adds: weeks and days civil (a
 * day across a DST change is 23 or 25 hours), the rest exact, in seconds. */
void ics_duration_lengths(struct icaldurationtype d, int64_t *ret_civil, int64_t *ret_exact);

/* The occurrence of an event of times t that starts at civil time start in
 * zone. Returns 0 or as ics_zone_civil_to_utc(). */
int ics_instance_at(const IcsEventTimes *t, const IcsZone *zone, const CivilTime *start, IcsInstance *ret);

/* The occurrences of master event ev of times t: its DTSTART's, its RRULEs'
 * (up to l->to, at most ICS_MAX_INSTANCES each) and its RDATEs' (an RDATE of
 * VALUE=PERIOD with its own end, RFC 5545 §3.8.5.3), sorted by start, less
 * those its EXDATEs name (a DATE: that day's). An RRULE not understood, or
 * an RDATE or EXDATE in an unknown zone, is warned about and ignored.
 * Returns 0 or -ENOMEM. */
int ics_expand(const IcsLoader *l, icalcomponent *ev, const IcsEventTimes *t, IcsInstance **ret, size_t *ret_n);
