/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Breaks that really happen. The clock reaching a break's start begins it
 * unless the ACD says its operator is on a call: then the break is due, the
 * queue is told (break_due), and it begins when the call ends (the
 * revision at the call's end places it there: the planner does not freeze a
 * break whose start lies inside a call). A call answered during a break
 * interrupts it: the revision at the call's start ends it there and grants
 * the rest after the call. When a break begins and ends, BreakStarted and
 * BreakEnded go out and the actions tell the queue; at its end, what the
 * ACD said meanwhile judges whether it was taken (core/adherence.h). */
#include <search.h>

#include "daemon/bus.h"
#include "daemon/manager-internal.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* What one operator's breaks are waiting for. */
typedef struct ManagerOperatorBreaks {
        char *operator;
        char **due;                     /* uids of breaks whose start came during a call */
        unsigned running;               /* breaks begun and not ended */
        usec_t interrupted;             /* a call answered during a break running began then; else 0 */
        AgentStateChange *timeline;     /* while a break runs: the state at its start and every change
                                         * since; else the last change alone (only since and state) */
        size_t n_timeline;
} ManagerOperatorBreaks;

/* A judged break: what the operator's feed and GetMetrics say of it. */
typedef struct ManagerAdherence {
        char *uid;
        BreakKind kind;
        usec_t end;             /* of the break */
        AdherenceDetail detail;
} ManagerAdherence;

static int manager_operator_breaks_compare(const void *a, const void *b) {
        return strcmp(((const ManagerOperatorBreaks *) a)->operator, ((const ManagerOperatorBreaks *) b)->operator);
}

static void manager_operator_breaks_free(void *p) {
        ManagerOperatorBreaks *e = p;

        free(e->operator);
        strv_free(e->due);
        free(e->timeline);
        free(e);
}

static int manager_adherence_compare(const void *a, const void *b) {
        return strcmp(((const ManagerAdherence *) a)->uid, ((const ManagerAdherence *) b)->uid);
}

static void manager_adherence_free(void *p) {
        ManagerAdherence *a = p;

        free(a->uid);
        free(a);
}

void manager_breaks_done(Manager *m) {
        tdestroy(m->breaks_by_operator, manager_operator_breaks_free);
        m->breaks_by_operator = NULL;
        tdestroy(m->adherence, manager_adherence_free);
        m->adherence = NULL;
        m->adherence_counts = (AdherenceCounts) {};
}

static ManagerOperatorBreaks *manager_find_operator_breaks(const Manager *m, const char *operator) {
        ManagerOperatorBreaks key = { .operator = (char *) operator };
        void **node = tfind(&key, &m->breaks_by_operator, manager_operator_breaks_compare);

        return node ? *(ManagerOperatorBreaks **) node : NULL;
}

/* The entry of operator, added when new; NULL on OOM. */
static ManagerOperatorBreaks *manager_operator_breaks(Manager *m, const char *operator) {
        ManagerOperatorBreaks *e = manager_find_operator_breaks(m, operator);

        if (e)
                return e;
        e = calloc(1, sizeof(ManagerOperatorBreaks));
        if (!e || !(e->operator = strdup(operator)) ||
            !tsearch(e, &m->breaks_by_operator, manager_operator_breaks_compare)) {
                if (e)
                        manager_operator_breaks_free(e);
                return NULL;
        }
        return e;
}

/* Append (since, state) to the timeline of e: kept whole while a break
 * runs, else only the last. */
static int manager_timeline_add(ManagerOperatorBreaks *e, usec_t since, AgentState state) {
        if (e->running == 0)
                e->n_timeline = 0;
        else if (e->n_timeline > 0 && e->timeline[e->n_timeline - 1].since > since)
                since = e->timeline[e->n_timeline - 1].since;   /* keep it sorted */
        if (array_grow((void **) &e->timeline, e->n_timeline, sizeof(AgentStateChange)) < 0)
                return -ENOMEM;
        e->timeline[e->n_timeline++] = (AgentStateChange) { .since = since, .state = state };
        return 0;
}

static bool manager_operator_on_call(Manager *m, const char *operator, usec_t *ret_since) {
        const ManagerAgent *a = manager_agent_get(m, operator);

        if (!a || a->state != AGENT_ON_CALL)
                return false;
        if (ret_since)
                *ret_since = a->since;
        return true;
}

