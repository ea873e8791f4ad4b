/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "roster-helpers.h"
#include "test-helpers.h"

#include "core/roster.h"

/* Ids name feed files: nothing may escape the feed directory or clash with
 * a team feed, and everything must travel on D-Bus. */
static void test_name_is_valid(void **state) {
        char long_name[130];

        assert_true(roster_name_is_valid("team-retail", true));
        assert_false(roster_name_is_valid("team-retail", false));
        assert_false(roster_name_is_valid("", true));
        assert_false(roster_name_is_valid("a\tb", true));

        assert_true(roster_name_is_valid("op 😀", false));
        assert_true(roster_name_is_valid("田中 花子", false));
        assert_false(roster_name_is_valid("op/1", false));
        assert_false(roster_name_is_valid("..", true));
        assert_false(roster_name_is_valid(".op", false));
        assert_false(roster_name_is_valid("op\x7f", false));
        assert_false(roster_name_is_valid("\xff", false));
        memset(long_name, 'x', 128);
        long_name[128] = 0;
        assert_true(roster_name_is_valid(long_name, false));
        long_name[128] = 'x';
        long_name[129] = 0;
        assert_false(roster_name_is_valid(long_name, false));
}

static void test_add_and_finish(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        const Shift *s;

        assert_non_null(r);
        assert_int_equal(roster_add_shift(r, "op02", NULL, NULL, instant("2021-03-01T08:00:00Z"),
                                          instant("2021-03-01T12:00:00Z"), "a.csv:2"), 0);
        assert_int_equal(roster_add_shift(r, "op01", "Sato", "retail", instant("2021-03-01T13:00:00Z"),
                                          instant("2021-03-01T17:00:00Z"), "a.csv:3"), 0);
        /* An operator keeps the name and team of its first shift. */
        assert_int_equal(roster_add_shift(r, "op01", "Other", "support", instant("2021-03-01T08:00:00Z"),
                                          instant("2021-03-01T12:00:00Z"), "a.csv:4"), 0);
        assert_int_equal(roster_add_shift(r, "op02", NULL, NULL, instant("2021-03-01T11:00:00Z"),
                                          instant("2021-03-01T14:00:00Z"), "a.csv:5"), 0);
        assert_int_equal(roster_add_shift(r, "team-x", NULL, NULL, 0, 1, "a.csv:6"), -EINVAL);
        assert_int_equal(roster_add_shift(r, "op03", NULL, "../etc", 0, 1, "a.csv:7"), -EINVAL);
        assert_int_equal(r->n_operators, 2);
        assert_int_equal(r->n_shifts, 4);

        assert_int_equal(roster_finish(r, USEC_PER_HOUR), 0);
        assert_int_equal(roster_find_operator(r, "op01"), 0);
        assert_int_equal(roster_find_operator(r, "op02"), 1);
        assert_int_equal(roster_find_operator(r, "op03"), -ENOENT);
        assert_string_equal(r->operators[0].name, "Sato");
        assert_string_equal(r->operators[0].team, "retail");
        assert_string_equal(r->operators[1].name, "op02");
        assert_string_equal(r->operators[1].team, "default");
        assert_int_equal(r->n_teams, 2);
        assert_string_equal(r->teams[0], "default");
        assert_string_equal(r->teams[1], "retail");
        assert_true(roster_has_team(r, "retail"));
        assert_false(roster_has_team(r, "support"));
        assert_string_equal(roster_operator_team(r, "op01"), "retail");
        assert_string_equal(roster_operator_team(r, "op02"), "default");
        assert_null(roster_operator_team(r, "op03"));

        /* A gap of one hour: one shift, the gap a planned break. */
        assert_int_equal(n_shifts_of(r, "op01"), 1);
        s = nth_shift(r, "op01", 0);
        assert_int_equal(s->start, instant("2021-03-01T08:00:00Z"));
        assert_int_equal(s->end, instant("2021-03-01T17:00:00Z"));
        assert_int_equal(s->n_planned, 1);
        assert_int_equal(s->planned[0].start, instant("2021-03-01T12:00:00Z"));
        assert_int_equal(s->planned[0].end, instant("2021-03-01T13:00:00Z"));
        assert_string_equal(s->source, "a.csv:4");

        /* Overlapping shifts: merged, said once. */
        assert_int_equal(n_shifts_of(r, "op02"), 1);
        s = nth_shift(r, "op02", 0);
        assert_int_equal(s->end, instant("2021-03-01T14:00:00Z"));
        assert_int_equal(s->n_planned, 0);
        assert_string_equal(captured(), "a.csv:5: shift overlaps the one from a.csv:2 of operator 'op02', merging them\n");
}

static void test_append(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new(), *from = roster_new();

        assert_int_equal(roster_add_shift(r, "op02", NULL, NULL, 10, 20, "a.csv:2"), 0);
        assert_int_equal(roster_add_shift(from, "op01", "Sato", "retail", 30, 40, "b.ics:7"), 0);
        assert_int_equal(roster_add_shift(from, "op02", "Other", "support", 50, 60, "b.ics:9"), 0);
        assert_int_equal(roster_append(r, from), 0);
        assert_int_equal(roster_finish(r, 0), 0);
        assert_int_equal(r->n_operators, 2);
        assert_int_equal(r->n_shifts, 3);
        assert_string_equal(r->operators[0].team, "retail");
        assert_string_equal(r->operators[1].team, "default");
        assert_string_equal(nth_shift(r, "op01", 0)->source, "b.ics:7");
        assert_int_equal(nth_shift(r, "op02", 1)->start, 50);

        /* An empty roster finishes with no teams. */
        roster_free(from);
        from = roster_new();
        assert_int_equal(roster_finish(from, 0), 0);
        assert_int_equal(from->n_teams, 0);
        assert_null(from->teams[0]);
        assert_null(roster_free(NULL));
}

static void test_trim(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        char id[16];

        /* Trimmed to what it holds, a roster still takes more. */
        for (unsigned i = 0; i < 100; i++) {
                snprintf(id, sizeof id, "op%03u", i);
                assert_int_equal(roster_add_shift(r, id, NULL, i % 2 ? "odd" : "even", 10 * i, 10 * i + 5, "a.csv:1"), 0);
                if (i % 9 == 0)
                        roster_trim(r);
        }
        assert_int_equal(roster_add_shift(r, "op000", NULL, NULL, 2000, 2005, "a.csv:2"), 0);
        assert_int_equal(roster_finish(r, 0), 0);
        assert_int_equal(r->n_operators, 100);
        assert_int_equal(r->n_shifts, 101);
        assert_int_equal(r->n_teams, 2);
        assert_string_equal(r->teams[1], "odd");
        assert_null(r->teams[2]);
        assert_int_equal(nth_shift(r, "op099", 0)->start, 990);
        assert_int_equal(nth_shift(r, "op000", 1)->start, 2000);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_name_is_valid),
                cmocka_unit_test_setup_teardown(test_add_and_finish, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_append, capture_log, release_log),
                cmocka_unit_test(test_trim),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
