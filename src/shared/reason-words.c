/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/i18n.h"
#include "shared/reason.h"
#include "shared/time-util.h"
#include "shared/reason-words.h"

/* The categories of the shipped policy and their labels there
 * (conf/respite.conf), which po/ translates. */
static const I18nWords reason_words_table[] = {
        { "threat",              N_("a threatening call")             },
        { "sexual_harassment",   N_("sexual harassment")              },
        { "verbal_abuse",        N_("an abusive call")                },
        { "unreasonable_demand", N_("unreasonable demands")           },
        { "prolonged_call",      N_("a very long call")               },
        { "repeat_caller",       N_("a caller who kept calling back") },
        { "other",               N_("a difficult call")               },
};

const char *reason_category_words(const char *category) {
        const char *words = I18N_WORDS_FIND(reason_words_table, category);

        return words ? _(words) : NULL;
}

/* The kinds of break (plan.h's break_kind_to_string()) as a table's KIND
 * column shows them. */
static const I18nWords reason_kind_table[] = {
        /* TRANSLATORS: a break's kind in respitectl's tables (plan, schedule): one word or term. */
        { "statutory", N_("statutory") },
        /* TRANSLATORS: a break's kind in respitectl's tables (plan, schedule): one word or term. */
        { "recovery",  N_("recovery")  },
        /* TRANSLATORS: a break's kind in respitectl's tables (plan, schedule): one the roster planned. */
        { "planned",   N_("planned")   },
};

const char *reason_kind_words(const char *kind) {
        const char *words = I18N_WORDS_FIND(reason_kind_table, kind);

        return words ? _(words) : kind;
}

/* The statutory rules of the shipped presets (conf/presets/: name = "meal"
 * in a rule; "break" for the unnamed one) and the example's "lunch". */
static const I18nWords reason_rule_table[] = {
        /* TRANSLATORS: a statutory rule's name in a break's reason: "Statutory break: …". */
        { "break",       N_("break")                    },
        /* TRANSLATORS: a statutory rule's name in a break's reason: "Statutory meal break: …". */
        { "meal",        N_("meal break")               },
        /* TRANSLATORS: a statutory rule's name (us-ca) in a break's reason: the second meal of a long day. */
        { "second_meal", N_("second meal break")        },
        /* TRANSLATORS: a statutory rule's name in a break's reason: a short paid rest (10 min). */
        { "rest",        N_("rest break")               },
        /* TRANSLATORS: a statutory rule's name in a break's reason: a pause from screen work
         * (Japan's VDT guideline: 作業休止; the UK's DSE Regulations). */
        { "pause",       N_("pause from screen work")   },
        /* TRANSLATORS: a statutory rule's name in a break's reason. */
        { "lunch",       N_("lunch break")              },
};

static const char *reason_rule_words(const char *rule) {
        const char *words = I18N_WORDS_FIND(reason_rule_table, rule);

        return words ? _(words) : rule;
}

/* The sources of the shipped presets (conf/presets/NAME.conf: source, each
 * with its source_ja; po/ translates them the same, which
 * test-planner-statutory checks): a reader without the policy names the law
 * in its own words too. */
static const char * const reason_source_table[] = {
        /* TRANSLATORS: a law, as conf/presets/jp.conf names it (source, and source_ja in Japanese). */
        N_("Labour Standards Act art. 34(1); Enforcement Rule art. 31"),
        /* TRANSLATORS: a law and a guideline, as conf/presets/jp-vdt.conf names them (source, and source_ja). */
        N_("Labour Standards Act art. 34(1); MHLW information-device work guideline (2019, rev. 2021)"),
        /* TRANSLATORS: a law, as conf/presets/au-clerks.conf names it (source, and source_ja in Japanese). */
        N_("Clerks - Private Sector Award 2020 cl. 16"),
        /* TRANSLATORS: a law, as conf/presets/de.conf names it (source, and source_ja in Japanese). */
        N_("Arbeitszeitgesetz §4"),
        /* TRANSLATORS: a law, as conf/presets/eu.conf names it (source, and source_ja in Japanese). */
        N_("Directive 2003/88/EC art. 4"),
        /* TRANSLATORS: a law, as conf/presets/kr.conf names it (source, and source_ja in Japanese). */
        N_("Korean Labour Standards Act art. 54(1)"),
        /* TRANSLATORS: a law, as conf/presets/uk.conf names it (source, and source_ja in Japanese). */
        N_("Working Time Regulations 1998 reg 12"),
        /* TRANSLATORS: a law, as conf/presets/uk-callcentre.conf names it (source, and source_ja in Japanese). */
        N_("Working Time Regulations 1998 reg 12; DSE Regulations 1992 reg 4 with HSE guidance L26"),
        /* TRANSLATORS: a law, as conf/presets/us-ca.conf names it (source, and source_ja in Japanese). */
        N_("California Labor Code §512; IWC wage orders §12"),
};

