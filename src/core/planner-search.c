/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The break search (step 6, see planner.c): once every shift of a team is
 * planned, one at a time, each seeing only the breaks of those before it,
 * the team's statutory blocks that have not begun move to where the team's
 * coverage is best, each within its rule.
 *
 * What is minimised, in order: the team's shortfall (operator-minutes below
 * the requirement, as metrics_compute() counts them) plus SEARCH_MOVE_COST
 * for each block a revision moves from where the previous revision
 * announced it; then a balance term that prefers, where the shortfall is
 * the same, minutes with more operators to spare, which opens room for the
 * blocks that still lie where the team is short. A block moves to the
 * best of its starts that lowers that (lexicographic) sum, and the search
 * goes over the team's blocks again until none moves or the budget
 * (planning.search_steps per shift, in starts weighed: no clock) is spent.
 * Each move lowers the sum, so the search ends; it reads the shifts in
 * team order and the starts in time order, so the same inputs give the
 * same plan on any machine.
 *
 * A block may move when it belongs to a rule, has not merged with a
 * recovery, starts on the step grid inside its rule's window at least
 * SEARCH_NOTICE after now (and was not due during a call), and its shift
 * holds every rule (planner_statutory_lawful()). It moves only to a start
 * of its window at least SEARCH_NOTICE after now, never inside a call of
 * its operator, over a pause of theirs that counts, over another break,
 * over the instant that earned a recovery, or where a recovery of the shift
 * would merge into it (from the recovery's start to merge_margin after its
 * end: the next revision would merge them), and only where the shift still
 * holds every rule. */
#include <assert.h>

#include "core/planner-internal.h"

/* A revision never moves a block that begins within this of now, nor moves
 * one to begin that soon: the operator has been told. */
#define SEARCH_NOTICE (15 * USEC_PER_MINUTE)

/* A revision moves a block from where the previous revision had it only
 * to save more than this many operator-minutes of shortfall. */
#define SEARCH_MOVE_COST 10

/* The balance term: taking one more operator off the phones at a minute
 * with x to spare (x >= 1) costs 2 (SEARCH_BALANCE - x) + 1 up to
 * SEARCH_BALANCE, nothing above: the marginal cost of the convex sum
 * Σ (SEARCH_BALANCE - min(x, SEARCH_BALANCE))² over the minutes. */
#define SEARCH_BALANCE 4

typedef struct SearchBreak {
        size_t shift;                   /* into PlannerSearch.shifts */
        const char *uid;                /* owned by the shift's plan */
        usec_t len;
        usec_t first, last;             /* its starts: first, first + step, …, last */
        size_t blocked;                 /* into PlannerSearch.blocked: per start, inside a call or
                                         * over a pause of the operator */
        usec_t built;                   /* where the shift's planning put it */
        usec_t announced;               /* where the previous revision had it, or USEC_INFINITY */
} SearchBreak;

/* One start of a block, weighed. */
typedef struct SearchStart {
        usec_t start;
        int64_t cost, balance;          /* shortfall (with SEARCH_MOVE_COST), balance term */
} SearchStart;

struct PlannerSearch {
        const PlannerRun *in;
        Planning *shifts;               /* their calls and pauses read when added, then forgotten */
        size_t n_shifts, max_shifts;
        Rule *rules;                    /* n_tiers per shift */
        size_t n_tiers;
        SearchBreak *breaks;
        size_t n_breaks;
        bool *blocked;
        size_t n_blocked;
        uint64_t steps, budget;
        /* Room for the widest window: slack per minute, prefix sums, starts. */
        int32_t *slack;
        int64_t *short_sum, *balance_sum;
        SearchStart *starts, *starts2; /* a block's, the block it ejects */
        size_t room_minutes, room_starts;
};

PlannerSearch *planner_search_free(PlannerSearch *s) {
        if (!s)
                return NULL;
        free(s->shifts);
        free(s->rules);
        free(s->breaks);
        free(s->blocked);
        free(s->slack);
        free(s->short_sum);
        free(s->balance_sum);
        free(s->starts);
        free(s->starts2);
        return mfree(s);
}

