/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respitectl: talk to respited, or plan offline. See respitectl(1). */
#include <getopt.h>
#include <json-c/json.h>
#include <systemd/sd-bus.h>

#include "core/incident.h"
#include "core/metrics.h"
#include "core/planner.h"
#include "core/policy.h"
#include "core/roster.h"
#include "import/import-check.h"
#include "import/inputs.h"
#include "publish/feed.h"
#include "shared/bus-contract.h"
#include "shared/log.h"
#include "shared/string-table.h"
#include "shared/time-util.h"

#define DEFAULT_CONFIG SYSCONFDIR "/respite/respite.conf"

/* Exit codes, respitectl(1) EXIT STATUS. */
enum {
        EXIT_USAGE = 2,         /* a bad command, option or argument */
        EXIT_NO_DAEMON = 3,     /* respited cannot be reached */
        EXIT_DENIED = 4,        /* respited refused: access control */
        EXIT_NOT_FOUND = 5,     /* no such operator, team or category */
};

typedef enum Format {
        FORMAT_TABLE,
        FORMAT_CSV,
        FORMAT_ICS,
        FORMAT_JSON,
        _FORMAT_MAX,
        _FORMAT_INVALID = -EINVAL,
} Format;

static const char * const format_table[_FORMAT_MAX] = {
        [FORMAT_TABLE] = "table",
        [FORMAT_CSV]   = "csv",
        [FORMAT_ICS]   = "ics",
        [FORMAT_JSON]  = "json",
};
DEFINE_PRIVATE_STRING_TABLE_LOOKUP(format, Format);

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static bool arg_user = false;
static bool arg_json = false;
static bool arg_color = false;
static const char *arg_at = NULL;
static const char *arg_note = NULL;
static const char *arg_date = NULL;
static const char *arg_since = NULL;
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
               "Read (over D-Bus, from a running respited; add --json for JSON):\n"
               "  status               The daemon: version, policy, operators, today's counts\n"
               "  operators            The operators you may read: team, shift, next break\n"
               "  schedule OPERATOR [--date DATE|today|tomorrow|yesterday]\n"
               "                       An operator's breaks of one day, and why each was given\n"
               "  incidents [--operator ID] [--since TIME]\n"
               "                       Incidents since TIME (default: today), team leads only\n"
               "  feed-url OPERATOR|--team TEAM\n"
               "                       The secret URL of a calendar feed, http(s):// and webcal://\n\n"
               "Act:\n"
               "  report OPERATOR CATEGORY [--at TIME] [--note TEXT]\n"
               "                       Report an incident: grants the recovery break at once\n"
               "  reload               Re-read the policy, rosters and call records (root)\n"
               "  rotate-token OPERATOR|--team TEAM\n"
               "                       A new secret feed URL; the old one answers 404 at once\n\n"
               "Offline, without a daemon:\n"
               "  plan --roster PATH... [--calls PATH...] [--incidents CSV...]\n"
               "       [--config FILE] [--from TIME --to TIME] [--format table|csv|ics|json]\n"
               "       [--operator ID | --team NAME] [--metrics]\n"
               "                       Plan a roster and print the breaks\n"
               "  import-check PATH... [--config FILE] [--from TIME --to TIME] [--format table|csv]\n"
               "                       What importing each roster or call file gives, and\n"
               "                       every row or event skipped, with FILE:LINE and why\n\n"
               "Options:\n"
               "     --user           Talk to respited on the session bus\n"
               "     --json           Print JSON (every read command, report and plan)\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n\n"
               "Times are ISO 8601 (1999-01-04T10:42:00+02:00); without an offset they are\n"
               "in the site's time zone, and so are the times shown. Exit status: 0 done,\n"
               "1 failed, 2 bad usage, 3 respited not reachable, 4 access denied, 5 no such\n"
               "operator, team or category. See respitectl(1).\n");
}

static int parse_format(const char *s) {
        Format f = format_from_string(s);

        if (f < 0)
                return log_error_errno(EINVAL, "--format: expected table, csv, ics or json, got '%s'.", s);
        arg_format = f;
        arg_json = f == FORMAT_JSON;
        return 0;
}

/* Colour only on a terminal, and never under $NO_COLOR (no-color.org) or TERM=dumb. */
static bool want_color(void) {
        const char *term = getenv("TERM");

        return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term && !streq(term, "dumb");
}

/* Non-option arguments after --roster, --calls or --incidents add to that
 * list, so "--roster data/roster-*.csv" works with a shell glob. */
static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_USER = 0x100, ARG_AT, ARG_NOTE, ARG_DATE, ARG_CONFIG, ARG_FROM, ARG_TO, ARG_FORMAT,
                ARG_ROSTER, ARG_CALLS, ARG_INCIDENTS, ARG_OPERATOR, ARG_TEAM, ARG_VERSION,
                ARG_METRICS, ARG_JSON, ARG_SINCE,
        };
        static const struct option options[] = {
                { "user",      no_argument,       NULL, ARG_USER      },
                { "json",      no_argument,       NULL, ARG_JSON      },
                { "at",        required_argument, NULL, ARG_AT        },
                { "note",      required_argument, NULL, ARG_NOTE      },
                { "date",      required_argument, NULL, ARG_DATE      },
                { "since",     required_argument, NULL, ARG_SINCE     },
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
                case ARG_JSON:      arg_json = true; break;
                case ARG_AT:        arg_at = optarg; break;
                case ARG_NOTE:      arg_note = optarg; break;
                case ARG_DATE:      arg_date = optarg; break;
                case ARG_SINCE:     arg_since = optarg; break;
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
                        if (parse_format(optarg) < 0)
                                return -EINVAL;
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("respitectl %s\n", VERSION);
                        return 0;
                default:
                        log_error("See respitectl --help for the options.");
                        return -EINVAL;
                }
        if (arg_json && arg_format == FORMAT_TABLE)
                arg_format = FORMAT_JSON;
        arg_color = !arg_json && want_color();
        return 1;
}

