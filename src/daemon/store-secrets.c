/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's secrets (schema version 4): random bytes made once per site
 * and kept, such as the key of team feeds' UIDs (feed_team_uid()). They are
 * never logged. */
#include "daemon/store-internal.h"

/* Read the secret name into ret (size bytes): 1 when found, 0 when there is
 * none, -EBADMSG when the stored one has another size. */
static int store_secrets_read(Store *s, const char *name, size_t size, uint8_t *ret) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT value FROM secrets WHERE name = ?", &st);
        if (r < 0)
                return r;
        r = store_bind_text(st, 1, name);
        if (r < 0)
                return r;
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return 0;
        if (rc != SQLITE_ROW)
                return store_errno_from_sqlite(rc) ?: -EIO;
        if (sqlite3_column_type(st, 0) != SQLITE_BLOB || (size_t) sqlite3_column_bytes(st, 0) != size)
                return -EBADMSG;
        memcpy(ret, sqlite3_column_blob(st, 0), size);
        return 1;
}

int store_get_secret(Store *s, const char *name, size_t size, uint8_t *ret) {
        _cleanup_(store_transaction_rollback) Transaction t = {};
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        if (size == 0 || size > STORE_SECRET_MAX)
                return -EINVAL;
        /* One transaction: two daemons on the same file agree on one secret. */
        r = store_transaction_begin(s, &t);
        if (r < 0)
                return r;
        r = store_secrets_read(s, name, size, ret);
        if (r != 0)
                return r < 0 ? r : 0;

        r = random_bytes(ret, size);
        if (r < 0)
                return r;
        r = store_prepare(s, "INSERT INTO secrets (name, value) VALUES (?, ?)", &st);
        if (r < 0)
                return r;
        if ((r = store_bind_text(st, 1, name)) < 0 ||
            (r = store_errno_from_sqlite(sqlite3_bind_blob(st, 2, ret, (int) size, SQLITE_TRANSIENT))) < 0 ||
            (r = store_step_done(st)) < 0)
                return r;
        return store_transaction_commit(&t);
}
