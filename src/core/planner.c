/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <time.h>

#include "core/planner-internal.h"
#include "core/planner.h"

/* Planning one shift happens in this order, so that the same inputs always
 * give the same plan:
 *   1. breaks of the previous plan that began before now are copied (frozen),
 *      but for those that start inside a call of the operator (due, never
 *      begun: placed again from now);
 *   2. planned breaks from the roster, after any frozen break they would
 *      overlap and after any call of the operator they would start inside;
 *   3. the missing statutory time of each rule, nearest its target (where the
 *      previous plan had it, else the middle of its share of the shift),
 *      keeping the team's coverage where it can, then the pauses max_stretch
 *      asks for (planner-statutory.c);
 *   4. recovery breaks in order of their earliest start, each merging into
 *      the next planned or statutory break within merge_margin, or pushing
 *      the not-yet-started breaks it meets to follow it; one a call
 *      interrupts ends there and its rest follows the call
 *      (planner-recovery.c);
 *   5. statutory blocks that a push made invalid are placed again, and the
 *      stretches checked again.
 * Shifts are planned in roster order; when one is done, its breaks leave its
 * team's count of operators on the phones (planner-staffing.c), which the
 * next ones see. A recovery begins at or after now and after every break
 * begun by then (frozen ones, earlier recoveries), so the breaks it pushes
 * have not begun; a statutory block is never placed over the instant a
 * recovery still to grant may begin, so no recovery waits for one. Then,
 *   6. once every shift of a team is planned, the break search moves the
 *      team's statutory blocks where its coverage is best
 *      (planner-search.c). */

