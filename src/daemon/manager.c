/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manager: respited's context and its one event loop. It loads the
 * policy and the inputs, starts, reloads, and revises the plan whenever
 * something changes: the team of an operator after their event
 * (manager_revise()), the site after its inputs changed (manager_replan());
 * then publishes what changed. Sources, publishing, incidents and what the
 * clock brings have files of their own: manager-sources.c,
 * manager-publish.c, manager-incidents.c, manager-edges.c. */
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "core/policy-languages.h"
#include "daemon/bus.h"
#include "daemon/manager-internal.h"
#include "shared/log.h"
#include "shared/time-util.h"

static int manager_on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) manager_reload(m, NULL);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        sd_event_source_unref(m->timer);
        manager_edges_done(m);
        manager_feeds_done(m);
        sd_event_source_unref(m->spool);
        manager_sources_done(m);
        sd_event_source_unref(m->purge_timer);
        manager_http_done(m);
        store_free(m->store);
        manager_alerts_done(m);
        subscribers_free(m->subscribers);
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
        manager_incidents_done(m);
        manager_agents_done(m);
        manager_breaks_done(m);
        actions_free(m->actions);
        if (m->calls_of)
                manager_calls_done(m->calls_of);
        free(m->calls_of);
        plan_free(m->plan);
        sequences_free(m->sequences);
        explicit_bzero(m->feed_uid_key, sizeof m->feed_uid_key);
        return mfree(m);
}

int manager_new(Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        sigset_t mask;
        int r;

        m = calloc(1, sizeof(Manager));
        if (!m)
                return -ENOMEM;
        clock_init_real(&m->clock);

        r = subscribers_new(&m->subscribers);
        if (r < 0)
                return r;
        m->sequences = sequences_new();
        if (!m->sequences)
                return -ENOMEM;
        /* Without a store, team feeds' UIDs hold for this run only. */
        r = random_bytes(m->feed_uid_key, sizeof m->feed_uid_key);
        if (r < 0)
                return r;

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
        r = sd_event_add_signal(m->event, NULL, SIGHUP, manager_on_signal, m);
        if (r < 0)
                return r;

        r = sd_event_set_watchdog(m->event, true);
        if (r < 0)
                return r;

        r = actions_new(m->event, &m->clock, &m->actions);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(m);
        return 0;
}

int manager_swap_inputs(Manager *m, Policy **policy, Inputs *in) {
        _cleanup_(incident_list_freep) IncidentList *incidents = NULL;
        int r;

        r = manager_merge_incidents(in->incidents, m->reported, USEC_INFINITY, &incidents);
        if (r < 0)
                return log_oom();
        /* Runs already begun keep their settings. */
        if (policy) {
                (void) policy_actions_check(&(*policy)->actions);
                if (policy_languages_check(*policy, false) < 0)
                        return log_oom();
                if (actions_set_settings(m->actions, &(*policy)->actions) < 0)
                        return log_oom();
        }
        /* A new policy, or operators added, gone, renamed or moved to
         * another team: every feed again; else those whose day changed. */
        m->feeds_stale = m->feeds_stale || policy || !roster_operators_equal(m->roster, in->roster);
        if (policy) {
                policy_free(m->policy);
                m->policy = TAKE_PTR(*policy);
                manager_feeds_forget_files(m);
                if (subscribers_set_access(m->subscribers, &m->policy->access, geteuid()) < 0)
                        log_oom();
        }
        roster_free(m->roster);
        m->roster = TAKE_PTR(in->roster);
        coverage_free(m->coverage);
        m->coverage = TAKE_PTR(in->coverage);
        incident_list_free(m->detected);
        m->detected = TAKE_PTR(in->incidents);
        incident_list_free(m->incidents);
        m->incidents = TAKE_PTR(incidents);
        if (manager_index_incidents(m) < 0)
                return log_oom();
        manager_skip_detected(m, clock_now(&m->clock));
        (void) manager_replay_agent_calls(m, in->calls);
        /* New operators need their tokens before their feeds are served. */
        if (m->store)
                (void) manager_ensure_feed_tokens(m);
        return 0;
}