/* ---- Output: aligned tables, colour, JSON ---- */

#define ANSI_BOLD   "\033[1m"
#define ANSI_YELLOW "\033[1;33m"
#define ANSI_BLUE   "\033[34m"
#define ANSI_RESET  "\033[0m"

typedef struct Table {
        size_t n_columns;
        char **cells;           /* row by row, the header first */
        size_t n_cells;
        int kind_column;        /* coloured by break kind, or -1 */
} Table;

static Table *table_free(Table *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Table *, table_free);

static int table_add_cell(Table *t, const char *cell) {
        char *c = strdup(cell ?: "");

        if (!c || array_grow((void **) &t->cells, t->n_cells, sizeof(char *)) < 0) {
                free(c);
                return -ENOMEM;
        }
        t->cells[t->n_cells++] = c;
        return 0;
}

/* A table whose header is the n_columns strings given. Returns NULL on OOM. */
static Table *table_new(size_t n_columns, const char * const *header) {
        _cleanup_(table_freep) Table *t = calloc(1, sizeof(Table));

        if (!t)
                return NULL;
        t->n_columns = n_columns;
        t->kind_column = -1;
        for (size_t i = 0; i < n_columns; i++)
                if (table_add_cell(t, header[i]) < 0)
                        return NULL;
        return TAKE_PTR(t);
}

/* Display width: code points of UTF-8 (no wide characters in our columns). */
static size_t text_width(const char *s) {
        size_t n = 0;

        for (; *s; s++)
                n += ((unsigned char) *s & 0xC0) != 0x80;
        return n;
}

static const char *kind_color(const char *kind) {
        return streq(kind, "recovery") ? ANSI_YELLOW : streq(kind, "statutory") ? ANSI_BLUE : "";
}

static void table_print(const Table *t) {
        size_t widths[16] = {};

        for (size_t i = 0; i < t->n_cells; i++)
                widths[i % t->n_columns] = MAX(widths[i % t->n_columns], text_width(t->cells[i]));
        for (size_t i = 0; i < t->n_cells; i++) {
                size_t col = i % t->n_columns;
                bool last = col == t->n_columns - 1;
                const char *on = !arg_color ? "" : i < t->n_columns ? ANSI_BOLD :
                                 (int) col == t->kind_column ? kind_color(t->cells[i]) : "";

                printf("%s%s%s", on, t->cells[i], *on ? ANSI_RESET : "");
                if (last)
                        putchar('\n');
                else
                        printf("%*s", (int) (widths[col] - text_width(t->cells[i]) + 2), "");
        }
}

static int json_print(json_object *o) {
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                             JSON_C_TO_STRING_SPACED |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE);

        if (!text)
                return log_oom();
        puts(text);
        return 0;
}

/* key (ISO 8601 in zone, or null for 0) and key_usec. Returns 0 or -ENOMEM. */
static int json_add_time(json_object *o, const char *key, usec_t t, const char *zone) {
        _cleanup_free_ char *key_usec = NULL;
        char buf[ISO8601_MAX];
        json_object *v = NULL;

        if (t > 0 && time_format_iso8601(t, zone, buf) >= 0) {
                v = json_object_new_string(buf);
                if (!v)
                        return -ENOMEM;
        }
        if (json_object_object_add(o, key, v) < 0 || asprintf(&key_usec, "%s_usec", key) < 0)
                return -ENOMEM;
        return json_object_object_add(o, key_usec, t > 0 ? json_object_new_uint64(t) : NULL) < 0 ? -ENOMEM : 0;
}

static int json_add_string(json_object *o, const char *key, const char *value) {
        return json_object_object_add(o, key, value ? json_object_new_string(value) : NULL) < 0 ? -ENOMEM : 0;
}

static int json_add_uint(json_object *o, const char *key, uint64_t value) {
        return json_object_object_add(o, key, json_object_new_uint64(value)) < 0 ? -ENOMEM : 0;
}

/* "10:42", or with_date "1999-01-04 10:42", in zone. */
static void format_local(usec_t t, const char *zone, bool with_date, char buf[static ISO8601_MAX]) {
        if (time_format_iso8601(t, zone, buf) < 0 || strlen(buf) < 16) {
                snprintf(buf, ISO8601_MAX, "?");
                return;
        }
        buf[10] = ' ';
        buf[16] = 0;
        if (!with_date)
                memmove(buf, buf + 11, 6);
}

static char *format_minutes(usec_t d, char buf[static DURATION_MAX]) {
        return duration_format(d, buf, DURATION_MAX);
}

/* ---- The bus ---- */

static const char *bus_kind(void) {
        return arg_user ? "session" : "system";
}

static int bus_open(sd_bus **ret) {
        int r = arg_user ? sd_bus_open_user(ret) : sd_bus_open_system(ret);

        if (r < 0) {
                log_error_errno(r, "Failed to connect to the %s bus: %m", bus_kind());
                if (!arg_user)
                        log_error("(respited --user runs on the session bus: add --user.)");
                return -EHOSTDOWN;
        }
        return 0;
}

/* Log a failed call to respited with what to do next, and classify it for
 * the exit status: -EHOSTDOWN (not running), -EACCES, -ENXIO (no such
 * operator), -ENOKEY (no such category), -EINVAL, -EOPNOTSUPP (an older
 * daemon), else r. */
