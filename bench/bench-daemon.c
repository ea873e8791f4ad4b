/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-daemon: the real respited end to end on a synthetic site (made by
 * bench/bench-daemon-site.py, run by bench/bench-daemon.sh on a private
 * session bus). It execs respited with NOTIFY_SOCKET on a datagram socket
 * of its own and measures:
 *
 *   - exec to READY=1;
 *   - VmRSS 2 s after READY (idle) and after the incidents;
 *   - --incidents N: N ReportIncident(op, "threat", 0, "bench") calls one
 *     after another on one connection, each to an operator on shift
 *     (DIR/on-shift.txt, spread across teams), timed to its reply and to the
 *     first BreakScheduled signal for that operator (matched before the
 *     first call); p50/p95/p99 of both; the daemon's utime+stime per
 *     incident; feed files replaced in DIR/feeds (inotify IN_MOVED_TO and
 *     IN_CLOSE_WRITE of *.ics) per incident;
 *   - --sustain SECONDS: ReportIncident at --rate per second, sent
 *     asynchronously so that the sender never waits, while --calls call
 *     records per second (ENTERQUEUE, CONNECT, COMPLETECALLER) are appended
 *     to the queue_log respited follows (DIR/queue_log); per 10-second
 *     window of sending: the reply and BreakScheduled p50/p99 and the calls
 *     outstanding (sent, not answered) at the window's end.
 *
 * Prints Markdown table rows on standard output, progress on standard
 * error. Not a test: nothing is asserted. See bench/README.md.
 *
 * Usage: bench-daemon --site DIR [--label TEXT] [--incidents N] [--sustain S]
 *                     [--rate N] [--calls N] [--timeout S] [--ready-timeout S]
 *                     [--drain S] -- RESPITED [ARGS...]
 * --timeout bounds the incidents phase, --ready-timeout the start, --drain
 * the wait for the sustained load's late answers. */
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "shared/bus-contract.h"
#include "shared/util.h"

#define WINDOW      (10 * USEC_PER_SEC)
#define MAX_WINDOWS 64
/* After its reply, how long an incident waits for its signal. */
#define SIGNAL_GRACE (2 * USEC_PER_SEC)

typedef struct Sample {
        usec_t sent, reply, signal;     /* CLOCK_MONOTONIC; 0: not yet */
        ssize_t previous;               /* the operator's incident before, or -1 */
        bool failed;
} Sample;

typedef struct Bench {
        sd_event *event;
        sd_bus *bus;
        pid_t pid;
        char **ops;             /* operators on shift, spread across teams */
        size_t n_ops;
        ssize_t *latest;        /* operator number → its last Sample */
        size_t n_latest;
        Sample *samples;
        size_t n_samples;
        unsigned feeds;         /* feed files replaced (inotify) */
        unsigned failures;
} Bench;

static unsigned arg_incidents = 200, arg_sustain = 0, arg_rate = 50, arg_calls = 500;
static unsigned arg_timeout = 600, arg_ready_timeout = 1200, arg_drain = 60;
static const char *arg_site = NULL, *arg_label = NULL;

