/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the store's files (store.c, store-check.c, store-queue-log.c …) share and nobody
 * else calls: the connection, statements and transactions. */

#include <sqlite3.h>

#include "daemon/store.h"

struct Store {
        sqlite3 *db;
        char *locked;   /* store_error() when another process holds the lock */
};

DEFINE_TRIVIAL_CLEANUP_FUNC(sqlite3_stmt *, sqlite3_finalize);
DEFINE_TRIVIAL_CLEANUP_FUNC(sqlite3 *, sqlite3_close);

/* The followed queue_logs (schema version 3): per path its read position,
 * the call records read from it (kept until retention drops them) and the
 * parser's open state at that position. */
#define STORE_SCHEMA_QUEUE_LOGS                                         \
        "CREATE TABLE queue_logs ("                                     \
        "  path TEXT PRIMARY KEY,"                                      \
        "  dev INTEGER NOT NULL,"                                       \
        "  ino INTEGER NOT NULL,"                                       \
        "  offset INTEGER NOT NULL,"                                    \
        "  line INTEGER NOT NULL,"                                      \
        "  stored_usec INTEGER NOT NULL);"                              \
        "CREATE TABLE queue_log_calls ("                                \
        "  id INTEGER PRIMARY KEY,"                                     \
        "  path TEXT NOT NULL,"                                         \
        "  call_id TEXT,"                                               \
        "  operator TEXT NOT NULL,"                                     \
        "  caller TEXT,"                                                \
        "  queue TEXT,"                                                 \
        "  start_usec INTEGER NOT NULL,"                                \
        "  end_usec INTEGER NOT NULL,"                                  \
        "  wait_seconds INTEGER NOT NULL,"                              \
        "  source TEXT);"                                               \
        "CREATE INDEX queue_log_calls_by_path ON queue_log_calls (path);" \
        "CREATE INDEX queue_log_calls_by_end ON queue_log_calls (end_usec);" \
        "CREATE TABLE queue_log_open ("                                 \
        "  path TEXT NOT NULL,"                                         \
        "  kind TEXT NOT NULL,"  /* pending, session, pause, call */    \
        "  key TEXT NOT NULL,"   /* uniqueid, channel, operator, uniqueid */ \
        "  operator TEXT,"                                              \
        "  start_usec INTEGER NOT NULL,"                                \
        "  text TEXT);"          /* caller, -, reason, agent channel */ \
        "CREATE INDEX queue_log_open_by_path ON queue_log_open (path);"

/* Whether each break that is over was taken (schema version 3, too):
 * what the operator's feed and GetMetrics say of it. */
#define STORE_SCHEMA_ADHERENCE                                          \
        "CREATE TABLE adherence ("                                      \
        "  uid TEXT PRIMARY KEY,"                                       \
        "  operator TEXT NOT NULL,"                                     \
        "  kind TEXT NOT NULL,"                                         \
        "  adherence TEXT NOT NULL,"                                    \
        "  start_usec INTEGER NOT NULL,"                                \
        "  end_usec INTEGER NOT NULL,"                                  \
        "  off_usec INTEGER NOT NULL,"                                  \
        "  known_usec INTEGER NOT NULL,"                                \
        "  interrupted_usec INTEGER NOT NULL);"                         \
        "CREATE INDEX adherence_by_end ON adherence (end_usec);"

/* Lead alerts (schema version 4): one per incident that called for its
 * team's leads (respited(8) LEAD ALERTS), kept until answered and then as
 * long as incidents are; and the site's secrets (the key that makes team
 * feeds' UIDs say nothing about a break's kind), made once. */
#define STORE_SCHEMA_ALERTS                                             \
        "CREATE TABLE alerts ("                                         \
        "  id TEXT PRIMARY KEY,"                                        \
        "  incident_id TEXT NOT NULL,"                                  \
        "  operator TEXT NOT NULL,"                                     \
        "  team TEXT,"                                                  \
        "  category TEXT NOT NULL,"                                     \
        "  time_usec INTEGER NOT NULL,"  /* the incident's */           \
        "  raised_usec INTEGER NOT NULL,"                               \
        "  recovery_start_usec INTEGER NOT NULL,"                       \
        "  recovery_end_usec INTEGER NOT NULL,"                         \
        "  escalated_usec INTEGER NOT NULL DEFAULT 0,"                  \
        "  acknowledged_usec INTEGER NOT NULL DEFAULT 0,"               \
        "  acknowledged_by TEXT,"                                       \
        "  note TEXT);"                                                 \
        "CREATE UNIQUE INDEX alerts_by_incident ON alerts (incident_id);" \
        "CREATE TABLE secrets ("                                        \
        "  name TEXT PRIMARY KEY,"                                      \
        "  value BLOB NOT NULL);"

/* Idempotency keys (schema version 5): the key a caller of
 * ReportIncidentWithId() gave, per Unix user, and the incident it made;
 * dropped with the incident (retention). */
#define STORE_SCHEMA_INCIDENT_KEYS                                      \
        "CREATE TABLE incident_keys ("                                  \
        "  uid INTEGER NOT NULL,"                                       \
        "  key TEXT NOT NULL,"                                          \
        "  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE," \
        "  PRIMARY KEY (uid, key));"                                    \
        "CREATE INDEX incident_keys_by_incident ON incident_keys (incident_id);"

/* Schema 4 keeps, with a planned or statutory break, the recovery it took
 * in (Break.recovery_uid): without it, a restart granted that recovery
 * again as a break of its own. */
#define STORE_MIGRATE_3_TO_4 "ALTER TABLE breaks ADD COLUMN recovery_uid TEXT;"

/* SQLite's result code as a negative errno (0 for OK, DONE, ROW). */
int store_errno_from_sqlite(int rc);
int store_exec(Store *s, const char *sql);
int store_prepare(Store *s, const char *sql, sqlite3_stmt **ret);
/* Run a statement that returns no rows, then reset it for another use. */
int store_step_done(sqlite3_stmt *st);
/* Bind text (NULL binds NULL) or an instant to parameter i. */
int store_bind_text(sqlite3_stmt *st, int i, const char *v);
int store_bind_usec(sqlite3_stmt *st, int i, usec_t v);
usec_t store_column_usec(sqlite3_stmt *st, int i);
/* A copy of text column i; NULL stays NULL. */
int store_column_text(sqlite3_stmt *st, int i, char **ret);

/* BEGIN IMMEDIATE … COMMIT, rolled back by the cleanup unless committed. */
typedef struct Transaction {
        Store *store;
        bool open;
} Transaction;

int store_transaction_begin(Store *s, Transaction *t);
int store_transaction_commit(Transaction *t);
void store_transaction_rollback(Transaction *t);

/* The checks of store_open() (store-check.c). Each returns 0, or a negative
 * errno with *ret_error (may be NULL) saying what is wrong and what to do. */

/* Before SQLite opens path in dir: a state directory respited can write,
 * and a file, when there is one, that it can write and that is not empty
 * (-ENODATA: a 0-byte file that existed is never taken for a new store). */
int store_check_file(const char *dir, const char *path, char **ret_error);
/* PRAGMA quick_check on the open store: -EBADMSG for a damaged one. */
int store_check_pages(Store *s, const char *path, char **ret_error);
/* SQLite failed with r while opening path: its words, the system's errno
 * where SQLite's CANTOPEN hid it, and what to do. Returns r or that errno. */
int store_open_failed(Store *s, const char *path, int r, char **ret_error);
