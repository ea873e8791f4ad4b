/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The incident CSV of offline planning (respitectl plan --incidents):
 * incidents_load_csv() with the shipped policy; what loads names a known
 * category and stays sorted. */

#include "fuzz.h"
#include "import/incident-csv.h"

static Policy *policy;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        _cleanup_free_ char *path = NULL, *error = NULL;

        fuzz_setup();
        if (asprintf(&path, "%s/conf/demo.conf", fuzz_top()) < 0 || policy_load(path, &policy, &error) < 0)
                abort();
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(incident_list_freep) IncidentList *l = incident_list_new();
        size_t skipped;

        if (!l)
                abort();
        if (incidents_load_csv(l, fuzz_file("incidents.csv", data, size), policy, &skipped) < 0)
                return 0;
        for (size_t i = 0; i < l->n; i++) {
                if (!l->items[i].id || !l->items[i].operator || !policy_find_category(policy, l->items[i].category))
                        abort();
                if (i > 0 && l->items[i - 1].when > l->items[i].when)
                        abort();
        }
        return 0;
}
