/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/policy-actions.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/string-table.h"

/* A command: [ "/usr/lib/respite/actions/asterisk-ami", "pause" ], run
 * without a shell, its first word an absolute path (respited's PATH is not
 * the site's, and a relative name would be looked up in it). */
static int policy_parse_argv(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        _cleanup_(strv_freep) char **l = NULL;
        char ***field = FIELD(base, spec, char **);
        int r;

        if ((!config_setting_is_array(s) && !config_setting_is_list(s)) || config_setting_length(s) == 0)
                return policy_setting_error(p, s, _("expected a command as a list of strings such as "
                                               "[ \"/usr/lib/respite/actions/asterisk-cli\", \"pause\" ]"));

        for (int i = 0; i < config_setting_length(s); i++) {
                const config_setting_t *e = config_setting_get_elem(s, i);
                const char *v = policy_setting_string_or_null(e);

                if (!v)
                        return policy_setting_error(p, e, _("expected a string in double quotes"));
                if (i == 0 && v[0] != '/')
                        return policy_setting_error(p, e, _("expected the command as an absolute path such as "
                                                       "\"/usr/lib/respite/actions/asterisk-cli\", got \"%s\""), v);
                r = strv_extend(&l, v);
                if (r < 0)
                        return r;
        }

        strv_free(*field);
        *field = TAKE_PTR(l);
        return 0;
}

#define A(field) offsetof(Policy, actions.field)

const PolicySetting policy_actions_settings[] = {
        SETTING("break_start", policy_parse_argv,     A(argv[ACTION_BREAK_START])),
        SETTING("break_end",   policy_parse_argv,     A(argv[ACTION_BREAK_END])),
        SETTING("break_due",   policy_parse_argv,     A(argv[ACTION_BREAK_DUE])),
        SETTING("timeout",     policy_parse_duration, A(timeout), .min = 1),
        SETTING("retries",     policy_parse_count,    A(retries)),
        SETTING("retry_delay", policy_parse_duration, A(retry_delay)),
        SETTINGS_END,
};

/* The events, named as their settings of the actions group. */
static const char * const action_event_table[_ACTION_EVENT_MAX] = {
        [ACTION_BREAK_START] = "break_start",
        [ACTION_BREAK_END]   = "break_end",
        [ACTION_BREAK_DUE]   = "break_due",
};
DEFINE_STRING_TABLE_LOOKUP(action_event, ActionEvent);

int policy_actions_check(const ActionSettings *s) {
        int r = 0;

        for (ActionEvent e = 0; e < _ACTION_EVENT_MAX; e++) {
                const char *program = s->argv[e] ? s->argv[e][0] : NULL;
                struct stat st;

                if (!program)
                        continue;
                if (stat(program, &st) < 0 || access(program, X_OK) < 0)
                        log_warning_errno(errno, _("actions.%s: cannot run '%s': %m"), action_event_to_string(e),
                                          program);
                else if (!S_ISREG(st.st_mode))
                        log_warning(_("actions.%s: cannot run '%s': not a regular file"), action_event_to_string(e),
                                    program);
                else
                        continue;
                r = -ENOEXEC;
        }
        return r;
}
