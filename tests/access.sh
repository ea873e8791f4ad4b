#!/usr/bin/env bash
# Access control with real, separate Unix users: a private system-style bus
# (Debian's system.conf defaults plus systemd/org.respite.Scheduler1.conf),
# respited on it as root, and clients run under an operator's uid, another
# operator's uid, a team lead's uid (by group), an unmapped uid and root.
# Needs root (to add the test users); skips otherwise.
# Usage: tests/access.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"

need_test_users "access tests"

add_group respite-t-leads
add_user respite-t-op16
add_user respite-t-op27
add_user respite-t-lead respite-t-leads
add_user respite-t-other
add_user respite-t-acd
add_group respite-t-floor
add_user respite-t-mgr respite-t-floor

start_system_bus

at() { date -u -d "@$(($(date +%s) + $1 * 3600))" +%Y-%m-%dT%H:00:00Z; }
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end
op16,Operator 16,retail,$(at -4),$(at 5)
op27,Operator 27,retail,$(at -4),$(at 5)
op40,Operator 40,support,$(at -3),$(at 4)
EOF
ln -s "$top/conf/presets" "$tmp/presets"
write_conf() {  # ACCESS-SECTION
        cat >"$tmp/respite.conf" <<EOF
site = { timezone = "UTC"; };
@include "presets/jp.conf"
sources = { rosters = [ "$tmp/roster.csv" ]; };
feeds = { listen = "127.0.0.1:0"; };
$1
EOF
}
access='access = {
  operators = ( { user = "respite-t-op16"; operator = "op16"; },
                { user = "respite-t-op27"; operator = "op27"; } );
  leads = ( { group = "respite-t-leads"; teams = [ "retail" ]; } );
  integrations = [ "respite-t-acd" ];
};
alerts = { escalate_after = "8s"; escalate_to = [ "@respite-t-floor" ]; };'
write_conf "$access"

"$bin/respited" --config "$tmp/respite.conf" --state-dir "$tmp/state" >"$tmp/respited.log" 2>&1 &
daemon=$!
pids+=($daemon)
if ! wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1 on the system bus" 20; then
        fail "respited owns its name under the shipped bus policy"; cat "$tmp/respited.log"
        echo "$passed passed, $failed failed"; exit 1
fi
ok "respited owns its name under the shipped bus policy"

# as USER METHOD ARGS…: call as that user; prints the reply or the error.
as() {
        local user=$1; shift
        setpriv --reuid="$user" --regid="$user" --init-groups \
                busctl --system --timeout=5 call org.respite.Scheduler1 /org/respite/Scheduler1 \
                org.respite.Scheduler1 "$@" 2>&1
}
denied() { grep -q "Access denied\|AccessDenied\|Not allowed" <<<"$1"; }
allowed() { ! denied "$1" && ! grep -qi "fail" <<<"$1"; }

out=$(as root ReportIncident ssts op16 threat 0 "threatened")
check "root may report for anyone" grep -Eq '^s "[0-9a-f]{32}"$' <<<"$out"

# op16's own user.
out=$(as respite-t-op16 GetSchedule stt op16 0 0)
check "an operator reads their own schedule" allowed "$out"
check "with the private reason" grep -q "threatening" <<<"$out"
out=$(as respite-t-op16 ReportIncident ssts op16 verbal_abuse 0 "")
check "an operator reports for themself" grep -Eq '^s "[0-9a-f]{32}"$' <<<"$out"
out=$(as respite-t-op16 GetSchedule stt op27 0 0)
check "an operator cannot read another operator's schedule" denied "$out"
out=$(as respite-t-op16 ReportIncident ssts op27 threat 0 "")
check "an operator cannot report in another's name" denied "$out"

# Another operator's uid against op16.
out=$(as respite-t-op27 GetSchedule stt op16 0 0)
check "op27's user cannot read op16's schedule" denied "$out"
check "and learns nothing of it" bash -c "! grep -q threat <<<'$out'"
out=$(as respite-t-op27 ReportIncident ssts op16 threat 0 "")
check "op27's user cannot report for op16" denied "$out"
out=$(as respite-t-op27 GetSchedule stt op99 0 0)
check "an unknown operator is denied, not revealed" denied "$out"

