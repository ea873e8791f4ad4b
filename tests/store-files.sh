#!/usr/bin/env bash
# The store, damaged or lost, against the real respited on a private session
# bus (issue 20 items 5-7): a page in the middle overwritten with garbage, a
# file that is no database, an empty (0-byte) respite.db, a state directory
# and a database respited may not write, a read-only mount. respited refuses
# each at start with SQLite's own words and what to do, and leaves the file
# as it was. `respitectl backup` copies the store while respited runs and
# writes; the restore procedure of respited(8) brings the incidents and the
# feed tokens back. Usage: tests/store-files.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
daemon=
state=$tmp/state

start_session_bus --any-user
unset DBUS_SYSTEM_BUS_ADDRESS
chmod 0755 "$tmp"       # respited runs as nobody below

at() { date -u -d "@$(($(date +%s) + $1 * 3600))" +%Y-%m-%dT%H:00:00Z; }
printf 'operator,name,team,start,end\nop16,Operator 16,retail,%s,%s\n' "$(at -2)" "$(at 6)" >"$tmp/roster.csv"
ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "UTC"; };
@include "presets/jp.conf"
sources = { rosters = [ "$tmp/roster.csv" ]; };
feeds = { listen = "127.0.0.1:0"; };
EOF
sql() { sqlite3 -batch "$state/respite.db" "$@"; }
call() {
        busctl --user --timeout=10 call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 "$@"
}
start_daemon() {
        "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$state" >"$tmp/respited.log" 2>&1 &
        daemon=$!
        wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 20
}
stop_daemon() { kill "$daemon"; wait "$daemon" 2>/dev/null; daemon=; }
# refused WHAT PATTERN…: respited exits 1 at start, saying each PATTERN.
refused() {
        local what=$1 p rc good=1
        shift
        timeout 30 "${as[@]}" "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$state" \
                >"$tmp/refused.log" 2>&1
        rc=$?
        [ "$rc" -eq 1 ] || good=0
        for p in "$@"; do grep -q -- "$p" "$tmp/refused.log" || good=0; done
        if [ $good = 1 ]; then ok "$what: refused at start (exit 1), saying what is wrong and what to do"
        else fail "$what: refused at start (exit $rc) with /$*/ in:"; sed 's/^/    /' "$tmp/refused.log"; fi
}
as=()

if ! start_daemon; then
        fail "respited starts"; cat "$tmp/respited.log"; finish; exit 1
fi
ok "respited starts with a new store"
for i in 1 2 3 4 5; do call ReportIncident ssts op16 threat 0 "before the backup $i" >/dev/null; done
token=$(sql "SELECT token FROM feed_tokens WHERE feed = 'op16'")

## Backup while respited runs and writes.
( for i in $(seq 1 40); do call ReportIncident ssts op16 threat 0 "during the backup $i" >/dev/null; done ) &
writer=$!
# The backup begins once the writer's reports are being committed.
for ((i = 0; i < 200; i++)); do [ "$(sql "SELECT COUNT(*) FROM incidents")" -gt 6 ] && break; sleep 0.05; done
start=$(date +%s%N)
out=$("$bin/respitectl" --state-dir "$state" backup "$tmp/backup.db" 2>&1); rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
wait "$writer"
echo "# respitectl backup while 40 reports were being committed: $ms ms"
check "respitectl backup exits 0 while respited writes ($out)" test "$rc" -eq 0
check "the copy is mode 0600" test "$(stat -c %a "$tmp/backup.db")" = 600
check "the copy passes PRAGMA integrity_check" test "$(sqlite3 "$tmp/backup.db" 'PRAGMA integrity_check')" = ok
n_backup=$(sqlite3 "$tmp/backup.db" "SELECT COUNT(*) FROM incidents")
echo "# incidents in the backup: $n_backup (5 before it, 40 around it)"
check "the copy holds the incidents reported before it" test "$n_backup" -ge 7 -a "$n_backup" -le 45
check "and the feed tokens" test "$(sqlite3 "$tmp/backup.db" "SELECT token FROM feed_tokens WHERE feed = 'op16'")" = "$token"
out=$("$bin/respitectl" --state-dir "$state" backup "$tmp/backup.db" 2>&1); rc=$?
check "a backup never overwrites a file" grep -q "backup.db': File exists (a backup is written to a new file only)" <<<"$out"
ln -s "$state/respite.db" "$tmp/link.db"
out=$("$bin/respitectl" --state-dir "$state" backup "$tmp/link.db" 2>&1); rc=$?
check "nor writes through a symbolic link" test "$rc" -eq 1
out=$("$bin/respitectl" --state-dir "$tmp/nowhere" backup "$tmp/other.db" 2>&1); rc=$?
check "a state directory without a store is named" \
        grep -q "Cannot read the database '$tmp/nowhere/respite.db': No such file or directory; give respited's state directory with --state-dir" <<<"$out"
