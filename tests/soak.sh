#!/usr/bin/env bash
# Soak: a whole month of the Anonymous Bank (../shared/data/anonbank-1999)
# replayed by respited at high speed on the replay clock, with incidents
# arriving all along over D-Bus and through the spool directory, calls of
# over an hour appended to an Asterisk queue_log that respited follows, and
# the feeds fetched over HTTP (with and without If-None-Match). Reports the
# daemon's resident memory and open file descriptors after the first day,
# after the first week (the start: SQLite's page cache and malloc's pools
# have grown to their working size by then) and at the end, and any error;
# fails when either grows by more than 5 % from the start, when a long
# call of the queue_log gave no prolonged_call incident, when
# an acknowledged incident or a spool line is missing, or when the daemon
# logs a failure. With "site" instead of a month: the same over one day of
# the synthetic 10,000-operator site of bench/bench-daemon-site.py (today,
# 05:00 to midnight in Asia/Tokyo; the start is 09:00, when every early
# shift has begun). Not part of `make check` (it takes SECONDS/SPEED
# minutes: about 7 for a month at the defaults, 3 for the site).
# Usage: tests/soak.sh BUILDDIR [MONTH (01-04) | site] [SPEED (virtual seconds per second)]
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
month=${2:-01}
bin="$top/$build"
data="$top/../shared/data/anonbank-1999"
errors=0

if [ "$month" = site ]; then
        speed=${3:-360}
else
        speed=${3:-7200}
        if [ ! -f "$data/roster-1999-$month.csv" ]; then
                echo "skip - $data absent"; exit 0
        fi
fi
for tool in curl sqlite3 busctl dbus-daemon; do
        command -v $tool >/dev/null || { echo "soak: needs $tool"; exit 1; }
done

error() { echo "ERROR - $*"; errors=$((errors + 1)); }

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

mkdir -p "$tmp/feeds" "$tmp/spool"
ln -s "$top/conf/presets" "$tmp/presets"
if [ "$month" = site ]; then
        day=$(TZ=Asia/Tokyo date +%F)
        /usr/bin/python3 "$top/bench/bench-daemon-site.py" 10000 "$day" "$tmp/site" || exit 1
        mapfile -t operators < <(cut -d, -f1 "$tmp/site/roster.csv" | tail -n +2)
        ln -s "$tmp/site/queue_log" "$tmp/pbx.queue_log"
        {
                sed '/^feeds/d' "$tmp/site/respite.conf"
                echo "feeds = { directory = \"$tmp/feeds\"; listen = \"127.0.0.1:0\"; };"
                echo "incidents = { spool = \"$tmp/spool\"; };"
        } >"$tmp/site/soak.conf"
        config=$tmp/site/soak.conf team=team0000
        first=$(TZ=Asia/Tokyo date -d "$day 05:00" +%s)
        last=$(TZ=Asia/Tokyo date -d "$day 23:59" +%s)
        clock="${day}T05:00:00"
        baseline=$((first + 4 * 3600)) early=$((first + 3600))
else
        mapfile -t operators < <(cut -d, -f1 "$data/roster-1999-$month.csv" | tail -n +2 | sort -u)
        : >"$tmp/pbx.queue_log"
        {
                sed '/^sources/,/^};/d' "$top/conf/demo.conf"
                cat <<EOF
sources = {
  rosters = [ "$data/roster-1999-$month.csv" ];
  calls = ( "$data/calls-1999-$month.csv",
            { path = "$tmp/pbx.queue_log";
              agents = ( $(for o in "${operators[@]}"; do printf '{ agent = "Agent/%s"; operator = "%s"; }, ' "$o" "$o"; done | sed 's/, $//') ); } );
};
feeds = { directory = "$tmp/feeds"; listen = "127.0.0.1:0"; };
incidents = { spool = "$tmp/spool"; };
EOF
        } >"$tmp/respite.conf"
        config=$tmp/respite.conf team=retail
        first=$(date -d "1999-$month-01" +%s)
        last=$(date -d "1999-$month-01 + 1 month" +%s)
        clock="1999-$month-01T00:00:00"
        baseline=$((first + 7 * 86400)) early=$((first + 86400))
