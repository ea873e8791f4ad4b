#!/usr/bin/env bash
# Feeds in the operator's language: the real respited on a private session
# bus with the build tree's translations, a roster whose language column
# makes op1's feed Japanese while the site speaks English, then a reload
# with site.language = "ja". Each feed is read by Python's icalendar and by
# Mozilla's ical.js (tests/node_modules; skipped without it): the Japanese
# SUMMARY, DESCRIPTION (the category's label_ja, the preset's source_ja:
# 労働基準法第34条) and calendar name, lines of at most 75 octets folded
# between UTF-8 characters, never inside one. Bad languages in the policy
# and the roster are refused with file and line; a language without a
# translation ("jp") warns with file and line.
# Usage: tests/feed-language.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
py=/usr/bin/python3
export RESPITE_LOCALEDIR="$bin/locale"
# The daemon's own locale says nothing: the site's language is English.
unset LANGUAGE LC_ALL LC_MESSAGES LANG

start_session_bus
unset DBUS_SYSTEM_BUS_ADDRESS

# Shifts around now, on whole hours; op1's name is long and Japanese, so
# that X-WR-CALNAME folds inside it.
at() { date -u -d "@$(($(date +%s) / 3600 * 3600 + $1 * 3600))" +%Y-%m-%dT%H:%M:%SZ; }
op1_name="山田 花子（やまだ はなこ）お客様相談室 第一チーム 受付担当"
cat >"$tmp/roster.csv" <<EOF
operator,name,team,start,end,language
op1,$op1_name,retail,$(at -1),$(at 8),ja
op2,佐藤 健,retail,$(at -2),$(at 7),
EOF
ln -s "$top/conf/presets" "$tmp/presets"
policy() {      # SITE-EXTRA: the policy, with SITE-EXTRA inside site = { … }
        cat >"$tmp/respite.conf" <<EOF
site = { timezone = "Asia/Tokyo"; $1 };
@include "presets/jp.conf"
categories = (
  { name = "threat"; label = "a threatening call"; label_ja = "脅迫的な電話"; recovery = "20min";
    notify_lead = true; },
  { name = "prolonged_call"; label = "a very long call"; points = 2; },
  { name = "repeat_caller"; label = "a caller who kept calling back"; points = 4; }
);
sources = { rosters = [ "$tmp/roster.csv" ]; };
feeds = { directory = "$tmp/feeds"; };
EOF
}
policy ""
"$bin/respited" --user --config "$tmp/respite.conf" --state-dir "$tmp/state" >"$tmp/respited.log" 2>&1 &
daemon=$!
pids+=($daemon)
if ! wait_for "$tmp/respited.log" "Serving org.respite.Scheduler1" 20; then
        fail "respited starts"; cat "$tmp/respited.log"; finish; exit 1
fi
ok "respited starts with a roster whose language column says ja for op1"

"$bin/respitectl" --user report op1 threat >/dev/null 2>&1
check "op1's threat earns a recovery break in op1's feed" wait_for "$tmp/feeds/op1.ics" "^CATEGORIES:recovery" 5

# field FILE PROPERTY: every value of the property in the events (and the
# calendar), one a line, as Python's icalendar reads them.
field() {
        $py -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for c in cal.walk():
    v = c.get(sys.argv[2])
    if v is not None:
        print(str(v).replace("\n", "\\n"))' "$1" "$2"
}
summaries=$(field "$tmp/feeds/op1.ics" SUMMARY)
descriptions=$(field "$tmp/feeds/op1.ics" DESCRIPTION)
check "Python icalendar: op1's recovery break is 回復休憩" grep -qx "回復休憩" <<<"$summaries"
check "its statutory break 法定休憩, its shift シフト" \
        bash -c 'grep -qx 法定休憩 <<<"$1" && grep -qx シフト <<<"$1"' _ "$summaries"
check "DESCRIPTION: after the category's label_ja (脅迫的な電話の後の回復休憩です。)" \
        grep -q "^脅迫的な電話の後の回復休憩です。" <<<"$descriptions"
