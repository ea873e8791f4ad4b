/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>

#include "ctl/ctl-bus.h"
#include "ctl/respitectl.h"
#include "publish/feed.h"
#include "shared/bus-contract.h"
#include "shared/i18n.h"
#include "shared/log.h"

const char *ctl_bus_kind(void) {
        return arg_user ? "session" : "system";
}

const char *ctl_bus_kind_words(void) {
        /* TRANSLATORS: the bus's kind, as in "the session bus" and "the system bus" (--user or not): the
         * word that goes before "bus" in the messages of respitectl and respite-notify that name one. */
        return arg_user ? C_("bus", "session") : C_("bus", "system");
}

/* Log the failed call r, e of respited, "Failed to WHAT: …" with what to do
 * next, in the reader's language (what is N_("…"); respited's own message
 * stays as it says it), and return its class (ctl-bus.h). */
static int ctl_bus_log_error(int r, const sd_bus_error *e, const char *what_english) {
        const char *message = e->message ?: strerror(-r), *what = _(what_english);

        if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER,
                                   SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_DISCONNECTED)) {
                /* TRANSLATORS: %1$s is the bus's kind (session or system, translated), %2$s respited's or
                 * sd-bus's own message. */
                log_error(_("respited is not running on the %s bus (%s)."), ctl_bus_kind_words(), message);
                log_error("%s", arg_user ? _("Start it with `respited --user`, or drop --user for the system bus.") :
                                           _("Start it with `systemctl start respited`, or add --user for the "
                                             "session bus."));
                return -EHOSTDOWN;
        }
        if (sd_bus_error_has_name(e, SD_BUS_ERROR_ACCESS_DENIED)) {
                /* TRANSLATORS: the first %s is what failed ("list the operators", also translated: as this
                 * sentence takes it), the second respited's own message (English). */
                log_error(_("Failed to %s: %s"), what, message);
                log_error(_("respited decides by your Unix user: an administrator maps users to operators and "
                            "team leads in the access section of respite.conf (see respite.conf(5))."));
                return -EACCES;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_UNKNOWN_OPERATOR)) {
                log_error(_("Failed to %s: %s `respitectl operators` lists them."), what, message);
                return -ENXIO;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_UNKNOWN_TEAM)) {
                log_error(_("Failed to %s: %s `respitectl operators` shows the teams."), what, message);
                return -ENXIO;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_UNKNOWN_CATEGORY)) {
                log_error(_("Failed to %s: %s respite.conf(5) says what each means."), what, message);
                return -ENOKEY;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_UNKNOWN_ALERT)) {
                log_error(_("Failed to %s: %s `respitectl alerts` lists the alerts you may see."), what, message);
                return -ENXIO;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_ALREADY_ACKNOWLEDGED)) {
                /* The message says by whom and when: nothing is left to do. */
                log_error(_("Failed to %s: %s"), what, message);
                return -EALREADY;
        }
        if (sd_bus_error_has_name(e, SD_BUS_ERROR_UNKNOWN_METHOD)) {
                log_error(_("Failed to %s: respited is older than respitectl %s (%s). Restart it after upgrading."),
                          what, VERSION, message);
                return -EOPNOTSUPP;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_RELOAD_FAILED)) {
                /* Exit status 1 (respitectl(1)), whatever errno the name maps to. */
                log_error("%s", message);
                log_error(_("Fix it (`respited --check-config` checks the files; `journalctl -u respited` "
                            "has the whole log), then reload again."));
                return -EIO;
        }
        log_error(_("Failed to %s: %s"), what, message);
        return sd_bus_error_has_name(e, SD_BUS_ERROR_INVALID_ARGS) ? -EINVAL : r;
}

int ctl_bus_log_read_error(int r) {
        if (r == -ENOMEM)
                return log_oom();
        return log_error_errno(r, _("Failed to read the reply of respited: %m"));
}

/* The daemon's zone and clock (either may be NULL). Logs. */
static int ctl_bus_daemon_clock(sd_bus *bus, char **ret_zone, usec_t *ret_now) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (ret_zone) {
                r = sd_bus_get_property_string(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_TIMEZONE,
                                               &error, ret_zone);
                if (r < 0)
                        return ctl_bus_log_error(r, &error, N_("reach respited"));
        }
        if (ret_now) {
                uint64_t now;

                r = sd_bus_get_property_trivial(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_NOW, &error,
                                                't', &now);
                if (r < 0)
                        return ctl_bus_log_error(r, &error, N_("read the daemon's clock"));
                *ret_now = now;
        }
        return 0;
}

