/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The planner's reasons: every shape of reason.c written as the planner
 * always wrote it (the stored and signalled English, byte for byte), read
 * back, and said in Japanese. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "test-helpers.h"

#include "shared/clock.h"
#include "shared/i18n.h"
#include "shared/reason-words.h"
#include "shared/reason.h"

/* One example a shape: the English the planner writes, the Japanese a
 * reader reads. A shape added to reason.h without one here fails
 * test_every_shape; one without a writer's case below does not compile
 * (-Wswitch). */
static const struct {
        const char *english, *ja;
} samples[_REASON_SHAPE_MAX] = {
        [REASON_ALSO_RECOVERY] = {
                "statutory break: 45min for more than 6h of work (jp); also recovery after an abusive call "
                "(verbal_abuse)",
                "法律で定められた休憩（6時間を超える労働に45分、jp）（暴言を受けた電話の後の回復休憩を兼ねます）" },
        [REASON_LONG_CALL] = {
                "after a call of 72 min (prolonged_call)",
                "長時間の通話（1時間12分）の後" },
        [REASON_INCIDENT] = {
                "after a threatening call (threat)",
                "脅迫的な電話の後" },
        [REASON_POINTS] = {
                "after 2 unreasonable_demand, 1 other incidents in 40 min (10 points)",
                "相次いだ対応の難しい電話の後（40分の間に不当な要求2件、対応の難しい電話1件）" },
        [REASON_POINTS_AT_ONCE] = {
                "after 2 repeat_caller incidents at once (6 points)",
                "相次いだ対応の難しい電話の後（繰り返しの入電2件）" },
        [REASON_INTERRUPTED] = {
                "rest of the recovery interrupted by a call (after 2 repeat_caller incidents in 43 min (8 points))",
                "通話で中断された回復休憩の残り（相次いだ対応の難しい電話の後（43分の間に繰り返しの入電2件））" },
        [REASON_STATUTORY_TOTAL] = {
                "statutory meal: 30min for more than 5h of work",
                "法律で定められた食事休憩（5時間を超える労働に30分）" },
        [REASON_STATUTORY_TOTAL_SOURCE] = {
                "statutory break: 45min for more than 3h 29min of work (Labour Standards Act art. 34(1); "
                "Enforcement Rule art. 31)",
                "法律で定められた休憩（3時間29分を超える労働に45分、労働基準法第34条第1項、労働基準法施行規則第31条）" },
        [REASON_STATUTORY_STRETCH] = {
                "statutory lunch: a break after 6h of work",
                "法律で定められた昼休憩（6時間続けて働いた後）" },
        [REASON_STATUTORY_STRETCH_SOURCE] = {
                "statutory pause: a break after 1h of work (MHLW information-device work guideline (2019, rev. 2021))",
                "法律で定められた作業休止（1時間続けて働いた後、MHLW information-device work guideline (2019, rev. "
                "2021)）" },
        [REASON_PLANNED] = {
                "planned in the roster",
                "シフト表で予定された休憩" },
};

/* What the planner's writer of shape writes with the sample's fields. */
static char *write_sample(ReasonShape shape) {
        char *s = NULL, *counts = NULL;

        switch (shape) {
        case REASON_ALSO_RECOVERY:
                assert_int_equal(reason_write_statutory(&s, NULL, "45min", "6h", "jp"), 0);
                assert_int_equal(reason_append_recovery(&s, "after an abusive call (verbal_abuse)"), 0);
                break;
        case REASON_LONG_CALL:
                assert_int_equal(reason_write_long_call(&s, 72, "prolonged_call"), 0);
                break;
        case REASON_INCIDENT:
                assert_int_equal(reason_write_incident(&s, "a threatening call", "threat"), 0);
                break;
        case REASON_POINTS:
                assert_int_equal(reason_counts_append(&counts, 2, "unreasonable_demand"), 0);
                assert_int_equal(reason_counts_append(&counts, 1, "other"), 0);
                assert_int_equal(reason_write_points(&s, counts, 40, 10), 0);
                break;
        case REASON_POINTS_AT_ONCE:
                assert_int_equal(reason_counts_append(&counts, 2, "repeat_caller"), 0);
                assert_int_equal(reason_write_points(&s, counts, 0, 6), 0);
                break;
        case REASON_INTERRUPTED:
                assert_int_equal(reason_counts_append(&counts, 2, "repeat_caller"), 0);
                assert_int_equal(reason_write_points(&s, counts, 43, 8), 0);
                assert_int_equal(reason_write_interrupted(&s, s), 0);
                break;
        case REASON_STATUTORY_TOTAL:
                assert_int_equal(reason_write_statutory(&s, "meal", "30min", "5h", ""), 0);
                break;
        case REASON_STATUTORY_TOTAL_SOURCE:
                assert_int_equal(reason_write_statutory(&s, NULL, "45min", "3h 29min",
                                                        "Labour Standards Act art. 34(1); Enforcement Rule art. 31"),
                                 0);
                break;
        case REASON_STATUTORY_STRETCH:
                assert_int_equal(reason_write_statutory(&s, "lunch", NULL, "6h", NULL), 0);
                break;
        case REASON_STATUTORY_STRETCH_SOURCE:
                assert_int_equal(reason_write_statutory(&s, "pause", NULL, "1h",
                                                        "MHLW information-device work guideline (2019, rev. 2021)"),
                                 0);
                break;
        case REASON_PLANNED:
                assert_int_equal(reason_write_planned(&s), 0);
                break;
        case _REASON_SHAPE_MAX:
        case _REASON_SHAPE_INVALID:
                fail();
        }
        free(counts);
        return s;
}

