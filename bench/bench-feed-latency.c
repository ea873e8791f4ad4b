/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The time from ReportIncident to the changed feed being served: for each
 * operator in turn, call ReportIncident on the session bus (it returns once
 * the incident is stored and the feeds are published), then GET the
 * operator's feed with If-None-Match: the ETag it had before. Counted when
 * the answer is a 200 with a new ETag (an incident outside the operator's
 * shift changes nothing). Prints one Markdown table row:
 * | samples | median ms | p95 ms | max ms | of which the GET, median ms |
 * Usage: bench-feed-latency CATEGORY ROUNDS OPERATOR... (bench/bench-http.sh) */
#include <arpa/inet.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <time.h>

#include "shared/util.h"

#define BUS_NAME      "org.respite.Scheduler1"
#define BUS_PATH      "/org/respite/Scheduler1"
#define BUS_INTERFACE "org.respite.Scheduler1"

static usec_t now_mono(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

/* GET url ("http://HOST:PORT/path", IPv4) with If-None-Match: etag (may be
 * ""); the status in *ret_status and the ETag answered in etag_out. */
static int get(const char *url, const char *etag, int *ret_status, char etag_out[static 64]) {
        _cleanup_(closep) int fd = -EBADF;
        char host[64], request[512], response[65536];
        const char *path, *p;
        struct sockaddr_in sa = { .sin_family = AF_INET };
        unsigned port;
        size_t n = 0;
        ssize_t k;

        if (sscanf(url, "http://%63[0-9.]:%u", host, &port) != 2 || !(path = strchr(url + 7, '/')))
                return -EINVAL;
        sa.sin_port = htons(port);
        if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
                return -EINVAL;
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -errno;
        snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s\r\n%s%s%sConnection: close\r\n\r\n", path, host,
                 *etag ? "If-None-Match: " : "", etag, *etag ? "\r\n" : "");
        if (write(fd, request, strlen(request)) != (ssize_t) strlen(request))
                return -EIO;
        while (n < sizeof response - 1 && (k = read(fd, response + n, sizeof response - 1 - n)) > 0)
                n += k;
        response[n] = 0;
        if (sscanf(response, "HTTP/1.1 %d", ret_status) != 1)
                return -EBADMSG;
        p = strcasestr(response, "\r\nETag: ");
        etag_out[0] = 0;
        if (p)
                snprintf(etag_out, 64, "%.*s", (int) strcspn(p + 8, "\r\n"), p + 8);
        return 0;
}

static int _printf_(1, 2) fail(const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
        return EXIT_FAILURE;
}

static int usec_compare(const void *a, const void *b) {
        usec_t x = *(const usec_t *) a, y = *(const usec_t *) b;

        return x < y ? -1 : x > y;
}

int main(int argc, char *argv[]) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        usec_t *total, *gets;
        size_t n = 0, n_ops = argc - 3;
        char **urls, (*etags)[64];
        unsigned rounds;
        int r;

        if (argc < 4)
                return fail("usage: bench-feed-latency CATEGORY ROUNDS OPERATOR...");
        rounds = (unsigned) atoi(argv[2]);
        r = sd_bus_open_user(&bus);
        if (r < 0)
                return fail("session bus: %s", strerror(-r));

        urls = calloc(n_ops, sizeof(char *));
        etags = calloc(n_ops, sizeof *etags);
        total = calloc(n_ops * rounds, sizeof(usec_t));
        gets = calloc(n_ops * rounds, sizeof(usec_t));
        if (!urls || !etags || !total || !gets)
                return fail("Out of memory.");
        for (size_t i = 0; i < n_ops; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                const char *url, *webcal;
                int status;

                r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "GetFeedURL", &error, &reply, "s",
                                       argv[3 + i]);
                if (r < 0 || sd_bus_message_read(reply, "ss", &url, &webcal) < 0)
                        return fail("GetFeedURL %s: %s", argv[3 + i], error.message ?: strerror(-r));
                urls[i] = strdup(url);
                if (!urls[i] || get(urls[i], "", &status, etags[i]) < 0 || status != 200)
                        return fail("GET %s failed", argv[3 + i]);
        }

        for (unsigned k = 0; k < rounds; k++)
                for (size_t i = 0; i < n_ops; i++) {
                        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                        char etag[64];
                        usec_t t0, t1;
                        int status;

                        t0 = now_mono();
                        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "ReportIncident", &error, NULL,
                                               "ssts", argv[3 + i], argv[1], (uint64_t) 0, "");
                        if (r < 0)
                                return fail("ReportIncident: %s", error.message ?: strerror(-r));
                        t1 = now_mono();
                        if (get(urls[i], etags[i], &status, etag) < 0)
                                return fail("GET failed");
                        if (status != 200 || streq(etag, etags[i]))
                                continue;       /* the incident changed nothing */
                        gets[n] = now_mono() - t1;
                        total[n++] = now_mono() - t0;
                        memcpy(etags[i], etag, sizeof etag);
                }

        if (n == 0)
                return fail("No incident changed a feed.");
        qsort(total, n, sizeof(usec_t), usec_compare);
        qsort(gets, n, sizeof(usec_t), usec_compare);
        printf("| %zu | %.2f | %.2f | %.2f | %.3f |\n", n, total[n / 2] / 1000.0, total[n * 95 / 100] / 1000.0,
               total[n - 1] / 1000.0, gets[n / 2] / 1000.0);
        for (size_t i = 0; i < n_ops; i++)
                free(urls[i]);
        free(urls);
        free(etags);
        free(total);
        free(gets);
        return 0;
}
