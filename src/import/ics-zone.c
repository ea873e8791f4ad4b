/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <time.h>

#include "import/roster-ics-internal.h"
#include "import/windows-zones.h"
#include "shared/escape.h"
#include "shared/i18n.h"
#include "shared/log.h"

CivilTime ics_civil_from_ical(struct icaltimetype t) {
        return (CivilTime) { t.year, t.month, t.day, t.is_date ? 0 : t.hour, t.is_date ? 0 : t.minute,
                             t.is_date ? 0 : t.second };
}

int ics_civil_day(const CivilTime *c) {
        return c->year * 10000 + c->month * 100 + c->day;
}

void ics_zone_done(IcsZone *z) {
        free(z->iana);
        *z = (IcsZone) {};
}

static int ics_vtz_offset(icaltimezone *tz, int64_t utc, int64_t *ret) {
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
static int ics_vtz_civil_to_utc(icaltimezone *tz, const CivilTime *c, usec_t *ret) {
        int64_t local = civil_time_to_seconds(c), before, after, best = INT64_MAX;
        int r;

        r = ics_vtz_offset(tz, local - 86400 > 0 ? local - 86400 : 0, &before);
        if (r >= 0)
                r = ics_vtz_offset(tz, local + 86400, &after);
        if (r < 0)
                return r;
        for (int k = 0; k < 2; k++) {
                int64_t o = k == 0 ? before : after, u = local - o, check;

                if (u >= 0 && ics_vtz_offset(tz, u, &check) >= 0 && check == o)
                        best = MIN(best, u);
        }
        if (best == INT64_MAX)
                best = local - before;          /* in the gap */
        if (best < 0)
                return -ERANGE;
        *ret = (usec_t) best * USEC_PER_SEC;
        return 0;
}

int ics_zone_civil_to_utc(const IcsZone *z, const CivilTime *c, usec_t *ret) {
        if (!civil_time_is_valid(c))
                return -EINVAL;
        if (z->iana)
                return civil_to_utc(c, z->iana, ret);
        return ics_vtz_civil_to_utc(z->vtz, c, ret);
}

/* The IANA zone a TZID names: itself, after a vendor prefix ("/mozilla.org/
 * 20070129_1/America/New_York"), or by the CLDR Windows table. */
static const char *ics_tzid_to_iana(const char *tzid) {
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

const char *ics_property_tzid(icalproperty *p) {
        icalparameter *param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
        const char *tzid = param ? icalparameter_get_tzid(param) : NULL;

        return isempty(tzid) ? NULL : tzid;
}

char *ics_tzid_unquote(const char *tzid) {
        size_t n = strlen(tzid);

        if (n >= 2 && tzid[0] == '"' && tzid[n - 1] == '"')
                return strndup(tzid + 1, n - 2);
        return strdup(tzid);
}

/* Whether VTIMEZONE vtz and IANA zone iana give another UTC offset on any
 * day of the year around civil time c (sampled daily: rules that agree on
 * every day agree on what a roster needs). */
static bool ics_vtz_disagrees(icaltimezone *vtz, const char *iana, const CivilTime *c) {
        int64_t centre = civil_time_to_seconds(c);

        for (int64_t k = -183; k <= 183; k++) {
                int64_t u = centre + k * 86400, a;
                int b;

                if (u < 0 || ics_vtz_offset(vtz, u, &a) < 0 || tz_utc_offset(iana, (usec_t) u * USEC_PER_SEC, &b) < 0)
                        continue;
                if (a != b)
                        return true;
        }
        return false;
}

int ics_property_zone(const IcsLoader *l, icalcomponent *ev, icalproperty *p, struct icaltimetype t,
                      const IcsZone *fallback, IcsZone *ret) {
        const char *tzid = ics_property_tzid(p), *iana;
        icalcomponent *cal = icalcomponent_get_parent(ev);
        icaltimezone *vtz;
        _cleanup_free_ char *unquoted = NULL;

        *ret = (IcsZone) {};
        if (icaltime_is_utc(t))
                return strdup_to(&ret->iana, "UTC");
        if (!tzid) {
                if (fallback)
                        return fallback->iana ? strdup_to(&ret->iana, fallback->iana) : (ret->vtz = fallback->vtz, 0);
                return strdup_to(&ret->iana, l->o->zone ?: "UTC");
        }

        unquoted = ics_tzid_unquote(tzid);
        if (!unquoted)
                return -ENOMEM;
        iana = ics_tzid_to_iana(unquoted);
        vtz = cal ? icalcomponent_get_timezone(cal, tzid) : NULL;
        if (!vtz && cal)
                vtz = icalcomponent_get_timezone(cal, unquoted);
        /* RFC 5545 §3.2.19: the VTIMEZONE of a TZID is the one to use. A
         * name that is an IANA zone itself keeps it (exporters trim their
         * VTIMEZONEs); a name mapped to one (Windows, a vendor prefix) does
         * only while the file's own rules agree with it. */
        if (iana && vtz && !streq(iana, unquoted)) {
                CivilTime c = ics_civil_from_ical(t);

                if (ics_vtz_disagrees(vtz, iana, &c)) {
                        ret->vtz = vtz;
                        return 1;
                }
        }
        if (iana)
                return strdup_to(&ret->iana, iana);
        ret->vtz = vtz;
        return ret->vtz ? 0 : -ENOENT;
}

void ics_vtimezone_preferred(const IcsLoader *l, unsigned line, icalproperty *p) {
        _cleanup_free_ char *tzid = ics_tzid_unquote(ics_property_tzid(p) ?: "");

        /* TRANSLATORS: FILE:LINE, the TZID, the property (DTSTART, DTEND, RDATE…), the IANA zone it maps to. */
        log_warning(_("%s:%u: TZID '%s' in %s names %s, but the file's VTIMEZONE of that TZID disagrees with it: "
                      "using the VTIMEZONE (RFC 5545 §3.2.19)"), l->path, line, ESCAPED(tzid ?: ""),
                    icalproperty_get_property_name(p), tzid ? ics_tzid_to_iana(tzid) ?: "?" : "?");
}

void ics_unknown_zone_ignored(const IcsLoader *l, unsigned line, icalproperty *p) {
        _cleanup_free_ char *tzid = ics_tzid_unquote(ics_property_tzid(p) ?: "");

        /* TRANSLATORS: FILE:LINE, the TZID, then the property (RDATE, EXDATE, RECURRENCE-ID) twice. */
        log_warning(_("%s:%u: unknown time zone '%s' in %s, ignoring that %s"), l->path, line, ESCAPED(tzid ?: ""),
                    icalproperty_get_property_name(p), icalproperty_get_property_name(p));
}
