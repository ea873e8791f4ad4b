/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manager: respited's context and its one event loop. It loads the
 * policy and the inputs, starts, reloads, revises the plan whenever
 * something changes (manager_replan(): plan, then publish what changed) and
 * arms the timers for what happens by itself. Sources, publishing and
 * incidents have files of their own: manager-sources.c,
 * manager-publish.c, manager-incidents.c. */
#include <signal.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "daemon/bus.h"
#include "daemon/manager-internal.h"
#include "shared/log.h"
#include "shared/time-util.h"

static int manager_on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) manager_reload(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        sd_event_source_unref(m->timer);
        sd_event_source_unref(m->spool);
        manager_sources_done(m);
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
        r = sd_event_add_signal(m->event, NULL, SIGHUP, manager_on_signal, m);
        if (r < 0)
                return r;

        r = sd_event_set_watchdog(m->event, true);
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
                (void) manager_ensure_feed_tokens(m);
        return 0;
}

/* The next instant something happens by itself: a break edge, or a call
 * record the clock has not reached yet. */
static usec_t manager_next_wakeup(const Manager *m, usec_t now) {
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

static int manager_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) manager_replan(m);
        return 0;
}

static int manager_arm_timer(Manager *m, usec_t now) {
        usec_t next = manager_next_wakeup(m, now);
        int r;

        if (next == USEC_INFINITY)
                return m->timer ? sd_event_source_set_enabled(m->timer, SD_EVENT_OFF) : 0;

        if (!m->timer) {
                r = sd_event_add_time(m->event, &m->timer, clock_timer_id(&m->clock),
                                      clock_timer_deadline(&m->clock, next), 1, manager_on_timer, m);
                if (r < 0)
                        return log_error_errno(r, "Failed to arm timer: %m");
                return 0;
        }
        r = sd_event_source_set_time(m->timer, clock_timer_deadline(&m->clock, next));
        if (r < 0)
                return log_error_errno(r, "Failed to arm timer: %m");
        return sd_event_source_set_enabled(m->timer, SD_EVENT_ONESHOT);
}

static void manager_notify_status(const Manager *m) {
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
static void manager_store_revision(Manager *m, const Plan *old) {
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
        r = manager_diff_plans(m, m->plan, new, &changed);
        if (r < 0)
                return log_oom();
        if (new->statutory_violations > 0 &&
            (!m->plan || m->plan->statutory_violations != new->statutory_violations))
                log_warning("%u shifts cannot hold their statutory breaks.", new->statutory_violations);

        old = TAKE_PTR(m->plan);
        m->plan = TAKE_PTR(new);

        /* Feeds first, so that a client woken by a signal reads the new day. */
        (void) manager_publish_feeds(m);
        manager_store_revision(m, old);
        for (char **o = changed; o && *o; o++)
                (void) bus_emit_schedule_changed(m, *o);
        manager_emit_edges(m, now);
        manager_notify_status(m);
        return manager_arm_timer(m, now);
}

/* The first revision: lay out the day as if every past incident had been
 * known when it happened, then revise at now so that the past is frozen and
 * the future follows only what the clock has reached. */
static int manager_first_plan(Manager *m) {
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

        r = manager_merge_incidents(m->incidents, NULL, now, &known);
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

/* Open the store, apply retention and read back what it keeps. */
static int manager_open_store(Manager *m) {
        int r;

        if (!m->state_dir) {
                m->reported = incident_list_new();
                return m->reported ? 0 : log_oom();
        }

        r = manager_mkdir_parents(m->state_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create the state directory '%s': %m", m->state_dir);
        r = store_open(m->state_dir, &m->store);
        if (r == -EPROTONOSUPPORT)
                return log_error_errno(r, "%s/" STORE_FILE " comes from a newer respite (schema above version %d); "
                                       "not touching it.", m->state_dir, STORE_SCHEMA_VERSION);
        if (r < 0)
                return log_error_errno(r, "Failed to open the store '%s/" STORE_FILE "': %m", m->state_dir);

        (void) manager_purge_incidents(m, false);
        r = store_load_incidents(m->store, &m->reported);
        if (r < 0)
                return log_error_errno(r, "Failed to read the stored incidents: %m (%s)", store_error(m->store));
        r = store_load_sequences(m->store, m->sequences);
        if (r < 0)
                return log_error_errno(r, "Failed to read the stored feed sequences: %m (%s)", store_error(m->store));
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

        if (m->replay_from) {
                usec_t origin;

                r = time_parse_iso8601(m->replay_from, m->policy->timezone, &origin);
                if (r < 0)
                        return log_error_errno(r, "--clock: expected an ISO 8601 instant such as "
                                               "1999-01-04T06:30:00+02:00, got '%s'.", m->replay_from);
                clock_init_replay(&m->clock, origin, m->replay_speed);
                log_info("Replay clock starts at %s, %u times real speed.", m->replay_from, m->replay_speed);
        }

        r = manager_load_sources(m, m->policy, &in);
        if (r < 0)
                return r;
        r = manager_open_store(m);
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
        r = manager_watch_spool(m);
        if (r < 0)
                return r;
        r = manager_watch_sources(m);
        if (r < 0)
                return r;
        return manager_arm_purge_timer(m);
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
        r = manager_load_sources(m, policy, &in);
        if (r < 0) {
                log_error("Keeping the running policy and roster.");
                goto finish;
        }
        r = manager_swap_inputs(m, &policy, &in);
        if (r < 0)
                goto finish;
        (void) bus_emit_policy_changed(m);
        r = manager_replan(m);
        (void) manager_watch_spool(m);
        (void) manager_watch_sources(m);

finish:
        (void) sd_notify(false, "READY=1");
        return r;
}

int manager_run(Manager *m) {
        int r;

        (void) sd_notify(false, "READY=1");
        r = sd_event_loop(m->event);
        (void) sd_notify(false, "STOPPING=1");
        return r;
}
