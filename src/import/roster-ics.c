/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <stdarg.h>
#include <strings.h>
#include <time.h>

#include "import/roster-ics-internal.h"
#include "shared/i18n.h"
#include "shared/log.h"

typedef struct IcsEvent {
        icalcomponent *comp;
        unsigned line;
        const char *uid;
        bool is_override;               /* has a RECURRENCE-ID */
        bool rid_is_date;
        usec_t rid;                     /* RECURRENCE-ID: UTC instant, or yyyymmdd when rid_is_date */
        bool rid_ok;
} IcsEvent;

static void ics_loader_done(IcsLoader *l) {
        free(l->file_operator);
        if (l->have_pattern)
                regfree(&l->pattern);
}

static unsigned ics_event_line(icalcomponent *ev) {
        for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_X_PROPERTY); p;
             p = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY))
                if (streq_ptr(icalproperty_get_x_name(p), ICS_LINE_PROPERTY))
                        return (unsigned) strtoul(icalproperty_get_x(p) ?: "0", NULL, 10);
        return 0;
}

/* Log why an event gives no shift and count it. Returns -EINVAL. */
_printf_(3, 4)
static int ics_skip_event(IcsLoader *l, unsigned line, const char *format, ...) {
        char msg[LINE_MAX];
        va_list ap;

        va_start(ap, format);
        vsnprintf(msg, sizeof msg, format, ap);
        va_end(ap);
        /* TRANSLATORS: FILE:LINE, then why an event of an iCalendar roster gives no shift (a sentence of
         * its own); say "skipping" as you did for the msgid "skipping". */
        log_warning(_("%s:%u: %s, skipping event"), l->path, line, msg);
        l->n_skipped++;
        return -EINVAL;
}

static int ics_skip_unknown_zone(IcsLoader *l, icalcomponent *ev, icalproperty *p) {
        _cleanup_free_ char *tzid = ics_tzid_unquote(ics_property_tzid(p) ?: "");

        return ics_skip_event(l, ics_event_line(ev), _("unknown time zone '%s' in %s (not IANA, not a Windows name, "
                                                       "no VTIMEZONE of that TZID in the file)"),
                              tzid ?: "", icalproperty_get_property_name(p));
}

/* Why an event's times give no instant (r of ics_zone_civil_to_utc()), a clause of its own. */
static const char *ics_time_error(int r) {
        return r == -ERANGE ? _("DTSTART or DTEND is a time before 1970") :
                r == -ENOENT ? _("DTSTART or DTEND is a time zone missing from the tz database") :
                _("DTSTART or DTEND is an impossible date or time");
}

/* DTSTART, and DTEND or DURATION, of an event that is a shift. Skips (and
 * returns -EINVAL) when it is none. */
static int ics_event_times(IcsLoader *l, icalcomponent *ev, IcsEventTimes *ret) {
        icalproperty *ps = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
        icalproperty *pe = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
        icalproperty *pd = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
        icalproperty *transp = icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY);
        unsigned line = ics_event_line(ev);
        struct icaltimetype s, e;
        IcsInstance first;
        int r;

        if (!ps)
                return ics_skip_event(l, line, _("no DTSTART"));
        s = icalproperty_get_dtstart(ps);
        if (icaltime_is_null_time(s))
                return ics_skip_event(l, line, _("DTSTART is not a date"));
        if (s.is_date)
                return ics_skip_event(l, line, _("all-day event, no shift"));
        if (transp && icalproperty_get_transp(transp) == ICAL_TRANSP_TRANSPARENT)
                return ics_skip_event(l, line, _("TRANSP:TRANSPARENT (free time, an absence), no shift"));

        ret->line = line;
        r = ics_property_zone(l, ev, ps, s, NULL, &ret->zone);
        if (r == -ENOENT)
                return ics_skip_unknown_zone(l, ev, ps);
        if (r < 0)
                return r;
        if (r > 0)
                ics_vtimezone_preferred(l, line, ps);
        ret->start = ics_civil_from_ical(s);

        if (pe) {
                _cleanup_(ics_zone_done) IcsZone ez = {};
                CivilTime ce;
                usec_t us, ue;

                e = icalproperty_get_dtend(pe);
                r = ics_property_zone(l, ev, pe, e, &ret->zone, &ez);
                if (r == -ENOENT)
                        return ics_skip_unknown_zone(l, ev, pe);
                if (r < 0)
                        return r;
                ce = ics_civil_from_ical(e);
                if (e.is_date)
                        return ics_skip_event(l, line, _("DTEND is a date but DTSTART a time"));
                if (streq_ptr(ez.iana, ret->zone.iana) && ez.vtz == ret->zone.vtz) {
                        if (!civil_time_is_valid(&ce))
                                return ics_skip_event(l, line, _("DTEND is an impossible date or time"));
                        ret->civil_length = civil_time_to_seconds(&ce) - civil_time_to_seconds(&ret->start);
                } else {
                        r = ics_zone_civil_to_utc(&ret->zone, &ret->start, &us);
                        if (r >= 0)
                                r = ics_zone_civil_to_utc(&ez, &ce, &ue);
                        if (r < 0)
                                return ics_skip_event(l, line, "%s", ics_time_error(r));
                        ret->exact_length = ((int64_t) ue - (int64_t) us) / (int64_t) USEC_PER_SEC;
                }
        } else if (pd) {
                ics_duration_lengths(icalproperty_get_duration(pd), &ret->civil_length, &ret->exact_length);
        }

        r = ics_instance_at(ret, &ret->zone, &ret->start, &first);
        if (r < 0)
                return ics_skip_event(l, line, "%s", ics_time_error(r));
        if (first.end <= first.start)
                return ics_skip_event(l, line, "%s", pe || pd ? _("it does not end after it starts") :
                                      _("no DTEND or DURATION, so it ends when it starts"));
        return 0;
}

