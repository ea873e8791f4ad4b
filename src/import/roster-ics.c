/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <libical/ical.h>
#include <limits.h>
#include <stdarg.h>
#include <strings.h>
#include <regex.h>
#include <sys/stat.h>
#include <time.h>

#include "import/roster-ics.h"
#include "import/windows-zones.h"
#include "shared/log.h"
#include "shared/time-util.h"

/* A series is expanded to at most this many instances. */
#define ICS_MAX_INSTANCES 20000

/* The line of BEGIN:VEVENT travels with the event in this property. */
#define ICS_LINE_PROPERTY "X-RESPITE-LINE"

/* ---- cleaning the text for libical ---- */

static bool is_content_line(const char *p, size_t n) {
        size_t k = 0;

        while (k < n && (isalnum((unsigned char) p[k]) || p[k] == '-'))
                k++;
        /* "DTSTART" alone is one too: its parameters and value may follow
         * on folded lines. */
        return k > 0 && (k == n || p[k] == ':' || p[k] == ';');
}

static bool line_is(const char *line, const char *what) {
        return strcasecmp(line, what) == 0;
}

typedef struct Cleaner {
        FILE *out;
        char *line;                     /* the logical line being assembled */
        size_t size;
        FILE *f;
        unsigned line_no;               /* where it began */
        int depth;                      /* BEGIN minus END so far */
        unsigned open_line;             /* the outermost BEGIN still open */
        bool any_component;
} Cleaner;

static int cleaner_flush(Cleaner *c) {
        if (!c->f)
                return 0;
        if (fclose(c->f) != 0) {
                c->f = NULL;
                return -ENOMEM;
        }
        c->f = NULL;

        fprintf(c->out, "%s\r\n", c->line);
        if (strncasecmp(c->line, "BEGIN:", 6) == 0) {
                if (c->depth++ == 0)
                        c->open_line = c->line_no;
                c->any_component = true;
        } else if (strncasecmp(c->line, "END:", 4) == 0 && c->depth > 0)
                c->depth--;
        if (line_is(c->line, "BEGIN:VEVENT"))
                fprintf(c->out, ICS_LINE_PROPERTY ":%u\r\n", c->line_no);
        free(c->line);
        c->line = NULL;
        return 0;
}

static int cleaner_line(Cleaner *c, const char *p, size_t n, unsigned line_no) {
        int r;

        if (strspn(p, " \t\f\v") >= n)
                return 0;                       /* a blank line */
        if (c->f && (p[0] == ' ' || p[0] == '\t'))
                p++, n--;                       /* a folded line */
        else if (!c->f || is_content_line(p, n)) {
                r = cleaner_flush(c);
                if (r < 0)
                        return r;
                c->f = open_memstream(&c->line, &c->size);
                if (!c->f)
                        return -ENOMEM;
                c->line_no = line_no;
        }
        /* Otherwise a line that should have been folded: join it. */
        fwrite(p, 1, n, c->f);
        return 0;
}

/* Unfold, drop blank lines and a BOM, take "\r\n", "\n" or a lone "\r" as a
 * line end, join lines that should have been folded, wrap bare components in
 * a VCALENDAR, and mark each VEVENT with its line. -EBADMSG (logged) for text
 * without any component, or cut short. */
