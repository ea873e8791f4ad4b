/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The operators' agent state: what the ACD says each one is doing now, and
 * the calls they took and the pauses they took on their own. Given by followed queue_logs (manager-sources.c),
 * by the call-record CSVs as a replay clock passes their starts and ends
 * (a cursor over the calls by start and one by end, advanced by the
 * manager's one timer, manager-edges.c), and by SetAgentState() (bus.c).
 * Kept per operator in a tsearch(3) tree: a change costs its operator,
 * never the site. Every change goes through manager_agent_changed(). */
#include <search.h>

#include "daemon/manager-internal.h"
#include "shared/escape.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* Closed calls (and pauses) are kept this far back from an operator's
 * latest. */
#define MANAGER_AGENT_CALLS_BACK (8 * USEC_PER_DAY)

/* What the tree holds per operator. */
typedef struct ManagerAgentEntry {
        char *operator;
        ManagerAgent now;               /* its strings are owned here */
        ManagerCallSpan *calls;         /* closed calls, by start, starts unique */
        size_t n_calls;
        ManagerCallSpan *pauses;        /* closed pauses (paused to another state), likewise */
        size_t n_pauses;
        bool told_unknown;              /* the log said the roster does not know them */
        usec_t pause_since;             /* paused: since when (a new reason goes on the pause) */
} ManagerAgentEntry;

/* A call of the call-record CSVs, for the replay clock. */
struct ManagerReplayCall {
        char *operator;
        usec_t start, end;
};

static int manager_agent_compare(const void *a, const void *b) {
        return strcmp(((const ManagerAgentEntry *) a)->operator, ((const ManagerAgentEntry *) b)->operator);
}

static void manager_agent_entry_free(void *p) {
        ManagerAgentEntry *e = p;

        free(e->operator);
        free((char *) e->now.reason);
        free((char *) e->now.agent);
        free(e->calls);
        free(e->pauses);
        free(e);
}

static void manager_replay_calls_free(Manager *m) {
        for (size_t i = 0; i < m->n_replay_calls; i++)
                free(m->replay_calls[i].operator);
        m->replay_calls = mfree(m->replay_calls);
        m->replay_by_start = mfree(m->replay_by_start);
        m->n_replay_calls = m->next_call_start = m->next_call_end = 0;
}

void manager_agents_done(Manager *m) {
        tdestroy(m->agents, manager_agent_entry_free);
        m->agents = NULL;
        memset(m->agent_counts, 0, sizeof m->agent_counts);
        manager_replay_calls_free(m);
}

static ManagerAgentEntry *manager_agent_find(const Manager *m, const char *operator) {
        ManagerAgentEntry key = { .operator = (char *) operator };
        void **node = tfind(&key, &m->agents, manager_agent_compare);

        return node ? *node : NULL;
}

/* The entry of operator, added (logged out) when new; NULL on OOM. */
static ManagerAgentEntry *manager_agent_entry(Manager *m, const char *operator) {
        ManagerAgentEntry *e = manager_agent_find(m, operator);

        if (e)
                return e;
        e = calloc(1, sizeof(ManagerAgentEntry));
        if (!e || !(e->operator = strdup(operator)) || !tsearch(e, &m->agents, manager_agent_compare)) {
                if (e)
                        manager_agent_entry_free(e);
                return NULL;
        }
        e->now.state = AGENT_LOGGED_OUT;
        m->agent_counts[AGENT_LOGGED_OUT]++;
        return e;
}

const ManagerAgent *manager_agent_get(const Manager *m, const char *operator) {
        const ManagerAgentEntry *e = manager_agent_find(m, operator);

        return e ? &e->now : NULL;
}

void manager_agent_changed(Manager *m, const char *operator, const ManagerAgent *before, const ManagerAgent *after) {
        /* Calls coming and going are the bulk (two a call): debug; logins,
         * logoffs, pauses and breaks: info. */
        int level = after->state == AGENT_ON_CALL ||
                    (after->state == AGENT_AVAILABLE && before->state == AGENT_ON_CALL) ? LOG_DEBUG : LOG_INFO;
        char when[ISO8601_MAX];

        /* The one place every change of state passes: due breaks and
         * adherence hook in here. */
        time_format_clock(after->since, m->policy ? m->policy->timezone : "UTC", false, when);
        log_internal(level, 0, "%s: %s since %s%s%s%s%s%s%s", ESCAPED(operator), agent_state_to_string(after->state),
                     when, after->agent ? " (" : "", after->agent ? ESCAPED(after->agent) : "",
                     after->agent ? ")" : "", after->reason ? ", \"" : "", after->reason ? ESCAPED(after->reason) : "",
                     after->reason ? "\"" : "");
        manager_breaks_agent_changed(m, operator, before, after);
}

/* Keep [start, end) in the spans (*spans, *n: calls or pauses): by start,
 * one per start (the longer end wins), and only MANAGER_AGENT_CALLS_BACK
 * behind the latest. */
static int manager_agent_spans_add(ManagerCallSpan **spans, size_t *n, usec_t start, usec_t end) {
        ManagerCallSpan *v = *spans;
        size_t i = *n, drop = 0;
        int r;

        if (end <= start)
                return 0;
        while (i > 0 && v[i - 1].start > start)
                i--;
        if (i > 0 && v[i - 1].start == start) {
                v[i - 1].end = MAX(v[i - 1].end, end);
                return 0;
        }
        r = array_grow((void **) spans, *n, sizeof(ManagerCallSpan));
        if (r < 0)
                return r;
        v = *spans;
        memmove(v + i + 1, v + i, (*n - i) * sizeof(ManagerCallSpan));
        v[i] = (ManagerCallSpan) { start, end };
        (*n)++;
        while (drop < *n && v[drop].end + MANAGER_AGENT_CALLS_BACK < v[*n - 1].start)
                drop++;
        if (drop > 0) {
                memmove(v, v + drop, (*n - drop) * sizeof(ManagerCallSpan));
                *n -= drop;
        }
        return 0;
}

static int manager_agent_entry_add_call(ManagerAgentEntry *e, usec_t start, usec_t end) {
        return manager_agent_spans_add(&e->calls, &e->n_calls, start, end);
}

int manager_agent_add_call(Manager *m, const char *operator, usec_t start, usec_t end) {
        ManagerAgentEntry *e = manager_agent_entry(m, operator);

        return e ? manager_agent_entry_add_call(e, start, end) : -ENOMEM;
}

static bool manager_agent_same(const ManagerAgent *a, const ManagerAgent *b) {
        return a->state == b->state && streq_ptr(a->reason, b->reason) &&
               (a->state != AGENT_ON_CALL || a->call_since == b->call_since);
}

int manager_agent_set(Manager *m, const AgentStateChange *c) {
        ManagerAgentEntry *e = manager_agent_entry(m, c->operator);
        _cleanup_free_ char *reason = NULL, *agent = NULL;
        ManagerAgent before, after;
        int r;

        if (!e)
                return -ENOMEM;
        if (c->state < 0 || c->state >= _AGENT_STATE_MAX)
                return -EINVAL;
        if (c->since < e->now.since)
                return -ESTALE;         /* older than what is known: changes nothing */
        after = (ManagerAgent) {
                .state = c->state,
                .since = c->since,
                .reason = c->state == AGENT_PAUSED || c->state == AGENT_ON_BREAK ? c->reason : NULL,
                .agent = c->agent ?: e->now.agent,
                .call_since = c->state == AGENT_ON_CALL ? c->since : 0,
        };
        /* Still the same call (a queue_log's CONNECT said again). */
        if (after.state == AGENT_ON_CALL && e->now.state == AGENT_ON_CALL && c->since == e->now.call_since)
                after.call_since = e->now.call_since;
        if (manager_agent_same(&e->now, &after))
                return 0;

        /* A call that was on is over: one closed span more. */
        if (e->now.state == AGENT_ON_CALL) {
                r = manager_agent_entry_add_call(e, e->now.call_since, c->since);
                if (r < 0)
                        return r;
        }
        /* A pause that was on is over (paused with another reason goes on
         * with it): one closed pause more, whatever its reason. */
        if (e->now.state == AGENT_PAUSED && after.state != AGENT_PAUSED) {
                r = manager_agent_spans_add(&e->pauses, &e->n_pauses, e->pause_since, c->since);
                if (r < 0)
                        return r;
        }
        if (strdup_to(&reason, after.reason) < 0 || strdup_to(&agent, after.agent) < 0)
                return -ENOMEM;
        after.reason = reason;
        after.agent = agent;
        if (after.state == AGENT_PAUSED && e->now.state != AGENT_PAUSED)
                e->pause_since = after.since;
        before = e->now;
        m->agent_counts[before.state]--;
        m->agent_counts[after.state]++;
        e->now = after;
        TAKE_PTR(reason);
        TAKE_PTR(agent);
        /* A wrong agents mapping shows here: say it once per operator. */
        if (!e->told_unknown && m->roster && roster_find_operator(m->roster, e->operator) < 0) {
                e->told_unknown = true;
                log_notice("%s: the ACD reports an operator the roster does not know (%s); check the agents "
                           "mapping of sources.calls.", ESCAPED(e->operator), ESCAPED(e->now.agent ?: "no channel"));
        }
        manager_agent_changed(m, e->operator, &before, &e->now);
        free((char *) before.reason);
        free((char *) before.agent);
        return 1;
}

int manager_set_agent_state(Manager *m, const char *operator, const char *state, usec_t since, const char *reason) {
        usec_t now = clock_now(&m->clock);
        AgentStateChange c = {
                .operator = (char *) operator,
                .state = agent_state_from_string(state),
                .since = since ?: now,
                .reason = isempty(reason) ? NULL : (char *) reason,
        };

        if (c.state < 0)
                return -EINVAL;
        if (roster_find_operator(m->roster, operator) < 0)
                return -ENXIO;
        if (c.since > now + USEC_PER_MINUTE)
                return -EDOM;
        if (reason && strlen(reason) > MANAGER_AGENT_REASON_MAX)
                return -E2BIG;
        return manager_agent_set(m, &c);
}

ssize_t manager_agent_calls(const Manager *m, const char *operator, usec_t now, ManagerCallSpan **ret) {
        const ManagerAgentEntry *e = manager_agent_find(m, operator);
        bool open = e && e->now.state == AGENT_ON_CALL;
        size_t n = e ? e->n_calls : 0;
        ManagerCallSpan *v = calloc(n + open + 1, sizeof(ManagerCallSpan));

        if (!v)
                return -ENOMEM;
        if (n > 0)
                memcpy(v, e->calls, n * sizeof(ManagerCallSpan));
        if (open)
                v[n++] = (ManagerCallSpan) { e->now.call_since, MAX(now, e->now.call_since + 1) };
        *ret = v;
        return (ssize_t) n;
}

size_t manager_agent_pauses(const Manager *m, const char *operator, const ManagerCallSpan **ret) {
        const ManagerAgentEntry *e = manager_agent_find(m, operator);

        *ret = e && e->n_pauses > 0 ? e->pauses : NULL;
        return e ? e->n_pauses : 0;
}

int manager_agent_take_changes(Manager *m, AgentStateChange *changes, size_t n) {
        int r = 0;

        for (size_t i = 0; i < n; i++) {
                int k = manager_agent_set(m, &changes[i]);

                if (k == -ENOMEM)
                        r = k;
                agent_state_change_done(&changes[i]);
        }
        free(changes);
        return r;
}

/* ---- call-record CSVs under a replay clock ---- */

/* The replay calls sorted by start (indexes), for qsort_r(). */
static int manager_replay_start_compare(const void *a, const void *b, void *userdata) {
        const ManagerReplayCall *calls = userdata;
        usec_t x = calls[*(const size_t *) a].start, y = calls[*(const size_t *) b].start;

        return x < y ? -1 : x > y;
}

static size_t manager_replay_first_start_after(const Manager *m, usec_t now) {
        size_t lo = 0, hi = m->n_replay_calls;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (m->replay_calls[m->replay_by_start[mid]].start <= now)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static size_t manager_replay_first_end_after(const Manager *m, usec_t now) {
        size_t lo = 0, hi = m->n_replay_calls;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (m->replay_calls[mid].end <= now)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/* Call c began (start) or ended: on_call since its start, available at
 * its end unless another call of theirs began since. */
static void manager_replay_edge(Manager *m, const ManagerReplayCall *c, bool start) {
        const ManagerAgent *a = manager_agent_get(m, c->operator);
        AgentStateChange change = {
                .operator = c->operator,
                .state = start ? AGENT_ON_CALL : AGENT_AVAILABLE,
                .since = start ? c->start : c->end,
        };
        int r;

        if (!start && !(a && a->state == AGENT_ON_CALL && a->call_since == c->start))
                r = manager_agent_add_call(m, c->operator, c->start, c->end);
        else
                r = manager_agent_set(m, &change);
        if (r == -ENOMEM)
                log_oom();
}

/* A replay at high speed brings hundreds of call edges at once; each may
 * cost a team's revision (tens of ms): a slice of them per run of the loop. */
#define MANAGER_REPLAY_SLICE (USEC_PER_SEC / 20)

bool manager_agent_replay_run(Manager *m, usec_t until) {
        usec_t stop = now_usec(CLOCK_MONOTONIC) + MANAGER_REPLAY_SLICE;

        for (;;) {
                const ManagerReplayCall *s = m->next_call_start < m->n_replay_calls ?
                                             &m->replay_calls[m->replay_by_start[m->next_call_start]] : NULL;
                const ManagerReplayCall *e = m->next_call_end < m->n_replay_calls ?
                                             &m->replay_calls[m->next_call_end] : NULL;

                /* In time order, an end before a start at the same instant. */
                if (e && e->end <= until && (!s || e->end <= s->start)) {
                        manager_replay_edge(m, e, false);
                        m->next_call_end++;
                } else if (s && s->start <= until) {
                        manager_replay_edge(m, s, true);
                        m->next_call_start++;
                } else
                        return true;
                if (now_usec(CLOCK_MONOTONIC) >= stop)
                        return manager_agent_replay_next(m) > until;
        }
}

usec_t manager_agent_replay_next(const Manager *m) {
        usec_t next = USEC_INFINITY;

        if (m->next_call_start < m->n_replay_calls)
                next = m->replay_calls[m->replay_by_start[m->next_call_start]].start;
        if (m->next_call_end < m->n_replay_calls)
                next = MIN(next, m->replay_calls[m->next_call_end].end);
        return next;
}

int manager_agent_replay_reset(Manager *m, const CallLog *calls, char * const *skip_prefixes) {
        usec_t now = clock_now(&m->clock);

        manager_replay_calls_free(m);
        if (!m->replay_from || !calls || calls->n_calls == 0)
                return 0;
        m->replay_calls = calloc(calls->n_calls, sizeof(ManagerReplayCall));
        m->replay_by_start = calloc(calls->n_calls, sizeof(size_t));
        if (!m->replay_calls || !m->replay_by_start)
                return log_oom();
        /* In the call log's order: by end. */
        for (size_t i = 0; i < calls->n_calls; i++) {
                const CallRecord *c = &calls->calls[i];
                bool followed = false;

                for (char * const *p = skip_prefixes; p && *p && !followed; p++)
                        followed = c->source && strncmp(c->source, *p, strlen(*p)) == 0 &&
                                   c->source[strlen(*p)] == ':';
                if (followed)
                        continue;       /* a queue_log's: its own lines say */
                m->replay_calls[m->n_replay_calls] = (ManagerReplayCall) {
                        .operator = strdup(c->operator), .start = c->start, .end = c->end,
                };
                if (!m->replay_calls[m->n_replay_calls].operator)
                        return log_oom();
                m->replay_by_start[m->n_replay_calls] = m->n_replay_calls;
                m->n_replay_calls++;
        }
        qsort_r(m->replay_by_start, m->n_replay_calls, sizeof(size_t), manager_replay_start_compare,
                m->replay_calls);

        /* What the clock passed already: calls over are known calls, those
         * going on make their operator on_call. */
        m->next_call_end = manager_replay_first_end_after(m, now);
        m->next_call_start = manager_replay_first_start_after(m, now);
        for (size_t i = 0; i < m->next_call_end; i++) {
                const ManagerReplayCall *c = &m->replay_calls[i];

                if (c->end + MANAGER_AGENT_CALLS_BACK >= now &&
                    manager_agent_add_call(m, c->operator, c->start, c->end) < 0)
                        return log_oom();
        }
        for (size_t i = m->next_call_end; i < m->n_replay_calls; i++)
                if (m->replay_calls[i].start <= now)
                        manager_replay_edge(m, &m->replay_calls[i], true);
        return 0;
}