static int log_bus_error(int r, const sd_bus_error *e, const char *what) {
        const char *message = e->message ?: strerror(-r);

        if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER,
                                   SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_DISCONNECTED)) {
                log_error("respited is not running on the %s bus (%s).", bus_kind(), message);
                log_error(arg_user ? "Start it with `respited --user`, or drop --user for the system bus." :
                                     "Start it with `systemctl start respited`, or add --user for the session bus.");
                return -EHOSTDOWN;
        }
        if (sd_bus_error_has_name(e, SD_BUS_ERROR_ACCESS_DENIED)) {
                log_error("Failed to %s: %s", what, message);
                log_error("respited decides by your Unix user: an administrator maps users to operators and "
                          "team leads in the access section of respite.conf (see respite.conf(5)).");
                return -EACCES;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_UNKNOWN_OPERATOR)) {
                log_error("Failed to %s: %s `respitectl operators` lists them.", what, message);
                return -ENXIO;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_UNKNOWN_CATEGORY)) {
                log_error("Failed to %s: %s respite.conf(5) says what each means.", what, message);
                return -ENOKEY;
        }
        if (sd_bus_error_has_name(e, SD_BUS_ERROR_UNKNOWN_METHOD)) {
                log_error("Failed to %s: respited is older than respitectl %s (%s). Restart it after upgrading.",
                          what, VERSION, message);
                return -EOPNOTSUPP;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_RELOAD_FAILED)) {
                log_error("%s", message);
                log_error("Read it with `journalctl -u respited`, fix the file, then reload again.");
                return r;
        }
        log_error("Failed to %s: %s", what, message);
        return sd_bus_error_has_name(e, SD_BUS_ERROR_INVALID_ARGS) ? -EINVAL : r;
}

/* The daemon's zone and clock (both may be NULL). */
static int daemon_clock(sd_bus *bus, char **ret_zone, usec_t *ret_now) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (ret_zone) {
                r = sd_bus_get_property_string(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_TIMEZONE, &error, ret_zone);
                if (r < 0)
                        return log_bus_error(r, &error, "reach respited");
        }
        if (ret_now) {
                uint64_t now;

                r = sd_bus_get_property_trivial(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_NOW, &error, 't', &now);
                if (r < 0)
                        return log_bus_error(r, &error, "read the daemon's clock");
                *ret_now = now;
        }
        return 0;
}

static int bus_read_error(int r) {
        return log_error_errno(r, "Failed to read the reply of respited: %m");
}

/* DATE as YYYY-MM-DD: itself, or today, tomorrow, yesterday on the
 * daemon's clock in zone. */
static int resolve_date(const char *date, const char *zone, usec_t now, char ret[static ISO8601_MAX]) {
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

/* ---- Commands over the bus ---- */

/* "NAME: value" lines, or the JSON object. */
static int verb_status(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *breaks = json_object_new_object();
        const char *version = "", *policy = "", *zone = "UTC", *preset = "";
        uint32_t operators = 0, teams = 0, shifts = 0, incidents = 0, violations = 0;
        uint32_t counts[3] = {};
        uint64_t now = 0;
        char when[ISO8601_MAX];
        int r;

        if (strv_length(args) != 1)
                return log_error_errno(EINVAL, "Unexpected argument '%s'; usage: respitectl status", args[1]);
        if (!o || !breaks)
                return log_oom();
        r = bus_open(&bus);
        if (r < 0)
                return r;
        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_GET_STATUS, &error, &reply, NULL);
        if (r < 0)
                return log_bus_error(r, &error, "read the daemon's status");

        r = sd_bus_message_enter_container(reply, 'a', "{sv}");
        while (r >= 0) {
                const char *key;

                r = sd_bus_message_enter_container(reply, 'e', "sv");
                if (r <= 0)
                        break;
                r = sd_bus_message_read(reply, "s", &key);
                if (r < 0)
                        break;
#define READ(name, type, ptr) \
                else if (streq(key, name)) r = sd_bus_message_read(reply, "v", type, ptr)
                if (false) {}
                READ("Version", "s", &version);
                READ("Policy", "s", &policy);
                READ("Timezone", "s", &zone);
                READ("StatutoryPreset", "s", &preset);
                READ("Now", "t", &now);
                READ("Operators", "u", &operators);
                READ("Teams", "u", &teams);
                READ("ShiftsToday", "u", &shifts);
                READ("IncidentsToday", "u", &incidents);
                READ("StatutoryViolations", "u", &violations);
#undef READ
                else if (streq(key, "BreaksToday")) {
                        const char *kind;
                        uint32_t n;

                        r = sd_bus_message_enter_container(reply, 'v', "a{su}");
                        if (r >= 0)
                                r = sd_bus_message_enter_container(reply, 'a', "{su}");
                        while (r >= 0 && (r = sd_bus_message_read(reply, "{su}", &kind, &n)) > 0) {
                                for (BreakKind k = 0; k < _BREAK_KIND_MAX; k++)
                                        if (streq(kind, break_kind_to_string(k)))
                                                counts[k] = n;
                                if (json_add_uint(breaks, kind, n) < 0)
                                        return log_oom();
                        }
                        if (r >= 0)
                                r = sd_bus_message_exit_container(reply);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(reply);
                } else
                        r = sd_bus_message_skip(reply, "v");
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
        }
        if (r < 0)
                return bus_read_error(r);

        if (arg_json) {
                if (json_add_string(o, "version", version) < 0 || json_add_string(o, "bus", bus_kind()) < 0 ||
                    json_add_string(o, "policy", policy) < 0 || json_add_string(o, "timezone", zone) < 0 ||
                    json_add_string(o, "statutory_preset", isempty(preset) ? NULL : preset) < 0 ||
                    json_add_time(o, "now", now, zone) < 0 || json_add_uint(o, "operators", operators) < 0 ||
                    json_add_uint(o, "teams", teams) < 0 || json_add_uint(o, "shifts_today", shifts) < 0 ||
                    json_object_object_add(o, "breaks_today", json_object_get(breaks)) < 0 ||
                    json_add_uint(o, "incidents_today", incidents) < 0 ||
                    json_add_uint(o, "statutory_violations", violations) < 0)
                        return log_oom();
                return json_print(o);
        }

        format_local(now, zone, true, when);
        printf("%srespited %s%s on the %s bus\n", arg_color ? ANSI_BOLD : "", version, arg_color ? ANSI_RESET : "",
               bus_kind());
        printf("Policy:               %s (statutory preset %s)\n", policy, isempty(preset) ? "none" : preset);
        printf("Time zone:            %s; the daemon's clock says %s\n", zone, when);
        printf("Operators:            %" PRIu32 " in %" PRIu32 " teams; %" PRIu32 " shifts today\n",
               operators, teams, shifts);
        printf("Breaks today:         %" PRIu32 " statutory, %" PRIu32 " recovery, %" PRIu32 " planned\n",
               counts[BREAK_STATUTORY], counts[BREAK_RECOVERY], counts[BREAK_PLANNED]);
        printf("Incidents today:      %" PRIu32 "\n", incidents);
        printf("Statutory violations: %s%" PRIu32 "%s\n", arg_color && violations > 0 ? ANSI_YELLOW : "",
               violations, arg_color && violations > 0 ? ANSI_RESET : "");
        if (violations > 0)
                fprintf(stderr, "Some shifts cannot hold their statutory breaks: `respitectl plan --metrics` "
                        "with the same roster shows which; the daemon's log names them.\n");
        return 0;
}