check "DESCRIPTION: the rule, and the law by its Japanese name (労働基準法第34条第1項)" \
        grep -Eq "^法律で定められた休憩（[0-9]+時間を超える労働に[0-9時間分]+、労働基準法第34条第1項、労働基準法施行規則第31条）です。" <<<"$descriptions"
check "no English left in op1's words" bash -c '! grep -Eq "break|Shift|after" <<<"$1"' _ "$summaries$descriptions"
check "the calendar's name: 山田 花子…: 休憩" \
        test "$(field "$tmp/feeds/op1.ics" X-WR-CALNAME)" = "$op1_name: 休憩"
check "Python icalendar: CRLF, ≤ 75 octets, UTF-8 per line, UTC, UIDs" \
        $py "$top/tests/check-ics.py" --expect-uid-prefix op1 "$tmp/feeds/op1.ics"
check "lines fold inside the Japanese text, never inside a character" $py -c '
import sys
lines = open(sys.argv[1], "rb").read().split(b"\r\n")
folded = [l for l in lines if l.startswith(b" ") and max(l) >= 0x80]
for l in lines:
    l.decode("utf-8")                   # each line whole: no character cut
    assert len(l) <= 75, l
sys.exit(0 if len(folded) >= 1 else 1)' "$tmp/feeds/op1.ics"
summaries=$(field "$tmp/feeds/op2.ics" SUMMARY)
check "op2 has no language: the site's, English (Statutory break, Shift)" \
        bash -c 'grep -qx "Statutory break" <<<"$1" && grep -qx Shift <<<"$1"' _ "$summaries"
check "op2's calendar: 佐藤 健: breaks" test "$(field "$tmp/feeds/op2.ics" X-WR-CALNAME)" = "佐藤 健: breaks"
check "the team feed speaks the site's English" grep -q "^SUMMARY:Break: " "$tmp/feeds/team-retail.ics"

if [ -f "$top/tests/node_modules/ical.js/package.json" ]; then
        js=$(cd "$top/tests" && node feed-instants.mjs "$tmp/feeds/op1.ics")
        check "ical.js: op1's 回復休憩 and 法定休憩 (SUMMARY, the 5th column)" \
                bash -c 'cut -f5 <<<"$1" | grep -qx 回復休憩 && cut -f5 <<<"$1" | grep -qx 法定休憩' _ "$js"
        check "ical.js and Python icalendar read the same events and instants" \
                test "$(cut -f1-5 <<<"$js")" = "$($py "$top/tests/feed-instants.py" "$tmp/feeds/op1.ics" | cut -f1-5)"
else
        skip "ical.js: tests/node_modules is missing (npm ci in tests/)"
fi

# The site's language: Japanese for every feed, the team's too.
policy 'language = "ja";'
out=$("$bin/respitectl" --user reload 2>&1)
check "reload with site.language = \"ja\"" grep -q Reloaded <<<"$out"
check "the team feed speaks Japanese (休憩: 佐藤 健)" wait_for "$tmp/feeds/team-retail.ics" "^SUMMARY:休憩: 佐藤 健" 5
check "and op2's feed (法定休憩)" grep -q "^SUMMARY:法定休憩" "$tmp/feeds/op2.ics"
# What a lead acts on is logged in the site's language: the lead alert of
# op1's threat in English before, op2's in Japanese now.
check "the lead alert of a threat, logged in English while the site spoke English" \
        grep -q "op1: threat incident [0-9a-f]*: lead alert [0-9a-f]* raised, but nobody hears it: no lead of team retail and no one of alerts.escalate_to is listening. It waits, unanswered, for a lead: \`respitectl alerts\` lists it." "$tmp/respited.log"
"$bin/respitectl" --user report op2 threat >/dev/null 2>&1
check "and in Japanese once site.language = \"ja\", the category by its label_ja" wait_for "$tmp/respited.log" \
        "op2: 脅迫的な電話のインシデント [0-9a-f]*: SV へのアラート [0-9a-f]* を出しましたが、誰にも届いていません（チーム retail の SV も alerts.escalate_to の受信者も受信していません）。" 5