# The lead, by group membership.
out=$(as respite-t-lead GetSchedule stt op16 0 0)
check "a lead reads a schedule of their team" grep -q "threatening" <<<"$out"
out=$(as respite-t-lead ReportIncident ssts op27 other 0 "")
check "a lead reports for their team" grep -Eq '^s "[0-9a-f]{32}"$' <<<"$out"
out=$(as respite-t-lead GetSchedule stt op40 0 0)
check "a lead cannot read another team" denied "$out"

# Unmapped users get nothing; root gets everything.
out=$(as respite-t-other GetSchedule stt op16 0 0)
check "an unmapped user is denied" denied "$out"
out=$(as respite-t-other ReportIncident ssts op16 threat 0 "")
check "an unmapped user cannot report" denied "$out"
out=$(as root GetSchedule stt op40 0 0)
check "root reads every team" allowed "$out"
n=$(sqlite3 -batch "$tmp/state/respite.db" "SELECT COUNT(*) FROM incidents")
check "only the 3 allowed reports were stored" test "$n" = 3

# What respitectl and respite-notify ask: WhoAmI, ListOperators,
# ListIncidents (leads only), GetStatus (anyone; by kind for leads),
# GetMetrics (leads), Reload (root).
out=$(as respite-t-op16 WhoAmI)
check "WhoAmI names the caller's operator" grep -q '^s "op16"$' <<<"$out"
out=$(as respite-t-other WhoAmI)
check "WhoAmI: an unmapped user has none" grep -q "mapped to no operator" <<<"$out"
out=$(as respite-t-op16 ListOperators)
check "ListOperators shows an operator only themself" grep -Eq '^a\(sssttt\) 1 "op16"' <<<"$out"
out=$(as respite-t-lead ListOperators)
check "a lead lists their team only" grep -Eq '^a\(sssttt\) 2 "op16".*"op27"' <<<"$out"
out=$(as respite-t-other ListOperators)
check "an unmapped user lists nobody" grep -q '^a(sssttt) 0$' <<<"$out"
out=$(as respite-t-op16 ListIncidents st op16 0)
check "an operator may not list incidents, even their own" denied "$out"
# respitectl incidents reads the record (GetIncidentRecord), the leads'
# document: an operator is refused (exit 4) with or without --operator,
# never shown "No incidents" while there are some (op16's own feed says why
# each of their breaks was given).
ctl_as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$bin/respitectl" "$@"; }
out=$(ctl_as respite-t-op16 incidents --from 2000-01-01 2>&1); rc=$?
check "respitectl incidents as an operator, without --operator: refused, exit 4" test $rc -eq 4
check "... not 'No incidents'" bash -c "! grep -q 'No incidents' <<<'$out'"
out=$(ctl_as respite-t-op16 incidents --from 2000-01-01 --operator op16 2>&1); rc=$?
check "... and with --operator op16 (their own): exit 4 too" test $rc -eq 4
out=$(ctl_as respite-t-lead incidents --from 2000-01-01 2>&1); rc=$?
check "a lead's respitectl incidents lists op16's threat" grep -Eq "op16 +retail +threat" <<<"$out"
out=$(as respite-t-lead ListIncidents st "" 0)
check "a lead lists the incidents of their team, with notes" grep -q '"op16" "threat" .* "threatened"' <<<"$out"
out=$(as respite-t-lead ListIncidents st op40 0)
check "but not of another team" denied "$out"
out=$(as respite-t-other GetStatus)
check "GetStatus answers anyone" grep -q '"Operators" u 3' <<<"$out"
# Counts by kind beside a team feed would tell a colleague's recovery break.
no_kind_counts() { grep -q '"Operators" u 3' <<<"$1" && ! grep -qE 'BreaksToday|IncidentsToday' <<<"$1"; }
check "but without counts by kind of break or of incidents" no_kind_counts "$out"
out=$(as respite-t-op27 GetStatus)
check "nor to an operator (op16's colleague)" no_kind_counts "$out"
out=$(as respite-t-lead GetStatus)
check "a lead gets today's breaks by kind and incidents" \
        grep -Eq '"BreaksToday" a\{su\} 3 .*"recovery" [0-9]+ "IncidentsToday" u [1-9]' <<<"$out"
