#!/usr/bin/env bash
# The incident spool under attack by its own writers (issue 19, items 4-8),
# with real separate Unix users laid out as the shipped units make them:
# respited runs as a service user of its own (in the spool's group, as
# SupplementaryGroups= puts it), the spool is 3770 service:spool-group as
# respite.tmpfiles makes it, and the attacker is a writer in that group.
# A symbolic link, a FIFO, a link to /dev/zero, a hard link, a file too big
# or failed/ swapped for a link read, write or block nothing they should
# not; the writer cannot read the store (a file that met a locked store is
# tests/state.sh's). Needs root (to add the users); skips otherwise.
# Usage: tests/spool-attack.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
svc=respite-t-svc writer=respite-t-writer group=respite-t-spool

need_test_users "spool attacks"

add_group $group
add_user $svc $group
add_user $writer $group

as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }
as_writer() { as $writer "$@"; }

start_session_bus --any-user
state=$tmp/state spool=$tmp/spool
sql() { sqlite3 -batch "$state/respite.db" "$@"; }

wait_file() {
        local i
        for ((i = 0; i < $2 * 20; i++)); do
                [ -e "$1" ] || [ -L "$1" ] && return 0
                sleep 0.05
        done
        return 1
}

at() { date -u -d "@$(($(date +%s) + $1 * 3600))" +%Y-%m-%dT%H:00:00Z; }
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end
op16,Operator 16,retail,$(at -4),$(at 5)
op40,Operator 40,support,$(at -3),$(at 4)
EOF
ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "UTC"; };
@include "presets/jp.conf"
sources = { rosters = [ "$tmp/roster.csv" ]; };
incidents = { retention_days = 30; spool = "$spool"; };
EOF
chmod 0644 "$tmp/roster.csv" "$tmp/respite.conf"

# As respite.tmpfiles makes it, with the test's users and group.
install -d -m 3770 -o $svc -g $group "$spool"
install -d -m 2750 -o $svc -g $group "$spool/processed" "$spool/failed"
# A state directory left 0750 by an older install: respited makes it 0700.
install -d -m 0750 -o $svc -g $svc "$state"
# A file only the service's user may read (its dir may be entered, not listed).
install -d -m 0711 -o $svc -g $svc "$tmp/private"
printf '%s,op16,threat,SECRET-NOTE-4711\n' "$(at -1)" >"$tmp/private/secret.csv"
chown $svc:$svc "$tmp/private/secret.csv"
chmod 0600 "$tmp/private/secret.csv"

