/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/policy.h"
#include "shared/i18n.h"
#include "test-helpers.h"

/* Tests run from the repository root. The shipped policy is a live site's
 * (installed as /etc/respite/respite.conf); the demo is the bank's day that
 * `make run` replays. */
#define SHIPPED_CONF "conf/respite.conf"
#define DEMO_CONF "conf/demo.conf"

static void test_policy_assert_category(const Policy *p, const char *name, const char *label,
                                        unsigned points, usec_t recovery, bool notify_lead) {
        const Category *c = policy_find_category(p, name);

        assert_non_null(c);
        assert_string_equal(c->label, label);
        assert_int_equal(c->points, points);
        assert_int_equal(c->recovery, recovery);
        assert_int_equal(c->notify_lead, notify_lead);
}

/* The default categories, which the shipped file gives again. */
static void test_policy_assert_default_categories(const Policy *p) {
        assert_int_equal(p->n_categories, 7);
        assert_string_equal(p->categories[0].name, "verbal_abuse");
        test_policy_assert_category(p, "verbal_abuse", "an abusive call", 0, 10 * USEC_PER_MINUTE, false);
        test_policy_assert_category(p, "threat", "a threatening call", 0, 20 * USEC_PER_MINUTE, true);
        test_policy_assert_category(p, "sexual_harassment", "sexual harassment", 0, 15 * USEC_PER_MINUTE, true);
        test_policy_assert_category(p, "unreasonable_demand", "unreasonable demands", 4, 0, false);
        test_policy_assert_category(p, "prolonged_call", "a very long call", 2, 0, false);
        test_policy_assert_category(p, "repeat_caller", "a caller who kept calling back", 4, 0, false);
        test_policy_assert_category(p, "other", "a difficult call", 2, 0, false);
        assert_null(policy_find_category(p, "nonsense"));
}

static void test_policy_assert_default_numbers(const Policy *p) {
        assert_int_equal(p->accumulation.window, 60 * USEC_PER_MINUTE);
        assert_int_equal(p->accumulation.threshold, 6);
        assert_int_equal(p->accumulation.length, 10 * USEC_PER_MINUTE);
        assert_int_equal(p->accumulation.max_delay, 15 * USEC_PER_MINUTE);
        assert_int_equal(p->prolonged.points_after, 30 * USEC_PER_MINUTE);
        assert_int_equal(p->prolonged.break_after, 60 * USEC_PER_MINUTE);
        assert_int_equal(p->prolonged.length, 10 * USEC_PER_MINUTE);
        assert_int_equal(p->repeat_caller.calls, 3);
        assert_int_equal(p->split_shift_gap, 2 * USEC_PER_HOUR);
        assert_int_equal(p->merge_margin, 15 * USEC_PER_MINUTE);
        assert_int_equal(p->step, 5 * USEC_PER_MINUTE);
}

/* Japan, art. 34(1): > 6 h → 45 min, > 8 h → 60 min. */
static void test_policy_assert_jp(const Statutory *s) {
        assert_string_equal(s->name, "jp");
        assert_non_null(strstr(s->source, "art. 34(1)"));
        assert_int_equal(s->n_tiers, 2);
        assert_int_equal(s->tiers[0].more_than, 6 * USEC_PER_HOUR);
        assert_int_equal(s->tiers[0].total, 45 * USEC_PER_MINUTE);
        assert_int_equal(s->tiers[1].more_than, 8 * USEC_PER_HOUR);
        assert_int_equal(s->tiers[1].total, 60 * USEC_PER_MINUTE);
        assert_int_equal(s->min_block, 0);
        assert_int_equal(s->edge_margin, USEC_PER_HOUR);
        assert_false(s->recovery_counts);
        assert_true(s->pauses_count);          /* art. 34(1), (3): time off work */
}

