/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manager's sources: rosters and call records read through inputs_load(),
 * each file's last good version kept in force while it cannot be read,
 * queue_logs followed as they grow, and the source directories watched so
 * that a changed file is read again within a second. */
#include <search.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "daemon/manager-internal.h"
#include "import/queue-log.h"
#include "import/source.h"
#include "shared/log.h"

/* A queue_log followed line by line: what it gave so far, rotations
 * included, and its calls by operator. */
struct ManagerTail {
        char *path;
        QueueLogTail *tail;
        QueueLog *log;
        void *by_operator;              /* tsearch(3) of ManagerTailCalls */
        size_t n_indexed;               /* log->calls indexed so far */
        size_t n_stored;                /* log->calls in the store */
        unsigned batch;                 /* counts manager_tail_index() calls */
};

/* The calls of one operator in a queue_log, as indexes into its calls. */
typedef struct ManagerTailCalls {
        const char *operator;           /* the first call's (its strings never move) */
        size_t *calls;
        size_t n_calls;
        unsigned batch;                 /* the last batch that brought one */
} ManagerTailCalls;

/* The last version of a roster or call-record file that could be read,
 * kept in force while the file cannot be read. */
struct ManagerSource {
        char *path;
        Roster *roster;
        CallLog *calls;
};

/* Sources are re-read this long after the last change seen, so that a
 * burst of writes makes one re-plan. */
#define MANAGER_SOURCE_SETTLE (USEC_PER_SEC / 10)

/* Recurring iCalendar events are expanded over this window around now:
 * the feeds' (7 days back, 14 ahead) and more. */
#define MANAGER_ROSTER_BACK  (8 * USEC_PER_DAY)
#define MANAGER_ROSTER_AHEAD (28 * USEC_PER_DAY)

static void manager_source_done(ManagerSource *s) {
        free(s->path);
        roster_free(s->roster);
        call_log_free(s->calls);
}

static void manager_tail_calls_free(void *p) {
        ManagerTailCalls *c = p;

        free(c->calls);
        free(c);
}

static void manager_tail_done(ManagerTail *t) {
        tdestroy(t->by_operator, manager_tail_calls_free);
        free(t->path);
        queue_log_tail_free(t->tail);
        queue_log_free(t->log);
}

void manager_sources_done(Manager *m) {
        for (size_t i = 0; i < m->n_source_watches; i++)
                sd_event_source_unref(m->source_watches[i]);
        free(m->source_watches);
        sd_event_source_unref(m->source_timer);
        free_array(m->tails, m->n_tails, manager_tail_done);
        for (size_t i = 0; i < m->n_last_good; i++)
                manager_source_done(&m->last_good[i]);
        free(m->last_good);
}

static ManagerSource *manager_last_good(Manager *m, const char *path) {
        for (size_t i = 0; i < m->n_last_good; i++)
                if (streq(m->last_good[i].path, path))
                        return &m->last_good[i];
        return NULL;
}

/* Keep what fresh holds (taken over) as the last good version of path. */
static int manager_remember_source(Manager *m, const char *path, ManagerSource *fresh) {
        ManagerSource *s = manager_last_good(m, path);
        int r;

        if (!s) {
                _cleanup_free_ char *copy = strdup(path);

                r = copy ? array_grow((void **) &m->last_good, m->n_last_good, sizeof(ManagerSource)) : -ENOMEM;
                if (r < 0)
                        return r;
                s = &m->last_good[m->n_last_good++];
                *s = (ManagerSource) { .path = TAKE_PTR(copy) };
        }
        roster_free(s->roster);
        s->roster = TAKE_PTR(fresh->roster);
        call_log_free(s->calls);
        s->calls = TAKE_PTR(fresh->calls);
        return 0;
}

/* Add the roster or the call records of from to those of into. */
static int manager_source_append(ManagerSource *into, const ManagerSource *from) {
        return from->roster ? roster_append(into->roster, from->roster) : call_log_append(into->calls, from->calls);
}