out=$(as respite-t-op27 GetMetrics)
check "GetMetrics (recoveries counted) is denied to an operator" denied "$out"
out=$(as respite-t-other GetMetrics)
check "and to an unmapped user" denied "$out"
out=$(as respite-t-lead GetMetrics)
check "a lead reads the metrics" grep -q '"Recoveries" u [0-9]' <<<"$out"
out=$(setpriv --reuid=respite-t-op27 --regid=respite-t-op27 --init-groups "$bin/respitectl" status 2>&1)
no_kind_lines() { grep -q '^Operators: ' <<<"$1" && ! grep -qE 'Breaks today|Incidents today|recovery' <<<"$1"; }
check "respitectl status as an operator: no breaks by kind, no incidents" no_kind_lines "$out"
out=$(setpriv --reuid=respite-t-lead --regid=respite-t-lead --init-groups "$bin/respitectl" --json status 2>&1)
check "respitectl --json status as a lead: breaks_today and incidents_today" \
        /usr/bin/python3 -c 'import json, sys; d = json.loads(sys.argv[1]); sys.exit(0 if "recovery" in d["breaks_today"] and d["incidents_today"] >= 1 else 1)' "$out"
out=$(as respite-t-lead Reload)
check "a lead may not reload" denied "$out"
out=$(as root Reload)
check "root reloads" test -z "$out"

# Agent state: integrations set it; it is read as a schedule is, and by
# integrations.
out=$(as respite-t-acd SetAgentState ssts op16 paused 0 "lunch")
check "an integration sets an operator's agent state" test -z "$out"
out=$(as respite-t-op16 SetAgentState ssts op16 available 0 "")
check "an operator may not set even their own agent state" denied "$out"
out=$(as respite-t-lead SetAgentState ssts op27 available 0 "")
check "nor may a lead" denied "$out"
out=$(as respite-t-other SetAgentState ssts op99 available 0 "")
check "an unknown operator is denied to others, not revealed" denied "$out"
out=$(as respite-t-acd SetAgentState ssts op99 available 0 "")
check "an integration learns of an unknown operator" grep -q "No such operator" <<<"$out"
out=$(as respite-t-acd ReportIncident ssts op40 threat 0 "")
check "an integration reports for anyone" grep -Eq '^s "[0-9a-f]{32}"$' <<<"$out"
out=$(as respite-t-acd GetSchedule stt op16 0 0)
check "but may not read a schedule" denied "$out"
out=$(as respite-t-op16 ListAgentStates s op16)
check "an operator reads their own agent state" grep -q '"op16" "paused" [0-9]* "lunch"' <<<"$out"
out=$(as respite-t-op16 ListAgentStates s op27)
check "but not another's" denied "$out"
out=$(as respite-t-op16 ListAgentStates s "")
check "and lists only their own" grep -Eq '^a\(sstsst\) 1 "op16"' <<<"$out"
out=$(as respite-t-lead ListAgentStates s "")
check "a lead lists their team's agent states" grep -Eq '^a\(sstsst\) 2 "op16"' <<<"$out"
out=$(as respite-t-acd ListAgentStates s "")
check "an integration lists everyone's" grep -Eq '^a\(sstsst\) 3 ' <<<"$out"
out=$(as respite-t-other ListAgentStates s "")
check "an unmapped user lists nobody's" grep -q '^a(sstsst) 0$' <<<"$out"
out=$(as respite-t-acd GetStatus)
check "GetStatus counts the paused operator" grep -q '"AgentsPaused" u 1' <<<"$out"

