/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "import/roster-ics-internal.h"
#include "shared/i18n.h"
#include "shared/log.h"

void ics_event_times_done(IcsEventTimes *t) {
        ics_zone_done(&t->zone);
}

int ics_instance_at(const IcsEventTimes *t, const IcsZone *zone, const CivilTime *start, IcsInstance *ret) {
        CivilTime end = civil_time_from_seconds(civil_time_to_seconds(start) + t->civil_length);
        usec_t s, e;
        int r;

        r = ics_zone_civil_to_utc(zone, start, &s);
        if (r < 0)
                return r;
        r = ics_zone_civil_to_utc(zone, &end, &e);
        if (r < 0)
                return r;
        *ret = (IcsInstance) {
                .start = s,
                .end = e + t->exact_length * (int64_t) USEC_PER_SEC,
                .day = ics_civil_day(start),
        };
        return 0;
}

static int ics_instances_add(IcsInstance **list, size_t *n, const IcsInstance *i) {
        int r = array_grow((void **) list, *n, sizeof(IcsInstance));

        if (r < 0)
                return r;
        (*list)[(*n)++] = *i;
        return 0;
}

/* Whether civil time c of a series is past its UNTIL. */
static bool ics_past_until(const IcsEventTimes *t, struct icaltimetype until, const CivilTime *c) {
        CivilTime u = ics_civil_from_ical(until);
        usec_t s, us;

        if (icaltime_is_null_time(until))
                return false;
        if (until.is_date)              /* Google: UNTIL=20231231 on a DATE-TIME series */
                return ics_civil_day(c) > ics_civil_day(&u);
        if (icaltime_is_utc(until)) {
                if (ics_zone_civil_to_utc(&t->zone, c, &s) < 0 || civil_to_utc(&u, "UTC", &us) < 0)
                        return false;
                return s > us;
        }
        return civil_time_to_seconds(c) > civil_time_to_seconds(&u);
}

static int ics_expand_rrule(const IcsLoader *l, icalproperty *p, const IcsEventTimes *t, IcsInstance **list,
                            size_t *n) {
        struct icalrecurrencetype rule = icalproperty_get_rrule(p);
        struct icaltimetype until = rule.until, start = icaltime_null_time();
        icalrecur_iterator *it;
        int r = 0;

        if (rule.freq == ICAL_NO_RECURRENCE) {
                log_warning(_("%s:%u: RRULE not understood, ignoring"), l->path, t->line);
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
                log_warning(_("%s:%u: RRULE not understood, ignoring"), l->path, t->line);
                return 0;
        }
        for (size_t k = 0;; k++) {
                struct icaltimetype next = icalrecur_iterator_next(it);
                CivilTime c;
                IcsInstance i;

                if (icaltime_is_null_time(next))
                        break;
                if (k >= ICS_MAX_INSTANCES) {
                        log_warning(_("%s:%u: more than %u instances, ignoring the rest"), l->path, t->line,
                                    ICS_MAX_INSTANCES);
                        break;
                }
                c = ics_civil_from_ical(next);
                if (ics_past_until(t, until, &c))
                        break;
                if (ics_instance_at(t, &t->zone, &c, &i) < 0)
                        continue;
                if (i.start >= l->to)
                        break;
                r = ics_instances_add(list, n, &i);
                if (r < 0)
                        break;
        }
        icalrecur_iterator_free(it);
        return r;
}

void ics_duration_lengths(struct icaldurationtype d, int64_t *ret_civil, int64_t *ret_exact) {
        int sign = d.is_neg ? -1 : 1;

        *ret_civil = sign * (int64_t) (d.weeks * 7 + d.days) * 86400;
        *ret_exact = sign * (int64_t) (d.hours * 3600 + d.minutes * 60 + d.seconds);
}

/* The instance an RDATE;VALUE=PERIOD gives: RFC 5545 §3.8.5.3, "the
 * recurrence instance … has the specified period": its own end (explicit, in
 * the zone of the RDATE, or its start plus the duration, days civil and the
 * rest exact as for DURATION, §3.3.6), not the master's length. Returns 0,
 * -EDOM for a period that does not end after it starts, or as
 * ics_zone_civil_to_utc(). */
