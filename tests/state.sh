#!/usr/bin/env bash
# State tests: respited on a private session bus with its store in a temporary
# directory and the real clock. A restart after kill -9 gives the same plan
# and feeds; 1,000 ReportIncident calls while the daemon is killed at random
# points lose or duplicate no acknowledged incident; the spool takes renamed
# files only, sends bad lines to failed/, never takes a file twice, and
# takes a file that met a locked store once the lock goes; old incidents are
# purged. Usage: tests/state.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
daemon=
cleanup_signal=KILL

sql() { sqlite3 -batch "$tmp/state/respite.db" "$@"; }

wait_file() {
        local i
        for ((i = 0; i < $2 * 20; i++)); do
                [ -e "$1" ] && return 0
                sleep 0.05
        done
        return 1
}

start_session_bus

# Today's roster around now, in UTC.
at() { date -u -d "@$(($(date +%s) + $1 * 3600))" +%Y-%m-%dT%H:00:00Z; }
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end
op16,Operator 16,retail,$(at -4),$(at 5)
op27,Operator 27,retail,$(at -4),$(at 5)
op40,Operator 40,support,$(at -3),$(at 4)
EOF
mkdir -p "$tmp/feeds" "$tmp/spool"
ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "UTC"; };
@include "presets/jp.conf"
sources = { rosters = [ "$tmp/roster.csv" ]; };
feeds = { directory = "$tmp/feeds"; };
incidents = { retention_days = 30; spool = "$tmp/spool"; };
EOF

start_daemon() {
        : >"$tmp/respited.log"
        "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" \
                >>"$tmp/respited.log" 2>&1 &
        daemon=$!
        wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 20
}
kill_daemon() {
        kill -9 "$daemon" 2>/dev/null
        wait "$daemon" 2>/dev/null
        daemon=
}
call() {
        busctl --user --timeout=5 call org.respite.Scheduler1 /org/respite/Scheduler1 \
                org.respite.Scheduler1 "$@"
}
schedule() { call GetSchedule stt "$1" 0 0; }
feed_state() { grep -E '^(UID|SEQUENCE|DTSTART|DTEND|DTSTAMP|LAST-MODIFIED)' "$tmp/feeds/$1.ics"; }

if ! start_daemon; then
        fail "respited starts"; cat "$tmp/respited.log"; echo "0 passed, 1 failed"; exit 1
fi
ok "respited starts with an empty state directory"
check "the store is created in WAL mode" test "$(sql 'PRAGMA journal_mode')" = wal
check "the schema version is current" test "$(sql 'PRAGMA user_version')" = 5
check "every operator and team has a 256-bit feed token" \
        test "$(sql "SELECT COUNT(*) FROM feed_tokens WHERE length(token) = 64")" = 5

# Restart after kill -9: the same plan, the same feed UIDs and SEQUENCEs.
id=$(call ReportIncident ssts op16 threat 0 "restart test")
check "a threat is reported" grep -Eq '^s "[0-9a-f]{32}"$' <<<"$id"
before=$(schedule op16)
feed_state op16 >"$tmp/feed-before"
feed_state team-retail >"$tmp/team-before"
check "the schedule has the recovery break" grep -q "recovery" <<<"$before"
sleep 1.2       # a new revision instant would show in LAST-MODIFIED
kill_daemon
start_daemon
check "respited restarts after kill -9" test -n "$daemon"
check "the stored plan is revised, not replaced" grep -q "Revising the stored plan" "$tmp/respited.log"
check "the schedule is the same after the restart" test "$(schedule op16)" = "$before"
check "op16's feed keeps UIDs, SEQUENCE and LAST-MODIFIED" diff -u "$tmp/feed-before" <(feed_state op16)
check "the team feed too" diff -u "$tmp/team-before" <(feed_state team-retail)
check "the incident is still known" test "$(sql "SELECT COUNT(*) FROM incidents WHERE note = 'restart test'")" = 1

