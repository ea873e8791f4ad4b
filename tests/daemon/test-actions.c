/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The action runner (daemon/actions.c) on a real sd-event loop with real
 * scripts: the environment they get, one that hangs past its timeout while
 * another completes, one that fails and is retried, their output in the
 * log, the order of one operator's actions, and freeing the runner while a
 * child runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ftw.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "daemon/actions.h"
#include "shared/clock.h"
#include "test-helpers.h"

#define MSEC ((usec_t) 1000ULL)

static char dir[] = "/tmp/test-actions-XXXXXX";
static sd_event *event;
static Actions *actions;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static int setup(void **state) {
        strcpy(dir, "/tmp/test-actions-XXXXXX");
        assert_non_null(mkdtemp(dir));
        assert_int_equal(sd_event_new(&event), 0);
        assert_int_equal(actions_new(event, NULL, &actions), 0);
        return capture_log(state);
}

static int teardown(void **state) {
        actions = actions_free(actions);
        event = sd_event_unref(event);
        /* Every child was reaped. */
        assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
        assert_int_equal(errno, ECHILD);
        assert_int_equal(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
        return release_log(state);
}

/* DIR/name, malloc'ed. */
static char *path_of(const char *name) {
        char *p;

        assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
        return p;
}

/* An executable /bin/sh script DIR/name whose body is printf(format, …);
 * "@" in it stands for DIR. Returns its path. */
_printf_(2, 3)
static char *write_script(const char *name, const char *format, ...) {
        _cleanup_free_ char *body = NULL;
        _cleanup_(fclosep) FILE *f = NULL;
        char *path = path_of(name);
        va_list ap;

        va_start(ap, format);
        assert_true(vasprintf(&body, format, ap) >= 0);
        va_end(ap);

        f = fopen(path, "we");
        assert_non_null(f);
        fputs("#!/bin/sh\n", f);
        for (const char *c = body; *c; c++)
                if (*c == '@')
                        fputs(dir, f);
                else
                        fputc(*c, f);
        assert_int_equal(fclose(TAKE_PTR(f)), 0);
        assert_int_equal(chmod(path, 0755), 0);
        return path;
}

/* The contents of DIR/name, or NULL when it does not exist. */
static char *read_file(const char *name) {
        _cleanup_free_ char *path = path_of(name);
        _cleanup_(fclosep) FILE *f = NULL;
        char *text = NULL;
        size_t size = 0;

        f = fopen(path, "re");
        if (!f)
                return NULL;
        assert_true(getdelim(&text, &size, '\0', f) >= 0 || feof(f));
        return text ?: strdup("");
}

/* Settings with argv for event (NULL-terminated words after the path). */
static void set_action(ActionEvent event_, const char *path, usec_t timeout, unsigned retries, usec_t delay) {
        ActionSettings s = {};

        action_settings_done(&s);
        assert_int_equal(strv_extend(&s.argv[event_], path), 0);
        s.timeout = timeout;
        s.retries = retries;
        s.retry_delay = delay;
        assert_int_equal(actions_set_settings(actions, &s), 0);
        action_settings_done(&s);
}

static ActionStatus status(void) {
        ActionStatus st;

        actions_get_status(actions, &st);
        return st;
}

/* Run the loop until no action is unfinished (or until file appears, when
 * given; or until succeeded actions succeeded, when not 0), for at most
 * seconds. */
static void run_loop_until(unsigned seconds, const char *file, uint64_t succeeded) {
        usec_t deadline = now_usec(CLOCK_MONOTONIC) + seconds * USEC_PER_SEC;

        while (now_usec(CLOCK_MONOTONIC) < deadline) {
                if (file) {
                        _cleanup_free_ char *text = read_file(file);

                        if (text && *text)
                                return;
                } else if (succeeded > 0) {
                        if (status().succeeded >= succeeded)
                                return;
                } else if (status().running == 0)
                        return;
                assert_true(sd_event_run(event, 50 * MSEC) >= 0);
        }
        fail_msg("the loop did not finish within %us", seconds);
}
#define run_loop(seconds, file) run_loop_until((seconds), (file), 0)

/* Whether every process of group pgid is dead within a second. The test
 * is a child subreaper (main()), so what an action started comes back to it
 * when the action's shell dies: reaped here, it is known dead. */
static bool group_gone(pid_t pgid) {
        for (unsigned i = 0; i < 100; i++) {
                while (waitpid(-pgid, NULL, WNOHANG) > 0)
                        ;
                if (kill(-pgid, 0) < 0 && errno == ESRCH)
                        return true;
                usleep(10000);
        }
        return false;
}

static const ActionContext ctx27 = {
        .operator = "op27",
        .agent = "Agent/1127",
        .team = "retail",
        .break_kind = "recovery",
        .break_uid = "op27-19990104-recovery-1@respite",
        .reason = "Break",
        .start = 1796206800ULL * USEC_PER_SEC,  /* 2026-12-02T10:20:00Z */
        .end = 1796208000ULL * USEC_PER_SEC,    /* 2026-12-02T10:40:00Z */
};

static void test_actions_environment(void **state) {
        _cleanup_free_ char *script = NULL, *env = NULL, *proc = NULL;
        ActionStatus st;

        script = write_script("env", "env | sort >@/env.tmp\n"
                                     "{ readlink /proc/$$/fd/0; pwd; awk '{ print ($6 == $1) }' /proc/$$/stat;\n"
                                     "  while read -r l; do case $l in SigBlk*) echo \"$l\";; esac; done </proc/$$/status; } >@/proc\n"
                                     "mv @/env.tmp @/env.out\n");
        set_action(ACTION_BREAK_START, script, 10 * USEC_PER_SEC, 0, 0);
        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &ctx27), 1);
        /* No break_end is configured: nothing to do. */
        assert_int_equal(actions_run(actions, ACTION_BREAK_END, &ctx27), 0);
        assert_int_equal(actions_run(actions, _ACTION_EVENT_MAX, &ctx27), -EINVAL);
        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &(ActionContext) { .team = "retail" }), -EINVAL);
        run_loop(10, NULL);

        env = read_file("env.out");
        assert_non_null(env);
        /* Everything the runner sets, and nothing else but what sh adds (PWD). */
        assert_string_equal(env,
                            "PATH=" ACTIONS_PATH "\n"
                            "PWD=/\n"
                            "RESPITE_AGENT=Agent/1127\n"
                            "RESPITE_BREAK_END=2026-12-02T10:40:00Z\n"
                            "RESPITE_BREAK_END_USEC=1796208000000000\n"
                            "RESPITE_BREAK_KIND=recovery\n"
                            "RESPITE_BREAK_START=2026-12-02T10:20:00Z\n"
                            "RESPITE_BREAK_START_USEC=1796206800000000\n"
                            "RESPITE_BREAK_UID=op27-19990104-recovery-1@respite\n"
                            "RESPITE_EVENT=break_start\n"
                            "RESPITE_OPERATOR=op27\n"
                            "RESPITE_REASON=Break\n"
                            "RESPITE_TEAM=retail\n");
        /* stdin /dev/null, in /, its own session, no signal blocked (respited blocks SIGCHLD).
         * The mask is read by the shell itself (a builtin): a shell waiting for a child
         * blocks every signal for a moment, so grep in a child could see that. */
        proc = read_file("proc");
        assert_string_equal(proc, "/dev/null\n/\n1\nSigBlk:\t0000000000000000\n");

        st = status();
        assert_int_equal(st.started, 1);
        assert_int_equal(st.attempts, 1);
        assert_int_equal(st.succeeded, 1);
        assert_int_equal(st.failed, 0);
        assert_int_equal(st.running, 0);
        assert_int_equal(st.last_failure.event, _ACTION_EVENT_INVALID);
        assert_non_null(strstr(captured(), "action break_start for op27 (pid "));
        assert_non_null(strstr(captured(), ") succeeded"));
}