/* "07:00–13:45" (with the date unless it is the day of now), or "-". */
static void format_span(usec_t from, usec_t to, usec_t now, const char *zone, char buf[static 2 * ISO8601_MAX]) {
        char a[ISO8601_MAX], b[ISO8601_MAX];
        int day_from = 0, day_now = 0;

        if (from == 0) {
                snprintf(buf, 2 * ISO8601_MAX, "-");
                return;
        }
        (void) time_local_day(from, zone, &day_from);
        (void) time_local_day(now, zone, &day_now);
        format_local(from, zone, day_from != day_now, a);
        format_local(to, zone, false, b);
        snprintf(buf, 2 * ISO8601_MAX, "%s-%s", a, b);
}

static int verb_operators(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(json_object_putp) json_object *list = json_object_new_array();
        _cleanup_(table_freep) Table *t = table_new(5, (const char *[]) { "ID", "NAME", "TEAM", "SHIFT", "NEXT BREAK" });
        _cleanup_free_ char *zone = NULL;
        usec_t now;
        size_t n = 0;
        int r;

        if (strv_length(args) != 1)
                return log_error_errno(EINVAL, "Unexpected argument '%s'; usage: respitectl operators", args[1]);
        if (!list || !t)
                return log_oom();
        r = bus_open(&bus);
        if (r < 0)
                return r;
        r = daemon_clock(bus, &zone, &now);
        if (r < 0)
                return r;
        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_LIST_OPERATORS, &error, &reply, NULL);
        if (r < 0)
                return log_bus_error(r, &error, "list the operators");

        r = sd_bus_message_enter_container(reply, 'a', "(sssttt)");
        while (r >= 0) {
                const char *id, *name, *team;
                uint64_t start, end, next;
                char shift[2 * ISO8601_MAX], brk[ISO8601_MAX];
                json_object *o;

                r = sd_bus_message_read(reply, "(sssttt)", &id, &name, &team, &start, &end, &next);
                if (r <= 0)
                        break;
                n++;
                format_span(start, end, now, zone, shift);
                if (next > 0)
                        format_local(next, zone, false, brk);
                if (table_add_cell(t, id) < 0 || table_add_cell(t, name) < 0 || table_add_cell(t, team) < 0 ||
                    table_add_cell(t, shift) < 0 || table_add_cell(t, next > 0 ? brk : "-") < 0)
                        return log_oom();
                o = json_object_new_object();
                if (!o || json_object_array_add(list, o) < 0 || json_add_string(o, "id", id) < 0 ||
                    json_add_string(o, "name", name) < 0 || json_add_string(o, "team", team) < 0 ||
                    json_add_time(o, "shift_start", start, zone) < 0 || json_add_time(o, "shift_end", end, zone) < 0 ||
                    json_add_time(o, "next_break", next, zone) < 0)
                        return log_oom();
        }
        if (r < 0)
                return bus_read_error(r);

        if (arg_json)
                return json_print(list);
        if (n == 0) {
                printf("No operators you may read.\n");
                fprintf(stderr, "respited shows each user only the operators it may read: an administrator maps "
                        "users and team leads in the access section of respite.conf (respite.conf(5)).\n");
                return 0;
        }
        table_print(t);
        return 0;
}

/* Fetch the breaks of operator overlapping [from, to) into a JSON array of
 * {kind, start, end, minutes, uid, reason} and, when t, a table. */
