/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "test-helpers.h"

#include "shared/i18n.h"
#include "shared/reason-words.h"

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

/* The shipped categories and the kinds in the reader's words (the
 * reasons: test-reason.c). */
static void test_reason_words(void **state) {
        char *saved = NULL;

        assert_int_equal(i18n_language_push("ja", &saved), 0);
        assert_string_equal(reason_category_words("threat"), "脅迫的な電話");
        assert_null(reason_category_words("shouting"));
        /* The kinds as tables show them: the glossary's terms. */
        assert_string_equal(reason_kind_words("statutory"), "法定休憩");
        assert_string_equal(reason_kind_words("recovery"), "回復休憩");
        assert_string_equal(reason_kind_words("planned"), "予定休憩");
        assert_string_equal(reason_kind_words("other"), "other");
        assert_null(reason_kind_words(NULL));
        i18n_language_pop(saved);

        assert_int_equal(i18n_language_push("en", &saved), 0);
        assert_string_equal(reason_category_words("threat"), "a threatening call");
        assert_string_equal(reason_kind_words("recovery"), "recovery");
        i18n_language_pop(saved);
}

/* The catalogues installed: the build tree's (use_build_catalogues()) has
 * ja; English and C need none; "ja_JP" falls back to ja as gettext does;
 * "jp" (the Japanese preset's name) has none. */
static void test_language_installed(void **state) {
        _cleanup_(strv_freep) char **l = NULL;
        _cleanup_free_ char *dir = strdup(getenv("RESPITE_LOCALEDIR") ?: "");

        assert_true(i18n_language_installed("ja"));
        assert_true(i18n_language_installed("ja_JP"));
        assert_true(i18n_language_installed("en"));
        assert_true(i18n_language_installed("en_GB"));
        assert_true(i18n_language_installed("C"));
        assert_true(i18n_language_installed(NULL));
        assert_false(i18n_language_installed("jp"));
        assert_false(i18n_language_installed("ko"));
        assert_false(i18n_language_installed("pt_BR"));
        assert_int_equal(i18n_languages_installed(&l), 0);
        assert_non_null(l);
        assert_true(strv_contains(l, "ja"));
        assert_false(strv_contains(l, "en"));

        /* Another directory, as $RESPITE_LOCALEDIR names it: none there. */
        assert_non_null(dir);
        assert_true(dir[0] == '/');
        assert_int_equal(setenv("RESPITE_LOCALEDIR", "/nonexistent", 1), 0);
        assert_false(i18n_language_installed("ja"));
        l = strv_free(l);
        assert_int_equal(i18n_languages_installed(&l), 0);
        assert_null(l);
        assert_int_equal(setenv("RESPITE_LOCALEDIR", dir, 1), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_language_is_valid),
                cmocka_unit_test(test_language_from_environment),
                cmocka_unit_test(test_language_push_pop),
                cmocka_unit_test(test_reason_words),
                cmocka_unit_test(test_language_installed),
        };

        return cmocka_run_group_tests(tests, use_build_catalogues, NULL);
}
