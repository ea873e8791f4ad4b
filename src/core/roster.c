/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <search.h>

#include "core/roster.h"
#include "shared/i18n.h"
#include "shared/log.h"

static void roster_shift_done(Shift *s) {
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
        free(r->by_team);
        tdestroy(r->loading, free);
        for (size_t i = 0; i < r->n_operators; i++) {
                free(r->operators[i].id);
                free(r->operators[i].name);
                free(r->operators[i].team);
                free(r->operators[i].language);
                free(r->operators[i].language_source);
        }
        free(r->operators);
        free_array(r->shifts, r->n_shifts, roster_shift_done);
        return mfree(r);
}

void roster_trim(Roster *r) {
        array_trim((void **) &r->operators, r->n_operators, sizeof(Operator));
        array_trim((void **) &r->shifts, r->n_shifts, sizeof(Shift));
}

/* An operator of a roster being loaded, by id. */
typedef struct RosterKey {
        const char *id;
        size_t index;           /* into operators, in the order they came */
} RosterKey;

static int roster_key_compare(const void *a, const void *b) {
        return strcmp(((const RosterKey *) a)->id, ((const RosterKey *) b)->id);
}

static int roster_operator_compare(const void *a, const void *b) {
        return strcmp(((const Operator *) a)->id, ((const Operator *) b)->id);
}

ssize_t roster_find_operator(const Roster *r, const char *id) {
        const Operator *found;

        if (r->loading) {
                void **node = tfind(&(RosterKey) { .id = id }, &r->loading, roster_key_compare);
                return node ? (ssize_t) (*(RosterKey **) node)->index : -ENOENT;
        }
        found = r->n_operators > 0 ? bsearch(&(Operator) { .id = (char *) id }, r->operators, r->n_operators,
                                             sizeof(Operator), roster_operator_compare) : NULL;
        return found ? found - r->operators : -ENOENT;
}

/* Add a new operator at the end; roster_finish() sorts them. Returns its
 * index or -ENOMEM. */
static ssize_t roster_add_operator(Roster *roster, const char *id, const char *name, const char *team) {
        _cleanup_free_ RosterKey *key = NULL;
        Operator o = {};
        int r;

        /* A finished roster grows again: index what it has. */
        for (size_t i = 0; !roster->loading && i < roster->n_operators; i++) {
                RosterKey *k = malloc(sizeof(RosterKey));

                if (!k || !tsearch(k, &roster->loading, roster_key_compare)) {
                        free(k);
                        return -ENOMEM;
                }
                *k = (RosterKey) { roster->operators[i].id, i };
        }
        r = array_grow((void **) &roster->operators, roster->n_operators, sizeof(Operator));
        if (r < 0)
                return r;
        key = malloc(sizeof(RosterKey));
        o.id = strdup(id);
        o.name = strdup(name);
        o.team = strdup(team);
        if (!key || !o.id || !o.name || !o.team) {
                free(o.id);
                free(o.name);
                free(o.team);
                return -ENOMEM;
        }
        *key = (RosterKey) { o.id, roster->n_operators };
        if (!tsearch(key, &roster->loading, roster_key_compare)) {
                free(o.id);
                free(o.name);
                free(o.team);
                return -ENOMEM;
        }
        TAKE_PTR(key);
        roster->operators[roster->n_operators] = o;
        return (ssize_t) roster->n_operators++;
}

static int roster_id_compare(const void *a, const void *b, void *userdata) {
        const Roster *r = userdata;

        return strcmp(r->operators[*(const size_t *) a].id, r->operators[*(const size_t *) b].id);
}

/* Sort the operators by id, the shifts following, and drop the index of a
 * roster being loaded. Returns 0 or -ENOMEM. */
static int roster_sort_operators(Roster *r) {
        _cleanup_free_ size_t *order = NULL, *where = NULL;
        _cleanup_free_ Operator *sorted = NULL;

        if (!r->loading)
                return 0;
        order = calloc(MAX(r->n_operators, (size_t) 1), sizeof(size_t));
        where = calloc(MAX(r->n_operators, (size_t) 1), sizeof(size_t));
        sorted = calloc(MAX(r->n_operators, (size_t) 1), sizeof(Operator));
        if (!order || !where || !sorted)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_operators; i++)
                order[i] = i;
        qsort_r(order, r->n_operators, sizeof(size_t), roster_id_compare, r);
        for (size_t i = 0; i < r->n_operators; i++) {
                sorted[i] = r->operators[order[i]];
                where[order[i]] = i;
        }
        for (size_t k = 0; k < r->n_shifts; k++)
                r->shifts[k].operator = where[r->shifts[k].operator];
        free(r->operators);
        r->operators = TAKE_PTR(sorted);
        tdestroy(r->loading, free);
        r->loading = NULL;
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

int roster_add_shift(Roster *r, const char *id, const char *name, const char *team, usec_t start, usec_t end,
                     const char *source) {
        _cleanup_free_ char *copy = NULL;
        ssize_t i;
        int k;

        if (!roster_name_is_valid(id, false) || (team && !roster_name_is_valid(team, true)))
                return -EINVAL;
        i = roster_find_operator(r, id);
        if (i < 0) {
                i = roster_add_operator(r, id, name ?: id, team ?: "default");
                if (i < 0)
                        return (int) i;
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

static int roster_shift_compare(const void *a, const void *b) {
        const Shift *x = a, *y = b;

        return CMP(x->operator, y->operator) ?: CMP(x->start, y->start) ?: CMP(x->end, y->end);
}

static int roster_planned_compare(const void *a, const void *b) {
        const PlannedBreak *x = a, *y = b;

        return CMP(x->start, y->start) ?: CMP(x->end, y->end);
}

/* Fold next (same operator, starting no earlier) into s: one shift covering
 * both, with the gap between them (if any) as a planned break. next's
 * resources are released. */
static int roster_shift_absorb(Shift *s, Shift *next) {
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
        roster_shift_done(next);

        /* Keep the breaks sorted and disjoint. */
        qsort(p, n, sizeof(PlannedBreak), roster_planned_compare);
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && p[i].start <= p[k - 1].end)
                        p[k - 1].end = MAX(p[k - 1].end, p[i].end);
                else
                        p[k++] = p[i];
        }
        s->n_planned = k;
        return 0;
}

