/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "test-helpers.h"

#include "import/calls-csv.h"
#include "shared/log.h"
#include "shared/time-util.h"

#define FIXTURES "tests/fixtures/"
#define REAL_CALLS "../shared/data/anonbank-1999/calls-1999-01.csv"
#define REAL_CALLS_APRIL "../shared/data/anonbank-1999/calls-1999-04.csv"

static void test_good(void **state) {
        _cleanup_(call_log_freep) CallLog *l = call_log_new();
        const CallRecord *c;
        size_t skipped = 99;

        assert_int_equal(call_log_load_csv(l, FIXTURES "calls-good.csv", "Asia/Jerusalem", &skipped), 0);
        assert_int_equal(call_log_finish(l), 0);
        assert_int_equal(skipped, 0);
        assert_int_equal(l->n_calls, 4);
        assert_string_equal(captured(), "");

        /* Sorted by end, then start. */
        assert_string_equal(l->calls[0].call_id, "104");
        assert_string_equal(l->calls[1].call_id, "102");
        assert_string_equal(l->calls[2].call_id, "101");
        assert_string_equal(l->calls[3].call_id, "103");

        c = &l->calls[2];
        assert_string_equal(c->operator, "op17");
        assert_string_equal(c->caller, "cb789c1b989");
        assert_string_equal(c->queue, "PS");
        assert_int_equal(c->start, instant("1999-01-01T04:55:43Z"));
        assert_int_equal(c->end, instant("1999-01-01T05:25:00Z"));
        assert_int_equal(c->wait_seconds, 17);
        assert_string_equal(c->source, FIXTURES "calls-good.csv:2");

        /* Empty caller and queue are unknown. */
        assert_null(l->calls[1].caller);
        assert_null(l->calls[0].queue);

        /* Quoted field with a comma; civil time in the site's zone; no wait. */
        c = &l->calls[3];
        assert_string_equal(c->caller, "a,b");
        assert_int_equal(c->start, instant("1999-01-01T05:30:00Z"));
        assert_int_equal(c->wait_seconds, 0);
}

static void test_bad_rows(void **state) {
        _cleanup_(call_log_freep) CallLog *l = call_log_new();
        size_t skipped = 0;
        const char *log;

        assert_int_equal(call_log_load_csv(l, FIXTURES "calls-bad.csv", "Asia/Jerusalem", &skipped), 0);
        assert_int_equal(call_log_finish(l), 0);
        assert_int_equal(skipped, 5);
        assert_int_equal(l->n_calls, 2);

        /* No call_id: NULL, the source still says where it came from. */
        assert_null(l->calls[0].call_id);
        assert_string_equal(l->calls[0].operator, "op07");
        assert_int_equal(l->calls[0].start, l->calls[0].end);
        assert_string_equal(l->calls[0].source, FIXTURES "calls-bad.csv:8");
        assert_string_equal(l->calls[1].call_id, "201");
        assert_int_equal(l->calls[1].wait_seconds, 3);

        log = captured();
        print_message("%s", log);
        assert_non_null(strstr(log, FIXTURES "calls-bad.csv:3: missing field 'operator', skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "calls-bad.csv:4: end 1999-01-01T07:00:00+02:00 is before start 1999-01-01T07:05:00+02:00, skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "calls-bad.csv:5: expected a number of seconds in column 'wait_seconds', got 'soon', skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "calls-bad.csv:6: expected an ISO 8601 instant in column 'end', got 'noon', skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "calls-bad.csv:7: expected a number of seconds in column 'wait_seconds', got '-1', skipping row\n"));
}

static void test_unusable_files(void **state) {
        _cleanup_(call_log_freep) CallLog *l = call_log_new();

        assert_int_equal(call_log_load_csv(l, FIXTURES "calls-noheader.csv", "Asia/Jerusalem", NULL), -EBADMSG);
        assert_int_equal(l->n_calls, 0);
        assert_int_equal(call_log_load_csv(l, FIXTURES "does-not-exist.csv", "Asia/Jerusalem", NULL), -ENOENT);
        assert_int_equal(l->n_calls, 0);
        assert_int_equal(call_log_load_csv(l, "/dev/null", "Asia/Jerusalem", NULL), -EBADFD);
        assert_int_equal(call_log_load_csv(l, FIXTURES "roster-empty.csv", "Asia/Jerusalem", NULL), -ENODATA);
        assert_int_equal(l->n_calls, 0);
        assert_non_null(strstr(captured(), FIXTURES "calls-noheader.csv:1: expected a header row naming "
                                           "the columns operator,start,end; column 'operator' is missing\n"));
        assert_non_null(strstr(captured(), "/dev/null: not a regular file (a FIFO, a device or a socket), "
                                           "cannot read it\n"));
        assert_non_null(strstr(captured(), "roster-empty.csv: the file is empty, expected a header row\n"));
}

static void test_several_files(void **state) {
        _cleanup_(call_log_freep) CallLog *l = call_log_new();

        assert_int_equal(call_log_load_csv(l, FIXTURES "calls-good.csv", "Asia/Jerusalem", NULL), 0);
        assert_int_equal(call_log_load_csv(l, FIXTURES "calls-bad.csv", "Asia/Jerusalem", NULL), 0);
        assert_int_equal(call_log_finish(l), 0);
        assert_int_equal(l->n_calls, 6);
        for (size_t i = 1; i < l->n_calls; i++)
                assert_true(l->calls[i - 1].end <= l->calls[i].end);
}

static void load_real(const char *path, size_t expected) {
        _cleanup_(call_log_freep) CallLog *l = NULL;
        size_t skipped = 99, with_caller = 0;

        /* skip() jumps out: nothing allocated before it. */
        if (access(path, R_OK) < 0)
                skip();
        l = call_log_new();
        assert_non_null(l);

        assert_int_equal(call_log_load_csv(l, path, "Asia/Jerusalem", &skipped), 0);
        assert_int_equal(call_log_finish(l), 0);
        assert_int_equal(skipped, 0);
        assert_int_equal(l->n_calls, expected);
        assert_string_equal(captured(), "");
        for (size_t i = 0; i < l->n_calls; i++) {
                assert_true(l->calls[i].start <= l->calls[i].end);
                assert_non_null(l->calls[i].call_id);
                if (i > 0)
                        assert_true(l->calls[i - 1].end <= l->calls[i].end);
                with_caller += l->calls[i].caller != NULL;
        }
        assert_true(with_caller > 0 && with_caller < l->n_calls);
}

static void test_real_month(void **state) {
        load_real(REAL_CALLS, 26332);
}

static void test_real_month_dst(void **state) {
        /* April 1999 holds the change to summer time. */
        load_real(REAL_CALLS_APRIL, 23151);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_good, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_bad_rows, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_unusable_files, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_several_files, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_real_month, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_real_month_dst, capture_log, release_log),
        };

        return run_tests_in_zone(tests, "Europe/London");
}
