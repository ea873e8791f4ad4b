/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/escape.h"
#include "shared/log.h"

static void test_cescape_log(void **state) {
        assert_string_equal(ESCAPED("op16"), "op16");
        assert_string_equal(ESCAPED("Zoë Ó Briain"), "Zoë Ó Briain");
        assert_string_equal(ESCAPED(NULL), "(null)");
        /* A forged line: newline and a priority prefix. */
        assert_string_equal(ESCAPED("x'\n<0>respited: Started"), "x\\'\\n<0>respited: Started");
        assert_string_equal(ESCAPED("a\\b\"\t\r\x1b[2J\x7f"), "a\\\\b\\\"\\t\\r\\x1b[2J\\x7f");
        /* Not UTF-8, an overlong NUL, a C1 CSI, a bidi override. */
        assert_string_equal(ESCAPED("\xff\xc0\x80\xc2\x9b\xe2\x80\xae"), "\\xff\\xc0\\x80\\xc2\\x9b\\xe2\\x80\\xae");
        assert_string_equal(cescape_log_n("a\0b\nc", 5, (char[CESCAPE_LOG_MAX]) {}), "a\\x00b\\nc");
}

static void test_cescape_log_cap(void **state) {
        char big[100000], out[CESCAPE_LOG_MAX];

        memset(big, 'a', sizeof big - 1);
        big[sizeof big - 1] = 0;
        cescape_log(big, out);
        assert_int_equal(strlen(out), CESCAPE_LOG_MAX - 1);
        assert_string_equal(out + CESCAPE_LOG_MAX - 4, "…");
        /* Never cut inside an escape. */
        memset(big, '\n', sizeof big - 1);
        cescape_log(big, out);
        assert_int_equal(strlen(out), (CESCAPE_LOG_MAX - 4) / 2 * 2 + 3);
        assert_memory_equal(out + strlen(out) - 5, "\\n…", 5);
}

static void test_log_one_line(void **state) {
        _cleanup_free_ char *text = NULL;
        char big[3 * LOG_LINE_MAX];
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        assert_non_null(f);
        log_set_target(f);
        log_info("a %s b", "1\n<0>forged");
        log_info("%s", "<3>at the start");
        memset(big, '\n', sizeof big - 1);
        big[sizeof big - 1] = 0;
        log_info("%s", big);
        log_set_target(NULL);
        fclose(f);

        assert_true(strncmp(text, "a 1\\n<0>forged b\n\\x3c3>at the start\n\\n\\n", 40) == 0);
        /* At most LOG_LINE_MAX bytes and the newline, "…" at the end. */
        size = strlen(strchr(strchr(text, '\n') + 1, '\n') + 1);
        assert_true(size <= LOG_LINE_MAX + 1 && size > LOG_LINE_MAX - 8);
        assert_memory_equal(text + strlen(text) - 4, "…\n", 4);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cescape_log),
                cmocka_unit_test(test_cescape_log_cap),
                cmocka_unit_test(test_log_one_line),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
