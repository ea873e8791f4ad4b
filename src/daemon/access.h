/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Who may do what on the bus. The policy's access section maps Unix users
 * to operators and users or groups to team leads (respite.conf(5)); the
 * caller is known from the bus's credentials of the sending connection
 * (sd_bus_query_sender_creds(3)), never from a method argument.
 *
 * - root and the daemon's own user may do everything;
 * - an operator's user may report for and read that operator only;
 * - a lead may report for and read every operator of their teams;
 * - an integration (an ACD, a CRM, a script: access.integrations) may set
 *   the agent state of, report for and read the agent state of every
 *   operator, and nothing else;
 * - everyone else is denied.
 * Whoever may read a schedule may also read why its breaks were granted;
 * the site's counts of breaks by kind and of incidents are for leads and
 * root (access_is_lead()). */

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "shared/util.h"

typedef struct AccessOperator {
        uid_t uid;
        char *operator;         /* operator id of the roster */
} AccessOperator;

typedef struct AccessLead {
        bool group;             /* true: every member of gid; false: the user uid */
        uid_t uid;
        gid_t gid;
        char **teams;           /* team names, NULL-terminated */
} AccessLead;

/* A user, or every member of a group: an integration, or someone an
 * unanswered lead alert escalates to. */
typedef struct AccessPrincipal {
        bool group;             /* true: every member of gid; false: the user uid */
        uid_t uid;
        gid_t gid;
} AccessPrincipal;

typedef struct AccessMap {
        AccessOperator *operators;
        size_t n_operators;
        AccessLead *leads;
        size_t n_leads;
        AccessPrincipal *integrations;
        size_t n_integrations;
        AccessPrincipal *escalate_to;   /* alerts.escalate_to: who hears of unanswered lead alerts */
        size_t n_escalate_to;
} AccessMap;         /* parsed and freed with the Policy (core/policy-access.c) */

/* A caller: effective uid and every group it is in. */
typedef struct Caller {
        uid_t uid;
        gid_t *gids;            /* malloc'ed, may be NULL */
        size_t n_gids;
} Caller;

void caller_done(Caller *c);

typedef enum AccessLevel {
        ACCESS_DENIED,
        ACCESS_SELF,            /* the operator's own user */
        ACCESS_LEAD,            /* a lead of the operator's team */
        ACCESS_ALL,             /* root or the daemon's own user */
} AccessLevel;

/* What caller may do for operator, whose team is team (NULL when the
 * operator is not in the roster): ACCESS_ALL for root and for daemon_uid,
 * ACCESS_SELF when m maps caller->uid to operator, ACCESS_LEAD when a lead
 * entry naming caller->uid or one of caller->gids lists team, else
 * ACCESS_DENIED. */
AccessLevel access_for_operator(const AccessMap *m, const Caller *caller, uid_t daemon_uid,
                                const char *operator, const char *team) _pure_;

/* Whether caller may read everything about team: root, daemon_uid, or a
 * lead of team. */
bool access_for_team(const AccessMap *m, const Caller *caller, uid_t daemon_uid, const char *team) _pure_;

/* Whether the lead entry l names caller (its user, or a group it is in). */
bool access_lead_entry_matches(const AccessLead *l, const Caller *caller) _pure_;

/* Whether caller leads a team, any team: root, daemon_uid, or a user or a
 * member of a group that access.leads lists. Only they read the site's
 * counts by kind of break and of incidents (GetStatus, GetMetrics): beside
 * a team feed, a count rising as a colleague's break appears would tell
 * its kind. */
bool access_is_lead(const AccessMap *m, const Caller *caller, uid_t daemon_uid) _pure_;

/* Whether caller is an integration: root, daemon_uid, or a user or a
 * member of a group that access.integrations lists. */
bool access_is_integration(const AccessMap *m, const Caller *caller, uid_t daemon_uid) _pure_;

/* Whether caller hears of lead alerts that no lead answered in time
 * (alerts.escalate_to of respite.conf(5)): a user or a member of a group
 * listed there. Root and daemon_uid are not escalated to unless listed. */
bool access_is_escalation(const AccessMap *m, const Caller *caller) _pure_;

/* Whether caller may read and acknowledge the lead alerts about an
 * operator of team: root, daemon_uid, a lead of team, or one escalated to
 * (access_is_escalation()). */
bool access_for_alerts(const AccessMap *m, const Caller *caller, uid_t daemon_uid, const char *team) _pure_;

/* The credentials of the connection that sent msg, as the bus reports them:
 * the EUID (dbus-daemon takes it from SO_PEERCRED when the connection is
 * made) and the groups; when the bus library does not pass the groups on,
 * they are looked up in the group database for that uid, as dbus-daemon
 * itself does. Returns 0, or a negative errno when the bus does not tell
 * the uid (the caller must deny). */
int caller_from_message(sd_bus_message *msg, Caller *ret);
