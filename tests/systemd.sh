#!/usr/bin/env bash
# The systemd integration: the unit verifies clean, its exposure stays at 1.5
# or less, the sysusers file makes the user and the spool's group, the
# tmpfiles file the spool's modes, and `make install DESTDIR=…`
# gives a tree a package can be built from. Usage: tests/systemd.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
max_exposure=1.5

if ! command -v systemd-analyze >/dev/null; then
        skip "systemd-analyze is not installed"
else
        # verify wants ExecStart= and ExecReload= to exist: check a copy
        # naming the built binaries.
        sed -e "s|^ExecStart=/usr/local/sbin/|ExecStart=$top/$build/|" \
            -e "s|^ExecReload=/usr/local/bin/|ExecReload=$top/$build/|" "$top/systemd/respited.service" \
                >"$tmp/respited.service"
        out=$(systemd-analyze verify --man=no "$tmp/respited.service" 2>&1); rc=$?
        check "systemd-analyze verify is clean" test $rc -eq 0 -a -z "$out"
        [ -z "$out" ] || echo "$out"

        out=$(systemd-analyze security --offline=true "$top/systemd/respited.service" 2>&1)
        level=$(sed -n 's/.*Overall exposure level for respited.service: \([0-9.]*\).*/\1/p' <<<"$out")
        echo "# exposure level $level (at most $max_exposure)"
        check "the exposure level is at most $max_exposure" \
                awk -v l="$level" -v m="$max_exposure" 'BEGIN { exit !(l != "" && l <= m) }'
fi

if command -v systemd-sysusers >/dev/null; then
        mkdir -p "$tmp/root/etc"
        systemd-sysusers --root="$tmp/root" "$top/systemd/respite.sysusers" 2>/dev/null
        check "respite.sysusers creates the system user respite" grep -q '^respite:' "$tmp/root/etc/passwd"
        check "and the spool writers' group respite-spool, of which respite is no member" \
                sh -c 'grep -q "^respite-spool:x:[0-9]*:$" "$1"' sh "$tmp/root/etc/group"
        if command -v systemd-tmpfiles >/dev/null; then
                # The spool's writers get the spool and nothing else (issue 19, item 7).
                systemd-tmpfiles --root="$tmp/root" --create "$top/systemd/respite.tmpfiles" 2>/dev/null
                uid=$(awk -F: '$1 == "respite" { print $3 }' "$tmp/root/etc/passwd")
                gid=$(awk -F: '$1 == "respite-spool" { print $3 }' "$tmp/root/etc/group")
                modes=$(cd "$tmp/root/var/spool/respite" && stat -c '%a %u %g %n' . processed failed | tr '\n' ' ')
                echo "# tmpfiles: $modes"
                check "tmpfiles makes the spool 3770 (setgid, sticky) respite:respite-spool, processed/ and failed/ 2750" \
                        test "$modes" = "3770 $uid $gid . 2750 $uid $gid processed 2750 $uid $gid failed "
        else
                skip "systemd-tmpfiles is not installed"
        fi
else
        skip "systemd-sysusers is not installed"
fi
check "the unit keeps the state directory respited's alone (StateDirectoryMode=0700)" \
        grep -qx 'StateDirectoryMode=0700' "$top/systemd/respited.service"
check "and reads the spool through group respite-spool, not its own" \
        grep -qx 'SupplementaryGroups=respite-spool' "$top/systemd/respited.service"

# The install tree, with the paths pkg-config gives.
dest="$tmp/dest"
make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr BUILDDIR="$build" >"$tmp/install.log" 2>&1
check "make install DESTDIR=… succeeds" test $? -eq 0
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
sysusersdir=$(pkg-config --variable=sysusersdir systemd 2>/dev/null || echo /usr/lib/sysusers.d)
tmpfilesdir=$(pkg-config --variable=tmpfilesdir systemd 2>/dev/null || echo /usr/lib/tmpfiles.d)
for f in /usr/sbin/respited /usr/bin/respitectl /etc/respite/respite.conf /etc/respite/presets/jp.conf \
         "$unitdir/respited.service" "$sysusersdir/respite.conf" "$tmpfilesdir/respite.conf" \
         /usr/share/dbus-1/system.d/org.respite.Scheduler1.conf \
         /usr/share/dbus-1/system-services/org.respite.Scheduler1.service \
         /usr/share/man/man8/respited.8 /usr/share/man/man5/respite.conf.5 /usr/share/man/man1/respitectl.1; do
        check "installs $f" test -s "$dest$f"
