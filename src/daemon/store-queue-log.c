/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's followed queue_logs: where respited stopped reading each one,
 * the call records it read (so the calls of a log rotated away while
 * respited was down are not lost) and the parser's open state there (so
 * that reading on mid-file ends the calls, sessions and pauses begun
 * before). One transaction per batch of lines taken. */
#include "daemon/store-internal.h"

static int store_put_open(sqlite3_stmt *st, const char *path, const char *kind, const char *key, const char *operator, usec_t start,
                          const char *text) {
        int r;

        if ((r = store_bind_text(st, 1, kind)) < 0 ||
            (r = store_bind_text(st, 2, key)) < 0 ||
            (r = store_bind_text(st, 3, operator)) < 0 ||
            (r = store_bind_usec(st, 4, start)) < 0 ||
            (r = store_bind_text(st, 5, text)) < 0 ||
            (r = store_bind_text(st, 6, path)) < 0)
                return r;
        return store_step_done(st);
}

/* Replace the open state of path with q's. */
static int store_write_open(Store *s, const char *path, const QueueLog *q) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *del = NULL, *ins = NULL;
        int r;

        r = store_prepare(s, "DELETE FROM queue_log_open WHERE path = ?", &del);
        if (r < 0)
                return r;
        if ((r = store_bind_text(del, 1, path)) < 0 || (r = store_step_done(del)) < 0)
                return r;
        r = store_prepare(s, "INSERT INTO queue_log_open (kind, key, operator, start_usec, text, path) "
                             "VALUES (?, ?, ?, ?, ?, ?)", &ins);
        if (r < 0)
                return r;
        for (size_t i = 0; r >= 0 && i < q->n_pending; i++)
                r = store_put_open(ins, path, "pending", q->pending[i].uniqueid, NULL, 0, q->pending[i].caller);
        for (size_t i = 0; r >= 0 && i < q->n_open; i++) {
                const QueueLogOpen *o = &q->open[i];

                r = store_put_open(ins, path, o->pause ? "pause" : "session", o->key, o->operator, o->start, o->reason);
        }
        for (size_t i = 0; r >= 0 && i < q->n_talking; i++) {
                const QueueLogTalk *t = &q->talking[i];

                r = store_put_open(ins, path, "call", t->uniqueid, t->operator, t->start, t->agent);
        }
        return r;
}

static int store_write_calls(Store *s, const char *path, const CallLog *calls, size_t first) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_prepare(s, "INSERT INTO queue_log_calls (path, call_id, operator, caller, queue, start_usec, "
                             "end_usec, wait_seconds, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st);
        if (r < 0)
                return r;
        for (size_t i = first; i < calls->n_calls; i++) {
                const CallRecord *c = &calls->calls[i];

                if ((r = store_bind_text(st, 1, path)) < 0 ||
                    (r = store_bind_text(st, 2, c->call_id)) < 0 ||
                    (r = store_bind_text(st, 3, c->operator)) < 0 ||
                    (r = store_bind_text(st, 4, c->caller)) < 0 ||
                    (r = store_bind_text(st, 5, c->queue)) < 0 ||
                    (r = store_bind_usec(st, 6, c->start)) < 0 ||
                    (r = store_bind_usec(st, 7, c->end)) < 0 ||
                    (r = store_errno_from_sqlite(sqlite3_bind_int64(st, 8, c->wait_seconds))) < 0 ||
                    (r = store_bind_text(st, 9, c->source)) < 0 ||
                    (r = store_step_done(st)) < 0)
                        return r;
        }
        return 0;
}

static void store_queue_log_synchronous_full(Store **s) {
        if (*s)
                (void) store_exec(*s, "PRAGMA synchronous = FULL");
}

/* Everything here is read again from the file when lost: committed with
 * synchronous=NORMAL (safe from a crash of respited, such as kill -9; a
 * power cut may lose the last batches, whose lines are then read again
 * with their calls), so that following a busy log costs no fsync per
 * batch. */
int store_save_queue_log(Store *s, const char *path, const QueueLogTail *t, const QueueLog *q, size_t first_call) {
        _cleanup_(store_queue_log_synchronous_full) Store *sync = NULL;
        _cleanup_(store_transaction_rollback) Transaction tr = {};
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *pos = NULL;
        int r;

        r = store_exec(s, "PRAGMA synchronous = NORMAL");
        if (r < 0)
                return r;
        sync = s;
        r = store_transaction_begin(s, &tr);
        if (r < 0)
                return r;
        r = store_prepare(s, "INSERT INTO queue_logs (path, dev, ino, offset, line, stored_usec) "
                             "VALUES (?, ?, ?, ?, ?, strftime('%s', 'now') * 1000000) "
                             "ON CONFLICT (path) DO UPDATE SET dev = excluded.dev, ino = excluded.ino, "
                             "offset = excluded.offset, line = excluded.line, stored_usec = excluded.stored_usec",
                          &pos);
        if (r < 0)
                return r;
        if ((r = store_bind_text(pos, 1, path)) < 0 ||
            (r = store_errno_from_sqlite(sqlite3_bind_int64(pos, 2, (sqlite3_int64) t->dev))) < 0 ||
            (r = store_errno_from_sqlite(sqlite3_bind_int64(pos, 3, (sqlite3_int64) t->ino))) < 0 ||
            (r = store_errno_from_sqlite(sqlite3_bind_int64(pos, 4, (sqlite3_int64) t->offset))) < 0 ||
            (r = store_errno_from_sqlite(sqlite3_bind_int64(pos, 5, t->line))) < 0 ||
            (r = store_step_done(pos)) < 0)
                return r;
        r = store_write_calls(s, path, q->calls, first_call);
        if (r < 0)
                return r;
        r = store_write_open(s, path, q);
        if (r < 0)
                return r;
        return store_transaction_commit(&tr);
}

