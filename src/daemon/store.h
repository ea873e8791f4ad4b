/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* respited's state on disk: one SQLite database, STATE_DIR/respite.db, in
 * WAL mode with synchronous=FULL, so a transaction that returned is on disk
 * and survives kill -9 (and a power cut; revisions of the plan are the
 * exception, see store_save_revision()). It holds:
 *   - reported incidents (D-Bus, spool files); detected ones are found in
 *     the call records again on every start;
 *   - the current plan (shifts and their breaks, each break with the
 *     revision that granted it and the one that last changed it), so that a
 *     restarted daemon revises from where it stopped;
 *   - the feed SEQUENCE bookkeeping (UID, times, SEQUENCE, LAST-MODIFIED);
 *   - a secret token per feed (HTTP feeds);
 *   - the spool files ingested, by name and content hash;
 *   - per followed queue_log, its read position, the call records read
 *     from it and the parser's open state there (store-queue-log.c);
 *   - whether each break that is over was taken (store-adherence.c);
 *   - the lead alerts, until answered and then as long as incidents are
 *     kept (store-alerts.c);
 *   - idempotency keys of reported incidents, per caller's uid, as long
 *     as their incidents are kept;
 *   - the site's secrets, such as the key of team feeds' UIDs
 *     (store-secrets.c).
 * The schema version is PRAGMA user_version; older versions are migrated
 * when the store is opened. Every function returns 0 or a negative errno
 * (-ENOMEM, -EBUSY, -ENOSPC, -EROFS, -EBADMSG for a damaged file, -EIO for
 * other SQLite errors); store_error() has SQLite's message for the log. */

#include "core/adherence.h"
#include "core/alert.h"
#include "core/incident.h"
#include "core/plan.h"
#include "import/queue-log.h"
#include "publish/feed.h"
#include "shared/state-dir.h"
#include "shared/util.h"

#define STORE_FILE STATE_STORE_FILE
#define STORE_SCHEMA_VERSION 5

/* How long a statement waits for a lock another process holds on the
 * store before it fails with -EBUSY: short, since respited's one event loop
 * (the bus, HTTP, timers) waits with it. Opening the store, before the loop
 * runs, waits STORE_OPEN_BUSY_TIMEOUT_MS. */
#define STORE_BUSY_TIMEOUT_MS 50
#define STORE_OPEN_BUSY_TIMEOUT_MS 5000

typedef struct Store Store;

/* Whether s could be written now: takes the write lock (BEGIN IMMEDIATE)
 * and lets it go. Returns 0, -EBUSY when another process holds it past
 * STORE_BUSY_TIMEOUT_MS, or another negative errno. A caller about to
 * publish what it will commit asks first, so that a locked store costs one
 * wait, not one per write and one per taking back. */
int store_probe_write(Store *s);

/* Open (or create) dir/respite.db, check it (PRAGMA quick_check) and
 * migrate it to STORE_SCHEMA_VERSION. dir must exist. On failure
 * *ret_error (may be NULL; free() it) says what is wrong and what to do, in
 * SQLite's words where they are SQLite's: -EACCES or -EROFS for a state
 * directory or file respited may not write (SQLite would open the file
 * read-only), -ENODATA for a 0-byte file that existed (never taken for a
 * new store), -EBADMSG for a damaged file or one that is not a database,
 * -EPROTONOSUPPORT for a file from a newer respite, -ENOMEM. */
int store_open(const char *dir, Store **ret, char **ret_error);
Store *store_free(Store *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Store *, store_free);

/* SQLite's message about the last failure, for the log; when another
 * process holds the lock (-EBUSY), a message that says so and names the
 * command that finds it (fuser(1) on the file). */
const char *store_error(const Store *s);

/* Commit one reported incident (id, operator, category, when, received,
 * note) with its source ("bus", "spool:FILE"). Returns 0 once it is on
 * disk; -EEXIST when the id is known. */
int store_add_incident(Store *s, const Incident *i, const char *source);

/* store_add_incident() and, in the same transaction, key (the caller's
 * idempotency key) of Unix user uid naming it. -EEXIST when the id, or
 * uid's key, is known. */
int store_add_incident_keyed(Store *s, const Incident *i, const char *source, uid_t uid, const char *key);
/* The id of the incident uid's key names, malloc'ed; -ENOENT when none
 * (never given, or its incident was purged). */
int store_find_incident_key(Store *s, uid_t uid, const char *key, char **ret_id);

/* Every stored incident, sorted as IncidentList keeps them. */
int store_load_incidents(Store *s, IncidentList **ret);

/* The time of the newest stored incident (UTC usec) in *ret, 0 when none
 * is stored. */
int store_newest_incident(Store *s, usec_t *ret);

/* Retention: first erase the notes, then delete the incidents that happened
 * before before (UTC usec), each step committed on its own; then drop
 * shifts, breaks, sequences, revisions, spool records, queue_log call
 * records and verdicts on breaks that ended before it. Returns 0 and the number of incidents deleted in *ret_deleted. */
int store_purge(Store *s, usec_t before, unsigned *ret_deleted);

/* Record revision new (made at new->now) against old, the last revision
 * stored (NULL: replace whatever is stored): changed shifts and breaks, and
 * the SEQUENCE entries seq changed (may be NULL), in one transaction. Breaks
 * keep the revision that granted them and get the one that changed them.
 * Nothing is written when nothing changed. On success the changes of seq
 * are cleared. A revision is derived from the incidents, so it is committed
 * with synchronous=NORMAL: it survives a crash of respited at once, and a
 * power cut once the next incident's commit (or a checkpoint) syncs the
 * WAL; a lost one is made again from the incidents at the next start. */
