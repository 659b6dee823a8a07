#!/usr/bin/env bash
# Sets SecureChat up on this machine and runs the server:
#   1. installs OpenSSL 3's development files if they are missing,
#   2. builds SecureChat in release mode,
#   3. when certs/ has none, creates a CA, a server certificate for localhost/127.0.0.1/::1,
#      client certificates for alice and bob, and an allowlist binding those two nicks,
#   4. checks the TLS files with a loopback self-check,
#   5. offers to put securechat and securechat-server on PATH (scripts/install.sh;
#      INSTALL=1 installs without asking, INSTALL=0 never asks),
#   6. prints, for each user (alice in the default configuration, bob in a profile), the
#      exact commands to connect, also written to certs/CONNECT.txt, and runs the server on
#      127.0.0.1:6697 in the foreground (Ctrl-C stops it gracefully).
# Safe to run again: existing keys, certificates and the allowlist are kept.
# Environment: HOST (default 127.0.0.1) and PORT (default 6697) change where it listens.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-openssl.sh

host="${HOST:-127.0.0.1}"
port="${PORT:-6697}"

echo "==> building (release)"
swift build -c release
bin="$(swift build -c release --show-bin-path)"

certs=certs
echo "==> certificates in $certs/"
[ -f "$certs/ca.pem" ] || scripts/gen-certs.sh ca
[ -f "$certs/server/localhost.pem" ] ||
    scripts/gen-certs.sh server localhost --dns localhost --ip 127.0.0.1 --ip ::1
for nick in alice bob; do
    [ -f "$certs/clients/$nick.pem" ] || scripts/gen-certs.sh client "$nick"
done
if [ ! -f "$certs/allowlist" ]; then
    {
        echo "# NICK FINGERPRINT — one line per certificate; edits take effect at once."
        for nick in alice bob; do
            echo "$nick $(scripts/gen-certs.sh fingerprint "$certs/clients/$nick.pem" | grep '^sha256:')"
        done
    } > "$certs/allowlist"
    echo "wrote $certs/allowlist"
fi

echo "==> TLS self-check"
"$bin/securechat-server" check \
    --cert "$certs/server/localhost.pem" --key "$certs/server/localhost.key" \
    --client-ca "$certs/ca.pem" --crl "$certs/crl.pem" \
    --client-cert "$certs/clients/alice.pem" --client-key "$certs/clients/alice.key"

pin="$(scripts/gen-certs.sh fingerprint "$certs/server/localhost.pem" | grep '^sha256//')"
certfp="$(scripts/gen-certs.sh fingerprint "$certs/server/localhost.pem" | grep '^sha256:' | cut -d: -f2)"
certfp_colons="$(echo "$certfp" | tr a-f A-F | sed 's/../&:/g;s/:$//')"
dir="$PWD/$certs"

# The names the server certificate was made for, as gen-certs.sh flags.
names="$(openssl x509 -in "$certs/server/localhost.pem" -noout -ext subjectAltName 2>/dev/null |
    tr ',' '\n' | sed -n 's/^ *DNS:\(.*\)/--dns \1/p; s/^ *IP Address:\(.*\)/--ip \1/p' | tr '\n' ' ' | sed 's/ $//')"
case "$host" in
    *[a-zA-Z]*) verify="-verify_hostname $host" ;;
    *) verify="-verify_ip $host" ;;
esac

echo "==> putting securechat on your PATH"
if command -v securechat >/dev/null 2>&1 && cmp -s "$(command -v securechat)" "$bin/securechat"; then
    echo "securechat on your PATH is this build"
elif [ "${INSTALL:-}" = 1 ] || { [ -t 0 ] && [ "${INSTALL:-}" != 0 ] &&
        read -r -p "Install securechat and securechat-server with scripts/install.sh now? [y/N] " answer &&
        [ "$answer" = y -o "$answer" = yes ]; }; then
    scripts/install.sh --from "$bin"
else
    echo "not installed; scripts/install.sh does it (INSTALL=1 $0 without asking)"
fi
if command -v securechat >/dev/null 2>&1 && cmp -s "$(command -v securechat)" "$bin/securechat"; then
    sc=securechat
else
    sc="$bin/securechat"
fi

connect_for() { # nick, then the extra flags that select its configuration
    local nick="$1" profile="$2" run="$sc"
    [ -n "$profile" ] && run="$sc -p $nick"
    cat <<EOT
--- $nick ---
  securechat:  $sc setup$profile --server $host --port $port --nick $nick \\
                   --cert $dir/clients/$nick.pem --key $dir/clients/$nick.key --pin '$pin'
               $run                # then: text, @$other text (private), /help
  irssi:       irssi -n $nick, then
               /connect -tls -tls_cert $dir/clients/$nick.pem -tls_pkey $dir/clients/$nick.key -notls_verify -tls_pinned_cert $certfp_colons $host $port
               private messages in irssi: /msg $other text   (@$other text is our client's shorthand)
  WeeChat 3.8: /server add securechat $host/$port -ssl
               /set irc.server.securechat.ssl_cert $dir/clients/$nick.bundle.pem
               /set irc.server.securechat.ssl_fingerprint $certfp
               /set irc.server.securechat.sasl_mechanism external
               /set irc.server.securechat.nicks $nick
               /connect securechat
               private messages in WeeChat: /msg $other text
  openssl:     openssl s_client -quiet -connect $host:$port -CAfile $dir/ca.pem $verify -verify_return_error \\
                   -cert $dir/clients/$nick.pem -key $dir/clients/$nick.key
               then type: NICK $nick  /  USER $nick 0 * :$nick  /  PRIVMSG #lobby :hello
EOT
}

connect="$certs/CONNECT.txt"
{
    echo "How to connect to the SecureChat server on $host:$port (written by scripts/quickstart.sh)"
    echo "Two users on one machine: alice uses the default configuration, bob a profile (-p bob)."
    echo
    other=bob connect_for alice ""
    echo
    other=alice connect_for bob " --profile bob"
    echo
    echo "The server certificate ($dir/server/localhost.pem) is for: ${names:-(no names found)}"
    echo "  Renew it (keeps its key, so pins stay valid): scripts/gen-certs.sh server localhost ${names}"
    echo "  To reach it by another name, add --dns NAME or --ip ADDRESS to that line, then restart."
} > "$connect.tmp"
mv "$connect.tmp" "$connect"
echo
cat "$connect"
echo
echo "==> these instructions are also in $dir/CONNECT.txt"

echo "==> starting securechat-server on $host:$port (Ctrl-C to stop)"
exec "$bin/securechat-server" \
    --host "$host" --port "$port" --server-name localhost \
    --cert "$certs/server/localhost.pem" --key "$certs/server/localhost.key" \
    --client-ca "$certs/ca.pem" --crl "$certs/crl.pem" --allowlist "$certs/allowlist" \
    --data-dir data
