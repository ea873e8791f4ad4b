/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <fnmatch.h>

#include "core/roster.h"
#include "shared/csv-reader.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* Make room for one more element in an array of n elements whose capacity
 * is the next power of two above n (at least 8): grown only when n reaches a
 * power of two, so appending stays amortised O(1). */
static void shift_done(Shift *s) {
        free(s->planned);
        free(s->source);
}

Roster *roster_new(void) {
        Roster *r = calloc(1, sizeof(Roster));

        if (!r)
                return NULL;
        r->teams = calloc(1, sizeof(char *));
        if (!r->teams) {
                free(r);
                return NULL;
        }
        return r;
}

Roster *roster_free(Roster *r) {
        if (!r)
                return NULL;
        strv_free(r->teams);
        for (size_t i = 0; i < r->n_operators; i++) {
                free(r->operators[i].id);
                free(r->operators[i].name);
                free(r->operators[i].team);
        }
        free(r->operators);
        for (size_t i = 0; i < r->n_shifts; i++)
                shift_done(&r->shifts[i]);
        free(r->shifts);
        free(r);
        return NULL;
}

/* Where id is in r->operators, or where it would be inserted. */
static size_t roster_operator_position(const Roster *r, const char *id, bool *ret_found) {
        size_t lo = 0, hi = r->n_operators;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(r->operators[mid].id, id);

                if (c == 0) {
                        *ret_found = true;
                        return mid;
                }
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_found = false;
        return lo;
}

ssize_t roster_find_operator(const Roster *r, const char *id) {
        bool found;
        size_t i = roster_operator_position(r, id, &found);

        return found ? (ssize_t) i : -ENOENT;
}

/* Insert a new operator at position i, keeping the operators sorted and the
 * shifts' indices right. */
static int roster_insert_operator(Roster *roster, size_t i, const char *id, const char *name, const char *team) {
        Operator o = {};
        int r;

        r = array_grow((void **) &roster->operators, roster->n_operators, sizeof(Operator));
        if (r < 0)
                return r;
        o.id = strdup(id);
        o.name = strdup(name);
        o.team = strdup(team);
        if (!o.id || !o.name || !o.team) {
                free(o.id);
                free(o.name);
                free(o.team);
                return -ENOMEM;
        }

        memmove(roster->operators + i + 1, roster->operators + i, (roster->n_operators - i) * sizeof(Operator));
        roster->operators[i] = o;
        roster->n_operators++;
        for (size_t k = 0; k < roster->n_shifts; k++)
                if (roster->shifts[k].operator >= i)
                        roster->shifts[k].operator++;
        return 0;
}

typedef struct RosterLoader {
        Roster *roster;
        const char *path;
        const char *zone;
        const RosterCsvFormat *format;
        bool have_header;
        ssize_t col_operator, col_name, col_team, col_start, col_end, col_skip;
        char **conflicting;     /* operators whose name or team differed, warned once */
        size_t n_skipped;
} RosterLoader;

