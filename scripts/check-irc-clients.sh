#!/usr/bin/env bash
# check-irc-clients.sh — real IRC clients against securechat-server.
#
# Builds the server, makes a throwaway CA and certificates, starts the server on
# 127.0.0.1 (port chosen by the system), then drives irssi and WeeChat headless in tmux:
# each registers with its client certificate and SASL EXTERNAL, is shown by the replay
# on join what the scripted peer said before, sends a line to #lobby and reads one from
# the peer; irssi then runs a channel of its own (/mode +ik, /invite, /op, /voice, /ban,
# /who with a mask) with the peer, and WeeChat /invite and /who with a mask; then each
# connects with a certificate that is not in the allowlist and must show the server's
# "add this line" text. Run with --help.
set -uo pipefail
export LC_ALL=C

PROG=${0##*/}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

WAIT=20           # seconds for each awaited event
BUILD_TIMEOUT=1800
SKIP_BUILD=0
KEEP=0

usage() {
    cat <<EOF
$PROG — check that irssi and WeeChat work with securechat-server.

Examples:
  scripts/check-irc-clients.sh                 # build, run every check, print PASS/FAIL
  scripts/check-irc-clients.sh --skip-build    # use the server binary already built
  scripts/check-irc-clients.sh --keep          # keep the work directory (logs, certificates)

Needs irssi, weechat (weechat-curses), tmux and openssl:
  apt-get install -y irssi weechat-curses tmux openssl

Options:
  --skip-build   do not run 'swift build --product securechat-server'
  --keep         keep the temporary directory and print its path
  --wait N       seconds to wait for each expected event (default $WAIT)
  -h, --help     this text

Exit status: 0 every check passed, 1 a check failed, 2 usage error,
77 irssi, weechat, tmux or openssl is not installed (nothing was checked).
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
        --skip-build) SKIP_BUILD=1 ;;
        --keep) KEEP=1 ;;
        --wait)
            [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || { echo "$PROG: --wait needs a number of seconds" >&2; exit 2; }
            WAIT=$2
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) echo "$PROG: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

missing=()
for tool in irssi weechat tmux openssl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "$PROG: SKIP: not installed: ${missing[*]} (apt-get install -y irssi weechat-curses tmux openssl)" >&2
    exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/securechat-clients.XXXXXX")
SOCKET="securechat-check-$$"
SERVER_PID=""
PEER_PID=""
RESULTS=()
FAILED=0

cleanup() {
    local status=$?
    tmux -L "$SOCKET" kill-server >/dev/null 2>&1
    [ -n "$PEER_PID" ] && kill "$PEER_PID" >/dev/null 2>&1
    exec 3>&-
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" >/dev/null 2>&1
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$SERVER_PID" >/dev/null 2>&1 || break
            sleep 0.3
        done
        kill -9 "$SERVER_PID" >/dev/null 2>&1
    fi
    if [ "$KEEP" = 1 ]; then
        echo "$PROG: logs and certificates kept in $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

say() { printf '%s: %s\n' "$PROG" "$*"; }

pass() { RESULTS+=("PASS  $*"); say "PASS $*"; }

fail() {
    RESULTS+=("FAIL  $*")
    FAILED=1
    say "FAIL $*"
}

# wait_until SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds; 1 on timeout.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.2
    done
}

# has FILE TEXT: FILE exists and contains TEXT (fixed string).
has() { [ -f "$1" ] && grep -qF -- "$2" "$1"; }

screen() { tmux -L "$SOCKET" capture-pane -p -t "$1" 2>/dev/null; }
screen_has() { screen "$1" | grep -qF -- "$2"; }

# type_line SESSION TEXT: types TEXT literally into the client, then Enter.
type_line() {
    tmux -L "$SOCKET" send-keys -t "$1" -l -- "$2"
    tmux -L "$SOCKET" send-keys -t "$1" Enter
    sleep 0.4
}

# expect_shown SESSION LOG TEXT PASSED FAILED: passes PASSED when LOG shows TEXT; else
# fails FAILED and shows SESSION's screen.
expect_shown() {
    if wait_until "$WAIT" has "$2" "$3"; then
        pass "$4"
    else
        fail "$5"
        show_context "$1"
    fi
}

