/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Call-record CSV and the detectors behind it: call_log_load_csv(),
 * call_log_finish() and incidents_detect() with the shipped policy. */

#include "core/incident.h"
#include "fuzz.h"
#include "import/calls-csv.h"

static Policy *policy;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        _cleanup_free_ char *path = NULL, *error = NULL;

        fuzz_setup();
        if (asprintf(&path, "%s/conf/demo.conf", fuzz_top()) < 0 || policy_load(path, &policy, &error) < 0)
                abort();
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(call_log_freep) CallLog *l = call_log_new();
        _cleanup_(incident_list_freep) IncidentList *found = incident_list_new();
        size_t skipped;

        if (!l || !found)
                abort();
        if (call_log_load_csv(l, fuzz_file("calls.csv", data, size), policy->timezone, &skipped) < 0)
                return 0;
        if (call_log_finish(l) < 0)
                abort();
        for (size_t i = 0; i < l->n_calls; i++)
                if (!l->calls[i].operator || l->calls[i].start > l->calls[i].end ||
                    (i > 0 && l->calls[i - 1].end > l->calls[i].end))
                        abort();
        if (incidents_detect(found, l, policy) < 0)
                abort();
        return 0;
}
