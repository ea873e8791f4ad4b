#!/usr/bin/env bash
# Sources from the real world (issue 4): respited re-plans within a second
# when a roster file is replaced, keeps the last good roster when the
# replacement is broken, follows a queue_log as it grows and is rotated;
# `respitectl import-check` on the RosterOn export, the PBXware queue_log and
# the iCalendar rosters of four publishers, cross-checked with Python's
# icalendar, and on files no policy lists, told apart by their header (a
# call-record file, a roster, a queue_log, a header that fits neither).
# Usage: tests/sources.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
shared="$top/../shared/data"
bin="$top/$build"

now_ms() { date +%s%3N; }

# ---- import-check, offline ----

ctl() { "$bin/respitectl" "$@"; }

cat >"$tmp/nosplit.conf" <<EOF
site = { timezone = "UTC"; };
planning = { split_shift_gap = "0min"; };
EOF
for f in outlook google apple thunderbird; do
        out=$(/usr/bin/python3 "$top/tests/check-import.py" "$bin/respitectl" "$tmp/nosplit.conf" \
                "$top/tests/fixtures/ics-$f.ics" 2>&1)
        check "$f roster: the same UTC instants as Python's icalendar" grep -q "the same UTC instants" <<<"$out" ||
                echo "$out"
done

if [ -r "$shared/vendor-exports/rosteron-shift-export.csv" ]; then
        cat >"$tmp/rosteron.conf" <<EOF
site = { timezone = "Australia/Melbourne"; };
sources = { rosters = ( {
        path = "$shared/vendor-exports/rosteron-shift-export.csv";
        operator = "coder-1";
        columns = { start = "Start"; end = "Finish"; };
        date_format = "d/m/yy H:MM";
        skip_column = "Shift"; skip_match = "*Leave*";
} ); };
EOF
        out=$(ctl import-check --config "$tmp/rosteron.conf" "$shared/vendor-exports/rosteron-shift-export.csv")
        check "RosterOn export: 6 shifts, 1 row skipped" grep -q "1 operator, 6 shifts, 1 skipped" <<<"$out"
        check "import-check explains the skipped leave row" \
                grep -q "rosteron-shift-export.csv:5: 'Shift' is 'A/Leave', which is no shift" <<<"$out"
else
        skip "RosterOn export (no ../shared/data)"
fi

