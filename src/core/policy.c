/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <libconfig.h>
#include <stddef.h>

#include "core/policy-access.h"
#include "core/policy-actions.h"
#include "core/policy-parser.h"
#include "core/policy-sources.h"
#include "core/policy.h"
#include "shared/i18n.h"
#include "shared/time-util.h"

/* ---- texts in other languages ---- */

void translation_done(Translation *t) {
        free(t->language);
        free(t->text);
        free(t->at);
        *t = (Translation) {};
}

void translations_done(Translations *t) {
        free_array(t->items, t->n, translation_done);
        *t = (Translations) {};
}

const char *translations_get(const Translations *t, const char *language, const char *fallback) {
        size_t n = language ? strcspn(language, "_") : 0;

        if (!language)
                return fallback;
        for (size_t i = 0; i < t->n; i++)
                if (streq(t->items[i].language, language))
                        return t->items[i].text;
        for (size_t i = 0; i < t->n; i++)
                if (strlen(t->items[i].language) == n && strncmp(t->items[i].language, language, n) == 0)
                        return t->items[i].text;
        return fallback;
}

/* ---- categories ---- */

const char *category_label(const Category *c, const char *language) {
        return translations_get(&c->labels, language, _(c->label));
}

static void policy_categories_free(Category *c, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(c[i].name);
                free(c[i].label);
                translations_done(&c[i].labels);
        }
        free(c);
}

static const PolicySetting policy_category_settings[] = {
        SETTING("name",        policy_parse_identifier, offsetof(Category, name), .required = true),
        SETTING("label",       policy_parse_string,     offsetof(Category, label)),
        SETTING("label_",      policy_parse_translation, offsetof(Category, labels), .prefix = true),
        SETTING("points",      policy_parse_count,      offsetof(Category, points)),
        SETTING("recovery",    policy_parse_duration,   offsetof(Category, recovery)),
        SETTING("notify_lead", policy_parse_bool,       offsetof(Category, notify_lead)),
        SETTING("notify_lead_after",  policy_parse_count,    offsetof(Category, notify_lead_after), .min = 1),
        SETTING("notify_lead_within", policy_parse_duration, offsetof(Category, notify_lead_within), .min = 1),
        SETTINGS_END,
};

/* notify_lead = true is one incident; an hour is the window unless told. */
static void policy_category_alert_defaults(Category *c) {
        if (c->notify_lead && c->notify_lead_after == 0)
                c->notify_lead_after = 1;
        c->notify_lead = c->notify_lead_after > 0;
        if (c->notify_lead_within == 0)
                c->notify_lead_within = USEC_PER_HOUR;
}

/* Names are unique; the label defaults to the name. */
static int policy_check_category(PolicyParser *p, const config_setting_t *e, void *array, size_t i) {
        const config_setting_t *list = config_setting_parent(e);
        Category *l = array, *c = &l[i];

        for (size_t j = 0; j < i; j++)
                if (streq(l[j].name, c->name))
                        return policy_setting_error(p, config_setting_get_member(e, "name"),
                                                    _("duplicate category \"%s\" (first at line %u)"), c->name,
                                                    config_setting_source_line(config_setting_get_elem(list, j)));

        if (c->notify_lead && c->notify_lead_after > 1)
                return policy_setting_error(p, config_setting_get_member(e, "notify_lead"),
                                            _("notify_lead = true alerts at every incident, notify_lead_after = %u "
                                                 "only at %u within notify_lead_within: give one of them"),
                                            c->notify_lead_after, c->notify_lead_after);
        if (c->notify_lead_after == 0 && !c->notify_lead && config_setting_get_member(e, "notify_lead_within"))
                return policy_setting_error(p, config_setting_get_member(e, "notify_lead_within"),
                                            _("notify_lead_within needs notify_lead or notify_lead_after"));
        policy_category_alert_defaults(c);
        return c->label ? 0 : strdup_to(&c->label, c->name);
}