/* Unknown fields are empty, control characters cannot reach the script as such. */
static void test_actions_environment_empty(void **state) {
        _cleanup_free_ char *script = NULL, *env = NULL;

        script = write_script("env", "env | sort >@/env.tmp && mv @/env.tmp @/env.out\n");
        set_action(ACTION_BREAK_DUE, script, 10 * USEC_PER_SEC, 0, 0);
        assert_int_equal(actions_run(actions, ACTION_BREAK_DUE, &(ActionContext) {
                .operator = "op\n16", .break_kind = "statutory", .reason = "Break\r\nAction: Logoff" }), 1);
        run_loop(10, NULL);
        assert_non_null(strstr(captured(), "action break_due for op 16 (pid "));

        env = read_file("env.out");
        assert_string_equal(env,
                            "PATH=" ACTIONS_PATH "\n"
                            "PWD=/\n"
                            "RESPITE_AGENT=\n"
                            "RESPITE_BREAK_END=\n"
                            "RESPITE_BREAK_END_USEC=\n"
                            "RESPITE_BREAK_KIND=statutory\n"
                            "RESPITE_BREAK_START=\n"
                            "RESPITE_BREAK_START_USEC=\n"
                            "RESPITE_BREAK_UID=\n"
                            "RESPITE_EVENT=break_due\n"
                            "RESPITE_OPERATOR=op 16\n"
                            "RESPITE_REASON=Break  Action: Logoff\n"
                            "RESPITE_TEAM=\n");
}

