#!/usr/bin/env bash
# respited --check-config warns about sources respited.service cannot read:
# under a path the unit hides (ProtectHome=, PrivateTmp=), or that its user
# may not read (mode bits, and search permission on every directory above).
# Warnings, not errors: the exit status stays 0. A test user stands for
# respite ($RESPITE_SERVICE_USER), made with useradd as root; without root
# only the hidden paths are checked. Usage: tests/sandbox.sh BUILDDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:-build}
bin="$top/$build"
unit="$top/systemd/respited.service"
conf="$top/conf/respite.conf"
example="$top/conf/examples/anonbank-1999-01-04-roster.csv"

dirs=() created=()
cleanup_hook() {
        rm -rf "${dirs[@]}"
        for u in "${created[@]}"; do userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null; done
}

# The settings the warnings name are those of the unit.
for setting in ProtectHome=yes PrivateTmp=yes ProtectSystem=strict StateDirectory=respite \
               RuntimeDirectory=respite ReadWritePaths=-/var/spool/respite; do
        check "the unit has $setting" grep -qx "$setting" "$unit"
done

# check_config ROSTER: respited --check-config with that roster; rc and out set.
check_config() {
        out=$("$bin/respited" --check-config --config "$conf" --roster "$1" 2>&1); rc=$?
}
# quiet ROSTER: exit 0 and no warning about ROSTER (the policy itself may
# lie in a hidden place in a checkout under /home).
quiet() { test $rc -eq 0 && ! grep -q "^$1: " <<<"$out"; }

# A roster under /tmp: hidden by PrivateTmp=.
cp "$example" "$tmp/roster.csv"
RESPITE_SERVICE_USER=respite-no-such-user check_config "$tmp/roster.csv"
check "a roster under /tmp: exit 0 (a warning)" test $rc -eq 0
check "the warning names PrivateTmp= and the file" grep -q "^$tmp/roster.csv: .*PrivateTmp=yes hides" <<<"$out"
check "and says to move it or bind it" grep -q "move it under /etc/respite or /var/lib/respite, or add a drop-in.*BindReadOnlyPaths=$tmp/roster.csv" <<<"$out"
check "the summary says the service would not read everything" grep -q "would not read or write everything ([0-9]* warnings\? above)" <<<"$out"
check "a missing service user is said, and its reads not checked" \
        grep -q "user respite-no-such-user .* does not exist.*not checking" <<<"$out"

# A link elsewhere that leads into /home: ProtectHome=.
if [ -d /home ]; then
        home=$(mktemp -d /home/respite-sbx.XXXXXX); dirs+=("$home")
        cp "$example" "$home/roster.csv"
        RESPITE_SERVICE_USER=respite-no-such-user check_config "$home/roster.csv"
        check "a roster under /home: ProtectHome= named" grep -q "ProtectHome=yes hides" <<<"$out"
        check "with ProtectHome=tmpfs and BindReadOnlyPaths= as the drop-in" \
                grep -q "ProtectHome=tmpfs and BindReadOnlyPaths=$home/roster.csv" <<<"$out"
        check "exit 0" test $rc -eq 0
else
        skip "no /home"
fi

# Where the service writes: the feed directory and the spool.
ln -s "$top/conf/presets" "$tmp/presets"
feeds_config() {        # FEEDS SPOOL: --check-config with them; rc and out set
        sed -e "s|^        directory = .*|        directory = \"$1\";|" "$conf" >"$tmp/feeds.conf"
        printf 'incidents = { spool = "%s"; };\n' "$2" >>"$tmp/feeds.conf"
        out=$(RESPITE_SERVICE_USER=respite-no-such-user "$bin/respited" --check-config --config "$tmp/feeds.conf" \
              --roster "$example" 2>&1); rc=$?
}
feeds_config /var/lib/respite/feeds /var/spool/respite
check "the shipped feed directory and spool: no warning about them" \
        test $rc -eq 0 -a -z "$(grep -E '^/var/(lib|spool)/respite' <<<"$out")"
