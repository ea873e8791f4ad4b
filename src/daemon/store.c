/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sqlite3.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "daemon/store-internal.h"

/* The schema of STORE_SCHEMA_VERSION, for a new file. */
static const char store_schema[] =
        "CREATE TABLE incidents ("
        "  id TEXT PRIMARY KEY,"
        "  operator TEXT NOT NULL,"
        "  category TEXT NOT NULL,"
        "  time_usec INTEGER NOT NULL,"
        "  received_usec INTEGER NOT NULL,"
        "  note TEXT,"
        "  source TEXT NOT NULL DEFAULT 'bus');"
        "CREATE INDEX incidents_by_time ON incidents (time_usec);"
        "CREATE TABLE revisions ("
        "  id INTEGER PRIMARY KEY,"
        "  now_usec INTEGER NOT NULL,"
        "  made_usec INTEGER NOT NULL);"
        "CREATE TABLE shifts ("
        "  uid TEXT PRIMARY KEY,"
        "  operator TEXT NOT NULL,"
        "  team TEXT,"
        "  start_usec INTEGER NOT NULL,"
        "  end_usec INTEGER NOT NULL);"
        "CREATE TABLE breaks ("
        "  uid TEXT PRIMARY KEY,"
        "  shift_uid TEXT NOT NULL REFERENCES shifts (uid) ON DELETE CASCADE,"
        "  kind TEXT NOT NULL,"
        "  start_usec INTEGER NOT NULL,"
        "  end_usec INTEGER NOT NULL,"
        "  trigger_usec INTEGER NOT NULL,"
        "  reason TEXT,"
        "  granted INTEGER NOT NULL,"
        "  revision INTEGER NOT NULL,"
        "  recovery_uid TEXT);"  /* schema 4: the recovery a planned or statutory break took in */
        "CREATE INDEX breaks_by_shift ON breaks (shift_uid);"
        "CREATE TABLE sequences ("
        "  uid TEXT PRIMARY KEY,"
        "  start_usec INTEGER NOT NULL,"
        "  end_usec INTEGER NOT NULL,"
        "  sequence INTEGER NOT NULL,"
        "  modified_usec INTEGER NOT NULL);"
        "CREATE TABLE feed_tokens ("
        "  feed TEXT PRIMARY KEY,"
        "  token TEXT NOT NULL UNIQUE,"
        "  created_usec INTEGER NOT NULL);"
        "CREATE TABLE spool_files ("
        "  name TEXT NOT NULL,"
        "  hash TEXT NOT NULL,"
        "  ingested_usec INTEGER NOT NULL,"
        "  good INTEGER NOT NULL,"
        "  bad INTEGER NOT NULL,"
        "  done INTEGER NOT NULL DEFAULT 0,"
        "  PRIMARY KEY (name, hash));"
        STORE_SCHEMA_QUEUE_LOGS
        STORE_SCHEMA_ADHERENCE
        STORE_SCHEMA_ALERTS
        STORE_SCHEMA_INCIDENT_KEYS;

/* Version 1 (respite 0.1 development) kept incidents with the time in whole
 * seconds and no receipt time, and SEQUENCE numbers without the times they
 * were published with. Times become microseconds, received = when; the
 * sequences get times 0, so the next publication raises their SEQUENCE
 * (it never goes down). */
static const char store_migrate_1_to_2[] =
        "ALTER TABLE incidents RENAME TO incidents_v1;"
        "ALTER TABLE sequences RENAME TO sequences_v1;"
        "%s"    /* the version 2 schema */
        "INSERT INTO incidents (id, operator, category, time_usec, received_usec, note)"
        "  SELECT id, operator, category, at * 1000000, at * 1000000, note FROM incidents_v1;"
        "INSERT INTO sequences (uid, start_usec, end_usec, sequence, modified_usec)"
        "  SELECT uid, 0, 0, sequence, 0 FROM sequences_v1;"
        "DROP TABLE incidents_v1;"
        "DROP TABLE sequences_v1;";

int store_errno_from_sqlite(int rc) {
        switch (rc & 0xff) {
        case SQLITE_OK:
        case SQLITE_DONE:
        case SQLITE_ROW:
                return 0;
        case SQLITE_NOMEM:
                return -ENOMEM;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return -EBUSY;
        case SQLITE_FULL:
                return -ENOSPC;
        case SQLITE_READONLY:
                return -EROFS;
        case SQLITE_PERM:
        case SQLITE_AUTH:
                return -EACCES;
        case SQLITE_CANTOPEN:
                return -ENOENT;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
                return -EBADMSG;
        case SQLITE_CONSTRAINT:
                return -EEXIST;
        default:
                return -EIO;
        }
}

