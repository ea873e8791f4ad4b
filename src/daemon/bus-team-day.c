/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The bus's view of a team's day for its leads: GetTeamDay (respited(8)),
 * the live plan of one team over one local day, for a coverage chart or a
 * Gantt drawn by a client. */
#include "daemon/bus-internal.h"
#include "daemon/manager-internal.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* Append one shift as (operator, uid, start_usec, end_usec,
 * statutory_violation, breaks), each break (kind, start_usec, end_usec, uid,
 * reason) as GetSchedule gives it: the private reason, the bus's uid. */
static int bus_team_day_append_shift(sd_bus_message *reply, const ShiftPlan *s) {
        _cleanup_free_ char *uid = NULL;
        int r;

        r = feed_event_uid(s->uid, &uid);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'r', "ssttba(sttss)");
        if (r < 0)
                return r;
        r = sd_bus_message_append(reply, "ssttb", s->operator, uid, s->start, s->end, (int) s->statutory_violation);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sttss)");
        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n_breaks; i++) {
                r = bus_append_break(reply, &s->breaks[i]);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

/* Append the shifts of team's operators in plan p that meet [from, to), in
 * plan order (the roster's by_team lists the operators by id; each one's
 * shifts are together, by start): costs the team's operators and their
 * shifts, not the site's. */
static int bus_team_day_append_shifts(sd_bus_message *reply, const Manager *m, const char *team, usec_t from,
                                      usec_t to) {
        const size_t *members;
        size_t n = roster_team_operators(m->roster, team, &members);
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ssttba(sttss))");
        if (r < 0)
                return r;
        for (size_t i = 0; m->plan && i < n; i++) {
                size_t first, k = plan_operator_shifts(m->plan, m->roster->operators[members[i]].id, &first);

                for (size_t j = first; j < first + k; j++) {
                        const ShiftPlan *s = &m->plan->shifts[j];

                        if (s->end <= from || s->start >= to)
                                continue;
                        r = bus_team_day_append_shift(reply, s);
                        if (r < 0)
                                return r;
                }
        }
        return sd_bus_message_close_container(reply);
}

/* Append team's requirement over [from, to) as (requirement_start_usec,
 * interval_usec, au required): whole intervals of the coverage, the first
 * holding from, the last holding to - 1; 0 where the coverage has no
 * interval (outside the roster's span). */
static int bus_team_day_append_requirement(sd_bus_message *reply, const Manager *m, const char *team, usec_t from,
                                           usec_t to) {
        const TeamCoverage *t = coverage_find_team(m->coverage, team);
        usec_t interval = t && t->interval > 0 ? t->interval :
                          m->policy->coverage.interval ?: 30 * USEC_PER_MINUTE;
        usec_t start = t ? (from >= t->start ? t->start + (from - t->start) / interval * interval :
                                              t->start - usec_ceil(t->start - from, interval)) :
                           from / interval * interval;
        int r;

        r = sd_bus_message_append(reply, "tt", start, interval);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "u");
        if (r < 0)
                return r;
        for (usec_t at = start; at < to; at += interval) {
                r = sd_bus_message_append(reply, "u", (uint32_t) team_coverage_required(t, at));
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

/* GetTeamDay(s team, s date) → (t from_usec, t to_usec, t revision_usec,
 *                               a(ssttba(sttss)) shifts, t requirement_start_usec,
 *                               t interval_usec, au required)
 * The live plan of team over one local day, to draw it: date is
 * "YYYY-MM-DD" in the site's zone ("" = today on the daemon's clock);
 * [from_usec, to_usec) is that day in UTC microseconds (23, 24 or 25 hours);
 * revision_usec the instant of the plan's last revision (0 before the
 * first). shifts: every shift of the team's operators that meets the day
 * (whole, not cut at its edges), by operator id then start, as (operator,
 * uid, start_usec, end_usec, statutory_violation, breaks), its breaks by
 * start as GetSchedule gives them: (kind "planned", "statutory" or
 * "recovery", start_usec, end_usec, uid, reason, the private one: it names
 * an incident's category). The requirement: operators needed on the phones
 * in each interval of interval_usec from requirement_start_usec (at or
 * before from_usec; intervals as respite.conf(5) coverage counts them) to
 * the first boundary at or after to_usec; 0 outside the roster's span.
 * For the team's leads, root and the daemon's user (the reasons carry
 * incident categories). Costs the team's shifts and the day's intervals.
 * Errors: org.freedesktop.DBus.Error.AccessDenied (anyone else, whether
 * the team exists or not), Error.UnknownTeam (not in the roster),
 * org.freedesktop.DBus.Error.InvalidArgs (date is no day YYYY-MM-DD, or
 * one before 1970). */
int bus_method_get_team_day(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        const char *team, *date;
        usec_t from, to;
        int r;

        r = sd_bus_message_read(msg, "ss", &team, &date);
        if (r < 0)
                return r;
        r = bus_check_team_access(msg, m, team, "read the day of", error);
        if (r < 0)
                return r;
        if (!roster_has_team(m->roster, team))
                return sd_bus_error_setf(error, BUS_ERROR_UNKNOWN_TEAM, "No such team '%.*s%s' in the roster.",
                                         BUS_QUOTE(team));
        r = isempty(date) ? time_local_day_bounds(clock_now(&m->clock), m->policy->timezone, &from, &to) :
                            time_parse_day(date, m->policy->timezone, &from, &to);
        if (r == -EINVAL || r == -ERANGE)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "date must be a day as YYYY-MM-DD (in %s), or \"\" for today, not '%.*s%s'.",
                                         m->policy->timezone, BUS_QUOTE(date));
        if (r < 0)
                return r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_append(reply, "ttt", from, to, m->plan ? m->plan->now : (usec_t) 0);
        if (r < 0)
                return r;
        r = bus_team_day_append_shifts(reply, m, team, from, to);
        if (r < 0)
                return r;
        r = bus_team_day_append_requirement(reply, m, team, from, to);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}
