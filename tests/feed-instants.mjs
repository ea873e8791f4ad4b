// SPDX-License-Identifier: LGPL-2.1-or-later
// Print every VEVENT of an iCalendar file as read by Mozilla's ical.js (the
// parser of Thunderbird): UID, DTSTART and DTEND as Unix seconds (UTC),
// SEQUENCE, SUMMARY, TRANSP, CATEGORIES, COLOR and alarms, tab-separated,
// sorted by UID, as tests/feed-instants.py.
// usage: node tests/feed-instants.mjs FILE.ics
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const comp = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], 'utf8')));
const rows = comp.getAllSubcomponents('vevent').map((v) => {
  const e = new ICAL.Event(v);
  const cats = v.getAllProperties('categories').flatMap((p) => p.getValues());
  const alarms = v.getAllSubcomponents('valarm').map(
    (a) => `${a.getFirstPropertyValue('action')}${a.getFirstPropertyValue('trigger').toSeconds()}`);
  return [e.uid, e.startDate.toUnixTime(), e.endDate.toUnixTime(), e.sequence ?? 0, e.summary ?? '',
    v.getFirstPropertyValue('transp') ?? '', cats.join(','), v.getFirstPropertyValue('color') ?? '',
    alarms.join(' ')];
});
rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
for (const r of rows) console.log(r.join('\t'));