static usec_t now_mono(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static int usec_compare(const void *a, const void *b) {
        return CMP(*(const usec_t *) a, *(const usec_t *) b);
}

/* The nearest rank of the q-th quantile of n values. */
static size_t rank(size_t n, double q) {
        size_t k = (size_t) ceil(q * n);

        return k > 0 ? MIN(k, n) - 1 : 0;
}

/* A latency that was not answered by the end: its lower bound with this
 * bit set, printed as "> X". */
#define CENSORED (1ULL << 63)

/* The q-th quantile of v[n] (sorted in place), in ms. */
static const char *quantile(usec_t *v, size_t n, double q, char buf[static 32]) {
        usec_t x;

        if (n == 0)
                return "—";
        qsort(v, n, sizeof(usec_t), usec_compare);
        x = v[rank(n, q)];
        snprintf(buf, 32, "%s%.1f", x & CENSORED ? "> " : "", (double) (x & ~CENSORED) / 1000.0);
        return buf;
}

static long operator_number(const char *op) {
        return strncmp(op, "op", 2) == 0 ? strtol(op + 2, NULL, 10) : -1;
}

/* utime + stime of pid, in ms. */
static double cpu_ms(pid_t pid) {
        char path[64], buf[1024], *p;
        unsigned long ut, st;
        _cleanup_(fclosep) FILE *f = NULL;

        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        f = fopen(path, "re");
        if (!f || !fgets(buf, sizeof buf, f) || !(p = strrchr(buf, ')')))
                return 0;
        /* After the name: state ppid pgrp session tty tpgid flags minflt
         * cminflt majflt cmajflt utime stime. */
        if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
                return 0;
        return (ut + st) * 1000.0 / sysconf(_SC_CLK_TCK);
}

static double rss_mib(pid_t pid) {
        char path[64], line[256];
        _cleanup_(fclosep) FILE *f = NULL;
        unsigned long kb;

        snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
        f = fopen(path, "re");
        while (f && fgets(line, sizeof line, f))
                if (sscanf(line, "VmRSS: %lu kB", &kb) == 1)
                        return kb / 1024.0;
        return 0;
}

static int on_break_scheduled(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Bench *b = userdata;
        Sample *oldest = NULL;
        const char *op;
        long k;

        if (sd_bus_message_read(msg, "s", &op) < 0)
                return 0;
        k = operator_number(op);
        if (k < 0 || (size_t) k >= b->n_latest)
                return 0;
        /* The operator's oldest incident still waiting for its signal. */
        for (ssize_t i = b->latest[k]; i >= 0; i = b->samples[i].previous)
                if (b->samples[i].signal == 0)
                        oldest = &b->samples[i];
        if (oldest)
                oldest->signal = now_mono();
        return 0;
}

static int on_reply(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Sample *s = userdata;

        s->reply = now_mono();
        if (sd_bus_message_is_method_error(msg, NULL)) {
                static bool told = false;

                s->failed = true;
                if (!told)
                        fprintf(stderr, "bench-daemon: ReportIncident failed: %s\n",
                                sd_bus_message_get_error(msg)->message);
                told = true;
        }
        return 0;
}

static int on_feed(sd_event_source *src, const struct inotify_event *ev, void *userdata) {
        Bench *b = userdata;
        size_t n = ev->len ? strlen(ev->name) : 0;

        if (n > 4 && ev->name[0] != '.' && streq(ev->name + n - 4, ".ics"))
                b->feeds++;
        return 0;
}

/* Send ReportIncident for the next operator, without waiting. */
static int report(Bench *b) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const char *op = b->ops[b->n_samples % b->n_ops];
        Sample *s = &b->samples[b->n_samples];
        int r;

        r = sd_bus_message_new_method_call(b->bus, &m, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_REPORT_INCIDENT);
        if (r >= 0)
                r = sd_bus_message_append(m, "ssts", op, "threat", (uint64_t) 0, "bench");
        if (r < 0)
                return r;
        *s = (Sample) { .sent = now_mono(), .previous = b->latest[operator_number(op)] };
        b->latest[operator_number(op)] = (ssize_t) b->n_samples++;
        return sd_bus_call_async(b->bus, NULL, m, on_reply, s, 3600 * USEC_PER_SEC);
}

/* Fork and exec argv with NOTIFY_SOCKET; the time to READY=1 in *ret. */
static int start_daemon(Bench *b, char **argv, usec_t *ret) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_(closep) int fd = -EBADF;
        usec_t t0, deadline;
        char buf[4096];
        int status;

        snprintf(sa.sun_path, sizeof sa.sun_path, "%s/notify", arg_site);
        unlink(sa.sun_path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -errno;
        t0 = now_mono();
        deadline = t0 + arg_ready_timeout * USEC_PER_SEC;
        b->pid = fork();
        if (b->pid < 0)
                return -errno;
        if (b->pid == 0) {
                setenv("NOTIFY_SOCKET", sa.sun_path, 1);
                execv(argv[0], argv);
                _exit(127);
        }
        while (now_mono() < deadline) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                ssize_t n;

                if (waitpid(b->pid, &status, WNOHANG) == b->pid) {
                        b->pid = 0;
                        fprintf(stderr, "bench-daemon: respited exited (status %d) before READY=1\n", status);
                        return -ECHILD;
                }
                if (poll(&p, 1, 100) <= 0)
                        continue;
                n = recv(fd, buf, sizeof buf - 1, 0);
                if (n <= 0)
                        continue;
                buf[n] = 0;
                if (strncmp(buf, "READY=1", 7) == 0 || strstr(buf, "\nREADY=1")) {
                        *ret = now_mono() - t0;
                        return 0;
                }
        }
        fprintf(stderr, "bench-daemon: no READY=1 within %u s\n", arg_ready_timeout);
        return -ETIMEDOUT;
}