int planner_search_new(const PlannerRun *in, size_t n_shifts, PlannerSearch **ret) {
        _cleanup_(planner_search_freep) PlannerSearch *s = calloc(1, sizeof(PlannerSearch));

        if (!s)
                return -ENOMEM;
        s->in = in;
        s->max_shifts = n_shifts;
        s->n_tiers = MAX(in->policy->statutory.n_tiers, (size_t) 1);
        s->shifts = calloc(MAX(n_shifts, (size_t) 1), sizeof(Planning));
        s->rules = calloc(MAX(n_shifts, (size_t) 1) * s->n_tiers, sizeof(Rule));
        if (!s->shifts || !s->rules)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

static usec_t search_grid(const PlannerSearch *s) {
        return s->in->policy->step ?: USEC_PER_MINUTE;
}

/* The index of the break uid (a block of the search) in its shift. */
static size_t search_break_index(const Planning *p, const char *uid) {
        size_t i = 0;

        while (p->sp->breaks[i].uid != uid)
                i++;
        return i;
}

/* Whether break i of the shift may begin at start (blocked: inside a call
 * or over a pause of the operator), the rest of the shift as it is, its
 * rules aside. */
static bool search_start_free(const PlannerSearch *s, const Planning *p, size_t i, usec_t start, bool blocked) {
        const Break *b = &p->sp->breaks[i];
        usec_t end = start + (b->end - b->start);

        if (blocked || start < s->in->now + SEARCH_NOTICE)
                return false;
        for (size_t k = 0; k < p->sp->n_breaks; k++) {
                const Break *o = &p->sp->breaks[k];

                if (k == i)
                        continue;
                if (o->start < end && start < o->end)
                        return false;
                if (o->kind == BREAK_RECOVERY && start >= o->start && start <= o->end + s->in->policy->merge_margin)
                        return false;
                /* As planner_statutory_holds_trigger(): the recovery would wait. */
                if ((o->kind == BREAK_RECOVERY || o->recovery_uid) && o->trigger > start && o->trigger < end)
                        return false;
        }
        return true;
}

/* Move break i of the shift to start when its shift still holds every
 * rule there. Returns whether it moved. */
static bool search_try_move(const PlannerSearch *s, Planning *p, size_t i, usec_t start, bool blocked) {
        usec_t from = p->sp->breaks[i].start;

        if (!search_start_free(s, p, i, start, blocked))
                return false;
        i = planner_move_break(p, i, start);
        if (planner_statutory_lawful(p))
                return true;
        planner_move_break(p, i, from);
        return false;
}

/* The block of the shift at index i, if it may move: into *ret (but its
 * shift and blocked starts). */
static bool search_movable(const PlannerSearch *s, const Planning *p, size_t i, SearchBreak *ret) {
        const Break *b = &p->sp->breaks[i], *old;
        const Rule *r = planner_break_rule(p, b);
        usec_t first, last, len = b->end - b->start;

        if (!r || b->recovery_uid || b->start < s->in->now + SEARCH_NOTICE)
                return false;
        old = p->prev ? shift_plan_find_break(p->prev, b->uid) : NULL;
        if (old && old->start < s->in->now)
                return false;   /* was due during a call */
        if (!planner_statutory_starts(p, r, len, &first, &last) || b->start < first || b->start > last ||
            (b->start - first) % search_grid(s) != 0 || first == last)
                return false;
        *ret = (SearchBreak) {
                .uid = b->uid,
                .len = len,
                .first = first,
                .last = last,
                .built = b->start,
                .announced = old ? old->start : USEC_INFINITY,
        };
        return true;
}

/* Room for one more block with n starts, and the search's arrays for its
 * window. */
static int search_grow(PlannerSearch *s, const SearchBreak *b, size_t n) {
        size_t minutes = (size_t) ((b->last + b->len - b->first + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE);

        if (array_grow((void **) &s->breaks, s->n_breaks + 1, sizeof(SearchBreak)) < 0 ||
            array_grow((void **) &s->blocked, s->n_blocked + n, sizeof(bool)) < 0)
                return -ENOMEM;
        if (minutes > s->room_minutes) {
                free(s->slack);
                free(s->short_sum);
                free(s->balance_sum);
                s->slack = calloc(minutes, sizeof(int32_t));
                s->short_sum = calloc(minutes + 1, sizeof(int64_t));
                s->balance_sum = calloc(minutes + 1, sizeof(int64_t));
                s->room_minutes = s->slack && s->short_sum && s->balance_sum ? minutes : 0;
                if (s->room_minutes == 0)
                        return -ENOMEM;
        }
        if (n > s->room_starts) {
                free(s->starts);
                free(s->starts2);
                s->starts = calloc(n, sizeof(SearchStart));
                s->starts2 = calloc(n, sizeof(SearchStart));
                s->room_starts = s->starts && s->starts2 ? n : 0;
                if (s->room_starts == 0)
                        return -ENOMEM;
        }
        return 0;
}

int planner_search_add(PlannerSearch *s, const Shift *shift, const ShiftPlan *prev, ShiftPlan *sp,
                       const CallIndex *calls) {
        Planning *p;

        assert(s->n_shifts < s->max_shifts);
        if (!s->in->staffing || s->in->policy->search_steps == 0 || shift->end <= s->in->now + SEARCH_NOTICE)
                return 0;
        p = &s->shifts[s->n_shifts];
        planner_planning_init(p, s->in, calls, shift, prev, s->rules + s->n_shifts * s->n_tiers, sp);
        if (p->team < 0 || sp->statutory_violation || sp->statutory_overruns > 0 || !planner_statutory_lawful(p))
                return 0;

        for (size_t i = 0; i < sp->n_breaks; i++) {
                SearchBreak b;
                size_t n;
                int r;

                if (!search_movable(s, p, i, &b))
                        continue;
                n = (size_t) ((b.last - b.first) / search_grid(s)) + 1;
                r = search_grow(s, &b, n);
                if (r < 0)
                        return r;
                b.shift = s->n_shifts;
                b.blocked = s->n_blocked;
                for (size_t k = 0; k < n; k++) {
                        usec_t t = b.first + k * search_grid(s);

                        s->blocked[s->n_blocked++] = planner_call_containing(p, t) ||
                                planner_pause_overlapping(p, t, t + b.len);
                }
                s->breaks[s->n_breaks++] = b;
        }
        /* Its calls were lent for this call only. */
        p->calls = NULL;
        p->n_calls = 0;
        p->pauses = NULL;
        p->n_pauses = 0;
        s->n_shifts++;
        return 0;
}

/* What one more operator off the phones at a minute with x to spare costs. */
static int64_t search_balance(int32_t x) {
        return x >= 1 && x <= SEARCH_BALANCE ? 2 * (SEARCH_BALANCE - x) + 1 : 0;
}

/* The shortfall and balance cost of block b at st->start, from the prefix
 * sums over the minutes of b's window (origin: its first start). */
static void search_weigh(const PlannerSearch *s, const SearchBreak *b, SearchStart *st) {
        size_t lo = (st->start - b->first) / USEC_PER_MINUTE;
        size_t hi = (st->start + b->len - b->first + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE;

        st->cost = s->short_sum[hi] - s->short_sum[lo];
        if (b->announced != USEC_INFINITY && st->start != b->announced)
                st->cost += SEARCH_MOVE_COST;
        st->balance = s->balance_sum[hi] - s->balance_sum[lo];
}

static int search_start_cmp(const void *a, const void *b) {
        const SearchStart *x = a, *y = b;

        return CMP(x->cost, y->cost) ?: CMP(x->balance, y->balance) ?: CMP(x->start, y->start);
}

/* Weigh every start of block b, with b off the team's count (the caller
 * takes it off): into st, best first, and its current start into *here.
 * Returns how many. */
static size_t search_weigh_all(PlannerSearch *s, const SearchBreak *b, SearchStart *st, SearchStart *here) {
        Planning *p = &s->shifts[b->shift];
        usec_t grid = search_grid(s);
        size_t minutes = (size_t) ((b->last + b->len - b->first + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE), n = 0;

        planner_staffing_slack(p, b->first, b->first + minutes * USEC_PER_MINUTE, s->slack);
        for (size_t m = 0; m < minutes; m++) {
                s->short_sum[m + 1] = s->short_sum[m] + (s->slack[m] <= 0);
                s->balance_sum[m + 1] = s->balance_sum[m] + search_balance(s->slack[m]);
        }
        search_weigh(s, b, here);
        for (usec_t t = b->first; t <= b->last; t += grid) {
                st[n] = (SearchStart) { .start = t };
                search_weigh(s, b, &st[n++]);
        }
        qsort(st, n, sizeof(SearchStart), search_start_cmp);
        s->steps += n;
        return n;
}

static bool search_blocked(const PlannerSearch *s, const SearchBreak *b, usec_t t) {
        return s->blocked[b->blocked + (t - b->first) / search_grid(s)];
}

/* The start of block b now. */
static usec_t search_start_of(const PlannerSearch *s, const SearchBreak *b) {
        const Planning *p = &s->shifts[b->shift];

        return p->sp->breaks[search_break_index(p, b->uid)].start;
}

/* Move block b (off the team's count) to the first of starts st[0..n)
 * whose cost is below limit (and, at limit, whose balance is below
 * balance) where its shift allows it. Returns whether it moved. */
static bool search_take_best(PlannerSearch *s, const SearchBreak *b, const SearchStart *st, size_t n,
                             int64_t limit, int64_t balance) {
        Planning *p = &s->shifts[b->shift];
        size_t i = search_break_index(p, b->uid);

        for (size_t k = 0; k < n && (st[k].cost < limit || (st[k].cost == limit && st[k].balance < balance)); k++) {
                s->steps++;
                if (search_try_move(s, p, i, st[k].start, search_blocked(s, b, st[k].start)))
                        return true;
        }
        return false;
}

/* Move block b to the best of its starts that lowers the sum, if any.
 * Returns whether it moved. */
static bool search_relocate(PlannerSearch *s, const SearchBreak *b) {
        Planning *p = &s->shifts[b->shift];
        SearchStart here = { .start = search_start_of(s, b) };
        size_t n;
        bool moved;

        planner_staffing_add_span(p, here.start, here.start + b->len, +1);
        n = search_weigh_all(s, b, s->starts, &here);
        moved = search_take_best(s, b, s->starts, n, here.cost, here.balance);
        here.start = search_start_of(s, b);
        planner_staffing_add_span(p, here.start, here.start + b->len, -1);
        return moved;
}

/* Block b, where the team is short, takes a start that a block of another
 * shift holds, and that block moves on: both moves at once when together
 * they lower the shortfall (an ejection chain of two). Returns whether
 * they moved. */
static bool search_eject(PlannerSearch *s, const SearchBreak *b) {
        Planning *p = &s->shifts[b->shift];
        SearchStart here = { .start = search_start_of(s, b) };
        size_t n;

        planner_staffing_add_span(p, here.start, here.start + b->len, +1);
        n = search_weigh_all(s, b, s->starts, &here);
        if (here.cost == 0)
                goto stay;
        for (size_t k = 0; k < n && s->steps < s->budget; k++) {
                usec_t t = s->starts[k].start;
                int64_t gain = here.cost - s->starts[k].cost;   /* may be negative */

                s->steps++;
                if (t == here.start ||
                    !search_try_move(s, p, search_break_index(p, b->uid), t, search_blocked(s, b, t)))
                        continue;
                planner_staffing_add_span(p, t, t + b->len, -1);
                for (size_t j = 0; j < s->n_breaks; j++) {
                        const SearchBreak *a = &s->breaks[j];
                        Planning *q = &s->shifts[a->shift];
                        SearchStart there = { .start = search_start_of(s, a) };
                        size_t m;
                        bool moved;

                        if (a->shift == b->shift || there.start >= t + b->len || there.start + a->len <= t)
                                continue;
                        planner_staffing_add_span(q, there.start, there.start + a->len, +1);
                        m = search_weigh_all(s, a, s->starts2, &there);
                        moved = search_take_best(s, a, s->starts2, m, there.cost + gain, INT64_MIN);
                        there.start = search_start_of(s, a);
                        planner_staffing_add_span(q, there.start, there.start + a->len, -1);
                        if (moved)
                                return true;
                }
                planner_staffing_add_span(p, t, t + b->len, +1);
                planner_move_break(p, search_break_index(p, b->uid), here.start);
        }
stay:
        planner_staffing_add_span(p, here.start, here.start + b->len, -1);
        return false;
}

/* Add delta to the team's count over every block of the search. */
static void search_add_blocks(PlannerSearch *s, int32_t delta) {
        for (size_t k = 0; k < s->n_breaks; k++) {
                Planning *p = &s->shifts[s->breaks[k].shift];
                const Break *b = &p->sp->breaks[search_break_index(p, s->breaks[k].uid)];

                planner_staffing_add_span(p, b->start, b->end, delta);
        }
}

/* Whether the team's shortfall could go lower: it is above what it would
 * be with every block of the search off the day (no place of theirs can do
 * better than that). */
static bool search_worth_it(PlannerSearch *s) {
        ssize_t team = s->shifts[0].team;
        uint64_t now = planner_staffing_shortfall(s->in->staffing, team), floor;

        if (now == 0)
                return false;
        search_add_blocks(s, +1);
        floor = planner_staffing_shortfall(s->in->staffing, team);
        search_add_blocks(s, -1);
        return now > floor;
}

int planner_search_run(PlannerSearch *s) {
        int moved = 0;
        bool again = true;

        if (s->n_breaks == 0 || !search_worth_it(s))
                return 0;
        s->budget = (uint64_t) s->in->policy->search_steps * s->n_shifts;
        while (again && s->steps < s->budget) {
                again = false;
                for (size_t k = 0; k < s->n_breaks && s->steps < s->budget; k++)
                        again |= search_relocate(s, &s->breaks[k]);
                for (size_t k = 0; !again && k < s->n_breaks && s->steps < s->budget; k++)
                        again = search_eject(s, &s->breaks[k]);
        }

        /* What moved against the previous revision: the shifts' counts. */
        for (size_t k = 0; k < s->n_breaks; k++) {
                const SearchBreak *b = &s->breaks[k];
                Planning *p = &s->shifts[b->shift];
                usec_t at = p->sp->breaks[search_break_index(p, b->uid)].start;
                int before = b->announced != USEC_INFINITY && b->built != b->announced;
                int after = b->announced != USEC_INFINITY && at != b->announced;

                p->sp->breaks_moved += after - before;
                moved += after - before;
        }
        return moved;
}