static const PolicyList policy_category_list = {
        .settings = policy_category_settings,
        .size = sizeof(Category),
        .expected_list = N_("expected a list ( { name = …; }, … ) of categories"),
        .expected_group = N_("expected a category { name = …; }"),
        .check = policy_check_category,
};

/* The call-record detectors report these, so a policy must define them. */
static const char * const policy_required_categories[] = { "prolonged_call", "repeat_caller" };

static int policy_parse_categories(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                   void *base) {
        Policy *policy = p->policy;
        int r;

        r = policy_parse_list(p, s, &policy_category_list, (void **) &policy->categories, &policy->n_categories);
        if (r < 0)
                return r;

        for (size_t i = 0; i < ELEMENTSOF(policy_required_categories); i++)
                if (!policy_find_category(policy, policy_required_categories[i]))
                        return policy_setting_error(p, s, _("missing category \"%s\" (the call-record detectors need "
                                                       "prolonged_call and repeat_caller)"),
                                                    policy_required_categories[i]);

        return 0;
}

/* ---- statutory rules ---- */

static const PolicySetting policy_tier_settings[] = {
        SETTING("name",        policy_parse_identifier, offsetof(StatutoryTier, name)),
        SETTING("more_than",   policy_parse_duration,   offsetof(StatutoryTier, more_than), .required = true),
        SETTING("total",       policy_parse_duration,   offsetof(StatutoryTier, total), .required = true),
        SETTING("blocks",      policy_parse_count,      offsetof(StatutoryTier, blocks), .min = 1),
        SETTING("min_block",   policy_parse_duration,   offsetof(StatutoryTier, min_block)),
        SETTING("earliest",    policy_parse_duration,   offsetof(StatutoryTier, earliest)),
        SETTING("latest",      policy_parse_duration,   offsetof(StatutoryTier, latest), .min = 1),
        SETTING("max_stretch", policy_parse_duration,   offsetof(StatutoryTier, max_stretch), .min = 1),
        SETTINGS_END,
};

static void policy_tiers_free(StatutoryTier *t, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(t[i].name);
        free(t);
}

/* The previous tier of the same rule (same name) before t in tiers, or NULL. */
static const StatutoryTier *policy_tier_previous(const StatutoryTier *tiers, const StatutoryTier *t) {
        for (const StatutoryTier *q = t; q > tiers; q--)
                if (streq_ptr(q[-1].name, t->name))
                        return q - 1;
        return NULL;
}

/* Each tier of a rule asks more than the one before it; a tier asks for
 * some break time or a longest work stretch. */
static int policy_check_tier(PolicyParser *p, const config_setting_t *e, void *array, size_t i) {
        const StatutoryTier *t = (const StatutoryTier *) array + i, *prev = policy_tier_previous(array, t);
        char buf[DURATION_MAX];

        if (t->total == 0 && t->max_stretch == 0)
                return policy_setting_error(p, config_setting_get_member(e, "total"),
                                            _("expected a duration longer than 0 (or a max_stretch)"));
        if (prev && t->more_than <= prev->more_than)
                return policy_setting_error(p, config_setting_get_member(e, "more_than"),
                                            _("expected more than the previous rule's %s"),
                                            duration_format(prev->more_than, buf, sizeof buf));
        if (prev && t->total < prev->total)
                return policy_setting_error(p, config_setting_get_member(e, "total"),
                                            _("expected at least the previous rule's %s"),
                                            duration_format(prev->total, buf, sizeof buf));
        if (t->blocks > 0 && t->total / t->blocks < USEC_PER_MINUTE)
                return policy_setting_error(p, config_setting_get_member(e, "blocks"),
                                            _("expected blocks of at least a minute each"));
        return 0;
}

