/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "roster-helpers.h"
#include "test-helpers.h"

#include "import/roster-csv.h"
#include "shared/log.h"
#include "shared/time-util.h"

#define FIXTURES "tests/fixtures/"
#define REAL_ROSTER "../shared/data/anonbank-1999/roster-1999-01.csv"

static size_t count_lines(const char *s) {
        size_t n = 0;

        for (; *s; s++)
                n += *s == '\n';
        return n;
}

static const Operator *operator(const Roster *r, const char *id) {
        ssize_t i = roster_find_operator(r, id);

        assert_true(i >= 0);
        return &r->operators[i];
}

static void test_good(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        const Shift *s;
        size_t skipped = 99;

        assert_int_equal(roster_load_csv(r, FIXTURES "roster-good.csv", "Asia/Tokyo", &skipped), 0);
        assert_int_equal(skipped, 0);
        assert_int_equal(r->n_operators, 4);
        assert_int_equal(r->n_shifts, 6);
        /* One warning for the unknown column, none for the rows. */
        assert_non_null(strstr(captured(), "roster-good.csv:1: unknown columns 'extra', ignoring"));
        assert_int_equal(count_lines(captured()), 1);

        assert_int_equal(roster_finish(r, 2 * USEC_PER_HOUR), 0);
        assert_string_equal(r->operators[0].id, "op01");
        assert_string_equal(r->operators[3].id, "op04");
        assert_int_equal(roster_find_operator(r, "op05"), -ENOENT);

        assert_string_equal(operator(r, "op01")->name, "Sato, Hanako");
        assert_string_equal(operator(r, "op01")->team, "retail");
        assert_string_equal(operator(r, "op02")->name, "Line one\r\nline two");
        assert_string_equal(operator(r, "op03")->name, "山田太郎");
        assert_string_equal(operator(r, "op03")->team, "default");
        assert_string_equal(operator(r, "op04")->name, "op04");

        /* Split shift: joined, the gap a planned break. */
        assert_int_equal(n_shifts_of(r, "op01"), 1);
        s = nth_shift(r, "op01", 0);
        assert_int_equal(s->start, instant("2021-03-01T00:00:00Z"));
        assert_int_equal(s->end, instant("2021-03-01T09:00:00Z"));
        assert_int_equal(s->n_planned, 1);
        assert_int_equal(s->planned[0].start, instant("2021-03-01T04:00:00Z"));
        assert_int_equal(s->planned[0].end, instant("2021-03-01T05:00:00Z"));
        assert_string_equal(s->source, FIXTURES "roster-good.csv:2");

        /* Midnight-crossing shift merged with the overlapping one after it. */
        assert_int_equal(n_shifts_of(r, "op02"), 1);
        s = nth_shift(r, "op02", 0);
        assert_int_equal(s->start, instant("2021-03-01T22:00:00+09:00"));
        assert_int_equal(s->end, instant("2021-03-02T08:00:00+09:00"));
        assert_int_equal(s->n_planned, 0);
        assert_string_equal(s->source, FIXTURES "roster-good.csv:4");
        assert_non_null(strstr(captured(), FIXTURES "roster-good.csv:7: shift overlaps the one from "
                                           FIXTURES "roster-good.csv:4 of operator 'op02', merging them\n"));

        /* Civil time in the site's zone. */
        s = nth_shift(r, "op03", 0);
        assert_int_equal(s->start, instant("2021-02-28T23:00:00Z"));
        assert_int_equal(s->end, instant("2021-03-01T03:00:00Z"));
        assert_string_equal(s->source, FIXTURES "roster-good.csv:6");
        s = nth_shift(r, "op04", 0);
        assert_string_equal(s->source, FIXTURES "roster-good.csv:10");
}

/* The optional language column: what an operator's feed speaks. The first
 * language of an operator stays (a warning names the row of another); a
 * value that is no language skips its row; an empty one is the site's. */