/* A hanging action is stopped at its timeout (SIGTERM, ignored here, then
 * SIGKILL 5 s later, with the process it started); meanwhile the loop runs
 * on and another operator's action completes. */
static void test_actions_timeout(void **state) {
        _cleanup_free_ char *hang = NULL, *quick = NULL, *pid_text = NULL, *done = NULL;
        ActionSettings s = {};
        ActionStatus st;
        usec_t begin;
        pid_t pid;

        hang = write_script("hang", "trap '' TERM\necho $$ >@/hang.pid\nsleep 60\n");
        quick = write_script("quick", "sleep 0.5; echo \"$RESPITE_OPERATOR\" >@/quick.out\n");
        action_settings_done(&s);
        assert_int_equal(strv_extend(&s.argv[ACTION_BREAK_START], hang), 0);
        assert_int_equal(strv_extend(&s.argv[ACTION_BREAK_END], quick), 0);
        s.timeout = 2 * USEC_PER_SEC;
        s.retries = 0;
        assert_int_equal(actions_set_settings(actions, &s), 0);
        action_settings_done(&s);

        begin = now_usec(CLOCK_MONOTONIC);
        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &ctx27), 1);
        assert_int_equal(actions_run(actions, ACTION_BREAK_END, &(ActionContext) { .operator = "op16" }), 1);
        run_loop(5, "quick.out");
        done = read_file("quick.out");
        assert_string_equal(done, "op16\n");

        /* op16's action has finished, op27's still hangs. */
        run_loop_until(5, NULL, 1);
        run_loop(5, "hang.pid");
        st = status();
        assert_int_equal(st.succeeded, 1);
        assert_int_equal(st.running, 1);
        assert_int_equal(st.timed_out, 0);
        pid_text = read_file("hang.pid");
        pid = (pid_t) atoi(pid_text);
        assert_true(pid > 0);
        assert_int_equal(kill(-pid, 0), 0);

        run_loop(15, NULL);
        /* 2 s of timeout, 5 s more to SIGKILL. */
        assert_true(now_usec(CLOCK_MONOTONIC) - begin >= 7 * USEC_PER_SEC);
        assert_true(now_usec(CLOCK_MONOTONIC) - begin < 10 * USEC_PER_SEC);
        /* The whole process group is gone, sleep included. */
        assert_true(group_gone(pid));

        st = status();
        assert_int_equal(st.started, 2);
        assert_int_equal(st.succeeded, 1);
        assert_int_equal(st.timed_out, 1);
        assert_int_equal(st.failed, 1);
        assert_int_equal(st.running, 0);
        assert_int_equal(st.last_failure.event, ACTION_BREAK_START);
        assert_string_equal(st.last_failure.operator, "op27");
        assert_string_equal(st.last_failure.why, "a timeout after 2s");
        assert_true(st.last_failure.when > 0);
        assert_non_null(strstr(captured(), "runs longer than 2s, stopping it"));
        assert_non_null(strstr(captured(), "still runs 5s after SIGTERM, killing it"));
        assert_non_null(strstr(captured(), "failed with a timeout after 2s, gave up after 1 attempt\n"));
}

