/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manager's publishing: what changed between two revisions, found per
 * operator; the feeds of those operators and of their teams rendered,
 * written as files when their bytes changed and served over HTTP at their
 * token's URL; then the signals. Each feed's token and the hash of the bytes
 * last written are kept in memory (the store keeps the tokens durably), so
 * publishing costs the feeds that changed, never the site. */
#include <search.h>
#include <sys/stat.h>

#include "daemon/bus.h"
#include "daemon/manager-internal.h"
#include "shared/hash.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* One feed ("op16", "team-retail"): its token and what its file holds. */
typedef struct ManagerFeed {
        char *name;
        char *token;                    /* NULL until the store gave one */
        uint128_t hash;                 /* fnv1a128 of the bytes in its file */
        bool written;                   /* hash says what the file holds */
} ManagerFeed;

static int manager_feed_compare(const void *a, const void *b) {
        return strcmp(((const ManagerFeed *) a)->name, ((const ManagerFeed *) b)->name);
}

static void manager_feed_free(void *p) {
        ManagerFeed *f = p;

        free(f->name);
        free(f->token);
        free(f);
}

void manager_feeds_done(Manager *m) {
        tdestroy(m->feeds, manager_feed_free);
        m->feeds = NULL;
}

static void manager_feed_forget_file(const void *node, VISIT which, void *userdata) {
        if (which == postorder || which == leaf)
                (*(ManagerFeed * const *) node)->written = false;
}

void manager_feeds_forget_files(Manager *m) {
        twalk_r(m->feeds, manager_feed_forget_file, NULL);
}

/* The feed called name, added when new; NULL on OOM. */
static ManagerFeed *manager_feed(Manager *m, const char *name) {
        ManagerFeed key = { .name = (char *) name }, *f;
        void **node = tfind(&key, &m->feeds, manager_feed_compare);

        if (node)
                return *node;
        f = calloc(1, sizeof(ManagerFeed));
        if (!f || !(f->name = strdup(name)) || !tsearch(f, &m->feeds, manager_feed_compare)) {
                if (f)
                        manager_feed_free(f);
                return NULL;
        }
        return f;
}

static const char *manager_feed_dir(const Manager *m) {
        return m->feed_dir_override ?: m->policy->feed_dir;
}

static const char *manager_format_local(const Manager *m, usec_t t, char buf[static ISO8601_MAX]) {
        if (time_format_iso8601(t, m->policy->timezone, buf) < 0)
                snprintf(buf, ISO8601_MAX, "@%" PRIu64, t / USEC_PER_SEC);
        return buf;
}

/* ---- what changed ---- */

void manager_changes_done(ManagerChanges *c) {
        free(c->operators);
        free(c->scheduled);
        *c = (ManagerChanges) {};
}

static int manager_changes_add_operator(ManagerChanges *c, const char *operator) {
        if (c->n_operators > 0 && streq(c->operators[c->n_operators - 1], operator))
                return 0;
        if (array_grow((void **) &c->operators, c->n_operators, sizeof(char *)) < 0)
                return -ENOMEM;
        c->operators[c->n_operators++] = operator;
        return 0;
}

/* The break uid among shifts[0..n) (one operator's), or NULL. */
static const Break *manager_find_break(const ShiftPlan *shifts, size_t n, const char *uid) {
        for (size_t i = 0; i < n; i++) {
                const Break *b = shift_plan_find_break(&shifts[i], uid);

                if (b)
                        return b;
        }
        return NULL;
}

