#!/usr/bin/env bash
# HTTP feeds: the real respited on a private session bus serving its feeds on
# a loopback port, checked with curl (the conditional-GET matrix, HEAD, 404s,
# rotation, a restart), two independent parsers (Python's icalendar and
# Mozilla's ical.js from tests/node_modules) against respite's own instants,
# a team feed that must not leak (no kind, incident or category, not even in
# its UIDs), Japanese names and an emoji through
# folding, 1,000 idle connections, and systemd socket activation.
# Usage: tests/http.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
py=/usr/bin/python3
free_port() { $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# code URL [CURL-ARGS…]: the status code.
code() { local url=$1; shift; curl -s -o /dev/null -w '%{http_code}' "$@" "$url"; }
# hdr FILE NAME: a header's value from curl -D output.
hdr() { grep -i "^$2:" "$1" | head -n1 | cut -d' ' -f2- | tr -d '\r'; }
# unfolded FILE: the document with folded lines joined.
unfolded() { $py -c 'import sys; sys.stdout.write(open(sys.argv[1], "rb").read().decode().replace("\r\n ", ""))' "$1"; }

port=$(free_port)
port2=$(free_port)

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS
export TZ=America/New_York

# Shifts around now, on whole hours; long Japanese names and an emoji so
# that NAME, X-WR-CALNAME and SUMMARY lines fold inside multi-byte text.
at() { date -u -d "@$(($(date +%s) / 3600 * 3600 + $1 * 3600))" +%Y-%m-%dT%H:%M:%SZ; }
op1_name="山田 花子（やまだ はなこ）🌸 お客様相談室 第一チーム"
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end
op1,$op1_name,retail,$(at -3),$(at 6)
op2,佐藤 健 🎧,retail,$(at -2),$(at 7)
op3,Kim Min-jun,support,$(at -1),$(at 8)
op4,鈴木 一郎,retail,$(at -2),$(at 3)
EOF
ln -s "$top/conf/presets" "$tmp/presets"
cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Tokyo"; };
@include "presets/jp.conf"
categories = (
  { name = "threat"; label = "脅迫的な電話 ⚠️"; recovery = "20min"; },
  { name = "prolonged_call"; label = "長時間の通話"; points = 2; },
  { name = "repeat_caller"; label = "繰り返しの電話"; points = 4; }
);
sources = { rosters = [ "$tmp/roster.csv" ]; };
feeds = {
  directory = "$tmp/feeds";
  listen = "127.0.0.1:$port";
  base_url = "http://127.0.0.1:$port/";
  refresh_interval = "10min";
  alarm_before = "5min";
  window_back = "2d";
  window_ahead = "3d";
  connection_timeout = "3s";
};
EOF

start_daemon() {        # [WRAPPER…]: start respited, wait until it serves HTTP on $1's port
        : >"$tmp/respited.log.new"
        "$@" "$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" \
                >>"$tmp/respited.log.new" 2>&1 &
        daemon=$!
        pids+=($daemon)
}
stop_daemon() {
        kill -TERM "$daemon"
        wait "$daemon"
        local rc=$?
        cat "$tmp/respited.log.new" >>"$tmp/respited.log"
        return $rc
}

start_daemon
if ! wait_for "$tmp/respited.log.new" "Serving feeds over HTTP on 127.0.0.1:$port" 20; then
        fail "respited serves HTTP"; cat "$tmp/respited.log.new"; echo "$passed passed, 1 failed"; exit 1
fi
ok "respited serves feeds on 127.0.0.1:$port"

# ---- URLs ----
out=$("$bin/respitectl" --user feed-url op1 2>&1)
url=$(sed -n 1p <<<"$out")
token=$(sed -E 's|.*/feeds/([0-9a-f]+)\.ics$|\1|' <<<"$url")
check "feed-url prints the http:// URL with a 256-bit token" \
        grep -Eq "^http://127\.0\.0\.1:$port/feeds/[0-9a-f]{64}\.ics$" <<<"$url"
check "and the webcal:// form of the same URL" test "$(sed -n 2p <<<"$out")" = "webcal://${url#http://}"
team_url=$("$bin/respitectl" --user feed-url --team retail 2>&1 | head -n1)
team_token=$(sed -E 's|.*/feeds/([0-9a-f]+)\.ics$|\1|' <<<"$team_url")
check "feed-url --team prints another URL" \
        bash -c "[[ '$team_url' =~ ^http://.*/feeds/[0-9a-f]{64}\.ics$ && '$team_url' != '$url' ]]"
"$bin/respitectl" --user feed-url op99 >/dev/null 2>&1
check "feed-url of an unknown operator exits 5" test $? -eq 5
"$bin/respitectl" --user feed-url --team nosuch >/dev/null 2>&1
check "feed-url of an unknown team exits 5" test $? -eq 5
out=$("$bin/respitectl" --user --json feed-url op1 2>&1)
check "feed-url --json" grep -q "\"webcal_url\": *\"webcal://" <<<"$out"

# ---- a fresh GET ----
curl -s -D "$tmp/h1" -o "$tmp/b1" -H 'Accept-Encoding: gzip, deflate, br' "$url"
etag=$(hdr "$tmp/h1" ETag)
lm=$(hdr "$tmp/h1" Last-Modified)
check "GET answers 200" grep -q "^HTTP/1.1 200 OK" "$tmp/h1"
check "Content-Type: text/calendar; charset=utf-8" test "$(hdr "$tmp/h1" Content-Type)" = "text/calendar; charset=utf-8"
check "Cache-Control: private" test "$(hdr "$tmp/h1" Cache-Control)" = "private"
check "a strong, quoted ETag" grep -Eq '^"[0-9a-f]{32}"$' <<<"$etag"
check "Last-Modified is an IMF-fixdate" grep -Eq '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$' <<<"$lm"
check "no compression even when asked for" test -z "$(hdr "$tmp/h1" Content-Encoding)"
check "Content-Length is the body's" test "$(hdr "$tmp/h1" Content-Length)" = "$(stat -c %s "$tmp/b1")"
check "the body is the feed file's bytes" cmp -s "$tmp/b1" "$tmp/feeds/op1.ics"
curl -s -o "$tmp/b1again" "$url"
check "two renderings of the same state are byte-identical" cmp -s "$tmp/b1" "$tmp/b1again"
unfolded "$tmp/b1" >"$tmp/u1"
for line in "VERSION:2.0" "PRODID:-//respite//respite 0.1//EN" "METHOD:PUBLISH" \
            "REFRESH-INTERVAL;VALUE=DURATION:PT10M" "X-PUBLISHED-TTL:PT10M" \
            "NAME:$op1_name: breaks" "X-WR-CALNAME:$op1_name: breaks"; do
        check "the feed says $line" grep -qxF "$line"$'\r' "$tmp/u1"
done
check "no VTIMEZONE: every time in UTC" bash -c "! grep -q 'TZID' '$tmp/b1'"

# ---- the conditional-GET matrix ----
yesterday=$(LC_ALL=C date -u -d "$lm - 1 day" '+%a, %d %b %Y %H:%M:%S GMT')
tomorrow=$(LC_ALL=C date -u -d "+1 day" '+%a, %d %b %Y %H:%M:%S GMT')
check "If-None-Match: the ETag → 304" test "$(code "$url" -H "If-None-Match: $etag")" = 304
check "If-None-Match: a stale ETag → 200" test "$(code "$url" -H 'If-None-Match: "0123456789abcdef0123456789abcdef"')" = 200
check "If-None-Match: W/ and a list → 304" test "$(code "$url" -H "If-None-Match: \"x\", W/$etag")" = 304
check "If-None-Match: * → 304" test "$(code "$url" -H "If-None-Match: *")" = 304
check "If-Modified-Since: Last-Modified → 304" test "$(code "$url" -H "If-Modified-Since: $lm")" = 304
check "If-Modified-Since: a day before → 200" test "$(code "$url" -H "If-Modified-Since: $yesterday")" = 200
check "If-Modified-Since: malformed → 200" test "$(code "$url" -H "If-Modified-Since: not a date")" = 200
check "If-Modified-Since: a lowercase date → 200" \
        test "$(code "$url" -H "If-Modified-Since: $(tr 'A-Z' 'a-z' <<<"$lm")")" = 200
