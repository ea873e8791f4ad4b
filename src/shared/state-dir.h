/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Where respited keeps its state, for respited and for respitectl backup:
 * the directory and the store's file name in it. */

#include "shared/util.h"

#define STATE_DEFAULT_DIR LOCALSTATEDIR "/lib/respite"
#define STATE_STORE_FILE "respite.db"

/* The state directory when none is given: systemd's $STATE_DIRECTORY
 * (StateDirectory=; the first), else STATE_DEFAULT_DIR, or for user
 * (--user) $XDG_STATE_HOME/respite, ~/.local/state/respite. Returns 0,
 * -ENXIO when user and neither $XDG_STATE_HOME nor $HOME is set, -ENOMEM. */
int state_dir_default(bool user, char **ret);
