/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/actions.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* A line of an action's output longer than this is logged in pieces. */
#define ACTIONS_LINE_MAX 2048

/* One of a child's output pipes, read on the loop and logged by line. */
typedef struct ActionPipe {
        int fd;                 /* read end, non-blocking; -EBADF once closed */
        sd_event_source *source;
        int level;              /* LOG_INFO for stdout, LOG_WARNING for stderr */
        size_t n;
        char buf[ACTIONS_LINE_MAX];
} ActionPipe;

typedef struct ActionRun ActionRun;

struct ActionRun {
        Actions *actions;
        ActionRun *prev, *next; /* in Actions.runs, in the order asked for */

        ActionEvent event;
        char *operator;
        char **argv;            /* the command and its settings, as when it was asked for */
        char **env;
        usec_t timeout, retry_delay;
        unsigned retries;

        bool started;           /* false: queued behind an earlier run of the same operator */
        unsigned attempt;       /* 1 for the first, up to retries + 1 */
        pid_t pid;              /* the running process (and its process group), 0 when none */
        sd_event_source *child;
        sd_event_source *timer; /* the timeout (and SIGKILL after it) while running; the retry while waiting */
        bool timed_out;         /* SIGTERM was sent at the timeout */
        ActionPipe out, err;
};

struct Actions {
        sd_event *event;
        const Clock *clock;             /* dates failures; NULL: the real clock */
        ActionSettings settings;
        ActionRun *runs, *runs_tail;

        ActionStatus status;
        char *last_operator;    /* the strings of status.last_failure */
        char *last_why;
};

/* ---- runs ---- */

static void actions_pipe_close(ActionPipe *p) {
        p->source = sd_event_source_disable_unref(p->source);
        if (p->fd >= 0)
                close(p->fd);
        p->fd = -EBADF;
        p->n = 0;
}

/* Stop what runs (SIGKILL to the whole process group, reaped when the child
 * source goes) and close its pipes. */
static void actions_run_stop(ActionRun *run) {
        if (run->pid > 0 && run->child)
                (void) kill(-run->pid, SIGKILL);
        /* The child source owns the process: freeing it kills and reaps the
         * leader if it has not exited. */
        run->child = sd_event_source_disable_unref(run->child);
        run->timer = sd_event_source_disable_unref(run->timer);
        actions_pipe_close(&run->out);
        actions_pipe_close(&run->err);
        run->pid = 0;
}

static ActionRun *actions_run_free(ActionRun *run) {
        if (!run)
                return NULL;

        actions_run_stop(run);
        free(run->operator);
        strv_free(run->argv);
        strv_free(run->env);
        return mfree(run);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(ActionRun *, actions_run_free);

static void actions_unlink(Actions *a, ActionRun *run) {
        if (run->prev)
                run->prev->next = run->next;
        else
                a->runs = run->next;
        if (run->next)
                run->next->prev = run->prev;
        else
                a->runs_tail = run->prev;
        run->prev = run->next = NULL;
}

/* "action break_start for op27 (pid 1234)" into buf, for every message of a run. */
static const char *actions_label(const ActionRun *run, char *buf, size_t size) {
        if (run->pid > 0)
                snprintf(buf, size, "action %s for %s (pid %d)", action_event_to_string(run->event), run->operator,
                         (int) run->pid);
        else
                snprintf(buf, size, "action %s for %s", action_event_to_string(run->event), run->operator);
        return buf;
}
#define ACTIONS_LABEL_MAX 256

/* ---- output ---- */

/* Log the first n bytes of p's buffer as one line, control characters as '?'. */
static void actions_log_line(ActionRun *run, ActionPipe *p, size_t n) {
        char label[ACTIONS_LABEL_MAX];

        if (n > 0 && p->buf[n - 1] == '\r')
                n--;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char) p->buf[i] < ' ' && p->buf[i] != '\t')
                        p->buf[i] = '?';
        log_internal(p->level, 0, "%s: %.*s", actions_label(run, label, sizeof label), (int) n, p->buf);
}

