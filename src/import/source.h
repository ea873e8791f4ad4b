/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Reading the sources of a policy (sources.rosters, sources.calls) in
 * whatever format they are: roster CSV (with a vendor's column mapping),
 * iCalendar, call-record CSV, Asterisk queue_log. */

#include "core/calls.h"
#include "core/roster.h"
#include "shared/util.h"

typedef struct Policy Policy;

/* How a source file is read (respite.conf(5), SOURCES). */
typedef enum SourceFormat {
        SOURCE_FORMAT_AUTO,             /* by name: *.ics iCalendar, *queue_log* Asterisk, else CSV */
        SOURCE_FORMAT_CSV,
        SOURCE_FORMAT_ICS,
        SOURCE_FORMAT_QUEUE_LOG,
        _SOURCE_FORMAT_MAX,
        _SOURCE_FORMAT_INVALID = -EINVAL,
} SourceFormat;

/* Where an iCalendar roster names the operator of an event. */
typedef enum IcsOperatorFrom {
        ICS_OPERATOR_FILE_NAME,         /* the file name without ".ics": one file per operator */
        ICS_OPERATOR_ATTENDEE,          /* each ATTENDEE: its CN, else its address without "mailto:" */
        ICS_OPERATOR_ORGANIZER,         /* ORGANIZER's CN, else its address */
        ICS_OPERATOR_SUMMARY,           /* the first group of operator_pattern matched on SUMMARY */
        ICS_OPERATOR_PROPERTY,          /* the value of the property operator_property ("X-…") */
        _ICS_OPERATOR_MAX,
        _ICS_OPERATOR_INVALID = -EINVAL,
} IcsOperatorFrom;

/* A queue_log agent channel ("Agent/1127", "SIP/8007", or an fnmatch(3)
 * pattern) and the operator it is. */
typedef struct SourceAgent {
        char *agent;
        char *operator;
} SourceAgent;

/* A source written as a group in sources.rosters or sources.calls. */
typedef struct SourceOptions {
        char *path;                     /* resolved as the path in rosters/calls */
        SourceFormat format;
        char *timezone;                 /* times without a zone; NULL: the site's */
        char *operator;                 /* a fixed operator id; NULL: from the file */
        char *team;                     /* a fixed team; NULL: from the file or "default" */
        /* CSV */
        struct {
                char *operator, *name, *team, *start, *end;     /* header names; NULL: the standard one */
        } columns;
        char *date_format;              /* "d/m/yy H:MM"; NULL: ISO 8601 */
        char delimiter;                 /* ',' */
        char *skip_column;              /* rows whose skip_column matches skip_match (fnmatch) are no shift */
        char *skip_match;
        /* iCalendar */
        IcsOperatorFrom operator_from;
        char *operator_property;
        char *operator_pattern;         /* POSIX extended regex with one group */
        /* queue_log */
        SourceAgent *agents;
        size_t n_agents;
} SourceOptions;

/* The format of the source at path: its group's, else by name ("*.ics",
 * "*queue_log*"), else CSV. */
SourceFormat source_format(const Policy *p, const char *path);

/* Check the source at path, of format, before it is read as what ("a
 * roster", for messages, in their language): a regular file
 * (opened with O_NONBLOCK, so a FIFO does not block and a device is never
 * read), within p->sources_max_size bytes, and text: no UTF-16 and no NUL
 * byte. A queue_log is followed, not read whole: only its type is checked.
 * Returns 0, or a negative errno after logging what is wrong as "FILE: …"
 * (-EISDIR, -EBADFD for a FIFO, a device or a socket, -EFBIG for a file
 * too large, -EBADMSG for binary data or UTF-16, open(2)'s -errno). The
 * readers open the file again: these checks are what keeps a file that
 * could block or flood them from reaching them. */
int source_check(const Policy *p, const char *path, SourceFormat format, const char *what);

/* Add the shifts of roster source path to r, with
 * its options from p (policy_find_source()) or the defaults. Recurring
 * iCalendar events are expanded over [from, to) (to == 0: a year from now).
 * The file is checked first (source_check()).
 * Bad rows and events are logged with FILE:LINE and counted in
 * *ret_skipped. Returns 0, or a negative errno when the file cannot be read
 * or used at all, after logging why, once, as "FILE[:LINE]: what is wrong"
 * (see the importers; -EPROTOTYPE for a queue_log): the caller does not log
 * the error again. */
int source_load_roster(Roster *r, const Policy *p, const char *path, usec_t from, usec_t to, size_t *ret_skipped);

/* Add the calls of call source path (CSV or queue_log) to l, and a
 * queue_log's closed pauses (call_log_add_pause()). As
 * source_load_roster() (-EPROTOTYPE for an iCalendar file). */
int source_load_calls(CallLog *l, const Policy *p, const char *path, size_t *ret_skipped);
