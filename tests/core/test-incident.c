/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "incident-helpers.h"
#include "test-helpers.h"

#include "core/incident.h"
#include "import/calls-csv.h"
#include "shared/log.h"
#include "shared/time-util.h"

#define FIXTURES "tests/fixtures/"
#define REAL_CALLS "../shared/data/anonbank-1999/calls-1999-01.csv"

static const Incident *find(const IncidentList *l, const char *id) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->items[i].id, id))
                        return &l->items[i];
        return NULL;
}

static void test_list_add(void **state) {
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();
        char note[] = "shouted";
        Incident i = {
                .id = (char *) "b",
                .operator = (char *) "op01",
                .category = (char *) "threat",
                .when = 2000,
                .received = 2500,
                .note = note,
        };

        assert_non_null(l);
        assert_int_equal(incident_list_add(l, &i), 0);
        i.id = (char *) "z", i.when = 1000, i.note = NULL;
        assert_int_equal(incident_list_add(l, &i), 0);
        i.id = (char *) "a", i.when = 2000;
        assert_int_equal(incident_list_add(l, &i), 0);
        i.id = (char *) "c", i.when = 3000, i.caller = (char *) "cb1";
        assert_int_equal(incident_list_add(l, &i), 0);
        for (unsigned k = 0; k < 20; k++) {
                char id[16];

                snprintf(id, sizeof(id), "x%02u", 19 - k);
                i.id = id, i.when = 1500 + k % 3;
                assert_int_equal(incident_list_add(l, &i), 0);
        }

        assert_int_equal(l->n, 24);
        assert_sorted(l);
        assert_string_equal(l->items[0].id, "z");
        assert_string_equal(l->items[l->n - 3].id, "a");
        assert_string_equal(l->items[l->n - 2].id, "b");
        assert_string_equal(l->items[l->n - 1].id, "c");

        /* Copies: the list owns its strings. */
        note[0] = 'S';
        assert_string_equal(l->items[l->n - 2].note, "shouted");
        assert_int_equal(l->items[l->n - 2].received, 2500);
        assert_null(l->items[l->n - 3].note);
        assert_string_equal(l->items[l->n - 1].caller, "cb1");

        /* Destructors accept empty values. */
        i = (Incident) {};
        incident_done(&i);
        incident_done(NULL);
        assert_null(incident_list_free(NULL));
}

/* Lead alerts: the notify_lead_after-th of a category within
 * notify_lead_within, counted up to the incident itself. */
static void test_calls_lead(void **state) {
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();
        Category abuse = { .name = (char *) "verbal_abuse", .notify_lead_after = 3,
                           .notify_lead_within = USEC_PER_HOUR },
                 threat = { .name = (char *) "threat", .notify_lead = true, .notify_lead_after = 1,
                            .notify_lead_within = USEC_PER_HOUR },
                 other = { .name = (char *) "other" };
        /* Minutes after 10:00: abuse at 0, 30, 50 (third within the hour),
         * 115 (only 2 in its hour: 50 was 65 min before), threat at 40. */
        const struct { const char *id, *category; unsigned minute; } in[] = {
                { "a1", "verbal_abuse", 0 }, { "a2", "verbal_abuse", 30 }, { "t1", "threat", 40 },
                { "a3", "verbal_abuse", 50 }, { "a4", "verbal_abuse", 115 }, { "o1", "other", 120 },
        };
        usec_t ten = 36000 * USEC_PER_SEC;

        assert_non_null(l);
        for (size_t k = 0; k < ELEMENTSOF(in); k++)
                assert_int_equal(incident_list_add(l, &(Incident) {
                        .id = (char *) in[k].id, .operator = (char *) "op16", .category = (char *) in[k].category,
                        .when = ten + in[k].minute * USEC_PER_MINUTE, .received = ten + in[k].minute * USEC_PER_MINUTE,
                }), 0);
        assert_false(incident_calls_lead(find(l, "a1"), l, &abuse));
        assert_false(incident_calls_lead(find(l, "a2"), l, &abuse));
        assert_true(incident_calls_lead(find(l, "a3"), l, &abuse));
        assert_false(incident_calls_lead(find(l, "a4"), l, &abuse));
        assert_true(incident_calls_lead(find(l, "t1"), l, &threat));
        assert_false(incident_calls_lead(find(l, "o1"), l, &other));
        /* The window is (when - within, when]: a1, exactly 50 min before a3, is out. */
        abuse.notify_lead_within = 50 * USEC_PER_MINUTE;
        assert_false(incident_calls_lead(find(l, "a3"), l, &abuse));
        abuse.notify_lead_within = 50 * USEC_PER_MINUTE + 1;
        assert_true(incident_calls_lead(find(l, "a3"), l, &abuse));
}

static void test_list_append(void **state) {
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();
        static const char * const ids[] = { "c", "a", "d", "b" };
        static const usec_t whens[] = { 3000, 2000, 1000, 2000 };

        for (size_t k = 0; k < ELEMENTSOF(ids); k++)
                assert_int_equal(incident_list_append(l, &(Incident) {
                        .id = (char *) ids[k],
                        .operator = (char *) "op01",
                        .category = (char *) "threat",
                        .when = whens[k],
                        .received = whens[k],
                }), 0);
        /* In the order of arrival until sorted by (when, id). */
        assert_string_equal(l->items[0].id, "c");
        incident_list_sort(l);
        assert_int_equal(l->n, 4);
        assert_sorted(l);
        assert_string_equal(l->items[0].id, "d");
        assert_string_equal(l->items[1].id, "a");
        assert_string_equal(l->items[2].id, "b");
        assert_string_equal(l->items[3].id, "c");
}

