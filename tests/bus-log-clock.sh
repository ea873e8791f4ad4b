#!/usr/bin/env bash
# Hostile neighbours on the bus, in the log and in the clock (issue 19,
# items 9-11), against the real respited on a private system-style bus with
# the shipped policy, run as root, and clients under separate Unix users:
# a report retried with its client_id (ReportIncidentWithId) is stored once
# and answered with the same id, also across a restart and per user; a
# newline and a "<N>" priority prefix in a denied argument, a spool file's
# name or its lines forge no log line, and a 10 KB denied argument makes
# no line longer than the cap (respited's stderr is taken for the journal's
# stream, so every line carries its priority); a start with the clock ten
# years ahead purges nothing and warns, and a replay purges nothing unless
# --purge. Needs root (to add the test users); skips otherwise.
# Usage: tests/bus-log-clock.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
daemon=

need_test_users "bus, log and clock tests"

add_user respite-t-blc-acd      # an integration
add_user respite-t-blc-crm      # another integration
add_user respite-t-blc-other    # nobody respited knows

start_system_bus

at() { date -u -d "@$(($(date +%s) + $1 * 3600))" +%Y-%m-%dT%H:00:00Z; }
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end
op16,Operator 16,retail,$(at -4),$(at 5)
op27,Operator 27,retail,$(at -4),$(at 5)
EOF
mkdir -p "$tmp/spool"
ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "UTC"; };
@include "presets/jp.conf"
sources = { rosters = [ "$tmp/roster.csv" ]; };
incidents = { retention_days = 30; spool = "$tmp/spool"; };
access = { integrations = [ "respite-t-blc-acd", "respite-t-blc-crm" ]; };
EOF

sql() { sqlite3 -batch "$tmp/state/respite.db" "$@"; }
log="$tmp/respited.log"

# start_daemon [ARGS…]: respited with its stderr taken for the journal's
# stream ($JOURNAL_STREAM names the log file), so each line has "<N>".
start_daemon() {
        : >"$log"
        JOURNAL_STREAM=$(stat -c '%d:%i' "$log") \
                "$bin/respited" --config "$tmp/respite.conf" --state-dir "$tmp/state" "$@" >>"$log" 2>&1 &
        daemon=$!
        wait_for "$log" "Serving org.respite.Scheduler1" 20
}
stop_daemon() {
        kill -TERM "$daemon" 2>/dev/null
        wait "$daemon" 2>/dev/null
        daemon=
}
as() {
        local user=$1; shift
        setpriv --reuid="$user" --regid="$user" --init-groups \
                busctl --system --timeout=5 call org.respite.Scheduler1 /org/respite/Scheduler1 \
                org.respite.Scheduler1 "$@" 2>&1
}

if ! start_daemon; then
        fail "respited starts"; cat "$log"; finish; exit 1
fi
ok "respited starts on a system-style bus"
check "the schema version is 5" test "$(sql 'PRAGMA user_version')" = 5

# ---- 9: idempotency keys ----
key=3f2a9c1e-acd-call-000123
first=$(as respite-t-blc-acd ReportIncidentWithId sssts "$key" op16 threat 0 "first try")
check "a report with a client_id is stored" grep -Eq '^s "[0-9a-f]{32}"$' <<<"$first"
again=$(as respite-t-blc-acd ReportIncidentWithId sssts "$key" op16 threat 0 "first try")
check "its retry returns the same id" test "$again" = "$first"
check "and is stored once" test "$(sql "SELECT COUNT(*) FROM incidents WHERE note = 'first try'")" = 1
check "the retry is logged" grep -q "reported again with its key" "$log"
stop_daemon
start_daemon
again=$(as respite-t-blc-acd ReportIncidentWithId sssts "$key" op16 threat 0 "first try")
check "a retry after a restart returns the same id" test "$again" = "$first"
check "and stores nothing" test "$(sql "SELECT COUNT(*) FROM incidents WHERE note = 'first try'")" = 1
other=$(as respite-t-blc-crm ReportIncidentWithId sssts "$key" op16 threat 0 "first try")
check "another user's same client_id is another incident" \
        bash -c "grep -Eq '^s \"[0-9a-f]{32}\"$' <<<'$other' && test '$other' != '$first'"
out=$(as respite-t-blc-acd ReportIncidentWithId sssts "$key" op27 threat 0 "")
check "a client_id given for another operator is refused" grep -q "given before for incident" <<<"$out"
out=$(as respite-t-blc-acd ReportIncidentWithId sssts "$(printf 'k%.0s' {1..129})" op16 threat 0 "")
check "a client_id over 128 bytes is refused" grep -q "client_id must be 1 to 128 bytes" <<<"$out"
out=$(as respite-t-blc-acd ReportIncidentWithId sssts "" op16 threat 0 "")
check "an empty client_id is refused" grep -q "client_id must be" <<<"$out"
out=$(as respite-t-blc-other ReportIncidentWithId sssts "$key" op16 threat 0 "")
check "an unmapped user may not report with a client_id either" grep -q "Access denied\|AccessDenied" <<<"$out"
ctl1=$("$bin/respitectl" report op27 other --note "by respitectl" --id ctl-key-1 2>/dev/null)
ctl2=$("$bin/respitectl" report op27 other --note "by respitectl" --id ctl-key-1 2>/dev/null)
check "respitectl report --id run twice prints one id" bash -c "[[ '$ctl1' =~ ^[0-9a-f]{32}$ ]] && test '$ctl1' = '$ctl2'"
check "and stores one incident" test "$(sql "SELECT COUNT(*) FROM incidents WHERE note = 'by respitectl'")" = 1
# A caller whose call timed out: respited stopped (SIGSTOP) while the
# call waits, the call gives up, respited resumes and stores it; the retry
# with the same client_id gets the same id.
key2=retry-after-timeout-1
kill -STOP "$daemon"
setpriv --reuid=respite-t-blc-acd --regid=respite-t-blc-acd --init-groups \
        busctl --system --timeout=1 call org.respite.Scheduler1 /org/respite/Scheduler1 \
        org.respite.Scheduler1 ReportIncidentWithId sssts "$key2" op27 verbal_abuse 0 "timed out" \
        >"$tmp/timeout.out" 2>&1
