/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Roster CSV: roster_load_csv() and roster_finish() as respited calls them.
 * Whatever loads keeps the roster's promises (roster.h): operators sorted
 * and valid as feed file names, shifts with start < end. */

#include "fuzz.h"
#include "import/roster-csv.h"

static void check_roster(const Roster *r) {
        for (size_t i = 0; i < r->n_operators; i++) {
                if (!roster_name_is_valid(r->operators[i].id, false) ||
                    !roster_name_is_valid(r->operators[i].team, true) || !r->operators[i].name)
                        abort();
                if (i > 0 && strcmp(r->operators[i - 1].id, r->operators[i].id) >= 0)
                        abort();
        }
        for (size_t i = 0; i < r->n_shifts; i++) {
                const Shift *s = &r->shifts[i];

                if (s->start >= s->end || s->operator >= r->n_operators)
                        abort();
                for (size_t j = 0; j < s->n_planned; j++)
                        if (s->planned[j].start >= s->planned[j].end || s->planned[j].start < s->start ||
                            s->planned[j].end > s->end)
                                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        size_t skipped;

        if (!r)
                abort();
        if (roster_load_csv(r, fuzz_file("roster.csv", data, size), "Asia/Jerusalem", &skipped) < 0)
                return 0;
        if (roster_finish(r, 2 * USEC_PER_HOUR) < 0)
                abort();
        check_roster(r);
        return 0;
}