static int loader_header(RosterLoader *l, const CsvRecord *rec) {
        static const char * const known[] = { "operator", "name", "team", "start", "end" };
        _cleanup_(freep) char *unknown = NULL;
        bool any = false;
        size_t size = 0;
        FILE *f;
        int r;

        const RosterCsvFormat *fmt = l->format;
        const char *operator = fmt->col_operator ?: "operator", *start = fmt->col_start ?: "start",
                *end = fmt->col_end ?: "end";

        l->col_operator = csv_column(rec, operator);
        l->col_name = csv_column(rec, fmt->col_name ?: "name");
        l->col_team = csv_column(rec, fmt->col_team ?: "team");
        l->col_start = csv_column(rec, start);
        l->col_end = csv_column(rec, end);
        l->col_skip = fmt->skip_column ? csv_column(rec, fmt->skip_column) : -ENOENT;
        r = csv_require_columns(l->path, rec, fmt->operator ?
                                (const char * const[]) { start, end, fmt->skip_column, NULL } :
                                (const char * const[]) { operator, start, end, fmt->skip_column, NULL });
        if (r < 0)
                return r;
        l->have_header = true;

        /* A vendor's export has columns of its own: nothing to warn about. */
        if (fmt->col_operator || fmt->col_start || fmt->col_end || fmt->operator)
                return 0;

        f = open_memstream(&unknown, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < rec->n_fields; i++) {
                bool is_known = false;

                for (size_t k = 0; k < ELEMENTSOF(known); k++)
                        if (csv_column(rec, known[k]) == (ssize_t) i)
                                is_known = true;
                if (!is_known) {
                        fprintf(f, "%s'%s'", any ? ", " : "", rec->fields[i]);
                        any = true;
                }
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (any)
                log_warning("%s:%u: unknown columns %s, ignoring", l->path, rec->line, unknown);
        return 0;
}

static int loader_parse_instant(RosterLoader *l, const CsvRecord *rec, const char *column, ssize_t col, usec_t *ret) {
        const char *s = csv_field(rec, col);
        int r;

        if (isempty(s))
                return log_warning_errno(EINVAL, "%s:%u: missing field '%s', skipping row", l->path, rec->line, column);

        if (l->format->date_format) {
                r = roster_parse_date(s, l->format->date_format, l->zone, ret);
                if (r == -EINVAL)
                        return log_warning_errno(r, "%s:%u: expected a time such as '%s' in column '%s', got '%s', skipping row",
                                                 l->path, rec->line, l->format->date_format, column, s);
        } else
                r = time_parse_iso8601(s, l->zone, ret);
        if (r == -ENOENT)
                log_warning("%s:%u: unknown time zone '%s' for '%s', skipping row", l->path, rec->line, l->zone, s);
        else if (r == -ERANGE)
                log_warning("%s:%u: instant '%s' in column '%s' is before 1970, skipping row", l->path, rec->line, s, column);
        else if (r < 0)
                log_warning("%s:%u: expected an ISO 8601 instant in column '%s', got '%s', skipping row",
                            l->path, rec->line, column, s);
        return r;
}

/* The operator's index, added when new. When the row names the operator
 * differently from before, the first wins and one warning is logged. */
static int loader_operator(RosterLoader *l, const CsvRecord *rec, const char *id, size_t *ret) {
        const char *name = csv_field(rec, l->col_name), *team = csv_field(rec, l->col_team);

        if (isempty(team))
                team = l->format->team;
        Operator *o;
        bool found;
        size_t i;
        int r;

        i = roster_operator_position(l->roster, id, &found);
        if (!found) {
                r = roster_insert_operator(l->roster, i, id, isempty(name) ? id : name, isempty(team) ? "default" : team);
                if (r < 0)
                        return r;
                *ret = i;
                return 0;
        }

        o = &l->roster->operators[i];
        if (((!isempty(name) && !streq(name, o->name)) || (!isempty(team) && !streq(team, o->team))) &&
            !strv_contains(l->conflicting, id)) {
                log_warning("%s:%u: operator '%s' was named '%s' in team '%s' before, keeping that, ignoring '%s' in team '%s'",
                            l->path, rec->line, id, o->name, o->team,
                            isempty(name) ? o->name : name, isempty(team) ? o->team : team);
                r = strv_extend(&l->conflicting, id);
                if (r < 0)
                        return r;
        }
        *ret = i;
        return 0;
}

bool roster_name_is_valid(const char *name, bool is_team) {
        size_t n = strlen(name);

        if (n == 0 || n > 128 || name[0] == '.' || strchr(name, '/') || !utf8_is_valid(name))
                return false;
        for (const char *p = name; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7F)
                        return false;
        return is_team || strncmp(name, "team-", 5) != 0;
}

/* Check a row: 0, or -EINVAL after logging why it is skipped. */
static int loader_check_row(RosterLoader *l, const CsvRecord *rec, usec_t *ret_start, usec_t *ret_end) {
        const char *team = csv_field(rec, l->col_team);

        if (l->format->skip_match && fnmatch(l->format->skip_match, csv_field(rec, l->col_skip), 0) == 0)
                return log_warning_errno(EINVAL, "%s:%u: '%s' is '%s', which is no shift (skip_match \"%s\"), skipping row",
                                         l->path, rec->line, l->format->skip_column, csv_field(rec, l->col_skip),
                                         l->format->skip_match);
        if (!l->format->operator && isempty(csv_field(rec, l->col_operator)))
                return log_warning_errno(EINVAL, "%s:%u: missing field 'operator', skipping row", l->path, rec->line);
        if (!roster_name_is_valid(l->format->operator ?: csv_field(rec, l->col_operator), false))
                return log_warning_errno(EINVAL, "%s:%u: operator id is not usable as a feed file name "
                                         "(expected 1-128 bytes of UTF-8 without '/', control characters, "
                                         "a leading '.' or a leading 'team-'), skipping row", l->path, rec->line);
        if (!isempty(team) && !roster_name_is_valid(team, true))
                return log_warning_errno(EINVAL, "%s:%u: team name is not usable as a feed file name "
                                         "(expected 1-128 bytes of UTF-8 without '/', control characters "
                                         "or a leading '.'), skipping row", l->path, rec->line);
        if (loader_parse_instant(l, rec, "start", l->col_start, ret_start) < 0 ||
            loader_parse_instant(l, rec, "end", l->col_end, ret_end) < 0)
                return -EINVAL;
        if (*ret_end <= *ret_start)
                return log_warning_errno(EINVAL, "%s:%u: end %s is not after start %s, skipping row",
                                         l->path, rec->line, csv_field(rec, l->col_end),
                                         csv_field(rec, l->col_start));
        return 0;
}

static int loader_row(RosterLoader *l, const CsvRecord *rec) {
        _cleanup_(freep) char *source = NULL;
        usec_t start, end;
        size_t op;
        int r;

        if (loader_check_row(l, rec, &start, &end) < 0) {
                l->n_skipped++;
                return 0;
        }

        if (asprintf(&source, "%s:%u", l->path, rec->line) < 0)
                return -ENOMEM;
        r = loader_operator(l, rec, l->format->operator ?: csv_field(rec, l->col_operator), &op);
        if (r < 0)
                return r;
        r = array_grow((void **) &l->roster->shifts, l->roster->n_shifts, sizeof(Shift));
        if (r < 0)
                return r;
        l->roster->shifts[l->roster->n_shifts++] = (Shift) {
                .operator = op,
                .start = start,
                .end = end,
                .source = TAKE_PTR(source),
        };
        return 0;
}

static int loader_on_record(const CsvRecord *rec, void *userdata) {
        RosterLoader *l = userdata;

        if (rec->not_utf8) {     /* logged by the reader */
                l->n_skipped++;
                return 0;
        }
        if (!l->have_header)
                return loader_header(l, rec);
        return loader_row(l, rec);
}

int roster_load_csv(Roster *r, const char *path, const char *zone, size_t *ret_skipped) {
        return roster_load_csv_format(r, path, &(const RosterCsvFormat) { .zone = zone }, ret_skipped);
}

/* Whether format is one roster_parse_date() understands: letters d m y H M S
 * only, runs of one letter of a length it knows. */
static bool date_format_is_valid(const char *format) {
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
        RosterLoader l = {
                .roster = r,
                .path = path,
                .zone = f->zone,
                .format = f,
        };
        int k;

        if (f->date_format && !date_format_is_valid(f->date_format))
                return log_error_errno(EINVAL, "%s: date_format \"%s\" is not usable; expected letters d m yy/yyyy H M S "
                                       "such as \"d/m/yy H:MM\"", path, f->date_format);

        k = csv_read_file_delim(path, f->delimiter ?: ',', loader_on_record, &l);
        strv_free(l.conflicting);
        if (k < 0)
                return k;
        if (ret_skipped)
                *ret_skipped = l.n_skipped;
        return 0;
}

/* Read a number of min_digits to max_digits digits. */
static bool parse_number(const char **p, size_t min_digits, size_t max_digits, int *ret) {
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
                        if (!parse_number(&p, *f == 'y' ? n : n == 1 ? 1 : 2, *f == 'y' ? n : 2, &v))
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

int roster_add_shift(Roster *r, const char *id, const char *name, const char *team, usec_t start, usec_t end,
                     const char *source) {
        _cleanup_free_ char *copy = NULL;
        bool found;
        size_t i;
        int k;

        if (!roster_name_is_valid(id, false) || (team && !roster_name_is_valid(team, true)))
                return -EINVAL;
        i = roster_operator_position(r, id, &found);
        if (!found) {
                k = roster_insert_operator(r, i, id, name ?: id, team ?: "default");
                if (k < 0)
                        return k;
        }
        k = strdup_to(&copy, source);
        if (k < 0)
                return k;
        k = array_grow((void **) &r->shifts, r->n_shifts, sizeof(Shift));
        if (k < 0)
                return k;
        r->shifts[r->n_shifts++] = (Shift) {
                .operator = i,
                .start = start,
                .end = end,
                .source = TAKE_PTR(copy),
        };
        return 0;
}

static int shift_compare(const void *a, const void *b) {
        const Shift *x = a, *y = b;

        if (x->operator != y->operator)
                return x->operator < y->operator ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        return 0;
}

static int planned_compare(const void *a, const void *b) {
        const PlannedBreak *x = a, *y = b;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return x->end < y->end ? -1 : x->end > y->end;
}

/* Fold next (same operator, starting no earlier) into s: one shift covering
 * both, with the gap between them (if any) as a planned break. next's
 * resources are released. */
static int shift_absorb(Shift *s, Shift *next) {
        size_t n = s->n_planned + next->n_planned + 1, k = 0;
        PlannedBreak *p;

        p = reallocarray(s->planned, n, sizeof(PlannedBreak));
        if (!p)
                return -ENOMEM;
        s->planned = p;
        if (next->n_planned > 0)
                memcpy(p + s->n_planned, next->planned, next->n_planned * sizeof(PlannedBreak));
        n = s->n_planned + next->n_planned;
        if (next->start > s->end)
                p[n++] = (PlannedBreak) { s->end, next->start };
        s->end = MAX(s->end, next->end);
        shift_done(next);

        /* Keep the breaks sorted and disjoint. */
        qsort(p, n, sizeof(PlannedBreak), planned_compare);
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && p[i].start <= p[k - 1].end)
                        p[k - 1].end = MAX(p[k - 1].end, p[i].end);
                else
                        p[k++] = p[i];
        }
        s->n_planned = k;
        return 0;
}

