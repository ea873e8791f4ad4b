/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respited's side: its signals (Subscribe), whom we notify (WhoAmI), the
 * operator's breaks (GetSchedule), the operator's signals, and catching up
 * whenever something may have been missed: respited back on the bus,
 * ScheduleChanged, a resume from suspend, a clock jump (lead alerts:
 * notify-alert.c). */
#include "notify/notify-internal.h"
#include "shared/bus-contract.h"
#include "shared/clock.h"
#include "shared/i18n.h"
#include "shared/log.h"

/* Calls to respited give up after this (it answers in milliseconds). */
#define CALL_TIMEOUT (5 * USEC_PER_SEC)
/* How often suspend and clock jumps are looked for, and what counts. */
#define WATCH_TICK (15 * USEC_PER_SEC)
#define JUMP_MIN   (60 * USEC_PER_SEC)

int notify_daemon_call(Agent *a, const char *method, sd_bus_message **ret, const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(a->daemon, &m, BUS_NAME, BUS_PATH, BUS_INTERFACE, method);
        if (r < 0)
                return r;
        va_start(ap, types);
        r = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
        if (r < 0)
                return r;
        r = sd_bus_call(a->daemon, m, CALL_TIMEOUT, &error, ret);
        if (r < 0)
                return log_warning_errno(r, _("respited: %s failed: %s"), method, error.message ?: strerror(-r));
        return 0;
}

int notify_daemon_now(Agent *a, usec_t *ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        uint64_t now;
        int r;

        r = sd_bus_get_property_trivial(a->daemon, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_NOW, &error,
                                        't', &now);
        if (r < 0)
                return r;
        *ret = now;
        return 0;
}

int notify_for_each_break(Agent *a, usec_t from, usec_t to,
                          int (*f)(Agent *a, const BreakInfo *b, void *userdata), void *userdata) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        BreakInfo b;
        int r;

        r = notify_daemon_call(a, BUS_METHOD_GET_SCHEDULE, &reply, "stt", a->operator, (uint64_t) from, (uint64_t) to);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(sttss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sttss)", &b.kind, &b.start, &b.end, &b.uid,
                                                  &b.reason)) > 0) {
                r = f(a, &b, userdata);
                if (r < 0)
                        return r;
        }
        return r;
}

static int notify_find_reason(Agent *a, const BreakInfo *b, void *userdata) {
        BreakInfo *want = userdata;

        if (streq(b->uid, want->uid))
                return strdup_to((char **) &want->reason, b->reason);
        return 0;
}

/* ---- Signals of respited ---- */

bool notify_daemon_is_sender(Agent *a, sd_bus_message *m) {
        /* The bus filters on the well-known name; check the owner as well. */
        return !a->daemon_owner || streq_ptr(sd_bus_message_get_sender(m), a->daemon_owner);
}

static int notify_on_break_signal(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *operator, *member = sd_bus_message_get_member(m);
        BreakInfo b = {};
        usec_t now = 0;
        int r;

        if (!notify_daemon_is_sender(a, m))
                return 0;
        r = sd_bus_message_read(m, "ssstts", &operator, &b.uid, &b.kind, &b.start, &b.end, &b.reason);
        if (r < 0 || !streq(operator, a->operator))
                return 0;
        log_debug("%s %s", member, b.uid);

        if (streq(member, BUS_SIGNAL_BREAK_SCHEDULED)) {
                BreakInfo want = { .uid = b.uid };

                /* The signal says only "Recovery break": ask why. */
                (void) notify_for_each_break(a, b.start, b.end, notify_find_reason, &want);
                r = notify_show_scheduled(a, &b, want.reason);
                free((char *) want.reason);
                return r;
        }
        if (streq(member, BUS_SIGNAL_BREAK_STARTED)) {
                if (notify_daemon_now(a, &now) < 0)
                        now = b.start;
                return notify_show_started(a, &b, now);
        }
        return notify_show_ended(a, &b);
}

typedef struct CatchUp {
        usec_t now;
        bool announce;          /* tell what was missed (resume, daemon back); else only record */
        char **seen;            /* uids in the schedule */
} CatchUp;

static int notify_catch_up_one(Agent *a, const BreakInfo *b, void *userdata) {
        CatchUp *c = userdata;
        Shown *s = notify_shown_find(a, b->uid);

        if (strv_extend(&c->seen, b->uid) < 0)
                return -ENOMEM;
        if (b->end <= c->now)
                return 0;
        if (b->start <= c->now) {
                if (!s || s->stage < STAGE_STARTED)
                        return notify_show_started(a, b, c->now);
                return 0;
        }
        if (!s && !notify_is_recovery(b->kind, b->reason)) {
                /* A break of the day as it was: nothing to tell, remember it for "moved". */
                return notify_shown_record(a, b, STAGE_SCHEDULED);
        }
        if (!c->announce && s)
                return 0;
        return notify_show_scheduled(a, b, b->reason);
}

