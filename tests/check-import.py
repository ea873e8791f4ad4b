#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Cross-check respite's iCalendar roster import with Python's icalendar.

usage: check-import.py RESPITECTL CONFIG FILE.ics...

For each file, computes the UTC start and end of every shift with Debian's
python3-icalendar (parsing, VTIMEZONEs), dateutil (RRULE expansion) and
zoneinfo (IANA zones), and compares them with the "shift" rows of
`respitectl import-check --format csv` (CONFIG should set
planning.split_shift_gap = "0min" so that split shifts stay apart).
The rules mirrored: all-day and TRANSP:TRANSPARENT events are no shift;
RECURRENCE-ID overrides replace their instance (STATUS:CANCELLED removes
it); EXDATE removes instances; UNTIL as a DATE ends the series with that
day; instances keep DTEND - DTSTART in civil time; a local time in a DST
gap takes the offset before the gap, an ambiguous one its first occurrence
(RFC 5545 §3.3.5; zoneinfo's fold=0 does exactly that). A TZID that is no
IANA zone (an Outlook Windows name) uses the tzinfo icalendar built from
the file's VTIMEZONE.
Prints the differences; exits 0 when every file agrees, else 1.
"""

import csv
import datetime
import io
import subprocess
import sys
import zoneinfo

import icalendar
from dateutil import rrule

UTC = datetime.timezone.utc


def zone_of(prop):
    """The tzinfo a DATE-TIME property's local time is in."""
    tzid = prop.params.get('TZID')
    if tzid:
        try:
            return zoneinfo.ZoneInfo(str(tzid))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return prop.dt.tzinfo    # from the VTIMEZONE, by icalendar
    if prop.dt.tzinfo is not None:
        return UTC
    return None


def to_utc(wall, tz):
    if isinstance(tz, zoneinfo.ZoneInfo) or tz is UTC:
        return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    return tz.localize(wall).astimezone(UTC)


def naive(dt):
    return dt.replace(tzinfo=None)


def is_shift(ev):
    start = ev.get('DTSTART')
    if start is None or not isinstance(start.dt, datetime.datetime):
        return False
    return str(ev.get('TRANSP', 'OPAQUE')).upper() != 'TRANSPARENT'


def length(ev):
    start = ev['DTSTART']
    if 'DTEND' in ev:
        return naive(ev['DTEND'].dt) - naive(start.dt)
    return ev['DURATION'].dt


def instances(ev):
    """(wall start, tz) of every instance of a master."""
    start = ev['DTSTART']
    tz = zone_of(start)
    first = naive(start.dt)
    walls = {first}
    rules = ev.get('RRULE')
    if rules is not None:
        for rule in rules if isinstance(rules, list) else [rules]:
            rule = dict(rule)
            until = rule.pop('UNTIL', [None])[0]
            text = icalendar.vRecur(rule).to_ical().decode()
            for wall in rrule.rrulestr(text, dtstart=first):
                if until is not None:
                    if not isinstance(until, datetime.datetime):
                        if wall.date() > until:
                            break
                    elif until.tzinfo is not None:
                        if to_utc(wall, tz) > until.astimezone(UTC):
                            break
                    elif wall > until:
                        break
                walls.add(wall)
    exdates = ev.get('EXDATE')
    for ex in exdates if isinstance(exdates, list) else [exdates] if exdates else []:
        for d in ex.dts:
            if isinstance(d.dt, datetime.datetime) and d.dt.tzinfo is not None:
                walls = {w for w in walls if to_utc(w, tz) != d.dt.astimezone(UTC)}
            elif isinstance(d.dt, datetime.datetime):
                walls = {w for w in walls if w != d.dt}
            else:
                walls = {w for w in walls if w.date() != d.dt}
    return tz, sorted(walls)


def shifts(path):
    with open(path, 'rb') as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = [c for c in cal.walk('VEVENT')]
    overrides = {}
    for ev in events:
        if 'RECURRENCE-ID' in ev:
            rid = ev['RECURRENCE-ID']
            overrides.setdefault(str(ev.get('UID')), []).append(
                to_utc(naive(rid.dt), zone_of(rid)) if zone_of(rid) else naive(rid.dt))
    out = []
    for ev in events:
        cancelled = str(ev.get('STATUS', '')).upper() == 'CANCELLED'
        if cancelled or not is_shift(ev):
            continue
        if 'RECURRENCE-ID' in ev:
            tz, walls = zone_of(ev['DTSTART']), [naive(ev['DTSTART'].dt)]
        else:
            tz, walls = instances(ev)
            gone = overrides.get(str(ev.get('UID')), [])
            walls = [w for w in walls if to_utc(w, tz) not in gone]
        for w in walls:
            out.append((to_utc(w, tz), to_utc(w + length(ev), tz)))
    return sorted(out)


def imported(respitectl, config, path):
    text = subprocess.run([respitectl, 'import-check', '--config', config, '--format', 'csv', path],
                          check=True, capture_output=True, text=True).stdout
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        if row['kind'] == 'shift':
            out.append(tuple(datetime.datetime.fromisoformat(row[k].replace('Z', '+00:00'))
                             for k in ('start', 'end')))
    return sorted(out)


def main():
    respitectl, config, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = 0
    for path in files:
        want, got = shifts(path), imported(respitectl, config, path)
        if want != got:
            bad += 1
            print(f'{path}: icalendar gives {len(want)} shifts, respite {len(got)}')
            for s in sorted(set(want) ^ set(got)):
                print(f'  {"icalendar only" if s in want else "respite only"}: {s[0]} - {s[1]}')
        else:
            print(f'{path}: {len(got)} shifts, the same UTC instants as icalendar')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
