/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <systemd/sd-bus.h>

#include "access.h"
#include "bus.h"
#include "log.h"
#include "metrics.h"

/* Feed and bus share one form of UID, RFC 5545 §3.8.4.7 style. */
static int format_uid(const Break *b, char **ret) {
        return asprintf(ret, "%s@respite", b->uid) < 0 ? -ENOMEM : 0;
}

/* May the sender act for operator (access.h)? Decided from the bus's
 * credentials of the sending connection, never from arguments. Returns 0,
 * or sets org.freedesktop.DBus.Error.AccessDenied (the same answer whether
 * the operator exists or not) and returns its negative errno. */
static int check_access(sd_bus_message *msg, const Manager *m, const char *operator, const char *what,
                        sd_bus_error *error) {
        _cleanup_(caller_done) Caller caller = {};
        ssize_t i = roster_find_operator(m->roster, operator);
        AccessLevel level = ACCESS_DENIED;

        if (caller_from_message(msg, &caller) >= 0)
                level = access_for_operator(&m->policy->access, &caller, geteuid(), operator,
                                            i >= 0 ? m->roster->operators[i].team : NULL);
        if (level == ACCESS_DENIED) {
                log_notice("Denied uid %u to %s operator '%s'.", (unsigned) caller.uid, what, operator);
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "Not allowed to %s operator '%s'.", what, operator);
        }
        return 0;
}

/* ReportIncident(s operator, s category, t when_usec, s note) → (s incident_id)
 * when_usec: UTC microseconds, 0 = now. The incident is committed to the
 * store and planned for (and the signals and feeds it causes are out) before
 * the reply is sent. Allowed for the operator's own user, a lead of their
 * team, root and the daemon's user.
 * Errors: org.freedesktop.DBus.Error.AccessDenied, Error.UnknownOperator, Error.UnknownCategory,
 * org.freedesktop.DBus.Error.InvalidArgs (a time in the future). */
static int method_report_incident(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *operator, *category, *note;
        _cleanup_free_ char *id = NULL;
        uint64_t when;
        int r;

        r = sd_bus_message_read(msg, "ssts", &operator, &category, &when, &note);
        if (r < 0)
                return r;
        r = check_access(msg, m, operator, "report incidents for", error);
        if (r < 0)
                return r;

        r = manager_report_incident(m, operator, category, when, note, &id);
        switch (r) {
        case -ENXIO:
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_OPERATOR,
                                         "No such operator '%s' in the roster.", operator);
        case -ENOKEY: {
                _cleanup_free_ char *known = NULL;
                size_t size = 0;
                FILE *f = open_memstream(&known, &size);

                if (!f)
                        return -ENOMEM;
                for (size_t i = 0; i < m->policy->n_categories; i++)
                        fprintf(f, "%s%s", i > 0 ? ", " : "", m->policy->categories[i].name);
                fclose(f);
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_CATEGORY,
                                         "No such category '%s'; known categories: %s.", category, known);
        }
        case -EDOM:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "The incident's time must lie within the last 7 days and not in the future.");
        case -E2BIG:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "The note is longer than 4096 bytes.");
        default:
                if (r < 0)
                        return r;
        }
        return sd_bus_reply_method_return(msg, "s", id);
}

/* GetSchedule(s operator, t from_usec, t to_usec) → (a(sttss) breaks)
 * Every break of operator overlapping [from_usec, to_usec) (UTC
 * microseconds; to_usec = 0 means no end), ordered by start, as
 * (kind, start_usec, end_usec, uid, reason). Allowed for the callers that may
 * report for the operator (see ReportIncident); they may read why a recovery
 * break was granted, so the reason is the private one.
 * Errors: org.freedesktop.DBus.Error.AccessDenied, Error.UnknownOperator,
 * org.freedesktop.DBus.Error.InvalidArgs. */
