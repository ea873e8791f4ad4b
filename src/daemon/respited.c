/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respited: the respite daemon. See respited(8). */
#include <getopt.h>
#include <systemd/sd-daemon.h>

#include "daemon/bus.h"
#include "daemon/check-config.h"
#include "daemon/manager.h"
#include "shared/i18n.h"
#include "shared/log.h"

static const char *arg_config = POLICY_DEFAULT_PATH;
static bool arg_user = false;
static bool arg_check_config = false;
static char **arg_rosters = NULL;
static char **arg_calls = NULL;
static const char *arg_feed_dir = NULL;
static const char *arg_clock = NULL;
static const char *arg_state_dir = NULL;
static unsigned arg_speed = 1;
static bool arg_purge = false;

static void respited_help(void) {
        printf("Usage: respited [OPTIONS]\n\n"
               "Grant recovery breaks after difficult calls, keep the statutory breaks,\n"
               "and publish each operator's day on D-Bus and as iCalendar feeds.\n\n"
               "  -c --config FILE     Policy file (default: %s)\n"
               "     --user           Serve on the session bus instead of the system bus\n"
               "     --roster PATH    Roster CSV, instead of sources.rosters (repeatable)\n"
               "     --calls PATH     Call-record CSV, instead of sources.calls (repeatable)\n"
               "     --feed-dir DIR   Write feed files here, instead of feeds.directory\n"
               "     --state-dir DIR  Keep the state here, instead of $STATE_DIRECTORY or\n"
               "                      %s (--user: $XDG_STATE_HOME/respite)\n"
               "     --check-config   Check the policy and its sources, then exit 0 or 1\n"
               "     --clock TIME     Start the clock at TIME (ISO 8601) to replay a past day\n"
               "     --speed N        Run the replay clock N times faster (default 1)\n"
               "     --purge          Apply retention under --clock too (not by default)\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n\n"
               "See respited(8) and respite.conf(5).\n", POLICY_DEFAULT_PATH, STATE_DEFAULT_DIR);
}

