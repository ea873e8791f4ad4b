/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respitectl: talk to respited, or plan offline. See respitectl(1). This
 * file: the command line, the verb table and the exit status; the verbs
 * live in verbs-daemon.c and verbs-alerts.c (over D-Bus), verbs-store.c
 * (backup: the store, read directly),
 * verbs-offline.c (plan, coverage, import-check) and verbs-team-day.c (the
 * live day that coverage draws without input files). */
#include <getopt.h>
#include <limits.h>

#include "ctl/respitectl.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/string-table.h"

/* Exit codes, respitectl(1) EXIT STATUS. */
enum {
        EXIT_USAGE = 2,         /* a bad command, option or argument */
        EXIT_NO_DAEMON = 3,     /* respited cannot be reached */
        EXIT_DENIED = 4,        /* respited refused: access control */
        EXIT_NOT_FOUND = 5,     /* no such operator, team, category or alert */
};

static const char * const format_table[_FORMAT_MAX] = {
        [FORMAT_TABLE] = "table",
        [FORMAT_CSV]   = "csv",
        [FORMAT_ICS]   = "ics",
        [FORMAT_JSON]  = "json",
        [FORMAT_HTML]  = "html",
};
DEFINE_PRIVATE_STRING_TABLE_LOOKUP(format, Format);

bool arg_user = false;
bool arg_json = false;
bool arg_color = false;
const char *arg_at = NULL;
const char *arg_note = NULL;
const char *arg_id = NULL;
const char *arg_date = NULL;
const char *arg_since = NULL;
const char *arg_config = NULL;
const char *arg_from = NULL;
const char *arg_to = NULL;
const char *arg_operator = NULL;
const char *arg_team = NULL;
Format arg_format = FORMAT_TABLE;
bool arg_metrics = false;
char **arg_rosters = NULL;
char **arg_calls = NULL;
char **arg_incidents = NULL;
const char *arg_state_dir = NULL;
static char **arg_args = NULL;          /* the verb and its operands */
static const char *arg_format_unknown = NULL;   /* --format's value when it names no format */

static void respitectl_help(void) {
        /* TRANSLATORS: keep the commands, the options and their arguments as they are, and the
         * descriptions in one column (a Japanese character takes two). */
        fputs(_("Usage: respitectl [OPTIONS] COMMAND ...\n\n"
               "Read (over D-Bus, from a running respited; add --json for JSON):\n"
               "  status               The daemon: version, policy, operators, today's counts\n"
               "  operators            The operators you may read: team, shift, next break\n"
               "  schedule OPERATOR [--date DATE|today|tomorrow|yesterday]\n"
               "                       An operator's breaks of one day, and why each was given\n"
               "  feed-url OPERATOR|--team TEAM\n"
               "                       The secret URL of a calendar feed, http(s):// and webcal://\n\n"
               "Team leads (over D-Bus):\n"
               "  alerts [--since DATE] [--format table|csv|json]\n"
               "                       Lead alerts: the open ones first, then those since DATE\n"
               "                       (default: today)\n"
               "  ack ALERT [--note TEXT]\n"
               "                       Acknowledge a lead alert: what you did about it goes in --note\n"
               "  incidents [--from DATE] [--to DATE] [--team NAME] [--operator ID]\n"
               "            [--format table|csv|json]\n"
               "                       The incident record: each incident, the recovery break it\n"
               "                       earned and whether it was taken, the alert and who answered\n"
               "                       it (default: from today on)\n"
               "  coverage [--team NAME] [--date DATE] [--format html]\n"
               "                       Chart your teams' live day: operators needed, on shift\n"
               "                       and on the phones, the shortfall flagged; html: the page\n"
               "                       of plan --format html\n\n"
               "Act:\n"
               "  report OPERATOR CATEGORY [--at TIME] [--note TEXT] [--id KEY]\n"
               "                       Report an incident: grants the recovery break at once;\n"
               "                       with --id, running it again stores it once\n"
               "  reload               Re-read the policy, rosters and call records (root)\n"
               "  rotate-token OPERATOR|--team TEAM\n"
               "                       A new secret feed URL; the old one answers 404 at once\n"
               "  backup FILE [--state-dir DIR]\n"
               "                       Copy respited's store to FILE, a new file, while it runs\n"
               "                       (root or respited's user)\n\n"
               "Offline, without a daemon:\n"
               "  plan --roster PATH... [--calls PATH...] [--incidents CSV...]\n"
               "       [--config FILE] [--from TIME --to TIME] [--format table|csv|ics|json|html]\n"
               "       [--operator ID | --team NAME] [--metrics]\n"
               "                       Plan a roster and print the breaks; html: a page per team\n"
               "                       and day with a Gantt and the coverage curve (a lead's view)\n"
               "  coverage --roster PATH... [--calls PATH...] [--incidents CSV...]\n"
               "           [--config FILE] [--date DATE | --from TIME --to TIME] [--team NAME]\n"
               "           [--format html]\n"
               "                       Plan a roster and chart each team's day: operators\n"
               "                       needed, on shift and on the phones, the shortfall flagged\n"
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
               "operator, team, category or alert. See respitectl(1).\n"), stdout);
}

