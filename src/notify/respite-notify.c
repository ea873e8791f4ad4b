/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respite-notify: respited's signals for one operator, or (--lead) the lead
 * alerts of a team lead's teams, as desktop notifications (Desktop
 * Notifications Specification 1.2, on the session bus). See
 * respite-notify(1). This file: the options, the config file, the agent and
 * its buses. */
#include <getopt.h>
#include <libconfig.h>
#include <pwd.h>
#include <signal.h>

#include "notify/notify-internal.h"
#include "shared/bus-contract.h"
#include "shared/i18n.h"
#include "shared/log.h"

#define NOTIFY_EXIT_USAGE 2     /* a bad option or argument, as respitectl's EXIT_USAGE */

static bool arg_user = false;
static bool arg_lead = false;
static char *arg_operator = NULL;
static char *arg_config = NULL;

static Agent *notify_agent_free(Agent *a) {
        if (!a)
                return NULL;
        for (size_t i = 0; i < a->n_shown; i++)
                notify_shown_free(a->shown[i]);
        free(a->shown);
        sd_event_source_unref(a->countdown);
        sd_event_source_unref(a->watch);
        free(a->countdown_uid);
        free(a->countdown_news);
        sd_bus_flush_close_unref(a->daemon);
        sd_bus_flush_close_unref(a->session);
        sd_bus_flush_close_unref(a->system);
        sd_event_unref(a->event);
        free(a->operator);
        free(a->user);
        free(a->zone);
        free(a->desktop_tz);
        free(a->daemon_owner);
        return mfree(a);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Agent *, notify_agent_free);

int notify_add_owner_match(sd_bus *bus, const char *name, sd_bus_message_handler_t handler, void *userdata) {
        _cleanup_free_ char *rule = NULL;

        if (asprintf(&rule, "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                     "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='%s'", name) < 0)
                return -ENOMEM;
        return sd_bus_add_match(bus, NULL, rule, handler, userdata);
}

/* The bus's kind in the reader's language, for a sentence: the session
 * bus or the system bus. */
static const char *notify_bus_words(bool session) {
        /* TRANSLATORS: the bus's kind, as in "the session bus" and "the system bus" (--user or not): the
         * word that goes before "bus" in the messages of respitectl and respite-notify that name one. */
        return session ? C_("bus", "session") : C_("bus", "system");
}

/* A bus connection is gone (dbus-daemon stopped or restarted, sd-bus's local
 * Disconnected signal): the agent would wait on it for ever, unseen. It
 * exits with a failure instead; its user unit's Restart=on-failure starts
 * it again, on the new bus. */
static int notify_on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        sd_bus *bus = sd_bus_message_get_bus(m);

        /* TRANSLATORS: %s is the bus's kind: session or system, translated. */
        log_error(_("Lost the connection to the %s bus (dbus-daemon stopped or restarted); exiting with a failure "
                    "so that systemd starts respite-notify again (Restart=on-failure)."),
                  notify_bus_words(bus == a->session || (arg_user && bus == a->daemon)));
        return sd_event_exit(a->event, -ENOTCONN);
}

static int notify_agent_setup(Agent *a) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        const char *unique;
        int r;

        r = sd_event_default(&a->event);
        if (r < 0)
                return log_error_errno(r, _("Failed to create the event loop: %m"));
        r = sd_bus_open_user(&a->session);
        if (r < 0)
                return log_error_errno(r, _("Failed to connect to the session bus: %m (is this a desktop session?)"));
        r = arg_user ? sd_bus_open_user(&a->daemon) : sd_bus_open_system(&a->daemon);
        if (r < 0 && arg_user)
                return log_error_errno(r, _("Failed to connect to the session bus: %m (respited --user runs there; "
                                         "drop --user for respited on the system bus)."));
        if (r < 0 && getenv("DBUS_SYSTEM_BUS_ADDRESS"))
                return log_error_errno(r, _("Failed to connect to the system bus at %s: %m. respited runs on the system "
                                         "bus: is it up on this machine (systemctl status dbus respited)? For a "
                                         "respited --user on your session bus, add --user."),
                                       getenv("DBUS_SYSTEM_BUS_ADDRESS"));
        if (r < 0)
                return log_error_errno(r, _("Failed to connect to the system bus: %m. respited runs on the system "
                                         "bus: is it up on this machine (systemctl status dbus respited)? For a "
                                         "respited --user on your session bus, add --user."));
        if (!arg_user && sd_bus_open_system(&a->system) < 0)
                a->system = NULL;       /* no logind then: the clock watch still sees a resume */

        sd_bus *buses[] = { a->session, a->daemon, a->system };
        for (size_t i = 0; i < ELEMENTSOF(buses); i++) {
                if (!buses[i])
                        continue;
                r = sd_bus_match_signal(buses[i], NULL, "org.freedesktop.DBus.Local", "/org/freedesktop/DBus/Local",
                                        "org.freedesktop.DBus.Local", "Disconnected", notify_on_disconnected, a);
                if (r >= 0)
                        r = sd_bus_attach_event(buses[i], a->event, SD_EVENT_PRIORITY_NORMAL);
                if (r < 0)
                        return log_error_errno(r, _("Failed to attach to the bus: %m"));
        }

        r = notify_server_add_matches(a);
        if (r >= 0)
                r = notify_daemon_add_matches(a);
        if (r >= 0 && a->lead)
                r = notify_alert_add_matches(a);
        if (r < 0)
                return log_error_errno(r, _("Failed to add a match: %m"));

        r = notify_daemon_watch_clock(a);
        if (r < 0)
                return log_error_errno(r, _("Failed to arm the clock watch: %m"));

        (void) notify_ask_capabilities(a);
        if (sd_bus_get_name_creds(a->daemon, BUS_NAME, SD_BUS_CREDS_UNIQUE_NAME, &creds) >= 0 &&
            sd_bus_creds_get_unique_name(creds, &unique) >= 0) {
                (void) notify_daemon_appeared(a, unique);
                return 0;
        }
        /* TRANSLATORS: %s is the bus's kind: session or system, translated. */
        log_info(_("respited is not on the %s bus yet; waiting for it."), notify_bus_words(arg_user));
        a->warned_daemon = true;
        return 0;
}

