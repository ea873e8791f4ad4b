/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manager's lead alerts (respited(8) LEAD ALERTS): raised when an
 * incident calls its team's leads (incident_calls_lead()), sent to the
 * subscribed leads (LeadAlert), escalated to alerts.escalate_to when nobody
 * answered within alerts.escalate_after, answered by AcknowledgeAlert. Each
 * is committed to the store when raised, escalated and answered, and read
 * back on start: an alert survives a restart until answered. */
#include <search.h>
#include <systemd/sd-id128.h>

#include "daemon/bus.h"
#include "daemon/manager-internal.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/reason-words.h"
#include "shared/time-util.h"

/* Log what a lead acts on (an alert sent, escalated, answered) in the
 * site's language (site.language): the translations in the arguments are
 * looked up after the language is set. The rest of respited's log stays
 * English. */
#define MANAGER_ALERTS_SAY(m, level, ...)                                               \
        do {                                                                            \
                char *_saved = NULL;                                                    \
                if (i18n_language_push((m)->policy->language, &_saved) < 0) {          \
                        log_oom();                                                      \
                        break;                                                          \
                }                                                                       \
                log_internal((level), 0, __VA_ARGS__);                                  \
                i18n_language_pop(_saved);                                              \
        } while (false)

/* The category of an alert as MANAGER_ALERTS_SAY() says it, once the
 * site's language is set: in English (or a language respite has no
 * translation in) its name as today, "threat"; in another the site's label
 * there (label_<language>), else the shipped category's words
 * (reason_category_words()), else the label, else the name, as the feeds
 * say it (feed.c): "脅迫的な電話". */
static const char *manager_alert_category(const Manager *m, const char *category) {
        const char *language = m->policy->language, *words;
        const Category *c;

        if (!language || strncmp(language, "en", 2) == 0 || !i18n_language_installed(language))
                return category;
        c = policy_find_category(m->policy, category);
        words = c ? translations_get(&c->labels, language, NULL) : NULL;
        return words ?: reason_category_words(category) ?: (c && c->label ? _(c->label) : category);
}

static int manager_alert_id_compare(const void *a, const void *b) {
        return strcmp(((const Alert *) a)->id, ((const Alert *) b)->id);
}

static int manager_alert_incident_compare(const void *a, const void *b) {
        return strcmp(((const Alert *) a)->incident_id, ((const Alert *) b)->incident_id);
}

static void manager_alert_noop(void *p) {
}

void manager_alerts_done(Manager *m) {
        tdestroy(m->alerts_by_id, manager_alert_noop);
        tdestroy(m->alerts_by_incident, manager_alert_noop);
        m->alerts_by_id = m->alerts_by_incident = NULL;
        for (size_t i = 0; i < m->n_alerts; i++)
                alert_free(m->alerts[i]);
        m->alerts = mfree(m->alerts);
        m->n_alerts = m->next_escalation = m->alerts_unanswered = 0;
}

/* Keep a, raised after every alert kept: appended, indexed. Takes a over
 * on success. Returns 0 or -ENOMEM. */
static int manager_keep_alert(Manager *m, Alert *a) {
        int r = array_grow((void **) &m->alerts, m->n_alerts, sizeof(Alert *));

        if (r < 0)
                return r;
        if (!tsearch(a, &m->alerts_by_id, manager_alert_id_compare))
                return -ENOMEM;
        if (!tsearch(a, &m->alerts_by_incident, manager_alert_incident_compare)) {
                tdelete(a, &m->alerts_by_id, manager_alert_id_compare);
                return -ENOMEM;
        }
        m->alerts[m->n_alerts++] = a;
        m->alerts_unanswered += a->acknowledged == 0;
        return 0;
}

const Alert *manager_find_alert(const Manager *m, const char *id) {
        void **node = tfind(&(Alert) { .id = (char *) id }, &m->alerts_by_id, manager_alert_id_compare);

        return node ? *(Alert **) node : NULL;
}

const Alert *manager_alert_of_incident(const Manager *m, const char *incident_id) {
        void **node = tfind(&(Alert) { .incident_id = (char *) incident_id }, &m->alerts_by_incident,
                            manager_alert_incident_compare);

        return node ? *(Alert **) node : NULL;
}

/* Whether a still waits for an escalation. */
static bool manager_alert_pending(const Alert *a) {
        return a->acknowledged == 0 && a->escalated == 0;
}

