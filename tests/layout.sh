#!/usr/bin/env bash
# The layout keeps its shape (README.md, Layout): each layer of src/
# includes only the layers below it, the D-Bus names live in one header, and
# no C file grows past 1,000 lines. Usage: tests/layout.sh
set -uo pipefail
. "$(dirname "$0")/lib.sh"

cd "$top" || exit 1

# The layers each layer may include, itself first.
declare -A may=(
        [shared]="shared"
        [core]="core shared"
        [import]="import core shared"
        [publish]="publish core shared"
        [daemon]="daemon import publish core shared"
        [ctl]="ctl import publish core shared"
        [notify]="notify shared"
)
# The policy names each module's settings, so its header includes their
# headers for the types alone (SourceOptions, FeedSettings, AccessMap,
# ActionSettings).
allowed_up="src/core/policy.h:daemon/access.h src/core/policy.h:daemon/actions.h src/core/policy.h:import/source.h src/core/policy.h:publish/http.h"

for layer in shared core import publish daemon ctl notify; do
        bad=()
        while IFS=: read -r file include; do
                used=${include%%/*}
                case " ${may[$layer]} " in *" $used "*) continue ;; esac
                case " $allowed_up " in *" $file:$include "*) continue ;; esac
                bad+=("$file includes $include")
        done < <(grep -Ho '#include "[a-z]*/[^"]*"' src/"$layer"/*.[ch] | sed 's/#include "\(.*\)"/\1/')
        if [ ${#bad[@]} -eq 0 ]; then
                ok "src/$layer includes only ${may[$layer]// /, }"
        else
                fail "src/$layer reaches above its layer: ${bad[*]}"
        fi
done

contract=$(grep -rl 'org\.respite\.Scheduler1' src)
check "the bus name is written in one header only (shared/bus-contract.h)" test "$contract" = "src/shared/bus-contract.h"

long=$(find src tests fuzz bench -name '*.c' -exec wc -l {} + | awk '$2 != "total" && $1 > 1000 { print $2 " (" $1 " lines)" }')
check "no C file over 1,000 lines${long:+: $long}" test -z "$long"

finish
