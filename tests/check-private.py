#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check that a team feed tells nothing private and an operator's feed does.

usage: check-private.py [--team TEAM.ics] [--operator OPERATOR.ics]
                        --incident ID [--category NAME]...

The feeds are read with Python's `icalendar` (Debian's python3-icalendar).
Every property of the team feed (name, parameters, value, in every
component), and its unfolded text, must hold no "recovery" (nor the other
kinds), no incident id and no category name (as written and with "_" as a
space), in any case; it has no DESCRIPTION, CATEGORIES, RELATED-TO or
X-RESPITE-* property, and each break's UID is "break-<32 hex digits>@respite".
The operator's feed, when given, must still say "recovery", the incident id
(in a UID) and a category name. Prints one line per problem; exits 0 when
there is none, else 1.
"""

import argparse
import re
import sys

import icalendar

KINDS = ('recovery', 'statutory', 'planned')
FORBIDDEN_PROPERTIES = ('DESCRIPTION', 'CATEGORIES', 'RELATED-TO', 'COMMENT', 'ATTACH')
TEAM_BREAK_UID = re.compile(r'break-[0-9a-f]{32}@respite')


def texts(path):
    """The calendar, and the texts of a feed: "NAME;PARAMS:VALUE" of each
    property of each component, then its whole unfolded document."""
    with open(path, 'rb') as f:
        raw = f.read()
    cal = icalendar.Calendar.from_ical(raw)
    out = []
    for component in cal.walk():
        out.append(component.name)
        for name, value in component.property_items(recursive=False):
            params = ''.join(f';{k}={v}' for k, v in getattr(value, 'params', {}).items())
            text = value.to_ical() if hasattr(value, 'to_ical') else str(value)
            if isinstance(text, bytes):
                text = text.decode('utf-8')
            out.append(f'{name}{params}:{text}')
    out.append(raw.replace(b'\r\n ', b'').replace(b'\r\n\t', b'').decode('utf-8'))
    return cal, out


def words(incident, categories):
    ws = list(KINDS) + [incident.lower()]
    for c in categories:
        ws += [c.lower(), c.lower().replace('_', ' ')]
    return ws


def check_team(path, incident, categories):
    cal, lines = texts(path)
    for w in words(incident, categories):
        for line in lines:
            at = line.lower().find(w)
            if at >= 0:
                yield f'{path}: says {w!r}: {line[max(0, at - 40):at + 40]!r}'
                break
    breaks = 0
    for ev in cal.walk('VEVENT'):
        uid = str(ev.get('UID', ''))
        for name, _ in ev.property_items(recursive=False):
            if name in FORBIDDEN_PROPERTIES or name.startswith('X-RESPITE'):
                yield f'{path}: {uid}: has {name}'
        if str(ev.get('SUMMARY', '')).startswith('Break'):
            breaks += 1
            if not TEAM_BREAK_UID.fullmatch(uid):
                yield f'{path}: break UID {uid!r} is not break-<32 hex digits>@respite'
    if breaks == 0:
        yield f'{path}: no break at all (nothing checked)'


def check_operator(path, incident, categories):
    cal, lines = texts(path)
    text = '\n'.join(lines).lower()
    uids = [str(ev.get('UID', '')) for ev in cal.walk('VEVENT')]
    if 'recovery' not in text:
        yield f'{path}: does not say "recovery"'
    if not any(incident in uid for uid in uids):
        yield f'{path}: no UID names incident {incident}'
    if categories and not any(c.lower() in text or c.lower().replace('_', ' ') in text for c in categories):
        yield f'{path}: names no category'


def main():
    p = argparse.ArgumentParser(description='Check what a team feed and an operator feed say.')
    p.add_argument('--team', metavar='TEAM.ics')
    p.add_argument('--operator', metavar='OPERATOR.ics')
    p.add_argument('--incident', required=True, metavar='ID')
    p.add_argument('--category', action='append', default=[], metavar='NAME')
    args = p.parse_args()
    if not args.team and not args.operator:
        p.error('give --team, --operator or both')

    problems = []
    if args.team:
        problems += check_team(args.team, args.incident, args.category)
    if args.operator:
        problems += check_operator(args.operator, args.incident, args.category)
    for problem in problems:
        print(problem)
    if not problems:
        print('; '.join(([f'{args.team}: nothing private'] if args.team else []) +
                        ([f'{args.operator}: says why'] if args.operator else [])))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
