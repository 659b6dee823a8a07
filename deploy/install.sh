#!/usr/bin/env bash
# Installs SecureChat from an unpacked release tarball: the securechat user, /opt/securechat,
# /etc/securechat and the systemd unit. Idempotent: run it again to upgrade the binaries;
# existing configuration, keys and allowlist are never touched.
#   sudo ./install.sh            (from the unpacked tarball)
#   ROOT=/tmp/x ./install.sh     (into a staging root, without systemd or useradd; for tests)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${ROOT:-}"
staging=0
[ -n "$root" ] && staging=1

if [ "$staging" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: run as root (sudo ./install.sh)" >&2
    exit 1
fi

# The binaries link the system's OpenSSL 3 dynamically; everything else is inside them.
# (ldd's output is kept first: grep -q closing the pipe early would fail it under pipefail.)
libraries="$(ldd "$here/bin/securechat-server" 2>&1 || true)"
if ! grep -q 'libssl.so.3' <<<"$libraries"; then
    echo "install.sh: OpenSSL 3 is missing; install it: dnf install -y openssl (Amazon Linux 2023) or apt-get install -y libssl3 (Debian/Ubuntu)" >&2
    exit 1
fi
if grep -q 'not found' <<<"$libraries"; then
    echo "install.sh: missing libraries:" >&2
    grep 'not found' <<<"$libraries" >&2
    exit 1
fi

if [ "$staging" -eq 0 ] && ! id securechat >/dev/null 2>&1; then
    nologin=$(command -v nologin || echo /usr/sbin/nologin)
    useradd --system --no-create-home --home-dir /nonexistent --shell "$nologin" --user-group securechat
    echo "created user securechat"
fi
owner="root:securechat"
[ "$staging" -eq 1 ] && owner="$(id -u):$(id -g)"

install -d -m 0755 "$root/opt/securechat/bin" "$root/opt/securechat/scripts"
install -m 0755 "$here/bin/securechat-server" "$here/bin/securechat" "$root/opt/securechat/bin/"
install -m 0755 "$here/scripts/gen-certs.sh" "$root/opt/securechat/scripts/"
install -m 0644 "$here/README.md" "$here/SECURITY.md" "$root/opt/securechat/"
install -d -m 0750 "$root/etc/securechat"
[ "$staging" -eq 0 ] && chown "$owner" "$root/etc/securechat"
if [ ! -f "$root/etc/securechat/server.toml" ]; then
    install -m 0640 "$here/deploy/server.toml.example" "$root/etc/securechat/server.toml"
    [ "$staging" -eq 0 ] && chown "$owner" "$root/etc/securechat/server.toml"
    echo "wrote /etc/securechat/server.toml (edit server_name)"
fi
install -d -m 0755 "$root/etc/systemd/system"
install -m 0644 "$here/deploy/securechat-server.service" "$root/etc/systemd/system/securechat-server.service"
if [ "$staging" -eq 0 ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload
fi

cat <<EOT
SecureChat installed in $root/opt/securechat. Next:
  1. copy the server files into $root/etc/securechat (from the admin machine's certs/):
       server.pem  ca.pem  crl.pem  allowlist      root:securechat 0644 (allowlist 0640)
       server.key                                   securechat:securechat 0600
  2. systemctl enable --now securechat-server
  3. add a user: scripts/gen-certs.sh client NICK (admin machine), append the printed line to
     /etc/securechat/allowlist — it applies at once.
EOT
