/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The sources group of respite.conf(5): roster and call-record files, each a
 * path or a group { path = …; … } of SourceOptions. Private to the policy
 * module. */

#include "core/policy-parser.h"

/* The members of the sources group, parsed into a Policy: rosters and
 * calls (paths), and the groups among them (sources). */
extern const PolicySetting policy_sources_settings[];

/* Free what o holds. */
void policy_source_options_done(SourceOptions *o);
