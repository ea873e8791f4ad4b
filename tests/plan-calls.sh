#!/usr/bin/env bash
# The planner with the operators' calls over the bank's four months
# (../shared/data/anonbank-1999): `respitectl plan --metrics` with each
# month's calls gives 0 statutory violations, no break starting inside a
# call of its operator, and every recovery after a call of 60 min or more
# begun within 2 minutes of the call's end. Usage: tests/plan-calls.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
data="$top/../shared/data/anonbank-1999"
bin="$top/$build"

if [ ! -d "$data" ]; then
        skip "the bank's months with their calls (../shared/data absent)"
        finish
        exit
fi

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
