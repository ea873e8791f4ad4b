#!/usr/bin/env bash
# Integration test: a private dbus-daemon, the real respited on it, real
# clients (busctl, respitectl, a subscriber of its signals), and the feed files checked by
# libical and by Python's icalendar. Usage: tests/integration.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
shared="$top/../shared/data"
bin="$top/$build"
# RESPITE_WRAP: a command respited and respitectl run under, e.g. valgrind
# (make valgrind-check).
read -ra wrap <<<"${RESPITE_WRAP:-}"

# A private session bus.
start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

# The site's zone differs from the machine's on purpose.
export TZ=America/New_York

mkdir -p "$tmp/feeds"
ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Jerusalem"; };
@include "presets/jp.conf"
sources = {
  rosters = [ "$top/conf/examples/anonbank-1999-01-04-roster.csv", "$top/tests/fixtures/roster-integration.csv" ];
  calls = [ "$top/conf/examples/anonbank-1999-01-04-calls.csv" ];
};
feeds = { directory = "$tmp/feeds"; };
EOF

# --check-config: good, a bad roster row, then a typo.
out=$("${wrap[@]}" "$bin/respited" --check-config --config "$tmp/respite.conf" \
        --roster "$top/conf/examples/anonbank-1999-01-04-roster.csv" 2>&1)
check "--check-config accepts the policy" test $? -eq 0
out=$("${wrap[@]}" "$bin/respited" --check-config --config "$tmp/respite.conf" 2>&1); rc=$?
check "--check-config fails on a bad roster row" test $rc -eq 1
check "--check-config names the row's file and line" grep -q "roster-integration.csv:3: end .* is not after start" <<<"$out"
sed 's/^sources/sorces/' "$tmp/respite.conf" >"$tmp/typo.conf"
out=$("${wrap[@]}" "$bin/respited" --check-config --config "$tmp/typo.conf" 2>&1); rc=$?
check "--check-config rejects a typo with exit 1" test $rc -eq 1
check "--check-config names file and line of the typo" grep -q "typo.conf:[0-9]*:.*sorces" <<<"$out"
# The shipped example for South Korea (OSH Act art. 41) where it lies: its
# "../presets/kr.conf" is found as in the installed tree.
out=$("${wrap[@]}" "$bin/respited" --check-config --config "$top/conf/examples/kr-osh41.conf" 2>&1); rc=$?
check "--check-config accepts conf/examples/kr-osh41.conf" test $rc -eq 0
[ $rc -eq 0 ] || echo "$out"

# Listen to every signal of the daemon (it sends them to subscribers only).
/usr/bin/python3 "$top/tests/listen.py" >"$tmp/signals" 2>&1 &
pids+=($!)
wait_for "$tmp/signals" "listening" 10

# A replay of 4 January 1999 from 09:00 local, one minute per second.
"${wrap[@]}" "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" --clock 1999-01-04T09:00:00 --speed 60 \
        >"$tmp/respited.log" 2>&1 &
daemon=$!
pids+=($daemon)
if ! wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 20; then
        fail "respited starts"; cat "$tmp/respited.log"; echo "0 passed, 1 failed"; exit 1
fi
ok "respited starts on a private bus"
check "a client subscribes to its signals" wait_for "$tmp/signals" "^subscribed" 10

check "a bad roster row is reported with file and line" \
        grep -q "roster-integration.csv:3:.*skipping row" "$tmp/respited.log"
check "the rows around it still load (op90 has a feed)" wait_for "$tmp/feeds/op90.ics" "BEGIN:VEVENT" 5
check "version property answers" busctl --user get-property org.respite.Scheduler1 \
        /org/respite/Scheduler1 org.respite.Scheduler1 Version

