/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* respite-notify: respited's signals for one operator, as desktop
 * notifications (Desktop Notifications Specification 1.2, on the session
 * bus). See respite-notify(1). */
#include <ctype.h>
#include <getopt.h>
#include <libconfig.h>
#include <signal.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "shared/bus-contract.h"
#include "shared/clock.h"
#include "shared/log.h"
#include "shared/time-util.h"


#define NOTIFY_NAME      "org.freedesktop.Notifications"
#define NOTIFY_PATH      "/org/freedesktop/Notifications"
#define NOTIFY_INTERFACE "org.freedesktop.Notifications"

#define URGENCY_NORMAL   1
#define URGENCY_CRITICAL 2

/* Calls to respited give up after this (it answers in milliseconds). */
#define CALL_TIMEOUT (5 * USEC_PER_SEC)
/* The countdown of a break in progress is redrawn this often. */
#define COUNTDOWN_TICK (30 * USEC_PER_SEC)
/* How often suspend and clock jumps are looked for, and what counts. */
#define WATCH_TICK (15 * USEC_PER_SEC)
#define JUMP_MIN   (60 * USEC_PER_SEC)
/* Notifications of breaks over longer than this are forgotten. */
#define FORGET_AFTER USEC_PER_DAY

#define DAY_UID "day"   /* the "Show my day" notification */

typedef enum Stage { STAGE_NONE, STAGE_SCHEDULED, STAGE_STARTED, STAGE_ENDED } Stage;

/* One notification per break: later news of the same break replaces it. */
typedef struct Agent Agent;

typedef struct Shown {
        Agent *agent;
        char *uid;              /* the break's uid, as the signals carry it */
        uint32_t id;            /* the server's id for it; 0 before the first reply */
        sd_bus_slot *slot;      /* a Notify call in flight */
        char *summary, *body;   /* what to send when the call in flight returns */
        uint8_t urgency;
        bool pending;           /* summary and body wait to be sent */
        Stage stage;
        char *kind;             /* "recovery", "statutory", "planned" */
        usec_t start, end;      /* the break as last known */
} Shown;

struct Agent {
        sd_event *event;
        sd_bus *daemon;         /* where respited is: system bus, or session bus with --user */
        sd_bus *session;        /* the notification server */
        sd_bus *system;         /* logind, for suspend; may be NULL */
        char *operator;
        char *zone;             /* the site's zone (respited's Timezone) */
        char *daemon_owner;     /* unique name of respited, NULL when it is gone */
        bool subscribed;
        bool markup, actions;   /* the server's capabilities */
        bool warned_server, warned_daemon;
        Shown **shown;
        size_t n_shown;
        char *countdown_uid;    /* the break whose countdown runs */
        sd_event_source *countdown;
        sd_event_source *watch;
        usec_t watch_mono, watch_boot, watch_real;
};

static bool arg_user = false;
static char *arg_operator = NULL;
static char *arg_config = NULL;

static Shown *shown_free(Shown *s) {
        if (!s)
                return NULL;
        sd_bus_slot_unref(s->slot);
        free(s->uid);
        free(s->kind);
        free(s->summary);
        free(s->body);
        free(s);
        return NULL;
}

static Agent *agent_free(Agent *a) {
        if (!a)
                return NULL;
        for (size_t i = 0; i < a->n_shown; i++)
                shown_free(a->shown[i]);
        free(a->shown);
        sd_event_source_unref(a->countdown);
        sd_event_source_unref(a->watch);
        free(a->countdown_uid);
        sd_bus_flush_close_unref(a->daemon);
        sd_bus_flush_close_unref(a->session);
        sd_bus_flush_close_unref(a->system);
        sd_event_unref(a->event);
        free(a->operator);
        free(a->zone);
        free(a->daemon_owner);
        free(a);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Agent *, agent_free);

static Shown *shown_find(Agent *a, const char *uid) {
        for (size_t i = 0; i < a->n_shown; i++)
                if (streq(a->shown[i]->uid, uid))
                        return a->shown[i];
        return NULL;
}

static Shown *shown_get(Agent *a, const char *uid) {
        Shown *s = shown_find(a, uid);

        if (s)
                return s;
        s = calloc(1, sizeof(Shown));
        if (!s)
                return NULL;
        s->agent = a;
        s->uid = strdup(uid);
        if (!s->uid || array_grow((void **) &a->shown, a->n_shown, sizeof(Shown *)) < 0)
                return shown_free(s);
        a->shown[a->n_shown++] = s;
        return s;
}

