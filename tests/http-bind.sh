#!/usr/bin/env bash
# The feed server when it cannot listen: the real respited on a private
# session bus, its feeds.listen port held by another program. GetStatus's
# FeedServer, `respitectl status` and sd_notify STATUS= say it is retrying
# and why, the log says so once, not per try; once the port is free the
# feeds are served within the backoff (1 s doubling). A reload moves to a
# changed address at once (retrying when that one is taken too, logged
# once), and feeds.listen emptied turns it off.
# Usage: tests/http-bind.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
py=/usr/bin/python3
free_port() { $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
code() { curl -s -m 3 -o /dev/null -w '%{http_code}' "$1"; }

# hold PORT: a listener on 127.0.0.1:PORT (not HTTP) until killed; sets holder.
hold() {
        : >"$tmp/hold.$1"
        $py -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
open(sys.argv[2], "w").write("held\n")
time.sleep(3600)' "$1" "$tmp/hold.$1" &
        holder=$!
        pids+=($holder)
        wait_for "$tmp/hold.$1" held 5
}
# feed_server: GetStatus's FeedServer, through respitectl status --json.
feed_server() { "$bin/respitectl" --user status --json 2>/dev/null | $py -c 'import json, sys; print(json.load(sys.stdin).get("feed_server"))' 2>/dev/null; }

port=$(free_port)
port2=$(free_port)

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

at() { date -u -d "@$(($(date +%s) / 3600 * 3600 + $1 * 3600))" +%Y-%m-%dT%H:%M:%SZ; }
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end
op1,Hanako Yamada,retail,$(at -3),$(at 6)
EOF
ln -s "$top/conf/presets" "$tmp/presets"
config() {      # LISTEN: the policy with feeds.listen = LISTEN
        cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Tokyo"; };
@include "presets/jp.conf"
categories = (
  { name = "threat"; label = "Threat"; recovery = "20min"; },
  { name = "prolonged_call"; label = "Long call"; points = 2; },
  { name = "repeat_caller"; label = "Repeat caller"; points = 4; }
);
sources = { rosters = [ "$tmp/roster.csv" ]; };
feeds = { listen = "$1"; };
EOF
}
config "127.0.0.1:$port"

# sd_notify(3)'s messages, one per line, as the service manager gets them.
$py -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a")
while True:
    out.write(s.recv(4096).decode().replace("\n", " | ") + "\n")
    out.flush()' "$tmp/notify.sock" "$tmp/notify.log" &
pids+=($!)
for ((i = 0; i < 100; i++)); do [ -S "$tmp/notify.sock" ] && break; sleep 0.05; done

hold "$port"
first_holder=$holder
NOTIFY_SOCKET="$tmp/notify.sock" "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" \
        >"$tmp/respited.log" 2>&1 &
daemon=$!
retry_line="Cannot serve feeds over HTTP on 127.0.0.1:$port: Address already in use"
check "with the port taken, the log names the address, the error and what to do" \
        wait_for "$tmp/respited.log" "$retry_line; another program holds the port" 10
if ! wait_for "$tmp/notify.log" "READY=1" 10; then
        fail "respited starts"; cat "$tmp/respited.log"; finish --no-skipped; exit 1
fi
state=$(feed_server)
check "GetStatus FeedServer says retrying, and why ($state)" \
        grep -Eq "^retrying 127\.0\.0\.1:$port: Address already in use \(next try in [0-9]+ s\)$" <<<"$state"
check "respitectl status shows it" \
        grep -q "^Feeds over HTTP:      retrying 127.0.0.1:$port: Address already in use" \
        < <("$bin/respitectl" --user status)
check "and STATUS= too" grep -q "STATUS=.*feed server retrying 127.0.0.1:$port: Address already in use" \
        "$tmp/notify.log"
check "feed-url says there is no HTTP yet" grep -q "cannot listen yet" < <("$bin/respitectl" --user feed-url op1 2>&1)
check "respited keeps running" alive "$daemon"
sleep 3.5       # tries at 0, 1 and 3 s
check "the log says it once, not per try ($(count "$tmp/respited.log" "$retry_line") lines)" \
        test "$(count "$tmp/respited.log" "$retry_line")" -eq 1

kill "$first_holder"; wait "$first_holder" 2>/dev/null
check "the port freed, the feeds are served within the backoff" \
        wait_for "$tmp/respited.log" "Serving feeds over HTTP on 127.0.0.1:$port" 10
url=$("$bin/respitectl" --user feed-url op1 2>/dev/null | head -n1)
check "the feed answers 200 at $url" test "$(code "$url")" = 200
check "GetStatus FeedServer says listening" test "$(feed_server)" = "listening on 127.0.0.1:$port"
check "and STATUS= too" wait_for "$tmp/notify.log" "STATUS=.*feed server listening on 127.0.0.1:$port" 2
check "the log says it once" test "$(count "$tmp/respited.log" "Serving feeds over HTTP")" -eq 1

# A reload to a taken address: the old address is left, the new tried.
hold "$port2"
second_holder=$holder
config "127.0.0.1:$port2"
kill -HUP "$daemon"
retry2="Cannot serve feeds over HTTP on 127.0.0.1:$port2: Address already in use"
check "a reload to a taken port says so" wait_for "$tmp/respited.log" "$retry2" 5
check "GetStatus FeedServer says retrying the new address" \
        grep -q "^retrying 127.0.0.1:$port2: Address already in use" <<<"$(feed_server)"
check "the old address is not served any more" test "$(code "$url")" = 000
busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 Reload >/dev/null
sleep 2
check "another reload tries at once and logs nothing new" test "$(count "$tmp/respited.log" "$retry2")" -eq 1
check "GetStatus FeedServer: the next try after the reload is 1 s to 2 s away" \
        grep -Eq "\(next try in [0-2] s\)" <<<"$(feed_server)"
kill "$second_holder"; wait "$second_holder" 2>/dev/null
check "the new port freed, it is served" \
        wait_for "$tmp/respited.log" "Serving feeds over HTTP on 127.0.0.1:$port2" 10
check "the feed answers 200 on the new port" test "$(code "${url/:$port\//:$port2/}")" = 200

# Back to a free address on reload: served at once.
config "127.0.0.1:$port"
kill -HUP "$daemon"
check "a reload to a free address serves it at once" \
        wait_count "$tmp/respited.log" "Serving feeds over HTTP on 127.0.0.1:$port\\." 2 3
check "and the feed answers 200 there" test "$(code "$url")" = 200

config ""
kill -HUP "$daemon"
wait_for "$tmp/respited.log" "feeds.listen is empty" 5
check "feeds.listen emptied on reload: FeedServer says off" test "$(feed_server)" = off
check "and nothing is served" test "$(code "$url")" = 000
check "respited ran throughout" alive "$daemon"

kill -TERM "$daemon"; wait "$daemon"; rc=$?
check "respited stops cleanly (exit $rc)" test "$rc" -eq 0
[ "$failed" -eq 0 ] || cat "$tmp/respited.log"
finish --no-skipped
