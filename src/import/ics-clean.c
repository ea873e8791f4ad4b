/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <strings.h>
#include <sys/stat.h>

#include "import/roster-ics-internal.h"
#include "shared/file-util.h"
#include "shared/i18n.h"
#include "shared/log.h"

static bool ics_is_content_line(const char *p, size_t n) {
        size_t k = 0;

        while (k < n && (isalnum((unsigned char) p[k]) || p[k] == '-'))
                k++;
        /* "DTSTART" alone is one too: its parameters and value may follow
         * on folded lines. */
        return k > 0 && (k == n || p[k] == ':' || p[k] == ';');
}

static bool ics_line_is(const char *line, const char *what) {
        return strcasecmp(line, what) == 0;
}

typedef struct IcsCleaner {
        FILE *out;
        char *line;                     /* the logical line being assembled */
        size_t size;
        FILE *f;
        unsigned line_no;               /* where it began */
        int depth;                      /* BEGIN minus END so far */
        unsigned open_line;             /* the outermost BEGIN still open */
        bool any_component;
} IcsCleaner;

static int ics_cleaner_flush(IcsCleaner *c) {
        if (!c->f)
                return 0;
        if (fclose(c->f) != 0) {
                c->f = NULL;
                return -ENOMEM;
        }
        c->f = NULL;

        fprintf(c->out, "%s\r\n", c->line);
        if (strncasecmp(c->line, "BEGIN:", 6) == 0) {
                if (c->depth++ == 0)
                        c->open_line = c->line_no;
                c->any_component = true;
        } else if (strncasecmp(c->line, "END:", 4) == 0 && c->depth > 0)
                c->depth--;
        if (ics_line_is(c->line, "BEGIN:VEVENT"))
                fprintf(c->out, ICS_LINE_PROPERTY ":%u\r\n", c->line_no);
        free(c->line);
        c->line = NULL;
        return 0;
}

static int ics_cleaner_line(IcsCleaner *c, const char *p, size_t n, unsigned line_no) {
        int r;

        if (strspn(p, " \t\f\v") >= n)
                return 0;                       /* a blank line */
        if (c->f && (p[0] == ' ' || p[0] == '\t'))
                p++, n--;                       /* a folded line */
        else if (!c->f || ics_is_content_line(p, n)) {
                r = ics_cleaner_flush(c);
                if (r < 0)
                        return r;
                c->f = open_memstream(&c->line, &c->size);
                if (!c->f)
                        return -ENOMEM;
                c->line_no = line_no;
        }
        /* Otherwise a line that should have been folded: join it. */
        fwrite(p, 1, n, c->f);
        return 0;
}

int ics_clean(const char *path, const char *text, size_t size, char **ret) {
        _cleanup_free_ char *body = NULL;
        size_t body_size = 0;
        IcsCleaner c = {};
        const char *p = text, *end = text + size;
        unsigned line_no = 1;
        bool calendar;
        int r = 0;

        if (size >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
                p += 3;

        c.out = open_memstream(&body, &body_size);
        if (!c.out)
                return -ENOMEM;
        while (p < end && r >= 0) {
                const char *e = p;

                while (e < end && *e != '\r' && *e != '\n')
                        e++;
                r = ics_cleaner_line(&c, p, e - p, line_no);
                if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n')
                        e++;
                p = e + 1;
                line_no++;
        }
        if (r >= 0)
                r = ics_cleaner_flush(&c);
        if (c.f)
                fclose(c.f);
        free(c.line);
        if (fclose(c.out) != 0 || r < 0)
                return r < 0 ? r : -ENOMEM;

        if (!c.any_component)
                return log_warning_errno(EBADMSG, _("%s: no BEGIN: line, not an iCalendar file"), path);
        if (c.depth > 0)
                return log_warning_errno(EBADMSG, _("%s:%u: this BEGIN has no END: the file is cut short"), path,
                                         c.open_line);

        calendar = strncasecmp(body, "BEGIN:VCALENDAR\r\n", 17) == 0;
        if (calendar) {
                *ret = TAKE_PTR(body);
                return 0;
        }
        if (asprintf(ret, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n%sEND:VCALENDAR\r\n", body) < 0)
                return -ENOMEM;
        return 0;
}

int ics_read_file(const char *path, char **ret, size_t *ret_size) {
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, n = 0;
        int r;

        r = fopen_regular(path, &f, NULL);
        if (r == -EBADFD)
                return log_error_errno(r, _("%s: not a regular file (a FIFO, a device or a socket), cannot read it"),
                                       path);
        if (r < 0)
                return log_error_errno(r, _("%s: cannot open: %m"), path);
        for (;;) {
                size_t k;

                if (n + 4096 + 1 > size) {
                        char *b = realloc(buf, size = MAX(size * 2, (size_t) 65536));

                        if (!b)
                                return -ENOMEM;
                        buf = b;
                }
                k = fread(buf + n, 1, size - n - 1, f);
                n += k;
                if (k == 0)
                        break;
        }
        if (ferror(f))
                return log_error_errno(EIO, _("%s: cannot read: %m"), path);
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}
