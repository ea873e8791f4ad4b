/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bus's incidents and lead alerts: ReportIncident,
 * ReportIncidentWithId, ListIncidents, ListIncidentsPage, GetIncidentRecord,
 * GetIncidentRecordPage, ListAlerts, AcknowledgeAlert (respited(8)). */
#include <ctype.h>
#include <pwd.h>

#include "daemon/bus-internal.h"
#include "daemon/manager-internal.h"
#include "shared/escape.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* Pages of incidents (ListIncidentsPage, GetIncidentRecordPage): at most
 * BUS_PAGE_MAX rows, and no more than BUS_REPLY_MAX bytes. A cursor is
 * "WHEN_USEC:ID" of the last incident of a page: the next page begins after
 * it in the order of the list (time, then id), so that incidents added or
 * purged meanwhile neither repeat nor shift the pages. */
#define BUS_PAGE_MAX 1000U

static int bus_cursor_format(const Incident *last, char **ret) {
        return asprintf(ret, "%" PRIu64 ":%s", (uint64_t) last->when, last->id) < 0 ? -ENOMEM : 0;
}

/* The index in l of the first incident after cursor ("" = l's first at or
 * after from), or -EINVAL for a cursor no page gave. */
static int bus_cursor_parse(const IncidentList *l, const char *cursor, usec_t from, size_t *ret) {
        unsigned long long when;
        const char *id;
        char *end;
        size_t i;

        if (isempty(cursor)) {
                *ret = incident_list_first_at(l, from);
                return 0;
        }
        errno = 0;
        when = strtoull(cursor, &end, 10);
        if (errno != 0 || end == cursor || *end != ':' || !isdigit((unsigned char) cursor[0]))
                return -EINVAL;
        id = end + 1;
        i = incident_list_first_at(l, MAX((usec_t) when, from));
        while (i < l->n && l->items[i].when == when && strcmp(l->items[i].id, id) <= 0)
                i++;
        *ret = i;
        return 0;
}

/* The limit of a page: 0 or over BUS_PAGE_MAX is BUS_PAGE_MAX. */
static unsigned bus_page_limit(uint32_t limit) {
        return limit == 0 || limit > BUS_PAGE_MAX ? BUS_PAGE_MAX : limit;
}

/* Close the array of a page opened with bus_open_array(), append its
 * next_cursor (after last when more follow, else ""), send it. */
static int bus_send_page(sd_bus_message *reply, const Incident *last, bool more) {
        _cleanup_free_ char *cursor = NULL;
        int r;

        if (more) {
                r = bus_cursor_format(last, &cursor);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        r = sd_bus_message_append(reply, "s", cursor ?: "");
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* The reply to ReportIncident() or ReportIncidentWithId() of operator and
 * category, whose manager call returned r (and id). */
static int bus_reply_report(sd_bus_message *msg, const Manager *m, int r, const char *operator,
                            const char *category, const char *id, sd_bus_error *error) {
        switch (r) {
        case -ENXIO:
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_OPERATOR,
                                         "No such operator '%.*s%s' in the roster.", BUS_QUOTE(operator));
        case -ENOKEY: {
                _cleanup_free_ char *known = policy_category_names(m->policy);

                if (!known)
                        return -ENOMEM;
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_CATEGORY,
                                         "No such category '%.*s%s'; known categories: %s.", BUS_QUOTE(category),
                                         known);
        }
        case -EDOM:
        case -ESTALE:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "The incident's time must lie within the last %u days and not in the future.",
                                         (unsigned) (INCIDENT_PAST_LIMIT / USEC_PER_DAY));
        case -E2BIG:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "The note is longer than %d bytes.", INCIDENT_NOTE_MAX);
        case -EEXIST:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "This client_id was given before for incident %s, of another operator or "
                                         "category; a retry must repeat them.", id);
        case -EOPNOTSUPP:
                return sd_bus_error_setf(error, SD_BUS_ERROR_NOT_SUPPORTED,
                                         "This respited keeps no store, so no client_id.");
        case -EBUSY:
                return sd_bus_error_setf(error, BUS_ERROR_STORE_BUSY,
                                         "The incident was not recorded: another process holds the lock on "
                                         "%s/" STORE_FILE " (`fuser %s/" STORE_FILE "` names it); report it again.",
                                         m->state_dir, m->state_dir);
        default:
                if (r < 0)
                        return r;
        }
        return sd_bus_reply_method_return(msg, "s", id);
}

