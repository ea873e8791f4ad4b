/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Adherence: was a break taken? Judged from what the ACD said the operator
 * was doing while it lasted (their agent-state timeline), never from the
 * plan alone. */

#include <stdio.h>

#include "core/agent-state.h"
#include "core/calls.h"
#include "core/plan.h"
#include "shared/string-table.h"

typedef enum Adherence {
        ADHERENCE_UNKNOWN,      /* no agent state known over the break */
        ADHERENCE_PENDING,      /* not over yet */
        ADHERENCE_TAKEN,
        ADHERENCE_PARTLY_TAKEN,
        ADHERENCE_NOT_TAKEN,
        _ADHERENCE_MAX,
        _ADHERENCE_INVALID = -EINVAL,
} Adherence;

/* What the timeline says of one break. */
typedef struct AdherenceDetail {
        Adherence adherence;
        usec_t off;             /* time of the break the operator was off the phones */
        usec_t known;           /* time of the break whose state is known */
        usec_t interrupted;     /* the first call answered during the break, or 0 */
} AdherenceDetail;

/* "unknown", "pending", "taken", "partly_taken", "not_taken", both ways. */
DECLARE_STRING_TABLE_LOOKUP(adherence, Adherence);

/* Judge brk from one operator's agent-state timeline: changes[0..n), sorted
 * by since (each holds until the next; before the first, nothing is
 * known), at now (UTC usec; USEC_INFINITY: everything is over).
 *
 * Off the phones means paused, on a break or logged out. A break is
 * - pending while now < its end;
 * - unknown when no state is known for any of it;
 * - taken when no call was answered during it and the operator was off the
 *   phones for at least 80 % of it (the pause may come a little late);
 * - not taken when they were off the phones for less than a minute of it;
 * - partly taken otherwise, in particular when a call was answered during it
 *   (interrupted; the first such call's start is in interrupted).
 * Costs the changes up to the break's end (a binary search to its start). */
void adherence_judge(const Break *brk, const AgentStateChange *changes, size_t n, usec_t now,
                     AdherenceDetail *ret);

/* The timeline the calls and pauses of operator in index imply, where no
 * ACD spoke live (respitectl plan): on a call while a call lasts, else
 * paused while a pause lasts, else available. Nothing is known (no
 * changes) of an operator index holds no pause of: call records say
 * nothing of pauses, only a queue_log does. Replaces the changes at
 * *changes (their strings stay NULL; free the array with free()), their
 * number in *ret_n. Costs the operator's calls and pauses. Returns 0 or
 * -ENOMEM. */
int adherence_timeline_from_calls(const CallIndex *index, const char *operator, AgentStateChange **changes,
                                  size_t *ret_n);

/* Breaks of a plan by kind and adherence. */
typedef struct AdherenceCounts {
        unsigned breaks[_BREAK_KIND_MAX][_ADHERENCE_MAX];
} AdherenceCounts;

/* One operator's timeline (adherence_judge()) for adherence_count(); n = 0
 * when nothing is known of them. */
typedef const AgentStateChange *(*adherence_timeline_fn)(const char *operator, size_t *ret_n, void *userdata);

/* Judge every break of plan at now with the operators' timelines and count
 * them into *ret (zeroed first). Costs the plan's breaks and the timelines. */
void adherence_count(const Plan *plan, adherence_timeline_fn timeline_of, void *userdata, usec_t now,
                     AdherenceCounts *ret);

/* Print the counts as "adherence recovery: 3 taken, 1 partly taken, 0 not
 * taken" lines, one per kind with a break whose state is known, or nothing
 * when no break's is, in the reader's language (i18n.h). Returns 0 or -EIO. */
int adherence_print(const AdherenceCounts *c, FILE *f);
