/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "shared/i18n.h"
#include "shared/time-util.h"
#include "test-helpers.h"

/* Civil time in zone, parsed from "YYYY-MM-DDTHH:MM[:SS]" without offset. */
static usec_t civil(const char *s, const char *zone) {
        usec_t t = 0;

        assert_int_equal(time_parse_iso8601(s, zone, &t), 0);
        return t;
}

static void test_parse_offsets(void **state) {
        usec_t t;

        assert_int_equal(time_parse_iso8601("1999-01-01T06:55:43+02:00", NULL, &t), 0);
        assert_int_equal(t, 915166543 * USEC_PER_SEC);
        assert_int_equal(instant("1999-01-01T04:55:43Z"), 915166543 * USEC_PER_SEC);
        assert_int_equal(instant("1999-01-01 04:55:43z"), 915166543 * USEC_PER_SEC);
        assert_int_equal(instant("1999-01-01T06:55:43+0200"), 915166543 * USEC_PER_SEC);
        assert_int_equal(instant("1999-01-01T06:55:43+02"), 915166543 * USEC_PER_SEC);
        assert_int_equal(instant("1999-01-01T01:25:43-0330"), 915166543 * USEC_PER_SEC);
        assert_int_equal(instant("1998-12-31T23:55:43-05:00"), 915166543 * USEC_PER_SEC);
        assert_int_equal(instant("1999-01-01T04:55Z"), 915166500 * USEC_PER_SEC);
        assert_int_equal(instant("1999-01-01T04:55:43.25Z"), 915166543 * USEC_PER_SEC + 250000);
        assert_int_equal(instant("1999-01-01T04:55:43.1234567Z"), 915166543 * USEC_PER_SEC + 123456);
        assert_int_equal(instant("1970-01-01T00:00:00Z"), 0);
        assert_int_equal(instant("2000-02-29T00:00:00Z"), 951782400 * USEC_PER_SEC);
}

static void test_parse_civil(void **state) {
        usec_t t;

        /* Without an offset: civil time of the zone given. */
        assert_int_equal(civil("1999-01-01T06:55:43", "Asia/Jerusalem"), instant("1999-01-01T06:55:43+02:00"));
        assert_int_equal(civil("1999-07-01T06:55", "Asia/Jerusalem"), instant("1999-07-01T06:55:00+03:00"));
        assert_int_equal(civil("1999-07-01 06:55:00", "UTC"), instant("1999-07-01T06:55:00Z"));
        /* An offset wins over the zone. */
        assert_int_equal(civil("1999-07-01T06:55:00Z", "Asia/Jerusalem"), instant("1999-07-01T06:55:00Z"));
        /* Civil time needs a zone. */
        assert_int_equal(time_parse_iso8601("1999-07-01T06:55:00", NULL, &t), -EINVAL);
        assert_int_equal(time_parse_iso8601("1999-07-01T06:55:00", "Mars/Olympus", &t), -ENOENT);
}

static void test_parse_invalid(void **state) {
        static const char * const bad[] = {
                "", "1999", "1999-01-01", "1999-1-01T00:00Z", "1999-01-01T0:00Z",
                "1999-02-30T10:00Z", "1999-02-29T10:00Z", "1999-13-01T00:00Z", "1999-00-10T00:00Z",
                "1999-04-31T00:00Z", "1999-01-01T24:00Z", "1999-01-01T10:60Z",
                "1999-01-01T10:00+2", "1999-01-01T10:00+02:0", "1999-01-01T10:00+24:00",
                "1999-01-01T10:00Zjunk", "1999-01-01T10:00:00.Z", " 1999-01-01T10:00Z",
                "1999-01-01T10:00Z ", "1999-01-01X10:00Z", "yesterday",
        };
        usec_t t;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                print_message("%s\n", bad[i]);
                assert_int_equal(time_parse_iso8601(bad[i], "Asia/Jerusalem", &t), -EINVAL);
        }
        assert_int_equal(time_parse_iso8601("1969-12-31T23:59:59Z", NULL, &t), -ERANGE);
        assert_int_equal(time_parse_iso8601("1970-01-01T01:00:00+02:00", NULL, &t), -ERANGE);
        assert_int_equal(time_parse_iso8601("1960-06-01T10:00", "Europe/Berlin", &t), -ERANGE);
}

