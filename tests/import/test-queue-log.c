/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "test-helpers.h"

#include "import/queue-log.h"

#define FIXTURES "tests/fixtures/"
#define REAL "../shared/data/asterisk-queue_log/pbxware-2018.queue_log"

static size_t count_calls(const QueueLog *q, const char *operator) {
        size_t n = 0;

        for (size_t i = 0; i < q->calls->n_calls; i++)
                n += streq(q->calls->calls[i].operator, operator);
        return n;
}

static size_t count_spans(const QueueLogSpan *s, size_t n, const char *operator) {
        size_t k = 0;

        for (size_t i = 0; i < n; i++)
                k += streq(s[i].operator, operator);
        return k;
}

static void test_sample(void **state) {
        SourceAgent agents[] = { { (char *) "SIP/8007", (char *) "op07" }, { (char *) "*/1127*", (char *) "op27" } };
        SourceOptions o = { .agents = agents, .n_agents = ELEMENTSOF(agents) };
        _cleanup_(queue_log_freep) QueueLog *q = NULL;
        const CallRecord *c;
        size_t skipped;

        assert_int_equal(queue_log_new(&q), 0);
        assert_int_equal(queue_log_load(q, FIXTURES "queue_log-sample", &o, &skipped), 0);
        assert_int_equal(q->n_lines, 17);
        assert_int_equal(skipped, 2);
        assert_non_null(strstr(captured(), "queue_log-sample:9: expected epoch|uniqueid|queue|agent|EVENT"));
        assert_non_null(strstr(captured(), "queue_log-sample:17: expected holdtime|calltime|origposition"));

        /* Talk time 3700 s before COMPLETECALLER, the caller from ENTERQUEUE. */
        assert_int_equal(q->calls->n_calls, 2);
        c = &q->calls->calls[0];
        assert_string_equal(c->operator, "op07");
        assert_string_equal(c->caller, "anon-caller-1");
        assert_string_equal(c->call_id, "1700000190.3");
        assert_string_equal(c->queue, "support");
        assert_int_equal(c->end, 1700003910 * USEC_PER_SEC);
        assert_int_equal(c->end - c->start, 3700 * USEC_PER_SEC);
        assert_int_equal(c->wait_seconds, 20);
        assert_string_equal(q->calls->calls[1].operator, "op27");

        /* Sessions from login to logoff, the pause with its reason. */
        assert_int_equal(q->n_sessions, 2);
        assert_int_equal(q->sessions[0].start, 1700000100 * USEC_PER_SEC);
        assert_int_equal(q->sessions[0].end, 1700007000 * USEC_PER_SEC);
        assert_int_equal(q->n_pauses, 1);
        assert_string_equal(q->pauses[0].operator, "op07");
        assert_string_equal(q->pauses[0].reason, "lunch");
        assert_int_equal(q->pauses[0].end - q->pauses[0].start, 30 * USEC_PER_MINUTE);
        assert_int_equal(q->n_open, 0);
        assert_int_equal(q->n_pending, 0);
}

/* A file that cannot be read is said once, with its name. */
static void test_unusable(void **state) {
        _cleanup_(queue_log_freep) QueueLog *q = NULL;

        assert_int_equal(queue_log_new(&q), 0);
        assert_int_equal(queue_log_load(q, FIXTURES "no-such-queue_log", NULL, NULL), -ENOENT);
        assert_int_equal(queue_log_load(q, "tests/fixtures", NULL, NULL), -EISDIR);
        assert_string_equal(captured(), FIXTURES "no-such-queue_log: cannot open: No such file or directory\n"
                                        "tests/fixtures: cannot open: Is a directory\n");
}

/* The real PBXware log: six agents; 91 answered calls; 14 logins of which
 * 10 ended in the file. */