static int ics_period_instance(const IcsEventTimes *t, const IcsZone *z, struct icalperiodtype period,
                               IcsInstance *ret) {
        CivilTime cs = ics_civil_from_ical(period.start);
        IcsEventTimes pt = *t;
        IcsInstance i;
        int r;

        pt.civil_length = pt.exact_length = 0;
        if (icaltime_is_null_time(period.end))
                ics_duration_lengths(period.duration, &pt.civil_length, &pt.exact_length);
        r = ics_instance_at(&pt, z, &cs, &i);
        if (r < 0)
                return r;
        if (!icaltime_is_null_time(period.end)) {
                const IcsZone utc = { .iana = (char *) "UTC" };
                CivilTime ce = ics_civil_from_ical(period.end);

                r = ics_zone_civil_to_utc(icaltime_is_utc(period.end) ? &utc : z, &ce, &i.end);
                if (r < 0)
                        return r;
        }
        if (i.end <= i.start)
                return -EDOM;
        *ret = i;
        return 0;
}

static int ics_expand_rdates(const IcsLoader *l, icalcomponent *ev, const IcsEventTimes *t, IcsInstance **list,
                             size_t *n) {
        for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
                struct icaldatetimeperiodtype d = icalproperty_get_rdate(p);
                bool is_period = icaltime_is_null_time(d.time);
                struct icaltimetype when = is_period ? d.period.start : d.time;
                _cleanup_(ics_zone_done) IcsZone z = {};
                CivilTime c = ics_civil_from_ical(when);
                IcsInstance i;
                int r;

                if (icaltime_is_null_time(when) || when.is_date)
                        continue;       /* a DATE cannot start a timed shift */
                r = ics_property_zone(l, ev, p, when, &t->zone, &z);
                if (r == -ENOENT) {
                        ics_unknown_zone_ignored(l, t->line, p);
                        continue;
                }
                if (r < 0)
                        return r;
                r = is_period ? ics_period_instance(t, &z, d.period, &i) : ics_instance_at(t, &z, &c, &i);
                if (r == -EDOM)
                        log_warning(_("%s:%u: RDATE period does not end after it starts, ignoring that RDATE"),
                                    l->path, t->line);
                if (r < 0)
                        continue;
                r = ics_instances_add(list, n, &i);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int ics_instance_compare(const void *a, const void *b) {
        const IcsInstance *x = a, *y = b;

        return CMP(x->start, y->start);
}

/* Remove the instances an EXDATE names (a DATE removes that day's). */
static void ics_apply_exdates(const IcsLoader *l, icalcomponent *ev, const IcsEventTimes *t, IcsInstance *list,
                              size_t *n) {
        for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
                struct icaltimetype x = icalproperty_get_exdate(p);
                _cleanup_(ics_zone_done) IcsZone z = {};
                CivilTime c = ics_civil_from_ical(x);
                usec_t at = 0;
                size_t k = 0;

                if (icaltime_is_null_time(x))
                        continue;
                if (!x.is_date) {
                        int r = ics_property_zone(l, ev, p, x, &t->zone, &z);

                        if (r == -ENOENT)
                                ics_unknown_zone_ignored(l, t->line, p);
                        if (r < 0 || ics_zone_civil_to_utc(&z, &c, &at) < 0)
                                continue;
                }
                for (size_t i = 0; i < *n; i++)
                        if (x.is_date ? list[i].day != ics_civil_day(&c) : list[i].start != at)
                                list[k++] = list[i];
                *n = k;
        }
}

int ics_expand(const IcsLoader *l, icalcomponent *ev, const IcsEventTimes *t, IcsInstance **ret, size_t *ret_n) {
        _cleanup_free_ IcsInstance *list = NULL;
        IcsInstance first;
        size_t n = 0;
        int r;

        r = ics_instance_at(t, &t->zone, &t->start, &first);
        if (r >= 0)
                r = ics_instances_add(&list, &n, &first);
        for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY); p && r >= 0;
             p = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY))
                r = ics_expand_rrule(l, p, t, &list, &n);
        if (r >= 0)
                r = ics_expand_rdates(l, ev, t, &list, &n);
        if (r < 0)
                return r;

        if (n > 1)
                qsort(list, n, sizeof(IcsInstance), ics_instance_compare);
        ics_apply_exdates(l, ev, t, list, &n);
        *ret = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}
