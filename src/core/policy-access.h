/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The access group of respite.conf(5): Unix users and groups → operators
 * and team leads, parsed into an AccessMap. Private to the policy module. */

#include "core/policy-parser.h"

/* The members of the access group, parsed into the Policy's access map. */
extern const PolicySetting policy_access_settings[];

/* Free what m holds and empty it. */
void policy_access_map_done(AccessMap *m);
