/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The terminal's width and the columns text takes (src/ctl/term.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ctl/term.h"
#include "shared/util.h"

static void test_text_width(void **state) {
        assert_int_equal(term_text_width(""), 0);
        assert_int_equal(term_text_width("retail"), 6);
        /* Block characters one column each, CJK and emoji two, a combining accent none. */
        assert_int_equal(term_text_width("█▏░│▲"), 5);
        assert_int_equal(term_text_width("お客様"), 6);
        assert_int_equal(term_text_width("op😀7"), 5);
        assert_int_equal(term_text_width("e\xcc\x81"), 1);
        /* A byte that is no UTF-8 counts one. */
        assert_int_equal(term_text_width("a\xff" "b"), 3);
}

static void test_truncate(void **state) {
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

        assert_int_equal(term_truncate("retail", 6, &a), 0);
        assert_string_equal(a, "retail");
        assert_int_equal(term_truncate("retail", 5, &b), 0);
        assert_string_equal(b, "reta…");
        /* A wide character that does not fit is left out whole. */
        assert_int_equal(term_truncate("お客様相談", 6, &c), 0);
        assert_string_equal(c, "お客…");
        assert_int_equal(term_text_width(c), 5);
        assert_int_equal(term_truncate("retail", 0, &d), 0);
        assert_string_equal(d, "");
}

static void test_width(void **state) {
        /* Not a terminal: $COLUMNS, else 80. */
        int fd = fileno(tmpfile());

        assert_true(fd >= 0);
        setenv("COLUMNS", "132", 1);
        assert_int_equal(term_width(fd), 132);
        setenv("COLUMNS", "wide", 1);
        assert_int_equal(term_width(fd), 80);
        setenv("COLUMNS", "0", 1);
        assert_int_equal(term_width(fd), 80);
        unsetenv("COLUMNS");
        assert_int_equal(term_width(fd), 80);
        close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_text_width),
                cmocka_unit_test(test_truncate),
                cmocka_unit_test(test_width),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
