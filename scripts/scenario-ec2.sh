#!/usr/bin/env bash
# The original four-instance chat, securely, on one Linux machine and without AWS.
#
# Builds the topology out of network namespaces this script creates (hub, QW, ER, LO and an
# intruder, each with its own address on a private bridge; no traffic leaves the machine),
# installs the release package into a temporary root exactly as install.sh lays it out on
# EC2, runs securechat-server in the hub namespace as the systemd unit would (same flags,
# unprivileged user), and replays the original session with `securechat send`/`tail`:
#   - QW, ER and LO chat in public and all three receive the public messages;
#   - LO sends "@ER this is only for u": ER receives it, QW does not;
#   - a fourth client whose certificate is not in the allowlist is refused;
#   - removing ER from the allowlist and reloading disconnects ER at once;
#   - a packet capture on the hub's interface contains no plaintext of any message.
# Exits 0 when every check passes, 1 otherwise, 77 (skipped) without root or network
# namespaces. Cleans up its namespaces and processes on every exit path.
#   sudo scripts/scenario-ec2.sh [--package dist/securechat-….tar.gz]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

package=""
while [ $# -gt 0 ]; do
    case "$1" in
        --package) package="$2"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "scenario-ec2.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

skip() { echo "scenario-ec2.sh: skipped: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null 2>&1 || skip "needs iproute2"
tag="sc$$"
ip netns add "$tag-probe" 2>/dev/null || skip "this machine does not allow network namespaces"
ip netns del "$tag-probe"

work="$(mktemp -d /tmp/securechat-scenario.XXXXXX)"
chmod 0755 "$work"
hosts=(hub qw er lo xx)
pids=()
cleanup() {
    set +e
    if [ "$failed" -ne 0 ] || [ "${status:-0}" -ne 0 ]; then
        for f in "$work"/tail-*.err "$work"/hub.log; do
            [ -s "$f" ] && { echo "--- $(basename "$f")"; tail -15 "$f"; }
        done
    fi
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    sleep 0.3
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
    for h in "${hosts[@]}" sw; do ip netns del "$tag-$h" 2>/dev/null; done
    rm -rf "$work"
}
passed=0
failed=0
trap 'status=$?; cleanup' EXIT
trap 'exit 1' INT TERM
check() {  # check "description" command…
    local what="$1"; shift
    if "$@"; then echo "  PASS  $what"; passed=$((passed + 1)); else echo "  FAIL  $what"; failed=$((failed + 1)); fi
}

# --- the release package, installed as on EC2 -------------------------------------------
if [ -z "$package" ]; then
    echo "==> building the release package"
    scripts/package.sh >"$work/package.log" 2>&1 || { tail -20 "$work/package.log"; exit 1; }
    package="$(ls -t dist/securechat-*.tar.gz | head -1)"
fi
mkdir -p "$work/pkg"
tar -xzf "$package" -C "$work/pkg"
root="$work/root"
ROOT="$root" "$work"/pkg/*/install.sh >/dev/null
bin="$root/opt/securechat/bin"

# --- addresses ----------------------------------------------------------------------------
declare -A addr=([hub]=10.250.0.1 [qw]=10.250.0.11 [er]=10.250.0.12 [lo]=10.250.0.13 [xx]=10.250.0.66)
ip netns add "$tag-sw"
ip -n "$tag-sw" link add br0 type bridge
ip -n "$tag-sw" link set br0 up
for h in "${hosts[@]}"; do
    ip netns add "$tag-$h"
    ip link add "v-$tag-$h" type veth peer name "p-$tag-$h"
    ip link set "v-$tag-$h" netns "$tag-$h"
    ip link set "p-$tag-$h" netns "$tag-sw"
    ip -n "$tag-sw" link set "p-$tag-$h" master br0 up
    ip -n "$tag-$h" link set "v-$tag-$h" name eth0
    ip -n "$tag-$h" addr add "${addr[$h]}/24" dev eth0
    ip -n "$tag-$h" link set eth0 up
    ip -n "$tag-$h" link set lo up
done
in_ns() { local h="$1"; shift; ip netns exec "$tag-$h" "$@"; }

# --- certificates: the admin machine's certs/ ---------------------------------------------
certs="$work/certs"
gen() { "$repo/scripts/gen-certs.sh" --dir "$certs" "$@" >/dev/null; }
gen ca
gen server hub --ip "${addr[hub]}"
for nick in QW ER LO XX; do gen client "$nick"; done
fingerprint() { "$repo/scripts/gen-certs.sh" fingerprint "$certs/clients/$1.pem" | grep '^sha256:'; }
line() { echo "$1 $(fingerprint "$1")"; }
# Each person's certificate is bound to their nick, which their listening client holds, and
# to NICK-send for scripted sends: a send as NICK would be one more session of the listening
# nick, whose tail would then show its own messages too.
lines() { line "$1"; echo "$1-send $(fingerprint "$1")"; }
pin="$("$repo/scripts/gen-certs.sh" fingerprint "$certs/server/hub.pem" | grep '^sha256//')"

# --- the hub, as the unit runs it ---------------------------------------------------------
etc="$root/etc/securechat"
runas=nobody
install -m 0644 "$certs/server/hub.pem" "$etc/server.pem"
install -m 0600 -o "$runas" "$certs/server/hub.key" "$etc/server.key"
install -m 0644 "$certs/ca.pem" "$certs/crl.pem" "$etc/"
{ lines QW; lines ER; lines LO; } >"$etc/allowlist"
chmod 0644 "$etc/allowlist"
chmod 0755 "$etc"
sed -i 's/^server_name = .*/server_name = "hub"/' "$etc/server.toml"
# The unit's StateDirectory: the history database, writable by the server's user only.
state="$root/var/lib/securechat"
install -d -m 0700 -o "$runas" "$state"
sed -i "s|^data_dir = .*|data_dir = \"$state\"|" "$etc/server.toml"
chmod 0644 "$etc/server.toml"
echo "==> starting the hub on ${addr[hub]}:6697"
# ip netns exec and setpriv both exec, so $! is the server itself (signals reach it).
ip netns exec "$tag-hub" setpriv --reuid="$runas" --regid="$(id -g "$runas")" --clear-groups \
    "$bin/securechat-server" --config "$etc/server.toml" >"$work/hub.log" 2>&1 &
hubpid=$!
pids+=("$hubpid")
for _ in $(seq 1 100); do grep -q "listening" "$work/hub.log" 2>/dev/null && break; sleep 0.1; done
grep -q "listening" "$work/hub.log" || { cat "$work/hub.log"; echo "the hub did not start"; exit 1; }

# --- a capture on the hub's interface -----------------------------------------------------
capture=""
tcpdump_pid=""
if ! command -v tcpdump >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y tcpdump >/dev/null 2>&1 ||
        { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y tcpdump >/dev/null 2>&1; } || true
fi
if command -v tcpdump >/dev/null 2>&1; then
    capture="$work/hub.pcap"
    ip netns exec "$tag-hub" tcpdump -i eth0 -U -w "$capture" tcp port 6697 >/dev/null 2>&1 &
    tcpdump_pid=$!
    pids+=("$tcpdump_pid")
    sleep 0.5
fi

# --- clients ------------------------------------------------------------------------------
client() {  # client HOST NICK ARGS… : runs securechat in HOST's namespace as NICK
    local h="$1" nick="$2"; shift 2
    XDG_CONFIG_HOME="$work/home-$nick" in_ns "$h" timeout 20 "$bin/securechat" "$@"
}
setup() {
    local h="$1" nick="$2"
    client "$h" "$nick" setup --server "${addr[hub]}" --port 6697 --nick "$nick" \
        --cert "$certs/clients/$nick.pem" --key "$certs/clients/$nick.key" --pin "$pin" >/dev/null
}
for pair in qw:QW er:ER lo:LO xx:XX; do setup "${pair%%:*}" "${pair##*:}"; done

echo "==> QW, ER and LO listen"
declare -A tailpid
for pair in qw:QW er:ER lo:LO; do
    h="${pair%%:*}" nick="${pair##*:}"
    XDG_CONFIG_HOME="$work/home-$nick" ip netns exec "$tag-$h" "$bin/securechat" tail >"$work/tail-$nick.jsonl" 2>"$work/tail-$nick.err" &
    pids+=("$!")
    tailpid[$nick]=$!
done
sleep 2

echo "==> the original session"
check "QW sends to #lobby" client qw QW send --nick QW-send --to '#lobby' "hi all, QW here"
check "ER sends to #lobby" client er ER send --nick ER-send --to '#lobby' "ER checking in"
check "LO sends to #lobby" client lo LO send --nick LO-send --to '#lobby' "LO online"
check "LO sends @ER privately" client lo LO send --nick LO-send --to ER "this is only for u"
sleep 1

got() { grep -q -- "$2" "$work/tail-$1.jsonl"; }
for nick in QW ER LO; do
    check "$nick received QW's public message" got "$nick" "hi all, QW here"
    check "$nick received ER's public message" got "$nick" "ER checking in"
    check "$nick received LO's public message" got "$nick" "LO online"
done
check "ER received LO's private message" got ER "this is only for u"
check "QW did not receive LO's private message" bash -c "! grep -q 'only for u' '$work/tail-QW.jsonl'"

echo "==> an intruder without an allowlisted certificate"
set +e
client xx XX send --to '#lobby' "let me in" >"$work/xx.out" 2>&1
xx_status=$?
set -e
check "the intruder is refused (exit $xx_status)" test "$xx_status" -ne 0
check "the refusal names the allowlist line to add" grep -q "$(line XX | cut -d' ' -f2)" "$work/xx.out"

echo "==> removing ER from the allowlist"
{ lines QW; lines LO; } >"$etc/allowlist.new"
chmod 0644 "$etc/allowlist.new"
mv "$etc/allowlist.new" "$etc/allowlist"
kill -HUP "$hubpid"
removed=no
for _ in $(seq 1 20); do
    if grep -q "certificate no longer allowed" "$work/hub.log"; then removed=yes; break; fi
    sleep 0.1
done
check "ER was disconnected within two seconds" test "$removed" = yes
# The hub's log line comes before the client has read the ERROR and written its
# own message, so wait (up to five seconds) for ER's listener to exit.
stopped=no
for _ in $(seq 1 50); do
    if ! kill -0 "${tailpid[ER]}" 2>/dev/null; then stopped=yes; break; fi
    sleep 0.1
done
check "ER's listening client stopped" test "$stopped" = yes
check "ER's listening client said why" grep -q "no longer accepts your certificate" "$work/tail-ER.err"
set +e
client er ER send --nick ER-send --to '#lobby' "am I still here?" >/dev/null 2>&1
er_status=$?
set -e
check "ER can no longer send (exit $er_status)" test "$er_status" -ne 0

if [ -n "$capture" ]; then
    sleep 0.5
    kill "$tcpdump_pid" 2>/dev/null || true
    sleep 0.5
    check "the capture recorded the session" test -s "$capture"
    for text in "hi all, QW here" "ER checking in" "LO online" "this is only for u" "PRIVMSG" "NICK"; do
        check "no plaintext '$text' on the wire" bash -c "! grep -aq -- '$text' '$capture'"
    done
else
    check "a packet capture of the hub's interface (install tcpdump)" false
fi

kill -TERM "$hubpid"
wait "$hubpid" 2>/dev/null
hub_status=$?
check "the hub shut down cleanly (exit $hub_status)" test "$hub_status" -eq 0

echo
echo "scenario: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
