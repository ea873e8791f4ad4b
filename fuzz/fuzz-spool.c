/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A spool file (spool.h) as respited takes it: spool_file_read() against
 * the shipped policy, the example day's roster and a clock at 18:00 that
 * day. Every line is either a good incident of a rostered operator and a
 * known category, not in the future, or a reason naming the file. */

#include "daemon/spool.h"
#include "fuzz.h"
#include "import/roster-csv.h"
#include "shared/time-util.h"

static Policy *policy;
static Roster *roster;
static usec_t now;
static SpoolDir dir;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        _cleanup_free_ char *path = NULL, *error = NULL, *roster_path = NULL;
        size_t skipped;

        fuzz_setup();
        if (asprintf(&path, "%s/conf/demo.conf", fuzz_top()) < 0 || policy_load(path, &policy, &error) < 0)
                abort();
        roster = roster_new();
        if (!roster || asprintf(&roster_path, "%s/conf/examples/anonbank-1999-01-04-roster.csv", fuzz_top()) < 0 ||
            roster_load_csv(roster, roster_path, policy->timezone, &skipped) < 0 ||
            roster_finish(roster, policy->split_shift_gap) < 0)
                abort();
        if (time_parse_iso8601("1999-01-04T18:00:00+02:00", NULL, &now) < 0)
                abort();
        if (spool_dir_open(fuzz_setup(), &dir) < 0)
                abort();
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(spool_file_done) SpoolFile f = {};

        fuzz_file("incidents.csv", data, size);
        if (spool_file_read(&dir, "incidents.csv", policy, roster, now, &f) < 0)
                return 0;
        if (!f.hash != f.refused || !f.good || (f.n_bad > 0) != !!f.reasons)
                abort();
        if (f.reasons && strncmp(f.reasons, "incidents.csv:", strlen("incidents.csv:")) != 0)
                abort();
        for (size_t i = 0; i < f.good->n; i++) {
                const Incident *inc = &f.good->items[i];

                if (roster_find_operator(roster, inc->operator) < 0 || !policy_find_category(policy, inc->category) ||
                    inc->when > now + USEC_PER_MINUTE || inc->received < inc->when)
                        abort();
        }
        return 0;
}
