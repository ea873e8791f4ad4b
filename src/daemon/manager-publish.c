/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manager's publishing: what changed between two revisions is
 * announced on the bus and in the log; every feed is rendered, written as a
 * file when the bytes changed and served over HTTP at its token's URL;
 * break edges become BreakStarted/BreakEnded. */
#include <sys/stat.h>

#include "daemon/bus.h"
#include "daemon/manager-internal.h"
#include "shared/log.h"
#include "shared/time-util.h"

static const char *manager_feed_dir(const Manager *m) {
        return m->feed_dir_override ?: m->policy->feed_dir;
}

static const char *manager_format_local(const Manager *m, usec_t t, char buf[static ISO8601_MAX]) {
        if (time_format_iso8601(t, m->policy->timezone, buf) < 0)
                snprintf(buf, ISO8601_MAX, "@%" PRIu64, t / USEC_PER_SEC);
        return buf;
}

int manager_diff_plans(Manager *m, const Plan *old, const Plan *new, char ***ret_changed) {
        _cleanup_(strv_freep) char **changed = NULL;
        char a[ISO8601_MAX], b[ISO8601_MAX];
        int r;

        for (size_t i = 0; i < new->n_shifts; i++) {
                const ShiftPlan *s = &new->shifts[i];

                for (size_t j = 0; j < s->n_breaks; j++) {
                        const Break *nb = &s->breaks[j], *ob = plan_find_operator_break(old, s->operator, nb->uid);

                        if (ob && ob->start == nb->start && ob->end == nb->end)
                                continue;
                        log_info("%s: %s %s break %s – %s: %s", s->operator, ob ? "moved" : "new",
                                 break_kind_to_string(nb->kind), manager_format_local(m, nb->start, a),
                                 manager_format_local(m, nb->end, b), nb->reason);
                        r = strv_extend_unique(&changed, s->operator);
                        if (r < 0)
                                return r;
                        (void) bus_emit_break(m, BUS_SIGNAL_BREAK_SCHEDULED, s->operator, nb);
                }
        }

        /* Breaks that are gone still change their operator's day. */
        for (size_t i = 0; old && i < old->n_shifts; i++) {
                const ShiftPlan *s = &old->shifts[i];

                for (size_t j = 0; j < s->n_breaks; j++)
                        if (!plan_find_operator_break(new, s->operator, s->breaks[j].uid)) {
                                log_info("%s: %s break %s removed.", s->operator,
                                         break_kind_to_string(s->breaks[j].kind), s->breaks[j].uid);
                                r = strv_extend_unique(&changed, s->operator);
                                if (r < 0)
                                        return r;
                        }
        }

        *ret_changed = TAKE_PTR(changed);
        return 0;
}

/* Write dir/name only when its bytes change, so mtimes and ETags follow the
 * schedule rather than our revisions. */
static int manager_write_if_changed(const char *dir, const char *name, const char *text) {
        _cleanup_free_ char *path = NULL, *old = NULL;
        _cleanup_(fclosep) FILE *f = NULL;
        size_t len = strlen(text), n;

        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        f = fopen(path, "re");
        if (f) {
                old = malloc(len + 1);
                if (!old)
                        return -ENOMEM;
                n = fread(old, 1, len + 1, f);
                if (n == len && memcmp(old, text, len) == 0)
                        return 0;
        }
        return feed_write_file(dir, name, text);
}

/* Render one feed over the window of feeds.window_back and window_ahead
 * around the revision, write <dir>/<name>.ics when feed files are on, and
 * serve it at its token's URL when HTTP is. */
static int manager_publish_feed(Manager *m, FeedAudience audience, const char *who) {
        _cleanup_free_ char *name = NULL, *file = NULL, *calname = NULL, *text = NULL, *token = NULL;
        const FeedSettings *fs = &m->policy->feeds;
        usec_t now = m->plan->now;
        int r;

        if (feed_name(audience, who, &name) < 0 || asprintf(&file, "%s.ics", name) < 0 ||
            feed_calendar_name(m->roster, audience, who, &calname) < 0)
                return log_oom();
        r = feed_render(m->plan, m->roster, audience, who, calname, fs->refresh,
                        now > fs->window_back ? now - fs->window_back : 0, now + fs->window_ahead, m->sequences,
                        &text);
        if (r < 0)
                return log_warning_errno(r, "Failed to render feed '%s': %m, ignoring", name);

        if (manager_feed_dir(m)) {
                r = manager_write_if_changed(manager_feed_dir(m), file, text);
                if (r < 0)
                        log_warning_errno(r, "Failed to write feed '%s/%s': %m, ignoring", manager_feed_dir(m), file);
        }
        if (!m->http)
                return 0;
        r = store_get_feed_token(m->store, name, &token);
        if (r < 0)
                return log_warning_errno(r, "Failed to read the token of feed '%s': %m (%s), not serving it",
                                         name, store_error(m->store));
        r = http_server_put_feed(m->http, name, token, text);
        if (r < 0)
                return log_warning_errno(r, "Failed to serve feed '%s': %m, ignoring", name);
        return 0;
}

