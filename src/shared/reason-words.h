/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The planner's reasons (plan.h, Break.reason: English, with the site's
 * labels) and the shipped categories, in the reader's language (i18n.h),
 * for respite-notify and respitectl, which have no policy at hand. */

/* A category of the shipped policy (conf/respite.conf) in the reader's
 * words: "a threatening call", "脅迫的な電話"; NULL for another category. */
const char *reason_category_words(const char *category);

/* A break's kind ("statutory", "recovery", "planned") in the reader's
 * words: "法定休憩"; kind itself for another (or NULL). */
const char *reason_kind_words(const char *kind);

/* reason said again in the reader's language, when it is not English: a
 * statutory or planned break ("法律で定められた休憩"), a recovery after one
 * incident of a shipped category ("脅迫的な電話の後", its name in
 * parentheses where the planner writes it: "after a threatening call
 * (threat)") or after points that added up ("… incidents in 40 min (10
 * points)"), and a recovery merged into a break ("…; also recovery after
 * …"). Returns a malloc'ed string, or NULL for any other reason, for an
 * English reader (who reads the planner's own, with the site's labels) and
 * on OOM. */
char *reason_translate(const char *reason);
