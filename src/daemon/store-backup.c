/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "daemon/store-internal.h"

int store_default_dir(bool user, char **ret) {
        const char *e = getenv("STATE_DIRECTORY");

        if (!isempty(e))
                return (*ret = strndup(e, strcspn(e, ":"))) ? 0 : -ENOMEM;
        if (!user)
                return strdup_to(ret, STORE_DEFAULT_DIR);
        e = getenv("XDG_STATE_HOME");
        if (!isempty(e) && e[0] == '/')
                return asprintf(ret, "%s/respite", e) < 0 ? -ENOMEM : 0;
        e = getenv("HOME");
        if (isempty(e) || e[0] != '/')
                return -ENXIO;
        return asprintf(ret, "%s/.local/state/respite", e) < 0 ? -ENOMEM : 0;
}

/* *ret_error = the message format makes; returns r. */
_printf_(3, 4)
static int store_backup_error(char **ret_error, int r, const char *format, ...) {
        va_list ap;

        free(*ret_error);
        va_start(ap, format);
        if (vasprintf(ret_error, format, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return r;
}

int store_backup(const char *dir, const char *dest, char **ret_error) {
        _cleanup_(sqlite3_closep) sqlite3 *from = NULL, *to = NULL;
        _cleanup_free_ char *path = NULL, *check = NULL;
        _cleanup_(closep) int fd = -EBADF;
        sqlite3_backup *b;
        sqlite3_stmt *st;
        int rc, r;

        *ret_error = NULL;
        if (asprintf(&path, "%s/" STORE_FILE, dir) < 0)
                return -ENOMEM;
        if (access(path, R_OK) < 0)
                return store_backup_error(ret_error, -errno, "Cannot read the store '%s': %s%s", path,
                                          strerror(errno), errno == ENOENT ?
                                          "; give respited's state directory with --state-dir" : "");
        /* Read-only, and never created. */
        rc = sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY | SQLITE_OPEN_EXRESCODE, NULL);
        if (rc != SQLITE_OK)
                return store_backup_error(ret_error, store_errno_from_sqlite(rc) ?: -EIO,
                                          "Cannot open the store '%s': %s", path,
                                          from ? sqlite3_errmsg(from) : "out of memory");
        (void) sqlite3_busy_timeout(from, 5000);

        /* A new file, 0600 as the store (it holds notes and feed tokens):
         * never over an existing file, never through a symbolic link. */
        fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return store_backup_error(ret_error, -errno, "Cannot create '%s': %s%s", dest, strerror(errno),
                                          errno == EEXIST ? " (a backup is written to a new file only)" : "");
        rc = sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, NULL);
        b = rc == SQLITE_OK ? sqlite3_backup_init(to, "main", from, "main") : NULL;
        if (!b) {
                r = store_errno_from_sqlite(to ? sqlite3_errcode(to) : SQLITE_NOMEM) ?: -EIO;
                (void) unlink(dest);
                return store_backup_error(ret_error, r, "Cannot write the backup '%s': %s", dest,
                                          to ? sqlite3_errmsg(to) : "out of memory");
        }

        /* All pages in one step: one read transaction on the store, so the
         * copy is one consistent state (WAL: respited writes on meanwhile). */
        rc = sqlite3_backup_step(b, -1);
        (void) sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
                r = store_errno_from_sqlite(rc) ?: -EIO;
                (void) unlink(dest);
                return store_backup_error(ret_error, r, "Failed to copy the store '%s' to '%s': %s", path, dest,
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
                return store_backup_error(ret_error, -EBADMSG, "The copy of '%s' fails PRAGMA quick_check (%s): "
                                          "the store itself may be damaged, see respited(8), BACKUP AND RESTORE",
                                          path, check ?: sqlite3_errmsg(to));
        }
        if (fsync(fd) < 0)
                return store_backup_error(ret_error, -errno, "Failed to write '%s' to disk: %s", dest,
                                          strerror(errno));
        return 0;

}