int manager_diff_operator(Manager *m, const ShiftPlan *old, size_t n_old, const ShiftPlan *new, size_t n_new,
                          ManagerChanges *c) {
        const char *operator = n_new > 0 ? new[0].operator : n_old > 0 ? old[0].operator : NULL;
        char a[ISO8601_MAX], b[ISO8601_MAX];
        bool changed = n_old != n_new;

        for (size_t i = 0; !changed && i < n_new; i++)
                changed = old[i].start != new[i].start || old[i].end != new[i].end;

        for (size_t i = 0; i < n_new; i++)
                for (size_t j = 0; j < new[i].n_breaks; j++) {
                        const Break *nb = &new[i].breaks[j], *ob = manager_find_break(old, n_old, nb->uid);

                        if (ob && ob->start == nb->start && ob->end == nb->end)
                                continue;
                        log_info("%s: %s %s break %s – %s: %s", operator, ob ? "moved" : "new",
                                 break_kind_to_string(nb->kind), manager_format_local(m, nb->start, a),
                                 manager_format_local(m, nb->end, b), nb->reason);
                        if (array_grow((void **) &c->scheduled, c->n_scheduled, sizeof(ManagerAnnouncement)) < 0)
                                return -ENOMEM;
                        c->scheduled[c->n_scheduled++] = (ManagerAnnouncement) { operator, nb };
                        changed = true;
                }

        /* Breaks that are gone still change their operator's day. */
        for (size_t i = 0; i < n_old; i++)
                for (size_t j = 0; j < old[i].n_breaks; j++)
                        if (!manager_find_break(new, n_new, old[i].breaks[j].uid)) {
                                log_info("%s: %s break %s removed.", operator,
                                         break_kind_to_string(old[i].breaks[j].kind), old[i].breaks[j].uid);
                                changed = true;
                        }

        return changed ? manager_changes_add_operator(c, operator) : 0;
}

int manager_diff_plans(Manager *m, const Plan *old, const Plan *new, ManagerChanges *c) {
        size_t i = 0, j = 0, n_old = old ? old->n_shifts : 0;
        int r;

        /* Both in plan order: walk them side by side, an operator at a time. */
        while (i < n_old || j < new->n_shifts) {
                const char *o = i < n_old ? old->shifts[i].operator : NULL;
                const char *n = j < new->n_shifts ? new->shifts[j].operator : NULL;
                int k = !o ? 1 : !n ? -1 : strcmp(o, n);
                size_t i_end = i, j_end = j;

                if (k <= 0)
                        while (i_end < n_old && streq(old->shifts[i_end].operator, o))
                                i_end++;
                if (k >= 0)
                        while (j_end < new->n_shifts && streq(new->shifts[j_end].operator, n))
                                j_end++;
                r = manager_diff_operator(m, old ? old->shifts + i : NULL, i_end - i, new->shifts + j, j_end - j, c);
                if (r < 0)
                        return r;
                i = i_end;
                j = j_end;
        }
        return 0;
}

/* ---- feeds ---- */

/* The feeds' window: feeds.window_back before and feeds.window_ahead after
 * the start of the local day of now, so that a feed's bytes change with the
 * schedule and once a day, never with the revision instant alone. */
static void manager_feed_window(const Manager *m, usec_t *ret_from, usec_t *ret_to) {
        const FeedSettings *fs = &m->policy->feeds;
        usec_t day = m->window_day;

        *ret_from = day > fs->window_back ? day - fs->window_back : 0;
        *ret_to = day + fs->window_ahead;
}

/* Whether dir/name holds text with mode: from the hash kept, or, the first
 * time, from the file itself (so a restart leaves unchanged files alone, and
 * rewrites one an older respited left readable by everyone). */
static bool manager_feed_file_holds(const ManagerFeed *f, const char *dir, const char *file, const char *text,
                                    uint128_t hash, mode_t mode) {
        _cleanup_free_ char *path = NULL, *old = NULL;
        _cleanup_(fclosep) FILE *fp = NULL;
        size_t len = strlen(text);
        struct stat st;

        if (f->written)
                return f->hash == hash;
        if (asprintf(&path, "%s/%s", dir, file) < 0 || !(fp = fopen(path, "re")) || !(old = malloc(len + 1)))
                return false;
        if (fstat(fileno(fp), &st) < 0 || (st.st_mode & 07777) != mode)
                return false;
        return fread(old, 1, len + 1, fp) == len && memcmp(old, text, len) == 0;
}

/* manager_render_feed() once the language is set. */
static int manager_render_feed_in(Manager *m, FeedAudience audience, const char *who, const char *language,
                                  char **ret) {
        _cleanup_free_ char *calname = NULL;
        usec_t from, to;

        if (feed_calendar_name(m->roster, audience, who, &calname) < 0)
                return -ENOMEM;
        manager_feed_window(m, &from, &to);
        return feed_render(m->plan, m->roster, audience, who,
                           &(FeedOptions) {
                                   .calname = calname,
                                   .refresh = m->policy->feeds.refresh,
                                   .from = from,
                                   .to = to,
                                   .seq = m->sequences,
                                   .adherence_of = manager_adherence_of,
                                   .userdata = m,
                                   .uid_key = m->feed_uid_key,
                                   .alarm_before = m->policy->feeds.alarm_before,
                                   .breaks_only = !m->policy->feeds.shift_events,
                                   .language = language,
                                   .policy = m->policy,
                           },
                           ret);
}

