/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* iCalendar feeds (RFC 5545) of one operator's or one team's day, built with
 * libical. Every event carries DTSTART/DTEND in UTC ("…Z"), a stable UID and
 * a SEQUENCE that rises whenever the event's times change. A feed rendered
 * twice from the same state is byte-identical (DTSTAMP is the event's
 * LAST-MODIFIED), so files and ETags only change when the schedule does. */

#include "core/planner.h"
#include "core/roster.h"
#include "shared/string-table.h"
#include "shared/util.h"

/* SEQUENCE bookkeeping: for each UID, the times last published, its
 * SEQUENCE and the instant of its last change. */
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

typedef enum FeedAudience {
        FEED_OPERATOR,          /* the operator's own feed: says why a recovery break was granted */
        FEED_TEAM,              /* a team's feed: says only "Break", never categories or notes */
        _FEED_AUDIENCE_MAX,
        _FEED_AUDIENCE_INVALID = -EINVAL,
} FeedAudience;

/* "operator", "team" (RotateFeedToken's kind), both ways. */
DECLARE_STRING_TABLE_LOOKUP(feed_audience, FeedAudience);

/* How often clients are asked to poll when the caller has no setting. */
#define FEED_REFRESH_DEFAULT (15 * USEC_PER_MINUTE)

/* Render the feed of operator id (FEED_OPERATOR) or of team name (FEED_TEAM)
 * from plan: one VEVENT per shift and one per break that overlaps
 * [from, to) (UTC usec), UIDs "<plan uid>@respite", CRLF line ends, lines
 * folded at 75 octets without splitting a UTF-8 sequence. Calendar
 * properties: VERSION, PRODID, METHOD:PUBLISH, NAME and X-WR-CALNAME
 * (calname), REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL of refresh
 * (usec, whole seconds count; 0 = FEED_REFRESH_DEFAULT). seq may be NULL
 * (every SEQUENCE 0, LAST-MODIFIED = plan->now); otherwise it is updated
 * with plan->now as the revision instant.
 * Returns 0 and a malloc'ed NUL-terminated document in *ret, or a negative
 * errno. */
int feed_render(const Plan *plan, const Roster *roster, FeedAudience audience, const char *who,
                const char *calname, usec_t refresh, usec_t from, usec_t to, Sequences *seq, char **ret);

/* Write text to dir/name atomically (a temporary file in dir, fsync, rename)
 * with mode 0644. name must be a plain file name: not empty, no '/', not
 * starting with '.'; else -EINVAL. Returns 0 or a negative errno. */
int feed_write_file(const char *dir, const char *name, const char *text);
