/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the parts of respite-notify share: the agent, its notifications, and
 * the functions one part calls in another.
 *   respite-notify.c  main, options, the config file, the agent and its buses
 *   notify-daemon.c   respited: Subscribe, WhoAmI, GetSchedule, the
 *                     operator's signals, catching up after a restart, a
 *                     suspend or a clock jump
 *   notify-server.c   the notification server (Desktop Notifications
 *                     Specification 1.2): Notify, capabilities, actions, one
 *                     notification per break or alert
 *   notify-break.c    what each notification of a break says
 *   notify-stretch.c  breaks back to back as one stretch off the phones
 *   notify-alert.c    lead mode: the team's lead alerts (LeadAlert,
 *                     ListAlerts), what they say, acknowledging them from
 *                     their action, closing them when acknowledged */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "shared/util.h"

#define NOTIFY_NAME      "org.freedesktop.Notifications"
#define NOTIFY_PATH      "/org/freedesktop/Notifications"
#define NOTIFY_INTERFACE "org.freedesktop.Notifications"

#define URGENCY_LOW      0
#define URGENCY_NORMAL   1
#define URGENCY_CRITICAL 2

#define DAY_UID "day"   /* the "Show my day" notification */

typedef enum Stage { STAGE_NONE, STAGE_SCHEDULED, STAGE_STARTED, STAGE_ENDED } Stage;

/* What a notification is about, which picks its actions and hints. */
typedef enum NotifyStyle {
        NOTIFY_STYLE_BREAK,     /* a break, or the day: "Show my day" */
        NOTIFY_STYLE_ALERT,     /* a lead alert: never expires, "Acknowledge" */
        NOTIFY_STYLE_NOTE,      /* a note about an alert: no action */
} NotifyStyle;

typedef struct Agent Agent;

/* One notification per break or alert: later news of it replaces it. */
typedef struct Shown {
        Agent *agent;
        char *uid;              /* the break's uid, as the signals carry it; an alert's: ALERT_UID_PREFIX + id */
        uint32_t id;            /* the server's id for it; 0 before the first reply */
        sd_bus_slot *slot;      /* a Notify call in flight */
        char *summary, *body;   /* what to send when the call in flight returns */
        uint8_t urgency;
        NotifyStyle style;
        bool pending;           /* summary and body wait to be sent */
        Stage stage;            /* breaks; STAGE_NONE for alerts, STAGE_ENDED for notes */
        char *kind;             /* "recovery", "statutory", "planned" */
        usec_t start, end;      /* the break as last known; a note's end: when the alert was acknowledged */
        bool acknowledged;      /* an alert acknowledged: close it as soon as its id is known */
        sd_bus_slot *ack_slot;  /* an AcknowledgeAlert call in flight */
} Shown;

struct Agent {
        sd_event *event;
        sd_bus *daemon;         /* where respited is: system bus, or session bus with --user */
        sd_bus *session;        /* the notification server */
        sd_bus *system;         /* logind, for suspend; may be NULL */
        char *operator;         /* NULL in lead mode without --operator */
        bool lead;              /* --lead: show the lead alerts of the teams we lead */
        char *user;             /* lead mode: our user name, as AlertAcknowledged names who acknowledged */
        char *zone;             /* the site's zone (respited's Timezone) */
        char *desktop_tz;       /* $TZ at start: the desktop's zone; NULL for the system's (/etc/localtime) */
        char *daemon_owner;     /* unique name of respited, NULL when it is gone */
        bool watching;          /* the operator's break signals are matched */
        bool markup, actions;   /* the server's capabilities */
        bool capabilities_known;        /* GetCapabilities answered: notifications wait for it */
        bool warned_server, warned_daemon;
        Shown **shown;
        size_t n_shown;
        char *countdown_uid;    /* the notification whose countdown runs: its stretch's */
        usec_t countdown_end;   /* the end of that stretch */
        sd_event_source *countdown;
        sd_event_source *watch;
        usec_t watch_mono, watch_boot, watch_real;
};

/* A break as GetSchedule and the break signals carry it: kind "recovery",
 * "statutory" or "planned" ("" when unknown), start and end in UTC usec,
 * and the reason: GetSchedule's is the private one, a signal's only the
 * kind's public wording ("Recovery break"); may be NULL. */
typedef struct BreakInfo {
        const char *kind, *uid, *reason;
        uint64_t start, end;
} BreakInfo;

/* respite-notify.c */

/* Call handler when the owner of the bus name name changes (the
 * NameOwnerChanged signal, arg0 name). Returns 0 or a negative errno. */
int notify_add_owner_match(sd_bus *bus, const char *name, sd_bus_message_handler_t handler, void *userdata);

/* notify-daemon.c */

/* Watch respited's owner on a->daemon and logind's PrepareForSleep on
 * a->system (when there is one). Returns 0 or a negative errno. */
int notify_daemon_add_matches(Agent *a);
/* Whether m comes from respited (its current owner, when known). */
bool notify_daemon_is_sender(Agent *a, sd_bus_message *m);
/* Call method of respited with the arguments of types, synchronously (5 s
 * at most); the reply in ret (may be NULL). Logs a failed call. Returns 0
 * or a negative errno. */
int notify_daemon_call(Agent *a, const char *method, sd_bus_message **ret, const char *types, ...);
/* Every 15 s, look for a suspend or a clock jump of over a minute, and
 * catch up after one. Returns 0 or a negative errno. */
