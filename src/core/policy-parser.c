/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "core/policy-parser.h"
#include "shared/i18n.h"
#include "shared/time-util.h"

/* A message about setting s, prefixed with its location only. */
#define policy_location_error(p, s, ...) policy_parser_error((p), (s), false, __VA_ARGS__)

/* "categories[2].points": where a setting sits, for messages. */
static void policy_setting_path(const config_setting_t *s, char *buf, size_t size) {
        const config_setting_t *parent = config_setting_parent(s);
        size_t n;

        if (!parent || config_setting_is_root(parent)) {
                snprintf(buf, size, "%s", config_setting_name(s) ?: "");
                return;
        }

        policy_setting_path(parent, buf, size);
        n = strlen(buf);
        if (config_setting_name(s))
                snprintf(buf + n, size - n, ".%s", config_setting_name(s));
        else
                snprintf(buf + n, size - n, "[%i]", config_setting_index(s));
}

/* Store "FILE[:LINE]: [PATH: ]message" (LINE left out when 0, PATH when
 * empty). Returns -EINVAL, or -ENOMEM. */
_printf_(5, 0)
static int policy_parser_store(PolicyParser *p, const char *file, unsigned line, const char *path,
                               const char *format, va_list ap) {
        _cleanup_(freep) char *msg = NULL;
        char at[16] = "";

        if (!p->error)
                return -EINVAL;
        if (vasprintf(&msg, format, ap) < 0)
                return -ENOMEM;
        if (line > 0)
                snprintf(at, sizeof at, ":%u", line);
        free(*p->error);
        if (asprintf(p->error, "%s%s: %s%s%s", file, at, path, *path ? ": " : "", msg) < 0) {
                *p->error = NULL;
                return -ENOMEM;
        }
        return -EINVAL;
}

int policy_parser_error(PolicyParser *p, const config_setting_t *s, bool with_path, const char *format, ...) {
        char path[256] = "";
        const char *file = NULL;
        unsigned line = 0;
        va_list ap;
        int r;

        if (s && !config_setting_is_root(s)) {
                file = config_setting_source_file(s);
                line = config_setting_source_line(s);
                if (with_path)
                        policy_setting_path(s, path, sizeof path);
        }
        va_start(ap, format);
        r = policy_parser_store(p, file ?: p->name, line, path, format, ap);
        va_end(ap);
        return r;
}

