/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The planner's reasons (plan.h, Break.reason: English, with the site's
 * labels; their shapes in reason.h) and the shipped categories, in the
 * reader's language (i18n.h): for respite-notify and respitectl, which have
 * no policy at hand, and the feeds, which have. */

#include "shared/reason.h"

/* A category of the shipped policy (conf/respite.conf) in the reader's
 * words: "a threatening call", "脅迫的な電話"; NULL for another category. */
const char *reason_category_words(const char *category);

/* A break's kind ("statutory", "recovery", "planned") in the reader's
 * words: "法定休憩"; kind itself for another (or NULL). */
const char *reason_kind_words(const char *kind);

/* What a reader with a policy knows better than the shipped words: the
 * site's label of a category in the reader's language (category_label()),
 * the law's name (statutory.source_<language>). Either may be NULL, and
 * either returns NULL where it knows nothing. */
typedef struct ReasonLookup {
        const char *(*category)(const char *category, void *userdata);
        const char *(*source)(const char *source, void *userdata);
        void *userdata;
} ReasonLookup;

/* A reason taken apart (reason_parse(): any shape the planner writes)
 * said again in the reader's language, when it is not English: "after a threatening call
 * (threat)" → "脅迫的な電話の後", "rest of the recovery interrupted by a call
 * (after 2 repeat_caller incidents in 43 min (8 points))" →
 * "通話で中断された回復休憩の残り（相次いだ対応の難しい電話の後（43分の間に繰り返しの入電2件））".
 * The categories in the words of lookup, else of the shipped policy, else
 * the site's label as written; statutory rules by the shipped presets'
 * names, else as written; lengths in the reader's units; the law's name
 * by lookup, else as written. Returns a malloc'ed string, or NULL for an
 * English reader (who reads the planner's own, with the site's labels),
 * for a reason of no shape of reason.c (not the planner's) and on OOM. */
char *reason_translate_parsed(const ReasonParsed *p, const ReasonLookup *lookup);

/* reason_translate_parsed() of reason as written, without a policy
 * (respite-notify, respitectl); NULL too for a reason of no shape. */
char *reason_translate(const char *reason);