/* Forget the breaks over for a day (their notifications are long stale). */
static void shown_forget_old(Agent *a, usec_t now) {
        size_t n = 0;

        for (size_t i = 0; i < a->n_shown; i++) {
                Shown *s = a->shown[i];

                if (!s->slot && s->stage != STAGE_NONE && s->end + FORGET_AFTER < now)
                        shown_free(s);
                else
                        a->shown[n++] = s;
        }
        a->n_shown = n;
}

/* ---- Wording ---- */

/* "10:42" in the site's zone. */
static const char *hhmm(const Agent *a, usec_t t, char buf[static ISO8601_MAX]) {
        if (time_format_iso8601(t, a->zone ?: "UTC", buf) < 0 || strlen(buf) < 16)
                return strcpy(buf, "?");
        memmove(buf, buf + 11, 5);
        buf[5] = 0;
        return buf;
}

static const char *minutes(usec_t d, char buf[static DURATION_MAX]) {
        return duration_format(d, buf, DURATION_MAX);
}

/* The reason as the operator reads it: the planner's private reason without
 * the category names in parentheses ("after a threatening call (threat)" →
 * "After a threatening call"), markup-escaped when the server takes markup. */
static char *reason_for_people(const Agent *a, const char *reason) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f)
                return NULL;
        for (const char *c = reason; *c; c++) {
                size_t n = 0;

                if (c[0] == ' ' && c[1] == '(') {
                        n = 2 + strspn(c + 2, "abcdefghijklmnopqrstuvwxyz_");
                        if (n > 2 && c[n] == ')') {
                                c += n;
                                continue;
                        }
                }
                if (a->markup && *c == '&')
                        fputs("&amp;", f);
                else if (a->markup && *c == '<')
                        fputs("&lt;", f);
                else if (a->markup && *c == '>')
                        fputs("&gt;", f);
                else
                        fputc(c == reason ? toupper((unsigned char) *c) : *c, f);
        }
        if (fclose(f) != 0)
                return NULL;
        return TAKE_PTR(text);
}

static const char *bold_on(const Agent *a) {
        return a->markup ? "<b>" : "";
}

static const char *bold_off(const Agent *a) {
        return a->markup ? "</b>" : "";
}

/* ---- Talking to the notification server ---- */

static int send_notify(Agent *a, Shown *s);

static int on_notify_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Shown *s = userdata;
        Agent *a = s->agent;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        uint32_t id;

        s->slot = sd_bus_slot_unref(s->slot);
        if (e) {
                /* Kept pending: sent again when a server appears. */
                if (!a->warned_server)
                        log_warning("No notification server answers (%s: %s); notifications wait until one appears.",
                                    e->name, e->message ?: "");
                a->warned_server = true;
                s->pending = true;
                return 0;
        }
        a->warned_server = false;
        if (sd_bus_message_read(reply, "u", &id) > 0)
                s->id = id;
        if (s->pending)
                (void) send_notify(a, s);
        return 0;
}

/* Send s's content, replacing s's earlier notification. One call at a time
 * per break: news arriving meanwhile waits for its id. */
static int send_notify(Agent *a, Shown *s) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        if (s->slot)
                return 0;       /* on_notify_reply() sends the rest */
        r = sd_bus_message_new_method_call(a->session, &m, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_INTERFACE, "Notify");
        if (r >= 0)
                r = sd_bus_message_append(m, "susss", "respite", s->id, "", s->summary, s->body);
        if (r >= 0)
                /* A button, and the same on a click (the default action). */
                r = a->actions ? sd_bus_message_append(m, "as", 4, "default", "Show my day", "day", "Show my day") :
                                 sd_bus_message_append(m, "as", 0);
        if (r >= 0)
                r = sd_bus_message_append(m, "a{sv}i", 2, "urgency", "y", s->urgency,
                                          "category", "s", "x-respite.break", (int32_t) -1);
        if (r < 0)
                return r;
        r = sd_bus_call_async(a->session, &s->slot, m, on_notify_reply, s, 0);
        if (r < 0)
                return r;
        s->pending = false;
        return 0;
}

static int show(Agent *a, const char *uid, uint8_t urgency, const char *summary, const char *body) {
        Shown *s = shown_get(a, uid);
        int r;

        if (!s)
                return log_oom();
        if (strdup_to(&s->summary, summary) < 0 || strdup_to(&s->body, body) < 0)
                return log_oom();
        s->urgency = urgency;
        s->pending = true;
        log_info("Notifying (%s): %s", urgency == URGENCY_CRITICAL ? "critical" : "normal", summary);
        r = send_notify(a, s);
        if (r < 0)
                return log_warning_errno(r, "Failed to send a notification: %m, ignoring");
        return 0;
}

