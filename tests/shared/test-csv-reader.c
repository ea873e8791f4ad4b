/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "test-helpers.h"

#include "shared/csv-reader.h"

#define FIXTURES "tests/fixtures/"

typedef struct Collected {
        char *text;             /* "line:field|field;" for each record */
        size_t size;
        FILE *f;
} Collected;

static int collect_record(const CsvRecord *rec, void *userdata) {
        Collected *c = userdata;

        fprintf(c->f, "%u:", rec->line);
        for (size_t i = 0; i < rec->n_fields; i++)
                fprintf(c->f, "%s%s", i > 0 ? "|" : "", rec->fields[i]);
        fputc(';', c->f);
        return 0;
}

static int stop_at_second(const CsvRecord *rec, void *userdata) {
        unsigned *n = userdata;

        return ++*n == 2 ? -ECANCELED : 0;
}

static void test_csv_reader(void **state) {
        Collected c = {};
        unsigned n = 0;

        c.f = open_memstream(&c.text, &c.size);
        assert_non_null(c.f);
        assert_int_equal(csv_read_file(FIXTURES "roster-cr.csv", collect_record, &c), 0);
        fclose(c.f);
        assert_string_equal(c.text,
                            "1:operator|name|start|end;"
                            "2:op01|Mac\rname|1999-04-01T22:00|1999-04-02T06:00;"
                            "6:op02|Spaced|1999-04-01T10:00|1999-04-01T12:00;");
        free(c.text);

        c = (Collected) {};
        c.f = open_memstream(&c.text, &c.size);
        assert_non_null(c.f);
        assert_int_equal(csv_read_file(FIXTURES "roster-good.csv", collect_record, &c), 0);
        fclose(c.f);
        /* The BOM is gone, CRLF counts once, the quoted newline is kept. */
        assert_non_null(strstr(c.text, "1:team|operator|name|start|end|extra;2:retail|op01|Sato, Hanako|"));
        assert_non_null(strstr(c.text, ";4:support|op02|Line one\r\nline two|"));
        assert_non_null(strstr(c.text, ";6:|op03|山田太郎|"));
        assert_non_null(strstr(c.text, ";10:retail|op04||"));
        free(c.text);

        c = (Collected) {};
        c.f = open_memstream(&c.text, &c.size);
        assert_non_null(c.f);
        assert_int_equal(csv_read_file(FIXTURES "roster-truncated.csv", collect_record, &c), -EBADMSG);
        fclose(c.f);
        assert_string_equal(c.text, "1:operator|start|end;2:op01|2021-03-01T09:00:00+09:00|2021-03-01T13:00:00+09:00;");
        free(c.text);

        assert_int_equal(csv_read_file(FIXTURES "roster-good.csv", stop_at_second, &n), -ECANCELED);
        assert_int_equal(n, 2u);
        assert_int_equal(csv_read_file(FIXTURES "does-not-exist.csv", stop_at_second, &n), -ENOENT);
}

typedef struct LineCheck {
        unsigned records;
        bool lines_right;
} LineCheck;

static int check_record_line(const CsvRecord *rec, void *userdata) {
        LineCheck *c = userdata;

        c->records++;
        if (rec->line != c->records)
                c->lines_right = false;
        return 0;
}

/* CRLF line ends at every alignment: some "\r\n" is split between two
 * reads of the file whatever the reader's chunk size (up to 70 KiB). */
static void test_csv_crlf_across_chunks(void **state) {
        const unsigned rows = 1100;

        for (unsigned header = 64; header < 128; header++) {
                char path[] = "/tmp/test-csv-reader-XXXXXX";
                LineCheck c = { .lines_right = true };
                _cleanup_(fclosep) FILE *f = NULL;
                int fd;

                fd = mkostemp(path, O_CLOEXEC);
                assert_true(fd >= 0);
                f = fdopen(fd, "we");
                assert_non_null(f);
                /* A header of `header` bytes, then rows of 64 bytes, CRLF included. */
                fprintf(f, "operator,start,end,%0*u\r\n", (int) header - 21, 0u);
                for (unsigned i = 0; i < rows; i++)
                        fprintf(f, "op01,2021-03-01T09:00:00+09:00,2021-03-01T13:00:00+09:00,%05u\r\n", i);
                assert_int_equal(fflush(f), 0);

                assert_int_equal(csv_read_file(path, check_record_line, &c), 0);
                assert_int_equal(unlink(path), 0);
                assert_int_equal(c.records, rows + 1);
                assert_true(c.lines_right);
        }
}

