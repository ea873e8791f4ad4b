/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The verbs that work without a daemon, on the policy and the files given:
 * plan, coverage and import-check. Times show in the policy's zone. */
#include "core/incident.h"
#include "core/adherence.h"
#include "core/metrics.h"
#include "core/planner.h"
#include "core/policy-languages.h"
#include "core/policy.h"
#include "core/roster.h"
#include "ctl/chart-term.h"
#include "ctl/ctl-json.h"
#include "ctl/format-table.h"
#include "ctl/respitectl.h"
#include "ctl/verbs-team-day.h"
#include "ctl/term.h"
#include "ctl/verbs-internal.h"
#include "import/import-check.h"
#include "import/inputs.h"
#include "publish/feed.h"
#include "publish/plan-html.h"
#include "shared/clock.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* The policy of --config, else of the default file when it is readable,
 * else the built-in defaults; and --from and --to in its zone, into *from
 * and *to (left alone when not given). Logs. */
static int verbs_offline_load_policy(Policy **ret, usec_t *from, usec_t *to) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *error = NULL;
        const char *path = arg_config;
        int r;

        if (!path && access(POLICY_DEFAULT_PATH, R_OK) >= 0)
                path = POLICY_DEFAULT_PATH;
        r = path ? policy_load(path, &p, &error) : policy_load_string("", NULL, &p, &error);
        if (r < 0)
                return log_error_errno(r, "%s", error ?: _("Failed to load the policy."));
        if (arg_from && time_parse_iso8601(arg_from, p->timezone, from) < 0)
                return log_error_errno(EINVAL, _("--from: expected an ISO 8601 time, got '%s'."), arg_from);
        if (arg_to && time_parse_iso8601(arg_to, p->timezone, to) < 0)
                return log_error_errno(EINVAL, _("--to: expected an ISO 8601 time, got '%s'."), arg_to);
        *ret = TAKE_PTR(p);
        return 0;
}

/* The roster, calls and incidents of --roster, --calls and --incidents (or
 * the policy's sources), as respited would read them. Logs. */
static int verbs_offline_load_inputs(const Policy *p, Inputs *ret) {
        InputFiles files = {
                .rosters = arg_rosters ?: p->rosters,
                .calls = arg_calls ?: p->calls,
                .incidents = arg_incidents,
        };
        _cleanup_(inputs_done) Inputs in = {};
        int r;

        if (!files.rosters)
                return log_error_errno(EINVAL, _("No roster: give --roster PATH, or set sources.rosters in the policy "
                                         "(respite.conf(5))."));
        r = inputs_load(p, &files, NULL, &in);
        if (r < 0)
                return r;
        if (in.n_failed > 0)
                return -EIO;            /* each file said why */
        *ret = in;
        in = (Inputs) {};
        return 0;
}

static int verbs_offline_incident_received_cmp(const void *a, const void *b) {
        const Incident *x = *(const Incident * const *) a, *y = *(const Incident * const *) b;

        return CMP(x->received, y->received) ?: strcmp(x->id, y->id);
}

/* The incidents and calls every revision of the replay sees: all of them
 * (planner_incidents_fn and planner_calls_fn want at least the operator's). */
typedef struct OfflineReplay {
        const IncidentList *incidents;
        const CallIndex *calls;
} OfflineReplay;

static const IncidentList *verbs_offline_incidents_of(const char *operator, void *userdata) {
        const OfflineReplay *replay = userdata;

        return replay->incidents;
}

static const CallIndex *verbs_offline_calls_of(const char *operator, void *userdata) {
        const OfflineReplay *replay = userdata;

        return replay->calls;
}

/* --metrics: replay the incidents as the daemon meets them, so that breaks
 * moved by revisions count. The first plan is made at the earliest shift
 * start and covers the incidents received by then; each later incident,
 * in order of receipt, revises its operator's team at its receipt
 * (planner_revise_team(), as respited does), incidents received at one
 * instant one after the other. The last revision is the plan. */
