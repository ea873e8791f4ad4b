/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The policy: respite.conf(5), parsed with libconfig. Every duration is in
 * microseconds (usec_t); the file writes them with units ("45min"). */

#include <stdbool.h>

#include "daemon/access.h"
#include "daemon/actions.h"
#include "import/source.h"
#include "publish/http.h"
#include "shared/string-table.h"
#include "shared/util.h"

/* Where respited and respitectl look for the policy unless told. */
#define POLICY_DEFAULT_PATH SYSCONFDIR "/respite/respite.conf"
/* sources.max_size by default: a year of a 500-seat site's roster as CSV is
 * some 10 MiB; a file beyond is refused before it is read. */
#define POLICY_SOURCES_MAX_SIZE (UINT64_C(64) << 20)

/* A text of the policy in another language than its own (English): the
 * value of label_ja = "…" (language "ja"). */
typedef struct Translation {
        char *language;
        char *text;
        char *at;       /* where it was given, for messages: "respite.conf:12: categories[1].label_ja" */
} Translation;

typedef struct Translations {
        Translation *items;
        size_t n;
} Translations;

void translation_done(Translation *t);
void translations_done(Translations *t);
/* The text for language: its own ("ja_JP"), else its language's ("ja"),
 * else fallback (the policy's English). NULL language: fallback. */
const char *translations_get(const Translations *t, const char *language, const char *fallback);

typedef struct Category Category;

/* The label of category c in language (a feed's): its label_<language>
 * (translations_get()), else the translation in po/ of its English label
 * (the shipped ones are there) for the language i18n_language_push() set,
 * else its label. */
const char *category_label(const Category *c, const char *language);

struct Category {
        char *name;             /* "threat": what ReportIncident takes */
        char *label;            /* the operator's own words: "a threatening call" */
        unsigned points;        /* points added to the accumulation window; 0 = none */
        usec_t recovery;        /* length of the recovery break granted at once; 0 = none */
        /* Lead alerts (respited(8) LEAD ALERTS): an incident of this category
         * that is the notify_lead_after-th or later of its operator within
         * notify_lead_within raises an alert to the leads of the operator's
         * team. notify_lead = true is notify_lead_after = 1 (threat and
         * sexual harassment by default: Japan's 2026 customer-harassment duty
         * asks a report to a supervisor at once). 0: never. */
        bool notify_lead;
        unsigned notify_lead_after;
        usec_t notify_lead_within;
        Translations labels;    /* label_ja = "脅迫的な電話": the label in other languages */
};

/* One tier of a statutory rule: when working time (the shift less its
 * planned breaks) is strictly more than more_than, the rule's breaks must
 * total at least total. Tiers with the same name form one rule, of which the
 * highest tier that applies counts; rules of different names all apply
 * (us-ca: "meal" and "rest"). Zero fields take the statutory group's value
 * or mean "no such constraint". See respite.conf(5). */
typedef struct StatutoryTier {
        usec_t more_than;
        usec_t total;           /* may be 0 when max_stretch is set (pauses only) */
        char *name;             /* rule name ("meal"); NULL: the unnamed rule, uids "…-statutory-N" */
        unsigned blocks;        /* exactly this many blocks of total/blocks each; 0 = as few as fit */
        usec_t min_block;       /* smallest block; 0 = the group's min_block */
        usec_t earliest;        /* first start after the shift start; 0 = the group's edge_margin */
        usec_t latest;          /* every block starts by this much work; 0 = no limit */
        usec_t max_stretch;     /* longest work without a break of min_block or more; 0 = no limit */
} StatutoryTier;

/* A minimum of operators on the phones in a local time band of every day. */
typedef struct CoverageBand {
        char *team;             /* team name, or "*" for every team */
        unsigned from, to;      /* minutes after local midnight; to <= from crosses midnight */
        unsigned minimum;
} CoverageBand;

typedef struct Statutory {
        char *name;             /* preset name, "jp" */
        char *source;           /* where the rule comes from, "Labour Standards Act art. 34(1)" */
        Translations sources;   /* source_ja = "労働基準法第34条": the source in other languages */
        StatutoryTier *tiers;   /* sorted by more_than, ascending */
        size_t n_tiers;
        usec_t min_block;       /* smallest part a break may be split into; 0 = one block */
        usec_t edge_margin;     /* a statutory break lies inside [start + margin, end - margin] */
        bool recovery_counts;   /* recovery breaks count toward the total */
        bool pauses_count;      /* the operator's own pauses in the ACD count toward the total */
} Statutory;