/* --format s; a name of no format is kept for respitectl_dispatch(), which
 * says what its command takes. */
static void respitectl_parse_format(const char *s) {
        Format f = format_from_string(s);

        if (f < 0) {
                arg_format_unknown = s;
                return;
        }
        arg_format_unknown = NULL;
        arg_format = f;
        arg_json = f == FORMAT_JSON;
}

/* Colour only on a terminal, and never under $NO_COLOR (no-color.org) or TERM=dumb. */
static bool respitectl_want_color(void) {
        const char *term = getenv("TERM");

        return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term && !streq(term, "dumb");
}

/* Non-option arguments after --roster, --calls or --incidents add to that
 * list, so "--roster data/roster-*.csv" works with a shell glob. */
static int respitectl_parse_argv(int argc, char *argv[]) {
        enum {
                ARG_USER = 0x100, ARG_AT, ARG_NOTE, ARG_DATE, ARG_CONFIG, ARG_FROM, ARG_TO, ARG_FORMAT,
                ARG_ROSTER, ARG_CALLS, ARG_INCIDENTS, ARG_OPERATOR, ARG_TEAM, ARG_VERSION,
                ARG_METRICS, ARG_JSON, ARG_SINCE, ARG_ID, ARG_STATE_DIR,
        };
        static const struct option options[] = {
                { "user",      no_argument,       NULL, ARG_USER      },
                { "json",      no_argument,       NULL, ARG_JSON      },
                { "at",        required_argument, NULL, ARG_AT        },
                { "note",      required_argument, NULL, ARG_NOTE      },
                { "id",        required_argument, NULL, ARG_ID        },
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
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
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
                case ARG_ID:        arg_id = optarg; break;
                case ARG_DATE:      arg_date = optarg; break;
                case ARG_SINCE:     arg_since = optarg; break;
                case ARG_CONFIG:    arg_config = optarg; break;
                case ARG_FROM:      arg_from = optarg; break;
                case ARG_TO:        arg_to = optarg; break;
                case ARG_OPERATOR:  arg_operator = optarg; break;
                case ARG_TEAM:      arg_team = optarg; break;
                case ARG_METRICS:   arg_metrics = true; break;
                case ARG_STATE_DIR: arg_state_dir = optarg; break;
                case ARG_ROSTER:
                case ARG_CALLS:
                case ARG_INCIDENTS:
                        list = c == ARG_ROSTER ? &arg_rosters : c == ARG_CALLS ? &arg_calls : &arg_incidents;
                        if (strv_extend(list, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_FORMAT:
                        respitectl_parse_format(optarg);
                        break;
                case 'h':
                        respitectl_help();
                        return 0;
                case ARG_VERSION:
                        printf("respitectl %s\n", VERSION);
                        return 0;
                default:
                        log_error("%s", _("See respitectl --help for the options."));
                        return -EINVAL;
                }
        if (arg_json && arg_format == FORMAT_TABLE)
                arg_format = FORMAT_JSON;
        arg_color = !arg_json && respitectl_want_color();
        return 1;
}

static int respitectl_verb_help(char **args) {
        respitectl_help();
        return 0;
}

#define VERB_ANY UINT_MAX

typedef enum VerbFlags {
        VERB_TEAM_OR_OPERAND = 1 << 0,  /* --team TEAM stands for the one operand */
        VERB_FORMAT_READ     = 1 << 1,  /* --format table, csv or json only */
} VerbFlags;

/* A verb, the operands it takes, and what it says when given another
 * number of them. */
typedef struct Verb {
        const char *name;
        unsigned min_operands, max_operands;    /* max VERB_ANY: no limit */
        VerbFlags flags;
        int (*dispatch)(char **args);           /* args: the verb, then its operands */
        const char *usage;                      /* the error for too few or too many operands */
        const char *unexpected;                 /* if set, too many say "Unexpected argument 'X'; " and this */
} Verb;

/* In the order of respitectl --help. */
static const Verb respitectl_verbs[] = {
        { "status",       0, 0, 0, verb_status,
          .unexpected = N_("usage: respitectl status") },
        { "operators",    0, 0, 0, verb_operators,
          .unexpected = N_("usage: respitectl operators") },
        { "schedule",     1, 1, 0, verb_schedule,
          .usage = N_("Usage: respitectl schedule OPERATOR [--date YYYY-MM-DD|today|tomorrow|yesterday]; "
                      "`respitectl operators` lists the operators.") },
        { "feed-url",     1, 1, VERB_TEAM_OR_OPERAND, verb_feed_url,
          .usage = N_("Usage: respitectl feed-url OPERATOR|--team TEAM") },
        { "alerts",       0, 0, VERB_FORMAT_READ, verb_alerts,
          .unexpected = N_("usage: respitectl alerts [--since DATE] [--format table|csv|json]") },
        { "ack",          1, 1, 0, verb_ack,
          .usage = N_("Usage: respitectl ack ALERT [--note TEXT]; `respitectl alerts` lists the alerts and their "
                      "ids.") },
        { "incidents",    0, 0, VERB_FORMAT_READ, verb_incidents,
          .unexpected = N_("usage: respitectl incidents [--from DATE] [--to DATE] [--team NAME] [--operator ID] "
                           "[--format table|csv|json]") },
        { "report",       2, 2, 0, verb_report,
          .usage = N_("Usage: respitectl report OPERATOR CATEGORY [--at TIME] [--note TEXT] [--id KEY]; "
                      "`respitectl operators` lists the operators, respite.conf(5) the categories.") },
        { "reload",       0, 0, 0, verb_reload,
          .unexpected = N_("usage: respitectl reload") },
        { "rotate-token", 1, 1, VERB_TEAM_OR_OPERAND, verb_rotate_token,
          .usage = N_("Usage: respitectl rotate-token OPERATOR|--team TEAM") },
        { "backup",       1, 1, 0, verb_backup,
          .usage = N_("Usage: respitectl backup FILE [--state-dir DIR]; FILE must not exist.") },
        { "plan",         0, 0, 0, verb_plan,
          .unexpected = N_("files go after --roster, --calls or --incidents (see respitectl --help).") },
        { "coverage",     0, 0, 0, verb_coverage,
          .unexpected = N_("files go after --roster, --calls or --incidents (see respitectl --help).") },
        { "import-check", 1, VERB_ANY, 0, verb_import_check,
          .usage = N_("import-check: give one or more roster or call files.") },
        { .name = "help", .max_operands = VERB_ANY, .dispatch = respitectl_verb_help },
};

/* Run the verb args[0] with its operands, after checking their number.
 * Returns what the verb returns, or -EINVAL (logged) for bad usage. */
static int respitectl_dispatch(char **args) {
        const Verb *v = NULL;
        unsigned min, max, n;

        if (!args)
                return log_error_errno(EINVAL, "%s", _("No command given; `respitectl status` is a good start, "
                                                     "respitectl --help lists them all."));
        for (size_t i = 0; i < ELEMENTSOF(respitectl_verbs); i++)
                if (streq(args[0], respitectl_verbs[i].name))
                        v = &respitectl_verbs[i];
        if (!v)
                return log_error_errno(EINVAL, _("Unknown command '%s'; respitectl --help lists the commands."),
                                       args[0]);
        if (arg_format_unknown && v->flags & VERB_FORMAT_READ)
                /* TRANSLATORS: %1$s is the command (alerts, incidents), %2$s what --format was given; keep the
                 * formats' names. */
                return log_error_errno(EINVAL, _("--format: %s takes table, csv or json, got '%s'."), v->name,
                                       arg_format_unknown);
        if (arg_format_unknown)
                return log_error_errno(EINVAL, _("--format: expected table, csv, ics, json or html, got '%s'."),
                                       arg_format_unknown);

        n = strv_length(args) - 1;
        min = v->min_operands;
        max = v->max_operands;
        if (v->flags & VERB_TEAM_OR_OPERAND && arg_team)
                min = max = 0;
        if (n > max && v->unexpected)
                return log_error_errno(EINVAL, _("Unexpected argument '%s'; %s"), args[1 + max], _(v->unexpected));
        if (n < min || n > max)
                return log_error_errno(EINVAL, "%s", _(v->usage));
        return v->dispatch(args);
}

/* A negative errno from a command → the exit status respitectl(1) documents. */
static int respitectl_exit_status(int r) {
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

static int respitectl_run(int argc, char *argv[]) {
        int r;

        log_setup();
        i18n_setup(true);
        r = respitectl_parse_argv(argc, argv);
        if (r <= 0)
                return r;
        return respitectl_dispatch(arg_args);
}

int main(int argc, char *argv[]) {
        int r = respitectl_run(argc, argv);

        strv_free(arg_rosters);
        strv_free(arg_calls);
        strv_free(arg_incidents);
        strv_free(arg_args);
        return respitectl_exit_status(r);
}
