/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The parser of respite.conf(5), shared by the files of the policy module
 * (policy*.c) and by nothing else.
 *
 * It is table driven: every group of the file is a table of PolicySetting
 * entries naming the member, how to parse it and where in the target struct
 * its value goes. Defaults live in the struct before parsing, so a setting
 * that is absent keeps its default. Every parser returns 0, -ENOMEM, or
 * -EINVAL with the one message "FILE:LINE: PATH: what was expected" stored
 * for the caller of policy_load() to print. */

#include <libconfig.h>
#include <stddef.h>

#include "core/policy.h"

typedef struct PolicyParser {
        const char *name;       /* file name for messages: the path or "<string>" */
        const char *dir;        /* relative paths resolve against this; NULL = as written */
        Policy *policy;
        char **error;           /* the one message, or NULL */
} PolicyParser;

typedef struct PolicySetting PolicySetting;

/* Parse s into the field at base + spec->offset. */
typedef int (*PolicySettingParser)(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec,
                                   void *base);

struct PolicySetting {
        const char *name;
        PolicySettingParser parse;
        size_t offset;
        uint64_t min;                   /* durations and counts: smallest value allowed */
        bool required;
        bool prefix;                    /* name is a prefix: "label_" takes label_ja, label_pt_BR, … */
        const PolicySetting *children;  /* nested groups: NULL-name terminated */
};

#define SETTING(n, fn, off, ...) { .name = (n), .parse = (fn), .offset = (off), __VA_ARGS__ }
#define GROUP(n, table) { .name = (n), .parse = policy_parse_group, .children = (table) }
#define SETTINGS_END { .name = NULL }

/* The field a PolicySetting writes, of the given type. */
#define FIELD(base, spec, type) ((type *) ((uint8_t *) (base) + (spec)->offset))

/* Store "FILE:LINE: [PATH: ]message" about setting s (LINE left out when
 * unknown; PATH with with_path: "<string>:3: categories[1].points: expected
 * a whole number"). Returns -EINVAL, or -ENOMEM when the message could not
 * be made. */
_printf_(4, 5)
int policy_parser_error(PolicyParser *p, const config_setting_t *s, bool with_path, const char *format, ...);
/* A message about setting s, prefixed with its location and its path. */
#define policy_setting_error(p, s, ...) policy_parser_error((p), (s), true, __VA_ARGS__)

/* Where setting s is, for a warning about it (which policy_load() does
 * not give): "FILE:LINE: PATH", "respite.conf:3: site.language", in a
 * malloc'ed string in *ret. Returns 0 or -ENOMEM. */
int policy_setting_location(PolicyParser *p, const config_setting_t *s, char **ret);

/* Store "FILE[:LINE]: message" (LINE omitted when 0). Returns -EINVAL or -ENOMEM. */
_printf_(4, 5)
int policy_file_error(PolicyParser *p, const char *file, unsigned line, const char *format, ...);

/* The value of s when it is a string, else NULL. */
const char *policy_setting_string_or_null(const config_setting_t *s);
bool policy_setting_is_int(const config_setting_t *s);

/* Join a relative path to p->dir into *ret; absolute paths stay as written.
 * Returns 0 or -ENOMEM. */
int policy_resolve_path(PolicyParser *p, const char *path, char **ret);

/* PolicySettingParsers of the common types. The field is: */
int policy_parse_string(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
/* char *, a name of [a-z0-9_]: it travels over D-Bus and the command line */
int policy_parse_identifier(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
/* Translations, one more for a member spec->name + LANGUAGE (a prefix
 * setting: label_ja = "…"), LANGUAGE as i18n_language_is_valid() takes it;
 * the same language twice is an error */
int policy_parse_translation(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
/* char *, a language as i18n_language_is_valid() takes it ("ja", "pt_BR") */
int policy_parse_language(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
/* char *, an IANA time zone that exists */
int policy_parse_zone(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
int policy_parse_bool(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
/* unsigned, at least spec->min */
int policy_parse_count(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
/* usec_t, written with units ("45min"), at least spec->min */
int policy_parse_duration(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
/* char *, resolved with policy_resolve_path() */
int policy_parse_path(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
/* unsigned, a whole percentage from spec->min to 99 */
int policy_parse_percent(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);
/* a group { … } whose members spec->children parses into base */
int policy_parse_group(PolicyParser *p, const config_setting_t *s, const PolicySetting *spec, void *base);

/* Parse the members of group s by table into base: an unknown member is an
 * error that suggests the nearest known name, and a required one that is
 * missing is an error too. */
int policy_parse_members(PolicyParser *p, const config_setting_t *s, const PolicySetting *table, void *base);

/* A list ( { … }, … ) of groups, each parsed into one element of an array. */
typedef struct PolicyList {
        const PolicySetting *settings;  /* the members of one group */
        size_t size;                    /* of one element */
        const char *expected_list;      /* the message when s is not a list, marked N_() */
        const char *expected_group;     /* the message when an entry is not a group, marked N_() */
        /* Check or complete element i (of array) once group e is parsed; may be NULL. */
        int (*check)(PolicyParser *p, const config_setting_t *e, void *array, size_t i);
} PolicyList;

/* Parse list s as l says into a new array of zeroed elements, *array and
 * *n, which must be empty: libconfig refuses a setting given twice. *n
 * counts every element parsing began, so that on error the owner frees
 * what the elements hold with the rest. */
int policy_parse_list(PolicyParser *p, const config_setting_t *s, const PolicyList *l, void **array, size_t *n);

/* libconfig 1.5 ends the whole process when a file it reads is a directory
 * or cannot be read, and does not say which @include it could not open.
 * Check file and every file it @includes (resolved against p->dir, as
 * libconfig resolves them) before libconfig reads it. Returns 0, -EINVAL,
 * or the error opening file itself (-ENOENT, -EISDIR, …) with the message
 * stored. */
int policy_check_file(PolicyParser *p, const char *file);

/* Store libconfig's own message for the file c could not parse. Returns -EINVAL or -ENOMEM. */
int policy_config_failed(PolicyParser *p, const config_t *c);
