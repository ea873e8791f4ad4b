/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "test-helpers.h"

#include "core/policy.h"
#include "import/roster-csv.h"
#include "import/source.h"

#define ROSTERON "../shared/data/vendor-exports/rosteron-shift-export.csv"

static Policy *policy(const char *text) {
        _cleanup_free_ char *error = NULL;
        Policy *p = NULL;

        if (policy_load_string(text, NULL, &p, &error) < 0)
                fail_msg("%s", error);
        return p;
}

static void test_policy(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *error = NULL;
        const SourceOptions *o;

        p = policy("sources = { rosters = ( \"plain.csv\", { path = \"team.ics\"; operator_from = \"summary\";"
                   " operator_pattern = \"^Shift: (.+)$\"; team = \"night\"; } );"
                   " calls = ( { path = \"/var/log/asterisk/queue_log\"; agents = ( { agent = \"Agent/1127\";"
                   " operator = \"op27\"; } ); } ); };");
        assert_int_equal(strv_length(p->rosters), 2);
        assert_string_equal(p->rosters[1], "team.ics");
        assert_null(policy_find_source(p, "plain.csv"));
        o = policy_find_source(p, "team.ics");
        assert_non_null(o);
        assert_int_equal(o->operator_from, ICS_OPERATOR_SUMMARY);
        assert_string_equal(o->team, "night");
        assert_int_equal(source_format(p, "team.ics"), SOURCE_FORMAT_ICS);
        assert_int_equal(source_format(p, "plain.csv"), SOURCE_FORMAT_CSV);
        assert_int_equal(source_format(p, "/var/log/asterisk/queue_log"), SOURCE_FORMAT_QUEUE_LOG);
        o = policy_find_source(p, "/var/log/asterisk/queue_log");
        assert_int_equal(o->n_agents, 1);
        assert_string_equal(o->agents[0].operator, "op27");
        policy_free(TAKE_PTR(p));

        assert_int_equal(policy_load_string("sources = { rosters = ( { path = \"a.ics\"; operator_from = \"summary\"; } ); };",
                                            NULL, &p, &error), -EINVAL);
        assert_non_null(strstr(error, "needs an operator_pattern"));
        free(TAKE_PTR(error));
        assert_int_equal(policy_load_string("sources = { rosters = ( { path = \"a.csv\"; delimiter = \";;\"; } ); };",
                                            NULL, &p, &error), -EINVAL);
        assert_non_null(strstr(error, "expected one character"));
        free(TAKE_PTR(error));
        assert_int_equal(policy_load_string("sources = { rosters = ( { path = \"a.csv\"; formta = \"csv\"; } ); };",
                                            NULL, &p, &error), -EINVAL);
        assert_non_null(strstr(error, "formta', did you mean"));
}

/* RosterOn's export with a few lines of config: day-first dates, a fixed
 * operator, the leave row skipped and said so. */
static void test_rosteron(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(roster_freep) Roster *r = NULL;
        size_t skipped;

        /* skip() jumps out: nothing allocated before it. */
        if (access(ROSTERON, R_OK) < 0)
                skip();
        r = roster_new();
        assert_non_null(r);
        p = policy("sources = { rosters = ( { path = \"" ROSTERON "\"; timezone = \"Australia/Melbourne\";"
                   " operator = \"coder-1\"; team = \"coding\"; columns = { start = \"Start\"; end = \"Finish\"; };"
                   " date_format = \"d/m/yy H:MM\"; skip_column = \"Shift\"; skip_match = \"*Leave*\"; } ); };");
        assert_int_equal(source_load_roster(r, p, ROSTERON, 0, 0, &skipped), 0);
        assert_int_equal(skipped, 1);
        assert_non_null(strstr(captured(), "rosteron-shift-export.csv:5: 'Shift' is 'A/Leave'"));
        assert_int_equal(r->n_operators, 1);
        assert_string_equal(r->operators[0].team, "coding");
        assert_int_equal(r->n_shifts, 6);
        /* 29/4/20 4:10 in Melbourne (AEST, +10). */
        assert_int_equal(r->shifts[0].start, instant("2020-04-29T04:10:00+10:00"));
        assert_int_equal(r->shifts[0].end, instant("2020-04-29T12:10:00+10:00"));
        assert_int_equal(r->shifts[5].start, instant("2020-05-11T06:00:00+10:00"));
}