int policy_setting_location(PolicyParser *p, const config_setting_t *s, char **ret) {
        char path[256] = "";

        policy_setting_path(s, path, sizeof path);
        if (asprintf(ret, "%s:%u: %s", config_setting_source_file(s) ?: p->name, config_setting_source_line(s),
                     path) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int policy_file_error(PolicyParser *p, const char *file, unsigned line, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = policy_parser_store(p, file, line, "", format, ap);
        va_end(ap);
        return r;
}

/* The messages of libconfig 1.5's parser (its scanner's and grammar's
 * texts), to translate them; any other is shown as libconfig gives it. */
static const char * const policy_libconfig_errors[] = {
        N_("syntax error"),
        N_("duplicate setting name"),
        N_("mismatched element type in array"),
        N_("file I/O error"),
        N_("cannot open include file"),
        N_("include file nesting too deep"),
};

static const char *policy_libconfig_error(const char *text) {
        for (size_t i = 0; i < ELEMENTSOF(policy_libconfig_errors); i++)
                if (streq_ptr(text, policy_libconfig_errors[i]))
                        return _(policy_libconfig_errors[i]);
        return text;
}

int policy_config_failed(PolicyParser *p, const config_t *c) {
        const char *file = config_error_file(c) ?: p->name;

        if (p->error) {
                free(*p->error);
                if (asprintf(p->error, "%s:%i: %s", file, config_error_line(c),
                             policy_libconfig_error(config_error_text(c))) < 0) {
                        *p->error = NULL;
                        return -ENOMEM;
                }
        }
        return -EINVAL;
}

const char *policy_setting_string_or_null(const config_setting_t *s) {
        return config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
}

bool policy_setting_is_int(const config_setting_t *s) {
        return config_setting_type(s) == CONFIG_TYPE_INT || config_setting_type(s) == CONFIG_TYPE_INT64;
}

int policy_parse_string(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return policy_setting_error(p, s, _("expected a string in double quotes"));

        return strdup_to(FIELD(base, spec, char *), config_setting_get_string(s));
}

int policy_parse_language(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        const char *v = policy_setting_string_or_null(s);

        if (!i18n_language_is_valid(v))
                return policy_setting_error(p, s,
                                            _("expected a language such as \"ja\" or \"pt_BR\" in double quotes"));
        return strdup_to(FIELD(base, spec, char *), v);
}

int policy_parse_translation(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        Translations *t = FIELD(base, spec, Translations);
        const char *language = config_setting_name(s) + strlen(spec->name), *v = policy_setting_string_or_null(s);
        Translation *items;

        if (!i18n_language_is_valid(language))
                /* TRANSLATORS: %s is the setting's prefix ("label_", "source_"),
                 * LANGUAGE what follows it: "label_ja". */
                return policy_setting_error(p, s, _("expected %sLANGUAGE with a language such as \"ja\" or \"pt_BR\""),
                                            spec->name);
        if (!v)
                return policy_setting_error(p, s, _("expected a string in double quotes"));
        for (size_t i = 0; i < t->n; i++)
                if (streq(t->items[i].language, language))
                        /* TRANSLATORS: a setting given twice: "a second label_ja". */
                        return policy_setting_error(p, s, _("a second %s%s"), spec->name, language);
        items = reallocarray(t->items, t->n + 1, sizeof(*items));
        if (!items)
                return -ENOMEM;
        t->items = items;
        t->items[t->n] = (Translation) { .language = strdup(language), .text = strdup(v) };
        if (!t->items[t->n].language || !t->items[t->n].text ||
            policy_setting_location(p, s, &t->items[t->n].at) < 0) {
                translation_done(&t->items[t->n]);
                return -ENOMEM;
        }
        t->n++;
        return 0;
}

int policy_parse_identifier(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        const char *v;

        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return policy_setting_error(p, s, _("expected a name in double quotes"));

        v = config_setting_get_string(s);
        if (isempty(v) || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(v))
                return policy_setting_error(p, s, _("expected a name of lowercase letters, digits and '_', got \"%s\""),
                                            v);

        return strdup_to(FIELD(base, spec, char *), v);
}

int policy_parse_zone(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        const char *v;
        int r;

        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return policy_setting_error(p, s, _("expected a time zone name such as \"Asia/Tokyo\""));

        v = config_setting_get_string(s);
        r = tz_validate(v);
        if (r == -ENOENT)
                return policy_setting_error(p, s, _("unknown time zone \"%s\""), v);
        if (r < 0)
                return policy_setting_error(p, s,
                                            _("invalid time zone name \"%s\", expected one such as \"Asia/Tokyo\""), v);

        return strdup_to(FIELD(base, spec, char *), v);
}

int policy_parse_bool(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        if (config_setting_type(s) != CONFIG_TYPE_BOOL)
                return policy_setting_error(p, s, _("expected true or false"));

        *FIELD(base, spec, bool) = config_setting_get_bool(s);
        return 0;
}

int policy_parse_count(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        long long v;

        if (!policy_setting_is_int(s))
                return policy_setting_error(p, s, _("expected a whole number"));

        v = config_setting_get_int64(s);
        if (v < (long long) spec->min || v > UINT_MAX)
                return policy_setting_error(p, s, _("expected a whole number of at least %" PRIu64 ", got %lld"),
                                            spec->min, v);

        *FIELD(base, spec, unsigned) = (unsigned) v;
        return 0;
}

int policy_parse_duration(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        usec_t *field = FIELD(base, spec, usec_t), v;
        char example[DURATION_MAX], least[DURATION_MAX];
        const char *text;
        int r;

        /* The example is the default, which the field still holds, in minutes
         * as most of respite.conf writes them: "60min". */
        snprintf(example, sizeof example, "%" PRIu64 "min",
                 *field > 0 && *field % USEC_PER_MINUTE == 0 ? *field / USEC_PER_MINUTE : 10);

        if (policy_setting_is_int(s))
                return policy_setting_error(p, s, _("expected a duration with a unit such as \"%s\", got %lld"),
                                            example, config_setting_get_int64(s));
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return policy_setting_error(p, s, _("expected a duration with a unit such as \"%s\""), example);

        text = config_setting_get_string(s);
        r = duration_parse(text, &v);
        if (r == -ERANGE)
                return policy_setting_error(p, s, _("duration \"%s\" is too long"), text);
        if (r < 0)
                return policy_setting_error(p, s, _("expected a duration with a unit such as \"%s\", got \"%s\""),
                                            example, text);
        if (v < spec->min)
                return spec->min == 1 ?
                        policy_setting_error(p, s, _("expected a duration longer than 0, got \"%s\""), text) :
                        policy_setting_error(p, s, _("expected a duration of at least %s, got \"%s\""),
                                             duration_format(spec->min, least, sizeof least), text);

        *field = v;
        return 0;
}

int policy_resolve_path(PolicyParser *p, const char *path, char **ret) {
        char *r;

        if (isempty(p->dir) || path[0] == '/')
                r = strdup(path);
        else if (asprintf(&r, "%s%s%s", p->dir, p->dir[strlen(p->dir) - 1] == '/' ? "" : "/", path) < 0)
                r = NULL;
        if (!r)
                return -ENOMEM;

        *ret = r;
        return 0;
}

int policy_parse_path(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        char **field = FIELD(base, spec, char *);

        if (config_setting_type(s) != CONFIG_TYPE_STRING || isempty(config_setting_get_string(s)))
                return policy_setting_error(p, s, _("expected a path in double quotes"));

        free(*field);
        *field = NULL;
        return policy_resolve_path(p, config_setting_get_string(s), field);
}

int policy_parse_percent(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        if (!policy_setting_is_int(s) || config_setting_get_int64(s) < (long long) spec->min ||
            config_setting_get_int64(s) > 99)
                return policy_setting_error(p, s, _("expected a whole percentage from %" PRIu64 " to 99"), spec->min);

        *FIELD(base, spec, unsigned) = (unsigned) config_setting_get_int64(s);
        return 0;
}

/* Levenshtein distance, for "did you mean". Long names get no suggestion. */
#define SUGGEST_MAX 63
static unsigned policy_edit_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        unsigned row[SUGGEST_MAX + 1];

        if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
                return UINT_MAX;

        for (size_t j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                unsigned diag = row[0];

                row[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        unsigned up = row[j];

                        row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + (a[i - 1] != b[j - 1]));
                        diag = up;
                }
        }
        return row[lb];
}