/* Source path was read into fresh (its roster or its calls), with result r
 * and skipped rows: add it to into and keep it as the last good version;
 * when it could not be read (the importer said why), add its last good
 * version instead, or fail when there is none. */
static int manager_use_source(Manager *m, const char *path, int r, size_t skipped, ManagerSource *fresh,
                              ManagerSource *into) {
        const char *what = fresh->roster ? "roster" : "call records";
        ManagerSource *good;

        if (r < 0) {
                good = manager_last_good(m, path);
                if (!good || (fresh->roster && !good->roster) || (fresh->calls && !good->calls))
                        return r;
                log_warning("Keeping the last good version of %s '%s'.", what, path);
                return manager_source_append(into, good) < 0 ? log_oom() : 0;
        }
        log_info("Loaded %s '%s'%s.", what, path, skipped > 0 ? " (some rows skipped, see above)" : "");
        if (manager_source_append(into, fresh) < 0 || manager_remember_source(m, path, fresh) < 0)
                return log_oom();
        return 0;
}

/* Read roster file path into into (InputReader) through its last good
 * version. */
static int manager_read_roster(const Policy *p, const char *path, usec_t from, usec_t to, Roster *into,
                               size_t *ret_skipped, void *userdata) {
        _cleanup_(manager_source_done) ManagerSource fresh = { .roster = roster_new() };
        int r;

        if (!fresh.roster)
                return log_oom();
        r = source_load_roster(fresh.roster, p, path, from, to, ret_skipped);
        return manager_use_source(userdata, path, r, *ret_skipped, &fresh, &(ManagerSource) { .roster = into });
}

int manager_replay_agent_calls(Manager *m, const CallLog *calls) {
        _cleanup_free_ char **paths = calloc(m->n_tails + 1, sizeof(char *));

        if (!paths)
                return log_oom();
        for (size_t i = 0; i < m->n_tails; i++)
                paths[i] = m->tails[i].path;
        return manager_agent_replay_reset(m, calls, paths);
}

/* The agent state changes t's lines gave, into the table. */
static void manager_tail_agents(Manager *m, ManagerTail *t) {
        AgentStateChange *changes;
        size_t n = queue_log_take_changes(t->log, &changes);

        if (manager_agent_take_changes(m, changes, n) < 0)
                log_oom();
}

/* Commit t's position, its new call records and its open state to the
 * store, in one transaction, when lines were taken (n_lines). A failure
 * is logged: the lines are read again after a restart. */
static void manager_tail_commit(Manager *m, ManagerTail *t, int n_lines) {
        int r;

        if (!m->store || n_lines <= 0)
                return;
        r = store_save_queue_log(m->store, t->path, t->tail, t->log, t->n_stored);
        if (r < 0) {
                log_warning_errno(r, "%s: failed to store the read position: %m (%s), ignoring", t->path,
                                  store_error(m->store));
                return;
        }
        t->n_stored = t->log->calls->n_calls;
}

/* Start following path where the store says respited stopped: its call
 * records and open state back into t->log, then the file at the stored
 * position (or the rest of the rotated file first, or the file at path
 * from its start). Without a stored position, from the start. Returns 0
 * or a negative errno (not logged). */
