/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/policy-languages.h"
#include "shared/i18n.h"
#include "shared/log.h"

/* Country codes written for a language ("jp", the Japanese preset's name),
 * and the language meant: a sentence that says its tag. Not "uk", which is
 * Ukrainian's tag as well as the UK preset's name. */
static const struct {
        const char *slip, *hint;
} policy_language_slips[] = {
        { "jp", N_("Japanese is \"ja\".") },
        { "kr", N_("Korean is \"ko\".") },
        { "cn", N_("Chinese is \"zh\".") },
        { "gb", N_("English is \"en\".") },
        { "us", N_("English is \"en\".") },
};

/* The language language was likely meant to be, as a sentence, or NULL. */
static const char *policy_language_hint(const char *language) {
        size_t n = strcspn(language, "_");

        for (size_t i = 0; i < ELEMENTSOF(policy_language_slips); i++)
                if (strlen(policy_language_slips[i].slip) == n &&
                    strncmp(language, policy_language_slips[i].slip, n) == 0)
                        return _(policy_language_slips[i].hint);
        return NULL;
}

/* The catalogues installed, ", " between them, "none" when there is none,
 * into *ret. Returns 0 or -ENOMEM. */
static int policy_languages_installed(char **ret) {
        _cleanup_(strv_freep) char **l = NULL;
        _cleanup_free_ char *s = NULL;
        size_t size = 0;
        FILE *f;

        /* A directory that cannot be read holds none that respite can use. */
        if (i18n_languages_installed(&l) == -ENOMEM)
                return -ENOMEM;
        if (!l)
                /* TRANSLATORS: the list of languages installed when there is none:
                 * "(installed: none)". */
                return strdup_to(ret, _("none"));
        f = open_memstream(&s, &size);
        if (!f)
                return -ENOMEM;
        for (char **p = l; *p; p++)
                fprintf(f, "%s%s", p > l ? ", " : "", *p);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

/* Whether to warn of language: not installed, not in seen; then add it
 * to seen and put the languages installed in *ret_installed. Returns 1
 * (warn), 0 (not), or -ENOMEM. */
static int policy_language_unknown(char ***seen, const char *language, char **ret_installed) {
        if (!language || strv_contains(*seen, language) || i18n_language_installed(language))
                return 0;
        if (strv_extend(seen, language) < 0 || policy_languages_installed(ret_installed) < 0)
                return -ENOMEM;
        return 1;
}

/* Log message about language, with its hint when it has one. */
static void policy_language_warn(const char *language, const char *message) {
        const char *hint = policy_language_hint(language);

        if (hint)
                /* TRANSLATORS: two sentences, one after the other: a warning and a hint
                 * ("… will be in English." "Japanese is \"ja\".") */
                log_warning(C_("two sentences", "%s %s"), message, hint);
        else
                log_warning("%s", message);
}

/* Warn of each language of t's texts respite has no translation in, unless
 * in seen. Returns the number of warnings, or -ENOMEM. */
static int policy_translations_check(char ***seen, const Translations *t) {
        int n = 0;

        for (size_t i = 0; i < t->n; i++) {
                _cleanup_free_ char *installed = NULL, *message = NULL;
                int r = policy_language_unknown(seen, t->items[i].language, &installed);

                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                /* TRANSLATORS: the first %s is where, "respite.conf:12: categories[1].label_ko", the
                 * second a language, the third the languages installed ("ja"). */
                if (asprintf(&message, _("%s: respite has no translation in \"%s\" (installed: %s); a feed in "
                                         "that language takes this text but says the rest in English."),
                             t->items[i].at, t->items[i].language, installed) < 0) {
                        message = NULL;
                        return -ENOMEM;
                }
                policy_language_warn(t->items[i].language, message);
                n++;
        }
        return n;
}

int policy_languages_check(const Policy *p, bool texts) {
        _cleanup_(strv_freep) char **seen = NULL;
        _cleanup_free_ char *installed = NULL, *message = NULL;
        int n = 0, r;

        if (p->language_at) {
                n = policy_language_unknown(&seen, p->language, &installed);
                if (n < 0)
                        return n;
                /* TRANSLATORS: the first %s is where, "respite.conf:3: site.language", the second the
                 * language it gives ("jp"), the third the languages installed ("ja"). */
                if (n > 0 && asprintf(&message, _("%s \"%s\": respite has no translation in this language "
                                                  "(installed: %s); its feeds will be in English."),
                                      p->language_at, p->language, installed) < 0) {
                        message = NULL;
                        return -ENOMEM;
                }
                if (n > 0)
                        policy_language_warn(p->language, message);
        }
        if (!texts)
                return n;
        r = policy_translations_check(&seen, &p->statutory.sources);
        if (r < 0)
                return r;
        n += r;
        for (size_t i = 0; i < p->n_categories; i++) {
                r = policy_translations_check(&seen, &p->categories[i].labels);
                if (r < 0)
                        return r;
                n += r;
        }
        return n;
}

int policy_roster_languages_check(const Roster *r) {
        _cleanup_(strv_freep) char **seen = NULL;
        int n = 0;

        for (size_t i = 0; i < r->n_operators; i++) {
                const Operator *o = &r->operators[i];
                _cleanup_free_ char *installed = NULL, *message = NULL;
                int k = policy_language_unknown(&seen, o->language, &installed);

                if (k < 0)
                        return k;
                if (k == 0)
                        continue;
                /* TRANSLATORS: the first %s is a roster's file and line ("roster.csv:12"), the second a
                 * language of its language column ("jp"), the third the languages installed ("ja"). */
                if (asprintf(&message, _("%s: language '%s': respite has no translation in this language "
                                         "(installed: %s); the feeds of the operators given it will be in "
                                         "English."),
                             o->language_source ?: "-", o->language, installed) < 0) {
                        message = NULL;
                        return -ENOMEM;
                }
                policy_language_warn(o->language, message);
                n++;
        }
        return n;
}