int store_save_revision(Store *s, const Plan *old, const Plan *new, Sequences *seq);

/* Record a revision made at now (UTC usec) of some operators only: old are
 * their shifts as last stored, new the same operators' shifts now, each in
 * plan order (shift_plan_compare()); shifts of other operators are not
 * touched. Otherwise as store_save_revision(): one transaction, nothing
 * written when nothing changed, seq's changes cleared on success. */
int store_save_shifts(Store *s, usec_t now, const ShiftPlan *old, size_t n_old, const ShiftPlan *new, size_t n_new,
                      Sequences *seq);

/* The plan last stored (its now is the last revision's), or *ret = NULL
 * when none was. */
int store_load_plan(Store *s, Plan **ret);

/* Put every stored SEQUENCE entry into seq. */
int store_load_sequences(Store *s, Sequences *seq);

typedef int (*store_feed_token_fn)(const char *feed, const char *token, void *userdata);

/* Make sure every feed named in feeds ("op16", "team-retail"; NULL-terminated)
 * has a token: 256 random bits as 64 lowercase hex digits, created once and
 * kept. fn (may be NULL) is told each token created; it stops at fn's first
 * negative return. One transaction. */
int store_ensure_feed_tokens(Store *s, char * const *feeds, store_feed_token_fn fn, void *userdata);
/* The token of feed, or -ENOENT. *ret is malloc'ed. */
int store_get_feed_token(Store *s, const char *feed, char **ret);
/* Call fn for every feed and its token (tokens are never logged); stops at
 * fn's first negative return and returns it. */
int store_foreach_feed_token(Store *s, store_feed_token_fn fn, void *userdata);
/* Replace the token of feed with a new one (the old stops working). */
int store_rotate_feed_token(Store *s, const char *feed, char **ret);

/* Spool files. hash identifies the content ("fnv1a64:…"). A file whose
 * (name, hash) was ingested but not yet marked done was ingested before a
 * crash: move it without ingesting it again. */
int store_spool_pending(Store *s, const char *name, const char *hash, bool *ret);
/* Commit the incidents good of file name with the record (name, hash,
 * counts of good and bad lines), all in one transaction. */
int store_spool_ingest(Store *s, const char *name, const char *hash, const IncidentList *good, unsigned bad);
/* The file has been moved out of the spool directory. */
int store_spool_done(Store *s, const char *name, const char *hash);

/* Keep whether break b of operator, now over, was taken (d), replacing
 * what was kept for its uid. Returns 0 or a negative errno. */
int store_save_adherence(Store *s, const char *operator, const Break *b, const AdherenceDetail *d);

typedef int (*store_adherence_fn)(const char *uid, BreakKind kind, usec_t end, const AdherenceDetail *d,
                                  void *userdata);
/* Call fn for every kept verdict of a break that ended at or after from,
 * by uid; rows of kinds or verdicts this version does not know are
 * skipped. Stops at fn's first negative return and returns it. */
int store_foreach_adherence(Store *s, usec_t from, store_adherence_fn fn, void *userdata);

/* The largest secret store_get_secret() keeps. */
#define STORE_SECRET_MAX 1024

/* The site's secret called name ("feed-uid-key"), size bytes (1 to
 * STORE_SECRET_MAX) into ret: the stored one, or, the first time, size
 * random bytes (getrandom(2)) committed under that name before they are
 * returned, so that every later call (and a restarted respited) gets the
 * same. -EBADMSG when the one stored has another size, -EINVAL for a size
 * out of range. Returns 0 or a negative errno. */
int store_get_secret(Store *s, const char *name, size_t size, uint8_t *ret);

/* A followed queue_log's read position (queue_log_tail_resume()). */
typedef struct StoreQueueLogPosition {
        dev_t dev;
        ino_t ino;
        uint64_t offset;                /* bytes of complete lines taken */
        unsigned line;                  /* lines taken */
} StoreQueueLogPosition;

/* Commit, in one transaction, what was taken from the queue_log at path:
 * t's position (dev, ino, offset, line), q's call records from index
 * first_call on (added to those stored), and q's open state (callers
 * waiting, channels logged in, pauses, calls in progress), which replaces
 * the one stored. Committed with synchronous=NORMAL: it survives a crash
 * of respited; a power cut may lose the last batches, which are then read
 * again from the file, calls and position together. */
int store_save_queue_log(Store *s, const char *path, const QueueLogTail *t, const QueueLog *q, size_t first_call);

/* What store_save_queue_log() kept for path: the position in *ret, the
 * call records appended to q->calls in the order they were read, and the
 * open state put into q (which holds none yet). -ENOENT when nothing is
 * stored for path. */
int store_load_queue_log(Store *s, const char *path, StoreQueueLogPosition *ret, QueueLog *q);

/* Commit a new lead alert (its id, incident, operator, team, category,
 * times and recovery; escalated and acknowledged are 0). -EEXIST: the id
 * or the incident has one already. */
int store_add_alert(Store *s, const Alert *a);
/* Commit what changed in alert a: escalated, acknowledged,
 * acknowledged_by, note. -ENOENT: no such alert stored. */
int store_update_alert(Store *s, const Alert *a);
/* Call fn for every stored alert, by raised time, handing it over (fn
 * frees it or keeps it). Stops at fn's first negative return. */
typedef int (*store_alert_fn)(Alert *a, void *userdata);
int store_foreach_alert(Store *s, store_alert_fn fn, void *userdata);