# Shown when a check fails: the end of the client's screen and of the server log.
show_context() {
    echo "---- screen of $1 ----"
    screen "$1" | grep -v '^[[:space:]│]*$' | tail -15
    echo "---- server log ----"
    tail -5 "$WORK/server.log"
}

# ---- build, certificates, server ------------------------------------------------------

cd "$ROOT" || exit 1
if [ "$SKIP_BUILD" = 0 ]; then
    say "building securechat-server (up to ${BUILD_TIMEOUT}s)"
    if ! timeout "$BUILD_TIMEOUT" swift build --product securechat-server >"$WORK/build.log" 2>&1; then
        tail -20 "$WORK/build.log"
        fail "build: swift build --product securechat-server"
        exit 1
    fi
fi
BIN_DIR=$(timeout 120 swift build --show-bin-path 2>/dev/null) || BIN_DIR="$ROOT/.build/debug"
SERVER="$BIN_DIR/securechat-server"
[ -x "$SERVER" ] || { fail "no server binary at $SERVER (run without --skip-build)"; exit 1; }

PKI="$WORK/pki"
gen() { timeout 60 "$ROOT/scripts/gen-certs.sh" --dir "$PKI" "$@" >>"$WORK/gen-certs.log" 2>&1; }
if ! gen ca || ! gen server localhost --dns localhost --ip 127.0.0.1 ||
    ! gen client alice || ! gen client carol || ! gen client bob || ! gen client mallory; then
    tail -5 "$WORK/gen-certs.log"
    fail "certificates: scripts/gen-certs.sh"
    exit 1
fi
# Everyone but mallory is allowed; the allowlist line is what gen-certs.sh prints.
for nick in alice carol bob; do
    grep -E "^$nick sha256:[0-9a-f]{64}$" "$WORK/gen-certs.log" | head -1
done >"$PKI/allowlist"
[ "$(wc -l <"$PKI/allowlist")" -eq 3 ] || { fail "allowlist lines not found in gen-certs.sh output"; exit 1; }
# The server certificate's SHA-256: WeeChat pins it as plain hex, irssi as AA:BB:… .
# (irssi 1.4 -tls_verify matches DNS names only, so a connection to 127.0.0.1 pins.)
SERVER_FINGERPRINT_COLONS=$(openssl x509 -in "$PKI/server/localhost.pem" -noout -fingerprint -sha256 | cut -d= -f2)
SERVER_FINGERPRINT=$(printf '%s' "$SERVER_FINGERPRINT_COLONS" | tr -d : | tr 'A-F' 'a-f')

"$SERVER" --cert "$PKI/server/localhost.pem" --key "$PKI/server/localhost.key" \
    --client-ca "$PKI/ca.pem" --allowlist "$PKI/allowlist" --data-dir "$WORK/data" \
    --host 127.0.0.1 --port 0 --server-name chat.test >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
if ! wait_until "$WAIT" grep -q 'listening on 127\.0\.0\.1:[0-9]' "$WORK/server.log"; then
    cat "$WORK/server.log"
    fail "server did not start listening"
    exit 1
fi
PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
say "server listening on 127.0.0.1:$PORT"

# ---- the peer: bob, a scripted client over openssl s_client ---------------------------

mkfifo "$WORK/peer.in"
exec 3<>"$WORK/peer.in"
openssl s_client -quiet -crlf -connect "127.0.0.1:$PORT" -servername localhost \
    -cert "$PKI/clients/bob.pem" -key "$PKI/clients/bob.key" \
    -CAfile "$PKI/ca.pem" -verify_return_error <&3 >"$WORK/peer.out" 2>"$WORK/peer.err" &
PEER_PID=$!
peer_say() { printf '%s\n' "$*" >&3; }
peer_say "NICK bob"
peer_say "USER bob 0 * :Scripted peer"
if wait_until "$WAIT" has "$WORK/peer.out" " 366 bob #lobby "; then
    pass "peer bob (openssl s_client) registered and joined #lobby"
else
    cat "$WORK/peer.err"
    fail "peer bob did not register"
    exit 1
fi
# Said before any client below joins: each must be shown it by the replay on join
# (neither irssi nor WeeChat can ask for history with CHATHISTORY).
BEFORE="said before you came $RANDOM$RANDOM"
peer_say "PRIVMSG #lobby :$BEFORE"

