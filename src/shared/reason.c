/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The shapes of the planner's reasons (reason.h): one table the planner
 * writes with and the readers read with. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/reason.h"
#include "shared/util.h"

/* Reasons nest (a merge carries a recovery, an interrupted recovery its
 * first part's reason): at most this deep. */
#define REASON_DEPTH_MAX 3

/* Each shape: what the planner writes (printf), and a letter for each of
 * its conversions, what that field may hold (reason_field_is_valid()):
 *   t  text (the site's label)      s  text (the law's name)
 *   n  a name (a category, a rule)  u  an unsigned number
 *   d  a length, duration_format()  c  counts: "2 repeat_caller, 1 other"
 *   b  a statutory or planned reason   r  a recovery's reason
 * reason_parse() tries them in the order of reason.h. */
static const struct {
        const char *format, *fields;
} reason_shapes[_REASON_SHAPE_MAX] = {
        [REASON_ALSO_RECOVERY]            = { "%s; also recovery %s",                            "br"   },
        [REASON_LONG_CALL]                = { "after a call of %llu min (%s)",                   "un"   },
        [REASON_INCIDENT]                 = { "after %s (%s)",                                   "tn"   },
        [REASON_POINTS]                   = { "after %s incidents in %u min (%u points)",        "cuu"  },
        [REASON_POINTS_AT_ONCE]           = { "after %s incidents at once (%u points)",          "cu"   },
        [REASON_INTERRUPTED]              = { "rest of the recovery interrupted by a call (%s)", "r"    },
        [REASON_STATUTORY_TOTAL]          = { "statutory %s: %s for more than %s of work",       "ndd"  },
        [REASON_STATUTORY_TOTAL_SOURCE]   = { "statutory %s: %s for more than %s of work (%s)",  "ndds" },
        [REASON_STATUTORY_STRETCH]        = { "statutory %s: a break after %s of work",          "nd"   },
        [REASON_STATUTORY_STRETCH_SOURCE] = { "statutory %s: a break after %s of work (%s)",     "nds"  },
        [REASON_PLANNED]                  = { "planned in the roster",                           ""     },
};

/* ---- writing ---- */

static int reason_write(char **ret, ReasonShape shape, ...) {
        char *s = NULL;
        va_list ap;
        int n;

        va_start(ap, shape);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        n = vasprintf(&s, reason_shapes[shape].format, ap);
#pragma GCC diagnostic pop
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        free(*ret);
        *ret = s;
        return 0;
}

int reason_write_incident(char **ret, const char *label, const char *category) {
        return reason_write(ret, REASON_INCIDENT, label, category);
}

int reason_write_long_call(char **ret, unsigned long long minutes, const char *category) {
        return reason_write(ret, REASON_LONG_CALL, minutes, category);
}

int reason_counts_append(char **counts, unsigned count, const char *category) {
        char *s = NULL;

        if (asprintf(&s, "%s%s%u %s", *counts ?: "", *counts ? ", " : "", count, category) < 0)
                return -ENOMEM;
        free(*counts);
        *counts = s;
        return 0;
}

int reason_write_points(char **ret, const char *counts, unsigned minutes, unsigned points) {
        return minutes == 0 ? reason_write(ret, REASON_POINTS_AT_ONCE, counts, points)
                            : reason_write(ret, REASON_POINTS, counts, minutes, points);
}

int reason_write_interrupted(char **ret, const char *recovery) {
        return reason_write(ret, REASON_INTERRUPTED, recovery);
}

int reason_write_statutory(char **ret, const char *rule, const char *total, const char *threshold,
                           const char *source) {
        rule = rule ?: "break";
        if (total)
                return isempty(source) ? reason_write(ret, REASON_STATUTORY_TOTAL, rule, total, threshold)
                                       : reason_write(ret, REASON_STATUTORY_TOTAL_SOURCE, rule, total, threshold,
                                                      source);
        return isempty(source) ? reason_write(ret, REASON_STATUTORY_STRETCH, rule, threshold)
                               : reason_write(ret, REASON_STATUTORY_STRETCH_SOURCE, rule, threshold, source);
}

int reason_write_planned(char **ret) {
        return reason_write(ret, REASON_PLANNED);
}

int reason_append_recovery(char **reason, const char *recovery) {
        return reason_write(reason, REASON_ALSO_RECOVERY, *reason, recovery);
}

/* ---- reading ---- */

void reason_parsed_done(ReasonParsed *p) {
        for (size_t i = 0; i < p->n_fields; i++)
                free(p->fields[i]);
        *p = (ReasonParsed) { .shape = _REASON_SHAPE_INVALID };
}

static ReasonShape reason_parse_at(const char *reason, unsigned depth, ReasonParsed *ret);

