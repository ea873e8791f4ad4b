/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What each notification says: a break scheduled or moved, started (with a
 * countdown), ended; the operator's day. Times are in the site's zone. */
#include <ctype.h>

#include "notify/notify-internal.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* The countdown of a break in progress is redrawn this often. */
#define COUNTDOWN_TICK (30 * USEC_PER_SEC)

/* "10:42" in the site's zone. */
static const char *notify_hhmm(const Agent *a, usec_t t, char buf[static ISO8601_MAX]) {
        return time_format_clock(t, a->zone ?: "UTC", false, buf);
}

/* The reason as the operator reads it: the planner's private reason without
 * the category names in parentheses ("after a threatening call (threat)" →
 * "After a threatening call"), markup-escaped when the server takes markup. */
static char *notify_reason_for_people(const Agent *a, const char *reason) {
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

/* ---- What each signal shows ---- */

/* A recovery break, or another break a recovery merged into (its reason
 * then ends "; also recovery after …"). */
bool notify_is_recovery(const char *kind, const char *reason) {
        return streq(kind, "recovery") || (reason && strstr(reason, "recovery"));
}

static const char *notify_kind_words(const char *kind) {
        return streq_ptr(kind, "recovery") ? "recovery break" :
               streq_ptr(kind, "statutory") ? "statutory break" : "break";
}

int notify_show_scheduled(Agent *a, const BreakInfo *b, const char *private_reason) {
        _cleanup_free_ char *summary = NULL, *body = NULL, *why = NULL, *was = NULL;
        Shown *s = notify_shown_find(a, b->uid);
        bool moved = s && s->stage >= STAGE_SCHEDULED && (s->start != b->start || s->end != b->end);
        char t0[ISO8601_MAX], t1[ISO8601_MAX], o0[ISO8601_MAX], o1[ISO8601_MAX], len[DURATION_MAX];
        bool recovery = notify_is_recovery(b->kind, private_reason);
        int r;

        if (s && s->stage >= STAGE_SCHEDULED && !moved)
                return 0;       /* nothing new */
        why = notify_reason_for_people(a, private_reason ?: b->reason);
        if (!why)
                return log_oom();
        notify_hhmm(a, b->start, t0);
        notify_hhmm(a, b->end, t1);
        duration_format(b->end - b->start, len, DURATION_MAX);

        if (moved && asprintf(&was, " (was %s to %s)", notify_hhmm(a, s->start, o0), notify_hhmm(a, s->end, o1)) < 0)
                return log_oom();
        if (recovery)
                /* A recovery merged into another break says so: one time off, longer. */
                r = asprintf(&summary, "%s %s %s for %s", streq(b->kind, "recovery") ? "Recovery break" :
                             "Break with recovery", moved ? "moved to" : "at", t0, len) < 0 ||
                    asprintf(&body, "%s.\nFrom %s%s%s to %s%s%s%s.", why, notify_bold_on(a), t0, notify_bold_off(a),
                             notify_bold_on(a), t1, notify_bold_off(a), was ?: "") < 0;
        else if (moved)
                r = asprintf(&summary, "%s moved: %s → %s", streq(b->kind, "statutory") ? "Statutory break" : "Break",
                             notify_hhmm(a, s->start, o0), t0) < 0 ||
                    asprintf(&body, "Was %s to %s, now %s%s to %s%s (%s).\n%s.", o0, notify_hhmm(a, s->end, o1),
                             notify_bold_on(a), t0, t1, notify_bold_off(a), len, why) < 0;
        else
                r = asprintf(&summary, "New break at %s for %s", t0, len) < 0 ||
                    asprintf(&body, "From %s to %s.\n%s.", t0, t1, why) < 0;
        if (r)
                return log_oom();

        r = notify_show(a, b->uid, recovery ? URGENCY_CRITICAL : URGENCY_NORMAL, summary, body);
        if (notify_shown_record(a, b, STAGE_SCHEDULED) < 0)
                return log_oom();
        return r;
}

static int notify_countdown_body(Agent *a, usec_t end, usec_t now, char **ret) {
        char t[ISO8601_MAX], left[DURATION_MAX];

        /* Whole minutes left, rounded up: "1min" until the very end. */
        duration_format(end > now ? usec_ceil(end - now, USEC_PER_MINUTE) : 0, left, DURATION_MAX);
        return asprintf(ret, "%s%s left%s: back on the phones at %s.", notify_bold_on(a), left, notify_bold_off(a),
                        notify_hhmm(a, end, t)) < 0 ? -ENOMEM : 0;
}

static int notify_on_countdown(sd_event_source *source, uint64_t usec, void *userdata) {
        Agent *a = userdata;
        Shown *s = a->countdown_uid ? notify_shown_find(a, a->countdown_uid) : NULL;
        usec_t now;

        if (!s || s->stage != STAGE_STARTED || notify_daemon_now(a, &now) < 0 || now >= s->end)
                return sd_event_source_set_enabled(source, SD_EVENT_OFF);
        (void) notify_show_started(a, &(BreakInfo) { .kind = s->kind ?: "", .uid = s->uid, .start = s->start,
                                                     .end = s->end }, now);
        return 0;
}

static int notify_arm_countdown(Agent *a, const char *uid) {
        int r;

        r = strdup_to(&a->countdown_uid, uid);
        if (r < 0)
                return r;
        if (!a->countdown)
                return sd_event_add_time_relative(a->event, &a->countdown, CLOCK_MONOTONIC, COUNTDOWN_TICK,
                                                  USEC_PER_SEC, notify_on_countdown, a);
        r = sd_event_source_set_time_relative(a->countdown, COUNTDOWN_TICK);
        if (r < 0)
                return r;
        return sd_event_source_set_enabled(a->countdown, SD_EVENT_ON);
}

int notify_show_started(Agent *a, const BreakInfo *b, usec_t now) {
        _cleanup_free_ char *body = NULL, *summary = NULL;
        char len[DURATION_MAX], t[ISO8601_MAX];
        int r;

        if (notify_countdown_body(a, b->end, now, &body) < 0)
                return log_oom();
        /* Told late (a resume, a restart, the countdown): say since when. */
        r = now < b->start + USEC_PER_MINUTE ?
                asprintf(&summary, "Your %s starts now: %s", notify_kind_words(b->kind),
                         duration_format(b->end - b->start, len, DURATION_MAX)) :
                asprintf(&summary, "On your %s since %s", notify_kind_words(b->kind), notify_hhmm(a, b->start, t));
        if (r < 0)
                return log_oom();
        r = notify_show(a, b->uid, URGENCY_CRITICAL, summary, body);
        if (notify_shown_record(a, b, STAGE_STARTED) < 0 || notify_arm_countdown(a, b->uid) < 0)
                return log_oom();
        return r;
}

int notify_show_ended(Agent *a, const BreakInfo *b) {
        _cleanup_free_ char *body = NULL;
        char t[ISO8601_MAX];
        int r;

        if (asprintf(&body, "Your %s ended at %s.", notify_kind_words(b->kind), notify_hhmm(a, b->end, t)) < 0)
                return log_oom();
        r = notify_show(a, b->uid, URGENCY_NORMAL, "Break over", body);
        if (notify_shown_record(a, b, STAGE_ENDED) < 0)
                return log_oom();
        if (streq_ptr(a->countdown_uid, b->uid))
                (void) sd_event_source_set_enabled(a->countdown, SD_EVENT_OFF);
        return r;
}

/* ---- "Show my day" ---- */

static int notify_day_line(Agent *a, const BreakInfo *b, void *userdata) {
        FILE *f = userdata;
        _cleanup_free_ char *why = notify_reason_for_people(a, b->reason);
        char t0[ISO8601_MAX], t1[ISO8601_MAX];

        if (!why)
                return -ENOMEM;
        fprintf(f, "%s%s–%s%s %s\n", notify_bold_on(a), notify_hhmm(a, b->start, t0), notify_hhmm(a, b->end, t1),
                notify_bold_off(a), why);
        return 0;
}

int notify_show_day(Agent *a) {
        _cleanup_free_ char *body = NULL;
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
        return notify_show(a, DAY_UID, URGENCY_NORMAL, "Your breaks today", isempty(body) ? "No breaks today." : body);
}
