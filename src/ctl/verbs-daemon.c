/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The verbs that ask respited over D-Bus: status, operators, schedule,
 * report, reload, feed-url, rotate-token (lead alerts and the incident
 * record: verbs-alerts.c). Times show in the daemon's zone, and today is
 * the daemon's today. */
#include <stdarg.h>
#include <stddef.h>

#include "core/plan.h"
#include "ctl/ctl-bus.h"
#include "ctl/ctl-json.h"
#include "ctl/format-table.h"
#include "ctl/respitectl.h"
#include "ctl/term.h"
#include "ctl/verbs-internal.h"
#include "publish/feed.h"
#include "shared/bus-contract.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/reason-words.h"
#include "shared/time-util.h"

int verbs_daemon_print_table(const Table *t, const char *none) {
        int r;

        if (arg_json)
                r = table_print_json(t);
        else if (arg_format == FORMAT_CSV)
                r = table_print_csv(t);
        else if (table_get_rows(t) == 0) {
                fputs(none, stdout);
                r = 0;
        } else
                r = table_print(t, arg_color);
        return r < 0 ? log_oom() : 0;
}

int verbs_daemon_resolve_date(const char *date, const char *zone, usec_t now, char ret[static ISO8601_MAX]) {
        static const struct {
                const char *word;
                int64_t shift;
        } words[] = {
                { "today", 0 }, { "tomorrow", 1 }, { "yesterday", -1 },
        };

        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (streq(date ?: "today", words[i].word)) {
                        /* Noon is never in a DST gap: a whole day from it lands on the next date. */
                        usec_t noon;
                        CivilTime c;
                        int r = utc_to_civil(now, zone, &c);

                        if (r < 0)
                                return r;
                        c.hour = 12;
                        c.minute = c.second = 0;
                        r = civil_to_utc(&c, zone, &noon);
                        if (r < 0)
                                return r;
                        r = time_format_iso8601(noon + words[i].shift * (int64_t) USEC_PER_DAY, zone, ret);
                        if (r < 0)
                                return r;
                        ret[10] = 0;
                        return 0;
                }
        snprintf(ret, ISO8601_MAX, "%s", date);
        return 0;
}

/* ---- status ---- */

typedef struct BreakCount {
        const char *kind;
        uint32_t n;
} BreakCount;

typedef struct BreakCounts {
        BreakCount *items;      /* in the daemon's order */
        size_t n;
        bool given;             /* the daemon gave them, and IncidentsToday: to leads and root only */
} BreakCounts;

/* GetStatus, as read. */
typedef struct DaemonStatus {
        const char *version, *policy, *zone, *preset;
        uint64_t now;
        uint32_t operators, teams, shifts, incidents, violations;
        uint32_t on_call, available, paused, on_break;  /* agent states; 0 from a daemon without them */
        uint64_t actions_started, actions_succeeded, actions_failed, actions_timed_out;
        uint32_t actions_running;
        const char *action_failure;     /* "" when none failed */
        const char *feed_server;        /* "listening on …", "retrying …", "off"; "" from an older daemon */
        BreakCounts breaks;
} DaemonStatus;

static void verbs_daemon_status_done(DaemonStatus *s) {
        free(s->breaks.items);
}

static int verbs_daemon_map_breaks(sd_bus_message *m, void *field) {
        static const CtlBusField fields[] = {
                { 's', offsetof(BreakCount, kind) },
                { 'u', offsetof(BreakCount, n)    },
        };
        BreakCounts *b = field;

        free(b->items);
        b->items = NULL;
        b->given = true;
        return ctl_bus_read_array(m, 'e', fields, ELEMENTSOF(fields), sizeof(BreakCount), (void **) &b->items,
                                  &b->n);
}