/* One row of queue_log_open into q. */
static int store_read_open(sqlite3_stmt *st, QueueLog *q) {
        const char *kind = (const char *) sqlite3_column_text(st, 0);
        usec_t start = store_column_usec(st, 3);
        int r;

        if (streq_ptr(kind, "pending")) {
                QueueLogPending p = {};

                r = array_grow((void **) &q->pending, q->n_pending, sizeof(QueueLogPending));
                if (r >= 0 && (r = store_column_text(st, 1, &p.uniqueid)) >= 0)
                        r = store_column_text(st, 4, &p.caller);
                if (r < 0) {
                        queue_log_pending_done(&p);
                        return r;
                }
                q->pending[q->n_pending++] = p;
        } else if (streq_ptr(kind, "session") || streq_ptr(kind, "pause")) {
                QueueLogOpen o = { .pause = streq(kind, "pause"), .start = start };

                r = array_grow((void **) &q->open, q->n_open, sizeof(QueueLogOpen));
                if (r >= 0 && (r = store_column_text(st, 1, &o.key)) >= 0 &&
                    (r = store_column_text(st, 2, &o.operator)) >= 0)
                        r = store_column_text(st, 4, &o.reason);
                if (r >= 0 && !o.operator)
                        r = -EBADMSG;
                if (r < 0) {
                        queue_log_open_done(&o);
                        return r;
                }
                q->open[q->n_open++] = o;
        } else if (streq_ptr(kind, "call")) {
                QueueLogTalk t = { .start = start };

                r = array_grow((void **) &q->talking, q->n_talking, sizeof(QueueLogTalk));
                if (r >= 0 && (r = store_column_text(st, 1, &t.uniqueid)) >= 0 &&
                    (r = store_column_text(st, 2, &t.operator)) >= 0)
                        r = store_column_text(st, 4, &t.agent);
                if (r >= 0 && !t.operator)
                        r = -EBADMSG;
                if (r < 0) {
                        queue_log_talk_done(&t);
                        return r;
                }
                q->talking[q->n_talking++] = t;
        } else
                return -EBADMSG;        /* a damaged file: no such kind */
        return 0;
}

static int store_read_calls(Store *s, const char *path, CallLog *calls) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT call_id, operator, caller, queue, start_usec, end_usec, wait_seconds, source "
                             "FROM queue_log_calls WHERE path = ? ORDER BY id", &st);
        if (r < 0)
                return r;
        r = store_bind_text(st, 1, path);
        if (r < 0)
                return r;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                if (!sqlite3_column_text(st, 1))
                        return -EBADMSG;
                r = call_log_add(calls, &(const CallRecord) {
                        .call_id = (char *) sqlite3_column_text(st, 0),
                        .operator = (char *) sqlite3_column_text(st, 1),
                        .caller = (char *) sqlite3_column_text(st, 2),
                        .queue = (char *) sqlite3_column_text(st, 3),
                        .start = store_column_usec(st, 4),
                        .end = store_column_usec(st, 5),
                        .wait_seconds = (unsigned) sqlite3_column_int64(st, 6),
                        .source = (char *) sqlite3_column_text(st, 7),
                });
                if (r < 0)
                        return r;
        }
        return rc == SQLITE_DONE ? 0 : store_errno_from_sqlite(rc) ?: -EIO;
}

int store_load_queue_log(Store *s, const char *path, StoreQueueLogPosition *ret, QueueLog *q) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *pos = NULL, *open = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT dev, ino, offset, line FROM queue_logs WHERE path = ?", &pos);
        if (r < 0)
                return r;
        r = store_bind_text(pos, 1, path);
        if (r < 0)
                return r;
        rc = sqlite3_step(pos);
        if (rc == SQLITE_DONE)
                return -ENOENT;
        if (rc != SQLITE_ROW)
                return store_errno_from_sqlite(rc) ?: -EIO;
        *ret = (StoreQueueLogPosition) {
                .dev = (dev_t) sqlite3_column_int64(pos, 0),
                .ino = (ino_t) sqlite3_column_int64(pos, 1),
                .offset = (uint64_t) sqlite3_column_int64(pos, 2),
                .line = (unsigned) sqlite3_column_int64(pos, 3),
        };

        r = store_read_calls(s, path, q->calls);
        if (r < 0)
                return r;
        r = store_prepare(s, "SELECT kind, key, operator, start_usec, text FROM queue_log_open WHERE path = ? "
                             "ORDER BY rowid", &open);
        if (r < 0)
                return r;
        r = store_bind_text(open, 1, path);
        if (r < 0)
                return r;
        while ((rc = sqlite3_step(open)) == SQLITE_ROW) {
                r = store_read_open(open, q);
                if (r < 0)
                        return r;
        }
        return rc == SQLITE_DONE ? 0 : store_errno_from_sqlite(rc) ?: -EIO;
}