static int on_capabilities(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *cap;
        int r;

        if (sd_bus_message_is_method_error(reply, NULL))
                return 0;       /* no server yet: on_notify_reply() says so once */
        a->markup = a->actions = false;
        r = sd_bus_message_enter_container(reply, 'a', "s");
        while (r >= 0 && (r = sd_bus_message_read(reply, "s", &cap)) > 0) {
                a->markup = a->markup || streq(cap, "body-markup");
                a->actions = a->actions || streq(cap, "actions");
        }
        log_debug("Notification server: body markup %s, actions %s.", a->markup ? "yes" : "no",
                  a->actions ? "yes" : "no");
        return 0;
}

static int ask_capabilities(Agent *a) {
        return sd_bus_call_method_async(a->session, NULL, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_INTERFACE,
                                        "GetCapabilities", on_capabilities, a, NULL);
}

/* A (new) server took the name: earlier ids mean nothing to it; send what waits. */
static int on_server_owner(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *name, *old, *new;

        if (sd_bus_message_read(m, "sss", &name, &old, &new) < 0 || isempty(new))
                return 0;
        log_info("Notification server %s appeared.", new);
        a->warned_server = false;
        for (size_t i = 0; i < a->n_shown; i++)
                a->shown[i]->id = 0;
        (void) ask_capabilities(a);
        for (size_t i = 0; i < a->n_shown; i++)
                if (a->shown[i]->pending)
                        (void) send_notify(a, a->shown[i]);
        return 0;
}

/* ---- Talking to respited ---- */

static int daemon_call(Agent *a, const char *method, sd_bus_message **ret, const char *types, ...) {
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
                return log_warning_errno(r, "respited: %s failed: %s", method, error.message ?: strerror(-r));
        return 0;
}

static int daemon_now(Agent *a, usec_t *ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        uint64_t now;
        int r;

        r = sd_bus_get_property_trivial(a->daemon, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_NOW, &error, 't', &now);
        if (r < 0)
                return r;
        *ret = now;
        return 0;
}

typedef struct BreakInfo {
        const char *kind, *uid, *reason;
        uint64_t start, end;
} BreakInfo;

/* Call f for each of the operator's breaks overlapping [from, to), with the
 * private reason (GetSchedule answers it to the operator's own user). */
static int for_each_break(Agent *a, usec_t from, usec_t to, int (*f)(Agent *a, const BreakInfo *b, void *userdata),
                          void *userdata) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        BreakInfo b;
        int r;

        r = daemon_call(a, BUS_METHOD_GET_SCHEDULE, &reply, "stt", a->operator, (uint64_t) from, (uint64_t) to);
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

static int find_reason(Agent *a, const BreakInfo *b, void *userdata) {
        BreakInfo *want = userdata;

        if (streq(b->uid, want->uid))
                return strdup_to((char **) &want->reason, b->reason);
        return 0;
}

/* A recovery break, or another break a recovery merged into ("…; also
 * recovery after …", planner.h): the operator is told at once. */
static bool is_recovery(const char *kind, const char *reason) {
        return streq(kind, "recovery") || (reason && strstr(reason, "recovery"));
}

/* ---- What each signal shows ---- */

/* Remember where the break is and what was shown of it. */
static int shown_record(Agent *a, const BreakInfo *b, Stage stage) {
        Shown *s = shown_get(a, b->uid);

        if (!s || (*b->kind && strdup_to(&s->kind, b->kind) < 0))
                return -ENOMEM;
        s->stage = stage;
        s->start = b->start;
        s->end = b->end;
        return 0;
}

static const char *kind_words(const char *kind) {
        return streq_ptr(kind, "recovery") ? "recovery break" : streq_ptr(kind, "statutory") ? "statutory break" : "break";
}

