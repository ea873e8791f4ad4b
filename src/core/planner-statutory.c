/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Statutory breaks: the tier of each rule that applies to a shift, the time
 * it still misses, blocks placed on the step grid nearest their target, and
 * the pauses max_stretch asks for (steps 3 and 5, see planner.c). */
#include <limits.h>

#include "core/planner-internal.h"
#include "shared/time-util.h"

/* ---- working time ---- */

/* Time worked in the shift before instant t: its length so far less the
 * breaks in it. */
static usec_t planner_worked_at(const Planning *p, usec_t t) {
        usec_t off = 0;

        if (t <= p->shift->start)
                return 0;
        for (size_t i = 0; i < p->sp->n_breaks && p->sp->breaks[i].start < t; i++)
                off += MIN(p->sp->breaks[i].end, t) - p->sp->breaks[i].start;
        return t - p->shift->start - MIN(off, t - p->shift->start);
}

/* The instant at which work since t0 (breaks excluded) reaches work; may lie
 * past the shift end. */
static usec_t planner_work_reaches(const Planning *p, usec_t t0, usec_t work) {
        usec_t t = t0;

        for (size_t i = 0; i < p->sp->n_breaks; i++) {
                const Break *b = &p->sp->breaks[i];

                if (b->end <= t)
                        continue;
                if (b->start > t) {
                        if (b->start - t >= work)
                                return t + work;
                        work -= b->start - t;
                }
                t = b->end;
        }
        return t + work;
}

/* ---- the rules ---- */

static const char *planner_rule_prefix(const StatutoryTier *t) {
        return t->name ?: "statutory";
}

/* The rules of the policy and the tier of each that applies to the shift:
 * the highest whose more_than its working time (shift less planned breaks)
 * strictly exceeds. */
void planner_rules_init(Planning *p) {
        const Statutory *st = &p->in->policy->statutory;
        const Shift *s = p->shift;
        usec_t work = s->end - s->start;

        for (size_t i = 0; i < s->n_planned; i++)
                work -= MIN(work, s->planned[i].end - s->planned[i].start);

        p->n_rules = 0;
        for (size_t i = 0; i < st->n_tiers; i++) {
                const StatutoryTier *t = &st->tiers[i];
                Rule *r = NULL;

                for (size_t k = 0; k < p->n_rules; k++)
                        if (streq_ptr(p->rules[k].name, t->name))
                                r = &p->rules[k];
                if (!r) {
                        r = &p->rules[p->n_rules++];
                        *r = (Rule) { .name = t->name, .prefix = planner_rule_prefix(t) };
                }
                if (work > t->more_than) {
                        r->tier = t;
                        r->min_block = t->min_block ?: st->min_block;
                        r->earliest = t->earliest ?: st->edge_margin;
                        r->latest = t->latest;
                        r->max_stretch = t->max_stretch;
                }
        }
}

/* The rule a statutory break belongs to (by its uid
 * "<shift uid>-<prefix>-<n>"), or NULL. */
Rule *planner_break_rule(const Planning *p, const Break *b) {
        size_t n = strlen(p->sp->uid);
        const char *rest, *dash;

        if (b->kind != BREAK_STATUTORY || strncmp(b->uid, p->sp->uid, n) != 0 || b->uid[n] != '-')
                return NULL;
        rest = b->uid + n + 1;
        dash = strrchr(rest, '-');
        for (size_t k = 0; dash && k < p->n_rules; k++)
                if (strlen(p->rules[k].prefix) == (size_t) (dash - rest) &&
                    strncmp(p->rules[k].prefix, rest, dash - rest) == 0)
                        return &p->rules[k];
        return NULL;
}

/* ---- placing blocks ---- */

static usec_t planner_statutory_grid(const Policy *policy, bool relaxed) {
        return relaxed || policy->step == 0 ? USEC_PER_MINUTE : policy->step;
}

/* Where a block of rule r of length len may lie: [*lo, *hi], from earliest
 * after the start to edge_margin before the end, or half the free span (down
 * to the grid) when the shift is too short for them. relaxed: anywhere in
 * the shift. The shift must be at least len long. */
