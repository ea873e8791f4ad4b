/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Incident CSVs, for offline planning (respitectl plan --incidents). */

#include "core/incident.h"
#include "core/policy.h"
#include "shared/util.h"

/* Load incidents from a CSV into l: header naming at least
 * "time,operator,category", optional "note,id". time is ISO 8601 (the
 * policy's zone when it has no offset); a row without id gets
 * "csv-<file name>-<line>". Rows of unknown categories, with an id an
 * earlier row took, or otherwise bad are skipped, logged "FILE:LINE: what,
 * skipping row" and counted in *ret_skipped (may be NULL). l stays sorted.
 * Returns 0, or a negative errno after logging why the file cannot be used,
 * once, as "FILE[:LINE]: what is wrong" (csv_table_read()); the caller does
 * not log the error again. */
int incidents_load_csv(IncidentList *l, const char *path, const Policy *policy, size_t *ret_skipped);