daemon=
start_daemon() {
        : >"$tmp/respited.log"
        chown $svc "$tmp/respited.log"
        # umask 0: whatever respited makes private, it makes so itself.
        (umask 0; exec setpriv --reuid=$svc --regid=$svc --init-groups "$bin/respited" --user \
                --config "$tmp/respite.conf" --state-dir "$state" >>"$tmp/respited.log" 2>&1) &
        daemon=$!
        wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 20
}
call() {
        busctl --user --timeout=5 call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 "$@"
}
answers() { call "$@" >/dev/null; }
# drop NAME: the writer renames $spool/.NAME (made before) to $spool/NAME.
drop() { as_writer mv "$spool/.$1" "$spool/$1"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$daemon/stat"; }

if ! start_daemon; then
        fail "respited starts as $svc"; cat "$tmp/respited.log"; finish; exit 1
fi
ok "respited starts as $svc, with the spool 3770 $svc:$group"

# Item 7: the store is respited's alone.
check "the state directory left 0750 is made 0700" test "$(stat -c %a "$state")" = 700
check "and respited says so" grep -q "state directory '$state' was mode 0750" "$tmp/respited.log"
check "the store is 0600 though respited's umask is 0" test "$(stat -c %a "$state/respite.db")" = 600
check "and so are its -wal and -shm" \
        test "$(stat -c %a "$state/respite.db-wal" "$state/respite.db-shm" | sort -u)" = 600
check "the spool's writer cannot read the store" bash -c "! setpriv --reuid=$writer --regid=$writer \
        --init-groups cat '$state/respite.db' >/dev/null 2>&1"
check "nor list the state directory" bash -c "! setpriv --reuid=$writer --regid=$writer --init-groups \
        ls '$state' >/dev/null 2>&1"
check "but may write the spool" as_writer sh -c "printf '' >'$spool/.probe' && rm '$spool/.probe'"

# Item 4: a symbolic link to what the writer may not read, and to the store.
as_writer ln -s "$tmp/private/secret.csv" "$spool/.leak.csv"
drop leak.csv
as_writer ln -s "$state/respite.db" "$spool/.db.csv"
drop db.csv
check "a symbolic link renamed in goes to failed/, the link itself" wait_file "$spool/failed/leak.csv.reason" 5
check "its reason names it a symbolic link" grep -q "^leak.csv: refused, nothing read: a symbolic link" \
        "$spool/failed/leak.csv.reason"
check "the writer may read the reason" as_writer test -r "$spool/failed/leak.csv.reason"
wait_file "$spool/failed/db.csv.reason" 5
check "nothing of the target is quoted in any reason" bash -c "! grep -rqa -e SECRET -e 'SQLite format' '$spool/failed'"
check "nor stored" test "$(sql "SELECT COUNT(*) FROM incidents WHERE note LIKE '%SECRET%'")" = 0
check "the targets are untouched" test -s "$tmp/private/secret.csv" -a -s "$state/respite.db"
check "failed/leak.csv is still the link" test -L "$spool/failed/leak.csv"

# A hard link to the secret: the kernel refuses it (fs.protected_hardlinks)
# or respited does (a spool file has one name).
if as_writer ln "$tmp/private/secret.csv" "$spool/.hard.csv" 2>/dev/null; then
        drop hard.csv
        check "a hard link renamed in is refused" wait_file "$spool/failed/hard.csv.reason" 5
        check "as a second name, quoting nothing" grep -q "^hard.csv: refused, nothing read: it has 2 names" \
                "$spool/failed/hard.csv.reason"
else
        ok "the writer may not even hard-link the secret (fs.protected_hardlinks)"
fi
# A file of the writer's that respited may not read: refused, not retried.
as_writer sh -c "umask 077; printf '%s,op16,other\n' '$(at -1)' >'$spool/.mine.csv'"
drop mine.csv
check "a file respited may not read goes to failed/" wait_file "$spool/failed/mine.csv.reason" 5
check "saying to give it to the spool's group" grep -q "respited may not read it; give it to the spool's group" \
        "$spool/failed/mine.csv.reason"

# Item 5: a FIFO, a link to /dev/zero and 33 MiB, then a good file.
cpu_before=$(cpu_ticks)
as_writer mkfifo "$spool/.fifo.csv"
drop fifo.csv
as_writer ln -s /dev/zero "$spool/.zero.csv"
drop zero.csv
as_writer sh -c "head -c $((33 * 1024 * 1024)) /dev/zero | tr '\\0' 'x' >'$spool/.big.csv'"
drop big.csv
t0=$(date +%s%N)
as_writer sh -c "printf '%s,op40,other,after the fifo\n' '$(at -1)' >'$spool/.good.csv'"
drop good.csv
check "a good file after them is taken within 5 s" wait_file "$spool/processed/good.csv" 5
echo "# taken after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
check "the FIFO went to failed/ as a FIFO" sh -c "test -p '$spool/failed/fifo.csv' && grep -q 'a FIFO' \
        '$spool/failed/fifo.csv.reason'"
check "the link to /dev/zero too, unread" grep -q "a symbolic link" "$spool/failed/zero.csv.reason"
check "33 MiB is refused, unread" grep -q "^big.csv: refused, nothing read: 34603008 bytes, more than 32 MiB" \
        "$spool/failed/big.csv.reason"
check "respited answers on the bus" answers GetSchedule stt op40 0 0
cpu=$(( $(cpu_ticks) - cpu_before ))
echo "# respited used $cpu clock ticks of CPU over the FIFO, /dev/zero and 33 MiB"
check "respited did not spin (under 5 s of CPU)" test $cpu -lt $((5 * $(getconf CLK_TCK)))

# Item 6: the sticky spool keeps failed/ where it is; without the sticky
# bit, failed/ swapped for a link to the state directory still takes
# nothing there: respited writes through the directory it opened.
check "the writer may not rename failed/ (sticky spool)" bash -c "! setpriv --reuid=$writer --regid=$writer \
        --init-groups mv '$spool/failed' '$spool/x' 2>/dev/null"
chmod -t "$spool"
as_writer mv "$spool/failed" "$spool/.old-failed"
as_writer ln -s "$state" "$spool/failed"
as_writer sh -c "printf 'not a time,op16,threat\n' >'$spool/.bad.csv'"
drop bad.csv
check "a bad file then goes to the failed/ respited opened" wait_file "$spool/.old-failed/bad.csv.reason" 5
check "and nothing into the state directory" test ! -e "$state/bad.csv" -a ! -e "$state/bad.csv.reason"

# A restart with failed/ a link: the spool is not watched, nothing written.
kill -TERM $daemon; wait $daemon; daemon=
start_daemon
check "restarted with failed/ a link, respited refuses the spool and says why" \
        grep -q "Failed to watch the spool directory '$spool'.*must be directories, not symbolic links" \
        "$tmp/respited.log"
check "but serves the bus all the same" answers GetSchedule stt op40 0 0
check "and writes nothing into the state directory" test ! -e "$state/bad.csv" -a ! -e "$state/processed"
as_writer rm "$spool/failed"
as_writer mv "$spool/.old-failed" "$spool/failed"
chmod +t "$spool"
kill -HUP $daemon
check "put back, the spool is watched again after a reload" \
        wait_for "$tmp/respited.log" "Watching the spool directory '$spool'" 10

kill -TERM $daemon; wait $daemon; rc=$?; daemon=
check "respited stops with exit 0" test $rc -eq 0
finish