int manager_publish_feeds(Manager *m) {
        if (!manager_feed_dir(m) && !m->http)
                return 0;
        if (manager_feed_dir(m) && mkdir(manager_feed_dir(m), 0755) < 0 && errno != EEXIST)
                log_warning_errno(errno, "Failed to create feed directory '%s': %m, ignoring", manager_feed_dir(m));

        for (size_t i = 0; i < m->roster->n_operators; i++)
                (void) manager_publish_feed(m, FEED_OPERATOR, m->roster->operators[i].id);
        for (size_t i = 0; i < m->roster->n_teams; i++)
                (void) manager_publish_feed(m, FEED_TEAM, m->roster->teams[i]);
        /* Operators and teams gone from the roster: their URLs answer 404. */
        if (m->http)
                http_server_prune(m->http);
        return 0;
}

void manager_emit_edges(Manager *m, usec_t now) {
        for (size_t i = 0; i < m->plan->n_shifts; i++) {
                const ShiftPlan *s = &m->plan->shifts[i];

                for (size_t j = 0; j < s->n_breaks; j++) {
                        const Break *b = &s->breaks[j];

                        if (b->start > m->edges_until && b->start <= now) {
                                log_info("%s: %s break begins.", s->operator, break_kind_to_string(b->kind));
                                (void) bus_emit_break(m, BUS_SIGNAL_BREAK_STARTED, s->operator, b);
                        }
                        if (b->end > m->edges_until && b->end <= now) {
                                log_info("%s: %s break ends.", s->operator, break_kind_to_string(b->kind));
                                (void) bus_emit_break(m, BUS_SIGNAL_BREAK_ENDED, s->operator, b);
                        }
                }
        }
        m->edges_until = now;
}

int manager_ensure_feed_tokens(Manager *m) {
        _cleanup_(strv_freep) char **feeds = calloc(m->roster->n_operators + m->roster->n_teams + 1, sizeof(char *));
        size_t n = 0;
        int r;

        if (!feeds)
                return log_oom();
        for (size_t i = 0; i < m->roster->n_operators; i++)
                if (feed_name(FEED_OPERATOR, m->roster->operators[i].id, &feeds[n++]) < 0)
                        return log_oom();
        for (size_t i = 0; i < m->roster->n_teams; i++)
                if (feed_name(FEED_TEAM, m->roster->teams[i], &feeds[n++]) < 0)
                        return log_oom();
        r = store_ensure_feed_tokens(m->store, feeds);
        if (r < 0)
                return log_warning_errno(r, "Failed to create feed tokens: %m (%s), ignoring", store_error(m->store));
        return 0;
}

void manager_start_http(Manager *m) {
        char address[64];
        int r;

        if (!m->store)
                return;
        r = http_server_new(m->event, &m->policy->feeds, &m->http);
        if (r == -ENOENT) {
                log_info("feeds.listen is empty: no feeds over HTTP.");
                return;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to serve feeds over HTTP on '%s': %m; going on without HTTP.",
                                m->policy->feeds.listen);
                return;
        }
        if (http_server_address(m->http, address, sizeof address) < 0)
                snprintf(address, sizeof address, "%s", m->policy->feeds.listen);
        log_info("Serving feeds over HTTP on %s.", address);
}

int manager_feed_urls(Manager *m, FeedAudience audience, const char *who, bool rotate, char **ret_url,
                      char **ret_webcal) {
        _cleanup_free_ char *name = NULL, *token = NULL;
        char address[64];
        int r;

        if (!m->http)
                return -EOPNOTSUPP;
        if (feed_name(audience, who, &name) < 0)
                return -ENOMEM;
        r = rotate ? store_rotate_feed_token(m->store, name, &token) : store_get_feed_token(m->store, name, &token);
        if (r == -ENOENT)
                return r;
        if (r < 0)
                return log_error_errno(r, "Failed to %s the token of feed '%s': %m (%s)", rotate ? "rotate" : "read",
                                       name, store_error(m->store));
        if (rotate) {
                r = http_server_set_token(m->http, name, token);
                if (r < 0 && r != -ENOENT)
                        return log_error_errno(r, "Failed to serve feed '%s' at its new URL: %m", name);
                log_info("Rotated the token of feed '%s'; its old URL answers 404.", name);
        }
        r = http_server_address(m->http, address, sizeof address);
        if (r < 0)
                return r;
        return http_feed_urls(m->policy->feeds.base_url, address, token, ret_url, ret_webcal);
}