/* Read the operator's day again and show what still matters: a break in
 * progress, recovery breaks to come, moved breaks; breaks that ended
 * meanwhile replace their notification with "Break over". With announce
 * (respited back, a resume, a clock jump) in lead mode, the open alerts
 * too. */
static int notify_catch_up(Agent *a, bool announce) {
        CatchUp c = { .announce = announce };
        int r;

        if (announce && a->lead)
                (void) notify_alert_catch_up(a);
        if (!a->watching || notify_daemon_now(a, &c.now) < 0)
                return 0;
        r = notify_for_each_break(a, c.now > USEC_PER_DAY ? c.now - USEC_PER_DAY : 0, c.now + USEC_PER_DAY,
                                  notify_catch_up_one, &c);
        if (r < 0) {
                strv_free(c.seen);
                return r == -ENOMEM ? log_oom() : r;
        }
        for (size_t i = 0; i < a->n_shown; i++) {
                Shown *s = a->shown[i];

                if (s->style != NOTIFY_STYLE_BREAK || streq(s->uid, DAY_UID) || s->stage == STAGE_NONE ||
                    s->stage == STAGE_ENDED)
                        continue;
                if (s->end <= c.now && s->id > 0)
                        (void) notify_show_ended(a, &(BreakInfo) { .kind = s->kind ?: "", .uid = s->uid,
                                                                   .start = s->start, .end = s->end });
                else if (!strv_contains(c.seen, s->uid) && s->id > 0)
                        /* Gone from the plan: take its notification away. */
                        notify_close(a, s->id);
                if (!strv_contains(c.seen, s->uid) && s->end > c.now)
                        s->stage = STAGE_NONE;
        }
        strv_free(c.seen);
        notify_shown_forget_old(a, c.now);
        return 0;
}

static int notify_on_schedule_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *operator;

        if (!notify_daemon_is_sender(a, m) || sd_bus_message_read(m, "s", &operator) < 0 || !streq(operator, a->operator))
                return 0;
        return notify_catch_up(a, false);
}

/* Match the operator's signals only: arg0 is the operator. respited sends
 * them to subscribers alone (Subscribe()), as unicast messages, which
 * these rules match as they did broadcast ones. */
static int notify_watch_operator(Agent *a) {
        static const char * const members[] = {
                BUS_SIGNAL_BREAK_SCHEDULED, BUS_SIGNAL_BREAK_STARTED, BUS_SIGNAL_BREAK_ENDED,
                BUS_SIGNAL_SCHEDULE_CHANGED,
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(members); i++) {
                _cleanup_free_ char *rule = NULL;

                if (asprintf(&rule, "type='signal',sender='" BUS_NAME "',path='" BUS_PATH "',interface='"
                             BUS_INTERFACE "',member='%s',arg0='%s'", members[i], a->operator) < 0)
                        return -ENOMEM;
                r = sd_bus_add_match(a->daemon, NULL, rule,
                                     i == 3 ? notify_on_schedule_changed : notify_on_break_signal, a);
                if (r < 0)
                        return r;
        }
        a->watching = true;
        log_info(_("Watching the breaks of operator %s."), a->operator);
        return 0;
}

/* Ask respited for its signals: it sends them only to subscribers, and
 * forgets us when it restarts. A respited without Subscribe() (older)
 * broadcasts them. Logs. */
static int notify_daemon_subscribe(Agent *a) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call_method(a->daemon, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_METHOD_SUBSCRIBE, &error, NULL, NULL);
        if (r >= 0) {
                log_debug(_("Subscribed to respited's signals."));
                return 0;
        }
        if (sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_METHOD)) {
                log_debug(_("respited has no Subscribe(): it broadcasts its signals."));
                return 0;
        }
        return log_warning_errno(r, _("Failed to subscribe to respited's signals: %s; no news will come until it "
                                   "restarts."), error.message ?: strerror(-r));
}

/* The operator: --operator, the config file, else whom respited maps our
 * user to (WhoAmI). */
static int notify_find_operator(Agent *a) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *op;
        int r;

        if (a->operator)
                return 0;
        r = notify_daemon_call(a, BUS_METHOD_WHO_AM_I, &reply, "");
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "s", &op);
        if (r < 0)
                return r;
        a->operator = strdup(op);
        return a->operator ? 0 : -ENOMEM;
}

