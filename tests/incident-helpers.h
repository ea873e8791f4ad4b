/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the incident tests (include after <cmocka.h>): a policy filled
 * by hand and a check that a list is sorted. */

#include "core/incident.h"

/* The policy's fields the incident modules read, filled by hand (no policy file). */
static Category categories[] = {
        { .name = (char *) "verbal_abuse", .recovery = 10 * USEC_PER_MINUTE },
        { .name = (char *) "threat", .recovery = 20 * USEC_PER_MINUTE },
        { .name = (char *) "prolonged_call", .points = 2 },
        { .name = (char *) "repeat_caller", .points = 2 },
        { .name = (char *) "other", .points = 2 },
};

static Policy policy = {
        .timezone = (char *) "Asia/Jerusalem",
        .categories = categories,
        .n_categories = ELEMENTSOF(categories),
        .prolonged = {
                .points_after = 30 * USEC_PER_MINUTE,
                .break_after = 60 * USEC_PER_MINUTE,
                .length = 10 * USEC_PER_MINUTE,
        },
        .repeat_caller = { .calls = 3 },
};

static inline void assert_sorted(const IncidentList *l) {
        for (size_t i = 1; i < l->n; i++)
                assert_true(l->items[i - 1].when < l->items[i].when ||
                            (l->items[i - 1].when == l->items[i].when &&
                             strcmp(l->items[i - 1].id, l->items[i].id) <= 0));
}
