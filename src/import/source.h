/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Reading the sources of a policy (sources.rosters, sources.calls) in
 * whatever format they are: roster CSV (with a vendor's column mapping),
 * iCalendar, call-record CSV, Asterisk queue_log. */

#include "core/calls.h"
#include "core/policy.h"
#include "core/roster.h"

/* The format of the source at path: its group's, else by name ("*.ics",
 * "*queue_log*"), else CSV. */
SourceFormat source_format(const Policy *p, const char *path);

/* Add the shifts of roster source path to *r (allocated when NULL), with
 * its options from p (policy_find_source()) or the defaults. Recurring
 * iCalendar events are expanded over [from, to) (to == 0: a year from now).
 * Bad rows and events are logged with FILE:LINE and counted in
 * *ret_skipped. Returns 0, or a negative errno when the file cannot be read
 * or used at all (see the importers). */
int source_load_roster(Roster **r, const Policy *p, const char *path, usec_t from, usec_t to, size_t *ret_skipped);

/* Add the calls of call source path (CSV or queue_log) to *l (allocated
 * when NULL). As source_load_roster(). */
int source_load_calls(CallLog **l, const Policy *p, const char *path, size_t *ret_skipped);

/* Append copies of the calls of from to *l (allocated when NULL). Returns 0
 * or -ENOMEM. */
int source_append_calls(CallLog **l, const CallLog *from);

/* Append copies of the shifts (and operators) of from, a roster not yet
 * finished, to *r (allocated when NULL). Returns 0 or a negative errno. */
int source_append_roster(Roster **r, const Roster *from);