/* The law a statutory reason names in the reader's words: lookup's, else
 * the shipped presets', else as written. */
static const char *reason_source_words(const char *source, const ReasonLookup *lookup) {
        const char *words = lookup && lookup->source ? lookup->source(source, lookup->userdata) : NULL;

        if (words)
                return words;
        for (size_t k = 0; k < ELEMENTSOF(reason_source_table); k++)
                if (streq(source, reason_source_table[k]))
                        return _(reason_source_table[k]);
        return source;
}

/* A length of minutes in the reader's words: "1h 5min", "1時間5分". Returns buf. */
static const char *reason_minutes_words(unsigned long long minutes, char buf[static DURATION_MAX]) {
        return duration_format_words(MIN(minutes, (unsigned long long) (USEC_INFINITY / USEC_PER_MINUTE - 1)) *
                                     USEC_PER_MINUTE, buf);
}

/* A length of whole minutes under a day as duration_format() writes it
 * ("6h", "3h 29min", "45min") in the reader's words, or as written. */
static const char *reason_length_words(const char *length, char buf[static DURATION_MAX]) {
        usec_t d;

        if (duration_parse(length, &d) < 0 || d % USEC_PER_MINUTE != 0 || d >= USEC_PER_DAY)
                return length;
        return duration_format_words(d, buf);
}

/* A category in the reader's words: the site's (lookup), else the shipped
 * policy's (reason_category_words()), else NULL. */
static const char *reason_category_lookup(const char *category, const ReasonLookup *lookup) {
        const char *words = lookup && lookup->category ? lookup->category(category, lookup->userdata) : NULL;

        return words ?: reason_category_words(category);
}

/* "2 repeat_caller, 1 other" (reason.c checked it) in the reader's words:
 * "繰り返しの入電2件、対応の難しい電話1件". */
static char *reason_counts_words(const char *counts, const ReasonLookup *lookup) {
        _cleanup_free_ char *s = NULL;

        for (const char *p = counts; *p;) {
                char *end, *item = NULL, *t = NULL;
                unsigned long n = strtoul(p, &end, 10);
                size_t len = strcspn(end + 1, ",");
                _cleanup_free_ char *category = strndup(end + 1, len);
                const char *words;

                if (!category)
                        return NULL;
                words = reason_category_lookup(category, lookup) ?: category;
                /* TRANSLATORS: a count of incidents of one category, in a break's reason:
                 * "2 × a caller who kept calling back"; %1$u the count, %2$s the category. */
                if (asprintf(&item, _("%u × %s"), (unsigned) MIN(n, UINT_MAX), words) < 0)
                        return NULL;
                /* TRANSLATORS: between the items of a list ("A, B"). */
                if (asprintf(&t, "%s%s%s", s ?: "", s ? _(", ") : "", item) < 0) {
                        free(item);
                        return NULL;
                }
                free(item);
                free(s);
                s = t;
                p = end + 1 + len;
                p += strspn(p, ", ");
        }
        return TAKE_PTR(s);
}

static char *reason_words(const char *reason, const ReasonLookup *lookup);

