#!/usr/bin/env bash
# Hostile source files against the real respited on a private session bus
# (issue 19 item 12, issue 20 item 4): a FIFO, a symbolic link to /dev/zero,
# a sparse 2 GiB file and a file of NUL bytes as the roster. At start
# respited refuses each at once, naming the file and what is wrong; while it
# runs, each put in place of a good roster is refused the same way, the last
# good roster stays in force and GetStatus answers at once throughout.
# sources.max_size is a setting. Usage: tests/source-files.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
daemon=

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

at() { date -u -d "@$(($(date +%s) + $1 * 3600))" +%Y-%m-%dT%H:00:00Z; }
good_roster() {
        printf 'operator,name,team,start,end\nop16,Operator 16,retail,%s,%s\n' "$(at -2)" "$(at 6)"
}
ln -s "$top/conf/presets" "$tmp/presets"
conf() {
        cat >"$tmp/respite.conf" <<EOF
site = { timezone = "UTC"; };
@include "presets/jp.conf"
sources = { rosters = [ "$tmp/roster.csv" ]; $1 };
EOF
}
conf ""

# hostile NAME: make $tmp/roster.csv (or $tmp/NAME, renamed over it) hostile.
hostile() {
        local at=$tmp/new.csv
        rm -f "$at"
        case $1 in
        fifo) mkfifo "$at" ;;
        zero) ln -s /dev/zero "$at" ;;
        sparse) truncate -s 2G "$at" ;;
        nul) { good_roster; head -c 1048576 /dev/zero; } >"$at" ;;
        esac
        mv -T "$at" "$tmp/roster.csv"
}
declare -A says=(
        [fifo]="roster.csv: a FIFO, not a regular file; a source must be a regular file"
        [zero]="roster.csv: a link to /dev/zero, a character device, not a regular file"
        [sparse]="roster.csv: 2 GiB is larger than sources.max_size .64 MiB.; split the file or raise sources.max_size"
        [nul]="roster.csv: binary data .a NUL byte at offset [0-9][0-9]*., not a roster"
)

# At start: refused at once with the reason, never blocked in open() or read.
for kind in fifo zero sparse nul; do
        hostile "$kind"
        start=$(date +%s%N)
        timeout 30 "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" \
                >"$tmp/start.log" 2>&1
        rc=$? ms=$((($(date +%s%N) - start) / 1000000))
        echo "# $kind as the roster: respited exited $rc after $ms ms"
        check "a $kind as the roster: respited exits 1 at once (not blocked: timeout 30 s)" test "$rc" -eq 1
        check "and names the file and what is wrong" grep -Eq "${says[$kind]}" "$tmp/start.log"
        [ "$rc" -eq 1 ] && grep -Eq "${says[$kind]}" "$tmp/start.log" || cat "$tmp/start.log"
done
rm -f "$tmp/roster.csv" "$tmp/state/respite.db"*

# While it runs: each hostile file in place of a good roster.
good_roster >"$tmp/roster.csv"
"$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" >"$tmp/respited.log" 2>&1 &
daemon=$!
if ! wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 20; then
        fail "respited starts"; cat "$tmp/respited.log"; finish; exit 1
fi
ok "respited starts with a good roster"

status_ms() {
        local start rc
        start=$(date +%s%N)
        busctl --user --timeout=10 call org.respite.Scheduler1 /org/respite/Scheduler1 \
                org.respite.Scheduler1 GetStatus >/dev/null
        rc=$?
        echo $(((($(date +%s%N) - start) / 1000000)))
        return $rc
}
for kind in fifo zero sparse nul; do
        hostile "$kind"
        if ! wait_for "$tmp/respited.log" "${says[$kind]}" 10; then
                fail "a $kind put in place of the roster is refused by name"; tail -5 "$tmp/respited.log"
                continue
        fi
        ok "a $kind put in place of the roster is refused by name"
        ms=$(status_ms); rc=$?
        echo "# GetStatus with a $kind as the roster: $ms ms"
        # Generous: the point is that the loop is not blocked (17 s for 2 GB before).
        check "GetStatus answers within 5 s ($ms ms)" test "$rc" -eq 0 -a "$ms" -lt 5000
        check "respited runs on" alive "$daemon"
        # The reload refuses too, and keeps the last good roster.
        out=$("$bin/respitectl" --user reload 2>&1); rc=$?
        echo "# respitectl reload: $out"
        check "respitectl reload answers and keeps the last good roster" \
                test "$rc" -eq 0 -a "$(count "$tmp/respited.log" "${says[$kind]}")" -ge 2
        good_roster >"$tmp/new.csv" && mv "$tmp/new.csv" "$tmp/roster.csv"
        wait_for "$tmp/respited.log" "Loaded roster '$tmp/roster.csv'" 10 >/dev/null
done
check "the last good roster stayed in force" grep -q "Keeping the last good version of roster" "$tmp/respited.log"
sched=$(busctl --user --timeout=10 call org.respite.Scheduler1 /org/respite/Scheduler1 \
        org.respite.Scheduler1 GetSchedule stt op16 0 0 2>&1)
check "op16 still has a schedule" grep -q '^a' <<<"$sched"

# sources.max_size: a setting, refused when it is not a size.
kill "$daemon"; wait "$daemon" 2>/dev/null; daemon=
good_roster >"$tmp/roster.csv"
conf 'max_size = "1K";'
head -c 2000 /dev/zero | tr '\0' '#' >>"$tmp/roster.csv"
out=$("$bin/respited" --check-config --config "$tmp/respite.conf" 2>&1); rc=$?
check "sources.max_size = \"1K\" refuses a 2 KiB roster ($rc)" \
        grep -q "roster.csv: 2.0 KiB is larger than sources.max_size (1 KiB)" <<<"$out"
[ $rc -ne 0 ] || echo "$out"
conf 'max_size = "lots";'
out=$("$bin/respited" --check-config --config "$tmp/respite.conf" 2>&1); rc=$?
check "sources.max_size = \"lots\" is refused with file and line" \
        grep -Eq "respite.conf:[0-9]+: .*expected a size such as \"64M\"" <<<"$out"
[ $rc -ne 0 ] || echo "$out"

finish
