/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Asterisk queue_log lines: queue_log_feed() line by line, as the tail of
 * a growing file feeds them, then the calls found (call_log_append(),
 * call_log_finish()). An agents mapping with an fnmatch pattern is used
 * when the first byte is odd. Calls keep start <= end. */

#include "fuzz.h"
#include "import/queue-log.h"
#include "import/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(queue_log_freep) QueueLog *q = NULL;
        _cleanup_(call_log_freep) CallLog *calls = call_log_new();
        _cleanup_free_ char *text = NULL;
        SourceAgent agents[] = {
                { .agent = (char *) "Agent/1127", .operator = (char *) "op16" },
                { .agent = (char *) "SIP/*", .operator = (char *) "op27" },
        };
        SourceOptions o = { .agents = agents, .n_agents = ELEMENTSOF(agents) };
        unsigned line = 0;
        char *p, *nl;

        if (size < 1)
                return 0;
        text = fuzz_string(data + 1, size - 1);
        if (queue_log_new(&q) < 0)
                abort();
        for (p = text; p; p = nl ? nl + 1 : NULL) {
                nl = strchr(p, '\n');
                if (nl)
                        *nl = 0;
                if (queue_log_feed(q, data[0] & 1 ? &o : NULL, "queue_log", ++line, p) < 0)
                        abort();
        }
        if (!calls || call_log_append(calls, q->calls) < 0)
                abort();
        if (call_log_finish(calls) < 0)
                abort();
        for (size_t i = 0; i < calls->n_calls; i++)
                if (calls->calls[i].start > calls->calls[i].end || !calls->calls[i].operator)
                        abort();
        return 0;
}
