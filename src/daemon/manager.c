/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-id128.h>

#include "daemon/bus.h"
#include "daemon/manager.h"
#include "daemon/spool.h"
#include "import/inputs.h"
#include "import/queue-log.h"
#include "import/source.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* A queue_log followed line by line: what it gave so far, rotations
 * included. */
typedef struct ManagerTail {
        char *path;
        QueueLogTail *tail;
        QueueLog *log;
} ManagerTail;

/* Sources are re-read this long after the last change seen, so that a
 * burst of writes makes one re-plan. */
#define SOURCE_SETTLE (USEC_PER_SEC / 10)

/* Recurring iCalendar events are expanded over this window around now:
 * the feeds' (7 days back, 14 ahead) and more. */
#define ROSTER_BACK  (8 * USEC_PER_DAY)
#define ROSTER_AHEAD (28 * USEC_PER_DAY)

/* The last version of a roster or call-record file that could be read,
 * kept in force while the file cannot be read. */
typedef struct ManagerSource {
        char *path;
        Roster *roster;
        CallLog *calls;
} ManagerSource;

static void manager_source_done(ManagerSource *s) {
        free(s->path);
        roster_free(s->roster);
        call_log_free(s->calls);
}

static ManagerSource *last_good(Manager *m, const char *path) {
        for (size_t i = 0; i < m->n_last_good; i++)
                if (streq(m->last_good[i].path, path))
                        return &m->last_good[i];
        return NULL;
}

/* Keep roster or calls (taken over) as the last good version of path. */
static int remember_source(Manager *m, const char *path, Roster *roster, CallLog *calls) {
        ManagerSource *s = last_good(m, path);
        int r;

        if (!s) {
                ManagerSource new_source = { .path = strdup(path) };

                r = new_source.path ? array_grow((void **) &m->last_good, m->n_last_good, sizeof(ManagerSource)) : -ENOMEM;
                if (r < 0) {
                        free(new_source.path);
                        roster_free(roster);
                        call_log_free(calls);
                        return r;
                }
                s = &m->last_good[m->n_last_good++];
                *s = new_source;
        }
        roster_free(s->roster);
        s->roster = roster;
        call_log_free(s->calls);
        s->calls = calls;
        return 0;
}

/* Read roster file path into into (InputReader); when it cannot be read,
 * use its last good version (said in the log), or fail when there is none. */
static int manager_read_roster(const Policy *p, const char *path, usec_t from, usec_t to, Roster *into,
                               size_t *ret_skipped, void *userdata) {
        _cleanup_(roster_freep) Roster *one = roster_new();
        Manager *m = userdata;
        ManagerSource *good;
        int r;

        if (!one)
                return log_oom();
        r = source_load_roster(one, p, path, from, to, ret_skipped);
        if (r < 0) {
                good = last_good(m, path);
                if (!good || !good->roster)
                        return r;
                log_warning_errno(r, "Failed to read roster '%s': %m; keeping its last good version.", path);
                return roster_append(into, good->roster) < 0 ? log_oom() : 0;
        }
        log_info("Loaded roster '%s'%s.", path, *ret_skipped > 0 ? " (some rows skipped, see above)" : "");
        if (roster_append(into, one) < 0 || remember_source(m, path, TAKE_PTR(one), NULL) < 0)
                return log_oom();
        return 0;
}

static int manager_follow_queue_log(Manager *m, const Policy *p, const char *path, CallLog *into);
static int ensure_feed_tokens(Manager *m);

/* The same for a call-record file; a queue_log is followed instead. */
static int manager_read_calls(const Policy *p, const char *path, CallLog *into, size_t *ret_skipped, void *userdata) {
        _cleanup_(call_log_freep) CallLog *one = call_log_new();
        Manager *m = userdata;
        ManagerSource *good;
        int r;

        if (source_format(p, path) == SOURCE_FORMAT_QUEUE_LOG)
                return manager_follow_queue_log(m, p, path, into);
        if (!one)
                return log_oom();
        r = source_load_calls(one, p, path, ret_skipped);
        if (r < 0) {
                good = last_good(m, path);
                if (!good || !good->calls)
                        return r;
                log_warning_errno(r, "Failed to read call records '%s': %m; keeping their last good version.", path);
                return call_log_append(into, good->calls) < 0 ? log_oom() : 0;
        }
        log_info("Loaded call records '%s'%s.", path, *ret_skipped > 0 ? " (some rows skipped, see above)" : "");
        if (call_log_append(into, one) < 0 || remember_source(m, path, NULL, TAKE_PTR(one)) < 0)
                return log_oom();
        return 0;
}

