/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <time.h>

#include "core/planner.h"
#include "shared/time-util.h"

/* Operators on the phones per team and whole minute, and what coverage
 * needs there; kept in the plan so that a revision of one operator updates
 * it in place. */
typedef struct Staffing {
        usec_t origin;                  /* minute 0, UTC, a whole minute */
        size_t n_minutes;
        char **teams;                   /* sorted */
        size_t n_teams;
        int32_t *on;                    /* [team * n_minutes + minute] */
        uint32_t *need;                 /* same shape */
} Staffing;

static Staffing *staffing_free(Staffing *s) {
        if (!s)
                return NULL;
        strv_free(s->teams);
        free(s->on);
        free(s->need);
        free(s);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Staffing *, staffing_free);

/* Planning one shift happens in this order, so that the same inputs always
 * give the same plan:
 *   1. breaks of the previous plan that began before now are copied (frozen);
 *   2. planned breaks from the roster, after any frozen break they would overlap;
 *   3. the missing statutory time of each rule, nearest its target (where the
 *      previous plan had it, else the middle of its share of the shift),
 *      keeping the team's coverage where it can, then the pauses max_stretch
 *      asks for;
 *   4. recovery breaks in order of their earliest start, each merging into
 *      the next planned or statutory break within merge_margin, or pushing
 *      the not-yet-started breaks it meets to follow it;
 *   5. statutory blocks that a push made invalid are placed again, and the
 *      stretches checked again.
 * Shifts are planned in roster order; when one is done, its breaks leave its
 * team's count of operators on the phones (Staffing), which the next ones see.
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

DEFINE_STRING_TABLE_LOOKUP(break_kind, BreakKind);

const char *break_kind_public_reason(BreakKind k) {
        if ((unsigned) k >= _BREAK_KIND_MAX)
                return NULL;
        return break_kind_public_table[k];
}

static void break_done(Break *b) {
        free(b->uid);
        free(b->reason);
        free(b->recovery_uid);
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
        staffing_free(p->staffing);
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
        const Coverage *coverage;
        const IncidentList *incidents;
        usec_t now;
        Staffing *staffing;             /* NULL without coverage */
        const Incident **index;         /* incidents by operator, or NULL: scan by time */
} Inputs;

/* One statutory rule (the tiers of one name) for the shift being planned. */
typedef struct Rule {
        const char *name;               /* NULL: the unnamed rule */
        const char *prefix;             /* in uids: the name, or "statutory" */
        const StatutoryTier *tier;      /* the tier that applies, or NULL */
        usec_t min_block, earliest, latest, max_stretch;
        usec_t pending;                 /* time still to place */
        unsigned pending_blocks;        /* blocks still to place (blocks rules), else 0 */
        bool failed;                    /* could not be held */
} Rule;

