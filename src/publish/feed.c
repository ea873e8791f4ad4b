/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <fcntl.h>
#include <limits.h>
#include <libical/ical.h>
#include <nettle/hmac.h>
#include <sys/stat.h>

#include "publish/feed.h"
#include "shared/i18n.h"
#include "shared/reason-words.h"
#include "shared/reason.h"

#define FEED_PRODID "-//respite//respite 0.1//EN"
/* A team feed's break UID: this prefix, then FEED_TEAM_UID_BYTES of the MAC in hex. */
#define FEED_TEAM_UID_PREFIX "break-"
#define FEED_TEAM_UID_BYTES 16
/* RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, CRLF excluded. */
#define FOLD_OCTETS 75

static const char * const feed_audience_table[_FEED_AUDIENCE_MAX] = {
        [FEED_OPERATOR] = "operator",
        [FEED_TEAM]     = "team",
};
DEFINE_STRING_TABLE_LOOKUP(feed_audience, FeedAudience);

/* COLOR (RFC 7986 §5.9: a CSS3 colour name) of a break in the operator's
 * feed, by kind: the hues of plan-html.c's Okabe-Ito palette, which stay
 * apart for colour-blind readers (blue, orange, bluish green), so a
 * recovery break does not look like a lunch. */
static const char * const feed_break_color_table[_BREAK_KIND_MAX] = {
        [BREAK_STATUTORY] = "steelblue",
        [BREAK_RECOVERY]  = "darkorange",
        [BREAK_PLANNED]   = "seagreen",
};

/* Every break of a team feed has this COLOR: one per kind would tell the
 * kind, and a recovery break tells of an abusive call. */
#define FEED_TEAM_BREAK_COLOR "slategray"

/* One VEVENT to be: a shift (brk == NULL) or one of its breaks. */
typedef struct FeedEvent {
        usec_t start, end;
        const char *uid;        /* the plan's uid, without the domain */
        const ShiftPlan *shift;
        const Break *brk;
} FeedEvent;

typedef struct EventList {
        FeedEvent *events;
        size_t n;
} EventList;

static void feed_event_list_done(EventList *l) {
        free(l->events);
}

static bool feed_overlaps(usec_t start, usec_t end, usec_t from, usec_t to) {
        return start < to && end > from;
}

/* Add the shift (brk == NULL) or its break brk when it overlaps [from, to)
 * (UTC usec). Returns 1 when added, 0 when not, or -ENOMEM. */
static int feed_event_list_add(EventList *l, const ShiftPlan *shift, const Break *brk, usec_t from, usec_t to) {
        FeedEvent e = {
                .start = brk ? brk->start : shift->start,
                .end = brk ? brk->end : shift->end,
                .uid = brk ? brk->uid : shift->uid,
                .shift = shift,
                .brk = brk,
        };
        int r;

        if (!feed_overlaps(e.start, e.end, from, to))
                return 0;
        r = array_grow((void **) &l->events, l->n, sizeof(FeedEvent));
        if (r < 0)
                return r;
        l->events[l->n++] = e;
        return 1;
}

static int feed_event_compare(const void *a, const void *b) {
        const FeedEvent *x = a, *y = b;

        return CMP(x->start, y->start) ?: strcmp(x->uid, y->uid);
}

/* The shifts (unless breaks_only) and breaks of operator who overlapping
 * [from, to) into l. */