static void test_policy_demo(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(policy_load(DEMO_CONF, &p, &error), 0);
        assert_null(error);

        assert_string_equal(p->path, DEMO_CONF);
        assert_string_equal(p->timezone, "Asia/Jerusalem");
        test_policy_assert_jp(&p->statutory);
        test_policy_assert_default_categories(p);
        test_policy_assert_default_numbers(p);

        assert_int_equal(strv_length(p->rosters), 1);
        assert_string_equal(p->rosters[0], "conf/examples/anonbank-1999-01-04-roster.csv");
        assert_int_equal(strv_length(p->calls), 1);
        assert_string_equal(p->calls[0], "conf/examples/anonbank-1999-01-04-calls.csv");
        assert_null(p->feed_dir);

        /* The sources it names ship with it. */
        assert_int_equal(access(p->rosters[0], R_OK), 0);
        assert_int_equal(access(p->calls[0], R_OK), 0);
}

/* The live site's policy: the same categories and numbers as the demo, the
 * roster next to it (/etc/respite/roster.csv once installed), no call
 * records until the site names them, feeds in the state directory. */
static void test_policy_shipped(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(policy_load(SHIPPED_CONF, &p, &error), 0);
        assert_null(error);

        assert_string_equal(p->path, SHIPPED_CONF);
        assert_string_equal(p->timezone, "Asia/Tokyo");
        test_policy_assert_jp(&p->statutory);
        test_policy_assert_default_categories(p);
        test_policy_assert_default_numbers(p);

        assert_int_equal(strv_length(p->rosters), 1);
        assert_string_equal(p->rosters[0], "conf/roster.csv");
        assert_null(p->calls);
        assert_string_equal(p->feed_dir, "/var/lib/respite/feeds");
        /* Every category speaks Japanese, and the preset names the law in it. */
        for (size_t i = 0; i < p->n_categories; i++)
                assert_ptr_not_equal(translations_get(&p->categories[i].labels, "ja", NULL), NULL);
        assert_string_equal(translations_get(&p->categories[1].labels, "ja_JP", NULL), "脅迫的な電話");
        assert_string_equal(translations_get(&p->statutory.sources, "ja", NULL),
                            "労働基準法第34条第1項、労働基準法施行規則第31条");
}

/* site.language and label_LANGUAGE: a text per language, the language's
 * own before its base ("pt_BR", "pt"), English otherwise; bad ones named. */
static void test_policy_languages(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;
        const Category *c;

        assert_int_equal(policy_load_string("site = { language = \"pt_BR\"; };\n"
                                            "categories = ( { name = \"threat\"; label = \"a threat\";\n"
                                            "  label_pt = \"uma ameaça\"; label_pt_BR = \"uma ameaça (BR)\"; },\n"
                                            "  { name = \"prolonged_call\"; }, { name = \"repeat_caller\"; } );\n",
                                            NULL, &p, &error), 0);
        assert_string_equal(p->language, "pt_BR");
        c = policy_find_category(p, "threat");
        assert_string_equal(translations_get(&c->labels, "pt_BR", c->label), "uma ameaça (BR)");
        assert_string_equal(translations_get(&c->labels, "pt_PT", c->label), "uma ameaça");
        assert_string_equal(translations_get(&c->labels, "ja", c->label), "a threat");
        assert_string_equal(translations_get(&c->labels, NULL, c->label), "a threat");
        p = policy_free(p);

        assert_int_equal(policy_load_string("site = { language = \"Japanese\"; };\n", NULL, &p, &error), -EINVAL);
        assert_string_equal(error, "<string>:1: site.language: expected a language such as \"ja\" or \"pt_BR\" "
                                   "in double quotes");
        error = mfree(error);
        assert_int_equal(policy_load_string("categories = ( { name = \"x\"; label_ja = \"a\"; label_ja = \"b\"; } );\n",
                                            NULL, &p, &error), -EINVAL);
        assert_non_null(error);
        error = mfree(error);
        assert_int_equal(policy_load_string("categories = ( { name = \"x\"; label_j = \"a\"; } );\n",
                                            NULL, &p, &error), -EINVAL);
        assert_non_null(strstr(error, "categories[0].label_j: expected label_LANGUAGE with a language"));
}

/* conf/examples/kr-osh41.conf: South Korea's statutory breaks from the kr
 * preset (included from the examples directory, as when installed) and,
 * after the Occupational Safety and Health Act art. 41, a recovery break at
 * once with the team lead told for every kind of abuse. */
