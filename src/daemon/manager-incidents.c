/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manager's incidents: those reported over the bus and through the
 * spool, committed to the store before they are acknowledged, merged with
 * those found in call records, and purged when retention says so. */
#include <search.h>
#include <systemd/sd-id128.h>

#include "daemon/manager-internal.h"
#include "daemon/spool.h"
#include "shared/escape.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* The incidents of one operator, a copy of theirs in m->incidents. */
typedef struct ManagerOperatorIncidents {
        char *operator;
        IncidentList *list;
} ManagerOperatorIncidents;

static int manager_operator_incidents_compare(const void *a, const void *b) {
        return strcmp(((const ManagerOperatorIncidents *) a)->operator,
                      ((const ManagerOperatorIncidents *) b)->operator);
}

static void manager_operator_incidents_free(void *p) {
        ManagerOperatorIncidents *e = p;

        free(e->operator);
        incident_list_free(e->list);
        free(e);
}

void manager_incidents_done(Manager *m) {
        tdestroy(m->incidents_by_operator, manager_operator_incidents_free);
        m->incidents_by_operator = NULL;
}

/* The list of operator in the index, or NULL. */
static IncidentList *manager_find_operator_list(const Manager *m, const char *operator) {
        ManagerOperatorIncidents key = { .operator = (char *) operator };
        void **node = tfind(&key, &m->incidents_by_operator, manager_operator_incidents_compare);

        return node ? (*(ManagerOperatorIncidents **) node)->list : NULL;
}

/* The list of operator in the index, added when new; NULL on OOM. */
static IncidentList *manager_operator_list(Manager *m, const char *operator) {
        IncidentList *l = manager_find_operator_list(m, operator);
        ManagerOperatorIncidents *e;

        if (l)
                return l;
        e = calloc(1, sizeof(ManagerOperatorIncidents));
        if (!e || !(e->operator = strdup(operator)) || !(e->list = incident_list_new()) ||
            !tsearch(e, &m->incidents_by_operator, manager_operator_incidents_compare)) {
                if (e)
                        manager_operator_incidents_free(e);
                return NULL;
        }
        return e->list;
}

const IncidentList *manager_incidents_of(const char *operator, void *userdata) {
        static const IncidentList none = {};
        const IncidentList *l = manager_find_operator_list(userdata, operator);

        return l ?: &none;
}

