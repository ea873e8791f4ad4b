/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "roster-helpers.h"
#include "test-helpers.h"

#include "import/roster-ics.h"
#include "import/windows-zones.h"

#define FIXTURES "tests/fixtures/"
#define CORPUS "../shared/data/ics-corpus"

static void assert_shift(const Roster *r, const char *id, size_t nth, const char *start, const char *end) {
        const Shift *s = nth_shift(r, id, nth);

        assert_int_equal(s->start, instant(start));
        assert_int_equal(s->end, instant(end));
}

static Roster *load(const char *path, const RosterIcsOptions *o, size_t *ret_skipped) {
        Roster *r = roster_new();

        assert_non_null(r);
        assert_int_equal(roster_load_ics(r, path, o, ret_skipped), 0);
        /* Keep the events apart: only overlaps merge. */
        assert_int_equal(roster_finish(r, 0), 0);
        return r;
}

static void test_windows_zones(void **state) {
        assert_string_equal(windows_zone_to_iana("W. Europe Standard Time"), "Europe/Berlin");
        assert_string_equal(windows_zone_to_iana("Eastern Standard Time"), "America/New_York");
        assert_string_equal(windows_zone_to_iana("AUS Eastern Standard Time"), "Australia/Sydney");
        assert_string_equal(windows_zone_to_iana("Israel Standard Time"), "Asia/Jerusalem");
        assert_string_equal(windows_zone_to_iana("Tokyo Standard Time"), "Asia/Tokyo");
        assert_null(windows_zone_to_iana("Customized Time Zone"));
        assert_null(windows_zone_to_iana("w. europe standard time"));
}

/* RFC 5545 §3.3.5: a gap takes the offset before it, a fold its first
 * occurrence; IANA, a custom VTIMEZONE, Windows and prefixed names alike. */
static void test_dst(void **state) {
        RosterIcsOptions o = {
                .operator_from = ICS_OPERATOR_SUMMARY,
                .operator_pattern = "^Shift: (.+)$",
                .zone = "UTC",
                .to = instant("2030-01-01T00:00:00Z"),
        };
        _cleanup_(roster_freep) Roster *r = NULL;
        size_t skipped;

        r = load(FIXTURES "ics-dst.ics", &o, &skipped);
        assert_shift(r, "berlin-gap", 0, "2021-03-28T01:30:00Z", "2021-03-28T02:30:00Z");
        assert_shift(r, "berlin-fold", 0, "2021-10-31T00:30:00Z", "2021-10-31T01:30:00Z");
        assert_shift(r, "newyork-gap", 0, "2024-03-10T07:30:00Z", "2024-03-10T08:30:00Z");
        assert_shift(r, "newyork-fold", 0, "2024-11-03T05:30:00Z", "2024-11-03T06:30:00Z");
        assert_shift(r, "sydney-gap", 0, "2024-10-05T16:30:00Z", "2024-10-05T17:30:00Z");
        assert_shift(r, "sydney-fold", 0, "2024-04-06T15:30:00Z", "2024-04-06T16:30:00Z");
        assert_shift(r, "jerusalem-gap", 0, "2024-03-29T00:30:00Z", "2024-03-29T01:30:00Z");
        assert_shift(r, "jerusalem-fold", 0, "2024-10-26T22:30:00Z", "2024-10-26T23:30:00Z");
        assert_shift(r, "custom-gap", 0, "2021-03-28T01:30:00Z", "2021-03-28T02:30:00Z");
        assert_shift(r, "custom-fold", 0, "2021-10-31T00:30:00Z", "2021-10-31T01:30:00Z");
        assert_shift(r, "windows-gap", 0, "2021-03-28T01:30:00Z", "2021-03-28T02:30:00Z");
        assert_shift(r, "prefix-fold", 0, "2021-10-31T00:30:00Z", "2021-10-31T01:30:00Z");
        assert_shift(r, "mozilla-gap", 0, "2024-03-10T07:30:00Z", "2024-03-10T08:30:00Z");

        /* A night shift across the change keeps 22:00-06:00: 7 hours. */
        assert_shift(r, "night", 0, "2021-03-27T21:00:00Z", "2021-03-28T04:00:00Z");
        assert_shift(r, "night", 1, "2021-03-28T20:00:00Z", "2021-03-29T04:00:00Z");
        /* A daily series from 02:30 on the day of the gap stays at 02:30. */
        assert_int_equal(n_shifts_of(r, "daily-gap"), 3);
        assert_shift(r, "daily-gap", 1, "2021-03-29T00:30:00Z", "2021-03-29T01:30:00Z");
        assert_shift(r, "daily-gap", 2, "2021-03-30T00:30:00Z", "2021-03-30T01:30:00Z");

        /* An unknown zone is an error for its event, never a floating time. */
        assert_int_equal(skipped, 1);
        assert_int_equal(roster_find_operator(r, "unknown"), -ENOENT);
        assert_non_null(strstr(captured(), "ics-dst.ics:82: unknown time zone 'Mars/Olympus' in DTSTART"));
}

