/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What each notification says: a break scheduled or moved, started (with a
 * countdown), ended; the operator's day. Breaks back to back are one
 * stretch off the phones with one notification (notify-stretch.c). Times
 * are in the site's zone, which a body names when the desktop's clock
 * reads otherwise. */
#include <ctype.h>

#include "notify/notify-internal.h"
#include "shared/i18n.h"
#include "shared/log.h"
#include "shared/reason-words.h"
#include "shared/time-util.h"

/* The countdown of a break in progress is redrawn this often. */
#define COUNTDOWN_TICK (30 * USEC_PER_SEC)

/* "10:42" in the site's zone. */
static const char *notify_hhmm(const Agent *a, usec_t t, char buf[static ISO8601_MAX]) {
        return time_format_clock(t, a->zone ?: "UTC", false, buf);
}

/* The reason as the operator reads it: the planner's private reason in the
 * reader's language (reason_translate()), else without the category names
 * in parentheses ("after a threatening call (threat)" → "After a
 * threatening call"), markup-escaped when the server takes markup. */
static char *notify_reason_for_people(const Agent *a, const char *reason) {
        _cleanup_free_ char *text = NULL, *translated = NULL;
        size_t size = 0;
        FILE *f;

        translated = reason_translate(reason);
        if (translated)
                reason = translated;
        else
                /* Not the planner's: the signal's public wording of the kind ("Recovery break",
                 * break_kind_public_reason()), which po/ translates, or the reason as written. */
                reason = _(reason);
        f = open_memstream(&text, &size);
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
                notify_fputc_body(a, c == reason ? toupper((unsigned char) *c) : *c, f);
        }
        if (fclose(f) != 0)
                return NULL;
        return TAKE_PTR(text);
}

static const char *notify_bold_on(const Agent *a) {
        return a->markup ? "<b>" : "";
}

static const char *notify_bold_off(const Agent *a) {
        return a->markup ? "</b>" : "";
}

/* A recovery break, or another break a recovery merged into (its reason
 * then ends "; also recovery after …"). */
/* The site's zone, said once in a body when the desktop's clock reads
 * otherwise at t (another zone, or another offset): "\nTimes in
 * Asia/Jerusalem." Empty when both read the same. Returns buf. */
static const char *notify_zone_note(const Agent *a, usec_t t, char *buf, size_t size) {
        char site[ISO8601_MAX], here[ISO8601_MAX];
        time_t secs = (time_t) (t / USEC_PER_SEC);
        struct tm tm;

        buf[0] = '\0';
        notify_hhmm(a, t, site);
        /* time-util.c set $TZ to the site's zone and sets it again when it
         * finds another: the desktop's own for this one reading. */
        if ((a->desktop_tz ? setenv("TZ", a->desktop_tz, 1) : unsetenv("TZ")) < 0)
                return buf;
        tzset();
        if (!localtime_r(&secs, &tm) || strftime(here, sizeof(here), "%H:%M", &tm) == 0)
                return buf;
        if (!streq(site, here))
                snprintf(buf, size, _("\nTimes in %s."), a->zone ?: "UTC");
        return buf;
}

#define ZONE_NOTE_MAX 128

/* A length of whole minutes (rounded down; less than a minute in seconds)
 * in the reader's words: "1h 5min", "1時間5分". Returns buf. */
static const char *notify_length(usec_t d, char buf[static DURATION_MAX]) {
        return duration_format_words(d >= USEC_PER_MINUTE ? d - d % USEC_PER_MINUTE : d, buf);
}

/* A recovery break, or another break a recovery merged into (its reason
 * then ends "; also recovery after …"). */
bool notify_is_recovery(const char *kind, const char *reason) {
        return streq(kind, "recovery") || (reason && strstr(reason, "recovery"));
}

/* "recovery break" as in "New recovery break: …", "your recovery break ended". */
static const char *notify_kind_words(const char *kind) {
        return streq_ptr(kind, "recovery") ? _("recovery break") :
               streq_ptr(kind, "statutory") ? _("statutory break") : _("break");
}

/* " (3 breaks back to back)" for a stretch of several breaks, else "". */
static char *notify_stretch_words(const Stretch *st) {
        char *s = NULL;

        if (st->n < 2)
                return strdup("");
        return asprintf(&s, P_(" (%zu break back to back)", " (%zu breaks back to back)", st->n), st->n) < 0 ?
                NULL : s;
}

/* ---- A stretch in progress: the countdown ---- */

static int notify_arm_countdown(Agent *a, const char *uid, usec_t end);

/* The stretch st is in progress at now: "On break until 10:36", how long is
 * left and what changed in it, as key's notification, redrawn every 30 s.
 * news (may be NULL) is what changed now; without it, what changed last in
 * the same stretch is said again, so that a redraw keeps why a break was
 * added. */