static void test_real(void **state) {
        static const struct { const char *agent; size_t calls, sessions, open; } expect[] = {
                { "1109", 16, 1, 1 }, { "1126", 13, 1, 1 }, { "1127", 17, 2, 1 },
                { "1128", 13, 2, 0 }, { "1141", 22, 3, 1 }, { "1144", 10, 1, 0 },
        };
        _cleanup_(queue_log_freep) QueueLog *q = NULL;
        size_t skipped, closed = 0;

        if (access(REAL, R_OK) < 0)
                skip();
        assert_int_equal(queue_log_new(&q), 0);
        assert_int_equal(queue_log_load(q, REAL, NULL, &skipped), 0);
        assert_int_equal(q->n_lines, 1000);
        assert_int_equal(skipped, 0);
        assert_int_equal(q->calls->n_calls, 91);
        for (size_t i = 0; i < ELEMENTSOF(expect); i++) {
                size_t open = 0;

                assert_int_equal(count_calls(q, expect[i].agent), expect[i].calls);
                assert_int_equal(count_spans(q->sessions, q->n_sessions, expect[i].agent), expect[i].sessions);
                closed += expect[i].sessions;
                for (size_t k = 0; k < q->n_open; k++)
                        open += streq(q->open[k].operator, expect[i].agent);
                /* Agent/N and Local/N@callback-agent are one person. */
                assert_int_equal(open > 0, expect[i].open > 0);
        }
        assert_int_equal(closed, q->n_sessions);
        assert_int_equal(q->n_pauses, 0);
        /* 1128's first session: AGENTCALLBACKLOGIN 09:12:14Z to 16:33:15Z. */
        for (size_t i = 0; i < q->n_sessions; i++)
                if (streq(q->sessions[i].operator, "1128")) {
                        assert_int_equal(q->sessions[i].start, instant("2018-12-03T09:12:14Z"));
                        assert_int_equal(q->sessions[i].end, instant("2018-12-03T16:33:15Z"));
                        break;
                }
}

static void append(const char *path, const char *text) {
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
}

/* Following a file: partial lines wait for their end; a rotation is read
 * to its end, then the new file from its start; a restart at the kept
 * offset counts nothing twice. */
static void test_tail(void **state) {
        char dir[] = "/tmp/test-queue-log-XXXXXX", path[64], rotated[64];
        _cleanup_(queue_log_tail_freep) QueueLogTail *t = NULL, *again = NULL;
        _cleanup_(queue_log_freep) QueueLog *q = NULL, *q2 = NULL;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/queue_log", dir);
        snprintf(rotated, sizeof rotated, "%s/queue_log.1", dir);
        assert_int_equal(queue_log_new(&q), 0);
        assert_int_equal(queue_log_tail_new(path, 0, 0, 0, &t), 0);
        assert_int_equal(queue_log_tail_read(t, q, NULL), 0);          /* no file yet */

        append(path, "100|1.1|q|NONE|ENTERQUEUE||anon-1|1\n200|1.1|q|Agent/1|COMPLETEAGENT|5|60");
        assert_int_equal(queue_log_tail_read(t, q, NULL), 1);
        assert_int_equal(q->calls->n_calls, 0);
        append(path, "|1\n");
        assert_int_equal(queue_log_tail_read(t, q, NULL), 1);
        assert_int_equal(q->calls->n_calls, 1);
        assert_string_equal(q->calls->calls[0].caller, "anon-1");

        /* Written to the old file, then rotated, then a new file. */
        append(path, "300|2.1|q|Agent/1|COMPLETEAGENT|5|60|1\n");
        assert_int_equal(rename(path, rotated), 0);
        append(path, "400|3.1|q|Agent/2|COMPLETECALLER|5|60|1\n");
        assert_int_equal(queue_log_tail_read(t, q, NULL), 2);
        assert_int_equal(q->calls->n_calls, 3);
        assert_int_equal(t->offset, strlen("400|3.1|q|Agent/2|COMPLETECALLER|5|60|1\n"));

        /* A restart at the same file and offset reads only what is new. */
        append(path, "500|4.1|q|Agent/2|COMPLETECALLER|5|60|1\n");
        assert_int_equal(queue_log_new(&q2), 0);
        assert_int_equal(queue_log_tail_new(path, t->dev, t->ino, t->offset, &again), 0);
        assert_int_equal(queue_log_tail_read(again, q2, NULL), 1);
        assert_int_equal(q2->calls->n_calls, 1);
        assert_string_equal(q2->calls->calls[0].call_id, "4.1");

        unlink(path);
        unlink(rotated);
        rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_sample, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_unusable, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_real, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_tail, capture_log, release_log),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