static void test_every_shape(void **state) {
        char *saved = NULL;

        for (ReasonShape shape = 0; shape < _REASON_SHAPE_MAX; shape++) {
                _cleanup_(reason_parsed_done) ReasonParsed p = {};
                _cleanup_free_ char *written = write_sample(shape), *ja = NULL, *en = NULL;

                print_message("shape %d: %s\n", shape, written);
                assert_non_null(samples[shape].english);
                assert_non_null(samples[shape].ja);
                /* The English as the planner always wrote it. */
                assert_string_equal(written, samples[shape].english);
                assert_int_equal(reason_parse(written, &p), 0);
                assert_int_equal(p.shape, shape);

                assert_int_equal(i18n_language_push("ja", &saved), 0);
                ja = reason_translate(written);
                i18n_language_pop(saved);
                assert_non_null(ja);
                assert_string_equal(ja, samples[shape].ja);

                /* An English reader reads the planner's own. */
                assert_int_equal(i18n_language_push("en", &saved), 0);
                en = reason_translate(written);
                i18n_language_pop(saved);
                assert_null(en);
        }
}

static void test_parse_fields(void **state) {
        _cleanup_(reason_parsed_done) ReasonParsed p = {};

        /* A site's label with parentheses of its own. */
        assert_int_equal(reason_parse("after a call (very loud) (loud_call)", &p), 0);
        assert_int_equal(p.shape, REASON_INCIDENT);
        assert_int_equal(p.n_fields, 2);
        assert_string_equal(p.fields[0], "a call (very loud)");
        assert_string_equal(p.fields[1], "loud_call");
        reason_parsed_done(&p);

        assert_int_equal(reason_parse(samples[REASON_ALSO_RECOVERY].english, &p), 0);
        assert_int_equal(p.shape, REASON_ALSO_RECOVERY);
        assert_string_equal(p.fields[0], "statutory break: 45min for more than 6h of work (jp)");
        assert_string_equal(p.fields[1], "after an abusive call (verbal_abuse)");
        reason_parsed_done(&p);

        /* A merge of an interrupted recovery into a planned break. */
        assert_int_equal(reason_parse("planned in the roster; also recovery rest of the recovery interrupted by a call "
                                      "(after a threatening call (threat))", &p), 0);
        assert_int_equal(p.shape, REASON_ALSO_RECOVERY);
        reason_parsed_done(&p);

        /* Not the planner's. */
        assert_int_equal(reason_parse("planned", &p), -EBADMSG);
        assert_int_equal(reason_parse("", &p), -EBADMSG);
        assert_int_equal(reason_parse("after a shouting match", &p), -EBADMSG);
        assert_int_equal(reason_parse("after 2 threat incidents in x min (8 points)", &p), -EBADMSG);
        assert_int_equal(reason_parse("statutory break: 45min for more than 6h of work; also recovery planned in "
                                      "the roster", &p), -EBADMSG);
}

/* Reasons built to make a reader backtrack (many "; also recovery ", " (",
 * ";"), 8 KiB each, are read at once (each took minutes before the
 * literals after a field were matched whole), and longer ones are not
 * the planner's. */
