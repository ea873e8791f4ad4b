#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Print every VEVENT of an iCalendar file as read by Python's icalendar.

usage: feed-instants.py FILE.ics

One line per event, sorted by UID: UID, DTSTART and DTEND as Unix seconds
(UTC), SEQUENCE, SUMMARY, TRANSP, CATEGORIES (comma-separated), COLOR and
each VALARM's ACTION and TRIGGER in seconds ("DISPLAY-300"), tab-separated. tests/feed-instants.mjs prints the
same with Mozilla's ical.js; tests/http.sh compares the two and respite's
own instants.
"""

import sys

import icalendar


def main():
    with open(sys.argv[1], 'rb') as f:
        cal = icalendar.Calendar.from_ical(f.read())
    rows = []
    for ev in cal.walk('VEVENT'):
        start = int(ev['DTSTART'].dt.timestamp())
        end = int(ev['DTEND'].dt.timestamp())
        cats = ev.get('CATEGORIES', [])
        cats = cats if isinstance(cats, list) else [cats]
        alarms = [f"{a['ACTION']}{int(a['TRIGGER'].dt.total_seconds())}" for a in ev.walk('VALARM')]
        rows.append((str(ev['UID']), start, end, int(ev.get('SEQUENCE', 0)), str(ev.get('SUMMARY', '')),
                     str(ev.get('TRANSP', '')), ','.join(str(c) for v in cats for c in v.cats),
                     str(ev.get('COLOR', '')), ' '.join(alarms)))
    for row in sorted(rows):
        print('\t'.join(str(x) for x in row))


if __name__ == '__main__':
    main()