static int ics_clean(const char *path, const char *text, size_t size, char **ret) {
        _cleanup_free_ char *body = NULL;
        size_t body_size = 0;
        Cleaner c = {};
        const char *p = text, *end = text + size;
        unsigned line_no = 1;
        bool calendar;
        int r = 0;

        if (size >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
                p += 3;

        c.out = open_memstream(&body, &body_size);
        if (!c.out)
                return -ENOMEM;
        while (p < end && r >= 0) {
                const char *e = p;

                while (e < end && *e != '\r' && *e != '\n')
                        e++;
                r = cleaner_line(&c, p, e - p, line_no);
                if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n')
                        e++;
                p = e + 1;
                line_no++;
        }
        if (r >= 0)
                r = cleaner_flush(&c);
        if (c.f)
                fclose(c.f);
        free(c.line);
        if (fclose(c.out) != 0 || r < 0)
                return r < 0 ? r : -ENOMEM;

        if (!c.any_component)
                return log_warning_errno(EBADMSG, "%s: no BEGIN: line, not an iCalendar file", path);
        if (c.depth > 0)
                return log_warning_errno(EBADMSG, "%s:%u: this BEGIN has no END: the file is cut short", path,
                                         c.open_line);

        calendar = strncasecmp(body, "BEGIN:VCALENDAR\r\n", 17) == 0;
        if (calendar) {
                *ret = TAKE_PTR(body);
                return 0;
        }
        if (asprintf(ret, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n%sEND:VCALENDAR\r\n", body) < 0)
                return -ENOMEM;
        return 0;
}

static int read_file(const char *path, char **ret, size_t *ret_size) {
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, n = 0;
        struct stat st;

        f = fopen(path, "re");
        if (!f)
                return -errno;
        if (fstat(fileno(f), &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        for (;;) {
                size_t k;

                if (n + 4096 + 1 > size) {
                        char *b = realloc(buf, size = MAX(size * 2, (size_t) 65536));

                        if (!b)
                                return -ENOMEM;
                        buf = b;
                }
                k = fread(buf + n, 1, size - n - 1, f);
                n += k;
                if (k == 0)
                        break;
        }
        if (ferror(f))
                return -EIO;
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}

/* ---- civil times and zones ---- */

static CivilTime civil_from_ical(struct icaltimetype t) {
        return (CivilTime) { t.year, t.month, t.day, t.is_date ? 0 : t.hour, t.is_date ? 0 : t.minute,
                             t.is_date ? 0 : t.second };
}

static int civil_day(const CivilTime *c) {
        return c->year * 10000 + c->month * 100 + c->day;
}

/* The zone of a DATE-TIME: an IANA name, or a VTIMEZONE of the file. */
typedef struct IcsZone {
        char *iana;
        icaltimezone *vtz;
} IcsZone;

static void ics_zone_done(IcsZone *z) {
        free(z->iana);
        *z = (IcsZone) {};
}

static int vtz_offset(icaltimezone *tz, int64_t utc, int64_t *ret) {
        struct icaltimetype tt;
        int dst;

        if (utc < 0)
                return -ERANGE;
        tt = icaltime_from_timet_with_zone((time_t) utc, 0, icaltimezone_get_utc_timezone());
        *ret = icaltimezone_get_utc_offset_of_utc_time(tz, &tt, &dst);
        return 0;
}

/* RFC 5545 §3.3.5 with a VTIMEZONE: a time in a gap takes the offset before
 * it, an ambiguous time its first occurrence. */
static int vtz_civil_to_utc(icaltimezone *tz, const CivilTime *c, usec_t *ret) {
        int64_t local = civil_time_to_seconds(c), before, after, best = INT64_MAX;
        int r;

        r = vtz_offset(tz, local - 86400 > 0 ? local - 86400 : 0, &before);
        if (r >= 0)
                r = vtz_offset(tz, local + 86400, &after);
        if (r < 0)
                return r;
        for (int k = 0; k < 2; k++) {
                int64_t o = k == 0 ? before : after, u = local - o, check;

                if (u >= 0 && vtz_offset(tz, u, &check) >= 0 && check == o)
                        best = MIN(best, u);
        }
        if (best == INT64_MAX)
                best = local - before;          /* in the gap */
        if (best < 0)
                return -ERANGE;
        *ret = (usec_t) best * USEC_PER_SEC;
        return 0;
}

static int zone_civil_to_utc(const IcsZone *z, const CivilTime *c, usec_t *ret) {
        if (!civil_time_is_valid(c))
                return -EINVAL;
        if (z->iana)
                return civil_to_utc(c, z->iana, ret);
        return vtz_civil_to_utc(z->vtz, c, ret);
}

/* The IANA zone a TZID names: itself, after a vendor prefix ("/mozilla.org/
 * 20070129_1/America/New_York"), or by the CLDR Windows table. */
static const char *tzid_to_iana(const char *tzid) {
        const char *w;

        if (tz_validate(tzid) == 0)
                return tzid;
        if (tzid[0] == '/')
                for (const char *p = tzid + 1; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
                        if (*p && tz_validate(p) == 0)
                                return p;
        w = windows_zone_to_iana(tzid);
        return w && tz_validate(w) == 0 ? w : NULL;
}

/* ---- the loader ---- */

typedef struct Instance {
        usec_t start, end;
        int day;                        /* local yyyymmdd of the start */
} Instance;

typedef struct IcsEvent {
        icalcomponent *comp;
        unsigned line;
        const char *uid;
        bool is_override;               /* has a RECURRENCE-ID */
        bool rid_is_date;
        usec_t rid;                     /* RECURRENCE-ID: UTC instant, or yyyymmdd when rid_is_date */
        bool rid_ok;
} IcsEvent;

typedef struct IcsLoader {
        const char *path;
        const RosterIcsOptions *o;
        Roster *roster;
        char *file_operator;            /* ICS_OPERATOR_FILE_NAME */
        regex_t pattern;
        bool have_pattern;
        usec_t from, to;
        size_t n_skipped;
} IcsLoader;

static void ics_loader_done(IcsLoader *l) {
        free(l->file_operator);
        if (l->have_pattern)
                regfree(&l->pattern);
}

static unsigned event_line(icalcomponent *ev) {
        for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_X_PROPERTY); p;
             p = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY))
                if (streq_ptr(icalproperty_get_x_name(p), ICS_LINE_PROPERTY))
                        return (unsigned) strtoul(icalproperty_get_x(p) ?: "0", NULL, 10);
        return 0;
}

/* Log why an event gives no shift and count it. Returns -EINVAL. */
_printf_(3, 4)
static int skip_event(IcsLoader *l, unsigned line, const char *format, ...) {
        char msg[LINE_MAX];
        va_list ap;

        va_start(ap, format);
        vsnprintf(msg, sizeof msg, format, ap);
        va_end(ap);
        log_warning("%s:%u: %s, skipping event", l->path, line, msg);
        l->n_skipped++;
        return -EINVAL;
}

static const char *property_tzid(icalproperty *p) {
        icalparameter *param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
        const char *tzid = param ? icalparameter_get_tzid(param) : NULL;

        return isempty(tzid) ? NULL : tzid;
}

/* A TZID without the quotes some exporters keep. */
static char *tzid_unquote(const char *tzid) {
        size_t n = strlen(tzid);

        if (n >= 2 && tzid[0] == '"' && tzid[n - 1] == '"')
                return strndup(tzid + 1, n - 2);
        return strdup(tzid);
}

/* The zone of a DATE-TIME property: "UTC" for "Z", its TZID, or the zone of
 * floating times (fallback: the DTSTART's zone, for EXDATE and friends).
 * -ENOENT for a TZID nobody knows. */
static int property_zone(IcsLoader *l, icalcomponent *ev, icalproperty *p, struct icaltimetype t,
                         const IcsZone *fallback, IcsZone *ret) {
        const char *tzid = property_tzid(p), *iana;
        icalcomponent *cal = icalcomponent_get_parent(ev);
        _cleanup_free_ char *unquoted = NULL;

        *ret = (IcsZone) {};
        if (icaltime_is_utc(t))
                return strdup_to(&ret->iana, "UTC");
        if (!tzid) {
                if (fallback)
                        return fallback->iana ? strdup_to(&ret->iana, fallback->iana) : (ret->vtz = fallback->vtz, 0);
                return strdup_to(&ret->iana, l->o->zone ?: "UTC");
        }

        unquoted = tzid_unquote(tzid);
        if (!unquoted)
                return -ENOMEM;
        iana = tzid_to_iana(unquoted);
        if (iana)
                return strdup_to(&ret->iana, iana);
        ret->vtz = cal ? icalcomponent_get_timezone(cal, tzid) : NULL;
        if (!ret->vtz && cal)
                ret->vtz = icalcomponent_get_timezone(cal, unquoted);
        return ret->vtz ? 0 : -ENOENT;
}

static int unknown_zone(IcsLoader *l, icalcomponent *ev, icalproperty *p) {
        _cleanup_free_ char *tzid = tzid_unquote(property_tzid(p) ?: "");

        return skip_event(l, event_line(ev), "unknown time zone '%s' in %s (not IANA, not a Windows name, "
                          "no VTIMEZONE of that TZID in the file)", tzid ?: "", icalproperty_get_property_name(p));
}

static void unknown_zone_ignored(IcsLoader *l, unsigned line, icalproperty *p) {
        _cleanup_free_ char *tzid = tzid_unquote(property_tzid(p) ?: "");

        log_warning("%s:%u: unknown time zone '%s' in %s, ignoring that %s", l->path, line, tzid ?: "",
                    icalproperty_get_property_name(p), icalproperty_get_property_name(p));
}

/* How an instance's end follows from its start: the civil part added to the
 * civil start, then the exact part to the instant. */
typedef struct EventTimes {
        CivilTime start;
        IcsZone zone;
        int64_t civil_length, exact_length;     /* seconds */
        unsigned line;          /* of BEGIN:VEVENT; event_line() would restart a loop over the
                                 * event's properties (libical has one iterator per component) */
} EventTimes;

static void event_times_done(EventTimes *t) {
        ics_zone_done(&t->zone);
}

static int instance_at(const EventTimes *t, const IcsZone *zone, const CivilTime *start, Instance *ret) {
        CivilTime end = civil_time_from_seconds(civil_time_to_seconds(start) + t->civil_length);
        usec_t s, e;
        int r;

        r = zone_civil_to_utc(zone, start, &s);
        if (r < 0)
                return r;
        r = zone_civil_to_utc(zone, &end, &e);
        if (r < 0)
                return r;
        *ret = (Instance) {
                .start = s,
                .end = e + t->exact_length * (int64_t) USEC_PER_SEC,
                .day = civil_day(start),
        };
        return 0;
}

static const char *time_error(int r) {
        return r == -ERANGE ? "a time before 1970" : r == -ENOENT ? "a time zone missing from the tz database" :
                "an impossible date or time";
}

/* DTSTART, and DTEND or DURATION, of an event that is a shift. Skips (and
 * returns -EINVAL) when it is none. */
static int event_times(IcsLoader *l, icalcomponent *ev, EventTimes *ret) {
        icalproperty *ps = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
        icalproperty *pe = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
        icalproperty *pd = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
        icalproperty *transp = icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY);
        unsigned line = event_line(ev);
        struct icaltimetype s, e;
        Instance first;
        int r;

        if (!ps)
                return skip_event(l, line, "no DTSTART");
        s = icalproperty_get_dtstart(ps);
        if (icaltime_is_null_time(s))
                return skip_event(l, line, "DTSTART is not a date");
        if (s.is_date)
                return skip_event(l, line, "all-day event, no shift");
        if (transp && icalproperty_get_transp(transp) == ICAL_TRANSP_TRANSPARENT)
                return skip_event(l, line, "TRANSP:TRANSPARENT (free time, an absence), no shift");

        ret->line = line;
        r = property_zone(l, ev, ps, s, NULL, &ret->zone);
        if (r == -ENOENT)
                return unknown_zone(l, ev, ps);
        if (r < 0)
                return r;
        ret->start = civil_from_ical(s);

        if (pe) {
                _cleanup_(ics_zone_done) IcsZone ez = {};
                CivilTime ce;
                usec_t us, ue;

                e = icalproperty_get_dtend(pe);
                r = property_zone(l, ev, pe, e, &ret->zone, &ez);
                if (r == -ENOENT)
                        return unknown_zone(l, ev, pe);
                if (r < 0)
                        return r;
                ce = civil_from_ical(e);
                if (e.is_date)
                        return skip_event(l, line, "DTEND is a date but DTSTART a time");
                if (streq_ptr(ez.iana, ret->zone.iana) && ez.vtz == ret->zone.vtz) {
                        if (!civil_time_is_valid(&ce))
                                return skip_event(l, line, "DTEND is an impossible date or time");
                        ret->civil_length = civil_time_to_seconds(&ce) - civil_time_to_seconds(&ret->start);
                } else {
                        r = zone_civil_to_utc(&ret->zone, &ret->start, &us);
                        if (r >= 0)
                                r = zone_civil_to_utc(&ez, &ce, &ue);
                        if (r < 0)
                                return skip_event(l, line, "DTSTART or DTEND is %s", time_error(r));
                        ret->exact_length = ((int64_t) ue - (int64_t) us) / (int64_t) USEC_PER_SEC;
                }
        } else if (pd) {
                struct icaldurationtype d = icalproperty_get_duration(pd);
                int sign = d.is_neg ? -1 : 1;

                ret->civil_length = sign * (int64_t) (d.weeks * 7 + d.days) * 86400;
                ret->exact_length = sign * (int64_t) (d.hours * 3600 + d.minutes * 60 + d.seconds);
        }

        r = instance_at(ret, &ret->zone, &ret->start, &first);
        if (r < 0)
                return skip_event(l, line, "DTSTART or DTEND is %s", time_error(r));
        if (first.end <= first.start)
                return skip_event(l, line, pe || pd ? "it does not end after it starts" :
                                  "no DTEND or DURATION, so it ends when it starts");
        return 0;
}

static int instances_add(Instance **list, size_t *n, const Instance *i) {
        int r = array_grow((void **) list, *n, sizeof(Instance));

        if (r < 0)
                return r;
        (*list)[(*n)++] = *i;
        return 0;
}

/* Whether civil time c of a series is past its UNTIL. */
static bool past_until(const EventTimes *t, struct icaltimetype until, const CivilTime *c) {
        CivilTime u = civil_from_ical(until);
        usec_t s, us;

        if (icaltime_is_null_time(until))
                return false;
        if (until.is_date)              /* Google: UNTIL=20231231 on a DATE-TIME series */
                return civil_day(c) > civil_day(&u);
        if (icaltime_is_utc(until)) {
                if (zone_civil_to_utc(&t->zone, c, &s) < 0 || civil_to_utc(&u, "UTC", &us) < 0)
                        return false;
                return s > us;
        }
        return civil_time_to_seconds(c) > civil_time_to_seconds(&u);
}

static int expand_rrule(IcsLoader *l, icalcomponent *ev, icalproperty *p, const EventTimes *t, Instance **list,
                        size_t *n) {
        struct icalrecurrencetype rule = icalproperty_get_rrule(p);
        struct icaltimetype until = rule.until, start = icaltime_null_time();
        icalrecur_iterator *it;
        int r = 0;

        if (rule.freq == ICAL_NO_RECURRENCE) {
                log_warning("%s:%u: RRULE not understood, ignoring", l->path, t->line);
                return 0;
        }
        /* Iterate civil times, without zone: libical moves a series that
         * starts in a DST gap. UNTIL is checked here, in its own terms. */
        rule.until = icaltime_null_time();
        start.year = t->start.year;
        start.month = t->start.month;
        start.day = t->start.day;
        start.hour = t->start.hour;
        start.minute = t->start.minute;
        start.second = t->start.second;
        it = icalrecur_iterator_new(rule, start);
        if (!it) {
                log_warning("%s:%u: RRULE not understood, ignoring", l->path, t->line);
                return 0;
        }
        for (size_t k = 0;; k++) {
                struct icaltimetype next = icalrecur_iterator_next(it);
                CivilTime c;
                Instance i;

                if (icaltime_is_null_time(next))
                        break;
                if (k >= ICS_MAX_INSTANCES) {
                        log_warning("%s:%u: more than %u instances, ignoring the rest", l->path, t->line,
                                    ICS_MAX_INSTANCES);
                        break;
                }
                c = civil_from_ical(next);
                if (past_until(t, until, &c))
                        break;
                if (instance_at(t, &t->zone, &c, &i) < 0)
                        continue;
                if (i.start >= l->to)
                        break;
                r = instances_add(list, n, &i);
                if (r < 0)
                        break;
        }
        icalrecur_iterator_free(it);
        return r;
}

static int expand_rdates(IcsLoader *l, icalcomponent *ev, const EventTimes *t, Instance **list, size_t *n) {
        for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
                struct icaldatetimeperiodtype d = icalproperty_get_rdate(p);
                struct icaltimetype when = icaltime_is_null_time(d.time) ? d.period.start : d.time;
                _cleanup_(ics_zone_done) IcsZone z = {};
                CivilTime c = civil_from_ical(when);
                Instance i;
                int r;

                if (icaltime_is_null_time(when) || when.is_date)
                        continue;       /* a DATE cannot start a timed shift */
                r = property_zone(l, ev, p, when, &t->zone, &z);
                if (r == -ENOENT) {
                        unknown_zone_ignored(l, t->line, p);
                        continue;
                }
                if (r < 0)
                        return r;
                if (instance_at(t, &z, &c, &i) < 0)
                        continue;
                r = instances_add(list, n, &i);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int instance_compare(const void *a, const void *b) {
        const Instance *x = a, *y = b;

        return x->start < y->start ? -1 : x->start > y->start;
}

/* Remove the instances an EXDATE names (a DATE removes that day's). */
static void apply_exdates(IcsLoader *l, icalcomponent *ev, const EventTimes *t, Instance *list, size_t *n) {
        for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
                struct icaltimetype x = icalproperty_get_exdate(p);
                _cleanup_(ics_zone_done) IcsZone z = {};
                CivilTime c = civil_from_ical(x);
                usec_t at = 0;
                size_t k = 0;

                if (icaltime_is_null_time(x))
                        continue;
                if (!x.is_date) {
                        int r = property_zone(l, ev, p, x, &t->zone, &z);

                        if (r == -ENOENT)
                                unknown_zone_ignored(l, t->line, p);
                        if (r < 0 || zone_civil_to_utc(&z, &c, &at) < 0)
                                continue;
                }
                for (size_t i = 0; i < *n; i++)
                        if (x.is_date ? list[i].day != civil_day(&c) : list[i].start != at)
                                list[k++] = list[i];
                *n = k;
        }
}

static bool overridden(const Instance *i, IcsEvent *events, size_t n_events, const char *uid) {
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

static int add_operator(char ***l, const char *value) {
        const char *v = value;

        if (isempty(v))
                return 0;
        if (strncasecmp(v, "mailto:", 7) == 0)
                v += 7;
        return strv_extend(l, v);
}

static int person_operators(icalcomponent *ev, icalproperty_kind kind, char ***ret) {
        for (icalproperty *p = icalcomponent_get_first_property(ev, kind); p;
             p = icalcomponent_get_next_property(ev, kind)) {
                icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
                const char *v = cn ? icalparameter_get_cn(cn) : NULL;
                int r;

                r = add_operator(ret, !isempty(v) ? v : icalproperty_get_value_as_string(p));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The operators an event is the shift of (ids, NULL-terminated). */
static int event_operators(IcsLoader *l, icalcomponent *ev, char ***ret) {
        const RosterIcsOptions *o = l->o;

        if (o->operator)
                return strv_extend(ret, o->operator);
        switch (o->operator_from) {
        case ICS_OPERATOR_FILE_NAME:
                return strv_extend(ret, l->file_operator);
        case ICS_OPERATOR_ATTENDEE:
                return person_operators(ev, ICAL_ATTENDEE_PROPERTY, ret);
        case ICS_OPERATOR_ORGANIZER:
                return person_operators(ev, ICAL_ORGANIZER_PROPERTY, ret);
        case ICS_OPERATOR_SUMMARY: {
                const char *summary = icalcomponent_get_summary(ev);
                _cleanup_free_ char *id = NULL;
                regmatch_t m[2];

                if (!summary || !l->have_pattern || regexec(&l->pattern, summary, 2, m, 0) != 0 || m[1].rm_so < 0)
                        return 0;
                id = strndup(summary + m[1].rm_so, m[1].rm_eo - m[1].rm_so);
                return id ? add_operator(ret, id) : -ENOMEM;
        }
        case ICS_OPERATOR_PROPERTY:
                for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_ANY_PROPERTY); p;
                     p = icalcomponent_get_next_property(ev, ICAL_ANY_PROPERTY))
                        if (strcasecmp(icalproperty_get_property_name(p), o->operator_property) == 0)
                                return add_operator(ret, icalproperty_get_value_as_string(p));
                return 0;
        default:
                return -EINVAL;
        }
}

static int emit(IcsLoader *l, icalcomponent *ev, icalcomponent *master, const Instance *list, size_t n) {
        _cleanup_(strv_freep) char **operators = NULL;
        _cleanup_free_ char *source = NULL;
        unsigned line = event_line(ev);
        int r;

        if (n == 0)
                return 0;
        r = event_operators(l, ev, &operators);
        if (r >= 0 && !operators && master)
                r = event_operators(l, master, &operators);
        if (r < 0)
                return r;
        if (!operators) {
                skip_event(l, line, "no operator (no ATTENDEE, ORGANIZER, SUMMARY match or property as "
                           "operator_from asks)");
                return 0;
        }
        if (asprintf(&source, "%s:%u", l->path, line) < 0)
                return -ENOMEM;

        for (char **op = operators; *op; op++) {
                for (size_t i = 0; i < n; i++) {
                        r = roster_add_shift(l->roster, *op, NULL, l->o->team, list[i].start, list[i].end, source);
                        if (r == -EINVAL) {
                                skip_event(l, line, "operator id '%s' or team is not usable as a feed file name "
                                           "(1-128 bytes of UTF-8 without '/', control characters, a leading '.' "
                                           "or a leading 'team-')", *op);
                                return 0;
                        }
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static bool is_cancelled(icalcomponent *ev) {
        icalproperty *p = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);

        return p && icalproperty_get_status(p) == ICAL_STATUS_CANCELLED;
}

/* A master: its instances over the window, less EXDATEs and the instances
 * its overrides replace. */
static int load_master(IcsLoader *l, IcsEvent *e, IcsEvent *events, size_t n_events) {
        _cleanup_(event_times_done) EventTimes t = {};
        _cleanup_free_ Instance *list = NULL;
        bool recurring;
        size_t n = 0, k = 0;
        Instance first;
        int r;

        if (is_cancelled(e->comp)) {
                skip_event(l, e->line, "STATUS:CANCELLED");
                return 0;
        }
        r = event_times(l, e->comp, &t);
        if (r < 0)
                return r == -EINVAL ? 0 : r;

        recurring = icalcomponent_get_first_property(e->comp, ICAL_RRULE_PROPERTY) ||
                    icalcomponent_get_first_property(e->comp, ICAL_RDATE_PROPERTY);
        r = instance_at(&t, &t.zone, &t.start, &first);
        if (r >= 0)
                r = instances_add(&list, &n, &first);
        for (icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_RRULE_PROPERTY); p && r >= 0;
             p = icalcomponent_get_next_property(e->comp, ICAL_RRULE_PROPERTY))
                r = expand_rrule(l, e->comp, p, &t, &list, &n);
        if (r >= 0)
                r = expand_rdates(l, e->comp, &t, &list, &n);
        if (r < 0)
                return r;

        if (n > 1)
                qsort(list, n, sizeof(Instance), instance_compare);
        apply_exdates(l, e->comp, &t, list, &n);
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && list[k - 1].start == list[i].start)
                        continue;               /* RRULE and RDATE both gave it */
                if (recurring && (list[i].end <= l->from || list[i].start >= l->to))
                        continue;
                if (list[i].end <= list[i].start || overridden(&list[i], events, n_events, e->uid))
                        continue;
                list[k++] = list[i];
        }
        return emit(l, e->comp, NULL, list, k);
}

static icalcomponent *find_master(IcsEvent *events, size_t n, const char *uid) {
        for (size_t i = 0; uid && i < n; i++)
                if (!events[i].is_override && streq_ptr(events[i].uid, uid))
                        return events[i].comp;
        return NULL;
}

/* An override (RECURRENCE-ID): one event of its own unless cancelled; its
 * RRULE, if any, is not expanded. */
static int load_override(IcsLoader *l, IcsEvent *e, IcsEvent *events, size_t n_events) {
        _cleanup_(event_times_done) EventTimes t = {};
        Instance i;
        int r;

        if (is_cancelled(e->comp))
                return 0;               /* a cancelled instance: what it removed is all */
        r = event_times(l, e->comp, &t);
        if (r < 0)
                return r == -EINVAL ? 0 : r;
        r = instance_at(&t, &t.zone, &t.start, &i);
        if (r < 0)
                return 0;
        return emit(l, e->comp, find_master(events, n_events, e->uid), &i, 1);
}

/* Where RECURRENCE-ID points: an instant, or a day. */
static int resolve_override(IcsLoader *l, IcsEvent *e, IcsEvent *events, size_t n_events) {
        icalproperty *p = icalcomponent_get_first_property(e->comp, ICAL_RECURRENCEID_PROPERTY);
        struct icaltimetype rid = icalproperty_get_recurrenceid(p);
        _cleanup_(ics_zone_done) IcsZone z = {}, master_zone = {};
        icalcomponent *master = find_master(events, n_events, e->uid);
        CivilTime c = civil_from_ical(rid);
        usec_t at;
        int r;

        if (icaltime_is_null_time(rid))
                return 0;
        if (rid.is_date) {
                e->rid_is_date = true;
                e->rid = civil_day(&c);
                e->rid_ok = true;
                return 0;
        }
        /* A floating RECURRENCE-ID is in the master's zone. */
        if (master && !property_tzid(p) && !icaltime_is_utc(rid)) {
                icalproperty *ms = icalcomponent_get_first_property(master, ICAL_DTSTART_PROPERTY);

                if (ms) {
                        r = property_zone(l, master, ms, icalproperty_get_dtstart(ms), NULL, &master_zone);
                        if (r == -ENOENT)
                                return 0;       /* the master is skipped for it */
                        if (r < 0)
                                return r;
                }
        }
        r = property_zone(l, e->comp, p, rid, master_zone.iana || master_zone.vtz ? &master_zone : NULL, &z);
        if (r == -ENOENT) {
                unknown_zone_ignored(l, e->line, p);
                return 0;
        }
        if (r < 0)
                return r;
        if (zone_civil_to_utc(&z, &c, &at) < 0)
                return 0;
        e->rid = at;
        e->rid_ok = true;
        return 0;
}

static int collect_calendar(icalcomponent *cal, IcsEvent **events, size_t *n) {
        int r;

        for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
             ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
                r = array_grow((void **) events, *n, sizeof(IcsEvent));
                if (r < 0)
                        return r;
                (*events)[(*n)++] = (IcsEvent) {
                        .comp = ev,
                        .line = event_line(ev),
                        .uid = icalcomponent_get_uid(ev),
                        .is_override = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY),
                };
        }
        return 0;
}

