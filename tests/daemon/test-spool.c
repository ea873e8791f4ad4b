/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ftw.h>
#include <sys/stat.h>

#include "daemon/spool.h"
#include "import/roster-csv.h"
#include "test-helpers.h"

static char dir[] = "/tmp/test-spool-XXXXXX";
static Policy *policy;
static Roster *roster;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static int setup(void **state) {
        size_t skipped;

        strcpy(dir, "/tmp/test-spool-XXXXXX");
        assert_non_null(mkdtemp(dir));
        assert_int_equal(policy_load_string("site = { timezone = \"Asia/Tokyo\"; };", NULL, &policy, NULL), 0);
        roster = roster_new();
        assert_non_null(roster);
        assert_int_equal(roster_load_csv(roster, "tests/fixtures/roster-good.csv", "Asia/Tokyo", &skipped), 0);
        assert_int_equal(roster_finish(roster, policy->split_shift_gap), 0);
        return 0;
}

static int teardown(void **state) {
        policy = policy_free(policy);
        roster = roster_free(roster);
        assert_int_equal(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
        return 0;
}

static void write_file(const char *name, const char *text) {
        _cleanup_free_ char *path = NULL;
        _cleanup_(fclosep) FILE *f = NULL;

        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
}

static bool exists(const char *name) {
        _cleanup_free_ char *path = NULL;

        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        return access(path, F_OK) == 0;
}

static const usec_t now_2021 = 1614600000 * USEC_PER_SEC;      /* 2021-03-01T12:00:00Z */

static void test_good_and_bad_lines(void **state) {
        _cleanup_(spool_file_done) SpoolFile f = {};

        write_file("in.csv",
                   "time,operator,category,note\n"
                   "2021-03-01T10:00:00,op01,threat,\"shouted, then threatened\"\n"
                   "2021-03-01T10:05:00,op99,threat\n"
                   "2021-03-01T10:06:00,op01,shouting\n"
                   "yesterday,op01,threat\n"
                   "2021-03-02T10:00:00Z,op01,threat\n"
                   "2021-03-01T10:07:00+09:00,op02,verbal_abuse\n"
                   "2021-03-01T10:08:00,op01\n"
                   "2021-02-20T10:00:00,op01,threat\n");
        assert_int_equal(spool_file_read(dir, "in.csv", policy, roster, now_2021, &f), 0);

        assert_int_equal(f.good->n, 2);
        assert_string_equal(f.good->items[1].operator, "op02");
        assert_string_equal(f.good->items[0].note, "shouted, then threatened");
        assert_int_equal(f.good->items[0].when, instant("2021-03-01T01:00:00Z"));
        assert_int_equal(f.good->items[0].received, now_2021);
        assert_string_equal(f.good->items[0].id + strlen("spool-") + 16, "-2");

        assert_int_equal(f.n_bad, 6);
        assert_non_null(strstr(f.reasons, "in.csv:3: no such operator 'op99' in the roster\n"));
        assert_non_null(strstr(f.reasons, "in.csv:4: no such category 'shouting'\n"));
        assert_non_null(strstr(f.reasons, "in.csv:5: expected an ISO 8601 time"));
        assert_non_null(strstr(f.reasons, "in.csv:6: the time '2021-03-02T10:00:00Z' lies in the future\n"));
        assert_non_null(strstr(f.reasons, "in.csv:8: expected time,operator,category[,note], got 2 fields\n"));
        /* The bus's limit too (incident_check()): a week back at most. */
        assert_non_null(strstr(f.reasons, "in.csv:9: the time '2021-02-20T10:00:00' lies more than 7 days back\n"));

        assert_int_equal(spool_file_finish(dir, &f), 0);
        assert_false(exists("in.csv"));
        assert_true(exists(SPOOL_FAILED "/in.csv"));
        assert_true(exists(SPOOL_FAILED "/in.csv.reason"));
}

static void test_processed_names_never_clash(void **state) {
        const char *line = "2021-03-01T10:00:00,op01,threat\n";
        _cleanup_free_ char *processed = NULL;

        assert_true(asprintf(&processed, "%s/" SPOOL_PROCESSED, dir) > 0);
        assert_int_equal(mkdir(processed, 0750), 0);
        for (unsigned i = 0; i < 2; i++) {
                _cleanup_(spool_file_done) SpoolFile f = {};

                write_file("day.csv", line);
                assert_int_equal(spool_file_read(dir, "day.csv", policy, roster, now_2021, &f), 0);
                assert_int_equal(f.n_bad, 0);
                assert_null(f.reasons);
                assert_int_equal(spool_file_finish(dir, &f), 0);
        }
        assert_true(exists(SPOOL_PROCESSED "/day.csv"));
        assert_true(exists(SPOOL_PROCESSED "/day.csv.1"));
}

static void test_partial_quote_is_bad(void **state) {
        _cleanup_(spool_file_done) SpoolFile f = {};

        write_file("cut.csv", "2021-03-01T10:00:00,op01,threat\n2021-03-01T10:01:00,op01,other,\"half a no");
        assert_int_equal(spool_file_read(dir, "cut.csv", policy, roster, now_2021, &f), 0);
        assert_int_equal(f.good->n, 1);
        assert_int_equal(f.n_bad, 1);
        assert_non_null(strstr(f.reasons, "never closed"));
}

static char **seen;

static int record_name(const char *d, const char *name, void *userdata) {
        return strv_extend(&seen, name);
}

static void test_watch_takes_renamed_files_only(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(sd_event_source_unrefp) sd_event_source *src = NULL;
        _cleanup_free_ char *from = NULL, *to = NULL;

        write_file("early.csv", "");
        write_file(".hidden", "");
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(spool_watch(e, dir, record_name, NULL, &src), 0);
        assert_int_equal(strv_length(seen), 1);
        assert_string_equal(seen[0], "early.csv");
        assert_true(exists(SPOOL_PROCESSED));
        assert_true(exists(SPOOL_FAILED));

        /* Written in place: not taken. Renamed in: taken. */
        write_file("in-place.csv", "2021-03-01T10:00:00,op01,threat\n");
        write_file(".late.tmp", "2021-03-01T10:00:00,op01,threat\n");
        assert_true(asprintf(&from, "%s/.late.tmp", dir) > 0);
        assert_true(asprintf(&to, "%s/late.csv", dir) > 0);
        assert_int_equal(rename(from, to), 0);
        for (unsigned i = 0; i < 10 && strv_length(seen) < 2; i++)
                assert_true(sd_event_run(e, 100 * 1000) >= 0);
        while (sd_event_run(e, 0) > 0)
                ;
        assert_int_equal(strv_length(seen), 2);
        assert_string_equal(seen[1], "late.csv");
        seen = strv_free(seen);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_good_and_bad_lines, setup, teardown),
                cmocka_unit_test_setup_teardown(test_processed_names_never_clash, setup, teardown),
                cmocka_unit_test_setup_teardown(test_partial_quote_is_bad, setup, teardown),
                cmocka_unit_test_setup_teardown(test_watch_takes_renamed_files_only, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
