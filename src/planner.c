/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <time.h>

#include "planner.h"
#include "time-util.h"

/* Planning one shift happens in this order, so that the same inputs always
 * give the same plan:
 *   1. breaks of the previous plan that began before now are copied (frozen);
 *   2. planned breaks from the roster, after any frozen break they would overlap;
 *   3. the missing statutory time, as near the middle as the breaks so far allow
 *      (or where the previous plan had it);
 *   4. recovery breaks in order of their earliest start, each pushing the
 *      not-yet-started breaks it meets to follow it;
 *   5. statutory blocks that a push made invalid are placed again.
 * A recovery begins at or after now and after every break begun by then
 * (frozen ones, earlier recoveries), so the breaks it pushes have not begun. */

static const char * const break_kind_table[_BREAK_KIND_MAX] = {
        [BREAK_PLANNED] = "planned",
        [BREAK_STATUTORY] = "statutory",
        [BREAK_RECOVERY] = "recovery",
};

static const char * const break_kind_public_table[_BREAK_KIND_MAX] = {
        [BREAK_PLANNED] = "Break",
        [BREAK_STATUTORY] = "Statutory break",
        [BREAK_RECOVERY] = "Recovery break",
};

const char *break_kind_to_string(BreakKind k) {
        if ((unsigned) k >= _BREAK_KIND_MAX)
                return NULL;
        return break_kind_table[k];
}

const char *break_kind_public_reason(BreakKind k) {
        if ((unsigned) k >= _BREAK_KIND_MAX)
                return NULL;
        return break_kind_public_table[k];
}

static void break_done(Break *b) {
        free(b->uid);
        free(b->reason);
        *b = (Break) {};
}

static void shift_plan_done(ShiftPlan *s) {
        for (size_t i = 0; i < s->n_breaks; i++)
                break_done(&s->breaks[i]);
        free(s->breaks);
        free(s->operator);
        free(s->team);
        free(s->uid);
}

Plan *plan_free(Plan *p) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_shifts; i++)
                shift_plan_done(&p->shifts[i]);
        free(p->shifts);
        free(p);
        return NULL;
}

/* Append printf-style text to *s (NULL starts a new string). Returns 0 or -ENOMEM. */
static int strextendf(char **s, const char *format, ...) _printf_(2, 3);
static int strextendf(char **s, const char *format, ...) {
        size_t old = *s ? strlen(*s) : 0;
        va_list ap;
        char *t;
        int n;

        va_start(ap, format);
        n = vsnprintf(NULL, 0, format, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;

        t = realloc(*s, old + n + 1);
        if (!t)
                return -ENOMEM;
        va_start(ap, format);
        vsnprintf(t + old, n + 1, format, ap);
        va_end(ap);
        *s = t;
        return 0;
}

static usec_t ceil_minute(usec_t t) {
        return usec_ceil(t, USEC_PER_MINUTE);
}

/* What every shift of one run shares. */
typedef struct Inputs {
        const Roster *roster;
        const Policy *policy;
        const IncidentList *incidents;
        const Plan *previous;
        usec_t now;
} Inputs;

/* One shift being planned. */
typedef struct Planning {
        const Inputs *in;
        const Shift *shift;
        const Operator *op;
        const ShiftPlan *prev;          /* the same shift in the previous plan, or NULL */
        ShiftPlan *sp;                  /* the output; breaks kept sorted by start */
        size_t n_allocated;
        const StatutoryTier *tier;      /* the statutory tier that applies, or NULL */
        usec_t statutory_pending;       /* statutory time still to place */
} Planning;

/* A recovery break earned by an incident, before it is placed. */
typedef struct Trigger {
        const Incident *incident;
        usec_t earliest;                /* first whole minute it may begin */
        usec_t length;
        bool accumulated;               /* may wait accumulation.max_delay to join a break */
        char *reason;
} Trigger;

typedef struct TriggerList {
        Trigger *items;                 /* sorted by earliest, then incident order */
        size_t n;
} TriggerList;

static void trigger_list_done(TriggerList *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->items[i].reason);
        free(l->items);
}

/* ---- the breaks of the shift being planned ---- */

static const Break *find_break(const ShiftPlan *sp, const char *uid) {
        for (size_t i = 0; i < sp->n_breaks; i++)
                if (streq(sp->breaks[i].uid, uid))
                        return &sp->breaks[i];
        return NULL;
}