/* Read what p holds now and log its whole lines; at end of file (or when
 * flush: everything it holds now), the rest too, and close p. */
static void actions_pipe_read(ActionRun *run, ActionPipe *p, bool flush) {
        for (;;) {
                ssize_t k;
                char *nl;

                if (p->fd < 0)
                        return;

                k = read(p->fd, p->buf + p->n, sizeof p->buf - p->n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN && !flush)
                        return;
                if (k <= 0) {   /* end of file, an error, or nothing more when flushing */
                        if (p->n > 0)
                                actions_log_line(run, p, p->n);
                        actions_pipe_close(p);
                        return;
                }
                p->n += (size_t) k;

                while ((nl = memchr(p->buf, '\n', p->n))) {
                        size_t line = (size_t) (nl - p->buf);

                        actions_log_line(run, p, line);
                        memmove(p->buf, nl + 1, p->n - line - 1);
                        p->n -= line + 1;
                }
                if (p->n == sizeof p->buf) {
                        actions_log_line(run, p, p->n);
                        p->n = 0;
                }
        }
}

static int actions_on_output(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        ActionRun *run = userdata;

        actions_pipe_read(run, fd == run->out.fd ? &run->out : &run->err, false);
        return 0;
}

/* ---- ending ---- */

static void actions_attempt(ActionRun *run);

/* Start the next run of operator, when one is queued. */
static void actions_start_next(Actions *a, const char *operator) {
        for (ActionRun *run = a->runs; run; run = run->next)
                if (streq(run->operator, operator)) {
                        if (!run->started)
                                actions_attempt(run);
                        return;
                }
}

/* The run is over, for good or not: forget it and let the operator's next one begin. */
static void actions_run_finish(ActionRun *run) {
        Actions *a = run->actions;
        _cleanup_free_ char *operator = NULL;

        a->status.running--;
        actions_unlink(a, run);
        operator = TAKE_PTR(run->operator);
        actions_run_free(run);

        if (operator)
                actions_start_next(a, operator);
}

static int actions_on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        ActionRun *run = userdata;

        run->timer = sd_event_source_disable_unref(run->timer);
        run->attempt++;
        actions_attempt(run);
        return 0;
}

/* The attempt ended with why (not success): try again after the delay, or give up. */
static void actions_run_failed(ActionRun *run, const char *why) {
        Actions *a = run->actions;
        char label[ACTIONS_LABEL_MAX], delay[DURATION_MAX];
        int r;

        actions_label(run, label, sizeof label);
        actions_run_stop(run);

        if (run->attempt <= run->retries) {
                r = sd_event_add_time_relative(a->event, &run->timer, CLOCK_MONOTONIC, run->retry_delay, 0,
                                               actions_on_retry, run);
                if (r >= 0) {
                        log_warning("%s failed with %s, retrying in %s (%u of %u)", label, why,
                                    duration_format(run->retry_delay, delay, sizeof delay), run->attempt,
                                    run->retries);
                        return;
                }
                log_warning_errno(r, "%s failed with %s; cannot wait to retry it: %m", label, why);
        } else
                log_error("%s failed with %s, gave up after %u attempt%s", label, why, run->attempt,
                          run->attempt == 1 ? "" : "s");

        a->status.failed++;
        a->status.last_failure.event = run->event;
        a->status.last_failure.when = a->clock ? clock_now(a->clock) : now_usec(CLOCK_REALTIME);
        free(a->last_operator);
        free(a->last_why);
        a->last_operator = strdup(run->operator);
        a->last_why = strdup(why);
        a->status.last_failure.operator = a->last_operator;
        a->status.last_failure.why = a->last_why;

        actions_run_finish(run);
}

