/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>

#include "publish/http.h"

#define TOKEN  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TOKEN2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define BODY   "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:山田 花子 🌸\r\nEND:VCALENDAR\r\n"
#define BODY2  "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"

/* Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example). */
#define LM ((time_t) 784111777)
#define ETAG "\"abc\""

static void test_if_none_match(void **state) {
        time_t now = LM + 1000;

        assert_false(http_not_modified(NULL, NULL, ETAG, LM, now));
        assert_true(http_not_modified("\"abc\"", NULL, ETAG, LM, now));
        assert_true(http_not_modified("W/\"abc\"", NULL, ETAG, LM, now));
        assert_true(http_not_modified("\"x\", \"abc\"", NULL, ETAG, LM, now));
        assert_true(http_not_modified("\"x\",W/\"abc\"", NULL, ETAG, LM, now));
        assert_true(http_not_modified("*", NULL, ETAG, LM, now));
        assert_false(http_not_modified("\"abd\"", NULL, ETAG, LM, now));
        assert_false(http_not_modified("\"ab\"", NULL, ETAG, LM, now));
        assert_false(http_not_modified("abc", NULL, ETAG, LM, now));
        assert_false(http_not_modified("\"abc", NULL, ETAG, LM, now));
        assert_false(http_not_modified("", NULL, ETAG, LM, now));
        /* If-None-Match decides alone, RFC 9110 §13.2.2. */
        assert_false(http_not_modified("\"old\"", "Sun, 06 Nov 1994 08:49:37 GMT", ETAG, LM, now));
}