static int show_scheduled(Agent *a, const BreakInfo *b, const char *private_reason) {
        _cleanup_free_ char *summary = NULL, *body = NULL, *why = NULL, *was = NULL;
        Shown *s = shown_find(a, b->uid);
        bool moved = s && s->stage >= STAGE_SCHEDULED && (s->start != b->start || s->end != b->end);
        char t0[ISO8601_MAX], t1[ISO8601_MAX], o0[ISO8601_MAX], o1[ISO8601_MAX], len[DURATION_MAX];
        bool recovery = is_recovery(b->kind, private_reason);
        int r;

        if (s && s->stage >= STAGE_SCHEDULED && !moved)
                return 0;       /* nothing new */
        why = reason_for_people(a, private_reason ?: b->reason);
        if (!why)
                return log_oom();
        hhmm(a, b->start, t0);
        hhmm(a, b->end, t1);
        minutes(b->end - b->start, len);

        if (moved && asprintf(&was, " (was %s to %s)", hhmm(a, s->start, o0), hhmm(a, s->end, o1)) < 0)
                return log_oom();
        if (recovery)
                /* A recovery merged into another break says so: one time off, longer. */
                r = asprintf(&summary, "%s %s %s for %s", streq(b->kind, "recovery") ? "Recovery break" :
                             "Break with recovery", moved ? "moved to" : "at", t0, len) < 0 ||
                    asprintf(&body, "%s.\nFrom %s%s%s to %s%s%s%s.", why, bold_on(a), t0, bold_off(a),
                             bold_on(a), t1, bold_off(a), was ?: "") < 0;
        else if (moved)
                r = asprintf(&summary, "%s moved: %s → %s", streq(b->kind, "statutory") ? "Statutory break" : "Break",
                             hhmm(a, s->start, o0), t0) < 0 ||
                    asprintf(&body, "Was %s to %s, now %s%s to %s%s (%s).\n%s.", o0, hhmm(a, s->end, o1),
                             bold_on(a), t0, t1, bold_off(a), len, why) < 0;
        else
                r = asprintf(&summary, "New break at %s for %s", t0, len) < 0 ||
                    asprintf(&body, "From %s to %s.\n%s.", t0, t1, why) < 0;
        if (r)
                return log_oom();

        r = show(a, b->uid, recovery ? URGENCY_CRITICAL : URGENCY_NORMAL, summary, body);
        if (shown_record(a, b, STAGE_SCHEDULED) < 0)
                return log_oom();
        return r;
}

static int countdown_body(Agent *a, usec_t end, usec_t now, char **ret) {
        char t[ISO8601_MAX], left[DURATION_MAX];

        /* Whole minutes left, rounded up: "1min" until the very end. */
        minutes(end > now ? usec_ceil(end - now, USEC_PER_MINUTE) : 0, left);
        return asprintf(ret, "%s%s left%s: back on the phones at %s.", bold_on(a), left, bold_off(a),
                        hhmm(a, end, t)) < 0 ? -ENOMEM : 0;
}

static int show_started(Agent *a, const BreakInfo *b, usec_t now);

static int on_countdown(sd_event_source *source, uint64_t usec, void *userdata) {
        Agent *a = userdata;
        Shown *s = a->countdown_uid ? shown_find(a, a->countdown_uid) : NULL;
        usec_t now;

        if (!s || s->stage != STAGE_STARTED || daemon_now(a, &now) < 0 || now >= s->end)
                return sd_event_source_set_enabled(source, SD_EVENT_OFF);
        (void) show_started(a, &(BreakInfo) { .kind = s->kind ?: "", .uid = s->uid, .start = s->start, .end = s->end },
                            now);
        return 0;
}

static int arm_countdown(Agent *a, const char *uid) {
        int r;

        r = strdup_to(&a->countdown_uid, uid);
        if (r < 0)
                return r;
        if (!a->countdown)
                return sd_event_add_time_relative(a->event, &a->countdown, CLOCK_MONOTONIC, COUNTDOWN_TICK,
                                                  USEC_PER_SEC, on_countdown, a);
        r = sd_event_source_set_time_relative(a->countdown, COUNTDOWN_TICK);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(a->countdown, SD_EVENT_ON);
}

static int show_started(Agent *a, const BreakInfo *b, usec_t now) {
        _cleanup_free_ char *body = NULL, *summary = NULL;
        char len[DURATION_MAX], t[ISO8601_MAX];
        int r;

        if (countdown_body(a, b->end, now, &body) < 0)
                return log_oom();
        /* Told late (a resume, a restart, the countdown): say since when. */
        r = now < b->start + USEC_PER_MINUTE ?
                asprintf(&summary, "Your %s starts now: %s", kind_words(b->kind), minutes(b->end - b->start, len)) :
                asprintf(&summary, "On your %s since %s", kind_words(b->kind), hhmm(a, b->start, t));
        if (r < 0)
                return log_oom();
        r = show(a, b->uid, URGENCY_CRITICAL, summary, body);
        if (shown_record(a, b, STAGE_STARTED) < 0 || arm_countdown(a, b->uid) < 0)
                return log_oom();
        return r;
}

