#!/usr/bin/env bash
# Builds a release tarball that runs on a machine without a Swift toolchain: the binaries
# are linked with the Swift standard library and Foundation inside (--static-swift-stdlib)
# and the system's OpenSSL 3 outside (Amazon Linux 2023, Ubuntu 22.04/24.04, Debian 12).
#   scripts/package.sh            → dist/securechat-<version>-linux-<arch>.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-openssl.sh

version="$(git describe --tags --always --dirty 2>/dev/null || echo dev)"
arch="$(uname -m)"
name="securechat-$version-linux-$arch"
echo "==> building $name"
swift build -c release --static-swift-stdlib --product securechat-server
swift build -c release --static-swift-stdlib --product securechat
bin="$(swift build -c release --show-bin-path)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
install -d "$dir/bin" "$dir/deploy" "$dir/scripts"
install -m 0755 "$bin/securechat-server" "$bin/securechat" "$dir/bin/"
strip "$dir/bin/securechat-server" "$dir/bin/securechat" 2>/dev/null || true
install -m 0644 deploy/securechat-server.service deploy/server.toml.example deploy/cloud-init.yaml "$dir/deploy/"
install -m 0755 deploy/install.sh "$dir/install.sh"
install -m 0755 scripts/gen-certs.sh "$dir/scripts/"
install -m 0644 README.md SECURITY.md "$dir/"

mkdir -p dist
tar -C "$stage" -czf "dist/$name.tar.gz" "$name"
echo "==> dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1))"
echo "    needs on the target: OpenSSL 3 (libssl.so.3) only"
ldd "$dir/bin/securechat-server" | grep -vE 'linux-vdso|ld-linux' | sed 's/^/    links: /'
