/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/random.h>

#include "shared/util.h"

char **strv_free(char **l) {
        if (!l)
                return NULL;
        for (char **i = l; *i; i++)
                free(*i);
        return mfree(l);
}

size_t strv_length(char * const *l) {
        size_t n = 0;

        if (l)
                while (l[n])
                        n++;
        return n;
}

int strv_extend(char ***l, const char *s) {
        size_t n = strv_length(*l);
        char *c, **nl;

        c = strdup(s);
        if (!c)
                return -ENOMEM;
        nl = realloc(*l, (n + 2) * sizeof(char *));
        if (!nl) {
                free(c);
                return -ENOMEM;
        }
        nl[n] = c;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

bool strv_contains(char * const *l, const char *s) {
        for (size_t i = 0; l && l[i]; i++)
                if (streq(l[i], s))
                        return true;
        return false;
}

bool strv_remove(char **l, const char *s) {
        size_t k = 0;
        bool found = false;

        for (size_t i = 0; l && l[i]; i++) {
                if (streq(l[i], s)) {
                        free(l[i]);
                        found = true;
                } else
                        l[k++] = l[i];
        }
        if (l)
                l[k] = NULL;
        return found;
}

int strv_extend_unique(char ***l, const char *s) {
        return strv_contains(*l, s) ? 0 : strv_extend(l, s);
}

int error_set(char **ret_error, int r, const char *format, ...) {
        va_list ap;

        if (!ret_error)
                return r;
        free(*ret_error);
        va_start(ap, format);
        if (vasprintf(ret_error, format, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return r;
}

int strdup_to(char **ret, const char *s) {
        char *c = NULL;

        if (s) {
                c = strdup(s);
                if (!c)
                        return -ENOMEM;
        }
        free(*ret);
        *ret = c;
        return 0;
}

int array_grow(void **array, size_t n, size_t size) {
        void *p;

        /* The room there is what malloc gave (as systemd's GREEDY_REALLOC()
         * reads it), so an array given back by array_trim() grows again. */
        if (*array && n < malloc_usable_size(*array) / size)
                return 0;
        p = reallocarray(*array, MAX(n * 2, (size_t) 8), size);
        if (!p)
                return -ENOMEM;
        *array = p;
        return 0;
}

void array_trim(void **array, size_t n, size_t size) {
        void *p;

        if (n == 0)
                return;
        p = reallocarray(*array, n, size);
        if (p)          /* else the room stays: nothing is lost */
                *array = p;
}

int strptr_compare(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

bool utf8_is_valid(const char *s) {
        const unsigned char *p = (const unsigned char *) s;

        while (*p) {
                unsigned c = *p, n, cp;

                if (c < 0x80) {
                        p++;
                        continue;
                }
                if (c >= 0xC2 && c <= 0xDF)
                        n = 1, cp = c & 0x1F;
                else if (c >= 0xE0 && c <= 0xEF)
                        n = 2, cp = c & 0x0F;
                else if (c >= 0xF0 && c <= 0xF4)
                        n = 3, cp = c & 0x07;
                else
                        return false;
                for (unsigned i = 1; i <= n; i++) {
                        if ((p[i] & 0xC0) != 0x80)
                                return false;
                        cp = (cp << 6) | (p[i] & 0x3F);
                }
                if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
                    (cp >= 0xD800 && cp <= 0xDFFF))
                        return false;
                p += n + 1;
        }
        return true;
}

size_t utf8_prefix_len(const char *s, size_t max) {
        size_t n = strnlen(s, max);

        if (s[n] == '\0')
                return n;
        /* s[n] is the first byte left out: step back while it continues a
         * character (10xxxxxx), so that the cut falls before its lead byte. */
        while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
                n--;
        return n;
}

int random_bytes(void *buf, size_t size) {
        uint8_t *p = buf;

        while (size > 0) {
                ssize_t n = getrandom(p, size, 0);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                size -= (size_t) n;
        }
        return 0;
}

void hex_format(const void *p, size_t size, char *out) {
        static const char digits[] = "0123456789abcdef";
        const uint8_t *b = p;

        for (size_t i = 0; i < size; i++) {
                out[2 * i] = digits[b[i] >> 4];
                out[2 * i + 1] = digits[b[i] & 0xf];
        }
        out[2 * size] = '\0';
}