static int notify_show_stretch_now(Agent *a, const char *key, const Stretch *st, usec_t now, const char *news) {
        _cleanup_free_ char *body = NULL, *text = NULL, *summary = NULL, *several = notify_stretch_words(st);
        char t[ISO8601_MAX], left[DURATION_MAX], zone[ZONE_NOTE_MAX];
        int r;

        if (!several)
                return log_oom();
        if (news) {
                if (strdup_to(&a->countdown_news, news) < 0)
                        return log_oom();
        } else if (!streq_ptr(a->countdown_uid, key))
                a->countdown_news = mfree(a->countdown_news);
        news = a->countdown_news;
        /* Whole minutes left, rounded up: "1min" until the very end. */
        notify_length(st->end > now ? usec_ceil(st->end - now, USEC_PER_MINUTE) : 0, left);
        notify_hhmm(a, st->end, t);
        /* TRANSLATORS: the 1st and 3rd %s make the 2nd (the time left) bold; the 5th is
         * " (3 breaks back to back)" or empty. */
        if (asprintf(&summary, _("On break until %s"), t) < 0 ||
            asprintf(&body, _("%s%s left%s: back on the phones at %s%s."), notify_bold_on(a), left,
                     notify_bold_off(a), t, several) < 0 ||
            asprintf(&text, "%s%s%s%s", body, news ? "\n" : "", news ?: "",
                     notify_zone_note(a, st->end, zone, sizeof(zone))) < 0)
                return log_oom();
        r = notify_show(a, key, URGENCY_CRITICAL, summary, text);
        if (notify_arm_countdown(a, key, st->end) < 0)
                return log_oom();
        return r;
}

static int notify_on_countdown(sd_event_source *source, uint64_t usec, void *userdata) {
        Agent *a = userdata;
        Shown *s = a->countdown_uid ? notify_shown_find(a, a->countdown_uid) : NULL;
        Stretch st = {};
        usec_t now;
        int r;

        if (!s || notify_daemon_now(a, &now) < 0 || now >= a->countdown_end)
                return sd_event_source_set_enabled(source, SD_EVENT_OFF);
        /* Read the stretch again: breaks may have been added or moved. */
        r = notify_stretch_of(a, &(BreakInfo) { .kind = s->kind ?: "", .uid = s->uid, .start = s->start,
                                                .end = s->end }, &st);
        if (r < 0)
                return log_oom();
        (void) notify_show_stretch_now(a, s->uid, &st, now, NULL);
        notify_stretch_done(&st);
        return 0;
}

static int notify_arm_countdown(Agent *a, const char *uid, usec_t end) {
        int r;

        r = strdup_to(&a->countdown_uid, uid);
        if (r < 0)
                return r;
        a->countdown_end = end;
        if (!a->countdown)
                return sd_event_add_time_relative(a->event, &a->countdown, CLOCK_MONOTONIC, COUNTDOWN_TICK,
                                                  USEC_PER_SEC, notify_on_countdown, a);
        r = sd_event_source_set_time_relative(a->countdown, COUNTDOWN_TICK);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(a->countdown, SD_EVENT_ON);
}

/* ---- What each signal shows ---- */

int notify_show_scheduled(Agent *a, const BreakInfo *b, const char *private_reason) {
        _cleanup_free_ char *summary = NULL, *body = NULL, *why = NULL, *was = NULL, *news = NULL, *several = NULL,
                *off = NULL;
        _cleanup_(notify_stretch_done) Stretch st = {};
        Shown *s = notify_shown_find(a, b->uid);
        bool moved = s && s->stage >= STAGE_SCHEDULED && (s->start != b->start || s->end != b->end);
        char t0[ISO8601_MAX], t1[ISO8601_MAX], o0[ISO8601_MAX], o1[ISO8601_MAX], len[DURATION_MAX];
        char zone[ZONE_NOTE_MAX];
        BreakInfo with_reason = *b;
        const char *key;
        usec_t now = 0;
        int r;

        if (s && s->stage >= STAGE_SCHEDULED && !moved)
                return 0;       /* nothing new */
        why = notify_reason_for_people(a, private_reason ?: b->reason);
        if (!why)
                return log_oom();
        with_reason.reason = private_reason ?: b->reason;
        if (notify_stretch_of(a, &with_reason, &st) < 0)
                return log_oom();
        key = notify_stretch_key(a, &st, b->uid);
        if (moved && asprintf(&was, _(" (was %s to %s)"), notify_hhmm(a, s->start, o0), notify_hhmm(a, s->end, o1)) < 0)
                return log_oom();
        if (notify_shown_record(a, b, STAGE_SCHEDULED) < 0)
                return log_oom();

        notify_hhmm(a, b->start, t0);
        notify_hhmm(a, b->end, t1);
        /* TRANSLATORS: "New recovery break: 09:01 to 09:21 (was 10:00 to 10:20). After a threatening call." */
        if (asprintf(&news, moved ? _("Moved %s: %s to %s%s. %s.") : _("New %s: %s to %s%s. %s."),
                     notify_kind_words(b->kind), t0, t1, was ?: "", why) < 0)
                return log_oom();

        /* Added to, or moved in, the stretch the operator is on: the countdown says its new end. */
        if (notify_daemon_now(a, &now) >= 0 && now >= st.start && now < st.end)
                return notify_show_stretch_now(a, key, &st, now, news);

        several = notify_stretch_words(&st);
        if (!several)
                return log_oom();
        notify_hhmm(a, st.start, t0);
        notify_hhmm(a, st.end, t1);
        notify_length(st.end - st.start, len);
        /* Short summaries: servers cut long ones. The details are in the body. */
        if (st.n > 1)
                r = asprintf(&summary, _("Breaks: %s to %s"), t0, t1);
        else if (moved)
                r = asprintf(&summary, _("Break moved: %s, %s"), t0, len);
        else
                r = asprintf(&summary, st.recovery ? _("Recovery break: %s, %s") : _("New break: %s, %s"), t0, len);
        /* TRANSLATORS: "Off the phones from 09:01 to 09:21 (2 breaks back to back)."; the 1st and
         * 3rd %s make the 2nd bold, the 4th and 6th the 5th. */
        if (r < 0 || asprintf(&off, _("Off the phones from %s%s%s to %s%s%s%s."), notify_bold_on(a), t0,
                              notify_bold_off(a), notify_bold_on(a), t1, notify_bold_off(a), several) < 0 ||
            asprintf(&body, "%s\n%s%s", news, off, notify_zone_note(a, st.start, zone, sizeof(zone))) < 0)
                return log_oom();
        return notify_show(a, key, st.recovery ? URGENCY_CRITICAL : URGENCY_NORMAL, summary, body);
}

