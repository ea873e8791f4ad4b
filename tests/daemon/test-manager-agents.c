/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "daemon/manager-internal.h"
#include "test-helpers.h"

static void set(Manager *m, const char *operator, AgentState state, usec_t since, const char *reason, int expect) {
        AgentStateChange c = { .operator = (char *) operator, .state = state, .since = since, .reason = (char *) reason };

        assert_int_equal(manager_agent_set(m, &c), expect);
}

/* Changes per operator, the counts, the calls closed by leaving on_call. */
static void test_agent_table(void **state) {
        Manager m = {};
        ManagerCallSpan *calls = NULL;
        const ManagerAgent *a;
        ssize_t n;

        assert_null(manager_agent_get(&m, "op16"));
        set(&m, "op16", AGENT_AVAILABLE, 100, NULL, 1);
        set(&m, "op16", AGENT_AVAILABLE, 150, NULL, 0);         /* so already: nothing */
        set(&m, "op16", AGENT_ON_CALL, 200, NULL, 1);
        set(&m, "op27", AGENT_PAUSED, 210, "lunch", 1);
        assert_int_equal(m.agent_counts[AGENT_ON_CALL], 1);
        assert_int_equal(m.agent_counts[AGENT_PAUSED], 1);
        assert_int_equal(m.agent_counts[AGENT_AVAILABLE], 0);
        a = manager_agent_get(&m, "op27");
        assert_string_equal(a->reason, "lunch");
        assert_non_null(strstr(captured(), "op27: paused since "));

        /* On a call now: the open one comes back as [since, now). */
        n = manager_agent_calls(&m, "op16", 250, &calls);
        assert_int_equal(n, 1);
        assert_int_equal(calls[0].start, 200);
        assert_int_equal(calls[0].end, 250);
        calls = mfree(calls);

        set(&m, "op16", AGENT_PAUSED, 300, "after call", 1);    /* the call is over */
        set(&m, "op16", AGENT_ON_CALL, 250, NULL, -ESTALE);     /* older than what is known */
        set(&m, "op16", AGENT_ON_CALL, 400, NULL, 1);
        set(&m, "op16", AGENT_ON_CALL, 450, NULL, 1);           /* another call: the first ends */
        set(&m, "op16", AGENT_LOGGED_OUT, 500, NULL, 1);
        n = manager_agent_calls(&m, "op16", 600, &calls);
        assert_int_equal(n, 3);
        assert_int_equal(calls[0].start, 200);
        assert_int_equal(calls[0].end, 300);
        assert_int_equal(calls[1].start, 400);
        assert_int_equal(calls[1].end, 450);
        assert_int_equal(calls[2].start, 450);
        assert_int_equal(calls[2].end, 500);
        calls = mfree(calls);

        /* A call record read back merges with the span of the same start. */
        assert_int_equal(manager_agent_add_call(&m, "op16", 400, 460), 0);
        assert_int_equal(manager_agent_add_call(&m, "op16", 100, 150), 0);
        n = manager_agent_calls(&m, "op16", 600, &calls);
        assert_int_equal(n, 4);
        assert_int_equal(calls[0].start, 100);
        assert_int_equal(calls[2].end, 460);
        calls = mfree(calls);

        assert_int_equal(manager_agent_calls(&m, "op99", 600, &calls), 0);
        calls = mfree(calls);
        assert_int_equal(m.agent_counts[AGENT_LOGGED_OUT], 1);
        assert_int_equal(m.agent_counts[AGENT_ON_CALL], 0);
        manager_agents_done(&m);
        manager_breaks_done(&m);
}

/* Calls of many days: only 8 days behind the latest are kept. */
static void test_agent_calls_window(void **state) {
        Manager m = {};
        ManagerCallSpan *calls = NULL;

        for (usec_t d = 0; d < 20; d++)
                assert_int_equal(manager_agent_add_call(&m, "op16", d * USEC_PER_DAY, d * USEC_PER_DAY + 60), 0);
        assert_int_equal(manager_agent_calls(&m, "op16", 21 * USEC_PER_DAY, &calls), 9);
        assert_int_equal(calls[0].start, 11 * USEC_PER_DAY);
        free(calls);
        manager_agents_done(&m);
        manager_breaks_done(&m);
}

/* Pauses: paused to another state is one closed pause, whatever its reason
 * (a new reason goes on with the pause); a pause going on is none. The
 * planner's views carry them with the calls, per operator. */
static void test_agent_pauses(void **state) {
        Operator ops[] = {
                { (char *) "op16", (char *) "op16", (char *) "a", NULL, NULL },
                { (char *) "op27", (char *) "op27", (char *) "a", NULL, NULL },
        };
        Roster roster = { .operators = ops, .n_operators = ELEMENTSOF(ops) };
        Manager m = { .roster = &roster };
        _cleanup_(manager_calls_done) ManagerCalls known = {};
        const ManagerCallSpan *pauses;
        const PauseSpan *mine;
        const CallIndex *one;

        set(&m, "op27", AGENT_AVAILABLE, 100, NULL, 1);
        set(&m, "op27", AGENT_PAUSED, 210, "lunch", 1);
        assert_int_equal(manager_agent_pauses(&m, "op27", &pauses), 0);        /* still paused */
        set(&m, "op27", AGENT_PAUSED, 260, "toilet", 1);                        /* the same pause */
        set(&m, "op27", AGENT_ON_CALL, 300, NULL, 1);
        set(&m, "op27", AGENT_AVAILABLE, 350, NULL, 1);
        set(&m, "op27", AGENT_PAUSED, 400, NULL, 1);
        set(&m, "op27", AGENT_LOGGED_OUT, 450, NULL, 1);                        /* a logoff ends it too */
        set(&m, "op27", AGENT_PAUSED, 500, "meeting", 1);                       /* going on */
        set(&m, "op16", AGENT_ON_CALL, 200, NULL, 1);
        set(&m, "op16", AGENT_PAUSED, 220, NULL, 1);
        set(&m, "op16", AGENT_AVAILABLE, 240, NULL, 1);

        assert_int_equal(manager_agent_pauses(&m, "op27", &pauses), 2);
        assert_int_equal(pauses[0].start, 210);
        assert_int_equal(pauses[0].end, 300);
        assert_int_equal(pauses[1].start, 400);
        assert_int_equal(pauses[1].end, 450);
        assert_int_equal(manager_agent_pauses(&m, "op99", &pauses), 0);
        assert_null(pauses);

        /* A re-plan of the site: everyone's, by operator. */
        assert_int_equal(manager_calls_known(&m, 600, &known), 0);
        assert_int_equal(known.index.n_pauses, 3);
        assert_int_equal(call_index_pauses(&known.index, "op16", &mine), 1);
        assert_int_equal(mine[0].start, 220);
        assert_int_equal(mine[0].end, 240);
        assert_int_equal(call_index_pauses(&known.index, "op27", &mine), 2);
        assert_int_equal(mine[1].start, 400);
        assert_int_equal(known.index.n_calls, 2);

        /* A revision: the operator's alone. */
        one = manager_calls_of("op27", &m);
        assert_non_null(one);
        assert_int_equal(one->n_pauses, 2);
        assert_int_equal(call_index_pauses(one, "op16", &mine), 0);
        assert_int_equal(call_index_pauses(one, "op27", &mine), 2);
        assert_int_equal(mine[0].end, 300);

        manager_calls_done(m.calls_of);
        free(m.calls_of);
        manager_agents_done(&m);
        manager_breaks_done(&m);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_agent_table, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_agent_calls_window, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_agent_pauses, capture_log, release_log),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
