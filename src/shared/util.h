/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small helpers shared by every module: cleanup attributes (as systemd's
 * macro.h does it), instants and durations in microseconds, string helpers. */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Instants are microseconds since the Unix epoch, UTC (CLOCK_REALTIME), the
 * unit D-Bus uses for "t" arguments in systemd's APIs. Durations use the same
 * unit. */
typedef uint64_t usec_t;

#define USEC_PER_SEC    ((usec_t) 1000000ULL)
#define USEC_PER_MINUTE ((usec_t) (60ULL * USEC_PER_SEC))
#define USEC_PER_HOUR   ((usec_t) (60ULL * USEC_PER_MINUTE))
#define USEC_PER_DAY    ((usec_t) (24ULL * USEC_PER_HOUR))
#define USEC_INFINITY   ((usec_t) UINT64_MAX)

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _pure_ __attribute__((pure))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
/* -1, 0 or 1 as a is less than, equal to or greater than b, each evaluated
 * once: comparison functions chain them with ?: (systemd's CMP()). */
#define CMP(a, b)                                               \
        ({                                                      \
                const __typeof__(a) _a_ = (a);                  \
                const __typeof__(b) _b_ = (b);                  \
                _a_ < _b_ ? -1 : _a_ > _b_ ? 1 : 0;             \
        })
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Hand a pointer out of a cleanup scope. */
#define TAKE_PTR(p)                             \
        ({                                      \
                __typeof__(p) _p_ = (p);        \
                (p) = NULL;                     \
                _p_;                            \
        })

#define TAKE_FD(fd)                             \
        ({                                      \
                int _fd_ = (fd);                \
                (fd) = -EBADF;                  \
                _fd_;                           \
        })

/* Defines name##p(type *p) calling func(*p) when *p is set. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                 \
        static inline void func##p(type *p) {                   \
                if (*p)                                         \
                        func(*p);                               \
        }

/* free() that gives NULL back: "return mfree(m);" ends a destructor. */
static inline void *mfree(void *p) {
        free(p);
        return NULL;
}

/* Call done(&array[i]) for each of the n elements of array, then free the
 * array; gives NULL. For destructors of containers. */
#define free_array(array, n, done)                              \
        ({                                                      \
                for (size_t _i_ = 0; _i_ < (n); _i_++)          \
                        done(&(array)[_i_]);                    \
                mfree(array);                                   \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}

static inline void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline bool isempty(const char *s) {
        return !s || !*s;
}

/* Ceiling of t to a whole multiple of step (both in microseconds). */
static inline usec_t usec_ceil(usec_t t, usec_t step) {
        return (t + step - 1) / step * step;
}

/* Make room for element n of a malloc'ed array of elements of size bytes
 * that holds n elements and grows by doubling (from 8; the room is what
 * malloc_usable_size() says). Call before storing element n. Returns 0 or
 * -ENOMEM. */
int array_grow(void **array, size_t n, size_t size);
/* Give back the room of an array of n elements beyond them (n = 0: kept);
 * array_grow() grows it again. */
void array_trim(void **array, size_t n, size_t size);

/* strcmp() of two char * elements, for qsort() and bsearch() of string arrays. */
int strptr_compare(const void *a, const void *b) _pure_;

/* Whether s is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), as D-Bus requires of strings. */
bool utf8_is_valid(const char *s) _pure_;

/* The length of the longest prefix of the UTF-8 string s of at most max
 * bytes that ends between characters: s cut there stays valid UTF-8 (what
 * D-Bus takes), when a quote of it must be short. */
size_t utf8_prefix_len(const char *s, size_t max) _pure_;

/* Free a NULL-terminated array of strings and the array itself; NULL is fine. */
char **strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
/* Number of entries of a NULL-terminated array; NULL counts 0. */
size_t strv_length(char * const *l);
/* Append a copy of s to *l; returns 0 or -ENOMEM. */
int strv_extend(char ***l, const char *s);
/* Whether l (may be NULL) holds a string equal to s. */
bool strv_contains(char * const *l, const char *s) _pure_;
/* Remove (and free) every string of l (may be NULL) equal to s. Returns
 * whether one was. */
bool strv_remove(char **l, const char *s);
/* Append a copy of s to *l unless it holds one already: 0 or -ENOMEM.
 * Linear in the length of *l: for short lists. */
int strv_extend_unique(char ***l, const char *s);
/* strdup() that passes NULL through; returns NULL only for NULL. Aborts on OOM
 * would be wrong for a daemon, so callers check: -ENOMEM when s != NULL. */
int strdup_to(char **ret, const char *s);
/* Replace *ret_error (ret_error may be NULL: nothing) with the message
 * format makes (NULL when out of memory), and return r: "return
 * error_set(ret_error, -EIO, "…", …);" for functions that say why they
 * failed to a caller that logs it. */
_printf_(3, 4)
int error_set(char **ret_error, int r, const char *format, ...);

/* Fill buf with size random bytes from the kernel (getrandom(2)), however
 * many calls that takes. Returns 0 or a negative errno. */
int random_bytes(void *buf, size_t size);

/* The size bytes at p as 2 * size lowercase hex digits and a NUL, at out. */
void hex_format(const void *p, size_t size, char *out);