/* ReportIncident(s operator, s category, t when_usec, s note) → (s incident_id)
 * when_usec: UTC microseconds, 0 = now. The incident is committed to the
 * store and planned for (and the signals and feeds it causes are out) before
 * the reply is sent. Allowed for the operator's own user, a lead of their
 * team, integrations (access.integrations), root and the daemon's user.
 * A caller whose call timed out cannot tell whether it was stored: retrying
 * it may store it twice; ReportIncidentWithId() may be retried safely.
 * Errors: org.freedesktop.DBus.Error.AccessDenied, Error.UnknownOperator, Error.UnknownCategory,
 * org.freedesktop.DBus.Error.InvalidArgs (a time more than a minute ahead or 7 days back, a
 * note over 4096 bytes: incident_check()), Error.StoreBusy (another process
 * holds the lock on the store for more than STORE_BUSY_TIMEOUT_MS, 50 ms:
 * the incident is not recorded, its break taken back, and the caller
 * reports it again; the message names the file and `fuser FILE`, which
 * finds the process). respited never waits longer for the store, so that
 * the bus, the feeds and the break timers run on meanwhile; nothing is
 * acknowledged that is not on disk. */
int bus_method_report_incident(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *operator, *category, *note;
        _cleanup_free_ char *id = NULL;
        uint64_t when;
        int r;

        r = sd_bus_message_read(msg, "ssts", &operator, &category, &when, &note);
        if (r < 0)
                return r;
        r = bus_check_access_as(msg, m, operator, true, "report incidents for", error);
        if (r < 0)
                return r;

        r = manager_report_incident(m, operator, category, when, note, &id);
        return bus_reply_report(msg, m, r, operator, category, id, error);
}

/* ReportIncidentWithId(s client_id, s operator, s category, t when_usec, s note) → (s incident_id)
 * ReportIncident() with an idempotency key: client_id, 1 to 128 bytes of
 * printable ASCII without space (a UUID the caller made, its ACD's call
 * id), names the incident for the calling Unix user. The first call stores
 * the incident and the key in one transaction; every later call of the same
 * user with the same client_id stores nothing and returns the same
 * incident_id, so a caller whose call timed out (respited busy or stopped)
 * retries safely, also across a restart of respited. when_usec and note of
 * a retry are not compared (when_usec = 0 means another "now"); operator
 * and category must be the same. Keys are kept as long as their incident
 * (incidents.retention_days). Who may call: as ReportIncident().
 * Errors: those of ReportIncident(); org.freedesktop.DBus.Error.InvalidArgs
 * also for a client_id out of shape and for one given before with another
 * operator or category; org.freedesktop.DBus.Error.NotSupported when
 * respited keeps no store. */
int bus_method_report_incident_with_id(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(caller_done) Caller caller = {};
        const char *key, *operator, *category, *note;
        _cleanup_free_ char *id = NULL;
        Manager *m = userdata;
        uint64_t when;
        int r;

        r = sd_bus_message_read(msg, "sssts", &key, &operator, &category, &when, &note);
        if (r < 0)
                return r;
        r = bus_check_access_as(msg, m, operator, true, "report incidents for", error);
        if (r < 0)
                return r;
        if (!manager_incident_key_is_valid(key))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "client_id must be 1 to %d bytes of printable ASCII without spaces.",
                                         MANAGER_INCIDENT_KEY_MAX);
        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;

        r = manager_report_incident_keyed(m, caller.uid, key, operator, category, when, note, &id);
        return bus_reply_report(msg, m, r, operator, category, id, error);
}

/* ListIncidents(s operator, t since_usec) → (a(ssstts) incidents)
 * Incidents known to the daemon (reported and detected) that happened at or
 * after since_usec, of operator ("" for every operator the caller leads), as
 * (id, operator, category, when_usec, received_usec, note), by time (then
 * id). For team leads (and root and the daemon's user) only: notes are
 * personal data. The whole list in one reply, when it fits in BUS_REPLY_MAX
 * (8 MiB: some 2,000 incidents with 4 KiB notes); else nothing but
 * Error.ReplyTooLarge: ask ListIncidentsPage instead.
 * Errors: org.freedesktop.DBus.Error.AccessDenied (an operator the caller
 * does not lead, whether or not it exists), Error.ReplyTooLarge.
 *
 * ListIncidentsPage(s operator, t since_usec, u limit, s cursor) →
 * (a(ssstts) incidents, s next_cursor)
 * The same list in pages: at most limit incidents (0 or over 1000: 1000)
 * and never over BUS_REPLY_MAX bytes, beginning after cursor ("" for the
 * first page); next_cursor is the cursor of the next page, "" after the
 * last. Errors: as ListIncidents, and org.freedesktop.DBus.Error.InvalidArgs
 * for a cursor no page gave. */
