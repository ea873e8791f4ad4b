/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <locale.h>
#include <langinfo.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/i18n.h"

/* gettext's cache of translations: bumped when LANGUAGE changes (the
 * gettext manual, "Changing the language at runtime"; exported by glibc). */
extern int _nl_msg_cat_cntr;

static bool i18n_is_c(const char *name) {
        return !name || streq(name, "C") || streq(name, "POSIX");
}

/* Where the catalogues are: $RESPITE_LOCALEDIR, else LOCALEDIR. */
static const char *i18n_localedir(void) {
        const char *dir = getenv("RESPITE_LOCALEDIR");

        return !isempty(dir) ? dir : LOCALEDIR;
}

/* The catalogues' directory and codeset, once; and a messages locale in
 * which gettext reads LANGUAGE (it ignores it in "C"). */
static void i18n_bind(void) {
        static bool bound = false;

        if (bound)
                return;
        bound = true;
        (void) bindtextdomain(I18N_DOMAIN, i18n_localedir());
        (void) bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
        if (i18n_is_c(setlocale(LC_MESSAGES, NULL)))
                (void) setlocale(LC_MESSAGES, "C.UTF-8");
}

/* The value of the first of LC_ALL, LC_MESSAGES, LANG that is set and not
 * empty, as setlocale(3) picks it; NULL when none is. */
static const char *i18n_messages_variable(void) {
        static const char * const variables[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

        for (size_t i = 0; i < ELEMENTSOF(variables); i++) {
                const char *value = getenv(variables[i]);

                if (!isempty(value))
                        return value;
        }
        return NULL;
}

int i18n_language_from_environment(char **ret) {
        const char *language = getenv("LANGUAGE"), *locale = i18n_messages_variable();
        const char *from = !isempty(language) ? language : locale;
        size_t n = from ? strcspn(from, ":.@") : 0;
        char *s;

        if (n == 0 || (n == 1 && from[0] == 'C') || (n == 5 && strncmp(from, "POSIX", 5) == 0))
                s = strdup("en");
        else
                s = strndup(from, n);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

bool i18n_language_is_valid(const char *language) {
        size_t n = language ? strspn(language, "abcdefghijklmnopqrstuvwxyz") : 0;

        if (n < 2 || n > 3)
                return false;
        if (language[n] == '\0')
                return true;
        return language[n] == '_' && strspn(language + n + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 2 &&
               language[n + 3] == '\0';
}

/* Whether dir holds a catalogue of the first n bytes of language. */
static bool i18n_catalogue_exists(const char *dir, const char *language, size_t n) {
        char path[PATH_MAX];
        int k = snprintf(path, sizeof path, "%s/%.*s/LC_MESSAGES/" I18N_DOMAIN ".mo", dir, (int) n, language);

        return k > 0 && (size_t) k < sizeof path && access(path, R_OK) >= 0;
}

bool i18n_language_installed(const char *language) {
        const char *dir = i18n_localedir();
        size_t n;

        if (!language || streq(language, "C") || streq(language, "POSIX"))
                return true;
        n = strcspn(language, "_");
        if (n == 2 && strncmp(language, "en", 2) == 0)
                return true;
        /* As gettext looks: "pt_BR", then "pt". */
        return i18n_catalogue_exists(dir, language, strlen(language)) ||
               (language[n] != '\0' && i18n_catalogue_exists(dir, language, n));
}

int i18n_languages_installed(char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;
        const char *dir = i18n_localedir();
        DIR *d = opendir(dir);
        struct dirent *de;

        if (!d) {
                if (errno != ENOENT && errno != ENOTDIR)
                        return -errno;
        } else {
                while ((de = readdir(d)))
                        if (de->d_name[0] != '.' && i18n_language_is_valid(de->d_name) &&
                            i18n_catalogue_exists(dir, de->d_name, strlen(de->d_name)) &&
                            strv_extend(&l, de->d_name) < 0) {
                                closedir(d);
                                return -ENOMEM;
                        }
                closedir(d);
        }
        if (l)
                qsort(l, strv_length(l), sizeof(char *), strptr_compare);
        *ret = TAKE_PTR(l);
        return 0;
}

void i18n_setup(bool ctype) {
        const char *locale = i18n_messages_variable();
        bool missing = setlocale(LC_MESSAGES, "") == NULL;

        if (ctype && (!setlocale(LC_CTYPE, "") || !streq(nl_langinfo(CODESET), "UTF-8")))
                (void) setlocale(LC_CTYPE, "C.UTF-8");
        i18n_bind();
        /* ja_JP.UTF-8 named but not installed: its language all the same. */
        if (missing && locale && isempty(getenv("LANGUAGE"))) {
                _cleanup_free_ char *language = NULL;

                if (i18n_language_from_environment(&language) >= 0 && !streq(language, "en"))
                        (void) setenv("LANGUAGE", language, 1);
        }
}

int i18n_language_push(const char *language, char **ret_saved) {
        const char *old = getenv("LANGUAGE");
        char *saved = NULL;

        i18n_bind();
        if (old && !(saved = strdup(old)))
                return -ENOMEM;
        if (setenv("LANGUAGE", language ?: "en", 1) < 0) {
                free(saved);
                return -errno;
        }
        ++_nl_msg_cat_cntr;
        *ret_saved = saved;
        return 0;
}

void i18n_language_pop(char *saved) {
        if (saved)
                (void) setenv("LANGUAGE", saved, 1);
        else
                (void) unsetenv("LANGUAGE");
        ++_nl_msg_cat_cntr;
        free(saved);
}

const char *i18n_pgettext(const char *key, const char *s) {
        const char *t = dgettext(I18N_DOMAIN, key);

        return t == key ? s : t;
}

const char *i18n_words_find(const I18nWords *table, size_t n, const char *value) {
        for (size_t i = 0; value && i < n; i++)
                if (streq(value, table[i].value))
                        return table[i].words;
        return NULL;
}
