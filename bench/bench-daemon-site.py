#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench-daemon-site: write the synthetic site that bench/bench-daemon.sh runs
respited on, into DIR:

  roster.csv     one day of OPERATORS operators in teams of 15, the shift mix
                 and quarter-hour jitter of bench/bench-planner.c (same LCG,
                 same seed, so the same site): early 06:00 8h30, day 09:00
                 8h30 (twice as common), late 14:00 8h30, long 08:00 10h,
                 part-time 10:00 4h, evening 17:00 5h; times in the site zone
  respite.conf   Asia/Tokyo, the jp preset, fixed coverage, the roster, a
                 followed Asterisk queue_log (empty), feeds in DIR/feeds and
                 over HTTP on 127.0.0.1, a free port
  queue_log      empty; bench-daemon appends call records to it
  on-shift.txt   the operators on shift from 11:00 to 14:00, interleaved
                 across teams (first of each team, then second, ...)

Fixed coverage: respite.conf(5) has per-team bands and team "*"; a band per
team and half hour would be 200,000 bands at 100,000 operators, so the bands
are site-wide (team "*"), one per half hour, each 70 % of the mean number of
a team's operators rostered in that half hour (bench-planner asks 70 % of
each team's own count). Usage: bench-daemon-site.py OPERATORS DATE DIR
"""
import os
import sys

MIX = [(6 * 60, 510), (9 * 60, 510), (9 * 60, 510), (14 * 60, 510),
       (8 * 60, 600), (10 * 60, 240), (17 * 60, 300)]
TEAM = 15


def lcg(state):
    state[0] = (state[0] * 1664525 + 1013904223) & 0xFFFFFFFF
    return state[0] >> 8


def hhmm(minutes):
    return "%02d:%02d" % (minutes // 60, minutes % 60)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: bench-daemon-site.py OPERATORS DATE DIR")
    n, day, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(os.path.join(out, "feeds"), exist_ok=True)

    seed = [1]
    shifts = []                 # (operator, team, start minute, end minute)
    for i in range(n):
        k = lcg(seed) % len(MIX)
        start = MIX[k][0] + (lcg(seed) % 5) * 15
        shifts.append(("op%06d" % i, i // TEAM, start, start + MIX[k][1]))
    with open(os.path.join(out, "roster.csv"), "w") as f:
        f.write("operator,name,team,start,end\n")
        for op, team, start, end in shifts:
            f.write("%s,Operator %d,team%04d,%sT%s:00,%sT%s:00\n"
                    % (op, int(op[2:]), team, day, hhmm(start), day, hhmm(end)))

    teams = (n + TEAM - 1) // TEAM
    bands = []
    for h in range(48):
        lo, hi = h * 30, h * 30 + 30
        rostered = sum(1 for s in shifts if s[2] < hi and s[3] > lo)
        minimum = rostered * 7 // (10 * teams)
        if minimum > 0:
            bands.append('        { team = "*"; from = "%s"; to = "%s"; minimum = %d; }'
                         % (hhmm(lo), hhmm(hi % 1440), minimum))

    presets = os.path.join(out, "presets")
    if not os.path.exists(presets):
        os.symlink(os.path.join(top, "conf", "presets"), presets)
    open(os.path.join(out, "queue_log"), "w").close()
    with open(os.path.join(out, "respite.conf"), "w") as f:
        f.write('# bench-daemon: a synthetic site of %d operators (bench/bench-daemon-site.py).\n' % n)
        f.write('site = { timezone = "Asia/Tokyo"; };\n')
        f.write('@include "presets/jp.conf"\n')
        f.write('coverage = {\n    bands = (\n%s\n    );\n};\n' % ",\n".join(bands))
        f.write('sources = {\n    rosters = [ "roster.csv" ];\n    calls = [ "queue_log" ];\n};\n')
        f.write('feeds = { directory = "feeds"; listen = "127.0.0.1:0"; };\n')

    # Operators on shift 11:00-14:00, the first of every team, then the
    # second, and so on: incidents spread across the teams.
    by_team = {}
    for op, team, start, end in shifts:
        if start <= 11 * 60 and end >= 14 * 60:
            by_team.setdefault(team, []).append(op)
    with open(os.path.join(out, "on-shift.txt"), "w") as f:
        for rank in range(TEAM):
            for team in sorted(by_team):
                if rank < len(by_team[team]):
                    f.write(by_team[team][rank] + "\n")


if __name__ == "__main__":
    main()