static int manager_tail_resume(Manager *m, ManagerTail *t) {
        _cleanup_free_ char *rotated = NULL;
        StoreQueueLogPosition pos;
        struct stat st;
        int r;

        r = m->store ? store_load_queue_log(m->store, t->path, &pos, t->log) : -ENOENT;
        if (r == -ENOENT)
                return queue_log_tail_new(t->path, 0, 0, 0, &t->tail);
        if (r < 0) {
                log_warning_errno(r, "%s: failed to read the stored position: %m (%s), reading from the start",
                                  t->path, store_error(m->store));
                return queue_log_tail_new(t->path, 0, 0, 0, &t->tail);
        }
        t->n_stored = t->log->calls->n_calls;
        for (size_t i = 0; i < t->log->calls->n_calls; i++) {
                const CallRecord *c = &t->log->calls->calls[i];

                if (manager_agent_add_call(m, c->operator, c->start, c->end) < 0)
                        return -ENOMEM;
        }
        r = queue_log_restate(t->log);
        if (r < 0)
                return r;
        if (asprintf(&rotated, "%s.1", t->path) < 0)
                return -ENOMEM;
        r = queue_log_tail_resume(t->path, rotated, pos.dev, pos.ino, pos.offset, pos.line, &t->tail);
        if (r < 0)
                return r;
        if (t->tail->dev == pos.dev && t->tail->ino == pos.ino && t->tail->offset == pos.offset && t->tail->fd >= 0 &&
            stat(t->path, &st) >= 0 && (st.st_dev != pos.dev || st.st_ino != pos.ino))
                log_info("%s: rotated while respited was down; reading on in '%s' from line %u, then the new "
                         "file (%zu call records stored).", t->path, rotated, pos.line, t->n_stored);
        else if (t->tail->dev == pos.dev && t->tail->ino == pos.ino && t->tail->offset == pos.offset)
                log_info("%s: reading on from line %u (%zu call records stored).", t->path, pos.line,
                         t->n_stored);
        else
                log_info("%s: another file than the one stored (rotated?); reading it from the start "
                         "(%zu call records stored).", t->path, t->n_stored);
        return 0;
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
                                return log_error_errno(r, "%s: cannot read: %m", path);
                        manager_tail_agents(m, &m->tails[i]);
                        manager_tail_commit(m, &m->tails[i], r);
                        return call_log_append(into, m->tails[i].log->calls) < 0 ? log_oom() : 0;
                }

        r = source_check(p, path, SOURCE_FORMAT_QUEUE_LOG, "an Asterisk queue_log");
        if (r < 0)
                return r;
        r = array_grow((void **) &m->tails, m->n_tails, sizeof(ManagerTail));
        if (r >= 0)
                r = strdup_to(&t.path, path);
        if (r >= 0)
                r = queue_log_new(&t.log);
        if (r >= 0) {
                t.log->track_agents = true;
                r = manager_tail_resume(m, &t);
        }
        if (r >= 0 && t.tail->fd < 0)
                r = -ENOENT;
        if (r >= 0)
                r = queue_log_tail_read(t.tail, t.log, o);
        if (r < 0) {
                manager_tail_done(&t);
                return log_error_errno(r, "%s: cannot follow the queue_log: %m", path);
        }
        m->tails[m->n_tails++] = t;
        manager_tail_agents(m, &m->tails[m->n_tails - 1]);
        manager_tail_commit(m, &m->tails[m->n_tails - 1], r);
        return call_log_append(into, t.log->calls) < 0 ? log_oom() : 0;
}

/* The same for a call-record file; a queue_log is followed instead. */
static int manager_read_calls(const Policy *p, const char *path, CallLog *into, size_t *ret_skipped, void *userdata) {
        _cleanup_(manager_source_done) ManagerSource fresh = {};
        int r;

        if (source_format(p, path) == SOURCE_FORMAT_QUEUE_LOG)
                return manager_follow_queue_log(userdata, p, path, into);
        fresh.calls = call_log_new();
        if (!fresh.calls)
                return log_oom();
        r = source_load_calls(fresh.calls, p, path, ret_skipped);
        return manager_use_source(userdata, path, r, *ret_skipped, &fresh, &(ManagerSource) { .calls = into });
}

