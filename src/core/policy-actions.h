/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The actions group of respite.conf(5): the commands respited runs at a
 * break's edges, parsed into the Policy's ActionSettings
 * (daemon/actions.h). Private to the policy module. */

#include "core/policy-parser.h"

/* The members of the actions group. */
extern const PolicySetting policy_actions_settings[];