static void planner_statutory_window(const Planning *p, const Rule *r, usec_t len, bool relaxed,
                                     usec_t *lo, usec_t *hi) {
        const Policy *policy = p->in->policy;
        usec_t grid = planner_statutory_grid(policy, relaxed);
        usec_t half = (p->shift->end - p->shift->start - len) / 2 / grid * grid;

        *lo = p->shift->start + (relaxed ? 0 : MIN(r->earliest, half));
        *hi = p->shift->end - (relaxed ? 0 : MIN(policy->statutory.edge_margin, half));
}

/* Whether a block of rule r may start at start (latest checked against the
 * breaks so far). */
/* Whether a block of rule r may start at start as planner_statutory_fits()
 * says, latest aside. */
static bool planner_statutory_in_window(const Planning *p, const Rule *r, usec_t start, usec_t len, bool relaxed) {
        usec_t lo, hi;

        if (len > p->shift->end - p->shift->start || start < p->in->now)
                return false;
        planner_statutory_window(p, r, len, relaxed, &lo, &hi);
        return start >= lo && start + len <= hi;
}

bool planner_statutory_fits(const Planning *p, const Rule *r, usec_t start, usec_t len, bool relaxed) {
        return planner_statutory_in_window(p, r, start, len, relaxed) &&
                (r->latest == 0 || planner_worked_at(p, start) <= r->latest);
}

bool planner_statutory_holds_trigger(const Planning *p, usec_t start, usec_t end) {
        for (size_t i = 0; i < p->n_recovery_at; i++)
                if (p->recovery_at[i] > start && p->recovery_at[i] < end)
                        return true;
        return false;
}

/* The free position for a block of rule r of length len: among those that
 * keep the team's coverage (else the fewest minutes short), the nearest to
 * target (twice the wanted centre; ties: the earlier), on the step grid
 * anchored at the shift start (relaxed: the minute grid, no margins; level 2
 * also ignores latest), starting in [p->slot_lo, p->slot_hi]. A place
 * inside a call of the operator is skipped, and stands for the place after
 * the call (planner_call_free(), off the grid, maybe past slot_hi or
 * latest), taken only when no place outside calls is free: first those
 * holding latest, then the others (the call's overrun). Returns 0 or
 * -ENOSPC. */
static int planner_statutory_find_slot(const Planning *p, const Rule *r, usec_t len, int level, usec_t target2,
                                       usec_t *ret) {
        const Shift *s = p->shift;
        bool relaxed = level > 0;
        usec_t grid = planner_statutory_grid(p->in->policy, relaxed);
        usec_t lo, hi, best = USEC_INFINITY, best_distance = USEC_INFINITY, best_cost = USEC_INFINITY;
        unsigned best_class = UINT_MAX;

        if (len > s->end - s->start)
                return -ENOSPC;
        planner_statutory_window(p, r, len, relaxed, &lo, &hi);

        lo = MAX(MAX(lo, p->in->now), p->slot_lo);
        for (usec_t g = s->start + usec_ceil(lo - s->start, grid); g + len <= hi && g <= p->slot_hi; g += grid) {
                usec_t t = planner_call_free(p, g), centre2 = 2 * t + len, cost;
                usec_t d = centre2 > target2 ? centre2 - target2 : target2 - centre2;
                unsigned class = 0;     /* 0: on the grid, 1: after a call, 2: that, past latest */

                if (t != g) {
                        if (t + len > hi)
                                continue;
                        class = r->latest > 0 && level < 2 && planner_worked_at(p, t) > r->latest ? 2 : 1;
                }
                if (class > best_class || (class == best_class && best_cost == 0 && d >= best_distance))
                        continue;
                if (planner_break_overlapping(p, t, t + len) || planner_pause_overlapping(p, t, t + len) ||
                    planner_statutory_holds_trigger(p, t, t + len))
                        continue;
                if (level < 2 && r->latest > 0 && planner_worked_at(p, g) > r->latest)
                        continue;
                cost = planner_coverage_cost(p, t, t + len);
                if (class < best_class || cost < best_cost || (cost == best_cost && d < best_distance)) {
                        best = t;
                        best_distance = d;
                        best_cost = cost;
                        best_class = class;
                }
        }
        if (best == USEC_INFINITY)
                return -ENOSPC;
        *ret = best;
        return 0;
}