int manager_index_incidents(Manager *m) {
        manager_incidents_done(m);
        for (size_t i = 0; i < m->incidents->n; i++) {
                IncidentList *l = manager_operator_list(m, m->incidents->items[i].operator);

                /* In list order: appending keeps each operator's sorted. */
                if (!l || incident_list_append(l, &m->incidents->items[i]) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int manager_add_incident(Manager *m, const Incident *inc) {
        IncidentList *l = manager_operator_list(m, inc->operator);
        int r;

        if (!l)
                return -ENOMEM;
        r = incident_list_add(m->incidents, inc);
        if (r < 0)
                return r;
        r = incident_list_add(l, inc);
        if (r < 0)
                (void) incident_list_remove(m->incidents, inc);
        return r;
}

void manager_remove_incident(Manager *m, const Incident *inc) {
        IncidentList *l = manager_find_operator_list(m, inc->operator);

        (void) incident_list_remove(m->incidents, inc);
        if (l)
                (void) incident_list_remove(l, inc);
}

int manager_merge_incidents(const IncidentList *a, const IncidentList *b, usec_t until, IncidentList **ret) {
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

/* What retention deletes: what is older than retention both by now and by
 * the newest stored incident, so that a clock that jumped ahead (a wrong
 * RTC at boot, a bad NTP answer) deletes nothing that a right one would
 * keep. Warns when the clock alone would have deleted every stored
 * incident. Returns the instant before which to purge (0: nothing). */
static usec_t manager_purge_before(Manager *m, usec_t now, usec_t keep) {
        char at[ISO8601_MAX], newest_at[ISO8601_MAX];
        usec_t newest;
        int r;

        r = store_newest_incident(m->store, &newest);
        if (r < 0) {
                log_warning_errno(r, "Failed to find the newest stored incident: %m (%s); not purging.",
                                  store_error(m->store));
                return 0;
        }
        if (newest == 0 || newest >= now)
                return now > keep ? now - keep : 0;
        if (now - newest > keep)
                log_warning("The clock (%s) lies %" PRIu64 " days after the newest stored incident (%s), more than "
                            "the %u days of retention: if it jumped, fix it; purging only incidents %u days older "
                            "than that one.", time_format_clock(now, "UTC", true, at), (now - newest) / USEC_PER_DAY,
                            time_format_clock(newest, "UTC", true, newest_at), m->policy->incidents.retention_days,
                            m->policy->incidents.retention_days);
        return newest > keep ? newest - keep : 0;
}

int manager_purge_incidents(Manager *m, bool reload) {
        _cleanup_(incident_list_freep) IncidentList *reported = NULL, *incidents = NULL;
        usec_t now = clock_now(&m->clock), keep = (usec_t) m->policy->incidents.retention_days * USEC_PER_DAY;
        unsigned deleted;
        int r;

        /* A replay's clock says nothing of today: deleting by it would
         * take the real incidents of the days it runs ahead of. */
        if (m->clock.replay && !m->replay_purge) {
                log_info("Replay clock: retention not applied (respited --purge applies it).");
                return 0;
        }
        r = store_purge(m->store, manager_purge_before(m, now, keep), &deleted);
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
        r = manager_merge_incidents(m->detected, reported, USEC_INFINITY, &incidents);
        if (r < 0)
                return log_oom();
        incident_list_free(m->reported);
        m->reported = TAKE_PTR(reported);
        incident_list_free(m->incidents);
        m->incidents = TAKE_PTR(incidents);
        if (manager_index_incidents(m) < 0)
                return log_oom();
        return manager_load_alerts(m);
}

static int manager_on_purge_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) manager_purge_incidents(m, true);
        (void) sd_event_source_set_time_relative(s, USEC_PER_DAY);
        (void) sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        return 0;
}

int manager_arm_purge_timer(Manager *m) {
        int r;

        if (!m->store)
                return 0;
        r = sd_event_add_time_relative(m->event, &m->purge_timer, CLOCK_BOOTTIME, USEC_PER_DAY, USEC_PER_HOUR,
                                       manager_on_purge_timer, m);
        if (r < 0)
                return log_error_errno(r, "Failed to arm the retention timer: %m");
        return 0;
}

/* Keep reported incidents unique by id in memory, as the store does. */
static int manager_add_reported(Manager *m, const Incident *inc) {
        int r;

        for (size_t i = 0; i < m->reported->n; i++)
                if (streq(m->reported->items[i].id, inc->id))
                        return 0;
        r = incident_list_add(m->reported, inc);
        if (r < 0)
                return r;
        return manager_add_incident(m, inc);
}

/* Revise the team of each operator of l once, however many incidents they
 * have there. Returns 0 or -ENOMEM. */
static int manager_revise_operators(Manager *m, const IncidentList *l) {
        _cleanup_free_ const char **ops = calloc(MAX(l->n, (size_t) 1), sizeof(char *));

        if (!ops)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++)
                ops[i] = l->items[i].operator;
        qsort(ops, l->n, sizeof(char *), strptr_compare);
        for (size_t i = 0; i < l->n; i++)
                if (i == 0 || !streq(ops[i - 1], ops[i]))
                        (void) manager_revise(m, ops[i]);
        return 0;
}

/* A file renamed into the spool: check its lines, commit the good ones
 * together with a record of the file, re-plan, then move it out. A file
 * already committed before a crash is only moved; a refused one (not a
 * regular file, …: spool_file_read()) goes to failed/ unread. A store that
 * is locked or full leaves the file where it is and asks for another try. */
static int manager_on_spool_file(const SpoolDir *d, const char *name, void *userdata) {
        _cleanup_(spool_file_done) SpoolFile f = {};
        Manager *m = userdata;
        bool pending = false;
        int r;

        r = spool_file_read(d, name, m->policy, m->roster, clock_now(&m->clock), &f);
        if (r == -ENOENT)
                return 0;       /* renamed away again */
        if (r < 0)
                return log_warning_errno(r, "Failed to read spool file '%s/%s': %m, skipping", d->path,
                                         ESCAPED(name));

        if (f.refused)
                log_warning("Spool file '%s/%s' refused, moving it to " SPOOL_FAILED "/: %s", d->path, ESCAPED(name),
                            cescape_log_n(f.reasons, strcspn(f.reasons, "\n"), (char[CESCAPE_LOG_MAX]) {}));
        else {
                r = store_spool_pending(m->store, f.name, f.hash, &pending);
                if (r < 0) {
                        log_warning_errno(r, "Failed to look up spool file '%s': %m (%s); trying again later.",
                                          ESCAPED(name), store_error(m->store));
                        return SPOOL_RETRY;
                }
        }

        if (pending)
                log_info("Spool file '%s' was taken before a restart; moving it.", ESCAPED(name));
        else if (!f.refused) {
                r = store_spool_ingest(m->store, f.name, f.hash, f.good, f.n_bad);
                if (r < 0) {
                        log_warning_errno(r, "Failed to store the incidents of spool file '%s': %m (%s); "
                                          "trying again later.", ESCAPED(name), store_error(m->store));
                        return SPOOL_RETRY;
                }
                for (size_t i = 0; i < f.good->n; i++) {
                        r = manager_add_reported(m, &f.good->items[i]);
                        if (r < 0)
                                return log_oom();
                }
                log_info("Spool file '%s': %zu incidents taken%s.", ESCAPED(name), f.good->n,
                         f.n_bad > 0 ? ", some lines bad" : "");
                r = manager_revise_operators(m, f.good);
                if (r < 0)
                        return log_oom();
                for (size_t i = 0; i < f.good->n; i++)
                        manager_alert_incident(m, &f.good->items[i]);
        }

        /* The first reason only, quoted: the rest are in failed/. */
        if (f.n_bad > 0 && !f.refused)
                log_warning("Spool file '%s' has %u bad line%s, see %s/" SPOOL_FAILED "/; the first: %s", ESCAPED(name),
                            f.n_bad, f.n_bad == 1 ? "" : "s", d->path,
                            cescape_log_n(f.reasons, strcspn(f.reasons, "\n"), (char[CESCAPE_LOG_MAX]) {}));
        r = spool_file_finish(d, &f);
        if (r < 0)
                return log_error_errno(r, "Failed to move spool file '%s/%s': %m", d->path, ESCAPED(name));
        if (f.refused)
                return 0;
        r = store_spool_done(m->store, f.name, f.hash);
        if (r < 0)
                return log_warning_errno(r, "Failed to mark spool file '%s' done: %m (%s), ignoring", ESCAPED(name),
                                         store_error(m->store));
        return 0;
}

int manager_watch_spool(Manager *m) {
        const char *dir = m->policy->incidents.spool;
        int r;

        if (!m->store || streq_ptr(dir, m->spool_dir))
                return 0;
        m->spool = sd_event_source_disable_unref(m->spool);
        free(m->spool_dir);
        m->spool_dir = NULL;
        if (!dir)
                return 0;

        r = spool_watch(m->event, dir, manager_on_spool_file, m, &m->spool);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the spool directory '%s': %m%s", dir,
                                       r == -ELOOP || r == -ENOTDIR ?
                                       " (its " SPOOL_PROCESSED "/ and " SPOOL_FAILED "/ must be directories, "
                                       "not symbolic links)" : "");
        log_info("Watching the spool directory '%s'.", dir);
        return strdup_to(&m->spool_dir, dir) < 0 ? log_oom() : 0;
}