static void test_zones(void **state) {
        CivilTime c = { 2021, 3, 28, 2, 30, 0 };
        usec_t t;
        int off;

        assert_int_equal(tz_validate("UTC"), 0);
        assert_int_equal(tz_validate("Asia/Jerusalem"), 0);
        assert_int_equal(tz_validate("America/Argentina/Buenos_Aires"), 0);
        assert_int_equal(tz_validate("Etc/GMT+5"), 0);
        assert_int_equal(tz_validate("Mars/Olympus"), -ENOENT);
        assert_int_equal(tz_validate("Europe"), -ENOENT);
        assert_int_equal(tz_validate("../etc/passwd"), -EINVAL);
        assert_int_equal(tz_validate("Europe/../../etc/passwd"), -EINVAL);
        assert_int_equal(tz_validate("/usr/share/zoneinfo/UTC"), -EINVAL);
        assert_int_equal(tz_validate("Europe/Berlin;ls"), -EINVAL);
        assert_int_equal(tz_validate("Europe/Berlin "), -EINVAL);
        assert_int_equal(tz_validate(""), -EINVAL);
        assert_int_equal(tz_validate(NULL), -EINVAL);

        assert_int_equal(civil_to_utc(&c, "Mars/Olympus", &t), -ENOENT);
        assert_int_equal(civil_to_utc(&c, "../etc/passwd", &t), -EINVAL);
        assert_int_equal(tz_utc_offset("Mars/Olympus", 0, &off), -ENOENT);

        assert_int_equal(tz_utc_offset("Asia/Jerusalem", instant("1999-01-15T12:00:00Z"), &off), 0);
        assert_int_equal(off, 7200);
        assert_int_equal(tz_utc_offset("Asia/Jerusalem", instant("1999-06-15T12:00:00Z"), &off), 0);
        assert_int_equal(off, 10800);
        assert_int_equal(tz_utc_offset("America/New_York", instant("1999-01-15T12:00:00Z"), &off), 0);
        assert_int_equal(off, -18000);
        assert_int_equal(tz_utc_offset("Asia/Kolkata", instant("1999-01-15T12:00:00Z"), &off), 0);
        assert_int_equal(off, 19800);
        assert_int_equal(tz_utc_offset("UTC", instant("1999-01-15T12:00:00Z"), &off), 0);
        assert_int_equal(off, 0);
}

static void test_civil_impossible(void **state) {
        static const CivilTime bad[] = {
                { 2021, 2, 30, 10, 0, 0 },
                { 2021, 13, 1, 10, 0, 0 },
                { 2021, 0, 1, 10, 0, 0 },
                { 2021, 4, 31, 10, 0, 0 },
                { 2021, 4, 0, 10, 0, 0 },
                { 2021, 4, 1, 24, 0, 0 },
                { 2021, 4, 1, -1, 0, 0 },
                { 2021, 4, 1, 10, 60, 0 },
        };
        CivilTime leap = { 2024, 2, 29, 10, 0, 0 };
        usec_t t;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(civil_to_utc(&bad[i], "Europe/Berlin", &t), -EINVAL);
        assert_int_equal(civil_to_utc(&leap, "Europe/Berlin", &t), 0);
        assert_int_equal(t, instant("2024-02-29T09:00:00Z"));
}

/* RFC 5545 §3.3.5: a time in a gap takes the offset before the gap; an
 * ambiguous time is its first occurrence. */