int notify_show_started(Agent *a, const BreakInfo *b, usec_t now) {
        _cleanup_(notify_stretch_done) Stretch st = {};

        if (notify_stretch_of(a, b, &st) < 0 || notify_shown_record(a, b, STAGE_STARTED) < 0)
                return log_oom();
        return notify_show_stretch_now(a, notify_stretch_key(a, &st, b->uid), &st, now, NULL);
}

int notify_show_ended(Agent *a, const BreakInfo *b) {
        _cleanup_(notify_stretch_done) Stretch st = {};
        _cleanup_free_ char *body = NULL;
        char t[ISO8601_MAX], zone[ZONE_NOTE_MAX];
        const char *key;

        if (notify_stretch_of(a, b, &st) < 0)
                return log_oom();
        key = notify_stretch_key(a, &st, b->uid);
        if (notify_shown_record(a, b, STAGE_ENDED) < 0)
                return log_oom();
        /* The next break of the stretch begins: its countdown goes on. */
        if (st.end > b->end)
                return 0;
        notify_hhmm(a, st.end, t);
        notify_zone_note(a, st.end, zone, sizeof(zone));
        if ((st.n > 1 ? asprintf(&body, _("Back on the phones: your breaks ended at %s.%s"), t, zone) :
                        asprintf(&body, _("Back on the phones: your %s ended at %s.%s"),
                                 notify_kind_words(b->kind), t, zone)) < 0)
                return log_oom();
        if (streq_ptr(a->countdown_uid, key) || streq_ptr(a->countdown_uid, b->uid))
                (void) sd_event_source_set_enabled(a->countdown, SD_EVENT_OFF);
        return notify_show(a, key, URGENCY_NORMAL, _("Break over"), body);
}

/* ---- "Show my day" ---- */

static int notify_day_line(Agent *a, const BreakInfo *b, void *userdata) {
        FILE *f = userdata;
        _cleanup_free_ char *why = notify_reason_for_people(a, b->reason);
        char t0[ISO8601_MAX], t1[ISO8601_MAX];

        if (!why)
                return -ENOMEM;
        /* TRANSLATORS: a line of "Show my day": "09:51–10:11 After a threatening call"; the 1st and
         * 4th %s make the times bold. */
        fprintf(f, _("%s%s–%s%s %s\n"), notify_bold_on(a), notify_hhmm(a, b->start, t0), notify_hhmm(a, b->end, t1),
                notify_bold_off(a), why);
        return 0;
}

int notify_show_day(Agent *a) {
        _cleanup_free_ char *body = NULL, *text = NULL;
        char zone[ZONE_NOTE_MAX];
        size_t size = 0;
        usec_t now, from, to;
        FILE *f;
        int r;

        /* The site's day: 23 or 25 hours when the clocks change. */
        if (notify_daemon_now(a, &now) < 0 || time_local_day_bounds(now, a->zone, &from, &to) < 0)
                return 0;
        f = open_memstream(&body, &size);
        if (!f)
                return log_oom();
        r = notify_for_each_break(a, from, to, notify_day_line, f);
        if (fclose(f) != 0 || r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return 0;
        if (isempty(body))
                return notify_show(a, DAY_UID, URGENCY_NORMAL, _("Your breaks today"), _("No breaks today."));
        /* The lines end in "\n": the zone note's own "\n" is not needed. */
        notify_zone_note(a, now, zone, sizeof(zone));
        if (asprintf(&text, "%s%s", body, zone[0] ? zone + 1 : "") < 0)
                return log_oom();
        return notify_show(a, DAY_UID, URGENCY_NORMAL, _("Your breaks today"), text);
}
