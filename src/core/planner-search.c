/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The break search (step 6, see planner.c): once every shift of a team is
 * planned, one at a time, each seeing only the breaks of those before it,
 * the team's statutory blocks that have not begun move to where the team's
 * coverage is best, each within its rule.
 *
 * What is minimised, in order: the team's shortfall (operator-minutes below
 * the requirement, as metrics_compute() counts them) plus SEARCH_MOVE_COST
 * for each block a revision moves from where the previous revision
 * announced it; then, for the moves of the descent, a balance term that
 * prefers, where the shortfall is the same, minutes with more operators to
 * spare, which opens room for the blocks that still lie where the team is
 * short.
 *
 * How (an iterated local search, measured against the exact optimum in
 * bench/README.md):
 *   - the descent: a block moves to the best of its starts that lowers the
 *     sum; when none can, a chain: a block where the team is short takes
 *     the start of another block of the same length, that one the start of
 *     a third, and so on, and the last takes a better start, so that the
 *     team's coverage changes only where the first left and the last
 *     arrived (an augmenting path, found breadth first over blocks of
 *     distinct shifts). The descent repeats until nothing moves.
 *   - ruin and recreate: SEARCH_RUIN blocks drawn by a seeded generator
 *     leave the day together and come back one by one, each at one of the
 *     SEARCH_RECREATE best starts it may take, drawn as well; the descent
 *     follows. The day found is kept when its sum is no worse than the
 *     best so far, else the best comes back.
 * It works on each part of the team's day whose windows meet, apart, and
 * stops when the part's shortfall can go no lower (search_floor()), after
 * SEARCH_PATIENCE tries per block in a row that find nothing better, or
 * when the budget (planning.search_steps per shift of the part, in starts
 * weighed and tried: no clock) is spent. It reads the blocks in team order
 * (by part) and the starts in time order, and its generator is seeded with
 * a constant, so the same inputs give the same plan on any machine.
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

/* Ruin and recreate: how many blocks leave the day at once, and among how
 * many of its best starts each comes back. Chosen on bench-optimum's
 * instances (bench/README.md). */
#define SEARCH_RUIN 5
#define SEARCH_RECREATE 3

/* Ruins and recreations in a row that find nothing better, per block of
 * the part, after which the search stops. Chosen on bench-optimum's
 * instances: 3 matches 64 of 72, 4 matches 67, 6 matches 68 at half as
 * much work again. */
#define SEARCH_PATIENCE 4

/* The generator's seed: a constant, so that the same inputs give the same
 * plan. */
#define SEARCH_SEED UINT64_C(0x853c49e6748fea9b)

/* Whether a block may take a start, as far as the search knows. */
enum {
        SEARCH_UNKNOWN,
        SEARCH_ALLOWED,
        SEARCH_REFUSED,
};

typedef struct SearchBreak {
        size_t shift;                   /* into PlannerSearch.shifts */
        const char *uid;                /* owned by the shift's plan */
        usec_t len;
        usec_t first, last;             /* its starts: first, first + step, …, last */
        size_t starts;                  /* into PlannerSearch.blocked and .allowed: per start */
        uint32_t version;               /* of its row of allowed: its shift's version when read */
        bool settled;                   /* no start of it was better when last weighed, and
                                         * nothing has moved since that could change it */
        bool chained;                   /* no chain from it gained when last tried, and nothing
                                         * has moved near it since */
        usec_t at;                      /* where it is */
        usec_t best;                    /* where it was in the best day found */
        usec_t built;                   /* where the shift's planning put it */
        usec_t announced;               /* where the previous revision had it, or USEC_INFINITY */
} SearchBreak;

/* What the search keeps per shift. */
typedef struct SearchShift {
        unsigned n_blocks;              /* blocks of the search */
        uint32_t version;               /* bumped when one of several blocks moves */
        uint64_t seen;                  /* the chain search's mark */
} SearchShift;