# registered_with_sasl SESSION VERSION LOG SUCCEEDED NICK: passes when LOG shows SUCCEEDED
# and the server logged NICK's registration; otherwise fails, shows the screen and
# returns 1.
registered_with_sasl() {
    local session=$1 version=$2 log=$3 succeeded=$4 nick=$5
    if wait_until "$WAIT" has "$log" "$succeeded" &&
        wait_until "$WAIT" grep -q "nick=$nick .*registered" "$WORK/server.log"; then
        pass "$version: TLS client certificate + pinned server + SASL EXTERNAL, registered as $nick"
    else
        fail "$version: registration with SASL EXTERNAL"
        show_context "$session"
        return 1
    fi
}

# check_lobby_chat SESSION VERSION LOG JOINED SAY: for a client that has registered, that
# LOG shows JOINED once it auto-joined #lobby, that what it types after SAY reaches the
# peer, and that LOG shows what the peer sends to #lobby.
check_lobby_chat() {
    local session=$1 version=$2 log=$3 joined=$4 say=$5 token="$1-$RANDOM$RANDOM"
    if wait_until "$WAIT" has "$log" "$joined"; then
        pass "$version: auto-joined #lobby"
    else
        fail "$version: auto-join of #lobby"
    fi
    expect_shown "$session" "$log" "$BEFORE" "$version: replay on join shows what was said in #lobby before it came" \
        "$version: replay on join, the earlier message is not shown"
    type_line "$session" "$say hello from $token"
    if wait_until "$WAIT" has "$WORK/peer.out" "PRIVMSG #lobby :hello from $token"; then
        pass "$version: message to #lobby reached the peer"
    else
        fail "$version: message to #lobby did not reach the peer"
    fi
    peer_say "PRIVMSG #lobby :hello to $token"
    expect_shown "$session" "$log" "hello to $token" "$version: message from the peer shown" \
        "$version: message from the peer not shown"
}

# ---- irssi ------------------------------------------------------------------------------

# expect_peer WHAT TEXT: passes WHAT when the peer received TEXT, else fails it.
expect_peer() {
    if wait_until "$WAIT" has "$WORK/peer.out" "$2"; then pass "$1"; else fail "$1 (peer never got: $2)"; fi
}

# count_in FILE TEXT: how many lines of FILE hold TEXT.
count_in() { grep -cF -- "$2" "$1" 2>/dev/null || true; }

# refused_until_invited SESSION VERSION CHANNEL MODE INVITE: the peer's JOIN to CHANNEL, which
# MODE made invite-only, is refused with 473; INVITE, typed in SESSION, reaches the peer.
refused_until_invited() {
    local session=$1 version=$2 channel=$3 mode=$4 invite=$5
    peer_say "JOIN $channel"
    expect_peer "$version: $mode refuses a JOIN without invitation (473)" " 473 bob $channel "
    type_line "$session" "$invite"
    expect_peer "$version: /invite reaches the invited nick" "INVITE bob $channel"
}

# check_who_lists_bob SESSION VERSION LOG: /who b*, typed in SESSION, adds to LOG a line
# with the peer's real name.
check_who_lists_bob() {
    local session=$1 version=$2 log=$3 before
    before=$(count_in "$log" "Scripted peer")
    type_line "$session" "/who b*"
    if wait_until "$WAIT" bash -c "[ \$(grep -cF 'Scripted peer' '$log') -gt $before ]"; then
        pass "$version: /who b* lists bob"
    else
        fail "$version: /who b* does not list bob"
        show_context "$session"
    fi
}

