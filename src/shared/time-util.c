/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "shared/i18n.h"
#include "shared/time-util.h"

#define SEC_PER_DAY 86400

/* The zone last given to tzset(), so that converting many instants in one
 * zone does not reread the tz database each time. respited is single
 * threaded; every function here sets the zone it needs and restores nothing. */
static char *time_current_zone = NULL;

static bool time_zone_name_is_valid(const char *zone) {
        if (isempty(zone) || zone[0] == '/' || strstr(zone, ".."))
                return false;
        for (const char *p = zone; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("_+-/", *p))
                        return false;
        return true;
}

int tz_validate(const char *zone) {
        char path[PATH_MAX];
        const char *dir;
        char magic[4];
        ssize_t n;
        int fd;

        if (!time_zone_name_is_valid(zone))
                return -EINVAL;
        if (streq(zone, "UTC"))
                return 0;

        dir = getenv("TZDIR");
        if (isempty(dir))
                dir = "/usr/share/zoneinfo";
        n = snprintf(path, sizeof(path), "%s/%s", dir, zone);
        if (n < 0 || (size_t) n >= sizeof(path))
                return -EINVAL;

        /* A TZif file begins with the magic "TZif" (RFC 8536 §3.1); this
         * rejects directories ("Europe") and stray files in the database. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -errno;
        n = read(fd, magic, sizeof(magic));
        close(fd);
        if (n != (ssize_t) sizeof(magic) || memcmp(magic, "TZif", sizeof(magic)) != 0)
                return -ENOENT;
        return 0;
}

/* Make zone the process's local time zone for localtime_r(). */
static int time_zone_set(const char *zone) {
        const char *tz = getenv("TZ");
        char value[PATH_MAX];
        int r;

        /* Trust the cache only while $TZ is still what we set. */
        if (time_current_zone && streq_ptr(zone, time_current_zone) && tz && tz[0] == ':' && streq(tz + 1, zone))
                return 0;

        r = tz_validate(zone);
        if (r < 0)
                return r;
        r = snprintf(value, sizeof(value), ":%s", zone);
        if (r < 0 || (size_t) r >= sizeof(value))
                return -EINVAL;
        r = strdup_to(&time_current_zone, zone);
        if (r < 0)
                return r;
        if (setenv("TZ", value, 1) < 0)
                return -errno;
        tzset();
        return 0;
}

static int time_local_tm(const char *zone, time_t t, struct tm *ret) {
        int r;

        r = time_zone_set(zone);
        if (r < 0)
                return r;
        if (!localtime_r(&t, ret))
                return -EOVERFLOW;
        return 0;
}

static int time_offset_at(const char *zone, time_t t, long *ret) {
        struct tm tm;
        int r;

        r = time_local_tm(zone, t, &tm);
        if (r < 0)
                return r;
        *ret = tm.tm_gmtoff;
        return 0;
}

int tz_utc_offset(const char *zone, usec_t t, int *ret_seconds) {
        long off;
        int r;

        r = time_offset_at(zone, (time_t) (t / USEC_PER_SEC), &off);
        if (r < 0)
                return r;
        *ret_seconds = (int) off;
        return 0;
}

static bool time_is_leap_year(int y) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int time_days_in_month(int year, int month) {
        static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

        return month == 2 && time_is_leap_year(year) ? 29 : days[month - 1];
}

bool civil_time_is_valid(const CivilTime *c) {
        return c->year >= 1 && c->year <= 9999 &&
               c->month >= 1 && c->month <= 12 &&
               c->day >= 1 && c->day <= time_days_in_month(c->year, c->month) &&
               c->hour >= 0 && c->hour <= 23 &&
               c->minute >= 0 && c->minute <= 59 &&
               c->second >= 0 && c->second <= 60;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * time_days_from_civil). */
static int64_t time_days_from_civil(int64_t y, int m, int d) {
        int64_t era, yoe, doy, doe;

        y -= m <= 2;
        era = (y >= 0 ? y : y - 399) / 400;
        yoe = y - era * 400;
        doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

int64_t civil_time_to_seconds(const CivilTime *c) {
        return time_days_from_civil(c->year, c->month, c->day) * SEC_PER_DAY + c->hour * 3600 + c->minute * 60 +
               c->second;
}

const char *civil_time_format_day(const CivilTime *c, char buf[static CIVIL_DAY_MAX]) {
        /* From a Thursday, as 1970-01-01 was. */
        static const char * const weekdays[7] = {
                N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"), N_("Monday"), N_("Tuesday"),
                N_("Wednesday"),
        };
        CivilTime day = { .year = c->year, .month = c->month, .day = c->day };
        int64_t days = civil_time_to_seconds(&day) / 86400;

        /* TRANSLATORS: a day: its weekday, year, month and day ("Monday 1999-01-04"). */
        snprintf(buf, CIVIL_DAY_MAX, _("%1$s %2$04d-%3$02d-%4$02d"), _(weekdays[((days % 7) + 7) % 7]), c->year,
                 c->month, c->day);
        return buf;
}

CivilTime civil_time_from_seconds(int64_t s) {
        int64_t days = s >= 0 ? s / SEC_PER_DAY : (s - SEC_PER_DAY + 1) / SEC_PER_DAY, rem = s - days * SEC_PER_DAY;
        int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        int d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;

        return (CivilTime) {
                .year = yoe + era * 400 + (m <= 2),
                .month = m,
                .day = d,
                .hour = rem / 3600,
                .minute = rem % 3600 / 60,
                .second = rem % 60,
        };
}

/* The civil time read as if it were UTC, in seconds since the epoch:
 * -EINVAL when the date or time does not exist on any calendar. */
static int time_civil_to_naive(const CivilTime *c, time_t *ret) {
        if (!civil_time_is_valid(c))
                return -EINVAL;
        *ret = (time_t) civil_time_to_seconds(c);
        return 0;
}

static int time_instant_from_seconds(time_t s, usec_t *ret) {
        if (s < 0)
                return -ERANGE;
        *ret = (usec_t) s * USEC_PER_SEC;
        return 0;
}

int civil_to_utc(const CivilTime *c, const char *zone, usec_t *ret) {
        long candidates[3], before;
        time_t naive, best = 0;
        bool found = false;
        int r;

        r = time_civil_to_naive(c, &naive);
        if (r < 0)
                return r;
        if (c->year < 1970)
                return -ERANGE;

        /* The offsets in force a day before, at, and a day after the naive
         * instant cover every transition near it. An offset o fits when the
         * zone really has offset o at naive - o; of the fitting instants the
         * earliest is the first occurrence of an ambiguous time. */
        for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
                long o, check;

                r = time_offset_at(zone, naive + ((time_t) i - 1) * SEC_PER_DAY, &candidates[i]);
                if (r < 0)
                        return r;
                o = candidates[i];
                r = time_offset_at(zone, naive - o, &check);
                if (r < 0)
                        return r;
                if (check == o && (!found || naive - o < best)) {
                        best = naive - o;
                        found = true;
                }
        }

        /* In a gap no offset fits: RFC 5545 §3.3.5 takes the time with the
         * offset in force before the gap. */
        before = candidates[0];
        return time_instant_from_seconds(found ? best : naive - before, ret);
}

int utc_to_civil(usec_t t, const char *zone, CivilTime *ret) {
        struct tm tm;
        int r;

        r = time_local_tm(zone, (time_t) (t / USEC_PER_SEC), &tm);
        if (r < 0)
                return r;
        *ret = (CivilTime) {
                .year = tm.tm_year + 1900,
                .month = tm.tm_mon + 1,
                .day = tm.tm_mday,
                .hour = tm.tm_hour,
                .minute = tm.tm_min,
                .second = tm.tm_sec,
        };
        return 0;
}

/* Read exactly n decimal digits at *p into *ret and advance *p. */
static bool time_parse_digits(const char **p, int n, int *ret) {
        int v = 0;

        for (int i = 0; i < n; i++) {
                if (!isdigit((unsigned char) (*p)[i]))
                        return false;
                v = v * 10 + ((*p)[i] - '0');
        }
        *p += n;
        *ret = v;
        return true;
}

static bool time_parse_char(const char **p, char c) {
        if (**p != c)
                return false;
        (*p)++;
        return true;
}

/* "Z", "±HH:MM", "±HHMM", "±HH" (ISO 8601 allows all three): seconds east
 * of UTC; *has_offset false when p is at the end. */
static int time_parse_offset(const char *p, bool *has_offset, long *ret) {
        int sign, h, m;

        if (*p == '\0') {
                *has_offset = false;
                return 0;
        }
        *has_offset = true;
        if (p[0] == 'Z' || p[0] == 'z') {
                *ret = 0;
                return p[1] == '\0' ? 0 : -EINVAL;
        }
        if (*p != '+' && *p != '-')
                return -EINVAL;
        sign = *p == '-' ? -1 : 1;
        p++;
        if (!time_parse_digits(&p, 2, &h))
                return -EINVAL;
        if (*p == '\0')
                m = 0;
        else {
                (void) time_parse_char(&p, ':');
                if (!time_parse_digits(&p, 2, &m))
                        return -EINVAL;
        }
        if (*p != '\0' || h > 23 || m > 59)
                return -EINVAL;
        *ret = sign * (h * 3600L + m * 60L);
        return 0;
}

/* Fractional seconds after the '.', as microseconds (digits beyond the sixth
 * are dropped). */
static bool time_parse_fraction(const char **p, usec_t *ret) {
        usec_t frac = 0, scale = USEC_PER_SEC;

        if (!isdigit((unsigned char) **p))
                return false;
        for (; isdigit((unsigned char) **p); (*p)++)
                if (scale > 1) {
                        scale /= 10;
                        frac += (usec_t) (**p - '0') * scale;
                }
        *ret = frac;
        return true;
}

int time_parse_iso8601(const char *s, const char *zone, usec_t *ret) {
        CivilTime c = {};
        usec_t frac = 0, t;
        bool has_offset;
        const char *p = s;
        time_t naive;
        long offset = 0;
        int r;

        if (!s)
                return -EINVAL;

        if (!time_parse_digits(&p, 4, &c.year) || !time_parse_char(&p, '-') ||
            !time_parse_digits(&p, 2, &c.month) || !time_parse_char(&p, '-') ||
            !time_parse_digits(&p, 2, &c.day))
                return -EINVAL;
        if (!time_parse_char(&p, 'T') && !time_parse_char(&p, 't') && !time_parse_char(&p, ' '))
                return -EINVAL;
        if (!time_parse_digits(&p, 2, &c.hour) || !time_parse_char(&p, ':') ||
            !time_parse_digits(&p, 2, &c.minute))
                return -EINVAL;
        if (time_parse_char(&p, ':')) {
                if (!time_parse_digits(&p, 2, &c.second))
                        return -EINVAL;
                if ((time_parse_char(&p, '.') || time_parse_char(&p, ',')) && !time_parse_fraction(&p, &frac))
                        return -EINVAL;
        }

        r = time_parse_offset(p, &has_offset, &offset);
        if (r < 0)
                return r;

        if (!has_offset) {
                if (!zone)
                        return -EINVAL;
                r = civil_to_utc(&c, zone, &t);
                if (r < 0)
                        return r;
                *ret = t + frac;
                return 0;
        }

        r = time_civil_to_naive(&c, &naive);
        if (r < 0)
                return r;
        if (c.year < 1970)
                return -ERANGE;
        r = time_instant_from_seconds(naive - offset, &t);
        if (r < 0)
                return r;
        *ret = t + frac;
        return 0;
}

int time_format_iso8601(usec_t t, const char *zone, char buf[static ISO8601_MAX]) {
        struct tm tm;
        long off;
        int r;

        r = time_local_tm(zone, (time_t) (t / USEC_PER_SEC), &tm);
        if (r < 0)
                return r;

        off = tm.tm_gmtoff;
        r = snprintf(buf, ISO8601_MAX, "%04d-%02d-%02dT%02d:%02d:%02d",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
        if (r < 0 || r >= ISO8601_MAX)
                return -EOVERFLOW;
        if (streq(zone, "UTC"))
                strcat(buf, "Z");
        else
                snprintf(buf + r, ISO8601_MAX - r, "%c%02ld:%02ld",
                         off < 0 ? '-' : '+', labs(off) / 3600, labs(off) / 60 % 60);
        return 0;
}

const char *time_format_clock(usec_t t, const char *zone, bool with_date, char buf[static ISO8601_MAX]) {
        if (time_format_iso8601(t, zone, buf) < 0 || strlen(buf) < 16)
                return strcpy(buf, "?");
        /* "1999-01-04T10:42:00+02:00" → "1999-01-04 10:42" or "10:42" */
        buf[10] = ' ';
        buf[16] = 0;
        if (!with_date)
                memmove(buf, buf + 11, 6);
        return buf;
}

static const struct {
        const char *name;
        usec_t usec;
} time_duration_units[] = {
        { "us",      1 },
        { "usec",    1 },
        { "ms",      1000 },
        { "msec",    1000 },
        { "s",       USEC_PER_SEC },
        { "sec",     USEC_PER_SEC },
        { "second",  USEC_PER_SEC },
        { "m",       USEC_PER_MINUTE },
        { "min",     USEC_PER_MINUTE },
        { "minute",  USEC_PER_MINUTE },
        { "h",       USEC_PER_HOUR },
        { "hr",      USEC_PER_HOUR },
        { "hour",    USEC_PER_HOUR },
        { "d",       USEC_PER_DAY },
        { "day",     USEC_PER_DAY },
};

/* The length of the unit named by the n letters at p ("min", "hours"), or 0. */
static usec_t time_duration_unit(const char *p, size_t n) {
        for (size_t i = 0; i < ELEMENTSOF(time_duration_units); i++) {
                size_t l = strlen(time_duration_units[i].name);

                if (strncmp(p, time_duration_units[i].name, l) != 0)
                        continue;
                /* Plurals: "mins", "hours", "days"; not "ss" or "hs". */
                if (n == l || (n == l + 1 && p[l] == 's' && l > 1))
                        return time_duration_units[i].usec;
        }
        return 0;
}

int duration_parse(const char *s, usec_t *ret) {
        usec_t total = 0;
        const char *p = s;
        bool any = false;

        if (!s)
                return -EINVAL;

        for (;;) {
                usec_t n = 0, unit;
                size_t l;

                p += strspn(p, " \t");
                if (*p == '\0')
                        break;
                if (!isdigit((unsigned char) *p))
                        return -EINVAL;
                for (; isdigit((unsigned char) *p); p++) {
                        if (n > (UINT64_MAX - 9) / 10)
                                return -ERANGE;
                        n = n * 10 + (usec_t) (*p - '0');
                }
                p += strspn(p, " \t");
                for (l = 0; isalpha((unsigned char) p[l]); l++)
                        ;
                unit = time_duration_unit(p, l);
                if (unit == 0)
                        return -EINVAL;
                p += l;
                if (n > UINT64_MAX / unit || total > UINT64_MAX - n * unit)
                        return -ERANGE;
                total += n * unit;
                any = true;
        }

        if (!any)
                return -EINVAL;
        *ret = total;
        return 0;
}

char *duration_format(usec_t d, char *buf, size_t size) {
        static const struct {
                const char *suffix;
                usec_t usec;
        } parts[] = {
                { "d",   USEC_PER_DAY },
                { "h",   USEC_PER_HOUR },
                { "min", USEC_PER_MINUTE },
                { "s",   USEC_PER_SEC },
                { "ms",  1000 },
                { "us",  1 },
        };
        size_t used = 0;

        if (size == 0)
                return buf;
        buf[0] = '\0';
        if (d == 0) {
                snprintf(buf, size, "0s");
                return buf;
        }

        for (size_t i = 0; i < ELEMENTSOF(parts) && d > 0 && used < size; i++) {
                usec_t n = d / parts[i].usec;
                int k;

                if (n == 0)
                        continue;
                d -= n * parts[i].usec;
                k = snprintf(buf + used, size - used, "%s%" PRIu64 "%s",
                             used > 0 ? " " : "", n, parts[i].suffix);
                if (k < 0)
                        break;
                used += (size_t) k;
        }
        return buf;
}

int time_local_day_bounds(usec_t t, const char *zone, usec_t *ret_start, usec_t *ret_end) {
        CivilTime c;
        int r;

        r = utc_to_civil(t, zone, &c);
        if (r < 0)
                return r;
        c.hour = c.minute = c.second = 0;
        r = civil_to_utc(&c, zone, ret_start);
        if (r < 0)
                return r;
        /* 26 h on is always the next day, whatever DST does. */
        r = utc_to_civil(*ret_start + 26 * USEC_PER_HOUR, zone, &c);
        if (r < 0)
                return r;
        c.hour = c.minute = c.second = 0;
        return civil_to_utc(&c, zone, ret_end);
}

int time_parse_day(const char *s, const char *zone, usec_t *ret_start, usec_t *ret_end) {
        CivilTime c = { .hour = 12 };
        usec_t noon;
        char tail;
        int r;

        if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &c.year, &c.month, &c.day, &tail) != 3)
                return -EINVAL;
        /* Noon is never in a DST gap: its day is the day meant. */
        r = civil_to_utc(&c, zone, &noon);
        if (r < 0)
                return r;
        return time_local_day_bounds(noon, zone, ret_start, ret_end);
}

