#!/usr/bin/env bash
# The bad-input table (tests/bad-inputs.md): for each hostile input, what
# respite answers (message, exit code or D-Bus error). Files go through
# `respited --check-config` and `respitectl plan`; bus calls, spool files and
# feed names through a real respited on a private session bus.
# Usage: tests/bad-inputs.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
fx="$top/tests/fixtures"

# answers WHAT RC PATTERN COMMAND...: COMMAND exits with RC and says PATTERN
# (grep -E) on stdout or stderr.
answers() {
        local what=$1 want=$2 pattern=$3 out rc
        shift 3
        out=$("$@" 2>&1); rc=$?
        if [ "$rc" -eq "$want" ] && grep -Eq -- "$pattern" <<<"$out"; then
                ok "$what"
        else
                fail "$what (exit $rc, want $want; /$pattern/ in:)"
                head -c 2000 <<<"$out" | sed 's/^/    /'
        fi
}

wait_file() {
        local i
        for ((i = 0; i < $2 * 20; i++)); do
                [ -e "$1" ] && return 0
                sleep 0.05
        done
        return 1
}

ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/base.conf" <<EOF
site = { timezone = "Asia/Jerusalem"; };
@include "presets/jp.conf"
EOF
sed '/^sources/,/^};/d' "$top/conf/demo.conf" >"$tmp/respite.conf"
checkconf() { "$bin/respited" --check-config --config "$tmp/base.conf" "$@"; }
plan() { "$bin/respitectl" plan --config "$tmp/respite.conf" --format csv "$@"; }

## Files

answers "truncated roster: the open quote is named, exit 1" 1 \
        "roster-truncated.csv:[0-9]+: a quoted field is not closed by the end of the file" \
        checkconf --roster "$fx/roster-truncated.csv"

python3 -c 'import random, sys; random.seed(8); sys.stdout.buffer.write(bytes(random.randrange(256) for _ in range(65536)))' \
        >"$tmp/garbage.bin"
answers "binary garbage as a roster: named as such, exit 1" 1 \
        "garbage.bin: binary data \(a NUL byte at offset [0-9]+\), not a roster" \
        checkconf --roster "$tmp/garbage.bin"
answers "binary garbage as call records: exit 1" 1 "garbage.bin" \
        plan --roster "$fx/roster-good.csv" --calls "$tmp/garbage.bin"
answers "binary garbage as a policy: file and line, exit 1" 1 "garbage.bin(:[0-9]+)?: " \
        "$bin/respited" --check-config --config "$tmp/garbage.bin"

{ echo "operator,start,end"; head -c 10485760 /dev/zero | tr '\0' x; echo ",1999-01-04T09:00:00Z,1999-01-04T17:00:00Z"
  echo "op1,1999-01-04T09:00:00Z,1999-01-04T17:00:00Z"; } >"$tmp/long-line.csv"
# Within a minute also under ASan, whose realloc copies (libcsv grows a field
# by 128 bytes at a time: this took many minutes).
answers "a 10 MB line in a roster: that row skipped, the next loads" 1 \
        "long-line.csv:2: operator id is not usable" timeout 60 "$bin/respited" --check-config \
        --config "$tmp/base.conf" --roster "$tmp/long-line.csv"
answers "a 10 MB line in a roster: the plan has the next row" 0 "^op1,statutory" \
        plan --roster "$tmp/long-line.csv"

answers "Latin-1 roster row: skipped as not UTF-8, the rest loads" 0 \
        "roster-latin1.csv:2: not valid UTF-8 \(the file must be UTF-8\), skipping row" \
        plan --roster "$fx/roster-latin1.csv"
printf 'operator,start,end\nop1,1999-01-04T09:00:00Z,1999-01-04T17:00:00Z\n' | iconv -f UTF-8 -t UTF-16 >"$tmp/utf16.csv"
answers "UTF-16 roster: refused, exit 1" 1 "utf16.csv: UTF-16 text, expected UTF-8" checkconf --roster "$tmp/utf16.csv"
printf 'operator,start,end\n\x83I\x83y,1999-01-04T09:00:00Z,1999-01-04T17:00:00Z\n' >"$tmp/sjis.csv"
answers "Shift JIS operator id: row skipped" 0 "sjis.csv:2: not valid UTF-8" plan --roster "$tmp/sjis.csv"