int store_exec(Store *s, const char *sql) {
        return store_errno_from_sqlite(sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

int store_probe_write(Store *s) {
        int r;

        r = store_exec(s, "BEGIN IMMEDIATE");
        if (r < 0)
                return r;
        return store_exec(s, "ROLLBACK");
}

int store_prepare(Store *s, const char *sql, sqlite3_stmt **ret) {
        return store_errno_from_sqlite(sqlite3_prepare_v2(s->db, sql, -1, ret, NULL));
}

/* Run a statement that returns no rows, then reset it for another use. */
int store_step_done(sqlite3_stmt *st) {
        int rc = sqlite3_step(st);

        (void) sqlite3_reset(st);
        (void) sqlite3_clear_bindings(st);
        return rc == SQLITE_DONE ? 0 : store_errno_from_sqlite(rc) ?: -EIO;
}

int store_bind_text(sqlite3_stmt *st, int i, const char *v) {
        return store_errno_from_sqlite(v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT)
                                         : sqlite3_bind_null(st, i));
}

int store_bind_usec(sqlite3_stmt *st, int i, usec_t v) {
        return store_errno_from_sqlite(sqlite3_bind_int64(st, i, (sqlite3_int64) v));
}

usec_t store_column_usec(sqlite3_stmt *st, int i) {
        sqlite3_int64 v = sqlite3_column_int64(st, i);

        return v > 0 ? (usec_t) v : 0;
}

/* A copy of text column i; NULL stays NULL. */
int store_column_text(sqlite3_stmt *st, int i, char **ret) {
        return strdup_to(ret, (const char *) sqlite3_column_text(st, i));
}

int store_transaction_begin(Store *s, Transaction *t) {
        int r = store_exec(s, "BEGIN IMMEDIATE");

        if (r < 0)
                return r;
        *t = (Transaction) { .store = s, .open = true };
        return 0;
}

int store_transaction_commit(Transaction *t) {
        int r = store_exec(t->store, "COMMIT");

        if (r < 0)
                return r;
        t->open = false;
        return 0;
}

void store_transaction_rollback(Transaction *t) {
        if (t->open)
                (void) sqlite3_exec(t->store->db, "ROLLBACK", NULL, NULL, NULL);
        t->open = false;
}

static int store_get_user_version(Store *s, int *ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_prepare(s, "PRAGMA user_version", &st);
        if (r < 0)
                return r;
        if (sqlite3_step(st) != SQLITE_ROW)
                return -EIO;
        *ret = sqlite3_column_int(st, 0);
        return 0;
}

static int store_migrate(Store *s) {
        _cleanup_(store_transaction_rollback) Transaction t = {};
        _cleanup_free_ char *sql = NULL;
        int version, r;

        r = store_transaction_begin(s, &t);
        if (r < 0)
                return r;
        r = store_get_user_version(s, &version);
        if (r < 0)
                return r;
        if (version == STORE_SCHEMA_VERSION)
                return 0;
        if (version > STORE_SCHEMA_VERSION)
                return -EPROTONOSUPPORT;

        if (version == 0)
                r = store_exec(s, store_schema);
        else if (version == 2)
                r = store_exec(s, STORE_SCHEMA_QUEUE_LOGS STORE_SCHEMA_ADHERENCE STORE_SCHEMA_ALERTS
                                  STORE_MIGRATE_3_TO_4 STORE_SCHEMA_INCIDENT_KEYS);
        else if (version == 3)
                r = store_exec(s, STORE_SCHEMA_ALERTS STORE_MIGRATE_3_TO_4 STORE_SCHEMA_INCIDENT_KEYS);
        else if (version == 4)
                r = store_exec(s, STORE_SCHEMA_INCIDENT_KEYS);
        else {  /* version 1 */
                if (asprintf(&sql, store_migrate_1_to_2, store_schema) < 0)
                        return -ENOMEM;
                r = store_exec(s, sql);
        }
        if (r < 0)
                return r;
        free(sql);
        if (asprintf(&sql, "PRAGMA user_version = %i", STORE_SCHEMA_VERSION) < 0) {
                sql = NULL;
                return -ENOMEM;
        }
        r = store_exec(s, sql);
        if (r < 0)
                return r;
        return store_transaction_commit(&t);
}

Store *store_free(Store *s) {
        if (!s)
                return NULL;
        sqlite3_close_v2(s->db);
        free(s->locked);
        return mfree(s);
}

/* The file for respited's user alone: it holds incident notes, alert
 * answers, feed tokens and the team UIDs' key; so is the state directory
 * (0700, manager_state_dir_private()), this holds either way. SQLite gives
 * its -wal and -shm files the database's mode. A file made by an older
 * respited with group or other bits loses them. */
static int store_make_private(const char *path) {
        _cleanup_(closep) int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
        struct stat st;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if ((st.st_mode & 077) != 0 && fchmod(fd, st.st_mode & 0700) < 0)
                return -errno;
        return 0;
}

int store_open(const char *dir, Store **ret, char **ret_error) {
        _cleanup_(store_freep) Store *s = NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        if (asprintf(&path, "%s/" STORE_FILE, dir) < 0)
                return -ENOMEM;
        s = calloc(1, sizeof(Store));
        if (!s)
                return -ENOMEM;
        r = store_check_file(dir, path, ret_error);
        if (r < 0)
                return r;
        r = store_make_private(path);
        if (r < 0)
                return error_set(ret_error, r, "Failed to make the store '%s' private (mode 0600): %s", path,
                                     strerror(-r));

        if (asprintf(&s->locked, "database is locked by another process; `fuser %s` names it", path) < 0) {
                s->locked = NULL;
                return -ENOMEM;
        }

        r = store_errno_from_sqlite(sqlite3_open_v2(path, &s->db,
                                                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL));
        if (r < 0)
                return s->db ? store_open_failed(s, path, r, ret_error) : -ENOMEM;
        (void) sqlite3_busy_timeout(s->db, STORE_OPEN_BUSY_TIMEOUT_MS);
        /* SQLite falls back to reading a file it may not write. */
        if (sqlite3_db_readonly(s->db, "main") == 1)
                return error_set(ret_error, -EROFS, "The store '%s' could be opened read-only only: respited "
                                     "must write it. Make it its user's (chown respite:respite '%s'; chmod 0600 "
                                     "'%s') on a file system mounted read-write", path, path, path);

        /* WAL with synchronous=FULL: COMMIT returns once the WAL is synced.
         * secure_delete: purged notes are overwritten, not left in free pages.
         * cache_size: 512 KiB of pages, not 2 MiB: respited reads the store
         * at start, then mostly writes small transactions. */
        r = store_exec(s, "PRAGMA journal_mode = WAL;"
                          "PRAGMA synchronous = FULL;"
                          "PRAGMA foreign_keys = ON;"
                          "PRAGMA secure_delete = ON;"
                          "PRAGMA cache_size = -512;");
        if (r < 0)
                return store_open_failed(s, path, r, ret_error);
        /* A damaged page is found now, before anything is written on it. */
        r = store_check_pages(s, path, ret_error);
        if (r < 0)
                return r;
        r = store_migrate(s);
        if (r == -EPROTONOSUPPORT)
                return error_set(ret_error, r, "The store '%s' comes from a newer respite (schema above version "
                                     "%d); not touching it. Run that respite, or restore a backup made by this one",
                                     path, STORE_SCHEMA_VERSION);
        if (r < 0)
                return store_open_failed(s, path, r, ret_error);
        (void) sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);

        *ret = TAKE_PTR(s);
        return 0;
}

