/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respitectl backup: a copy of respited's store, made while it runs. */
#include "ctl/respitectl.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/sqlite-backup.h"
#include "shared/state-dir.h"

int verb_backup(char **args) {
        _cleanup_free_ char *dir = NULL, *path = NULL, *error = NULL;
        int r;

        if (arg_state_dir)
                r = strdup_to(&dir, arg_state_dir);
        else
                r = state_dir_default(arg_user, &dir);
        if (r == -ENXIO)
                return log_error_errno(r, "%s", _("Neither $XDG_STATE_HOME nor $HOME is set; use --state-dir."));
        if (r < 0 || asprintf(&path, "%s/" STATE_STORE_FILE, dir) < 0)
                return log_oom();

        r = sqlite_backup(path, args[1], &error);
        if (r == -ENOENT && error && access(path, F_OK) < 0)
                return log_error_errno(r, _("%s; give respited's state directory with --state-dir."), error);
        if (r < 0 && error)
                /* TRANSLATORS: what failed (a message of the backup, without its full stop), as a sentence. */
                return log_error_errno(r, C_("backup failed", "%s."), error);
        if (r < 0)
                return log_oom();
        printf(_("Backed up %s to %s.\n"), path, args[1]);
        return 0;
}
