/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "incident-helpers.h"
#include "test-helpers.h"

#include "import/calls-csv.h"
#include "import/incident-csv.h"

#define FIXTURES "tests/fixtures/"

static void test_load_csv(void **state) {
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();
        size_t skipped = 0;
        const char *log;

        assert_int_equal(incidents_load_csv(l, FIXTURES "incidents-day.csv", &policy, &skipped), 0);
        assert_int_equal(skipped, 3);
        assert_int_equal(l->n, 3);
        assert_sorted(l);

        assert_string_equal(l->items[0].id, "csv-incidents-day.csv-3");
        assert_string_equal(l->items[0].operator, "op02");
        assert_string_equal(l->items[0].category, "verbal_abuse");
        assert_int_equal(l->items[0].when, instant("1999-01-03T07:00:00Z"));
        assert_int_equal(l->items[0].received, l->items[0].when);
        assert_null(l->items[0].note);
        assert_string_equal(l->items[1].id, "rep-1");
        assert_string_equal(l->items[1].note, "said he knows where I live");
        assert_string_equal(l->items[2].id, "csv-incidents-day.csv-5");
        assert_string_equal(l->items[2].note, "note, with comma");
        assert_int_equal(l->items[2].duration, 0);

        log = captured();
        print_message("%s", log);
        assert_non_null(strstr(log, FIXTURES "incidents-day.csv:4: unknown category 'alien_abduction' "
                               "(known: verbal_abuse, threat, prolonged_call, repeat_caller, other), skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "incidents-day.csv:6: expected an ISO 8601 instant in column 'time', got 'bad-time', skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "incidents-day.csv:7: missing field 'operator', skipping row\n"));

        /* Detected incidents join the same list, which stays sorted. */
        assert_int_equal(incidents_load_csv(l, FIXTURES "incidents-noheader.csv", &policy, NULL), -EBADMSG);
        assert_int_equal(incidents_load_csv(l, FIXTURES "does-not-exist.csv", &policy, NULL), -ENOENT);
        assert_int_equal(l->n, 3);
}

static void test_load_and_detect(void **state) {
        _cleanup_(call_log_freep) CallLog *calls = call_log_new();
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();

        assert_int_equal(incidents_load_csv(l, FIXTURES "incidents-day.csv", &policy, NULL), 0);
        assert_int_equal(call_log_load_csv(calls, FIXTURES "calls-incident.csv", policy.timezone, NULL), 0);
        assert_int_equal(call_log_finish(calls), 0);
        assert_int_equal(incidents_detect(l, calls, &policy), 0);
        assert_int_equal(l->n, 8);
        assert_sorted(l);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_load_csv, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_load_and_detect, capture_log, release_log),
        };

        return run_tests_in_zone(tests, "America/Los_Angeles");
}
