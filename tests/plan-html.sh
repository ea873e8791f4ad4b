#!/usr/bin/env bash
# `respitectl plan --format html`: the page of a fixture day
# (tests/fixtures/roster-plan-html.csv and incidents-plan-html.csv: two
# teams in Asia/Tokyo, a split shift, an operator with two shifts, a night
# shift, an operator id and a team name that need escaping) is well-formed
# (xmllint as XML and as HTML, each inline <svg> parsed alone) and has a
# row per shift and a bar per break where `plan --json` says it is
# (tests/check-plan-html.py); a lead's view and an operator's own day;
# the errors of --format html elsewhere. The page in Japanese
# (LANGUAGE=ja, the build's catalogues): lang="ja", Japanese headings,
# days, legend and reasons, no English sentence left, as well-formed and
# with the same rows and bars; and lang="en" in English. Then the bank's
# example day of conf/examples (also in Japanese) and a team of 100
# rendered in headless Chromium (skipped without chromium) to a PNG of the
# window's size with nothing on the console (the first saved as
# BUILDDIR/plan-html.png, the Japanese as BUILDDIR/plan-html-ja.png), and a
# bank month from ../shared/data (skipped when absent).
# Usage: tests/plan-html.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
fx="$top/tests/fixtures"
data="$top/../shared/data/anonbank-1999"
python=/usr/bin/python3

# libconfig reads @include relative to the file: the preset beside it.
cp "$top/conf/presets/jp.conf" "$tmp/jp.conf"
cat >"$tmp/policy.conf" <<'EOF'
site = { timezone = "Asia/Tokyo"; };
@include "jp.conf"
categories = (
        { name = "verbal_abuse"; label = "a <rude> & \"loud\" call"; recovery = "10min"; },
        { name = "threat"; label = "a threatening call"; recovery = "20min"; },
        { name = "prolonged_call"; label = "a very long call"; points = 2; },
        { name = "repeat_caller"; label = "a caller who kept calling back"; points = 4; }
);
coverage = { bands = ( { team = "north"; from = "08:00"; to = "18:00"; minimum = 3; },
                       { team = "*"; from = "12:00"; to = "20:00"; minimum = 2; } ); };
EOF
day=(plan --config "$tmp/policy.conf" --roster "$fx/roster-plan-html.csv" --incidents "$fx/incidents-plan-html.csv")

# well_formed WHAT PAGE: xmllint reads PAGE as XML, and libxml2's HTML
# parser finds nothing wrong but the HTML5 and SVG elements it does not
# know (it reads HTML 4).
well_formed() {
        if ! command -v xmllint >/dev/null; then
                skip "$1 (no xmllint: apt-get install libxml2-utils)"
        elif ! xmllint --noout "$2" 2>"$tmp/xmllint.err"; then
                fail "$1: $(head -3 "$tmp/xmllint.err")"
        elif ! xmllint --html --noout "$2" 2>"$tmp/xmllint-html.err" ||
             grep 'error' "$tmp/xmllint-html.err" | grep -vE 'HTML parser error : Tag [A-Za-z]+ invalid$'; then
                fail "$1 (xmllint --html)"
        else
                ok "$1"
        fi
}

# plan_check WHAT NAME ARGS…: tests/check-plan-html.py on $tmp/NAME.html
# and $tmp/NAME.json with ARGS; its summary, or why it failed, in the line.
plan_check() {
        local what=$1 name=$2 out
        shift 2
        if out=$($python "$top/tests/check-plan-html.py" "$tmp/$name.html" "$tmp/$name.json" "$@" 2>&1); then
                ok "$what ($out)"
        else
                fail "$what: $out"
        fi
}

# page NAME ARGS…: `respitectl ARGS… --format html` into $tmp/NAME.html and
# `ARGS… --json` into $tmp/NAME.json.
page() {
        local name=$1
        shift
        "$bin/respitectl" "$@" --format html >"$tmp/$name.html" 2>"$tmp/$name.err" &&
                "$bin/respitectl" "$@" --json >"$tmp/$name.json" 2>>"$tmp/$name.err"
}

# A lead's view of the day.
check "fixture day: respitectl plan --format html" page lead "${day[@]}"
well_formed "... well-formed: xmllint as XML and as HTML" "$tmp/lead.html"
plan_check "... a row per shift, a bar per break at its instant, each <svg> parsed alone" lead
check "... every text escaped: the operator id and the team name never raw" \
        bash -c '! grep -qF -e "o<p>&\"'"'"'5" -e "south & <east>" "$1"' _ "$tmp/lead.html"
