/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <csv.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/stat.h>

#include "shared/csv-reader.h"
#include "shared/file-util.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/time-util.h"

#define CSV_CHUNK_SIZE (64 * 1024)

typedef struct CsvReader {
        struct csv_parser parser;
        const char *path;       /* for messages */
        csv_record_fn fn;
        void *userdata;

        char **fields;          /* the record being assembled */
        size_t n_fields, n_allocated;

        unsigned line;          /* line of the next byte fed to the parser */
        unsigned record_line;   /* line the record being assembled starts on */
        bool in_record;         /* a byte of the next record was seen */
        bool after_cr;          /* the last byte fed was '\r' (a '\n' next ends no line) */
        int error;              /* first error; stops the reading */
        bool fn_failed;         /* it is what fn returned */
        size_t n_records;       /* records delivered */
} CsvReader;

static void csv_reader_clear_fields(CsvReader *c) {
        for (size_t i = 0; i < c->n_fields; i++)
                free(c->fields[i]);
        c->n_fields = 0;
}

static void csv_reader_on_field(void *s, size_t len, void *userdata) {
        CsvReader *c = userdata;
        char *copy;

        if (c->error < 0)
                return;

        if (c->n_fields == c->n_allocated) {
                size_t n = MAX(c->n_allocated * 2, (size_t) 16);
                char **f = realloc(c->fields, n * sizeof(char *));

                if (!f) {
                        c->error = -ENOMEM;
                        return;
                }
                c->fields = f;
                c->n_allocated = n;
        }

        copy = strndup(s ?: "", s ? len : 0);
        if (!copy) {
                c->error = -ENOMEM;
                return;
        }
        c->fields[c->n_fields++] = copy;
}

/* Whether every field of the record being assembled is UTF-8. What respite
 * reads goes to D-Bus and iCalendar, which take nothing else. */
static bool csv_reader_fields_utf8(const CsvReader *c) {
        for (size_t i = 0; i < c->n_fields; i++)
                if (!utf8_is_valid(c->fields[i]))
                        return false;
        return true;
}

static void csv_reader_on_record(int terminator, void *userdata) {
        CsvReader *c = userdata;

        if (c->error >= 0) {
                CsvRecord rec = {
                        .fields = c->fields,
                        .n_fields = c->n_fields,
                        .line = c->record_line,
                        .not_utf8 = !csv_reader_fields_utf8(c),
                };
                int r;

                if (rec.not_utf8)
                        log_warning(_("%s:%u: not valid UTF-8 (the file must be UTF-8), skipping row"), c->path,
                                    rec.line);
                r = c->fn(&rec, c->userdata);

                c->n_records++;
                if (r < 0) {
                        c->error = r;
                        c->fn_failed = true;
                }
        }
        csv_reader_clear_fields(c);
        c->in_record = false;
}

static bool csv_reader_is_line_end(char ch) {
        return ch == '\n' || ch == '\r';
}

/* What libcsv skips before a field (its default is_space). */
static bool csv_reader_is_blank(char ch) {
        return ch == ' ' || ch == '\t';
}

/* Feed one line (its end included) to the parser, noting where a record
 * starts: on the first byte that is not a blank or a line end, as libcsv
 * skips blank lines and leading blanks. */
static int csv_reader_feed_line(CsvReader *c, const char *p, size_t n) {
        if (!c->in_record)
                for (size_t i = 0; i < n; i++)
                        if (!csv_reader_is_blank(p[i]) && !csv_reader_is_line_end(p[i])) {
                                c->in_record = true;
                                c->record_line = c->line;
                                break;
                        }

        if (csv_parse(&c->parser, p, n, csv_reader_on_field, csv_reader_on_record, c) != n && c->error >= 0)
                c->error = -ENOMEM;
        return c->error;
}

/* Split a chunk at line ends ("\n", "\r", or "\r\n" counted once, also across
 * chunks) and feed it line by line, so that line numbers stay right. */
