#!/usr/bin/python3
"""check-plan.py PLAN.csv ROSTER.csv CALLS.csv

Checks a `respitectl plan --format csv` result against its inputs, for the
jp preset (Labour Standards Act art. 34(1)): every shift of more than 6 h has
at least 45 min of statutory break inside it (60 min above 8 h), and every
call of 60 min or more is followed by a recovery break of that operator.
Prints what fails; exits 0 or 1."""
import csv
import sys
from collections import defaultdict
from datetime import datetime, timedelta


def instant(s):
    return datetime.fromisoformat(s)


def main(plan_path, roster_path, calls_path):
    breaks = defaultdict(list)
    with open(plan_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            breaks[row["operator"]].append((row["kind"], instant(row["start"]), instant(row["end"])))

    problems = 0
    shifts = defaultdict(list)
    with open(roster_path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            shifts[row["operator"]].append((instant(row["start"]), instant(row["end"])))
    checked_shifts = 0
    for op, spans in shifts.items():
        for start, end in spans:
            length = end - start
            need = 60 if length > timedelta(hours=8) else 45 if length > timedelta(hours=6) else 0
            if not need:
                continue
            checked_shifts += 1
            got = sum(((e - s).total_seconds() / 60 for k, s, e in breaks[op]
                       if k == "statutory" and s >= start and e <= end), 0)
            inside_edges = all(s > start and e < end for k, s, e in breaks[op]
                               if k == "statutory" and s >= start and e <= end)
            if got < need or not inside_edges:
                print(f"{op} {start}–{end}: {got:.0f} min of statutory break, {need} needed")
                problems += 1

    checked_calls = 0
    with open(calls_path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            s, e = instant(row["start"]), instant(row["end"])
            if e - s < timedelta(minutes=60):
                continue
            checked_calls += 1
            if not any(k == "recovery" and e - timedelta(minutes=1) <= bs <= e + timedelta(minutes=61)
                       for k, bs, be in breaks[row["operator"]]):
                print(f"call {row['call_id']} of {row['operator']} ended {e} after "
                      f"{(e - s).total_seconds() / 60:.0f} min: no recovery break follows")
                problems += 1

    print(f"{checked_shifts} shifts over 6 h and {checked_calls} calls of 60 min or more checked, "
          f"{problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