static int planner_statutory_reason(const Planning *p, const Rule *r, bool pause, char **ret) {
        const Statutory *st = &p->in->policy->statutory;
        char total[DURATION_MAX], threshold[DURATION_MAX];

        if (pause)
                return reason_write_statutory(ret, r->name, NULL,
                                              duration_format(r->max_stretch, threshold, sizeof(threshold)),
                                              !isempty(st->source) ? st->source : st->name);
        return reason_write_statutory(ret, r->name, duration_format(r->tier->total, total, sizeof(total)),
                                      duration_format(r->tier->more_than, threshold, sizeof(threshold)),
                                      !isempty(st->source) ? st->source : st->name);
}

/* "<shift uid>-<prefix>-<n>" with the lowest n not in use. */
static int planner_statutory_uid(const Planning *p, const Rule *r, char **ret) {
        for (unsigned n = 1;; n++) {
                _cleanup_(freep) char *uid = NULL;
                int k;

                k = planner_strextendf(&uid, "%s-%s-%u", p->sp->uid, r->prefix, n);
                if (k < 0)
                        return k;
                if (!shift_plan_find_break(p->sp, uid)) {
                        *ret = TAKE_PTR(uid);
                        return 0;
                }
        }
}

/* Place one block of rule r of length len: where the previous plan had this
 * uid if still valid, else by planner_statutory_find_slot() nearest target2.
 * Returns 0, -ENOSPC or -ENOMEM. */
static int planner_statutory_place_block(Planning *p, Rule *r, usec_t len, int level, usec_t target2,
                                         bool pause) {
        _cleanup_(break_done) Break b = { .kind = BREAK_STATUTORY };
        const Break *old;
        usec_t start;
        bool due;
        int k;

        k = planner_statutory_uid(p, r, &b.uid);
        if (k < 0)
                return k;

        old = p->prev ? shift_plan_find_break(p->prev, b.uid) : NULL;
        /* A break of the previous plan begun before now and not frozen was
         * due while its operator was on a call, and never began: it starts
         * from now, after the call, when its window allows (latest is
         * judged at the end: planner_statutory_overruns()). */
        due = old && old->start < p->in->now;
        if (due)
                start = planner_due_start(p);
        if (due && level == 0 && planner_statutory_in_window(p, r, start, len, false) &&
            !planner_break_overlapping(p, start, start + len) && !planner_pause_overlapping(p, start, start + len) &&
            !planner_statutory_holds_trigger(p, start, start + len))
                ;       /* at once */
        else if (old && level == 0 && old->end - old->start == len &&
                 planner_statutory_fits(p, r, old->start, len, false) && !planner_call_containing(p, old->start) &&
                 !planner_break_overlapping(p, old->start, old->start + len) &&
                 !planner_pause_overlapping(p, old->start, old->start + len) &&
                 !planner_statutory_holds_trigger(p, old->start, old->start + len))
                start = old->start;
        else {
                if (old)        /* move as little as possible */
                        target2 = 2 * old->start + len;
                k = planner_statutory_find_slot(p, r, len, level, target2, &start);
                if (k < 0)
                        return k;
        }

        b.start = start;
        b.end = start + len;
        k = planner_statutory_reason(p, r, pause, &b.reason);
        if (k < 0)
                return k;
        if (level == 2 && r->latest > 0 && planner_worked_at(p, start) > r->latest)
                r->failed = true;
        return planner_add_break(p, &b, NULL);
}

/* Twice the middle of the k-th of n equal shares of the shift. */
static usec_t planner_share_middle2(const Planning *p, unsigned k, unsigned n) {
        usec_t len = p->shift->end - p->shift->start;

        return 2 * p->shift->start + len / n * (2 * k + 1);
}

/* Place the largest block of at most r->pending that fits, leaving 0 or at
 * least min_block; or, for a blocks rule, the next of its equal blocks.
 * Returns 0, -ENOSPC or -ENOMEM. */