static void manager_tail_done(ManagerTail *t) {
        free(t->path);
        queue_log_tail_free(t->tail);
        queue_log_free(t->log);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) manager_reload(m);
        return 0;
}

int manager_new(Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        sigset_t mask;
        int r;

        m = calloc(1, sizeof(Manager));
        if (!m)
                return -ENOMEM;
        clock_init_real(&m->clock);

        m->sequences = sequences_new();
        if (!m->sequences)
                return -ENOMEM;

        r = sd_event_default(&m->event);
        if (r < 0)
                return r;

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;

        /* A NULL handler makes sd-event exit the loop on SIGTERM/SIGINT. */
        r = sd_event_add_signal(m->event, NULL, SIGTERM, NULL, NULL);
        if (r < 0)
                return r;
        r = sd_event_add_signal(m->event, NULL, SIGINT, NULL, NULL);
        if (r < 0)
                return r;
        r = sd_event_add_signal(m->event, NULL, SIGHUP, on_signal, m);
        if (r < 0)
                return r;

        r = sd_event_set_watchdog(m->event, true);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        sd_event_source_unref(m->timer);
        sd_event_source_unref(m->spool);
        for (size_t i = 0; i < m->n_source_watches; i++)
                sd_event_source_unref(m->source_watches[i]);
        free(m->source_watches);
        sd_event_source_unref(m->source_timer);
        for (size_t i = 0; i < m->n_tails; i++)
                manager_tail_done(&m->tails[i]);
        free(m->tails);
        for (size_t i = 0; i < m->n_last_good; i++)
                manager_source_done(&m->last_good[i]);
        free(m->last_good);
        sd_event_source_unref(m->purge_timer);
        http_server_free(m->http);
        store_free(m->store);
        free(m->state_dir);
        free(m->spool_dir);
        sd_bus_flush_close_unref(m->bus);
        sd_event_unref(m->event);
        free(m->config_path);
        strv_free(m->roster_override);
        strv_free(m->calls_override);
        free(m->feed_dir_override);
        free(m->replay_from);
        policy_free(m->policy);
        roster_free(m->roster);
        coverage_free(m->coverage);
        incident_list_free(m->detected);
        incident_list_free(m->reported);
        incident_list_free(m->incidents);
        plan_free(m->plan);
        sequences_free(m->sequences);
        free(m);
        return NULL;
}

/* The queue_log at path: followed since the first load, read up to now. */
static int manager_follow_queue_log(Manager *m, const Policy *p, const char *path, CallLog *into) {
        const SourceOptions *o = policy_find_source(p, path);
        ManagerTail t = {};
        int r;

        for (size_t i = 0; i < m->n_tails; i++)
                if (streq(m->tails[i].path, path)) {
                        r = queue_log_tail_read(m->tails[i].tail, m->tails[i].log, o);
                        if (r < 0)
                                return r;
                        return call_log_append(into, m->tails[i].log->calls);
                }

        r = array_grow((void **) &m->tails, m->n_tails, sizeof(ManagerTail));
        if (r >= 0)
                r = strdup_to(&t.path, path);
        if (r >= 0)
                r = queue_log_tail_new(path, 0, 0, 0, &t.tail);
        if (r >= 0)
                r = queue_log_new(&t.log);
        if (r >= 0 && t.tail->fd < 0)
                r = -ENOENT;
        if (r >= 0)
                r = queue_log_tail_read(t.tail, t.log, o);
        if (r < 0) {
                manager_tail_done(&t);
                return r;
        }
        m->tails[m->n_tails++] = t;
        return call_log_append(into, t.log->calls);
}

/* Read every roster and call-record file of the policy (or the command-line
 * overrides). Bad rows are skipped by the importers; a file that cannot be
 * read, without a last good version, is an error. */
static int load_sources(Manager *m, const Policy *p, Inputs *ret) {
        _cleanup_(inputs_done) Inputs in = {};
        usec_t now = clock_now(&m->clock);
        InputFiles files = {
                .rosters = m->roster_override ?: p->rosters,
                .calls = m->calls_override ?: p->calls,
                .from = now > ROSTER_BACK ? now - ROSTER_BACK : 0,
                .to = now + ROSTER_AHEAD,
        };
        InputReader reader = {
                .roster = manager_read_roster,
                .calls = manager_read_calls,
                .userdata = m,
        };
        int r;

        r = inputs_load(p, &files, &reader, &in);
        if (r < 0)
                return r;
        if (in.n_failed > 0)
                return -EIO;            /* each file said why */
        log_info("Roster: %zu operators, %zu shifts; %zu incidents found in %zu call records.",
                 in.roster->n_operators, in.roster->n_shifts, in.incidents->n, in.calls->n_calls);
        *ret = in;
        in = (Inputs) {};
        return 0;
}