# Feed URLs (HTTP feeds): an operator their own, a lead their team's, root all.
out=$(as respite-t-op16 GetFeedURL s op16)
check "an operator gets their own feed URL" grep -Eq '^ss "http://127\.0\.0\.1:[0-9]+/feeds/[0-9a-f]{64}\.ics" "webcal://' <<<"$out"
out=$(as respite-t-op16 GetFeedURL s op27)
check "but not another operator's" denied "$out"
out=$(as respite-t-op16 GetTeamFeedURL s retail)
check "nor their team's" denied "$out"
out=$(as respite-t-op16 RotateFeedToken ss operator op27)
check "nor rotate another operator's" denied "$out"
old_url=$(as respite-t-op16 GetFeedURL s op16 | cut -d'"' -f2)
out=$(as respite-t-op16 RotateFeedToken ss operator op16)
check "an operator rotates their own token" bash -c "grep -q '^ss \"http://' <<<'$out' && ! grep -qF '$old_url' <<<'$out'"
out=$(as respite-t-lead GetTeamFeedURL s retail)
check "a lead gets their team's feed URL" grep -q '^ss "http://' <<<"$out"
out=$(as respite-t-lead GetFeedURL s op27)
check "and their operators'" grep -q '^ss "http://' <<<"$out"
out=$(as respite-t-lead GetTeamFeedURL s support)
check "but not another team's" denied "$out"
out=$(as respite-t-lead RotateFeedToken ss team retail)
check "a lead rotates their team's token" grep -q '^ss "http://' <<<"$out"
out=$(as respite-t-other GetFeedURL s op16)
check "an unmapped user gets no feed URL" denied "$out"
out=$(as respite-t-other GetTeamFeedURL s nosuchteam)
check "an unknown team is denied, not revealed" denied "$out"
out=$(as root GetTeamFeedURL s support)
check "root gets every feed URL" grep -q '^ss "http://' <<<"$out"

# Signals: unicast to subscribers who may see them. Each user runs a
# subscribed listener (tests/listen.py); "other" also a plain match rule
# without subscribing (tests/listen.py --no-subscribe), and busctl monitor
# (eavesdropping, which the bus denies to other users).
listen() {      # USER NAME [OPTION]
        setpriv --reuid="$1" --regid="$1" --init-groups /usr/bin/python3 "$top/tests/listen.py" --system ${3:-} \
                >"$tmp/signals-$2" 2>&1 &
        pids+=($!)
}
listen respite-t-op16 op16
listen respite-t-op27 op27
listen respite-t-lead lead
listen respite-t-mgr mgr
listen respite-t-acd acd
listen respite-t-other match --no-subscribe
setpriv --reuid=respite-t-other --regid=respite-t-other --init-groups busctl --system monitor \
        >"$tmp/signals-monitor" 2>&1 &
pids+=($!)
for who in op16 op27 lead mgr acd; do wait_for "$tmp/signals-$who" "^subscribed" 10; done
wait_for "$tmp/signals-match" "^listening" 10
check "an alert no lead hears escalates at once; with nobody listening yet, the log says it waits for a lead" \
        grep -q "nobody hears it: no lead of team support and no one of alerts.escalate_to is listening. It waits" \
        "$tmp/respited.log"
check "every user may subscribe" test "$(cat "$tmp"/signals-{op16,op27,lead,mgr,acd} | grep -c '^subscribed')" = 5
out=$(as respite-t-other GetStatus)
check "GetStatus counts the subscribers" grep -q '"Subscribers" u 5' <<<"$out"

id=$(as root ReportIncident ssts op16 threat 0 "said he knows where she lives" | cut -d'"' -f2)
check "op16 hears of their own recovery break" wait_for "$tmp/signals-op16" "^BreakScheduled op16 op16-recovery-$id" 5
check "op16's lead hears of it" wait_for "$tmp/signals-lead" "^BreakScheduled op16 op16-recovery-$id" 5
check "an integration hears of it" wait_for "$tmp/signals-acd" "^BreakScheduled op16 " 5
check "the lead gets a LeadAlert with operator and category" \
        wait_for "$tmp/signals-lead" "^LeadAlert [0-9a-f]\{32\} op16 threat " 5
alert=$(grep -m1 "^LeadAlert" "$tmp/signals-lead" | cut -d' ' -f2)
check "the escalation group hears nothing before the alert escalates" \
        bash -c "! grep -q LeadAlert '$tmp/signals-mgr'"
check "nor lists it" bash -c "! grep -q '$alert' <<<\"\$(setpriv --reuid=respite-t-mgr --regid=respite-t-mgr --init-groups \
        busctl --system call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 ListAlerts t 0)\""
