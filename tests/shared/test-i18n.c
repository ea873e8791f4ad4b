/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "shared/i18n.h"

static void test_language_is_valid(void **state) {
        assert_true(i18n_language_is_valid("ja"));
        assert_true(i18n_language_is_valid("pt_BR"));
        assert_true(i18n_language_is_valid("fil"));
        assert_false(i18n_language_is_valid(NULL));
        assert_false(i18n_language_is_valid(""));
        assert_false(i18n_language_is_valid("j"));
        assert_false(i18n_language_is_valid("JA"));
        assert_false(i18n_language_is_valid("ja-JP"));
        assert_false(i18n_language_is_valid("ja_jp"));
        assert_false(i18n_language_is_valid("ja_JPN"));
        assert_false(i18n_language_is_valid("日本語"));
        assert_false(i18n_language_is_valid("../ja"));
}

/* env: LANGUAGE, LC_ALL, LC_MESSAGES, LANG ("" = unset); the language. */
static void assert_language(const char *language, const char *lc_all, const char *lc_messages, const char *lang,
                            const char *expected) {
        const char *names[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
        const char *values[] = { language, lc_all, lc_messages, lang };
        char *s = NULL;

        for (size_t i = 0; i < 4; i++)
                assert_int_equal(*values[i] ? setenv(names[i], values[i], 1) : unsetenv(names[i]), 0);
        assert_int_equal(i18n_language_from_environment(&s), 0);
        assert_string_equal(s, expected);
        free(s);
}

static void test_language_from_environment(void **state) {
        assert_language("", "", "", "", "en");
        assert_language("", "", "", "C.UTF-8", "en");
        assert_language("", "POSIX", "", "ja_JP.UTF-8", "en");
        assert_language("", "", "", "ja_JP.UTF-8", "ja_JP");
        assert_language("", "", "ja_JP.UTF-8@kana", "de_DE.UTF-8", "ja_JP");
        assert_language("ja:en", "de_DE.UTF-8", "", "", "ja");
        assert_language("", "ko_KR.UTF-8", "ja_JP.UTF-8", "", "ko_KR");
}

/* Pushing a language and popping it restores LANGUAGE, set or not. */
static void test_language_push_pop(void **state) {
        char *saved = NULL;

        assert_int_equal(unsetenv("LANGUAGE"), 0);
        assert_int_equal(i18n_language_push("ja", &saved), 0);
        assert_string_equal(getenv("LANGUAGE"), "ja");
        i18n_language_pop(saved);
        assert_null(getenv("LANGUAGE"));
        assert_int_equal(setenv("LANGUAGE", "de:en", 1), 0);
        assert_int_equal(i18n_language_push(NULL, &saved), 0);
        assert_string_equal(getenv("LANGUAGE"), "en");
        i18n_language_pop(saved);
        assert_string_equal(getenv("LANGUAGE"), "de:en");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_language_is_valid),
                cmocka_unit_test(test_language_from_environment),
                cmocka_unit_test(test_language_push_pop),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