fi

"$bin/respited" --user --config "$config" --state-dir "$tmp/state" \
        --clock "$clock" --speed "$speed" >"$tmp/respited.log" 2>&1 &
daemon=$!
wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 60 ||
        { cat "$tmp/respited.log"; echo "soak: respited did not start"; exit 1; }

now_usec() {
        busctl --user get-property org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 Now |
                sed -n 's/^t //p'
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' /proc/$daemon/status; }
fds() { ls /proc/$daemon/fd | wc -l; }

categories=(verbal_abuse threat sexual_harassment unreasonable_demand other)
urls=()
for who in "${operators[0]}" "${operators[1]}" "--team $team"; do
        # shellcheck disable=SC2086
        url=$("$bin/respitectl" --user feed-url $who 2>/dev/null | grep '^http://' | head -n1)
        [ -n "$url" ] && urls+=("$url") || error "no feed URL for $who"
done

: >"$tmp/acked"
: >"$tmp/long-calls"
spooled=0 reported=0 fetched=0 not_modified=0 n=0
day1_rss= day1_fds= day1=
base_rss= base_fds= base_day=
printf '%-20s %10s %8s %6s %9s %8s\n' "replay clock" "RSS (kB)" "fds" "bus" "spool" "HTTP"
while kill -0 $daemon 2>/dev/null; do
        now=$(now_usec)
        [ -n "$now" ] || { error "the Now property did not answer"; break; }
        secs=$((now / 1000000))
        [ $secs -ge $last ] && break
        n=$((n + 1))

        op=${operators[RANDOM % ${#operators[@]}]}
        cat=${categories[RANDOM % ${#categories[@]}]}
        out=$(busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
                ReportIncident ssts "$op" "$cat" 0 "soak-$n" 2>&1)
        if [[ $out =~ ^s\ \"([0-9a-f]{32})\"$ ]]; then
                echo "${BASH_REMATCH[1]}" >>"$tmp/acked"
                reported=$((reported + 1))
        else
                error "ReportIncident $op $cat: $out"
        fi

        if ((n % 3 == 0)); then
                at=$(date -u -d "@$((secs - 60))" +%Y-%m-%dT%H:%M:%SZ)
                op2=${operators[RANDOM % ${#operators[@]}]}
                printf 'time,operator,category,note\n%s,%s,other,spool-%d-a\n%s,%s,verbal_abuse,spool-%d-b\n' \
                        "$at" "$op" "$n" "$at" "$op2" "$n" >"$tmp/spool/.f$n"
                mv "$tmp/spool/.f$n" "$tmp/spool/f$n.csv"
                spooled=$((spooled + 2))
        fi

        # A call of 65 minutes that ends now, as Asterisk logs it.
        if ((n % 4 == 0)); then
                op3=${operators[RANDOM % ${#operators[@]}]}
                printf '%d|soak%d|IT|NONE|ENTERQUEUE||caller-%d|1\n%d|soak%d|IT|Agent/%s|CONNECT|5|x|5\n' \
                        $((secs - 3905)) $n $n $((secs - 3900)) $n "$op3" >>"$tmp/pbx.queue_log"
                printf '%d|soak%d|IT|Agent/%s|COMPLETEAGENT|5|3900|1\n' $secs $n "$op3" >>"$tmp/pbx.queue_log"
                echo "call-soak$n-prolonged" >>"$tmp/long-calls"
        fi

        for url in "${urls[@]}"; do
                code=$(curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$url")
                if [ "$code" != 200 ] || ! grep -q BEGIN:VCALENDAR "$tmp/body"; then
                        error "GET $url: $code"; continue
                fi
                fetched=$((fetched + 1))
                etag=$(sed -n 's/^[Ee][Tt]ag: *\([^\r]*\)\r*$/\1/p' "$tmp/headers")
                code=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url")
                case $code in
                304) not_modified=$((not_modified + 1)) ;;
                200) ;;         # the feed changed in between
                *) error "conditional GET $url: $code" ;;
                esac
        done

        if [ -z "$day1_rss" ] && [ $secs -ge $early ]; then
                day1_rss=$(rss_kb) day1_fds=$(fds) day1=$(date -u -d "@$secs" +%FT%TZ)
        fi
        if [ -z "$base_rss" ] && [ $secs -ge $baseline ]; then
                base_rss=$(rss_kb) base_fds=$(fds) base_day=$(date -u -d "@$secs" +%FT%TZ)
        fi
        if ((n % 50 == 1)); then
                printf '%-20s %10s %8s %6s %9s %8s\n' "$(date -u -d "@$secs" +%FT%TZ)" "$(rss_kb)" "$(fds)" \
                        "$reported" "$spooled" "$fetched"
        fi
        sleep 0.2
done

kill -0 $daemon 2>/dev/null || error "respited died"
sleep 2        # the last spool files
end_rss=$(rss_kb) end_fds=$(fds)
end_day=$(date -u -d "@$(($(now_usec) / 1000000))" +%FT%TZ)

# Every acknowledged incident is known to the daemon and in the store.
busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        ListIncidents st "" 0 >"$tmp/listed" 2>&1
missing=0
while read -r id; do grep -q "\"$id\"" "$tmp/listed" || missing=$((missing + 1)); done <"$tmp/acked"
[ $missing -eq 0 ] || error "$missing acknowledged incidents are not listed"
long_calls=$(wc -l <"$tmp/long-calls") found=0
while read -r id; do grep -q "\"$id\"" "$tmp/listed" && found=$((found + 1)); done <"$tmp/long-calls"
[ "$found" -eq "$long_calls" ] || error "$long_calls long calls in the queue_log, $found prolonged_call incidents"
stored_bus=$(sqlite3 "$tmp/state/respite.db" "SELECT COUNT(*) FROM incidents WHERE source = 'bus'")
stored_spool=$(sqlite3 "$tmp/state/respite.db" "SELECT COUNT(*) FROM incidents WHERE source LIKE 'spool:%'")
[ "$stored_bus" -eq "$reported" ] || error "$reported incidents acknowledged over D-Bus, $stored_bus stored"
[ "$stored_spool" -eq "$spooled" ] || error "$spooled spool lines written, $stored_spool stored"
left=$(find "$tmp/spool" -maxdepth 1 -name 'f*.csv' | wc -l)
failed_files=$(find "$tmp/spool/failed" -type f | wc -l)
[ "$left" -eq 0 ] || error "$left spool files were not taken"
[ "$failed_files" -eq 0 ] || error "$failed_files spool files went to failed/"
grep -E "Failed|failed|error|rror:" "$tmp/respited.log" | head -5 >"$tmp/log-errors"
[ -s "$tmp/log-errors" ] && error "respited logged failures:" && cat "$tmp/log-errors"

kill -TERM $daemon
wait $daemon
rc=$?
daemon=
[ $rc -eq 0 ] || error "respited exited with $rc on SIGTERM"

echo
echo "| | replay clock | RSS (kB) | open fds |"
echo "| --- | --- | ---: | ---: |"
echo "| early | $day1 | $day1_rss | $day1_fds |"
echo "| start | $base_day | $base_rss | $base_fds |"
echo "| end | $end_day | $end_rss | $end_fds |"
echo
echo "incidents: $reported over D-Bus ($stored_bus stored), $spooled from the spool ($stored_spool stored)," \
     "$long_calls long calls in the queue_log ($found detected);" \
     "feeds fetched over HTTP: $fetched ($not_modified answered 304 to If-None-Match)"
if [ -n "$base_rss" ]; then
        growth=$(( (end_rss - base_rss) * 1000 / base_rss ))
        echo "RSS growth: $((growth / 10)).$((growth % 10 < 0 ? -growth % 10 : growth % 10)) %; fds: $base_fds → $end_fds"
        [ $((end_rss * 100)) -le $((base_rss * 105)) ] || error "RSS grew by more than 5 %"
        [ "$end_fds" -le "$base_fds" ] || error "open file descriptors grew"
else
        error "the replay never reached its start"
fi
echo "soak: $errors errors"
[ $errors -eq 0 ]