/* A failing action is tried retries more times, then given up and reported. */
static void test_actions_retries(void **state) {
        _cleanup_free_ char *script = NULL, *count = NULL;
        ActionStatus st;

        script = write_script("fail", "echo \"$RESPITE_EVENT\" >>@/count\nexit 3\n");
        set_action(ACTION_BREAK_END, script, 10 * USEC_PER_SEC, 2, 200 * MSEC);
        assert_int_equal(actions_run(actions, ACTION_BREAK_END, &ctx27), 1);
        run_loop(10, NULL);

        count = read_file("count");
        assert_string_equal(count, "break_end\nbreak_end\nbreak_end\n");
        st = status();
        assert_int_equal(st.started, 1);
        assert_int_equal(st.attempts, 3);
        assert_int_equal(st.succeeded, 0);
        assert_int_equal(st.failed, 1);
        assert_int_equal(st.timed_out, 0);
        assert_int_equal(st.running, 0);
        assert_int_equal(st.last_failure.event, ACTION_BREAK_END);
        assert_string_equal(st.last_failure.operator, "op27");
        assert_string_equal(st.last_failure.why, "exit status 3");
        assert_non_null(strstr(captured(), "failed with exit status 3, retrying in 200ms (1 of 2)\n"));
        assert_non_null(strstr(captured(), "failed with exit status 3, retrying in 200ms (2 of 2)\n"));
        assert_non_null(strstr(captured(), "failed with exit status 3, gave up after 3 attempts\n"));
}

/* One that fails once succeeds on its retry; a signal is a failure; a
 * command that cannot start is a failure too. */
static void test_actions_retry_succeeds(void **state) {
        _cleanup_free_ char *flaky = NULL, *crash = NULL;
        ActionSettings s = {};
        ActionStatus st;

        flaky = write_script("flaky", "test -e @/once && exit 0\ntouch @/once\nexit 1\n");
        crash = write_script("crash", "kill -SEGV $$\n");
        action_settings_done(&s);
        assert_int_equal(strv_extend(&s.argv[ACTION_BREAK_START], flaky), 0);
        assert_int_equal(strv_extend(&s.argv[ACTION_BREAK_END], crash), 0);
        assert_int_equal(strv_extend(&s.argv[ACTION_BREAK_DUE], "/nonexistent/respite-action"), 0);
        s.retries = 1;
        s.retry_delay = 100 * MSEC;
        assert_int_equal(actions_set_settings(actions, &s), 0);
        action_settings_done(&s);

        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &ctx27), 1);
        assert_int_equal(actions_run(actions, ACTION_BREAK_END, &(ActionContext) { .operator = "op16" }), 1);
        assert_int_equal(actions_run(actions, ACTION_BREAK_DUE, &(ActionContext) { .operator = "op3" }), 1);
        run_loop(10, NULL);

        st = status();
        assert_int_equal(st.started, 3);
        assert_int_equal(st.attempts, 6);
        assert_int_equal(st.succeeded, 1);
        assert_int_equal(st.failed, 2);
        assert_non_null(strstr(captured(), "succeeded on a retry"));
        assert_non_null(strstr(captured(), "action break_end for op16 (pid "));
        assert_non_null(strstr(captured(), "failed with signal SIGSEGV, gave up after 2 attempts\n"));
        /* Under valgrind, which runs posix_spawn()'s vfork as a fork, the
         * child reports the failed exec as exit status 127. */
        assert_true(strstr(captured(), "action break_due for op3 failed with an error starting "
                                       "/nonexistent/respite-action: No such file or directory, "
                                       "retrying in 100ms (1 of 1)\n") ||
                    strstr(captured(), "failed with exit status 127, retrying in 100ms (1 of 1)\n"));
}

/* stdout and stderr are logged line by line, with the event and the operator. */
static void test_actions_output(void **state) {
        _cleanup_free_ char *script = NULL, *expect = NULL;
        const char *log;

        script = write_script("talk", "echo 'Response: Success'\necho 'Message: Interface paused' >&2\n"
                                      "printf 'first\\r\\nsecond\\n\\nthe end'\n");
        set_action(ACTION_BREAK_START, script, 10 * USEC_PER_SEC, 0, 0);
        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &ctx27), 1);
        run_loop(10, NULL);

        log = captured();
        assert_non_null(strstr(log, "action break_start for op27 (pid "));
        assert_non_null(strstr(log, "): Response: Success\n"));
        assert_non_null(strstr(log, "): Message: Interface paused\n"));
        assert_non_null(strstr(log, "): first\n"));
        assert_non_null(strstr(log, "): second\n"));
        assert_non_null(strstr(log, "): \n"));
        assert_non_null(strstr(log, "): the end\n"));
        assert_int_equal(status().succeeded, 1);
}

