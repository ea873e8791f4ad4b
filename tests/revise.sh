#!/usr/bin/env bash
# The event path of the real respited on a private session bus: each
# incident and each call record revises its operator's team only, and after
# a stream of them a full re-plan (a reload) changes nothing — no feed file,
# no stored break, no signal. Every BreakScheduled finds its break already in
# the operator's feed; a team feed is rewritten only for its own team; an
# incident the store cannot commit is refused and its break taken back.
# Usage: tests/revise.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
daemon=

sql() { sqlite3 -batch "$tmp/state/respite.db" "$@"; }
call() {
        busctl --user --timeout=5 call org.respite.Scheduler1 /org/respite/Scheduler1 \
                org.respite.Scheduler1 "$@"
}

start_session_bus

# Three teams of five, on shift around now, three of each team needed on
# the phones: their breaks are coupled through coverage.
at() { date -u -d "@$(($(date +%s) + $1 * 60))" +%Y-%m-%dT%H:%M:00Z; }
{
        echo "operator,name,team,start,end"
        for t in a b c; do
                for i in 1 2 3 4 5; do
                        echo "$t$i,Operator $t$i,team$t,$(at $((-240 - i * 15))),$(at $((300 + i * 20)))"
                done
        done
} >"$tmp/roster.csv"
: >"$tmp/queue_log"
mkdir -p "$tmp/feeds"
ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Tokyo"; };
@include "presets/jp.conf"
coverage = { bands = ( { team = "*"; from = "00:00"; to = "24:00"; minimum = 3; } ); };
sources = {
        rosters = [ "$tmp/roster.csv" ];
        calls = ( { path = "$tmp/queue_log"; format = "queue_log"; } );
};
feeds = { directory = "$tmp/feeds"; listen = ""; };
EOF

"$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" >"$tmp/respited.log" 2>&1 &
daemon=$!
pids+=($daemon)
if ! wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 20; then
        fail "respited starts"; cat "$tmp/respited.log"; echo "0 passed, 1 failed"; exit 1
fi
ok "respited starts"

# Every BreakScheduled: the operator's feed holds the break already.
/usr/bin/python3 - "$tmp/feeds" "$top/tests" >"$tmp/signals" 2>&1 <<'EOF' &
import sys; sys.path.insert(0, sys.argv[2])
import dbus, dbus.mainloop.glib
from listen import subscribe
from gi.repository import GLib
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
feeds = sys.argv[1]
def scheduled(operator, uid, kind, start, end, reason):
    with open(f"{feeds}/{operator}.ics") as f:
        held = f"UID:{uid}" in f.read().replace("\r\n ", "")
    print("held" if held else f"missing {operator} {uid}", flush=True)
bus = dbus.SessionBus()
bus.add_signal_receiver(scheduled, "BreakScheduled", "org.respite.Scheduler1")
subscribe(bus)
print("listening", flush=True)
GLib.MainLoop().run()
EOF
pids+=($!)
wait_for "$tmp/signals" "listening" 10
wait_for "$tmp/signals" "subscribed" 10

mtimes() { stat -c '%n %Y.%y' "$tmp"/feeds/*.ics | sort; }
mtimes >"$tmp/mtimes-0"
sleep 1.1       # a rewritten file would show in its mtime

# A stream of events: incidents over the bus, and prolonged calls of two
# operators appended to the followed queue_log.
cats=(threat verbal_abuse unreasonable_demand other sexual_harassment)
for ((i = 0; i < 20; i++)); do
        t=(a b c); op=${t[i % 3]}$((i % 5 + 1))
        call ReportIncident ssts "$op" "${cats[i % 5]}" 0 "stream $i" >/dev/null ||
                fail "ReportIncident $op ${cats[i % 5]}"
done
end=$(date +%s); start=$((end - 4300))
printf '%s|q1|support|NONE|ENTERQUEUE||caller-1|1\n%s|q1|support|Agent/b2|CONNECT|5|q1.1|2\n%s|q1|support|Agent/b2|COMPLETECALLER|5|4200|1\n' \
        $start $((start + 5)) $end >>"$tmp/queue_log"
check "a call record in the queue_log is taken without reading the sources again" \
        wait_for "$tmp/respited.log" "queue_log: 1 new incidents in 1 new call records" 10
check "... and earns b2 a recovery break in their feed" grep -q "b2-recovery-call-q1-prolonged" "$tmp/feeds/b2.ics"
check "no event made respited read every source again" test "$(grep -c "Loaded roster" "$tmp/respited.log")" -eq 1

sleep 0.5
check "every BreakScheduled found its break in the operator's feed" \
        test "$(grep -c held "$tmp/signals")" -ge 20 -a "$(grep -c missing "$tmp/signals")" -eq 0
mtimes >"$tmp/mtimes-1"
changed=$(diff "$tmp/mtimes-0" "$tmp/mtimes-1" | grep -c '^>')
echo "# $changed of $(wc -l <"$tmp/mtimes-0") feed files rewritten by 21 events"
check "a team feed is rewritten only when one of its operators' day changed" \
        test "$(diff "$tmp/mtimes-0" "$tmp/mtimes-1" | grep '^>' | grep -c 'team-')" -le 3

# A full re-plan of the site at a later instant changes nothing.
sql "SELECT uid, start_usec, end_usec FROM breaks ORDER BY uid" >"$tmp/breaks-1"
sha256sum "$tmp"/feeds/*.ics >"$tmp/sums-1"
signals=$(wc -l <"$tmp/signals")
logged=$(grep -cE ": (new|moved) .* break |break .* removed" "$tmp/respited.log")
kill -HUP $daemon
check "respited reloads: a full re-plan" wait_for "$tmp/respited.log" "Reloading" 10
wait_for "$tmp/respited.log" "Watching the sources in 1 directories" 10 2 || true
sleep 0.5
check "... which moves no break" \
        test "$(grep -cE ": (new|moved) .* break |break .* removed" "$tmp/respited.log")" -eq "$logged"
check "... sends no BreakScheduled" test "$(wc -l <"$tmp/signals")" -eq "$signals"
check "... leaves every feed's bytes as they were" sha256sum --quiet -c "$tmp/sums-1"
check "... and the stored breaks as they were" \
        diff -u "$tmp/breaks-1" <(sql "SELECT uid, start_usec, end_usec FROM breaks ORDER BY uid")
check "nothing was stored twice" \
        test "$(sql "SELECT COUNT(*) FROM breaks")" -eq "$(sort -u "$tmp/breaks-1" | wc -l)"

# An incident the store cannot take (another process holds its write lock)
# is refused before its break is planned: the feed never shows one.
recoveries() { grep -c "^UID:c1-recovery-" "$tmp/feeds/c1.ics"; }
before=$(recoveries)
/usr/bin/python3 -c '
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(20)
' "$tmp/state/respite.db" >"$tmp/lock" &
pids+=($!)
wait_for "$tmp/lock" locked 10
out=$(busctl --user --timeout=40 call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        ReportIncident ssts c1 threat 0 "locked out" 2>&1)
check "an incident the store cannot commit is refused" test $? -ne 0
check "... saying so in the log" grep -q "Refused an incident of c1: database is locked by another process" \
        "$tmp/respited.log"
check "... and the feed has no break for it" test "$(recoveries)" -eq "$before"

finish
