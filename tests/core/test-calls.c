/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/calls.h"

static void test_add(void **state) {
        _cleanup_(call_log_freep) CallLog *l = call_log_new();
        char operator[] = "op17";
        CallRecord c = {
                .call_id = (char *) "101",
                .operator = operator,
                .caller = (char *) "cb1",
                .start = 1000,
                .end = 2000,
                .wait_seconds = 17,
                .source = (char *) "calls.csv:2",
        };

        assert_non_null(l);
        assert_int_equal(call_log_add(l, &c), 0);
        c = (CallRecord) { .operator = operator, .start = 500, .end = 2000, .source = (char *) "calls.csv:3" };
        assert_int_equal(call_log_add(l, &c), 0);
        assert_int_equal(l->n_calls, 2);

        /* Copies: the log owns its strings; NULL ones stay NULL. */
        operator[0] = 'O';
        assert_string_equal(l->calls[0].operator, "op17");
        assert_string_equal(l->calls[0].call_id, "101");
        assert_string_equal(l->calls[0].caller, "cb1");
        assert_null(l->calls[0].queue);
        assert_int_equal(l->calls[0].wait_seconds, 17);
        assert_null(l->calls[1].call_id);
        assert_null(l->calls[1].caller);
        assert_string_equal(l->calls[1].source, "calls.csv:3");
}

static void test_append_and_finish(void **state) {
        _cleanup_(call_log_freep) CallLog *l = call_log_new(), *from = call_log_new();
        static const struct {
                const char *call_id;
                usec_t start, end;
        } calls[] = {
                { "c", 100, 300 },
                { "b", 200, 300 },
                { "a", 200, 300 },
                { "d", 0, 100 },
        };

        for (size_t i = 0; i < ELEMENTSOF(calls); i++)
                assert_int_equal(call_log_add(i < 2 ? l : from, &(CallRecord) {
                        .call_id = (char *) calls[i].call_id,
                        .operator = (char *) "op01",
                        .start = calls[i].start,
                        .end = calls[i].end,
                        .source = (char *) "calls.csv:1",
                }), 0);
        assert_int_equal(call_log_append(l, from), 0);
        assert_int_equal(from->n_calls, 2);
        assert_int_equal(call_log_finish(l), 0);

        /* By end, then start, then call id. */
        assert_int_equal(l->n_calls, 4);
        assert_string_equal(l->calls[0].call_id, "d");
        assert_string_equal(l->calls[1].call_id, "c");
        assert_string_equal(l->calls[2].call_id, "a");
        assert_string_equal(l->calls[3].call_id, "b");
        assert_null(call_log_free(NULL));
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_add),
                cmocka_unit_test(test_append_and_finish),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
