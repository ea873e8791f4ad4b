/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* SEQUENCE bookkeeping of the feeds (RFC 5545 §3.8.7.4): for each UID, the
 * times last published, its SEQUENCE and the instant of its last change. */

#include "shared/util.h"

typedef struct Sequences Sequences;

Sequences *sequences_new(void);
Sequences *sequences_free(Sequences *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Sequences *, sequences_free);

/* Record that uid is published with [start, end) at revision instant now
 * (UTC usec). A UID seen for the first time gets SEQUENCE 0 and
 * last-modified now; a UID whose start or end changed gets SEQUENCE + 1 and
 * last-modified now; otherwise both stay (RFC 5545 §3.8.7.4).
 * Returns 0 or -ENOMEM. */
int sequences_update(Sequences *s, const char *uid, usec_t start, usec_t end, usec_t now,
                     unsigned *ret_sequence, usec_t *ret_last_modified);

/* Put back an entry kept in the store (respited restarting): uid was last
 * published with [start, end) (UTC usec) as SEQUENCE sequence, changed last
 * at last_modified. Replaces what s holds for uid; not counted as a change.
 * Returns 0 or -ENOMEM. */
int sequences_restore(Sequences *s, const char *uid, usec_t start, usec_t end, unsigned sequence,
                      usec_t last_modified);

typedef int (*sequences_fn)(const char *uid, usec_t start, usec_t end, unsigned sequence,
                            usec_t last_modified, void *userdata);

/* Call fn for every entry sequences_update() created or changed since the
 * last sequences_clear_changed(), in the order they changed. Stops at fn's
 * first negative return and returns it; else 0. */
int sequences_foreach_changed(const Sequences *s, sequences_fn fn, void *userdata);
/* Forget the changes listed so far (once they are stored). */
void sequences_clear_changed(Sequences *s);