/* BOM, blank lines, lone CRs, a line that should have been folded;
 * overrides before their master, a cancelled instance, a master missing;
 * operators from ATTENDEE. */
static void test_messy(void **state) {
        RosterIcsOptions o = { .operator_from = ICS_OPERATOR_ATTENDEE, .zone = "UTC", .to = instant("2030-01-01T00:00:00Z") };
        _cleanup_(roster_freep) Roster *r = NULL;
        size_t skipped;

        r = load(FIXTURES "ics-messy.ics", &o, &skipped);
        assert_int_equal(r->n_operators, 3);
        assert_int_equal(n_shifts_of(r, "op-a"), 3);
        assert_shift(r, "op-a", 0, "2024-01-01T08:00:00Z", "2024-01-01T16:00:00Z");
        assert_shift(r, "op-a", 1, "2024-01-02T10:00:00Z", "2024-01-02T18:00:00Z");     /* moved */
        assert_shift(r, "op-a", 2, "2024-01-04T08:00:00Z", "2024-01-04T16:00:00Z");     /* 3rd cancelled */
        assert_int_equal(n_shifts_of(r, "op-b@example.com"), 2);                        /* not in the override */
        assert_int_equal(n_shifts_of(r, "op-c"), 1);            /* an orphan override: its RRULE not expanded */
        assert_shift(r, "op-c", 0, "2024-03-01T09:00:00Z", "2024-03-01T12:00:00Z");
        assert_int_equal(skipped, 1);
        assert_non_null(strstr(captured(), "ics-messy.ics:38: no operator"));
        assert_string_equal(nth_shift(r, "op-a", 1)->source, FIXTURES "ics-messy.ics:6");
}

static void test_publishers(void **state) {
        RosterIcsOptions o = { .zone = "UTC", .to = instant("2030-01-01T00:00:00Z") };
        _cleanup_(roster_freep) Roster *outlook = NULL, *google = NULL, *apple = NULL, *thunderbird = NULL;
        size_t skipped;

        /* Windows zone names, an EXDATE, an override, UNTIL in UTC. */
        outlook = load(FIXTURES "ics-outlook.ics", &o, &skipped);
        assert_int_equal(n_shifts_of(outlook, "ics-outlook"), 4);
        assert_shift(outlook, "ics-outlook", 1, "2024-03-30T21:00:00Z", "2024-03-31T04:00:00Z");
        assert_shift(outlook, "ics-outlook", 2, "2024-03-31T21:00:00Z", "2024-04-01T05:00:00Z");
        assert_int_equal(skipped, 1);   /* annual leave, all day */

        /* UNTIL as a DATE ends the series with that day. */
        google = load(FIXTURES "ics-google.ics", &o, &skipped);
        assert_int_equal(n_shifts_of(google, "ics-google"), 6);
        assert_shift(google, "ics-google", 5, "2024-03-20T13:00:00Z", "2024-03-20T21:30:00Z");

        /* VTIMEZONE after the events; an override and a cancellation before
         * their master; a night shift across the end of DST lasts 9 hours. */
        apple = load(FIXTURES "ics-apple.ics", &o, &skipped);
        assert_int_equal(n_shifts_of(apple, "ics-apple"), 4);
        assert_shift(apple, "ics-apple", 1, "2024-04-06T11:00:00Z", "2024-04-06T20:00:00Z");
        assert_shift(apple, "ics-apple", 2, "2024-04-08T10:00:00Z", "2024-04-08T18:00:00Z");
        assert_int_equal(skipped, 2);   /* all day, TRANSP:TRANSPARENT */
        assert_non_null(strstr(captured(), "ics-apple.ics:45: TRANSP:TRANSPARENT"));

        thunderbird = load(FIXTURES "ics-thunderbird.ics", &o, &skipped);
        assert_int_equal(n_shifts_of(thunderbird, "ics-thunderbird"), 6);
        assert_shift(thunderbird, "ics-thunderbird", 1, "2024-03-28T18:00:00Z", "2024-03-29T01:00:00Z");
}