static void stop_daemon(Bench *b) {
        int status;

        if (b->pid <= 0)
                return;
        kill(b->pid, SIGTERM);
        for (int i = 0; i < 100; i++) {
                if (waitpid(b->pid, &status, WNOHANG) == b->pid)
                        return;
                usleep(100000);
        }
        fprintf(stderr, "bench-daemon: respited did not stop within 10 s of SIGTERM, killing it\n");
        kill(b->pid, SIGKILL);
        waitpid(b->pid, &status, 0);
}

/* Run the event loop for usec. */
static void run_for(Bench *b, usec_t usec) {
        usec_t end = now_mono() + usec;

        for (usec_t t; (t = now_mono()) < end;)
                (void) sd_event_run(b->event, end - t);
}

/* --incidents: one after another, each waiting for its reply and signal. */
static void sequential(Bench *b, const char *label, double rss_idle, usec_t ready) {
        usec_t deadline = now_mono() + arg_timeout * USEC_PER_SEC;
        _cleanup_free_ usec_t *rv = calloc(arg_incidents, sizeof(usec_t)), *sv = calloc(arg_incidents, sizeof(usec_t));
        size_t n_reply = 0, n_signal = 0, done = 0;
        double cpu0 = cpu_ms(b->pid), cpu;
        unsigned feeds0 = b->feeds, failed = 0;
        char q[6][32];

        if (!rv || !sv)
                return;
        for (size_t i = 0; i < arg_incidents && now_mono() < deadline; i++) {
                Sample *s = &b->samples[b->n_samples];

                if (report(b) < 0)
                        break;
                while (now_mono() < deadline && (s->reply == 0 || (s->signal == 0 && now_mono() < s->reply + SIGNAL_GRACE)))
                        (void) sd_event_run(b->event, 100 * 1000);
                if (s->reply == 0)
                        break;          /* timed out */
                done++;
                failed += s->failed;
                rv[n_reply++] = s->reply - s->sent;
                if (s->signal)
                        sv[n_signal++] = s->signal - s->sent;
                if (done % 10 == 0)
                        fprintf(stderr, "bench-daemon: %s operators: %zu incidents\n", label, done);
        }
        run_for(b, USEC_PER_SEC / 2);   /* late feed writes */
        cpu = cpu_ms(b->pid) - cpu0;
        printf("| %s | %.2f s | %.1f MiB | %.1f MiB | %zu%s%s | %s / %s / %s | %s / %s / %s | %.1f ms | %.1f |\n", label,
               (double) ready / USEC_PER_SEC, rss_idle, rss_mib(b->pid), done,
               done < arg_incidents ? " (timeout)" : "", n_signal < done ? " (some without signal)" : "",
               quantile(sv, n_signal, 0.5, q[0]), quantile(sv, n_signal, 0.95, q[1]), quantile(sv, n_signal, 0.99, q[2]),
               quantile(rv, n_reply, 0.5, q[3]), quantile(rv, n_reply, 0.95, q[4]), quantile(rv, n_reply, 0.99, q[5]),
               done ? cpu / done : 0, done ? (double) (b->feeds - feeds0) / done : 0);
        if (failed)
                fprintf(stderr, "bench-daemon: %u of %zu incidents answered with an error\n", failed, done);
        fflush(stdout);
}

/* Append the calls due by now: ENTERQUEUE, CONNECT, COMPLETECALLER each,
 * ending at the daemon's clock (epoch = CLOCK_REALTIME + offset). */
