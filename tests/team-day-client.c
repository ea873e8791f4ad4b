/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* team-day-client [--user] TEAM [DATE]: call ctl_bus_get_team_day() (the
 * client of GetTeamDay that respitectl's renderers use) and print what it
 * rebuilt as JSON: the day, the Plan (now, breaks, statutory_violations,
 * every shift with its breaks), the Coverage, and the intraday view that
 * intraday_compute() draws from them (as an offline plan's). Exit status 0,
 * or 1 with the error logged. Used by tests/team-day.sh. */
#include "core/intraday.h"
#include "ctl/ctl-bus.h"
#include "ctl/ctl-json.h"
#include "shared/log.h"

/* What ctl-bus.c reads of respitectl's command line. */
bool arg_user;

static json_object *team_day_client_shift(const ShiftPlan *s) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *breaks = json_object_new_array();

        if (!o || !breaks || ctl_json_add_string(o, "operator", s->operator) < 0 ||
            ctl_json_add_string(o, "team", s->team) < 0 || ctl_json_add_string(o, "uid", s->uid) < 0 ||
            ctl_json_add_uint(o, "start", s->start) < 0 || ctl_json_add_uint(o, "end", s->end) < 0 ||
            ctl_json_add_uint(o, "statutory_violation", s->statutory_violation) < 0)
                return NULL;
        for (size_t i = 0; i < s->n_breaks; i++) {
                const Break *b = &s->breaks[i];
                json_object *j = json_object_new_object();

                if (!j || json_object_array_add(breaks, j) < 0) {
                        json_object_put(j);
                        return NULL;
                }
                if (ctl_json_add_string(j, "kind", break_kind_to_string(b->kind)) < 0 ||
                    ctl_json_add_uint(j, "start", b->start) < 0 || ctl_json_add_uint(j, "end", b->end) < 0 ||
                    ctl_json_add_string(j, "uid", b->uid) < 0 || ctl_json_add_string(j, "reason", b->reason) < 0)
                        return NULL;
        }
        if (ctl_json_add_object(o, "breaks", breaks) < 0)
                return NULL;
        return TAKE_PTR(o);
}

static int team_day_client_print(const char *team, const Plan *p, const Coverage *c, usec_t from, usec_t to) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *shifts = json_object_new_array(),
                                                *required = json_object_new_array();
        _cleanup_(intraday_freep) Intraday *d = NULL;
        const TeamCoverage *t = coverage_find_team(c, team);
        unsigned most_on_shift = 0, most_required = 0;
        int r;

        if (!o || !shifts || !required)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_shifts; i++) {
                json_object *s = team_day_client_shift(&p->shifts[i]);

                if (!s || json_object_array_add(shifts, s) < 0) {
                        json_object_put(s);
                        return -ENOMEM;
                }
        }
        for (size_t i = 0; t && i < t->n; i++)
                if (json_object_array_add(required, json_object_new_uint64(t->required[i])) < 0)
                        return -ENOMEM;
        r = intraday_compute(p, c, team, from, to, &d);
        if (r < 0)
                return r;
        for (size_t i = 0; i < d->n_minutes; i++) {
                most_on_shift = MAX(most_on_shift, d->on_shift[i]);
                most_required = MAX(most_required, d->required[i]);
        }
        if (ctl_json_add_uint(o, "from", from) < 0 || ctl_json_add_uint(o, "to", to) < 0 ||
            ctl_json_add_uint(o, "now", p->now) < 0 || ctl_json_add_uint(o, "breaks", p->breaks) < 0 ||
            ctl_json_add_uint(o, "statutory_violations", p->statutory_violations) < 0 ||
            ctl_json_add_object(o, "shifts", shifts) < 0 ||
            ctl_json_add_uint(o, "coverage_teams", c->n_teams) < 0 ||
            ctl_json_add_string(o, "coverage_team", t ? t->team : NULL) < 0 ||
            ctl_json_add_uint(o, "coverage_start", t ? t->start : 0) < 0 ||
            ctl_json_add_uint(o, "coverage_interval", t ? t->interval : 0) < 0 ||
            ctl_json_add_object(o, "required", required) < 0 ||
            ctl_json_add_uint(o, "intraday_minutes", d->n_minutes) < 0 ||
            ctl_json_add_uint(o, "intraday_most_on_shift", most_on_shift) < 0 ||
            ctl_json_add_uint(o, "intraday_most_required", most_required) < 0)
                return -ENOMEM;
        return ctl_json_print(o);
}

int main(int argc, char **argv) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_(coverage_freep) Coverage *coverage = NULL;
        usec_t from, to;
        int r;

        log_setup();
        if (argc > 1 && streq(argv[1], "--user")) {
                arg_user = true;
                argv++;
                argc--;
        }
        if (argc < 2 || argc > 3) {
                fprintf(stderr, "Usage: team-day-client [--user] TEAM [DATE]\n");
                return 1;
        }
        r = ctl_bus_open(&bus, NULL, NULL);
        if (r < 0)
                return 1;
        r = ctl_bus_get_team_day(bus, argv[1], argc > 2 ? argv[2] : NULL, &plan, &coverage, &from, &to);
        if (r < 0)
                return 1;
        r = team_day_client_print(argv[1], plan, coverage, from, to);
        if (r < 0) {
                log_error_errno(r, "Failed to print the team's day: %m");
                return 1;
        }
        return 0;
}
