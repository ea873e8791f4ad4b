/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <systemd/sd-bus.h>

#include "core/metrics.h"
#include "daemon/access.h"
#include "daemon/bus-internal.h"
#include "daemon/manager-internal.h"
#include "shared/escape.h"
#include "shared/log.h"
#include "shared/time-util.h"

int bus_open_array(sd_bus_message *msg, const char *element, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', element);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(reply);
        return 0;
}

int bus_send_array(sd_bus_message *reply) {
        int r;

        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

AccessLevel bus_caller_level(const Manager *m, const Caller *caller, const char *operator) {
        return access_for_operator(&m->policy->access, caller, geteuid(), operator,
                                   roster_operator_team(m->roster, operator));
}

int bus_check_access_as(sd_bus_message *msg, const Manager *m, const char *operator, bool integrations,
                        const char *what, sd_bus_error *error) {
        _cleanup_(caller_done) Caller caller = {};

        if (caller_from_message(msg, &caller) < 0 ||
            (bus_caller_level(m, &caller, operator) == ACCESS_DENIED &&
             !(integrations && access_is_integration(&m->policy->access, &caller, geteuid())))) {
                log_notice("Denied uid %u to %s operator '%s'.", (unsigned) caller.uid, what, ESCAPED(operator));
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "Not allowed to %s operator '%.*s%s'.", what, BUS_QUOTE(operator));
        }
        return 0;
}

int bus_check_access(sd_bus_message *msg, const Manager *m, const char *operator, const char *what,
                     sd_bus_error *error) {
        return bus_check_access_as(msg, m, operator, false, what, error);
}

int bus_check_team_access(sd_bus_message *msg, const Manager *m, const char *team, const char *what,
                          sd_bus_error *error) {
        _cleanup_(caller_done) Caller caller = {};

        if (caller_from_message(msg, &caller) >= 0 &&
            access_for_team(&m->policy->access, &caller, geteuid(), team))
                return 0;
        log_notice("Denied uid %u to %s team '%s'.", (unsigned) caller.uid, what, ESCAPED(team));
        return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED, "Not allowed to %s team '%.*s%s'.", what,
                                 BUS_QUOTE(team));
}

int bus_append_break(sd_bus_message *reply, const Break *b) {
        _cleanup_free_ char *uid = NULL;
        int r;

        r = feed_event_uid(b->uid, &uid);
        if (r < 0)
                return r;
        return sd_bus_message_append(reply, "(sttss)", break_kind_to_string(b->kind), b->start, b->end, uid,
                                     b->reason);
}

/* GetSchedule(s operator, t from_usec, t to_usec) → (a(sttss) breaks)
 * Every break of operator overlapping [from_usec, to_usec) (UTC
 * microseconds; to_usec = 0 means no end), ordered by start, as
 * (kind, start_usec, end_usec, uid, reason). Allowed for the callers that may
 * report for the operator (see ReportIncident); they may read why a recovery
 * break was granted, so the reason is the private one.
 * Errors: org.freedesktop.DBus.Error.AccessDenied, Error.UnknownOperator,
 * org.freedesktop.DBus.Error.InvalidArgs. */
static int bus_method_get_schedule(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
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
        r = bus_check_access(msg, m, operator, "read the schedule of", error);
        if (r < 0)
                return r;
        if (to == 0)
                to = USEC_INFINITY;
        if (from >= to)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "from_usec must lie before to_usec.");
        if (roster_find_operator(m->roster, operator) < 0)
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_OPERATOR,
                                         "No such operator '%.*s%s' in the roster.", BUS_QUOTE(operator));

        n = plan_operator_breaks(m->plan, operator, from, to, &breaks);
        if (n < 0)
                return (int) n;

        r = bus_open_array(msg, "(sttss)", &reply);
        if (r < 0)
                return r;
        for (ssize_t i = 0; i < n; i++) {
                r = bus_append_break(reply, breaks[i]);
                if (r < 0)
                        return r;
        }
        return bus_send_array(reply);
}

/* GetMetrics() → (a{sv} metrics): the metrics of the current plan
 * (metrics.h), aggregate numbers, for leads and root (access_is_lead():
 * most count recovery breaks, which beside a team feed would tell a
 * colleague's kind). Errors: org.freedesktop.DBus.Error.AccessDenied. Keys:
 * StatutoryViolations u, Recoveries u, RecoveriesLate u, RecoveriesUnserved u,
 * RecoveriesShort u, RecoveryDelayMedianUSec t, RecoveryDelayMaxUSec t,
 * BreaksMoved u, ShiftUSec t, BreakUSec a{st} (kind → time),
 * ShortfallOperatorMinutes t, Shortfall a{st} (team → operator-minutes),
 * ShortfallForcedOperatorMinutes t, ShortfallForced a{st} (of those, the
 * minutes short with nobody of the team on a break: the roster's shifts
 * alone force them, no plan of breaks could avoid them),
 * against the calls respited knows (the ACD's agent state): StatutoryOverruns
 * u (begun after their latest start because of a call), RecoveriesInterrupted
 * u, BreakStartsInCall u, LongCallRecoveries u (after a call of 60 min or
 * more), LongCallRecoveriesPrompt u (of those, begun within 2 min of the
 * call's end), LongCallWaitMaxUSec t;
 * Adherence a{s(uuu)} (kind → breaks taken, partly taken, not taken, of
 * those that ended today, as the ACD's agent state judged them;
 * core/adherence.h). */