/* One start of a block, weighed. */
typedef struct SearchStart {
        usec_t start;
        int64_t shortfall;              /* operator-minutes the block adds there */
        int64_t cost;                   /* shortfall, with SEARCH_MOVE_COST */
        int64_t balance;                /* the balance term */
} SearchStart;

struct PlannerSearch {
        const PlannerRun *in;
        Planning *shifts;               /* their calls and pauses read when added, then forgotten */
        SearchShift *state;
        size_t n_shifts, max_shifts;
        Rule *rules;                    /* n_tiers per shift */
        size_t n_tiers;
        SearchBreak *breaks;
        size_t n_breaks, n_announced;
        bool *blocked;                  /* per start: inside a call or over a pause of the operator */
        uint8_t *allowed;               /* per start: SEARCH_UNKNOWN, _ALLOWED or _REFUSED */
        size_t n_starts;
        uint64_t steps, budget, random, mark;
        /* Room for the widest window: slack per minute, prefix sums, starts. */
        int32_t *slack;
        int64_t *short_sum, *balance_sum;
        SearchStart *starts;
        size_t room_minutes, room_starts;
        /* The chain search: blocks reached, breadth first, and whence. */
        size_t *queue, *parent;
        /* The part searched: blocks [lo, hi) whose windows lie in [from, to)
         * and meet no other's, and its slack per minute. */
        size_t lo, hi;
        usec_t from, to;
        int32_t *part_slack;
        size_t room_part;
};

PlannerSearch *planner_search_free(PlannerSearch *s) {
        if (!s)
                return NULL;
        free(s->shifts);
        free(s->state);
        free(s->rules);
        free(s->breaks);
        free(s->blocked);
        free(s->allowed);
        free(s->slack);
        free(s->short_sum);
        free(s->balance_sum);
        free(s->starts);
        free(s->queue);
        free(s->parent);
        free(s->part_slack);
        return mfree(s);
}

