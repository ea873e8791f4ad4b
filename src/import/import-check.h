/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* respitectl import-check: what importing each file would yield, without
 * starting anything. */

#include "core/policy.h"

/* The columns a terminal gives string s (East Asian Wide characters two). */
typedef size_t (*ImportCheckWidthFn)(const char *s);

/* For each path (NULL-terminated; options from p's sources when listed
 * there): the format, the operators and shifts (planned breaks of split
 * shifts included), or the calls, agent sessions and pauses of a queue_log,
 * and every skipped row or event with FILE:LINE and why. Recurring events
 * are expanded over [from, to) (to == 0: a year from now). csv prints
 * "file,kind,operator,start,end,detail" rows with UTC instants, in English
 * (the importers' messages too, as every CSV respitectl writes); otherwise
 * a table in the site's zone, in the reader's language (i18n.h), its
 * columns aligned by width (the columns a terminal gives a string:
 * respitectl's term_text_width()). Returns 0, or -EIO when a file could
 * not be read at all (reported). */
int import_check(const Policy *p, char * const *paths, usec_t from, usec_t to, bool csv, ImportCheckWidthFn width);