int bus_append_entry(sd_bus_message *reply, const char *key, const char *type, ...) {
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

/* What a map of GetMetrics gives: time per kind of break, or
 * operator-minutes short per team (all, or forced by the shifts alone). */
typedef enum BusMetricsMap {
        BUS_METRICS_BREAK_TIME,
        BUS_METRICS_SHORTFALL,
        BUS_METRICS_SHORTFALL_FORCED,
} BusMetricsMap;

static int bus_append_map(sd_bus_message *reply, const char *key, const Metrics *m, BusMetricsMap which) {
        size_t n = which == BUS_METRICS_BREAK_TIME ? _BREAK_KIND_MAX : m->n_teams;
        int r;

        r = sd_bus_message_open_container(reply, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(reply, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'v', "a{st}");
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "{st}");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = which == BUS_METRICS_BREAK_TIME ?
                        sd_bus_message_append(reply, "{st}", break_kind_to_string(i), m->break_time[i]) :
                        sd_bus_message_append(reply, "{st}", m->teams[i].team,
                                              which == BUS_METRICS_SHORTFALL ? m->teams[i].shortfall_minutes :
                                                                               m->teams[i].forced_minutes);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r;
}

/* A kind's (taken, partly taken, not taken), as Adherence's (uuu). */
#define ADHERENCE_TRIPLE(b) (b)[ADHERENCE_TAKEN], (b)[ADHERENCE_PARTLY_TAKEN], (b)[ADHERENCE_NOT_TAKEN]

static int bus_method_get_metrics(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(metrics_freep) Metrics *m = NULL;
        _cleanup_(manager_calls_done) ManagerCalls calls = {};
        Manager *mgr = userdata;
        const unsigned (*a)[_ADHERENCE_MAX] = mgr->adherence_counts.breaks;
        _cleanup_(caller_done) Caller caller = {};
        int r;

        if (caller_from_message(msg, &caller) < 0 || !access_is_lead(&mgr->policy->access, &caller, geteuid())) {
                log_notice("Denied uid %u to read the metrics.", (unsigned) caller.uid);
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "Only team leads and root may read the metrics.");
        }
        r = manager_calls_known(mgr, clock_now(&mgr->clock), &calls);
        if (r < 0)
                return r;
        r = metrics_compute(mgr->plan, mgr->coverage, &calls.index, &m);
        if (r < 0)
                return r;
        r = bus_open_array(msg, "{sv}", &reply);
        if (r < 0)
                return r;
        if ((r = bus_append_entry(reply, "StatutoryViolations", "u", m->statutory_violations)) < 0 ||
            (r = bus_append_entry(reply, "Recoveries", "u", m->recoveries)) < 0 ||
            (r = bus_append_entry(reply, "RecoveriesLate", "u", m->recoveries_late)) < 0 ||
            (r = bus_append_entry(reply, "RecoveriesUnserved", "u", m->recoveries_unserved)) < 0 ||
            (r = bus_append_entry(reply, "RecoveriesShort", "u", m->recoveries_short)) < 0 ||
            (r = bus_append_entry(reply, "RecoveryDelayMedianUSec", "t", m->delay_median)) < 0 ||
            (r = bus_append_entry(reply, "RecoveryDelayMaxUSec", "t", m->delay_max)) < 0 ||
            (r = bus_append_entry(reply, "BreaksMoved", "u", m->breaks_moved)) < 0 ||
            (r = bus_append_entry(reply, "ShiftUSec", "t", m->shift_time)) < 0 ||
            (r = bus_append_map(reply, "BreakUSec", m, BUS_METRICS_BREAK_TIME)) < 0 ||
            (r = bus_append_entry(reply, "ShortfallOperatorMinutes", "t", m->shortfall_minutes)) < 0 ||
            (r = bus_append_map(reply, "Shortfall", m, BUS_METRICS_SHORTFALL)) < 0 ||
            (r = bus_append_entry(reply, "ShortfallForcedOperatorMinutes", "t", m->forced_shortfall_minutes)) < 0 ||
            (r = bus_append_map(reply, "ShortfallForced", m, BUS_METRICS_SHORTFALL_FORCED)) < 0 ||
            (r = bus_append_entry(reply, "StatutoryOverruns", "u", m->statutory_overruns)) < 0 ||
            (r = bus_append_entry(reply, "RecoveriesInterrupted", "u", m->recoveries_interrupted)) < 0 ||
            (r = bus_append_entry(reply, "BreakStartsInCall", "u", m->break_starts_in_call)) < 0 ||
            (r = bus_append_entry(reply, "LongCallRecoveries", "u", m->long_call_recoveries)) < 0 ||
            (r = bus_append_entry(reply, "LongCallRecoveriesPrompt", "u", m->long_call_recoveries_prompt)) < 0 ||
            (r = bus_append_entry(reply, "LongCallWaitMaxUSec", "t", m->long_call_wait_max)) < 0 ||
            (r = bus_append_entry(reply, "Adherence", "a{s(uuu)}", 3,
                                  break_kind_to_string(BREAK_PLANNED), ADHERENCE_TRIPLE(a[BREAK_PLANNED]),
                                  break_kind_to_string(BREAK_STATUTORY), ADHERENCE_TRIPLE(a[BREAK_STATUTORY]),
                                  break_kind_to_string(BREAK_RECOVERY), ADHERENCE_TRIPLE(a[BREAK_RECOVERY]))) < 0)
                return r;
        return bus_send_array(reply);
}

