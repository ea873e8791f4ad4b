#!/usr/bin/env bash
# The feed server under attack (issue 19, items 1-3): the real respited on a
# private session bus, attacked on loopback by tests/http-attack.py.
#  - idle connections fill max_connections and time out: the server accepts
#    again at once (it never did: the listening socket stayed out of
#    libmicrohttpd's epoll set until some other event came);
#  - a 10,000-connection flood, then every connection closed at once: the
#    server accepts again within a second;
#  - slowloris: 4,096 connections from 64 addresses (127.0.0.1-64) trickling
#    a header byte a second are closed at the header deadline, and normal
#    GETs are answered quickly meanwhile;
#  - request smuggling (RFC 9112 §6.3): Content-Length with
#    Transfer-Encoding, two Content-Length values, whitespace before a
#    colon: 400 and the connection closed, the hidden request never served;
#  - a request that arrived whole while the loop was held (SIGSTOP) longer
#    than request_timeout is answered, not taken for a slow one.
# Every figure is printed; the limits asserted are generous (a loaded 2-core
# CI machine, ASan): 2 s where the issue asks for a second, and for 100 ms.
# Usage: tests/http-hostile.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
py=/usr/bin/python3
attack="$py $top/tests/http-attack.py"
free_port() { $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# field OUTPUT NAME: the value of "NAME VALUE" in the attack's output.
field() { awk -v k="$2" '$1 == k { print $2 }' <<<"$1"; }
# below VALUE LIMIT: VALUE is a number below LIMIT.
below() { awk -v v="$1" -v l="$2" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 < l + 0) }'; }

port=$(free_port)
start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

at() { date -u -d "@$(($(date +%s) / 3600 * 3600 + $1 * 3600))" +%Y-%m-%dT%H:%M:%SZ; }
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end
op1,Hanako Yamada,retail,$(at -3),$(at 6)
EOF
ln -s "$top/conf/presets" "$tmp/presets"
config() {      # FEEDS-SETTINGS…: the policy with these feeds settings
        cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Tokyo"; };
@include "presets/jp.conf"
categories = (
  { name = "threat"; label = "Threat"; recovery = "20min"; },
  { name = "prolonged_call"; label = "Long call"; points = 2; },
  { name = "repeat_caller"; label = "Repeat caller"; points = 4; }
);
sources = { rosters = [ "$tmp/roster.csv" ]; };
feeds = { listen = "127.0.0.1:$port"; $* };
EOF
}
start_daemon() {
        : >"$tmp/respited.log"
        "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" >>"$tmp/respited.log" 2>&1 &
        daemon=$!
        if ! wait_for "$tmp/respited.log" "Serving feeds over HTTP on 127.0.0.1:$port" 20; then
                fail "respited serves HTTP"; cat "$tmp/respited.log"; finish; exit 1
        fi
}
stop_daemon() {
        kill -TERM "$daemon"
        wait "$daemon"
        local rc=$?
        daemon=
        return $rc
}

# ---- 1. max_connections reached by idle connections that time out ----
# 7: too few to keep a share for new clients (1/8), so the limit is reached;
# request_timeout long, so that connection_timeout closes them.
config 'max_connections = 7; max_connections_per_ip = 7; connection_timeout = "2s"; request_timeout = "60s";'
start_daemon
url=$("$bin/respitectl" --user feed-url op1 | head -n1)
path=/feeds/${url##*/feeds/}
out=$($attack idle "$port" "$path" 7 3.5)
echo "# idle: $(tr '\n' ' ' <<<"$out")(max_connections 7, connection_timeout 2 s)"
check "max_connections filled by idle connections that time out: a GET answers again within 2 s" \
        below "$(field "$out" recovered)" 2
check "respited stops with exit 0" stop_daemon

# ---- the shipped limits from here on ----
config 'request_timeout = "3s";'
start_daemon

# ---- 1. a 10,000-connection flood, then every connection closed at once ----
out=$($attack flood "$port" "$path" 10000)
echo "# flood: $(tr '\n' ' ' <<<"$out")(max_connections 4096, 64 per address)"
check "after a 10,000-connection flood closes, a GET answers again within 2 s" \
        below "$(field "$out" recovered)" 2
out=$($attack flood "$port" "$path" 10000)
echo "# again: $(tr '\n' ' ' <<<"$out")"
check "and after a second flood too" below "$(field "$out" recovered)" 2

# ---- 2. slowloris: 4,096 connections from 64 addresses, a byte a second ----
out=$($attack slowloris "$port" "$path" 4096 64 8)
echo "# slowloris: $(tr '\n' ' ' <<<"$out")(request_timeout 3 s)"
check "slowloris: normal GETs are answered meanwhile, none fails" \
        test "$(field "$out" failed)" = 0 -a "$(field "$out" gets)" -gt 5
check "slowloris: the slowest GET took under 2 s" below "$(field "$out" slowest)" 2
check "slowloris: the server closed the trickling connections (request_timeout)" \
        test "$(field "$out" closed)" -ge "$(field "$out" connected)"

# ---- a request that came while the loop was busy is not late ----
# The connection is accepted, then respited is stopped (as a long re-plan
# would hold its loop) while the whole GET arrives, for longer than
# request_timeout: once it runs again it reads and answers the request
# before it shuts down what is late (the soak saw 000 for such GETs).
$py - "$port" "$path" >"$tmp/busy.out" 2>&1 <<'PYEOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("connected", flush=True)
time.sleep(1.0)
s.sendall(f"GET {sys.argv[2]} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
s.settimeout(30)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print("status", data.split(b" ", 2)[1].decode() if data else "none", flush=True)
PYEOF
client=$!
wait_for "$tmp/busy.out" connected 5
sleep 0.5
kill -STOP "$daemon"
sleep 4.5
kill -CONT "$daemon"
wait "$client"
check "a GET that arrived whole while respited's loop was held 4.5 s (request_timeout 3 s) is answered 200" \
        grep -qx "status 200" "$tmp/busy.out"

# ---- 3. request smuggling ----
out=$($attack smuggle "$port" "$path")
echo "$out" | sed 's/^/# smuggle: /'
for name in cl-te te-cl two-cl cl-list te-space te-space-alone te-identity; do
        check "smuggling ($name): 400, nothing served, the connection closed" \
                grep -qx "$name 400 0 yes" <<<"$out"
done
check "a GET with a body of its declared length is still answered 200" \
        test "$(curl -s -o /dev/null -w '%{http_code}' -X GET --data-binary hello "http://127.0.0.1:$port$path")" = 200
check "respited still serves a normal GET" \
        test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")" = 200
check "no token in the log" bash -c "! grep -q '${path#/feeds/}' '$tmp/respited.log'"
check "respited stops with exit 0 (no leak under SAN=1)" stop_daemon

finish
