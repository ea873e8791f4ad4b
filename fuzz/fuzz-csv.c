/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The CSV reader under every importer: any bytes give records whose fields
 * are never NULL, on lines that never go backwards and never pass the
 * number of line ends in the input. */

#include "fuzz.h"
#include "shared/csv-reader.h"

typedef struct Seen {
        unsigned last_line;
        unsigned max_line;
} Seen;

static int on_record(const CsvRecord *rec, void *userdata) {
        Seen *seen = userdata;

        if (rec->line < seen->last_line || rec->line > seen->max_line || rec->line == 0)
                abort();
        seen->last_line = rec->line;
        for (size_t i = 0; i < rec->n_fields; i++)
                if (!rec->fields[i])
                        abort();
        (void) csv_column(rec, "operator");
        (void) csv_require_columns("fuzz.csv", rec, (const char * const[]) { "operator", "start", "end", NULL });
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        Seen seen = { .max_line = 1 };
        int r;

        for (size_t i = 0; i < size; i++)
                seen.max_line += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
        r = csv_read_file(fuzz_file("fuzz.csv", data, size), on_record, &seen);
        if (r < 0 && r != -EBADMSG && r != -ENODATA && r != -ENOMEM)
                abort();
        return 0;
}
