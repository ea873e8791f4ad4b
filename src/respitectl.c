/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respitectl: talk to respited, or plan offline. See respitectl(1). */
#include <getopt.h>
#include <systemd/sd-bus.h>

#include "feed.h"
#include "incident.h"
#include "log.h"
#include "metrics.h"
#include "planner.h"
#include "policy.h"
#include "roster.h"
#include "time-util.h"

#define BUS_NAME      "org.respite.Scheduler1"
#define BUS_PATH      "/org/respite/Scheduler1"
#define BUS_INTERFACE "org.respite.Scheduler1"
#define DEFAULT_CONFIG SYSCONFDIR "/respite/respite.conf"

typedef enum Format { FORMAT_TABLE, FORMAT_CSV, FORMAT_ICS } Format;

static bool arg_user = false;
static const char *arg_at = NULL;
static const char *arg_note = NULL;
static const char *arg_date = NULL;
static const char *arg_config = NULL;
static const char *arg_from = NULL;
static const char *arg_to = NULL;
static const char *arg_operator = NULL;
static const char *arg_team = NULL;
static Format arg_format = FORMAT_TABLE;
static bool arg_metrics = false;
static char **arg_rosters = NULL;
static char **arg_calls = NULL;
static char **arg_incidents = NULL;
static char **arg_args = NULL;          /* the verb and its operands */

static void help(void) {
        printf("Usage: respitectl [OPTIONS] COMMAND ...\n\n"
               "Commands (over D-Bus, to a running respited):\n"
               "  report OPERATOR CATEGORY [--at TIME] [--note TEXT]\n"
               "                       Report an incident; prints its id\n"
               "  schedule OPERATOR [--date DATE]\n"
               "                       Show an operator's breaks of one day\n\n"
               "Offline, without a daemon:\n"
               "  plan --roster PATH... [--calls PATH...] [--incidents CSV...]\n"
               "       [--config FILE] [--from TIME --to TIME] [--format table|csv|ics]\n"
               "       [--operator ID | --team NAME] [--metrics]\n"
               "                       Plan a roster and print the breaks\n\n"
               "Options:\n"
               "     --user           Talk to respited on the session bus\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n\n"
               "Times are ISO 8601 (1999-01-04T10:42:00+02:00); without an offset they are\n"
               "in the site's time zone. See respitectl(1).\n");
}

/* Non-option arguments after --roster, --calls or --incidents add to that
 * list, so "--roster data/roster-*.csv" works with a shell glob. */
