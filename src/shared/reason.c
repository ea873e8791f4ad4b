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

/* Each shape: what the planner writes (printf), and a letter for each of
 * its conversions, what that field may hold (reason_field_is_valid()):
 *   t  text (the site's label)      s  text (the law's name)
 *   n  a name (a category, a rule)  u  an unsigned number
 *   d  a length, duration_format()  c  counts: "2 repeat_caller, 1 other"
 *   b  a statutory or planned reason   r  a recovery's reason
 *   o  a recovery's first reason (not "rest of …")
 * reason_parse() tries them in the order of reason.h. */
static const struct {
        const char *format, *fields;
} reason_shapes[_REASON_SHAPE_MAX] = {
        [REASON_ALSO_RECOVERY]            = { "%s; also recovery %s",                            "br"   },
        [REASON_LONG_CALL]                = { "after a call of %llu min (%s)",                   "un"   },
        [REASON_INCIDENT]                 = { "after %s (%s)",                                   "tn"   },
        [REASON_POINTS]                   = { "after %s incidents in %u min (%u points)",        "cuu"  },
        [REASON_POINTS_AT_ONCE]           = { "after %s incidents at once (%u points)",          "cu"   },
        [REASON_INTERRUPTED]              = { "rest of the recovery interrupted by a call (%s)", "o"    },
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

bool reason_shape_is_recovery(ReasonShape shape) {
        return shape == REASON_LONG_CALL || shape == REASON_INCIDENT || shape == REASON_POINTS ||
               shape == REASON_POINTS_AT_ONCE || shape == REASON_INTERRUPTED;
}

/* Which shapes a nested field may hold (a bit a shape). */
#define REASON_SHAPE_BIT(s) (1u << (s))
#define REASON_BASE_SHAPES                                                                    \
        (REASON_SHAPE_BIT(REASON_STATUTORY_TOTAL) | REASON_SHAPE_BIT(REASON_STATUTORY_TOTAL_SOURCE) | \
         REASON_SHAPE_BIT(REASON_STATUTORY_STRETCH) | REASON_SHAPE_BIT(REASON_STATUTORY_STRETCH_SOURCE) | \
         REASON_SHAPE_BIT(REASON_PLANNED))
#define REASON_FIRST_SHAPES                                                                   \
        (REASON_SHAPE_BIT(REASON_LONG_CALL) | REASON_SHAPE_BIT(REASON_INCIDENT) |             \
         REASON_SHAPE_BIT(REASON_POINTS) | REASON_SHAPE_BIT(REASON_POINTS_AT_ONCE))
#define REASON_RECOVERY_SHAPES (REASON_FIRST_SHAPES | REASON_SHAPE_BIT(REASON_INTERRUPTED))
#define REASON_ALL_SHAPES ((1u << _REASON_SHAPE_MAX) - 1)

static ReasonShape reason_parse_at(const char *reason, unsigned shapes, ReasonParsed *ret);

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

static bool reason_is_nested(const char *s, size_t n, unsigned shapes) {
        _cleanup_free_ char *sub = strndup(s, n);

        return sub && reason_parse_at(sub, shapes, NULL) >= 0;
}

/* Whether the n bytes at s may be a field of kind (reason_shapes' letters). */
static bool reason_field_is_valid(char kind, const char *s, size_t n) {
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
                return reason_is_nested(s, n, REASON_BASE_SHAPES);
        case 'r':
                return reason_is_nested(s, n, REASON_RECOVERY_SHAPES);
        case 'o':
                return reason_is_nested(s, n, REASON_FIRST_SHAPES);
        default:
                return false;
        }
}

typedef struct ReasonSpans {
        const char *start[REASON_FIELDS_MAX];
        size_t length[REASON_FIELDS_MAX];
} ReasonSpans;

/* Whether s has the shape of format from its k-th conversion on (fields[k]
 * its kind); the fields' spans into spans. A field ends where the whole
 * literal after it in format is found (the last one, where the closing
 * literal ends s), tried from the shortest: at most one try per occurrence
 * of that literal, and nested reasons only of the shapes their kind allows,
 * so a reason is read in time near its length squared. */
static bool reason_match(const char *format, const char *fields, size_t k, const char *s, ReasonSpans *spans) {
        const char *next = strchrnul(format, '%');
        char literal[64];
        size_t n, len;

        if (strncmp(s, format, next - format) != 0)
                return false;
        s += next - format;
        format = next;
        if (*format == '\0')
                return *s == '\0';
        if (k >= REASON_FIELDS_MAX || fields[k] == '\0')
                return false;
        format += 1 + strspn(format + 1, "l") + 1;     /* "%s", "%u", "%llu" */
        next = strchrnul(format, '%');
        len = next - format;
        n = strlen(s);
        if (*next == '\0') {
                /* The last field, then the closing literal (or nothing). */
                if (n <= len || !streq(s + n - len, format) || !reason_field_is_valid(fields[k], s, n - len))
                        return false;
                spans->start[k] = s;
                spans->length[k] = n - len;
                return true;
        }
        /* Formats never put two conversions side by side: len > 0. A field is
         * never empty. */
        if (n == 0 || len == 0 || len >= sizeof(literal))
                return false;
        memcpy(literal, format, len);
        literal[len] = '\0';
        for (const char *e = s + 1; (e = strstr(e, literal)); e++) {
                if (!reason_field_is_valid(fields[k], s, e - s) || !reason_match(format, fields, k + 1, e, spans))
                        continue;
                spans->start[k] = s;
                spans->length[k] = e - s;
                return true;
        }
        return false;
}

static ReasonShape reason_parse_at(const char *reason, unsigned shapes, ReasonParsed *ret) {
        if (strlen(reason) > REASON_LENGTH_MAX)
                return -EBADMSG;
        for (ReasonShape shape = 0; shape < _REASON_SHAPE_MAX; shape++) {
                ReasonSpans spans = {};
                size_t n = strlen(reason_shapes[shape].fields);

                if (!(shapes & REASON_SHAPE_BIT(shape)) ||
                    !reason_match(reason_shapes[shape].format, reason_shapes[shape].fields, 0, reason, &spans))
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
        ReasonShape shape = reason_parse_at(reason, REASON_ALL_SHAPES, ret);

        return shape < 0 ? (int) shape : 0;
}
