/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* iCalendar feeds (RFC 5545) of one operator's or one team's day, built with
 * libical. Every event carries DTSTART/DTEND in UTC ("…Z"), a stable UID and
 * a SEQUENCE that rises whenever the event's times change. A feed rendered
 * twice from the same state is byte-identical (DTSTAMP is the event's
 * LAST-MODIFIED), so files and ETags only change when the schedule does. */

#include "core/plan.h"
#include "core/roster.h"
#include "publish/sequences.h"
#include "shared/string-table.h"
#include "shared/util.h"

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

/* The name of the feed of operator who or of team who: its file name
 * without ".ics", and the key of its token ("op16", "team-retail"; no
 * operator id starts with "team-", roster_name_is_valid()). Returns 0 and a
 * malloc'ed string in *ret, or -ENOMEM. */
int feed_name(FeedAudience audience, const char *who, char **ret);
/* The other way: the audience of feed name, and who it is for (pointing
 * into name) in *ret_who. */
FeedAudience feed_name_parse(const char *name, const char **ret_who);

/* The calendar name (NAME, X-WR-CALNAME) of the feed of operator who
 * ("Operator 17: breaks", the operator's name in roster, else the id) or of
 * team who ("Team retail: breaks"). Returns 0 and a malloc'ed string in
 * *ret, or -ENOMEM. */
int feed_calendar_name(const Roster *roster, FeedAudience audience, const char *who, char **ret);

/* Render the feed of operator id (FEED_OPERATOR) or of team name (FEED_TEAM)
 * from plan (in plan order, as the planner and the store give it: an
 * operator's shifts are found by binary search; a team's operators are those
 * of the finished roster, roster_team_operators(), so a feed costs its own
 * operators' shifts, never the site's): one VEVENT per shift and
 * one per break that overlaps
 * [from, to) (UTC usec), UIDs "<plan uid>@respite", CRLF line ends, lines
 * folded at 75 octets without splitting a UTF-8 sequence. Calendar
 * properties: VERSION, PRODID, METHOD:PUBLISH, NAME and X-WR-CALNAME
 * (calname), REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL of refresh
 * (usec, whole seconds count; 0 = FEED_REFRESH_DEFAULT). seq may be NULL
 * (every SEQUENCE 0, LAST-MODIFIED = plan->now); otherwise it is updated
 * with plan->now as the revision instant. A plan without a revision
 * instant (now 0, offline) stamps each event with its start.
 * Returns 0 and a malloc'ed NUL-terminated document in *ret, or a negative
 * errno. */
int feed_render(const Plan *plan, const Roster *roster, FeedAudience audience, const char *who,
                const char *calname, usec_t refresh, usec_t from, usec_t to, Sequences *seq, char **ret);

/* Write text to dir/name atomically (a temporary file in dir, then
 * rename(2): readers see the old bytes or the new, never a part) with mode
 * 0644. Not fsync'ed: a feed is derived from the store, and respited
 * rewrites at start every feed file whose bytes differ, so one fsync per
 * file would only slow down publishing thousands of them. name must be a plain file name: not empty, no '/', not
 * starting with '.'; else -EINVAL. Returns 0 or a negative errno. */
int feed_write_file(const char *dir, const char *name, const char *text);
