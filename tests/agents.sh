#!/usr/bin/env bash
# Agent state (respited(8), AGENT STATE): a followed queue_log with
# CONNECT, COMPLETE and PAUSE lines appended while respited runs shows in
# `respitectl operators` (STATE, SINCE), `respitectl status` and GetStatus;
# SetAgentState; kill -9 and a restart with lines appended in between
# counts every call once and reads on from the stored position; a queue_log
# rotated while respited is down loses no call; call-record CSVs under a
# replay clock. (Who may call SetAgentState: tests/access.sh.)
# Usage: tests/agents.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

ctl() { "$bin/respitectl" --user "$@"; }
call() { busctl --user --timeout=5 call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 "$@" 2>&1; }
# wait_state OPERATOR STATE SECONDS: until respitectl operators says so
wait_state() {
        local i
        for ((i = 0; i < $3 * 10; i++)); do
                [ "$(column "$1" state 2>/dev/null)" = "$2" ] && return 0
                sleep 0.1
        done
        return 1
}
# column OPERATOR KEY: that column of `respitectl operators --json`
column() {
        ctl operators --json | python3 -c "import json, sys
print(next(r['$2'] for r in json.load(sys.stdin) if r['id'] == '$1'))"
}

mkdir -p "$tmp/src"
day=2024-04-02
at() { date -d "${day}T$1+03:00" +%s; }     # at HH:MM:SS: the epoch
{ echo "operator,name,team,start,end"
  for op in op07 op27 op40; do echo "$op,Operator $op,support,${day}T07:00:00+03:00,${day}T15:00:00+03:00"; done
} >"$tmp/src/roster.csv"
: >"$tmp/src/queue_log"
{ echo 'site = { timezone = "Asia/Jerusalem"; };'
  echo "sources = { rosters = [ \"$tmp/src/roster.csv\" ];"
  echo "  calls = ( { path = \"$tmp/src/queue_log\";"
  echo '    agents = ( { agent = "*8007*"; operator = "op07"; }, { agent = "*8027*"; operator = "op27"; } ); } ); };'
  echo 'feeds = { listen = ""; };'
} >"$tmp/respite.conf"

start_daemon() {        # N: the Nth start
        "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" \
                --clock ${day}T12:00:00 --speed 1 >>"$tmp/respited.log" 2>&1 &
        daemon=$!
        wait_count "$tmp/respited.log" "Serving org.respite.Scheduler1" "$1" 10
}
ql() { printf '%s\n' "$@" >>"$tmp/src/queue_log"; }

check "respited starts" start_daemon 1

# Logged in at 09:00, a call from 09:58:05; op27 pauses for lunch.
ql "$(at 09:00:00)|l1|NONE|SIP/8007|AGENTLOGIN|" "$(at 09:00:00)|l2|NONE|SIP/8027|AGENTLOGIN|" \
   "$(at 09:58:00)|c1|support|NONE|ENTERQUEUE||anon-1|1" "$(at 09:58:05)|c1|support|SIP/8007|CONNECT|5|c1.1|2"
