/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <grp.h>
#include <pwd.h>

#include "core/policy-access.h"
#include "shared/i18n.h"

void policy_access_map_done(AccessMap *m) {
        for (size_t i = 0; i < m->n_operators; i++)
                free(m->operators[i].operator);
        free(m->operators);
        for (size_t i = 0; i < m->n_leads; i++)
                strv_free(m->leads[i].teams);
        free(m->leads);
        free(m->integrations);
        free(m->escalate_to);
        *m = (AccessMap) {};
}

/* A user ("alice", or a uid such as 1001) or, when group, a group ("leads",
 * or a gid), into *ret. Names are looked up now. */
static int policy_parse_unix_id(PolicyParser *p, const config_setting_t *s, bool group, uint32_t *ret) {
        const char *name;

        if (policy_setting_is_int(s)) {
                if (config_setting_get_int64(s) < 0 || config_setting_get_int64(s) >= (long long) UINT32_MAX)
                        return group ? policy_setting_error(p, s, _("expected a group name or a gid")) :
                                       policy_setting_error(p, s, _("expected a user name or a uid"));
                *ret = (uint32_t) config_setting_get_int64(s);
                return 0;
        }
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return group ? policy_setting_error(p, s, _("expected a group name in double quotes or a gid")) :
                               policy_setting_error(p, s, _("expected a user name in double quotes or a uid"));

        name = config_setting_get_string(s);
        if (group) {
                const struct group *gr = getgrnam(name);

                if (!gr)
                        return policy_setting_error(p, s, _("no such group \"%s\""), name);
                *ret = gr->gr_gid;
        } else {
                const struct passwd *pw = getpwnam(name);

                if (!pw)
                        return policy_setting_error(p, s, _("no such user \"%s\""), name);
                *ret = pw->pw_uid;
        }
        return 0;
}

/* uid_t and gid_t are uint32_t on Linux; where they are not, this does not compile. */
static int policy_parse_access_user(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                    void *base) {
        return policy_parse_unix_id(p, s, false, FIELD(base, spec, uid_t));
}

static int policy_parse_access_group(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                     void *base) {
        return policy_parse_unix_id(p, s, true, FIELD(base, spec, gid_t));
}

/* A list of names: [ "retail", "billing" ]. */
static int policy_parse_names(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        _cleanup_(strv_freep) char **l = NULL;
        char ***field = FIELD(base, spec, char **);
        int r;

        if (!config_setting_is_array(s) && !config_setting_is_list(s))
                return policy_setting_error(p, s, _("expected a list of names such as [ \"retail\" ]"));

        for (int i = 0; i < config_setting_length(s); i++) {
                const config_setting_t *e = config_setting_get_elem(s, i);

                if (config_setting_type(e) != CONFIG_TYPE_STRING || isempty(config_setting_get_string(e)))
                        return policy_setting_error(p, e, _("expected a name in double quotes"));
                r = strv_extend(&l, config_setting_get_string(e));
                if (r < 0)
                        return r;
        }

        strv_free(*field);
        *field = TAKE_PTR(l);
        return 0;
}

static const PolicySetting policy_access_operator_settings[] = {
        SETTING("user",     policy_parse_access_user, offsetof(AccessOperator, uid), .required = true),
        SETTING("operator", policy_parse_string,      offsetof(AccessOperator, operator), .required = true),
        SETTINGS_END,
};

static const PolicyList policy_access_operator_list = {
        .settings = policy_access_operator_settings,
        .size = sizeof(AccessOperator),
        .expected_list = N_("expected a list ( { user = …; operator = …; }, … )"),
        .expected_group = N_("expected { user = …; operator = …; }"),
};

static int policy_parse_access_operators(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                         void *base) {
        AccessMap *m = &p->policy->access;

        return policy_parse_list(p, s, &policy_access_operator_list, (void **) &m->operators, &m->n_operators);
}

static const PolicySetting policy_access_lead_settings[] = {
        SETTING("user",  policy_parse_access_user,  offsetof(AccessLead, uid)),
        SETTING("group", policy_parse_access_group, offsetof(AccessLead, gid)),
        SETTING("teams", policy_parse_names,        offsetof(AccessLead, teams), .required = true),
        SETTINGS_END,
};

/* A lead is one user or every member of one group. */
static int policy_check_access_lead(PolicyParser *p, const config_setting_t *e, void *array, size_t i) {
        AccessLead *lead = (AccessLead *) array + i;
        bool user = config_setting_get_member(e, "user") != NULL;
        bool group = config_setting_get_member(e, "group") != NULL;

        if (user == group)
                return policy_setting_error(p, e, _("expected either a user or a group"));
        lead->group = group;
        return 0;
}

static const PolicyList policy_access_lead_list = {
        .settings = policy_access_lead_settings,
        .size = sizeof(AccessLead),
        .expected_list = N_("expected a list ( { group = …; teams = [ … ]; }, … )"),
        .expected_group = N_("expected { user = …; teams = [ … ]; } or { group = …; teams = [ … ]; }"),
        .check = policy_check_access_lead,
};

static int policy_parse_access_leads(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                     void *base) {
        AccessMap *m = &p->policy->access;

        return policy_parse_list(p, s, &policy_access_lead_list, (void **) &m->leads, &m->n_leads);
}

int policy_parse_principals(PolicyParser *p, const config_setting_t *s, AccessPrincipal **ret, size_t *ret_n) {
        _cleanup_free_ AccessPrincipal *l = NULL;
        size_t n = 0;
        int r;

        if (!config_setting_is_array(s) && !config_setting_is_list(s))
                return policy_setting_error(p, s,
                                            _("expected a list of users and groups such as [ \"acd\", \"@pbx\" ]"));
        for (int i = 0; i < config_setting_length(s); i++) {
                const config_setting_t *e = config_setting_get_elem(s, i);
                const char *name = config_setting_type(e) == CONFIG_TYPE_STRING ? config_setting_get_string(e) : NULL;
                AccessPrincipal x = { .group = name && name[0] == '@' };

                r = array_grow((void **) &l, n, sizeof(AccessPrincipal));
                if (r < 0)
                        return r;
                if (x.group) {
                        const struct group *gr = getgrnam(name + 1);

                        if (!gr)
                                return policy_setting_error(p, e, _("no such group \"%s\""), name + 1);
                        x.gid = gr->gr_gid;
                } else {
                        r = policy_parse_unix_id(p, e, false, &x.uid);
                        if (r < 0)
                                return r;
                }
                l[n++] = x;
        }
        free(*ret);
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

static int policy_parse_access_integrations(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                            void *base) {
        AccessMap *m = &p->policy->access;

        return policy_parse_principals(p, s, &m->integrations, &m->n_integrations);
}

const PolicySetting policy_access_settings[] = {
        SETTING("operators",    policy_parse_access_operators,    0),
        SETTING("leads",        policy_parse_access_leads,        0),
        SETTING("integrations", policy_parse_access_integrations, 0),
        SETTINGS_END,
};
