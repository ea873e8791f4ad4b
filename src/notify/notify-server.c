/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The notification server (Desktop Notifications Specification 1.2, on the
 * session bus): one notification per break or alert, replaced by later news
 * of it; the server's capabilities; the actions ("Show my day" on a break,
 * "Acknowledge" on a lead alert). */
#include "notify/notify-internal.h"
#include "shared/i18n.h"
#include "shared/log.h"

/* Notifications of breaks over longer than this are forgotten. */
#define FORGET_AFTER USEC_PER_DAY

Shown *notify_shown_free(Shown *s) {
        if (!s)
                return NULL;
        sd_bus_slot_unref(s->slot);
        sd_bus_slot_unref(s->ack_slot);
        free(s->uid);
        free(s->kind);
        free(s->summary);
        free(s->body);
        return mfree(s);
}

Shown *notify_shown_find(Agent *a, const char *uid) {
        for (size_t i = 0; i < a->n_shown; i++)
                if (streq(a->shown[i]->uid, uid))
                        return a->shown[i];
        return NULL;
}

void notify_shown_remove(Agent *a, Shown *s) {
        for (size_t i = 0; i < a->n_shown; i++)
                if (a->shown[i] == s) {
                        memmove(a->shown + i, a->shown + i + 1, (a->n_shown - i - 1) * sizeof(Shown *));
                        a->n_shown--;
                        break;
                }
        notify_shown_free(s);
}

static Shown *notify_shown_get(Agent *a, const char *uid) {
        Shown *s = notify_shown_find(a, uid);

        if (s)
                return s;
        s = calloc(1, sizeof(Shown));
        if (!s)
                return NULL;
        s->agent = a;
        s->uid = strdup(uid);
        if (!s->uid || array_grow((void **) &a->shown, a->n_shown, sizeof(Shown *)) < 0)
                return notify_shown_free(s);
        a->shown[a->n_shown++] = s;
        return s;
}

/* Remember where the break is and what was shown of it. b may be built
 * from what was remembered (catching up): its kind may be s->kind itself,
 * which then stays. */
int notify_shown_record(Agent *a, const BreakInfo *b, Stage stage) {
        Shown *s = notify_shown_get(a, b->uid);

        if (!s || (*b->kind && !streq_ptr(s->kind, b->kind) && strdup_to(&s->kind, b->kind) < 0))
                return -ENOMEM;
        s->stage = stage;
        s->start = b->start;
        s->end = b->end;
        return 0;
}

/* Forget the breaks over for a day (their notifications are long stale). */
void notify_shown_forget_old(Agent *a, usec_t now) {
        size_t n = 0;

        for (size_t i = 0; i < a->n_shown; i++) {
                Shown *s = a->shown[i];

                if (!s->slot && s->stage != STAGE_NONE && s->end + FORGET_AFTER < now)
                        notify_shown_free(s);
                else
                        a->shown[n++] = s;
        }
        a->n_shown = n;
}

static int notify_send(Agent *a, Shown *s);

/* No server answers: what waits is sent when one appears. Said once. */
static void notify_no_server(Agent *a, const sd_bus_error *e) {
        if (!a->warned_server)
                log_warning(_("No notification server answers (%s: %s); notifications wait until one appears."),
                            e->name, e->message ?: "");
        a->warned_server = true;
}

static int notify_on_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Shown *s = userdata;
        Agent *a = s->agent;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        uint32_t id;

        s->slot = sd_bus_slot_unref(s->slot);
        if (e) {
                /* Kept pending: sent again when a server appears. */
                notify_no_server(a, e);
                if (s->acknowledged)
                        notify_shown_remove(a, s);      /* nothing left to show */
                else
                        s->pending = true;
                return 0;
        }
        a->warned_server = false;
        if (sd_bus_message_read(reply, "u", &id) > 0)
                s->id = id;
        if (s->acknowledged) {
                /* An alert answered while the server was showing it. */
                if (s->id > 0)
                        notify_close(a, s->id);
                notify_shown_remove(a, s);
                return 0;
        }
        if (s->pending)
                (void) notify_send(a, s);
        return 0;
}

/* The actions of a notification of style (key, label, …), when the server
 * shows actions. */