void manager_notify_status(const Manager *m) {
        _cleanup_free_ char *feeds = NULL;

        if (manager_http_state(m, false, &feeds) < 0)
                return;
        if (!m->plan)
                (void) sd_notifyf(false, "STATUS=Planning; feed server %s", feeds);
        else
                (void) sd_notifyf(false, "STATUS=%zu shifts, %u breaks, %u recovery breaks, %u statutory "
                                  "violations; feed server %s", m->plan->n_shifts, m->plan->breaks,
                                  m->plan->recoveries, m->plan->statutory_violations, feeds);
}

/* Anchor the feeds' window at the local day of now. Returns whether it
 * moved. */
static bool manager_move_window(Manager *m, usec_t now) {
        usec_t start, end;

        if (now >= m->window_day && now < m->window_day_end)
                return false;
        if (time_local_day_bounds(now, m->policy->timezone, &start, &end) < 0)
                start = now / USEC_PER_DAY * USEC_PER_DAY, end = start + USEC_PER_DAY;
        m->window_day = start;
        m->window_day_end = end;
        return true;
}

/* Feeds first, so that a client woken by a signal reads the new day; the
 * revision is stored after the signals: it is derived from the incidents,
 * which are on disk before anything is announced, and a restart revises
 * from the last stored plan again. */
static void manager_publish(Manager *m, const ManagerChanges *c, usec_t now) {
        bool moved = manager_move_window(m, now);

        /* The verdicts of the feeds' new window, before its feeds. */
        if (moved)
                (void) manager_load_adherence(m);
        if (moved || m->feeds_stale)
                (void) manager_publish_all(m);
        else
                (void) manager_publish_changes(m, c);
        m->feeds_stale = false;
}

/* Keep the revision just made (and the SEQUENCE changes of its feeds). A
 * failure is logged: the next revision then rewrites the whole plan. */
static void manager_store_revision(Manager *m, const Plan *old) {
        int r;

        if (!m->store)
                return;
        r = store_save_revision(m->store, m->plan_stored ? old : NULL, m->plan, m->sequences);
        if (r < 0)
                log_warning_errno(r, "Failed to store the revision: %m (%s), ignoring", store_error(m->store));
        m->plan_stored = r >= 0;
}

static void manager_log_violations(const Manager *m, unsigned before) {
        if (m->plan->statutory_violations > 0 && m->plan->statutory_violations != before)
                log_warning("%u shifts cannot hold their statutory breaks.", m->plan->statutory_violations);
}

int manager_replan(Manager *m) {
        _cleanup_(manager_changes_done) ManagerChanges c = {};
        _cleanup_(manager_calls_done) ManagerCalls calls = {};
        _cleanup_(plan_freep) Plan *new = NULL, *old = NULL;
        usec_t now = clock_now(&m->clock);
        int r;

        if (m->plan)
                manager_edges_run(m, now - 1);
        r = manager_calls_known(m, now, &calls);
        if (r < 0)
                return log_oom();
        r = planner_run(m->roster, m->policy, m->coverage, m->incidents, &calls.index, m->plan, now, &new);
        if (r < 0)
                return log_error_errno(r, "Failed to plan: %m");
        r = manager_diff_plans(m, m->plan, new, &c);
        if (r < 0)
                return log_oom();

        old = TAKE_PTR(m->plan);
        m->plan = TAKE_PTR(new);
        manager_log_violations(m, old ? old->statutory_violations : 0);
        r = manager_edges_reset(m, now - 1);
        if (r < 0)
                return r;

        manager_publish(m, &c, now);
        manager_announce(m, &c);
        manager_edges_run(m, now);
        manager_store_revision(m, old);
        manager_notify_status(m);

        /* The site's re-plan left the old plan and every feed's rendering
         * free between what stays: give that memory back, or a large
         * site's RSS would stay at the peak. */
        manager_changes_done(&c);
        old = plan_free(old);
        (void) malloc_trim(0);
        return manager_arm_timer(m);
}

