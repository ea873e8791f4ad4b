#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Print every VEVENT of an iCalendar file as read by Python's icalendar.

usage: feed-instants.py FILE.ics

One line per event, sorted by UID: UID, DTSTART and DTEND as Unix seconds
(UTC), SEQUENCE, SUMMARY, tab-separated. tests/feed-instants.mjs prints the
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
        rows.append((str(ev['UID']), start, end, int(ev.get('SEQUENCE', 0)), str(ev.get('SUMMARY', ''))))
    for row in sorted(rows):
        print('\t'.join(str(x) for x in row))


if __name__ == '__main__':
    main()