static int fetch_schedule(sd_bus *bus, const char *operator, usec_t from, usec_t to, const char *zone,
                          json_object *list, Table *t) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_GET_SCHEDULE, &error, &reply,
                               "stt", operator, (uint64_t) from, (uint64_t) to);
        if (r < 0)
                return log_bus_error(r, &error, "get the schedule");
        r = sd_bus_message_enter_container(reply, 'a', "(sttss)");
        while (r >= 0) {
                const char *kind, *uid, *reason;
                uint64_t start, end;
                char a[ISO8601_MAX], b[ISO8601_MAX], length[DURATION_MAX];
                json_object *o;

                r = sd_bus_message_read(reply, "(sttss)", &kind, &start, &end, &uid, &reason);
                if (r <= 0)
                        break;
                format_local(start, zone, false, a);
                format_local(end, zone, false, b);
                format_minutes(end - start, length);
                if (t && (table_add_cell(t, a) < 0 || table_add_cell(t, b) < 0 || table_add_cell(t, length) < 0 ||
                          table_add_cell(t, kind) < 0 || table_add_cell(t, reason) < 0))
                        return -ENOMEM;
                o = json_object_new_object();
                if (!o || json_object_array_add(list, o) < 0 || json_add_string(o, "kind", kind) < 0 ||
                    json_add_time(o, "start", start, zone) < 0 || json_add_time(o, "end", end, zone) < 0 ||
                    json_add_uint(o, "minutes", (end - start) / USEC_PER_MINUTE) < 0 ||
                    json_add_string(o, "uid", uid) < 0 || json_add_string(o, "reason", reason) < 0)
                        return -ENOMEM;
        }
        return r < 0 ? bus_read_error(r) : 0;
}

static int verb_schedule(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *list = json_object_new_array();
        _cleanup_(table_freep) Table *t = table_new(5, (const char *[]) { "START", "END", "LENGTH", "KIND", "REASON" });
        _cleanup_free_ char *zone = NULL;
        char date[ISO8601_MAX];
        usec_t from, to, now;
        int r;

        if (strv_length(args) != 2)
                return log_error_errno(EINVAL, "Usage: respitectl schedule OPERATOR [--date YYYY-MM-DD|today|tomorrow]; "
                                       "`respitectl operators` lists the operators.");
        if (!o || !list || !t)
                return log_oom();
        t->kind_column = 3;

        r = bus_open(&bus);
        if (r < 0)
                return r;
        r = daemon_clock(bus, &zone, &now);
        if (r < 0)
                return r;
        r = resolve_date(arg_date, zone, now, date);
        if (r >= 0)
                r = time_parse_day(date, zone, &from, &to);
        if (r < 0)
                return log_error_errno(EINVAL, "--date: expected a date such as 1999-01-04, today, tomorrow or "
                                       "yesterday, got '%s'.", date);

        r = fetch_schedule(bus, args[1], from, to, zone, list, t);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return r;

        if (arg_json) {
                if (json_add_string(o, "operator", args[1]) < 0 || json_add_string(o, "date", date) < 0 ||
                    json_add_string(o, "timezone", zone) < 0 ||
                    json_object_object_add(o, "breaks", json_object_get(list)) < 0)
                        return log_oom();
                return json_print(o);
        }
        printf("%s, %s (times in %s)\n", args[1], date, zone);
        if (json_object_array_length(list) == 0)
                printf("No breaks.\n");
        else
                table_print(t);
        return 0;
}

static int verb_report(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *list = json_object_new_array();
        _cleanup_free_ char *zone = NULL, *uid = NULL;
        json_object *granted = NULL;
        const char *id;
        usec_t when = 0, now;
        int r;

        if (strv_length(args) != 3)
                return log_error_errno(EINVAL, "Usage: respitectl report OPERATOR CATEGORY [--at TIME] [--note TEXT]; "
                                       "`respitectl operators` lists the operators, respite.conf(5) the categories.");
        if (!o || !list)
                return log_oom();

        r = bus_open(&bus);
        if (r < 0)
                return r;
        r = daemon_clock(bus, &zone, &now);
        if (r < 0)
                return r;
        if (arg_at) {
                r = time_parse_iso8601(arg_at, zone, &when);
                if (r < 0)
                        return log_error_errno(EINVAL, "--at: expected an ISO 8601 time such as 1999-01-04T10:42:00, "
                                               "got '%s'.", arg_at);
        }

        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_REPORT_INCIDENT, &error, &reply,
                               "ssts", args[1], args[2], (uint64_t) when, arg_note ?: "");
        if (r < 0)
                return log_bus_error(r, &error, "report the incident");
        r = sd_bus_message_read(reply, "s", &id);
        if (r < 0)
                return bus_read_error(r);

        /* The break it earned, when it is a break of its own (it may have
         * merged into the next break, or earned points only). */
        if (asprintf(&uid, "%s-recovery-%s@respite", args[1], id) < 0)
                return log_oom();
        r = fetch_schedule(bus, args[1], (when ?: now) > USEC_PER_DAY ? (when ?: now) - USEC_PER_HOUR : 0, 0,
                           zone, list, NULL);
        if (r == -ENOMEM)
                return log_oom();
        for (size_t i = 0; r >= 0 && i < json_object_array_length(list); i++) {
                json_object *b = json_object_array_get_idx(list, i), *u;

                if (json_object_object_get_ex(b, "uid", &u) && streq(json_object_get_string(u), uid))
                        granted = b;
        }

        if (arg_json) {
                if (json_add_string(o, "id", id) < 0 || json_add_string(o, "operator", args[1]) < 0 ||
                    json_add_string(o, "category", args[2]) < 0 ||
                    json_object_object_add(o, "recovery_break", granted ? json_object_get(granted) : NULL) < 0)
                        return log_oom();
                return json_print(o);
        }
        printf("%s\n", id);
        if (granted) {
                json_object *s, *e, *reason;
                char a[ISO8601_MAX], z[ISO8601_MAX], length[DURATION_MAX];
                usec_t start, end;

                json_object_object_get_ex(granted, "start_usec", &s);
                json_object_object_get_ex(granted, "end_usec", &e);
                json_object_object_get_ex(granted, "reason", &reason);
                start = json_object_get_uint64(s);
                end = json_object_get_uint64(e);
                format_local(start, zone, true, a);
                format_local(end, zone, false, z);
                fprintf(stderr, "Recovery break for %s: %s to %s (%s), %s.\n", args[1], a, z,
                        format_minutes(end - start, length), json_object_get_string(reason));
        } else
                fprintf(stderr, "No break of its own: it merged into the operator's next break, or adds points "
                        "toward one. `respitectl schedule %s` shows the day and why.\n", args[1]);
        return 0;
}

