/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

/* Why a break was granted, as the planner writes it (plan.h, Break.reason):
 * canonical English, stored and sent as it is (BreakScheduled's reason,
 * DESIGN.md), with the site's labels and names. Every reason has one of
 * these shapes; the planner writes them only through reason_write_*() and
 * readers take them apart with reason_parse(), both from one table
 * (reason.c), so a shape cannot be written that a reader does not know.
 * reason_translate() (reason-words.h) says them in the reader's language. */
typedef enum ReasonShape {
        /* reason_parse() tries them in this order: a merge first (a statutory
         * source may hold anything, "; also recovery …" too). */
        REASON_ALSO_RECOVERY,           /* "<statutory or planned reason>; also recovery <recovery reason>" */
        REASON_LONG_CALL,               /* "after a call of 52 min (prolonged_call)" */
        REASON_INCIDENT,                /* "after a threatening call (threat)": the label, the category */
        REASON_POINTS,                  /* "after 2 repeat_caller, 1 other incidents in 43 min (8 points)" */
        REASON_POINTS_AT_ONCE,          /* "after 2 other incidents at once (6 points)" */
        REASON_INTERRUPTED,             /* "rest of the recovery interrupted by a call (<recovery reason>)" */
        REASON_STATUTORY_TOTAL,         /* "statutory meal: 30min for more than 5h of work" */
        REASON_STATUTORY_TOTAL_SOURCE,  /* the same, then " (<source>)" */
        REASON_STATUTORY_STRETCH,       /* "statutory pause: a break after 1h of work" */
        REASON_STATUTORY_STRETCH_SOURCE,/* the same, then " (<source>)" */
        REASON_PLANNED,                 /* "planned in the roster" */
        _REASON_SHAPE_MAX,
        _REASON_SHAPE_INVALID = -EINVAL,
} ReasonShape;

/* Whether a reason of shape is a recovery's own (not a statutory or planned
 * break's, nor a merge). */
bool reason_shape_is_recovery(ReasonShape shape);

/* The most fields a shape has. */
#define REASON_FIELDS_MAX 4

/* A reason taken apart: its shape and its fields as written, in the order
 * the English names them (the label then the category; the counts, the
 * minutes, the points; the rule, the total, the threshold, the source; the
 * reason a recovery or a merge carries). */
typedef struct ReasonParsed {
        ReasonShape shape;
        char *fields[REASON_FIELDS_MAX];
        size_t n_fields;
} ReasonParsed;

void reason_parsed_done(ReasonParsed *p);

/* Reasons longer than this are not the planner's (reason_parse()). */
#define REASON_LENGTH_MAX 8192

/* The shape and fields of reason. Returns 0, -EBADMSG when reason has no
 * shape of the table (not the planner's) or is longer than
 * REASON_LENGTH_MAX, or -ENOMEM. */
int reason_parse(const char *reason, ReasonParsed *ret);

/* The writers of the planner. Each sets *ret to a malloc'ed reason of its
 * shape and returns 0, or -ENOMEM. */

/* REASON_INCIDENT: after one incident of a category with a recovery of its
 * own; label is the site's words for it (the category's name when it has
 * none). */
int reason_write_incident(char **ret, const char *label, const char *category);
/* REASON_LONG_CALL: after a call of minutes (whole, rounded down) of the
 * category of long calls. */
int reason_write_long_call(char **ret, unsigned long long minutes, const char *category);
/* One item of REASON_POINTS' counts, appended to *counts ("2 other", then
 * ", 1 threat"). */
int reason_counts_append(char **counts, unsigned count, const char *category);
/* REASON_POINTS (minutes > 0, from the first incident to the last) or
 * REASON_POINTS_AT_ONCE (minutes == 0): points that added up. */
int reason_write_points(char **ret, const char *counts, unsigned minutes, unsigned points);
/* REASON_INTERRUPTED: the later part of a recovery a call split; recovery
 * is the reason of the recovery (REASON_INCIDENT, …). */
int reason_write_interrupted(char **ret, const char *recovery);
/* REASON_STATUTORY_*: a block of the statutory rule named rule (NULL: the
 * unnamed rule, "break"); total (duration_format()) for more than threshold
 * of work, or, when total is NULL, a break after threshold of work without
 * one (max_stretch); source, the law (NULL or empty: none). */
int reason_write_statutory(char **ret, const char *rule, const char *total, const char *threshold,
                           const char *source);
/* REASON_PLANNED: a break the roster planned. */
int reason_write_planned(char **ret);
/* REASON_ALSO_RECOVERY: *reason (statutory or planned) took in a recovery
 * whose reason is recovery. Extends *reason in place. */
int reason_append_recovery(char **reason, const char *recovery);
