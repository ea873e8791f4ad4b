#!/usr/bin/env bash
# The translations are complete and current: every C source is in
# po/POTFILES or, with the reason it holds no words for people, in
# po/POTFILES.skip; each po/LANG.po named passes
# `msgfmt -c` (formats, plural forms, header) with no untranslated and no
# fuzzy string, and po/respite.pot holds exactly the strings xgettext finds
# in po/POTFILES today (a string added or changed in the sources fails
# until `make update-po` and its translation), and every string literal of
# those files with a word in it is either marked for translation or named
# in po/untranslated as not for people (a new literal left unmarked fails,
# naming its file and line). Usage: tests/po-check.sh LANG…
# with $XGETTEXT_FLAGS as the Makefile gives them.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

cd "$top" || exit 1

# shellcheck disable=SC2086,SC2046
if xgettext ${XGETTEXT_FLAGS:?} -o "$tmp/now.pot" $(cat po/POTFILES); then
        msgids() { msgcat --no-location --no-wrap --sort-output "$1" | grep -v '^"POT-Creation-Date:'; }
        if diff <(msgids po/respite.pot) <(msgids "$tmp/now.pot") >"$tmp/pot.diff"; then
                ok "po/respite.pot is up to date with the sources ($(grep -c '^msgid ' po/respite.pot) msgids)"
        else
                fail "po/respite.pot differs from the sources: run make update-po and translate" \
                     "$(grep '^[<>] msgid' "$tmp/pot.diff" | head -20)"
        fi
else
        fail "xgettext failed on po/POTFILES"
fi

# Every C source is either in po/POTFILES or in po/POTFILES.skip, which
# says why it holds no words for people: a new file is classified.
sources=$(cd "$top" && ls src/*/*.c)
listed=$(cat po/POTFILES; grep -v '^#' po/POTFILES.skip | grep .)
neither=$(grep -vxF -f <(printf '%s\n' "$listed") <<<"$sources")
both=$(grep -xF -f po/POTFILES <(grep -v '^#' po/POTFILES.skip | grep .))
gone=$(grep -vxF -f <(printf '%s\n' "$sources") <<<"$listed")
if [ -z "$neither$both$gone" ]; then
        ok "every C source is in po/POTFILES ($(grep -c . po/POTFILES)) or po/POTFILES.skip ($(grep -c '^src/' po/POTFILES.skip))"
else
        fail "po/POTFILES and po/POTFILES.skip do not split the C sources: a file with words a person reads goes in po/POTFILES, one without in po/POTFILES.skip under the reason that fits" \
             "${neither:+in neither: $(tr '\n' ' ' <<<"$neither")}${both:+in both: $(tr '\n' ' ' <<<"$both")}${gone:+no such file: $(tr '\n' ' ' <<<"$gone")}"
fi

# Every literal of po/POTFILES with a word in it is marked for translation
# or named in po/untranslated as not for people (tools/po-literals).
if XGETTEXT_FLAGS=$XGETTEXT_FLAGS tools/po-literals >"$tmp/unmarked"; then
        grep '^msgid "' po/untranslated | sed 's/^msgid //' | grep -vx '""' >"$tmp/listed"
        awk -F '\t' 'NR == FNR { listed[$0] = 1; next } !($2 in listed)' "$tmp/listed" "$tmp/unmarked" >"$tmp/new"
        if [ -s "$tmp/new" ]; then
                n=$(wc -l <"$tmp/new")
                where=$(sed 's/\t/: /; s/^/    /' "$tmp/new" | head -30)
                if [ "$n" -gt 30 ]; then where+=$'\n'"    … and $((n - 30)) more"; fi
                fail "$n string literal(s) of po/POTFILES neither marked for translation nor in po/untranslated:"$'\n'"$where"$'\n'"\
  Read by people: mark it _(\"…\") (or N_(), P_(); src/shared/i18n.h), make update-po, translate each po/LANG.po.
  Not for people (a configuration, JSON or option name, a D-Bus name, a machine value, a URL):
  make po-untranslated adds it to po/untranslated; review that diff."
        else
                ok "every literal of po/POTFILES is marked or in po/untranslated ($(grep -c . "$tmp/listed") deliberately untranslated)"
        fi
        # Entries of the list no source has any more: harmless, but tidy.
        stale=$(cut -f2 "$tmp/unmarked" | awk 'NR == FNR { seen[$0] = 1; next } !($0 in seen)' - "$tmp/listed")
        if [ -n "$stale" ]; then
                echo "warning - po/untranslated names literals no source has any more (make po-untranslated drops them): $(tr '\n' ' ' <<<"$stale")"
        fi
else
        fail "tools/po-literals failed on po/POTFILES"
fi

for lang in "$@"; do
        stats=$(LC_ALL=C msgfmt -c --statistics -o /dev/null "po/$lang.po" 2>&1)
        status=$?
        if [ $status -ne 0 ]; then
                fail "po/$lang.po: msgfmt -c: $stats"
        elif grep -Eq 'untranslated|fuzzy' <<<"$stats"; then
                fail "po/$lang.po is not complete: $stats"
        else
                ok "po/$lang.po: $stats"
        fi
        # Every string of the template is in the translation.
        check "po/$lang.po holds every msgid of po/respite.pot" msgcmp "po/$lang.po" po/respite.pot
done

finish
