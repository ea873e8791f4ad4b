#!/usr/bin/env bash
# `make run`: replay Monday 4 January 1999 of the Anonymous Bank call centre
# (conf/examples/) with respited on a private session bus, the day running
# 900 times faster than real time (about 70 seconds). A threatening call is
# reported half-way through with respitectl. The feeds and the state go to a
# temporary directory, named at the start and at the end and removed on exit
# unless KEEP is set (`make run KEEP=1`). Usage: tests/run-example.sh BUILDDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
# The build tree's translations: LANG=ja_JP.UTF-8 make run speaks Japanese.
export RESPITE_LOCALEDIR="$bin/locale"
speed=${SPEED:-900}

# Sleep until the replay clock, started at 06:45 local, shows HH:MM.
sleep_until() {
        local h=${1%:*} m=${1#*:}
        local virtual=$(( (10#$h * 60 + 10#$m) - (6 * 60 + 45) ))
        # Milliseconds of real time from the start to that virtual minute.
        local wait_ms=$(( virtual * 60000 / speed - ($(date +%s%3N) - start_ms) ))
        (( wait_ms > 0 )) && sleep "$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))"
        return 0
}

start_session_bus

echo "== respited replays 1999-01-04 (Asia/Jerusalem) at ${speed}x on a private bus"
echo "== feeds go to $tmp/feeds, the state to $tmp/state"
start_ms=$(date +%s%3N)
"$bin/respited" --user --config "$top/conf/demo.conf" --state-dir "$tmp/state" --feed-dir "$tmp/feeds" \
        --clock 1999-01-04T06:45:00 --speed "$speed" &
daemon=$!
pids+=($daemon)

sleep_until 10:20
echo "== 10:20 a team lead reports that op27 was threatened on a call"
"$bin/respitectl" --user report op27 threat --note "caller threatened to come to the branch"

sleep_until 11:30
echo "== op27's day as respitectl shows it"
"$bin/respitectl" --user schedule op27

sleep_until 23:59
echo "== op27's feed, $(grep -c BEGIN:VEVENT "$tmp/feeds/op27.ics") events:"
grep -E '^(SUMMARY|DTSTART|DTEND|DESCRIPTION|SEQUENCE)' "$tmp/feeds/op27.ics" | tr -d '\r'
kill -TERM $daemon
wait $daemon
echo "== feeds in $tmp/feeds: $(find "$tmp/feeds" -name '*.ics' ! -name 'team-*' | wc -l) of operators," \
        "$(find "$tmp/feeds" -name 'team-*.ics' | wc -l) of teams"
if [ -n "${KEEP:-}" ]; then
        echo "== kept: open them in a calendar, or look with: ls $tmp/feeds"
else
        echo "== removed on exit; make run KEEP=1 keeps them"
fi
echo "== done"