const char *store_error(const Store *s) {
        if (!s || !s->db)
                return "out of memory";
        if ((sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_BUSY ||
            (sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_LOCKED)
                return s->locked;
        return sqlite3_errmsg(s->db);
}

/* ---- incidents ---- */

static int store_insert_incident(sqlite3_stmt *st, const Incident *i, const char *source) {
        int r;

        if ((r = store_bind_text(st, 1, i->id)) < 0 ||
            (r = store_bind_text(st, 2, i->operator)) < 0 ||
            (r = store_bind_text(st, 3, i->category)) < 0 ||
            (r = store_bind_usec(st, 4, i->when)) < 0 ||
            (r = store_bind_usec(st, 5, i->received)) < 0 ||
            (r = store_bind_text(st, 6, i->note)) < 0 ||
            (r = store_bind_text(st, 7, source)) < 0)
                return r;
        return store_step_done(st);
}

int store_add_incident(Store *s, const Incident *i, const char *source) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_prepare(s, "INSERT INTO incidents (id, operator, category, time_usec, received_usec, note, source) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", &st);
        if (r < 0)
                return r;
        return store_insert_incident(st, i, source);
}

int store_add_incident_keyed(Store *s, const Incident *i, const char *source, uid_t uid, const char *key) {
        _cleanup_(store_transaction_rollback) Transaction t = {};
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *sk = NULL;
        int r;

        r = store_transaction_begin(s, &t);
        if (r < 0)
                return r;
        r = store_add_incident(s, i, source);
        if (r < 0)
                return r;
        r = store_prepare(s, "INSERT INTO incident_keys (uid, key, incident_id) VALUES (?, ?, ?)", &sk);
        if (r < 0)
                return r;
        if ((r = store_bind_usec(sk, 1, uid)) < 0 ||
            (r = store_bind_text(sk, 2, key)) < 0 ||
            (r = store_bind_text(sk, 3, i->id)) < 0 ||
            (r = store_step_done(sk)) < 0)
                return r;
        return store_transaction_commit(&t);
}

int store_find_incident_key(Store *s, uid_t uid, const char *key, char **ret_id) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT incident_id FROM incident_keys WHERE uid = ? AND key = ?", &st);
        if (r < 0)
                return r;
        if ((r = store_bind_usec(st, 1, uid)) < 0 ||
            (r = store_bind_text(st, 2, key)) < 0)
                return r;
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return -ENOENT;
        if (rc != SQLITE_ROW)
                return store_errno_from_sqlite(rc) ?: -EIO;
        return store_column_text(st, 0, ret_id);
}

