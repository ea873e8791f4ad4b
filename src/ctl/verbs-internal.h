/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of the bus verbs share: verbs-daemon.c (status,
 * operators, schedule, report, reload, feed-url, rotate-token),
 * verbs-alerts.c (ack, alerts, incidents) and verbs-team-day.c (the live
 * day coverage draws); the offline coverage reads its --date as schedule
 * does. */

#include <systemd/sd-bus.h>

#include "ctl/format-table.h"
#include "shared/time-util.h"

/* Print t on stdout as --json or --format ask: JSON, CSV (in the table's
 * CSV style), or the text, which says none (a line with its newline) when
 * t has no rows. Returns 0 or -ENOMEM (logged). */
int verbs_daemon_print_table(const Table *t, const char *none);

/* DATE as YYYY-MM-DD: itself, or today (also for NULL), tomorrow or
 * yesterday on the daemon's clock now in zone. Returns 0 or a negative
 * errno of the zone; does not check that DATE is a date. */
int verbs_daemon_resolve_date(const char *date, const char *zone, usec_t now, char ret[static ISO8601_MAX]);

/* ListOperators, as read: the operators the caller may read. */
typedef struct OperatorRow {
        const char *id, *name, *team;
        uint64_t shift_start, shift_end, next_break;    /* UTC usec; 0: none */
} OperatorRow;

/* ListOperators into *ret (n at *ret_n; the strings are *ret_reply's).
 * Logs. Returns 0 or a negative errno of the bus. */
int verbs_daemon_list_operators(sd_bus *bus, sd_bus_message **ret_reply, OperatorRow **ret, size_t *ret_n);