static void test_language(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        size_t skipped = 0;

        assert_int_equal(roster_load_csv(r, FIXTURES "roster-language.csv", "Asia/Tokyo", &skipped), 0);
        assert_int_equal(skipped, 1);
        assert_int_equal(roster_finish(r, 0), 0);
        assert_int_equal(r->n_operators, 3);
        assert_string_equal(operator(r, "op1")->language, "ja");
        assert_int_equal(n_shifts_of(r, "op1"), 2);
        assert_null(operator(r, "op2")->language);
        assert_int_equal(roster_find_operator(r, "op3"), -ENOENT);
        assert_string_equal(operator(r, "op4")->language, "pt_BR");
        assert_non_null(strstr(captured(), "roster-language.csv:3: operator 'op1' has language 'ja' already, "
                                           "ignoring 'ko'"));
        assert_non_null(strstr(captured(), "roster-language.csv:5: expected a language such as 'ja' or 'pt_BR' "
                                           "in column 'language', got 'ja-JP!'"));
        assert_null(strstr(captured(), "unknown columns"));
}

static void test_split_gap(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();

        /* Without joining, the split shift stays two shifts; an overlap still merges. */
        assert_int_equal(roster_load_csv(r, FIXTURES "roster-good.csv", "Asia/Tokyo", NULL), 0);
        assert_int_equal(roster_finish(r, 0), 0);
        assert_int_equal(r->n_shifts, 5);
        assert_int_equal(n_shifts_of(r, "op01"), 2);
        assert_int_equal(nth_shift(r, "op01", 0)->end, instant("2021-03-01T04:00:00Z"));
        assert_int_equal(nth_shift(r, "op01", 1)->start, instant("2021-03-01T05:00:00Z"));
        assert_int_equal(nth_shift(r, "op01", 1)->n_planned, 0);
        assert_int_equal(n_shifts_of(r, "op02"), 1);

        /* A gap longer than split_gap: not joined. */
        roster_free(r);
        r = roster_new();
        assert_int_equal(roster_load_csv(r, FIXTURES "roster-good.csv", "Asia/Tokyo", NULL), 0);
        assert_int_equal(roster_finish(r, 59 * USEC_PER_MINUTE), 0);
        assert_int_equal(n_shifts_of(r, "op01"), 2);
        assert_int_equal(roster_finish(r, USEC_PER_HOUR), 0);
        assert_int_equal(n_shifts_of(r, "op01"), 1);
        assert_int_equal(nth_shift(r, "op01", 0)->n_planned, 1);
}

