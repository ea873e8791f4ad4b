/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* respited --check-config (respited(8)): the policy, its sources and its
 * actions checked as respited would load them, in the reader's language
 * (an administrator at a terminal, not the daemon's log). */

#include <stdbool.h>

/* Check the policy at config, then every source (rosters and calls when
 * not NULL, else the policy's own), each problem on stderr as FILE:LINE:
 * message; rows the importers skip count as problems. Unless user (the
 * system service), warn too about what respited.service's sandbox would
 * keep from it, without failing. Prints the verdict on stdout. Returns 0
 * when everything is valid, else a negative errno (-EINVAL for a problem
 * found, after its message). */
int check_config_run(const char *config, bool user, char * const *rosters, char * const *calls);