static const PolicyList policy_tier_list = {
        .settings = policy_tier_settings,
        .size = sizeof(StatutoryTier),
        .expected_list = N_("expected a list ( { more_than = …; total = …; }, … ) of rules"),
        .expected_group = N_("expected a rule { more_than = …; total = …; }"),
        .check = policy_check_tier,
};

static int policy_parse_tiers(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        Statutory *st = &p->policy->statutory;

        return policy_parse_list(p, s, &policy_tier_list, (void **) &st->tiers, &st->n_tiers);
}

/* ---- coverage bands ---- */

/* "HH:MM" as minutes after midnight, 00:00–24:00. */
static int policy_parse_clock(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        const char *v = policy_setting_string_or_null(s);
        unsigned h, m;
        int n = 0;

        if (!v || sscanf(v, "%2u:%2u%n", &h, &m, &n) != 2 || v[n] != '\0' || m > 59 || h * 60 + m > 24 * 60)
                return policy_setting_error(p, s, _("expected a local time \"HH:MM\" such as \"09:00\""));

        *FIELD(base, spec, unsigned) = h * 60 + m;
        return 0;
}

static int policy_parse_team(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        if (config_setting_type(s) != CONFIG_TYPE_STRING || isempty(config_setting_get_string(s)))
                return policy_setting_error(p, s, _("expected a team name, or \"*\" for every team"));

        return strdup_to(FIELD(base, spec, char *), config_setting_get_string(s));
}

static const PolicySetting policy_band_settings[] = {
        SETTING("team",    policy_parse_team,  offsetof(CoverageBand, team), .required = true),
        SETTING("from",    policy_parse_clock, offsetof(CoverageBand, from), .required = true),
        SETTING("to",      policy_parse_clock, offsetof(CoverageBand, to), .required = true),
        SETTING("minimum", policy_parse_count, offsetof(CoverageBand, minimum), .required = true),
        SETTINGS_END,
};

static void policy_bands_free(CoverageBand *b, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(b[i].team);
        free(b);
}

static const PolicyList policy_band_list = {
        .settings = policy_band_settings,
        .size = sizeof(CoverageBand),
        .expected_list = N_("expected a list ( { team = …; from = …; to = …; minimum = …; }, … )"),
        .expected_group = N_("expected a band { team = …; from = …; to = …; minimum = …; }"),
};

static int policy_parse_bands(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        Policy *policy = p->policy;

        return policy_parse_list(p, s, &policy_band_list, (void **) &policy->coverage.bands,
                                 &policy->coverage.n_bands);
}

/* ---- feeds: files and HTTP ---- */

/* "HOST:PORT", "[IPV6]:PORT" (port 0: any free one), or "" for no HTTP.
 * The host is resolved when respited starts listening (http_server_new()). */
static int policy_parse_listen(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        const char *v, *colon, *port;
        char *end;
        unsigned long n;

        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return policy_setting_error(p, s, _("expected an address such as \"127.0.0.1:8080\" or \"\""));

        v = config_setting_get_string(s);
        if (!isempty(v)) {
                if (v[0] == '[') {
                        colon = strchr(v, ']');
                        colon = colon && colon > v + 1 && colon[1] == ':' ? colon + 1 : NULL;
                } else {
                        colon = strchr(v, ':');
                        colon = colon && colon > v && !strchr(colon + 1, ':') ? colon : NULL;
                }
                port = colon ? colon + 1 : "";
                errno = 0;
                n = strtoul(port, &end, 10);
                if (!colon || *port < '0' || *port > '9' || *end || errno != 0 || n > 65535)
                        return policy_setting_error(p, s, _("expected HOST:PORT such as \"127.0.0.1:8080\" or "
                                                       "\"[::1]:8080\", or \"\" for no HTTP, got \"%s\""), v);
        }
        return strdup_to(FIELD(base, spec, char *), v);
}

