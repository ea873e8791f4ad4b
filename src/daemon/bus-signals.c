/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Subscribe() and Unsubscribe(), and the signals: each a unicast message to
 * every subscriber who may see it (subscribers.h), never a broadcast. */
#include <stdarg.h>

#include "daemon/bus-internal.h"
#include "daemon/manager-internal.h"
#include "shared/log.h"

/* Subscribe() → ()
 * From now until Unsubscribe() or until the caller leaves the bus, send it
 * the signals it may see: BreakScheduled, BreakStarted, BreakEnded and
 * ScheduleChanged about the operators whose schedule it may read (its own,
 * its teams' as a lead, everyone's for root, the daemon's user and
 * integrations), LeadAlert and AlertAcknowledged about its teams as a lead
 * (and root), and escalated ones to access.escalate_to (respited(8)
 * SIGNALS). Anyone may subscribe; subscribing again changes nothing. A
 * restarted respited knows no subscriber: clients subscribe whenever
 * respited appears on the bus, as with systemd's Manager. */
int bus_method_subscribe(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(caller_done) Caller caller = {};
        Manager *m = userdata;
        int r;

        r = caller_from_message(msg, &caller);
        if (r < 0)
                return r;
        r = subscribers_add(m->subscribers, msg, &caller);
        if (r < 0)
                return r;
        if (r > 0)
                log_debug("%s (uid %u) subscribed; %zu subscribers.", sd_bus_message_get_sender(msg),
                          (unsigned) caller.uid, subscribers_count(m->subscribers));
        return sd_bus_reply_method_return(msg, NULL);
}

/* Unsubscribe() → ()
 * Stop sending the caller signals.
 * Errors: Error.NotSubscribed. */
int bus_method_unsubscribe(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *name = sd_bus_message_get_sender(msg);

        if (!name || subscribers_remove(m->subscribers, name) < 0)
                return sd_bus_error_set(error, BUS_ERROR_NOT_SUBSCRIBED, "Not subscribed.");
        return sd_bus_reply_method_return(msg, NULL);
}

/* One signal to send to each receiver: member with types and the values. */
typedef struct BusSignal {
        Manager *manager;
        const char *member;
        const char *types;
        va_list *ap;
} BusSignal;

static int bus_signal_send(const char *destination, void *userdata) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        const BusSignal *s = userdata;
        va_list ap;
        int r;

        r = sd_bus_message_new_signal(s->manager->bus, &msg, BUS_PATH, BUS_INTERFACE, s->member);
        if (r < 0)
                return r;
        r = sd_bus_message_set_destination(msg, destination);
        if (r < 0)
                return r;
        va_copy(ap, *s->ap);
        r = sd_bus_message_appendv(msg, s->types, ap);
        va_end(ap);
        if (r < 0)
                return r;
        r = sd_bus_send(s->manager->bus, msg, NULL);
        /* A subscriber that is gone as we send is forgotten soon (its
         * NameOwnerChanged): not a reason to stop the others. */
        if (r < 0)
                log_debug_errno(r, "Failed to send %s to %s: %m", s->member, destination);
        return 0;
}

/* Send member (types, values…) to the subscribers of audience a about
 * operator of team. Returns how many, or a negative errno. */
static int bus_emit(Manager *m, SubscriberAudience a, const char *operator, const char *team, const char *member,
                    const char *types, ...) {
        va_list ap;
        int r;

        if (!m->bus)
                return 0;
        va_start(ap, types);
        r = subscribers_foreach(m->subscribers, a, operator, team, bus_signal_send,
                                &(BusSignal) { .manager = m, .member = member, .types = types, .ap = &ap });
        va_end(ap);
        return r;
}

int bus_emit_break(Manager *m, const char *member, const char *operator, const Break *b) {
        _cleanup_free_ char *uid = NULL;
        int r;

        if (!m->bus)
                return 0;
        r = feed_event_uid(b->uid, &uid);
        if (r < 0)
                return r;
        return bus_emit(m, AUDIENCE_READERS, operator, roster_operator_team(m->roster, operator), member, "ssstts",
                        operator, uid, break_kind_to_string(b->kind), b->start, b->end,
                        break_kind_public_reason(b->kind));
}

int bus_emit_schedule_changed(Manager *m, const char *operator) {
        return bus_emit(m, AUDIENCE_READERS, operator, roster_operator_team(m->roster, operator),
                        BUS_SIGNAL_SCHEDULE_CHANGED, "s", operator);
}

int bus_emit_lead_alert(Manager *m, const Alert *a, SubscriberAudience audience) {
        return bus_emit(m, audience, NULL, a->team, BUS_SIGNAL_LEAD_ALERT, "sssttt", a->id, a->operator,
                        a->category, a->when, a->recovery_start, a->recovery_end);
}

int bus_emit_alert_acknowledged(Manager *m, const Alert *a) {
        return bus_emit(m, a->escalated ? AUDIENCE_ESCALATED : AUDIENCE_LEADS, NULL, a->team,
                        BUS_SIGNAL_ALERT_ACKNOWLEDGED, "ssst", a->id, a->operator, a->acknowledged_by,
                        a->acknowledged);
}