static const CtlBusProperty verbs_daemon_status_map[] = {
        { "Version",             "s",     NULL,                    offsetof(DaemonStatus, version)    },
        { "Policy",              "s",     NULL,                    offsetof(DaemonStatus, policy)     },
        { "Timezone",            "s",     NULL,                    offsetof(DaemonStatus, zone)       },
        { "StatutoryPreset",     "s",     NULL,                    offsetof(DaemonStatus, preset)     },
        { "Now",                 "t",     NULL,                    offsetof(DaemonStatus, now)        },
        { "Operators",           "u",     NULL,                    offsetof(DaemonStatus, operators)  },
        { "Teams",               "u",     NULL,                    offsetof(DaemonStatus, teams)      },
        { "ShiftsToday",         "u",     NULL,                    offsetof(DaemonStatus, shifts)     },
        { "IncidentsToday",      "u",     NULL,                    offsetof(DaemonStatus, incidents)  },
        { "StatutoryViolations", "u",     NULL,                    offsetof(DaemonStatus, violations) },
        { "BreaksToday",         "a{su}", verbs_daemon_map_breaks, offsetof(DaemonStatus, breaks)     },
        { "AgentsOnCall",        "u",     NULL,                    offsetof(DaemonStatus, on_call)    },
        { "AgentsAvailable",     "u",     NULL,                    offsetof(DaemonStatus, available)  },
        { "AgentsPaused",        "u",     NULL,                    offsetof(DaemonStatus, paused)     },
        { "AgentsOnBreak",       "u",     NULL,                    offsetof(DaemonStatus, on_break)   },
        { "ActionsStarted",      "t",     NULL,                    offsetof(DaemonStatus, actions_started)   },
        { "ActionsSucceeded",    "t",     NULL,                    offsetof(DaemonStatus, actions_succeeded) },
        { "ActionsFailed",       "t",     NULL,                    offsetof(DaemonStatus, actions_failed)    },
        { "ActionsTimedOut",     "t",     NULL,                    offsetof(DaemonStatus, actions_timed_out) },
        { "ActionsRunning",      "u",     NULL,                    offsetof(DaemonStatus, actions_running)   },
        { "ActionLastFailure",   "s",     NULL,                    offsetof(DaemonStatus, action_failure)    },
        { "FeedServer",          "s",     NULL,                    offsetof(DaemonStatus, feed_server)       },
        {}
};

static int verbs_daemon_status_json(const DaemonStatus *s) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *breaks = json_object_new_object();

        if (!o || !breaks)
                return log_oom();
        for (size_t i = 0; i < s->breaks.n; i++)
                if (ctl_json_add_uint(breaks, s->breaks.items[i].kind, s->breaks.items[i].n) < 0)
                        return log_oom();
        if (ctl_json_add_string(o, "version", s->version) < 0 || ctl_json_add_string(o, "bus", ctl_bus_kind()) < 0 ||
            ctl_json_add_string(o, "policy", s->policy) < 0 || ctl_json_add_string(o, "timezone", s->zone) < 0 ||
            ctl_json_add_string(o, "statutory_preset", isempty(s->preset) ? NULL : s->preset) < 0 ||
            ctl_json_add_time(o, "now", s->now, s->zone) < 0 || ctl_json_add_uint(o, "operators", s->operators) < 0 ||
            ctl_json_add_uint(o, "teams", s->teams) < 0 || ctl_json_add_uint(o, "shifts_today", s->shifts) < 0 ||
            (s->breaks.given && (ctl_json_add_object(o, "breaks_today", breaks) < 0 ||
                                 ctl_json_add_uint(o, "incidents_today", s->incidents) < 0)) ||
            ctl_json_add_uint(o, "statutory_violations", s->violations) < 0 ||
            ctl_json_add_uint(o, "agents_on_call", s->on_call) < 0 ||
            ctl_json_add_uint(o, "agents_available", s->available) < 0 ||
            ctl_json_add_uint(o, "agents_paused", s->paused) < 0 ||
            ctl_json_add_uint(o, "agents_on_break", s->on_break) < 0 ||
            ctl_json_add_uint(o, "actions_started", s->actions_started) < 0 ||
            ctl_json_add_uint(o, "actions_succeeded", s->actions_succeeded) < 0 ||
            ctl_json_add_uint(o, "actions_failed", s->actions_failed) < 0 ||
            ctl_json_add_uint(o, "actions_timed_out", s->actions_timed_out) < 0 ||
            ctl_json_add_uint(o, "actions_running", s->actions_running) < 0 ||
            ctl_json_add_string(o, "action_last_failure", isempty(s->action_failure) ? NULL : s->action_failure) < 0 ||
            ctl_json_add_string(o, "feed_server", isempty(s->feed_server) ? NULL : s->feed_server) < 0 ||
            ctl_json_print(o) < 0)
                return log_oom();
        return 0;
}

/* The labels of the status, in the reader's language, in the order printed. */
static const char * const verbs_daemon_status_labels[] = {
        N_("Policy:"), N_("Time zone:"), N_("Operators:"), N_("Breaks today:"), N_("Incidents today:"),
        N_("Agents now:"), N_("Actions:"), N_("Last action failure:"), N_("Feeds over HTTP:"),
        N_("Statutory violations:"),
};

/* "LABEL: value", the values starting one column after the widest label
 * (by the columns a terminal shows, term_text_width()). */
