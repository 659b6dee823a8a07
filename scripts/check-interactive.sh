#!/usr/bin/env bash
# Runs an interactive client in a real terminal (tmux) and checks the terminal layer:
# the prompt is drawn, typed text edits as expected, Ctrl-D leaves, and the terminal
# settings are exactly as before.
#
#   scripts/check-interactive.sh .build/debug/securechat --config client.toml
#
# Needs tmux. Exits non-zero with the screen contents when a check fails.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGUMENTS...]   (for example .build/debug/securechat --config client.toml)" >&2
    exit 2
fi
command -v tmux >/dev/null || { echo "tmux is needed: apt-get install tmux" >&2; exit 2; }

work=$(mktemp -d)
session="securechat-check-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

printf '%q ' "$@" > "$work/command"
tmux new-session -d -s "$session" -x 60 -y 15 \
    "stty -a > '$work/before'; $(cat "$work/command"); echo \"exit=\$?\" > '$work/status'; stty -a > '$work/after'; sleep 60"

screen() { tmux capture-pane -p -t "$session"; }
fail() { echo "FAIL: $1" >&2; echo "--- screen ---" >&2; screen >&2; exit 1; }
wait_for() {  # wait_for PATTERN DESCRIPTION: up to 10 s for PATTERN on the screen
    for _ in $(seq 100); do screen | grep -qF -- "$1" && return 0; sleep 0.1; done
    fail "$2"
}

sleep 1
# Type, move left twice, delete the word before the cursor, type wide characters.
tmux send-keys -t "$session" -l "hello wörld"
tmux send-keys -t "$session" Left Left C-w
tmux send-keys -t "$session" -l "中文👩‍💻"
wait_for "hello 中文👩‍💻ld" "line editing (expected 'hello 中文👩‍💻ld' on the input line)"

# Ctrl-C clears the line; Ctrl-D on the empty line leaves.
tmux send-keys -t "$session" C-c
sleep 0.3
screen | grep -qF "hello 中文" && fail "Ctrl-C did not clear the input line"
tmux send-keys -t "$session" C-d
for _ in $(seq 100); do [ -s "$work/after" ] && break; sleep 0.1; done
[ -s "$work/after" ] || fail "Ctrl-D on an empty line did not end the client"

diff "$work/before" "$work/after" >/dev/null || fail "terminal settings differ after exit: $(diff "$work/before" "$work/after")"
echo "ok: editing, Ctrl-C, Ctrl-D and terminal restore ($(cat "$work/status"))"