int planner_search_new(const PlannerRun *in, size_t n_shifts, PlannerSearch **ret) {
        _cleanup_(planner_search_freep) PlannerSearch *s = calloc(1, sizeof(PlannerSearch));

        if (!s)
                return -ENOMEM;
        s->in = in;
        s->max_shifts = n_shifts;
        s->n_tiers = MAX(in->policy->statutory.n_tiers, (size_t) 1);
        s->random = SEARCH_SEED;
        s->shifts = calloc(MAX(n_shifts, (size_t) 1), sizeof(Planning));
        s->state = calloc(MAX(n_shifts, (size_t) 1), sizeof(SearchShift));
        s->rules = calloc(MAX(n_shifts, (size_t) 1) * s->n_tiers, sizeof(Rule));
        if (!s->shifts || !s->state || !s->rules)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

static usec_t search_grid(const PlannerSearch *s) {
        return s->in->policy->step ?: USEC_PER_MINUTE;
}

/* A number in [0, n) from the search's generator (Knuth's MMIX LCG, high
 * bits). */
static size_t search_random(PlannerSearch *s, size_t n) {
        s->random = s->random * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        return (size_t) ((s->random >> 33) % n);
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

/* Whether block b may begin at start, the rest of its shift as it is:
 * a start of its window, free (search_start_free()) and where its shift
 * holds every rule. Asked of the shift once, then remembered until another
 * block of the shift moves. */
static bool search_allowed(PlannerSearch *s, SearchBreak *b, usec_t start) {
        usec_t grid = search_grid(s);
        size_t k = (size_t) ((start - b->first) / grid);
        uint8_t *row = s->allowed + b->starts;

        if (start < b->first || start > b->last || (start - b->first) % grid != 0)
                return false;
        if (b->version != s->state[b->shift].version) {
                memset(row, SEARCH_UNKNOWN, (size_t) ((b->last - b->first) / grid) + 1);
                b->version = s->state[b->shift].version;
        }
        if (row[k] == SEARCH_UNKNOWN) {
                Planning *p = &s->shifts[b->shift];
                size_t i = search_break_index(p, b->uid);
                bool ok = search_start_free(s, p, i, start, s->blocked[b->starts + k]);

                if (ok) {
                        i = planner_move_break(p, i, start);
                        ok = planner_statutory_lawful(p);
                        planner_move_break(p, i, b->at);
                }
                row[k] = ok ? SEARCH_ALLOWED : SEARCH_REFUSED;
                s->steps++;
        }
        return row[k] == SEARCH_ALLOWED;
}

/* Take block b off the team's count (the operator back on the phones). */
static void search_lift(PlannerSearch *s, const SearchBreak *b) {
        planner_staffing_add_span(&s->shifts[b->shift], b->at, b->at + b->len, +1);
}

/* Block b moved from `from` to b->at: the blocks that may have a better
 * start now are those with a start over where b left (cheaper there now),
 * those that lie where b arrived (dearer where they are) and the other
 * blocks of b's shift (where they may go has changed). */
static void search_unsettle(PlannerSearch *s, const SearchBreak *b, usec_t from) {
        for (size_t k = s->lo; k < s->hi; k++) {
                SearchBreak *o = &s->breaks[k];

                bool left = o->first < from + b->len && from < o->last + o->len;
                bool arrived = o->first < b->at + b->len && b->at < o->last + o->len;

                if (left || (o->at < b->at + b->len && b->at < o->at + o->len) || o->shift == b->shift)
                        o->settled = false;
                if (left || arrived || o->shift == b->shift)
                        o->chained = false;
        }
        s->steps += (s->hi - s->lo) / 16 + 1;
}

/* Put block b, lifted, back on the team's count at start, which
 * search_allowed(). */
static void search_drop(PlannerSearch *s, SearchBreak *b, usec_t start) {
        Planning *p = &s->shifts[b->shift];

        if (start != b->at) {
                usec_t from = b->at;

                planner_move_break(p, search_break_index(p, b->uid), start);
                b->at = start;
                /* Where its shift's other blocks may go has changed. */
                if (s->state[b->shift].n_blocks > 1)
                        s->state[b->shift].version++;
                search_unsettle(s, b, from);
        }
        planner_staffing_add_span(p, start, start + b->len, -1);
}

/* What having block b at start costs against the previous revision. */
static int64_t search_move_cost(const SearchBreak *b, usec_t start) {
        return b->announced != USEC_INFINITY && start != b->announced ? SEARCH_MOVE_COST : 0;
}

/* The block of the shift at index i, if it may move: into *ret (but its
 * shift and starts). */
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
                .at = b->start,
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
            array_grow((void **) &s->blocked, s->n_starts + n, sizeof(bool)) < 0 ||
            array_grow((void **) &s->allowed, s->n_starts + n, sizeof(uint8_t)) < 0)
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
                s->starts = calloc(n, sizeof(SearchStart));
                s->room_starts = s->starts ? n : 0;
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
                b.starts = s->n_starts;
                for (size_t k = 0; k < n; k++) {
                        usec_t t = b.first + k * search_grid(s);

                        s->blocked[s->n_starts] = planner_call_containing(p, t) ||
                                planner_pause_overlapping(p, t, t + b.len);
                        s->allowed[s->n_starts++] = SEARCH_UNKNOWN;
                }
                s->breaks[s->n_breaks++] = b;
                s->n_announced += b.announced != USEC_INFINITY;
                s->state[s->n_shifts].n_blocks++;
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

        st->shortfall = s->short_sum[hi] - s->short_sum[lo];
        st->cost = st->shortfall + search_move_cost(b, st->start);
        st->balance = s->balance_sum[hi] - s->balance_sum[lo];
}

static int search_start_cmp(const void *a, const void *b) {
        const SearchStart *x = a, *y = b;

        return CMP(x->cost, y->cost) ?: CMP(x->balance, y->balance) ?: CMP(x->start, y->start);
}

/* Whether a is better than b: a lower cost, or the same with a lower
 * balance term. */
static bool search_better(int64_t cost_a, int64_t balance_a, int64_t cost_b, int64_t balance_b) {
        return cost_a < cost_b || (cost_a == cost_b && balance_a < balance_b);
}