int manager_load_sources(Manager *m, const Policy *p, Inputs *ret) {
        _cleanup_(inputs_done) Inputs in = {};
        usec_t now = clock_now(&m->clock);
        InputFiles files = {
                .rosters = m->roster_override ?: p->rosters,
                .calls = m->calls_override ?: p->calls,
                .from = now > MANAGER_ROSTER_BACK ? now - MANAGER_ROSTER_BACK : 0,
                .to = now + MANAGER_ROSTER_AHEAD,
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

int manager_reload_sources(Manager *m) {
        _cleanup_(inputs_done) Inputs in = {};
        int r;

        log_info("A source changed; reading the sources again.");
        r = manager_load_sources(m, m->policy, &in);
        if (r < 0) {
                log_warning("Keeping the last good roster and call records.");
                return r;
        }
        r = manager_swap_inputs(m, NULL, &in);
        if (r < 0)
                return r;
        return manager_replan(m);
}

static int manager_tail_calls_compare(const void *a, const void *b) {
        return strcmp(((const ManagerTailCalls *) a)->operator, ((const ManagerTailCalls *) b)->operator);
}

/* Index the calls of t taken since the last time; the operators with new
 * calls are added to *ops, each once. Returns 0 or -ENOMEM. */
static int manager_tail_index(ManagerTail *t, ManagerTailCalls ***ops, size_t *n_ops) {
        t->batch++;
        for (; t->n_indexed < t->log->calls->n_calls; t->n_indexed++) {
                const CallRecord *c = &t->log->calls->calls[t->n_indexed];
                ManagerTailCalls key = { .operator = c->operator }, *e;
                void **node = tfind(&key, &t->by_operator, manager_tail_calls_compare);

                if (node)
                        e = *node;
                else {
                        e = calloc(1, sizeof(ManagerTailCalls));
                        if (!e)
                                return -ENOMEM;
                        e->operator = c->operator;
                        if (!tsearch(e, &t->by_operator, manager_tail_calls_compare)) {
                                manager_tail_calls_free(e);
                                return -ENOMEM;
                        }
                }
                if (e->batch != t->batch) {
                        if (array_grow((void **) ops, *n_ops, sizeof(ManagerTailCalls *)) < 0)
                                return -ENOMEM;
                        (*ops)[(*n_ops)++] = e;
                        e->batch = t->batch;
                }
                if (array_grow((void **) &e->calls, e->n_calls, sizeof(size_t)) < 0)
                        return -ENOMEM;
                e->calls[e->n_calls++] = t->n_indexed;
        }
        return 0;
}

/* The incidents in the calls of e (one operator's, in queue_log t) that
 * respite did not know of join the detected ones. Returns how many, or
 * -ENOMEM. */
static int manager_tail_detect(Manager *m, const ManagerTail *t, const ManagerTailCalls *e, IncidentList *fresh) {
        _cleanup_(incident_list_freep) IncidentList *found = incident_list_new();
        _cleanup_free_ CallRecord *calls = calloc(e->n_calls, sizeof(CallRecord));
        CallLog view = { .calls = calls, .n_calls = e->n_calls };
        int n = 0, r;

        if (!found || !calls)
                return -ENOMEM;
        for (size_t i = 0; i < e->n_calls; i++)
                calls[i] = t->log->calls->calls[e->calls[i]];
        (void) call_log_finish(&view);
        r = incidents_detect(found, &view, m->policy);
        if (r < 0)
                return r;
        for (size_t i = 0; i < found->n; i++) {
                if (incident_list_contains(m->detected, &found->items[i]))
                        continue;
                r = incident_list_add(m->detected, &found->items[i]);
                if (r >= 0)
                        r = manager_add_incident(m, &found->items[i]);
                if (r >= 0)
                        r = incident_list_append(fresh, &found->items[i]);
                if (r < 0)
                        return r;
                n++;
        }
        return n;
}

/* A queue_log grew: take its new lines alone. The incidents they bring
 * (detected over each operator's calls in that queue_log) join the known
 * ones, and each operator with a new one has their team revised (then the
 * new incidents may alert the leads): a call record costs its operator's
 * calls and team, not the site. Coverage from
 * call volumes follows when the sources are read again (daily, or when
 * another source changes). */
static int manager_follow_calls(Manager *m, ManagerTail *t) {
        _cleanup_free_ ManagerTailCalls **ops = NULL;
        _cleanup_(incident_list_freep) IncidentList *fresh = incident_list_new();
        size_t n_ops = 0, before = t->n_indexed;
        unsigned found = 0;
        int r;

        if (!fresh)
                return log_oom();
        r = queue_log_tail_read(t->tail, t->log, policy_find_source(m->policy, t->path));
        if (r < 0)
                return log_error_errno(r, "%s: cannot read: %m", t->path);
        manager_tail_agents(m, t);
        manager_tail_commit(m, t, r);
        r = manager_tail_index(t, &ops, &n_ops);
        if (r < 0)
                return log_oom();
        for (size_t i = 0; i < n_ops; i++) {
                r = manager_tail_detect(m, t, ops[i], fresh);
                if (r < 0)
                        return log_oom();
                if (r == 0)
                        ops[i] = NULL;  /* nothing new to revise for */
                found += r;
        }
        if (found == 0)
                return 0;
        log_info("%s: %u new incidents in %zu new call records.", t->path, found, t->n_indexed - before);
        manager_skip_detected(m, clock_now(&m->clock));
        for (size_t i = 0; i < n_ops; i++)
                if (ops[i])
                        (void) manager_revise(m, ops[i]->operator);
        for (size_t i = 0; i < fresh->n; i++)
                manager_alert_incident(m, &fresh->items[i]);
        return 0;
}

static int manager_on_source_timer(sd_event_source *s, uint64_t usec, void *userdata);

/* Sources are also read again daily, so that recurring iCalendar events
 * are expanded around the new day. */
static int manager_arm_source_timer(Manager *m, usec_t after) {
        int r;

        if (!m->source_timer)
                return sd_event_add_time_relative(m->event, &m->source_timer, CLOCK_MONOTONIC, after, 0,
                                                  manager_on_source_timer, m);
        r = sd_event_source_set_time_relative(m->source_timer, after);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(m->source_timer, SD_EVENT_ONESHOT);
}

static int manager_on_source_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) manager_reload_sources(m);
        if (manager_arm_source_timer(m, USEC_PER_DAY) < 0)
                log_warning("Failed to arm the daily source timer, ignoring.");
        return 0;
}

