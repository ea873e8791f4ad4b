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

static void feed_lines(QueueLog *q, const SourceOptions *o, const char * const *lines) {
        for (unsigned i = 0; lines[i]; i++)
                assert_int_equal(queue_log_feed(q, o, "test", i + 1, lines[i]), 0);
}

static void assert_change(const AgentStateChange *c, const char *operator, AgentState state, usec_t since,
                          const char *reason, const char *agent) {
        assert_string_equal(c->operator, operator);
        assert_string_equal(agent_state_to_string(c->state), agent_state_to_string(state));
        assert_int_equal(c->since, since);
        assert_true(streq_ptr(c->reason, reason));
        assert_true(streq_ptr(c->agent, agent));
}

/* Hand-written lines: each event gives the state it should; an operator
 * with two channels is logged out when the last one leaves. */
static void test_agent_changes(void **state) {
        static const char * const lines[] = {
                "100|a|NONE|Local/8007@from-queue|ADDMEMBER|",
                "101|a|NONE|SIP/8007|AGENTLOGIN|",
                "200|c1|support|NONE|ENTERQUEUE||anon-1|1",
                "210|c1|support|SIP/8007|CONNECT|10|c1.1|2",
                "220|p|NONE|SIP/8007|PAUSE|lunch",                /* after the call */
                "300|c1|support|SIP/8007|COMPLETECALLER|10|90|1",
                "400|p|NONE|SIP/8007|UNPAUSE|",
                "500|p|NONE|SIP/8007|PAUSEALL||coaching",
                "600|p|NONE|SIP/8007|UNPAUSEALL|",
                "700|c2|support|SIP/8007|CONNECT|1|c2.1|1",
                "800|c2|support|SIP/8007|BLINDTRANSFER|9|from-internal|1|100|1",
                "900|a|NONE|Local/8007@from-queue|REMOVEMEMBER|",  /* SIP/8007 stays */
                "950|a|NONE|SIP/8007|AGENTLOGOFF||850",
                NULL,
        };
        SourceAgent agents[] = { { (char *) "*8007*", (char *) "op07" } };
        SourceOptions o = { .agents = agents, .n_agents = ELEMENTSOF(agents) };
        _cleanup_(queue_log_freep) QueueLog *q = NULL, *offline = NULL;
        AgentStateChange *c = NULL;
        size_t n;

        assert_int_equal(queue_log_new(&offline), 0);
        feed_lines(offline, &o, lines);
        assert_int_equal(offline->n_changes, 0);        /* not following: none kept */
        assert_int_equal(offline->n_talking, 0);
        assert_int_equal(offline->calls->n_calls, 2);

        assert_int_equal(queue_log_new(&q), 0);
        q->track_agents = true;
        feed_lines(q, &o, lines);
        assert_int_equal(q->calls->n_calls, 2);
        n = queue_log_take_changes(q, &c);
        assert_int_equal(q->n_changes, 0);
        assert_int_equal(n, 11);
        assert_change(&c[0], "op07", AGENT_AVAILABLE, 100 * USEC_PER_SEC, NULL, "Local/8007@from-queue");
        assert_change(&c[1], "op07", AGENT_AVAILABLE, 101 * USEC_PER_SEC, NULL, "SIP/8007");
        assert_change(&c[2], "op07", AGENT_ON_CALL, 210 * USEC_PER_SEC, NULL, "SIP/8007");
        assert_change(&c[3], "op07", AGENT_ON_CALL, 210 * USEC_PER_SEC, NULL, "SIP/8007");
        assert_change(&c[4], "op07", AGENT_PAUSED, 300 * USEC_PER_SEC, "lunch", "SIP/8007");
        assert_change(&c[5], "op07", AGENT_AVAILABLE, 400 * USEC_PER_SEC, NULL, "SIP/8007");
        assert_change(&c[6], "op07", AGENT_PAUSED, 500 * USEC_PER_SEC, "coaching", "SIP/8007");
        assert_change(&c[7], "op07", AGENT_AVAILABLE, 600 * USEC_PER_SEC, NULL, "SIP/8007");
        assert_change(&c[8], "op07", AGENT_ON_CALL, 700 * USEC_PER_SEC, NULL, "SIP/8007");
        assert_change(&c[9], "op07", AGENT_AVAILABLE, 800 * USEC_PER_SEC, NULL, "SIP/8007");
        /* REMOVEMEMBER of one channel gives nothing; the last one leaving does. */
        assert_change(&c[10], "op07", AGENT_LOGGED_OUT, 950 * USEC_PER_SEC, NULL, "SIP/8007");
        assert_int_equal(q->n_talking, 0);
        free_array(c, n, agent_state_change_done);

        /* The open state gives the state again (a follower resuming). */
        feed_lines(q, &o, (const char * const[]) { "1000|a|NONE|SIP/8007|AGENTLOGIN|",
                                                     "1010|c3|support|SIP/8007|CONNECT|1|c3.1|1", NULL });
        n = queue_log_take_changes(q, &c);
        free_array(c, n, agent_state_change_done);
        assert_int_equal(queue_log_restate(q), 0);
        n = queue_log_take_changes(q, &c);
        assert_int_equal(n, 2);
        assert_change(&c[0], "op07", AGENT_AVAILABLE, 1000 * USEC_PER_SEC, NULL, "SIP/8007");
        assert_change(&c[1], "op07", AGENT_ON_CALL, 1010 * USEC_PER_SEC, NULL, "SIP/8007");
        free_array(c, n, agent_state_change_done);

        /* A pause asked for during that call still waits for its end. */
        feed_lines(q, &o, (const char * const[]) { "1020|p3|NONE|SIP/8007|PAUSE|after", NULL });
        n = queue_log_take_changes(q, &c);
        free_array(c, n, agent_state_change_done);
        assert_int_equal(queue_log_restate(q), 0);
        n = queue_log_take_changes(q, &c);
        assert_int_equal(n, 2);
        assert_change(&c[0], "op07", AGENT_AVAILABLE, 1000 * USEC_PER_SEC, NULL, "SIP/8007");
        assert_change(&c[1], "op07", AGENT_ON_CALL, 1010 * USEC_PER_SEC, NULL, "SIP/8007");
        free_array(c, n, agent_state_change_done);
        feed_lines(q, &o, (const char * const[]) { "1030|c3|support|SIP/8007|COMPLETEAGENT|1|20|1", NULL });
        n = queue_log_take_changes(q, &c);
        assert_int_equal(n, 1);
        assert_change(&c[0], "op07", AGENT_PAUSED, 1030 * USEC_PER_SEC, "after", "SIP/8007");
        free_array(c, n, agent_state_change_done);
}

