/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <fnmatch.h>
#include <strings.h>

#include "import/source-kind.h"
#include "shared/csv-reader.h"
#include "shared/file-util.h"
#include "shared/i18n.h"
#include "shared/log.h"

/* The columns only a call-record CSV has (calls-csv.c), and only a roster (roster-csv.c). */
static const char * const source_kind_call_columns[] = { "call_id", "caller", "queue", "wait_seconds" };
static const char * const source_kind_roster_columns[] = { "name", "team" };
static const char * const source_kind_common_columns[] = { "operator", "start", "end" };

#define SOURCE_KIND_NAMES_MAX 64        /* the longest list above, ", "-separated, fits */
#define SOURCE_KIND_HEADER_MAX 201      /* as much of a header as a message quotes */

const char *source_kind_to_string(SourceKind k) {
        switch (k) {
        case SOURCE_KIND_ROSTER:
                return N_("a roster");
        case SOURCE_KIND_CALLS:
                return N_("a call-record file");
        case SOURCE_KIND_QUEUE_LOG:
                return N_("an Asterisk queue_log");
        default:
                return NULL;
        }
}

/* The first line of path, at most 4 KiB, without a BOM and its line end, into
 * *ret. Returns 0, or a negative errno (not logged). */
static int source_kind_first_line(const char *path, char **ret) {
        _cleanup_(fclosep) FILE *f = NULL;
        char buf[4096], *s = buf;
        int r;

        r = fopen_regular(path, &f, NULL);
        if (r < 0)
                return r;
        if (!fgets(buf, sizeof buf, f))
                return ferror(f) ? -EIO : -ENODATA;
        if (strncmp(s, "\xef\xbb\xbf", 3) == 0)
                s += 3;
        s[strcspn(s, "\r\n")] = '\0';
        return strdup_to(ret, s);
}

/* Whether line is a queue_log line: digits, then at least four '|'-separated
 * fields, the fifth an event name in capitals. */
static bool source_kind_is_queue_log_line(const char *line) {
        const char *s = line, *event;

        if (!isdigit((unsigned char) *s))
                return false;
        while (isdigit((unsigned char) *s))
                s++;
        for (unsigned i = 0; i < 4; i++) {
                if (*s != '|')
                        return false;
                s += strcspn(s + 1, "|") + 1;
        }
        event = line;
        for (unsigned i = 0; i < 4; i++)
                event = strchr(event, '|') + 1;
        return isupper((unsigned char) *event);
}

static int source_kind_header_record(const CsvRecord *rec, void *userdata) {
        char ***header = userdata;

        if (rec->not_utf8)
                return 0;
        for (size_t i = 0; i < rec->n_fields; i++)
                if (strv_extend(header, rec->fields[i]) < 0)
                        return -ENOMEM;
        return -ECANCELED;      /* the header is all we read */
}

/* The names of the columns (of n) that header has, ", "-separated, into
 * buf; their number. */
static size_t source_kind_columns_found(const CsvRecord *header, const char * const *columns, size_t n,
                                        char buf[static SOURCE_KIND_NAMES_MAX]) {
        size_t found = 0, len = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < n; i++) {
                if (csv_column(header, columns[i]) < 0)
                        continue;
                len += snprintf(buf + len, SOURCE_KIND_NAMES_MAX - len, "%s%s", found > 0 ? ", " : "", columns[i]);
                found++;
        }
        return found;
}

/* The header's fields joined by commas, cut at the size of buf. */
static void source_kind_header_text(char * const *fields, char buf[static SOURCE_KIND_HEADER_MAX]) {
        size_t len = 0;

        buf[0] = '\0';
        for (char * const *f = fields; f && *f && len < SOURCE_KIND_HEADER_MAX - 1; f++)
                len += snprintf(buf + len, SOURCE_KIND_HEADER_MAX - len, "%s%s", f == fields ? "" : ",", *f);
}