static void test_gap_and_fold(void **state) {
        static const struct {
                const char *zone, *local, *utc;
        } cases[] = {
                /* Europe/Berlin: 02:00 → 03:00 on 2021-03-28; 03:00 → 02:00 on 2021-10-31. */
                { "Europe/Berlin", "2021-03-28T02:30", "2021-03-28T01:30:00Z" },
                { "Europe/Berlin", "2021-03-28T01:59", "2021-03-28T00:59:00Z" },
                { "Europe/Berlin", "2021-03-28T03:00", "2021-03-28T01:00:00Z" },
                { "Europe/Berlin", "2021-10-31T02:30", "2021-10-31T00:30:00Z" },
                { "Europe/Berlin", "2021-10-31T03:00", "2021-10-31T02:00:00Z" },
                /* America/New_York */
                { "America/New_York", "2021-03-14T02:30", "2021-03-14T07:30:00Z" },
                { "America/New_York", "2021-11-07T01:30", "2021-11-07T05:30:00Z" },
                { "America/New_York", "2021-11-07T00:59", "2021-11-07T04:59:00Z" },
                /* Australia/Sydney: southern hemisphere, DST spans the new year. */
                { "Australia/Sydney", "2021-10-03T02:30", "2021-10-02T16:30:00Z" },
                { "Australia/Sydney", "2021-04-04T02:30", "2021-04-03T15:30:00Z" },
                { "Australia/Sydney", "2021-01-15T12:00", "2021-01-15T01:00:00Z" },
                /* Asia/Jerusalem: 02:00 → 03:00 on Friday 1999-04-02 and 2021-03-26;
                 * 02:00 → 01:00 on 2021-10-31. */
                { "Asia/Jerusalem", "1999-04-02T02:30", "1999-04-02T00:30:00Z" },
                { "Asia/Jerusalem", "1999-04-02T03:00", "1999-04-02T00:00:00Z" },
                { "Asia/Jerusalem", "2021-03-26T02:30", "2021-03-26T00:30:00Z" },
                { "Asia/Jerusalem", "2021-10-31T01:30", "2021-10-30T22:30:00Z" },
                { "Asia/Jerusalem", "2021-10-31T02:00", "2021-10-31T00:00:00Z" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                print_message("%s %s\n", cases[i].zone, cases[i].local);
                assert_int_equal(civil(cases[i].local, cases[i].zone), instant(cases[i].utc));
        }
}

static void test_utc_to_civil(void **state) {
        CivilTime c;
        int day;

        assert_int_equal(utc_to_civil(instant("2021-10-31T00:30:00Z"), "Europe/Berlin", &c), 0);
        assert_int_equal(c.year, 2021);
        assert_int_equal(c.month, 10);
        assert_int_equal(c.day, 31);
        assert_int_equal(c.hour, 2);
        assert_int_equal(c.minute, 30);
        assert_int_equal(c.second, 0);
        assert_int_equal(utc_to_civil(instant("2021-10-31T01:30:00Z"), "Europe/Berlin", &c), 0);
        assert_int_equal(c.hour, 2);

        /* 22:30Z is already the next day in Jerusalem. */
        assert_int_equal(time_local_day(instant("1999-01-01T22:30:00Z"), "Asia/Jerusalem", &day), 0);
        assert_int_equal(day, 19990102);
        assert_int_equal(time_local_day(instant("1999-01-01T21:59:59Z"), "Asia/Jerusalem", &day), 0);
        assert_int_equal(day, 19990101);
        assert_int_equal(time_local_day(instant("1999-01-01T22:30:00Z"), "UTC", &day), 0);
        assert_int_equal(day, 19990101);
        assert_int_equal(time_local_day(0, "Mars/Olympus", &day), -ENOENT);
}

static void test_format(void **state) {
        char buf[ISO8601_MAX];

        assert_int_equal(time_format_iso8601(instant("1999-04-02T00:30:00Z"), "Asia/Jerusalem", buf), 0);
        assert_string_equal(buf, "1999-04-02T03:30:00+03:00");
        assert_int_equal(time_format_iso8601(instant("1999-04-01T23:30:00Z"), "Asia/Jerusalem", buf), 0);
        assert_string_equal(buf, "1999-04-02T01:30:00+02:00");
        assert_int_equal(time_format_iso8601(instant("1999-04-01T23:30:00.9Z"), "UTC", buf), 0);
        assert_string_equal(buf, "1999-04-01T23:30:00Z");
        assert_int_equal(time_format_iso8601(instant("2021-11-07T05:30:00Z"), "America/New_York", buf), 0);
        assert_string_equal(buf, "2021-11-07T01:30:00-04:00");
        assert_int_equal(time_format_iso8601(instant("2021-11-07T06:30:00Z"), "America/New_York", buf), 0);
        assert_string_equal(buf, "2021-11-07T01:30:00-05:00");
        assert_int_equal(time_format_iso8601(instant("2021-01-01T00:00:00Z"), "Asia/Kolkata", buf), 0);
        assert_string_equal(buf, "2021-01-01T05:30:00+05:30");
        assert_int_equal(time_format_iso8601(0, "Mars/Olympus", buf), -ENOENT);

        /* What is formatted parses back to the same instant. */
        assert_int_equal(instant("2021-01-01T05:30:00+05:30"), instant("2021-01-01T00:00:00Z"));
}

static void test_duration_parse(void **state) {
        static const struct {
                const char *text;
                usec_t usec;
        } good[] = {
                { "45min", 45 * USEC_PER_MINUTE },
                { "1h 30min", 90 * USEC_PER_MINUTE },
                { "1h30min", 90 * USEC_PER_MINUTE },
                { "20 s", 20 * USEC_PER_SEC },
                { "90s", 90 * USEC_PER_SEC },
                { "1d", USEC_PER_DAY },
                { "2h", 2 * USEC_PER_HOUR },
                { "2 hours", 2 * USEC_PER_HOUR },
                { "10 mins", 10 * USEC_PER_MINUTE },
                { "5m", 5 * USEC_PER_MINUTE },
                { "3 days 1 hour", 3 * USEC_PER_DAY + USEC_PER_HOUR },
                { "30sec", 30 * USEC_PER_SEC },
                { "500ms", 500000 },
                { "7us", 7 },
                { "0min", 0 },
                { " 1h ", USEC_PER_HOUR },
        };
        static const char * const bad[] = {
                "45", "", " ", "min", "1x", "-5min", "1h 30", "1.5h", "1hh", "1ss", "h1", "1 h,30min",
        };
        usec_t d;

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                print_message("%s\n", good[i].text);
                assert_int_equal(duration_parse(good[i].text, &d), 0);
                assert_int_equal(d, good[i].usec);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                print_message("%s\n", bad[i]);
                assert_int_equal(duration_parse(bad[i], &d), -EINVAL);
        }
        assert_int_equal(duration_parse("99999999999999999999s", &d), -ERANGE);
        assert_int_equal(duration_parse("300000000d", &d), -ERANGE);
        assert_int_equal(duration_parse("200000000d 200000000d", &d), -ERANGE);
}