static bool reason_is_name(const char *s, size_t n) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char) s[i]) && s[i] != '_' && s[i] != '-')
                        return false;
        return true;
}

static bool reason_is_number(const char *s, size_t n) {
        return n > 0 && strspn(s, "0123456789") >= n;
}

/* "2 repeat_caller, 1 other" */
static bool reason_is_counts(const char *s, size_t n) {
        const char *end = s + n;

        for (;;) {
                size_t digits = strspn(s, "0123456789"), name;

                if (digits == 0 || s + digits >= end || s[digits] != ' ')
                        return false;
                s += digits + 1;
                for (name = 0; s + name < end && s[name] != ','; name++)
                        ;
                if (!reason_is_name(s, name))
                        return false;
                s += name;
                if (s == end)
                        return true;
                if (end - s < 2 || s[1] != ' ')
                        return false;
                s += 2;
        }
}

bool reason_shape_is_recovery(ReasonShape shape) {
        return shape == REASON_LONG_CALL || shape == REASON_INCIDENT || shape == REASON_POINTS ||
               shape == REASON_POINTS_AT_ONCE || shape == REASON_INTERRUPTED;
}

static bool reason_is_nested(const char *s, size_t n, unsigned depth, bool recovery) {
        _cleanup_free_ char *sub = strndup(s, n);
        ReasonShape shape;

        if (!sub || depth >= REASON_DEPTH_MAX)
                return false;
        shape = reason_parse_at(sub, depth + 1, NULL);
        if (shape < 0)
                return false;
        if (recovery)
                return reason_shape_is_recovery(shape);
        return shape != REASON_ALSO_RECOVERY && !reason_shape_is_recovery(shape);
}

/* Whether the n bytes at s may be a field of kind (reason_shapes' letters). */
static bool reason_field_is_valid(char kind, const char *s, size_t n, unsigned depth) {
        switch (kind) {
        case 't':
        case 's':
                return n > 0;
        case 'n':
                return reason_is_name(s, n);
        case 'u':
                return reason_is_number(s, n);
        case 'd':
                return n > 0 && isdigit((unsigned char) s[0]) && strspn(s, "0123456789abcdefghijklmnopqrstuvwxyz ") >= n;
        case 'c':
                return reason_is_counts(s, n);
        case 'b':
        case 'r':
                return reason_is_nested(s, n, depth, kind == 'r');
        default:
                return false;
        }
}

typedef struct ReasonSpans {
        const char *start[REASON_FIELDS_MAX];
        size_t length[REASON_FIELDS_MAX];
} ReasonSpans;

/* Whether s has the shape of format from its k-th conversion on (fields[k]
 * its kind); the fields' spans into spans. Each field is tried from its
 * shortest, ending where the literal after it in format begins. */
static bool reason_match(const char *format, const char *fields, size_t k, const char *s, unsigned depth,
                         ReasonSpans *spans) {
        size_t n;

        for (; *format != '%'; format++, s++) {
                if (*format == '\0')
                        return *s == '\0';
                if (*format != *s)
                        return false;
        }
        if (k >= REASON_FIELDS_MAX || fields[k] == '\0')
                return false;
        format += 1 + strspn(format + 1, "l") + 1;     /* "%s", "%u", "%llu" */
        n = strlen(s);
        for (size_t len = 1; len <= n; len++) {
                if (s[len] != *format)
                        continue;
                if (!reason_field_is_valid(fields[k], s, len, depth) ||
                    !reason_match(format, fields, k + 1, s + len, depth, spans))
                        continue;
                spans->start[k] = s;
                spans->length[k] = len;
                return true;
        }
        return false;
}

static ReasonShape reason_parse_at(const char *reason, unsigned depth, ReasonParsed *ret) {
        for (ReasonShape shape = 0; shape < _REASON_SHAPE_MAX; shape++) {
                ReasonSpans spans = {};
                size_t n = strlen(reason_shapes[shape].fields);

                if (!reason_match(reason_shapes[shape].format, reason_shapes[shape].fields, 0, reason, depth, &spans))
                        continue;
                if (!ret)
                        return shape;
                *ret = (ReasonParsed) { .shape = shape };
                for (size_t i = 0; i < n; i++) {
                        ret->fields[i] = strndup(spans.start[i], spans.length[i]);
                        if (!ret->fields[i]) {
                                reason_parsed_done(ret);
                                return -ENOMEM;
                        }
                        ret->n_fields++;
                }
                return shape;
        }
        return -EBADMSG;
}

int reason_parse(const char *reason, ReasonParsed *ret) {
        ReasonShape shape = reason_parse_at(reason, 0, ret);

        return shape < 0 ? (int) shape : 0;
}