static int verbs_offline_plan_replay(const Roster *roster, const Policy *p, const Coverage *coverage,
                                     const IncidentList *incidents, const CallIndex *calls, Plan **ret) {
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_free_ const Incident **order = NULL;
        OfflineReplay replay = { .incidents = incidents, .calls = calls };
        usec_t start = USEC_INFINITY;
        int r;

        for (size_t i = 0; i < roster->n_shifts; i++)
                start = MIN(start, roster->shifts[i].start);
        if (start == USEC_INFINITY)
                start = 0;
        r = planner_run(roster, p, coverage, incidents, calls, NULL, start, &plan);
        if (r < 0)
                return r;

        order = calloc(MAX(incidents->n, (size_t) 1), sizeof(Incident *));
        if (!order)
                return -ENOMEM;
        for (size_t i = 0; i < incidents->n; i++)
                order[i] = &incidents->items[i];
        qsort(order, incidents->n, sizeof(Incident *), verbs_offline_incident_received_cmp);
        for (size_t i = 0; i < incidents->n; i++) {
                const size_t *revised;
                ssize_t n;

                /* Not plan->now: an incident received at the instant of
                 * the last revision still has its own. */
                if (order[i]->received <= start || roster_find_operator(roster, order[i]->operator) < 0)
                        continue;
                n = planner_revise_team(plan, roster, p, coverage, verbs_offline_incidents_of,
                                        calls ? verbs_offline_calls_of : NULL, &replay, order[i]->received,
                                        order[i]->operator, &revised);
                if (n < 0)
                        return (int) n;
        }
        *ret = TAKE_PTR(plan);
        return 0;
}

/* The operators' timelines the calls and pauses imply (adherence_timeline_fn). */
typedef struct OfflineTimelines {
        const CallIndex *calls;
        AgentStateChange *changes;      /* the last operator's, reused */
} OfflineTimelines;

static const AgentStateChange *verbs_offline_timeline_of(const char *operator, size_t *ret_n, void *userdata) {
        OfflineTimelines *t = userdata;

        if (adherence_timeline_from_calls(t->calls, operator, &t->changes, ret_n) < 0) {
                log_oom();
                *ret_n = 0;
        }
        return t->changes;
}

/* {"recovery": {"taken": 3, "partly_taken": 1, "not_taken": 0}, …} into
 * o as "adherence", for the kinds with a break judged. */
static int verbs_offline_adherence_json(json_object *o, const AdherenceCounts *c) {
        _cleanup_(json_object_putp) json_object *kinds = json_object_new_object();
        bool any = false;

        if (!kinds)
                return -ENOMEM;
        for (BreakKind k = 0; k < _BREAK_KIND_MAX; k++) {
                _cleanup_(json_object_putp) json_object *v = json_object_new_object();
                const unsigned *b = c->breaks[k];

                if (!v)
                        return -ENOMEM;
                if (b[ADHERENCE_TAKEN] + b[ADHERENCE_PARTLY_TAKEN] + b[ADHERENCE_NOT_TAKEN] == 0)
                        continue;
                if (ctl_json_add_uint(v, "taken", b[ADHERENCE_TAKEN]) < 0 ||
                    ctl_json_add_uint(v, "partly_taken", b[ADHERENCE_PARTLY_TAKEN]) < 0 ||
                    ctl_json_add_uint(v, "not_taken", b[ADHERENCE_NOT_TAKEN]) < 0 ||
                    ctl_json_add_object(kinds, break_kind_to_string(k), v) < 0)
                        return -ENOMEM;
                any = true;
        }
        return any ? ctl_json_add_object(o, "adherence", kinds) : 0;
}