/* The config file: operator = "op16"; lead = true; (libconfig syntax). A
 * missing file is fine unless named with --config. */
static int notify_read_config(void) {
        _cleanup_free_ char *path = NULL;
        const char *home = getenv("XDG_CONFIG_HOME"), *op;
        config_t cfg;
        int r = 0, lead;

        if (arg_config)
                path = strdup(arg_config);
        else if (home)
                r = asprintf(&path, "%s/respite/notify.conf", home);
        else if (getenv("HOME"))
                r = asprintf(&path, "%s/.config/respite/notify.conf", getenv("HOME"));
        if (r < 0 || (!path && (arg_config || home || getenv("HOME"))))
                return log_oom();
        if (!path || (!arg_config && access(path, F_OK) < 0))
                return 0;

        config_init(&cfg);
        if (config_read_file(&cfg, path) != CONFIG_TRUE) {
                log_error("%s:%d: %s", config_error_file(&cfg) ?: path, config_error_line(&cfg),
                          config_error_text(&cfg));
                config_destroy(&cfg);
                return -EINVAL;
        }
        if (!arg_operator && config_lookup_string(&cfg, "operator", &op) == CONFIG_TRUE) {
                arg_operator = strdup(op);
                if (!arg_operator)
                        r = log_oom();
        }
        if (config_lookup_bool(&cfg, "lead", &lead) == CONFIG_TRUE && lead)
                arg_lead = true;
        config_destroy(&cfg);
        return r;
}

