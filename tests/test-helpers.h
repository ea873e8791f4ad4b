/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the unit tests (include after <cmocka.h>): an ISO 8601 instant
 * that must parse, and capturing log messages while a test runs, to check
 * the "FILE:LINE: …" reports. Use capture_log/release_log as a test's setup
 * and teardown; run_tests_in_zone() runs a test file's tests in a zone of
 * its choosing. */

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
