/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "shared/i18n.h"
#include "shared/reason-words.h"

/* The categories of the shipped policy and their labels there
 * (conf/respite.conf), which po/ translates. */
static const struct {
        const char *category, *words;
} reason_words_table[] = {
        { "threat",              N_("a threatening call")             },
        { "sexual_harassment",   N_("sexual harassment")              },
        { "verbal_abuse",        N_("an abusive call")                },
        { "unreasonable_demand", N_("unreasonable demands")           },
        { "prolonged_call",      N_("a very long call")               },
        { "repeat_caller",       N_("a caller who kept calling back") },
        { "other",               N_("a difficult call")               },
};

const char *reason_category_words(const char *category) {
        for (size_t k = 0; k < ELEMENTSOF(reason_words_table); k++)
                if (streq(category, reason_words_table[k].category))
                        return _(reason_words_table[k].words);
        return NULL;
}

/* The kinds of break (plan.h's break_kind_to_string()) as a table's KIND
 * column shows them. */
static const struct {
        const char *kind, *words;
} reason_kind_table[] = {
        /* TRANSLATORS: a break's kind in respitectl's tables (plan, schedule): one word or term. */
        { "statutory", N_("statutory") },
        /* TRANSLATORS: a break's kind in respitectl's tables (plan, schedule): one word or term. */
        { "recovery",  N_("recovery")  },
        /* TRANSLATORS: a break's kind in respitectl's tables (plan, schedule): one the roster planned. */
        { "planned",   N_("planned")   },
};

const char *reason_kind_words(const char *kind) {
        for (size_t k = 0; k < ELEMENTSOF(reason_kind_table); k++)
                if (streq_ptr(kind, reason_kind_table[k].kind))
                        return _(reason_kind_table[k].words);
        return kind;
}

/* What a recovery reason of the planner says happened, in the reader's
 * words: "after a threatening call (threat)" (one incident of a category of
 * the shipped policy, also a long call: "(prolonged_call)") gives
 * "脅迫的な電話"; points that added up ("after 2 other, 1 threat incidents
 * in 40 min (10 points)") "相次いだ対応の難しい電話"; NULL otherwise. */
static const char *reason_recovery_words(const char *reason) {
        const char *open = strrchr(reason, '(');
        _cleanup_free_ char *category = NULL;
        size_t n;

        if (strncmp(reason, "after ", strlen("after ")) != 0 || !open || open == reason || open[-1] != ' ')
                return NULL;
        n = strlen(open + 1);
        if (n < 2 || open[n] != ')')
                return NULL;
        if (strstr(reason, " incidents ") && n > strlen(" points)") &&
            streq(open + n - strlen(" points)") + 1, " points)"))
                return _("several difficult calls");
        category = strndup(open + 1, n - 1);
        return category ? reason_category_words(category) : NULL;
}

char *reason_translate(const char *reason) {
        const char *also = strstr(reason, "; also recovery "), *base = NULL, *words;
        char *s = NULL;

        if (streq(_("After %s"), "After %s"))
                return NULL;
        if (strncmp(reason, "statutory ", strlen("statutory ")) == 0)
                base = _("A break the law requires");
        else if (streq(reason, "planned in the roster") || (also && also == reason + strlen("planned in the roster") &&
                                                             strncmp(reason, "planned in the roster", also - reason) == 0))
                base = _("Planned in the roster");
        words = reason_recovery_words(base ? (also ? also + strlen("; also recovery ") : "") : reason);
        if (base && also && words)
                /* TRANSLATORS: "A break the law requires; also a recovery break after a threatening call". */
                return asprintf(&s, _("%s; also a recovery break after %s"), base, words) < 0 ? NULL : s;
        if (base && !also)
                return strdup(base);
        if (!base && words)
                return asprintf(&s, _("After %s"), words) < 0 ? NULL : s;
        return NULL;
}