python3 - "$tmp/big.csv" <<'EOF'
import datetime, sys
with open(sys.argv[1], "w") as f:
    f.write("operator,name,team,start,end\n")
    day = datetime.date(1999, 1, 1)
    for d in range(100):
        date = (day + datetime.timedelta(days=d)).isoformat()
        for op in range(1000):
            f.write(f"op{op},Operator {op},team{op % 10},{date}T08:00:00+02:00,{date}T16:00:00+02:00\n")
EOF
start=$(date +%s)
answers "a roster of 100,000 rows loads" 0 "valid" checkconf --roster "$tmp/big.csv"
check "... within 60 s" test $(($(date +%s) - start)) -le 60

answers "roster row in year 1900: before 1970, skipped" 1 \
        "roster-odd-ids.csv:10: instant '1900-01-04T09:00:00\+02:00' in column 'start' is before 1970, skipping row" \
        checkconf --roster "$fx/roster-odd-ids.csv"
answers "roster row in year 2100: planned" 0 "^op9,statutory,2100-01-04" plan --roster "$fx/roster-odd-ids.csv"

# No statutory rule: said once on stderr, with how to choose a preset.
presets=$(cd "$top/conf/presets" && ls *.conf | sed 's/\.conf$//' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
printf 'site = { timezone = "UTC"; };\n' >"$tmp/nostat.conf"
answers "a policy without a statutory rule: said, with the presets" 0 \
        "nostat.conf sets no statutory rule: this plan has no statutory break. Include a preset in it, such as @include \"presets/jp.conf\" \\(presets: $presets;" \
        "$bin/respitectl" plan --config "$tmp/nostat.conf" --roster "$fx/roster-good.csv"
check "... once" test "$("$bin/respitectl" plan --config "$tmp/nostat.conf" --roster "$fx/roster-good.csv" 2>&1 >/dev/null |
        grep -c 'no statutory')" -eq 1
if [ ! -e /etc/respite/respite.conf ]; then
        answers "no policy at all: the built-in defaults have no statutory preset" 0 \
                "the built-in defaults have no statutory preset, so this plan has no statutory break. Give --config FILE, FILE holding @include \"presets/jp.conf\" or another preset \\(presets: $presets;" \
                "$bin/respitectl" plan --roster "$fx/roster-good.csv"
else
        skip "plan without a policy (/etc/respite/respite.conf exists)"
fi
out=$(plan --roster "$fx/roster-good.csv" 2>&1)
check "a policy with a preset: nothing said" bash -c "! grep -q 'no statutory' <<<'$out'"
answers "roster row ending before it starts: skipped" 1 "roster-odd-ids.csv:12: end .* is not after start" \
        checkconf --roster "$fx/roster-odd-ids.csv"
printf 'call_id,operator,start,end\nc1,op2,1999-01-04T10:00:00+02:00,1999-01-04T09:00:00+02:00\n' >"$tmp/neg-call.csv"
answers "a call ending before it starts: skipped" 0 "neg-call.csv:2: .*skipping row" \
        plan --roster "$fx/roster-latin1.csv" --calls "$tmp/neg-call.csv"
printf 'site = { timezone = "UTC"; };\ncategories = ( { name = "x"; label = "y"; recovery = "-10min"; } );\n' >"$tmp/negative.conf"
answers "a negative duration in the policy: file, line and setting, exit 1" 1 \
        'negative.conf:2: categories\[0\]\.recovery: expected a duration with a unit' \
        "$bin/respited" --check-config --config "$tmp/negative.conf"
