/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ctl/ctl-bus.h"
#include "ctl/respitectl.h"
#include "ctl/verbs-internal.h"
#include "ctl/verbs-team-day.h"
#include "shared/i18n.h"
#include "shared/log.h"

bool verbs_team_day_wanted(void) {
        return !arg_rosters && !arg_calls && !arg_incidents && !arg_config && !arg_from && !arg_to;
}

static int verbs_team_day_string_cmp(const void *a, const void *b) {
        return strcmp(*(const char * const *) a, *(const char * const *) b);
}

/* The teams of the operators the caller may read, sorted, distinct: into
 * *ret (strings of reply). Returns how many, or a negative errno (logged). */
static ssize_t verbs_team_day_teams(sd_bus *bus, sd_bus_message **ret_reply, const char ***ret) {
        _cleanup_free_ OperatorRow *rows = NULL;
        _cleanup_free_ const char **teams = NULL;
        size_t n, k = 0;
        int r;

        r = verbs_daemon_list_operators(bus, ret_reply, &rows, &n);
        if (r < 0)
                return r;
        teams = calloc(MAX(n, (size_t) 1), sizeof(char *));
        if (!teams)
                return log_oom();
        for (size_t i = 0; i < n; i++)
                teams[i] = rows[i].team;
        qsort(teams, n, sizeof(char *), verbs_team_day_string_cmp);
        for (size_t i = 0; i < n; i++)
                if (k == 0 || !streq(teams[k - 1], teams[i]))
                        teams[k++] = teams[i];
        *ret = TAKE_PTR(teams);
        return (ssize_t) k;
}

static int verbs_team_day_shift_cmp(const void *a, const void *b) {
        return shift_plan_compare(a, b);
}

/* Move the shifts of from and its one team's coverage into plan and
 * coverage. */
static int verbs_team_day_join(Plan *plan, Coverage *coverage, Plan *from, Coverage *from_coverage) {
        if (array_grow((void **) &plan->shifts, plan->n_shifts + from->n_shifts, sizeof(ShiftPlan)) < 0 ||
            array_grow((void **) &coverage->teams, coverage->n_teams + from_coverage->n_teams,
                       sizeof(TeamCoverage)) < 0)
                return -ENOMEM;
        if (from->n_shifts > 0)
                memcpy(plan->shifts + plan->n_shifts, from->shifts, from->n_shifts * sizeof(ShiftPlan));
        plan->n_shifts += from->n_shifts;
        plan->breaks += from->breaks;
        plan->statutory_violations += from->statutory_violations;
        plan->now = MAX(plan->now, from->now);
        from->n_shifts = 0;
        if (from_coverage->n_teams > 0)
                memcpy(coverage->teams + coverage->n_teams, from_coverage->teams,
                       from_coverage->n_teams * sizeof(TeamCoverage));
        coverage->n_teams += from_coverage->n_teams;
        from_coverage->n_teams = 0;
        return 0;
}

int verbs_team_day_fetch(Plan **ret_plan, Coverage **ret_coverage, usec_t *ret_from, usec_t *ret_to,
                         char **ret_zone) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(plan_freep) Plan *plan = calloc(1, sizeof(Plan));
        _cleanup_(coverage_freep) Coverage *coverage = calloc(1, sizeof(Coverage));
        _cleanup_free_ const char **teams = NULL;
        _cleanup_free_ char *zone = NULL;
        char date[ISO8601_MAX];
        usec_t now, from = 0, to = 0;
        ssize_t n = 1;
        int r;

        if (!plan || !coverage)
                return log_oom();
        r = ctl_bus_open(&bus, &zone, &now);
        if (r < 0)
                return r;
        r = verbs_daemon_resolve_date(arg_date, zone, now, date);
        if (r < 0)
                return log_error_errno(r, _("Failed to read the site's time zone '%s': %m"), zone);
        if (!arg_team) {
                n = verbs_team_day_teams(bus, &reply, &teams);
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        return log_error_errno(EACCES, "%s", _("respited shows you no operator, so no team: a team's "
                                                             "leads and root see its day (respite.conf(5), access)."));
        }
        for (ssize_t i = 0; i < n; i++) {
                _cleanup_(plan_freep) Plan *day = NULL;
                _cleanup_(coverage_freep) Coverage *need = NULL;

                r = ctl_bus_get_team_day(bus, arg_team ?: teams[i], date, &day, &need, &from, &to);
                if (r < 0)
                        return r;
                if (verbs_team_day_join(plan, coverage, day, need) < 0)
                        return log_oom();
        }
        if (plan->n_shifts > 0)
                qsort(plan->shifts, plan->n_shifts, sizeof(ShiftPlan), verbs_team_day_shift_cmp);

        *ret_plan = TAKE_PTR(plan);
        *ret_coverage = TAKE_PTR(coverage);
        *ret_from = from;
        *ret_to = to;
        *ret_zone = TAKE_PTR(zone);
        return 0;
}
