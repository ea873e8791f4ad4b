/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respite.conf(5) as respited reads it: policy_load() of a file next to
 * the shipped presets (so @include "presets/jp.conf" works, and includes of
 * itself, of directories and of devices are tried too). */

#include "core/policy.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *error = NULL, *presets = NULL, *target = NULL;
        static bool linked = false;
        const char *path;
        int r;

        path = fuzz_file("respite.conf", data, size);
        if (!linked) {
                if (asprintf(&presets, "%s/presets", fuzz_setup()) < 0 ||
                    asprintf(&target, "%s/conf/presets", fuzz_top()) < 0)
                        abort();
                if (symlink(target, presets) < 0)
                        abort();
                linked = true;
        }

        r = policy_load(path, &p, &error);
        /* Every refusal says what is wrong; a success has a zone. */
        if (r < 0 && r != -ENOMEM && isempty(error))
                abort();
        if (r >= 0 && (!p || isempty(p->timezone)))
                abort();
        return 0;
}
