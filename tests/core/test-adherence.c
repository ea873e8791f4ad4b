/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/adherence.h"

#define MIN_ USEC_PER_MINUTE
#define DAY0 ((usec_t) 1711929600ULL * USEC_PER_SEC)
#define AT(h, m) (DAY0 + (usec_t) (h) * USEC_PER_HOUR + (usec_t) (m) * MIN_)
#define CHANGE(s, h, m) { .operator = (char *) "op1", .state = (s), .since = AT(h, m) }

static const Break test_brk = { .kind = BREAK_RECOVERY, .start = AT(10, 0), .end = AT(10, 20) };

static Adherence test_judge(const AgentStateChange *c, size_t n, usec_t now, AdherenceDetail *d) {
        adherence_judge(&test_brk, c, n, now, d);
        return d->adherence;
}

static void test_taken(void **state) {
        /* Paused two minutes late, back on time: 18 of 20 minutes off. */
        AgentStateChange c[] = {
                CHANGE(AGENT_AVAILABLE, 8, 0),
                CHANGE(AGENT_PAUSED, 10, 2),
                CHANGE(AGENT_AVAILABLE, 10, 20),
        };
        AdherenceDetail d;

        assert_int_equal(test_judge(c, 3, AT(11, 0), &d), ADHERENCE_TAKEN);
        assert_int_equal(d.off, 18 * MIN_);
        assert_int_equal(d.known, 20 * MIN_);
        assert_int_equal(d.interrupted, 0);
        /* Logged out counts as off the phones too. */
        c[1].state = AGENT_LOGGED_OUT;
        assert_int_equal(test_judge(c, 3, USEC_INFINITY, &d), ADHERENCE_TAKEN);
        /* Still going: pending. */
        assert_int_equal(test_judge(c, 3, AT(10, 19), &d), ADHERENCE_PENDING);
}

static void test_interrupted(void **state) {
        AgentStateChange c[] = {
                CHANGE(AGENT_ON_BREAK, 10, 0),
                CHANGE(AGENT_ON_CALL, 10, 12),
                CHANGE(AGENT_AVAILABLE, 10, 30),
        };
        AdherenceDetail d;

        assert_int_equal(test_judge(c, 3, AT(11, 0), &d), ADHERENCE_PARTLY_TAKEN);
        assert_int_equal(d.off, 12 * MIN_);
        assert_int_equal(d.interrupted, AT(10, 12));
}

static void test_not_taken(void **state) {
        /* On a call from before the break to after it. */
        AgentStateChange c[] = {
                CHANGE(AGENT_ON_CALL, 9, 50),
                CHANGE(AGENT_AVAILABLE, 10, 30),
        };
        AdherenceDetail d;

        assert_int_equal(test_judge(c, 2, AT(11, 0), &d), ADHERENCE_NOT_TAKEN);
        assert_int_equal(d.off, 0);
        /* A call begun before the break does not interrupt it. */
        assert_int_equal(d.interrupted, 0);
}

static void test_unknown(void **state) {
        AgentStateChange c[] = {
                CHANGE(AGENT_PAUSED, 10, 30),
        };
        AdherenceDetail d;

        assert_int_equal(test_judge(NULL, 0, AT(11, 0), &d), ADHERENCE_UNKNOWN);
        assert_int_equal(test_judge(c, 1, AT(11, 0), &d), ADHERENCE_UNKNOWN);
}

static const AgentStateChange test_timeline[] = {
        CHANGE(AGENT_PAUSED, 10, 0),
        CHANGE(AGENT_AVAILABLE, 10, 20),
};

static const AgentStateChange *test_timeline_of(const char *operator, size_t *ret_n, void *userdata) {
        if (strcmp(operator, "op1") != 0) {
                *ret_n = 0;
                return NULL;
        }
        *ret_n = ELEMENTSOF(test_timeline);
        return test_timeline;
}

