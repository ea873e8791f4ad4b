#!/usr/bin/env bash
# Run fuzz targets one after another: fuzz/run.sh BUILDDIR SECONDS TARGET...
# Each target starts from a fresh seed corpus (fuzz/make-corpus.sh) plus what
# earlier runs kept in BUILDDIR/corpus/TARGET, runs for SECONDS under
# `nice`, and reports its executions. A crash, leak or hang leaves its input
# in BUILDDIR/crashes/ and fails the run.
set -uo pipefail

build=${1:?usage: run.sh BUILDDIR SECONDS TARGET...}
seconds=${2:?}
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mkdir -p "$build/crashes" "$build/logs"
# libconfig 1.5 leaks a string token's buffer on a syntax error (fuzz/README.md).
export LSAN_OPTIONS="suppressions=$top/fuzz/lsan.supp:print_suppressions=0"
"$top/fuzz/make-corpus.sh" "$build/corpus" || exit 1
passed=0 failed=0

for t in "$@"; do
        bin="$build/fuzz-$t"
        log="$build/logs/$t.log"
        if [ ! -x "$bin" ]; then
                echo "fuzz-$t: not built"; failed=$((failed + 1)); continue
        fi
        mkdir -p "$build/corpus/$t"
        nice -n 10 "$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
                -artifact_prefix="$build/crashes/$t-" "$build/corpus/$t" >"$log" 2>&1
        rc=$?
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        secs=$(sed -n 's/^stat::.*//; s/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log")
        if [ $rc -eq 0 ]; then
                echo "fuzz-$t: ${runs:-?} executions in ${secs:-$seconds} s, no finding"
                passed=$((passed + 1))
        else
                echo "fuzz-$t: FINDING after ${runs:-?} executions (exit $rc); see $log"
                grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5
                failed=$((failed + 1))
        fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
