/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The incident spool: a directory into which integrations that cannot speak
 * D-Bus rename files of lines
 *
 *     time,operator,category[,note]
 *
 * (CSV, RFC 4180 quoting; time in ISO 8601, site zone when without offset;
 * an optional header line starting with "time"). Only files renamed into the
 * directory count (IN_MOVED_TO), and at start-up every file already there;
 * names starting with '.' are never read, so a writer may write ".x.tmp"
 * in place and rename it to "x.csv" when complete. After its good lines are
 * committed a file goes to processed/; a file with a bad line goes to
 * failed/ instead, next to FILE.reason naming each bad line
 * ("FILE:LINE: what is wrong"). */

#include <systemd/sd-event.h>

#include "core/incident.h"
#include "core/policy.h"
#include "core/roster.h"
#include "shared/util.h"

#define SPOOL_PROCESSED "processed"
#define SPOOL_FAILED "failed"

/* One spool file, read and checked. */
typedef struct SpoolFile {
        char *name;
        char *hash;             /* "fnv1a64:<16 hex digits>-<size>" of the content */
        IncidentList *good;     /* ids "spool-<hash digits>-<line>", received = now */
        char *reasons;          /* one "NAME:LINE: reason\n" per bad line, or NULL */
        unsigned n_bad;
} SpoolFile;

void spool_file_done(SpoolFile *f);

/* Read dir/name and check each line as ReportIncident would at now (UTC
 * usec): a time that parses, then incident_check() (an operator of the
 * roster, a category of the policy, at most a minute ahead and 7 days back,
 * a note of 4096 bytes at most), each bad line named with the first reason
 * found. Returns 0, or a negative errno when the file cannot be read. */
int spool_file_read(const char *dir, const char *name, const Policy *policy, const Roster *roster, usec_t now,
                    SpoolFile *ret);

/* Move dir/name to dir/processed/ (no bad lines) or dir/failed/ with its
 * .reason file (creating either when missing). An existing file of that name there is kept: the new one
 * gets ".1", ".2", … appended. Returns 0 or a negative errno. */
int spool_file_finish(const char *dir, const SpoolFile *f);

/* Called for each file to take: name inside dir. The return value is only
 * logged by the caller. */
typedef int (*spool_file_fn)(const char *dir, const char *name, void *userdata);

/* Create dir's processed/ and failed/ when missing, watch dir for files
 * renamed into it, then call fn for every file already there (sorted by
 * name). Returns 0 and the inotify event source in *ret, or a negative
 * errno. */
int spool_watch(sd_event *e, const char *dir, spool_file_fn fn, void *userdata, sd_event_source **ret);