_printf_(2, 3)
static void verbs_daemon_status_line(const char *label, const char *format, ...) {
        size_t width = 0;
        va_list ap;

        for (size_t i = 0; i < ELEMENTSOF(verbs_daemon_status_labels); i++)
                width = MAX(width, term_text_width(_(verbs_daemon_status_labels[i])));
        printf("%s%*s", _(label), (int) (width + 1 - term_text_width(_(label))), "");
        va_start(ap, format);
        vprintf(format, ap);
        va_end(ap);
        putchar('\n');
}

/* FeedServer in the reader's words: "listening on 127.0.0.1:8080"
 * ("127.0.0.1:8080で待ち受け中"), "off"; "retrying …" as respited says it
 * (its reason, strerror(), is respited's). Returns buf or feed_server. */
static const char *verbs_daemon_feed_server_words(const char *feed_server, char *buf, size_t size) {
        static const char listening[] = "listening on ";

        if (streq(feed_server, "off"))
                /* TRANSLATORS: respitectl status, "Feeds over HTTP:": no feed server (feeds.listen empty). */
                return _("off");
        if (strncmp(feed_server, listening, strlen(listening)) != 0)
                return feed_server;
        /* TRANSLATORS: respitectl status, "Feeds over HTTP:": the address respited serves the feeds on. */
        snprintf(buf, size, _("listening on %s"), feed_server + strlen(listening));
        return buf;
}

/* "NAME: value" lines. Returns 0, or -ENOMEM logged. */
static int verbs_daemon_status_text(const DaemonStatus *s) {
        _cleanup_free_ char *teams = NULL, *shifts = NULL;
        uint32_t counts[_BREAK_KIND_MAX] = {};
        bool warn = arg_color && s->violations > 0;
        bool retrying = arg_color && strncmp(s->feed_server, "retrying", 8) == 0;
        char when[ISO8601_MAX], feeds[256];

        for (size_t i = 0; i < s->breaks.n; i++) {
                BreakKind k = break_kind_from_string(s->breaks.items[i].kind);

                if (k >= 0)
                        counts[k] = s->breaks.items[i].n;
        }
        table_format_time(TABLE_TIMESTAMP_MINUTE, s->now, s->zone, when);
        /* TRANSLATORS: the first line of respitectl status; %4$s is the bus's kind (session or system,
         * translated), the others bold on and off and the version. */
        printf(_("%srespited %s%s on the %s bus\n"), arg_color ? ANSI_BOLD : "", s->version,
               arg_color ? ANSI_RESET : "", ctl_bus_kind_words());
        verbs_daemon_status_line(N_("Policy:"), _("%s (statutory preset %s)"), s->policy,
                                 isempty(s->preset) ? _("none") : s->preset);
        verbs_daemon_status_line(N_("Time zone:"), _("%s; the daemon's clock says %s"), s->zone, when);
        if (asprintf(&teams, P_("%" PRIu32 " in %" PRIu32 " team", "%" PRIu32 " in %" PRIu32 " teams", s->teams),
                     s->operators, s->teams) < 0 ||
            asprintf(&shifts, P_("%" PRIu32 " shift today", "%" PRIu32 " shifts today", s->shifts), s->shifts) < 0)
                return log_oom();
        /* TRANSLATORS: status's operators: "12 in 3 teams", "12 shifts today". */
        verbs_daemon_status_line(N_("Operators:"), _("%s; %s"), teams, shifts);
        /* Counts by kind and of incidents: for leads and root. */
        if (s->breaks.given) {
                verbs_daemon_status_line(N_("Breaks today:"),
                                         _("%" PRIu32 " statutory, %" PRIu32 " recovery, %" PRIu32 " planned"),
                                         counts[BREAK_STATUTORY], counts[BREAK_RECOVERY], counts[BREAK_PLANNED]);
                verbs_daemon_status_line(N_("Incidents today:"), "%" PRIu32, s->incidents);
        }
        verbs_daemon_status_line(N_("Agents now:"),
                                 _("%" PRIu32 " on a call, %" PRIu32 " available, %" PRIu32 " paused, %" PRIu32
                                   " on a break"), s->on_call, s->available, s->paused, s->on_break);
        verbs_daemon_status_line(N_("Actions:"),
                                 _("%" PRIu64 " run, %" PRIu64 " succeeded, %" PRIu64 " failed, %" PRIu64
                                   " timed out, %" PRIu32 " running"), s->actions_started, s->actions_succeeded,
                                 s->actions_failed, s->actions_timed_out, s->actions_running);
        if (!isempty(s->action_failure))
                verbs_daemon_status_line(N_("Last action failure:"), "%s", s->action_failure);
        if (!isempty(s->feed_server))
                verbs_daemon_status_line(N_("Feeds over HTTP:"), "%s%s%s", retrying ? ANSI_YELLOW : "",
                                         verbs_daemon_feed_server_words(s->feed_server, feeds, sizeof feeds),
                                         retrying ? ANSI_RESET : "");
        verbs_daemon_status_line(N_("Statutory violations:"), "%s%" PRIu32 "%s", warn ? ANSI_YELLOW : "",
                                 s->violations, warn ? ANSI_RESET : "");
        if (s->violations > 0)
                fprintf(stderr, _("Some shifts cannot hold their statutory breaks: `respitectl plan --metrics` "
                                  "with the same roster shows which; the daemon's log names them.\n"));
        return 0;
}