feeds_config /srv/respite/feeds /var/spool/respite
check "a feed directory under /srv: ProtectSystem=strict named, and ReadWritePaths= as the drop-in" \
        grep -q "^/srv/respite/feeds: respited.service cannot write it: ProtectSystem=strict makes /srv/respite/feeds read-only for the service; .*ReadWritePaths=/srv/respite/feeds." <<<"$out"
check "exit 0 (a warning)" test $rc -eq 0
feeds_config /var/lib/respite/feeds "$tmp/spool"
check "a spool under /tmp: PrivateTmp= named" \
        grep -q "^$tmp/spool: respited.service would write it where nobody else sees it: PrivateTmp=yes" <<<"$out"

# --user: no sandbox, no warning.
out=$("$bin/respited" --user --check-config --config "$conf" --roster "$tmp/roster.csv" 2>&1); rc=$?
check "--user --check-config does not warn about the service's sandbox" \
        test $rc -eq 0 -a -z "$(grep -E 'PrivateTmp|User=' <<<"$out")"

if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null; then
        skip "reads as the service's user: need root and useradd"
        finish
        exit
fi

user=respite-sbx$$
if useradd --system --no-create-home --shell /usr/sbin/nologin --user-group "$user"; then
        created+=("$user")
else
        fail "useradd $user"; finish; exit 1
fi
export RESPITE_SERVICE_USER=$user

# As StateDirectory= makes /var/lib/respite: the user's own, 0750.
state=$(mktemp -d /var/lib/respite-sbx.XXXXXX); dirs+=("$state")
chmod 0755 "$state"
mkdir -m 0750 "$state/respite"
install -m 0640 -o "$user" -g "$user" "$example" "$state/respite/roster.csv"
chown "$user:$user" "$state/respite"
check_config "$state/respite/roster.csv"
check "a roster the user owns under /var/lib: exit 0, no warning" quiet "$state/respite/roster.csv"
check "the user is found" test -z "$(grep 'does not exist' <<<"$out")"

# Under /etc, world-readable as the package installs it.
etc=$(mktemp -d /etc/respite-sbx.XXXXXX); dirs+=("$etc")
chmod 0755 "$etc"
install -m 0644 "$example" "$etc/roster.csv"
check_config "$etc/roster.csv"
check "a roster under /etc: exit 0, no warning" quiet "$etc/roster.csv"

# A directory the user may not enter.
mkdir -m 0700 "$state/locked"
install -m 0644 "$example" "$state/locked/roster.csv"
check_config "$state/locked/roster.csv"
check "a roster in a directory the user cannot enter: exit 0 (a warning)" test $rc -eq 0
check "the warning names the user, User= and the directory" \
        grep -q "^$state/locked/roster.csv: the service's user $user (User= of respited.service) cannot read it: it may not enter $state/locked (mode 0700, root:root)" <<<"$out"
check "and what to do" grep -q "chmod o+x.*or move the file under /etc/respite or /var/lib/respite" <<<"$out"

# A file only root may read, in a directory anyone enters.
install -m 0600 "$example" "$etc/secret.csv"
check_config "$etc/secret.csv"
check "a roster only root reads: exit 0 (a warning)" test $rc -eq 0
check "the warning names the mode, the owner and chgrp" \
        grep -q "^$etc/secret.csv: .*cannot read it (mode 0600, root:root); give it to group $user (chgrp $user FILE; chmod g+r FILE)" <<<"$out"

# Group read through a supplementary group of the user.
groupadd "${user}g" && created+=("${user}g")
usermod -a -G "${user}g" "$user"
install -m 0640 -g "${user}g" "$example" "$etc/group.csv"
check_config "$etc/group.csv"
check "a roster readable through a supplementary group: no warning" quiet "$etc/group.csv"

# A bad roster row still fails, and the sandbox warning is given as well.
printf 'operator,start,end\nop1,1999-01-04T10:00:00+02:00,1999-01-04T09:00:00+02:00\n' >"$tmp/bad.csv"
check_config "$tmp/bad.csv"
check "a bad row under /tmp: exit 1, as before" test $rc -eq 1
check "with the sandbox warning too" grep -q "PrivateTmp=yes" <<<"$out"

finish
