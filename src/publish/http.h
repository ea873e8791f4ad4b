/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The feeds over HTTP: libmicrohttpd on respited's sd-event loop (external
 * epoll mode: MHD's epoll fd is one io source, MHD_get_timeout() one timer;
 * no threads), answering GET and HEAD of /feeds/<token>.ics. Every other
 * path, an unknown or rotated token alike: 404 with the same body, no hint
 * which part was wrong; other methods: 405. Tokens are never logged.
 *
 * Each feed's answer is built once, when its bytes change: a strong ETag
 * (the hash of the bytes), Last-Modified (when the bytes last changed),
 * Content-Type: text/calendar; charset=utf-8, Cache-Control: private; no
 * compression, no redirects. If-None-Match and If-Modified-Since are
 * answered 304 (RFC 9110 §13.2.2). Responses are reference-counted by
 * libmicrohttpd, so a feed replaced while a client is still reading the old
 * bytes is safe. A request whose length a proxy could read otherwise
 * (RFC 9112 §6.3) is answered 400 and its connection closed. */

#include <systemd/sd-event.h>

#include "shared/util.h"

/* Feeds over HTTP (respite.conf(5), feeds): where respited listens, the
 * URL the feeds are published under, and what every feed document says. */
typedef struct FeedSettings {
        char *listen;                   /* "127.0.0.1:8080", "[::1]:8080"; "" = no HTTP */
        char *base_url;                 /* "https://cal.example.com/respite" (no trailing '/');
                                         * NULL: "http://" + listen */
        usec_t refresh;                 /* REFRESH-INTERVAL and X-PUBLISHED-TTL (whole seconds) */
        usec_t alarm_before;            /* > 0: a VALARM this long before each break of an operator's
                                         * feed (whole seconds); 0 = none */
        bool shift_events;              /* a VEVENT per shift as well as per break */
        usec_t window_back;             /* events that end more than this before the local day are left out */
        usec_t window_ahead;            /* events that begin more than this after its start are left out */
        unsigned max_connections;       /* at once, all clients */
        unsigned max_connections_per_ip;
        usec_t connection_timeout;      /* an idle connection is closed after this (whole seconds) */
        usec_t request_timeout;         /* a request must arrive whole within this (http-guard.h) */
} FeedSettings;

typedef struct HttpServer HttpServer;

/* Render the feed name ("op16", "team-retail") as it is now: a malloc'ed
 * NUL-terminated document in *ret. Returns 0 or a negative errno. */
typedef int (*http_render_fn)(const char *name, char **ret, void *userdata);

/* A server that serves nothing yet: feeds may be put, http_server_start()
 * listens. Takes the stream socket systemd passed (sd_listen_fds(3)) when
 * there is one, to listen on it instead of an address. Only the answers
 * last asked for are kept, up to 2 MiB; another feed is rendered again with
 * render when it is asked for, so memory does not grow with the number of
 * feeds (render NULL: every answer put is kept). Returns 0 or -ENOMEM. */
int http_server_new_stopped(sd_event *event, http_render_fn render, void *userdata, HttpServer **ret);

/* Listen on the socket systemd passed when there was one, else on
 * settings->listen ("HOST:PORT", "[IPV6]:PORT"; port 0 picks one), with the
 * connection limits, the idle timeout and the request deadline of settings
 * (and the other defences of http-guard.h), and serve from the server's
 * event loop. Raises the soft limit of open files to the hard
 * limit so that max_connections fit. Never blocks (the host is a numeric
 * address or a name resolved by getaddrinfo(3)). Returns 0, or a negative
 * errno, the server then stopped as before: -EALREADY when it listens
 * already, -ENOENT when no socket was passed and settings->listen is empty
 * (HTTP is off), -EINVAL for a listen address that does not parse,
 * -EADDRNOTAVAIL when it does not resolve, bind(2)'s error (-EADDRINUSE,
 * -EADDRNOTAVAIL for an address not configured on this host, -EACCES),
 * -EBADF when the passed socket was stopped, -EIO, -ENOMEM. */
int http_server_start(HttpServer *s, const FeedSettings *settings);

/* Stop listening and close every connection (the passed socket too); the
 * feeds stay, for a later http_server_start(). NULL is fine. */
void http_server_stop(HttpServer *s);

/* Whether s listens (http_server_start() succeeded, no stop since). */
bool http_server_listening(const HttpServer *s) _pure_;

/* Whether systemd passed the socket s listens on (then the listen address
 * of the settings is not used). */
bool http_server_socket_passed(const HttpServer *s) _pure_;

/* http_server_new_stopped() then http_server_start(): a server that
 * listens, or its error. */
int http_server_new(sd_event *event, const FeedSettings *settings, http_render_fn render, void *userdata,
                    HttpServer **ret);
HttpServer *http_server_free(HttpServer *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(HttpServer *, http_server_free);

/* The address actually listened on, "127.0.0.1:8080" or "[::1]:8080", into
 * buf of size n (64 is plenty). Returns 0 or a negative errno (-ENOTCONN
 * when s does not listen). */
int http_server_address(const HttpServer *s, char *buf, size_t n);

/* Serve body (NUL-terminated) as the feed name ("op16", "team-retail") at
 * /feeds/<token>.ics; a copy is kept in the cache of answers when the feed's
 * previous answer was there (clients ask for it). When the bytes equal
 * what name already serves, the ETag and Last-Modified stay; else they
 * change, and
 * Last-Modified is now (CLOCK_REALTIME), or one second after the previous
 * Last-Modified when that is not earlier, so that If-Modified-Since never
 * hides a change made within the same second. A new token replaces the old
 * one, which then answers 404. Returns 0 or -ENOMEM, -EINVAL for a token
 * that is not 32 to 128 characters of [0-9a-z]. */
int http_server_put_feed(HttpServer *s, const char *name, const char *token, const char *body);

/* Serve feed name under token from now on (after a rotation); the old token
 * answers 404 at once. Returns 0, -ENOENT when name is not served, -EINVAL
 * for a bad token, -ENOMEM. */
int http_server_set_token(HttpServer *s, const char *name, const char *token);

/* Stop serving every feed that http_server_put_feed() did not put since the
 * previous call (operators and teams gone from the roster). */
void http_server_prune(HttpServer *s);

/* Whether a GET or HEAD of a representation with etag (quoted, strong) and
 * last_modified (UTC, seconds) may be answered 304 Not Modified, given the
 * request's If-None-Match and If-Modified-Since values (NULL when absent),
 * at now (UTC, seconds). RFC 9110 §13.2.2: If-None-Match, when present,
 * decides alone (weak comparison, "*" matches); else If-Modified-Since
 * matches when it is a valid HTTP-date (IMF-fixdate, RFC 850 or asctime
 * form, §5.6.7) not later than now and last_modified is not later than it.
 * A malformed date never matches. */
bool http_not_modified(const char *if_none_match, const char *if_modified_since, const char *etag,
                       time_t last_modified, time_t now) _pure_;

/* The URLs of the feed with token: base_url + "/feeds/<token>.ics" (base_url
 * NULL: "http://" + address, as http_server_address() gives it) in
 * *ret_url, and the same with the scheme "webcal" in *ret_webcal (calendar
 * clients subscribe with it). Returns 0, -EINVAL without a base_url or
 * address, or -ENOMEM. */
int http_feed_urls(const char *base_url, const char *address, const char *token, char **ret_url,
                   char **ret_webcal);