check "If-Modified-Since: in the future → 200" test "$(code "$url" -H "If-Modified-Since: $tomorrow")" = 200
check "a stale ETag wins over a matching date → 200" \
        test "$(code "$url" -H 'If-None-Match: "00"' -H "If-Modified-Since: $lm")" = 200
curl -s -D "$tmp/h304" -o "$tmp/b304" -H "If-None-Match: $etag" "$url"
check "304 carries the ETag" test "$(hdr "$tmp/h304" ETag)" = "$etag"
check "304 carries Cache-Control: private" test "$(hdr "$tmp/h304" Cache-Control)" = "private"
check "304 has no body" test ! -s "$tmp/b304"
curl -s -I -o "$tmp/hhead" "$url"
check "HEAD → 200" grep -q "^HTTP/1.1 200 OK" "$tmp/hhead"
check "HEAD: same ETag and Content-Length, no body" \
        test "$(hdr "$tmp/hhead" ETag)" = "$etag" -a "$(hdr "$tmp/hhead" Content-Length)" = "$(stat -c %s "$tmp/b1")" \
        -a "$(curl -s --head -o /dev/null -w '%{size_download}' "$url")" = 0
check "HEAD with If-None-Match → 304" test "$(code "$url" --head -H "If-None-Match: $etag")" = 304