static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_USER = 0x100, ARG_AT, ARG_NOTE, ARG_DATE, ARG_CONFIG, ARG_FROM, ARG_TO, ARG_FORMAT,
                ARG_ROSTER, ARG_CALLS, ARG_INCIDENTS, ARG_OPERATOR, ARG_TEAM, ARG_VERSION,
                ARG_METRICS,
        };
        static const struct option options[] = {
                { "user",      no_argument,       NULL, ARG_USER      },
                { "at",        required_argument, NULL, ARG_AT        },
                { "note",      required_argument, NULL, ARG_NOTE      },
                { "date",      required_argument, NULL, ARG_DATE      },
                { "config",    required_argument, NULL, ARG_CONFIG    },
                { "from",      required_argument, NULL, ARG_FROM      },
                { "to",        required_argument, NULL, ARG_TO        },
                { "format",    required_argument, NULL, ARG_FORMAT    },
                { "roster",    required_argument, NULL, ARG_ROSTER    },
                { "calls",     required_argument, NULL, ARG_CALLS     },
                { "incidents", required_argument, NULL, ARG_INCIDENTS },
                { "operator",  required_argument, NULL, ARG_OPERATOR  },
                { "team",      required_argument, NULL, ARG_TEAM      },
                { "metrics",   no_argument,       NULL, ARG_METRICS   },
                { "help",      no_argument,       NULL, 'h'           },
                { "version",   no_argument,       NULL, ARG_VERSION   },
                {}
        };
        char ***list = &arg_args;
        int c;

        /* "-" first: operands come back in order as option 1. */
        while ((c = getopt_long(argc, argv, "-h", options, NULL)) >= 0)
                switch (c) {
                case 1:
                        /* The first operand is always the command. */
                        if (strv_extend(arg_args ? list : &arg_args, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_USER:      arg_user = true; break;
                case ARG_AT:        arg_at = optarg; break;
                case ARG_NOTE:      arg_note = optarg; break;
                case ARG_DATE:      arg_date = optarg; break;
                case ARG_CONFIG:    arg_config = optarg; break;
                case ARG_FROM:      arg_from = optarg; break;
                case ARG_TO:        arg_to = optarg; break;
                case ARG_OPERATOR:  arg_operator = optarg; break;
                case ARG_TEAM:      arg_team = optarg; break;
                case ARG_METRICS:   arg_metrics = true; break;
                case ARG_ROSTER:
                case ARG_CALLS:
                case ARG_INCIDENTS:
                        list = c == ARG_ROSTER ? &arg_rosters : c == ARG_CALLS ? &arg_calls : &arg_incidents;
                        if (strv_extend(list, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_FORMAT:
                        if (streq(optarg, "table"))
                                arg_format = FORMAT_TABLE;
                        else if (streq(optarg, "csv"))
                                arg_format = FORMAT_CSV;
                        else if (streq(optarg, "ics"))
                                arg_format = FORMAT_ICS;
                        else
                                return log_error_errno(EINVAL, "--format: expected table, csv or ics, got '%s'.", optarg);
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("respitectl %s\n", VERSION);
                        return 0;
                default:
                        return -EINVAL;
                }
        return 1;
}

static int bus_open(sd_bus **ret) {
        int r = arg_user ? sd_bus_open_user(ret) : sd_bus_open_system(ret);

        if (r < 0)
                return log_error_errno(r, "Failed to connect to the %s bus: %m%s", arg_user ? "session" : "system",
                                       arg_user ? "" : "\n(respited --user runs on the session bus: add --user.)");
        return 0;
}

static int bus_get_string(sd_bus *bus, const char *property, char **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_get_property_string(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, property, &error, ret);
        if (r < 0)
                return log_error_errno(r, "Failed to reach respited on the %s bus: %s\n"
                                       "Is it running? (systemctl status respited%s)",
                                       arg_user ? "session" : "system", error.message ?: strerror(-r),
                                       arg_user ? "; or use the bus it runs on" : "; add --user for the session bus");
        return 0;
}

static int verb_report(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *zone = NULL;
        const char *id;
        usec_t when = 0;
        int r;

        if (strv_length(args) != 3)
                return log_error_errno(EINVAL, "Usage: respitectl report OPERATOR CATEGORY [--at TIME] [--note TEXT]");

        r = bus_open(&bus);
        if (r < 0)
                return r;
        if (arg_at) {
                r = bus_get_string(bus, "Timezone", &zone);
                if (r < 0)
                        return r;
                r = time_parse_iso8601(arg_at, zone, &when);
                if (r < 0)
                        return log_error_errno(r, "--at: expected an ISO 8601 time such as 1999-01-04T10:42:00, got '%s'.", arg_at);
        }

        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "ReportIncident", &error, &reply,
                               "ssts", args[1], args[2], (uint64_t) when, arg_note ?: "");
        if (r < 0)
                return log_error_errno(r, "Failed to report the incident: %s", error.message ?: strerror(-r));
        r = sd_bus_message_read(reply, "s", &id);
        if (r < 0)
                return log_error_errno(r, "Failed to read the reply: %m");
        printf("%s\n", id);
        return 0;
}

/* [start, end) of the local day DATE (YYYY-MM-DD) in zone, UTC usec. */
static int day_bounds(const char *date, const char *zone, usec_t *ret_start, usec_t *ret_end) {
        CivilTime c = {};
        char tail;
        int r;

        if (strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d%c", &c.year, &c.month, &c.day, &tail) != 3)
                return -EINVAL;
        r = civil_to_utc(&c, zone, ret_start);
        if (r < 0)
                return r;
        c.day++;        /* civil_to_utc() normalises the day after the month's last */
        r = civil_to_utc(&c, zone, ret_end);
        if (r == -EINVAL) {
                c.day = 1;
                if (++c.month > 12) {
                        c.month = 1;
                        c.year++;
                }
                r = civil_to_utc(&c, zone, ret_end);
        }
        return r;
}

static void format_hhmm(usec_t t, const char *zone, char buf[static ISO8601_MAX]) {
        /* "1999-01-04T10:42:00+02:00" → "10:42" */
        if (time_format_iso8601(t, zone, buf) < 0 || strlen(buf) < 16) {
                snprintf(buf, ISO8601_MAX, "?");
                return;
        }
        memmove(buf, buf + 11, 5);
        buf[5] = 0;
}

static int verb_schedule(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *zone = NULL;
        char date[ISO8601_MAX];
        usec_t from, to;
        unsigned n = 0;
        int r;

        if (strv_length(args) != 2)
                return log_error_errno(EINVAL, "Usage: respitectl schedule OPERATOR [--date YYYY-MM-DD]");

        r = bus_open(&bus);
        if (r < 0)
                return r;
        r = bus_get_string(bus, "Timezone", &zone);
        if (r < 0)
                return r;

        if (arg_date)
                snprintf(date, sizeof date, "%s", arg_date);
        else {
                uint64_t now;

                r = sd_bus_get_property_trivial(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "Now", &error, 't', &now);
                if (r < 0)
                        return log_error_errno(r, "Failed to read the daemon's clock: %s", error.message ?: strerror(-r));
                r = time_format_iso8601(now, zone, date);
                if (r < 0)
                        return log_error_errno(r, "Failed to format the date: %m");
                date[10] = 0;
        }
        r = day_bounds(date, zone, &from, &to);
        if (r < 0)
                return log_error_errno(r, "--date: expected a date such as 1999-01-04, got '%s'.", date);

        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, "GetSchedule", &error, &reply,
                               "stt", args[1], (uint64_t) from, (uint64_t) to);
        if (r < 0)
                return log_error_errno(r, "Failed to get the schedule: %s", error.message ?: strerror(-r));

        printf("%s, %s (%s)\n", args[1], date, zone);
        r = sd_bus_message_enter_container(reply, 'a', "(sttss)");
        if (r < 0)
                return log_error_errno(r, "Failed to read the reply: %m");
        for (;;) {
                const char *kind, *uid, *reason;
                uint64_t start, end;
                char a[ISO8601_MAX], b[ISO8601_MAX];

                r = sd_bus_message_read(reply, "(sttss)", &kind, &start, &end, &uid, &reason);
                if (r < 0)
                        return log_error_errno(r, "Failed to read the reply: %m");
                if (r == 0)
                        break;
                if (n++ == 0)
                        printf("%-5s  %-5s  %-9s  %s\n", "START", "END", "KIND", "REASON");
                format_hhmm(start, zone, a);
                format_hhmm(end, zone, b);
                printf("%-5s  %-5s  %-9s  %s\n", a, b, kind, reason);
        }
        if (n == 0)
                printf("No breaks.\n");
        return 0;
}

static int load_policy(Policy **ret) {
        _cleanup_free_ char *error = NULL;
        const char *path = arg_config;
        int r;

        if (!path && access(DEFAULT_CONFIG, R_OK) >= 0)
                path = DEFAULT_CONFIG;
        r = path ? policy_load(path, ret, &error) : policy_load_string("", NULL, ret, &error);
        if (r < 0)
                return log_error_errno(r, "%s", error ?: "Failed to load the policy.");
        return 0;
}

static int load_inputs(const Policy *p, Roster **ret_roster, IncidentList **ret_incidents, Coverage **ret_coverage) {
        _cleanup_(roster_freep) Roster *roster = NULL;
        _cleanup_(coverage_freep) Coverage *coverage = NULL;
        _cleanup_(call_log_freep) CallLog *calls = NULL;
        _cleanup_(incident_list_freep) IncidentList *incidents = NULL;
        char **rosters = arg_rosters ?: p->rosters, **call_files = arg_calls ?: p->calls;
        int r;

        if (!rosters)
                return log_error_errno(EINVAL, "No roster: give --roster PATH, or sources.rosters in the policy.");
        for (char **f = rosters; *f; f++) {
                r = roster_load_csv(&roster, *f, p->timezone, NULL);
                if (r < 0)
                        return log_error_errno(r, "Failed to load roster '%s': %m", *f);
        }
        r = roster_finish(roster, p->split_shift_gap);
        if (r < 0)
                return log_oom();

        for (char **f = call_files; f && *f; f++) {
                r = call_log_load_csv(&calls, *f, p->timezone, NULL);
                if (r < 0)
                        return log_error_errno(r, "Failed to load call records '%s': %m", *f);
        }
        if (calls) {
                r = call_log_finish(calls);
                if (r < 0)
                        return log_oom();
                r = incidents_detect(&incidents, calls, p);
                if (r < 0)
                        return log_error_errno(r, "Failed to examine call records: %m");
        }
        for (char **f = arg_incidents; f && *f; f++) {
                r = incidents_load_csv(&incidents, *f, p, NULL);
                if (r < 0)
                        return log_error_errno(r, "Failed to load incidents '%s': %m", *f);
        }
        if (!incidents) {
                incidents = calloc(1, sizeof(IncidentList));
                if (!incidents)
                        return log_oom();
        }
        r = coverage_build(p, roster, calls, &coverage);
        if (r < 0)
                return log_error_errno(r, "Failed to work out the coverage requirement: %m");
        *ret_roster = TAKE_PTR(roster);
        *ret_incidents = TAKE_PTR(incidents);
        *ret_coverage = TAKE_PTR(coverage);
        return 0;
}

static int incident_received_cmp(const void *a, const void *b) {
        const Incident *x = *(const Incident * const *) a, *y = *(const Incident * const *) b;

        if (x->received != y->received)
                return x->received < y->received ? -1 : 1;
        return strcmp(x->id, y->id);
}

/* --metrics: replay the incidents as the daemon meets them, one revision
 * (of the operator concerned) at each incident's receipt, so that breaks
 * moved by revisions count; the last revision is the plan. */
static int plan_replay(const Roster *roster, const Policy *p, const Coverage *coverage,
                       const IncidentList *incidents, Plan **ret) {
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_free_ const Incident **order = NULL;
        usec_t start = USEC_INFINITY;
        int r;

        for (size_t i = 0; i < roster->n_shifts; i++)
                start = MIN(start, roster->shifts[i].start);
        r = planner_run(roster, p, coverage, incidents, NULL, start == USEC_INFINITY ? 0 : start, &plan);
        if (r < 0)
                return r;

        order = calloc(MAX(incidents->n, (size_t) 1), sizeof(Incident *));
        if (!order)
                return -ENOMEM;
        for (size_t i = 0; i < incidents->n; i++)
                order[i] = &incidents->items[i];
        qsort(order, incidents->n, sizeof(Incident *), incident_received_cmp);
        for (size_t i = 0; i < incidents->n; i++) {
                if (order[i]->received <= plan->now || roster_find_operator(roster, order[i]->operator) < 0)
                        continue;
                r = planner_revise_operator(plan, roster, p, coverage, incidents, order[i]->received,
                                            order[i]->operator);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(plan);
        return 0;
}

/* The metrics of plan, and the coverage shortfall of the roster with its
 * statutory breaks alone (no incidents), for comparison. */
static int print_metrics(const Plan *plan, const Roster *roster, const Policy *p, const Coverage *coverage) {
        _cleanup_(metrics_freep) Metrics *m = NULL, *base = NULL;
        _cleanup_(plan_freep) Plan *baseline = NULL;
        IncidentList none = {};
        int r;

        r = metrics_compute(plan, coverage, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to compute the metrics: %m");
        r = planner_run(roster, p, coverage, &none, NULL, 0, &baseline);
        if (r < 0)
                return log_error_errno(r, "Failed to plan: %m");
        r = metrics_compute(baseline, coverage, &base);
        if (r < 0)
                return log_error_errno(r, "Failed to compute the metrics: %m");
        (void) metrics_print(m, stdout);
        printf("coverage shortfall without recovery breaks: %" PRIu64 " operator-minutes\n", base->shortfall_minutes);
        return 0;
}

/* One CSV field, quoted as RFC 4180 §2 says when it has to be. */
static void csv_put(const char *field, char end) {
        if (strpbrk(field, ",\"\r\n")) {
                putchar('"');
                for (const char *c = field; *c; c++) {
                        if (*c == '"')
                                putchar('"');
                        putchar(*c);
                }
                putchar('"');
        } else
                fputs(field, stdout);
        putchar(end);
}

static bool shift_selected(const ShiftPlan *s) {
        return (!arg_operator || streq(s->operator, arg_operator)) && (!arg_team || streq(s->team, arg_team));
}

static int print_plan(const Plan *plan, const Policy *p, usec_t from, usec_t to) {
        unsigned counts[_BREAK_KIND_MAX] = {};
        size_t n_shifts = 0;

        if (arg_format == FORMAT_CSV)
                printf("operator,kind,start,end,reason\n");
        else
                printf("%-10s  %-9s  %-25s  %-25s  %s\n", "OPERATOR", "KIND", "START", "END", "REASON");

        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *s = &plan->shifts[i];

                if (!shift_selected(s) || s->end <= from || s->start >= to)
                        continue;
                n_shifts++;
                for (size_t j = 0; j < s->n_breaks; j++) {
                        const Break *b = &s->breaks[j];
                        char a[ISO8601_MAX], e[ISO8601_MAX];

                        if (b->end <= from || b->start >= to)
                                continue;
                        if (time_format_iso8601(b->start, p->timezone, a) < 0 ||
                            time_format_iso8601(b->end, p->timezone, e) < 0)
                                return log_error_errno(EINVAL, "Failed to format a time in %s.", p->timezone);
                        counts[b->kind]++;
                        if (arg_format == FORMAT_CSV) {
                                csv_put(s->operator, ',');
                                csv_put(break_kind_to_string(b->kind), ',');
                                csv_put(a, ',');
                                csv_put(e, ',');
                                csv_put(b->reason, '\n');
                        } else
                                printf("%-10s  %-9s  %-25s  %-25s  %s\n", s->operator,
                                       break_kind_to_string(b->kind), a, e, b->reason);
                }
        }
        fprintf(stderr, "%zu shifts; %u statutory, %u recovery and %u planned breaks; %u statutory violations.\n",
                n_shifts, counts[BREAK_STATUTORY], counts[BREAK_RECOVERY], counts[BREAK_PLANNED],
                plan->statutory_violations);
        return 0;
}

/* The feed respited would publish for --operator or --team, named as it
 * names it; SEQUENCE is 0 and DTSTAMP each event's start (no history). */
static int print_ics(const Plan *plan, const Roster *roster, usec_t from, usec_t to) {
        _cleanup_free_ char *text = NULL, *calname = NULL;
        int r;

        if (!!arg_operator == !!arg_team)
                return log_error_errno(EINVAL, "--format ics needs exactly one of --operator ID or --team NAME.");
        if (arg_operator)
                r = asprintf(&calname, "%s: breaks", roster->operators[roster_find_operator(roster, arg_operator)].name);
        else
                r = asprintf(&calname, "Team %s: breaks", arg_team);
        if (r < 0)
                return log_oom();
        r = feed_render(plan, roster, arg_operator ? FEED_OPERATOR : FEED_TEAM, arg_operator ?: arg_team, calname,
                        from, to, NULL, &text);
        if (r < 0)
                return log_error_errno(r, "Failed to render the calendar: %m");
        fputs(text, stdout);
        return 0;
}

static bool roster_has_team(const Roster *roster, const char *team) {
        for (size_t i = 0; i < roster->n_operators; i++)
                if (streq(roster->operators[i].team, team))
                        return true;
        return false;
}

static int verb_plan(char **args) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(roster_freep) Roster *roster = NULL;
        _cleanup_(coverage_freep) Coverage *coverage = NULL;
        _cleanup_(incident_list_freep) IncidentList *incidents = NULL;
        _cleanup_(plan_freep) Plan *plan = NULL;
        usec_t from = 0, to = USEC_INFINITY;
        int r;

        if (strv_length(args) != 1)
                return log_error_errno(EINVAL, "Unexpected argument '%s'; see respitectl --help.", args[1]);

        r = load_policy(&p);
        if (r < 0)
                return r;
        if (arg_from && time_parse_iso8601(arg_from, p->timezone, &from) < 0)
                return log_error_errno(EINVAL, "--from: expected an ISO 8601 time, got '%s'.", arg_from);
        if (arg_to && time_parse_iso8601(arg_to, p->timezone, &to) < 0)
                return log_error_errno(EINVAL, "--to: expected an ISO 8601 time, got '%s'.", arg_to);
        if (from >= to)
                return log_error_errno(EINVAL, "--from must lie before --to.");

        r = load_inputs(p, &roster, &incidents, &coverage);
        if (r < 0)
                return r;
        if (arg_operator && roster_find_operator(roster, arg_operator) < 0)
                return log_error_errno(ENXIO, "No operator '%s' in the roster.", arg_operator);
        if (arg_team && !roster_has_team(roster, arg_team))
                return log_error_errno(ENXIO, "No team '%s' in the roster.", arg_team);

        /* Offline, every incident counts as known when it happened; with
         * --metrics, when it was received, revision by revision. */
        r = arg_metrics ? plan_replay(roster, p, coverage, incidents, &plan) :
                planner_run(roster, p, coverage, incidents, NULL, 0, &plan);
        if (r < 0)
                return log_error_errno(r, "Failed to plan: %m");
        if (arg_metrics)
                return print_metrics(plan, roster, p, coverage);

        if (arg_format == FORMAT_ICS)
                return print_ics(plan, roster, from, to);
        return print_plan(plan, p, from, to);
}

static int run(int argc, char *argv[]) {
        static const struct {
                const char *name;
                int (*run)(char **args);
        } verbs[] = {
                { "report",   verb_report   },
                { "schedule", verb_schedule },
                { "plan",     verb_plan     },
        };
        int r;

        log_setup();
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r;
        if (!arg_args)
                return log_error_errno(EINVAL, "No command given; see respitectl --help.");

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(arg_args[0], verbs[i].name))
                        return verbs[i].run(arg_args);
        return log_error_errno(EINVAL, "Unknown command '%s'; see respitectl --help.", arg_args[0]);
}

int main(int argc, char *argv[]) {
        int r = run(argc, argv);

        strv_free(arg_rosters);
        strv_free(arg_calls);
        strv_free(arg_incidents);
        strv_free(arg_args);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