static int verbs_offline_metrics_json(const Metrics *m, const Metrics *base, const AdherenceCounts *adherence) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *kinds = json_object_new_object(),
                *teams = json_object_new_object(), *forced = json_object_new_object();

        if (!o || !kinds || !teams || !forced)
                return log_oom();
        for (BreakKind k = 0; k < _BREAK_KIND_MAX; k++)
                if (ctl_json_add_uint(kinds, break_kind_to_string(k), m->break_time[k] / USEC_PER_MINUTE) < 0)
                        return log_oom();
        for (size_t i = 0; i < m->n_teams; i++)
                if (ctl_json_add_uint(teams, m->teams[i].team, m->teams[i].shortfall_minutes) < 0 ||
                    ctl_json_add_uint(forced, m->teams[i].team, m->teams[i].forced_minutes) < 0)
                        return log_oom();
        if (ctl_json_add_uint(o, "shifts", m->shifts) < 0 ||
            ctl_json_add_uint(o, "statutory_violations", m->statutory_violations) < 0 ||
            ctl_json_add_uint(o, "recoveries", m->recoveries) < 0 ||
            ctl_json_add_uint(o, "recoveries_late", m->recoveries_late) < 0 ||
            ctl_json_add_uint(o, "recoveries_unserved", m->recoveries_unserved) < 0 ||
            ctl_json_add_uint(o, "recoveries_short", m->recoveries_short) < 0 ||
            ctl_json_add_uint(o, "recovery_delay_median_seconds", m->delay_median / USEC_PER_SEC) < 0 ||
            ctl_json_add_uint(o, "recovery_delay_max_seconds", m->delay_max / USEC_PER_SEC) < 0 ||
            ctl_json_add_uint(o, "breaks_moved", m->breaks_moved) < 0 ||
            ctl_json_add_uint(o, "statutory_overruns", m->statutory_overruns) < 0 ||
            ctl_json_add_uint(o, "recoveries_interrupted", m->recoveries_interrupted) < 0 ||
            ctl_json_add_uint(o, "shift_minutes", m->shift_time / USEC_PER_MINUTE) < 0 ||
            ctl_json_add_object(o, "break_minutes", kinds) < 0 ||
            ctl_json_add_uint(o, "shortfall_operator_minutes", m->shortfall_minutes) < 0 ||
            ctl_json_add_uint(o, "shortfall_during_recovery_operator_minutes", m->recovery_shortfall_minutes) < 0 ||
            ctl_json_add_object(o, "shortfall_by_team", teams) < 0 ||
            ctl_json_add_uint(o, "shortfall_forced_operator_minutes", m->forced_shortfall_minutes) < 0 ||
            ctl_json_add_object(o, "shortfall_forced_by_team", forced) < 0 ||
            ctl_json_add_uint(o, "shortfall_without_recovery_operator_minutes", base->shortfall_minutes) < 0 ||
            (m->calls_known &&
             (ctl_json_add_uint(o, "break_starts_in_call", m->break_starts_in_call) < 0 ||
              ctl_json_add_uint(o, "long_call_recoveries", m->long_call_recoveries) < 0 ||
              ctl_json_add_uint(o, "long_call_recoveries_prompt", m->long_call_recoveries_prompt) < 0 ||
              ctl_json_add_uint(o, "long_call_wait_max_seconds", m->long_call_wait_max / USEC_PER_SEC) < 0)) ||
            verbs_offline_adherence_json(o, adherence) < 0 ||
            ctl_json_print(o) < 0)
                return log_oom();
        return 0;
}

/* The metrics of plan, and the coverage shortfall of the roster with its
 * statutory breaks alone (no incidents; the same calls), for comparison. */
static int verbs_offline_print_metrics(const Plan *plan, const Roster *roster, const Policy *p,
                                       const Coverage *coverage, const CallIndex *calls) {
        _cleanup_(metrics_freep) Metrics *m = NULL, *base = NULL;
        _cleanup_(plan_freep) Plan *baseline = NULL;
        OfflineTimelines timelines = { .calls = calls };
        AdherenceCounts adherence;
        IncidentList none = {};
        int r;

        r = metrics_compute(plan, coverage, calls, &m);
        if (r < 0)
                return log_error_errno(r, _("Failed to compute the metrics: %m"));
        r = planner_run(roster, p, coverage, &none, calls, NULL, 0, &baseline);
        if (r < 0)
                return log_error_errno(r, _("Failed to plan: %m"));
        r = metrics_compute(baseline, coverage, calls, &base);
        if (r < 0)
                return log_error_errno(r, _("Failed to compute the metrics: %m"));
        /* Were the breaks taken, as a queue_log's pauses and calls tell? */
        adherence_count(plan, verbs_offline_timeline_of, &timelines, USEC_INFINITY, &adherence);
        free(timelines.changes);
        if (arg_json)
                return verbs_offline_metrics_json(m, base, &adherence);
        (void) metrics_print(m, stdout);
        printf(_("coverage shortfall without recovery breaks: %" PRIu64 " operator-minutes\n"),
               base->shortfall_minutes);
        (void) adherence_print(&adherence, stdout);
        return 0;
}

