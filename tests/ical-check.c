/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ical-check FILE...: parse each iCalendar file with libical and fail on
 * parse errors, X-LIC-ERROR properties, or events without UID, DTSTART,
 * DTEND or with DTEND not after DTSTART. Used by the integration test. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>

static int check_file(const char *path) {
        icalcomponent *cal, *ev;
        FILE *f = fopen(path, "re");
        char *text;
        long size;
        int bad = 0, n = 0;

        if (!f || fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
                fprintf(stderr, "%s: cannot read\n", path);
                if (f)
                        fclose(f);
                return 1;
        }
        text = calloc(1, (size_t) size + 1);
        if (!text || fread(text, 1, (size_t) size, f) != (size_t) size) {
                fprintf(stderr, "%s: cannot read\n", path);
                fclose(f);
                free(text);
                return 1;
        }
        fclose(f);

        cal = icalparser_parse_string(text);
        free(text);
        if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
                fprintf(stderr, "%s: not a VCALENDAR\n", path);
                if (cal)
                        icalcomponent_free(cal);
                return 1;
        }
        if (icalcomponent_count_errors(cal) > 0) {
                fprintf(stderr, "%s: libical reports %d errors\n", path, icalcomponent_count_errors(cal));
                bad = 1;
        }
        for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
             ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
                struct icaltimetype s = icalcomponent_get_dtstart(ev), e = icalcomponent_get_dtend(ev);

                n++;
                if (!icalcomponent_get_uid(ev) || icaltime_is_null_time(s) || icaltime_is_null_time(e) ||
                    icaltime_compare(e, s) <= 0 || !icaltime_is_utc(s)) {
                        fprintf(stderr, "%s: bad VEVENT %s\n", path, icalcomponent_get_uid(ev) ?: "(no UID)");
                        bad = 1;
                }
        }
        icalcomponent_free(cal);
        if (!bad)
                printf("%s: %d events\n", path, n);
        return bad;
}

int main(int argc, char *argv[]) {
        int bad = 0;

        icalerror_set_errors_are_fatal(0);
        for (int i = 1; i < argc; i++)
                bad |= check_file(argv[i]);
        return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