if [ -r "$shared/asterisk-queue_log/pbxware-2018.queue_log" ]; then
        out=$(ctl import-check --config "$tmp/nosplit.conf" --format csv "$shared/asterisk-queue_log/pbxware-2018.queue_log")
        calls=$(awk -F, '$2 == "call" { print $3 }' <<<"$out" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
        check "queue_log: calls of the six agents" test "$calls" = "1109:16 1126:13 1127:17 1128:13 1141:22 1144:10 "
        check "queue_log: 10 closed agent sessions" test "$(grep -c ',session,.*Z,[^,]*Z,' <<<"$out")" -eq 10
else
        skip "PBXware queue_log (no ../shared/data)"
fi

out=$(ctl import-check --config "$tmp/nosplit.conf" "$top/tests/fixtures/ics-truncated.ics" 2>&1); rc=$?
check "import-check fails on a cut-short file" test $rc -ne 0
check "... and says where" grep -q "ics-truncated.ics:1: this BEGIN has no END" <<<"$out"

# Without a policy that lists them, the kind of each file comes from its
# header (or name, or first line), and import-check says which it assumed.
ex="$top/conf/examples"
out=$(ctl import-check "$ex/anonbank-1999-01-04-calls.csv" "$ex/anonbank-1999-01-04-roster.csv" 2>&1); rc=$?
check "import-check without --config: exit 0" test $rc -eq 0
check "... call records told by their header" grep -q \
        "anonbank-1999-01-04-calls.csv: a call-record file (its header has call_id, caller, queue, wait_seconds)" <<<"$out"
check "... and read as calls" grep -q "anonbank-1999-01-04-calls.csv: 1453 calls, 0 skipped" <<<"$out"
check "... the roster next to it told by its header" grep -q \
        "anonbank-1999-01-04-roster.csv: a roster (its header has name, team)" <<<"$out"
check "... and read as a roster" grep -q "anonbank-1999-01-04-roster.csv: 19 operators, 19 shifts" <<<"$out"
out=$(ctl import-check --format csv "$ex/anonbank-1999-01-04-calls.csv" 2>&1)
check "... --format csv: a kind row" grep -q '^[^,]*calls.csv,kind,,,,"a call-record file (its header' <<<"$out"
out=$(ctl plan --roster "$ex/anonbank-1999-01-04-calls.csv" 2>&1 >/dev/null)
check "plan --roster on a call-record file says so, and how to give it" grep -q \
        "calls.csv:1: a call-record header (it has call_id or wait_seconds), read as a roster: each call becomes a shift. Give the file as call records (--calls" <<<"$out"
printf '1546300800|NONE|NONE|NONE|QUEUESTART|\n' >"$tmp/pbx.log"
out=$(ctl import-check "$tmp/pbx.log" 2>&1)
check "... a queue_log told by its first line" grep -q "pbx.log: an Asterisk queue_log (line 1 is EPOCH|CALLID|QUEUE|AGENT|EVENT)" <<<"$out"
printf 'who,when\nop16,1999-01-04T07:00:00+02:00\n' >"$tmp/neither.csv"
out=$(ctl import-check "$tmp/neither.csv" 2>&1); rc=$?
check "a header that fits neither: exit 1" test $rc -eq 1
check "... named with line 1 and what was expected" grep -q \
        "neither.csv:1: expected a roster's header (operator,start,end and optionally name,team), a call-record header (operator,start,end and optionally call_id,caller,queue,wait_seconds), .* got 'who,when'" <<<"$out"
out=$(ctl import-check --config "$tmp/nosplit.conf" "$top/tests/fixtures/ics-google.ics" 2>&1)
check "an iCalendar roster told by its name" grep -q "ics-google.ics: a roster (an iCalendar file: its name ends in .ics)" <<<"$out"

# The importers' messages in the reader's language (LANGUAGE=ja, the build's
# catalogues), each under its kind, FILE:LINE first; CSV, and the C locale,
# in English as before.
ja() { env LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$bin/respitectl" "$@"; }
printf 'operator,start,end,shoe_size\nop1,bad,1999-01-04T15:00:00Z,42\nop2,1999-01-04T07:00:00Z,1999-01-04T15:00:00Z,43\n' \
        >"$tmp/bad-row.csv"
out=$(ja import-check "$tmp/bad-row.csv" 2>&1); rc=$?
check "import-check under LANGUAGE=ja: a bad row skipped, exit 0" test $rc -eq 0
check "... named FILE:LINE in Japanese, under スキップ" grep -qx \
        "  スキップ $tmp/bad-row.csv:2: 列'start'にはISO 8601の日時が必要ですが、'bad'でした。この行をスキップします。" <<<"$out"
check "... an unknown column under 警告" grep -qx "  警告     $tmp/bad-row.csv:1: 不明な列'shoe_size'があります。無視します。" <<<"$out"
check "... why the kind, in Japanese" grep -q "bad-row.csv: シフト表（ヘッダーにoperator、start、endがあり" <<<"$out"
out=$(ja import-check "$tmp/neither.csv" 2>&1); rc=$?
check "... a header that fits neither: exit 1, under エラー with line 1" \
        bash -c '[ "$1" -eq 1 ] && grep -q "^  エラー   .*neither.csv:1: シフト表のヘッダー（operator,start,endと、任意でname,team）.*'"'"'who,when'"'"'でした。" <<<"$2"' _ $rc "$out"
out=$(ja plan --roster "$tmp/bad-row.csv" 2>&1 >/dev/null)
check "plan under LANGUAGE=ja: the skipped row in Japanese on stderr" grep -qx \
        "$tmp/bad-row.csv:2: 列'start'にはISO 8601の日時が必要ですが、'bad'でした。この行をスキップします。" <<<"$out"
out=$(ja import-check --format csv "$tmp/bad-row.csv" 2>&1)
check "import-check --format csv under LANGUAGE=ja: English, as every CSV" grep -qx \
        "$tmp/bad-row.csv,skipped,,,,\"$tmp/bad-row.csv:2: expected an ISO 8601 instant in column 'start', got 'bad', skipping row\"" <<<"$out"
out=$(ctl import-check "$tmp/bad-row.csv" 2>&1)
check "import-check in the C locale: the same row in English" grep -qx \
        "  skipped  $tmp/bad-row.csv:2: expected an ISO 8601 instant in column 'start', got 'bad', skipping row" <<<"$out"

# ---- the daemon follows its sources ----

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

mkdir -p "$tmp/src" "$tmp/feeds"
roster() {      # roster OPERATOR... : one 8-hour shift each, written atomically
        { echo "operator,start,end"
          for op; do echo "$op,2024-04-02T07:00:00+03:00,2024-04-02T15:00:00+03:00"; done; } >"$tmp/new.csv"
        mv "$tmp/new.csv" "$tmp/src/roster.csv"
}
ics() {         # ics START END: op-y's shift, written atomically
        printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:y-1\r\nDTSTART;TZID=Asia/Jerusalem:%s\r\nDTEND;TZID=Asia/Jerusalem:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
                "$1" "$2" >"$tmp/new.ics"
        mv "$tmp/new.ics" "$tmp/src/op-y.ics"
}
roster op-x
ics 20240402T060000 20240402T140000
: >"$tmp/src/queue_log"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Jerusalem"; };
sources = {
        rosters = [ "$tmp/src/roster.csv", "$tmp/src/op-y.ics" ];
        calls = ( { path = "$tmp/src/queue_log"; agents = ( { agent = "Agent/1001"; operator = "op-x"; } ); } );
};
feeds = { directory = "$tmp/feeds"; listen = ""; };
EOF

"$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" \
        --clock 2024-04-02T12:00:00 --speed 1 >"$tmp/respited.log" 2>&1 &
pids+=($!)
check "respited starts with two operators" wait_count "$tmp/respited.log" "Roster: 2 operators, 2 shifts" 1 10
check "respited watches the sources" wait_count "$tmp/respited.log" "Watching the sources in 1 directories" 1 10

t0=$(now_ms)
roster op-x op-z
wait_count "$tmp/respited.log" "Roster: 3 operators, 3 shifts" 1 5; t1=$(now_ms)
check "a replaced roster CSV is re-planned within a second ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 1000
for ((i = 0; i < 100; i++)); do [ -e "$tmp/feeds/op-z.ics" ] && break; sleep 0.01; done
check "... and the new operator has a feed" test -e "$tmp/feeds/op-z.ics"

t0=$(now_ms)
ics 20240402T080000 20240402T160000
wait_count "$tmp/respited.log" "Roster: 3 operators, 3 shifts" 2 5; t1=$(now_ms)
check "a replaced iCalendar roster is re-planned within a second ($((t1 - t0)) ms)" test $((t1 - t0)) -lt 1000
for ((i = 0; i < 100; i++)); do grep -q "DTSTART:20240402T050000Z" "$tmp/feeds/op-y.ics" 2>/dev/null && break; sleep 0.01; done
check "... and op-y's feed has the new start (08:00 +03:00)" grep -q "DTSTART:20240402T050000Z" "$tmp/feeds/op-y.ics"

echo "not a roster" >"$tmp/new.csv"; mv "$tmp/new.csv" "$tmp/src/roster.csv"
check "a broken roster is reported, and its last good version kept" \
        wait_count "$tmp/respited.log" "Keeping the last good version of roster '$tmp/src/roster.csv'" 1 5
printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2024' >"$tmp/new.ics"; mv "$tmp/new.ics" "$tmp/src/op-y.ics"
check "a cut-short iCalendar roster is reported" \
        wait_count "$tmp/respited.log" "Keeping the last good version of roster '$tmp/src/op-y.ics'" 1 5
check "... with its file and line" grep -q "op-y.ics:1: this BEGIN has no END" "$tmp/respited.log"
check "the last good rosters stay: no re-plan with fewer operators" \
        test "$(grep -c "Roster: [0-2] operators" "$tmp/respited.log")" -eq 1
check "... and op-z keeps its feed" test -e "$tmp/feeds/op-z.ics"

# A 70-minute call of Agent/1001 (op-x) ending before the clock's now,
# written in two pieces, then the log is rotated and a call follows.
start=$(date -d 2024-04-02T09:40:00+03:00 +%s)
printf '%s|c1|support|NONE|ENTERQUEUE||anon-1|1\n%s|c1|support|Agent/1001|CONN' $start $((start + 5)) >>"$tmp/src/queue_log"
sleep 0.3
printf 'ECT|5|c1.1|2\n%s|c1|support|Agent/1001|COMPLETECALLER|5|4200|1\n' $((start + 4205)) >>"$tmp/src/queue_log"
check "queue_log: the new call is read as it is written" \
        wait_count "$tmp/respited.log" "queue_log: 1 new incidents in 1 new call records" 1 5
for ((i = 0; i < 100; i++)); do grep -q "op-x-recovery-call-c1-prolonged" "$tmp/feeds/op-x.ics" 2>/dev/null && break; sleep 0.01; done
check "... and op-x's feed has the recovery break it earned, without re-reading the sources" \
        grep -q "op-x-recovery-call-c1-prolonged" "$tmp/feeds/op-x.ics"
mv "$tmp/src/queue_log" "$tmp/src/queue_log.1"
printf '%s|c2|support|Agent/1001|COMPLETEAGENT|3|60|1\n' $((start + 5000)) >"$tmp/src/queue_log"
check "queue_log: a rotated log is followed into the new file" \
        wait_count "$tmp/respited.log" "1 incidents found in 2 call records" 1 5

# A replacement with a bad row: the row is named, the rest is taken.
{ echo "operator,start,end"; echo "op-x,2024-04-02T07:00:00+03:00,2024-04-02T15:00:00+03:00"
  echo "op-w,noon,15:00"; } >"$tmp/new.csv"
mv "$tmp/new.csv" "$tmp/src/roster.csv"
check "a roster with a bad row is taken and the row named" \
        wait_count "$tmp/respited.log" "Loaded roster '$tmp/src/roster.csv' (some rows skipped, see above)" 1 5
check "... as FILE:LINE" grep -q "roster.csv:3: expected an ISO 8601 instant in column 'start', got 'noon'" "$tmp/respited.log"

[ "$failed" -eq 0 ] || { echo "# respited's log:"; sed 's/^/#   /' "$tmp/respited.log"; }
finish "# sources: "