int verb_status(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(verbs_daemon_status_done) DaemonStatus s = {
                .version = "", .policy = "", .zone = "UTC", .preset = "", .action_failure = "", .feed_server = "",
        };
        int r;

        r = ctl_bus_open(&bus, NULL, NULL);
        if (r < 0)
                return r;
        r = ctl_bus_call(bus, BUS_METHOD_GET_STATUS, N_("read the daemon's status"), &reply, NULL);
        if (r < 0)
                return r;
        r = ctl_bus_map_properties(reply, verbs_daemon_status_map, &s);
        if (r < 0)
                return ctl_bus_log_read_error(r);
        if (arg_json)
                return verbs_daemon_status_json(&s);
        return verbs_daemon_status_text(&s);
}

/* ---- operators ---- */

/* ListAgentStates, as read. */
typedef struct AgentRow {
        const char *id, *state;
        uint64_t since;
        const char *reason, *agent;
        uint64_t call_since;
} AgentRow;

static const CtlBusField verbs_daemon_agent_fields[] = {
        { 's', offsetof(AgentRow, id)         },
        { 's', offsetof(AgentRow, state)      },
        { 't', offsetof(AgentRow, since)      },
        { 's', offsetof(AgentRow, reason)     },
        { 's', offsetof(AgentRow, agent)      },
        { 't', offsetof(AgentRow, call_since) },
};

static int verbs_daemon_agent_compare(const void *a, const void *b) {
        return strcmp(((const AgentRow *) a)->id, ((const AgentRow *) b)->id);
}

static const CtlBusField verbs_daemon_operator_fields[] = {
        { 's', offsetof(OperatorRow, id)          },
        { 's', offsetof(OperatorRow, name)        },
        { 's', offsetof(OperatorRow, team)        },
        { 't', offsetof(OperatorRow, shift_start) },
        { 't', offsetof(OperatorRow, shift_end)   },
        { 't', offsetof(OperatorRow, next_break)  },
};

int verbs_daemon_list_operators(sd_bus *bus, sd_bus_message **ret_reply, OperatorRow **ret, size_t *ret_n) {
        int r;

        r = ctl_bus_call(bus, BUS_METHOD_LIST_OPERATORS, N_("list the operators"), ret_reply, NULL);
        if (r < 0)
                return r;
        r = ctl_bus_read_array(*ret_reply, 'r', verbs_daemon_operator_fields,
                               ELEMENTSOF(verbs_daemon_operator_fields), sizeof(OperatorRow), (void **) ret, ret_n);
        if (r < 0)
                return ctl_bus_log_read_error(r);
        return 0;
}

static const TableColumn verbs_daemon_operator_columns[] = {
        { N_("ID"),         "id"          },
        { N_("NAME"),       "name"        },
        { N_("TEAM"),       "team"        },
        { N_("SHIFT"),      NULL          },
        { NULL,         "shift_start" },
        { NULL,         "shift_end"   },
        { N_("NEXT BREAK"), "next_break"  },
        { N_("STATE"),      "state"       },
        { N_("SINCE"),      "since"       },
};

/* "07:00-13:45" (with the date unless it is the day of now), or "-". */
static void verbs_daemon_format_span(usec_t from, usec_t to, usec_t now, const char *zone,
                                     char buf[static 2 * ISO8601_MAX]) {
        char a[ISO8601_MAX], b[ISO8601_MAX];
        int day_from = 0, day_now = 0;

        if (from == 0) {
                snprintf(buf, 2 * ISO8601_MAX, "-");
                return;
        }
        (void) time_local_day(from, zone, &day_from);
        (void) time_local_day(now, zone, &day_now);
        snprintf(buf, 2 * ISO8601_MAX, "%s-%s",
                 table_format_time(day_from != day_now ? TABLE_TIMESTAMP_MINUTE : TABLE_CLOCK, from, zone, a),
                 table_format_time(TABLE_CLOCK, to, zone, b));
}