/* An http:// or https:// URL without query or fragment; trailing slashes go. */
static int policy_parse_base_url(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                 void *base) {
        char **field = FIELD(base, spec, char *);
        const char *v, *host;
        size_t n;

        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return policy_setting_error(p, s,
                                            _("expected a URL such as \"https://calendar.example.com/respite\""));

        v = config_setting_get_string(s);
        host = strncmp(v, "https://", 8) == 0 ? v + 8 : strncmp(v, "http://", 7) == 0 ? v + 7 : NULL;
        if (!host || isempty(host) || host[0] == '/' || strpbrk(v, "?# \t\r\n\"<>\\"))
                return policy_setting_error(p, s, _("expected an http:// or https:// URL without query, such as "
                                               "\"https://calendar.example.com/respite\", got \"%s\""), v);
        n = strlen(v);
        while (n > 0 && v[n - 1] == '/')
                n--;
        free(*field);
        *field = strndup(v, n);
        return *field ? 0 : -ENOMEM;
}

/* ---- the top-level groups ---- */

#define P(field) offsetof(Policy, field)

static const PolicySetting policy_site_settings[] = {
        SETTING("timezone", policy_parse_zone, P(timezone)),
        SETTING("language", policy_parse_language, P(language)),
        SETTINGS_END,
};

static const PolicySetting policy_statutory_settings[] = {
        SETTING("name",            policy_parse_string,   P(statutory.name)),
        SETTING("source",          policy_parse_string,   P(statutory.source)),
        SETTING("source_",         policy_parse_translation, P(statutory.sources), .prefix = true),
        SETTING("rules",           policy_parse_tiers,    0),
        SETTING("min_block",       policy_parse_duration, P(statutory.min_block)),
        SETTING("edge_margin",     policy_parse_duration, P(statutory.edge_margin)),
        SETTING("recovery_counts", policy_parse_bool,     P(statutory.recovery_counts)),
        SETTING("pauses_count",    policy_parse_bool,     P(statutory.pauses_count)),
        SETTINGS_END,
};

static const PolicySetting policy_accumulation_settings[] = {
        SETTING("window",    policy_parse_duration, P(accumulation.window), .min = 1),
        SETTING("threshold", policy_parse_count,    P(accumulation.threshold), .min = 1),
        SETTING("break",     policy_parse_duration, P(accumulation.length), .min = 1),
        SETTING("max_delay", policy_parse_duration, P(accumulation.max_delay)),
        SETTINGS_END,
};

static const PolicySetting policy_calls_settings[] = {
        SETTING("prolonged_points_after", policy_parse_duration, P(prolonged.points_after), .min = 1),
        SETTING("prolonged_break_after",  policy_parse_duration, P(prolonged.break_after), .min = 1),
        SETTING("prolonged_break",        policy_parse_duration, P(prolonged.length), .min = 1),
        SETTING("repeat_caller_calls",    policy_parse_count,    P(repeat_caller.calls), .min = 2),
        SETTINGS_END,
};

static const PolicySetting policy_planning_settings[] = {
        SETTING("split_shift_gap", policy_parse_duration, P(split_shift_gap)),
        SETTING("merge_margin",    policy_parse_duration, P(merge_margin)),
        SETTING("step",            policy_parse_duration, P(step), .min = 1),
        SETTING("search_steps",    policy_parse_count,    P(search_steps)),
        SETTINGS_END,
};

static const PolicySetting policy_coverage_settings[] = {
        SETTING("interval",      policy_parse_duration, P(coverage.interval), .min = USEC_PER_MINUTE),
        SETTING("from_calls",    policy_parse_bool,     P(coverage.from_calls)),
        SETTING("service_level", policy_parse_percent,  P(coverage.service_level), .min = 1),
        SETTING("answer_within", policy_parse_duration, P(coverage.answer_within)),
        SETTING("shrinkage",     policy_parse_percent,  P(coverage.shrinkage)),
        SETTING("bands",         policy_parse_bands,    0),
        SETTINGS_END,
};