static int planner_statutory_place_next(Planning *p, Rule *r, int level) {
        usec_t g = planner_statutory_grid(p->in->policy, false);

        if (r->tier->blocks > 0) {
                unsigned n = r->tier->blocks, k = n - MIN(r->pending_blocks, n);
                usec_t len = usec_ceil(r->pending / MAX(r->pending_blocks, 1u), USEC_PER_MINUTE);
                int e;

                len = MIN(MAX(len, USEC_PER_MINUTE), r->pending);
                e = planner_statutory_place_block(p, r, len, level, planner_share_middle2(p, MIN(k, n - 1), n),
                                                  false);
                if (e < 0)
                        return e;
                r->pending -= len;
                r->pending_blocks -= r->pending_blocks > 0;
                return 0;
        }

        for (usec_t len = r->pending; len > 0; len = len > g ? len - g : 0) {
                int e;

                if (len != r->pending && (len < r->min_block || r->pending - len < r->min_block))
                        continue;
                e = planner_statutory_place_block(p, r, len, level, planner_share_middle2(p, 0, 1), false);
                if (e == 0)
                        r->pending -= len;
                if (e != -ENOSPC || r->min_block == 0)
                        return e;
        }
        return -ENOSPC;
}

/* Whether break b ends a work stretch for rule r. */
static bool planner_break_interrupts(const Planning *p, const Rule *r, const Break *b) {
        if (b->kind == BREAK_RECOVERY && !p->in->policy->statutory.recovery_counts)
                return false;
        return b->end - b->start >= MAX(r->min_block, USEC_PER_MINUTE);
}

/* max_stretch: walk the shift; where work would run longer than the stretch
 * without a break that interrupts it, add a pause of min_block, as late as
 * the stretch allows. Returns 0 or -ENOMEM. */
static int planner_statutory_stretches(Planning *p, Rule *r) {
        usec_t len = MAX(r->min_block, USEC_PER_MINUTE), t0 = p->shift->start;
        usec_t grid = planner_statutory_grid(p->in->policy, false);

        if (!r->tier || r->max_stretch == 0)
                return 0;
        for (;;) {
                usec_t deadline = planner_work_reaches(p, t0, r->max_stretch), next = USEC_INFINITY, target;
                int e;

                if (deadline >= p->shift->end)
                        return 0;
                for (size_t i = 0; i < p->sp->n_breaks && p->sp->breaks[i].start <= deadline; i++)
                        if (p->sp->breaks[i].start >= t0 && planner_break_interrupts(p, r, &p->sp->breaks[i])) {
                                next = p->sp->breaks[i].end;
                                break;
                        }
                if (next != USEC_INFINITY) {
                        t0 = next;
                        continue;
                }

                /* A pause starting in [t0, deadline], nearest the deadline
                 * on the step grid among those keeping coverage. */
                p->slot_lo = t0;
                p->slot_hi = deadline;
                target = p->shift->start + (deadline - p->shift->start) / grid * grid;
                e = planner_statutory_place_block(p, r, len, 2, 2 * target + len, true);
                p->slot_lo = 0;
                p->slot_hi = USEC_INFINITY;
                if (e < 0 && e != -ENOSPC)
                        return e;
                if (e == -ENOSPC) {
                        r->failed = true;
                        t0 = deadline;
                        continue;
                }
                /* Continue after the pause just placed (the first break
                 * starting at or after t0 that interrupts). */
                for (size_t i = 0; i < p->sp->n_breaks; i++)
                        if (p->sp->breaks[i].start >= t0 && planner_break_interrupts(p, r, &p->sp->breaks[i])) {
                                t0 = p->sp->breaks[i].end;
                                break;
                        }
        }
}

/* Whether no work stretch of the shift runs longer than r's max_stretch
 * without a break that interrupts it, as planner_statutory_stretches()
 * leaves it. */