/* Weigh every start of block b, lifted: into s->starts in time order, and
 * its start into *here. Returns how many. */
static size_t search_weigh_all(PlannerSearch *s, const SearchBreak *b, SearchStart *here) {
        Planning *p = &s->shifts[b->shift];
        usec_t grid = search_grid(s);
        size_t minutes = (size_t) ((b->last + b->len - b->first + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE), n = 0;

        planner_staffing_slack(p, b->first, b->first + minutes * USEC_PER_MINUTE, s->slack);
        for (size_t m = 0; m < minutes; m++) {
                s->short_sum[m + 1] = s->short_sum[m] + (s->slack[m] <= 0);
                s->balance_sum[m + 1] = s->balance_sum[m] + search_balance(s->slack[m]);
        }
        *here = (SearchStart) { .start = b->at };
        search_weigh(s, b, here);
        for (usec_t t = b->first; t <= b->last; t += grid) {
                s->starts[n] = (SearchStart) { .start = t };
                search_weigh(s, b, &s->starts[n++]);
        }
        s->steps += n;
        return n;
}

/* Move block b to the best of its starts that lowers the sum, if any.
 * Returns whether it moved. */
static bool search_relocate(PlannerSearch *s, SearchBreak *b) {
        SearchStart here;
        const SearchStart *best = NULL;
        size_t n;

        if (b->settled)
                return false;
        search_lift(s, b);
        n = search_weigh_all(s, b, &here);
        for (size_t k = 0; k < n; k++) {
                const SearchStart *st = &s->starts[k];

                if (search_better(st->cost, st->balance, here.cost, here.balance) &&
                    (!best || search_better(st->cost, st->balance, best->cost, best->balance)) &&
                    search_allowed(s, b, st->start))
                        best = st;
        }
        search_drop(s, b, best ? best->start : b->at);
        b->settled = !best;
        return best;
}

/* Reach, breadth first from block k, the blocks of the same length that a
 * chain can move: b takes the start of a block of another shift, that one
 * the start of a third, and so on. Into s->queue (k first) and s->parent.
 * Returns how many. */
static size_t search_reach(PlannerSearch *s, size_t k) {
        size_t head = 0, tail = 0;

        s->mark++;
        s->queue[tail++] = k;
        s->state[s->breaks[k].shift].seen = s->mark;
        while (head < tail && s->steps < s->budget) {
                size_t x = s->queue[head++];

                for (size_t y = s->lo; y < s->hi; y++) {
                        SearchBreak *b = &s->breaks[y];

                        if (b->len != s->breaks[k].len || s->state[b->shift].seen == s->mark ||
                            b->at == s->breaks[x].at)
                                continue;
                        s->steps++;
                        if (!search_allowed(s, &s->breaks[x], b->at))
                                continue;
                        s->state[b->shift].seen = s->mark;
                        s->parent[y] = x;
                        s->queue[tail++] = y;
                }
        }
        return tail;
}

/* The change in SEARCH_MOVE_COST when the chain ending at block y (of
 * search_reach()) moves, y to start. */
static int64_t search_chain_move_cost(const PlannerSearch *s, size_t k, size_t y, usec_t start) {
        int64_t d = 0;

        for (;; start = s->breaks[y].at, y = s->parent[y]) {
                d += search_move_cost(&s->breaks[y], start) - search_move_cost(&s->breaks[y], s->breaks[y].at);
                if (y == k)
                        return d;
        }
}

/* Move the chain ending at block y: y to start, each block before it to
 * the start of the one after. Block k, the first, is lifted. */
static void search_chain_move(PlannerSearch *s, size_t k, size_t y, usec_t start) {
        for (size_t x = y; x != k; x = s->parent[x])
                search_lift(s, &s->breaks[x]);
        for (;;) {
                usec_t next = s->breaks[y].at;

                search_drop(s, &s->breaks[y], start);
                if (y == k)
                        return;
                start = next;
                y = s->parent[y];
        }
}

/* Block k, where the team is short, moves to a better start through a
 * chain of blocks of the same length (search_reach()): the team's coverage
 * changes only where k leaves and where the last block of the chain
 * arrives. Returns whether it moved. */
static bool search_chain(PlannerSearch *s, size_t k) {
        SearchBreak *b = &s->breaks[k];
        SearchStart here;
        size_t n, m = 0, reached;
        int64_t refund;

        if (b->chained)
                return false;
        b->chained = true;
        search_lift(s, b);
        n = search_weigh_all(s, b, &here);
        if (here.shortfall == 0) {
                search_drop(s, b, b->at);
                return false;
        }
        reached = search_reach(s, k);
        /* The most SEARCH_MOVE_COST a chain can give back: one for each of
         * its blocks moved back where it was announced. */
        refund = SEARCH_MOVE_COST * (int64_t) (MIN(reached, s->n_announced) + 1);
        /* The starts where a chain could gain, best first. */
        for (size_t j = 0; j < n; j++)
                if (s->starts[j].cost < here.shortfall + refund)
                        s->starts[m++] = s->starts[j];
        qsort(s->starts, m, sizeof(SearchStart), search_start_cmp);
        s->steps += m;
        for (size_t j = 0; j < m && s->steps < s->budget; j++) {
                const SearchStart *st = &s->starts[j];

                for (size_t r = 0; r < reached; r++) {
                        size_t y = s->queue[r];
                        int64_t cost;

                        if (s->breaks[y].at == st->start || !search_allowed(s, &s->breaks[y], st->start))
                                continue;
                        cost = st->shortfall + search_chain_move_cost(s, k, y, st->start);
                        if (!search_better(cost, st->balance, here.shortfall, here.balance))
                                continue;
                        search_chain_move(s, k, y, st->start);
                        return true;
                }
        }
        search_drop(s, b, b->at);
        return false;
}

/* Move blocks, one or a chain at a time, while the sum goes down. */
static void search_descend(PlannerSearch *s) {
        bool again = true;

        while (again && s->steps < s->budget) {
                again = false;
                for (size_t k = s->lo; k < s->hi && s->steps < s->budget; k++)
                        again |= search_relocate(s, &s->breaks[k]);
                for (size_t k = s->lo; !again && k < s->hi && s->steps < s->budget; k++)
                        again = search_chain(s, k);
        }
}

/* Ruin and recreate: SEARCH_RUIN blocks, drawn, leave the day, and come
 * back one by one at one of the SEARCH_RECREATE best starts each may take,
 * drawn. */
static void search_perturb(PlannerSearch *s) {
        size_t ruined[SEARCH_RUIN], n = 0;

        for (size_t i = 0; i < SEARCH_RUIN; i++) {
                size_t k = s->lo + search_random(s, s->hi - s->lo);
                bool again = false;

                for (size_t j = 0; j < n; j++)
                        again |= ruined[j] == k;
                if (!again) {
                        ruined[n++] = k;
                        search_lift(s, &s->breaks[k]);
                }
        }
        for (size_t i = 0; i < n; i++) {
                SearchBreak *b = &s->breaks[ruined[i]];
                const SearchStart *best[SEARCH_RECREATE];
                size_t m = 0, n_starts;
                SearchStart here;

                n_starts = search_weigh_all(s, b, &here);
                /* The SEARCH_RECREATE best starts it may take, best first. */
                for (size_t k = 0; k < n_starts; k++) {
                        const SearchStart *st = &s->starts[k];
                        size_t at = m;

                        while (at > 0 && search_better(st->cost, st->balance, best[at - 1]->cost, best[at - 1]->balance))
                                at--;
                        if (at >= SEARCH_RECREATE || !search_allowed(s, b, st->start))
                                continue;
                        m = MIN(m + 1, (size_t) SEARCH_RECREATE);
                        memmove(best + at + 1, best + at, (m - 1 - at) * sizeof(best[0]));
                        best[at] = st;
                }
                /* Where it was is allowed: there is a choice. */
                search_drop(s, b, m > 0 ? best[search_random(s, m)]->start : b->at);
        }
}

/* The team's shortfall over the part's minutes. */
static uint64_t search_shortfall(PlannerSearch *s) {
        uint64_t sum = 0;

        planner_staffing_slack(&s->shifts[s->breaks[s->lo].shift], s->from, s->to, s->part_slack);
        for (size_t m = 0; m < (size_t) ((s->to - s->from) / USEC_PER_MINUTE); m++)
                sum += s->part_slack[m] < 0 ? (uint64_t) -s->part_slack[m] : 0;
        s->steps += (s->to - s->from) / USEC_PER_MINUTE / 16 + 1;
        return sum;
}

/* What the search minimises: the part's shortfall and SEARCH_MOVE_COST per
 * block away from where it was announced. */
static uint64_t search_objective(PlannerSearch *s) {
        uint64_t sum = search_shortfall(s);

        for (size_t k = s->lo; k < s->hi; k++)
                sum += (uint64_t) search_move_cost(&s->breaks[k], s->breaks[k].at);
        s->steps += s->hi - s->lo;
        return sum;
}

/* Keep the part's day as the best found, or bring the best back. */
static void search_keep(PlannerSearch *s) {
        for (size_t k = s->lo; k < s->hi; k++)
                s->breaks[k].best = s->breaks[k].at;
}

static void search_restore(PlannerSearch *s) {
        for (size_t k = s->lo; k < s->hi; k++) {
                SearchBreak *b = &s->breaks[k];

                if (b->at == b->best)
                        continue;
                search_lift(s, b);
                search_drop(s, b, b->best);
        }
}

/* The least shortfall the part could have: with every block of it off the
 * day, plus, for each block, the least it adds at any start of its window
 * to that day. (A block adds the minutes it spends where the team has no
 * operator to spare; the more blocks off the phones, the fewer to spare:
 * it adds at least as much beside the others as alone.) */
static uint64_t search_floor(PlannerSearch *s) {
        uint64_t floor;

        for (size_t k = s->lo; k < s->hi; k++)
                search_lift(s, &s->breaks[k]);
        floor = search_shortfall(s);
        for (size_t k = s->lo; k < s->hi; k++) {
                SearchBreak *b = &s->breaks[k];
                SearchStart here;
                int64_t least = INT64_MAX;
                size_t n = search_weigh_all(s, b, &here);

                for (size_t j = 0; j < n; j++)
                        least = MIN(least, s->starts[j].shortfall);
                floor += (uint64_t) least;
        }
        for (size_t k = s->lo; k < s->hi; k++)
                planner_staffing_add_span(&s->shifts[s->breaks[k].shift], s->breaks[k].at,
                                          s->breaks[k].at + s->breaks[k].len, -1);
        return floor;
}

/* Search the part: the descent, then ruin and recreate. */
static void search_part(PlannerSearch *s) {
        uint64_t floor, best;

        /* Nothing to win when no place of theirs could lower the shortfall. */
        best = search_shortfall(s);
        floor = best > 0 ? search_floor(s) : 0;
        if (best == floor)
                return;

        search_descend(s);
        best = search_objective(s);
        search_keep(s);
        for (size_t idle = 0; best > floor && idle < SEARCH_PATIENCE * (s->hi - s->lo) && s->steps < s->budget;
             idle++) {
                uint64_t sum;

                search_perturb(s);
                search_descend(s);
                sum = search_objective(s);
                if (sum < best)
                        idle = 0;
                if (sum <= best) {
                        best = sum;
                        search_keep(s);
                } else
                        search_restore(s);
        }
}

typedef struct SearchSpan {
        size_t lo, hi;                  /* a shift's blocks */
        usec_t from, to;                /* their windows' minutes */
} SearchSpan;

static int search_span_cmp(const void *a, const void *b) {
        const SearchSpan *x = a, *y = b;

        return CMP(x->from, y->from) ?: CMP(x->lo, y->lo);
}

/* Order the blocks by part: the shifts' blocks by the start of their
 * windows, a part ending where no window of a later shift meets those
 * before (a team's days, or its mornings and evenings, never meet).
 * Returns the number of parts, their ends at *ret (each the index past its
 * last block). */
static int search_parts(PlannerSearch *s, size_t **ret, size_t *ret_n) {
        _cleanup_free_ SearchSpan *spans = calloc(s->n_breaks, sizeof(SearchSpan));
        _cleanup_free_ SearchBreak *order = calloc(s->n_breaks, sizeof(SearchBreak));
        _cleanup_free_ size_t *ends = calloc(s->n_breaks, sizeof(size_t));
        size_t n_spans = 0, n = 0, k = 0;
        usec_t to = 0;

        if (!spans || !order || !ends)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_breaks; i++) {
                const SearchBreak *b = &s->breaks[i];

                if (n_spans == 0 || s->breaks[spans[n_spans - 1].lo].shift != b->shift)
                        spans[n_spans++] = (SearchSpan) { .lo = i, .hi = i, .from = b->first, .to = 0 };
                spans[n_spans - 1].hi = i + 1;
                spans[n_spans - 1].from = MIN(spans[n_spans - 1].from, b->first);
                spans[n_spans - 1].to = MAX(spans[n_spans - 1].to, b->last + b->len);
        }
        qsort(spans, n_spans, sizeof(SearchSpan), search_span_cmp);
        for (size_t i = 0; i < n_spans; i++) {
                if (i > 0 && spans[i].from >= to)
                        ends[n++] = k;
                to = i > 0 ? MAX(to, spans[i].to) : spans[i].to;
                for (size_t j = spans[i].lo; j < spans[i].hi; j++)
                        order[k++] = s->breaks[j];
        }
        ends[n++] = k;
        memcpy(s->breaks, order, s->n_breaks * sizeof(SearchBreak));
        *ret = TAKE_PTR(ends);
        *ret_n = n;
        return 0;
}