static void test_if_modified_since(void **state) {
        time_t now = LM + 1000;

        assert_true(http_not_modified(NULL, "Sun, 06 Nov 1994 08:49:37 GMT", ETAG, LM, now));
        assert_true(http_not_modified(NULL, "Sun, 06 Nov 1994 08:49:38 GMT", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Sun, 06 Nov 1994 08:49:36 GMT", ETAG, LM, now));
        assert_true(http_not_modified(NULL, "Sunday, 06-Nov-94 08:49:37 GMT", ETAG, LM, now));
        assert_true(http_not_modified(NULL, "Sun Nov  6 08:49:37 1994", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Sat Nov  5 08:49:37 1994", ETAG, LM, now));

        /* Malformed: never "not modified". */
        assert_false(http_not_modified(NULL, "yesterday", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Sun, 06 Nov 1994 08:49:37 UTC", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Mon, 06 Nov 1994 08:49:37 GMT", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Sun, 6 Nov 1994 08:49:37 GMT", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Sun, 06 Nov 1994 25:49:37 GMT", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Wed, 31 Feb 1994 08:49:37 GMT", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Sun, 06 Nov 1994 08:49:37 GMT ", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Sun, 06 Xyz 1994 08:49:37 GMT", ETAG, LM, now));
        assert_false(http_not_modified(NULL, "Sun, 06 Nov 1994 08:49:+7 GMT", ETAG, LM, now));
        /* Later than the server's clock: invalid (RFC 9110 §13.1.3). */
        assert_false(http_not_modified(NULL, "Sun, 06 Nov 1994 08:49:37 GMT", ETAG, LM, LM - 10));
}

static void test_urls(void **state) {
        _cleanup_free_ char *url = NULL, *webcal = NULL;

        assert_int_equal(http_feed_urls("https://cal.example.com/r", "127.0.0.1:8080", "t0", &url, &webcal), 0);
        assert_string_equal(url, "https://cal.example.com/r/feeds/t0.ics");
        assert_string_equal(webcal, "webcal://cal.example.com/r/feeds/t0.ics");
        free(url);
        free(webcal);
        assert_int_equal(http_feed_urls(NULL, "[::1]:8080", "t0", &url, &webcal), 0);
        assert_string_equal(url, "http://[::1]:8080/feeds/t0.ics");
        assert_string_equal(webcal, "webcal://[::1]:8080/feeds/t0.ics");
        assert_int_equal(http_feed_urls(NULL, NULL, "t0", &url, &webcal), -EINVAL);
}

/* ---- a real server on the event loop, a client on a thread ---- */

typedef struct Exchange {
        const char *source;     /* client address, NULL: any */
        char request[512];      /* sent as is; "" = only connect and stay idle */
        char *response;         /* everything read until the server closed */
        usec_t took;
} Exchange;

typedef struct Client {
        unsigned port;
        Exchange *x;
        size_t n;
        unsigned idle;          /* idle connections opened first, from 127.0.0.1 */
        int done_fd;
} Client;

static usec_t now_mono(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

static int connect_to(unsigned port, const char *source) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
        struct timeval tv = { .tv_sec = 5 };
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return -errno;
        if (source) {
                struct sockaddr_in src = { .sin_family = AF_INET };

                inet_pton(AF_INET, source, &src.sin_addr);
                if (bind(fd, (struct sockaddr *) &src, sizeof src) < 0)
                        goto fail;
        }
        inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
            connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                goto fail;
        return fd;
fail:
        close(fd);
        return -errno;
}

/* Send x->request, read until EOF (or the 5 s receive timeout). */
static void exchange(unsigned port, Exchange *x) {
        _cleanup_(closep) int fd = -EBADF;
        size_t size = 0;
        FILE *f = open_memstream(&x->response, &size);
        usec_t start = now_mono();
        char buf[4096];
        ssize_t k;

        fd = connect_to(port, x->source);
        if (fd >= 0 && write(fd, x->request, strlen(x->request)) == (ssize_t) strlen(x->request))
                while ((k = read(fd, buf, sizeof buf)) > 0)
                        fwrite(buf, 1, k, f);
        fclose(f);
        x->took = now_mono() - start;
}

static void *client_run(void *p) {
        Client *c = p;
        uint64_t one = 1;
        int *idle = calloc(c->idle ?: 1, sizeof(int));

        for (unsigned i = 0; idle && i < c->idle; i++)
                idle[i] = connect_to(c->port, NULL);
        for (size_t i = 0; i < c->n; i++)
                exchange(c->port, &c->x[i]);
        for (unsigned i = 0; idle && i < c->idle; i++)
                if (idle[i] >= 0)
                        close(idle[i]);
        free(idle);
        (void) write(c->done_fd, &one, sizeof one);
        return NULL;
}

static int on_done(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        *(bool *) userdata = true;
        return 0;
}

/* Run the loop while the client thread talks to the server. */
static void run_client(sd_event *e, Client *c) {
        _cleanup_(closep) int fd = eventfd(0, EFD_CLOEXEC);
        sd_event_source *src = NULL;
        pthread_t thread;
        bool done = false;

        assert_true(fd >= 0);
        c->done_fd = fd;
        assert_int_equal(sd_event_add_io(e, &src, fd, EPOLLIN, on_done, &done), 0);
        assert_int_equal(pthread_create(&thread, NULL, client_run, c), 0);
        while (!done)
                assert_true(sd_event_run(e, UINT64_MAX) >= 0);
        assert_int_equal(pthread_join(thread, NULL), 0);
        sd_event_source_disable_unref(src);
}

static unsigned server_port(const HttpServer *s) {
        char address[64];

        assert_int_equal(http_server_address(s, address, sizeof address), 0);
        assert_non_null(strstr(address, "127.0.0.1:"));
        return (unsigned) atoi(strrchr(address, ':') + 1);
}

static void set_request(Exchange *x, const char *method, const char *path, const char *headers) {
        snprintf(x->request, sizeof x->request, "%s %s HTTP/1.1\r\nHost: test\r\n%sConnection: close\r\n\r\n",
                 method, path, headers ?: "");
}

static void exchanges_done(Exchange *x, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(x[i].response);
                x[i].response = NULL;
        }
}

/* The value of header name in response r, copied into buf. */
static const char *header(const char *r, const char *name, char *buf, size_t n) {
        char key[64];
        const char *p;

        snprintf(key, sizeof key, "\r\n%s: ", name);
        p = strstr(r, key);
        if (!p)
                return NULL;
        p += strlen(key);
        snprintf(buf, n, "%.*s", (int) strcspn(p, "\r\n"), p);
        return buf;
}

static const char *body_of(const char *r) {
        const char *p = strstr(r, "\r\n\r\n");

        return p ? p + 4 : "";
}

static FeedSettings settings = {
        .listen = (char *) "127.0.0.1:0",
        .max_connections = 4096,
        .max_connections_per_ip = 4096,
        .connection_timeout = 30 * USEC_PER_SEC,
        .request_timeout = 30 * USEC_PER_SEC,
};

static void test_server(void **state) {
        _cleanup_(http_server_freep) HttpServer *s = NULL;
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        char etag[64], etag2[64], lm[64], lm2[64], buf[64], ims[128];
        Exchange x[10] = {};
        Client c = { .x = x };

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(http_server_new(e, &settings, NULL, NULL, &s), 0);
        c.port = server_port(s);
        assert_int_equal(http_server_put_feed(s, "op1", TOKEN, BODY), 0);
        assert_int_equal(http_server_put_feed(s, "op2", "short", BODY), -EINVAL);
        assert_int_equal(http_server_set_token(s, "nobody", TOKEN2), -ENOENT);

        set_request(&x[0], "GET", "/feeds/" TOKEN ".ics", NULL);
        set_request(&x[1], "HEAD", "/feeds/" TOKEN ".ics", NULL);
        set_request(&x[2], "GET", "/feeds/" TOKEN2 ".ics", NULL);
        set_request(&x[3], "GET", "/feeds/" TOKEN, NULL);
        set_request(&x[4], "GET", "/feeds/0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF.ics", NULL);
        set_request(&x[5], "GET", "/", NULL);
        set_request(&x[6], "POST", "/feeds/" TOKEN ".ics", "Content-Length: 3\r\n");
        strcat(x[6].request, "a=b");
        set_request(&x[7], "GET", "/feeds/" TOKEN ".ics?x=1", "Accept-Encoding: gzip, deflate\r\n");
        /* Two requests on one connection: keep-alive works. */
        snprintf(x[8].request, sizeof x[8].request,
                 "GET /feeds/" TOKEN ".ics HTTP/1.1\r\nHost: t\r\n\r\n"
                 "HEAD /feeds/" TOKEN ".ics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        c.n = 9;
        run_client(e, &c);

        assert_true(strncmp(x[0].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_string_equal(header(x[0].response, "Content-Type", buf, sizeof buf), "text/calendar; charset=utf-8");
        assert_string_equal(header(x[0].response, "Cache-Control", buf, sizeof buf), "private");
        assert_null(header(x[0].response, "Content-Encoding", buf, sizeof buf));
        assert_null(header(x[0].response, "Location", buf, sizeof buf));
        assert_non_null(header(x[0].response, "ETag", etag, sizeof etag));
        assert_int_equal(strlen(etag), 34);
        assert_true(etag[0] == '"' && etag[33] == '"');
        assert_non_null(header(x[0].response, "Last-Modified", lm, sizeof lm));
        assert_string_equal(body_of(x[0].response), BODY);
        snprintf(buf, sizeof buf, "%zu", strlen(BODY));
        assert_string_equal(header(x[0].response, "Content-Length", ims, sizeof ims), buf);

        assert_true(strncmp(x[1].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_string_equal(header(x[1].response, "Content-Length", ims, sizeof ims), buf);
        assert_string_equal(body_of(x[1].response), "");

        /* Every wrong path: the same 404. */
        for (size_t i = 2; i <= 5; i++) {
                assert_true(strncmp(x[i].response, "HTTP/1.1 404 Not Found\r\n", 24) == 0);
                assert_string_equal(body_of(x[i].response), "Not Found\n");
        }
        assert_true(strncmp(x[6].response, "HTTP/1.1 405 ", 13) == 0);
        assert_string_equal(header(x[6].response, "Allow", buf, sizeof buf), "GET, HEAD");
        assert_true(strncmp(x[7].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_string_equal(body_of(x[7].response), BODY);
        assert_ptr_equal(strstr(x[8].response, "HTTP/1.1 200 OK"), x[8].response);
        assert_non_null(strstr(x[8].response + 1, "HTTP/1.1 200 OK"));
        exchanges_done(x, c.n);

        /* The same bytes again: same ETag and Last-Modified, and 304s. */
        assert_int_equal(http_server_put_feed(s, "op1", TOKEN, BODY), 0);
        snprintf(ims, sizeof ims, "If-None-Match: %s\r\n", etag);
        set_request(&x[0], "GET", "/feeds/" TOKEN ".ics", ims);
        set_request(&x[1], "HEAD", "/feeds/" TOKEN ".ics", ims);
        set_request(&x[2], "GET", "/feeds/" TOKEN ".ics", "If-None-Match: \"0123\"\r\n");
        snprintf(ims, sizeof ims, "If-Modified-Since: %s\r\n", lm);
        set_request(&x[3], "GET", "/feeds/" TOKEN ".ics", ims);
        set_request(&x[4], "GET", "/feeds/" TOKEN ".ics", "If-Modified-Since: yesterday\r\n");
        set_request(&x[5], "GET", "/feeds/" TOKEN ".ics", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n");
        c.n = 6;
        run_client(e, &c);
        assert_true(strncmp(x[0].response, "HTTP/1.1 304 Not Modified\r\n", 27) == 0);
        assert_string_equal(header(x[0].response, "ETag", buf, sizeof buf), etag);
        assert_string_equal(header(x[0].response, "Cache-Control", buf, sizeof buf), "private");
        assert_string_equal(body_of(x[0].response), "");
        assert_true(strncmp(x[1].response, "HTTP/1.1 304 Not Modified\r\n", 27) == 0);
        assert_true(strncmp(x[2].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_true(strncmp(x[3].response, "HTTP/1.1 304 Not Modified\r\n", 27) == 0);
        assert_true(strncmp(x[4].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_true(strncmp(x[5].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        exchanges_done(x, c.n);

        /* New bytes (within the same second): a new ETag, a later
         * Last-Modified, and the old validators no longer match. */
        assert_int_equal(http_server_put_feed(s, "op1", TOKEN, BODY2), 0);
        snprintf(ims, sizeof ims, "If-None-Match: %s\r\n", etag);
        set_request(&x[0], "GET", "/feeds/" TOKEN ".ics", ims);
        snprintf(ims, sizeof ims, "If-Modified-Since: %s\r\n", lm);
        set_request(&x[1], "GET", "/feeds/" TOKEN ".ics", ims);
        c.n = 2;
        run_client(e, &c);
        assert_true(strncmp(x[0].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_string_equal(body_of(x[0].response), BODY2);
        assert_non_null(header(x[0].response, "ETag", etag2, sizeof etag2));
        assert_string_not_equal(etag, etag2);
        assert_non_null(header(x[0].response, "Last-Modified", lm2, sizeof lm2));
        assert_string_not_equal(lm, lm2);
        assert_true(strncmp(x[1].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        exchanges_done(x, c.n);

        /* Rotation: the old URL answers 404 at once. */
        assert_int_equal(http_server_set_token(s, "op1", TOKEN2), 0);
        set_request(&x[0], "GET", "/feeds/" TOKEN ".ics", NULL);
        set_request(&x[1], "GET", "/feeds/" TOKEN2 ".ics", NULL);
        c.n = 2;
        run_client(e, &c);
        assert_true(strncmp(x[0].response, "HTTP/1.1 404 Not Found\r\n", 24) == 0);
        assert_true(strncmp(x[1].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_string_equal(header(x[1].response, "ETag", buf, sizeof buf), etag2);
        exchanges_done(x, c.n);

        /* A feed not put again before the next prune goes. */
        http_server_prune(s);
        http_server_prune(s);
        set_request(&x[0], "GET", "/feeds/" TOKEN2 ".ics", NULL);
        c.n = 1;
        run_client(e, &c);
        assert_true(strncmp(x[0].response, "HTTP/1.1 404 Not Found\r\n", 24) == 0);
        exchanges_done(x, c.n);
}

/* 1,000 idle connections do not keep a normal request from its answer. */
/* Feeds of 256 KiB: 40 of them are more than the cache would keep. */
#define BIG (256 * 1024)
static unsigned renders;

static char *big_body(const char *name) {
        char *b = malloc(BIG + 1);

        assert_non_null(b);
        memset(b, 'x', BIG);
        memcpy(b, name, strlen(name));
        b[BIG] = 0;
        return b;
}

static int render_big(const char *name, char **ret, void *userdata) {
        renders++;
        *ret = big_body(name);
        return 0;
}

static void test_cache(void **state) {
        _cleanup_(http_server_freep) HttpServer *s = NULL;
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        char etag[64], etag2[64], lm[64], lm2[64], token[65];
        Exchange x[2] = {};
        Client c = { .x = x };

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(http_server_new(e, &settings, render_big, NULL, &s), 0);
        c.port = server_port(s);
        for (unsigned i = 0; i < 40; i++) {
                _cleanup_free_ char *body = NULL, *name = NULL;

                assert_true(asprintf(&name, "op%u", i) > 0);
                snprintf(token, sizeof token, "%064u", i);
                body = big_body(name);
                assert_int_equal(http_server_put_feed(s, name, token, body), 0);
        }
        set_request(&x[0], "GET", "/feeds/0000000000000000000000000000000000000000000000000000000000000039.ics", NULL);
        set_request(&x[1], "GET", "/feeds/0000000000000000000000000000000000000000000000000000000000000000.ics", NULL);
        c.n = 2;
        run_client(e, &c);

        /* Nothing put is kept until asked for: both are rendered again, the
         * same bytes under the ETag and Last-Modified of their put. */
        assert_int_equal(renders, 2);
        assert_true(strncmp(x[0].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_true(strncmp(x[1].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_int_equal(strlen(body_of(x[1].response)), BIG);
        assert_true(strncmp(body_of(x[1].response), "op0xxx", 6) == 0);
        assert_non_null(header(x[1].response, "ETag", etag, sizeof etag));
        assert_non_null(header(x[1].response, "Last-Modified", lm, sizeof lm));
        exchanges_done(x, c.n);

        /* Now it is kept: asked again, not rendered again. */
        set_request(&x[0], "GET", "/feeds/0000000000000000000000000000000000000000000000000000000000000000.ics", NULL);
        c.n = 1;
        run_client(e, &c);
        assert_int_equal(renders, 2);
        assert_string_equal(header(x[0].response, "ETag", etag2, sizeof etag2), etag);
        assert_string_equal(header(x[0].response, "Last-Modified", lm2, sizeof lm2), lm);
        exchanges_done(x, c.n);
}

static void test_idle_connections(void **state) {
        _cleanup_(http_server_freep) HttpServer *s = NULL;
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        Exchange x[1] = {};
        Client c = { .x = x, .n = 1, .idle = 1000 };

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(http_server_new(e, &settings, NULL, NULL, &s), 0);
        c.port = server_port(s);
        assert_int_equal(http_server_put_feed(s, "op1", TOKEN, BODY), 0);
        set_request(&x[0], "GET", "/feeds/" TOKEN ".ics", NULL);
        run_client(e, &c);
        assert_true(strncmp(x[0].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_true(x[0].took < USEC_PER_SEC);
        exchanges_done(x, 1);
}

/* One address may hold max_connections_per_ip connections; others still
 * get in; an idle connection is closed after connection_timeout. */
static void test_limits(void **state) {
        _cleanup_(http_server_freep) HttpServer *s = NULL;
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        FeedSettings tight = settings;
        Exchange x[3] = {};
        Client c = { .x = x, .n = 3, .idle = 4 };

        tight.max_connections_per_ip = 4;
        tight.connection_timeout = USEC_PER_SEC;
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(http_server_new(e, &tight, NULL, NULL, &s), 0);
        c.port = server_port(s);
        assert_int_equal(http_server_put_feed(s, "op1", TOKEN, BODY), 0);
        set_request(&x[0], "GET", "/feeds/" TOKEN ".ics", NULL);
        x[0].source = "127.0.0.1";
        set_request(&x[1], "GET", "/feeds/" TOKEN ".ics", NULL);
        x[1].source = "127.0.0.2";
        x[2].request[0] = 0;    /* connect, say nothing */
        x[2].source = "127.0.0.3";
        run_client(e, &c);
        assert_string_equal(x[0].response, "");
        assert_true(strncmp(x[1].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_string_equal(x[2].response, "");
        assert_true(x[2].took >= USEC_PER_SEC / 2 && x[2].took < 4 * USEC_PER_SEC);
        exchanges_done(x, c.n);
}

/* A request whose length a proxy could read otherwise: 400, the connection
 * closed, nothing after it served (RFC 9112 §6.3). A plain Content-Length
 * body on a GET is still answered. */
static void test_framing(void **state) {
        static const char * const bad[] = {
                "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                "Transfer-Encoding: chunked\r\n",
                "Content-Length: 0\r\nContent-Length: 5\r\n",
                "Content-Length: 0, 5\r\n",
                "Content-Length: +5\r\n",
                "Transfer-Encoding : chunked\r\nContent-Length: 5\r\n",
        };
        _cleanup_(http_server_freep) HttpServer *s = NULL;
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        Exchange x[ELEMENTSOF(bad) + 1] = {};
        Client c = { .x = x, .n = ELEMENTSOF(x) };

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(http_server_new(e, &settings, NULL, NULL, &s), 0);
        c.port = server_port(s);
        assert_int_equal(http_server_put_feed(s, "op1", TOKEN, BODY), 0);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                snprintf(x[i].request, sizeof x[i].request,
                         "GET /feeds/" TOKEN ".ics HTTP/1.1\r\nHost: test\r\n%s\r\n0\r\n\r\n"
                         "GET /feeds/" TOKEN ".ics HTTP/1.1\r\nHost: test\r\n\r\n", bad[i]);
        }
        snprintf(x[ELEMENTSOF(bad)].request, sizeof x[0].request,
                 "GET /feeds/" TOKEN ".ics HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n"
                 "Connection: close\r\n\r\nhello");
        run_client(e, &c);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_true(strncmp(x[i].response, "HTTP/1.1 400 ", 13) == 0);
                assert_null(strstr(x[i].response, "200 OK"));
                assert_true(x[i].took < 4 * USEC_PER_SEC);     /* closed, not the client's 5 s timeout */
        }
        assert_true(strncmp(x[ELEMENTSOF(bad)].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        exchanges_done(x, c.n);
}

/* A request that does not arrive whole within request_timeout is closed,
 * however it trickles; connection_timeout (30 s here) is not what closes
 * it. */
static void test_request_deadline(void **state) {
        _cleanup_(http_server_freep) HttpServer *s = NULL;
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        FeedSettings quick = settings;
        Exchange x[1] = {};
        Client c = { .x = x, .n = 1 };

        quick.request_timeout = USEC_PER_SEC;
        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(http_server_new(e, &quick, NULL, NULL, &s), 0);
        c.port = server_port(s);
        snprintf(x[0].request, sizeof x[0].request, "GET /feeds/" TOKEN ".ics HTTP/1.1\r\nHost: test\r\nX-Slow: a");
        run_client(e, &c);
        assert_string_equal(x[0].response, "");
        assert_true(x[0].took >= USEC_PER_SEC / 2 && x[0].took < 4 * USEC_PER_SEC);
        exchanges_done(x, 1);
}

static void test_listen_errors(void **state) {
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        FeedSettings bad = settings;
        HttpServer *s = NULL;

        assert_int_equal(sd_event_new(&e), 0);
        bad.listen = (char *) "";
        assert_int_equal(http_server_new(e, &bad, NULL, NULL, &s), -ENOENT);
        bad.listen = (char *) "no-port";
        assert_int_equal(http_server_new(e, &bad, NULL, NULL, &s), -EINVAL);
        bad.listen = (char *) "[::1:80";
        assert_int_equal(http_server_new(e, &bad, NULL, NULL, &s), -EINVAL);
        bad.listen = (char *) "192.0.2.1:8080";       /* TEST-NET-1: not ours */
        assert_int_equal(http_server_new(e, &bad, NULL, NULL, &s), -EADDRNOTAVAIL);
        assert_null(s);
}

/* A server made stopped keeps the feeds put meanwhile; a start on a taken
 * port fails and leaves it stopped; once the port is free it starts and
 * serves them; a second start says so; stop and start again. */
static void test_stop_start(void **state) {
        _cleanup_(http_server_freep) HttpServer *s = NULL;
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(closep) int holder = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof sa;
        FeedSettings taken = settings;
        char address[64], buf[64];
        Exchange x[1] = {};
        Client c = { .x = x, .n = 1 };

        assert_true(holder >= 0);
        assert_int_equal(bind(holder, (struct sockaddr *) &sa, sizeof sa), 0);
        assert_int_equal(listen(holder, 1), 0);
        assert_int_equal(getsockname(holder, (struct sockaddr *) &sa, &len), 0);
        snprintf(address, sizeof address, "127.0.0.1:%u", (unsigned) ntohs(sa.sin_port));
        taken.listen = address;

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(http_server_new_stopped(e, NULL, NULL, &s), 0);
        assert_false(http_server_listening(s));
        assert_false(http_server_socket_passed(s));
        assert_int_equal(http_server_address(s, buf, sizeof buf), -ENOTCONN);
        assert_int_equal(http_server_put_feed(s, "op1", TOKEN, BODY), 0);

        assert_int_equal(http_server_start(s, &taken), -EADDRINUSE);
        assert_false(http_server_listening(s));
        close(TAKE_FD(holder));
        assert_int_equal(http_server_start(s, &taken), 0);
        assert_true(http_server_listening(s));
        assert_int_equal(http_server_start(s, &taken), -EALREADY);
        assert_int_equal(http_server_address(s, buf, sizeof buf), 0);
        assert_string_equal(buf, address);

        c.port = ntohs(sa.sin_port);
        set_request(&x[0], "GET", "/feeds/" TOKEN ".ics", NULL);
        run_client(e, &c);
        assert_true(strncmp(x[0].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_string_equal(body_of(x[0].response), BODY);
        exchanges_done(x, 1);

        http_server_stop(s);
        assert_false(http_server_listening(s));
        assert_int_equal(http_server_start(s, &settings), 0);
        c.port = server_port(s);
        run_client(e, &c);
        assert_true(strncmp(x[0].response, "HTTP/1.1 200 OK\r\n", 17) == 0);
        exchanges_done(x, 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_if_none_match),
                cmocka_unit_test(test_if_modified_since),
                cmocka_unit_test(test_urls),
                cmocka_unit_test(test_server),
                cmocka_unit_test(test_cache),
                cmocka_unit_test(test_idle_connections),
                cmocka_unit_test(test_limits),
                cmocka_unit_test(test_framing),
                cmocka_unit_test(test_request_deadline),
                cmocka_unit_test(test_listen_errors),
                cmocka_unit_test(test_stop_start),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
