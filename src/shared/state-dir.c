/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shared/state-dir.h"

int state_dir_default(bool user, char **ret) {
        const char *e = getenv("STATE_DIRECTORY");

        if (!isempty(e))
                return (*ret = strndup(e, strcspn(e, ":"))) ? 0 : -ENOMEM;
        if (!user)
                return strdup_to(ret, STATE_DEFAULT_DIR);
        e = getenv("XDG_STATE_HOME");
        if (!isempty(e) && e[0] == '/')
                return asprintf(ret, "%s/respite", e) < 0 ? -ENOMEM : 0;
        e = getenv("HOME");
        if (isempty(e) || e[0] != '/')
                return -ENXIO;
        return asprintf(ret, "%s/.local/state/respite", e) < 0 ? -ENOMEM : 0;
}