/* The VEVENTs of the root, and of its VCALENDARs when the file held
 * several (libical returns an XROOT). */
static int collect_events(icalcomponent *root, IcsEvent **ret, size_t *ret_n) {
        _cleanup_free_ IcsEvent *events = NULL;
        size_t n = 0;
        int r;

        r = collect_calendar(root, &events, &n);
        for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c && r >= 0;
             c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
                r = collect_calendar(c, &events, &n);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(events);
        *ret_n = n;
        return 0;
}

static int load_events(IcsLoader *l, icalcomponent *root) {
        _cleanup_free_ IcsEvent *events = NULL;
        size_t n = 0;
        int r;

        r = collect_events(root, &events, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (events[i].is_override) {
                        r = resolve_override(l, &events[i], events, n);
                        if (r < 0)
                                return r;
                }
        for (size_t i = 0; i < n; i++) {
                r = events[i].is_override ? load_override(l, &events[i], events, n) :
                                            load_master(l, &events[i], events, n);
                if (r < 0)
                        return r;
        }
        return 0;
}

static void icalcomponent_freep(icalcomponent **c) {
        if (*c)
                icalcomponent_free(*c);
}

static int file_operator(const char *path, char **ret) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        size_t n = strlen(base);

        if (n > 4 && strcasecmp(base + n - 4, ".ics") == 0)
                n -= 4;
        *ret = strndup(base, n);
        return *ret ? 0 : -ENOMEM;
}

