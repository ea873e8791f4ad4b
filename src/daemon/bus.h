/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The D-Bus face of respited: the object BUS_PATH with the interface
 * BUS_INTERFACE under the name BUS_NAME (shared/bus-contract.h). Instants on
 * the bus are "t" microseconds since the Unix epoch (CLOCK_REALTIME), as
 * systemd does. */

#include "daemon/manager.h"
#include "daemon/subscribers.h"
#include "shared/bus-contract.h"

/* Connect to the system bus (the session bus when m->user_bus) and make
 * sure nobody owns BUS_NAME yet (another respited), before anything is
 * published. Returns 0 or a negative errno (-EEXIST: the name is taken). */
int bus_connect(Manager *m);

/* Publish the object, attach to m->event and request BUS_NAME: last, once
 * the first plan is published (style.md: request the name last, so that a
 * caller never waits for a daemon that is not ready). Returns 0 or a
 * negative errno (-EEXIST: the name was taken in the meantime). */
int bus_publish(Manager *m);

/* Every signal goes as a unicast message to each subscriber (Subscribe())
 * of its audience (subscribers.h), never broadcast. Each returns how many
 * it was sent to (0 without a bus), or a negative errno. */

/* member (BUS_SIGNAL_BREAK_SCHEDULED, _STARTED or _ENDED) with (s operator,
 * s uid, s kind, t start_usec, t end_usec, s reason) to those who may read
 * operator's schedule. The reason is the public wording of the kind: never
 * an incident's category or note. */
int bus_emit_break(Manager *m, const char *member, const char *operator, const Break *b);

/* ScheduleChanged(s operator) after a revision touched that operator, to
 * those who may read operator's schedule. */
int bus_emit_schedule_changed(Manager *m, const char *operator);

/* LeadAlert(s alert_id, s operator, s category, t when_usec,
 * t recovery_start_usec, t recovery_end_usec) to audience (AUDIENCE_LEADS
 * when raised, AUDIENCE_ESCALATION when escalated) of a's team. */
int bus_emit_lead_alert(Manager *m, const Alert *a, SubscriberAudience audience);

/* AlertAcknowledged(s alert_id, s operator, s by, t acknowledged_usec) to
 * those a was sent to. */
int bus_emit_alert_acknowledged(Manager *m, const Alert *a);

/* Announce that the Timezone property may have changed (after a reload). */
int bus_emit_policy_changed(Manager *m);
