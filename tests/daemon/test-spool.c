/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "daemon/spool.h"
#include "import/roster-csv.h"
#include "test-helpers.h"

static char dir[] = "/tmp/test-spool-XXXXXX";
static Policy *policy;
static Roster *roster;
static SpoolDir spool;

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
        assert_int_equal(spool_dir_open(dir, &spool), 0);
        return 0;
}

static int teardown(void **state) {
        policy = policy_free(policy);
        roster = roster_free(roster);
        spool_dir_done(&spool);
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
        assert_int_equal(spool_file_read(&spool, "in.csv", policy, roster, now_2021, &f), 0);

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

        assert_int_equal(spool_file_finish(&spool, &f), 0);
        assert_false(exists("in.csv"));
        assert_true(exists(SPOOL_FAILED "/in.csv"));
        assert_true(exists(SPOOL_FAILED "/in.csv.reason"));
}

static void test_processed_names_never_clash(void **state) {
        const char *line = "2021-03-01T10:00:00,op01,threat\n";
        for (unsigned i = 0; i < 2; i++) {
                _cleanup_(spool_file_done) SpoolFile f = {};

                write_file("day.csv", line);
                assert_int_equal(spool_file_read(&spool, "day.csv", policy, roster, now_2021, &f), 0);
                assert_int_equal(f.n_bad, 0);
                assert_null(f.reasons);
                assert_int_equal(spool_file_finish(&spool, &f), 0);
        }
        assert_true(exists(SPOOL_PROCESSED "/day.csv"));
        assert_true(exists(SPOOL_PROCESSED "/day.csv.1"));
}

static void test_partial_quote_is_bad(void **state) {
        _cleanup_(spool_file_done) SpoolFile f = {};

        write_file("cut.csv", "2021-03-01T10:00:00,op01,threat\n2021-03-01T10:01:00,op01,other,\"half a no");
        assert_int_equal(spool_file_read(&spool, "cut.csv", policy, roster, now_2021, &f), 0);
        assert_int_equal(f.good->n, 1);
        assert_int_equal(f.n_bad, 1);
        assert_non_null(strstr(f.reasons, "never closed"));
}

static char *path_of(const char *name) {
        char *path;

        assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
        return path;
}

static char *read_reason(const char *name) {
        _cleanup_free_ char *path = path_of(name), *text = NULL;
        _cleanup_(fclosep) FILE *f = fopen(path, "re");
        size_t size = 0;

        assert_non_null(f);
        assert_true(getdelim(&text, &size, 0, f) > 0);
        return TAKE_PTR(text);
}

/* A symbolic link to a file the writer may not read: refused unread, moved
 * (the link itself) to failed/, its reason quoting nothing of the target. */
static void test_symlink_refused(void **state) {
        _cleanup_(spool_file_done) SpoolFile f = {};
        _cleanup_free_ char *secret = path_of("secret"), *link = path_of("link.csv"), *reason = NULL;
        struct stat st;

        write_file("secret", "SECRET-TOKEN,op01,threat\n");
        assert_int_equal(symlink(secret, link), 0);
        assert_int_equal(spool_file_read(&spool, "link.csv", policy, roster, now_2021, &f), 0);
        assert_true(f.refused);
        assert_null(f.hash);
        assert_int_equal(f.good->n, 0);
        assert_int_equal(spool_file_finish(&spool, &f), 0);
        assert_int_equal(lstat(link, &st), -1);
        free(link);
        link = path_of(SPOOL_FAILED "/link.csv");
        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        reason = read_reason(SPOOL_FAILED "/link.csv.reason");
        assert_string_equal(reason, "link.csv: refused, nothing read: a symbolic link; spool files must be regular "
                                    "files renamed into the spool\n");
        assert_true(exists("secret"));
}

/* A FIFO opens at once (O_NONBLOCK) and is refused: no writer needed. */
static void test_fifo_refused(void **state) {
        _cleanup_(spool_file_done) SpoolFile f = {};
        _cleanup_free_ char *fifo = path_of("fifo.csv"), *reason = NULL;

        assert_int_equal(mkfifo(fifo, 0660), 0);
        assert_int_equal(spool_file_read(&spool, "fifo.csv", policy, roster, now_2021, &f), 0);
        assert_true(f.refused);
        assert_int_equal(spool_file_finish(&spool, &f), 0);
        reason = read_reason(SPOOL_FAILED "/fifo.csv.reason");
        assert_non_null(strstr(reason, "refused, nothing read: a FIFO"));
}

/* A second name of a file elsewhere, an empty file and one beyond the cap. */
static void test_links_empty_and_big_refused(void **state) {
        _cleanup_free_ char *one = path_of("one"), *two = path_of("two.csv"), *big = path_of("big.csv");
        _cleanup_(closep) int fd = -EBADF;

        write_file("one", "2021-03-01T10:00:00,op01,threat\n");
        assert_int_equal(link(one, two), 0);
        write_file("empty.csv", "");
        fd = open(big, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, SPOOL_FILE_MAX + 1), 0);

        const struct {
                const char *name, *reason;
        } cases[] = {
                { "two.csv", "it has 2 names (hard links)" },
                { "empty.csv", "it is empty" },
                { "big.csv", "33554433 bytes, more than 32 MiB" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(spool_file_done) SpoolFile f = {};

                assert_int_equal(spool_file_read(&spool, cases[i].name, policy, roster, now_2021, &f), 0);
                assert_true(f.refused);
                assert_non_null(strstr(f.reasons, cases[i].reason));
        }
}

