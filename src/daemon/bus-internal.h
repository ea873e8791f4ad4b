/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the bus's files (bus.c: the object, its vtable and most methods;
 * bus-incidents.c: incidents and lead alerts; bus-team-day.c: a team's day
 * for its leads; bus-signals.c: subscriptions and signals) share and nobody
 * else calls. */

#include "daemon/access.h"
#include "daemon/bus.h"

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