/* The source whose file name is name, or NULL. */
static const char *manager_source_named(Manager *m, const char *name) {
        char **lists[] = { m->roster_override ?: m->policy->rosters, m->calls_override ?: m->policy->calls };

        for (size_t k = 0; k < ELEMENTSOF(lists); k++)
                for (char **f = lists[k]; f && *f; f++)
                        if (streq(basename(*f), name))
                                return *f;
        return NULL;
}

/* A file changed in a directory of sources: a queue_log followed is read
 * as it grows (manager_follow_calls()); other sources are read again, all
 * of them, once the writes settle after they are closed or moved into
 * place. */
static int manager_on_source_event(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        Manager *m = userdata;
        const char *path;
        int r;

        if (ev->len == 0 || !(path = manager_source_named(m, ev->name)))
                return 0;
        if (source_format(m->policy, path) == SOURCE_FORMAT_QUEUE_LOG) {
                for (size_t i = 0; i < m->n_tails; i++)
                        if (streq(m->tails[i].path, path) && m->tails[i].tail->fd >= 0 &&
                            !(ev->mask & (IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE)))
                                return manager_follow_calls(m, &m->tails[i]);
                /* Rotated, created or not followed yet: read everything again. */
        } else if (!(ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)))
                return 0;

        r = manager_arm_source_timer(m, MANAGER_SOURCE_SETTLE);
        if (r < 0)
                log_warning_errno(r, "Failed to arm the source timer: %m, ignoring");
        return 0;
}

int manager_watch_sources(Manager *m) {
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
                                         manager_on_source_event, m);
                if (r < 0) {
                        log_warning_errno(r, "Failed to watch the source directory '%s': %m, ignoring", *d);
                        continue;
                }
                m->n_source_watches++;
        }
        log_info("Watching the sources in %zu directories.", m->n_source_watches);
        r = manager_arm_source_timer(m, USEC_PER_DAY);
        if (r < 0)
                log_warning_errno(r, "Failed to arm the daily source timer: %m, ignoring");
        return 0;
}