int notify_daemon_watch_clock(Agent *a);
/* respited is (back) on the bus as owner: learn its zone and the operator,
 * match the operator's signals once, Subscribe() (respited sends its
 * signals only to subscribers, and a new respited knows none), show what
 * was missed: the operator's breaks, and in lead mode the open alerts.
 * Logs its errors; ends the event loop with EXIT_FAILURE when no operator
 * can be found outside lead mode. */
int notify_daemon_appeared(Agent *a, const char *owner);
/* respited's Now property (UTC usec). Returns 0 or a negative errno, silently. */
int notify_daemon_now(Agent *a, usec_t *ret);
/* Call f for each of the operator's breaks overlapping [from, to) (UTC
 * usec), with the private reason (GetSchedule answers it to the operator's
 * own user). Logs a failed call; returns 0, f's first negative return, or
 * a negative errno. */
int notify_for_each_break(Agent *a, usec_t from, usec_t to,
                          int (*f)(Agent *a, const BreakInfo *b, void *userdata), void *userdata);

/* notify-server.c */

Shown *notify_shown_free(Shown *s);
/* The notification of uid, or NULL. */
Shown *notify_shown_find(Agent *a, const char *uid);
/* Forget s (and cancel its calls in flight); its notification stays. */
void notify_shown_remove(Agent *a, Shown *s);
/* Remember that b's notification is at stage, and b's kind and times.
 * Returns 0 or -ENOMEM. */
int notify_shown_record(Agent *a, const BreakInfo *b, Stage stage);
/* Forget the breaks over for a day at now (UTC usec). */
void notify_shown_forget_old(Agent *a, usec_t now);
/* Show summary and body as uid's notification of a break, replacing the
 * one shown before. Logs its errors; returns 0, or -ENOMEM (logged). */
int notify_show(Agent *a, const char *uid, uint8_t urgency, const char *summary, const char *body);
/* The same for a notification of style, logging what ("a lead alert")
 * instead of the summary, which may name an operator and an incident's
 * category. Returns as notify_show(). */
int notify_show_styled(Agent *a, const char *uid, NotifyStyle style, uint8_t urgency, const char *summary,
                       const char *body, const char *what);
/* Take the notification with the server's id away (CloseNotification). */
void notify_close(Agent *a, uint32_t id);
/* Write c to f as a notification's body takes it: markup-escaped (&, <, >)
 * when the server takes body markup. */
void notify_fputc_body(const Agent *a, char c, FILE *f);

/* Ask the server's capabilities (body markup, actions) into a. Returns 0
 * or a negative errno. */
int notify_ask_capabilities(Agent *a);
/* Watch the server's owner and its ActionInvoked signal. Returns 0 or a
 * negative errno. */
int notify_server_add_matches(Agent *a);

/* notify-break.c */

/* A recovery break, or another break a recovery merged into: the operator
 * is told at once. reason may be NULL. */
bool notify_is_recovery(const char *kind, const char *reason);
/* "New break", "Recovery break", "Break moved": b is scheduled, with
 * private_reason (may be NULL: b's reason then). Nothing when it was
 * shown before at the same times. Logs its errors. */
int notify_show_scheduled(Agent *a, const BreakInfo *b, const char *private_reason);
/* b started: how long is left at now (UTC usec), redrawn every 30 s until
 * it ends. Logs its errors. */
int notify_show_started(Agent *a, const BreakInfo *b, usec_t now);
/* "Break over"; stops b's countdown. Logs its errors. */
int notify_show_ended(Agent *a, const BreakInfo *b);
/* "Your breaks today": the operator's breaks of the site's day. Logs its
 * errors. */
int notify_show_day(Agent *a);

/* notify-stretch.c */

/* Breaks that end and begin within this of each other are one stretch. */
#define STRETCH_GAP USEC_PER_MINUTE

/* A stretch off the phones: breaks back to back (within STRETCH_GAP). */
typedef struct Stretch {
        usec_t start, end;      /* UTC usec */
        char **uids;            /* its breaks, in order of time */
        size_t n;
        bool recovery;          /* one of them is (or took in) a recovery break */
} Stretch;

/* The stretch of the operator's breaks that b is in, read with
 * GetSchedule (b alone when respited does not answer). Free with
 * notify_stretch_done(). Returns 0 or -ENOMEM. */
int notify_stretch_of(Agent *a, const BreakInfo *b, Stretch *ret);
void notify_stretch_done(Stretch *st);
/* The uid whose notification stands for st: the first of its breaks with a
 * notification shown or on its way, else uid. */
const char *notify_stretch_key(Agent *a, const Stretch *st, const char *uid);

/* notify-alert.c */

#define ALERT_UID_PREFIX "alert:"

/* Lead mode: watch LeadAlert and AlertAcknowledged. Returns 0 or a
 * negative errno. */
int notify_alert_add_matches(Agent *a);
/* Lead mode, respited (back) on the bus or a suspend over: show every open
 * alert not shown yet (ListAlerts), and close those acknowledged meanwhile.
 * Logs its errors. */
int notify_alert_catch_up(Agent *a);
/* Action key was invoked on alert s's notification: "ack" and "default"
 * acknowledge it (AcknowledgeAlert). Logs its errors. */
int notify_alert_on_action(Agent *a, Shown *s, const char *key);
