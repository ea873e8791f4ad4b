#!/usr/bin/env bash
# Seed corpora for the fuzz targets, built from the test fixtures, the
# shipped configuration and the first lines of ../shared/data (when present),
# so nothing large is kept in the repository.
# Usage: fuzz/make-corpus.sh CORPUSDIR   (one subdirectory per target)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: make-corpus.sh CORPUSDIR}
shared="$top/../shared/data"
fx="$top/tests/fixtures"

seed() {        # seed TARGET NAME < content
        mkdir -p "$out/$1"
        cat >"$out/$1/$2"
}
copy() {        # copy TARGET FILE...
        local t=$1 f
        shift
        mkdir -p "$out/$t"
        for f in "$@"; do [ -f "$f" ] && head -c 8192 "$f" >"$out/$t/$(basename "$f")"; done
        return 0
}
heads() {       # heads TARGET LINES FILE...: the first LINES lines of each file
        local t=$1 n=$2 f
        shift 2
        mkdir -p "$out/$t"
        for f in "$@"; do [ -f "$f" ] && head -n "$n" "$f" >"$out/$t/head-$(basename "$f")"; done
        return 0
}

copy csv "$fx"/*.csv "$shared"/vendor-exports/*.csv
heads csv 20 "$shared"/anonbank-1999/calls-1999-01.csv

copy policy "$top"/conf/respite.conf "$top"/conf/demo.conf "$top"/conf/presets/*.conf "$fx"/policy-*.conf
seed policy self-include <<<'@include "respite.conf"'

copy roster "$fx"/roster-*.csv
heads roster 40 "$shared"/anonbank-1999/roster-1999-01.csv "$shared"/anonbank-1999/roster-1999-04.csv
heads roster 20 "$top"/conf/examples/anonbank-1999-01-04-roster.csv

copy calls "$fx"/calls-*.csv
heads calls 60 "$shared"/anonbank-1999/calls-1999-01.csv
heads calls 20 "$top"/conf/examples/anonbank-1999-01-04-calls.csv

copy incidents "$fx"/incidents-*.csv

# fuzz-time: the first byte chooses what is parsed (fuzz/fuzz-time.c).
i=0
for s in 1999-01-04T09:00:00 "1999-01-04 09:00" 1999-04-02T02:30:00 2021-03-28T02:30:00+0100 \
         1999-01-04T09:00:00.250Z 1999-01-04T09:00:00-05 1900-01-01T00:00:00Z 2100-12-31T23:59:59+14:00; do
        # shellcheck disable=SC2059
        printf "$(printf '\\x%02x' $(((i % 8) * 3)))%s" "$s" | seed time "instant-$i"
        i=$((i + 1))
done
for s in 45min "1h 30min" "20 s" 1d 90s -10min 0s 3000000000h; do
        printf '\x01%s' "$s" | seed time "duration-$i"
        i=$((i + 1))
done
for s in Asia/Jerusalem UTC ../../etc/passwd /etc/localtime Europe/../Asia/Tokyo posixrules; do
        printf '\x02%s' "$s" | seed time "zone-$i"
        i=$((i + 1))
done

# fuzz-spool: operators of the example day, clock at 18:00 local.
seed spool good <<'EOF2'
time,operator,category,note
1999-01-04T10:00:00,op16,threat,"shouted, then threatened"
1999-01-04T11:30:00+02:00,op27,verbal_abuse
EOF2
seed spool bad <<'EOF2'
1999-01-04T10:00:00,op99,threat
1999-01-05T23:00:00,op16,threat
1999-01-04T10:00:00,op16,shouting
"open quote,op16,threat
EOF2

# fuzz-report: 8 bytes of when_usec (low bits: 0 = now, 1 = near now), then
# operator NUL category NUL note.
printf '\0\0\0\0\0\0\0\0op16\0threat\0shouted' | seed report now
printf '\x01\x10\0\0\0\0\0\0op27\0verbal_abuse\0' | seed report near
printf '\x02\0\0\0\0\0\0\0../op16\0threat\0' | seed report raw

# Targets of parsers that other modules add (present once they exist).
copy ics "$fx"/*.ics "$shared"/*/*.ics
heads queue-log 40 "$shared"/asterisk-queue_log/*.queue_log
copy queue-log "$fx"/*queue_log* "$fx"/*queue-log*
seed http feed <<<$'GET /feeds/op16.ics?token=0123456789abcdef HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: "x"\r\n\r\n'
seed http team <<<$'GET /feeds/team-retail.ics HTTP/1.1\r\nAuthorization: Bearer 0123\r\n\r\n'
exit 0