/* WhoAmI() → (s operator)
 * The operator that access.operators of the policy maps the caller's uid to
 * (respite-notify(1) asks this to find its operator). Anyone may ask.
 * Errors: Error.NoOperator when the caller's user is mapped to no operator. */
static int bus_method_who_am_i(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(caller_done) Caller caller = {};
        const AccessMap *map = &((Manager *) userdata)->policy->access;
        int r;

        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;
        for (size_t i = 0; i < map->n_operators; i++)
                if (map->operators[i].uid == caller.uid)
                        return sd_bus_reply_method_return(msg, "s", map->operators[i].operator);
        return sd_bus_error_setf(error, BUS_ERROR_NO_OPERATOR,
                                 "Uid %u is mapped to no operator (access.operators in respite.conf).",
                                 (unsigned) caller.uid);
}

/* GetStatus() → (a{sv} status): the daemon at a glance, aggregate numbers
 * only, so anyone may read it. Keys: Version s, Policy s (the policy file),
 * Timezone s, StatutoryPreset s ("" for none), Now t, Operators u, Teams u,
 * ShiftsToday u; for leads and root only (access_is_lead(): beside a team
 * feed, a count rising as a colleague's break appears would tell its kind)
 * BreaksToday a{su} (kind → breaks overlapping today), IncidentsToday u and
 * AlertsUnanswered u (lead alerts nobody acknowledged yet); then
 * StatutoryViolations u, and the operators in each agent
 * state now (of those the ACD or SetAgentState told of):
 * AgentsOnCall u, AgentsAvailable u, AgentsPaused u, AgentsOnBreak u; the
 * actions run at break edges since respited started (respite.conf(5),
 * ACTIONS): ActionsStarted t, ActionsSucceeded t, ActionsFailed t (given up
 * after their retries), ActionsTimedOut t (attempts killed), ActionsRunning
 * u (running, waiting to retry or queued), ActionLastFailure s ("" or
 * "break_start at 2026-12-02T10:20:00+09:00: exit status 3", on the
 * daemon's clock in the site's zone: no operator, since anyone may read
 * this; the journal names them); Subscribers u (clients subscribed to
 * signals); FeedServer s, the feeds over HTTP: "listening on
 * 127.0.0.1:8080", "retrying 127.0.0.1:8080: Address already in use (next
 * try in 8 s)" (the address of feeds.listen, strerror(3) of the last try,
 * whole seconds to the next; tries come 1 s doubling to 60 s apart) or
 * "off" (feeds.listen empty, or no store).
 * "Today" is the site-local day of Now. */
/* The action runner's counts and its last failure, as GetStatus keys. */
static int bus_append_actions(sd_bus_message *reply, const Actions *a, const char *zone) {
        _cleanup_free_ char *failure = NULL;
        char when[ISO8601_MAX];
        ActionStatus st;
        int r;

        actions_get_status(a, &st);
        if (st.last_failure.event >= 0 &&
            asprintf(&failure, "%s at %s: %s", action_event_to_string(st.last_failure.event),
                     time_format_iso8601(st.last_failure.when, zone, when) < 0 ? "?" : when,
                     st.last_failure.why) < 0)
                return -ENOMEM;
        if ((r = bus_append_entry(reply, "ActionsStarted", "t", st.started)) < 0 ||
            (r = bus_append_entry(reply, "ActionsSucceeded", "t", st.succeeded)) < 0 ||
            (r = bus_append_entry(reply, "ActionsFailed", "t", st.failed)) < 0 ||
            (r = bus_append_entry(reply, "ActionsTimedOut", "t", st.timed_out)) < 0 ||
            (r = bus_append_entry(reply, "ActionsRunning", "u", st.running)) < 0)
                return r;
        return bus_append_entry(reply, "ActionLastFailure", "s", failure ?: "");
}