/* Two events on one day: one split shift, the gap a planned break. */
static void test_split_shift(void **state) {
        RosterIcsOptions o = { .zone = "UTC", .from = instant("2024-04-01T00:00:00Z"), .to = instant("2024-04-03T00:00:00Z") };
        _cleanup_(roster_freep) Roster *r = roster_new();
        size_t skipped;

        assert_int_equal(roster_load_ics(r, FIXTURES "ics-thunderbird.ics", &o, &skipped), 0);
        assert_int_equal(roster_finish(r, 6 * USEC_PER_HOUR), 0);
        /* The window leaves the March series out. */
        assert_int_equal(r->n_shifts, 1);
        assert_int_equal(r->shifts[0].start, instant("2024-04-02T04:00:00Z"));
        assert_int_equal(r->shifts[0].end, instant("2024-04-02T17:00:00Z"));
        assert_int_equal(r->shifts[0].n_planned, 1);
        assert_int_equal(r->shifts[0].planned[0].start, instant("2024-04-02T08:00:00Z"));
        assert_int_equal(r->shifts[0].planned[0].end, instant("2024-04-02T13:00:00Z"));
}

static void test_broken(void **state) {
        RosterIcsOptions o = { .zone = "UTC" };
        _cleanup_(roster_freep) Roster *r = roster_new();

        assert_int_equal(roster_load_ics(r, FIXTURES "ics-truncated.ics", &o, NULL), -EBADMSG);
        assert_non_null(strstr(captured(), "ics-truncated.ics:1: this BEGIN has no END"));
        assert_int_equal(roster_load_ics(r, FIXTURES "roster-good.csv", &o, NULL), -EBADMSG);
        assert_int_equal(roster_load_ics(r, FIXTURES "no-such-file.ics", &o, NULL), -ENOENT);
        assert_int_equal(roster_load_ics(r, "tests/fixtures", &o, NULL), -EISDIR);
        assert_int_equal(r->n_shifts, 0);
        assert_non_null(strstr(captured(), FIXTURES "no-such-file.ics: cannot open: No such file or directory\n"));
        assert_non_null(strstr(captured(), "tests/fixtures: cannot open: Is a directory\n"));
}

/* RFC 5545 §3.8.5.3: an RDATE;VALUE=PERIOD instance has its own end, given
 * or as a duration (exact across a DST change); a plain RDATE the master's
 * length; a period that ends before it starts is warned about. */
