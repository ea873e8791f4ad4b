/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <regex.h>

#include "core/policy-sources.h"
#include "shared/i18n.h"

/* The words of respite.conf(5) for the enums of import/source.h. They live
 * in core, which parses them, because core may not call up into import. */
static const char * const source_format_table[_SOURCE_FORMAT_MAX] = {
        [SOURCE_FORMAT_AUTO]      = "auto",
        [SOURCE_FORMAT_CSV]       = "csv",
        [SOURCE_FORMAT_ICS]       = "ics",
        [SOURCE_FORMAT_QUEUE_LOG] = "queue_log",
};

static const char * const ics_operator_from_table[_ICS_OPERATOR_MAX] = {
        [ICS_OPERATOR_FILE_NAME] = "file_name",
        [ICS_OPERATOR_ATTENDEE]  = "attendee",
        [ICS_OPERATOR_ORGANIZER] = "organizer",
        [ICS_OPERATOR_SUMMARY]   = "summary",
        [ICS_OPERATOR_PROPERTY]  = "property",
};

DEFINE_STRING_TABLE_LOOKUP(source_format, SourceFormat);
DEFINE_STRING_TABLE_LOOKUP(ics_operator_from, IcsOperatorFrom);

static int policy_parse_source_format(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                      void *base) {
        SourceFormat f = source_format_from_string(policy_setting_string_or_null(s));

        if (f < 0)
                return policy_setting_error(p, s, _("expected \"auto\", \"csv\", \"ics\" or \"queue_log\""));
        *FIELD(base, spec, SourceFormat) = f;
        return 0;
}

static int policy_parse_operator_from(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                      void *base) {
        IcsOperatorFrom f = ics_operator_from_from_string(policy_setting_string_or_null(s));

        if (f < 0)
                return policy_setting_error(p, s, _("expected \"file_name\", \"attendee\", \"organizer\", \"summary\" "
                                               "or \"property\""));
        *FIELD(base, spec, IcsOperatorFrom) = f;
        return 0;
}

static int policy_parse_delimiter(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                  void *base) {
        const char *v = policy_setting_string_or_null(s);

        if (!v || strlen(v) != 1 || strchr("\"\r\n", v[0]))
                return policy_setting_error(p, s, _("expected one character in double quotes such as \";\" or "
                                                     "\"\\t\""));
        *FIELD(base, spec, char) = v[0];
        return 0;
}

/* A POSIX extended regular expression with exactly one group. */
static int policy_parse_regex(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        regex_t re;
        int r;

        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return policy_setting_error(p, s, _("expected a regular expression in double quotes"));
        r = regcomp(&re, config_setting_get_string(s), REG_EXTENDED);
        if (r != 0)
                return policy_setting_error(p, s, _("invalid regular expression \"%s\""),
                                            config_setting_get_string(s));
        r = re.re_nsub == 1 ? 0 : -EINVAL;
        regfree(&re);
        if (r < 0)
                return policy_setting_error(p, s, _("expected exactly one group ( … ) naming the operator"));
        return policy_parse_string(p, s, spec, base);
}

void policy_source_options_done(SourceOptions *o) {
        free(o->path);
        free(o->timezone);
        free(o->operator);
        free(o->team);
        free(o->columns.operator);
        free(o->columns.name);
        free(o->columns.team);
        free(o->columns.start);
        free(o->columns.end);
        free(o->date_format);
        free(o->skip_column);
        free(o->skip_match);
        free(o->operator_property);
        free(o->operator_pattern);
        for (size_t i = 0; i < o->n_agents; i++) {
                free(o->agents[i].agent);
                free(o->agents[i].operator);
        }
        free(o->agents);
}

static const PolicySetting policy_source_agent_settings[] = {
        SETTING("agent",    policy_parse_string, offsetof(SourceAgent, agent), .required = true),
        SETTING("operator", policy_parse_string, offsetof(SourceAgent, operator), .required = true),
        SETTINGS_END,
};

static const PolicyList policy_source_agent_list = {
        .settings = policy_source_agent_settings,
        .size = sizeof(SourceAgent),
        .expected_list = N_("expected a list ( { agent = \"Agent/1127\"; operator = \"op27\"; }, … )"),
        .expected_group = N_("expected { agent = …; operator = …; }"),
};

static int policy_parse_source_agents(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                      void *base) {
        SourceOptions *o = base;

        return policy_parse_list(p, s, &policy_source_agent_list, (void **) &o->agents, &o->n_agents);
}

#define S(field) offsetof(SourceOptions, field)

static const PolicySetting policy_source_column_settings[] = {
        SETTING("operator", policy_parse_string, S(columns.operator)),
        SETTING("name",     policy_parse_string, S(columns.name)),
        SETTING("team",     policy_parse_string, S(columns.team)),
        SETTING("start",    policy_parse_string, S(columns.start)),
        SETTING("end",      policy_parse_string, S(columns.end)),
        SETTINGS_END,
};

static const PolicySetting policy_source_settings[] = {
        SETTING("path",              policy_parse_path,          S(path), .required = true),
        SETTING("format",            policy_parse_source_format, S(format)),
        SETTING("timezone",          policy_parse_zone,          S(timezone)),
        SETTING("operator",          policy_parse_string,        S(operator)),
        SETTING("team",              policy_parse_string,        S(team)),
        GROUP("columns", policy_source_column_settings),
        SETTING("date_format",       policy_parse_string,        S(date_format)),
        SETTING("delimiter",         policy_parse_delimiter,     S(delimiter)),
        SETTING("skip_column",       policy_parse_string,        S(skip_column)),
        SETTING("skip_match",        policy_parse_string,        S(skip_match)),
        SETTING("operator_from",     policy_parse_operator_from, S(operator_from)),
        SETTING("operator_property", policy_parse_string,        S(operator_property)),
        SETTING("operator_pattern",  policy_parse_regex,         S(operator_pattern)),
        SETTING("agents",            policy_parse_source_agents, 0),
        SETTINGS_END,
};

