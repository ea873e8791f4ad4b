/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Instants, durations and zone names: time_parse_iso8601(),
 * duration_parse() and tz_validate(). The first byte picks the site zone
 * (or none) and what to parse; the rest is the text. What parses formats
 * and parses back to the same second; durations round-trip exactly. */

#include "fuzz.h"
#include "shared/time-util.h"

static const char * const zones[] = {
        NULL, "UTC", "Asia/Jerusalem", "Asia/Tokyo", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
        "Pacific/Chatham",
};

static void check_instant(const char *text, const char *zone) {
        char buf[ISO8601_MAX];
        usec_t t, back;

        if (time_parse_iso8601(text, zone, &t) < 0)
                return;
        if (time_format_iso8601(t, zone ?: "UTC", buf) < 0)
                abort();
        if (time_parse_iso8601(buf, NULL, &back) < 0 || back != t - t % USEC_PER_SEC)
                abort();
}

static void check_duration(const char *text) {
        char buf[DURATION_MAX];
        usec_t d, back;

        if (duration_parse(text, &d) < 0)
                return;
        duration_format(d, buf, sizeof(buf));
        if (d < 1000 * USEC_PER_DAY && (duration_parse(buf, &back) < 0 || back != d))
                abort();
}

static void check_zone(const char *text) {
        int r = tz_validate(text);

        /* Never a path out of the tz database. */
        if (r >= 0 && (text[0] == '/' || strstr(text, "..")))
                abort();
        if (r >= 0) {
                int offset;

                if (tz_utc_offset(text, 915148800 * USEC_PER_SEC, &offset) < 0)
                        abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = NULL;

        if (size < 1)
                return 0;
        text = fuzz_string(data + 1, size - 1);
        switch (data[0] % 3) {
        case 0:
                check_instant(text, zones[(data[0] / 3) % ELEMENTSOF(zones)]);
                break;
        case 1:
                check_duration(text);
                break;
        default:
                check_zone(text);
        }
        return 0;
}