/* a: the operator's agent state, NULL when the daemon did not say. */
static int verbs_daemon_operator_row(Table *t, const OperatorRow *o, const AgentRow *a, usec_t now,
                                     const char *zone) {
        char shift[2 * ISO8601_MAX];
        int day_since = 0, day_now = 0;

        verbs_daemon_format_span(o->shift_start, o->shift_end, now, zone, shift);
        if (a && a->since > 0) {
                (void) time_local_day(a->since, zone, &day_since);
                (void) time_local_day(now, zone, &day_now);
        }
        if (table_add_string(t, o->id) < 0 || table_add_string(t, o->name) < 0 || table_add_string(t, o->team) < 0 ||
            table_add_string(t, shift) < 0 || table_add_time(t, TABLE_CLOCK, o->shift_start, zone) < 0 ||
            table_add_time(t, TABLE_CLOCK, o->shift_end, zone) < 0 ||
            table_add_time(t, TABLE_CLOCK, o->next_break, zone) < 0 ||
            table_add_agent_state(t, a ? a->state : NULL) < 0 ||
            table_add_time(t, day_since != day_now ? TABLE_TIMESTAMP_MINUTE : TABLE_CLOCK, a ? a->since : 0,
                           zone) < 0)
                return -ENOMEM;
        return 0;
}

/* ListAgentStates(operator; "": all), sorted by operator; none from a
 * daemon without it (or when it fails: the columns then stay empty). */
static int verbs_daemon_agent_states(sd_bus *bus, const char *operator, sd_bus_message **ret_reply, AgentRow **ret,
                                     size_t *ret_n) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        *ret = NULL;
        *ret_n = 0;
        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_LIST_AGENT_STATES, &error,
                               ret_reply, "s", operator);
        if (r < 0) {
                log_debug("ListAgentStates: %s", error.message ?: strerror(-r));
                return 0;
        }
        r = ctl_bus_read_array(*ret_reply, 'r', verbs_daemon_agent_fields, ELEMENTSOF(verbs_daemon_agent_fields),
                               sizeof(AgentRow), (void **) ret, ret_n);
        if (r < 0)
                return ctl_bus_log_read_error(r);
        qsort(*ret, *ret_n, sizeof(AgentRow), verbs_daemon_agent_compare);
        return 0;
}

int verb_operators(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL, *agents_reply = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        _cleanup_free_ OperatorRow *rows = NULL;
        _cleanup_free_ AgentRow *agents = NULL;
        _cleanup_free_ char *zone = NULL;
        size_t n, n_agents;
        usec_t now;
        int r;

        r = ctl_bus_open(&bus, &zone, &now);
        if (r < 0)
                return r;
        r = verbs_daemon_list_operators(bus, &reply, &rows, &n);
        if (r < 0)
                return r;
        r = verbs_daemon_agent_states(bus, "", &agents_reply, &agents, &n_agents);
        if (r < 0)
                return r;

        t = table_new(verbs_daemon_operator_columns, ELEMENTSOF(verbs_daemon_operator_columns));
        if (!t)
                return log_oom();
        for (size_t i = 0; i < n; i++) {
                AgentRow key = { .id = rows[i].id };
                const AgentRow *a = n_agents > 0 ? bsearch(&key, agents, n_agents, sizeof(AgentRow),
                                                           verbs_daemon_agent_compare) : NULL;

                if (verbs_daemon_operator_row(t, &rows[i], a, now, zone) < 0)
                        return log_oom();
        }
        r = verbs_daemon_print_table(t, _("No operators you may read.\n"));
        if (r >= 0 && n == 0 && !arg_json)
                fprintf(stderr, _("respited shows each user only the operators it may read: an administrator "
                                  "maps users and team leads in the access section of respite.conf "
                                  "(respite.conf(5)).\n"));
        return r;
}

/* ---- schedule ---- */

typedef struct ScheduleBreak {
        const char *kind;
        uint64_t start, end;
        const char *uid, *reason;
} ScheduleBreak;

static const CtlBusField verbs_daemon_break_fields[] = {
        { 's', offsetof(ScheduleBreak, kind)   },
        { 't', offsetof(ScheduleBreak, start)  },
        { 't', offsetof(ScheduleBreak, end)    },
        { 's', offsetof(ScheduleBreak, uid)    },
        { 's', offsetof(ScheduleBreak, reason) },
};

