/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The feed server's defences against hostile clients (issue 19), beside
 * libmicrohttpd's own limits (MHD_OPTION_CONNECTION_LIMIT,
 * MHD_OPTION_PER_IP_CONNECTION_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT):
 *
 *  - a request deadline: libmicrohttpd 0.9.75 restarts its idle timeout at
 *    every byte, so a client trickling a byte a second (slowloris) is never
 *    timed out. Each request must arrive whole (request line, headers and
 *    any body) within request_timeout of the connection's opening, or of the
 *    previous answer on it; else the connection is shut down.
 *  - a share for new clients: once more than 7/8 of max_connections are
 *    open, each new connection shuts down the one that has waited longest
 *    for its request, so that slow clients can never hold every slot.
 *  - closed connections wake the server: libmicrohttpd puts its listening
 *    socket back into its epoll set only at its next run, so a run that
 *    closed a connection (the limit may have been reached) asks for another
 *    at once, else nothing is accepted again until some other event.
 *  - request framing (RFC 9112 §6.3): http_guard_framing() refuses what a
 *    proxy in front could read with another length.
 *
 * Connections are shut down (shutdown(2)), never closed behind
 * libmicrohttpd's back: it sees the end of the stream at its next run and
 * closes the socket itself. */

#include <microhttpd.h>
#include <systemd/sd-event.h>

#include "shared/util.h"

typedef struct HttpGuard HttpGuard;

/* Let libmicrohttpd read and answer what is waiting on its sockets now
 * (MHD_run()). */
typedef void (*http_guard_drain_fn)(void *userdata);

/* A guard on event, with no connection yet: request_timeout (µs, at least
 * 1 s) and max_connections (the limit libmicrohttpd was given). Before it
 * shuts down a connection whose request is late, it calls drain(userdata):
 * a request that arrived while the event loop was busy elsewhere (a long
 * re-plan) lies read in the socket, not late, and is answered. Returns 0
 * or a negative errno (-ENOMEM). */
int http_guard_new(sd_event *event, usec_t request_timeout, unsigned max_connections, http_guard_drain_fn drain,
                   void *userdata, HttpGuard **ret);
/* Stops the timer and forgets the connections (libmicrohttpd must be
 * stopped first: it notifies their closing). NULL is fine. */
HttpGuard *http_guard_free(HttpGuard *g);
DEFINE_TRIVIAL_CLEANUP_FUNC(HttpGuard *, http_guard_free);

/* MHD_OPTION_NOTIFY_CONNECTION's callback, with the guard as cls: a
 * connection opened (its request deadline starts) or closed. */
void http_guard_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                              enum MHD_ConnectionNotificationCode code);

/* MHD_OPTION_NOTIFY_COMPLETED's callback, with the guard as cls: an answer
 * was sent, the next request on the connection has its own deadline. */
void http_guard_on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                             enum MHD_RequestTerminationCode code);

/* The request on c has arrived whole and is being answered: no deadline
 * until its answer is sent. */
void http_guard_answered(struct MHD_Connection *c);

/* Whether a connection closed since the last call: libmicrohttpd must then
 * run again at once to listen again (see above). */
bool http_guard_take_closed(HttpGuard *g);

/* Whether the request on c has one length that every reader agrees on
 * (RFC 9112 §6.3, §5.1), asked when its headers are in: 0, or -EBADMSG for
 * any Transfer-Encoding (with Content-Length it is an attempt to smuggle,
 * §6.3 item 3; alone, content on a GET or HEAD has no meaning and may be
 * refused for that reason, RFC 9110 §9.3.1, RFC 9112 §11.2), more than one
 * Content-Length, a Content-Length that is not one decimal number (§6.3
 * item 5), or whitespace (or nothing) before a header's colon (§5.1). The
 * answer to -EBADMSG is 400, and the connection closed. */
int http_guard_framing(struct MHD_Connection *c);