static int bus_method_get_status(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        usec_t now = clock_now(&m->clock), from, to;
        unsigned shifts = 0, incidents = 0, breaks[_BREAK_KIND_MAX] = {};
        _cleanup_(caller_done) Caller caller = {};
        _cleanup_free_ char *feeds = NULL;
        bool lead;
        int r;

        r = manager_http_state(m, true, &feeds);
        if (r < 0)
                return r;
        lead = caller_from_message(msg, &caller) >= 0 && access_is_lead(&m->policy->access, &caller, geteuid());

        r = time_local_day_bounds(now, m->policy->timezone, &from, &to);
        if (r < 0)
                return r;
        for (size_t i = 0; m->plan && i < m->plan->n_shifts; i++) {
                const ShiftPlan *s = &m->plan->shifts[i];

                if (s->end <= from || s->start >= to)
                        continue;
                shifts++;
                for (size_t j = 0; j < s->n_breaks; j++)
                        if (s->breaks[j].end > from && s->breaks[j].start < to)
                                breaks[s->breaks[j].kind]++;
        }
        for (size_t i = 0; i < m->incidents->n; i++)
                incidents += m->incidents->items[i].when >= from && m->incidents->items[i].when < to &&
                             m->incidents->items[i].received <= now;

        r = bus_open_array(msg, "{sv}", &reply);
        if (r < 0)
                return r;
        if ((r = bus_append_entry(reply, "Version", "s", VERSION)) < 0 ||
            (r = bus_append_entry(reply, "Policy", "s", m->config_path ?: "")) < 0 ||
            (r = bus_append_entry(reply, "Timezone", "s", m->policy->timezone)) < 0 ||
            (r = bus_append_entry(reply, "StatutoryPreset", "s", m->policy->statutory.name ?: "")) < 0 ||
            (r = bus_append_entry(reply, "Now", "t", (uint64_t) now)) < 0 ||
            (r = bus_append_entry(reply, "Operators", "u", (uint32_t) m->roster->n_operators)) < 0 ||
            (r = bus_append_entry(reply, "Teams", "u", (uint32_t) m->roster->n_teams)) < 0 ||
            (r = bus_append_entry(reply, "ShiftsToday", "u", shifts)) < 0)
                return r;
        if (lead &&
            ((r = bus_append_entry(reply, "BreaksToday", "a{su}", 3,
                                   break_kind_to_string(BREAK_PLANNED), breaks[BREAK_PLANNED],
                                   break_kind_to_string(BREAK_STATUTORY), breaks[BREAK_STATUTORY],
                                   break_kind_to_string(BREAK_RECOVERY), breaks[BREAK_RECOVERY])) < 0 ||
             (r = bus_append_entry(reply, "IncidentsToday", "u", incidents)) < 0 ||
             (r = bus_append_entry(reply, "AlertsUnanswered", "u", (uint32_t) m->alerts_unanswered)) < 0))
                return r;
        if ((r = bus_append_entry(reply, "StatutoryViolations", "u",
                                  m->plan ? m->plan->statutory_violations : 0)) < 0 ||
            (r = bus_append_entry(reply, "AgentsOnCall", "u", m->agent_counts[AGENT_ON_CALL])) < 0 ||
            (r = bus_append_entry(reply, "AgentsAvailable", "u", m->agent_counts[AGENT_AVAILABLE])) < 0 ||
            (r = bus_append_entry(reply, "AgentsPaused", "u", m->agent_counts[AGENT_PAUSED])) < 0 ||
            (r = bus_append_entry(reply, "AgentsOnBreak", "u", m->agent_counts[AGENT_ON_BREAK])) < 0 ||
            (r = bus_append_entry(reply, "Subscribers", "u", (uint32_t) subscribers_count(m->subscribers))) < 0 ||
            (r = bus_append_actions(reply, m->actions, m->policy->timezone)) < 0 ||
            (r = bus_append_entry(reply, "FeedServer", "s", feeds)) < 0)
                return r;
        return bus_send_array(reply);
}

/* The caller's current or next shift of operator (end > now) and its next
 * break not over yet; zeros when none. */
static void bus_next_shift_and_break(const Plan *p, const char *operator, usec_t now, const ShiftPlan **ret_shift,
                                     const Break **ret_break) {
        *ret_shift = NULL;
        *ret_break = NULL;
        for (size_t i = 0; p && i < p->n_shifts; i++) {
                const ShiftPlan *s = &p->shifts[i];

                if (!streq(s->operator, operator) || s->end <= now)
                        continue;
                if (!*ret_shift)
                        *ret_shift = s;
                for (size_t j = 0; j < s->n_breaks; j++)
                        if (s->breaks[j].end > now) {
                                *ret_break = &s->breaks[j];
                                return;
                        }
        }
}

/* ListOperators() → (a(sssttt) operators)
 * The operators of the roster the caller may read (all for root and the
 * daemon's user, their teams for a lead, themself for an operator), as
 * (id, name, team, shift_start_usec, shift_end_usec, next_break_usec): the
 * current or next shift and the start of the next break not over yet, 0
 * when there is none. */
static int bus_method_list_operators(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(caller_done) Caller caller = {};
        Manager *m = userdata;
        usec_t now = clock_now(&m->clock);
        int r;

        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;
        r = bus_open_array(msg, "(sssttt)", &reply);
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->roster->n_operators; i++) {
                const Operator *o = &m->roster->operators[i];
                const ShiftPlan *s;
                const Break *b;

                if (bus_caller_level(m, &caller, o->id) == ACCESS_DENIED)
                        continue;
                bus_next_shift_and_break(m->plan, o->id, now, &s, &b);
                r = sd_bus_message_append(reply, "(sssttt)", o->id, o->name, o->team, s ? s->start : 0,
                                          s ? s->end : 0, b ? b->start : 0);
                if (r < 0)
                        return r;
        }
        return bus_send_array(reply);
}

