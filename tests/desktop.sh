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
# start_monitor     records every Notify call on the session bus
#                   (dbus-monitor) in $tmp/monitor.log
# notify_calls      prints one line per Notify call recorded, as JSON:
#                   replaces_id, summary, body, actions (key, label, …),
#                   urgency and expire

start_xvfb() {
        local i
        Xvfb -displayfd 4 -screen 0 1024x768x24 -nolisten tcp 4>"$tmp/display" 2>"$tmp/xvfb.log" &
        pids+=($!)
        # Up to 20 s: a loaded machine once took more than 5 (DISPLAY ":" and dunst crashed).
        for ((i = 0; i < 400; i++)); do [ -s "$tmp/display" ] && break; sleep 0.05; done
        [ -s "$tmp/display" ] || echo "Xvfb gave no display within 20 s: $(tail -3 "$tmp/xvfb.log")" >&2
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

start_monitor() {
        local i
        dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
                >"$tmp/monitor.log" 2>&1 &
        pids+=($!)
        for ((i = 0; i < 100; i++)); do [ -s "$tmp/monitor.log" ] && return 0; sleep 0.05; done
        return 1
}

notify_calls() {
        python3 - "$tmp/monitor.log" <<'EOF'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
call = re.compile(r'member=Notify\n   string "(.*?)"\n   uint32 (\d+)\n   string "(.*?)"\n   string "(.*?)"\n'
                  r'   string "(.*?)"\n   array \[\n?(.*?)\]\n   array \[\n(.*?)\n   \]\n   int32 (-?\d+)\n', re.S)
for m in call.finditer(text):
    actions = re.findall(r'^      string "(.*)"$', m.group(6), re.M)
    urgency = re.search(r'string "urgency"\n\s+variant\s+byte (\d+)', m.group(7))
    print(json.dumps({"replaces_id": int(m.group(2)), "summary": m.group(4), "body": m.group(5), "actions": actions,
                      "urgency": int(urgency.group(1)) if urgency else None, "expire": int(m.group(8))},
                     ensure_ascii=False))
EOF
}