static int verb_incidents(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(json_object_putp) json_object *list = json_object_new_array();
        _cleanup_(table_freep) Table *t = table_new(4, (const char *[]) { "WHEN", "OPERATOR", "CATEGORY", "NOTE" });
        _cleanup_free_ char *zone = NULL;
        usec_t since, now, end;
        char date[ISO8601_MAX];
        size_t n = 0;
        int r;

        if (strv_length(args) != 1)
                return log_error_errno(EINVAL, "Usage: respitectl incidents [--operator ID] [--since TIME]");
        if (!list || !t)
                return log_oom();
        r = bus_open(&bus);
        if (r < 0)
                return r;
        r = daemon_clock(bus, &zone, &now);
        if (r < 0)
                return r;
        /* --since: an instant, or a date (from its midnight), today by default. */
        if (arg_since && strlen(arg_since) > 10) {
                r = time_parse_iso8601(arg_since, zone, &since);
                snprintf(date, sizeof date, "%s", arg_since);
        } else {
                r = resolve_date(arg_since, zone, now, date);
                if (r >= 0)
                        r = time_parse_day(date, zone, &since, &end);
        }
        if (r < 0)
                return log_error_errno(EINVAL, "--since: expected an ISO 8601 time or date such as 1999-01-04 or "
                                       "today, got '%s'.", arg_since);

        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_LIST_INCIDENTS, &error, &reply,
                               "st", arg_operator ?: "", (uint64_t) since);
        if (r < 0)
                return log_bus_error(r, &error, "list the incidents");
        r = sd_bus_message_enter_container(reply, 'a', "(ssstts)");
        while (r >= 0) {
                const char *id, *operator, *category, *note;
                uint64_t when, received;
                char a[ISO8601_MAX];
                json_object *o;

                r = sd_bus_message_read(reply, "(ssstts)", &id, &operator, &category, &when, &received, &note);
                if (r <= 0)
                        break;
                n++;
                format_local(when, zone, true, a);
                if (table_add_cell(t, a) < 0 || table_add_cell(t, operator) < 0 || table_add_cell(t, category) < 0 ||
                    table_add_cell(t, note) < 0)
                        return log_oom();
                o = json_object_new_object();
                if (!o || json_object_array_add(list, o) < 0 || json_add_string(o, "id", id) < 0 ||
                    json_add_string(o, "operator", operator) < 0 || json_add_string(o, "category", category) < 0 ||
                    json_add_time(o, "when", when, zone) < 0 || json_add_time(o, "received", received, zone) < 0 ||
                    json_add_string(o, "note", isempty(note) ? NULL : note) < 0)
                        return log_oom();
        }
        if (r < 0)
                return bus_read_error(r);

        if (arg_json)
                return json_print(list);
        if (n == 0)
                printf("No incidents%s%s since %s.\n", arg_operator ? " of " : "", arg_operator ?: "", date);
        else
                table_print(t);
        return 0;
}

static int verb_reload(char **args) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (strv_length(args) != 1)
                return log_error_errno(EINVAL, "Unexpected argument '%s'; usage: respitectl reload", args[1]);
        r = bus_open(&bus);
        if (r < 0)
                return r;
        r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_RELOAD, &error, NULL, NULL);
        if (r < 0)
                return log_bus_error(r, &error, "reload respited");
        fprintf(stderr, "Reloaded; `respitectl status` shows the new counts.\n");
        return 0;
}

/* feed-url and rotate-token: the URLs of the feed of args[1], or of --team. */
static int feed_urls(char **args, bool rotate) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(json_object_putp) json_object *o = NULL;
        const char *what = rotate ? "rotate the feed token" : "get the feed URL", *url, *webcal;
        int r;

        if (strv_length(args) != (arg_team ? 1 : 2))
                return log_error_errno(EINVAL, "Usage: respitectl %s OPERATOR|--team TEAM", args[0]);
        r = bus_open(&bus);
        if (r < 0)
                return r;
        if (rotate)
                r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_ROTATE_FEED_TOKEN, &error, &reply,
                                       "ss", feed_audience_to_string(arg_team ? FEED_TEAM : FEED_OPERATOR), arg_team ?: args[1]);
        else if (arg_team)
                r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_GET_TEAM_FEED_URL, &error, &reply,
                                       "s", arg_team);
        else
                r = sd_bus_call_method(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_GET_FEED_URL, &error, &reply,
                                       "s", args[1]);
        if (r < 0 && sd_bus_error_has_name(&error, BUS_ERROR_UNKNOWN_TEAM)) {
                log_error("Failed to %s: %s `respitectl operators` shows the teams.", what, error.message);
                return -ENXIO;
        }
        if (r < 0)
                return log_bus_error(r, &error, what);
        r = sd_bus_message_read(reply, "ss", &url, &webcal);
        if (r < 0)
                return bus_read_error(r);

        if (arg_json) {
                o = json_object_new_object();
                if (!o || json_add_string(o, "url", url) < 0 || json_add_string(o, "webcal_url", webcal) < 0)
                        return log_oom();
                return json_print(o);
        }
        printf("%s\n%s\n", url, webcal);
        if (rotate)
                fprintf(stderr, "The old URL answers 404 from now on: subscribe again with the new one.\n");
        return 0;
}

