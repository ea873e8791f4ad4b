/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The D-Bus face of respited: org.respite.Scheduler1 at
 * /org/respite/Scheduler1, as ../DESIGN.md fixes it. Instants on the bus are
 * "t" microseconds since the Unix epoch (CLOCK_REALTIME), as systemd does. */

#include "daemon/manager.h"

#define BUS_NAME      "org.respite.Scheduler1"
#define BUS_PATH      "/org/respite/Scheduler1"
#define BUS_INTERFACE "org.respite.Scheduler1"

#define BUS_ERROR_UNKNOWN_OPERATOR "org.respite.Scheduler1.Error.UnknownOperator"
#define BUS_ERROR_UNKNOWN_CATEGORY "org.respite.Scheduler1.Error.UnknownCategory"
#define BUS_ERROR_UNKNOWN_TEAM     "org.respite.Scheduler1.Error.UnknownTeam"
#define BUS_ERROR_NO_OPERATOR      "org.respite.Scheduler1.Error.NoOperator"
#define BUS_ERROR_RELOAD_FAILED    "org.respite.Scheduler1.Error.ReloadFailed"

/* Connect to the system bus (the session bus when m->user_bus), publish the
 * object, attach to m->event and request BUS_NAME (last, once everything is
 * ready). Returns 0 or a negative errno (-EEXIST: the name is taken). */
int bus_setup(Manager *m);

/* Emit member ("BreakScheduled", "BreakStarted" or "BreakEnded") with
 * (s operator, s uid, s kind, t start_usec, t end_usec, s reason). The reason
 * is the public wording of the kind: any local user may listen to signals,
 * so they never carry incident categories or notes. No-op without a bus.
 * Returns 0 or a negative errno. */
int bus_emit_break(Manager *m, const char *member, const char *operator, const Break *b);

/* Emit ScheduleChanged(s operator) after a revision touched that operator. */
int bus_emit_schedule_changed(Manager *m, const char *operator);

/* Announce that the Timezone property may have changed (after a reload). */
int bus_emit_policy_changed(Manager *m);