int store_load_incidents(Store *s, IncidentList **ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        _cleanup_(incident_list_freep) IncidentList *l = NULL;
        int rc, r;

        l = incident_list_new();
        if (!l)
                return -ENOMEM;
        r = store_prepare(s, "SELECT id, operator, category, time_usec, received_usec, note, source FROM incidents "
                             "ORDER BY time_usec, id", &st);
        if (r < 0)
                return r;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                const Incident i = {
                        .id = (char *) sqlite3_column_text(st, 0),
                        .operator = (char *) sqlite3_column_text(st, 1),
                        .category = (char *) sqlite3_column_text(st, 2),
                        .when = store_column_usec(st, 3),
                        .received = store_column_usec(st, 4),
                        .note = (char *) sqlite3_column_text(st, 5),
                        .source = (char *) sqlite3_column_text(st, 6),
                };

                r = incident_list_add(l, &i);
                if (r < 0)
                        return r;
        }
        if (rc != SQLITE_DONE)
                return store_errno_from_sqlite(rc) ?: -EIO;
        *ret = TAKE_PTR(l);
        return 0;
}

/* Run sql with every '?' bound to before, in its own transaction. */
static int store_exec_before(Store *s, const char *sql, usec_t before) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_prepare(s, sql, &st);
        if (r < 0)
                return r;
        for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
                r = store_bind_usec(st, i, before);
                if (r < 0)
                        return r;
        }
        return store_step_done(st);
}

int store_newest_incident(Store *s, usec_t *ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT MAX(time_usec) FROM incidents", &st);
        if (r < 0)
                return r;
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return store_errno_from_sqlite(rc) ?: -EIO;
        *ret = store_column_usec(st, 0);
        return 0;
}

int store_purge(Store *s, usec_t before, unsigned *ret_deleted) {
        static const char * const derived[] = {
                "DELETE FROM shifts WHERE end_usec < ?",
                "DELETE FROM sequences WHERE end_usec < ?",
                "DELETE FROM revisions WHERE now_usec < ?",
                "DELETE FROM spool_files WHERE ingested_usec < ? AND done = 1",
                "DELETE FROM queue_log_calls WHERE end_usec < ?",
                "DELETE FROM adherence WHERE end_usec < ?",
                "DELETE FROM alerts WHERE time_usec < ?",
        };
        _cleanup_(store_transaction_rollback) Transaction t = {};
        int r;

        /* The notes first and on their own: they are the most personal part. */
        r = store_exec_before(s, "UPDATE incidents SET note = NULL WHERE time_usec < ? AND note IS NOT NULL", before);
        if (r < 0)
                return r;

        r = store_transaction_begin(s, &t);
        if (r < 0)
                return r;
        r = store_exec_before(s, "DELETE FROM incidents WHERE time_usec < ?", before);
        if (r < 0)
                return r;
        *ret_deleted = (unsigned) sqlite3_changes(s->db);
        for (size_t i = 0; i < ELEMENTSOF(derived); i++) {
                r = store_exec_before(s, derived[i], before);
                if (r < 0)
                        return r;
        }
        return store_transaction_commit(&t);
}

