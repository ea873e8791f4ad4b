/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* respitectl's side of the D-Bus contract (shared/bus-contract.h): connect
 * to respited on the bus --user chooses, call it, read its replies into C
 * structs, and say what went wrong with what to do next. The functions that
 * log say so; their errors pick respitectl's exit status: -EHOSTDOWN
 * (respited not reachable), -EACCES (denied), -ENXIO (no such operator,
 * team or alert), -ENOKEY (no such category), -EINVAL (a bad argument),
 * -EALREADY (an alert acknowledged already), else another negative
 * errno. */

#include <systemd/sd-bus.h>

#include "core/coverage.h"
#include "core/plan.h"
#include "shared/util.h"

/* "session" with --user, else "system" (as D-Bus and --json say it). */
const char *ctl_bus_kind(void);

/* The same in the reader's language, for a sentence: "セッション". */
const char *ctl_bus_kind_words(void);

/* Connect to the bus, and when ret_zone or ret_now are not NULL read the
 * daemon's zone (Timezone, an IANA name) and clock (Now, usec). Logs.
 * Returns 0 or a negative errno as above. */
int ctl_bus_open(sd_bus **ret, char **ret_zone, usec_t *ret_now);

/* Call method of respited with the arguments of types (sd_bus_message_append()
 * signature, NULL for none), and return its reply in ret_reply (may be NULL).
 * On failure, logs "Failed to WHAT: …" (what: N_("list the operators"),
 * said in the reader's language) with what to do next, and returns a
 * negative errno as above; what NULL: logs nothing and returns sd-bus's.
 * Returns 0 on success. */
int ctl_bus_call(sd_bus *bus, const char *method, const char *what, sd_bus_message **ret_reply,
                 const char *types, ...);

/* Log that a reply of respited does not read (r from sd-bus, or -ENOMEM),
 * and return r. */
int ctl_bus_log_read_error(int r);

/* One member of a D-Bus struct or dict entry and where it goes in a C
 * struct: type 's' into a const char * (pointing into the message), 't'
 * into a uint64_t, 'u' into a uint32_t. */
typedef struct CtlBusField {
        char type;
        size_t offset;
} CtlBusField;

/* The most members ctl_bus_read_array() reads of a struct. */
#define CTL_BUS_FIELDS_MAX 16

/* Read the array at m's read position, of structs (element 'r') or dict
 * entries ('e') whose members are the n_fields fields (at most
 * CTL_BUS_FIELDS_MAX), into a new array of as many C structs of size
 * bytes. Strings point into m: keep it while they are used. Returns 0 and the array (NULL when empty) and
 * its length, or a negative errno of sd-bus (not that shape) or -ENOMEM. */
int ctl_bus_read_array(sd_bus_message *m, char element, const CtlBusField *fields, size_t n_fields,
                       size_t size, void **ret, size_t *ret_n);

/* A named value of an a{sv} (GetStatus), and where it goes: a variant of
 * signature; map reads it (positioned inside the variant) into the field at
 * offset, or, when map is NULL, the variant holds a basic type read as
 * CtlBusField does. */
typedef struct CtlBusProperty {
        const char *name;
        const char *signature;
        int (*map)(sd_bus_message *m, void *field);
        size_t offset;
} CtlBusProperty;

/* Read the a{sv} at m's read position into userdata: each name of map (an
 * array ending with an entry whose name is NULL) into its field, other
 * names skipped. Returns 0, or a negative errno of sd-bus or of a map. */
int ctl_bus_map_properties(sd_bus_message *m, const CtlBusProperty *map, void *userdata);

/* Read the aa{sv} at m's read position (GetIncidentRecord) into a new array
 * of as many C structs of size bytes, each zeroed and then filled as
 * ctl_bus_map_properties() does: names map does not know are skipped, names
 * absent leave their field 0 or NULL. Strings point into m: keep it while
 * they are used. Returns 0 and the array (NULL when empty) and its length,
 * or a negative errno of sd-bus or of a map, or -ENOMEM. */
int ctl_bus_read_property_array(sd_bus_message *m, const CtlBusProperty *map, size_t size, void **ret,
                                size_t *ret_n);

/* GetTeamDay (respited(8)): the live plan of team over the local day date
 * ("YYYY-MM-DD" in the site's zone; NULL or "" = today on the daemon's
 * clock), rebuilt as an offline plan is, so that what draws one draws the
 * other:
 * - *ret_plan: the team's shifts that meet the day, whole, by operator id
 *   then start (shift_plan_compare()), each with operator, team, start,
 *   end, uid (the plan's: without the bus's "@respite"), statutory_violation
 *   and its breaks (kind, start, end, uid as the plan's, reason: the private
 *   one); breaks and statutory_violations summed; now = the instant of the
 *   daemon's last revision (0 before its first). What the bus does not
 *   carry stays 0 or NULL: a break's trigger and recovery_uid, the shifts'
 *   other counts (GetMetrics has them), staffing.
 * - *ret_coverage: one TeamCoverage, team's requirement (operators on the
 *   phones per interval, UTC start and interval length in usec) over whole
 *   intervals from the one holding the day's start to the one holding its
 *   last instant.
 * - *ret_from, *ret_to: the day, [from, to) in UTC usec (23, 24 or 25 h).
 * Free with plan_free() and coverage_free(). Any ret_ may be NULL. Logs.
 * Returns 0 or a negative errno as above: -EACCES (not a lead of team,
 * nor root), -ENXIO (no such team), -EINVAL (a bad date), -EBADMSG (a
 * reply of another shape). */
int ctl_bus_get_team_day(sd_bus *bus, const char *team, const char *date, Plan **ret_plan,
                         Coverage **ret_coverage, usec_t *ret_from, usec_t *ret_to);