static const TableColumn verbs_daemon_break_columns[] = {
        { N_("KIND"),   "kind"    },
        { N_("START"),  "start"   },
        { N_("END"),    "end"     },
        { N_("LENGTH"), "minutes" },
        { NULL,     "uid"     },
        { N_("REASON"), "reason"  },
};

/* The text: START END LENGTH KIND REASON. */
static const size_t verbs_daemon_break_display[] = { 1, 2, 3, 0, 5 };

/* GetSchedule: the breaks of operator overlapping [from, to). Strings point
 * into *ret_reply. Logs, but for a failed call when quiet (then returns
 * sd-bus's errno; -ENOMEM is logged). */
static int verbs_daemon_get_schedule(sd_bus *bus, const char *operator, usec_t from, usec_t to, bool quiet,
                                     sd_bus_message **ret_reply, ScheduleBreak **ret, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = ctl_bus_call(bus, BUS_METHOD_GET_SCHEDULE, quiet ? NULL : N_("get the schedule"), &reply, "stt",
                         operator, (uint64_t) from, (uint64_t) to);
        if (r < 0)
                return quiet && r == -ENOMEM ? log_oom() : r;
        r = ctl_bus_read_array(reply, 'r', verbs_daemon_break_fields, ELEMENTSOF(verbs_daemon_break_fields),
                               sizeof(ScheduleBreak), (void **) ret, ret_n);
        if (r < 0)
                return ctl_bus_log_read_error(r);
        *ret_reply = TAKE_PTR(reply);
        return 0;
}

/* A table of the n breaks b in zone. Returns 0 or -ENOMEM. */
static int verbs_daemon_break_table(const ScheduleBreak *b, size_t n, const char *zone, Table **ret) {
        _cleanup_(table_freep) Table *t = table_new(verbs_daemon_break_columns, ELEMENTSOF(verbs_daemon_break_columns));

        if (!t || table_set_display(t, verbs_daemon_break_display, ELEMENTSOF(verbs_daemon_break_display)) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (table_add_break_kind(t, b[i].kind) < 0 || table_add_time(t, TABLE_CLOCK, b[i].start, zone) < 0 ||
                    table_add_time(t, TABLE_CLOCK, b[i].end, zone) < 0 ||
                    table_add_duration(t, b[i].end - b[i].start) < 0 || table_add_string(t, b[i].uid) < 0 ||
                    table_add_reason(t, b[i].reason) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(t);
        return 0;
}

static int verbs_daemon_schedule_json(const char *operator, const char *date, const char *zone, const Table *t) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *list = NULL;

        if (!o || table_to_json(t, &list) < 0 ||
            ctl_json_add_string(o, "operator", operator) < 0 || ctl_json_add_string(o, "date", date) < 0 ||
            ctl_json_add_string(o, "timezone", zone) < 0 || ctl_json_add_object(o, "breaks", list) < 0 ||
            ctl_json_print(o) < 0)
                return log_oom();
        return 0;
}

int verb_schedule(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        _cleanup_free_ ScheduleBreak *breaks = NULL;
        _cleanup_free_ char *zone = NULL;
        char date[ISO8601_MAX];
        usec_t from, to, now;
        size_t n;
        int r;

        r = ctl_bus_open(&bus, &zone, &now);
        if (r < 0)
                return r;
        r = verbs_daemon_resolve_date(arg_date, zone, now, date);
        if (r >= 0)
                r = time_parse_day(date, zone, &from, &to);
        if (r < 0)
                return log_error_errno(EINVAL, _("--date: expected a date such as 1999-01-04, today, tomorrow or "
                                                 "yesterday, got '%s'."), date);

        r = verbs_daemon_get_schedule(bus, args[1], from, to, false, &reply, &breaks, &n);
        if (r < 0)
                return r;
        if (verbs_daemon_break_table(breaks, n, zone, &t) < 0)
                return log_oom();
        if (arg_json)
                return verbs_daemon_schedule_json(args[1], date, zone, t);
        printf(_("%s, %s (times in %s)\n"), args[1], date, zone);
        return verbs_daemon_print_table(t, _("No breaks.\n"));
}

/* ---- report ---- */

static int verbs_daemon_report_json(const char *id, char **args, const ScheduleBreak *granted, const char *zone) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *b = NULL;
        _cleanup_(table_freep) Table *t = NULL;

        if (!o || (granted && (verbs_daemon_break_table(granted, 1, zone, &t) < 0 ||
                               table_row_to_json(t, 0, &b) < 0)) ||
            ctl_json_add_string(o, "id", id) < 0 || ctl_json_add_string(o, "operator", args[1]) < 0 ||
            ctl_json_add_string(o, "category", args[2]) < 0 || ctl_json_add_object(o, "recovery_break", b) < 0 ||
            ctl_json_print(o) < 0)
                return log_oom();
        return 0;
}