/* ---- the plan ---- */

/* The statements of one revision, prepared once per save. */
typedef struct RevisionWriter {
        Store *store;
        usec_t now;                     /* the revision instant */
        sqlite3_int64 revision;         /* 0 until the first change */
        sqlite3_stmt *upsert_shift, *delete_shift, *upsert_break, *delete_break, *upsert_sequence;
} RevisionWriter;

static void store_revision_writer_done(RevisionWriter *w) {
        sqlite3_finalize(w->upsert_shift);
        sqlite3_finalize(w->delete_shift);
        sqlite3_finalize(w->upsert_break);
        sqlite3_finalize(w->delete_break);
        sqlite3_finalize(w->upsert_sequence);
}

static int store_revision_writer_prepare(RevisionWriter *w) {
        int r;

        if ((r = store_prepare(w->store,
                               "INSERT INTO shifts (uid, operator, team, start_usec, end_usec) VALUES (?, ?, ?, ?, ?) "
                               "ON CONFLICT (uid) DO UPDATE SET operator = excluded.operator, team = excluded.team, "
                               "start_usec = excluded.start_usec, end_usec = excluded.end_usec",
                               &w->upsert_shift)) < 0 ||
            (r = store_prepare(w->store, "DELETE FROM shifts WHERE uid = ?", &w->delete_shift)) < 0 ||
            (r = store_prepare(w->store,
                               "INSERT INTO breaks (uid, shift_uid, kind, start_usec, end_usec, trigger_usec, reason, "
                               "granted, revision, recovery_uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?8, ?9) "
                               "ON CONFLICT (uid) DO UPDATE SET shift_uid = excluded.shift_uid, kind = excluded.kind, "
                               "start_usec = excluded.start_usec, end_usec = excluded.end_usec, "
                               "trigger_usec = excluded.trigger_usec, reason = excluded.reason, "
                               "revision = excluded.revision, recovery_uid = excluded.recovery_uid",
                               &w->upsert_break)) < 0 ||
            (r = store_prepare(w->store, "DELETE FROM breaks WHERE uid = ? AND shift_uid = ?",
                               &w->delete_break)) < 0 ||
            (r = store_prepare(w->store,
                               "INSERT INTO sequences (uid, start_usec, end_usec, sequence, modified_usec) "
                               "VALUES (?, ?, ?, ?, ?) ON CONFLICT (uid) DO UPDATE SET "
                               "start_usec = excluded.start_usec, end_usec = excluded.end_usec, "
                               "sequence = excluded.sequence, modified_usec = excluded.modified_usec",
                               &w->upsert_sequence)) < 0)
                return r;
        return 0;
}

