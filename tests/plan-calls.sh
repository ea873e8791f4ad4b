#!/usr/bin/env bash
# The planner with the operators' calls over the bank's four months
# (../shared/data/anonbank-1999): `respitectl plan --metrics` with each
# month's calls gives 0 statutory violations, no break starting inside a
# call of its operator, and every recovery after a call of 60 min or more
# begun within 2 minutes of the call's end. First, a queue_log's pauses
# (tests/fixtures/queue_log-pauses): under jp (statutory.pauses_count) the
# 50 min 1127 took at 12:00 cover the 45 min of a 7-h shift, 8007's pause
# never closed does not count; without pauses_count both get 45 min.
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
        if ! "$bin/respitectl" plan --config "$top/conf/respite.conf" \
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
done

finish
