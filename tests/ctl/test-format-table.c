/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "test-helpers.h"

#include "ctl/format-table.h"
#include "shared/i18n.h"

/* What table_print_csv() (or another printer) writes on stdout. */
static char *print_captured(int (*print)(const Table *t), const Table *t, int *ret) {
        char *text = NULL;
        size_t size = 0;
        FILE *saved = stdout, *f = open_memstream(&text, &size);

        assert_non_null(f);
        stdout = f;
        *ret = print(t);
        stdout = saved;
        assert_int_equal(fclose(f), 0);
        return text;
}

static int table_print_plain(const Table *t) {
        return table_print(t, false);
}

/* A record's columns: text shows TIME, OPERATOR, RECOVERY (a span), NOTE;
 * JSON and a record's CSV have time, operator, recovery_start,
 * recovery_end, note, minutes. */
static const TableColumn columns[] = {
        { "TIME",     "time"           },
        { "OPERATOR", "operator"       },
        { "RECOVERY", NULL             },
        { NULL,       "recovery_start" },
        { NULL,       "recovery_end"   },
        { "NOTE",     "note"           },
        { NULL,       "minutes"        },
};

static Table *record_table(void) {
        Table *t = table_new(columns, ELEMENTSOF(columns));
        const char *zone = "Asia/Jerusalem";

        assert_non_null(t);
        /* A threat with a recovery break, and an incident with none. */
        assert_int_equal(table_add_time(t, TABLE_TIMESTAMP_MINUTE, instant("1999-01-04T09:00:12+02:00"), zone), 0);
        assert_int_equal(table_add_string(t, "op16"), 0);
        assert_int_equal(table_add_string(t, "09:01-09:21"), 0);
        assert_int_equal(table_add_time(t, TABLE_CLOCK, instant("1999-01-04T09:01:00+02:00"), zone), 0);
        assert_int_equal(table_add_time(t, TABLE_CLOCK, instant("1999-01-04T09:21:00+02:00"), zone), 0);
        assert_int_equal(table_add_string(t, "said \"I know where you live\", twice"), 0);
        assert_int_equal(table_add_duration(t, 20 * USEC_PER_MINUTE), 0);

        assert_int_equal(table_add_time(t, TABLE_TIMESTAMP_MINUTE, instant("1999-07-01T23:59:00Z"), zone), 0);
        assert_int_equal(table_add_string(t, "op27"), 0);
        assert_int_equal(table_add_string(t, "-"), 0);
        assert_int_equal(table_add_time(t, TABLE_CLOCK, 0, zone), 0);
        assert_int_equal(table_add_time(t, TABLE_CLOCK, 0, zone), 0);
        assert_int_equal(table_add_string(t, NULL), 0);
        assert_int_equal(table_add_duration(t, 0), 0);
        return t;
}

static void test_csv_text(void **state) {
        _cleanup_(table_freep) Table *t = record_table();
        _cleanup_free_ char *text = NULL;
        int r;

        /* The default: the text's columns as the text shows them, the JSON keys as the header. */
        text = print_captured(table_print_csv, t, &r);
        assert_int_equal(r, 0);
        assert_string_equal(text,
                            "time,operator,RECOVERY,note\n"
                            "1999-01-04 09:00,op16,09:01-09:21,\"said \"\"I know where you live\"\", twice\"\n"
                            "1999-07-02 02:59,op27,-,\n");
}

static void test_csv_record(void **state) {
        _cleanup_(table_freep) Table *t = record_table();
        _cleanup_free_ char *text = NULL;
        int r;

        /* A record: every JSON column, ISO 8601 with the offset of the day
         * (Israel's summer time in July), none empty, minutes whole. */
        table_set_csv_style(t, TABLE_CSV_RECORD);
        text = print_captured(table_print_csv, t, &r);
        assert_int_equal(r, 0);
        assert_string_equal(text,
                            "time,operator,recovery_start,recovery_end,note,minutes\n"
                            "1999-01-04T09:00:12+02:00,op16,1999-01-04T09:01:00+02:00,1999-01-04T09:21:00+02:00,"
                            "\"said \"\"I know where you live\"\", twice\",20\n"
                            "1999-07-02T02:59:00+03:00,op27,,,,0\n");

        /* JSON does not change with the CSV style. */
        free(text);
        text = print_captured(table_print_json, t, &r);
        assert_int_equal(r, 0);
        assert_non_null(strstr(text, "\"recovery_start\": null"));
        assert_non_null(strstr(text, "\"time\": \"1999-07-02T02:59:00+03:00\""));
}

