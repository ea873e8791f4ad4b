/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "daemon/spool.h"
#include "shared/csv-reader.h"
#include "shared/hash.h"
#include "shared/time-util.h"

void spool_file_done(SpoolFile *f) {
        free(f->name);
        free(f->hash);
        incident_list_free(f->good);
        free(f->reasons);
        *f = (SpoolFile) {};
}

/* FNV-1a, 64 bit, and the size: enough to tell a file taken before a crash
 * from a new one of the same name. */
static int spool_hash_file(const char *path, char **ret) {
        _cleanup_(fclosep) FILE *f = NULL;
        uint64_t h = FNV1A64_OFFSET, size = 0;
        char buf[64 * 1024];
        size_t n;

        f = fopen(path, "re");
        if (!f)
                return -errno;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
                h = fnv1a64(buf, n, h);
                size += n;
        }
        if (ferror(f))
                return -EIO;
        return asprintf(ret, "fnv1a64:%016" PRIx64 "-%" PRIu64, h, size) < 0 ? -ENOMEM : 0;
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

int spool_file_read(const char *dir, const char *name, const Policy *policy, const Roster *roster, usec_t now,
                    SpoolFile *ret) {
        _cleanup_(spool_file_done) SpoolFile f = {};
        _cleanup_free_ char *path = NULL;
        size_t size = 0;
        SpoolReader rd = { .policy = policy, .roster = roster, .now = now, .file = &f };
        int r;

        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        f.name = strdup(name);
        f.good = incident_list_new();
        if (!f.name || !f.good)
                return -ENOMEM;
        r = spool_hash_file(path, &f.hash);
        if (r < 0)
                return r;

        rd.reasons = open_memstream(&f.reasons, &size);
        if (!rd.reasons)
                return -ENOMEM;
        r = csv_read_file(path, spool_record, &rd);
        if (r == -EBADMSG)
                spool_bad_line(&rd, 0, "a quoted field is never closed; the file ends inside it");
        fclose(rd.reasons);
        if (r < 0 && r != -EBADMSG)
                return r;
        if (f.n_bad == 0) {
                free(f.reasons);
                f.reasons = NULL;
        }

        *ret = f;
        f = (SpoolFile) {};
        return 0;
}

static int spool_make_subdir(const char *dir, const char *sub) {
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, "%s/%s", dir, sub) < 0)
                return -ENOMEM;
        if (mkdir(path, 0750) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

/* Rename dir/name to dir/sub/name, or name.1, name.2, … when taken.
 * Returns 0 and the name used in *ret, or a negative errno. */
static int spool_move_into(const char *dir, const char *name, const char *sub, char **ret) {
        _cleanup_free_ char *from = NULL;

        if (asprintf(&from, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        for (unsigned n = 0; n < 1000; n++) {
                _cleanup_free_ char *to = NULL;

                if ((n == 0 ? asprintf(&to, "%s/%s/%s", dir, sub, name) :
                              asprintf(&to, "%s/%s/%s.%u", dir, sub, name, n)) < 0)
                        return -ENOMEM;
                if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) >= 0) {
                        *ret = strdup(basename(to));
                        return *ret ? 0 : -ENOMEM;
                }
                if (errno != EEXIST)
                        return -errno;
        }
        return -EEXIST;
}

static int spool_write_reasons(const char *dir, const char *name, const char *text) {
        _cleanup_free_ char *path = NULL;
        _cleanup_(fclosep) FILE *f = NULL;

        if (asprintf(&path, "%s/" SPOOL_FAILED "/%s.reason", dir, name) < 0)
                return -ENOMEM;
        f = fopen(path, "we");
        if (!f)
                return -errno;
        fputs(text, f);
        if (fflush(f) != 0 || ferror(f))
                return -EIO;
        return fsync(fileno(f)) < 0 ? -errno : 0;
}

int spool_file_finish(const char *dir, const SpoolFile *f) {
        _cleanup_free_ char *moved = NULL;
        const char *sub = f->n_bad > 0 ? SPOOL_FAILED : SPOOL_PROCESSED;
        int r;

        r = spool_make_subdir(dir, sub);
        if (r < 0)
                return r;
        r = spool_move_into(dir, f->name, sub, &moved);
        if (r < 0)
                return r;
        if (f->n_bad == 0)
                return 0;
        return spool_write_reasons(dir, moved, f->reasons);
}

typedef struct SpoolWatch {
        char *dir;
        spool_file_fn fn;
        void *userdata;
} SpoolWatch;

static void spool_watch_free(void *p) {
        SpoolWatch *w = p;

        if (!w)
                return;
        free(w->dir);
        free(w);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(SpoolWatch *, spool_watch_free);

static bool spool_name_ok(const char *name) {
        return !isempty(name) && name[0] != '.';
}

/* Every regular file in w->dir not starting with '.', in name order. */
static int spool_scan(SpoolWatch *w) {
        _cleanup_(strv_freep) char **names = NULL;
        DIR *d;
        struct dirent *de;
        int r = 0;

        d = opendir(w->dir);
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                if (!spool_name_ok(de->d_name))
                        continue;
                if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
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
        for (char **n = names; n && *n; n++) {
                struct stat st;
                _cleanup_free_ char *path = NULL;

                if (asprintf(&path, "%s/%s", w->dir, *n) < 0)
                        return -ENOMEM;
                if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
                        continue;
                (void) w->fn(w->dir, *n, w->userdata);
        }
        return 0;
}

static int spool_on_inotify(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        SpoolWatch *w = userdata;

        if (ev->mask & IN_Q_OVERFLOW)
                return spool_scan(w);
        if ((ev->mask & IN_MOVED_TO) && !(ev->mask & IN_ISDIR) && ev->len > 0 && spool_name_ok(ev->name))
                (void) w->fn(w->dir, ev->name, w->userdata);
        return 0;
}

int spool_watch(sd_event *e, const char *dir, spool_file_fn fn, void *userdata, sd_event_source **ret) {
        _cleanup_(spool_watch_freep) SpoolWatch *w = NULL;
        _cleanup_(sd_event_source_unrefp) sd_event_source *src = NULL;
        int r;

        w = calloc(1, sizeof(SpoolWatch));
        if (!w)
                return -ENOMEM;
        w->dir = strdup(dir);
        if (!w->dir)
                return -ENOMEM;
        w->fn = fn;
        w->userdata = userdata;

        if ((r = spool_make_subdir(dir, SPOOL_PROCESSED)) < 0 || (r = spool_make_subdir(dir, SPOOL_FAILED)) < 0)
                return r;
        r = sd_event_add_inotify(e, &src, dir, IN_MOVED_TO | IN_ONLYDIR, spool_on_inotify, w);
        if (r < 0)
                return r;
        r = sd_event_source_set_destroy_callback(src, spool_watch_free);
        if (r < 0)
                return r;
        TAKE_PTR(w);

        r = spool_scan(sd_event_source_get_userdata(src));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(src);
        return 0;
}
