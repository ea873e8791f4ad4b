/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Every input a plan is made from, read in one place: the rosters, the call
 * records and the incidents found in them, incident CSVs for offline
 * planning, and the coverage requirement worked out from them. respited
 * (start, reload, a source that changed), respited --check-config and
 * respitectl plan all read their files here. */

#include "core/calls.h"
#include "core/coverage.h"
#include "core/incident.h"
#include "core/policy.h"
#include "core/roster.h"

typedef struct InputFiles {
        char * const *rosters;          /* roster sources, NULL-terminated (may be NULL) */
        char * const *calls;            /* call-record sources: CSV or queue_log */
        char * const *incidents;        /* incident CSVs (offline planning) */
        usec_t from, to;                /* recurring iCalendar events are expanded over [from, to)
                                         * (UTC usec); to == 0: until a year from now */
} InputFiles;

/* How one source file is read. By default with source_load_roster() and
 * source_load_calls(); respited reads through its last good copies and
 * follows queue_logs. A function adds what path gives to into, sets
 * *ret_skipped to the rows or events it skipped and returns 0, or returns a
 * negative errno when the file cannot be used at all, after logging why,
 * once (as the importers do: "FILE[:LINE]: what is wrong"); inputs_load()
 * only counts it. */
typedef struct InputReader {
        int (*roster)(const Policy *p, const char *path, usec_t from, usec_t to, Roster *into,
                      size_t *ret_skipped, void *userdata);
        int (*calls)(const Policy *p, const char *path, CallLog *into, size_t *ret_skipped, void *userdata);
        void *userdata;
} InputReader;

typedef struct Inputs {
        Roster *roster;                 /* finished (roster_finish()); shifts without source */
        CallLog *calls;                 /* finished (call_log_finish()) */
        IncidentList *incidents;        /* found in the calls (incidents_detect()), then those of
                                         * the incident CSVs; sorted */
        Coverage *coverage;             /* coverage_build() */
        size_t n_skipped;               /* rows and events skipped, in every file */
        unsigned n_failed;              /* files that could not be read at all */
} Inputs;

void inputs_done(Inputs *i);

/* Read every file of files with reader (NULL: the default); a file that
 * cannot be read (its reader or importer logged why) is counted in n_failed
 * and the others are still read. Then finish the roster
 * (p->split_shift_gap) and the calls, find the incidents in the calls, read
 * the incident CSVs and work out the coverage. Every container of *ret is
 * allocated, empty when there was nothing to read. Returns 0 (look at
 * n_failed and n_skipped), or a negative errno, logged, when the inputs could
 * not be put together (-ENOMEM, the coverage's time-zone error). */
int inputs_load(const Policy *p, const InputFiles *files, const InputReader *reader, Inputs *ret);