static int csv_reader_feed(CsvReader *c, const char *p, size_t n) {
        while (n > 0) {
                size_t l = 0;
                int r;

                /* The '\n' of a "\r\n" split across two chunks. */
                if (c->after_cr && p[0] == '\n') {
                        c->after_cr = false;
                        r = csv_reader_feed_line(c, p, 1);
                        if (r < 0)
                                return r;
                        p++, n--;
                        continue;
                }

                while (l < n && !csv_reader_is_line_end(p[l]))
                        l++;
                c->after_cr = false;
                if (l < n) {
                        if (p[l] == '\r') {
                                if (l + 1 < n && p[l + 1] == '\n')
                                        l++;
                                else if (l + 1 == n)
                                        c->after_cr = true;
                        }
                        l++;
                        r = csv_reader_feed_line(c, p, l);
                        c->line++;
                } else
                        r = csv_reader_feed_line(c, p, l);
                if (r < 0)
                        return r;
                p += l, n -= l;
        }
        return 0;
}

/* libcsv grows the buffer of a field by a fixed step (128 bytes), so a
 * realloc that copies (ASan's always does) makes a 10 MB field take
 * minutes. Handing out twice what is asked keeps it linear. */
static void *csv_reader_realloc(void *p, size_t size) {
        size_t n = 128;

        if (p && malloc_usable_size(p) >= size)
                return p;
        while (n < size && n <= SIZE_MAX / 2)
                n *= 2;
        return realloc(p, MAX(n, size));
}

static void csv_reader_done(CsvReader *c) {
        csv_reader_clear_fields(c);
        free(c->fields);
        csv_free(&c->parser);
}