/* The break of after that a recovery merged into with this report: one
 * whose reason says "; also recovery" now and did not in before (or was
 * not there), the first by start. NULL when none did: the incident earned
 * points only. */
static const ScheduleBreak *verbs_daemon_merged_into(const ScheduleBreak *before, size_t n_before,
                                                     const ScheduleBreak *after, size_t n_after) {
        const ScheduleBreak *found = NULL;

        for (size_t i = 0; i < n_after; i++) {
                const ScheduleBreak *b = &after[i], *was = NULL;

                if (!b->reason || !strstr(b->reason, "; also recovery"))
                        continue;
                for (size_t j = 0; j < n_before; j++)
                        if (streq_ptr(before[j].uid, b->uid))
                                was = &before[j];
                if (was && streq_ptr(was->reason, b->reason))
                        continue;
                if (!found || b->start < found->start)
                        found = b;
        }
        return found;
}

/* What the report gave, on stderr: lengths, the kind and the reason in the
 * reader's words (duration_format_words(), reason_kind_words(),
 * reason_translate()). */
static void verbs_daemon_report_text(const char *id, const char *operator, const ScheduleBreak *granted,
                                     const ScheduleBreak *merged, const AgentRow *agent, const char *zone) {
        _cleanup_free_ char *translated = granted ? reason_translate(granted->reason) : NULL;
        const char *reason = translated ?: granted ? granted->reason : NULL;
        char a[ISO8601_MAX], z[ISO8601_MAX], length[DURATION_MAX];

        printf("%s\n", id);
        if (granted && agent && streq(agent->state, "on_call"))
                fprintf(stderr, _("Recovery break for %s (%s), %s; %s is on a call since %s: it begins when the "
                                  "call ends.\n"), operator,
                        duration_format_words(granted->end - granted->start, length), reason, operator, table_format_time(TABLE_CLOCK, agent->call_since ?: agent->since, zone, a));
        else if (granted)
                fprintf(stderr, _("Recovery break for %s: %s to %s (%s), %s.\n"), operator,
                        table_format_time(TABLE_TIMESTAMP_MINUTE, granted->start, zone, a),
                        table_format_time(TABLE_CLOCK, granted->end, zone, z),
                        duration_format_words(granted->end - granted->start, length), reason);
        else if (merged)
                fprintf(stderr, _("No break of its own: it merged into %s's next break, the %s break of %s to %s "
                                  "(%s, %s), which now gives the recovery too. `respitectl schedule %s` shows the "
                                  "day and why.\n"), operator, reason_kind_words(merged->kind),
                        table_format_time(TABLE_TIMESTAMP_MINUTE, merged->start, zone, a),
                        table_format_time(TABLE_CLOCK, merged->end, zone, z),
                        duration_format_words(merged->end - merged->start, length), zone, operator);
        else
                fprintf(stderr, _("No break of its own: it adds points toward one. `respitectl schedule %s` shows "
                                  "the day and why.\n"), operator);
}