static bool planner_statutory_stretches_hold(const Planning *p, const Rule *r) {
        usec_t t0 = p->shift->start;

        if (!r->tier || r->max_stretch == 0)
                return true;
        for (;;) {
                usec_t deadline = planner_work_reaches(p, t0, r->max_stretch), next = USEC_INFINITY;

                if (deadline >= p->shift->end)
                        return true;
                for (size_t i = 0; i < p->sp->n_breaks && p->sp->breaks[i].start <= deadline; i++)
                        if (p->sp->breaks[i].start >= t0 && planner_break_interrupts(p, r, &p->sp->breaks[i])) {
                                next = p->sp->breaks[i].end;
                                break;
                        }
                if (next == USEC_INFINITY)
                        return false;
                t0 = next;
        }
}

bool planner_statutory_lawful(const Planning *p) {
        for (size_t k = 0; k < p->n_rules; k++) {
                const Rule *r = &p->rules[k];

                if (!r->tier)
                        continue;
                for (size_t i = 0; r->latest > 0 && i < p->sp->n_breaks; i++)
                        if (planner_break_rule(p, &p->sp->breaks[i]) == r &&
                            planner_worked_at(p, p->sp->breaks[i].start) > r->latest)
                                return false;
                if (!planner_statutory_stretches_hold(p, r))
                        return false;
        }
        return true;
}

bool planner_statutory_starts(const Planning *p, const Rule *r, usec_t len, usec_t *ret_first, usec_t *ret_last) {
        usec_t grid = planner_statutory_grid(p->in->policy, false), lo, hi, first;

        if (len > p->shift->end - p->shift->start)
                return false;
        planner_statutory_window(p, r, len, false, &lo, &hi);
        lo = MAX(lo, p->in->now);
        first = p->shift->start + usec_ceil(lo - p->shift->start, grid);
        if (hi < len || first > hi - len)
                return false;
        *ret_first = first;
        *ret_last = first + (hi - len - first) / grid * grid;
        return true;
}

/* Place what each rule still misses: on the grid inside its window if it
 * fits, else anywhere in the shift, else even past latest (a violation);
 * whatever is left stays pending. Then the stretches. */
int planner_statutory_place(Planning *p) {
        for (size_t k = 0; k < p->n_rules; k++) {
                Rule *r = &p->rules[k];

                if (!r->tier)
                        continue;
                for (int level = 0; level <= 2; level++)
                        while (r->pending > 0) {
                                int e = planner_statutory_place_next(p, r, level);
                                if (e == -ENOSPC)
                                        break;
                                if (e < 0)
                                        return e;
                        }
        }
        for (size_t k = 0; k < p->n_rules; k++) {
                int e = planner_statutory_stretches(p, &p->rules[k]);
                if (e < 0)
                        return e;
        }
        return 0;
}

/* The shortest pause of the operator's own that counts for rule r: a
 * block of it (min_block; a rule given in one block, min_block 0, wants
 * its whole total, a rule of equal blocks one of them), and a minute at
 * least. */
static usec_t planner_pause_min(const Rule *r) {
        usec_t m = r->min_block;

        if (m == 0)
                m = r->tier->blocks > 0 ? r->tier->total / r->tier->blocks : r->tier->total;
        return MAX(m, USEC_PER_MINUTE);
}

/* Whether pause s counts toward rule r (statutory.pauses_count): at least
 * planner_pause_min() long, ending by the shift end, inside the rule's
 * window (earliest after the start, edge_margin before the end), begun by
 * latest of work, and overlapping no break of the shift so far (a break
 * respite gave, which the ACD shows as a pause when the break_start action
 * paused the operator, counts already). */
static bool planner_pause_counts(const Planning *p, const Rule *r, const PauseSpan *s) {
        usec_t len = s->end - s->start, lo, hi;

        if (s->end > p->shift->end || len < planner_pause_min(r) || planner_break_overlapping(p, s->start, s->end))
                return false;
        planner_statutory_window(p, r, len, false, &lo, &hi);
        if (s->start < lo || s->end > hi)
                return false;
        return r->latest == 0 || planner_worked_at(p, s->start) <= r->latest;
}

/* Each rule's total less what frozen breaks already gave (and, when
 * recovery_counts, what the recoveries to come will give; when
 * pauses_count, what the operator's own pauses gave).
 * Returns 0 or -ENOMEM. */
