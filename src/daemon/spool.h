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

/* The most respited reads of one spool file: a larger one is refused
 * whole. 32 MiB is some 300,000 incident lines, or two
 * 10 MB notes to refuse line by line. */
#define SPOOL_FILE_MAX (32U * 1024 * 1024)

/* What a spool_file_fn returns to have the file offered again later. */
#define SPOOL_RETRY 1

/* The spool and its two subdirectories, opened once. The subdirectories are
 * opened with O_NOFOLLOW | O_DIRECTORY and every move and reason goes
 * through these descriptors (renameat(), openat()): a writer who swaps
 * processed/ or failed/ for a symbolic link, or renames them away, cannot
 * make respited write anywhere but into the directories it opened. */
typedef struct SpoolDir {
        char *path;             /* as configured, for messages */
        int fd;
        int processed_fd;
        int failed_fd;
} SpoolDir;

/* Open path, creating processed/ and failed/ (0750) when missing. Returns 0,
 * -ELOOP or -ENOTDIR when either is a symbolic link or not a directory, or
 * another negative errno. */
int spool_dir_open(const char *path, SpoolDir *ret);
void spool_dir_done(SpoolDir *d);

/* One spool file, read and checked. */
typedef struct SpoolFile {
        char *name;
        char *hash;             /* "fnv1a64:<16 hex digits>-<size>" of the content; NULL when refused */
        IncidentList *good;     /* ids "spool-<hash digits>-<line>", received = now */
        char *reasons;          /* one "NAME:LINE: reason\n" per bad line, or NULL */
        unsigned n_bad;
        bool refused;           /* not read at all: reasons says why, quoting nothing of it */
        mode_t mode;            /* of the file as opened (fstat()); 0 when refused before */
        gid_t gid;
} SpoolFile;

void spool_file_done(SpoolFile *f);

/* Read name in d and check each line as ReportIncident would at now (UTC
 * usec): a time that parses, then incident_check() (an operator of the
 * roster, a category of the policy, at most a minute ahead and 7 days back,
 * a note of 4096 bytes at most), each bad line named with the first reason
 * found.
 *
 * The file is opened with O_NOFOLLOW | O_NONBLOCK and checked on the opened
 * descriptor (fstat()) before a byte is read: a symbolic link, a FIFO, a
 * socket or a device, a file with other hard links, one respited may not
 * open, or one larger than SPOOL_FILE_MAX is refused (f->refused, one
 * reason naming what it is, nothing read). So a writer cannot have respited
 * read, on its behalf, a file it could not read itself, nor block it.
 * Returns 0, -ENOENT when name is gone, or another negative errno when the
 * file cannot be read. */
int spool_file_read(const SpoolDir *d, const char *name, const Policy *policy, const Roster *roster, usec_t now,
                    SpoolFile *ret);

/* Move name to processed/ (no bad lines) or failed/ with its .reason file.
 * An existing file of that name there is kept: the new one gets ".1", ".2",
 * … appended. The reason file may be read by the spool's group only when
 * the file itself could be: it never shows more than the file did (f->mode, f->gid). Returns 0 or a negative errno. */
int spool_file_finish(const SpoolDir *d, const SpoolFile *f);

/* Called for each file to take: name inside d. Returns SPOOL_RETRY to have
 * it offered again later (the store was locked or full); anything else is
 * only logged by the callee. */
typedef int (*spool_file_fn)(const SpoolDir *d, const char *name, void *userdata);

/* Open dir (spool_dir_open()), watch it for files renamed into it, then call
 * fn for every file already there (sorted by name). While fn asks for a
 * retry, the spool is scanned again after 1 s, doubling to 60 s. Returns 0
 * and the inotify event source in *ret, or a negative errno. */
int spool_watch(sd_event *e, const char *dir, spool_file_fn fn, void *userdata, sd_event_source **ret);
