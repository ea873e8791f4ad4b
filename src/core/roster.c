/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <malloc.h>

#include "core/roster.h"
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
        for (size_t i = 0; i < r->n_operators; i++) {
                free(r->operators[i].id);
                free(r->operators[i].name);
                free(r->operators[i].team);
        }
        free(r->operators);
        free_array(r->shifts, r->n_shifts, roster_shift_done);
        return mfree(r);
}

/* Room for one more element in *array of n, growing by doubling. The room
 * there is what malloc gave (as systemd's GREEDY_REALLOC() reads it), so an
 * array trimmed by roster_trim() grows again. */
static int roster_grow(void **array, size_t n, size_t size) {
        void *p;

        if (*array && n < malloc_usable_size(*array) / size)
                return 0;
        p = reallocarray(*array, MAX(n * 2, (size_t) 8), size);
        if (!p)
                return -ENOMEM;
        *array = p;
        return 0;
}

/* *array of n elements to n (none: kept). */
static void roster_shrink(void **array, size_t n, size_t size) {
        void *p;

        if (n == 0)
                return;
        p = reallocarray(*array, n, size);
        if (p)          /* else the room stays: nothing is lost */
                *array = p;
}

void roster_trim(Roster *r) {
        roster_shrink((void **) &r->operators, r->n_operators, sizeof(Operator));
        roster_shrink((void **) &r->shifts, r->n_shifts, sizeof(Shift));
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

        r = roster_grow((void **) &roster->operators, roster->n_operators, sizeof(Operator));
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
        k = roster_grow((void **) &r->shifts, r->n_shifts, sizeof(Shift));
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
                    !streq(a->operators[i].team, b->operators[i].team))
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
        qsort(sorted, r->n_operators, sizeof(char *), roster_string_ptr_compare);
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
        qsort(r->shifts, r->n_shifts, sizeof(Shift), roster_shift_compare);

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