static void test_parse_hostile(void **state) {
        static const char * const pieces[] = {
                "; also recovery rest of the recovery interrupted by a call (after x (y",
                "a (b) ",
                ";",
                "; also recovery planned in the roster",
        };
        const size_t rest = strlen("after  (threat)");
        _cleanup_free_ char *label = malloc(REASON_LENGTH_MAX + 2), *reason = NULL;
        _cleanup_(reason_parsed_done) ReasonParsed q = {};
        usec_t begin = now_usec(CLOCK_MONOTONIC);

        for (size_t i = 0; i < ELEMENTSOF(pieces); i++) {
                _cleanup_(reason_parsed_done) ReasonParsed p = {};
                _cleanup_free_ char *s = malloc(REASON_LENGTH_MAX + 2);
                size_t n;

                assert_non_null(s);
                strcpy(s, i == 1 ? "after " : "statutory a: 1h for more than 1h of work (");
                n = strlen(s);
                while (n + strlen(pieces[i]) + 1 <= REASON_LENGTH_MAX) {
                        strcpy(s + n, pieces[i]);
                        n += strlen(pieces[i]);
                }
                strcpy(s + n, ")");
                (void) reason_parse(s, &p);
                reason_parsed_done(&p);
        }

        /* A site's label of 8 KiB less the rest: the planner's; one byte more: not. */
        assert_non_null(label);
        memset(label, 'a', REASON_LENGTH_MAX - rest);
        label[REASON_LENGTH_MAX - rest] = '\0';
        assert_int_equal(reason_write_incident(&reason, label, "threat"), 0);
        assert_int_equal(strlen(reason), REASON_LENGTH_MAX);
        assert_int_equal(reason_parse(reason, &q), 0);
        assert_int_equal(q.shape, REASON_INCIDENT);
        reason_parsed_done(&q);
        strcat(label, "a");
        assert_int_equal(reason_write_incident(&reason, label, "threat"), 0);
        assert_int_equal(reason_parse(reason, &q), -EBADMSG);
        print_message("hostile reasons read in %llu ms\n",
                      (unsigned long long) ((now_usec(CLOCK_MONOTONIC) - begin) / 1000));
}

static const char *lookup_category(const char *category, void *userdata) {
        return streq(category, "shouting") ? "怒鳴られた電話" : NULL;
}

static const char *lookup_source(const char *source, void *userdata) {
        return streq(source, "Labour Standards Act art. 34(1)") ? "労働基準法第34条第1項" : NULL;
}

/* reason_translate_parsed() of reason as written, with lookup. */
static char *translate_with(const char *reason, const ReasonLookup *lookup) {
        _cleanup_(reason_parsed_done) ReasonParsed p = {};

        return reason_parse(reason, &p) < 0 ? NULL : reason_translate_parsed(&p, lookup);
}

static void test_translate_lookup(void **state) {
        const ReasonLookup lookup = { .category = lookup_category, .source = lookup_source };
        char *saved = NULL, *s;

        assert_int_equal(i18n_language_push("ja", &saved), 0);
        /* A site's category: its label as written without a policy, its label_ja with one. */
        s = reason_translate("after a shouting match (shouting)");
        assert_string_equal(s, "a shouting matchの後");
        free(s);
        s = translate_with("after a shouting match (shouting)", &lookup);
        assert_string_equal(s, "怒鳴られた電話の後");
        free(s);
        s = translate_with("after 1 shouting, 1 threat incidents in 5 min (9 points)", &lookup);
        assert_string_equal(s, "相次いだ対応の難しい電話の後（5分の間に怒鳴られた電話1件、脅迫的な電話1件）");
        free(s);
        s = translate_with("statutory break: 45min for more than 6h of work (Labour Standards Act art. 34(1))",
                                  &lookup);
        assert_string_equal(s, "法律で定められた休憩（6時間を超える労働に45分、労働基準法第34条第1項）");
        free(s);
        /* A site's own rule, a length in other units: as written. */
        s = reason_translate("statutory siesta: 90s for more than 1d of work");
        assert_string_equal(s, "法律で定められたsiesta（1dを超える労働に90s）");
        free(s);
        assert_null(reason_translate("planned"));
        assert_null(reason_translate("after a shouting match"));
        i18n_language_pop(saved);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_shape),
                cmocka_unit_test(test_parse_fields),
                cmocka_unit_test(test_parse_hostile),
                cmocka_unit_test(test_translate_lookup),
        };

        return cmocka_run_group_tests(tests, use_build_catalogues, NULL);
}
