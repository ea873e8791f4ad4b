/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iCalendar rosters: roster_load_ics() as `respited --check-config` calls
 * it (no window: recurrences up to a year after now), then roster_finish().
 * The first byte chooses where the operator comes from (file name,
 * ATTENDEE, ORGANIZER, SUMMARY by a pattern, X-OPERATOR); the rest is the
 * file. What loads keeps the roster's promises (roster.h). */

#include "fuzz.h"
#include "import/roster-ics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(roster_freep) Roster *r = roster_new();
        RosterIcsOptions o = {
                .operator_property = "X-OPERATOR",
                .operator_pattern = "^(op[0-9]+)",
                .zone = "Asia/Jerusalem",
        };
        size_t skipped;

        if (!r)
                abort();
        if (size < 1)
                return 0;
        o.operator_from = data[0] % _ICS_OPERATOR_MAX;
        if (roster_load_ics(r, fuzz_file("op16.ics", data + 1, size - 1), &o, &skipped) < 0)
                return 0;
        if (roster_finish(r, 2 * USEC_PER_HOUR) < 0)
                abort();
        for (size_t i = 0; i < r->n_operators; i++)
                if (!roster_name_is_valid(r->operators[i].id, false) || !utf8_is_valid(r->operators[i].name) ||
                    !roster_name_is_valid(r->operators[i].team, true))
                        abort();
        for (size_t i = 0; i < r->n_shifts; i++)
                if (r->shifts[i].start >= r->shifts[i].end)
                        abort();
        return 0;
}
