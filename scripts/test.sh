#!/usr/bin/env bash
# Runs SecureChat's whole test suite (installing OpenSSL 3's development files first when
# they are missing). Extra arguments go to `swift test`, e.g. scripts/test.sh --filter TLSTests
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-openssl.sh
securechat_ensure_openssl
exec swift test "$@"
