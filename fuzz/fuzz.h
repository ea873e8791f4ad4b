/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the libFuzzer targets (fuzz/README.md): a private scratch
 * directory, the fuzz input as a file (the importers read paths), the
 * repository's top directory (for conf/presets), and the log sent to
 * /dev/null (so formatting still runs, but the terminal stays quiet). */

#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "shared/log.h"
#include "shared/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char fuzz_dir[PATH_MAX];

static int fuzz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static void fuzz_cleanup(void) {
        (void) nftw(fuzz_dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* Create the scratch directory (removed at exit) and quiet the log. Aborts
 * on failure: a fuzzer that cannot set up must not report findings. */
static inline const char *fuzz_setup(void) {
        static bool done = false;
        FILE *null;

        if (done)
                return fuzz_dir;
        /* tmpfs: the importers read a file per input. */
        snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/respite-fuzz-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        if (!mkdtemp(fuzz_dir))
                abort();
        atexit(fuzz_cleanup);
        /* FUZZ_LOG=1 keeps the log on stderr, to see what an input does. */
        if (!getenv("FUZZ_LOG")) {
                null = fopen("/dev/null", "we");
                if (!null)
                        abort();
                log_set_target(null);
        }
        setenv("TZ", "UTC", 1);
        done = true;
        return fuzz_dir;
}

/* Write data to <scratch>/name and return the path (static buffer). */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size) {
        static char path[PATH_MAX];
        _cleanup_(closep) int fd = -EBADF;

        snprintf(path, sizeof(path), "%s/%s", fuzz_setup(), name);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                abort();
        for (size_t done = 0; done < size;) {
                ssize_t n = write(fd, data + done, size - done);

                if (n <= 0)
                        abort();
                done += (size_t) n;
        }
        return path;
}

/* The repository's top directory: the fuzzer lives in <top>/build-fuzz/. */
static inline const char *fuzz_top(void) {
        static char top[PATH_MAX];
        char exe[PATH_MAX];
        ssize_t n;

        if (top[0])
                return top;
        n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n <= 0)
                abort();
        exe[n] = 0;
        snprintf(top, sizeof(top), "%s", dirname(dirname(exe)));
        return top;
}

/* A NUL-terminated copy of the input (libFuzzer's buffer is not). */
static inline char *fuzz_string(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);

        if (!s)
                abort();
        memcpy(s, data, size);
        s[size] = 0;
        return s;
}
