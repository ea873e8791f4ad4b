/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Call-record CSVs: one row per served call, as an ACD or PBX exports them. */

#include "core/calls.h"
#include "shared/util.h"

/* Load a call-record CSV (header with at least "operator,start,end";
 * optional "call_id,caller,queue,wait_seconds"; other columns ignored;
 * UTF-8 with optional BOM; RFC 4180) into l. Bad rows are skipped, logged
 * "FILE:LINE: what, skipping row" and counted in *ret_skipped (may be
 * NULL). Instants as in roster_load_csv(). Call call_log_finish() after the
 * last file. Returns 0, or a negative errno after logging why the file
 * cannot be used, once, as "FILE[:LINE]: what is wrong" (csv_table_read());
 * the caller does not log the error again. */
int call_log_load_csv(CallLog *l, const char *path, const char *zone, size_t *ret_skipped);
