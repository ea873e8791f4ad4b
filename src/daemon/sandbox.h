/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What respited.service's sandbox lets the daemon read: respited
 * --check-config warns about a source the unit hides (ProtectHome=,
 * PrivateTmp=) or that its user cannot read, before the service fails on
 * it at boot. respited(8), --check-config. */

#include <sys/stat.h>
#include <sys/types.h>

#include "shared/util.h"

/* The unit's User= (systemd/respited.service, respite.sysusers); a site
 * whose drop-in names another sets $RESPITE_SERVICE_USER. */
#define SANDBOX_SERVICE_USER "respite"

/* A user as the service runs: its uid and every group it is in. */
typedef struct SandboxUser {
        char *name;
        uid_t uid;
        gid_t *gids;
        int n_gids;
} SandboxUser;

void sandbox_user_done(SandboxUser *u);

/* Look up the user name and its groups (getpwnam(), getgrouplist()).
 * Returns 0, -ENOENT when there is no such user, or another negative errno. */
int sandbox_user_lookup(const char *name, SandboxUser *ret);

/* The unit setting that hides the absolute path from the service ("ProtectHome=yes"),
 * or NULL when the service sees it. *ret_advice (may be NULL) gets what to do. */
const char *sandbox_hidden_by(const char *path, const char **ret_advice);

/* Whether u may read path by the mode bits: search permission on every
 * directory from / down, read permission on the file. Returns 0; -EACCES
 * with the path that stops u in *ret_blocker (its mode and owner in
 * *ret_st); or another negative errno (stat() failed, as root: the load
 * itself says so). A file or directory with a POSIX ACL is taken as
 * readable: its mode bits do not say. */
int sandbox_user_can_read(const SandboxUser *u, const char *path, char **ret_blocker, struct stat *ret_st);

/* Warn (log_warning(), one line each, naming the unit setting and what to
 * do) about each of paths (NULL-terminated, may be NULL) the service
 * cannot see or its user (user; NULL: $RESPITE_SERVICE_USER or
 * SANDBOX_SERVICE_USER) cannot read. Returns the number of warnings, or
 * -ENOMEM. A missing user is said once (not counted), and the reads go
 * unchecked. */
int sandbox_check_paths(char * const *paths, const char *user);

/* Whether the absolute path lies where respited.service may write under
 * ProtectSystem=strict: its StateDirectory=, RuntimeDirectory= or
 * ReadWritePaths=. */
bool sandbox_may_write(const char *path) _pure_;

/* Warn (log_warning(), one line each, naming the unit setting and what to
 * do) about each of dirs (NULL-terminated, may be NULL; as written and
 * where it leads) that respited.service would write into and cannot
 * (ProtectSystem=strict) or where nobody else sees it (PrivateTmp=,
 * ProtectHome=): the feed directory and the spool. Returns the number of
 * warnings. */
int sandbox_check_writable(char * const *dirs);
