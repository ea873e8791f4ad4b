/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The checks store_open() makes on the file before and after SQLite opens
 * it, and what they say: what is wrong, in SQLite's words where they are
 * SQLite's, and what to do. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "daemon/store-internal.h"

/* What to do with a store respited will not use, for the messages below. */
#define STORE_WHAT_TO_DO \
        "Stop respited, then restore the store from a backup (respited(8), BACKUP AND RESTORE), or move the " \
        "file aside to start a new, empty store (every incident is then gone and every feed URL new)"

/* Check what stands at path before SQLite opens it: a state directory
 * respited can write (SQLite makes its -wal and -shm files there), and a
 * file, when there is one, that is writable and not empty. A 0-byte file
 * that existed is refused: SQLite would take it for a new store and every
 * incident and feed URL would be lost without a word. */
int store_check_file(const char *dir, const char *path, char **ret_error) {
        _cleanup_free_ char *wal = NULL;
        struct stat st, wal_st;

        if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0)
                return error_set(ret_error, -errno,
                                     "The state directory '%s' is not writable by respited (uid %u): %s. "
                                     "respited keeps " STORE_FILE " and SQLite's -wal and -shm files there and "
                                     "must be able to create them: make the directory its user's (chown "
                                     "respite:respite '%s'; chmod 0700 '%s') on a file system mounted read-write",
                                     dir, (unsigned) geteuid(), strerror(errno), dir, dir);
        if (stat(path, &st) < 0)
                return errno == ENOENT ? 0 : error_set(ret_error, -errno, "Cannot look at the store '%s': %s",
                                                           path, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return error_set(ret_error, -EBADFD, "The store '%s' is not a regular file", path);
        if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) < 0)
                return error_set(ret_error, -errno,
                                     "The store '%s' is not writable by respited (uid %u): %s. Make it "
                                     "its user's (chown respite:respite '%s'; chmod 0600 '%s') on a file system "
                                     "mounted read-write",
                                     path, (unsigned) geteuid(), strerror(errno), path, path);
        if (st.st_size > 0)
                return 0;
        /* A store SQLite had only begun, its pages still in the WAL. */
        if (asprintf(&wal, "%s-wal", path) < 0)
                return -ENOMEM;
        if (stat(wal, &wal_st) >= 0 && wal_st.st_size > 0)
                return 0;
        return error_set(ret_error, -ENODATA,
                             "The store '%s' is empty (0 bytes) though the file exists: what it held is lost (a "
                             "full disk, a failed copy or restore?). respited will not start afresh on it. Stop "
                             "respited, then restore the store from a backup (respited(8), BACKUP AND RESTORE); "
                             "to start a new, empty store on purpose (every incident is then gone and every feed "
                             "URL new), remove the empty file", path);
}

/* A failure of SQLite on s while opening path: its own words (and the
 * system's errno, which SQLite's CANTOPEN hides) in *ret_error. */
int store_open_failed(Store *s, const char *path, int r, char **ret_error) {
        int sys = s->db ? sqlite3_system_errno(s->db) : 0;
        const char *text = store_error(s);

        if (r == -EBADMSG)
                return error_set(ret_error, r, "The store '%s' is damaged: %s. respited will not write into a "
                                     "damaged store. " STORE_WHAT_TO_DO, path, text);
        if (r == -EROFS || r == -EACCES)
                return error_set(ret_error, r, "The store '%s' cannot be written: %s. Make it respited's user's "
                                     "(chown respite:respite '%s'; chmod 0600 '%s') on a file system mounted "
                                     "read-write", path, text, path, path);
        if (sys > 0)
                r = -sys;
        return error_set(ret_error, r, "Failed to open the store '%s': %s (%s)", path, strerror(-r), text);
}

/* PRAGMA quick_check: SQLite's first complaint, or none ("ok"). */
static int store_quick_check(Store *s, char **ret_problem) {
        _cleanup_(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        const char *text;
        int r, rc;

        r = store_prepare(s, "PRAGMA quick_check(1)", &st);
        if (r < 0)
                return r;
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return store_errno_from_sqlite(rc) ?: -EIO;
        text = (const char *) sqlite3_column_text(st, 0);
        *ret_problem = NULL;
        if (streq_ptr(text, "ok"))
                return 0;
        r = strdup_to(ret_problem, text ?: "unknown");
        if (r < 0)
                return r;
        /* "*** in database main ***\nPage 6: …" on one line. */
        for (char *c = *ret_problem; *c; c++)
                if (*c == '\n')
                        *c = ' ';
        return 0;
}

int store_check_pages(Store *s, const char *path, char **ret_error) {
        _cleanup_free_ char *problem = NULL;
        int r;

        r = store_quick_check(s, &problem);
        if (r < 0)
                return store_open_failed(s, path, r, ret_error);
        if (problem)
                return error_set(ret_error, -EBADMSG, "The store '%s' is damaged (PRAGMA quick_check: %s). "
                                     "respited will not write into a damaged store. " STORE_WHAT_TO_DO,
                                     path, problem);
        return 0;
}