check "... the lead sees why: a category in a reason" grep -qF 'after a threatening call (threat)' "$tmp/lead.html"
check "... and is told it is a lead's view" grep -qF "A team lead's view:" "$tmp/lead.html"
check "... a section per team, the night shift in its start's day" \
        test "$(grep -o '<section class="day" data-team="[^"]*" data-day="[^"]*"' "$tmp/lead.html" | tr '\n' ' ')" = \
        '<section class="day" data-team="north" data-day="2026-04-01" <section class="day" data-team="south &amp; &lt;east&gt;" data-day="2026-04-01" '
check "... the axis in the site's zone" grep -qF 'data-start="2026-04-01T07:00:00+09:00" data-end="2026-04-01T19:00:00+09:00"' \
        "$tmp/lead.html"

check "--team north" page team "${day[@]}" --team north
plan_check "... that team alone" team --team north

# op01's own day: their reasons, nobody else's, no team coverage.
check "--operator op01" page op01 "${day[@]}" --operator op01
plan_check "... their row and bars alone, no coverage" op01 --operator op01
check "... their own reasons, in titles and a table" \
        test "$(grep -cF 'after a threatening call (threat)' "$tmp/op01.html")" -ge 1 -a \
        "$(grep -oF '<td>after a threatening call (threat)</td>' "$tmp/op01.html" | wc -l)" -eq 1
check "... nothing of a colleague's break" bash -c '! grep -qe "rude" -e "o&lt;p" -e "op02" "$1"' _ "$tmp/op01.html"

# Generated at SOURCE_DATE_EPOCH: the same page twice.
SOURCE_DATE_EPOCH=1775000000 "$bin/respitectl" "${day[@]}" --format html >"$tmp/a.html" 2>/dev/null
SOURCE_DATE_EPOCH=1775000000 "$bin/respitectl" "${day[@]}" --format html >"$tmp/b.html" 2>/dev/null
check "SOURCE_DATE_EPOCH: the generated line, and the same bytes twice" \
        bash -c 'grep -qF "Generated 2026-04-01 08:33 Asia/Tokyo." "$1" && cmp -s "$1" "$2"' _ "$tmp/a.html" "$tmp/b.html"

