/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <locale.h>
#include <sys/ioctl.h>
#include <wchar.h>

#include "ctl/term.h"
#include "shared/util.h"

#define TERM_ELLIPSIS "…"

unsigned term_width(int fd) {
        struct winsize ws = {};
        const char *columns = getenv("COLUMNS");

        if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) >= 0 && ws.ws_col > 0)
                return ws.ws_col;
        if (columns) {
                char *end;
                unsigned long n;

                errno = 0;
                n = strtoul(columns, &end, 10);
                if (errno == 0 && end != columns && *end == 0 && columns[0] != '-' && n >= 1 && n <= 10000)
                        return (unsigned) n;
        }
        return 80;
}

/* Walk s character by character in a UTF-8 locale: at each, *ret_bytes
 * its length and the columns it takes are returned. */
static size_t term_next(const char *s, mbstate_t *st, size_t *ret_bytes) {
        wchar_t c;
        size_t n = mbrtowc(&c, s, strnlen(s, MB_LEN_MAX), st);
        int w;

        if (n == (size_t) -1 || n == (size_t) -2 || n == 0) {
                /* Not UTF-8: one byte, one column. */
                *st = (mbstate_t) {};
                *ret_bytes = 1;
                return 1;
        }
        *ret_bytes = n;
        w = wcwidth(c);
        return w > 0 ? (size_t) w : 0;
}

/* Switch this thread to C.UTF-8 for wcwidth(); *ret_old to go back.
 * Returns the locale, made once for the process (newlocale(3) takes
 * microseconds, and a table measures every cell), or 0 when there is none
 * (then every byte that is not a continuation byte counts a column). */
static locale_t term_utf8_locale(locale_t *ret_old) {
        static locale_t term_utf8 = (locale_t) 0;

        if (!term_utf8)
                term_utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
        if (term_utf8)
                *ret_old = uselocale(term_utf8);
        return term_utf8;
}

static void term_restore_locale(locale_t l, locale_t old) {
        if (l)
                uselocale(old);
}

/* The length of the run of printable ASCII at the start of s. */
static size_t term_printable_ascii(const char *s) {
        size_t n = 0;

        while ((unsigned char) s[n] >= 0x20 && (unsigned char) s[n] < 0x7f)
                n++;
        return n;
}

/* The columns s takes, and in *ret_fit (if given) the length in bytes of
 * its longest prefix of at most limit columns. */
static size_t term_measure(const char *s, size_t limit, size_t *ret_fit) {
        size_t printable = term_printable_ascii(s);
        locale_t old = (locale_t) 0, l;
        mbstate_t st = {};
        size_t width = 0, fit = 0, i = 0;

        /* Printable ASCII, most of what tables hold: a column each, without
         * the cost of a locale (newlocale(3) takes microseconds). */
        if (s[printable] == '\0') {
                if (ret_fit)
                        *ret_fit = MIN(printable, limit);
                return printable;
        }
        l = term_utf8_locale(&old);

        while (s[i]) {
                size_t bytes, w;

                if (l)
                        w = term_next(s + i, &st, &bytes);
                else {
                        bytes = 1;
                        w = ((unsigned char) s[i] & 0xC0) != 0x80;
                }
                width += w;
                i += bytes;
                if (width <= limit)
                        fit = i;
        }
        term_restore_locale(l, old);
        if (ret_fit)
                *ret_fit = fit;
        return width;
}

size_t term_text_width(const char *s) {
        return term_measure(s, SIZE_MAX, NULL);
}

int term_truncate(const char *s, size_t width, char **ret) {
        size_t fit;
        char *t;

        if (term_measure(s, width, &fit) <= width)
                return strdup_to(ret, s);
        if (width == 0)
                return strdup_to(ret, "");
        /* Room for the ellipsis. */
        (void) term_measure(s, width - 1, &fit);
        if (asprintf(&t, "%.*s" TERM_ELLIPSIS, (int) fit, s) < 0)
                return -ENOMEM;
        *ret = t;
        return 0;
}
