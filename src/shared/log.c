/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <sys/stat.h>

#include "shared/escape.h"
#include "shared/log.h"

static int log_max_level = LOG_INFO;
static bool log_prefix_level = false;
static FILE *log_target = NULL;

void log_setup(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        /* $JOURNAL_STREAM is "device:inode" of the stream journald gave us. */
        if (e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 &&
            fstat(STDERR_FILENO, &st) >= 0 &&
            (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino)
                log_prefix_level = true;
}

void log_set_max_level(int level) {
        log_max_level = level;
}

void log_set_target(FILE *f) {
        log_target = f;
}

int log_internal(int level, int error, const char *format, ...) {
        FILE *f = log_target ?: stderr;
        int saved_errno = errno, n;
        char text[LOG_LINE_MAX + 1], line[LOG_LINE_MAX + 1];
        va_list ap;

        if (error < 0)
                error = -error;
        if (level > log_max_level)
                return -error;

        /* %m in format strings refers to the error we were given. */
        errno = error;
        va_start(ap, format);
        n = vsnprintf(text, sizeof text, format, ap);
        va_end(ap);
        if (n < 0)
                n = 0;
        /* One line whatever the arguments hold, cut when longer. */
        cescape_controls(text, MIN((size_t) n, sizeof text - 1), (size_t) n >= sizeof text, line, sizeof line);

        if (log_prefix_level)
                fprintf(f, "<%i>", level);
        /* A "<" that starts the line could pass for a priority prefix. */
        fputs(line[0] == '<' ? "\\x3c" : "", f);
        fputs(line[0] == '<' ? line + 1 : line, f);
        fputc('\n', f);
        fflush(f);
        errno = saved_errno;
        return -error;
}
