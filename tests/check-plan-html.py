#!/usr/bin/python3
"""Check a page of `respitectl plan --format html` against the JSON of the
same plan (`respitectl plan --json`, same inputs and filters).

Usage: check-plan-html.py PAGE JSON [--operator ID] [--team NAME] [--rows-per-part N] [--translated]

The page must parse as XML (XHTML), and so must each inline <svg> on its
own. Each Gantt row is a shift: as many rows as the JSON's "shifts". Each
break of the JSON is one bar of its operator and kind, at
x = data-x + (start - data-start) * data-width / (data-end - data-start)
(within 0.01 px, clipped to the axis), and no bar is left over; its
<title> gives its local start time and its reason (with --translated, the
page is in another language than the JSON's reasons: a reason of its own
after the first line). With --operator, every
row is that operator's and there is no coverage chart; with --team, every
section is that team's; otherwise each section has a coverage chart with
the required, on-shift and on-the-phones curves. Prints a summary line;
exits 1 and says why on the first failure."""

import argparse
import datetime
import json
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def fail(message):
    print(f"check-plan-html: {message}", file=sys.stderr)
    sys.exit(1)


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def classes(element):
    return element.get("class", "").split()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("json")
    parser.add_argument("--operator")
    parser.add_argument("--team")
    parser.add_argument("--rows-per-part", type=int, default=30)
    parser.add_argument("--translated", action="store_true")
    args = parser.parse_args()

    with open(args.page, encoding="utf-8") as f:
        text = f.read()
    with open(args.json, encoding="utf-8") as f:
        plan = json.load(f)

    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        fail(f"the page is not well-formed XML: {e}")
    if root.tag != XHTML + "html":
        fail(f"the root is {root.tag}, not XHTML's html")
    if root.find(f".//{XHTML}script") is not None:
        fail("the page has a script")
    if re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", text):
        fail("the page fetches something")

    # Each inline SVG parses on its own.
    svgs = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    for i, s in enumerate(svgs):
        try:
            e = ET.fromstring(s)
        except ET.ParseError as err:
            fail(f"inline <svg> {i + 1} is not well-formed XML: {err}")
        if e.tag != SVG + "svg":
            fail(f"inline <svg> {i + 1} is not in the SVG namespace")
    if len(svgs) != text.count("<svg"):
        fail("an <svg> is not closed")

    bars = []
    rows = 0
    gantts = root.iter(SVG + "svg")
    for svg in gantts:
        if "gantt" not in classes(svg):
            continue
        start, end = instant(svg.get("data-start")), instant(svg.get("data-end"))
        x0, width = float(svg.get("data-x")), float(svg.get("data-width"))
        span = (end - start).total_seconds()
        shifts = [g for g in svg.iter(SVG + "g") if "shift" in classes(g)]
        if not 0 < len(shifts) <= args.rows_per_part:
            fail(f"a Gantt of {len(shifts)} rows")
        rows += len(shifts)
        for g in shifts:
            operator = g.get("data-operator")
            if args.operator and operator != args.operator:
                fail(f"a row of {operator!r} in {args.operator}'s own day")
            label = g.find(SVG + "text")
            if label is None or not (label.text == operator or label.text.endswith("\u2026")):
                fail(f"the row of {operator!r} is labelled {label.text if label is not None else None!r}")
            for rect in g.iter(SVG + "rect"):
                c = classes(rect)
                if c[:1] != ["break"]:
                    continue
                title = rect.find(SVG + "title")
                bars.append({"operator": operator, "kind": c[1], "x": float(rect.get("x")),
                             "width": float(rect.get("width")), "title": title.text if title is not None else "",
                             "axis": (start, end, x0, width, span)})

    if rows != plan["shifts"]:
        fail(f"{rows} rows for {plan['shifts']} shifts")

    for b in plan["breaks"]:
        s, e = instant(b["start"]), instant(b["end"])
        match = None
        for bar in bars:
            start, end, x0, width, span = bar["axis"]
            if bar["operator"] != b["operator"] or bar["kind"] != b["kind"] or e <= start or s >= end:
                continue
            clipped = min(max(s, start), end)
            x = x0 + (clipped - start).total_seconds() * width / span
            if abs(bar["x"] - x) <= 0.01:
                match = bar
                break
        if match is None:
            fail(f"no {b['kind']} bar of {b['operator']!r} at {b['start']}")
        bars.remove(match)
        local = s.astimezone(instant(b["start"]).tzinfo).strftime("%H:%M")
        first, _, reason = match["title"].partition("\n")
        said = bool(reason) == bool(b["reason"]) if args.translated else b["reason"] in reason
        if local not in first or not said:
            fail(f"the title of {b['operator']!r}'s bar at {b['start']} is {match['title']!r}")
    if bars:
        fail(f"{len(bars)} bars of no break, the first of {bars[0]['operator']!r} at x {bars[0]['x']}")

    sections = [s for s in root.iter(XHTML + "section") if "day" in classes(s)]
    coverage = [s for s in root.iter(SVG + "svg") if "coverage" in classes(s)]
    for s in sections:
        if args.team and s.get("data-team") != args.team:
            fail(f"a section of team {s.get('data-team')!r} in team {args.team!r}'s page")
    if args.operator:
        if coverage or "data-shortfall" in text:
            fail("an operator's own day shows the team's coverage")
    else:
        if len(coverage) != len(sections):
            fail(f"{len(coverage)} coverage charts for {len(sections)} sections")
        for svg in coverage:
            curves = {c for p in svg.iter(SVG + "path") for c in classes(p)}
            if not {"required", "on-shift", "on-phones"} <= curves:
                fail(f"a coverage chart with the curves {sorted(curves)}")
    print(f"{len(sections)} sections, {rows} rows, {len(plan['breaks'])} bars where their breaks are, "
          f"{len(svgs)} SVGs well-formed")


if __name__ == "__main__":
    main()
