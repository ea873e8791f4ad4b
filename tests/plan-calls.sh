#!/usr/bin/env bash
# The planner with the operators' calls over the bank's four months
# (../shared/data/anonbank-1999): `respitectl plan --metrics` with each
# month's calls gives 0 statutory violations, no break starting inside a
# call of its operator, every recovery after a call of 60 min or more
# begun within 2 minutes of the call's end, and per team a shortfall forced
# by the roster that is part of the coverage shortfall. First, a queue_log's pauses
# (tests/fixtures/queue_log-pauses): under jp (statutory.pauses_count) the
# 50 min 1127 took at 12:00 cover the 45 min of a 7-h shift, 8007's pause
# never closed does not count; without pauses_count both get 45 min. Then
# how --metrics replays incidents (tests/fixtures/roster-replay.csv): two
# threats received at one instant each get their recovery, and a revision
# revises the operator's whole team, as respited does.
# Usage: tests/plan-calls.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
data="$top/../shared/data/anonbank-1999"
bin="$top/$build"

# The statutory minutes and violations of `plan --metrics --json` under
# the jp preset with pauses_count set to $1.
pause_metrics() {
        # libconfig reads @include relative to the file: a copy beside it.
        sed "s/pauses_count = true;/pauses_count = $1;/" "$top/conf/presets/jp.conf" >"$tmp/jp-$1.conf"
        printf 'site = { timezone = "UTC"; };\n@include "jp-%s.conf"\n' "$1" >"$tmp/pauses-$1.conf"
        "$bin/respitectl" plan --config "$tmp/pauses-$1.conf" --roster "$top/tests/fixtures/roster-pauses.csv" \
                --calls "$top/tests/fixtures/queue_log-pauses" --metrics --json 2>"$tmp/pauses-$1.err" |
                python3 -c 'import json, sys; m = json.load(sys.stdin)
print(m["break_minutes"]["statutory"], m["statutory_violations"])'
}
check "queue_log pauses, pauses_count: only 8007's 45 min placed, no violation" \
        test "$(pause_metrics true)" = "45 0"
check "queue_log pauses, no pauses_count: 45 min each" test "$(pause_metrics false)" = "90 0"
# Adherence: 1127 was paused over the whole of their break (taken); 8007's
# pause never closed, so nothing is known of them.
out=$("$bin/respitectl" plan --config "$tmp/pauses-false.conf" --roster "$top/tests/fixtures/roster-pauses.csv" \
        --calls "$top/tests/fixtures/queue_log-pauses" --metrics 2>/dev/null)
check "--metrics: the statutory break 1127 paused over is taken, 8007's unknown" \
        grep -qx "adherence statutory: 1 taken, 0 partly taken, 0 not taken" <<<"$out"
out=$("$bin/respitectl" plan --config "$tmp/pauses-false.conf" --roster "$top/tests/fixtures/roster-pauses.csv" \
        --calls "$top/tests/fixtures/queue_log-pauses" --metrics --json 2>/dev/null)
check "--metrics --json: adherence" test "$(python3 -c 'import json, sys
print(json.load(sys.stdin)["adherence"])' <<<"$out")" = "{'statutory': {'taken': 1, 'partly_taken': 0, 'not_taken': 0}}"

# --metrics replays the incidents one revision at each receipt. Team a
# needs 2 of its 3 on the phones; b has no requirement.
cat >"$tmp/replay.conf" <<'EOF'
site = { timezone = "UTC"; };
categories = (
        { name = "verbal_abuse"; label = "an abusive call"; recovery = "10min"; },
        { name = "threat"; label = "a threatening call"; recovery = "20min"; },
        { name = "unreasonable_demand"; label = "unreasonable demands"; points = 4; },
        { name = "prolonged_call"; label = "a very long call"; points = 2; },
        { name = "repeat_caller"; label = "a caller who kept calling back"; points = 4; }
);
accumulation = { window = "60min"; threshold = 6; break = "10min"; max_delay = "15min"; };
coverage = { bands = ( { team = "a"; from = "09:00"; to = "17:00"; minimum = 2; } ); };
EOF
replay_metrics() {
        "$bin/respitectl" plan --config "$tmp/replay.conf" --roster "$top/tests/fixtures/roster-replay.csv" \
                --incidents "$top/tests/fixtures/$1" --metrics 2>"$tmp/replay.err"
}
# a1 and b1 (two teams, two revisions) threatened at 10:00: the revision
# for b1 at the instant of a1's is made too.
out=$(replay_metrics incidents-same-instant.csv)
check "--metrics: two threats received at one instant, two recovery breaks" \
        grep -qx 'recovery breaks: 2' <<<"$out"