static const TableColumn verbs_offline_plan_columns[] = {
        { N_("OPERATOR"), "operator" },
        { NULL,       "team"     },
        { N_("KIND"),     "kind"     },
        { N_("START"),    "start"    },
        { N_("END"),      "end"      },
        { NULL,       "uid"      },
        { N_("REASON"),   "reason"   },
};

static bool verbs_offline_shift_selected(const ShiftPlan *s) {
        return (!arg_operator || streq(s->operator, arg_operator)) && (!arg_team || streq(s->team, arg_team));
}

/* The breaks of the shifts of --operator or --team (or all) overlapping
 * [from, to), into a new table; the shifts and the breaks of each kind
 * counted. Returns 0 or -ENOMEM. */
static int verbs_offline_plan_table(const Plan *plan, const Policy *p, usec_t from, usec_t to, Table **ret,
                                    size_t *ret_shifts, unsigned counts[static _BREAK_KIND_MAX]) {
        _cleanup_(table_freep) Table *t = table_new(verbs_offline_plan_columns, ELEMENTSOF(verbs_offline_plan_columns));
        size_t n_shifts = 0;

        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *s = &plan->shifts[i];

                if (!verbs_offline_shift_selected(s) || s->end <= from || s->start >= to)
                        continue;
                n_shifts++;
                for (size_t j = 0; j < s->n_breaks; j++) {
                        const Break *b = &s->breaks[j];

                        if (b->end <= from || b->start >= to)
                                continue;
                        counts[b->kind]++;
                        if (table_add_string(t, s->operator) < 0 || table_add_string(t, s->team) < 0 ||
                            table_add_break_kind(t, break_kind_to_string(b->kind)) < 0 ||
                            table_add_time(t, TABLE_TIMESTAMP, b->start, p->timezone) < 0 ||
                            table_add_time(t, TABLE_TIMESTAMP, b->end, p->timezone) < 0 ||
                            table_add_string(t, b->uid) < 0 || table_add_reason(t, b->reason) < 0)
                                return -ENOMEM;
                }
        }
        *ret = TAKE_PTR(t);
        *ret_shifts = n_shifts;
        return 0;
}

static int verbs_offline_plan_json(const Plan *plan, const Policy *p, size_t n_shifts, const Table *t) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *list = NULL;

        if (!o || table_to_json(t, &list) < 0 ||
            ctl_json_add_string(o, "timezone", p->timezone) < 0 || ctl_json_add_uint(o, "shifts", n_shifts) < 0 ||
            ctl_json_add_uint(o, "statutory_violations", plan->statutory_violations) < 0 ||
            ctl_json_add_object(o, "breaks", list) < 0 || ctl_json_print(o) < 0)
                return log_oom();
        return 0;
}

/* "2 shifts; 2 statutory, 1 recovery and 0 planned breaks; 0 statutory
 * violations." on stderr, in the reader's language: each part has the
 * plural of its own count (the breaks' of the last, planned). */
static int verbs_offline_print_summary(const Plan *plan, size_t n_shifts,
                                       const unsigned counts[static _BREAK_KIND_MAX]) {
        _cleanup_free_ char *shifts = NULL, *breaks = NULL, *violations = NULL;

        if (asprintf(&shifts, P_("%zu shift", "%zu shifts", n_shifts), n_shifts) < 0 ||
            asprintf(&breaks, P_("%u statutory, %u recovery and %u planned break",
                                 "%u statutory, %u recovery and %u planned breaks", counts[BREAK_PLANNED]),
                     counts[BREAK_STATUTORY], counts[BREAK_RECOVERY], counts[BREAK_PLANNED]) < 0 ||
            asprintf(&violations, P_("%u statutory violation", "%u statutory violations",
                                     plan->statutory_violations), plan->statutory_violations) < 0)
                return log_oom();
        /* TRANSLATORS: the plan's summary: "2 shifts", "2 statutory, 1 recovery and 0 planned breaks",
         * "0 statutory violations". */
        fprintf(stderr, _("%s; %s; %s.\n"), shifts, breaks, violations);
        return 0;
}

