/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "ctl/ctl-json.h"
#include "ctl/format-table.h"
#include "ctl/term.h"
#include "shared/csv-reader.h"
#include "shared/i18n.h"
#include "shared/reason-words.h"

typedef struct TableCell {
        TableDataType type;
        char *text;             /* TABLE_STRING, TABLE_BREAK_KIND, TABLE_AGENT_STATE, TABLE_REASON: a copy,
                                 * or NULL */
        char *zone;             /* time types */
        usec_t usec;            /* time types and TABLE_DURATION */
} TableCell;

struct Table {
        const TableColumn *columns;
        size_t n_columns;
        size_t *display;        /* the text's columns, in order */
        size_t n_display;
        TableCell *cells;       /* row by row */
        size_t n_cells;
        TableCsvStyle csv_style;
};

Table *table_free(Table *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_cells; i++) {
                free(t->cells[i].text);
                free(t->cells[i].zone);
        }
        free(t->cells);
        free(t->display);
        return mfree(t);
}

Table *table_new(const TableColumn *columns, size_t n_columns) {
        _cleanup_(table_freep) Table *t = calloc(1, sizeof(Table));

        if (!t)
                return NULL;
        t->columns = columns;
        t->n_columns = n_columns;
        t->display = calloc(n_columns, sizeof(size_t));
        if (!t->display)
                return NULL;
        for (size_t i = 0; i < n_columns; i++)
                if (columns[i].header)
                        t->display[t->n_display++] = i;
        return TAKE_PTR(t);
}

int table_set_display(Table *t, const size_t *display, size_t n) {
        size_t *copy = calloc(MAX(n, (size_t) 1), sizeof(size_t));

        if (!copy)
                return -ENOMEM;
        memcpy(copy, display, n * sizeof(size_t));
        free(t->display);
        t->display = copy;
        t->n_display = n;
        return 0;
}

void table_set_csv_style(Table *t, TableCsvStyle style) {
        t->csv_style = style;
}

/* Take cell c as the next cell, and its strings with it. */
static int table_add_cell(Table *t, TableCell c) {
        if (array_grow((void **) &t->cells, t->n_cells, sizeof(TableCell)) < 0) {
                free(c.text);
                free(c.zone);
                return -ENOMEM;
        }
        t->cells[t->n_cells++] = c;
        return 0;
}

static int table_add_text(Table *t, TableDataType type, const char *s) {
        TableCell c = { .type = type };

        if (s) {
                c.text = strdup(s);
                if (!c.text)
                        return -ENOMEM;
        }
        return table_add_cell(t, c);
}

int table_add_string(Table *t, const char *s) {
        return table_add_text(t, TABLE_STRING, s);
}

int table_add_break_kind(Table *t, const char *kind) {
        return table_add_text(t, TABLE_BREAK_KIND, kind);
}

int table_add_agent_state(Table *t, const char *state) {
        return table_add_text(t, TABLE_AGENT_STATE, state);
}

int table_add_reason(Table *t, const char *reason) {
        return table_add_text(t, TABLE_REASON, reason);
}

int table_add_time(Table *t, TableDataType type, usec_t when, const char *zone) {
        TableCell c = { .type = type, .usec = when, .zone = strdup(zone) };

        if (!c.zone)
                return -ENOMEM;
        return table_add_cell(t, c);
}

int table_add_duration(Table *t, usec_t d) {
        return table_add_cell(t, (TableCell) { .type = TABLE_DURATION, .usec = d });
}

size_t table_get_rows(const Table *t) {
        return t->n_cells / t->n_columns;
}

const char *table_format_time(TableDataType type, usec_t when, const char *zone, char buf[static ISO8601_MAX]) {
        if (type == TABLE_TIMESTAMP)
                return time_format_iso8601(when, zone, buf) < 0 ? NULL : buf;
        return time_format_clock(when, zone, type == TABLE_TIMESTAMP_MINUTE, buf);
}

/* The text of cell c. Returns 0, -ENOMEM, or -EINVAL as table_print(). */
static int table_cell_text(const TableCell *c, char **ret) {
        char buf[MAX(ISO8601_MAX, DURATION_MAX)];
        const char *s;

        switch (c->type) {
        case TABLE_STRING:
        case TABLE_BREAK_KIND:
        case TABLE_AGENT_STATE:
        case TABLE_REASON:
                s = c->text ?: "";
                break;
        case TABLE_DURATION:
                s = duration_format(c->usec, buf, sizeof buf);
                break;
        default:
                s = c->usec == 0 ? "-" : table_format_time(c->type, c->usec, c->zone, buf);
                if (!s)
                        return -EINVAL;
        }
        return strdup_to(ret, s);
}