int planner_statutory_init(Planning *p, const TriggerList *triggers) {
        const Statutory *st = &p->in->policy->statutory;
        usec_t recovery = 0;

        for (size_t i = 0; st->recovery_counts && i < triggers->n; i++) {
                _cleanup_(freep) char *uid = NULL;

                if (planner_recovery_uid(p, triggers->items[i].incident, &uid) < 0)
                        return -ENOMEM;
                if (!planner_find_recovery(p->sp, uid))
                        recovery += planner_trigger_length(p, &triggers->items[i]);
        }
        for (size_t i = 0; st->recovery_counts && i < p->sp->n_breaks; i++)
                if (p->sp->breaks[i].kind == BREAK_RECOVERY)
                        recovery += p->sp->breaks[i].end - p->sp->breaks[i].start;

        for (size_t k = 0; k < p->n_rules; k++) {
                Rule *r = &p->rules[k];
                usec_t have = recovery;
                unsigned blocks = 0;
                bool paused = false;

                if (!r->tier)
                        continue;
                for (size_t i = 0; i < p->sp->n_breaks; i++)
                        if (planner_break_rule(p, &p->sp->breaks[i]) == r) {
                                have += p->sp->breaks[i].end - p->sp->breaks[i].start;
                                blocks++;
                        }
                /* A pause taken counts as a block already taken. */
                for (size_t i = 0; i < p->n_pauses; i++)
                        if (planner_pause_counts(p, r, &p->pauses[i])) {
                                have += p->pauses[i].end - p->pauses[i].start;
                                blocks++;
                                paused = true;
                        }
                r->pending = r->tier->total > have ? r->tier->total - have : 0;
                /* What a pause left missing is still a block: never
                 * shorter than min_block (Arbeitszeitgesetz §4: parts of
                 * at least 15 min). */
                if (paused && r->pending > 0)
                        r->pending = MAX(r->pending, r->min_block);
                if (r->tier->blocks > 0) {
                        /* Both the total and the number of blocks: a block
                         * that a recovery lengthened still counts once. */
                        r->pending_blocks = r->tier->blocks - MIN(blocks, r->tier->blocks);
                        r->pending = MAX(r->pending, r->pending_blocks * (r->tier->total / r->tier->blocks));
                        r->pending_blocks = r->pending > 0 ? MAX(r->pending_blocks, 1u) : 0;
                }
        }
        return 0;
}

/* Whether block b of rule r, begun past latest, began late because of a
 * call: the operator was on a call when work reached latest, and b starts
 * right after it (planner_call_free()). */
static bool planner_statutory_overrun(const Planning *p, const Rule *r, const Break *b) {
        usec_t latest = planner_work_reaches(p, p->shift->start, r->latest);

        return planner_call_containing(p, latest) && planner_call_free(p, latest) == b->start;
}

/* Whether the shift holds every rule now: no pending time, every block of a
 * rule with latest starting by it, nothing failed. */
bool planner_statutory_held(const Planning *p) {
        for (size_t k = 0; k < p->n_rules; k++) {
                const Rule *r = &p->rules[k];

                if (!r->tier)
                        continue;
                if (r->pending > 0 || r->failed)
                        return false;
                for (size_t i = 0; r->latest > 0 && i < p->sp->n_breaks; i++)
                        if (planner_break_rule(p, &p->sp->breaks[i]) == r &&
                            planner_worked_at(p, p->sp->breaks[i].start) > r->latest &&
                            !planner_statutory_overrun(p, r, &p->sp->breaks[i]))
                                return false;
        }
        return true;
}

unsigned planner_statutory_overruns(const Planning *p) {
        unsigned n = 0;

        for (size_t k = 0; k < p->n_rules; k++)
                for (size_t i = 0; p->rules[k].tier && p->rules[k].latest > 0 && i < p->sp->n_breaks; i++)
                        n += planner_break_rule(p, &p->sp->breaks[i]) == &p->rules[k] &&
                                planner_worked_at(p, p->sp->breaks[i].start) > p->rules[k].latest &&
                                planner_statutory_overrun(p, &p->rules[k], &p->sp->breaks[i]);
        return n;
}