static const PolicySetting policy_feeds_settings[] = {
        SETTING("directory",              policy_parse_path,     P(feed_dir)),
        SETTING("listen",                 policy_parse_listen,   P(feeds.listen)),
        SETTING("base_url",               policy_parse_base_url, P(feeds.base_url)),
        SETTING("refresh_interval",       policy_parse_duration, P(feeds.refresh), .min = USEC_PER_MINUTE),
        SETTING("alarm_before",           policy_parse_duration, P(feeds.alarm_before)),
        SETTING("shift_events",           policy_parse_bool,     P(feeds.shift_events)),
        SETTING("window_back",            policy_parse_duration, P(feeds.window_back)),
        SETTING("window_ahead",           policy_parse_duration, P(feeds.window_ahead), .min = USEC_PER_HOUR),
        SETTING("max_connections",        policy_parse_count,    P(feeds.max_connections), .min = 1),
        SETTING("max_connections_per_ip", policy_parse_count,    P(feeds.max_connections_per_ip), .min = 1),
        SETTING("connection_timeout",     policy_parse_duration, P(feeds.connection_timeout), .min = USEC_PER_SEC),
        SETTING("request_timeout",        policy_parse_duration, P(feeds.request_timeout), .min = USEC_PER_SEC),
        SETTINGS_END,
};

static const PolicySetting policy_incidents_settings[] = {
        SETTING("retention_days", policy_parse_count, P(incidents.retention_days), .min = 1),
        SETTING("spool",          policy_parse_path,  P(incidents.spool)),
        SETTINGS_END,
};

static int policy_parse_escalate_to(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                    void *base) {
        AccessMap *m = &p->policy->access;

        return policy_parse_principals(p, s, &m->escalate_to, &m->n_escalate_to);
}

static const PolicySetting policy_alerts_settings[] = {
        SETTING("escalate_after", policy_parse_duration,   P(alerts.escalate_after), .min = USEC_PER_SEC),
        SETTING("escalate_to",    policy_parse_escalate_to, 0),
        SETTINGS_END,
};

static const PolicySetting policy_settings[] = {
        GROUP("site", policy_site_settings),
        GROUP("statutory", policy_statutory_settings),
        SETTING("categories", policy_parse_categories, 0),
        GROUP("accumulation", policy_accumulation_settings),
        GROUP("calls", policy_calls_settings),
        GROUP("planning", policy_planning_settings),
        GROUP("coverage", policy_coverage_settings),
        GROUP("sources", policy_sources_settings),
        GROUP("feeds", policy_feeds_settings),
        GROUP("incidents", policy_incidents_settings),
        GROUP("alerts", policy_alerts_settings),
        GROUP("access", policy_access_settings),
        GROUP("actions", policy_actions_settings),
        SETTINGS_END,
};

/* ---- defaults ---- */

/* The types follow the Japanese MHLW customer-harassment manual (2022); the
 * recoveries and points are respite's design choices. The labels are
 * translated where they are read (category_label()). */
static const Category policy_default_categories[] = {
        { (char *) "verbal_abuse",        (char *) N_("an abusive call"),                0, 10 * USEC_PER_MINUTE, false, 0, 0, {} },
        { (char *) "threat",              (char *) N_("a threatening call"),             0, 20 * USEC_PER_MINUTE, true, 0, 0, {} },
        { (char *) "sexual_harassment",   (char *) N_("sexual harassment"),              0, 15 * USEC_PER_MINUTE, true, 0, 0, {} },
        { (char *) "unreasonable_demand", (char *) N_("unreasonable demands"),           4, 0, false, 0, 0, {} },
        { (char *) "prolonged_call",      (char *) N_("a very long call"),               2, 0, false, 0, 0, {} },
        { (char *) "repeat_caller",       (char *) N_("a caller who kept calling back"), 4, 0, false, 0, 0, {} },
        { (char *) "other",               (char *) N_("a difficult call"),               2, 0, false, 0, 0, {} },
};

