/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Lead mode (--lead): the lead alerts of the teams we lead, as critical
 * notifications that stay until they are answered. respited sends LeadAlert
 * to the subscribed leads of an operator's team after a serious incident;
 * the notification's "Acknowledge" action answers it (AcknowledgeAlert),
 * and AlertAcknowledged takes it away wherever it is shown, with a note
 * when someone else answered. When respited comes back, ListAlerts shows
 * what is still open. The log says that there is an alert, never about
 * whom or what. */
#include "notify/notify-internal.h"
#include "shared/bus-contract.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/reason-words.h"
#include "shared/time-util.h"

#define NOTE_UID_PREFIX "alert-note:"

/* An alert as LeadAlert and ListAlerts carry it. */
typedef struct AlertInfo {
        const char *id, *operator, *category;
        uint64_t when, recovery_start, recovery_end;
} AlertInfo;

/* How an alert of each category of the shipped policy reads: its summary
 * with the operator's id; the body gives the category in words
 * (reason_category_words()). A category not here reads "Incident for op16"
 * and its name. */
static const I18nWords notify_alert_wording[] = {
        { "threat",              N_("Threat against %s")          },
        { "sexual_harassment",   N_("Sexual harassment of %s")    },
        { "verbal_abuse",        N_("Abusive call to %s")         },
        { "unreasonable_demand", N_("Unreasonable demands on %s") },
        { "prolonged_call",      N_("Very long call for %s")      },
        { "repeat_caller",       N_("Repeat caller for %s")       },
        { "other",               N_("Difficult call for %s")      },
};

/* text for the body: markup-escaped when the server takes markup, and
 * "_" as a space when words is set (a category's name as words). */
static char *notify_alert_body_text(const Agent *a, const char *text, bool words) {
        _cleanup_free_ char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);

        if (!f)
                return NULL;
        for (const char *c = text; *c; c++)
                notify_fputc_body(a, words && *c == '_' ? ' ' : *c, f);
        if (fclose(f) != 0)
                return NULL;
        return TAKE_PTR(out);
}

/* "10:42" in the site's zone, with the date when t is not on the day of
 * now. */
static const char *notify_alert_time(const Agent *a, usec_t t, usec_t now, char buf[static ISO8601_MAX]) {
        int day_t = 0, day_now = 0;

        (void) time_local_day(t, a->zone ?: "UTC", &day_t);
        (void) time_local_day(now, a->zone ?: "UTC", &day_now);
        return time_format_clock(t, a->zone ?: "UTC", day_t != day_now, buf);
}

/* The summary and body of alert i at now (UTC usec): "Threat against op16",
 * "10:42: a threatening call.\nRecovery break granted: 10:43–11:03." */
static int notify_alert_text(const Agent *a, const AlertInfo *i, usec_t now, char **ret_summary, char **ret_body) {
        _cleanup_free_ char *summary = NULL, *body = NULL, *words = NULL, *recovery = NULL;
        const char *before = I18N_WORDS_FIND(notify_alert_wording, i->category), *label = NULL;
        char t[ISO8601_MAX], t0[ISO8601_MAX], t1[ISO8601_MAX];
        int r;

        if (before)
                label = reason_category_words(i->category);
        else
                before = N_("Incident for %s");
        words = notify_alert_body_text(a, label ?: i->category, !label);
        if (!words)
                return -ENOMEM;
        if (i->recovery_start > 0 ?
                    asprintf(&recovery, _("Recovery break granted: %s–%s."), notify_alert_time(a, i->recovery_start, now, t0),
                             notify_alert_time(a, i->recovery_end, now, t1)) < 0 :
                    !(recovery = strdup(_("No recovery break granted."))))
                return -ENOMEM;
        /* before is one of the literals above, each checked as a C format by
         * xgettext and msgfmt -c (c-format). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        r = asprintf(&summary, _(before), i->operator);
#pragma GCC diagnostic pop
        /* TRANSLATORS: "10:42: a threatening call.\nRecovery break granted: 10:43–11:03."; the 1st
         * and 3rd %s make the time bold. */
        if (r < 0 || asprintf(&body, _("%s%s%s: %s.\n%s"), a->markup ? "<b>" : "", notify_alert_time(a, i->when, now, t),
                     a->markup ? "</b>" : "", words, recovery) < 0)
                return -ENOMEM;
        *ret_summary = TAKE_PTR(summary);
        *ret_body = TAKE_PTR(body);
        return 0;
}