static void test_policy_example_kr_osh41(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(policy_load("conf/examples/kr-osh41.conf", &p, &error), 0);
        assert_null(error);

        assert_string_equal(p->timezone, "Asia/Seoul");
        assert_string_equal(p->statutory.name, "kr");
        assert_non_null(strstr(p->statutory.source, "art. 54(1)"));
        assert_int_equal(p->statutory.n_tiers, 5);
        assert_int_equal(p->statutory.tiers[0].more_than, 3 * USEC_PER_HOUR + 59 * USEC_PER_MINUTE);
        assert_int_equal(p->statutory.tiers[0].total, 30 * USEC_PER_MINUTE);
        assert_int_equal(p->statutory.tiers[1].more_than, 7 * USEC_PER_HOUR + 59 * USEC_PER_MINUTE);
        assert_int_equal(p->statutory.tiers[1].total, 60 * USEC_PER_MINUTE);
        assert_false(p->statutory.recovery_counts);     /* the break is extended, not replaced */
        assert_false(p->statutory.pauses_count);

        assert_int_equal(p->n_categories, 7);
        test_policy_assert_category(p, "verbal_abuse", "an abusive call", 0, 10 * USEC_PER_MINUTE, true);
        test_policy_assert_category(p, "threat", "a threatening call", 0, 20 * USEC_PER_MINUTE, true);
        test_policy_assert_category(p, "sexual_harassment", "sexual harassment", 0, 15 * USEC_PER_MINUTE, true);
        test_policy_assert_category(p, "prolonged_call", "a very long call", 2, 0, false);
        test_policy_assert_category(p, "repeat_caller", "a caller who kept calling back", 4, 0, false);
        /* Every category that stops the work at once tells the lead. */
        for (size_t i = 0; i < p->n_categories; i++)
                if (p->categories[i].recovery > 0)
                        assert_true(p->categories[i].notify_lead);

        /* No sources: it names none, and the rest is respite's defaults. */
        assert_null(p->rosters);
        assert_null(p->calls);
        test_policy_assert_default_numbers(p);
}

static void test_policy_defaults(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(policy_load_string("", NULL, &p, &error), 0);
        assert_null(error);

        assert_null(p->path);
        assert_string_equal(p->timezone, "UTC");
        assert_string_equal(p->statutory.name, "none");
        assert_int_equal(p->statutory.n_tiers, 0);
        assert_int_equal(p->statutory.edge_margin, USEC_PER_HOUR);
        assert_false(p->statutory.recovery_counts);
        assert_false(p->statutory.pauses_count);
        test_policy_assert_default_categories(p);
        test_policy_assert_default_numbers(p);
        assert_null(p->rosters);
        assert_null(p->calls);
        assert_null(p->feed_dir);
}

