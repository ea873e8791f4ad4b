/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <csv.h>
#include <malloc.h>
#include <strings.h>
#include <sys/stat.h>

#include "shared/csv-reader.h"
#include "shared/log.h"

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
        int error;              /* first error from a callback; stops the reading */
        size_t n_records;       /* records delivered */
} CsvReader;

static void reader_clear_fields(CsvReader *c) {
        for (size_t i = 0; i < c->n_fields; i++)
                free(c->fields[i]);
        c->n_fields = 0;
}

static void on_field(void *s, size_t len, void *userdata) {
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
static bool reader_fields_utf8(const CsvReader *c) {
        for (size_t i = 0; i < c->n_fields; i++)
                if (!utf8_is_valid(c->fields[i]))
                        return false;
        return true;
}

static void on_record(int terminator, void *userdata) {
        CsvReader *c = userdata;

        if (c->error >= 0) {
                CsvRecord rec = {
                        .fields = c->fields,
                        .n_fields = c->n_fields,
                        .line = c->record_line,
                        .not_utf8 = !reader_fields_utf8(c),
                };
                int r;

                if (rec.not_utf8)
                        log_warning("%s:%u: not valid UTF-8 (the file must be UTF-8), skipping row", c->path,
                                    rec.line);
                r = c->fn(&rec, c->userdata);

                c->n_records++;
                if (r < 0)
                        c->error = r;
        }
        reader_clear_fields(c);
        c->in_record = false;
}

static bool is_line_end(char ch) {
        return ch == '\n' || ch == '\r';
}

/* What libcsv skips before a field (its default is_space). */
static bool is_blank(char ch) {
        return ch == ' ' || ch == '\t';
}

/* Feed one line (its end included) to the parser, noting where a record
 * starts: on the first byte that is not a blank or a line end, as libcsv
 * skips blank lines and leading blanks. */
static int reader_feed_line(CsvReader *c, const char *p, size_t n) {
        if (!c->in_record)
                for (size_t i = 0; i < n; i++)
                        if (!is_blank(p[i]) && !is_line_end(p[i])) {
                                c->in_record = true;
                                c->record_line = c->line;
                                break;
                        }

        if (csv_parse(&c->parser, p, n, on_field, on_record, c) != n && c->error >= 0)
                c->error = -ENOMEM;
        return c->error;
}

/* Split a chunk at line ends ("\n", "\r", or "\r\n" counted once, also across
 * chunks) and feed it line by line, so that line numbers stay right. */
static int reader_feed(CsvReader *c, const char *p, size_t n) {
        while (n > 0) {
                size_t l = 0;
                int r;

                /* The '\n' of a "\r\n" split across two chunks. */
                if (c->after_cr && p[0] == '\n') {
                        c->after_cr = false;
                        r = reader_feed_line(c, p, 1);
                        if (r < 0)
                                return r;
                        p++, n--;
                        continue;
                }

                while (l < n && !is_line_end(p[l]))
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
                        r = reader_feed_line(c, p, l);
                        c->line++;
                } else
                        r = reader_feed_line(c, p, l);
                if (r < 0)
                        return r;
                p += l, n -= l;
        }
        return 0;
}

/* libcsv grows the buffer of a field by a fixed step (128 bytes), so a
 * realloc that copies (ASan's always does) makes a 10 MB field take
 * minutes. Handing out twice what is asked keeps it linear. */
static void *reader_realloc(void *p, size_t size) {
        size_t n = 128;

        if (p && malloc_usable_size(p) >= size)
                return p;
        while (n < size && n <= SIZE_MAX / 2)
                n *= 2;
        return realloc(p, MAX(n, size));
}

static void reader_done(CsvReader *c) {
        reader_clear_fields(c);
        free(c->fields);
        csv_free(&c->parser);
}

static int reader_finish(CsvReader *c) {
        int r;

        /* Strict only at the end: rows are read leniently, but a quote left
         * open at the end of the file means the file was cut short. */
        csv_set_opts(&c->parser, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI);
        r = csv_fini(&c->parser, on_field, on_record, c);
        if (c->error < 0)
                return c->error;
        if (r != 0)
                return csv_error(&c->parser) == CSV_EPARSE ? -EBADMSG : -ENOMEM;
        return 0;
}

static int reader_read(CsvReader *c, FILE *f) {
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
                        return reader_finish(c);
                }
                if (first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
                        p += 3, n -= 3;
                first = false;

                r = reader_feed(c, p, n);
                if (r < 0)
                        return r;
        }
}

/* What libcsv may skip around a field when the delimiter is a tab. */
static int is_space_not_tab(unsigned char ch) {
        return ch == ' ';
}

int csv_read_file(const char *path, csv_record_fn fn, void *userdata) {
        return csv_read_file_delim(path, ',', fn, userdata);
}

int csv_read_file_delim(const char *path, char delimiter, csv_record_fn fn, void *userdata) {
        _cleanup_(fclosep) FILE *f = NULL;
        CsvReader c = {
                .path = path,
                .fn = fn,
                .userdata = userdata,
                .line = 1,
        };
        struct stat st;
        int r;

        f = fopen(path, "re");
        if (!f)
                return -errno;
        if (fstat(fileno(f), &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;

        if (csv_init(&c.parser, CSV_APPEND_NULL) != 0)
                return -ENOMEM;
        csv_set_realloc_func(&c.parser, reader_realloc);
        csv_set_delim(&c.parser, delimiter);
        if (delimiter == '\t')
                csv_set_space_func(&c.parser, is_space_not_tab);
        r = reader_read(&c, f);
        reader_done(&c);
        if (r == -EBADMSG)
                log_warning("%s:%u: a quoted field is not closed by the end of the file", path, c.line);
        else if (r >= 0 && c.n_records == 0) {
                log_warning("%s: the file is empty, expected a header row", path);
                r = -ENODATA;
        }
        return r;
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
                log_warning("%s:%u: expected a header row naming the columns %s; column '%s' is missing",
                            path, header->line, names, *col);
                return -EBADMSG;
        }
        return 0;
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
