/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the bus's files (bus.c: the object, its vtable and most methods;
 * bus-incidents.c: incidents and lead alerts; bus-team-day.c: a team's day
 * for its leads; bus-signals.c: subscriptions and signals) share and nobody
 * else calls. */

#include "daemon/access.h"
#include "daemon/bus.h"

/* Bounds of what crosses the bus. dbus-daemon disconnects a peer that sends
 * a message over its max_message_size (32 MiB by default on the system
 * bus, possibly less), and respited would then run on off the bus:
 *   - a string argument over BUS_STRING_MAX bytes is refused with
 *     org.freedesktop.DBus.Error.InvalidArgs before any method sees it;
 *   - errors and log lines quote a caller's string in at most
 *     BUS_QUOTE_MAX bytes, cut between characters, "…" after (use
 *     "'%.*s%s'" with BUS_QUOTE(s));
 *   - no reply carries more than BUS_REPLY_MAX bytes (counted as the
 *     D-Bus marshalling lays them out, padding included, with
 *     bus_string_size() and BUS_ROW_SIZE): a list that would is refused
 *     with Error.ReplyTooLarge, or comes in pages (ListIncidentsPage). */
#define BUS_STRING_MAX (16U * 1024U)
#define BUS_QUOTE_MAX 64
#define BUS_QUOTE(s) (int) utf8_prefix_len((s), BUS_QUOTE_MAX), (s), strlen(s) > BUS_QUOTE_MAX ? "…" : ""
#define BUS_REPLY_MAX (8U * 1024U * 1024U)

/* What a string costs in a message: its bytes, its 4-byte length, its NUL
 * and at most 3 bytes of padding. */
static inline size_t bus_string_size(const char *s) {
        return (s ? strlen(s) : 0) + 8;
}
/* What a struct of n_t "t" fields costs besides its strings: its 8-byte
 * alignment and each "t" with its padding. */
#define BUS_ROW_SIZE(n_t) (8U + 16U * (n_t))

/* Set Error.ReplyTooLarge: the reply of method would carry more than
 * BUS_REPLY_MAX bytes; hint says what to ask instead. Returns its
 * negative errno. */
int bus_error_reply_too_large(sd_bus_error *error, const char *method, const char *hint);

/* A method return to msg opened on an array of element ("(sttss)",
 * "{sv}"): append the elements to *ret, then bus_send_array(). */
int bus_open_array(sd_bus_message *msg, const char *element, sd_bus_message **ret);
int bus_send_array(sd_bus_message *reply);

/* Append the dictionary entry {key: variant of type} to an open a{sv}. */
int bus_append_entry(sd_bus_message *reply, const char *key, const char *type, ...);

/* What caller may do for operator (access.h). */
AccessLevel bus_caller_level(const Manager *m, const Caller *caller, const char *operator);

/* May the sender act for operator (access.h), or, with integrations, be
 * an integration? Decided from the bus's credentials of the sending
 * connection, never from arguments. Returns 0, or sets
 * org.freedesktop.DBus.Error.AccessDenied (the same answer whether the
 * operator exists or not) and returns its negative errno. */
int bus_check_access_as(sd_bus_message *msg, const Manager *m, const char *operator, bool integrations,
                        const char *what, sd_bus_error *error);
int bus_check_access(sd_bus_message *msg, const Manager *m, const char *operator, const char *what,
                     sd_bus_error *error);

/* Append break b to reply as (kind, start_usec, end_usec, uid, reason):
 * GetSchedule's and GetTeamDay's shape, the uid as feeds give it, the
 * private reason. Returns 0 or a negative errno. */
int bus_append_break(sd_bus_message *reply, const Break *b);

/* May the sender read everything about team: root, the daemon's user, a
 * lead of team (access_for_team())? Returns 0, or sets
 * org.freedesktop.DBus.Error.AccessDenied ("Not allowed to WHAT team
 * 'TEAM'.", the same whether the team exists or not) and returns its
 * negative errno. */
int bus_check_team_access(sd_bus_message *msg, const Manager *m, const char *team, const char *what,
                          sd_bus_error *error);

/* bus-incidents.c: the methods, documented there. */
int bus_method_report_incident(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_report_incident_with_id(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_list_incidents(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_get_incident_record(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_acknowledge_alert(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_list_alerts(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* bus-team-day.c */
int bus_method_get_team_day(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* bus-signals.c */
int bus_method_subscribe(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_method_unsubscribe(sd_bus_message *msg, void *userdata, sd_bus_error *error);