# In Japanese (LANGUAGE=ja, the build's catalogues): the same file, line
# and setting, what was expected in the reader's language; libconfig's own
# parse errors too; and --check-config's verdict and sandbox warnings.
ja() { env LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$@"; }
answers "a negative duration under LANGUAGE=ja: file, line and setting, in Japanese (--check-config)" 1 \
        'negative.conf:2: categories\[0\]\.recovery: "10min"のように単位を付けた時間の長さが必要です（指定は"-10min"）' \
        ja "$bin/respited" --check-config --config "$tmp/negative.conf"
printf 'site = { timezone = "UTC"; };\ncategories = ( { name = "threat"; },\n  { name = "threat"; } );\n' >"$tmp/dup.conf"
answers "a category given twice under LANGUAGE=ja: both lines, in Japanese (respitectl plan)" 2 \
        'dup.conf:3: categories\[1\]\.name: カテゴリー"threat"が重複しています（最初は2行目）' \
        ja "$bin/respitectl" plan --config "$tmp/dup.conf"
printf 'site = { timezone = ; };\n' >"$tmp/syntax.conf"
answers "a syntax error under LANGUAGE=ja: libconfig's message in Japanese" 1 'syntax.conf:1: 構文エラー$' \
        ja "$bin/respited" --check-config --config "$tmp/syntax.conf"
answers "... and in English without it" 1 'syntax.conf:1: syntax error$' \
        "$bin/respited" --check-config --config "$tmp/syntax.conf"
out=$(ja "$bin/respited" --check-config --config "$tmp/nonexistent.conf" 2>&1)
check "a missing policy under LANGUAGE=ja: named, glibc's reason not written as ???" \
        bash -c '[[ $1 == *nonexistent.conf:\ * && $1 != *"??"* ]]' _ "$out"
printf 'site = { timezone = "UTC"; };\nfeeds = { directory = "/tmp/respite-no-such-feeds"; };\n' >"$tmp/feeds.conf"
checkconf_ja() {
        ja env RESPITE_SERVICE_USER=respite-no-such-user "$bin/respited" --check-config --config "$tmp/feeds.conf" \
                --roster "$fx/roster-good.csv"
}
answers "--check-config's sandbox warnings under LANGUAGE=ja: no such user, in Japanese" 0 \
        '^サービスのユーザーrespite-no-such-user（respited.serviceのUser=）がありません' checkconf_ja
answers "... a feed directory under /tmp, in Japanese" 0 \
        '^/tmp/respite-no-such-feeds: respited.serviceはほかから見えない場所に書き込みます：PrivateTmp=yesが' checkconf_ja
answers "... and the verdict, with the count" 0 \
        'feeds.conf: ポリシー、ソース、アクションは有効です。ただし.*（上の警告[0-9]+件）。$' checkconf_ja
printf 'site = { timezone = "UTC"; };\nactions = { break_start = [ "/nonexistent/pause" ]; break_end = [ "%s" ]; };\n' \
        "$tmp" >"$tmp/actions.conf"
answers "an action whose program does not exist: named, exit 1" 1 \
        "actions.break_start: cannot run '/nonexistent/pause': No such file or directory" \
        "$bin/respited" --check-config --config "$tmp/actions.conf"
answers "an action that is a directory: named, exit 1" 1 \
        "actions.break_end: cannot run '$tmp': not a regular file" \
        "$bin/respited" --check-config --config "$tmp/actions.conf"
answers "... in Japanese under LANGUAGE=ja" 1 \
        "actions.break_end: '$tmp'を実行できません: 通常のファイルではありません" \
        ja "$bin/respited" --check-config --config "$tmp/actions.conf"

answers "unknown category in an incident CSV: row skipped, known ones listed" 0 \
        "incidents-duplicate-id.csv:4: unknown category 'shouting' \(known: .*threat" \
        plan --roster "$fx/roster-latin1.csv" --incidents "$fx/incidents-duplicate-id.csv"
answers "duplicate incident id in a CSV: the second row is skipped by name" 0 \
        "incidents-duplicate-id.csv:3: incident id 'a1' is taken by an earlier row, skipping row" \
        plan --roster "$fx/roster-latin1.csv" --incidents "$fx/incidents-duplicate-id.csv"

for row in "2:op/1" "3:\.\.op" "4:\.\." "5:team-x"; do
        answers "operator id '${row#*:}' (roster row ${row%%:*}): refused as a feed file name" 1 \
                "roster-odd-ids.csv:${row%%:*}: operator id is not usable as a feed file name" \
                checkconf --roster "$fx/roster-odd-ids.csv"
done
answers "team name '../etc': refused" 1 "roster-odd-ids.csv:6: team name is not usable" \
        checkconf --roster "$fx/roster-odd-ids.csv"
out=$(plan --roster "$fx/roster-odd-ids.csv" 2>/dev/null)
for id in "op 5" "オペレーター6" "op😀7"; do
        check "operator id '$id' is planned" grep -q "^$id,statutory" <<<"$out"
done

answers "a policy that includes itself: file and line, exit 1" 1 \
        'policy-self-include.conf:2: cannot include "policy-self-include.conf": it is this file itself' \
        "$bin/respited" --check-config --config "$fx/policy-self-include.conf"
answers "a NUL byte in an @include path (fuzz-policy): refused, not ended by libconfig" 1 \
        "policy-nul-include.conf:4: expected text, found a NUL byte" \
        "$bin/respited" --check-config --config "$fx/policy-nul-include.conf"
printf 'site = { timezone = "UTC"; };\nsources = { rosters = [ "%s" ]; };\n' "$fx/roster-ics-loop.ics" >"$tmp/ics.conf"
answers "iCalendar EXDATE and RDATE in an unknown zone (fuzz-ics: looped for ever): ignored once each" 0 \
        "roster-ics-loop.ics:4: unknown time zone 'Nowhere/Zone' in EXDATE, ignoring that EXDATE" \
        timeout 20 "$bin/respited" --check-config --config "$tmp/ics.conf"
check "... each warned about once" test "$(timeout 20 "$bin/respited" --check-config --config "$tmp/ics.conf" 2>&1 |
        grep -c "unknown time zone")" -eq 2
