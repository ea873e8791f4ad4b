/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>

#include "shared/file-util.h"
#include "shared/i18n.h"

int open_regular(const char *path, int *ret_fd, struct stat *ret_st) {
        _cleanup_(closep) int fd = -EBADF;
        struct stat st;

        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (ret_st)
                *ret_st = st;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int fopen_regular(const char *path, FILE **ret, struct stat *ret_st) {
        _cleanup_(closep) int fd = -EBADF;
        FILE *f;
        int r;

        r = open_regular(path, &fd, ret_st);
        if (r < 0)
                return r;
        f = fdopen(fd, "re");
        if (!f)
                return -errno;
        TAKE_FD(fd);
        *ret = f;
        return 0;
}

const char *file_type_name(mode_t mode) {
        switch (mode & S_IFMT) {
        case S_IFREG:
                return _("a regular file");
        case S_IFDIR:
                return _("a directory");
        case S_IFIFO:
                return _("a FIFO");
        case S_IFCHR:
                return _("a character device");
        case S_IFBLK:
                return _("a block device");
        case S_IFSOCK:
                return _("a socket");
        case S_IFLNK:
                return _("a symbolic link");
        default:
                /* TRANSLATORS: what a file is, beside "a FIFO", "a directory": a noun. */
                return C_("file kind", "not a regular file");
        }
}

char *format_bytes(char buf[static FORMAT_BYTES_MAX], uint64_t n) {
        static const char units[][4] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        unsigned u = 0;
        uint64_t scale = 1;

        while (u + 1 < ELEMENTSOF(units) && n / scale >= 1024) {
                scale *= 1024;
                u++;
        }
        if (n % scale == 0)
                snprintf(buf, FORMAT_BYTES_MAX, "%" PRIu64 " %.3s", n / scale, units[u]);
        else
                snprintf(buf, FORMAT_BYTES_MAX, "%.1f %.3s", (double) n / (double) scale, units[u]);
        return buf;
}
