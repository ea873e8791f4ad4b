/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's lead alerts: written when raised, updated when escalated and
 * when answered, read back on start so that an alert survives a restart
 * until answered; purged with the incidents (retention). */
#include "daemon/store-internal.h"

int store_add_alert(Store *s, const Alert *a) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_prepare(s, "INSERT INTO alerts (id, incident_id, operator, team, category, time_usec, raised_usec, "
                             "recovery_start_usec, recovery_end_usec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st);
        if (r < 0)
                return r;
        if ((r = store_bind_text(st, 1, a->id)) < 0 ||
            (r = store_bind_text(st, 2, a->incident_id)) < 0 ||
            (r = store_bind_text(st, 3, a->operator)) < 0 ||
            (r = store_bind_text(st, 4, a->team)) < 0 ||
            (r = store_bind_text(st, 5, a->category)) < 0 ||
            (r = store_bind_usec(st, 6, a->when)) < 0 ||
            (r = store_bind_usec(st, 7, a->raised)) < 0 ||
            (r = store_bind_usec(st, 8, a->recovery_start)) < 0 ||
            (r = store_bind_usec(st, 9, a->recovery_end)) < 0)
                return r;
        return store_step_done(st);
}

int store_update_alert(Store *s, const Alert *a) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int r;

        r = store_prepare(s, "UPDATE alerts SET escalated_usec = ?, acknowledged_usec = ?, acknowledged_by = ?, "
                             "note = ? WHERE id = ?", &st);
        if (r < 0)
                return r;
        if ((r = store_bind_usec(st, 1, a->escalated)) < 0 ||
            (r = store_bind_usec(st, 2, a->acknowledged)) < 0 ||
            (r = store_bind_text(st, 3, a->acknowledged_by)) < 0 ||
            (r = store_bind_text(st, 4, a->note)) < 0 ||
            (r = store_bind_text(st, 5, a->id)) < 0)
                return r;
        r = store_step_done(st);
        if (r < 0)
                return r;
        return sqlite3_changes(s->db) == 1 ? 0 : -ENOENT;
}

static int store_read_alert(sqlite3_stmt *st, Alert **ret) {
        _cleanup_(alert_freep) Alert *a = calloc(1, sizeof(Alert));
        int r;

        if (!a)
                return -ENOMEM;
        if ((r = store_column_text(st, 0, &a->id)) < 0 ||
            (r = store_column_text(st, 1, &a->incident_id)) < 0 ||
            (r = store_column_text(st, 2, &a->operator)) < 0 ||
            (r = store_column_text(st, 3, &a->team)) < 0 ||
            (r = store_column_text(st, 4, &a->category)) < 0 ||
            (r = store_column_text(st, 11, &a->acknowledged_by)) < 0 ||
            (r = store_column_text(st, 12, &a->note)) < 0)
                return r;
        a->when = store_column_usec(st, 5);
        a->raised = store_column_usec(st, 6);
        a->recovery_start = store_column_usec(st, 7);
        a->recovery_end = store_column_usec(st, 8);
        a->escalated = store_column_usec(st, 9);
        a->acknowledged = store_column_usec(st, 10);
        *ret = TAKE_PTR(a);
        return 0;
}

int store_foreach_alert(Store *s, store_alert_fn fn, void *userdata) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int rc, r;

        r = store_prepare(s, "SELECT id, incident_id, operator, team, category, time_usec, raised_usec, "
                             "recovery_start_usec, recovery_end_usec, escalated_usec, acknowledged_usec, "
                             "acknowledged_by, note FROM alerts ORDER BY raised_usec, id", &st);
        if (r < 0)
                return r;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                Alert *a;

                r = store_read_alert(st, &a);
                if (r < 0)
                        return r;
                r = fn(a, userdata);
                if (r < 0)
                        return r;
        }
        return rc == SQLITE_DONE ? 0 : store_errno_from_sqlite(rc) ?: -EIO;
}