/* The shifts of the operators members[0..n) in m->plan, copied. */
typedef struct ManagerSnapshot {
        ShiftPlan *shifts;              /* in plan order */
        size_t n_shifts;
        size_t *first, *count;          /* per operator: where their shifts begin in the plan, how many */
} ManagerSnapshot;

static void manager_snapshot_done(ManagerSnapshot *s) {
        free_array(s->shifts, s->n_shifts, shift_plan_done);
        free(s->first);
        free(s->count);
}

static int manager_snapshot(const Manager *m, const size_t *members, size_t n, ManagerSnapshot *ret) {
        _cleanup_(manager_snapshot_done) ManagerSnapshot s = {
                .first = calloc(MAX(n, (size_t) 1), sizeof(size_t)),
                .count = calloc(MAX(n, (size_t) 1), sizeof(size_t)),
        };

        if (!s.first || !s.count)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                s.count[i] = plan_operator_shifts(m->plan, m->roster->operators[members[i]].id, &s.first[i]);
                for (size_t k = s.first[i]; k < s.first[i] + s.count[i]; k++) {
                        if (array_grow((void **) &s.shifts, s.n_shifts, sizeof(ShiftPlan)) < 0 ||
                            shift_plan_copy(&m->plan->shifts[k], &s.shifts[s.n_shifts]) < 0)
                                return -ENOMEM;
                        s.n_shifts++;
                }
        }
        *ret = s;
        s = (ManagerSnapshot) {};
        return 0;
}

/* The revised operators' shifts as they are now, side by side in plan
 * order (shallow copies, for the store). */
static int manager_snapshot_now(const Manager *m, const ManagerSnapshot *s, size_t n, ShiftPlan **ret) {
        ShiftPlan *v = calloc(MAX(s->n_shifts, (size_t) 1), sizeof(ShiftPlan));
        size_t k = 0;

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < s->count[i]; j++)
                        v[k++] = m->plan->shifts[s->first[i] + j];
        *ret = v;
        return 0;
}

int manager_revise(Manager *m, const char *operator) {
        _cleanup_(manager_changes_done) ManagerChanges c = {};
        _cleanup_(manager_snapshot_done) ManagerSnapshot old = {};
        _cleanup_free_ ShiftPlan *now_shifts = NULL;
        usec_t now = clock_now(&m->clock);
        ssize_t op = roster_find_operator(m->roster, operator), n;
        unsigned violations = m->plan->statutory_violations;
        const size_t *members;
        size_t k = 0;
        int r;

        if (op < 0)
                return 0;       /* not in the roster: nothing of theirs is planned */
        manager_edges_run(m, now - 1);
        n = (ssize_t) planner_coupled_operators(m->roster, m->coverage, op, &members);
        r = manager_snapshot(m, members, n, &old);
        if (r < 0)
                return log_oom();
        n = planner_revise_team(m->plan, m->roster, m->policy, m->coverage, manager_incidents_of,
                                manager_calls_of, m, now, operator, &members);
        if (n < 0) {
                log_warning_errno(n, "Failed to revise the team of %s: %m; re-planning the site.", operator);
                return manager_replan(m);
        }

        for (ssize_t i = 0; i < n; i++) {
                r = manager_diff_operator(m, old.shifts + k, old.count[i], m->plan->shifts + old.first[i],
                                          old.count[i], &c);
                if (r < 0)
                        return log_oom();
                k += old.count[i];
        }
        manager_log_violations(m, violations);

        manager_publish(m, &c, now);
        manager_announce(m, &c);
        for (ssize_t i = 0; i < n; i++)
                manager_edges_revised(m, old.first[i], old.count[i], now);
        if (m->store && m->plan_stored) {
                r = manager_snapshot_now(m, &old, n, &now_shifts);
                if (r < 0)
                        return log_oom();
                r = store_save_shifts(m->store, now, old.shifts, old.n_shifts, now_shifts, old.n_shifts,
                                      m->sequences);
                if (r < 0)
                        log_warning_errno(r, "Failed to store the revision: %m (%s), ignoring",
                                          store_error(m->store));
                m->plan_stored = r >= 0;
        } else
                manager_store_revision(m, NULL);
        manager_notify_status(m);
        return manager_arm_timer(m);
}

