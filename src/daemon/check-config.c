/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/policy-languages.h"
#include "daemon/actions.h"
#include "daemon/check-config.h"
#include "daemon/sandbox.h"
#include "import/inputs.h"
#include "shared/i18n.h"
#include "shared/log.h"

/* The policy file and the sources that respited.service's sandbox hides or
 * its user cannot read, and the feed directory and spool of p it could not
 * write. Returns the number of warnings or -ENOMEM. */
static int check_config_sandbox(const char *config, const Policy *p, char * const *rosters, char * const *calls) {
        _cleanup_(strv_freep) char **paths = NULL, **writes = NULL;
        int n;

        if (strv_extend(&paths, config) < 0)
                return -ENOMEM;
        for (char * const *f = rosters; f && *f; f++)
                if (strv_extend(&paths, *f) < 0)
                        return -ENOMEM;
        for (char * const *f = calls; f && *f; f++)
                if (strv_extend(&paths, *f) < 0)
                        return -ENOMEM;
        n = sandbox_check_paths(paths, NULL);
        if (n < 0)
                return n;
        if ((!isempty(p->feed_dir) && strv_extend(&writes, p->feed_dir) < 0) ||
            (!isempty(p->incidents.spool) && strv_extend(&writes, p->incidents.spool) < 0))
                return -ENOMEM;
        return n + sandbox_check_writable(writes);
}

int check_config_run(const char *config, bool user, char * const *rosters, char * const *calls) {
        _cleanup_free_ char *error = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(inputs_done) Inputs in = {};
        int r, n_languages, n_sandbox = 0;

        r = policy_load(config, &p, &error);
        if (r < 0) {
                fprintf(stderr, "%s\n", error ?: _("Failed to load the policy."));
                return r;
        }
        rosters = rosters ?: p->rosters;
        calls = calls ?: p->calls;
        r = inputs_load(p, &(const InputFiles) { .rosters = rosters, .calls = calls }, NULL, &in);
        if (r < 0)
                return r;
        /* Languages without a catalogue: feeds in English, which the
         * administrator did not mean. */
        n_languages = policy_languages_check(p, true);
        r = n_languages < 0 ? n_languages : policy_roster_languages_check(in.roster);
        if (r < 0)
                return log_oom();
        n_languages += r;
        if (!user) {
                n_sandbox = check_config_sandbox(config, p, rosters, calls);
                if (n_sandbox < 0)
                        return log_oom();
        }
        if (policy_actions_check(&p->actions) < 0 || in.n_failed > 0 || in.n_skipped > 0)
                return -EINVAL;
        if (n_sandbox > 0)
                printf(P_("%s: policy, sources and actions are valid; respited.service would not read or write "
                          "everything (%d warning above).\n",
                          "%s: policy, sources and actions are valid; respited.service would not read or write "
                          "everything (%d warnings above).\n", n_sandbox + n_languages), config,
                       n_sandbox + n_languages);
        else if (n_languages > 0)
                printf(P_("%s: policy, sources and actions are valid (%d warning above).\n",
                          "%s: policy, sources and actions are valid (%d warnings above).\n", n_languages), config,
                       n_languages);
        else
                printf(_("%s: policy, sources and actions are valid.\n"), config);
        return 0;
}