/* SetAgentState(s operator, s state, t since_usec, s reason)
 * What an ACD says operator is doing: state is one of logged_out,
 * available, on_call, paused, on_break; since_usec (UTC microseconds, 0 =
 * now) when it began; reason the ACD's words for a pause or break ("" for
 * none; kept for paused and on_break only). Moving an operator from
 * on_call to another state ends that call: it is kept as their last call
 * [call start, since_usec). A state the operator is in already changes
 * nothing. For integrations (access.integrations), root and the daemon's
 * user.
 * Errors: org.freedesktop.DBus.Error.AccessDenied, Error.UnknownOperator,
 * org.freedesktop.DBus.Error.InvalidArgs (an unknown state; since_usec more
 * than a minute ahead or before the operator's current state began; a
 * reason over 4096 bytes). */
static int bus_method_set_agent_state(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(caller_done) Caller caller = {};
        const char *operator, *state, *reason;
        Manager *m = userdata;
        uint64_t since;
        int r;

        r = sd_bus_message_read(msg, "ssts", &operator, &state, &since, &reason);
        if (r < 0)
                return r;
        if (caller_from_message(msg, &caller) < 0 ||
            !access_is_integration(&m->policy->access, &caller, geteuid())) {
                log_notice("Denied uid %u to set the agent state of operator '%s'.", (unsigned) caller.uid,
                           ESCAPED(operator));
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "Only integrations (access.integrations) may set the agent state of "
                                         "operator '%.*s%s'.", BUS_QUOTE(operator));
        }

        r = manager_set_agent_state(m, operator, state, since, reason);
        switch (r) {
        case -EINVAL:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "No such state '%.*s%s'; expected logged_out, available, on_call, paused "
                                         "or on_break.", BUS_QUOTE(state));
        case -ENXIO:
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_OPERATOR,
                                         "No such operator '%.*s%s' in the roster.", BUS_QUOTE(operator));
        case -EDOM:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "since_usec lies more than a minute in the future.");
        case -ESTALE:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "since_usec lies before the operator's current state began.");
        case -E2BIG:
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "The reason is longer than %d bytes.", MANAGER_AGENT_REASON_MAX);
        default:
                if (r < 0)
                        return r;
        }
        return sd_bus_reply_method_return(msg, NULL);
}

/* One row of ListAgentStates: (operator, state, since_usec, reason, agent,
 * call_since_usec). */
static int bus_append_agent(sd_bus_message *reply, const Manager *m, const char *operator) {
        const ManagerAgent *a = manager_agent_get(m, operator);

        if (!a)
                return sd_bus_message_append(reply, "(sstsst)", operator, agent_state_to_string(AGENT_LOGGED_OUT),
                                             (uint64_t) 0, "", "", (uint64_t) 0);
        return sd_bus_message_append(reply, "(sstsst)", operator, agent_state_to_string(a->state), a->since,
                                     a->reason ?: "", a->agent ?: "", a->call_since);
}

/* ListAgentStates(s operator) → (a(sstsst) agents)
 * The agent state of operator, or with "" of every operator of the roster
 * the caller may read, as (operator, state, since_usec, reason, agent,
 * call_since_usec): state as SetAgentState takes it (logged_out, since 0,
 * for an operator nothing was heard of), since_usec when it began (UTC
 * microseconds), reason the ACD's for a pause or break, agent the ACD's
 * channel ("SIP/8007"), call_since_usec when the call in progress began
 * (0 when not on a call). An operator's state is theirs to read, their
 * leads', integrations' and root's; for an operator the caller may not
 * read, "" leaves them out.
 * Errors: org.freedesktop.DBus.Error.AccessDenied (a named operator the
 * caller may not read, whether or not it exists), Error.UnknownOperator. */
static int bus_method_list_agent_states(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(caller_done) Caller caller = {};
        Manager *m = userdata;
        const char *operator;
        bool integration;
        int r;

        r = sd_bus_message_read(msg, "s", &operator);
        if (r < 0)
                return r;
        if (!isempty(operator)) {
                r = bus_check_access_as(msg, m, operator, true, "read the agent state of", error);
                if (r < 0)
                        return r;
                if (roster_find_operator(m->roster, operator) < 0)
                        return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_OPERATOR,
                                                 "No such operator '%.*s%s' in the roster.", BUS_QUOTE(operator));
        }
        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;
        integration = access_is_integration(&m->policy->access, &caller, geteuid());
        r = bus_open_array(msg, "(sstsst)", &reply);
        if (r < 0)
                return r;
        if (!isempty(operator))
                r = bus_append_agent(reply, m, operator);
        for (size_t i = 0; r >= 0 && isempty(operator) && i < m->roster->n_operators; i++) {
                const Operator *o = &m->roster->operators[i];

                if (!integration && bus_caller_level(m, &caller, o->id) == ACCESS_DENIED)
                        continue;
                r = bus_append_agent(reply, m, o->id);
        }
        if (r < 0)
                return r;
        return bus_send_array(reply);
}

/* Reload(): as SIGHUP, re-read the policy, rosters and call records; the
 * reply comes after the new plan is out, so that the unit's ExecReload=
 * (respitectl reload) fails when the new policy was refused. For root and
 * the daemon's user. Errors: org.freedesktop.DBus.Error.AccessDenied,
 * Error.ReloadFailed (the running policy is kept; the message says why). */
