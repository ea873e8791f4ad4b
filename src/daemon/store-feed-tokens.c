/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's feed tokens: the secret of each feed's URL, made once per
 * feed and kept until rotated (respitectl rotate-token). They are never
 * logged. */
#include "daemon/store-internal.h"

static int store_feed_tokens_new(char ret[static 65]) {
        uint8_t bytes[32];
        int r;

        r = random_bytes(bytes, sizeof bytes);
        if (r < 0)
                return r;
        hex_format(bytes, sizeof bytes, ret);
        return 0;
}

/* Insert (or upsert, as st says) a new token of feed into token. */
static int store_feed_tokens_put(sqlite3_stmt *st, const char *feed, char token[static 65]) {
        int r;

        r = store_feed_tokens_new(token);
        if (r < 0)
                return r;
        if ((r = store_bind_text(st, 1, feed)) < 0 ||
            (r = store_bind_text(st, 2, token)) < 0 ||
            (r = store_bind_usec(st, 3, (usec_t) time(NULL) * USEC_PER_SEC)) < 0)
                return r;
        return store_step_done(st);
}

int store_ensure_feed_tokens(Store *s, char * const *feeds, store_feed_token_fn fn, void *userdata) {
        _cleanup_(store_transaction_rollback) Transaction t = {};
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_transaction_begin(s, &t);
        if (r < 0)
                return r;
        r = store_prepare(s, "INSERT INTO feed_tokens (feed, token, created_usec) VALUES (?, ?, ?) "
                             "ON CONFLICT (feed) DO NOTHING", &st);
        if (r < 0)
                return r;
        for (char * const *f = feeds; f && *f; f++) {
                char token[65];

                r = store_feed_tokens_put(st, *f, token);
                if (r < 0)
                        return r;
                /* Inserted, not there already: the caller learns it. */
                if (fn && sqlite3_changes(s->db) == 1 && (r = fn(*f, token, userdata)) < 0)
                        return r;
        }
        return store_transaction_commit(&t);
}

int store_get_feed_token(Store *s, const char *feed, char **ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT token FROM feed_tokens WHERE feed = ?", &st);
        if (r < 0)
                return r;
        r = store_bind_text(st, 1, feed);
        if (r < 0)
                return r;
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return -ENOENT;
        if (rc != SQLITE_ROW)
                return store_errno_from_sqlite(rc) ?: -EIO;
        *ret = NULL;
        return store_column_text(st, 0, ret);
}

int store_foreach_feed_token(Store *s, store_feed_token_fn fn, void *userdata) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT feed, token FROM feed_tokens", &st);
        if (r < 0)
                return r;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                r = fn((const char *) sqlite3_column_text(st, 0), (const char *) sqlite3_column_text(st, 1),
                       userdata);
                if (r < 0)
                        return r;
        }
        return rc == SQLITE_DONE ? 0 : store_errno_from_sqlite(rc) ?: -EIO;
}

int store_rotate_feed_token(Store *s, const char *feed, char **ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        char token[65];
        int r;

        r = store_prepare(s, "INSERT INTO feed_tokens (feed, token, created_usec) VALUES (?, ?, ?) "
                             "ON CONFLICT (feed) DO UPDATE SET token = excluded.token, "
                             "created_usec = excluded.created_usec", &st);
        if (r < 0)
                return r;
        r = store_feed_tokens_put(st, feed, token);
        if (r < 0)
                return r;
        *ret = strdup(token);
        return *ret ? 0 : -ENOMEM;
}