static void manager_break_action(Manager *m, ActionEvent event, const ShiftPlan *s, const Break *b) {
        const ManagerAgent *a = manager_agent_get(m, s->operator);
        _cleanup_free_ char *uid = NULL;

        if (feed_event_uid(b->uid, &uid) < 0) {
                log_oom();
                return;
        }
        (void) actions_run(m->actions, event, &(ActionContext) {
                .operator = s->operator,
                .team = s->team,
                .agent = a ? a->agent : NULL,
                .break_kind = break_kind_to_string(b->kind),
                .break_uid = uid,
                /* The queue may show it to the whole team (a wallboard, a
                 * pause reason): a team feed's word, never "recovery". */
                .reason = "Break",
                .start = b->start,
                .end = b->end,
        });
}

bool manager_break_begins(Manager *m, const ShiftPlan *s, const Break *b) {
        ManagerOperatorBreaks *e = manager_operator_breaks(m, s->operator);
        const char *kind = break_kind_to_string(b->kind);
        char buf[ISO8601_MAX];
        usec_t since;

        if (!e) {
                log_oom();
                return false;
        }
        if (manager_operator_on_call(m, s->operator, &since)) {
                if (strv_contains(e->due, b->uid))
                        return false;
                if (strv_extend(&e->due, b->uid) < 0) {
                        log_oom();
                        return false;
                }
                log_info("%s: %s break due: on a call since %s; it begins when the call ends.", s->operator, kind,
                         time_format_clock(since, m->policy->timezone, false, buf));
                manager_break_action(m, ACTION_BREAK_DUE, s, b);
                return false;
        }

        if (strv_remove(e->due, b->uid))
                log_info("%s: %s break begins at the end of the call.", s->operator, kind);
        else
                log_info("%s: %s break begins.", s->operator, kind);
        e->running++;
        (void) bus_emit_break(m, BUS_SIGNAL_BREAK_STARTED, s->operator, b);
        manager_break_action(m, ACTION_BREAK_START, s, b);
        return true;
}

/* Keep the verdict d on break uid, replacing an earlier one; counted in
 * GetMetrics when the break ended today (the feeds' window day). Returns
 * 0 or -ENOMEM. */
static int manager_adherence_put(Manager *m, const char *uid, BreakKind kind, usec_t end, const AdherenceDetail *d) {
        ManagerAdherence *a, key = { .uid = (char *) uid };
        void **node = tfind(&key, &m->adherence, manager_adherence_compare);

        if (node) {
                a = *(ManagerAdherence **) node;
                if (a->end >= m->window_day)
                        m->adherence_counts.breaks[a->kind][a->detail.adherence]--;
        } else {
                a = calloc(1, sizeof(ManagerAdherence));
                if (!a || !(a->uid = strdup(uid)) || !tsearch(a, &m->adherence, manager_adherence_compare)) {
                        if (a)
                                manager_adherence_free(a);
                        return -ENOMEM;
                }
        }
        a->kind = kind;
        a->end = end;
        a->detail = *d;
        if (end >= m->window_day)
                m->adherence_counts.breaks[kind][d->adherence]++;
        return 0;
}

static int manager_adherence_loaded(const char *uid, BreakKind kind, usec_t end, const AdherenceDetail *d,
                                    void *userdata) {
        return manager_adherence_put(userdata, uid, kind, end, d);
}

int manager_load_adherence(Manager *m) {
        usec_t back = m->policy->feeds.window_back;
        int r;

        tdestroy(m->adherence, manager_adherence_free);
        m->adherence = NULL;
        m->adherence_counts = (AdherenceCounts) {};
        if (!m->store)
                return 0;
        r = store_foreach_adherence(m->store, m->window_day > back ? m->window_day - back : 0,
                                    manager_adherence_loaded, m);
        if (r < 0)
                return log_warning_errno(r, "Failed to read whether breaks were taken: %m (%s), ignoring",
                                         store_error(m->store));
        return 0;
}

/* Judge b from the timeline of e and keep the verdict for the feed, the
 * metrics and the store. */
