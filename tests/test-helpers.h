/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the unit tests (include after <cmocka.h>): an ISO 8601 instant
 * that must parse, and capturing log messages while a test runs, to check
 * the "FILE:LINE: …" reports. Use capture_log/release_log as a test's setup
 * and teardown; run_tests_in_zone() runs a test file's tests in a zone of
 * its choosing; use_build_catalogues() makes gettext read the build
 * tree's translations. */

#include "shared/log.h"
#include "shared/time-util.h"

/* Run the cmocka tests (an array) with the process in zone, a zone that is
 * neither the machine's nor a site's of the tests: results must not depend
 * on the machine's zone. */
#define run_tests_in_zone(tests, zone)                          \
        ({                                                      \
                setenv("TZ", (zone), 1);                        \
                tzset();                                        \
                cmocka_run_group_tests((tests), NULL, NULL);    \
        })

/* The catalogues of the build tree this test is in (BUILDDIR/locale,
 * `make unit-check` builds them) as $RESPITE_LOCALEDIR, before anything
 * binds them (i18n.h). Returns 0, or -1 as a cmocka setup does. */
static inline int use_build_catalogues(void **state) {
        char exe[4096];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

        if (n <= 0)
                return -1;
        exe[n] = '\0';
        *strrchr(exe, '/') = '\0';
        if (strlen(exe) + strlen("/locale") >= sizeof exe)
                return -1;
        strcat(exe, "/locale");
        return setenv("RESPITE_LOCALEDIR", exe, 1);
}

static inline usec_t instant(const char *s) {
        usec_t t = 0;

        assert_int_equal(time_parse_iso8601(s, NULL, &t), 0);
        return t;
}

static char *log_text = NULL;
static size_t log_size = 0;
static FILE *log_file = NULL;

static inline int capture_log(void **state) {
        log_file = open_memstream(&log_text, &log_size);
        assert_non_null(log_file);
        log_set_target(log_file);
        return 0;
}

static inline int release_log(void **state) {
        log_set_target(NULL);
        fclose(log_file);
        log_file = NULL;
        free(log_text);
        log_text = NULL;
        return 0;
}

/* What was logged since capture_log(). */
static inline const char *captured(void) {
        fflush(log_file);
        return log_text ?: "";
}
