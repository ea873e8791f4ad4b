/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <fnmatch.h>

#include "import/roster-csv.h"
#include "shared/csv-reader.h"
#include "shared/escape.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* The columns of a roster CSV, by index into RosterCsvLoader.columns. */
enum {
        ROSTER_CSV_OPERATOR,
        ROSTER_CSV_NAME,
        ROSTER_CSV_TEAM,
        ROSTER_CSV_START,
        ROSTER_CSV_END,
        ROSTER_CSV_SKIP,
        ROSTER_CSV_LANGUAGE,
        _ROSTER_CSV_MAX,
};

typedef struct RosterCsvLoader {
        Roster *roster;
        const char *path;
        const RosterCsvFormat *format;
        char **conflicting;     /* operators whose name or team differed, warned once */
} RosterCsvLoader;

/* Warn about the columns of respite's own format that it does not know. */
static int roster_csv_header(const CsvRecord *rec, void *userdata) {
        static const char * const known[] = { "operator", "name", "team", "start", "end", "language" };
        const RosterCsvLoader *l = userdata;
        const RosterCsvFormat *fmt = l->format;
        _cleanup_(freep) char *unknown = NULL;
        bool any = false;
        size_t size = 0;
        FILE *f;

        /* A vendor's export has columns of its own: nothing to warn about. */
        if (fmt->col_operator || fmt->col_start || fmt->col_end || fmt->operator)
                return 0;
        /* Calls have operator, start and end too: each would be a shift. */
        if (csv_column(rec, "call_id") >= 0 || csv_column(rec, "wait_seconds") >= 0) {
                log_warning(_("%s:%u: a call-record header (it has call_id or wait_seconds), read as a roster: "
                              "each call becomes a shift. Give the file as call records (--calls, or "
                              "sources.calls in the policy)."), l->path, rec->line);
                return 0;
        }

        f = open_memstream(&unknown, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < rec->n_fields; i++) {
                bool is_known = false;

                for (size_t k = 0; k < ELEMENTSOF(known); k++)
                        if (csv_column(rec, known[k]) == (ssize_t) i)
                                is_known = true;
                if (!is_known) {
                        fprintf(f, "%s'%s'", any ? ", " : "", ESCAPED(rec->fields[i]));
                        any = true;
                }
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (any)
                log_warning(_("%s:%u: unknown columns %s, ignoring"), l->path, rec->line, unknown);
        return 0;
}

static int roster_csv_instant(const RosterCsvLoader *l, CsvRow *row, size_t col, usec_t *ret) {
        const RosterCsvFormat *fmt = l->format;
        const char *s;
        int r;

        if (!fmt->date_format)
                return csv_row_instant(row, col, fmt->zone, ret);

        r = csv_row_string(row, col, &s);
        if (r < 0)
                return r;
        r = roster_parse_date(s, fmt->date_format, fmt->zone, ret);
        if (r == -EINVAL)
                return csv_row_skip(row, _("expected a time such as '%s' in column '%s', got '%s'"), fmt->date_format,
                                    csv_row_label(row, col), s);
        if (r < 0)
                return csv_row_skip_instant(row, col, fmt->zone, s, r);
        return 0;
}

/* Check a row: 0, or what csv_row_skip() returned. */
static int roster_csv_check_row(const RosterCsvLoader *l, CsvRow *row, const char *team, const char **ret_id,
                                usec_t *ret_start, usec_t *ret_end) {
        const RosterCsvFormat *fmt = l->format;
        const char *skip = csv_row_field(row, ROSTER_CSV_SKIP);
        int r;

        if (fmt->skip_match && fnmatch(fmt->skip_match, skip, 0) == 0)
                return csv_row_skip(row, _("'%s' is '%s', which is no shift (skip_match \"%s\")"), fmt->skip_column,
                                    skip, fmt->skip_match);
        *ret_id = fmt->operator;
        if (!*ret_id) {
                r = csv_row_string(row, ROSTER_CSV_OPERATOR, ret_id);
                if (r < 0)
                        return r;
        }
        if (!roster_name_is_valid(*ret_id, false))
                return csv_row_skip(row, _("operator id is not usable as a feed file name "
                                      "(expected 1-128 bytes of UTF-8 without '/', control characters, "
                                      "a leading '.' or a leading 'team-')"));
        if (!isempty(team) && !roster_name_is_valid(team, true))
                return csv_row_skip(row, _("team name is not usable as a feed file name "
                                      "(expected 1-128 bytes of UTF-8 without '/', control characters "
                                      "or a leading '.')"));
        if ((r = roster_csv_instant(l, row, ROSTER_CSV_START, ret_start)) < 0 ||
            (r = roster_csv_instant(l, row, ROSTER_CSV_END, ret_end)) < 0)
                return r;
        if (*ret_end <= *ret_start)
                return csv_row_skip(row, _("end %s is not after start %s"), csv_row_field(row, ROSTER_CSV_END),
                                    csv_row_field(row, ROSTER_CSV_START));
        return 0;
}

/* When the row names operator id differently from before, the first name
 * and team stay; one warning is logged for the operator. */
static int roster_csv_check_names(RosterCsvLoader *l, const CsvRow *row, const char *id, const char *name,
                                  const char *team) {
        ssize_t i = roster_find_operator(l->roster, id);
        const Operator *o;

        if (i < 0)
                return 0;
        o = &l->roster->operators[i];
        if ((isempty(name) || streq(name, o->name)) && (isempty(team) || streq(team, o->team)))
                return 0;
        if (strv_contains(l->conflicting, id))
                return 0;
        log_warning(_("%s:%u: operator '%s' was named '%s' in team '%s' before, keeping that, "
                      "ignoring '%s' in team '%s'"),
                    row->path, row->line, ESCAPED(id), ESCAPED(o->name), ESCAPED(o->team),
                    ESCAPED(isempty(name) ? o->name : name), ESCAPED(isempty(team) ? o->team : team));
        return strv_extend(&l->conflicting, id);
}

static int roster_csv_row(CsvRow *row, void *userdata) {
        RosterCsvLoader *l = userdata;
        const char *id, *name = csv_row_field(row, ROSTER_CSV_NAME), *team = csv_row_field(row, ROSTER_CSV_TEAM),
                *language = csv_row_field(row, ROSTER_CSV_LANGUAGE);
        _cleanup_(freep) char *source = NULL;
        usec_t start, end;
        int r;

        /* A row's own team, else the source's fixed one. */
        if (isempty(team))
                team = l->format->team;
        r = roster_csv_check_row(l, row, team, &id, &start, &end);
        if (r < 0)
                return r;
        if (!isempty(language) && !i18n_language_is_valid(language))
                return csv_row_skip(row, _("expected a language such as 'ja' or 'pt_BR' in column 'language', "
                                           "got '%s'"), language);
        r = roster_csv_check_names(l, row, id, name, team);
        if (r < 0)
                return r;
        if (asprintf(&source, "%s:%u", row->path, row->line) < 0)
                return -ENOMEM;
        r = roster_add_shift(l->roster, id, isempty(name) ? NULL : name, isempty(team) ? NULL : team, start, end,
                             source);
        if (r < 0 || isempty(language))
                return r;
        /* The shift stays either way: a language only chooses the feed's words. */
        r = roster_set_operator_language(l->roster, id, language, source);
        if (r == -EEXIST)
                log_warning(_("%s:%u: operator '%s' has language '%s' already, ignoring '%s'"), row->path, row->line,
                            id, l->roster->operators[roster_find_operator(l->roster, id)].language, language);
        return r == -EEXIST ? 0 : r;
}

int roster_load_csv(Roster *r, const char *path, const char *zone, size_t *ret_skipped) {
        return roster_load_csv_format(r, path, &(const RosterCsvFormat) { .zone = zone }, ret_skipped);
}

/* Whether format is one roster_parse_date() understands: letters d m y H M S
 * only, runs of one letter of a length it knows. */
static bool roster_csv_date_format_is_valid(const char *format) {
        bool day = false, month = false, year = false, hour = false;

        for (const char *p = format; *p; ) {
                size_t n = strspn(p, (char[]) { *p, 0 });

                if (strchr("dmyHMS", *p)) {
                        if (n > (*p == 'y' ? 4u : 2u) || (*p == 'y' && n != 2 && n != 4))
                                return false;
                        day |= *p == 'd';
                        month |= *p == 'm';
                        year |= *p == 'y';
                        hour |= *p == 'H';
                } else if (isalpha((unsigned char) *p))
                        return false;
                p += n;
        }
        return day && month && year && hour;
}

int roster_load_csv_format(Roster *r, const char *path, const RosterCsvFormat *f, size_t *ret_skipped) {
        const CsvColumn columns[_ROSTER_CSV_MAX] = {
                [ROSTER_CSV_OPERATOR] = { .name = f->col_operator ?: "operator", .label = "operator",
                                          .required = !f->operator },
                [ROSTER_CSV_NAME]     = { .name = f->col_name ?: "name" },
                [ROSTER_CSV_TEAM]     = { .name = f->col_team ?: "team" },
                [ROSTER_CSV_START]    = { .name = f->col_start ?: "start", .label = "start", .required = true },
                [ROSTER_CSV_END]      = { .name = f->col_end ?: "end", .label = "end", .required = true },
                [ROSTER_CSV_SKIP]     = { .name = f->skip_column, .required = true },
                [ROSTER_CSV_LANGUAGE] = { .name = "language" },
        };
        const CsvTable table = {
                .columns = columns,
                .n_columns = ELEMENTSOF(columns),
                .delimiter = f->delimiter,
                .header = roster_csv_header,
                .row = roster_csv_row,
        };
        RosterCsvLoader l = {
                .roster = r,
                .path = path,
                .format = f,
        };
        int k;

        if (f->date_format && !roster_csv_date_format_is_valid(f->date_format))
                return log_error_errno(EINVAL, _("%s: date_format \"%s\" is not usable; expected letters "
                                         "d m yy/yyyy H M S such as \"d/m/yy H:MM\""), path, f->date_format);

        k = csv_table_read(path, &table, &l, ret_skipped);
        strv_free(l.conflicting);
        return k;
}

/* Read a number of min_digits to max_digits digits. */
static bool roster_csv_parse_number(const char **p, size_t min_digits, size_t max_digits, int *ret) {
        size_t n = 0;
        int v = 0;

        while (n < max_digits && (*p)[n] >= '0' && (*p)[n] <= '9') {
                v = v * 10 + ((*p)[n] - '0');
                n++;
        }
        if (n < min_digits)
                return false;
        *p += n;
        *ret = v;
        return true;
}

int roster_parse_date(const char *s, const char *format, const char *zone, usec_t *ret) {
        const char *p = s + strspn(s, " ");
        CivilTime c = {};

        for (const char *f = format; *f; ) {
                size_t n = strspn(f, (char[]) { *f, 0 });
                int *field = NULL, v;

                switch (*f) {
                case 'd': field = &c.day; break;
                case 'm': field = &c.month; break;
                case 'y': field = &c.year; break;
                case 'H': field = &c.hour; break;
                case 'M': field = &c.minute; break;
                case 'S': field = &c.second; break;
                }

                if (field) {
                        if (!roster_csv_parse_number(&p, *f == 'y' ? n : n == 1 ? 1 : 2, *f == 'y' ? n : 2, &v))
                                return -EINVAL;
                        if (*f == 'y' && n == 2)
                                v += v < 70 ? 2000 : 1900;
                        *field = v;
                } else if (*f == ' ') {
                        if (*p != ' ')
                                return -EINVAL;
                        p += strspn(p, " ");
                } else {
                        if (strncmp(p, f, n) != 0)
                                return -EINVAL;
                        p += n;
                }
                f += n;
        }
        p += strspn(p, " ");
        if (*p != '\0')
                return -EINVAL;
        return civil_to_utc(&c, zone, ret);
}
