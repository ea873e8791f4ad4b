/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/policy.h"
#include "daemon/access.h"

#define DAEMON_UID 990

/* alice (1001) is op16; bob (1002) leads retail by name; group 2000
 * ("leads") leads support. */
static char *retail[] = { (char *) "retail", NULL };
static char *support[] = { (char *) "support", NULL };
static AccessOperator operators[] = { { 1001, (char *) "op16" } };
static AccessLead leads[] = {
        { .group = false, .uid = 1002, .teams = retail },
        { .group = true, .gid = 2000, .teams = support },
};
static AccessPrincipal integrations[] = { { .group = false, .uid = 1005 }, { .group = true, .gid = 3000 } };
static AccessPrincipal escalation[] = { { .group = true, .gid = 4000 } };
static const AccessMap map = { operators, ELEMENTSOF(operators), leads, ELEMENTSOF(leads),
                               integrations, ELEMENTSOF(integrations), escalation, ELEMENTSOF(escalation) };

/* Lead alerts: the team's leads, root, the daemon, and those escalated to. */
static void test_alerts(void **state) {
        gid_t floor[] = { 4000 }, leads_group[] = { 2000 };
        Caller lead = { .uid = 1002 }, manager = { .uid = 1010, .gids = floor, .n_gids = 1 },
               support_lead = { .uid = 1011, .gids = leads_group, .n_gids = 1 }, op = { .uid = 1001 },
               root = { .uid = 0 };

        assert_true(access_for_alerts(&map, &lead, DAEMON_UID, "retail"));
        assert_false(access_for_alerts(&map, &lead, DAEMON_UID, "support"));
        assert_true(access_for_alerts(&map, &support_lead, DAEMON_UID, "support"));
        assert_true(access_for_alerts(&map, &manager, DAEMON_UID, "retail"));
        assert_true(access_for_alerts(&map, &manager, DAEMON_UID, NULL));
        assert_true(access_is_escalation(&map, &manager));
        assert_false(access_is_escalation(&map, &lead));
        assert_false(access_is_escalation(&map, &root));
        assert_true(access_for_alerts(&map, &root, DAEMON_UID, "retail"));
        /* An operator is no lead, not even of their own alerts. */
        assert_false(access_for_alerts(&map, &op, DAEMON_UID, "retail"));
        assert_true(access_lead_entry_matches(&leads[0], &lead));
        assert_false(access_lead_entry_matches(&leads[1], &lead));
        assert_true(access_lead_entry_matches(&leads[1], &support_lead));
}

static void test_root_and_daemon(void **state) {
        Caller root = { .uid = 0 }, daemon = { .uid = DAEMON_UID };

        assert_int_equal(access_for_operator(&map, &root, DAEMON_UID, "op16", "retail"), ACCESS_ALL);
        assert_int_equal(access_for_operator(&map, &daemon, DAEMON_UID, "op99", NULL), ACCESS_ALL);
        assert_true(access_for_team(&map, &root, DAEMON_UID, "support"));
}

static void test_operator_self_only(void **state) {
        Caller alice = { .uid = 1001 };

        assert_int_equal(access_for_operator(&map, &alice, DAEMON_UID, "op16", "retail"), ACCESS_SELF);
        assert_int_equal(access_for_operator(&map, &alice, DAEMON_UID, "op27", "retail"), ACCESS_DENIED);
        assert_false(access_for_team(&map, &alice, DAEMON_UID, "retail"));
}

static void test_lead_by_user(void **state) {
        Caller bob = { .uid = 1002 };

        assert_int_equal(access_for_operator(&map, &bob, DAEMON_UID, "op16", "retail"), ACCESS_LEAD);
        assert_int_equal(access_for_operator(&map, &bob, DAEMON_UID, "op40", "support"), ACCESS_DENIED);
        /* An operator the roster does not know has no team to lead. */
        assert_int_equal(access_for_operator(&map, &bob, DAEMON_UID, "op99", NULL), ACCESS_DENIED);
}

static void test_lead_by_group(void **state) {
        gid_t gids[] = { 100, 2000 };
        Caller carol = { .uid = 1003, .gids = gids, .n_gids = ELEMENTSOF(gids) };
        Caller dave = { .uid = 1004, .gids = gids, .n_gids = 1 };

        assert_int_equal(access_for_operator(&map, &carol, DAEMON_UID, "op40", "support"), ACCESS_LEAD);
        assert_true(access_for_team(&map, &carol, DAEMON_UID, "support"));
        assert_int_equal(access_for_operator(&map, &carol, DAEMON_UID, "op16", "retail"), ACCESS_DENIED);
        assert_int_equal(access_for_operator(&map, &dave, DAEMON_UID, "op40", "support"), ACCESS_DENIED);
}

/* Integrations (1005, and group 3000) are no operator's readers by the
 * schedule's rules; they are integrations, as are root and the daemon. */
static void test_integrations(void **state) {
        gid_t g3000[] = { 3000 };
        Caller acd = { .uid = 1005 }, pbx = { .uid = 1006, .gids = g3000, .n_gids = 1 }, root = { .uid = 0 },
               daemon = { .uid = DAEMON_UID }, alice = { .uid = 1001 }, bob = { .uid = 1002 };

        assert_true(access_is_integration(&map, &acd, DAEMON_UID));
        assert_true(access_is_integration(&map, &pbx, DAEMON_UID));
        assert_true(access_is_integration(&map, &root, DAEMON_UID));
        assert_true(access_is_integration(&map, &daemon, DAEMON_UID));
        assert_false(access_is_integration(&map, &alice, DAEMON_UID));
        assert_false(access_is_integration(&map, &bob, DAEMON_UID));
        assert_int_equal(access_for_operator(&map, &acd, DAEMON_UID, "op16", "retail"), ACCESS_DENIED);
}