static void test_rdate_period(void **state) {
        RosterIcsOptions o = {
                .operator_from = ICS_OPERATOR_SUMMARY,
                .operator_pattern = "^Shift: (.+)$",
                .zone = "UTC",
                .to = instant("2030-01-01T00:00:00Z"),
        };
        _cleanup_(roster_freep) Roster *r = NULL;
        size_t skipped;

        r = load(FIXTURES "ics-rdate-period.ics", &o, &skipped);
        assert_int_equal(skipped, 0);
        assert_int_equal(n_shifts_of(r, "periods"), 4);
        assert_shift(r, "periods", 0, "2024-03-04T08:00:00Z", "2024-03-04T16:00:00Z");
        assert_shift(r, "periods", 1, "2024-03-05T06:00:00Z", "2024-03-05T10:30:00Z");
        assert_shift(r, "periods", 2, "2024-03-06T12:00:00Z", "2024-03-06T15:00:00Z");
        assert_shift(r, "periods", 3, "2024-03-07T08:00:00Z", "2024-03-07T16:00:00Z");
        assert_non_null(strstr(captured(), "ics-rdate-period.ics:4: RDATE period does not end after it starts, "
                                           "ignoring that RDATE"));
        assert_int_equal(n_shifts_of(r, "night"), 2);
        assert_shift(r, "night", 0, "2024-03-29T21:00:00Z", "2024-03-30T05:00:00Z");
        assert_shift(r, "night", 1, "2024-03-30T21:00:00Z", "2024-03-31T05:00:00Z");
}

/* RFC 5545 §3.2.19: a Windows TZID whose VTIMEZONE in the file disagrees
 * with the name's CLDR zone takes the VTIMEZONE, with a warning; one that
 * agrees, or has no VTIMEZONE, keeps the IANA zone, silently. */
static void test_windows_vtimezone(void **state) {
        RosterIcsOptions o = {
                .operator_from = ICS_OPERATOR_SUMMARY,
                .operator_pattern = "^Shift: (.+)$",
                .zone = "UTC",
                .to = instant("2030-01-01T00:00:00Z"),
        };
        _cleanup_(roster_freep) Roster *r = NULL;
        size_t skipped;

        r = load(FIXTURES "ics-windows-vtimezone.ics", &o, &skipped);
        assert_int_equal(skipped, 0);
        /* The file's +03:00, not Europe/Berlin's +01:00. */
        assert_shift(r, "moscow-like", 0, "2024-01-15T06:00:00Z", "2024-01-15T14:00:00Z");
        assert_non_null(strstr(captured(), "ics-windows-vtimezone.ics:20: TZID 'W. Europe Standard Time' in "
                                           "DTSTART names Europe/Berlin, but the file's VTIMEZONE of that TZID "
                                           "disagrees with it: using the VTIMEZONE"));
        assert_shift(r, "tokyo", 0, "2024-01-15T00:00:00Z", "2024-01-15T08:00:00Z");
        assert_shift(r, "newyork", 0, "2024-01-15T14:00:00Z", "2024-01-15T22:00:00Z");
        assert_null(strstr(captured(), "'Tokyo Standard Time'"));
        assert_null(strstr(captured(), "'Eastern Standard Time'"));
        /* One warning, not one per property. */
        assert_null(strstr(strstr(captured(), "disagrees") + 1, "disagrees"));
}

/* The real-world corpus: every file imports without a crash; the
 * shift-like ones give the instants read from the files. */