answers "a directory as the policy: exit 1" 1 "not a regular file|Is a directory" \
        "$bin/respited" --check-config --config "$fx"
answers "an empty roster: exit 1" 1 "roster-empty.csv: the file is empty" \
        checkconf --roster "$fx/roster-empty.csv"

## The daemon: bus arguments, spool files and feed names

# No bus to reach: say what to do.
out=$(env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "$bin/respitectl" --user status 2>&1); rc=$?
check "respitectl --user without a session bus: exit 3" test $rc -eq 3
check "... says there is no session bus and to drop --user" \
        grep -q "There is no session bus in this environment .*: drop --user" <<<"$out"

start_session_bus
out=$(DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-such-bus" timeout 10 "$bin/respite-notify" 2>&1); rc=$?
check "respite-notify without a system bus: exit 1" test $rc -eq 1
check "... names the address and suggests --user" grep -q \
        "Failed to connect to the system bus at unix:path=$tmp/no-such-bus: .*respited runs on the system bus.*add --user" <<<"$out"
unset DBUS_SYSTEM_BUS_ADDRESS

at() { date -u -d "@$(($(date +%s) + $1 * 3600))" +%Y-%m-%dT%H:00:00Z; }
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end
op16,Operator 16,retail,$(at -4),$(at 5)
op 5,Space,retail,$(at -4),$(at 5)
オペレーター6,日本語,窓口,$(at -4),$(at 5)
op😀7,Emoji,retail,$(at -4),$(at 5)
op/1,Slash,retail,$(at -4),$(at 5)
..op,Dots,retail,$(at -4),$(at 5)
EOF
mkdir -p "$tmp/feeds" "$tmp/spool"
cat >"$tmp/daemon.conf" <<EOF
$(cat "$tmp/respite.conf")
sources = { rosters = [ "$tmp/roster.csv" ]; };
feeds = { directory = "$tmp/feeds"; };
incidents = { spool = "$tmp/spool"; };
EOF
"$bin/respited" --user --config "$tmp/daemon.conf" --state-dir "$tmp/state" >"$tmp/respited.log" 2>&1 &
daemon=$!
if ! wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 20; then
        fail "respited starts"; cat "$tmp/respited.log"; finish --no-skipped; exit 1
fi

call() { busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 "$@"; }
for op in "../op16" "op/1" "..op" "" "op16/../op16"; do
        answers "ReportIncident for operator '$op': Error.UnknownOperator" 1 \
                "No such operator" call ReportIncident ssts "$op" threat 0 ""
done
answers "ReportIncident of an unknown category: Error.UnknownCategory, known ones listed" 1 \
        "No such category 'shouting'; known categories: .*threat" call ReportIncident ssts op16 shouting 0 ""
answers "ReportIncident at the largest instant: InvalidArgs" 1 "within the last 7 days" \
        call ReportIncident ssts op16 threat 18446744073709551615 ""
answers "ReportIncident in 1970: InvalidArgs" 1 "within the last 7 days" call ReportIncident ssts op16 threat 1 ""
# (120 KB: the most an argument of busctl may be; the spool takes 10 MB below.
# Over 16 KiB, no method sees it: tests/stay-up.sh.)
answers "ReportIncident with a 5,000-byte note: InvalidArgs" 1 "longer than 4096 bytes" \
        call ReportIncident ssts op16 threat 0 "$(head -c 5000 /dev/zero | tr '\0' x)"
answers "ReportIncident with a 120 KB note: InvalidArgs" 1 "Argument 4 \\(note\\) of ReportIncident is 120000 bytes long" \
        call ReportIncident ssts op16 threat 0 "$(head -c 120000 /dev/zero | tr '\0' x)"
answers "ReportIncident for an emoji operator id works" 0 '^s "[0-9a-f]{32}"$' call ReportIncident ssts "op😀7" threat 0 "😀"
answers "GetSchedule with from after to: InvalidArgs" 1 "from_usec must lie before to_usec" \
        call GetSchedule stt op16 2 1
answers "GetSchedule of '../op16': Error.UnknownOperator" 1 "No such operator" call GetSchedule stt ../op16 0 0

for f in "op 5" "オペレーター6" "op😀7" op16 team-retail team-窓口; do
        check "feed '$f.ics' is inside the feed directory" wait_file "$tmp/feeds/$f.ics" 5
done
check "no feed file anywhere else" test -z "$(find "$tmp" -name '*.ics' -not -path "$tmp/feeds/*")"
check "no feed for the refused ids" test ! -e "$tmp/feeds/op" -a ! -e "$tmp/feeds/..op.ics" -a ! -e "$tmp/op.ics"

# Spool: garbage, a 10 MB field, a Latin-1 line, and one file twice.
cp "$tmp/garbage.bin" "$tmp/spool/.g" && mv "$tmp/spool/.g" "$tmp/spool/garbage.csv"
check "binary garbage in the spool goes to failed/ with its reasons" wait_file "$tmp/spool/failed/garbage.csv.reason" 5
{ printf '%s,op16,threat,' "$(at -1)"; head -c 10485760 /dev/zero | tr '\0' x; echo
  printf '%s,' "$(at -1)"; head -c 10485760 /dev/zero | tr '\0' y; echo ",threat"; } >"$tmp/spool/.long"
mv "$tmp/spool/.long" "$tmp/spool/long.csv"
check "10 MB fields in the spool go to failed/" wait_file "$tmp/spool/failed/long.csv.reason" 10
check "... the note is too long" grep -q "^long.csv:1: the note is longer than 4096 bytes" "$tmp/spool/failed/long.csv.reason"
check "... the operator is quoted in 64 bytes at most" \
        grep -Eq "^long.csv:2: no such operator 'y{64}' in the roster$" "$tmp/spool/failed/long.csv.reason"
printf '%s,op16,other,Jos\xe9\n%s,op16,other,fine\n' "$(at -1)" "$(at -1)" >"$tmp/spool/.latin1"
mv "$tmp/spool/.latin1" "$tmp/spool/latin1.csv"
check "a Latin-1 spool line sends the file to failed/" wait_file "$tmp/spool/failed/latin1.csv.reason" 5
check "... naming the line" grep -q "^latin1.csv:1: not valid UTF-8" "$tmp/spool/failed/latin1.csv.reason"
check "... and the UTF-8 line is taken" wait_for "$tmp/respited.log" "Spool file 'latin1.csv': 1 incidents taken" 5
printf '%s,op16,other,twice\n' "$(at -1)" >"$tmp/twice"
cp "$tmp/twice" "$tmp/spool/.t" && mv "$tmp/spool/.t" "$tmp/spool/twice.csv"
check "a spool file is taken" wait_file "$tmp/spool/processed/twice.csv" 5
cp "$tmp/twice" "$tmp/spool/.t" && mv "$tmp/spool/.t" "$tmp/spool/twice.csv"
check "the same file again is moved aside too" wait_file "$tmp/spool/processed/twice.csv.1" 5
check "... without a store error" bash -c "! grep -q 'Failed to store the incidents' '$tmp/respited.log'"
out=$(call ListIncidents st op16 0)
check "... and its incident is listed once" test "$(grep -o '"twice"' <<<"$out" | wc -l)" -eq 1

check "the daemon still answers" busctl --user get-property org.respite.Scheduler1 /org/respite/Scheduler1 \
        org.respite.Scheduler1 Version
kill -TERM $daemon
wait $daemon; rc=$?
daemon=
check "SIGTERM stops respited with exit 0" test $rc -eq 0

finish --no-skipped
