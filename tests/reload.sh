#!/usr/bin/env bash
# `systemctl reload respited` tells the truth: the unit's ExecReload= is
# `respitectl reload`, which calls Reload() and waits for the answer. With
# the real respited on a private bus: a broken policy makes respitectl
# reload exit 1 with the daemon's reason (file and line) and the running
# policy stays; once fixed it exits 0; SIGHUP still reloads.
# Usage: tests/reload.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
unit="$top/systemd/respited.service"

check "the unit reloads with respitectl reload, not a signal" \
        grep -qx 'ExecReload=/usr/local/bin/respitectl reload' "$unit"
check "the unit has one ExecReload=" test "$(grep -c '^ExecReload=' "$unit")" -eq 1
if command -v systemd-analyze >/dev/null; then
        sed -e "s|^ExecStart=/usr/local/sbin/|ExecStart=$bin/|" \
            -e "s|^ExecReload=/usr/local/bin/|ExecReload=$bin/|" "$unit" >"$tmp/respited.service"
        out=$(systemd-analyze verify --man=no "$tmp/respited.service" 2>&1); rc=$?
        check "systemd-analyze verify accepts the unit" test $rc -eq 0 -a -z "$out"
        [ -z "$out" ] || echo "$out"
else
        skip "systemd-analyze is not installed"
fi

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Europe/Berlin"; };
@include "presets/jp.conf"
sources = { rosters = [ "$top/conf/examples/anonbank-1999-01-04-roster.csv" ]; };
EOF
cp "$tmp/respite.conf" "$tmp/respite.conf.good"

"$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" \
        --clock 1999-01-04T09:00:00 >"$tmp/respited.log" 2>&1 &
daemon=$!
if ! wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 20; then
        fail "respited starts"; cat "$tmp/respited.log"; finish; exit 1
fi
ok "respited starts on a private bus"

out=$("$bin/respitectl" --user reload 2>&1); rc=$?
check "respitectl reload of a good policy exits 0" test $rc -eq 0
check "and says so" grep -q "^Reloaded" <<<"$out"

# A typo: refused, and respitectl says where.
sed -i 's/^sources/sorces/' "$tmp/respite.conf"
out=$("$bin/respitectl" --user reload 2>&1); rc=$?
check "respitectl reload of a broken policy exits 1" test $rc -eq 1
check "with the daemon's reason: file, line and the setting" \
        grep -q "Reload refused, the running policy is kept: .*respite.conf:[0-9]*:.*sorces" <<<"$out"
check "it does not say Reloaded" test -z "$(grep '^Reloaded' <<<"$out")"
[ $rc -eq 1 ] || echo "$out"

# A roster that does not exist: refused as well.
sed -e 's|anonbank-1999-01-04-roster.csv|no-such-roster.csv|' "$tmp/respite.conf.good" >"$tmp/respite.conf"
out=$("$bin/respitectl" --user reload 2>&1); rc=$?
check "respitectl reload with a missing roster exits 1" test $rc -eq 1
check "and says a roster could not be read" grep -q "Reload refused, .*: a roster or call-record file could not be read" <<<"$out"
check "the daemon still runs" alive $daemon

cp "$tmp/respite.conf.good" "$tmp/respite.conf"
out=$("$bin/respitectl" --user reload 2>&1); rc=$?
check "respitectl reload exits 0 once the policy is fixed" test $rc -eq 0
[ $rc -eq 0 ] || echo "$out"

# SIGHUP reloads as before.
n=$(count "$tmp/respited.log" "Reloading")
kill -HUP $daemon
check "SIGHUP still reloads" wait_count "$tmp/respited.log" "Reloading" $((n + 1)) 10
check "and the daemon answers after it" busctl --user get-property org.respite.Scheduler1 \
        /org/respite/Scheduler1 org.respite.Scheduler1 Timezone >/dev/null

finish