static void manager_break_judge(Manager *m, ManagerOperatorBreaks *e, const ShiftPlan *s, const Break *b) {
        static const char * const said[_ADHERENCE_MAX] = {
                [ADHERENCE_TAKEN]        = "taken",
                [ADHERENCE_PARTLY_TAKEN] = "partly taken",
                [ADHERENCE_NOT_TAKEN]    = "not taken",
        };
        char off[DURATION_MAX], length[DURATION_MAX];
        AdherenceDetail d;
        int r;

        adherence_judge(b, e->timeline, e->n_timeline, b->end, &d);
        /* The revision at the call cut the break there: that call
         * interrupted it. */
        if (e->interrupted > b->start && e->interrupted <= b->end) {
                d.interrupted = e->interrupted;
                if (d.adherence == ADHERENCE_TAKEN)
                        d.adherence = ADHERENCE_PARTLY_TAKEN;
        }
        if (!said[d.adherence])
                return;         /* nothing known: nothing to say */

        if (manager_adherence_put(m, b->uid, b->kind, b->end, &d) < 0) {
                log_oom();
                return;
        }
        log_info("%s: %s break %s (off the phones %s of %s%s).", s->operator, break_kind_to_string(b->kind),
                 said[d.adherence], duration_format(d.off, off, sizeof off),
                 duration_format(b->end - b->start, length, sizeof length),
                 d.interrupted ? ", a call answered during it" : "");
        /* The operator's own record: their feed says it. */
        (void) manager_publish_operator(m, s->operator);
        if (m->store) {
                r = store_save_adherence(m->store, s->operator, b, &d);
                if (r < 0)
                        log_warning_errno(r, "Failed to store whether break %s was taken: %m (%s), ignoring",
                                          b->uid, store_error(m->store));
        }
}

bool manager_break_ends(Manager *m, const ShiftPlan *s, const Break *b) {
        ManagerOperatorBreaks *e = manager_find_operator_breaks(m, s->operator);

        if (e && strv_contains(e->due, b->uid))
                return false;   /* it never began: the call's end moves it */

        log_info("%s: %s break ends.", s->operator, break_kind_to_string(b->kind));
        (void) bus_emit_break(m, BUS_SIGNAL_BREAK_ENDED, s->operator, b);
        manager_break_action(m, ACTION_BREAK_END, s, b);
        if (!e)
                return true;
        manager_break_judge(m, e, s, b);
        e->interrupted = 0;
        if (e->running > 0 && --e->running == 0 && e->n_timeline > 1) {
                /* Keep the state now for the next break. */
                e->timeline[0] = e->timeline[e->n_timeline - 1];
                e->n_timeline = 1;
        }
        return true;
}

void manager_breaks_agent_changed(Manager *m, const char *operator, const ManagerAgent *before,
                                  const ManagerAgent *after) {
        ManagerOperatorBreaks *e = manager_operator_breaks(m, operator);
        bool call_began = after->state == AGENT_ON_CALL && (!before || before->state != AGENT_ON_CALL);
        bool call_ended = before && before->state == AGENT_ON_CALL && after->state != AGENT_ON_CALL;
        /* A pause the operator took on their own is over: where the preset
         * lets it count (statutory.pauses_count), a statutory break it now
         * covers goes. One outside a break of respite's only. */
        bool pause_ended = before && before->state == AGENT_PAUSED && after->state != AGENT_PAUSED &&
                           m->policy && m->policy->statutory.pauses_count;
        size_t kept = 0;

        if (!e || manager_timeline_add(e, after->since, after->state) < 0) {
                log_oom();
                return;
        }
        /* A call during a break cuts it; the end of a call begins what
         * waited for it. Both are the planner's to place. */
        if (call_began && e->running > 0) {
                e->interrupted = after->since;
                log_info("%s: a call answered during a break interrupts it; the rest follows the call.",
                         operator);
        } else if (!(call_ended && e->due && e->due[0]) && !(pause_ended && e->running == 0))
                return;
        (void) manager_revise(m, operator);
        /* Breaks due that the revision dropped (merged into another) wait
         * for nothing any more. */
        if (!e->due)
                return;
        for (size_t i = 0; e->due[i]; i++) {
                if (plan_find_operator_break(m->plan, operator, e->due[i]))
                        e->due[kept++] = e->due[i];
                else
                        free(e->due[i]);
        }
        e->due[kept] = NULL;
}

const AdherenceDetail *manager_adherence_of(const char *uid, void *userdata) {
        Manager *m = userdata;
        ManagerAdherence key = { .uid = (char *) uid };
        void **node = tfind(&key, &m->adherence, manager_adherence_compare);

        return node ? &(*(ManagerAdherence **) node)->detail : NULL;
}
