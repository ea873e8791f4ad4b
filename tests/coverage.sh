#!/usr/bin/env bash
# `respitectl coverage`, the intraday chart, offline: the bank's example day
# (conf/examples) piped at 80 and 120 columns (no escapes, no line wider,
# the rows of the day, the shortfall flagged on the rows that add up to the
# header's), with two teams, --team, in colour on a terminal (script(1)) and
# not under NO_COLOR; a site in Asia/Tokyo with a roster in UTC; the days
# America/New_York puts its clocks back (25 hours) and forward (23); and
# what it refuses. Then plan, its metrics, import-check and the chart in
# Japanese (LANGUAGE=ja), aligned and fitted by display width, the page of
# --format html in Japanese, and English under LANG=C.
# Usage: tests/coverage.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
ex="$top/conf/examples"
export LC_ALL=C.UTF-8
unset NO_COLOR

coverage() { "$bin/respitectl" coverage "$@"; }
# The widest line of stdin, in columns.
widest() { wc -L; }
# The chart's rows (HH:MM, then a bar) of stdin.
rows() { grep -E '^[0-9]{2}:[0-9]{2} '; }
# The sum of the rows' flags (▲N) on stdin.
flagged() { grep -oE '▲[0-9]+$' | tr -d '▲' | awk '{ s += $1 } END { print s + 0 }'; }

# The bank's day, piped: plain, 80 columns.
out=$(COLUMNS=80 coverage --config "$top/conf/demo.conf" 2>"$tmp/err"); rc=$?
check "bank day: exit 0" test $rc -eq 0
check "bank day: no escape when piped" test "$(grep -c $'\033' <<<"$out")" -eq 0
check "bank day: no line over 80 columns ($(widest <<<"$out"))" test "$(widest <<<"$out")" -le 80
check "bank day: the team's header in the site's zone" \
        grep -qx 'retail · Monday 1999-01-04 · Asia/Jerusalem (UTC+02:00)' <<<"$out"
check "bank day: 07:00 to midnight in 30-minute rows" grep -q '^07:00–24:00 · 30-min rows · ' <<<"$out"
check "bank day: 34 rows, 07:00 first, 23:30 last" \
        test "$(rows <<<"$out" | wc -l) $(rows <<<"$out" | head -n1 | cut -c1-5) $(rows <<<"$out" | tail -n1 | cut -c1-5)" = "34 07:00 23:30"
total=$(sed -n 's/.* · \([0-9]*\) operator-minutes short in \([0-9]*\) rows$/\1/p' <<<"$out")
check "bank day: the flagged rows add up to the header's shortfall ($total)" \
        test -n "$total" -a "$(flagged <<<"$out")" = "$total"
check "bank day: the legend" grep -q '^█ on the phones  ░ on a break  │ needed  ▲ operator-minutes short$' <<<"$out"
if [ "$(rows <<<"$out" | grep -c '▲')" -gt 0 ] && [ "$(rows <<<"$out" | grep -vc '▲')" -gt 0 ]; then
        ok "bank day: some rows short, some not"
else
        fail "bank day: some rows short, some not"
fi
[ -n "${VERBOSE:-}" ] && printf '%s\n' "$out"

# 120 columns: the day is over 12 hours, still 30-minute rows; a morning
# in 15-minute rows.
out=$(COLUMNS=120 coverage --config "$top/conf/demo.conf" 2>/dev/null)
check "120 columns: no line wider, 30-minute rows for the whole day" \
        test "$(widest <<<"$out")" -le 120 -a "$(rows <<<"$out" | wc -l)" -eq 34
out=$(COLUMNS=120 coverage --config "$top/conf/demo.conf" --from 1999-01-04T07:00 --to 1999-01-04T12:00 2>/dev/null)
check "120 columns, 07:00–12:00: 20 rows of 15 minutes" \
        test "$(rows <<<"$out" | wc -l) $(rows <<<"$out" | sed -n 2p | cut -c1-5)" = "20 07:15"
out=$(COLUMNS=24 coverage --config "$top/conf/demo.conf" 2>/dev/null); rc=$?
check "24 columns: the numbers give way, nothing wider" test $rc -eq 0 -a "$(widest <<<"$out")" -le 24
COLUMNS=20 coverage --config "$top/conf/demo.conf" >/dev/null 2>&1
check "20 columns: too narrow, exit 2" test $? -eq 2

