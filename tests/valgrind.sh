#!/usr/bin/env bash
# The integration test with respited and respitectl under valgrind: any
# invalid read or write, use of uninitialised memory or definitely lost
# block fails it. Usage: tests/valgrind.sh BUILDDIR (a build without
# sanitizers; valgrind cannot run ASan binaries).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
if ! command -v valgrind >/dev/null; then
        skip "valgrind is not installed"; finish; exit
fi
logs=$tmp

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