static void test_csv_record_bad_zone(void **state) {
        _cleanup_(table_freep) Table *t = table_new(columns, 1);
        _cleanup_free_ char *text = NULL;
        int r;

        /* An instant that does not format fails the record, and prints nothing. */
        assert_non_null(t);
        table_set_csv_style(t, TABLE_CSV_RECORD);
        assert_int_equal(table_add_time(t, TABLE_TIMESTAMP_MINUTE, instant("1999-01-04T09:00:00Z"), "Nowhere/City"),
                         0);
        text = print_captured(table_print_csv, t, &r);
        assert_int_equal(r, -EINVAL);
        assert_string_equal(text, "");
}

/* The text: no line ends in spaces, however wide the column a row leaves
 * empty (an alert without a NOTE, respitectl alerts). */
static void test_text_no_trailing_spaces(void **state) {
        _cleanup_(table_freep) Table *t = record_table();
        _cleanup_free_ char *text = NULL;
        int r;

        text = print_captured(table_print_plain, t, &r);
        assert_int_equal(r, 0);
        assert_string_equal(text,
                            "TIME              OPERATOR  RECOVERY     NOTE\n"
                            "1999-01-04 09:00  op16      09:01-09:21  said \"I know where you live\", twice\n"
                            "1999-07-02 02:59  op27      -\n");
}

/* A schedule's text: lengths and agent states as the reader says them. */
static const TableColumn day_columns[] = {
        { "LENGTH", "minutes" },
        { "STATE",  "state"   },
};

static Table *day_table(void) {
        Table *t = table_new(day_columns, ELEMENTSOF(day_columns));

        assert_non_null(t);
        assert_int_equal(table_add_duration(t, 20 * USEC_PER_MINUTE), 0);
        assert_int_equal(table_add_agent_state(t, "on_call"), 0);
        assert_int_equal(table_add_duration(t, 65 * USEC_PER_MINUTE), 0);
        assert_int_equal(table_add_agent_state(t, "paused"), 0);
        assert_int_equal(table_add_duration(t, USEC_PER_HOUR), 0);
        assert_int_equal(table_add_agent_state(t, "dancing"), 0);
        return t;
}

static void test_lengths_and_states(void **state) {
        _cleanup_(table_freep) Table *t = day_table();
        _cleanup_free_ char *en = NULL, *ja = NULL, *csv = NULL;
        char buf[DURATION_MAX];
        char *saved = NULL;
        int r;

        /* English: as duration_format() writes them, the states as they are. */
        en = print_captured(table_print_plain, t, &r);
        assert_int_equal(r, 0);
        assert_string_equal(en,
                            "LENGTH   STATE\n"
                            "20min    on_call\n"
                            "1h 5min  paused\n"
                            "1h       dancing\n");
        /* Seconds to the nearest (not "4s 999ms 817us"); a day or more keeps duration_format()'s units. */
        assert_string_equal(duration_format_words(90 * USEC_PER_SEC, buf), "1min 30s");
        assert_string_equal(duration_format_words(4 * USEC_PER_SEC + 499817, buf), "4s");
        assert_string_equal(duration_format_words(372 * USEC_PER_SEC + 860900, buf), "6min 13s");
        assert_string_equal(duration_format_words(0, buf), "0s");
        assert_string_equal(duration_format_words(25 * USEC_PER_HOUR, buf), "1d 1h");

        /* Japanese: 20分, 1時間5分, 通話中; CSV keeps the machine values. */
        assert_int_equal(use_build_catalogues(state), 0);
        assert_int_equal(i18n_language_push("ja", &saved), 0);
        ja = print_captured(table_print_plain, t, &r);
        assert_int_equal(r, 0);
        assert_string_equal(ja,
                            "長さ      状態\n"
                            "20分      通話中\n"
                            "1時間5分  離席中\n"
                            "1時間     dancing\n");
        assert_string_equal(duration_format_words(372 * USEC_PER_SEC + 860900, buf), "6分13秒");
        assert_string_equal(duration_format_words(4 * USEC_PER_SEC + 499817, buf), "4秒");
        csv = print_captured(table_print_csv, t, &r);
        assert_int_equal(r, 0);
        assert_string_equal(csv, "minutes,state\n20min,on_call\n1h 5min,paused\n1h,dancing\n");
        i18n_language_pop(saved);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_csv_text),
                cmocka_unit_test(test_csv_record),
                cmocka_unit_test(test_csv_record_bad_zone),
                cmocka_unit_test(test_text_no_trailing_spaces),
                cmocka_unit_test(test_lengths_and_states),
        };

        return run_tests_in_zone(tests, "America/Sao_Paulo");
}