static void test_policy_values(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;
        const char *text =
                "site = { timezone = \"Asia/Tokyo\"; };\n"
                "statutory = { name = \"de\"; source = \"ArbZG §4\";\n"
                "  rules = ( { more_than = \"6h\"; total = \"30min\"; },\n"
                "            { more_than = \"9h\"; total = \"45min\"; } );\n"
                "  min_block = \"15min\"; edge_margin = \"0min\"; recovery_counts = true;\n"
                "  pauses_count = true; };\n"
                "categories = (\n"
                "  { name = \"prolonged_call\"; points = 3; notify_lead_after = 3; notify_lead_within = \"30min\"; },\n"
                "  { name = \"repeat_caller\"; label = \"a repeat caller\"; recovery = \"5min\"; notify_lead = true; }\n"
                ");\n"
                "alerts = { escalate_after = \"10min\"; escalate_to = [ \"root\", \"@root\" ]; };\n"
                "accumulation = { window = \"1h 30min\"; threshold = 10; break = \"15min\"; max_delay = \"0min\"; };\n"
                "calls = { prolonged_points_after = \"20min\"; prolonged_break_after = \"45min\";\n"
                "          prolonged_break = \"20min\"; repeat_caller_calls = 4; };\n"
                "planning = { split_shift_gap = \"90min\"; merge_margin = \"0min\"; step = \"1min\"; };\n"
                "sources = { rosters = [ \"r1.csv\", \"/abs/r2.csv\" ]; calls = [ \"c.csv\" ]; };\n"
                "feeds = { directory = \"/var/lib/respite/feeds\"; };\n";

        assert_int_equal(policy_load_string(text, "/etc/respite", &p, &error), 0);
        assert_null(error);

        assert_string_equal(p->timezone, "Asia/Tokyo");
        assert_string_equal(p->statutory.name, "de");
        assert_string_equal(p->statutory.source, "ArbZG §4");
        assert_int_equal(p->statutory.n_tiers, 2);
        assert_int_equal(p->statutory.tiers[1].more_than, 9 * USEC_PER_HOUR);
        assert_int_equal(p->statutory.tiers[1].total, 45 * USEC_PER_MINUTE);
        assert_int_equal(p->statutory.min_block, 15 * USEC_PER_MINUTE);
        assert_int_equal(p->statutory.edge_margin, 0);
        assert_true(p->statutory.recovery_counts);
        assert_true(p->statutory.pauses_count);

        /* Given categories replace the defaults; the label defaults to the name. */
        assert_int_equal(p->n_categories, 2);
        test_policy_assert_category(p, "prolonged_call", "prolonged_call", 3, 0, true);
        test_policy_assert_category(p, "repeat_caller", "a repeat caller", 0, 5 * USEC_PER_MINUTE, true);
        /* Lead alerts: the third within 30 min; notify_lead = true is the first within an hour. */
        assert_int_equal(policy_find_category(p, "prolonged_call")->notify_lead_after, 3);
        assert_int_equal(policy_find_category(p, "prolonged_call")->notify_lead_within, 30 * USEC_PER_MINUTE);
        assert_int_equal(policy_find_category(p, "repeat_caller")->notify_lead_after, 1);
        assert_int_equal(policy_find_category(p, "repeat_caller")->notify_lead_within, USEC_PER_HOUR);
        assert_int_equal(p->alerts.escalate_after, 10 * USEC_PER_MINUTE);
        assert_int_equal(p->access.n_escalate_to, 2);
        assert_false(p->access.escalate_to[0].group);
        assert_true(p->access.escalate_to[1].group);
        assert_null(policy_find_category(p, "threat"));

        assert_int_equal(p->accumulation.window, 90 * USEC_PER_MINUTE);
        assert_int_equal(p->accumulation.threshold, 10);
        assert_int_equal(p->accumulation.length, 15 * USEC_PER_MINUTE);
        assert_int_equal(p->accumulation.max_delay, 0);
        assert_int_equal(p->prolonged.points_after, 20 * USEC_PER_MINUTE);
        assert_int_equal(p->prolonged.break_after, 45 * USEC_PER_MINUTE);
        assert_int_equal(p->prolonged.length, 20 * USEC_PER_MINUTE);
        assert_int_equal(p->repeat_caller.calls, 4);
        assert_int_equal(p->split_shift_gap, 90 * USEC_PER_MINUTE);
        assert_int_equal(p->merge_margin, 0);
        assert_int_equal(p->step, USEC_PER_MINUTE);

        assert_int_equal(strv_length(p->rosters), 2);
        assert_string_equal(p->rosters[0], "/etc/respite/r1.csv");
        assert_string_equal(p->rosters[1], "/abs/r2.csv");
        assert_string_equal(p->calls[0], "/etc/respite/c.csv");
        assert_string_equal(p->feed_dir, "/var/lib/respite/feeds");
}

static void test_policy_include_preset(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(policy_load_string("@include \"presets/jp.conf\"\n", "conf", &p, &error), 0);
        assert_null(error);
        test_policy_assert_jp(&p->statutory);
        assert_string_equal(p->timezone, "UTC");
}

/* A file elsewhere: includes and sources resolve against its directory. */
static void test_policy_include_file(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(policy_load("tests/fixtures/policy-include.conf", &p, &error), 0);
        assert_null(error);
        test_policy_assert_jp(&p->statutory);
        assert_int_equal(strv_length(p->rosters), 2);
        assert_string_equal(p->rosters[0], "tests/fixtures/roster.csv");
        assert_string_equal(p->rosters[1], "/srv/respite/other.csv");
        assert_string_equal(p->calls[0], "tests/fixtures/calls.csv");
        assert_string_equal(p->feed_dir, "tests/fixtures/feeds");
}