check "while the rest of the log stays English" grep -q "op2: incident [0-9a-f]* (threat) reported." "$tmp/respited.log"

# Bad languages: the policy refused with file and line, the row skipped.
policy 'language = "日本語";'
out=$("$bin/respited" --check-config --config "$tmp/respite.conf" 2>&1)
check "site.language = \"日本語\" is refused with file, line and what is expected" \
        grep -q "respite.conf:1: site.language: expected a language such as \"ja\" or \"pt_BR\"" <<<"$out"
policy ""
sed -i 's/^\(categories = (\)$/\1\n  { name = "other"; label = "x"; label_JA = "y"; },/' "$tmp/respite.conf"
out=$("$bin/respited" --check-config --config "$tmp/respite.conf" 2>&1)
check "label_JA (not a language) is refused" grep -q "expected label_LANGUAGE with a language" <<<"$out"
policy ""
echo "op3,Op 3,retail,$(at -1),$(at 5),ja-JP!" >>"$tmp/roster.csv"
out=$("$bin/respited" --check-config --config "$tmp/respite.conf" 2>&1)
check "a roster language 'ja-JP!' skips the row with file and line" \
        grep -q "roster.csv:4: expected a language such as 'ja' or 'pt_BR' in column 'language', got 'ja-JP!'" <<<"$out"

# A language respite has no translation in ("jp", the Japanese preset's
# name): accepted, but a warning names the file, the line, the languages
# installed and the tag meant, wherever the policy is checked.
jp_warning='respite.conf:1: site.language "jp": respite has no translation in this language (installed: ja); its feeds will be in English. Japanese is "ja".'
sed -i '$d' "$tmp/roster.csv"
policy 'language = "jp";'
out=$("$bin/respited" --check-config --user --config "$tmp/respite.conf" 2>&1)
check "--check-config: site.language = \"jp\" warns with file, line and \"ja\"" grep -qF "$jp_warning" <<<"$out"
check "and counts it as a warning" grep -q "are valid (1 warning above)" <<<"$out"
out=$(LANGUAGE=ja "$bin/respited" --check-config --user --config "$tmp/respite.conf" 2>&1)
check "in Japanese for a Japanese reader" grep -qF '日本語は "ja" です' <<<"$out"
out=$("$bin/respitectl" plan --config "$tmp/respite.conf" 2>&1 >/dev/null)
check "respitectl plan (offline) warns the same" grep -qF "$jp_warning" <<<"$out"
out=$("$bin/respitectl" --user reload 2>&1)
check "respited's reload logs it" wait_for "$tmp/respited.log" "site.language \"jp\": respite has no translation" 5
policy 'language = "ja";'
out=$("$bin/respited" --check-config --user --config "$tmp/respite.conf" 2>&1)
check "site.language = \"ja\" (installed) does not warn" bash -c '! grep -q "no translation" <<<"$1"' _ "$out"
sed -i 's/^\(categories = (\)$/\1\n  { name = "other"; label = "x"; label_ko = "y"; },/' "$tmp/respite.conf"
echo "op4,Op 4,retail,$(at -1),$(at 5),jp" >>"$tmp/roster.csv"
echo "op5,Op 5,retail,$(at -1),$(at 5),jp" >>"$tmp/roster.csv"
out=$("$bin/respited" --check-config --user --config "$tmp/respite.conf" 2>&1)
check "--check-config: a label_ko warns with file and line" \
        grep -qF 'respite.conf:4: categories[0].label_ko: respite has no translation in "ko" (installed: ja)' <<<"$out"
check "and the roster's language 'jp', once, at its first row" \
        test "$(grep -cF "roster.csv:4: language 'jp': respite has no translation in this language (installed: ja); the feeds of the operators given it will be in English. Japanese is \"ja\"." <<<"$out")" = 1
check "and counts them" grep -q "are valid (2 warnings above)" <<<"$out"

if [ "$failed" -gt 0 ]; then
        echo "--- respited"; tail -20 "$tmp/respited.log"; echo "--- op1.ics"; cat "$tmp/feeds/op1.ics"
fi
finish
