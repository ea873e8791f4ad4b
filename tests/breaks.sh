#!/usr/bin/env bash
# Breaks that really happen (respited(8), BREAKS AND CALLS), on a replayed
# day with a followed queue_log and real action scripts: an operator on a
# call when a recovery break comes due gets it when the call ends; the
# actions run at due, start and end with the documented environment; a
# pause during the break counts it as taken (log, GetMetrics, the feed); a
# call answered during a break cuts it and the rest follows that call; a
# statutory break due during a call begins at its end, and a hanging action
# is killed at its timeout while respited keeps serving.
# Usage: tests/breaks.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

call() { busctl --user --timeout=5 call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 "$@" 2>&1; }
# The daemon's clock, in whole seconds since the epoch.
now() { call GetStatus | grep -o '"Now" t [0-9]*' | awk '{ print int($3 / 1000000) }'; }
ql() { printf '%s\n' "$@" >>"$tmp/queue_log"; }

day=2026-12-02
{ echo "operator,name,team,start,end"; echo "1001,Operator 1001,support,${day}T08:00:00+09:00,${day}T17:00:00+09:00"; } \
        >"$tmp/roster.csv"
: >"$tmp/queue_log"
mkdir -p "$tmp/feeds" "$tmp/env"
# The action: records its verb and environment, one file per run.
cat >"$tmp/record" <<EOF
#!/bin/sh
env | grep -E '^(RESPITE_|PATH=)' | sort >"$tmp/env/\$RESPITE_EVENT.\$RESPITE_BREAK_UID.\$\$"
echo "verb=\$1" >>"$tmp/env/\$RESPITE_EVENT.\$RESPITE_BREAK_UID.\$\$"
echo "told the queue: \$1 \$RESPITE_AGENT"
EOF
chmod +x "$tmp/record"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Tokyo"; };
categories = (
        { name = "verbal_abuse"; label = "an abusive call"; recovery = "2min"; },
        { name = "prolonged_call"; label = "a very long call"; points = 2; },
        { name = "repeat_caller"; label = "a caller who kept calling back"; points = 4; }
);
sources = { rosters = [ "$tmp/roster.csv" ]; calls = ( { path = "$tmp/queue_log"; format = "queue_log"; } ); };
feeds = { directory = "$tmp/feeds"; listen = ""; };
actions = {
        break_start = [ "$tmp/record", "pause" ];
        break_end = [ "$tmp/record", "unpause" ];
        break_due = [ "$tmp/record", "due" ];
        timeout = "5s";
};
EOF