/* The notification of alert id, or NULL. */
static Shown *notify_alert_find(Agent *a, const char *id) {
        _cleanup_free_ char *uid = NULL;
        Shown *s;

        if (asprintf(&uid, ALERT_UID_PREFIX "%s", id) < 0)
                return NULL;
        s = notify_shown_find(a, uid);
        return s && s->style == NOTIFY_STYLE_ALERT ? s : NULL;
}

/* Show alert i, unless it is shown already. Logs its errors. */
static int notify_alert_show(Agent *a, const AlertInfo *i) {
        _cleanup_free_ char *uid = NULL, *summary = NULL, *body = NULL;
        Shown *s;
        usec_t now;
        int r;

        if (notify_alert_find(a, i->id))
                return 0;
        if (notify_daemon_now(a, &now) < 0)
                now = i->when;
        if (asprintf(&uid, ALERT_UID_PREFIX "%s", i->id) < 0 || notify_alert_text(a, i, now, &summary, &body) < 0)
                return log_oom();
        r = notify_show_styled(a, uid, NOTIFY_STYLE_ALERT, URGENCY_CRITICAL, summary, body, _("a lead alert"));
        s = notify_shown_find(a, uid);
        if (s)
                s->start = i->when;
        return r;
}

/* A note about alert s at now: summary, and a body of s's summary (which
 * names the operator), s's time and detail. Logs its errors. */
static int notify_alert_note(Agent *a, const Shown *s, uint8_t urgency, const char *summary, const char *detail,
                             usec_t now) {
        _cleanup_free_ char *uid = NULL, *body = NULL, *what = NULL, *escaped = NULL;
        char t[ISO8601_MAX];
        Shown *note;
        int r;

        escaped = notify_alert_body_text(a, detail, false);
        what = notify_alert_body_text(a, s->summary ?: "", false);
        if (!escaped || !what || asprintf(&uid, NOTE_UID_PREFIX "%s", s->uid + strlen(ALERT_UID_PREFIX)) < 0 ||
            asprintf(&body, "%s (%s): %s", what, notify_alert_time(a, s->start, now, t), escaped) < 0)
                return log_oom();
        r = notify_show_styled(a, uid, NOTIFY_STYLE_NOTE, urgency, summary, body, _("a note on a lead alert"));
        note = notify_shown_find(a, uid);
        if (note) {
                /* Forgotten a day later, as breaks over are. */
                note->stage = STAGE_ENDED;
                note->end = now;
        }
        return r;
}

/* Take alert s's notification away and forget s: now, or when the Notify
 * call in flight returns its id (notify-server.c). */
static void notify_alert_close(Agent *a, Shown *s) {
        s->acknowledged = true;
        s->pending = false;
        if (s->slot)
                return;
        if (s->id > 0)
                notify_close(a, s->id);
        notify_shown_remove(a, s);
}

/* Alert s was acknowledged by by at when: take it away, and say so when
 * someone else did. */
static void notify_alert_answered(Agent *a, Shown *s, const char *by, usec_t when) {
        _cleanup_free_ char *summary = NULL, *detail = NULL;
        char t[ISO8601_MAX];

        log_info(_("A lead alert was acknowledged; taking its notification away."));
        if (!isempty(by) && !streq_ptr(by, a->user)) {
                if (asprintf(&summary, _("Acknowledged by %s"), by) < 0 ||
                    asprintf(&detail, _("%s acknowledged it at %s."), by, notify_alert_time(a, when, when, t)) < 0)
                        (void) log_oom();
                else
                        (void) notify_alert_note(a, s, URGENCY_LOW, summary, detail, when);
        }
        notify_alert_close(a, s);
        notify_shown_forget_old(a, when);
}

/* ---- Signals ---- */

static int notify_alert_on_lead_alert(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        AlertInfo i = {};

        if (!notify_daemon_is_sender(a, m) ||
            sd_bus_message_read(m, "sssttt", &i.id, &i.operator, &i.category, &i.when, &i.recovery_start,
                                &i.recovery_end) < 0)
                return 0;
        return notify_alert_show(a, &i);
}

static int notify_alert_on_acknowledged(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        Agent *a = userdata;
        const char *id, *operator, *by;
        uint64_t when;
        Shown *s;

        if (!notify_daemon_is_sender(a, m) || sd_bus_message_read(m, "ssst", &id, &operator, &by, &when) < 0)
                return 0;
        s = notify_alert_find(a, id);
        if (s && !s->acknowledged)
                notify_alert_answered(a, s, by, when);
        return 0;
}

