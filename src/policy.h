/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The policy: respite.conf(5), parsed with libconfig. Every duration is in
 * microseconds (usec_t); the file writes them with units ("45min"). */

#include <stdbool.h>

#include "util.h"

typedef struct Category {
        char *name;             /* "threat": what ReportIncident takes */
        char *label;            /* the operator's own words: "a threatening call" */
        unsigned points;        /* points added to the accumulation window; 0 = none */
        usec_t recovery;        /* length of the recovery break granted at once; 0 = none */
        bool notify_lead;       /* tell the team lead (carried in the reason for now) */
} Category;

/* One step of a statutory rule: when working time is strictly more than
 * more_than, breaks must total at least total. */
typedef struct StatutoryTier {
        usec_t more_than;
        usec_t total;
} StatutoryTier;

typedef struct Statutory {
        char *name;             /* preset name, "jp" */
        char *source;           /* where the rule comes from, "Labour Standards Act art. 34(1)" */
        StatutoryTier *tiers;   /* sorted by more_than, ascending */
        size_t n_tiers;
        usec_t min_block;       /* smallest part a break may be split into; 0 = one block */
        usec_t edge_margin;     /* a statutory break lies inside [start + margin, end - margin] */
        bool recovery_counts;   /* recovery breaks count toward the total */
} Statutory;

typedef struct Policy {
        char *path;             /* the file it was read from, or NULL for a string */
        char *timezone;         /* the site's IANA zone, validated */
        Statutory statutory;
        Category *categories;   /* in file order, names unique */
        size_t n_categories;

        /* Points in a sliding window; at threshold points a recovery break of
         * length starts within max_delay. Design choice: 6 points in 60 min →
         * 10 min within 15 min (rules.md). */
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

        char **rosters;         /* roster CSV paths (NULL-terminated, may be NULL) */
        char **calls;           /* call-record CSV paths */
        char *feed_dir;         /* where feed files go; NULL = none */
} Policy;

Policy *policy_free(Policy *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Policy *, policy_free);

/* Parse the policy file at path. Relative @include paths and relative source
 * paths resolve against the file's directory. On error returns a negative
 * errno and, when ret_error is given, a message "FILE:LINE: what was
 * expected" (LINE omitted when not known) for the caller to print.
 * Returns 0 and the policy in *ret on success. */
int policy_load(const char *path, Policy **ret, char **ret_error);

/* Same for a policy held in memory (tests); includes resolve against
 * include_dir (may be NULL). Messages name the file "<string>". */
int policy_load_string(const char *text, const char *include_dir, Policy **ret, char **ret_error);

/* A category by name, or NULL. */
const Category *policy_find_category(const Policy *p, const char *name);