static bool ics_overridden(const IcsInstance *i, IcsEvent *events, size_t n_events, const char *uid) {
        bool hit = false;

        if (!uid)
                return false;
        for (size_t k = 0; k < n_events; k++) {
                IcsEvent *e = &events[k];

                if (!e->is_override || !e->rid_ok || !streq_ptr(e->uid, uid))
                        continue;
                if (e->rid_is_date ? (usec_t) i->day == e->rid : i->start == e->rid)
                        hit = true;
        }
        return hit;
}

/* ---- operators ---- */

static int ics_add_operator(char ***l, const char *value) {
        const char *v = value;

        if (isempty(v))
                return 0;
        if (strncasecmp(v, "mailto:", 7) == 0)
                v += 7;
        return strv_extend(l, v);
}

static int ics_person_operators(icalcomponent *ev, icalproperty_kind kind, char ***ret) {
        for (icalproperty *p = icalcomponent_get_first_property(ev, kind); p;
             p = icalcomponent_get_next_property(ev, kind)) {
                icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
                const char *v = cn ? icalparameter_get_cn(cn) : NULL;
                int r;

                r = ics_add_operator(ret, !isempty(v) ? v : icalproperty_get_value_as_string(p));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The operators an event is the shift of (ids, NULL-terminated). */
static int ics_event_operators(IcsLoader *l, icalcomponent *ev, char ***ret) {
        const RosterIcsOptions *o = l->o;

        if (o->operator)
                return strv_extend(ret, o->operator);
        switch (o->operator_from) {
        case ICS_OPERATOR_FILE_NAME:
                return strv_extend(ret, l->file_operator);
        case ICS_OPERATOR_ATTENDEE:
                return ics_person_operators(ev, ICAL_ATTENDEE_PROPERTY, ret);
        case ICS_OPERATOR_ORGANIZER:
                return ics_person_operators(ev, ICAL_ORGANIZER_PROPERTY, ret);
        case ICS_OPERATOR_SUMMARY: {
                const char *summary = icalcomponent_get_summary(ev);
                _cleanup_free_ char *id = NULL;
                regmatch_t m[2];

                if (!summary || !l->have_pattern || regexec(&l->pattern, summary, 2, m, 0) != 0 || m[1].rm_so < 0)
                        return 0;
                id = strndup(summary + m[1].rm_so, m[1].rm_eo - m[1].rm_so);
                return id ? ics_add_operator(ret, id) : -ENOMEM;
        }
        case ICS_OPERATOR_PROPERTY:
                for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_ANY_PROPERTY); p;
                     p = icalcomponent_get_next_property(ev, ICAL_ANY_PROPERTY))
                        if (strcasecmp(icalproperty_get_property_name(p), o->operator_property) == 0)
                                return ics_add_operator(ret, icalproperty_get_value_as_string(p));
                return 0;
        default:
                return log_error_errno(EINVAL, _("%s: operator_from %i is not one respite knows"), l->path,
                                       (int) o->operator_from);
        }
}