bool roster_has_team(const Roster *r, const char *team) {
        size_t lo = 0, hi = r->n_teams;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(r->teams[mid], team);

                if (c == 0)
                        return true;
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return false;
}

static int roster_string_ptr_compare(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

/* r->teams: the distinct teams of r->operators, sorted. */
static int roster_list_teams(Roster *r) {
        _cleanup_free_ char **sorted = calloc(MAX(r->n_operators, (size_t) 1), sizeof(char *));
        _cleanup_(strv_freep) char **teams = calloc(r->n_operators + 1, sizeof(char *));
        size_t n = 0;

        if (!sorted || !teams)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_operators; i++)
                sorted[i] = r->operators[i].team;
        qsort(sorted, r->n_operators, sizeof(char *), roster_string_ptr_compare);
        for (size_t i = 0; i < r->n_operators; i++)
                if (i == 0 || !streq(sorted[i - 1], sorted[i])) {
                        teams[n] = strdup(sorted[i]);
                        if (!teams[n])
                                return -ENOMEM;
                        n++;
                }
        strv_free(r->teams);
        r->teams = TAKE_PTR(teams);
        r->n_teams = n;
        return 0;
}

int roster_append(Roster *r, const Roster *from) {
        for (size_t i = 0; i < from->n_shifts; i++) {
                const Shift *s = &from->shifts[i];
                const Operator *o = &from->operators[s->operator];
                int k;

                k = roster_add_shift(r, o->id, o->name, o->team, s->start, s->end, s->source);
                if (k < 0)
                        return k;
        }
        return 0;
}