/* The revision the changes belong to, inserted at the first change. */
static int store_revision_writer_id(RevisionWriter *w, sqlite3_int64 *ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        struct timespec ts;
        int r;

        if (w->revision == 0) {
                r = store_prepare(w->store, "INSERT INTO revisions (now_usec, made_usec) VALUES (?, ?)", &st);
                if (r < 0)
                        return r;
                (void) clock_gettime(CLOCK_REALTIME, &ts);
                if ((r = store_bind_usec(st, 1, w->now)) < 0 ||
                    (r = store_bind_usec(st, 2, (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000)) < 0 ||
                    (r = store_step_done(st)) < 0)
                        return r;
                w->revision = sqlite3_last_insert_rowid(w->store->db);
        }
        *ret = w->revision;
        return 0;
}

static int store_write_shift(RevisionWriter *w, const ShiftPlan *sp) {
        sqlite3_stmt *st = w->upsert_shift;
        sqlite3_int64 rev;
        int r;

        r = store_revision_writer_id(w, &rev);
        if (r < 0)
                return r;
        if ((r = store_bind_text(st, 1, sp->uid)) < 0 ||
            (r = store_bind_text(st, 2, sp->operator)) < 0 ||
            (r = store_bind_text(st, 3, sp->team)) < 0 ||
            (r = store_bind_usec(st, 4, sp->start)) < 0 ||
            (r = store_bind_usec(st, 5, sp->end)) < 0)
                return r;
        return store_step_done(st);
}

static int store_write_break(RevisionWriter *w, const ShiftPlan *sp, const Break *b) {
        sqlite3_stmt *st = w->upsert_break;
        sqlite3_int64 rev;
        int r;

        r = store_revision_writer_id(w, &rev);
        if (r < 0)
                return r;
        if ((r = store_bind_text(st, 1, b->uid)) < 0 ||
            (r = store_bind_text(st, 2, sp->uid)) < 0 ||
            (r = store_bind_text(st, 3, break_kind_to_string(b->kind))) < 0 ||
            (r = store_bind_usec(st, 4, b->start)) < 0 ||
            (r = store_bind_usec(st, 5, b->end)) < 0 ||
            (r = store_bind_usec(st, 6, b->trigger)) < 0 ||
            (r = store_bind_text(st, 7, b->reason)) < 0 ||
            (r = store_errno_from_sqlite(sqlite3_bind_int64(st, 8, rev))) < 0 ||
            (r = store_bind_text(st, 9, b->recovery_uid)) < 0)
                return r;
        return store_step_done(st);
}

static int store_delete_by_uid(RevisionWriter *w, sqlite3_stmt *st, const char *uid, const char *shift_uid) {
        sqlite3_int64 rev;
        int r;

        r = store_revision_writer_id(w, &rev);
        if (r < 0)
                return r;
        if ((r = store_bind_text(st, 1, uid)) < 0)
                return r;
        if (shift_uid && (r = store_bind_text(st, 2, shift_uid)) < 0)
                return r;
        return store_step_done(st);
}

static bool store_break_equal(const Break *a, const Break *b) {
        return a->kind == b->kind && a->start == b->start && a->end == b->end && a->trigger == b->trigger &&
               streq_ptr(a->reason, b->reason) && streq_ptr(a->recovery_uid, b->recovery_uid);
}

/* Write the differences of one shift: old (may be NULL) to new (may be NULL). */
static int store_write_shift_changes(RevisionWriter *w, const ShiftPlan *old, const ShiftPlan *new) {
        int r;

        if (!new)
                return store_delete_by_uid(w, w->delete_shift, old->uid, NULL);

        if (!old || old->end != new->end || !streq_ptr(old->team, new->team)) {
                r = store_write_shift(w, new);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; old && i < old->n_breaks; i++)
                if (!shift_plan_find_break(new, old->breaks[i].uid)) {
                        r = store_delete_by_uid(w, w->delete_break, old->breaks[i].uid, old->uid);
                        if (r < 0)
                                return r;
                }
        for (size_t i = 0; i < new->n_breaks; i++) {
                const Break *ob = shift_plan_find_break(old, new->breaks[i].uid);

                if (ob && store_break_equal(ob, &new->breaks[i]))
                        continue;
                r = store_write_break(w, new, &new->breaks[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Plans keep their shifts sorted by shift_plan_compare() (operator, start),
 * and a shift's uid is made of both: walk the two arrays side by side. */
static int store_write_plan_changes(RevisionWriter *w, const ShiftPlan *old, size_t n_old, const ShiftPlan *new,
                                    size_t n_new) {
        size_t i = 0, j = 0;
        int r;

        while (i < n_old || j < n_new) {
                const ShiftPlan *o = i < n_old ? &old[i] : NULL, *n = j < n_new ? &new[j] : NULL;
                int c = !o ? 1 : !n ? -1 : shift_plan_compare(o, n);

                r = store_write_shift_changes(w, c <= 0 ? o : NULL, c >= 0 ? n : NULL);
                if (r < 0)
                        return r;
                i += c <= 0;
                j += c >= 0;
        }
        return 0;
}

static int store_write_sequence(const char *uid, usec_t start, usec_t end, unsigned sequence, usec_t last_modified,
                                void *userdata) {
        sqlite3_stmt *st = userdata;
        int r;

        if ((r = store_bind_text(st, 1, uid)) < 0 ||
            (r = store_bind_usec(st, 2, start)) < 0 ||
            (r = store_bind_usec(st, 3, end)) < 0 ||
            (r = store_errno_from_sqlite(sqlite3_bind_int64(st, 4, sequence))) < 0 ||
            (r = store_bind_usec(st, 5, last_modified)) < 0)
                return r;
        return store_step_done(st);
}

static void store_synchronous_full(Store **s) {
        if (*s)
                (void) store_exec(*s, "PRAGMA synchronous = FULL");
}

/* The changes from old to new (shifts in plan order) as one revision made
 * at now; with replace, whatever was stored goes first. A revision is
 * derived from the incidents, which are committed with synchronous=FULL
 * before anything is announced: it is committed with synchronous=NORMAL (no
 * fsync of its own; safe from a crash, and synced with the next incident or
 * checkpoint), so that an event costs one fsync, not two. */
static int store_save(Store *s, usec_t now, bool replace, const ShiftPlan *old, size_t n_old, const ShiftPlan *new,
                      size_t n_new, Sequences *seq) {
        _cleanup_(store_synchronous_full) Store *sync = NULL;
        _cleanup_(store_transaction_rollback) Transaction t = {};
        _cleanup_(store_revision_writer_done) RevisionWriter w = { .store = s, .now = now };
        int r;

        r = store_exec(s, "PRAGMA synchronous = NORMAL");
        if (r < 0)
                return r;
        sync = s;
        r = store_transaction_begin(s, &t);
        if (r < 0)
                return r;
        r = store_revision_writer_prepare(&w);
        if (r < 0)
                return r;
        if (replace) {
                r = store_exec(s, "DELETE FROM shifts");
                if (r < 0)
                        return r;
        }
        r = store_write_plan_changes(&w, old, n_old, new, n_new);
        if (r < 0)
                return r;
        if (seq) {
                r = sequences_foreach_changed(seq, store_write_sequence, w.upsert_sequence);
                if (r < 0)
                        return r;
        }
        r = store_transaction_commit(&t);
        if (r < 0)
                return r;
        if (seq)
                sequences_clear_changed(seq);
        return 0;
}

int store_save_revision(Store *s, const Plan *old, const Plan *new, Sequences *seq) {
        return store_save(s, new->now, !old, old ? old->shifts : NULL, old ? old->n_shifts : 0, new->shifts,
                          new->n_shifts, seq);
}

int store_save_shifts(Store *s, usec_t now, const ShiftPlan *old, size_t n_old, const ShiftPlan *new, size_t n_new,
                      Sequences *seq) {
        return store_save(s, now, false, old, n_old, new, n_new, seq);
}

static int store_load_breaks(sqlite3_stmt *st, ShiftPlan *sp) {
        int rc, r;

        r = store_bind_text(st, 1, sp->uid);
        if (r < 0)
                return r;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                Break *b;

                r = array_grow((void **) &sp->breaks, sp->n_breaks, sizeof(Break));
                if (r < 0)
                        break;
                b = &sp->breaks[sp->n_breaks++];
                *b = (Break) {
                        .kind = break_kind_from_string((const char *) sqlite3_column_text(st, 1)),
                        .start = store_column_usec(st, 2),
                        .end = store_column_usec(st, 3),
                        .trigger = store_column_usec(st, 4),
                };
                if (b->kind < 0) {
                        r = -EBADMSG;   /* a damaged file: no such kind */
                        break;
                }
                if ((r = store_column_text(st, 0, &b->uid)) < 0 ||
                    (r = store_column_text(st, 5, &b->reason)) < 0 ||
                    (r = store_column_text(st, 6, &b->recovery_uid)) < 0)
                        break;
        }
        (void) sqlite3_reset(st);
        if (r < 0)
                return r;
        return rc == SQLITE_DONE ? 0 : store_errno_from_sqlite(rc) ?: -EIO;
}

static int store_load_revision_now(Store *s, usec_t *ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_prepare(s, "SELECT COALESCE(MAX(now_usec), 0) FROM revisions", &st);
        if (r < 0)
                return r;
        if (sqlite3_step(st) != SQLITE_ROW)
                return -EIO;
        *ret = store_column_usec(st, 0);
        return 0;
}

int store_load_plan(Store *s, Plan **ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *shifts = NULL, *breaks = NULL;
        _cleanup_(plan_freep) Plan *p = NULL;
        int rc, r;

        p = calloc(1, sizeof(Plan));
        if (!p)
                return -ENOMEM;
        r = store_load_revision_now(s, &p->now);
        if (r < 0)
                return r;
        r = store_prepare(s, "SELECT uid, operator, team, start_usec, end_usec FROM shifts "
                             "ORDER BY operator, start_usec, end_usec, uid", &shifts);
        if (r < 0)
                return r;
        r = store_prepare(s, "SELECT uid, kind, start_usec, end_usec, trigger_usec, reason, recovery_uid FROM breaks "
                             "WHERE shift_uid = ? ORDER BY start_usec, uid", &breaks);
        if (r < 0)
                return r;

        while ((rc = sqlite3_step(shifts)) == SQLITE_ROW) {
                ShiftPlan *sp;

                r = array_grow((void **) &p->shifts, p->n_shifts, sizeof(ShiftPlan));
                if (r < 0)
                        return r;
                sp = &p->shifts[p->n_shifts++];
                *sp = (ShiftPlan) {
                        .start = store_column_usec(shifts, 3),
                        .end = store_column_usec(shifts, 4),
                };
                if ((r = store_column_text(shifts, 0, &sp->uid)) < 0 ||
                    (r = store_column_text(shifts, 1, &sp->operator)) < 0 ||
                    (r = store_column_text(shifts, 2, &sp->team)) < 0 ||
                    (r = store_load_breaks(breaks, sp)) < 0)
                        return r;
        }
        if (rc != SQLITE_DONE)
                return store_errno_from_sqlite(rc) ?: -EIO;

        *ret = p->n_shifts > 0 ? TAKE_PTR(p) : NULL;
        return 0;
}

int store_load_sequences(Store *s, Sequences *seq) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT uid, start_usec, end_usec, sequence, modified_usec FROM sequences", &st);
        if (r < 0)
                return r;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                r = sequences_restore(seq, (const char *) sqlite3_column_text(st, 0), store_column_usec(st, 1),
                                      store_column_usec(st, 2), (unsigned) sqlite3_column_int64(st, 3),
                                      store_column_usec(st, 4));
                if (r < 0)
                        return r;
        }
        return rc == SQLITE_DONE ? 0 : store_errno_from_sqlite(rc) ?: -EIO;
}

/* ---- spool files ---- */

int store_spool_pending(Store *s, const char *name, const char *hash, bool *ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT 1 FROM spool_files WHERE name = ? AND hash = ? AND done = 0", &st);
        if (r < 0)
                return r;
        if ((r = store_bind_text(st, 1, name)) < 0 || (r = store_bind_text(st, 2, hash)) < 0)
                return r;
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                return store_errno_from_sqlite(rc) ?: -EIO;
        *ret = rc == SQLITE_ROW;
        return 0;
}

int store_spool_ingest(Store *s, const char *name, const char *hash, const IncidentList *good, unsigned bad) {
        _cleanup_(store_transaction_rollback) Transaction t = {};
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *ins = NULL, *rec = NULL;
        _cleanup_free_ char *source = NULL;
        int r;

        if (asprintf(&source, "spool:%s", name) < 0)
                return -ENOMEM;
        r = store_transaction_begin(s, &t);
        if (r < 0)
                return r;
        /* Spool ids are made of the file's hash and the line: a line seen
         * before is the same incident, and is not stored twice. */
        r = store_prepare(s, "INSERT OR IGNORE INTO incidents (id, operator, category, time_usec, received_usec, "
                             "note, source) VALUES (?, ?, ?, ?, ?, ?, ?)", &ins);
        if (r < 0)
                return r;
        for (size_t i = 0; i < good->n; i++) {
                r = store_insert_incident(ins, &good->items[i], source);
                if (r < 0)
                        return r;
        }
        r = store_prepare(s, "INSERT OR REPLACE INTO spool_files (name, hash, ingested_usec, good, bad, done) "
                             "VALUES (?, ?, ?, ?, ?, 0)", &rec);
        if (r < 0)
                return r;
        if ((r = store_bind_text(rec, 1, name)) < 0 ||
            (r = store_bind_text(rec, 2, hash)) < 0 ||
            (r = store_bind_usec(rec, 3, (usec_t) time(NULL) * USEC_PER_SEC)) < 0 ||
            (r = store_errno_from_sqlite(sqlite3_bind_int64(rec, 4, (sqlite3_int64) good->n))) < 0 ||
            (r = store_errno_from_sqlite(sqlite3_bind_int64(rec, 5, bad))) < 0 ||
            (r = store_step_done(rec)) < 0)
                return r;
        return store_transaction_commit(&t);
}

int store_spool_done(Store *s, const char *name, const char *hash) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_prepare(s, "UPDATE spool_files SET done = 1 WHERE name = ? AND hash = ?", &st);
        if (r < 0)
                return r;
        if ((r = store_bind_text(st, 1, name)) < 0 || (r = store_bind_text(st, 2, hash)) < 0)
                return r;
        return store_step_done(st);
}
