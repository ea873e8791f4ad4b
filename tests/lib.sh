# Helpers shared by the shell tests (tests/*.sh). A test sources it right
# after `set -uo pipefail` (or `set -euo pipefail`):
#
#       . "$(dirname "$0")/lib.sh"
#
# Sourcing it sets
#   top             the repository root, an absolute path
#   tmp             a new temporary directory, removed on exit (kept and
#                   named when KEEP is set in the environment)
#   passed failed skipped   the counters of ok, fail and skip, all 0
#   pids            an empty array: append the pid of every background
#                   process the test starts; cleanup kills them
# and traps EXIT with cleanup.
#
# ok TEXT…          prints "ok - TEXT" and counts a pass
# fail TEXT…        prints "FAIL - TEXT" and counts a failure
# skip TEXT…        prints "skip - TEXT" and counts a skip
# check TEXT CMD…   runs CMD: ok TEXT if it succeeds, fail TEXT if not
# finish [--no-skipped] [PREFIX]
#                   prints the closing line "PREFIXN passed, N failed,
#                   N skipped" (without ", N skipped" for tests that never
#                   skip) and returns 1 if any check failed, else 0
# wait_for FILE PATTERN SECONDS
#                   returns 0 as soon as grep finds PATTERN in FILE, 1 after
#                   SECONDS (a whole number), polling every 50 ms
# start_session_bus [--any-user]
#                   starts a private dbus-daemon --session, waits up to 5 s
#                   for its address and exports DBUS_SESSION_BUS_ADDRESS;
#                   with --any-user, every Unix user may connect (a test's
#                   second user), with its socket in $tmp
# start_system_bus  starts a private system-style dbus-daemon: Debian's
#                   system.conf defaults plus respite's shipped policy
#                   (systemd/org.respite.Scheduler1.conf), config in
#                   $tmp/bus.conf, log in $tmp/bus.log, socket
#                   $tmp/system_bus_socket; waits up to 5 s for the socket
#                   and exports DBUS_SYSTEM_BUS_ADDRESS
# cleanup           the EXIT trap: sends cleanup_signal (TERM unless the test
#                   sets it) to every pid in pids and to $daemon if set,
#                   waits for them, runs the test's cleanup_hook function if
#                   it defines one, removes the test users made with add_user
#                   and add_group, then removes $tmp
# need_test_users WHAT  skips the test (exit 0) unless run as root with
#                   setpriv and useradd; lets test users reach $tmp
# add_group NAME, add_user NAME [GROUP]
#                   a system group, a system user (with its own group, and
#                   in GROUP), made unless they exist and removed at the end

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
passed=0 failed=0 skipped=0
pids=()
created_users=() created_groups=()

cleanup() {
        local p
        for p in "${pids[@]}" ${daemon:-}; do kill -s "${cleanup_signal:-TERM}" "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
        if declare -F cleanup_hook >/dev/null; then cleanup_hook; fi
        for p in "${created_users[@]}"; do userdel "$p" 2>/dev/null; done
        for p in "${created_groups[@]}"; do groupdel "$p" 2>/dev/null; done
        if [ -n "${KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

ok()   { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
skip() { echo "skip - $*"; skipped=$((skipped + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

need_test_users() {
        if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null || ! command -v useradd >/dev/null; then
                skip "$1 need root, setpriv and useradd"
                finish
                exit 0
        fi
        chmod 0755 "$tmp"       # the test users reach the bus socket through it
}
add_group() {
        getent group "$1" >/dev/null && return
        groupadd --system "$1" && created_groups+=("$1")
}
add_user() {    # NAME [GROUP]
        if ! getent passwd "$1" >/dev/null; then
                useradd --system --no-create-home --shell /usr/sbin/nologin --user-group "$1" &&
                        created_users+=("$1") created_groups+=("$1")
        fi
        [ -z "${2:-}" ] || usermod -a -G "$2" "$1"
}

finish() {
        local counts="$passed passed, $failed failed, $skipped skipped"
        if [ "${1:-}" = --no-skipped ]; then
                counts="$passed passed, $failed failed"
                shift
        fi
        echo "${1:-}$counts"
        [ "$failed" -eq 0 ]
}

# wait_for FILE PATTERN SECONDS: until PATTERN is in FILE.
wait_for() {
        local i
        for ((i = 0; i < $3 * 20; i++)); do
                grep -q -- "$2" "$1" 2>/dev/null && return 0
                sleep 0.05
        done
        return 1
}

# count FILE PATTERN: the lines of FILE with PATTERN.
count() { local n; n=$(grep -c -- "$2" "$1" 2>/dev/null); echo "${n:-0}"; }
# alive PID: whether the process runs.
alive() { kill -0 "$1" 2>/dev/null; }

# wait_count FILE PATTERN N SECONDS: until PATTERN is in FILE N times.
wait_count() {
        local i
        for ((i = 0; i < $4 * 100; i++)); do
                [ "$(count "$1" "$2")" -ge "$3" ] && return 0
                sleep 0.01
        done
        return 1
}

start_session_bus() {
        local i config=(--session)
        if [ "${1:-}" = --any-user ]; then
                cat >"$tmp/session.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$tmp/session_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
                config=(--config-file="$tmp/session.conf")
        fi
        dbus-daemon "${config[@]}" --nofork --nopidfile --print-address=3 3>"$tmp/bus-address" 2>/dev/null &
        pids+=($!)
        for ((i = 0; i < 50; i++)); do [ -s "$tmp/bus-address" ] && break; sleep 0.1; done
        # shellcheck disable=SC2155 # no address fails the first client, loudly
        export DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$tmp/bus-address")
}

start_system_bus() {
        local i
        cat >"$tmp/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$tmp/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <include>$top/systemd/org.respite.Scheduler1.conf</include>
</busconfig>
EOF
        dbus-daemon --config-file="$tmp/bus.conf" --nofork --nopidfile 2>"$tmp/bus.log" &
        pids+=($!)
        for ((i = 0; i < 50; i++)); do [ -S "$tmp/system_bus_socket" ] && break; sleep 0.1; done
        export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/system_bus_socket"
}