/* The incidents of a and b (either may be NULL) that respite knew of by
 * until (UTC usec), in one sorted list. */
static int merge_incidents(const IncidentList *a, const IncidentList *b, usec_t until, IncidentList **ret) {
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();
        const IncidentList *sources[] = { a, b };
        int r;

        if (!l)
                return -ENOMEM;
        for (size_t k = 0; k < ELEMENTSOF(sources); k++)
                for (size_t i = 0; sources[k] && i < sources[k]->n; i++) {
                        if (sources[k]->items[i].received > until)
                                continue;
                        r = incident_list_add(l, &sources[k]->items[i]);
                        if (r < 0)
                                return r;
                }
        *ret = TAKE_PTR(l);
        return 0;
}

/* Put what in gives (and *policy, unless NULL) in force, taking both over:
 * the roster, the coverage and the incidents found in call records, with
 * the reported incidents merged in again; new operators and teams get their
 * feed tokens. On failure nothing changes and nothing is taken. Returns 0
 * or -ENOMEM (logged). */
static int manager_swap_inputs(Manager *m, Policy **policy, Inputs *in) {
        _cleanup_(incident_list_freep) IncidentList *incidents = NULL;
        int r;

        r = merge_incidents(in->incidents, m->reported, USEC_INFINITY, &incidents);
        if (r < 0)
                return log_oom();
        if (policy) {
                policy_free(m->policy);
                m->policy = TAKE_PTR(*policy);
        }
        roster_free(m->roster);
        m->roster = TAKE_PTR(in->roster);
        coverage_free(m->coverage);
        m->coverage = TAKE_PTR(in->coverage);
        incident_list_free(m->detected);
        m->detected = TAKE_PTR(in->incidents);
        incident_list_free(m->incidents);
        m->incidents = TAKE_PTR(incidents);
        /* New operators need their tokens before their feeds are served. */
        if (m->store)
                (void) ensure_feed_tokens(m);
        return 0;
}

static const char *feed_dir(const Manager *m) {
        return m->feed_dir_override ?: m->policy->feed_dir;
}

static const char *format_local(const Manager *m, usec_t t, char buf[static ISO8601_MAX]) {
        if (time_format_iso8601(t, m->policy->timezone, buf) < 0)
                snprintf(buf, ISO8601_MAX, "@%" PRIu64, t / USEC_PER_SEC);
        return buf;
}

static const Break *plan_find_break(const Plan *p, const char *operator, const char *uid) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_shifts; i++) {
                const ShiftPlan *s = &p->shifts[i];

                if (!streq(s->operator, operator))
                        continue;
                for (size_t j = 0; j < s->n_breaks; j++)
                        if (streq(s->breaks[j].uid, uid))
                                return &s->breaks[j];
        }
        return NULL;
}

/* Compare two revisions: announce added or moved breaks (BreakScheduled),
 * log them, and collect the operators whose day changed. */
