/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What happens by itself as the clock passes, on one sd-event timer armed
 * for the earliest of:
 *   - break edges: a heap of (instant, shift) entries; when one comes due,
 *     that shift alone is looked at, and each of its break starts and ends
 *     after its watermark and not after now is announced (BreakStarted,
 *     BreakEnded). A revision pushes the edges of the shifts it revised;
 *     entries of breaks that moved or went find nothing, and the watermark
 *     keeps an edge from being announced twice;
 *   - call records the clock reaches (replay): their incidents revise their
 *     operator's team;
 *   - the starts and ends of the call-record CSVs' calls under a replay
 *     clock: their operator's agent state (manager-agents.c);
 *   - local midnight, when the feeds' window moves: every feed again. */
#include "daemon/bus.h"
#include "daemon/manager-internal.h"
#include "shared/log.h"
#include "shared/time-util.h"

struct ManagerEdge {
        usec_t at;
        size_t shift;           /* index into m->plan->shifts */
};

static bool manager_edge_before(const ManagerEdge *a, const ManagerEdge *b) {
        return a->at < b->at || (a->at == b->at && a->shift < b->shift);
}

static void manager_edge_swap(ManagerEdge *a, ManagerEdge *b) {
        ManagerEdge t = *a;
        *a = *b;
        *b = t;
}

static int manager_edges_push(Manager *m, usec_t at, size_t shift) {
        size_t i = m->n_edges;

        if (array_grow((void **) &m->edges, m->n_edges, sizeof(ManagerEdge)) < 0)
                return -ENOMEM;
        m->edges[m->n_edges++] = (ManagerEdge) { at, shift };
        for (; i > 0 && manager_edge_before(&m->edges[i], &m->edges[(i - 1) / 2]); i = (i - 1) / 2)
                manager_edge_swap(&m->edges[i], &m->edges[(i - 1) / 2]);
        return 0;
}

static ManagerEdge manager_edges_pop(Manager *m) {
        ManagerEdge top = m->edges[0];
        size_t i = 0;

        m->edges[0] = m->edges[--m->n_edges];
        for (;;) {
                size_t l = 2 * i + 1, r = l + 1, k = i;

                if (l < m->n_edges && manager_edge_before(&m->edges[l], &m->edges[k]))
                        k = l;
                if (r < m->n_edges && manager_edge_before(&m->edges[r], &m->edges[k]))
                        k = r;
                if (k == i)
                        return top;
                manager_edge_swap(&m->edges[i], &m->edges[k]);
                i = k;
        }
}

void manager_edges_done(Manager *m) {
        m->edges = mfree(m->edges);
        m->n_edges = 0;
        m->edges_done = mfree(m->edges_done);
}

/* Announce the edges of shift i in (its watermark, until]. */
static void manager_shift_edges(Manager *m, size_t i, usec_t until) {
        const ShiftPlan *s = &m->plan->shifts[i];
        usec_t done = m->edges_done[i];

        if (until <= done)
                return;
        for (size_t j = 0; j < s->n_breaks; j++) {
                const Break *b = &s->breaks[j];

                if (b->start > done && b->start <= until)
                        manager_break_begins(m, s, b);
                if (b->end > done && b->end <= until)
                        manager_break_ends(m, s, b);
        }
        m->edges_done[i] = until;
}

static int manager_edges_push_shift(Manager *m, size_t i) {
        const ShiftPlan *s = &m->plan->shifts[i];

        for (size_t j = 0; j < s->n_breaks; j++) {
                const Break *b = &s->breaks[j];
                int r;

                if (b->start > m->edges_done[i] && (r = manager_edges_push(m, b->start, i)) < 0)
                        return r;
                if (b->end > m->edges_done[i] && (r = manager_edges_push(m, b->end, i)) < 0)
                        return r;
        }
        return 0;
}

void manager_edges_run(Manager *m, usec_t until) {
        while (m->n_edges > 0 && m->edges[0].at <= until) {
                ManagerEdge e = manager_edges_pop(m);

                if (e.shift < m->plan->n_shifts)
                        manager_shift_edges(m, e.shift, until);
        }
}

void manager_edges_revised(Manager *m, size_t first, size_t n, usec_t now) {
        for (size_t i = first; i < first + n; i++) {
                manager_shift_edges(m, i, now);
                if (manager_edges_push_shift(m, i) < 0)
                        log_oom();
        }
}

int manager_edges_reset(Manager *m, usec_t done) {
        manager_edges_done(m);
        m->edges_done = calloc(MAX(m->plan->n_shifts, (size_t) 1), sizeof(usec_t));
        if (!m->edges_done)
                return log_oom();
        for (size_t i = 0; i < m->plan->n_shifts; i++) {
                m->edges_done[i] = done;
                if (manager_edges_push_shift(m, i) < 0)
                        return log_oom();
        }
        return 0;
}

/* ---- the timer ---- */

/* The next instant something happens by itself. */
static usec_t manager_next_wakeup(Manager *m) {
        usec_t next = m->window_day_end;

        if (m->n_edges > 0)
                next = MIN(next, m->edges[0].at);
        if (m->next_detected < m->detected->n)
                next = MIN(next, m->detected->items[m->next_detected].received);
        next = MIN(next, manager_alerts_next(m));
        return MIN(next, manager_agent_replay_next(m));
}

static int manager_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        usec_t now = clock_now(&m->clock);

        /* Incidents in call records the clock has reached (received ==
         * when for detected ones, and the list is sorted by when). */
        while (m->next_detected < m->detected->n && m->detected->items[m->next_detected].received <= now) {
                const Incident *i = &m->detected->items[m->next_detected++];

                if (roster_find_operator(m->roster, i->operator) >= 0) {
                        (void) manager_revise(m, i->operator);
                        manager_alert_incident(m, i);
                }
        }
        manager_alerts_escalate(m, now);
        /* More calls to replay than a slice holds: the rest at once, once
         * the loop has served what waits (the bus, the feeds). */
        if (!manager_agent_replay_run(m, now))
                return manager_arm_timer(m);
        /* Midnight: the feeds' window moves for everyone. */
        if (now >= m->window_day_end)
                (void) manager_replan(m);
        manager_edges_run(m, now);
        return manager_arm_timer(m);
}

int manager_arm_timer(Manager *m) {
        usec_t next = manager_next_wakeup(m);
        int r;

        if (next == USEC_INFINITY)
                return m->timer ? sd_event_source_set_enabled(m->timer, SD_EVENT_OFF) : 0;
        if (!m->timer) {
                r = sd_event_add_time(m->event, &m->timer, clock_timer_id(&m->clock),
                                      clock_timer_deadline(&m->clock, next), 1, manager_on_timer, m);
                if (r < 0)
                        return log_error_errno(r, "Failed to arm timer: %m");
                return 0;
        }
        r = sd_event_source_set_time(m->timer, clock_timer_deadline(&m->clock, next));
        if (r < 0)
                return log_error_errno(r, "Failed to arm timer: %m");
        return sd_event_source_set_enabled(m->timer, SD_EVENT_ONESHOT);
}

void manager_skip_detected(Manager *m, usec_t now) {
        /* Sorted by when: the first not yet reached. */
        size_t lo = 0, hi = m->detected->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (m->detected->items[mid].received <= now)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        m->next_detected = lo;
}