int notify_daemon_appeared(Agent *a, const char *owner) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char *zone = NULL;
        int r;

        free(a->daemon_owner);
        a->daemon_owner = strdup(owner);
        if (!a->daemon_owner)
                return log_oom();
        a->warned_daemon = false;
        r = sd_bus_get_property_string(a->daemon, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_TIMEZONE,
                                       &error, &zone);
        if (r < 0)
                return log_warning_errno(r, _("Failed to read respited's time zone: %s, waiting for it to restart"),
                                         error.message ?: strerror(-r));
        free(a->zone);
        a->zone = zone;

        /* A lead follows an operator's breaks only when told which. */
        r = a->lead ? 0 : notify_find_operator(a);
        if (r < 0) {
                log_error(_("Which operator am I? Give --operator ID, or operator = \"ID\"; in the config file, "
                            "or ask an administrator to map your user in respite.conf's access section "
                            "(a team lead runs respite-notify --lead)."));
                return sd_event_exit(a->event, EXIT_FAILURE);
        }
        if (a->operator && !a->watching) {
                r = notify_watch_operator(a);
                if (r < 0)
                        return log_error_errno(r, _("Failed to match respited's signals: %m"));
        }
        /* After the matches, before catching up: nothing falls in between. */
        (void) notify_daemon_subscribe(a);
        return notify_catch_up(a, true);
}

static int notify_on_daemon_owner(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *name, *old, *new;

        if (sd_bus_message_read(m, "sss", &name, &old, &new) < 0)
                return 0;
        if (!isempty(new)) {
                log_info(_("respited appeared on the bus."));
                return notify_daemon_appeared(a, new);
        }
        free(a->daemon_owner);
        a->daemon_owner = NULL;
        if (!a->warned_daemon)
                log_warning(_("respited left the bus; waiting for it to come back."));
        a->warned_daemon = true;
        return 0;
}

/* ---- Suspend and clock jumps ---- */

static int notify_on_prepare_for_sleep(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        int sleeping;

        if (sd_bus_message_read(m, "b", &sleeping) < 0 || sleeping)
                return 0;
        log_info(_("Resumed from suspend; catching up."));
        return notify_catch_up(userdata, true);
}

/* CLOCK_BOOTTIME runs through suspend, CLOCK_MONOTONIC does not: their gap
 * grows by the time asleep. CLOCK_REALTIME jumps when the clock is set. */
static int notify_on_watch(sd_event_source *s, uint64_t usec, void *userdata) {
        Agent *a = userdata;
        usec_t mono = now_usec(CLOCK_MONOTONIC), boot = now_usec(CLOCK_BOOTTIME), real = now_usec(CLOCK_REALTIME);
        int64_t slept = (int64_t) ((boot - mono) - (a->watch_boot - a->watch_mono));
        int64_t jumped = (int64_t) ((real - a->watch_real) - (mono - a->watch_mono));

        a->watch_mono = mono;
        a->watch_boot = boot;
        a->watch_real = real;
        if (slept > (int64_t) JUMP_MIN || jumped > (int64_t) JUMP_MIN || jumped < -(int64_t) JUMP_MIN) {
                log_info(_("The clock moved by %lld s (suspend or a clock change); catching up."),
                         (long long) ((slept > (int64_t) JUMP_MIN ? slept : jumped) / (int64_t) USEC_PER_SEC));
                (void) notify_catch_up(a, true);
        }
        (void) sd_event_source_set_time_relative(s, WATCH_TICK);
        return sd_event_source_set_enabled(s, SD_EVENT_ON);
}

int notify_daemon_add_matches(Agent *a) {
        int r;

        r = notify_add_owner_match(a->daemon, BUS_NAME, notify_on_daemon_owner, a);
        if (r < 0 || !a->system)
                return r;
        return sd_bus_match_signal(a->system, NULL, "org.freedesktop.login1", "/org/freedesktop/login1",
                                   "org.freedesktop.login1.Manager", "PrepareForSleep",
                                   notify_on_prepare_for_sleep, a);
}

int notify_daemon_watch_clock(Agent *a) {
        a->watch_mono = now_usec(CLOCK_MONOTONIC);
        a->watch_boot = now_usec(CLOCK_BOOTTIME);
        a->watch_real = now_usec(CLOCK_REALTIME);
        return sd_event_add_time_relative(a->event, &a->watch, CLOCK_MONOTONIC, WATCH_TICK, USEC_PER_SEC,
                                          notify_on_watch, a);
}