int roster_finish(Roster *r, usec_t split_gap) {
        size_t k = 0;

        if (r->n_shifts == 0)
                return roster_list_teams(r);

        /* Operators are kept sorted by id, so operator index order is id order. */
        qsort(r->shifts, r->n_shifts, sizeof(Shift), shift_compare);

        for (size_t i = 1; i < r->n_shifts; i++) {
                Shift *s = &r->shifts[k], *next = &r->shifts[i];
                bool join = next->operator == s->operator &&
                            (next->start <= s->end || (split_gap > 0 && next->start - s->end <= split_gap));

                if (join) {
                        int q;

                        if (next->start < s->end)
                                log_warning("%s: shift overlaps the one from %s of operator '%s', merging them",
                                            next->source ?: "roster", s->source ?: "roster",
                                            r->operators[s->operator].id);
                        q = shift_absorb(s, next);

                        if (q < 0) {
                                /* Keep the roster consistent: close the hole left so far. */
                                memmove(r->shifts + k + 1, r->shifts + i, (r->n_shifts - i) * sizeof(Shift));
                                r->n_shifts = k + 1 + (r->n_shifts - i);
                                return q;
                        }
                } else
                        r->shifts[++k] = *next;
        }
        r->n_shifts = k + 1;
        return roster_list_teams(r);
}