typedef struct Policy {
        char *path;             /* the file it was read from, or NULL for a string */
        char *timezone;         /* the site's IANA zone, validated */
        char *language;         /* site.language: what the feeds speak unless the roster says an
                                 * operator's ("ja"); by default the language of the locale
                                 * (i18n_language_from_environment(): "en" in C) */
        char *language_at;      /* where site.language was given, for messages: "respite.conf:3:
                                 * site.language"; NULL when the locale's */
        Statutory statutory;
        Category *categories;   /* in file order, names unique */
        size_t n_categories;

        /* Points in a sliding window; at threshold points a recovery break of
         * length starts within max_delay. Design choice: 6 points in 60 min →
         * 10 min within 15 min. */
        struct {
                usec_t window;
                unsigned threshold;
                usec_t length;
                usec_t max_delay;
        } accumulation;

        /* Call records: a call lasting points_after or more is a
         * "prolonged_call" incident worth that category's points; one lasting
         * break_after or more earns a recovery break of length instead
         * (CCAJ 2025: a call of 1 h or more is harassment by time). */
        struct {
                usec_t points_after;
                usec_t break_after;
                usec_t length;
        } prolonged;

        /* The calls-th call of one caller to one operator in one local day is
         * a "repeat_caller" incident (CCAJ 2025: 3 or more calls). */
        struct {
                unsigned calls;
        } repeat_caller;

        usec_t split_shift_gap; /* shifts of one operator this close join, the gap a planned break */
        usec_t merge_margin;    /* a recovery joins a break that begins within this after it */
        usec_t step;            /* placement grid for statutory breaks (5min) */
        unsigned search_steps;  /* per shift: starts the break search may weigh and try (0: none) */

        /* Coverage: operators needed on the phones per team and interval,
         * from bands, and (from_calls) by Erlang C from the call records:
         * service_level percent of calls answered within answer_within,
         * raised by shrinkage percent. See core/coverage.h. */
        struct {
                usec_t interval;
                bool from_calls;
                unsigned service_level;
                usec_t answer_within;
                unsigned shrinkage;
                CoverageBand *bands;
                size_t n_bands;
        } coverage;

        char **rosters;         /* roster paths (NULL-terminated, may be NULL) */
        char **calls;           /* call-record paths */
        SourceOptions *sources; /* the entries of rosters and calls written as groups */
        size_t n_sources;
        uint64_t sources_max_size; /* bytes a roster or call-record file may hold (sources.max_size) */
        char *feed_dir;         /* where feed files go; NULL = none */
        FeedSettings feeds;

        /* Reported incidents are personal data: rows older than
         * retention_days days are purged, notes first. */
        struct {
                unsigned retention_days;
                char *spool;    /* spool directory for incident files; NULL = none */
        } incidents;

        /* A lead alert no one acknowledged within escalate_after goes to
         * access.escalate_to as well (default 5 min). */
        struct {
                usec_t escalate_after;
        } alerts;

        AccessMap access;       /* bus callers: users → operators, users/groups → team leads */
        ActionSettings actions; /* commands at a break's edges (daemon/actions.h) */
} Policy;

Policy *policy_free(Policy *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Policy *, policy_free);

/* Whether every command of the actions group can be run now: its program
 * an executable regular file (the parser checked it is an absolute path).
 * Each that cannot is logged as a warning in the reader's language,
 * "actions.break_start: cannot run '/usr/lib/…/asterisk-cli': No such file
 * or directory". Returns 0, or -ENOEXEC when one cannot. */
int policy_actions_check(const ActionSettings *s);

/* Parse the policy file at path. Relative @include paths and relative source
 * paths resolve against the file's directory. On error returns a negative
 * errno and, when ret_error is given, a message "FILE:LINE: what was
 * expected" (LINE omitted when not known) for the caller to print.
 * Returns 0 and the policy in *ret on success. */
int policy_load(const char *path, Policy **ret, char **ret_error);

/* Same for a policy held in memory (tests); includes resolve against
 * include_dir (may be NULL). Messages name the file "<string>". */
int policy_load_string(const char *text, const char *include_dir, Policy **ret, char **ret_error);

/* The options of the source at path (as in p->rosters or p->calls, or the
 * same file by another name), or NULL when it was given as a plain path. */
const SourceOptions *policy_find_source(const Policy *p, const char *path);

/* The words respite.conf(5) uses for a source's format ("auto", "csv",
 * "ics", "queue_log") and for where an iCalendar roster names the operator
 * ("file_name", "attendee", "organizer", "summary", "property"), both ways. */
DECLARE_STRING_TABLE_LOOKUP(source_format, SourceFormat);
DECLARE_STRING_TABLE_LOOKUP(ics_operator_from, IcsOperatorFrom);

/* A category by name, or NULL. */
const Category *policy_find_category(const Policy *p, const char *name);

/* The names of p's categories in file order, for messages: "verbal_abuse,
 * threat, ..." (", " between them). Returns a malloc'ed string, or NULL on
 * OOM. */
char *policy_category_names(const Policy *p);