static int actions_on_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        ActionRun *run = userdata;
        char label[ACTIONS_LABEL_MAX], why[64], timeout[DURATION_MAX];

        /* What it wrote before it ended; the rest of a process it left behind is not waited for. */
        actions_pipe_read(run, &run->out, true);
        actions_pipe_read(run, &run->err, true);

        if (run->timed_out) {
                snprintf(why, sizeof why, "a timeout after %s", duration_format(run->timeout, timeout, sizeof timeout));
                actions_run_failed(run, why);
                return 0;
        }
        if (si->si_code == CLD_EXITED && si->si_status == 0) {
                log_info("%s succeeded%s", actions_label(run, label, sizeof label),
                         run->attempt > 1 ? " on a retry" : "");
                run->actions->status.succeeded++;
                actions_run_finish(run);
                return 0;
        }
        if (si->si_code == CLD_EXITED)
                snprintf(why, sizeof why, "exit status %i", si->si_status);
        else
                snprintf(why, sizeof why, "signal SIG%s", sigabbrev_np(si->si_status) ?: "?");
        actions_run_failed(run, why);
        return 0;
}

/* At the timeout SIGTERM to the process group, ACTIONS_KILL_DELAY later SIGKILL. */
static int actions_on_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        ActionRun *run = userdata;
        char label[ACTIONS_LABEL_MAX], timeout[DURATION_MAX];
        int r;

        actions_label(run, label, sizeof label);
        if (run->timed_out) {
                log_warning("%s still runs %s after SIGTERM, killing it", label,
                            duration_format(ACTIONS_KILL_DELAY, timeout, sizeof timeout));
                (void) kill(-run->pid, SIGKILL);
                run->timer = sd_event_source_disable_unref(run->timer);
                return 0;
        }

        log_warning("%s runs longer than %s, stopping it", label,
                    duration_format(run->timeout, timeout, sizeof timeout));
        run->timed_out = true;
        run->actions->status.timed_out++;
        (void) kill(-run->pid, SIGTERM);
        r = sd_event_source_set_time_relative(s, ACTIONS_KILL_DELAY);
        if (r >= 0)
                r = sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        if (r < 0)
                (void) kill(-run->pid, SIGKILL);
        return 0;
}

/* ---- starting ---- */

static int actions_pipe_open(ActionRun *run, ActionPipe *p, int level, int *ret_write) {
        int fds[2], r;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        p->fd = fds[0];
        p->level = level;
        if (fcntl(p->fd, F_SETFL, O_NONBLOCK) < 0) {
                r = -errno;
                close(fds[1]);
                return r;
        }
        r = sd_event_add_io(run->actions->event, &p->source, p->fd, EPOLLIN, actions_on_output, run);
        if (r < 0) {
                close(fds[1]);
                return r;
        }
        *ret_write = fds[1];
        return 0;
}

/* Start the process: its own session, stdin /dev/null, stdout and stderr
 * our pipes, working directory /, no other descriptor, default signal
 * dispositions and an empty signal mask (respited blocks some). */