int bus_method_list_incidents(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(caller_done) Caller caller = {};
        bool paged = streq(sd_bus_message_get_member(msg), BUS_METHOD_LIST_INCIDENTS_PAGE), more = false;
        Manager *m = userdata;
        usec_t now = clock_now(&m->clock);
        const char *operator, *cursor = "";
        const Incident *last = NULL;
        size_t bytes = 0, rows = 0, first;
        uint32_t limit = 0;
        uint64_t since;
        int r;

        r = paged ? sd_bus_message_read(msg, "stus", &operator, &since, &limit, &cursor) :
                    sd_bus_message_read(msg, "st", &operator, &since);
        if (r < 0)
                return r;
        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;
        if (!isempty(operator) && bus_caller_level(m, &caller, operator) < ACCESS_LEAD) {
                log_notice("Denied uid %u to list the incidents of operator '%s'.", (unsigned) caller.uid,
                           ESCAPED(operator));
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "Only a lead of its team may list the incidents of operator '%.*s%s'.",
                                         BUS_QUOTE(operator));
        }
        if (bus_cursor_parse(m->incidents, cursor, since, &first) < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "cursor must be \"\" or the next_cursor of a page, not '%.*s%s'.",
                                         BUS_QUOTE(cursor));

        r = bus_open_array(msg, "(ssstts)", &reply);
        if (r < 0)
                return r;
        for (size_t i = first; i < m->incidents->n; i++) {
                const Incident *inc = &m->incidents->items[i];
                size_t size;

                if (inc->received > now || (!isempty(operator) && !streq(inc->operator, operator)) ||
                    bus_caller_level(m, &caller, inc->operator) < ACCESS_LEAD)
                        continue;
                size = BUS_ROW_SIZE(2) + bus_string_size(inc->id) + bus_string_size(inc->operator) +
                       bus_string_size(inc->category) + bus_string_size(inc->note);
                if (paged && (rows == bus_page_limit(limit) || (rows > 0 && bytes + size > BUS_REPLY_MAX))) {
                        more = true;
                        break;
                }
                if (!paged && bytes + size > BUS_REPLY_MAX)
                        return bus_error_reply_too_large(error, BUS_METHOD_LIST_INCIDENTS,
                                                         "ask " BUS_METHOD_LIST_INCIDENTS_PAGE " for it in pages");
                r = sd_bus_message_append(reply, "(ssstts)", inc->id, inc->operator, inc->category, inc->when,
                                          inc->received, inc->note ?: "");
                if (r < 0)
                        return r;
                bytes += size;
                rows++;
                last = inc;
        }
        return paged ? bus_send_page(reply, last, more) : bus_send_array(reply);
}

/* Whether caller may see alerts and the record of operators of team:
 * root, the daemon's user, its leads, access.escalate_to. */
static bool bus_caller_sees_alerts(const Manager *m, const Caller *caller, const char *team) {
        return access_for_alerts(&m->policy->access, caller, geteuid(), team);
}

/* Whether caller may see alert a: as bus_caller_sees_alerts(), except that
 * alerts.escalate_to sees an alert only once it escalated. */
static bool bus_caller_sees_alert(const Manager *m, const Caller *caller, const Alert *a) {
        return access_for_team(&m->policy->access, caller, geteuid(), a->team) ||
               (a->escalated != 0 && access_is_escalation(&m->policy->access, caller));
}

/* Lead alerts and the record are for leads: a caller who leads no team (and
 * is not root, the daemon's user or in alerts.escalate_to) is told so,
 * rather than shown an empty list. Returns 0 or sets AccessDenied. */
static int bus_check_any_lead(const Manager *m, const Caller *caller, const char *what, sd_bus_error *error) {
        if (access_is_lead(&m->policy->access, caller, geteuid()) ||
            access_is_escalation(&m->policy->access, caller))
                return 0;
        log_notice("Denied uid %u to %s: no lead of any team.", (unsigned) caller->uid, what);
        return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                 "Only team leads may %s; access.leads names no team of this user.", what);
}