static void append_calls(int fd, Bench *b, unsigned *n, unsigned due, int64_t offset) {
        static char buf[1 << 20];
        size_t len = 0;

        for (; *n < due && len < sizeof buf - 512; (*n)++) {
                const char *op = b->ops[(*n * 7919u) % b->n_ops];
                uint64_t end = (uint64_t) ((int64_t) (time(NULL) * USEC_PER_SEC) + offset) / USEC_PER_SEC;
                unsigned talk = 60 + *n % 480, hold = 5 + *n % 25;

                len += snprintf(buf + len, sizeof buf - len,
                                "%" PRIu64 "|bench.%u|bench|NONE|ENTERQUEUE||anon-%08x|1\n"
                                "%" PRIu64 "|bench.%u|bench|Agent/%s|CONNECT|%u|bench.%u.1|3\n"
                                "%" PRIu64 "|bench.%u|bench|Agent/%s|COMPLETECALLER|%u|%u|1\n",
                                end - talk - hold, *n, *n, end - talk, *n, op, hold, *n, end, *n, op, hold, talk);
        }
        if (len > 0 && write(fd, buf, len) != (ssize_t) len)
                fprintf(stderr, "bench-daemon: queue_log write failed\n");
}

/* --sustain: incidents at --rate/s and call records at --calls/s. */
static void sustained(Bench *b, const char *label) {
        usec_t start, end, t, p99[2][2] = {};
        unsigned n_windows = MIN((arg_sustain * USEC_PER_SEC + WINDOW - 1) / WINDOW, MAX_WINDOWS);
        unsigned calls = 0, outstanding[MAX_WINDOWS] = {}, w = 0;
        size_t first = b->n_samples, answered = 0;
        _cleanup_(closep) int fd = -EBADF;
        _cleanup_free_ char *path = NULL;
        double cpu0 = cpu_ms(b->pid);
        uint64_t daemon_now = 0;
        int64_t offset = 0;
        char q[4][32];

        if (asprintf(&path, "%s/queue_log", arg_site) < 0)
                return;
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "bench-daemon: %s: %m\n", path);
                return;
        }
        if (sd_bus_get_property_trivial(b->bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_NOW, NULL, 't',
                                        &daemon_now) >= 0)
                offset = (int64_t) daemon_now - (int64_t) (time(NULL) * USEC_PER_SEC);

        start = now_mono();
        end = start + arg_sustain * USEC_PER_SEC;
        while ((t = now_mono()) < end) {
                unsigned due = (unsigned) ((t - start) * arg_rate / USEC_PER_SEC);

                while (b->n_samples - first < due && report(b) >= 0)
                        ;
                append_calls(fd, b, &calls, (unsigned) ((t - start) * arg_calls / USEC_PER_SEC), offset);
                if (t - start >= (w + 1) * WINDOW && w < n_windows) {
                        for (size_t i = first; i < b->n_samples; i++)
                                outstanding[w] += b->samples[i].reply == 0;
                        fprintf(stderr, "bench-daemon: %s operators, %u s: %u outstanding\n", label,
                                (w + 1) * (unsigned) (WINDOW / USEC_PER_SEC), outstanding[w]);
                        w++;
                }
                (void) sd_event_run(b->event, 10 * 1000);
        }
        if (w < n_windows) {
                for (size_t i = first; i < b->n_samples; i++)
                        outstanding[w] += b->samples[i].reply == 0;
                w++;
        }
        /* Let the late answers come, for up to --drain seconds. */
        for (usec_t deadline = now_mono() + arg_drain * USEC_PER_SEC; now_mono() < deadline;) {
                size_t left = 0;

                for (size_t i = first; i < b->n_samples; i++)
                        left += b->samples[i].reply == 0;
                if (left == 0)
                        break;
                (void) sd_event_run(b->event, 100 * 1000);
        }
        run_for(b, SIGNAL_GRACE);
        for (size_t i = first; i < b->n_samples; i++)
                answered += b->samples[i].reply != 0;

        printf("\n%s operators: %u ReportIncident/s and %u call records/s (%u appended) for %u s, then up to %u s for "
               "late answers: %zu of %zu incidents answered (%.1f/s), daemon CPU %.0f %% of one core, RSS %.1f MiB at "
               "the end. Latencies by the window the incident was sent in; \"> X\": not answered by the end, X is a "
               "lower bound.\n\n",
               label, arg_rate, arg_calls, calls, arg_sustain, arg_drain, answered, b->n_samples - first,
               answered / ((now_mono() - start) / 1e6),
               (cpu_ms(b->pid) - cpu0) / 10.0 / ((now_mono() - start) / 1e6), rss_mib(b->pid));
        printf("| window (s) | incidents sent | answered | reply p50 (ms) | reply p99 (ms) | BreakScheduled p50 (ms) | "
               "BreakScheduled p99 (ms) | outstanding at window end |\n");
        printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        t = now_mono();
        for (unsigned k = 0; k < w; k++) {
                _cleanup_free_ usec_t *rv = calloc(b->n_samples - first + 1, sizeof(usec_t));
                _cleanup_free_ usec_t *sv = calloc(b->n_samples - first + 1, sizeof(usec_t));
                size_t n = 0, n_answered = 0;

                if (!rv || !sv)
                        return;
                for (size_t i = first; i < b->n_samples; i++) {
                        const Sample *s = &b->samples[i];

                        if ((s->sent - start) / WINDOW != k)
                                continue;
                        n_answered += s->reply != 0;
                        rv[n] = s->reply ? s->reply - s->sent : (t - s->sent) | CENSORED;
                        sv[n++] = s->signal ? s->signal - s->sent : (t - s->sent) | CENSORED;
                }
                printf("| %u–%u | %zu | %zu | %s | %s | %s | %s | %u |\n", k * 10, (k + 1) * 10, n, n_answered,
                       quantile(rv, n, 0.5, q[0]), quantile(rv, n, 0.99, q[1]), quantile(sv, n, 0.5, q[2]),
                       quantile(sv, n, 0.99, q[3]), outstanding[k]);
                if (k == 0 || k == w - 1) {
                        p99[k == 0 ? 0 : 1][0] = n ? rv[rank(n, 0.99)] : 0;
                        p99[k == 0 ? 0 : 1][1] = n ? sv[rank(n, 0.99)] : 0;
                }
        }
        if (w > 1 && !((p99[0][0] | p99[0][1] | p99[1][0] | p99[1][1]) & CENSORED))
                printf("\nDrift (last window's p99 ÷ first's): reply %.1f×, BreakScheduled %.1f×.\n",
                       (double) p99[1][0] / p99[0][0], (double) p99[1][1] / p99[0][1]);
        else if (w > 1)
                printf("\nDrift: none to give, the p99 of a window was not answered by the end: the daemon did not "
                       "keep up.\n");
        fflush(stdout);
}