static int actions_spawn(ActionRun *run) {
        _cleanup_(closep) int out = -EBADF, err = -EBADF;
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        sigset_t none, all;
        pid_t pid;
        int r;

        r = actions_pipe_open(run, &run->out, LOG_INFO, &out);
        if (r < 0)
                return r;
        r = actions_pipe_open(run, &run->err, LOG_WARNING, &err);
        if (r < 0)
                return r;

        r = posix_spawn_file_actions_init(&fa);
        if (r != 0)
                return -r;
        r = posix_spawnattr_init(&attr);
        if (r != 0) {
                posix_spawn_file_actions_destroy(&fa);
                return -r;
        }
        sigemptyset(&none);
        sigfillset(&all);
        r = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        if (r == 0)
                r = posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
        if (r == 0)
                r = posix_spawn_file_actions_adddup2(&fa, err, STDERR_FILENO);
        if (r == 0)
                r = posix_spawn_file_actions_addchdir_np(&fa, "/");
        if (r == 0)
                r = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
        if (r == 0)
                r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                                    POSIX_SPAWN_SETSIGDEF);
        if (r == 0)
                r = posix_spawnattr_setsigmask(&attr, &none);
        if (r == 0)
                r = posix_spawnattr_setsigdefault(&attr, &all);
        if (r == 0)
                r = posix_spawn(&pid, run->argv[0], &fa, &attr, run->argv, run->env);
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0)
                return -r;
        run->pid = pid;

        r = sd_event_add_child(run->actions->event, &run->child, pid, WEXITED, actions_on_exit, run);
        if (r >= 0)
                r = sd_event_source_set_child_process_own(run->child, true);
        if (r >= 0)
                r = sd_event_add_time_relative(run->actions->event, &run->timer, CLOCK_MONOTONIC, run->timeout, 0,
                                               actions_on_timeout, run);
        if (r < 0) {
                /* Not watched: it must not run unseen. */
                (void) kill(-pid, SIGKILL);
                if (!run->child)
                        (void) waitpid(pid, NULL, 0);
                return r;
        }
        return 0;
}

/* Start an attempt of run; a failure to start counts as a failed attempt. */
static void actions_attempt(ActionRun *run) {
        char label[ACTIONS_LABEL_MAX], why[128];
        int r;

        run->started = true;
        run->timed_out = false;
        run->actions->status.attempts++;

        r = actions_spawn(run);
        if (r < 0) {
                snprintf(why, sizeof why, "an error starting %s: %s", run->argv[0], strerror(-r));
                actions_run_stop(run);
                actions_run_failed(run, why);
                return;
        }
        log_debug("%s started: %s", actions_label(run, label, sizeof label), run->argv[0]);
}

/* "KEY=value" into *l, control characters of value as spaces. */
static int actions_env_add(char ***l, const char *key, const char *value) {
        _cleanup_free_ char *s = NULL;
        int r;

        if (asprintf(&s, "%s=%s", key, value ?: "") < 0)
                return -ENOMEM;
        for (char *c = s; *c; c++)
                if ((unsigned char) *c < ' ' || *c == 0x7f)
                        *c = ' ';
        r = strv_extend(l, s);
        return r;
}

static int actions_env_add_time(char ***l, const char *key, usec_t t) {
        char iso[ISO8601_MAX] = "", key_usec[64], usec[32] = "";
        int r;

        if (t > 0 && t != USEC_INFINITY) {
                r = time_format_iso8601(t, "UTC", iso);
                if (r < 0)
                        return r;
                snprintf(usec, sizeof usec, "%" PRIu64, t);
        }
        snprintf(key_usec, sizeof key_usec, "%s_USEC", key);
        r = actions_env_add(l, key, iso);
        if (r >= 0)
                r = actions_env_add(l, key_usec, usec);
        return r;
}

/* The child's whole environment (actions.h). */
static int actions_make_env(ActionEvent event, const ActionContext *ctx, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;
        int r;

        r = actions_env_add(&l, "PATH", ACTIONS_PATH);
        if (r >= 0)
                r = actions_env_add(&l, "RESPITE_EVENT", action_event_to_string(event));
        if (r >= 0)
                r = actions_env_add(&l, "RESPITE_OPERATOR", ctx->operator);
        if (r >= 0)
                r = actions_env_add(&l, "RESPITE_AGENT", ctx->agent);
        if (r >= 0)
                r = actions_env_add(&l, "RESPITE_TEAM", ctx->team);
        if (r >= 0)
                r = actions_env_add(&l, "RESPITE_BREAK_KIND", ctx->break_kind);
        if (r >= 0)
                r = actions_env_add(&l, "RESPITE_BREAK_UID", ctx->break_uid);
        if (r >= 0)
                r = actions_env_add_time(&l, "RESPITE_BREAK_START", ctx->start);
        if (r >= 0)
                r = actions_env_add_time(&l, "RESPITE_BREAK_END", ctx->end);
        if (r >= 0)
                r = actions_env_add(&l, "RESPITE_REASON", ctx->reason);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(l);
        return 0;
}