/* Parse text and expect failure with a message containing each of the
 * NULL-terminated fragments. */
static void test_policy_assert_bad(const char *text, ...) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;
        const char *fragment;
        va_list ap;

        assert_int_equal(policy_load_string(text, "conf", &p, &error), -EINVAL);
        assert_null(p);
        assert_non_null(error);

        va_start(ap, text);
        while ((fragment = va_arg(ap, const char *)))
                if (!strstr(error, fragment))
                        fail_msg("message \"%s\" lacks \"%s\"", error, fragment);
        va_end(ap);
}

static void test_policy_typo(void **state) {
        test_policy_assert_bad("site = { timezone = \"UTC\"; };\n"
                               "\n"
                               "categoies = ( );\n",
                               "<string>:3: unknown setting 'categoies', did you mean 'categories'?", NULL);
        /* Nested settings are checked too. */
        test_policy_assert_bad("accumulation = {\n"
                               "        widnow = \"60min\";\n"
                               "};\n",
                               "<string>:2: unknown setting 'accumulation.widnow', did you mean 'accumulation.window'?",
                               NULL);
        test_policy_assert_bad("categories = (\n"
                               "  { name = \"prolonged_call\"; },\n"
                               "  { name = \"repeat_caller\"; pionts = 3; }\n"
                               ");\n",
                               "<string>:3: unknown setting 'categories[1].pionts', "
                               "did you mean 'categories[1].points'?", NULL);
        /* Nothing close: no suggestion. */
        test_policy_assert_bad("\ncolour = \"blue\";\n", "<string>:2: unknown setting 'colour'", NULL);
}

static void test_policy_duration_without_unit(void **state) {
        test_policy_assert_bad("accumulation = {\n"
                               "        window = \"60\";\n"
                               "};\n",
                               "<string>:2: accumulation.window: "
                               "expected a duration with a unit such as \"60min\", got \"60\"", NULL);
        test_policy_assert_bad("\n\nplanning = { step = 5; };\n",
                               "<string>:3: planning.step: expected a duration with a unit", "got 5", NULL);
        test_policy_assert_bad("planning = { step = \"0min\"; };\n",
                               "<string>:1: planning.step:", "longer than 0", NULL);
        test_policy_assert_bad("statutory = {\n"
                               " rules = ( { more_than = \"6h\"; total = \"45 minutes please\"; } );\n"
                               "};\n",
                               "<string>:2: statutory.rules[0].total: expected a duration", NULL);
}

static void test_policy_alert_errors(void **state) {
        test_policy_assert_bad("categories = (\n"
                               "  { name = \"prolonged_call\"; notify_lead_within = \"1h\"; },\n"
                               "  { name = \"repeat_caller\"; }\n"
                               ");\n",
                               "<string>:2: categories[0].notify_lead_within: "
                               "notify_lead_within needs notify_lead or notify_lead_after", NULL);
        test_policy_assert_bad("categories = (\n"
                               "  { name = \"prolonged_call\"; notify_lead = true; notify_lead_after = 3; },\n"
                               "  { name = \"repeat_caller\"; }\n"
                               ");\n",
                               "<string>:2: categories[0].notify_lead: notify_lead = true alerts at every incident, "
                               "notify_lead_after = 3 only at 3 within notify_lead_within: give one of them", NULL);
        test_policy_assert_bad("alerts = { escalate_to = [ \"@no-such-group-here\" ]; };\n",
                               "<string>:1:", "no such group \"no-such-group-here\"", NULL);
        test_policy_assert_bad("alerts = { escalate_after = \"0s\"; };\n", "<string>:1: alerts.escalate_after:", NULL);
}

static void test_policy_unknown_zone(void **state) {
        test_policy_assert_bad("\n\nsite = { timezone = \"Asia/Tokio\"; };\n",
                               "<string>:3: site.timezone: unknown time zone \"Asia/Tokio\"", NULL);
        test_policy_assert_bad("site = { timezone = \"../../etc/passwd\"; };\n", "<string>:1: site.timezone:", NULL);
}

