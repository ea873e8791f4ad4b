/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shared/escape.h"

#define ESCAPE_ELLIPSIS "…"

/* The length of the well-formed UTF-8 character (RFC 3629 table 3-7) at s
 * of at most n bytes, its code point in *ret; 0 when s does not start one. */
static size_t escape_utf8_char(const unsigned char *s, size_t n, uint32_t *ret) {
        size_t len;
        uint32_t c;

        if (s[0] < 0x80) {
                *ret = s[0];
                return 1;
        }
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                len = 2, c = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                len = 3, c = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                len = 4, c = s[0] & 0x07;
        else
                return 0;
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = c << 6 | (s[i] & 0x3f);
        }
        /* Overlong forms, surrogates, beyond U+10FFFF. */
        if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
            (c >= 0xd800 && c <= 0xdfff))
                return 0;
        *ret = c;
        return len;
}

/* Whether code point c is shown escaped: C1 controls, line and paragraph
 * separators, bidirectional overrides and isolates. */
static bool escape_unicode_hidden(uint32_t c) {
        return (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
               (c >= 0x2066 && c <= 0x2069);
}

/* The escape of the C0 control or ASCII byte b into e (5 bytes): its length. */
static size_t escape_byte(unsigned char b, char e[static 5]) {
        static const char named[] = { ['\n'] = 'n', ['\t'] = 't', ['\r'] = 'r', ['\a'] = 'a', ['\b'] = 'b',
                                      ['\f'] = 'f', ['\v'] = 'v' };

        if (b < sizeof named && named[b]) {
                e[0] = '\\', e[1] = named[b], e[2] = 0;
                return 2;
        }
        snprintf(e, 5, "\\x%02x", b);
        return 4;
}

/* Append the n bytes at p to out (room size, used *len) if they fit with
 * room left for the ellipsis and the NUL; whether they did. */
static bool escape_put(char *out, size_t size, size_t *len, const char *p, size_t n) {
        if (*len + n + strlen(ESCAPE_ELLIPSIS) + 1 > size)
                return false;
        memcpy(out + *len, p, n);
        *len += n;
        return true;
}

static size_t escape_finish(char *out, size_t len, bool cut) {
        if (cut) {
                memcpy(out + len, ESCAPE_ELLIPSIS, strlen(ESCAPE_ELLIPSIS));
                len += strlen(ESCAPE_ELLIPSIS);
        }
        out[len] = 0;
        return len;
}

const char *cescape_log(const char *s, char buf[static CESCAPE_LOG_MAX]) {
        s = s ?: "(null)";
        return cescape_log_n(s, strlen(s), buf);
}

const char *cescape_log_n(const char *s, size_t n, char buf[static CESCAPE_LOG_MAX]) {
        const unsigned char *p = (const unsigned char *) s;
        size_t len = 0, i = 0;
        bool cut = false;

        while (i < n && !cut) {
                char e[5 * 4];
                size_t k = 0, step;
                uint32_t c;

                step = escape_utf8_char(p + i, n - i, &c);
                if (step == 0) {        /* not UTF-8: this byte alone */
                        step = 1;
                        k = escape_byte(p[i], e);
                } else if (step == 1 && (c < 0x20 || c == 0x7f))
                        k = escape_byte(p[i], e);
                else if (step == 1 && (c == '\\' || c == '\'' || c == '"'))
                        e[0] = '\\', e[1] = (char) c, k = 2;
                else if (escape_unicode_hidden(c))
                        for (size_t j = 0; j < step; j++)
                                k += escape_byte(p[i + j], e + k);
                else
                        memcpy(e, p + i, step), k = step;

                cut = !escape_put(buf, CESCAPE_LOG_MAX, &len, e, k);
                i += step;
        }
        escape_finish(buf, len, cut);
        return buf;
}

size_t cescape_controls(const char *s, size_t n, bool cut, char *out, size_t size) {
        size_t len = 0;
        bool full = false;

        for (size_t i = 0; i < n && !full; i++) {
                unsigned char b = (unsigned char) s[i];
                char e[5];
                size_t k = 1;

                if ((b < 0x20 && b != '\t') || b == 0x7f)
                        k = escape_byte(b, e);
                else
                        e[0] = (char) b;
                full = !escape_put(out, size, &len, e, k);
        }
        return escape_finish(out, len, cut || full);
}