static int parse_argv(int argc, char *argv[]) {
        static const struct option options[] = {
                { "site",          required_argument, NULL, 's' },
                { "incidents",     required_argument, NULL, 'n' },
                { "sustain",       required_argument, NULL, 'S' },
                { "rate",          required_argument, NULL, 'r' },
                { "calls",         required_argument, NULL, 'c' },
                { "timeout",       required_argument, NULL, 't' },
                { "ready-timeout", required_argument, NULL, 'R' },
                { "label",         required_argument, NULL, 'l' },
                { "drain",         required_argument, NULL, 'd' },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "+", options, NULL)) >= 0) {
                unsigned v = (unsigned) strtoul(optarg ?: "0", NULL, 10);

                switch (c) {
                case 's': arg_site = optarg; break;
                case 'n': arg_incidents = v; break;
                case 'S': arg_sustain = v; break;
                case 'r': arg_rate = v; break;
                case 'c': arg_calls = v; break;
                case 't': arg_timeout = v; break;
                case 'R': arg_ready_timeout = v; break;
                case 'l': arg_label = optarg; break;
                case 'd': arg_drain = v; break;
                default: return -EINVAL;
                }
        }
        if (!arg_site || optind >= argc)
                return -EINVAL;
        return optind;
}

/* DIR/on-shift.txt: one operator a line. */
static int load_operators(Bench *b) {
        _cleanup_free_ char *path = NULL, *line = NULL;
        _cleanup_(fclosep) FILE *f = NULL;
        size_t size = 0;
        ssize_t n;

        if (asprintf(&path, "%s/on-shift.txt", arg_site) < 0)
                return -ENOMEM;
        f = fopen(path, "re");
        if (!f)
                return -errno;
        while ((n = getline(&line, &size, f)) > 0) {
                long k;

                line[strcspn(line, "\n")] = 0;
                k = operator_number(line);
                if (k < 0)
                        continue;
                if (strv_extend(&b->ops, line) < 0)
                        return -ENOMEM;
                b->n_ops++;
                b->n_latest = MAX(b->n_latest, (size_t) k + 1);
        }
        if (b->n_ops == 0)
                return -ENODATA;
        b->latest = malloc(b->n_latest * sizeof(ssize_t));
        if (!b->latest)
                return -ENOMEM;
        for (size_t i = 0; i < b->n_latest; i++)
                b->latest[i] = -1;
        return 0;
}