static int show_ended(Agent *a, const BreakInfo *b) {
        _cleanup_free_ char *body = NULL;
        char t[ISO8601_MAX];
        int r;

        if (asprintf(&body, "Your %s ended at %s.", kind_words(b->kind), hhmm(a, b->end, t)) < 0)
                return log_oom();
        r = show(a, b->uid, URGENCY_NORMAL, "Break over", body);
        if (shown_record(a, b, STAGE_ENDED) < 0)
                return log_oom();
        if (streq_ptr(a->countdown_uid, b->uid))
                (void) sd_event_source_set_enabled(a->countdown, SD_EVENT_OFF);
        return r;
}

/* ---- Signals of respited ---- */

static bool from_daemon(Agent *a, sd_bus_message *m) {
        /* The bus filters on the well-known name; check the owner as well. */
        return !a->daemon_owner || streq_ptr(sd_bus_message_get_sender(m), a->daemon_owner);
}

static int on_break_signal(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *operator, *member = sd_bus_message_get_member(m);
        BreakInfo b = {};
        usec_t now = 0;
        int r;

        if (!from_daemon(a, m))
                return 0;
        r = sd_bus_message_read(m, "ssstts", &operator, &b.uid, &b.kind, &b.start, &b.end, &b.reason);
        if (r < 0 || !streq(operator, a->operator))
                return 0;
        log_debug("%s %s", member, b.uid);

        if (streq(member, BUS_SIGNAL_BREAK_SCHEDULED)) {
                BreakInfo want = { .uid = b.uid };

                /* The signal says only "Recovery break": ask why. */
                (void) for_each_break(a, b.start, b.end, find_reason, &want);
                r = show_scheduled(a, &b, want.reason);
                free((char *) want.reason);
                return r;
        }
        if (streq(member, BUS_SIGNAL_BREAK_STARTED)) {
                if (daemon_now(a, &now) < 0)
                        now = b.start;
                return show_started(a, &b, now);
        }
        return show_ended(a, &b);
}

typedef struct CatchUp {
        usec_t now;
        bool announce;          /* tell what was missed (resume, daemon back); else only record */
        char **seen;            /* uids in the schedule */
} CatchUp;

static int catch_up_one(Agent *a, const BreakInfo *b, void *userdata) {
        CatchUp *c = userdata;
        Shown *s = shown_find(a, b->uid);

        if (strv_extend(&c->seen, b->uid) < 0)
                return -ENOMEM;
        if (b->end <= c->now)
                return 0;
        if (b->start <= c->now) {
                if (!s || s->stage < STAGE_STARTED)
                        return show_started(a, b, c->now);
                return 0;
        }
        if (!s && !is_recovery(b->kind, b->reason)) {
                /* A break of the day as it was: nothing to tell, remember it for "moved". */
                return shown_record(a, b, STAGE_SCHEDULED);
        }
        if (!c->announce && s)
                return 0;
        return show_scheduled(a, b, b->reason);
}

static bool strv_has(char **l, const char *s) {
        for (char **i = l; i && *i; i++)
                if (streq(*i, s))
                        return true;
        return false;
}

/* Read the operator's day again and show what still matters: a break in
 * progress, recovery breaks to come, moved breaks; breaks that ended
 * meanwhile replace their notification with "Break over". */
static int catch_up(Agent *a, bool announce) {
        CatchUp c = { .announce = announce };
        int r;

        if (!a->subscribed || daemon_now(a, &c.now) < 0)
                return 0;
        r = for_each_break(a, c.now > USEC_PER_DAY ? c.now - USEC_PER_DAY : 0, c.now + USEC_PER_DAY,
                           catch_up_one, &c);
        if (r < 0) {
                strv_free(c.seen);
                return r == -ENOMEM ? log_oom() : r;
        }
        for (size_t i = 0; i < a->n_shown; i++) {
                Shown *s = a->shown[i];

                if (streq(s->uid, DAY_UID) || s->stage == STAGE_NONE || s->stage == STAGE_ENDED)
                        continue;
                if (s->end <= c.now && s->id > 0)
                        (void) show_ended(a, &(BreakInfo) { .kind = s->kind ?: "", .uid = s->uid, .start = s->start,
                                                     .end = s->end });
                else if (!strv_has(c.seen, s->uid) && s->id > 0)
                        /* Gone from the plan: take its notification away. */
                        (void) sd_bus_call_method_async(a->session, NULL, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_INTERFACE,
                                                        "CloseNotification", NULL, NULL, "u", s->id);
                if (!strv_has(c.seen, s->uid) && s->end > c.now)
                        s->stage = STAGE_NONE;
        }
        strv_free(c.seen);
        shown_forget_old(a, c.now);
        return 0;
}