done
check "installs the example actions, executable" test -x "$dest/usr/lib/respite/actions/asterisk-ami"
check "the installed example policy for South Korea finds its preset" \
        sh -c '"$1" --check-config --config "$2" >/dev/null' sh "$top/$build/respited" \
        "$dest/etc/respite/examples/kr-osh41.conf"
check "the installed unit runs the installed binary" \
        grep -q '^ExecStart=/usr/sbin/respited$' "$dest$unitdir/respited.service"
check "the installed unit reloads with the installed respitectl, which waits for the answer" \
        grep -q '^ExecReload=/usr/bin/respitectl reload$' "$dest$unitdir/respited.service"
check "nothing is installed outside the FHS and systemd places" \
        test -z "$(cd "$dest" && find . -type f | grep -Ev '^\./(usr/(s?bin|share|lib)|etc|lib)/')"

# The installed policy is a live site's, not the demo day: it reads the
# roster from /etc/respite/roster.csv and is valid once that file exists.
conf="$dest/etc/respite/respite.conf"
check "the installed policy is the live one (conf/respite.conf), not the demo" \
        sh -c 'cmp -s "$1" "$2" && ! grep -q anonbank "$1"' sh "$conf" "$top/conf/respite.conf"
check "it writes feeds to /var/lib/respite/feeds" grep -q '^ *directory = "/var/lib/respite/feeds";' "$conf"
out=$("$top/$build/respited" --check-config --config "$conf" 2>&1); rc=$?
check "--check-config fails before the roster is in place" test $rc -eq 1
check "and names where the roster goes" grep -q "$dest/etc/respite/roster.csv: cannot open" <<<"$out"
today=$(date +%F)
printf '%s\n' "operator,name,team,start,end" \
        "op16,Operator 16,retail,${today}T09:00:00+09:00,${today}T18:00:00+09:00" \
        "op27,Operator 27,retail,${today}T10:00:00+09:00,${today}T19:00:00+09:00" \
        >"$dest/etc/respite/roster.csv"
out=$("$top/$build/respited" --check-config --config "$conf" 2>&1); rc=$?
check "with a roster in /etc/respite/roster.csv, --check-config passes" test $rc -eq 0
[ $rc -eq 0 ] || echo "$out"
# Its commented examples (coverage, a followed queue_log, access) hold once
# uncommented, with real users and groups for the placeholders.
: >"$tmp/queue_log"
sed -e '/^#coverage = {/,/^#};/s/^#//; /^#access = {/,/^#};/s/^#//; /^#        calls = (/,/} );$/s/^#//' \
    -e "s|/var/log/asterisk/queue_log|$tmp/queue_log|; s/\"alice\"/\"daemon\"/; s/\"bob\"/\"nobody\"/" \
    -e 's/"respite-leads-retail"/"adm"/' "$conf" >"$dest/etc/respite/uncommented.conf"
out=$("$top/$build/respited" --check-config --config "$dest/etc/respite/uncommented.conf" 2>&1); rc=$?
check "its commented coverage, calls and access examples are valid uncommented" \
        sh -c 'test "$1" -eq 0 && grep -q "^access = {" "$2" && grep -q "^coverage = {" "$2"' sh $rc \
        "$dest/etc/respite/uncommented.conf"
[ $rc -eq 0 ] || echo "$out"
rm -f "$dest/etc/respite/roster.csv" "$dest/etc/respite/uncommented.conf"

# A second install never overwrites the site's policy: it stays, the new
# default lands beside it as respite.conf.default, and the terminal says so.
check "a first install leaves no respite.conf.default" test ! -e "$conf.default"
make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr BUILDDIR="$build" >"$tmp/install2.log" 2>&1
check "installing over the shipped policy itself leaves no respite.conf.default" test ! -e "$conf.default"
printf '# the site\x27s own access and sources\naccess = { leads = ( { group = "leads"; teams = [ "retail" ]; } ); };\n' >>"$conf"
cp "$conf" "$tmp/site.conf"
make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr BUILDDIR="$build" >"$tmp/install3.log" 2>&1
check "make install over a site's policy succeeds" test $? -eq 0
check "the site's respite.conf is kept as it was" cmp -s "$conf" "$tmp/site.conf"
check "the new default lands beside it as respite.conf.default" cmp -s "$conf.default" "$top/conf/respite.conf"
check "and the terminal says so" grep -q "kept the site's .*/etc/respite/respite.conf; the new default policy is .*respite.conf.default" "$tmp/install3.log"
make -s -C "$top" uninstall DESTDIR="$dest" PREFIX=/usr BUILDDIR="$build" >/dev/null 2>&1
check "make uninstall keeps the site's respite.conf and removes the default" \
        sh -c 'cmp -s "$1" "$2" && test ! -e "$1.default"' sh "$conf" "$tmp/site.conf"

finish
