/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>

#include "publish/http-guard.h"
#include "shared/clock.h"
#include "shared/log.h"

typedef struct HttpGuardConn HttpGuardConn;
struct HttpGuardConn {
        HttpGuard *guard;
        struct MHD_Connection *connection;
        usec_t since;                           /* CLOCK_MONOTONIC: its request is waited for since */
        bool waiting;                           /* in HttpGuard's waiting list */
        HttpGuardConn *prev, *next;             /* every open connection */
        HttpGuardConn *wait_prev, *wait_next;   /* waiting for a request, oldest first */
};

struct HttpGuard {
        sd_event *event;
        sd_event_source *timer;                 /* the oldest waiting connection's deadline */
        usec_t request_timeout;
        http_guard_drain_fn drain;
        void *userdata;
        unsigned max_connections, open;
        bool closed;                            /* a connection closed since http_guard_take_closed() */
        HttpGuardConn *first;                   /* every open connection */
        HttpGuardConn *wait_first, *wait_last;
};

/* Shut c down (never close: libmicrohttpd owns the socket and closes it at
 * its next run, when it reads the end of the stream). */
static void http_guard_shutdown(struct MHD_Connection *c) {
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

        if (info)
                (void) shutdown(info->connect_fd, SHUT_RDWR);
}

static void http_guard_unwait(HttpGuard *g, HttpGuardConn *k) {
        if (!k->waiting)
                return;
        if (k->wait_prev)
                k->wait_prev->wait_next = k->wait_next;
        else
                g->wait_first = k->wait_next;
        if (k->wait_next)
                k->wait_next->wait_prev = k->wait_prev;
        else
                g->wait_last = k->wait_prev;
        k->wait_prev = k->wait_next = NULL;
        k->waiting = false;
}

static void http_guard_arm(HttpGuard *g) {
        if (!g->wait_first) {
                (void) sd_event_source_set_enabled(g->timer, SD_EVENT_OFF);
                return;
        }
        if (sd_event_source_set_time(g->timer, g->wait_first->since + g->request_timeout) < 0 ||
            sd_event_source_set_enabled(g->timer, SD_EVENT_ONESHOT) < 0)
                log_warning("Failed to arm the HTTP request deadline, ignoring.");
}

/* k's request is waited for from now on, behind every other. */
static void http_guard_wait(HttpGuard *g, HttpGuardConn *k) {
        bool was_empty = !g->wait_first;

        http_guard_unwait(g, k);
        k->since = now_usec(CLOCK_MONOTONIC);
        k->wait_prev = g->wait_last;
        if (g->wait_last)
                g->wait_last->wait_next = k;
        else
                g->wait_first = k;
        g->wait_last = k;
        k->waiting = true;
        /* A later head only makes the timer fire early: it then re-arms. */
        if (was_empty)
                http_guard_arm(g);
}

/* Shut down every connection whose request is late, then wait for the next
 * deadline. */
static int http_guard_on_timer(sd_event_source *src, uint64_t usec, void *userdata) {
        HttpGuard *g = userdata;
        usec_t now;
        unsigned n = 0;

        /* What came while the loop was busy is read first: only what has
         * not come by now is late. */
        g->drain(g->userdata);
        now = now_usec(CLOCK_MONOTONIC);

        while (g->wait_first && g->wait_first->since + g->request_timeout <= now) {
                HttpGuardConn *k = g->wait_first;

                http_guard_unwait(g, k);
                http_guard_shutdown(k->connection);
                n++;
        }
        if (n > 0)
                log_debug("HTTP: closed %u connection(s) whose request did not arrive whole within %" PRIu64 " ms.",
                          n, g->request_timeout / 1000);
        http_guard_arm(g);
        return 0;
}

void http_guard_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                              enum MHD_ConnectionNotificationCode code) {
        HttpGuard *g = cls;
        HttpGuardConn *k = *socket_context;
        unsigned reserve = g->max_connections / 8;

        if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
                if (!k)
                        return;
                http_guard_unwait(g, k);
                if (k->prev)
                        k->prev->next = k->next;
                else
                        g->first = k->next;
                if (k->next)
                        k->next->prev = k->prev;
                free(k);
                *socket_context = NULL;
                g->open--;
                g->closed = true;
                return;
        }

        k = calloc(1, sizeof(HttpGuardConn));
        if (!k) {
                http_guard_shutdown(c);         /* unguarded, it would have no deadline */
                return;
        }
        k->guard = g;
        k->connection = c;
        k->next = g->first;
        if (g->first)
                g->first->prev = k;
        g->first = k;
        *socket_context = k;
        g->open++;

        /* Keep a share for new clients: the one that waited longest for its
         * request makes room. */
        if (reserve > 0 && g->open > g->max_connections - reserve && g->wait_first) {
                HttpGuardConn *oldest = g->wait_first;

                http_guard_unwait(g, oldest);
                http_guard_shutdown(oldest->connection);
        }
        http_guard_wait(g, k);
}

void http_guard_on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                             enum MHD_RequestTerminationCode code) {
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

        if (info && info->socket_context)
                http_guard_wait(cls, info->socket_context);
}

void http_guard_answered(struct MHD_Connection *c) {
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        HttpGuardConn *k = info ? info->socket_context : NULL;

        if (k)
                http_guard_unwait(k->guard, k);
}

bool http_guard_take_closed(HttpGuard *g) {
        bool closed = g->closed;

        g->closed = false;
        return closed;
}

typedef struct HttpFraming {
        unsigned content_length, transfer_encoding;
        bool bad;
} HttpFraming;

static enum MHD_Result http_guard_on_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
        HttpFraming *f = cls;

        if (isempty(key) || key[strcspn(key, " \t")]) {
                f->bad = true;          /* RFC 9112 §5.1: no whitespace before the colon */
                return MHD_NO;
        }
        if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
                f->transfer_encoding++;
        else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
                f->content_length++;
                if (!value || !*value || value[strspn(value, "0123456789")])
                        f->bad = true;
        }
        return MHD_YES;
}

int http_guard_framing(struct MHD_Connection *c) {
        HttpFraming f = {};

        (void) MHD_get_connection_values(c, MHD_HEADER_KIND, http_guard_on_header, &f);
        if (f.bad || f.transfer_encoding > 0 || f.content_length > 1)
                return -EBADMSG;
        return 0;
}

int http_guard_new(sd_event *event, usec_t request_timeout, unsigned max_connections, http_guard_drain_fn drain,
                   void *userdata, HttpGuard **ret) {
        _cleanup_(http_guard_freep) HttpGuard *g = NULL;
        int r;

        assert(event);
        assert(ret);

        g = calloc(1, sizeof(HttpGuard));
        if (!g)
                return -ENOMEM;
        g->event = sd_event_ref(event);
        g->request_timeout = MAX(request_timeout, USEC_PER_SEC);
        g->max_connections = max_connections;
        g->drain = drain;
        g->userdata = userdata;
        r = sd_event_add_time(event, &g->timer, CLOCK_MONOTONIC, USEC_INFINITY, USEC_PER_SEC / 10,
                              http_guard_on_timer, g);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(g);
        return 0;
}

HttpGuard *http_guard_free(HttpGuard *g) {
        if (!g)
                return NULL;
        g->timer = sd_event_source_disable_unref(g->timer);
        while (g->first) {
                HttpGuardConn *k = g->first;

                g->first = k->next;
                free(k);
        }
        sd_event_unref(g->event);
        return mfree(g);
}
