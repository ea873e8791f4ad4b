/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's verdicts on breaks that are over: taken, partly taken or not
 * taken (core/adherence.h), one row per break, purged with the incidents
 * (that someone had a recovery break is itself personal). */
#include "daemon/store-internal.h"

int store_save_adherence(Store *s, const char *operator, const Break *b, const AdherenceDetail *d) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_prepare(s, "INSERT OR REPLACE INTO adherence (uid, operator, kind, adherence, start_usec, end_usec, "
                             "off_usec, known_usec, interrupted_usec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st);
        if (r < 0)
                return r;
        if ((r = store_bind_text(st, 1, b->uid)) < 0 ||
            (r = store_bind_text(st, 2, operator)) < 0 ||
            (r = store_bind_text(st, 3, break_kind_to_string(b->kind))) < 0 ||
            (r = store_bind_text(st, 4, adherence_to_string(d->adherence))) < 0 ||
            (r = store_bind_usec(st, 5, b->start)) < 0 ||
            (r = store_bind_usec(st, 6, b->end)) < 0 ||
            (r = store_bind_usec(st, 7, d->off)) < 0 ||
            (r = store_bind_usec(st, 8, d->known)) < 0 ||
            (r = store_bind_usec(st, 9, d->interrupted)) < 0)
                return r;
        return store_step_done(st);
}

int store_foreach_adherence(Store *s, usec_t from, store_adherence_fn fn, void *userdata) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT uid, kind, adherence, end_usec, off_usec, known_usec, interrupted_usec "
                             "FROM adherence WHERE end_usec >= ? ORDER BY uid", &st);
        if (r < 0)
                return r;
        r = store_bind_usec(st, 1, from);
        if (r < 0)
                return r;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                BreakKind kind = break_kind_from_string((const char *) sqlite3_column_text(st, 1));
                AdherenceDetail d = {
                        .adherence = adherence_from_string((const char *) sqlite3_column_text(st, 2)),
                        .off = store_column_usec(st, 4),
                        .known = store_column_usec(st, 5),
                        .interrupted = store_column_usec(st, 6),
                };

                if (kind < 0 || d.adherence < 0)
                        continue;       /* written by a newer respited */
                r = fn((const char *) sqlite3_column_text(st, 0), kind, store_column_usec(st, 3), &d, userdata);
                if (r < 0)
                        return r;
        }
        return rc == SQLITE_DONE ? 0 : store_errno_from_sqlite(rc) ?: -EIO;
}