/* The site's counts by kind (GetStatus, GetMetrics): leads of any team,
 * root and the daemon; no operator, no integration, nobody else. */
static void test_is_lead(void **state) {
        gid_t g2000[] = { 100, 2000 }, g3000[] = { 3000 };
        Caller root = { .uid = 0 }, daemon = { .uid = DAEMON_UID }, alice = { .uid = 1001 }, bob = { .uid = 1002 },
               carol = { .uid = 1003, .gids = g2000, .n_gids = ELEMENTSOF(g2000) }, acd = { .uid = 1005 },
               pbx = { .uid = 1006, .gids = g3000, .n_gids = 1 }, eve = { .uid = 1007 };
        const AccessMap none = {};

        assert_true(access_is_lead(&map, &root, DAEMON_UID));
        assert_true(access_is_lead(&map, &daemon, DAEMON_UID));
        assert_true(access_is_lead(&map, &bob, DAEMON_UID));
        assert_true(access_is_lead(&map, &carol, DAEMON_UID));
        assert_false(access_is_lead(&map, &alice, DAEMON_UID));
        assert_false(access_is_lead(&map, &acd, DAEMON_UID));
        assert_false(access_is_lead(&map, &pbx, DAEMON_UID));
        assert_false(access_is_lead(&map, &eve, DAEMON_UID));
        assert_false(access_is_lead(&none, &bob, DAEMON_UID));
}

static void test_empty_map_denies(void **state) {
        const AccessMap none = {};
        Caller alice = { .uid = 1001 };

        assert_int_equal(access_for_operator(&none, &alice, DAEMON_UID, "op16", "retail"), ACCESS_DENIED);
        assert_false(access_for_team(&none, &alice, DAEMON_UID, "retail"));
}

static void test_policy_access_section(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *error = NULL;

        assert_int_equal(policy_load_string(
                "access = {\n"
                "  operators = ( { user = \"root\"; operator = \"op16\"; } );\n"
                "  leads = ( { group = \"root\"; teams = [ \"retail\" ]; },\n"
                "            { user = 4242; teams = [ \"a\", \"b\" ]; } );\n"
                "  integrations = [ \"root\", \"@root\" ];\n"
                "};\n"
                "incidents = { retention_days = 30; spool = \"/var/spool/respite\"; };\n",
                NULL, &p, &error), 0);
        assert_int_equal(p->access.n_operators, 1);
        assert_int_equal(p->access.operators[0].uid, 0);
        assert_string_equal(p->access.operators[0].operator, "op16");
        assert_int_equal(p->access.n_leads, 2);
        assert_true(p->access.leads[0].group);
        assert_int_equal(p->access.leads[0].gid, 0);
        assert_false(p->access.leads[1].group);
        assert_int_equal(p->access.leads[1].uid, 4242);
        assert_string_equal(p->access.leads[1].teams[1], "b");
        assert_int_equal(p->access.n_integrations, 2);
        assert_false(p->access.integrations[0].group);
        assert_int_equal(p->access.integrations[0].uid, 0);
        assert_true(p->access.integrations[1].group);
        assert_int_equal(p->access.integrations[1].gid, 0);
        assert_int_equal(p->incidents.retention_days, 30);
        assert_string_equal(p->incidents.spool, "/var/spool/respite");
}

static void test_policy_access_errors(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL, *d = NULL;
        _cleanup_free_ char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;

        assert_int_equal(policy_load_string("\naccess = { operators = ( { user = \"no-such-user-xyz\"; "
                                            "operator = \"op1\"; } ); };", NULL, &p, &e1), -EINVAL);
        assert_non_null(strstr(e1, "<string>:2: "));
        assert_non_null(strstr(e1, "no such user \"no-such-user-xyz\""));
        assert_int_equal(policy_load_string("access = { leads = ( { user = \"root\"; group = \"root\"; "
                                            "teams = [ \"x\" ]; } ); };", NULL, &p, &e2), -EINVAL);
        assert_non_null(strstr(e2, "expected either a user or a group"));
        assert_int_equal(policy_load_string("access = { integrations = [ \"@no-such-group-xyz\" ]; };", NULL, &p,
                                            &e4), -EINVAL);
        assert_non_null(strstr(e4, "no such group \"no-such-group-xyz\""));
        assert_int_equal(policy_load_string("incidents = { retention_days = 0; };", NULL, &p, &e3), -EINVAL);
        assert_non_null(strstr(e3, "retention_days"));

        assert_int_equal(policy_load_string("", NULL, &d, NULL), 0);
        assert_int_equal(d->incidents.retention_days, 180);
        assert_null(d->incidents.spool);
        assert_int_equal(d->access.n_operators + d->access.n_leads, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_root_and_daemon),
                cmocka_unit_test(test_alerts),
                cmocka_unit_test(test_operator_self_only),
                cmocka_unit_test(test_lead_by_user),
                cmocka_unit_test(test_lead_by_group),
                cmocka_unit_test(test_integrations),
                cmocka_unit_test(test_is_lead),
                cmocka_unit_test(test_empty_map_denies),
                cmocka_unit_test(test_policy_access_section),
                cmocka_unit_test(test_policy_access_errors),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