# a3's threat (09:45-10:05) sends a2's deferrable break, earned at 10:00,
# to 10:05; a1's verbal abuse at 10:03 (10:03-10:13) then leaves team a
# one short there. Revising a1's team moves a2's break to 10:13, where
# two stay on the phones: 2 operator-minutes short (10:03-10:05), not 10.
out=$(replay_metrics incidents-team-revision.csv)
check "--metrics: an incident revises its operator's team (another's break moves)" \
        grep -qx 'breaks moved by revisions: 1' <<<"$out"
check "... and the team keeps its coverage where it can" \
        grep -qx 'coverage shortfall: 2 operator-minutes (2 while operators were on recovery)' <<<"$out"

if [ ! -d "$data" ]; then
        skip "the bank's months and the PBXware queue_log (../shared/data absent)"
        finish
        exit
fi

# The real PBXware queue_log: its six agents on a 09:00-18:00 shift each day
# it covers, under jp; no break starts inside one of their calls.
queue_log="$data/../asterisk-queue_log/pbxware-2018.queue_log"
{ echo "operator,name,team,start,end"
  for d in 2018-11-30 2018-12-03 2018-12-04; do
          for op in 1109 1126 1127 1128 1141 1144; do echo "$op,Agent $op,it,${d}T09:00:00Z,${d}T18:00:00Z"; done
  done
} >"$tmp/roster-pbxware.csv"
out=$("$bin/respitectl" plan --config "$tmp/pauses-false.conf" --roster "$tmp/roster-pbxware.csv" \
        --calls "$queue_log" --metrics 2>"$tmp/pbxware.err")
check "PBXware queue_log: its calls are known to the planner" grep -q '^break starts inside a call: 0$' <<<"$out"
check "... 0 statutory violations" grep -qx 'statutory violations: 0' <<<"$out"

for month in 01 02 03 04; do
        out="$tmp/metrics-$month.txt"
        if ! "$bin/respitectl" plan --config "$top/conf/demo.conf" \
                        --roster "$data/roster-1999-$month.csv" --calls "$data/calls-1999-$month.csv" \
                        --metrics >"$out" 2>"$tmp/metrics-$month.err"; then
                fail "1999-$month: respitectl plan --metrics failed: $(head -c 300 "$tmp/metrics-$month.err")"
                continue
        fi
        check "1999-$month: 0 statutory violations" grep -qx 'statutory violations: 0' "$out"
        check "1999-$month: no break starts inside a call" grep -qx 'break starts inside a call: 0' "$out"
        line=$(grep '^recoveries after a call of 60 min or more: ' "$out")
        if [[ $line =~ :\ ([0-9]+),\ started\ within\ 2\ min\ of\ the\ call\'s\ end:\ ([0-9]+), ]] &&
           [ "${BASH_REMATCH[1]}" -gt 0 ] && [ "${BASH_REMATCH[1]}" -eq "${BASH_REMATCH[2]}" ]; then
                ok "1999-$month: every recovery after a call of 60 min or more begins within 2 min ($line)"
        else
                fail "1999-$month: recoveries after long calls: '${line:-no such line}'"
        fi
        # Per team, the shortfall the roster forces (its shifts alone) is
        # part of the shortfall; the total is the teams' sum.
        check "1999-$month: per team, the shortfall forced by the roster is part of the shortfall" awk '
                /^coverage shortfall forced by the roster: [0-9]+ operator-minutes$/ { total = $7; seen = 1 }
                /^coverage shortfall [^ ]+: [0-9]+ of [0-9]+ operator-minutes \([0-9]+ forced by the roster\)$/ {
                        s = $4; f = substr($8, 2); teams++; sum += f
                        if (f + 0 > s + 0 || s + 0 > $6 + 0) bad = 1
                }
                END { exit !(seen && teams > 0 && !bad && sum == total) }' "$out"
done

finish
