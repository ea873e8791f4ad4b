/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The D-Bus face of respited: the object BUS_PATH with the interface
 * BUS_INTERFACE under the name BUS_NAME (shared/bus-contract.h). Instants on
 * the bus are "t" microseconds since the Unix epoch (CLOCK_REALTIME), as
 * systemd does. */

#include "daemon/manager.h"
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

/* Emit member (BUS_SIGNAL_BREAK_SCHEDULED, _STARTED or _ENDED) with
 * (s operator, s uid, s kind, t start_usec, t end_usec, s reason). The reason
 * is the public wording of the kind: any local user may listen to signals,
 * so they never carry incident categories or notes. No-op without a bus.
 * Returns 0 or a negative errno. */
int bus_emit_break(Manager *m, const char *member, const char *operator, const Break *b);

/* Emit ScheduleChanged(s operator) after a revision touched that operator. */
int bus_emit_schedule_changed(Manager *m, const char *operator);

/* Announce that the Timezone property may have changed (after a reload). */
int bus_emit_policy_changed(Manager *m);
