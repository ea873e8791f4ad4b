/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "core/adherence.h"
#include "shared/i18n.h"
#include "shared/reason-words.h"

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

/* An edge of a call or pause, for the sweep. */
typedef struct AdherenceEdge {
        usec_t at;
        int calls, pauses;      /* +1 at a start, -1 at an end */
} AdherenceEdge;

static int adherence_edge_compare(const void *a, const void *b) {
        const AdherenceEdge *x = a, *y = b;

        return CMP(x->at, y->at);
}

int adherence_timeline_from_calls(const CallIndex *index, const char *operator, AgentStateChange **changes,
                                  size_t *ret_n) {
        const CallRecord * const *calls;
        const PauseSpan *pauses;
        size_t n_calls = call_index_operator(index, operator, &calls);
        size_t n_pauses = call_index_pauses(index, operator, &pauses), n = 0, k = 0;
        _cleanup_free_ AdherenceEdge *edges = NULL;
        int on_call = 0, paused = 0;

        *ret_n = 0;
        if (n_pauses == 0)
                return 0;
        edges = calloc(2 * (n_calls + n_pauses), sizeof(AdherenceEdge));
        if (!edges)
                return -ENOMEM;
        for (size_t i = 0; i < n_calls; i++) {
                edges[k++] = (AdherenceEdge) { .at = calls[i]->start, .calls = 1 };
                edges[k++] = (AdherenceEdge) { .at = calls[i]->end, .calls = -1 };
        }
        for (size_t i = 0; i < n_pauses; i++) {
                edges[k++] = (AdherenceEdge) { .at = pauses[i].start, .pauses = 1 };
                edges[k++] = (AdherenceEdge) { .at = pauses[i].end, .pauses = -1 };
        }
        qsort(edges, k, sizeof(AdherenceEdge), adherence_edge_compare);

        for (size_t i = 0; i < k;) {
                usec_t at = edges[i].at;
                AgentState s;

                /* Every edge at one instant, then the state from it on. */
                for (; i < k && edges[i].at == at; i++) {
                        on_call += edges[i].calls;
                        paused += edges[i].pauses;
                }
                s = on_call > 0 ? AGENT_ON_CALL : paused > 0 ? AGENT_PAUSED : AGENT_AVAILABLE;
                if (n > 0 && (*changes)[n - 1].state == s)
                        continue;
                if (array_grow((void **) changes, n, sizeof(AgentStateChange)) < 0)
                        return -ENOMEM;
                (*changes)[n++] = (AgentStateChange) { .state = s, .since = at };
        }
        *ret_n = n;
        return 0;
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
                /* TRANSLATORS: %s is a break's kind as respitectl's tables show it ("statutory"). */
                fprintf(f, _("adherence %s: %u taken, %u partly taken, %u not taken\n"),
                        reason_kind_words(break_kind_to_string(k)),
                        b[ADHERENCE_TAKEN], b[ADHERENCE_PARTLY_TAKEN], b[ADHERENCE_NOT_TAKEN]);
        }
        return ferror(f) ? -EIO : 0;
}
