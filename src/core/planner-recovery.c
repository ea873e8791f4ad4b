/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Recovery breaks: what each incident of a shift earns (a recovery at once,
 * or points toward a deferrable one), and granting them (step 4, see
 * planner.c): merged into the next planned or statutory break, or added,
 * pushing the breaks they meet. */
#include "core/planner-internal.h"

/* ---- incidents to triggers ---- */

void planner_trigger_list_done(TriggerList *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->items[i].reason);
        free(l->items);
}

static int planner_trigger_add(TriggerList *l, const Incident *i, usec_t earliest, usec_t length,
                               bool accumulated, char **reason) {
        size_t k;

        if (array_grow((void **) &l->items, l->n, sizeof(Trigger)) < 0)
                return -ENOMEM;

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

/* "after 2 unreasonable_demand, 1 other incidents in 40 min (10 points)"
 * (reason_write_points()): counts per category in first-seen order, the
 * span from first to last. */
static int planner_accumulated_reason(const Incident * const *counted, size_t n, unsigned points,
                                      char **ret) {
        usec_t span = counted[n - 1]->when - counted[0]->when;
        unsigned minutes = (span + USEC_PER_MINUTE / 2) / USEC_PER_MINUTE;
        _cleanup_(freep) char *counts = NULL;
        int r = 0;

        for (size_t i = 0; r >= 0 && i < n; i++) {
                unsigned count = 0;
                bool seen = false;

                for (size_t j = 0; j < n; j++) {
                        seen = seen || (j < i && streq(counted[j]->category, counted[i]->category));
                        count += streq(counted[j]->category, counted[i]->category);
                }
                if (!seen)
                        r = reason_counts_append(&counts, count, counted[i]->category);
        }
        if (r < 0)
                return r;
        return reason_write_points(ret, counts, minutes, points);
}

/* Range [*ret_first, *ret_end) of incidents with start <= when < end. */
static void planner_incidents_in(const IncidentList *l, usec_t start, usec_t end, size_t *ret_first,
                                 size_t *ret_end) {
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
static int planner_window_add(Window *w, const Policy *policy, const Incident *i, char **reason) {
        unsigned points = 0;

        while (w->first < w->n && w->counted[w->first]->when + policy->accumulation.window <= i->when)
                w->first++;
        w->counted[w->n++] = i;

        for (size_t k = w->first; k < w->n; k++)
                points += policy_find_category(policy, w->counted[k]->category)->points;
        if (points < policy->accumulation.threshold)
                return 0;

        return planner_accumulated_reason(w->counted + w->first, w->n - w->first, points, reason);
}

/* What incident i earns in the shift: a recovery (into triggers) or points. */
static int planner_incident_evaluate(const Planning *p, Window *w, const Incident *i, TriggerList *triggers) {
        const Policy *policy = p->in->policy;
        const Category *c = policy_find_category(policy, i->category);
        usec_t earliest = usec_ceil(MAX(MAX(i->when, i->received), p->in->now), USEC_PER_MINUTE);
        _cleanup_(freep) char *reason = NULL;
        bool accumulated = false;
        usec_t length = 0;
        int r = 0;

        if (!c)
                return 0;

        if (c->recovery > 0) {
                length = c->recovery;
                r = reason_write_incident(&reason, c->label ?: c->name, c->name);
        } else if (streq(c->name, "prolonged_call") && policy->prolonged.break_after > 0 &&
                   policy->prolonged.length > 0 && i->duration >= policy->prolonged.break_after) {
                length = policy->prolonged.length;
                r = reason_write_long_call(&reason, i->duration / USEC_PER_MINUTE, c->name);
        } else if (c->points > 0 && policy->accumulation.threshold > 0 && policy->accumulation.length > 0) {
                length = policy->accumulation.length;
                accumulated = true;
                r = planner_window_add(w, policy, i, &reason);
        }
        if (r < 0 || !reason)
                return r;

        w->first = w->n;        /* a recovery clears the points counted so far */
        return planner_trigger_add(triggers, i, earliest, length, accumulated, &reason);
}

/* Order of the incident index: by operator, then as the list (when, id). */
static int planner_incident_ptr_cmp(const void *a, const void *b) {
        const Incident *x = *(const Incident * const *) a, *y = *(const Incident * const *) b;
        return strcmp(x->operator, y->operator) ?: CMP(x->when, y->when) ?: strcmp(x->id, y->id);
}

/* The incidents of the list sorted by operator, so that each shift finds
 * its own without reading everyone's. Returns 0 or -ENOMEM. */
int planner_incident_index(const IncidentList *l, const Incident ***ret) {
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
        qsort(index, l->n, sizeof(Incident *), planner_incident_ptr_cmp);
        *ret = index;
        return 0;
}

/* The incidents of the shift's operator with start <= when < end, in list
 * order, from the index when there is one. Returns the number, or -ENOMEM. */
static ssize_t planner_shift_incidents(const Planning *p, const Incident ***ret) {
        const IncidentList *l = p->in->incidents;
        _cleanup_(freep) const Incident **v = NULL;
        size_t n = 0, first, end;

        if (p->in->index) {
                Incident key = { .operator = p->op->id, .when = p->shift->start, .id = (char *) "" };
                const Incident *k = &key;
                size_t lo = 0, hi = l->n;

                while (lo < hi) {
                        size_t mid = lo + (hi - lo) / 2;
                        if (planner_incident_ptr_cmp(&p->in->index[mid], &k) < 0)
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
                planner_incidents_in(l, p->shift->start, p->shift->end, &first, &end);
                if (end > first && !(v = malloc((end - first) * sizeof(Incident *))))
                        return -ENOMEM;
                for (size_t i = first; i < end; i++)
                        if (streq(l->items[i].operator, p->op->id))
                                v[n++] = &l->items[i];
        }
        *ret = TAKE_PTR(v);
        return (ssize_t) n;
}

int planner_collect_triggers(const Planning *p, TriggerList *ret) {
        _cleanup_(freep) const Incident **counted = NULL, **mine = NULL;
        ssize_t n;
        Window w = {};

        n = planner_shift_incidents(p, &mine);
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
                r = planner_incident_evaluate(p, &w, i, ret);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- recovery breaks ---- */

/* A recovery of trigger t would last this long, or 0 when it cannot be granted. */
usec_t planner_trigger_length(const Planning *p, const Trigger *t) {
        if (t->earliest >= p->shift->end)
                return 0;
        return MIN(t->length, p->shift->end - t->earliest);
}

/* "<operator>-recovery-<incident id>" */
int planner_recovery_uid(const Planning *p, const Incident *i, char **ret) {
        return planner_strextendf(ret, "%s-recovery-%s", p->op->id, i->id);
}

/* The break a recovery starting at t must wait for: one begun before t, or
 * a recovery beginning at t. A planned or statutory break beginning at t
 * has not begun: the recovery goes first and pushes it. */
static const Break *planner_break_containing(const Planning *p, usec_t t) {
        for (size_t i = 0; i < p->sp->n_breaks; i++) {
                const Break *b = &p->sp->breaks[i];

                if ((b->start < t || (b->start == t && b->kind == BREAK_RECOVERY)) && t < b->end)
                        return b;
        }
        return NULL;
}

/* First instant at or after t that no break begun by then covers. */
static usec_t planner_first_free(const Planning *p, usec_t t) {
        const Break *b;

        while ((b = planner_break_containing(p, t)))
                t = b->end;
        return t;
}

/* First instant at or after t that no break begun by then covers and no
 * call of the operator holds inside: where a recovery may start. */
static usec_t planner_recovery_free(const Planning *p, usec_t t) {
        for (;;) {
                usec_t u = planner_call_free(p, planner_first_free(p, t));

                if (u == t)
                        return t;
                t = u;
        }
}

/* A deferrable recovery starts at the first whole minute from start, within
 * accumulation.max_delay of its incident, at which the team keeps its
 * coverage for the whole break; else at start. */
static usec_t planner_deferred_start(const Planning *p, const Trigger *t, usec_t start) {
        usec_t deadline = t->incident->when + p->in->policy->accumulation.max_delay;

        if (!p->in->staffing)
                return start;
        for (usec_t s = start; s <= deadline && s < p->shift->end;
             s = planner_recovery_free(p, s + USEC_PER_MINUTE))
                if (planner_coverage_cost(p, s, MIN(s + t->length, p->shift->end)) == 0)
                        return s;
        return start;
}

/* Breaks from index i on that overlap the break before them move to follow
 * it, each right after the one before. Only breaks that have not begun are
 * met here: a recovery begins after every break begun by then. Returns the
 * index after the last break moved. */
static size_t planner_push_following(Planning *p, size_t i) {
        ShiftPlan *sp = p->sp;
        usec_t cursor = sp->breaks[i].end;
        size_t j;

        for (j = i + 1; j < sp->n_breaks && sp->breaks[j].start < cursor; j++) {
                Break *b = &sp->breaks[j];
                usec_t len = b->end - b->start;

                b->start = planner_call_free(p, cursor);
                b->end = b->start + len;
                cursor = b->end;
        }
        return j;
}

/* A block of rule r of length len was removed: its time is to place again.
 * Not for a rule of pauses only (total 0, max_stretch): its pauses are no
 * part of a total, and the walk of the stretches places one again where a
 * stretch still needs it (planner_statutory_place()). */
static void planner_unplace(Rule *r, usec_t len) {
        if (r->tier && r->tier->total == 0)
                return;
        r->pending += len;
        r->pending_blocks += r->tier && r->tier->blocks > 0;
}

/* After a push, of the breaks moved [i, end): a statutory block that left
 * its window is removed and its time is pending again (unless a recovery
 * merged into it); the others are clipped at the shift end, or dropped when
 * pushed off it. */
static void planner_settle_moved(Planning *p, size_t i, size_t end) {
        while (i < end) {
                Break *b = &p->sp->breaks[i];
                usec_t len = b->end - b->start;
                Rule *r = planner_break_rule(p, b);

                if (r && !b->recovery_uid && !planner_statutory_fits(p, r, b->start, len, false))
                        planner_unplace(r, len);
                else {
                        b->end = MIN(b->end, p->shift->end);
                        if (b->start < b->end) {
                                i++;
                                continue;
                        }
                        if (r)
                                planner_unplace(r, len);
                }
                planner_remove_break(p, i);
                end--;
        }
}

/* The length of break b once a recovery of rec_len merged into it: the
 * longer of the two (the break starts now and lasts longer if the recovery
 * is longer), except that a statutory break whose preset does not let
 * recovery count keeps its whole length for rest on top of the recovery: a
 * recovery break does not count toward a statutory break unless the preset
 * says it may (statutory.recovery_counts). */
static usec_t planner_merged_length(const Planning *p, const Break *b, usec_t rec_len) {
        if (b->kind == BREAK_STATUTORY && !p->in->policy->statutory.recovery_counts)
                return b->end - b->start + rec_len;
        return MAX(b->end - b->start, rec_len);
}

/* The index of the break a recovery [start, end) merges into: the next
 * planned or statutory break, not merged already, beginning at most
 * merge_margin after end, that may move to start and last
 * planner_merged_length(). Or -1. */
static ssize_t planner_merge_target(const Planning *p, usec_t start, usec_t end) {
        for (size_t i = 0; i < p->sp->n_breaks; i++) {
                const Break *b = &p->sp->breaks[i];
                usec_t len = planner_merged_length(p, b, end - start);
                const Rule *r;

                if (b->start < start)
                        continue;
                if (b->kind == BREAK_RECOVERY || b->recovery_uid || b->start > end + p->in->policy->merge_margin)
                        return -1;
                r = planner_break_rule(p, b);
                if (r && !planner_statutory_fits(p, r, start, len, false))
                        return -1;
                return (ssize_t) i;
        }
        return -1;
}

static int planner_merge_recovery(Planning *p, size_t i, Break *rec) {
        Break *b = &p->sp->breaks[i];
        usec_t len = planner_merged_length(p, b, rec->end - rec->start);
        int r;

        r = reason_append_recovery(&b->reason, rec->reason);
        if (r < 0)
                return r;
        b->recovery_uid = TAKE_PTR(rec->uid);
        b->trigger = rec->trigger;
        b->start = rec->start;
        b->end = MIN(rec->start + len, p->shift->end);
        planner_settle_moved(p, i + 1, planner_push_following(p, i));
        return 0;
}

/* "<recovery uid>-rest", "<recovery uid>-rest-2", …: the k-th rest (k >= 1). */
static int planner_rest_uid(const char *uid, unsigned k, char **ret) {
        *ret = mfree(*ret);
        return k == 1 ? planner_strextendf(ret, "%s-rest", uid) : planner_strextendf(ret, "%s-rest-%u", uid, k);
}

/* What a call starting at cut inside a recovery part meant to end at end
 * leaves to grant: whole minutes, at least one. */
static usec_t planner_rest_length(usec_t cut, usec_t end) {
        return MAX(usec_ceil(end - cut, USEC_PER_MINUTE), USEC_PER_MINUTE);
}

/* One part of a recovery still to grant. */
typedef struct Part {
        unsigned k;                     /* 0: the recovery itself; k >= 1: its k-th rest */
        char *uid;
        usec_t trigger;                 /* the incident's instant, or the interrupting call's end */
        usec_t earliest, length;
} Part;

/* Walk the parts of recovery uid the shift holds already (frozen): a
 * frozen recovery part shorter than granted, not cut by the shift end,
 * ending where a call of the operator starts, was cut by that call; one
 * that a call (in progress at now) starts inside is cut now; the rest of
 * either is the next part. Sets *part to the first part still to grant
 * and returns 1, or returns 0 when every part is there, or -ENOMEM. */
static int planner_frozen_parts(Planning *p, const char *uid, Part *part) {
        for (;;) {
                Break *f = (Break *) planner_find_recovery(p->sp, part->uid);
                const CallRecord *c;
                usec_t end;

                if (!f)
                        return 1;
                if (f->kind != BREAK_RECOVERY)
                        return 0;       /* merged: not interrupted */
                end = MIN(f->start + part->length, p->shift->end);
                c = planner_call_starting_in(p, f->start, f->end);
                if (c)
                        f->end = c->start;
                else if (f->end < end)
                        c = planner_call_starting_at(p, f->end);
                if (!c)
                        return 0;

                p->sp->recoveries_interrupted++;
                part->length = planner_rest_length(c->start, end);
                part->trigger = c->end;
                part->earliest = usec_ceil(MAX(c->end, p->in->now), USEC_PER_MINUTE);
                if (planner_rest_uid(uid, ++part->k, &part->uid) < 0)
                        return -ENOMEM;
        }
}

/* Where the recovery of t starts: at the first whole minute from its
 * earliest start out of breaks begun and calls (a deferrable one then
 * waits for coverage); but when the operator is free at the instant it was
 * earned and the next call begins before that minute, at that instant: a
 * recovery earned by a call starts when the call ends, and the next call
 * interrupts it. */
static usec_t planner_recovery_start(const Planning *p, const Trigger *t) {
        const Incident *i = t->incident;
        usec_t at = MAX(MAX(i->when, i->received), p->in->now);
        const CallRecord *next;

        if (!t->accumulated && at < t->earliest && planner_first_free(p, at) == at &&
            !planner_call_containing(p, at) && (next = planner_call_containing(p, t->earliest)) &&
            next->start > at)
                return at;
        if (t->accumulated)
                return planner_deferred_start(p, t, planner_recovery_free(p, t->earliest));
        return planner_recovery_free(p, t->earliest);
}

/* Grant part and the rests that calls interrupting it leave: each merged
 * into a break, or added, pushing the breaks it meets. The first part of a
 * deferrable recovery waits for coverage. Returns 0 or -ENOMEM. */
static int planner_place_parts(Planning *p, Trigger *t, const char *uid, Part *part) {
        for (;;) {
                _cleanup_(break_done) Break b = { .kind = BREAK_RECOVERY, .trigger = part->trigger };
                const CallRecord *c;
                usec_t start;
                ssize_t m;
                size_t i;
                int r;

                start = part->k == 0 ? planner_recovery_start(p, t) : planner_recovery_free(p, part->earliest);
                /* Held as due during a call that is over: it begins now. */
                if (planner_was_due(p, part->uid)) {
                        usec_t due = planner_due_start(p);

                        if (due < start && planner_first_free(p, due) == due)
                                start = due;
                }
                if (start >= p->shift->end || p->shift->end - start < USEC_PER_MINUTE) {
                        p->sp->recoveries_unserved++;
                        return 0;       /* off shift: nothing to grant */
                }

                b.start = start;
                b.end = MIN(start + part->length, p->shift->end);
                b.uid = TAKE_PTR(part->uid);
                r = part->k == 0 ? strdup_to(&b.reason, t->reason) :
                        reason_write_interrupted(&b.reason, t->reason);
                if (r < 0)
                        return r;
                if (part->k == 0) {
                        p->sp->recoveries++;
                        p->sp->recoveries_short += t->accumulated && planner_coverage_cost(p, b.start, b.end) > 0;
                }

                m = planner_merge_target(p, b.start, b.end);
                if (m >= 0)
                        return planner_merge_recovery(p, (size_t) m, &b);

                /* A call starting inside it cuts it there; the rest follows the call. */
                c = planner_call_starting_in(p, b.start, b.end);
                if (c) {
                        part->length = planner_rest_length(c->start, b.end);
                        b.end = c->start;
                }
                r = planner_add_break(p, &b, &i);
                if (r < 0)
                        return r;
                planner_settle_moved(p, i + 1, planner_push_following(p, i));
                if (!c)
                        return 0;

                p->sp->recoveries_interrupted++;
                part->trigger = c->end;
                part->earliest = usec_ceil(MAX(c->end, p->in->now), USEC_PER_MINUTE);
                r = planner_rest_uid(uid, ++part->k, &part->uid);
                if (r < 0)
                        return r;
        }
}

int planner_place_recovery(Planning *p, Trigger *t) {
        _cleanup_free_ char *uid = NULL;
        Part part = { .trigger = t->incident->when, .earliest = t->earliest, .length = t->length };
        int r;

        r = planner_recovery_uid(p, t->incident, &uid);
        if (r < 0)
                return r;
        r = strdup_to(&part.uid, uid);
        if (r < 0)
                return r;
        if (planner_find_recovery(p->sp, uid)) {
                p->sp->recoveries++;    /* frozen: granted already, but maybe cut by a call */
                r = planner_frozen_parts(p, uid, &part);
                if (r <= 0) {
                        free(part.uid);
                        return r;
                }
        }
        r = planner_place_parts(p, t, uid, &part);
        free(part.uid);
        return r;
}

int planner_recoveries_waiting(Planning *p, const TriggerList *triggers, usec_t **ret) {
        _cleanup_free_ usec_t *at = NULL;
        size_t n = 0;

        if (triggers->n == 0)
                return 0;
        at = calloc(triggers->n, sizeof(usec_t));
        if (!at)
                return -ENOMEM;
        for (size_t i = 0; i < triggers->n; i++) {
                _cleanup_free_ char *uid = NULL;

                if (planner_recovery_uid(p, triggers->items[i].incident, &uid) < 0)
                        return -ENOMEM;
                if (!planner_find_recovery(p->sp, uid))
                        at[n++] = triggers->items[i].earliest;
        }
        p->recovery_at = at;
        p->n_recovery_at = n;
        *ret = TAKE_PTR(at);
        return 0;
}

/* A recovery is late when it began after its deadline (at once, or
 * max_delay after the incident for a deferrable one) while the operator was
 * on the phones, not on a call, at some time in between. */
void planner_count_late(Planning *p, const TriggerList *triggers) {
        for (size_t i = 0; i < triggers->n; i++) {
                const Trigger *t = &triggers->items[i];
                _cleanup_(freep) char *uid = NULL;
                const Break *b;
                usec_t deadline;

                if (planner_recovery_uid(p, t->incident, &uid) < 0)
                        continue;
                b = planner_find_recovery(p->sp, uid);
                deadline = t->earliest;
                if (t->accumulated)
                        deadline = MAX(deadline, usec_ceil(t->incident->when + p->in->policy->accumulation.max_delay,
                                                           USEC_PER_MINUTE));
                if (b && b->start > deadline && planner_recovery_free(p, deadline) < b->start)
                        p->sp->recoveries_late++;
        }
}
