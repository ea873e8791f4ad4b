/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* iCalendar feeds (RFC 5545) of one operator's or one team's day, built with
 * libical. Every event carries DTSTART/DTEND in UTC ("…Z"), a stable UID and
 * a SEQUENCE that rises whenever the event's times change. A feed rendered
 * twice from the same state is byte-identical (DTSTAMP is the event's
 * LAST-MODIFIED), so files and ETags only change when the schedule does. */

#include <sys/types.h>

#include "core/adherence.h"
#include "core/plan.h"
#include "core/policy.h"
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

/* What feed_event_uid() appends to a plan's uid. */
#define FEED_UID_DOMAIN "@respite"

/* The UID an event of the plan's uid has in an operator's own feed, on the
 * bus and for actions: "<uid>@respite" (RFC 5545 §3.8.4.7: globally
 * unique). It says the break's kind and, for a recovery break, its incident
 * ("op16-recovery-<incident>@respite"): team feeds use feed_team_uid().
 * Returns 0 and a malloc'ed string in *ret, or -ENOMEM. */
int feed_event_uid(const char *uid, char **ret);

/* The size of the key of team feeds' break UIDs: a site secret (respited
 * keeps it in its store). */
#define FEED_UID_KEY_SIZE 32

/* The UID a break of the plan's uid has in team feeds:
 * "break-<32 lowercase hex digits>@respite", the first 128 bits of
 * HMAC-SHA256 keyed with key over uid. The same break keeps it across
 * revisions (as its uid), so clients update the event; it says nothing of
 * the break's kind, incident or operator, and without the key nobody can
 * tell which uid it stands for, nor test a guessed uid against it.
 * Returns 0 and a malloc'ed string in *ret, or -ENOMEM. */
int feed_team_uid(const uint8_t key[static FEED_UID_KEY_SIZE], const char *uid, char **ret);

/* The calendar name (NAME, X-WR-CALNAME) of the feed of operator who
 * ("Operator 17: breaks", the operator's name in roster, else the id) or of
 * team who ("Team retail: breaks"), in the language of i18n_language_push(). Returns 0 and a malloc'ed string in
 * *ret, or -ENOMEM. */
int feed_calendar_name(const Roster *roster, FeedAudience audience, const char *who, char **ret);

/* What the operator's feed says of a break taken (adherence_judge()), by
 * break uid: NULL when nothing is known of it. */
typedef const AdherenceDetail *(*feed_adherence_fn)(const char *uid, void *userdata);

/* How a feed is rendered: all optional but the window [from, to). */
typedef struct FeedOptions {
        const char *calname;    /* NAME and X-WR-CALNAME (feed_calendar_name()) */
        usec_t refresh;         /* how often clients should poll; 0 = FEED_REFRESH_DEFAULT */
        usec_t from, to;        /* UTC usec: the shifts and breaks overlapping it */
        Sequences *seq;         /* SEQUENCE per UID, updated; NULL = every SEQUENCE 0 */
        feed_adherence_fn adherence_of; /* the operator's feed says whether each break was taken */
        void *userdata;
        const uint8_t *uid_key; /* FEED_UID_KEY_SIZE bytes: the key of a team feed's break UIDs
                                 * (feed_team_uid()); required for FEED_TEAM */
        usec_t alarm_before;    /* > 0: the operator's feed gives each break a DISPLAY VALARM
                                 * this long (whole seconds) before its start; 0 = none */
        bool breaks_only;       /* leave the shifts out: only their breaks */
        const char *language;   /* what the feed speaks ("ja"), which the caller has set with
                                 * i18n_language_push() around feed_calendar_name() and
                                 * feed_render(); NULL or English ("en", "en_GB"): the planner's
                                 * own reasons in DESCRIPTION */
        const Policy *policy;   /* for another language: the categories' labels and the law's name
                                 * in it (label_<language>, source_<language>); may be NULL */
} FeedOptions;

/* Render the feed of operator id (FEED_OPERATOR) or of team name (FEED_TEAM)
 * from plan (in plan order, as the planner and the store give it: an
 * operator's shifts are found by binary search; a team's operators are those
 * of the finished roster, roster_team_operators(), so a feed costs its own
 * operators' shifts, never the site's): one VEVENT per shift (none with
 * o->breaks_only) and one per break that overlaps [o->from, o->to) and whose
 * shift does, CRLF line ends, lines folded at 75
 * octets without splitting a UTF-8 sequence. UIDs are "<plan uid>@respite"
 * (feed_event_uid()), but a team feed's breaks have feed_team_uid() with
 * o->uid_key (shifts keep theirs: they say nothing private); SEQUENCE is
 * kept per plan uid either way, so both feeds agree on it.
 * Calendar properties: VERSION, PRODID, METHOD:PUBLISH, NAME and
 * X-WR-CALNAME (o->calname), REFRESH-INTERVAL (RFC 7986) and
 * X-PUBLISHED-TTL of o->refresh (whole seconds count). Without o->seq every
 * SEQUENCE is 0 and LAST-MODIFIED = plan->now; with it, it is updated with
 * plan->now as the revision instant. A plan without a revision instant (now
 * 0, offline) stamps each event with its start. In the operator's feed, a
 * break that o->adherence_of() knows as over has a last DESCRIPTION line
 * ("Taken.", "Partly taken: a call was answered during it.", "Not taken.")
 * and X-RESPITE-ADHERENCE (adherence_to_string()); a team feed never says.
 * A shift is TRANSP:TRANSPARENT and a break TRANSP:OPAQUE (RFC 5545
 * §3.8.2.7). In the operator's feed a break has CATEGORIES with its kind's
 * name (break_kind_to_string(), never an incident category) and a COLOR
 * (RFC 7986 §5.9) by kind: statutory "steelblue", recovery "darkorange",
 * planned "seagreen"; with o->alarm_before, a VALARM (ACTION:DISPLAY,
 * TRIGGER before the start, DESCRIPTION its SUMMARY). A team feed's breaks
 * have no CATEGORIES, no VALARM and all the same COLOR, "slategray".
 * SUMMARY, the adherence line and the calendar name are in the language
 * the caller set with i18n_language_push(); DESCRIPTION's reason is the
 * planner's own in English (o->language NULL or "en…"), else said again in
 * o->language from the break's kind, its category's label_<language> and
 * the statutory group's source_<language> ("脅迫的な電話の後の回復休憩です。").
 * Returns 0 and a malloc'ed NUL-terminated document in *ret, or a negative
 * errno (-EINVAL: a team feed without o->uid_key). */
int feed_render(const Plan *plan, const Roster *roster, FeedAudience audience, const char *who,
                const FeedOptions *o, char **ret);

/* The mode of the feed file of audience: 0600 for an operator's own feed
 * (it says why a recovery break was granted: only respited's user may read
 * it; calendar clients use the HTTP feeds), 0644 for a team's. */
mode_t feed_file_mode(FeedAudience audience) _pure_;

/* Write text to dir/name atomically (a temporary file in dir, then
 * rename(2): readers see the old bytes or the new, never a part) with mode
 * mode, whatever the umask (feed_file_mode()). Not fsync'ed: a feed is
 * derived from the store, and respited rewrites at start every feed file
 * whose bytes differ, so one fsync per file would only slow down publishing
 * thousands of them. name must be a plain file name: not empty, no '/', not
 * starting with '.'; else -EINVAL. Returns 0 or a negative errno. */
int feed_write_file(const char *dir, const char *name, const char *text, mode_t mode);