/* The break a recovery starting at t must wait for: one begun before t, or
 * a recovery beginning at t. A planned or statutory break beginning at t
 * has not begun: the recovery goes first and pushes it. */
static const Break *break_containing(const Planning *p, usec_t t) {
        for (size_t i = 0; i < p->sp->n_breaks; i++) {
                const Break *b = &p->sp->breaks[i];

                if ((b->start < t || (b->start == t && b->kind == BREAK_RECOVERY)) && t < b->end)
                        return b;
        }
        return NULL;
}

static const Break *break_overlapping(const Planning *p, usec_t start, usec_t end) {
        for (size_t i = 0; i < p->sp->n_breaks; i++)
                if (p->sp->breaks[i].start < end && start < p->sp->breaks[i].end)
                        return &p->sp->breaks[i];
        return NULL;
}

/* Insert *b at its place by start, taking its strings. Returns 0 or -ENOMEM. */
static int add_break(Planning *p, Break *b, size_t *ret_index) {
        ShiftPlan *sp = p->sp;
        size_t i;

        if (sp->n_breaks == p->n_allocated) {
                size_t n = MAX(p->n_allocated * 2, (size_t) 4);
                Break *t = realloc(sp->breaks, n * sizeof(Break));

                if (!t)
                        return -ENOMEM;
                sp->breaks = t;
                p->n_allocated = n;
        }

        /* Before a break beginning at the same instant: a recovery goes first. */
        for (i = sp->n_breaks; i > 0 && sp->breaks[i - 1].start >= b->start; i--)
                ;
        memmove(sp->breaks + i + 1, sp->breaks + i, (sp->n_breaks - i) * sizeof(Break));
        sp->breaks[i] = *b;
        *b = (Break) {};
        sp->n_breaks++;
        if (ret_index)
                *ret_index = i;
        return 0;
}

static void remove_break(Planning *p, size_t i) {
        ShiftPlan *sp = p->sp;

        break_done(&sp->breaks[i]);
        memmove(sp->breaks + i, sp->breaks + i + 1, (sp->n_breaks - i - 1) * sizeof(Break));
        sp->n_breaks--;
}

static int copy_break(Planning *p, const Break *src) {
        _cleanup_(break_done) Break b = *src;

        b.uid = b.reason = NULL;
        if (strdup_to(&b.uid, src->uid) < 0 || strdup_to(&b.reason, src->reason) < 0)
                return -ENOMEM;
        return add_break(p, &b, NULL);
}

/* ---- shifts and their identity ---- */

