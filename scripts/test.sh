#!/usr/bin/env bash
# Runs SecureChat's whole test suite (installing OpenSSL 3's development files first when
# they are missing). Extra arguments go to `swift test`, e.g. scripts/test.sh --filter TLSTests
#
# In CI (CI=true), or with SECURECHAT_SCENARIO=1, it then also runs the four-instance EC2
# scenario in network namespaces (scripts/scenario-ec2.sh; needs root, skipped otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-openssl.sh
swift test "$@"

if [ "${CI:-}" = "true" ] || [ "${SECURECHAT_SCENARIO:-}" = "1" ]; then
    echo
    echo "==> four-instance scenario (scripts/scenario-ec2.sh)"
    set +e
    scripts/scenario-ec2.sh
    status=$?
    set -e
    if [ "$status" -eq 77 ]; then
        echo "scenario skipped on this machine"
    elif [ "$status" -ne 0 ]; then
        exit "$status"
    fi
fi