call ReportIncident ssts op16 threat 0 "after the backup" >/dev/null
stop_daemon

## A damaged page in the middle: refused, the file left as it was.
pages=$(($(stat -c %s "$state/respite.db") / 4096))
dd if=/dev/urandom of="$state/respite.db" bs=4096 seek=$((pages / 2)) count=1 conv=notrunc status=none
sum=$(sha256sum <"$state/respite.db")
refused "a page of garbage in the middle of respite.db" "is damaged (PRAGMA quick_check: " \
        "respited will not write into a damaged store" "restore the store from a backup (respited(8), BACKUP AND RESTORE)"
check "the damaged file is not written" test "$(sha256sum <"$state/respite.db")" = "$sum"

## The restore procedure of respited(8): stopped, copy back, no old WAL, owner, start.
cp "$tmp/backup.db" "$state/respite.db" && rm -f "$state/respite.db-wal" "$state/respite.db-shm"
chmod 0600 "$state/respite.db"
if start_daemon; then ok "respited starts on the restored store"; else fail "respited starts on the restored store"; cat "$tmp/respited.log"; fi
check "with the incidents of the backup" grep -q "Store '$state/respite.db': $n_backup reported incidents" "$tmp/respited.log"
check "and the same feed token (the feed URLs do not change)" \
        test "$(sql "SELECT token FROM feed_tokens WHERE feed = 'op16'")" = "$token"
out=$("$bin/respitectl" --user incidents --from 2000-01-01 --format csv 2>&1)
check "respitectl incidents lists the restored incidents" grep -q "before the backup 1" <<<"$out"
stop_daemon

## Not a database at all: SQLite's words, not "Bad message".
cp "$state/respite.db" "$tmp/good.db"
head -c 65536 /dev/urandom >"$state/respite.db"; rm -f "$state/respite.db-wal" "$state/respite.db-shm"
refused "random bytes as respite.db" "The store '$state/respite.db' is damaged: file is not a database" \
        "move the file aside to start a new, empty store"

## Empty: never taken for a new store.
: >"$state/respite.db"
refused "an empty (0-byte) respite.db" "The store '$state/respite.db' is empty (0 bytes) though the file exists" \
        "remove the empty file"
check "the empty file is left empty" test ! -s "$state/respite.db"

## Not writable: the directory, the file, a read-only mount.
cp "$tmp/good.db" "$state/respite.db"
if [ "$(id -u)" = 0 ]; then
        as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
        chown -R 65534:65534 "$state"
else
        as=()
fi
chmod 0500 "$state"
refused "a state directory respited may not write" \
        "The state directory '$state' is not writable by respited (uid [0-9]*): Permission denied" \
        "chown respite:respite '$state'; chmod 0700 '$state'"
chmod 0700 "$state"; chmod 0400 "$state/respite.db"
refused "a respite.db respited may not write" \
        "The store '$state/respite.db' is not writable by respited (uid [0-9]*): Permission denied" \
        "chmod 0600 '$state/respite.db'"
chmod 0600 "$state/respite.db"
as=()
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
        timeout 30 unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"' \
                sh "$state" "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$state" \
                >"$tmp/refused.log" 2>&1
        rc=$?
        check "a read-only mount: refused at start (exit $rc), 'Read-only file system' and what to do" \
                grep -q "The state directory '$state' is not writable by respited (uid 0): Read-only file system.*mounted read-write" \
                "$tmp/refused.log"
        [ "$rc" -eq 1 ] || cat "$tmp/refused.log"
else
        skip "a read-only mount needs root and mount namespaces"
fi
if start_daemon; then ok "respited starts again once the store is writable"; else fail "respited starts again"; cat "$tmp/respited.log"; fi

finish