/* The parsed reason p in the reader's words, or NULL on OOM. */
static char *reason_parsed_words(const ReasonParsed *p, const ReasonLookup *lookup) {
        char a[DURATION_MAX], b[DURATION_MAX];
        _cleanup_free_ char *inner = NULL, *base = NULL;
        const char *words;
        char *s = NULL;
        int r = -1;

        switch (p->shape) {
        case REASON_ALSO_RECOVERY:
                base = reason_words(p->fields[0], lookup);
                inner = reason_words(p->fields[1], lookup);
                if (base && inner)
                        /* TRANSLATORS: a statutory or planned break a recovery break merged into:
                         * "A break the law requires; also a recovery break: after a threatening call". */
                        r = asprintf(&s, _("%s; also a recovery break: %s"), base, inner);
                break;
        case REASON_LONG_CALL:
                /* TRANSLATORS: a recovery break's reason; %s is the call's length ("52min"). */
                r = asprintf(&s, _("After a call of %s"),
                             reason_minutes_words(strtoull(p->fields[0], NULL, 10), a));
                break;
        case REASON_INCIDENT:
                words = reason_category_lookup(p->fields[1], lookup) ?: p->fields[0];
                /* TRANSLATORS: a recovery break's reason; %s is what happened ("a threatening call"). */
                r = asprintf(&s, _("After %s"), words);
                break;
        case REASON_POINTS:
                inner = reason_counts_words(p->fields[0], lookup);
                if (inner)
                        /* TRANSLATORS: a recovery break's reason: incidents whose points added up;
                         * %1$s the counts ("2 × an abusive call, 1 × a difficult call"), %2$s the
                         * time from the first to the last ("43min"). */
                        r = asprintf(&s, _("After several difficult calls (%s in %s)"), inner,
                                     reason_minutes_words(strtoull(p->fields[1], NULL, 10), a));
                break;
        case REASON_POINTS_AT_ONCE:
                inner = reason_counts_words(p->fields[0], lookup);
                if (inner)
                        /* TRANSLATORS: a recovery break's reason: incidents in the same minute whose points
                         * added up; %s the counts ("2 × an abusive call"). */
                        r = asprintf(&s, _("After several difficult calls at once (%s)"), inner);
                break;
        case REASON_INTERRUPTED:
                inner = reason_words(p->fields[0], lookup);
                if (inner)
                        /* TRANSLATORS: the later part of a recovery break that a call split;
                         * %s is the recovery's reason ("After a threatening call"). */
                        r = asprintf(&s, _("The rest of a recovery break a call interrupted (%s)"), inner);
                break;
        case REASON_STATUTORY_TOTAL:
                /* TRANSLATORS: a statutory break's reason; %1$s the rule ("meal break"), %2$s the
                 * length the law asks ("45min"), %3$s the working time ("6h"). */
                r = asprintf(&s, _("Statutory %s: %s for more than %s of work"), reason_rule_words(p->fields[0]),
                             reason_length_words(p->fields[1], a), reason_length_words(p->fields[2], b));
                break;
        case REASON_STATUTORY_TOTAL_SOURCE:
                /* TRANSLATORS: a statutory break's reason; %1$s the rule ("meal break"), %2$s the
                 * length the law asks ("45min"), %3$s the working time ("6h"), %4$s the law. */
                r = asprintf(&s, _("Statutory %s: %s for more than %s of work (%s)"), reason_rule_words(p->fields[0]),
                             reason_length_words(p->fields[1], a), reason_length_words(p->fields[2], b),
                             reason_source_words(p->fields[3], lookup));
                break;
        case REASON_STATUTORY_STRETCH:
                /* TRANSLATORS: a statutory break's reason; %1$s the rule ("pause from screen work"),
                 * %2$s the longest work the law allows without one ("1h"). */
                r = asprintf(&s, _("Statutory %s after %s of work"), reason_rule_words(p->fields[0]),
                             reason_length_words(p->fields[1], a));
                break;
        case REASON_STATUTORY_STRETCH_SOURCE:
                /* TRANSLATORS: a statutory break's reason; %1$s the rule ("pause from screen work"),
                 * %2$s the longest work the law allows without one ("1h"), %3$s the law. */
                r = asprintf(&s, _("Statutory %s after %s of work (%s)"), reason_rule_words(p->fields[0]),
                             reason_length_words(p->fields[1], a), reason_source_words(p->fields[2], lookup));
                break;
        case REASON_PLANNED:
                r = asprintf(&s, "%s", _("Planned in the roster"));
                break;
        case _REASON_SHAPE_MAX:
        case _REASON_SHAPE_INVALID:
                break;
        }
        return r < 0 ? NULL : s;
}

static char *reason_words(const char *reason, const ReasonLookup *lookup) {
        _cleanup_(reason_parsed_done) ReasonParsed p = {};

        if (reason_parse(reason, &p) < 0)
                return NULL;
        return reason_parsed_words(&p, lookup);
}

/* Whether the reader reads the planner's own English, with the site's
 * labels: no catalogue says "After %s" otherwise. */
static bool reason_reader_is_english(void) {
        return streq(_("After %s"), "After %s");
}

char *reason_translate_parsed(const ReasonParsed *p, const ReasonLookup *lookup) {
        if (reason_reader_is_english())
                return NULL;
        return reason_parsed_words(p, lookup);
}

char *reason_translate(const char *reason) {
        if (!reason || reason_reader_is_english())
                return NULL;
        return reason_words(reason, NULL);
}
