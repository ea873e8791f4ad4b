/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util.h"

char **strv_free(char **l) {
        if (!l)
                return NULL;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
        return NULL;
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

        /* Full exactly when n is 0 or a power of two of at least 8. */
        if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
                return 0;
        p = reallocarray(*array, MAX(n * 2, (size_t) 8), size);
        if (!p)
                return -ENOMEM;
        *array = p;
        return 0;
}