int planner_strextendf(char **s, const char *format, ...) {
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

/* ---- the breaks of the shift being planned ---- */

const Break *planner_find_recovery(const ShiftPlan *sp, const char *uid) {
        for (size_t i = 0; i < sp->n_breaks; i++)
                if (streq(sp->breaks[i].uid, uid) || streq_ptr(sp->breaks[i].recovery_uid, uid))
                        return &sp->breaks[i];
        return NULL;
}

const Break *planner_break_overlapping(const Planning *p, usec_t start, usec_t end) {
        for (size_t i = 0; i < p->sp->n_breaks; i++)
                if (p->sp->breaks[i].start < end && start < p->sp->breaks[i].end)
                        return &p->sp->breaks[i];
        return NULL;
}

int planner_add_break(Planning *p, Break *b, size_t *ret_index) {
        ShiftPlan *sp = p->sp;
        Break *breaks;
        size_t i;

        /* Exactly as many as there are: a plan keeps every shift's array,
         * most hold one or two breaks, and array_grow()'s room for 8 would
         * be most of the plan. */
        breaks = reallocarray(sp->breaks, sp->n_breaks + 1, sizeof(Break));
        if (!breaks)
                return -ENOMEM;
        sp->breaks = breaks;

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

size_t planner_move_break(Planning *p, size_t i, usec_t start) {
        Break *breaks = p->sp->breaks, b = breaks[i];

        b.end = start + (b.end - b.start);
        b.start = start;
        for (; i > 0 && breaks[i - 1].start >= start; i--)
                breaks[i] = breaks[i - 1];
        for (; i + 1 < p->sp->n_breaks && breaks[i + 1].start < start; i++)
                breaks[i] = breaks[i + 1];
        breaks[i] = b;
        return i;
}

void planner_remove_break(Planning *p, size_t i) {
        ShiftPlan *sp = p->sp;

        break_done(&sp->breaks[i]);
        memmove(sp->breaks + i, sp->breaks + i + 1, (sp->n_breaks - i - 1) * sizeof(Break));
        sp->n_breaks--;
}

static int planner_copy_break(Planning *p, const Break *src) {
        _cleanup_(break_done) Break b = *src;

        b.uid = b.reason = b.recovery_uid = NULL;
        if (strdup_to(&b.uid, src->uid) < 0 || strdup_to(&b.reason, src->reason) < 0 ||
            strdup_to(&b.recovery_uid, src->recovery_uid) < 0)
                return -ENOMEM;
        return planner_add_break(p, &b, NULL);
}

/* ---- shifts and their identity ---- */

/* "<operator>-<YYYYMMDDTHHMMZ>" of the shift start in UTC. */
static int planner_shift_uid(const char *operator, usec_t start, char **ret) {
        time_t t = (time_t) (start / USEC_PER_SEC);
        struct tm tm;

        if (!gmtime_r(&t, &tm))
                return -EINVAL;
        return planner_strextendf(ret, "%s-%04d%02d%02dT%02d%02dZ", operator,
                                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* shift_plan_compare() for bsearch(): a shift plan by operator and start. */
static int planner_shift_plan_key_cmp(const void *a, const void *b) {
        return shift_plan_compare(a, b);
}

/* The order of planner_run()'s shifts: shift_plan_compare(), then end, then uid. */
static int planner_shift_plan_cmp(const void *a, const void *b) {
        const ShiftPlan *x = a, *y = b;
        return shift_plan_compare(x, y) ?: CMP(x->end, y->end) ?: strcmp(x->uid, y->uid);
}

/* The plan of roster shift shift in plan, or NULL. */
static ShiftPlan *planner_plan_shift_of(const Plan *plan, const Roster *roster, const Shift *shift) {
        ShiftPlan key = { .operator = roster->operators[shift->operator].id, .start = shift->start }, *sp;

        sp = plan->n_shifts > 0 ?
                bsearch(&key, plan->shifts, plan->n_shifts, sizeof(ShiftPlan), planner_shift_plan_key_cmp) : NULL;
        return sp && sp->end == shift->end ? sp : NULL;
}

/* The same shift (same uid) in the previous plan, or NULL. */
static const ShiftPlan *planner_find_previous_shift(const Plan *previous, const ShiftPlan *sp) {
        const ShiftPlan *found;

        if (!previous || previous->n_shifts == 0)
                return NULL;
        found = bsearch(sp, previous->shifts, previous->n_shifts, sizeof(ShiftPlan), planner_shift_plan_key_cmp);
        return found && streq(found->uid, sp->uid) ? found : NULL;
}

/* ---- 1. frozen breaks and 2. planned breaks ---- */

/* A break of the previous plan that began before now stays as it was,
 * unless it starts inside a call of the operator: then it never began (it
 * was due, held while the operator was on the call) and is placed again. */
static int planner_copy_frozen(Planning *p) {
        if (!p->prev)
                return 0;
        for (size_t i = 0; i < p->prev->n_breaks; i++)
                if (p->prev->breaks[i].start < p->in->now &&
                    !planner_call_containing(p, p->prev->breaks[i].start)) {
                        int r = planner_copy_break(p, &p->prev->breaks[i]);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int planner_add_planned(Planning *p) {
        for (size_t i = 0; i < p->shift->n_planned; i++) {
                const PlannedBreak *pb = &p->shift->planned[i];
                _cleanup_(break_done) Break b = { .kind = BREAK_PLANNED };
                usec_t start = pb->start, len = pb->end - pb->start;
                const Break *o;
                int r;

                r = planner_strextendf(&b.uid, "%s-planned-%zu", p->sp->uid, i + 1);
                if (r < 0)
                        return r;
                if (shift_plan_find_break(p->sp, b.uid))
                        continue;       /* frozen */

                /* The previous plan had moved it past now, or held it as
                 * due during a call: it cannot begin in the past. */
                if (p->prev && start < p->in->now)
                        start = planner_was_due(p, b.uid) ? planner_due_start(p) :
                                usec_ceil(p->in->now, USEC_PER_MINUTE);
                /* After the breaks it meets, and never inside a call: at
                 * the call's end (the first whole minute). */
                for (;;) {
                        usec_t at = planner_call_free(p, start);

                        o = planner_break_overlapping(p, at, at + len);
                        if (!o) {
                                start = at;
                                break;
                        }
                        start = o->end;
                }
                b.start = start;
                b.end = MIN(start + len, p->shift->end);
                if (b.start >= b.end)
                        continue;       /* pushed off the shift */

                r = reason_write_planned(&b.reason);
                if (r < 0)
                        return r;
                r = planner_add_break(p, &b, NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Breaks of the previous revision not begun at now that moved or went
 * (those that were due during a call never began either). */
static void planner_count_moved(Planning *p) {
        for (size_t i = 0; p->prev && i < p->prev->n_breaks; i++) {
                const Break *old = &p->prev->breaks[i], *b;

                if (old->start < p->in->now && !planner_call_containing(p, old->start))
                        continue;
                b = shift_plan_find_break(p->sp, old->uid);
                if (!b || b->start != old->start || b->end != old->end)
                        p->sp->breaks_moved++;
        }
}

/* ---- one shift, the whole plan ---- */

static int planner_shift_plan_init(ShiftPlan *sp, const Operator *op, const Shift *s) {
        sp->start = s->start;
        sp->end = s->end;
        if (strdup_to(&sp->operator, op->id) < 0 || strdup_to(&sp->team, op->team) < 0)
                return -ENOMEM;
        return planner_shift_uid(op->id, s->start, &sp->uid);
}

void planner_planning_init(Planning *p, const PlannerRun *in, const CallIndex *calls, const Shift *shift,
                           const ShiftPlan *prev, Rule *rules, ShiftPlan *sp) {
        *p = (Planning) {
                .in = in,
                .shift = shift,
                .op = &in->roster->operators[shift->operator],
                .prev = prev,
                .sp = sp,
                .rules = rules,
                .slot_hi = USEC_INFINITY,
        };
        p->team = planner_staffing_team(in->staffing, p->op->team);
        planner_calls_init(p, calls);
        planner_pauses_init(p, calls);
        planner_rules_init(p);
}

/* Plan one shift into sp (planner_shift_plan_init()'ed) against its
 * previous plan prev (may be NULL); rules has room for every tier of the
 * policy. */
static int planner_plan_shift(const PlannerRun *in, const Shift *shift, const ShiftPlan *prev, Rule *rules,
                              ShiftPlan *sp) {
        _cleanup_(planner_trigger_list_done) TriggerList triggers = {};
        _cleanup_free_ usec_t *recovery_at = NULL;
        Planning p;
        int r;

        planner_planning_init(&p, in, in->calls, shift, prev, rules, sp);
        r = planner_copy_frozen(&p);
        if (r < 0)
                return r;
        r = planner_add_planned(&p);
        if (r < 0)
                return r;
        r = planner_collect_triggers(&p, &triggers);
        if (r < 0)
                return r;
        r = planner_recoveries_waiting(&p, &triggers, &recovery_at);
        if (r < 0)
                return r;

        r = planner_statutory_init(&p, &triggers);
        if (r < 0)
                return r;
        r = planner_statutory_place(&p);
        if (r < 0)
                return r;

        for (size_t i = 0; i < triggers.n; i++) {
                r = planner_place_recovery(&p, &triggers.items[i]);
                if (r < 0)
                        return r;
        }

        r = planner_statutory_place(&p);
        if (r < 0)
                return r;
        sp->statutory_violation = !planner_statutory_held(&p);
        sp->statutory_overruns = planner_statutory_overruns(&p);
        planner_count_late(&p, &triggers);
        planner_count_moved(&p);
        return 0;
}

static void planner_plan_count(Plan *plan, const ShiftPlan *sp, int sign) {
        plan->breaks += sign * sp->n_breaks;
        plan->statutory_violations += sign * sp->statutory_violation;
        plan->recoveries += sign * sp->recoveries;
        plan->recoveries_late += sign * sp->recoveries_late;
        plan->recoveries_unserved += sign * sp->recoveries_unserved;
        plan->recoveries_short += sign * sp->recoveries_short;
        plan->statutory_overruns += sign * sp->statutory_overruns;
        plan->recoveries_interrupted += sign * sp->recoveries_interrupted;
}

/* The shifts of roster operator op (the roster's shifts are sorted by
 * operator): the index of the first in *ret_first, and how many. */
static size_t planner_operator_shifts(const Roster *roster, size_t op, size_t *ret_first) {
        size_t lo = 0, hi = roster->n_shifts, n = 0;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (roster->shifts[mid].operator < op)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        while (lo + n < roster->n_shifts && roster->shifts[lo + n].operator == op)
                n++;
        *ret_first = lo;
        return n;
}

/* Step 6, once every shift is planned: the break search over each team's
 * shifts in team order (planner-search.c); plan->shifts in roster order,
 * prevs their previous revisions. Returns 0 or -ENOMEM. */
static int planner_search_teams(const PlannerRun *in, Plan *plan, const ShiftPlan **prevs) {
        const Roster *roster = in->roster;

        for (size_t t = 0; in->staffing && in->policy->search_steps > 0 && t < roster->n_teams; t++) {
                _cleanup_(planner_search_freep) PlannerSearch *s = NULL;
                const size_t *members;
                size_t n = roster_team_operators(roster, roster->teams[t], &members), n_shifts = 0, first;
                int r;

                for (size_t k = 0; k < n; k++)
                        n_shifts += planner_operator_shifts(roster, members[k], &first);
                r = planner_search_new(in, n_shifts, &s);
                if (r < 0)
                        return r;
                for (size_t k = 0; k < n; k++)
                        for (size_t j = 0, m = planner_operator_shifts(roster, members[k], &first); j < m; j++) {
                                r = planner_search_add(s, &roster->shifts[first + j], prevs[first + j],
                                                       &plan->shifts[first + j], in->calls);
                                if (r < 0)
                                        return r;
                        }
                (void) planner_search_run(s);
        }
        return 0;
}

int planner_run(const Roster *roster, const Policy *policy, const Coverage *coverage,
                const IncidentList *incidents, const CallIndex *calls, const Plan *previous, usec_t now,
                Plan **ret) {
        _cleanup_(plan_freep) Plan *plan = NULL;
        _cleanup_free_ Rule *rules = NULL;
        _cleanup_free_ const Incident **index = NULL;
        _cleanup_free_ const ShiftPlan **prevs = NULL;
        PlannerRun in = {
                .roster = roster,
                .policy = policy,
                .incidents = incidents,
                .calls = calls,
                .now = now,
        };
        int r;

        plan = calloc(1, sizeof(Plan));
        rules = calloc(MAX(policy->statutory.n_tiers, (size_t) 1), sizeof(Rule));
        if (!plan || !rules)
                return -ENOMEM;
        plan->now = now;
        plan->breaks_moved = previous ? previous->breaks_moved : 0;
        r = planner_incident_index(incidents, &index);
        if (r < 0)
                return r;
        in.index = index;

        if (coverage) {
                r = planner_staffing_new(roster, coverage, &plan->staffing);
                if (r < 0)
                        return r;
                in.staffing = plan->staffing;
        }
        if (roster->n_shifts > 0) {
                plan->shifts = calloc(roster->n_shifts, sizeof(ShiftPlan));
                prevs = calloc(roster->n_shifts, sizeof(ShiftPlan *));
                if (!plan->shifts || !prevs)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < roster->n_shifts; i++) {
                const Shift *shift = &roster->shifts[i];

                plan->n_shifts++;
                r = planner_shift_plan_init(&plan->shifts[i], &roster->operators[shift->operator], shift);
                if (r < 0)
                        return r;
                /* A revision: every shift sees the others' breaks as the
                 * previous revision left them until it is planned again, as
                 * planner_revise_operator() does for one operator. */
                prevs[i] = planner_find_previous_shift(previous, &plan->shifts[i]);
                if (prevs[i]) {
                        planner_staffing_add_planned(in.staffing, roster, shift, +1);
                        planner_staffing_add_breaks(in.staffing, prevs[i], -1);
                }
        }
        for (size_t i = 0; i < roster->n_shifts; i++) {
                const Shift *shift = &roster->shifts[i];
                ShiftPlan *sp = &plan->shifts[i];

                if (prevs[i])
                        planner_staffing_add_breaks(in.staffing, prevs[i], +1);
                else
                        planner_staffing_add_planned(in.staffing, roster, shift, +1);
                r = planner_plan_shift(&in, shift, prevs[i], rules, sp);
                if (r < 0)
                        return r;
                planner_staffing_add_breaks(in.staffing, sp, -1);
                planner_plan_count(plan, sp, +1);
        }
        r = planner_search_teams(&in, plan, prevs);
        if (r < 0)
                return r;
        for (size_t i = 0; i < plan->n_shifts; i++)
                plan->breaks_moved += plan->shifts[i].breaks_moved;
        if (plan->n_shifts > 0)
                qsort(plan->shifts, plan->n_shifts, sizeof(ShiftPlan), planner_shift_plan_cmp);

        *ret = TAKE_PTR(plan);
        return 0;
}

int planner_revise_operator(Plan *plan, const Roster *roster, const Policy *policy, const Coverage *coverage,
                            const IncidentList *incidents, const CallIndex *calls, usec_t now,
                            const char *operator) {
        _cleanup_free_ Rule *rules = NULL;
        const PlannerRun in = {
                .roster = roster,
                .policy = policy,
                .incidents = incidents,
                .calls = calls,
                .now = now,
                .staffing = plan->staffing,
        };
        ssize_t op = roster_find_operator(roster, operator);
        size_t first, n;

        if (op < 0)
                return -ENXIO;
        if (!!coverage != !!plan->staffing)
                return -ESTALE;
        rules = calloc(MAX(policy->statutory.n_tiers, (size_t) 1), sizeof(Rule));
        if (!rules)
                return -ENOMEM;

        n = planner_operator_shifts(roster, op, &first);
        for (size_t i = first; i < first + n; i++) {
                const Shift *shift = &roster->shifts[i];
                ShiftPlan old, *sp;
                int r;

                if (shift->end <= now)
                        continue;       /* over: nothing can change */
                sp = planner_plan_shift_of(plan, roster, shift);
                if (!sp)
                        return -ESTALE;

                old = *sp;
                *sp = (ShiftPlan) {};
                planner_staffing_add_breaks(in.staffing, &old, +1);
                r = planner_shift_plan_init(sp, &roster->operators[op], shift);
                if (r >= 0)
                        r = planner_plan_shift(&in, shift, &old, rules, sp);
                if (r < 0) {
                        shift_plan_done(sp);
                        *sp = old;
                        planner_staffing_add_breaks(in.staffing, &old, -1);
                        return r;
                }
                planner_staffing_add_breaks(in.staffing, sp, -1);
                planner_plan_count(plan, &old, -1);
                planner_plan_count(plan, sp, +1);
                plan->breaks_moved += sp->breaks_moved;
                shift_plan_done(&old);
        }
        plan->now = now;
        return 0;
}

size_t planner_coupled_operators(const Roster *roster, const Coverage *coverage, size_t operator,
                                 const size_t **ret) {
        const size_t *members;
        size_t n = roster_team_operators(roster, roster->operators[operator].team, &members);

        if (!coverage) {
                /* The operator alone: their place among the team's. */
                while (*members != operator)
                        members++;
                n = 1;
        }
        *ret = members;
        return n;
}

/* The shifts a team's revision may change: those of its members not over
 * at now, in team order; their plans and copies of them as they were. */
typedef struct PlannerTeamShifts {
        const Shift **shifts;
        ShiftPlan **plans;
        ShiftPlan *before;
        size_t n;
} PlannerTeamShifts;

static void planner_team_shifts_done(PlannerTeamShifts *t) {
        for (size_t i = 0; i < t->n; i++)
                shift_plan_done(&t->before[i]);
        free(t->shifts);
        free(t->plans);
        free(t->before);
}

static int planner_team_shifts(const Plan *plan, const Roster *roster, const size_t *members, size_t n, usec_t now,
                               PlannerTeamShifts *ret) {
        size_t count = 0, first;

        for (size_t k = 0; k < n; k++)
                count += planner_operator_shifts(roster, members[k], &first);
        ret->shifts = calloc(MAX(count, (size_t) 1), sizeof(Shift *));
        ret->plans = calloc(MAX(count, (size_t) 1), sizeof(ShiftPlan *));
        ret->before = calloc(MAX(count, (size_t) 1), sizeof(ShiftPlan));
        if (!ret->shifts || !ret->plans || !ret->before)
                return -ENOMEM;
        for (size_t k = 0; k < n; k++)
                for (size_t j = 0, m = planner_operator_shifts(roster, members[k], &first); j < m; j++) {
                        const Shift *shift = &roster->shifts[first + j];
                        ShiftPlan *sp;

                        if (shift->end <= now)
                                continue;
                        sp = planner_plan_shift_of(plan, roster, shift);
                        if (!sp)
                                return -ESTALE;
                        if (shift_plan_copy(sp, &ret->before[ret->n]) < 0)
                                return -ENOMEM;
                        ret->shifts[ret->n] = shift;
                        ret->plans[ret->n++] = sp;
                }
        return 0;
}

ssize_t planner_revise_team(Plan *plan, const Roster *roster, const Policy *policy, const Coverage *coverage,
                            planner_incidents_fn incidents_of, planner_calls_fn calls_of, void *userdata,
                            usec_t now, const char *operator, const size_t **ret_operators) {
        _cleanup_(planner_team_shifts_done) PlannerTeamShifts team = {};
        _cleanup_(planner_search_freep) PlannerSearch *search = NULL;
        const PlannerRun in = {
                .roster = roster,
                .policy = policy,
                .now = now,
                .staffing = plan->staffing,
        };
        bool searching = coverage && plan->staffing && policy->search_steps > 0;
        ssize_t op = roster_find_operator(roster, operator);
        const size_t *members;
        size_t n;
        int r;

        if (op < 0)
                return -ENXIO;
        n = planner_coupled_operators(roster, coverage, op, &members);
        /* The search weighs moves against the revision before this one. */
        if (searching) {
                r = planner_team_shifts(plan, roster, members, n, now, &team);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < n; i++) {
                const char *id = roster->operators[members[i]].id;

                r = planner_revise_operator(plan, roster, policy, coverage, incidents_of(id, userdata),
                                            calls_of ? calls_of(id, userdata) : NULL, now, id);
                if (r < 0)
                        return r;
        }
        if (searching) {
                r = planner_search_new(&in, team.n, &search);
                if (r < 0)
                        return r;
                for (size_t i = 0, k = 0; i < n; i++) {
                        const CallIndex *calls = calls_of ? calls_of(roster->operators[members[i]].id, userdata) : NULL;

                        for (; k < team.n && team.shifts[k]->operator == members[i]; k++) {
                                r = planner_search_add(search, team.shifts[k], &team.before[k], team.plans[k], calls);
                                if (r < 0)
                                        return r;
                        }
                }
                plan->breaks_moved += planner_search_run(search);
        }
        *ret_operators = members;
        return (ssize_t) n;
}