static int bus_method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(caller_done) Caller caller = {};
        _cleanup_free_ char *reason = NULL;
        Manager *m = userdata;
        int r;

        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;
        if (!access_for_team(&m->policy->access, &caller, geteuid(), NULL)) {
                log_notice("Denied uid %u to reload.", (unsigned) caller.uid);
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED, "Only root may reload respited.");
        }
        r = manager_reload(m, &reason);
        if (r < 0)
                return sd_bus_error_setf(error, BUS_ERROR_RELOAD_FAILED,
                                         "Reload refused, the running policy is kept: %s",
                                         reason ?: strerror(-r));
        return sd_bus_reply_method_return(msg, NULL);
}

/* ---- feed URLs (HTTP feeds, respited(8) FEEDS) ---- */

/* Reply (s url, s webcal_url) for the feed of operator or team who, after
 * checking the caller may (an operator their own, a lead their teams' and
 * their operators', root all), with a new token first when rotate. */
static int bus_reply_feed_urls(sd_bus_message *msg, Manager *m, FeedAudience audience, const char *who, bool rotate,
                               sd_bus_error *error) {
        _cleanup_free_ char *url = NULL, *webcal = NULL;
        const char *what = rotate ? "rotate the feed token of" : "read the feed URL of";
        int r;

        if (audience == FEED_TEAM) {
                r = bus_check_team_access(msg, m, who, what, error);
                if (r < 0)
                        return r;
                if (!roster_has_team(m->roster, who))
                        return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_TEAM, "No such team '%.*s%s' in the roster.",
                                                 BUS_QUOTE(who));
        } else {
                r = bus_check_access(msg, m, who, what, error);
                if (r < 0)
                        return r;
                if (roster_find_operator(m->roster, who) < 0)
                        return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_OPERATOR,
                                                 "No such operator '%.*s%s' in the roster.", BUS_QUOTE(who));
        }

        r = manager_feed_urls(m, audience, who, rotate, &url, &webcal);
        if (r == -EOPNOTSUPP)
                return sd_bus_error_setf(error, SD_BUS_ERROR_NOT_SUPPORTED,
                                         "respited serves no feeds over HTTP (feeds.listen in respite.conf(5) is "
                                         "empty, or it cannot listen yet: see FeedServer in respitectl status).");
        if (r == -ENOENT)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FILE_NOT_FOUND,
                                         "The feed has no token yet; respited makes one at start and on reload.");
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(msg, "ss", url, webcal);
}

/* GetFeedURL(s operator) → (s url, s webcal_url)
 * The secret URL of the operator's own feed: the http(s):// form and the
 * webcal:// one. For the operator's user, a lead of their team and root.
 * Errors: org.freedesktop.DBus.Error.AccessDenied, Error.UnknownOperator,
 * org.freedesktop.DBus.Error.NotSupported (no HTTP).
 *
 * GetTeamFeedURL(s team) → (s url, s webcal_url)
 * The secret URL of a team's feed. For the team's leads and root.
 * Errors: org.freedesktop.DBus.Error.AccessDenied, Error.UnknownTeam,
 * org.freedesktop.DBus.Error.NotSupported. */
static int bus_method_get_feed_url(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        FeedAudience audience = streq(sd_bus_message_get_member(msg), BUS_METHOD_GET_TEAM_FEED_URL) ?
                                FEED_TEAM : FEED_OPERATOR;
        const char *who;
        int r;

        r = sd_bus_message_read(msg, "s", &who);
        if (r < 0)
                return r;
        return bus_reply_feed_urls(msg, userdata, audience, who, false, error);
}

/* RotateFeedToken(s kind, s name) → (s url, s webcal_url)
 * Give the feed of operator name (kind "operator") or team name (kind
 * "team") a new secret token, kept in the store; the old URL answers 404 at
 * once. Returns the new URLs. Allowed as GetFeedURL / GetTeamFeedURL.
 * Errors: as those, and org.freedesktop.DBus.Error.InvalidArgs for another
 * kind. */
static int bus_method_rotate_feed_token(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *kind, *name;
        FeedAudience audience;
        int r;

        r = sd_bus_message_read(msg, "ss", &kind, &name);
        if (r < 0)
                return r;
        audience = feed_audience_from_string(kind);
        if (audience < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "kind must be \"operator\" or \"team\", not \"%.*s%s\".", BUS_QUOTE(kind));
        return bus_reply_feed_urls(msg, userdata, audience, name, true, error);
}

static int bus_property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                    sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", VERSION);
}

static int bus_property_get_timezone(sd_bus *bus, const char *path, const char *interface, const char *property,
                                     sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        return sd_bus_message_append(reply, "s", m->policy->timezone);
}

static int bus_property_get_now(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        return sd_bus_message_append(reply, "t", clock_now(&m->clock));
}

#define BREAK_SIGNAL(name)                                                              \
        SD_BUS_SIGNAL_WITH_ARGS(name,                                                   \
                                SD_BUS_ARGS("s", operator, "s", uid, "s", kind,         \
                                            "t", start_usec, "t", end_usec, "s", reason), \
                                0)