int planner_search_run(PlannerSearch *s) {
        _cleanup_free_ size_t *ends = NULL;
        size_t n_parts;
        int moved = 0, r;

        if (s->n_breaks == 0)
                return 0;
        r = search_parts(s, &ends, &n_parts);
        if (r < 0)
                return r;
        s->queue = calloc(s->n_breaks, sizeof(size_t));
        s->parent = calloc(s->n_breaks, sizeof(size_t));
        if (!s->queue || !s->parent)
                return -ENOMEM;

        for (size_t i = 0; i < n_parts; i++) {
                size_t minutes;

                s->lo = i > 0 ? ends[i - 1] : 0;
                s->hi = ends[i];
                s->from = USEC_INFINITY;
                s->to = 0;
                for (size_t k = s->lo; k < s->hi; k++) {
                        s->from = MIN(s->from, s->breaks[k].first);
                        s->to = MAX(s->to, s->breaks[k].last + s->breaks[k].len);
                }
                s->to = s->from + (s->to - s->from + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE * USEC_PER_MINUTE;
                minutes = (size_t) ((s->to - s->from) / USEC_PER_MINUTE);
                if (minutes > s->room_part) {
                        free(s->part_slack);
                        s->part_slack = calloc(minutes, sizeof(int32_t));
                        s->room_part = s->part_slack ? minutes : 0;
                        if (!s->part_slack)
                                return -ENOMEM;
                }
                /* Its budget: search_steps per shift of the part. */
                s->steps = 0;
                s->budget = 0;
                for (size_t k = s->lo; k < s->hi; k++)
                        s->budget += k == s->lo || s->breaks[k].shift != s->breaks[k - 1].shift ?
                                s->in->policy->search_steps : 0;
                search_part(s);
        }

        /* What moved against the previous revision: the shifts' counts. */
        for (size_t k = 0; k < s->n_breaks; k++) {
                const SearchBreak *b = &s->breaks[k];
                int before = b->announced != USEC_INFINITY && b->built != b->announced;
                int after = b->announced != USEC_INFINITY && b->at != b->announced;

                s->shifts[b->shift].sp->breaks_moved += after - before;
                moved += after - before;
        }
        return moved;
}