static void test_policy_categories(void **state) {
        test_policy_assert_bad("categories = (\n"
                               "  { name = \"prolonged_call\"; points = 2; },\n"
                               "  { name = \"repeat_caller\"; points = 4; },\n"
                               "  { name = \"prolonged_call\"; points = 3; }\n"
                               ");\n",
                               "<string>:4: categories[2].name: "
                               "duplicate category \"prolonged_call\" (first at line 2)", NULL);
        test_policy_assert_bad("categories = (\n"
                               "  { name = \"threat\"; recovery = \"20min\"; },\n"
                               "  { name = \"repeat_caller\"; points = 4; }\n"
                               ");\n",
                               "<string>:1: categories: missing category \"prolonged_call\"", NULL);
        test_policy_assert_bad("categories = (\n  { label = \"no name\"; }\n);\n",
                               "<string>:2: categories[0]: missing 'name'", NULL);
        test_policy_assert_bad("categories = ( { name = \"Threat!\"; } );\n", "<string>:1: categories[0].name:", NULL);
        test_policy_assert_bad("categories = { name = \"threat\"; };\n",
                               "<string>:1: categories: expected a list", NULL);
}

static void test_policy_numbers(void **state) {
        test_policy_assert_bad("accumulation = { threshold = 0; };\n",
                               "<string>:1: accumulation.threshold: expected a whole number of at least 1, got 0",
                               NULL);
        test_policy_assert_bad("categories = ( { name = \"prolonged_call\"; points = -2; } );\n",
                               "<string>:1: categories[0].points:", "got -2", NULL);
        test_policy_assert_bad("calls = {\n repeat_caller_calls = 1;\n};\n",
                               "<string>:2: calls.repeat_caller_calls:", NULL);
        test_policy_assert_bad("accumulation = { threshold = 2.5; };\n",
                               "<string>:1: accumulation.threshold: expected a whole number", NULL);
}

static void test_policy_types(void **state) {
        test_policy_assert_bad("site = \"UTC\";\n", "<string>:1: site: expected a group", NULL);
        test_policy_assert_bad("statutory = { recovery_counts = \"yes\"; };\n",
                               "<string>:1: statutory.recovery_counts: expected true or false", NULL);
        test_policy_assert_bad("statutory = { pauses_count = 1; };\n",
                               "<string>:1: statutory.pauses_count: expected true or false", NULL);
        test_policy_assert_bad("statutory = { name = jp; };\n", "<string>:1: syntax error", NULL);
        test_policy_assert_bad("sources = { rosters = \"a.csv\"; };\n",
                               "<string>:1: sources.rosters: expected a list", NULL);
        test_policy_assert_bad("feeds = { directory = \"\"; };\n",
                               "<string>:1: feeds.directory: expected a path", NULL);
}

