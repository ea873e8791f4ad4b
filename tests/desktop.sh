# shellcheck shell=bash
# A desktop for the notification tests (sourced after lib.sh): an X server
# and dunst, the real notification server, on the private session bus.
#
# start_xvfb        starts Xvfb and exports its DISPLAY
# start_dunst       starts dunst with the test's $tmp/dunstrc (its urgency
#                   sections end each message with "<i>URGENCY</i>", which
#                   history_has reads); dunst_pid is its pid; returns 1 when
#                   dunstctl does not answer within 5 s
# displayed_within SECONDS N
#                   until dunst displays at least N notifications
# displayed_is N SECONDS
#                   until dunst displays exactly N notifications
# history_count PATTERN
#                   prints how many entries of dunst's history have a
#                   summary matching PATTERN
# history_has PATTERN URGENCY BODY...
#                   whether an entry of dunst's history whose summary
#                   matches PATTERN has URGENCY and every BODY text

start_xvfb() {
        local i
        Xvfb -displayfd 4 -screen 0 1024x768x24 -nolisten tcp 4>"$tmp/display" 2>"$tmp/xvfb.log" &
        pids+=($!)
        for ((i = 0; i < 100; i++)); do [ -s "$tmp/display" ] && break; sleep 0.05; done
        export DISPLAY=":$(head -n1 "$tmp/display")"
}

start_dunst() {
        local i
        dunst -config "$tmp/dunstrc" >>"$tmp/dunst.log" 2>&1 &
        dunst_pid=$!
        pids+=($dunst_pid)
        for ((i = 0; i < 100; i++)); do dunstctl is-paused >/dev/null 2>&1 && return 0; sleep 0.05; done
        return 1
}

displayed_within() {
        local i
        for ((i = 0; i < $1 * 20; i++)); do
                [ "$(dunstctl count displayed 2>/dev/null)" -ge "$2" ] 2>/dev/null && return 0
                sleep 0.05
        done
        return 1
}

displayed_is() {
        local i
        for ((i = 0; i < $2 * 20; i++)); do
                [ "$(dunstctl count displayed 2>/dev/null)" = "$1" ] && return 0
                sleep 0.05
        done
        return 1
}

history_count() {
        dunstctl history | python3 -c '
import json, re, sys
entries = json.load(sys.stdin)["data"][0]
print(sum(1 for e in entries if re.search(sys.argv[1], e["summary"]["data"])))' "$1"
}

history_has() {
        dunstctl history | python3 -c '
import json, re, sys
pattern, urgency, bodies = sys.argv[1], sys.argv[2], sys.argv[3:]
for e in json.load(sys.stdin)["data"][0]:
    if re.search(pattern, e["summary"]["data"]) and e["message"]["data"].endswith("<i>" + urgency + "</i>") \
       and all(b in e["body"]["data"] for b in bodies):
        sys.exit(0)
sys.exit(1)' "$@"
}