int notify_alert_add_matches(Agent *a) {
        int r;

        r = sd_bus_match_signal(a->daemon, NULL, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_SIGNAL_LEAD_ALERT,
                                notify_alert_on_lead_alert, a);
        if (r < 0)
                return r;
        return sd_bus_match_signal(a->daemon, NULL, BUS_NAME, BUS_PATH, BUS_INTERFACE, BUS_SIGNAL_ALERT_ACKNOWLEDGED,
                                   notify_alert_on_acknowledged, a);
}

/* ---- Catching up ---- */

int notify_alert_catch_up(Agent *a) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(strv_freep) char **open = NULL, **gone = NULL;
        usec_t now = 0;
        int r;

        /* Every open alert, and those raised from now on: none is missed. */
        (void) notify_daemon_now(a, &now);
        r = notify_daemon_call(a, BUS_METHOD_LIST_ALERTS, &reply, "t", (uint64_t) now);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ssssttttttss)");
        for (;;) {
                AlertInfo i = {};
                const char *team, *by, *note;
                uint64_t raised, escalated, acknowledged;
                Shown *s;

                if (r >= 0)
                        r = sd_bus_message_read(reply, "(ssssttttttss)", &i.id, &i.operator, &team, &i.category,
                                                &i.when, &raised, &i.recovery_start, &i.recovery_end, &escalated,
                                                &acknowledged, &by, &note);
                if (r <= 0)
                        break;
                if (acknowledged > 0) {
                        s = notify_alert_find(a, i.id);
                        if (s && !s->acknowledged)
                                notify_alert_answered(a, s, by, acknowledged);
                        continue;
                }
                if (strv_extend(&open, i.id) < 0)
                        return log_oom();
                r = notify_alert_show(a, &i);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return log_warning_errno(r, _("Failed to read respited's alerts: %m"));

        /* Shown and no longer open: answered while we were not listening. */
        for (size_t k = 0; k < a->n_shown; k++) {
                Shown *s = a->shown[k];

                if (s->style != NOTIFY_STYLE_ALERT || s->acknowledged || s->ack_slot)
                        continue;
                if (!strv_contains(open, s->uid + strlen(ALERT_UID_PREFIX)) &&
                    strv_extend(&gone, s->uid + strlen(ALERT_UID_PREFIX)) < 0)
                        return log_oom();
        }
        for (size_t k = 0; gone && gone[k]; k++) {
                Shown *s = notify_alert_find(a, gone[k]);

                if (s)
                        notify_alert_close(a, s);
        }
        return 0;
}

/* ---- Acknowledging from the notification ---- */

static int notify_alert_on_ack_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Shown *s = userdata;
        Agent *a = s->agent;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        usec_t now;

        s->ack_slot = sd_bus_slot_unref(s->ack_slot);
        if (!e) {
                log_info(_("Acknowledged a lead alert."));
                notify_alert_close(a, s);
                return 0;
        }
        if (notify_daemon_now(a, &now) < 0)
                now = s->start;
        if (sd_bus_error_has_name(e, BUS_ERROR_ALREADY_ACKNOWLEDGED)) {
                /* Its message says by whom and when. */
                log_info(_("The lead alert was acknowledged already; taking its notification away."));
                (void) notify_alert_note(a, s, URGENCY_LOW, _("Acknowledged already"), e->message ?: "", now);
                notify_alert_close(a, s);
                return 0;
        }
        if (sd_bus_error_has_name(e, BUS_ERROR_UNKNOWN_ALERT)) {
                log_warning(_("respited does not know the lead alert acknowledged; taking its notification away."));
                notify_alert_close(a, s);
                return 0;
        }
        /* Denied, or respited gone: the alert stays open, and shown (servers
         * take a notification away when its action is invoked). */
        log_warning(_("Failed to acknowledge a lead alert: %s."), e->name);
        (void) notify_alert_note(a, s, URGENCY_NORMAL, _("Not acknowledged"), e->message ?: e->name, now);
        return notify_show_styled(a, s->uid, NOTIFY_STYLE_ALERT, URGENCY_CRITICAL, s->summary, s->body, _("a lead alert"));
}

int notify_alert_on_action(Agent *a, Shown *s, const char *key) {
        int r;

        if (!streq(key, "default") || s->acknowledged || s->ack_slot)
                return 0;
        r = sd_bus_call_method_async(a->daemon, &s->ack_slot, BUS_NAME, BUS_PATH, BUS_INTERFACE,
                                     BUS_METHOD_ACKNOWLEDGE_ALERT, notify_alert_on_ack_reply, s, "ss",
                                     s->uid + strlen(ALERT_UID_PREFIX), "");
        if (r < 0)
                return log_warning_errno(r, _("Failed to acknowledge a lead alert: %m"));
        log_info(_("Acknowledging a lead alert."));
        return 0;
}