static int ics_emit(IcsLoader *l, icalcomponent *ev, icalcomponent *master, const IcsInstance *list, size_t n) {
        _cleanup_(strv_freep) char **operators = NULL;
        _cleanup_free_ char *source = NULL;
        unsigned line = ics_event_line(ev);
        int r;

        if (n == 0)
                return 0;
        r = ics_event_operators(l, ev, &operators);
        if (r >= 0 && !operators && master)
                r = ics_event_operators(l, master, &operators);
        if (r < 0)
                return r;
        if (!operators) {
                ics_skip_event(l, line, _("no operator (no ATTENDEE, ORGANIZER, SUMMARY match or property as "
                                 "operator_from asks)"));
                return 0;
        }
        if (asprintf(&source, "%s:%u", l->path, line) < 0)
                return -ENOMEM;

        for (char **op = operators; *op; op++) {
                for (size_t i = 0; i < n; i++) {
                        r = roster_add_shift(l->roster, *op, NULL, l->o->team, list[i].start, list[i].end, source);
                        if (r == -EINVAL) {
                                ics_skip_event(l, line, _("operator id '%s' or team is not usable as a feed file name "
                                                 "(1-128 bytes of UTF-8 without '/', control characters, a leading "
                                                 "'.' or a leading 'team-')"), *op);
                                return 0;
                        }
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static bool ics_is_cancelled(icalcomponent *ev) {
        icalproperty *p = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);

        return p && icalproperty_get_status(p) == ICAL_STATUS_CANCELLED;
}

/* A master: its instances over the window, less EXDATEs and the instances
 * its overrides replace. */
static int ics_load_master(IcsLoader *l, IcsEvent *e, IcsEvent *events, size_t n_events) {
        _cleanup_(ics_event_times_done) IcsEventTimes t = {};
        _cleanup_free_ IcsInstance *list = NULL;
        bool recurring;
        size_t n = 0, k = 0;
        int r;

        if (ics_is_cancelled(e->comp)) {
                ics_skip_event(l, e->line, _("STATUS:CANCELLED"));
                return 0;
        }
        r = ics_event_times(l, e->comp, &t);
        if (r < 0)
                return r == -EINVAL ? 0 : r;

        recurring = icalcomponent_get_first_property(e->comp, ICAL_RRULE_PROPERTY) ||
                    icalcomponent_get_first_property(e->comp, ICAL_RDATE_PROPERTY);
        r = ics_expand(l, e->comp, &t, &list, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && list[k - 1].start == list[i].start)
                        continue;               /* RRULE and RDATE both gave it */
                if (recurring && (list[i].end <= l->from || list[i].start >= l->to))
                        continue;
                if (list[i].end <= list[i].start || ics_overridden(&list[i], events, n_events, e->uid))
                        continue;
                list[k++] = list[i];
        }
        return ics_emit(l, e->comp, NULL, list, k);
}

static icalcomponent *ics_find_master(IcsEvent *events, size_t n, const char *uid) {
        for (size_t i = 0; uid && i < n; i++)
                if (!events[i].is_override && streq_ptr(events[i].uid, uid))
                        return events[i].comp;
        return NULL;
}

/* An override (RECURRENCE-ID): one event of its own unless cancelled; its
 * RRULE, if any, is not expanded. */
static int ics_load_override(IcsLoader *l, IcsEvent *e, IcsEvent *events, size_t n_events) {
        _cleanup_(ics_event_times_done) IcsEventTimes t = {};
        IcsInstance i;
        int r;

        if (ics_is_cancelled(e->comp))
                return 0;               /* a cancelled instance: what it removed is all */
        r = ics_event_times(l, e->comp, &t);
        if (r < 0)
                return r == -EINVAL ? 0 : r;
        r = ics_instance_at(&t, &t.zone, &t.start, &i);
        if (r < 0)
                return 0;
        return ics_emit(l, e->comp, ics_find_master(events, n_events, e->uid), &i, 1);
}

/* Where RECURRENCE-ID points: an instant, or a day. */
static int ics_resolve_override(IcsLoader *l, IcsEvent *e, IcsEvent *events, size_t n_events) {
        icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_RECURRENCEID_PROPERTY);
        struct icaltimetype rid = icalproperty_get_recurrenceid(p);
        _cleanup_(ics_zone_done) IcsZone z = {}, master_zone = {};
        icalcomponent *master = ics_find_master(events, n_events, e->uid);
        CivilTime c = ics_civil_from_ical(rid);
        usec_t at;
        int r;

        if (icaltime_is_null_time(rid))
                return 0;
        if (rid.is_date) {
                e->rid_is_date = true;
                e->rid = ics_civil_day(&c);
                e->rid_ok = true;
                return 0;
        }
        /* A floating RECURRENCE-ID is in the master's zone. */
        if (master && !ics_property_tzid(p) && !icaltime_is_utc(rid)) {
                icalproperty *ms = icalcomponent_get_first_property(master, ICAL_DTSTART_PROPERTY);

                if (ms) {
                        r = ics_property_zone(l, master, ms, icalproperty_get_dtstart(ms), NULL, &master_zone);
                        if (r == -ENOENT)
                                return 0;       /* the master is skipped for it */
                        if (r < 0)
                                return r;
                }
        }
        r = ics_property_zone(l, e->comp, p, rid, master_zone.iana || master_zone.vtz ? &master_zone : NULL, &z);
        if (r == -ENOENT) {
                ics_unknown_zone_ignored(l, e->line, p);
                return 0;
        }
        if (r < 0)
                return r;
        if (ics_zone_civil_to_utc(&z, &c, &at) < 0)
                return 0;
        e->rid = at;
        e->rid_ok = true;
        return 0;
}