/* manager_report_incident(), committed with uid's key when key is set. */
static int manager_report(Manager *m, uid_t uid, const char *key, const char *operator, const char *category,
                          usec_t when, const char *note, char **ret_id) {
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
                .source = (char *) "bus",
        };
        r = incident_check(&inc, m->roster, m->policy, now);
        if (r < 0)
                return r;
        /* A store locked by another process: refused at once, before
         * anything is published or has to be taken back. */
        if (m->store) {
                r = store_probe_write(m->store);
                if (r < 0)
                        return log_warning_errno(r, "Refused an incident of %s: %s.", operator,
                                                 store_error(m->store));
        }

        r = sd_id128_randomize(&uuid);
        if (r < 0)
                return r;
        sd_id128_to_string(uuid, id);
        /* A new random id: no need to look for it among those known. */
        r = incident_list_add(m->reported, &inc);
        if (r >= 0)
                r = manager_add_incident(m, &inc);
        if (r < 0) {
                (void) incident_list_remove(m->reported, &inc);
                return r;
        }

        /* The break it earns is published (feeds, BreakScheduled) before the
         * commit and its fsync, but the caller hears back only once the
         * incident is on disk; when it cannot be committed, it is taken
         * back and the break with it. */
        (void) manager_revise(m, operator);
        if (m->store) {
                r = key ? store_add_incident_keyed(m->store, &inc, "bus", uid, key)
                        : store_add_incident(m->store, &inc, "bus");
                if (r < 0) {
                        log_error_errno(r, "Failed to store incident %s: %m (%s); taking it back.", id,
                                        store_error(m->store));
                        (void) incident_list_remove(m->reported, &inc);
                        manager_remove_incident(m, &inc);
                        (void) manager_revise(m, operator);
                        return r;
                }
        }
        log_info("%s: incident %s (%s) reported.", operator, id, category);
        manager_alert_incident(m, &inc);

        *ret_id = strdup(id);
        return *ret_id ? 0 : -ENOMEM;
}