static int csv_reader_finish(CsvReader *c) {
        int r;

        /* Strict only at the end: rows are read leniently, but a quote left
         * open at the end of the file means the file was cut short. */
        csv_set_opts(&c->parser, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
        r = csv_fini(&c->parser, csv_reader_on_field, csv_reader_on_record, c);
        if (c->error < 0)
                return c->error;
        if (r != 0)
                return csv_error(&c->parser) == CSV_EPARSE ? -EBADMSG : -ENOMEM;
        return 0;
}

static int csv_reader_read(CsvReader *c, FILE *f) {
        _cleanup_(freep) char *buf = NULL;
        bool first = true;

        buf = malloc(CSV_CHUNK_SIZE);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                size_t n = fread(buf, 1, CSV_CHUNK_SIZE, f);
                const char *p = buf;
                int r;

                if (n == 0) {
                        if (ferror(f))
                                return -EIO;
                        return csv_reader_finish(c);
                }
                if (first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
                        p += 3, n -= 3;
                first = false;

                r = csv_reader_feed(c, p, n);
                if (r < 0)
                        return r;
        }
}

/* What libcsv may skip around a field when the delimiter is a tab. */
static int csv_reader_is_space_not_tab(unsigned char ch) {
        return ch == ' ';
}

/* Parse f, calling c->fn for each record. Returns 0, what fn returned
 * (c->fn_failed), -EBADMSG for a quote left open or -ENODATA for a file
 * without records (both logged), or -EIO or -ENOMEM (not logged). */
static int csv_reader_parse(CsvReader *c, FILE *f, char delimiter) {
        int r;

        if (csv_init(&c->parser, CSV_APPEND_NULL) != 0)
                return -ENOMEM;
        csv_set_realloc_func(&c->parser, csv_reader_realloc);
        csv_set_delim(&c->parser, delimiter);
        if (delimiter == '\t')
                csv_set_space_func(&c->parser, csv_reader_is_space_not_tab);
        r = csv_reader_read(c, f);
        csv_reader_done(c);
        if (c->fn_failed)
                return r;
        if (r == -EBADMSG)
                log_warning(_("%s:%u: a quoted field is not closed by the end of the file"), c->path, c->line);
        else if (r >= 0 && c->n_records == 0) {
                log_warning(_("%s: the file is empty, expected a header row"), c->path);
                r = -ENODATA;
        }
        return r;
}

int csv_read_stream(const char *path, FILE *f, csv_record_fn fn, void *userdata) {
        CsvReader c = {
                .path = path,
                .fn = fn,
                .userdata = userdata,
                .line = 1,
        };

        return csv_reader_parse(&c, f, ',');
}

int csv_read_file(const char *path, csv_record_fn fn, void *userdata) {
        _cleanup_(fclosep) FILE *f = NULL;
        int r;

        r = fopen_regular(path, &f, NULL);
        if (r < 0)
                return r;
        return csv_read_stream(path, f, fn, userdata);
}

int csv_require_columns(const char *path, const CsvRecord *header, const char * const *required) {
        for (const char * const *col = required; *col; col++) {
                _cleanup_free_ char *names = NULL;
                size_t size = 0;
                FILE *f;

                if (csv_column(header, *col) >= 0)
                        continue;

                f = open_memstream(&names, &size);
                if (!f)
                        return -ENOMEM;
                for (const char * const *c = required; *c; c++)
                        fprintf(f, "%s%s", c == required ? "" : ",", *c);
                if (fclose(f) != 0)
                        return -ENOMEM;
                log_warning(_("%s:%u: expected a header row naming the columns %s; column '%s' is missing"),
                            path, header->line, names, *col);
                return -EBADMSG;
        }
        return 0;
}

void csv_fputs_field(const char *s, FILE *f) {
        if (!strpbrk(s, ",\"\r\n")) {
                fputs(s, f);
                return;
        }
        fputc('"', f);
        for (; *s; s++) {
                if (*s == '"')
                        fputc('"', f);
                fputc(*s, f);
        }
        fputc('"', f);
}

ssize_t csv_column(const CsvRecord *header, const char *name) {
        for (size_t i = 0; i < header->n_fields; i++) {
                const char *s = header->fields[i];
                size_t n;

                s += strspn(s, " ");
                n = strlen(s);
                while (n > 0 && s[n - 1] == ' ')
                        n--;
                if (n == strlen(name) && strncasecmp(s, name, n) == 0)
                        return (ssize_t) i;
        }
        return -ENOENT;
}

typedef struct CsvTableReader {
        const char *path;
        const CsvTable *table;
        void *userdata;
        ssize_t *index;         /* of each column in the header */
        bool have_header;
        size_t n_skipped;
        unsigned error_line;    /* where a callback stopped the reading */
} CsvTableReader;

static int csv_table_header(CsvTableReader *t, const CsvRecord *rec) {
        _cleanup_free_ const char **required = NULL;
        size_t n = 0;
        int r;

        required = calloc(t->table->n_columns + 1, sizeof(char *));
        if (!required)
                return -ENOMEM;
        for (size_t i = 0; i < t->table->n_columns; i++) {
                const CsvColumn *c = &t->table->columns[i];

                t->index[i] = c->name ? csv_column(rec, c->name) : -ENOENT;
                if (c->name && c->required)
                        required[n++] = c->name;
        }
        r = csv_require_columns(t->path, rec, required);
        if (r < 0)
                return r;
        t->have_header = true;
        r = t->table->header ? t->table->header(rec, t->userdata) : 0;
        if (r < 0)
                t->error_line = rec->line;
        return r;
}

static int csv_table_on_record(const CsvRecord *rec, void *userdata) {
        CsvTableReader *t = userdata;
        CsvRow row = {
                .path = t->path,
                .line = rec->line,
                .rec = rec,
                .columns = t->table->columns,
                .index = t->index,
        };
        int r;

        if (rec->not_utf8) {     /* logged by the reader */
                t->n_skipped++;
                return 0;
        }
        if (!t->have_header)
                return csv_table_header(t, rec);

        r = t->table->row(&row, t->userdata);
        if (row.skipped) {
                t->n_skipped++;
                return 0;
        }
        if (r < 0)
                t->error_line = rec->line;
        return r;
}

int csv_table_read(const char *path, const CsvTable *t, void *userdata, size_t *ret_skipped) {
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_free_ ssize_t *index = calloc(MAX(t->n_columns, (size_t) 1), sizeof(ssize_t));
        CsvTableReader tr = {
                .path = path,
                .table = t,
                .userdata = userdata,
                .index = index,
        };
        CsvReader c = {
                .path = path,
                .fn = csv_table_on_record,
                .userdata = &tr,
                .line = 1,
        };
        int r;

        if (!index)
                return log_error_errno(ENOMEM, _("%s: out of memory"), path);
        r = fopen_regular(path, &f, NULL);
        if (r == -EBADFD)
                return log_error_errno(r, _("%s: not a regular file (a FIFO, a device or a socket), cannot read it"),
                                       path);
        if (r < 0)
                return log_error_errno(r, _("%s: cannot open: %m"), path);
        r = csv_reader_parse(&c, f, t->delimiter ?: ',');
        if (r == -ENOMEM)
                return log_error_errno(r, _("%s: out of memory"), path);
        if (r < 0 && tr.error_line > 0)
                return log_error_errno(r, "%s:%u: %m", path, tr.error_line);
        if (r == -EIO)
                return log_error_errno(r, _("%s: cannot read: %m"), path);
        if (r < 0)
                return r;               /* logged by the reader or the header check */
        if (ret_skipped)
                *ret_skipped = tr.n_skipped;
        return 0;
}

int csv_row_skip(CsvRow *row, const char *format, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int k;

        va_start(ap, format);
        k = vasprintf(&msg, format, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        row->skipped = true;
        /* TRANSLATORS: FILE:LINE, then why a row of a CSV file is left out, a clause of its own ("missing
         * field 'start'"); say "skipping" as you did for the msgid "skipping". */
        return log_warning_errno(EINVAL, _("%s:%u: %s, skipping row"), row->path, row->line, msg);
}

const char *csv_row_field(const CsvRow *row, size_t col) {
        return csv_field(row->rec, row->index[col]);
}

const char *csv_row_label(const CsvRow *row, size_t col) {
        return row->columns[col].label ?: row->columns[col].name;
}

int csv_row_string(CsvRow *row, size_t col, const char **ret) {
        const char *s = csv_row_field(row, col);

        if (isempty(s))
                return csv_row_skip(row, _("missing field '%s'"), csv_row_label(row, col));
        *ret = s;
        return 0;
}

const char *csv_row_optional(const CsvRow *row, size_t col) {
        const char *s = csv_row_field(row, col);

        return isempty(s) ? NULL : s;
}

int csv_row_skip_instant(CsvRow *row, size_t col, const char *zone, const char *value, int error) {
        if (error == -ENOENT)
                return csv_row_skip(row, _("unknown time zone '%s' for '%s'"), zone, value);
        if (error == -ERANGE)
                return csv_row_skip(row, _("instant '%s' in column '%s' is before 1970"), value,
                                    csv_row_label(row, col));
        return csv_row_skip(row, _("expected an ISO 8601 instant in column '%s', got '%s'"), csv_row_label(row, col),
                            value);
}

int csv_row_instant(CsvRow *row, size_t col, const char *zone, usec_t *ret) {
        const char *s;
        int r;

        r = csv_row_string(row, col, &s);
        if (r < 0)
                return r;
        r = time_parse_iso8601(s, zone, ret);
        if (r < 0)
                return csv_row_skip_instant(row, col, zone, s, r);
        return 0;
}

int csv_row_seconds(CsvRow *row, size_t col, unsigned *ret) {
        const char *s = csv_row_field(row, col);
        unsigned long v;
        char *end;

        if (isempty(s)) {
                *ret = 0;
                return 0;
        }
        errno = 0;
        v = strtoul(s, &end, 10);
        if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno == ERANGE || v > UINT_MAX)
                return csv_row_skip(row, _("expected a number of seconds in column '%s', got '%s'"),
                                    csv_row_label(row, col), s);
        *ret = (unsigned) v;
        return 0;
}