static int on_schedule_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *operator;

        if (!from_daemon(a, m) || sd_bus_message_read(m, "s", &operator) < 0 || !streq(operator, a->operator))
                return 0;
        return catch_up(a, false);
}

/* Subscribe to the operator's signals only: arg0 is the operator. */
static int subscribe(Agent *a) {
        static const char * const members[] = {
                BUS_SIGNAL_BREAK_SCHEDULED, BUS_SIGNAL_BREAK_STARTED, BUS_SIGNAL_BREAK_ENDED, BUS_SIGNAL_SCHEDULE_CHANGED,
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(members); i++) {
                _cleanup_free_ char *rule = NULL;

                if (asprintf(&rule, "type='signal',sender='" BUS_NAME "',path='" BUS_PATH "',interface='"
                             BUS_INTERFACE "',member='%s',arg0='%s'", members[i], a->operator) < 0)
                        return -ENOMEM;
                r = sd_bus_add_match(a->daemon, NULL, rule, i == 3 ? on_schedule_changed : on_break_signal, a);
                if (r < 0)
                        return r;
        }
        a->subscribed = true;
        log_info("Watching the breaks of operator %s.", a->operator);
        return 0;
}

/* The operator: --operator, the config file, else whom respited maps our
 * user to (WhoAmI). */
static int find_operator(Agent *a) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *op;
        int r;

        if (a->operator)
                return 0;
        r = daemon_call(a, BUS_METHOD_WHO_AM_I, &reply, "");
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "s", &op);
        if (r < 0)
                return r;
        a->operator = strdup(op);
        return a->operator ? 0 : -ENOMEM;
}

/* respited is (back) on the bus: learn the zone, the operator, subscribe
 * once, and show what was missed while it was away. */
static int daemon_appeared(Agent *a, const char *owner) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char *zone = NULL;
        int r;

        free(a->daemon_owner);
        a->daemon_owner = strdup(owner);
        if (!a->daemon_owner)
                return log_oom();
        a->warned_daemon = false;
        r = sd_bus_get_property_string(a->daemon, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_PROPERTY_TIMEZONE, &error, &zone);
        if (r < 0)
                return log_warning_errno(r, "Failed to read respited's time zone: %s, waiting for it to restart",
                                         error.message ?: strerror(-r));
        free(a->zone);
        a->zone = zone;

        r = find_operator(a);
        if (r < 0) {
                log_error("Which operator am I? Give --operator ID, or operator = \"ID\"; in the config file, "
                          "or ask an administrator to map your user in respite.conf's access section.");
                return sd_event_exit(a->event, EXIT_FAILURE);
        }
        if (!a->subscribed) {
                r = subscribe(a);
                if (r < 0)
                        return log_error_errno(r, "Failed to subscribe to respited's signals: %m");
        }
        return catch_up(a, true);
}

static int on_daemon_owner(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *name, *old, *new;

        if (sd_bus_message_read(m, "sss", &name, &old, &new) < 0)
                return 0;
        if (!isempty(new)) {
                log_info("respited appeared on the bus.");
                return daemon_appeared(a, new);
        }
        free(a->daemon_owner);
        a->daemon_owner = NULL;
        if (!a->warned_daemon)
                log_warning("respited left the bus; waiting for it to come back.");
        a->warned_daemon = true;
        return 0;
}

/* ---- "Show my day" ---- */

static int day_line(Agent *a, const BreakInfo *b, void *userdata) {
        FILE *f = userdata;
        _cleanup_free_ char *why = reason_for_people(a, b->reason);
        char t0[ISO8601_MAX], t1[ISO8601_MAX];

        if (!why)
                return -ENOMEM;
        fprintf(f, "%s%s–%s%s %s\n", bold_on(a), hhmm(a, b->start, t0), hhmm(a, b->end, t1), bold_off(a), why);
        return 0;
}

