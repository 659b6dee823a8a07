#!/usr/bin/env bash
# Sets SecureChat up on this machine and runs the server:
#   1. installs OpenSSL 3's development files if they are missing,
#   2. builds SecureChat in release mode,
#   3. when certs/ has none, creates a CA, a server certificate for localhost/127.0.0.1/::1,
#      client certificates for alice and bob, and an allowlist binding those two nicks,
#   4. checks the TLS files with a loopback self-check,
#   5. prints, for each user, the exact commands to connect, and runs the server on
#      127.0.0.1:6697 in the foreground (Ctrl-C stops it gracefully).
# Safe to run again: existing keys, certificates and the allowlist are kept.
# Environment: HOST (default 127.0.0.1) and PORT (default 6697) change where it listens.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-openssl.sh
securechat_ensure_openssl

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
cat <<EOT

==> connect as alice or bob (replace alice with bob for the second user)
  securechat:  $bin/securechat setup --server $host --port $port --nick alice \\
                   --cert $PWD/$certs/clients/alice.pem --key $PWD/$certs/clients/alice.key --pin '$pin'
               $bin/securechat                # then: text, @bob text, /help
  irssi:       irssi -n alice, then
               /connect -tls -tls_cert $PWD/$certs/clients/alice.pem -tls_pkey $PWD/$certs/clients/alice.key -notls_verify -tls_pinned_cert $certfp_colons $host $port
  WeeChat 3.8: /server add securechat $host/$port -ssl
               /set irc.server.securechat.ssl_cert $PWD/$certs/clients/alice.bundle.pem
               /set irc.server.securechat.ssl_fingerprint $certfp
               /set irc.server.securechat.sasl_mechanism external
               /set irc.server.securechat.nicks alice
               /connect securechat
  openssl:     openssl s_client -quiet -connect $host:$port -cert $certs/clients/alice.pem -key $certs/clients/alice.key
               then type: NICK alice  /  USER alice 0 * :Alice  /  PRIVMSG #lobby :hello

==> starting securechat-server on $host:$port (Ctrl-C to stop)
EOT
exec "$bin/securechat-server" \
    --host "$host" --port "$port" --server-name localhost \
    --cert "$certs/server/localhost.pem" --key "$certs/server/localhost.key" \
    --client-ca "$certs/ca.pem" --crl "$certs/crl.pem" --allowlist "$certs/allowlist" \
    --data-dir data