/* The plan as --format says (not ics), and a summary on stderr. */
static int verbs_offline_print_plan(const Plan *plan, const Policy *p, usec_t from, usec_t to) {
        _cleanup_(table_freep) Table *t = NULL;
        unsigned counts[_BREAK_KIND_MAX] = {};
        size_t n_shifts;
        int r;

        if (verbs_offline_plan_table(plan, p, from, to, &t, &n_shifts, counts) < 0)
                return log_oom();
        if (arg_format == FORMAT_JSON)
                return verbs_offline_plan_json(plan, p, n_shifts, t);
        r = arg_format == FORMAT_CSV ? table_print_csv(t) : table_print(t, arg_color);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(EINVAL, _("Failed to format a time in %s."), p->timezone);
        return verbs_offline_print_summary(plan, n_shifts, counts);
}

/* The feed respited would publish for --operator or --team, named as it
 * names it; SEQUENCE is 0 and DTSTAMP each event's start (no history). A
 * team's break UIDs come from a key of this run (respited's is in its
 * store): they differ from respited's and from one run to the next. */
static int verbs_offline_print_ics(const Plan *plan, const Roster *roster, const Policy *p, usec_t from, usec_t to) {
        _cleanup_free_ char *text = NULL, *calname = NULL;
        uint8_t key[FEED_UID_KEY_SIZE];
        int r;

        if (!!arg_operator == !!arg_team)
                return log_error_errno(EINVAL, _("--format ics needs exactly one of --operator ID or --team NAME."));
        if (feed_calendar_name(roster, arg_operator ? FEED_OPERATOR : FEED_TEAM, arg_operator ?: arg_team,
                               &calname) < 0)
                return log_oom();
        r = random_bytes(key, sizeof key);
        if (r < 0)
                return log_error_errno(r, _("Failed to make a key for the team feed's UIDs: %m"));
        r = feed_render(plan, roster, arg_operator ? FEED_OPERATOR : FEED_TEAM, arg_operator ?: arg_team,
                        &(FeedOptions) { .calname = calname, .from = from, .to = to, .uid_key = key,
                                         .alarm_before = p->feeds.alarm_before,
                                         .breaks_only = !p->feeds.shift_events,
                                         /* The reader's language: respitectl's strings follow the locale. */
                                         .language = p->language, .policy = p }, &text);
        if (r < 0)
                return log_error_errno(r, _("Failed to render the calendar: %m"));
        fputs(text, stdout);
        return 0;
}

/* The page of --team or --operator (or every team) as plan_html_print()
 * draws it, "generated" now, or at $SOURCE_DATE_EPOCH when set (a page
 * made again from the same files is then the same bytes). */
static int verbs_offline_print_html(const Plan *plan, const Coverage *coverage, const char *zone, usec_t from,
                                    usec_t to) {
        const char *epoch = getenv("SOURCE_DATE_EPOCH");
        PlanHtmlOptions o = {
                .team = arg_team,
                .operator = arg_operator,
                .from = from,
                .to = to,
                .zone = zone,
                .generated = now_usec(CLOCK_REALTIME),
        };
        unsigned long long seconds;
        char *end;
        int r;

        if (epoch) {
                errno = 0;
                seconds = strtoull(epoch, &end, 10);
                if (errno != 0 || end == epoch || *end != '\0' || seconds > UINT64_MAX / USEC_PER_SEC)
                        return log_error_errno(EINVAL, _("SOURCE_DATE_EPOCH: expected seconds since 1970, got '%s'."),
                                               epoch);
                o.generated = (usec_t) seconds * USEC_PER_SEC;
        }
        r = plan_html_print(stdout, plan, coverage, &o);
        if (r == -ENOMEM)
                return log_oom();
        if (r == -EIO)
                return log_error_errno(r, _("Failed to write the page: %m"));
        if (r < 0)
                return log_error_errno(r, _("Failed to draw the page in %s: %m"), zone);
        return 0;
}

/* Say once, on stderr, that p holds no statutory rule (the built-in
 * defaults have none): the plan has no statutory break, and how to choose
 * a preset. */