const char *roster_operator_team(const Roster *r, const char *id) {
        ssize_t i = roster_find_operator(r, id);

        return i >= 0 ? r->operators[i].team : NULL;
}

bool roster_has_team(const Roster *r, const char *team) {
        return r->n_teams > 0 && bsearch(&team, r->teams, r->n_teams, sizeof(char *), strptr_compare);
}

static int roster_team_compare(const void *a, const void *b, void *userdata) {
        const Roster *r = userdata;
        size_t x = *(const size_t *) a, y = *(const size_t *) b;

        return strcmp(r->operators[x].team, r->operators[y].team) ?: CMP(x, y);
}

bool roster_operators_equal(const Roster *a, const Roster *b) {
        if (!a || !b || a->n_operators != b->n_operators)
                return false;
        for (size_t i = 0; i < a->n_operators; i++)
                if (!streq(a->operators[i].id, b->operators[i].id) || !streq(a->operators[i].name, b->operators[i].name) ||
                    !streq(a->operators[i].team, b->operators[i].team) ||
                    !streq_ptr(a->operators[i].language, b->operators[i].language))
                        return false;
        return true;
}

size_t roster_team_operators(const Roster *r, const char *team, const size_t **ret) {
        size_t lo = 0, hi = r->n_operators, first;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (strcmp(r->operators[r->by_team[mid]].team, team) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        first = lo;
        while (hi < r->n_operators && streq(r->operators[r->by_team[hi]].team, team))
                hi++;
        *ret = r->by_team ? r->by_team + first : NULL;
        return hi - first;
}

/* r->teams: the distinct teams of r->operators, sorted; r->by_team. */
static int roster_list_teams(Roster *r) {
        _cleanup_free_ char **sorted = calloc(MAX(r->n_operators, (size_t) 1), sizeof(char *));
        _cleanup_(strv_freep) char **teams = calloc(r->n_operators + 1, sizeof(char *));
        size_t n = 0;

        if (!sorted || !teams)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_operators; i++)
                sorted[i] = r->operators[i].team;
        qsort(sorted, r->n_operators, sizeof(char *), strptr_compare);
        for (size_t i = 0; i < r->n_operators; i++)
                if (i == 0 || !streq(sorted[i - 1], sorted[i])) {
                        teams[n] = strdup(sorted[i]);
                        if (!teams[n])
                                return -ENOMEM;
                        n++;
                }
        /* Room was made for a team per operator; teams are usually fewer. */
        sorted = mfree(sorted);
        if (n < r->n_operators) {
                char **t = reallocarray(teams, n + 1, sizeof(char *));
                if (t)
                        teams = t;
        }
        strv_free(r->teams);
        r->teams = TAKE_PTR(teams);
        r->n_teams = n;

        free(r->by_team);
        r->by_team = calloc(MAX(r->n_operators, (size_t) 1), sizeof(size_t));
        if (!r->by_team)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_operators; i++)
                r->by_team[i] = i;
        qsort_r(r->by_team, r->n_operators, sizeof(size_t), roster_team_compare, r);
        return 0;
}

int roster_set_operator_language(Roster *r, const char *id, const char *language, const char *source) {
        ssize_t i = roster_find_operator(r, id);
        Operator *o;
        int k;

        if (i < 0)
                return (int) i;
        o = &r->operators[i];
        if (o->language)
                return streq(o->language, language) ? 0 : -EEXIST;
        k = strdup_to(&o->language, language);
        if (k < 0 || !source)
                return k;
        return strdup_to(&o->language_source, source);
}

int roster_append(Roster *r, const Roster *from) {
        for (size_t i = 0; i < from->n_shifts; i++) {
                const Shift *s = &from->shifts[i];
                const Operator *o = &from->operators[s->operator];
                int k;

                k = roster_add_shift(r, o->id, o->name, o->team, s->start, s->end, s->source);
                if (k >= 0 && o->language)
                        k = roster_set_operator_language(r, o->id, o->language, o->language_source);
                if (k == -EEXIST)
                        k = 0;  /* the first source's language stays, as its name and team do */
                if (k < 0)
                        return k;
        }
        return 0;
}

int roster_finish(Roster *r, usec_t split_gap) {
        size_t k = 0;

        if (roster_sort_operators(r) < 0)
                return -ENOMEM;
        if (r->n_shifts == 0)
                return roster_list_teams(r);

        /* Operators are kept sorted by id, so operator index order is id order. */
        qsort(r->shifts, r->n_shifts, sizeof(Shift), roster_shift_compare);

        for (size_t i = 1; i < r->n_shifts; i++) {
                Shift *s = &r->shifts[k], *next = &r->shifts[i];
                bool join = next->operator == s->operator &&
                            (next->start <= s->end || (split_gap > 0 && next->start - s->end <= split_gap));

                if (join) {
                        int q;

                        if (next->start < s->end)
                                log_warning(_("%s: shift overlaps the one from %s of operator '%s', merging them"),
                                            next->source ?: "roster", s->source ?: "roster",
                                            r->operators[s->operator].id);
                        q = roster_shift_absorb(s, next);

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
        roster_trim(r);
        return roster_list_teams(r);
}