static void test_csv_column(void **state) {
        char *fields[] = { (char *) "Operator", (char *) " start ", (char *) "END" };
        CsvRecord header = { .fields = fields, .n_fields = ELEMENTSOF(fields), .line = 1 };

        assert_int_equal(csv_column(&header, "operator"), 0);
        assert_int_equal(csv_column(&header, "start"), 1);
        assert_int_equal(csv_column(&header, "end"), 2);
        assert_int_equal(csv_column(&header, "team"), -ENOENT);
        assert_int_equal(csv_column(&header, "star"), -ENOENT);
}

/* A file of text in /tmp, removed by the test. */
static char *temp_file(const char *text) {
        char *path = strdup("/tmp/test-csv-reader-XXXXXX");
        _cleanup_(fclosep) FILE *f = NULL;
        int fd;

        assert_non_null(path);
        fd = mkostemp(path, O_CLOEXEC);
        assert_true(fd >= 0);
        f = fdopen(fd, "we");
        assert_non_null(f);
        assert_true(fputs(text, f) >= 0);
        assert_int_equal(fflush(f), 0);
        return path;
}

enum { COL_ID, COL_START, COL_WAIT, COL_NOTE, COL_ABSENT, _COL_MAX };

static const CsvColumn columns[_COL_MAX] = {
        [COL_ID]     = { .name = "Ident", .label = "id", .required = true },
        [COL_START]  = { .name = "start", .required = true },
        [COL_WAIT]   = { .name = "wait" },
        [COL_NOTE]   = { .name = "note" },
        [COL_ABSENT] = { .name = "absent" },
};

typedef struct Taken {
        char text[512];         /* "id@start+wait/note;" for each row taken */
        const char *zone;       /* of civil times; NULL: Asia/Tokyo */
        unsigned headers;
        int fail_at;            /* a row callback at this line returns fail_with */
        int fail_with;
} Taken;

static int take_header(const CsvRecord *header, void *userdata) {
        Taken *t = userdata;

        t->headers++;
        assert_int_equal(header->line, 1);
        return 0;
}

static int take_row(CsvRow *row, void *userdata) {
        Taken *t = userdata;
        const char *id, *note;
        usec_t start;
        unsigned wait;
        int r;

        if ((int) row->line == t->fail_at)
                return t->fail_with;
        r = csv_row_string(row, COL_ID, &id);
        if (r < 0)
                return r;
        r = csv_row_instant(row, COL_START, t->zone ?: "Asia/Tokyo", &start);
        if (r < 0)
                return r;
        r = csv_row_seconds(row, COL_WAIT, &wait);
        if (r < 0)
                return r;
        if (streq(id, "skip-me"))
                return csv_row_skip(row, "id '%s' asks for it", id);
        assert_string_equal(csv_row_field(row, COL_ABSENT), "");
        assert_null(csv_row_optional(row, COL_ABSENT));
        note = csv_row_optional(row, COL_NOTE);
        snprintf(t->text + strlen(t->text), sizeof t->text - strlen(t->text), "%s@%" PRIu64 "+%u/%s;", id,
                 start / USEC_PER_SEC, wait, note ?: "(null)");
        return 0;
}

static const CsvTable table = {
        .columns = columns,
        .n_columns = ELEMENTSOF(columns),
        .header = take_header,
        .row = take_row,
};

static void test_table_rows(void **state) {
        _cleanup_free_ char *path = temp_file(
                "note,start,Ident,wait,extra\n"
                "first,1970-01-01T00:01:00Z,a,5,x\n"
                ",1970-01-01T09:00,b,,x\n"
                "no id,1970-01-01T00:01:00Z,,1,x\n"
                ",,c,1,x\n"
                ",1969-12-31T23:59:59Z,d,1,x\n"
                ",soon,e,1,x\n"
                ",1970-01-01T00:01:00Z,f,-1,x\n"
                ",1970-01-01T00:01:00Z,g,99999999999,x\n"
                ",1970-01-01T00:01:00Z,skip-me,1,x\n"
                "\xff,1970-01-01T00:01:00Z,h,1,x\n"
                "short,1970-01-01T00:02:00Z,i\n");
        Taken t = {};
        size_t skipped = 0;
        char want[2048];

        assert_int_equal(csv_table_read(path, &table, &t, &skipped), 0);
        assert_int_equal(unlink(path), 0);
        assert_int_equal(t.headers, 1u);
        /* Civil time in the zone; an empty number of seconds is 0; a short row has empty fields. */
        assert_string_equal(t.text, "a@60+5/first;b@0+0/(null);i@120+0/short;");
        assert_int_equal(skipped, 8);
        snprintf(want, sizeof want,
                 "%1$s:4: missing field 'id', skipping row\n"
                 "%1$s:5: missing field 'start', skipping row\n"
                 "%1$s:6: instant '1969-12-31T23:59:59Z' in column 'start' is before 1970, skipping row\n"
                 "%1$s:7: expected an ISO 8601 instant in column 'start', got 'soon', skipping row\n"
                 "%1$s:8: expected a number of seconds in column 'wait', got '-1', skipping row\n"
                 "%1$s:9: expected a number of seconds in column 'wait', got '99999999999', skipping row\n"
                 "%1$s:10: id 'skip-me' asks for it, skipping row\n"
                 "%1$s:11: not valid UTF-8 (the file must be UTF-8), skipping row\n", path);
        assert_string_equal(captured(), want);
}

