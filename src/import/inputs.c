/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "import/incident-csv.h"
#include "import/inputs.h"
#include "import/source.h"
#include "shared/i18n.h"
#include "shared/log.h"

void inputs_done(Inputs *i) {
        roster_free(i->roster);
        call_log_free(i->calls);
        incident_list_free(i->incidents);
        coverage_free(i->coverage);
        *i = (Inputs) {};
}

static int inputs_read_roster(const Policy *p, const char *path, usec_t from, usec_t to, Roster *into,
                              size_t *ret_skipped, void *userdata) {
        return source_load_roster(into, p, path, from, to, ret_skipped);
}

static int inputs_read_calls(const Policy *p, const char *path, CallLog *into, size_t *ret_skipped, void *userdata) {
        return source_load_calls(into, p, path, ret_skipped);
}

static const InputReader inputs_default_reader = {
        .roster = inputs_read_roster,
        .calls = inputs_read_calls,
};

/* Count what reading one file gave: its skipped rows, or its failure (the
 * reader logged why). */
static void inputs_count(Inputs *i, int r, size_t skipped) {
        if (r < 0)
                i->n_failed++;
        else
                i->n_skipped += skipped;
}

int inputs_load(const Policy *p, const InputFiles *files, const InputReader *reader, Inputs *ret) {
        _cleanup_(inputs_done) Inputs i = {
                .roster = roster_new(),
                .calls = call_log_new(),
                .incidents = incident_list_new(),
        };
        int r;

        if (!i.roster || !i.calls || !i.incidents)
                return log_oom();
        if (!reader)
                reader = &inputs_default_reader;

        for (char * const *f = files->rosters; f && *f; f++) {
                size_t skipped = 0;

                r = reader->roster(p, *f, files->from, files->to, i.roster, &skipped, reader->userdata);
                inputs_count(&i, r, skipped);
        }
        for (char * const *f = files->calls; f && *f; f++) {
                size_t skipped = 0;

                r = reader->calls(p, *f, i.calls, &skipped, reader->userdata);
                inputs_count(&i, r, skipped);
        }
        r = roster_finish(i.roster, p->split_shift_gap);
        if (r < 0)
                return log_oom();
        /* Rows are named while files are read and shifts merged; from here
         * on a shift's "FILE:LINE" is one allocation per shift kept for
         * nobody (the daemon keeps each file's own roster too). */
        for (size_t k = 0; k < i.roster->n_shifts; k++)
                i.roster->shifts[k].source = mfree(i.roster->shifts[k].source);
        r = call_log_finish(i.calls);
        if (r < 0)
                return log_oom();
        r = incidents_detect(i.incidents, i.calls, p);
        if (r < 0)
                return log_error_errno(r, _("Failed to examine call records: %m"));
        for (char * const *f = files->incidents; f && *f; f++) {
                size_t skipped = 0;

                r = incidents_load_csv(i.incidents, *f, p, &skipped);
                inputs_count(&i, r, skipped);
        }
        r = coverage_build(p, i.roster, i.calls, &i.coverage);
        if (r < 0)
                return log_error_errno(r, _("Failed to work out the coverage requirement: %m"));

        *ret = i;
        i = (Inputs) {};
        return 0;
}