static int verb_feed_url(char **args) {
        return feed_urls(args, false);
}

static int verb_rotate_token(char **args) {
        return feed_urls(args, true);
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

/* The roster, calls and incidents of --roster, --calls and --incidents (or
 * the policy's sources), as respited would read them. */
static int load_inputs(const Policy *p, Inputs *ret) {
        InputFiles files = {
                .rosters = arg_rosters ?: p->rosters,
                .calls = arg_calls ?: p->calls,
                .incidents = arg_incidents,
        };
        _cleanup_(inputs_done) Inputs in = {};
        int r;

        if (!files.rosters)
                return log_error_errno(EINVAL, "No roster: give --roster PATH, or set sources.rosters in the policy "
                                       "(respite.conf(5)).");
        r = inputs_load(p, &files, NULL, &in);
        if (r < 0)
                return r;
        if (in.n_failed > 0)
                return -EIO;            /* each file said why */
        *ret = in;
        in = (Inputs) {};
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

static int print_metrics_json(const Metrics *m, const Metrics *base) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object(), *kinds = json_object_new_object(),
                *teams = json_object_new_object();

        if (!o || !kinds || !teams)
                return log_oom();
        for (BreakKind k = 0; k < _BREAK_KIND_MAX; k++)
                if (json_add_uint(kinds, break_kind_to_string(k), m->break_time[k] / USEC_PER_MINUTE) < 0)
                        return log_oom();
        for (size_t i = 0; i < m->n_teams; i++)
                if (json_add_uint(teams, m->teams[i].team, m->teams[i].shortfall_minutes) < 0)
                        return log_oom();
        if (json_add_uint(o, "shifts", m->shifts) < 0 ||
            json_add_uint(o, "statutory_violations", m->statutory_violations) < 0 ||
            json_add_uint(o, "recoveries", m->recoveries) < 0 ||
            json_add_uint(o, "recoveries_late", m->recoveries_late) < 0 ||
            json_add_uint(o, "recoveries_unserved", m->recoveries_unserved) < 0 ||
            json_add_uint(o, "recoveries_short", m->recoveries_short) < 0 ||
            json_add_uint(o, "recovery_delay_median_seconds", m->delay_median / USEC_PER_SEC) < 0 ||
            json_add_uint(o, "recovery_delay_max_seconds", m->delay_max / USEC_PER_SEC) < 0 ||
            json_add_uint(o, "breaks_moved", m->breaks_moved) < 0 ||
            json_add_uint(o, "shift_minutes", m->shift_time / USEC_PER_MINUTE) < 0 ||
            json_object_object_add(o, "break_minutes", json_object_get(kinds)) < 0 ||
            json_add_uint(o, "shortfall_operator_minutes", m->shortfall_minutes) < 0 ||
            json_add_uint(o, "shortfall_during_recovery_operator_minutes", m->recovery_shortfall_minutes) < 0 ||
            json_object_object_add(o, "shortfall_by_team", json_object_get(teams)) < 0 ||
            json_add_uint(o, "shortfall_without_recovery_operator_minutes", base->shortfall_minutes) < 0)
                return log_oom();
        return json_print(o);
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
        if (arg_json)
                return print_metrics_json(m, base);
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
        _cleanup_(json_object_putp) json_object *list = json_object_new_array(), *o = json_object_new_object();
        _cleanup_(table_freep) Table *t = table_new(5, (const char *[]) { "OPERATOR", "KIND", "START", "END", "REASON" });
        unsigned counts[_BREAK_KIND_MAX] = {};
        size_t n_shifts = 0;

        if (!list || !o || !t)
                return log_oom();
        t->kind_column = 1;
        if (arg_format == FORMAT_CSV)
                printf("operator,kind,start,end,reason\n");

        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *s = &plan->shifts[i];

                if (!shift_selected(s) || s->end <= from || s->start >= to)
                        continue;
                n_shifts++;
                for (size_t j = 0; j < s->n_breaks; j++) {
                        const Break *b = &s->breaks[j];
                        char a[ISO8601_MAX], e[ISO8601_MAX];
                        json_object *jb;

                        if (b->end <= from || b->start >= to)
                                continue;
                        if (time_format_iso8601(b->start, p->timezone, a) < 0 ||
                            time_format_iso8601(b->end, p->timezone, e) < 0)
                                return log_error_errno(EINVAL, "Failed to format a time in %s.", p->timezone);
                        counts[b->kind]++;
                        switch (arg_format) {
                        case FORMAT_CSV:
                                csv_put(s->operator, ',');
                                csv_put(break_kind_to_string(b->kind), ',');
                                csv_put(a, ',');
                                csv_put(e, ',');
                                csv_put(b->reason, '\n');
                                break;
                        case FORMAT_JSON:
                                jb = json_object_new_object();
                                if (!jb || json_object_array_add(list, jb) < 0 ||
                                    json_add_string(jb, "operator", s->operator) < 0 ||
                                    json_add_string(jb, "team", s->team) < 0 ||
                                    json_add_string(jb, "kind", break_kind_to_string(b->kind)) < 0 ||
                                    json_add_time(jb, "start", b->start, p->timezone) < 0 ||
                                    json_add_time(jb, "end", b->end, p->timezone) < 0 ||
                                    json_add_string(jb, "uid", b->uid) < 0 ||
                                    json_add_string(jb, "reason", b->reason) < 0)
                                        return log_oom();
                                break;
                        default:
                                if (table_add_cell(t, s->operator) < 0 ||
                                    table_add_cell(t, break_kind_to_string(b->kind)) < 0 ||
                                    table_add_cell(t, a) < 0 || table_add_cell(t, e) < 0 ||
                                    table_add_cell(t, b->reason) < 0)
                                        return log_oom();
                        }
                }
        }
        if (arg_format == FORMAT_JSON) {
                if (json_add_string(o, "timezone", p->timezone) < 0 || json_add_uint(o, "shifts", n_shifts) < 0 ||
                    json_add_uint(o, "statutory_violations", plan->statutory_violations) < 0 ||
                    json_object_object_add(o, "breaks", json_object_get(list)) < 0)
                        return log_oom();
                return json_print(o);
        }
        if (arg_format == FORMAT_TABLE)
                table_print(t);
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
                        0, from, to, NULL, &text);
        if (r < 0)
                return log_error_errno(r, "Failed to render the calendar: %m");
        fputs(text, stdout);
        return 0;
}

