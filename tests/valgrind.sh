#!/usr/bin/env bash
# The integration test with respited and respitectl under valgrind: any
# invalid read or write, use of uninitialised memory or definitely lost
# block fails it. Usage: tests/valgrind.sh BUILDDIR (a build without
# sanitizers; valgrind cannot run ASan binaries).
set -uo pipefail

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v valgrind >/dev/null; then
        echo "skip - valgrind is not installed"; echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --suppressions="$top/tests/valgrind.supp" --log-file="$logs/vg.%p.log")
export RESPITE_WRAP="${vg[*]}"
"$top/tests/integration.sh" "$build"
rc=$?

found=0
for f in "$logs"/vg.*.log; do
        [ -s "$f" ] || continue
        echo "FAIL - valgrind found errors (${f##*/}):"
        cat "$f"
        found=$((found + 1))
done
echo "valgrind: $(ls "$logs" | wc -l) processes checked, $found with errors"
[ $rc -eq 0 ] && [ $found -eq 0 ]
