/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Enums and their names, both ways, from one table, as systemd's
 * string-table.h does it. An enum that has names ends with
 *
 *         _FOO_MAX,
 *         _FOO_INVALID = -EINVAL,
 *
 * so that foo_from_string() can say "no such name" in the enum's own type
 * and a caller may return it as an errno. The header declares
 *
 *         DECLARE_STRING_TABLE_LOOKUP(foo, Foo);
 *
 * and one .c file holds the names and defines the functions:
 *
 *         static const char * const foo_table[_FOO_MAX] = { [FOO_BAR] = "bar", … };
 *         DEFINE_STRING_TABLE_LOOKUP(foo, Foo);
 *
 * (DEFINE_PRIVATE_STRING_TABLE_LOOKUP makes them static, for a table of
 * one program's file.) foo_to_string() gives NULL for a value without a name; foo_from_string()
 * compares exactly and gives _FOO_INVALID for NULL or an unknown name. */

#include <sys/types.h>

#include "shared/util.h"

/* Index of key in table (n entries, NULL entries skipped), or -EINVAL. */
ssize_t string_table_lookup(const char * const *table, size_t n, const char *key) _pure_;

#define DECLARE_STRING_TABLE_LOOKUP(name, type)                                 \
        const char *name##_to_string(type i) _pure_;                            \
        type name##_from_string(const char *s) _pure_

#define _DEFINE_STRING_TABLE_LOOKUP(name, type, scope)                          \
        scope const char *name##_to_string(type i) {                            \
                if (i < 0 || (size_t) i >= ELEMENTSOF(name##_table))            \
                        return NULL;                                            \
                return name##_table[i];                                         \
        }                                                                       \
        scope type name##_from_string(const char *s) {                          \
                return (type) string_table_lookup(name##_table, ELEMENTSOF(name##_table), s); \
        }

#define DEFINE_STRING_TABLE_LOOKUP(name, type) _DEFINE_STRING_TABLE_LOOKUP(name, type, )
#define DEFINE_PRIVATE_STRING_TABLE_LOOKUP(name, type) _DEFINE_STRING_TABLE_LOOKUP(name, type, static _unused_)
