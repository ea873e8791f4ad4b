/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The actions group of respite.conf(5) (core/policy-actions.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/policy.h"

static void test_policy_actions_assert_bad(const char *text, const char *message) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(policy_load_string(text, NULL, &p, &error), -EINVAL);
        assert_null(p);
        assert_non_null(error);
        if (!strstr(error, message))
                fail_msg("message \"%s\" lacks \"%s\"", error, message);
}

static void test_policy_actions_defaults(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(policy_load_string("", NULL, &p, &error), 0);
        assert_null(error);
        for (size_t i = 0; i < _ACTION_EVENT_MAX; i++)
                assert_null(p->actions.argv[i]);
        assert_int_equal(p->actions.timeout, 10 * USEC_PER_SEC);
        assert_int_equal(p->actions.retries, 2);
        assert_int_equal(p->actions.retry_delay, 5 * USEC_PER_SEC);
}

static void test_policy_actions_values(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(freep) char *error = NULL;
        const char *text =
                "actions = {\n"
                "  break_start = [ \"/usr/lib/respite/actions/asterisk-ami\", \"pause\" ];\n"
                "  break_end   = ( \"/usr/lib/respite/actions/asterisk-ami\", \"unpause\", \"\" );\n"
                "  timeout = \"30s\";\n"
                "  retries = 0;\n"
                "  retry_delay = \"1min\";\n"
                "};\n";

        assert_int_equal(policy_load_string(text, NULL, &p, &error), 0);
        assert_null(error);
        assert_int_equal(strv_length(p->actions.argv[ACTION_BREAK_START]), 2);
        assert_string_equal(p->actions.argv[ACTION_BREAK_START][0], "/usr/lib/respite/actions/asterisk-ami");
        assert_string_equal(p->actions.argv[ACTION_BREAK_START][1], "pause");
        /* A list works as an array does; empty arguments are arguments. */
        assert_int_equal(strv_length(p->actions.argv[ACTION_BREAK_END]), 3);
        assert_string_equal(p->actions.argv[ACTION_BREAK_END][1], "unpause");
        assert_string_equal(p->actions.argv[ACTION_BREAK_END][2], "");
        assert_null(p->actions.argv[ACTION_BREAK_DUE]);
        assert_int_equal(p->actions.timeout, 30 * USEC_PER_SEC);
        assert_int_equal(p->actions.retries, 0);
        assert_int_equal(p->actions.retry_delay, USEC_PER_MINUTE);
}

/* Only break_due: the other events run nothing. */
static void test_policy_actions_one_event(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;

        assert_int_equal(policy_load_string("actions = { break_due = [ \"/bin/true\" ]; };", NULL, &p, NULL), 0);
        assert_null(p->actions.argv[ACTION_BREAK_START]);
        assert_null(p->actions.argv[ACTION_BREAK_END]);
        assert_string_equal(p->actions.argv[ACTION_BREAK_DUE][0], "/bin/true");
        assert_null(p->actions.argv[ACTION_BREAK_DUE][1]);
}

static void test_policy_actions_errors(void **state) {
        test_policy_actions_assert_bad("site = { timezone = \"UTC\"; };\n"
                                       "actions = {\n"
                                       "  break_start = [ \"asterisk-ami\", \"pause\" ];\n"
                                       "};\n",
                                       "<string>:3: actions.break_start[0]: expected the command as an absolute "
                                       "path such as \"/usr/lib/respite/actions/asterisk-cli\", got \"asterisk-ami\"");
        test_policy_actions_assert_bad("actions = {\n  break_end = [ ];\n};\n",
                                       "<string>:2: actions.break_end: expected a command as a list of strings");
        test_policy_actions_assert_bad("actions = {\n  break_end = \"/usr/bin/unpause\";\n};\n",
                                       "<string>:2: actions.break_end: expected a command as a list of strings");
        test_policy_actions_assert_bad("actions = {\n  break_end = ( \"/usr/bin/unpause\", 3 );\n};\n",
                                       "<string>:2: actions.break_end[1]: expected a string in double quotes");
        test_policy_actions_assert_bad("actions = {\n  timeout = \"0s\";\n};\n",
                                       "<string>:2: actions.timeout: expected a duration longer than 0");
        test_policy_actions_assert_bad("actions = {\n  timeout = 10;\n};\n",
                                       "<string>:2: actions.timeout: expected a duration with a unit");
        test_policy_actions_assert_bad("actions = {\n  retries = -1;\n};\n",
                                       "<string>:2: actions.retries: expected a whole number of at least 0");
        test_policy_actions_assert_bad("actions = {\n  break_stat = [ \"/bin/true\" ];\n};\n",
                                       "<string>:2: unknown setting 'actions.break_stat', did you mean 'actions.break_start'?");
        test_policy_actions_assert_bad("actions = [ \"/bin/true\" ];\n", "<string>:1: actions:");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_policy_actions_defaults),
                cmocka_unit_test(test_policy_actions_values),
                cmocka_unit_test(test_policy_actions_one_event),
                cmocka_unit_test(test_policy_actions_errors),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