/* The first revision: lay out the day as if every past incident had been
 * known when it happened, then revise at now so that the past is frozen and
 * the future follows only what the clock has reached. */
static int manager_first_plan(Manager *m) {
        _cleanup_(incident_list_freep) IncidentList *known = NULL;
        _cleanup_(manager_calls_done) ManagerCalls calls = {};
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
                        r = manager_edges_reset(m, now);
                        if (r < 0)
                                return r;
                        return manager_replan(m);
                }
        }

        r = manager_merge_incidents(m->incidents, NULL, now, &known);
        if (r < 0)
                return log_oom();
        r = manager_calls_known(m, now, &calls);
        if (r < 0)
                return log_oom();
        r = planner_run(m->roster, m->policy, m->coverage, known, &calls.index, NULL, 0, &m->plan);
        if (r < 0)
                return log_error_errno(r, "Failed to plan: %m");
        /* Nothing was announced before: only breaks the revision at now moves
         * are worth a signal, and edges from now on. */
        r = manager_edges_reset(m, now);
        if (r < 0)
                return r;
        return manager_replan(m);
}

/* mkdir -p, the last component with mode. */
static int manager_mkdir_parents(const char *path, mode_t mode) {
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

/* The state directory is for respited alone (0700): the store in it holds
 * incident notes and feed tokens, and the feeds hold notes too. One left
 * with group or other bits (made by an older respited or by hand, when the
 * spool's writers shared respited's group) loses them, and says so. */
static int manager_state_dir_private(const char *path) {
        _cleanup_(closep) int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if ((st.st_mode & 077) == 0)
                return 0;
        if (fchmod(fd, st.st_mode & 07700) < 0)
                return -errno;
        log_warning("The state directory '%s' was mode %04o; it holds incident notes and feed tokens, so it is "
                    "now 0700 (respited's alone).", path, (unsigned) (st.st_mode & 07777));
        return 0;
}

/* The name of the key of team feeds' UIDs among the store's secrets. */
#define MANAGER_FEED_UID_KEY "feed-uid-key"

/* Open the store, apply retention and read back what it keeps. */
static int manager_open_store(Manager *m) {
        _cleanup_free_ char *error = NULL;
        int r;

        if (!m->state_dir) {
                m->reported = incident_list_new();
                return m->reported ? 0 : log_oom();
        }

        r = manager_mkdir_parents(m->state_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create the state directory '%s': %m", m->state_dir);
        r = manager_state_dir_private(m->state_dir);
        if (r < 0)
                return log_error_errno(r, "Failed to make the state directory '%s' respited's alone: %m",
                                       m->state_dir);
        r = store_open(m->state_dir, &m->store, &error);
        if (r < 0 && error)
                return log_error_errno(r, "%s.", error);
        if (r < 0)
                return log_error_errno(r, "Failed to open the store '%s/" STORE_FILE "': %m", m->state_dir);

        (void) manager_purge_incidents(m, false);
        r = store_load_incidents(m->store, &m->reported);
        if (r < 0)
                return log_error_errno(r, "Failed to read the stored incidents: %m (%s)", store_error(m->store));
        r = store_load_sequences(m->store, m->sequences);
        if (r < 0)
                return log_error_errno(r, "Failed to read the stored feed sequences: %m (%s)", store_error(m->store));
        r = manager_load_alerts(m);
        if (r < 0)
                return r;
        r = store_get_secret(m->store, MANAGER_FEED_UID_KEY, sizeof m->feed_uid_key, m->feed_uid_key);
        if (r < 0)
                return log_error_errno(r, "Failed to read the key of team feeds' UIDs: %m (%s)",
                                       store_error(m->store));
        log_info("Store '%s/" STORE_FILE "': %zu reported incidents.", m->state_dir, m->reported->n);
        return 0;
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
        (void) policy_actions_check(&m->policy->actions);
        if (policy_languages_check(m->policy, false) < 0)
                return log_oom();
        r = actions_set_settings(m->actions, &m->policy->actions);
        if (r < 0)
                return log_oom();
        r = subscribers_set_access(m->subscribers, &m->policy->access, geteuid());
        if (r < 0)
                return log_oom();

        if (m->replay_from) {
                usec_t origin;

                r = time_parse_iso8601(m->replay_from, m->policy->timezone, &origin);
                if (r < 0)
                        return log_error_errno(r, "--clock: expected an ISO 8601 instant such as "
                                               "1999-01-04T06:30:00+02:00, got '%s'.", m->replay_from);
                clock_init_replay(&m->clock, origin, m->replay_speed);
                log_info("Replay clock starts at %s, %u times real speed.", m->replay_from, m->replay_speed);
        }

        /* The store first: it says where the queue_logs were left. */
        r = manager_open_store(m);
        if (r < 0)
                return r;
        r = manager_load_sources(m, m->policy, &in);
        if (r < 0)
                return r;
        return manager_swap_inputs(m, NULL, &in);
}

int manager_start(Manager *m) {
        int r;

        manager_start_http(m);
        r = manager_first_plan(m);
        if (r < 0)
                return r;
        /* A spool that cannot be watched (gone, or its failed/ swapped for a
         * link by a writer) leaves the rest serving; a reload tries again. */
        (void) manager_watch_spool(m);
        r = manager_watch_sources(m);
        if (r < 0)
                return r;
        return manager_arm_purge_timer(m);
}

int manager_reload(Manager *m, char **ret_reason) {
        _cleanup_(policy_freep) Policy *policy = NULL;
        _cleanup_(inputs_done) Inputs in = {};
        _cleanup_free_ char *error = NULL;
        const char *reason = NULL;
        int r;

        (void) sd_notifyf(false, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64, now_usec(CLOCK_MONOTONIC));
        log_info("Reloading '%s'.", m->config_path);

        r = policy_load(m->config_path, &policy, &error);
        if (r < 0) {
                log_error("%s", error ?: "Failed to load the policy.");
                log_error("Keeping the running policy.");
                reason = error ?: "the policy could not be loaded";
                goto finish;
        }
        r = manager_load_sources(m, policy, &in);
        if (r < 0) {
                log_error("Keeping the running policy and roster.");
                /* Each file logged its own FILE: what. */
                reason = r == -EIO ? "a roster or call-record file could not be read (the log names it)"
                                   : "the sources could not be read";
                goto finish;
        }
        r = manager_swap_inputs(m, &policy, &in);
        if (r < 0) {
                reason = "the new policy could not be put in place";
                goto finish;
        }
        (void) bus_emit_policy_changed(m);
        r = manager_replan(m);
        (void) manager_watch_spool(m);
        (void) manager_watch_sources(m);

finish:
        /* At once, also when the reload failed: the port may be free now. */
        manager_start_http(m);
        (void) sd_notify(false, "READY=1");
        if (r < 0 && ret_reason && reason)
                *ret_reason = strdup(reason);   /* NULL on ENOMEM: the caller says less */
        return r;
}

int manager_run(Manager *m) {
        int r;

        (void) sd_notify(false, "READY=1");
        r = sd_event_loop(m->event);
        (void) sd_notify(false, "STOPPING=1");
        return r;
}