/* One row of the incident record: the incident inc, its team, what it earned
 * and what was done about it. */
static int bus_append_record(sd_bus_message *reply, const Manager *m, const Incident *inc, const char *team) {
        const Alert *a = manager_alert_of_incident(m, inc->id);
        const Break *b = manager_incident_recovery(m, inc);
        const AdherenceDetail *d = b ? manager_adherence_of(b->uid, (void *) m) : NULL;
        const char *taken = "";
        usec_t start = b ? b->start : a ? a->recovery_start : 0, end = b ? b->end : a ? a->recovery_end : 0;
        int r;

        if (d && d->adherence >= ADHERENCE_TAKEN)
                taken = adherence_to_string(d->adherence);
        r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r < 0)
                return r;
        if ((r = bus_append_entry(reply, "Id", "s", inc->id)) < 0 ||
            (r = bus_append_entry(reply, "Operator", "s", inc->operator)) < 0 ||
            (r = bus_append_entry(reply, "Team", "s", team ?: "")) < 0 ||
            (r = bus_append_entry(reply, "Category", "s", inc->category)) < 0 ||
            (r = bus_append_entry(reply, "TimeUSec", "t", inc->when)) < 0 ||
            (r = bus_append_entry(reply, "ReceivedUSec", "t", inc->received)) < 0 ||
            (r = bus_append_entry(reply, "Note", "s", inc->note ?: "")) < 0 ||
            (r = bus_append_entry(reply, "Source", "s", inc->source ?: "")) < 0 ||
            (r = bus_append_entry(reply, "RecoveryStartUSec", "t", start)) < 0 ||
            (r = bus_append_entry(reply, "RecoveryEndUSec", "t", end)) < 0 ||
            (r = bus_append_entry(reply, "Taken", "s", taken)) < 0 ||
            (r = bus_append_entry(reply, "AlertId", "s", a ? a->id : "")) < 0 ||
            (r = bus_append_entry(reply, "AlertedUSec", "t", a ? a->raised : 0)) < 0 ||
            (r = bus_append_entry(reply, "EscalatedUSec", "t", a ? a->escalated : 0)) < 0 ||
            (r = bus_append_entry(reply, "AcknowledgedUSec", "t", a ? a->acknowledged : 0)) < 0 ||
            (r = bus_append_entry(reply, "AcknowledgedBy", "s", a ? a->acknowledged_by ?: "" : "")) < 0 ||
            (r = bus_append_entry(reply, "AcknowledgeNote", "s", a ? a->note ?: "" : "")) < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

/* What bus_append_record() adds for inc, at most: 17 entries of a key,
 * a variant's signature and a value, and the strings. */
static size_t bus_record_size(const Manager *m, const Incident *inc, const char *team) {
        const Alert *a = manager_alert_of_incident(m, inc->id);

        return 17 * 64 + bus_string_size(inc->id) + bus_string_size(inc->operator) + bus_string_size(team) +
               bus_string_size(inc->category) + bus_string_size(inc->note) + bus_string_size(inc->source) +
               (a ? bus_string_size(a->id) + bus_string_size(a->acknowledged_by) + bus_string_size(a->note) : 0);
}

/* GetIncidentRecord(t from_usec, t to_usec, s team) → (aa{sv} incidents)
 * The record the harassment laws ask for (respitectl(1) THE INCIDENT
 * RECORD; Tokyo's customer-harassment ordinance, 2025: when, what was said
 * or done, what was done about it): one dictionary per incident known to
 * the daemon (reported and detected) that happened in [from_usec, to_usec)
 * (UTC usec; to_usec 0 = no end), of team ("" = every team the caller may
 * see), by time. Keys: Id s, Operator s, Team s, Category s, TimeUSec t,
 * ReceivedUSec t, Note s, Source s ("bus", "spool:FILE",
 * "calls:FILE:LINE"), RecoveryStartUSec t, RecoveryEndUSec t (the recovery
 * break granted, 0 when none), Taken s ("taken", "partly_taken",
 * "not_taken", "" when not known: core/adherence.h), AlertId s, AlertedUSec
 * t, EscalatedUSec t, AcknowledgedUSec t, AcknowledgedBy s, AcknowledgeNote
 * s (0 and "" = none). Clients ignore keys they do not know. For the leads
 * of the team, access.escalate_to, root and the daemon's user: notes are
 * personal data.
 * Errors: org.freedesktop.DBus.Error.AccessDenied (a team the caller may
 * not see, whether or not it exists; "" from a caller who leads no team),
 * Error.UnknownTeam (a team not in the roster, to a caller who may see it),
 * org.freedesktop.DBus.Error.InvalidArgs (from_usec not before to_usec),
 * Error.ReplyTooLarge (the record would carry more than BUS_REPLY_MAX,
 * 8 MiB: ask GetIncidentRecordPage).
 *
 * GetIncidentRecordPage(t from_usec, t to_usec, s team, u limit, s cursor)
 * → (aa{sv} incidents, s next_cursor)
 * The same record in pages, as ListIncidentsPage: at most limit incidents
 * (0 or over 1000: 1000), never over BUS_REPLY_MAX bytes, after cursor ("" for
 * the first page); next_cursor "" after the last page. respitectl
 * incidents reads it so. Errors: as GetIncidentRecord, and InvalidArgs for
 * a cursor no page gave. */
int bus_method_get_incident_record(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(caller_done) Caller caller = {};
        bool paged = streq(sd_bus_message_get_member(msg), BUS_METHOD_GET_INCIDENT_RECORD_PAGE), more = false;
        Manager *m = userdata;
        usec_t now = clock_now(&m->clock);
        const char *team, *cursor = "";
        const Incident *last = NULL;
        size_t bytes = 0, rows = 0, first;
        uint32_t limit = 0;
        uint64_t from, to;
        int r;

        r = paged ? sd_bus_message_read(msg, "ttsus", &from, &to, &team, &limit, &cursor) :
                    sd_bus_message_read(msg, "tts", &from, &to, &team);
        if (r < 0)
                return r;
        if (to == 0)
                to = USEC_INFINITY;
        if (from >= to)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "from_usec must lie before to_usec.");
        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;
        if (!isempty(team) && !bus_caller_sees_alerts(m, &caller, team)) {
                log_notice("Denied uid %u to read the incident record of team '%s'.", (unsigned) caller.uid,
                           ESCAPED(team));
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "Only a lead of team '%.*s%s' may read its incident record.",
                                         BUS_QUOTE(team));
        }
        if (isempty(team)) {
                r = bus_check_any_lead(m, &caller, "read the incident record", error);
                if (r < 0)
                        return r;
        } else if (!roster_has_team(m->roster, team))
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_TEAM, "No such team '%.*s%s' in the roster.",
                                         BUS_QUOTE(team));

        if (bus_cursor_parse(m->incidents, cursor, from, &first) < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "cursor must be \"\" or the next_cursor of a page, not '%.*s%s'.",
                                         BUS_QUOTE(cursor));

        r = bus_open_array(msg, "a{sv}", &reply);
        if (r < 0)
                return r;
        for (size_t i = first; i < m->incidents->n; i++) {
                const Incident *inc = &m->incidents->items[i];
                const char *t = roster_operator_team(m->roster, inc->operator);
                size_t size;

                if (inc->when >= to)
                        break;
                if (inc->received > now || (!isempty(team) && !streq_ptr(t, team)) ||
                    !bus_caller_sees_alerts(m, &caller, t))
                        continue;
                size = bus_record_size(m, inc, t);
                if (paged && (rows == bus_page_limit(limit) || (rows > 0 && bytes + size > BUS_REPLY_MAX))) {
                        more = true;
                        break;
                }
                if (!paged && bytes + size > BUS_REPLY_MAX)
                        return bus_error_reply_too_large(error, BUS_METHOD_GET_INCIDENT_RECORD,
                                                         "ask " BUS_METHOD_GET_INCIDENT_RECORD_PAGE
                                                         " for it in pages, or for a shorter span of time");
                r = bus_append_record(reply, m, inc, t);
                if (r < 0)
                        return r;
                bytes += size;
                rows++;
                last = inc;
        }
        return paged ? bus_send_page(reply, last, more) : bus_send_array(reply);
}