# A second daemon on the same bus refuses to start and writes nothing.
sum_before=$(cat "$tmp"/feeds/*.ics | md5sum)
out=$("${wrap[@]}" "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state2" \
        --roster "$top/tests/fixtures/roster-integration.csv" --clock 1999-01-05T09:00:00 2>&1); rc=$?
check "a second respited exits with 1" test $rc -eq 1
check "and says another one owns the name" grep -q "Another respited already owns" <<<"$out"
check "and leaves the running daemon's feeds alone" test "$(cat "$tmp"/feeds/*.ics | md5sum)" = "$sum_before"

# A threat reported with busctl: a signal and a new VEVENT, same revision.
id=$(busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        ReportIncident ssts op16 threat 0 "shouted and threatened" 2>&1)
check "ReportIncident answers an incident id" grep -Eq '^s "[0-9a-f]{32}"$' <<<"$id"
id=$(sed -E 's/^s "(.*)"$/\1/' <<<"$id")
check "BreakScheduled signal for op16" wait_for "$tmp/signals" "op16-recovery-$id@respite" 5
check "the break signals carry only the public reason" \
        bash -c "! grep '^Break' '$tmp/signals' | grep -q 'threat'"
check "a LeadAlert with the category goes to the subscribed root of all" \
        wait_for "$tmp/signals" "^LeadAlert [0-9a-f]* op16 threat" 5
check "op16's feed has the recovery VEVENT" grep -q "UID:op16-recovery-$id@respite" "$tmp/feeds/op16.ics"
check "op16's feed says why" grep -q "threatening" "$tmp/feeds/op16.ics"
check "the team feed does not" bash -c "! grep -qi 'threat' '$tmp/feeds/team-retail.ics'"
# Every category the daemon knows, from its answer to an unknown one.
categories=$(busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        ReportIncident ssts op16 no_such_category 0 "" 2>&1 | sed -nE 's/.*known categories: (.*)\.$/\1/p' | tr -d ',')
category_args=()
for c in $categories; do category_args+=(--category "$c"); done
check "the daemon names its categories ($categories)" test ${#category_args[@]} -ge 10
check "the team feed (Python icalendar): no kind, no incident id, no category, UIDs break-<hex>@respite" \
        /usr/bin/python3 "$top/tests/check-private.py" --team "$tmp/feeds/team-retail.ics" --incident "$id" \
        "${category_args[@]}"
check "op16's own feed (Python icalendar): \"recovery\", the incident id and the category" \
        /usr/bin/python3 "$top/tests/check-private.py" --operator "$tmp/feeds/op16.ics" --incident "$id" \
        "${category_args[@]}"
check "op16's feed file is for respited's user alone (mode 600)" test "$(stat -c %a "$tmp/feeds/op16.ics")" = 600
check "the team's feed file is for everyone (mode 644)" test "$(stat -c %a "$tmp/feeds/team-retail.ics")" = 644
check "ScheduleChanged for op16" wait_for "$tmp/signals" "^ScheduleChanged op16" 2

# The break starts within a virtual minute and ends after 20.
check "BreakStarted fires from the timer" wait_for "$tmp/signals" "^BreakStarted" 10
check "BreakEnded fires from the timer" wait_for "$tmp/signals" "^BreakEnded" 40

# respitectl report and schedule.
out=$("${wrap[@]}" "$bin/respitectl" --user report op27 verbal_abuse --note "insults" 2>&1)
check "respitectl report prints the id" grep -Eq '^[0-9a-f]{32}$' <<<"$out"
out=$("${wrap[@]}" "$bin/respitectl" --user schedule op27 --date 1999-01-04 2>&1)
check "respitectl schedule lists the recovery break" grep -q "recovery.*abusive" <<<"$out"
check "respitectl schedule lists the statutory break" grep -q "statutory" <<<"$out"

# Bad input keeps the daemon running.
out=$(busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        ReportIncident ssts op99 threat 0 "" 2>&1)
check "an unknown operator is refused by name" grep -q "No such operator 'op99'" <<<"$out"
out=$("${wrap[@]}" "$bin/respitectl" --user report op16 shouting 2>&1)
check "an unknown category is refused with the known ones" grep -q "known categories: .*threat" <<<"$out"
out=$(busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        ReportIncident ssts op16 threat 1 "" 2>&1)
check "an incident from 1970 is refused" grep -q "within the last 7 days" <<<"$out"
out=$("${wrap[@]}" "$bin/respitectl" --user report op16 threat --note "$(head -c 5000 /dev/zero | tr '\0' x)" 2>&1)
check "a note over 4096 bytes is refused" grep -q "longer than 4096 bytes" <<<"$out"
cp "$tmp/respite.conf" "$tmp/respite.conf.good"
sed -i 's/^sources/sorces/' "$tmp/respite.conf"
kill -HUP $daemon
check "a bad config on reload is reported with file and line" \
        wait_for "$tmp/respited.log" "respite.conf:[0-9]*:.*sorces" 5
check "and the old policy keeps running" wait_for "$tmp/respited.log" "Keeping the running policy" 5
cp "$tmp/respite.conf.good" "$tmp/respite.conf"
check "the daemon still answers" busctl --user get-property org.respite.Scheduler1 \
        /org/respite/Scheduler1 org.respite.Scheduler1 Timezone

# Independent parsers read every feed.
check "libical parses every feed" "$bin/ical-check" "$tmp"/feeds/*.ics
check "Python icalendar parses every feed" /usr/bin/python3 "$top/tests/check-ics.py" "$tmp"/feeds/*.ics

# SIGTERM stops cleanly.
kill -TERM $daemon
wait $daemon; rc=$?
check "SIGTERM stops respited with exit 0" test $rc -eq 0

# Offline plan: the jp preset over a real month.
if [ -d "$shared/anonbank-1999" ]; then
        "${wrap[@]}" "$bin/respitectl" plan --config "$top/conf/demo.conf" \
                --roster "$shared/anonbank-1999/roster-1999-01.csv" \
                --calls "$shared/anonbank-1999/calls-1999-01.csv" --format csv \
                >"$tmp/plan.csv" 2>"$tmp/plan.err"
        check "respitectl plan over January 1999 succeeds" test $? -eq 0
        check "plan output verifies: statutory breaks and recovery after long calls" \
                /usr/bin/python3 "$top/tests/check-plan.py" "$tmp/plan.csv" \
                "$shared/anonbank-1999/roster-1999-01.csv" "$shared/anonbank-1999/calls-1999-01.csv"
else
        skip "respitectl plan over a real month (../shared/data absent)"
fi

finish