static void test_policy_feeds(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL, *d = NULL;
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(policy_load_string("", NULL, &d, &error), 0);
        assert_string_equal(d->feeds.listen, "127.0.0.1:8080");
        assert_null(d->feeds.base_url);
        assert_int_equal(d->feeds.refresh, 15 * USEC_PER_MINUTE);
        assert_int_equal(d->feeds.alarm_before, 0);
        assert_int_equal(d->feeds.window_back, 7 * USEC_PER_DAY);
        assert_int_equal(d->feeds.window_ahead, 14 * USEC_PER_DAY);
        assert_int_equal(d->feeds.max_connections, 4096);
        assert_int_equal(d->feeds.max_connections_per_ip, 64);
        assert_int_equal(d->feeds.connection_timeout, 15 * USEC_PER_SEC);
        assert_int_equal(d->feeds.request_timeout, 5 * USEC_PER_SEC);

        assert_int_equal(policy_load_string("feeds = { listen = \"[::1]:8443\";\n"
                                            "  base_url = \"https://cal.example.com/respite//\";\n"
                                            "  refresh_interval = \"1h\"; window_back = \"2d\";\n"
                                            "  window_ahead = \"3d\"; max_connections = 100;\n"
                                            "  max_connections_per_ip = 8; connection_timeout = \"5s\";\n"
                                            "  request_timeout = \"3s\";\n"
                                            "  alarm_before = \"5min\"; };\n",
                                            NULL, &p, &error), 0);
        assert_string_equal(p->feeds.listen, "[::1]:8443");
        assert_string_equal(p->feeds.base_url, "https://cal.example.com/respite");
        assert_int_equal(p->feeds.refresh, USEC_PER_HOUR);
        assert_int_equal(p->feeds.window_back, 2 * USEC_PER_DAY);
        assert_int_equal(p->feeds.window_ahead, 3 * USEC_PER_DAY);
        assert_int_equal(p->feeds.max_connections, 100);
        assert_int_equal(p->feeds.max_connections_per_ip, 8);
        assert_int_equal(p->feeds.connection_timeout, 5 * USEC_PER_SEC);
        assert_int_equal(p->feeds.request_timeout, 3 * USEC_PER_SEC);
        assert_int_equal(p->feeds.alarm_before, 5 * USEC_PER_MINUTE);
        policy_free(p);
        assert_int_equal(policy_load_string("feeds = { listen = \"\"; };\n", NULL, &p, &error), 0);
        assert_string_equal(p->feeds.listen, "");

        test_policy_assert_bad("feeds = { listen = \"8080\"; };\n",
                               "<string>:1: feeds.listen: expected HOST:PORT", NULL);
        test_policy_assert_bad("feeds = { listen = \"localhost:http\"; };\n", "feeds.listen: expected HOST:PORT", NULL);
        test_policy_assert_bad("feeds = { listen = \"::1:8080\"; };\n", "feeds.listen: expected HOST:PORT", NULL);
        test_policy_assert_bad("feeds = { listen = \"127.0.0.1:70000\"; };\n",
                               "feeds.listen: expected HOST:PORT", NULL);
        test_policy_assert_bad("feeds = { base_url = \"ftp://x\"; };\n",
                               "feeds.base_url: expected an http:// or https:// URL", NULL);
        test_policy_assert_bad("feeds = { base_url = \"https://x/?a=b\"; };\n", "feeds.base_url: expected", NULL);
        test_policy_assert_bad("feeds = { refresh_interval = \"10s\"; };\n",
                               "feeds.refresh_interval: expected a duration of at least", NULL);
        test_policy_assert_bad("feeds = { max_connections_per_ip = 0; };\n",
                               "feeds.max_connections_per_ip: expected a whole number", NULL);
}

static void test_policy_statutory_rules(void **state) {
        test_policy_assert_bad("statutory = { rules = (\n"
                               "  { more_than = \"8h\"; total = \"1h\"; },\n"
                               "  { more_than = \"6h\"; total = \"45min\"; }\n"
                               "); };\n",
                               "<string>:3: statutory.rules[1].more_than: expected more than the previous rule's 8h",
                               NULL);
        test_policy_assert_bad("statutory = { rules = (\n  { more_than = \"6h\"; }\n); };\n",
                               "<string>:2: statutory.rules[0]: missing 'total'", NULL);
        test_policy_assert_bad("statutory = { rules = ( { more_than = \"6h\"; total = \"0min\"; } ); };\n",
                               "<string>:1: statutory.rules[0].total:", NULL);
}

static void test_policy_syntax_error(void **state) {
        test_policy_assert_bad("site = {\n"
                               "        timezone = \"UTC\"\n"
                               "};\n"
                               "accumulation = { window = ; };\n",
                               "<string>:4: syntax error", NULL);
        test_policy_assert_bad("@include \"presets/nonexistent.conf\"\n", "<string>:1: cannot open include file", NULL);
        /* The preset defines statutory; defining it again is libconfig's error. */
        test_policy_assert_bad("@include \"presets/jp.conf\"\nstatutory = { };\n",
                               "<string>:", "duplicate setting", NULL);
}

/* In Japanese (the build's catalogues): the same file, line and setting,
 * what was expected in Japanese, names and values as written; libconfig's
 * own messages too. English again once the language is popped. */