/* ';' between fields, CR-only line ends, a quoted field over two lines. */
static void test_vendor_csv(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(roster_freep) Roster *r = roster_new();
        size_t skipped;

        p = policy("site = { timezone = \"Europe/Berlin\"; };"
                   "sources = { rosters = ( { path = \"tests/fixtures/vendor-semicolon.csv\"; delimiter = \";\";"
                   " columns = { operator = \"Mitarbeiter\"; start = \"Beginn\"; end = \"Ende\"; };"
                   " date_format = \"dd.mm.yyyy HH:MM\"; } ); };");
        assert_int_equal(source_load_roster(r, p, "tests/fixtures/vendor-semicolon.csv", 0, 0, &skipped), 0);
        assert_int_equal(r->n_shifts, 2);
        assert_int_equal(skipped, 2);
        assert_int_equal(r->shifts[0].start, instant("2021-03-28T22:00:00+02:00"));
        assert_string_equal(r->shifts[1].source, "tests/fixtures/vendor-semicolon.csv:4");
        assert_non_null(strstr(captured(), "vendor-semicolon.csv:5: expected a time such as 'dd.mm.yyyy HH:MM'"));
        assert_non_null(strstr(captured(), "vendor-semicolon.csv:6: end"));

        assert_int_equal(roster_parse_date("6/5/20 17:25", "d/m/yy H:MM", "UTC", &(usec_t) { 0 }), 0);
        assert_int_equal(roster_parse_date("6/5/20", "d/m/yy H:MM", "UTC", &(usec_t) { 0 }), -EINVAL);
        assert_int_equal(roster_parse_date("31/2/20 1:00", "d/m/yy H:MM", "UTC", &(usec_t) { 0 }), -EINVAL);
}

static void test_calls(void **state) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(call_log_freep) CallLog *l = call_log_new();
        _cleanup_(roster_freep) Roster *r = roster_new();
        size_t skipped;

        p = policy("sources = { calls = ( { path = \"tests/fixtures/queue_log-sample\";"
                   " agents = ( { agent = \"SIP/8007\"; operator = \"op07\"; } ); } ); };");
        assert_int_equal(source_load_calls(l, p, "tests/fixtures/queue_log-sample", &skipped), 0);
        assert_int_equal(l->n_calls, 2);
        assert_string_equal(l->calls[0].operator, "op07");
        assert_int_equal(source_load_calls(l, p, "tests/fixtures/calls-good.csv", &skipped), 0);
        assert_true(l->n_calls > 2);
        assert_int_equal(source_load_roster(r, p, "tests/fixtures/queue_log-sample", 0, 0, NULL), -EPROTOTYPE);
        assert_non_null(strstr(captured(), "tests/fixtures/queue_log-sample: an Asterisk queue_log holds no roster\n"));
        assert_int_equal(source_load_calls(l, p, "tests/fixtures/ics-dst.ics", NULL), -EPROTOTYPE);
        assert_non_null(strstr(captured(), "tests/fixtures/ics-dst.ics: an iCalendar file holds no call records\n"));
}

/* What stands at a source's path, checked before it is read: refused by
 * name, never blocked on, never read whole. */
static void test_check(void **state) {
        _cleanup_(policy_freep) Policy *p = policy("sources = { max_size = \"1K\"; };");
        char dir[] = "/tmp/test-source-XXXXXX", path[64];
        FILE *f;

        assert_int_equal(p->sources_max_size, 1024);
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/fifo.csv", dir);
        assert_int_equal(mkfifo(path, 0600), 0);
        assert_int_equal(source_check(p, path, SOURCE_FORMAT_CSV, "a roster"), -EBADFD);
        assert_non_null(strstr(captured(), "fifo.csv: a FIFO, not a regular file"));
        assert_int_equal(unlink(path), 0);
        assert_int_equal(symlink("/dev/zero", path), 0);
        assert_int_equal(source_check(p, path, SOURCE_FORMAT_CSV, "a roster"), -EBADFD);
        assert_non_null(strstr(captured(), "fifo.csv: a link to /dev/zero, a character device, not a regular file"));
        assert_int_equal(source_check(p, path, SOURCE_FORMAT_QUEUE_LOG, "an Asterisk queue_log"), -EBADFD);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(source_check(p, dir, SOURCE_FORMAT_CSV, "a roster"), -EISDIR);

        f = fopen(path, "we");
        assert_non_null(f);
        fputs("operator,start,end\n", f);
        fflush(f);
        assert_int_equal(source_check(p, path, SOURCE_FORMAT_CSV, "a roster"), 0);
        fputc('\0', f);
        fflush(f);
        assert_int_equal(source_check(p, path, SOURCE_FORMAT_CSV, "a roster"), -EBADMSG);
        assert_non_null(strstr(captured(), "fifo.csv: binary data (a NUL byte at offset 19), not a roster"));
        for (int i = 0; i < 1024; i++)
                fputc('x', f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(source_check(p, path, SOURCE_FORMAT_CSV, "a roster"), -EFBIG);
        assert_non_null(strstr(captured(), "fifo.csv: 1.0 KiB is larger than sources.max_size (1 KiB)"));
        /* A queue_log is followed, not read whole: neither limit applies. */
        assert_int_equal(source_check(p, path, SOURCE_FORMAT_QUEUE_LOG, "an Asterisk queue_log"), 0);

        f = fopen(path, "we");
        assert_non_null(f);
        fputs("\xff\xfeo\0p\0", f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(source_check(p, path, SOURCE_FORMAT_CSV, "a roster"), -EBADMSG);
        assert_non_null(strstr(captured(), "fifo.csv: UTF-16 text, expected UTF-8"));
        assert_int_equal(unlink(path), 0);
        assert_int_equal(rmdir(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_policy),
                cmocka_unit_test_setup_teardown(test_rosteron, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_vendor_csv, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_calls, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_check, capture_log, release_log),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