/* Move the cursor past alerts that wait for no escalation any more. */
static void manager_alerts_advance(Manager *m) {
        while (m->next_escalation < m->n_alerts && !manager_alert_pending(m->alerts[m->next_escalation]))
                m->next_escalation++;
}

static int manager_load_alert(Alert *a, void *userdata) {
        Manager *m = userdata;
        int r;

        r = manager_keep_alert(m, a);
        if (r < 0)
                alert_free(a);
        return r;
}

int manager_load_alerts(Manager *m) {
        int r;

        manager_alerts_done(m);
        if (!m->store)
                return 0;
        r = store_foreach_alert(m->store, manager_load_alert, m);
        if (r < 0)
                return log_error_errno(r, "Failed to read the lead alerts: %m (%s)", store_error(m->store));
        manager_alerts_advance(m);
        if (m->alerts_unanswered > 0)
                MANAGER_ALERTS_SAY(m, LOG_NOTICE, P_("%zu lead alert is still unanswered.",
                                                     "%zu lead alerts are still unanswered.", m->alerts_unanswered),
                                   m->alerts_unanswered);
        return 0;
}

const Break *manager_incident_recovery(const Manager *m, const Incident *inc) {
        _cleanup_free_ const Break **breaks = NULL;
        _cleanup_free_ char *uid = NULL;
        ssize_t n;

        if (!m->plan || asprintf(&uid, "%s-recovery-%s", inc->operator, inc->id) < 0)
                return NULL;
        n = plan_operator_breaks(m->plan, inc->operator, inc->when, USEC_INFINITY, &breaks);
        for (ssize_t i = 0; i < n; i++)
                if (streq(breaks[i]->uid, uid) || streq_ptr(breaks[i]->recovery_uid, uid))
                        return breaks[i];
        return NULL;
}

/* Escalate a now: stored, LeadAlert to access.escalate_to. Returns how
 * many subscribers it was sent to. */
static int manager_alert_escalate(Manager *m, Alert *a, usec_t now) {
        int r;

        a->escalated = now;
        if (m->store) {
                r = store_update_alert(m->store, a);
                if (r < 0)
                        log_warning_errno(r, "Failed to store the escalation of alert %s: %m (%s), escalating anyway",
                                          a->id, store_error(m->store));
        }
        return MAX(bus_emit_lead_alert(m, a, AUDIENCE_ESCALATION), 0);
}

void manager_alert_incident(Manager *m, const Incident *inc) {
        const Category *c = policy_find_category(m->policy, inc->category);
        _cleanup_(alert_freep) Alert *a = NULL;
        char id[SD_ID128_STRING_MAX];
        usec_t now = clock_now(&m->clock);
        ssize_t k = roster_find_operator(m->roster, inc->operator);
        const Break *recovery;
        sd_id128_t uuid;
        Alert *kept;
        int r, n;

        if (!c || k < 0 || !incident_calls_lead(inc, manager_incidents_of(inc->operator, m), c) ||
            manager_alert_of_incident(m, inc->id))
                return;

        r = sd_id128_randomize(&uuid);
        if (r < 0) {
                log_error_errno(r, "Failed to make an alert id: %m");
                return;
        }
        a = calloc(1, sizeof(Alert));
        if (!a || !(a->id = strdup(sd_id128_to_string(uuid, id))) || !(a->incident_id = strdup(inc->id)) ||
            !(a->operator = strdup(inc->operator)) || !(a->category = strdup(inc->category)) ||
            strdup_to(&a->team, m->roster->operators[k].team) < 0) {
                log_oom();
                return;
        }
        a->when = inc->when;
        a->raised = now;
        recovery = manager_incident_recovery(m, inc);
        if (recovery) {
                a->recovery_start = recovery->start;
                a->recovery_end = recovery->end;
        }

        /* On disk before anyone is told, so that it survives a restart;
         * when the store fails, telling the leads still matters more. */
        if (m->store) {
                r = store_add_alert(m->store, a);
                if (r < 0)
                        log_error_errno(r, "Failed to store the lead alert for incident %s: %m (%s); telling the "
                                        "leads anyway, but a restart will forget it.", inc->id,
                                        store_error(m->store));
        }
        r = manager_keep_alert(m, a);
        if (r < 0) {
                log_oom();
                return;
        }
        kept = TAKE_PTR(a);

        n = bus_emit_lead_alert(m, kept, AUDIENCE_LEADS);
        if (n > 0) {
                MANAGER_ALERTS_SAY(m, LOG_NOTICE,
                                   P_("%s: %s incident %s: lead alert %s sent to %d subscriber (the leads of team "
                                      "%s, root).",
                                      "%s: %s incident %s: lead alert %s sent to %d subscribers (the leads of team "
                                      "%s, root).", n),
                                   kept->operator, manager_alert_category(m, kept->category), kept->incident_id,
                                   kept->id, n, kept->team ?: "-");
                (void) manager_arm_timer(m);
                return;
        }
        /* Nobody of the team hears it: waiting escalate_after would leave
         * the operator alone with it all that time. */
        n = manager_alert_escalate(m, kept, now);
        manager_alerts_advance(m);
        if (n == 0)
                MANAGER_ALERTS_SAY(m, LOG_WARNING,
                                   _("%s: %s incident %s: lead alert %s raised, but nobody hears it: no lead of "
                                     "team %s and no one of alerts.escalate_to is listening. It waits, "
                                     "unanswered, for a lead: `respitectl alerts` lists it."),
                                   kept->operator, manager_alert_category(m, kept->category), kept->incident_id,
                                   kept->id, kept->team ?: "-");
        else
                MANAGER_ALERTS_SAY(m, LOG_WARNING,
                                   P_("%s: %s incident %s: lead alert %s raised, but no lead of team %s is "
                                      "listening: escalated at once to %d subscriber.",
                                      "%s: %s incident %s: lead alert %s raised, but no lead of team %s is "
                                      "listening: escalated at once to %d subscribers.", n),
                                   kept->operator, manager_alert_category(m, kept->category), kept->incident_id,
                                   kept->id, kept->team ?: "-", n);
}