static int respited_parse_argv(int argc, char *argv[]) {
        enum {
                ARG_USER = 0x100, ARG_ROSTER, ARG_CALLS, ARG_FEED_DIR, ARG_CHECK_CONFIG,
                ARG_CLOCK, ARG_SPEED, ARG_VERSION, ARG_STATE_DIR, ARG_PURGE,
        };
        static const struct option options[] = {
                { "config",       required_argument, NULL, 'c'              },
                { "user",         no_argument,       NULL, ARG_USER         },
                { "roster",       required_argument, NULL, ARG_ROSTER       },
                { "calls",        required_argument, NULL, ARG_CALLS        },
                { "feed-dir",     required_argument, NULL, ARG_FEED_DIR     },
                { "state-dir",    required_argument, NULL, ARG_STATE_DIR    },
                { "check-config", no_argument,       NULL, ARG_CHECK_CONFIG },
                { "clock",        required_argument, NULL, ARG_CLOCK        },
                { "speed",        required_argument, NULL, ARG_SPEED        },
                { "purge",        no_argument,       NULL, ARG_PURGE        },
                { "help",         no_argument,       NULL, 'h'              },
                { "version",      no_argument,       NULL, ARG_VERSION      },
                {}
        };
        char *end;
        int c;

        while ((c = getopt_long(argc, argv, "c:h", options, NULL)) >= 0)
                switch (c) {
                case 'c':
                        arg_config = optarg;
                        break;
                case ARG_USER:
                        arg_user = true;
                        break;
                case ARG_ROSTER:
                        if (strv_extend(&arg_rosters, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_CALLS:
                        if (strv_extend(&arg_calls, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_FEED_DIR:
                        arg_feed_dir = optarg;
                        break;
                case ARG_STATE_DIR:
                        arg_state_dir = optarg;
                        break;
                case ARG_CHECK_CONFIG:
                        arg_check_config = true;
                        break;
                case ARG_CLOCK:
                        arg_clock = optarg;
                        break;
                case ARG_PURGE:
                        arg_purge = true;
                        break;
                case ARG_SPEED:
                        errno = 0;
                        unsigned long v = strtoul(optarg, &end, 10);
                        if (errno != 0 || *end || end == optarg || v < 1 || v > 100000)
                                return log_error_errno(EINVAL, "--speed: expected a whole number from 1 to 100000, got '%s'.", optarg);
                        arg_speed = (unsigned) v;
                        break;
                case 'h':
                        respited_help();
                        return 0;
                case ARG_VERSION:
                        printf("respited %s\n", VERSION);
                        return 0;
                default:
                        return -EINVAL;
                }

        if (optind < argc)
                return log_error_errno(EINVAL, "Unexpected argument '%s'; see respited --help.", argv[optind]);
        if (arg_speed != 1 && !arg_clock)
                return log_error_errno(EINVAL, "--speed needs --clock.");
        if (arg_purge && !arg_clock)
                return log_error_errno(EINVAL, "--purge needs --clock: the real clock always applies retention.");
        return 1;
}

/* The state directory: --state-dir, else the first of systemd's
 * $STATE_DIRECTORY (StateDirectory=), else STATE_DEFAULT_DIR, or for --user
 * $XDG_STATE_HOME/respite (~/.local/state/respite). */
static int respited_state_dir(char **ret) {
        int r;

        if (arg_state_dir)
                return strdup_to(ret, arg_state_dir);
        r = state_dir_default(arg_user, ret);
        if (r == -ENXIO)
                return log_error_errno(r, "Neither $XDG_STATE_HOME nor $HOME is set; use --state-dir.");
        return r;
}

static int respited_run(int argc, char *argv[]) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        log_setup();
        r = respited_parse_argv(argc, argv);
        if (r <= 0)
                return r;

        /* An administrator at a terminal reads --check-config: in the
         * locale's language, while the daemon's log stays English. With
         * the locale's characters (UTF-8) too, or glibc would write its
         * own translated messages (strerror()) as "???". */
        if (arg_check_config) {
                i18n_setup(true);
                return check_config_run(arg_config, arg_user, arg_rosters, arg_calls);
        }

        r = manager_new(&m);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the event loop: %m");

        m->user_bus = arg_user;
        m->config_path = strdup(arg_config);
        if (!m->config_path)
                return log_oom();
        m->roster_override = TAKE_PTR(arg_rosters);
        m->calls_override = TAKE_PTR(arg_calls);
        if (strdup_to(&m->feed_dir_override, arg_feed_dir) < 0)
                return log_oom();
        r = respited_state_dir(&m->state_dir);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return r;

        if (strdup_to(&m->replay_from, arg_clock) < 0)
                return log_oom();
        m->replay_speed = arg_speed;
        m->replay_purge = arg_purge;

        r = manager_load(m);
        if (r < 0)
                return r;

        r = bus_connect(m);
        if (r == -EEXIST)
                return log_error_errno(r, "Another respited already owns %s on the %s bus; stop it first "
                                       "(systemctl stop respited).", BUS_NAME, arg_user ? "session" : "system");
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the %s bus: %m", arg_user ? "session" : "system");

        /* Nobody else publishes: plan and publish the feeds, then take the
         * name (last, so that callers never wait for the first plan). */
        r = manager_start(m);
        if (r < 0)
                return r;
        r = bus_publish(m);
        if (r == -EEXIST)
                return log_error_errno(r, "Another respited took %s on the %s bus meanwhile; stop it first "
                                       "(systemctl stop respited).", BUS_NAME, arg_user ? "session" : "system");
        if (r < 0)
                return log_error_errno(r, "Failed to publish %s on the %s bus: %m", BUS_NAME,
                                       arg_user ? "session" : "system");
        log_info("Serving %s on the %s bus.", BUS_NAME, arg_user ? "session" : "system");
        return manager_run(m);
}

int main(int argc, char *argv[]) {
        int r = respited_run(argc, argv);

        strv_free(arg_rosters);
        strv_free(arg_calls);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