/* ListAlerts(t since_usec) → (a(ssssttttttss) alerts)
 * Every unanswered lead alert and those raised at or after since_usec (UTC
 * usec), that the caller may see (the leads of the operator's team, root,
 * the daemon's user, and access.escalate_to once it escalated), by time
 * raised, as
 * (alert_id, operator, team, category, when_usec, raised_usec,
 * recovery_start_usec, recovery_end_usec, escalated_usec,
 * acknowledged_usec, acknowledged_by, note); 0 and "" = not (yet).
 * Errors: org.freedesktop.DBus.Error.AccessDenied (a caller who leads no
 * team and is not in alerts.escalate_to), Error.ReplyTooLarge (more than
 * BUS_REPLY_MAX, 8 MiB: a later since_usec). */
int bus_method_list_alerts(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(caller_done) Caller caller = {};
        Manager *m = userdata;
        size_t bytes = 0;
        uint64_t since;
        int r;

        r = sd_bus_message_read(msg, "t", &since);
        if (r < 0)
                return r;
        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;
        r = bus_check_any_lead(m, &caller, "list lead alerts", error);
        if (r < 0)
                return r;
        r = bus_open_array(msg, "(ssssttttttss)", &reply);
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->n_alerts; i++) {
                const Alert *a = m->alerts[i];

                if ((a->acknowledged != 0 && a->raised < since) || !bus_caller_sees_alert(m, &caller, a))
                        continue;
                bytes += BUS_ROW_SIZE(6) + bus_string_size(a->id) + bus_string_size(a->operator) +
                         bus_string_size(a->team) + bus_string_size(a->category) +
                         bus_string_size(a->acknowledged_by) + bus_string_size(a->note);
                if (bytes > BUS_REPLY_MAX)
                        return bus_error_reply_too_large(error, BUS_METHOD_LIST_ALERTS,
                                                         "ask for those raised since a later since_usec");
                r = sd_bus_message_append(reply, "(ssssttttttss)", a->id, a->operator, a->team ?: "", a->category,
                                          a->when, a->raised, a->recovery_start, a->recovery_end, a->escalated,
                                          a->acknowledged, a->acknowledged_by ?: "", a->note ?: "");
                if (r < 0)
                        return r;
        }
        return bus_send_array(reply);
}