# check_irssi_channel_modes LOG: alice, in irssi, opens #modes and runs it with the peer:
# +ik keeps bob out until /invite, /op, /ban silences him, /voice, /who with a mask.
check_irssi_channel_modes() {
    local log=$1 version=$2
    type_line irssi "/join #modes"
    wait_until "$WAIT" has "$log" "has joined #modes" || { fail "$version: /join #modes"; show_context irssi; return; }
    type_line irssi "/mode +ik sekrit"
    expect_shown irssi "$log" "+ik sekrit" "$version: /mode +ik sets invite-only and a key" "$version: /mode +ik"
    refused_until_invited irssi "$version" "#modes" "+i" "/invite bob"
    if wait_until "$WAIT" grep -qiE "inviting bob to #modes" "$log"; then pass "$version: /invite shows 341"
    else fail "$version: /invite, 341 not shown"; fi
    peer_say "JOIN #modes"
    expect_peer "$version: the invited nick joins" " 366 bob #modes "
    type_line irssi "/op bob"
    expect_peer "$version: /op" "MODE #modes +o bob"
    type_line irssi "/deop bob"
    expect_peer "$version: /deop" "MODE #modes -o bob"
    type_line irssi "/ban bob"
    expect_peer "$version: /ban sets a mask on bob" "MODE #modes +b "
    peer_say "PRIVMSG #modes :am I banned"
    expect_peer "$version: a banned member cannot speak (404)" " 404 bob #modes "
    type_line irssi "/voice bob"
    expect_peer "$version: /voice" "MODE #modes +v bob"
    peer_say "PRIVMSG #modes :voiced $$"
    expect_shown irssi "$log" "voiced $$" "$version: a voiced member speaks despite the ban" \
        "$version: the voiced member's message is not shown"
    type_line irssi "/names"
    expect_shown irssi "$log" "+bob" "$version: NAMES shows +bob" "$version: NAMES does not show +bob"
    check_who_lists_bob irssi "$version" "$log"
}

check_irssi() {
    local home="$WORK/irssi" log="$WORK/irssi.log"
    local version
    version=$(irssi --version 2>/dev/null | head -1)
    mkdir -p "$home"
    tmux -L "$SOCKET" new-session -d -s irssi -x 200 -y 50 "irssi --home=$home -n alice"
    if ! wait_until "$WAIT" screen_has irssi "Irssi v"; then
        fail "irssi did not start"
        return
    fi
    type_line irssi "/log open $log"
    type_line irssi "/network add -sasl_mechanism external -nick alice SecureChat"
    type_line irssi "/server add -network SecureChat -tls -tls_cert $PKI/clients/alice.pem -tls_pkey $PKI/clients/alice.key -notls_verify -tls_pinned_cert $SERVER_FINGERPRINT_COLONS 127.0.0.1 $PORT"
    type_line irssi "/connect SecureChat"
    registered_with_sasl irssi "$version" "$log" "SASL authentication succeeded" alice || return
    check_lobby_chat irssi "$version" "$log" "has joined #lobby" "/msg #lobby"
    check_irssi_channel_modes "$log" "$version"
    type_line irssi "/quit"
    wait_until 5 bash -c "! tmux -L '$SOCKET' has-session -t irssi"
}

check_irssi_refused() {
    local home="$WORK/irssi-refused" log="$WORK/irssi-refused.log"
    mkdir -p "$home"
    tmux -L "$SOCKET" new-session -d -s irssi-refused -x 200 -y 50 "irssi --home=$home -n mallory"
    wait_until "$WAIT" screen_has irssi-refused "Irssi v" || { fail "irssi did not start"; return; }
    type_line irssi-refused "/log open $log"
    type_line irssi-refused "/connect -tls -tls_cert $PKI/clients/mallory.pem -tls_pkey $PKI/clients/mallory.key -tls_pinned_cert $SERVER_FINGERPRINT_COLONS 127.0.0.1 $PORT"
    expect_shown irssi-refused "$log" "adds this line to the allowlist: mallory sha256:" \
        "irssi: unlisted certificate shows the allowlist line to add" \
        "irssi: unlisted certificate, the server's ERROR text is not shown"
    type_line irssi-refused "/quit"
}

# ---- WeeChat ----------------------------------------------------------------------------

# WeeChat 4 renamed the ssl* server options and the -ssl flag to tls*.
weechat_tls_word() {
    local major
    major=$(weechat --version 2>/dev/null | head -1 | cut -d. -f1)
    if [[ $major =~ ^[0-9]+$ ]] && [ "$major" -ge 4 ]; then echo tls; else echo ssl; fi
}