int manager_report_incident(Manager *m, const char *operator, const char *category, usec_t when,
                            const char *note, char **ret_id) {
        return manager_report(m, 0, NULL, operator, category, when, note, ret_id);
}

bool manager_incident_key_is_valid(const char *key) {
        size_t n = strlen(key);

        if (n == 0 || n > MANAGER_INCIDENT_KEY_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if (key[i] < 0x21 || key[i] > 0x7e)
                        return false;
        return true;
}

/* The reported incident called id, or NULL. */
static const Incident *manager_find_reported(const Manager *m, const char *id) {
        for (size_t i = 0; i < m->reported->n; i++)
                if (streq(m->reported->items[i].id, id))
                        return &m->reported->items[i];
        return NULL;
}

int manager_report_incident_keyed(Manager *m, uid_t uid, const char *key, const char *operator,
                                  const char *category, usec_t when, const char *note, char **ret_id) {
        _cleanup_free_ char *id = NULL;
        const Incident *inc;
        int r;

        if (!m->store)
                return -EOPNOTSUPP;
        r = store_find_incident_key(m->store, uid, key, &id);
        if (r == -ENOENT)
                return manager_report(m, uid, key, operator, category, when, note, ret_id);
        if (r < 0)
                return log_error_errno(r, "Failed to look up an incident's key: %m (%s)", store_error(m->store));

        /* A retry: the same incident, unless the key was used for another. */
        inc = manager_find_reported(m, id);
        *ret_id = TAKE_PTR(id);
        if (inc && (!streq(inc->operator, operator) || !streq(inc->category, category)))
                return -EEXIST;
        log_info("%s: incident %s reported again with its key; not stored twice.", inc ? inc->operator : "?",
                 *ret_id);
        return 0;
}
