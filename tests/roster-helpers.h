/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the roster tests (include after <cmocka.h>): an operator's
 * shifts by position. */

#include "core/roster.h"

/* The nth shift of operator id, in order; fails the test when there is none. */
static inline const Shift *nth_shift(const Roster *r, const char *id, size_t nth) {
        ssize_t op = roster_find_operator(r, id);

        assert_true(op >= 0);
        for (size_t i = 0; i < r->n_shifts; i++)
                if (r->shifts[i].operator == (size_t) op && nth-- == 0)
                        return &r->shifts[i];
        fail_msg("operator %s has too few shifts", id);
        return NULL;
}

/* How many shifts operator id has (0 for an unknown operator). */
static inline size_t n_shifts_of(const Roster *r, const char *id) {
        ssize_t op = roster_find_operator(r, id);
        size_t n = 0;

        for (size_t i = 0; op >= 0 && i < r->n_shifts; i++)
                n += r->shifts[i].operator == (size_t) op;
        return n;
}
