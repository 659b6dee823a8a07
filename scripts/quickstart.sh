#!/usr/bin/env bash
# Sets SecureChat up on this machine and proves it works:
#   1. installs OpenSSL 3's development files if they are missing,
#   2. builds securechat-server in release mode,
#   3. when certs/ has none, creates a CA, a server certificate for localhost/127.0.0.1
#      and client certificates for alice and bob (scripts/gen-certs.sh),
#   4. runs a mutual-TLS self-check between a local server and client.
# Safe to run again: existing keys and certificates are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-openssl.sh
securechat_ensure_openssl

echo "==> building securechat-server (release)"
swift build -c release --product securechat-server
bin="$(swift build -c release --show-bin-path)"

certs=certs
echo "==> certificates in $certs/"
[ -f "$certs/ca.pem" ] || scripts/gen-certs.sh ca
[ -f "$certs/server/localhost.pem" ] ||
    scripts/gen-certs.sh server localhost --dns localhost --ip 127.0.0.1 --ip ::1
for nick in alice bob; do
    [ -f "$certs/clients/$nick.pem" ] || scripts/gen-certs.sh client "$nick"
done

echo "==> TLS self-check"
"$bin/securechat-server" check \
    --cert "$certs/server/localhost.pem" --key "$certs/server/localhost.key" \
    --client-ca "$certs/ca.pem" --crl "$certs/crl.pem" \
    --client-cert "$certs/clients/alice.pem" --client-key "$certs/clients/alice.key"