int ctl_bus_open(sd_bus **ret, char **ret_zone, usec_t *ret_now) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r = arg_user ? sd_bus_open_user(&bus) : sd_bus_open_system(&bus);

        if (r == -ENOMEDIUM && arg_user) {
                /* sd-bus: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR. */
                log_error(_("There is no session bus in this environment (neither DBUS_SESSION_BUS_ADDRESS nor "
                            "XDG_RUNTIME_DIR is set): drop --user to reach respited on the system bus, or run this "
                            "inside a login or desktop session (or under dbus-run-session) where respited --user "
                            "runs."));
                return -EHOSTDOWN;
        }
        if (r < 0) {
                /* TRANSLATORS: %s is the bus's kind, "system" or "session" (--user), translated. */
                log_error_errno(r, _("Failed to connect to the %s bus: %m"), ctl_bus_kind_words());
                if (!arg_user)
                        log_error(_("(respited --user runs on the session bus: add --user.)"));
                return -EHOSTDOWN;
        }
        r = ctl_bus_daemon_clock(bus, ret_zone, ret_now);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

int ctl_bus_call(sd_bus *bus, const char *method, const char *what, sd_bus_message **ret_reply,
                 const char *types, ...) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        va_list ap;
        int r;

        va_start(ap, types);
        r = sd_bus_call_methodv(bus, BUS_NAME, BUS_PATH, BUS_INTERFACE, method, &error, ret_reply, types, ap);
        va_end(ap);
        if (r < 0)
                return what ? ctl_bus_log_error(r, &error, what) : r;
        return 0;
}

/* Read the members of one struct or dict entry into the C struct at p. */
static int ctl_bus_read_fields(sd_bus_message *m, const CtlBusField *fields, size_t n_fields, uint8_t *p) {
        int r;

        for (size_t i = 0; i < n_fields; i++) {
                r = sd_bus_message_read_basic(m, fields[i].type, p + fields[i].offset);
                if (r < 0)
                        return r;
                if (r == 0)
                        return -EBADMSG;
        }
        return 0;
}

int ctl_bus_read_array(sd_bus_message *m, char element, const CtlBusField *fields, size_t n_fields,
                       size_t size, void **ret, size_t *ret_n) {
        _cleanup_free_ uint8_t *items = NULL;
        char contents[CTL_BUS_FIELDS_MAX + 1], signature[CTL_BUS_FIELDS_MAX + 3];
        size_t n = 0;
        int r;

        if (n_fields > CTL_BUS_FIELDS_MAX)
                return -E2BIG;
        for (size_t i = 0; i < n_fields; i++)
                contents[i] = fields[i].type;
        contents[n_fields] = 0;
        snprintf(signature, sizeof signature, element == 'e' ? "{%s}" : "(%s)", contents);

        r = sd_bus_message_enter_container(m, 'a', signature);
        if (r < 0)
                return r;
        for (;;) {
                r = sd_bus_message_enter_container(m, element, contents);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (array_grow((void **) &items, n, size) < 0)
                        return -ENOMEM;
                memset(items + n * size, 0, size);
                r = ctl_bus_read_fields(m, fields, n_fields, items + n * size);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
                n++;
        }
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(items);
        *ret_n = n;
        return 0;
}

/* The variant of the property whose name is at m's read position, into
 * its field, or skipped when map has no such name. */
static int ctl_bus_map_property(sd_bus_message *m, const char *name, const CtlBusProperty *map, void *userdata) {
        int r;

        for (const CtlBusProperty *p = map; p->name; p++) {
                void *field = (uint8_t *) userdata + p->offset;

                if (!streq(p->name, name))
                        continue;
                r = sd_bus_message_enter_container(m, 'v', p->signature);
                if (r < 0)
                        return r;
                r = p->map ? p->map(m, field) : sd_bus_message_read_basic(m, p->signature[0], field);
                if (r < 0)
                        return r;
                return sd_bus_message_exit_container(m);
        }
        return sd_bus_message_skip(m, "v");
}

int ctl_bus_read_property_array(sd_bus_message *m, const CtlBusProperty *map, size_t size, void **ret,
                                size_t *ret_n) {
        _cleanup_free_ uint8_t *items = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "a{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_at_end(m, false)) == 0) {
                if (array_grow((void **) &items, n, size) < 0)
                        return -ENOMEM;
                memset(items + n * size, 0, size);
                r = ctl_bus_map_properties(m, map, items + n * size);
                if (r < 0)
                        return r;
                n++;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(items);
        *ret_n = n;
        return 0;
}