int roster_load_ics(Roster *r, const char *path, const RosterIcsOptions *o, size_t *ret_skipped) {
        _cleanup_(icalcomponent_freep) icalcomponent *root = NULL;
        _cleanup_free_ char *text = NULL, *clean = NULL;
        _cleanup_(ics_loader_done) IcsLoader l = {
                .roster = r,
                .path = path,
                .o = o,
                .from = o->from,
                .to = o->to,
        };
        size_t size = 0;
        int k;

        if (l.to == 0)
                l.to = (usec_t) time(NULL) * USEC_PER_SEC + 366 * USEC_PER_DAY;
        if (o->operator_from == ICS_OPERATOR_SUMMARY && o->operator_pattern) {
                if (regcomp(&l.pattern, o->operator_pattern, REG_EXTENDED) != 0)
                        return -EINVAL;
                l.have_pattern = true;
        }
        k = file_operator(path, &l.file_operator);
        if (k < 0)
                return k;

        k = read_file(path, &text, &size);
        if (k < 0)
                return k;
        k = ics_clean(path, text, size, &clean);
        if (k < 0)
                return k;

        icalerror_set_errors_are_fatal(0);
        root = icalparser_parse_string(clean);
        if (!root)
                return log_warning_errno(EBADMSG, "%s: libical could not parse the file", path);

        k = load_events(&l, root);
        if (k < 0)
                return k;
        if (ret_skipped)
                *ret_skipped = l.n_skipped;
        return 0;
}