static int show_day(Agent *a) {
        _cleanup_free_ char *body = NULL;
        size_t size = 0;
        usec_t now;
        CivilTime c;
        usec_t from;
        FILE *f;
        int r;

        if (daemon_now(a, &now) < 0 || utc_to_civil(now, a->zone, &c) < 0)
                return 0;
        c.hour = c.minute = c.second = 0;
        if (civil_to_utc(&c, a->zone, &from) < 0)
                return 0;
        f = open_memstream(&body, &size);
        if (!f)
                return log_oom();
        r = for_each_break(a, from, from + USEC_PER_DAY, day_line, f);
        if (fclose(f) != 0 || r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return 0;
        return show(a, DAY_UID, URGENCY_NORMAL, "Your breaks today", isempty(body) ? "No breaks today." : body);
}

static int on_action(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *key;
        uint32_t id;

        if (sd_bus_message_read(m, "us", &id, &key) < 0 || !(streq(key, "day") || streq(key, "default")))
                return 0;
        for (size_t i = 0; i < a->n_shown; i++)
                if (a->shown[i]->id == id)
                        return show_day(a);
        return 0;
}

/* ---- Suspend and clock jumps ---- */

static int on_prepare_for_sleep(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        int sleeping;

        if (sd_bus_message_read(m, "b", &sleeping) < 0 || sleeping)
                return 0;
        log_info("Resumed from suspend; catching up.");
        return catch_up(userdata, true);
}

/* CLOCK_BOOTTIME runs through suspend, CLOCK_MONOTONIC does not: their gap
 * grows by the time asleep. CLOCK_REALTIME jumps when the clock is set. */
static int on_watch(sd_event_source *s, uint64_t usec, void *userdata) {
        Agent *a = userdata;
        usec_t mono = now_usec(CLOCK_MONOTONIC), boot = now_usec(CLOCK_BOOTTIME), real = now_usec(CLOCK_REALTIME);
        int64_t slept = (int64_t) ((boot - mono) - (a->watch_boot - a->watch_mono));
        int64_t jumped = (int64_t) ((real - a->watch_real) - (mono - a->watch_mono));

        a->watch_mono = mono;
        a->watch_boot = boot;
        a->watch_real = real;
        if (slept > (int64_t) JUMP_MIN || jumped > (int64_t) JUMP_MIN || jumped < -(int64_t) JUMP_MIN) {
                log_info("The clock moved by %" PRIi64 " s (suspend or a clock change); catching up.",
                         (slept > (int64_t) JUMP_MIN ? slept : jumped) / (int64_t) USEC_PER_SEC);
                (void) catch_up(a, true);
        }
        (void) sd_event_source_set_time_relative(s, WATCH_TICK);
        return sd_event_source_set_enabled(s, SD_EVENT_ON);
}

/* ---- Setup ---- */

static int add_owner_match(sd_bus *bus, const char *name, sd_bus_message_handler_t handler, void *userdata) {
        _cleanup_free_ char *rule = NULL;

        if (asprintf(&rule, "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                     "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='%s'", name) < 0)
                return -ENOMEM;
        return sd_bus_add_match(bus, NULL, rule, handler, userdata);
}

static int agent_setup(Agent *a) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        const char *unique;
        int r;

        r = sd_event_default(&a->event);
        if (r < 0)
                return log_error_errno(r, "Failed to create the event loop: %m");
        r = sd_bus_open_user(&a->session);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the session bus: %m (is this a desktop session?)");
        r = arg_user ? sd_bus_open_user(&a->daemon) : sd_bus_open_system(&a->daemon);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the %s bus: %m", arg_user ? "session" : "system");
        if (!arg_user && sd_bus_open_system(&a->system) < 0)
                a->system = NULL;       /* no logind then: the clock watch still sees a resume */

        sd_bus *buses[] = { a->session, a->daemon, a->system };
        for (size_t i = 0; i < ELEMENTSOF(buses); i++) {
                if (!buses[i])
                        continue;
                r = sd_bus_attach_event(buses[i], a->event, SD_EVENT_PRIORITY_NORMAL);
                if (r < 0)
                        return log_error_errno(r, "Failed to attach to the bus: %m");
        }

        r = add_owner_match(a->session, NOTIFY_NAME, on_server_owner, a);
        if (r >= 0)
                r = sd_bus_match_signal(a->session, NULL, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_INTERFACE,
                                        "ActionInvoked", on_action, a);
        if (r >= 0)
                r = add_owner_match(a->daemon, BUS_NAME, on_daemon_owner, a);
        if (r >= 0 && a->system)
                r = sd_bus_match_signal(a->system, NULL, "org.freedesktop.login1", "/org/freedesktop/login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        on_prepare_for_sleep, a);
        if (r < 0)
                return log_error_errno(r, "Failed to add a match: %m");

        a->watch_mono = now_usec(CLOCK_MONOTONIC);
        a->watch_boot = now_usec(CLOCK_BOOTTIME);
        a->watch_real = now_usec(CLOCK_REALTIME);
        r = sd_event_add_time_relative(a->event, &a->watch, CLOCK_MONOTONIC, WATCH_TICK, USEC_PER_SEC, on_watch, a);
        if (r < 0)
                return log_error_errno(r, "Failed to arm the clock watch: %m");

        (void) ask_capabilities(a);
        if (sd_bus_get_name_creds(a->daemon, BUS_NAME, SD_BUS_CREDS_UNIQUE_NAME, &creds) >= 0 &&
            sd_bus_creds_get_unique_name(creds, &unique) >= 0) {
                (void) daemon_appeared(a, unique);
                return 0;
        }
        log_info("respited is not on the %s bus yet; waiting for it.", arg_user ? "session" : "system");
        a->warned_daemon = true;
        return 0;
}

/* The config file: operator = "op16"; (libconfig syntax). A missing file is
 * fine unless named with --config. */
static int read_config(void) {
        _cleanup_free_ char *path = NULL;
        const char *home = getenv("XDG_CONFIG_HOME"), *op;
        config_t cfg;
        int r = 0;

        if (arg_config)
                path = strdup(arg_config);
        else if (home)
                r = asprintf(&path, "%s/respite/notify.conf", home);
        else if (getenv("HOME"))
                r = asprintf(&path, "%s/.config/respite/notify.conf", getenv("HOME"));
        if (r < 0 || (!path && (arg_config || home || getenv("HOME"))))
                return log_oom();
        if (!path || (!arg_config && access(path, F_OK) < 0))
                return 0;

        config_init(&cfg);
        if (config_read_file(&cfg, path) != CONFIG_TRUE) {
                log_error("%s:%d: %s", config_error_file(&cfg) ?: path, config_error_line(&cfg),
                          config_error_text(&cfg));
                config_destroy(&cfg);
                return -EINVAL;
        }
        if (!arg_operator && config_lookup_string(&cfg, "operator", &op) == CONFIG_TRUE) {
                arg_operator = strdup(op);
                if (!arg_operator)
                        r = log_oom();
        }
        config_destroy(&cfg);
        return r;
}

static void help(void) {
        printf("Usage: respite-notify [OPTIONS]\n\n"
               "Show an operator's breaks from respited as desktop notifications.\n\n"
               "  -o --operator ID     The operator (default: the config file, else the one\n"
               "                       respited maps this user to)\n"
               "  -c --config FILE     Config file (default: ~/.config/respite/notify.conf)\n"
               "     --user           respited runs on the session bus, not the system bus\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n\n"
               "See respite-notify(1).\n");
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_USER = 0x100, ARG_VERSION };
        static const struct option options[] = {
                { "operator", required_argument, NULL, 'o'         },
                { "config",   required_argument, NULL, 'c'         },
                { "user",     no_argument,       NULL, ARG_USER    },
                { "help",     no_argument,       NULL, 'h'         },
                { "version",  no_argument,       NULL, ARG_VERSION },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "o:c:h", options, NULL)) >= 0)
                switch (c) {
                case 'o':
                        free(arg_operator);
                        arg_operator = strdup(optarg);
                        if (!arg_operator)
                                return log_oom();
                        break;
                case 'c':
                        free(arg_config);
                        arg_config = strdup(optarg);
                        if (!arg_config)
                                return log_oom();
                        break;
                case ARG_USER:
                        arg_user = true;
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("respite-notify %s\n", VERSION);
                        return 0;
                default:
                        return -EINVAL;
                }
        if (optind < argc)
                return log_error_errno(EINVAL, "Unexpected argument '%s'; see respite-notify --help.", argv[optind]);
        return 1;
}

static int run(int argc, char *argv[]) {
        _cleanup_(agent_freep) Agent *a = NULL;
        sigset_t mask;
        int r;

        log_setup();
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r;
        r = read_config();
        if (r < 0)
                return r;

        a = calloc(1, sizeof(Agent));
        if (!a)
                return log_oom();
        if (arg_operator && !(a->operator = strdup(arg_operator)))
                return log_oom();

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(errno, "Failed to block signals: %m");
        r = agent_setup(a);
        if (r < 0)
                return r;
        if (sd_event_add_signal(a->event, NULL, SIGTERM, NULL, NULL) < 0 ||
            sd_event_add_signal(a->event, NULL, SIGINT, NULL, NULL) < 0)
                return log_error_errno(EIO, "Failed to watch SIGTERM and SIGINT.");
        r = sd_event_loop(a->event);
        return r > 0 ? -EINVAL : r;
}

int main(int argc, char *argv[]) {
        int r = run(argc, argv);

        free(arg_operator);
        free(arg_config);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
