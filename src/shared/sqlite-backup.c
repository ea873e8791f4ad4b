/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "shared/i18n.h"
#include "shared/sqlite-backup.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(sqlite3 *, sqlite3_close);

/* The errno of a failed SQLite call: its words go in the message. */
static int sqlite_backup_errno(int rc) {
        return (rc & 0xff) == SQLITE_NOMEM ? -ENOMEM : -EIO;
}

int sqlite_backup(const char *path, const char *dest, char **ret_error) {
        _cleanup_(sqlite3_closep) sqlite3 *from = NULL, *to = NULL;
        _cleanup_free_ char *check = NULL;
        _cleanup_(closep) int fd = -EBADF;
        sqlite3_backup *b;
        sqlite3_stmt *st;
        int rc, r;

        *ret_error = NULL;
        if (access(path, R_OK) < 0)
                return error_set(ret_error, -errno, _("Cannot read the database '%s': %s"), path,
                                          strerror(errno));
        /* Read-only, and never created. */
        rc = sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY | SQLITE_OPEN_EXRESCODE, NULL);
        if (rc != SQLITE_OK)
                return error_set(ret_error, sqlite_backup_errno(rc),
                                          _("Cannot open the database '%s': %s"), path,
                                          from ? sqlite3_errmsg(from) : _("out of memory"));
        (void) sqlite3_busy_timeout(from, 5000);

        /* A new file, 0600 (a copy holds what the database holds): never
         * over an existing file, never through a symbolic link. */
        fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return error_set(ret_error, -errno, _("Cannot create '%s': %s%s"), dest, strerror(errno),
                                          errno == EEXIST ? _(" (a backup is written to a new file only)") : "");
        rc = sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, NULL);
        b = rc == SQLITE_OK ? sqlite3_backup_init(to, "main", from, "main") : NULL;
        if (!b) {
                r = sqlite_backup_errno(to ? sqlite3_errcode(to) : SQLITE_NOMEM);
                (void) unlink(dest);
                return error_set(ret_error, r, _("Cannot write the backup '%s': %s"), dest,
                                          to ? sqlite3_errmsg(to) : _("out of memory"));
        }

        /* All pages in one step: one read transaction on the store, so the
         * copy is one consistent state (WAL: respited writes on meanwhile). */
        rc = sqlite3_backup_step(b, -1);
        (void) sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
                r = sqlite_backup_errno(rc);
                (void) unlink(dest);
                return error_set(ret_error, r, _("Failed to copy the database '%s' to '%s': %s"), path, dest,
                                          sqlite3_errstr(rc));
        }

        /* The copy is checked as respited checks a store at start. */
        rc = sqlite3_prepare_v2(to, "PRAGMA quick_check(1)", -1, &st, NULL);
        if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
                r = strdup_to(&check, (const char *) sqlite3_column_text(st, 0));
        else
                r = -EIO;
        if (rc == SQLITE_OK)
                (void) sqlite3_finalize(st);
        if (r < 0 || !streq_ptr(check, "ok")) {
                (void) unlink(dest);
                return error_set(ret_error, -EBADMSG, _("The copy of '%s' fails PRAGMA quick_check (%s): "
                                            "the store itself may be damaged"),
                                          path, check ?: sqlite3_errmsg(to));
        }
        if (fsync(fd) < 0)
                return error_set(ret_error, -errno, _("Failed to write '%s' to disk: %s"), dest,
                                          strerror(errno));
        return 0;

}