# Two teams: op01–op09 in premier.
sed 's/^\(op0[0-9],[^,]*\),retail,/\1,premier,/' "$ex/anonbank-1999-01-04-roster.csv" >"$tmp/roster2.csv"
out=$(COLUMNS=80 coverage --config "$top/conf/demo.conf" --roster "$tmp/roster2.csv" 2>/dev/null)
check "two teams: premier then retail" \
        test "$(grep -E '^(premier|retail) · ' <<<"$out" | cut -d' ' -f1 | tr '\n' ' ')" = "premier retail "
out=$(COLUMNS=80 coverage --config "$top/conf/demo.conf" --roster "$tmp/roster2.csv" --team premier 2>/dev/null)
check "--team premier: premier alone" \
        test "$(grep -cE '^premier · ' <<<"$out") $(grep -cE '^retail' <<<"$out")" = "1 0"
out=$(coverage --config "$top/conf/demo.conf" --team nope 2>&1); rc=$?
check "--team nope: exit 5, named" test $rc -eq 5 -a "$(grep -c "No team 'nope'" <<<"$out")" -eq 1
out=$(COLUMNS=80 coverage --config "$top/conf/demo.conf" --date 1999-01-05 2>/dev/null)
check "--date without shifts: said so" grep -qx 'retail: no shifts on Tuesday 1999-01-05 (Asia/Jerusalem).' <<<"$out"
out=$(COLUMNS=80 coverage --config "$top/conf/demo.conf" --date 1999-01-04 2>/dev/null)
check "--date 1999-01-04: the day's 34 rows" test "$(rows <<<"$out" | wc -l)" -eq 34

# Refused: --date with --from, --json, --operator, a bad date.
for args in "--date 1999-01-04 --from 1999-01-04T08:00" "--json" "--operator op16" "--date 1999-13-01" \
            "--format csv"; do
        # shellcheck disable=SC2086 # words on purpose
        coverage --config "$top/conf/demo.conf" $args >/dev/null 2>&1
        check "refused with exit 2: $args" test $? -eq 2
done

# --format html: the page of plan --format html, for the same teams and day.
coverage --config "$top/conf/demo.conf" --team retail --date 1999-01-04 --format html >"$tmp/coverage.html"
check "--format html: a page" test $? -eq 0
check "... of team retail's day" grep -q "Team retail · Monday 1999-01-04" "$tmp/coverage.html"
if command -v xmllint >/dev/null; then
        check "... well-formed" xmllint --noout "$tmp/coverage.html"
else
        skip "xmllint (not installed)"
fi

# Colour on a terminal (a pty of 80 columns), and not under NO_COLOR: the
# same text.
if command -v script >/dev/null; then
        cmd="stty cols 80; $bin/respitectl coverage --config $top/conf/demo.conf"
        color=$(TERM=xterm script -qec "$cmd" /dev/null | tr -d '\r')
        plain=$(COLUMNS=80 coverage --config "$top/conf/demo.conf" 2>/dev/null)
        check "terminal: colour" test "$(grep -c $'\033\\[' <<<"$color")" -gt 30
        check "terminal: short rows' flags in bold red" grep -q $'\033\\[1;31m▲[0-9]' <<<"$color"
        check "terminal: without the escapes, the piped text" \
                test "$(sed 's/\x1b\[[0-9;]*m//g' <<<"$color")" = "$plain"
        check "terminal: no line over its 80 columns" \
                test "$(sed 's/\x1b\[[0-9;]*m//g' <<<"$color" | widest)" -le 80
        nocolor=$(TERM=xterm NO_COLOR=1 script -qec "$cmd" /dev/null | tr -d '\r')
        check "terminal, NO_COLOR: no escape" test "$(grep -c $'\033' <<<"$nocolor")" -eq 0
        cmd="stty cols 100; $bin/respitectl coverage --config $top/conf/demo.conf --from 1999-01-04T07:00 --to 1999-01-04T12:00"
        out=$(COLUMNS=60 NO_COLOR=1 script -qec "$cmd" /dev/null | tr -d '\r')
        check "terminal of 100 columns: its width, not \$COLUMNS (15-minute rows)" \
                test "$(rows <<<"$out" | wc -l)" -eq 20 -a "$(widest <<<"$out")" -le 100