/* A size in bytes: a whole number, or one in double quotes with a binary
 * unit ("64M", "64MiB", "512K", "1G"); at least 1 KiB. */
static int policy_parse_size(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        static const char expected[] = N_("expected a size such as \"64M\" (K, M, G: KiB, MiB, GiB) of at least 1K");
        uint64_t v, unit = 1;
        const char *text;
        char *end;

        if (policy_setting_is_int(s)) {
                long long n = config_setting_get_int64(s);

                if (n < 1024)
                        return policy_setting_error(p, s, "%s", _(expected));
                *FIELD(base, spec, uint64_t) = (uint64_t) n;
                return 0;
        }
        text = policy_setting_string_or_null(s);
        if (!text || !isdigit((unsigned char) text[0]))
                return policy_setting_error(p, s, "%s", _(expected));
        errno = 0;
        v = strtoull(text, &end, 10);
        if (errno != 0)
                return policy_setting_error(p, s, "%s", _(expected));
        end += strspn(end, " ");
        if (*end == 'K' || *end == 'k')
                unit = UINT64_C(1) << 10;
        else if (*end == 'M')
                unit = UINT64_C(1) << 20;
        else if (*end == 'G')
                unit = UINT64_C(1) << 30;
        if (unit > 1)
                end++;
        if ((unit > 1 && !isempty(end) && !streq(end, "iB") && !streq(end, "B")) ||
            (unit == 1 && !isempty(end) && !streq(end, "B")) ||
            v > UINT64_MAX / unit || v * unit < 1024)
                return policy_setting_error(p, s, "%s", _(expected));
        *FIELD(base, spec, uint64_t) = v * unit;
        return 0;
}

/* One group of sources.rosters or sources.calls, appended to the policy's
 * sources; its path goes to *ret_path. */
static int policy_parse_source_group(PolicyParser *p, const config_setting_t *g, char **ret_path) {
        _cleanup_(policy_source_options_done) SourceOptions o = { .delimiter = ',' };
        Policy *policy = p->policy;
        int r;

        r = policy_parse_members(p, g, policy_source_settings, &o);
        if (r < 0)
                return r;
        if (o.operator_from == ICS_OPERATOR_SUMMARY && !o.operator_pattern)
                return policy_setting_error(p, g, _("operator_from = \"summary\" needs an operator_pattern"));
        if (o.operator_from == ICS_OPERATOR_PROPERTY && !o.operator_property)
                return policy_setting_error(p, g, _("operator_from = \"property\" needs an operator_property"));
        if (!o.skip_column != !o.skip_match)
                return policy_setting_error(p, g, _("skip_column and skip_match go together"));

        r = strdup_to(ret_path, o.path);
        if (r < 0)
                return r;
        r = array_grow((void **) &policy->sources, policy->n_sources, sizeof(SourceOptions));
        if (r < 0)
                return r;
        policy->sources[policy->n_sources++] = o;
        o = (SourceOptions) {};
        return 0;
}

/* A list of sources: each a path in double quotes or a group { path = …; … }. */
static int policy_parse_sources(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        _cleanup_(strv_freep) char **l = NULL;
        char ***field = FIELD(base, spec, char **);

        if (!config_setting_is_array(s) && !config_setting_is_list(s))
                return policy_setting_error(p, s, _("expected a list of paths such as [ \"roster.csv\" ]"));

        for (int i = 0; i < config_setting_length(s); i++) {
                const config_setting_t *e = config_setting_get_elem(s, i);
                _cleanup_(freep) char *path = NULL;
                int r;

                if (config_setting_is_group(e))
                        r = policy_parse_source_group(p, e, &path);
                else if (config_setting_type(e) != CONFIG_TYPE_STRING || isempty(config_setting_get_string(e)))
                        return policy_setting_error(p, e, _("expected a path in double quotes or a group "
                                                       "{ path = …; … }"));
                else
                        r = policy_resolve_path(p, config_setting_get_string(e), &path);
                if (r < 0)
                        return r;
                r = strv_extend(&l, path);
                if (r < 0)
                        return r;
        }

        strv_free(*field);
        *field = TAKE_PTR(l);
        return 0;
}

const PolicySetting policy_sources_settings[] = {
        SETTING("rosters", policy_parse_sources, offsetof(Policy, rosters)),
        SETTING("calls",   policy_parse_sources, offsetof(Policy, calls)),
        SETTING("max_size", policy_parse_size,   offsetof(Policy, sources_max_size)),
        SETTINGS_END,
};

const SourceOptions *policy_find_source(const Policy *p, const char *path) {
        _cleanup_free_ char *real = NULL;

        /* The last group wins when one path is given twice. */
        for (size_t i = p->n_sources; i > 0; i--)
                if (streq(p->sources[i - 1].path, path))
                        return &p->sources[i - 1];

        /* The same file by another name ("./roster.ics"). */
        real = realpath(path, NULL);
        for (size_t i = p->n_sources; real && i > 0; i--) {
                _cleanup_free_ char *other = realpath(p->sources[i - 1].path, NULL);

                if (streq_ptr(other, real))
                        return &p->sources[i - 1];
        }
        return NULL;
}