static void verbs_offline_warn_no_statutory(const Policy *p) {
        if (p->statutory.n_tiers > 0)
                return;
        if (p->path)
                log_warning(_("%s sets no statutory rule: this plan has no statutory break. "
                              "Include a preset in it, such as @include \"presets/jp.conf\" "
                              "(presets: %s; in %s/respite/presets)."), p->path, POLICY_PRESETS, SYSCONFDIR);
        else
                log_warning(_("No policy (--config) and no %s: the built-in defaults have no statutory preset, "
                              "so this plan has no statutory break. Give --config FILE, FILE holding "
                              "@include \"presets/jp.conf\" or another preset "
                              "(presets: %s; in %s/respite/presets)."), POLICY_DEFAULT_PATH, POLICY_PRESETS,
                            SYSCONFDIR);
}

/* Load the inputs of p, check --operator and --team against the roster,
 * and plan: every incident known when it happened, or with --metrics when
 * it was received, revision by revision; every call known (no break starts
 * inside one). Logs. Returns 0, -ENXIO (no such operator or team), or the
 * negative errno of loading or planning. */
static int verbs_offline_plan_inputs(const Policy *p, Inputs *in, CallIndex **ret_calls, Plan **ret_plan) {
        int r;

        r = verbs_offline_load_inputs(p, in);
        if (r < 0)
                return r;
        if (arg_operator && roster_find_operator(in->roster, arg_operator) < 0)
                return log_error_errno(ENXIO, _("No operator '%s' in the roster; its first column lists them."),
                                       arg_operator);
        if (arg_team && !roster_has_team(in->roster, arg_team))
                return log_error_errno(ENXIO, _("No team '%s' in the roster; its team column lists them."), arg_team);
        if (call_index_new(in->calls, ret_calls) < 0)
                return log_oom();
        r = arg_metrics ? verbs_offline_plan_replay(in->roster, p, in->coverage, in->incidents, *ret_calls, ret_plan) :
                planner_run(in->roster, p, in->coverage, in->incidents, *ret_calls, NULL, 0, ret_plan);
        if (r < 0)
                return log_error_errno(r, _("Failed to plan: %m"));
        return 0;
}

int verb_plan(char **args) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(inputs_done) Inputs in = {};
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_(call_index_freep) CallIndex *calls = NULL;
        usec_t from = 0, to = USEC_INFINITY;
        int r;

        if (arg_metrics && (arg_format == FORMAT_ICS || arg_format == FORMAT_HTML))
                return log_error_errno(EINVAL, _("--metrics prints text or JSON; drop --format %s (an html page "
                                         "gives each team's shortfall too)."),
                                       arg_format == FORMAT_ICS ? "ics" : "html");
        r = verbs_offline_load_policy(&p, &from, &to);
        if (r < 0)
                return r;
        if (from >= to)
                return log_error_errno(EINVAL, _("--from must lie before --to."));
        verbs_offline_warn_no_statutory(p);
        if (policy_languages_check(p, false) < 0)
                return log_oom();

        r = verbs_offline_plan_inputs(p, &in, &calls, &plan);
        if (r < 0)
                return r;
        if (arg_metrics)
                return verbs_offline_print_metrics(plan, in.roster, p, in.coverage, calls);

        if (arg_format == FORMAT_ICS)
                return verbs_offline_print_ics(plan, in.roster, p, from, to);
        if (arg_format == FORMAT_HTML)
                return verbs_offline_print_html(plan, in.coverage, p->timezone, from, to);
        return verbs_offline_print_plan(plan, p, from, to);
}

/* --date DATE (today, tomorrow and yesterday on this machine's clock) as
 * the span of its local day in the policy's zone. Logs. */
static int verbs_offline_coverage_day(const Policy *p, usec_t *from, usec_t *to) {
        char date[ISO8601_MAX];

        if (arg_from || arg_to)
                return log_error_errno(EINVAL, _("Give --date or --from and --to, not both."));
        if (verbs_daemon_resolve_date(arg_date, p->timezone, now_usec(CLOCK_REALTIME), date) < 0 ||
            time_parse_day(date, p->timezone, from, to) < 0)
                return log_error_errno(EINVAL, _("--date: expected a date such as 1999-01-04, today, tomorrow or "
                                         "yesterday, got '%s'."), arg_date);
        return 0;
}

/* [*from, *to) cut to the shifts of --team (or of all) that meet it, as
 * plan shows the breaks of the shifts that meet it; *from == *to when
 * none does. */