static int verb_plan(char **args) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(inputs_done) Inputs in = {};
        _cleanup_(plan_freep) Plan *plan = NULL;
        usec_t from = 0, to = USEC_INFINITY;
        int r;

        if (strv_length(args) != 1)
                return log_error_errno(EINVAL, "Unexpected argument '%s'; files go after --roster, --calls or "
                                       "--incidents (see respitectl --help).", args[1]);

        r = load_policy(&p);
        if (r < 0)
                return r;
        if (arg_from && time_parse_iso8601(arg_from, p->timezone, &from) < 0)
                return log_error_errno(EINVAL, "--from: expected an ISO 8601 time, got '%s'.", arg_from);
        if (arg_to && time_parse_iso8601(arg_to, p->timezone, &to) < 0)
                return log_error_errno(EINVAL, "--to: expected an ISO 8601 time, got '%s'.", arg_to);
        if (from >= to)
                return log_error_errno(EINVAL, "--from must lie before --to.");

        r = load_inputs(p, &in);
        if (r < 0)
                return r;
        if (arg_operator && roster_find_operator(in.roster, arg_operator) < 0)
                return log_error_errno(ENXIO, "No operator '%s' in the roster; its first column lists them.",
                                       arg_operator);
        if (arg_team && !roster_has_team(in.roster, arg_team))
                return log_error_errno(ENXIO, "No team '%s' in the roster.", arg_team);

        /* Offline, every incident counts as known when it happened; with
         * --metrics, when it was received, revision by revision. */
        r = arg_metrics ? plan_replay(in.roster, p, in.coverage, in.incidents, &plan) :
                planner_run(in.roster, p, in.coverage, in.incidents, NULL, 0, &plan);
        if (r < 0)
                return log_error_errno(r, "Failed to plan: %m");
        if (arg_metrics)
                return print_metrics(plan, in.roster, p, in.coverage);

        if (arg_format == FORMAT_ICS)
                return print_ics(plan, in.roster, from, to);
        return print_plan(plan, p, from, to);
}

/* import-check PATH…: what importing each file would give, offline. */
static int verb_import_check(char **args) {
        _cleanup_(policy_freep) Policy *p = NULL;
        usec_t from = 0, to = 0;
        int r;

        if (strv_length(args) < 2)
                return log_error_errno(EINVAL, "import-check: give one or more roster or call files.");
        if (arg_json)
                return log_error_errno(EINVAL, "import-check has no --json yet; --format csv gives every row.");
        r = load_policy(&p);
        if (r < 0)
                return r;
        if (arg_from && time_parse_iso8601(arg_from, p->timezone, &from) < 0)
                return log_error_errno(EINVAL, "--from: expected an ISO 8601 time, got '%s'.", arg_from);
        if (arg_to && time_parse_iso8601(arg_to, p->timezone, &to) < 0)
                return log_error_errno(EINVAL, "--to: expected an ISO 8601 time, got '%s'.", arg_to);
        return import_check(p, args + 1, from, to, arg_format == FORMAT_CSV);
}

static int verb_help(char **args) {
        help();
        return 0;
}

/* A negative errno from a command → the exit status respitectl(1) documents. */
static int exit_status(int r) {
        switch (r) {
        case 0:
                return EXIT_SUCCESS;
        case -EINVAL:
                return EXIT_USAGE;
        case -EHOSTDOWN:
                return EXIT_NO_DAEMON;
        case -EACCES:
        case -EPERM:
                return EXIT_DENIED;
        case -ENXIO:
        case -ENOKEY:
                return EXIT_NOT_FOUND;
        default:
                return EXIT_FAILURE;
        }
}

static int run(int argc, char *argv[]) {
        /* One line per command; keep them in the order of respitectl --help. */
        static const struct {
                const char *name;
                int (*run)(char **args);
        } verbs[] = {
                { "status",    verb_status    },
                { "operators", verb_operators },
                { "schedule",  verb_schedule  },
                { "incidents", verb_incidents },
                { "feed-url",  verb_feed_url  },
                { "report",    verb_report    },
                { "reload",    verb_reload    },
                { "rotate-token", verb_rotate_token },
                { "plan",      verb_plan      },
                { "import-check", verb_import_check },
                { "help",      verb_help      },
        };
        int r;

        log_setup();
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r;
        if (!arg_args)
                return log_error_errno(EINVAL, "No command given; `respitectl status` is a good start, "
                                       "respitectl --help lists them all.");

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(arg_args[0], verbs[i].name))
                        return verbs[i].run(arg_args);
        return log_error_errno(EINVAL, "Unknown command '%s'; respitectl --help lists the commands.", arg_args[0]);
}

int main(int argc, char *argv[]) {
        int r = run(argc, argv);

        strv_free(arg_rosters);
        strv_free(arg_calls);
        strv_free(arg_incidents);
        strv_free(arg_args);
        return exit_status(r);
}
