# Sourced by the project's scripts, which need not call anything: it makes sure OpenSSL 3
# (headers, library, command-line tool), SQLite 3's development files (the history store)
# and pkg-config are installed, installing them from the system's packages when they are
# missing, and returns 1 when it cannot. Debian/Ubuntu: libssl-dev openssl libsqlite3-dev
# pkg-config; Amazon Linux/Fedora/RHEL: openssl-devel openssl sqlite-devel
# pkgconf-pkg-config.

securechat_have_openssl() {
    command -v openssl >/dev/null 2>&1 &&
        command -v pkg-config >/dev/null 2>&1 &&
        pkg-config --atleast-version=3.0 openssl 2>/dev/null &&
        pkg-config --exists sqlite3 2>/dev/null
}

securechat_ensure_openssl() {
    securechat_have_openssl && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
        else
            echo "OpenSSL 3 or SQLite 3 development files are missing; as root run: apt-get install -y libssl-dev openssl libsqlite3-dev pkg-config" >&2
            return 1
        fi
    fi
    echo "Installing OpenSSL 3 development files…" >&2
    if command -v apt-get >/dev/null 2>&1; then
        $sudo apt-get update
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y libssl-dev openssl libsqlite3-dev pkg-config
    elif command -v dnf >/dev/null 2>&1; then
        $sudo dnf install -y openssl-devel openssl sqlite-devel pkgconf-pkg-config
    elif command -v yum >/dev/null 2>&1; then
        $sudo yum install -y openssl-devel openssl sqlite-devel pkgconfig
    else
        echo "Install OpenSSL 3 and SQLite 3 development files (libssl-dev libsqlite3-dev, or openssl-devel sqlite-devel) and pkg-config, then run this again." >&2
        return 1
    fi
    if ! securechat_have_openssl; then
        echo "OpenSSL 3.0 or newer is required; this system has $(pkg-config --modversion openssl 2>/dev/null || echo none)." >&2
        return 1
    fi
}

securechat_ensure_openssl
