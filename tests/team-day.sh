#!/usr/bin/env bash
# GetTeamDay with real, separate Unix users, as tests/access.sh runs them: a
# private system-style bus with the shipped bus policy, respited on it as
# root (site zone Asia/Tokyo), and calls as a team lead (by group), an
# operator, an integration, an unmapped user and root. The lead's answer
# must agree with `respitectl schedule` for the team's operators, and
# ctl_bus_get_team_day() (tests/team-day-client.c) must rebuild the same
# plan and requirement, free of leaks under valgrind. Needs root (to add
# the test users); skips otherwise. About 10 seconds.
# Usage: tests/team-day.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"

need_test_users "team-day tests"
if [ ! -x "$bin/team-day-client" ]; then        # `make integration-check` builds it
        san=()
        [ "$build" = build-san ] && san=(SAN=1)
        make -C "$top" -s "${san[@]}" "$build/team-day-client" >/dev/null ||
                { fail "build $build/team-day-client"; finish; exit 1; }
fi

add_group respite-d-leads
add_user respite-d-lead respite-d-leads
add_user respite-d-op16
add_user respite-d-other
add_user respite-d-acd

start_system_bus

zone=Asia/Tokyo
now=$(date +%s)
at() { date -u -d "@$((now / 3600 * 3600 + $1 * 3600))" +%Y-%m-%dT%H:00:00Z; }
# op16's second shift lies a day on: its middle, now + 34 h, names its date.
later=$(TZ=$zone date -d "@$((now + 34 * 3600))" +%F)
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end
op16,Operator 16,retail,$(at -4),$(at 5)
op27,Operator 27,retail,$(at -3),$(at 6)
op16,Operator 16,retail,$(at 30),$(at 38)
op40,Operator 40,support,$(at -3),$(at 4)
EOF
ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "$zone"; };
@include "presets/jp.conf"
sources = { rosters = [ "$tmp/roster.csv" ]; };
coverage = { bands = ( { team = "retail"; from = "00:00"; to = "24:00"; minimum = 1; },
                       { team = "support"; from = "00:00"; to = "24:00"; minimum = 2; } ); };
access = {
  operators = ( { user = "respite-d-op16"; operator = "op16"; } );
  leads = ( { group = "respite-d-leads"; teams = [ "retail" ]; } );
  integrations = [ "respite-d-acd" ];
};
EOF

"$bin/respited" --config "$tmp/respite.conf" --state-dir "$tmp/state" >"$tmp/respited.log" 2>&1 &
daemon=$!
if ! wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1 on the system bus" 20; then
        fail "respited owns its name"; cat "$tmp/respited.log"
        finish; exit 1
fi

# as USER COMMAND…: run as that user (with their groups).
as() { local user=$1; shift; setpriv --reuid="$user" --regid="$user" --init-groups "$@" 2>&1; }
# day USER TEAM DATE [--json]: GetTeamDay as USER; prints the reply or the error.
day() {
        as "$1" busctl --system --timeout=5 ${4:-} call org.respite.Scheduler1 /org/respite/Scheduler1 \
                org.respite.Scheduler1 GetTeamDay ss "$2" "$3"
}
# busctl says "Access denied" for org.freedesktop.DBus.Error.AccessDenied.
denied() { grep -q "^Call failed: Access denied$" <<<"$1" || { echo "got: $1"; false; }; }

out=$(as root busctl --system call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        ReportIncident ssts op16 threat 0 "threatened")
check "root reports a threat for op16" grep -Eq '^s "[0-9a-f]{32}"$' <<<"$out"

# The lead's answer, checked whole.
day respite-d-lead retail "" --json=short >"$tmp/retail.json"
check "a lead reads their team's day" grep -q '^{"type":"ttta(ssttba(sttss))ttau","data":' "$tmp/retail.json"
for op in op16 op27; do
        as respite-d-lead "$bin/respitectl" --json schedule $op >"$tmp/schedule-$op.json"