static int actions_strv_copy(char * const *l, char ***ret) {
        _cleanup_(strv_freep) char **c = NULL;
        int r;

        for (size_t i = 0; l && l[i]; i++) {
                r = strv_extend(&c, l[i]);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

int actions_run(Actions *a, ActionEvent event, const ActionContext *ctx) {
        _cleanup_(actions_run_freep) ActionRun *run = NULL;
        bool queued = false;
        int r;

        if (event < 0 || event >= _ACTION_EVENT_MAX || !ctx || isempty(ctx->operator))
                return -EINVAL;
        if (!a->settings.argv[event])
                return 0;

        run = calloc(1, sizeof(ActionRun));
        if (!run)
                return -ENOMEM;
        *run = (ActionRun) {
                .actions = a,
                .event = event,
                .timeout = a->settings.timeout,
                .retries = a->settings.retries,
                .retry_delay = a->settings.retry_delay,
                .attempt = 1,
                .out.fd = -EBADF,
                .err.fd = -EBADF,
        };
        run->operator = strdup(ctx->operator);
        if (!run->operator)
                return -ENOMEM;
        for (char *c = run->operator; *c; c++)  /* it goes to the log */
                if ((unsigned char) *c < ' ' || *c == 0x7f)
                        *c = ' ';
        r = actions_strv_copy(a->settings.argv[event], &run->argv);
        if (r < 0)
                return r;
        r = actions_make_env(event, ctx, &run->env);
        if (r < 0)
                return r;

        for (ActionRun *i = a->runs; i && !queued; i = i->next)
                queued = streq(i->operator, run->operator);

        run->prev = a->runs_tail;
        if (a->runs_tail)
                a->runs_tail->next = run;
        else
                a->runs = run;
        a->runs_tail = run;
        a->status.started++;
        a->status.running++;

        if (queued)
                log_debug("action %s for %s waits for the operator's earlier action", action_event_to_string(event),
                          ctx->operator);
        else
                actions_attempt(TAKE_PTR(run)); /* the list owns it now; may end it at once */
        TAKE_PTR(run);
        return 1;
}

/* ---- the runner ---- */

int actions_new(sd_event *e, const Clock *clock, Actions **ret) {
        _cleanup_(actions_freep) Actions *a = NULL;
        sigset_t mask;

        a = calloc(1, sizeof(Actions));
        if (!a)
                return -ENOMEM;
        action_settings_done(&a->settings);
        a->status.last_failure.event = _ACTION_EVENT_INVALID;
        a->event = sd_event_ref(e);
        a->clock = clock;

        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;

        *ret = TAKE_PTR(a);
        return 0;
}

Actions *actions_free(Actions *a) {
        if (!a)
                return NULL;

        while (a->runs) {
                ActionRun *run = a->runs;
                char label[ACTIONS_LABEL_MAX];

                if (run->started)
                        log_notice("%s stopped: respited is stopping", actions_label(run, label, sizeof label));
                actions_unlink(a, run);
                actions_run_free(run);
        }
        action_settings_done(&a->settings);
        free(a->last_operator);
        free(a->last_why);
        sd_event_unref(a->event);
        return mfree(a);
}

int actions_set_settings(Actions *a, const ActionSettings *s) {
        ActionSettings c = {
                .timeout = s->timeout,
                .retries = s->retries,
                .retry_delay = s->retry_delay,
        };
        int r;

        for (size_t i = 0; i < _ACTION_EVENT_MAX; i++) {
                r = actions_strv_copy(s->argv[i], &c.argv[i]);
                if (r < 0) {
                        action_settings_done(&c);
                        return r;
                }
        }
        action_settings_done(&a->settings);
        a->settings = c;
        return 0;
}

void actions_get_status(const Actions *a, ActionStatus *ret) {
        *ret = a->status;
}