static int policy_set_default_categories(Policy *p) {
        p->categories = calloc(ELEMENTSOF(policy_default_categories), sizeof(Category));
        if (!p->categories)
                return -ENOMEM;

        for (size_t i = 0; i < ELEMENTSOF(policy_default_categories); i++) {
                Category *c = &p->categories[p->n_categories++];

                *c = policy_default_categories[i];
                c->name = strdup(policy_default_categories[i].name);
                c->label = strdup(policy_default_categories[i].label);
                if (!c->name || !c->label)
                        return -ENOMEM;
                policy_category_alert_defaults(c);
        }
        return 0;
}

#define DEFAULT_RETENTION_DAYS 180

static int policy_new_default(Policy **ret) {
        _cleanup_(policy_freep) Policy *p = NULL;

        p = calloc(1, sizeof(Policy));
        if (!p)
                return -ENOMEM;

        p->timezone = strdup("UTC");
        p->statutory.name = strdup("none");
        p->statutory.source = strdup("");
        if (!p->timezone || !p->statutory.name || !p->statutory.source)
                return -ENOMEM;
        p->statutory.edge_margin = USEC_PER_HOUR;

        p->accumulation.window = 60 * USEC_PER_MINUTE;
        p->accumulation.threshold = 6;
        p->accumulation.length = 10 * USEC_PER_MINUTE;
        p->accumulation.max_delay = 15 * USEC_PER_MINUTE;

        p->prolonged.points_after = 30 * USEC_PER_MINUTE;
        p->prolonged.break_after = 60 * USEC_PER_MINUTE;
        p->prolonged.length = 10 * USEC_PER_MINUTE;
        p->repeat_caller.calls = 3;

        p->split_shift_gap = 2 * USEC_PER_HOUR;
        p->merge_margin = 15 * USEC_PER_MINUTE;
        p->search_steps = 50000;
        p->step = 5 * USEC_PER_MINUTE;

        /* The common contact-centre target: 80 % of calls answered within 20 s. */
        p->coverage.interval = 30 * USEC_PER_MINUTE;
        p->coverage.service_level = 80;
        p->coverage.answer_within = 20 * USEC_PER_SEC;
        p->incidents.retention_days = DEFAULT_RETENTION_DAYS;
        p->sources_max_size = POLICY_SOURCES_MAX_SIZE;
        p->alerts.escalate_after = 5 * USEC_PER_MINUTE;

        /* 7 days back and 14 ahead keep a feed well under the ~1 MB at which
         * Google Calendar drops a subscription. */
        p->feeds.listen = strdup("127.0.0.1:8080");
        if (!p->feeds.listen)
                return -ENOMEM;
        p->feeds.refresh = 15 * USEC_PER_MINUTE;
        p->feeds.shift_events = true;
        p->feeds.window_back = 7 * USEC_PER_DAY;
        p->feeds.window_ahead = 14 * USEC_PER_DAY;
        p->feeds.max_connections = 4096;
        p->feeds.max_connections_per_ip = 64;
        p->feeds.connection_timeout = 15 * USEC_PER_SEC;
        p->feeds.request_timeout = 5 * USEC_PER_SEC;
        action_settings_done(&p->actions);      /* the defaults */

        *ret = TAKE_PTR(p);
        return 0;
}

/* ---- loading ---- */

static void policy_config_destroyp(config_t *c) {
        config_destroy(c);
}