/* The language of who's feed: an operator's own (the roster's language
 * column), else the site's (site.language, by default the daemon's locale's). */
static const char *manager_feed_language(Manager *m, FeedAudience audience, const char *who) {
        ssize_t i = audience == FEED_OPERATOR && m->roster ? roster_find_operator(m->roster, who) : -ENOENT;

        return i >= 0 && m->roster->operators[i].language ? m->roster->operators[i].language : m->policy->language;
}

/* The feed of who as it is now into *ret, in its language. Returns 0 or a
 * negative errno. */
static int manager_render_feed(Manager *m, FeedAudience audience, const char *who, char **ret) {
        const char *language = manager_feed_language(m, audience, who);
        char *saved = NULL;
        int r;

        r = i18n_language_push(language, &saved);
        if (r < 0)
                return r;
        r = manager_render_feed_in(m, audience, who, language, ret);
        i18n_language_pop(saved);
        return r;
}

int manager_render_for_http(const char *name, char **ret, void *userdata) {
        const char *who;
        FeedAudience audience = feed_name_parse(name, &who);

        return manager_render_feed(userdata, audience, who, ret);
}

/* Render one feed, write <dir>/<name>.ics when feed files are on and its
 * bytes changed, and serve it at its token's URL when HTTP is on. */
static int manager_publish_feed(Manager *m, FeedAudience audience, const char *who) {
        _cleanup_free_ char *name = NULL, *file = NULL, *text = NULL;
        const char *dir = manager_feed_dir(m);
        uint128_t hash;
        ManagerFeed *f;
        int r;

        if (feed_name(audience, who, &name) < 0 || asprintf(&file, "%s.ics", name) < 0 || !(f = manager_feed(m, name)))
                return log_oom();
        r = manager_render_feed(m, audience, who, &text);
        if (r < 0)
                return log_warning_errno(r, "Failed to render feed '%s': %m, ignoring", name);

        if (dir) {
                hash = fnv1a128(text, strlen(text), FNV1A128_OFFSET);
                if (!manager_feed_file_holds(f, dir, file, text, hash, feed_file_mode(audience))) {
                        r = feed_write_file(dir, file, text, feed_file_mode(audience));
                        if (r < 0)
                                log_warning_errno(r, "Failed to write feed '%s/%s': %m, ignoring", dir, file);
                }
                f->written = r >= 0;
                f->hash = hash;
        }
        if (!m->http)
                return 0;
        if (!f->token)
                return log_warning_errno(ENOENT, "Feed '%s' has no token, not serving it.", name);
        r = http_server_put_feed(m->http, name, f->token, text);
        if (r < 0)
                return log_warning_errno(r, "Failed to serve feed '%s': %m, ignoring", name);
        return 0;
}

static int manager_feed_dir_ensure(const Manager *m) {
        if (!manager_feed_dir(m) && !m->http)
                return 0;
        if (manager_feed_dir(m) && mkdir(manager_feed_dir(m), 0755) < 0 && errno != EEXIST)
                log_warning_errno(errno, "Failed to create feed directory '%s': %m, ignoring", manager_feed_dir(m));
        return 1;
}

int manager_publish_changes(Manager *m, const ManagerChanges *c) {
        _cleanup_free_ const char **teams = NULL;
        size_t n_teams = 0;

        if (manager_feed_dir_ensure(m) == 0 || c->n_operators == 0)
                return 0;
        teams = calloc(c->n_operators, sizeof(char *));
        if (!teams)
                return log_oom();
        for (size_t i = 0; i < c->n_operators; i++) {
                ssize_t k = roster_find_operator(m->roster, c->operators[i]);

                if (k < 0)
                        continue;       /* gone from the roster: its feed goes with the next prune */
                (void) manager_publish_feed(m, FEED_OPERATOR, c->operators[i]);
                teams[n_teams++] = m->roster->operators[k].team;
        }
        qsort(teams, n_teams, sizeof(char *), strptr_compare);
        for (size_t i = 0; i < n_teams; i++)
                if (i == 0 || !streq(teams[i - 1], teams[i]))
                        (void) manager_publish_feed(m, FEED_TEAM, teams[i]);
        return 0;
}