/* Cell c as a field of a TABLE_CSV_RECORD: instants in ISO 8601, none
 * empty. Returns 0, -ENOMEM, or -EINVAL when an instant does not format. */
static int table_cell_record(const TableCell *c, char **ret) {
        char buf[ISO8601_MAX];

        switch (c->type) {
        case TABLE_STRING:
        case TABLE_BREAK_KIND:
        case TABLE_AGENT_STATE:
        case TABLE_REASON:
                return strdup_to(ret, c->text ?: "");
        case TABLE_DURATION:
                return asprintf(ret, "%" PRIu64, c->usec / USEC_PER_MINUTE) < 0 ? -ENOMEM : 0;
        default:
                if (c->usec == 0)
                        return strdup_to(ret, "");
                if (time_format_iso8601(c->usec, c->zone, buf) < 0)
                        return -EINVAL;
                return strdup_to(ret, buf);
        }
}

/* The texts of the header and of each of the n_shown columns shown of
 * each row, row by row, in a strv: the text's (record false), or a
 * TABLE_CSV_RECORD's fields (record true, the header the JSON keys).
 * Returns 0 or a negative errno as table_cell_text(). */
static int table_render(const Table *t, const size_t *shown, size_t n_shown, bool record, char ***ret) {
        size_t n_rows = table_get_rows(t), n = 0;
        _cleanup_(strv_freep) char **texts = calloc((n_rows + 1) * n_shown + 1, sizeof(char *));
        int r;

        if (!texts)
                return -ENOMEM;
        for (size_t i = 0; i < n_shown; i++) {
                const TableColumn *c = &t->columns[shown[i]];

                r = strdup_to(&texts[n++], record ? c->json : c->header);
                if (r < 0)
                        return r;
        }
        for (size_t row = 0; row < n_rows; row++)
                for (size_t i = 0; i < n_shown; i++) {
                        const TableCell *c = &t->cells[row * t->n_columns + shown[i]];

                        r = record ? table_cell_record(c, &texts[n++]) : table_cell_text(c, &texts[n++]);
                        if (r < 0)
                                return r;
                }
        *ret = TAKE_PTR(texts);
        return 0;
}

/* An operator's agent state (core/agent-state.h) as the text shows it, in
 * the reader's language: the value itself in English (scripts and tests
 * read "on_call"), "通話中" in Japanese; state itself for another. */
static const char *table_agent_state_words(const char *state) {
        static const I18nWords words[] = {
                /* TRANSLATORS: an operator's agent state in respitectl operators' STATE column, as an ACD's
                 * screen shows it. English shows the value itself: keep the translation a short status word. */
                { "logged_out", N_("logged_out") },
                /* TRANSLATORS: an agent state (see logged_out): ready for the next call. */
                { "available",  N_("available")  },
                /* TRANSLATORS: an agent state (see logged_out): on a call. */
                { "on_call",    N_("on_call")    },
                /* TRANSLATORS: an agent state (see logged_out): paused at the ACD (PAUSE), away from calls. */
                { "paused",     N_("paused")     },
                /* TRANSLATORS: an agent state (see logged_out): on a break. */
                { "on_break",   N_("on_break")   },
        };

        const char *w = I18N_WORDS_FIND(words, state);

        return w ? _(w) : state;
}

static const char *table_kind_color(const char *kind) {
        return streq(kind, "recovery") ? ANSI_YELLOW : streq(kind, "statutory") ? ANSI_BLUE : "";
}

/* The cell of text i of table_render() (the header first); NULL for the header. */
static const TableCell *table_text_cell(const Table *t, size_t i) {
        size_t row = i / t->n_display, column = t->display[i % t->n_display];

        return row == 0 ? NULL : &t->cells[(row - 1) * t->n_columns + column];
}

/* The colour of text i of table_render(), or "": by the kind the cell
 * holds, whatever language shows it. */
static const char *table_text_color(const Table *t, size_t i) {
        const TableCell *c = table_text_cell(t, i);

        if (!c)
                return ANSI_BOLD;
        return c->type == TABLE_BREAK_KIND ? table_kind_color(c->text ?: "") : "";
}

/* Whether a text of texts[from, end) (the rest of a row) is not empty: a
 * row's last texts are padded only up to one that is, so that no line ends
 * in spaces (an alert without a note). */
static bool table_text_follows(char * const *texts, size_t from, size_t end) {
        for (size_t i = from; i < end; i++)
                if (!isempty(texts[i]))
                        return true;
        return false;
}

