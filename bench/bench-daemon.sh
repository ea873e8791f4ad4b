#!/usr/bin/env bash
# The daemon end to end at large sites: for each size, a synthetic site
# (bench/bench-daemon-site.py: teams of 15, jp preset, fixed coverage, one
# day in Asia/Tokyo, replayed from 11:00 with --clock) and the real respited
# on a private session bus, measured by bench-daemon (bench/bench-daemon.c):
# time to READY=1, RSS, sequential threat incidents to reply and to
# BreakScheduled, daemon CPU and feed files per incident; then at
# BENCH_SUSTAIN_SIZE operators a sustained load of incidents and queue_log
# call records. Prints Markdown; nothing is asserted. See bench/README.md.
#
# Usage: bench/bench-daemon.sh [-b BUILDDIR] [SIZE...]   (default 1000 10000 100000)
# Environment (defaults in brackets):
#   BENCH_INCIDENTS        sequential incidents per size [200]
#   BENCH_TIMEOUT          seconds for the incidents phase of each size [600]
#   BENCH_DRAIN            seconds to wait for the sustained load's late answers [60]
#   BENCH_READY_TIMEOUT    seconds to wait for READY=1 [1200]
#   BENCH_SUSTAIN          seconds of sustained load, 0 for none [60]
#   BENCH_SUSTAIN_SIZE     the site it runs on; skipped when not a SIZE [10000]
#   BENCH_RATE, BENCH_CALLS  ReportIncident/s and call records/s [50, 500]
#   KEEP                   keep the temporary directory (logs, sites)
set -euo pipefail

build=build
if [ "${1:-}" = -b ]; then build=$2; shift 2; fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/$build"
incidents=${BENCH_INCIDENTS:-200}
timeout=${BENCH_TIMEOUT:-600}
ready_timeout=${BENCH_READY_TIMEOUT:-1200}
sustain=${BENCH_SUSTAIN:-60}
sustain_size=${BENCH_SUSTAIN_SIZE:-10000}
for prog in bench-daemon respited; do
        if [ ! -x "$bin/$prog" ]; then
                echo "bench-daemon.sh: $bin/$prog is missing; build it first (make bench, or make $build/$prog)" >&2
                exit 1
        fi
done
tmp=$(mktemp -d)
bus_pid=

cleanup() {
        [ -z "$bus_pid" ] || kill "$bus_pid" 2>/dev/null || true
        wait 2>/dev/null || true
        if [ -n "${KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

dbus-daemon --session --nofork --nopidfile --print-address=3 3>"$tmp/bus-address" 2>/dev/null &
bus_pid=$!
for ((i = 0; i < 50; i++)); do [ -s "$tmp/bus-address" ] && break; sleep 0.1; done
export DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$tmp/bus-address")

# Today in the site's zone, replayed from 11:00: most shifts are running.
day=$(TZ=Asia/Tokyo date +%F)
clock="${day}T11:00:00"

# site SIZE NAME: a fresh site (and state) for one run of respited.
site() {
        rm -rf "${tmp:?}/$2"
        /usr/bin/python3 "$top/bench/bench-daemon-site.py" "$1" "$day" "$tmp/$2"
}

# run SIZE NAME ARGS...: bench-daemon on site NAME.
run() {
        local n=$1 name=$2; shift 2
        "$bin/bench-daemon" --site "$tmp/$name" --label "$n" --timeout "$timeout" --ready-timeout "$ready_timeout" "$@" \
                -- "$bin/respited" --user --config "$tmp/$name/respite.conf" --state-dir "$tmp/$name/state" \
                --clock "$clock" 2>>"$tmp/$name/respited.log" || true
}

echo
echo "respited $(git -C "$top" log -1 --format=%h -- src 2>/dev/null || echo '?') (the last commit of src/)," \
     "$(nproc) CPUs," \
     "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r), $(date -u +%F)," \
     "load average $(cut -d' ' -f1 /proc/loadavg) before the run." \
     "Site day $day (Asia/Tokyo), clock from 11:00; $incidents threat incidents one after another per size."
echo
echo "| operators | ready (READY=1) | RSS idle | RSS after incidents | incidents | ReportIncident → BreakScheduled p50 / p95 / p99 (ms) | reply p50 / p95 / p99 (ms) | daemon CPU per incident | feed files per incident |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "${sizes[@]}"; do
        site "$n" "site-$n"
        run "$n" "site-$n" --incidents "$incidents"
done

if [ "$sustain" -gt 0 ] && [[ " ${sizes[*]} " == *" $sustain_size "* ]]; then
        site "$sustain_size" sustain
        run "$sustain_size" sustain --incidents 0 --sustain "$sustain" --drain "${BENCH_DRAIN:-60}" \
                --rate "${BENCH_RATE:-50}" --calls "${BENCH_CALLS:-500}"
fi