int main(int argc, char *argv[]) {
        _cleanup_free_ char *feeds = NULL;
        Bench b = {};
        const char *label;
        usec_t ready;
        double rss_idle;
        int r;

        r = parse_argv(argc, argv);
        if (r < 0) {
                fprintf(stderr, "usage: bench-daemon --site DIR [--label TEXT] [--incidents N] [--sustain S] [--rate N]\n"
                                "                    [--calls N] [--timeout S] [--ready-timeout S] [--drain S] -- RESPITED [ARGS...]\n");
                return EXIT_FAILURE;
        }
        argv += r;
        label = arg_label ?: arg_site;
        r = load_operators(&b);
        if (r < 0) {
                fprintf(stderr, "bench-daemon: %s/on-shift.txt: %s\n", arg_site, strerror(-r));
                return EXIT_FAILURE;
        }
        b.samples = calloc(arg_incidents + (size_t) arg_sustain * arg_rate + 1, sizeof(Sample));
        if (!b.samples || asprintf(&feeds, "%s/feeds", arg_site) < 0)
                return EXIT_FAILURE;

        /* The bus and the match first, so that no signal is missed. */
        r = sd_event_default(&b.event);
        if (r >= 0)
                r = sd_bus_open_user(&b.bus);
        if (r >= 0)
                r = sd_bus_attach_event(b.bus, b.event, 0);
        if (r >= 0)
                r = sd_bus_match_signal(b.bus, NULL, NULL, BUS_PATH, BUS_INTERFACE, BUS_SIGNAL_BREAK_SCHEDULED,
                                        on_break_scheduled, &b);
        if (r >= 0)
                r = sd_event_add_inotify(b.event, NULL, feeds, IN_MOVED_TO | IN_CLOSE_WRITE, on_feed, &b);
        if (r < 0) {
                fprintf(stderr, "bench-daemon: session bus or inotify: %s\n", strerror(-r));
                return EXIT_FAILURE;
        }

        r = start_daemon(&b, argv, &ready);
        if (r < 0) {
                printf("| %s | %s | — | — | — | — | — | — | — |\n", label,
                       r == -ETIMEDOUT ? "no READY=1 (timeout)" : "exited");
                stop_daemon(&b);
                return EXIT_FAILURE;
        }
        /* Signals that go to subscribers only need Subscribe(); a daemon
         * without it broadcasts them. */
        (void) sd_bus_call_method(b.bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "Subscribe", NULL, NULL, "");
        run_for(&b, 2 * USEC_PER_SEC);
        rss_idle = rss_mib(b.pid);
        fprintf(stderr, "bench-daemon: %s operators: READY=1 after %.2f s, %u feed files written by then\n", label,
                (double) ready / USEC_PER_SEC, b.feeds);

        if (arg_incidents > 0)
                sequential(&b, label, rss_idle, ready);
        if (arg_sustain > 0)
                sustained(&b, label);

        stop_daemon(&b);
        sd_bus_flush_close_unref(b.bus);
        sd_event_unref(b.event);
        strv_free(b.ops);
        free(b.latest);
        free(b.samples);
        return EXIT_SUCCESS;
}