else
        skip "colour on a terminal (no script(1))"
fi

# A site in Tokyo, the roster in UTC: the chart in Tokyo's time.
cat >"$tmp/tokyo.conf" <<'EOF'
site = { timezone = "Asia/Tokyo"; };
coverage = { bands = ( { team = "*"; from = "09:00"; to = "18:00"; minimum = 2; } ); };
EOF
cat >"$tmp/tokyo.csv" <<'EOF'
operator,team,start,end
t1,support,2024-04-01T00:00:00Z,2024-04-01T09:00:00Z
t2,support,2024-04-01T00:00:00Z,2024-04-01T04:00:00Z
EOF
out=$(COLUMNS=80 coverage --config "$tmp/tokyo.conf" --roster "$tmp/tokyo.csv" 2>/dev/null)
check "Tokyo: header in Asia/Tokyo" grep -qx 'support · Monday 2024-04-01 · Asia/Tokyo (UTC+09:00)' <<<"$out"
check "Tokyo: 09:00 to 18:00 local, 18 rows" \
        test "$(rows <<<"$out" | wc -l) $(rows <<<"$out" | head -n1 | cut -c1-5) $(rows <<<"$out" | tail -n1 | cut -c1-5)" = "18 09:00 17:30"
check "Tokyo: short from 13:00, when t2 has gone (10 rows of 30 operator-minutes)" \
        test "$(rows <<<"$out" | grep -c '▲30$') $(rows <<<"$out" | grep '▲' | head -n1 | cut -c1-5)" = "10 13:00"

# New York: the night the clocks go back (a 25-hour day) and forward (23).
cat >"$tmp/ny.conf" <<'EOF'
site = { timezone = "America/New_York"; };
coverage = { bands = ( { team = "*"; from = "00:00"; to = "06:00"; minimum = 2; } ); };
EOF
cat >"$tmp/ny.csv" <<'EOF'
operator,team,start,end
n1,nights,2024-11-02T22:00:00-04:00,2024-11-03T06:00:00-05:00
n2,nights,2024-11-02T23:00:00-04:00,2024-11-03T03:00:00-05:00
n3,nights,2024-03-09T22:00:00-05:00,2024-03-10T06:00:00-04:00
n4,nights,2024-03-10T00:00:00-05:00,2024-03-10T05:00:00-04:00
EOF
out=$(COLUMNS=80 coverage --config "$tmp/ny.conf" --roster "$tmp/ny.csv" --date 2024-11-03 2>/dev/null)
check "New York, clocks back: 7 hours to 06:00, 14 rows, 01:00 and 01:30 twice" \
        test "$(rows <<<"$out" | wc -l) $(rows <<<"$out" | cut -c1-5 | grep -c '^01:[03]0$')" = "14 4"
check "New York, clocks back: said where" grep -q '┈┈ clocks go back: UTC-05:00 from here' <<<"$out"
check "New York, clocks back: both offsets in the header" \
        grep -qx 'nights · Sunday 2024-11-03 · America/New_York (UTC-04:00, then UTC-05:00)' <<<"$out"
out=$(COLUMNS=80 coverage --config "$tmp/ny.conf" --roster "$tmp/ny.csv" --date 2024-03-10 2>/dev/null)
check "New York, clocks forward: 5 hours to 06:00, 10 rows, no 02:xx" \
        test "$(rows <<<"$out" | wc -l) $(rows <<<"$out" | grep -c '^02:')" = "10 0"
check "New York, clocks forward: said where" grep -q '┈┈ clocks go forward: UTC-04:00 from here' <<<"$out"
out=$(COLUMNS=80 coverage --config "$tmp/ny.conf" --roster "$tmp/ny.csv" --from 2024-11-02T12:00 --to 2024-11-04T00:00 2>/dev/null)
check "New York, --from/--to over two days: a chart each" \
        test "$(grep -cE '^nights · (Saturday 2024-11-02|Sunday 2024-11-03) ' <<<"$out")" -eq 2