# Crash safety: 1,000 calls, the daemon killed at random points.
: >"$tmp/acked"
(
        for ((i = 1; i <= 1000; i++)); do
                if out=$(call ReportIncident ssts op27 other 0 "crash-$i" 2>/dev/null) &&
                   [[ $out == s\ \"* ]]; then
                        echo "crash-$i" >>"$tmp/acked"
                fi
        done
) &
client=$!
pids+=($client)
kills=0
while kill -0 $client 2>/dev/null; do
        sleep "0.$((RANDOM % 8 + 2))"
        kill -0 $client 2>/dev/null || break
        kill_daemon
        kills=$((kills + 1))
        start_daemon || { fail "respited restarts after kill $kills"; cat "$tmp/respited.log"; break; }
done
wait $client
acked=$(wc -l <"$tmp/acked")
echo "# $acked of 1000 calls acknowledged, daemon killed $kills times"
check "the daemon was killed several times" test $kills -ge 5
check "most calls were acknowledged" test "$acked" -ge 500
sql "SELECT note FROM incidents WHERE note LIKE 'crash-%'" | sort >"$tmp/stored"
check "no incident is stored twice" test -z "$(uniq -d "$tmp/stored")"
check "every acknowledged incident is stored" test -z "$(comm -23 <(sort "$tmp/acked") "$tmp/stored")"
check "the daemon still plans after the crashes" grep -q recovery <<<"$(schedule op27)"

# Spool: a file being written is not taken; renamed in, it is.
printf '%s,op40,verbal_abuse,first\n' "$(at -1)" >"$tmp/spool/.part.tmp"
sleep 0.5
check "a file being written (dot-name) is not taken" test -e "$tmp/spool/.part.tmp"
printf '%s,op40,other,second\n' "$(at -1)" >>"$tmp/spool/.part.tmp"
mv "$tmp/spool/.part.tmp" "$tmp/spool/part.csv"
check "a file renamed in goes to processed/" wait_file "$tmp/spool/processed/part.csv" 5
check "both of its lines are stored" \
        test "$(sql "SELECT COUNT(*) FROM incidents WHERE source = 'spool:part.csv'")" = 2
check "op40 gets the recovery break" grep -q "abusive" <<<"$(schedule op40)"

cat >"$tmp/bad.tmp" <<EOF
time,operator,category,note
$(at -1),op40,threat,"good, with a comma"
$(at -1),op99,threat
$(at -1),op40,shouting
not a time,op40,threat
EOF
mv "$tmp/bad.tmp" "$tmp/spool/bad.csv"
check "a file with bad lines goes to failed/" wait_file "$tmp/spool/failed/bad.csv.reason" 5
check "its reason names each bad line" \
        test "$(grep -c '^bad.csv:[345]: ' "$tmp/spool/failed/bad.csv.reason")" = 3
check "its good line is stored" \
        test "$(sql "SELECT note FROM incidents WHERE source = 'spool:bad.csv'")" = "good, with a comma"

# A crash between the commit and the move: the store has the file's record
# and its incident, the file is still in the spool. Restarted, respited
# moves it without taking it again.
kill_daemon
printf '%s,op16,other,after crash\n' "$(at -1)" >"$tmp/spool/crash.csv"
hash=$(python3 - "$tmp/spool/crash.csv" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
h = 0xcbf29ce484222325
for b in data:
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
print("fnv1a64:%016x-%d" % (h, len(data)))
EOF
)
usec=$(( $(date +%s) * 1000000 ))
sql "INSERT INTO incidents (id, operator, category, time_usec, received_usec, note, source)
     VALUES ('spool-${hash:8:16}-1', 'op16', 'other', $usec, $usec, 'after crash', 'spool:crash.csv');
     INSERT INTO spool_files (name, hash, ingested_usec, good, bad) VALUES ('crash.csv', '$hash', $usec, 1, 0);"
start_daemon
check "a file taken before a crash is moved on restart" wait_file "$tmp/spool/processed/crash.csv" 5
check "and not taken twice" test "$(sql "SELECT COUNT(*) FROM incidents WHERE note = 'after crash'")" = 1
check "its record is marked done" test "$(sql "SELECT done FROM spool_files WHERE name = 'crash.csv'")" = 1

# A file that meets a store locked by another process (BEGIN EXCLUSIVE for
# 8 s: longer than the store's 5 s busy timeout) waits in the spool and is
# taken once the lock goes, without a restart (issue 19, item 8).
python3 - "$tmp/state/respite.db" 8 >"$tmp/lock.log" 2>&1 <<'EOF' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
print("unlocked", flush=True)
EOF
locker=$!
pids+=($locker)
wait_for "$tmp/lock.log" locked 10
printf '%s,op40,threat,while locked\n' "$(at -1)" >"$tmp/spool/.locked"
mv "$tmp/spool/.locked" "$tmp/spool/locked.csv"
check "a file that meets a locked store is left to try again" \
        wait_for "$tmp/respited.log" "spool file 'locked.csv'.*trying again later" 15
check "it waits in the spool meanwhile" test -e "$tmp/spool/locked.csv"
wait $locker
t0=$(date +%s%N)
check "once the lock goes, it is taken without a restart (within 70 s)" \
        wait_file "$tmp/spool/processed/locked.csv" 70
echo "# taken $(( ($(date +%s%N) - t0) / 1000000 )) ms after the lock went"
check "its incident is stored once" \
        test "$(sql "SELECT COUNT(*) FROM incidents WHERE note = 'while locked'")" = 1

# Retention: an incident older than 30 days is purged at start, note first.
kill_daemon
sql "INSERT INTO incidents (id, operator, category, time_usec, received_usec, note)
     VALUES ('ancient', 'op16', 'threat', 1000000, 1000000, 'old and personal');"
start_daemon
check "old incidents are purged at start" test "$(sql "SELECT COUNT(*) FROM incidents WHERE id = 'ancient'")" = 0
check "the purge is logged" grep -q "Purged 1 incidents older than 30 days" "$tmp/respited.log"

kill -TERM $daemon
wait $daemon; rc=$?
daemon=
check "SIGTERM stops respited with exit 0" test $rc -eq 0

finish --no-skipped