/* The user name of uid, or the uid as text. */
static int bus_user_name(uid_t uid, char **ret) {
        const struct passwd *pw = getpwuid(uid);

        if (pw)
                return strdup_to(ret, pw->pw_name);
        return asprintf(ret, "%u", (unsigned) uid) < 0 ? -ENOMEM : 0;
}

/* AcknowledgeAlert(s alert_id, s note) → ()
 * Answer lead alert alert_id: who (the caller's user name) and when are
 * recorded with note (may be empty, at most 4096 bytes), in the store
 * before the reply; AlertAcknowledged goes to those the alert was sent to.
 * For the leads of the operator's team, root, the daemon's user and, once
 * it escalated, access.escalate_to.
 * Errors: Error.UnknownAlert (also for an alert the caller may not see), Error.AlreadyAcknowledged (says by
 * whom and when), org.freedesktop.DBus.Error.InvalidArgs (note too long). */
int bus_method_acknowledge_alert(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(caller_done) Caller caller = {};
        _cleanup_free_ char *by = NULL;
        Manager *m = userdata;
        const char *id, *note;
        const Alert *a;
        char at[ISO8601_MAX];
        int r;

        r = sd_bus_message_read(msg, "ss", &id, &note);
        if (r < 0)
                return r;
        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;
        a = manager_find_alert(m, id);
        if (!a || !bus_caller_sees_alert(m, &caller, a)) {
                if (a)
                        log_notice("Denied uid %u to acknowledge alert %s.", (unsigned) caller.uid, a->id);
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_ALERT, "No such alert '%.*s%s'.", BUS_QUOTE(id));
        }
        r = bus_user_name(caller.uid, &by);
        if (r < 0)
                return r;

        r = manager_acknowledge_alert(m, id, by, note);
        switch (r) {
        case -EALREADY:
                return sd_bus_error_setf(error, BUS_ERROR_ALREADY_ACKNOWLEDGED,
                                         "Alert %s was acknowledged by %s at %s.", a->id, a->acknowledged_by,
                                         time_format_clock(a->acknowledged, m->policy->timezone, true, at));
        case -E2BIG:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "The note is longer than %d bytes.",
                                         INCIDENT_NOTE_MAX);
        default:
                if (r < 0)
                        return r;
        }
        return sd_bus_reply_method_return(msg, NULL);
}