static void test_duration_format(void **state) {
        char buf[DURATION_MAX];
        usec_t d;

        assert_string_equal(duration_format(45 * USEC_PER_MINUTE, buf, sizeof(buf)), "45min");
        assert_string_equal(duration_format(USEC_PER_HOUR, buf, sizeof(buf)), "1h");
        assert_string_equal(duration_format(90 * USEC_PER_MINUTE, buf, sizeof(buf)), "1h 30min");
        assert_string_equal(duration_format(20 * USEC_PER_SEC, buf, sizeof(buf)), "20s");
        assert_string_equal(duration_format(USEC_PER_DAY + 2 * USEC_PER_HOUR, buf, sizeof(buf)), "1d 2h");
        assert_string_equal(duration_format(0, buf, sizeof(buf)), "0s");

        /* What is formatted parses back. */
        assert_int_equal(duration_parse(duration_format(3723 * USEC_PER_SEC, buf, sizeof(buf)), &d), 0);
        assert_int_equal(d, 3723 * USEC_PER_SEC);
}

/* A length under a day in the reader's words, to the nearest second (the
 * raw "4s 999ms 817us" of respitectl schedule op27); a day or more in
 * duration_format()'s units. */
static void test_duration_format_words(void **state) {
        static const struct {
                usec_t d;
                const char *en, *ja;
        } cases[] = {
                { 4 * USEC_PER_SEC + 999817,                      "5s",          "5秒" },
                { 4 * USEC_PER_SEC + 499999,                      "4s",          "4秒" },
                { 372 * USEC_PER_SEC + 860900,                    "6min 13s",    "6分13秒" },
                { 3723 * USEC_PER_SEC,                            "1h 2min 3s",  "1時間2分3秒" },
                { 3603 * USEC_PER_SEC,                            "1h 3s",       "1時間3秒" },
                { 90 * USEC_PER_SEC,                              "1min 30s",    "1分30秒" },
                { 65 * USEC_PER_MINUTE,                           "1h 5min",     "1時間5分" },
                { USEC_PER_HOUR,                                  "1h",          "1時間" },
                { 20 * USEC_PER_MINUTE + 400000,                  "20min",       "20分" },
                { 499999,                                          "0s",          "0秒" },
                { 0,                                              "0s",          "0秒" },
                { USEC_PER_DAY - 1,                               "1d",          "1d" },
                { USEC_PER_DAY + USEC_PER_HOUR,                   "1d 1h",       "1d 1h" },
        };
        char buf[DURATION_MAX];
        char *saved = NULL;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(duration_format_words(cases[i].d, buf), cases[i].en);
        assert_int_equal(use_build_catalogues(state), 0);
        assert_int_equal(i18n_language_push("ja", &saved), 0);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(duration_format_words(cases[i].d, buf), cases[i].ja);
        i18n_language_pop(saved);
}