static void test_detect(void **state) {
        _cleanup_(call_log_freep) CallLog *calls = call_log_new();
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();
        const Incident *i;

        assert_int_equal(call_log_load_csv(calls, FIXTURES "calls-incident.csv", policy.timezone, NULL), 0);
        assert_int_equal(call_log_finish(calls), 0);
        assert_int_equal(incidents_detect(l, calls, &policy), 0);
        assert_non_null(l);
        assert_sorted(l);
        for (size_t k = 0; k < l->n; k++)
                print_message("%s %s %s\n", l->items[k].id, l->items[k].operator, l->items[k].category);
        assert_int_equal(l->n, 5);

        /* Prolonged calls: 29:59 is not, 30:00 and 60:00 are. */
        assert_null(find(l, "call-p1-prolonged"));
        i = find(l, "call-p2-prolonged");
        assert_non_null(i);
        assert_string_equal(i->category, "prolonged_call");
        assert_string_equal(i->operator, "op02");
        assert_int_equal(i->duration, 30 * USEC_PER_MINUTE);
        assert_int_equal(i->when, instant("1999-01-03T08:30:00+02:00"));
        assert_int_equal(i->received, i->when);
        assert_null(i->caller);
        i = find(l, "call-p3-prolonged");
        assert_non_null(i);
        assert_int_equal(i->duration, 60 * USEC_PER_MINUTE);
        /* A record without call id is named by its file name and line. */
        i = find(l, "call-calls-incident.csv:22-prolonged");
        assert_non_null(i);
        assert_string_equal(i->caller, "rc6");

        /* Repeat caller: the third call of one caller to one operator in a day. */
        assert_null(find(l, "call-r2-repeat"));
        i = find(l, "call-r3-repeat");
        assert_non_null(i);
        assert_string_equal(i->category, "repeat_caller");
        assert_string_equal(i->operator, "op01");
        assert_string_equal(i->caller, "rc1");
        assert_int_equal(i->when, instant("1999-01-03T12:05:00+02:00"));
        assert_int_equal(i->received, i->when);
        assert_int_equal(i->duration, 0);
        assert_null(find(l, "call-r4-repeat"));
        /* Across local midnight: two days, no incident (one UTC day, though). */
        assert_null(find(l, "call-m3-repeat"));
        /* Three calls on one local day that spans two UTC days. */
        assert_null(find(l, "call-u3-repeat"));
        assert_non_null(find(l, "call-u4-repeat"));
        /* Different operators, or unknown callers: none. */
        assert_null(find(l, "call-o3-repeat"));
        assert_null(find(l, "call-n3-repeat"));
}

static void test_detect_thresholds(void **state) {
        _cleanup_(call_log_freep) CallLog *calls = call_log_new();
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();
        Policy p = policy;

        assert_int_equal(call_log_load_csv(calls, FIXTURES "calls-incident.csv", policy.timezone, NULL), 0);
        assert_int_equal(call_log_finish(calls), 0);

        /* In UTC, m1–m3 share a day; u1–u4 do not. */
        p.timezone = (char *) "UTC";
        p.prolonged.points_after = 60 * USEC_PER_MINUTE;
        assert_int_equal(incidents_detect(l, calls, &p), 0);
        assert_non_null(find(l, "call-p3-prolonged"));
        assert_null(find(l, "call-p2-prolonged"));
        assert_non_null(find(l, "call-m3-repeat"));
        assert_non_null(find(l, "call-u3-repeat"));
        assert_null(find(l, "call-u4-repeat"));
        incident_list_free(l);
        l = incident_list_new();

        /* 0 turns a detector off. */
        p.prolonged.points_after = 0;
        p.repeat_caller.calls = 0;
        assert_int_equal(incidents_detect(l, calls, &p), 0);
        assert_int_equal(l->n, 0);

        /* An unknown zone is an error. */
        p.repeat_caller.calls = 3;
        p.timezone = (char *) "Mars/Olympus";
        assert_int_equal(incidents_detect(l, calls, &p), -ENOENT);
}

static void test_real_month(void **state) {
        _cleanup_(call_log_freep) CallLog *calls = NULL;
        _cleanup_(incident_list_freep) IncidentList *l = NULL;
        size_t prolonged = 0, repeat = 0;

        /* skip() jumps out: nothing allocated before it. */
        if (access(REAL_CALLS, R_OK) < 0)
                skip();
        calls = call_log_new();
        l = incident_list_new();
        assert_true(calls && l);

        assert_int_equal(call_log_load_csv(calls, REAL_CALLS, policy.timezone, NULL), 0);
        assert_int_equal(call_log_finish(calls), 0);
        assert_int_equal(incidents_detect(l, calls, &policy), 0);
        assert_sorted(l);
        for (size_t i = 0; i < l->n; i++) {
                if (streq(l->items[i].category, "prolonged_call")) {
                        assert_true(l->items[i].duration >= 30 * USEC_PER_MINUTE);
                        prolonged++;
                } else
                        repeat++;
        }
        print_message("January 1999: %zu prolonged calls, %zu repeat callers\n", prolonged, repeat);
        /* About 60 calls a month of this bank exceed 30 minutes. */
        assert_true(prolonged > 20 && prolonged < 200);
        assert_true(repeat > 0);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_list_add, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_list_append, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_calls_lead, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_detect, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_detect_thresholds, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_real_month, capture_log, release_log),
        };

        return run_tests_in_zone(tests, "America/Los_Angeles");
}
