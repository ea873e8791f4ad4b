/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respitectl backup: a copy of respited's store, made while it runs. */
#include "ctl/respitectl.h"
#include "daemon/store.h"
#include "shared/log.h"

int verb_backup(char **args) {
        _cleanup_free_ char *dir = NULL, *error = NULL;
        int r;

        if (arg_state_dir)
                r = strdup_to(&dir, arg_state_dir);
        else
                r = store_default_dir(arg_user, &dir);
        if (r == -ENXIO)
                return log_error_errno(r, "Neither $XDG_STATE_HOME nor $HOME is set; use --state-dir.");
        if (r < 0)
                return log_oom();

        r = store_backup(dir, args[1], &error);
        if (r < 0 && error)
                return log_error_errno(r, "%s.", error);
        if (r < 0)
                return log_oom();
        printf("Backed up %s/" STORE_FILE " to %s.\n", dir, args[1]);
        return 0;
}