/* One operator's actions run in the order asked for, each after the last has ended. */
static void test_actions_order(void **state) {
        _cleanup_free_ char *slow = NULL, *fast = NULL, *order = NULL;
        ActionSettings s = {};

        slow = write_script("slow", "sleep 0.5; echo \"start $RESPITE_OPERATOR\" >>@/order\n");
        fast = write_script("fast", "echo \"end $RESPITE_OPERATOR\" >>@/order\n");
        action_settings_done(&s);
        assert_int_equal(strv_extend(&s.argv[ACTION_BREAK_START], slow), 0);
        assert_int_equal(strv_extend(&s.argv[ACTION_BREAK_END], fast), 0);
        assert_int_equal(actions_set_settings(actions, &s), 0);
        action_settings_done(&s);

        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &ctx27), 1);
        assert_int_equal(actions_run(actions, ACTION_BREAK_END, &ctx27), 1);
        assert_int_equal(actions_run(actions, ACTION_BREAK_END, &(ActionContext) { .operator = "op16" }), 1);
        assert_int_equal(status().running, 3);
        run_loop(10, NULL);

        order = read_file("order");
        assert_string_equal(order, "end op16\nstart op27\nend op27\n");
        assert_int_equal(status().succeeded, 3);
}

/* Freeing the runner kills what runs (and what it started) and reaps it. */
static void test_actions_free_kills(void **state) {
        _cleanup_free_ char *script = NULL, *pid_text = NULL;
        pid_t pid;

        script = write_script("hang", "echo $$ >@/hang.pid\nsleep 60\n");
        set_action(ACTION_BREAK_START, script, 60 * USEC_PER_SEC, 2, USEC_PER_SEC);
        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &ctx27), 1);
        /* And one waiting behind it. */
        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &ctx27), 1);
        run_loop(5, "hang.pid");
        pid_text = read_file("hang.pid");
        pid = (pid_t) atoi(pid_text);
        assert_int_equal(kill(-pid, 0), 0);

        actions = actions_free(actions);
        assert_true(group_gone(pid));
        assert_non_null(strstr(captured(), "action break_start for op27 (pid "));
        assert_non_null(strstr(captured(), ") stopped: respited is stopping\n"));
}

/* New settings apply to runs asked for afterwards. */
static void test_actions_reload(void **state) {
        _cleanup_free_ char *a = NULL, *b = NULL, *out = NULL;

        a = write_script("a", "sleep 0.3; echo a >>@/out\n");
        b = write_script("b", "echo b >>@/out\n");
        set_action(ACTION_BREAK_START, a, 10 * USEC_PER_SEC, 0, 0);
        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &ctx27), 1);
        set_action(ACTION_BREAK_START, b, 10 * USEC_PER_SEC, 0, 0);
        assert_int_equal(actions_run(actions, ACTION_BREAK_START, &ctx27), 1);
        run_loop(10, NULL);
        out = read_file("out");
        assert_string_equal(out, "a\nb\n");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_actions_environment, setup, teardown),
                cmocka_unit_test_setup_teardown(test_actions_environment_empty, setup, teardown),
                cmocka_unit_test_setup_teardown(test_actions_timeout, setup, teardown),
                cmocka_unit_test_setup_teardown(test_actions_retries, setup, teardown),
                cmocka_unit_test_setup_teardown(test_actions_retry_succeeds, setup, teardown),
                cmocka_unit_test_setup_teardown(test_actions_output, setup, teardown),
                cmocka_unit_test_setup_teardown(test_actions_order, setup, teardown),
                cmocka_unit_test_setup_teardown(test_actions_free_kills, setup, teardown),
                cmocka_unit_test_setup_teardown(test_actions_reload, setup, teardown),
        };

        assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
        return run_tests_in_zone(tests, "America/Sao_Paulo");
}
