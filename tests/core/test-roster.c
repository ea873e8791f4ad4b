/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "roster-helpers.h"
#include "test-helpers.h"

#include "core/roster.h"
#include "shared/csv-reader.h"
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

typedef struct Collected {
        char *text;             /* "line:field|field;" for each record */
        size_t size;
        FILE *f;
} Collected;

static int collect_record(const CsvRecord *rec, void *userdata) {
        Collected *c = userdata;

        fprintf(c->f, "%u:", rec->line);
        for (size_t i = 0; i < rec->n_fields; i++)
                fprintf(c->f, "%s%s", i > 0 ? "|" : "", rec->fields[i]);
        fputc(';', c->f);
        return 0;
}

static int stop_at_second(const CsvRecord *rec, void *userdata) {
        unsigned *n = userdata;

        return ++*n == 2 ? -ECANCELED : 0;
}

static void test_csv_reader(void **state) {
        Collected c = {};
        unsigned n = 0;

        c.f = open_memstream(&c.text, &c.size);
        assert_non_null(c.f);
        assert_int_equal(csv_read_file(FIXTURES "roster-cr.csv", collect_record, &c), 0);
        fclose(c.f);
        assert_string_equal(c.text,
                            "1:operator|name|start|end;"
                            "2:op01|Mac\rname|1999-04-01T22:00|1999-04-02T06:00;"
                            "6:op02|Spaced|1999-04-01T10:00|1999-04-01T12:00;");
        free(c.text);

        c = (Collected) {};
        c.f = open_memstream(&c.text, &c.size);
        assert_non_null(c.f);
        assert_int_equal(csv_read_file(FIXTURES "roster-good.csv", collect_record, &c), 0);
        fclose(c.f);
        /* The BOM is gone, CRLF counts once, the quoted newline is kept. */
        assert_non_null(strstr(c.text, "1:team|operator|name|start|end|extra;2:retail|op01|Sato, Hanako|"));
        assert_non_null(strstr(c.text, ";4:support|op02|Line one\r\nline two|"));
        assert_non_null(strstr(c.text, ";6:|op03|山田太郎|"));
        assert_non_null(strstr(c.text, ";10:retail|op04||"));
        free(c.text);

        c = (Collected) {};
        c.f = open_memstream(&c.text, &c.size);
        assert_non_null(c.f);
        assert_int_equal(csv_read_file(FIXTURES "roster-truncated.csv", collect_record, &c), -EBADMSG);
        fclose(c.f);
        assert_string_equal(c.text, "1:operator|start|end;2:op01|2021-03-01T09:00:00+09:00|2021-03-01T13:00:00+09:00;");
        free(c.text);

        assert_int_equal(csv_read_file(FIXTURES "roster-good.csv", stop_at_second, &n), -ECANCELED);
        assert_int_equal(n, 2u);
        assert_int_equal(csv_read_file(FIXTURES "does-not-exist.csv", stop_at_second, &n), -ENOENT);
}

typedef struct LineCheck {
        unsigned records;
        bool lines_right;
} LineCheck;

static int check_record_line(const CsvRecord *rec, void *userdata) {
        LineCheck *c = userdata;

        c->records++;
        if (rec->line != c->records)
                c->lines_right = false;
        return 0;
}

/* CRLF line ends at every alignment: some "\r\n" is split between two
 * reads of the file whatever the reader's chunk size (up to 70 KiB). */
static void test_csv_crlf_across_chunks(void **state) {
        const unsigned rows = 1100;

        for (unsigned header = 64; header < 128; header++) {
                char path[] = "/tmp/test-roster-XXXXXX";
                LineCheck c = { .lines_right = true };
                _cleanup_(fclosep) FILE *f = NULL;
                int fd;

                fd = mkostemp(path, O_CLOEXEC);
                assert_true(fd >= 0);
                f = fdopen(fd, "we");
                assert_non_null(f);
                /* A header of `header` bytes, then rows of 64 bytes, CRLF included. */
                fprintf(f, "operator,start,end,%0*u\r\n", (int) header - 21, 0u);
                for (unsigned i = 0; i < rows; i++)
                        fprintf(f, "op01,2021-03-01T09:00:00+09:00,2021-03-01T13:00:00+09:00,%05u\r\n", i);
                assert_int_equal(fflush(f), 0);

                assert_int_equal(csv_read_file(path, check_record_line, &c), 0);
                assert_int_equal(unlink(path), 0);
                assert_int_equal(c.records, rows + 1);
                assert_true(c.lines_right);
        }
}

static void test_csv_column(void **state) {
        char *fields[] = { (char *) "Operator", (char *) " start ", (char *) "END" };
        CsvRecord header = { .fields = fields, .n_fields = ELEMENTSOF(fields), .line = 1 };

        assert_int_equal(csv_column(&header, "operator"), 0);
        assert_int_equal(csv_column(&header, "start"), 1);
        assert_int_equal(csv_column(&header, "end"), 2);
        assert_int_equal(csv_column(&header, "team"), -ENOENT);
        assert_int_equal(csv_column(&header, "star"), -ENOENT);
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

        assert_true(roster_name_is_valid("team-retail", true));
        assert_false(roster_name_is_valid("team-retail", false));
        assert_false(roster_name_is_valid("", true));
        assert_false(roster_name_is_valid("a\tb", true));
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
        _cleanup_(roster_freep) Roster *r = roster_new();
        size_t skipped = 99;

        if (access(REAL_ROSTER, R_OK) < 0)
                skip();

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
                cmocka_unit_test_setup_teardown(test_csv_reader, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_csv_crlf_across_chunks, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_csv_column, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_good, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_split_gap, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_bad_rows, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_unknown_zone, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_dst_and_cr, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_conflicting_names, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_names, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_unusable_files, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_several_files, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_real_roster, capture_log, release_log),
        };

        /* Not the site's zone: results must not depend on the machine's. */
        setenv("TZ", "America/Sao_Paulo", 1);
        tzset();

        return cmocka_run_group_tests(tests, NULL, NULL);
}