# ---- unknown paths: 404, all alike; no redirects ----
base="http://127.0.0.1:$port"
curl -s -o "$tmp/404" "$base/feeds/$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n').ics"
all404=1
for path in "/feeds/$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n').ics" "/feeds/$token" \
            "/feeds/${token^^}.ics" "/feeds/" "/" "/feeds/$token.ics/" "/feeds/../feeds/$token.ics.bak"; do
        [ "$(code "$base$path")" = 404 ] || { all404=0; echo "# $path"; }
        curl -s "$base$path" | cmp -s - "$tmp/404" || { all404=0; echo "# body of $path"; }
done
check "wrong tokens and paths answer the same 404" test $all404 -eq 1
check "POST → 405" test "$(code "$url" -X POST -d a=b)" = 405
check "no redirect anywhere" test -z "$(curl -s -o /dev/null -w '%{redirect_url}' "$base/feeds")$(hdr "$tmp/h1" Location)"

# ---- the team feed tells no incident detail ----
before=$("$bin/respitectl" --user feed-url op1 | head -n1)
$py "$top/tests/feed-instants.py" "$tmp/b1" >"$tmp/op1.before"
note="大声で脅された 😱 secret-note-42"
id=$(busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        ReportIncident ssts op1 threat 0 "$note" | sed -E 's/^s "(.*)"$/\1/')
check "ReportIncident answers an id" grep -Eq '^[0-9a-f]{32}$' <<<"$id"
curl -s -D "$tmp/h2" -o "$tmp/b2" -H "If-None-Match: $etag" "$url"
etag2=$(hdr "$tmp/h2" ETag)
check "right after ReportIncident the feed is new: 200" grep -q "^HTTP/1.1 200 OK" "$tmp/h2"
check "with a new ETag" test -n "$etag2" -a "$etag2" != "$etag"
check "and a Last-Modified not before the old one" \
        test "$(date -d "$(hdr "$tmp/h2" Last-Modified)" +%s)" -ge "$(date -d "$lm" +%s)"
unfolded "$tmp/b2" >"$tmp/u2"
check "the operator's feed says why (in Japanese)" grep -q "脅迫的な電話" "$tmp/u2"
$py "$top/tests/feed-instants.py" "$tmp/b2" >"$tmp/op1.after"
check "SEQUENCE: unchanged events keep theirs, moved ones rise, new ones start at 0" $py - "$tmp/op1.before" "$tmp/op1.after" <<'EOF'
import sys
def rows(p):
    return {l.split('\t')[0]: l.split('\t')[1:4] for l in open(p, encoding='utf-8')}
old, new = rows(sys.argv[1]), rows(sys.argv[2])
moved = [u for u in new if u in old and new[u][:2] != old[u][:2]]
added = [u for u in new if u not in old]
bad = [u for u in moved if int(new[u][2]) <= int(old[u][2])]
bad += [u for u in new if u in old and u not in moved and new[u][2] != old[u][2]]
bad += [u for u in added if new[u][2] != '0']
print(f'# {len(moved)} moved (' + ', '.join(f'{u}: SEQUENCE {old[u][2]} -> {new[u][2]}' for u in moved)
      + f'), {len(added)} new', file=sys.stderr)