/* "<operator>-<YYYYMMDDTHHMMZ>" of the shift start in UTC. */
static int shift_uid(const char *operator, usec_t start, char **ret) {
        time_t t = (time_t) (start / USEC_PER_SEC);
        struct tm tm;

        if (!gmtime_r(&t, &tm))
                return -EINVAL;
        return strextendf(ret, "%s-%04d%02d%02dT%02d%02dZ", operator,
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* Order of shift plans in a plan: by operator, then start. */
static int shift_plan_key_cmp(const void *a, const void *b) {
        const ShiftPlan *x = a, *y = b;
        int c = strcmp(x->operator, y->operator);

        if (c != 0)
                return c;
        return x->start < y->start ? -1 : x->start > y->start;
}

static int shift_plan_cmp(const void *a, const void *b) {
        const ShiftPlan *x = a, *y = b;
        int c = shift_plan_key_cmp(a, b);

        if (c != 0)
                return c;
        if (x->end != y->end)
                return x->end < y->end ? -1 : 1;
        return strcmp(x->uid, y->uid);
}

/* The same shift (same uid) in the previous plan, or NULL. */
static const ShiftPlan *find_previous_shift(const Plan *previous, const ShiftPlan *sp) {
        const ShiftPlan *found;

        if (!previous || previous->n_shifts == 0)
                return NULL;
        found = bsearch(sp, previous->shifts, previous->n_shifts, sizeof(ShiftPlan), shift_plan_key_cmp);
        return found && streq(found->uid, sp->uid) ? found : NULL;
}

/* ---- 1. frozen breaks and 2. planned breaks ---- */

static int copy_frozen(Planning *p) {
        if (!p->prev)
                return 0;
        for (size_t i = 0; i < p->prev->n_breaks; i++)
                if (p->prev->breaks[i].start < p->in->now) {
                        int r = copy_break(p, &p->prev->breaks[i]);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int add_planned(Planning *p) {
        for (size_t i = 0; i < p->shift->n_planned; i++) {
                const PlannedBreak *pb = &p->shift->planned[i];
                _cleanup_(break_done) Break b = { .kind = BREAK_PLANNED };
                usec_t start = pb->start, len = pb->end - pb->start;
                const Break *o;
                int r;

                r = strextendf(&b.uid, "%s-planned-%zu", p->sp->uid, i + 1);
                if (r < 0)
                        return r;
                if (find_break(p->sp, b.uid))
                        continue;       /* frozen */

                /* The previous plan had moved it past now: it cannot begin in the past. */
                if (p->prev && start < p->in->now)
                        start = ceil_minute(p->in->now);
                while ((o = break_overlapping(p, start, start + len)))
                        start = o->end;
                b.start = start;
                b.end = MIN(start + len, p->shift->end);
                if (b.start >= b.end)
                        continue;       /* pushed off the shift */

                r = strdup_to(&b.reason, "planned in the roster");
                if (r < 0)
                        return r;
                r = add_break(p, &b, NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- 3. and 5. statutory breaks ---- */

/* The highest tier whose more_than the working time (shift less planned
 * breaks) strictly exceeds, or NULL. */
static const StatutoryTier *statutory_tier(const Policy *policy, const Shift *s) {
        const StatutoryTier *tier = NULL;
        usec_t work = s->end - s->start;

        for (size_t i = 0; i < s->n_planned; i++)
                work -= MIN(work, s->planned[i].end - s->planned[i].start);
        for (size_t i = 0; i < policy->statutory.n_tiers; i++)
                if (work > policy->statutory.tiers[i].more_than)
                        tier = &policy->statutory.tiers[i];
        return tier;
}

static usec_t statutory_grid(const Policy *policy, bool relaxed) {
        return relaxed || policy->step == 0 ? USEC_PER_MINUTE : policy->step;
}

/* Where a statutory block of length len may lie: [*lo, *hi], inside the edge
 * margin, or half the free span (down to the grid) when the shift is too
 * short for the margin. relaxed: anywhere in the shift. The shift must be at
 * least len long. */
static void statutory_window(const Planning *p, usec_t len, bool relaxed, usec_t *lo, usec_t *hi) {
        usec_t grid = statutory_grid(p->in->policy, relaxed);
        usec_t half = (p->shift->end - p->shift->start - len) / 2 / grid * grid;
        usec_t m = relaxed ? 0 : MIN(p->in->policy->statutory.edge_margin, half);

        *lo = p->shift->start + m;
        *hi = p->shift->end - m;
}

static bool statutory_fits_window(const Planning *p, usec_t start, usec_t len) {
        usec_t lo, hi;

        if (len > p->shift->end - p->shift->start)
                return false;
        statutory_window(p, len, false, &lo, &hi);
        return start >= lo && start + len <= hi && start >= p->in->now;
}

/* The free position for a block of length len nearest the middle of the
 * shift (ties: the earlier), on the step grid anchored at the shift start
 * (relaxed: the minute grid, no edge margin). Returns 0 or -ENOSPC. */
static int statutory_find_slot(const Planning *p, usec_t len, bool relaxed, usec_t *ret) {
        const Shift *s = p->shift;
        const Policy *policy = p->in->policy;
        usec_t grid = statutory_grid(policy, relaxed);
        usec_t lo, hi, best = USEC_INFINITY, best_distance = USEC_INFINITY;
        usec_t middle2 = s->start + s->end;     /* twice the middle, so as not to halve */

        if (len > s->end - s->start)
                return -ENOSPC;
        statutory_window(p, len, relaxed, &lo, &hi);

        for (usec_t t = s->start + usec_ceil(MAX(lo, p->in->now) - s->start, grid); t + len <= hi; t += grid) {
                usec_t centre2 = 2 * t + len;
                usec_t d = centre2 > middle2 ? centre2 - middle2 : middle2 - centre2;

                if (d < best_distance && !break_overlapping(p, t, t + len)) {
                        best = t;
                        best_distance = d;
                }
        }
        if (best == USEC_INFINITY)
                return -ENOSPC;
        *ret = best;
        return 0;
}

static int statutory_reason(const Planning *p, char **ret) {
        const Statutory *st = &p->in->policy->statutory;
        const char *source = st->source ?: st->name;
        char total[DURATION_MAX], threshold[DURATION_MAX];
        int r;

        r = strextendf(ret, "statutory break: %s for more than %s of work",
                       duration_format(p->tier->total, total, sizeof(total)),
                       duration_format(p->tier->more_than, threshold, sizeof(threshold)));
        if (r < 0 || !source)
                return r;
        return strextendf(ret, " (%s)", source);
}

/* "<shift uid>-statutory-<n>" with the lowest n not in use. */
static int statutory_uid(const Planning *p, char **ret) {
        for (unsigned n = 1;; n++) {
                _cleanup_(freep) char *uid = NULL;
                int r;

                r = strextendf(&uid, "%s-statutory-%u", p->sp->uid, n);
                if (r < 0)
                        return r;
                if (!find_break(p->sp, uid)) {
                        *ret = TAKE_PTR(uid);
                        return 0;
                }
        }
}

/* Place one block of length len: where the previous plan had this uid if
 * still valid, else by statutory_find_slot(). Returns 0, -ENOSPC or -ENOMEM. */
static int statutory_place_block(Planning *p, usec_t len, bool relaxed) {
        _cleanup_(break_done) Break b = { .kind = BREAK_STATUTORY };
        const Break *old;
        usec_t start;
        int r;

        r = statutory_uid(p, &b.uid);
        if (r < 0)
                return r;

        old = p->prev && !relaxed ? find_break(p->prev, b.uid) : NULL;
        if (old && statutory_fits_window(p, old->start, len) &&
            !break_overlapping(p, old->start, old->start + len))
                start = old->start;
        else {
                r = statutory_find_slot(p, len, relaxed, &start);
                if (r < 0)
                        return r;
        }

        b.start = start;
        b.end = start + len;
        r = statutory_reason(p, &b.reason);
        if (r < 0)
                return r;
        return add_break(p, &b, NULL);
}

/* Place the largest block of at most *missing that fits, leaving 0 or at
 * least min_block; reduces *missing. Returns 0, -ENOSPC or -ENOMEM. */
static int statutory_place_largest(Planning *p, usec_t *missing, bool relaxed) {
        const Policy *policy = p->in->policy;
        usec_t min_block = policy->statutory.min_block;
        usec_t g = statutory_grid(policy, false);

        for (usec_t len = *missing; len > 0; len = len > g ? len - g : 0) {
                int r;

                if (len != *missing && (len < min_block || *missing - len < min_block))
                        continue;
                r = statutory_place_block(p, len, relaxed);
                if (r == 0)
                        *missing -= len;
                if (r != -ENOSPC || min_block == 0)
                        return r;
        }
        return -ENOSPC;
}

/* Place p->statutory_pending: on the grid inside the edge margins if it
 * fits, else anywhere in the shift; whatever is left stays pending. */
static int statutory_place(Planning *p) {
        for (int relaxed = 0; relaxed <= 1; relaxed++)
                while (p->statutory_pending > 0) {
                        int r = statutory_place_largest(p, &p->statutory_pending, relaxed);
                        if (r == -ENOSPC)
                                break;
                        if (r < 0)
                                return r;
                }
        return 0;
}

/* A recovery of trigger t would last this long, or 0 when it cannot be granted. */
static usec_t trigger_length(const Planning *p, const Trigger *t) {
        if (t->earliest >= p->shift->end)
                return 0;
        return MIN(t->length, p->shift->end - t->earliest);
}

/* "<operator>-recovery-<incident id>" */
static int recovery_uid(const Planning *p, const Incident *i, char **ret) {
        return strextendf(ret, "%s-recovery-%s", p->op->id, i->id);
}

/* The statutory total of the tier less what frozen breaks already gave
 * (and, when recovery_counts, what the recoveries to come will give).
 * Returns 0 or -ENOMEM. */
static int statutory_init(Planning *p, const TriggerList *triggers) {
        const Statutory *st = &p->in->policy->statutory;
        usec_t have = 0;

        p->tier = statutory_tier(p->in->policy, p->shift);
        if (!p->tier)
                return 0;

        for (size_t i = 0; i < p->sp->n_breaks; i++) {
                const Break *b = &p->sp->breaks[i];
                if (b->kind == BREAK_STATUTORY || (b->kind == BREAK_RECOVERY && st->recovery_counts))
                        have += b->end - b->start;
        }
        for (size_t i = 0; st->recovery_counts && i < triggers->n; i++) {
                _cleanup_(freep) char *uid = NULL;

                if (recovery_uid(p, triggers->items[i].incident, &uid) < 0)
                        return -ENOMEM;
                if (!find_break(p->sp, uid))
                        have += trigger_length(p, &triggers->items[i]);
        }

        p->statutory_pending = p->tier->total > have ? p->tier->total - have : 0;
        return 0;
}

/* ---- incidents to triggers ---- */

static int trigger_add(TriggerList *l, const Incident *i, usec_t earliest, usec_t length,
                       bool accumulated, char **reason) {
        Trigger *t;
        size_t k;

        t = realloc(l->items, (l->n + 1) * sizeof(Trigger));
        if (!t)
                return -ENOMEM;
        l->items = t;

        for (k = l->n; k > 0 && l->items[k - 1].earliest > earliest; k--)
                ;
        memmove(l->items + k + 1, l->items + k, (l->n - k) * sizeof(Trigger));
        l->items[k] = (Trigger) {
                .incident = i,
                .earliest = earliest,
                .length = length,
                .accumulated = accumulated,
                .reason = TAKE_PTR(*reason),
        };
        l->n++;
        return 0;
}

/* "after 2 unreasonable_demand, 1 other incidents in 40 min (10 points)":
 * counts per category in first-seen order, the span from first to last. */
static int accumulated_reason(const Incident * const *counted, size_t n, unsigned points, char **ret) {
        usec_t span = counted[n - 1]->when - counted[0]->when;
        unsigned minutes = (span + USEC_PER_MINUTE / 2) / USEC_PER_MINUTE;
        _cleanup_(freep) char *s = NULL;
        int r;

        r = strextendf(&s, "after ");
        for (size_t i = 0; r >= 0 && i < n; i++) {
                unsigned count = 0;
                bool seen = false;

                for (size_t j = 0; j < n; j++) {
                        seen = seen || (j < i && streq(counted[j]->category, counted[i]->category));
                        count += streq(counted[j]->category, counted[i]->category);
                }
                if (!seen)
                        r = strextendf(&s, "%s%u %s", i > 0 ? ", " : "", count, counted[i]->category);
        }
        if (r >= 0)
                r = minutes == 0 ? strextendf(&s, " incidents at once (%u points)", points)
                                 : strextendf(&s, " incidents in %u min (%u points)", minutes, points);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

/* Range [*ret_first, *ret_end) of incidents with start <= when < end. */
static void incidents_in(const IncidentList *l, usec_t start, usec_t end, size_t *ret_first, size_t *ret_end) {
        size_t lo = 0, hi = l ? l->n : 0;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (l->items[mid].when < start)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_first = lo;
        while (hi < (l ? l->n : 0) && l->items[hi].when < end)
                hi++;
        *ret_end = hi;
}

/* The points window of one operator in one shift. */
typedef struct Window {
        const Incident **counted;
        size_t first, n;                /* counted[first..n) are in the window */
} Window;

/* Add the points of i; when the window reaches the threshold, sets *reason. */
static int window_add(Window *w, const Policy *policy, const Incident *i, char **reason) {
        unsigned points = 0;

        while (w->first < w->n && w->counted[w->first]->when + policy->accumulation.window <= i->when)
                w->first++;
        w->counted[w->n++] = i;

        for (size_t k = w->first; k < w->n; k++)
                points += policy_find_category(policy, w->counted[k]->category)->points;
        if (points < policy->accumulation.threshold)
                return 0;

        return accumulated_reason(w->counted + w->first, w->n - w->first, points, reason);
}

/* What incident i earns in the shift: a recovery (into triggers) or points. */
static int incident_evaluate(const Planning *p, Window *w, const Incident *i, TriggerList *triggers) {
        const Policy *policy = p->in->policy;
        const Category *c = policy_find_category(policy, i->category);
        usec_t earliest = ceil_minute(MAX(MAX(i->when, i->received), p->in->now));
        _cleanup_(freep) char *reason = NULL;
        bool accumulated = false;
        usec_t length = 0;
        int r = 0;

        if (!c)
                return 0;

        if (c->recovery > 0) {
                length = c->recovery;
                r = strextendf(&reason, "after %s (%s)", c->label ?: c->name, c->name);
        } else if (streq(c->name, "prolonged_call") && policy->prolonged.break_after > 0 &&
                   policy->prolonged.length > 0 && i->duration >= policy->prolonged.break_after) {
                length = policy->prolonged.length;
                r = strextendf(&reason, "after a call of %llu min (%s)",
                               (unsigned long long) (i->duration / USEC_PER_MINUTE), c->name);
        } else if (c->points > 0 && policy->accumulation.threshold > 0 && policy->accumulation.length > 0) {
                length = policy->accumulation.length;
                accumulated = true;
                r = window_add(w, policy, i, &reason);
        }
        if (r < 0 || !reason)
                return r;

        w->first = w->n;        /* a recovery clears the points counted so far */
        return trigger_add(triggers, i, earliest, length, accumulated, &reason);
}

static int collect_triggers(const Planning *p, TriggerList *ret) {
        const IncidentList *l = p->in->incidents;
        _cleanup_(freep) const Incident **counted = NULL;
        size_t first, end;
        Window w = {};

        incidents_in(l, p->shift->start, p->shift->end, &first, &end);
        if (first == end)
                return 0;
        counted = malloc((end - first) * sizeof(Incident *));
        if (!counted)
                return -ENOMEM;
        w.counted = counted;

        for (size_t k = first; k < end; k++) {
                const Incident *i = &l->items[k];
                int r;

                if (!streq(i->operator, p->op->id) || (p->in->now > 0 && i->received > p->in->now))
                        continue;
                r = incident_evaluate(p, &w, i, ret);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- 4. recovery breaks ---- */

/* First instant at or after t that no break begun by then covers. */
static usec_t first_free(const Planning *p, usec_t t) {
        const Break *b;

        while ((b = break_containing(p, t)))
                t = b->end;
        return t;
}

/* An accumulated recovery may wait up to max_delay after its trigger: when a
 * planned or statutory break begins by then with room before it, the
 * recovery ends right where that break begins, which then need not move. */
static usec_t join_next_break(const Planning *p, const Trigger *t, usec_t start) {
        usec_t deadline = t->incident->when + p->in->policy->accumulation.max_delay;

        for (size_t i = 0; i < p->sp->n_breaks; i++) {
                const Break *b = &p->sp->breaks[i];

                if (b->start < start)
                        continue;
                if (b->kind != BREAK_RECOVERY && b->start <= deadline && b->start >= start + t->length)
                        return b->start - t->length;
                break;
        }
        return start;
}

/* Breaks after the recovery at index i that overlap it, or (the next planned
 * or statutory one) begin within merge_margin after it, move to follow it,
 * each right after the one before. Only breaks that have not begun are
 * met here (see the top of this file). Returns the index after the last
 * break moved. */
static size_t push_following(Planning *p, size_t i) {
        ShiftPlan *sp = p->sp;
        usec_t cursor = sp->breaks[i].end;
        size_t j;

        for (j = i + 1; j < sp->n_breaks; j++) {
                Break *b = &sp->breaks[j];
                usec_t len = b->end - b->start;
                bool join = j == i + 1 && b->kind != BREAK_RECOVERY &&
                        b->start <= cursor + p->in->policy->merge_margin;

                if (b->start >= cursor && !join)
                        break;
                b->start = cursor;
                b->end = cursor + len;
                cursor = b->end;
        }
        return j;
}

/* After a push, of the breaks moved [i, end): a statutory block that left
 * its window is removed and its time is pending again; the others are
 * clipped at the shift end, or dropped when pushed off it. */
static void settle_moved(Planning *p, size_t i, size_t end) {
        while (i < end) {
                Break *b = &p->sp->breaks[i];
                usec_t len = b->end - b->start;

                if (b->kind == BREAK_STATUTORY && !statutory_fits_window(p, b->start, len))
                        p->statutory_pending += len;
                else {
                        b->end = MIN(b->end, p->shift->end);
                        if (b->start < b->end) {
                                i++;
                                continue;
                        }
                }
                remove_break(p, i);
                end--;
        }
}

static int place_recovery(Planning *p, Trigger *t) {
        _cleanup_(break_done) Break b = { .kind = BREAK_RECOVERY, .trigger = t->incident->when };
        usec_t start;
        size_t i;
        int r;

        r = recovery_uid(p, t->incident, &b.uid);
        if (r < 0)
                return r;
        if (find_break(p->sp, b.uid))
                return 0;       /* frozen: granted already */

        start = first_free(p, t->earliest);
        if (t->accumulated)
                start = join_next_break(p, t, start);
        if (start >= p->shift->end || p->shift->end - start < USEC_PER_MINUTE)
                return 0;       /* off shift: nothing to grant */

        b.start = start;
        b.end = MIN(start + t->length, p->shift->end);
        b.reason = TAKE_PTR(t->reason);
        r = add_break(p, &b, &i);
        if (r < 0)
                return r;
        settle_moved(p, i + 1, push_following(p, i));
        return 0;
}

/* ---- one shift, the whole plan ---- */

static int shift_plan_init(ShiftPlan *sp, const Operator *op, const Shift *s) {
        sp->start = s->start;
        sp->end = s->end;
        if (strdup_to(&sp->operator, op->id) < 0 || strdup_to(&sp->team, op->team) < 0)
                return -ENOMEM;
        return shift_uid(op->id, s->start, &sp->uid);
}

static int plan_shift(const Inputs *in, const Shift *shift, ShiftPlan *sp, unsigned *violations) {
        _cleanup_(trigger_list_done) TriggerList triggers = {};
        Planning p = {
                .in = in,
                .shift = shift,
                .op = &in->roster->operators[shift->operator],
                .sp = sp,
        };
        int r;

        r = shift_plan_init(sp, p.op, shift);
        if (r < 0)
                return r;
        p.prev = find_previous_shift(in->previous, sp);

        r = copy_frozen(&p);
        if (r < 0)
                return r;
        r = add_planned(&p);
        if (r < 0)
                return r;
        r = collect_triggers(&p, &triggers);
        if (r < 0)
                return r;

        r = statutory_init(&p, &triggers);
        if (r < 0)
                return r;
        r = statutory_place(&p);
        if (r < 0)
                return r;

        for (size_t i = 0; i < triggers.n; i++) {
                r = place_recovery(&p, &triggers.items[i]);
                if (r < 0)
                        return r;
        }

        r = statutory_place(&p);
        if (r < 0)
                return r;
        if (p.statutory_pending > 0)
                (*violations)++;
        return 0;
}

int planner_run(const Roster *roster, const Policy *policy, const IncidentList *incidents,
                const Plan *previous, usec_t now, Plan **ret) {
        _cleanup_(plan_freep) Plan *plan = NULL;
        const Inputs in = {
                .roster = roster,
                .policy = policy,
                .incidents = incidents,
                .previous = previous,
                .now = now,
        };

        plan = calloc(1, sizeof(Plan));
        if (!plan)
                return -ENOMEM;
        plan->now = now;

        if (roster->n_shifts > 0) {
                plan->shifts = calloc(roster->n_shifts, sizeof(ShiftPlan));
                if (!plan->shifts)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < roster->n_shifts; i++) {
                int r;

                plan->n_shifts++;
                r = plan_shift(&in, &roster->shifts[i], &plan->shifts[i], &plan->statutory_violations);
                if (r < 0)
                        return r;
        }
        if (plan->n_shifts > 0)
                qsort(plan->shifts, plan->n_shifts, sizeof(ShiftPlan), shift_plan_cmp);

        *ret = TAKE_PTR(plan);
        return 0;
}

static int break_ptr_cmp(const void *a, const void *b) {
        const Break *x = *(const Break * const *) a, *y = *(const Break * const *) b;

        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return strcmp(x->uid, y->uid);
}

ssize_t plan_operator_breaks(const Plan *plan, const char *operator, usec_t from, usec_t to,
                             const Break ***ret) {
        _cleanup_(freep) const Break **l = NULL;
        size_t n = 0;

        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *sp = &plan->shifts[i];

                if (!streq(sp->operator, operator))
                        continue;
                for (size_t j = 0; j < sp->n_breaks; j++) {
                        const Break *b = &sp->breaks[j];
                        const Break **t;

                        if (b->start >= to || b->end <= from)
                                continue;
                        t = realloc(l, (n + 1) * sizeof(Break *));
                        if (!t)
                                return -ENOMEM;
                        l = t;
                        l[n++] = b;
                }
        }
        if (n > 0)
                qsort(l, n, sizeof(Break *), break_ptr_cmp);

        *ret = TAKE_PTR(l);
        return (ssize_t) n;
}