# In Japanese (LANGUAGE=ja, the build's catalogues): plan's summary, headers
# and kinds, its metrics and import-check's lines; the table aligned by the
# columns a terminal shows (a Japanese character takes two); CSV and JSON
# as they are; and English, unchanged, under LANG=C.
ja() { env LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$bin/respitectl" "$@"; }
en() { env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C RESPITE_LOCALEDIR="$bin/locale" "$bin/respitectl" "$@"; }
# Whether every row of the table on stdin starts its columns at its header's
# display columns (the last, free text, may hold spaces).
aligned() {
        /usr/bin/python3 -c '
import re, sys, unicodedata
width = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l for l in sys.stdin.read().splitlines() if l]
starts = lambda l, n: [width(l[:m.start()]) for m in re.finditer(r"\S+", l)][:n]
head = starts(lines[0], 99)
bad = [l for l in lines[1:] if starts(l, len(head)) != head]
if bad:
    print("\n".join(bad[:5]))
sys.exit(1 if bad or len(lines) < 2 else 0)'
}
out=$(ja plan --config "$top/conf/demo.conf" --operator op16 2>&1)
check "plan under LANGUAGE=ja: the summary in Japanese" \
        grep -qx 'シフト1件: 法定休憩1件、回復休憩0件、予定休憩0件。法定休憩の違反0件。' <<<"$out"
check "... the headers and the kind (区分: 法定休憩)" \
        bash -c 'grep -Eq "^オペレーター +区分 +開始 +終了 +理由$" <<<"$1" && grep -Eq "^op16 +法定休憩 +1999-01-04T08:45" <<<"$1"' _ "$out"
check "... columns aligned by display width" aligned < <(grep -v '^シフト' <<<"$out")
out=$(ja plan --config "$top/conf/demo.conf" 2>/dev/null)
check "... with recovery breaks too (回復休憩)" grep -Eq '^op[0-9]+ +回復休憩 ' <<<"$out"
check "... every row aligned" aligned <<<"$out"
out=$(ja plan --config "$top/conf/demo.conf" --operator op16 --format csv 2>/dev/null)
check "... while CSV keeps its keys and kinds" \
        bash -c 'grep -qx "operator,kind,start,end,reason" <<<"$1" && grep -q "^op16,statutory," <<<"$1"' _ "$out"
out=$(ja plan --config "$top/conf/demo.conf" --operator op16 --json 2>/dev/null)
check "... and JSON too" grep -q '"kind": *"statutory"' <<<"$out"
ja coverage --config "$top/conf/demo.conf" --team retail --date 1999-01-04 --format html >"$tmp/coverage-ja.html" 2>/dev/null
check "coverage --format html under LANGUAGE=ja: lang=\"ja\", the day as 1999-01-04（月）" \
        bash -c 'grep -qF "lang=\"ja\">" "$1" && grep -qxF "<h2>チームretail · 1999-01-04（月）</h2>" "$1"' _ "$tmp/coverage-ja.html"
out=$(ja plan --config "$top/conf/demo.conf" --metrics 2>&1)
check "plan --metrics under LANGUAGE=ja" \
        bash -c 'grep -qx "法定休憩の違反: 0件" <<<"$1" && grep -q "^要員不足: 延べ[0-9]*分" <<<"$1"' _ "$out"
out=$(ja import-check --config "$top/conf/demo.conf" "$ex/anonbank-1999-01-04-calls.csv" 2>&1 | head -n 3)
check "import-check under LANGUAGE=ja: its summary and why the kind" \
        bash -c 'grep -q "calls.csv: 通話[0-9]*件、スキップ0件$" <<<"$1" &&
                 grep -q "calls.csv: 通話記録ファイル（ポリシーのsources.callsに記載）$" <<<"$1"' _ "$out"
out=$(ja import-check --config "$top/conf/demo.conf" "$ex/anonbank-1999-01-04-roster.csv" 2>&1 | sed -n '3,$p')
check "... its rows' kinds (シフト), the columns at the English ones' display columns (2, 11, 28, 54)" \
        bash -c 'grep -q "^  シフト   op01 " <<<"$1" && /usr/bin/python3 -c "
