/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "shared/util.h"

static void test_hex_format(void **state) {
        static const uint8_t bytes[] = { 0x00, 0x0f, 0xa5, 0xff };
        char hex[2 * sizeof bytes + 1];

        hex_format(bytes, sizeof bytes, hex);
        assert_string_equal(hex, "000fa5ff");
        hex_format(bytes, 0, hex);
        assert_string_equal(hex, "");
}

/* 64 random bytes, twice: not all zero, not the same twice. */
static void test_utf8_prefix_len(void **state) {
        assert_int_equal(utf8_prefix_len("", 64), 0);
        assert_int_equal(utf8_prefix_len("op16", 64), 4);
        assert_int_equal(utf8_prefix_len("op16", 4), 4);
        assert_int_equal(utf8_prefix_len("op16", 2), 2);
        /* "日本" is 3 + 3 bytes: no cut inside a character. */
        assert_int_equal(utf8_prefix_len("日本", 6), 6);
        assert_int_equal(utf8_prefix_len("日本", 5), 3);
        assert_int_equal(utf8_prefix_len("日本", 4), 3);
        assert_int_equal(utf8_prefix_len("日本", 3), 3);
        assert_int_equal(utf8_prefix_len("日本", 2), 0);
        /* U+1F600 is 4 bytes. */
        assert_int_equal(utf8_prefix_len("a😀b", 4), 1);
        assert_int_equal(utf8_prefix_len("a😀b", 5), 5);
}

static void test_error_set(void **state) {
        _cleanup_free_ char *e = NULL;

        assert_int_equal(error_set(NULL, -EIO, "nowhere %d", 1), -EIO);
        assert_int_equal(error_set(&e, -ENOENT, "first %s", "message"), -ENOENT);
        assert_string_equal(e, "first message");
        assert_int_equal(error_set(&e, -EROFS, "second, %d", 2), -EROFS);
        assert_string_equal(e, "second, 2");
}

static void test_random_bytes(void **state) {
        uint8_t a[64] = {}, b[64] = {}, zero[64] = {};

        assert_int_equal(random_bytes(a, sizeof a), 0);
        assert_int_equal(random_bytes(b, sizeof b), 0);
        assert_memory_not_equal(a, zero, sizeof a);
        assert_memory_not_equal(a, b, sizeof a);
        assert_int_equal(random_bytes(a, 0), 0);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hex_format),
                cmocka_unit_test(test_error_set),
                cmocka_unit_test(test_random_bytes),
                cmocka_unit_test(test_utf8_prefix_len),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
