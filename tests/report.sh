#!/usr/bin/env bash
# What `respitectl report` tells the lead who reported (respitectl(1),
# report): a recovery break that would begin just before a statutory break
# merges into it, and the message names that break, its times and zone; an
# incident that earns points only says so. The real respited on a private
# session bus, replaying a day in Asia/Tokyo (not the machine's zone).
# Usage: tests/report.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS
export TZ=America/New_York

day=2026-12-02
{ echo "operator,name,team,start,end"; echo "1001,Operator 1001,support,${day}T08:00:00+09:00,${day}T17:00:00+09:00"; } \
        >"$tmp/roster.csv"
ln -s "$top/conf/presets" "$tmp/presets"
mkdir -p "$tmp/feeds"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Tokyo"; };
@include "presets/jp.conf"
categories = (
        { name = "threat"; label = "a threatening call"; recovery = "20min"; },
        { name = "prolonged_call"; label = "a very long call"; points = 2; },
        { name = "repeat_caller"; label = "a caller who kept calling back"; points = 4; }
);
sources = { rosters = [ "$tmp/roster.csv" ]; };
feeds = { directory = "$tmp/feeds"; listen = ""; };
EOF

# 1001's statutory break is 12:00 to 13:00 (jp: 1h for more than 8h); the
# day is replayed from 11:50.
"$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" \
        --clock ${day}T11:50:00 --speed 1 >"$tmp/respited.log" 2>&1 &
pids+=($!)
check "respited starts at 11:50 Tokyo time" wait_count "$tmp/respited.log" "Serving org.respite.Scheduler1" 1 20
check "1001's statutory break is 12:00 to 13:00" \
        bash -c "'$bin/respitectl' --user schedule 1001 --date $day | grep -q '^12:00  13:00  1h *statutory'"

out=$("$bin/respitectl" --user report 1001 threat 2>&1); rc=$?
check "report exits 0" test $rc -eq 0
check "a threat 10 minutes before the statutory break merges into it, and report names that break" \
        grep -q "No break of its own: it merged into 1001's next break, the statutory break of $day 1[12]:[0-9][0-9] to 1[34]:[0-9][0-9] ([0-9h ]*min, Asia/Tokyo), which now gives the recovery too. \`respitectl schedule 1001\` shows the day and why." <<<"$out"
check "the schedule has no recovery break of its own" \
        bash -c "! '$bin/respitectl' --user schedule 1001 --date $day | grep -q '  recovery '"

out=$("$bin/respitectl" --user report 1001 repeat_caller 2>&1); rc=$?
check "an incident that earns points only says so" \
        grep -q "No break of its own: it adds points toward one. \`respitectl schedule 1001\` shows the day and why." <<<"$out"

# An unknown operator: one failure, the report's, not the schedule's too.
out=$("$bin/respitectl" --user report op99 threat 2>&1); rc=$?
check "report of an unknown operator exits 5 with one failure, the report's" \
        bash -c '[ "$1" -eq 5 ] && [ "$(grep -c "^Failed" <<<"$2")" -eq 1 ] && grep -q "^Failed to report the incident: " <<<"$2"' \
        _ $rc "$out"
echo "$out" | sed 's/^/# /'

finish
