#!/usr/bin/env bash
# respite-notify against a real notification server: Xvfb and dunst on a
# private session bus, respited --user on the same bus, and respitectl's
# output for every command (the --json forms through python3 -m json.tool).
# Skips when Xvfb or dunst are missing (tools/install-deps installs them).
# Usage: tests/notify.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/desktop.sh"

build=${1:-build}
bin="$top/$build"
ctl="$bin/respitectl"

for tool in Xvfb dunst dunstctl import dbus-monitor; do
        if ! command -v $tool >/dev/null; then
                skip "respite-notify under Xvfb and dunst: $tool is missing (sudo make deps installs it)"
                finish
                exit
        fi
done

# The language of the user's locale, also one not installed (Debian has
# only C.UTF-8 unless told), and English in C.
check "respite-notify --help under LANG=ja_JP.UTF-8 speaks Japanese" \
        bash -c 'env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=ja_JP.UTF-8 RESPITE_LOCALEDIR="$1/locale" \
                "$1/respite-notify" --help | grep -q "^使い方: respite-notify \[オプション\]$"' _ "$bin"
check "and so does respitectl --help" bash -c 'env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=ja_JP.UTF-8 \
        RESPITE_LOCALEDIR="$1/locale" "$1/respitectl" --help | grep -q "^使い方: respitectl \[オプション\] コマンド"' _ "$bin"
check "and English under LANG=C" bash -c 'env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C \
        RESPITE_LOCALEDIR="$1/locale" "$1/respite-notify" --help | grep -q "^Usage: respite-notify"' _ "$bin"
# A bad option or argument: exit 2 (bad usage, as respitectl's) with a hint to --help.
out=$("$bin/respite-notify" --bogus 2>&1); rc=$?
check "respite-notify --bogus exits 2 and points to --help" \
        bash -c '[ "$1" -eq 2 ] && grep -q "unrecognized option" <<<"$2" && grep -qx "See respite-notify --help for the options." <<<"$2"' _ $rc "$out"
