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

static void test_index(void **state) {
        _cleanup_(call_log_freep) CallLog *l = call_log_new();
        _cleanup_(call_index_freep) CallIndex *i = NULL, *none = NULL;
        static const struct {
                const char *operator;
                usec_t start, end;
        } calls[] = {
                { "op2", 500, 900 },
                { "op1", 300, 400 },
                { "op3", 100, 200 },
                { "op1", 100, 250 },
                { "op1", 120, 150 },    /* inside the one before */
        };
        const CallRecord * const *mine;

        for (size_t k = 0; k < ELEMENTSOF(calls); k++) {
                CallRecord c = { .operator = (char *) calls[k].operator, .start = calls[k].start,
                                 .end = calls[k].end };
                assert_int_equal(call_log_add(l, &c), 0);
        }
        assert_int_equal(call_log_finish(l), 0);
        assert_int_equal(call_index_new(l, &i), 0);
        assert_int_equal(i->n_calls, 5);

        /* By operator, then start. */
        assert_int_equal(call_index_operator(i, "op1", &mine), 3);
        assert_int_equal(mine[0]->start, 100);
        assert_int_equal(mine[1]->start, 120);
        assert_int_equal(mine[2]->start, 300);
        assert_int_equal(call_index_operator(i, "op3", &mine), 1);
        assert_int_equal(mine[0]->end, 200);
        assert_int_equal(call_index_operator(i, "op0", &mine), 0);
        assert_null(mine);
        assert_int_equal(call_index_operator(i, "op9", &mine), 0);
        assert_int_equal(call_index_operator(NULL, "op1", &mine), 0);

        /* Strictly inside: not at a start or an end; of nested ones, the
         * one ending last. */
        assert_int_equal(call_index_operator(i, "op1", &mine), 3);
        assert_int_equal(calls_first_starting(mine, 3, 120), 1);
        assert_int_equal(calls_first_starting(mine, 3, 121), 2);
        assert_int_equal(calls_first_starting(mine, 3, 301), 3);
        assert_null(calls_containing(mine, 3, 100));
        assert_int_equal(calls_containing(mine, 3, 101)->end, 250);
        assert_int_equal(calls_containing(mine, 3, 130)->end, 250);
        assert_int_equal(calls_containing(mine, 3, 200)->end, 250);
        assert_null(calls_containing(mine, 3, 250));
        assert_null(calls_containing(mine, 3, 280));
        assert_int_equal(calls_containing(mine, 3, 399)->start, 300);
        assert_null(calls_containing(mine, 3, 400));
        assert_null(calls_containing(NULL, 0, 400));

        /* No log: an empty index. */
        assert_int_equal(call_index_new(NULL, &none), 0);
        assert_int_equal(none->n_calls, 0);
        assert_int_equal(call_index_operator(none, "op1", &mine), 0);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_add),
                cmocka_unit_test(test_append_and_finish),
                cmocka_unit_test(test_index),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
