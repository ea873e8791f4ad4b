/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <sys/stat.h>

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
        int saved_errno = errno;
        va_list ap;

        if (error < 0)
                error = -error;
        if (level > log_max_level)
                return -error;

        if (log_prefix_level)
                fprintf(f, "<%i>", level);
        /* %m in format strings refers to the error we were given. */
        errno = error;
        va_start(ap, format);
        vfprintf(f, format, ap);
        va_end(ap);
        fputc('\n', f);
        fflush(f);
        errno = saved_errno;
        return -error;
}