# The page in Japanese: the words a person reads, the language it says it is in.
ja() { env LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$bin/respitectl" "$@"; }
check "the English page says lang=\"en\"" grep -qF '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">' "$tmp/lead.html"
SOURCE_DATE_EPOCH=1775000000 ja "${day[@]}" --format html >"$tmp/lead-ja.html" 2>"$tmp/lead-ja.err" &&
        ja "${day[@]}" --json >"$tmp/lead-ja.json" 2>>"$tmp/lead-ja.err"
check "LANGUAGE=ja: respitectl plan --format html" test $? -eq 0
check "... lang=\"ja\"" grep -qF '<html xmlns="http://www.w3.org/1999/xhtml" lang="ja">' "$tmp/lead-ja.html"
check "... the heading in Japanese" grep -qxF '<h1>全チームの休憩計画（2026-04-01）</h1>' "$tmp/lead-ja.html"
check "... a team's day as 2026-04-01（水）" grep -qxF '<h2>チームnorth · 2026-04-01（水）</h2>' "$tmp/lead-ja.html"
check "... the legend, the shortfall and a lead's note in the glossary's words" \
        bash -c 'grep -qF "</svg>要員不足</li>" "$1" && grep -qF "要員不足: 電話対応に必要な" "$1" &&
                 grep -qF "<p class=\"view\">SV向けの表示です。" "$1"' _ "$tmp/lead-ja.html"
check "... a break's title: kind, times and length in Japanese, the reason through reason-words" \
        grep -qF '<title>op01: 回復休憩 10:20〜10:40（20分）'$'\n''脅迫的な電話の後</title>' "$tmp/lead-ja.html"
check "... no English sentence of the page left" \
        bash -c '! grep -E "Break plan|Times in|team lead|Team |shifts?;|statutory break|on the phones|shortfall shaded|No shifts" "$1"' \
        _ "$tmp/lead-ja.html"
well_formed "... well-formed: xmllint as XML and as HTML" "$tmp/lead-ja.html"
plan_check "... a row per shift, a bar per break at its instant, each <svg> parsed alone" lead-ja --translated
ja "${day[@]}" --operator op01 --format html >"$tmp/op01-ja.html" 2>/dev/null
check "... an operator's own day: its table's headers and kinds in Japanese" \
        grep -qF '<th>開始</th><th>終了</th><th>長さ</th><th>休憩</th><th>理由</th>' "$tmp/op01-ja.html"
check "... with lang=\"en\" when the language has no catalogue (LANGUAGE=fr)" \
        bash -c 'LANGUAGE=fr "$@" | grep -qF "lang=\"en\">"' _ env LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" \
        "$bin/respitectl" "${day[@]}" --format html

# usage_error WHAT ARGS…: exit 2 and a message naming html.
usage_error() {
        local r
        "$bin/respitectl" "$@" >/dev/null 2>"$tmp/usage.err"
        r=$?
        [ "$r" -eq 2 ] && grep -q html "$tmp/usage.err" || { echo "exit $r: $(cat "$tmp/usage.err")"; return 1; }
}
check "--format htm: exit 2, html among the formats" usage_error "${day[@]}" --format htm
check "--metrics --format html: exit 2" usage_error "${day[@]}" --metrics --format html
check "import-check --format html: exit 2" usage_error import-check "$fx/roster-plan-html.csv" --format html
check "respitectl --help names html" bash -c '"$1" --help | grep -qF "table|csv|ics|json|html"' _ "$bin/respitectl"

# render PAGE PNG WIDTH HEIGHT: headless Chromium's screenshot of PAGE, its
# log in PNG.log.
render() {
        timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
                --user-data-dir="$tmp/chromium" --enable-logging=stderr --v=0 \
                --screenshot="$2" --window-size="$3,$4" "file://$1" >"$2.log" 2>&1
}
# rendered PAGE PNG: a PNG of 1400 × 2000 px, and no console message
# (the page has no script: any would be an error).
rendered() {
        render "$1" "$2" 1400 2000 || { tail -3 "$2.log"; return 1; }
        [ "$(identify -format '%m %wx%h' "$2" 2>/dev/null)" = "PNG 1400x2000" ] || return 1
        ! grep 'CONSOLE' "$2.log"
}

# The bank's example day, as `make run` replays it.
bank=(plan --config "$top/conf/demo.conf" --roster "$top/conf/examples/anonbank-1999-01-04-roster.csv"
      --calls "$top/conf/examples/anonbank-1999-01-04-calls.csv")
check "the bank's example day: --format html" page bank "${bank[@]}"
well_formed "... well-formed" "$tmp/bank.html"
plan_check "... a row per shift, a bar per break" bank
ja "${bank[@]}" --format html >"$tmp/bank-ja.html" 2>/dev/null
check "... in Japanese: lang=\"ja\" and the heading" \
        bash -c 'grep -qF "lang=\"ja\">" "$1" && grep -qxF "<h2>チームretail · 1999-01-04（月）</h2>" "$1"' _ "$tmp/bank-ja.html"
well_formed "... well-formed in Japanese" "$tmp/bank-ja.html"

# A team of 100 on one day, shifts from 06:00 to 18:00: four Gantts.
$python - "$tmp/roster-100.csv" <<'EOF'
import random, sys
random.seed(100)
with open(sys.argv[1], "w") as f:
    f.write("operator,name,team,start,end\n")
    for i in range(100):
        start = 6 * 60 + random.randrange(48) * 15
        end = start + random.choice([6, 7, 8, 9]) * 60
        at = lambda m: f"2026-04-{1 + m // 1440:02d}T{m % 1440 // 60:02d}:{m % 60:02d}:00+09:00"
        f.write(f"agent{i:03d},Agent {i},sales,{at(start)},{at(end)}\n")
EOF
check "100 operators: --format html" page hundred plan --config "$tmp/policy.conf" --roster "$tmp/roster-100.csv"
well_formed "... well-formed" "$tmp/hundred.html"
plan_check "... a row per shift, a bar per break" hundred
check "... 100 rows in four Gantts of at most 30 (one per printed page)" test "$(grep -c '<div class="part">' "$tmp/hundred.html")" -eq 4

if ! command -v chromium >/dev/null; then
        skip "headless Chromium renders the pages (no chromium: apt-get install chromium)"
else
        # The console check sees a message when there is one.
        printf '<!DOCTYPE html>\n<html><body><script>console.error("plan-html test")</script></body></html>\n' \
                >"$tmp/console.html"
        render "$tmp/console.html" "$tmp/console.png" 400 300
        check "Chromium's log shows a page's console message (the check below can fail)" \
                grep -q 'CONSOLE.*plan-html test' "$tmp/console.png.log"
        check "the bank's day in headless Chromium: a 1400 × 2000 PNG, nothing on the console" \
                rendered "$tmp/bank.html" "$bin/plan-html.png"
        check "... and in Japanese" rendered "$tmp/bank-ja.html" "$bin/plan-html-ja.png"
        check "100 operators in headless Chromium: a 1400 × 2000 PNG, nothing on the console" \
                rendered "$tmp/hundred.html" "$tmp/hundred.png"
fi

if [ ! -d "$data" ]; then
        skip "a bank month as a page (../shared/data absent)"
else
        check "the bank's January: --format html" page month plan --config "$top/conf/demo.conf" \
                --roster "$data/roster-1999-01.csv" --calls "$data/calls-1999-01.csv"
        well_formed "... well-formed" "$tmp/month.html"
        plan_check "... a section per team and day, a row per shift, a bar per break" month
fi

finish