/* The real PBXware log: a change per CONNECT, and the last word on each
 * agent is what the log's end says. */
static void test_real_agents(void **state) {
        _cleanup_(queue_log_freep) QueueLog *q = NULL;
        _cleanup_(queue_log_tail_freep) QueueLogTail *t = NULL;
        AgentStateChange *c = NULL, *last_1128 = NULL, *last_1141 = NULL;
        size_t n, on_call = 0;

        if (access(REAL, R_OK) < 0)
                skip();
        assert_int_equal(queue_log_new(&q), 0);
        q->track_agents = true;
        assert_int_equal(queue_log_tail_new(REAL, 0, 0, 0, &t), 0);
        assert_int_equal(queue_log_tail_read(t, q, NULL), 1000);
        n = queue_log_take_changes(q, &c);
        for (size_t i = 0; i < n; i++) {
                if (c[i].state == AGENT_ON_CALL && i > 0 && !(c[i - 1].state == AGENT_ON_CALL &&
                                                          streq(c[i - 1].operator, c[i].operator)))
                        on_call++;
                if (streq(c[i].operator, "1128"))
                        last_1128 = &c[i];
                if (streq(c[i].operator, "1141"))
                        last_1141 = &c[i];
        }
        assert_int_equal(on_call, 93);          /* the log's 93 CONNECTs */
        /* 1128: AGENTCALLBACKLOGOFF at 1543941762, after REMOVEMEMBER. */
        assert_non_null(last_1128);
        assert_change(last_1128, "1128", AGENT_LOGGED_OUT, 1543941762 * USEC_PER_SEC, NULL, "Agent/1128");
        /* 1141: COMPLETECALLER at 1543942782, still logged in. */
        assert_non_null(last_1141);
        assert_change(last_1141, "1141", AGENT_AVAILABLE, 1543942782 * USEC_PER_SEC, NULL, "Agent/1141");
        /* The log ends during two calls (1127's and 1109's). */
        assert_int_equal(q->n_talking, 2);
        assert_int_equal(q->calls->n_calls, 91);
        free_array(c, n, agent_state_change_done);
        assert_int_equal(queue_log_restate(q), 0);
        n = queue_log_take_changes(q, &c);
        assert_change(&c[n - 1], "1109", AGENT_ON_CALL, 1543942390 * USEC_PER_SEC, NULL, "Agent/1109");
        free_array(c, n, agent_state_change_done);
}

/* A log rotated while nobody followed it: the rest of the old file at the
 * kept position, then the new one from its start. */
static void test_resume_rotated(void **state) {
        char dir[] = "/tmp/test-queue-log-XXXXXX", path[64], rotated[64];
        _cleanup_(queue_log_tail_freep) QueueLogTail *t = NULL, *again = NULL, *fresh = NULL;
        _cleanup_(queue_log_freep) QueueLog *q = NULL, *q2 = NULL, *q3 = NULL;
        const char *first = "100|1.1|q|Agent/1|COMPLETEAGENT|5|60|1\n";

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/queue_log", dir);
        snprintf(rotated, sizeof rotated, "%s/queue_log.1", dir);
        append(path, first);
        assert_int_equal(queue_log_new(&q), 0);
        assert_int_equal(queue_log_tail_new(path, 0, 0, 0, &t), 0);
        assert_int_equal(queue_log_tail_read(t, q, NULL), 1);

        /* Down: a line more in the old file, rotated, a new file. */
        append(path, "200|2.1|q|Agent/1|COMPLETEAGENT|5|60|1\n");
        assert_int_equal(rename(path, rotated), 0);
        append(path, "300|3.1|q|Agent/2|COMPLETECALLER|5|60|1\n");
        assert_int_equal(queue_log_new(&q2), 0);
        assert_int_equal(queue_log_tail_resume(path, rotated, t->dev, t->ino, t->offset, t->line, &again), 0);
        assert_int_equal(queue_log_tail_read(again, q2, NULL), 2);
        assert_int_equal(q2->calls->n_calls, 2);
        assert_string_equal(q2->calls->calls[0].call_id, "2.1");
        assert_string_equal(q2->calls->calls[0].source + strlen(path), ":2");
        assert_string_equal(q2->calls->calls[1].call_id, "3.1");

        /* Nothing of the old file left: the new one from its start. */
        unlink(rotated);
        assert_int_equal(queue_log_new(&q3), 0);
        assert_int_equal(queue_log_tail_resume(path, rotated, t->dev, t->ino, t->offset, t->line, &fresh), 0);
        assert_int_equal(queue_log_tail_read(fresh, q3, NULL), 1);
        assert_string_equal(q3->calls->calls[0].call_id, "3.1");

        unlink(path);
        rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_sample, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_unusable, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_real, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_tail, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_agent_changes, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_real_agents, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_resume_rotated, capture_log, release_log),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