read -r _ _ _ _ _ rstart rend < <(grep -m1 "^LeadAlert" "$tmp/signals-lead")
check "the LeadAlert carries the recovery granted (20 min)" test "$((rend - rstart))" = 1200
sleep 1
check "op27 hears nothing about op16" bash -c "! grep -q op16 '$tmp/signals-op27'"
check "op16 gets no lead alert" bash -c "! grep -q '^LeadAlert' '$tmp/signals-op16'"
check "an integration gets no lead alert" bash -c "! grep -q '^LeadAlert' '$tmp/signals-acd'"
check "a plain match rule without Subscribe() catches no signal" bash -c "! grep -q op16 '$tmp/signals-match'"
check "busctl monitor by another user sees nothing of op16" bash -c "! grep -q op16 '$tmp/signals-monitor'"
check "an unanswered alert escalates to alerts.escalate_to" \
        wait_for "$tmp/signals-mgr" "^LeadAlert $alert op16 threat" 15
check "and the log says so" wait_for "$tmp/respited.log" "lead alert $alert (threat) unanswered after 8s" 2
check "the lead is not told twice" test "$(grep -c "^LeadAlert $alert" "$tmp/signals-lead")" = 1

out=$(as respite-t-op16 AcknowledgeAlert ss "$alert" "")
check "op16 cannot acknowledge the alert (and learns nothing of it)" grep -q "No such alert" <<<"$out"
out=$(as respite-t-op16 ListAlerts t 0)
check "op16, no lead, may not list alerts" denied "$out"
out=$(as respite-t-lead ListAlerts t 0)
check "the lead lists the open alert" grep -q "\"$alert\" \"op16\" \"retail\" \"threat\"" <<<"$out"
unanswered=$(as root GetStatus | grep -o '"AlertsUnanswered" u [0-9]*' | grep -o '[0-9]*$')
out=$(as respite-t-lead AcknowledgeAlert ss "$alert" "called her back, she is with me")
check "the lead acknowledges it" test -z "$out"
check "GetStatus counts one unanswered alert fewer" \
        grep -q "\"AlertsUnanswered\" u $((unanswered - 1))" <<<"$(as root GetStatus)"
check "AlertAcknowledged reaches the lead" wait_for "$tmp/signals-lead" "^AlertAcknowledged $alert op16 respite-t-lead" 5
check "and the escalation group" wait_for "$tmp/signals-mgr" "^AlertAcknowledged $alert op16 respite-t-lead" 5
out=$(as respite-t-mgr AcknowledgeAlert ss "$alert" "")
check "a second acknowledgement names the first" grep -q "acknowledged by respite-t-lead" <<<"$out"
n=$(sqlite3 -batch "$tmp/state/respite.db" "SELECT acknowledged_by || '|' || note FROM alerts WHERE id = '$alert'")
check "the acknowledgement is in the store" test "$n" = "respite-t-lead|called her back, she is with me"
out=$(as respite-t-lead GetIncidentRecord tts 0 0 "")
check "the lead reads the incident record" grep -q "\"AlertId\" s \"$alert\"" <<<"$out"
check "with who acknowledged" grep -q '"AcknowledgedBy" s "respite-t-lead"' <<<"$out"
out=$(as respite-t-op16 GetIncidentRecord tts 0 0 retail)
check "an operator may not read the record" denied "$out"
out=$(as respite-t-op16 GetIncidentRecord tts 0 0 "")
check "nor any row of it" denied "$out"
out=$(as root GetIncidentRecord tts 0 0 nosuchteam)
check "root learns that a team does not exist" grep -q "No such team 'nosuchteam'" <<<"$out"
out=$(as respite-t-other Unsubscribe)
check "Unsubscribe without Subscribe says so" grep -q "Not subscribed" <<<"$out"

# Reload with a broken access section keeps the old policy.
write_conf "${access/respite-t-op27/respite-t-no-such-user}"
kill -HUP $daemon
check "a broken access section is reported on reload" \
        wait_for "$tmp/respited.log" 'no such user "respite-t-no-such-user"' 5
check "and the old policy keeps running" wait_for "$tmp/respited.log" "Keeping the running policy" 5
out=$(as respite-t-op27 GetSchedule stt op27 0 0)
check "op27 still reads their schedule" allowed "$out"

# A good reload takes effect: op16's mapping removed.
write_conf "access = { operators = ( { user = \"respite-t-op27\"; operator = \"op27\"; } ); };"
: >"$tmp/respited.log.mark"
kill -HUP $daemon
sleep 0.5
out=$(as respite-t-op16 GetSchedule stt op16 0 0)
check "after a good reload op16's user is denied" denied "$out"

finish --no-skipped
