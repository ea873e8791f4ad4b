/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/spool.h"
#include "shared/csv-reader.h"
#include "shared/hash.h"
#include "shared/log.h"
#include "shared/time-util.h"

void spool_file_done(SpoolFile *f) {
        free(f->name);
        free(f->hash);
        incident_list_free(f->good);
        free(f->reasons);
        *f = (SpoolFile) {};
}

void spool_dir_done(SpoolDir *d) {
        free(d->path);
        closep(&d->fd);
        closep(&d->processed_fd);
        closep(&d->failed_fd);
        *d = (SpoolDir) { .fd = -EBADF, .processed_fd = -EBADF, .failed_fd = -EBADF };
}

/* sub of dir_fd, made (0750) when missing, opened without following a
 * symbolic link: what a writer put there instead of a directory is
 * -ELOOP or -ENOTDIR. */
static int spool_open_subdir(int dir_fd, const char *sub) {
        int fd;

        if (mkdirat(dir_fd, sub, 0750) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(dir_fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int spool_dir_open(const char *path, SpoolDir *ret) {
        _cleanup_(spool_dir_done) SpoolDir d = { .fd = -EBADF, .processed_fd = -EBADF, .failed_fd = -EBADF };

        d.path = strdup(path);
        if (!d.path)
                return -ENOMEM;
        d.fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d.fd < 0)
                return -errno;
        d.processed_fd = spool_open_subdir(d.fd, SPOOL_PROCESSED);
        if (d.processed_fd < 0)
                return d.processed_fd;
        d.failed_fd = spool_open_subdir(d.fd, SPOOL_FAILED);
        if (d.failed_fd < 0)
                return d.failed_fd;
        *ret = d;
        d = (SpoolDir) { .fd = -EBADF, .processed_fd = -EBADF, .failed_fd = -EBADF };
        return 0;
}

typedef struct SpoolReader {
        const Policy *policy;
        const Roster *roster;
        usec_t now;
        SpoolFile *file;
        FILE *reasons;
} SpoolReader;

/* Reasons quote at most 64 bytes of a field: a 10 MB line makes no 10 MB
 * log message. */
_printf_(3, 4)
static void spool_bad_line(SpoolReader *rd, unsigned line, const char *format, ...) {
        va_list ap;

        fprintf(rd->reasons, "%s:%u: ", rd->file->name, line);
        va_start(ap, format);
        vfprintf(rd->reasons, format, ap);
        va_end(ap);
        fputc('\n', rd->reasons);
        rd->file->n_bad++;
}

/* Why incident_check() refused a line, in the words of a reason file. */
static void spool_refused(SpoolReader *rd, unsigned line, int error, const Incident *inc, const char *time) {
        switch (error) {
        case -ENXIO:
                spool_bad_line(rd, line, "no such operator '%.64s' in the roster", inc->operator);
                break;
        case -ENOKEY:
                spool_bad_line(rd, line, "no such category '%.64s'", inc->category);
                break;
        case -EDOM:
                spool_bad_line(rd, line, "the time '%.64s' lies in the future", time);
                break;
        case -ESTALE:
                spool_bad_line(rd, line, "the time '%.64s' lies more than %u days back", time,
                               (unsigned) (INCIDENT_PAST_LIMIT / USEC_PER_DAY));
                break;
        case -E2BIG:
                spool_bad_line(rd, line, "the note is longer than %d bytes", INCIDENT_NOTE_MAX);
                break;
        default:
                spool_bad_line(rd, line, "%s", strerror(-error));
                break;
        }
}

static int spool_record(const CsvRecord *rec, void *userdata) {
        SpoolReader *rd = userdata;
        _cleanup_free_ char *id = NULL, *source = NULL;
        const char *text, *operator, *category;
        Incident inc;
        usec_t when;
        int r;

        if (rec->not_utf8) {
                spool_bad_line(rd, rec->line, "not valid UTF-8 (spool files must be UTF-8)");
                return 0;
        }
        if (rec->n_fields < 3 || rec->n_fields > 4) {
                spool_bad_line(rd, rec->line, "expected time,operator,category[,note], got %zu fields", rec->n_fields);
                return 0;
        }
        text = rec->fields[0];
        operator = rec->fields[1];
        category = rec->fields[2];
        if (rec->line == 1 && strcasecmp(text, "time") == 0)
                return 0;       /* a header */

        r = time_parse_iso8601(text, rd->policy->timezone, &when);
        if (r < 0) {
                spool_bad_line(rd, rec->line, "expected an ISO 8601 time such as 2025-01-06T10:30:00, got '%.64s'",
                               text);
                return 0;
        }
        inc = (Incident) {
                .operator = (char *) operator,
                .category = (char *) category,
                .when = when,
                .received = MAX(when, rd->now),
                .note = rec->n_fields > 3 && !isempty(rec->fields[3]) ? rec->fields[3] : NULL,
        };
        r = incident_check(&inc, rd->roster, rd->policy, rd->now);
        if (r < 0) {
                spool_refused(rd, rec->line, r, &inc, text);
                return 0;
        }

        if (asprintf(&id, "spool-%.16s-%u", rd->file->hash + strlen("fnv1a64:"), rec->line) < 0 ||
            asprintf(&source, "spool:%s", rd->file->name) < 0)
                return -ENOMEM;
        inc.id = id;
        inc.source = source;
        return incident_list_add(rd->file->good, &inc);
}

/* Whole-file refusal: one reason naming what the file is, nothing of what
 * it holds. */
_printf_(2, 3)
static int spool_refuse(SpoolFile *f, const char *format, ...) {
        _cleanup_free_ char *what = NULL;
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&what, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        free(f->reasons);
        if (asprintf(&f->reasons, "%s: refused, nothing read: %s\n", f->name, what) < 0) {
                f->reasons = NULL;
                return -ENOMEM;
        }
        f->refused = true;
        f->n_bad = 1;
        return 0;
}

static const char *spool_file_type(mode_t mode) {
        switch (mode & S_IFMT) {
        case S_IFIFO:
                return "a FIFO";
        case S_IFSOCK:
                return "a socket";
        case S_IFCHR:
                return "a character device";
        case S_IFBLK:
                return "a block device";
        case S_IFDIR:
                return "a directory";
        default:
                return "not a regular file";
        }
}

/* Open name in d for reading without following a symbolic link and without
 * blocking (a FIFO opens at once and is then refused), and check what was
 * opened. Returns 0 and the descriptor in *ret (-EBADF with the file
 * refused), or a negative errno. */
static int spool_file_open(const SpoolDir *d, SpoolFile *f, struct stat *st, int *ret) {
        _cleanup_(closep) int fd = -EBADF;
        int r;

        fd = openat(d->fd, f->name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0) {
                switch (errno) {
                case ELOOP:
                        r = spool_refuse(f, "a symbolic link; spool files must be regular files renamed into the spool");
                        break;
                case ENXIO:
                        r = spool_refuse(f, "a socket; spool files must be regular files renamed into the spool");
                        break;
                case EACCES:
                case EPERM:
                        r = spool_refuse(f, "respited may not read it; give it to the spool's group (chmod g+r)");
                        break;
                default:
                        return -errno;
                }
                *ret = -EBADF;
                return r;
        }
        if (fstat(fd, st) < 0)
                return -errno;
        if (!S_ISREG(st->st_mode))
                r = spool_refuse(f, "%s; spool files must be regular files renamed into the spool",
                                 spool_file_type(st->st_mode));
        else if (st->st_nlink != 1)
                r = spool_refuse(f, "it has %ju names (hard links); a spool file must be renamed in, not linked",
                                 (uintmax_t) st->st_nlink);
        else if ((uint64_t) st->st_size > SPOOL_FILE_MAX)
                r = spool_refuse(f, "%jd bytes, more than %u MiB; split it", (intmax_t) st->st_size,
                                 SPOOL_FILE_MAX / 1024 / 1024);
        else
                r = 0;
        *ret = f->refused ? -EBADF : TAKE_FD(fd);
        return r;
}

/* Read all of fd into *ret, SPOOL_FILE_MAX bytes at most: -EFBIG beyond
 * (a file that grew after fstat()). */
static int spool_file_slurp(int fd, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, room = 0;

        for (;;) {
                ssize_t n;

                if (size == room) {
                        char *p;

                        if (room > SPOOL_FILE_MAX)
                                return -EFBIG;
                        room = room == 0 ? 64 * 1024 : room * 2;
                        p = realloc(buf, room + 1);
                        if (!p)
                                return -ENOMEM;
                        buf = p;
                }
                n = read(fd, buf + size, room - size);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                size += n;
        }
        if (size > SPOOL_FILE_MAX)
                return -EFBIG;
        buf[size] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

/* FNV-1a, 64 bit, and the size: enough to tell a file taken before a crash
 * from a new one of the same name. */
static int spool_hash(const char *data, size_t size, char **ret) {
        uint64_t h = fnv1a64(data, size, FNV1A64_OFFSET);

        return asprintf(ret, "fnv1a64:%016" PRIx64 "-%zu", h, size) < 0 ? -ENOMEM : 0;
}

int spool_file_read(const SpoolDir *d, const char *name, const Policy *policy, const Roster *roster, usec_t now,
                    SpoolFile *ret) {
        _cleanup_(spool_file_done) SpoolFile f = {};
        _cleanup_free_ char *path = NULL, *data = NULL;
        _cleanup_(closep) int fd = -EBADF;
        _cleanup_(fclosep) FILE *in = NULL;
        size_t size = 0, reasons_size = 0;
        SpoolReader rd = { .policy = policy, .roster = roster, .now = now, .file = &f };
        struct stat st;
        int r;

        if (asprintf(&path, "%s/%s", d->path, name) < 0)
                return -ENOMEM;
        f.name = strdup(name);
        f.good = incident_list_new();
        if (!f.name || !f.good)
                return -ENOMEM;

        r = spool_file_open(d, &f, &st, &fd);
        if (r < 0)
                return r;
        if (fd >= 0) {
                f.mode = st.st_mode;
                f.gid = st.st_gid;
                r = spool_file_slurp(fd, &data, &size);
                if (r == -EFBIG)
                        r = spool_refuse(&f, "it grew beyond %u MiB while read; split it", SPOOL_FILE_MAX / 1024 / 1024);
                else if (r >= 0 && size == 0)
                        r = spool_refuse(&f, "it is empty");
                if (r < 0)
                        return r;
        }
        if (f.refused) {
                *ret = f;
                f = (SpoolFile) {};
                return 0;
        }

        r = spool_hash(data, size, &f.hash);
        if (r < 0)
                return r;
        in = fmemopen(data, size, "r");
        if (!in)
                return -errno;
        rd.reasons = open_memstream(&f.reasons, &reasons_size);
        if (!rd.reasons)
                return -ENOMEM;
        r = csv_read_stream(path, in, spool_record, &rd);
        if (r == -EBADMSG)
                spool_bad_line(&rd, 0, "a quoted field is never closed; the file ends inside it");
        else if (r == -ENODATA)
                spool_bad_line(&rd, 0, "no line in it");
        fclose(rd.reasons);
        if (r < 0 && r != -EBADMSG && r != -ENODATA)
                return r;
        if (f.n_bad == 0) {
                free(f.reasons);
                f.reasons = NULL;
        }

        *ret = f;
        f = (SpoolFile) {};
        return 0;
}

/* Whether name or its reason file is there in dir_fd (without following). */
static bool spool_name_taken(int dir_fd, const char *name, bool with_reason) {
        _cleanup_free_ char *reason = NULL;
        struct stat st;

        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) >= 0)
                return true;
        if (!with_reason)
                return false;
        if (asprintf(&reason, "%s.reason", name) < 0)
                return true;
        return fstatat(dir_fd, reason, &st, AT_SYMLINK_NOFOLLOW) >= 0;
}

/* Rename name in from_fd to name, or name.1, name.2, … when taken (with a
 * reason to come: when that name's .reason is taken too), in to_fd.
 * Returns 0 and the name used in *ret, or a negative errno. */
static int spool_move_into(int from_fd, const char *name, int to_fd, bool with_reason, char **ret) {
        for (unsigned n = 0; n < 1000; n++) {
                _cleanup_free_ char *to = NULL;

                if ((n == 0 ? asprintf(&to, "%s", name) : asprintf(&to, "%s.%u", name, n)) < 0)
                        return -ENOMEM;
                if (with_reason && spool_name_taken(to_fd, to, true))
                        continue;
                if (renameat2(from_fd, name, to_fd, to, RENAME_NOREPLACE) >= 0) {
                        *ret = TAKE_PTR(to);
                        return 0;
                }
                if (errno != EEXIST)
                        return -errno;
        }
        return -EEXIST;
}

/* NAME.reason in dir_fd, new (O_EXCL: never through what is there). It may
 * be read by the spool's group only when the file itself could be: by
 * everyone, or by the group the reason file gets (the setgid spool's). */
static int spool_write_reasons(int dir_fd, const char *name, const SpoolFile *f) {
        _cleanup_free_ char *reason = NULL;
        _cleanup_(fclosep) FILE *out = NULL;
        mode_t mode = 0600;
        struct stat st;
        int fd;

        if (asprintf(&reason, "%s.reason", name) < 0)
                return -ENOMEM;
        fd = openat(dir_fd, reason, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        out = fdopen(fd, "we");
        if (!out) {
                int r = -errno;

                close(fd);
                return r;
        }
        if (fstat(fd, &st) < 0)
                return -errno;
        if (f->refused || (f->mode & S_IROTH) || ((f->mode & S_IRGRP) && f->gid == st.st_gid))
                mode = 0640;
        if (fchmod(fd, mode) < 0)
                return -errno;
        fputs(f->reasons, out);
        if (fflush(out) != 0 || ferror(out))
                return -EIO;
        return fsync(fd) < 0 ? -errno : 0;
}

int spool_file_finish(const SpoolDir *d, const SpoolFile *f) {
        _cleanup_free_ char *moved = NULL;
        bool failed = f->n_bad > 0;
        int sub_fd = failed ? d->failed_fd : d->processed_fd;
        int r;

        r = spool_move_into(d->fd, f->name, sub_fd, failed, &moved);
        if (r < 0)
                return r;
        if (!failed)
                return 0;
        return spool_write_reasons(sub_fd, moved, f);
}

/* The retry of files whose fn asked for it: 1 s, doubling to 60 s. */
#define SPOOL_RETRY_FIRST USEC_PER_SEC
#define SPOOL_RETRY_MAX (60 * USEC_PER_SEC)

typedef struct SpoolWatch {
        SpoolDir dir;
        spool_file_fn fn;
        void *userdata;
        sd_event *event;
        sd_event_source *retry;         /* armed while some file waits for another try */
        usec_t retry_delay;             /* the next try's, 0 when none waits */
} SpoolWatch;

static void spool_watch_free(void *p) {
        SpoolWatch *w = p;

        if (!w)
                return;
        spool_dir_done(&w->dir);
        sd_event_source_disable_unref(w->retry);
        free(w);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(SpoolWatch *, spool_watch_free);

static bool spool_name_ok(const char *name) {
        return !isempty(name) && name[0] != '.';
}

/* Every entry of the spool not starting with '.' that is not a directory
 * (symbolic links, FIFOs and the like too: fn refuses them), in name order.
 * Returns whether fn asked for a retry of any, or a negative errno. */
static int spool_scan(SpoolWatch *w) {
        _cleanup_(strv_freep) char **names = NULL;
        bool retry = false;
        DIR *d;
        struct dirent *de;
        int fd, r = 0;

        /* A description of its own: readdir() starts at the beginning. */
        fd = openat(w->dir.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                r = -errno;
                close(fd);
                return r;
        }
        while ((de = readdir(d))) {
                struct stat st;

                if (!spool_name_ok(de->d_name) || de->d_type == DT_DIR)
                        continue;
                if (de->d_type == DT_UNKNOWN &&
                    (fstatat(w->dir.fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode)))
                        continue;
                r = strv_extend(&names, de->d_name);
                if (r < 0)
                        break;
        }
        closedir(d);
        if (r < 0)
                return r;

        if (names)
                qsort(names, strv_length(names), sizeof(char *), strptr_compare);
        for (char **n = names; n && *n; n++)
                if (w->fn(&w->dir, *n, w->userdata) == SPOOL_RETRY)
                        retry = true;
        return retry;
}

static int spool_on_retry(sd_event_source *s, uint64_t usec, void *userdata);

/* Arm the retry timer unless armed, after w->retry_delay (1 s at first). */
static int spool_retry_arm(SpoolWatch *w) {
        int r;

        if (w->retry_delay == 0)
                w->retry_delay = SPOOL_RETRY_FIRST;
        if (!w->retry)
                return sd_event_add_time_relative(w->event, &w->retry, CLOCK_MONOTONIC, w->retry_delay, 0,
                                                  spool_on_retry, w);
        r = sd_event_source_get_enabled(w->retry, NULL);
        if (r != 0)
                return r;
        r = sd_event_source_set_time_relative(w->retry, w->retry_delay);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(w->retry, SD_EVENT_ONESHOT);
}

static int spool_on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        SpoolWatch *w = userdata;
        int r;

        r = spool_scan(w);
        if (r > 0) {
                w->retry_delay = MIN(w->retry_delay * 2, SPOOL_RETRY_MAX);
                r = spool_retry_arm(w);
        } else
                w->retry_delay = 0;
        if (r < 0)
                log_warning_errno(r, "Failed to look at the spool '%s' again: %m", w->dir.path);
        return 0;
}

static int spool_on_inotify(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        SpoolWatch *w = userdata;
        int r;

        if (ev->mask & IN_Q_OVERFLOW)
                r = spool_scan(w);
        else if ((ev->mask & IN_MOVED_TO) && !(ev->mask & IN_ISDIR) && ev->len > 0 && spool_name_ok(ev->name))
                r = w->fn(&w->dir, ev->name, w->userdata) == SPOOL_RETRY;
        else
                return 0;
        if (r > 0)
                r = spool_retry_arm(w);
        /* Not returned: sd-event would turn the watch off for good. */
        if (r < 0)
                log_warning_errno(r, "Failed to scan the spool '%s' or to arm its retry: %m", w->dir.path);
        return 0;
}

int spool_watch(sd_event *e, const char *dir, spool_file_fn fn, void *userdata, sd_event_source **ret) {
        _cleanup_(spool_watch_freep) SpoolWatch *w = NULL;
        _cleanup_(sd_event_source_unrefp) sd_event_source *src = NULL;
        SpoolWatch *watch;
        int r;

        w = calloc(1, sizeof(SpoolWatch));
        if (!w)
                return -ENOMEM;
        w->dir = (SpoolDir) { .fd = -EBADF, .processed_fd = -EBADF, .failed_fd = -EBADF };
        r = spool_dir_open(dir, &w->dir);
        if (r < 0)
                return r;
        w->fn = fn;
        w->userdata = userdata;
        w->event = e;

        r = sd_event_add_inotify(e, &src, dir, IN_MOVED_TO | IN_ONLYDIR, spool_on_inotify, w);
        if (r < 0)
                return r;
        r = sd_event_source_set_destroy_callback(src, spool_watch_free);
        if (r < 0)
                return r;
        watch = TAKE_PTR(w);    /* src's now */

        r = spool_scan(watch);
        if (r > 0)
                r = spool_retry_arm(watch);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(src);
        return 0;
}