static void test_table_unknown_zone(void **state) {
        _cleanup_free_ char *path = temp_file("Ident,start\na,1970-01-01T00:01:00\nb,1970-01-01T00:01:00Z\n");
        Taken t = { .zone = "Mars/Olympus" };
        size_t skipped = 0;
        char want[512];

        /* Instants with an offset need no zone. */
        assert_int_equal(csv_table_read(path, &table, &t, &skipped), 0);
        assert_int_equal(skipped, 1);
        assert_string_equal(t.text, "b@60+0/(null);");
        snprintf(want, sizeof want, "%s:2: unknown time zone 'Mars/Olympus' for '1970-01-01T00:01:00', skipping row\n",
                 path);
        assert_string_equal(captured(), want);
        assert_int_equal(unlink(path), 0);
}

/* Why a table cannot be read is said once, with file (and line). */
static void test_table_unusable(void **state) {
        _cleanup_free_ char *noheader = temp_file("a,1970-01-01T00:01:00Z\nb,1970-01-01T00:01:00Z\n"),
                *empty = temp_file(""),
                *quote = temp_file("Ident,start\n\"a,1970-01-01T00:01:00Z\n"),
                *fail = temp_file("Ident,start\na,1970-01-01T00:01:00Z\nb,1970-01-01T00:01:00Z\n");
        Taken t = { .fail_at = 3, .fail_with = -ENOMEM };
        size_t skipped = 99;
        char want[2048];

        assert_int_equal(csv_table_read(FIXTURES "does-not-exist.csv", &table, &t, &skipped), -ENOENT);
        assert_int_equal(csv_table_read("tests/fixtures", &table, &t, &skipped), -EISDIR);
        assert_int_equal(csv_table_read(noheader, &table, &t, &skipped), -EBADMSG);
        assert_int_equal(csv_table_read(empty, &table, &t, &skipped), -ENODATA);
        assert_int_equal(csv_table_read(quote, &table, &t, &skipped), -EBADMSG);
        assert_int_equal(csv_table_read(fail, &table, &t, &skipped), -ENOMEM);
        t.fail_with = -ECANCELED;
        assert_int_equal(csv_table_read(fail, &table, &t, &skipped), -ECANCELED);
        assert_int_equal(skipped, 99);
        assert_string_equal(t.text, "a@60+0/(null);a@60+0/(null);");
        snprintf(want, sizeof want,
                 FIXTURES "does-not-exist.csv: cannot open: No such file or directory\n"
                 "tests/fixtures: cannot open: Is a directory\n"
                 "%s:1: expected a header row naming the columns Ident,start; column 'Ident' is missing\n"
                 "%s: the file is empty, expected a header row\n"
                 "%s:3: a quoted field is not closed by the end of the file\n"
                 "%s: out of memory\n"
                 "%s:3: Operation canceled\n", noheader, empty, quote, fail, fail);
        assert_string_equal(captured(), want);
        assert_int_equal(unlink(noheader), 0);
        assert_int_equal(unlink(empty), 0);
        assert_int_equal(unlink(quote), 0);
        assert_int_equal(unlink(fail), 0);
}

int main(void) {
        static const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_csv_reader, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_csv_crlf_across_chunks, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_csv_column, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_table_rows, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_table_unknown_zone, capture_log, release_log),
                cmocka_unit_test_setup_teardown(test_table_unusable, capture_log, release_log),
        };

        return run_tests_in_zone(tests, "America/Sao_Paulo");
}