static void test_policy_japanese(void **state) {
        static const char band[] = "site = { timezone = \"UTC\"; };\n"
                                   "coverage = {\n"
                                   "        bands = ( { team = \"*\"; from = \"9:00x\"; to = \"18:00\";\n"
                                   "                    minimum = 2; } );\n"
                                   "};\n";
        static const char twice[] = "site = { timezone = \"UTC\"; };\nsite = { };\n";
        char *saved = NULL;

        assert_int_equal(use_build_catalogues(state), 0);
        assert_int_equal(i18n_language_push("ja", &saved), 0);
        test_policy_assert_bad(band, "<string>:3: coverage.bands[0].from: "
                               "\"09:00\"のような現地時刻\"HH:MM\"が必要です", NULL);
        test_policy_assert_bad("categories = ( { name = \"threat\"; },\n { name = \"threat\"; } );\n",
                               "<string>:2: categories[1].name: "
                               "カテゴリー\"threat\"が重複しています（最初は1行目）", NULL);
        test_policy_assert_bad("accumulation = { widnow = \"60min\"; };\n",
                               "<string>:1: 'accumulation.widnow'という設定はありません。"
                               "'accumulation.window'のことですか？", NULL);
        test_policy_assert_bad("accumulation = { window = ; };\n", "<string>:1: 構文エラー", NULL);
        test_policy_assert_bad(twice, "<string>:2: 設定名が重複しています", NULL);
        i18n_language_pop(saved);

        test_policy_assert_bad(band, "<string>:3: coverage.bands[0].from: expected a local time \"HH:MM\" such as "
                               "\"09:00\"", NULL);
        test_policy_assert_bad(twice, "<string>:2: duplicate setting name", NULL);
}

static void test_policy_file_errors(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL, *error2 = NULL;

        assert_int_equal(policy_load("tests/fixtures/policy-bad.conf", &p, &error), -EINVAL);
        assert_null(p);
        assert_string_equal(error, "tests/fixtures/policy-bad.conf:6: accumulation.window: "
                            "expected a duration with a unit such as \"60min\", got \"60\"");

        assert_int_equal(policy_load("tests/fixtures/nonexistent.conf", &p, &error2), -ENOENT);
        assert_non_null(strstr(error2, "tests/fixtures/nonexistent.conf: "));

        /* No message wanted. */
        assert_int_equal(policy_load_string("site = 1;", NULL, &p, NULL), -EINVAL);
        assert_null(p);
}

/* Files libconfig 1.5 cannot take: a directory ends its process, and a
 * missing include is not named. Both are caught first. */
static void test_policy_unreadable_files(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *e1 = NULL, *e2 = NULL, *e3 = NULL;

        assert_int_equal(policy_load("tests/fixtures", &p, &e1), -EISDIR);
        assert_string_equal(e1, "tests/fixtures: Is a directory");
        assert_int_equal(policy_load("tests/fixtures/policy-include-dir.conf", &p, &e2), -EINVAL);
        assert_string_equal(e2, "tests/fixtures/policy-include-dir.conf:2: cannot include "
                            "\"tests/fixtures/.\": Is a directory");
        assert_int_equal(policy_load("tests/fixtures/policy-include-missing.conf", &p, &e3), -EINVAL);
        assert_string_equal(e3, "tests/fixtures/policy-include-missing.conf:1: cannot include "
                            "\"tests/fixtures/missing-preset.conf\": No such file or directory");
        assert_null(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_policy_shipped),
                cmocka_unit_test(test_policy_demo),
                cmocka_unit_test(test_policy_languages),
                cmocka_unit_test(test_policy_defaults),
                cmocka_unit_test(test_policy_values),
                cmocka_unit_test(test_policy_example_kr_osh41),
                cmocka_unit_test(test_policy_include_preset),
                cmocka_unit_test(test_policy_include_file),
                cmocka_unit_test(test_policy_typo),
                cmocka_unit_test(test_policy_duration_without_unit),
                cmocka_unit_test(test_policy_alert_errors),
                cmocka_unit_test(test_policy_unknown_zone),
                cmocka_unit_test(test_policy_categories),
                cmocka_unit_test(test_policy_numbers),
                cmocka_unit_test(test_policy_types),
                cmocka_unit_test(test_policy_feeds),
                cmocka_unit_test(test_policy_statutory_rules),
                cmocka_unit_test(test_policy_syntax_error),
                cmocka_unit_test(test_policy_japanese),
                cmocka_unit_test(test_policy_file_errors),
                cmocka_unit_test(test_policy_unreadable_files),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
