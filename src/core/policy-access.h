/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The access group of respite.conf(5): Unix users and groups → operators
 * and team leads, parsed into an AccessMap. Private to the policy module. */

#include "core/policy-parser.h"

/* The members of the access group, parsed into the Policy's access map. */
extern const PolicySetting policy_access_settings[];

/* A list of users and groups: [ "acd", "@pbx", 1005 ] (users by name or
 * uid, groups by "@name", looked up now), replacing *ret. Returns 0 or a
 * negative errno after reporting the setting's error. */
int policy_parse_principals(PolicyParser *p, const config_setting_t *s, AccessPrincipal **ret, size_t *ret_n);

/* Free what m holds and empty it. */
void policy_access_map_done(AccessMap *m);