static int ics_collect_calendar(icalcomponent *cal, IcsEvent **events, size_t *n) {
        int r;

        for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
             ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
                r = array_grow((void **) events, *n, sizeof(IcsEvent));
                if (r < 0)
                        return r;
                (*events)[(*n)++] = (IcsEvent) {
                        .comp = ev,
                        .line = ics_event_line(ev),
                        .uid = icalcomponent_get_uid(ev),
                        .is_override = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY),
                };
        }
        return 0;
}

/* The VEVENTs of the root, and of its VCALENDARs when the file held
 * several (libical returns an XROOT). */
static int ics_collect_events(icalcomponent *root, IcsEvent **ret, size_t *ret_n) {
        _cleanup_free_ IcsEvent *events = NULL;
        size_t n = 0;
        int r;

        r = ics_collect_calendar(root, &events, &n);
        for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c && r >= 0;
             c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
                r = ics_collect_calendar(c, &events, &n);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(events);
        *ret_n = n;
        return 0;
}

static int ics_load_events(IcsLoader *l, icalcomponent *root) {
        _cleanup_free_ IcsEvent *events = NULL;
        size_t n = 0;
        int r;

        r = ics_collect_events(root, &events, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (events[i].is_override) {
                        r = ics_resolve_override(l, &events[i], events, n);
                        if (r < 0)
                                return r;
                }
        for (size_t i = 0; i < n; i++) {
                r = events[i].is_override ? ics_load_override(l, &events[i], events, n) :
                                            ics_load_master(l, &events[i], events, n);
                if (r < 0)
                        return r;
        }
        return 0;
}

static void ics_component_freep(icalcomponent **c) {
        if (*c)
                icalcomponent_free(*c);
}

static int ics_file_operator(const char *path, char **ret) {
        const char *base = basename(path);
        size_t n = strlen(base);

        if (n > 4 && strcasecmp(base + n - 4, ".ics") == 0)
                n -= 4;
        *ret = strndup(base, n);
        return *ret ? 0 : -ENOMEM;
}

/* Read the file, clean its text, parse it and load its events. Every error
 * but -ENOMEM is logged. */
static int ics_load(IcsLoader *l) {
        _cleanup_(ics_component_freep) icalcomponent *root = NULL;
        _cleanup_free_ char *text = NULL, *clean = NULL;
        size_t size = 0;
        int r;

        r = ics_read_file(l->path, &text, &size);
        if (r < 0)
                return r;
        r = ics_clean(l->path, text, size, &clean);
        if (r < 0)
                return r;

        icalerror_set_errors_are_fatal(0);
        root = icalparser_parse_string(clean);
        if (!root)
                return log_warning_errno(EBADMSG, _("%s: libical could not parse the file"), l->path);
        return ics_load_events(l, root);
}

int roster_load_ics(Roster *r, const char *path, const RosterIcsOptions *o, size_t *ret_skipped) {
        _cleanup_(ics_loader_done) IcsLoader l = {
                .roster = r,
                .path = path,
                .o = o,
                .from = o->from,
                .to = o->to,
        };
        int k;

        if (l.to == 0)
                l.to = (usec_t) time(NULL) * USEC_PER_SEC + 366 * USEC_PER_DAY;
        if (o->operator_from == ICS_OPERATOR_SUMMARY && o->operator_pattern) {
                if (regcomp(&l.pattern, o->operator_pattern, REG_EXTENDED) != 0)
                        return log_error_errno(EINVAL, _("%s: operator_pattern \"%s\" is not a POSIX extended "
                                                 "regular expression"), path, o->operator_pattern);
                l.have_pattern = true;
        }
        k = ics_file_operator(path, &l.file_operator);
        if (k >= 0)
                k = ics_load(&l);
        if (k == -ENOMEM)
                return log_error_errno(k, _("%s: out of memory"), path);
        if (k < 0)
                return k;
        if (ret_skipped)
                *ret_skipped = l.n_skipped;
        return 0;
}