static void test_count(void **state) {
        Break a[] = {
                { .kind = BREAK_RECOVERY, .start = AT(10, 0), .end = AT(10, 20) },
                { .kind = BREAK_STATUTORY, .start = AT(12, 0), .end = AT(12, 45) },
        };
        Break b[] = {
                { .kind = BREAK_STATUTORY, .start = AT(12, 0), .end = AT(12, 45) },
        };
        ShiftPlan shifts[] = {
                { .operator = (char *) "op1", .start = AT(9, 0), .end = AT(17, 0), .breaks = a, .n_breaks = 2 },
                { .operator = (char *) "op2", .start = AT(9, 0), .end = AT(17, 0), .breaks = b, .n_breaks = 1 },
        };
        Plan plan = { .shifts = shifts, .n_shifts = 2 };
        AdherenceCounts counts;
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f;

        adherence_count(&plan, test_timeline_of, NULL, AT(13, 0), &counts);
        assert_int_equal(counts.breaks[BREAK_RECOVERY][ADHERENCE_TAKEN], 1);
        /* op1 available from 10:20 on, the whole statutory break. */
        assert_int_equal(counts.breaks[BREAK_STATUTORY][ADHERENCE_NOT_TAKEN], 1);
        assert_int_equal(counts.breaks[BREAK_STATUTORY][ADHERENCE_UNKNOWN], 1);

        assert_non_null(f = open_memstream(&text, &size));
        assert_int_equal(adherence_print(&counts, f), 0);
        fclose(f);
        assert_string_equal(text, "adherence statutory: 0 taken, 0 partly taken, 1 not taken\n"
                                  "adherence recovery: 1 taken, 0 partly taken, 0 not taken\n");
}

static void test_timeline_from_calls(void **state) {
        _cleanup_(call_log_freep) CallLog *log = call_log_new();
        _cleanup_(call_index_freep) CallIndex *index = NULL;
        _cleanup_free_ AgentStateChange *changes = NULL;
        size_t n;

        assert_non_null(log);
        /* op1: a call 09:50-10:05, paused 10:05-10:20, a call 10:30-10:40
         * answered while still paused until 10:45. op2: calls alone. */
        assert_int_equal(call_log_add(log, &(CallRecord) { .operator = (char *) "op1", .start = AT(9, 50),
                                                           .end = AT(10, 5) }), 0);
        assert_int_equal(call_log_add(log, &(CallRecord) { .operator = (char *) "op1", .start = AT(10, 30),
                                                           .end = AT(10, 40) }), 0);
        assert_int_equal(call_log_add(log, &(CallRecord) { .operator = (char *) "op2", .start = AT(10, 0),
                                                           .end = AT(10, 10) }), 0);
        assert_int_equal(call_log_add_pause(log, "op1", AT(10, 5), AT(10, 20)), 0);
        assert_int_equal(call_log_add_pause(log, "op1", AT(10, 25), AT(10, 45)), 0);
        assert_int_equal(call_log_finish(log), 0);
        assert_int_equal(call_index_new(log, &index), 0);

        assert_int_equal(adherence_timeline_from_calls(index, "op1", &changes, &n), 0);
        assert_int_equal(n, 7);
        assert_int_equal(changes[0].state, AGENT_ON_CALL);
        assert_int_equal(changes[0].since, AT(9, 50));
        assert_int_equal(changes[1].state, AGENT_PAUSED);
        assert_int_equal(changes[1].since, AT(10, 5));
        assert_int_equal(changes[2].state, AGENT_AVAILABLE);
        assert_int_equal(changes[2].since, AT(10, 20));
        assert_int_equal(changes[3].state, AGENT_PAUSED);
        assert_int_equal(changes[4].state, AGENT_ON_CALL);
        assert_int_equal(changes[4].since, AT(10, 30));
        assert_int_equal(changes[5].state, AGENT_PAUSED);
        assert_int_equal(changes[5].since, AT(10, 40));
        assert_int_equal(changes[6].state, AGENT_AVAILABLE);
        assert_int_equal(changes[6].since, AT(10, 45));

        /* A recovery 10:05-10:20 was taken; one 10:25-10:45 was interrupted. */
        {
                Break taken = { .kind = BREAK_RECOVERY, .start = AT(10, 5), .end = AT(10, 20) };
                Break cut = { .kind = BREAK_RECOVERY, .start = AT(10, 25), .end = AT(10, 45) };
                AdherenceDetail d;

                adherence_judge(&taken, changes, n, USEC_INFINITY, &d);
                assert_int_equal(d.adherence, ADHERENCE_TAKEN);
                adherence_judge(&cut, changes, n, USEC_INFINITY, &d);
                assert_int_equal(d.adherence, ADHERENCE_PARTLY_TAKEN);
                assert_int_equal(d.interrupted, AT(10, 30));
        }

        /* Call records alone say nothing of pauses. */
        assert_int_equal(adherence_timeline_from_calls(index, "op2", &changes, &n), 0);
        assert_int_equal(n, 0);
        assert_int_equal(adherence_timeline_from_calls(NULL, "op1", &changes, &n), 0);
        assert_int_equal(n, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_taken),
                cmocka_unit_test(test_interrupted),
                cmocka_unit_test(test_not_taken),
                cmocka_unit_test(test_unknown),
                cmocka_unit_test(test_count),
                cmocka_unit_test(test_timeline_from_calls),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
