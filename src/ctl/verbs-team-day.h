/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The pictures of the day from respited: `coverage` and `plan --format
 * html` without input files draw the live plan of the teams the caller
 * leads (GetTeamDay, respited(8)), as the offline verbs draw a plan they
 * made themselves. */

#include "core/coverage.h"
#include "core/plan.h"

/* Whether a picture verb reads respited: no input option is given
 * (--roster, --calls, --incidents, --config, --from, --to). */
bool verbs_team_day_wanted(void);

/* The live plan of --team, or else of every team of the operators the
 * caller may read (ListOperators), over the local day --date (default:
 * today on the daemon's clock), joined into one plan (shifts by operator,
 * then start) and one coverage (teams by name); the day [*ret_from,
 * *ret_to) in UTC and the site's zone. Logs. Returns 0, -EINVAL (bad
 * --date), -EACCES (a team the caller does not lead), -ENXIO (no such
 * team), -EHOSTDOWN (no respited), -ENOMEM or another negative errno of
 * the bus. */
int verbs_team_day_fetch(Plan **ret_plan, Coverage **ret_coverage, usec_t *ret_from, usec_t *ret_to,
                         char **ret_zone);