static int diff_plans(Manager *m, const Plan *old, const Plan *new, char ***ret_changed) {
        _cleanup_(strv_freep) char **changed = NULL;
        char a[ISO8601_MAX], b[ISO8601_MAX];
        int r;

        for (size_t i = 0; i < new->n_shifts; i++) {
                const ShiftPlan *s = &new->shifts[i];

                for (size_t j = 0; j < s->n_breaks; j++) {
                        const Break *nb = &s->breaks[j], *ob = plan_find_break(old, s->operator, nb->uid);

                        if (ob && ob->start == nb->start && ob->end == nb->end)
                                continue;
                        log_info("%s: %s %s break %s – %s: %s", s->operator, ob ? "moved" : "new",
                                 break_kind_to_string(nb->kind), format_local(m, nb->start, a),
                                 format_local(m, nb->end, b), nb->reason);
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
                        if (!plan_find_break(new, s->operator, s->breaks[j].uid)) {
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
static int write_if_changed(const char *dir, const char *name, const char *text) {
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

/* The name of a feed: its file name without ".ics", and the key of its
 * token in the store: "op16", "team-retail". */
static int feed_name(FeedAudience audience, const char *who, char **ret) {
        if (asprintf(ret, "%s%s", audience == FEED_TEAM ? "team-" : "", who) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

/* Render one feed over the window of feeds.window_back and window_ahead
 * around the revision, write <dir>/<name>.ics when feed files are on, and
 * serve it at its token's URL when HTTP is. */
static int publish_feed(Manager *m, FeedAudience audience, const char *who, const char *calname) {
        _cleanup_free_ char *name = NULL, *file = NULL, *text = NULL, *token = NULL;
        const FeedSettings *fs = &m->policy->feeds;
        usec_t now = m->plan->now;
        int r;

        if (feed_name(audience, who, &name) < 0 || asprintf(&file, "%s.ics", name) < 0)
                return log_oom();
        r = feed_render(m->plan, m->roster, audience, who, calname, fs->refresh,
                        now > fs->window_back ? now - fs->window_back : 0, now + fs->window_ahead, m->sequences,
                        &text);
        if (r < 0)
                return log_warning_errno(r, "Failed to render feed '%s': %m, ignoring", name);

        if (feed_dir(m)) {
                r = write_if_changed(feed_dir(m), file, text);
                if (r < 0)
                        log_warning_errno(r, "Failed to write feed '%s/%s': %m, ignoring", feed_dir(m), file);
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

/* Every operator's feed and every team's feed, as <dir>/<operator>.ics and
 * <dir>/team-<team>.ics, and over HTTP. */
static int publish_feeds(Manager *m) {
        if (!feed_dir(m) && !m->http)
                return 0;
        if (feed_dir(m) && mkdir(feed_dir(m), 0755) < 0 && errno != EEXIST)
                log_warning_errno(errno, "Failed to create feed directory '%s': %m, ignoring", feed_dir(m));

        for (size_t i = 0; i < m->roster->n_operators; i++) {
                const Operator *o = &m->roster->operators[i];
                _cleanup_free_ char *calname = NULL;

                if (asprintf(&calname, "%s: breaks", o->name) < 0)
                        return log_oom();
                (void) publish_feed(m, FEED_OPERATOR, o->id, calname);
        }

        for (char **t = m->roster->teams; *t; t++) {
                _cleanup_free_ char *calname = NULL;

                if (asprintf(&calname, "Team %s: breaks", *t) < 0)
                        return log_oom();
                (void) publish_feed(m, FEED_TEAM, *t, calname);
        }
        /* Operators and teams gone from the roster: their URLs answer 404. */
        if (m->http)
                http_server_prune(m->http);
        return 0;
}

/* BreakStarted/BreakEnded for every edge in (edges_until, now]. */
static void emit_edges(Manager *m, usec_t now) {
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

/* The next instant something happens by itself: a break edge, or a call
 * record the clock has not reached yet. */
static usec_t next_wakeup(const Manager *m, usec_t now) {
        usec_t next = USEC_INFINITY;

        for (size_t i = 0; i < m->plan->n_shifts; i++)
                for (size_t j = 0; j < m->plan->shifts[i].n_breaks; j++) {
                        const Break *b = &m->plan->shifts[i].breaks[j];

                        if (b->start > now)
                                next = MIN(next, b->start);
                        else if (b->end > now)
                                next = MIN(next, b->end);
                }
        for (size_t i = 0; i < m->detected->n; i++)
                if (m->detected->items[i].received > now) {
                        next = MIN(next, m->detected->items[i].received);
                        break;  /* sorted by when, and received == when for detected ones */
                }
        return next;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) manager_replan(m);
        return 0;
}

static int arm_timer(Manager *m, usec_t now) {
        usec_t next = next_wakeup(m, now);
        int r;

        if (next == USEC_INFINITY)
                return m->timer ? sd_event_source_set_enabled(m->timer, SD_EVENT_OFF) : 0;

        if (!m->timer) {
                r = sd_event_add_time(m->event, &m->timer, clock_timer_id(&m->clock),
                                      clock_timer_deadline(&m->clock, next), 1, on_timer, m);
                if (r < 0)
                        return log_error_errno(r, "Failed to arm timer: %m");
                return 0;
        }
        r = sd_event_source_set_time(m->timer, clock_timer_deadline(&m->clock, next));
        if (r < 0)
                return log_error_errno(r, "Failed to arm timer: %m");
        return sd_event_source_set_enabled(m->timer, SD_EVENT_ONESHOT);
}

static void notify_status(const Manager *m) {
        unsigned recovery = 0, n_breaks = 0;

        for (size_t i = 0; i < m->plan->n_shifts; i++)
                for (size_t j = 0; j < m->plan->shifts[i].n_breaks; j++) {
                        n_breaks++;
                        recovery += m->plan->shifts[i].breaks[j].kind == BREAK_RECOVERY;
                }
        (void) sd_notifyf(false, "STATUS=%zu shifts, %u breaks, %u recovery breaks, %u statutory violations",
                          m->plan->n_shifts, n_breaks, recovery, m->plan->statutory_violations);
}

/* Keep the revision just made (and the SEQUENCE changes of its feeds). A
 * failure is logged: the next revision then rewrites the whole plan. */
static void store_revision(Manager *m, const Plan *old) {
        int r;

        if (!m->store)
                return;
        r = store_save_revision(m->store, m->plan_stored ? old : NULL, m->plan, m->sequences);
        if (r < 0)
                log_warning_errno(r, "Failed to store the revision: %m (%s), ignoring", store_error(m->store));
        m->plan_stored = r >= 0;
}

int manager_replan(Manager *m) {
        _cleanup_(plan_freep) Plan *new = NULL, *old = NULL;
        _cleanup_(strv_freep) char **changed = NULL;
        usec_t now = clock_now(&m->clock);
        int r;

        r = planner_run(m->roster, m->policy, m->coverage, m->incidents, m->plan, now, &new);
        if (r < 0)
                return log_error_errno(r, "Failed to plan: %m");
        r = diff_plans(m, m->plan, new, &changed);
        if (r < 0)
                return log_oom();
        if (new->statutory_violations > 0 &&
            (!m->plan || m->plan->statutory_violations != new->statutory_violations))
                log_warning("%u shifts cannot hold their statutory breaks.", new->statutory_violations);

        old = TAKE_PTR(m->plan);
        m->plan = TAKE_PTR(new);

        /* Feeds first, so that a client woken by a signal reads the new day. */
        (void) publish_feeds(m);
        store_revision(m, old);
        for (char **o = changed; o && *o; o++)
                (void) bus_emit_schedule_changed(m, *o);
        emit_edges(m, now);
        notify_status(m);
        return arm_timer(m, now);
}

/* The first revision: lay out the day as if every past incident had been
 * known when it happened, then revise at now so that the past is frozen and
 * the future follows only what the clock has reached. */
static int first_plan(Manager *m) {
        _cleanup_(incident_list_freep) IncidentList *known = NULL;
        usec_t now = clock_now(&m->clock);
        int r;

        /* After a restart the stored plan is the last revision: what began
         * before now stays exactly as it was published. */
        if (m->store) {
                r = store_load_plan(m->store, &m->plan);
                if (r < 0)
                        log_warning_errno(r, "Failed to read the stored plan: %m (%s), planning afresh",
                                          store_error(m->store));
                else if (m->plan) {
                        log_info("Revising the stored plan (%zu shifts).", m->plan->n_shifts);
                        m->plan_stored = true;
                        m->edges_until = now;
                        return manager_replan(m);
                }
        }

        r = merge_incidents(m->incidents, NULL, now, &known);
        if (r < 0)
                return log_oom();
        r = planner_run(m->roster, m->policy, m->coverage, known, NULL, 0, &m->plan);
        if (r < 0)
                return log_error_errno(r, "Failed to plan: %m");
        m->edges_until = now;
        /* Nothing was announced before: only breaks the revision at now moves
         * are worth a signal; the rest is the starting point. */
        return manager_replan(m);
}

/* mkdir -p, the last component with mode. */
static int mkdir_parents(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *slash = strchr(p + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
                *slash = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *slash = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

/* Retention (incidents.retention_days): purge what happened before then.
 * With reload, the reported incidents in memory follow. Logs its errors. */
static int purge_incidents(Manager *m, bool reload) {
        _cleanup_(incident_list_freep) IncidentList *reported = NULL, *incidents = NULL;
        usec_t now = clock_now(&m->clock), keep = (usec_t) m->policy->incidents.retention_days * USEC_PER_DAY;
        unsigned deleted;
        int r;

        r = store_purge(m->store, now > keep ? now - keep : 0, &deleted);
        if (r < 0)
                return log_warning_errno(r, "Failed to purge old incidents: %m (%s), ignoring",
                                         store_error(m->store));
        if (deleted == 0)
                return 0;
        log_info("Purged %u incidents older than %u days.", deleted, m->policy->incidents.retention_days);
        if (!reload)
                return 0;

        r = store_load_incidents(m->store, &reported);
        if (r < 0)
                return log_warning_errno(r, "Failed to read the incidents: %m (%s), ignoring", store_error(m->store));
        r = merge_incidents(m->detected, reported, USEC_INFINITY, &incidents);
        if (r < 0)
                return log_oom();
        incident_list_free(m->reported);
        m->reported = TAKE_PTR(reported);
        incident_list_free(m->incidents);
        m->incidents = TAKE_PTR(incidents);
        return 0;
}

static int on_purge_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) purge_incidents(m, true);
        (void) sd_event_source_set_time_relative(s, USEC_PER_DAY);
        (void) sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        return 0;
}

static int arm_purge_timer(Manager *m) {
        int r;

        if (!m->store)
                return 0;
        r = sd_event_add_time_relative(m->event, &m->purge_timer, CLOCK_BOOTTIME, USEC_PER_DAY, USEC_PER_HOUR,
                                       on_purge_timer, m);
        if (r < 0)
                return log_error_errno(r, "Failed to arm the retention timer: %m");
        return 0;
}

/* Every feed gets its secret token for HTTP: "OPERATOR" and "team-TEAM". */
static int ensure_feed_tokens(Manager *m) {
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

/* Serve the feeds over HTTP on the socket systemd passed or on feeds.listen
 * (read once: a reload does not move it). Tokens live in the store: none,
 * no HTTP. A failure is logged and respited goes on without HTTP. */
static void start_http(Manager *m) {
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

/* Open the store, apply retention and read back what it keeps. */
static int open_store(Manager *m) {
        int r;

        if (!m->state_dir) {
                m->reported = incident_list_new();
                return m->reported ? 0 : log_oom();
        }

        r = mkdir_parents(m->state_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create the state directory '%s': %m", m->state_dir);
        r = store_open(m->state_dir, &m->store);
        if (r == -EPROTONOSUPPORT)
                return log_error_errno(r, "%s/" STORE_FILE " comes from a newer respite (schema above version %d); "
                                       "not touching it.", m->state_dir, STORE_SCHEMA_VERSION);
        if (r < 0)
                return log_error_errno(r, "Failed to open the store '%s/" STORE_FILE "': %m", m->state_dir);

        (void) purge_incidents(m, false);
        r = store_load_incidents(m->store, &m->reported);
        if (r < 0)
                return log_error_errno(r, "Failed to read the stored incidents: %m (%s)", store_error(m->store));
        r = store_load_sequences(m->store, m->sequences);
        if (r < 0)
                return log_error_errno(r, "Failed to read the stored feed sequences: %m (%s)", store_error(m->store));
        log_info("Store '%s/" STORE_FILE "': %zu reported incidents.", m->state_dir, m->reported->n);
        return 0;
}

/* Keep reported incidents unique by id in memory, as the store does. */
static int add_reported(Manager *m, const Incident *inc) {
        int r;

        for (size_t i = 0; i < m->reported->n; i++)
                if (streq(m->reported->items[i].id, inc->id))
                        return 0;
        r = incident_list_add(m->reported, inc);
        if (r < 0)
                return r;
        return incident_list_add(m->incidents, inc);
}

/* A file renamed into the spool: check its lines, commit the good ones
 * together with a record of the file, re-plan, then move it out. A file
 * already committed before a crash is only moved. */
static int on_spool_file(const char *dir, const char *name, void *userdata) {
        _cleanup_(spool_file_done) SpoolFile f = {};
        Manager *m = userdata;
        bool pending;
        int r;

        r = spool_file_read(dir, name, m->policy, m->roster, clock_now(&m->clock), &f);
        if (r < 0)
                return log_warning_errno(r, "Failed to read spool file '%s/%s': %m, skipping", dir, name);
        r = store_spool_pending(m->store, f.name, f.hash, &pending);
        if (r < 0)
                return log_error_errno(r, "Failed to look up spool file '%s': %m (%s)", name, store_error(m->store));

        if (pending)
                log_info("Spool file '%s' was taken before a restart; moving it.", name);
        else {
                r = store_spool_ingest(m->store, f.name, f.hash, f.good, f.n_bad);
                if (r < 0)
                        return log_error_errno(r, "Failed to store the incidents of spool file '%s': %m (%s)",
                                               name, store_error(m->store));
                for (size_t i = 0; i < f.good->n; i++) {
                        r = add_reported(m, &f.good->items[i]);
                        if (r < 0)
                                return log_oom();
                }
                log_info("Spool file '%s': %zu incidents taken%s.", name, f.good->n,
                         f.n_bad > 0 ? ", some lines bad" : "");
                if (f.good->n > 0)
                        (void) manager_replan(m);
        }

        if (f.n_bad > 0)
                log_warning("Spool file '%s' has %u bad lines, see %s/" SPOOL_FAILED "/:\n%s", name, f.n_bad, dir,
                            f.reasons);
        r = spool_file_finish(dir, &f);
        if (r < 0)
                return log_error_errno(r, "Failed to move spool file '%s/%s': %m", dir, name);
        r = store_spool_done(m->store, f.name, f.hash);
        if (r < 0)
                return log_warning_errno(r, "Failed to mark spool file '%s' done: %m (%s), ignoring", name,
                                         store_error(m->store));
        return 0;
}

/* Watch incidents.spool, or stop watching when it changed or went. */
static int watch_spool(Manager *m) {
        const char *dir = m->policy->incidents.spool;
        int r;

        if (!m->store || streq_ptr(dir, m->spool_dir))
                return 0;
        m->spool = sd_event_source_disable_unref(m->spool);
        free(m->spool_dir);
        m->spool_dir = NULL;
        if (!dir)
                return 0;

        r = spool_watch(m->event, dir, on_spool_file, m, &m->spool);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the spool directory '%s': %m", dir);
        log_info("Watching the spool directory '%s'.", dir);
        return strdup_to(&m->spool_dir, dir) < 0 ? log_oom() : 0;
}

int manager_load(Manager *m) {
        _cleanup_(inputs_done) Inputs in = {};
        _cleanup_free_ char *error = NULL;
        int r;

        r = policy_load(m->config_path, &m->policy, &error);
        if (r < 0)
                return log_error_errno(r, "%s", error ?: "Failed to load the policy.");
        log_info("Policy '%s': zone %s, statutory preset %s.", m->config_path, m->policy->timezone,
                 m->policy->statutory.name);

        if (m->replay_from) {
                usec_t origin;

                r = time_parse_iso8601(m->replay_from, m->policy->timezone, &origin);
                if (r < 0)
                        return log_error_errno(r, "--clock: expected an ISO 8601 instant such as "
                                               "1999-01-04T06:30:00+02:00, got '%s'.", m->replay_from);
                clock_init_replay(&m->clock, origin, m->replay_speed);
                log_info("Replay clock starts at %s, %u times real speed.", m->replay_from, m->replay_speed);
        }

        r = load_sources(m, m->policy, &in);
        if (r < 0)
                return r;
        r = open_store(m);
        if (r < 0)
                return r;
        return manager_swap_inputs(m, NULL, &in);
}

/* Re-read the sources after a change. When one cannot be read at all, the
 * last good roster and call records stay in force, and the log says so. */
static int reload_sources(Manager *m) {
        _cleanup_(inputs_done) Inputs in = {};
        int r;

        log_info("A source changed; reading the sources again.");
        r = load_sources(m, m->policy, &in);
        if (r < 0) {
                log_warning("Keeping the last good roster and call records.");
                return r;
        }
        r = manager_swap_inputs(m, NULL, &in);
        if (r < 0)
                return r;
        return manager_replan(m);
}

static int on_source_timer(sd_event_source *s, uint64_t usec, void *userdata);

/* Sources are also read again daily, so that recurring iCalendar events
 * are expanded around the new day. */
static int arm_source_timer(Manager *m, usec_t after) {
        int r;

        if (!m->source_timer)
                return sd_event_add_time_relative(m->event, &m->source_timer, CLOCK_MONOTONIC, after, 0,
                                                  on_source_timer, m);
        r = sd_event_source_set_time_relative(m->source_timer, after);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(m->source_timer, SD_EVENT_ONESHOT);
}

static int on_source_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) reload_sources(m);
        if (arm_source_timer(m, USEC_PER_DAY) < 0)
                log_warning("Failed to arm the daily source timer, ignoring.");
        return 0;
}

static bool source_named(Manager *m, const char *name, bool *ret_queue_log) {
        char **lists[] = { m->roster_override ?: m->policy->rosters, m->calls_override ?: m->policy->calls };

        for (size_t k = 0; k < ELEMENTSOF(lists); k++)
                for (char **f = lists[k]; f && *f; f++) {
                        const char *base = strrchr(*f, '/') ? strrchr(*f, '/') + 1 : *f;

                        if (streq(base, name)) {
                                *ret_queue_log = source_format(m->policy, *f) == SOURCE_FORMAT_QUEUE_LOG;
                                return true;
                        }
                }
        return false;
}

/* A file changed in a directory of sources: when it is one, re-read the
 * sources once the writes settle. A queue_log is read as it grows; other
 * files when they are closed after writing or moved into place. */
static int on_source_event(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        Manager *m = userdata;
        bool queue_log;
        int r;

        if (ev->len == 0 || !source_named(m, ev->name, &queue_log))
                return 0;
        if (!queue_log && !(ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)))
                return 0;

        r = arm_source_timer(m, SOURCE_SETTLE);
        if (r < 0)
                log_warning_errno(r, "Failed to arm the source timer: %m, ignoring");
        return 0;
}

/* Watch the directories of the sources (inotify), replacing older watches. */
static int watch_sources(Manager *m) {
        _cleanup_(strv_freep) char **dirs = NULL;
        char **lists[] = { m->roster_override ?: m->policy->rosters, m->calls_override ?: m->policy->calls };
        int r;

        for (size_t i = 0; i < m->n_source_watches; i++)
                sd_event_source_disable_unref(m->source_watches[i]);
        m->n_source_watches = 0;

        for (size_t k = 0; k < ELEMENTSOF(lists); k++)
                for (char **f = lists[k]; f && *f; f++) {
                        const char *slash = strrchr(*f, '/');
                        _cleanup_free_ char *dir = slash ? strndup(*f, MAX(slash - *f, 1)) : strdup(".");

                        if (!dir)
                                return log_oom();
                        if (strv_extend_unique(&dirs, dir) < 0)
                                return log_oom();
                }

        for (char **d = dirs; d && *d; d++) {
                r = array_grow((void **) &m->source_watches, m->n_source_watches, sizeof(sd_event_source *));
                if (r < 0)
                        return log_oom();
                r = sd_event_add_inotify(m->event, &m->source_watches[m->n_source_watches], *d,
                                         IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_MODIFY,
                                         on_source_event, m);
                if (r < 0) {
                        log_warning_errno(r, "Failed to watch the source directory '%s': %m, ignoring", *d);
                        continue;
                }
                m->n_source_watches++;
        }
        log_info("Watching the sources in %zu directories.", m->n_source_watches);
        r = arm_source_timer(m, USEC_PER_DAY);
        if (r < 0)
                log_warning_errno(r, "Failed to arm the daily source timer: %m, ignoring");
        return 0;
}

int manager_start(Manager *m) {
        int r;

        start_http(m);
        r = first_plan(m);
        if (r < 0)
                return r;
        r = watch_spool(m);
        if (r < 0)
                return r;
        r = watch_sources(m);
        if (r < 0)
                return r;
        return arm_purge_timer(m);
}

int manager_reload(Manager *m) {
        _cleanup_(policy_freep) Policy *policy = NULL;
        _cleanup_(inputs_done) Inputs in = {};
        _cleanup_free_ char *error = NULL;
        int r;

        (void) sd_notifyf(false, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64, now_usec(CLOCK_MONOTONIC));
        log_info("Reloading '%s'.", m->config_path);

        r = policy_load(m->config_path, &policy, &error);
        if (r < 0) {
                log_error("%s", error ?: "Failed to load the policy.");
                log_error("Keeping the running policy.");
                goto finish;
        }
        r = load_sources(m, policy, &in);
        if (r < 0) {
                log_error("Keeping the running policy and roster.");
                goto finish;
        }
        r = manager_swap_inputs(m, &policy, &in);
        if (r < 0)
                goto finish;
        (void) bus_emit_policy_changed(m);
        r = manager_replan(m);
        if (m->store)
                (void) watch_spool(m);
        (void) watch_sources(m);

finish:
        (void) sd_notify(false, "READY=1");
        return r;
}

int manager_report_incident(Manager *m, const char *operator, const char *category, usec_t when,
                            const char *note, char **ret_id) {
        char id[SD_ID128_STRING_MAX];
        usec_t now = clock_now(&m->clock);
        sd_id128_t uuid;
        Incident inc;
        int r;

        inc = (Incident) {
                .id = id,
                .operator = (char *) operator,
                .category = (char *) category,
                .when = when ?: now,
                .received = now,
                .note = isempty(note) ? NULL : (char *) note,
        };
        r = incident_check(&inc, m->roster, m->policy, now);
        if (r < 0)
                return r;

        r = sd_id128_randomize(&uuid);
        if (r < 0)
                return r;
        sd_id128_to_string(uuid, id);
        if (m->store) {
                r = store_add_incident(m->store, &inc, "bus");
                if (r < 0)
                        return log_error_errno(r, "Failed to store incident %s: %m (%s)", id, store_error(m->store));
        }
        r = add_reported(m, &inc);
        if (r < 0)
                return r;
        log_info("%s: incident %s (%s) reported.", operator, id, category);
        if (policy_find_category(m->policy, category)->notify_lead)
                log_notice("%s: %s incident %s: the team lead of team %s should be told.", operator, category, id,
                           m->roster->operators[roster_find_operator(m->roster, operator)].team);

        r = manager_replan(m);
        if (r < 0)
                return r;
        *ret_id = strdup(id);
        return *ret_id ? 0 : -ENOMEM;
}

int manager_run(Manager *m) {
        int r;

        (void) sd_notify(false, "READY=1");
        r = sd_event_loop(m->event);
        (void) sd_notify(false, "STOPPING=1");
        return r;
}