static const sd_bus_vtable bus_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY(BUS_PROPERTY_VERSION, "s", bus_property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY(BUS_PROPERTY_TIMEZONE, "s", bus_property_get_timezone, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        /* The daemon's clock (the replay clock under --clock), UTC usec. */
        SD_BUS_PROPERTY(BUS_PROPERTY_NOW, "t", bus_property_get_now, 0, 0),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_REPORT_INCIDENT,
                                SD_BUS_ARGS("s", operator, "s", category, "t", when_usec, "s", note),
                                SD_BUS_RESULT("s", incident_id),
                                bus_method_report_incident, SD_BUS_VTABLE_UNPRIVILEGED),
        /* ReportIncident() with an idempotency key: retrying with the same
         * client_id is safe, it stores one incident and returns its id
         * (bus-incidents.c). */
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_REPORT_INCIDENT_WITH_ID,
                                SD_BUS_ARGS("s", client_id, "s", operator, "s", category, "t", when_usec,
                                            "s", note),
                                SD_BUS_RESULT("s", incident_id),
                                bus_method_report_incident_with_id, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_GET_SCHEDULE,
                                SD_BUS_ARGS("s", operator, "t", from_usec, "t", to_usec),
                                SD_BUS_RESULT("a(sttss)", breaks),
                                bus_method_get_schedule, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_GET_METRICS, SD_BUS_NO_ARGS, SD_BUS_RESULT("a{sv}", metrics),
                                bus_method_get_metrics, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_WHO_AM_I, SD_BUS_NO_ARGS, SD_BUS_RESULT("s", operator),
                                bus_method_who_am_i, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_GET_STATUS, SD_BUS_NO_ARGS, SD_BUS_RESULT("a{sv}", status),
                                bus_method_get_status, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_LIST_OPERATORS, SD_BUS_NO_ARGS, SD_BUS_RESULT("a(sssttt)", operators),
                                bus_method_list_operators, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_LIST_INCIDENTS, SD_BUS_ARGS("s", operator, "t", since_usec),
                                SD_BUS_RESULT("a(ssstts)", incidents),
                                bus_method_list_incidents, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_LIST_INCIDENTS_PAGE,
                                SD_BUS_ARGS("s", operator, "t", since_usec, "u", limit, "s", cursor),
                                SD_BUS_RESULT("a(ssstts)", incidents, "s", next_cursor),
                                bus_method_list_incidents, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_GET_INCIDENT_RECORD_PAGE,
                                SD_BUS_ARGS("t", from_usec, "t", to_usec, "s", team, "u", limit, "s", cursor),
                                SD_BUS_RESULT("aa{sv}", incidents, "s", next_cursor),
                                bus_method_get_incident_record, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_GET_INCIDENT_RECORD,
                                SD_BUS_ARGS("t", from_usec, "t", to_usec, "s", team),
                                SD_BUS_RESULT("aa{sv}", incidents),
                                bus_method_get_incident_record, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_GET_TEAM_DAY, SD_BUS_ARGS("s", team, "s", date),
                                SD_BUS_RESULT("t", from_usec, "t", to_usec, "t", revision_usec,
                                              "a(ssttba(sttss))", shifts, "t", requirement_start_usec,
                                              "t", interval_usec, "au", required),
                                bus_method_get_team_day, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_LIST_ALERTS, SD_BUS_ARGS("t", since_usec),
                                SD_BUS_RESULT("a(ssssttttttss)", alerts),
                                bus_method_list_alerts, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_ACKNOWLEDGE_ALERT, SD_BUS_ARGS("s", alert_id, "s", note),
                                SD_BUS_NO_RESULT,
                                bus_method_acknowledge_alert, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_SUBSCRIBE, SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
                                bus_method_subscribe, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_UNSUBSCRIBE, SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
                                bus_method_unsubscribe, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_SET_AGENT_STATE,
                                SD_BUS_ARGS("s", operator, "s", state, "t", since_usec, "s", reason),
                                SD_BUS_NO_RESULT,
                                bus_method_set_agent_state, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_LIST_AGENT_STATES, SD_BUS_ARGS("s", operator),
                                SD_BUS_RESULT("a(sstsst)", agents),
                                bus_method_list_agent_states, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_RELOAD, SD_BUS_NO_ARGS, SD_BUS_NO_RESULT,
                                bus_method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_GET_FEED_URL, SD_BUS_ARGS("s", operator),
                                SD_BUS_RESULT("s", url, "s", webcal_url),
                                bus_method_get_feed_url, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_GET_TEAM_FEED_URL, SD_BUS_ARGS("s", team),
                                SD_BUS_RESULT("s", url, "s", webcal_url),
                                bus_method_get_feed_url, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS(BUS_METHOD_ROTATE_FEED_TOKEN, SD_BUS_ARGS("s", kind, "s", name),
                                SD_BUS_RESULT("s", url, "s", webcal_url),
                                bus_method_rotate_feed_token, SD_BUS_VTABLE_UNPRIVILEGED),
        BREAK_SIGNAL(BUS_SIGNAL_BREAK_SCHEDULED),
        BREAK_SIGNAL(BUS_SIGNAL_BREAK_STARTED),
        BREAK_SIGNAL(BUS_SIGNAL_BREAK_ENDED),
        SD_BUS_SIGNAL_WITH_ARGS(BUS_SIGNAL_SCHEDULE_CHANGED, SD_BUS_ARGS("s", operator), 0),
        SD_BUS_SIGNAL_WITH_ARGS(BUS_SIGNAL_LEAD_ALERT,
                                SD_BUS_ARGS("s", alert_id, "s", operator, "s", category, "t", when_usec,
                                            "t", recovery_start_usec, "t", recovery_end_usec), 0),
        SD_BUS_SIGNAL_WITH_ARGS(BUS_SIGNAL_ALERT_ACKNOWLEDGED,
                                SD_BUS_ARGS("s", alert_id, "s", operator, "s", by, "t", acknowledged_usec), 0),
        SD_BUS_VTABLE_END
};