int verb_report(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL, *schedule = NULL, *states = NULL,
                *schedule_before = NULL;
        _cleanup_free_ ScheduleBreak *breaks = NULL, *before = NULL;
        _cleanup_free_ AgentRow *agents = NULL;
        _cleanup_free_ char *zone = NULL, *uid = NULL;
        const ScheduleBreak *granted = NULL;
        size_t n_agents = 0;
        const char *id;
        usec_t when = 0, now;
        size_t n = 0, n_before = 0;
        usec_t since;
        int r;

        r = ctl_bus_open(&bus, &zone, &now);
        if (r < 0)
                return r;
        if (arg_at) {
                r = time_parse_iso8601(arg_at, zone, &when);
                if (r < 0)
                        return log_error_errno(EINVAL, _("--at: expected an ISO 8601 time such as "
                                                         "1999-01-04T10:42:00, got '%s'."), arg_at);
        }
        since = (when ?: now) > USEC_PER_DAY ? (when ?: now) - USEC_PER_HOUR : 0;
        /* The day before, to tell the break a recovery merges into. Who
         * may report but not read the schedule (an integration) goes
         * without; that is logged after the report, which says what is
         * wrong with the operator once. */
        r = verbs_daemon_get_schedule(bus, args[1], since, 0, true, &schedule_before, &before, &n_before);
        if (r == -ENOMEM)
                return r;

        /* With --id, the daemon stores it once however often it is run
         * (a retry after a timeout is safe). */
        if (arg_id)
                r = ctl_bus_call(bus, BUS_METHOD_REPORT_INCIDENT_WITH_ID, N_("report the incident"), &reply, "sssts",
                                 arg_id, args[1], args[2], (uint64_t) when, arg_note ?: "");
        else
                r = ctl_bus_call(bus, BUS_METHOD_REPORT_INCIDENT, N_("report the incident"), &reply, "ssts", args[1],
                                 args[2], (uint64_t) when, arg_note ?: "");
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "s", &id);
        if (r < 0)
                return ctl_bus_log_read_error(r);

        /* The break it earned, when it is a break of its own (it may have
         * merged into the next break, or earned points only). Reported
         * even when the schedule does not read (that is logged). */
        if (asprintf(&uid, "%s-recovery-%s@respite", args[1], id) < 0)
                return log_oom();
        r = verbs_daemon_get_schedule(bus, args[1], since, 0, false, &schedule, &breaks, &n);
        if (r == -ENOMEM)
                return r;
        for (size_t i = 0; i < n; i++)
                if (streq(breaks[i].uid, uid))
                        granted = &breaks[i];

        if (arg_json)
                return verbs_daemon_report_json(id, args, granted, zone);
        /* On a call now: the break waits for its end. */
        r = verbs_daemon_agent_states(bus, args[1], &states, &agents, &n_agents);
        if (r < 0)
                return r;
        verbs_daemon_report_text(id, args[1], granted,
                                 granted ? NULL : verbs_daemon_merged_into(before, n_before, breaks, n),
                                 n_agents == 1 ? &agents[0] : NULL, zone);
        return 0;
}

/* ---- reload, feed-url, rotate-token ---- */

/* The unit's ExecReload=: Reload() answers after the new plan is out, or
 * with why the new policy was refused, and this exits 1 then. A big site
 * takes seconds to plan: wait as long as systemd waits for a reload
 * (DefaultTimeoutStartSec=, 90 s), not sd-bus's 25 s. */
#define VERBS_DAEMON_RELOAD_TIMEOUT (90 * USEC_PER_SEC)

int verb_reload(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        r = ctl_bus_open(&bus, NULL, NULL);
        if (r < 0)
                return r;
        r = sd_bus_set_method_call_timeout(bus, VERBS_DAEMON_RELOAD_TIMEOUT);
        if (r < 0)
                return log_error_errno(r, _("Failed to set the time to wait for respited: %m"));
        r = ctl_bus_call(bus, BUS_METHOD_RELOAD, N_("reload respited"), NULL, NULL);
        if (r < 0)
                return r;
        fprintf(stderr, _("Reloaded; `respitectl status` shows the new counts.\n"));
        return 0;
}

/* feed-url and rotate-token: the URLs of the feed of args[1], or of --team. */
static int verbs_daemon_feed_urls(char **args, bool rotate) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(json_object_putp) json_object *o = NULL;
        const char *what = rotate ? N_("rotate the feed token") : N_("get the feed URL"), *url, *webcal;
        int r;

        r = ctl_bus_open(&bus, NULL, NULL);
        if (r < 0)
                return r;
        if (rotate)
                r = ctl_bus_call(bus, BUS_METHOD_ROTATE_FEED_TOKEN, what, &reply, "ss",
                                 feed_audience_to_string(arg_team ? FEED_TEAM : FEED_OPERATOR), arg_team ?: args[1]);
        else if (arg_team)
                r = ctl_bus_call(bus, BUS_METHOD_GET_TEAM_FEED_URL, what, &reply, "s", arg_team);
        else
                r = ctl_bus_call(bus, BUS_METHOD_GET_FEED_URL, what, &reply, "s", args[1]);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "ss", &url, &webcal);
        if (r < 0)
                return ctl_bus_log_read_error(r);

        if (arg_json) {
                o = json_object_new_object();
                if (!o || ctl_json_add_string(o, "url", url) < 0 || ctl_json_add_string(o, "webcal_url", webcal) < 0 ||
                    ctl_json_print(o) < 0)
                        return log_oom();
                return 0;
        }
        printf("%s\n%s\n", url, webcal);
        if (rotate)
                fputs(_("The old URL answers 404 from now on: subscribe again with the new one.\n"), stderr);
        return 0;
}

int verb_feed_url(char **args) {
        return verbs_daemon_feed_urls(args, false);
}

int verb_rotate_token(char **args) {
        return verbs_daemon_feed_urls(args, true);
}