/* failed/ swapped for a symbolic link once the spool is open: the move and
 * the reason go to the directory opened, wherever it now is; a spool whose
 * failed/ is a link at the start is not opened at all. */
static void test_swapped_subdir(void **state) {
        _cleanup_(spool_file_done) SpoolFile f = {};
        _cleanup_free_ char *failed = path_of(SPOOL_FAILED), *moved = path_of("moved-away"),
                            *victim = path_of("victim");
        SpoolDir again = { .fd = -EBADF };
        int r;

        assert_int_equal(mkdir(victim, 0700), 0);
        assert_int_equal(rename(failed, moved), 0);
        assert_int_equal(symlink(victim, failed), 0);

        write_file("bad.csv", "not a time,op01,threat\n");
        assert_int_equal(spool_file_read(&spool, "bad.csv", policy, roster, now_2021, &f), 0);
        assert_int_equal(f.n_bad, 1);
        assert_int_equal(spool_file_finish(&spool, &f), 0);
        assert_true(exists("moved-away/bad.csv"));
        assert_true(exists("moved-away/bad.csv.reason"));
        assert_false(exists("victim/bad.csv"));
        assert_false(exists("victim/bad.csv.reason"));

        r = spool_dir_open(dir, &again);
        assert_true(r == -ENOTDIR || r == -ELOOP);
        assert_false(exists("victim/" SPOOL_PROCESSED));
}

/* The reason file shows the spool's group no more than the file did. */
static void test_reason_mode_follows_file(void **state) {
        const struct {
                const char *name;
                mode_t file, reason;
        } cases[] = {
                { "private.csv", 0600, 0600 },
                { "group.csv", 0640, 0640 },
                { "world.csv", 0604, 0640 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(spool_file_done) SpoolFile f = {};
                _cleanup_free_ char *path = path_of(cases[i].name), *reason = NULL;
                struct stat st;

                write_file(cases[i].name, "not a time,op01,threat\n");
                assert_int_equal(chmod(path, cases[i].file), 0);
                assert_int_equal(spool_file_read(&spool, cases[i].name, policy, roster, now_2021, &f), 0);
                assert_int_equal(spool_file_finish(&spool, &f), 0);
                assert_true(asprintf(&reason, "%s/" SPOOL_FAILED "/%s.reason", dir, cases[i].name) > 0);
                assert_int_equal(stat(reason, &st), 0);
                assert_int_equal(st.st_mode & 0777, cases[i].reason);
        }
}

/* A reason name already taken in failed/ (a FIFO renamed in as "x.reason"
 * and refused) is never opened: the file takes the next free name. */
static void test_reason_name_taken(void **state) {
        _cleanup_free_ char *fifo = path_of("x.csv.reason"), *reason = NULL;

        assert_int_equal(mkfifo(fifo, 0660), 0);
        for (unsigned i = 0; i < 2; i++) {
                _cleanup_(spool_file_done) SpoolFile f = {};

                if (i == 1)
                        write_file("x.csv", "not a time,op01,threat\n");
                assert_int_equal(spool_file_read(&spool, i == 0 ? "x.csv.reason" : "x.csv", policy, roster,
                                                 now_2021, &f), 0);
                assert_int_equal(spool_file_finish(&spool, &f), 0);
        }
        assert_true(exists(SPOOL_FAILED "/x.csv.1"));
        reason = read_reason(SPOOL_FAILED "/x.csv.1.reason");
        assert_non_null(strstr(reason, "x.csv:1: expected an ISO 8601 time"));
}

static char **seen;

static int record_name(const SpoolDir *d, const char *name, void *userdata) {
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

static unsigned n_offers;

static int retry_twice(const SpoolDir *d, const char *name, void *userdata) {
        n_offers++;
        return n_offers < 3 ? SPOOL_RETRY : 0;
}

/* A file whose fn asks for a retry is offered again: after 1 s, then 2 s. */
static void test_watch_retries(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(sd_event_source_unrefp) sd_event_source *src = NULL;

        write_file("wait.csv", "");
        n_offers = 0;
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(spool_watch(e, dir, retry_twice, NULL, &src), 0);
        assert_int_equal(n_offers, 1);
        for (unsigned i = 0; i < 50 && n_offers < 3; i++)
                assert_true(sd_event_run(e, 100 * 1000) >= 0);
        assert_int_equal(n_offers, 3);
        /* Satisfied: no more offers. */
        for (unsigned i = 0; i < 5; i++)
                assert_true(sd_event_run(e, 100 * 1000) >= 0);
        assert_int_equal(n_offers, 3);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_good_and_bad_lines, setup, teardown),
                cmocka_unit_test_setup_teardown(test_processed_names_never_clash, setup, teardown),
                cmocka_unit_test_setup_teardown(test_partial_quote_is_bad, setup, teardown),
                cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_fifo_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_links_empty_and_big_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_swapped_subdir, setup, teardown),
                cmocka_unit_test_setup_teardown(test_reason_mode_follows_file, setup, teardown),
                cmocka_unit_test_setup_teardown(test_reason_name_taken, setup, teardown),
                cmocka_unit_test_setup_teardown(test_watch_takes_renamed_files_only, setup, teardown),
                cmocka_unit_test_setup_teardown(test_watch_retries, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