done
check_day() {   # the reply against the roster, the zone and respitectl schedule
        /usr/bin/python3 - "$tmp" "$zone" "$now" <<'EOF'
import json, sys, datetime, zoneinfo
tmp, zone, now = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 1000000
frm, to, revision, shifts, rstart, interval, required = json.load(open(f"{tmp}/retail.json"))["data"]
problems = []
def want(ok, what):
    if not ok:
        problems.append(what)
tz = zoneinfo.ZoneInfo(zone)
day = datetime.datetime.fromtimestamp(now / 1e6, tz).date()
start = datetime.datetime.combine(day, datetime.time(), tz)
want(frm == int(start.timestamp()) * 1000000, f"from_usec {frm} is not today's midnight in {zone}")
want(to - frm == 24 * 3600 * 1000000, f"a day of {(to - frm) / 3.6e9} h in {zone}")
want(0 < revision <= now + 60 * 1000000, f"revision_usec {revision}")
want([s[0] for s in shifts] == ["op16", "op27"], f"shifts of {[s[0] for s in shifts]}")
for op, uid, s, e, violation, breaks in shifts:
    want(s < to and e > frm, f"{uid} does not meet the day")
    want(uid.startswith(op + "-") and uid.endswith("@respite"), f"shift uid {uid}")
    want(violation is False, f"{uid}: statutory violation")
    want(all(s <= b[1] < b[2] <= e for b in breaks), f"{uid}: a break outside its shift")
    want([b[1] for b in breaks] == sorted(b[1] for b in breaks), f"{uid}: breaks out of order")
    want(any(b[0] == "statutory" for b in breaks), f"{uid}: no statutory break (jp, 9 h)")
    got = sorted((b[0], b[1], b[2], b[3], b[4]) for b in breaks if b[2] > frm and b[1] < to)
    sched = json.load(open(f"{tmp}/schedule-{op}.json"))["breaks"]
    exp = sorted((b["kind"], b["start_usec"], b["end_usec"], b["uid"], b["reason"]) for b in sched)
    want(got == exp, f"{op}: GetTeamDay {got} != respitectl schedule {exp}")
want(any(b[0] == "recovery" and "threat" in b[4] for b in shifts[0][5]),
     "op16's recovery break with its private reason")
want(rstart <= frm < rstart + interval and interval == 30 * 60 * 1000000, f"requirement from {rstart}, {interval}")
want(len(required) == -(-(to - rstart) // interval), f"{len(required)} intervals")
# The roster runs from op16's first shift (now - 4 h, on the hour) to its
# second's end (now + 38 h): 1 required in its intervals, 0 outside.
first, last = (now // 3600000000 - 4) * 3600000000, (now // 3600000000 + 38) * 3600000000
want(required == [1 if first <= rstart + i * interval < last else 0 for i in range(len(required))],
     f"required {required}")
print("\n".join(problems), end="\n" if problems else "")
sys.exit(1 if problems else 0)
EOF
}
check "its shifts, breaks and requirement agree with the roster and respitectl schedule" check_day

out=$(day respite-d-lead support "")
check "the same lead asking for another team is denied" denied "$out"
out=$(day respite-d-lead nosuchteam "")
check "an unknown team is denied to a lead, not revealed" denied "$out"
out=$(day respite-d-op16 retail "")
check "an operator is denied their own team's day" denied "$out"
out=$(day respite-d-acd retail "")
check "an integration is denied" denied "$out"
out=$(day respite-d-other retail "")
check "an unmapped user is denied" denied "$out"
check "denials are logged" grep -q "Denied uid [0-9]* to read the day of team 'retail'" "$tmp/respited.log"
out=$(day root support "")
check "root reads every team's day" grep -Eq '^ttta\(ssttba\(sttss\)\)ttau [0-9]+ [0-9]+ [0-9]+ 1 "op40" ' <<<"$out"
check "with the support band's requirement" grep -Eq ' 1800000000 [0-9]+ .*\b2\b' <<<"$out"
out=$(day root nosuchteam "")
check "an unknown team gives UnknownTeam" grep -q "No such team 'nosuchteam'" <<<"$out"
for bad in 2026-13-01 2026-02-30 tomorrow 1999-1-4 "2026-01-01T00:00" 1969-12-31; do
        out=$(day respite-d-lead retail "$bad")
        check "a bad date ('$bad') gives InvalidArgs" grep -q "date must be a day as YYYY-MM-DD (in $zone)" <<<"$out"
done
# The errors by name (busctl shows only their text), with python3-dbus.
errname() {     # USER TEAM DATE: the error's name, or "ok"
        as "$1" /usr/bin/python3 -c '
import dbus, sys
o = dbus.SystemBus().get_object("org.respite.Scheduler1", "/org/respite/Scheduler1")
try:
    o.GetTeamDay(sys.argv[1], sys.argv[2], dbus_interface="org.respite.Scheduler1")
    print("ok")
except dbus.exceptions.DBusException as e:
    print(e.get_dbus_name())' "$2" "$3"
}
check "as org.freedesktop.DBus.Error.AccessDenied" \
        test "$(errname respite-d-op16 retail "")" = org.freedesktop.DBus.Error.AccessDenied
check "org.respite.Scheduler1.Error.UnknownTeam" \
        test "$(errname root nosuchteam "")" = org.respite.Scheduler1.Error.UnknownTeam
check "org.freedesktop.DBus.Error.InvalidArgs" \
        test "$(errname respite-d-lead retail 2026-13-01)" = org.freedesktop.DBus.Error.InvalidArgs
check "and python3-dbus reads the lead's reply" test "$(errname respite-d-lead retail "")" = ok

out=$(day respite-d-lead retail "$later" --json=short)
later_day() {   # op16's second shift, and the day is a whole one
        /usr/bin/python3 -c '
import json, sys
frm, to, _, shifts, *_ = json.loads(sys.argv[1])["data"]
later = [s for s in shifts if s[0] == "op16" and s[2] >= (int(sys.argv[2]) + 29 * 3600) * 10**6]
sys.exit(0 if to - frm == 24 * 3600 * 10**6 and len(later) == 1 and later[0][2] < to and later[0][3] > frm else 1)
' "$1" "$now"
}
check "a date names its day: op16's shift of $later" later_day "$out"

# The client: ctl_bus_get_team_day() rebuilds the same plan and requirement.
as respite-d-lead "$bin/team-day-client" retail >"$tmp/client.json"
check "ctl_bus_get_team_day() as the lead" test -s "$tmp/client.json"
check_client() {
        /usr/bin/python3 - "$tmp" <<'EOF'
import json, sys
tmp = sys.argv[1]
frm, to, revision, shifts, rstart, interval, required = json.load(open(f"{tmp}/retail.json"))["data"]
c = json.load(open(f"{tmp}/client.json"))
strip = lambda uid: uid[:-len("@respite")]
problems = []
def want(ok, what):
    if not ok:
        problems.append(what)
want((c["from"], c["to"]) == (frm, to), "the day")
want(c["now"] >= revision, "plan->now")
want([(s["operator"], s["team"], s["uid"], s["start"], s["end"], s["statutory_violation"]) for s in c["shifts"]] ==
     [(s[0], "retail", strip(s[1]), s[2], s[3], int(s[4])) for s in shifts], "the shifts")
want([[(b["kind"], b["start"], b["end"], b["uid"], b["reason"]) for b in s["breaks"]] for s in c["shifts"]] ==
     [[(b[0], b[1], b[2], strip(b[3]), b[4]) for b in s[5]] for s in shifts], "the breaks")
want(c["breaks"] == sum(len(s[5]) for s in shifts), "plan->breaks")
want((c["coverage_teams"], c["coverage_team"], c["coverage_start"], c["coverage_interval"]) ==
     (1, "retail", rstart, interval), "the coverage")
want(c["required"] == required, "the requirement")
want(c["intraday_minutes"] == (to - frm) // 60000000, "intraday_compute() over the day")
want(c["intraday_most_on_shift"] == 2 and c["intraday_most_required"] == 1, "on shift and required")
print("\n".join(problems), end="\n" if problems else "")
sys.exit(1 if problems else 0)
EOF
}
check "it rebuilds the plan and coverage of the reply (uids without @respite), and intraday draws them" check_client
out=$(as respite-d-lead "$bin/team-day-client" support)
check "it says the lead may not read another team" grep -q "Failed to get the team's day: Not allowed" <<<"$out"
out=$(as root "$bin/team-day-client" nosuchteam)
check "it names an unknown team" grep -q "No such team 'nosuchteam'" <<<"$out"
out=$(as respite-d-lead "$bin/team-day-client" retail 2026-02-30)
check "it passes on a bad date's message" grep -q "date must be a day as YYYY-MM-DD" <<<"$out"

# respitectl coverage without input files: the live day from respited.
out=$(as respite-d-lead env COLUMNS=80 "$bin/respitectl" coverage); rc=$?
check "respitectl coverage: a lead sees their team's live day" test $rc -eq 0
check "... retail only, in the site's zone" grep -q "^retail · .* · $zone" <<<"$out"
check "... not support" eval '! grep -q "^support" <<<"$out"'
check "... 80 columns at most" eval '[ "$(wc -L <<<"$out")" -le 80 ]'
out=$(as root env COLUMNS=80 "$bin/respitectl" coverage --team support --date "$later"); rc=$?
check "root: --team support --date $later (no shift of support that day)" test $rc -eq 0
# The page of the day op16's recovery break begins on (the next one, when
# the test runs late in the evening in $zone).
rday=$(sed -n 's/^op16: new recovery break \([0-9-]*\)T.*/\1/p' "$tmp/respited.log" | head -n1)
as respite-d-lead "$bin/respitectl" coverage --format html --date "${rday:-today}" >"$tmp/live.html"; rc=$?
check "respitectl coverage --format html: the lead's live page" test $rc -eq 0
if command -v xmllint >/dev/null; then
        check "... well-formed" xmllint --noout "$tmp/live.html"
else
        skip "xmllint (not installed)"
fi
check "... of retail" grep -q "Team retail" "$tmp/live.html"
check "... its reason (a lead's view)" grep -q "threat" "$tmp/live.html"
check "... nothing of support" eval '! grep -q "Team support" "$tmp/live.html"'
out=$(as respite-d-op16 env COLUMNS=80 "$bin/respitectl" coverage); rc=$?
check "an operator is refused (exit 4)" test $rc -eq 4
out=$(as respite-d-op16 "$bin/respitectl" coverage --format html); rc=$?
check "... the page too" test $rc -eq 4
out=$(as respite-d-lead env COLUMNS=80 "$bin/respitectl" coverage --team support); rc=$?
check "a lead asking for another team is refused (exit 4)" test $rc -eq 4

if command -v valgrind >/dev/null && [ "$build" != build-san ]; then
        setpriv --reuid=respite-d-lead --regid=respite-d-lead --init-groups valgrind -q --error-exitcode=99 \
                --leak-check=full --errors-for-leak-kinds=definite --suppressions="$top/tests/valgrind.supp" \
                "$bin/team-day-client" retail "$later" >/dev/null 2>"$tmp/valgrind.log"
        check "under valgrind: no memory error, no leak (plan_free(), coverage_free())" test $? -eq 0 -a ! -s "$tmp/valgrind.log"
        [ -s "$tmp/valgrind.log" ] && cat "$tmp/valgrind.log"
else
        skip "valgrind (not installed, or a sanitizer build)"
fi

finish
