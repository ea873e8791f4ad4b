/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "core/adherence.h"

static const char * const adherence_table[_ADHERENCE_MAX] = {
        [ADHERENCE_UNKNOWN]      = "unknown",
        [ADHERENCE_PENDING]      = "pending",
        [ADHERENCE_TAKEN]        = "taken",
        [ADHERENCE_PARTLY_TAKEN] = "partly_taken",
        [ADHERENCE_NOT_TAKEN]    = "not_taken",
};

DEFINE_STRING_TABLE_LOOKUP(adherence, Adherence);

static bool adherence_off_phones(AgentState s) {
        return s == AGENT_PAUSED || s == AGENT_ON_BREAK || s == AGENT_LOGGED_OUT;
}

/* The last change at or before t, or n when none is. */
static size_t adherence_state_at(const AgentStateChange *changes, size_t n, usec_t t) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (changes[mid].since <= t)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo == 0 ? n : lo - 1;
}

void adherence_judge(const Break *brk, const AgentStateChange *changes, size_t n, usec_t now,
                     AdherenceDetail *ret) {
        usec_t length = brk->end - brk->start;
        size_t i;

        *ret = (AdherenceDetail) {};
        if (now < brk->end) {
                ret->adherence = ADHERENCE_PENDING;
                return;
        }

        i = adherence_state_at(changes, n, brk->start);
        if (i == n)
                i = 0;  /* nothing known at the start: from the first change on */
        for (; i < n && changes[i].since < brk->end; i++) {
                usec_t from = MAX(changes[i].since, brk->start);
                usec_t to = i + 1 < n ? MIN(changes[i + 1].since, brk->end) : brk->end;

                if (to <= from)
                        continue;
                ret->known += to - from;
                if (adherence_off_phones(changes[i].state))
                        ret->off += to - from;
                else if (changes[i].state == AGENT_ON_CALL && changes[i].since >= brk->start &&
                         ret->interrupted == 0)
                        ret->interrupted = changes[i].since;
        }

        if (ret->known == 0)
                ret->adherence = ADHERENCE_UNKNOWN;
        else if (ret->interrupted == 0 && ret->off * 5 >= length * 4)
                ret->adherence = ADHERENCE_TAKEN;
        else if (ret->off < USEC_PER_MINUTE)
                ret->adherence = ADHERENCE_NOT_TAKEN;
        else
                ret->adherence = ADHERENCE_PARTLY_TAKEN;
}

void adherence_count(const Plan *plan, adherence_timeline_fn timeline_of, void *userdata, usec_t now,
                     AdherenceCounts *ret) {
        const char *operator = NULL;
        const AgentStateChange *changes = NULL;
        size_t n = 0;

        *ret = (AdherenceCounts) {};
        for (size_t i = 0; i < plan->n_shifts; i++) {
                const ShiftPlan *sp = &plan->shifts[i];

                /* Plan order keeps an operator's shifts together. */
                if (!operator || strcmp(operator, sp->operator) != 0) {
                        operator = sp->operator;
                        changes = timeline_of(operator, &n, userdata);
                }
                for (size_t j = 0; j < sp->n_breaks; j++) {
                        AdherenceDetail d;

                        adherence_judge(&sp->breaks[j], changes, changes ? n : 0, now, &d);
                        ret->breaks[sp->breaks[j].kind][d.adherence]++;
                }
        }
}

int adherence_print(const AdherenceCounts *c, FILE *f) {
        for (BreakKind k = 0; k < _BREAK_KIND_MAX; k++) {
                const unsigned *b = c->breaks[k];

                if (b[ADHERENCE_TAKEN] + b[ADHERENCE_PARTLY_TAKEN] + b[ADHERENCE_NOT_TAKEN] == 0)
                        continue;
                fprintf(f, "adherence %s: %u taken, %u partly taken, %u not taken\n", break_kind_to_string(k),
                        b[ADHERENCE_TAKEN], b[ADHERENCE_PARTLY_TAKEN], b[ADHERENCE_NOT_TAKEN]);
        }
        return ferror(f) ? -EIO : 0;
}