usec_t manager_alerts_next(const Manager *m) {
        if (m->next_escalation >= m->n_alerts)
                return USEC_INFINITY;
        return m->alerts[m->next_escalation]->raised + m->policy->alerts.escalate_after;
}

void manager_alerts_escalate(Manager *m, usec_t now) {
        for (; m->next_escalation < m->n_alerts; m->next_escalation++) {
                Alert *a = m->alerts[m->next_escalation];
                char d[DURATION_MAX];
                int n;

                if (!manager_alert_pending(a))
                        continue;
                if (a->raised + m->policy->alerts.escalate_after > now)
                        break;
                n = manager_alert_escalate(m, a, now);
                MANAGER_ALERTS_SAY(m, LOG_WARNING,
                                   P_("%s: lead alert %s (%s) unanswered after %s: escalated to %d subscriber.",
                                      "%s: lead alert %s (%s) unanswered after %s: escalated to %d subscribers.", n),
                                   a->operator, a->id, manager_alert_category(m, a->category),
                                   duration_format_words(m->policy->alerts.escalate_after, d), n);
        }
}

int manager_acknowledge_alert(Manager *m, const char *id, const char *by, const char *note) {
        Alert *a = (Alert *) manager_find_alert(m, id);
        Alert saved;
        int r;

        if (!a)
                return -ENOENT;
        if (a->acknowledged != 0)
                return -EALREADY;
        if (note && strlen(note) > INCIDENT_NOTE_MAX)
                return -E2BIG;

        saved = *a;
        a->acknowledged = clock_now(&m->clock);
        a->acknowledged_by = strdup(by);
        a->note = isempty(note) ? NULL : strdup(note);
        if (!a->acknowledged_by || (!isempty(note) && !a->note)) {
                free(a->acknowledged_by);
                free(a->note);
                *a = saved;
                return -ENOMEM;
        }
        if (m->store) {
                r = store_update_alert(m->store, a);
                if (r < 0) {
                        log_error_errno(r, "Failed to store the answer to alert %s: %m (%s)", id,
                                        store_error(m->store));
                        free(a->acknowledged_by);
                        free(a->note);
                        *a = saved;
                        return r;
                }
        }
        m->alerts_unanswered--;
        MANAGER_ALERTS_SAY(m, LOG_NOTICE, _("%s: lead alert %s (%s) acknowledged by %s."), a->operator, a->id,
                           manager_alert_category(m, a->category), by);
        (void) bus_emit_alert_acknowledged(m, a);
        manager_alerts_advance(m);
        (void) manager_arm_timer(m);
        return 0;
}