# start_weechat SESSION DIR NICK [NICKS]: a WeeChat with server "securechat" set up with
# NICK's certificate, asking for NICKS (default NICK).
start_weechat() {
    local session=$1 dir=$2 nick=$3 nicks=${4:-$3} tls
    tls=$(weechat_tls_word)
    mkdir -p "$dir"
    tmux -L "$SOCKET" new-session -d -s "$session" -x 200 -y 50 "weechat --dir $dir"
    wait_until "$WAIT" screen_has "$session" "Plugins loaded" || return 1
    type_line "$session" "/set logger.file.flush_delay 0"
    type_line "$session" "/server add securechat 127.0.0.1/$PORT -$tls"
    type_line "$session" "/set irc.server.securechat.${tls}_cert $PKI/clients/$nick.bundle.pem"
    type_line "$session" "/set irc.server.securechat.${tls}_fingerprint $SERVER_FINGERPRINT"
    type_line "$session" "/set irc.server.securechat.sasl_mechanism external"
    type_line "$session" '/set irc.server.securechat.capabilities "*"'
    type_line "$session" "/set irc.server.securechat.nicks $nicks"
    type_line "$session" "/set irc.server.securechat.autoreconnect off"
    type_line "$session" "/connect securechat"
}

# check_weechat_channel_modes VERSION SERVER_LOG: carol, in WeeChat, makes #wee +i,
# invites the peer, which joins, and lists it with /who and a mask.
check_weechat_channel_modes() {
    local version=$1 server_log=$2 channel_log="$WORK/weechat/logs/irc.securechat.#wee.weechatlog"
    type_line weechat "/join -server securechat #wee"
    wait_until "$WAIT" has "$channel_log" "has joined #wee" || { fail "$version: /join #wee"; show_context weechat; return; }
    type_line weechat "/mode #wee +i"
    expect_shown weechat "$channel_log" "[+i]" "$version: /mode +i" "$version: /mode +i not shown"
    refused_until_invited weechat "$version" "#wee" "/mode +i" "/invite bob #wee"
    peer_say "JOIN #wee"
    expect_peer "$version: the invited nick joins" " 366 bob #wee "
    check_who_lists_bob weechat "$version" "$server_log"
}

check_weechat() {
    local dir="$WORK/weechat" version
    version="WeeChat $(weechat --version 2>/dev/null | head -1)"
    local server_log="$dir/logs/irc.server.securechat.weechatlog" lobby_log="$dir/logs/irc.securechat.#lobby.weechatlog"
    if ! start_weechat weechat "$dir" carol; then
        fail "WeeChat did not start"
        return
    fi
    registered_with_sasl weechat "$version" "$server_log" "SASL authentication successful" carol || return
    check_lobby_chat weechat "$version" "$lobby_log" "carol" "/msg -server securechat #lobby"
    check_weechat_channel_modes "$version" "$server_log"
    type_line weechat "/quit"
}

check_weechat_refused() {
    local dir="$WORK/weechat-refused"
    local server_log="$dir/logs/irc.server.securechat.weechatlog"
    if ! start_weechat weechat-refused "$dir" mallory; then
        fail "WeeChat did not start"
        return
    fi
    expect_shown weechat-refused "$server_log" "adds this line to the allowlist: mallory sha256:" \
        "WeeChat: unlisted certificate shows the allowlist line to add" \
        "WeeChat: unlisted certificate, the server's ERROR text is not shown"
    type_line weechat-refused "/quit"
}

# WeeChat answers 432 by trying its next nick without end; the server registers the
# certificate's nick at the second refusal.
check_weechat_unbound_nicks() {
    local dir="$WORK/weechat-nicks"
    local server_log="$dir/logs/irc.server.securechat.weechatlog"
    if ! start_weechat weechat-nicks "$dir" carol "guest,guest1,guest2"; then
        fail "WeeChat did not start"
        return
    fi
    expect_shown weechat-nicks "$server_log" "Welcome to the SecureChat Network, carol!" \
        "WeeChat: nicks not bound to the certificate, registered as carol" \
        "WeeChat: nicks not bound to the certificate, not registered"
    type_line weechat-nicks "/quit"
}

check_irssi
check_weechat
check_weechat_unbound_nicks
check_irssi_refused
check_weechat_refused

echo
echo "Real IRC clients against securechat-server on 127.0.0.1:$PORT"
printf '  %s\n' "${RESULTS[@]}"
if [ "$FAILED" = 0 ]; then
    echo "PASS"
    exit 0
fi
echo "FAIL"
exit 1