static void test_bad_rows(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        size_t skipped = 0;
        const char *log;

        assert_int_equal(roster_load_csv(r, FIXTURES "roster-bad.csv", "Asia/Tokyo", &skipped), 0);
        assert_int_equal(skipped, 7);
        assert_int_equal(r->n_shifts, 2);
        assert_int_equal(roster_finish(r, 0), 0);
        assert_int_equal(r->n_operators, 2);
        assert_string_equal(r->operators[0].id, "op01");
        assert_string_equal(r->operators[1].id, "op07");

        log = captured();
        print_message("%s", log);
        assert_int_equal(count_lines(log), 7);
        assert_non_null(strstr(log, FIXTURES "roster-bad.csv:3: end 1999-01-01T06:00:00+02:00 is not after start 1999-01-01T08:00:00+02:00, skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "roster-bad.csv:4: expected an ISO 8601 instant in column 'start', got 'xyz', skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "roster-bad.csv:5: missing field 'operator', skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "roster-bad.csv:6: missing field 'end', skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "roster-bad.csv:8: expected an ISO 8601 instant in column 'start', got '2021-02-30T09:00:00+09:00', skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "roster-bad.csv:10: missing field 'start', skipping row\n"));
        assert_non_null(strstr(log, FIXTURES "roster-bad.csv:11: instant '1969-12-31T09:00:00+00:00' in column 'start' is before 1970, skipping row\n"));
}

static void test_unknown_zone(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        size_t skipped = 0;

        /* Rows with an offset load; rows in civil time cannot. */
        assert_int_equal(roster_load_csv(r, FIXTURES "roster-good.csv", "Mars/Olympus", &skipped), 0);
        assert_int_equal(skipped, 2);
        assert_int_equal(r->n_shifts, 4);
        assert_non_null(strstr(captured(), "roster-good.csv:6: unknown time zone 'Mars/Olympus' for '2021-03-01T08:00', skipping row"));
}

static void test_dst_and_cr(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        const Shift *s;

        /* CR-only line ends; a night shift across the DST change of 1999-04-02 in Israel. */
        assert_int_equal(roster_load_csv(r, FIXTURES "roster-cr.csv", "Asia/Jerusalem", NULL), 0);
        assert_int_equal(roster_finish(r, 0), 0);
        assert_int_equal(r->n_shifts, 2);
        s = nth_shift(r, "op01", 0);
        assert_int_equal(s->start, instant("1999-04-01T20:00:00Z"));
        assert_int_equal(s->end, instant("1999-04-02T03:00:00Z"));
        assert_int_equal(s->end - s->start, 7 * USEC_PER_HOUR);
        assert_string_equal(s->source, FIXTURES "roster-cr.csv:2");
        assert_string_equal(operator(r, "op01")->name, "Mac\rname");
        assert_string_equal(operator(r, "op02")->name, "Spaced");
        assert_string_equal(nth_shift(r, "op02", 0)->source, FIXTURES "roster-cr.csv:6");
}

static void test_conflicting_names(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();

        assert_int_equal(roster_load_csv(r, FIXTURES "roster-conflict.csv", "Asia/Tokyo", NULL), 0);
        assert_int_equal(roster_finish(r, 0), 0);
        assert_int_equal(r->n_operators, 1);
        assert_int_equal(r->n_shifts, 4);
        assert_string_equal(r->operators[0].name, "Name A");
        assert_string_equal(r->operators[0].team, "team-a");
        assert_int_equal(count_lines(captured()), 1);
        assert_non_null(strstr(captured(), "roster-conflict.csv:3: operator 'op01'"));
}

/* Ids name feed files: nothing may escape the feed directory or clash with
 * a team feed, and everything must travel on D-Bus. */
static void test_names(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        size_t skipped = 0;

        assert_int_equal(roster_load_csv(r, FIXTURES "roster-names.csv", "Asia/Jerusalem", &skipped), 0);
        assert_int_equal(skipped, 6);
        assert_int_equal(r->n_operators, 2);
        assert_true(roster_find_operator(r, "田中 花子") >= 0);
        assert_true(roster_find_operator(r, "op 😀") >= 0);
        for (unsigned line = 2; line <= 5; line++) {
                char want[128];

                snprintf(want, sizeof want, FIXTURES "roster-names.csv:%u: operator id is not usable", line);
                assert_non_null(strstr(captured(), want));
        }
        assert_non_null(strstr(captured(), FIXTURES "roster-names.csv:6: team name is not usable"));
        assert_non_null(strstr(captured(), FIXTURES "roster-names.csv:9: not valid UTF-8"));
}

static void test_unusable_files(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();

        assert_int_equal(roster_load_csv(r, FIXTURES "roster-noheader.csv", "Asia/Tokyo", NULL), -EBADMSG);
        assert_int_equal(r->n_shifts, 0);
        assert_int_equal(roster_load_csv(r, FIXTURES "roster-empty.csv", "Asia/Tokyo", NULL), -ENODATA);
        assert_int_equal(r->n_shifts, 0);
        assert_int_equal(roster_load_csv(r, FIXTURES "does-not-exist.csv", "Asia/Tokyo", NULL), -ENOENT);
        assert_int_equal(r->n_shifts, 0);
        assert_int_equal(roster_load_csv(r, FIXTURES "roster-truncated.csv", "Asia/Tokyo", NULL), -EBADMSG);
        assert_int_equal(roster_load_csv(r, "tests/fixtures", "Asia/Tokyo", NULL), -EISDIR);
        /* What is wrong with the file is said with file and line. */
        assert_non_null(strstr(captured(), FIXTURES "roster-noheader.csv:1: expected a header row naming "
                                           "the columns operator,start,end; column 'operator' is missing\n"));
        assert_non_null(strstr(captured(), FIXTURES "roster-empty.csv: the file is empty, expected a header row\n"));
        assert_non_null(strstr(captured(), FIXTURES "roster-truncated.csv:"));
        assert_non_null(strstr(captured(), ": a quoted field is not closed by the end of the file\n"));
        /* Once each: no open quote is made up after a header that lacks a column. */
        assert_null(strstr(captured(), FIXTURES "roster-noheader.csv:2"));
        assert_non_null(strstr(captured(), FIXTURES "does-not-exist.csv: cannot open: No such file or directory\n"));
        assert_non_null(strstr(captured(), "tests/fixtures: cannot open: Is a directory\n"));
}

static void test_several_files(void **state) {
        _cleanup_(roster_freep) Roster *r = roster_new();

        /* A second file adds to the roster; indices stay right as operators are inserted. */
        assert_int_equal(roster_load_csv(r, FIXTURES "roster-bad.csv", "Asia/Tokyo", NULL), 0);
        assert_int_equal(roster_load_csv(r, FIXTURES "roster-good.csv", "Asia/Tokyo", NULL), 0);
        assert_int_equal(roster_finish(r, 2 * USEC_PER_HOUR), 0);
        assert_int_equal(r->n_operators, 5);
        assert_string_equal(operator(r, "op01")->name, "A");
        assert_int_equal(n_shifts_of(r, "op07"), 1);
        assert_string_equal(nth_shift(r, "op07", 0)->source, FIXTURES "roster-bad.csv:9");
        /* op01's 09:00-13:00 from both files overlap, then the split joins. */
        assert_int_equal(n_shifts_of(r, "op01"), 1);
        assert_int_equal(nth_shift(r, "op01", 0)->n_planned, 1);
        for (size_t i = 1; i < r->n_shifts; i++)
                assert_true(strcmp(r->operators[r->shifts[i - 1].operator].id,
                                   r->operators[r->shifts[i].operator].id) < 0 ||
                            (r->shifts[i - 1].operator == r->shifts[i].operator &&
                             r->shifts[i - 1].end < r->shifts[i].start));
}

static void test_real_roster(void **state) {
        _cleanup_(roster_freep) Roster *r = NULL;
        size_t skipped = 99;

        /* skip() jumps out: nothing allocated before it. */
        if (access(REAL_ROSTER, R_OK) < 0)
                skip();
        r = roster_new();
        assert_non_null(r);

        assert_int_equal(roster_load_csv(r, REAL_ROSTER, "Asia/Jerusalem", &skipped), 0);
        assert_int_equal(skipped, 0);
        assert_int_equal(r->n_shifts, 411);
        assert_int_equal(r->n_operators, 28);
        assert_string_equal(captured(), "");
        assert_int_equal(roster_finish(r, 0), 0);
        assert_int_equal(r->n_shifts, 411);
        assert_string_equal(operator(r, "op17")->name, "Operator 17");
        assert_int_equal(nth_shift(r, "op17", 0)->start, instant("1999-01-01T06:45:00+02:00"));
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_good, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_split_gap, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_language, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_bad_rows, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_unknown_zone, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_dst_and_cr, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_conflicting_names, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_names, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_unusable_files, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_several_files, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_real_roster, capture_log, release_log),
        };

        return run_tests_in_zone(tests, "America/Sao_Paulo");
}
