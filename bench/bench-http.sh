#!/usr/bin/env bash
# Feed throughput of respited against nginx serving the same bytes as a
# static file, side by side in one run, with wrk: full responses and 304s,
# as a ratio; then the time from ReportIncident to the changed feed being
# served. See bench/README.md. Usage: bench/bench-http.sh BUILDDIR
# Installs wrk and nginx (Debian packages) when missing and run as root.
set -euo pipefail

build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/$build"
duration=${BENCH_HTTP_SECONDS:-8}
connections=${BENCH_HTTP_CONNECTIONS:-64}
tmp=$(mktemp -d)
pids=()

cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
        rm -rf "$tmp"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
        if [ "$(id -u)" -ne 0 ]; then
                echo "bench-http: needs wrk and nginx (apt-get install wrk nginx); skipped." >&2
                exit 0
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx >/dev/null
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
nginx_port=$(free_port)

dbus-daemon --session --nofork --nopidfile --print-address=3 3>"$tmp/bus-address" 2>/dev/null &
pids+=($!)
for ((i = 0; i < 50; i++)); do [ -s "$tmp/bus-address" ] && break; sleep 0.1; done
export DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$tmp/bus-address")

# The bank's example day (conf/examples), replayed from 09:00: its largest
# team feed is the document served.
ln -s "$top/conf/presets" "$tmp/presets"
roster="$top/conf/examples/anonbank-1999-01-04-roster.csv"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Jerusalem"; };
@include "presets/jp.conf"
sources = { rosters = [ "$roster" ]; calls = [ "$top/conf/examples/anonbank-1999-01-04-calls.csv" ]; };
feeds = { listen = "127.0.0.1:$port"; max_connections_per_ip = 1024; };
EOF
"$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" --clock 1999-01-04T09:00:00 \
        >"$tmp/respited.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 200; i++)); do grep -q "Serving feeds over HTTP" "$tmp/respited.log" && break; sleep 0.05; done

team=$(awk -F, 'NR > 1 { n[$3]++ } END { for (t in n) if (n[t] > max) { max = n[t]; best = t } print best }' "$roster")
url=$("$bin/respitectl" --user feed-url --team "$team" | head -n1)
path=${url#http://127.0.0.1:$port}
mkdir -p "$tmp/www/feeds" "$tmp/nginx"
curl -s -o "$tmp/www$path" "$url"
size=$(stat -c %s "$tmp/www$path")
etag=$(curl -s -I "$url" | awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')

# nginx as a static file server of the same bytes: the headers respited
# sends, keep-alive without a request limit, no access log; one worker (as
# respited has one event loop) and then one per CPU.
start_nginx() {
        cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes $1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  types { text/calendar ics; }
  charset utf-8;
  charset_types text/calendar;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $tmp/www;
    add_header Cache-Control private;
  }
}
EOF
        nginx -c "$tmp/nginx/nginx.conf" &
        nginx_pid=$!
        pids+=($nginx_pid)
        for ((i = 0; i < 100; i++)); do curl -s -o /dev/null "http://127.0.0.1:$nginx_port$path" && break; sleep 0.05; done
}
stop_nginx() { kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; }

# rps URL [HEADER]: requests per second over $duration s.
rps() {
        local url=$1; shift
        wrk -t2 -c"$connections" -d"${duration}s" "$@" "$url" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }'
}

echo
echo "Feed: team \"$team\" of the bank's example day, $size bytes. wrk -t2 -c$connections -d${duration}s, $(nproc) CPUs."
echo
echo "| server | full responses (req/s) | 304 Not Modified (req/s) |"
echo "| --- | ---: | ---: |"
r_full=$(rps "$url")
r_304=$(rps "$url" -H "If-None-Match: $etag")
echo "| respited (one event loop) | $r_full | $r_304 |"
ratios=()
for workers in 1 auto; do
        start_nginx $workers
        n_etag=$(curl -s -I "http://127.0.0.1:$nginx_port$path" | awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')
        n_full=$(rps "http://127.0.0.1:$nginx_port$path")
        n_304=$(rps "http://127.0.0.1:$nginx_port$path" -H "If-None-Match: $n_etag")
        stop_nginx
        echo "| nginx $(nginx -v 2>&1 | sed 's|.*/||'), worker_processes $workers | $n_full | $n_304 |"
        ratios+=("| respited ÷ nginx ($workers) | $(awk -v a="$r_full" -v b="$n_full" 'BEGIN { printf "%.2f", a / b }') | $(awk -v a="$r_304" -v b="$n_304" 'BEGIN { printf "%.2f", a / b }') |")
done
printf '%s\n' "${ratios[@]}"

# ReportIncident → the changed feed served, over the operators on shift.
operators=$(awk -F, 'NR > 1 && $4 <= "1999-01-04T09:00" && $5 > "1999-01-04T10:00" { print $1 }' "$roster" | sort -u | head -n 20)
echo
echo "ReportIncident (verbal_abuse, earning a recovery break at once) to the changed feed served (the"
echo "reply comes after the store commit and the re-plan; then a GET with the old ETag answers 200):"
echo
echo "| samples | median (ms) | p95 (ms) | max (ms) | of which the GET, median (ms) |"
echo "| ---: | ---: | ---: | ---: | ---: |"
# shellcheck disable=SC2086
"$bin/bench-feed-latency" verbal_abuse 5 $operators
