/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The feed server's life: listen on the socket systemd passed or on
 * feeds.listen, and while that fails (the port is taken, the address is not
 * on this host yet, the name does not resolve) try again on a timer of the
 * event loop, 1 s doubling to 60 s, never blocking it. Each change of state
 * is logged once, not each try; the state is in GetStatus ("FeedServer"),
 * `respitectl status` and sd_notify STATUS=. A reload tries again at once,
 * on the new address when feeds.listen changed. */
#include <string.h>
#include <systemd/sd-daemon.h>

#include "daemon/manager-internal.h"
#include "shared/log.h"

#define MANAGER_HTTP_BACKOFF_FIRST USEC_PER_SEC
#define MANAGER_HTTP_BACKOFF_MAX (60 * USEC_PER_SEC)

/* What to do about err (negative errno) when listening on address fails. */
static const char *manager_http_advice(int err) {
        switch (-err) {
        case EADDRINUSE:
                return "another program holds the port: stop it, or set another feeds.listen in respite.conf "
                       "and reload";
        case EADDRNOTAVAIL:
                return "the address is not on this host (yet) or its name does not resolve: respited serves "
                       "as soon as it is, or set another feeds.listen in respite.conf and reload";
        case EACCES:
                return "ports below 1024 need CAP_NET_BIND_SERVICE: choose a higher port in feeds.listen "
                       "(respite.conf) and reload";
        default:
                return "check feeds.listen in respite.conf and reload";
        }
}

static int manager_http_on_retry(sd_event_source *s, uint64_t usec, void *userdata);

/* Try to listen now; on failure arm the next try. Logs a change of state. */
static void manager_http_try(Manager *m) {
        const char *address = m->policy->feeds.listen;
        char actual[64];
        int r, was = m->http_error;

        r = http_server_start(m->http, &m->policy->feeds);
        if (r == -EALREADY)
                r = 0;
        if (r >= 0) {
                m->http_error = 0;
                m->http_backoff = MANAGER_HTTP_BACKOFF_FIRST;
                (void) sd_event_source_set_enabled(m->http_retry, SD_EVENT_OFF);
                if (http_server_address(m->http, actual, sizeof actual) < 0)
                        snprintf(actual, sizeof actual, "%s", address);
                if (was != 0 || !m->http_logged) {
                        log_info("Serving feeds over HTTP on %s.", actual);
                        m->http_logged = true;
                }
                manager_notify_status(m);
                return;
        }

        m->http_error = r;
        if (r == -ENOENT || r == -EBADF) {
                /* Off, or the passed socket is gone: nothing to retry. */
                if (was != r || !m->http_logged)
                        log_info(r == -ENOENT ? "feeds.listen is empty: no feeds over HTTP."
                                              : "The socket systemd passed is closed: no feeds over HTTP.");
                m->http_logged = true;
                (void) sd_event_source_set_enabled(m->http_retry, SD_EVENT_OFF);
                manager_notify_status(m);
                return;
        }
        if (was != r || !m->http_logged) {
                log_warning_errno(r, "Cannot serve feeds over HTTP on %s: %m; %s. Trying again after 1 s, "
                                  "doubling to 60 s (respitectl status shows when).",
                                  address, manager_http_advice(r));
                m->http_logged = true;
        }
        if (!m->http_retry) {
                r = sd_event_add_time(m->event, &m->http_retry, CLOCK_MONOTONIC, USEC_INFINITY, USEC_PER_SEC / 10,
                                      manager_http_on_retry, m);
                if (r < 0) {
                        log_error_errno(r, "Failed to arm the HTTP retry timer: %m; going on without HTTP.");
                        return;
                }
        }
        m->http_next_try = now_usec(CLOCK_MONOTONIC) + m->http_backoff;
        if (sd_event_source_set_time(m->http_retry, m->http_next_try) < 0 ||
            sd_event_source_set_enabled(m->http_retry, SD_EVENT_ONESHOT) < 0)
                log_error("Failed to arm the HTTP retry timer; going on without HTTP.");
        m->http_backoff = MIN(m->http_backoff * 2, MANAGER_HTTP_BACKOFF_MAX);
        manager_notify_status(m);
}

static int manager_http_on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        manager_http_try(userdata);
        return 0;
}

void manager_start_http(Manager *m) {
        int r;

        if (!m->store)
                return;         /* without tokens, no HTTP */
        if (!m->http) {
                r = http_server_new_stopped(m->event, manager_render_for_http, m, &m->http);
                if (r < 0) {
                        log_error_errno(r, "Failed to set up the feeds over HTTP: %m; going on without HTTP.");
                        return;
                }
                m->http_error = -ENOENT;
        }
        /* The socket systemd passed stays; an address that changed is
         * listened on instead of the old one. */
        if (http_server_listening(m->http) && !http_server_socket_passed(m->http) &&
            !streq_ptr(m->http_listen, m->policy->feeds.listen)) {
                http_server_stop(m->http);
                m->http_logged = false;         /* a new address: say how it goes */
        }
        if (!http_server_listening(m->http)) {
                if (strdup_to(&m->http_listen, m->policy->feeds.listen) < 0) {
                        log_oom();
                        return;
                }
                m->http_backoff = MANAGER_HTTP_BACKOFF_FIRST;
                manager_http_try(m);
        }
}

void manager_http_done(Manager *m) {
        m->http_retry = sd_event_source_disable_unref(m->http_retry);
        m->http = http_server_free(m->http);
        m->http_listen = mfree(m->http_listen);
}

int manager_http_state(const Manager *m, bool next_try, char **ret) {
        char address[64];
        int r;

        if (!m->http || m->http_error == -ENOENT || m->http_error == -EBADF)
                r = asprintf(ret, "off");
        else if (m->http_error == 0) {
                if (http_server_address(m->http, address, sizeof address) < 0)
                        snprintf(address, sizeof address, "%s", m->http_listen);
                r = asprintf(ret, "listening on %s", address);
        } else if (next_try) {
                usec_t now = now_usec(CLOCK_MONOTONIC);
                usec_t left = m->http_next_try > now ? m->http_next_try - now : 0;

                r = asprintf(ret, "retrying %s: %s (next try in %" PRIu64 " s)", m->http_listen,
                             strerror(-m->http_error), (uint64_t) ((left + USEC_PER_SEC - 1) / USEC_PER_SEC));
        } else
                r = asprintf(ret, "retrying %s: %s", m->http_listen, strerror(-m->http_error));
        if (r < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}
