/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* respitectl's JSON output: the printer, and the members of an object as
 * respitectl writes them. Each ctl_json_add_*() adds key to object o and
 * returns 0 or -ENOMEM. */

#include <json-c/json.h>

#include "shared/util.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

/* Print o on stdout, indented by two spaces, with a space after ":" and
 * "/" unescaped, and a newline. Returns 0 or -ENOMEM. */
int ctl_json_print(json_object *o);

/* A string, or null for NULL. */
int ctl_json_add_string(json_object *o, const char *key, const char *value);

/* A number. */
int ctl_json_add_uint(json_object *o, const char *key, uint64_t value);

/* Two members for instant t: key, t in ISO 8601 in zone
 * ("1999-01-04T10:42:00+02:00"), and key_usec, t in microseconds since the
 * epoch; both null when t is 0 (none), key null when t does not format. */
int ctl_json_add_time(json_object *o, const char *key, usec_t t, const char *zone);

/* value, or null for NULL; o takes a reference of its own. */
int ctl_json_add_object(json_object *o, const char *key, json_object *value);