sys.exit(1 if bad or not (moved or added) else 0)
EOF
# op4 works 5 h, so has no statutory break: its recovery is an event of its own.
url4=$("$bin/respitectl" --user feed-url op4 | head -n1)
id4=$("$bin/respitectl" --user report op4 threat --note "$note" 2>/dev/null | head -n1)
curl -s -o "$tmp/b4" "$url4"
unfolded "$tmp/b4" >"$tmp/u4"
check "a recovery break granted now is in the next GET: UID op4-recovery-<incident>@respite, SEQUENCE 0" \
        bash -c "grep -A4 -x $'UID:op4-recovery-$id4@respite\r' '$tmp/u4' | grep -q '^SEQUENCE:0'"
curl -s -o "$tmp/team" "$team_url"
unfolded "$tmp/team" >"$tmp/uteam"
check "the team feed lists op4's recovery break: a break-<hex> UID at its times, \"Break: <name>\"" \
        $py - "$tmp/b4" "$tmp/team" "op4-recovery-$id4@respite" <<'EOF'
import re, sys
import icalendar
def events(path):
    return icalendar.Calendar.from_ical(open(path, 'rb').read()).walk('VEVENT')
own = [e for e in events(sys.argv[1]) if str(e['UID']) == sys.argv[3]]
team = [e for e in events(sys.argv[2]) if e['DTSTART'].dt == own[0]['DTSTART'].dt
        and e['DTEND'].dt == own[0]['DTEND'].dt and str(e['SUMMARY']) == 'Break: 鈴木 一郎']
print(f'# {sys.argv[3]} is {team[0]["UID"] if team else "missing"} in the team feed', file=sys.stderr)
sys.exit(0 if len(team) == 1 and re.fullmatch(r'break-[0-9a-f]{32}@respite', str(team[0]['UID'])) else 1)
EOF
check "the team feed says only \"Break\"" grep -q "^SUMMARY:Break: $op1_name" "$tmp/uteam"
for leak in "secret-note-42" "大声" "threat" "脅迫" "DESCRIPTION" "X-RESPITE-KIND" "recovery break" "Recovery" \
            "recovery" "statutory" "$id4" "$id" "CATEGORIES" "RELATED-TO"; do
        check "the team feed does not contain '$leak'" bash -c "! grep -q '$leak' '$tmp/uteam'"
done
check "the operator's feed does not carry the note either" bash -c "! grep -q 'secret-note-42' '$tmp/u2'"

# A longer shift: same UID, higher SEQUENCE, after a reload.
sed -i "s|^op1,\(.*\),$(at 6)\$|op1,\1,$(at 7)|" "$tmp/roster.csv"
shift_uid="op1-$(date -u -d "$(at -3)" +%Y%m%dT%H%MZ)@respite"
kill -HUP "$daemon"
for ((i = 0; i < 100; i++)); do
        curl -s -o "$tmp/b3" "$url"
        grep -q "DTEND:$(date -u -d "$(at 7)" +%Y%m%dT%H%M%SZ)" "$tmp/b3" && break
        sleep 0.1
done
$py "$top/tests/feed-instants.py" "$tmp/b3" >"$tmp/op1.reloaded"
check "a shift that grows keeps its UID and gets SEQUENCE 1" \
        grep -qP "^\Q$shift_uid\E\t[0-9]+\t$(date -d "$(at 7)" +%s)\t1\t" "$tmp/op1.reloaded"

# ---- independent parsers and respite's own instants ----
curl -s -o "$tmp/op1.ics" "$url"
curl -s -o "$tmp/team.ics" "$team_url"
check "Python icalendar: CRLF, ≤ 75 octets, UTF-8 per line, UTC, UIDs" \
        $py "$top/tests/check-ics.py" --expect-uid-prefix op "$tmp/op1.ics"
check "Python icalendar: the team feed too" $py "$top/tests/check-ics.py" "$tmp/team.ics"
check "Python icalendar: the team feed names no kind, incident or category" \
        $py "$top/tests/check-private.py" --team "$tmp/team.ics" --incident "$id" --category threat \
        --category prolonged_call --category repeat_caller