static int method_get_schedule(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ const Break **breaks = NULL;
        Manager *m = userdata;
        const char *operator;
        uint64_t from, to;
        ssize_t n;
        int r;

        r = sd_bus_message_read(msg, "stt", &operator, &from, &to);
        if (r < 0)
                return r;
        r = check_access(msg, m, operator, "read the schedule of", error);
        if (r < 0)
                return r;
        if (to == 0)
                to = USEC_INFINITY;
        if (from >= to)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "from_usec must lie before to_usec.");
        if (roster_find_operator(m->roster, operator) < 0)
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_OPERATOR,
                                         "No such operator '%s' in the roster.", operator);

        n = plan_operator_breaks(m->plan, operator, from, to, &breaks);
        if (n < 0)
                return (int) n;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sttss)");
        if (r < 0)
                return r;
        for (ssize_t i = 0; i < n; i++) {
                const Break *b = breaks[i];
                _cleanup_free_ char *uid = NULL;

                r = format_uid(b, &uid);
                if (r < 0)
                        return r;
                r = sd_bus_message_append(reply, "(sttss)", break_kind_to_string(b->kind), b->start, b->end,
                                          uid, b->reason);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* GetMetrics() → (a{sv} metrics): the metrics of the current plan
 * (metrics.h), aggregate numbers only, so anyone may read them. Keys:
 * StatutoryViolations u, Recoveries u, RecoveriesLate u, RecoveriesUnserved u,
 * RecoveriesShort u, RecoveryDelayMedianUSec t, RecoveryDelayMaxUSec t,
 * BreaksMoved u, ShiftUSec t, BreakUSec a{st} (kind → time),
 * ShortfallOperatorMinutes t, Shortfall a{st} (team → operator-minutes). */
static int append_entry(sd_bus_message *reply, const char *key, const char *type, ...) {
        va_list ap;
        int r;

        r = sd_bus_message_open_container(reply, 'e', "sv");
        if (r < 0)
                return r;
        r = sd_bus_message_append(reply, "s", key);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'v', type);
        if (r < 0)
                return r;
        va_start(ap, type);
        r = sd_bus_message_appendv(reply, type, ap);
        va_end(ap);
        if (r < 0)
                return r;
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static int append_map(sd_bus_message *reply, const char *key, const Metrics *m, bool teams) {
        size_t n = teams ? m->n_teams : _BREAK_KIND_MAX;
        int r;

        r = sd_bus_message_open_container(reply, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(reply, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'v', "a{st}");
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "{st}");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = teams ? sd_bus_message_append(reply, "{st}", m->teams[i].team, m->teams[i].shortfall_minutes) :
                            sd_bus_message_append(reply, "{st}", break_kind_to_string(i), m->break_time[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r;
}

static int method_get_metrics(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(metrics_freep) Metrics *m = NULL;
        Manager *mgr = userdata;
        int r;

        r = metrics_compute(mgr->plan, mgr->coverage, &m);
        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r < 0)
                return r;
        if ((r = append_entry(reply, "StatutoryViolations", "u", m->statutory_violations)) < 0 ||
            (r = append_entry(reply, "Recoveries", "u", m->recoveries)) < 0 ||
            (r = append_entry(reply, "RecoveriesLate", "u", m->recoveries_late)) < 0 ||
            (r = append_entry(reply, "RecoveriesUnserved", "u", m->recoveries_unserved)) < 0 ||
            (r = append_entry(reply, "RecoveriesShort", "u", m->recoveries_short)) < 0 ||
            (r = append_entry(reply, "RecoveryDelayMedianUSec", "t", m->delay_median)) < 0 ||
            (r = append_entry(reply, "RecoveryDelayMaxUSec", "t", m->delay_max)) < 0 ||
            (r = append_entry(reply, "BreaksMoved", "u", m->breaks_moved)) < 0 ||
            (r = append_entry(reply, "ShiftUSec", "t", m->shift_time)) < 0 ||
            (r = append_map(reply, "BreakUSec", m, false)) < 0 ||
            (r = append_entry(reply, "ShortfallOperatorMinutes", "t", m->shortfall_minutes)) < 0 ||
            (r = append_map(reply, "Shortfall", m, true)) < 0)
                return r;
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", VERSION);
}

static int property_get_timezone(sd_bus *bus, const char *path, const char *interface, const char *property,
                                 sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        return sd_bus_message_append(reply, "s", m->policy->timezone);
}

static int property_get_now(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        return sd_bus_message_append(reply, "t", clock_now(&m->clock));
}

#define BREAK_SIGNAL(name)                                                              \
        SD_BUS_SIGNAL_WITH_ARGS(name,                                                   \
                                SD_BUS_ARGS("s", operator, "s", uid, "s", kind,         \
                                            "t", start_usec, "t", end_usec, "s", reason), \
                                0)

static const sd_bus_vtable scheduler_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Timezone", "s", property_get_timezone, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        /* The daemon's clock (the replay clock under --clock), UTC usec. */
        SD_BUS_PROPERTY("Now", "t", property_get_now, 0, 0),
        SD_BUS_METHOD_WITH_ARGS("ReportIncident",
                                SD_BUS_ARGS("s", operator, "s", category, "t", when_usec, "s", note),
                                SD_BUS_RESULT("s", incident_id),
                                method_report_incident, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetSchedule",
                                SD_BUS_ARGS("s", operator, "t", from_usec, "t", to_usec),
                                SD_BUS_RESULT("a(sttss)", breaks),
                                method_get_schedule, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetMetrics", SD_BUS_NO_ARGS, SD_BUS_RESULT("a{sv}", metrics),
                                method_get_metrics, SD_BUS_VTABLE_UNPRIVILEGED),
        BREAK_SIGNAL("BreakScheduled"),
        BREAK_SIGNAL("BreakStarted"),
        BREAK_SIGNAL("BreakEnded"),
        SD_BUS_SIGNAL_WITH_ARGS("ScheduleChanged", SD_BUS_ARGS("s", operator), 0),
        SD_BUS_VTABLE_END
};

int bus_setup(Manager *m) {
        int r;

        r = m->user_bus ? sd_bus_open_user(&m->bus) : sd_bus_open_system(&m->bus);
        if (r < 0)
                return r;
        r = sd_bus_add_object_vtable(m->bus, NULL, BUS_PATH, BUS_INTERFACE, scheduler_vtable, m);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(m->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return r;
        return sd_bus_request_name(m->bus, BUS_NAME, 0);
}

int bus_emit_break(Manager *m, const char *member, const char *operator, const Break *b) {
        _cleanup_free_ char *uid = NULL;
        int r;

        if (!m->bus)
                return 0;
        r = format_uid(b, &uid);
        if (r < 0)
                return r;
        return sd_bus_emit_signal(m->bus, BUS_PATH, BUS_INTERFACE, member, "ssstts", operator, uid,
                                  break_kind_to_string(b->kind), b->start, b->end,
                                  break_kind_public_reason(b->kind));
}

int bus_emit_schedule_changed(Manager *m, const char *operator) {
        if (!m->bus)
                return 0;
        return sd_bus_emit_signal(m->bus, BUS_PATH, BUS_INTERFACE, "ScheduleChanged", "s", operator);
}

int bus_emit_policy_changed(Manager *m) {
        if (!m->bus)
                return 0;
        return sd_bus_emit_properties_changed(m->bus, BUS_PATH, BUS_INTERFACE, "Timezone", NULL);
}