/* The kind of a CSV, from its header. */
static int source_kind_csv(const char *path, SourceKind *ret, char **ret_why) {
        _cleanup_(strv_freep) char **fields = NULL;
        char calls[SOURCE_KIND_NAMES_MAX], roster[SOURCE_KIND_NAMES_MAX], common[SOURCE_KIND_NAMES_MAX];
        char got[SOURCE_KIND_HEADER_MAX];
        size_t n_calls, n_roster, n_common;
        CsvRecord header;
        int r;

        r = csv_read_file(path, source_kind_header_record, &fields);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0 && r != -ECANCELED && r != -EBADMSG && r != -ENODATA)
                return log_error_errno(r, _("%s: cannot read: %m"), path);
        if (r == -ENODATA)
                return r;       /* logged: the file is empty */
        header = (CsvRecord) { .fields = fields, .n_fields = strv_length(fields), .line = 1 };
        n_calls = source_kind_columns_found(&header, source_kind_call_columns, ELEMENTSOF(source_kind_call_columns),
                                            calls);
        n_roster = source_kind_columns_found(&header, source_kind_roster_columns,
                                             ELEMENTSOF(source_kind_roster_columns), roster);
        n_common = source_kind_columns_found(&header, source_kind_common_columns,
                                             ELEMENTSOF(source_kind_common_columns), common);

        if (n_common < ELEMENTSOF(source_kind_common_columns)) {
                source_kind_header_text(fields, got);
                return log_error_errno(EBADMSG,
                                       _("%s:1: expected a roster's header (operator,start,end and optionally "
                                         "name,team), a call-record header (operator,start,end and optionally "
                                         "call_id,caller,queue,wait_seconds), an iCalendar file (BEGIN:VCALENDAR) "
                                         "or an Asterisk queue_log line (EPOCH|CALLID|QUEUE|AGENT|EVENT|…); "
                                         "got '%s'. A vendor's export needs a column mapping in sources.rosters "
                                         "(respite.conf(5), SOURCES)"), path, got);
        }
        if (n_calls > 0) {
                *ret = SOURCE_KIND_CALLS;
                r = asprintf(ret_why, _("its header has %s"), calls);
        } else if (n_roster > 0) {
                *ret = SOURCE_KIND_ROSTER;
                r = asprintf(ret_why, _("its header has %s"), roster);
        } else {
                *ret = SOURCE_KIND_ROSTER;
                r = strdup_to(ret_why, _("its header has operator, start, end and no call-record column "
                                         "(call_id, caller, queue, wait_seconds)"));
        }
        return r < 0 ? log_oom() : 0;
}

int source_kind_guess(const char *path, SourceKind *ret, char **ret_why) {
        _cleanup_free_ char *line = NULL, *why = NULL;
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        SourceKind kind;
        int r;

        if (fnmatch("*.[iI][cC][sS]", base, 0) == 0) {
                kind = SOURCE_KIND_ROSTER;
                r = strdup_to(&why, _("an iCalendar file: its name ends in .ics"));
        } else if (fnmatch("*queue_log*", base, 0) == 0) {
                kind = SOURCE_KIND_QUEUE_LOG;
                r = strdup_to(&why, _("its name holds queue_log"));
        } else {
                r = source_kind_first_line(path, &line);
                if (r == -ENODATA)
                        return log_error_errno(ENODATA, _("%s: the file is empty, expected a header row"), path);
                if (r == -ENOMEM)
                        return log_oom();
                if (r < 0)
                        return log_error_errno(r, _("%s: cannot open: %m"), path);
                if (strncasecmp(line, "BEGIN:VCALENDAR", 15) == 0) {
                        kind = SOURCE_KIND_ROSTER;
                        r = strdup_to(&why, _("an iCalendar file: it begins with BEGIN:VCALENDAR"));
                } else if (source_kind_is_queue_log_line(line)) {
                        kind = SOURCE_KIND_QUEUE_LOG;
                        r = strdup_to(&why, _("line 1 is EPOCH|CALLID|QUEUE|AGENT|EVENT"));
                } else {
                        r = source_kind_csv(path, &kind, &why);
                        if (r < 0)
                                return r;
                }
        }
        if (r < 0)
                return log_oom();
        *ret = kind;
        if (ret_why)
                *ret_why = TAKE_PTR(why);
        return 0;
}