int manager_publish_operator(Manager *m, const char *operator) {
        if (manager_feed_dir_ensure(m) == 0 || roster_find_operator(m->roster, operator) < 0)
                return 0;
        return manager_publish_feed(m, FEED_OPERATOR, operator);
}

int manager_publish_all(Manager *m) {
        if (manager_feed_dir_ensure(m) == 0)
                return 0;
        for (size_t i = 0; i < m->roster->n_operators; i++)
                (void) manager_publish_feed(m, FEED_OPERATOR, m->roster->operators[i].id);
        for (size_t i = 0; i < m->roster->n_teams; i++)
                (void) manager_publish_feed(m, FEED_TEAM, m->roster->teams[i]);
        /* Operators and teams gone from the roster: their URLs answer 404. */
        if (m->http)
                http_server_prune(m->http);
        return 0;
}

void manager_announce(Manager *m, const ManagerChanges *c) {
        for (size_t i = 0; i < c->n_scheduled; i++)
                (void) bus_emit_break(m, BUS_SIGNAL_BREAK_SCHEDULED, c->scheduled[i].operator, c->scheduled[i].brk);
        for (size_t i = 0; i < c->n_operators; i++)
                (void) bus_emit_schedule_changed(m, c->operators[i]);
}

/* ---- tokens ---- */

static int manager_take_token(const char *name, const char *token, void *userdata) {
        ManagerFeed *f = manager_feed(userdata, name);

        if (!f)
                return -ENOMEM;
        return f->token ? 0 : strdup_to(&f->token, token);
}

int manager_ensure_feed_tokens(Manager *m) {
        _cleanup_(strv_freep) char **missing = NULL;
        size_t n = 0;
        int r;

        if (!m->feeds) {
                r = store_foreach_feed_token(m->store, manager_take_token, m);
                if (r < 0)
                        return log_warning_errno(r, "Failed to read the feed tokens: %m (%s), ignoring",
                                                 store_error(m->store));
        }
        missing = calloc(m->roster->n_operators + m->roster->n_teams + 1, sizeof(char *));
        if (!missing)
                return log_oom();
        for (size_t i = 0; i < m->roster->n_operators + m->roster->n_teams; i++) {
                bool team = i >= m->roster->n_operators;
                const char *who = team ? m->roster->teams[i - m->roster->n_operators] : m->roster->operators[i].id;
                _cleanup_free_ char *name = NULL;
                ManagerFeed *f;

                if (feed_name(team ? FEED_TEAM : FEED_OPERATOR, who, &name) < 0 || !(f = manager_feed(m, name)))
                        return log_oom();
                if (!f->token)
                        missing[n++] = TAKE_PTR(name);
        }
        if (n == 0)
                return 0;
        r = store_ensure_feed_tokens(m->store, missing, manager_take_token, m);
        if (r < 0)
                return log_warning_errno(r, "Failed to create feed tokens: %m (%s), ignoring", store_error(m->store));
        return 0;
}

int manager_feed_urls(Manager *m, FeedAudience audience, const char *who, bool rotate, char **ret_url,
                      char **ret_webcal) {
        _cleanup_free_ char *name = NULL, *token = NULL;
        ManagerFeed *f;
        char address[64];
        int r;

        /* While it tries to listen, the URL is known only from base_url. */
        if (!m->http || m->http_error == -ENOENT || m->http_error == -EBADF ||
            (!http_server_listening(m->http) && !m->policy->feeds.base_url))
                return -EOPNOTSUPP;
        if (feed_name(audience, who, &name) < 0 || !(f = manager_feed(m, name)))
                return -ENOMEM;
        if (rotate) {
                r = store_rotate_feed_token(m->store, name, &token);
                if (r < 0)
                        return log_error_errno(r, "Failed to rotate the token of feed '%s': %m (%s)", name,
                                               store_error(m->store));
                r = http_server_set_token(m->http, name, token);
                if (r < 0 && r != -ENOENT)
                        return log_error_errno(r, "Failed to serve feed '%s' at its new URL: %m", name);
                free(f->token);
                f->token = TAKE_PTR(token);
                log_info("Rotated the token of feed '%s'; its old URL answers 404.", name);
        }
        if (!f->token)
                return -ENOENT;
        r = http_server_address(m->http, address, sizeof address);
        if (r < 0 && !m->policy->feeds.base_url)
                return r;
        return http_feed_urls(m->policy->feeds.base_url, r < 0 ? NULL : address, f->token, ret_url, ret_webcal);
}