static void test_corpus(void **state) {
        static const struct {
                const char *file;
                size_t shifts, skipped;
                const char *first_start, *first_end;
        } expect[] = {
                /* 14:00 W. Europe (CLDR: Europe/Berlin), summer time. */
                { "allenporter-ical__office_365_extended_timezone.ics", 1, 0, "2024-04-26T12:00:00Z", "2024-04-26T13:00:00Z" },
                /* "Customized Time Zone" is defined nowhere. */
                { "allenporter-ical__office_365_invalid_timezone.ics", 0, 1, NULL, NULL },
                /* DATE EXDATEs take two of ten weekday instances. */
                { "allenporter-ical__google_calendar_invalid_offset.ics", 8, 0, "2003-02-03T20:00:00Z", "2003-02-03T22:00:00Z" },
                /* Weekly from 2023-10-05 09:00 New York until the DATE 2023-12-31. */
                { "allenporter-ical__google_dtstart_until_mismatch.ics", 13, 0, "2023-10-05T13:00:00Z", "2023-10-05T14:00:00Z" },
                /* Blank lines; New Zealand Standard Time (Pacific/Auckland). */
                { "allenporter-ical__office_360_nz_tz.ics", 53, 0, "2025-10-07T20:00:00Z", "2025-10-07T20:30:00Z" },
                /* Weekdays with spaces in BYDAY until 2015-07-22 08:00Z. */
                { "collective-icalendar__issue_165_missing_event.ics", 14, 0, "2015-07-03T08:00:00Z", "2015-07-03T08:30:00Z" },
                /* Prefixed TZIDs: Europe/Berlin and America/New_York. */
                { "collective-icalendar__issue_313_globally_unique_tzid.ics", 2, 0, "2020-04-26T12:00:00Z", "2020-04-26T13:00:00Z" },
                /* An override without its master, each with its own RRULE: two events. */
                { "pimutils-khal__event_dt_multi_recuid_no_master.ics", 2, 0, "2014-06-30T07:30:00Z", "2014-06-30T12:00:00Z" },
                /* "GMT-05.00/-04.00" is defined nowhere. */
                { "pimutils-khal__event_dtr_notz_untilz.ics", 0, 1, NULL, NULL },
                /* Europe/Brussels since 1880. */
                { "pimutils-khal__non_dst_error.ics", 2, 0, "2023-02-03T14:15:00Z", "2023-02-03T17:06:00Z" },
                /* DTEND and DURATION:PT0S together: DTEND counts. */
                { "u01jmg3-ics-parser__issue-196.ics", 7, 0, "2019-11-05T18:00:00Z", "2019-11-05T21:00:00Z" },
                /* No DTEND: ends when it starts, in the ambiguous hour. */
                { "collective-icalendar__issue_722_timezone_transition_ambiguity.ics", 0, 4, NULL, NULL },
                /* Folds before ';' and ':', no VCALENDAR, TZID=US-Eastern undefined. */
                { "libical-libical__recur-errors.ics", 0, 4, NULL, NULL },
                /* The BOM alone used to stop libical. */
                { "collective-icalendar__bom_calendar.ics", 0, 0, NULL, NULL },
        };
        RosterIcsOptions o = { .zone = "UTC", .to = instant("2027-01-01T00:00:00Z") };
        struct dirent *de;
        DIR *d = opendir(CORPUS);

        if (!d)
                skip();
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL;
                Roster *r;
                size_t skipped = 0;
                int k;

                if (!strstr(de->d_name, ".ics"))
                        continue;
                r = roster_new();
                assert_true(asprintf(&path, CORPUS "/%s", de->d_name) > 0);
                k = roster_load_ics(r, path, &o, &skipped);
                assert_true(k == 0 || k == -EBADMSG);
                for (size_t i = 0; k == 0 && i < ELEMENTSOF(expect); i++) {
                        if (!streq(expect[i].file, de->d_name))
                                continue;
                        assert_int_equal(roster_finish(r, 0), 0);
                        if (r->n_shifts != expect[i].shifts)
                                fail_msg("%s: %zu shifts, expected %zu", path, r->n_shifts, expect[i].shifts);
                        assert_int_equal(skipped, expect[i].skipped);
                        if (expect[i].first_start) {
                                assert_int_equal(r->shifts[0].start, instant(expect[i].first_start));
                                assert_int_equal(r->shifts[0].end, instant(expect[i].first_end));
                        }
                }
                roster_free(r);
        }
        closedir(d);
        /* office_360_nz_tz and office_365_invalid_timezone carry VTIMEZONEs
         * of Windows names that agree with CLDR's zones: no warning. */
        assert_null(strstr(captured(), "disagrees"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_windows_zones),
                cmocka_unit_test_setup_teardown(test_dst, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_messy, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_publishers, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_split_shift, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_broken, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_rdate_period, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_windows_vtimezone, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_corpus, capture_log, release_log),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
