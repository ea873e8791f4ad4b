/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Opening files that respite reads whole (sources, spool files) so that
 * what stands at a path cannot block or flood the reader: a FIFO does not
 * block open(), a device or a socket is refused, and sizes are named for
 * messages. */

#include <sys/stat.h>

#include "shared/util.h"

/* "64 MiB", "2.0 GiB", "512 B": at most this long with its NUL. */
#define FORMAT_BYTES_MAX 32

/* Open path read-only, O_NONBLOCK (a FIFO or a device does not block the
 * open) and O_CLOEXEC, following symbolic links, and check the opened
 * descriptor: a regular file only. Returns 0 with the descriptor in
 * *ret_fd and its fstat(2) in *ret_st (may be NULL), -EISDIR for a
 * directory, -EBADFD for anything else that is not a regular file (a FIFO,
 * a device, a socket; *ret_st still tells which), or open(2)'s -errno.
 * Nothing is logged. */
int open_regular(const char *path, int *ret_fd, struct stat *ret_st);

/* open_regular() as a stdio stream ("re"). */
int fopen_regular(const char *path, FILE **ret, struct stat *ret_st);

/* What a file of type mode is, for a message: "a FIFO", "a character
 * device", "a block device", "a socket", "a directory", "a symbolic link",
 * "a regular file", in the reader's language (gettext). */
const char *file_type_name(mode_t mode);

/* n bytes for a person: "512 B", "64 MiB" when whole, else one decimal
 * ("2.0 GiB", "1.5 KiB"); binary units (IEC 80000-13). Returns buf. */
char *format_bytes(char buf[static FORMAT_BYTES_MAX], uint64_t n);