static void notify_help(void) {
        /* TRANSLATORS: keep the options' names and the columns of their descriptions. */
        fputs(_("Usage: respite-notify [OPTIONS]\n\n"
               "Show an operator's breaks from respited as desktop notifications, or a team\n"
               "lead's alerts.\n\n"
               "  -o --operator ID     The operator (default: the config file, else the one\n"
               "                       respited maps this user to)\n"
               "     --lead           Show the lead alerts of the teams this user leads, and\n"
               "                       acknowledge them from the notification (with --operator,\n"
               "                       that operator's breaks too)\n"
               "  -c --config FILE     Config file (default: ~/.config/respite/notify.conf)\n"
               "     --user           respited runs on the session bus, not the system bus\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n\n"
               "See respite-notify(1).\n"), stdout);
}

static int notify_parse_argv(int argc, char *argv[]) {
        enum { ARG_USER = 0x100, ARG_LEAD, ARG_VERSION };
        static const struct option options[] = {
                { "operator", required_argument, NULL, 'o'         },
                { "lead",     no_argument,       NULL, ARG_LEAD    },
                { "config",   required_argument, NULL, 'c'         },
                { "user",     no_argument,       NULL, ARG_USER    },
                { "help",     no_argument,       NULL, 'h'         },
                { "version",  no_argument,       NULL, ARG_VERSION },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "o:c:h", options, NULL)) >= 0)
                switch (c) {
                case 'o':
                        free(arg_operator);
                        arg_operator = strdup(optarg);
                        if (!arg_operator)
                                return log_oom();
                        break;
                case 'c':
                        free(arg_config);
                        arg_config = strdup(optarg);
                        if (!arg_config)
                                return log_oom();
                        break;
                case ARG_USER:
                        arg_user = true;
                        break;
                case ARG_LEAD:
                        arg_lead = true;
                        break;
                case 'h':
                        notify_help();
                        return 0;
                case ARG_VERSION:
                        printf("respite-notify %s\n", VERSION);
                        return 0;
                default:
                        /* getopt_long() said which option. */
                        log_error("%s", _("See respite-notify --help for the options."));
                        return -EINVAL;
                }
        if (optind < argc)
                return log_error_errno(EINVAL, _("Unexpected argument '%s'; see respite-notify --help."), argv[optind]);
        return 1;
}

static int notify_run(void) {
        _cleanup_(notify_agent_freep) Agent *a = NULL;
        sigset_t mask;
        int r;

        r = notify_read_config();
        if (r < 0)
                return r;

        a = calloc(1, sizeof(Agent));
        if (!a)
                return log_oom();
        if (arg_operator && !(a->operator = strdup(arg_operator)))
                return log_oom();
        /* The desktop's zone, before time-util.c sets $TZ to the site's. */
        if (getenv("TZ") && !(a->desktop_tz = strdup(getenv("TZ"))))
                return log_oom();
        a->lead = arg_lead;
        if (a->lead) {
                /* AlertAcknowledged names who acknowledged: was it us? */
                struct passwd *pw = getpwuid(getuid());

                if (pw ? !(a->user = strdup(pw->pw_name)) : asprintf(&a->user, "%u", (unsigned) getuid()) < 0)
                        return log_oom();
                log_info(_("Showing the lead alerts of the teams %s leads."), a->user);
        }

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(errno, _("Failed to block signals: %m"));
        r = notify_agent_setup(a);
        if (r < 0)
                return r;
        if (sd_event_add_signal(a->event, NULL, SIGTERM, NULL, NULL) < 0 ||
            sd_event_add_signal(a->event, NULL, SIGINT, NULL, NULL) < 0)
                return log_error_errno(EIO, _("Failed to watch SIGTERM and SIGINT."));
        r = sd_event_loop(a->event);
        return r > 0 ? -EINVAL : r;
}

/* Exit status (respite-notify(1)): 0 stopped by a signal, --help,
 * --version; 1 failed; 2 bad usage, as respitectl's. */
int main(int argc, char *argv[]) {
        int r, status;

        log_setup();
        i18n_setup(true);
        r = notify_parse_argv(argc, argv);
        if (r < 0)
                status = r == -ENOMEM ? EXIT_FAILURE : NOTIFY_EXIT_USAGE;
        else if (r > 0)
                status = notify_run() < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        else
                status = EXIT_SUCCESS;
        free(arg_operator);
        free(arg_config);
        return status;
}