static int notify_append_actions(Agent *a, sd_bus_message *m, NotifyStyle style) {
        if (!a->actions)
                return sd_bus_message_append(m, "as", 0);
        switch (style) {
        /* The default action only: a click on the notification, or a button
         * on servers that show the default's label (xfce4-notifyd,
         * notification-daemon). A second action of the same label gave two
         * identical buttons there. */
        case NOTIFY_STYLE_BREAK:
                return sd_bus_message_append(m, "as", 2, "default", _("Show my day"));
        case NOTIFY_STYLE_ALERT:
                return sd_bus_message_append(m, "as", 2, "default", _("Acknowledge"));
        default:
                return sd_bus_message_append(m, "as", 0);
        }
}

/* expire_timeout of s's notification: 0 (never expire) for an alert and
 * for anything critical, a recovery break above all (notification-daemon
 * takes critical notices away after 5 s when given -1); -1 (the server's
 * default) for the rest. */
static int32_t notify_expire_timeout(const Shown *s) {
        return s->style == NOTIFY_STYLE_ALERT || s->urgency == URGENCY_CRITICAL ? 0 : -1;
}

/* Send s's content, replacing s's earlier notification. One call at a time
 * per break: news arriving meanwhile waits for its id. */
static int notify_send(Agent *a, Shown *s) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        if (s->slot)
                return 0;       /* notify_on_reply() sends the rest */
        if (!a->capabilities_known) {
                s->pending = true;      /* notify_on_capabilities() sends it, with its actions */
                return 0;
        }
        r = sd_bus_message_new_method_call(a->session, &m, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_INTERFACE, "Notify");
        if (r >= 0)
                r = sd_bus_message_append(m, "susss", "respite", s->id, "", s->summary, s->body);
        if (r >= 0)
                r = notify_append_actions(a, m, s->style);
        if (r >= 0)
                r = sd_bus_message_append(m, "a{sv}i", 2, "urgency", "y", s->urgency, "category", "s",
                                          s->style == NOTIFY_STYLE_BREAK ? "x-respite.break" : "x-respite.alert",
                                          notify_expire_timeout(s));
        if (r < 0)
                return r;
        r = sd_bus_call_async(a->session, &s->slot, m, notify_on_reply, s, 0);
        if (r < 0)
                return r;
        s->pending = false;
        return 0;
}

/* A notification's urgency in the reader's words: "critical", "緊急". */
static const char *notify_urgency_words(uint8_t urgency) {
        if (urgency == URGENCY_CRITICAL)
                /* TRANSLATORS: a notification's urgency, as the Desktop Notifications Specification names
                 * them (critical, normal, low), in respite-notify's log: "Notifying (critical): …". */
                return C_("urgency", "critical");
        if (urgency == URGENCY_LOW)
                /* TRANSLATORS: the least urgency (see "critical"). */
                return C_("urgency", "low");
        /* TRANSLATORS: the usual urgency (see "critical"). */
        return C_("urgency", "normal");
}

int notify_show_styled(Agent *a, const char *uid, NotifyStyle style, uint8_t urgency, const char *summary,
                       const char *body, const char *what) {
        Shown *s = notify_shown_get(a, uid);
        int r;

        if (!s)
                return log_oom();
        if (strdup_to(&s->summary, summary) < 0 || strdup_to(&s->body, body) < 0)
                return log_oom();
        s->style = style;
        s->urgency = urgency;
        s->pending = true;
        /* TRANSLATORS: %1$s the urgency (critical, normal or low, translated), %2$s the summary shown. */
        log_info(_("Notifying (%s): %s"), notify_urgency_words(urgency), what);
        r = notify_send(a, s);
        if (r < 0)
                return log_warning_errno(r, _("Failed to send a notification: %m, ignoring"));
        return 0;
}

int notify_show(Agent *a, const char *uid, uint8_t urgency, const char *summary, const char *body) {
        return notify_show_styled(a, uid, NOTIFY_STYLE_BREAK, urgency, summary, body, summary);
}

void notify_close(Agent *a, uint32_t id) {
        (void) sd_bus_call_method_async(a->session, NULL, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_INTERFACE,
                                        "CloseNotification", NULL, NULL, "u", id);
}