out=$(LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$bin/respite-notify" stray 2>&1); rc=$?
check "... and a stray argument exits 2 too, said in Japanese" \
        bash -c '[ "$1" -eq 2 ] && grep -q "respite-notify --help" <<<"$2" && ! grep -q "Unexpected" <<<"$2"' _ $rc "$out"

# A private session bus, an X server and dunst on them.
start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS WAYLAND_DISPLAY
export TZ=America/New_York

start_xvfb

cat >"$tmp/dunstrc" <<EOF
[global]
    font = Monospace 11
    width = 520
    origin = top-right
    offset = 10x10
    markup = full
    format = "<b>%s</b>\n%b"
    frame_width = 2
[urgency_low]
    timeout = 0
# dunstctl history leaves urgency out: each urgency formats its own
# message, which it keeps.
[urgency_normal]
    format = "<b>%s</b>\n%b\n<i>normal</i>"
    background = "#285577"
    foreground = "#ffffff"
    timeout = 0
[urgency_critical]
    format = "<b>%s</b>\n%b\n<i>critical</i>"
    background = "#900000"
    foreground = "#ffffff"
    frame_color = "#ff0000"
    timeout = 0
EOF
check "dunst runs under Xvfb ($DISPLAY) on a private session bus" start_dunst
check "dbus-monitor records the Notify calls" start_monitor
# calls PYTHON: whether the expression holds of c, the Notify calls recorded
# (notify_calls), a list of dicts.
calls() {
        notify_calls | python3 -c 'import json, sys; c = [json.loads(l) for l in sys.stdin]; sys.exit(0 if eval(sys.argv[1]) else 1)' "$1"
}

# respited on the same bus, at 09:00 of the example day in real time; the
# Unix user running the test is mapped to op16 (WhoAmI).
ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Jerusalem"; };
@include "presets/jp.conf"
sources = {
  rosters = [ "$top/conf/examples/anonbank-1999-01-04-roster.csv" ];
  calls = [ "$top/conf/examples/anonbank-1999-01-04-calls.csv" ];
};
access = { operators = ( { user = "$(id -un)"; operator = "op16"; } ); };
EOF
# start_daemon STATE HH:MM:SS [SPEED]
start_daemon() {
        "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/$1" --clock "1999-01-04T$2" --speed "${3:-1}" \
                >"$tmp/respited-$1.log" 2>&1 &
        daemon=$!
        pids+=($daemon)
        wait_for "$tmp/respited-$1.log" "Serving org.respite.Scheduler1" 20
}

# The agents start first: they wait for the daemon.
"$bin/respite-notify" --user >"$tmp/notify16.log" 2>&1 &
agent=$!
pids+=($agent)
# op27's desktop is Japanese: LANG=ja_JP.UTF-8, a locale Debian does not
# install by default (respite-notify takes its language all the same), and
# the translations of the build tree.
env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=ja_JP.UTF-8 RESPITE_LOCALEDIR="$bin/locale" \
        "$bin/respite-notify" --user --operator op27 >"$tmp/notify27.log" 2>&1 &
agent27=$!
pids+=($agent27)
check "respite-notify waits for respited" wait_for "$tmp/notify16.log" "waiting for it" 5

check "respited starts" start_daemon state-1 09:00:00
check "respite-notify asks respited which operator it is (WhoAmI)" \
        wait_for "$tmp/notify16.log" "Watching the breaks of operator op16" 5
check "a second agent watches op27, and says so in Japanese" wait_for "$tmp/notify27.log" "オペレーターop27の休憩を通知します。" 5
sleep 0.3
check "nothing shown before anything happens" test "$(dunstctl count displayed)" -eq 0

# A threat: op16 sees a critical notification within a second.
"$ctl" --user report op16 threat --note "threatened to come to the branch" >"$tmp/report.out" 2>"$tmp/report.err"
check "respitectl report prints the incident id" grep -Eq '^[0-9a-f]{32}$' "$tmp/report.out"
check "respitectl report says which break it earned" grep -q "Recovery break for op16: 1999-01-04 09:01 to 09:21" \
        "$tmp/report.err"
check "the notification is displayed within a second" displayed_within 1 1
mkdir -p "$top/$build"
if import -window root "$top/$build/notify-screenshot.png" 2>/dev/null; then
        ok "screenshot saved as $build/notify-screenshot.png"
else
        fail "screenshot of the notification"
fi
dunstctl close-all
sleep 0.2
check "dunst's history: critical, when and how long, in the operator's own words" \
        history_has "^Recovery break: 09:01, 20min$" critical "After a threatening call" "09:01" "09:21"
check "the desktop is in New York, the site in Jerusalem: the body says so" \
        history_has "^Recovery break: 09:01, 20min$" critical "Times in Asia/Jerusalem."
check "one action, the default (a click): no two identical buttons" \
        calls 'c and all(x["actions"] == ["default", "Show my day"] for x in c)'
check "short summaries, not cut by servers (40 characters at most)" calls 'all(len(x["summary"]) <= 40 for x in c)' 
check "the category name itself is not shown" bash -c "! dunstctl history | grep -q '(threat)'"
check "only op16's agent notified" bash -c "! grep -Eq 'Notifying|通知（' '$tmp/notify27.log'"
check "the recovery notice is critical and never expires (expire_timeout 0)" \
        calls 'any(x["urgency"] == 2 and x["expire"] == 0 and x["summary"].startswith("Recovery break") for x in c)'

# respited killed and restarted (at 09:50, a new state): the agent lives,
# finds it again and replaces the now stale notification.
kill -KILL $daemon
wait $daemon 2>/dev/null
check "respite-notify notices respited leaving" wait_for "$tmp/notify16.log" "respited left the bus" 5
check "and keeps running" alive $agent
check "respited starts again" start_daemon state-2 09:50:00
check "respite-notify finds the new respited" wait_for "$tmp/notify16.log" "respited appeared" 5
check "the ended break's notification says so" wait_for "$tmp/notify16.log" "Notifying (normal): Break over" 5
sleep 0.3
dunstctl close-all

# Two threats at 09:50: the statutory break at 10:00 takes the first
# recovery in and is pushed by the second behind a new recovery break:
# breaks back to back, one stretch off the phones, shown once.
before=$(history_count "^Breaks: ")
"$ctl" --user report op16 threat >/dev/null 2>&1
"$ctl" --user report op16 threat >/dev/null 2>&1
check "a notification is displayed" displayed_within 1 1
sleep 0.5
check "the breaks back to back are one notification, not several" test "$(dunstctl count displayed)" -eq 1
dunstctl close-all
sleep 0.2
check "it gives the whole stretch off the phones" history_has "^Breaks: 09:51 to 11:16$" critical \
        "from <b>09:51</b> to <b>11:16</b> (2 breaks back to back)"
check "and only once" test "$(($(history_count "^Breaks: ") - before))" -eq 1

# dunst killed and restarted: the agent lives and uses the new server.
kill -KILL $dunst_pid
wait $dunst_pid 2>/dev/null
"$ctl" --user report op16 verbal_abuse >/dev/null 2>&1
sleep 0.5
check "respite-notify survives the notification server dying" alive $agent
check "and says so once" test "$(grep -c "No notification server answers" "$tmp/notify16.log")" -le 1
check "dunst starts again" start_dunst
check "the waiting notification reaches the new server" displayed_within 2 1
check "respite-notify is still running" alive $agent

# "Show my day": the default action of a notification (a click).
dunstctl action 0 2>/dev/null
check "Show my day shows the day's breaks" wait_for "$tmp/notify16.log" "Notifying (normal): Your breaks today" 2
sleep 0.3
dunstctl close-all
sleep 0.2
check "with each break's time and why" history_has "^Your breaks today$" normal "09:51–10:11" "After a threatening call"

# respitectl, every command, and the --json forms through python3 -m json.tool.
json_ok() { "$ctl" --user "$@" --json >"$tmp/out.json" 2>"$tmp/out.err" && python3 -m json.tool "$tmp/out.json" >/dev/null; }
out=$("$ctl" --user status 2>&1)
check "status: version, policy and today's counts" grep -q "respited 0.1 on the session bus" <<<"$out"
check "status: breaks today" grep -Eq "Breaks today: +[0-9]+ statutory, [0-9]+ recovery" <<<"$out"
check "status --json" json_ok status
check "status --json: the bus as D-Bus names it" grep -q '"bus": "session"' "$tmp/out.json"
out=$(LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$ctl" --user status 2>&1)
check "status under LANGUAGE=ja: the bus in Japanese (respited 0.1（セッションバス）)" \
        grep -q "^respited 0.1（セッションバス）$" <<<"$out"
check "status under LANGUAGE=ja: 本日の休憩: 法定休憩N件、回復休憩N件" \
        grep -Eq "^本日の休憩: +法定休憩[0-9]+件、回復休憩[0-9]+件、予定休憩[0-9]+件$" <<<"$out"
check "its values start at one display column (the widest label's, plus one)" python3 -c '
import re, sys, unicodedata
width = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
cols = {width(m.group(1)) for m in (re.match(r"^(\S+: +)\S", l) for l in sys.stdin.read().splitlines()[1:]) if m}
sys.exit(0 if len(cols) == 1 else 1)' <<<"$out"
check "status --json has the counts" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["operators"] == 19 and d["breaks_today"]["recovery"] >= 1' "$tmp/out.json"
out=$("$ctl" --user operators 2>&1)
check "operators: an aligned table" grep -Eq "^op16 +Operator 16 +retail +07:00-13:45" <<<"$out"
check "operators --json" json_ok operators
# In Japanese: the headers take two columns a character (East Asian Wide),
# and the table stays aligned by the columns a terminal shows.
out=$(LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$ctl" --user operators 2>&1)
check "operators under LANGUAGE=ja: Japanese headers (氏名, チーム, 次の休憩, 状態)" \
        grep -Eq "^ID +氏名 +チーム +シフト +次の休憩 +状態 +開始" <<<"$out"
check "and every column starts at the same display column as its header" python3 -c '
import re, sys, unicodedata
width = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
starts = lambda l: [width(l[:m.start()]) for m in re.finditer(r"\S+(?: \S+)*", l)]
lines = sys.stdin.read().splitlines()
head = starts(lines[0])
bad = [l for l in lines[1:] if starts(l) != head[:len(starts(l))] or len(starts(l)) < len(head) - 1]
print("\n".join(bad))
sys.exit(1 if bad or len(lines) < 10 else 0)' <<<"$out"
out=$(LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$ctl" --user schedule op16 --date 1999-01-04 2>&1)
check "schedule under LANGUAGE=ja: 時刻は Asia/Jerusalem, 開始 終了 長さ 区分 理由" \
        bash -c 'grep -q "^op16、1999-01-04（時刻はAsia/Jerusalem）$" <<<"$1" && grep -Eq "^開始 +終了 +長さ +区分 +理由$" <<<"$1"' _ "$out"
check "and the length, kind and why in Japanese: 20分, 回復休憩, 脅迫的な電話の後, 法律で定められた休憩" \
        bash -c 'grep -Eq "^09:51 +10:11 +20分 +回復休憩 +脅迫的な電話の後$" <<<"$1" &&
                 grep -Eq " 法定休憩 +法律で定められた休憩（[0-9]+時間を超える労働に[0-9時間分]+、労働基準法第34条第1項、労働基準法施行規則第31条）（脅迫的な電話の後の回復休憩を兼ねます）$" <<<"$1"' _ "$out"
out=$(LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$ctl" --user schedule op16 --date 1999-01-04 --json 2>&1)
check "while --json keeps the planner's reason" grep -q '"reason": *"after a threatening call (threat)"' <<<"$out"
out=$("$ctl" --user schedule op16 --date 1999-01-04 2>&1)
check "schedule: times in the site's zone" grep -q "times in Asia/Jerusalem" <<<"$out"
check "schedule: the recovery break and why" grep -Eq "^09:51 +10:11 +20min +recovery +after a threatening call" <<<"$out"
check "schedule --json" json_ok schedule op16
check "schedule --json has the breaks" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(b["kind"] == "recovery" for b in d["breaks"])' "$tmp/out.json"
out=$("$ctl" --user incidents 2>&1)
check "incidents: today's record" grep -Eq "op16 +retail +threat" <<<"$out"
check "incidents --operator --since --json" json_ok incidents --operator op16 --since 1999-01-04T00:00
check "report --json" json_ok report op27 other
check "plan --json" json_ok plan --roster "$top/conf/examples/anonbank-1999-01-04-roster.csv" --config "$top/conf/demo.conf"
check "plan --metrics --json" json_ok plan --roster "$top/conf/examples/anonbank-1999-01-04-roster.csv" --metrics
check "op16's agent did not show op27's incident" bash -c "! grep -q 'Notifying.*other' '$tmp/notify16.log'"
# A threat against op27, whose desktop speaks Japanese.
shown=$(dunstctl count displayed 2>/dev/null || echo 0)
"$ctl" --user report op27 threat >/dev/null 2>&1
check "op27's agent notifies its recovery break in Japanese, its urgency too (通知（緊急）)" \
        wait_for "$tmp/notify27.log" "通知（緊急）: 回復休憩: " 5
sleep 0.3
check "the summary, body and action are Japanese (回復休憩, 脅迫的な電話の後, 電話対応を離れてください, 本日の予定を表示)" \
        calls 'any(x["summary"].startswith("回復休憩: ") and x["summary"].endswith("20分") and "新しい回復休憩: " in x["body"]
                and "脅迫的な電話の後。" in x["body"] and "電話対応を離れてください" in x["body"]
                and "Asia/Jerusalemの時刻で表示しています。" in x["body"] and x["actions"] == ["default", "本日の予定を表示"]
                for x in c)'
# The screenshot shows it in Japanese with fonts-ipafont-gothic (tools/install-deps),
# once dunst displays it (a screenshot taken before was all black under load).
check "dunst displays op27's notification" displayed_within 5 $((shown + 1))
sleep 0.2
if import -window root "$top/$build/notify-screenshot-ja.png" 2>/dev/null &&
   [ "$(identify -format %k "$top/$build/notify-screenshot-ja.png" 2>/dev/null)" -gt 2 ]; then
        ok "screenshot of the Japanese notification saved as $build/notify-screenshot-ja.png (not blank)"
else
        fail "screenshot of the Japanese notification (none, or blank)"
fi
# op27's day after the report, lengths to the nearest second in the
# reader's words (not "4s 999ms 817us"): 20分 in Japanese, 20min in English.
out=$(LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$ctl" --user schedule op27 2>&1)
check "schedule op27 under LANGUAGE=ja: each length in 時間, 分 and 秒, none in min, s, ms or us" \
        bash -c 'grep -Eq " +20分 +回復休憩 " <<<"$1" && ! grep -Eq "[0-9](min|s|ms|us)\b" <<<"$1"' _ "$out"
out=$("$ctl" --user schedule op27 2>&1)
check "... in English, none in ms or us" \
        bash -c 'grep -Eq " +20min +recovery " <<<"$1" && ! grep -Eq "[0-9](ms|us)\b" <<<"$1"' _ "$out"
# Its default action: op27's day, each break's why in Japanese.
dunstctl action 0 2>/dev/null
check "本日の予定を表示 (a click) shows op27's day" wait_for "$tmp/notify27.log" "通知（通常）: 本日の休憩" 2
check "each break's why in Japanese: 法律で定められた休憩, 脅迫的な電話の後" \
        calls 'any(x["summary"] == "本日の休憩" and "法律で定められた休憩" in x["body"] and "脅迫的な電話の後" in x["body"]
                and "statutory" not in x["body"] for x in c)'
dunstctl close-all
sleep 0.2
check "dunst shows it: 回復休憩, 脅迫的な電話の後 (dunstctl history)" \
        history_has "^回復休憩: [0-9:]+、20分$" critical "脅迫的な電話の後" "電話対応を離れてください"
check "and op16's English desktop stays English: an English summary, an English action" \
        calls 'all((x["actions"] == ["default", "Show my day"]) == x["summary"].isascii() for x in c)'
out=$("$ctl" --user reload 2>&1)
check "reload" grep -q "Reloaded" <<<"$out"

# Exit codes and messages that say what to do next.
out=$("$ctl" --user schedule op99 2>&1); rc=$?
check "an unknown operator exits 5" test $rc -eq 5
check "and points to respitectl operators" grep -q "No such operator 'op99'.*respitectl operators" <<<"$out"
out=$("$ctl" --user report op16 shouting 2>&1); rc=$?
check "an unknown category exits 5 and lists the known ones" test $rc -eq 5
out=$("$ctl" --user frobnicate 2>&1); rc=$?
check "an unknown command exits 2" test $rc -eq 2
"$ctl" --user schedule op16 --date 1999-13-45 >/dev/null 2>&1; rc=$?
check "a bad date exits 2" test $rc -eq 2
check "no colour into a pipe" bash -c "! '$ctl' --user status | grep -q $'\e'"

check "every critical notice never expires (0), the others expire as the server likes (-1)" \
        calls 'all(x["expire"] == (0 if x["urgency"] == 2 else -1) for x in c) and any(x["urgency"] == 1 for x in c)'

# Incidents during a recovery break: the breaks chain, and the countdown
# gives the end of the whole stretch, in one notification.
kill -KILL $daemon
wait $daemon 2>/dev/null
check "respited starts again at 09:00:50" start_daemon state-3 09:00:50
for ((i = 0; i < 100; i++)); do
        [ "$(count "$tmp/notify16.log" "respited appeared")" -ge 2 ] && break
        sleep 0.05
done
sleep 0.3
dunstctl close-all
"$ctl" --user report op16 threat >/dev/null 2>"$tmp/report3.err"
until=$(sed -n 's/.*Recovery break for op16: 1999-01-04 [0-9:]* to \([0-9:]*\).*/\1/p' "$tmp/report3.err")
check "the recovery break starts: a countdown until $until" \
        wait_for "$tmp/notify16.log" "Notifying (critical): On break until $until" 75
sleep 0.3
dunstctl close-all
first=$(notify_calls | tail -n1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["replaces_id"])')
"$ctl" --user report op16 threat >/dev/null 2>&1
"$ctl" --user report op16 verbal_abuse >/dev/null 2>&1
sleep 1
# The stretch that holds now, from respitectl's table (HH:MM HH:MM …).
end=$("$ctl" --user schedule op16 --date 1999-01-04 | python3 -c '
import re, sys
spans = sorted((m.group(1), m.group(2)) for m in (re.match(r"^(\d\d:\d\d) +(\d\d:\d\d) ", l) for l in sys.stdin) if m)
end = sys.argv[1]
for s, e in spans:
    if s <= end and e > end and s >= "09:01":
        end = e
print(end)' "$until")
check "the breaks chain past the first one's end ($until to $end)" test "$end" \> "$until"
check "one notification for the stretch" displayed_is 1 2
check "it says back on the phones at the end of the whole stretch" \
        calls "c[-1]['summary'] == 'On break until $end' and 'back on the phones at $end' in c[-1]['body']"
check "replacing the countdown's notification (replaces_id)" \
        calls "c[-1]['replaces_id'] > 0 and all(x['replaces_id'] == c[-1]['replaces_id'] for x in c[-2:])"
check "it says what was added to the stretch, and why" \
        calls "'\\nNew ' in c[-1]['body'] or '\\nMoved ' in c[-1]['body']"
# The countdown is redrawn every 30 s: the redraw keeps what was added and why.
n=$(notify_calls | wc -l)
for ((i = 0; i < 45 * 20; i++)); do
        [ "$(notify_calls | wc -l)" -gt "$n" ] && break
        sleep 0.05
done
check "the countdown is redrawn" test "$(notify_calls | wc -l)" -gt "$n"
check "and the redraw still says what was added and why" \
        calls "c[-1]['summary'] == 'On break until $end' and ('\\nNew ' in c[-1]['body'] or '\\nMoved ' in c[-1]['body'])"

kill -TERM $agent27
wait $agent27; rc=$?
check "SIGTERM stops respite-notify with exit 0 (no leaks under SAN=1)" test $rc -eq 0
kill -TERM $daemon
wait $daemon
out=$("$ctl" --user status 2>&1); rc=$?
check "without respited, respitectl exits 3" test $rc -eq 3
check "and says how to start it" grep -q "Start it with" <<<"$out"
out=$(LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$ctl" --user status 2>&1)
check "in Japanese too (respited がセッションバスで動いていません; \`respited --user\` で起動するか…)" \
        bash -c 'grep -q "^respited がセッションバスで動いていません" <<<"$1" && grep -q "respited --user\` で起動するか" <<<"$1"' _ "$out"
check "respite-notify outlives respited" alive $agent
kill -TERM $agent
wait $agent; rc=$?
check "and stops cleanly" test $rc -eq 0

# The reasons beyond one incident, in Japanese too: op19's call of 69 min
# ends at 15:42:28 and earns a recovery, which the next call at 15:42:32
# interrupts. respited replays it from 15:41:30, ten times as fast; op19's
# desktop is Japanese, and its agent says why in Japanese, not the
# planner's English ("after a call of 69 min (prolonged_call)").
env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=ja_JP.UTF-8 RESPITE_LOCALEDIR="$bin/locale" \
        "$bin/respite-notify" --user --operator op19 >"$tmp/notify19.log" 2>&1 &
agent19=$!
pids+=($agent19)
check "respited starts again at 15:41:30, ten times as fast" start_daemon state-4 15:41:30 10
check "op19's agent notifies the recovery after the long call" wait_for "$tmp/notify19.log" "通知（緊急）: " 30
out=$(LANGUAGE=ja LC_ALL=C.UTF-8 RESPITE_LOCALEDIR="$bin/locale" "$ctl" --user schedule op19 --date 1999-01-04 2>&1)
check "why, in its notification: 長時間の通話（1時間9分）の後" \
        calls 'any("長時間の通話（1時間9分）の後" in x["body"] and "prolonged_call" not in x["body"] for x in c)'
check "and in respitectl schedule under LANGUAGE=ja" grep -Eq " 回復休憩 +長時間の通話（1時間9分）の後$" <<<"$out"
kill -TERM $agent19
wait $agent19; rc=$?
check "op19's agent stops cleanly" test $rc -eq 0
kill -TERM $daemon
wait $daemon

# The user unit, installed as `make install` does, passes systemd-analyze.
if command -v systemd-analyze >/dev/null; then
        make -s -C "$top" install BUILDDIR="$build" DESTDIR="$tmp/root" PREFIX=/usr >/dev/null 2>&1
        unit="$tmp/root/usr/lib/systemd/user/respite-notify.service"
        check "make install puts the user unit, man page and completion in place" \
                test -f "$unit" -a -f "$tmp/root/usr/share/man/man1/respite-notify.1" \
                -a -f "$tmp/root/usr/share/bash-completion/completions/respitectl"
        check "make install puts the Japanese translations in the locale directory" \
                test -f "$tmp/root/usr/share/locale/ja/LC_MESSAGES/respite.mo"
        check "the user unit is wanted by graphical-session.target" grep -q "^WantedBy=graphical-session.target" "$unit"
        mkdir -m 0700 "$tmp/xdg"
        sed "s|=/usr/bin/|=$tmp/root/usr/bin/|" "$unit" >"$tmp/xdg/respite-notify.service"
        check "systemd-analyze --user verify accepts it" env XDG_RUNTIME_DIR="$tmp/xdg" \
                MANPATH="$tmp/root/usr/share/man" systemd-analyze --user verify "$tmp/xdg/respite-notify.service"
fi
check "the bash completion parses" bash -n "$top/shell-completion/bash/respitectl"

if [ "$failed" -gt 0 ]; then
        echo "--- respite-notify (op16)"; cat "$tmp/notify16.log"
        echo "--- dunst"; tail -20 "$tmp/dunst.log"
fi
finish
