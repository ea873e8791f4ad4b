/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The feeds over HTTP: raw bytes from a client, as the network sends them,
 * to a real HttpServer (libmicrohttpd on sd-event, listening on 127.0.0.1
 * with a port the kernel picks) serving one feed; and the conditional
 * request headers to http_not_modified(). The first byte chooses: even,
 * the bytes are a request sent on a new connection whose answer is read
 * until the server closes it (it must start "HTTP/1."); odd, they are
 * If-None-Match NUL If-Modified-Since. Only loopback traffic, bounded in
 * time: an input ends when the server closes, after 5 ms without traffic,
 * or after 2 s. */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>

#include "fuzz.h"
#include "publish/http.h"
#include "shared/clock.h"

#define TOKEN "0123456789abcdef0123456789abcdef"
#define USEC_PER_MSEC ((usec_t) 1000)

static sd_event *event;
static HttpServer *server;
static struct sockaddr_in address;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        FeedSettings settings = {
                .listen = (char *) "127.0.0.1:0",
                .max_connections = 16,
                .max_connections_per_ip = 16,
                .connection_timeout = 2 * USEC_PER_SEC,
                .request_timeout = 2 * USEC_PER_SEC,
        };
        char buf[64], *colon;

        fuzz_setup();
        if (sd_event_new(&event) < 0 || http_server_new(event, &settings, NULL, NULL, &server) < 0 ||
            http_server_put_feed(server, "op16", TOKEN, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") < 0 ||
            http_server_address(server, buf, sizeof(buf)) < 0)
                abort();
        colon = strrchr(buf, ':');
        if (!colon)
                abort();
        address = (struct sockaddr_in) {
                .sin_family = AF_INET,
                .sin_port = htons((uint16_t) atoi(colon + 1)),
                .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
        };
        return 0;
}

static void request(const uint8_t *data, size_t size) {
        _cleanup_(closep) int fd = -EBADF;
        char answer[8] = "";
        size_t got = 0;
        usec_t deadline = now_usec(CLOCK_MONOTONIC) + 2 * USEC_PER_SEC, last = now_usec(CLOCK_MONOTONIC);

        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                abort();
        if (connect(fd, (struct sockaddr *) &address, sizeof(address)) < 0 && errno != EINPROGRESS)
                abort();

        while (now_usec(CLOCK_MONOTONIC) < deadline) {
                char buf[4096];
                ssize_t n;

                if (size > 0) {
                        n = send(fd, data, size, MSG_NOSIGNAL);
                        if (n > 0) {
                                data += n, size -= (size_t) n;
                                last = now_usec(CLOCK_MONOTONIC);
                        }
                        else if (n < 0 && errno != EAGAIN && errno != ENOTCONN)
                                break;  /* the server closed on us: fine */
                        if (size == 0)
                                (void) shutdown(fd, SHUT_WR);
                }
                if (sd_event_run(event, 1000) < 0)
                        abort();
                n = recv(fd, buf, sizeof(buf), 0);
                if (n == 0 || (n < 0 && errno != EAGAIN))
                        break;
                /* A kept-alive connection: quiet for 5 ms after the request is out. */
                if (n < 0 && size == 0 && now_usec(CLOCK_MONOTONIC) > last + 5 * USEC_PER_MSEC)
                        break;
                if (n > 0)
                        last = now_usec(CLOCK_MONOTONIC);
                if (n > 0 && got < sizeof(answer) - 1) {
                        size_t k = MIN((size_t) n, sizeof(answer) - 1 - got);

                        memcpy(answer + got, buf, k);
                        got += k;
                }
        }
        /* Whatever was sent, an answer is HTTP or nothing at all. */
        if (got >= 7 && strncmp(answer, "HTTP/1.", 7) != 0)
                abort();
}

static void conditional(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = fuzz_string(data, size);
        const char *inm = text, *ims = text + strlen(text) + (strlen(text) < size);

        (void) http_not_modified(inm, ims, "\"0123456789abcdef\"", 915148800, 1700000000);
        (void) http_not_modified(NULL, ims, "\"0123456789abcdef\"", 915148800, 1700000000);
        (void) http_not_modified(inm, NULL, "\"0123456789abcdef\"", 915148800, 1700000000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1)
                return 0;
        if (data[0] & 1)
                conditional(data + 1, size - 1);
        else
                request(data + 1, size - 1);
        return 0;
}