static int notify_on_capabilities(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *cap;
        int r;

        if (sd_bus_message_is_method_error(reply, NULL)) {
                notify_no_server(a, sd_bus_message_get_error(reply));
                return 0;
        }
        a->markup = a->actions = false;
        r = sd_bus_message_enter_container(reply, 'a', "s");
        while (r >= 0 && (r = sd_bus_message_read(reply, "s", &cap)) > 0) {
                a->markup = a->markup || streq(cap, "body-markup");
                a->actions = a->actions || streq(cap, "actions");
        }
        log_debug(_("Notification server: body markup %s, actions %s."), a->markup ? _("yes") : _("no"),
                  a->actions ? _("yes") : _("no"));
        a->capabilities_known = true;
        for (size_t i = 0; i < a->n_shown; i++)
                if (a->shown[i]->pending)
                        (void) notify_send(a, a->shown[i]);
        return 0;
}

int notify_ask_capabilities(Agent *a) {
        return sd_bus_call_method_async(a->session, NULL, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_INTERFACE,
                                        "GetCapabilities", notify_on_capabilities, a, NULL);
}

/* A (new) server took the name: earlier ids mean nothing to it; send what
 * waits, and the alerts still open again (the old server took them away). */
static int notify_on_server_owner(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *name, *old, *new;

        if (sd_bus_message_read(m, "sss", &name, &old, &new) < 0 || isempty(new))
                return 0;
        log_info(_("Notification server %s appeared."), new);
        a->warned_server = false;
        for (size_t i = 0; i < a->n_shown; i++) {
                Shown *s = a->shown[i];

                s->id = 0;
                if (s->style == NOTIFY_STYLE_ALERT && !s->acknowledged)
                        s->pending = true;
        }
        /* What waits goes out once the new server's capabilities are known. */
        a->capabilities_known = false;
        (void) notify_ask_capabilities(a);
        return 0;
}

/* A button or a click on one of our notifications: "Show my day" on a
 * break, "Acknowledge" on an alert. */
static int notify_on_action(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *key;
        uint32_t id;

        if (sd_bus_message_read(m, "us", &id, &key) < 0 || id == 0)
                return 0;
        for (size_t i = 0; i < a->n_shown; i++) {
                Shown *s = a->shown[i];

                if (s->id != id)
                        continue;
                if (s->style == NOTIFY_STYLE_ALERT)
                        return notify_alert_on_action(a, s, key);
                if (s->style == NOTIFY_STYLE_BREAK && a->operator && (streq(key, "day") || streq(key, "default")))
                        return notify_show_day(a);
                return 0;
        }
        return 0;
}

/* NotificationClosed reason 2: the user dismissed it. */
#define NOTIFY_CLOSED_DISMISSED 2

/* One of our notifications closed. A lead alert dismissed by the user
 * (a click closes it on many servers) is shown again: it stays until it
 * is acknowledged, or the operator stays alone with it unnoticed. */
static int notify_on_closed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        uint32_t id, reason;

        if (sd_bus_message_read(m, "uu", &id, &reason) < 0 || id == 0 || reason != NOTIFY_CLOSED_DISMISSED)
                return 0;
        for (size_t i = 0; i < a->n_shown; i++) {
                Shown *s = a->shown[i];

                if (s->id != id || s->style != NOTIFY_STYLE_ALERT || s->acknowledged)
                        continue;
                log_info(_("A lead alert was dismissed without an answer; showing it again until it is acknowledged."));
                s->id = 0;
                s->pending = true;
                return notify_send(a, s);
        }
        return 0;
}

int notify_server_add_matches(Agent *a) {
        int r;

        r = notify_add_owner_match(a->session, NOTIFY_NAME, notify_on_server_owner, a);
        if (r < 0)
                return r;
        r = sd_bus_match_signal(a->session, NULL, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_INTERFACE,
                                "NotificationClosed", notify_on_closed, a);
        if (r < 0)
                return r;
        return sd_bus_match_signal(a->session, NULL, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_INTERFACE,
                                   "ActionInvoked", notify_on_action, a);
}

void notify_fputc_body(const Agent *a, char c, FILE *f) {
        if (a->markup && c == '&')
                fputs("&amp;", f);
        else if (a->markup && c == '<')
                fputs("&lt;", f);
        else if (a->markup && c == '>')
                fputs("&gt;", f);
        else
                fputc(c, f);
}
