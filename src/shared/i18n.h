/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Translations with gettext (libintl, in glibc): every string a person
 * reads is marked _("…") (translated where it is used), N_("…") (marked
 * only, translated later with _()) or P_("one", "many", n) (ngettext:
 * plural forms as the language has them), or C_("context", "…")
 * (pgettext: for a msgid the same in English as another's but not in
 * every language). The catalogues are
 * LOCALEDIR/<lang>/LC_MESSAGES/respite.mo (po/, `make update-po`);
 * $RESPITE_LOCALEDIR names another directory (the build tree's
 * build/locale, for the tests and `make run`). Translations are always
 * UTF-8: D-Bus, iCalendar and the terminal all take UTF-8. */

#include <libintl.h>

#include "shared/util.h"

#define I18N_DOMAIN "respite"

#define _(s) dgettext(I18N_DOMAIN, s)
#define N_(s) (s)
#define P_(one, many, n) dngettext(I18N_DOMAIN, one, many, n)
#define C_(context, s) i18n_pgettext(context "\004" s, s)

/* The translation of key, a context and a msgid joined by EOT as a .mo
 * holds them (gettext's msgctxt), or s, the msgid, when there is none. */
const char *i18n_pgettext(const char *key, const char *s) __attribute__((format_arg(2)));

/* A value and its words for people, marked N_() ({ "on_call", N_("on_call") }). */
typedef struct I18nWords {
        const char *value, *words;
} I18nWords;

/* The words of value in table (n entries), untranslated (translate them
 * with _()), or NULL when value is not there (or NULL). */
const char *i18n_words_find(const I18nWords *table, size_t n, const char *value);
#define I18N_WORDS_FIND(table, value) i18n_words_find((table), ELEMENTSOF(table), (value))

/* respitectl and respite-notify speak their user's language: follow the
 * user's locale for messages (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as
 * every gettext program does) and, with ctype, for characters
 * (respitectl's display widths; glibc's own translations, strerror(), are
 * written as "???" in the C locale's ASCII). Never LC_NUMERIC or LC_TIME: what respite
 * parses and writes keeps the C locale's numbers and times. When the
 * locale the environment names is not installed (Debian ships only C.UTF-8)
 * or is C, LC_MESSAGES becomes C.UTF-8, which glibc always has, so that
 * LANGUAGE=ja takes effect; a language named only by LC_ALL, LC_MESSAGES or
 * LANG ("ja_JP.UTF-8", not installed) then becomes LANGUAGE. Call once,
 * first thing in main(). respited does only for --check-config, which an
 * administrator reads at a terminal: its log stays English (its
 * strerror() too) but for the lines of lead alerts, in the site's
 * language, and its feeds speak each its operator's language (both with
 * i18n_language_push()). */
void i18n_setup(bool ctype);

/* The language the environment asks for messages: "ja" of LANGUAGE=ja:en,
 * LC_ALL, LC_MESSAGES or LANG=ja_JP.UTF-8 (the first set, in that order),
 * "en" when none names one (unset, "C", "POSIX", "C.UTF-8"). Returns 0
 * and a malloc'ed string in *ret, or -ENOMEM. */
int i18n_language_from_environment(char **ret);

/* Whether language is a language tag respite can look a catalogue up by:
 * 2 or 3 lowercase letters, then optionally "_" and 2 uppercase letters
 * ("ja", "pt_BR"). */
bool i18n_language_is_valid(const char *language) _pure_;

/* Whether respite speaks language: "en" (and "en_GB", …), "C" and
 * "POSIX" are its own words; any other needs its catalogue,
 * LOCALEDIR/<language>/LC_MESSAGES/respite.mo (or $RESPITE_LOCALEDIR's, as
 * the translations are looked up), or the catalogue of its language
 * without the country ("pt" for "pt_BR"), as gettext falls back. NULL:
 * true (the untranslated strings). */
bool i18n_language_installed(const char *language);

/* The languages of the catalogues installed (the directories of LOCALEDIR
 * or $RESPITE_LOCALEDIR holding LC_MESSAGES/respite.mo), sorted: { "ja" }.
 * Returns 0 and a strv in *ret (NULL when there is none), or a negative
 * errno (-ENOMEM, the directory unreadable). */
int i18n_languages_installed(char ***ret);

/* Translate with language instead of the user's until i18n_language_pop():
 * respited builds feeds for operators of many languages in one process.
 * Binds the catalogues on first use and, when the messages locale is C
 * (which makes gettext ignore LANGUAGE), sets it to C.UTF-8. Sets LANGUAGE
 * and tells gettext its cache is stale, as the gettext
 * manual ("Changing the language at runtime") says; not thread-safe
 * (respited is single-threaded). NULL or "en" gives the untranslated
 * (English) strings. Returns the previous LANGUAGE in *ret_saved (NULL
 * when unset) for i18n_language_pop(); 0, or -ENOMEM. */
int i18n_language_push(const char *language, char **ret_saved);
/* Restore the LANGUAGE that i18n_language_push() saved, and free saved. */
void i18n_language_pop(char *saved);
