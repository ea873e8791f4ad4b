/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core/plan.h"
#include "core/planner-internal.h"
#include "shared/i18n.h"

static const char * const break_kind_table[_BREAK_KIND_MAX] = {
        [BREAK_PLANNED] = "planned",
        [BREAK_STATUTORY] = "statutory",
        [BREAK_RECOVERY] = "recovery",
};

static const char * const plan_break_kind_public_table[_BREAK_KIND_MAX] = {
        [BREAK_PLANNED] = N_("Break"),
        [BREAK_STATUTORY] = N_("Statutory break"),
        [BREAK_RECOVERY] = N_("Recovery break"),
};

DEFINE_STRING_TABLE_LOOKUP(break_kind, BreakKind);

const char *break_kind_public_reason(BreakKind k) {
        if ((unsigned) k >= _BREAK_KIND_MAX)
                return NULL;
        return plan_break_kind_public_table[k];
}

void break_done(Break *b) {
        free(b->uid);
        free(b->reason);
        free(b->recovery_uid);
        *b = (Break) {};
}

void shift_plan_done(ShiftPlan *s) {
        free_array(s->breaks, s->n_breaks, break_done);
        free(s->operator);
        free(s->team);
        free(s->uid);
        *s = (ShiftPlan) {};
}

int shift_plan_copy(const ShiftPlan *src, ShiftPlan *ret) {
        _cleanup_(shift_plan_done) ShiftPlan c = *src;

        c.operator = c.team = c.uid = NULL;
        c.breaks = NULL;
        c.n_breaks = 0;
        if (strdup_to(&c.operator, src->operator) < 0 || strdup_to(&c.team, src->team) < 0 ||
            strdup_to(&c.uid, src->uid) < 0)
                return -ENOMEM;
        if (src->n_breaks > 0) {
                c.breaks = calloc(src->n_breaks, sizeof(Break));
                if (!c.breaks)
                        return -ENOMEM;
        }
        for (; c.n_breaks < src->n_breaks; c.n_breaks++) {
                const Break *b = &src->breaks[c.n_breaks];
                Break *d = &c.breaks[c.n_breaks];

                *d = (Break) { .kind = b->kind, .start = b->start, .end = b->end, .trigger = b->trigger };
                if (strdup_to(&d->uid, b->uid) < 0 || strdup_to(&d->reason, b->reason) < 0 ||
                    strdup_to(&d->recovery_uid, b->recovery_uid) < 0) {
                        c.n_breaks++;
                        return -ENOMEM;
                }
        }
        *ret = c;
        c = (ShiftPlan) {};
        return 0;
}

Plan *plan_free(Plan *p) {
        if (!p)
                return NULL;
        free_array(p->shifts, p->n_shifts, shift_plan_done);
        planner_staffing_free(p->staffing);
        return mfree(p);
}

int shift_plan_compare(const ShiftPlan *a, const ShiftPlan *b) {
        return strcmp(a->operator, b->operator) ?: CMP(a->start, b->start);
}

const Break *shift_plan_find_break(const ShiftPlan *sp, const char *uid) {
        for (size_t i = 0; sp && i < sp->n_breaks; i++)
                if (streq(sp->breaks[i].uid, uid))
                        return &sp->breaks[i];
        return NULL;
}

size_t plan_operator_shifts(const Plan *p, const char *operator, size_t *ret_first) {
        size_t lo = 0, hi = p ? p->n_shifts : 0, end;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (strcmp(p->shifts[mid].operator, operator) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (end = lo; p && end < p->n_shifts && streq(p->shifts[end].operator, operator); end++)
                ;
        *ret_first = lo;
        return end - lo;
}

const Break *plan_find_operator_break(const Plan *p, const char *operator, const char *uid) {
        size_t first, n = plan_operator_shifts(p, operator, &first);

        for (size_t i = first; i < first + n; i++) {
                const Break *b = shift_plan_find_break(&p->shifts[i], uid);

                if (b)
                        return b;
        }
        return NULL;
}

static int plan_break_ptr_cmp(const void *a, const void *b) {
        const Break *x = *(const Break * const *) a, *y = *(const Break * const *) b;

        return CMP(x->start, y->start) ?: strcmp(x->uid, y->uid);
}

ssize_t plan_operator_breaks(const Plan *plan, const char *operator, usec_t from, usec_t to,
                             const Break ***ret) {
        _cleanup_(freep) const Break **l = NULL;
        size_t first, n_shifts = plan_operator_shifts(plan, operator, &first), n = 0;

        for (size_t i = first; i < first + n_shifts; i++) {
                const ShiftPlan *sp = &plan->shifts[i];

                for (size_t j = 0; j < sp->n_breaks; j++) {
                        const Break *b = &sp->breaks[j];

                        if (b->start >= to || b->end <= from)
                                continue;
                        if (array_grow((void **) &l, n, sizeof(Break *)) < 0)
                                return -ENOMEM;
                        l[n++] = b;
                }
        }
        if (n > 0)
                qsort(l, n, sizeof(Break *), plan_break_ptr_cmp);

        *ret = TAKE_PTR(l);
        return (ssize_t) n;
}