# Every break signal, with the daemon's instants.
/usr/bin/python3 - "$top/tests" >"$tmp/signals" 2>&1 <<'EOF' &
import sys; sys.path.insert(0, sys.argv[1])
import dbus, dbus.mainloop.glib
from listen import subscribe
from gi.repository import GLib
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
def on(member):
    def f(operator, uid, kind, start, end, reason):
        print(member, operator, uid, kind, int(start) // 1000000, int(end) // 1000000, flush=True)
    return f
bus = dbus.SessionBus()
for member in ("BreakScheduled", "BreakStarted", "BreakEnded"):
    bus.add_signal_receiver(on(member), member, "org.respite.Scheduler1")
subscribe(bus)
print("listening", flush=True)
GLib.MainLoop().run()
EOF
pids+=($!)
wait_for "$tmp/signals" "listening" 10

# 10 times the real pace: a minute of the day lasts 6 s.
"$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" \
        --clock ${day}T10:00:00 --speed 10 >"$tmp/respited.log" 2>&1 &
pids+=($!)
check "respited starts" wait_count "$tmp/respited.log" "Serving org.respite.Scheduler1" 1 20
check "the listener subscribes to its signals" wait_count "$tmp/signals" "^subscribed" 1 10

# 1001 logs in and answers a call; a lead reports the caller's abuse.
t=$(now)
ql "$t|l1|NONE|SIP/1001|AGENTLOGIN|" "$t|c1|support|NONE|ENTERQUEUE||anon-1|1" "$t|c1|support|SIP/1001|CONNECT|1|c1.1|1"
on_call() { call ListAgentStates s 1001 | grep -q '"on_call"'; }
wait_on_call() { local i; for ((i = 0; i < 100; i++)); do on_call && return 0; sleep 0.1; done; return 1; }
check "the CONNECT puts 1001 on a call" wait_on_call
out=$("$bin/respitectl" --user report 1001 verbal_abuse 2>&1)
check "respitectl report during the call says the break waits for its end" \
        grep -q "Recovery break for 1001 (2min), after an abusive call (verbal_abuse); 1001 is on a call since [0-9:]*: it begins when the call ends." <<<"$out"
check "the recovery break is due: 1001 is on a call" \
        wait_count "$tmp/respited.log" "1001: recovery break due: on a call since" 1 10
check "... BreakStarted is not sent while the call lasts" test "$(count "$tmp/signals" "^BreakStarted")" = 0
check "... the break_due action ran" wait_count "$tmp/respited.log" "told the queue: due SIP/1001" 1 10

# The call ends a minute and a half later.
sleep 9
end=$(now)
ql "$end|c1|support|SIP/1001|COMPLETECALLER|1|120|1"
check "the break begins when the call ends" \
        wait_count "$tmp/respited.log" "1001: recovery break begins at the end of the call" 1 15
# The log line can come before the listener has written the signal down.
wait_count "$tmp/signals" "^BreakStarted 1001" 1 10
read -r _ _ uid _ start stop < <(grep "^BreakStarted 1001" "$tmp/signals" | head -1)
check "BreakStarted: at the call's end (within 2 s)" test "$((start - end))" -ge 0 -a "$((start - end))" -le 2
check "... it keeps its length (2 min)" test "$((stop - start))" = 120
check "the break_start action ran" wait_count "$tmp/respited.log" "told the queue: pause SIP/1001" 1 10

# The ACD pauses 1001 (as the action asked) until the break ends.
ql "$(now)|p1|NONE|SIP/1001|PAUSE|respite"
check "BreakEnded at its end" wait_count "$tmp/signals" "^BreakEnded 1001 $uid" 1 15
ql "$(now)|p1|NONE|SIP/1001|UNPAUSE|"
check "the break_end action ran" wait_count "$tmp/respited.log" "told the queue: unpause SIP/1001" 1 10
check "the log says it was taken" grep -q "1001: recovery break taken (off the phones" "$tmp/respited.log"
out=$(call GetMetrics)
check "GetMetrics: 1 recovery break taken" grep -q '"recovery" 1 0 0' <<<"$out"
check "... and the break held for the call counts as moved" grep -q '"BreaksMoved" u 1 ' <<<"$out"
check "... and the shortfall the shifts alone force, in all and per team" \
        grep -q '"ShortfallForcedOperatorMinutes" t [0-9]* "ShortfallForced" a{st} 1 "support" [0-9]* ' <<<"$out"
check "1001's feed says so" wait_for "$tmp/feeds/1001.ics" "X-RESPITE-ADHERENCE:taken" 10

# The documented environment, and no category (privacy).
f=$(ls "$tmp"/env/break_start.* 2>/dev/null | head -1)
for v in "RESPITE_EVENT=break_start" "RESPITE_OPERATOR=1001" "RESPITE_AGENT=SIP/1001" "RESPITE_TEAM=support" \
         "RESPITE_BREAK_KIND=recovery" "RESPITE_BREAK_UID=$uid" "RESPITE_REASON=Break" \
         "RESPITE_BREAK_START_USEC=${start}[0-9]{6}" "RESPITE_BREAK_END_USEC=${stop}[0-9]{6}" "verb=pause"; do
        check "break_start's environment: $v" grep -Eqx "$v" "$f"
done
check "... the start as ISO 8601 UTC" grep -qx "RESPITE_BREAK_START=$(date -u -d "@$start" +%Y-%m-%dT%H:%M:%SZ)" "$f"
check "... never the category, nor that it is a recovery in the public reason" \
        bash -c "! grep -qi abus $tmp/env/* && ! grep -qi 'REASON=.*recovery' $tmp/env/*"

# A second abuse: the break begins (1001 is free); a call answered during
# it cuts it, and the rest follows that call.
out=$(call ReportIncident ssts 1001 verbal_abuse 0 "")
check "a second recovery break begins" wait_count "$tmp/signals" "^BreakStarted 1001" 2 15
second=$(grep "^BreakStarted 1001" "$tmp/signals" | sed -n 2p | cut -d' ' -f3)
rest=${second%@respite}-rest@respite
ql "$(now)|p2|NONE|SIP/1001|PAUSE|respite"
sleep 2
t=$(now)
ql "$t|p2|NONE|SIP/1001|UNPAUSE|" "$t|c2|support|NONE|ENTERQUEUE||anon-2|1" "$t|c2|support|SIP/1001|CONNECT|1|c2.1|1"
check "a call answered during it interrupts it" \
        wait_count "$tmp/respited.log" "a call answered during a break interrupts it" 1 10
check "... it ends at the call" wait_count "$tmp/signals" "^BreakEnded 1001 $second" 1 10
check "... the rest is scheduled" wait_count "$tmp/signals" "^BreakScheduled 1001 $rest" 1 10
check "... and due while the call lasts" wait_count "$tmp/respited.log" "told the queue: due SIP/1001" 2 10
check "... judged partly taken" wait_count "$tmp/respited.log" "1001: recovery break partly taken" 1 10
sleep 6
end=$(now)
ql "$end|c2|support|SIP/1001|COMPLETEAGENT|1|60|1"
check "the rest begins when the call ends" wait_count "$tmp/signals" "^BreakStarted 1001 $rest" 1 15
read -r _ _ _ _ start _ < <(grep "^BreakStarted 1001 $rest" "$tmp/signals")
check "... at the call's end (within 2 s)" test "$((start - end))" -ge 0 -a "$((start - end))" -le 2
check "GetMetrics: 1 recovery break partly taken" grep -q '"recovery" 1 1 0' <<<"$(call GetMetrics)"
out=$("$bin/respitectl" --user status)
check "respitectl status counts the actions" grep -Eq "^Actions: +[0-9]+ run, [0-9]+ succeeded, 0 failed" <<<"$out"

# A statutory break (jp: 12:00-13:00 for this shift) comes due during a
# call, and the break_start action hangs: killed at its timeout while
# respited keeps serving.
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null
: >"$tmp/queue_log"
ln -s "$top/conf/presets" "$tmp/presets"
printf '#!/bin/sh\necho "asking the queue, which does not answer"\nexec sleep 60\n' >"$tmp/hang"
chmod +x "$tmp/hang"
cat >"$tmp/statutory.conf" <<EOF
site = { timezone = "Asia/Tokyo"; };
@include "presets/jp.conf"
sources = { rosters = [ "$tmp/roster.csv" ]; calls = ( { path = "$tmp/queue_log"; format = "queue_log"; } ); };
feeds = { listen = ""; };
actions = { break_start = [ "$tmp/hang" ]; break_due = [ "$tmp/record", "due" ]; timeout = "2s"; retries = 0; };
EOF
out=$("$bin/respitectl" plan --config "$tmp/statutory.conf" --roster "$tmp/roster.csv" --format csv 2>/dev/null)
check "offline, the statutory break is at 12:00" grep -q "^1001,statutory,${day}T12:00:00+09:00" <<<"$out"
"$bin/respited" --user --config "$tmp/statutory.conf" --state-dir "$tmp/state2" \
        --clock ${day}T11:58:30 --speed 10 >"$tmp/statutory.log" 2>&1 &
pids+=($!)
check "respited starts at 11:58:30" wait_count "$tmp/statutory.log" "Serving org.respite.Scheduler1" 1 20
check "the listener subscribes to the new respited" wait_count "$tmp/signals" "^subscribed" 2 10
t=$(now)
ql "$t|l2|NONE|SIP/1001|AGENTLOGIN|" "$t|c3|support|NONE|ENTERQUEUE||anon-3|1" "$t|c3|support|SIP/1001|CONNECT|1|c3.1|1"
check "the statutory break is due at 12:00: 1001 is on a call" \
        wait_count "$tmp/statutory.log" "1001: statutory break due: on a call since" 1 20
sleep 6
end=$(now)
ql "$end|c3|support|SIP/1001|COMPLETEAGENT|1|150|1"
check "it begins when the call ends" \
        wait_count "$tmp/statutory.log" "1001: statutory break begins at the end of the call" 1 20
wait_count "$tmp/signals" "^BreakStarted 1001 .*statutory" 1 10
read -r _ _ _ _ start stop < <(grep "^BreakStarted 1001 .*statutory" "$tmp/signals" | tail -1)
check "... at the call's end (within 2 s)" test "$((start - end))" -ge 0 -a "$((start - end))" -le 2
check "... keeping its length (1 h)" test "$((stop - start))" = 3600
check "the hanging break_start action runs" wait_count "$tmp/statutory.log" "asking the queue" 1 10
out=$(call GetStatus)
check "GetStatus answers while it hangs" grep -q '"ActionsRunning" u 1' <<<"$out"
check "it is killed at its timeout" wait_count "$tmp/statutory.log" "action break_start for 1001 .*timeout" 1 20
out=$(call GetStatus)
check "GetStatus counts it timed out and failed" \
        bash -c "grep -q '\"ActionsTimedOut\" t 1' <<<'$out' && grep -q '\"ActionsFailed\" t 1' <<<'$out'"
check "... and says why, naming no operator" grep -q '"ActionLastFailure" s "break_start at [^"]*: a timeout after 2s"' <<<"$out"

[ "$failed" -eq 0 ] || { echo "# respited's logs:"; sed 's/^/#   /' "$tmp/respited.log" "$tmp/statutory.log" | tail -80;
                         echo "# signals:"; sed 's/^/#   /' "$tmp/signals"; }
finish "# breaks: "
