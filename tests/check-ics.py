#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Validate respite's iCalendar feeds with an independent parser.

usage: check-ics.py [--expect-uid-prefix P] [--count-summary S N]... FILE.ics...

Each file must parse with the `icalendar` library (Debian's python3-icalendar),
end every line in CRLF with at most 75 octets, have VERSION:2.0, PRODID and
METHOD, and every VEVENT a unique UID, DTSTART and DTEND in UTC with
DTEND > DTSTART, DTSTAMP and SEQUENCE. --expect-uid-prefix: every UID starts
with P. --count-summary: exactly N events have SUMMARY S (repeatable).
Prints one line per problem; exits 0 when every file passes, else 1.
"""

import argparse
import datetime
import sys

import icalendar


def utc(prop):
    """The datetime of a DTSTART/DTEND property, or None unless it is UTC."""
    if prop is None or 'TZID' in prop.params:
        return None
    dt = prop.dt
    if not isinstance(dt, datetime.datetime) or dt.utcoffset() != datetime.timedelta(0):
        return None
    return dt


def check_lines(raw):
    lines = raw.split(b'\r\n')
    if lines[-1]:
        yield 'does not end in CRLF'
    else:
        lines.pop()
    for n, line in enumerate(lines, 1):
        if b'\n' in line or b'\r' in line:
            yield f'line {n}: bare CR or LF'
        if len(line) > 75:
            yield f'line {n}: {len(line)} octets (more than 75)'
        try:
            line.decode('utf-8')
        except UnicodeDecodeError:
            yield f'line {n}: not valid UTF-8 on its own (fold inside a character?)'


def check_event(ev, args, uids):
    uid = str(ev.get('UID', ''))
    if not uid:
        yield 'VEVENT without UID'
        uid = '?'
    elif uid in uids:
        yield f'{uid}: duplicate UID'
    uids.add(uid)
    if args.expect_uid_prefix and not uid.startswith(args.expect_uid_prefix):
        yield f'{uid}: UID does not start with {args.expect_uid_prefix!r}'
    start, end = utc(ev.get('DTSTART')), utc(ev.get('DTEND'))
    if start is None:
        yield f'{uid}: DTSTART missing or not in UTC'
    if end is None:
        yield f'{uid}: DTEND missing or not in UTC'
    if start is not None and end is not None and end <= start:
        yield f'{uid}: DTEND {end} not after DTSTART {start}'
    for name in ('DTSTAMP', 'SEQUENCE'):
        if ev.get(name) is None:
            yield f'{uid}: {name} missing'


def check_file(path, args):
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as e:
        yield f'cannot read: {e.strerror}'
        return
    yield from check_lines(raw)
    try:
        cal = icalendar.Calendar.from_ical(raw)
    except ValueError as e:
        yield f'does not parse: {e}'
        return
    if cal.name != 'VCALENDAR':
        yield f'top component is {cal.name}, not VCALENDAR'
    if str(cal.get('VERSION', '')) != '2.0':
        yield 'VERSION:2.0 missing'
    for name in ('PRODID', 'METHOD'):
        if cal.get(name) is None:
            yield f'{name} missing'

    uids = set()
    events = cal.walk('VEVENT')
    for ev in events:
        yield from check_event(ev, args, uids)
    for summary, count in args.count_summary or []:
        n = sum(1 for ev in events if str(ev.get('SUMMARY', '')) == summary)
        if n != int(count):
            yield f'{n} events with SUMMARY {summary!r}, expected {count}'


def main():
    p = argparse.ArgumentParser(description='Validate iCalendar feeds.')
    p.add_argument('--expect-uid-prefix', metavar='P')
    p.add_argument('--count-summary', nargs=2, action='append', metavar=('S', 'N'))
    p.add_argument('files', nargs='+', metavar='FILE')
    args = p.parse_args()
    for _, count in args.count_summary or []:
        if not count.isdigit():
            p.error(f'--count-summary: {count!r} is not a count')

    ok = True
    for path in args.files:
        problems = list(check_file(path, args))
        for problem in problems:
            print(f'{path}: {problem}')
        if problems:
            ok = False
        else:
            print(f'{path}: ok')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
