/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <search.h>

#include "import/incident-csv.h"
#include "shared/csv-reader.h"
#include "shared/i18n.h"
#include "shared/time-util.h"

/* The columns of an incident CSV, by index into incident_csv_columns. */
enum {
        INCIDENT_CSV_TIME,
        INCIDENT_CSV_OPERATOR,
        INCIDENT_CSV_CATEGORY,
        INCIDENT_CSV_NOTE,
        INCIDENT_CSV_ID,
        _INCIDENT_CSV_MAX,
};

static const CsvColumn incident_csv_columns[_INCIDENT_CSV_MAX] = {
        [INCIDENT_CSV_TIME]     = { .name = "time", .required = true },
        [INCIDENT_CSV_OPERATOR] = { .name = "operator", .required = true },
        [INCIDENT_CSV_CATEGORY] = { .name = "category", .required = true },
        [INCIDENT_CSV_NOTE]     = { .name = "note" },
        [INCIDENT_CSV_ID]       = { .name = "id" },
};

typedef struct IncidentCsvLoader {
        IncidentList *list;
        const Policy *policy;
        void *ids;              /* tsearch(3) tree of the ids taken, strdup'ed */
} IncidentCsvLoader;

static int incident_csv_id_compare(const void *a, const void *b) {
        return strcmp(a, b);
}

/* Check a row: 0, or what csv_row_skip() returned. */
static int incident_csv_check_row(const IncidentCsvLoader *l, CsvRow *row, usec_t *ret_when) {
        const char *operator, *time, *category;
        int r;

        r = csv_row_string(row, INCIDENT_CSV_OPERATOR, &operator);
        if (r < 0)
                return r;
        r = csv_row_string(row, INCIDENT_CSV_TIME, &time);
        if (r < 0)
                return r;
        r = csv_row_string(row, INCIDENT_CSV_CATEGORY, &category);
        if (r < 0)
                return r;

        if (!policy_find_category(l->policy, category)) {
                _cleanup_(freep) char *known = policy_category_names(l->policy);

                return csv_row_skip(row, _("unknown category '%s' (known: %s)"), category, known ?: "");
        }

        r = time_parse_iso8601(time, l->policy->timezone, ret_when);
        /* Unlike rosters and calls, a time before 1970 is said to be no instant. */
        if (r < 0)
                return csv_row_skip_instant(row, INCIDENT_CSV_TIME, l->policy->timezone, time,
                                            r == -ENOENT ? r : -EINVAL);
        return 0;
}

/* Take id for this file: 0, or (skipping the row) -EINVAL when an earlier
 * row has it: two rows of one id would be one incident to the planner and
 * the store. */
static int incident_csv_take_id(IncidentCsvLoader *l, CsvRow *row, const char *id) {
        _cleanup_free_ char *copy = NULL;

        if (tfind(id, &l->ids, incident_csv_id_compare))
                return csv_row_skip(row, _("incident id '%s' is taken by an earlier row"), id);
        copy = strdup(id);
        if (!copy || !tsearch(copy, &l->ids, incident_csv_id_compare))
                return -ENOMEM;
        TAKE_PTR(copy);
        return 0;
}

static int incident_csv_row(CsvRow *row, void *userdata) {
        IncidentCsvLoader *l = userdata;
        _cleanup_(freep) char *default_id = NULL;
        const char *id = csv_row_optional(row, INCIDENT_CSV_ID);
        usec_t when;
        int r;

        r = incident_csv_check_row(l, row, &when);
        if (r < 0)
                return r;

        if (!id) {
                if (asprintf(&default_id, "csv-%s-%u", basename(row->path), row->line) < 0)
                        return -ENOMEM;
                id = default_id;
        }
        r = incident_csv_take_id(l, row, id);
        if (r < 0)
                return r;

        return incident_list_append(l->list, &(Incident) {
                .id = (char *) id,
                .operator = (char *) csv_row_field(row, INCIDENT_CSV_OPERATOR),
                .category = (char *) csv_row_field(row, INCIDENT_CSV_CATEGORY),
                .when = when,
                .received = when,
                .note = (char *) csv_row_optional(row, INCIDENT_CSV_NOTE),
        });
}

static const CsvTable incident_csv_table = {
        .columns = incident_csv_columns,
        .n_columns = ELEMENTSOF(incident_csv_columns),
        .row = incident_csv_row,
};

int incidents_load_csv(IncidentList *l, const char *path, const Policy *policy, size_t *ret_skipped) {
        IncidentCsvLoader loader = { .list = l, .policy = policy };
        int r;

        r = csv_table_read(path, &incident_csv_table, &loader, ret_skipped);
        tdestroy(loader.ids, free);
        incident_list_sort(l);
        return r;
}
