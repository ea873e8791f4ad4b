/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The roster: operators and their shifts, imported from files. */

#include "shared/util.h"

typedef struct Operator {
        char *id;       /* "op17": what incidents and feeds are keyed by */
        char *name;     /* display name, "Operator 17"; never NULL (defaults to id) */
        char *team;     /* coverage is counted per team; never NULL (default "default") */
        char *language; /* what the operator's feed speaks ("ja"; the roster's language column);
                         * NULL: the site's (site.language) */
        char *language_source;  /* the row that gave it, for messages: "roster.csv:4"; NULL with it */
} Operator;

/* A break that came with the roster (kind "planned"), e.g. the gap of a
 * split shift. */
typedef struct PlannedBreak {
        usec_t start, end;      /* UTC, start < end, inside the shift */
} PlannedBreak;

typedef struct Shift {
        size_t operator;        /* index into Roster.operators */
        usec_t start, end;      /* UTC, start < end */
        PlannedBreak *planned;  /* sorted by start, not overlapping */
        size_t n_planned;
        char *source;           /* "roster.csv:12", where the shift came from */
} Shift;

typedef struct Roster {
        Operator *operators;    /* sorted by id once finished (roster_finish()), unique */
        size_t n_operators;
        Shift *shifts;          /* sorted by (operator id, start) */
        size_t n_shifts;
        char **teams;           /* the operators' distinct teams, sorted (roster_finish()); never NULL */
        size_t n_teams;
        size_t *by_team;        /* indexes into operators, by (team, id) (roster_finish()) */
        void *loading;          /* while shifts are added: tsearch(3) of the operators by id */
} Roster;

/* An empty roster. Returns NULL on OOM. */
Roster *roster_new(void);
Roster *roster_free(Roster *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(Roster *, roster_free);

/* Whether name can be an operator id (is_team false) or a team name: it
 * names a feed file (<dir>/<id>.ics, <dir>/team-<team>.ics) and travels on
 * D-Bus, so: 1 to 128 bytes of valid UTF-8, no control characters, no '/',
 * not starting with '.', and an operator id does not start with "team-"
 * (a team feed's name). Spaces, Japanese and emoji are fine. */
bool roster_name_is_valid(const char *name, bool is_team) _pure_;

/* Index of operator id in r->operators, or -ENOENT. */
ssize_t roster_find_operator(const Roster *r, const char *id);

/* The team of operator id, or NULL when it has none or is not in r. */
const char *roster_operator_team(const Roster *r, const char *id) _pure_;

/* Whether team is one of r->teams. */
bool roster_has_team(const Roster *r, const char *team) _pure_;

/* The operators of team in a finished roster: their indexes into
 * r->operators, in id order, at *ret (pointing into r). A binary search:
 * O(log n_operators). Returns how many there are (0: no such team). */
size_t roster_team_operators(const Roster *r, const char *team, const size_t **ret);

/* Whether a and b have the same operators, with the same names, teams and languages
 * (their shifts may differ). Linear in the operators. */
bool roster_operators_equal(const Roster *a, const Roster *b) _pure_;

/* Add a shift of operator id (added with name and team when new; NULL name:
 * the id, NULL team: "default"); source ("FILE:LINE") is copied. Returns 0,
 * -EINVAL for an id or team roster_name_is_valid() refuses, or -ENOMEM. */
int roster_add_shift(Roster *r, const char *id, const char *name, const char *team, usec_t start, usec_t end,
                     const char *source);

/* Set the language of operator id, added already (roster_add_shift()):
 * language is as i18n_language_is_valid() takes it, source the row that
 * gives it ("roster.csv:4", may be NULL). A second, different language
 * keeps the first. Returns 0, -ENOENT for an unknown id, -EEXIST when the
 * operator had another language, or -ENOMEM. */
int roster_set_operator_language(Roster *r, const char *id, const char *language, const char *source);

/* Add copies of the shifts (and operators) of from, a roster not yet
 * finished, to r, as roster_add_shift() does. Returns 0 or a negative
 * errno. */
int roster_append(Roster *r, const Roster *from);

/* Give back the room kept for more operators and shifts (a roster is kept
 * long after it is read); more may still be added. */
void roster_trim(Roster *r);

/* After loading every file: sort, and join consecutive shifts of one
 * operator whose gap is at most split_gap (microseconds; 0 = never) into one
 * shift with the gap as a planned break (a split shift). Overlapping shifts of
 * one operator are merged, with a warning naming both rows. Then list the
 * distinct teams in r->teams and the operators by team (r->by_team), and
 * trim (roster_trim()). Returns 0 or -ENOMEM. */
int roster_finish(Roster *r, usec_t split_gap);