int bus_connect(Manager *m) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r, owned;

        r = m->user_bus ? sd_bus_open_user(&m->bus) : sd_bus_open_system(&m->bus);
        if (r < 0)
                return r;
        r = sd_bus_call_method(m->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", &error, &reply, "s", BUS_NAME);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "b", &owned);
        if (r < 0)
                return r;
        return owned ? -EEXIST : 0;
}

/* The connection to the bus is gone (dbus-daemon stopped or restarted;
 * sd-bus reports it as the local Disconnected signal). Off the bus respited
 * would run on unseen, so it ends the loop with a failure: systemd's
 * Restart=on-failure starts it again on the new bus. */
static int bus_on_disconnected(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;

        log_error("Lost the connection to the %s bus (dbus-daemon stopped or restarted); exiting with a failure "
                  "so that systemd starts respited again (Restart=on-failure).", m->user_bus ? "session" : "system");
        return sd_event_exit(m->event, -ENOTCONN);
}

int bus_error_reply_too_large(sd_bus_error *error, const char *method, const char *hint) {
        return sd_bus_error_setf(error, BUS_ERROR_REPLY_TOO_LARGE,
                                 "The reply of %s would carry more than %u MiB, more than respited sends in one "
                                 "message (the bus drops a peer whose message is over its max_message_size); %s.",
                                 method, BUS_REPLY_MAX / 1024U / 1024U, hint);
}

/* The name of argument position (from 1) of method member, as the vtable
 * declares it, or "?". */
static const char *bus_argument_name(const char *member, unsigned position) {
        for (const sd_bus_vtable *v = bus_vtable; v->type != _SD_BUS_VTABLE_END; v++) {
                const char *name;

                if (v->type != _SD_BUS_VTABLE_METHOD || !streq(v->x.method.member, member) || !v->x.method.names)
                        continue;
                name = v->x.method.names;
                for (unsigned i = 1; i < position && *name; i++)
                        name += strlen(name) + 1;
                return *name ? name : "?";
        }
        return "?";
}

/* A filter before every method of the interface: each string argument is
 * at most BUS_STRING_MAX bytes, or the call is answered with InvalidArgs
 * (naming the argument and its size, quoting none of it) and no method
 * sees it. */
static int bus_check_arguments(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        unsigned position = 0;
        int r;

        if (!sd_bus_message_is_method_call(msg, BUS_INTERFACE, NULL))
                return 0;
        for (;;) {
                const char *s;
                char type;

                r = sd_bus_message_peek_type(msg, &type, NULL);
                if (r <= 0)
                        break;
                position++;
                if (type != SD_BUS_TYPE_STRING) {
                        r = sd_bus_message_skip(msg, NULL);
                        if (r < 0)
                                break;
                        continue;
                }
                r = sd_bus_message_read_basic(msg, SD_BUS_TYPE_STRING, &s);
                if (r < 0)
                        break;
                if (strlen(s) > BUS_STRING_MAX) {
                        const char *member = sd_bus_message_get_member(msg);

                        log_notice("Refused %s from %s: argument %u (%s) is %zu bytes, more than %u.", member,
                                   sd_bus_message_get_sender(msg) ?: "?", position,
                                   bus_argument_name(member, position), strlen(s), BUS_STRING_MAX);
                        r = sd_bus_reply_method_errorf(msg, SD_BUS_ERROR_INVALID_ARGS,
                                                       "Argument %u (%s) of %s is %zu bytes long; respited takes "
                                                       "strings of at most %u bytes.", position,
                                                       bus_argument_name(member, position), member, strlen(s),
                                                       BUS_STRING_MAX);
                        return r < 0 ? r : 1;
                }
        }
        /* A malformed body is the method's to refuse, as without the filter. */
        (void) sd_bus_message_rewind(msg, true);
        return 0;
}

int bus_publish(Manager *m) {
        int r;

        r = sd_bus_add_filter(m->bus, NULL, bus_check_arguments, m);
        if (r < 0)
                return r;

        r = sd_bus_match_signal(m->bus, NULL, "org.freedesktop.DBus.Local", "/org/freedesktop/DBus/Local",
                                "org.freedesktop.DBus.Local", "Disconnected", bus_on_disconnected, m);
        if (r < 0)
                return r;
        r = sd_bus_add_object_vtable(m->bus, NULL, BUS_PATH, BUS_INTERFACE, bus_vtable, m);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(m->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return r;
        return sd_bus_request_name(m->bus, BUS_NAME, 0);
}

int bus_emit_policy_changed(Manager *m) {
        if (!m->bus)
                return 0;
        return sd_bus_emit_properties_changed(m->bus, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_TIMEZONE, NULL);
}