int table_print(const Table *t, bool color) {
        _cleanup_(strv_freep) char **texts = NULL;
        _cleanup_free_ size_t *widths = calloc(MAX(t->n_display, (size_t) 1), sizeof(size_t));
        int r;

        if (!widths)
                return -ENOMEM;
        r = table_render(t, t->display, t->n_display, false, &texts);
        if (r < 0)
                return r;
        /* The headers, kinds, agent states, lengths and reasons in the reader's language (CSV keeps them
         * as they are). */
        for (size_t i = 0; i < t->n_display; i++) {
                r = strdup_to(&texts[i], _(t->columns[t->display[i]].header));
                if (r < 0)
                        return r;
        }
        for (size_t i = t->n_display; texts[i]; i++) {
                const TableCell *c = table_text_cell(t, i);
                TableDataType type = c->type;

                if (type == TABLE_REASON) {
                        char *translated = reason_translate(texts[i]);

                        if (translated) {
                                free(texts[i]);
                                texts[i] = translated;
                        }
                } else if (type == TABLE_BREAK_KIND) {
                        r = strdup_to(&texts[i], reason_kind_words(texts[i]));
                        if (r < 0)
                                return r;
                } else if (type == TABLE_AGENT_STATE) {
                        r = strdup_to(&texts[i], table_agent_state_words(texts[i]));
                        if (r < 0)
                                return r;
                } else if (type == TABLE_DURATION) {
                        char length[DURATION_MAX];

                        r = strdup_to(&texts[i], duration_format_words(c->usec, length));
                        if (r < 0)
                                return r;
                }
        }
        /* By the columns each text takes: a Japanese character takes two
         * (wcwidth(3), East Asian Wide). */
        for (size_t i = 0; texts[i]; i++)
                widths[i % t->n_display] = MAX(widths[i % t->n_display], term_text_width(texts[i]));
        for (size_t i = 0; texts[i]; i++) {
                size_t column = i % t->n_display;
                const char *on = color ? table_text_color(t, i) : "";

                printf("%s%s%s", on, texts[i], *on ? ANSI_RESET : "");
                if (column == t->n_display - 1)
                        putchar('\n');
                else if (table_text_follows(texts, i + 1, i - column + t->n_display))
                        printf("%*s", (int) (widths[column] - term_text_width(texts[i]) + 2), "");
        }
        return 0;
}

int table_print_csv(const Table *t) {
        _cleanup_(strv_freep) char **texts = NULL;
        _cleanup_free_ size_t *shown = NULL;
        bool record = t->csv_style == TABLE_CSV_RECORD;
        size_t n_shown = 0;
        int r;

        if (record) {
                shown = calloc(MAX(t->n_columns, (size_t) 1), sizeof(size_t));
                if (!shown)
                        return -ENOMEM;
                for (size_t i = 0; i < t->n_columns; i++)
                        if (t->columns[i].json)
                                shown[n_shown++] = i;
                r = table_render(t, shown, n_shown, true, &texts);
        } else {
                n_shown = t->n_display;
                r = table_render(t, t->display, n_shown, false, &texts);
        }
        if (r < 0)
                return r;
        for (size_t i = 0; texts[i]; i++) {
                const char *field = texts[i];

                /* The text's header gives way to the JSON key where there is one. */
                if (!record && i < n_shown)
                        field = t->columns[t->display[i]].json ?: field;
                csv_fputs_field(field, stdout);
                putchar(i % n_shown == n_shown - 1 ? '\n' : ',');
        }
        return 0;
}

static int table_cell_to_json(const TableCell *c, const char *key, json_object *o) {
        switch (c->type) {
        case TABLE_STRING:
        case TABLE_BREAK_KIND:
        case TABLE_AGENT_STATE:
        case TABLE_REASON:
                return ctl_json_add_string(o, key, c->text);
        case TABLE_DURATION:
                return ctl_json_add_uint(o, key, c->usec / USEC_PER_MINUTE);
        default:
                return ctl_json_add_time(o, key, c->usec, c->zone);
        }
}

int table_row_to_json(const Table *t, size_t row, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();

        if (!o)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_columns; i++)
                if (t->columns[i].json &&
                    table_cell_to_json(&t->cells[row * t->n_columns + i], t->columns[i].json, o) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}

int table_to_json(const Table *t, json_object **ret) {
        _cleanup_(json_object_putp) json_object *list = json_object_new_array();

        if (!list)
                return -ENOMEM;
        for (size_t row = 0; row < table_get_rows(t); row++) {
                json_object *o;

                if (table_row_to_json(t, row, &o) < 0)
                        return -ENOMEM;
                if (json_object_array_add(list, o) < 0) {
                        json_object_put(o);
                        return -ENOMEM;
                }
        }
        *ret = TAKE_PTR(list);
        return 0;
}

int table_print_json(const Table *t) {
        _cleanup_(json_object_putp) json_object *list = NULL;

        if (table_to_json(t, &list) < 0)
                return -ENOMEM;
        return ctl_json_print(list);
}