static int feed_collect_operator(const Plan *plan, const char *who, usec_t from, usec_t to, bool breaks_only,
                                 EventList *l) {
        size_t first, n = plan_operator_shifts(plan, who, &first);
        int r;

        for (size_t i = first; i < first + n; i++) {
                const ShiftPlan *sp = plan->shifts + i;

                if (!feed_overlaps(sp->start, sp->end, from, to))
                        continue;       /* a break is listed only with its shift */
                if (!breaks_only) {
                        r = feed_event_list_add(l, sp, NULL, from, to);
                        if (r < 0)
                                return r;
                }
                for (size_t j = 0; j < sp->n_breaks; j++) {
                        r = feed_event_list_add(l, sp, sp->breaks + j, from, to);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* The shifts (unless breaks_only) and breaks of who overlapping [from, to),
 * ordered by (start, uid): a team's are its operators'
 * (roster_team_operators()). */
static int feed_collect_events(const Plan *plan, const Roster *roster, FeedAudience audience, const char *who,
                               usec_t from, usec_t to, bool breaks_only, EventList *l) {
        const size_t *members = NULL;
        size_t n;
        int r;

        if (audience == FEED_OPERATOR)
                r = feed_collect_operator(plan, who, from, to, breaks_only, l);
        else {
                n = roster_team_operators(roster, who, &members);
                r = 0;
                for (size_t i = 0; i < n && r >= 0; i++)
                        r = feed_collect_operator(plan, roster->operators[members[i]].id, from, to, breaks_only, l);
        }
        if (r < 0)
                return r;

        if (l->n > 0)
                qsort(l->events, l->n, sizeof(FeedEvent), feed_event_compare);
        return 0;
}

static int feed_add_property(icalcomponent *c, icalproperty *p) {
        if (!p)
                return -ENOMEM;
        icalcomponent_add_property(c, p);
        return 0;
}

static int feed_add_x_property(icalcomponent *c, const char *name, const char *value) {
        icalproperty *p;

        p = icalproperty_new_x(value);
        if (!p)
                return -ENOMEM;
        icalproperty_set_x_name(p, name);
        icalcomponent_add_property(c, p);
        return 0;
}

static struct icaltimetype feed_utc_time(usec_t t) {
        return icaltime_from_timet_with_zone((time_t) (t / USEC_PER_SEC), 0,
                                             icaltimezone_get_utc_timezone());
}

static const char *feed_operator_name(const Roster *roster, const char *id) {
        ssize_t i;

        if (!roster)
                return id;
        i = roster_find_operator(roster, id);
        return i >= 0 ? roster->operators[i].name : id;
}

int feed_name(FeedAudience audience, const char *who, char **ret) {
        return asprintf(ret, "%s%s", audience == FEED_TEAM ? "team-" : "", who) < 0 ? -ENOMEM : 0;
}

FeedAudience feed_name_parse(const char *name, const char **ret_who) {
        bool team = strncmp(name, "team-", strlen("team-")) == 0;

        *ret_who = team ? name + strlen("team-") : name;
        return team ? FEED_TEAM : FEED_OPERATOR;
}

int feed_event_uid(const char *uid, char **ret) {
        if (asprintf(ret, "%s" FEED_UID_DOMAIN, uid) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int feed_team_uid(const uint8_t key[static FEED_UID_KEY_SIZE], const char *uid, char **ret) {
        char hex[2 * FEED_TEAM_UID_BYTES + 1];
        uint8_t mac[FEED_TEAM_UID_BYTES];
        struct hmac_sha256_ctx ctx;

        assert(key);
        assert(uid);

        hmac_sha256_set_key(&ctx, FEED_UID_KEY_SIZE, key);
        hmac_sha256_update(&ctx, strlen(uid), (const uint8_t *) uid);
        hmac_sha256_digest(&ctx, sizeof mac, mac);
        explicit_bzero(&ctx, sizeof ctx);
        hex_format(mac, sizeof mac, hex);

        if (asprintf(ret, FEED_TEAM_UID_PREFIX "%s" FEED_UID_DOMAIN, hex) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

int feed_calendar_name(const Roster *roster, FeedAudience audience, const char *who, char **ret) {
        int r = audience == FEED_TEAM ? asprintf(ret, _("Team %s: breaks"), who) :
                                        asprintf(ret, _("%s: breaks"), feed_operator_name(roster, who));

        return r < 0 ? -ENOMEM : 0;
}

/* The SUMMARY of an event, malloc'ed: the team feed names the operator and
 * says only "Shift" or "Break" (privacy: no kind, no reason). */
static int feed_event_summary(const FeedEvent *e, const Roster *roster, FeedAudience audience, char **ret) {
        const char *what;

        if (audience == FEED_OPERATOR) {
                what = e->brk ? _(break_kind_public_reason(e->brk->kind)) : _("Shift");
                *ret = strdup(what);
                return *ret ? 0 : -ENOMEM;
        }

        what = e->brk ? _("Break") : _("Shift");
        if (asprintf(ret, "%s: %s", what, feed_operator_name(roster, e->shift->operator)) < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

/* Whether language reads the planner's own (English) words. */
static bool feed_language_is_english(const char *language) {
        return !language || strncmp(language, "en", 2) == 0;
}

/* What o->policy says of a category and of its law in o->language, for
 * reason_translate_parsed(): the category's label there (category_label()),
 * the law's name there (statutory.source_<language>). */
static const char *feed_reason_category(const char *category, void *userdata) {
        const FeedOptions *o = userdata;
        const Category *c = o->policy ? policy_find_category(o->policy, category) : NULL;

        return c ? category_label(c, o->language) : NULL;
}

static const char *feed_reason_source(const char *source, void *userdata) {
        const FeedOptions *o = userdata;

        if (!o->policy || !streq_ptr(source, o->policy->statutory.source))
                return NULL;
        return translations_get(&o->policy->statutory.sources, o->language, NULL);
}

/* One reason taken apart (not a merge) as a sentence in o->language: a
 * recovery's own "脅迫的な電話の後の回復休憩です。", the others
 * "法律で定められた休憩（…）です。". NULL without a catalogue or on OOM. */
static char *feed_reason_sentence(const ReasonParsed *p, const ReasonLookup *lookup) {
        _cleanup_free_ char *words = reason_translate_parsed(p, lookup);
        char *s = NULL;

        if (!words)
                return NULL;
        if (reason_shape_is_recovery(p->shape) && p->shape != REASON_INTERRUPTED)
                /* TRANSLATORS: a feed's DESCRIPTION; %s says what happened ("After a threatening call"). */
                return asprintf(&s, _("A recovery break: %s."), words) < 0 ? NULL : s;
        /* TRANSLATORS: a feed's DESCRIPTION, a full sentence of a break's reason ("Statutory break: …"). */
        return asprintf(&s, _("%s."), words) < 0 ? NULL : s;
}

/* Why a break was granted, in o->language (not English), from the planner's
 * reason (reason.h: its shapes; reason_translate_parsed() with the site's
 * labels and law in that language). A merge is two sentences. Returns 0 and
 * a malloc'ed string in *ret (the planner's own when it cannot be said
 * again: not the planner's, or no catalogue of that language), or
 * -ENOMEM. */
static int feed_reason_translated(const Break *brk, const FeedOptions *o, char **ret) {
        const ReasonLookup lookup = {
                .category = feed_reason_category,
                .source = feed_reason_source,
                .userdata = (void *) o,
        };
        _cleanup_(reason_parsed_done) ReasonParsed p = {}, b = {}, q = {};
        _cleanup_free_ char *base = NULL, *recovery = NULL;
        int r;

        r = reason_parse(brk->reason ?: "", &p);
        if (r == -ENOMEM)
                return r;
        if (r >= 0 && p.shape == REASON_ALSO_RECOVERY) {
                int rb = reason_parse(p.fields[0], &b), rq = reason_parse(p.fields[1], &q);

                if (rb == -ENOMEM || rq == -ENOMEM)
                        return -ENOMEM;
                base = rb >= 0 ? feed_reason_sentence(&b, &lookup) : NULL;
                recovery = rq >= 0 ? feed_reason_sentence(&q, &lookup) : NULL;
                /* TRANSLATORS: a break of the law or the roster that a recovery break merged into. */
                if (base && recovery)
                        return asprintf(ret, _("%s Also %s"), base, recovery) < 0 ? -ENOMEM : 0;
        } else if (r >= 0) {
                base = feed_reason_sentence(&p, &lookup);
                if (base) {
                        *ret = TAKE_PTR(base);
                        return 0;
                }
        }
        return strdup_to(ret, brk->reason ?: "");
}

/* What an operator's own break event says beyond its times: why it was
 * granted and, once it is over, whether it was taken. */
static int feed_add_break_details(icalcomponent *ev, const Break *brk, const FeedOptions *o) {
        static const char * const said[_ADHERENCE_MAX] = {
                [ADHERENCE_TAKEN]        = N_("Taken."),
                [ADHERENCE_PARTLY_TAKEN] = N_("Partly taken: a call was answered during it."),
                [ADHERENCE_NOT_TAKEN]    = N_("Not taken."),
        };
        const AdherenceDetail *d = o->adherence_of ? o->adherence_of(brk->uid, o->userdata) : NULL;
        const char *taken = d ? _(said[d->adherence]) : NULL;
        _cleanup_free_ char *description = NULL, *translated = NULL;
        const char *reason = brk->reason;
        int r;

        if (!feed_language_is_english(o->language)) {
                r = feed_reason_translated(brk, o, &translated);
                if (r < 0)
                        return r;
                reason = translated;
        }
        if (taken && d->adherence == ADHERENCE_PARTLY_TAKEN && d->interrupted == 0)
                taken = _("Partly taken.");
        if (!isempty(reason) && taken)
                r = asprintf(&description, "%s\n%s", reason, taken);
        else
                r = asprintf(&description, "%s", taken ?: reason ?: "");
        if (r < 0)
                return -ENOMEM;
        if (!isempty(description)) {
                r = feed_add_property(ev, icalproperty_new_description(description));
                if (r < 0)
                        return r;
        }
        r = feed_add_x_property(ev, "X-RESPITE-KIND", break_kind_to_string(brk->kind));
        if (r < 0 || !taken)
                return r;
        return feed_add_x_property(ev, "X-RESPITE-ADHERENCE", adherence_to_string(d->adherence));
}

/* What an operator's own break event says of its kind: CATEGORIES (RFC 5545
 * §3.8.1.2) with the kind's name only ("recovery": never the incident's
 * category, which stays in DESCRIPTION), and COLOR (RFC 7986 §5.9). */
static int feed_add_break_kind(icalcomponent *ev, BreakKind kind) {
        int r;

        r = feed_add_property(ev, icalproperty_new_categories(break_kind_to_string(kind)));
        if (r < 0)
                return r;
        return feed_add_property(ev, icalproperty_new_color(feed_break_color_table[kind]));
}

/* A DISPLAY alarm before seconds before the event's start (RFC 5545 §3.6.6:
 * ACTION, TRIGGER and DESCRIPTION are all required), saying what. */
static int feed_add_alarm(icalcomponent *ev, const char *what, usec_t before) {
        struct icaltriggertype trigger = {
                .time = icaltime_null_time(),
                .duration = icaldurationtype_from_int(-(int) MIN(before / USEC_PER_SEC, (usec_t) INT_MAX)),
        };
        icalcomponent *alarm;
        int r;

        alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
        if (!alarm)
                return -ENOMEM;
        icalcomponent_add_component(ev, alarm);
        if ((r = feed_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY))) < 0 ||
            (r = feed_add_property(alarm, icalproperty_new_trigger(trigger))) < 0 ||
            (r = feed_add_property(alarm, icalproperty_new_description(what))) < 0)
                return r;
        return 0;
}

static int feed_add_event(icalcomponent *cal, const FeedEvent *e, const Roster *roster,
                          FeedAudience audience, usec_t now, const FeedOptions *o) {
        _cleanup_(freep) char *uid = NULL, *summary = NULL;
        unsigned sequence = 0;
        usec_t modified = now;
        icalcomponent *ev;
        int r;

        /* Kept by the plan's uid, whatever UID this feed shows: the
         * operator's feed and the team's agree on SEQUENCE. */
        if (o->seq) {
                r = sequences_update(o->seq, e->uid, e->start, e->end, now, &sequence, &modified);
                if (r < 0)
                        return r;
        }
        /* An offline plan has no revision instant: stay deterministic. */
        if (modified == 0)
                modified = e->start;

        /* A break in a team feed: a UID that says nothing of its kind. */
        r = audience == FEED_TEAM && e->brk ? feed_team_uid(o->uid_key, e->uid, &uid) : feed_event_uid(e->uid, &uid);
        if (r < 0)
                return r;
        r = feed_event_summary(e, roster, audience, &summary);
        if (r < 0)
                return r;

        ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
        if (!ev)
                return -ENOMEM;
        icalcomponent_add_component(cal, ev);

        if ((r = feed_add_property(ev, icalproperty_new_uid(uid))) < 0 ||
            (r = feed_add_property(ev, icalproperty_new_dtstamp(feed_utc_time(modified)))) < 0 ||
            (r = feed_add_property(ev, icalproperty_new_dtstart(feed_utc_time(e->start)))) < 0 ||
            (r = feed_add_property(ev, icalproperty_new_dtend(feed_utc_time(e->end)))) < 0 ||
            (r = feed_add_property(ev, icalproperty_new_sequence((int) sequence))) < 0 ||
            (r = feed_add_property(ev, icalproperty_new_lastmodified(feed_utc_time(modified)))) < 0 ||
            (r = feed_add_property(ev, icalproperty_new_summary(summary))) < 0)
                return r;

        /* RFC 5545 §3.8.2.7: the shift is the background of the day, not
         * busy time of its own; its breaks are. */
        if (!e->brk)
                return feed_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
        r = feed_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
        if (r < 0)
                return r;
        if (audience == FEED_TEAM)
                return feed_add_property(ev, icalproperty_new_color(FEED_TEAM_BREAK_COLOR));
        r = feed_add_break_kind(ev, e->brk->kind);
        if (r < 0)
                return r;
        if (o->alarm_before > 0) {
                r = feed_add_alarm(ev, summary, o->alarm_before);
                if (r < 0)
                        return r;
        }
        return feed_add_break_details(ev, e->brk, o);
}

/* How often clients should poll: REFRESH-INTERVAL (RFC 7986) and its
 * de-facto twin X-PUBLISHED-TTL, the same duration; few clients honour
 * either. */
static int feed_add_refresh(icalcomponent *cal, usec_t refresh) {
        struct icaldurationtype d;
        _cleanup_(freep) char *text = NULL;
        int r;

        d = icaldurationtype_from_int((int) MIN((refresh ?: FEED_REFRESH_DEFAULT) / USEC_PER_SEC,
                                                (usec_t) INT_MAX));
        r = feed_add_property(cal, icalproperty_new_refreshinterval(d));
        if (r < 0)
                return r;
        text = icaldurationtype_as_ical_string_r(d);
        if (!text)
                return -ENOMEM;
        return feed_add_x_property(cal, "X-PUBLISHED-TTL", text);
}

static int feed_add_calendar_properties(icalcomponent *cal, const char *calname, usec_t refresh) {
        int r;

        if ((r = feed_add_property(cal, icalproperty_new_version("2.0"))) < 0 ||
            (r = feed_add_property(cal, icalproperty_new_prodid(FEED_PRODID))) < 0 ||
            (r = feed_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH))) < 0 ||
            (r = feed_add_refresh(cal, refresh)) < 0)
                return r;

        if (isempty(calname))
                return 0;
        if ((r = feed_add_property(cal, icalproperty_new_name(calname))) < 0 ||
            (r = feed_add_x_property(cal, "X-WR-CALNAME", calname)) < 0)
                return r;
        return 0;
}

/* Remove every fold (CRLF followed by a space or tab, RFC 5545 §3.1) in place. */
static void feed_unfold(char *s) {
        char *w = s;

        for (const char *p = s; *p; ) {
                if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
                        p += 3;
                        continue;
                }
                *w++ = *p++;
        }
        *w = '\0';
}

/* Fold each line of the unfolded text s at FOLD_OCTETS octets, only between
 * two UTF-8 sequences, every line ending in CRLF. libical 3.0.16 folds
 * without regard for UTF-8 and, when a value ends at the fold point, emits
 * "\r" + fold + "\n"; unfolding its output and folding again fixes both. */
static int feed_fold(const char *s, char **ret) {
        size_t n = strlen(s);
        char *buf, *w;

        /* Each fold adds 3 octets per at least FOLD_OCTETS - 4 octets of text;
         * a bare LF becomes CRLF. */
        buf = malloc(2 * n + (n / (FOLD_OCTETS - 4) + 1) * 3 + 1);
        if (!buf)
                return -ENOMEM;
        w = buf;

        while (*s) {
                size_t len = strcspn(s, "\n"), room = FOLD_OCTETS;
                const char *next = s + len + (s[len] == '\n');

                if (len > 0 && s[len - 1] == '\r')
                        len--;

                while (len > room) {
                        size_t cut = room;

                        /* Back up to the first octet of a UTF-8 sequence (at
                         * most 3: invalid text is cut anywhere). */
                        while (cut > room - 3 && ((unsigned char) s[cut] & 0xC0) == 0x80)
                                cut--;
                        memcpy(w, s, cut);
                        w += cut;
                        memcpy(w, "\r\n ", 3);
                        w += 3;
                        s += cut;
                        len -= cut;
                        room = FOLD_OCTETS - 1;
                }
                memcpy(w, s, len);
                w += len;
                memcpy(w, "\r\n", 2);
                w += 2;
                s = next;
        }
        *w = '\0';

        *ret = buf;
        return 0;
}

static void feed_icalcomponent_freep(icalcomponent **c) {
        if (*c)
                icalcomponent_free(*c);
}

static void feed_ical_bufferp(char **p) {
        if (*p)
                icalmemory_free_buffer(*p);
}

int feed_render(const Plan *plan, const Roster *roster, FeedAudience audience, const char *who,
                const FeedOptions *o, char **ret) {
        _cleanup_(feed_icalcomponent_freep) icalcomponent *cal = NULL;
        _cleanup_(feed_event_list_done) EventList events = {};
        _cleanup_(feed_ical_bufferp) char *text = NULL;
        int r;

        assert(plan);
        assert(who);
        assert(o);
        assert(ret);

        if (audience == FEED_TEAM && !o->uid_key)
                return -EINVAL;
        icalerror_set_errors_are_fatal(0);

        r = feed_collect_events(plan, roster, audience, who, o->from, o->to, o->breaks_only, &events);
        if (r < 0)
                return r;

        cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
        if (!cal)
                return -ENOMEM;
        r = feed_add_calendar_properties(cal, o->calname, o->refresh);
        if (r < 0)
                return r;

        for (size_t i = 0; i < events.n; i++) {
                r = feed_add_event(cal, events.events + i, roster, audience, plan->now, o);
                if (r < 0)
                        return r;
        }

        text = icalcomponent_as_ical_string_r(cal);
        if (!text)
                return -ENOMEM;
        feed_unfold(text);
        return feed_fold(text, ret);
}

static void feed_unlink_and_freep(char **p) {
        if (!*p)
                return;
        (void) unlink(*p);
        free(*p);
}

static int feed_write_all(int fd, const char *text) {
        size_t left = strlen(text);

        while (left > 0) {
                ssize_t k = write(fd, text, left);

                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                text += k;
                left -= (size_t) k;
        }
        return 0;
}

mode_t feed_file_mode(FeedAudience audience) {
        return audience == FEED_TEAM ? 0644 : 0600;
}

int feed_write_file(const char *dir, const char *name, const char *text, mode_t mode) {
        _cleanup_(feed_unlink_and_freep) char *tmp = NULL;
        _cleanup_(freep) char *path = NULL;
        _cleanup_(closep) int fd = -EBADF;
        int r;

        assert(dir);
        assert(text);

        if (isempty(name) || strchr(name, '/') || name[0] == '.')
                return -EINVAL;

        if (asprintf(&path, "%s/%s", dir, name) < 0) {
                path = NULL;
                return -ENOMEM;
        }
        /* A leading dot: no valid feed name can collide with it. */
        if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, name) < 0) {
                tmp = NULL;
                return -ENOMEM;
        }

        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                free(TAKE_PTR(tmp));    /* nothing was created */
                return r;
        }
        if (fchmod(fd, mode) < 0)
                return -errno;
        r = feed_write_all(fd, text);
        if (r < 0)
                return r;
        if (close(TAKE_FD(fd)) < 0)
                return -errno;
        if (rename(tmp, path) < 0)
                return -errno;

        free(TAKE_PTR(tmp));
        return 0;
}