static const PolicySetting *policy_settings_find(const PolicySetting *table, const char *name) {
        for (const PolicySetting *t = table; t->name; t++)
                if (t->prefix ? strncmp(name, t->name, strlen(t->name)) == 0 : streq(t->name, name))
                        return t;
        return NULL;
}

static int policy_unknown_setting(PolicyParser *p, const config_setting_t *s, const PolicySetting *table) {
        const char *name = config_setting_name(s), *best = NULL;
        unsigned best_d = 3;    /* suggest within edit distance 2 */
        char prefix[256] = "";

        for (const PolicySetting *t = table; t->name; t++) {
                unsigned d = policy_edit_distance(name, t->name);

                if (d < best_d) {
                        best_d = d;
                        best = t->name;
                }
        }

        /* Name the setting by its full path: "accumulation.widnow". */
        if (!config_setting_is_root(config_setting_parent(s))) {
                policy_setting_path(config_setting_parent(s), prefix, sizeof prefix - 1);
                strcat(prefix, ".");
        }

        if (!best)
                /* TRANSLATORS: '%s%s' is a setting's path and name in the
                 * file ("accumulation.widnow"); the second one is the name meant. */
                return policy_location_error(p, s, _("unknown setting '%s%s'"), prefix, name);
        return policy_location_error(p, s, _("unknown setting '%s%s', did you mean '%s%s'?"),
                                     prefix, name, prefix, best);
}