static void verbs_offline_shifts_span(const Plan *plan, usec_t *from, usec_t *to) {
        usec_t start = USEC_INFINITY, end = 0;

        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *s = &plan->shifts[i];

                if ((arg_team && !streq(s->team, arg_team)) || s->end <= *from || s->start >= *to)
                        continue;
                start = MIN(start, MAX(s->start, *from));
                end = MAX(end, MIN(s->end, *to));
        }
        if (start >= end)
                start = end = *from;
        *from = start;
        *to = end;
}

/* coverage: per team and local day, the chart of the operators needed, on
 * shift and on the phones, as the plan leaves them. */
/* The chart (or with --format html, the page) of plan over [from, to). */
static int verbs_offline_chart(const Plan *plan, const Coverage *coverage, usec_t from, usec_t to, const char *zone,
                               unsigned width) {
        int r;

        if (arg_format == FORMAT_HTML)
                return verbs_offline_print_html(plan, coverage, zone, from, to);
        r = chart_print(stdout, plan, coverage, arg_team, from, to, zone, width, arg_color);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, _("Failed to draw the coverage chart: %m"));
        return 0;
}

/* coverage without input files: the live plan of the teams the caller
 * leads, from respited, as a chart or a page. */
static int verbs_offline_coverage_live(unsigned width) {
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_(coverage_freep) Coverage *coverage = NULL;
        _cleanup_free_ char *zone = NULL;
        usec_t from, to;
        int r;

        r = verbs_team_day_fetch(&plan, &coverage, &from, &to, &zone);
        if (r < 0)
                return r;
        return verbs_offline_chart(plan, coverage, from, to, zone, width);
}

int verb_coverage(char **args) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(inputs_done) Inputs in = {};
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_(call_index_freep) CallIndex *calls = NULL;
        usec_t from = 0, to = USEC_INFINITY;
        unsigned width = term_width(STDOUT_FILENO);
        int r;

        if (arg_json || (arg_format != FORMAT_TABLE && arg_format != FORMAT_HTML))
                return log_error_errno(EINVAL, _("coverage draws a chart, or with --format html a page, for people; "
                                         "`respitectl plan --metrics --json` gives the shortfall per team."));
        if (arg_operator)
                return log_error_errno(EINVAL, _("coverage is drawn per team: give --team NAME, not --operator."));
        if (arg_format == FORMAT_TABLE && width < CHART_WIDTH_MIN)
                return log_error_errno(EINVAL, _("The terminal is %u columns wide; the chart needs %u (set COLUMNS)."),
                                       width, CHART_WIDTH_MIN);
        if (verbs_team_day_wanted())
                return verbs_offline_coverage_live(width);
        r = verbs_offline_load_policy(&p, &from, &to);
        if (r < 0)
                return r;
        if (arg_date && verbs_offline_coverage_day(p, &from, &to) < 0)
                return -EINVAL;
        if (from >= to)
                return log_error_errno(EINVAL, _("--from must lie before --to."));

        r = verbs_offline_plan_inputs(p, &in, &calls, &plan);
        if (r < 0)
                return r;

        /* --date charts its day, shifts or none; else the shifts' days. */
        if (!arg_date)
                verbs_offline_shifts_span(plan, &from, &to);
        if (from >= to) {
                if (arg_team)
                        log_info(_("No shifts of team %s between --from and --to."), arg_team);
                else
                        log_info(_("No shifts between --from and --to."));
                return 0;
        }
        return verbs_offline_chart(plan, in.coverage, from, to, p->timezone, width);
}

/* import-check PATH…: what importing each file would give, offline. */
int verb_import_check(char **args) {
        _cleanup_(policy_freep) Policy *p = NULL;
        usec_t from = 0, to = 0;
        int r;

        if (arg_json)
                return log_error_errno(EINVAL, _("import-check has no --json yet; --format csv gives every row."));
        if (arg_format == FORMAT_ICS || arg_format == FORMAT_HTML)
                return log_error_errno(EINVAL, _("--format %s is for plan; import-check prints table or csv."),
                                       arg_format == FORMAT_ICS ? "ics" : "html");
        r = verbs_offline_load_policy(&p, &from, &to);
        if (r < 0)
                return r;
        return import_check(p, args + 1, from, to, arg_format == FORMAT_CSV, term_text_width);
}
