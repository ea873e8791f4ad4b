/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A copy of a SQLite database made while another process writes it
 * (respitectl backup of respited's store). */

#include "shared/util.h"

/* Copy the database at path to dest, a new file (mode 0600; refused when it
 * exists or is a symbolic link), while another process may be writing it:
 * SQLite's online backup in one step, so one read transaction and one
 * consistent state; in WAL mode the writer's commits go on meanwhile. path
 * is opened read-only and never created; the copy is checked with PRAGMA
 * quick_check and synced. The caller needs read access to path and write
 * access to its -shm file (SQLite, run as root, gives the -wal and -shm it
 * creates the database's owner). Returns 0, or a negative errno (-ENOENT
 * and others of access(2) and open(2) for path and dest, -EIO for SQLite's
 * failures, -EBADMSG for a copy that fails its check, -ENOMEM) with
 * *ret_error (free() it) saying what went wrong; dest is removed then. */
int sqlite_backup(const char *path, const char *dest, char **ret_error);
