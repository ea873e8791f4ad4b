#!/usr/bin/python3
"""The exact optimum of bench-optimum's instances, and respite's plans against it.

Usage: build/bench-optimum | bench/optimum.py [--time-limit SECONDS] [FILE]

Reads the JSON lines bench-optimum writes (bench/bench-optimum.c) and solves
each instance with CBC (Debian's python3-pulp and coinor-cbc):

    x[o,s] binary    operator o's statutory block starts at s (allowed
                     starts only, and none overlapping a fixed break of o)
    sum_s x[o,s] = 1 for each operator
    short[t] >= need[t] - on[t], short[t] >= 0, where on[t] is the number
                     of operators whose shift covers t, less those on a
                     fixed break or on their block at t
    minimise         sum_t short[t] in operator-minutes

t runs over the horizon's minutes, or 5-minute buckets (counted 5 times)
when every time of the instance is on the 5-minute grid, so that the
objective is metrics_compute()'s shortfall either way. Operators without
fixed breaks differ only in their window of starts (an interval of the
grid), so those of one block length are held as counts z[s] of blocks
starting at s, with Hall's condition (sum of z over [p, q] >= the operators
whose window lies in [p, q]), which is exact for interval windows and
leaves the solver no operators to permute; the counts are given back to
operators by Glover's rule (each start to the free operator whose window
ends first). respite's better plan in the model is CBC's start. Before solving,
respite's plans are checked against the model: their shortfall recomputed
here from their breaks must be metrics_compute()'s, and a plan that is in
the model (every fixed break kept, one block of the statutory length at an
allowed start) must have the model's objective equal to it; after, the
optimum's blocks, given to operators and recounted minute by minute, must
equal its objective. Prints Markdown. See bench/README.md.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

import pulp

RUNS = ("before", "after")


def minutes(a, b):
    """The whole minutes [a, b) touches, as metrics_compute() counts them."""
    return range(int(a // 1), int(-(-b // 1)))


def on_phones(inst, breaks):
    """Operators on the phones per minute: on shift, not on one of breaks
    (a list of [operator id, start, end])."""
    on = [0] * inst["horizon"]
    for op in inst["operators"]:
        for m in minutes(*op["shift"]):
            on[m] += 1
    for _, a, b in breaks:
        for m in minutes(a, b):
            on[m] -= 1
    return on


def shortfall(need, on):
    return sum(max(0, n - o) for n, o in zip(need, on))


def grain(inst):
    """5 when every time of the instance lies on the 5-minute grid (and the
    requirement is constant in each 5 minutes), else 1."""
    times = [t for op in inst["operators"] for t in op["shift"] + op["starts"] + [op["length"]]]
    times += [t for op in inst["operators"] for f in op["fixed"] for t in f]
    need = inst["need"]
    if inst["horizon"] % 5 or any(t % 5 for t in times):
        return 1
    if any(need[m] != need[m - m % 5] for m in range(len(need))):
        return 1
    return 5


class Model:
    """The instance as the MILP holds it, in buckets of g minutes."""

    def __init__(self, inst):
        self.inst = inst
        self.g = g = grain(inst)
        self.need = inst["need"][::g]
        fixed = [[op["id"], a, b] for op in inst["operators"] for a, b in op["fixed"]]
        self.base = on_phones(inst, fixed)[::g]
        # The buckets each allowed start's block covers.
        self.blocks = {}
        for op in inst["operators"]:
            length = op["length"]
            for s in op["starts"]:
                if any(s < b and a < s + length for a, b in op["fixed"]):
                    continue
                self.blocks[op["id"], s] = range(int(s) // g, int(s + length) // g)
        # Operators without fixed breaks whose allowed starts are a run of
        # the starts of all such operators with their block length: classes
        # (length → the starts, the operators); the others keep x[o,s].
        self.classes, self.single = {}, []
        for op in inst["operators"]:
            if op["length"] > 0:
                self.classes.setdefault(op["length"], (set(), []))[0].update(op["starts"])
        for op in inst["operators"]:
            if op["length"] == 0:
                continue
            grid = sorted(self.classes[op["length"]][0])
            i = grid.index(op["starts"][0])
            if op["fixed"] or grid[i:i + len(op["starts"])] != op["starts"]:
                self.single.append(op)
            else:
                self.classes[op["length"]][1].append(op)

    def value(self, starts):
        """The objective at starts (operator id → block start)."""
        on = list(self.base)
        for key in starts.items():
            for k in self.blocks[key]:
                on[k] -= 1
        return self.g * shortfall(self.need, on)

    def solve(self, warm, time_limit):
        """Solve with CBC from the start warm (may be None). Returns (proven,
        objective, seconds, the best starts found)."""
        prob = pulp.LpProblem("optimum", pulp.LpMinimize)
        short = [pulp.LpVariable("short_%d" % k, lowBound=0, cat="Integer") for k in range(len(self.need))]
        prob += pulp.lpSum(short)
        covering = [[] for _ in self.need]
        x, z = {}, {}
        for op in self.single:
            mine = [key for key in self.blocks if key[0] == op["id"]]
            for key in mine:
                x[key] = pulp.LpVariable("x_%s_%d" % key, cat="Binary")
                covering_add(covering, self.blocks[key], x[key])
            prob += pulp.lpSum(x[key] for key in mine) == 1
        for length, (grid, ops) in self.classes.items():
            if not ops:
                continue
            grid = sorted(grid)
            for s in grid:
                z[length, s] = pulp.LpVariable("z_%d_%d" % (length, s), lowBound=0, cat="Integer")
                covering_add(covering, range(int(s) // self.g, int(s + length) // self.g), z[length, s])
            prob += pulp.lpSum(z[length, s] for s in grid) == len(ops)
            # Hall: as many blocks start in [p, q] as operators must start
            # there (p a window's first start, q a window's last).
            firsts, lasts = {op["starts"][0] for op in ops}, {op["starts"][-1] for op in ops}
            for p in firsts:
                for q in lasts:
                    inside = sum(1 for op in ops if p <= op["starts"][0] and op["starts"][-1] <= q)
                    if inside > 0:
                        prob += pulp.lpSum(z[length, s] for s in grid if p <= s <= q) >= inside
        for k, n in enumerate(self.need):
            if n > 0:
                prob += short[k] >= n - self.base[k] + pulp.lpSum(covering[k])
        if warm:
            for (o, s), v in x.items():
                v.setInitialValue(1 if warm.get(o) == s else 0)
            for (length, s), v in z.items():
                v.setInitialValue(sum(1 for op in self.classes[length][1] if warm.get(op["id"]) == s))
        solver = pulp.COIN_CMD(msg=False, timeLimit=time_limit, threads=1, warmStart=bool(warm))
        t0 = time.monotonic()
        prob.solve(solver)
        seconds = time.monotonic() - t0
        if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            return False, None, seconds, None
        starts = {o: s for (o, s), v in x.items() if v.value() > 0.5}
        for length, (_, ops) in self.classes.items():
            starts.update(assign(ops, {s: round(v.value()) for (l, s), v in z.items() if l == length}))
        return prob.sol_status == pulp.LpSolutionOptimal, round(self.g * pulp.value(prob.objective)), seconds, starts


def covering_add(covering, buckets, v):
    for k in buckets:
        covering[k].append(v)


def assign(ops, count):
    """Operators to the block starts counted (start → how many): each start
    in turn to the operators free then whose windows end first (Glover's
    rule, which finds one whenever Hall's condition holds). Returns operator
    id → start; one left out shows in the minute-by-minute check."""
    starts, left = {}, list(ops)
    for s in sorted(count):
        for _ in range(count[s]):
            free = [op for op in left if op["starts"][0] <= s <= op["starts"][-1]]
            if free:
                op = min(free, key=lambda op: op["starts"][-1])
                starts[op["id"]] = s
                left.remove(op)
    return starts


def in_model(inst, model, breaks):
    """respite's breaks as a point of the model: operator id → block start,
    or a string saying why they are not one."""
    starts = {}
    for op in inst["operators"]:
        off = set()
        for o, a, b in breaks:
            if o == op["id"]:
                off.update(minutes(a, b))
        fixed = set()
        for a, b in op["fixed"]:
            fixed.update(minutes(a, b))
        if not fixed <= off:
            return "%s: a fixed break %s is not off the phones" % (op["id"], op["fixed"])
        rest = sorted(off - fixed)
        if op["length"] == 0 and not rest:
            continue
        s = rest[0] if rest else None
        if s is None or rest != list(range(s, s + int(op["length"]))) or (op["id"], s) not in model.blocks:
            got = [[a, b] for o, a, b in breaks if o == op["id"]]
            return "%s: breaks %s, fixed %s: not one block of %g min at an allowed start" % (
                op["id"], got, op["fixed"], op["length"])
        starts[op["id"]] = s
    return starts


def check(inst, model, run):
    """Check one of respite's plans; returns (errors, starts or the reason it is
    outside the model)."""
    breaks = [[o, a, b] for o, _, a, b in run["breaks"]]
    errors = []
    here = shortfall(inst["need"], on_phones(inst, breaks))
    if here != run["shortfall"]:
        errors.append("shortfall from the breaks %d, metrics_compute() %d" % (here, run["shortfall"]))
    if run["violations"]:
        errors.append("%d statutory violations" % run["violations"])
    starts = in_model(inst, model, breaks)
    if isinstance(starts, dict) and model.value(starts) != run["shortfall"]:
        errors.append("model objective at respite's plan %d, metrics_compute() %d"
                      % (model.value(starts), run["shortfall"]))
    return errors, starts


def fmt(v, digits=1):
    return "—" if v is None else ("%.*f" % (digits, v))


def machine():
    model = "?"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name"))
    except (OSError, StopIteration):
        pass
    cbc = subprocess.run(["cbc", "-quit"], capture_output=True, text=True).stdout
    version = next((line.split()[1] for line in cbc.splitlines() if line.startswith("Version")), "?")
    return "Machine: %s, nproc %d, Linux %s; PuLP %s, CBC %s (1 thread); %s." % (
        model, os.cpu_count(), os.uname().release, pulp.__version__, version,
        datetime.date.today().isoformat())


def summary_row(label, rows, run):
    proven = [r for r in rows if r["proven"]]
    matched = sum(1 for r in proven if r[run]["shortfall"] == r["optimum"])
    excess = [r[run]["shortfall"] - r["optimum"] for r in proven]
    ms = [r[run]["ms"] for r in rows]
    outside = sum(1 for r in rows if r["outside"][run])
    return "| %s | %d | %d | %d (%.0f %%) | %s | %s | %s | %.3f | %.3f |" % (
        label, len(rows), outside, matched, 100.0 * matched / len(rows),
        fmt(statistics.mean(r[run]["shortfall"] for r in rows)),
        fmt(statistics.mean(excess) if excess else None), max(excess) if excess else "—",
        statistics.mean(ms), max(ms))


def report(rows, steps):
    proven = [r for r in rows if r["proven"]]
    print("| plans | instances | outside the model | optimum matched | mean shortfall (operator-min) | mean excess "
          "(operator-min per team-day) | worst excess | mean planning time (ms) | max planning time (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(summary_row("respite, search_steps = %d (before)" % steps["before"], rows, "before"))
    print(summary_row("respite, search_steps = %d (after)" % steps["after"], rows, "after"))
    secs = [r["seconds"] * 1e3 for r in rows]
    print("| optimum (CBC; times: its solve) | %d | — | %d proven | %s | — | — | %.0f | %.0f |" % (
        len(rows), len(proven), fmt(statistics.mean(r["optimum"] for r in proven) if proven else None),
        statistics.mean(secs), max(secs)))
    print()
    print("| team size | instances | optimum mean shortfall | before: matched | before: mean excess | "
          "before: worst | after: matched | after: mean excess | after: worst | CBC mean (s) | CBC max (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sorted({r["size"] for r in rows}):
        these = [r for r in rows if r["size"] == size]
        ok = [r for r in these if r["proven"]]
        cells = []
        for run in RUNS:
            excess = [r[run]["shortfall"] - r["optimum"] for r in ok]
            cells += ["%d/%d" % (sum(1 for e in excess if e == 0), len(these)),
                      fmt(statistics.mean(excess) if excess else None), str(max(excess)) if excess else "—"]
        print("| %d | %d | %s | %s | %.1f | %.1f |" % (
            size, len(these), fmt(statistics.mean(r["optimum"] for r in ok) if ok else None), " | ".join(cells),
            statistics.mean(r["seconds"] for r in these), max(r["seconds"] for r in these)))
    print()
    print("Instances not proven optimal (left out of matched and excess): %s." % (
        ", ".join("%s (best found %s)" % (r["id"], r["optimum"]) for r in rows if not r["proven"]) or "none"))
    below = ["%s %s: respite %d < optimum %d" % (r["id"], run, r[run]["shortfall"], r["optimum"])
             for r in proven for run in RUNS if r[run]["shortfall"] < r["optimum"]]
    print("respite below the optimum (negative excess): %s." % ("; ".join(below) or "none"))
    outside = []
    for r in rows:
        if r["outside"]["before"] and r["outside"]["before"] == r["outside"]["after"]:
            outside.append("%s (before and after) %s" % (r["id"], r["outside"]["before"]))
        else:
            outside += ["%s (%s) %s" % (r["id"], run, r["outside"][run]) for run in RUNS if r["outside"][run]]
    print("respite's plans outside the model (counted above, against an optimum that cannot take them): %s." % (
        "; ".join(outside) or "none"))
    errors = ["%s: %s" % (r["id"], e) for r in rows for e in r["errors"]]
    print("Checks (shortfall recounted from respite's breaks = metrics_compute()'s; the model's objective at "
          "respite's plan = it; no statutory violation; the optimum's blocks given to operators and recounted "
          "minute by minute = its objective): %s." % (
              "; ".join(errors) or "all passed, %d plans and %d optima" % (2 * len(rows), len(rows))))
    print()
    print(machine())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time-limit", type=float, default=120, help="CBC's limit per instance, seconds")
    ap.add_argument("file", nargs="?", help="JSON lines (default: standard input)")
    args = ap.parse_args()

    rows, steps = [], {}
    with open(args.file) if args.file else sys.stdin as f:
        for line in f:
            inst = json.loads(line)
            model = Model(inst)
            row = {"id": inst["id"], "size": inst["size"], "errors": [], "outside": {}}
            warm = None
            for run in RUNS:
                r = inst["respite"][run]
                steps[run] = r["search_steps"]
                row[run] = r
                errors, starts = check(inst, model, r)
                row["errors"] += ["%s: %s" % (run, e) for e in errors]
                row["outside"][run] = None if isinstance(starts, dict) else starts
                if isinstance(starts, dict) and (warm is None or r["shortfall"] < warm[1]):
                    warm = (starts, r["shortfall"])
            row["proven"], row["optimum"], row["seconds"], best = model.solve(warm and warm[0], args.time_limit)
            # The solution, minute by minute, as metrics_compute() would count it.
            if best is None:
                row["errors"].append("CBC found no solution")
            else:
                blocks = [[o["id"], best[o["id"]], best[o["id"]] + o["length"]] for o in inst["operators"]
                          if o["id"] in best]
                fixed = [[o["id"], a, b] for o in inst["operators"] for a, b in o["fixed"]]
                here = shortfall(inst["need"], on_phones(inst, fixed + blocks))
                if len(blocks) != sum(1 for o in inst["operators"] if o["length"] > 0):
                    row["errors"].append("optimum: the blocks counted have no operators to take them")
                elif here != row["optimum"]:
                    row["errors"].append("optimum: objective %d, its solution minute by minute %d"
                                         % (row["optimum"], here))
            print("%s: optimum %s%s in %.1f s, respite %d / %d" % (
                inst["id"], row["optimum"], "" if row["proven"] else " (not proven)", row["seconds"],
                row["before"]["shortfall"], row["after"]["shortfall"]), file=sys.stderr)
            rows.append(row)
    if not rows:
        sys.exit("optimum.py: no instances")
    report(rows, steps)


if __name__ == "__main__":
    main()