check "a CONNECT appended while running: respitectl operators shows op07 on_call" wait_state op07 on_call 5
check "... since the CONNECT (09:58:05)" grep -q "T09:58:05+03:00" <<<"$(column op07 since)"
ctl operators >"$tmp/ops.txt"
check "the text table has STATE and SINCE columns" grep -Eq "STATE +SINCE" "$tmp/ops.txt"
check "... op07's row says on_call 09:58" grep -Eq "^op07 .*on_call +09:58" "$tmp/ops.txt"
check "--format csv: the same columns" grep -q '^op07,.*,on_call,09:58$' <<<"$(ctl --format csv operators)"
check "op40, never heard of, is logged_out" test "$(column op40 state)" = logged_out
# In Japanese (LANGUAGE=ja, the build's catalogues): the states as an ACD's
# screen says them (通話中, ログアウト), while CSV and JSON keep the values.
ja() { env LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$bin/respitectl" --user "$@"; }
out=$(ja operators 2>&1)
check "operators under LANGUAGE=ja: op07 通話中 09:58, op40 ログアウト" \
        bash -c 'grep -Eq "^op07 .* 通話中 +09:58$" <<<"$1" && grep -Eq "^op40 .* ログアウト +-$" <<<"$1"' _ "$out"
check "... while its CSV keeps on_call" grep -q '^op07,.*,on_call,09:58$' <<<"$(ja --format csv operators)"
out=$(ja operators op07 2>&1); rc=$?
check "... and a usage error says so in Japanese (exit 2)" \
        bash -c '[ "$1" -eq 2 ] && grep -qx "余分な引数 .op07. があります。使い方: respitectl operators" <<<"$2"' _ $rc "$out"
out=$(call GetStatus)
check "GetStatus counts 1 on a call, 1 available" \
        bash -c "grep -q '\"AgentsOnCall\" u 1' <<<'$out' && grep -q '\"AgentsAvailable\" u 1' <<<'$out'"

ql "$(at 10:02:00)|p1|NONE|SIP/8027|PAUSE|lunch" \
   "$(at 11:08:05)|c1|support|SIP/8007|COMPLETECALLER|5|4200|1"
check "a 70-minute call ends: 1 new incident in 1 new call record" \
        wait_count "$tmp/respited.log" "queue_log: 1 new incidents in 1 new call records" 1 5
check "op07 is available again" test "$(column op07 state)" = available
# The day's breaks, the 70-minute call's recovery among them: their lengths
# as the reader says them (20分, 1時間5分), "min" in English.
out=$(ja schedule op07 --date $day 2>&1)
check "schedule under LANGUAGE=ja: each length in 時間 and 分, none in min" \
        bash -c 'grep -Eq "^[0-9:]{5} +[0-9:]{5} +([0-9]+時間[0-9]+分|[0-9]+時間|[0-9]+分) +回復休憩 " <<<"$1" && ! grep -q "[0-9]min" <<<"$1"' _ "$out"
check "... in English, min" grep -Eq "^[0-9:]{5} +[0-9:]{5} +[0-9]+min +recovery " <<<"$(ctl schedule op07 --date $day 2>&1)"
check "op27 is paused" test "$(column op27 state)" = paused
check "the pause is logged with its reason" grep -q 'op27: paused since 10:02 (SIP/8027), "lunch"' "$tmp/respited.log"
check "... since 10:02" grep -q "T10:02:00+03:00" <<<"$(column op27 since)"
check "... 離席中 under LANGUAGE=ja" grep -Eq "^op27 .* 離席中 +10:02$" <<<"$(ja operators 2>&1)"
out=$(ctl status)
check "respitectl status shows the agents" \
        grep -q "Agents now: *0 on a call, 1 available, 1 paused, 0 on a break" <<<"$out"
check "... and under LANGUAGE=ja, with the feeds off (停止中)" \
        bash -c 'grep -q "^現在の状況: *通話中0人、待機中1人、離席中1人、休憩中0人$" <<<"$1" &&
                 grep -q "^HTTPフィード: *停止中$" <<<"$1"' _ "$(ja status 2>&1)"

# SetAgentState (on the session bus the caller is the daemon's own user).
out=$(call SetAgentState ssts op40 on_break 0 "coaching")
check "SetAgentState by the daemon's user" test -z "$out"
check "... op40 on_break" test "$(column op40 state)" = on_break
out=$(call SetAgentState ssts op40 dancing 0 "")
check "an unknown state is InvalidArgs" grep -q "No such state 'dancing'" <<<"$out"
out=$(call SetAgentState ssts op99 available 0 "")
check "an unknown operator is UnknownOperator" grep -q "No such operator 'op99'" <<<"$out"
out=$(call ListAgentStates s op40)
check "ListAgentStates gives the reason" grep -q '"op40" "on_break" [0-9]* "coaching"' <<<"$out"

# kill -9; lines appended while down (a call of op27, the end of the pause).
kill -9 $daemon; wait $daemon 2>/dev/null
ql "$(at 11:20:00)|c2|support|NONE|ENTERQUEUE||anon-2|1" "$(at 11:20:03)|c2|support|SIP/8027|CONNECT|3|c2.1|1" \
   "$(at 11:21:00)|p1|NONE|SIP/8027|UNPAUSE|" \
   "$(at 11:40:03)|c2|support|SIP/8027|COMPLETEAGENT|3|1200|1"
check "respited starts again after kill -9" start_daemon 2
check "it reads on from the stored position" \
        grep -q "queue_log: reading on from line 6 (1 call records stored)" "$tmp/respited.log"
check "... and counts each call once: 2 call records" \
        grep -q "incidents found in 2 call records" <<<"$(grep "incidents found in" "$tmp/respited.log" | tail -1)"
check "op27 is available after the lines read while down" test "$(column op27 state)" = available
check "op07's state came back from the stored open state" test "$(column op07 state)" = available
check "the store holds the 2 call records once" \
        test "$(sqlite3 -batch "$tmp/state/respite.db" "SELECT COUNT(*) FROM queue_log_calls")" = 2
ql "$(at 11:50:00)|c3|support|SIP/8007|CONNECT|1|c3.1|1"
check "a call begins after the restart" wait_state op07 on_call 5

# Rotated while down: the rest of the old file, then the new one.
kill -9 $daemon; wait $daemon 2>/dev/null
ql "$(at 11:55:00)|c3|support|SIP/8007|COMPLETEAGENT|1|300|1"
mv "$tmp/src/queue_log" "$tmp/src/queue_log.1"
printf '%s\n' "$(at 11:58:00)|c4|support|SIP/8027|CONNECT|1|c4.1|1" >"$tmp/src/queue_log"
check "respited starts after the log was rotated while it was down" start_daemon 3
check "it says the log was rotated while it was down" grep -q "queue_log: rotated while respited was down; reading on in '$tmp/src/queue_log.1' from line 11" "$tmp/respited.log"
check "... 3 call records (the rest of the rotated file too), each once" \
        grep -q "incidents found in 3 call records" <<<"$(grep "incidents found in" "$tmp/respited.log" | tail -1)"
check "op07's call that ended in the rotated file is over" test "$(column op07 state)" = available
check "op27 is on the call of the new file" test "$(column op27 state)" = on_call
check "the store holds 3 call records" \
        test "$(sqlite3 -batch "$tmp/state/respite.db" "SELECT COUNT(*) FROM queue_log_calls")" = 3
ql "$(at 11:59:00)|c9|support|SIP/9999|CONNECT|1|c9.1|1" "$(at 11:59:30)|c9|support|SIP/9999|COMPLETEAGENT|1|30|1"
check "a channel the roster does not know is named once" \
        wait_count "$tmp/respited.log" "9999: the ACD reports an operator the roster does not know (SIP/9999)" 1 5
check "... once" test "$(count "$tmp/respited.log" "9999: the ACD reports")" = 1
kill $daemon; wait $daemon 2>/dev/null

# Call-record CSVs under a replay clock: on_call from start to end (10 s, so
# that a slow start under ASan still finds the call going on).
{ echo "operator,start,end,call_id"; echo "op40,${day}T12:00:02+03:00,${day}T12:00:12+03:00,x1"; } >"$tmp/src/calls.csv"
{ echo 'site = { timezone = "Asia/Jerusalem"; };'
  echo "sources = { rosters = [ \"$tmp/src/roster.csv\" ]; calls = [ \"$tmp/src/calls.csv\" ]; };"
  echo 'feeds = { listen = ""; };'
} >"$tmp/replay.conf"
"$bin/respited" --user --config "$tmp/replay.conf" --state-dir "$tmp/replay-state" --clock ${day}T12:00:00 --speed 1 >"$tmp/replay.log" 2>&1 &
daemon=$!
wait_count "$tmp/replay.log" "Serving org.respite.Scheduler1" 1 10
check "replay: op40 is on a call when the clock reaches its start" wait_state op40 on_call 5
check "... since its start" grep -q "T12:00:02+03:00" <<<"$(column op40 since)"
check "... and available at its end" wait_state op40 available 20
check "... since its end" grep -q "T12:00:12+03:00" <<<"$(column op40 since)"

[ "$failed" -eq 0 ] || { echo "# respited's log:"; sed 's/^/#   /' "$tmp/respited.log" | tail -60; }
finish "# agents: "