int ctl_bus_map_properties(sd_bus_message *m, const CtlBusProperty *map, void *userdata) {
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        for (;;) {
                const char *name;

                r = sd_bus_message_enter_container(m, 'e', "sv");
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                r = sd_bus_message_read(m, "s", &name);
                if (r < 0)
                        return r;
                r = ctl_bus_map_property(m, name, map, userdata);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_exit_container(m);
}

/* ---- GetTeamDay ---- */

/* The plan's uid of a uid as the bus gives it ("<uid>@respite"), copied
 * into *ret. */
static int ctl_bus_plan_uid(const char *bus_uid, char **ret) {
        size_t n = strlen(bus_uid), d = strlen(FEED_UID_DOMAIN);

        if (n > d && streq(bus_uid + n - d, FEED_UID_DOMAIN))
                n -= d;
        *ret = strndup(bus_uid, n);
        return *ret ? 0 : -ENOMEM;
}

/* Read the breaks a(sttss) of one shift at m's read position into s. */
static int ctl_bus_read_breaks(sd_bus_message *m, ShiftPlan *s) {
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(sttss)");
        if (r < 0)
                return r;
        for (;;) {
                const char *kind, *uid, *reason;
                uint64_t start, end;
                Break *b;

                r = sd_bus_message_read(m, "(sttss)", &kind, &start, &end, &uid, &reason);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (array_grow((void **) &s->breaks, s->n_breaks, sizeof(Break)) < 0)
                        return -ENOMEM;
                b = &s->breaks[s->n_breaks++];
                *b = (Break) { .kind = break_kind_from_string(kind), .start = start, .end = end };
                if (b->kind < 0 || start >= end)
                        return -EBADMSG;
                if (ctl_bus_plan_uid(uid, &b->uid) < 0 || strdup_to(&b->reason, reason) < 0)
                        return -ENOMEM;
        }
        return sd_bus_message_exit_container(m);
}

/* Read the shifts a(ssttba(sttss)) of team at m's read position into p. */
static int ctl_bus_read_shifts(sd_bus_message *m, const char *team, Plan *p) {
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(ssttba(sttss))");
        if (r < 0)
                return r;
        for (;;) {
                const char *operator, *uid;
                uint64_t start, end;
                int violation;
                ShiftPlan *s;

                r = sd_bus_message_enter_container(m, 'r', "ssttba(sttss)");
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                r = sd_bus_message_read(m, "ssttb", &operator, &uid, &start, &end, &violation);
                if (r < 0)
                        return r;
                if (start >= end)
                        return -EBADMSG;
                if (array_grow((void **) &p->shifts, p->n_shifts, sizeof(ShiftPlan)) < 0)
                        return -ENOMEM;
                s = &p->shifts[p->n_shifts++];
                *s = (ShiftPlan) { .start = start, .end = end, .statutory_violation = violation };
                if (strdup_to(&s->operator, operator) < 0 || strdup_to(&s->team, team) < 0 ||
                    ctl_bus_plan_uid(uid, &s->uid) < 0)
                        return -ENOMEM;
                r = ctl_bus_read_breaks(m, s);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
                p->breaks += (unsigned) s->n_breaks;
                p->statutory_violations += s->statutory_violation;
        }
        return sd_bus_message_exit_container(m);
}

/* Read the requirement (t start, t interval, au required) of team at m's
 * read position into a new Coverage of that one team. */
static int ctl_bus_read_requirement(sd_bus_message *m, const char *team, Coverage **ret) {
        _cleanup_(coverage_freep) Coverage *c = calloc(1, sizeof(Coverage));
        const uint32_t *required;
        uint64_t start, interval;
        TeamCoverage *t;
        size_t size;
        int r;

        if (!c)
                return -ENOMEM;
        r = sd_bus_message_read(m, "tt", &start, &interval);
        if (r < 0)
                return r;
        r = sd_bus_message_read_array(m, 'u', (const void **) &required, &size);
        if (r < 0)
                return r;
        if (interval == 0)
                return -EBADMSG;
        c->teams = calloc(1, sizeof(TeamCoverage));
        if (!c->teams)
                return -ENOMEM;
        t = &c->teams[c->n_teams++];
        *t = (TeamCoverage) { .start = start, .interval = interval, .n = size / sizeof(uint32_t) };
        t->required = calloc(MAX(t->n, (size_t) 1), sizeof(unsigned));
        if (strdup_to(&t->team, team) < 0 || !t->required)
                return -ENOMEM;
        for (size_t i = 0; i < t->n; i++)
                t->required[i] = required[i];
        *ret = TAKE_PTR(c);
        return 0;
}

int ctl_bus_get_team_day(sd_bus *bus, const char *team, const char *date, Plan **ret_plan,
                         Coverage **ret_coverage, usec_t *ret_from, usec_t *ret_to) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(plan_freep) Plan *p = calloc(1, sizeof(Plan));
        _cleanup_(coverage_freep) Coverage *c = NULL;
        uint64_t from, to, revision;
        int r;

        if (!p)
                return log_oom();
        r = ctl_bus_call(bus, BUS_METHOD_GET_TEAM_DAY, N_("get the team's day"), &reply, "ss", team, date ?: "");
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "ttt", &from, &to, &revision);
        if (r >= 0)
                r = ctl_bus_read_shifts(reply, team, p);
        if (r >= 0)
                r = ctl_bus_read_requirement(reply, team, &c);
        if (r < 0) {
                ctl_bus_log_read_error(r);
                /* sd-bus says -ENXIO for a type it did not expect: not "no such team". */
                return r == -ENOMEM ? r : -EBADMSG;
        }
        p->now = revision;

        if (ret_plan)
                *ret_plan = TAKE_PTR(p);
        if (ret_coverage)
                *ret_coverage = TAKE_PTR(c);
        if (ret_from)
                *ret_from = from;
        if (ret_to)
                *ret_to = to;
        return 0;
}
