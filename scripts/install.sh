#!/usr/bin/env bash
# Puts securechat and securechat-server on your PATH.
#
# Examples:
#   scripts/install.sh                      # as root: /usr/local/bin; otherwise: ~/.local/bin
#   scripts/install.sh --prefix /opt/sc     # /opt/sc/bin
#   scripts/install.sh --from .build/release --prefix ~/.local
#
# Builds in release mode first (unless --from names a folder that holds both programs),
# then copies both programs into PREFIX/bin (mode 0755). Running it again replaces
# programs that changed and leaves the others; it says which. It prints where they went,
# and the line to add to your shell's start file when that folder is not on PATH.
# Exit status: 0 installed (or already up to date), 1 failure, 2 usage.
set -euo pipefail

usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; }
fail() { echo "install.sh: $*" >&2; exit 1; }

prefix=""
from=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder, e.g. --prefix ~/.local" >&2; exit 2; }
                  prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#*=}"; shift ;;
        --from) [ $# -ge 2 ] || { echo "install.sh: --from needs the folder that holds the built programs" >&2; exit 2; }
                from="$2"; shift 2 ;;
        --from=*) from="${1#*=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

if [ -z "$prefix" ]; then
    if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac
while [ "${#prefix}" -gt 1 ] && [ "${prefix%/}" != "$prefix" ]; do prefix="${prefix%/}"; done

if [ -z "$from" ]; then
    cd "$(dirname "$0")/.."
    echo "==> building (release)"
    swift build -c release >&2
    from="$(swift build -c release --show-bin-path)"
fi
for program in securechat securechat-server; do
    [ -x "$from/$program" ] || fail "$from/$program is missing; build first (swift build -c release) or give --from FOLDER"
done

bin="$prefix/bin"
mkdir -p "$bin" 2>/dev/null || fail "cannot create $bin; run as root (sudo $0 …) or choose --prefix ~/.local"
[ -w "$bin" ] || fail "$bin is not writable; run as root (sudo $0 …) or choose --prefix ~/.local"
for program in securechat securechat-server; do
    if [ -f "$bin/$program" ] && cmp -s "$from/$program" "$bin/$program"; then
        echo "$bin/$program is up to date"
    else
        # A copy beside it, then a rename: a running program keeps its file.
        install -m 0755 "$from/$program" "$bin/.$program.new"
        mv -f "$bin/.$program.new" "$bin/$program"
        echo "installed $bin/$program"
    fi
done

case ":$PATH:" in
    *":$bin:"*) echo "$bin is on your PATH: run securechat --help" ;;
    *) echo "$bin is not on your PATH; add it (then open a new shell):"
       echo "    echo 'export PATH=\"$bin:\$PATH\"' >> ~/.bashrc" ;;
esac