/* A day with its weekday, in English and in Japanese, across 1970 and
 * a leap day. */
static void test_format_day(void **state) {
        static const struct {
                CivilTime c;
                const char *en, *ja;
        } cases[] = {
                { { .year = 1999, .month = 1, .day = 4 },   "Monday 1999-01-04",    "1999-01-04（月）" },
                { { .year = 1970, .month = 1, .day = 1 },   "Thursday 1970-01-01",  "1970-01-01（木）" },
                { { .year = 1969, .month = 12, .day = 31 }, "Wednesday 1969-12-31", "1969-12-31（水）" },
                { { .year = 2028, .month = 2, .day = 29 },  "Tuesday 2028-02-29",   "2028-02-29（火）" },
                { { .year = 2026, .month = 12, .day = 6 },  "Sunday 2026-12-06",    "2026-12-06（日）" },
        };
        char buf[CIVIL_DAY_MAX], *saved = NULL;

        assert_int_equal(use_build_catalogues(state), 0);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(civil_time_format_day(&cases[i].c, buf), cases[i].en);
        assert_int_equal(i18n_language_push("ja", &saved), 0);
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(civil_time_format_day(&cases[i].c, buf), cases[i].ja);
        i18n_language_pop(saved);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_offsets),
                cmocka_unit_test(test_parse_civil),
                cmocka_unit_test(test_parse_invalid),
                cmocka_unit_test(test_zones),
                cmocka_unit_test(test_civil_impossible),
                cmocka_unit_test(test_gap_and_fold),
                cmocka_unit_test(test_utc_to_civil),
                cmocka_unit_test(test_format),
                cmocka_unit_test(test_duration_parse),
                cmocka_unit_test(test_duration_format),
                cmocka_unit_test(test_duration_format_words),
                cmocka_unit_test(test_format_day),
        };

        /* A machine zone unlike every site in the tests: UTC+12:45/+13:45. */
        return run_tests_in_zone(tests, "Pacific/Chatham");
}
