/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* iCalendar rosters (RFC 5545), read with libical: each VEVENT is a shift of
 * the operator it names. See respite.conf(5), SOURCES. */

#include "core/roster.h"
#include "import/source.h"

typedef struct RosterIcsOptions {
        IcsOperatorFrom operator_from;
        const char *operator;           /* a fixed operator id, overriding operator_from */
        const char *operator_property;  /* ICS_OPERATOR_PROPERTY: "X-OPERATOR" */
        const char *operator_pattern;   /* ICS_OPERATOR_SUMMARY: POSIX ERE, group 1 is the id */
        const char *team;               /* NULL: "default" */
        const char *zone;               /* IANA zone of floating times (no TZID, no "Z") */
        usec_t from, to;                /* recurring events are expanded over [from, to) (UTC);
                                         * to == 0: until a year after now */
} RosterIcsOptions;

/* Add the shifts of the iCalendar file at path to r.
 *
 * The text is cleaned before libical sees it: a UTF-8 BOM, blank lines,
 * lone CRs and lines that should have been folded are tolerated. A
 * DATE-TIME with a TZID is civil time in that zone: an IANA name, one with a
 * vendor prefix ("/freeassociation.sourceforge.net/…", "/mozilla.org/…/"),
 * a Windows name mapped by the CLDR table (windows-zones.h), or else the
 * file's own VTIMEZONE (wherever it is in the file); a time in a DST gap or
 * fold is resolved as RFC 5545 §3.3.5 says (civil_to_utc()). Floating times
 * are in o->zone. RRULE (several allowed), RDATE and EXDATE are expanded
 * over the window; an UNTIL written as a DATE ends the series with that day.
 * RECURRENCE-ID overrides and cancellations are applied by UID, whatever
 * their order in the file; an override without its master is a single
 * event. An instance keeps the civil length of DTEND - DTSTART (a night
 * shift across a DST change keeps 22:00-06:00); DURATION's days are civil,
 * its hours exact.
 *
 * No shift, reported as "FILE:LINE: why, skipping event" (LINE that of
 * BEGIN:VEVENT) and counted in *ret_skipped: all-day events,
 * TRANSP:TRANSPARENT (absences), STATUS:CANCELLED, an unknown zone (never
 * taken as floating), an impossible date, no end after the start, no
 * operator, an operator id roster_name_is_valid() refuses.
 *
 * Returns 0, or a negative errno after logging why the file cannot be
 * used, once, as "FILE[:LINE]: what is wrong": it cannot be opened or read
 * ("FILE: cannot open: …", -EISDIR for a directory), it is no iCalendar
 * text or is cut short (a BEGIN without its END; -EBADMSG), an
 * operator_pattern that does not compile (-EINVAL), "FILE: out of memory"
 * (-ENOMEM). The caller does not log the error again. */
int roster_load_ics(Roster *r, const char *path, const RosterIcsOptions *o, size_t *ret_skipped);
