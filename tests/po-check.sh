#!/usr/bin/env bash
# The translations are complete and current: each po/LANG.po named passes
# `msgfmt -c` (formats, plural forms, header) with no untranslated and no
# fuzzy string, and po/respite.pot holds exactly the strings xgettext finds
# in po/POTFILES today (a string added or changed in the sources fails
# until `make update-po` and its translation). Usage: tests/po-check.sh LANG…
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
