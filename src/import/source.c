/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fnmatch.h>
#include <limits.h>

#include "core/policy.h"
#include "import/calls-csv.h"
#include "import/queue-log.h"
#include "import/roster-csv.h"
#include "import/roster-ics.h"
#include "import/source.h"
#include "shared/file-util.h"
#include "shared/i18n.h"
#include "shared/log.h"

SourceFormat source_format(const Policy *p, const char *path) {
        const SourceOptions *o = policy_find_source(p, path);
        const char *base = basename(path);

        if (o && o->format != SOURCE_FORMAT_AUTO)
                return o->format;
        if (fnmatch("*.[iI][cC][sS]", base, 0) == 0)
                return SOURCE_FORMAT_ICS;
        if (fnmatch("*queue_log*", base, 0) == 0)
                return SOURCE_FORMAT_QUEUE_LOG;
        return SOURCE_FORMAT_CSV;
}

/* The offset of the first NUL byte in the first size bytes of fd: 0 and
 * the offset in *ret_offset, -ENOENT when there is none, or a negative
 * errno. */
static int source_find_nul(int fd, uint64_t size, uint64_t *ret_offset) {
        _cleanup_free_ char *buf = malloc(64 * 1024);

        if (!buf)
                return -ENOMEM;
        for (uint64_t at = 0; at < size;) {
                ssize_t n = pread(fd, buf, MIN(size - at, (uint64_t) 64 * 1024), (off_t) at);
                const char *nul;

                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                nul = memchr(buf, 0, (size_t) n);
                if (nul) {
                        *ret_offset = at + (uint64_t) (nul - buf);
                        return 0;
                }
                at += (uint64_t) n;
        }
        return -ENOENT;
}

int source_check(const Policy *p, const char *path, SourceFormat format, const char *what) {
        char size[FORMAT_BYTES_MAX], max[FORMAT_BYTES_MAX];
        _cleanup_(closep) int fd = -EBADF;
        _cleanup_free_ char *target = NULL;
        unsigned char head[2];
        uint64_t nul = 0;
        struct stat st;
        int r;

        r = open_regular(path, &fd, &st);
        if (r == -EISDIR)
                return log_error_errno(r, _("%s: a directory, expected %s"), path, what);
        if (r == -EBADFD) {
                /* Name where a symbolic link leads: "roster.csv → /dev/zero". */
                target = realpath(path, NULL);
                if (target && !streq(target, path))
                        return log_error_errno(r, _("%s: a link to %s, %s, not a regular file; a source must be a "
                                                 "regular file (it is opened without blocking and never read)"),
                                               path, target, file_type_name(st.st_mode));
                return log_error_errno(r, _("%s: %s, not a regular file; a source must be a regular file "
                                         "(it is opened without blocking and never read)"),
                                       path, file_type_name(st.st_mode));
        }
        if (r < 0)
                return log_error_errno(r, _("%s: cannot open: %m"), path);

        /* A queue_log is followed, not read whole (its read position is
         * stored): it may grow past any limit over the months. */
        if (format == SOURCE_FORMAT_QUEUE_LOG)
                return 0;
        if ((uint64_t) st.st_size > p->sources_max_size)
                return log_error_errno(EFBIG, _("%s: %s is larger than sources.max_size (%s); split the file or "
                                         "raise sources.max_size in respite.conf"),
                                       path, format_bytes(size, (uint64_t) st.st_size),
                                       format_bytes(max, p->sources_max_size));
        if (pread(fd, head, sizeof head, 0) == (ssize_t) sizeof head &&
            ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
                return log_error_errno(EBADMSG, _("%s: UTF-16 text, expected UTF-8; save it again as UTF-8 "
                                         "(\"CSV UTF-8\" in a spreadsheet)"), path);
        r = source_find_nul(fd, (uint64_t) st.st_size, &nul);
        if (r == 0)
                return log_error_errno(EBADMSG, _("%s: binary data (a NUL byte at offset %" PRIu64 "), not %s"),
                                       path, nul, what);
        if (r == -ENOMEM)
                return log_error_errno(r, _("%s: out of memory"), path);
        if (r != -ENOENT)
                return log_error_errno(r, _("%s: cannot read: %m"), path);
        return 0;
}

static int source_load_roster_format(Roster *r, const Policy *p, const char *path, usec_t from, usec_t to,
                                     size_t *ret_skipped) {
        const SourceOptions *o = policy_find_source(p, path);
        const char *zone = o && o->timezone ? o->timezone : p->timezone;

        switch (source_format(p, path)) {
        case SOURCE_FORMAT_ICS: {
                RosterIcsOptions ics = {
                        .operator_from = o ? o->operator_from : ICS_OPERATOR_FILE_NAME,
                        .operator = o ? o->operator : NULL,
                        .operator_property = o ? o->operator_property : NULL,
                        .operator_pattern = o ? o->operator_pattern : NULL,
                        .team = o ? o->team : NULL,
                        .zone = zone,
                        .from = from,
                        .to = to,
                };

                return roster_load_ics(r, path, &ics, ret_skipped);
        }
        case SOURCE_FORMAT_CSV: {
                RosterCsvFormat csv = { .zone = zone };

                if (o)
                        csv = (RosterCsvFormat) {
                                .col_operator = o->columns.operator,
                                .col_name = o->columns.name,
                                .col_team = o->columns.team,
                                .col_start = o->columns.start,
                                .col_end = o->columns.end,
                                .operator = o->operator,
                                .team = o->team,
                                .date_format = o->date_format,
                                .zone = zone,
                                .delimiter = o->delimiter,
                                .skip_column = o->skip_column,
                                .skip_match = o->skip_match,
                        };
                return roster_load_csv_format(r, path, &csv, ret_skipped);
        }
        default:
                return log_error_errno(EPROTOTYPE, _("%s: an Asterisk queue_log holds no roster"), path);
        }
}

int source_load_roster(Roster *r, const Policy *p, const char *path, usec_t from, usec_t to, size_t *ret_skipped) {
        int k = source_check(p, path, source_format(p, path), _("a roster"));

        if (k >= 0)
                k = source_load_roster_format(r, p, path, from, to, ret_skipped);

        /* The daemon keeps each file's roster as long as the file stands. */
        roster_trim(r);
        return k;
}

int source_load_calls(CallLog *l, const Policy *p, const char *path, size_t *ret_skipped) {
        const SourceOptions *o = policy_find_source(p, path);
        _cleanup_(queue_log_freep) QueueLog *q = NULL;
        SourceFormat format = source_format(p, path);
        int r;

        r = source_check(p, path, format, _("a call-record file"));
        if (r < 0)
                return r;
        switch (format) {
        case SOURCE_FORMAT_QUEUE_LOG:
                r = queue_log_new(&q);
                if (r < 0)
                        return log_error_errno(r, _("%s: out of memory"), path);
                r = queue_log_load(q, path, o, ret_skipped);
                if (r < 0)
                        return r;
                r = call_log_append(l, q->calls);
                /* The pauses taken: those closed by the end of the file. */
                for (size_t i = 0; r >= 0 && i < q->n_pauses; i++)
                        r = call_log_add_pause(l, q->pauses[i].operator, q->pauses[i].start, q->pauses[i].end);
                if (r < 0)
                        return log_error_errno(r, _("%s: out of memory"), path);
                return 0;
        case SOURCE_FORMAT_CSV:
                return call_log_load_csv(l, path, o && o->timezone ? o->timezone : p->timezone, ret_skipped);
        default:
                return log_error_errno(EPROTOTYPE, _("%s: an iCalendar file holds no call records"), path);
        }
}
