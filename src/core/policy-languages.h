/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The languages a policy and a roster name, against the catalogues
 * installed (i18n_language_installed()): a language respite has no
 * translation in gives feeds in English, which its reader should be told
 * (respite.conf(5) LANGUAGES). */

#include "core/policy.h"
#include "core/roster.h"

/* Warn of each language p names that respite has no translation in
 * (i18n_language_installed()): site.language, whose feeds would be in
 * English; with texts, also each other language of a label_<language> or
 * source_<language> (once a language, at its first). In the reader's
 * language: "respite.conf:3: site.language "jp": respite has no translation
 * in this language (installed: ja); its feeds will be in English. Japanese
 * is "ja"." Returns the number of warnings logged, or -ENOMEM. */
int policy_languages_check(const Policy *p, bool texts);

/* The same for the roster's language column: each language the operators
 * of r are given that respite has no translation in, once, at the row that
 * gave it to its first operator (by id). Returns the number of
 * warnings logged, or -ENOMEM. */
int policy_roster_languages_check(const Roster *r);