import re, sys, unicodedata
width = lambda s: sum(2 if unicodedata.east_asian_width(c) in \"WF\" else 1 for c in s)
lines = sys.stdin.read().splitlines()
bad = [l for l in lines if [width(l[:m.start()]) for m in re.finditer(r\"\\S+\", l)][:4] != [2, 11, 28, 54]]
print(\"\\n\".join(bad[:3]))
sys.exit(1 if bad or len(lines) != 19 else 0)" <<<"$1"' _ "$out"
out=$(ja import-check --config "$top/conf/demo.conf" --format csv "$ex/anonbank-1999-01-04-calls.csv" 2>&1 | head -n 2)
check "... while its CSV stays English" \
        grep -q ",kind,,,,a call-record file (the policy's sources.calls lists it)$" <<<"$out"
out=$(en plan --config "$top/conf/demo.conf" --operator op16 2>&1)
check "plan under LANG=C: English, one shift said so" \
        bash -c 'grep -qx "1 shift; 1 statutory, 0 recovery and 0 planned breaks; 0 statutory violations." <<<"$1" &&
                 grep -Eq "^OPERATOR +KIND +START +END +REASON$" <<<"$1" && grep -Eq "^op16 +statutory +1999" <<<"$1"' _ "$out"
out=$(en plan --config "$top/conf/demo.conf" 2>&1 >/dev/null)
check "... and many" grep -Eq '^19 shifts; [0-9]+ statutory, [0-9]+ recovery and 0 planned breaks; 0 statutory violations\.$' <<<"$out"

# The chart in Japanese: its words, every line within the width by display
# width, the headers ending over their numbers; and English under LANG=C.
# The display columns of each line of stdin, one a line.
dwidths() {
        /usr/bin/python3 -c '
import sys, unicodedata
for l in sys.stdin.read().splitlines():
    print(sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l))'
}
for cols in 24 80 120; do
        out=$(COLUMNS=$cols ja coverage --config "$top/conf/demo.conf" 2>/dev/null)
        check "coverage under LANGUAGE=ja, $cols columns: no line wider ($(dwidths <<<"$out" | sort -n | tail -n1))" \
                test "$(dwidths <<<"$out" | sort -n | tail -n1)" -le $cols
done
check "... its legend, title and summary in Japanese" \
        bash -c 'grep -qx "█ 電話対応中  ░ 休憩中  │ 必要人数  ▲ 不足（延べ分）" <<<"$1" &&
                 grep -qx "retail · 1999-01-04（月） · Asia/Jerusalem（UTC+02:00）" <<<"$1" &&
                 grep -q "^07:00〜24:00 · 30分刻み · 延べ[0-9]*分の不足（[0-9]*行）$" <<<"$1"' _ \
        "$(COLUMNS=80 ja coverage --config "$top/conf/demo.conf" 2>/dev/null)"
out=$(COLUMNS=80 ja coverage --config "$top/conf/demo.conf" 2>/dev/null)
check "... the headers (電話 シフト 必要 不足) end where a short row's flag does" \
        test "$(grep -E ' 電話 +シフト +必要 +不足$' <<<"$out" | dwidths)" = \
             "$(rows <<<"$out" | grep -m1 '▲' | dwidths)"
check "... and the rows' flags still add up to the summary's shortfall" \
        test "$(flagged <<<"$out")" = "$(sed -n 's/.* · 延べ\([0-9]*\)分の不足（[0-9]*行）$/\1/p' <<<"$out")"
out=$(COLUMNS=80 ja coverage --config "$tmp/ny.conf" --roster "$tmp/ny.csv" --date 2024-11-03 2>/dev/null)
check "... the clocks going back, said in Japanese" grep -q '┈┈ 時計が戻ります: ここからUTC-05:00$' <<<"$out"
out=$(COLUMNS=80 ja coverage --config "$top/conf/demo.conf" --date 1999-01-05 2>/dev/null)
check "... a day without shifts" grep -qx 'retail: 1999-01-05（火）はシフトがありません（Asia/Jerusalem）。' <<<"$out"
out=$(ja coverage --config "$top/conf/demo.conf" --team nope 2>&1); rc=$?
check "... and its errors: --team nope, exit 5" \
        test $rc -eq 5 -a "$(grep -c "^シフト表にチーム 'nope' がありません。" <<<"$out")" -eq 1
out=$(COLUMNS=80 en coverage --config "$top/conf/demo.conf" 2>/dev/null)
check "coverage under LANG=C: English" \
        bash -c 'grep -qx "retail · Monday 1999-01-04 · Asia/Jerusalem (UTC+02:00)" <<<"$1" &&
                 grep -Eq " phones shift need short$" <<<"$1"' _ "$out"

finish
