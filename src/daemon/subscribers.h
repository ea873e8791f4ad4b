/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The clients that called Subscribe(), and which of them may hear what.
 * respited sends its signals only to these, one unicast message each, as
 * systemd's Manager does: that someone had a recovery break is itself
 * sensitive, so nothing about one operator is broadcast (DESIGN.md,
 * respited(8) SIGNALS). A subscriber is known by its unique bus name and
 * forgotten when that name leaves the bus (sd_bus_track(3), which watches
 * NameOwnerChanged). Who it is comes from the bus's credentials when it
 * subscribes; what it may hear is indexed by operator and team from the
 * access map, so that finding the receivers of a signal about one operator
 * costs the number of receivers, not the number of subscribers, and a
 * subscription costs the log of the access map's size. */

#include <systemd/sd-bus.h>

#include "daemon/access.h"

typedef struct Subscribers Subscribers;

typedef enum SubscriberAudience {
        /* Who may read an operator's schedule: the operator's own users, the
         * leads of their team, root, the daemon's user and integrations. */
        AUDIENCE_READERS,
        /* The leads of a team, root and the daemon's user: a lead alert. */
        AUDIENCE_LEADS,
        /* access.escalate_to only: an alert escalated (the others have it). */
        AUDIENCE_ESCALATION,
        /* The leads, root, the daemon's user and access.escalate_to: the
         * answer to an alert that was escalated. */
        AUDIENCE_ESCALATED,
        _AUDIENCE_MAX,
} SubscriberAudience;

/* An empty set. Returns 0 or -ENOMEM. */
int subscribers_new(Subscribers **ret);
Subscribers *subscribers_free(Subscribers *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Subscribers *, subscribers_free);

/* Who may hear what from now on: the access map (which must outlive its
 * use here; call again when it is replaced) and the daemon's uid
 * (access.h). Every subscriber is indexed again. Returns 0 or -ENOMEM. */
int subscribers_set_access(Subscribers *s, const AccessMap *map, uid_t daemon_uid);

/* Subscribe the sender of msg, who is caller. Subscribing again changes
 * nothing. Returns 1 when added, 0 when it was subscribed already, or a
 * negative errno. */
int subscribers_add(Subscribers *s, sd_bus_message *msg, const Caller *caller);

/* Forget the subscriber with the unique bus name name. Returns 0, or
 * -ENOENT when it is not subscribed. */
int subscribers_remove(Subscribers *s, const char *name);

/* How many clients are subscribed. */
size_t subscribers_count(const Subscribers *s) _pure_;

/* Call fn(name, userdata) once for each subscriber of audience a about
 * operator (may be NULL for a lead alert's audiences) of team (NULL when
 * the operator has none). Stops at and returns the first negative return
 * of fn; else returns the number of subscribers fn was called for. */
typedef int (*subscribers_fn)(const char *name, void *userdata);
int subscribers_foreach(Subscribers *s, SubscriberAudience a, const char *operator, const char *team,
                        subscribers_fn fn, void *userdata);