int policy_parse_members(PolicyParser *p, const config_setting_t *s, const PolicySetting *table, void *base) {
        int r;

        for (int i = 0; i < config_setting_length(s); i++) {
                const config_setting_t *m = config_setting_get_elem(s, i);
                const PolicySetting *spec = policy_settings_find(table, config_setting_name(m));

                if (!spec)
                        return policy_unknown_setting(p, m, table);

                r = spec->parse(p, m, spec, base);
                if (r < 0)
                        return r;
        }

        for (const PolicySetting *t = table; t->name; t++)
                if (t->required && !config_setting_get_member(s, t->name))
                        /* TRANSLATORS: %s is the name of a setting the group needs ("team"). */
                        return policy_setting_error(p, s, _("missing '%s'"), t->name);

        return 0;
}

int policy_parse_group(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base) {
        if (!config_setting_is_group(s))
                return policy_setting_error(p, s, _("expected a group { … }"));

        return policy_parse_members(p, s, spec->children, base);
}

int policy_parse_list(PolicyParser *p, const config_setting_t *s, const PolicyList *l, void **array, size_t *n) {
        size_t length;
        int r;

        if (!config_setting_is_list(s))
                return policy_setting_error(p, s, "%s", _(l->expected_list));

        length = config_setting_length(s);
        *array = calloc(MAX(length, 1u), l->size);
        if (!*array)
                return -ENOMEM;

        for (size_t i = 0; i < length; i++) {
                const config_setting_t *e = config_setting_get_elem(s, i);

                if (!config_setting_is_group(e))
                        return policy_setting_error(p, e, "%s", _(l->expected_group));

                (*n)++;
                r = policy_parse_members(p, e, l->settings, (uint8_t *) *array + i * l->size);
                if (r < 0)
                        return r;
                if (l->check) {
                        r = l->check(p, e, *array, i);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* Check file, then (up to libconfig's own nesting limit, 10, beyond which
 * it reports the depth itself) every @include "NAME" line in it. */
static int policy_check_file_at(PolicyParser *p, const char *file, const char *included_from, unsigned from_line,
                                unsigned depth) {
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_(freep) char *line = NULL;
        size_t size = 0;
        unsigned n = 0;
        struct stat st;
        ssize_t len;
        int r;

        f = fopen(file, "re");
        if (!f || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
                r = f ? (S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL) : -errno;
                if (included_from) {
                        policy_file_error(p, included_from, from_line, _("cannot include \"%s\": %s"), file,
                                          strerror(-r));
                        return -EINVAL;
                }
                policy_file_error(p, file, 0, "%s", r == -EINVAL ? _("not a regular file") : strerror(-r));
                return r;
        }
        if (depth >= 10)
                return 0;

        while ((len = getline(&line, &size, f)) >= 0) {
                _cleanup_(freep) char *target = NULL;
                const char *q = line + strspn(line, " \t"), *end;
                struct stat included;

                n++;
                /* libconfig would cut an @include path there and end the
                 * whole process reading the directory it then names. */
                if (memchr(line, 0, len))
                        return policy_file_error(p, file, n, _("expected text, found a NUL byte"));
                if (strncmp(q, "@include", 8) != 0)
                        continue;
                q += 8;
                q += strspn(q, " \t");
                if (*q != '"' || !(end = strchr(q + 1, '"')))
                        continue;       /* libconfig reports the syntax */
                q++;
                if (*q == '/' && p->dir)
                        return policy_file_error(p, file, n, _("cannot include \"%.*s\": libconfig 1.5 reads @include "
                                                    "paths relative to %s; give the path relative to it"),
                                                 (int) (end - q), q, p->dir);
                if (p->dir)
                        r = asprintf(&target, "%s/%.*s", p->dir, (int) (end - q), q);
                else
                        r = asprintf(&target, "%.*s", (int) (end - q), q);
                if (r < 0)
                        return -ENOMEM;
                if (stat(target, &included) >= 0 && included.st_dev == st.st_dev && included.st_ino == st.st_ino)
                        return policy_file_error(p, file, n, _("cannot include \"%.*s\": it is this file itself"),
                                                 (int) (end - q), q);
                r = policy_check_file_at(p, target, file, n, depth + 1);
                if (r < 0)
                        return r;
        }
        /* libconfig's scanner, too, ends the process when a read fails. */
        if (ferror(f))
                return policy_file_error(p, file, 0, _("cannot be read: %s"), strerror(EIO));
        return 0;
}

int policy_check_file(PolicyParser *p, const char *file) {
        return policy_check_file_at(p, file, NULL, 0, 0);
}