/* Parse the configuration read into c. */
static int policy_from_config(PolicyParser *p, const config_t *c, Policy **ret) {
        _cleanup_(policy_freep) Policy *policy = NULL;
        int r;

        r = policy_new_default(&policy);
        if (r < 0)
                return r;
        p->policy = policy;

        r = policy_parse_members(p, config_root_setting(c), policy_settings, policy);
        if (r < 0)
                return r;

        if (!policy->categories) {
                r = policy_set_default_categories(policy);
                if (r < 0)
                        return r;
        }
        /* Where the site names its language, for policy_languages_check(). */
        if (policy->language) {
                const config_setting_t *s = config_lookup(c, "site.language");

                if (s && policy_setting_location(p, s, &policy->language_at) < 0)
                        return -ENOMEM;
        }
        /* The language of the daemon's locale unless the site names one. */
        if (!policy->language) {
                r = i18n_language_from_environment(&policy->language);
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(policy);
        return 0;
}

int policy_load(const char *path, Policy **ret, char **ret_error) {
        _cleanup_(policy_config_destroyp) config_t c = {};
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_(freep) char *dir = NULL;
        _cleanup_(policy_freep) Policy *policy = NULL;
        PolicyParser p = { .name = path, .error = ret_error };
        const char *slash;
        int r;

        config_init(&c);
        if (ret_error)
                *ret_error = NULL;

        slash = strrchr(path, '/');
        if (slash) {
                dir = slash == path ? strdup("/") : strndup(path, slash - path);
                if (!dir)
                        return -ENOMEM;
        }
        p.dir = dir;

        if (dir)        /* libconfig 1.5 crashes on NULL */
                config_set_include_dir(&c, dir);

        r = policy_check_file(&p, path);
        if (r < 0)
                return r;

        /* config_read_file() would open the file without O_CLOEXEC. */
        f = fopen(path, "re");
        if (!f) {
                r = -errno;
                (void) policy_file_error(&p, path, 0, "%s", strerror(-r));
                return r;
        }
        if (config_read(&c, f) != CONFIG_TRUE)
                return policy_config_failed(&p, &c);

        r = policy_from_config(&p, &c, &policy);
        if (r < 0)
                return r;

        policy->path = strdup(path);
        if (!policy->path)
                return -ENOMEM;

        *ret = TAKE_PTR(policy);
        return 0;
}

int policy_load_string(const char *text, const char *include_dir, Policy **ret, char **ret_error) {
        _cleanup_(policy_config_destroyp) config_t c = {};
        PolicyParser p = { .name = "<string>", .dir = include_dir, .error = ret_error };

        if (ret_error)
                *ret_error = NULL;

        config_init(&c);
        if (include_dir)
                config_set_include_dir(&c, include_dir);

        if (config_read_string(&c, text) != CONFIG_TRUE)
                return policy_config_failed(&p, &c);

        return policy_from_config(&p, &c, ret);
}

const Category *policy_find_category(const Policy *p, const char *name) {
        for (size_t i = 0; i < p->n_categories; i++)
                if (streq(p->categories[i].name, name))
                        return &p->categories[i];
        return NULL;
}

char *policy_category_names(const Policy *p) {
        char *s = NULL;
        size_t size = 0;
        FILE *f;

        f = open_memstream(&s, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; i < p->n_categories; i++)
                fprintf(f, "%s%s", i > 0 ? ", " : "", p->categories[i].name);
        if (fclose(f) != 0)
                return mfree(s);
        return s;
}

Policy *policy_free(Policy *p) {
        if (!p)
                return NULL;

        free(p->path);
        free(p->timezone);
        free(p->statutory.name);
        free(p->statutory.source);
        translations_done(&p->statutory.sources);
        free(p->language);
        free(p->language_at);
        policy_tiers_free(p->statutory.tiers, p->statutory.n_tiers);
        policy_bands_free(p->coverage.bands, p->coverage.n_bands);
        policy_categories_free(p->categories, p->n_categories);
        strv_free(p->rosters);
        strv_free(p->calls);
        free_array(p->sources, p->n_sources, policy_source_options_done);
        free(p->feed_dir);
        free(p->feeds.listen);
        free(p->feeds.base_url);
        free(p->incidents.spool);
        policy_access_map_done(&p->access);
        action_settings_done(&p->actions);
        return mfree(p);
}