check "folding happened inside Japanese text" $py -c '
import sys
lines = open(sys.argv[1], "rb").read().split(b"\r\n")
sys.exit(0 if any(l.startswith(b" ") and max(l) >= 0x80 for l in lines) else 1)' "$tmp/op1.ics"
check "the emoji arrived whole" grep -q "🌸" "$tmp/op1.ics"
$py "$top/tests/feed-instants.py" "$tmp/op1.ics" | cut -f1-3 >"$tmp/py.op1"
$py "$top/tests/feed-instants.py" "$tmp/team.ics" | cut -f1-3 >"$tmp/py.team"
# respite's own: the breaks GetSchedule returns, the shifts of the roster.
busctl --user --json=short call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        GetSchedule stt op1 0 0 >"$tmp/schedule.json"
$py - "$tmp/schedule.json" "$tmp/roster.csv" >"$tmp/respite.op1" <<'EOF'
import csv, datetime, json, sys
rows = [(b[3], b[1] // 10**6, b[2] // 10**6) for b in json.load(open(sys.argv[1]))['data'][0]]
for r in csv.DictReader(open(sys.argv[2], encoding='utf-8')):
    if r['operator'] == 'op1':
        s = datetime.datetime.fromisoformat(r['start'].replace('Z', '+00:00'))
        e = datetime.datetime.fromisoformat(r['end'].replace('Z', '+00:00'))
        rows.append((f"op1-{s:%Y%m%dT%H%M}Z@respite", int(s.timestamp()), int(e.timestamp())))
for r in sorted(rows):
    print('\t'.join(str(x) for x in r))
EOF
check "Python icalendar reads respite's own instants (UTC)" diff "$tmp/respite.op1" "$tmp/py.op1"
# The team feed holds each of op1's events at its times (under other UIDs).
team_has_op1() { test -z "$(comm -23 <(cut -f2,3 "$tmp/respite.op1" | sort -u) <(cut -f2,3 "$1" | sort -u))"; }
check "the team feed holds every break of op1 (Python icalendar)" team_has_op1 "$tmp/py.team"
# How the events look: the shift TRANSPARENT; in op1's own feed a break
# OPAQUE, its kind as CATEGORIES, its kind's COLOR and a DISPLAY alarm 5 min
# before (alarm_before); in the team feed one COLOR, no CATEGORIES, no alarm.
$py "$top/tests/feed-instants.py" "$tmp/op1.ics" >"$tmp/py.op1.full"
$py "$top/tests/feed-instants.py" "$tmp/team.ics" >"$tmp/py.team.full"
# The threat's recovery is a break of its own unless a statutory break
# begins right then (merge_margin): it merged, and the break says "also
# recovery" (respite.conf(5)); then no break of op1's shows the recovery's
# kind, as planned (the day's clock decides which).
looks_right() {         # FEED-ROWS operator|team FEED
        $py - "$1" "$2" "$3" <<'EOF'
import sys
import icalendar
kinds = {'Statutory break': ('statutory', 'steelblue'), 'Recovery break': ('recovery', 'darkorange'),
         'Break': ('planned', 'seagreen')}
seen, bad = set(), []
for line in open(sys.argv[1], encoding='utf-8'):
    uid, _, _, _, summary, transp, cats, color, alarms = line.rstrip('\n').split('\t')
    if summary.startswith('Shift'):
        want = ('TRANSPARENT', '', '', '')
    elif sys.argv[2] == 'team':
        want = ('OPAQUE', '', 'slategray', '')
    else:
        kind, colour = kinds[summary]
        seen.add(kind)
        want = ('OPAQUE', kind, colour, 'DISPLAY-300')
    if (transp, cats, color, alarms) != want:
        bad.append(f'{uid}: {(transp, cats, color, alarms)} != {want}')
merged = any('also recovery' in str(ev.get('DESCRIPTION', ''))
             for ev in icalendar.Calendar.from_ical(open(sys.argv[3], 'rb').read()).walk('VEVENT'))
if sys.argv[2] == 'operator' and 'recovery' not in seen and not merged:
    bad.append('no recovery break seen, and none merged')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
EOF
}
check "Python icalendar: op1's feed gives kind CATEGORIES, COLOR, TRANSP and alarms" looks_right "$tmp/py.op1.full" operator "$tmp/op1.ics"
check "Python icalendar: the team feed one COLOR, no CATEGORIES, no alarm" looks_right "$tmp/py.team.full" team "$tmp/team.ics"
if [ -f "$top/tests/node_modules/ical.js/package.json" ]; then
        (cd "$top/tests" && node feed-instants.mjs "$tmp/op1.ics") | cut -f1-3 >"$tmp/js.op1"
        (cd "$top/tests" && node feed-instants.mjs "$tmp/team.ics") | cut -f1-3 >"$tmp/js.team"
        check "ical.js reads respite's own instants (UTC)" diff "$tmp/respite.op1" "$tmp/js.op1"
        check "ical.js and Python agree on the team feed" diff "$tmp/py.team" "$tmp/js.team"
        check "the team feed holds every break of op1 (ical.js)" team_has_op1 "$tmp/js.team"
        (cd "$top/tests" && node feed-instants.mjs "$tmp/op1.ics") >"$tmp/js.op1.full"
        (cd "$top/tests" && node feed-instants.mjs "$tmp/team.ics") >"$tmp/js.team.full"
        check "ical.js and Python agree on op1's TRANSP, CATEGORIES, COLOR and alarms" \
                diff <(cut -f1,6- "$tmp/py.op1.full") <(cut -f1,6- "$tmp/js.op1.full")
        check "ical.js and Python agree on the team feed's" \
                diff <(cut -f1,6- "$tmp/py.team.full") <(cut -f1,6- "$tmp/js.team.full")
else
        skip "ical.js (run npm ci in tests/)"
fi

# ---- feeds.shift_events = false: the breaks only, after a reload ----
breaks_of() { awk -F'\t' '$5 != "Shift" { print $1 }' "$1" | sort; }
$py "$top/tests/feed-instants.py" "$tmp/op1.ics" >"$tmp/op1.with-shifts"
sed -i 's|^  alarm_before = "5min";$|&\n  shift_events = false;|' "$tmp/respite.conf"
kill -HUP "$daemon"
for ((i = 0; i < 100; i++)); do
        curl -s -o "$tmp/op1.breaks.ics" "$url"
        ! grep -q "^SUMMARY:Shift" "$tmp/op1.breaks.ics" && break
        sleep 0.1
done
curl -s -o "$tmp/team.breaks.ics" "$team_url"
check "shift_events = false: op1's feed has no shift" bash -c "! grep -q '^SUMMARY:Shift' '$tmp/op1.breaks.ics'"
check "nor the team feed" bash -c "! grep -q '^SUMMARY:Shift' '$tmp/team.breaks.ics'"
$py "$top/tests/feed-instants.py" "$tmp/op1.breaks.ics" >"$tmp/op1.breaks"
check "and the same breaks, UIDs unchanged (Python icalendar)" \
        diff <(breaks_of "$tmp/op1.with-shifts") <(cut -f1 "$tmp/op1.breaks" | sort)
check "Python icalendar reads it: CRLF, ≤ 75 octets, UTC" \
        $py "$top/tests/check-ics.py" --expect-uid-prefix op "$tmp/op1.breaks.ics"
sed -i '/^  shift_events = false;$/d' "$tmp/respite.conf"
kill -HUP "$daemon"
for ((i = 0; i < 100; i++)); do
        curl -s -o "$tmp/op1.again.ics" "$url"
        grep -q "^SUMMARY:Shift" "$tmp/op1.again.ics" && break
        sleep 0.1
done
check "and the shifts are back when it is removed" grep -q "^SUMMARY:Shift" "$tmp/op1.again.ics"

# ---- rotation ----
etag3=$(curl -s -I "$url" | grep -i '^etag:' | cut -d' ' -f2 | tr -d '\r')
out=$("$bin/respitectl" --user rotate-token op1 2>/dev/null)
new_url=$(sed -n 1p <<<"$out")
check "rotate-token prints a new URL and its webcal:// form" \
        test "$new_url" != "$url" -a "$(sed -n 2p <<<"$out")" = "webcal://${new_url#http://}"
check "the old URL answers 404 at once" test "$(code "$url")" = 404
check "the new URL serves the same bytes (same ETag)" \
        test "$(curl -s -I "$new_url" | grep -i '^etag:' | cut -d' ' -f2 | tr -d '\r')" = "$etag3"
check "feed-url now prints the new URL" test "$("$bin/respitectl" --user feed-url op1 | head -n1)" = "$new_url"
new_team_url=$("$bin/respitectl" --user rotate-token --team retail 2>/dev/null | head -n1)
check "rotate-token --team: old 404, new 200" \
        test "$(code "$team_url")" = 404 -a "$(code "$new_team_url")" = 200
out=$(busctl --user call org.respite.Scheduler1 /org/respite/Scheduler1 org.respite.Scheduler1 \
        RotateFeedToken ss planet op1 2>&1)
check "RotateFeedToken refuses an unknown kind" grep -q "kind must be" <<<"$out"

# ---- restart: tokens and bytes survive ----
curl -s -o "$tmp/before-restart" "$new_url"
curl -s -o "$tmp/team-before-restart" "$new_team_url"
check "respited stops with exit 0 (no leak under SAN=1)" stop_daemon
check "SIGTERM stops respited with exit 0" test $? -eq 0
start_daemon
wait_for "$tmp/respited.log.new" "Serving feeds over HTTP" 20
curl -s -D "$tmp/hr" -o "$tmp/after-restart" "$new_url"
check "after a restart the rotated URL still answers" grep -q "^HTTP/1.1 200 OK" "$tmp/hr"
check "with the same bytes and ETag" \
        bash -c "cmp -s '$tmp/before-restart' '$tmp/after-restart' && test '$(hdr "$tmp/hr" ETag)' = '$etag3'"
check "and the old URL stays 404" test "$(code "$url")" = 404
curl -s -o "$tmp/team-after-restart" "$new_team_url"
check "the team feed keeps its bytes, break UIDs included (the key is in the store)" \
        cmp -s "$tmp/team-before-restart" "$tmp/team-after-restart"

# ---- 1,000 idle connections ----
for sources in many one; do
        rm -f "$tmp/ready" "$tmp/done"
        $py "$top/tests/idle-connections.py" "$port" 1000 "$sources" "$tmp/ready" "$tmp/done" &
        idle=$!
        pids+=($idle)
        for ((i = 0; i < 200; i++)); do [ -s "$tmp/ready" ] && break; sleep 0.05; done
        t=$(curl -s -o /dev/null --max-time 5 -w '%{http_code} %{time_total}' "$new_url")
        echo "# $(cat "$tmp/ready" 2>/dev/null || echo 0) idle connections from $sources source address(es); GET: $t s"
        check "1,000 idle connections ($sources addresses): a GET answers 200 within 1 s" \
                awk -v t="$t" 'BEGIN { split(t, a, " "); exit !(a[1] == 200 && a[2] < 1) }'
        if [ $sources = many ]; then
                sleep 4.5       # connection_timeout is 3 s
                : >"$tmp/done"
                wait $idle
                echo "# closed by the server after connection_timeout: $(cat "$tmp/done")"
                check "idle connections are closed after connection_timeout" test "$(cat "$tmp/done")" -ge 990
        else
                : >"$tmp/done"
                wait $idle
        fi
done
check "no token in the log" bash -c "! grep -qE '$token|$team_token|${new_url##*/feeds/}' '$tmp/respited.log' '$tmp/respited.log.new'"
check "respited stops with exit 0 (no leak under SAN=1)" stop_daemon

# ---- systemd socket activation ----
if command -v systemd-socket-activate >/dev/null; then
        start_daemon systemd-socket-activate -l "127.0.0.1:$port2" -E DBUS_SESSION_BUS_ADDRESS -E TZ
        sleep 0.2
        activated_url="http://127.0.0.1:$port2/feeds/${new_url##*/feeds/}"
        check "a passed socket (sd_listen_fds) serves the feed" \
                test "$(code "$activated_url" --max-time 30 --retry 5 --retry-connrefused)" = 200
        check "and the configured address is not used" wait_for "$tmp/respited.log.new" "HTTP on 127.0.0.1:$port2" 5
        check "respited stops with exit 0 (no leak under SAN=1)" stop_daemon
else
        skip "socket activation (no systemd-socket-activate)"
fi

finish