int time_local_day(usec_t t, const char *zone, int *ret_yyyymmdd) {
        CivilTime c;
        int r;

        r = utc_to_civil(t, zone, &c);
        if (r < 0)
                return r;
        *ret_yyyymmdd = c.year * 10000 + c.month * 100 + c.day;
        return 0;
}

const char *duration_format_words(usec_t d, char buf[static DURATION_MAX]) {
        unsigned h, m, sec;
        usec_t n;

        if (d >= USEC_PER_DAY)
                return duration_format(d, buf, DURATION_MAX);
        n = (d + USEC_PER_SEC / 2) / USEC_PER_SEC;      /* to the nearest second */
        if (n * USEC_PER_SEC >= USEC_PER_DAY)           /* half a second short of a day: "1d" */
                return duration_format(USEC_PER_DAY, buf, DURATION_MAX);
        h = (unsigned) (n / 3600);
        m = (unsigned) (n % 3600 / 60);
        sec = (unsigned) (n % 60);
        if (h > 0 && m > 0 && sec > 0)
                /* TRANSLATORS: a length in respitectl's tables and messages, notifications, the HTML page
                 * and the reasons (h hours, min minutes, s seconds; the next msgids are its other
                 * combinations): "1h 2min 3s", "1時間2分3秒". */
                snprintf(buf, DURATION_MAX, _("%uh %umin %us"), h, m, sec);
        else if (h > 0 && m > 0)
                /* TRANSLATORS: a length of hours and minutes: "1h 5min", "1時間5分". */
                snprintf(buf, DURATION_MAX, _("%uh %umin"), h, m);
        else if (h > 0 && sec > 0)
                /* TRANSLATORS: a length of hours and seconds (no minutes): "1h 3s", "1時間3秒". */
                snprintf(buf, DURATION_MAX, _("%uh %us"), h, sec);
        else if (h > 0)
                /* TRANSLATORS: a length of whole hours: "1h", "1時間". */
                snprintf(buf, DURATION_MAX, _("%uh"), h);
        else if (m > 0 && sec > 0)
                /* TRANSLATORS: a length of minutes and seconds: "6min 13s", "6分13秒". */
                snprintf(buf, DURATION_MAX, _("%umin %us"), m, sec);
        else if (m > 0)
                /* TRANSLATORS: a length of whole minutes: "20min", "20分". */
                snprintf(buf, DURATION_MAX, _("%umin"), m);
        else
                /* TRANSLATORS: a length of seconds, under a minute: "4s", "0s", "4秒". */
                snprintf(buf, DURATION_MAX, _("%us"), sec);
        return buf;
}