/* One shift being planned. */
typedef struct Planning {
        const Inputs *in;
        const Shift *shift;
        const Operator *op;
        const ShiftPlan *prev;          /* the same shift in the previous plan, or NULL */
        ShiftPlan *sp;                  /* the output; breaks kept sorted by start */
        size_t n_allocated;
        Rule *rules;                    /* the statutory rules, in file order of first tier */
        size_t n_rules;
        ssize_t team;                   /* index into in->staffing->teams, or -1 */
        usec_t slot_lo, slot_hi;        /* statutory_find_slot() starts blocks in here */
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

/* The recovery break of uid, or the break it merged into, or NULL. */
static const Break *find_recovery(const ShiftPlan *sp, const char *uid) {
        for (size_t i = 0; i < sp->n_breaks; i++)
                if (streq(sp->breaks[i].uid, uid) || streq_ptr(sp->breaks[i].recovery_uid, uid))
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

        b.uid = b.reason = b.recovery_uid = NULL;
        if (strdup_to(&b.uid, src->uid) < 0 || strdup_to(&b.reason, src->reason) < 0 ||
            strdup_to(&b.recovery_uid, src->recovery_uid) < 0)
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

/* ---- staffing: operators on the phones ---- */

static ssize_t staffing_team(const Staffing *s, const char *team) {
        size_t lo = 0, hi = s ? s->n_teams : 0;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(s->teams[mid], team);

                if (c == 0)
                        return (ssize_t) mid;
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}

/* The minutes [*a, *b) of the staffing arrays that [start, end) touches. */
static void staffing_range(const Staffing *s, usec_t start, usec_t end, size_t *a, size_t *b) {
        usec_t lo = start > s->origin ? (start - s->origin) / USEC_PER_MINUTE : 0;
        usec_t hi = end > s->origin ? (end - s->origin + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE : 0;

        *a = MIN(lo, (usec_t) s->n_minutes);
        *b = MIN(hi, (usec_t) s->n_minutes);
}

static void staffing_add(Staffing *s, ssize_t team, usec_t start, usec_t end, int32_t delta) {
        size_t a, b;

        if (!s || team < 0)
                return;
        staffing_range(s, start, end, &a, &b);
        for (int32_t *on = s->on + (size_t) team * s->n_minutes; a < b; a++)
                on[a] += delta;
}

static void staffing_add_breaks(Staffing *s, ssize_t team, const ShiftPlan *sp, int32_t delta) {
        for (size_t i = 0; i < sp->n_breaks; i++)
                staffing_add(s, team, sp->breaks[i].start, sp->breaks[i].end, delta);
}

/* Give back (+1) or take (-1) the roster's planned breaks of shift. */
static void staffing_add_planned(Staffing *s, const Roster *roster, const Shift *shift, int32_t delta) {
        ssize_t team = staffing_team(s, roster->operators[shift->operator].team);

        for (size_t k = 0; k < shift->n_planned; k++)
                staffing_add(s, team, shift->planned[k].start, shift->planned[k].end, delta);
}

/* Minutes of [start, end) at which the team falls below its requirement if
 * the operator of the shift being planned leaves the phones. */
static usec_t coverage_cost(const Planning *p, usec_t start, usec_t end) {
        const Staffing *s = p->in->staffing;
        const int32_t *on;
        const uint32_t *need;
        usec_t cost = 0;
        size_t a, b;

        if (!s || p->team < 0)
                return 0;
        staffing_range(s, start, end, &a, &b);
        on = s->on + (size_t) p->team * s->n_minutes;
        need = s->need + (size_t) p->team * s->n_minutes;
        for (; a < b; a++)
                cost += on[a] - 1 < (int64_t) need[a];
        return cost;
}

static int staffing_new(const Roster *roster, const Coverage *coverage, Staffing **ret) {
        _cleanup_(staffing_freep) Staffing *s = NULL;
        usec_t first = USEC_INFINITY, last = 0;

        s = calloc(1, sizeof(Staffing));
        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < roster->n_shifts; i++) {
                first = MIN(first, roster->shifts[i].start);
                last = MAX(last, roster->shifts[i].end);
        }
        /* The roster's teams, sorted. */
        s->teams = calloc(roster->n_teams + 1, sizeof(char *));
        if (!s->teams)
                return -ENOMEM;
        for (size_t i = 0; i < roster->n_teams; i++) {
                s->teams[i] = strdup(roster->teams[i]);
                if (!s->teams[i])
                        return -ENOMEM;
                s->n_teams++;
        }
        if (roster->n_shifts > 0) {
                s->origin = first / USEC_PER_MINUTE * USEC_PER_MINUTE;
                s->n_minutes = (size_t) ((last - s->origin + USEC_PER_MINUTE - 1) / USEC_PER_MINUTE);
        }
        s->on = calloc(MAX(s->n_teams * s->n_minutes, (size_t) 1), sizeof(int32_t));
        s->need = calloc(MAX(s->n_teams * s->n_minutes, (size_t) 1), sizeof(uint32_t));
        if (!s->on || !s->need)
                return -ENOMEM;

        for (size_t t = 0; t < s->n_teams; t++) {
                const TeamCoverage *tc = coverage_find_team(coverage, s->teams[t]);

                for (size_t m = 0; tc && m < s->n_minutes; m++)
                        s->need[t * s->n_minutes + m] =
                                team_coverage_required(tc, s->origin + m * USEC_PER_MINUTE);
        }
        for (size_t i = 0; i < roster->n_shifts; i++) {
                const Shift *shift = &roster->shifts[i];

                /* The roster's planned breaks are known from the start; each
                 * shift gives its own back while it is planned. */
                staffing_add(s, staffing_team(s, roster->operators[shift->operator].team),
                             shift->start, shift->end, 1);
                staffing_add_planned(s, roster, shift, -1);
        }

        *ret = TAKE_PTR(s);
        return 0;
}

/* ---- working time ---- */

/* Time worked in the shift before instant t: its length so far less the
 * breaks in it. */
static usec_t worked_at(const Planning *p, usec_t t) {
        usec_t off = 0;

        if (t <= p->shift->start)
                return 0;
        for (size_t i = 0; i < p->sp->n_breaks && p->sp->breaks[i].start < t; i++)
                off += MIN(p->sp->breaks[i].end, t) - p->sp->breaks[i].start;
        return t - p->shift->start - MIN(off, t - p->shift->start);
}

/* The instant at which work since t0 (breaks excluded) reaches work; may lie
 * past the shift end. */
static usec_t work_reaches(const Planning *p, usec_t t0, usec_t work) {
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

/* ---- 3. and 5. statutory breaks ---- */

static const char *rule_prefix(const StatutoryTier *t) {
        return t->name ?: "statutory";
}

/* The rules of the policy and the tier of each that applies to the shift:
 * the highest whose more_than its working time (shift less planned breaks)
 * strictly exceeds. */
static void rules_init(Planning *p) {
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
                        *r = (Rule) { .name = t->name, .prefix = rule_prefix(t) };
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
static Rule *break_rule(const Planning *p, const Break *b) {
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

static usec_t statutory_grid(const Policy *policy, bool relaxed) {
        return relaxed || policy->step == 0 ? USEC_PER_MINUTE : policy->step;
}

/* Where a block of rule r of length len may lie: [*lo, *hi], from earliest
 * after the start to edge_margin before the end, or half the free span (down
 * to the grid) when the shift is too short for them. relaxed: anywhere in
 * the shift. The shift must be at least len long. */
static void statutory_window(const Planning *p, const Rule *r, usec_t len, bool relaxed, usec_t *lo, usec_t *hi) {
        const Policy *policy = p->in->policy;
        usec_t grid = statutory_grid(policy, relaxed);
        usec_t half = (p->shift->end - p->shift->start - len) / 2 / grid * grid;

        *lo = p->shift->start + (relaxed ? 0 : MIN(r->earliest, half));
        *hi = p->shift->end - (relaxed ? 0 : MIN(policy->statutory.edge_margin, half));
}

/* Whether a block of rule r may start at start (latest checked against the
 * breaks so far). */
static bool statutory_fits(const Planning *p, const Rule *r, usec_t start, usec_t len, bool relaxed) {
        usec_t lo, hi;

        if (len > p->shift->end - p->shift->start || start < p->in->now)
                return false;
        statutory_window(p, r, len, relaxed, &lo, &hi);
        if (start < lo || start + len > hi)
                return false;
        return r->latest == 0 || worked_at(p, start) <= r->latest;
}

/* The free position for a block of rule r of length len: among those that
 * keep the team's coverage (else the fewest minutes short), the nearest to
 * target (twice the wanted centre; ties: the earlier), on the step grid
 * anchored at the shift start (relaxed: the minute grid, no margins; level 2
 * also ignores latest), starting in [p->slot_lo, p->slot_hi]. Returns 0 or
 * -ENOSPC. */
static int statutory_find_slot(const Planning *p, const Rule *r, usec_t len, int level, usec_t target2,
                               usec_t *ret) {
        const Shift *s = p->shift;
        bool relaxed = level > 0;
        usec_t grid = statutory_grid(p->in->policy, relaxed);
        usec_t lo, hi, best = USEC_INFINITY, best_distance = USEC_INFINITY, best_cost = USEC_INFINITY;

        if (len > s->end - s->start)
                return -ENOSPC;
        statutory_window(p, r, len, relaxed, &lo, &hi);

        lo = MAX(MAX(lo, p->in->now), p->slot_lo);
        for (usec_t t = s->start + usec_ceil(lo - s->start, grid); t + len <= hi && t <= p->slot_hi; t += grid) {
                usec_t centre2 = 2 * t + len, cost;
                usec_t d = centre2 > target2 ? centre2 - target2 : target2 - centre2;

                if (best_cost == 0 && d >= best_distance)
                        continue;
                if (break_overlapping(p, t, t + len))
                        continue;
                if (level < 2 && r->latest > 0 && worked_at(p, t) > r->latest)
                        continue;
                cost = coverage_cost(p, t, t + len);
                if (cost < best_cost || (cost == best_cost && d < best_distance)) {
                        best = t;
                        best_distance = d;
                        best_cost = cost;
                }
        }
        if (best == USEC_INFINITY)
                return -ENOSPC;
        *ret = best;
        return 0;
}

static int statutory_reason(const Planning *p, const Rule *r, bool pause, char **ret) {
        const Statutory *st = &p->in->policy->statutory;
        const char *source = !isempty(st->source) ? st->source : st->name;
        char total[DURATION_MAX], threshold[DURATION_MAX];
        int k;

        k = strextendf(ret, "statutory %s: ", r->name ?: "break");
        if (k >= 0 && pause)
                k = strextendf(ret, "a break after %s of work",
                               duration_format(r->max_stretch, threshold, sizeof(threshold)));
        else if (k >= 0)
                k = strextendf(ret, "%s for more than %s of work",
                               duration_format(r->tier->total, total, sizeof(total)),
                               duration_format(r->tier->more_than, threshold, sizeof(threshold)));
        if (k < 0 || isempty(source))
                return k;
        return strextendf(ret, " (%s)", source);
}

/* "<shift uid>-<prefix>-<n>" with the lowest n not in use. */
static int statutory_uid(const Planning *p, const Rule *r, char **ret) {
        for (unsigned n = 1;; n++) {
                _cleanup_(freep) char *uid = NULL;
                int k;

                k = strextendf(&uid, "%s-%s-%u", p->sp->uid, r->prefix, n);
                if (k < 0)
                        return k;
                if (!find_break(p->sp, uid)) {
                        *ret = TAKE_PTR(uid);
                        return 0;
                }
        }
}

/* Place one block of rule r of length len: where the previous plan had this
 * uid if still valid, else by statutory_find_slot() nearest target2.
 * Returns 0, -ENOSPC or -ENOMEM. */
static int statutory_place_block(Planning *p, Rule *r, usec_t len, int level, usec_t target2, bool pause) {
        _cleanup_(break_done) Break b = { .kind = BREAK_STATUTORY };
        const Break *old;
        usec_t start;
        int k;

        k = statutory_uid(p, r, &b.uid);
        if (k < 0)
                return k;

        old = p->prev ? find_break(p->prev, b.uid) : NULL;
        if (old && level == 0 && old->end - old->start == len && statutory_fits(p, r, old->start, len, false) &&
            !break_overlapping(p, old->start, old->start + len))
                start = old->start;
        else {
                if (old)        /* move as little as possible */
                        target2 = 2 * old->start + len;
                k = statutory_find_slot(p, r, len, level, target2, &start);
                if (k < 0)
                        return k;
        }

        b.start = start;
        b.end = start + len;
        k = statutory_reason(p, r, pause, &b.reason);
        if (k < 0)
                return k;
        if (level == 2 && r->latest > 0 && worked_at(p, start) > r->latest)
                r->failed = true;
        return add_break(p, &b, NULL);
}

/* Twice the middle of the k-th of n equal shares of the shift. */
static usec_t share_middle2(const Planning *p, unsigned k, unsigned n) {
        usec_t len = p->shift->end - p->shift->start;

        return 2 * p->shift->start + len / n * (2 * k + 1);
}

/* Place the largest block of at most r->pending that fits, leaving 0 or at
 * least min_block; or, for a blocks rule, the next of its equal blocks.
 * Returns 0, -ENOSPC or -ENOMEM. */
static int statutory_place_next(Planning *p, Rule *r, int level) {
        usec_t g = statutory_grid(p->in->policy, false);

        if (r->tier->blocks > 0) {
                unsigned n = r->tier->blocks, k = n - MIN(r->pending_blocks, n);
                usec_t len = usec_ceil(r->pending / MAX(r->pending_blocks, 1u), USEC_PER_MINUTE);
                int e;

                len = MIN(MAX(len, USEC_PER_MINUTE), r->pending);
                e = statutory_place_block(p, r, len, level, share_middle2(p, MIN(k, n - 1), n), false);
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
                e = statutory_place_block(p, r, len, level, share_middle2(p, 0, 1), false);
                if (e == 0)
                        r->pending -= len;
                if (e != -ENOSPC || r->min_block == 0)
                        return e;
        }
        return -ENOSPC;
}

/* Whether break b ends a work stretch for rule r. */
static bool interrupts(const Planning *p, const Rule *r, const Break *b) {
        if (b->kind == BREAK_RECOVERY && !p->in->policy->statutory.recovery_counts)
                return false;
        return b->end - b->start >= MAX(r->min_block, USEC_PER_MINUTE);
}

/* max_stretch: walk the shift; where work would run longer than the stretch
 * without a break that interrupts it, add a pause of min_block, as late as
 * the stretch allows. Returns 0 or -ENOMEM. */
static int statutory_stretches(Planning *p, Rule *r) {
        usec_t len = MAX(r->min_block, USEC_PER_MINUTE), t0 = p->shift->start;
        usec_t grid = statutory_grid(p->in->policy, false);

        if (!r->tier || r->max_stretch == 0)
                return 0;
        for (;;) {
                usec_t deadline = work_reaches(p, t0, r->max_stretch), next = USEC_INFINITY, target;
                int e;

                if (deadline >= p->shift->end)
                        return 0;
                for (size_t i = 0; i < p->sp->n_breaks && p->sp->breaks[i].start <= deadline; i++)
                        if (p->sp->breaks[i].start >= t0 && interrupts(p, r, &p->sp->breaks[i])) {
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
                e = statutory_place_block(p, r, len, 2, 2 * target + len, true);
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
                        if (p->sp->breaks[i].start >= t0 && interrupts(p, r, &p->sp->breaks[i])) {
                                t0 = p->sp->breaks[i].end;
                                break;
                        }
        }
}

/* Place what each rule still misses: on the grid inside its window if it
 * fits, else anywhere in the shift, else even past latest (a violation);
 * whatever is left stays pending. Then the stretches. */
static int statutory_place(Planning *p) {
        for (size_t k = 0; k < p->n_rules; k++) {
                Rule *r = &p->rules[k];

                if (!r->tier)
                        continue;
                for (int level = 0; level <= 2; level++)
                        while (r->pending > 0) {
                                int e = statutory_place_next(p, r, level);
                                if (e == -ENOSPC)
                                        break;
                                if (e < 0)
                                        return e;
                        }
        }
        for (size_t k = 0; k < p->n_rules; k++) {
                int e = statutory_stretches(p, &p->rules[k]);
                if (e < 0)
                        return e;
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

/* Each rule's total less what frozen breaks already gave (and, when
 * recovery_counts, what the recoveries to come will give).
 * Returns 0 or -ENOMEM. */
static int statutory_init(Planning *p, const TriggerList *triggers) {
        const Statutory *st = &p->in->policy->statutory;
        usec_t recovery = 0;

        for (size_t i = 0; st->recovery_counts && i < triggers->n; i++) {
                _cleanup_(freep) char *uid = NULL;

                if (recovery_uid(p, triggers->items[i].incident, &uid) < 0)
                        return -ENOMEM;
                if (!find_recovery(p->sp, uid))
                        recovery += trigger_length(p, &triggers->items[i]);
        }
        for (size_t i = 0; st->recovery_counts && i < p->sp->n_breaks; i++)
                if (p->sp->breaks[i].kind == BREAK_RECOVERY)
                        recovery += p->sp->breaks[i].end - p->sp->breaks[i].start;

        for (size_t k = 0; k < p->n_rules; k++) {
                Rule *r = &p->rules[k];
                usec_t have = recovery;
                unsigned blocks = 0;

                if (!r->tier)
                        continue;
                for (size_t i = 0; i < p->sp->n_breaks; i++)
                        if (break_rule(p, &p->sp->breaks[i]) == r) {
                                have += p->sp->breaks[i].end - p->sp->breaks[i].start;
                                blocks++;
                        }
                r->pending = r->tier->total > have ? r->tier->total - have : 0;
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

/* Whether the shift holds every rule now: no pending time, every block of a
 * rule with latest starting by it, nothing failed. */
static bool statutory_held(const Planning *p) {
        for (size_t k = 0; k < p->n_rules; k++) {
                const Rule *r = &p->rules[k];

                if (!r->tier)
                        continue;
                if (r->pending > 0 || r->failed)
                        return false;
                for (size_t i = 0; r->latest > 0 && i < p->sp->n_breaks; i++)
                        if (break_rule(p, &p->sp->breaks[i]) == r &&
                            worked_at(p, p->sp->breaks[i].start) > r->latest)
                                return false;
        }
        return true;
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

/* Order of the incident index: by operator, then as the list (when, id). */
static int incident_ptr_cmp(const void *a, const void *b) {
        const Incident *x = *(const Incident * const *) a, *y = *(const Incident * const *) b;
        int c = strcmp(x->operator, y->operator);

        if (c != 0)
                return c;
        if (x->when != y->when)
                return x->when < y->when ? -1 : 1;
        return strcmp(x->id, y->id);
}

/* The incidents of the list sorted by operator, so that each shift finds
 * its own without reading everyone's. Returns 0 or -ENOMEM. */
static int incident_index(const IncidentList *l, const Incident ***ret) {
        const Incident **index;

        if (!l || l->n == 0) {
                *ret = NULL;
                return 0;
        }
        index = malloc(l->n * sizeof(Incident *));
        if (!index)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++)
                index[i] = &l->items[i];
        qsort(index, l->n, sizeof(Incident *), incident_ptr_cmp);
        *ret = index;
        return 0;
}

/* The incidents of the shift's operator with start <= when < end, in list
 * order, from the index when there is one. Returns the number, or -ENOMEM. */
static ssize_t shift_incidents(const Planning *p, const Incident ***ret) {
        const IncidentList *l = p->in->incidents;
        _cleanup_(freep) const Incident **v = NULL;
        size_t n = 0, first, end;

        if (p->in->index) {
                Incident key = { .operator = p->op->id, .when = p->shift->start, .id = (char *) "" };
                const Incident *k = &key;
                size_t lo = 0, hi = l->n;

                while (lo < hi) {
                        size_t mid = lo + (hi - lo) / 2;
                        if (incident_ptr_cmp(&p->in->index[mid], &k) < 0)
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                for (end = lo; end < l->n && streq(p->in->index[end]->operator, p->op->id) &&
                     p->in->index[end]->when < p->shift->end; end++)
                        ;
                if (end > lo && !(v = malloc((end - lo) * sizeof(Incident *))))
                        return -ENOMEM;
                for (size_t i = lo; i < end; i++)
                        v[n++] = p->in->index[i];
        } else {
                incidents_in(l, p->shift->start, p->shift->end, &first, &end);
                if (end > first && !(v = malloc((end - first) * sizeof(Incident *))))
                        return -ENOMEM;
                for (size_t i = first; i < end; i++)
                        if (streq(l->items[i].operator, p->op->id))
                                v[n++] = &l->items[i];
        }
        *ret = TAKE_PTR(v);
        return (ssize_t) n;
}

static int collect_triggers(const Planning *p, TriggerList *ret) {
        _cleanup_(freep) const Incident **counted = NULL, **mine = NULL;
        ssize_t n;
        Window w = {};

        n = shift_incidents(p, &mine);
        if (n <= 0)
                return (int) n;
        counted = malloc(n * sizeof(Incident *));
        if (!counted)
                return -ENOMEM;
        w.counted = counted;

        for (ssize_t k = 0; k < n; k++) {
                const Incident *i = mine[k];
                int r;

                if (p->in->now > 0 && i->received > p->in->now)
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

/* A deferrable recovery starts at the first whole minute from start, within
 * accumulation.max_delay of its incident, at which the team keeps its
 * coverage for the whole break; else at start. */
static usec_t deferred_start(const Planning *p, const Trigger *t, usec_t start) {
        usec_t deadline = t->incident->when + p->in->policy->accumulation.max_delay;

        if (!p->in->staffing)
                return start;
        for (usec_t s = start; s <= deadline && s < p->shift->end; s = first_free(p, s + USEC_PER_MINUTE))
                if (coverage_cost(p, s, MIN(s + t->length, p->shift->end)) == 0)
                        return s;
        return start;
}

/* Breaks from index i on that overlap the break before them move to follow
 * it, each right after the one before. Only breaks that have not begun are
 * met here (see the top of this file). Returns the index after the last
 * break moved. */
static size_t push_following(Planning *p, size_t i) {
        ShiftPlan *sp = p->sp;
        usec_t cursor = sp->breaks[i].end;
        size_t j;

        for (j = i + 1; j < sp->n_breaks && sp->breaks[j].start < cursor; j++) {
                Break *b = &sp->breaks[j];
                usec_t len = b->end - b->start;

                b->start = cursor;
                b->end = cursor + len;
                cursor = b->end;
        }
        return j;
}

/* After a push, of the breaks moved [i, end): a statutory block that left
 * its window is removed and its time is pending again (unless a recovery
 * merged into it); the others are clipped at the shift end, or dropped when
 * pushed off it. */
static void settle_moved(Planning *p, size_t i, size_t end) {
        while (i < end) {
                Break *b = &p->sp->breaks[i];
                usec_t len = b->end - b->start;
                Rule *r = break_rule(p, b);

                if (r && !b->recovery_uid && !statutory_fits(p, r, b->start, len, false)) {
                        r->pending += len;
                        r->pending_blocks += r->tier && r->tier->blocks > 0;
                } else {
                        b->end = MIN(b->end, p->shift->end);
                        if (b->start < b->end) {
                                i++;
                                continue;
                        }
                        if (r) {
                                r->pending += len;
                                r->pending_blocks += r->tier && r->tier->blocks > 0;
                        }
                }
                remove_break(p, i);
                end--;
        }
}

/* The length of break b once a recovery of rec_len merged into it: the
 * longer of the two (issue 3: "starts it now and extends it if the recovery
 * is longer"), except that a statutory break whose preset does not let
 * recovery count keeps its whole length for rest on top of the recovery
 * (rules.md: a recovery break does not count toward a statutory break
 * unless the preset says it may). */
static usec_t merged_length(const Planning *p, const Break *b, usec_t rec_len) {
        if (b->kind == BREAK_STATUTORY && !p->in->policy->statutory.recovery_counts)
                return b->end - b->start + rec_len;
        return MAX(b->end - b->start, rec_len);
}

/* The index of the break a recovery [start, end) merges into: the next
 * planned or statutory break, not merged already, beginning at most
 * merge_margin after end, that may move to start and last
 * merged_length(). Or -1. */
static ssize_t merge_target(const Planning *p, usec_t start, usec_t end) {
        for (size_t i = 0; i < p->sp->n_breaks; i++) {
                const Break *b = &p->sp->breaks[i];
                usec_t len = merged_length(p, b, end - start);
                const Rule *r;

                if (b->start < start)
                        continue;
                if (b->kind == BREAK_RECOVERY || b->recovery_uid || b->start > end + p->in->policy->merge_margin)
                        return -1;
                r = break_rule(p, b);
                if (r && !statutory_fits(p, r, start, len, false))
                        return -1;
                return (ssize_t) i;
        }
        return -1;
}

static int merge_recovery(Planning *p, size_t i, Break *rec) {
        Break *b = &p->sp->breaks[i];
        usec_t len = merged_length(p, b, rec->end - rec->start);
        int r;

        r = strextendf(&b->reason, "; also recovery %s", rec->reason);
        if (r < 0)
                return r;
        b->recovery_uid = TAKE_PTR(rec->uid);
        b->trigger = rec->trigger;
        b->start = rec->start;
        b->end = MIN(rec->start + len, p->shift->end);
        settle_moved(p, i + 1, push_following(p, i));
        return 0;
}

static int place_recovery(Planning *p, Trigger *t) {
        _cleanup_(break_done) Break b = { .kind = BREAK_RECOVERY, .trigger = t->incident->when };
        usec_t start;
        ssize_t m;
        size_t i;
        int r;

        r = recovery_uid(p, t->incident, &b.uid);
        if (r < 0)
                return r;
        if (find_recovery(p->sp, b.uid)) {
                p->sp->recoveries++;
                return 0;       /* frozen: granted already */
        }

        start = first_free(p, t->earliest);
        if (t->accumulated)
                start = deferred_start(p, t, start);
        if (start >= p->shift->end || p->shift->end - start < USEC_PER_MINUTE) {
                p->sp->recoveries_unserved++;
                return 0;       /* off shift: nothing to grant */
        }

        b.start = start;
        b.end = MIN(start + t->length, p->shift->end);
        b.reason = TAKE_PTR(t->reason);
        p->sp->recoveries++;
        p->sp->recoveries_short += t->accumulated && coverage_cost(p, b.start, b.end) > 0;

        m = merge_target(p, b.start, b.end);
        if (m >= 0)
                return merge_recovery(p, (size_t) m, &b);

        r = add_break(p, &b, &i);
        if (r < 0)
                return r;
        settle_moved(p, i + 1, push_following(p, i));
        return 0;
}

/* A recovery is late when it began after its deadline (at once, or
 * max_delay after the incident for a deferrable one) while the operator was
 * on the phones at some time in between. */
static void count_late(Planning *p, const TriggerList *triggers) {
        for (size_t i = 0; i < triggers->n; i++) {
                const Trigger *t = &triggers->items[i];
                _cleanup_(freep) char *uid = NULL;
                const Break *b;
                usec_t deadline;

                if (recovery_uid(p, t->incident, &uid) < 0)
                        continue;
                b = find_recovery(p->sp, uid);
                deadline = t->accumulated ? MAX(t->earliest, ceil_minute(t->incident->when +
                                                p->in->policy->accumulation.max_delay)) : t->earliest;
                if (b && b->start > deadline && first_free(p, deadline) < b->start)
                        p->sp->recoveries_late++;
        }
}

/* Breaks of the previous revision not begun at now that moved or went. */
static void count_moved(Planning *p) {
        for (size_t i = 0; p->prev && i < p->prev->n_breaks; i++) {
                const Break *old = &p->prev->breaks[i], *b;

                if (old->start < p->in->now)
                        continue;
                b = find_break(p->sp, old->uid);
                if (!b || b->start != old->start || b->end != old->end)
                        p->sp->breaks_moved++;
        }
}

/* ---- one shift, the whole plan ---- */

static int shift_plan_init(ShiftPlan *sp, const Operator *op, const Shift *s) {
        sp->start = s->start;
        sp->end = s->end;
        if (strdup_to(&sp->operator, op->id) < 0 || strdup_to(&sp->team, op->team) < 0)
                return -ENOMEM;
        return shift_uid(op->id, s->start, &sp->uid);
}

/* Plan one shift into sp (zeroed) against its previous plan prev (may be
 * NULL); rules has room for every tier of the policy. */
static int plan_shift(const Inputs *in, const Shift *shift, const ShiftPlan *prev, Rule *rules, ShiftPlan *sp) {
        _cleanup_(trigger_list_done) TriggerList triggers = {};
        Planning p = {
                .in = in,
                .shift = shift,
                .op = &in->roster->operators[shift->operator],
                .prev = prev,
                .sp = sp,
                .rules = rules,
                .slot_hi = USEC_INFINITY,
        };
        int r;

        r = shift_plan_init(sp, p.op, shift);
        if (r < 0)
                return r;
        p.team = staffing_team(in->staffing, p.op->team);
        rules_init(&p);

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
        sp->statutory_violation = !statutory_held(&p);
        count_late(&p, &triggers);
        count_moved(&p);
        return 0;
}

static void plan_count(Plan *plan, const ShiftPlan *sp, int sign) {
        plan->statutory_violations += sign * sp->statutory_violation;
        plan->recoveries += sign * sp->recoveries;
        plan->recoveries_late += sign * sp->recoveries_late;
        plan->recoveries_unserved += sign * sp->recoveries_unserved;
        plan->recoveries_short += sign * sp->recoveries_short;
}

int planner_run(const Roster *roster, const Policy *policy, const Coverage *coverage,
                const IncidentList *incidents, const Plan *previous, usec_t now, Plan **ret) {
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_free_ Rule *rules = NULL;
        _cleanup_free_ const Incident **index = NULL;
        Inputs in = {
                .roster = roster,
                .policy = policy,
                .coverage = coverage,
                .incidents = incidents,
                .now = now,
        };
        int r;

        plan = calloc(1, sizeof(Plan));
        rules = calloc(MAX(policy->statutory.n_tiers, (size_t) 1), sizeof(Rule));
        if (!plan || !rules)
                return -ENOMEM;
        plan->now = now;
        plan->breaks_moved = previous ? previous->breaks_moved : 0;
        r = incident_index(incidents, &index);
        if (r < 0)
                return r;
        in.index = index;

        if (coverage) {
                r = staffing_new(roster, coverage, &plan->staffing);
                if (r < 0)
                        return r;
                in.staffing = plan->staffing;
        }
        if (roster->n_shifts > 0) {
                plan->shifts = calloc(roster->n_shifts, sizeof(ShiftPlan));
                if (!plan->shifts)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < roster->n_shifts; i++) {
                ShiftPlan *sp = &plan->shifts[i];
                ShiftPlan key = {};

                plan->n_shifts++;
                key.operator = roster->operators[roster->shifts[i].operator].id;
                key.start = roster->shifts[i].start;
                r = shift_uid(key.operator, key.start, &key.uid);
                if (r < 0)
                        return r;
                staffing_add_planned(in.staffing, roster, &roster->shifts[i], +1);
                r = plan_shift(&in, &roster->shifts[i], find_previous_shift(previous, &key), rules, sp);
                free(key.uid);
                if (r < 0)
                        return r;
                staffing_add_breaks(in.staffing, staffing_team(in.staffing, sp->team), sp, -1);
                plan_count(plan, sp, +1);
                plan->breaks_moved += sp->breaks_moved;
        }
        if (plan->n_shifts > 0)
                qsort(plan->shifts, plan->n_shifts, sizeof(ShiftPlan), shift_plan_cmp);

        *ret = TAKE_PTR(plan);
        return 0;
}

int planner_revise_operator(Plan *plan, const Roster *roster, const Policy *policy, const Coverage *coverage,
                            const IncidentList *incidents, usec_t now, const char *operator) {
        _cleanup_free_ Rule *rules = NULL;
        const Inputs in = {
                .roster = roster,
                .policy = policy,
                .coverage = coverage,
                .incidents = incidents,
                .now = now,
                .staffing = plan->staffing,
        };
        ssize_t op = roster_find_operator(roster, operator);
        size_t lo = 0, hi = roster->n_shifts;

        if (op < 0)
                return -ENXIO;
        if (!!coverage != !!plan->staffing)
                return -ESTALE;
        rules = calloc(MAX(policy->statutory.n_tiers, (size_t) 1), sizeof(Rule));
        if (!rules)
                return -ENOMEM;

        /* The roster's shifts are sorted by operator: the first of op. */
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (roster->shifts[mid].operator < (size_t) op)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (size_t i = lo; i < roster->n_shifts && roster->shifts[i].operator == (size_t) op; i++) {
                const Shift *shift = &roster->shifts[i];
                ShiftPlan key = { .operator = (char *) operator, .start = shift->start }, old, *sp;
                int r;

                if (shift->end <= now)
                        continue;       /* over: nothing can change */
                sp = bsearch(&key, plan->shifts, plan->n_shifts, sizeof(ShiftPlan), shift_plan_key_cmp);
                if (!sp || sp->end != shift->end)
                        return -ESTALE;

                old = *sp;
                *sp = (ShiftPlan) {};
                staffing_add_breaks(in.staffing, staffing_team(in.staffing, old.team), &old, +1);
                r = plan_shift(&in, shift, &old, rules, sp);
                if (r < 0) {
                        shift_plan_done(sp);
                        *sp = old;
                        staffing_add_breaks(in.staffing, staffing_team(in.staffing, old.team), &old, -1);
                        return r;
                }
                staffing_add_breaks(in.staffing, staffing_team(in.staffing, sp->team), sp, -1);
                plan_count(plan, &old, -1);
                plan_count(plan, sp, +1);
                plan->breaks_moved += sp->breaks_moved;
                shift_plan_done(&old);
        }
        plan->now = now;
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