rc=$?
kill -CONT "$daemon"
check "the first call timed out while respited was stopped" test $rc -ne 0
retry=$(as respite-t-blc-acd ReportIncidentWithId sssts "$key2" op27 verbal_abuse 0 "timed out")
check "its retry gets an id" grep -Eq '^s "[0-9a-f]{32}"$' <<<"$retry"
check "the timed-out call and its retry are stored once" \
        test "$(sql "SELECT COUNT(*) FROM incidents WHERE note = 'timed out'")" = 1
check "under the id the retry got" \
        test "s \"$(sql "SELECT id FROM incidents WHERE note = 'timed out'")\"" = "$retry"

# ---- 10: log injection ----
forge=$'op16\n<0>respited[1]: forged by the neighbour'
as respite-t-blc-other GetSchedule stt "$forge" 0 0 >/dev/null
as respite-t-blc-other ListIncidents st "$forge" 0 >/dev/null
# Over 16 KiB an argument is refused before it is looked at (tests/stay-up.sh);
# under it, a denied one is logged cut short.
big=$(head -c 100000 /dev/zero | tr '\0' 'A')
as respite-t-blc-other GetSchedule stt "$big" 0 0 >/dev/null
big=$(head -c 10000 /dev/zero | tr '\0' 'A')
as respite-t-blc-other GetSchedule stt "$big" 0 0 >/dev/null
printf '%s,op99,threat,x\n' "$(at -1)" >"$tmp/spool/.part"
mv "$tmp/spool/.part" "$tmp/spool/"$'evil\n<0>respited: forged by a spool name.csv'
printf '%s,"op99\n<0>forged by a field",threat\n' "$(at -1)" >"$tmp/spool/.part2"
mv "$tmp/spool/.part2" "$tmp/spool/field.csv"
wait_for "$log" "Spool file 'field.csv' has" 5
wait_for "$log" "Spool file 'evil" 5
sleep 0.3
check "the denied arguments are logged" test "$(count "$log" "Denied uid")" -ge 3
check "every log line carries its own priority" test "$(grep -cv '^<[0-7]>' "$log")" = 0
check "no line is forged (no <0>, no 'forged' at a line's start)" \
        bash -c "! grep -Eq '^(<[0-7]>)?(<0>|respited.*forged)' '$log'"
check "the newline shows as \\n" grep -qF 'op16\n<0>respited[1]: forged by the neighbour' "$log"
check "a spool file's name is quoted" grep -qF "Spool file 'evil\n<0>respited: forged by a spool name.csv'" "$log"
longest=$(awk '{ if (length($0) > n) n = length($0) } END { print n }' "$log")
echo "# longest log line: $longest bytes (a 10000-byte argument was denied)"
check "no log line is over 4 KiB" test "$longest" -le 4100
check "the 10 KB argument is cut short" grep -Eq "operator 'A{150,210}…'" "$log"

# ---- 11: the clock ----
stop_daemon
now=$(date +%s)
sql "INSERT INTO incidents (id, operator, category, time_usec, received_usec, note)
     VALUES ('older-than-newest', 'op16', 'other', $(((now - 40 * 86400) * 1000000)),
             $(((now - 40 * 86400) * 1000000)), 'older than retention before the newest');"
n=$(sql "SELECT COUNT(*) FROM incidents")
ahead=$(date -u -d "@$((now + 3650 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
start_daemon --clock "$ahead"
check "a replay ten years ahead starts" test -n "$daemon"
check "a replay purges nothing" test "$(sql "SELECT COUNT(*) FROM incidents")" = "$n"
check "and says retention is not applied" grep -q "retention not applied" "$log"
stop_daemon
start_daemon --clock "$ahead" --purge
check "asked to purge, with the clock ten years ahead, it warns" grep -q "days after the newest stored incident" "$log"
check "it keeps every incident within retention of the newest" \
        test "$(sql "SELECT COUNT(*) FROM incidents")" = "$((n - 1))"
check "and purges only what is older than retention before the newest" \
        test "$(sql "SELECT COUNT(*) FROM incidents WHERE id = 'older-than-newest'")" = 0
check "with their notes" test "$(sql "SELECT COUNT(*) FROM incidents WHERE note = 'first try'")" = 2
stop_daemon
out=$("$bin/respited" --config "$tmp/respite.conf" --state-dir "$tmp/state" --purge 2>&1)
check "--purge without --clock is refused" grep -q "\-\-purge needs --clock" <<<"$out"

finish
